// The motion auto-encoder of the official FID ("EmbeddingNet", Yoon et al. 2020) behind a
// LibTorch-free interface: load weights, turn 240-frame windows into 256-d features.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "pmbench/io/motion_file.hpp"
#include "pmbench/metrics/types.hpp"

namespace pmbench::autoencoder {

inline constexpr int kPoseDim = 96;      ///< input: concat(right pose 48, left pose 48)
inline constexpr int kFrames = 240;      ///< frames per window the encoder was built for (8 s at 30 fps)
inline constexpr int kFeatureDim = 256;  ///< fc_mu output
/// Floats in one packed window: frame-major, [frames, pose_dim].
inline constexpr std::size_t kWindowSize = static_cast<std::size_t>(kFrames) * kPoseDim;

/// What a weights file is and where it came from; reported with every FID.
struct EncoderInfo {
  std::string path;                 ///< as given
  std::string sha256;               ///< of the file's bytes
  std::string format;               ///< "torch.save checkpoint" or "pmbench weights (HDF5)"
  int pose_dim = kPoseDim;          ///< the checkpoint's pose_dim
  int frames = kFrames;             ///< window length
  std::string source_sha256;        ///< converted files: sha256 of the original checkpoint; else empty
  std::string note;                 ///< the checkpoint's note / provenance, if any
  bool trained_by_pmbench = false;  ///< written by `pmbench train-encoder` (not the official weights)
};

/// Copies frames [start, start + kFrames) of a clip into `row` (kWindowSize floats) as
/// concat(right_pose, left_pose) per frame. The clip must have at least start + kFrames frames.
void pack_window(const io::ClipMotion<float>& clip, std::size_t start, float* row);

/// An EmbeddingNet with loaded weights, in eval mode (BatchNorm running statistics).
class MotionEncoder {
 public:
  /// Loads `path`: an official-format checkpoint (torch.save dict with pose_dim and gen_dict) that
  /// LibTorch can read, a pmbench weights file (HDF5, from scripts/convert_checkpoint.py or
  /// `pmbench train-encoder`), or a .pt written by `pmbench train-encoder`. Unknown, missing and
  /// mis-shaped keys are errors naming the key. `device`: "cpu" or "cuda".
  explicit MotionEncoder(const std::string& path, const std::string& device = "cpu");
  ~MotionEncoder();
  MotionEncoder(MotionEncoder&&) noexcept;
  MotionEncoder& operator=(MotionEncoder&&) noexcept;

  const EncoderInfo& info() const;
  /// Features of packed windows: `windows` is [B, kWindowSize] (see pack_window), result [B, 256].
  MatrixRM<float> encode(const MatrixRM<float>& windows) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pmbench::autoencoder
