// The pmbench executable end to end: reports on stdout only, errors on stderr with exit 1 and
// no output file, clip matching across files, thread independence.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../core/h5_builder.hpp"
#include "../metrics/golden_cases.hpp"

namespace pmbench::test {
namespace {

using testing::HasSubstr;

struct CliRun {
  int code = -1;
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

CliRun pmbench(const std::string& args, const std::string& environment = "") {
  TempDir dir;
  const std::string out = dir.file("stdout"), err = dir.file("stderr");
  const std::string cmd =
      environment + " " + std::string(PMBENCH_CLI) + " " + args + " >" + out + " 2>" + err + " </dev/null";
  const int status = std::system(cmd.c_str());
  CliRun r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

TEST(Cli, ScoresToJsonOnStdoutWhenNotATerminal) {
  const CliRun r = pmbench("score " + golden_case_path("a_random_walk"));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);  // stdout holds the report and nothing else
  EXPECT_EQ(j["spec"], "pm10m-official");
  EXPECT_EQ(j["precision"], "float32");
  const auto official = golden_expected("a_random_walk", Precision::Float32);
  EXPECT_NEAR(j["mean"]["left"]["WGD"].get<double>(), official["mean"]["left"]["WGD"].get<double>(), 1e-5);
  EXPECT_EQ(r.err, "") << "no progress bar or notes when stderr is not a terminal";
}

TEST(Cli, Float64AndFormats) {
  const CliRun json =
      pmbench("score " + golden_case_path("e_short_T13") + " --precision float64 --format json");
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_EQ(nlohmann::json::parse(json.out)["precision"], "float64");
  const CliRun csv = pmbench("score " + golden_case_path("e_short_T13") + " --format csv");
  EXPECT_THAT(csv.out, HasSubstr("spec,precision,clip,clip_id,hand,FGD,WGD,PD,Smooth\n"));
  const CliRun md = pmbench("score " + golden_case_path("e_short_T13") + " --format markdown");
  EXPECT_THAT(md.out, HasSubstr("| hand | FGD | WGD | PD | Smooth |"));
  const CliRun table = pmbench("score " + golden_case_path("e_short_T13") + " --format table");
  EXPECT_THAT(table.out, HasSubstr("precision float32"));
}

TEST(Cli, ThreadCountDoesNotChangeResults) {
  const CliRun one = pmbench("score " + golden_case_path("h_periodic_rounded") + " --threads 1");
  const CliRun two = pmbench("score " + golden_case_path("h_periodic_rounded") + " --threads 2");
  ASSERT_EQ(one.code, 0);
  EXPECT_EQ(one.out, two.out);
}

TEST(Cli, UndefinedValuesAreNullAndNamed) {
  const CliRun r = pmbench("score " + golden_case_path("f_nan") + " --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["mean"]["right"]["FGD"].is_null());
  EXPECT_EQ(j["undefined"].size(), 4u);
  EXPECT_THAT(r.err, HasSubstr("4 clip values are undefined"));
  EXPECT_EQ(pmbench("score " + golden_case_path("f_nan") + " --format json --quiet").err, "");
}

TEST(Cli, OutputFileIsWrittenAtomically) {
  TempDir dir;
  const std::string target = dir.file("report.json");
  const CliRun r = pmbench("score " + golden_case_path("e_short_T12") + " -o " + target);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(nlohmann::json::parse(slurp(target))["n_clips"], 2);
  EXPECT_THAT(r.err, HasSubstr("wrote " + target));
}

TEST(Cli, BadInputFailsWithOneLineAndNoOutputFile) {
  TempDir dir;
  const std::string target = dir.file("report.json");
  const std::string nogt = dir.file("nogt.h5");
  H5Builder(nogt).group("pred", 2, 30);
  const std::string ints = dir.file("ints.h5");
  H5Builder(ints).ints("/pred/right_pose", {2, 30, 48});
  const std::string text = dir.file("notes.txt");
  std::ofstream(text) << "hello";
  const std::pair<std::string, std::string> cases[] = {
      {dir.file("missing.h5"), "no such file"},
      {text, "not an HDF5 file"},
      {nogt, "group /gt is missing (pass --gt FILE"},
      {ints, "/pred/right_pose: expected float32 or float64 values, got integers"},
  };
  for (const auto& [input, problem] : cases) {
    const CliRun r = pmbench("score " + input + " -o " + target);
    EXPECT_EQ(r.code, 1) << input;
    EXPECT_THAT(r.err, HasSubstr("pmbench: error: ")) << input;
    EXPECT_THAT(r.err, HasSubstr(problem)) << input;
    EXPECT_THAT(r.err, HasSubstr(input)) << "the message names the file";
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_TRUE(std::filesystem::is_empty(dir.path()) || !std::filesystem::exists(target)) << input;
    EXPECT_FALSE(std::filesystem::exists(target));
  }
}

// The AVX2 and baseline metric kernels give the same report, value for value.
TEST(Cli, KernelChoiceDoesNotChangeTheReport) {
  const std::string args = "score " + golden_case_path("a_random_walk") + " --format json";
  const CliRun automatic = pmbench(args), baseline = pmbench(args, "PMBENCH_KERNELS=baseline");
  ASSERT_EQ(automatic.code, 0) << automatic.err;
  ASSERT_EQ(baseline.code, 0) << baseline.err;
  const auto a = nlohmann::json::parse(automatic.out), b = nlohmann::json::parse(baseline.out);
  EXPECT_EQ(a["per_clip"], b["per_clip"]);
  EXPECT_EQ(a["mean"], b["mean"]);
  EXPECT_THAT(pmbench("--version").out, HasSubstr("(metric kernels: "));
  EXPECT_THAT(pmbench("--version", "PMBENCH_KERNELS=baseline").out, HasSubstr("(metric kernels: baseline)"));
}

TEST(Cli, UsageErrorsExitNonZero) {
  EXPECT_EQ(pmbench("score " + golden_case_path("e_short_T12") + " --format xml").code, 2);
  EXPECT_EQ(pmbench("score").code, 2);
  EXPECT_EQ(pmbench("").code, 2);
  EXPECT_EQ(pmbench("score --threads many x.h5").code, 2);
  const CliRun help = pmbench("score --help");
  EXPECT_EQ(help.code, 0);
  EXPECT_THAT(help.out, HasSubstr("--precision"));
}

// Predictions and ground truth in two files, clips in different orders, matched by clip_id.
class CliSeparateGt : public testing::Test {
 protected:
  void SetUp() override {
    io::MotionFile golden(golden_case_path("a_random_walk"));
    std::vector<io::ClipMotion<float>> pred, gt;
    golden.read_clips<float>("pred", 0, 4, pred);
    golden.read_clips<float>("gt", 0, 4, gt);
    io::MotionFileWriter g(gt_path, Precision::Float32);
    g.create_group("gt", {4, 240});
    g.write_clips("gt", 0, gt);
    g.write_clip_ids({"c0", "c1", "c2", "c3"});
    g.set_root_attribute("protocol", "pm10m-v1");
    g.commit();
    const std::vector<int> order = {2, 0, 3, 1};
    std::vector<io::ClipMotion<float>> shuffled;
    std::vector<std::string> ids;
    for (int i : order) shuffled.push_back(pred[i]), ids.push_back("c" + std::to_string(i));
    io::MotionFileWriter p(pred_path, Precision::Float32);
    p.create_group("pred", {4, 240});
    p.write_clips("pred", 0, shuffled);
    p.write_clip_ids(ids);
    p.commit();
  }
  TempDir dir;
  std::string gt_path = dir.file("gt.h5"), pred_path = dir.file("pred.h5");
};

TEST_F(CliSeparateGt, MatchesClipsById) {
  const CliRun separate = pmbench("score " + pred_path + " --gt " + gt_path);
  ASSERT_EQ(separate.code, 0) << separate.err;
  const CliRun together = pmbench("score " + golden_case_path("a_random_walk"));
  const auto s = nlohmann::json::parse(separate.out), t = nlohmann::json::parse(together.out);
  const int order[] = {2, 0, 3, 1};  // pred row i holds clip order[i]
  for (const char* hand : {"right", "left"}) {
    for (const char* metric : {"FGD", "WGD", "PD", "Smooth"}) {
      for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(s["per_clip"][hand][metric][i], t["per_clip"][hand][metric][order[i]])
            << hand << metric << i;
      }
      // the same values summed in another order
      EXPECT_NEAR(s["mean"][hand][metric].get<double>(), t["mean"][hand][metric].get<double>(), 1e-12);
    }
  }
  EXPECT_EQ(s["clip_id"][0], "c2");
}

TEST_F(CliSeparateGt, RefusesAnotherProtocol) {
  io::MotionFile golden(golden_case_path("e_short_T12"));
  const std::string other = dir.file("other.h5");
  std::vector<io::ClipMotion<float>> clips;
  golden.read_clips<float>("pred", 0, 2, clips);
  io::MotionFileWriter w(other, Precision::Float32);
  w.create_group("pred", {2, 12});
  w.write_clips("pred", 0, clips);
  w.set_root_attribute("protocol", "pm10m-all-windows");
  w.commit();
  const CliRun r = pmbench("score " + other + " --gt " + gt_path);
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("was made for protocol 'pm10m-all-windows' but the ground truth"));
}

TEST_F(CliSeparateGt, MissingIdsAreNamed) {
  io::MotionFile golden(golden_case_path("a_random_walk"));
  std::vector<io::ClipMotion<float>> clips;
  golden.read_clips<float>("pred", 0, 2, clips);
  const std::string partial = dir.file("partial.h5");
  io::MotionFileWriter w(partial, Precision::Float32);
  w.create_group("pred", {2, 240});
  w.write_clips("pred", 0, clips);
  w.write_clip_ids({"c0", "zz"});
  w.commit();
  const CliRun r = pmbench("score " + partial + " --gt " + gt_path);
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("ids not in the ground truth"));
  EXPECT_THAT(r.err, HasSubstr("'zz'"));
}

}  // namespace
}  // namespace pmbench::test
