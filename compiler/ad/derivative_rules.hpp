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
// where's condition). `result` stands for n's value in the rule when it is not n
// itself: the binding that names it (see savesResult).
NodeId backpropagate(Graph& graph, NodeId n, size_t operand, NodeId adjoint, AdjointContext context,
                     NodeId result = kNoNode);

// Whether an op's derivative is written with its own result, as PyTorch's backward
// uses the saved result (exp: adj*out; sqrt, tanh, sigmoid, tan, hypot, logsumexp,
// expm1, pow's exponent). For `w = exp(v)`, the derivative then uses the binding w,
// so a second grad with respect to w sees it, as in PyTorch.
bool savesResult(Op op);

}  // namespace gradc
