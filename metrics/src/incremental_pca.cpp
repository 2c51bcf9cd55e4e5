// IncrementalPCA as scikit-learn 1.2 runs it (Ross et al. 2008 update): the first batch keeps
// the input precision, later batches are stacked in float64 against a float64 running mean.
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "ipca_kernels.hpp"
#include "pmbench/metrics/wgd_stages.hpp"

namespace pmbench::wgd {

std::vector<std::pair<int, int>> incremental_pca_batches(int rows, int batch_size, int min_rows) {
  std::vector<std::pair<int, int>> batches;
  int start = 0;
  for (int i = 0; i < rows / batch_size; ++i) {
    const int end = start + batch_size;
    if (end + min_rows > rows) continue;  // would leave a remainder too small for a batch
    batches.emplace_back(start, end);
    start = end;
  }
  if (start < rows) batches.emplace_back(start, rows);
  return batches;
}

namespace {

using namespace ipca_detail;

constexpr double kEps = std::numeric_limits<double>::epsilon();

// The k largest eigenvalues (descending, into `top`) of the symmetric tridiagonal matrix
// (diag, off), to a few ulps of the spectrum's scale, by Laguerre's iteration on Sturm sequences,
// all k at once (one lane each).
//
// For a matrix with real eigenvalues, Laguerre's iterate from a point x moves towards the nearest
// eigenvalue on the chosen side without passing it, cubically near a simple one; the Sturm count
// at x says how many eigenvalues lie above it. Each lane i keeps a bracket [lo, hi] of lambda_i
// (count(lo) > i >= count(hi)), narrowed by the counts at every lane's point of every pass. When
// no other eigenvalue lies between an end and lambda_i, the Laguerre step from that end bounds
// lambda_i more tightly; the lane stops when the bounds meet within `tol`, or when a step towards
// lambda_i from below (from above) shrinks below `tol` with Laguerre's sum g negative (positive),
// i.e. dominated by lambda_i and not by a neighbour that the end sits on. Near a cluster of m
// close eigenvalues the plain step converges only linearly: the lane then steps by Laguerre's
// iteration for an m-fold root (m estimated by g^2 / h), which lands in the cluster, and probes
// tol / 2 beside it to close the bracket. Without a usable step the lane bisects (lanes sharing a
// bracket split it between them). `hints` (nullable) are first guesses of the k values.
//
// Returns false when the matrix is not finite or an iteration fails to
// settle (the caller then uses implicit QR). `norm` receives the largest eigenvalue magnitude: the
// largest eigenvalue, once a Sturm count shows that no eigenvalue lies at or below its negative.
struct LaguerreWork {
  double *x, *count, *g, *h, *state, *lo, *hi, *lo_g, *lo_h, *hi_g, *hi_h, *prev_step, *d, *e2;
  int *lo_count, *hi_count;
  char* done;
};

// x - n / (g -/+ sqrt(((n - m) / m)(n h - g^2))): Laguerre's iterate for an m-fold root from a
// point with sums g, h, upwards (up = true) or downwards; NaN if it does not move that way.
double laguerre_step(double g, double h, double n, double m, bool up) {
  const double root = std::sqrt(std::max((n - m) / m * (n * h - g * g), 0.0));
  const double step = up ? n / (root - g) : n / (g + root);
  return step >= 0.0 ? step : std::numeric_limits<double>::quiet_NaN();
}

bool laguerre_top_eigenvalues(const double* diag_in, const double* off, int n, int k, int lanes,
                              const double* hints, const LaguerreWork& w, double* top, double& norm) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  double largest = 0.0;
  for (int i = 0; i < n; ++i) largest = std::max(largest, std::abs(diag_in[i]));
  for (int i = 0; i + 1 < n; ++i) largest = std::max(largest, std::abs(off[i]));
  if (largest == 0.0) {
    std::fill(top, top + k, 0.0);
    norm = 0.0;
    return true;
  }
  if (!(largest < inf)) return false;
  // Work on the matrix scaled by a power of two to entries below 1 (exact, unless tiny entries
  // become subnormal), so that the squares and Laguerre's sums stay in range.
  int exponent = 0;
  std::frexp(largest, &exponent);
  const double down_scale = std::ldexp(1.0, -exponent), up_scale = std::ldexp(1.0, exponent);
  double* diag = w.d;
  for (int i = 0; i < n; ++i) diag[i] = diag_in[i] * down_scale;
  for (int i = 0; i + 1 < n; ++i) w.e2[i] = (off[i] * down_scale) * (off[i] * down_scale);
  double lo0 = diag[0], hi0 = diag[0];  // Gershgorin bounds
  for (int i = 0; i < n; ++i) {
    const double radius = (i > 0 ? std::abs(off[i - 1]) : 0.0) + (i + 1 < n ? std::abs(off[i]) : 0.0);
    lo0 = std::min(lo0, diag[i] - radius * down_scale);
    hi0 = std::max(hi0, diag[i] + radius * down_scale);
  }
  const double tol = 4.0 * kEps * std::max(std::abs(lo0), std::abs(hi0));
  const double dn = static_cast<double>(n);
  for (int i = 0; i < k; ++i) {
    w.lo[i] = lo0, w.hi[i] = hi0;
    w.lo_count[i] = n, w.hi_count[i] = 0;
    w.lo_g[i] = w.lo_h[i] = w.hi_g[i] = w.hi_h[i] = std::numeric_limits<double>::quiet_NaN();
    w.prev_step[i] = inf;
    w.done[i] = 0;
    double guess = hints ? hints[i] * down_scale : hi0 * std::ldexp(1.0, -(i + 1));
    if (!(guess > lo0 && guess < hi0)) guess = 0.5 * (lo0 + hi0);
    w.x[i] = guess;
  }
  for (int l = k; l < lanes; ++l) w.x[l] = hi0;  // a spare lane: an upper end for lane 0
  int remaining = k;
  bool bottom_checked = false;
  double bottom_probe = std::numeric_limits<double>::quiet_NaN();
  for (int pass = 0; pass < 100 && remaining > 0; ++pass) {
    sturm_laguerre(diag, w.e2, n, lanes, w.x, w.count, w.g, w.h, w.state);
    for (int p = 0; p < lanes; ++p) {
      const double xp = w.x[p];
      const int cp = static_cast<int>(w.count[p]);
      if (xp == bottom_probe && cp == n) bottom_checked = true;
      for (int i = 0; i < k; ++i) {
        if (w.done[i]) continue;
        if (cp > i) {
          if (xp > w.lo[i] || (xp == w.lo[i] && cp < w.lo_count[i])) {
            w.lo[i] = xp, w.lo_count[i] = cp, w.lo_g[i] = w.g[p], w.lo_h[i] = w.h[p];
          }
        } else if (xp < w.hi[i] || (xp == w.hi[i] && cp > w.hi_count[i])) {
          w.hi[i] = xp, w.hi_count[i] = cp, w.hi_g[i] = w.g[p], w.hi_h[i] = w.h[p];
        }
      }
    }
    for (int i = 0; i < k; ++i) {
      if (w.done[i]) continue;
      const double lo = w.lo[i], hi = w.hi[i];
      // plain Laguerre steps from the clean ends, and the bounds they give
      const bool from_lo = w.lo_count[i] == i + 1, from_hi = w.hi_count[i] == i;
      const double up = from_lo ? laguerre_step(w.lo_g[i], w.lo_h[i], dn, 1.0, true) : inf;
      const double down = from_hi ? laguerre_step(w.hi_g[i], w.hi_h[i], dn, 1.0, false) : inf;
      const double lower = up < inf ? std::min(lo + up, hi) : lo;
      const double upper = down < inf ? std::max(hi - down, lo) : hi;
      const bool up_converging = up < inf && w.lo_g[i] < 0.0, down_converging = down < inf && w.hi_g[i] > 0.0;
      double next = std::numeric_limits<double>::quiet_NaN(), step = inf, signed_step = inf;
      bool finished = upper - lower <= tol;
      if (finished) {
        next = 0.5 * (lower + upper);
      } else if (up_converging || down_converging) {
        // the shorter converging step
        const bool take_up = up_converging && (!down_converging || up <= down);
        step = take_up ? up : down;
        next = take_up ? lower : upper;
        signed_step = take_up ? step : -step;
        // Converged: a step below tol, or, with lambda_i alone in [lo, hi] (so that its
        // neighbours are at least gap away), one whose cubic successor ~n step^3 / gap^2 is.
        // (prev_step carries the side of the last step in its sign: + up, - down.)
        const double prev = w.prev_step[i];
        const double ratio =
            (take_up ? prev > 0.0 : prev < 0.0) && std::abs(prev) < inf ? step / std::abs(prev) : inf;
        const double gap = std::min(next - lo, hi - next);
        if (step <= tol || (from_lo && from_hi && dn * step * step * step <= tol * gap * gap)) {
          finished = true;
        } else if (ratio > 0.25) {
          // converging slowly: seen from afar, lambda_i and its neighbours beyond the end act as a
          // cluster of m eigenvalues (m ~ g^2 / h); Laguerre's step for an m-fold root lands in
          // it (a probe, not a bound); once there, probe tol / 2 beside it to close the bracket
          const double from = take_up ? lo : hi, g = take_up ? w.lo_g[i] : w.hi_g[i];
          const double h = take_up ? w.lo_h[i] : w.hi_h[i];
          const double m = std::min(std::max(std::round(g * g / h), 1.0),
                                    static_cast<double>(take_up ? w.lo_count[i] : n - w.hi_count[i]));
          if (m > 1.0) {
            const double s = laguerre_step(g, h, dn, m, take_up);
            if (s <= tol) {
              const double point = take_up ? from + s : from - s;
              next = point - lower > upper - point ? point - 0.5 * tol : point + 0.5 * tol;
            } else if (s < inf) {
              next = take_up ? from + s : from - s;
            }
          }
        }
      }
      if (finished) {
        w.done[i] = 1;
        top[i] = next;
        --remaining;
        continue;
      }
      if (!(next >= lower && next <= upper && next != lo && next != hi)) {
        // No converging step (an end that sits on a neighbouring eigenvalue steps away from it
        // only geometrically): bisect [lower, upper], geometrically across orders of magnitude
        // and towards zero from a bracket across it; lanes with the same bracket split it.
        int rank = 0, sharing = 1;
        for (int j = 0; j < k; ++j) {
          if (j != i && !w.done[j] && w.lo[j] == lo && w.hi[j] == hi) ++sharing, rank += j < i;
        }
        const double frac = static_cast<double>(rank + 1) / (sharing + 1);
        if (lower > 0.0 && upper > 4.0 * lower) {
          next = lower * std::pow(upper / lower, frac);
        } else if (lower <= 0.0 && upper > 0.0 && upper < -8.0 * lower) {
          // down to a few tol above zero, then the mirror point closes in from below
          next = upper > 64.0 * tol ? upper * std::pow(0.125, 1.0 - frac) : -frac * upper;
        } else {
          next = lower + frac * (upper - lower);
        }
        if (!(next > lower && next < upper)) next = 0.5 * (lower + upper);
        signed_step = inf;
      }
      w.prev_step[i] = signed_step;
      w.x[i] = next;
    }
    // Idle lanes (finished ones, spares) check the bottom of the spectrum once, then split the
    // widest bracket still being bisected.
    int helper = 0;
    for (int l = 0; l < lanes; ++l) {
      if (l < k && !w.done[l]) continue;
      if (helper == 0 && !bottom_checked && w.lo[0] > 0.0) {
        w.x[l] = bottom_probe = -w.lo[0];
      } else {
        int widest = -1;
        for (int i = 0; i < k; ++i) {
          if (!w.done[i] && w.lo_count[i] != i + 1 && w.hi_count[i] != i &&
              (widest < 0 || w.hi[i] - w.lo[i] > w.hi[widest] - w.lo[widest])) {
            widest = i;
          }
        }
        w.x[l] = widest < 0 ? hi0 : w.lo[widest] + (helper % 2 ? 0.25 : 0.75) * (w.hi[widest] - w.lo[widest]);
      }
      ++helper;
    }
  }
  if (remaining > 0) return false;
  std::sort(top, top + k, [](double a, double b) { return a > b; });
  if (!bottom_checked) {  // one Sturm count: no eigenvalue at or below -|top[0]|
    for (int l = 0; l < lanes; ++l) w.x[l] = -std::abs(top[0]);
    sturm_laguerre(diag, w.e2, n, lanes, w.x, w.count, w.g, w.h, w.state);
    if (static_cast<int>(w.count[0]) != n) return false;
  }
  for (int i = 0; i < k; ++i) top[i] *= up_scale;
  norm = std::abs(top[0]);
  return true;
}

// Buffers of one fit, sized once for its largest stacked matrix.
struct Workspace {
  int dims = 0, k = 0, lanes = 0;
  std::vector<double> a;  // the stacked matrix, row-major
  std::vector<double> gram, diag, off, tau, scratch, hints, top, shift, z, norms, factor_data, laguerre_data;
  std::vector<int> laguerre_counts, cluster_start;
  std::vector<char> flags, failed;
  std::vector<double> start;
  TridiagonalFactors factors{};
  LaguerreWork laguerre{};
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> fallback;

