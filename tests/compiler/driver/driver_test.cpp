#include <gtest/gtest.h>

#include "../test_support.hpp"
#include "compiler/driver/finite_difference.hpp"
#include "compiler/driver/stats.hpp"

namespace gradc {
namespace {

using testing::compileText;

std::vector<double> defaults(const ModelGraph& m, double input) {
  std::vector<double> v(m.graph.variables().size(), input);
  for (size_t i = 0; i < m.params.size(); ++i) v[m.params[i]] = m.paramDefaults[i];
  return v;
}

TEST(FiniteDifference, AgreesOnSmoothGradientsIncludingBindings) {
  auto r = compileText(
      "input x\nparam w = 0.7\nl = sin(w * x)\ny = l * exp(l) + x\n"
      "output a = grad(y, l)\noutput b = grad(y, w)\noutput c = grad(grad(y, x), w)\n");
  ASSERT_TRUE(r.model);
  auto checks = checkGradients(r.model->analyzed, defaults(r.model->analyzed, 1.3));
  ASSERT_EQ(checks.size(), 4u);  // the inner grad of c is checked too
  for (const auto& c : checks)
    EXPECT_TRUE(c.agrees) << c.record->text << ": " << c.analytic << " vs " << c.numeric;
}

TEST(FiniteDifference, FindsAMismatchAtAKink) {
  // abs'(0) is 0 by convention; the central difference of |x| at 0 is 0 too, but
  // relu(x) + x at 0 has one-sided slopes 1 and 2: the difference says 1.5.
  auto r = compileText("input x\noutput d = grad(relu(x) + x, x)\n");
  ASSERT_TRUE(r.model);
  auto checks = checkGradients(r.model->analyzed, defaults(r.model->analyzed, 0.0));
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_FALSE(checks[0].agrees);
  EXPECT_EQ(checks[0].analytic, 1);
  EXPECT_NEAR(checks[0].numeric, 1.5, 1e-9);
}

TEST(Stats, CountsValuesAndDerivatives) {
  auto r = compileText("input x\nparam w = 2\ny = sin(w * x)\noutput y\noutput d = grad(y, w)\n");
  ASSERT_TRUE(r.model);
  std::string text = formatStats(*r.model);
  EXPECT_NE(text.find("inputs 1, params 1, bindings 2, outputs 2, grads taken 1"), std::string::npos) << text;
  EXPECT_NE(text.find("nodes, value outputs only:   4"), std::string::npos) << text;
  EXPECT_EQ(text.find("more outputs not counted"), std::string::npos) << text;
}

// 201 outputs, each with a graph of hundreds of nodes: with a budget of 10,000
// nodes the rows stop early and say so.
TEST(Stats, RowsStopWithinTheirBudget) {
  std::string text = "input x\nh0 = x\n";
  for (int k = 1; k <= 200; ++k) text += "h" + std::to_string(k) + " = sin(h" + std::to_string(k - 1) + ")\n";
  text += "output h200\n";
  for (int k = 1; k <= 200; ++k)
    text += "output d" + std::to_string(k) + " = grad(h200, h" + std::to_string(k) + ")\n";
  auto r = compileText(text);
  ASSERT_TRUE(r.model);
  std::string stats = formatStats(*r.model, 10000);
  size_t rows = 0;
  for (size_t at = stats.find("\nd"); at != std::string::npos; at = stats.find("\nd", at + 1)) ++rows;
  EXPECT_GT(rows, 0u);
  EXPECT_LT(rows, 200u);
  EXPECT_NE(stats.find("more outputs not counted"), std::string::npos) << stats.substr(stats.size() - 200);
}

}  // namespace
}  // namespace gradc
