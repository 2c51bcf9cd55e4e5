// Private: one reflector of FGD's Francis double-shift QR sweep with AVX2 (francis_sweep.inc,
// kernel_dispatch.hpp).
#pragma once

#include "kernel_dispatch.hpp"

namespace pmbench {

// The reflector that frechet.cpp's hessenberg_eigenvalues applies at step k of a double step, on the
// column-major n x n matrix h (leading dimension n): first rows k..k+2 (k..k+1 when `last`) over
// columns k..hi, then columns k..k+2 over rows lo..min(hi, k + 3), with the same per-entry
// arithmetic as the scalar loops there.
namespace avx2 {
void apply_francis_reflector(float* h, long n, long lo, long hi, long k, bool last, float vx, float vy,
                             float vz, float q, float r);
void apply_francis_reflector(double* h, long n, long lo, long hi, long k, bool last, double vx, double vy,
                             double vz, double q, double r);
}  // namespace avx2

}  // namespace pmbench
