// numpy inputs: dtype and shape checks, copies of arbitrary strides, dict-of-arrays groups.
#include <sstream>

#include "bindings.hpp"
#include "pmbench/error.hpp"
#include "pmbench/metrics/per_hand.hpp"

namespace pmbench::python {

std::mutex& hdf5_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::string shape_string(const py::array& array) {
  std::ostringstream out;
  out << "(";
  for (py::ssize_t k = 0; k < array.ndim(); ++k) {
    out << (k ? ", " : "") << array.shape(k);
  }
  out << (array.ndim() == 1 ? ",)" : ")");
  return out.str();
}

py::array as_float_array(const py::handle& obj, const std::string& what, DType* dtype) {
  py::array array = py::array::ensure(obj);
  if (!array) {
    throw py::type_error(what + ": expected a numpy array, got " + std::string(py::str(py::type::of(obj))));
  }
  if (py::isinstance<py::array_t<float>>(array)) {
    *dtype = DType::Float32;
  } else if (py::isinstance<py::array_t<double>>(array)) {
    *dtype = DType::Float64;
  } else {
    PMBENCH_FAIL(InvalidInput, what, ": expected float32 or float64 values, got ",
                 std::string(py::str(array.dtype())), " (convert with .astype(numpy.float32))");
  }
  return array;
}

namespace {

// A [T,cols] array of any strides copied into a contiguous row-major matrix.
template <class Scalar>
MatrixRM<Scalar> copy_frames(const py::array& array, long cols) {
  const auto in = array.unchecked<Scalar, 2>();  // byte strides: any order, any step, negative too
  MatrixRM<Scalar> out(in.shape(0), cols);
  for (py::ssize_t t = 0; t < in.shape(0); ++t) {
    for (py::ssize_t j = 0; j < cols; ++j) out(t, j) = in(t, j);
  }
  return out;
}

}  // namespace

template <class Scalar>
FramesRef<Scalar> frames_of(const py::array& array, long cols, const std::string& what,
                            MatrixRM<Scalar>* storage) {
  PMBENCH_CHECK(array.ndim() == 2 && array.shape(1) == cols, InvalidInput, what, ": expected shape [T,", cols,
                "], got ", shape_string(array));
  const auto item = static_cast<py::ssize_t>(sizeof(Scalar));
  const py::ssize_t rows = array.shape(0), row_stride = array.strides(0);
  const bool aligned = (array.flags() & py::detail::npy_api::NPY_ARRAY_ALIGNED_) != 0;
  // Rows apart by whole elements, in order and not overlapping (numpy's stride of a lone row or
  // column is arbitrary: ignored).
  const bool rows_apart = rows <= 1 || (row_stride >= cols * item && row_stride % item == 0);
  if (aligned && (array.strides(1) == item || cols <= 1) && rows_apart) {
    const Eigen::Index outer = rows <= 1 ? cols : row_stride / item;
    return Eigen::Map<const MatrixRM<Scalar>, 0, Eigen::OuterStride<>>(
        static_cast<const Scalar*>(array.data()), rows, cols, Eigen::OuterStride<>(outer));
  }
  *storage = copy_frames<Scalar>(array, cols);
  return *storage;
}

template FramesRef<float> frames_of<float>(const py::array&, long, const std::string&, MatrixRM<float>*);
template FramesRef<double> frames_of<double>(const py::array&, long, const std::string&, MatrixRM<double>*);

bool as_path(const py::handle& obj, std::string* path) {
  const py::module_ os = py::module_::import("os");
  if (!py::isinstance<py::str>(obj) && !py::isinstance<py::bytes>(obj) &&
      !py::isinstance(obj, os.attr("PathLike"))) {
    return false;
  }
  *path = os.attr("fsdecode")(obj).cast<std::string>();
  return true;
}

std::vector<std::string> as_clip_ids(const py::handle& obj, const std::string& what) {
  if (py::isinstance<py::str>(obj) || py::isinstance<py::bytes>(obj) || !py::hasattr(obj, "__iter__")) {
    throw py::type_error(what + ": expected a list of str, got " + std::string(py::str(py::type::of(obj))));
  }
  std::vector<std::string> ids;
  for (const py::handle item : obj) {
    if (py::isinstance<py::str>(item)) {
      ids.push_back(item.cast<std::string>());
    } else if (py::isinstance<py::bytes>(item)) {
      ids.push_back(item.attr("decode")("utf-8").cast<std::string>());
    } else {
      throw py::type_error(what + ": clip ids must be str, got " + std::string(py::str(py::type::of(item))));
    }
  }
  return ids;
}

namespace {

template <class Scalar>
ArrayView3<Scalar> view3(const py::array& a) {
  ArrayView3<Scalar> v;
  v.data = static_cast<const Scalar*>(a.data());
  for (int k = 0; k < 3; ++k) {
    v.shape[k] = static_cast<std::size_t>(a.shape(k));
    v.strides[k] = a.strides(k) / static_cast<py::ssize_t>(sizeof(Scalar));
  }
  return v;
}

template <class Scalar>
std::unique_ptr<ClipSource> make_source(const std::string& name, const std::array<py::array, 4>& a,
                                        const std::vector<std::string>& ids) {
  return std::make_unique<ArrayClipSource<Scalar>>(name, view3<Scalar>(a[0]), view3<Scalar>(a[1]),
                                                   view3<Scalar>(a[2]), view3<Scalar>(a[3]), ids);
}

std::string key_list(bool with_clip_id) {
  std::string out;
  for (const char* key : ArraySet::kKeys) out += (out.empty() ? "" : ", ") + std::string(key);
  return with_clip_id ? out + ", clip_id" : out;
}

}  // namespace

ArraySet ArraySet::from_arrays(const std::array<py::object, 4>& arrays, std::vector<std::string> clip_ids,
                               const std::string& name) {
  ArraySet set;
  set.name_ = name;
  for (int i = 0; i < 4; ++i) {
    const std::string what = name + "." + kKeys[i];
    DType dtype;
    py::array a = as_float_array(arrays[i], what, &dtype);
    if (i == 0) set.dtype_ = dtype;
    PMBENCH_CHECK(dtype == set.dtype_, InvalidInput, what, ": dtype ", std::string(py::str(a.dtype())),
                  " differs from right_pose's ", std::string(py::str(set.arrays_[0].dtype())),
                  " (use one dtype for the four arrays)");
    const long dim = i < 2 ? kPoseDim : kTransDim;
    PMBENCH_CHECK(a.ndim() == 3 && a.shape(2) == dim, InvalidInput, what, ": expected shape [C,T,", dim,
                  "], got ", shape_string(a));
    if (i > 0) {
      const py::array& first = set.arrays_[0];
      PMBENCH_CHECK(a.shape(0) == first.shape(0) && a.shape(1) == first.shape(1), InvalidInput, what,
                    ": shape ", shape_string(a), " does not match right_pose ", shape_string(first),
                    " in C or T");
    }
    // Strides that are not whole elements (views into structured arrays) are copied.
    bool whole = true;
    for (int k = 0; k < 3; ++k) whole = whole && a.strides(k) % a.itemsize() == 0;
    if (!whole) a = py::array::ensure(a, py::array::c_style);
    set.arrays_[i] = std::move(a);
  }
  PMBENCH_CHECK(clip_ids.empty() || clip_ids.size() == set.clips(), InvalidInput, name, ": clip_id has ",
                clip_ids.size(), " entries for ", set.clips(), " clips");
  set.clip_ids_ = std::move(clip_ids);
  return set;
}

ArraySet ArraySet::from_dict(const py::handle& dict, const std::string& name, bool allow_clip_id) {
  const py::module_ abc = py::module_::import("collections.abc");
  if (!py::isinstance(dict, abc.attr("Mapping"))) {
    throw py::type_error(name + ": expected a dict of arrays {" + key_list(allow_clip_id) +
                         "} or a file path, got " + std::string(py::str(py::type::of(dict))));
  }
  const py::object mapping = py::reinterpret_borrow<py::object>(dict);
  for (const py::handle key : mapping) {
    const std::string k = py::str(key);
    bool known = allow_clip_id && k == "clip_id";
    for (const char* expected : kKeys) known = known || k == expected;
    PMBENCH_CHECK(known, InvalidInput, name, ": unknown key '", k, "' (expected ", key_list(allow_clip_id),
                  ")");
  }
  std::array<py::object, 4> arrays;
  for (int i = 0; i < 4; ++i) {
    PMBENCH_CHECK(mapping.contains(kKeys[i]), InvalidInput, name, ": missing '", kKeys[i], "'");
    arrays[i] = mapping[kKeys[i]];
  }
  std::vector<std::string> ids;
  if (allow_clip_id && mapping.contains("clip_id") && !mapping["clip_id"].is_none()) {
    ids = as_clip_ids(mapping["clip_id"], name + ".clip_id");
  }
  return from_arrays(arrays, std::move(ids), name);
}

std::unique_ptr<ClipSource> ArraySet::source() const {
  return dtype_ == DType::Float32 ? make_source<float>(name_, arrays_, clip_ids_)
                                  : make_source<double>(name_, arrays_, clip_ids_);
}

}  // namespace pmbench::python
