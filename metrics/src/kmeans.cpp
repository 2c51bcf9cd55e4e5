// k-means as scikit-learn 1.2 runs it inside GaussianMixture's k-means initialisation:
// data centred by its mean, greedy k-means++ seeding, Lloyd iterations with scikit-learn's
// stopping rules and empty-cluster relocation.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "pmbench/metrics/wgd_stages.hpp"

namespace pmbench::wgd {

Eigen::MatrixXd squared_distances_expanded(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  const Eigen::VectorXd a_sq = a.rowwise().squaredNorm();
  const Eigen::VectorXd b_sq = b.rowwise().squaredNorm();
  Eigen::MatrixXd d = -2.0 * (a * b.transpose());
  d.colwise() += a_sq;
  d.rowwise() += b_sq.transpose();
  return d.cwiseMax(0.0);
}

namespace {

using RowMatrix = MatrixRM<double>;

// Squared distances of the rows `ids` of x to every row of x: [ids.size(), n], as
// (-2 x_id.x_i + |x_id|^2) + |x_i|^2 clipped at 0. The dot products are summed over the
// coordinates in order (as the matrix product this replaces accumulates over its depth), for all
// frames at once from the column-major copy `cols` of x: contiguous, vectorisable, no temporaries.
void distances_to_rows(const RowMatrix& x, const Eigen::MatrixXd& cols, const Eigen::VectorXd& x_sq,
                       const std::vector<Eigen::Index>& ids, RowMatrix& d) {
  const Eigen::Index n = x.rows();
  d.resize(static_cast<Eigen::Index>(ids.size()), n);
  Eigen::VectorXd acc(n);
  for (std::size_t t = 0; t < ids.size(); ++t) {
    acc.setZero();
    for (Eigen::Index a = 0; a < x.cols(); ++a) acc += x(ids[t], a) * cols.col(a);
    d.row(static_cast<Eigen::Index>(t)) =
        ((-2.0 * acc.array() + x_sq(ids[t])) + x_sq.array()).cwiseMax(0.0).matrix().transpose();
  }
}

double row_sum(const RowMatrix& m, Eigen::Index row) {
  return numpy_pairwise_sum(m.row(row).data(), static_cast<std::size_t>(m.cols()));
}

// Greedy k-means++ (2 + floor(ln K) local trials per centre).
RowMatrix kmeans_plus_plus(const RowMatrix& x, const Eigen::MatrixXd& cols, const Eigen::VectorXd& x_sq,
                           int clusters, NumpyRandomState& rng) {
  const Eigen::Index n = x.rows();
  const int trials = 2 + static_cast<int>(std::log(static_cast<double>(clusters)));
  RowMatrix centers(clusters, x.cols());
  const Eigen::Index first = rng.randint(n);
  centers.row(0) = x.row(first);
  RowMatrix d;
  distances_to_rows(x, cols, x_sq, {first}, d);
  Eigen::RowVectorXd closest = d.row(0);
  double potential = numpy_pairwise_sum(closest.data(), static_cast<std::size_t>(n));
  std::vector<double> cumulative(n);
  for (int c = 1; c < clusters; ++c) {
    std::partial_sum(closest.data(), closest.data() + n, cumulative.begin());
    std::vector<Eigen::Index> candidates(trials);
    for (int t = 0; t < trials; ++t) {
      const double r = rng.uniform() * potential;
      const auto it = std::lower_bound(cumulative.begin(), cumulative.end(), r);  // searchsorted, side=left
      candidates[t] = std::min<Eigen::Index>(it - cumulative.begin(), n - 1);
    }
    distances_to_rows(x, cols, x_sq, candidates, d);
    for (int t = 0; t < trials; ++t) d.row(t) = d.row(t).cwiseMin(closest);
    int best = 0;
    double best_potential = row_sum(d, 0);
    for (int t = 1; t < trials; ++t) {
      const double p = row_sum(d, t);
      if (p < best_potential) best_potential = p, best = t;
    }
    potential = best_potential;
    closest = d.row(best);
    centers.row(c) = x.row(candidates[best]);
  }
  return centers;
}

// argmin_j |c_j|^2 - 2 x.c_j, first index on ties. Each x.c_j is summed over the coordinates in
// order, as the blocked matrix product it replaces accumulates over its depth, but without the
// product's set-up and temporary: frames are taken kBlock at a time from the column-major copy
// `cols` of x, so one centre's dot products for the block advance together in registers.
constexpr int kBlock = 8;

void assign_labels(const Eigen::MatrixXd& cols, const RowMatrix& centers, std::vector<int>& labels) {
  using Block = Eigen::Array<double, kBlock, 1>;
  const Eigen::Index n = cols.rows(), d = cols.cols(), k = centers.rows();
  const Eigen::VectorXd c_sq = centers.rowwise().squaredNorm();
  auto distance = [&](Eigen::Index j, Eigen::Index i) {  // one frame (the last few)
    double dot = cols(i, 0) * centers(j, 0);
    for (Eigen::Index a = 1; a < d; ++a) dot += cols(i, a) * centers(j, a);
    return -2.0 * dot + c_sq(j);
  };
  Eigen::Index start = 0;
  for (; start + kBlock <= n; start += kBlock) {
    Block best;
    int arg[kBlock] = {};
    for (Eigen::Index j = 0; j < k; ++j) {
      Block dot = Eigen::Map<const Block>(cols.col(0).data() + start) * centers(j, 0);
      for (Eigen::Index a = 1; a < d; ++a)
        dot += Eigen::Map<const Block>(cols.col(a).data() + start) * centers(j, a);
      const Block v = -2.0 * dot + c_sq(j);
      if (j == 0) {
        best = v;
        continue;
      }
      for (int t = 0; t < kBlock; ++t) {
        if (v(t) < best(t)) best(t) = v(t), arg[t] = static_cast<int>(j);
      }
    }
    for (int t = 0; t < kBlock; ++t) labels[start + t] = arg[t];
  }
  for (Eigen::Index i = start; i < n; ++i) {
    Eigen::Index arg = 0;
    double best = distance(0, i);
    for (Eigen::Index j = 1; j < k; ++j) {
      const double v = distance(j, i);
      if (v < best) best = v, arg = j;
    }
    labels[i] = static_cast<int>(arg);
  }
}

double mean_column_variance(const RowMatrix& x) {
  const Eigen::Index n = x.rows();
  Eigen::RowVectorXd mean = Eigen::RowVectorXd::Zero(x.cols());
  for (Eigen::Index i = 0; i < n; ++i) mean += x.row(i);
  mean /= static_cast<double>(n);
  Eigen::RowVectorXd var = Eigen::RowVectorXd::Zero(x.cols());
  for (Eigen::Index i = 0; i < n; ++i) var += (x.row(i) - mean).array().square().matrix();
  var /= static_cast<double>(n);
  return numpy_pairwise_sum(var.data(), static_cast<std::size_t>(var.size())) /
         static_cast<double>(var.size());
}

}  // namespace

std::vector<int> kmeans_labels(const MatrixRM<double>& data, NumpyRandomState& rng,
                               const KMeansOptions& options) {
  const Eigen::Index n = data.rows();
  const int k = options.clusters;
  const double tol = mean_column_variance(data) * options.tol;

  Eigen::RowVectorXd mean = Eigen::RowVectorXd::Zero(data.cols());
  for (Eigen::Index i = 0; i < n; ++i) mean += data.row(i);
  mean /= static_cast<double>(n);
  RowMatrix x = data.rowwise() - mean;
  const Eigen::VectorXd x_sq = x.rowwise().squaredNorm();

  const Eigen::MatrixXd cols = x;  // column-major copy: dot products over all frames at once
  RowMatrix centers = kmeans_plus_plus(x, cols, x_sq, k, rng);
  std::vector<int> labels(n), previous(n, -1);
  RowMatrix sums(k, x.cols());
  Eigen::VectorXd weight(k);
  bool strict = false;
  for (int iter = 0; iter < options.max_iter; ++iter) {
    assign_labels(cols, centers, labels);
    sums.setZero();
    weight.setZero();
    for (Eigen::Index i = 0; i < n; ++i) {
      sums.row(labels[i]) += x.row(i);
      weight(labels[i]) += 1.0;
    }
    // Empty clusters take the points farthest from their current centres.
    std::vector<int> empty;
    for (int j = 0; j < k; ++j) {
      if (weight(j) == 0) empty.push_back(j);
    }
    if (!empty.empty()) {
      std::vector<double> far(n);
      for (Eigen::Index i = 0; i < n; ++i) far[i] = (x.row(i) - centers.row(labels[i])).squaredNorm();
      std::vector<Eigen::Index> order(n);
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(),
                       [&](Eigen::Index a, Eigen::Index b) { return far[a] > far[b]; });
      for (std::size_t e = 0; e < empty.size(); ++e) {
        const Eigen::Index point = order[e];
        const int from = labels[point];
        sums.row(from) -= x.row(point);
        sums.row(empty[e]) = x.row(point);
        weight(empty[e]) = 1.0;
        weight(from) -= 1.0;
      }
    }
    RowMatrix updated = sums;
    for (int j = 0; j < k; ++j) {
      if (weight(j) > 0) updated.row(j) *= 1.0 / weight(j);
    }
    const double shift = (updated - centers).squaredNorm();
    centers = updated;
    if (labels == previous) {
      strict = true;
      break;
    }
    if (shift <= tol) break;
    previous = labels;
  }
  if (!strict) assign_labels(cols, centers, labels);
  return labels;
}

}  // namespace pmbench::wgd
