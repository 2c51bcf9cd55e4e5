// Private: the k-means kernels built per instruction set (kmeans_lloyd.inc, see kernel_dispatch.hpp):
// k-means++'s candidate distances and Lloyd's label assignment, on raw arrays that kmeans.cpp owns.
// Plain data and declarations only, so that both ISA builds and kmeans.cpp can include it.
#pragma once

#include <cstddef>

namespace pmbench::wgd::kmeans_kernels {

using Index = std::ptrdiff_t;

// Frames are padded with zero frames to a multiple of this, the widest block the kernels take
// (two vectors of four doubles under AVX2), so that no block needs a scalar tail.
constexpr Index kFramePadding = 8;

// The centred data.
struct Frames {
  const double* rows;     // [n, d], row-major
  const double* cols;     // [d, n_padded]: each coordinate over the padded frames (zeros past n)
  const double* squares;  // [n_padded]: |x_i|^2 as kmeans.cpp computes it (0 past n)
  Index n, n_padded, d;
};

// Lloyd's assignment to the current centres and the Elkan bounds it keeps between steps (all
// arrays are the caller's). kmeans.cpp sets the centres, their squared norms, the rounding slack
// and whether the bounds may be used for these centres (finite data and centres); the kernels
// keep the bounds.
struct Assignment {
  Index k;
  const double* centers;    // [k, d], row-major
  const double* center_sq;  // [k]: |c_j|^2
  double slack;             // covers the rounding of computed distances, see kmeans.cpp
  double seed_margin_sq;    // a gap that orders k-means++ distances as Lloyd's values
  bool pruning;             // the bounds may be used (a reassignment clears it for overflowing drifts)
  double* upper;            // [n_padded]: upper bound on the distance to the own centre
  double* lower;            // [n_padded]: least bound on the distance to another centre
  double* bounds;           // [k, n_padded]: lower bound on the distance to each centre
  double* own_index;        // [n_padded]: the labels as doubles
  double* drift;            // [k]: how far each centre moved in the last step, rounded up
};

// The entry points, one set per instruction set (kmeans_lloyd.inc documents them).
#define PMBENCH_KMEANS_KERNEL_ENTRY_POINTS                                                      \
  void candidate_distances(const Frames& frames, int rows, const double* const* centres,        \
                           const double* centre_sq, const double* closest, double* const* raw,  \
                           double* const* nearest);                                             \
  int assign_seeded(const Frames& frames, Assignment& assignment, const double* seed_distances, \
                    int* labels);                                                               \
  int reassign(const Frames& frames, Assignment& assignment, const double* previous, int* labels);
namespace baseline {
PMBENCH_KMEANS_KERNEL_ENTRY_POINTS
}
namespace avx2 {
PMBENCH_KMEANS_KERNEL_ENTRY_POINTS
}
#undef PMBENCH_KMEANS_KERNEL_ENTRY_POINTS

}  // namespace pmbench::wgd::kmeans_kernels
