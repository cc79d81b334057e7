// Lowering, between the two halves: repeated formulas rerolled into loops.
//
// A model written out term by term (every pair of a Lennard-Jones sum, every term of
// a Rosenbrock sum) is, after differentiation, tens of thousands of instructions of
// straight-line code: hundreds of kilobytes of machine code that is fetched and
// decoded once per call, where the hand-written C is a loop of a few hundred bytes.
// rerollLoops finds the copies of one formula and computes them in a loop: the
// body once (a KernelLoop), the operands that change from copy to copy read through
// index tables, the results into an array that the rest of the kernel reads.
//
// A copy is a connected set of instructions (operand edges between them), grown in
// program order: an instruction joins its operands' copies when it is of an
// isomorphism class with many members (compiler/lower/isomorphism.hpp) and joining
// would not put two instructions of the same role (class and use context) in one
// copy. So the sum over all pairs, whose every node adds a term of another pair,
// stays outside. Copies of the same shape (the same classes in the same order, the
// same operand edges) become the iterations of one loop. An operand from outside a
// copy must not depend on any copy: a loop then never waits for its own results.
//
// Each iteration computes exactly what its instructions did (the emitter runs the
// body in vector lanes, which are IEEE arithmetic lane by lane), so the results keep
// every bit.
#pragma once

#include <cstddef>
#include <cstdint>

#include "compiler/lower/kernel_program.hpp"

namespace gradc {

struct RerollOptions {
  uint32_t minIterations = 16;  // fewer copies stay straight-line code
  uint32_t minBody = 6;         // smaller copies cost more in loads and stores than they save
  // What is left outside the loops is ordered by critical path, which interleaves
  // independent sums, up to this many instructions (rosenbrock_1000 1.3 times
  // faster); a longer kernel is split into parts of 400 instructions, and sums
  // interleaved across all of them would pass through memory at every part
  // (lennard_jones_64 1.35 times slower): those are ordered by critical path within
  // windows of interleaveWindow instructions of the original order (a few sums).
  size_t interleaveUpTo = 8000;
  size_t interleaveWindow = 512;  // at least 1
};

struct LoopStatistics {
  size_t loops = 0;
  size_t iterations = 0;      // over all loops
  size_t rerolledValues = 0;  // instructions now computed by a loop body
};

// The same program with its repeated formulas as loops (the program unchanged when
// there are none). The program must have no vector packs and no loops.
KernelProgram rerollLoops(const KernelProgram& program, const RerollOptions& options = {},
                          LoopStatistics* statistics = nullptr);

}  // namespace gradc
