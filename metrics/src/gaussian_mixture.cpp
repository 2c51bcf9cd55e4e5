// GaussianMixture(full covariances) as scikit-learn 1.2 fits it: responsibilities one-hot from
// k-means labels, then EM until the mean log-likelihood changes by less than tol.
#include <Eigen/Cholesky>
#include <cmath>
#include <limits>
#include <set>

#include "pmbench/metrics/wgd_stages.hpp"

namespace pmbench::wgd {
namespace {

// Mixture parameters. Data and responsibilities are held column-major so that every inner loop
// runs over the n = 240 frames of one column, contiguous and vectorisable; at WGD's sizes (d = 10,
// K = 13) general matrix products spend more time in set-up than in arithmetic.
struct Components {
  Eigen::VectorXd counts;                  // nk (+10 eps), [K]
  Eigen::MatrixXd means;                   // [K, d]
  std::vector<Eigen::MatrixXd> prec_chol;  // inv(cholesky(cov))^T, upper triangular, [K][d, d]
  Eigen::VectorXd log_det;                 // sum log diag(prec_chol), [K]
};

// M-step statistics from responsibilities [n, K]; throws where scikit-learn's Cholesky fails.
// Covariances by the centred formula, as scikit-learn computes them.
void estimate_components(const Eigen::MatrixXd& x, const Eigen::MatrixXd& resp, double reg_covar, Components& c) {
  const Eigen::Index n = x.rows(), d = x.cols(), k = resp.cols();
  c.counts.resize(k);
  c.means.resize(k, d);
  c.prec_chol.resize(k);
  c.log_det.resize(k);
  Eigen::MatrixXd diff(n, d), weighted(n, d), cov(d, d);
  const Eigen::MatrixXd identity = Eigen::MatrixXd::Identity(d, d);
  for (Eigen::Index j = 0; j < k; ++j) {
    double count = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) count += resp(i, j);  // numpy's axis-0 sum: in order
    count += 10 * std::numeric_limits<double>::epsilon();
    c.counts(j) = count;
    for (Eigen::Index a = 0; a < d; ++a) c.means(j, a) = resp.col(j).dot(x.col(a)) / count;
    for (Eigen::Index a = 0; a < d; ++a) {
      diff.col(a).array() = x.col(a).array() - c.means(j, a);
      weighted.col(a).array() = diff.col(a).array() * resp.col(j).array();
    }
    for (Eigen::Index a = 0; a < d; ++a) {
      for (Eigen::Index b = a; b < d; ++b) cov(b, a) = weighted.col(a).dot(diff.col(b)) / count;
      cov(a, a) += reg_covar;
    }
    Eigen::LLT<Eigen::MatrixXd, Eigen::Lower> llt(cov);
    if (llt.info() != Eigen::Success) {
      throw OfficialWouldRaise(
          "GaussianMixture: a component covariance is not positive definite (official: ValueError, "
          "ill-defined empirical covariance)");
    }
    c.prec_chol[j] = llt.matrixL().solve(identity).transpose();
    c.log_det(j) = c.prec_chol[j].diagonal().array().log().sum();
  }
}

// E-step: log responsibilities [n, K] and the mean log-likelihood.
double expectation(const Eigen::MatrixXd& x, const Components& c, const Eigen::VectorXd& weights,
                   Eigen::MatrixXd& log_resp) {
  const Eigen::Index n = x.rows(), d = x.cols(), k = c.means.rows();
  const double log_2pi_d = static_cast<double>(d) * std::log(2 * M_PI);
  log_resp.resize(n, k);
  Eigen::ArrayXd y(n), maha(n);
  for (Eigen::Index j = 0; j < k; ++j) {
    const Eigen::MatrixXd& p = c.prec_chol[j];
    // y = x P - mu P, column by column (P is upper triangular)
    maha.setZero();
    for (Eigen::Index b = 0; b < d; ++b) {
      double mean_proj = 0.0;
      for (Eigen::Index a = 0; a <= b; ++a) mean_proj += c.means(j, a) * p(a, b);
      y = x.col(0).array() * p(0, b);
      for (Eigen::Index a = 1; a <= b; ++a) y += x.col(a).array() * p(a, b);
      y -= mean_proj;
      maha += y.square();
    }
    log_resp.col(j).array() = -0.5 * (log_2pi_d + maha) + (c.log_det(j) + std::log(weights(j)));
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

  const Eigen::MatrixXd data = x;  // column-major copy
  Eigen::MatrixXd resp = Eigen::MatrixXd::Zero(n, k);
  for (Eigen::Index i = 0; i < n; ++i) resp(i, labels[i]) = 1.0;
  Components comp;
  estimate_components(data, resp, options.reg_covar, comp);
  Eigen::VectorXd weights = comp.counts / static_cast<double>(n);

  double lower_bound = -std::numeric_limits<double>::infinity();
  for (int iter = 1; iter <= options.max_iter; ++iter) {
    const double previous = lower_bound;
    lower_bound = expectation(data, comp, weights, resp);  // resp now holds log responsibilities
    resp = resp.array().exp().matrix();
    estimate_components(data, resp, options.reg_covar, comp);
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
