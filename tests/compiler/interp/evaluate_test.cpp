#include "compiler/interp/evaluate.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "compiler/graph/op_semantics.hpp"

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

// exp(x - L) over one of L's operands is L's softmax weight of x (exp(x - m) / (1 +
// rest)), the value the kernels compute; any other exp(y - L) is exp of a difference.
TEST(Evaluate, SoftmaxWeightsOfALogsumexp) {
  Graph g;
  NodeId x = g.variable(g.addVariable("x", VariableKind::Input));
  NodeId y = g.variable(g.addVariable("y", VariableKind::Input));
  NodeId two = g.mul(x, g.constant(2));
  NodeId l = g.make(Op::Logsumexp, {x, two});
  NodeId roots[] = {g.make(Op::Exp, {g.sub(x, l)}), g.make(Op::Exp, {g.sub(two, l)}),
                    g.make(Op::Exp, {g.sub(y, l)})};
  std::vector<double> v = {0.3, 0.3};
  auto out = evaluate(g, roots, v);
  std::vector<double> terms = {0.3, 0.6};
  LogsumexpParts parts = stableLogsumexpParts(terms);
  EXPECT_EQ(out[0], softmaxWeight(0.3, parts));
  EXPECT_EQ(out[1], softmaxWeight(0.6, parts));
  EXPECT_EQ(out[2], std::exp(0.3 - parts.value));
  EXPECT_NEAR(out[0] + out[1], 1, 2e-16);
}

}  // namespace
}  // namespace gradc
