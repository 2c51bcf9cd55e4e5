#define PMBENCH_KERNEL_ISA avx2
#include "francis_sweep.inc"
