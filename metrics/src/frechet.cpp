// FGD: Frechet distance between Gaussians fitted to the frames of two pose sequences, with the
// official conventions (raw-moment covariance, general eigenvalues of the covariance product,
// everything in the input precision).
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <memory>
#include <vector>

#include "finite.hpp"
#include "frame_moments.hpp"
#include "francis_sweep.hpp"
#include "hessenberg_reduction.hpp"
#include "pmbench/error.hpp"
#include "pmbench/metrics/numpy_compat.hpp"
#include "pmbench/metrics/per_hand.hpp"

namespace pmbench {
namespace {

template <class Scalar>
using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
template <class Scalar>
using RowVector = Eigen::Matrix<Scalar, 1, Eigen::Dynamic>;

template <class Scalar>
struct FrameGaussian {
  RowVector<Scalar> mean;
  Matrix<Scalar> covariance;
};

// mean: rows summed in order (numpy's axis-0 reduction); covariance by the raw-moment formula
// (X^T X - (n mu^T) mu) / (n - 1), which the official code uses and which differs from the
// centred formula in float32.
template <class Scalar>
FrameGaussian<Scalar> fit_frame_gaussian(const FramesRef<Scalar>& x) {
  const Eigen::Index n = x.rows();
  FrameGaussian<Scalar> g;
  g.mean = RowVector<Scalar>::Zero(x.cols());
  for (Eigen::Index t = 0; t < n; ++t) g.mean += x.row(t);
  g.mean /= static_cast<Scalar>(n);
  const RowVector<Scalar> scaled_mean = static_cast<Scalar>(n) * g.mean;
  // X^T X is symmetric: one triangle by Eigen's rank update, mirrored. Where Eigen sums each entry
  // over the frames in one run, the AVX2 kernel gives the same bits with half the instructions.
  // That needs its depth blocking (from the cache sizes) to cover all n frames (T = 240 takes one
  // block on any x86-64 L1 cache of 16 KiB or more), and a width of whole blocks of 8: on the
  // remainder rows of other widths Eigen's kernel splits the frames across vector lanes
  // (KernelIsa.FgdGivesTheSameBitsAtEveryWidth). The pose width, 48, qualifies.
  const int dims = static_cast<int>(x.cols());
#if defined(PMBENCH_HAVE_AVX2_KERNELS)
  const auto eigen_sums_in_one_block = [&] {
    Eigen::Index depth_block = n, rows_block = dims, columns_block = dims;
    Eigen::internal::computeProductBlockingSizes<Scalar, Scalar>(depth_block, rows_block, columns_block,
                                                                 Eigen::Index(1));
    return depth_block >= n;
  };
  if (detail::use_avx2_kernels() && dims % 8 == 0 && eigen_sums_in_one_block()) {
    g.covariance.resize(dims, dims);
    // scratch the kernel writes in full (no zero-filling)
    const std::unique_ptr<Scalar[]> scratch(
        new Scalar[static_cast<std::size_t>(n) * moments_padded_width(dims)]);
    avx2::lower_raw_moments(x.data(), static_cast<long>(n), static_cast<long>(x.outerStride()), dims,
                            g.covariance.data(), dims, scratch.get());
  } else
#endif
  {
    g.covariance.setZero(dims, dims);
    g.covariance.template selfadjointView<Eigen::Lower>().rankUpdate(x.transpose());
  }
  g.covariance.template triangularView<Eigen::StrictlyUpper>() = g.covariance.transpose();
  g.covariance.noalias() -= scaled_mean.transpose() * g.mean;
  g.covariance /= static_cast<Scalar>(n - 1);
  return g;
}

template <class Scalar>
Scalar diagonal_sum(const Matrix<Scalar>& m) {
  return numpy_pairwise_sum(m.data(), static_cast<std::size_t>(m.rows()), m.rows() + 1);
}

// Eigenvalues of the upper Hessenberg matrix h (overwritten) by Francis double-shift QR with
// EISPACK hqr's deflation test and exceptional shifts. Only eigenvalues are wanted, so each
// double step is applied to the active unreduced block alone (no Schur form or vectors are kept),
// which is about half the work of a full real Schur decomposition. False when it does not converge.
template <class Scalar>
bool hessenberg_eigenvalues(Matrix<Scalar>& h, std::vector<std::complex<Scalar>>& out) {
  using std::abs;
  const Eigen::Index n = h.rows();
  out.assign(static_cast<std::size_t>(n), std::complex<Scalar>(0));
  Scalar norm = 0;  // deflation reference where both neighbouring diagonal entries are 0
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index i = 0; i <= std::min(j + 1, n - 1); ++i) norm += abs(h(i, j));
  }
#if defined(PMBENCH_HAVE_AVX2_KERNELS)
  const bool avx2 = detail::use_avx2_kernels();
#endif
  constexpr int kMaxIterationsPerValue = 60;  // exceptional shifts at 10, 20, ...
  Scalar exceptional_shift = 0;               // total shift already subtracted from the diagonal
  Eigen::Index hi = n - 1;                    // last row of the active block
  int iterations = 0;
  while (hi >= 0) {
    Eigen::Index lo = hi;  // first row of the active block: below a negligible subdiagonal entry
    for (; lo > 0; --lo) {
      Scalar s = abs(h(lo - 1, lo - 1)) + abs(h(lo, lo));
      if (s == Scalar(0)) s = norm;
      if (abs(h(lo, lo - 1)) + s == s) {
        h(lo, lo - 1) = 0;
        break;
      }
    }
    Scalar x = h(hi, hi);
    if (lo == hi) {  // a 1 x 1 block
      out[hi] = x + exceptional_shift;
      hi -= 1, iterations = 0;
      continue;
    }
    Scalar y = h(hi - 1, hi - 1), w = h(hi, hi - 1) * h(hi - 1, hi);
    if (lo == hi - 1) {  // a 2 x 2 block: a real pair or a complex conjugate pair
      const Scalar p = Scalar(0.5) * (y - x), q = p * p + w, root = std::sqrt(abs(q));
      const Scalar base = x + exceptional_shift;
      if (q >= Scalar(0)) {
        const Scalar z = p + std::copysign(root, p);
        out[hi - 1] = base + z;
        out[hi] = z != Scalar(0) ? base - w / z : base + z;
      } else {
        out[hi - 1] = {base + p, root};
        out[hi] = {base + p, -root};
      }
      hi -= 2, iterations = 0;
      continue;
    }
    if (iterations == kMaxIterationsPerValue) return false;
    if (iterations > 0 && iterations % 10 == 0) {  // exceptional shift against stagnation
      exceptional_shift += x;
      for (Eigen::Index i = lo; i <= hi; ++i) h(i, i) -= x;
      const Scalar s = abs(h(hi, hi - 1)) + abs(h(hi - 1, hi - 2));
      x = y = Scalar(0.75) * s;
      w = Scalar(-0.4375) * s * s;
    }
    ++iterations;
    // Start the double step where two consecutive subdiagonal entries are small enough.
    Eigen::Index m = hi - 2;
    Scalar p = 0, q = 0, r = 0;
    for (;; --m) {
      const Scalar z = h(m, m), dx = x - z, dy = y - z;
      p = (dx * dy - w) / h(m + 1, m) + h(m, m + 1);
      q = h(m + 1, m + 1) - z - dx - dy;
      r = h(m + 2, m + 1);
      const Scalar s = abs(p) + abs(q) + abs(r);
      p /= s, q /= s, r /= s;
      if (m == lo) break;
      const Scalar u = abs(h(m, m - 1)) * (abs(q) + abs(r));
      const Scalar v = abs(p) * (abs(h(m - 1, m - 1)) + abs(z) + abs(h(m + 1, m + 1)));
      if (u + v == v) break;
    }
    for (Eigen::Index i = m + 2; i <= hi; ++i) {
      h(i, i - 2) = 0;
      if (i != m + 2) h(i, i - 3) = 0;
    }
    // The double step as 3 x 3 reflectors chasing the bulge from row m to the bottom.
    for (Eigen::Index k = m; k < hi; ++k) {
      const bool last = k == hi - 1;  // the final reflector is 2 x 2
      Scalar scale = 0;
      if (k != m) {
        p = h(k, k - 1), q = h(k + 1, k - 1), r = last ? Scalar(0) : h(k + 2, k - 1);
        scale = abs(p) + abs(q) + abs(r);
        if (scale == Scalar(0)) continue;
        p /= scale, q /= scale, r /= scale;
      }
      const Scalar s = std::copysign(std::sqrt(p * p + q * q + r * r), p);
      if (s == Scalar(0)) continue;
      if (k != m) {
        h(k, k - 1) = -s * scale;
      } else if (lo != m) {
        h(k, k - 1) = -h(k, k - 1);
      }
      p += s;
      const Scalar vx = p / s, vy = q / s, vz = r / s;
      q /= p, r /= p;
#if defined(PMBENCH_HAVE_AVX2_KERNELS)
      if (avx2) {  // the same arithmetic per entry, a vector of entries at a time
        avx2::apply_francis_reflector(h.data(), static_cast<long>(n), static_cast<long>(lo),
                                      static_cast<long>(hi), static_cast<long>(k), last, vx, vy, vz, q, r);
        continue;
      }
#endif
      for (Eigen::Index j = k; j <= hi; ++j) {  // rows k..k+2 of the active block
        Scalar t = h(k, j) + q * h(k + 1, j);
        if (!last) {
          t += r * h(k + 2, j);
          h(k + 2, j) -= t * vz;
        }
        h(k + 1, j) -= t * vy;
        h(k, j) -= t * vx;
      }
      for (Eigen::Index i = lo; i <= std::min(hi, k + 3); ++i) {  // columns k..k+2
        Scalar t = vx * h(i, k) + vy * h(i, k + 1);
        if (!last) {
          t += vz * h(i, k + 2);
          h(i, k + 2) -= t * r;
        }
        h(i, k + 1) -= t * q;
        h(i, k) -= t;
      }
    }
  }
  return true;
}

