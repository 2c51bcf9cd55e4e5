// Format-v1 reading and writing: every malformed input gets a one-line error naming the file,
// the dataset and the problem; the writer is atomic.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "h5_builder.hpp"
#include "pmbench/error.hpp"
#include "pmbench/io/motion_file.hpp"

namespace pmbench::test {
namespace {

using testing::AllOf;
using testing::HasSubstr;

// Runs `body` and returns the pmbench::Error it throws (fails the test when it throws nothing).
template <class Body>
Error error_of(Body&& body) {
  try {
    body();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "messages are one line: " << e.what();
    return e;
  }
  ADD_FAILURE() << "expected a pmbench::Error";
  return Error(ErrorKind::Internal, "");
}

class MotionFileErrors : public testing::Test {
 protected:
  TempDir dir;
  std::string path = dir.file("preds.h5");
};

TEST_F(MotionFileErrors, MissingFile) {
  const Error e = error_of([&] { io::MotionFile f(dir.file("nope.h5")); });
  EXPECT_EQ(e.kind(), ErrorKind::Io);
  EXPECT_THAT(e.what(), AllOf(HasSubstr("nope.h5"), HasSubstr("no such file")));
}

TEST_F(MotionFileErrors, NotHdf5) {
  std::ofstream(path) << "clip,value\n1,2\n";
  const Error e = error_of([&] { io::MotionFile f(path); });
  EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
  EXPECT_THAT(e.what(), AllOf(HasSubstr(path), HasSubstr("not an HDF5 file")));
}

TEST_F(MotionFileErrors, Directory) {
  const Error e = error_of([&] { io::MotionFile f(dir.path().string()); });
  EXPECT_THAT(e.what(), HasSubstr("is a directory"));
}

TEST_F(MotionFileErrors, MissingGroupAndDataset) {
  H5Builder(path).floats("/pred/right_pose", {2, 240, 48});
  io::MotionFile f(path);
  EXPECT_THAT(error_of([&] { f.group_shape("gt"); }).what(),
              AllOf(HasSubstr(path), HasSubstr("group /gt is missing")));
  EXPECT_THAT(error_of([&] { f.group_shape("pred"); }).what(),
              AllOf(HasSubstr(path), HasSubstr("/pred/left_pose is missing")));
}

TEST_F(MotionFileErrors, WrongRank) {
  H5Builder(path).group("pred", 2, 240).floats("/gt/right_pose", {240, 48});
  io::MotionFile f(path);
  EXPECT_THAT(error_of([&] { f.group_shape("gt"); }).what(),
              AllOf(HasSubstr("/gt/right_pose"), HasSubstr("expected 3 dimensions"), HasSubstr("got 2")));
}

TEST_F(MotionFileErrors, WrongLastDimension) {
  H5Builder(path).floats("/pred/right_pose", {2, 240, 51});
  io::MotionFile f(path);
  EXPECT_THAT(error_of([&] { f.group_shape("pred"); }).what(),
              AllOf(HasSubstr("/pred/right_pose"), HasSubstr("[C,T,48]"), HasSubstr("last dimension 51")));
}

TEST_F(MotionFileErrors, ClipCountDiffers) {
  H5Builder b(path);
  b.floats("/pred/right_pose", {3, 240, 48}).floats("/pred/left_pose", {2, 240, 48});
  b.floats("/pred/right_trans", {3, 240, 3}).floats("/pred/left_trans", {3, 240, 3});
  io::MotionFile f(path);
  EXPECT_THAT(error_of([&] { f.group_shape("pred"); }).what(),
              AllOf(HasSubstr("/pred/left_pose"), HasSubstr("has 2 clips but /pred/right_pose has 3")));
}

TEST_F(MotionFileErrors, FrameCountDiffers) {
  H5Builder b(path);
  b.floats("/pred/right_pose", {3, 240, 48}).floats("/pred/left_pose", {3, 240, 48});
  b.floats("/pred/right_trans", {3, 239, 3}).floats("/pred/left_trans", {3, 240, 3});
  io::MotionFile f(path);
  EXPECT_THAT(error_of([&] { f.group_shape("pred"); }).what(),
              AllOf(HasSubstr("/pred/right_trans"), HasSubstr("has 239 frames")));
}

TEST_F(MotionFileErrors, NoClips) {
  H5Builder(path).floats("/pred/right_pose", {0, 240, 48});
  io::MotionFile f(path);
  EXPECT_THAT(error_of([&] { f.group_shape("pred"); }).what(),
              AllOf(HasSubstr("/pred/right_pose"), HasSubstr("C = 0")));
}

TEST_F(MotionFileErrors, IntegerDtype) {
  H5Builder(path).ints("/pred/right_pose", {2, 240, 48});
  io::MotionFile f(path);
  EXPECT_THAT(
      error_of([&] { f.group_shape("pred"); }).what(),
      AllOf(HasSubstr("/pred/right_pose"), HasSubstr("expected float32 or float64"), HasSubstr("integers")));
}

TEST_F(MotionFileErrors, StringDtype) {
  H5Builder(path).strings("/pred/right_pose", {"a", "b"});
  io::MotionFile f(path);
  EXPECT_THAT(error_of([&] { f.group_shape("pred"); }).what(),
              AllOf(HasSubstr("/pred/right_pose"), HasSubstr("strings")));
}

TEST_F(MotionFileErrors, ClipIdsMustBeStrings) {
  H5Builder(path).group("pred", 2, 20).floats("/clip_id", {2});
  io::MotionFile f(path);
  EXPECT_THAT(error_of([&] { f.clip_ids(); }).what(),
              AllOf(HasSubstr("/clip_id"), HasSubstr("expected strings")));
}

TEST(MotionFile, ReadsFloat64FilesInEitherPrecision) {
  TempDir dir;
  const std::string path = dir.file("f64.h5");
  H5Builder(path).group("pred", 3, 17, 0.0, H5T_IEEE_F64LE).strings("/clip_id", {"a", "b", "c"});
  io::MotionFile f(path);
  EXPECT_EQ(f.group_shape("pred").clips, 3u);
  EXPECT_EQ(f.group_shape("pred").frames, 17u);
  EXPECT_EQ(f.clip_ids(), (std::vector<std::string>{"a", "b", "c"}));
  std::vector<io::ClipMotion<double>> d;
  std::vector<io::ClipMotion<float>> s;
  f.read_clips<double>("pred", 1, 2, d);
  f.read_clips<float>("pred", 1, 2, s);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0][io::Hand::Left].pose.rows(), 17);
  EXPECT_EQ(d[0][io::Hand::Left].pose.cols(), 48);
  EXPECT_EQ(d[1][io::Hand::Right].trans.cols(), 3);
  EXPECT_FLOAT_EQ(s[1][io::Hand::Right].trans(5, 2), static_cast<float>(d[1][io::Hand::Right].trans(5, 2)));
}

