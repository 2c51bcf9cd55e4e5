// IncrementalPCA as scikit-learn 1.2 runs it (Ross et al. 2008 update): the first batch keeps
// the input precision, later batches are stacked in float64 against a float64 running mean.
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

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

// Solves (T - shift I) x = rhs in place for the symmetric tridiagonal T (diag, off), by Gaussian
// elimination with partial pivoting (LAPACK dlagtf/dlagts); a zero pivot is replaced by `tiny`.
// `u0`, `u1`, `u2` are scratch of size n (the pivoted upper factor's three diagonals).
void solve_shifted_tridiagonal(const Eigen::VectorXd& diag, const Eigen::VectorXd& off, double shift,
                               double tiny, Eigen::VectorXd& x, Eigen::VectorXd& u0, Eigen::VectorXd& u1,
                               Eigen::VectorXd& u2) {
  const Eigen::Index n = diag.size();
  double a = diag(0) - shift;  // current pivot row: [a, b, c]
  double b = n > 1 ? off(0) : 0.0, c = 0.0;
  for (Eigen::Index i = 0; i + 1 < n; ++i) {
    const double below_sub = off(i), below_diag = diag(i + 1) - shift;
    const double below_super = i + 2 < n ? off(i + 1) : 0.0;
    if (std::abs(a) >= std::abs(below_sub)) {
      const double pivot = a != 0.0 ? a : tiny;
      const double l = below_sub / pivot;
      u0(i) = pivot, u1(i) = b, u2(i) = c;
      x(i + 1) -= l * x(i);
      a = below_diag - l * b;
      b = below_super - l * c;
    } else {  // swap rows i and i + 1
      const double l = a / below_sub;
      u0(i) = below_sub, u1(i) = below_diag, u2(i) = below_super;
      std::swap(x(i), x(i + 1));
      x(i + 1) -= l * x(i);
      a = b - l * below_diag;
      b = c - l * below_super;
    }
    c = 0.0;
  }
  u0(n - 1) = a != 0.0 ? a : tiny;
  for (Eigen::Index i = n - 1; i >= 0; --i) {
    double v = x(i);
    if (i + 1 < n) v -= u1(i) * x(i + 1);
    if (i + 2 < n) v -= u2(i) * x(i + 2);
    x(i) = v / u0(i);
  }
}

// Householder reduction of the symmetric matrix a (n x n, lower triangle read) to tridiagonal
// form Q^T a Q (LAPACK dsytd2, lower): diag, off receive the tridiagonal matrix; the reflectors
// H_j = I - tau_j v_j v_j^T (v_j(0) = 1, acting on rows j+1..n-1) are left in the columns of `a`
// below the subdiagonal and in `tau`. Plain loops: at n ~ 27 a general-purpose implementation
// spends as much in bookkeeping as in arithmetic. `p` is scratch of size n.
void tridiagonalize(Eigen::MatrixXd& a, Eigen::VectorXd& diag, Eigen::VectorXd& off, Eigen::VectorXd& tau,
                    Eigen::VectorXd& p) {
  const Eigen::Index n = a.rows();
  diag.resize(n);
  off.resize(std::max<Eigen::Index>(n - 1, 0));
  tau.resize(std::max<Eigen::Index>(n - 1, 0));
  p.resize(n);
  for (Eigen::Index j = 0; j + 1 < n; ++j) {
    double* v = a.col(j).data() + j + 1;  // the column below the diagonal; becomes v_j
    const Eigen::Index len = n - j - 1;
    double tail = 0.0;
    for (Eigen::Index i = 1; i < len; ++i) tail += v[i] * v[i];
    const double alpha = v[0];
    if (tail == 0.0) {  // already reduced: H_j = I
      tau(j) = 0.0;
      off(j) = alpha;
      diag(j) = a(j, j);
      continue;
    }
    const double beta = -std::copysign(std::sqrt(alpha * alpha + tail), alpha);
    const double t = (beta - alpha) / beta;
    const double scale = 1.0 / (alpha - beta);
    for (Eigen::Index i = 1; i < len; ++i) v[i] *= scale;
    v[0] = 1.0;
    tau(j) = t;
    off(j) = beta;
    diag(j) = a(j, j);
    // Trailing block A22 (rows/cols j+1..n-1, lower triangle): A22 -= v w^T + w v^T with
    // p = tau A22 v and w = p - (tau / 2)(p.v) v.
    double* pj = p.data();
    for (Eigen::Index c = 0; c < len; ++c) pj[c] = 0.0;
    for (Eigen::Index c = 0; c < len; ++c) {  // symmetric product from the lower triangle
      const double* col = a.col(j + 1 + c).data() + j + 1;
      double sum = col[c] * v[c];
      for (Eigen::Index r = c + 1; r < len; ++r) {
        sum += col[r] * v[r];
        pj[r] += col[r] * v[c];
      }
      pj[c] += sum;
    }
    double pv = 0.0;
    for (Eigen::Index c = 0; c < len; ++c) pv += (pj[c] *= t) * v[c];
    const double half = 0.5 * t * pv;
    for (Eigen::Index c = 0; c < len; ++c) pj[c] -= half * v[c];
    for (Eigen::Index c = 0; c < len; ++c) {
      double* col = a.col(j + 1 + c).data() + j + 1;
      const double vc = v[c], wc = pj[c];
      for (Eigen::Index r = c; r < len; ++r) col[r] -= v[r] * wc + pj[r] * vc;
    }
  }
  if (n > 0) diag(n - 1) = a(n - 1, n - 1);
}

