// Reading and writing EmbeddingNet weights: pmbench HDF5 weights files (one dataset per state-dict
// key) and torch.save-style zip checkpoints (through torch::pickle_load / pickle_save).
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "embedding_net.hpp"
#include "pmbench/error.hpp"
#include "pmbench/report.hpp"
#include "pmbench/sha256.hpp"

namespace pmbench::autoencoder {
namespace {

constexpr const char* kWeightsFormat = "pmbench-embeddingnet-weights";
constexpr int kWeightsFormatVersion = 1;
constexpr const char* kTrainedBy = "pmbench train-encoder";
constexpr const char* kConvertHint =
    "; convert it with `python3 scripts/convert_checkpoint.py CHECKPOINT OUT.h5` and pass OUT.h5";

std::vector<char> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  PMBENCH_CHECK(in, Io, path, ": cannot open encoder weights");
  return std::vector<char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool starts_with(const std::vector<char>& bytes, const char* magic, std::size_t n) {
  return bytes.size() >= n && std::equal(magic, magic + n, bytes.begin());
}

// ---- HDF5 -------------------------------------------------------------------------------------

/// Silences HDF5's error printing for a scope (errors become pmbench::Error messages instead).
class QuietHdf5 {
 public:
  QuietHdf5() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietHdf5() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  QuietHdf5(const QuietHdf5&) = delete;
  QuietHdf5& operator=(const QuietHdf5&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

/// Closes an HDF5 handle on scope exit.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

std::optional<std::string> read_string_attr(hid_t obj, const char* name) {
  if (H5Aexists(obj, name) <= 0) return std::nullopt;
  Handle attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  Handle type(H5Aget_type(attr.get()), H5Tclose);
  if (!attr.valid() || H5Tget_class(type.get()) != H5T_STRING) return std::nullopt;
  if (H5Tis_variable_str(type.get()) > 0) {
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    char* value = nullptr;
    if (H5Aread(attr.get(), mem.get(), &value) < 0 || value == nullptr) return std::nullopt;
    std::string out(value);
    H5free_memory(value);
    return out;
  }
  const std::size_t size = H5Tget_size(type.get());
  std::string out(size, '\0');
  if (H5Aread(attr.get(), type.get(), out.data()) < 0) return std::nullopt;
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<long long> read_int_attr(hid_t obj, const char* name) {
  if (H5Aexists(obj, name) <= 0) return std::nullopt;
  Handle attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  long long value = 0;
  if (!attr.valid() || H5Aread(attr.get(), H5T_NATIVE_LLONG, &value) < 0) return std::nullopt;
  return value;
}

void write_string_attr(hid_t obj, const char* name, const std::string& value) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(H5Acreate2(obj, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  const char* data = value.c_str();
  PMBENCH_CHECK(attr.valid() && H5Awrite(attr.get(), type.get(), &data) >= 0, Io, "cannot write attribute ",
                name);
}

void write_int_attr(hid_t obj, const char* name, long long value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(H5Acreate2(obj, name, H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  PMBENCH_CHECK(attr.valid() && H5Awrite(attr.get(), H5T_NATIVE_LLONG, &value) >= 0, Io,
                "cannot write attribute ", name);
}

LoadedWeights read_hdf5_weights(const std::string& path) {
  QuietHdf5 quiet;
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  PMBENCH_CHECK(file.valid(), Io, path, ": cannot open as HDF5");
  Handle root(H5Gopen2(file.get(), "/", H5P_DEFAULT), H5Gclose);
  const auto format = read_string_attr(root.get(), "format");
  PMBENCH_CHECK(format && *format == kWeightsFormat, InvalidInput, path,
                ": not a pmbench weights file (root attribute 'format' is not '", kWeightsFormat, "')");
  const auto version = read_int_attr(root.get(), "format_version");
  PMBENCH_CHECK(version && *version == kWeightsFormatVersion, InvalidInput, path,
                ": unsupported weights format_version (expected ", kWeightsFormatVersion, ")");

  LoadedWeights out;
  out.info.format = "pmbench weights (HDF5)";
  const auto pose_dim = read_int_attr(root.get(), "pose_dim");
  PMBENCH_CHECK(pose_dim, InvalidInput, path, ": missing root attribute 'pose_dim'");
  out.info.pose_dim = static_cast<int>(*pose_dim);
  out.info.frames = static_cast<int>(read_int_attr(root.get(), "frames").value_or(kFrames));
  out.info.source_sha256 = read_string_attr(root.get(), "source_sha256").value_or("");
  out.info.note = read_string_attr(root.get(), "note").value_or("");
  out.info.trained_by_pmbench = read_string_attr(root.get(), "trained_by").value_or("") == kTrainedBy;

  H5G_info_t info;
  PMBENCH_CHECK(H5Gget_info(root.get(), &info) >= 0, Io, path, ": cannot list the root group");
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t len =
        H5Lget_name_by_idx(root.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    PMBENCH_CHECK(len >= 0, Io, path, ": cannot read the name of link ", i);
    std::string name(static_cast<std::size_t>(len) + 1, '\0');
    H5Lget_name_by_idx(root.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(len));

    Handle dset(H5Dopen2(root.get(), name.c_str(), H5P_DEFAULT), H5Dclose);
    PMBENCH_CHECK(dset.valid(), InvalidInput, path, ": key '", name, "' is not a dataset");
    Handle space(H5Dget_space(dset.get()), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    PMBENCH_CHECK(rank >= 0 && rank <= 8, InvalidInput, path, ": key '", name, "' has an unusable shape");
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    std::vector<int64_t> sizes(dims.begin(), dims.end());
    Handle type(H5Dget_type(dset.get()), H5Tclose);
    const H5T_class_t cls = H5Tget_class(type.get());
    torch::Tensor tensor;
    herr_t status = -1;
    if (cls == H5T_FLOAT) {
      tensor = torch::empty(sizes, torch::kFloat32);
      status = H5Dread(dset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, tensor.data_ptr<float>());
    } else if (cls == H5T_INTEGER) {
      tensor = torch::empty(sizes, torch::kInt64);
      status =
          H5Dread(dset.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, tensor.data_ptr<int64_t>());
    } else {
      PMBENCH_FAIL(InvalidInput, path, ": key '", name, "' is neither float nor integer");
    }
    PMBENCH_CHECK(status >= 0, Io, path, ": cannot read key '", name, "'");
    out.state[name] = tensor;
  }
  return out;
}

void write_hdf5_weights(const std::string& path, const StateDict& state, const EncoderInfo& info) {
  QuietHdf5 quiet;
  const std::string tmp = temp_path_for(path);
  {
    Handle file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    PMBENCH_CHECK(file.valid(), Io, path, ": cannot create ", tmp);
    Handle root(H5Gopen2(file.get(), "/", H5P_DEFAULT), H5Gclose);
    write_string_attr(root.get(), "format", kWeightsFormat);
    write_int_attr(root.get(), "format_version", kWeightsFormatVersion);
    write_int_attr(root.get(), "pose_dim", info.pose_dim);
    write_int_attr(root.get(), "frames", info.frames);
    if (!info.source_sha256.empty()) write_string_attr(root.get(), "source_sha256", info.source_sha256);
    if (!info.note.empty()) write_string_attr(root.get(), "note", info.note);
    if (info.trained_by_pmbench) write_string_attr(root.get(), "trained_by", kTrainedBy);
    for (const auto& [key, value] : state) {
      const torch::Tensor t = value.is_floating_point() ? value.to(torch::kFloat32).contiguous()
                                                        : value.to(torch::kInt64).contiguous();
      std::vector<hsize_t> dims(t.sizes().begin(), t.sizes().end());
      Handle space(t.dim() == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(t.dim(), dims.data(), nullptr),
                   H5Sclose);
      const hid_t file_type = t.is_floating_point() ? H5T_IEEE_F32LE : H5T_STD_I64LE;
      const hid_t mem_type = t.is_floating_point() ? H5T_NATIVE_FLOAT : H5T_NATIVE_INT64;
      Handle dset(
          H5Dcreate2(root.get(), key.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
          H5Dclose);
      const bool ok =
          dset.valid() && H5Dwrite(dset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.data_ptr()) >= 0;
      if (!ok) {
        std::remove(tmp.c_str());
        PMBENCH_FAIL(Io, path, ": cannot write key '", key, "'");
      }
    }
  }
  move_into_place(tmp, path);
}

// ---- torch.save-style zip checkpoints -----------------------------------------------------------

LoadedWeights read_zip_checkpoint(const std::string& path, const std::vector<char>& bytes) {
  c10::IValue root;
  try {
    root = torch::pickle_load(bytes);
  } catch (const c10::Error& e) {
    std::string what = e.what_without_backtrace();
    what = what.substr(0, what.find('\n'));
    PMBENCH_FAIL(InvalidInput, path, ": LibTorch ", TORCH_VERSION,
                 " cannot read this torch.save checkpoint (", what, ")", kConvertHint);
  }
  PMBENCH_CHECK(root.isGenericDict(), InvalidInput, path,
                ": not an EmbeddingNet checkpoint (expected a dict with 'pose_dim' and 'gen_dict')");
  const auto dict = root.toGenericDict();
  auto get = [&](const char* key) -> std::optional<c10::IValue> {
    for (const auto& kv : dict) {
      if (kv.key().isString() && kv.key().toStringRef() == key) return kv.value();
    }
    return std::nullopt;
  };
  const auto gen = get("gen_dict");
  PMBENCH_CHECK(gen && gen->isGenericDict(), InvalidInput, path,
                ": not an EmbeddingNet checkpoint (no 'gen_dict' state dict)");
  const auto pose_dim = get("pose_dim");
  PMBENCH_CHECK(pose_dim && pose_dim->isInt(), InvalidInput, path, ": checkpoint has no integer 'pose_dim'");

  LoadedWeights out;
  out.info.format = "torch.save checkpoint";
  out.info.pose_dim = static_cast<int>(pose_dim->toInt());
  if (const auto frames = get("frames"); frames && frames->isInt())
    out.info.frames = static_cast<int>(frames->toInt());
  if (const auto note = get("note"); note && note->isString()) out.info.note = note->toStringRef();
  if (const auto by = get("trained_by"); by && by->isString())
    out.info.trained_by_pmbench = by->toStringRef() == kTrainedBy;
  for (const auto& kv : gen->toGenericDict()) {
    PMBENCH_CHECK(kv.key().isString() && kv.value().isTensor(), InvalidInput, path,
                  ": gen_dict holds an entry that is not name -> tensor");
    out.state[kv.key().toStringRef()] = kv.value().toTensor().to(torch::kCPU);
  }
  return out;
}

void write_zip_checkpoint(const std::string& path, const StateDict& state, const EncoderInfo& info) {
  c10::Dict<std::string, at::Tensor> gen;
  for (const auto& [key, value] : state) gen.insert(key, value.to(torch::kCPU).contiguous());
  c10::impl::GenericDict root(c10::StringType::get(), c10::AnyType::get());
  root.insert(std::string("pose_dim"), c10::IValue(static_cast<int64_t>(info.pose_dim)));
  root.insert(std::string("frames"), c10::IValue(static_cast<int64_t>(info.frames)));
  root.insert(std::string("gen_dict"), c10::IValue(gen));
  if (!info.note.empty()) root.insert(std::string("note"), c10::IValue(info.note));
  if (info.trained_by_pmbench) root.insert(std::string("trained_by"), c10::IValue(std::string(kTrainedBy)));
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(root));
  write_file_atomically(path, std::string(bytes.begin(), bytes.end()));
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string temp_path_for(const std::string& path) {
  return path + ".tmp." + std::to_string(static_cast<long>(::getpid()));
}

void move_into_place(const std::string& tmp, const std::string& path) {
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    PMBENCH_FAIL(Io, path, ": cannot move the written file into place");
  }
}

LoadedWeights read_weights(const std::string& path) {
  const std::vector<char> bytes = read_bytes(path);
  LoadedWeights out;
  if (starts_with(bytes, "\x89HDF\r\n\x1a\n", 8)) {
    out = read_hdf5_weights(path);
  } else if (starts_with(bytes, "PK\x03\x04", 4)) {
    out = read_zip_checkpoint(path, bytes);
  } else if (starts_with(bytes, "\x80\x02", 2)) {
    PMBENCH_FAIL(InvalidInput, path, ": legacy (pre-1.6, non-zip) torch.save checkpoint", kConvertHint);
  } else {
    PMBENCH_FAIL(InvalidInput, path,
                 ": not an encoder checkpoint (neither a torch.save zip nor a pmbench HDF5 "
                 "weights file)");
  }
  out.info.path = path;
  out.info.sha256 = pmbench::sha256_hex(std::string_view(bytes.data(), bytes.size()));
  return out;
}

void write_weights(const std::string& path, const StateDict& state, const EncoderInfo& info) {
  if (ends_with(path, ".h5") || ends_with(path, ".hdf5")) {
    write_hdf5_weights(path, state, info);
  } else {
    write_zip_checkpoint(path, state, info);
  }
}

}  // namespace pmbench::autoencoder
