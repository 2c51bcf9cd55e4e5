// The GMM EM kernels (gmm_em.inc) built for the baseline instruction set (SSE2 on x86-64: 2 doubles per
// vector).
#define PMBENCH_KERNEL_ISA baseline
#include "gmm_em.inc"
