#include "compiler/lower/kernel_program.hpp"

#include <gtest/gtest.h>

#include "../test_support.hpp"

namespace gradc {
namespace {

// Every operand is computed before its user, in both orders.
void expectOperandsFirst(const KernelProgram& p) {
  for (uint32_t v = 0; v < p.code.size(); ++v)
    for (uint32_t a : p.args(p.code[v])) EXPECT_LT(a, v);
}

// Depth first: each operand subtree is listed whole, just before its user; every
// instruction once, operands first; outputs still name the same instructions.
TEST(KernelProgram, ReorderDepthFirstKeepsSubtreesTogether) {
  auto r = testing::compileText(
      "input x\nparam y = 2\na = exp(x)\noutput o = log(y) * sin(y) - (a + x)\noutput a\n");
  ASSERT_TRUE(r.model) << ::testing::PrintToString(r.diagnostics);
  KernelProgram scheduled = scheduleKernel(r.model->simplified);
  KernelProgram p = reorderDepthFirst(scheduled);
  ASSERT_EQ(p.code.size(), scheduled.code.size());
  expectOperandsFirst(scheduled);
  expectOperandsFirst(p);
  ASSERT_EQ(p.outputs.size(), 2u);
  EXPECT_EQ(p.outputs[0], p.code.size() - 1);  // the first output's tree comes first and ends the list
  for (size_t k = 0; k < p.outputs.size(); ++k)
    EXPECT_EQ(p.code[p.outputs[k]].op, scheduled.code[scheduled.outputs[k]].op);
  // o = (log(y) * sin(y)) - (exp(x) + x): the product is finished before exp starts.
  uint32_t product = p.args(p.code[p.outputs[0]])[0], exponential = p.outputs[1];
  EXPECT_EQ(p.code[product].op, Op::Mul);
  EXPECT_EQ(p.code[exponential].op, Op::Exp);
  EXPECT_LT(product, exponential);
}

// The derivative of logsumexp, exp(x - L), becomes a softmax weight of operands x
// and L; the difference x - L is left out when nothing else uses it.
TEST(KernelProgram, LogsumexpDerivativesAreSoftmaxWeights) {
  auto r = testing::compileText(
      "input x, y\nl = logsumexp(x, 2 * y)\noutput l\noutput dx = grad(l, x)\noutput dy = grad(l, y)\n"
      "output e = exp(y - l)\noutput d = x - l\n");
  ASSERT_TRUE(r.model) << ::testing::PrintToString(r.diagnostics);
  KernelProgram p = scheduleKernel(r.model->simplified);
  expectOperandsFirst(p);
  uint32_t l = p.outputs[0];
  ASSERT_EQ(p.code[l].op, Op::Logsumexp);
  uint32_t dx = p.outputs[1];
  ASSERT_TRUE(p.code[dx].softmaxWeight);
  EXPECT_EQ(p.code[dx].op, Op::Exp);
  ASSERT_EQ(p.args(p.code[dx]).size(), 2u);
  EXPECT_EQ(p.args(p.code[dx])[0], p.args(p.code[l])[0]);  // x
  EXPECT_EQ(p.args(p.code[dx])[1], l);
  EXPECT_FALSE(p.code[p.outputs[3]].softmaxWeight);  // y is not an operand of l: exp(y - l)
  size_t weights = 0, differences = 0;
  for (const KernelInstruction& ins : p.code) {
    weights += ins.softmaxWeight;
    differences += ins.op == Op::Sub;
  }
  EXPECT_EQ(weights, 2u);      // of x and of 2*y (dy is 2 times it)
  EXPECT_EQ(differences, 2u);  // y - l, and x - l, which output d uses
}

// A million-deep chain does not overflow the stack.
TEST(KernelProgram, ReorderDepthFirstOfAMillionDeepChain) {
  KernelProgram chain;
  chain.inputNames = {"x"};
  chain.code.push_back({.op = Op::Variable, .source = OperandSource::Input});
  for (uint32_t v = 1; v <= 1000000; ++v) {
    chain.code.push_back(
        {.op = Op::Add, .firstArg = static_cast<uint32_t>(chain.operands.size()), .argCount = 2});
    chain.operands.insert(chain.operands.end(), {v - 1, 0});
  }
  chain.outputs = {1000000};
  KernelProgram p = reorderDepthFirst(chain);
  EXPECT_EQ(p.code.size(), 1000001u);
  EXPECT_EQ(p.outputs[0], 1000000u);
  expectOperandsFirst(p);
}

}  // namespace
}  // namespace gradc
