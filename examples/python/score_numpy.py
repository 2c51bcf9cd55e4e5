#!/usr/bin/env python3
"""Scores generated hand motion with pmbench, from numpy arrays to a table of the four metrics.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/score_numpy.py [--clips 8] [--frames 240]

The "ground truth" is a smooth random walk per hand; the "prediction" the same walk plus noise.
"""

import argparse
import os
import tempfile

import numpy as np

import pmbench


def random_walk(rng, clips, frames, dim, step):
    return np.cumsum(rng.normal(scale=step, size=(clips, frames, dim)), axis=1).astype(np.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=8)
    parser.add_argument("--frames", type=int, default=240)
    parser.add_argument("--noise", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    dims = {"pose": pmbench.POSE_DIM, "trans": pmbench.TRANS_DIM}
    gt = {
        f"{hand}_{part}": random_walk(rng, args.clips, args.frames, dims[part], 0.02)
        for hand in ("right", "left")
        for part in ("pose", "trans")
    }
    pred = {key: value + rng.normal(scale=args.noise, size=value.shape).astype(np.float32) for key, value in gt.items()}
    clip_id = [f"clip{c:03d}" for c in range(args.clips)]

    report = pmbench.score(dict(pred, clip_id=clip_id), gt, precision="float32")

    # The same through a format-v1 file, as `pmbench score` would read it.
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "predictions.h5")
        pmbench.write_predictions(path, **pred, clip_id=clip_id, gt=gt)
        if pmbench.score(path)["per_clip"] != report["per_clip"]:
            raise SystemExit("score_numpy: the file gave other numbers than the arrays")

    print(f"pmbench {pmbench.__version__} | spec {report['spec']} | precision {report['precision']} | "
          f"{report['n_clips']} clips x {report['frames']} frames")
    print(f"{'hand':<6}" + "".join(f"{m:>12}" for m in pmbench.METRICS))
    for hand in ("right", "left"):
        means = report["mean"][hand]
        cells = ["n/a" if means[m] is None else format(means[m], ".6g") for m in pmbench.METRICS]
        print(f"{hand:<6}" + "".join(f"{cell:>12}" for cell in cells))
    # One clip directly through the per-hand functions.
    print(f"clip {clip_id[0]} right FGD {pmbench.fgd(gt['right_pose'][0], pred['right_pose'][0]):.6g}")


if __name__ == "__main__":
    main()
