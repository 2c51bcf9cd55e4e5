// IncrementalPCA's small SVD, baseline build (SSE2 on x86-64): see ipca_svd.inc.
#define PMBENCH_KERNEL_ISA baseline
#include "ipca_svd.inc"
