// Private: the entry points of IncrementalPCA's small SVD (ipca_svd.inc), built for two
// instruction sets (see kernel_dispatch.hpp). Only plain declarations and aggregates here: no
// function is defined, so the two builds share no code.
#pragma once

#include <cstddef>

namespace pmbench::wgd::ipca_svd {

// The k largest eigenvalues (descending, into `top`) and the largest eigenvalue magnitude
// (`norm`) of the symmetric tridiagonal matrix (diag, off), for when Laguerre's iteration fails:
// implicit QR, which lives with Eigen in the baseline TU.
using TopEigenvaluesFallback = void (*)(void* context, const double* diag, const double* off, int n, int k,
                                        double* top, double* norm);

// How much memory a Workspace needs, in elements of each type.
struct WorkspaceSizes {
  std::size_t doubles, ints, chars;
};

// Buffers of one fit, sized once (by workspace_sizes of the same build) for its largest stacked
// matrix, and owned by the caller.
struct Workspace {
  int max_rows, dims, k;
  double* doubles;
  int* ints;
  char* chars;
  int start_rows;  // the row count the inverse iteration's start vector was made for; -1: none yet
  TopEigenvaluesFallback fallback;
  void* fallback_context;
};

namespace baseline {
WorkspaceSizes workspace_sizes(int max_rows, int dims, int k);
// Top-k singular values and right singular vectors of the n x dims row-major matrix a (see
// ipca_svd.inc).
void top_right_singular(int n, bool stacked_on_components, const double* a, Workspace& w, double* singular,
                        double* components);
// out (rows x k, row-major) = X C^T for the centred data X (rows x dims) and the k components C
// (k x dims), in the order of Eigen's GEMM, for an even k and dims <= 128 (see ipca_svd.inc).
void project(const double* centred, int rows, const double* components, Workspace& w, double* out);
}  // namespace baseline
#if defined(PMBENCH_HAVE_AVX2_KERNELS)
namespace avx2 {
WorkspaceSizes workspace_sizes(int max_rows, int dims, int k);
void top_right_singular(int n, bool stacked_on_components, const double* a, Workspace& w, double* singular,
                        double* components);
void project(const double* centred, int rows, const double* components, Workspace& w, double* out);
}  // namespace avx2
#endif

}  // namespace pmbench::wgd::ipca_svd
