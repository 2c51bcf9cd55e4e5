// The stages of WGD (spec pm10m-official): IncrementalPCA -> k-means-initialised GMM -> exact
// optimal transport between the mixtures. Each stage follows scikit-learn 1.2 / POT 0.8 as
// the official evaluation ran them, including their reduction orders where results depend on them.
#pragma once

#include <Eigen/Core>
#include <stdexcept>
#include <string>
#include <vector>

#include "pmbench/metrics/numpy_compat.hpp"
#include "pmbench/metrics/types.hpp"

namespace pmbench::wgd {

/// Raised inside a stage where the official code raises; WGD turns it into an undefined value.
class OfficialWouldRaise : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct IncrementalPcaOptions {
  int components = 10;  ///< n_components
  int batch_size = 16;  ///< rows per partial_fit batch
};

/// Fits IncrementalPCA on `x` (batches of batch_size rows; a short remainder is merged into the
/// last batch) and returns x projected on its own components, in float64 as the official does.
template <class Scalar>
MatrixRM<double> incremental_pca_projection(const FramesRef<Scalar>& x,
                                            const IncrementalPcaOptions& options = {});

/// The [begin, end) row ranges of the partial_fit batches.
std::vector<std::pair<int, int>> incremental_pca_batches(int rows, int batch_size, int min_rows);

struct KMeansOptions {
  int clusters = 13;
  int max_iter = 300;
  double tol = 1e-4;  ///< relative to the mean column variance, on the squared centre shift
};

/// Lloyd k-means with greedy k-means++ seeding drawn from `rng`; returns the labels.
std::vector<int> kmeans_labels(const MatrixRM<double>& x, NumpyRandomState& rng,
                               const KMeansOptions& options = {});

struct GaussianMixtureOptions {
  int components = 13;
  double reg_covar = 1e-6;
  double tol = 1e-3;
  int max_iter = 200;
  std::uint32_t seed = 0;  ///< RandomState seed of the k-means initialisation
};

struct GaussianMixtureFit {
  Eigen::VectorXd weights;  ///< [K], sums to 1
  Eigen::MatrixXd means;    ///< [K, d]
  bool converged = false;
  int iterations = 0;
  int distinct_initial_clusters = 0;  ///< < K: the official prints a ConvergenceWarning
  std::vector<double> lower_bounds;   ///< mean log-likelihood after each EM iteration
};

/// Full-covariance GMM fitted by EM from a k-means initialisation.
GaussianMixtureFit fit_gaussian_mixture(const MatrixRM<double>& x,
                                        const GaussianMixtureOptions& options = {});

/// Exact optimal transport cost min <G, C> over G >= 0 with G 1 = a, G^T 1 = b * sum(a) / sum(b)
/// (network simplex, the algorithm of POT's emd).
double optimal_transport_cost(const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                              const Eigen::MatrixXd& cost);

/// Squared euclidean distances by |a|^2 + |b|^2 - 2 a.b, clipped at 0 (scikit-learn's formula).
Eigen::MatrixXd squared_distances_expanded(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b);

}  // namespace pmbench::wgd
