// Throughput of the dataset reader on synthetic data shaped like PianoMotion10M (no files needed):
//   BM_ParseAnnotation   a 30 s sequence at 30 fps (900 frames x 2 hands x 62 numbers, ~1.4 MB)
//   BM_ExtractClip       one 8 s window at 24 / 30 / 60 fps (resampled to 240 frames)
//   BM_PianoRoll         a 240-frame roll from a 10-minute MIDI performance
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "pmbench/dataset/annotation.hpp"
#include "pmbench/dataset/make_gt.hpp"
#include "pmbench/dataset/midi.hpp"

namespace {

using namespace pmbench::dataset;

std::string synthetic_annotation(int frames, double fps) {
  std::string s =
      R"({"up": "1467634", "bv": "BVbench", "frame_num": 100000, "fps": )" + std::to_string(fps) +
      R"(, "fx": 1000.0, "height": 1080, "width": 1920, "adjust": [0.0, 0.05, -0.1], "start_frame": 0,
                  "end_frame": )" +
      std::to_string(frames - 1);
  char buf[32];
  for (const char* hand : {"right", "left"}) {
    s += std::string(", \"") + hand + "\": [";
    for (int t = 0; t < frames; ++t) {
      s += t ? ", [1" : "[1";
      for (int j = 1; j < kFrameValues; ++j) {
        std::snprintf(buf, sizeof buf, ", %.9g", 0.4 * std::sin(0.05 * t * (1 + j % 7) + 0.1 * j));
        s += buf;
      }
      s += "]";
    }
    s += "]";
  }
  return s + "}";
}

void BM_ParseAnnotation(benchmark::State& state) {
  const std::string text = synthetic_annotation(900, 30);
  for (auto _ : state) benchmark::DoNotOptimize(parse_annotation(text, "bench.json"));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_ParseAnnotation)->Unit(benchmark::kMillisecond);

void BM_ExtractClip(benchmark::State& state) {
  const double fps = static_cast<double>(state.range(0));
  const Annotation a = parse_annotation(synthetic_annotation(static_cast<int>(10 * fps), fps), "bench.json");
  const Protocol p;
  ClipPlan c;
  c.source_fps = fps;
  c.begin = 0;
  c.end = p.source_window_frames(fps);
  for (auto _ : state) benchmark::DoNotOptimize(extract_clip(a, c, p));
}
BENCHMARK(BM_ExtractClip)->Arg(24)->Arg(30)->Arg(60)->Unit(benchmark::kMicrosecond);

void BM_PianoRoll(benchmark::State& state) {
  Midi m;
  for (int i = 0; i < 6000; ++i) {  // 10 notes per second for 10 minutes
    m.notes.push_back({21 + (i * 7) % 88, 40 + i % 80, 0, 0.1 * i, 0.1 * i + 0.3});
  }
  m.sustain.push_back({0, 100.0, 400.0});
  for (auto _ : state) benchmark::DoNotOptimize(piano_roll(m, 300.0, 240, 30, state.range(0) != 0));
}
BENCHMARK(BM_PianoRoll)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
