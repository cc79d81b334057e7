// Lowering, first half: a model's chosen outputs scheduled into a flat list of
// instructions, each defining one value, operands before users, every shared
// subexpression computed once. Free of LLVM: the code generator in runtime/
// turns this list into machine code, and tests can check it on its own.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "compiler/graph/op.hpp"
#include "compiler/sema/model.hpp"

namespace gradc {

// Loop and LoopResult come from rerollLoops (compiler/lower/loop_rerolling.hpp): a
// Loop runs KernelProgram::loops[index] over its operands, a LoopResult reads one
// value it computed.
enum class OperandSource : uint8_t { Computed, Input, Param, Constant, Loop, LoopResult };

struct KernelInstruction {
  Op op = Op::Const;
  OperandSource source = OperandSource::Computed;
  // Input/Param: the ABI position. Loop: its KernelLoop. LoopResult: the result's
  // position in its loop's results, output q of iteration k at q * iterations + k
  // (its one operand is the Loop).
  uint32_t index = 0;
  double constant = 0;    // Constant
  bool boolean = false;   // the value is a comparison result (i1 in IR)
  uint32_t firstArg = 0;  // into KernelProgram::operands: value numbers
  uint32_t argCount = 0;
  // A vector pack (see packIsomorphic): `width` consecutive instructions of the same
  // op computed as one vector operation, this one in lane `lane`. 1 and 0 alone.
  uint8_t width = 1;
  uint8_t lane = 0;
  // An Exp whose operands are x and L = logsumexp(..., x, ...), not x - L: the
  // softmax weight of x, computed from L's shift and scale (softmaxWeight in
  // compiler/graph/op_semantics.hpp).
  bool softmaxWeight = false;
};

struct KernelLoop;

struct KernelProgram {
  std::vector<std::string> inputNames, paramNames, outputNames;
  std::vector<KernelInstruction> code;  // value number = position
  std::vector<uint32_t> operands;
  std::vector<uint32_t> outputs;  // value number of each output
  std::vector<KernelLoop> loops;  // run by the Loop instructions

  std::span<const uint32_t> args(const KernelInstruction& i) const {
    return {operands.data() + i.firstArg, i.argCount};
  }
};

// The same formula computed `iterations` times on other operands: the body's inputs
// are what changes from one iteration to the next, its params what does not, its
// outputs what the rest of the kernel reads (LoopResult). A Loop instruction's
// operands are the params' values, then input p of iteration k at
// params + p * iterations + k. A body has no loops of its own.
struct KernelLoop {
  KernelProgram body;
  uint32_t iterations = 0;
};

// The outputs with the given indices (all when empty), of a simplified model. Every
// node becomes one instruction, but exp(x - L) of a logsumexp L over x becomes a
// softmax weight (and x - L is left out when nothing else uses it).
KernelProgram scheduleKernel(const ModelGraph& simplified, std::span<const size_t> outputs = {});

// The same program, depth first from the outputs: each value is computed just
// before the first instruction that needs it, operand subtrees in order. The code
// LLVM makes from it runs faster (mlp 0.6 times hand-written C instead of 1.2; the
// 10th nested-sin derivative 30% faster), but LLVM's -O2 code generator takes up to
// three times longer on it: so ahead of time and at -O3 only. (On the JIT's fast
// path it saved 17% of the compile time of the 10th nested-sin derivative but
// cost 10% more on a layered model of a million nodes: not taken.)
KernelProgram reorderDepthFirst(const KernelProgram& program);

// The same instructions in the given order (a permutation of the value numbers that
// keeps operands first), operands and outputs renumbered. The order may leave out
// values that no value in it and no output uses.
KernelProgram reorderedProgram(const KernelProgram& program, std::span<const uint32_t> order);

// The same program without the values that no output needs.
KernelProgram withoutUnusedValues(const KernelProgram& program);

}  // namespace gradc
