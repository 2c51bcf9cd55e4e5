// IncrementalPCA as scikit-learn 1.2 runs it (Ross et al. 2008 update): the first batch keeps
// the input precision, later batches are stacked in float64 against a float64 running mean.
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <string>
#include <type_traits>
#include <vector>

#include "ipca_svd.hpp"
#include "kernel_dispatch.hpp"
#include "pmbench/metrics/wgd_stages.hpp"

namespace pmbench::wgd {

std::vector<std::pair<int, int>> incremental_pca_batches(int rows, int batch_size, int min_rows) {
  std::vector<std::pair<int, int>> batches;
  int start = 0;
  for (int i = 0; i < rows / batch_size; ++i) {
    const int end = start + batch_size;
    if (end + min_rows > rows) continue;  // would leave a remainder too small for a batch
    batches.emplace_back(start, end);
    start = end;
  }
  if (start < rows) batches.emplace_back(start, rows);
  return batches;
}

namespace {

// Implicit QR (Eigen) on the tridiagonal matrix, for when Laguerre's iteration fails.
void top_eigenvalues_by_qr(void* solver, const double* diag_data, const double* off_data, int n, int k,
                           double* top, double* norm) {
  auto& fallback = *static_cast<Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>*>(solver);
  const Eigen::Map<const Eigen::VectorXd> diag(diag_data, n), off(off_data, n - 1);
  fallback.computeFromTridiagonal(diag, off, Eigen::EigenvaluesOnly);
  const Eigen::VectorXd& lambda = fallback.eigenvalues();  // ascending
  *norm = std::max(std::abs(lambda(0)), std::abs(lambda(n - 1)));
  for (int i = 0; i < k; ++i) top[i] = lambda(n - 1 - i);
}

// The small SVDs of one fit (ipca_svd.inc) in the build chosen for this CPU, with their buffers
// sized once for the fit's largest stacked matrix.
class SmallSvd {
 public:
  SmallSvd(int max_rows, int dims, int k) {
    ipca_svd::WorkspaceSizes (*sizes_of)(int, int, int) = &ipca_svd::baseline::workspace_sizes;
#if defined(PMBENCH_HAVE_AVX2_KERNELS)
    avx2_ = pmbench::detail::use_avx2_kernels();
    if (avx2_) sizes_of = &ipca_svd::avx2::workspace_sizes;
#endif
    const ipca_svd::WorkspaceSizes sizes = sizes_of(max_rows, dims, k);
    doubles_.resize(sizes.doubles), ints_.resize(sizes.ints), chars_.resize(sizes.chars);
    work_ = {max_rows,  dims, k, doubles_.data(), ints_.data(), chars_.data(), -1, &top_eigenvalues_by_qr,
             &fallback_};
  }

  // Top-k singular values and right singular vectors (rows of `components`) of the n x dims
  // row-major matrix a; see ipca_svd.inc.
  void top_right_singular(int n, bool stacked_on_components, const double* a, double* singular,
                          double* components) {
#if defined(PMBENCH_HAVE_AVX2_KERNELS)
    if (avx2_) {
      ipca_svd::avx2::top_right_singular(n, stacked_on_components, a, work_, singular, components);
      return;
    }
#endif
    ipca_svd::baseline::top_right_singular(n, stacked_on_components, a, work_, singular, components);
  }

  // out (rows x k) = X C^T for the centred data X (rows x dims) and the k components C; see
  // ipca_svd.inc.
  void project(const double* centred, int rows, const double* components, double* out) {
#if defined(PMBENCH_HAVE_AVX2_KERNELS)
    if (avx2_) {
      ipca_svd::avx2::project(centred, rows, components, work_, out);
      return;
    }
#endif
    ipca_svd::baseline::project(centred, rows, components, work_, out);
  }

