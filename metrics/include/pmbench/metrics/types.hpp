// Shared vocabulary of the metric core: matrices, precision, per-clip results.
#pragma once

#include <Eigen/Core>
#include <limits>
#include <string>

namespace pmbench {

/// Row-major dynamic matrix: one row per frame, as the data sits in HDF5 and numpy.
template <class Scalar>
using MatrixRM = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Read-only view of frames x features (rows contiguous, any row stride).
template <class Scalar>
using FramesRef = Eigen::Ref<const MatrixRM<Scalar>, 0, Eigen::OuterStride<>>;

/// Working precision of the per-hand metrics. The official evaluation runs on float32 arrays.
enum class Precision { Float32, Float64 };

inline const char* precision_name(Precision p) { return p == Precision::Float32 ? "float32" : "float64"; }

/// Name of the metric specification implemented here: the official evaluation at commit 86539e5.
inline constexpr const char* kSpecName = "pm10m-official";

/// The value of one metric on one clip and hand. Undefined where the official code raises or
/// produces NaN/Inf; `undefined_reason` then says why.
struct MetricResult {
  double value = std::numeric_limits<double>::quiet_NaN();  ///< meaningful only when defined()
  std::string undefined_reason;                             ///< empty when defined

  bool defined() const { return undefined_reason.empty(); }
  static MetricResult ok(double v) { return MetricResult{v, {}}; }
  static MetricResult undefined(std::string reason) {
    return MetricResult{std::numeric_limits<double>::quiet_NaN(), std::move(reason)};
  }
  /// A computed value: defined when finite, otherwise undefined with a reason naming the value.
  static MetricResult from_value(double v, const char* what);
};

}  // namespace pmbench
