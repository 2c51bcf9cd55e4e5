// Annotation reader: header, frames, the official conventions (adjust, betas), resampling, errors.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "fixture.hpp"
#include "pmbench/dataset/annotation.hpp"
#include "pmbench/error.hpp"

namespace pmbench::dataset {
namespace {

using testing::fixture_root;
using testing::raw_annotation;

std::string error_of(const std::string& text) {
  try {
    parse_annotation(text, "x.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::string frame(int values, const char* first = "1") {
  std::string s = "[";
  s += first;
  for (int i = 1; i < values; ++i) s += ", " + std::to_string(i * 0.5);
  return s + "]";
}

std::string doc(const std::string& right, const std::string& left, const std::string& header_extra = "") {
  return R"({"up": "1", "bv": "BVx", "frame_num": 10, "fps": 30, "fx": 1.5, "height": 4, "width": 8,
            "adjust": [0.5, 0.25, -1.0], "start_frame": 3, "end_frame": 4)" +
         header_extra + R"(, "right": )" + right + R"(, "left": )" + left + "}";
}

TEST(Annotation, ParsesHeaderAndFramesFromTheListLength) {
  const Annotation a = parse_annotation(
      doc("[" + frame(62) + ", " + frame(62) + "]", "[" + frame(62) + ", " + frame(62, "0") + "]"), "x.json");
  EXPECT_EQ(a.up, "1");
  EXPECT_EQ(a.bv, "BVx");
  EXPECT_EQ(a.frame_num, 10);  // the whole video: not the sequence length
  EXPECT_EQ(a.num_frames(), 2u);
  EXPECT_DOUBLE_EQ(a.fps, 30.0);
  EXPECT_EQ(a.start_frame, 3);
  EXPECT_DOUBLE_EQ(a.adjust[2], -1.0);
  EXPECT_EQ(undetected_frames(a, io::Hand::Left, 0, 2), 1u);
  EXPECT_EQ(undetected_frames(a, io::Hand::Right, 0, 2), 0u);
}

TEST(Annotation, HandMotionDropsBetasAndAddsAdjustToTyTz) {
  const Annotation a = parse_annotation(doc("[" + frame(62) + "]", "[" + frame(62) + "]"), "x.json");
  const io::HandMotion<double> m = hand_motion(a, io::Hand::Right, 0, 1);
  ASSERT_EQ(m.pose.cols(), 48);
  ASSERT_EQ(m.trans.cols(), 3);
  EXPECT_DOUBLE_EQ(m.trans(0, 0), 0.5);         // tx untouched (adjust[0] is not used)
  EXPECT_DOUBLE_EQ(m.trans(0, 1), 1.0 + 0.25);  // ty + adjust[1]
  EXPECT_DOUBLE_EQ(m.trans(0, 2), 1.5 - 1.0);   // tz + adjust[2]
  EXPECT_DOUBLE_EQ(m.pose(0, 0), 2.0);          // column 4
  EXPECT_DOUBLE_EQ(m.pose(0, 47), 51 * 0.5);    // column 51; betas (52..61) dropped
  const io::HandMotion<double> raw = hand_motion(a, io::Hand::Right, 0, 1, /*apply_adjust=*/false);
  EXPECT_DOUBLE_EQ(raw.trans(0, 1), 1.0);
}

TEST(Annotation, ErrorsNameTheFileAndTheProblem) {
  EXPECT_NE(error_of("{\"up\": ").find("x.json: malformed JSON at byte"), std::string::npos);
  EXPECT_NE(error_of("[1, 2]").find("x.json: the annotation is not a JSON object"), std::string::npos);
  EXPECT_NE(error_of(R"({"up": "1"})").find("x.json: missing key 'bv'"), std::string::npos);
  EXPECT_NE(error_of(doc("[" + frame(61) + "]", "[" + frame(62) + "]"))
                .find("right[0] is not a list of 62 numbers"),
            std::string::npos);
  EXPECT_NE(error_of(doc("[" + frame(62) + "]", "[" + frame(62) + ", " + frame(62) + "]"))
                .find("'right' has 1 frames but 'left' has 2"),
            std::string::npos);
  EXPECT_NE(error_of(doc("[" + frame(62, "\"a\"") + "]", "[" + frame(62) + "]"))
                .find("right[0][0] is not a number"),
            std::string::npos);
  const std::string bad_fps =
      R"({"up": "1", "bv": "b", "frame_num": 1, "fps": 0, "fx": 1, "height": 1, "width": 1,
      "adjust": [0,0,0], "start_frame": 0, "end_frame": 0, "right": [], "left": []})";
  EXPECT_NE(error_of(bad_fps).find("fps must be positive"), std::string::npos);
  try {
    read_annotation("/nonexistent/dir/a.json");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Io);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/a.json: cannot open"), std::string::npos);
  }
}

