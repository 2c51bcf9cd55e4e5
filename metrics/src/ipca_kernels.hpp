// Kernels of IncrementalPCA's small SVDs (private to ipca_svd.inc, which is built once per
// instruction set): the Gram matrix of the stacked batch, its Householder tridiagonalisation,
// Sturm sequences for Laguerre's iteration, inverse iteration for the leading eigenvectors, the
// back-transformation and the projection onto the rows. Sizes are small (n <= 27, 48 columns, 10
// vectors) and the work is dominated by dependent division chains, so the kernels run several
// independent chains side by side: each eigenvalue and eigenvector is one lane of a vector of
// kLanes doubles (2 in the baseline build, 4 under AVX2), and the coordinates of the Gram
// matrix's dot products and of the projection are lanes too. Every lane does the IEEE operations
// a scalar loop would, in a fixed order: results do not depend on the instruction set.
//
// Arrays of eigenvalue or eigenvector lanes are `width` wide, the logical lane count rounded up to
// a multiple of kLanes; the padding lanes carry finite values that never reach a result.
//
// Everything here has internal linkage (an anonymous namespace): the two builds must not share a
// symbol.
#pragma once

#if !defined(PMBENCH_KERNEL_ISA)
#error "ipca_kernels.hpp is included only by ipca_svd.inc"
#endif

#include <cmath>
#include <cstddef>
#include <limits>

#include "kernel_dispatch.hpp"
#include "simd_lanes.hpp"

