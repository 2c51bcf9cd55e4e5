// Predictions / ground-truth files, format v1 (docs/format.md):
//   /pred/{right,left}_pose [C,T,48]  /pred/{right,left}_trans [C,T,3]   float32 or float64
//   /gt/...   the same four datasets (optional)
//   /clip_id  [C] strings (optional)
// Reading streams clips in blocks, so memory stays bounded whatever C is.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pmbench/metrics/types.hpp"

namespace pmbench::io {

enum class Hand { Right = 0, Left = 1 };
inline constexpr std::array<const char*, 2> kHandNames = {"right", "left"};
inline constexpr int kNumHands = 2;

/// "pred" or "gt".
inline constexpr const char* kPredGroup = "pred";
inline constexpr const char* kGtGroup = "gt";
inline constexpr int kFormatVersion = 1;

/// Motion of one hand over one clip: pose [T,48], trans [T,3].
template <class Scalar>
struct HandMotion {
  MatrixRM<Scalar> pose;
  MatrixRM<Scalar> trans;
};

/// Motion of both hands over one clip, indexed by Hand.
template <class Scalar>
struct ClipMotion {
  std::array<HandMotion<Scalar>, kNumHands> hands;
  HandMotion<Scalar>& operator[](Hand h) { return hands[static_cast<int>(h)]; }
  const HandMotion<Scalar>& operator[](Hand h) const { return hands[static_cast<int>(h)]; }
};

struct GroupShape {
  std::size_t clips = 0;
  std::size_t frames = 0;
};

/// A format-v1 file opened for reading. Every accessor validates what it touches and throws
/// pmbench::Error with a one-line message naming the file and dataset.
class MotionFile {
 public:
  explicit MotionFile(const std::string& path);
  ~MotionFile();
  MotionFile(MotionFile&&) noexcept;
  MotionFile& operator=(MotionFile&&) noexcept;

  const std::string& path() const;
  bool has_group(std::string_view group) const;
  /// Shape shared by the group's four datasets (checked: rank 3, last dim 48/3, float dtype,
  /// equal C and T, C > 0).
  GroupShape group_shape(std::string_view group) const;
  bool has_clip_ids() const;
  /// /clip_id as strings (checked: rank 1, string dtype).
  std::vector<std::string> clip_ids() const;
  /// A string attribute of the root group, if present.
  std::optional<std::string> root_attribute(const std::string& name) const;

  /// Reads clips [first, first + count) of a group, converting to Scalar.
  template <class Scalar>
  void read_clips(std::string_view group, std::size_t first, std::size_t count,
                  std::vector<ClipMotion<Scalar>>& out) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Writes a format-v1 file atomically: everything goes to a temporary file beside `path`,
/// which commit() renames into place. Destroyed without commit(), the temporary is removed.
class MotionFileWriter {
 public:
  MotionFileWriter(const std::string& path, Precision precision);
  ~MotionFileWriter();
  MotionFileWriter(const MotionFileWriter&) = delete;
  MotionFileWriter& operator=(const MotionFileWriter&) = delete;

  /// Creates the four datasets of a group ("pred" or "gt").
  void create_group(const std::string& group, GroupShape shape);
  /// Writes clips starting at index `first` of a created group.
  template <class Scalar>
  void write_clips(const std::string& group, std::size_t first, const std::vector<ClipMotion<Scalar>>& clips);
  void write_clip_ids(const std::vector<std::string>& ids);
  void set_root_attribute(const std::string& name, const std::string& value);
  /// Closes the file and renames it into place.
  void commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pmbench::io
