// Private: FGD's Householder reduction to Hessenberg form with AVX2 (hessenberg_reduction.inc,
// kernel_dispatch.hpp).
#pragma once

#include "kernel_dispatch.hpp"

namespace pmbench {

// The largest n the kernel takes: up to it Eigen's matrix-vector products sum each entry in one run
// (Eigen switches to blocks of columns from 128 on).
constexpr long kHessenbergKernelMaxSize = 128;

// The n x n column-major matrix a (leading dimension n) overwritten by the upper Hessenberg matrix that
// Eigen 3.4's HessenbergDecomposition(a).matrixH() gives with SSE2 packets (4 floats, 2 doubles), to the bit.
// n <= kHessenbergKernelMaxSize.
namespace avx2 {
void reduce_to_hessenberg(float* a, long n);
void reduce_to_hessenberg(double* a, long n);
}  // namespace avx2

}  // namespace pmbench
