#define PMBENCH_KERNEL_ISA avx2
#include "frame_moments.inc"
