"""pmbench.write_predictions: format-v1 files that read back (h5py, pmbench.score, the CLI),
written atomically, with the error paths."""

import json
import subprocess

import h5py
import numpy as np
import pytest

import pmbench
from conftest import ARRAY_KEYS, case_path, read_group


def test_round_trip_float32(tmp_path):
    pred, gt = read_group(case_path("a_random_walk"), "pred"), read_group(case_path("a_random_walk"), "gt")
    path = tmp_path / "preds.h5"
    pmbench.write_predictions(path, **pred, clip_id=["c0", "c1", "c2", "c3"], gt=gt)
    with h5py.File(path, "r") as f:
        for k in ARRAY_KEYS:
            assert f["pred"][k].dtype == np.float32
            np.testing.assert_array_equal(f["pred"][k][()], pred[k])
            np.testing.assert_array_equal(f["gt"][k][()], gt[k])
        assert [s.decode() if isinstance(s, bytes) else s for s in f["clip_id"][()]] == ["c0", "c1", "c2", "c3"]
    report = pmbench.score(path)
    assert report["per_clip"] == pmbench.score(case_path("a_random_walk"))["per_clip"]
    assert report["clip_id"] == ["c0", "c1", "c2", "c3"]
    assert [p.name for p in tmp_path.iterdir()] == ["preds.h5"]  # no temporary left behind


def test_float64_and_strided_inputs(tmp_path):
    rng = np.random.default_rng(0)
    base = {k: rng.normal(size=(3, 20, 48 if "pose" in k else 3)) for k in ARRAY_KEYS}
    strided = {k: np.asfortranarray(v)[:, ::-1][:, ::-1] for k, v in base.items()}
    path = tmp_path / "f64.h5"
    pmbench.write_predictions(path, **strided)
    with h5py.File(path, "r") as f:
        for k in ARRAY_KEYS:
            assert f["pred"][k].dtype == np.float64
            np.testing.assert_array_equal(f["pred"][k][()], base[k])
        assert "gt" not in f and "clip_id" not in f


def test_cli_reads_written_file(cli, tmp_path):
    pred, gt = read_group(case_path("c_small_noise"), "pred"), read_group(case_path("c_small_noise"), "gt")
    path = str(tmp_path / "preds.h5")
    pmbench.write_predictions(path, **pred, gt=gt)
    done = subprocess.run([cli, "score", path, "--format", "json", "--quiet"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == pmbench.score(pred, gt)


def test_overwrites_atomically(tmp_path):
    pred = read_group(case_path("b_identical"), "pred")
    path = tmp_path / "preds.h5"
    pmbench.write_predictions(path, **pred)
    small = {k: v[:1] for k, v in pred.items()}
    pmbench.write_predictions(path, **small)
    with h5py.File(path, "r") as f:
        assert f["pred"]["right_pose"].shape[0] == 1


def test_errors_leave_nothing_behind(tmp_path):
    pred = read_group(case_path("b_identical"), "pred")
    path = tmp_path / "preds.h5"
    with pytest.raises(ValueError, match=r"pred.left_trans: expected shape \[C,T,3\], got \(3, 240, 48\)"):
        pmbench.write_predictions(path, **dict(pred, left_trans=pred["left_pose"]))
    with pytest.raises(ValueError, match=r"gt has 2 clips but pred has 3"):
        pmbench.write_predictions(path, **pred, gt={k: v[:2] for k, v in pred.items()})
    with pytest.raises(ValueError, match=r"pred: clip_id has 2 entries for 3 clips"):
        pmbench.write_predictions(path, **pred, clip_id=["a", "b"])
    with pytest.raises(ValueError, match=r"gt: unknown key 'clip_id'"):
        pmbench.write_predictions(path, **pred, gt=dict(pred, clip_id=["a", "b", "c"]))
    with pytest.raises(TypeError, match=r"clip_id: expected a list of str"):
        pmbench.write_predictions(path, **pred, clip_id="abcd")
    with pytest.raises(TypeError):
        pmbench.write_predictions(path, right_pose=pred["right_pose"])  # keyword arrays are required
    assert list(tmp_path.iterdir()) == []


def test_unwritable_directory_is_os_error(tmp_path):
    pred = read_group(case_path("b_identical"), "pred")
    with pytest.raises(OSError, match=r"cannot write"):
        pmbench.write_predictions(tmp_path / "no" / "such" / "dir.h5", **pred)