 private:
#if defined(PMBENCH_HAVE_AVX2_KERNELS)
  bool avx2_ = false;
#endif
  std::vector<double> doubles_;
  std::vector<int> ints_;
  std::vector<char> chars_;
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> fallback_;
  ipca_svd::Workspace work_{};
};

}  // namespace

template <class Scalar>
MatrixRM<double> incremental_pca_projection(const FramesRef<Scalar>& x,
                                            const IncrementalPcaOptions& options) {
  const int rows = static_cast<int>(x.rows());
  const int dims = static_cast<int>(x.cols());
  const int k = options.components;
  if (k > dims) {
    throw OfficialWouldRaise("IncrementalPCA: n_components=" + std::to_string(k) +
                             " > n_features=" + std::to_string(dims));
  }
  const auto batches = incremental_pca_batches(rows, options.batch_size, k);
  int max_rows = 0;
  for (std::size_t b = 0; b < batches.size(); ++b) {
    const int m = batches[b].second - batches[b].first;
    max_rows = std::max(max_rows, b == 0 ? m : k + m + 1);
  }
  std::vector<double> stacked(static_cast<std::size_t>(std::max(max_rows, 1)) * dims);
  SmallSvd svd(max_rows, dims, k);
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(dims), new_mean(dims), column_sum(dims),
                  batch_mean_double(dims);
  Eigen::Matrix<Scalar, 1, Eigen::Dynamic> batch_mean(dims);
  Eigen::VectorXd singular(k);
  MatrixRM<double> components(k, dims);         // [k, d]
  MatrixRM<double> scaled_components(k, dims);  // diag(S) * V, in the precision the official holds it
  long seen = 0;
  for (const auto& [begin, end] : batches) {
    const int m = end - begin;
    if (k > m) {
      throw OfficialWouldRaise("IncrementalPCA: n_components=" + std::to_string(k) +
                               " must be <= the batch number of samples " + std::to_string(m));
    }
    const long total = seen + m;
    // (plain loops over the contiguous rows, which the compiler vectorises: Eigen 3.4 casts
    // element by element)
    column_sum.setZero();
    for (int r = begin; r < end; ++r) {
      const Scalar* row = x.row(r).data();
      for (int c = 0; c < dims; ++c) column_sum(c) += static_cast<double>(row[c]);
    }
    new_mean = (mean * static_cast<double>(seen) + column_sum) / static_cast<double>(total);
    // The stacked matrix, one contiguous row per row.
    double* a = stacked.data();
    int n;
    if (seen == 0) {
      // centred in float64, stored back in the input precision (numpy in-place subtraction)
      n = m;
      for (int r = 0; r < m; ++r) {
        for (int c = 0; c < dims; ++c) {
          a[static_cast<std::size_t>(r) * dims + c] =
              static_cast<double>(static_cast<Scalar>(static_cast<double>(x(begin + r, c)) - new_mean(c)));
        }
      }
    } else {
      // batch mean and centring in the input precision, rows summed in order
      n = k + m + 1;
      batch_mean.setZero();
      for (int r = begin; r < end; ++r) batch_mean += x.row(r);
      batch_mean /= static_cast<Scalar>(m);
      const double correction = std::sqrt((static_cast<double>(seen) / static_cast<double>(total)) * m);
      std::copy(scaled_components.data(), scaled_components.data() + static_cast<std::size_t>(k) * dims, a);
      for (int r = 0; r < m; ++r) {
        const Scalar* in = x.row(begin + r).data();
        double* row = a + static_cast<std::size_t>(k + r) * dims;
        for (int c = 0; c < dims; ++c) row[c] = static_cast<double>(in[c] - batch_mean(c));
      }
      double* last = a + static_cast<std::size_t>(k + m) * dims;
      for (int c = 0; c < dims; ++c) last[c] = correction * (mean(c) - static_cast<double>(batch_mean(c)));
    }
    svd.top_right_singular(n, seen > 0, a, singular.data(), components.data());
    for (int i = 0; i < k; ++i) scaled_components.row(i) = singular(i) * components.row(i);
    if (seen == 0 && std::is_same_v<Scalar, float>) {
      // The first SVD ran in float32 officially: its outputs, and S * V, are float32 values
      // (a product of two floats rounded once, as numpy's float32 multiply does).
      auto round_to_float = [](double v) { return static_cast<double>(static_cast<float>(v)); };
      singular = singular.unaryExpr(round_to_float);
      components = components.unaryExpr(round_to_float);
      for (int i = 0; i < k; ++i) {
        scaled_components.row(i) = (singular(i) * components.row(i)).unaryExpr(round_to_float);
      }
    }
    mean = new_mean;
    seen = total;
  }
  MatrixRM<double> centred(rows, dims);
  for (int r = 0; r < rows; ++r) {
    const Scalar* in = x.row(r).data();
    double* out = centred.data() + static_cast<std::size_t>(r) * dims;
    for (int c = 0; c < dims; ++c) out[c] = static_cast<double>(in[c]) - mean(c);
  }
  // Projected onto the components by our kernel where it reproduces the order of Eigen's GEMM (see
  // ipca_svd.inc), else by Eigen.
  if (k % 2 == 0 && k >= 2 && rows >= 2 && dims <= 128 && dims + rows + k >= 20) {
    MatrixRM<double> projected(rows, k);
    svd.project(centred.data(), rows, components.data(), projected.data());
    return projected;
  }
  return centred * components.transpose();
}

template MatrixRM<double> incremental_pca_projection<float>(const FramesRef<float>&,
                                                            const IncrementalPcaOptions&);
template MatrixRM<double> incremental_pca_projection<double>(const FramesRef<double>&,
                                                             const IncrementalPcaOptions&);

}  // namespace pmbench::wgd