namespace pmbench::wgd {
namespace {

constexpr int kLanes = PMBENCH_KERNEL_LANES;
using Vec = simd::Lanes<kLanes>;
using Pair = simd::Lanes<2>;  // tridiagonalize's even / odd split, whatever the build

double sum(Pair a) { return a[0] + a[1]; }

// std::min, std::max (the same choice on ties and NaNs) and constants of our own: at -O0 the
// standard library's inline functions are emitted as shared (weak) symbols, which the two builds
// must not define.
template <class T>
T smaller(T a, T b) {
  return b < a ? b : a;
}
template <class T>
T larger(T a, T b) {
  return a < b ? b : a;
}
constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMinNormal = std::numeric_limits<double>::min();
constexpr double kMaxFinite = std::numeric_limits<double>::max();
bool is_finite(double x) { return std::fabs(x) <= kMaxFinite; }

std::size_t at(int row, int stride) {
  return static_cast<std::size_t>(row) * static_cast<std::size_t>(stride);
}

// The logical lane count rounded up to whole vectors.
int padded_width(int lanes) { return (lanes + kLanes - 1) / kLanes * kLanes; }

// ---------------------------------------------------------------------------------------------
// Gram matrix: g (n x n, column-major, both triangles) = a a^T for the n rows of a (`dims` long,
// row stride `dims`). Blocks of 2 x 2 dot products share their loads (under AVX2, with `dims` a
// multiple of 4, blocks of 4 rows x 2 columns first: eight independent sums hide the additions'
// latency); each dot product is summed in four interleaved partial sums (coordinates c mod 4: two
// pairs, or one vector of four under AVX2), then (s0 + s2) + (s1 + s3), then the coordinates left
// over.
#if PMBENCH_KERNEL_LANES == 4
// [a, b, c, d] for the partial sums of four dot products, each (s[0] + s[2]) + (s[1] + s[3])
__m256d reduce_four(__m256d a, __m256d b, __m256d c, __m256d d) {
  const __m256d ac = _mm256_permute2f128_pd(a, c, 0x20) + _mm256_permute2f128_pd(a, c, 0x31);
  const __m256d bd = _mm256_permute2f128_pd(b, d, 0x20) + _mm256_permute2f128_pd(b, d, 0x31);
  return _mm256_hadd_pd(ac, bd);
}

// Rows i..i+3 against rows j, j + 1 (j <= i, i + 3 < n; dims a multiple of 4), stored by column
// and by row (on the diagonal block the two overlap, with equal values: x_r . x_s sums the
// products of x_s . x_r).
void gram_block_4x2(const double* a, int i, int j, int n, int dims, double* g) {
  const double* x = a + at(i, dims);
  const double* y0 = a + at(j, dims);
  const double* y1 = y0 + dims;
  __m256d s0[4], s1[4];  // against rows j and j + 1
  for (int q = 0; q < 4; ++q) s0[q] = s1[q] = _mm256_setzero_pd();
  for (int c = 0; c < dims; c += 4) {
    const __m256d y = _mm256_loadu_pd(y0 + c), w = _mm256_loadu_pd(y1 + c);
    for (int q = 0; q < 4; ++q) {
      const __m256d xq = _mm256_loadu_pd(x + at(q, dims) + c);
      s0[q] += xq * y, s1[q] += xq * w;
    }
  }
  const __m256d column0 = reduce_four(s0[0], s0[1], s0[2], s0[3]);
  const __m256d column1 = reduce_four(s1[0], s1[1], s1[2], s1[3]);
  _mm256_storeu_pd(g + i + at(j, n), column0);
  _mm256_storeu_pd(g + i + at(j + 1, n), column1);
  const __m256d rows02 = _mm256_unpacklo_pd(column0, column1), rows13 = _mm256_unpackhi_pd(column0, column1);
  _mm_storeu_pd(g + j + at(i, n), _mm256_castpd256_pd128(rows02));
  _mm_storeu_pd(g + j + at(i + 1, n), _mm256_castpd256_pd128(rows13));
  _mm_storeu_pd(g + j + at(i + 2, n), _mm256_extractf128_pd(rows02, 1));
  _mm_storeu_pd(g + j + at(i + 3, n), _mm256_extractf128_pd(rows13, 1));
}
#endif

void gram_matrix(const double* a, int n, int dims, double* g) {
  auto put = [&](int i, int j, double v) {
    g[i + at(j, n)] = v;
    g[j + at(i, n)] = v;
  };
  const int body = dims / 4 * 4;
  auto tail = [&](double s, const double* x, const double* y) {
    for (int c = body; c < dims; ++c) s += x[c] * y[c];
    return s;
  };
  for (int j = 0; j < n; j += 2) {
    const int j1 = j + 1 < n ? j + 1 : j;  // odd n: the last column pair repeats its row
    const double* y0 = a + at(j, dims);
    const double* y1 = a + at(j1, dims);
    int i = j;
#if PMBENCH_KERNEL_LANES == 4
    if (body == dims && j1 == j + 1) {
      for (; i + 4 <= n; i += 4) gram_block_4x2(a, i, j, n, dims, g);
    }
#endif
    for (; i < n; i += 2) {
      const int i1 = i + 1 < n ? i + 1 : i;
      const double* x0 = a + at(i, dims);
      const double* x1 = a + at(i1, dims);
      if constexpr (kLanes == 4) {
        Vec s00 = Vec::zero(), s01 = s00, s10 = s00, s11 = s00;
        for (int c = 0; c < body; c += 4) {
          const Vec x = Vec::load(x0 + c), z = Vec::load(x1 + c);
          const Vec y = Vec::load(y0 + c), w = Vec::load(y1 + c);
          s00 += x * y, s01 += x * w;
          s10 += z * y, s11 += z * w;
        }
#if PMBENCH_KERNEL_LANES == 4
        if (body == dims && i1 == i + 1 && j1 == j + 1) {
          // the four sums (s[0] + s[2]) + (s[1] + s[3]) at once, stored as pairs (on the diagonal
          // block, the stores by column and by row overlap, with equal values: s01 and s10 then
          // sum the same products)
          const __m256d by_column = reduce_four(s00.v, s10.v, s01.v, s11.v);  // [g_ij, g_i1j, g_ij1, g_i1j1]
          const __m256d by_row = _mm256_permute4x64_pd(by_column, 0xD8);
          _mm_storeu_pd(g + i + at(j, n), _mm256_castpd256_pd128(by_column));
          _mm_storeu_pd(g + i + at(j1, n), _mm256_extractf128_pd(by_column, 1));
          _mm_storeu_pd(g + j + at(i, n), _mm256_castpd256_pd128(by_row));
          _mm_storeu_pd(g + j + at(i1, n), _mm256_extractf128_pd(by_row, 1));
          continue;
        }
#endif
        auto finish = [&](Vec s, const double* x, const double* y) {
          return tail((s[0] + s[2]) + (s[1] + s[3]), x, y);
        };
        put(i, j, finish(s00, x0, y0));
        put(i, j1, finish(s01, x0, y1));
        put(i1, j, finish(s10, x1, y0));
        put(i1, j1, finish(s11, x1, y1));
      } else {
        Pair s00a = Pair::zero(), s00b = s00a, s01a = s00a, s01b = s00a, s10a = s00a, s10b = s00a,
             s11a = s00a, s11b = s00a;
        for (int c = 0; c < body; c += 4) {
          const Pair xa = Pair::load(x0 + c), xb = Pair::load(x0 + c + 2);
          const Pair za = Pair::load(x1 + c), zb = Pair::load(x1 + c + 2);
          const Pair ya = Pair::load(y0 + c), yb = Pair::load(y0 + c + 2);
          const Pair wa = Pair::load(y1 + c), wb = Pair::load(y1 + c + 2);
          s00a += xa * ya, s00b += xb * yb;
          s01a += xa * wa, s01b += xb * wb;
          s10a += za * ya, s10b += zb * yb;
          s11a += za * wa, s11b += zb * wb;
        }
        auto finish = [&](Pair s01, Pair s23, const double* x, const double* y) {
          return tail(sum(s01 + s23), x, y);
        };
        put(i, j, finish(s00a, s00b, x0, y0));
        put(i, j1, finish(s01a, s01b, x0, y1));
        put(i1, j, finish(s10a, s10b, x1, y0));
        put(i1, j1, finish(s11a, s11b, x1, y1));
      }
    }
  }
}

#if PMBENCH_KERNEL_LANES == 4
// tridiagonalize's sweep over the rows [first, end) (in pairs) of the columns c0 = column c and
// c1 = column c + 1, one vector per row pair laid out [c0 row r, c0 row r+1, c1 row r, c1 row r+1]:
// each lane does the operations of the pair loop of the baseline build (in tridiagonalize) on its
// own, so the even and odd partial sums of both columns keep their order. With kUpdate, the
// pending rank-2 update (pv, wc) is applied first.
__m256d two_pairs(const double* lo, const double* hi) {
  return _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(lo)), _mm_loadu_pd(hi), 1);
}
__m256d pair_twice(const double* pair) { return two_pairs(pair, pair); }

