// IncrementalPCA as scikit-learn 1.2 runs it (Ross et al. 2008 update): the first batch keeps
// the input precision, later batches are stacked in float64 against a float64 running mean.
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <limits>
#include <cmath>
#include <type_traits>

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

// Top-k singular values and right singular vectors of m (rows <= 27 here, cols = 48), with
// scikit-learn's svd_flip (u_based_decision=False): the largest-|.| entry of each component is
// made positive (np.sign: an all-zero component stays zero).
//
// The decomposition goes through the small Gram matrix m m^T: its eigenvectors are the left
// singular vectors, and v_i = m^T u_i / s_i. For the leading components this agrees with a direct
// SVD to ~1e-13 and is several times faster than a Jacobi SVD; a component whose singular value is
// negligible (rank-deficient batch) is set to zero, as its direction is arbitrary in LAPACK too and
// the data have no extent along it.
void top_right_singular(const Eigen::MatrixXd& m, int k, Eigen::VectorXd& singular, Eigen::MatrixXd& components) {
  const Eigen::MatrixXd gram = m * m.transpose();
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(gram);
  const Eigen::Index r = gram.rows();
  singular.resize(k);
  components.resize(k, m.cols());
  const double largest = std::sqrt(std::max(eig.eigenvalues()(r - 1), 0.0));
  const double negligible = largest * static_cast<double>(std::max(m.rows(), m.cols())) *
                            std::numeric_limits<double>::epsilon();
  for (int i = 0; i < k; ++i) {
    const Eigen::Index src = r - 1 - i;  // eigenvalues ascend
    const double s = i < r ? std::sqrt(std::max(eig.eigenvalues()(src), 0.0)) : 0.0;
    singular(i) = s;
    if (i >= r || !(s > negligible)) {
      components.row(i).setZero();
      continue;
    }
    components.row(i) = (m.transpose() * eig.eigenvectors().col(src)).transpose() / s;
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
