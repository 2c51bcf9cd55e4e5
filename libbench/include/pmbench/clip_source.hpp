// Where clips come from: a group of a format-v1 file (optionally re-ordered by a row map, e.g.
// after matching clip ids) or numpy-style arrays in memory. Scoring only sees this interface.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "pmbench/io/motion_file.hpp"

namespace pmbench {

class ClipSource {
 public:
  virtual ~ClipSource() = default;
  virtual std::size_t clips() const = 0;
  virtual std::size_t frames() const = 0;
  /// Clip ids in source order; empty when the source has none.
  virtual std::vector<std::string> clip_ids() const { return {}; }
  /// Reads clips [first, first + count) into `out` (resized to count).
  virtual void read(std::size_t first, std::size_t count, std::vector<io::ClipMotion<float>>& out) const = 0;
  virtual void read(std::size_t first, std::size_t count, std::vector<io::ClipMotion<double>>& out) const = 0;
  /// For messages: e.g. "preds.h5:/pred".
  virtual std::string describe() const = 0;
};

/// A group of an open MotionFile. With `rows`, clip i of the source is row rows[i] of the file.
class FileClipSource final : public ClipSource {
 public:
  FileClipSource(const io::MotionFile& file, std::string group, std::vector<std::size_t> rows = {});
  std::size_t clips() const override;
  std::size_t frames() const override { return shape_.frames; }
  std::vector<std::string> clip_ids() const override;
  void read(std::size_t first, std::size_t count, std::vector<io::ClipMotion<float>>& out) const override;
  void read(std::size_t first, std::size_t count, std::vector<io::ClipMotion<double>>& out) const override;
  std::string describe() const override;
  const io::MotionFile& file() const { return file_; }
  const std::string& group() const { return group_; }
  const std::vector<std::size_t>& rows() const { return rows_; }

 private:
  template <class Scalar>
  void read_impl(std::size_t first, std::size_t count, std::vector<io::ClipMotion<Scalar>>& out) const;
  const io::MotionFile& file_;
  std::string group_;
  std::vector<std::size_t> rows_;
  io::GroupShape shape_;
};

/// Strided view of one [C,T,D] array in memory (element strides, like numpy's byte strides / itemsize).
template <class Scalar>
struct ArrayView3 {
  const Scalar* data = nullptr;
  std::size_t shape[3] = {0, 0, 0};
  std::ptrdiff_t strides[3] = {0, 0, 0};
};

/// Four arrays (right_pose, left_pose, right_trans, left_trans) in memory, float or double.
template <class Scalar>
class ArrayClipSource final : public ClipSource {
 public:
  /// Checks shapes ([C,T,48] / [C,T,3], equal C and T, C > 0); `name` is used in messages.
  ArrayClipSource(std::string name, ArrayView3<Scalar> right_pose, ArrayView3<Scalar> left_pose,
                  ArrayView3<Scalar> right_trans, ArrayView3<Scalar> left_trans,
                  std::vector<std::string> clip_ids = {});
  std::size_t clips() const override { return pose_[0].shape[0]; }
  std::size_t frames() const override { return pose_[0].shape[1]; }
  std::vector<std::string> clip_ids() const override { return ids_; }
  void read(std::size_t first, std::size_t count, std::vector<io::ClipMotion<float>>& out) const override;
  void read(std::size_t first, std::size_t count, std::vector<io::ClipMotion<double>>& out) const override;
  std::string describe() const override { return name_; }

 private:
  template <class Out>
  void read_impl(std::size_t first, std::size_t count, std::vector<io::ClipMotion<Out>>& out) const;
  std::string name_;
  ArrayView3<Scalar> pose_[2];
  ArrayView3<Scalar> trans_[2];
  std::vector<std::string> ids_;
};

/// Row map that puts `gt_ids` in the order of `pred_ids`: result[i] = row of pred_ids[i] in gt.
/// Missing, extra or duplicate ids throw an Error naming them (up to a few) and both files.
std::vector<std::size_t> match_clip_ids(const std::vector<std::string>& pred_ids,
                                        const std::vector<std::string>& gt_ids, const std::string& pred_name,
                                        const std::string& gt_name);

/// A predictions file made for one frozen ground truth must not be scored against another: throws
/// when both files carry a root attribute `protocol` (or `manifest_sha256`) and they differ.
void check_same_protocol(const io::MotionFile& pred, const io::MotionFile& gt);

}  // namespace pmbench
