#define PMBENCH_KERNEL_ISA avx2
#include "hessenberg_reduction.inc"
