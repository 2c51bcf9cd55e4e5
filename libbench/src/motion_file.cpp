// Format-v1 HDF5 files through the HDF5 C API, with small RAII handles and validation that names
// the file and dataset in every message.
#include "pmbench/io/motion_file.hpp"

#include <hdf5.h>

#include <cstdio>
#include <filesystem>
#include <random>
#include <utility>

#include "pmbench/error.hpp"
#include "pmbench/metrics/per_hand.hpp"

namespace pmbench::io {
namespace {

// HDF5 prints its error stack to stderr by default; pmbench reports its own one-line errors.
void silence_hdf5_errors() {
  static const bool silenced = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)silenced;
}

// Owns an hid_t and closes it with the matching H5*close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), closer_(o.closer_) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
      closer_ = o.closer_;
    }
    return *this;
  }
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset() {
    if (id_ >= 0 && closer_) closer_(id_);
    id_ = H5I_INVALID_HID;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

const char* kind_suffix(std::string_view name) {
  return name.size() > 5 && name.substr(name.size() - 5) == "_pose" ? "pose" : "trans";
}

std::string dataset_path(std::string_view group, std::string_view name) {
  return "/" + std::string(group) + "/" + std::string(name);
}

// The four datasets of a group, in the order right_pose, left_pose, right_trans, left_trans.
const std::array<std::string, 4>& dataset_names() {
  static const std::array<std::string, 4> names = {"right_pose", "left_pose", "right_trans", "left_trans"};
  return names;
}

int expected_last_dim(std::string_view name) {
  return std::string_view(kind_suffix(name)) == "pose" ? kPoseDim : kTransDim;
}

bool link_exists(hid_t file, const std::string& path) {
  // H5Lexists needs every intermediate link to exist: walk the path.
  std::size_t pos = 1;
  while (true) {
    const std::size_t next = path.find('/', pos);
    const std::string prefix = path.substr(0, next);
    if (H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (next == std::string::npos) return true;
    pos = next + 1;
  }
}

// Reads `count` strings (variable or fixed length) from a dataset or an attribute; returns an
// empty string on success, else the problem.
std::string read_strings(hid_t obj, bool is_attribute, hid_t type, std::size_t count,
                         std::vector<std::string>& out) {
  out.clear();
  if (H5Tis_variable_str(type) > 0) {
    std::vector<char*> buf(count, nullptr);
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type));
    const herr_t status = is_attribute ? H5Aread(obj, mem.get(), buf.data())
                                       : H5Dread(obj, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());
    if (status < 0) return "cannot be read";
    for (char* s : buf) {
      out.emplace_back(s ? s : "");
      std::free(s);
    }
    return {};
  }
  const std::size_t width = H5Tget_size(type);
  std::vector<char> buf(width * count + 1, '\0');
  Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(mem.get(), width);
  H5Tset_strpad(mem.get(), H5T_STR_NULLPAD);
  const herr_t status = is_attribute ? H5Aread(obj, mem.get(), buf.data())
                                     : H5Dread(obj, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());
  if (status < 0) return "cannot be read";
  for (std::size_t i = 0; i < count; ++i) {
    const char* begin = buf.data() + i * width;
    std::size_t len = 0;
    while (len < width && begin[len] != '\0') ++len;
    std::string s(begin, len);
    while (!s.empty() && s.back() == ' ') s.pop_back();  // space-padded fixed strings
    out.push_back(std::move(s));
  }
  return {};
}

}  // namespace

struct MotionFile::Impl {
  std::string path;
  Handle file;

  std::string where(const std::string& dataset) const { return "'" + path + "' dataset " + dataset; }

  Handle open_dataset(const std::string& dpath) const {
    PMBENCH_CHECK(link_exists(file.get(), dpath), InvalidInput, "'", path, "': dataset ", dpath,
                  " is missing");
    Handle d(H5Dopen2(file.get(), dpath.c_str(), H5P_DEFAULT), H5Dclose);
    PMBENCH_CHECK(d.valid(), InvalidInput, where(dpath), ": is not a dataset or cannot be opened");
    return d;
  }

