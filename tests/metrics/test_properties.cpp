// Properties of the metric core that hold whatever the data: numpy-compatible random draws,
// symmetries and invariances of the metrics, and the behaviour of the WGD stages.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <utility>
#include <vector>

#include "motion_data.hpp"
#include "pmbench/metrics/numpy_compat.hpp"
#include "pmbench/metrics/per_hand.hpp"
#include "pmbench/metrics/wgd_stages.hpp"

namespace pmbench::test {
namespace {

// Values from numpy 1.24: np.random.RandomState(0) (spec pm10m-official, "WGD").
TEST(NumpyRandomState, MatchesNumpyDraws) {
  NumpyRandomState a(0);
  EXPECT_EQ(a.next_uint32(), 2357136044u);
  EXPECT_EQ(a.next_uint32(), 2546248239u);
  EXPECT_EQ(a.next_uint32(), 3071714933u);
  NumpyRandomState b(0);
  EXPECT_EQ(b.randint(240), 172);
  EXPECT_EQ(b.randint(240), 47);
  EXPECT_EQ(b.randint(240), 117);
  const double expected[] = {0.8442657485810173, 0.8579456176227568, 0.8472517387841254, 0.6235636967859723};
  for (double e : expected) EXPECT_EQ(b.uniform(), e);
  NumpyRandomState c(0);
  EXPECT_EQ(c.randint(1), 0);  // a one-value range draws nothing
  EXPECT_EQ(c.next_uint32(), 2357136044u);
}

TEST(NumpyPairwiseSum, MatchesExactSumsAndNumpyBlocking) {
  std::vector<double> ones(1000, 1.0);
  EXPECT_EQ(numpy_pairwise_sum(ones.data(), ones.size()), 1000.0);
  // float32: 1 + 8 * 2^-24 is exact only when the small terms are summed first, as the 8
  // accumulators of a block do; sequential summation would return 1.
  std::vector<float> v(16, std::ldexp(1.0f, -24));
  v[0] = 1.0f;
  const float pairwise = numpy_pairwise_sum(v.data(), v.size());
  float sequential = 0.0f;
  for (float x : v) sequential += x;
  EXPECT_EQ(sequential, 1.0f);
  EXPECT_GT(pairwise, 1.0f);
  std::vector<double> strided = {1, 100, 2, 100, 3, 100};
  EXPECT_EQ(numpy_pairwise_sum(strided.data(), 3, 2), 6.0);
}

TEST(PerHandMetrics, SymmetricInTheirArguments) {
  const MatrixRM<double> a = random_walk(1, 240, 48), b = random_walk(2, 240, 48);
  const MatrixRM<double> ta = random_walk(3, 240, 3), tb = random_walk(4, 240, 3);
  const double fgd_ab = frechet_gesture_distance<double>(a, b).value;
  EXPECT_NEAR(fgd_ab, frechet_gesture_distance<double>(b, a).value,
              1e-9 * fgd_ab);  // eig(S_p S_g) = eig(S_g S_p)
  EXPECT_EQ(position_distance<double>(ta, tb).value, position_distance<double>(tb, ta).value);
  EXPECT_EQ(smoothness_difference<double>(a, b).value, smoothness_difference<double>(b, a).value);
}

TEST(PerHandMetrics, IdentityGivesZero) {
  const MatrixRM<double> a = random_walk(5, 240, 48), t = random_walk(6, 240, 3);
  EXPECT_NEAR(frechet_gesture_distance<double>(a, a).value, 0.0, 1e-9);
  EXPECT_EQ(position_distance<double>(t, t).value, 0.0);
  EXPECT_EQ(smoothness_difference<double>(a, a).value, 0.0);
  EXPECT_NEAR(wasserstein_gesture_distance<double>(a, a).value, 0.0, 1e-8);
}

TEST(PerHandMetrics, Invariances) {
  const MatrixRM<double> a = random_walk(7, 240, 48), b = random_walk(8, 240, 48);
  // FGD sees the frames as a set: reversing the frame order changes nothing but rounding.
  const MatrixRM<double> a_rev = a.colwise().reverse(), b_rev = b.colwise().reverse();
  const double fgd = frechet_gesture_distance<double>(a, b).value;
  EXPECT_NEAR(frechet_gesture_distance<double>(a_rev, b_rev).value, fgd, 1e-9 * fgd);
  // PD ignores z and is invariant to a common shift of both translations.
  MatrixRM<double> ta = random_walk(9, 240, 3), tb = random_walk(10, 240, 3);
  const double pd = position_distance<double>(ta, tb).value;
  MatrixRM<double> tb_z = tb;
  tb_z.col(2).array() += 5.0;
  EXPECT_EQ(position_distance<double>(ta, tb_z).value, pd);
  ta.col(0).array() += 0.25, tb.col(0).array() += 0.25;
  EXPECT_NEAR(position_distance<double>(ta, tb).value, pd, 1e-12);
  // FGD of a common translation of both pose sets is unchanged (covariances and mean gap are).
  MatrixRM<double> a_shift = a, b_shift = b;
  a_shift.array() += 0.5, b_shift.array() += 0.5;
  EXPECT_NEAR(frechet_gesture_distance<double>(a_shift, b_shift).value, fgd, 1e-8 * fgd);
}

TEST(PerHandMetrics, UndefinedCasesCarryReasons) {
  MatrixRM<double> a = random_walk(11, 240, 48);
  MatrixRM<double> b = a;
  b(3, 4) = std::nan("");
  for (HandMetric m : {HandMetric::FGD, HandMetric::WGD, HandMetric::Smooth}) {
    const MetricResult r = evaluate_hand_metric<double>(m, a, b);
    EXPECT_FALSE(r.defined());
    EXPECT_NE(r.undefined_reason.find("non-finite"), std::string::npos) << r.undefined_reason;
  }
  const MatrixRM<double> short_a = a.topRows(2), short_b = a.bottomRows(2);
  EXPECT_FALSE(smoothness_difference<double>(short_a, short_b).defined());
  EXPECT_NE(wasserstein_gesture_distance<double>(a.topRows(12), a.bottomRows(12))
                .undefined_reason.find("n_samples"),
            std::string::npos);
  EXPECT_TRUE(wasserstein_gesture_distance<double>(a.topRows(13), a.bottomRows(13)).defined());
  // 0.5 sums exactly, so the centred data are exactly 0 (with 0.3 the running mean carries
  // rounding noise, which the official code would fit a mixture to as well).
  const MatrixRM<double> constant = MatrixRM<double>::Constant(240, 48, 0.5);
  const MetricResult constant_wgd = wasserstein_gesture_distance<double>(constant, constant);
  EXPECT_NE(constant_wgd.undefined_reason.find("coincide"), std::string::npos)
      << constant_wgd.undefined_reason;
}

// Any Inf or NaN, in either input, in any row or column and in either precision, makes the
// pose metrics undefined; finite extremes do not.
TEST(PerHandMetrics, EveryNonFiniteEntryIsCaught) {
  const MatrixRM<double> base = random_walk(12, 60, 48);
  const double specials[] = {std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity(), std::nan("")};
  for (double special : specials) {
    for (auto [row, column] : {std::pair{0, 0}, std::pair{59, 47}, std::pair{31, 17}}) {
      for (bool in_gt : {false, true}) {
        MatrixRM<double> gt = base, pred = base;
        (in_gt ? gt : pred)(row, column) = special;
        const MatrixRM<float> gt32 = gt.cast<float>(), pred32 = pred.cast<float>();
        for (HandMetric m : {HandMetric::FGD, HandMetric::WGD, HandMetric::Smooth}) {
          EXPECT_FALSE(evaluate_hand_metric<double>(m, gt, pred).defined()) << special << " at " << row;
          EXPECT_FALSE(evaluate_hand_metric<float>(m, gt32, pred32).defined()) << special << " at " << row;
        }
      }
    }
  }
  MatrixRM<float> extremes = base.cast<float>();  // finite values at both ends of the exponent range
  extremes(5, 5) = 1e15f, extremes(6, 6) = std::numeric_limits<float>::denorm_min();
  EXPECT_TRUE(evaluate_hand_metric<float>(HandMetric::Smooth, extremes, extremes).defined());
}

// Smooth at every width against its plain formula over numpy_pairwise_sum (one pairwise leaf up to
// 128 entries per row, blocks beyond), and on a strided view (columns of a wider matrix whose other
// columns are NaN): the same value, and a NaN inside the view is still caught.
TEST(PerHandMetrics, SmoothFollowsNumpyAtEveryWidthAndStride) {
  const auto acceleration = [](const MatrixRM<float>& x) {
    const Eigen::Index frames = x.rows();
    std::vector<float> dist(frames - 1), squares(x.cols()), rel(frames - 2);
    for (Eigen::Index t = 0; t + 1 < frames; ++t) {
      for (Eigen::Index d = 0; d < x.cols(); ++d) {
        const float diff = x(t, d) - x(frames - 1, d);
        squares[d] = diff * diff;
      }
      dist[t] = std::sqrt(numpy_pairwise_sum(squares.data(), squares.size()));
    }
    for (Eigen::Index t = 0; t + 2 < frames; ++t) rel[t] = dist[t] - dist[frames - 2];
    return numpy_pairwise_sum(rel.data(), rel.size()) / static_cast<float>(rel.size());
  };
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (int width : {1, 3, 7, 8, 9, 16, 47, 48, 49, 127, 128, 129, 200, 300}) {
    std::mt19937 rng(40 + width);
    const MatrixRM<float> gt = random_walk(rng, 30, width).cast<float>();
    const MatrixRM<float> pred = rounded_sinusoid(rng, 30, width).cast<float>();
    const float expected = std::abs(acceleration(pred) - acceleration(gt));
    EXPECT_EQ(evaluate_hand_metric<float>(HandMetric::Smooth, gt, pred).value, expected) << width;
    MatrixRM<float> wide_gt = MatrixRM<float>::Constant(30, width + 2, nan), wide_pred = wide_gt;
    wide_gt.middleCols(1, width) = gt, wide_pred.middleCols(1, width) = pred;
    const FramesRef<float> gt_view(wide_gt.middleCols(1, width)), pred_view(wide_pred.middleCols(1, width));
    EXPECT_EQ(evaluate_hand_metric<float>(HandMetric::Smooth, gt_view, pred_view).value, expected) << width;
    wide_pred(29, width) = nan;  // the last column of the view, in the last row
    EXPECT_FALSE(evaluate_hand_metric<float>(HandMetric::Smooth, gt_view, pred_view).defined()) << width;
  }
}

TEST(IncrementalPca, BatchesMergeShortRemainders) {
  using Batches = std::vector<std::pair<int, int>>;
  EXPECT_EQ(wgd::incremental_pca_batches(240, 16, 10).size(), 15u);
  EXPECT_EQ(wgd::incremental_pca_batches(249, 16, 10).back(), std::make_pair(224, 249));  // 9 left: merged
  EXPECT_EQ(wgd::incremental_pca_batches(250, 16, 10).back(),
            std::make_pair(240, 250));  // 10 left: own batch
  EXPECT_EQ(wgd::incremental_pca_batches(36, 16, 10), (Batches{{0, 16}, {16, 36}}));
  EXPECT_EQ(wgd::incremental_pca_batches(12, 16, 10), (Batches{{0, 12}}));
}

TEST(IncrementalPca, OneBatchEqualsExactPca) {
  // With a single batch the projection is exact PCA: orthogonal, decreasing-variance columns.
  const MatrixRM<double> x = random_walk(12, 16, 48);
  const MatrixRM<double> z = wgd::incremental_pca_projection<double>(x);
  const Eigen::MatrixXd gram = z.transpose() * z;
  for (int i = 0; i < 10; ++i) {
    for (int j = 0; j < 10; ++j) {
      if (i != j) {
        EXPECT_NEAR(gram(i, j), 0.0, 1e-10 * gram(0, 0));
      }
    }
    if (i > 0) {
      EXPECT_LE(gram(i, i), gram(i - 1, i - 1) * (1 + 1e-12));
    }
  }
}

TEST(GaussianMixture, LowerBoundNeverDecreasesAndWeightsSumToOne) {
  const MatrixRM<double> x = wgd::incremental_pca_projection<double>(random_walk(13, 240, 48));
  wgd::GaussianMixtureOptions options;
  options.tol = 1e-9;  // run longer than the official tolerance to exercise more EM steps
  const wgd::GaussianMixtureFit fit = wgd::fit_gaussian_mixture(x, options);
  ASSERT_GE(fit.lower_bounds.size(), 2u);
  for (std::size_t i = 1; i < fit.lower_bounds.size(); ++i) {
    EXPECT_GE(fit.lower_bounds[i], fit.lower_bounds[i - 1] - 1e-9) << "EM step " << i;
  }
  EXPECT_NEAR(fit.weights.sum(), 1.0, 1e-12);
  EXPECT_EQ(fit.means.rows(), 13);
}

TEST(KMeans, DeterministicAndUsesEveryCluster) {
  const MatrixRM<double> x = wgd::incremental_pca_projection<double>(random_walk(14, 240, 48));
  NumpyRandomState r1(0), r2(0);
  const std::vector<int> a = wgd::kmeans_labels(x, r1), b = wgd::kmeans_labels(x, r2);
  EXPECT_EQ(a, b);
  std::vector<int> counts(13, 0);
  for (int l : a) counts[l]++;
  for (int c : counts) EXPECT_GT(c, 0);
}

TEST(OptimalTransport, KnownOptimaAndScaling) {
  Eigen::VectorXd a(2), b(2);
  a << 0.3, 0.7;
  b << 0.4, 0.6;
  Eigen::MatrixXd c(2, 2);
  c << 1.0, 0.5, 0.2, 1.0;
  // optimum: 0.3 from source 0 to sink 1 (0.5), 0.4 and 0.3 from source 1 (0.2, 1.0)
  EXPECT_NEAR(wgd::optimal_transport_cost(a, b, c), 0.3 * 0.5 + 0.4 * 0.2 + 0.3 * 1.0, 1e-15);
  // b is rescaled to a's mass first
  EXPECT_NEAR(wgd::optimal_transport_cost(a, 2.0 * b, c), 0.53, 1e-15);
  // zero-cost diagonal, equal weights: nothing to move
  Eigen::VectorXd w = Eigen::VectorXd::Constant(13, 1.0 / 13);
  Eigen::MatrixXd cost = Eigen::MatrixXd::Ones(13, 13);
  cost.diagonal().setZero();
  EXPECT_EQ(wgd::optimal_transport_cost(w, w, cost), 0.0);
}

}  // namespace
}  // namespace pmbench::test
