// k-means as scikit-learn 1.2 runs it inside GaussianMixture's k-means initialisation:
// data centred by its mean, greedy k-means++ seeding, Lloyd iterations with scikit-learn's
// stopping rules and empty-cluster relocation.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "kernel_dispatch.hpp"
#include "kmeans_lloyd.hpp"
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

using Eigen::Index;
using RowMatrix = MatrixRM<double>;
namespace kernels = kmeans_kernels;

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kUnitRoundoff = std::numeric_limits<double>::epsilon() / 2;

// Frames are padded with zero frames to whole blocks of the kernels (kmeans_lloyd.inc).
Index padded_rows(Index n) {
  return (n + kernels::kFramePadding - 1) / kernels::kFramePadding * kernels::kFramePadding;
}

// The hot loops run in kmeans_lloyd.inc, built for the baseline ISA and for AVX2 (same bits).
class Kernels {
 public:
  Kernels() {
#if defined(PMBENCH_HAVE_AVX2_KERNELS)
    avx2_ = detail::use_avx2_kernels();
#endif
  }
  void candidate_distances(const kernels::Frames& frames, int rows, const double* const* centres,
                           const double* centre_sq, const double* closest, double* const* raw,
                           double* const* nearest) const {
#if defined(PMBENCH_HAVE_AVX2_KERNELS)
    if (avx2_)
      return kernels::avx2::candidate_distances(frames, rows, centres, centre_sq, closest, raw, nearest);
#endif
    kernels::baseline::candidate_distances(frames, rows, centres, centre_sq, closest, raw, nearest);
  }
  int assign_seeded(const kernels::Frames& frames, kernels::Assignment& assignment,
                    const double* seed_distances, int* labels) const {
#if defined(PMBENCH_HAVE_AVX2_KERNELS)
    if (avx2_) return kernels::avx2::assign_seeded(frames, assignment, seed_distances, labels);
#endif
    return kernels::baseline::assign_seeded(frames, assignment, seed_distances, labels);
  }
  int reassign(const kernels::Frames& frames, kernels::Assignment& assignment, const double* previous,
               int* labels) const {
#if defined(PMBENCH_HAVE_AVX2_KERNELS)
    if (avx2_) return kernels::avx2::reassign(frames, assignment, previous, labels);
#endif
    return kernels::baseline::reassign(frames, assignment, previous, labels);
  }

 private:
  bool avx2_ = false;
};

struct Seeding {
  RowMatrix centers;
  RowMatrix distances;  // [K, padded n]: k-means++'s squared distance of each frame to each centre
};

// Greedy k-means++ (2 + floor(ln K) local trials per centre); the candidates' distances to all
// frames come from the kernels, the candidates trials at a time.
Seeding kmeans_plus_plus(const RowMatrix& x, const kernels::Frames& frames, const Eigen::VectorXd& x_sq,
                         int clusters, NumpyRandomState& rng, const Kernels& run) {
  const Index n = x.rows(), n_padded = frames.n_padded;
  const int trials = 2 + static_cast<int>(std::log(static_cast<double>(clusters)));
  Seeding seeding{RowMatrix(clusters, x.cols()), RowMatrix(clusters, n_padded)};
  // min(d, +inf) is d, NaN included: the first centre's distances go through the same code.
  std::vector<double> closest(n_padded, kInfinity);
  const Index first = rng.randint(n);
  seeding.centers.row(0) = x.row(first);
  double* first_row = seeding.distances.row(0).data();
  const double* first_centre = x.row(first).data();
  run.candidate_distances(frames, 1, &first_centre, &x_sq(first), closest.data(), &first_row, &first_row);
  std::copy(first_row, first_row + n_padded, closest.begin());
  double potential = numpy_pairwise_sum(closest.data(), static_cast<std::size_t>(n));

  RowMatrix raw(trials, n_padded), nearest(trials, n_padded);
  std::vector<double*> raw_rows(trials), nearest_rows(trials);
  for (int t = 0; t < trials; ++t) raw_rows[t] = raw.row(t).data(), nearest_rows[t] = nearest.row(t).data();
  std::vector<double> cumulative(n), candidate_sq(trials);
  std::vector<Index> candidates(trials);
  std::vector<const double*> candidate_rows(trials);
  for (int c = 1; c < clusters; ++c) {
    std::partial_sum(closest.data(), closest.data() + n, cumulative.begin());
    for (int t = 0; t < trials; ++t) {
      const double r = rng.uniform() * potential;
      const auto it = std::lower_bound(cumulative.begin(), cumulative.end(), r);  // searchsorted, side=left
      candidates[t] = std::min<Index>(it - cumulative.begin(), n - 1);
      candidate_rows[t] = x.row(candidates[t]).data();
      candidate_sq[t] = x_sq(candidates[t]);
    }
    run.candidate_distances(frames, trials, candidate_rows.data(), candidate_sq.data(), closest.data(),
                            raw_rows.data(), nearest_rows.data());
    int best = 0;
    double best_potential = 0;
    for (int t = 0; t < trials; ++t) {
      const double p = numpy_pairwise_sum(nearest_rows[t], static_cast<std::size_t>(n));
      if (t == 0 || p < best_potential) best_potential = p, best = t;
    }
    potential = best_potential;
    std::copy(nearest_rows[best], nearest_rows[best] + n_padded, closest.begin());
    seeding.centers.row(c) = x.row(candidates[best]);
    seeding.distances.row(c) = raw.row(best);
  }
  return seeding;
}

