// make-gt on the fixture: selection, skips, window contents, resampling, manifest determinism.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "fixture.hpp"
#include "pmbench/dataset/make_gt.hpp"
#include "pmbench/error.hpp"
#include "pmbench/io/motion_file.hpp"
#include "pmbench/sha256.hpp"

namespace pmbench::dataset {
namespace {

using nlohmann::json;
using testing::fixture_root;
using testing::raw_annotation;

MakeGtOptions test_options(const std::string& out) {
  MakeGtOptions o;
  o.data_root = fixture_root();
  o.split = Split::Test;
  o.out = out;
  o.skip_invalid = true;
  return o;
}

std::vector<io::ClipMotion<double>> read_gt(const std::string& path) {
  io::MotionFile f(path);
  const io::GroupShape s = f.group_shape(io::kGtGroup);
  std::vector<io::ClipMotion<double>> clips;
  f.read_clips(io::kGtGroup, 0, s.clips, clips);
  return clips;
}

const SkipEntry* find_skip(const GtPlan& plan, const std::string& source_part) {
  for (const SkipEntry& s : plan.skipped) {
    if (s.source.find(source_part) != std::string::npos) return &s;
  }
  return nullptr;
}

TEST(MakeGt, MalformedAnnotationFailsNamingTheFile) {
  PMBENCH_REQUIRE_FIXTURE();
  const std::string out = testing::scratch_dir("malformed") + "/gt.h5";
  MakeGtOptions o = test_options(out);
  o.skip_invalid = false;
  try {
    make_gt(o);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    EXPECT_NE(
        std::string(e.what()).find("annotation/66685747/BV1fixB30/BV1fixB30_seq_0002.json: malformed JSON"),
        std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".make-gt.partial"));
}

TEST(MakeGt, SelectsSkipsAndListsTheOddCases) {
  PMBENCH_REQUIRE_FIXTURE();
  const std::string out = testing::scratch_dir("select") + "/gt.h5";
  const MakeGtResult r = make_gt(test_options(out));
  const GtPlan& plan = r.plan;
  EXPECT_EQ(plan.videos_in_split, 5u);
  EXPECT_EQ(plan.videos_selected, 4u);  // 2084102325 is outside the official uploader filter
  EXPECT_EQ(plan.sequences, 8u);
  std::vector<std::string> ids;
  for (const ClipPlan& c : plan.clips) ids.push_back(c.seq.id());
  EXPECT_EQ(ids, (std::vector<std::string>{
                     "1467634/BV1fixA24/BV1fixA24_seq_0000", "1467634/BV1fixA30/BV1fixA30_seq_0000",
                     "1467634/BV1fixA30/BV1fixA30_seq_0001", "1467634/BV1fixA60/BV1fixA60_seq_0000",
                     "66685747/BV1fixB30/BV1fixB30_seq_0000"}));
  ASSERT_EQ(plan.skipped.size(), 3u);
  const SkipEntry* shorter = find_skip(plan, "BV1fixA30_seq_0002");
  ASSERT_TRUE(shorter);
  EXPECT_EQ(shorter->reason, "shorter than one window: 200 frames at 30 fps < 240 (8 s)");
  const SkipEntry* no_audio = find_skip(plan, "BV1fixB30_seq_0001");
  ASSERT_TRUE(no_audio);
  EXPECT_EQ(no_audio->reason, "audio file missing: audio/66685747/BV1fixB30/BV1fixB30_seq_0001.mp3");
  const SkipEntry* bad = find_skip(plan, "BV1fixB30_seq_0002");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->reason.find("invalid: malformed JSON at byte"), 0u) << bad->reason;

