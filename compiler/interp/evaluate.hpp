// The reference interpreter: evaluates graph nodes on numbers, node by node, with
// the op semantics of op_semantics.cpp. It runs `gradc eval` until the LLVM backend
// exists and stays as the oracle the compiled kernels are tested against. Like the
// kernels, it evaluates exp(x - logsumexp(..., x, ...)) as the softmax weight
// (compiler/graph/softmax_fusion.hpp).
#pragma once

#include <span>
#include <vector>

#include "compiler/graph/graph.hpp"

namespace gradc {

// Adds `delta` to one node's value as it is computed: finite differences with
// respect to a variable or a binding (only the paths through it see the change).
struct Perturbation {
  NodeId node = kNoNode;
  double delta = 0;
};

// `variableValues` is indexed by variable index (Graph::variables()). Returns one
// value per root. Comparisons evaluate to 1 or 0.
std::vector<double> evaluate(const Graph& graph, std::span<const NodeId> roots,
                             std::span<const double> variableValues, Perturbation perturbation = {});

}  // namespace gradc
