// Time of each per-hand metric on one clip (T = 240) and of the four metrics on both hands of a
// clip, single-threaded, on random walks and on rounded sinusoids (slow EM convergence).
// Ratios against the official code: scripts/bench_official.py times the official calls on the same
// clips; results and method in docs/performance.md.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>

#include "pmbench/metrics/per_hand.hpp"

namespace {

using pmbench::MatrixRM;

constexpr int kFrames = 240;

double gaussian(std::mt19937& rng) {
  // Box-Muller on the engine's 32-bit words: portable, unlike std::normal_distribution.
  const double u1 = (rng() + 1.0) / 4294967297.0;
  const double u2 = rng() / 4294967296.0;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * M_PI * u2);
}

MatrixRM<float> random_walk(std::mt19937& rng, int dims) {
  MatrixRM<float> x(kFrames, dims);
  for (int d = 0; d < dims; ++d) {
    double v = 0.3 * gaussian(rng), velocity = 0;
    for (int t = 0; t < kFrames; ++t) {
      velocity = 0.9 * velocity + 0.01 * gaussian(rng);
      v += velocity;
      x(t, d) = static_cast<float>(v);
    }
  }
  return x;
}

MatrixRM<float> rounded_sinusoid(std::mt19937& rng, int dims) {
  MatrixRM<float> x(kFrames, dims);
  for (int d = 0; d < dims; ++d) {
    const double freq = 0.5 + 2.0 * (rng() / 4294967296.0), phase = 6.283 * (rng() / 4294967296.0);
    for (int t = 0; t < kFrames; ++t) {
      const double v = 0.4 * std::sin(2 * M_PI * freq * t / 30.0 + phase) + 0.01 * gaussian(rng);
      x(t, d) = static_cast<float>(std::round(v * 1e4) / 1e4);
    }
  }
  return x;
}

struct ClipPair {
  MatrixRM<float> gt_pose, pred_pose, gt_trans, pred_trans;
};

ClipPair make_clip(bool periodic, unsigned seed) {
  std::mt19937 rng(seed);
  auto make = periodic ? rounded_sinusoid : random_walk;
  return {make(rng, pmbench::kPoseDim), make(rng, pmbench::kPoseDim), make(rng, pmbench::kTransDim),
          make(rng, pmbench::kTransDim)};
}

void BM_Metric(benchmark::State& state) {
  const auto metric = static_cast<pmbench::HandMetric>(state.range(0));
  const bool periodic = state.range(1) != 0;
  const ClipPair clip = make_clip(periodic, 7);
  const bool pose = pmbench::metric_uses_pose(metric);
  for (auto _ : state) {
    auto r = pmbench::evaluate_hand_metric<float>(metric, pose ? clip.gt_pose : clip.gt_trans,
                                                  pose ? clip.pred_pose : clip.pred_trans);
    benchmark::DoNotOptimize(r.value);
  }
  state.SetLabel(std::string(pmbench::kHandMetricNames[state.range(0)]) +
                 (periodic ? " sinusoid" : " random-walk"));
}
BENCHMARK(BM_Metric)->ArgsProduct({{0, 1, 2, 3}, {0, 1}})->Unit(benchmark::kMicrosecond);

// The official per-clip work: four metrics on both hands.
void BM_ClipBothHands(benchmark::State& state) {
  const bool periodic = state.range(0) != 0;
  const ClipPair right = make_clip(periodic, 11), left = make_clip(periodic, 12);
  for (auto _ : state) {
    for (const ClipPair* hand : {&right, &left}) {
      for (int m = 0; m < pmbench::kNumHandMetrics; ++m) {
        const auto metric = static_cast<pmbench::HandMetric>(m);
        const bool pose = pmbench::metric_uses_pose(metric);
        auto r = pmbench::evaluate_hand_metric<float>(metric, pose ? hand->gt_pose : hand->gt_trans,
                                                      pose ? hand->pred_pose : hand->pred_trans);
        benchmark::DoNotOptimize(r.value);
      }
    }
  }
  state.SetLabel(periodic ? "sinusoid" : "random-walk");
}
BENCHMARK(BM_ClipBothHands)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
