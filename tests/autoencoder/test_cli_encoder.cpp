// `pmbench train-encoder` end to end through the built binary: train on a format-v1 file, then
// `pmbench score --encoder` reports FID with the trained weights; errors exit 1 with one line.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "pmbench/io/motion_file.hpp"
#include "synthetic_motion.hpp"

namespace pmbench {
namespace {

const std::string kPmbench = PMBENCH_CLI_BINARY;
const std::string kTmp = PMBENCH_AE_TMP;

struct CommandRun {
  int status = -1;
  std::string out, err;
};

CommandRun run(const std::string& args) {
  // One stderr file per process and call: ctest runs the cases of this file in parallel.
  static int calls = 0;
  const std::string err_path =
      kTmp + "/cli_stderr." + std::to_string(::getpid()) + "." + std::to_string(++calls) + ".txt";
  const std::string command = kPmbench + " " + args + " 2>" + err_path;
  CommandRun r;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_path);
  std::stringstream ss;
  ss << err.rdbuf();
  r.err = ss.str();
  return r;
}

/// A format-v1 file with /pred and /gt of synthetic motion.
std::string write_example(const std::string& name, std::size_t clips) {
  const std::string path = kTmp + "/" + name;
  io::MotionFileWriter writer(path, Precision::Float32);
  for (const char* group : {"pred", "gt"}) {
    const test::SyntheticMotion motion(clips, 240, group[0] == 'p' ? 91 : 92);
    std::vector<io::ClipMotion<float>> out;
    motion.source(group)->read(0, clips, out);
    writer.create_group(group, io::GroupShape{clips, 240});
    writer.write_clips(group, 0, out);
  }
  writer.commit();
  return path;
}

TEST(CliTrainEncoder, TrainsAndTheWeightsScore) {
  const std::string data = write_example("cli_example.h5", 8);
  const std::string weights = kTmp + "/cli_encoder.h5";
  const CommandRun train = run("train-encoder --data " + data + " --out " + weights +
                               " --epochs 2 --batch-size 4 --seed 3 --quiet");
  ASSERT_EQ(train.status, 0) << train.err;
  EXPECT_EQ(train.err, "") << "--quiet prints nothing on stderr";
  const nlohmann::json summary = nlohmann::json::parse(train.out);
  EXPECT_EQ(summary["windows"], 8);
  EXPECT_EQ(summary["epoch_loss"].size(), 2u);
  EXPECT_EQ(summary["encoder"]["sha256"].get<std::string>().size(), 64u);

  const CommandRun score = run("score " + data + " --encoder " + weights + " --format json --quiet");
  ASSERT_EQ(score.status, 0) << score.err;
  const nlohmann::json report = nlohmann::json::parse(score.out);
  EXPECT_TRUE(report["FID"].is_number()) << score.out.substr(0, 400);
  EXPECT_EQ(report["encoder"]["sha256"], summary["encoder"]["sha256"]);
}

TEST(CliTrainEncoder, ErrorsAreOneLine) {
  const CommandRun missing =
      run("train-encoder --data " + kTmp + "/no_such.h5 --out " + kTmp + "/x.h5 --quiet");
  EXPECT_EQ(missing.status, 1);
  EXPECT_EQ(missing.err.rfind("pmbench: error: ", 0), 0u) << missing.err;
  EXPECT_EQ(std::count(missing.err.begin(), missing.err.end(), '\n'), 1) << missing.err;
  const std::string data = write_example("cli_nogroup.h5", 2);
  const CommandRun group =
      run("train-encoder --data " + data + " --group test --out " + kTmp + "/x.h5 --quiet");
  EXPECT_EQ(group.status, 1);
  EXPECT_EQ(group.err, "pmbench: error: '" + data + "': group /test is missing\n");
  const CommandRun usage = run("train-encoder --data " + data + " --out " + kTmp + "/x.h5 --batch-size 1");
  EXPECT_GE(usage.status, 2) << usage.err;  // CLI11 range check: a usage error, not a failure
  EXPECT_NE(usage.err.find("--batch-size: Value 1 not in range 2"), std::string::npos) << usage.err;
}

}  // namespace
}  // namespace pmbench
