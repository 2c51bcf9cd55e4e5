// The AVX2 and baseline builds of the metric kernels give the same bits (kernel_isa.hpp): every
// stage output and metric value is compared between the two, on data that takes the kernels'
// different paths (random walks, periodic data, duplicated frames, constant columns, tiny and
// large scales, short and long clips). On a CPU without AVX2 both runs use the baseline and the
// comparison is skipped.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "motion_data.hpp"
#include "pmbench/metrics/kernel_isa.hpp"
#include "pmbench/metrics/per_hand.hpp"
#include "pmbench/metrics/wgd_stages.hpp"

namespace pmbench::test {
namespace {

struct Case {
  std::string name;
  MatrixRM<double> gt, pred;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  const int lengths[] = {240, 240, 240, 41, 100, 500, 20};
  int id = 0;
  for (int length : lengths) {
    for (int variant = 0; variant < 5; ++variant) {
      std::mt19937 rng(900 + id);
      const bool periodic = id % 2 == 1;
      const auto make = [&] {
        return periodic ? rounded_sinusoid(rng, length, 48) : random_walk(rng, length, 48);
      };
      Case c{"case" + std::to_string(id) + (periodic ? "-periodic" : "-walk") + "-T" +
                 std::to_string(length) + "-v" + std::to_string(variant),
             make(), make()};
      if (variant == 1) {
        for (int t = 0; t < length; t += 3) c.pred.row(t) = c.pred.row(t / 2);  // duplicated frames
      } else if (variant == 2) {
        c.gt.col(5).setConstant(0.25), c.pred.col(7).setConstant(-1.0);  // constant columns
      } else if (variant == 3) {
        c.gt *= 1e-4, c.pred *= 1e-4;
      } else if (variant == 4) {
        c.gt *= 1e3, c.pred *= 1e3;
      }
      out.push_back(std::move(c));
      ++id;
    }
  }
  // pred == gt: WGD is rounding noise, which must still be the same noise
  out.push_back({"identical", out[0].gt, out[0].gt});
  return out;
}

// Every double a case produces: stage outputs of both inputs and both metrics, in both precisions.
std::vector<double> outputs(const Case& c) {
  std::vector<double> values;
  auto add = [&](const auto& m) {
    for (Eigen::Index i = 0; i < m.size(); ++i) values.push_back(static_cast<double>(m.data()[i]));
  };
  for (const MatrixRM<double>* x : {&c.gt, &c.pred}) {
    try {
      const MatrixRM<double> projected = wgd::incremental_pca_projection<double>(*x);
      add(projected);
      NumpyRandomState rng(0);
      const std::vector<int> labels = wgd::kmeans_labels(projected, rng);
      for (int label : labels) values.push_back(label);
      const wgd::GaussianMixtureFit fit = wgd::fit_gaussian_mixture(projected);
      add(fit.weights), add(fit.means);
      values.push_back(fit.iterations);
      for (double bound : fit.lower_bounds) values.push_back(bound);
    } catch (const wgd::OfficialWouldRaise&) {
      values.push_back(-1.0);
    }
  }
  const MatrixRM<float> gt32 = c.gt.cast<float>(), pred32 = c.pred.cast<float>();
  for (auto metric : {HandMetric::FGD, HandMetric::WGD}) {
    for (const MetricResult& r : {evaluate_hand_metric<double>(metric, c.gt, c.pred),
                                  evaluate_hand_metric<float>(metric, gt32, pred32)}) {
      values.push_back(r.defined() ? r.value : -12345.0);
    }
  }
  return values;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

TEST(KernelIsa, NamesTheKernelsInUse) {
  const std::string automatic = kernel_isa();
  EXPECT_TRUE(automatic == "avx2" || automatic == "baseline") << automatic;
  force_baseline_kernels(true);
  EXPECT_STREQ(kernel_isa(), "baseline");
  force_baseline_kernels(false);
  EXPECT_EQ(kernel_isa(), automatic);
}

TEST(KernelIsa, Avx2AndBaselineKernelsGiveTheSameBits) {
  if (std::string(kernel_isa()) != "avx2") GTEST_SKIP() << "AVX2 kernels not built or CPU without AVX2";
  for (const Case& c : cases()) {
    force_baseline_kernels(true);
    const std::vector<double> baseline = outputs(c);
    force_baseline_kernels(false);
    const std::vector<double> avx2 = outputs(c);
    ASSERT_EQ(baseline.size(), avx2.size()) << c.name;
    int differing = 0;
    for (std::size_t i = 0; i < baseline.size(); ++i) {
      if (!same_bits(baseline[i], avx2[i]) && differing++ < 3) {
        ADD_FAILURE() << c.name << ": output " << i << " baseline " << baseline[i] << " avx2 " << avx2[i];
      }
    }
    EXPECT_EQ(differing, 0) << c.name;
  }
}

// FGD's AVX2 kernels (X^T X, the Hessenberg reduction, the QR sweep) on other pose widths than 48:
// every remainder of the vector widths and of Eigen's packets, sizes around the Hessenberg kernel's
// limit (128), and constant columns (zero rows in the covariance product: reflectors with tau = 0).
TEST(KernelIsa, FgdGivesTheSameBitsAtEveryWidth) {
  if (std::string(kernel_isa()) != "avx2") GTEST_SKIP() << "AVX2 kernels not built or CPU without AVX2";
  const int widths[] = {1,  2,  3,  4,  5,  6,  7,   8,   9,   11,  13, 16,
                        17, 23, 31, 33, 48, 64, 100, 127, 128, 129, 150};
  int seed = 0;
  for (int width : widths) {
    for (int variant = 0; variant < 3; ++variant) {
      std::mt19937 rng(700 + seed++);
      MatrixRM<double> gt = variant == 1 ? rounded_sinusoid(rng, 240, width) : random_walk(rng, 240, width);
      MatrixRM<double> pred = variant == 1 ? rounded_sinusoid(rng, 240, width) : random_walk(rng, 240, width);
      if (variant == 2) {
        for (int c = 0; c < width; c += 3) gt.col(c).setConstant(0.5);
      }
      const MatrixRM<float> gt32 = gt.cast<float>(), pred32 = pred.cast<float>();
      double values[2][2];
      for (bool baseline : {true, false}) {
        force_baseline_kernels(baseline);
        const MetricResult r64 = evaluate_hand_metric<double>(HandMetric::FGD, gt, pred);
        const MetricResult r32 = evaluate_hand_metric<float>(HandMetric::FGD, gt32, pred32);
        values[baseline][0] = r64.defined() ? r64.value : -12345.0;
        values[baseline][1] = r32.defined() ? r32.value : -12345.0;
      }
      force_baseline_kernels(false);
      for (int precision = 0; precision < 2; ++precision) {
        EXPECT_TRUE(same_bits(values[0][precision], values[1][precision]))
            << "width " << width << " variant " << variant << (precision ? " float32" : " float64")
            << ": baseline " << values[1][precision] << " avx2 " << values[0][precision];
      }
    }
  }
}

}  // namespace
}  // namespace pmbench::test