TEST(MotionFileWriter, RoundTripsAndCommitsAtomically) {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  std::vector<io::ClipMotion<double>> clips(2);
  for (int c = 0; c < 2; ++c) {
    for (int h = 0; h < 2; ++h) {
      clips[c].hands[h].pose = MatrixRM<double>::Random(5, 48);
      clips[c].hands[h].trans = MatrixRM<double>::Random(5, 3);
    }
  }
  {
    io::MotionFileWriter w(path, Precision::Float64);
    w.create_group("pred", {2, 5});
    w.write_clips("pred", 0, clips);
    w.write_clip_ids({"x", "y"});
    w.set_root_attribute("protocol", "test-v1");
    EXPECT_FALSE(std::filesystem::exists(path)) << "nothing at the final path before commit";
    w.commit();
  }
  io::MotionFile f(path);
  std::vector<io::ClipMotion<double>> back;
  f.read_clips<double>("pred", 0, 2, back);
  EXPECT_EQ(back[1][io::Hand::Left].pose, clips[1][io::Hand::Left].pose);
  EXPECT_EQ(back[0][io::Hand::Right].trans, clips[0][io::Hand::Right].trans);
  EXPECT_EQ(f.clip_ids(), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(f.root_attribute("protocol").value_or(""), "test-v1");
  EXPECT_FALSE(f.root_attribute("absent").has_value());
}

TEST(MotionFileWriter, AbandonedWriteLeavesNoFile) {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  {
    io::MotionFileWriter w(path, Precision::Float32);
    w.create_group("pred", {1, 5});
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "no output and no temporary left behind";
}

}  // namespace
}  // namespace pmbench::test
