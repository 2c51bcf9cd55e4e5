// Scoring: every per-hand metric on every clip of a prediction set against its ground truth,
// in parallel, with results independent of the thread count.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "pmbench/clip_source.hpp"
#include "pmbench/metrics/per_hand.hpp"

namespace pmbench {

/// Version string of this build (reported in every output).
const char* version();

struct ScoreOptions {
  Precision precision = Precision::Float32;  ///< float32 = the official run
  unsigned threads = 0;                      ///< worker threads; 0 = all cores
  std::size_t block_clips = 128;             ///< clips read and scored per block (bounds memory)
  /// Called from the calling thread after each block: (clips done, clips total).
  std::function<void(std::size_t, std::size_t)> progress;
};

struct UndefinedEntry {
  std::size_t clip;
  io::Hand hand;
  HandMetric metric;
  std::string reason;
};

struct ScoreReport {
  std::string spec = kSpecName;
  Precision precision = Precision::Float32;
  std::size_t n_clips = 0;
  std::size_t frames = 0;
  std::vector<std::string> clip_ids;  ///< empty when the predictions have none
  /// per_clip[hand][metric][clip]
  std::array<std::array<std::vector<MetricResult>, kNumHandMetrics>, io::kNumHands> per_clip;
  /// Extra top-level report sections added by other stages (e.g. FID through the auto-encoder).
  nlohmann::json extra = nlohmann::json::object();

  /// Plain mean over clips; nullopt when any clip is undefined (the official run would abort).
  std::optional<double> mean(io::Hand hand, HandMetric metric) const;
  /// Mean over the defined clips only, and how many there were.
  std::optional<double> mean_over_defined(io::Hand hand, HandMetric metric,
                                          std::size_t* count = nullptr) const;
  std::vector<UndefinedEntry> undefined() const;
  /// The JSON report (keys in docs/output.md).
  nlohmann::json to_json() const;
};

/// Scores `pred` against `gt` clip by clip (pred clip i against gt clip i).
ScoreReport score(const ClipSource& pred, const ClipSource& gt, const ScoreOptions& options);

}  // namespace pmbench
