// Lowering, second half: a KernelProgram as LLVM IR. Internal to runtime/: the
// only place besides the JIT and the object emitter that sees LLVM types.
//
// The module defines, with C linkage and the ABI of docs/kernel-abi.md:
//   void NAME(const double *inputs, const double *params, double *outputs);
//   void NAME_batch(size_t n, const double *inputs, const double *params, double *outputs);
// Math that has no LLVM intrinsic is a call to a libm function by its C name.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "compiler/lower/kernel_program.hpp"

namespace llvm {
class LLVMContext;
class Module;
class TargetMachine;
}  // namespace llvm

namespace gradc::runtime {

// A kernel may be emitted as several modules, one per thread, linked together by the
// JIT: module 0 of `count` defines NAME, NAME_batch and the first parts of a split
// kernel, the others the remaining parts (as hidden symbols NAME_partK).
struct ModuleSlice {
  unsigned index = 0;
  unsigned count = 1;
};

// Huge kernels get the fast path: no IR passes and LLVM's fast code generator, so
// that compile time stays linear in the size and small per node (for the JIT, which
// compiles to evaluate now, also two modules on two threads). Code from the fast path
// runs slower: -O3 never takes it, and ahead of time it starts at a larger size.
enum class CompileMode { Jit, AheadOfTime };
inline constexpr size_t kJitFastPathAbove = 12000;           // instructions
inline constexpr size_t kAheadOfTimeFastPathAbove = 200000;  // instructions
bool useFastPath(const KernelProgram& program, int optLevel, CompileMode mode);

std::unique_ptr<llvm::Module> emitKernelModule(llvm::LLVMContext& context, const KernelProgram& program,
                                               const std::string& name, int optLevel, CompileMode mode,
                                               ModuleSlice slice = {});

// Ahead of time and at -O3, kernels of up to 8,000 instructions are split into
// larger parts (2,000 instructions, not 400) and the SLP vectoriser runs on larger
// modules: faster code, two to three times the compile time.
bool useLargeParts(const KernelProgram& program, int optLevel, CompileMode mode);

// Ahead of time and at -O3 (as for the depth-first order), a kernel too large for
// large parts (whose modules LLVM's SLP vectoriser does not search) and off the fast
// path has its isomorphic instructions packed into vectors of this many lanes (AVX2's
// 4 doubles; LLVM splits them on narrower targets): see compiler/lower/vector_packs.hpp.
// On smaller kernels LLVM's SLP vectoriser makes faster code (lennard_jones_16: 15%
// fewer instructions a call); on lennard_jones_64 the packs run 26% fewer, on
// rosenbrock_1000 41% fewer. GRADC_PACKS=0 in the environment turns them off (to
// measure them).
inline constexpr unsigned kVectorLanes = 4;

// The batch of a kernel that is one function runs blocks of this many points, one
// in each lane of vectors: 8 where the host has AVX-512 (a 64-byte register, a whole
// cache line of each output row a store; seed's batch 1.9 to 3.4 billion points a
// second, deep_tanh_100's 0.8 to 1.1 million), else AVX2's 4. Loops, packs and the
// vector parts of split kernels keep kVectorLanes.
unsigned batchLanes();
inline constexpr unsigned kMaxBatchLanes = 8;
bool usePacks(const KernelProgram& program, int optLevel, CompileMode mode);

// Ahead of time and at -O3, a kernel of at least this many instructions off the
// fast path has its repeated formulas rerolled into loops (compiler/lower/
// loop_rerolling.hpp) before any packing; the rest is packed only if no loop was
// found. GRADC_LOOPS=0 in the environment turns them off (to measure them).
inline constexpr size_t kLoopsFrom = 2000;
bool useLoops(const KernelProgram& program, int optLevel, CompileMode mode);

// The program with loops where useLoops says so, else packs where usePacks does.
KernelProgram withLoopsOrPacks(KernelProgram program, int optLevel, CompileMode mode);

// Whether the module belongs to a kernel on the fast path (a module flag).
bool needsFastPath(const llvm::Module& module);

// How many modules the JIT emits a kernel as, in parallel: 2 on the fast path
// (a split kernel), else 1.
inline unsigned parallelModuleCount(bool fastPath) { return fastPath ? 2 : 1; }

// Whether emitKernelModule split the kernel into several functions (see planChunks).
bool isSplitKernel(const llvm::Module& module);

// Runs the new pass manager's default pipeline at -O0..-O3 (0 runs nothing).
void optimizeModule(llvm::Module& module, llvm::TargetMachine& machine, int optLevel);

// The libm functions kernels may call (and memset, memcpy, memmove, which LLVM
// may emit): the only symbols a JIT-compiled model can reach.
const std::vector<std::string>& mathLibraryFunctions();

}  // namespace gradc::runtime
