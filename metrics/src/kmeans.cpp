// k-means as scikit-learn 1.2 runs it inside GaussianMixture's k-means initialisation:
// data centred by its mean, greedy k-means++ seeding, Lloyd iterations with scikit-learn's
// stopping rules and empty-cluster relocation.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// Eigen's SIMD packets (two doubles with SSE2, one double without SIMD) and the packet functions
// Eigen's own expressions use, so that min, max and comparisons treat NaN as those expressions do.
namespace simd = Eigen::internal;
using Packet = simd::packet_traits<double>::type;
constexpr Index kLanes = simd::packet_traits<double>::size;

// Frames are taken kBlock at a time from a column-major copy of the data whose rows are padded
// with zeros to a multiple of kBlock: each row's dot products with a block advance in kPackets
// independent registers, and no block needs a scalar tail (the padding's results are ignored).
constexpr Index kPackets = 2;
constexpr Index kBlock = kPackets * kLanes;
constexpr int kCandidateGroup = 4;  // k-means++ candidates taken together, sharing the loads of a block

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kUnitRoundoff = std::numeric_limits<double>::epsilon() / 2;

Index padded_rows(Index n) { return (n + kBlock - 1) / kBlock * kBlock; }

struct Broadcast {  // a coordinate in every lane, multiplied straight from memory
  Packet value;
};

// For the data rows ids[0..kRows): raw[r][i] = (-2 x_id.x_i + |x_id|^2) + |x_i|^2 clipped at 0, and
// nearest[r][i] = min(raw[r][i], closest[i]), over the padded frames i. The dot products are summed
// over the coordinates in order, as the matrix product the official computes accumulates over its depth.
template <int kRows>
void candidate_distances(const RowMatrix& x, const Eigen::MatrixXd& cols, const Eigen::VectorXd& x_sq,
                         const Index* ids, const double* closest, double* const* raw, double* const* nearest,
                         std::vector<Broadcast>& broadcast) {
  // d stays a run-time value: unrolled over a fixed d, the compiler hoists every broadcast
  // coordinate out of the block loop and spills them.
  const Index d = cols.cols(), stride = cols.rows();
  broadcast.resize(static_cast<std::size_t>(d * kRows));
  for (Index a = 0; a < d; ++a) {
    for (int r = 0; r < kRows; ++r) broadcast[a * kRows + r].value = simd::pset1<Packet>(x(ids[r], a));
  }
  Packet id_sq[kRows];
  for (int r = 0; r < kRows; ++r) id_sq[r] = simd::pset1<Packet>(x_sq(ids[r]));
  const Packet minus_two = simd::pset1<Packet>(-2.0), zero = simd::pset1<Packet>(0.0);
  for (Index start = 0; start < stride; start += kBlock) {
    const double* block = cols.data() + start;
    Packet dot[kRows][kPackets], column[kPackets];
    for (Index p = 0; p < kPackets; ++p) column[p] = simd::ploadu<Packet>(block + p * kLanes);
    for (int r = 0; r < kRows; ++r) {
      for (Index p = 0; p < kPackets; ++p) dot[r][p] = simd::pmul(column[p], broadcast[r].value);
    }
    for (Index a = 1; a < d; ++a) {
      for (Index p = 0; p < kPackets; ++p) column[p] = simd::ploadu<Packet>(block + a * stride + p * kLanes);
      for (int r = 0; r < kRows; ++r) {
        const Packet& c = broadcast[a * kRows + r].value;
        for (Index p = 0; p < kPackets; ++p) dot[r][p] = simd::padd(dot[r][p], simd::pmul(column[p], c));
      }
    }
    for (int r = 0; r < kRows; ++r) {
      for (Index p = 0; p < kPackets; ++p) {
        const Index i = start + p * kLanes;
        const Packet sum = simd::padd(simd::padd(simd::pmul(minus_two, dot[r][p]), id_sq[r]),
                                      simd::ploadu<Packet>(x_sq.data() + i));
        const Packet distance = simd::pmax(sum, zero);
        simd::pstoreu(raw[r] + i, distance);
        simd::pstoreu(nearest[r] + i, simd::pmin(distance, simd::ploadu<Packet>(closest + i)));
      }
    }
  }
}

