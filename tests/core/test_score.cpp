// Scoring properties: identity, thread and block independence, means, clip matching.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../metrics/golden_cases.hpp"
#include "h5_builder.hpp"
#include "pmbench/error.hpp"
#include "pmbench/report.hpp"
#include "pmbench/score.hpp"

namespace pmbench::test {
namespace {

using testing::HasSubstr;

ScoreReport score_file(const std::string& path, Precision precision, unsigned threads,
                       std::size_t block = 128) {
  io::MotionFile file(path);
  FileClipSource pred(file, io::kPredGroup), gt(file, io::kGtGroup);
  ScoreOptions options;
  options.precision = precision;
  options.threads = threads;
  options.block_clips = block;
  return score(pred, gt, options);
}

TEST(Score, PredictionEqualToGroundTruthScoresZero) {
  const std::string path = golden_case_path("a_random_walk");
  io::MotionFile file(path);
  FileClipSource gt(file, io::kGtGroup);
  for (Precision precision : {Precision::Float32, Precision::Float64}) {
    ScoreOptions options;
    options.precision = precision;
    const ScoreReport r = score(gt, gt, options);
    for (int h = 0; h < io::kNumHands; ++h) {
      for (std::size_t c = 0; c < r.n_clips; ++c) {
        EXPECT_EQ(r.per_clip[h][static_cast<int>(HandMetric::PD)][c].value, 0.0);
        EXPECT_EQ(r.per_clip[h][static_cast<int>(HandMetric::Smooth)][c].value, 0.0);
        // FGD of a set to itself: 0 up to the rounding of the eigenvalue problem
        const double fgd = r.per_clip[h][static_cast<int>(HandMetric::FGD)][c].value;
        EXPECT_NEAR(fgd, 0.0, precision == Precision::Float64 ? 1e-9 : 5e-2);
        // identical mixtures: only the rounding noise of the expanded distance formula remains
        EXPECT_NEAR(r.per_clip[h][static_cast<int>(HandMetric::WGD)][c].value, 0.0, 1e-8);
      }
    }
  }
}

TEST(Score, BitIdenticalForAnyThreadCountAndBlockSize) {
  for (const char* name : {"a_random_walk", "f_nan", "h_periodic_rounded"}) {
    const std::string reference = score_file(golden_case_path(name), Precision::Float32, 1).to_json().dump();
    EXPECT_EQ(score_file(golden_case_path(name), Precision::Float32, 2).to_json().dump(), reference) << name;
    EXPECT_EQ(score_file(golden_case_path(name), Precision::Float32, 5, 1).to_json().dump(), reference)
        << name;
    EXPECT_EQ(score_file(golden_case_path(name), Precision::Float32, 3, 2).to_json().dump(), reference)
        << name;
  }
}

TEST(Score, MeansMatchTheOfficialMeans) {
  for (Precision precision : {Precision::Float32, Precision::Float64}) {
    for (const char* name : {"a_random_walk", "g_long_T900", "e_short_T12", "f_nan"}) {
      const ScoreReport r = score_file(golden_case_path(name), precision, 2);
      const nlohmann::json expected = golden_expected(name, precision);
      for (int h = 0; h < io::kNumHands; ++h) {
        for (int m = 0; m < kNumHandMetrics; ++m) {
          const auto& official = expected["mean"][io::kHandNames[h]][std::string(kHandMetricNames[m])];
          const auto ours = r.mean(static_cast<io::Hand>(h), static_cast<HandMetric>(m));
          if (official.is_string()) {
            EXPECT_FALSE(ours.has_value()) << name << " " << kHandMetricNames[m];
          } else {
            ASSERT_TRUE(ours.has_value()) << name << " " << kHandMetricNames[m];
            EXPECT_NEAR(*ours, official.get<double>(),
                        golden_tolerance(static_cast<HandMetric>(m), precision, official.get<double>()))
                << name << " " << io::kHandNames[h] << " " << kHandMetricNames[m];
          }
        }
      }
    }
  }
}

TEST(Score, UndefinedClipsAreListedWithReasonsAndMeanOverDefinedIsLabelled) {
  const ScoreReport r = score_file(golden_case_path("f_nan"), Precision::Float32, 2);
  const nlohmann::json j = r.to_json();
  EXPECT_TRUE(j["mean"]["right"]["FGD"].is_null());
  EXPECT_TRUE(j["per_clip"]["right"]["FGD"][0].is_null());
  EXPECT_FALSE(j["per_clip"]["right"]["FGD"][1].is_null());
  EXPECT_EQ(j["mean_over_defined"]["right"]["FGD"]["clips"], 2);
  const double m =
      (j["per_clip"]["right"]["FGD"][1].get<double>() + j["per_clip"]["right"]["FGD"][2].get<double>()) / 2;
  EXPECT_NEAR(j["mean_over_defined"]["right"]["FGD"]["value"].get<double>(), m, 1e-12);
  ASSERT_EQ(j["undefined"].size(), 4u);  // right FGD, WGD, Smooth of clip 0; left PD of clip 1
  for (const auto& u : j["undefined"]) {
    EXPECT_FALSE(u["reason"].get<std::string>().empty());
    EXPECT_TRUE(u.contains("clip") && u.contains("hand") && u.contains("metric"));
  }
  EXPECT_EQ(j["undefined"][0]["clip"], 0);
  EXPECT_EQ(j["undefined"][0]["hand"], "right");
  EXPECT_EQ(j["undefined"][0]["metric"], "FGD");
}

TEST(Score, JsonCarriesProvenance) {
  const nlohmann::json j = score_file(golden_case_path("e_short_T13"), Precision::Float64, 1).to_json();
  for (const char* key :
       {"pmbench_version", "spec", "precision", "n_clips", "frames", "mean", "per_clip", "undefined"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["spec"], "pm10m-official");
  EXPECT_EQ(j["precision"], "float64");
  EXPECT_EQ(j["n_clips"], 2);
  EXPECT_EQ(j["frames"], 13);
}

TEST(Score, ArraySourceWithAnyStridesEqualsFileSource) {
  const std::string path = golden_case_path("e_short_T13");
  io::MotionFile file(path);
  std::vector<io::ClipMotion<double>> pred, gt;
  file.read_clips<double>("pred", 0, 2, pred);
  file.read_clips<double>("gt", 0, 2, gt);
  // [C,T,D] arrays laid out column-major (Fortran order): strides (1, C, C*T)
  auto fortran = [](const std::vector<io::ClipMotion<double>>& clips, int hand, bool pose) {
    const auto C = clips.size();
    const auto T = static_cast<std::size_t>(clips[0].hands[hand].pose.rows());
    const std::size_t D = pose ? 48 : 3;
    std::vector<double> data(C * T * D);
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t t = 0; t < T; ++t)
        for (std::size_t d = 0; d < D; ++d)
          data[c + C * t + C * T * d] = (pose ? clips[c].hands[hand].pose : clips[c].hands[hand].trans)(t, d);
    return data;
  };
  std::vector<std::vector<double>> keep;
  auto view = [&](const std::vector<io::ClipMotion<double>>& clips, int hand, bool pose) {
    keep.push_back(fortran(clips, hand, pose));
    const std::size_t C = clips.size(), T = 13, D = pose ? 48 : 3;
    ArrayView3<double> v;
    v.data = keep.back().data();
    v.shape[0] = C, v.shape[1] = T, v.shape[2] = D;
    v.strides[0] = 1, v.strides[1] = static_cast<std::ptrdiff_t>(C),
    v.strides[2] = static_cast<std::ptrdiff_t>(C * T);
    return v;
  };
  keep.reserve(8);
  ArrayClipSource<double> pred_src("pred arrays", view(pred, 0, true), view(pred, 1, true),
                                   view(pred, 0, false), view(pred, 1, false));
  ArrayClipSource<double> gt_src("gt arrays", view(gt, 0, true), view(gt, 1, true), view(gt, 0, false),
                                 view(gt, 1, false));
  ScoreOptions options;
  options.precision = Precision::Float64;
  const auto from_arrays = score(pred_src, gt_src, options).to_json();
  const auto from_file = score_file(path, Precision::Float64, 1).to_json();
  EXPECT_EQ(from_arrays["per_clip"].dump(), from_file["per_clip"].dump());
}

TEST(Score, MismatchedSetsAreRejected) {
  TempDir dir;
  const std::string a = dir.file("a.h5"), b = dir.file("b.h5");
  H5Builder(a).group("pred", 3, 20);
  H5Builder(b).group("gt", 2, 20);
  io::MotionFile fa(a), fb(b);
  FileClipSource pred(fa, "pred"), gt(fb, "gt");
  try {
    score(pred, gt, {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("has 3 clips but the ground truth"));
  }
}

TEST(MatchClipIds, ReordersAndNamesProblems) {
  EXPECT_EQ(match_clip_ids({"b", "c", "a"}, {"a", "b", "c"}, "P", "G"), (std::vector<std::size_t>{1, 2, 0}));
  auto message = [](const std::vector<std::string>& p, const std::vector<std::string>& g) {
    try {
      match_clip_ids(p, g, "'p.h5'", "'g.h5'");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_THAT(message({"a", "x"}, {"a", "b"}), HasSubstr("ids not in the ground truth 'g.h5': 'x'"));
  EXPECT_THAT(message({"a"}, {"a", "b"}), HasSubstr("no predictions for ground-truth clips 'b'"));
  EXPECT_THAT(message({"a", "a"}, {"a", "b"}), HasSubstr("'p.h5' dataset /clip_id: duplicate ids 'a'"));
  EXPECT_THAT(message({"a", "b"}, {"b", "b"}), HasSubstr("'g.h5' dataset /clip_id: duplicate ids 'b'"));
}

TEST(Report, FormatsCarrySpecAndPrecision) {
  const ScoreReport r = score_file(golden_case_path("a_random_walk"), Precision::Float32, 2);
  for (ReportFormat f :
       {ReportFormat::Table, ReportFormat::Markdown, ReportFormat::Csv, ReportFormat::Json}) {
    const std::string out = render_report(r, f);
    EXPECT_THAT(out, HasSubstr("pm10m-official"));
    EXPECT_THAT(out, HasSubstr("float32"));
  }
  const std::string csv = render_report(r, ReportFormat::Csv);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 4 * 2 + 2);  // header, clips x hands, two means
  EXPECT_THAT(csv, HasSubstr("pm10m-official,float32,mean,,right,"));
  EXPECT_THROW(parse_report_format("xml"), Error);
}

}  // namespace
}  // namespace pmbench::test
