#include "compiler/ad/derivative_rules.hpp"

#include <cmath>
#include <numbers>

namespace gradc {
namespace {

// Builds the products and quotients of an adjoint with local partials, honouring
// `where` masks (see AdjointContext).
class RuleBuilder {
 public:
  RuleBuilder(Graph& g, NodeId adjoint, AdjointContext context) : g_(g), adj_(adjoint), ctx_(context) {}

  NodeId times(NodeId partial) { return combine(Op::Mul, partial); }
  NodeId over(NodeId divisor) { return combine(Op::Div, divisor); }
  NodeId adjoint() const { return adj_; }

 private:
  NodeId combine(Op op, NodeId partial) {
    if (!ctx_.masked || g_.op(partial) == Op::Const || g_.op(adj_) == Op::Const)
      return g_.make(op, {adj_, partial});
    // where(c, k, 0) with a non-zero constant k: the mask moves outside the product.
    if (g_.op(adj_) == Op::Where) {
      NodeId c = g_.arg(adj_, 0), a = g_.arg(adj_, 1), b = g_.arg(adj_, 2);
      bool aSimple = g_.op(a) == Op::Const && !g_.isConstant(a, 0) && g_.isConstant(b, 0);
      bool bSimple = g_.op(b) == Op::Const && !g_.isConstant(b, 0) && g_.isConstant(a, 0);
      if (aSimple) return g_.where(c, g_.make(op, {a, partial}), b);
      if (bSimple) return g_.where(c, a, g_.make(op, {b, partial}));
    }
    // Only a partial that can turn a zero into NaN needs the guard (an infinite or
    // NaN factor, a zero divisor); elsewhere the plain product is the value, and,
    // unlike the guard, it differentiates correctly where the adjoint is an
    // isolated zero (the 4th derivative of hypot(c / cosh(x), 0.5)^(0.9 tanh(b)) at
    // x = 0, where sinh(x) makes an adjoint 0 whose derivative is not).
    NodeId zero = g_.constant(0);
    NodeId product = g_.make(op, {adj_, partial});
    NodeId magnitude = g_.make(Op::Abs, {partial});
    NodeId harmless = op == Op::Mul ? g_.make(Op::Lt, {magnitude, g_.constant(HUGE_VAL)})
                                    : g_.make(Op::Gt, {magnitude, zero});
    return g_.where(harmless, product, g_.where(g_.make(Op::Ne, {adj_, zero}), product, zero));
  }

