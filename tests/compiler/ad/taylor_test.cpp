#include "compiler/ad/taylor.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <cmath>
#include <functional>

#include "compiler/ad/reverse.hpp"
#include "compiler/graph/traversal.hpp"
#include "compiler/interp/evaluate.hpp"

namespace gradc {
namespace {

double eval(const Graph& g, NodeId n, std::vector<double> values) {
  return evaluate(g, std::span(&n, 1), values)[0];
}

struct Model {
  Graph g;
  NodeId x, w;
  Model() {
    x = g.variable(g.addVariable("x", VariableKind::Input));
    w = g.variable(g.addVariable("w", VariableKind::Param));
  }
};

using Build = std::function<NodeId(Graph&, NodeId x, NodeId w)>;

NodeId un(Graph& g, Op op, NodeId a) { return g.make(op, {a}); }

// Smooth functions of x and w, each exercising ops of the chain rule and Leibniz's.
std::vector<std::pair<std::string, Build>> smoothFunctions() {
  return {
      {"nested sin",
       [](Graph& g, NodeId x, NodeId) { return un(g, Op::Sin, un(g, Op::Sin, un(g, Op::Sin, x))); }},
      {"product and quotient",
       [](Graph& g, NodeId x, NodeId w) {
         return g.div(g.mul(un(g, Op::Exp, g.mul(w, x)), un(g, Op::Cos, x)),
                      g.add(g.constant(2), un(g, Op::Sin, x)));
       }},
      {"powers", [](Graph& g, NodeId x, NodeId w) { return g.pow(g.add(x, w), g.constant(3.5)); }},
      {"tanh and sigmoid",
       [](Graph& g, NodeId x, NodeId w) {
         return g.mul(un(g, Op::Tanh, g.mul(w, x)), un(g, Op::Sigmoid, g.sub(x, w)));
       }},
      {"logs and roots",
       [](Graph& g, NodeId x, NodeId w) {
         return g.add(un(g, Op::Log, g.add(x, w)), g.mul(un(g, Op::Sqrt, x), un(g, Op::Log1p, x)));
       }},
      {"inverse trig",
       [](Graph& g, NodeId x, NodeId w) {
         return g.add(g.add(un(g, Op::Asin, g.mul(x, g.constant(0.5))), un(g, Op::Acos, g.mul(w, x))),
                      g.add(un(g, Op::Atan, x), g.make(Op::Atan2, {x, w})));
       }},
      {"hyperbolic and tan",
       [](Graph& g, NodeId x, NodeId) {
         return g.add(g.mul(un(g, Op::Sinh, x), un(g, Op::Cosh, x)), un(g, Op::Tan, x));
       }},
      {"stable forms",
       [](Graph& g, NodeId x, NodeId w) {
         NodeId a[] = {x, g.mul(w, x), g.constant(0.3)};
         return g.add(g.add(g.make(Op::Logsumexp, a), un(g, Op::Softplus, g.mul(w, x))),
                      g.add(un(g, Op::Expm1, x), un(g, Op::Erf, x)));
       }},
      {"hypot",
       [](Graph& g, NodeId x, NodeId w) {
         return g.make(Op::Hypot, {un(g, Op::Sin, x), w});
       }},
  };
}

// The reference: derivative of derivative by reverse sweeps only (0 where a sweep
// finds no dependence).
NodeId repeatedReverse(Graph& g, NodeId f, NodeId wrt, int order) {
  Differentiator reverse(g, INT_MAX);
  for (int k = 0; k < order; ++k) f = reverse.gradient(f, wrt).value_or(g.constant(0));
  return f;
}

void expectClose(double expected, double actual, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-9 * std::max(1.0, std::abs(expected))) << what;
}

TEST(Taylor, AgreesWithRepeatedReverseSweeps) {
  for (const auto& [name, build] : smoothFunctions())
    for (NodeId Model::*wrt : {&Model::x, &Model::w})
      for (int order = 1; order <= 6; ++order) {
        Model m;
        NodeId f = build(m.g, m.x, m.w);
        NodeId seed = m.*wrt;
        TaylorDerivatives taylor(m.g, seed);
        ASSERT_TRUE(taylor.handles(f)) << name;
        std::optional<NodeId> d = taylor.derivative(f, order);
        NodeId reference = repeatedReverse(m.g, f, seed, order);
        std::string what = name + ", order " + std::to_string(order) + (wrt == &Model::x ? " in x" : " in w");
        if (m.g.isConstant(reference, 0)) {
          EXPECT_TRUE(!d || m.g.isConstant(*d, 0)) << what;
          continue;
        }
        ASSERT_TRUE(d.has_value()) << what;
        for (auto at : {std::vector<double>{0.4, 0.7}, std::vector<double>{0.6, 1.1}})
          expectClose(eval(m.g, reference, at), eval(m.g, *d, at), what);
      }
}

TEST(Taylor, ABindingCountsOnlyPathsThroughIt) {
  Model m;
  Graph& g = m.g;
  NodeId l = g.binding(g.addBinding("l"), un(g, Op::Sin, m.x));
  // y = exp(l) * sin(x): the second factor is the same formula as l but not l.
  NodeId y = g.mul(un(g, Op::Exp, l), un(g, Op::Sin, m.x));
  TaylorDerivatives taylor(g, l);
  NodeId d4 = *taylor.derivative(y, 4);
  EXPECT_DOUBLE_EQ(eval(g, d4, {0.5, 0}), eval(g, y, {0.5, 0}));  // d^k/dl^k exp(l) = exp(l)
  EXPECT_DOUBLE_EQ(eval(g, d4, {0.5, 0}), eval(g, repeatedReverse(g, y, l, 4), {0.5, 0}));
}

// With w = tanh(v), the third derivative by v is written with w standing for
// tanh(v), as the reverse sweeps write it (savesResult): a grad with respect to w
// of it is what the sweeps give, not 0.
TEST(Taylor, ABindingOfASavedResultStaysInTheDerivative) {
  Model m;
  Graph& g = m.g;
  NodeId w = g.binding(g.addBinding("w"), un(g, Op::Tanh, m.x));
  Differentiator d(g);
  NodeId third = *d.gradient(*d.gradient(*d.gradient(w, m.x), m.x), m.x);
  std::optional<NodeId> byW = d.gradient(third, w);
  ASSERT_TRUE(byW.has_value());
  Differentiator reverse(g, INT_MAX);
  NodeId reference = *reverse.gradient(repeatedReverse(g, w, m.x, 3), w);
  for (double x : {0.3, -1.2}) {
    EXPECT_NEAR(eval(g, third, {x, 0}), eval(g, repeatedReverse(g, w, m.x, 3), {x, 0}), 1e-12);
    EXPECT_NEAR(eval(g, *byW, {x, 0}), eval(g, reference, {x, 0}), 1e-12);
  }
}

// Each operand of a logsumexp has its own partial, also past the 256th.
TEST(Taylor, LogsumexpOfManyTerms) {
  Model m;
  Graph& g = m.g;
  std::vector<NodeId> terms;
  for (int i = 0; i < 300; ++i) terms.push_back(g.mul(m.x, g.constant(0.01 * (i % 37) - 0.2 + 1e-4 * i)));
  NodeId l = g.make(Op::Logsumexp, terms);
  NodeId d3 = *TaylorDerivatives(g, m.x).derivative(l, 3);
  for (double x : {0.5, -2.0})
    expectClose(eval(g, repeatedReverse(g, l, m.x, 3), {x, 0}), eval(g, d3, {x, 0}), "x");
}

TEST(Taylor, NoDependenceAndZeroDerivatives) {
  Model m;
  Graph& g = m.g;
  TaylorDerivatives taylor(g, m.x);
  EXPECT_FALSE(taylor.derivative(un(g, Op::Sin, m.w), 3).has_value());
  // x^3 depends on x, but its 4th derivative is identically zero.
  std::optional<NodeId> d = taylor.derivative(g.pow(m.x, g.constant(3)), 4);
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(g.isConstant(*d, 0));
  EXPECT_EQ(eval(g, *taylor.derivative(g.pow(m.x, g.constant(3)), 3), {2, 0}), 6);
}

TEST(Taylor, OnlySmoothOps) {
  Model m;
  Graph& g = m.g;
  TaylorDerivatives taylor(g, m.x);
  EXPECT_TRUE(taylor.handles(g.pow(m.x, g.constant(2.5))));
  EXPECT_FALSE(taylor.handles(g.pow(m.x, m.w)));  // PyTorch's cases at 0
  EXPECT_FALSE(taylor.handles(g.mul(m.x, un(g, Op::Relu, m.x))));
  EXPECT_FALSE(taylor.handles(g.where(g.make(Op::Gt, {m.x, m.w}), m.x, m.w)));
  // The seed binding's own formula is not looked into.
  NodeId l = g.binding(g.addBinding("l"), un(g, Op::Abs, m.x));
  EXPECT_FALSE(taylor.handles(un(g, Op::Sin, l)));
  EXPECT_TRUE(TaylorDerivatives(g, l).handles(un(g, Op::Sin, l)));
}

TEST(Taylor, TenthDerivativeOfNestedSinIsSmall) {
  Model m;
  Graph& g = m.g;
  NodeId f = m.x;
  for (int i = 0; i < 7; ++i) f = un(g, Op::Sin, f);
  TaylorDerivatives taylor(g, m.x);
  NodeId d = *taylor.derivative(f, 10);
  EXPECT_LT(reachableCount(g, std::span(&d, 1)), 3000u);  // 71,813 by reverse sweeps
  EXPECT_NEAR(eval(g, d, {0.5, 0}), -115005.69126447628, 1e-6);
}

TEST(Taylor, DifferentiatorUsesItFromItsOrderOn) {
  Model m;
  Graph& g = m.g;
  NodeId f = m.x;
  for (int i = 0; i < 7; ++i) f = un(g, Op::Sin, f);
  Differentiator d(g);
  NodeId r = f;
  for (int k = 0; k < 10; ++k) r = *d.gradient(r, m.x);
  EXPECT_LT(reachableCount(g, std::span(&r, 1)), 3000u);
  EXPECT_NEAR(eval(g, r, {0.5, 0}), -115005.69126447628, 1e-6);
  // A mixed derivative stays with reverse sweeps, and is right.
  NodeId mixed = *d.gradient(*d.gradient(*d.gradient(g.mul(f, m.w), m.x), m.x), m.w);
  EXPECT_NEAR(eval(g, mixed, {0.5, 2}), eval(g, repeatedReverse(g, f, m.x, 2), {0.5, 2}), 1e-12);
}

TEST(Taylor, DeepChainDoesNotOverflowTheStack) {
  Model m;
  Graph& g = m.g;
  NodeId h = m.x;
  for (int i = 0; i < 50000; ++i) h = un(g, Op::Sin, g.add(h, g.constant(1e-3)));
  TaylorDerivatives taylor(g, m.x);
  ASSERT_TRUE(taylor.handles(h));
  EXPECT_TRUE(std::isfinite(eval(g, *taylor.derivative(h, 3), {0.5, 0})));
}

}  // namespace
}  // namespace gradc