// Lloyd's assignment step with Elkan's bounds (the kernels in kmeans_lloyd.inc explain them): this
// owns the bounds and sets, for each set of centres, the margin that covers the rounding of the
// computed values, so that every label is the one the exact computation over all centres gives.
class LabelAssigner {
 public:
  LabelAssigner(const RowMatrix& x, const kernels::Frames& frames, const Eigen::VectorXd& x_sq,
                const Seeding& seeding, const Kernels& run)
      : frames_(frames),
        seeding_(seeding),
        run_(run),
        upper_(frames.n_padded, -kInfinity),
        lower_(frames.n_padded, kOwn),
        bounds_(seeding.centers.rows() * frames.n_padded, kOwn),
        own_index_(frames.n_padded, 0.0),
        drift_(seeding.centers.rows()) {
    // With u the unit roundoff and R >= |x| + |c| for every frame and centre, the computed
    // |c|^2 - 2 x.c and |x|^2, and k-means++'s squared distances, are within (d + 3) u R^2 of their
    // exact values. So distances recovered from them are within sqrt((2 d + 6) u) R of the exact ones,
    // and computed values of two centres are ordered as the exact distances are when these differ by
    // more than sqrt((2 d + 6) u) R. slack_factor_ R covers both, with room for the rounding of the
    // bounds themselves.
    const double d = static_cast<double>(x.cols());
    slack_factor_ = 4 * std::sqrt((d + 3) * kUnitRoundoff);
    x_norm_max_ = std::sqrt(x_sq.head(x.rows()).maxCoeff()) * (1 + 1e-9);
    // A gap that orders two centres' k-means++ distances as it orders their values here.
    assignment_.seed_margin_sq = 4 * (2 * d + 6) * kUnitRoundoff * (4 * x_norm_max_ * x_norm_max_);
    finite_ = x_sq.allFinite();
    assignment_.k = seeding.centers.rows();
    assignment_.upper = upper_.data();
    assignment_.lower = lower_.data();
    assignment_.bounds = bounds_.data();
    assignment_.own_index = own_index_.data();
    assignment_.drift = drift_.data();
  }

  // The first assignment, to the k-means++ centres, from k-means++'s distances where these are
  // decisive; returns how many labels changed.
  int assign_seeded(std::vector<int>& labels) {
    set_centers(seeding_.centers);
    return run_.assign_seeded(frames_, assignment_, seeding_.distances.data(), labels.data());
  }

  // Assigns every frame after the centres moved from `previous` to `centers`; returns how many
  // labels changed.
  int reassign(const RowMatrix& previous, const RowMatrix& centers, std::vector<int>& labels) {
    set_centers(centers);
    return run_.reassign(frames_, assignment_, previous.data(), labels.data());
  }

 private:
  static constexpr double kOwn = std::numeric_limits<double>::max();  // as in kmeans_lloyd.inc

  void set_centers(const RowMatrix& centers) {
    c_sq_ = centers.rowwise().squaredNorm();
    const double radius = (x_norm_max_ + std::sqrt(c_sq_.maxCoeff())) * (1 + 1e-9);
    assignment_.centers = centers.data();
    assignment_.center_sq = c_sq_.data();
    assignment_.slack = slack_factor_ * radius;
    assignment_.pruning = finite_ && c_sq_.allFinite() && std::isfinite(radius * radius) &&
                          std::isfinite(assignment_.seed_margin_sq);
  }

  const kernels::Frames& frames_;
  const Seeding& seeding_;
  const Kernels& run_;
  Eigen::VectorXd c_sq_;
  // Per padded frame: bounds on the distance to the own centre and to all others; [K, padded n]
  // bounds on the distance to each centre.
  std::vector<double> upper_, lower_, bounds_;
  std::vector<double> own_index_;  // the labels as doubles, padded
  std::vector<double> drift_;
  kernels::Assignment assignment_{};
  double slack_factor_, x_norm_max_;
  bool finite_;
};

