#!/usr/bin/python3
"""Writes examples/data/example.h5: a small, deterministic predictions file in format v1.

32 clips of 240 frames (8 s at 30 fps). Ground truth: smooth damped random walks for the 48 MANO
pose values and the wrist translation of each hand. Predictions: the ground truth delayed by a
few frames, smoothed and perturbed, as a mediocre model would produce. Needs numpy and h5py
(Debian python3-numpy python3-h5py).

Usage: /usr/bin/python3 scripts/make_example.py [OUT.h5] [--clips N] [--seed S]
(--clips 8400 makes a test-split-sized file, about 1.6 GB, for scale measurements)
"""
import argparse
import os

import h5py
import numpy as np

CLIPS, FRAMES, SEED = 32, 240, 20250101


def random_walk(rng, clips, frames, dims, step, start_scale):
    x = np.empty((clips, frames, dims))
    pos = rng.normal(0.0, start_scale, size=(clips, dims))
    vel = np.zeros((clips, dims))
    for t in range(frames):
        vel = 0.9 * vel + rng.normal(0.0, step, size=(clips, dims))
        pos = pos + vel
        x[:, t] = pos
    return x


def predict(rng, gt, delay, noise):
    shifted = np.concatenate([np.repeat(gt[:, :1], delay, axis=1), gt[:, :-delay]], axis=1)
    kernel = np.ones(5) / 5.0
    smoothed = np.apply_along_axis(lambda s: np.convolve(s, kernel, mode="same"), 1, shifted)
    return smoothed + rng.normal(0.0, noise, size=gt.shape)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", nargs="?", default=os.path.join(os.path.dirname(__file__), "..", "examples", "data",
                                                           "example.h5"))
    ap.add_argument("--clips", type=int, default=CLIPS)
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    out, clips = args.out, args.clips
    rng = np.random.default_rng(args.seed)
    groups = {"gt": {}, "pred": {}}
    for hand in ("right", "left"):
        pose = random_walk(rng, clips, FRAMES, 48, 0.01, 0.3)
        trans = random_walk(rng, clips, FRAMES, 3, 0.002, 0.1) + np.array([0.0, 0.1, 0.5])
        groups["gt"][hand + "_pose"] = pose
        groups["gt"][hand + "_trans"] = trans
        groups["pred"][hand + "_pose"] = predict(rng, pose, 4, 0.02)
        groups["pred"][hand + "_trans"] = predict(rng, trans, 4, 0.005)
    tmp = out + ".tmp"
    with h5py.File(tmp, "w") as f:
        f.attrs["format_version"] = np.int32(1)
        f.attrs["description"] = "pmbench bundled example: synthetic random-walk motion, not real data"
        for group, arrays in groups.items():
            g = f.create_group(group)
            for name, a in arrays.items():
                g.create_dataset(name, data=a.astype(np.float32), chunks=(1, FRAMES, a.shape[2]),
                                 compression="gzip", shuffle=True)
        ids = ["example/clip%02d@0" % i for i in range(clips)]
        f.create_dataset("clip_id", data=np.array(ids, dtype=object), dtype=h5py.string_dtype("utf-8"))
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