struct Seeding {
  RowMatrix centers;
  RowMatrix distances;  // [K, padded n]: k-means++'s squared distance of each frame to each centre
};

// Greedy k-means++ (2 + floor(ln K) local trials per centre). x_sq is padded like cols.
Seeding kmeans_plus_plus(const RowMatrix& x, const Eigen::MatrixXd& cols, const Eigen::VectorXd& x_sq,
                         int clusters, NumpyRandomState& rng) {
  const Index n = x.rows(), n_padded = cols.rows();
  const int trials = 2 + static_cast<int>(std::log(static_cast<double>(clusters)));
  Seeding seeding{RowMatrix(clusters, x.cols()), RowMatrix(clusters, n_padded)};
  std::vector<Broadcast> broadcast;
  // min(d, +inf) is d, NaN included: the first centre's distances go through the same code.
  std::vector<double> closest(n_padded, kInfinity);
  const Index first = rng.randint(n);
  seeding.centers.row(0) = x.row(first);
  double* first_row = seeding.distances.row(0).data();
  candidate_distances<1>(x, cols, x_sq, &first, closest.data(), &first_row, &first_row, broadcast);
  std::copy(first_row, first_row + n_padded, closest.begin());
  double potential = numpy_pairwise_sum(closest.data(), static_cast<std::size_t>(n));

  RowMatrix raw(trials, n_padded), nearest(trials, n_padded);
  std::vector<double*> raw_rows(trials), nearest_rows(trials);
  for (int t = 0; t < trials; ++t) raw_rows[t] = raw.row(t).data(), nearest_rows[t] = nearest.row(t).data();
  std::vector<double> cumulative(n);
  std::vector<Index> candidates(trials);
  for (int c = 1; c < clusters; ++c) {
    std::partial_sum(closest.data(), closest.data() + n, cumulative.begin());
    for (int t = 0; t < trials; ++t) {
      const double r = rng.uniform() * potential;
      const auto it = std::lower_bound(cumulative.begin(), cumulative.end(), r);  // searchsorted, side=left
      candidates[t] = std::min<Index>(it - cumulative.begin(), n - 1);
    }
    int t = 0;
    for (; t + kCandidateGroup <= trials; t += kCandidateGroup) {
      candidate_distances<kCandidateGroup>(x, cols, x_sq, &candidates[t], closest.data(), &raw_rows[t],
                                           &nearest_rows[t], broadcast);
    }
    for (; t < trials; ++t) {
      candidate_distances<1>(x, cols, x_sq, &candidates[t], closest.data(), &raw_rows[t], &nearest_rows[t],
                             broadcast);
    }
    int best = 0;
    double best_potential = 0;
    for (t = 0; t < trials; ++t) {
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

// Lower bounds on the square roots of kBlock values, in single precision four at a time with SSE:
// several times faster than double's square root and plenty for bounds. Clamped to single
// precision's normal range (which only lowers a bound), the single-precision root is within
// 1.5 2^-24 of the exact one, and the factor 1 - 2^-21 puts it below.
void sqrt_lower_bounds(const double* squares, double* roots) {
#if defined(__SSE2__)
  constexpr Index kPacked = kBlock / 4 * 4;
  const __m128d tiny = _mm_set1_pd(1e-30), largest = _mm_set1_pd(std::numeric_limits<float>::max());
  const __m128d shrink = _mm_set1_pd(1 - 0x1p-21);
  for (Index t = 0; t < kPacked; t += 4) {
    __m128d a = _mm_min_pd(_mm_loadu_pd(squares + t), largest),
            b = _mm_min_pd(_mm_loadu_pd(squares + t + 2), largest);
    a = _mm_andnot_pd(_mm_cmplt_pd(a, tiny), a);  // below single precision's normal range: 0
    b = _mm_andnot_pd(_mm_cmplt_pd(b, tiny), b);
    const __m128 root = _mm_sqrt_ps(_mm_movelh_ps(_mm_cvtpd_ps(a), _mm_cvtpd_ps(b)));
    _mm_storeu_pd(roots + t, _mm_mul_pd(_mm_cvtps_pd(root), shrink));
    _mm_storeu_pd(roots + t + 2, _mm_mul_pd(_mm_cvtps_pd(_mm_movehl_ps(root, root)), shrink));
  }
#else
  constexpr Index kPacked = 0;
#endif
  for (Index t = kPacked; t < kBlock; ++t) roots[t] = std::sqrt(std::max(squares[t], 0.0)) * (1 - 1e-15);
}

// Lloyd's assignment step: argmin_j |c_j|^2 - 2 x.c_j, first index on ties, each x.c_j summed over
// the coordinates in order as the matrix product it replaces. Labels rarely change after the first
// steps, so most values need not be computed, by Elkan's bounds: an upper bound on each frame's
// distance to its own centre and a lower bound on its distance to each other centre, lowered by how
// far that centre moved (few move once most labels have settled). Frames are taken kBlock at a
// time; in a block where some frame's bounds allow another label, the values of the own centres
// and of every centre that the bounds do not rule out for some frame are computed exactly. The
// bounds carry a margin covering the rounding of the computed values (see the constructor), so
// every label is the one the exact computation over all centres gives.
// kDims is the number of coordinates when known at compile time, else Eigen::Dynamic.
template <int kDims>
class LabelAssigner {
 public:
  LabelAssigner(const RowMatrix& x, const Eigen::MatrixXd& cols, const Eigen::VectorXd& x_sq,
                const Seeding& seeding)
      : x_(x),
        cols_(cols),
        x_sq_(x_sq),
        seeding_(seeding),
        n_(x.rows()),
        n_padded_(cols.rows()),
        k_(seeding.centers.rows()),
        upper_(n_padded_, -kInfinity),
        lower_(n_padded_, kOwn),
        bounds_(k_ * n_padded_, kOwn),
        own_index_(n_padded_, 0.0),
        drift_(k_) {
    // With u the unit roundoff and R >= |x| + |c| for every frame and centre, the computed
    // |c|^2 - 2 x.c and |x|^2, and k-means++'s squared distances, are within (d + 3) u R^2 of their
    // exact values. So distances recovered from them are within sqrt((2 d + 6) u) R of the exact ones,
    // and computed values of two centres are ordered as the exact distances are when these differ by
    // more than sqrt((2 d + 6) u) R. slack_factor_ R covers both, with room for the rounding of the
    // bounds themselves.
    const double d = static_cast<double>(dims());
    slack_factor_ = 4 * std::sqrt((d + 3) * kUnitRoundoff);
    x_norm_max_ = std::sqrt(x_sq.head(n_).maxCoeff()) * (1 + 1e-9);
    // A gap that orders two centres' k-means++ distances as it orders their values here.
    seed_margin_sq_ = 4 * (2 * d + 6) * kUnitRoundoff * (4 * x_norm_max_ * x_norm_max_);
    finite_ = x_sq.allFinite();
  }

  // The first assignment, to the k-means++ centres, from k-means++'s distances where these are
  // decisive; returns how many labels changed.
  int assign_seeded(std::vector<int>& labels) {
    set_centers(seeding_.centers);
    if (!pruning_) return assign_exactly(labels);
    int changed = 0;
    for (Index start = 0; start < n_; start += kBlock) {
      // Per frame: the two smallest distances and the centre of the smallest; the bounds on each.
      Packet best[kPackets], second[kPackets], arg[kPackets];
      for (Index p = 0; p < kPackets; ++p) {
        best[p] = second[p] = simd::pset1<Packet>(kInfinity);
        arg[p] = simd::pset1<Packet>(0.0);
      }
      for (Index j = 0; j < k_; ++j) {
        const double* distances = seeding_.distances.row(j).data() + start;
        const Packet index = simd::pset1<Packet>(static_cast<double>(j));
        for (Index p = 0; p < kPackets; ++p) {
          const Packet v = simd::ploadu<Packet>(distances + p * kLanes);
          second[p] = simd::pmin(second[p], simd::pmax(v, best[p]));
          const Packet smaller = simd::pcmp_lt(v, best[p]);
          best[p] = simd::pselect(smaller, v, best[p]);
          arg[p] = simd::pselect(smaller, index, arg[p]);
        }
        store_lower_bounds(j, start, distances);
      }
      double best_value[kBlock], second_value[kBlock], arg_value[kBlock];
      for (Index p = 0; p < kPackets; ++p) {
        simd::pstoreu(best_value + p * kLanes, best[p]);
        simd::pstoreu(second_value + p * kLanes, second[p]);
        simd::pstoreu(arg_value + p * kLanes, arg[p]);
      }
      for (Index t = 0; t < kBlock && start + t < n_; ++t) {
        const Index i = start + t;
        if (!(best_value[t] + seed_margin_sq_ < second_value[t])) {  // too close to call
          changed += assign_exactly(i, labels);
          continue;
        }
        const int label = static_cast<int>(arg_value[t]);
        changed += labels[i] != label;
        labels[i] = label;
        own_index_[i] = label;
        upper_[i] = upper_bound(best_value[t]);
        bound(label, i) = kOwn;
      }
      update_lower(start);
    }
    return changed;
  }

  // Assigns every frame after the centres moved from `previous` to `centers`; returns how many
  // labels changed.
  int reassign(const RowMatrix& previous, const RowMatrix& centers, std::vector<int>& labels) {
    set_centers(centers);
    // How far each centre moved, rounded up (from centres that overflowed: not finite).
    for (Index j = 0; j < k_ && pruning_; ++j) {
      double moved_sq = 0;
      for (Index a = 0; a < dims(); ++a) {
        const double step = centers(j, a) - previous(j, a);
        moved_sq += step * step;
      }
      drift_[j] = std::sqrt(moved_sq) * (1 + 1e-10);
      pruning_ = std::isfinite(drift_[j]);
    }
    if (!pruning_) return assign_exactly(labels);
    // The bounds on a centre that moved drop by as much.
    for (Index j = 0; j < k_; ++j) {
      if (drift_[j] != 0) lower_moved_bounds(j);
    }
    int changed = 0;
    for (Index start = 0; start < n_; start += kBlock) changed += reassign_block(start, labels);
    return changed;
  }

 private:
  // The bound on a frame's own centre is in upper_; its entry in bounds_ is a finite stand-in for
  // infinity (it stays huge when lowered), so lower_ is the least of a frame's entries.
  static constexpr double kOwn = std::numeric_limits<double>::max();

  Index dims() const { return kDims == Eigen::Dynamic ? x_.cols() : kDims; }
  double& bound(Index j, Index i) { return bounds_[j * n_padded_ + i]; }

  void set_centers(const RowMatrix& centers) {
    centers_ = &centers;
    c_sq_ = centers.rowwise().squaredNorm();
    const double radius = (x_norm_max_ + std::sqrt(c_sq_.maxCoeff())) * (1 + 1e-9);
    slack_ = slack_factor_ * radius;
    pruning_ =
        finite_ && c_sq_.allFinite() && std::isfinite(radius * radius) && std::isfinite(seed_margin_sq_);
  }

  // Lanes where `bound` does not rule out a distance up to `reach` (a NaN bound rules out nothing).
  static Packet within(const Packet& bound, const Packet& reach) {
    return simd::pandnot(simd::ptrue(bound), simd::pcmp_lt(reach, bound));
  }

  // Bounds on a distance from a computed squared distance (|x|^2 + value, or k-means++'s).
  double upper_bound(double distance_sq) const { return std::sqrt(std::max(distance_sq, 0.0)) + slack_; }
  double lower_bound(double distance_sq) const { return std::sqrt(std::max(distance_sq, 0.0)) - slack_; }

  // bounds on centre j of the block at `start`, from its squared distances.
  void store_lower_bounds(Index j, Index start, const double* distances_sq) {
    double roots[kBlock];
    sqrt_lower_bounds(distances_sq, roots);
    const Packet slack = simd::pset1<Packet>(slack_);
    for (Index p = 0; p < kPackets; ++p) {
      simd::pstoreu(&bound(j, start + p * kLanes),
                    simd::psub(simd::ploadu<Packet>(roots + p * kLanes), slack));
    }
  }

  // New bounds on centre j of the block at `start` from its exact values, kOwn where j is the
  // frame's own centre; stored, and returned in `bound_j`.
  void new_lower_bounds(Index j, Index start, const Packet (&value)[kPackets], Packet (&bound_j)[kPackets]) {
    double distances_sq[kBlock];
    for (Index p = 0; p < kPackets; ++p) {
      simd::pstoreu(distances_sq + p * kLanes,
                    simd::padd(simd::ploadu<Packet>(x_sq_.data() + start + p * kLanes), value[p]));
    }
    store_lower_bounds(j, start, distances_sq);
    const Packet index = simd::pset1<Packet>(static_cast<double>(j)), own = simd::pset1<Packet>(kOwn);
    for (Index p = 0; p < kPackets; ++p) {
      double* entry = &bound(j, start + p * kLanes);
      const Packet is_own = simd::pcmp_eq(simd::ploadu<Packet>(&own_index_[start + p * kLanes]), index);
      bound_j[p] = simd::pselect(is_own, own, simd::ploadu<Packet>(entry));
      simd::pstoreu(entry, bound_j[p]);
    }
  }

  // lower_ of the block at `start`: the least bound on another centre.
  void update_lower(Index start) {
    for (Index p = 0; p < kPackets; ++p) {
      Packet least = simd::ploadu<Packet>(&bound(0, start + p * kLanes));
      for (Index j = 1; j < k_; ++j)
        least = simd::pmin(least, simd::ploadu<Packet>(&bound(j, start + p * kLanes)));
      simd::pstoreu(&lower_[start + p * kLanes], least);
    }
  }

  // Lowers every frame's bound on centre j by how far j moved, and lower_ with it (one centre per
  // pass keeps the minima independent). (b - drift) (1 - 2^-40) is b - drift rounded down where
  // positive; a negative bound on a distance holds anyway.
  void lower_moved_bounds(Index j) {
    const Packet drift = simd::pset1<Packet>(drift_[j]), shrink = simd::pset1<Packet>(1 - 0x1p-40);
    double* bound = &bounds_[j * n_padded_];
    for (Index start = 0; start < n_padded_; start += kBlock) {
      for (Index p = 0; p < kPackets; ++p) {
        const Index i = start + p * kLanes;
        const Packet lowered = simd::pmul(simd::psub(simd::ploadu<Packet>(bound + i), drift), shrink);
        simd::pstoreu(bound + i, lowered);
        simd::pstoreu(&lower_[i], simd::pmin(simd::ploadu<Packet>(&lower_[i]), lowered));
      }
    }
  }

  // |c_j|^2 - 2 x_i.c_j, the dot product summed over the coordinates in order.
  double centre_value(Index i, Index j) const {
    const double* xi = x_.row(i).data();
    const double* c = centers_->row(j).data();
    double dot = xi[0] * c[0];
    for (Index a = 1; a < dims(); ++a) dot += xi[a] * c[a];
    return -2.0 * dot + c_sq_(j);
  }

  // The values of centre j for the frames of the block at `start`, as centre_value computes them.
  void block_values(Index j, Index start, Packet (&value)[kPackets]) const {
    const double* c = centers_->row(j).data();
    const double* block = cols_.data() + start;
    for (Index p = 0; p < kPackets; ++p)
      value[p] = simd::pmul(simd::ploadu<Packet>(block + p * kLanes), simd::pset1<Packet>(c[0]));
    for (Index a = 1; a < dims(); ++a) {
      const Packet ca = simd::pset1<Packet>(c[a]);
      for (Index p = 0; p < kPackets; ++p) {
        value[p] =
            simd::padd(value[p], simd::pmul(simd::ploadu<Packet>(block + a * n_padded_ + p * kLanes), ca));
      }
    }
    const Packet minus_two = simd::pset1<Packet>(-2.0), c_sq = simd::pset1<Packet>(c_sq_(j));
    for (Index p = 0; p < kPackets; ++p) value[p] = simd::padd(simd::pmul(minus_two, value[p]), c_sq);
  }

  // Exact label of frame i from the values of every centre, as the official computes them
  // (first index on ties, NaN never smaller); resets the frame's bounds.
  int assign_exactly(Index i, std::vector<int>& labels) {
    Index arg = 0;
    double best = 0;
    for (Index j = 0; j < k_; ++j) {
      const double value = centre_value(i, j);
      bound(j, i) = lower_bound(x_sq_(i) + value);
      if (j == 0 || value < best) best = value, arg = j;
    }
    upper_[i] = upper_bound(x_sq_(i) + best);
    bound(arg, i) = kOwn;
    double least = kOwn;
    for (Index j = 0; j < k_; ++j) least = std::min(least, bound(j, i));
    lower_[i] = least;
    const int changed = labels[i] != arg;
    labels[i] = static_cast<int>(arg);
    own_index_[i] = static_cast<double>(arg);
    return changed;
  }

  int assign_exactly(std::vector<int>& labels) {
    int changed = 0;
    for (Index i = 0; i < n_; ++i) changed += assign_exactly(i, labels);
    return changed;
  }

  // One block of frames after the centres moved; returns how many labels changed.
  int reassign_block(Index start, std::vector<int>& labels) {
    const Index lanes = std::min(kBlock, n_ - start);
    bool open = false;              // some frame's bounds allow another label
    bool shared = lanes == kBlock;  // every frame has the same own centre
    for (Index t = 0; t < lanes; ++t) {
      const Index i = start + t;
      upper_[i] = (upper_[i] + drift_[labels[i]]) * (1 + 0x1p-40);  // rounded up
      open |= !(upper_[i] + slack_ < lower_[i]);
      shared &= labels[i] == labels[start];
    }
    if (!open) return 0;
    // The exact values of the own centres, which tighten the upper bounds.
    double own_value[kBlock] = {};
    Packet value[kPackets];
    if (shared) {
      block_values(labels[start], start, value);
      for (Index p = 0; p < kPackets; ++p) simd::pstoreu(own_value + p * kLanes, value[p]);
    } else {
      for (Index t = 0; t < lanes; ++t) own_value[t] = centre_value(start + t, labels[start + t]);
      for (Index p = 0; p < kPackets; ++p) value[p] = simd::ploadu<Packet>(own_value + p * kLanes);
    }
    Packet best[kPackets], arg[kPackets], reach[kPackets], open_lanes = simd::pset1<Packet>(0.0);
    const Packet slack = simd::pset1<Packet>(slack_), zero = simd::pset1<Packet>(0.0);
    for (Index p = 0; p < kPackets; ++p) {
      const Index i = start + p * kLanes;
      const Packet upper = simd::padd(
          simd::psqrt(simd::pmax(simd::padd(simd::ploadu<Packet>(x_sq_.data() + i), value[p]), zero)), slack);
      simd::pstoreu(&upper_[i], upper);
      reach[p] = simd::padd(upper, slack);
      open_lanes = simd::por(open_lanes, within(simd::ploadu<Packet>(&lower_[i]), reach[p]));
      best[p] = value[p];
      arg[p] = simd::ploadu<Packet>(&own_index_[i]);
    }
    if (lanes < kBlock) {  // padding: no centre is in reach
      double reach_value[kBlock];
      for (Index p = 0; p < kPackets; ++p) simd::pstoreu(reach_value + p * kLanes, reach[p]);
      std::fill(reach_value + lanes, reach_value + kBlock, -kInfinity);
      for (Index p = 0; p < kPackets; ++p) reach[p] = simd::ploadu<Packet>(reach_value + p * kLanes);
    }
    if (!simd::predux_any(open_lanes)) return 0;
    // The own centres' values, then in ascending order the exact values of every centre that the
    // bound of some frame does not rule out (they also give new bounds). The smallest value wins,
    // the first index on ties, as in the scan over all centres: the others are farther than the own.
    // The least bound on another centre is gathered on the way (a frame's own entry is kOwn).
    Packet least[kPackets];
    for (Index p = 0; p < kPackets; ++p) least[p] = simd::pset1<Packet>(kOwn);
    for (Index j = 0; j < k_; ++j) {
      Packet bound_j[kPackets], in_reach = simd::pset1<Packet>(0.0);
      for (Index p = 0; p < kPackets; ++p) {
        bound_j[p] = simd::ploadu<Packet>(&bound(j, start + p * kLanes));
        in_reach = simd::por(in_reach, within(bound_j[p], reach[p]));
      }
      if (simd::predux_any(in_reach)) {
        block_values(j, start, value);
        new_lower_bounds(j, start, value, bound_j);
        const Packet index = simd::pset1<Packet>(static_cast<double>(j));
        for (Index p = 0; p < kPackets; ++p) {
          const Packet smaller =
              simd::por(simd::pcmp_lt(value[p], best[p]),
                        simd::pand(simd::pcmp_eq(value[p], best[p]), simd::pcmp_lt(index, arg[p])));
          best[p] = simd::pselect(smaller, value[p], best[p]);
          arg[p] = simd::pselect(smaller, index, arg[p]);
        }
      }
      for (Index p = 0; p < kPackets; ++p) least[p] = simd::pmin(least[p], bound_j[p]);
    }
    double best_value[kBlock], arg_value[kBlock];
    for (Index p = 0; p < kPackets; ++p) {
      simd::pstoreu(best_value + p * kLanes, best[p]);
      simd::pstoreu(arg_value + p * kLanes, arg[p]);
      simd::pstoreu(&lower_[start + p * kLanes], least[p]);
    }
    int changed = 0;
    for (Index t = 0; t < lanes; ++t) {
      const Index i = start + t;
      const int label = static_cast<int>(arg_value[t]);
      if (label == labels[i]) continue;
      ++changed;
      bound(labels[i], i) = lower_bound(x_sq_(i) + own_value[t]);
      bound(label, i) = kOwn;
      upper_[i] = upper_bound(x_sq_(i) + best_value[t]);
      labels[i] = label;
      own_index_[i] = label;
      double lower = kOwn;
      for (Index j = 0; j < k_; ++j) lower = std::min(lower, bound(j, i));
      lower_[i] = lower;
    }
    return changed;
  }

  const RowMatrix& x_;
  const Eigen::MatrixXd& cols_;
  const Eigen::VectorXd& x_sq_;
  const Seeding& seeding_;
  const Index n_, n_padded_, k_;
  const RowMatrix* centers_ = nullptr;
  Eigen::VectorXd c_sq_;
  // Per padded frame: bounds on the distance to the own centre and to all others; [K, padded n]
  // bounds on the distance to each centre.
  std::vector<double> upper_, lower_, bounds_;
  std::vector<double> own_index_;  // the labels as doubles, padded
  std::vector<double> drift_;
  double slack_factor_, x_norm_max_, seed_margin_sq_, slack_ = 0;
  bool finite_, pruning_ = false;
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

  const Seeding seeding = kmeans_plus_plus(x, cols, x_sq, options.clusters, rng);
  const int max_iter = options.max_iter;
  const Index k = seeding.centers.rows();
  RowMatrix centers = seeding.centers, previous, sums(k, d), updated(k, d);
  Eigen::VectorXd weight(k);
  std::vector<int> labels(n, -1);
  LabelAssigner<kDims> assigner(x, cols, x_sq, seeding);
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
      Eigen::Matrix<double, 1, kDims> sum = sums.row(label);
      const Index first = i;
      for (; i < n && labels[i] == label; ++i)
        sum += Eigen::Map<const Eigen::Matrix<double, 1, kDims>>(x.row(i).data(), d);
      weight(label) += static_cast<double>(i - first);  // integers: as adding 1.0 per frame
      sums.row(label) = sum;
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