  // Undetected frames are kept (official) and counted: left 40..99 lies inside every possible
  // window of the 270-frame sequence (begin <= 30); right 10..14 only partly.
  const ClipPlan& und = plan.clips[2];
  EXPECT_LE(und.begin, 30u);
  EXPECT_EQ(und.undetected[static_cast<int>(io::Hand::Left)], 60u);
  const std::size_t right_overlap = und.begin >= 15 ? 0 : 15 - std::max<std::size_t>(und.begin, 10);
  EXPECT_EQ(und.undetected[static_cast<int>(io::Hand::Right)], right_overlap);
  EXPECT_EQ(plan.clips_with_undetected(), 1u);
  const std::string summary = summary_text(r);
  EXPECT_NE(summary.find("clips written: 5 of 240 frames, with undetected frames: 1"), std::string::npos);
  EXPECT_NE(summary.find("BV1fixB30_seq_0001.json: audio file missing"), std::string::npos) << summary;
}

TEST(MakeGt, FileHoldsGtClipIdsAndTheManifest) {
  PMBENCH_REQUIRE_FIXTURE();
  const std::string out = testing::scratch_dir("file") + "/gt.h5";
  const MakeGtResult r = make_gt(test_options(out));
  io::MotionFile f(out);
  EXPECT_FALSE(f.has_group(io::kPredGroup));
  const io::GroupShape s = f.group_shape(io::kGtGroup);
  EXPECT_EQ(s.clips, 5u);
  EXPECT_EQ(s.frames, 240u);
  std::vector<std::string> expected_ids;
  for (const ClipPlan& c : r.plan.clips) expected_ids.push_back(c.clip_id());
  EXPECT_EQ(f.clip_ids(), expected_ids);
  EXPECT_EQ(expected_ids[1], "1467634/BV1fixA30/BV1fixA30_seq_0000@" + std::to_string(r.plan.clips[1].begin));
  EXPECT_EQ(f.root_attribute("protocol").value_or(""), "pm10m-v1");
  EXPECT_EQ(f.root_attribute("split").value_or(""), "test");
  EXPECT_EQ(f.root_attribute("manifest_sha256").value_or(""), sha256_hex(r.manifest));
  EXPECT_EQ(read_manifest(out).value_or(""), r.manifest);

  const json m = json::parse(r.manifest);
  EXPECT_EQ(m["manifest_version"], 1);
  EXPECT_EQ(m["protocol"], "pm10m-v1");
  EXPECT_EQ(m["seed"], 2014);
  EXPECT_EQ(m["split"], "test");
  EXPECT_EQ(m["counts"]["clips"], 5);
  ASSERT_EQ(m["clips"].size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    const json& c = m["clips"][i];
    EXPECT_EQ(c["clip_id"], expected_ids[i]);
    EXPECT_EQ(c["sha256"], sha256_file(fixture_root() + "/" + c["source"].get<std::string>()));
    EXPECT_EQ(c["end"].get<std::size_t>() - c["begin"].get<std::size_t>(),
              static_cast<std::size_t>(8 * c["source_fps"].get<double>()));
  }
  EXPECT_EQ(m["clips"][2]["undetected"]["left"], 60);
  EXPECT_EQ(m["skipped"].size(), 3u);
  EXPECT_EQ(r.manifest.find(fixture_root()), std::string::npos);  // no machine-specific paths
}

TEST(MakeGt, ManifestRoundTripsToThePlan) {
  PMBENCH_REQUIRE_FIXTURE();
  MakeGtOptions o = test_options(testing::scratch_dir("roundtrip") + "/gt.h5");
  o.protocol.max_undetected = 3;
  o.protocol.uploaders.clear();
  const MakeGtResult r = make_gt(o);
  const GtPlan back = plan_from_manifest(read_manifest(o.out).value());
  EXPECT_EQ(manifest_text(back), r.manifest);
  EXPECT_EQ(back.protocol.label(), r.protocol_label);
  ASSERT_EQ(back.clips.size(), r.plan.clips.size());
  for (std::size_t i = 0; i < back.clips.size(); ++i) {
    EXPECT_EQ(back.clips[i].seq.id(), r.plan.clips[i].seq.id());
    EXPECT_EQ(back.clips[i].clip_id(), r.plan.clips[i].clip_id());
  }
  EXPECT_THROW(plan_from_manifest("{}"), Error);
  EXPECT_THROW(plan_from_manifest("not json"), Error);
  json broken = json::parse(r.manifest);
  broken["clips"][0]["clip_id"] = "no-slashes@3";
  try {
    plan_from_manifest(broken.dump());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("clip id 'no-slashes@3' is not <up>/<bv>/<stem>@<begin>"),
              std::string::npos);
  }
}

