// EmbeddingNet (Yoon et al. 2020, as used by the PianoMotion10M evaluation), layer for layer, so
// that parameter names match the official state_dict ("pose_encoder.net.0.0.weight", ...).
// Internal header: it includes LibTorch and must not be reached from public headers.
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>

#include "pmbench/autoencoder/encoder.hpp"

namespace pmbench::autoencoder {

/// The original passes `True` as LeakyReLU's first argument (negative_slope) in the fully connected
/// parts, i.e. slope 1.0 = identity. Kept as a layer so indices (and state_dict keys) match.
inline constexpr double kQuirkSlope = 1.0;
inline constexpr double kConvSlope = 0.2;
inline constexpr int kDecoderChannels = 4;  ///< the decoder's pre_net output is viewed as [B,4,240]

/// ConvNormRelu of the original (Conv1d, BatchNorm1d, LeakyReLU(0.2)) as a Sequential with a
/// concrete forward(), so that it can sit inside another Sequential (keys "net.0.0.weight", ...).
struct ConvNormReluImpl : torch::nn::SequentialImpl {
  ConvNormReluImpl(int in, int out, bool downsample);
  torch::Tensor forward(torch::Tensor x) { return SequentialImpl::forward(std::move(x)); }
};
TORCH_MODULE(ConvNormRelu);

/// Encoder: [B,240,96] -> mu [B,256] (fc_logvar kept for the checkpoint keys; unused in AE mode).
struct PoseEncoderConvImpl : torch::nn::Module {
  explicit PoseEncoderConvImpl(int pose_dim);
  torch::Tensor forward(const torch::Tensor& poses);

  torch::nn::Sequential net{nullptr};
  torch::nn::Sequential out_net{nullptr};
  torch::nn::Linear fc_mu{nullptr};
  torch::nn::Linear fc_logvar{nullptr};
};
TORCH_MODULE(PoseEncoderConv);

/// Decoder: feature [B,256] -> poses [B,240,96].
struct PoseDecoderConvImpl : torch::nn::Module {
  PoseDecoderConvImpl(int frames, int pose_dim);
  torch::Tensor forward(const torch::Tensor& feature);

  int frames;
  torch::nn::Sequential pre_net{nullptr};
  torch::nn::Sequential net{nullptr};
};
TORCH_MODULE(PoseDecoderConv);

struct EmbeddingNetImpl : torch::nn::Module {
  explicit EmbeddingNetImpl(int pose_dim = kPoseDim, int frames = kFrames);
  /// Feature (mu) of windows [B,frames,pose_dim].
  torch::Tensor encode(const torch::Tensor& poses) { return pose_encoder->forward(poses); }
  /// Reconstruction of windows [B,frames,pose_dim] (auto-encoder mode, no sampling).
  torch::Tensor forward(const torch::Tensor& poses) { return decoder->forward(encode(poses)); }

  PoseEncoderConv pose_encoder{nullptr};
  PoseDecoderConv decoder{nullptr};
};
TORCH_MODULE(EmbeddingNet);

/// Resolves "cpu" / "cuda"; "cuda" without CUDA support is an Error naming why.
torch::Device parse_device(const std::string& device);

/// A state dict: parameter and buffer names -> tensors.
using StateDict = std::map<std::string, torch::Tensor>;

/// Weights file contents (see docs/autoencoder.md).
struct LoadedWeights {
  StateDict state;
  EncoderInfo info;  ///< path, sha256 and format filled in
};
/// Reads an official-format checkpoint (if LibTorch can), a pmbench .pt or a pmbench HDF5
/// weights file. Throws Error with the file name and the problem.
LoadedWeights read_weights(const std::string& path);
/// Copies `state` into `net`, checking names and shapes: unknown, missing or mis-shaped keys
/// throw Error naming the key and `path`. num_batches_tracked may be absent (older PyTorch).
void apply_state_dict(EmbeddingNet& net, const StateDict& state, const std::string& path);
/// The model's state dict (parameters then buffers), on the CPU.
StateDict state_dict_of(EmbeddingNet& net);
/// Atomic writes of files that a library creates itself (HDF5, torch archives): write to
/// temp_path_for(path), then move_into_place (which removes the temporary on failure).
std::string temp_path_for(const std::string& path);
void move_into_place(const std::string& tmp, const std::string& path);
/// Writes weights atomically: ".h5" = pmbench HDF5 weights, otherwise a torch.save-style .pt.
void write_weights(const std::string& path, const StateDict& state, const EncoderInfo& info);

}  // namespace pmbench::autoencoder
