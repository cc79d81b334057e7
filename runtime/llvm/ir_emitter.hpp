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

std::unique_ptr<llvm::Module> emitKernelModule(llvm::LLVMContext& context, const KernelProgram& program,
                                               const std::string& name, ModuleSlice slice = {});

// Kernels above this many instructions get the fast path: no IR passes and LLVM's
// fast code generator, so that compile time stays linear in the size. Below it, a
// split kernel's parts (400 instructions each) still get -O2's code generator.
inline constexpr size_t kFastPathAbove = 12000;
bool needsFastPath(const KernelProgram& program);
// Whether the module belongs to a kernel on the fast path (a module flag).
bool needsFastPath(const llvm::Module& module);

// How many modules the JIT emits a kernel as, in parallel: 2 on the fast path
// (a split kernel), else 1.
unsigned parallelModuleCount(const KernelProgram& program);

// Whether emitKernelModule split the kernel into several functions (see planChunks).
bool isSplitKernel(const llvm::Module& module);

// Runs the new pass manager's default pipeline at -O0..-O3 (0 runs nothing).
void optimizeModule(llvm::Module& module, llvm::TargetMachine& machine, int optLevel);

// The libm functions kernels may call (and memset, memcpy, memmove, which LLVM
// may emit): the only symbols a JIT-compiled model can reach.
const std::vector<std::string>& mathLibraryFunctions();

}  // namespace gradc::runtime
