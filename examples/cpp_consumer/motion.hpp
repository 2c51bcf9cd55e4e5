// Generated hand motion for the demos: a smooth random walk ("ground truth") and a noisy copy.
#pragma once

#include <random>

#include "pmbench/metrics/types.hpp"

namespace demo {

inline pmbench::MatrixRM<float> random_walk(int frames, int dims, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> step(0.0f, 0.02f);
  pmbench::MatrixRM<float> out(frames, dims);
  for (int j = 0; j < dims; ++j) out(0, j) = step(rng);
  for (int t = 1; t < frames; ++t) {
    for (int j = 0; j < dims; ++j) out(t, j) = out(t - 1, j) + step(rng);
  }
  return out;
}

inline pmbench::MatrixRM<float> with_noise(const pmbench::MatrixRM<float>& m, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 0.05f);
  pmbench::MatrixRM<float> out = m;
  for (Eigen::Index i = 0; i < out.size(); ++i) out.data()[i] += noise(rng);
  return out;
}

}  // namespace demo
