// FID / F_dist over feature sets (pmbench::metrics, no LibTorch): the official get_scores() golden
// and the properties of a distance.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "h5_test_util.hpp"
#include "pmbench/error.hpp"
#include "pmbench/metrics/feature_frechet.hpp"

namespace pmbench {
namespace {

const std::string kData = PMBENCH_AE_TEST_DATA;

MatrixRM<float> random_features(Eigen::Index n, Eigen::Index d, unsigned seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, scale);
  MatrixRM<float> x(n, d);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = normal(rng);
  return x;
}

double fid(const MatrixRM<float>& a, const MatrixRM<float>& b) {
  return frechet_distance(feature_statistics(a), feature_statistics(b)).value;
}

// Golden: the official EmbeddingSpaceEvaluator.get_scores() on shared/golden/autoencoder/
// frechet_features.h5 (generated = A, real = B; numpy 1.24.2, scipy 1.10.1), values in
// expected_autoencoder.json["frechet_features.h5"]. Tolerance: spec, rel 1e-6.
TEST(FeatureFrechet, MatchesOfficialGetScores) {
  std::ifstream in(kData + "/expected_autoencoder.json");
  ASSERT_TRUE(in) << "missing expected_autoencoder.json";
  const nlohmann::json expected = nlohmann::json::parse(in)["frechet_features.h5"];
  const MatrixRM<float> generated = test::read_h5_matrix(kData + "/frechet_features.h5", "generated");
  const MatrixRM<float> real = test::read_h5_matrix(kData + "/frechet_features.h5", "real");
  ASSERT_EQ(generated.rows(), 400);
  ASSERT_EQ(generated.cols(), 256);

  const FrechetResult result = frechet_distance(feature_statistics(generated), feature_statistics(real));
  const double fid_expected = expected["FID"].get<double>();
  const double fdist_expected = expected["F_dist"].get<double>();
  EXPECT_NEAR(result.value, fid_expected, 1e-6 * fid_expected) << "FID vs official get_scores()";
  EXPECT_NEAR(result.value, 473.66610298368585, 1e-6 * 473.66610298368585) << "pinned value";
  EXPECT_FALSE(result.conditioning.eps_retry_used);
  EXPECT_GT(result.conditioning.min_eigenvalue_first, 0.0) << "400 > 256 rows: full rank";
  EXPECT_GT(result.conditioning.min_eigenvalue_second, 0.0);
  const double fdist = mean_paired_l1_distance(generated, real);
  EXPECT_NEAR(fdist, fdist_expected, 1e-6 * fdist_expected) << "F_dist vs official get_scores()";
}

TEST(FeatureFrechet, StatisticsAreNumpyCov) {
  MatrixRM<float> x(3, 2);
  x << 1, 2, 3, 5, 5, 11;
  const FeatureStatistics s = feature_statistics(x);
  EXPECT_EQ(s.count, 3u);
  EXPECT_DOUBLE_EQ(s.mean(0), 3.0);
  EXPECT_DOUBLE_EQ(s.mean(1), 6.0);
  // np.cov([[1,2],[3,5],[5,11]], rowvar=False) = [[4, 9], [9, 21]]
  EXPECT_DOUBLE_EQ(s.covariance(0, 0), 4.0);
  EXPECT_DOUBLE_EQ(s.covariance(0, 1), 9.0);
  EXPECT_DOUBLE_EQ(s.covariance(1, 0), 9.0);
  EXPECT_DOUBLE_EQ(s.covariance(1, 1), 21.0);
}

TEST(FeatureFrechet, DistanceToItselfIsZero) {
  const MatrixRM<float> x = random_features(300, 16, 1);
  const FrechetResult r = frechet_distance(feature_statistics(x), feature_statistics(x));
  EXPECT_NEAR(r.value, 0.0, 1e-9);
  EXPECT_DOUBLE_EQ(mean_paired_l1_distance(x, x), 0.0);
}

TEST(FeatureFrechet, Symmetric) {
  const MatrixRM<float> a = random_features(200, 12, 2);
  const MatrixRM<float> b = random_features(250, 12, 3, 1.5f);
  const double ab = fid(a, b), ba = fid(b, a);
  EXPECT_GT(ab, 0.1);
  EXPECT_NEAR(ab, ba, 1e-10 * ab);
}

TEST(FeatureFrechet, EqualCovarianceGivesSquaredMeanDistance) {
  const MatrixRM<float> a = random_features(100, 8, 4);
  MatrixRM<float> b = a;
  Eigen::RowVectorXf shift(8);
  shift << 1, -2, 0.5f, 0, 3, 0, 0, -1;
  b.rowwise() += shift;
  const double expected = shift.cast<double>().squaredNorm();  // 16.25
  EXPECT_NEAR(fid(a, b), expected, 1e-6 * expected);
  // F_dist of a constant shift = its L1 norm.
  EXPECT_NEAR(mean_paired_l1_distance(a, b), shift.cwiseAbs().sum(), 1e-5);
}

TEST(FeatureFrechet, RowOrderInvariant) {
  const MatrixRM<float> a = random_features(150, 10, 5);
  const MatrixRM<float> b = random_features(150, 10, 6, 0.7f);
  const MatrixRM<float> reversed = a.colwise().reverse();
  EXPECT_NEAR(fid(a, b), fid(reversed, b), 1e-9 * fid(a, b));
}

TEST(FeatureFrechet, RankDeficientReportsConditioning) {
  // 20 rows in 64 dimensions: both covariances have rank <= 19.
  const MatrixRM<float> a = random_features(20, 64, 7);
  const MatrixRM<float> b = random_features(20, 64, 8);
  const FrechetResult r = frechet_distance(feature_statistics(a), feature_statistics(b));
  EXPECT_TRUE(std::isfinite(r.value));
  EXPECT_LT(std::abs(r.conditioning.min_eigenvalue_first), 1e-5);
  EXPECT_LT(std::abs(r.conditioning.min_eigenvalue_second), 1e-5);
  // Full-rank data of the same size has clearly positive eigenvalues.
  const MatrixRM<float> c = random_features(400, 64, 9);
  const FrechetResult full = frechet_distance(feature_statistics(c), feature_statistics(c));
  EXPECT_GT(full.conditioning.min_eigenvalue_first, 0.1);
}

TEST(FeatureFrechet, SingularProductRetriesWithEps) {
  // Constant features: both covariances are exactly 0, the triangular square-root recurrence of
  // sqrtm(0) divides 0 by 0, and (as the official code) the distance is retried with 1e-6 on the
  // diagonals: sqrtm(1e-12 I) = 1e-6 I, so FID = -2 * D * 1e-6.
  MatrixRM<float> a(4, 3);
  a.rowwise() = Eigen::RowVector3f(1, 2, 3);
  const FrechetResult r = frechet_distance(feature_statistics(a), feature_statistics(a));
  EXPECT_TRUE(r.conditioning.eps_retry_used);
  EXPECT_DOUBLE_EQ(r.conditioning.min_eigenvalue_first, 0.0);
  EXPECT_NEAR(r.value, -2 * 3 * 1e-6, 1e-15);
}

TEST(FeatureFrechet, ErrorsAreClear) {
  const MatrixRM<float> one = random_features(1, 4, 10);
  try {
    feature_statistics(one);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    EXPECT_NE(std::string(e.what()).find("at least 2 feature rows"), std::string::npos) << e.what();
  }
  MatrixRM<float> nan = random_features(5, 4, 11);
  nan(2, 1) = std::nanf("");
  EXPECT_THROW(feature_statistics(nan), Error);
  const MatrixRM<float> a = random_features(5, 4, 12), b = random_features(5, 3, 13);
  try {
    frechet_distance(feature_statistics(a), feature_statistics(b));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("different dimensions"), std::string::npos) << e.what();
  }
  EXPECT_THROW(mean_paired_l1_distance(a, random_features(4, 4, 14)), Error);
}

}  // namespace
}  // namespace pmbench
