#include "compiler/lower/loop_rerolling.hpp"

#include <gtest/gtest.h>

#include <string>

#include "../test_support.hpp"

namespace gradc {
namespace {

KernelProgram programFor(const std::string& text) { return testing::depthFirstProgramFor(text); }

// E = sum over pairs i < j of 1/r^6 - 1/r^3 (r = squared distance), and dE/d every
// coordinate: the shape of the benchmarks' Lennard-Jones model.
std::string pairModel(int atoms) {
  std::string text, energy;
  for (int i = 0; i < atoms; ++i) {
    std::string k = std::to_string(i);
    text += "input x" + k + ", y" + k + ", z" + k + "\n";
  }
  for (int i = 0; i < atoms; ++i)
    for (int j = i + 1; j < atoms; ++j) {
      std::string a = std::to_string(i), b = std::to_string(j), p = "_" + a + "_" + b;
      text += "r" + p + " = (x" + a + " - x" + b + ")^2 + (y" + a + " - y" + b + ")^2 + (z" + a + " - z" + b +
              ")^2\ns" + p + " = 1 / r" + p + "^3\n";
      energy += (energy.empty() ? "" : " + ") + ("s" + p + "^2 - s" + p);
    }
  text += "e = 4 * (" + energy + ")\noutput e\n";
  for (int i = 0; i < atoms; ++i)
    for (const char* c : {"x", "y", "z"})
      text += "output d" + std::string(c) + std::to_string(i) + " = grad(e, " + c + std::to_string(i) + ")\n";
  return text;
}

// Operands first everywhere; a Loop's operands are its params, then each input row
// of `iterations` values; a LoopResult reads a result of a Loop that exists; every
// body is loop-free, its leaves of the kinds a body has.
void expectWellFormed(const KernelProgram& p) {
  for (uint32_t v = 0; v < p.code.size(); ++v) {
    const KernelInstruction& ins = p.code[v];
    for (uint32_t a : p.args(ins)) EXPECT_LT(a, v);
    if (ins.source == OperandSource::Loop) {
      ASSERT_LT(ins.index, p.loops.size());
      const KernelLoop& loop = p.loops[ins.index];
      EXPECT_EQ(ins.argCount, loop.body.paramNames.size() + loop.body.inputNames.size() * loop.iterations);
    }
    if (ins.source == OperandSource::LoopResult) {
      ASSERT_EQ(ins.argCount, 1u);
      const KernelInstruction& loop = p.code[p.args(ins)[0]];
      ASSERT_EQ(loop.source, OperandSource::Loop);
      const KernelLoop& l = p.loops[loop.index];
      EXPECT_LT(ins.index, l.body.outputs.size() * l.iterations);
    }
  }
  for (const KernelLoop& loop : p.loops) {
    EXPECT_TRUE(loop.body.loops.empty());
    for (uint32_t v = 0; v < loop.body.code.size(); ++v) {
      const KernelInstruction& ins = loop.body.code[v];
      for (uint32_t a : loop.body.args(ins)) EXPECT_LT(a, v);
      EXPECT_NE(ins.source, OperandSource::Loop);
      EXPECT_NE(ins.source, OperandSource::LoopResult);
      EXPECT_FALSE(ins.boolean);
      if (ins.source == OperandSource::Input) {
        EXPECT_LT(ins.index, loop.body.inputNames.size());
      } else if (ins.source == OperandSource::Param) {
        EXPECT_LT(ins.index, loop.body.paramNames.size());
      }
    }
  }
}

// Every pair is one iteration of one loop: its 6 coordinates are the rows, its
// value and gradient terms the results; the sums over pairs stay outside.
TEST(LoopRerolling, PairsOfASumBecomeOneLoop) {
  KernelProgram before = programFor(pairModel(8));
  LoopStatistics stats;
  KernelProgram p = rerollLoops(before, {}, &stats);
  expectWellFormed(p);
  ASSERT_EQ(p.loops.size(), 1u);
  EXPECT_EQ(stats.loops, 1u);
  EXPECT_EQ(p.loops[0].iterations, 28u);  // 8 * 7 / 2 pairs
  EXPECT_EQ(stats.iterations, 28u);
  EXPECT_EQ(p.loops[0].body.inputNames.size(), 6u);
  EXPECT_LT(p.code.size(), before.code.size());
  ASSERT_EQ(p.outputs.size(), before.outputs.size());
  EXPECT_EQ(p.code[p.outputs[0]].op, before.code[before.outputs[0]].op);  // 4 * (...) outside
  EXPECT_EQ(p.code[p.outputs[0]].source, OperandSource::Computed);
}

// Fewer copies than minIterations, or no repetition: the program is unchanged.
TEST(LoopRerolling, FewCopiesStayStraightLine) {
  KernelProgram small = programFor(pairModel(4));  // 6 pairs
  LoopStatistics stats;
  KernelProgram p = rerollLoops(small, {}, &stats);
  EXPECT_TRUE(p.loops.empty());
  EXPECT_EQ(stats.loops, 0u);
  EXPECT_EQ(p.code.size(), small.code.size());
  KernelProgram lower = rerollLoops(small, {.minIterations = 4, .minBody = 6}, &stats);
  expectWellFormed(lower);
  ASSERT_EQ(lower.loops.size(), 1u);
  EXPECT_EQ(lower.loops[0].iterations, 6u);
}

// A chain over the copies (each term's value depends on the one before) is not a
// loop of independent iterations: nothing is rerolled.
TEST(LoopRerolling, ChainsAreNotLoops) {
  std::string text = "input x\nh0 = x\n";
  for (int k = 1; k <= 40; ++k)
    text += "h" + std::to_string(k) + " = tanh(0.5 * h" + std::to_string(k - 1) + " + 0.1)\n";
  text += "output h40\noutput d = grad(h40, x)\n";
  KernelProgram p = rerollLoops(programFor(text));
  EXPECT_TRUE(p.loops.empty());
}

// Values that the copies share (a param, a value computed once outside them) are
// the body's params; constants stay constants in the body.
TEST(LoopRerolling, SharedOperandsAreBodyParams) {
  std::string text = "param w = 0.3\ninput a\nc = exp(a)\n", sum;
  for (int k = 0; k < 20; ++k) {
    std::string u = "u" + std::to_string(k);
    text += "input " + u + "\n";
    sum += (sum.empty() ? "" : " + ") + ("sin(w * " + u + " + c) * (" + u + " - 2)^2 + " + u);
  }
  text += "s = " + sum + "\noutput s\noutput dw = grad(s, w)\n";
  KernelProgram p = rerollLoops(programFor(text));
  expectWellFormed(p);
  ASSERT_GE(p.loops.size(), 1u);
  const KernelLoop& loop = p.loops[0];
  EXPECT_EQ(loop.iterations, 20u);
  EXPECT_EQ(loop.body.inputNames.size(), 1u);  // u_k
  EXPECT_EQ(loop.body.paramNames.size(), 2u);  // w and c
  bool two = false;
  for (const KernelInstruction& ins : loop.body.code)
    two = two || (ins.source == OperandSource::Constant && ins.constant == 2);
  EXPECT_TRUE(two);
}

}  // namespace
}  // namespace gradc
