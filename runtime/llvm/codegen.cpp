#include "runtime/llvm/codegen.hpp"

#include <llvm/ADT/SmallVector.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>
#include <llvm/TargetParser/Host.h>

#include <mutex>

#include <llvm/Support/ErrorHandling.h>
#include <unistd.h>
#include <stdexcept>

#include "llvm/Support/TargetSelect.h"
#include "runtime/llvm/ir_emitter.hpp"

namespace gradc::runtime {

std::unique_ptr<llvm::TargetMachine> createHostTargetMachine() {
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    // LLVM is built without exceptions: when it runs out of memory nothing can
    // unwind through it, so say so plainly and stop, rather than abort.
    llvm::install_bad_alloc_error_handler([](void*, const char*, bool) {
      static const char message[] = "gradc: out of memory (while LLVM compiled a kernel)\n";
      (void)!::write(2, message, sizeof message - 1);
      ::_exit(1);
    });
  });
  std::string triple = llvm::sys::getProcessTriple();
  std::string error;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target) throw std::runtime_error("gradc: no LLVM target for " + triple + ": " + error);
  std::string features;
  for (const auto& [name, enabled] : llvm::sys::getHostCPUFeatures())
    features += (enabled ? "+" : "-") + name.str() + ",";
  llvm::TargetOptions options;  // IEEE semantics: no fast-math flags anywhere
  // createTargetMachine returns an owning raw pointer.
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      triple, llvm::sys::getHostCPUName(), features, options, llvm::Reloc::PIC_, std::nullopt,
      llvm::CodeGenOptLevel::Default));
}

std::string emitMachineCode(llvm::Module& module, llvm::TargetMachine& machine, int optLevel, MachineCodeKind kind) {
  bool large = needsFastPath(module);
  machine.setOptLevel(optLevel <= 0 || large ? llvm::CodeGenOptLevel::None
                      : optLevel == 1        ? llvm::CodeGenOptLevel::Less
                                             : llvm::CodeGenOptLevel::Default);
  module.setDataLayout(machine.createDataLayout());
  module.setTargetTriple(machine.getTargetTriple().str());
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream out(buffer);
  llvm::legacy::PassManager passes;
  auto type = kind == MachineCodeKind::Object ? llvm::CodeGenFileType::ObjectFile : llvm::CodeGenFileType::AssemblyFile;
  if (machine.addPassesToEmitFile(passes, out, nullptr, type))
    throw std::runtime_error("gradc: LLVM cannot emit this kind of file for the host");
  passes.run(module);
  return std::string(buffer.begin(), buffer.end());
}

}  // namespace gradc::runtime
