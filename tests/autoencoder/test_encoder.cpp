// The motion auto-encoder against the official code: golden features from the official-format
// checkpoint (converted by scripts/convert_checkpoint.py at test time), FID through score_fid,
// and clear errors for bad checkpoints. Uses only the LibTorch-free public headers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "encode_util.hpp"
#include "h5_test_util.hpp"
#include "pmbench/autoencoder/encoder.hpp"
#include "pmbench/autoencoder/fid_scoring.hpp"
#include "pmbench/clip_source.hpp"
#include "pmbench/error.hpp"
#include "pmbench/metrics/feature_frechet.hpp"
#include "pmbench/sha256.hpp"
#include "synthetic_motion.hpp"

namespace pmbench::autoencoder {
namespace {

namespace fs = std::filesystem;
const std::string kData = PMBENCH_AE_TEST_DATA;
const std::string kCases = PMBENCH_GOLDEN_CASES;
const std::string kConverted = PMBENCH_AE_CONVERTED;  // written by the autoencoder_convert_checkpoint test
const std::string kTmp = PMBENCH_AE_TMP;

nlohmann::json expected_json() {
  std::ifstream in(kData + "/expected_autoencoder.json");
  if (!in) throw std::runtime_error("missing expected_autoencoder.json");
  return nlohmann::json::parse(in);
}

MatrixRM<float> to_matrix(const nlohmann::json& rows) {
  MatrixRM<float> m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.at(0).size()));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = 0; j < rows[i].size(); ++j)
      m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
  }
  return m;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// Golden: features of the official EmbeddingNet (PyTorch 1.13, eval mode) for the golden metric
// cases, shared/golden/autoencoder/expected_autoencoder.json. Tolerance: spec, rel 1e-5.
TEST(MotionEncoder, FeaturesMatchOfficialCode) {
  const nlohmann::json expected = expected_json();
  const MotionEncoder encoder(kConverted);
  EXPECT_EQ(encoder.info().pose_dim, 96);
  EXPECT_EQ(encoder.info().format, "pmbench weights (HDF5)");
  EXPECT_EQ(encoder.info().source_sha256, pmbench::sha256_file(kData + "/embeddingnet_random.bin"));
  ASSERT_GE(expected["cases"].size(), 4u);
  for (const auto& [name, sets] : expected["cases"].items()) {
    const io::MotionFile file(kCases + "/" + name + ".h5");
    for (const char* group : {"pred", "gt"}) {
      const FileClipSource source(file, group);
      const MatrixRM<float> features = test::encode_first_windows(encoder, source);
      const MatrixRM<float> want = to_matrix(sets[std::string(group) + "_features"]);
      ASSERT_EQ(features.rows(), want.rows()) << name << "/" << group;
      ASSERT_EQ(features.cols(), 256);
      // Relative 1e-5 on each feature vector's scale (max |feature|): single features near 0 carry
      // the float32 rounding of the whole layer (~1e-7 of the vector's scale), not of themselves.
      const double scale = want.cwiseAbs().maxCoeff();
      const double err = (features - want).cwiseAbs().maxCoeff();
      EXPECT_LE(err, 1e-5 * scale) << name << "/" << group << ": max |diff| " << err << " at scale " << scale;
      std::cout << "[ golden   ] " << name << "/" << group << ": max |diff| / scale = " << err / scale
                << "\n";
    }
  }
}

TEST(MotionEncoder, BatchCompositionDoesNotChangeFeatures) {
  const MotionEncoder encoder(kConverted);
  const test::SyntheticMotion motion(6, 240, 21);
  const auto source = motion.source("synthetic");
  const MatrixRM<float> all = test::encode_first_windows(encoder, *source);
  std::vector<io::ClipMotion<float>> clips;
  source->read(4, 1, clips);
  MatrixRM<float> one(1, static_cast<Eigen::Index>(kWindowSize));
  pack_window(clips[0], 0, one.data());
  const MatrixRM<float> single = encoder.encode(one);
  EXPECT_LT((single.row(0) - all.row(4)).cwiseAbs().maxCoeff(), 1e-5f * all.row(4).cwiseAbs().maxCoeff());
}