  void reserve(int max_rows, int dims_, int k_) {
    dims = dims_, k = k_, lanes = (k_ + 1) / 2 * 2;
    const std::size_t rows = static_cast<std::size_t>(std::max(max_rows, 1)),
                      width = static_cast<std::size_t>(lanes);
    a.resize(rows * dims);
    gram.resize(rows * rows);
    for (auto* v : {&diag, &off, &tau}) v->resize(rows);
    scratch.resize(2 * rows);
    hints.resize(k), top.resize(k), shift.resize(lanes), norms.resize(lanes);
    z.resize(rows * width);
    factor_data.resize(5 * rows * width + 2 * width);
    double* f = factor_data.data();
    factors = {f,
               f + rows * width,
               f + 2 * rows * width,
               f + 3 * rows * width,
               f + 4 * rows * width,
               f + 5 * rows * width};
    laguerre_data.resize(14 * width + 2 * rows);
    double* g = laguerre_data.data();
    auto next = [&](std::size_t widths) {
      double* p = g;
      g += widths * width;
      return p;
    };
    laguerre.x = next(1), laguerre.count = next(1), laguerre.g = next(1), laguerre.h = next(1);
    laguerre.state = next(3), laguerre.lo = next(1), laguerre.hi = next(1), laguerre.lo_g = next(1);
    laguerre.lo_h = next(1), laguerre.hi_g = next(1), laguerre.hi_h = next(1), laguerre.prev_step = next(1);
    laguerre.d = g, laguerre.e2 = g + rows;
    laguerre_counts.resize(2 * lanes);
    laguerre.lo_count = laguerre_counts.data();
    laguerre.hi_count = laguerre_counts.data() + lanes;
    flags.resize(lanes), failed.resize(lanes);
    laguerre.done = flags.data();
    cluster_start.resize(k);
  }
};

// Top-k singular values and right singular vectors (rows of `components`, k x dims) of the n x
// dims matrix held in w.a, with scikit-learn's svd_flip (u_based_decision=False): the
// largest-|.| entry of each component is made positive (np.sign: an all-zero component stays
// zero).
//
// The decomposition goes through the small Gram matrix m m^T (left singular vectors u_i,
// v_i = m^T u_i / s_i): Householder tridiagonalisation, the k leading eigenvalues by Laguerre's
// iteration, the k leading eigenvectors by inverse iteration on the tridiagonal matrix
// (reorthogonalised within clusters, as LAPACK's dstein), transformed back. This agrees with a
// direct SVD to ~1e-13 on the leading components. A component whose singular value is negligible
// (rank-deficient batch) is set to zero: its direction is arbitrary in LAPACK's SVD too, and the
// data have no extent along it. With `stacked_on_components` (batches after the first), the first k
// rows of the matrix are the previous S V, whose squared norms s_i^2 (the Gram matrix's leading
// diagonal) are lower bounds of the new eigenvalues: the eigenvalue iteration starts from an
// estimate built on them.
void top_right_singular(int n, bool stacked_on_components, Workspace& w, double* singular,
                        double* components) {
  const int dims = w.dims, k = w.k, lanes = w.lanes;
  if (k == 0) return;
  double* gram = w.gram.data();
  gram_matrix(w.a.data(), n, dims, gram);
  const double* hints = nullptr;
  if (stacked_on_components) {
    // G = [D C; C^T H] with D = S^2 (up to rounding) and, when the new rows' block H is small,
    // lambda_i ~ d_i + |C_i|^2 / lambda_i
    for (int i = 0; i < k; ++i) {
      const double* gi = gram + at(i, n);
      double c = 0.0;
      for (int r = k; r < n; ++r) c += gi[r] * gi[r];
      w.hints[i] = 0.5 * (gi[i] + std::sqrt(gi[i] * gi[i] + 4.0 * c));
    }
    hints = w.hints.data();
  }
  tridiagonalize(gram, n, w.diag.data(), w.off.data(), w.tau.data(), w.scratch.data());
  double* top = w.top.data();
  double norm = 0.0;
  if (!laguerre_top_eigenvalues(w.diag.data(), w.off.data(), n, k, lanes, hints, w.laguerre, top, norm)) {
    // Eigen's implicit QR on the same matrix
    const Eigen::Map<const Eigen::VectorXd> diag(w.diag.data(), n), off(w.off.data(), n - 1);
    w.fallback.computeFromTridiagonal(diag, off, Eigen::EigenvaluesOnly);
    const Eigen::VectorXd& lambda = w.fallback.eigenvalues();  // ascending
    norm = std::max(std::abs(lambda(0)), std::abs(lambda(n - 1)));
    for (int i = 0; i < k; ++i) top[i] = lambda(n - 1 - i);
  }

  const double tiny = std::max(norm, std::numeric_limits<double>::min()) * kEps;
  const double cluster_gap = 1e-3 * norm;  // dstein's reorthogonalisation threshold (ORTOL)
  double* shift = w.shift.data();
  for (int l = 0; l < lanes; ++l) shift[l] = top[std::min(l, k - 1)];
  bool clustered = false;
  for (int i = 0; i < k; ++i) {
    int j = i;
    while (j > 0 && std::abs(top[j - 1] - top[i]) <= cluster_gap) --j;
    w.cluster_start[i] = j;
    clustered |= j < i;
  }
  if (static_cast<int>(w.start.size()) != n) {
    w.start.resize(n);
    for (int j = 0; j < n; ++j) w.start[j] = 1.0 + 1e-3 * static_cast<double>((j * 7919) % 101) / 101.0;
  }
  double* z = w.z.data();  // eigenvectors of the tridiagonal matrix, [row][lane]
  for (int r = 0; r < n; ++r) std::fill(z + at(r, lanes), z + at(r, lanes) + lanes, w.start[r]);
  factor_shifted_tridiagonal(w.diag.data(), w.off.data(), n, shift, lanes, tiny, w.factors);
  char* failed = w.failed.data();  // lanes whose iteration broke down: the unit vector instead
  std::fill(failed, failed + lanes, 0);
  auto set_unit = [&](int i) {
    for (int r = 0; r < n; ++r) z[at(r, lanes) + i] = r == n - 1 - i ? 1.0 : 0.0;
  };
  double* norms = w.norms.data();
  for (int iter = 0; iter < 3; ++iter) {
    solve_shifted_tridiagonal(w.factors, n, lanes, z);
    if (!clustered) {
      for (int l = 0; l < lanes; l += 2) {
        Pair s = Pair::all(0.0);
        for (int r = 0; r < n; ++r) {
          const Pair v = Pair::load(z + at(r, lanes) + l);
          s += v * v;
        }
        sqrt(s).store(norms + l);
      }
      for (int i = 0; i < k; ++i) {
        if (failed[i] || !(norms[i] > 0) || !std::isfinite(norms[i])) {
          failed[i] = 1;
          norms[i] = 1.0;
          set_unit(i);
        }
      }
      for (int r = 0; r < n; ++r) {
        for (int l = 0; l < lanes; l += 2) {
          double* zr = z + at(r, lanes) + l;
          (Pair::load(zr) / Pair::load(norms + l)).store(zr);
        }
      }
    } else {
      // in order, each vector orthogonalised against the earlier ones of its cluster (dstein)
      auto zr = [&](int r, int i) -> double& { return z[at(r, lanes) + i]; };
      for (int i = 0; i < k; ++i) {
        if (failed[i]) {
          set_unit(i);
          continue;
        }
        for (int j = w.cluster_start[i]; j < i; ++j) {
          double dot = 0.0;
          for (int r = 0; r < n; ++r) dot += zr(r, j) * zr(r, i);
          for (int r = 0; r < n; ++r) zr(r, i) -= dot * zr(r, j);
        }
        double sq = 0.0;
        for (int r = 0; r < n; ++r) sq += zr(r, i) * zr(r, i);
        const double len = std::sqrt(sq);
        if (!(len > 0) || !std::isfinite(len)) {
          failed[i] = 1;
          set_unit(i);
          continue;
        }
        for (int r = 0; r < n; ++r) zr(r, i) /= len;
      }
    }
  }
  apply_reflectors(gram, w.tau.data(), n, lanes, z);

  const double largest = std::sqrt(std::max(top[0], 0.0));
  const double negligible = largest * static_cast<double>(std::max(n, dims)) * kEps;
  char* skip = w.flags.data();
  for (int i = 0; i < k; ++i) {
    singular[i] = std::sqrt(std::max(top[i], 0.0));
    skip[i] = !(singular[i] > negligible);
  }
  project_rows(z, lanes, w.a.data(), n, dims, k, skip, components);
  // a singular value below this has a right vector of relative error ~eps (s_0 / s)^2 > 1e-4
  const double resolution = 1e-6 * largest;
  for (int i = 0; i < k; ++i) {
    double* row = components + at(i, dims);
    if (skip[i]) {
      std::fill(row, row + dims, 0.0);
      continue;
    }
    if (singular[i] >= resolution) {
      const double inv = 1.0 / singular[i];
      for (int c = 0; c < dims; ++c) row[c] *= inv;
    } else {
      // Below the Gram matrix's resolution, m^T u / s is dominated by rounding (in a cluster of
      // tiny singular values u mixes the cluster, and |m^T u| can differ from s by orders of
      // magnitude): all that is left of v is what LAPACK's SVD guarantees, a unit vector
      // orthogonal to the earlier components. Gram-Schmidt twice, then normalised; zero if
      // nothing is left.
      double before = 0.0;
      for (int c = 0; c < dims; ++c) before += row[c] * row[c];
      for (int sweep = 0; sweep < 2; ++sweep) {
        for (int j = 0; j < i; ++j) {
          const double* prev = components + at(j, dims);
          double dot = 0.0;
          for (int c = 0; c < dims; ++c) dot += prev[c] * row[c];
          for (int c = 0; c < dims; ++c) row[c] -= dot * prev[c];
        }
      }
      double after = 0.0;
      for (int c = 0; c < dims; ++c) after += row[c] * row[c];
      const double inv = after > 1e-6 * before ? 1.0 / std::sqrt(after) : 0.0;
      for (int c = 0; c < dims; ++c) row[c] *= inv;
    }
    int arg = 0;
    double best = -1.0;
    for (int c = 0; c < dims; ++c) {
      if (std::abs(row[c]) > best) best = std::abs(row[c]), arg = c;
    }
    if (row[arg] < 0) {
      for (int c = 0; c < dims; ++c) row[c] = -row[c];
    }
  }
}

}  // namespace