TEST(MakeGt, WindowsEqualTheJsonValuesWithAdjust) {
  PMBENCH_REQUIRE_FIXTURE();
  const std::string out = testing::scratch_dir("values") + "/gt.h5";
  const MakeGtResult r = make_gt(test_options(out));
  const std::vector<io::ClipMotion<double>> gt = read_gt(out);
  int checked = 0;
  for (std::size_t i = 0; i < r.plan.clips.size(); ++i) {
    const ClipPlan& c = r.plan.clips[i];
    if (c.source_fps != 30) continue;
    const json raw = raw_annotation(c.source);
    const double ay = raw["adjust"][1].get<double>(), az = raw["adjust"][2].get<double>();
    for (int h = 0; h < 2; ++h) {
      const json& frames = raw[h == 0 ? "right" : "left"];
      const io::HandMotion<double>& m = gt[i].hands[static_cast<std::size_t>(h)];
      for (std::size_t t = 0; t < 240; ++t) {
        const json& f = frames[c.begin + t];
        const auto row = static_cast<Eigen::Index>(t);
        ASSERT_EQ(m.trans(row, 0), static_cast<float>(f[1].get<double>())) << c.clip_id() << " t " << t;
        ASSERT_EQ(m.trans(row, 1), static_cast<float>(f[2].get<double>() + ay)) << c.clip_id() << " t " << t;
        ASSERT_EQ(m.trans(row, 2), static_cast<float>(f[3].get<double>() + az)) << c.clip_id() << " t " << t;
        for (int j = 0; j < 48; ++j) {
          ASSERT_EQ(m.pose(row, j), static_cast<float>(f[4 + j].get<double>())) << c.clip_id() << " t " << t;
        }
      }
    }
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

// Independent linear interpolation (torch align_corners=False) straight from the raw JSON.
double interpolated(const json& frames, std::size_t begin, std::size_t in_len, std::size_t i, int column,
                    double add) {
  double x = (static_cast<double>(i) + 0.5) * static_cast<double>(in_len) / 240.0 - 0.5;
  x = std::max(0.0, x);
  const std::size_t i0 = static_cast<std::size_t>(std::floor(x));
  const std::size_t i1 = std::min(i0 + 1, in_len - 1);
  const double w = x - static_cast<double>(i0);
  const double v0 = frames[begin + i0][column].get<double>() + add;
  const double v1 = frames[begin + i1][column].get<double>() + add;
  return v0 + w * (v1 - v0);
}

TEST(MakeGt, OtherFrameRatesAreResampledLinearly) {
  PMBENCH_REQUIRE_FIXTURE();
  const std::string out = testing::scratch_dir("fps") + "/gt.h5";
  const MakeGtResult r = make_gt(test_options(out));
  const std::vector<io::ClipMotion<double>> gt = read_gt(out);
  int checked = 0;
  for (std::size_t i = 0; i < r.plan.clips.size(); ++i) {
    const ClipPlan& c = r.plan.clips[i];
    if (c.source_fps == 30) continue;
    const std::size_t in_len = c.end - c.begin;
    EXPECT_EQ(in_len, c.source_fps == 24 ? 192u : 480u);
    const json raw = raw_annotation(c.source);
    const double ay = raw["adjust"][1].get<double>();
    for (int h = 0; h < 2; ++h) {
      const json& frames = raw[h == 0 ? "right" : "left"];
      const io::HandMotion<double>& m = gt[i].hands[static_cast<std::size_t>(h)];
      for (std::size_t t = 0; t < 240; ++t) {
        const auto row = static_cast<Eigen::Index>(t);
        ASSERT_NEAR(m.trans(row, 1), interpolated(frames, c.begin, in_len, t, 2, ay), 1e-6) << c.clip_id();
        ASSERT_NEAR(m.pose(row, 5), interpolated(frames, c.begin, in_len, t, 9, 0), 1e-6) << c.clip_id();
        if (c.source_fps == 60) {  // halving: output t is the mean of source frames 2t and 2t+1
          const double mean = 0.5 * (frames[c.begin + 2 * t][20].get<double>() +
                                     frames[c.begin + 2 * t + 1][20].get<double>());
          ASSERT_NEAR(m.pose(row, 16), mean, 1e-6);
        }
      }
    }
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

TEST(MakeGt, ManifestAndDataAreIdenticalAcrossRunsAndThreadCounts) {
  PMBENCH_REQUIRE_FIXTURE();
  const std::string dir = testing::scratch_dir("determinism");
  std::string first_manifest;
  std::vector<io::ClipMotion<double>> first_data;
  int run = 0;
  for (unsigned threads : {1u, 2u, 5u}) {
    for (std::size_t block : {std::size_t{1}, std::size_t{256}}) {
      MakeGtOptions o = test_options(dir + "/gt_" + std::to_string(run++) + ".h5");
      o.threads = threads;
      o.block_clips = block;
      const MakeGtResult r = make_gt(o);
      const std::vector<io::ClipMotion<double>> data = read_gt(o.out);
      if (first_manifest.empty()) {
        first_manifest = r.manifest;
        first_data = data;
        continue;
      }
      EXPECT_EQ(r.manifest, first_manifest) << "threads " << threads << " block " << block;
      EXPECT_EQ(read_manifest(o.out).value_or(""), first_manifest);
      ASSERT_EQ(data.size(), first_data.size());
      for (std::size_t i = 0; i < data.size(); ++i) {
        for (int h = 0; h < 2; ++h) {
          EXPECT_EQ(data[i].hands[static_cast<std::size_t>(h)].pose,
                    first_data[i].hands[static_cast<std::size_t>(h)].pose);
          EXPECT_EQ(data[i].hands[static_cast<std::size_t>(h)].trans,
                    first_data[i].hands[static_cast<std::size_t>(h)].trans);
        }
      }
    }
  }
}

TEST(MakeGt, SeedChangesWindowsAndLabel) {
  PMBENCH_REQUIRE_FIXTURE();
  const std::string dir = testing::scratch_dir("seed");
  MakeGtOptions o = test_options(dir + "/a.h5");
  const MakeGtResult a = make_gt(o);
  o.out = dir + "/b.h5";
  o.protocol.seed = 99;
  const MakeGtResult b = make_gt(o);
  EXPECT_EQ(b.protocol_label, "pm10m-v1+seed=99");
  EXPECT_NE(a.manifest_sha256, b.manifest_sha256);
  int moved = 0;
  for (std::size_t i = 0; i < a.plan.clips.size(); ++i)
    moved += a.plan.clips[i].begin != b.plan.clips[i].begin;
  EXPECT_GE(moved, 3);  // 5 windows with 1..301 choices each: a few must move
}

TEST(MakeGt, MaxUndetectedExcludesWindowsAndSaysWhy) {
  PMBENCH_REQUIRE_FIXTURE();
  MakeGtOptions o = test_options(testing::scratch_dir("undetected") + "/gt.h5");
  o.protocol.max_undetected = 10;
  const MakeGtResult r = make_gt(o);
  EXPECT_EQ(r.plan.clips.size(), 4u);
  EXPECT_EQ(r.protocol_label, "pm10m-v1+max_undetected=10");
  const SkipEntry* s = find_skip(r.plan, "BV1fixA30_seq_0001.json@");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->reason, "window excluded: left hand undetected on 60 of 240 frames (max 10)");
  o.protocol.max_undetected = 60;  // 60 is allowed, so the window stays
  o.out = testing::scratch_dir("undetected60") + "/gt.h5";
  EXPECT_EQ(make_gt(o).plan.clips.size(), 5u);
}

TEST(MakeGt, AllWindowsAndAllUploaders) {
  PMBENCH_REQUIRE_FIXTURE();
  MakeGtOptions o = test_options(testing::scratch_dir("allwin") + "/gt.h5");
  o.protocol.uploaders.clear();
  o.protocol.windows = WindowMode::AllNonOverlapping;
  o.threads = 2;
  const MakeGtResult r = make_gt(o);
  std::vector<std::string> c30;
  for (const ClipPlan& c : r.plan.clips) {
    if (c.seq.bv == "BV1fixC30") c30.push_back(c.clip_id());
  }
  EXPECT_EQ(c30, (std::vector<std::string>{"2084102325/BV1fixC30/BV1fixC30_seq_0000@0",
                                           "2084102325/BV1fixC30/BV1fixC30_seq_0000@240",
                                           "2084102325/BV1fixC30/BV1fixC30_seq_0000@480"}));
  EXPECT_EQ(r.plan.clips.size(), 8u);
  EXPECT_EQ(io::MotionFile(o.out).group_shape(io::kGtGroup).clips, 8u);
  // The three windows of one sequence hold consecutive source frames.
  const std::vector<io::ClipMotion<double>> gt = read_gt(o.out);
  const json raw = raw_annotation("annotation/2084102325/BV1fixC30/BV1fixC30_seq_0000.json");
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(gt[4 + k].hands[0].pose(0, 0), static_cast<float>(raw["right"][240 * k][4].get<double>()));
  }
}

TEST(MakeGt, Float64AndNoClipErrors) {
  PMBENCH_REQUIRE_FIXTURE();
  const std::string dir = testing::scratch_dir("f64");
  MakeGtOptions o = test_options(dir + "/gt.h5");
  o.precision = Precision::Float64;
  o.split = Split::Valid;
  const MakeGtResult r = make_gt(o);
  EXPECT_EQ(r.plan.clips.size(), 3u);
  const std::vector<io::ClipMotion<double>> gt = read_gt(o.out);
  const ClipPlan& c = r.plan.clips[0];
  const json raw = raw_annotation(c.source);
  EXPECT_EQ(gt[0].hands[1].trans(3, 2),
            raw["left"][c.begin + 3][3].get<double>() + raw["adjust"][2].get<double>());  // exact in float64

  o.protocol.uploaders = {"nobody"};
  o.out = dir + "/none.h5";
  try {
    make_gt(o);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(
        std::string(e.what()).find("split 'valid' gives no clip under protocol pm10m-v1+uploaders=nobody"),
        std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(o.out));

  o.protocol.uploaders = {"1467634"};
  o.out = dir + "/missing/gt.h5";
  try {
    make_gt(o);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Io);
    EXPECT_EQ(std::string(e.what()), o.out + ": the output directory does not exist");
  }
}

TEST(MakeGt, SplitEntryWithoutAnnotationsFailsOrIsListed) {
  PMBENCH_REQUIRE_FIXTURE();
  namespace fs = std::filesystem;
  const std::string root = testing::scratch_dir("missing_video");
  for (const char* part : {"annotation", "audio"}) {
    fs::create_directories(root + "/" + part + "/1467634");
    fs::copy(fixture_root() + "/" + part + "/1467634/BV1fixV30", root + "/" + part + "/1467634/BV1fixV30",
             fs::copy_options::recursive);
  }
  fs::create_directories(root + "/annotation/66685747/BVempty");
  std::ofstream(root + "/test.txt") << "1467634 BV1fixV30\n1467634 BVgone\n66685747 BVempty\n";
  MakeGtOptions o;
  o.data_root = root;
  o.split = Split::Test;
  o.out = root + "/gt.h5";
  try {
    make_gt(o);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "annotation/1467634/BVgone: no such annotation directory (test.txt line 2)"),
              std::string::npos)
        << e.what();
  }
  o.skip_invalid = true;
  const MakeGtResult r = make_gt(o);
  EXPECT_EQ(r.plan.clips.size(), 2u);
  ASSERT_EQ(r.plan.skipped.size(), 2u);
  EXPECT_EQ(r.plan.skipped[0].source, "annotation/1467634/BVgone");
  EXPECT_EQ(r.plan.skipped[0].reason, "no annotation directory");
  EXPECT_EQ(r.plan.skipped[1].source, "annotation/66685747/BVempty");
  EXPECT_EQ(r.plan.skipped[1].reason, "no annotation files");
}

TEST(MakeGt, ProgressReportsBothPassesInOrder) {
  PMBENCH_REQUIRE_FIXTURE();
  MakeGtOptions o = test_options(testing::scratch_dir("progress") + "/gt.h5");
  o.block_clips = 2;
  std::vector<std::string> calls;
  o.progress = [&](const char* stage, std::size_t done, std::size_t total) {
    calls.push_back(std::string(stage) + " " + std::to_string(done) + "/" + std::to_string(total));
  };
  make_gt(o);
  EXPECT_EQ(calls, (std::vector<std::string>{"plan 8/8", "write 2/5", "write 4/5", "write 5/5"}));
}

}  // namespace
}  // namespace pmbench::dataset
