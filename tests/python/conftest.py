"""Shared fixtures of the pmbench Python tests: golden cases (tests/data/golden, copied from
shared/golden: inputs and outputs of the official PianoMotion10M evaluation at commit 86539e5),
the spec's tolerance table, and the CLI binary (ctest passes PMBENCH_CLI and PYTHONPATH)."""

import json
import os
import pathlib

import h5py
import numpy as np
import pytest

DATA_DIR = pathlib.Path(os.environ.get("PMBENCH_TEST_DATA_DIR", pathlib.Path(__file__).parents[1] / "data"))
GOLDEN_DIR = DATA_DIR / "golden"
CASES = sorted(p.stem for p in (GOLDEN_DIR / "cases").glob("*.h5"))
HANDS = ("right", "left")
METRICS = ("FGD", "WGD", "PD", "Smooth")
ARRAY_KEYS = ("right_pose", "left_pose", "right_trans", "left_trans")
PRECISIONS = ("float32", "float64")


def case_path(name):
    return str(GOLDEN_DIR / "cases" / f"{name}.h5")


def expected(name, precision):
    """Official output: per_clip[hand][metric] lists; a string ("NaN", "ERROR: ...") = undefined."""
    suffix = "native" if precision == "float32" else "float64"
    with open(GOLDEN_DIR / "expected" / f"{name}.official.{suffix}.json") as f:
        return json.load(f)


def read_group(path, group, dtype=np.float32):
    """The four arrays of a group of a format-v1 file, as `dtype`."""
    with h5py.File(path, "r") as f:
        return {k: np.asarray(f[group][k], dtype=dtype) for k in ARRAY_KEYS}


def tolerance(metric, precision, official):
    """Allowed |ours - official|: the spec's table (docs/metrics.md) and the two noise floors of
    tests/metrics/golden_cases.hpp (FGD float32 |official| < 0.1: 1e-2; WGD |official| < 1e-8: 1e-8)."""
    mag = abs(official)
    f64 = precision == "float64"
    if metric == "FGD" and not f64 and mag < 0.1:
        return 1e-2
    if metric == "WGD" and mag < 1e-8:
        return 1e-8
    if metric in ("PD", "Smooth"):
        return (1e-12 if f64 else 1e-6) * mag
    if metric == "FGD":
        return max(1e-9 * mag, 1e-9) if f64 else max(1e-4 * mag, 1e-3)
    return 1e-9 if f64 else 1e-5  # WGD


def check_value(ours, official, metric, precision, where):
    """`ours` is None or NaN for undefined; `official` a number or a string (undefined)."""
    if isinstance(official, str):
        assert ours is None or np.isnan(ours), f"{where}: official undefined ({official}), ours {ours}"
    else:
        assert ours is not None and np.isfinite(ours), f"{where}: official {official}, ours undefined"
        assert abs(ours - official) <= tolerance(metric, precision, official), (
            f"{where}: official {official!r}, ours {ours!r}, tolerance {tolerance(metric, precision, official)}"
        )


@pytest.fixture(scope="session")
def cli():
    """Path of the `pmbench` binary of this build."""
    path = os.environ.get("PMBENCH_CLI")
    if not path:
        pytest.skip("PMBENCH_CLI is not set (run through ctest)")
    return path
