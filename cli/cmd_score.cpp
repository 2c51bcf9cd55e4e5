// `pmbench score PREDS [--gt GT]`: the four per-hand metrics (and FID with --encoder) of a
// predictions file against its ground truth.
#include <unistd.h>

#include <iostream>
#include <memory>
#include <optional>
#include <utility>

#include "commands.hpp"
#include "pmbench/error.hpp"
#include "pmbench/progress.hpp"
#include "pmbench/report.hpp"
#include "pmbench/score.hpp"
#ifdef PMBENCH_CLI_HAVE_ENCODER
#include "pmbench/autoencoder/fid_scoring.hpp"
#endif

namespace pmbench::cli {
namespace {

struct ScoreArgs {
  std::string predictions;
  std::string gt;
  std::string precision = "float32";
  std::string format;
  std::string output;
  unsigned threads = 0;
  bool quiet = false;
  std::string encoder;
  std::string fid_window;
  std::string device = "cpu";
};

// Table on a terminal; otherwise the format named by --output's extension, else JSON.
ReportFormat choose_format(const ScoreArgs& args) {
  if (!args.format.empty()) return parse_report_format(args.format);
  if (!args.output.empty()) {
    const auto dot = args.output.rfind('.');
    const std::string ext = dot == std::string::npos ? "" : args.output.substr(dot + 1);
    if (ext == "csv") return ReportFormat::Csv;
    if (ext == "md") return ReportFormat::Markdown;
    if (ext == "txt") return ReportFormat::Table;
    return ReportFormat::Json;
  }
  return isatty(STDOUT_FILENO) ? ReportFormat::Table : ReportFormat::Json;
}

int run_score(const ScoreArgs& args) {
  const Precision precision = args.precision == "float64" ? Precision::Float64 : Precision::Float32;
  const ReportFormat format = choose_format(args);

  io::MotionFile pred_file(args.predictions);
  const io::GroupShape pred_shape = pred_file.group_shape(io::kPredGroup);
  std::optional<io::MotionFile> separate_gt;
  if (!args.gt.empty()) separate_gt.emplace(args.gt);
  const io::MotionFile& gt_file = separate_gt ? *separate_gt : pred_file;
  PMBENCH_CHECK(gt_file.has_group(io::kGtGroup), InvalidInput, "'", gt_file.path(), "': group /gt is missing",
                separate_gt ? "" : " (pass --gt FILE to take the ground truth from another file)");
  const io::GroupShape gt_shape = gt_file.group_shape(io::kGtGroup);

  // Clips are paired by clip_id when both files have ids, else by position.
  FileClipSource pred(pred_file, io::kPredGroup);
  std::vector<std::size_t> gt_rows;
  if (separate_gt) {
    check_same_protocol(pred_file, gt_file);
    if (pred_file.has_clip_ids() && gt_file.has_clip_ids()) {
      gt_rows = match_clip_ids(pred.clip_ids(), FileClipSource(gt_file, io::kGtGroup).clip_ids(),
                               "'" + pred_file.path() + "'", "'" + gt_file.path() + "'");
    }
  }
  if (gt_rows.empty()) {
    PMBENCH_CHECK(pred_shape.clips == gt_shape.clips, InvalidInput, "'", pred_file.path(), "' /pred has ",
                  pred_shape.clips, " clips but the ground truth '", gt_file.path(), "' /gt has ",
                  gt_shape.clips);
  }
  FileClipSource gt(gt_file, io::kGtGroup, std::move(gt_rows));

  ScoreOptions options;
  options.precision = precision;
  options.threads = args.threads;
  ProgressBar bar("scoring", args.quiet);
  options.progress = [&bar](std::size_t done, std::size_t total) { bar.update(done, total); };
  ScoreReport report = score(pred, gt, options);
  bar.finish();

  if (!args.encoder.empty()) {
#ifdef PMBENCH_CLI_HAVE_ENCODER
    autoencoder::FidScoringOptions fid_options;
    fid_options.encoder_path = args.encoder;
    fid_options.device = args.device;
    fid_options.fid_window = args.fid_window;
    ProgressBar fid_bar("encoding", args.quiet);
    fid_options.progress = [&fid_bar](std::size_t done, std::size_t total) { fid_bar.update(done, total); };
    nlohmann::json fid = autoencoder::score_fid(pred, gt, fid_options);
    fid_bar.finish();
    if (fid.contains("warnings") && !args.quiet) {
      for (const auto& w : fid["warnings"]) std::cerr << "pmbench: warning: " << w.get<std::string>() << "\n";
    }
    for (const auto& [key, value] : fid.items()) report.extra[key] = value;
#else
    PMBENCH_FAIL(InvalidInput, "--encoder needs FID support, but this pmbench was built without LibTorch");
#endif
  }

  const std::string rendered = render_report(report, format);
  if (args.output.empty()) {
    std::cout << rendered << std::flush;
  } else {
    write_file_atomically(args.output, rendered);
  }
  if (!args.quiet) {
    const std::size_t undefined = report.undefined().size();
    if (undefined > 0) {
      std::cerr << "pmbench: " << undefined << " clip value" << (undefined == 1 ? " is" : "s are")
                << " undefined (the official evaluation would abort or print NaN); their means are null\n";
    }
    if (!args.output.empty()) std::cerr << "pmbench: wrote " << args.output << "\n";
  }
  return 0;
}

}  // namespace

void register_score_command(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<ScoreArgs>();
  CLI::App* cmd = app.add_subcommand("score", "Score a predictions file against its ground truth");
  cmd->add_option("predictions", args->predictions, "HDF5 file with /pred (and /gt unless --gt), format v1")
      ->required();
  cmd->add_option("--gt", args->gt,
                  "Take the ground truth (/gt) from this file; clips are matched by /clip_id");
  cmd->add_option("--precision", args->precision, "Working precision of the metrics (official run: float32)")
      ->check(CLI::IsMember({"float32", "float64"}))
      ->capture_default_str();
  cmd->add_option("--format", args->format,
                  "table, json, csv or markdown (default: table on a terminal, else json)")
      ->check(CLI::IsMember({"table", "json", "csv", "markdown"}));
  cmd->add_option("--output,-o", args->output,
                  "Write the report to this file (atomically) instead of stdout");
  cmd->add_option("--threads,-j", args->threads,
                  "Worker threads (default: all cores; results do not depend on it)");
  cmd->add_flag("--quiet,-q", args->quiet, "No progress bar and no notes on stderr");
  cmd->add_option("--encoder", args->encoder, "Motion auto-encoder weights: adds FID and F_dist");
  cmd->add_option("--fid-window", args->fid_window,
                  "How to cut clips whose length is not the encoder's: 'consecutive' 240-frame windows")
      ->check(CLI::IsMember({"", "consecutive"}));
  cmd->add_option("--device", args->device, "Device for the encoder: cpu or cuda")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->capture_default_str();
  cmd->callback([&runner, args] { runner = [args] { return run_score(*args); }; });
}

}  // namespace pmbench::cli
