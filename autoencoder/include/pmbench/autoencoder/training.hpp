// Training the motion auto-encoder (`pmbench train-encoder`), LibTorch-free interface.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "pmbench/clip_source.hpp"

namespace pmbench::autoencoder {

/// Where training stands, after each optimiser step.
struct TrainProgress {
  int epoch = 0;  ///< 1-based
  int epochs = 0;
  std::size_t step = 0;     ///< 1-based step within the epoch
  std::size_t steps = 0;    ///< steps per epoch
  double batch_loss = 0.0;  ///< reconstruction loss of this batch (mean per window)
};

struct TrainOptions {
  int epochs = 100;                    ///< passes over all windows
  int batch_size = 128;                ///< windows per step (the last, smaller batch is kept)
  double learning_rate = 5e-4;         ///< Adam, betas (0.5, 0.999) as the original recipe
  std::uint64_t seed = 0;              ///< weight init and shuffling; same seed + data = same weights
  std::string device = "cpu";          ///< "cpu" or "cuda"
  std::string window = "consecutive";  ///< how clips are cut into 240-frame windows (see FidScoringOptions)
  int checkpoint_every = 0;            ///< write a resumable checkpoint every N epochs (0 = never)
  std::string checkpoint_path;         ///< where; default: out_path + ".ckpt"
  std::string resume_path;             ///< resume from this checkpoint (continues at its epoch)
  std::function<void(const TrainProgress&)> progress;          ///< optional, after each step
  std::function<void(int epoch, double mean_loss)> epoch_end;  ///< optional, after each epoch
};

struct TrainResult {
  std::vector<double> epoch_loss;  ///< mean reconstruction loss per window, per epoch run
  int first_epoch = 1;             ///< 1-based epoch the run started at (> 1 when resumed)
  std::size_t windows = 0;         ///< training windows
};

/// Trains an EmbeddingNet on the 240-frame windows of `data` with the reconstruction loss of
/// Yoon et al. 2020 (L1, mean over frames and dims per window, summed over the batch) and writes
/// the weights atomically to `out_path` (".h5" = pmbench weights file, ".pt" = torch.save-style
/// checkpoint {pose_dim, gen_dict, ...}). Both load in MotionEncoder / `pmbench score --encoder`.
TrainResult train_encoder(const ClipSource& data, const std::string& out_path, const TrainOptions& options);

}  // namespace pmbench::autoencoder