template <bool kUpdate>
void column_pair_rows(double* c0, double* c1, const double* pv, const double* wc, int c, const double* v,
                      double* p, int first, int end, Pair& dots0, Pair& dots1) {
  const __m256d vs = _mm256_setr_pd(v[c], v[c], v[c + 1], v[c + 1]);
  __m256d wcs = vs, pvs = vs;
  if constexpr (kUpdate) {
    wcs = _mm256_setr_pd(wc[c], wc[c], wc[c + 1], wc[c + 1]);
    pvs = _mm256_setr_pd(pv[c], pv[c], pv[c + 1], pv[c + 1]);
  }
  __m256d dots = _mm256_setzero_pd();
  for (int r = first; r < end; r += 2) {
    __m256d x = two_pairs(c0 + r, c1 + r);
    if constexpr (kUpdate) x = x - (pair_twice(pv + r) * wcs + pair_twice(wc + r) * pvs);
    _mm_storeu_pd(c0 + r, _mm256_castpd256_pd128(x));
    _mm_storeu_pd(c1 + r, _mm256_extractf128_pd(x, 1));
    const __m256d terms = x * vs;  // [x0 v0, x1 v1]
    _mm_storeu_pd(p + r,
                  _mm_loadu_pd(p + r) + (_mm256_castpd256_pd128(terms) + _mm256_extractf128_pd(terms, 1)));
    dots += x * pair_twice(v + r);
  }
  dots0 = Pair{(Pair::Raw)_mm256_castpd256_pd128(dots)};
  dots1 = Pair{(Pair::Raw)_mm256_extractf128_pd(dots, 1)};
}
#endif

