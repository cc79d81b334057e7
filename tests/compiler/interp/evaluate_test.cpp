#include "compiler/interp/evaluate.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace gradc {
namespace {

TEST(Evaluate, ComputesEachRootOnce) {
  Graph g;
  NodeId x = g.variable(g.addVariable("x", VariableKind::Input));
  NodeId s = g.make(Op::Sin, {x});
  NodeId roots[] = {s, g.mul(s, g.constant(2)), x};
  std::vector<double> v = {0.5};
  auto out = evaluate(g, roots, v);
  EXPECT_EQ(out[0], std::sin(0.5));
  EXPECT_EQ(out[1], 2 * std::sin(0.5));
  EXPECT_EQ(out[2], 0.5);
}

TEST(Evaluate, PerturbationShiftsOneNode) {
  Graph g;
  NodeId x = g.variable(g.addVariable("x", VariableKind::Input));
  NodeId l = g.binding(g.addBinding("l"), g.mul(x, g.constant(3)));
  NodeId y = g.add(l, x);
  std::vector<double> v = {1};
  EXPECT_EQ(evaluate(g, std::span(&y, 1), v, {l, 0.5})[0], 4.5);
  EXPECT_EQ(evaluate(g, std::span(&y, 1), v, {x, 0.5})[0], 6);
}

TEST(Evaluate, IeeeValuesFlow) {
  Graph g;
  NodeId x = g.variable(g.addVariable("x", VariableKind::Input));
  NodeId f = g.div(g.constant(1), x);
  std::vector<double> v = {0};
  EXPECT_EQ(evaluate(g, std::span(&f, 1), v)[0], INFINITY);
}

}  // namespace
}  // namespace gradc
