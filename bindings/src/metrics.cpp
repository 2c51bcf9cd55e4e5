// pmbench.fgd / wgd / pd / smooth: the per-hand metrics on one clip of numpy arrays.
#include <cmath>
#include <limits>

#include "bindings.hpp"
#include "pmbench/error.hpp"
#include "pmbench/metrics/per_hand.hpp"

namespace pmbench::python {
namespace {

/// A float for every outcome (NaN when undefined), or (value or None, reason or None).
py::object metric_result(const MetricResult& r, bool with_reason) {
  if (!with_reason) return py::float_(r.defined() ? r.value : std::numeric_limits<double>::quiet_NaN());
  if (r.defined()) return py::make_tuple(r.value, py::none());
  return py::make_tuple(py::none(), r.undefined_reason);
}

template <class Scalar>
MetricResult run_metric(HandMetric metric, const py::array& gt, const py::array& pred, long cols,
                        const std::string& name) {
  MatrixRM<Scalar> gt_copy, pred_copy;  // only for arrays whose rows are not contiguous
  const FramesRef<Scalar> g = frames_of<Scalar>(gt, cols, name + ": gt", &gt_copy);
  const FramesRef<Scalar> p = frames_of<Scalar>(pred, cols, name + ": pred", &pred_copy);
  py::gil_scoped_release nogil;  // (the arrays stay alive: the caller holds them)
  return evaluate_hand_metric<Scalar>(metric, g, p);
}

py::object metric(HandMetric metric, const py::object& gt, const py::object& pred, bool with_reason) {
  const std::string name = "pmbench." + std::string(metric == HandMetric::FGD   ? "fgd"
                                                    : metric == HandMetric::WGD ? "wgd"
                                                    : metric == HandMetric::PD  ? "pd"
                                                                                : "smooth");
  DType gt_dtype, pred_dtype;
  const py::array g = as_float_array(gt, name + ": gt", &gt_dtype);
  const py::array p = as_float_array(pred, name + ": pred", &pred_dtype);
  PMBENCH_CHECK(gt_dtype == pred_dtype, InvalidInput, name, ": gt is ", std::string(py::str(g.dtype())),
                " but pred is ", std::string(py::str(p.dtype())),
                " (the dtype picks the precision: pass both as float32 or both as float64)");
  const long cols = metric_uses_pose(metric) ? kPoseDim : kTransDim;
  const MetricResult r = gt_dtype == DType::Float32 ? run_metric<float>(metric, g, p, cols, name)
                                                    : run_metric<double>(metric, g, p, cols, name);
  return metric_result(r, with_reason);
}

constexpr const char* kUndefinedNote =
    "Returns a float; NaN when the metric is undefined on this input (where the official evaluation\n"
    "raises or yields NaN/Inf). with_reason=True returns (value, None) or (None, reason) instead.\n"
    "float32 inputs run the official float32 precision, float64 inputs float64; mixed dtypes raise\n"
    "ValueError. Any memory order and strides are accepted.";

}  // namespace

void bind_metrics(py::module_& m) {
  using namespace pybind11::literals;
  const auto doc = [](const char* head) { return std::string(head) + "\n\n" + kUndefinedNote; };
  m.def(
      "fgd",
      [](const py::object& gt, const py::object& pred, bool with_reason) {
        return metric(HandMetric::FGD, gt, pred, with_reason);
      },
      "gt"_a, "pred"_a, py::kw_only(), "with_reason"_a = false,
      doc("FGD: Frechet distance of Gaussians fitted to the frames of gt and pred poses [T,48].").c_str());
  m.def(
      "wgd",
      [](const py::object& gt, const py::object& pred, bool with_reason) {
        return metric(HandMetric::WGD, gt, pred, with_reason);
      },
      "gt"_a, "pred"_a, py::kw_only(), "with_reason"_a = false,
      doc("WGD: optimal transport between GMMs fitted to PCA projections of gt and pred poses [T,48].")
          .c_str());
  m.def(
      "pd",
      [](const py::object& gt, const py::object& pred, bool with_reason) {
        return metric(HandMetric::PD, gt, pred, with_reason);
      },
      "gt"_a, "pred"_a, py::kw_only(), "with_reason"_a = false,
      doc("PD: mean planar (x, y) distance of wrist translations gt and pred [T,3].").c_str());
  m.def(
      "smooth",
      [](const py::object& gt, const py::object& pred, bool with_reason) {
        return metric(HandMetric::Smooth, gt, pred, with_reason);
      },
      "gt"_a, "pred"_a, py::kw_only(), "with_reason"_a = false,
      doc("Smooth: |a(pred) - a(gt)| of the official acceleration scalar of poses [T,48].").c_str());
}

}  // namespace pmbench::python
