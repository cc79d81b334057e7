#include "compiler/graph/traversal.hpp"

namespace gradc {

std::vector<NodeId> topologicalOrder(const Graph& graph, std::span<const NodeId> roots) {
  // Operands have smaller ids than their users, so marking reachable nodes and then
  // listing them by increasing id is a topological order: no DFS stack needed.
  std::vector<char> seen(graph.size(), 0);
  std::vector<NodeId> work(roots.begin(), roots.end());
  for (NodeId r : roots) seen[r] = 1;
  while (!work.empty()) {
    NodeId n = work.back();
    work.pop_back();
    for (NodeId a : graph.args(n))
      if (!seen[a]) {
        seen[a] = 1;
        work.push_back(a);
      }
  }
  std::vector<NodeId> order;
  for (NodeId id = 0; id < graph.size(); ++id)
    if (seen[id]) order.push_back(id);
  return order;
}

size_t reachableCount(const Graph& graph, std::span<const NodeId> roots) {
  return topologicalOrder(graph, roots).size();
}

std::vector<uint32_t> useCounts(const Graph& graph, std::span<const NodeId> roots) {
  std::vector<uint32_t> uses(graph.size(), 0);
  for (NodeId r : roots) ++uses[r];
  for (NodeId n : topologicalOrder(graph, roots))
    for (NodeId a : graph.args(n)) ++uses[a];
  return uses;
}

std::vector<NodeId> rewriteGraph(const Graph& from, std::span<const NodeId> roots, const RebuildFn& rebuild) {
  std::vector<NodeId> map(from.size(), kNoNode);
  std::vector<NodeId> newArgs;
  for (NodeId n : topologicalOrder(from, roots)) {
    newArgs.clear();
    for (NodeId a : from.args(n)) newArgs.push_back(map[a]);
    map[n] = rebuild(n, newArgs);
  }
  return map;
}

}  // namespace gradc
