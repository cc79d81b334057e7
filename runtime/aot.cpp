#include "runtime/aot.hpp"

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/MemoryBufferRef.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "compiler/diag/diagnostic.hpp"
#include "runtime/kernel_cache.hpp"
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

// The kernel as an LLVM module after the IR passes.
std::unique_ptr<llvm::Module> optimizedModule(llvm::LLVMContext& context, const KernelProgram& program,
                                              const std::string& name, llvm::TargetMachine& machine,
                                              int optLevel) {
  std::unique_ptr<llvm::Module> module =
      runtime::emitKernelModule(context, program, name, optLevel, runtime::CompileMode::AheadOfTime);
  module->setDataLayout(machine.createDataLayout());
  module->setTargetTriple(machine.getTargetTriple().str());
  runtime::optimizeModule(*module, machine, optLevel);
  return module;
}

// Whether LLVM reads `bytes` as an object that defines NAME and NAME_batch: what the
// JIT checks by linking a cached object, checked here before it reaches a file.
bool definesKernel(const std::string& bytes, const std::string& name) {
  auto object = llvm::object::ObjectFile::createObjectFile(llvm::MemoryBufferRef(bytes, name));
  if (!object) {
    llvm::consumeError(object.takeError());
    return false;
  }
  bool point = false, batch = false;
  for (const llvm::object::SymbolRef& symbol : (*object)->symbols()) {
    auto symbolName = symbol.getName();
    auto flags = symbol.getFlags();
    if (!symbolName || !flags) {
      llvm::consumeError(symbolName.takeError());
      llvm::consumeError(flags.takeError());
      continue;
    }
    if (*flags & llvm::object::SymbolRef::SF_Undefined) continue;
    point = point || *symbolName == name;
    batch = batch || *symbolName == name + "_batch";
  }
  return point && batch;
}

// The object file for the kernel: from the kernel cache when allowed and present,
// otherwise compiled (and then stored). The key is the JIT's for the same name.
std::string objectFor(const KernelProgram& program, const std::string& name, llvm::TargetMachine& machine,
                      int optLevel, bool useCache) {
  std::optional<KernelCache> cache;
  KernelCacheKey key;
  if (useCache) {
    auto signature = machineCodeSignature(machine);
    auto directory = KernelCache::defaultDirectory();
    if (!signature)
      kernelCacheNote("off: the files holding gradc's code generator and LLVM cannot be identified");
    else if (!directory)
      kernelCacheNote("off: no directory (set GRADC_CACHE_DIR, XDG_CACHE_HOME or HOME)");
    else
      cache.emplace(*directory);
    // The JIT takes the fast path at smaller sizes: the same name can be other code.
    if (cache)
      key = kernelCacheKey(programFingerprint(program), name, optLevel, *signature + "\nahead of time");
  }
  if (cache) {
    if (std::optional<std::string> object = cache->load(key)) {
      if (definesKernel(*object, name)) return std::move(*object);
      kernelCacheNote("LLVM rejected " + cache->entryPath(key).string() + "; compiling it again");
    }
  }
  llvm::LLVMContext context;
  auto module = optimizedModule(context, program, name, machine, optLevel);
  std::string object = runtime::emitMachineCode(*module, machine, optLevel, runtime::MachineCodeKind::Object);
  if (cache) cache->store(key, object);
  return object;
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

void writeArtifact(const KernelProgram& scheduled, const std::string& name, const std::string& path,
                   ArtifactKind kind, int optLevel, bool useCache) {
  KernelProgram program =
      runtime::withLoopsOrPacks(reorderDepthFirst(scheduled), optLevel, runtime::CompileMode::AheadOfTime);
  auto machine = runtime::createHostTargetMachine();
  switch (kind) {
    case ArtifactKind::LlvmIr: {
      llvm::LLVMContext context;
      std::string text;
      llvm::raw_string_ostream out(text);
      optimizedModule(context, program, name, *machine, optLevel)->print(out, nullptr);
      writeFile(path, text);
      return;
    }
    case ArtifactKind::Assembly: {
      llvm::LLVMContext context;
      auto module = optimizedModule(context, program, name, *machine, optLevel);
      writeFile(path,
                runtime::emitMachineCode(*module, *machine, optLevel, runtime::MachineCodeKind::Assembly));
      return;
    }
    case ArtifactKind::Object:
      writeFile(path, objectFor(program, name, *machine, optLevel, useCache));
      return;
    case ArtifactKind::SharedLibrary: {
      std::string object = path + ".gradc-" + std::to_string(getpid()) + ".o";
      writeFile(object, objectFor(program, name, *machine, optLevel, useCache));
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
