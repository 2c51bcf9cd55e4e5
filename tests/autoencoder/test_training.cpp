// Training the auto-encoder: the reconstruction loss falls, runs are reproducible from a seed,
// resuming from a checkpoint continues the same run, and the result loads for scoring.
#include <gtest/gtest.h>

#include "encode_util.hpp"
#include "pmbench/autoencoder/encoder.hpp"
#include "pmbench/autoencoder/fid_scoring.hpp"
#include "pmbench/autoencoder/training.hpp"
#include "pmbench/error.hpp"
#include "synthetic_motion.hpp"

namespace pmbench::autoencoder {
namespace {

const std::string kTmp = PMBENCH_AE_TMP;

TrainOptions small_run(int epochs) {
  TrainOptions options;
  options.epochs = epochs;
  options.batch_size = 8;
  options.learning_rate = 2e-3;
  options.seed = 7;
  return options;
}

TEST(TrainEncoder, ReconstructionLossFalls) {
  const test::SyntheticMotion data(16, 240, 51);
  const auto source = data.source("synthetic");
  std::size_t steps_seen = 0;
  TrainOptions options = small_run(8);
  options.progress = [&](const TrainProgress& p) {
    EXPECT_EQ(p.epochs, 8);
    EXPECT_EQ(p.steps, 2u);
    EXPECT_TRUE(std::isfinite(p.batch_loss));
    ++steps_seen;
  };
  const std::string out = kTmp + "/trained.h5";
  const TrainResult result = train_encoder(*source, out, options);
  ASSERT_EQ(result.epoch_loss.size(), 8u);
  EXPECT_EQ(result.windows, 16u);
  EXPECT_EQ(steps_seen, 16u);
  EXPECT_LT(result.epoch_loss.back(), 0.8 * result.epoch_loss.front())
      << "first " << result.epoch_loss.front() << " last " << result.epoch_loss.back();

  const MotionEncoder encoder(out);
  EXPECT_TRUE(encoder.info().trained_by_pmbench);
  EXPECT_NE(encoder.info().note.find("NOT the official weights"), std::string::npos);
}

TEST(TrainEncoder, SeedReproducesAndResumeContinuesTheRun) {
  const test::SyntheticMotion data(12, 240, 61);
  const auto source = data.source("synthetic");
  const std::string straight = kTmp + "/straight.pt";
  const TrainResult full = train_encoder(*source, straight, small_run(3));

  TrainOptions first = small_run(2);
  first.checkpoint_every = 1;
  first.checkpoint_path = kTmp + "/resume.ckpt";
  train_encoder(*source, kTmp + "/first_half.pt", first);
  TrainOptions second = small_run(3);
  second.resume_path = first.checkpoint_path;
  const std::string resumed = kTmp + "/resumed.pt";
  const TrainResult rest = train_encoder(*source, resumed, second);
  EXPECT_EQ(rest.first_epoch, 3);
  ASSERT_EQ(rest.epoch_loss.size(), 1u);
  EXPECT_NEAR(rest.epoch_loss[0], full.epoch_loss[2], 1e-5 * full.epoch_loss[2]);

  const MatrixRM<float> a = test::encode_first_windows(MotionEncoder(straight), *source);
  const MatrixRM<float> b = test::encode_first_windows(MotionEncoder(resumed), *source);
  EXPECT_LT((a - b).cwiseAbs().maxCoeff(), 1e-4f * a.cwiseAbs().maxCoeff());
}

TEST(TrainEncoder, TrainedWeightsScoreWithAWarning) {
  const test::SyntheticMotion data(6, 240, 71), other(6, 240, 72);
  const std::string out = kTmp + "/scoring.pt";
  train_encoder(*data.source("train"), out, small_run(1));
  FidScoringOptions options;
  options.encoder_path = out;
  const nlohmann::json report = score_fid(*data.source("pred"), *other.source("gt"), options);
  EXPECT_TRUE(std::isfinite(report[kKeyFid].get<double>()));
  EXPECT_EQ(report["encoder"]["format"], "torch.save checkpoint");
  bool warned = false;
  for (const auto& w : report["warnings"])
    warned |= w.get<std::string>().find("not the official weights") != std::string::npos;
  EXPECT_TRUE(warned) << report["warnings"].dump();
}

TEST(TrainEncoder, BadOptionsAreClear) {
  const test::SyntheticMotion data(2, 100, 81);
  TrainOptions options = small_run(1);
  try {
    train_encoder(*data.source("short.h5:/gt"), kTmp + "/never.h5", options);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "short.h5:/gt: clips have 100 frames, fewer than the 240 of one encoder window");
  }
  options.batch_size = 1;
  EXPECT_THROW(train_encoder(*data.source("x"), kTmp + "/never.h5", options), Error);
  options = small_run(1);
  options.resume_path = kTmp + "/no_such.ckpt";
  const test::SyntheticMotion ok(4, 240, 82);
  EXPECT_THROW(train_encoder(*ok.source("x"), kTmp + "/never.h5", options), Error);
}

}  // namespace
}  // namespace pmbench::autoencoder
