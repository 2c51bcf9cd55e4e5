// Private: FGD's raw second moments X^T X with AVX2 (frame_moments.inc, kernel_dispatch.hpp).
#pragma once

#include "kernel_dispatch.hpp"

namespace pmbench {

// The kernel's blocks: output columns sharing each load of a frame's entries, and the padding of
// its scratch rows (whole vectors in every build, and room for a block of columns past the last).
constexpr int kColumnsPerBlock = 4;
constexpr int kMomentsRowPadding = 16;
constexpr int moments_padded_width(int dims) {
  return (dims + kColumnsPerBlock + kMomentsRowPadding - 1) / kMomentsRowPadding * kMomentsRowPadding;
}

// out[i + j * out_stride] = sum over t in order of x[t][i] * x[t][j], for dims > i >= j; x has
// `rows` rows `row_stride` apart; scratch holds rows * moments_padded_width(dims) values.
namespace avx2 {
void lower_raw_moments(const float* x, long rows, long row_stride, int dims, float* out, int out_stride,
                       float* scratch);
void lower_raw_moments(const double* x, long rows, long row_stride, int dims, double* out, int out_stride,
                       double* scratch);
}  // namespace avx2

}  // namespace pmbench
