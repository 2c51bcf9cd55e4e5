// IncrementalPCA as scikit-learn 1.2 runs it (Ross et al. 2008 update): the first batch keeps
// the input precision, later batches are stacked in float64 against a float64 running mean.
#include <algorithm>
#include <limits>
#include <Eigen/Eigenvalues>
#include <cmath>
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
void solve_shifted_tridiagonal(const Eigen::VectorXd& diag, const Eigen::VectorXd& off, double shift, double tiny,
                               Eigen::VectorXd& x, Eigen::VectorXd& u0, Eigen::VectorXd& u1, Eigen::VectorXd& u2) {
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

// Top-k singular values and right singular vectors of m (rows <= 27 here, cols = 48), with
// scikit-learn's svd_flip (u_based_decision=False): the largest-|.| entry of each component is
// made positive (np.sign: an all-zero component stays zero).
//
// The decomposition goes through the small Gram matrix m m^T (left singular vectors u_i,
// v_i = m^T u_i / s_i): Householder tridiagonalisation, all eigenvalues by implicit QR without
// vectors, then only the k leading eigenvectors by inverse iteration on the tridiagonal matrix
// (reorthogonalised within clusters, as LAPACK's dstein), transformed back. This agrees with a
// direct SVD to ~1e-13 on the leading components and is several times faster than computing all
// eigenvectors. A component whose singular value is negligible (rank-deficient batch) is set to
// zero: its direction is arbitrary in LAPACK's SVD too, and the data have no extent along it.
void top_right_singular(const Eigen::MatrixXd& m, int k, Eigen::VectorXd& singular, Eigen::MatrixXd& components) {
  // Gram matrix by dot products of rows (column-major m: strided, but tiny) - a general matrix
  // product spends more time in set-up than in arithmetic at 27 x 48.
  const Eigen::Index n = m.rows();
  const Eigen::MatrixXd rows = m.transpose();  // columns = rows of m, contiguous
  Eigen::MatrixXd gram(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j <= i; ++j) gram(i, j) = gram(j, i) = rows.col(i).dot(rows.col(j));
  }
  Eigen::Tridiagonalization<Eigen::MatrixXd> tri(gram);
  const Eigen::VectorXd diag = tri.diagonal();
  const Eigen::VectorXd off = tri.subDiagonal();
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> values;
  values.computeFromTridiagonal(diag, off, Eigen::EigenvaluesOnly);
  const Eigen::VectorXd& lambda = values.eigenvalues();  // ascending

  const double norm = std::max(std::abs(lambda(0)), std::abs(lambda(n - 1)));
  const double eps = std::numeric_limits<double>::epsilon();
  const double tiny = std::max(norm, std::numeric_limits<double>::min()) * eps;
  const double cluster_gap = 1e-3 * norm;  // dstein's reorthogonalisation threshold (ORTOL)
  Eigen::MatrixXd z(n, k);                 // eigenvectors of the tridiagonal matrix
  Eigen::VectorXd x(n), u0(n), u1(n), u2(n);
  for (int i = 0; i < k; ++i) {
    const double shift = lambda(n - 1 - i);
    for (Eigen::Index j = 0; j < n; ++j) x(j) = 1.0 + 1e-3 * static_cast<double>((j * 7919) % 101) / 101.0;
    for (int iter = 0; iter < 3; ++iter) {
      solve_shifted_tridiagonal(diag, off, shift, tiny, x, u0, u1, u2);
      for (int j = 0; j < i; ++j) {
        if (std::abs(lambda(n - 1 - j) - shift) <= cluster_gap) x -= z.col(j).dot(x) * z.col(j);
      }
      const double len = x.norm();
      if (!(len > 0) || !std::isfinite(len)) {
        x = Eigen::VectorXd::Unit(n, n - 1 - i);
        break;
      }
      x /= len;
    }
    z.col(i) = x;
  }
  const Eigen::MatrixXd u = tri.matrixQ() * z;  // back to the basis of the Gram matrix

  singular.resize(k);
  components.resize(k, m.cols());
  const double largest = std::sqrt(std::max(lambda(n - 1), 0.0));
  const double negligible = largest * static_cast<double>(std::max(m.rows(), m.cols())) * eps;
  for (int i = 0; i < k; ++i) {
    const double s = std::sqrt(std::max(lambda(n - 1 - i), 0.0));
    singular(i) = s;
    if (!(s > negligible)) {
      components.row(i).setZero();
      continue;
    }
    components.row(i).noalias() = (rows * u.col(i)).transpose() / s;
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
MatrixRM<double> incremental_pca_projection(const FramesRef<Scalar>& x, const IncrementalPcaOptions& options) {
  const int rows = static_cast<int>(x.rows());
  const int dims = static_cast<int>(x.cols());
  const int k = options.components;
  if (k > dims) {
    throw OfficialWouldRaise("IncrementalPCA: n_components=" + std::to_string(k) + " > n_features=" +
                             std::to_string(dims));
  }
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(dims);
  Eigen::VectorXd singular;
  Eigen::MatrixXd components;         // [k, d]
  Eigen::MatrixXd scaled_components;  // diag(S) * V, in the precision the official holds it
  long seen = 0;
  for (const auto& [begin, end] : incremental_pca_batches(rows, options.batch_size, k)) {
    const int m = end - begin;
    if (k > m) {
      throw OfficialWouldRaise("IncrementalPCA: n_components=" + std::to_string(k) +
                               " must be <= the batch number of samples " + std::to_string(m));
    }
    const long total = seen + m;
    const Eigen::VectorXd new_mean = (mean * static_cast<double>(seen) + column_sums_double(x, begin, end)) /
                                     static_cast<double>(total);
    Eigen::MatrixXd stacked;
    if (seen == 0) {
      // centred in float64, stored back in the input precision (numpy in-place subtraction)
      stacked.resize(m, dims);
      for (int r = 0; r < m; ++r) {
        for (int c = 0; c < dims; ++c) {
          stacked(r, c) = static_cast<double>(static_cast<Scalar>(static_cast<double>(x(begin + r, c)) - new_mean(c)));
        }
      }
    } else {
      // batch mean and centring in the input precision, rows summed in order
      Eigen::Matrix<Scalar, 1, Eigen::Dynamic> batch_mean = Eigen::Matrix<Scalar, 1, Eigen::Dynamic>::Zero(dims);
      for (int r = begin; r < end; ++r) batch_mean += x.row(r);
      batch_mean /= static_cast<Scalar>(m);
      const double correction = std::sqrt((static_cast<double>(seen) / static_cast<double>(total)) * m);
      stacked.resize(k + m + 1, dims);
      stacked.topRows(k) = scaled_components;
      for (int r = 0; r < m; ++r) {
        stacked.row(k + r) = (x.row(begin + r) - batch_mean).template cast<double>();
      }
      stacked.row(k + m) = correction * (mean.transpose() - batch_mean.template cast<double>());
    }
    top_right_singular(stacked, k, singular, components);
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

template MatrixRM<double> incremental_pca_projection<float>(const FramesRef<float>&, const IncrementalPcaOptions&);
template MatrixRM<double> incremental_pca_projection<double>(const FramesRef<double>&, const IncrementalPcaOptions&);

}  // namespace pmbench::wgd
