// Private: whether every entry of a frame matrix is finite.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "pmbench/metrics/types.hpp"

namespace pmbench {

// Tested on the exponent bits (all ones for Inf and NaN) with an integer OR over each row, which
// the compiler vectorises; Eigen's allFinite on a strided Ref goes entry by entry through floating
// comparisons, at several times the cost.
template <class Scalar>
bool all_finite_entries(const FramesRef<Scalar>& x) {
  static_assert(std::is_same_v<Scalar, float> || std::is_same_v<Scalar, double>, "float or double");
  using Bits = std::conditional_t<sizeof(Scalar) == 4, std::uint32_t, std::uint64_t>;
  constexpr Bits kExponent = sizeof(Scalar) == 4 ? Bits(0x7f800000u) : Bits(0x7ff0000000000000ull);
  const Eigen::Index columns = x.cols();
  Bits non_finite = 0;
  for (Eigen::Index t = 0; t < x.rows(); ++t) {
    const Scalar* row = x.data() + t * x.outerStride();
    for (Eigen::Index c = 0; c < columns; ++c) {
      Bits bits;
      std::memcpy(&bits, row + c, sizeof bits);
      non_finite |= (bits & kExponent) == kExponent;
    }
  }
  return non_finite == 0;
}

}  // namespace pmbench
