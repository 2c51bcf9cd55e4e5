// pmbench._core: the compiled part of the `pmbench` Python package (re-exported by __init__.py).
#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "pmbench/error.hpp"
#include "pmbench/metrics/kernel_isa.hpp"
#include "pmbench/metrics/per_hand.hpp"
#include "pmbench/metrics/types.hpp"
#include "pmbench/score.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
  m.doc() = "pmbench: PianoMotion10M hand-motion metrics (compiled core; import `pmbench` instead)";

  // pmbench::Error -> ValueError / OSError / RuntimeError by kind, with the CLI's message.
  py::register_exception_translator([](std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
    } catch (const pmbench::Error& e) {
      switch (e.kind()) {
        case pmbench::ErrorKind::InvalidInput:
          PyErr_SetString(PyExc_ValueError, e.what());
          return;
        case pmbench::ErrorKind::Io:
          PyErr_SetString(PyExc_OSError, e.what());
          return;
        case pmbench::ErrorKind::Internal:
          break;
      }
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });

  m.attr("__version__") = pmbench::version();
  m.attr("SPEC") = pmbench::kSpecName;
  m.attr("POSE_DIM") = pmbench::kPoseDim;
  m.attr("TRANS_DIM") = pmbench::kTransDim;
  py::tuple names(pmbench::kNumHandMetrics);
  for (int i = 0; i < pmbench::kNumHandMetrics; ++i)
    names[i] = py::str(std::string(pmbench::kHandMetricNames[i]));
  m.attr("METRICS") = names;
#ifdef PMBENCH_PYTHON_HAVE_ENCODER
  m.attr("HAVE_ENCODER") = true;
#else
  m.attr("HAVE_ENCODER") = false;
#endif

  m.def("kernel_isa", &pmbench::kernel_isa,
        "The metric kernels in use: 'avx2' or 'baseline'. Both give the same bits; the choice (made at\n"
        "import from the CPU, or forced with the environment variable PMBENCH_KERNELS=baseline) changes\n"
        "speed only.");

  pmbench::python::bind_metrics(m);
  pmbench::python::bind_score(m);
  pmbench::python::bind_write(m);
}
