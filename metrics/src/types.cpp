#include "pmbench/metrics/types.hpp"

#include <cmath>
#include <string>

namespace pmbench {

MetricResult MetricResult::from_value(double v, const char* what) {
  if (std::isfinite(v)) return ok(v);
  const char* kind = std::isnan(v) ? "NaN" : "Inf";
  return undefined(std::string(what) + " is " + kind);
}

}  // namespace pmbench