TEST(ScoreFid, MatchesFrechetOfOfficialFeatures) {
  const nlohmann::json expected = expected_json()["cases"]["a_random_walk"];
  const io::MotionFile file(kCases + "/a_random_walk.h5");
  const FileClipSource pred(file, "pred"), gt(file, "gt");
  FidScoringOptions options;
  options.encoder_path = kConverted;
  options.batch_size = 3;  // several blocks
  std::size_t last_done = 0, calls = 0;
  options.progress = [&](std::size_t done, std::size_t total) {
    EXPECT_EQ(total, 4u);
    EXPECT_GT(done, last_done);
    last_done = done;
    ++calls;
  };
  const nlohmann::json report = score_fid(pred, gt, options);

  const MatrixRM<float> want_pred = to_matrix(expected["pred_features"]);
  const MatrixRM<float> want_gt = to_matrix(expected["gt_features"]);
  const double want_fid = frechet_distance(feature_statistics(want_pred), feature_statistics(want_gt)).value;
  const double want_fdist = mean_paired_l1_distance(want_pred, want_gt);
  EXPECT_NEAR(report[kKeyFid].get<double>(), want_fid, 1e-4 * std::abs(want_fid));
  EXPECT_NEAR(report[kKeyFeatureDistance].get<double>(), want_fdist, 1e-5 * want_fdist);
  EXPECT_EQ(last_done, 4u);
  EXPECT_EQ(calls, 2u);

  EXPECT_EQ(report["encoder"]["sha256"], pmbench::sha256_file(kConverted));
  EXPECT_EQ(report["encoder"]["pose_dim"], 96);
  EXPECT_EQ(report["encoder"]["frames"], 240);
  EXPECT_EQ(report["fid_conditioning"]["n_clips"], 4);
  EXPECT_EQ(report["fid_conditioning"]["n_windows"], 4);
  EXPECT_EQ(report["fid_conditioning"]["feature_dim"], 256);
  EXPECT_TRUE(report["fid_conditioning"]["min_eigenvalue"].contains("pred"));
  ASSERT_EQ(report["warnings"].size(), 1u) << report["warnings"].dump();
  EXPECT_EQ(
      report["warnings"][0],
      "FID over 4 clips <= 256 feature dimensions: covariance rank-deficient, not comparable to published "
      "numbers");
}

TEST(ScoreFid, IdenticalSetsGiveZeroDistance) {
  const io::MotionFile file(kCases + "/b_identical.h5");
  const FileClipSource pred(file, "pred"), gt(file, "gt");
  FidScoringOptions options;
  options.encoder_path = kConverted;
  const nlohmann::json report = score_fid(pred, gt, options);
  EXPECT_NEAR(report[kKeyFid].get<double>(), 0.0, 1e-4);
  EXPECT_DOUBLE_EQ(report[kKeyFeatureDistance].get<double>(), 0.0);
}

TEST(ScoreFid, ConsecutiveWindowsEqualSplitClips) {
  // 4 clips of 480 frames cut into 2 windows each = the 8 clips of 240 frames they were made of.
  const test::SyntheticMotion pred240(8, 240, 31), gt240(8, 240, 32);
  const test::SyntheticMotion pred480 = pred240.concatenated(2), gt480 = gt240.concatenated(2);
  FidScoringOptions options;
  options.encoder_path = kConverted;
  const nlohmann::json split = score_fid(*pred240.source("p240"), *gt240.source("g240"), options);
  options.fid_window = "consecutive";
  const nlohmann::json windows = score_fid(*pred480.source("p480"), *gt480.source("g480"), options);
  EXPECT_EQ(windows["fid_conditioning"]["n_clips"], 4);
  EXPECT_EQ(windows["fid_conditioning"]["n_windows"], 8);
  EXPECT_NEAR(windows[kKeyFid].get<double>(), split[kKeyFid].get<double>(),
              1e-9 * split[kKeyFid].get<double>());
  EXPECT_NEAR(windows[kKeyFeatureDistance].get<double>(), split[kKeyFeatureDistance].get<double>(), 1e-9);

  options.fid_window = "";
  const std::string msg =
      error_of([&] { score_fid(*pred480.source("p480"), *gt480.source("g480"), options); });
  EXPECT_EQ(msg,
            "p480: clips have 480 frames; the encoder needs exactly 240 per window; cut longer clips into "
            "consecutive windows (score: --fid-window consecutive, train-encoder: --window consecutive)");
  options.fid_window = "sliding";
  EXPECT_NE(error_of([&] {
              score_fid(*pred480.source("p480"), *gt480.source("g480"), options);
            }).find("unknown FID window mode 'sliding'"),
            std::string::npos);
}

