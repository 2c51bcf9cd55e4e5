// Run-time choice between the baseline and AVX2 builds of the metric kernels (see kernel_isa.hpp).
#include "pmbench/metrics/kernel_isa.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "kernel_dispatch.hpp"

namespace pmbench {
namespace {

bool cpu_runs_avx2_kernels() {
#if defined(PMBENCH_HAVE_AVX2_KERNELS) && (defined(__GNUC__) || defined(__clang__)) && \
    (defined(__x86_64__) || defined(__i386__))
  if (const char* choice = std::getenv("PMBENCH_KERNELS"); choice && std::strcmp(choice, "baseline") == 0) {
    return false;
  }
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

std::atomic<bool> forced_baseline{false};

}  // namespace

namespace detail {
bool use_avx2_kernels() {
  static const bool capable = cpu_runs_avx2_kernels();
  return capable && !forced_baseline.load(std::memory_order_relaxed);
}
}  // namespace detail

const char* kernel_isa() { return detail::use_avx2_kernels() ? "avx2" : "baseline"; }

void force_baseline_kernels(bool force) { forced_baseline.store(force, std::memory_order_relaxed); }

}  // namespace pmbench
