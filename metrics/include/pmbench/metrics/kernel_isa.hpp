#pragma once
/// \file
/// Which instruction set the metric kernels run with. On x86-64 the hottest metric kernels are built
/// twice, for the baseline ISA (SSE2) and for AVX2, and the AVX2 build is chosen at run time when
/// the CPU has it. Both builds do the same IEEE operations in the same order (no FMA contraction,
/// lane-by-lane arithmetic), so every result is bit-identical whichever runs: the choice changes
/// speed only. `PMBENCH_KERNELS=baseline` in the environment forces the baseline build.

namespace pmbench {

/// "avx2" or "baseline": the kernels the next metric call will use.
const char* kernel_isa();

/// Forces the baseline kernels (true) or returns to the automatic choice (false). For tests and
/// comparisons; not thread-safe against metric calls running at the same time.
void force_baseline_kernels(bool force);

}  // namespace pmbench
