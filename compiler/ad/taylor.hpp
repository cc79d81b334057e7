// High derivatives with respect to one variable, by Leibniz's rule (univariate
// Taylor mode, in derivatives rather than Taylor coefficients).
//
// Differentiating a derivative graph again and again swells it: the 10th
// derivative of sin nested 7 deep is 71,813 nodes by ten reverse sweeps. The k-th
// derivative of every node can instead be built from lower derivatives of its
// operands: (u v)^(k) = sum C(k,j) u^(j) v^(k-j), and for w = f(u) with w' = f'(u) u',
// w^(k) = sum_{j<k} C(k-1,j) f'(u)^(j) u^(k-j), where f'(u) is the op's own
// derivative rule (derivative_rules.hpp) and its derivatives come the same way.
// That is O(k^2) nodes per node of the model: 2,000 or so for the nested sin.
//
// Only for graphs of smooth ops (see handles): `where`, `relu`, `min`, `max`, `abs`
// and `sign` select, and the reverse rules' masks (a non-finite partial of a branch
// not taken never turns a zero into NaN) have no forward counterpart here; a model
// with them keeps the repeated reverse sweeps.
#pragma once

#include <optional>
#include <unordered_map>
#include <vector>

#include "compiler/graph/graph.hpp"

namespace gradc {

class TaylorDerivatives {
 public:
  // Derivatives with respect to `seed`, a Variable or a Binding (for a binding,
  // only the paths through it count, as for Differentiator::gradient).
  TaylorDerivatives(Graph& graph, NodeId seed);

  // Whether every op that `y` reaches (up to the seed) is one this handles.
  bool handles(NodeId y) const;

  // The `order`-th derivative of `y`, or nullopt when `y` does not depend on the
  // seed; a constant 0 when it does but that derivative is identically zero.
  std::optional<NodeId> derivative(NodeId y, int order);

  bool dependsOnSeed(NodeId n);

 private:
  template <typename Visit>
  bool forEachBelow(NodeId y, Visit visit) const;
  void noteSavedResults(NodeId y);
  NodeId partial(NodeId n, size_t operand);
  void planOrders(NodeId y, int order);
  NodeId coefficient(NodeId n, int order);  // kNoNode: identically zero
  NodeId build(NodeId n, int order);
  NodeId scaled(double factor, NodeId a, NodeId b);  // factor*a*b, kNoNode if a or b is

  Graph& g_;
  NodeId seed_;
  std::vector<char> depends_;                                    // by NodeId, extended as the graph grows
  std::unordered_map<NodeId, NodeId> savedResultOf_;             // op -> the binding naming its result
  std::unordered_map<uint64_t, NodeId> partials_;                // (node, operand) -> f'(operand)
  std::unordered_map<NodeId, int> needed_;                       // the highest order each node needs
  std::unordered_map<NodeId, std::vector<NodeId>> derivatives_;  // [k-1]: k-th derivative
};

}  // namespace gradc
