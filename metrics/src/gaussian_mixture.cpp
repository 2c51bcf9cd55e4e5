// GaussianMixture(full covariances) as scikit-learn 1.2 fits it: responsibilities one-hot from
// k-means labels, then EM until the mean log-likelihood changes by less than tol.
#include <Eigen/Cholesky>
#include <cmath>
#include <limits>
#include <set>

#include "pmbench/metrics/wgd_stages.hpp"

namespace pmbench::wgd {
namespace {

struct Components {
  Eigen::VectorXd counts;                   // nk (+10 eps), [K]
  Eigen::MatrixXd means;                    // [K, d]
  std::vector<Eigen::MatrixXd> prec_chol;   // inv(cholesky(cov))^T, upper triangular, [K][d, d]
  Eigen::VectorXd log_det;                  // sum log diag(prec_chol), [K]
};

// M-step statistics from responsibilities [n, K]; throws where scikit-learn's Cholesky fails.
Components estimate_components(const MatrixRM<double>& x, const MatrixRM<double>& resp, double reg_covar) {
  const Eigen::Index n = x.rows(), d = x.cols(), k = resp.cols();
  Components c;
  c.counts = Eigen::VectorXd::Zero(k);
  for (Eigen::Index i = 0; i < n; ++i) c.counts += resp.row(i).transpose();
  c.counts.array() += 10 * std::numeric_limits<double>::epsilon();
  c.means = resp.transpose() * x;
  c.means.array().colwise() /= c.counts.array();
  c.prec_chol.resize(k);
  c.log_det.resize(k);
  const Eigen::MatrixXd identity = Eigen::MatrixXd::Identity(d, d);
  for (Eigen::Index j = 0; j < k; ++j) {
    const MatrixRM<double> diff = x.rowwise() - c.means.row(j);
    Eigen::MatrixXd cov(d, d);
    cov.noalias() = (diff.array().colwise() * resp.col(j).array()).matrix().transpose() * diff;
    cov /= c.counts(j);
    cov.diagonal().array() += reg_covar;
    Eigen::LLT<Eigen::MatrixXd> llt(cov);
    if (llt.info() != Eigen::Success) {
      throw OfficialWouldRaise(
          "GaussianMixture: a component covariance is not positive definite (official: ValueError, "
          "ill-defined empirical covariance)");
    }
    const Eigen::MatrixXd lower = llt.matrixL();
    c.prec_chol[j] = lower.triangularView<Eigen::Lower>().solve(identity).transpose();
    c.log_det(j) = c.prec_chol[j].diagonal().array().log().sum();
  }
  return c;
}

// E-step: log responsibilities [n, K] and the mean log-likelihood.
double expectation(const MatrixRM<double>& x, const Components& c, const Eigen::VectorXd& weights,
                   MatrixRM<double>& log_resp) {
  const Eigen::Index n = x.rows(), d = x.cols(), k = c.means.rows();
  const double log_2pi_d = d * std::log(2 * M_PI);
  log_resp.resize(n, k);
  for (Eigen::Index j = 0; j < k; ++j) {
    const MatrixRM<double> y = (x * c.prec_chol[j]).rowwise() - c.means.row(j) * c.prec_chol[j];
    const Eigen::VectorXd maha = y.rowwise().squaredNorm();
    log_resp.col(j) = (-0.5 * (log_2pi_d + maha.array()) + c.log_det(j) + std::log(weights(j))).matrix();
  }
  std::vector<double> norm(n), shifted(k);
  for (Eigen::Index i = 0; i < n; ++i) {
    double top = log_resp.row(i).maxCoeff();
    if (!std::isfinite(top)) top = 0.0;
    for (Eigen::Index j = 0; j < k; ++j) shifted[j] = std::exp(log_resp(i, j) - top);
    norm[i] = std::log(numpy_pairwise_sum(shifted.data(), shifted.size())) + top;
    log_resp.row(i).array() -= norm[i];
  }
  return numpy_pairwise_sum(norm.data(), norm.size()) / static_cast<double>(n);
}

}  // namespace

GaussianMixtureFit fit_gaussian_mixture(const MatrixRM<double>& x, const GaussianMixtureOptions& options) {
  const Eigen::Index n = x.rows();
  const int k = options.components;
  if (n < 2) throw OfficialWouldRaise("GaussianMixture: needs at least 2 samples, got " + std::to_string(n));
  if (n < k) {
    throw OfficialWouldRaise("GaussianMixture: Expected n_samples >= n_components but got n_components = " +
                             std::to_string(k) + ", n_samples = " + std::to_string(n));
  }
  GaussianMixtureFit fit;
  NumpyRandomState rng(options.seed);
  KMeansOptions kmeans;
  kmeans.clusters = k;
  const std::vector<int> labels = kmeans_labels(x, rng, kmeans);
  fit.distinct_initial_clusters = static_cast<int>(std::set<int>(labels.begin(), labels.end()).size());

  MatrixRM<double> resp = MatrixRM<double>::Zero(n, k);
  for (Eigen::Index i = 0; i < n; ++i) resp(i, labels[i]) = 1.0;
  Components comp = estimate_components(x, resp, options.reg_covar);
  Eigen::VectorXd weights = comp.counts / static_cast<double>(n);

  double lower_bound = -std::numeric_limits<double>::infinity();
  MatrixRM<double> log_resp;
  for (int iter = 1; iter <= options.max_iter; ++iter) {
    const double previous = lower_bound;
    lower_bound = expectation(x, comp, weights, log_resp);
    comp = estimate_components(x, log_resp.array().exp().matrix(), options.reg_covar);
    weights = comp.counts / numpy_pairwise_sum(comp.counts.data(), static_cast<std::size_t>(k));
    fit.iterations = iter;
    fit.lower_bounds.push_back(lower_bound);
    if (std::abs(lower_bound - previous) < options.tol) {
      fit.converged = true;
      break;
    }
  }
  fit.weights = weights;
  fit.means = comp.means;
  return fit;
}

}  // namespace pmbench::wgd
