#include "compiler/ad/reverse.hpp"

#include <cassert>
#include <vector>

#include "compiler/ad/derivative_rules.hpp"
#include "compiler/graph/traversal.hpp"

namespace gradc {

const Differentiator::Sweep& Differentiator::sweep(NodeId y) {
  if (auto found = sweeps_.find(y); found != sweeps_.end()) return found->second;
  Graph& g = graph_;
  std::vector<NodeId> order = topologicalOrder(g, std::span(&y, 1));
  size_t before = g.size();  // nodes made during the sweep never need adjoints
  std::vector<NodeId> adjoint(before, kNoNode);
  std::vector<char> masked(before, 0);
  adjoint[y] = g.constant(1);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    NodeId n = *it;
    NodeId adj = adjoint[n];
    if (adj == kNoNode) continue;
    AdjointContext context{masked[n] != 0};
    // A binding of an op that saves its result is differentiated as one with it, the
    // binding standing for the result (see savesResult): its formula gets no adjoint
    // from here, the formula's operands do.
    NodeId op = n, result = kNoNode;
    if (g.op(n) == Op::Binding && g.bindings()[g.node(n).payload].namesOpResult &&
        savesResult(g.op(g.arg(n, 0)))) {
      op = g.arg(n, 0);
      result = n;
    }
    bool masks = masked[n] || g.op(op) == Op::Where;
    size_t arity = g.args(op).size();
    for (size_t i = 0; i < arity; ++i) {
      NodeId a = g.arg(op, i);
      if (g.op(a) == Op::Const || g.type(a) != Type::Real) continue;
      NodeId contribution = backpropagate(g, op, i, adj, context, result);
      if (contribution == kNoNode) continue;
      adjoint[a] = adjoint[a] == kNoNode ? contribution : g.add(adjoint[a], contribution);
      masked[a] = masked[a] || masks;
    }
  }
  Sweep result;
  for (NodeId n : order)
    if (g.op(n) == Op::Variable || g.op(n) == Op::Binding) result.emplace(n, adjoint[n]);
  return sweeps_.emplace(y, std::move(result)).first->second;
}

TaylorDerivatives& Differentiator::taylor(NodeId wrt) {
  return taylor_.try_emplace(wrt, graph_, wrt).first->second;
}

std::optional<NodeId> Differentiator::gradient(NodeId y, NodeId wrt) {
  assert(graph_.op(wrt) == Op::Variable || graph_.op(wrt) == Op::Binding);
  Repeated what{y, 1};
  if (auto found = repeated_.find(key(y, wrt)); found != repeated_.end())
    what = {found->second.source, found->second.order + 1};
  std::optional<NodeId> result;
  if (what.order >= taylorFromOrder_ && taylor(wrt).dependsOnSeed(y) && taylor(wrt).handles(what.source)) {
    result = taylor(wrt).derivative(what.source, what.order);
  } else {
    const Sweep& s = sweep(y);
    auto found = s.find(wrt);
    if (found == s.end()) return std::nullopt;
    result = found->second == kNoNode ? graph_.constant(0) : found->second;
  }
  if (result && graph_.op(*result) != Op::Const) repeated_.try_emplace(key(*result, wrt), what);
  return result;
}

}  // namespace gradc
