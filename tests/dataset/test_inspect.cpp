// `pmbench inspect` summaries of each supported file kind.
#include <gtest/gtest.h>

#include <fstream>

#include "fixture.hpp"
#include "pmbench/dataset/inspect.hpp"
#include "pmbench/dataset/make_gt.hpp"
#include "pmbench/error.hpp"

namespace pmbench::dataset {
namespace {

using testing::fixture_root;

void expect_contains(const std::string& text, const std::string& part) {
  EXPECT_NE(text.find(part), std::string::npos) << "missing '" << part << "' in:\n" << text;
}

TEST(Inspect, SourceFiles) {
  PMBENCH_REQUIRE_FIXTURE();
  const std::string ann =
      inspect_file(fixture_root() + "/annotation/1467634/BV1fixA24/BV1fixA24_seq_0000.json");
  expect_contains(ann, "PianoMotion10M annotation");
  expect_contains(ann, "up 1467634, bv BV1fixA24, fps 24, 240 frames (10.00 s)");
  expect_contains(ann, "video frames 24..263");
  expect_contains(ann, "right hand: undetected on 0 of 240 frames");
  const std::string mp3 = inspect_file(fixture_root() + "/audio/1467634/BV1fixA24/BV1fixA24_seq_0000.mp3");
  expect_contains(mp3, "mp3 audio");
  expect_contains(mp3, "44100 Hz, 2 channels");
  const std::string mid = inspect_file(fixture_root() + "/midi/1467634/BV1fixA24.mid");
  expect_contains(mid, "MIDI format 1, 2 tracks, division 480");
  expect_contains(mid, "1 sustain-pedal spans, 2 tempo segments");
  expect_contains(mid, "tempo 80.00 bpm from 4.000 s");
}

TEST(Inspect, GroundTruthFile) {
  PMBENCH_REQUIRE_FIXTURE();
  MakeGtOptions o;
  o.data_root = fixture_root();
  o.split = Split::Valid;
  o.out = testing::scratch_dir("inspect") + "/gt.h5";
  make_gt(o);
  const std::string s = inspect_file(o.out);
  expect_contains(s, "/gt: 3 clips x 240 frames");
  expect_contains(s, "/clip_id: 3 ids: 1467634/BV1fixV30/BV1fixV30_seq_0000@");
  expect_contains(s, "protocol: pm10m-v1");
  expect_contains(s, "split: valid");
  expect_contains(s, "sha256 matches");
  expect_contains(s, "\"clips\":3");
}

TEST(Inspect, UnknownKindIsAnError) {
  const std::string path = testing::scratch_dir("inspect_unknown") + "/notes.txt";
  std::ofstream(path) << "hello";
  try {
    inspect_file(path);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path + ": unknown file kind"), std::string::npos);
  }
  EXPECT_THROW(inspect_file(path + ".missing"), Error);
}

}  // namespace
}  // namespace pmbench::dataset