// Eigenvalues of a general real matrix: scaled by its largest |entry| (as Eigen's EigenSolver
// does, against overflow), Householder reduction to Hessenberg form, then the QR above.
template <class Scalar>
bool general_eigenvalues(const Matrix<Scalar>& m, std::vector<std::complex<Scalar>>& out) {
  const Scalar scale = m.cwiseAbs().maxCoeff();
  if (!(scale >= std::numeric_limits<Scalar>::min())) {
    out.assign(static_cast<std::size_t>(m.rows()), std::complex<Scalar>(0));
    return std::isfinite(scale);
  }
  Matrix<Scalar> h;
#if defined(PMBENCH_HAVE_AVX2_KERNELS) && !defined(EIGEN_VECTORIZE_AVX) && !defined(EIGEN_VECTORIZE_FMA)
  // (The kernel repeats Eigen's arithmetic with SSE2 packets and no FMA, as this file builds it.)
  if (detail::use_avx2_kernels() && m.rows() <= kHessenbergKernelMaxSize) {
    h = m / scale;
    avx2::reduce_to_hessenberg(h.data(), static_cast<long>(h.rows()));
  } else
#endif
  {
    Eigen::HessenbergDecomposition<Matrix<Scalar>> hessenberg(m / scale);
    h = hessenberg.matrixH();
  }
  if (!hessenberg_eigenvalues(h, out)) return false;
  for (auto& value : out) {
    value *= scale;
    if (!std::isfinite(value.real()) || !std::isfinite(value.imag())) return false;
  }
  return true;
}

}  // namespace

