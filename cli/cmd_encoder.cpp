// `pmbench train-encoder`: trains the motion auto-encoder used for FID on 240-frame windows of a
// ground-truth file. LibTorch-free: everything goes through pmbench/autoencoder/training.hpp.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "pmbench/autoencoder/encoder.hpp"
#include "pmbench/autoencoder/training.hpp"
#include "pmbench/clip_source.hpp"
#include "pmbench/error.hpp"
#include "pmbench/progress.hpp"
#include "pmbench/sha256.hpp"

namespace pmbench::cli {
namespace {

struct TrainArgs {
  std::string data;
  std::string group = io::kGtGroup;
  std::string out;
  std::string resume;
  std::string checkpoint;
  bool quiet = false;
  autoencoder::TrainOptions options;
};

int run_train_encoder(TrainArgs& args) {
  const io::MotionFile file(args.data);
  PMBENCH_CHECK(file.has_group(args.group), InvalidInput, "'", args.data, "': group /", args.group,
                " is missing");
  const FileClipSource source(file, args.group);

  autoencoder::TrainOptions options = args.options;
  options.resume_path = args.resume;
  options.checkpoint_path = args.checkpoint;
  std::unique_ptr<ProgressBar> bar;
  int bar_epoch = 0;
  options.progress = [&](const autoencoder::TrainProgress& p) {
    if (p.epoch != bar_epoch) {
      if (bar) bar->finish();
      bar = std::make_unique<ProgressBar>("epoch " + std::to_string(p.epoch) + "/" + std::to_string(p.epochs),
                                          args.quiet);
      bar_epoch = p.epoch;
    }
    bar->update(p.step, p.steps);
  };
  options.epoch_end = [&](int epoch, double loss) {
    if (bar) bar->finish();
    if (!args.quiet)
      std::cerr << "pmbench: epoch " << epoch << "/" << options.epochs << ": loss " << loss << "\n";
  };
  const autoencoder::TrainResult result = autoencoder::train_encoder(source, args.out, options);
  if (bar) bar->finish();

  const std::string sha = pmbench::sha256_file(args.out);
  const nlohmann::json summary = {{"encoder", {{"path", args.out}, {"sha256", sha}}},
                                  {"data", source.describe()},
                                  {"windows", result.windows},
                                  {"first_epoch", result.first_epoch},
                                  {"epochs", options.epochs},
                                  {"epoch_loss", result.epoch_loss}};
  std::cout << summary.dump(2) << "\n";
  if (!args.quiet) std::cerr << "pmbench: wrote " << args.out << " (sha256 " << sha << ")\n";
  return 0;
}

}  // namespace

void register_encoder_commands(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<TrainArgs>();
  auto& o = args->options;
  CLI::App* cmd = app.add_subcommand(
      "train-encoder",
      "Train the motion auto-encoder used for FID (NOT the official weights; see docs/autoencoder.md)");
  cmd->add_option("--data", args->data, "HDF5 file (format v1) with the training motion")->required();
  cmd->add_option("--group", args->group, "Group of --data to train on")->capture_default_str();
  cmd->add_option("--out", args->out,
                  "Weights to write (atomically): .h5 (pmbench weights) or .pt (torch.save style)")
      ->required();
  cmd->add_option("--epochs", o.epochs, "Passes over all windows")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--batch-size", o.batch_size, "Windows per step")
      ->check(CLI::Range(2, 1 << 20))
      ->capture_default_str();
  cmd->add_option("--lr", o.learning_rate, "Adam learning rate (betas 0.5, 0.999)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--seed", o.seed, "Seed of the initial weights and the shuffling")->capture_default_str();
  cmd->add_option("--device", o.device, "cpu or cuda")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->capture_default_str();
  cmd->add_option("--window", o.window,
                  "How clips become 240-frame windows: '' (exactly 240 frames) or consecutive")
      ->check(CLI::IsMember({"", "consecutive"}))
      ->capture_default_str();
  cmd->add_option("--checkpoint-every", o.checkpoint_every,
                  "Write a resumable checkpoint every N epochs (0: never)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--checkpoint", args->checkpoint, "Checkpoint path (default: OUT.ckpt)");
  cmd->add_option("--resume", args->resume, "Continue from this checkpoint (same data, seed and batch size)");
  cmd->add_flag("--quiet,-q", args->quiet, "No progress bar and no notes on stderr");
  cmd->callback([&runner, args] { runner = [args] { return run_train_encoder(*args); }; });
}

}  // namespace pmbench::cli
