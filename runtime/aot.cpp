#include "runtime/aot.hpp"

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "compiler/diag/diagnostic.hpp"
#include "runtime/llvm/codegen.hpp"
#include "runtime/llvm/ir_emitter.hpp"

namespace gradc {
namespace {

[[noreturn]] void fail(const std::string& message) { throw Error("gradc: " + message, {}); }

void writeFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) fail("cannot write '" + path + "'");
}

// Links an object into a shared library with the C compiler driver (no shell).
void linkSharedLibrary(const std::string& object, const std::string& path) {
  const char* cc = std::getenv("CC");
  std::string driver = cc && *cc ? cc : "cc";
  pid_t child = fork();
  if (child < 0) fail("cannot start the linker");
  if (child == 0) {
    execlp(driver.c_str(), driver.c_str(), "-shared", "-o", path.c_str(), object.c_str(), "-lm",
           static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    fail("linking '" + path + "' with '" + driver + " -shared' failed" +
         (WIFEXITED(status) && WEXITSTATUS(status) == 127 ? " (no C compiler found; set CC)" : ""));
}

}  // namespace

std::optional<ArtifactKind> artifactKindFor(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".o") return ArtifactKind::Object;
  if (ext == ".so") return ArtifactKind::SharedLibrary;
  if (ext == ".ll") return ArtifactKind::LlvmIr;
  if (ext == ".s") return ArtifactKind::Assembly;
  return std::nullopt;
}

void writeArtifact(const KernelProgram& program, const std::string& name, const std::string& path, ArtifactKind kind,
                   int optLevel) {
  auto machine = runtime::createHostTargetMachine();
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> module = runtime::emitKernelModule(context, program, name);
  module->setDataLayout(machine->createDataLayout());
  module->setTargetTriple(machine->getTargetTriple().str());
  runtime::optimizeModule(*module, *machine, optLevel);
  switch (kind) {
    case ArtifactKind::LlvmIr: {
      std::string text;
      llvm::raw_string_ostream out(text);
      module->print(out, nullptr);
      writeFile(path, text);
      return;
    }
    case ArtifactKind::Assembly:
      writeFile(path, runtime::emitMachineCode(*module, *machine, optLevel, runtime::MachineCodeKind::Assembly));
      return;
    case ArtifactKind::Object:
      writeFile(path, runtime::emitMachineCode(*module, *machine, optLevel, runtime::MachineCodeKind::Object));
      return;
    case ArtifactKind::SharedLibrary: {
      std::string object = path + ".gradc-" + std::to_string(getpid()) + ".o";
      writeFile(object, runtime::emitMachineCode(*module, *machine, optLevel, runtime::MachineCodeKind::Object));
      try {
        linkSharedLibrary(object, path);
      } catch (...) {
        std::filesystem::remove(object);
        throw;
      }
      std::filesystem::remove(object);
      return;
    }
  }
}

}  // namespace gradc
