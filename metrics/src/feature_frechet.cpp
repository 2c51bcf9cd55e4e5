// FID stages over feature sets: statistics (float64, np.cov) and the Frechet distance through a
// complex principal matrix square root (scipy.linalg.sqrtm works in the complex Schur form too).
#include "pmbench/metrics/feature_frechet.hpp"

#include <Eigen/Eigenvalues>
#include <cmath>
#include <complex>
#include <unsupported/Eigen/MatrixFunctions>

#include "pmbench/error.hpp"

namespace pmbench {
namespace {

template <class Scalar>
FeatureStatistics statistics_impl(const MatrixRM<Scalar>& features) {
  PMBENCH_CHECK(features.rows() >= 2, InvalidInput, "feature statistics: need at least 2 feature rows, got ",
                features.rows());
  PMBENCH_CHECK(features.cols() >= 1, InvalidInput, "feature statistics: features have no columns");
  PMBENCH_CHECK(features.allFinite(), InvalidInput, "feature statistics: features contain NaN or Inf");
  const MatrixRM<double> x = features.template cast<double>();
  FeatureStatistics stats;
  stats.count = static_cast<std::size_t>(x.rows());
  stats.mean = x.colwise().mean().transpose();
  const MatrixRM<double> centred = x.rowwise() - stats.mean.transpose();
  stats.covariance = (centred.transpose() * centred) / static_cast<double>(x.rows() - 1);
  return stats;
}

double min_symmetric_eigenvalue(const Eigen::MatrixXd& m) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(m, Eigen::EigenvaluesOnly);
  return solver.eigenvalues().minCoeff();
}

Eigen::MatrixXcd complex_sqrtm(const Eigen::MatrixXd& m) {
  const Eigen::MatrixXcd c = m.cast<std::complex<double>>();
  return c.sqrt();
}

bool all_finite(const Eigen::MatrixXcd& m) { return m.real().allFinite() && m.imag().allFinite(); }

}  // namespace

FeatureStatistics feature_statistics(const MatrixRM<float>& features) { return statistics_impl(features); }
FeatureStatistics feature_statistics(const MatrixRM<double>& features) { return statistics_impl(features); }

FrechetResult frechet_distance(const FeatureStatistics& first, const FeatureStatistics& second, double eps) {
  const Eigen::Index d = first.mean.size();
  PMBENCH_CHECK(d > 0 && second.mean.size() == d && first.covariance.rows() == d &&
                    first.covariance.cols() == d && second.covariance.rows() == d &&
                    second.covariance.cols() == d,
                InvalidInput, "frechet distance: statistics of different dimensions (", d, " and ",
                second.mean.size(), ")");
  FrechetResult result;
  result.conditioning.min_eigenvalue_first = min_symmetric_eigenvalue(first.covariance);
  result.conditioning.min_eigenvalue_second = min_symmetric_eigenvalue(second.covariance);

  Eigen::MatrixXcd covmean = complex_sqrtm(first.covariance * second.covariance);
  if (!all_finite(covmean)) {
    result.conditioning.eps_retry_used = true;
    const Eigen::MatrixXd offset = Eigen::MatrixXd::Identity(d, d) * eps;
    covmean = complex_sqrtm((first.covariance + offset) * (second.covariance + offset));
  }
  result.conditioning.max_imag_diagonal = covmean.diagonal().imag().cwiseAbs().maxCoeff();

  const Eigen::VectorXd diff = first.mean - second.mean;
  result.value = diff.squaredNorm() + first.covariance.trace() + second.covariance.trace() -
                 2.0 * covmean.diagonal().real().sum();
  return result;
}

double mean_paired_l1_distance(const MatrixRM<float>& first, const MatrixRM<float>& second) {
  PMBENCH_CHECK(first.rows() == second.rows() && first.cols() == second.cols(), InvalidInput,
                "F_dist: feature sets of different shapes [", first.rows(), ",", first.cols(), "] and [",
                second.rows(), ",", second.cols(), "]");
  PMBENCH_CHECK(first.rows() > 0, InvalidInput, "F_dist: no feature rows");
  const MatrixRM<double> diff = first.cast<double>() - second.cast<double>();
  return diff.cwiseAbs().rowwise().sum().mean();
}

}  // namespace pmbench
