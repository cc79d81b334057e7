#include "compiler/ad/reverse.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "compiler/graph/traversal.hpp"
#include "compiler/interp/evaluate.hpp"

namespace gradc {
namespace {

double eval(const Graph& g, NodeId n, std::vector<double> values) {
  return evaluate(g, std::span(&n, 1), values)[0];
}

TEST(Reverse, BindingCountsOnlyPathsThroughIt) {
  Graph g;
  NodeId x = g.variable(g.addVariable("x", VariableKind::Input));
  NodeId l = g.binding(g.addBinding("l"), g.mul(x, g.constant(3)));
  NodeId m = g.binding(g.addBinding("m"), g.mul(x, g.constant(3)));  // same formula, another value
  NodeId y = g.add(g.mul(l, l), m);
  Differentiator d(g);
  EXPECT_EQ(eval(g, *d.gradient(y, l), {2}), 12);  // 2*l
  EXPECT_EQ(eval(g, *d.gradient(y, m), {2}), 1);
  EXPECT_EQ(eval(g, *d.gradient(y, x), {2}), 2 * 6 * 3 + 3);
}

TEST(Reverse, NoDependenceIsNullopt) {
  Graph g;
  NodeId x = g.variable(g.addVariable("x", VariableKind::Input));
  NodeId w = g.variable(g.addVariable("w", VariableKind::Param));
  Differentiator d(g);
  EXPECT_FALSE(d.gradient(g.make(Op::Sin, {x}), w).has_value());
  // Depends, but the derivative is identically zero: a zero, not "no dependence".
  auto zero = d.gradient(g.make(Op::Sign, {w}), w);
  ASSERT_TRUE(zero.has_value());
  EXPECT_TRUE(g.isConstant(*zero, 0));
}

TEST(Reverse, WhereDoesNotLeakTheOtherBranch) {
  Graph g;
  NodeId x = g.variable(g.addVariable("x", VariableKind::Input));
  NodeId zero = g.constant(0);
  NodeId cond = g.make(Op::Gt, {x, zero});
  NodeId s = g.binding(g.addBinding("s"), g.make(Op::Log, {x}));
  // The binding is used twice under two conditions: the adjoint is a sum of masks.
  NodeId y = g.add(g.where(cond, s, zero), g.where(g.make(Op::Gt, {x, g.constant(1)}), s, zero));
  Differentiator d(g);
  NodeId dy = *d.gradient(y, x);
  EXPECT_EQ(eval(g, dy, {-1}), 0);
  EXPECT_EQ(eval(g, dy, {0}), 0);
  EXPECT_DOUBLE_EQ(eval(g, dy, {2}), 1.0);
  NodeId d2y = *d.gradient(dy, x);
  EXPECT_EQ(eval(g, d2y, {-1}), 0);
  EXPECT_DOUBLE_EQ(eval(g, d2y, {2}), -0.5);
}

// A masked adjoint (here from the where in pow's rule for a variable exponent) can
// be an isolated zero (sinh(0)) whose derivative is not: guarding the product by
// adj != 0 alone made the 4th derivative of cosh(x)^w at 0 w^2 instead of
// w + 3 w (w - 1). Only a non-finite partial needs the guard.
TEST(Reverse, MaskedProductsDifferentiateAtIsolatedZeros) {
  Graph g;
  NodeId x = g.variable(g.addVariable("x", VariableKind::Input));
  NodeId w = g.variable(g.addVariable("w", VariableKind::Param));
  NodeId f = g.pow(g.make(Op::Cosh, {x}), w);
  Differentiator d(g);
  NodeId d2 = *d.gradient(*d.gradient(f, x), x);
  NodeId d4 = *d.gradient(*d.gradient(d2, x), x);
  for (double wv : {0.7, 2.5}) {
    EXPECT_NEAR(eval(g, d2, {0, wv}), wv, 1e-14);
    EXPECT_NEAR(eval(g, d4, {0, wv}), wv + 3 * wv * (wv - 1), 1e-12);
  }
  // The guard still keeps 0 * inf out: sqrt's derivative at 0 on the branch not taken.
  NodeId y = g.where(g.make(Op::Gt, {x, g.constant(0)}), g.make(Op::Sqrt, {x}), g.mul(w, x));
  NodeId dy = *d.gradient(y, x);
  EXPECT_EQ(eval(g, dy, {0, 3}), 3);
  EXPECT_EQ(eval(g, *d.gradient(dy, x), {0, 3}), 0);
}

TEST(Reverse, SeedNetwork) {
  Graph g;
  NodeId x = g.variable(g.addVariable("x", VariableKind::Input));
  NodeId w1 = g.variable(g.addVariable("w1", VariableKind::Param));
  NodeId w2 = g.variable(g.addVariable("w2", VariableKind::Param));
  NodeId b2 = g.variable(g.addVariable("b2", VariableKind::Param));
  NodeId l = g.binding(g.addBinding("l"), g.mul(w1, x));
  NodeId y = g.binding(g.addBinding("y"), g.pow(g.add(g.mul(l, w2), b2), g.constant(2)));
  Differentiator d(g);
  std::vector<double> at = {4, 3, 2, 6};
  NodeId f = g.binding(g.addBinding("f"), *d.gradient(y, l));
  EXPECT_EQ(eval(g, y, at), 900);
  EXPECT_EQ(eval(g, f, at), 120);
  EXPECT_EQ(eval(g, *d.gradient(y, w1), at), 480);
  EXPECT_EQ(eval(g, *d.gradient(y, w2), at), 720);
  EXPECT_EQ(eval(g, *d.gradient(y, b2), at), 60);
  EXPECT_EQ(eval(g, *d.gradient(f, w1), at), 32);
  EXPECT_EQ(eval(g, *d.gradient(f, w2), at), 108);
  EXPECT_EQ(eval(g, *d.gradient(f, b2), at), 4);
  EXPECT_EQ(eval(g, *d.gradient(*d.gradient(y, w1), w1), at), 128);
  EXPECT_EQ(eval(g, *d.gradient(g.add(y, f), w1), at), 512);
  EXPECT_EQ(eval(g, *d.gradient(g.add(y, f), w2), at), 828);
  EXPECT_EQ(eval(g, *d.gradient(g.add(y, f), b2), at), 64);
}

TEST(Reverse, DeepChainDoesNotOverflowTheStack) {
  Graph g;
  NodeId x = g.variable(g.addVariable("x", VariableKind::Input));
  NodeId h = x;
  for (int i = 0; i < 200000; ++i) h = g.make(Op::Sin, {g.add(h, g.constant(1))});
  Differentiator d(g);
  NodeId dh = *d.gradient(h, x);
  EXPECT_TRUE(std::isfinite(eval(g, dh, {0.5})));
}

TEST(Reverse, TenthDerivativeOfNestedSinStaysSmall) {
  Graph g;
  NodeId x = g.variable(g.addVariable("x", VariableKind::Input));
  NodeId f = x;
  for (int i = 0; i < 7; ++i) f = g.make(Op::Sin, {f});
  Differentiator d(g);
  for (int k = 0; k < 10; ++k) f = *d.gradient(f, x);
  EXPECT_LT(reachableCount(g, std::span(&f, 1)), 200000u);
  EXPECT_TRUE(std::isfinite(eval(g, f, {0.3})));
}

}  // namespace
}  // namespace gradc