// Top-k singular values and right singular vectors of m (rows <= 27 here, cols = 48; `rows`
// holds m transposed, one row of m per contiguous column), with scikit-learn's svd_flip
// (u_based_decision=False): the largest-|.| entry of each component is made positive (np.sign: an
// all-zero component stays zero).
//
// The decomposition goes through the small Gram matrix m m^T (left singular vectors u_i,
// v_i = m^T u_i / s_i): Householder tridiagonalisation, all eigenvalues by implicit QR without
// vectors, then only the k leading eigenvectors by inverse iteration on the tridiagonal matrix
// (reorthogonalised within clusters, as LAPACK's dstein), transformed back. This agrees with a
// direct SVD to ~1e-13 on the leading components and is several times faster than computing all
// eigenvectors. A component whose singular value is negligible (rank-deficient batch) is set to
// zero: its direction is arbitrary in LAPACK's SVD too, and the data have no extent along it.
struct SvdWorkspace {
  Eigen::MatrixXd gram, z;
  Eigen::VectorXd diag, off, tau, x, u0, u1, u2, start;
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> values;
};

void top_right_singular(const Eigen::MatrixXd& rows, int k, Eigen::VectorXd& singular,
                        Eigen::MatrixXd& components, SvdWorkspace& w) {
  const Eigen::Index n = rows.cols(), dims = rows.rows();
  // Gram matrix (lower triangle) by dot products of the contiguous rows of m.
  w.gram.resize(n, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index i = j; i < n; ++i) w.gram(i, j) = rows.col(i).dot(rows.col(j));
  }
  tridiagonalize(w.gram, w.diag, w.off, w.tau, w.x);
  w.values.computeFromTridiagonal(w.diag, w.off, Eigen::EigenvaluesOnly);
  const Eigen::VectorXd& lambda = w.values.eigenvalues();  // ascending

  const double norm = std::max(std::abs(lambda(0)), std::abs(lambda(n - 1)));
  const double eps = std::numeric_limits<double>::epsilon();
  const double tiny = std::max(norm, std::numeric_limits<double>::min()) * eps;
  const double cluster_gap = 1e-3 * norm;  // dstein's reorthogonalisation threshold (ORTOL)
  w.z.resize(n, k);                        // eigenvectors of the tridiagonal matrix
  w.x.resize(n), w.u0.resize(n), w.u1.resize(n), w.u2.resize(n);
  if (w.start.size() != n) {
    w.start.resize(n);
    for (Eigen::Index j = 0; j < n; ++j)
      w.start(j) = 1.0 + 1e-3 * static_cast<double>((j * 7919) % 101) / 101.0;
  }
  Eigen::VectorXd& x = w.x;
  for (int i = 0; i < k; ++i) {
    const double shift = lambda(n - 1 - i);
    x = w.start;
    for (int iter = 0; iter < 3; ++iter) {
      solve_shifted_tridiagonal(w.diag, w.off, shift, tiny, x, w.u0, w.u1, w.u2);
      for (int j = 0; j < i; ++j) {
        if (std::abs(lambda(n - 1 - j) - shift) <= cluster_gap) x -= w.z.col(j).dot(x) * w.z.col(j);
      }
      const double len = x.norm();
      if (!(len > 0) || !std::isfinite(len)) {
        x = Eigen::VectorXd::Unit(n, n - 1 - i);
        break;
      }
      x /= len;
    }
    w.z.col(i) = x;
  }
  // Back to the basis of the Gram matrix: u = H_0 H_1 ... H_{n-2} z.
  for (Eigen::Index j = n - 2; j >= 0; --j) {
    const double t = w.tau(j);
    if (t == 0.0) continue;
    const double* v = w.gram.col(j).data() + j + 1;
    const Eigen::Index len = n - j - 1;
    for (int i = 0; i < k; ++i) {
      double* zi = w.z.col(i).data() + j + 1;
      double dot = 0.0;
      for (Eigen::Index r = 0; r < len; ++r) dot += v[r] * zi[r];
      dot *= t;
      for (Eigen::Index r = 0; r < len; ++r) zi[r] -= dot * v[r];
    }
  }

  singular.resize(k);
  components.resize(k, dims);
  const double largest = std::sqrt(std::max(lambda(n - 1), 0.0));
  const double negligible = largest * static_cast<double>(std::max(n, dims)) * eps;
  for (int i = 0; i < k; ++i) {
    const double s = std::sqrt(std::max(lambda(n - 1 - i), 0.0));
    singular(i) = s;
    if (!(s > negligible)) {
      components.row(i).setZero();
      continue;
    }
    components.row(i).noalias() = (rows * w.z.col(i)).transpose() / s;
    Eigen::Index arg = 0;
    components.row(i).cwiseAbs().maxCoeff(&arg);
    if (components(i, arg) < 0) components.row(i) *= -1.0;
  }
}

