// A make-gt file used the way the benchmark uses it: `pmbench score preds.h5 --gt gt.h5` pairs
// clips by /clip_id and refuses predictions made for another protocol or manifest.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "fixture.hpp"
#include "pmbench/dataset/make_gt.hpp"
#include "pmbench/io/motion_file.hpp"

namespace pmbench::dataset {
namespace {

struct CliRun {
  int code = -1;
  std::string out, err;
};

CliRun run_pmbench(const std::string& args, const std::string& dir) {
  const std::string cmd = std::string("\"") + PMBENCH_CLI_BINARY + "\" " + args + " > \"" + dir +
                          "/out.txt\" 2> \"" + dir + "/err.txt\"";
  CliRun r;
  const int status = std::system(cmd.c_str());
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto slurp = [](const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  r.out = slurp(dir + "/out.txt");
  r.err = slurp(dir + "/err.txt");
  return r;
}

/// Predictions equal to the ground truth, in reverse clip order, with the given identity.
void write_predictions(const std::string& gt_path, const std::string& path, const std::string& protocol,
                       const std::string& manifest_sha256) {
  io::MotionFile gt(gt_path);
  const io::GroupShape shape = gt.group_shape(io::kGtGroup);
  std::vector<io::ClipMotion<float>> clips;
  gt.read_clips(io::kGtGroup, 0, shape.clips, clips);
  std::vector<std::string> ids = gt.clip_ids();
  std::reverse(clips.begin(), clips.end());
  std::reverse(ids.begin(), ids.end());
  io::MotionFileWriter w(path, Precision::Float32);
  w.create_group(io::kPredGroup, shape);
  w.write_clips(io::kPredGroup, 0, clips);
  w.write_clip_ids(ids);
  w.set_root_attribute("protocol", protocol);
  w.set_root_attribute("manifest_sha256", manifest_sha256);
  w.commit();
}

TEST(ScoreIntegration, ClipsPairByIdAndForeignPredictionsAreRefused) {
  PMBENCH_REQUIRE_FIXTURE();
  if (std::string(PMBENCH_CLI_BINARY).empty()) GTEST_SKIP() << "pmbench binary not built";
  const std::string dir = testing::scratch_dir("score");
  MakeGtOptions o;
  o.data_root = testing::fixture_root();
  o.split = Split::Test;
  o.skip_invalid = true;
  o.out = dir + "/gt.h5";
  const MakeGtResult gt = make_gt(o);

  write_predictions(o.out, dir + "/pred.h5", gt.protocol_label, gt.manifest_sha256);
  const CliRun ok = run_pmbench("score " + dir + "/pred.h5 --gt " + o.out + " --format json -q", dir);
  ASSERT_EQ(ok.code, 0) << ok.err;
  const nlohmann::json report = nlohmann::json::parse(ok.out);
  EXPECT_EQ(report["clip_id"].size(), 5u);
  // Predictions equal to the ground truth once paired: zero position distance on every clip.
  EXPECT_EQ(report["mean"]["right"]["PD"].get<double>(), 0.0);
  EXPECT_EQ(report["mean"]["left"]["PD"].get<double>(), 0.0);

  write_predictions(o.out, dir + "/seed.h5", "pm10m-v1+seed=3", gt.manifest_sha256);
  const CliRun seed = run_pmbench("score " + dir + "/seed.h5 --gt " + o.out + " -q", dir);
  EXPECT_EQ(seed.code, 1);
  EXPECT_NE(seed.err.find("protocol 'pm10m-v1+seed=3'"), std::string::npos) << seed.err;

  write_predictions(o.out, dir + "/manifest.h5", gt.protocol_label, std::string(64, '0'));
  const CliRun manifest = run_pmbench("score " + dir + "/manifest.h5 --gt " + o.out + " -q", dir);
  EXPECT_EQ(manifest.code, 1);
  EXPECT_NE(manifest.err.find("manifest_sha256"), std::string::npos) << manifest.err;
}

}  // namespace
}  // namespace pmbench::dataset
