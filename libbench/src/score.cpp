// Parallel scoring. Clips are read in blocks on the calling thread (HDF5 is not thread-safe);
// workers take (clip, hand) pairs from an atomic counter. Every value depends only on its own clip,
// and means are summed in clip order, so results are bit-identical for any thread count.
#include "pmbench/score.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "pmbench/error.hpp"
#include "pmbench/metrics/numpy_compat.hpp"

#ifndef PMBENCH_VERSION
#define PMBENCH_VERSION "unknown"
#endif

namespace pmbench {

const char* version() { return PMBENCH_VERSION; }

namespace {

unsigned resolve_threads(unsigned requested) {
  if (requested > 0) return requested;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? hw : 1;
}

// Runs task(i) for i in [0, count) on `threads` threads; rethrows the first exception.
template <class Task>
void parallel_for(std::size_t count, unsigned threads, const Task& task) {
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto worker = [&] {
    for (std::size_t i = next++; i < count; i = next++) {
      try {
        task(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next = count;
      }
    }
  };
  const unsigned n = static_cast<unsigned>(std::min<std::size_t>(threads, count));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < n; ++t) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);
}

template <class Scalar>
void score_blocks(const ClipSource& pred, const ClipSource& gt, const ScoreOptions& options,
                  ScoreReport& report) {
  const std::size_t total = report.n_clips;
  const unsigned threads = resolve_threads(options.threads);
  const std::size_t block = std::max<std::size_t>(1, options.block_clips);
  struct Block {
    std::vector<io::ClipMotion<Scalar>> pred, gt;
  };
  auto read_block = [&](std::size_t first, Block& b) {
    const std::size_t count = std::min(block, total - first);
    pred.read(first, count, b.pred);
    gt.read(first, count, b.gt);
  };
  // Two blocks in memory: the next one is read (and decompressed) on one thread, the only one
  // touching the files, while the workers score the current one.
  Block current, next;
  read_block(0, current);
  for (std::size_t first = 0; first < total; first += block) {
    const std::size_t count = current.pred.size();
    const std::size_t next_first = first + block;
    std::future<void> pending;
    if (next_first < total) pending = std::async(std::launch::async, read_block, next_first, std::ref(next));
    try {
      parallel_for(count * io::kNumHands, threads, [&](std::size_t task) {
        const std::size_t c = task / io::kNumHands;
        const int h = static_cast<int>(task % io::kNumHands);
        const io::HandMotion<Scalar>& g = current.gt[c].hands[h];
        const io::HandMotion<Scalar>& p = current.pred[c].hands[h];
        for (int m = 0; m < kNumHandMetrics; ++m) {
          const auto metric = static_cast<HandMetric>(m);
          const bool pose = metric_uses_pose(metric);
          report.per_clip[h][m][first + c] =
              evaluate_hand_metric<Scalar>(metric, pose ? g.pose : g.trans, pose ? p.pose : p.trans);
        }
      });
    } catch (...) {
      if (pending.valid()) pending.wait();  // never leave the reader running on freed buffers
      throw;
    }
    if (options.progress) options.progress(first + count, total);
    if (pending.valid()) {
      pending.get();  // rethrows a read error
      std::swap(current, next);
    }
  }
}

}  // namespace

ScoreReport score(const ClipSource& pred, const ClipSource& gt, const ScoreOptions& options) {
  PMBENCH_CHECK(pred.clips() == gt.clips(), InvalidInput, pred.describe(), " has ", pred.clips(),
                " clips but the ground truth ", gt.describe(), " has ", gt.clips());
  PMBENCH_CHECK(pred.frames() == gt.frames(), InvalidInput, pred.describe(), " has ", pred.frames(),
                " frames per clip but the ground truth ", gt.describe(), " has ", gt.frames());
  PMBENCH_CHECK(pred.clips() > 0, InvalidInput, pred.describe(), ": no clips to score");
  ScoreReport report;
  report.precision = options.precision;
  report.n_clips = pred.clips();
  report.frames = pred.frames();
  report.clip_ids = pred.clip_ids();
  for (auto& hand : report.per_clip) {
    for (auto& values : hand) values.resize(report.n_clips);
  }
  if (options.precision == Precision::Float32) {
    score_blocks<float>(pred, gt, options, report);
  } else {
    score_blocks<double>(pred, gt, options, report);
  }
  return report;
}

