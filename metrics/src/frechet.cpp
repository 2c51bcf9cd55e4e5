// FGD: Frechet distance between Gaussians fitted to the frames of two pose sequences, with the
// official conventions (raw-moment covariance, general eigenvalues of the covariance product,
// everything in the input precision).
#include <Eigen/Eigenvalues>
#include <cmath>
#include <complex>
#include <vector>

#include "pmbench/error.hpp"
#include "pmbench/metrics/numpy_compat.hpp"
#include "pmbench/metrics/per_hand.hpp"

namespace pmbench {
namespace {

template <class Scalar>
using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
template <class Scalar>
using RowVector = Eigen::Matrix<Scalar, 1, Eigen::Dynamic>;

template <class Scalar>
struct FrameGaussian {
  RowVector<Scalar> mean;
  Matrix<Scalar> covariance;
};

// mean: rows summed in order (numpy's axis-0 reduction); covariance by the raw-moment formula
// (X^T X - (n mu^T) mu) / (n - 1), which the official code uses and which differs from the
// centred formula in float32.
template <class Scalar>
FrameGaussian<Scalar> fit_frame_gaussian(const FramesRef<Scalar>& x) {
  const Eigen::Index n = x.rows();
  FrameGaussian<Scalar> g;
  g.mean = RowVector<Scalar>::Zero(x.cols());
  for (Eigen::Index t = 0; t < n; ++t) g.mean += x.row(t);
  g.mean /= static_cast<Scalar>(n);
  const RowVector<Scalar> scaled_mean = static_cast<Scalar>(n) * g.mean;
  // X^T X is symmetric: one triangle by a rank update, mirrored (half the multiply-adds).
  g.covariance.setZero(x.cols(), x.cols());
  g.covariance.template selfadjointView<Eigen::Lower>().rankUpdate(x.transpose());
  g.covariance.template triangularView<Eigen::StrictlyUpper>() = g.covariance.transpose();
  g.covariance.noalias() -= scaled_mean.transpose() * g.mean;
  g.covariance /= static_cast<Scalar>(n - 1);
  return g;
}

template <class Scalar>
Scalar diagonal_sum(const Matrix<Scalar>& m) {
  return numpy_pairwise_sum(m.data(), static_cast<std::size_t>(m.rows()), m.rows() + 1);
}

}  // namespace

template <class Scalar>
MetricResult frechet_gesture_distance(const FramesRef<Scalar>& gt, const FramesRef<Scalar>& pred) {
  PMBENCH_CHECK(gt.rows() == pred.rows() && gt.cols() == pred.cols() && gt.rows() > 0, InvalidInput,
                "FGD needs two pose sequences of equal shape, got [", gt.rows(), ",", gt.cols(), "] and [",
                pred.rows(), ",", pred.cols(), "]");
  if (!gt.allFinite() || !pred.allFinite()) {
    return MetricResult::undefined("non-finite value in pose (official: torch.linalg.eigvals raises)");
  }
  const FrameGaussian<Scalar> g = fit_frame_gaussian(gt);
  const FrameGaussian<Scalar> p = fit_frame_gaussian(pred);
  const Matrix<Scalar> product = p.covariance * g.covariance;
  if (!product.allFinite()) {
    return MetricResult::undefined(gt.rows() < 2
                                       ? "needs at least 2 frames (official: covariance / 0, eigvals raises)"
                                       : "non-finite covariance product (official: eigvals raises)");
  }

  const RowVector<Scalar> mean_diff = p.mean - g.mean;
  const RowVector<Scalar> mean_diff_sq = mean_diff.cwiseProduct(mean_diff);
  const Scalar mean_term =
      numpy_pairwise_sum(mean_diff_sq.data(), static_cast<std::size_t>(mean_diff_sq.size()));
  const Scalar trace_term = diagonal_sum(p.covariance) + diagonal_sum(g.covariance);

  // General (non-symmetric) eigenvalues, principal complex square root, real parts summed:
  // negative real eigenvalues contribute 0, complex pairs their real part.
  Eigen::EigenSolver<Matrix<Scalar>> solver(product, /*computeEigenvectors=*/false);
  if (solver.info() != Eigen::Success) {
    return MetricResult::undefined("eigenvalue iteration did not converge");
  }
  const auto& eigenvalues = solver.eigenvalues();
  std::vector<Scalar> root_real(static_cast<std::size_t>(eigenvalues.size()));
  for (Eigen::Index i = 0; i < eigenvalues.size(); ++i) root_real[i] = std::sqrt(eigenvalues[i]).real();
  const Scalar sqrt_term = numpy_pairwise_sum(root_real.data(), root_real.size());

  const Scalar fgd = (mean_term + trace_term) - Scalar(2) * sqrt_term;
  return MetricResult::from_value(fgd, "FGD");
}

template MetricResult frechet_gesture_distance<float>(const FramesRef<float>&, const FramesRef<float>&);
template MetricResult frechet_gesture_distance<double>(const FramesRef<double>&, const FramesRef<double>&);

}  // namespace pmbench