  Graph& g_;
  NodeId adj_;
  AdjointContext ctx_;
};

NodeId square(Graph& g, NodeId x) { return g.pow(x, g.constant(2)); }
NodeId one(Graph& g) { return g.constant(1); }

NodeId powRule(Graph& g, NodeId n, NodeId out, size_t i, RuleBuilder& r) {
  NodeId x = g.arg(n, 0), y = g.arg(n, 1);
  NodeId zero = g.constant(0);
  if (i == 0) {
    if (auto c = g.constantValue(y)) return r.times(g.mul(y, g.pow(x, g.constant(*c - 1))));
    // As PyTorch: a zero exponent has a zero derivative, also at x = 0.
    NodeId partial = g.mul(y, g.pow(x, g.sub(y, one(g))));
    return r.times(g.where(g.make(Op::Eq, {y, zero}), zero, partial));
  }
  // d/dy x^y = x^y log x, taken as 0 where x == 0 and y >= 0 (PyTorch's convention).
  NodeId partial = g.mul(out, g.make(Op::Log, {x}));
  NodeId atZero = g.where(g.make(Op::Ge, {y, zero}), zero, partial);
  return r.times(g.where(g.make(Op::Eq, {x, zero}), atZero, partial));
}

// max/min: the chosen side gets the adjoint, and each side half of it on a tie.
NodeId extremumRule(Graph& g, NodeId n, size_t i, NodeId adjoint, Op wins) {
  NodeId self = g.arg(n, i), other = g.arg(n, 1 - i);
  NodeId zero = g.constant(0);
  NodeId tie = g.where(g.make(Op::Eq, {self, other}), g.mul(g.constant(0.5), adjoint), zero);
  return g.where(g.make(wins, {self, other}), adjoint, tie);
}

}  // namespace

NodeId backpropagate(Graph& g, NodeId n, size_t i, NodeId adjoint, AdjointContext context, NodeId result) {
  RuleBuilder r(g, adjoint, context);
  NodeId x = g.arg(n, i);
  // `out` is the op's result where PyTorch's backward uses its saved result; when
  // the result is a binding, that binding (see savesResult).
  NodeId out = result == kNoNode ? n : result;
  switch (g.op(n)) {
    case Op::Const:
    case Op::Variable: return kNoNode;
    case Op::Binding: return adjoint;
    case Op::Add: return adjoint;
    case Op::Sub: return i == 0 ? adjoint : g.neg(adjoint);
    case Op::Mul: return r.times(g.arg(n, 1 - i));
    case Op::Div:
      if (i == 0) return r.over(g.arg(n, 1));
      // -(a/b)/b, as PyTorch; for 1/b that is -(1/b)^2, the same for every b (zeros,
      // infinities, overflow alike) without a second division.
      if (g.isConstant(g.arg(n, 0), 1)) return r.times(g.neg(g.mul(n, n)));
      return r.times(g.neg(g.div(n, g.arg(n, 1))));
    case Op::Pow: return powRule(g, n, out, i, r);
    case Op::Neg: return g.neg(adjoint);
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
    case Op::Eq:
    case Op::Ne: return kNoNode;  // a comparison is not a number
    case Op::Where: {
      NodeId c = g.arg(n, 0), zero = g.constant(0);
      if (i == 0) return kNoNode;
      return i == 1 ? g.where(c, adjoint, zero) : g.where(c, zero, adjoint);
    }
    case Op::Exp: return r.times(out);
    case Op::Log: return r.over(x);
    case Op::Log1p: return r.over(g.add(one(g), x));
    case Op::Expm1: return r.times(g.add(out, one(g)));
    case Op::Sqrt: return r.over(g.mul(g.constant(2), out));
    case Op::Sin: return r.times(g.make(Op::Cos, {x}));
    case Op::Cos: return r.times(g.neg(g.make(Op::Sin, {x})));
    case Op::Tan: return r.times(g.add(one(g), square(g, out)));
    case Op::Asin: return r.over(g.make(Op::Sqrt, {g.sub(one(g), square(g, x))}));
    case Op::Acos: return r.times(g.neg(g.div(one(g), g.make(Op::Sqrt, {g.sub(one(g), square(g, x))}))));
    case Op::Atan: return r.over(g.add(one(g), square(g, x)));
    case Op::Atan2: {
      // atan2(y, x): d/dy = x/(x^2+y^2), d/dx = -y/(x^2+y^2)
      NodeId y = g.arg(n, 0), xx = g.arg(n, 1);
      NodeId r2 = g.add(square(g, xx), square(g, y));
      return r.times(i == 0 ? g.div(xx, r2) : g.neg(g.div(y, r2)));
    }
    case Op::Sinh: return r.times(g.make(Op::Cosh, {x}));
    case Op::Cosh: return r.times(g.make(Op::Sinh, {x}));
    case Op::Tanh: return r.times(g.sub(one(g), square(g, out)));
    case Op::Abs: return r.times(g.make(Op::Sign, {x}));  // abs'(0) = sign(0) = 0, as PyTorch
    case Op::Sign: return kNoNode;
    case Op::Min: return extremumRule(g, n, i, adjoint, Op::Lt);
    case Op::Max: return extremumRule(g, n, i, adjoint, Op::Gt);
    case Op::Hypot: return r.times(g.div(x, out));
    case Op::Sigmoid: return r.times(g.mul(out, g.sub(one(g), out)));
    case Op::Softplus: return r.times(g.make(Op::Sigmoid, {x}));
    case Op::Relu: return g.where(g.make(Op::Gt, {x, g.constant(0)}), adjoint, g.constant(0));
    case Op::Logsumexp: return r.times(g.make(Op::Exp, {g.sub(x, out)}));
    case Op::Erf: {
      NodeId scale = g.constant(2 * std::numbers::inv_sqrtpi);
      return r.times(g.mul(scale, g.make(Op::Exp, {g.neg(square(g, x))})));
    }
  }
  return kNoNode;
}

bool savesResult(Op op) {
  switch (op) {
    case Op::Pow:
    case Op::Exp:
    case Op::Expm1:
    case Op::Sqrt:
    case Op::Tan:
    case Op::Tanh:
    case Op::Hypot:
    case Op::Sigmoid:
    case Op::Logsumexp: return true;
    case Op::Const:
    case Op::Variable:
    case Op::Binding:
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div:
    case Op::Neg:
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
    case Op::Eq:
    case Op::Ne:
    case Op::Where:
    case Op::Log:
    case Op::Log1p:
    case Op::Sin:
    case Op::Cos:
    case Op::Asin:
    case Op::Acos:
    case Op::Atan:
    case Op::Atan2:
    case Op::Sinh:
    case Op::Cosh:
    case Op::Abs:
    case Op::Sign:
    case Op::Min:
    case Op::Max:
    case Op::Softplus:
    case Op::Relu:
    case Op::Erf: return false;
  }
  return false;
}

}  // namespace gradc
