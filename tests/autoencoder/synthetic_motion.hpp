// Deterministic synthetic clips (smooth sinusoidal poses) held in memory as an ArrayClipSource.
#pragma once

#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "pmbench/clip_source.hpp"

namespace pmbench::test {

struct SyntheticMotion {
  std::size_t clips = 0, frames = 0;
  std::vector<float> pose[2], trans[2];

  SyntheticMotion(std::size_t c, std::size_t t, unsigned seed) : clips(c), frames(t) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> phase(0.0f, 6.2831853f), freq(0.02f, 0.15f), amp(0.05f, 0.6f);
    for (int h = 0; h < 2; ++h) {
      pose[h].resize(c * t * 48);
      trans[h].resize(c * t * 3);
      for (std::size_t i = 0; i < c; ++i) {
        for (std::size_t d = 0; d < 48; ++d) {
          const float p = phase(rng), f = freq(rng), a = amp(rng);
          for (std::size_t k = 0; k < t; ++k) pose[h][(i * t + k) * 48 + d] = a * std::sin(f * k + p);
        }
        for (std::size_t k = 0; k < t; ++k) {
          for (std::size_t d = 0; d < 3; ++d) trans[h][(i * t + k) * 3 + d] = 0.01f * k + d;
        }
      }
    }
  }

  /// Clip-major copy where clip i of the result is clips [i*n, i*n+n) concatenated in time.
  SyntheticMotion concatenated(std::size_t n) const {
    SyntheticMotion out(0, 0, 0);
    out.clips = clips / n;
    out.frames = frames * n;
    for (int h = 0; h < 2; ++h) {
      out.pose[h] = std::vector<float>(pose[h].begin(), pose[h].begin() + out.clips * out.frames * 48);
      out.trans[h] = std::vector<float>(trans[h].begin(), trans[h].begin() + out.clips * out.frames * 3);
    }
    return out;  // clip-major storage: consecutive clips are consecutive in memory
  }

  std::unique_ptr<ArrayClipSource<float>> source(const std::string& name) const {
    auto view = [&](const std::vector<float>& v, std::size_t dim) {
      ArrayView3<float> a;
      a.data = v.data();
      a.shape[0] = clips;
      a.shape[1] = frames;
      a.shape[2] = dim;
      a.strides[0] = static_cast<std::ptrdiff_t>(frames * dim);
      a.strides[1] = static_cast<std::ptrdiff_t>(dim);
      a.strides[2] = 1;
      return a;
    };
    return std::make_unique<ArrayClipSource<float>>(name, view(pose[0], 48), view(pose[1], 48),
                                                    view(trans[0], 3), view(trans[1], 3));
  }
};

}  // namespace pmbench::test
