#include "compiler/interp/evaluate.hpp"

#include <cassert>
#include <unordered_map>

#include "compiler/graph/op_semantics.hpp"
#include "compiler/graph/softmax_fusion.hpp"
#include "compiler/graph/traversal.hpp"

namespace gradc {

std::vector<double> evaluate(const Graph& graph, std::span<const NodeId> roots,
                             std::span<const double> variableValues, Perturbation perturbation) {
  std::vector<double> value(graph.size(), 0.0);
  std::vector<double> args;
  SoftmaxFusion fusion(graph);
  std::unordered_map<NodeId, LogsumexpParts> logsumexps;  // for the softmax weights
  for (NodeId n : topologicalOrder(graph, roots)) {
    const Node& node = graph.node(n);
    if (node.op == Op::Const) {
      value[n] = node.value;
    } else if (node.op == Op::Variable) {
      assert(node.payload < variableValues.size());
      value[n] = variableValues[node.payload];
    } else if (NodeId l = fusion.logsumexpOf(n); l != kNoNode && l != perturbation.node) {
      value[n] = softmaxWeight(value[fusion.weighted(n)], logsumexps.at(l));
    } else {
      args.clear();
      for (NodeId a : graph.args(n)) args.push_back(value[a]);
      if (node.op == Op::Logsumexp) {
        LogsumexpParts parts = stableLogsumexpParts(args);
        logsumexps.emplace(n, parts);
        value[n] = parts.value;
      } else {
        value[n] = evaluateOp(node.op, args);
      }
    }
    if (n == perturbation.node) value[n] += perturbation.delta;
  }
  std::vector<double> results;
  results.reserve(roots.size());
  for (NodeId r : roots) results.push_back(value[r]);
  return results;
}

}  // namespace gradc
