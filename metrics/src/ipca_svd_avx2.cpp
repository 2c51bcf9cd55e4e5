// IncrementalPCA's small SVD, AVX2 build (-mavx2, no FMA): see ipca_svd.inc.
#define PMBENCH_KERNEL_ISA avx2
#include "ipca_svd.inc"