TEST(Annotation, JsonScannerDetails) {
  // Unknown keys (nested values included) are skipped; a numeric uploader id becomes its digits;
  // string escapes are decoded; Python's NaN / Infinity are read like json.load does.
  std::string values = "[1";
  for (int i = 1; i < 62; ++i) values += i == 1 ? ", NaN" : i == 2 ? ", -1.5e-3" : ", 0";
  values += "]";
  const std::string text =
      R"({"extra": {"a": [1, {"b": null}], "c": true}, "up": 1467634, "bv": "BV\u00e9\"x",
      "frame_num": 10, "fps": 24.0, "fx": -0, "height": 4, "width": 8, "adjust": [0, 1E2, -2],
      "start_frame": 0, "end_frame": 0, "right": [)" +
      values + R"(], "left": [)" + values + "]}\n";
  const Annotation a = parse_annotation(text, "x.json");
  EXPECT_EQ(a.up, "1467634");
  EXPECT_EQ(a.bv, "BV\xc3\xa9\"x");
  EXPECT_DOUBLE_EQ(a.adjust[1], 100.0);
  EXPECT_TRUE(std::isnan(a.frames[0](0, 1)));
  EXPECT_DOUBLE_EQ(a.frames[1](0, 2), -1.5e-3);
  // Grammar errors report the byte offset.
  EXPECT_NE(error_of(R"({"up": 01})").find("malformed JSON at byte"), std::string::npos);
  EXPECT_NE(error_of(R"({"up": 1.})").find("malformed JSON at byte 9 (expected a digit)"), std::string::npos);
  EXPECT_NE(error_of(R"({"up": "1"} x)").find("malformed JSON at byte 12 (expected the end of the file)"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"up": "a\qb"})").find("expected a valid escape"), std::string::npos);
  EXPECT_NE(error_of(R"({"up" "1"})").find("expected ':'"), std::string::npos);
  EXPECT_NE(error_of("").find("x.json: malformed JSON at byte 0 (expected a JSON object)"),
            std::string::npos);
  EXPECT_NE(error_of(doc("[" + frame(62) + "]", "{}")).find("key 'left' is not a list of frames (object)"),
            std::string::npos);
  EXPECT_NE(
      error_of(doc("[" + frame(62) + "]", "[" + frame(63) + "]")).find("left[0] is not a list of 62 numbers"),
      std::string::npos);
  EXPECT_NE(error_of(R"({"up": "1", "bv": "b", "frame_num": 1.5})").find("key 'frame_num' is not an integer"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"up": "1", "bv": "b", "frame_num": 1, "fps": "30"})")
                .find("key 'fps' is not a number (string)"),
            std::string::npos);
}

TEST(Annotation, OutOfRangeWindowIsAnError) {
  const Annotation a = parse_annotation(doc("[" + frame(62) + "]", "[" + frame(62) + "]"), "x.json");
  EXPECT_THROW(hand_motion(a, io::Hand::Left, 0, 2), Error);
  EXPECT_THROW(undetected_frames(a, io::Hand::Left, 1, 1), Error);
}

