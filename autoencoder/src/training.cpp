// `pmbench train-encoder`: trains EmbeddingNet as an auto-encoder on 240-frame windows with the
// reconstruction loss of Yoon et al. 2020 (train_iter_embed, AE mode), with resumable checkpoints.
#include "pmbench/autoencoder/training.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "embedding_net.hpp"
#include "pmbench/autoencoder/fid_scoring.hpp"
#include "pmbench/error.hpp"

namespace pmbench::autoencoder {
namespace {

constexpr double kAdamBeta1 = 0.5;  // the original recipe: Adam(betas=(0.5, 0.999))
constexpr double kAdamBeta2 = 0.999;
constexpr std::size_t kReadBlockClips = 64;

/// Every training window of `data` as one [N,240,96] float tensor on the CPU.
torch::Tensor collect_windows(const ClipSource& data, const std::string& window_mode) {
  const std::size_t per_clip = windows_per_clip(data.frames(), window_mode, data.describe());
  PMBENCH_CHECK(per_clip > 0, InvalidInput, data.describe(), ": clips have ", data.frames(),
                " frames, fewer than the ", kFrames, " of one encoder window");
  const auto n = static_cast<int64_t>(data.clips() * per_clip);
  torch::Tensor windows = torch::empty({n, kFrames, kPoseDim}, torch::kFloat32);
  float* out = windows.data_ptr<float>();
  std::vector<io::ClipMotion<float>> clips;
  for (std::size_t first = 0; first < data.clips(); first += kReadBlockClips) {
    const std::size_t count = std::min(kReadBlockClips, data.clips() - first);
    data.read(first, count, clips);
    for (std::size_t c = 0; c < count; ++c) {
      for (std::size_t w = 0; w < per_clip; ++w) {
        const std::size_t index = (first + c) * per_clip + w;
        pack_window(clips[c], w * kFrames, out + index * kWindowSize);
      }
    }
  }
  PMBENCH_CHECK(torch::isfinite(windows).all().item<bool>(), InvalidInput, data.describe(),
                ": training data contains NaN or Inf poses");
  return windows;
}

void save_checkpoint(const std::string& path, EmbeddingNet& net, torch::optim::Adam& optimizer, int epoch,
                     std::uint64_t seed, int64_t windows) {
  torch::serialize::OutputArchive root;
  torch::serialize::OutputArchive model;
  net->save(model);
  root.write("model", model);
  torch::serialize::OutputArchive optim;
  optimizer.save(optim);
  root.write("optimizer", optim);
  root.write("epoch", torch::tensor(static_cast<int64_t>(epoch)));
  root.write("seed", torch::tensor(static_cast<int64_t>(seed)));
  root.write("windows", torch::tensor(windows));
  const std::string tmp = temp_path_for(path);
  try {
    root.save_to(tmp);
  } catch (const c10::Error& e) {
    std::remove(tmp.c_str());
    PMBENCH_FAIL(Io, path, ": cannot write training checkpoint (", e.what_without_backtrace(), ")");
  }
  move_into_place(tmp, path);
}

/// Restores model and optimiser; returns the last completed epoch.
int load_checkpoint(const std::string& path, EmbeddingNet& net, torch::optim::Adam& optimizer,
                    const torch::Device& device, int64_t windows) {
  torch::serialize::InputArchive root;
  try {
    root.load_from(path, device);
    torch::serialize::InputArchive model;
    root.read("model", model);
    net->load(model);
    torch::serialize::InputArchive optim;
    root.read("optimizer", optim);
    optimizer.load(optim);
  } catch (const c10::Error& e) {
    std::string what = e.what_without_backtrace();
    PMBENCH_FAIL(InvalidInput, path, ": not a pmbench training checkpoint (", what.substr(0, what.find('\n')),
                 ")");
  }
  torch::Tensor epoch, saved_windows;
  root.read("epoch", epoch);
  root.read("windows", saved_windows);
  PMBENCH_CHECK(saved_windows.item<int64_t>() == windows, InvalidInput, path, ": checkpoint was trained on ",
                saved_windows.item<int64_t>(), " windows, this data has ", windows);
  return static_cast<int>(epoch.item<int64_t>());
}

}  // namespace

TrainResult train_encoder(const ClipSource& data, const std::string& out_path, const TrainOptions& options) {
  PMBENCH_CHECK(options.epochs > 0, InvalidInput, "train-encoder: --epochs must be positive");
  PMBENCH_CHECK(options.batch_size >= 2, InvalidInput,
                "train-encoder: --batch-size must be at least 2 (BatchNorm needs 2 windows per step)");
  PMBENCH_CHECK(options.learning_rate > 0, InvalidInput, "train-encoder: --lr must be positive");
  PMBENCH_CHECK(options.checkpoint_every >= 0, InvalidInput,
                "train-encoder: --checkpoint-every must be >= 0");
  const torch::Device device = parse_device(options.device);
  const torch::Tensor windows = collect_windows(data, options.window);
  const int64_t n = windows.size(0);
  PMBENCH_CHECK(n >= 2, InvalidInput, data.describe(), ": need at least 2 training windows, got ", n);

  torch::manual_seed(options.seed);
  EmbeddingNet net(kPoseDim, kFrames);
  net->to(device);
  torch::optim::Adam optimizer(
      net->parameters(), torch::optim::AdamOptions(options.learning_rate).betas({kAdamBeta1, kAdamBeta2}));
  TrainResult result;
  result.windows = static_cast<std::size_t>(n);
  if (!options.resume_path.empty()) {
    result.first_epoch = load_checkpoint(options.resume_path, net, optimizer, device, n) + 1;
  }
  const std::string checkpoint_path =
      options.checkpoint_path.empty() ? out_path + ".ckpt" : options.checkpoint_path;
  const int64_t batch = options.batch_size;
  const auto steps = static_cast<std::size_t>((n + batch - 1) / batch);

  for (int epoch = result.first_epoch; epoch <= options.epochs; ++epoch) {
    net->train();
    // The shuffle depends only on (seed, epoch), so a resumed run sees the same batches.
    auto generator = at::make_generator<at::CPUGeneratorImpl>(options.seed * 1000003ULL +
                                                              static_cast<std::uint64_t>(epoch));
    const torch::Tensor order = torch::randperm(n, generator, torch::kLong);
    double loss_sum = 0.0;
    int64_t seen = 0;
    for (std::size_t step = 0; step < steps; ++step) {
      const int64_t begin = static_cast<int64_t>(step) * batch;
      const int64_t size = std::min(batch, n - begin);
      if (size < 2) continue;  // BatchNorm in training mode needs 2 samples
      const torch::Tensor x = windows.index_select(0, order.slice(0, begin, begin + size)).to(device);
      optimizer.zero_grad();
      const torch::Tensor recon = net->forward(x);
      // train_iter_embed: l1_loss(reduction='none'), mean over (frames, dims), sum over the batch.
      const torch::Tensor per_window = (recon - x).abs().mean({1, 2});
      const torch::Tensor loss = per_window.sum();
      loss.backward();
      optimizer.step();
      const double batch_sum = loss.item<double>();
      loss_sum += batch_sum;
      seen += size;
      if (options.progress) {
        options.progress(
            TrainProgress{epoch, options.epochs, step + 1, steps, batch_sum / static_cast<double>(size)});
      }
    }
    result.epoch_loss.push_back(loss_sum / static_cast<double>(seen));
    if (options.epoch_end) options.epoch_end(epoch, result.epoch_loss.back());
    if (options.checkpoint_every > 0 && epoch % options.checkpoint_every == 0) {
      save_checkpoint(checkpoint_path, net, optimizer, epoch, options.seed, n);
    }
  }

  net->eval();
  EncoderInfo info;
  info.pose_dim = kPoseDim;
  info.frames = kFrames;
  info.trained_by_pmbench = true;
  std::ostringstream note;
  note << "trained by pmbench train-encoder on " << data.describe() << " (" << n << " windows, "
       << options.epochs << " epochs, batch " << options.batch_size << ", lr " << options.learning_rate
       << ", seed " << options.seed << "); NOT the official weights";
  info.note = note.str();
  write_weights(out_path, state_dict_of(net), info);
  return result;
}

}  // namespace pmbench::autoencoder
