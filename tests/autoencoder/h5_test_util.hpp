// Small HDF5 helpers for the autoencoder tests: read a float matrix, edit a weights file.
#pragma once

#include <hdf5.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "pmbench/metrics/types.hpp"

namespace pmbench::test {

/// Reads a 2-D dataset as float [rows, cols].
inline MatrixRM<float> read_h5_matrix(const std::string& path, const std::string& dataset) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) throw std::runtime_error("cannot open " + path);
  const hid_t dset = H5Dopen2(file, dataset.c_str(), H5P_DEFAULT);
  if (dset < 0) {
    H5Fclose(file);
    throw std::runtime_error("no dataset " + dataset + " in " + path);
  }
  const hid_t space = H5Dget_space(dset);
  hsize_t dims[2] = {0, 0};
  H5Sget_simple_extent_dims(space, dims, nullptr);
  MatrixRM<float> out(static_cast<Eigen::Index>(dims[0]), static_cast<Eigen::Index>(dims[1]));
  H5Dread(dset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
  H5Sclose(space);
  H5Dclose(dset);
  H5Fclose(file);
  return out;
}

/// Opens a weights file for editing; closes on scope exit.
class H5Edit {
 public:
  explicit H5Edit(const std::string& path) : file_(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)) {
    if (file_ < 0) throw std::runtime_error("cannot open " + path + " for writing");
  }
  ~H5Edit() { H5Fclose(file_); }
  H5Edit(const H5Edit&) = delete;
  H5Edit& operator=(const H5Edit&) = delete;

  void remove(const std::string& name) {
    if (H5Ldelete(file_, name.c_str(), H5P_DEFAULT) < 0) throw std::runtime_error("cannot delete " + name);
  }
  /// Creates a float dataset of the given shape filled with zeros.
  void add_zeros(const std::string& name, const std::vector<hsize_t>& dims) {
    std::size_t n = 1;
    for (hsize_t d : dims) n *= d;
    std::vector<float> zeros(n, 0.0f);
    const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    const hid_t dset =
        H5Dcreate2(file_, name.c_str(), H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(dset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros.data());
    H5Dclose(dset);
    H5Sclose(space);
  }

 private:
  hid_t file_;
};

}  // namespace pmbench::test
