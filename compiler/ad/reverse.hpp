// Symbolic reverse accumulation: derivatives as new nodes in the same graph.
//
// Because the result is ordinary graph, it can be differentiated again: higher
// order is the same call on its own result, and `grad` in the language is that call.
#pragma once

#include <optional>
#include <unordered_map>

#include "compiler/graph/graph.hpp"

namespace gradc {

class Differentiator {
 public:
  explicit Differentiator(Graph& graph) : graph_(graph) {}

  // d(y)/d(wrt), where wrt is a Variable or a Binding node. For a binding, only the
  // paths through that binding count (as for a non-leaf tensor in PyTorch).
  // nullopt when y does not depend on wrt at all (the caller warns and uses 0); a
  // constant 0 node when it does but the derivative is identically zero.
  std::optional<NodeId> gradient(NodeId y, NodeId wrt);

 private:
  // One reverse sweep from y gives the derivative with respect to every variable
  // and binding at once; models ask for many of them (a gradient), so it is kept.
  using Sweep = std::unordered_map<NodeId, NodeId>;  // wrt -> derivative (kNoNode: zero)
  const Sweep& sweep(NodeId y);

  Graph& graph_;
  std::unordered_map<NodeId, Sweep> sweeps_;
};

}  // namespace gradc
