// Symbolic reverse accumulation: derivatives as new nodes in the same graph.
//
// Because the result is ordinary graph, it can be differentiated again: higher
// order is the same call on its own result, and `grad` in the language is that call.
#pragma once

#include <optional>
#include <unordered_map>

#include "compiler/ad/taylor.hpp"
#include "compiler/graph/graph.hpp"

namespace gradc {

class Differentiator {
 public:
  // From `taylorFromOrder` on, a derivative of a derivative w.r.t. the same name is
  // built from the original expression by Leibniz's rule (taylor.hpp) when it can
  // be: far smaller than reverse sweeps of reverse sweeps at high orders.
  static constexpr int kTaylorFromOrder = 3;
  explicit Differentiator(Graph& graph, int taylorFromOrder = kTaylorFromOrder)
      : graph_(graph), taylorFromOrder_(taylorFromOrder) {}

  // d(y)/d(wrt), where wrt is a Variable or a Binding node. For a binding, only the
  // paths through that binding count (as for a non-leaf tensor in PyTorch).
  // nullopt when y does not depend on wrt at all (the caller warns and uses 0); a
  // constant 0 node when it does but the derivative is identically zero.
  std::optional<NodeId> gradient(NodeId y, NodeId wrt);

 private:
  // What a derivative node is: the order-th derivative of source w.r.t. wrt.
  struct Repeated {
    NodeId source = kNoNode;
    int order = 0;
  };
  static uint64_t key(NodeId n, NodeId wrt) { return uint64_t{n} << 32 | wrt; }
  TaylorDerivatives& taylor(NodeId wrt);

  // One reverse sweep from y gives the derivative with respect to every variable
  // and binding at once; models ask for many of them (a gradient), so it is kept.
  using Sweep = std::unordered_map<NodeId, NodeId>;  // wrt -> derivative (kNoNode: zero)
  const Sweep& sweep(NodeId y);

  Graph& graph_;
  int taylorFromOrder_;
  std::unordered_map<NodeId, Sweep> sweeps_;
  std::unordered_map<uint64_t, Repeated> repeated_;       // by key(derivative, wrt)
  std::unordered_map<NodeId, TaylorDerivatives> taylor_;  // by wrt
};

}  // namespace gradc