// An elementwise loop over the rows [begin, end): vector_op(r) on kLanes rows from r, then
// scalar_op(r) on the rows left (each row's value does not depend on the grouping).
template <class VectorOp, class ScalarOp>
void for_each_row(int begin, int end, VectorOp vector_op, ScalarOp scalar_op) {
  int r = begin;
  for (; r + kLanes <= end; r += kLanes) vector_op(r);
  for (; r < end; ++r) scalar_op(r);
}

// ---------------------------------------------------------------------------------------------
// Householder reduction of the symmetric matrix a (n x n, column-major, lower triangle read) to
// tridiagonal form Q^T a Q (LAPACK dsytd2, lower): diag, off receive the tridiagonal matrix; the
// reflectors H_j = I - tau_j v_j v_j^T (v_j(0) = 1, acting on rows j+1..n-1) are left in the
// columns of `a` below the subdiagonal and in `tau`. Step j's rank-2 update of the trailing block,
// A22 -= v w^T + w v^T, is applied column by column during step j + 1, in the same sweep over the
// lower triangle that forms step j + 1's product p = A22 v (each column adds to p below its
// diagonal and takes a dot product for its own entry), so the triangle is read once per step.
// The dot products are split into even and odd rows (pairs in both builds: that order is the
// result's). `scratch` is 2n doubles.
void tridiagonalize(double* a, int n, double* diag, double* off, double* tau, double* scratch) {
  auto col = [&](int j) { return a + at(j, n); };
  double* w = scratch;      // the pending update's w (absolute row index)
  double* p = scratch + n;  // the product being formed
  int pending = -1;         // the step whose update is pending (its v lies in column `pending`)
  for (int j = 0; j < n; ++j) {
    double* cj = col(j);
    const double* pv = pending >= 0 ? col(pending) : nullptr;
    if (pv) {
      const double wj = w[j], pvj = pv[j];
      for_each_row(
          j, n,
          [&](int r) {
            (Vec::load(cj + r) - (Vec::load(pv + r) * Vec::all(wj) + Vec::load(w + r) * Vec::all(pvj)))
                .store(cj + r);
          },
          [&](int r) { cj[r] -= pv[r] * wj + w[r] * pvj; });
    }
    diag[j] = cj[j];
    if (j + 1 == n) break;
    double* v = cj;  // v[r] for r > j; becomes v_j
    double tail = 0.0;
    {
      Pair sq = Pair::zero();
      int r = j + 2;
      for (; r + 2 <= n; r += 2) sq += Pair::load(v + r) * Pair::load(v + r);
      if (r < n) tail = v[r] * v[r];
      tail += sum(sq);
    }
    const double alpha = v[j + 1];
    double t = 0.0;
    if (tail == 0.0) {  // already reduced: H_j = I
      off[j] = alpha;
    } else {
      const double beta = -std::copysign(std::sqrt(alpha * alpha + tail), alpha);
      t = (beta - alpha) / beta;
      const double scale = 1.0 / (alpha - beta);
      for_each_row(
          j + 2, n, [&](int r) { (Vec::load(v + r) * Vec::all(scale)).store(v + r); },
          [&](int r) { v[r] *= scale; });
      v[j + 1] = 1.0;
      off[j] = beta;
    }
    tau[j] = t;
    if (t == 0.0 && !pv) continue;
    for_each_row(
        j + 1, n, [&](int r) { Vec::zero().store(p + r); }, [&](int r) { p[r] = 0.0; });
    const double* wc = w;
    // x = the column's entries after the pending update
    auto updated = [&](const double* cc, int r, int c) {
      return pv ? cc[r] - (pv[r] * wc[c] + wc[r] * pv[c]) : cc[r];
    };
#if PMBENCH_KERNEL_LANES != 4
    auto updated2 = [&](const double* cc, int r, int c) {
      const Pair x = Pair::load(cc + r);
      return pv ? x - (Pair::load(pv + r) * Pair::all(wc[c]) + Pair::load(wc + r) * Pair::all(pv[c])) : x;
    };
#endif
    int c = j + 1;
    for (; c + 1 < n; c += 2) {  // columns c and c + 1: their entries on rows c, c + 1 first
      double* c0 = col(c);
      double* c1 = col(c + 1);
      const double x00 = updated(c0, c, c), x10 = updated(c0, c + 1, c), x11 = updated(c1, c + 1, c + 1);
      c0[c] = x00, c0[c + 1] = x10, c1[c + 1] = x11;
      const double v0 = v[c], v1 = v[c + 1];
      double dot0 = x00 * v0 + x10 * v1, dot1 = x11 * v1;
      p[c + 1] += x10 * v0;
      Pair dots0 = Pair::zero(), dots1 = Pair::zero();
      const int first = c + 2, pairs_end = first + (n - first) / 2 * 2;
#if PMBENCH_KERNEL_LANES == 4
      if (pv) {
        column_pair_rows<true>(c0, c1, pv, wc, c, v, p, first, pairs_end, dots0, dots1);
      } else {
        column_pair_rows<false>(c0, c1, pv, wc, c, v, p, first, pairs_end, dots0, dots1);
      }
#else
      const Pair v0s = Pair::all(v0), v1s = Pair::all(v1);
      for (int r = first; r < pairs_end; r += 2) {
        const Pair x0 = updated2(c0, r, c), x1 = updated2(c1, r, c + 1);
        x0.store(c0 + r), x1.store(c1 + r);
        const Pair vr = Pair::load(v + r);
        (Pair::load(p + r) + (x0 * v0s + x1 * v1s)).store(p + r);
        dots0 += x0 * vr;
        dots1 += x1 * vr;
      }
#endif
      if (pairs_end < n) {
        const int r = pairs_end;
        const double x0 = updated(c0, r, c), x1 = updated(c1, r, c + 1);
        c0[r] = x0, c1[r] = x1;
        p[r] += x0 * v0 + x1 * v1;
        dot0 += x0 * v[r];
        dot1 += x1 * v[r];
      }
      p[c] += dot0 + sum(dots0);
      p[c + 1] += dot1 + sum(dots1);
    }
    if (c < n) {  // the last column alone: its diagonal entry
      double* cc = col(c);
      const double x = updated(cc, c, c);
      cc[c] = x;
      p[c] += x * v[c];
    }
    if (t == 0.0) {
      pending = -1;
      continue;
    }
    // w = tau p - (tau / 2)(tau p . v) v becomes the pending update
    double pv_dot = 0.0;
    {
      Pair acc = Pair::zero();
      const Pair ts = Pair::all(t);
      int r = j + 1;
      for (; r + 2 <= n; r += 2) {
        const Pair pr = Pair::load(p + r) * ts;
        pr.store(p + r);
        acc += pr * Pair::load(v + r);
      }
      if (r < n) pv_dot = (p[r] *= t) * v[r];
      pv_dot += sum(acc);
    }
    const double half = 0.5 * t * pv_dot;
    for_each_row(
        j + 1, n, [&](int r) { (Vec::load(p + r) - Vec::all(half) * Vec::load(v + r)).store(p + r); },
        [&](int r) { p[r] -= half * v[r]; });
    double* const product = p;
    p = w, w = product;
    pending = j;
  }
}

