#include "compiler/sema/analyze.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "../test_support.hpp"

namespace gradc {
namespace {

using testing::compileText;
using testing::evaluateOutputs;

std::string firstDiagnostic(const std::string& text) {
  auto r = compileText(text);
  return r.diagnostics.empty() ? "(none)" : r.diagnostics.front();
}

TEST(Analyze, SeedNetwork) {
  auto r = compileText(
      "input x\nparam w1 = 3, w2 = 2\nparam b2 = 6\nl = w1 * x\ny = (l * w2 + b2) ^ 2\nf = grad(y, l)\n"
      "output y\noutput dy_dl = grad(y, l)\noutput dy_dw1 = grad(y, w1)\noutput df_dw2 = grad(f, w2)\n"
      "output d2y_dw1 = grad(grad(y, w1), w1)\noutput acc_w1 = grad(y + f, w1)\n");
  ASSERT_TRUE(r.model) << ::testing::PrintToString(r.diagnostics);
  auto v = evaluateOutputs(*r.model, {{"x", 4}});
  EXPECT_EQ(v["y"], 900);
  EXPECT_EQ(v["dy_dl"], 120);
  EXPECT_EQ(v["dy_dw1"], 480);
  EXPECT_EQ(v["df_dw2"], 108);
  EXPECT_EQ(v["d2y_dw1"], 128);
  EXPECT_EQ(v["acc_w1"], 512);
}

// Defs that call the previous one twice ask for 2^depth copies; the node limit stops
// that with an error where the user wrote the call.
TEST(Analyze, NodeLimitStopsExponentialInliningAtTheCall) {
  std::string text = "input x\ndef f0(u) = sin(u) * u\n";
  for (int k = 1; k <= 12; ++k)
    text += "def f" + std::to_string(k) + "(u) = f" + std::to_string(k - 1) + "(f" + std::to_string(k - 1) +
            "(u))\n";
  text += "output y = f12(x)\n";
  auto fits = compileText(text, {.nodeLimit = 100'000});
  EXPECT_TRUE(fits.model) << ::testing::PrintToString(fits.diagnostics);
  auto tooLarge = compileText(text, {.nodeLimit = 5'000});
  ASSERT_FALSE(tooLarge.model);
  ASSERT_EQ(tooLarge.diagnostics.size(), 1u) << ::testing::PrintToString(tooLarge.diagnostics);
  EXPECT_EQ(
      tooLarge.diagnostics[0],
      "12:17: error: this call of `f9` makes the graph larger than gradc's limit of 5000 nodes (defs are "
      "inlined: each call copies the body of the def and of every def it calls); raise the limit with "
      "--max-nodes");
}

TEST(Analyze, NodeLimitReportsTheGradOrStatementThatGrewTheGraph) {
  const char* text = "input x\ny = sin(x)*cos(x)*exp(x)*x*x\noutput g = grad(grad(y, x), x)\n";
  auto atGrad = compileText(text, {.nodeLimit = 30});
  ASSERT_EQ(atGrad.diagnostics.size(), 1u) << ::testing::PrintToString(atGrad.diagnostics);
  EXPECT_EQ(
      atGrad.diagnostics[0],
      "3:12: error: this `grad` makes the graph larger than gradc's limit of 30 nodes; raise the limit with "
      "--max-nodes");
  auto atStatement = compileText(text, {.nodeLimit = 4});
  ASSERT_EQ(atStatement.diagnostics.size(), 1u) << ::testing::PrintToString(atStatement.diagnostics);
  EXPECT_EQ(
      atStatement.diagnostics[0],
      "2:1: error: this statement makes the graph larger than gradc's limit of 4 nodes; raise the limit with "
      "--max-nodes");
}

TEST(Analyze, ConstsFoldAndDefsInline) {
  auto r = compileText(
      "const k = 2 * 3; const half = k / 12\ninput x\ndef sq(a) = a * a\ndef f(a, b) = sq(a) + b * half\n"
      "output o = f(x, k)\noutput d = grad(f(x, x), x)\noutput inner = grad(sq(x) , x)\n");
  ASSERT_TRUE(r.model) << ::testing::PrintToString(r.diagnostics);
  auto v = evaluateOutputs(*r.model, {{"x", 3}});
  EXPECT_EQ(v["o"], 9 + 3);
  EXPECT_EQ(v["d"], 6.5);
  EXPECT_EQ(v["inner"], 6);
}

TEST(Analyze, GradWithRespectToDefParameterIsTheArgument) {
  auto r = compileText("input x\ndef slope(a) = grad(a * a * a, a)\noutput s = slope(2 * x)\n");
  ASSERT_TRUE(r.model) << ::testing::PrintToString(r.diagnostics);
  EXPECT_EQ(evaluateOutputs(*r.model, {{"x", 1}})["s"], 12);  // 3*(2x)^2
}

TEST(Analyze, OutputOfInputAndParam) {
  auto r = compileText("input x\nparam w = -0.5\noutput x\noutput w\n");
  ASSERT_TRUE(r.model);
  auto v = evaluateOutputs(*r.model, {{"x", 7}});
  EXPECT_EQ(v["x"], 7);
  EXPECT_EQ(v["w"], -0.5);
}

TEST(Analyze, NoDependenceWarnsAndGivesZero) {
  auto r = compileText("input x\nparam w = 1\noutput g = grad(x * 2, w)\n");
  ASSERT_TRUE(r.model);
  EXPECT_EQ(r.diagnostics.front(), "3:12: warning: `x * 2` does not depend on `w`; its derivative is 0");
  EXPECT_EQ(evaluateOutputs(*r.model, {{"x", 1}})["g"], 0);
}

TEST(Analyze, Errors) {
  EXPECT_EQ(firstDiagnostic("input x\ny = x + z\noutput y\n"), "2:9: error: undefined name `z`");
  EXPECT_EQ(firstDiagnostic("input x\ny = sqrtt(x)\n"),
            "2:5: error: unknown function `sqrtt`; did you mean `sqrt`?");
  EXPECT_EQ(firstDiagnostic("input x\ny = x\ny = x + 1\n"),
            "3:1: error: `y` is already defined (as a binding at line 2); a name can be defined only once");
  EXPECT_EQ(firstDiagnostic("input x\nparam w = 2\ny = w * x\noutput g = grad(y, 3)\n"),
            "4:20: error: the second argument of `grad` must be the name of an input, param or binding");
  EXPECT_EQ(firstDiagnostic("def f(a) = f(a) + 1\ninput x\noutput y = f(x)\n"),
            "1:12: error: `f` calls itself; a def cannot be recursive (defs are inlined)");
  EXPECT_EQ(firstDiagnostic("const k = 2\ninput x\noutput g = grad(x * k, k)\n"),
            "3:24: error: cannot differentiate with respect to const `k`: a constant has no derivative (make "
            "it a param)");
  EXPECT_EQ(firstDiagnostic("input x\ny = (x > 1) + 2\n"),
            "2:8: error: a comparison is not a number; it can only be the condition of `where`");
  EXPECT_EQ(firstDiagnostic("input x\ny = where(x, 1, 2)\n"),
            "2:11: error: the condition of `where` must be a comparison, such as `x > 0`");
  EXPECT_EQ(firstDiagnostic("input x\ny = atan2(x)\n"), "2:5: error: `atan2` takes 2 arguments, got 1");
  EXPECT_EQ(firstDiagnostic("input x\nconst k = x + 1\n"),
            "2:11: error: `x` is an input; a constant expression may use only numbers and consts");
  EXPECT_EQ(firstDiagnostic("input x\ny = z + 1\nz = x\n"),
            "2:5: error: `z` is used before it is defined (at line 3)");
  EXPECT_EQ(firstDiagnostic("input x\noutput x\noutput x\n"), "3:8: error: output `x` is declared twice");
  EXPECT_EQ(firstDiagnostic("input x\ny = sin + 1\n"),
            "2:5: error: `sin` is a built-in function; call it as `sin(...)`");
  EXPECT_EQ(firstDiagnostic("input x\ndef f(a) = a\ny = f(x, x)\n"),
            "3:5: error: `f` takes 1 argument, got 2");
  EXPECT_EQ(firstDiagnostic("input x\ny = x(2)\n"), "2:5: error: `x` is an input, not a function");
}

TEST(Analyze, SeveralErrorsAreAllReported) {
  auto r = compileText("input x\na = x + p\nb = q * 2\nc = sqrtt(x)\n");
  EXPECT_FALSE(r.model);
  ASSERT_EQ(r.diagnostics.size(), 3u) << ::testing::PrintToString(r.diagnostics);
}

TEST(Analyze, AnErrorInADefIsReportedOnceAtTheDef) {
  auto r = compileText("input x\ndef f(a) = a + nope\ny = f(x) + f(x)\n");
  ASSERT_EQ(r.diagnostics.size(), 1u) << ::testing::PrintToString(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0], "2:16: error: undefined name `nope`");
}

TEST(Analyze, DefUsingAnInputCalledInAConst) {
  auto r = compileText("input x\ndef f(a) = a + x\nconst k = f(1)\n");
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(r.diagnostics[0],
            "3:11: error: in this call of `f`: `x` is an input; a constant expression may use only numbers "
            "and consts");
}

TEST(Analyze, DefCalledInAConstantExpression) {
  auto r = compileText("def dbl(a) = 2*a\nconst k = dbl(2)\nparam w = dbl(k) + 1\noutput k\noutput w\n");
  ASSERT_TRUE(r.model) << ::testing::PrintToString(r.diagnostics);
  auto v = evaluateOutputs(*r.model, {});
  EXPECT_EQ(v["k"], 4);
  EXPECT_EQ(v["w"], 9);
}

TEST(Analyze, LongSumDoesNotRecurse) {
  std::string text = "input x\ny = x";
  for (int i = 0; i < 200000; ++i) text += "+x";
  text += "\noutput y\n";
  auto r = compileText(text);
  ASSERT_TRUE(r.model) << ::testing::PrintToString(r.diagnostics);
  EXPECT_EQ(evaluateOutputs(*r.model, {{"x", 1}})["y"], 200001);
}

}  // namespace
}  // namespace gradc
