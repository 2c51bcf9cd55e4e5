"""pmbench.score(encoder=...): FID through the motion auto-encoder, in modules configured with
-DPMBENCH_PYTHON_WITH_ENCODER=ON (LibTorch); without it, the clear error."""

import json
import pathlib
import subprocess
import sys

import pytest

import pmbench
from conftest import DATA_DIR, case_path

REPO = pathlib.Path(__file__).parents[2]


@pytest.mark.skipif(pmbench.HAVE_ENCODER, reason="module built with the auto-encoder")
def test_without_libtorch_encoder_is_a_value_error():
    with pytest.raises(ValueError, match=r"encoder= .* this module was built without LibTorch"):
        pmbench.score(case_path("a_random_walk"), encoder=DATA_DIR / "autoencoder" / "embeddingnet_random.bin")


@pytest.fixture(scope="module")
def converted_encoder(tmp_path_factory):
    """The random-weight EmbeddingNet checkpoint, converted to pmbench's HDF5 weights."""
    out = tmp_path_factory.mktemp("encoder") / "embeddingnet_random.h5"
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "convert_checkpoint.py"),
                           str(DATA_DIR / "autoencoder" / "embeddingnet_random.bin"), str(out)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot convert the checkpoint here (needs python3-torch): {done.stderr.strip()[-200:]}")
    return out


@pytest.mark.skipif(not pmbench.HAVE_ENCODER, reason="module built without the auto-encoder")
def test_fid_matches_cli(cli, converted_encoder):
    path = case_path("a_random_walk")
    ours = pmbench.score(path, encoder=converted_encoder)
    done = subprocess.run([cli, "score", path, "--encoder", str(converted_encoder), "--format", "json", "--quiet"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    theirs = json.loads(done.stdout)
    for key in ("FID", "F_dist", "encoder", "fid_conditioning", "fid_window", "warnings"):
        assert ours[key] == theirs[key], key
    assert ours["FID"] >= 0 and ours["encoder"]["pose_dim"] == 96


@pytest.mark.skipif(not pmbench.HAVE_ENCODER, reason="module built without the auto-encoder")
def test_unconverted_checkpoint_is_a_value_error():
    with pytest.raises(ValueError, match=r"convert it with"):
        pmbench.score(case_path("a_random_walk"), encoder=DATA_DIR / "autoencoder" / "embeddingnet_random.bin")


@pytest.mark.skipif(not pmbench.HAVE_ENCODER, reason="module built without the auto-encoder")
def test_fid_window_and_device_reach_the_encoder(converted_encoder):
    path = case_path("a_random_walk")
    windowed = pmbench.score(path, encoder=converted_encoder, fid_window="consecutive")
    assert windowed["fid_window"] == "consecutive"
    assert windowed["FID"] == pmbench.score(path, encoder=converted_encoder)["FID"]  # 240-frame clips: one window
    with pytest.raises(ValueError, match=r"cuda"):
        pmbench.score(path, encoder=converted_encoder, device="cuda")  # Debian's LibTorch has no CUDA
