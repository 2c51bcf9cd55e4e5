#!/usr/bin/python3
"""Times the official PianoMotion10M per-clip metric calls, for comparison with bench_metrics.

Measurement tool only (not part of the build): needs the Debian packages python3-sklearn
(scikit-learn 1.2), python3-pot (POT 0.8) and python3-torch, which scripts/install-deps.sh
deliberately does not install:

    apt-get install -y python3-sklearn python3-pot      # python3-torch: already present here
    /usr/bin/python3 scripts/bench_official.py [--repeats 20] [--threads 1]

Per clip it runs what PianoMotion10M's models/evaluate.py runs per clip and hand (spec
pm10m-official, see docs/performance.md): FGD (torch, float32 covariances by the raw-moment
formula, torch.linalg.eigvals of the product), WGD (IncrementalPCA(10, batch_size=16) fitted on gt
and on pred separately, GaussianMixture(13, random_state=0) on each projection, normalised
euclidean cost between the means, ot.emd), PD and Smooth (numpy), on both hands.

The clips are the ones benchmarks/bench_metrics.cpp times in BM_ClipBothHands: T = 240 float32
random walks and rounded sinusoids, generated from the same MT19937 word stream (numpy's
RandomState(seed) is std::mt19937(seed)) with the same formulas, right hand seed 11, left 12.
Prints ms per clip (median and mean over the repeats) for each kind of data.

With --pmbench (the pmbench Python module importable, e.g. PYTHONPATH=build/python), each repeat
also times pmbench's four metrics on the same clip right after the official ones (pmbench.fgd,
.wgd, .pd, .smooth on the same float32 arrays; one thread, as the official run), and prints the
ratio official / pmbench per repeat (median and range) besides both times: on a shared machine
whose speed drifts, the paired ratio is steadier than comparing two separate runs.
"""
import argparse
import math
import os
import statistics
import sys
import time
import warnings


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeats", type=int, default=20, help="timed runs per data kind (after one warm-up)")
    p.add_argument("--threads", type=int, default=1,
                   help="BLAS/OpenMP/torch threads (default 1: the pmbench target is single-threaded)")
    p.add_argument("--pmbench", action="store_true",
                   help="also time the pmbench Python module on the same clips, interleaved, and print ratios")
    return p.parse_args()


ARGS = parse_args()
# Thread counts must be fixed before numpy / torch load their BLAS.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402
import ot  # noqa: E402
import sklearn  # noqa: E402
import torch  # noqa: E402
from sklearn.decomposition import IncrementalPCA  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.mixture import GaussianMixture  # noqa: E402

torch.set_num_threads(ARGS.threads)
FRAMES = 240
POSE_DIM, TRANS_DIM = 48, 3


# --- data: the same generator as benchmarks/bench_metrics.cpp ------------------------------------
class Words:
    """The 32-bit words of std::mt19937(seed) (= numpy RandomState(seed)), one at a time."""

    def __init__(self, seed):
        # randint over the full uint32 range returns the raw words (mask 0xffffffff, no rejection)
        self.buf = np.random.RandomState(seed).randint(0, 2**32, size=200000, dtype=np.uint32).tolist()
        self.pos = 0

    def __call__(self):
        w = self.buf[self.pos]
        self.pos += 1
        return w


def gaussian(rng):
    u1 = (rng() + 1.0) / 4294967297.0
    u2 = rng() / 4294967296.0
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2 * math.pi * u2)


def random_walk(rng, dims):
    x = np.empty((FRAMES, dims), np.float32)
    for d in range(dims):
        v, velocity = 0.3 * gaussian(rng), 0.0
        for t in range(FRAMES):
            velocity = 0.9 * velocity + 0.01 * gaussian(rng)
            v += velocity
            x[t, d] = v
    return x


def round_half_away(v):  # std::round
    return math.copysign(math.floor(abs(v) + 0.5), v)


def rounded_sinusoid(rng, dims):
    x = np.empty((FRAMES, dims), np.float32)
    for d in range(dims):
        freq = 0.5 + 2.0 * (rng() / 4294967296.0)
        phase = 6.283 * (rng() / 4294967296.0)
        for t in range(FRAMES):
            v = 0.4 * math.sin(2 * math.pi * freq * t / 30.0 + phase) + 0.01 * gaussian(rng)
            x[t, d] = round_half_away(v * 1e4) / 1e4
    return x


def make_hand(periodic, seed):
    rng = Words(seed)
    make = rounded_sinusoid if periodic else random_walk
    return {"gt_pose": make(rng, POSE_DIM), "pred_pose": make(rng, POSE_DIM),
            "gt_trans": make(rng, TRANS_DIM), "pred_trans": make(rng, TRANS_DIM)}


# --- the official per-clip metrics ------------------------------------------------------------
def fgd(gt, pred):
    """Frechet distance of frame Gaussians as the official evaluation computes it (torch, float32)."""
    gt, pred = torch.from_numpy(gt), torch.from_numpy(pred)
    n = gt.shape[0]
    mu_g, mu_p = gt.mean(0, keepdim=True), pred.mean(0, keepdim=True)
    cov_g = (gt.T @ gt - (n * mu_g.T) @ mu_g) / (n - 1)
    cov_p = (pred.T @ pred - (n * mu_p.T) @ mu_p) / (n - 1)
    mean_term = torch.sum((mu_p - mu_g) ** 2)
    trace_term = torch.trace(cov_p) + torch.trace(cov_g)
    eigenvalues = torch.linalg.eigvals(cov_p @ cov_g)
    sqrt_term = torch.sqrt(eigenvalues).real.sum()
    return float(mean_term + trace_term - 2 * sqrt_term)


