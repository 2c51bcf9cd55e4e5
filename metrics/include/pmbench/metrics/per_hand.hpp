// The four per-clip, per-hand metrics of PianoMotion10M (spec pm10m-official, see
// docs/metrics.md). Each takes the ground truth first and the prediction second, runs in the
// scalar type of its inputs (float = the official float32 run) and never throws for bad values:
// NaN/Inf input, too-short clips and degenerate fits come back as undefined results.
#pragma once

#include <array>
#include <string_view>

#include "pmbench/metrics/types.hpp"

namespace pmbench {

inline constexpr int kPoseDim = 48;  ///< MANO axis-angle values per hand and frame
inline constexpr int kTransDim = 3;  ///< wrist translation per hand and frame

/// FGD: Frechet distance of Gaussians fitted to the frames of two pose sequences [T,48].
template <class Scalar>
MetricResult frechet_gesture_distance(const FramesRef<Scalar>& gt_pose, const FramesRef<Scalar>& pred_pose);

/// WGD: optimal transport between two 13-component GMMs fitted to per-set PCA projections [T,48].
template <class Scalar>
MetricResult wasserstein_gesture_distance(const FramesRef<Scalar>& gt_pose,
                                          const FramesRef<Scalar>& pred_pose);

/// PD: mean planar (x, y) distance of wrist translations [T,3].
template <class Scalar>
MetricResult position_distance(const FramesRef<Scalar>& gt_trans, const FramesRef<Scalar>& pred_trans);

/// Smooth: |a(pred) - a(gt)| of the official "acceleration" scalar of pose sequences [T,48].
template <class Scalar>
MetricResult smoothness_difference(const FramesRef<Scalar>& gt_pose, const FramesRef<Scalar>& pred_pose);

/// Per-hand metrics by name, in report order.
enum class HandMetric { FGD = 0, WGD = 1, PD = 2, Smooth = 3 };
inline constexpr int kNumHandMetrics = 4;
inline constexpr std::array<std::string_view, kNumHandMetrics> kHandMetricNames = {"FGD", "WGD", "PD",
                                                                                   "Smooth"};
/// Which input a metric reads: pose (FGD, WGD, Smooth) or translation (PD).
inline constexpr bool metric_uses_pose(HandMetric m) { return m != HandMetric::PD; }

/// Evaluates one metric by name on matching gt/pred arrays (pose or trans as the metric needs).
template <class Scalar>
MetricResult evaluate_hand_metric(HandMetric metric, const FramesRef<Scalar>& gt,
                                  const FramesRef<Scalar>& pred);

}  // namespace pmbench
