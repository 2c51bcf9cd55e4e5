#!/usr/bin/env python3
"""Convert an official-format EmbeddingNet checkpoint to a pmbench weights file (HDF5).

LibTorch 1.13 (Debian's libtorch-dev) cannot unpickle the official `torch.save` checkpoints of the
PianoMotion10M / Yoon et al. 2020 feature extractor (their state dict is a collections.OrderedDict
with `_metadata`), so pmbench reads this HDF5 file instead:

    /<state_dict key>   one dataset per key of `gen_dict`, its shape; float32 (num_batches_tracked: int64)
    attrs: format = "pmbench-embeddingnet-weights", format_version = 1, pose_dim, frames,
           source (file name), source_sha256 (of the checkpoint's bytes), note (if the checkpoint has one)

Usage: python3 scripts/convert_checkpoint.py CHECKPOINT.bin OUT.h5
Needs only python3-torch, python3-h5py and python3-numpy (Debian packages). The output is written
atomically (temporary file beside it, then rename).
"""
import argparse
import hashlib
import os
import sys
import tempfile

import h5py
import numpy as np
import torch

FORMAT = "pmbench-embeddingnet-weights"
FORMAT_VERSION = 1
DEFAULT_FRAMES = 240  # the official clips: 8 s at 30 fps


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fail(message):
    print(f"convert_checkpoint: error: {message}", file=sys.stderr)
    sys.exit(1)


def convert(checkpoint_path, out_path):
    try:
        checkpoint = torch.load(checkpoint_path, map_location="cpu")
    except Exception as e:  # noqa: BLE001 - any unpickling failure is a bad input here
        fail(f"{checkpoint_path}: cannot load as a torch.save checkpoint ({type(e).__name__}: {e})")
    if not isinstance(checkpoint, dict) or "gen_dict" not in checkpoint:
        fail(f"{checkpoint_path}: not an EmbeddingNet checkpoint (expected a dict with 'pose_dim' and 'gen_dict')")
    if "pose_dim" not in checkpoint:
        fail(f"{checkpoint_path}: checkpoint has no 'pose_dim'")
    state = checkpoint["gen_dict"]
    frames = int(checkpoint.get("frames", checkpoint.get("n_frames", DEFAULT_FRAMES)))

    out_dir = os.path.dirname(os.path.abspath(out_path))
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(out_path) + ".", suffix=".tmp", dir=out_dir)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual permissions
    try:
        with h5py.File(tmp, "w") as f:
            f.attrs["format"] = FORMAT
            f.attrs["format_version"] = np.int64(FORMAT_VERSION)
            f.attrs["pose_dim"] = np.int64(int(checkpoint["pose_dim"]))
            f.attrs["frames"] = np.int64(frames)
            f.attrs["source"] = os.path.basename(checkpoint_path)
            f.attrs["source_sha256"] = sha256_of(checkpoint_path)
            if isinstance(checkpoint.get("note"), str):
                f.attrs["note"] = checkpoint["note"]
            for key, value in state.items():
                if not torch.is_tensor(value):
                    fail(f"{checkpoint_path}: gen_dict['{key}'] is not a tensor")
                if "/" in key:
                    fail(f"{checkpoint_path}: gen_dict key '{key}' contains '/'")
                array = value.detach().cpu().numpy()
                array = array.astype(np.float32) if array.dtype.kind == "f" else array.astype(np.int64)
                f.create_dataset(key, data=array)
        os.replace(tmp, out_path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("checkpoint", help="official-format checkpoint (torch.save dict with pose_dim, gen_dict)")
    parser.add_argument("out", help="pmbench weights file to write (.h5)")
    args = parser.parse_args()
    convert(args.checkpoint, args.out)


if __name__ == "__main__":
    main()
