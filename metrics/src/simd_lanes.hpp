// Private: W doubles operated on lane by lane, for the kernels built per instruction set (see
// kernel_dispatch.hpp). Every operation is the IEEE operation a scalar loop would do on each lane,
// so a kernel gives the same bits with W = 2 (SSE2) and W = 4 (AVX2) as long as its lanes are
// independent values (reductions across lanes are written out by the kernel in a fixed order).
// Everything here is internal to the including TU (anonymous namespace), so TUs compiled for
// different ISAs never share a symbol.
#pragma once

#include <cmath>
#include <cstring>

// GCC/Clang's vector extension; elsewhere each lane is a plain array entry.
#if defined(__GNUC__)
#define PMBENCH_SIMD_VECTOR_EXTENSION 1
#else
#define PMBENCH_SIMD_VECTOR_EXTENSION 0
#endif
#if PMBENCH_SIMD_VECTOR_EXTENSION && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#endif

namespace pmbench::simd {
namespace {

#if PMBENCH_SIMD_VECTOR_EXTENSION
// The vector types, one specialisation per width (GCC ignores a dependent vector_size).
template <int W>
struct Vector;
template <>
struct Vector<1> {
  typedef double type __attribute__((vector_size(8)));
};
template <>
struct Vector<2> {
  typedef double type __attribute__((vector_size(16)));
};
template <>
struct Vector<4> {
  typedef double type __attribute__((vector_size(32)));
};
template <>
struct Vector<8> {
  typedef double type __attribute__((vector_size(64)));
};

// One AVX register of floats or doubles (8 or 4 lanes), for the AVX2-only kernels that serve both
// precisions (frame_moments.inc, francis_sweep.inc, hessenberg_reduction.inc).
constexpr int kAvxBytes = 32;
template <class Scalar>
struct AvxVector {
  typedef Scalar type __attribute__((vector_size(kAvxBytes)));
  static constexpr int lanes = kAvxBytes / static_cast<int>(sizeof(Scalar));
  // unaligned
  static type load(const Scalar* p) {
    type v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  static void store(Scalar* p, type v) { std::memcpy(p, &v, sizeof v); }
};
#endif

template <int W>
struct Lanes {
  static_assert(W == 1 || W == 2 || W == 4 || W == 8, "lane count");
  static constexpr int width = W;
#if PMBENCH_SIMD_VECTOR_EXTENSION
  typedef typename Vector<W>::type Raw;
  typedef decltype(Raw{} < Raw{}) Mask;
  Raw v;
  double operator[](int i) const { return v[i]; }
  friend Lanes operator+(Lanes a, Lanes b) { return {a.v + b.v}; }
  friend Lanes operator-(Lanes a, Lanes b) { return {a.v - b.v}; }
  friend Lanes operator*(Lanes a, Lanes b) { return {a.v * b.v}; }
  friend Lanes operator/(Lanes a, Lanes b) { return {a.v / b.v}; }
  friend Lanes operator-(Lanes a) { return {-a.v}; }
  friend Mask less(Lanes a, Lanes b) { return a.v < b.v; }
  friend Mask less_equal(Lanes a, Lanes b) { return a.v <= b.v; }
  friend Mask not_equal(Lanes a, Lanes b) { return a.v != b.v; }
  friend Lanes select(Mask m, Lanes a, Lanes b) { return {(Raw)(((Mask)a.v & m) | ((Mask)b.v & ~m))}; }
  // lane-wise and, or and not of comparison masks
  static Mask both(Mask a, Mask b) { return a & b; }
  static Mask either(Mask a, Mask b) { return a | b; }
  static Mask negated(Mask a) { return ~a; }
#else
  double v[W];
  struct Mask {
    bool m[W];
    bool operator[](int i) const { return m[i]; }
  };
  double operator[](int i) const { return v[i]; }
  template <class F>
  static Lanes map(Lanes a, Lanes b, F f) {
    Lanes r;
    for (int i = 0; i < W; ++i) r.v[i] = f(a.v[i], b.v[i]);
    return r;
  }
  friend Lanes operator+(Lanes a, Lanes b) {
    return map(a, b, [](double x, double y) { return x + y; });
  }
  friend Lanes operator-(Lanes a, Lanes b) {
    return map(a, b, [](double x, double y) { return x - y; });
  }
  friend Lanes operator*(Lanes a, Lanes b) {
    return map(a, b, [](double x, double y) { return x * y; });
  }
  friend Lanes operator/(Lanes a, Lanes b) {
    return map(a, b, [](double x, double y) { return x / y; });
  }
  friend Lanes operator-(Lanes a) {
    return map(a, a, [](double x, double) { return -x; });
  }
  template <class F>
  static Mask compare(Lanes a, Lanes b, F f) {
    Mask m;
    for (int i = 0; i < W; ++i) m.m[i] = f(a.v[i], b.v[i]);
    return m;
  }
  friend Mask less(Lanes a, Lanes b) {
    return compare(a, b, [](double x, double y) { return x < y; });
  }
  friend Mask less_equal(Lanes a, Lanes b) {
    return compare(a, b, [](double x, double y) { return x <= y; });
  }
  friend Mask not_equal(Lanes a, Lanes b) {
    return compare(a, b, [](double x, double y) { return x != y; });
  }
  friend Lanes select(Mask m, Lanes a, Lanes b) {
    Lanes r;
    for (int i = 0; i < W; ++i) r.v[i] = m.m[i] ? a.v[i] : b.v[i];
    return r;
  }
  static Mask both(Mask a, Mask b) {
    Mask r;
    for (int i = 0; i < W; ++i) r.m[i] = a.m[i] && b.m[i];
    return r;
  }
  static Mask either(Mask a, Mask b) {
    Mask r;
    for (int i = 0; i < W; ++i) r.m[i] = a.m[i] || b.m[i];
    return r;
  }
  static Mask negated(Mask a) {
    Mask r;
    for (int i = 0; i < W; ++i) r.m[i] = !a.m[i];
    return r;
  }
#endif
  // (Raw vectors and masks, and the portable arrays, are all indexed by lane.)
  static bool any(Mask m) {
    for (int i = 0; i < W; ++i) {
      if (m[i]) return true;
    }
    return false;
  }
  static Lanes all(double a) {
    Lanes r;
    for (int i = 0; i < W; ++i) r.v[i] = a;
    return r;
  }
  void set(int i, double a) { v[i] = a; }
  static Lanes zero() { return all(0.0); }
  static Lanes load(const double* p) {
    Lanes r;
    std::memcpy(&r.v, p, sizeof r.v);
    return r;
  }
  void store(double* p) const { std::memcpy(p, &v, sizeof v); }
  Lanes& operator+=(Lanes b) { return *this = *this + b; }
  Lanes& operator-=(Lanes b) { return *this = *this - b; }
  Lanes& operator*=(Lanes b) { return *this = *this * b; }
  // |a| per lane (the sign bit cleared, as std::abs)
  friend Lanes abs(Lanes a) { return select(less(a, zero()), -a, a); }
  // std::max(b, a) per lane: a where b < a, else b (a NaN in a is ignored, as std::max ignores it)
  friend Lanes max_of(Lanes a, Lanes b) { return select(less(b, a), a, b); }
  friend Lanes sqrt(Lanes a) {
#if PMBENCH_SIMD_VECTOR_EXTENSION && defined(__AVX__)
    if constexpr (W == 4) return {(Raw)_mm256_sqrt_pd((__m256d)a.v)};
#endif
#if PMBENCH_SIMD_VECTOR_EXTENSION && defined(__SSE2__)
    if constexpr (W == 2) return {(Raw)_mm_sqrt_pd((__m128d)a.v)};
#endif
    Lanes r;
    for (int i = 0; i < W; ++i) r.set(i, std::sqrt(a[i]));
    return r;
  }
};

}  // namespace
}  // namespace pmbench::simd