TEST(ScoreFid, NonFinitePosesNameTheClip) {
  test::SyntheticMotion pred(3, 240, 41);
  const test::SyntheticMotion gt(3, 240, 42);
  pred.pose[1][(2 * 240 + 7) * 48 + 5] = std::nanf("");
  FidScoringOptions options;
  options.encoder_path = kConverted;
  EXPECT_EQ(error_of([&] { score_fid(*pred.source("preds.h5:/pred"), *gt.source("gt"), options); }),
            "preds.h5:/pred: clip 2 window 0: encoder features are not finite (NaN/Inf in the poses?)");
}

class BadCheckpoint : public ::testing::Test {
 protected:
  std::string copy(const std::string& name) {
    const std::string path = kTmp + "/" + name;
    fs::copy_file(kConverted, path, fs::copy_options::overwrite_existing);
    return path;
  }
};

TEST_F(BadCheckpoint, MissingKey) {
  const std::string path = copy("missing_key.h5");
  test::H5Edit(path).remove("pose_encoder.fc_mu.weight");
  EXPECT_EQ(error_of([&] { MotionEncoder{path}; }),
            path + ": missing key 'pose_encoder.fc_mu.weight' (expected shape [256,256])");
}

TEST_F(BadCheckpoint, WrongShape) {
  const std::string path = copy("wrong_shape.h5");
  {
    test::H5Edit edit(path);
    edit.remove("pose_encoder.out_net.0.weight");
    edit.add_zeros("pose_encoder.out_net.0.weight", {512, 100});
  }
  EXPECT_EQ(error_of([&] { MotionEncoder{path}; }),
            path + ": key 'pose_encoder.out_net.0.weight' has shape [512,100], expected [512,3680]");
}

TEST_F(BadCheckpoint, UnknownKey) {
  const std::string path = copy("unknown_key.h5");
  test::H5Edit(path).add_zeros("pose_encoder.extra.weight", {3});
  EXPECT_EQ(error_of([&] { MotionEncoder{path}; }),
            path + ": unknown key 'pose_encoder.extra.weight' (not a parameter or buffer of EmbeddingNet)");
}

TEST_F(BadCheckpoint, NotACheckpoint) {
  const std::string text = kTmp + "/not_a_checkpoint.bin";
  std::ofstream(text) << "hello\n";
  EXPECT_EQ(error_of([&] { MotionEncoder{text}; }),
            text + ": not an encoder checkpoint (neither a torch.save zip nor a pmbench HDF5 weights file)");
  const std::string other_h5 = kData + "/frechet_features.h5";
  EXPECT_NE(error_of([&] { MotionEncoder{other_h5}; }).find("not a pmbench weights file"), std::string::npos);
  try {
    MotionEncoder missing(kTmp + "/does_not_exist.h5");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Io);
    EXPECT_EQ(std::string(e.what()), kTmp + "/does_not_exist.h5: cannot open encoder weights");
  }
}

TEST_F(BadCheckpoint, OfficialPickleNeedsConversion) {
  // LibTorch 1.13 cannot unpickle the official OrderedDict state dict; the message says what to do.
  const std::string official = kData + "/embeddingnet_random.bin";
  const std::string msg = error_of([&] { MotionEncoder{official}; });
  EXPECT_NE(msg.find(official + ": LibTorch"), std::string::npos) << msg;
  EXPECT_NE(msg.find("scripts/convert_checkpoint.py"), std::string::npos) << msg;
}

TEST(MotionEncoderDevice, CudaOrUnknownDeviceIsClear) {
  EXPECT_EQ(error_of([&] { MotionEncoder(kConverted, "tpu"); }),
            "unknown device 'tpu' (expected cpu or cuda)");
  const std::string cuda = error_of([&] { MotionEncoder(kConverted, "cuda"); });
  if (cuda != "(no error)") {
    EXPECT_TRUE(cuda == "device cuda: this build of LibTorch has no CUDA support" ||
                cuda == "device cuda: no CUDA device is available")
        << cuda;
  }
}

}  // namespace
}  // namespace pmbench::autoencoder
