#include "pmbench/metrics/numpy_compat.hpp"

namespace pmbench {

std::int64_t NumpyRandomState::randint(std::int64_t n) {
  const std::uint64_t range = static_cast<std::uint64_t>(n - 1);  // inclusive upper bound
  if (range == 0) return 0;
  std::uint64_t mask = range;
  for (int shift = 1; shift <= 32; shift <<= 1) mask |= mask >> shift;
  std::uint64_t value;
  do {
    value = next_uint32() & mask;
  } while (value > range);
  return static_cast<std::int64_t>(value);
}

double NumpyRandomState::uniform() {
  const std::uint32_t a = next_uint32() >> 5;
  const std::uint32_t b = next_uint32() >> 6;
  return (a * 67108864.0 + b) / 9007199254740992.0;
}

namespace {

// numpy's pairwise_sum_FLOAT/DOUBLE; kStride 0 = the run-time `stride`. Contiguous data (the common
// case) gets its own instance, whose 8 running sums the compiler keeps in vector registers.
template <std::ptrdiff_t kStride, class T>
T pairwise_sum(const T* a, std::size_t n, std::ptrdiff_t runtime_stride) {
  const std::ptrdiff_t stride = kStride != 0 ? kStride : runtime_stride;
  constexpr std::size_t kBlock = 128;
  if (n < 8) {
    T res = T(0);
    for (std::size_t i = 0; i < n; ++i) res += a[i * stride];
    return res;
  }
  if (n <= kBlock) {
    T r[8];
    for (int j = 0; j < 8; ++j) r[j] = a[j * stride];
    std::size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (int j = 0; j < 8; ++j) r[j] += a[(i + j) * stride];
    }
    T res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i * stride];
    return res;
  }
  std::size_t n2 = n / 2;
  n2 -= n2 % 8;
  return pairwise_sum<kStride>(a, n2, stride) + pairwise_sum<kStride>(a + n2 * stride, n - n2, stride);
}

}  // namespace

template <class T>
T numpy_pairwise_sum(const T* a, std::size_t n, std::ptrdiff_t stride) {
  return stride == 1 ? pairwise_sum<1>(a, n, 1) : pairwise_sum<0>(a, n, stride);
}

template float numpy_pairwise_sum<float>(const float*, std::size_t, std::ptrdiff_t);
template double numpy_pairwise_sum<double>(const double*, std::size_t, std::ptrdiff_t);

}  // namespace pmbench
