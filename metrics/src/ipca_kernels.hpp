// Kernels of IncrementalPCA's small SVDs (private to incremental_pca.cpp): the Gram matrix of the
// stacked batch, its Householder tridiagonalisation, the leading eigenvalues by Laguerre's
// iteration on Sturm sequences, inverse iteration for the leading eigenvectors, the
// back-transformation and the projection onto the rows. Sizes are small (n <= 27, 48 columns, 10
// vectors) and the work is dominated by dependent division chains, so the kernels run several
// independent chains side by side: each eigenvalue and eigenvector is one lane of a pair of
// doubles (one SSE2 register without -march), and the dot products are split into even and odd
// coordinates. Every lane does the IEEE operations a scalar loop would, in a fixed order: results
// do not depend on the instruction set.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>

namespace pmbench::wgd::ipca_detail {

// Two doubles operated on lane by lane (a 128-bit vector under GCC/Clang, two scalars elsewhere).
struct Pair {
#if defined(__GNUC__)
  typedef double Raw __attribute__((vector_size(16)));
  typedef decltype(Raw{} < Raw{}) Mask;
  Raw v;
  static Pair make(double a, double b) { return {Raw{a, b}}; }
  double operator[](int i) const { return v[i]; }
  friend Pair operator+(Pair a, Pair b) { return {a.v + b.v}; }
  friend Pair operator-(Pair a, Pair b) { return {a.v - b.v}; }
  friend Pair operator*(Pair a, Pair b) { return {a.v * b.v}; }
  friend Pair operator/(Pair a, Pair b) { return {a.v / b.v}; }
  friend Pair operator-(Pair a) { return {-a.v}; }
  // lane-wise a < b, a != b, a > b as masks, and the choice between two pairs by a mask
  friend Mask less(Pair a, Pair b) { return a.v < b.v; }
  friend Mask not_equal(Pair a, Pair b) { return a.v != b.v; }
  friend Pair select(Mask m, Pair a, Pair b) { return {(Raw)(((Mask)a.v & m) | ((Mask)b.v & ~m))}; }
  friend Pair abs(Pair a) { return select(less(a, make(0.0, 0.0)), -a, a); }
  friend Pair sqrt(Pair a) { return make(std::sqrt(a.v[0]), std::sqrt(a.v[1])); }
#else
  double v[2];
  struct Mask {
    bool m[2];
  };
  static Pair make(double a, double b) { return {{a, b}}; }
  double operator[](int i) const { return v[i]; }
  friend Pair operator+(Pair a, Pair b) { return make(a.v[0] + b.v[0], a.v[1] + b.v[1]); }
  friend Pair operator-(Pair a, Pair b) { return make(a.v[0] - b.v[0], a.v[1] - b.v[1]); }
  friend Pair operator*(Pair a, Pair b) { return make(a.v[0] * b.v[0], a.v[1] * b.v[1]); }
  friend Pair operator/(Pair a, Pair b) { return make(a.v[0] / b.v[0], a.v[1] / b.v[1]); }
  friend Pair operator-(Pair a) { return make(-a.v[0], -a.v[1]); }
  friend Mask less(Pair a, Pair b) { return {{a.v[0] < b.v[0], a.v[1] < b.v[1]}}; }
  friend Mask not_equal(Pair a, Pair b) { return {{a.v[0] != b.v[0], a.v[1] != b.v[1]}}; }
  friend Pair select(Mask m, Pair a, Pair b) {
    return make(m.m[0] ? a.v[0] : b.v[0], m.m[1] ? a.v[1] : b.v[1]);
  }
  friend Pair abs(Pair a) { return make(std::abs(a.v[0]), std::abs(a.v[1])); }
  friend Pair sqrt(Pair a) { return make(std::sqrt(a.v[0]), std::sqrt(a.v[1])); }
#endif
  static Pair all(double a) { return make(a, a); }
  static Pair load(const double* p) {
    Pair r;
    std::memcpy(&r.v, p, sizeof r.v);
    return r;
  }
  void store(double* p) const { std::memcpy(p, &v, sizeof v); }
  double sum() const { return v[0] + v[1]; }
  Pair& operator+=(Pair b) { return *this = *this + b; }
  Pair& operator-=(Pair b) { return *this = *this - b; }
};

inline std::size_t at(int row, int stride) {
  return static_cast<std::size_t>(row) * static_cast<std::size_t>(stride);
}

// ---------------------------------------------------------------------------------------------
// Gram matrix: g (n x n, column-major, both triangles) = a a^T for the n rows of a (`dims` long,
// row stride `dims`). Blocks of 2 x 2 dot products share their loads; each dot product is summed
// in four interleaved partial sums (coordinates c mod 4), then (s0 + s2) + (s1 + s3), then the
// coordinates left over.
inline void gram_matrix(const double* a, int n, int dims, double* g) {
  auto put = [&](int i, int j, double v) {
    g[i + at(j, n)] = v;
    g[j + at(i, n)] = v;
  };
  const int body = dims / 4 * 4;
  auto finish = [&](Pair s01, Pair s23, const double* x, const double* y) {
    double s = (s01 + s23).sum();
    for (int c = body; c < dims; ++c) s += x[c] * y[c];
    return s;
  };
  for (int j = 0; j < n; j += 2) {
    const int j1 = j + 1 < n ? j + 1 : j;  // odd n: the last column pair repeats its row
    const double* y0 = a + at(j, dims);
    const double* y1 = a + at(j1, dims);
    for (int i = j; i < n; i += 2) {
      const int i1 = i + 1 < n ? i + 1 : i;
      const double* x0 = a + at(i, dims);
      const double* x1 = a + at(i1, dims);
      Pair s00a = Pair::all(0), s00b = s00a, s01a = s00a, s01b = s00a, s10a = s00a, s10b = s00a, s11a = s00a,
           s11b = s00a;
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
      put(i, j, finish(s00a, s00b, x0, y0));
      put(i, j1, finish(s01a, s01b, x0, y1));
      put(i1, j, finish(s10a, s10b, x1, y0));
      put(i1, j1, finish(s11a, s11b, x1, y1));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Householder reduction of the symmetric matrix a (n x n, column-major, lower triangle read) to
// tridiagonal form Q^T a Q (LAPACK dsytd2, lower): diag, off receive the tridiagonal matrix; the
// reflectors H_j = I - tau_j v_j v_j^T (v_j(0) = 1, acting on rows j+1..n-1) are left in the
// columns of `a` below the subdiagonal and in `tau`. Step j's rank-2 update of the trailing block,
// A22 -= v w^T + w v^T, is applied column by column during step j + 1, in the same sweep over the
// lower triangle that forms step j + 1's product p = A22 v (each column adds to p below its
// diagonal and takes a dot product for its own entry), so the triangle is read once per step.
// `scratch` is 2n doubles.
inline void tridiagonalize(double* a, int n, double* diag, double* off, double* tau, double* scratch) {
  auto col = [&](int j) { return a + at(j, n); };
  double* w = scratch;      // the pending update's w (absolute row index)
  double* p = scratch + n;  // the product being formed
  int pending = -1;         // the step whose update is pending (its v lies in column `pending`)
  for (int j = 0; j < n; ++j) {
    double* cj = col(j);
    const double* pv = pending >= 0 ? col(pending) : nullptr;
    if (pv) {
      for (int r = j; r < n; ++r) cj[r] -= pv[r] * w[j] + w[r] * pv[j];
    }
    diag[j] = cj[j];
    if (j + 1 == n) break;
    double* v = cj;  // v[r] for r > j; becomes v_j
    double tail = 0.0;
    {
      Pair sq = Pair::all(0.0);
      int r = j + 2;
      for (; r + 2 <= n; r += 2) sq += Pair::load(v + r) * Pair::load(v + r);
      if (r < n) tail = v[r] * v[r];
      tail += sq.sum();
    }
    const double alpha = v[j + 1];
    double t = 0.0;
    if (tail == 0.0) {  // already reduced: H_j = I
      off[j] = alpha;
    } else {
      const double beta = -std::copysign(std::sqrt(alpha * alpha + tail), alpha);
      t = (beta - alpha) / beta;
      const double scale = 1.0 / (alpha - beta);
      for (int r = j + 2; r < n; ++r) v[r] *= scale;
      v[j + 1] = 1.0;
      off[j] = beta;
    }
    tau[j] = t;
    if (t == 0.0 && !pv) continue;
    for (int r = j + 1; r < n; ++r) p[r] = 0.0;
    const double* wc = w;
    // x = the column's entries after the pending update
    auto updated = [&](const double* cc, int r, int c) {
      return pv ? cc[r] - (pv[r] * wc[c] + wc[r] * pv[c]) : cc[r];
    };
    auto updated2 = [&](const double* cc, int r, int c) {
      const Pair x = Pair::load(cc + r);
      return pv ? x - (Pair::load(pv + r) * Pair::all(wc[c]) + Pair::load(wc + r) * Pair::all(pv[c])) : x;
    };
    int c = j + 1;
    for (; c + 1 < n; c += 2) {  // columns c and c + 1: their entries on rows c, c + 1 first
      double* c0 = col(c);
      double* c1 = col(c + 1);
      const double x00 = updated(c0, c, c), x10 = updated(c0, c + 1, c), x11 = updated(c1, c + 1, c + 1);
      c0[c] = x00, c0[c + 1] = x10, c1[c + 1] = x11;
      const double v0 = v[c], v1 = v[c + 1];
      double dot0 = x00 * v0 + x10 * v1, dot1 = x11 * v1;
      p[c + 1] += x10 * v0;
      const Pair v0s = Pair::all(v0), v1s = Pair::all(v1);
      Pair dots0 = Pair::all(0.0), dots1 = Pair::all(0.0);
      const int first = c + 2, pairs_end = first + (n - first) / 2 * 2;
      for (int r = first; r < pairs_end; r += 2) {
        const Pair x0 = updated2(c0, r, c), x1 = updated2(c1, r, c + 1);
        x0.store(c0 + r), x1.store(c1 + r);
        const Pair vr = Pair::load(v + r);
        (Pair::load(p + r) + (x0 * v0s + x1 * v1s)).store(p + r);
        dots0 += x0 * vr;
        dots1 += x1 * vr;
      }
      if (pairs_end < n) {
        const int r = pairs_end;
        const double x0 = updated(c0, r, c), x1 = updated(c1, r, c + 1);
        c0[r] = x0, c1[r] = x1;
        p[r] += x0 * v0 + x1 * v1;
        dot0 += x0 * v[r];
        dot1 += x1 * v[r];
      }
      p[c] += dot0 + dots0.sum();
      p[c + 1] += dot1 + dots1.sum();
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
      Pair acc = Pair::all(0.0);
      const Pair ts = Pair::all(t);
      int r = j + 1;
      for (; r + 2 <= n; r += 2) {
        const Pair pr = Pair::load(p + r) * ts;
        pr.store(p + r);
        acc += pr * Pair::load(v + r);
      }
      if (r < n) pv_dot = (p[r] *= t) * v[r];
      pv_dot += acc.sum();
    }
    const double half = 0.5 * t * pv_dot;
    for (int r = j + 1; r < n; ++r) p[r] -= half * v[r];
    std::swap(w, p);
    pending = j;
  }
}

// ---------------------------------------------------------------------------------------------
// Sturm sequences with derivatives: for each of the `lanes` points x (lanes even), the number of
// eigenvalues greater than x of the symmetric tridiagonal matrix (d, e2 = squared off-diagonal)
// and Laguerre's sums g = sum_j 1/(x - lambda_j), h = sum_j 1/(x - lambda_j)^2, from the pivots
// q_i of the LDL^T factorisation of T - x I (q_i = d_i - x - e2_{i-1} / q_{i-1}) and their first
// two derivatives in x. A pivot that vanishes is replaced by -pivmin (LAPACK dstebz's rule).
// `state` is scratch of 3 * lanes.
inline void sturm_laguerre(const double* d, const double* e2, int n, int lanes, const double* x,
                           double* count, double* g, double* h, double* state) {
  const Pair pivmin = Pair::all(std::numeric_limits<double>::min()), zero = Pair::all(0.0),
             one = Pair::all(1.0), two = Pair::all(2.0);
  double* rs = state;               // 1 / q_{i-1}
  double* d1s = state + lanes;      // q'_{i-1}
  double* d2s = state + 2 * lanes;  // q''_{i-1}
  for (int l = 0; l < lanes; l += 2) {
    const Pair xl = Pair::load(x + l);
    Pair q = Pair::all(d[0]) - xl;
    q = select(less(abs(q), pivmin), -pivmin, q);
    const Pair r = one / q;
    select(less(zero, q), one, zero).store(count + l);
    (-r).store(g + l);
    (r * r).store(h + l);
    r.store(rs + l);
    (-one).store(d1s + l);
    zero.store(d2s + l);
  }
  for (int i = 1; i < n; ++i) {
    const Pair di = Pair::all(d[i]), ei = Pair::all(e2[i - 1]);
    for (int l = 0; l < lanes; l += 2) {
      const Pair r = Pair::load(rs + l), q1 = Pair::load(d1s + l), q2 = Pair::load(d2s + l);
      const Pair t = ei * r, u = q1 * r;
      Pair q = (di - Pair::load(x + l)) - t;
      const Pair nq1 = t * u - one;
      const Pair nq2 = t * (q2 * r - two * (u * u));
      q = select(less(abs(q), pivmin), -pivmin, q);
      const Pair rn = one / q, w = nq1 * rn;
      (Pair::load(count + l) + select(less(zero, q), one, zero)).store(count + l);
      (Pair::load(g + l) + w).store(g + l);
      (Pair::load(h + l) + (w * w - nq2 * rn)).store(h + l);
      rn.store(rs + l);
      nq1.store(d1s + l);
      nq2.store(d2s + l);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Inverse iteration for `lanes` shifts at once (lanes even) on the symmetric tridiagonal matrix
// (diag, off): T - shift I is factored once per shift by Gaussian elimination with partial
// pivoting (LAPACK dlagtf; a zero pivot is replaced by `tiny`), and each iteration solves with the
// factors (dlagts). Arrays are [row][lane].
struct TridiagonalFactors {
  double *swap, *mult, *inv_pivot, *u1, *u2, *state;  // n x lanes each; state: 2 x lanes
};

inline void factor_shifted_tridiagonal(const double* diag, const double* off, int n, const double* shift,
                                       int lanes, double tiny, const TridiagonalFactors& f) {
  double* as = f.state;  // current pivot row: [a, b, 0]
  double* bs = f.state + lanes;
  const Pair zero = Pair::all(0.0), one = Pair::all(1.0), tinies = Pair::all(tiny);
  for (int l = 0; l < lanes; l += 2) {
    (Pair::all(diag[0]) - Pair::load(shift + l)).store(as + l);
    Pair::all(n > 1 ? off[0] : 0.0).store(bs + l);
  }
  for (int i = 0; i + 1 < n; ++i) {
    const Pair sub = Pair::all(off[i]), below_super = Pair::all(i + 2 < n ? off[i + 1] : 0.0);
    const Pair abs_sub = abs(sub), di = Pair::all(diag[i + 1]);
    const std::size_t row = at(i, lanes);
    for (int l = 0; l < lanes; l += 2) {
      const Pair a = Pair::load(as + l), b = Pair::load(bs + l);
      const Pair below_diag = di - Pair::load(shift + l);
      const auto swapped = less(abs(a), abs_sub);  // pivot on the row below
      const Pair pivot = select(swapped, sub, select(not_equal(a, zero), a, tinies));
      const Pair inv = one / pivot;
      const Pair mult = select(swapped, a, sub) * inv;
      select(swapped, one, zero).store(f.swap + row + l);
      mult.store(f.mult + row + l);
      inv.store(f.inv_pivot + row + l);
      select(swapped, below_diag, b).store(f.u1 + row + l);
      select(swapped, below_super, zero).store(f.u2 + row + l);
      select(swapped, b - mult * below_diag, below_diag - mult * b).store(as + l);
      select(swapped, -(mult * below_super), below_super).store(bs + l);
    }
  }
  const std::size_t last = at(n - 1, lanes);
  for (int l = 0; l < lanes; l += 2) {
    const Pair a = Pair::load(as + l);
    (one / select(not_equal(a, zero), a, tinies)).store(f.inv_pivot + last + l);
  }
}

inline void solve_shifted_tridiagonal(const TridiagonalFactors& f, int n, int lanes, double* x) {
  const Pair zero = Pair::all(0.0);
  for (int i = 0; i + 1 < n; ++i) {
    const std::size_t row = at(i, lanes);
    for (int l = 0; l < lanes; l += 2) {
      const auto swapped = not_equal(Pair::load(f.swap + row + l), zero);
      const Pair x0 = Pair::load(x + row + l), x1 = Pair::load(x + row + lanes + l);
      const Pair top = select(swapped, x1, x0);
      top.store(x + row + l);
      (select(swapped, x0, x1) - Pair::load(f.mult + row + l) * top).store(x + row + lanes + l);
    }
  }
  for (int i = n - 1; i >= 0; --i) {
    const std::size_t row = at(i, lanes);
    for (int l = 0; l < lanes; l += 2) {
      Pair v = Pair::load(x + row + l);
      if (i + 1 < n) v -= Pair::load(f.u1 + row + l) * Pair::load(x + row + lanes + l);
      if (i + 2 < n) v -= Pair::load(f.u2 + row + l) * Pair::load(x + row + 2 * lanes + l);
      (v * Pair::load(f.inv_pivot + row + l)).store(x + row + l);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// z <- H_0 H_1 ... H_{n-2} z for the reflectors left by tridiagonalize (in the columns of a, n x n)
// and z = [row][lane] (lanes even), in blocks of up to 2 * kBlock lanes whose dot products stay in
// registers.
constexpr int kBlock = 6;

template <int P>
void apply_reflectors_block(const double* a, const double* tau, int n, int lanes, double* z) {
  for (int j = n - 2; j >= 0; --j) {
    const double t = tau[j];
    if (t == 0.0) continue;
    const double* v = a + at(j, n) + j + 1;
    const int len = n - j - 1;
    double* zj = z + at(j + 1, lanes);
    Pair s[P];
    for (int q = 0; q < P; ++q) s[q] = Pair::all(0.0);
    for (int r = 0; r < len; ++r) {
      const Pair vr = Pair::all(v[r]);
      const double* zr = zj + at(r, lanes);
      for (int q = 0; q < P; ++q) s[q] += vr * Pair::load(zr + 2 * q);
    }
    for (int q = 0; q < P; ++q) s[q] = s[q] * Pair::all(t);
    for (int r = 0; r < len; ++r) {
      const Pair vr = Pair::all(v[r]);
      double* zr = zj + at(r, lanes);
      for (int q = 0; q < P; ++q) (Pair::load(zr + 2 * q) - s[q] * vr).store(zr + 2 * q);
    }
  }
}

inline void apply_reflectors(const double* a, const double* tau, int n, int lanes, double* z) {
  for (int l = 0; l < lanes; l += 2 * kBlock) {
    switch (std::min(kBlock, (lanes - l) / 2)) {
      case 1:
        apply_reflectors_block<1>(a, tau, n, lanes, z + l);
        break;
      case 2:
        apply_reflectors_block<2>(a, tau, n, lanes, z + l);
        break;
      case 3:
        apply_reflectors_block<3>(a, tau, n, lanes, z + l);
        break;
      case 4:
        apply_reflectors_block<4>(a, tau, n, lanes, z + l);
        break;
      case 5:
        apply_reflectors_block<5>(a, tau, n, lanes, z + l);
        break;
      default:
        apply_reflectors_block<kBlock>(a, tau, n, lanes, z + l);
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// w (k x dims, row-major) = Z^T A for the lanes 0..k-1 of z ([row][lane], `lanes` wide) and the n
// rows of a (row stride dims), in tiles of 2 rows of w x 8 coordinates held in registers. Rows
// of w with skip[i] are not computed.
inline void project_rows(const double* z, int lanes, const double* a, int n, int dims, int k,
                         const char* skip, double* w) {
  const int body = dims / 8 * 8;
  for (int i = 0; i < k;) {
    if (skip[i]) {
      ++i;
      continue;
    }
    const bool two = i + 1 < k && !skip[i + 1];
    const int i1 = two ? i + 1 : i;
    double* w0 = w + at(i, dims);
    double* w1 = w + at(i1, dims);
    for (int c = 0; c < body; c += 8) {
      Pair s[2][4];
      for (auto& row : s) {
        for (auto& v : row) v = Pair::all(0.0);
      }
      for (int r = 0; r < n; ++r) {
        const double* ar = a + at(r, dims) + c;
        const Pair z0 = Pair::all(z[at(r, lanes) + i]), z1 = Pair::all(z[at(r, lanes) + i1]);
        for (int q = 0; q < 4; ++q) {
          const Pair av = Pair::load(ar + 2 * q);
          s[0][q] += z0 * av;
          s[1][q] += z1 * av;
        }
      }
      for (int q = 0; q < 4; ++q) s[0][q].store(w0 + c + 2 * q), s[1][q].store(w1 + c + 2 * q);
    }
    for (int c = body; c < dims; ++c) {
      double s0 = 0.0, s1 = 0.0;
      for (int r = 0; r < n; ++r) {
        const double ar = a[at(r, dims) + c];
        s0 += z[at(r, lanes) + i] * ar;
        s1 += z[at(r, lanes) + i1] * ar;
      }
      w0[c] = s0, w1[c] = s1;
    }
    i += two ? 2 : 1;
  }
}

}  // namespace pmbench::wgd::ipca_detail
