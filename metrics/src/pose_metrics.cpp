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

// ||row - last||^2 summed as numpy sums a row of squares (numpy_pairwise_sum): rows of 8 to 128
// entries are one pairwise leaf, 8 running sums over consecutive entries then
// ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)) and the remainder in order. Written out here
// because the 8 running sums are then one vector register that the compiler keeps in place,
// where the strided general routine goes entry by entry.
template <class Scalar>
Scalar squared_distance_numpy_order(const Scalar* row, const Scalar* last, Eigen::Index dims,
                                    Scalar* squares) {
  constexpr Eigen::Index kLeaf = 128, kSums = 8;
  if (dims < kSums || dims > kLeaf) {
    for (Eigen::Index d = 0; d < dims; ++d) squares[d] = (row[d] - last[d]) * (row[d] - last[d]);
    return numpy_pairwise_sum(squares, static_cast<std::size_t>(dims));
  }
  Scalar r[kSums];
  for (Eigen::Index j = 0; j < kSums; ++j) r[j] = (row[j] - last[j]) * (row[j] - last[j]);
  Eigen::Index i = kSums;
  for (; i + kSums <= dims; i += kSums) {
    for (Eigen::Index j = 0; j < kSums; ++j) r[j] += (row[i + j] - last[i + j]) * (row[i + j] - last[i + j]);
  }
  Scalar sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
  for (; i < dims; ++i) sum += (row[i] - last[i]) * (row[i] - last[i]);
  return sum;
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
    dist[t] = squared_distance_numpy_order(x.data() + t * x.outerStride(), last, dims, squares.data());
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
