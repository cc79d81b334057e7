#include "compiler/graph/softmax_fusion.hpp"

#include <algorithm>

namespace gradc {

NodeId SoftmaxFusion::logsumexpOf(NodeId node) {
  if (graph_.op(node) != Op::Exp) return kNoNode;
  NodeId difference = graph_.arg(node, 0);
  if (graph_.op(difference) != Op::Sub) return kNoNode;
  NodeId logsumexp = graph_.arg(difference, 1);
  if (graph_.op(logsumexp) != Op::Logsumexp) return kNoNode;
  return isOperandOf(graph_.arg(difference, 0), logsumexp) ? logsumexp : kNoNode;
}

bool SoftmaxFusion::isOperandOf(NodeId x, NodeId logsumexp) {
  // Sorted once per logsumexp: a logsumexp of n terms has n weights to check.
  auto [entry, inserted] = sortedOperands_.try_emplace(logsumexp);
  std::vector<NodeId>& sorted = entry->second;
  if (inserted) {
    std::span<const NodeId> args = graph_.args(logsumexp);
    sorted.assign(args.begin(), args.end());
    std::sort(sorted.begin(), sorted.end());
  }
  return std::binary_search(sorted.begin(), sorted.end(), x);
}

}  // namespace gradc
