// The derivative of each op: given the adjoint flowing into a node, the
// contribution it sends to one operand. One function, one case per op, in the
// order of ops.def; op_semantics.cpp holds the values they differentiate.
#pragma once

#include "compiler/graph/graph.hpp"

namespace gradc {

struct AdjointContext {
  // True when the adjoint may be exactly zero because a `where` did not take a
  // branch. Then a non-finite partial must not turn that zero into NaN, so the
  // product is guarded: where(adj != 0, adj*p, 0). See docs/semantics.md.
  bool masked = false;
};

// The contribution of node `n`'s adjoint `adjoint` to its operand number `operand`,
// or kNoNode when that contribution is identically zero (sign, a comparison, a
// where's condition).
NodeId backpropagate(Graph& graph, NodeId n, size_t operand, NodeId adjoint, AdjointContext context);

}  // namespace gradc
