// Machine code from an optimised module: one path for the JIT (an in-memory
// object) and for ahead-of-time output (.o and .s files).
#pragma once

#include <memory>
#include <string>

namespace llvm {
class Module;
class TargetMachine;
}  // namespace llvm

namespace gradc::runtime {

enum class MachineCodeKind { Object, Assembly };

// The host's target machine: its CPU and features, position-independent code.
std::unique_ptr<llvm::TargetMachine> createHostTargetMachine();

// Chooses the code generator's optimisation for this module and -O level (very
// large kernels get the fast path: the instruction scheduler's time grows faster
// than a function's size), then emits machine code.
std::string emitMachineCode(llvm::Module& module, llvm::TargetMachine& machine, int optLevel,
                            MachineCodeKind kind);

}  // namespace gradc::runtime
