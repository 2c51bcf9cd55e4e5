// Private: how a kernel source is built for two instruction sets and chosen at run time.
//
// A kernel lives in `name.inc`, included by `name_baseline.cpp` and `name_avx2.cpp`, which
// define PMBENCH_KERNEL_ISA to `baseline` or `avx2` first; the CMake list
// PMBENCH_METRICS_KERNEL_VARIANTS compiles the avx2 file with -mavx2 -ffp-contract=off (x86-64,
// GCC/Clang only). Kernels in PMBENCH_METRICS_AVX2_ONLY_KERNELS have only the avx2 file; without
// AVX2 their callers run Eigen or plain loops to the same bits. The .inc file puts its entry points
// in a namespace named PMBENCH_KERNEL_ISA and everything else in an anonymous namespace, and
// includes no Eigen or other header whose inline functions it instantiates out of line: two TUs
// compiled for different ISAs must not define the same non-internal symbol, or the linker may hand
// AVX2 code to a baseline caller. The callers declare both entry points and pick one with
// use_avx2_kernels().
//
// Inside the .inc, PMBENCH_KERNEL_LANES is 4 under AVX2 and 2 otherwise (doubles per vector).
#pragma once

namespace pmbench::detail {
/// True when the AVX2 kernels are built, the CPU has AVX2, and nothing forces the baseline.
bool use_avx2_kernels();
}  // namespace pmbench::detail

#if defined(PMBENCH_KERNEL_ISA)
#if defined(__AVX2__)
#define PMBENCH_KERNEL_LANES 4
#else
#define PMBENCH_KERNEL_LANES 2
#endif
#endif