template <class Scalar>
MatrixRM<double> incremental_pca_projection(const FramesRef<Scalar>& x,
                                            const IncrementalPcaOptions& options) {
  const int rows = static_cast<int>(x.rows());
  const int dims = static_cast<int>(x.cols());
  const int k = options.components;
  if (k > dims) {
    throw OfficialWouldRaise("IncrementalPCA: n_components=" + std::to_string(k) +
                             " > n_features=" + std::to_string(dims));
  }
  const auto batches = incremental_pca_batches(rows, options.batch_size, k);
  int max_rows = 0;
  for (std::size_t b = 0; b < batches.size(); ++b) {
    const int m = batches[b].second - batches[b].first;
    max_rows = std::max(max_rows, b == 0 ? m : k + m + 1);
  }
  Workspace work;
  work.reserve(max_rows, dims, k);
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(dims), new_mean(dims), column_sum(dims),
                  batch_mean_double(dims);
  Eigen::Matrix<Scalar, 1, Eigen::Dynamic> batch_mean(dims);
  Eigen::VectorXd singular(k);
  MatrixRM<double> components(k, dims);         // [k, d]
  MatrixRM<double> scaled_components(k, dims);  // diag(S) * V, in the precision the official holds it
  long seen = 0;
  for (const auto& [begin, end] : batches) {
    const int m = end - begin;
    if (k > m) {
      throw OfficialWouldRaise("IncrementalPCA: n_components=" + std::to_string(k) +
                               " must be <= the batch number of samples " + std::to_string(m));
    }
    const long total = seen + m;
    column_sum.setZero();
    for (int r = begin; r < end; ++r) column_sum += x.row(r).transpose().template cast<double>();
    new_mean = (mean * static_cast<double>(seen) + column_sum) / static_cast<double>(total);
    // The stacked matrix, one contiguous row per row.
    double* a = work.a.data();
    int n;
    if (seen == 0) {
      // centred in float64, stored back in the input precision (numpy in-place subtraction)
      n = m;
      for (int r = 0; r < m; ++r) {
        for (int c = 0; c < dims; ++c) {
          a[static_cast<std::size_t>(r) * dims + c] =
              static_cast<double>(static_cast<Scalar>(static_cast<double>(x(begin + r, c)) - new_mean(c)));
        }
      }
    } else {
      // batch mean and centring in the input precision, rows summed in order
      n = k + m + 1;
      batch_mean.setZero();
      for (int r = begin; r < end; ++r) batch_mean += x.row(r);
      batch_mean /= static_cast<Scalar>(m);
      const double correction = std::sqrt((static_cast<double>(seen) / static_cast<double>(total)) * m);
      std::copy(scaled_components.data(), scaled_components.data() + static_cast<std::size_t>(k) * dims, a);
      for (int r = 0; r < m; ++r) {
        double* row = a + static_cast<std::size_t>(k + r) * dims;
        for (int c = 0; c < dims; ++c) row[c] = static_cast<double>(x(begin + r, c) - batch_mean(c));
      }
      double* last = a + static_cast<std::size_t>(k + m) * dims;
      for (int c = 0; c < dims; ++c) last[c] = correction * (mean(c) - static_cast<double>(batch_mean(c)));
    }
    top_right_singular(n, seen > 0, work, singular.data(), components.data());
    for (int i = 0; i < k; ++i) scaled_components.row(i) = singular(i) * components.row(i);
    if (seen == 0 && std::is_same_v<Scalar, float>) {
      // The first SVD ran in float32 officially: its outputs, and S * V, are float32 values
      // (a product of two floats rounded once, as numpy's float32 multiply does).
      auto round_to_float = [](double v) { return static_cast<double>(static_cast<float>(v)); };
      singular = singular.unaryExpr(round_to_float);
      components = components.unaryExpr(round_to_float);
      for (int i = 0; i < k; ++i) {
        scaled_components.row(i) = (singular(i) * components.row(i)).unaryExpr(round_to_float);
      }
    }
    mean = new_mean;
    seen = total;
  }
  MatrixRM<double> centred = x.template cast<double>();
  centred.rowwise() -= mean.transpose();
  return centred * components.transpose();
}

template MatrixRM<double> incremental_pca_projection<float>(const FramesRef<float>&,
                                                            const IncrementalPcaOptions&);
template MatrixRM<double> incremental_pca_projection<double>(const FramesRef<double>&,
                                                             const IncrementalPcaOptions&);

}  // namespace pmbench::wgd
