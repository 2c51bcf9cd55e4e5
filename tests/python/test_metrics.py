"""pmbench.fgd / wgd / pd / smooth against the official golden outputs, in both precisions, and
their input handling: memory order, strides, dtypes, shapes, undefined values."""

import math

import numpy as np
import pytest

import pmbench
from conftest import CASES, HANDS, METRICS, PRECISIONS, case_path, check_value, expected, read_group

FUNCTIONS = {"FGD": pmbench.fgd, "WGD": pmbench.wgd, "PD": pmbench.pd, "Smooth": pmbench.smooth}


def test_golden_cases_present():
    assert len(CASES) == 13


@pytest.mark.parametrize("precision", PRECISIONS)
@pytest.mark.parametrize("name", CASES)
def test_matches_official_per_clip(name, precision):
    dtype = np.float32 if precision == "float32" else np.float64
    pred = read_group(case_path(name), "pred", dtype)
    gt = read_group(case_path(name), "gt", dtype)
    official = expected(name, precision)
    compared = 0
    for hand in HANDS:
        for metric in METRICS:
            key = f"{hand}_{'trans' if metric == 'PD' else 'pose'}"
            for c, off in enumerate(official["per_clip"][hand][metric]):
                ours = FUNCTIONS[metric](gt[key][c], pred[key][c])
                assert isinstance(ours, float)
                check_value(ours, off, metric, precision, f"{name} {precision} {hand} {metric} clip {c}")
                compared += 1
    assert compared == official["n_clips"] * 8


def _walk(frames, dim, seed, dtype):
    rng = np.random.default_rng(seed)
    return np.cumsum(rng.normal(scale=0.1, size=(frames, dim)), axis=0).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("metric", METRICS)
def test_any_memory_layout_gives_the_same_value(metric, dtype):
    dim = 3 if metric == "PD" else 48
    gt, pred = _walk(120, dim, 1, dtype), _walk(120, dim, 2, dtype)
    fn = FUNCTIONS[metric]
    reference = fn(gt, pred)
    assert math.isfinite(reference)
    # Fortran order, a strided view of a bigger array, negative strides (reversed twice), a list.
    big = np.zeros((240, 2 * dim), dtype=dtype)
    big[::2, ::2] = pred
    layouts = [
        (np.asfortranarray(gt), np.asfortranarray(pred)),
        (gt, big[::2, ::2]),
        (gt[::-1][::-1], pred[::-1][::-1]),
        (np.ascontiguousarray(gt[::-1])[::-1], pred),
    ]
    # Rows of a wider array and every third row: read in place, the NaN beside them never read.
    wide = np.full((120, dim + 5), np.nan, dtype=dtype)
    wide[:, 2 : 2 + dim] = pred
    layouts += [(gt, wide[:, 2 : 2 + dim]), (np.repeat(gt, 3, axis=0)[1::3], pred)]
    for g, p in layouts:
        assert fn(g, p) == reference
    if dtype == np.float64:
        assert fn(gt.tolist(), pred.tolist()) == reference  # lists convert to float64


def test_precision_follows_dtype():
    gt, pred = _walk(200, 48, 3, np.float64), _walk(200, 48, 4, np.float64)
    f64 = pmbench.fgd(gt, pred)
    f32 = pmbench.fgd(gt.astype(np.float32), pred.astype(np.float32))
    assert f32 == pytest.approx(f64, rel=1e-3)
    assert f32 != f64  # float32 really runs in float32


def test_properties():
    gt, pred = _walk(150, 48, 5, np.float64), _walk(150, 48, 6, np.float64)
    assert pmbench.fgd(gt, gt) == pytest.approx(0.0, abs=1e-6)
    assert pmbench.smooth(gt, gt) == 0.0
    assert pmbench.pd(gt[:, :3], gt[:, :3]) == 0.0
    assert pmbench.fgd(gt, pred) == pytest.approx(pmbench.fgd(pred, gt), rel=1e-9)
    assert pmbench.smooth(gt, pred) == pytest.approx(pmbench.smooth(pred, gt), rel=1e-12)


def test_undefined_values_and_reasons():
    gt, pred = _walk(2, 48, 7, np.float32), _walk(2, 48, 8, np.float32)
    assert math.isnan(pmbench.wgd(gt, pred))  # official: IncrementalPCA raises for T < 10
    value, reason = pmbench.wgd(gt, pred, with_reason=True)
    assert value is None
    assert "n_components=10" in reason
    value, reason = pmbench.fgd(gt, pred, with_reason=True)
    assert reason is None and math.isfinite(value)
    nan_pred = pred.copy()
    nan_pred[0, 0] = np.nan
    value, reason = pmbench.pd(gt[:, :3], nan_pred[:, :3], with_reason=True)
    assert value is None and reason


def test_mixed_dtypes_raise_value_error():
    gt = _walk(50, 48, 9, np.float32)
    with pytest.raises(ValueError, match=r"pmbench.fgd: gt is float32 but pred is float64"):
        pmbench.fgd(gt, gt.astype(np.float64))


@pytest.mark.parametrize(
    "fn, gt_shape, pred_shape, message",
    [
        (pmbench.fgd, (10, 47), (10, 48), r"pmbench.fgd: gt: expected shape \[T,48\], got \(10, 47\)"),
        (pmbench.pd, (10, 3), (10, 48), r"pmbench.pd: pred: expected shape \[T,3\], got \(10, 48\)"),
        (pmbench.smooth, (2, 10, 48), (10, 48), r"pmbench.smooth: gt: expected shape \[T,48\], got \(2, 10, 48\)"),
        (pmbench.wgd, (48,), (48,), r"pmbench.wgd: gt: expected shape \[T,48\], got \(48,\)"),
    ],
)
def test_wrong_shapes_raise_value_error(fn, gt_shape, pred_shape, message):
    with pytest.raises(ValueError, match=message):
        fn(np.zeros(gt_shape, np.float32), np.zeros(pred_shape, np.float32))


def test_non_float_inputs_raise():
    with pytest.raises(ValueError, match=r"pmbench.pd: gt: expected float32 or float64 values, got int64"):
        pmbench.pd(np.zeros((5, 3), np.int64), np.zeros((5, 3), np.int64))
    with pytest.raises(ValueError, match=r"expected float32 or float64 values, got >f4"):
        pmbench.pd(np.zeros((5, 3), ">f4"), np.zeros((5, 3), ">f4"))
    with pytest.raises(ValueError, match=r"got <U1"):
        pmbench.pd([["a"]], [["b"]])
