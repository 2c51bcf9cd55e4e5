// Synthetic pose-like sequences for the metric tests: damped random walks and rounded sinusoids
// (the two kinds of data the speed benchmark uses), T frames x dims, from a given generator.
#pragma once

#include <cmath>
#include <random>

#include "pmbench/metrics/types.hpp"

namespace pmbench::test {

// Per column: a start ~ N(0, 0.3^2), then a velocity that decays by 0.9 and gets N(0, 0.01^2) kicks.
inline MatrixRM<double> random_walk(std::mt19937& rng, int frames, int dims) {
  std::normal_distribution<double> normal;
  MatrixRM<double> x(frames, dims);
  for (int d = 0; d < dims; ++d) {
    double v = 0.3 * normal(rng), velocity = 0;
    for (int t = 0; t < frames; ++t) {
      velocity = 0.9 * velocity + 0.01 * normal(rng);
      v += velocity;
      x(t, d) = v;
    }
  }
  return x;
}

inline MatrixRM<double> random_walk(unsigned seed, int frames, int dims) {
  std::mt19937 rng(seed);
  return random_walk(rng, frames, dims);
}

// Per column: 0.4 sin at 0.5-2.5 Hz (30 fps) with a random phase, plus N(0, 0.01^2) noise, rounded
// to 1e-4 (periodic data with repeated values, on which EM converges slowly).
inline MatrixRM<double> rounded_sinusoid(std::mt19937& rng, int frames, int dims) {
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  MatrixRM<double> x(frames, dims);
  for (int d = 0; d < dims; ++d) {
    const double freq = 0.5 + 2.0 * uniform(rng), phase = 6.283 * uniform(rng);
    for (int t = 0; t < frames; ++t) {
      const double v = 0.4 * std::sin(2 * M_PI * freq * t / 30.0 + phase) + 0.01 * normal(rng);
      x(t, d) = std::round(v * 1e4) / 1e4;
    }
  }
  return x;
}

}  // namespace pmbench::test