// ---------------------------------------------------------------------------------------------
// Sturm sequences with derivatives: for each of the `width` points x (a multiple of kLanes), the
// number of eigenvalues greater than x of the symmetric tridiagonal matrix (d, e2 = squared
// off-diagonal) and Laguerre's sums g = sum_j 1/(x - lambda_j), h = sum_j 1/(x - lambda_j)^2,
// from the pivots q_i of the LDL^T factorisation of T - x I (q_i = d_i - x - e2_{i-1} / q_{i-1})
// and their first two derivatives in x. A pivot that vanishes is replaced by -pivmin (LAPACK
// dstebz's rule). Up to three vectors of points (two pairs in the baseline build, whose 16
// registers would spill three) run through the recurrence together, their state in registers.
template <int V>
void sturm_laguerre_vectors(const double* d, const double* e2, int n, const double* x, double* count,
                            double* g, double* h) {
  const Vec pivmin = Vec::all(kMinNormal), zero = Vec::zero(), one = Vec::all(1.0), two = Vec::all(2.0);
  Vec xs[V], rs[V], q1s[V], q2s[V], counts[V], gs[V],
      hs[V];  // rs: 1 / q_{i-1}; q1s, q2s: q'_{i-1}, q''_{i-1}
  for (int v = 0; v < V; ++v) {
    xs[v] = Vec::load(x + v * kLanes);
    Vec q = Vec::all(d[0]) - xs[v];
    q = select(less(abs(q), pivmin), -pivmin, q);
    const Vec r = one / q;
    counts[v] = select(less(zero, q), one, zero);
    gs[v] = -r;
    hs[v] = r * r;
    rs[v] = r;
    q1s[v] = -one;
    q2s[v] = zero;
  }
  for (int i = 1; i < n; ++i) {
    const Vec di = Vec::all(d[i]), ei = Vec::all(e2[i - 1]);
    for (int v = 0; v < V; ++v) {
      const Vec r = rs[v], q1 = q1s[v], q2 = q2s[v];
      const Vec t = ei * r, u = q1 * r;
      Vec q = (di - xs[v]) - t;
      const Vec nq1 = t * u - one;
      const Vec nq2 = t * (q2 * r - two * (u * u));
      q = select(less(abs(q), pivmin), -pivmin, q);
      const Vec rn = one / q, w = nq1 * rn;
      counts[v] = counts[v] + select(less(zero, q), one, zero);
      gs[v] = gs[v] + w;
      hs[v] = hs[v] + (w * w - nq2 * rn);
      rs[v] = rn;
      q1s[v] = nq1;
      q2s[v] = nq2;
    }
  }
  for (int v = 0; v < V; ++v) {
    counts[v].store(count + v * kLanes);
    gs[v].store(g + v * kLanes);
    hs[v].store(h + v * kLanes);
  }
}

