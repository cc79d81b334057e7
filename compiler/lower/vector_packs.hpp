// Lowering, between the two halves: isomorphic instructions packed for SIMD.
//
// Models repeat themselves: every pair of a Lennard-Jones sum, every term of a
// Rosenbrock sum, every unit of an MLP layer is the same formula on other inputs,
// and so are their derivatives. Written out as straight-line code such a kernel is
// tens of thousands of scalar instructions that LLVM's SLP vectoriser cannot afford
// to search; the hand-written C is a loop that the C compiler vectorises. Here the
// repetition is found where it is cheap, in the graph: two instructions are
// isomorphic when their whole operand trees are the same ops down to the leaves
// (inputs, params, constants). Isomorphic instructions are grouped in packs of up to
// `width` and each pack is emitted as one vector operation.
//
// Isomorphic instructions have the same height (longest path to a leaf), and every
// operand is lower than its user, so the packs and the remaining scalars always form
// an acyclic graph: the program can be reordered so that each pack's members are
// consecutive, operands first. Each lane computes exactly what the scalar
// instruction did (vector IEEE arithmetic is lane-wise), so results keep every bit.
#pragma once

#include <cstddef>

#include "compiler/lower/kernel_program.hpp"

namespace gradc {

struct PackStatistics {
  size_t packs = 0;         // vector operations
  size_t packedValues = 0;  // instructions inside them
};

// The same program with packs marked (KernelInstruction::width and lane) and their
// members made consecutive; otherwise in the given order as far as dependences
// allow. `width` is the number of lanes (4 doubles for AVX2); 1 packs nothing.
KernelProgram packIsomorphic(const KernelProgram& program, unsigned width,
                             PackStatistics* statistics = nullptr);

}  // namespace gradc
