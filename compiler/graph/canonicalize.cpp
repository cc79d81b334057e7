// Canonicalisation at construction: what Graph::make does before interning.
//
// Every rewrite here keeps the value of the expression for every finite result
// (at most the sign of a zero changes, as in x + 0 -> x). Nothing reassociates or
// combines rounded terms: 2*(3*x) stays as written. Constants fold with the same
// evaluateOp that the interpreter runs, so folding never changes a value either.
#include <algorithm>
#include <cassert>
#include <cmath>
#include <vector>

#include "compiler/graph/graph.hpp"
#include "compiler/graph/op_semantics.hpp"

namespace gradc {

// Commutative operands are ordered constants first, then variables, then the rest,
// each group by id: deterministic, and it reads naturally (2*x, w*h).

static int orderRank(const Graph& g, NodeId id) {
  if (g.op(id) == Op::Const) return 0;
  if (g.op(id) == Op::Variable) return 1;
  return 2;
}

NodeId Graph::internOrdered(Op op, NodeId a, NodeId b) {
  if (isCommutative(op)) {
    int ra = orderRank(*this, a), rb = orderRank(*this, b);
    if (rb < ra || (rb == ra && b < a)) std::swap(a, b);
    if (isComparison(op) && ra != rb) std::swap(a, b);  // comparisons read better as `t != 0`
  }
  NodeId pair[2] = {a, b};
  return intern(op, pair);
}

NodeId Graph::foldConstants(Op op, std::span<const NodeId> args) {
  std::vector<double> values;
  values.reserve(args.size());
  for (NodeId a : args) values.push_back(nodes_[a].value);
  double v = evaluateOp(op, values);
  return isComparison(op) ? boolean(v != 0) : constant(v);
}

NodeId Graph::canonicalizeAdd(NodeId a, NodeId b) {
  // x + (-0) is x for every x; x + (+0) is not for x = -0 (it gives +0, and
  // atan2(+0, -1) is pi where atan2(-0, -1) is -pi).
  if (isNegativeZero(a)) return b;
  if (isNegativeZero(b)) return a;
  if (op(b) == Op::Neg) return canonicalizeSub(a, arg(b, 0));
  if (op(a) == Op::Neg) return canonicalizeSub(b, arg(a, 0));
  if (a == b) return canonicalizeMul(constant(2), a);  // x + x is exactly 2*x
  // Two selections on one condition add branch by branch: keeps masked adjoints small.
  if (op(a) == Op::Where && op(b) == Op::Where && arg(a, 0) == arg(b, 0))
    return where(arg(a, 0), add(arg(a, 1), arg(b, 1)), add(arg(a, 2), arg(b, 2)));
  return internOrdered(Op::Add, a, b);
}

NodeId Graph::canonicalizeSub(NodeId a, NodeId b) {
  if (isConstant(b, 0) && !std::signbit(nodes_[b].value)) return a;  // x - (+0) is x, -0 included
  if (isNegativeZero(a)) return canonicalizeNeg(b);                     // -0 - x is -x, zeros included
  if (op(b) == Op::Neg) return canonicalizeAdd(a, arg(b, 0));
  return internOrdered(Op::Sub, a, b);
}

NodeId Graph::canonicalizeMul(NodeId a, NodeId b) {
  if (isConstant(a, 1)) return b;
  if (isConstant(b, 1)) return a;
  if (isConstant(a, -1)) return canonicalizeNeg(b);
  if (isConstant(b, -1)) return canonicalizeNeg(a);
  if (op(a) == Op::Neg) return canonicalizeNeg(canonicalizeMul(arg(a, 0), b));
  if (op(b) == Op::Neg) return canonicalizeNeg(canonicalizeMul(a, arg(b, 0)));
  if (a == b) return canonicalizePow(a, constant(2));  // x^2 is evaluated as x*x
  return internOrdered(Op::Mul, a, b);
}

NodeId Graph::canonicalizeDiv(NodeId a, NodeId b) {
  if (isConstant(b, 1)) return a;
  if (isConstant(b, -1)) return canonicalizeNeg(a);
  if (op(a) == Op::Neg) return canonicalizeNeg(canonicalizeDiv(arg(a, 0), b));
  if (op(b) == Op::Neg) return canonicalizeNeg(canonicalizeDiv(a, arg(b, 0)));
  return internOrdered(Op::Div, a, b);
}

NodeId Graph::canonicalizeNeg(NodeId a) {
  if (op(a) == Op::Neg) return arg(a, 0);
  return intern(Op::Neg, std::span(&a, 1));
}

NodeId Graph::canonicalizePow(NodeId a, NodeId b) {
  if (isConstant(b, 1)) return a;
  if (isConstant(b, 0)) return constant(1);  // pow(x, 0) is 1 for every x, NaN included
  return internOrdered(Op::Pow, a, b);
}

NodeId Graph::canonicalize(Op op, std::span<const NodeId> args) {
  bool allConstant =
      std::all_of(args.begin(), args.end(), [&](NodeId a) { return this->op(a) == Op::Const; });
  if (allConstant) return foldConstants(op, args);
  switch (op) {
    case Op::Add: return canonicalizeAdd(args[0], args[1]);
    case Op::Sub: return canonicalizeSub(args[0], args[1]);
    case Op::Mul: return canonicalizeMul(args[0], args[1]);
    case Op::Div: return canonicalizeDiv(args[0], args[1]);
    case Op::Neg: return canonicalizeNeg(args[0]);
    case Op::Pow: return canonicalizePow(args[0], args[1]);
    case Op::Where:
      if (this->op(args[0]) == Op::Const) return nodes_[args[0]].value != 0 ? args[1] : args[2];
      if (args[1] == args[2]) return args[1];
      return intern(op, args);
    case Op::Abs:
      if (this->op(args[0]) == Op::Neg || this->op(args[0]) == Op::Abs)
        return make(Op::Abs, {arg(args[0], 0)});
      return intern(op, args);
    case Op::Eq:
    case Op::Ne: return internOrdered(op, args[0], args[1]);
    case Op::Const:
    case Op::Variable:
    case Op::Binding:
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
    case Op::Exp:
    case Op::Log:
    case Op::Log1p:
    case Op::Expm1:
    case Op::Sqrt:
    case Op::Sin:
    case Op::Cos:
    case Op::Tan:
    case Op::Asin:
    case Op::Acos:
    case Op::Atan:
    case Op::Atan2:
    case Op::Sinh:
    case Op::Cosh:
    case Op::Tanh:
    case Op::Sign:
    case Op::Min:
    case Op::Max:
    case Op::Hypot:
    case Op::Sigmoid:
    case Op::Softplus:
    case Op::Relu:
    case Op::Logsumexp:
    case Op::Erf: return intern(op, args);
  }
  return intern(op, args);
}

}  // namespace gradc