std::optional<double> ScoreReport::mean(io::Hand hand, HandMetric metric) const {
  // The plain mean is the mean over defined clips when every clip is defined.
  std::size_t defined = 0;
  const std::optional<double> m = mean_over_defined(hand, metric, &defined);
  const std::size_t clips = per_clip[static_cast<int>(hand)][static_cast<int>(metric)].size();
  return defined == clips ? m : std::nullopt;
}

std::optional<double> ScoreReport::mean_over_defined(io::Hand hand, HandMetric metric,
                                                     std::size_t* count) const {
  const auto& values = per_clip[static_cast<int>(hand)][static_cast<int>(metric)];
  std::vector<double> v;
  for (const auto& r : values) {
    if (r.defined()) v.push_back(r.value);
  }
  if (count) *count = v.size();
  if (v.empty()) return std::nullopt;
  // np.mean over the per-clip list: pairwise summation in float64
  return numpy_pairwise_sum(v.data(), v.size()) / static_cast<double>(v.size());
}

std::vector<UndefinedEntry> ScoreReport::undefined() const {
  std::vector<UndefinedEntry> out;
  for (std::size_t c = 0; c < n_clips; ++c) {
    for (int h = 0; h < io::kNumHands; ++h) {
      for (int m = 0; m < kNumHandMetrics; ++m) {
        const MetricResult& r = per_clip[h][m][c];
        if (!r.defined())
          out.push_back({c, static_cast<io::Hand>(h), static_cast<HandMetric>(m), r.undefined_reason});
      }
    }
  }
  return out;
}

nlohmann::json ScoreReport::to_json() const {
  using nlohmann::json;
  auto number_or_null = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
  json out;
  out["pmbench_version"] = version();
  out["spec"] = spec;
  out["precision"] = precision_name(precision);
  out["n_clips"] = n_clips;
  out["frames"] = frames;
  if (!clip_ids.empty()) out["clip_id"] = clip_ids;
  json mean_json, defined_json, per_clip_json;
  for (int h = 0; h < io::kNumHands; ++h) {
    const auto hand = static_cast<io::Hand>(h);
    for (int m = 0; m < kNumHandMetrics; ++m) {
      const auto metric = static_cast<HandMetric>(m);
      const std::string name(kHandMetricNames[m]);
      mean_json[io::kHandNames[h]][name] = number_or_null(mean(hand, metric));
      std::size_t count = 0;
      const auto over_defined = mean_over_defined(hand, metric, &count);
      defined_json[io::kHandNames[h]][name] = {{"value", number_or_null(over_defined)}, {"clips", count}};
      json values = json::array();
      for (const auto& r : per_clip[h][m]) values.push_back(r.defined() ? json(r.value) : json(nullptr));
      per_clip_json[io::kHandNames[h]][name] = std::move(values);
    }
  }
  out["mean"] = std::move(mean_json);
  out["mean_over_defined"] = std::move(defined_json);
  out["per_clip"] = std::move(per_clip_json);
  json undefined_json = json::array();
  for (const auto& u : undefined()) {
    json entry = {{"clip", u.clip},
                  {"hand", io::kHandNames[static_cast<int>(u.hand)]},
                  {"metric", std::string(kHandMetricNames[static_cast<int>(u.metric)])},
                  {"reason", u.reason}};
    if (!clip_ids.empty()) entry["clip_id"] = clip_ids[u.clip];
    undefined_json.push_back(std::move(entry));
  }
  out["undefined"] = std::move(undefined_json);
  for (const auto& [key, value] : extra.items()) out[key] = value;
  return out;
}

}  // namespace pmbench