template <class Scalar>
MetricResult frechet_gesture_distance(const FramesRef<Scalar>& gt, const FramesRef<Scalar>& pred) {
  PMBENCH_CHECK(gt.rows() == pred.rows() && gt.cols() == pred.cols() && gt.rows() > 0, InvalidInput,
                "FGD needs two pose sequences of equal shape, got [", gt.rows(), ",", gt.cols(), "] and [",
                pred.rows(), ",", pred.cols(), "]");
  if (!all_finite_entries(gt) || !all_finite_entries(pred)) {
    return MetricResult::undefined("non-finite value in pose (official: torch.linalg.eigvals raises)");
  }
  const FrameGaussian<Scalar> g = fit_frame_gaussian(gt);
  const FrameGaussian<Scalar> p = fit_frame_gaussian(pred);
  const Matrix<Scalar> product = p.covariance * g.covariance;
  if (!product.allFinite()) {
    return MetricResult::undefined(gt.rows() < 2
                                       ? "needs at least 2 frames (official: covariance / 0, eigvals raises)"
                                       : "non-finite covariance product (official: eigvals raises)");
  }

  const RowVector<Scalar> mean_diff = p.mean - g.mean;
  const RowVector<Scalar> mean_diff_sq = mean_diff.cwiseProduct(mean_diff);
  const Scalar mean_term =
      numpy_pairwise_sum(mean_diff_sq.data(), static_cast<std::size_t>(mean_diff_sq.size()));
  const Scalar trace_term = diagonal_sum(p.covariance) + diagonal_sum(g.covariance);

  // General (non-symmetric) eigenvalues, principal complex square root, real parts summed:
  // negative real eigenvalues contribute 0, complex pairs their real part.
  std::vector<std::complex<Scalar>> eigenvalues;
  if (!general_eigenvalues(product, eigenvalues)) {
    return MetricResult::undefined("eigenvalue iteration did not converge");
  }
  std::vector<Scalar> root_real(eigenvalues.size());
  for (std::size_t i = 0; i < eigenvalues.size(); ++i) root_real[i] = std::sqrt(eigenvalues[i]).real();
  const Scalar sqrt_term = numpy_pairwise_sum(root_real.data(), root_real.size());

  const Scalar fgd = (mean_term + trace_term) - Scalar(2) * sqrt_term;
  return MetricResult::from_value(fgd, "FGD");
}

template MetricResult frechet_gesture_distance<float>(const FramesRef<float>&, const FramesRef<float>&);
template MetricResult frechet_gesture_distance<double>(const FramesRef<double>&, const FramesRef<double>&);

}  // namespace pmbench
