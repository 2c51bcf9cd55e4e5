// Every golden case, both precisions, every clip, hand and metric against the official outputs,
// within the spec's tolerances and with identical undefined status.
#include <gtest/gtest.h>

#include "golden_cases.hpp"

namespace pmbench::test {
namespace {

struct GoldenParam {
  std::string name;
  Precision precision;
};

void PrintTo(const GoldenParam& p, std::ostream* os) {
  *os << p.name << (p.precision == Precision::Float32 ? " float32" : " float64");
}

std::string param_name(const testing::TestParamInfo<GoldenParam>& info) {
  return info.param.name + (info.param.precision == Precision::Float32 ? "_float32" : "_float64");
}

std::vector<GoldenParam> all_params() {
  std::vector<GoldenParam> out;
  for (const auto& name : golden_case_names()) {
    out.push_back({name, Precision::Float32});
    out.push_back({name, Precision::Float64});
  }
  return out;
}

class GoldenCase : public testing::TestWithParam<GoldenParam> {};

template <class Scalar>
void check_case(const GoldenParam& param) {
  io::MotionFile file(golden_case_path(param.name));
  const io::GroupShape shape = file.group_shape(io::kPredGroup);
  std::vector<io::ClipMotion<Scalar>> pred, gt;
  file.read_clips<Scalar>(io::kPredGroup, 0, shape.clips, pred);
  file.read_clips<Scalar>(io::kGtGroup, 0, shape.clips, gt);
  const nlohmann::json expected = golden_expected(param.name, param.precision);
  ASSERT_EQ(expected["n_clips"].get<std::size_t>(), shape.clips);

  int compared = 0;
  for (int h = 0; h < io::kNumHands; ++h) {
    const auto hand = static_cast<io::Hand>(h);
    for (int m = 0; m < kNumHandMetrics; ++m) {
      const auto metric = static_cast<HandMetric>(m);
      const std::string metric_name(kHandMetricNames[m]);
      const nlohmann::json& official = expected["per_clip"][io::kHandNames[h]][metric_name];
      for (std::size_t c = 0; c < shape.clips; ++c) {
        const bool pose = metric_uses_pose(metric);
        const MatrixRM<Scalar>& g = pose ? gt[c][hand].pose : gt[c][hand].trans;
        const MatrixRM<Scalar>& p = pose ? pred[c][hand].pose : pred[c][hand].trans;
        const MetricResult ours = evaluate_hand_metric<Scalar>(metric, g, p);
        const std::string where =
            param.name + " " + io::kHandNames[h] + " " + metric_name + " clip " + std::to_string(c) +
            " official=" + official[c].dump() +
            " ours=" + (ours.defined() ? nlohmann::json(ours.value).dump() : ours.undefined_reason);
        if (official_is_undefined(official[c])) {
          EXPECT_FALSE(ours.defined()) << where;
        } else {
          ASSERT_TRUE(ours.defined()) << where;
          const double off = official[c].get<double>();
          EXPECT_NEAR(ours.value, off, golden_tolerance(metric, param.precision, off)) << where;
        }
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, static_cast<int>(shape.clips) * io::kNumHands * kNumHandMetrics);
}

TEST_P(GoldenCase, MatchesOfficialPerClip) {
  if (GetParam().precision == Precision::Float32) {
    check_case<float>(GetParam());
  } else {
    check_case<double>(GetParam());
  }
}

INSTANTIATE_TEST_SUITE_P(Official, GoldenCase, testing::ValuesIn(all_params()), param_name);

}  // namespace
}  // namespace pmbench::test
