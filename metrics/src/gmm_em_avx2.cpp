// The GMM EM kernels (gmm_em.inc) built for the AVX2 instruction set (4 doubles per vector).
#define PMBENCH_KERNEL_ISA avx2
#include "gmm_em.inc"
