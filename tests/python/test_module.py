"""The package itself: what it exports, its type stub, and concurrent use from Python threads
(the GIL is released during computation)."""

import ast
import concurrent.futures
import pathlib

import numpy as np

import pmbench
import pmbench._core
from conftest import case_path, read_group


def test_exports():
    assert pmbench.SPEC == "pm10m-official"
    assert pmbench.METRICS == ("FGD", "WGD", "PD", "Smooth")
    assert (pmbench.POSE_DIM, pmbench.TRANS_DIM) == (48, 3)
    assert isinstance(pmbench.__version__, str) and pmbench.__version__
    for name in pmbench.__all__:
        assert getattr(pmbench, name) is getattr(pmbench._core, name)
    assert pmbench.kernel_isa() in ("avx2", "baseline")


def test_stub_declares_every_public_name():
    stub = pathlib.Path(pmbench._core.__file__).with_name("_core.pyi")
    tree = ast.parse(stub.read_text())
    declared = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    declared |= {node.target.id for node in tree.body if isinstance(node, ast.AnnAssign)}
    public = {name for name in dir(pmbench._core) if not name.startswith("_")} | {"__version__"}
    assert public <= declared, public - declared
    assert pathlib.Path(pmbench.__file__).with_name("py.typed").exists()


def test_concurrent_calls_from_threads(tmp_path):
    """Scoring files, writing files and per-clip metrics from several threads at once (HDF5 calls
    are serialized inside the module) give the sequential results."""
    paths = [case_path(name) for name in ("a_random_walk", "c_small_noise", "g_long_T900")]
    arrays = read_group(paths[0], "pred")
    truth = read_group(paths[0], "gt")  # h5py, not from the threads: HDF5 is shared with it
    gt = read_group(paths[0], "gt")["right_pose"][0]
    pred = arrays["right_pose"][0]
    expected_reports = [pmbench.score(p, threads=1) for p in paths]
    expected_wgd = pmbench.wgd(gt, pred)
    assert np.isfinite(expected_wgd)

    def write_and_score(i):
        out = tmp_path / f"copy{i}.h5"
        pmbench.write_predictions(out, **arrays, gt=truth)
        return pmbench.score(out, threads=1)

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        reports = [pool.submit(pmbench.score, p, threads=1) for p in paths * 3]
        copies = [pool.submit(write_and_score, i) for i in range(4)]
        wgds = [pool.submit(pmbench.wgd, gt, pred) for _ in range(4)]
        assert [r.result() for r in reports] == expected_reports * 3
        assert [c.result()["per_clip"] for c in copies] == [expected_reports[0]["per_clip"]] * 4
        assert [w.result() for w in wgds] == [expected_wgd] * 4
