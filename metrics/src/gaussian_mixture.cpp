// GaussianMixture(full covariances) as scikit-learn 1.2 fits it: responsibilities one-hot from
// k-means labels, then EM until the mean log-likelihood changes by less than tol.
//
// Every statistic is computed with the operations, and in the order, of the straightforward loops
// (so to the same bits); the speed comes from the data layout, from lanes of two independent
// values (SSE2), from code specialised for WGD's dimension d = 10, and from not computing
// responsibilities too small to reach any statistic (see kDropBelow).
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <vector>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#endif

#include "pmbench/metrics/wgd_stages.hpp"

namespace pmbench::wgd {
namespace {

// Two doubles operated on lane by lane with IEEE rounding: one SSE2 register on x86-64, two plain
// doubles elsewhere. Both give the same bits as the scalar operations they replace.
#if defined(__SSE2__) || defined(_M_X64)
struct Pair {
  __m128d v;
  static Pair zero() { return {_mm_setzero_pd()}; }
  static Pair broadcast(double x) { return {_mm_set1_pd(x)}; }
  static Pair load(const double* p) { return {_mm_loadu_pd(p)}; }
  static Pair gather(const double* lo, const double* hi) { return {_mm_loadh_pd(_mm_load_sd(lo), hi)}; }
  void store(double* p) const { _mm_storeu_pd(p, v); }
  double low() const { return _mm_cvtsd_f64(v); }
  friend Pair operator+(Pair a, Pair b) { return {_mm_add_pd(a.v, b.v)}; }
  friend Pair operator-(Pair a, Pair b) { return {_mm_sub_pd(a.v, b.v)}; }
  friend Pair operator*(Pair a, Pair b) { return {_mm_mul_pd(a.v, b.v)}; }
  friend Pair operator/(Pair a, Pair b) { return {_mm_div_pd(a.v, b.v)}; }
  // std::max(b, a) per lane: a if b < a, else b (NaN in a is ignored, as std::max ignores it).
  friend Pair max_of(Pair a, Pair b) { return {_mm_max_pd(a.v, b.v)}; }
  // Whether both lanes are < x.
  bool both_below(double x) const { return _mm_movemask_pd(_mm_cmplt_pd(v, _mm_set1_pd(x))) == 3; }
  // Bit l set where lane l is < x; the lanes < x set to 0.
  int lanes_below(double x) const { return _mm_movemask_pd(_mm_cmplt_pd(v, _mm_set1_pd(x))); }
  Pair zero_below(double x) const { return {_mm_andnot_pd(_mm_cmplt_pd(v, _mm_set1_pd(x)), v)}; }
  bool any_at_least(double x) const { return _mm_movemask_pd(_mm_cmpge_pd(v, _mm_set1_pd(x))) != 0; }
  // Whether either lane is <= x (NaN is not).
  bool any_at_most(double x) const { return _mm_movemask_pd(_mm_cmple_pd(v, _mm_set1_pd(x))) != 0; }
  friend Pair sqrt(Pair a) { return {_mm_sqrt_pd(a.v)}; }
  // Whether neither lane is > x.
  bool none_above(double x) const { return _mm_movemask_pd(_mm_cmpgt_pd(v, _mm_set1_pd(x))) == 0; }
};
#else
struct Pair {
  double lo, hi;
  static Pair zero() { return {0.0, 0.0}; }
  static Pair broadcast(double x) { return {x, x}; }
  static Pair load(const double* p) { return {p[0], p[1]}; }
  static Pair gather(const double* lo, const double* hi) { return {*lo, *hi}; }
  void store(double* p) const { p[0] = lo, p[1] = hi; }
  double low() const { return lo; }
  friend Pair operator+(Pair a, Pair b) { return {a.lo + b.lo, a.hi + b.hi}; }
  friend Pair operator-(Pair a, Pair b) { return {a.lo - b.lo, a.hi - b.hi}; }
  friend Pair operator*(Pair a, Pair b) { return {a.lo * b.lo, a.hi * b.hi}; }
  friend Pair operator/(Pair a, Pair b) { return {a.lo / b.lo, a.hi / b.hi}; }
  friend Pair max_of(Pair a, Pair b) { return {std::max(b.lo, a.lo), std::max(b.hi, a.hi)}; }
  bool both_below(double x) const { return lo < x && hi < x; }
  bool none_above(double x) const { return !(lo > x) && !(hi > x); }
  bool any_at_most(double x) const { return lo <= x || hi <= x; }
  bool any_at_least(double x) const { return lo >= x || hi >= x; }
  int lanes_below(double x) const { return (lo < x) | (hi < x) << 1; }
  Pair zero_below(double x) const { return {lo < x ? 0.0 : lo, hi < x ? 0.0 : hi}; }
  friend Pair sqrt(Pair a) { return {std::sqrt(a.lo), std::sqrt(a.hi)}; }
};
#endif

// Mixture parameters, one contiguous run per component.
struct Components {
  std::vector<double> counts;     // nk (+10 eps), [K]
  std::vector<double> means;      // [K][d]
  std::vector<double> prec_chol;  // inv(cholesky(cov)) (the transpose of sklearn's precisions_cholesky),
                                  // row-major lower triangle, [K][d][d]
  std::vector<double> log_det;    // sum log diag(prec_chol), [K]
};

// Responsibilities are held component-major, resp[j * stride + i] with the frames padded to whole
// E-step blocks: the E-step writes and normalises blocks of consecutive frames, the M-step reads one
// component's frames in order.

// Responsibilities below this fraction of a component's largest one are left out of its mean and
// covariance sums (its count still sums every frame, in numpy's order). Most of the K x n
// responsibilities are of this size (~85% below 1e-16 on pose data): a frame far from a component
// gets exp(-maha / 2) of it. Their total share of the count is at most n * 1e-20 (< 1e-17
// relative), and in the covariance r * maha stays as small, since r ~ exp(-maha / 2); so the
// statistics move by a few ulps at most, as a change of summation order would move them, while
// the M-step does ~5x less work. Exact zeros (the one-hot initial responsibilities) are exact.
constexpr double kNegligibleResponsibility = 1e-20;

// exp(v) rounds to exactly 0 for every v below log(2^-1075) = -745.13: below this threshold (with a
// margin) that 0 is written without calling exp, whose underflow path (errno) is slow.
constexpr double kExpUnderflow = -750.0;

inline double exp_or_zero(double v) { return v < kExpUnderflow ? 0.0 : std::exp(v); }

// Responsibilities below e^kDropBelow (3.7e-44) of their frame's largest are written as 0 without
// being computed; most pairs of a frame and a far component are of this size (~50-90% on pose
// data), and the E-step stops their Mahalanobis sums early (see expectation). This changes no
// statistic as long as the component has a responsibility of at least kSafeTop somewhere:
//  - its mean and covariance leave out responsibilities below kNegligibleResponsibility times its
//    largest, >= 1e-43 > e^kDropBelow: the dropped ones were left out already;
//  - its count gains at most n e^kDropBelow ~ 1e-41, far below half an ulp of a count >= kSafeTop;
//  - a frame's normalising sum (>= 1, its largest term) and log-likelihood move by at most
//    K e^kDropBelow relative, far below half an ulp.
// (A rounding boundary within those ~1e-40 relative would flip a last bit; it has never been seen.)
// A component below kSafeTop everywhere (dying) gets all its responsibilities computed exactly.
constexpr double kDropBelow = -100.0;
constexpr double kSafeTop = 1e-23;
static_assert(kSafeTop * kNegligibleResponsibility > 3.73e-44, "kSafeTop must keep dropped values inactive");

template <int kDim>                                // the data dimension, or Eigen::Dynamic
using Square = Eigen::Matrix<double, kDim, kDim>;  // column-major

// Frames per test when listing a component's active frames: most runs of 8 frames are all inactive.
constexpr int kSkimBlock = 8;

// Buffers of the M-step, allocated once per fit rather than once per component and iteration.
struct MStepScratch {
  std::vector<double> top;            // [K]
  std::vector<int> active;            // frames that carry a component's statistics, [n]
  std::vector<double> covariances;    // lower triangles, column-major, [K][d][d]
  std::vector<Pair> factor, inverse;  // two components' Cholesky factors and their inverses, [d][d]
};

// The covariances are factored two components at a time, one per lane: the factorisation and the
// triangular inverse are long chains of dependent operations, which two independent lanes overlap.
// Lane by lane the operations are the scalar ones below, so each component gets the same bits.

// (The `#pragma GCC unroll`s let the compiler unroll loops over d fully once d is the constant 10.)

// Cholesky factor L of `m` ([d][d] column-major, lower triangle read and overwritten), with the
// rounding of Eigen's unblocked LLT: L(k, k) = sqrt(m(k, k) - sum_j L(k, j)^2),
// L(i, k) = (m(i, k) - sum_j L(i, j) L(k, j)) / L(k, k), sums in order of j from the first term.
// False where a pivot of either lane is <= 0 (not positive definite; NaN goes on, as in Eigen).
template <int kDim>
bool cholesky_in_place(Pair* m, int d_runtime) {
  const int d = kDim == Eigen::Dynamic ? d_runtime : kDim;
  auto at = [&](int row, int col) -> Pair& { return m[col * d + row]; };
#pragma GCC unroll 16
  for (int k = 0; k < d; ++k) {
    Pair x = at(k, k);
    if (k > 0) {
      Pair squares = at(k, 0) * at(k, 0);
      for (int j = 1; j < k; ++j) squares = squares + at(k, j) * at(k, j);
      x = x - squares;
    }
    if (x.any_at_most(0.0)) return false;
    x = sqrt(x);
    at(k, k) = x;
    for (int i = k + 1; i < d; ++i) {
      Pair dot = Pair::zero();
      for (int j = 0; j < k; ++j) dot = dot + at(i, j) * at(k, j);
      at(i, k) = (at(i, k) - dot) / x;
    }
  }
  return true;
}

// X = inv(L) for the Cholesky factor in the lower triangle of `l` ([d][d] column-major), into `x`
// ([d][d] row-major, lower triangle), with the rounding of Eigen's triangular solve L X = I
// (TriangularSolverMatrix, column-major L): rows are solved in panels of 4; each panel above a row
// reaches it as one subtracted dot product, the rows of its own panel one product at a time, and the
// result is scaled by 1 / L(i, i).
template <int kDim>
void cholesky_inverse(const Pair* l, int d_runtime, Pair* x) {
  constexpr int kPanel = 4;  // Eigen's SmallPanelWidth for double: max(gebp mr, nr)
  const int d = kDim == Eigen::Dynamic ? d_runtime : kDim;
  auto at = [&](int row, int col) { return l[col * d + row]; };
  std::fill(x, x + d * d, Pair::zero());  // the zeros above the diagonal enter the panel sums
#pragma GCC unroll 16
  for (int i = 0; i < d; ++i) {
    const int panel = (i / kPanel) * kPanel;
    const Pair scale = Pair::broadcast(1.0) / at(i, i);
    for (int c = 0; c <= i; ++c) {
      Pair v = Pair::broadcast(c == i ? 1.0 : 0.0);
      for (int q = 0; q < panel; q += kPanel) {
        Pair dot = Pair::zero();
        for (int j = q; j < q + kPanel; ++j) dot = dot + at(i, j) * x[j * d + c];
        v = v - dot;
      }
      for (int j = panel; j < i; ++j) v = v - x[j * d + c] * at(i, j);
      x[i * d + c] = v * scale;
    }
  }
}

// M-step statistics from responsibilities resp[K][stride]; throws where scikit-learn's Cholesky fails.
// Covariances by the centred formula, as scikit-learn computes them, sum_i (r_i (x_i - mu)) (x_i - mu)^T
// accumulated over the frames in order. `rows` is the data row-major (one frame contiguous).
template <int kDim>
void estimate_components(const MatrixRM<double>& rows, const std::vector<double>& resp, std::size_t stride,
                         int k, double reg_covar, Components& c, MStepScratch& s) {
  const int n = static_cast<int>(rows.rows());
  const int d = kDim == Eigen::Dynamic ? static_cast<int>(rows.cols()) : kDim;
  c.counts.resize(k);
  c.means.resize(static_cast<std::size_t>(k) * d);
  c.prec_chol.resize(static_cast<std::size_t>(k) * d * d);
  c.log_det.resize(k);
  s.top.resize(k);
  s.active.resize(n);
  s.covariances.resize(static_cast<std::size_t>(k) * d * d);
  s.factor.resize(d * d);
  s.inverse.resize(d * d);

  // All K counts (numpy's axis-0 sums: in frame order) and largest responsibilities, two components
  // per lane pair, two lane pairs per pass so that their chains of additions overlap.
  int j = 0;
  for (; j + 3 < k; j += 4) {
    const double* r = &resp[j * stride];
    Pair count01 = Pair::zero(), top01 = Pair::zero(), count23 = Pair::zero(), top23 = Pair::zero();
    for (int i = 0; i < n; ++i) {
      const Pair r01 = Pair::gather(r + i, r + stride + i),
                 r23 = Pair::gather(r + 2 * stride + i, r + 3 * stride + i);
      count01 = count01 + r01;
      count23 = count23 + r23;
      top01 = max_of(r01, top01);
      top23 = max_of(r23, top23);
    }
    count01.store(&c.counts[j]);
    count23.store(&c.counts[j + 2]);
    top01.store(&s.top[j]);
    top23.store(&s.top[j + 2]);
  }
  for (; j + 1 < k; j += 2) {
    const double* r0 = &resp[j * stride];
    const double* r1 = r0 + stride;
    Pair count = Pair::zero(), top = Pair::zero();
    for (int i = 0; i < n; ++i) {
      const Pair r = Pair::gather(r0 + i, r1 + i);
      count = count + r;
      top = max_of(r, top);
    }
    count.store(&c.counts[j]);
    top.store(&s.top[j]);
  }
  if (j < k) {
    const double* r = &resp[j * stride];
    double count = 0.0, top = 0.0;
    for (int i = 0; i < n; ++i) {
      count += r[i];
      top = std::max(top, r[i]);
    }
    c.counts[j] = count;
    s.top[j] = top;
  }

  Eigen::Matrix<double, kDim, 1> mean(d), diff(d), weighted(d);
  Square<kDim> cov(d, d);  // lower triangle used
  for (j = 0; j < k; ++j) {
    const double* r = &resp[j * stride];
    const double cutoff = kNegligibleResponsibility * s.top[j];
    int active = 0;
    for (int i = 0; i < n; i += kSkimBlock) {
      const int end = std::min(i + kSkimBlock, n);
      if (end - i == kSkimBlock && Pair::load(r + i).none_above(cutoff) &&
          Pair::load(r + i + 2).none_above(cutoff) && Pair::load(r + i + 4).none_above(cutoff) &&
          Pair::load(r + i + 6).none_above(cutoff)) {
        continue;  // the common case: a block of frames far from the component
      }
      for (int f = i; f < end; ++f) {  // branch-free append
        s.active[active] = f;
        active += r[f] > cutoff;
      }
    }
    const double count = c.counts[j] + 10 * std::numeric_limits<double>::epsilon();
    c.counts[j] = count;

    // mean = sum r x / count, two coordinates at a time.
    mean.setZero();
    for (int t = 0; t < active; ++t) {
      const int i = s.active[t];
      const Pair ri = Pair::broadcast(r[i]);
      const double* xi = rows.row(i).data();
      int a = 0;
#pragma GCC unroll 8
      for (; a + 1 < d; a += 2) (Pair::load(&mean(a)) + ri * Pair::load(xi + a)).store(&mean(a));
      if (a < d) mean(a) += ri.low() * xi[a];
    }
    for (int a = 0; a < d; ++a) mean(a) /= count;

    // cov(b, a) += (diff(a) r) diff(b), b >= a, as pairs (b, b + 1) from the even b at or above a - 1;
    // (a - 1, a) lands in the unused upper triangle.
    cov.setZero();
    double* cov_data = cov.data();
    for (int t = 0; t < active; ++t) {
      const int i = s.active[t];
      const Pair ri = Pair::broadcast(r[i]);
      const double* xi = rows.row(i).data();
      int a = 0;
#pragma GCC unroll 8
      for (; a + 1 < d; a += 2) {
        const Pair da = Pair::load(xi + a) - Pair::load(&mean(a));
        da.store(&diff(a));
        (da * ri).store(&weighted(a));
      }
      if (a < d) {
        diff(a) = xi[a] - mean(a);
        weighted(a) = diff(a) * ri.low();
      }
#pragma GCC unroll 16
      for (a = 0; a < d; ++a) {
        const Pair w = Pair::broadcast(weighted(a));
        double* column = cov_data + a * d;
        int b = a & ~1;
#pragma GCC unroll 8
        for (; b + 1 < d; b += 2) (Pair::load(column + b) + w * Pair::load(&diff(b))).store(column + b);
        if (b < d) column[b] += weighted(a) * diff(b);
      }
    }
    std::copy(mean.data(), mean.data() + d, &c.means[static_cast<std::size_t>(j) * d]);
    double* stored = &s.covariances[static_cast<std::size_t>(j) * d * d];
    for (int a = 0; a < d; ++a) {
      for (int b = a; b < d; ++b) stored[a * d + b] = cov(b, a) / count;
      stored[a * d + a] += reg_covar;
    }
  }

  for (j = 0; j < k; j += 2) {
    const int other = std::min(j + 1, k - 1);  // an odd K factors its last component twice
    const double* cov0 = &s.covariances[static_cast<std::size_t>(j) * d * d];
    const double* cov1 = &s.covariances[static_cast<std::size_t>(other) * d * d];
    for (int a = 0; a < d; ++a) {
      for (int b = a; b < d; ++b) s.factor[a * d + b] = Pair::gather(cov0 + a * d + b, cov1 + a * d + b);
    }
    if (!cholesky_in_place<kDim>(s.factor.data(), d)) {
      throw OfficialWouldRaise(
          "GaussianMixture: a component covariance is not positive definite (official: ValueError, "
          "ill-defined empirical covariance)");
    }
    cholesky_inverse<kDim>(s.factor.data(), d, s.inverse.data());
    double* prec0 = &c.prec_chol[static_cast<std::size_t>(j) * d * d];
    double* prec1 = &c.prec_chol[static_cast<std::size_t>(other) * d * d];
    for (int i = 0; i < d * d; ++i) {
      double lanes[2];
      s.inverse[i].store(lanes);
      prec0[i] = lanes[0], prec1[i] = lanes[1];
    }
    for (const int component : {j, other}) {
      const double* prec_chol = &c.prec_chol[static_cast<std::size_t>(component) * d * d];
      double log_det = std::log(prec_chol[0]);
      for (int a = 1; a < d; ++a) log_det += std::log(prec_chol[a * d + a]);
      c.log_det[component] = log_det;
    }
  }
}

// The E-step works on kBlock consecutive frames at a time.
constexpr int kBlock = 8;

// kBlock frames of one quantity, as named registers (arrays of registers indexed in loops can end up
// in memory).
struct Frames {
  Pair f01, f23, f45, f67;
  static Frames broadcast(double x) {
    const Pair p = Pair::broadcast(x);
    return {p, p, p, p};
  }
  static Frames load(const double* p) {
    return {Pair::load(p), Pair::load(p + 2), Pair::load(p + 4), Pair::load(p + 6)};
  }
  void store(double* p) const { f01.store(p), f23.store(p + 2), f45.store(p + 4), f67.store(p + 6); }
  friend Frames operator+(const Frames& a, const Frames& b) {
    return {a.f01 + b.f01, a.f23 + b.f23, a.f45 + b.f45, a.f67 + b.f67};
  }
  friend Frames operator+(const Frames& a, Pair b) { return {a.f01 + b, a.f23 + b, a.f45 + b, a.f67 + b}; }
  friend Frames operator-(const Frames& a, Pair b) { return {a.f01 - b, a.f23 - b, a.f45 - b, a.f67 - b}; }
  friend Frames operator-(const Frames& a, const Frames& b) {
    return {a.f01 - b.f01, a.f23 - b.f23, a.f45 - b.f45, a.f67 - b.f67};
  }
  friend Frames operator*(const Frames& a, Pair b) { return {a.f01 * b, a.f23 * b, a.f45 * b, a.f67 * b}; }
  friend Frames operator*(const Frames& a, const Frames& b) {
    return {a.f01 * b.f01, a.f23 * b.f23, a.f45 * b.f45, a.f67 * b.f67};
  }
  friend Frames max_of(const Frames& a, const Frames& b) {
    return {max_of(a.f01, b.f01), max_of(a.f23, b.f23), max_of(a.f45, b.f45), max_of(a.f67, b.f67)};
  }
  bool all_below(double x) const {
    return f01.both_below(x) && f23.both_below(x) && f45.both_below(x) && f67.both_below(x);
  }
};

struct EStepScratch {
  std::vector<double> coefficients;  // prec_chol(a, b) broadcast to pairs, [K][b][a <= b][2]
  std::vector<double> mean_proj, offset, norm;
  std::vector<double> top, sum;  // per frame: the largest log probability (0 if not finite), sum exp
  std::vector<double> shifted;   // exp(log_prob - top) of two frames, [K][2]
  std::vector<int> kept;         // its entries that are not dropped
  std::vector<int> first;        // per block: the component tried first
};

// Weighted log probabilities -0.5 (d log(2 pi) + maha) + log_det + log(weight) of one component for
// the kBlock frames at x (x[a * stride + frame]). The Mahalanobis terms are computed as scikit-learn
// writes them, y = x P - mu P (P upper triangular), summed over a = 0..b in order and squared into
// maha row by row, for kBlock frames at a time, whose sums stay in registers.
//
// With `best` (the largest log probability of each frame so far) given, returns -inf once all
// frames are certain to fall below kDropBelow relative to it. The final maha, a sum of squares in
// order, is at least any in-order sum of some of its terms (every addition of a term >= 0 is
// monotonic), and every later operation is monotonic: a partial sum that puts the frames there is
// enough. The last row, often the largest term for frames far from the component, is computed first.
template <int kDim>
Frames block_log_prob(const double* x, std::size_t stride, int d_runtime, const double* coefficients,
                      const double* mean_proj, double log_2pi_d, double offset, const Frames* best) {
  const int d = kDim == Eigen::Dynamic ? d_runtime : kDim;
  const int last = d - 1;
  const Pair half = Pair::broadcast(-0.5), log_norm = Pair::broadcast(log_2pi_d);
  auto negligible = [&](const Frames& partial) {
    return (((partial + log_norm) * half + Pair::broadcast(offset)) - *best).all_below(kDropBelow);
  };
  const Frames minus_infinity = Frames::broadcast(-std::numeric_limits<double>::infinity());

  const double* p_last = coefficients + last * (last + 1);  // row b at P(0..b, b) as pairs: b (b + 1)
  Frames y_last = Frames::load(x) * Pair::load(p_last);
#pragma GCC unroll 16
  for (int a = 1; a <= last; ++a) y_last = y_last + Frames::load(x + a * stride) * Pair::load(p_last + 2 * a);
  y_last = y_last - Pair::broadcast(mean_proj[last]);
  const Frames last_term = y_last * y_last;
  if (best && negligible(last_term)) return minus_infinity;

  Frames maha = Frames::broadcast(0.0);
  // Two rows at a time: their sums are independent chains of additions, which the processor
  // overlaps, and they share the loads of x.
#pragma GCC unroll 8
  for (int b = 0; b < last; b += 2) {
    const double* p0 = coefficients + b * (b + 1);
    if (b + 1 < last) {
      const double* p1 = p0 + 2 * (b + 1);  // row b + 1
      Frames y0 = Frames::load(x) * Pair::load(p0), y1 = Frames::load(x) * Pair::load(p1);
#pragma GCC unroll 16
      for (int a = 1; a <= b; ++a) {
        const Frames xa = Frames::load(x + a * stride);
        y0 = y0 + xa * Pair::load(p0 + 2 * a);
        y1 = y1 + xa * Pair::load(p1 + 2 * a);
      }
      y1 = y1 + Frames::load(x + (b + 1) * stride) * Pair::load(p1 + 2 * (b + 1));
      y0 = y0 - Pair::broadcast(mean_proj[b]);
      maha = maha + y0 * y0;
      y1 = y1 - Pair::broadcast(mean_proj[b + 1]);
      maha = maha + y1 * y1;
    } else {
      Frames y = Frames::load(x) * Pair::load(p0);
      for (int a = 1; a <= b; ++a) y = y + Frames::load(x + a * stride) * Pair::load(p0 + 2 * a);
      y = y - Pair::broadcast(mean_proj[b]);
      maha = maha + y * y;
    }
    if (best && b == 2 && b + 2 < last && negligible(maha + last_term)) return minus_infinity;  // rows 0..3
  }
  maha = maha + last_term;
  return (maha + log_norm) * half + Pair::broadcast(offset);
}

// numpy's pairwise summation (numpy_pairwise_sum) of the n pairs at p, lane by lane.
Pair pairwise_sum(const double* p, int n) {
  constexpr int kUnroll = 8, kLeaf = 128;
  if (n < kUnroll) {
    Pair sum = Pair::zero();
    for (int i = 0; i < n; ++i) sum = sum + Pair::load(p + 2 * i);
    return sum;
  }
  if (n <= kLeaf) {
    Pair r[kUnroll];
    for (int j = 0; j < kUnroll; ++j) r[j] = Pair::load(p + 2 * j);
    int i = kUnroll;
    for (; i < n - n % kUnroll; i += kUnroll) {
      for (int j = 0; j < kUnroll; ++j) r[j] = r[j] + Pair::load(p + 2 * (i + j));
    }
    Pair sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) sum = sum + Pair::load(p + 2 * i);
    return sum;
  }
  int half = n / 2;
  half -= half % kUnroll;
  return pairwise_sum(p, half) + pairwise_sum(p + 2 * half, n - half);
}

// Turns the weighted log probabilities resp[K][stride] into responsibilities, two frames at a time
// (one per lane), and returns the mean log-likelihood; notes each block's best component for the next
// E-step.
double normalise(int n, int k, std::size_t stride, std::vector<double>& resp, EStepScratch& s) {
  s.shifted.resize(2 * k);
  s.kept.resize(2 * k + 1);
  s.norm.resize(n + 1);
  s.top.resize(n + 1);
  s.sum.resize(n + 1);
  double lanes[2];
  for (int i = 0; i < n; i += 2) {
    double* r = &resp[i];  // r[j * stride], r[j * stride + 1]: the two frames
    Pair top = Pair::load(r);
    for (int j = 1; j < k; ++j) top = max_of(Pair::load(r + j * stride), top);  // std::max(top, r_j)
    top.store(lanes);
    if (i % kBlock == 0) {
      int best = 0;
      while (best < k - 1 && !(r[best * stride] == lanes[0])) ++best;
      s.first[i / kBlock] = best;
    }
    if (!std::isfinite(lanes[0]) || !std::isfinite(lanes[1])) {
      for (double& t : lanes) t = std::isfinite(t) ? t : 0.0;
      top = Pair::load(lanes);
    }
    // exp(log_prob - top), dropped values as 0. Without branches on the values (which are
    // unpredictable): the entries to keep are listed, then exponentiated.
    int kept = 0;
    for (int j = 0; j < k; ++j) {
      const Pair shifted = Pair::load(r + j * stride) - top;
      const int below = shifted.lanes_below(kDropBelow);
      shifted.zero_below(kDropBelow).store(&s.shifted[2 * j]);
      s.kept[kept] = 2 * j;
      kept += !(below & 1);
      s.kept[kept] = 2 * j + 1;
      kept += !(below & 2);
    }
    for (int t = 0; t < kept; ++t) s.shifted[s.kept[t]] = std::exp(s.shifted[s.kept[t]]);
    const Pair sum = pairwise_sum(s.shifted.data(), k);
    double sums[2];
    sum.store(sums);
    top.store(&s.top[i]);
    sum.store(&s.sum[i]);
    s.norm[i] = std::log(sums[0]) + lanes[0];
    s.norm[i + 1] = std::log(sums[1]) + lanes[1];  // past n: a padding frame, not summed
    // Responsibilities exp(log_resp - norm) as exp(log_resp - top) / sum: one exp per entry
    // instead of two, and no less accurate (scikit-learn's exp of the difference carries the
    // absolute rounding of norm, ~1e-15 relative; the division adds half an ulp). The dropped
    // entries are 0 / sum = 0 where the sum is finite and positive (as a top term of 1 makes it).
    if (sums[0] > 0 && sums[1] > 0 && std::isfinite(sums[0]) && std::isfinite(sums[1])) {
      for (int j = 0; j < k; ++j) Pair::zero().store(r + j * stride);
      for (int t = 0; t < kept; ++t) {
        const int lane = s.kept[t] & 1;
        r[(s.kept[t] >> 1) * stride + lane] = s.shifted[s.kept[t]] / sums[lane];
      }
    } else {
      for (int j = 0; j < k; ++j) (Pair::load(&s.shifted[2 * j]) / sum).store(r + j * stride);
    }
  }
  return numpy_pairwise_sum(s.norm.data(), static_cast<std::size_t>(n)) / static_cast<double>(n);
}

template <int kDim>
double expectation(const std::vector<double>& cols, int n, int d_runtime, const Components& c,
                   const std::vector<double>& weights, int k, std::vector<double>& resp, EStepScratch& s) {
  const int d = kDim == Eigen::Dynamic ? d_runtime : kDim;
  const int packed = d * (d + 1) / 2;
  const int blocks = (n + kBlock - 1) / kBlock;
  const std::size_t stride = static_cast<std::size_t>(blocks) * kBlock;
  const double log_2pi_d = static_cast<double>(d) * std::log(2 * M_PI);
  s.coefficients.resize(static_cast<std::size_t>(k) * packed * 2);
  s.mean_proj.resize(static_cast<std::size_t>(k) * d);
  s.offset.resize(k);
  for (int j = 0; j < k; ++j) {
    const double* inverse = &c.prec_chol[static_cast<std::size_t>(j) * d * d];  // P(a, b) = inverse[b][a]
    const double* mu = &c.means[static_cast<std::size_t>(j) * d];
    double* coefficients = &s.coefficients[static_cast<std::size_t>(j) * packed * 2];
    for (int b = 0; b < d; ++b) {
      double sum = 0.0;
      for (int a = 0; a <= b; ++a) {
        sum += mu[a] * inverse[b * d + a];
        Pair::broadcast(inverse[b * d + a]).store(coefficients);
        coefficients += 2;
      }
      s.mean_proj[static_cast<std::size_t>(j) * d + b] = sum;
    }
    s.offset[j] = c.log_det[j] + std::log(weights[j]);
  }

  // Each block starts with the component that was best for its first frame last time, to have a
  // good reference for dropping the others early.
  for (int block = 0; block < blocks; ++block) {
    const double* x = &cols[static_cast<std::size_t>(block) * kBlock];
    Frames best = Frames::broadcast(-std::numeric_limits<double>::infinity());
    const int first = s.first[block];
    for (int t = 0; t < k; ++t) {
      const int j = t == 0 ? first : (t <= first ? t - 1 : t);  // `first`, then the others in order
      const Frames log_prob =
          block_log_prob<kDim>(x, stride, d, &s.coefficients[static_cast<std::size_t>(j) * packed * 2],
                               &s.mean_proj[static_cast<std::size_t>(j) * d], log_2pi_d, s.offset[j], &best);
      best = max_of(log_prob, best);
      log_prob.store(&resp[j * stride + block * kBlock]);
    }
  }
  const double mean_log_likelihood = normalise(n, k, stride, resp, s);

  // A dying component (no responsibility >= kSafeTop) gets its responsibilities in full:
  // exp(log_prob - top) / sum with its frames' top and sum, which its dropped values never reached.
  for (int j = 0; j < k; ++j) {
    double* r = &resp[j * stride];
    Pair top = Pair::zero();  // of frames 0..n rounded up to pairs: a padding frame holds a copy
    for (int i = 0; i < n; i += 2) top = max_of(Pair::load(r + i), top);
    if (top.any_at_least(kSafeTop)) continue;
    for (int block = 0; block < blocks; ++block) {
      double log_prob[kBlock];
      block_log_prob<kDim>(&cols[static_cast<std::size_t>(block) * kBlock], stride, d,
                           &s.coefficients[static_cast<std::size_t>(j) * packed * 2],
                           &s.mean_proj[static_cast<std::size_t>(j) * d], log_2pi_d, s.offset[j], nullptr)
          .store(log_prob);
      for (int f = 0; f < kBlock && block * kBlock + f < n; ++f) {
        const int i = block * kBlock + f;
        r[i] = exp_or_zero(log_prob[f] - s.top[i]) / s.sum[i];
      }
    }
  }
  return mean_log_likelihood;
}

template <int kDim>
void run_em(const MatrixRM<double>& x, const std::vector<int>& labels, const GaussianMixtureOptions& options,
            GaussianMixtureFit& fit) {
  const int n = static_cast<int>(x.rows()), d = static_cast<int>(x.cols());
  const int k = options.components;
  const int blocks = (n + kBlock - 1) / kBlock;
  const std::size_t stride = static_cast<std::size_t>(blocks) * kBlock;
  std::vector<double> cols(stride * d);  // column-major copy for the E-step, padded to whole blocks
  for (int a = 0; a < d; ++a) {
    for (std::size_t i = 0; i < stride; ++i) {
      cols[a * stride + i] = x(static_cast<Eigen::Index>(std::min<std::size_t>(i, n - 1)), a);
    }
  }
  std::vector<double> resp(k * stride, 0.0);
  for (int i = 0; i < n; ++i) resp[labels[i] * stride + i] = 1.0;
  EStepScratch e_scratch;
  e_scratch.first.resize(blocks);
  for (int block = 0; block < blocks; ++block) e_scratch.first[block] = labels[block * kBlock];

  Components comp;
  MStepScratch m_scratch;
  estimate_components<kDim>(x, resp, stride, k, options.reg_covar, comp, m_scratch);
  std::vector<double> weights(k);
  for (int j = 0; j < k; ++j) weights[j] = comp.counts[j] / static_cast<double>(n);

  double lower_bound = -std::numeric_limits<double>::infinity();
  for (int iter = 1; iter <= options.max_iter; ++iter) {
    const double previous = lower_bound;
    lower_bound = expectation<kDim>(cols, n, d, comp, weights, k, resp, e_scratch);
    estimate_components<kDim>(x, resp, stride, k, options.reg_covar, comp, m_scratch);
    const double total = numpy_pairwise_sum(comp.counts.data(), static_cast<std::size_t>(k));
    for (int j = 0; j < k; ++j) weights[j] = comp.counts[j] / total;
    fit.iterations = iter;
    fit.lower_bounds.push_back(lower_bound);
    if (std::abs(lower_bound - previous) < options.tol) {
      fit.converged = true;
      break;
    }
  }
  fit.weights = Eigen::Map<const Eigen::VectorXd>(weights.data(), k);
  fit.means = Eigen::Map<const MatrixRM<double>>(comp.means.data(), k, d);
}

}  // namespace

GaussianMixtureFit fit_gaussian_mixture(const MatrixRM<double>& x, const GaussianMixtureOptions& options) {
  const Eigen::Index n = x.rows();
  const int k = options.components;
  if (n < 2) throw OfficialWouldRaise("GaussianMixture: needs at least 2 samples, got " + std::to_string(n));
  if (n < k) {
    throw OfficialWouldRaise("GaussianMixture: Expected n_samples >= n_components but got n_components = " +
                             std::to_string(k) + ", n_samples = " + std::to_string(n));
  }
  GaussianMixtureFit fit;
  NumpyRandomState rng(options.seed);
  KMeansOptions kmeans;
  kmeans.clusters = k;
  const std::vector<int> labels = kmeans_labels(x, rng, kmeans);
  fit.distinct_initial_clusters = static_cast<int>(std::set<int>(labels.begin(), labels.end()).size());
  // WGD's projections have d = 10: a fixed size lets the compiler unroll the d x d loops.
  if (x.cols() == 10) {
    run_em<10>(x, labels, options, fit);
  } else {
    run_em<Eigen::Dynamic>(x, labels, options, fit);
  }
  return fit;
}

}  // namespace pmbench::wgd
