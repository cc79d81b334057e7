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

std::unique_ptr<llvm::Module> emitKernelModule(llvm::LLVMContext& context, const KernelProgram& program,
                                               const std::string& name);

// Whether emitKernelModule split the kernel into several functions (see planChunks).
bool isSplitKernel(const llvm::Module& module);

// Kernels above this many IR instructions get the fast path: a light IR pipeline and
// LLVM's fast code generator, so that compile time stays linear in the size. Below
// it, a split kernel's parts (400 instructions each) still get -O2's code generator.
inline constexpr unsigned kFastPathAbove = 40000;
bool needsFastPath(const llvm::Module& module);

// Runs the new pass manager's default pipeline at -O0..-O3 (0 runs nothing).
void optimizeModule(llvm::Module& module, llvm::TargetMachine& machine, int optLevel);

// The libm functions kernels may call (and memset, memcpy, memmove, which LLVM
// may emit): the only symbols a JIT-compiled model can reach.
const std::vector<std::string>& mathLibraryFunctions();

}  // namespace gradc::runtime