void sturm_laguerre(const double* d, const double* e2, int n, int width, const double* x, double* count,
                    double* g, double* h) {
  for (int l = 0; l < width;) {
    const int left = (width - l) / kLanes;
    if (left >= 3 && kLanes == 4) {
      sturm_laguerre_vectors<3>(d, e2, n, x + l, count + l, g + l, h + l);
      l += 3 * kLanes;
    } else if (left == 2) {
      sturm_laguerre_vectors<2>(d, e2, n, x + l, count + l, g + l, h + l);
      l += 2 * kLanes;
    } else {
      sturm_laguerre_vectors<1>(d, e2, n, x + l, count + l, g + l, h + l);
      l += kLanes;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Inverse iteration for `width` shifts at once (a multiple of kLanes) on the symmetric
// tridiagonal matrix (diag, off): T - shift I is factored once per shift by Gaussian elimination
// with partial pivoting (LAPACK dlagtf; a zero pivot is replaced by `tiny`), and each iteration
// solves with the factors (dlagts). Arrays are [row][lane].
struct TridiagonalFactors {
  double *swap, *mult, *inv_pivot, *u1, *u2, *state;  // n x width each; state: 2 x width
};

void factor_shifted_tridiagonal(const double* diag, const double* off, int n, const double* shift, int width,
                                double tiny, const TridiagonalFactors& f) {
  double* as = f.state;  // current pivot row: [a, b, 0]
  double* bs = f.state + width;
  const Vec zero = Vec::zero(), one = Vec::all(1.0), tinies = Vec::all(tiny);
  for (int l = 0; l < width; l += kLanes) {
    (Vec::all(diag[0]) - Vec::load(shift + l)).store(as + l);
    Vec::all(n > 1 ? off[0] : 0.0).store(bs + l);
  }
  for (int i = 0; i + 1 < n; ++i) {
    const Vec sub = Vec::all(off[i]), below_super = Vec::all(i + 2 < n ? off[i + 1] : 0.0);
    const Vec abs_sub = abs(sub), di = Vec::all(diag[i + 1]);
    const std::size_t row = at(i, width);
    for (int l = 0; l < width; l += kLanes) {
      const Vec a = Vec::load(as + l), b = Vec::load(bs + l);
      const Vec below_diag = di - Vec::load(shift + l);
      const auto swapped = less(abs(a), abs_sub);  // pivot on the row below
      const Vec pivot = select(swapped, sub, select(not_equal(a, zero), a, tinies));
      const Vec inv = one / pivot;
      const Vec mult = select(swapped, a, sub) * inv;
      select(swapped, one, zero).store(f.swap + row + l);
      mult.store(f.mult + row + l);
      inv.store(f.inv_pivot + row + l);
      select(swapped, below_diag, b).store(f.u1 + row + l);
      select(swapped, below_super, zero).store(f.u2 + row + l);
      select(swapped, b - mult * below_diag, below_diag - mult * b).store(as + l);
      select(swapped, -(mult * below_super), below_super).store(bs + l);
    }
  }
  const std::size_t last = at(n - 1, width);
  for (int l = 0; l < width; l += kLanes) {
    const Vec a = Vec::load(as + l);
    (one / select(not_equal(a, zero), a, tinies)).store(f.inv_pivot + last + l);
  }
}

// The solve for V vectors of lanes from lane l. Each row's value waits for the row before (after)
// it, so the running rows stay in registers: a chain through memory would add a store-to-load
// forwarding to every row's latency.
template <int V>
void solve_shifted_block(const TridiagonalFactors& f, int n, int width, int l, double* x) {
  const Vec zero = Vec::zero();
  auto at_lanes = [&](int i, int v) { return at(i, width) + static_cast<std::size_t>(l + kLanes * v); };
  Vec below[V];  // row i + 1 of L^-1 x, for the elimination of row i
  for (int v = 0; v < V; ++v) below[v] = Vec::load(x + at_lanes(0, v));
  for (int i = 0; i + 1 < n; ++i) {
    for (int v = 0; v < V; ++v) {
      const std::size_t e = at_lanes(i, v);
      const auto swapped = not_equal(Vec::load(f.swap + e), zero);
      const Vec x0 = below[v], x1 = Vec::load(x + e + width);
      const Vec top = select(swapped, x1, x0);
      top.store(x + e);
      below[v] = select(swapped, x0, x1) - Vec::load(f.mult + e) * top;
    }
  }
  Vec next1[V], next2[V];  // rows i + 1 and i + 2 of the solution
  for (int v = 0; v < V; ++v) {
    const std::size_t e = at_lanes(n - 1, v);
    next1[v] = below[v] * Vec::load(f.inv_pivot + e);
    next1[v].store(x + e);
    next2[v] = zero;  // (not read before row n - 3)
  }
  for (int i = n - 2; i >= 0; --i) {
    for (int v = 0; v < V; ++v) {
      const std::size_t e = at_lanes(i, v);
      Vec value = Vec::load(x + e) - Vec::load(f.u1 + e) * next1[v];
      if (i + 2 < n) value -= Vec::load(f.u2 + e) * next2[v];
      value = value * Vec::load(f.inv_pivot + e);
      value.store(x + e);
      next2[v] = next1[v], next1[v] = value;
    }
  }
}

void solve_shifted_tridiagonal(const TridiagonalFactors& f, int n, int width, double* x) {
  for (int l = 0; l < width;) {
    switch (smaller(3, (width - l) / kLanes)) {
      case 1:
        solve_shifted_block<1>(f, n, width, l, x);
        l += kLanes;
        break;
      case 2:
        solve_shifted_block<2>(f, n, width, l, x);
        l += 2 * kLanes;
        break;
      default:
        solve_shifted_block<3>(f, n, width, l, x);
        l += 3 * kLanes;
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// z <- H_0 H_1 ... H_{n-2} z for the reflectors left by tridiagonalize (in the columns of a, n x n)
// and z = [row][lane] (`width` lanes), in blocks of up to 12 lanes whose dot products stay in
// registers.
constexpr int kBlock = 12 / kLanes;  // vectors per block

template <int P>
void apply_reflectors_block(const double* a, const double* tau, int n, int width, double* z) {
  for (int j = n - 2; j >= 0; --j) {
    const double t = tau[j];
    if (t == 0.0) continue;
    const double* v = a + at(j, n) + j + 1;
    const int len = n - j - 1;
    double* zj = z + at(j + 1, width);
    Vec s[P];
    for (int q = 0; q < P; ++q) s[q] = Vec::zero();
    for (int r = 0; r < len; ++r) {
      const Vec vr = Vec::all(v[r]);
      const double* zr = zj + at(r, width);
      for (int q = 0; q < P; ++q) s[q] += vr * Vec::load(zr + kLanes * q);
    }
    for (int q = 0; q < P; ++q) s[q] = s[q] * Vec::all(t);
    for (int r = 0; r < len; ++r) {
      const Vec vr = Vec::all(v[r]);
      double* zr = zj + at(r, width);
      for (int q = 0; q < P; ++q) (Vec::load(zr + kLanes * q) - s[q] * vr).store(zr + kLanes * q);
    }
  }
}

void apply_reflectors(const double* a, const double* tau, int n, int width, double* z) {
  for (int l = 0; l < width; l += kLanes * kBlock) {
    switch (smaller(kBlock, (width - l) / kLanes)) {
      case 1:
        apply_reflectors_block<1>(a, tau, n, width, z + l);
        break;
      case 2:
        apply_reflectors_block<2>(a, tau, n, width, z + l);
        break;
      case 3:
        apply_reflectors_block<3>(a, tau, n, width, z + l);
        break;
      case 4:
        apply_reflectors_block<4>(a, tau, n, width, z + l);
        break;
      case 5:
        apply_reflectors_block<5>(a, tau, n, width, z + l);
        break;
      default:
        apply_reflectors_block<kBlock>(a, tau, n, width, z + l);
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// w (k x dims, row-major) = Z^T A for the lanes 0..k-1 of z ([row][lane], `width` wide) and the n
// rows of a (row stride dims), in tiles of 2 rows of w x 4 vectors of coordinates held in
// registers (each coordinate a lane, summed over the rows in order). Rows of w with skip[i] are
// not computed.
void project_rows(const double* z, int width, const double* a, int n, int dims, int k, const char* skip,
                  double* w) {
  constexpr int kTile = 4 * kLanes;
  const int body = dims / kTile * kTile, vectors_end = dims / kLanes * kLanes;
  for (int i = 0; i < k;) {
    if (skip[i]) {
      ++i;
      continue;
    }
    const bool two = i + 1 < k && !skip[i + 1];
    const int i1 = two ? i + 1 : i;
    double* w0 = w + at(i, dims);
    double* w1 = w + at(i1, dims);
    for (int c = 0; c < body; c += kTile) {
      Vec s[2][4];
      for (auto& row : s) {
        for (auto& v : row) v = Vec::zero();
      }
      for (int r = 0; r < n; ++r) {
        const double* ar = a + at(r, dims) + c;
        const Vec z0 = Vec::all(z[at(r, width) + i]), z1 = Vec::all(z[at(r, width) + i1]);
        for (int q = 0; q < 4; ++q) {
          const Vec av = Vec::load(ar + kLanes * q);
          s[0][q] += z0 * av;
          s[1][q] += z1 * av;
        }
      }
      for (int q = 0; q < 4; ++q) s[0][q].store(w0 + c + kLanes * q), s[1][q].store(w1 + c + kLanes * q);
    }
    for (int c = body; c < vectors_end; c += kLanes) {
      Vec s0 = Vec::zero(), s1 = Vec::zero();
      for (int r = 0; r < n; ++r) {
        const Vec av = Vec::load(a + at(r, dims) + c);
        s0 += Vec::all(z[at(r, width) + i]) * av;
        s1 += Vec::all(z[at(r, width) + i1]) * av;
      }
      s0.store(w0 + c), s1.store(w1 + c);
    }
    for (int c = vectors_end; c < dims; ++c) {
      double s0 = 0.0, s1 = 0.0;
      for (int r = 0; r < n; ++r) {
        const double ar = a[at(r, dims) + c];
        s0 += z[at(r, width) + i] * ar;
        s1 += z[at(r, width) + i1] * ar;
      }
      w0[c] = s0, w1[c] = s1;
    }
    i += two ? 2 : 1;
  }
}

}  // namespace
}  // namespace pmbench::wgd
