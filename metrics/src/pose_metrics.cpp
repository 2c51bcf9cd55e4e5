// PD and Smooth, with numpy's reduction order so float32 results match the official bit for bit,
// and the name -> function dispatch of the per-hand metrics.
#include <cmath>
#include <vector>

#include "finite.hpp"
#include "pmbench/error.hpp"
#include "pmbench/metrics/numpy_compat.hpp"
#include "pmbench/metrics/per_hand.hpp"

namespace pmbench {
namespace {

template <class Scalar>
bool all_finite(const FramesRef<Scalar>& x) {
  return all_finite_entries(x);
}

// The official "acceleration": s_t = ||X_t - X_{T-1}|| (t < T-1), a = mean_t (s_t - s_{T-2}).
template <class Scalar>
Scalar official_acceleration(const FramesRef<Scalar>& x) {
  const Eigen::Index frames = x.rows();
  const Eigen::Index dims = x.cols();
  std::vector<Scalar> dist(frames - 1);
  std::vector<Scalar> squares(dims);
  const Scalar* last = x.data() + (frames - 1) * x.outerStride();
  for (Eigen::Index t = 0; t + 1 < frames; ++t) {
    const Scalar* row = x.data() + t * x.outerStride();
    for (Eigen::Index d = 0; d < dims; ++d) squares[d] = (row[d] - last[d]) * (row[d] - last[d]);
    dist[t] = numpy_pairwise_sum(squares.data(), squares.size());
  }
  for (Scalar& d : dist) d = std::sqrt(d);  // in a loop of its own, which the compiler vectorises
  std::vector<Scalar> rel(frames - 2);
  for (Eigen::Index t = 0; t + 2 < frames; ++t) rel[t] = dist[t] - dist[frames - 2];
  return numpy_pairwise_sum(rel.data(), rel.size()) / static_cast<Scalar>(rel.size());
}

}  // namespace

template <class Scalar>
MetricResult position_distance(const FramesRef<Scalar>& gt, const FramesRef<Scalar>& pred) {
  PMBENCH_CHECK(gt.rows() == pred.rows() && gt.cols() == kTransDim && pred.cols() == kTransDim, InvalidInput,
                "PD needs two [T,3] translations of equal T, got [", gt.rows(), ",", gt.cols(), "] and [",
                pred.rows(), ",", pred.cols(), "]");
  if (!all_finite(gt) || !all_finite(pred)) {
    return MetricResult::undefined("non-finite value in translation (official: NaN)");
  }
  std::vector<Scalar> dist(gt.rows());
  for (Eigen::Index t = 0; t < gt.rows(); ++t) {
    const Scalar dx = gt(t, 0) - pred(t, 0);
    const Scalar dy = gt(t, 1) - pred(t, 1);
    dist[t] = std::sqrt(dx * dx + dy * dy);
  }
  const Scalar mean = numpy_pairwise_sum(dist.data(), dist.size()) / static_cast<Scalar>(dist.size());
  return MetricResult::from_value(mean, "PD");
}

template <class Scalar>
MetricResult smoothness_difference(const FramesRef<Scalar>& gt, const FramesRef<Scalar>& pred) {
  PMBENCH_CHECK(gt.rows() == pred.rows() && gt.cols() == pred.cols(), InvalidInput,
                "Smooth needs two pose sequences of equal shape, got [", gt.rows(), ",", gt.cols(), "] and [",
                pred.rows(), ",", pred.cols(), "]");
  if (gt.rows() <= 2) {
    return MetricResult::undefined("needs at least 3 frames (official: mean of an empty array, NaN)");
  }
  if (!all_finite(gt) || !all_finite(pred)) {
    return MetricResult::undefined("non-finite value in pose (official: NaN)");
  }
  const Scalar diff = official_acceleration(pred) - official_acceleration(gt);
  return MetricResult::from_value(std::abs(diff), "Smooth");
}

template <class Scalar>
MetricResult evaluate_hand_metric(HandMetric metric, const FramesRef<Scalar>& gt,
                                  const FramesRef<Scalar>& pred) {
  switch (metric) {
    case HandMetric::FGD:
      return frechet_gesture_distance<Scalar>(gt, pred);
    case HandMetric::WGD:
      return wasserstein_gesture_distance<Scalar>(gt, pred);
    case HandMetric::PD:
      return position_distance<Scalar>(gt, pred);
    case HandMetric::Smooth:
      return smoothness_difference<Scalar>(gt, pred);
  }
  PMBENCH_FAIL(Internal, "unknown metric id ", static_cast<int>(metric));
}

#define PMBENCH_INSTANTIATE(Scalar)                                                                        \
  template MetricResult position_distance<Scalar>(const FramesRef<Scalar>&, const FramesRef<Scalar>&);     \
  template MetricResult smoothness_difference<Scalar>(const FramesRef<Scalar>&, const FramesRef<Scalar>&); \
  template MetricResult evaluate_hand_metric<Scalar>(HandMetric, const FramesRef<Scalar>&,                 \
                                                     const FramesRef<Scalar>&);
PMBENCH_INSTANTIATE(float)
PMBENCH_INSTANTIATE(double)
#undef PMBENCH_INSTANTIATE

}  // namespace pmbench
