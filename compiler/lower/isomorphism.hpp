// Lowering: which instructions of a kernel program compute the same formula on
// other operands. Shared by the vector packs (compiler/lower/vector_packs.hpp) and
// the loops (compiler/lower/loop_rerolling.hpp), which both turn a model's
// repetition, found in the graph where it is cheap, into code that repeats.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/lower/kernel_program.hpp"

namespace gradc {

// Equal class <=> isomorphic operand trees: the same op (and type) at every node
// down to leaves of the same kind. Classes are numbered in order of first
// appearance, so an operand's class is always lower than its user's.
std::vector<uint32_t> isomorphismClasses(const KernelProgram& program, uint32_t* classCount);

// Where a value is first used, `depth` levels up: a hash of its first user's class,
// the operand position it takes there and (recursively) that user's own context.
// The x, y and z differences of a Lennard-Jones pair are one class, but only the
// pairs' x differences share a context (each is the first square of a distance).
// Only the first user counts: the later ones are often adjoint sums, whose every
// term is at another position of a chain.
std::vector<uint64_t> useContexts(const KernelProgram& program, const std::vector<uint32_t>& classOf,
                                  int depth);

// A 64-bit mix (the finaliser of MurmurHash3).
inline uint64_t mixBits(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  return h ^ (h >> 33);
}

// An instruction's role: its class and the context of its first use (useContexts)
// in one key. Instructions of one role are the same step of different copies.
inline uint64_t roleKey(uint32_t isomorphismClass, uint64_t context) {
  return mixBits(uint64_t{isomorphismClass} * 0x9e3779b97f4a7c15ull ^ context);
}

// For hash maps keyed by a list of numbers (classes' keys, copies' shapes).
struct NumberListHash {
  size_t operator()(const std::vector<uint32_t>& key) const {
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (uint32_t k : key) h = (h ^ k) * 0xff51afd7ed558ccdull, h ^= h >> 32;
    return static_cast<size_t>(h);
  }
};

}  // namespace gradc
