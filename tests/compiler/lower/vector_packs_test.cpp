#include "compiler/lower/vector_packs.hpp"

#include <gtest/gtest.h>

#include <string>

#include "../test_support.hpp"

namespace gradc {
namespace {

KernelProgram programFor(const std::string& text) { return testing::depthFirstProgramFor(text); }

// Operands first; each pack is `width` consecutive instructions of one op, lanes
// 0..width-1; outputs name instructions of the same ops as before.
void expectWellFormed(const KernelProgram& before, const KernelProgram& p) {
  ASSERT_EQ(p.code.size(), before.code.size());
  for (uint32_t v = 0; v < p.code.size(); ++v) {
    for (uint32_t a : p.args(p.code[v])) EXPECT_LT(a, v);
    const KernelInstruction& ins = p.code[v];
    if (ins.width == 1) {
      EXPECT_EQ(ins.lane, 0);
      continue;
    }
    ASSERT_GE(v, ins.lane);
    const KernelInstruction& first = p.code[v - ins.lane];
    EXPECT_EQ(first.lane, 0);
    EXPECT_EQ(first.width, ins.width);
    EXPECT_EQ(first.op, ins.op);
    EXPECT_EQ(first.argCount, ins.argCount);
    EXPECT_LT(ins.lane, ins.width);
    EXPECT_EQ(ins.source, OperandSource::Computed);
  }
  ASSERT_EQ(p.outputs.size(), before.outputs.size());
  for (size_t k = 0; k < p.outputs.size(); ++k)
    EXPECT_EQ(p.code[p.outputs[k]].op, before.code[before.outputs[k]].op);
}

// Packs `before` and checks the result is well formed.
KernelProgram packAndCheck(const KernelProgram& before, unsigned width, PackStatistics* stats) {
  KernelProgram p = packIsomorphic(before, width, stats);
  expectWellFormed(before, p);
  return p;
}

// Lennard-Jones over `particles` particles: E and its gradient.
std::string lennardJones(int particles) {
  std::string text, energy;
  for (int i = 0; i < particles; ++i) {
    auto n = std::to_string(i);
    text += "input x" + n + ", y" + n + ", z" + n + "\n";
  }
  for (int i = 0; i < particles; ++i)
    for (int j = i + 1; j < particles; ++j) {
      auto a = std::to_string(i), b = std::to_string(j), r = "r2_" + a + "_" + b;
      text +=
          r + " = (x" + a + " - x" + b + ")^2 + (y" + a + " - y" + b + ")^2 + (z" + a + " - z" + b + ")^2\n";
      energy += (energy.empty() ? "" : " + ") + ("1 / " + r + "^6 - 1 / " + r + "^3");
    }
  text += "e = 4 * (" + energy + ")\noutput e\n";
  for (int i = 0; i < particles; ++i)
    for (const char* c : {"x", "y", "z"})
      text += "output d" + std::string(c) + std::to_string(i) + " = grad(e, " + c + std::to_string(i) + ")\n";
  return text;
}

TEST(VectorPacks, PacksTheSameCoordinateOfDifferentPairs) {
  KernelProgram before = programFor(lennardJones(6));
  PackStatistics stats;
  KernelProgram p = packAndCheck(before, 4, &stats);
  EXPECT_GT(stats.packs, 10u);
  EXPECT_GT(stats.packedValues, before.code.size() / 3);
  // The coordinate differences (inputs minus inputs) come in packs of one coordinate:
  // x with x, never x with y, so that the squared distance is a sum of vectors.
  size_t differencePacks = 0;
  for (uint32_t v = 0; v < p.code.size(); ++v) {
    const KernelInstruction& ins = p.code[v];
    if (ins.op != Op::Sub || ins.width == 1 || ins.lane != 0) continue;
    auto args = p.args(ins);
    if (p.code[args[0]].source != OperandSource::Input || p.code[args[1]].source != OperandSource::Input)
      continue;
    ++differencePacks;
    char coordinate = p.inputNames[p.code[args[0]].index][0];
    for (uint32_t m = v; m < v + ins.width; ++m)
      for (uint32_t a : p.args(p.code[m])) EXPECT_EQ(p.inputNames[p.code[a].index][0], coordinate);
  }
  EXPECT_GE(differencePacks, 3u);
}

TEST(VectorPacks, WidthOneOnlyKeepsTheOrderValid) {
  KernelProgram before = programFor(lennardJones(4));
  PackStatistics stats;
  KernelProgram p = packAndCheck(before, 1, &stats);
  EXPECT_EQ(stats.packs, 0u);
  for (const KernelInstruction& ins : p.code) EXPECT_EQ(ins.width, 1);
}

// Nothing repeats: nothing is packed, and nothing is lost.
TEST(VectorPacks, ModelWithoutRepetitionHasNoPacks) {
  KernelProgram before =
      programFor("input x\nparam w = 2\noutput y = sin(w * x) + exp(x)\noutput d = grad(y, w)\n");
  PackStatistics stats;
  KernelProgram p = packAndCheck(before, 4, &stats);
  EXPECT_EQ(stats.packs, 0u);
}

}  // namespace
}  // namespace gradc