// kDims is the number of coordinates when known at compile time, else Eigen::Dynamic.
template <int kDims>
std::vector<int> kmeans(const RowMatrix& data, NumpyRandomState& rng, const KMeansOptions& options) {
  using Row = Eigen::Matrix<double, 1, kDims>;
  const Index n = data.rows(), d = kDims == Eigen::Dynamic ? data.cols() : kDims, n_padded = padded_rows(n);
  // Column means and variances, each summed over the rows in order as the official does; the data
  // centred by the mean, row-major and as a column-major copy with padded rows.
  Row mean = Row::Zero(d), variance = Row::Zero(d);
  for (Index i = 0; i < n; ++i) mean += Eigen::Map<const Row>(data.row(i).data(), d);
  mean /= static_cast<double>(n);
  RowMatrix x(n, d);
  Eigen::MatrixXd cols(n_padded, d);
  for (Index i = 0; i < n; ++i) {
    Eigen::Map<Row> xi(x.row(i).data(), d);
    xi = Eigen::Map<const Row>(data.row(i).data(), d) - mean;
    variance += xi.array().square().matrix();
    for (Index a = 0; a < d; ++a) cols(i, a) = xi(a);
  }
  cols.bottomRows(n_padded - n).setZero();
  variance /= static_cast<double>(n);
  const double tol =
      numpy_pairwise_sum(variance.data(), static_cast<std::size_t>(d)) / static_cast<double>(d) * options.tol;
  Eigen::VectorXd x_sq(n_padded);
  x_sq.head(n) = x.rowwise().squaredNorm();
  x_sq.tail(n_padded - n).setZero();

  const kernels::Frames frames{x.data(), cols.data(), x_sq.data(), n, n_padded, d};
  const Kernels run;
  const Seeding seeding = kmeans_plus_plus(x, frames, x_sq, options.clusters, rng, run);
  const int max_iter = options.max_iter;
  const Index k = seeding.centers.rows();
  RowMatrix centers = seeding.centers, previous, sums(k, d), updated(k, d);
  Eigen::VectorXd weight(k);
  std::vector<int> labels(n, -1);
  LabelAssigner assigner(x, frames, x_sq, seeding, run);
  bool strict = false;
  int iter = 0;
  for (; iter < max_iter; ++iter) {
    const int changed =
        iter == 0 ? assigner.assign_seeded(labels) : assigner.reassign(previous, centers, labels);
    // Unchanged labels give back the same centres: scikit-learn's strict convergence.
    if (iter > 0 && changed == 0) {
      strict = true;
      break;
    }
    sums.setZero();
    weight.setZero();
    for (Index i = 0; i < n;) {  // a run of frames with the same label, summed in registers
      const int label = labels[i];
      // (A fixed-size map: assigning a row block of the dynamic matrix compiles to rep movsq, slow
      // for 10 values.)
      Eigen::Map<Row> label_sum(sums.row(label).data(), d);
      Row sum = label_sum;
      const Index first = i;
      for (; i < n && labels[i] == label; ++i) sum += Eigen::Map<const Row>(x.row(i).data(), d);
      weight(label) += static_cast<double>(i - first);  // integers: as adding 1.0 per frame
      label_sum = sum;
    }
    // Empty clusters take the points farthest from their current centres.
    std::vector<int> empty;
    for (int j = 0; j < k; ++j) {
      if (weight(j) == 0) empty.push_back(j);
    }
    if (!empty.empty()) {
      std::vector<double> far(n);
      for (Index i = 0; i < n; ++i) far[i] = (x.row(i) - centers.row(labels[i])).squaredNorm();
      std::vector<Index> order(n);
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) { return far[a] > far[b]; });
      for (std::size_t e = 0; e < empty.size(); ++e) {
        const Index point = order[e];
        const int from = labels[point];
        sums.row(from) -= x.row(point);
        sums.row(empty[e]) = x.row(point);
        weight(empty[e]) = 1.0;
        weight(from) -= 1.0;
      }
    }
    updated = sums;
    for (int j = 0; j < k; ++j) {
      if (weight(j) > 0) updated.row(j) *= 1.0 / weight(j);
    }
    const double shift = (updated - centers).squaredNorm();
    previous.swap(centers);
    centers = updated;
    if (shift <= tol) break;
  }
  if (!strict) {
    if (max_iter <= 0) {
      assigner.assign_seeded(labels);
    } else {
      assigner.reassign(previous, centers, labels);
    }
  }
  return labels;
}

}  // namespace

std::vector<int> kmeans_labels(const MatrixRM<double>& data, NumpyRandomState& rng,
                               const KMeansOptions& options) {
  // WGD's projections have 10 coordinates: their loops get a fixed trip count.
  if (data.cols() == 10) return kmeans<10>(data, rng, options);
  return kmeans<Eigen::Dynamic>(data, rng, options);
}

}  // namespace pmbench::wgd
