"""Type stub of pmbench._core (re-exported by ``pmbench``). Shapes are given in the docstrings:
C clips, T frames, 48 pose values (MANO axis-angle) and 3 wrist coordinates per hand and frame."""

import os
from typing import Any, Literal, Mapping, Optional, Sequence, Tuple, Union, overload

import numpy as np
import numpy.typing as npt

__version__: str
SPEC: str  # "pm10m-official"
POSE_DIM: int  # 48
TRANS_DIM: int  # 3
METRICS: Tuple[str, str, str, str]  # ("FGD", "WGD", "PD", "Smooth")
HAVE_ENCODER: bool  # score(encoder=...) available (module built with LibTorch)

def kernel_isa() -> str:
    """The metric kernels in use: "avx2" or "baseline" (same bits either way; PMBENCH_KERNELS=baseline forces the baseline)."""

PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
ArrayDict = Mapping[str, Any]  # {"right_pose", "left_pose", "right_trans", "left_trans"[, "clip_id"]}

@overload
def fgd(gt: npt.ArrayLike, pred: npt.ArrayLike, *, with_reason: Literal[False] = ...) -> float:
    """FGD of pose sequences gt [T,48] and pred [T,48] (same dtype: float32 or float64).

    NaN when undefined; with_reason=True returns (value, None) or (None, reason)."""
@overload
def fgd(gt: npt.ArrayLike, pred: npt.ArrayLike, *, with_reason: Literal[True]) -> Tuple[Optional[float], Optional[str]]: ...
@overload
def wgd(gt: npt.ArrayLike, pred: npt.ArrayLike, *, with_reason: Literal[False] = ...) -> float:
    """WGD of pose sequences gt [T,48] and pred [T,48] (same dtype: float32 or float64).

    NaN when undefined (e.g. T < 13); with_reason=True returns (value, None) or (None, reason)."""
@overload
def wgd(gt: npt.ArrayLike, pred: npt.ArrayLike, *, with_reason: Literal[True]) -> Tuple[Optional[float], Optional[str]]: ...
@overload
def pd(gt: npt.ArrayLike, pred: npt.ArrayLike, *, with_reason: Literal[False] = ...) -> float:
    """PD of wrist translations gt [T,3] and pred [T,3] (same dtype: float32 or float64).

    NaN when undefined; with_reason=True returns (value, None) or (None, reason)."""
@overload
def pd(gt: npt.ArrayLike, pred: npt.ArrayLike, *, with_reason: Literal[True]) -> Tuple[Optional[float], Optional[str]]: ...
@overload
def smooth(gt: npt.ArrayLike, pred: npt.ArrayLike, *, with_reason: Literal[False] = ...) -> float:
    """Smooth of pose sequences gt [T,48] and pred [T,48] (same dtype: float32 or float64).

    NaN when undefined (e.g. T < 3); with_reason=True returns (value, None) or (None, reason)."""
@overload
def smooth(gt: npt.ArrayLike, pred: npt.ArrayLike, *, with_reason: Literal[True]) -> Tuple[Optional[float], Optional[str]]: ...

def score(
    pred: Union[PathLike, ArrayDict],
    gt: Union[PathLike, ArrayDict, None] = None,
    precision: Literal["float32", "float64"] = "float32",
    encoder: Optional[PathLike] = None,
    threads: Optional[int] = None,
    fid_window: Optional[Literal["consecutive"]] = None,
    device: Literal["cpu", "cuda"] = "cpu",
) -> dict:
    """Every per-hand metric on every clip; the JSON report of `pmbench score --format json`.

    pred, gt: a format-v1 HDF5 file path (pred reads /pred, gt reads /gt; gt=None = the pred
    file's /gt), or a dict of arrays right_pose/left_pose [C,T,48], right_trans/left_trans
    [C,T,3] (float32 or float64) with an optional "clip_id" list of C str. Clip ids on both
    sides match gt to pred by id. threads: None or 0 = all cores. encoder: only when HAVE_ENCODER;
    fid_window (None or "consecutive") and device ("cpu" or "cuda") as the CLI's --fid-window and
    --device."""

def write_predictions(
    path: PathLike,
    *,
    right_pose: npt.ArrayLike,
    left_pose: npt.ArrayLike,
    right_trans: npt.ArrayLike,
    left_trans: npt.ArrayLike,
    clip_id: Optional[Sequence[str]] = None,
    gt: Optional[ArrayDict] = None,
) -> None:
    """Writes a format-v1 file atomically: poses [C,T,48], translations [C,T,3] (one dtype:
    float32 or float64, which becomes the file's), optional clip ids [C] and gt arrays (same C, T)."""
