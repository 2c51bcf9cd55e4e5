// Protocol pm10m-v1: labels, the seeded window draw (pinned, platform independent), split files.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <set>

#include "fixture.hpp"
#include "pmbench/dataset/layout.hpp"
#include "pmbench/dataset/protocol.hpp"
#include "pmbench/error.hpp"
#include "pmbench/sha256.hpp"

namespace pmbench::dataset {
namespace {

std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Sha256, KnownVectors) {
  // FIPS 180-2 examples.
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string dir = testing::scratch_dir("sha256");
  std::ofstream(dir + "/abc.txt", std::ios::binary) << "abc";
  EXPECT_EQ(sha256_file(dir + "/abc.txt"), sha256_hex("abc"));
}

TEST(WindowDraw, Mt19937_64IsTheStandardEngine) {
  // [rand.predef]: the 10000th output of a default-constructed mt19937_64 is 9981545732273789042.
  std::mt19937_64 gen;
  gen.discard(9999);
  EXPECT_EQ(gen(), 9981545732273789042ULL);
}

TEST(WindowDraw, PinnedValues) {
  // mt19937_64(5489)'s first word is 14514284786278117030; 2^64 mod 1000 = 616, so it is accepted.
  EXPECT_EQ(uniform_below(5489, 1000), 14514284786278117030ULL % 1000);
  EXPECT_EQ(uniform_below(5489, 1), 0u);
  // Python: int(hashlib.sha256(b"2014:1467634/BV1fixA30/BV1fixA30_seq_0000").hexdigest()[:16], 16)
  EXPECT_EQ(sequence_seed(2014, SequenceRef{"1467634", "BV1fixA30", "BV1fixA30_seq_0000"}),
            11439709198256222825ULL);
  EXPECT_EQ(sequence_seed(7, SequenceRef{"a", "b", "c"}), 17330473773768960126ULL);
}

TEST(WindowDraw, UniformBelowStaysInRangeAndCoversIt) {
  std::set<std::uint64_t> seen;
  for (std::uint64_t s = 0; s < 2000; ++s) {
    const std::uint64_t v = uniform_below(s, 7);
    ASSERT_LT(v, 7u);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 7u);
  const std::uint64_t big = (1ULL << 63) + 1;  // rejection matters here: half of all words are rejected
  for (std::uint64_t s = 0; s < 50; ++s) EXPECT_LT(uniform_below(s, big), big);
}

TEST(WindowDraw, WindowStartsPerMode) {
  Protocol p;
  const SequenceRef seq{"1467634", "BVx", "BVx_seq_0003"};
  const std::vector<std::size_t> one = window_starts(p, seq, 900, 240);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_LE(one[0], 660u);
  EXPECT_EQ(one, window_starts(p, seq, 900, 240));  // deterministic
  EXPECT_EQ(one[0], uniform_below(sequence_seed(p.seed, seq), 661));
  EXPECT_EQ(window_starts(p, seq, 240, 240), std::vector<std::size_t>{0});
  EXPECT_TRUE(window_starts(p, seq, 239, 240).empty());
  p.windows = WindowMode::AllNonOverlapping;
  EXPECT_EQ(window_starts(p, seq, 750, 240), (std::vector<std::size_t>{0, 240, 480}));
  // Different sequences and seeds give different starts (spot check over many sequences).
  Protocol q;
  std::set<std::size_t> starts;
  for (int i = 0; i < 50; ++i)
    starts.insert(window_starts(q, {"u", "v", "s" + std::to_string(i)}, 900, 240)[0]);
  EXPECT_GT(starts.size(), 40u);
}

TEST(ProtocolTest, DefaultsLabelsAndNames) {
  const Protocol p = protocol_by_name("pm10m-v1");
  EXPECT_EQ(p.label(), "pm10m-v1");
  EXPECT_EQ(p.window_frames(), 240u);
  EXPECT_EQ(p.source_window_frames(24), 192u);
  EXPECT_EQ(p.source_window_frames(60), 480u);
  EXPECT_NE(message_of([&] { p.source_window_frames(29.97); }).find("not a whole number of frames"),
            std::string::npos);
  EXPECT_EQ(p.uploaders, (std::vector<std::string>{"1467634", "66685747"}));
  EXPECT_TRUE(uploader_selected(p, "66685747"));
  EXPECT_FALSE(uploader_selected(p, "2084102325"));
  Protocol q = p;
  q.uploaders.clear();
  q.seed = 7;
  q.windows = WindowMode::AllNonOverlapping;
  q.max_undetected = 12;
  EXPECT_EQ(q.label(), "pm10m-v1+uploaders=all+seed=7+windows=all-non-overlapping+max_undetected=12");
  EXPECT_TRUE(uploader_selected(q, "2084102325"));
  EXPECT_NE(
      message_of([] { protocol_by_name("pm10m-v0"); }).find("unknown protocol 'pm10m-v0' (known: pm10m-v1)"),
      std::string::npos);
  EXPECT_EQ(parse_window_mode("all-non-overlapping"), WindowMode::AllNonOverlapping);
  EXPECT_THROW(parse_window_mode("some"), Error);
}

TEST(Layout, SplitFilesAreSortedAndChecked) {
  const std::string root = testing::scratch_dir("layout");
  std::ofstream(root + "/test.txt") << "9 BVb\r\n\n1 BVz\n1 BVa  \n";
  const DatasetLayout layout(root + "/");
  const std::vector<VideoEntry> v = layout.read_split(Split::Test);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].up + " " + v[0].bv, "1 BVa");
  EXPECT_EQ(v[0].line, 4u);
  EXPECT_EQ(v[1].up + " " + v[1].bv, "1 BVz");
  EXPECT_EQ(v[2].up + " " + v[2].bv, "9 BVb");
  EXPECT_EQ(layout.annotation_path({"1", "BVa", "BVa_seq_0000"}),
            root + "/annotation/1/BVa/BVa_seq_0000.json");
  EXPECT_EQ(DatasetLayout::audio_relpath({"1", "BVa", "BVa_seq_0000"}), "audio/1/BVa/BVa_seq_0000.mp3");
  EXPECT_EQ(DatasetLayout::midi_relpath("1", "BVa"), "midi/1/BVa.mid");

  std::ofstream(root + "/valid.txt") << "1 BVa\n1 BVa\n";
  EXPECT_NE(message_of([&] { layout.read_split(Split::Valid); }).find("valid.txt:2: duplicate entry '1 BVa'"),
            std::string::npos);
  std::ofstream(root + "/train.txt") << "1 BVa extra\n";
  EXPECT_NE(message_of([&] { layout.read_split(Split::Train); }).find("train.txt:1: expected '<up> <bv>'"),
            std::string::npos);
  std::filesystem::remove(root + "/train.txt");
  EXPECT_NE(
      message_of([&] { layout.read_split(Split::Train); }).find("train.txt: cannot open the split file"),
      std::string::npos);
  EXPECT_NE(message_of([&] { layout.list_sequences(v[0]); }).find("no such annotation directory"),
            std::string::npos);
  EXPECT_EQ(parse_split("valid"), Split::Valid);
  EXPECT_NE(message_of([] { parse_split("dev"); }).find("unknown split 'dev'"), std::string::npos);
}

TEST(Layout, SequencesAreListedInNameOrder) {
  PMBENCH_REQUIRE_FIXTURE();
  const DatasetLayout layout(testing::fixture_root());
  const std::vector<SequenceRef> s = layout.list_sequences({"1467634", "BV1fixA30", 0});
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].id(), "1467634/BV1fixA30/BV1fixA30_seq_0000");
  EXPECT_EQ(s[2].stem, "BV1fixA30_seq_0002");
}

}  // namespace
}  // namespace pmbench::dataset
