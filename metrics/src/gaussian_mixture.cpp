// GaussianMixture(full covariances) as scikit-learn 1.2 fits it: responsibilities one-hot from
// k-means labels, then EM until the mean log-likelihood changes by less than tol. The EM loop is in
// gmm_em.inc, built for two instruction sets (see kernel_dispatch.hpp); this file runs the k-means
// initialisation, picks the build and converts to and from Eigen.
#include <Eigen/Core>
#include <vector>

#include "kernel_dispatch.hpp"
#include "pmbench/metrics/wgd_stages.hpp"

namespace pmbench::wgd {

// The EM loop from the one-hot responsibilities of `labels` (x is n x d row-major), in gmm_em.inc:
// the fit's weights [K], means [K][d], lower_bounds [max_iter] (the first *iterations written) and
// convergence. False where a component covariance is not positive definite (scikit-learn raises).
namespace baseline {
bool gmm_em(const double* x, int n, int d, const int* labels, int k, double reg_covar, double tol,
            int max_iter, double* weights, double* means, double* lower_bounds, int* iterations,
            bool* converged);
}
#if defined(PMBENCH_HAVE_AVX2_KERNELS)
namespace avx2 {
bool gmm_em(const double* x, int n, int d, const int* labels, int k, double reg_covar, double tol,
            int max_iter, double* weights, double* means, double* lower_bounds, int* iterations,
            bool* converged);
}
#endif

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
  // k-means labels are 0 .. k - 1: a flag per cluster, not a std::set (a tree node per frame).
  std::vector<char> used(k, 0);
  for (const int label : labels) used[label] = 1;
  for (const char u : used) fit.distinct_initial_clusters += u;
  const int d = static_cast<int>(x.cols());
  fit.weights.resize(k);
  MatrixRM<double> means(k, d);
  fit.lower_bounds.resize(options.max_iter > 0 ? options.max_iter : 0);
  const auto em = [&](auto gmm_em) {
    return gmm_em(x.data(), static_cast<int>(n), d, labels.data(), k, options.reg_covar, options.tol,
                  options.max_iter, fit.weights.data(), means.data(), fit.lower_bounds.data(),
                  &fit.iterations, &fit.converged);
  };
#if defined(PMBENCH_HAVE_AVX2_KERNELS)
  const bool fitted = detail::use_avx2_kernels() ? em(avx2::gmm_em) : em(baseline::gmm_em);
#else
  const bool fitted = em(baseline::gmm_em);
#endif
  if (!fitted) {
    throw OfficialWouldRaise(
        "GaussianMixture: a component covariance is not positive definite (official: ValueError, "
        "ill-defined empirical covariance)");
  }
  fit.lower_bounds.resize(fit.iterations);
  fit.means = means;
  return fit;
}

}  // namespace pmbench::wgd
