// FID and F_dist of a prediction set against its ground truth through the motion auto-encoder
// (the official EmbeddingSpaceEvaluator). LibTorch-free: the CLI and `pmbench score` include this.
#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "pmbench/clip_source.hpp"

namespace pmbench::autoencoder {

/// Report keys, named once.
inline constexpr const char* kKeyFid = "FID";
inline constexpr const char* kKeyFeatureDistance = "F_dist";

struct FidScoringOptions {
  /// Encoder weights (see MotionEncoder): official checkpoint, converted .h5, or trained by pmbench.
  std::string encoder_path;
  /// "cpu" or "cuda" (Debian's LibTorch has no CUDA: "cuda" is then an Error).
  std::string device = "cpu";
  /// "" = every clip must have exactly 240 frames (the official setting), else Error;
  /// "consecutive" = each clip is cut into consecutive non-overlapping 240-frame windows (the
  /// remainder is dropped); window w of pred clip i is paired with window w of gt clip i.
  std::string fid_window;
  /// Windows per encoder forward pass.
  int batch_size = 64;
  /// Called after each block of clips: (clips done, clips total).
  std::function<void(std::size_t, std::size_t)> progress;
};

/// Windows per clip of `frames` frames under `fid_window` ("" or "consecutive"); 0 when none fit.
/// Throws Error(InvalidInput) for an unknown mode, or for "" when frames != 240.
std::size_t windows_per_clip(std::size_t frames, const std::string& fid_window, const std::string& where);

/// FID and F_dist of pred (generated) vs gt (real), clip i of pred paired with clip i of gt.
/// Returns {"FID", "F_dist", "encoder": {path, sha256, format, pose_dim, frames},
/// "fid_conditioning": {n_clips, n_windows, feature_dim, min_eigenvalue: {pred, gt} (of each
/// covariance), eps_retry_used, max_imag_diagonal}, "fid_window", "warnings": [...]}.
nlohmann::json score_fid(const pmbench::ClipSource& pred, const pmbench::ClipSource& gt,
                         const FidScoringOptions& options);

}  // namespace pmbench::autoencoder
