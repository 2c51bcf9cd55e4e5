// pmbench.write_predictions: numpy arrays -> a format-v1 file, written atomically.
#include <algorithm>
#include <optional>

#include "bindings.hpp"
#include "pmbench/error.hpp"
#include "pmbench/io/motion_file.hpp"

namespace pmbench::python {
namespace {

/// Clips per block copied out of the arrays and written (bounds the extra memory).
constexpr std::size_t kWriteBlockClips = 64;

template <class Scalar>
void write_group(io::MotionFileWriter& writer, const std::string& group, const ClipSource& source) {
  writer.create_group(group, io::GroupShape{source.clips(), source.frames()});
  std::vector<io::ClipMotion<Scalar>> block;
  for (std::size_t first = 0; first < source.clips(); first += kWriteBlockClips) {
    source.read(first, std::min(kWriteBlockClips, source.clips() - first), block);
    writer.write_clips<Scalar>(group, first, block);
  }
}

template <class Scalar>
void write_file(const std::string& path, Precision precision, const ClipSource& pred, const ClipSource* gt,
                const std::vector<std::string>& ids) {
  io::MotionFileWriter writer(path, precision);
  write_group<Scalar>(writer, io::kPredGroup, pred);
  if (gt != nullptr) write_group<Scalar>(writer, io::kGtGroup, *gt);
  if (!ids.empty()) writer.write_clip_ids(ids);
  writer.commit();
}

void write_predictions(const py::object& path_obj, const py::object& right_pose, const py::object& left_pose,
                       const py::object& right_trans, const py::object& left_trans, const py::object& clip_id,
                       const py::object& gt) {
  std::string path;
  if (!as_path(path_obj, &path)) {
    throw py::type_error("pmbench.write_predictions: path must be a str or os.PathLike, got " +
                         std::string(py::str(py::type::of(path_obj))));
  }
  std::vector<std::string> ids;
  if (!clip_id.is_none()) ids = as_clip_ids(clip_id, "pmbench.write_predictions: clip_id");
  const ArraySet pred = ArraySet::from_arrays({right_pose, left_pose, right_trans, left_trans}, ids, "pred");
  std::optional<ArraySet> truth;
  if (!gt.is_none()) {
    truth.emplace(ArraySet::from_dict(gt, "gt", /*allow_clip_id=*/false));
    PMBENCH_CHECK(truth->clips() == pred.clips(), InvalidInput, "cannot write '", path, "': gt has ",
                  truth->clips(), " clips but pred has ", pred.clips(), " (the file's clips are shared)");
    PMBENCH_CHECK(truth->frames() == pred.frames(), InvalidInput, "cannot write '", path, "': gt has ",
                  truth->frames(), " frames per clip but pred has ", pred.frames());
  }
  const std::unique_ptr<ClipSource> pred_source = pred.source();
  const std::unique_ptr<ClipSource> gt_source = truth ? truth->source() : nullptr;
  // The file's dtype is pred's; a gt of the other dtype is converted.
  py::gil_scoped_release nogil;
  const std::lock_guard<std::mutex> lock(hdf5_mutex());
  if (pred.dtype() == DType::Float32) {
    write_file<float>(path, Precision::Float32, *pred_source, gt_source.get(), ids);
  } else {
    write_file<double>(path, Precision::Float64, *pred_source, gt_source.get(), ids);
  }
}

}  // namespace

void bind_write(py::module_& m) {
  using namespace pybind11::literals;
  m.def("write_predictions", &write_predictions, "path"_a, py::kw_only(), "right_pose"_a, "left_pose"_a,
        "right_trans"_a, "left_trans"_a, "clip_id"_a = py::none(), "gt"_a = py::none(),
        R"doc(Writes predictions (and optionally ground truth) as a format-v1 HDF5 file, atomically.

right_pose, left_pose: [C,T,48]; right_trans, left_trans: [C,T,3]; float32 or float64 (one dtype,
which becomes the file's), any strides. clip_id: C str, stored as /clip_id. gt: a dict of the
same four arrays, same C and T, stored as /gt. The file is written beside `path` under a
temporary name and renamed into place; on error nothing is left behind.)doc");
}

}  // namespace pmbench::python
