// Shared pieces of the pmbench Python module (_core): numpy array checks and copies, the
// dict-of-arrays inputs, and the bind_* functions each source file contributes.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "pmbench/clip_source.hpp"
#include "pmbench/io/motion_file.hpp"
#include "pmbench/metrics/types.hpp"

namespace pmbench::python {

namespace py = pybind11;

/// The floating-point dtypes the module accepts (native byte order).
enum class DType { Float32, Float64 };

/// numpy.asarray(obj) and its dtype; anything but float32/float64 is an Error(InvalidInput)
/// naming `what`.
py::array as_float_array(const py::handle& obj, const std::string& what, DType* dtype);

/// The [T,cols] array as the metrics read it (checks the shape): a view of the numpy buffer where
/// each row is contiguous and aligned (C order, or rows of a wider array), valid while the array
/// lives; otherwise a copy into `storage`.
template <class Scalar>
FramesRef<Scalar> frames_of(const py::array& array, long cols, const std::string& what,
                            MatrixRM<Scalar>* storage);

/// "(3, 4, 48)".
std::string shape_string(const py::array& array);

/// True (and the path in `path`, as os.fsdecode gives it) when obj is a str, bytes or os.PathLike.
bool as_path(const py::handle& obj, std::string* path);

/// Clip ids from a list/tuple/array of str (or bytes); TypeError for anything else.
std::vector<std::string> as_clip_ids(const py::handle& obj, const std::string& what);

/// The four arrays of one group (right_pose, left_pose, right_trans, left_trans) held alive, as
/// strided views: the numpy buffers are read in place, so the GIL can be released while they are.
class ArraySet {
 public:
  static constexpr std::array<const char*, 4> kKeys = {"right_pose", "left_pose", "right_trans",
                                                       "left_trans"};

  /// From a dict {right_pose, left_pose, right_trans, left_trans[, clip_id]}; unknown keys are
  /// errors. `allow_clip_id` = false rejects a "clip_id" entry.
  static ArraySet from_dict(const py::handle& dict, const std::string& name, bool allow_clip_id);
  /// From the four arrays in kKeys order.
  static ArraySet from_arrays(const std::array<py::object, 4>& arrays, std::vector<std::string> clip_ids,
                              const std::string& name);

  DType dtype() const { return dtype_; }
  const std::string& name() const { return name_; }
  /// C and T of right_pose (the ClipSource checks that the four agree).
  std::size_t clips() const { return static_cast<std::size_t>(arrays_[0].shape(0)); }
  std::size_t frames() const { return static_cast<std::size_t>(arrays_[0].shape(1)); }
  /// A ClipSource reading the arrays in place; valid while this ArraySet lives.
  std::unique_ptr<ClipSource> source() const;

 private:
  std::string name_;
  DType dtype_ = DType::Float32;
  std::array<py::array, 4> arrays_;
  std::vector<std::string> clip_ids_;
};

/// Serializes the module's HDF5 calls: files are read and written with the GIL released, and
/// HDF5 (Debian's serial build) is not thread-safe. Never wait for the GIL while holding it.
std::mutex& hdf5_mutex();

/// An io::MotionFile opened and closed under hdf5_mutex() (its other calls must lock too).
class LockedMotionFile {
 public:
  LockedMotionFile() = default;
  ~LockedMotionFile() { close(); }
  LockedMotionFile(const LockedMotionFile&) = delete;
  LockedMotionFile& operator=(const LockedMotionFile&) = delete;

  const io::MotionFile& open(const std::string& path) {
    const std::lock_guard<std::mutex> lock(hdf5_mutex());
    file_.emplace(path);
    return *file_;
  }
  void close() {
    if (!file_) return;
    const std::lock_guard<std::mutex> lock(hdf5_mutex());
    file_.reset();
  }
  explicit operator bool() const { return file_.has_value(); }
  const io::MotionFile& operator*() const { return *file_; }
  const io::MotionFile* operator->() const { return &*file_; }

 private:
  std::optional<io::MotionFile> file_;
};

void bind_metrics(py::module_& m);
void bind_score(py::module_& m);
void bind_write(py::module_& m);

}  // namespace pmbench::python
