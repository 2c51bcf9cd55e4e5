// Bit-compatible pieces of numpy that the official numbers depend on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>

namespace pmbench {

/// numpy's legacy `RandomState(seed)`: MT19937 seeded with init_genrand (std::mt19937 uses the
/// same seeding and is fully specified by the standard), with numpy's draws on top.
class NumpyRandomState {
 public:
  explicit NumpyRandomState(std::uint32_t seed) : engine_(seed) {}
  std::uint32_t next_uint32() { return static_cast<std::uint32_t>(engine_()); }
  /// `randint(n)`: uniform in [0, n) by masked rejection sampling of 32-bit words (n <= 2^32).
  std::int64_t randint(std::int64_t n);
  /// `random_sample()` / `uniform()`: 53-bit double in [0, 1) from two 32-bit words.
  double uniform();

 private:
  std::mt19937 engine_;
};

/// numpy's pairwise summation (`pairwise_sum_FLOAT/DOUBLE`, block size 128, 8 accumulators),
/// in the element type, as np.sum / np.mean use along a contiguous axis.
template <class T>
T numpy_pairwise_sum(const T* data, std::size_t n, std::ptrdiff_t stride = 1);

}  // namespace pmbench
