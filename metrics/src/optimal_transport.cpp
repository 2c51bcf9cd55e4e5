// Exact optimal transport between two discrete distributions with LEMON's network simplex, the
// algorithm POT's emd (used by the official WGD) is derived from.
// LEMON 1.3's headers trip GCC 12's -Wmaybe-uninitialized inside std::vector growth of its own
// containers; the warning is about LEMON, not about this file, so it is silenced for them only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <cmath>
#include <cstdint>
#include <vector>

#include "pmbench/error.hpp"
#include "pmbench/metrics/wgd_stages.hpp"

namespace pmbench::wgd {
namespace {
using Simplex = lemon::NetworkSimplex<lemon::SmartDigraph, std::int64_t, double>;
}  // namespace

double optimal_transport_cost(const Eigen::VectorXd& a, const Eigen::VectorXd& b_in,
                              const Eigen::MatrixXd& cost) {
  PMBENCH_CHECK(cost.rows() == a.size() && cost.cols() == b_in.size(), InvalidInput,
                "optimal transport: cost matrix is [", cost.rows(), ",", cost.cols(),
                "] for weights of size ", a.size(), " and ", b_in.size());
  const double mass = a.sum();
  PMBENCH_CHECK(mass > 0 && b_in.sum() > 0, InvalidInput,
                "optimal transport: weights must have positive mass");
  const Eigen::VectorXd b = b_in * (mass / b_in.sum());

  // The simplex runs on integer masses (units of mass / 2^52) so that supply and demand balance
  // exactly: with floating-point masses LEMON reports rounding residue on its artificial arcs as
  // infeasibility. Rounding moves each weight by at most 2^-53 of the mass, and the cost by at
  // most that times the largest cost entry, far below every tolerance of the spec.
  const double scale = 4503599627370496.0 / mass;  // 2^52
  std::vector<std::int64_t> supply_a(a.size()), demand_b(b.size());
  std::int64_t total_a = 0, total_b = 0;
  for (Eigen::Index i = 0; i < a.size(); ++i) total_a += supply_a[i] = std::llround(a(i) * scale);
  for (Eigen::Index j = 0; j < b.size(); ++j) total_b += demand_b[j] = std::llround(b(j) * scale);
  Eigen::Index largest = 0;
  b.maxCoeff(&largest);
  demand_b[largest] += total_a - total_b;  // a few units at most

  lemon::SmartDigraph graph;
  std::vector<lemon::SmartDigraph::Node> sources, sinks;
  for (Eigen::Index i = 0; i < a.size(); ++i) sources.push_back(graph.addNode());
  for (Eigen::Index j = 0; j < b.size(); ++j) sinks.push_back(graph.addNode());
  lemon::SmartDigraph::ArcMap<double> arc_cost(graph);
  lemon::SmartDigraph::NodeMap<std::int64_t> supply(graph);
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    supply[sources[i]] = supply_a[i];
    for (Eigen::Index j = 0; j < b.size(); ++j) arc_cost[graph.addArc(sources[i], sinks[j])] = cost(i, j);
  }
  for (Eigen::Index j = 0; j < b.size(); ++j) supply[sinks[j]] = -demand_b[j];

  Simplex simplex(graph);
  const auto status = simplex.costMap(arc_cost).supplyMap(supply).run();
  PMBENCH_CHECK(status == Simplex::OPTIMAL, Internal,
                "optimal transport: network simplex did not find an optimum (status ",
                static_cast<int>(status), ")");
  return simplex.totalCost<double>() / scale;
}

}  // namespace pmbench::wgd