template <class Scalar>
Eigen::VectorXd column_sums_double(const FramesRef<Scalar>& x, int begin, int end) {
  Eigen::VectorXd sum = Eigen::VectorXd::Zero(x.cols());
  for (int r = begin; r < end; ++r) sum += x.row(r).transpose().template cast<double>();
  return sum;
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
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(dims);
  Eigen::VectorXd singular;
  Eigen::MatrixXd components;         // [k, d]
  Eigen::MatrixXd scaled_components;  // diag(S) * V, in the precision the official holds it
  long seen = 0;
  Eigen::MatrixXd stacked_t;  // [d, rows of the stacked matrix]
  SvdWorkspace workspace;
  for (const auto& [begin, end] : incremental_pca_batches(rows, options.batch_size, k)) {
    const int m = end - begin;
    if (k > m) {
      throw OfficialWouldRaise("IncrementalPCA: n_components=" + std::to_string(k) +
                               " must be <= the batch number of samples " + std::to_string(m));
    }
    const long total = seen + m;
    const Eigen::VectorXd new_mean =
        (mean * static_cast<double>(seen) + column_sums_double(x, begin, end)) / static_cast<double>(total);
    // The stacked matrix is built transposed: each of its rows is a contiguous column here.
    Eigen::MatrixXd& stacked = stacked_t;
    if (seen == 0) {
      // centred in float64, stored back in the input precision (numpy in-place subtraction)
      stacked.resize(dims, m);
      for (int r = 0; r < m; ++r) {
        for (int c = 0; c < dims; ++c) {
          stacked(c, r) =
              static_cast<double>(static_cast<Scalar>(static_cast<double>(x(begin + r, c)) - new_mean(c)));
        }
      }
    } else {
      // batch mean and centring in the input precision, rows summed in order
      Eigen::Matrix<Scalar, 1, Eigen::Dynamic> batch_mean =
          Eigen::Matrix<Scalar, 1, Eigen::Dynamic>::Zero(dims);
      for (int r = begin; r < end; ++r) batch_mean += x.row(r);
      batch_mean /= static_cast<Scalar>(m);
      const double correction = std::sqrt((static_cast<double>(seen) / static_cast<double>(total)) * m);
      stacked.resize(dims, k + m + 1);
      stacked.leftCols(k) = scaled_components.transpose();
      for (int r = 0; r < m; ++r) {
        stacked.col(k + r) = (x.row(begin + r) - batch_mean).template cast<double>().transpose();
      }
      stacked.col(k + m) = correction * (mean - batch_mean.template cast<double>().transpose());
    }
    top_right_singular(stacked, k, singular, components, workspace);
    scaled_components = singular.asDiagonal() * components;
    if (seen == 0 && std::is_same_v<Scalar, float>) {
      // The first SVD ran in float32 officially: its outputs, and S * V, are float32 values
      // (a product of two floats rounded once, as numpy's float32 multiply does).
      auto round_to_float = [](double v) { return static_cast<double>(static_cast<float>(v)); };
      singular = singular.unaryExpr(round_to_float);
      components = components.unaryExpr(round_to_float);
      scaled_components = (singular.asDiagonal() * components).unaryExpr(round_to_float);
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
