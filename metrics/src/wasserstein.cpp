// WGD: IncrementalPCA fitted separately on gt and pred, a GMM on each projection, exact optimal
// transport between the mixture weights under the normalised distances of their means.
#include <cmath>

#include "finite.hpp"
#include "pmbench/error.hpp"
#include "pmbench/metrics/per_hand.hpp"
#include "pmbench/metrics/wgd_stages.hpp"

namespace pmbench {

template <class Scalar>
MetricResult wasserstein_gesture_distance(const FramesRef<Scalar>& gt, const FramesRef<Scalar>& pred) {
  PMBENCH_CHECK(gt.rows() == pred.rows() && gt.cols() == pred.cols(), InvalidInput,
                "WGD needs two pose sequences of equal shape, got [", gt.rows(), ",", gt.cols(), "] and [",
                pred.rows(), ",", pred.cols(), "]");
  if (!all_finite_entries(gt) || !all_finite_entries(pred)) {
    return MetricResult::undefined("non-finite value in pose (official: ValueError, input contains NaN)");
  }
  try {
    const MatrixRM<double> gt_projected = wgd::incremental_pca_projection<Scalar>(gt);
    const MatrixRM<double> pred_projected = wgd::incremental_pca_projection<Scalar>(pred);
    const wgd::GaussianMixtureFit gt_mixture = wgd::fit_gaussian_mixture(gt_projected);
    const wgd::GaussianMixtureFit pred_mixture = wgd::fit_gaussian_mixture(pred_projected);
    Eigen::MatrixXd cost = wgd::squared_distances_expanded(gt_mixture.means, pred_mixture.means).cwiseSqrt();
    const double largest = cost.maxCoeff();
    if (!(largest > 0)) {
      return MetricResult::undefined("all GMM means coincide (official: cost / max(cost) = 0/0, NaN)");
    }
    cost /= largest;
    return MetricResult::from_value(
        wgd::optimal_transport_cost(gt_mixture.weights, pred_mixture.weights, cost), "WGD");
  } catch (const wgd::OfficialWouldRaise& e) {
    return MetricResult::undefined(std::string(e.what()) + " (official raises)");
  }
}

template MetricResult wasserstein_gesture_distance<float>(const FramesRef<float>&, const FramesRef<float>&);
template MetricResult wasserstein_gesture_distance<double>(const FramesRef<double>&,
                                                           const FramesRef<double>&);

}  // namespace pmbench
