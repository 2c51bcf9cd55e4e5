// The baseline build of the k-means kernels (kmeans_lloyd.inc; see kernel_dispatch.hpp).
#define PMBENCH_KERNEL_ISA baseline
#include "kmeans_lloyd.inc"
