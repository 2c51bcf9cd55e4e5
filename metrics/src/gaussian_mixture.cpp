// GaussianMixture(full covariances) as scikit-learn 1.2 fits it: responsibilities one-hot from
// k-means labels, then EM until the mean log-likelihood changes by less than tol.
#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <vector>

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

// Buffers of the M-step, allocated once per fit rather than once per component and iteration.
struct MStepScratch {
  std::vector<Eigen::Index> active;      // frames that carry a component's statistics
  Eigen::VectorXd mean, diff, weighted;  // [d]
  Eigen::MatrixXd cov, solved;           // [d, d]
  Eigen::LLT<Eigen::MatrixXd, Eigen::Lower> llt;
};

// Responsibilities below this fraction of a component's largest one are left out of its mean and
// covariance sums (its count still sums every frame, in numpy's order). Most of the K x n
// responsibilities are of this size (~85% below 1e-16 on pose data): a frame far from a component
// gets exp(-maha / 2) of it. Their total share of the count is at most n * 1e-20 (< 1e-17
// relative), and in the covariance r * maha stays as small, since r ~ exp(-maha / 2); so the
// statistics move by a few ulps at most, as a change of summation order would move them, while
// the M-step does ~5x less work. Exact zeros (the one-hot initial responsibilities) are exact.
constexpr double kNegligibleResponsibility = 1e-20;

// M-step statistics from responsibilities [n, K]; throws where scikit-learn's Cholesky fails.
// Covariances by the centred formula, as scikit-learn computes them, sum_i (r_i (x_i - mu)) (x_i - mu)^T
// accumulated over the frames in order. `rows` is the data row-major (one frame contiguous).
void estimate_components(const MatrixRM<double>& rows, const Eigen::MatrixXd& resp, double reg_covar,
                         Components& c, MStepScratch& s) {
  const Eigen::Index n = rows.rows(), d = rows.cols(), k = resp.cols();
  c.counts.resize(k);
  c.means.resize(k, d);
  c.prec_chol.resize(k);
  c.log_det.resize(k);
  s.active.reserve(static_cast<std::size_t>(n));
  s.mean.resize(d);
  s.diff.resize(d);
  s.weighted.resize(d);
  s.cov.resize(d, d);
  for (Eigen::Index j = 0; j < k; ++j) {
    const double* r = resp.col(j).data();
    double count = 0.0, top = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
      count += r[i];  // numpy's axis-0 sum: in order
      top = std::max(top, r[i]);
    }
    const double cutoff = kNegligibleResponsibility * top;
    s.active.clear();
    for (Eigen::Index i = 0; i < n; ++i) {
      if (r[i] > cutoff) s.active.push_back(i);
    }
    count += 10 * std::numeric_limits<double>::epsilon();
    c.counts(j) = count;

    // Plain loops over raw rows: at d = 10, Eigen's dynamic-size expressions spend more in set-up
    // than in arithmetic.
    double* mean = s.mean.data();
    double* diff = s.diff.data();
    double* weighted = s.weighted.data();
    double* cov = s.cov.data();  // column-major d x d, lower triangle used
    std::fill(mean, mean + d, 0.0);
    for (const Eigen::Index i : s.active) {
      const double* xi = rows.row(i).data();
      for (Eigen::Index a = 0; a < d; ++a) mean[a] += r[i] * xi[a];
    }
    for (Eigen::Index a = 0; a < d; ++a) mean[a] /= count;
    std::fill(cov, cov + d * d, 0.0);
    for (const Eigen::Index i : s.active) {
      const double* xi = rows.row(i).data();
      for (Eigen::Index a = 0; a < d; ++a) {
        diff[a] = xi[a] - mean[a];
        weighted[a] = diff[a] * r[i];
      }
      for (Eigen::Index a = 0; a < d; ++a) {
        const double w = weighted[a];
        double* column = cov + a * d;
        for (Eigen::Index b = a; b < d; ++b) column[b] += w * diff[b];
      }
    }
    c.means.row(j) = s.mean.transpose();
    for (Eigen::Index a = 0; a < d; ++a) {
      for (Eigen::Index b = a; b < d; ++b) s.cov(b, a) /= count;
      s.cov(a, a) += reg_covar;
    }
    s.llt.compute(s.cov);
    if (s.llt.info() != Eigen::Success) {
      throw OfficialWouldRaise(
          "GaussianMixture: a component covariance is not positive definite (official: ValueError, "
          "ill-defined empirical covariance)");
    }
    s.solved.setIdentity(d, d);
    s.llt.matrixL().solveInPlace(s.solved);
    c.prec_chol[j].resize(d, d);
    c.prec_chol[j] = s.solved.transpose();
    c.log_det(j) = c.prec_chol[j].diagonal().array().log().sum();
  }
}