def wgd(gt, pred):
    """MW2: IncrementalPCA on each set, GMM(13) on each projection, exact OT between the weights."""
    gt_z = IncrementalPCA(n_components=10, batch_size=16).fit_transform(gt)
    pred_z = IncrementalPCA(n_components=10, batch_size=16).fit_transform(pred)
    gmm_gt = GaussianMixture(n_components=13, random_state=0).fit(gt_z)
    gmm_pred = GaussianMixture(n_components=13, random_state=0).fit(pred_z)
    cost = ot.dist(gmm_gt.means_, gmm_pred.means_, metric="euclidean")
    cost /= cost.max()
    plan = ot.emd(gmm_gt.weights_, gmm_pred.weights_, cost)
    return float(np.sum(plan * cost))


def pd(gt_trans, pred_trans):
    d = gt_trans[:, :2] - pred_trans[:, :2]
    return float(np.mean(np.sqrt(np.sum(d * d, axis=1))))


def acceleration(x):
    s = np.sqrt(np.sum((x[:-1] - x[-1]) ** 2, axis=1))
    return (s[:-1] - s[-1:]).mean()


def smooth(gt_pose, pred_pose):
    return float(np.abs(acceleration(pred_pose) - acceleration(gt_pose)))


def clip_metrics(hands):
    out = []
    for h in hands:
        out.append((fgd(h["gt_pose"], h["pred_pose"]), wgd(h["gt_pose"], h["pred_pose"]),
                    pd(h["gt_trans"], h["pred_trans"]), smooth(h["gt_pose"], h["pred_pose"])))
    return out


def pmbench_clip_metrics(pmbench, hands):
    return [(pmbench.fgd(h["gt_pose"], h["pred_pose"]), pmbench.wgd(h["gt_pose"], h["pred_pose"]),
             pmbench.pd(h["gt_trans"], h["pred_trans"]), pmbench.smooth(h["gt_pose"], h["pred_pose"]))
            for h in hands]


def timed(function, *args):
    start = time.perf_counter()
    function(*args)
    return (time.perf_counter() - start) * 1e3


def compare(pmbench, label, hands, official_values):
    """Official and pmbench alternately on the same clip; per-repeat ratios."""
    ours = pmbench_clip_metrics(pmbench, hands)  # warm-up
    for theirs, mine in zip(official_values, ours):
        for name, a, b in zip(("FGD", "WGD", "PD", "Smooth"), theirs, mine):
            if not math.isclose(a, b, rel_tol=1e-4, abs_tol=1e-5):
                print(f"  warning: {label} {name} official {a!r} pmbench {b!r}")
    official_ms, pmbench_ms, ratios = [], [], []
    for _ in range(ARGS.repeats):
        a = timed(clip_metrics, hands)
        # pmbench is ~1 ms: the median of 5 back-to-back calls against one official call
        b = statistics.median(timed(pmbench_clip_metrics, pmbench, hands) for _ in range(5))
        official_ms.append(a)
        pmbench_ms.append(b)
        ratios.append(a / b)
    print(f"{label:12s} interleaved: official median {statistics.median(official_ms):.2f} ms, pmbench median "
          f"{statistics.median(pmbench_ms):.3f} ms (kernels: {pmbench.kernel_isa()}); ratio per repeat: median "
          f"{statistics.median(ratios):.1f}x, range {min(ratios):.1f}-{max(ratios):.1f}x; ratio of minima "
          f"{min(official_ms) / min(pmbench_ms):.1f}x")


def main():
    warnings.simplefilter("ignore", ConvergenceWarning)
    warnings.simplefilter("ignore", UserWarning)
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
          f"POT {ot.__version__}, torch {torch.__version__}, threads {ARGS.threads}, cpus {os.cpu_count()}")
    for periodic, label in ((False, "random-walk"), (True, "sinusoid")):
        hands = [make_hand(periodic, 11), make_hand(periodic, 12)]  # right, left: as BM_ClipBothHands
        values = clip_metrics(hands)  # warm-up (imports, BLAS set-up)
        times = []
        for _ in range(ARGS.repeats):
            start = time.perf_counter()
            clip_metrics(hands)
            times.append((time.perf_counter() - start) * 1e3)
        shown = ", ".join(f"{hand}: FGD {v[0]:.6g} WGD {v[1]:.6g} PD {v[2]:.6g} Smooth {v[3]:.6g}"
                          for hand, v in zip(("right", "left"), values))
        print(f"{label:12s} official ms/clip: median {statistics.median(times):.2f}  mean "
              f"{statistics.fmean(times):.2f}  min {min(times):.2f}  ({ARGS.repeats} runs; {shown})")
        if ARGS.pmbench:
            import pmbench  # noqa: E402 (only with --pmbench)
            compare(pmbench, label, hands, values)


if __name__ == "__main__":
    main()
