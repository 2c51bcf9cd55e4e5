// Test helper: writes arbitrary (also malformed) HDF5 files with the C API, so that every
// input-validation path of pmbench can be exercised.
#pragma once

#include <hdf5.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace pmbench::test {

/// A fresh directory under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("pmbench-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class H5Builder {
 public:
  explicit H5Builder(const std::string& path) {
    file_ = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  }
  ~H5Builder() { H5Fclose(file_); }

  /// A float dataset of any shape; values v[i] = scale * sin(0.1 * i + phase) + offset * i / size.
  H5Builder& floats(const std::string& path, const std::vector<hsize_t>& dims, double phase = 0.0,
                    hid_t file_type = H5T_IEEE_F32LE) {
    std::size_t n = 1;
    for (hsize_t d : dims) n *= d;
    std::vector<double> v(n);
    for (std::size_t i = 0; i < n; ++i)
      v[i] = 0.5 * std::sin(0.37 * static_cast<double>(i) + phase) + 1e-3 * (i % 97);
    return write(path, dims, file_type, H5T_NATIVE_DOUBLE, v.data());
  }
  H5Builder& ints(const std::string& path, const std::vector<hsize_t>& dims) {
    std::size_t n = 1;
    for (hsize_t d : dims) n *= d;
    std::vector<int> v(n, 1);
    return write(path, dims, H5T_STD_I32LE, H5T_NATIVE_INT, v.data());
  }
  H5Builder& strings(const std::string& path, const std::vector<std::string>& values) {
    ensure_parents(path);
    const hsize_t count = values.size();
    hid_t space = H5Screate_simple(1, &count, nullptr);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    hid_t d = H5Dcreate2(file_, path.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    std::vector<const char*> ptrs;
    for (const auto& s : values) ptrs.push_back(s.c_str());
    H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data());
    H5Dclose(d);
    H5Tclose(type);
    H5Sclose(space);
    return *this;
  }
  H5Builder& string_attribute(const std::string& name, const std::string& value) {
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(file_, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
    const char* p = value.c_str();
    H5Awrite(a, type, &p);
    H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
    return *this;
  }
  /// The four datasets of a valid group with C clips of T frames.
  H5Builder& group(const std::string& group, hsize_t clips, hsize_t frames, double phase = 0.0,
                   hid_t file_type = H5T_IEEE_F32LE) {
    floats("/" + group + "/right_pose", {clips, frames, 48}, phase, file_type);
    floats("/" + group + "/left_pose", {clips, frames, 48}, phase + 1.0, file_type);
    floats("/" + group + "/right_trans", {clips, frames, 3}, phase + 2.0, file_type);
    floats("/" + group + "/left_trans", {clips, frames, 3}, phase + 3.0, file_type);
    return *this;
  }

 private:
  void ensure_parents(const std::string& path) {
    for (std::size_t pos = path.find('/', 1); pos != std::string::npos; pos = path.find('/', pos + 1)) {
      const std::string prefix = path.substr(0, pos);
      if (H5Lexists(file_, prefix.c_str(), H5P_DEFAULT) <= 0) {
        H5Gclose(H5Gcreate2(file_, prefix.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
      }
    }
  }
  H5Builder& write(const std::string& path, const std::vector<hsize_t>& dims, hid_t file_type, hid_t mem_type,
                   const void* data) {
    ensure_parents(path);
    hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    hid_t d = H5Dcreate2(file_, path.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
    H5Dclose(d);
    H5Sclose(space);
    return *this;
  }
  hid_t file_;
};

}  // namespace pmbench::test