// E-step: responsibilities [n, K] (log_resp holds the weighted log probabilities until each row is
// normalised) and the mean log-likelihood.
//
// The Mahalanobis terms are computed as scikit-learn writes them, y = x P - mu P (P upper
// triangular), summed over a = 0..b in order and squared into maha column by column, but blocked
// over kBlock frames: the block's partial sums are a fixed-size array that stays in registers while
// the d x d triangle of P is walked, instead of streaming a length-n array through memory for every
// (a, b) pair. Same operations in the same order per frame, so the same bits as the unblocked loop.
constexpr int kBlock = 8;

double expectation(const Eigen::MatrixXd& x, const Components& c, const Eigen::VectorXd& weights,
                   Eigen::MatrixXd& log_resp, std::vector<double>& norm) {
  const Eigen::Index n = x.rows(), d = x.cols(), k = c.means.rows();
  const double log_2pi_d = static_cast<double>(d) * std::log(2 * M_PI);
  log_resp.resize(n, k);
  norm.resize(static_cast<std::size_t>(n));
  std::vector<double> mean_proj(static_cast<std::size_t>(d)), shifted(static_cast<std::size_t>(k));
  for (Eigen::Index j = 0; j < k; ++j) {
    const Eigen::MatrixXd& p = c.prec_chol[j];
    for (Eigen::Index b = 0; b < d; ++b) {
      double s = 0.0;
      for (Eigen::Index a = 0; a <= b; ++a) s += c.means(j, a) * p(a, b);
      mean_proj[b] = s;
    }
    const double offset = c.log_det(j) + std::log(weights(j));
    for (Eigen::Index start = 0; start < n; start += kBlock) {
      if (start + kBlock <= n) {
        using Block = Eigen::Array<double, kBlock, 1>;  // fixed size: held in registers
        Block maha = Block::Zero();
        for (Eigen::Index b = 0; b < d; ++b) {
          Block y = Eigen::Map<const Block>(x.col(0).data() + start) * p(0, b);
          for (Eigen::Index a = 1; a <= b; ++a)
            y += Eigen::Map<const Block>(x.col(a).data() + start) * p(a, b);
          y -= mean_proj[b];
          maha += y.square();
        }
        Eigen::Map<Block>(log_resp.col(j).data() + start) = -0.5 * (log_2pi_d + maha) + offset;
      } else {  // the last few frames
        for (Eigen::Index i = start; i < n; ++i) {
          double maha = 0.0;
          for (Eigen::Index b = 0; b < d; ++b) {
            double y = x(i, 0) * p(0, b);
            for (Eigen::Index a = 1; a <= b; ++a) y += x(i, a) * p(a, b);
            const double v = y - mean_proj[b];
            maha += v * v;
          }
          log_resp(i, j) = -0.5 * (log_2pi_d + maha) + offset;
        }
      }
    }
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    double top = log_resp(i, 0);
    for (Eigen::Index j = 1; j < k; ++j) top = std::max(top, log_resp(i, j));
    if (!std::isfinite(top)) top = 0.0;
    for (Eigen::Index j = 0; j < k; ++j) shifted[j] = std::exp(log_resp(i, j) - top);
    const double sum = numpy_pairwise_sum(shifted.data(), shifted.size());
    norm[i] = std::log(sum) + top;
    // Responsibilities exp(log_resp - norm) as exp(log_resp - top) / sum: one exp per entry
    // instead of two, and no less accurate (scikit-learn's exp of the difference carries the
    // absolute rounding of norm, ~1e-15 relative; the division adds half an ulp).
    for (Eigen::Index j = 0; j < k; ++j) log_resp(i, j) = shifted[j] / sum;
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

  const Eigen::MatrixXd data = x;  // column-major copy for the E-step
  Eigen::MatrixXd resp = Eigen::MatrixXd::Zero(n, k);
  for (Eigen::Index i = 0; i < n; ++i) resp(i, labels[i]) = 1.0;
  Components comp;
  MStepScratch scratch;
  estimate_components(x, resp, options.reg_covar, comp, scratch);
  Eigen::VectorXd weights = comp.counts / static_cast<double>(n);

  std::vector<double> norm;  // E-step scratch
  double lower_bound = -std::numeric_limits<double>::infinity();
  for (int iter = 1; iter <= options.max_iter; ++iter) {
    const double previous = lower_bound;
    lower_bound = expectation(data, comp, weights, resp, norm);
    estimate_components(x, resp, options.reg_covar, comp, scratch);
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
