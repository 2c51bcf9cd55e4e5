// `pmbench make-gt` and `pmbench inspect` (the dataset module's subcommands).
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include "commands.hpp"
#include "pmbench/dataset/inspect.hpp"
#include "pmbench/dataset/make_gt.hpp"
#include "pmbench/error.hpp"

namespace pmbench::cli {
namespace {

struct MakeGtArgs {
  std::string data_root;
  std::string split;
  std::string out;
  std::string protocol = dataset::kDefaultProtocol;
  std::string uploaders;  // empty = the protocol's list
  std::optional<std::uint64_t> seed;
  bool all_windows = false;
  std::optional<std::size_t> max_undetected;
  bool allow_missing_audio = false;
  bool skip_invalid = false;
  std::string precision = "float32";
  unsigned threads = 0;
  bool quiet = false;
};

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, ',')) {
    const auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

int run_make_gt(const MakeGtArgs& a) {
  dataset::MakeGtOptions o;
  o.data_root = a.data_root;
  o.split = dataset::parse_split(a.split);
  o.out = a.out;
  o.protocol = dataset::protocol_by_name(a.protocol);
  if (!a.uploaders.empty()) {
    o.protocol.uploaders = a.uploaders == "all" ? std::vector<std::string>{} : split_list(a.uploaders);
    PMBENCH_CHECK(a.uploaders == "all" || !o.protocol.uploaders.empty(), InvalidInput,
                  "--uploaders: expected 'all' or a comma-separated list of uploader ids");
  }
  if (a.seed) o.protocol.seed = *a.seed;
  if (a.all_windows) o.protocol.windows = dataset::WindowMode::AllNonOverlapping;
  if (a.max_undetected) o.protocol.max_undetected = a.max_undetected;
  if (a.allow_missing_audio) o.protocol.require_audio = false;
  PMBENCH_CHECK(a.precision == "float32" || a.precision == "float64", InvalidInput,
                "--precision: expected float32 or float64, got '", a.precision, "'");
  o.precision = a.precision == "float32" ? Precision::Float32 : Precision::Float64;
  o.threads = a.threads;
  o.skip_invalid = a.skip_invalid;
  const bool show_progress = !a.quiet && isatty(STDERR_FILENO);
  if (show_progress) {
    o.progress = [](const char* stage, std::size_t done, std::size_t total) {
      std::fprintf(stderr, "\rmake-gt: %-5s %zu/%zu", stage, done, total);
      if (done == total) std::fputc('\n', stderr);
      std::fflush(stderr);
    };
  }
  const dataset::MakeGtResult result = dataset::make_gt(o);
  std::cout << "wrote " << a.out << "\n" << dataset::summary_text(result);
  return 0;
}

}  // namespace

void register_dataset_commands(CLI::App& app, CommandRunner& runner) {
  auto mk_args = std::make_shared<MakeGtArgs>();
  CLI::App* mk = app.add_subcommand(
      "make-gt",
      "Write a ground-truth file (format v1 /gt, /clip_id, /manifest) from a PianoMotion10M split");
  mk->add_option("--data-root", mk_args->data_root, "Dataset root (annotation/, audio/, midi/, <split>.txt)")
      ->required()
      ->check(CLI::ExistingDirectory);
  mk->add_option("--split", mk_args->split, "train, valid or test")
      ->required()
      ->check(CLI::IsMember({"train", "valid", "test"}));
  mk->add_option("--out", mk_args->out, "Output .h5 (written atomically)")->required();
  mk->add_option("--protocol", mk_args->protocol, "Frozen protocol")->capture_default_str();
  mk->add_option(
      "--uploaders", mk_args->uploaders,
      "Uploader filter: 'all' or a comma-separated list (default: the protocol's, 1467634,66685747)");
  mk->add_option("--seed", mk_args->seed, "Seed of the window draw (default: the protocol's, 2014)");
  mk->add_flag("--all-windows", mk_args->all_windows,
               "All non-overlapping windows instead of one drawn window");
  mk->add_option("--max-undetected", mk_args->max_undetected,
                 "Drop windows where a hand is undetected on more than N frames (default: keep all)");
  mk->add_flag("--allow-missing-audio", mk_args->allow_missing_audio,
               "Keep sequences whose mp3 is missing (default: skip and list them)");
  mk->add_flag("--skip-invalid", mk_args->skip_invalid,
               "Skip unreadable / malformed annotations and list them (default: fail naming the file)");
  mk->add_option("--precision", mk_args->precision, "Stored precision: float32 or float64")
      ->capture_default_str();
  mk->add_option("--threads", mk_args->threads, "Worker threads (0 = all cores)")->capture_default_str();
  mk->add_flag("--quiet,-q", mk_args->quiet, "No progress output");
  mk->callback([&runner, mk_args] { runner = [mk_args] { return run_make_gt(*mk_args); }; });

  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* inspect = app.add_subcommand("inspect", "Summarise an .h5, annotation .json, .mp3 or MIDI file");
  inspect->add_option("files", *files, "Files to inspect")->required()->check(CLI::ExistingFile);
  inspect->callback([&runner, files] {
    runner = [files] {
      for (const std::string& f : *files) std::cout << dataset::inspect_file(f);
      return 0;
    };
  });
}

}  // namespace pmbench::cli
