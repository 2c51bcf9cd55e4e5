"""pmbench.score on files and on numpy arrays: golden values, identity with the CLI's JSON
report, clip-id pairing, thread-count independence and the error paths."""

import json
import os
import subprocess

import numpy as np
import pytest

import pmbench
from conftest import ARRAY_KEYS, CASES, HANDS, METRICS, PRECISIONS, case_path, check_value, expected, read_group


@pytest.mark.parametrize("precision", PRECISIONS)
@pytest.mark.parametrize("name", CASES)
def test_file_matches_official_per_clip(name, precision):
    report = pmbench.score(case_path(name), precision=precision)
    official = expected(name, precision)
    assert report["spec"] == pmbench.SPEC
    assert report["precision"] == precision
    assert report["n_clips"] == official["n_clips"]
    assert report["frames"] == official["T"]
    for hand in HANDS:
        for metric in METRICS:
            ours = report["per_clip"][hand][metric]
            assert len(ours) == official["n_clips"]
            for c, off in enumerate(official["per_clip"][hand][metric]):
                check_value(ours[c], off, metric, precision, f"{name} {precision} {hand} {metric} clip {c}")
            undefined = any(isinstance(v, str) for v in official["per_clip"][hand][metric])
            assert (report["mean"][hand][metric] is None) == undefined


