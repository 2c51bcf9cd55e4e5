// Encoder features per clip on the CPU: batches of packed 240-frame windows through MotionEncoder,
// and the full official test split (8,400 clips, pred and gt = 16,800 windows is two runs of it).
// Weights: $PMBENCH_BENCH_ENCODER or the bundled demo encoder (values do not matter for speed).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>

#include "pmbench/autoencoder/encoder.hpp"

namespace {

using pmbench::MatrixRM;
using pmbench::autoencoder::kWindowSize;
using pmbench::autoencoder::MotionEncoder;

constexpr std::size_t kOfficialTestClips = 8400;  // PianoMotion10M test split

const MotionEncoder& encoder() {
  static const MotionEncoder instance([] {
    const char* env = std::getenv("PMBENCH_BENCH_ENCODER");
    return std::string(env ? env : PMBENCH_DEMO_ENCODER);
  }());
  return instance;
}

MatrixRM<float> random_windows(Eigen::Index n) {
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0.0f, 0.3f);
  MatrixRM<float> windows(n, static_cast<Eigen::Index>(kWindowSize));
  for (Eigen::Index i = 0; i < windows.size(); ++i) windows.data()[i] = normal(rng);
  return windows;
}

// Features of one batch; items = clips, so the report shows clips per second.
void BM_EncodeBatch(benchmark::State& state) {
  const MatrixRM<float> windows = random_windows(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(encoder().encode(windows));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_EncodeBatch)->Arg(1)->Arg(16)->Arg(64)->Arg(256)->Unit(benchmark::kMillisecond);

// One side of the official test split: 8,400 clips in batches of 64 (score_fid's default).
void BM_Encode8400Clips(benchmark::State& state) {
  const std::size_t batch = 64;
  const MatrixRM<float> full = random_windows(static_cast<Eigen::Index>(batch));
  const MatrixRM<float> rest = random_windows(static_cast<Eigen::Index>(kOfficialTestClips % batch));
  for (auto _ : state) {
    for (std::size_t done = 0; done + batch <= kOfficialTestClips; done += batch) {
      benchmark::DoNotOptimize(encoder().encode(full));
    }
    benchmark::DoNotOptimize(encoder().encode(rest));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kOfficialTestClips));
}
BENCHMARK(BM_Encode8400Clips)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
