// EmbeddingNet modules, state-dict checks and the MotionEncoder (all LibTorch code of scoring
// sits in this translation unit and weights.cpp).
#include <ATen/Context.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <sstream>

#include "embedding_net.hpp"
#include "pmbench/error.hpp"

namespace pmbench::autoencoder {
namespace nn = torch::nn;

namespace {

constexpr int kConvKernel = 3;
constexpr int kDownKernel = 4;
constexpr int kDownStride = 2;

nn::LeakyReLU quirk_relu() { return nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(kQuirkSlope)); }

/// Length after the encoder's convolutions: three k3 s1, one k4 s2, one k3 s1, no padding.
int encoder_conv_length(int frames) {
  int t = frames - 2 * (kConvKernel - 1);
  t = (t - kDownKernel) / kDownStride + 1;
  return t - (kConvKernel - 1);
}

std::string shape_string(at::IntArrayRef sizes) {
  std::ostringstream out;
  out << "[";
  for (std::size_t i = 0; i < sizes.size(); ++i) out << (i ? "," : "") << sizes[i];
  out << "]";
  return out.str();
}

}  // namespace

ConvNormReluImpl::ConvNormReluImpl(int in, int out, bool downsample) {
  const int kernel = downsample ? kDownKernel : kConvKernel;
  const int stride = downsample ? kDownStride : 1;
  push_back(nn::Conv1d(nn::Conv1dOptions(in, out, kernel).stride(stride)));
  push_back(nn::BatchNorm1d(out));
  push_back(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(kConvSlope)));
}

PoseEncoderConvImpl::PoseEncoderConvImpl(int pose_dim) {
  constexpr int c1 = 32, c2 = 64, h1 = 512, h2 = 256;
  const int flat = c1 * encoder_conv_length(kFrames);  // 32 x 115 = 3680
  net = register_module("net",
                        nn::Sequential(ConvNormRelu(pose_dim, c1, false), ConvNormRelu(c1, c2, false),
                                       ConvNormRelu(c2, c2, true), nn::Conv1d(nn::Conv1dOptions(c2, c1, 3))));
  out_net = register_module(
      "out_net", nn::Sequential(nn::Linear(flat, h1), nn::BatchNorm1d(h1), quirk_relu(), nn::Linear(h1, h2),
                                nn::BatchNorm1d(h2), quirk_relu(), nn::Linear(h2, kFeatureDim)));
  fc_mu = register_module("fc_mu", nn::Linear(kFeatureDim, kFeatureDim));
  fc_logvar = register_module("fc_logvar", nn::Linear(kFeatureDim, kFeatureDim));
}

torch::Tensor PoseEncoderConvImpl::forward(const torch::Tensor& poses) {
  auto out = net->forward(poses.transpose(1, 2));  // [B,dim,T]
  out = out_net->forward(out.flatten(1));
  return fc_mu->forward(out);
}

PoseDecoderConvImpl::PoseDecoderConvImpl(int frames_, int pose_dim) : frames(frames_) {
  constexpr int h = 128, c = 32;
  pre_net =
      register_module("pre_net", nn::Sequential(nn::Linear(kFeatureDim, h), nn::BatchNorm1d(h), quirk_relu(),
                                                nn::Linear(h, frames * kDecoderChannels)));
  auto relu = [] { return nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(kConvSlope)); };
  net = register_module(
      "net", nn::Sequential(
                 nn::ConvTranspose1d(nn::ConvTranspose1dOptions(kDecoderChannels, c, 3)), nn::BatchNorm1d(c),
                 relu(), nn::ConvTranspose1d(nn::ConvTranspose1dOptions(c, c, 3)), nn::BatchNorm1d(c), relu(),
                 nn::Conv1d(nn::Conv1dOptions(c, c, 3)), nn::Conv1d(nn::Conv1dOptions(c, pose_dim, 3))));
}

torch::Tensor PoseDecoderConvImpl::forward(const torch::Tensor& feature) {
  auto out = pre_net->forward(feature).view({feature.size(0), kDecoderChannels, -1});
  return net->forward(out).transpose(1, 2);  // [B,T,dim]
}

EmbeddingNetImpl::EmbeddingNetImpl(int pose_dim, int frames) {
  pose_encoder = register_module("pose_encoder", PoseEncoderConv(pose_dim));
  decoder = register_module("decoder", PoseDecoderConv(frames, pose_dim));
}

