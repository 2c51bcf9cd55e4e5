// The avx2 build of the k-means kernels (kmeans_lloyd.inc; see kernel_dispatch.hpp).
#define PMBENCH_KERNEL_ISA avx2
#include "kmeans_lloyd.inc"