// torch.nn.functional.interpolate(torch.tensor([[[0., 10., 20.]]]), size=5, mode='linear')
// = [0, 4, 10, 16, 20] (align_corners=False: source x = max(0, (i + 0.5) * 3/5 - 0.5)).
TEST(Resample, MatchesTorchLinearAlignCornersFalse) {
  MatrixRM<double> in(3, 1);
  in << 0, 10, 20;
  const MatrixRM<double> out = resample_linear(in, 5);
  ASSERT_EQ(out.rows(), 5);
  const double expected[5] = {0, 4, 10, 16, 20};
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(out(i, 0), expected[i], 1e-12) << "row " << i;
  // Downsampling by 2 averages neighbours: x_i = 2i + 0.5.
  MatrixRM<double> ramp(8, 2);
  for (int i = 0; i < 8; ++i) ramp.row(i) << i, -3.0 * i;
  const MatrixRM<double> half = resample_linear(ramp, 4);
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(half(i, 0), 2 * i + 0.5, 1e-12);
    EXPECT_NEAR(half(i, 1), -3 * (2 * i + 0.5), 1e-12);
  }
}

TEST(Resample, PropertiesIdentityConstantsAndBounds) {
  MatrixRM<double> in = MatrixRM<double>::Random(192, 5);
  EXPECT_EQ(resample_linear(in, 192), in);
  const MatrixRM<double> up = resample_linear(in, 240);
  for (Eigen::Index c = 0; c < in.cols(); ++c) {  // linear interpolation never leaves the input range
    EXPECT_LE(up.col(c).maxCoeff(), in.col(c).maxCoeff() + 1e-12);
    EXPECT_GE(up.col(c).minCoeff(), in.col(c).minCoeff() - 1e-12);
  }
  EXPECT_EQ(up.row(0), in.row(0));      // x = max(0, 0.5 * 0.8 - 0.5) = 0
  EXPECT_EQ(up.row(239), in.row(191));  // clamped at the last row
  const MatrixRM<double> constant = MatrixRM<double>::Constant(480, 3, 2.5);
  EXPECT_TRUE(resample_linear(constant, 240).isApproxToConstant(2.5, 1e-15));
}

TEST(AnnotationFixture, ReaderAgreesWithRawJson) {
  PMBENCH_REQUIRE_FIXTURE();
  const std::string rel = "annotation/1467634/BV1fixA30/BV1fixA30_seq_0001.json";
  const nlohmann::json raw = raw_annotation(rel);
  const Annotation a = read_annotation(fixture_root() + "/" + rel);
  ASSERT_EQ(a.num_frames(), raw["right"].size());
  EXPECT_EQ(a.num_frames(), 270u);
  EXPECT_EQ(a.start_frame, raw["start_frame"].get<long long>());
  const io::HandMotion<double> left = hand_motion(a, io::Hand::Left, 0, a.num_frames());
  for (std::size_t t = 0; t < a.num_frames(); t += 37) {
    const auto& f = raw["left"][t];
    EXPECT_EQ(left.trans(static_cast<Eigen::Index>(t), 1),
              f[2].get<double>() + raw["adjust"][1].get<double>());
    EXPECT_EQ(left.trans(static_cast<Eigen::Index>(t), 2),
              f[3].get<double>() + raw["adjust"][2].get<double>());
    EXPECT_EQ(left.pose(static_cast<Eigen::Index>(t), 7), f[11].get<double>());
  }
  EXPECT_EQ(undetected_frames(a, io::Hand::Left, 0, a.num_frames()), 60u);  // frames 40..99
  EXPECT_EQ(undetected_frames(a, io::Hand::Right, 0, a.num_frames()), 5u);  // frames 10..14
  EXPECT_EQ(undetected_frames(a, io::Hand::Left, 0, 40), 0u);
}

TEST(AnnotationFixture, TruncatedFileIsAMalformedJsonError) {
  PMBENCH_REQUIRE_FIXTURE();
  const std::string path = fixture_root() + "/annotation/66685747/BV1fixB30/BV1fixB30_seq_0002.json";
  try {
    read_annotation(path);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    EXPECT_NE(std::string(e.what()).find(path + ": malformed JSON"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace pmbench::dataset