torch::Device parse_device(const std::string& device) {
  if (device == "cpu") return torch::kCPU;
  if (device == "cuda") {
    PMBENCH_CHECK(at::hasCUDA(), InvalidInput, "device cuda: this build of LibTorch has no CUDA support");
    PMBENCH_CHECK(torch::cuda::is_available(), InvalidInput, "device cuda: no CUDA device is available");
    return torch::kCUDA;
  }
  PMBENCH_FAIL(InvalidInput, "unknown device '", device, "' (expected cpu or cuda)");
}

StateDict state_dict_of(EmbeddingNet& net) {
  StateDict state;
  for (const auto& p : net->named_parameters()) state[p.key()] = p.value().detach().to(torch::kCPU);
  for (const auto& b : net->named_buffers()) state[b.key()] = b.value().detach().to(torch::kCPU);
  return state;
}

void apply_state_dict(EmbeddingNet& net, const StateDict& state, const std::string& path) {
  std::map<std::string, torch::Tensor> targets;
  for (const auto& p : net->named_parameters()) targets[p.key()] = p.value();
  for (const auto& b : net->named_buffers()) targets[b.key()] = b.value();
  for (const auto& [key, value] : state) {
    PMBENCH_CHECK(targets.count(key), InvalidInput, path, ": unknown key '", key,
                  "' (not a parameter or buffer of EmbeddingNet)");
  }
  torch::NoGradGuard no_grad;
  for (const auto& [key, target] : targets) {
    const auto it = state.find(key);
    if (it == state.end()) {
      const bool optional = key.size() >= 19 && key.compare(key.size() - 19, 19, "num_batches_tracked") == 0;
      PMBENCH_CHECK(optional, InvalidInput, path, ": missing key '", key, "' (expected shape ",
                    shape_string(target.sizes()), ")");
      continue;
    }
    const torch::Tensor& source = it->second;
    PMBENCH_CHECK(source.sizes() == target.sizes(), InvalidInput, path, ": key '", key, "' has shape ",
                  shape_string(source.sizes()), ", expected ", shape_string(target.sizes()));
    target.copy_(source.to(target.dtype()));
  }
}

struct MotionEncoder::Impl {
  EncoderInfo info;
  torch::Device device{torch::kCPU};
  EmbeddingNet net{nullptr};
};

MotionEncoder::MotionEncoder(const std::string& path, const std::string& device)
    : impl_(std::make_unique<Impl>()) {
  impl_->device = parse_device(device);
  LoadedWeights weights = read_weights(path);
  PMBENCH_CHECK(weights.info.pose_dim == kPoseDim, InvalidInput, path, ": pose_dim ", weights.info.pose_dim,
                ", expected ", kPoseDim, " (concat of right and left MANO pose)");
  impl_->net = EmbeddingNet(kPoseDim, kFrames);
  apply_state_dict(impl_->net, weights.state, path);
  impl_->net->eval();
  impl_->net->to(impl_->device);
  impl_->info = std::move(weights.info);
}

MotionEncoder::~MotionEncoder() = default;
MotionEncoder::MotionEncoder(MotionEncoder&&) noexcept = default;
MotionEncoder& MotionEncoder::operator=(MotionEncoder&&) noexcept = default;

const EncoderInfo& MotionEncoder::info() const { return impl_->info; }

MatrixRM<float> MotionEncoder::encode(const MatrixRM<float>& windows) const {
  PMBENCH_CHECK(windows.cols() == static_cast<Eigen::Index>(kWindowSize), InvalidInput,
                "encoder input: rows of ", windows.cols(), " floats, expected ", kWindowSize);
  MatrixRM<float> features(windows.rows(), kFeatureDim);
  if (windows.rows() == 0) return features;
  torch::InferenceMode inference;
  const auto input = torch::from_blob(const_cast<float*>(windows.data()), {windows.rows(), kFrames, kPoseDim},
                                      torch::TensorOptions().dtype(torch::kFloat32));
  const torch::Tensor out = impl_->net->encode(input.to(impl_->device)).to(torch::kCPU).contiguous();
  std::memcpy(features.data(), out.data_ptr<float>(),
              sizeof(float) * static_cast<std::size_t>(features.size()));
  return features;
}

}  // namespace pmbench::autoencoder