  // Validates one [C,T,D] dataset and returns its dims.
  std::array<hsize_t, 3> checked_dims(const std::string& dpath, int last_dim) const {
    Handle d = open_dataset(dpath);
    Handle type(H5Dget_type(d.get()), H5Tclose);
    const H5T_class_t cls = H5Tget_class(type.get());
    if (cls != H5T_FLOAT) {
      const char* got = cls == H5T_INTEGER  ? "integers"
                        : cls == H5T_STRING ? "strings"
                                            : "a non-numeric type";
      PMBENCH_FAIL(InvalidInput, where(dpath), ": expected float32 or float64 values, got ", got);
    }
    Handle space(H5Dget_space(d.get()), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    PMBENCH_CHECK(rank == 3, InvalidInput, where(dpath), ": expected 3 dimensions [C,T,", last_dim, "], got ",
                  rank);
    std::array<hsize_t, 3> dims{};
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    PMBENCH_CHECK(dims[2] == static_cast<hsize_t>(last_dim), InvalidInput, where(dpath),
                  ": expected shape [C,T,", last_dim, "], got [", dims[0], ",", dims[1], ",", dims[2],
                  "] (last dimension ", dims[2], ")");
    PMBENCH_CHECK(dims[0] > 0, InvalidInput, where(dpath), ": has no clips (C = 0)");
    PMBENCH_CHECK(dims[1] > 0, InvalidInput, where(dpath), ": has no frames (T = 0)");
    return dims;
  }
};

MotionFile::MotionFile(const std::string& path) : impl_(std::make_unique<Impl>()) {
  silence_hdf5_errors();
  impl_->path = path;
  std::error_code ec;
  PMBENCH_CHECK(std::filesystem::exists(path, ec), Io, "cannot open '", path, "': no such file");
  PMBENCH_CHECK(!std::filesystem::is_directory(path, ec), Io, "cannot open '", path, "': is a directory");
  std::FILE* probe = std::fopen(path.c_str(), "rb");
  PMBENCH_CHECK(probe != nullptr, Io, "cannot open '", path, "': permission denied or unreadable");
  std::fclose(probe);
  PMBENCH_CHECK(H5Fis_hdf5(path.c_str()) > 0, InvalidInput, "cannot read '", path, "': not an HDF5 file");
  impl_->file = Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  PMBENCH_CHECK(impl_->file.valid(), Io, "cannot open '", path,
                "': HDF5 could not open it (corrupt or locked?)");
}

MotionFile::~MotionFile() = default;
MotionFile::MotionFile(MotionFile&&) noexcept = default;
MotionFile& MotionFile::operator=(MotionFile&&) noexcept = default;

const std::string& MotionFile::path() const { return impl_->path; }

bool MotionFile::has_group(std::string_view group) const {
  return link_exists(impl_->file.get(), "/" + std::string(group));
}

GroupShape MotionFile::group_shape(std::string_view group) const {
  PMBENCH_CHECK(has_group(group), InvalidInput, "'", impl_->path, "': group /", group, " is missing");
  GroupShape shape;
  std::string first;
  for (const std::string& name : dataset_names()) {
    const std::string dpath = dataset_path(group, name);
    const auto dims = impl_->checked_dims(dpath, expected_last_dim(name));
    if (first.empty()) {
      shape = {static_cast<std::size_t>(dims[0]), static_cast<std::size_t>(dims[1])};
      first = dpath;
      continue;
    }
    PMBENCH_CHECK(dims[0] == shape.clips, InvalidInput, impl_->where(dpath), ": has ", dims[0], " clips but ",
                  first, " has ", shape.clips);
    PMBENCH_CHECK(dims[1] == shape.frames, InvalidInput, impl_->where(dpath), ": has ", dims[1],
                  " frames but ", first, " has ", shape.frames);
  }
  return shape;
}

bool MotionFile::has_clip_ids() const { return link_exists(impl_->file.get(), "/clip_id"); }

std::vector<std::string> MotionFile::clip_ids() const {
  const std::string dpath = "/clip_id";
  Handle d = impl_->open_dataset(dpath);
  Handle type(H5Dget_type(d.get()), H5Tclose);
  PMBENCH_CHECK(H5Tget_class(type.get()) == H5T_STRING, InvalidInput, impl_->where(dpath),
                ": expected strings, got another type");
  Handle space(H5Dget_space(d.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  PMBENCH_CHECK(rank == 1, InvalidInput, impl_->where(dpath), ": expected 1 dimension [C], got ", rank);
  hsize_t count = 0;
  H5Sget_simple_extent_dims(space.get(), &count, nullptr);
  std::vector<std::string> ids;
  const std::string problem = read_strings(d.get(), false, type.get(), count, ids);
  PMBENCH_CHECK(problem.empty(), InvalidInput, impl_->where(dpath), ": ", problem);
  return ids;
}

std::optional<std::string> MotionFile::root_attribute(const std::string& name) const {
  if (H5Aexists(impl_->file.get(), name.c_str()) <= 0) return std::nullopt;
  Handle attr(H5Aopen(impl_->file.get(), name.c_str(), H5P_DEFAULT), H5Aclose);
  Handle type(H5Aget_type(attr.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) return std::nullopt;
  Handle space(H5Aget_space(attr.get()), H5Sclose);
  const hssize_t count = H5Sget_simple_extent_npoints(space.get());
  if (count != 1) return std::nullopt;
  std::vector<std::string> values;
  if (!read_strings(attr.get(), true, type.get(), 1, values).empty()) return std::nullopt;
  return values.front();
}

template <class Scalar>
void MotionFile::read_clips(std::string_view group, std::size_t first, std::size_t count,
                            std::vector<ClipMotion<Scalar>>& out) const {
  const GroupShape shape = group_shape(group);
  PMBENCH_CHECK(first + count <= shape.clips, InvalidInput, "'", impl_->path, "': clips [", first, ", ",
                first + count, ") requested from /", group, " which has ", shape.clips);
  out.resize(count);
  const hid_t mem_type = std::is_same_v<Scalar, float> ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
  std::vector<Scalar> buffer;
  for (int which = 0; which < 4; ++which) {
    const std::string& name = dataset_names()[which];
    const std::string dpath = dataset_path(group, name);
    const hsize_t dim = static_cast<hsize_t>(expected_last_dim(name));
    Handle d = impl_->open_dataset(dpath);
    Handle space(H5Dget_space(d.get()), H5Sclose);
    const hsize_t start[3] = {first, 0, 0};
    const hsize_t extent[3] = {count, shape.frames, dim};
    H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, extent, nullptr);
    Handle mem_space(H5Screate_simple(3, extent, nullptr), H5Sclose);
    buffer.resize(count * shape.frames * dim);
    PMBENCH_CHECK(H5Dread(d.get(), mem_type, mem_space.get(), space.get(), H5P_DEFAULT, buffer.data()) >= 0,
                  Io, impl_->where(dpath), ": read failed for clips [", first, ", ", first + count, ")");
    const Hand hand = which % 2 == 0 ? Hand::Right : Hand::Left;
    for (std::size_t c = 0; c < count; ++c) {
      MatrixRM<Scalar>& target = which < 2 ? out[c][hand].pose : out[c][hand].trans;
      target = Eigen::Map<const MatrixRM<Scalar>>(buffer.data() + c * shape.frames * dim,
                                                  static_cast<Eigen::Index>(shape.frames),
                                                  static_cast<Eigen::Index>(dim));
    }
  }
}

template void MotionFile::read_clips<float>(std::string_view, std::size_t, std::size_t,
                                            std::vector<ClipMotion<float>>&) const;
template void MotionFile::read_clips<double>(std::string_view, std::size_t, std::size_t,
                                             std::vector<ClipMotion<double>>&) const;

// ---------------------------------------------------------------------------------------------
struct MotionFileWriter::Impl {
  std::string path;
  std::string temp_path;
  Precision precision;
  Handle file;
  bool committed = false;
};

MotionFileWriter::MotionFileWriter(const std::string& path, Precision precision)
    : impl_(std::make_unique<Impl>()) {
  silence_hdf5_errors();
  impl_->path = path;
  impl_->precision = precision;
  std::random_device entropy;
  impl_->temp_path = path + ".tmp-" + std::to_string(entropy());
  impl_->file = Handle(H5Fcreate(impl_->temp_path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  PMBENCH_CHECK(impl_->file.valid(), Io, "cannot write '", path, "': cannot create a file in its directory");
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(
      H5Acreate2(impl_->file.get(), "format_version", H5T_STD_I32LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
      H5Aclose);
  const int version = kFormatVersion;
  H5Awrite(attr.get(), H5T_NATIVE_INT, &version);
}

MotionFileWriter::~MotionFileWriter() {
  if (!impl_->committed) {
    impl_->file.reset();
    std::remove(impl_->temp_path.c_str());
  }
}

void MotionFileWriter::create_group(const std::string& group, GroupShape shape) {
  PMBENCH_CHECK(shape.clips > 0 && shape.frames > 0, InvalidInput, "cannot write '", impl_->path,
                "': group /", group, " needs C > 0 and T > 0");
  Handle g(H5Gcreate2(impl_->file.get(), ("/" + group).c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
           H5Gclose);
  PMBENCH_CHECK(g.valid(), Io, "cannot write '", impl_->path, "': cannot create group /", group);
  const hid_t file_type = impl_->precision == Precision::Float32 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE;
  for (const std::string& name : dataset_names()) {
    const hsize_t dims[3] = {shape.clips, shape.frames, static_cast<hsize_t>(expected_last_dim(name))};
    Handle space(H5Screate_simple(3, dims, nullptr), H5Sclose);
    // chunked by clip so streaming reads and writes touch only what they need
    Handle props(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    const hsize_t chunk[3] = {1, shape.frames, dims[2]};
    H5Pset_chunk(props.get(), 3, chunk);
    Handle d(H5Dcreate2(g.get(), name.c_str(), file_type, space.get(), H5P_DEFAULT, props.get(), H5P_DEFAULT),
             H5Dclose);
    PMBENCH_CHECK(d.valid(), Io, "cannot write '", impl_->path, "': cannot create dataset /", group, "/",
                  name);
  }
}

template <class Scalar>
void MotionFileWriter::write_clips(const std::string& group, std::size_t first,
                                   const std::vector<ClipMotion<Scalar>>& clips) {
  if (clips.empty()) return;
  const hid_t mem_type = std::is_same_v<Scalar, float> ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
  std::vector<Scalar> buffer;
  for (int which = 0; which < 4; ++which) {
    const std::string& name = dataset_names()[which];
    const std::string dpath = dataset_path(group, name);
    Handle d(H5Dopen2(impl_->file.get(), dpath.c_str(), H5P_DEFAULT), H5Dclose);
    PMBENCH_CHECK(d.valid(), InvalidInput, "cannot write '", impl_->path, "': dataset ", dpath,
                  " was not created");
    Handle space(H5Dget_space(d.get()), H5Sclose);
    hsize_t dims[3];
    H5Sget_simple_extent_dims(space.get(), dims, nullptr);
    PMBENCH_CHECK(first + clips.size() <= dims[0], InvalidInput, "cannot write '", impl_->path, "': clips [",
                  first, ", ", first + clips.size(), ") outside ", dpath, " of ", dims[0], " clips");
    const Hand hand = which % 2 == 0 ? Hand::Right : Hand::Left;
    buffer.clear();
    for (std::size_t c = 0; c < clips.size(); ++c) {
      const MatrixRM<Scalar>& m = which < 2 ? clips[c][hand].pose : clips[c][hand].trans;
      PMBENCH_CHECK(static_cast<hsize_t>(m.rows()) == dims[1] && static_cast<hsize_t>(m.cols()) == dims[2],
                    InvalidInput, "cannot write '", impl_->path, "': clip ", first + c, " ", name, " is [",
                    m.rows(), ",", m.cols(), "], expected [", dims[1], ",", dims[2], "]");
      buffer.insert(buffer.end(), m.data(), m.data() + m.size());
    }
    const hsize_t start[3] = {first, 0, 0};
    const hsize_t extent[3] = {clips.size(), dims[1], dims[2]};
    H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, extent, nullptr);
    Handle mem_space(H5Screate_simple(3, extent, nullptr), H5Sclose);
    PMBENCH_CHECK(H5Dwrite(d.get(), mem_type, mem_space.get(), space.get(), H5P_DEFAULT, buffer.data()) >= 0,
                  Io, "cannot write '", impl_->path, "': write to ", dpath, " failed");
  }
}

template void MotionFileWriter::write_clips<float>(const std::string&, std::size_t,
                                                   const std::vector<ClipMotion<float>>&);
template void MotionFileWriter::write_clips<double>(const std::string&, std::size_t,
                                                    const std::vector<ClipMotion<double>>&);

void MotionFileWriter::write_clip_ids(const std::vector<std::string>& ids) {
  const hsize_t count = ids.size();
  Handle space(H5Screate_simple(1, &count, nullptr), H5Sclose);
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  Handle d(H5Dcreate2(impl_->file.get(), "/clip_id", type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT,
                      H5P_DEFAULT),
           H5Dclose);
  PMBENCH_CHECK(d.valid(), Io, "cannot write '", impl_->path, "': cannot create /clip_id");
  std::vector<const char*> pointers;
  for (const auto& id : ids) pointers.push_back(id.c_str());
  PMBENCH_CHECK(H5Dwrite(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()) >= 0, Io,
                "cannot write '", impl_->path, "': write to /clip_id failed");
}

void MotionFileWriter::set_root_attribute(const std::string& name, const std::string& value) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  if (H5Aexists(impl_->file.get(), name.c_str()) > 0) H5Adelete(impl_->file.get(), name.c_str());
  Handle attr(H5Acreate2(impl_->file.get(), name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
  const char* data = value.c_str();
  PMBENCH_CHECK(attr.valid() && H5Awrite(attr.get(), type.get(), &data) >= 0, Io, "cannot write '",
                impl_->path, "': attribute ", name);
}

void MotionFileWriter::commit() {
  PMBENCH_CHECK(!impl_->committed, Internal, "'", impl_->path, "' committed twice");
  H5Fflush(impl_->file.get(), H5F_SCOPE_GLOBAL);
  impl_->file.reset();
  std::error_code ec;
  std::filesystem::rename(impl_->temp_path, impl_->path, ec);
  if (ec) {
    std::remove(impl_->temp_path.c_str());
    PMBENCH_FAIL(Io, "cannot write '", impl_->path, "': ", ec.message());
  }
  impl_->committed = true;
}

}  // namespace pmbench::io
