// MIDI: parsing against the fixture's synthesized notes, hand-built files, piano-roll alignment.
#include <gtest/gtest.h>

#include <cmath>

#include "fixture.hpp"
#include "pmbench/dataset/clip_inputs.hpp"
#include "pmbench/dataset/make_gt.hpp"
#include "pmbench/dataset/midi.hpp"
#include "pmbench/error.hpp"

namespace pmbench::dataset {
namespace {

using nlohmann::json;
using testing::fixture_root;
using testing::fixture_truth;

const json& truth_video(const std::string& bv) {
  for (const json& v : fixture_truth()["videos"]) {
    if (v["bv"] == bv) return v;
  }
  throw std::runtime_error("no video " + bv + " in fixture_truth.json");
}

std::string midi_error(const std::string& bytes) {
  try {
    parse_midi(bytes, "t.mid");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// Hand-built format 0 file: division 96, tempo 100 bpm (600000 us), running status, a note-off as
// note-on velocity 0, an unreleased note, a sysex, a pedal span.
std::string tiny_midi() {
  std::string t;
  auto add = [&](std::initializer_list<int> bytes) {
    for (int b : bytes) t.push_back(static_cast<char>(b));
  };
  add({0x00, 0xff, 0x51, 0x03, 0x09, 0x27, 0xc0});  // tempo 600000
  add({0x00, 0xf0, 0x02, 0x43, 0xf7});              // sysex
  add({0x00, 0x90, 60, 100});                       // C4 on at tick 0
  add({0x30, 64, 90});                              // running status: E4 on at tick 48
  add({0x30, 60, 0});                               // C4 off at tick 96 (velocity 0)
  add({0x00, 0xb0, 64, 127});                       // pedal down at 96
  add({0x81, 0x40, 0x80, 64, 0});                   // E4 off at tick 96 + 192 = 288
  add({0x00, 0xb0, 64, 0});                         // pedal up at 288
  add({0x00, 0x90, 67, 80});                        // G4 on at 288, never released
  add({0x60, 0xff, 0x2f, 0x00});                    // end of track at 384
  std::string s = "MThd";
  add({});
  s += std::string("\x00\x00\x00\x06\x00\x00\x00\x01\x00\x60", 10);
  s += "MTrk";
  const std::uint32_t n = static_cast<std::uint32_t>(t.size());
  for (int i = 3; i >= 0; --i) s.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  return s + t;
}

TEST(Midi, ParsesAHandBuiltFile) {
  const Midi m = parse_midi(tiny_midi(), "t.mid");
  EXPECT_EQ(m.format, 0);
  EXPECT_EQ(m.tracks, 1);
  EXPECT_EQ(m.division, 96);
  ASSERT_EQ(m.tempo_map.size(), 1u);
  EXPECT_EQ(m.tempo_map[0].us_per_quarter, 600000u);
  const double tick = 0.6 / 96;
  ASSERT_EQ(m.notes.size(), 3u);
  EXPECT_EQ(m.notes[0].pitch, 60);
  EXPECT_EQ(m.notes[0].velocity, 100);
  EXPECT_NEAR(m.notes[0].onset, 0.0, 1e-12);
  EXPECT_NEAR(m.notes[0].offset, 96 * tick, 1e-12);
  EXPECT_EQ(m.notes[1].pitch, 64);
  EXPECT_NEAR(m.notes[1].onset, 48 * tick, 1e-12);
  EXPECT_NEAR(m.notes[1].offset, 288 * tick, 1e-12);
  EXPECT_EQ(m.notes[2].pitch, 67);
  EXPECT_NEAR(m.notes[2].offset, 288 * tick, 1e-12);  // unreleased: ends at the last note/pedal event
  ASSERT_EQ(m.sustain.size(), 1u);
  EXPECT_NEAR(m.sustain[0].onset, 96 * tick, 1e-12);
  EXPECT_NEAR(m.sustain[0].offset, 288 * tick, 1e-12);
}

TEST(Midi, SmpteDivisionIgnoresTheTempo) {
  std::string s = tiny_midi();
  s[12] = '\xe7';  // -25 frames per second
  s[13] = 40;      // 40 ticks per frame: 1 tick = 1 ms
  const Midi m = parse_midi(s, "t.mid");
  EXPECT_EQ(m.division, -25);
  ASSERT_EQ(m.notes.size(), 3u);
  EXPECT_NEAR(m.notes[1].onset, 0.048, 1e-12);
  EXPECT_NEAR(m.notes[1].offset, 0.288, 1e-12);
}

TEST(Midi, MalformedFilesGiveClearErrors) {
  EXPECT_NE(midi_error("RIFF1234").find("t.mid: not a MIDI file"), std::string::npos);
  const std::string good = tiny_midi();
  EXPECT_NE(midi_error(good.substr(0, 30)).find("t.mid: truncated MIDI file"), std::string::npos);
  std::string no_status = good;
  no_status[22 + 7 + 5 + 1] =
      0x30;  // first note-on status byte replaced by a data byte (no running status yet)
  EXPECT_NE(midi_error(no_status).find("data byte without a status"), std::string::npos)
      << midi_error(no_status);
  std::string zero_division = good;
  zero_division[12] = 0;
  zero_division[13] = 0;
  EXPECT_NE(midi_error(zero_division).find("division of 0"), std::string::npos);
}

TEST(Midi, FixtureNotesTempoMapAndPedal) {
  PMBENCH_REQUIRE_FIXTURE();
  const json& v = truth_video("BV1fixA30");
  const Midi m = read_midi(fixture_root() + "/midi/1467634/BV1fixA30.mid");
  EXPECT_EQ(m.format, 1);
  EXPECT_EQ(m.tracks, 2);
  ASSERT_EQ(m.tempo_map.size(), 2u);  // 120 bpm, then 80 bpm from tick 3840 = 4 s
  EXPECT_NEAR(m.tempo_map[1].seconds, 4.0, 1e-12);
  EXPECT_EQ(m.tempo_map[1].us_per_quarter, 750000u);
  ASSERT_EQ(m.notes.size(), v["notes"].size());
  for (std::size_t i = 0; i < m.notes.size(); ++i) {
    const json& n = v["notes"][i];
    EXPECT_EQ(m.notes[i].pitch, n[0].get<int>()) << i;
    EXPECT_EQ(m.notes[i].velocity, n[1].get<int>()) << i;
    EXPECT_NEAR(m.notes[i].onset, n[2].get<double>(), 1e-7) << i;
    EXPECT_NEAR(m.notes[i].offset, n[3].get<double>(), 1e-7) << i;
  }
  ASSERT_EQ(m.sustain.size(), 1u);
  EXPECT_NEAR(m.sustain[0].onset, v["pedal"][0][0].get<double>(), 1e-9);
  EXPECT_NEAR(m.sustain[0].offset, v["pedal"][0][1].get<double>(), 1e-9);
}

TEST(PianoRollTest, OnsetsLandOnTheNearestFrame) {
  Midi m;
  m.notes = {{60, 127, 0, 0.0, 0.02},
             {61, 64, 0, 0.0166, 0.6},
             {62, 10, 0, 0.0167, 0.1},
             {108, 1, 0, 1.0, 1.2},
             {20, 50, 0, 0.5, 0.6}};  // pitch 20 is below the piano: ignored
  const PianoRoll r = piano_roll(m, 0.0, 31);
  EXPECT_EQ(r.onset(0, 60 - kLowestKey), 1.0f);
  EXPECT_EQ(r.onset(0, 61 - kLowestKey), 1.0f);  // 0.0166 s * 30 = 0.498 -> frame 0
  EXPECT_EQ(r.onset(1, 62 - kLowestKey), 1.0f);  // 0.501 -> frame 1
  EXPECT_EQ(r.onset(30, 87), 1.0f);              // pitch 108 = last key, at 1 s = frame 30
  EXPECT_EQ(r.onset.sum(), 4.0f);
  // Sounding frames: [round(onset), max(round(offset), round(onset) + 1)); 0.6 s -> frame 18.
  EXPECT_EQ(r.velocity(0, 60 - kLowestKey), 1.0f);  // 0.02 s rounds to frame 1: one frame
  EXPECT_EQ(r.velocity(1, 60 - kLowestKey), 0.0f);
  EXPECT_FLOAT_EQ(r.velocity.col(61 - kLowestKey).sum(), 18 * 64 / 127.0f);
  // A later start shifts everything.
  const PianoRoll late = piano_roll(m, 0.5, 10);
  EXPECT_EQ(late.onset(0, 60 - kLowestKey), 0.0f);
  EXPECT_EQ(late.velocity(0, 61 - kLowestKey), 64 / 127.0f);  // still sounding at 0.5 s
}

TEST(PianoRollTest, PedalRollAndExtension) {
  Midi m;
  m.notes = {{60, 100, 0, 0.0, 0.1}, {60, 100, 0, 0.5, 0.6}};
  m.sustain = {{0, 0.05, 1.0}};
  const PianoRoll plain = piano_roll(m, 0.0, 40);
  EXPECT_EQ(plain.pedal[1], 0.0f);
  EXPECT_EQ(plain.pedal[2], 1.0f);  // 0.05 s * 30 = 1.5 -> frame 2 (half up)
  EXPECT_EQ(plain.pedal[29], 1.0f);
  EXPECT_EQ(plain.pedal[30], 0.0f);
  EXPECT_EQ(plain.velocity(5, 60 - kLowestKey), 0.0f);
  const PianoRoll held = piano_roll(m, 0.0, 40, 30, /*extend_by_pedal=*/true);
  EXPECT_EQ(held.velocity(5, 60 - kLowestKey), 100 / 127.0f);  // released under the pedal: held
  EXPECT_EQ(held.velocity(14, 60 - kLowestKey), 100 / 127.0f);
  EXPECT_EQ(held.onset(15, 60 - kLowestKey), 1.0f);             // cut at the next onset of the pitch
  EXPECT_EQ(held.velocity(29, 60 - kLowestKey), 100 / 127.0f);  // second note held to the pedal release
  EXPECT_EQ(held.velocity(30, 60 - kLowestKey), 0.0f);
}

TEST(PianoRollTest, FixtureOnsetsLandOnTheAnnotationFrames) {
  PMBENCH_REQUIRE_FIXTURE();
  MakeGtOptions o;
  o.data_root = fixture_root();
  o.split = Split::Test;
  o.skip_invalid = true;
  const GtPlan plan = plan_ground_truth(DatasetLayout(o.data_root), o.split, o.protocol, {1, true, {}});
  int windows = 0;
  for (const ClipPlan& c : plan.clips) {
    const json& v = truth_video(c.seq.bv);
    const Midi midi = read_midi(fixture_root() + "/" + DatasetLayout::midi_relpath(c.seq.up, c.seq.bv));
    const PianoRoll roll = clip_piano_roll(midi, c, o.protocol);
    ASSERT_EQ(roll.onset.rows(), 240);
    // Window frame k shows video time (start_frame + begin) / fps + k / 30.
    const double t0 = (static_cast<double>(c.start_frame) + static_cast<double>(c.begin)) / c.source_fps;
    EXPECT_NEAR(roll.start_seconds, t0, 1e-12);
    int expected_onsets = 0;
    for (const json& n : v["notes"]) {
      const double k = (n[2].get<double>() - t0) * 30.0;
      const long frame = std::lround(k);
      if (frame < 0 || frame >= 240) continue;
      ASSERT_GT(std::abs(k - std::floor(k) - 0.5), 1e-3) << "fixture onset too close to a frame boundary";
      ++expected_onsets;
      EXPECT_EQ(roll.onset(frame, n[0].get<int>() - kLowestKey), 1.0f)
          << c.clip_id() << " pitch " << n[0] << " at " << n[2] << " s, frame " << frame;
    }
    EXPECT_GT(expected_onsets, 10);
    EXPECT_EQ(roll.onset.sum(), static_cast<float>(expected_onsets)) << c.clip_id();
    ++windows;
  }
  EXPECT_EQ(windows, 5);
}

}  // namespace
}  // namespace pmbench::dataset
