// Recognises exp(x - L) where L = logsumexp(..., x, ...): the softmax weight of x,
// the form every derivative of logsumexp takes (ad/derivative_rules.cpp). Such a
// node is evaluated as softmaxWeight (op_semantics.hpp) from what L computed
// anyway, by the interpreter and by the kernels alike, so that they keep giving the
// same bits: one exp fewer per weight (mixture: 32 of 80 a point).
#pragma once

#include <unordered_map>
#include <vector>

#include "compiler/graph/graph.hpp"

namespace gradc {

class SoftmaxFusion {
 public:
  explicit SoftmaxFusion(const Graph& graph) : graph_(graph) {}

  // L when `node` is exp(x - L) with x one of L's operands, else kNoNode.
  NodeId logsumexpOf(NodeId node);

  // The x of such a node.
  NodeId weighted(NodeId node) const { return graph_.arg(graph_.arg(node, 0), 0); }

 private:
  bool isOperandOf(NodeId x, NodeId logsumexp);

  const Graph& graph_;
  std::unordered_map<NodeId, std::vector<NodeId>> sortedOperands_;  // by logsumexp node
};

}  // namespace gradc
