"""pmbench: evaluation metrics of PianoMotion10M hand-motion generation.

The same numbers as the ``pmbench`` command line, on numpy arrays or format-v1 HDF5 files:

- ``fgd(gt, pred)``, ``wgd``, ``smooth`` on poses ``[T, 48]``; ``pd`` on wrist translations ``[T, 3]``.
  float32 inputs run the official float32 precision, float64 inputs float64. Undefined values
  (where the official evaluation raises or yields NaN/Inf) come back as NaN, or with
  ``with_reason=True`` as ``(None, reason)``.
- ``score(pred, gt=None, precision="float32", threads=None)``: every metric on every clip; the
  JSON report of ``pmbench score --format json`` as a dict.
- ``write_predictions(path, right_pose=..., left_pose=..., right_trans=..., left_trans=...)``.

Errors raise ValueError (bad input), OSError (files) or TypeError (argument types), with the
command line's messages.
"""

from pmbench._core import (
    HAVE_ENCODER,
    METRICS,
    POSE_DIM,
    SPEC,
    TRANS_DIM,
    __version__,
    fgd,
    kernel_isa,
    pd,
    score,
    smooth,
    wgd,
    write_predictions,
)

__all__ = [
    "HAVE_ENCODER",
    "METRICS",
    "POSE_DIM",
    "SPEC",
    "TRANS_DIM",
    "__version__",
    "fgd",
    "kernel_isa",
    "pd",
    "score",
    "smooth",
    "wgd",
    "write_predictions",
]