def run_cli(cli, *args):
    done = subprocess.run([cli, "score", *args, "--format", "json", "--quiet"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("precision", PRECISIONS)
@pytest.mark.parametrize("name", ["a_random_walk", "e_short_T2", "f_nan"])
def test_same_report_as_cli(cli, name, precision):
    assert pmbench.score(case_path(name), precision=precision) == run_cli(cli, case_path(name), "--precision", precision)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_arrays_give_the_file_numbers(dtype):
    path = case_path("c_small_noise")
    pred, gt = read_group(path, "pred", dtype), read_group(path, "gt", dtype)
    for precision in PRECISIONS:
        from_file = pmbench.score(path, precision=precision)
        from_arrays = pmbench.score(pred, gt, precision=precision)
        if dtype == np.float32:  # the file holds float32: identical inputs
            assert from_arrays == from_file
        else:
            assert from_arrays["per_clip"] == pmbench.score(
                {k: v.astype(np.float32) for k, v in pred.items()}, gt, precision=precision)["per_clip"]


def test_non_contiguous_arrays():
    path = case_path("a_random_walk")
    pred, gt = read_group(path, "pred"), read_group(path, "gt")
    reference = pmbench.score(pred, gt)
    strided = {}
    for k, v in pred.items():
        big = np.zeros((v.shape[0], 2 * v.shape[1], v.shape[2] + 5), np.float32)
        big[:, ::2, 5:] = v
        strided[k] = big[:, ::2, 5:]
    fortran = {k: np.asfortranarray(v) for k, v in gt.items()}
    assert pmbench.score(strided, fortran) == reference
    reversed_twice = {k: v[::-1][::-1] for k, v in gt.items()}
    assert pmbench.score(pred, reversed_twice) == reference


def test_threads_do_not_change_results():
    path = case_path("a_random_walk")
    assert pmbench.score(path, threads=1) == pmbench.score(path, threads=2) == pmbench.score(path, threads=0)


def test_clip_ids_pair_gt_to_pred():
    path = case_path("a_random_walk")
    pred, gt = read_group(path, "pred"), read_group(path, "gt")
    ids = ["w", "x", "y", "z"]
    order = [2, 0, 3, 1]
    shuffled_gt = {k: v[order] for k, v in gt.items()}
    shuffled_gt["clip_id"] = [ids[i] for i in order]
    report = pmbench.score(dict(pred, clip_id=ids), shuffled_gt)
    reference = pmbench.score(path)
    assert report["per_clip"] == reference["per_clip"]
    assert report["clip_id"] == ids
    # Without ids on one side clips pair by position: the shuffled gt gives other numbers.
    del shuffled_gt["clip_id"]
    assert pmbench.score(pred, shuffled_gt)["per_clip"] != reference["per_clip"]


def test_clip_ids_pair_array_gt_to_file(tmp_path):
    path = case_path("a_random_walk")
    pred, gt = read_group(path, "pred"), read_group(path, "gt")
    file = tmp_path / "pred.h5"
    pmbench.write_predictions(file, **pred, clip_id=["a", "b", "c", "d"])
    shuffled = {k: v[::-1] for k, v in gt.items()}
    shuffled["clip_id"] = ["d", "c", "b", "a"]
    assert pmbench.score(file, shuffled)["per_clip"] == pmbench.score(path)["per_clip"]
    shuffled["clip_id"] = ["d", "c", "b", "e"]
    with pytest.raises(ValueError, match=r"ids not in the ground truth"):
        pmbench.score(file, shuffled)


def test_path_like_and_bytes_paths():
    path = case_path("b_identical")
    import pathlib

    assert pmbench.score(pathlib.Path(path)) == pmbench.score(path) == pmbench.score(os.fsencode(path))


def test_missing_file_is_os_error(cli, tmp_path):
    missing = str(tmp_path / "missing.h5")
    with pytest.raises(OSError) as error:
        pmbench.score(missing)
    done = subprocess.run([cli, "score", missing, "--quiet"], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.strip() == f"pmbench: error: {error.value}"  # the CLI's message
    assert str(error.value) == f"cannot open '{missing}': no such file"


def test_not_hdf5_is_value_error(tmp_path):
    path = tmp_path / "notes.h5"
    path.write_text("not hdf5")
    with pytest.raises(ValueError, match=r"cannot read '.*notes.h5': not an HDF5 file"):
        pmbench.score(path)


def test_missing_gt_group(cli, tmp_path):
    pred = read_group(case_path("a_random_walk"), "pred")
    path = str(tmp_path / "pred_only.h5")
    pmbench.write_predictions(path, **pred)
    with pytest.raises(ValueError, match=r"group /gt is missing \(pass gt= to take the ground truth"):
        pmbench.score(path)
    done = subprocess.run([cli, "score", path, "--quiet"], capture_output=True, text=True)
    assert done.returncode == 1 and "group /gt is missing" in done.stderr
    # With a separate ground truth it scores like the original file.
    assert pmbench.score(path, case_path("a_random_walk"))["per_clip"] == pmbench.score(case_path("a_random_walk"))["per_clip"]


def test_clip_count_mismatch(cli, tmp_path):
    gt = read_group(case_path("a_random_walk"), "gt")
    pred = {k: v[:3] for k, v in read_group(case_path("a_random_walk"), "pred").items()}
    path = str(tmp_path / "three.h5")
    pmbench.write_predictions(path, **pred)
    with pytest.raises(ValueError) as error:
        pmbench.score(path, case_path("a_random_walk"))
    assert str(error.value) == (
        f"'{path}' /pred has 3 clips but the ground truth '{case_path('a_random_walk')}' /gt has 4"
    )
    done = subprocess.run([cli, "score", path, "--gt", case_path("a_random_walk"), "--quiet"],
                          capture_output=True, text=True)
    assert done.stderr.strip() == f"pmbench: error: {error.value}"
    with pytest.raises(ValueError, match=r"pred has 3 clips but the ground truth gt has 4"):
        pmbench.score(pred, gt)


def test_dict_errors():
    pred = read_group(case_path("a_random_walk"), "pred")
    with pytest.raises(ValueError, match=r"pmbench.score: gt= is required when pred is a dict of arrays"):
        pmbench.score(pred)
    with pytest.raises(ValueError, match=r"gt: missing 'left_trans'"):
        pmbench.score(pred, {k: pred[k] for k in ARRAY_KEYS[:3]})
    with pytest.raises(ValueError, match=r"pred: unknown key 'right_hand'"):
        pmbench.score(dict(pred, right_hand=pred["right_pose"]), pred)
    with pytest.raises(ValueError, match=r"gt.left_pose: expected shape \[C,T,48\], got \(4, 240, 3\)"):
        pmbench.score(pred, dict(pred, left_pose=pred["left_trans"]))
    with pytest.raises(ValueError, match=r"gt.right_trans: shape \(4, 100, 3\) does not match right_pose"):
        pmbench.score(pred, dict(pred, right_trans=pred["right_trans"][:, :100]))
    with pytest.raises(ValueError, match=r"pred.left_pose: dtype float64 differs from right_pose's float32"):
        pmbench.score(dict(pred, left_pose=pred["left_pose"].astype(np.float64)), pred)
    with pytest.raises(ValueError, match=r"pred: clip_id has 2 entries for 4 clips"):
        pmbench.score(dict(pred, clip_id=["a", "b"]), pred)
    with pytest.raises(ValueError, match=r"has no clips \(C = 0\)"):
        pmbench.score({k: v[:0] for k, v in pred.items()}, {k: v[:0] for k, v in pred.items()})
    with pytest.raises(TypeError, match=r"pred: expected a dict of arrays"):
        pmbench.score(42)
    with pytest.raises(TypeError, match=r"clip ids must be str"):
        pmbench.score(dict(pred, clip_id=[1, 2, 3, 4]), pred)


def test_option_errors():
    path = case_path("b_identical")
    with pytest.raises(ValueError, match=r'precision must be "float32" or "float64", got "float16"'):
        pmbench.score(path, precision="float16")
    with pytest.raises(ValueError, match=r"threads must be >= 0"):
        pmbench.score(path, threads=-1)
    with pytest.raises(TypeError, match=r"threads must be an int"):
        pmbench.score(path, threads=1.5)
    # the encoder's options are checked with or without an encoder, as the CLI's
    with pytest.raises(ValueError, match=r'fid_window must be None .* or "consecutive", got "sliding"'):
        pmbench.score(path, fid_window="sliding")
    with pytest.raises(TypeError, match=r"fid_window must be a str"):
        pmbench.score(path, fid_window=240)
    with pytest.raises(ValueError, match=r'device must be "cpu" or "cuda", got "tpu"'):
        pmbench.score(path, device="tpu")
    assert pmbench.score(path, fid_window="consecutive", device="cpu") == pmbench.score(path)


def test_positional_precision():
    path = case_path("e_short_T13")
    assert pmbench.score(path, None, "float64") == pmbench.score(path, precision="float64")
    assert pmbench.score(path, None, "float64")["precision"] == "float64"
