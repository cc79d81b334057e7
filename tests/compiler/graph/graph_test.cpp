#include "compiler/graph/graph.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "compiler/graph/traversal.hpp"

namespace gradc {
namespace {

class GraphTest : public ::testing::Test {
 protected:
  Graph g;
  NodeId x = g.variable(g.addVariable("x", VariableKind::Input));
  NodeId y = g.variable(g.addVariable("y", VariableKind::Param));
};

TEST_F(GraphTest, EqualNodesAreInterned) {
  EXPECT_EQ(g.make(Op::Sin, {x}), g.make(Op::Sin, {x}));
  EXPECT_EQ(g.constant(2.5), g.constant(2.5));
  EXPECT_NE(g.constant(0.0), g.constant(-0.0));  // distinct values
  double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(g.constant(nan), g.constant(-nan));
}

TEST_F(GraphTest, CommutativeOperandsAreOrdered) {
  EXPECT_EQ(g.add(x, y), g.add(y, x));
  EXPECT_EQ(g.mul(g.make(Op::Sin, {x}), g.constant(2)), g.mul(g.constant(2), g.make(Op::Sin, {x})));
  EXPECT_EQ(g.arg(g.mul(g.make(Op::Sin, {x}), g.constant(2)), 0), g.constant(2));
  EXPECT_NE(g.sub(x, y), g.sub(y, x));
}

TEST_F(GraphTest, ConstantsFold) {
  EXPECT_EQ(g.add(g.constant(2), g.constant(3)), g.constant(5));
  EXPECT_EQ(g.make(Op::Softplus, {g.constant(1000)}), g.constant(1000));
  EXPECT_EQ(g.div(g.constant(1), g.constant(0)), g.constant(INFINITY));
  EXPECT_EQ(g.type(g.make(Op::Lt, {g.constant(1), g.constant(2)})), Type::Bool);
}

TEST_F(GraphTest, IdentitiesThatKeepFiniteResults) {
  EXPECT_EQ(g.add(x, g.constant(-0.0)), x);
  EXPECT_NE(g.add(x, g.constant(0.0)), x);  // -0 + 0 is +0: the sign of a zero is kept
  EXPECT_EQ(g.sub(x, g.constant(0.0)), x);
  EXPECT_EQ(g.sub(g.constant(-0.0), x), g.neg(x));
  EXPECT_NE(g.neg(g.sub(x, y)), g.sub(y, x));  // -(x - x) is -0, x - x is +0
  EXPECT_EQ(g.mul(g.constant(1), x), x);
  EXPECT_EQ(g.div(x, g.constant(1)), x);
  EXPECT_EQ(g.pow(x, g.constant(1)), x);
  EXPECT_EQ(g.pow(x, g.constant(0)), g.constant(1));
  EXPECT_EQ(g.neg(g.neg(x)), x);
  EXPECT_EQ(g.add(x, g.neg(y)), g.sub(x, y));
  EXPECT_EQ(g.mul(x, x), g.pow(x, g.constant(2)));
  EXPECT_EQ(g.add(x, x), g.mul(g.constant(2), x));
  EXPECT_EQ(g.mul(g.constant(-1), x), g.neg(x));
  NodeId c = g.make(Op::Gt, {x, y});
  EXPECT_EQ(g.where(c, x, x), x);
  EXPECT_EQ(g.where(g.boolean(true), x, y), x);
}

TEST_F(GraphTest, ZeroTimesSomethingIsNotFolded) {
  // 0*x is NaN for x = inf: not a rewrite that keeps every finite result's meaning.
  EXPECT_EQ(g.op(g.mul(g.constant(0), x)), Op::Mul);
  EXPECT_EQ(g.op(g.sub(x, x)), Op::Sub);
}

TEST_F(GraphTest, OperandsPrecedeUsers) {
  NodeId f = g.add(g.make(Op::Exp, {x}), g.make(Op::Log, {y}));
  for (NodeId n = 0; n < g.size(); ++n)
    for (NodeId a : g.args(n)) EXPECT_LT(a, n);
  auto order = topologicalOrder(g, std::span(&f, 1));
  EXPECT_EQ(order.back(), f);
  EXPECT_EQ(order.size(), 5u);
}

TEST_F(GraphTest, BindingsKeepIdentity) {
  NodeId formula = g.mul(x, y);
  NodeId a = g.binding(g.addBinding("a"), formula);
  NodeId b = g.binding(g.addBinding("b"), formula);
  EXPECT_NE(a, b);
  EXPECT_EQ(g.arg(a, 0), g.arg(b, 0));
}

TEST_F(GraphTest, UseCounts) {
  NodeId s = g.make(Op::Sin, {x});
  NodeId f = g.add(g.mul(s, y), s);
  auto uses = useCounts(g, std::span(&f, 1));
  EXPECT_EQ(uses[s], 2u);
  EXPECT_EQ(uses[f], 1u);
}

TEST_F(GraphTest, IntegerValuedConstantsInternQuickly) {
  // Their doubles share all low bits; a weak hash put them in one probe chain.
  for (int k = 0; k < 200000; ++k) g.constant(k);
  EXPECT_EQ(g.constant(12345), g.constant(12345.0));
  EXPECT_GE(g.size(), 200000u);
}

TEST_F(GraphTest, MillionNodeChain) {
  NodeId h = x;
  for (int i = 0; i < 1000000; ++i) h = g.add(h, y);
  EXPECT_EQ(reachableCount(g, std::span(&h, 1)), 1000002u);
}

}  // namespace
}  // namespace gradc
