// Walking graphs without recursion: deep graphs (a 1,000,000-node chain) must not
// overflow the stack anywhere, so every walk uses an explicit worklist.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "compiler/graph/graph.hpp"

namespace gradc {

// The nodes reachable from `roots`, operands before users, each once.
std::vector<NodeId> topologicalOrder(const Graph& graph, std::span<const NodeId> roots);

// How many nodes are reachable from `roots`.
size_t reachableCount(const Graph& graph, std::span<const NodeId> roots);

// How many times each node is used as an operand by nodes reachable from `roots`
// (plus one for each appearance among the roots). Indexed by NodeId.
std::vector<uint32_t> useCounts(const Graph& graph, std::span<const NodeId> roots);

// A memoised post-order rewrite from `from` into `to`: `rebuild` is called once
// per reachable node, operands first, with the node's operands already rewritten,
// and returns the node's replacement in `to`. Returns a map indexed by old NodeId
// (kNoNode for nodes not reachable from the roots).
using RebuildFn = std::function<NodeId(NodeId old, std::span<const NodeId> newArgs)>;
std::vector<NodeId> rewriteGraph(const Graph& from, std::span<const NodeId> roots, const RebuildFn& rebuild);

}  // namespace gradc
