// Audio: mp3 decoding (libmpg123), mono mix, 16 kHz resampling (soxr), window cuts.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "fixture.hpp"
#include "pmbench/dataset/audio.hpp"
#include "pmbench/dataset/clip_inputs.hpp"
#include "pmbench/error.hpp"

namespace pmbench::dataset {
namespace {

using testing::fixture_root;

TEST(Audio, CutAudioHasTheExactLengthAndZeroPads) {
  MonoAudio a;
  a.rate = 10;
  a.samples = {1, 2, 3, 4, 5};
  std::size_t padded = 99;
  EXPECT_EQ(cut_audio(a, 0.1, 0.3, &padded), (std::vector<float>{2, 3, 4}));
  EXPECT_EQ(padded, 0u);
  EXPECT_EQ(cut_audio(a, 0.3, 0.4, &padded), (std::vector<float>{4, 5, 0, 0}));
  EXPECT_EQ(padded, 2u);
  EXPECT_EQ(cut_audio(a, -0.1, 0.2, &padded), (std::vector<float>{0, 1}));
  EXPECT_EQ(padded, 1u);
  EXPECT_EQ(cut_audio(a, 0.0, 8.0).size(), 80u);
}

TEST(Audio, MissingAndBrokenFilesGiveClearErrors) {
  try {
    load_audio_mono("/nonexistent/a.mp3");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Io);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/a.mp3: no such audio file"), std::string::npos);
  }
  PMBENCH_REQUIRE_FIXTURE();
  // A JSON file is not an mp3.
  const std::string not_mp3 = fixture_root() + "/annotation/1467634/BV1fixA30/BV1fixA30_seq_0000.json";
  EXPECT_THROW(load_audio_mono(not_mp3), Error);
}

TEST(Audio, FixtureDurationsMatchTheAnnotations) {
  PMBENCH_REQUIRE_FIXTURE();
  const std::string path =
      fixture_root() + "/audio/1467634/BV1fixA30/BV1fixA30_seq_0000.mp3";  // 300 frames, 10 s
  const AudioInfo info = probe_audio(path);
  EXPECT_EQ(info.rate, 44100);
  EXPECT_EQ(info.channels, 2);
  EXPECT_NEAR(info.seconds(), 10.0, 0.03);
  const MonoAudio mono = load_audio_mono(path);
  EXPECT_EQ(mono.rate, 16000);
  EXPECT_NEAR(static_cast<double>(mono.samples.size()), info.seconds() * 16000, 1.0);
  double peak = 0;
  for (float s : mono.samples) peak = std::max(peak, static_cast<double>(std::abs(s)));
  EXPECT_GT(peak, 0.05);  // not silence
  EXPECT_LE(peak, 1.0);
}

// The mono mix is the mean of the channels; resampling keeps a tone's frequency: the fixture's
// first note (pitch from fixture_truth.json) dominates the first 0.3 s of BV1fixA30_seq_0000.
TEST(Audio, ResamplingKeepsThePitchOfTheFirstNote) {
  PMBENCH_REQUIRE_FIXTURE();
  const MonoAudio mono = load_audio_mono(fixture_root() + "/audio/1467634/BV1fixA30/BV1fixA30_seq_0000.mp3");
  nlohmann::json first;
  for (const auto& v : testing::fixture_truth()["videos"]) {
    if (v["bv"] == "BV1fixA30") first = v["notes"][0];
  }
  const double f = 440.0 * std::pow(2.0, (first[0].get<int>() - 69) / 12.0);
  const double onset = first[2].get<double>();
  // Goertzel-style correlation at f against a detuned frequency, over 0.25 s after the onset.
  auto power = [&](double freq) {
    double re = 0, im = 0;
    const std::size_t b = static_cast<std::size_t>((onset + 0.02) * 16000);
    for (std::size_t i = b; i < b + 4000; ++i) {
      const double ph = 2 * M_PI * freq * static_cast<double>(i) / 16000.0;
      re += mono.samples[i] * std::cos(ph);
      im += mono.samples[i] * std::sin(ph);
    }
    return re * re + im * im;
  };
  EXPECT_GT(power(f), 20 * power(f * 1.12)) << "note frequency " << f << " Hz";
}

TEST(Audio, ClipAudioIsExactlyTheWindowLength) {
  PMBENCH_REQUIRE_FIXTURE();
  const DatasetLayout layout(fixture_root());
  const Protocol p;
  const GtPlan plan = plan_ground_truth(layout, Split::Test, p, {2, true, {}});
  ASSERT_EQ(plan.clips.size(), 5u);
  for (const ClipPlan& c : plan.clips) {
    std::size_t padded = 99;
    const std::vector<float> audio = clip_audio(layout, c, p, kModelSampleRate, &padded);
    EXPECT_EQ(audio.size(), 128000u) << c.clip_id();  // 8 s at 16 kHz
    // The mp3 spans the sequence, so a window inside it needs (almost) no padding.
    EXPECT_LE(padded, 16u) << c.clip_id();
  }
}

}  // namespace
}  // namespace pmbench::dataset
