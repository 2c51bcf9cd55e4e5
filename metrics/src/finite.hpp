// Private: whether every entry of a frame matrix is finite.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "pmbench/metrics/types.hpp"

namespace pmbench {

// Tested on the exponent bits (all ones for Inf and NaN) with an integer OR, which the compiler
// vectorises; Eigen's allFinite on a strided Ref goes entry by entry through floating comparisons,
// at several times the cost. Contiguous rows are one run (no reduction per row).
template <class Scalar>
bool all_finite_entries(const FramesRef<Scalar>& x) {
  static_assert(std::is_same_v<Scalar, float> || std::is_same_v<Scalar, double>, "float or double");
  using Bits = std::conditional_t<sizeof(Scalar) == 4, std::uint32_t, std::uint64_t>;
  constexpr Bits kExponent = sizeof(Scalar) == 4 ? Bits(0x7f800000u) : Bits(0x7ff0000000000000ull);
  const bool contiguous = x.outerStride() == x.cols();
  const Eigen::Index run = contiguous ? x.rows() * x.cols() : x.cols();
  const Eigen::Index runs = contiguous ? (x.rows() > 0 ? 1 : 0) : x.rows();
  Bits non_finite = 0;
  for (Eigen::Index r = 0; r < runs; ++r) {
    const Scalar* entries = x.data() + r * x.outerStride();
    for (Eigen::Index c = 0; c < run; ++c) {
      Bits bits;
      std::memcpy(&bits, entries + c, sizeof bits);
      non_finite |= (bits & kExponent) == kExponent;
    }
  }
  return non_finite == 0;
}

}  // namespace pmbench
