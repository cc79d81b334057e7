#include "compiler/simplify/simplify.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "../test_support.hpp"
#include "compiler/graph/traversal.hpp"
#include "compiler/interp/evaluate.hpp"

namespace gradc {
namespace {

using testing::compileText;

TEST(Simplify, ErasesBindingsAndKeepsTheirNamesAsHints) {
  auto r = compileText("input x\nparam w = 2\nl = w * x\ny = l * l\noutput y\n");
  ASSERT_TRUE(r.model);
  const ModelGraph& m = r.model->simplified;
  for (NodeId n = 0; n < m.graph.size(); ++n) EXPECT_NE(m.graph.op(n), Op::Binding);
  NodeId l = m.bindings[0].node;
  EXPECT_EQ(m.nameHints.at(l), "l");
  EXPECT_EQ(m.graph.op(m.outputs[0].node), Op::Pow);
}

TEST(Simplify, ConstantsMeetingThroughABindingFold) {
  auto r = compileText("a = 2\nb = a * 3\noutput b\n");
  ASSERT_TRUE(r.model);
  EXPECT_EQ(r.model->simplified.graph.op(r.model->simplified.outputs[0].node), Op::Const);
}

TEST(Simplify, EqualFormulasOfTwoBindingsMerge) {
  auto r = compileText("input x\na = sin(x)\nb = sin(x)\noutput o = a + b\n");
  ASSERT_TRUE(r.model);
  const ModelGraph& m = r.model->simplified;
  // a + b is 2*sin(x) once the bindings are gone.
  NodeId o = m.outputs[0].node;
  EXPECT_EQ(m.graph.op(o), Op::Mul);
  EXPECT_EQ(reachableCount(m.graph, std::span(&o, 1)), 4u);
}

TEST(Simplify, DropsNodesNoOutputUses) {
  auto r = compileText("input x\nparam w = 1\ny = sin(w * x)\noutput g = grad(y, w)\n");
  ASSERT_TRUE(r.model);
  EXPECT_LT(r.model->simplified.graph.size(), r.model->analyzed.graph.size());
}

// Simplification never changes a value: compare the analysed graph (bindings and
// all) with the simplified one at random points, outputs of random derivatives.
TEST(Simplify, KeepsValuesAtRandomPoints) {
  auto r = compileText(
      "input x, y\nparam w = 0.7\nl = w * x + y\nm = tanh(l) * exp(-y^2) + sigmoid(l) / (1 + x^2)\n"
      "n = where(x > 0, log(x), 0) + softplus(m) - logsumexp(x, y, m)\n"
      "output n\noutput dx = grad(n, x)\noutput dy = grad(n, y)\noutput dl = grad(n, l)\n"
      "output dxx = grad(grad(n, x), x)\noutput dwl = grad(grad(n, l), w)\n");
  ASSERT_TRUE(r.model) << ::testing::PrintToString(r.diagnostics);
  const ModelGraph& a = r.model->analyzed;
  const ModelGraph& s = r.model->simplified;
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-3, 3);
  std::vector<NodeId> ra, rs;
  for (size_t i = 0; i < a.outputs.size(); ++i) {
    ra.push_back(a.outputs[i].node);
    rs.push_back(s.outputs[i].node);
  }
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<double> vars = {u(rng), u(rng), u(rng)};
    auto va = evaluate(a.graph, ra, vars);
    auto vs = evaluate(s.graph, rs, vars);
    for (size_t i = 0; i < va.size(); ++i) {
      if (std::isfinite(va[i])) {
        EXPECT_EQ(va[i], vs[i]) << s.outputs[i].name;
      }
    }
  }
}

}  // namespace
}  // namespace gradc
