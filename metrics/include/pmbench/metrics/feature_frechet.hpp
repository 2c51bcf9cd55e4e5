// FID and F_dist over learned features (the official EmbeddingSpaceEvaluator.get_scores()), as
// pure stages after torch-fidelity: features -> statistics -> distance. No LibTorch here: the
// features come from pmbench::autoencoder (or anywhere else).
#pragma once

#include <Eigen/Core>
#include <cstddef>

#include "pmbench/metrics/types.hpp"

namespace pmbench {

/// Gaussian statistics of a feature set: what FID compares. Cacheable.
struct FeatureStatistics {
  Eigen::VectorXd mean;        ///< column mean [D], float64
  Eigen::MatrixXd covariance;  ///< np.cov(rowvar=False): centred, divided by n-1, float64 [D,D]
  std::size_t count = 0;       ///< number of feature rows the statistics were fitted on
};

/// Statistics of features [N,D] (one row per clip or window). Needs N >= 2 and finite values.
FeatureStatistics feature_statistics(const MatrixRM<float>& features);
FeatureStatistics feature_statistics(const MatrixRM<double>& features);

/// How well-posed the Frechet distance was.
struct FrechetConditioning {
  double min_eigenvalue_first = 0.0;   ///< smallest eigenvalue of the first covariance
  double min_eigenvalue_second = 0.0;  ///< smallest eigenvalue of the second covariance
  bool eps_retry_used = false;         ///< sqrtm(s1 s2) was not finite; retried with eps on diagonals
  /// max |Im| on the diagonal of sqrtm (the official raises, and reports 1e10, when > 1e-3)
  double max_imag_diagonal = 0.0;
};

struct FrechetResult {
  double value = 0.0;  ///< ||mu1-mu2||^2 + tr(s1) + tr(s2) - 2 tr(Re sqrtm(s1 s2))
  FrechetConditioning conditioning;
};

/// Frechet distance between two Gaussians, as the official calculate_frechet_distance: the real
/// part of the principal matrix square root of s1 @ s2; if that is not finite, `eps` is added to
/// both diagonals and the square root retried. Throws Error(InvalidInput) on mismatched shapes.
FrechetResult frechet_distance(const FeatureStatistics& first, const FeatureStatistics& second,
                               double eps = 1e-6);

/// F_dist: mean over rows of the L1 distance between paired rows of two feature sets [N,D].
double mean_paired_l1_distance(const MatrixRM<float>& first, const MatrixRM<float>& second);

}  // namespace pmbench
