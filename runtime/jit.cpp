#include "runtime/jit.hpp"

#include <dlfcn.h>
#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>
#include <thread>

#include "compiler/diag/diagnostic.hpp"
#include "runtime/kernel_cache.hpp"
#include "runtime/llvm/codegen.hpp"
#include "runtime/llvm/ir_emitter.hpp"

namespace gradc {
namespace {

[[noreturn]] void fail(const std::string& what, llvm::Error error) {
  throw Error("gradc: internal error: " + what + ": " + llvm::toString(std::move(error)), {});
}

template <typename T>
T check(llvm::Expected<T> value, const char* what) {
  if (!value) fail(what, value.takeError());
  return std::move(*value);
}

// One LLJIT for the process; each kernel is a module under its own resource tracker.
class JitEngine {
 public:
  // Never destroyed: a kernel with static storage duration (a global, a function's
  // static) is destroyed at exit, maybe after any static engine would have been, and
  // must still find the engine to free its code in.
  static JitEngine& instance() {
    static JitEngine* engine = new JitEngine;
    return *engine;
  }

  llvm::orc::LLJIT& jit() { return *jit_; }
  std::mutex& compileMutex() { return mutex_; }
  llvm::TargetMachine& targetMachine() { return *machine_; }
  // What the kernel cache's keys need besides the program (nullopt: no caching).
  const std::optional<std::string>& codeSignature() const { return signature_; }

  // A symbol name that no live kernel uses: the program's fingerprint and the lowest
  // free number. The same program gets the same name in every run, so the kernel
  // cache finds its object again (the key includes the name, which the object defines).
  std::string claimName(const std::string& fingerprint) {
    std::lock_guard lock(namesMutex_);
    std::string base = "gradc_" + fingerprint.substr(0, 16) + "_";
    for (uint64_t n = 0;; ++n)
      if (auto [at, inserted] = liveNames_.insert(base + std::to_string(n)); inserted) return *at;
  }
  void releaseName(const std::string& name) {
    std::lock_guard lock(namesMutex_);
    liveNames_.erase(name);
  }

 private:
  JitEngine() {
    machine_ = runtime::createHostTargetMachine();
    signature_ = machineCodeSignature(*machine_);
    auto builder = check(llvm::orc::JITTargetMachineBuilder::detectHost(), "detecting the host");
    // The "process symbols" library holds only the math functions: a model can
    // reach nothing else of the host process.
    jit_ = check(llvm::orc::LLJITBuilder()
                     .setJITTargetMachineBuilder(builder)
                     .setProcessSymbolsJITDylibSetup(mathLibrary)
                     .create(),
                 "creating the JIT");
  }

  static llvm::Expected<llvm::orc::JITDylibSP> mathLibrary(llvm::orc::LLJIT& jit) {
    llvm::orc::JITDylib& library = jit.getExecutionSession().createBareJITDylib("<gradc math>");
    void* libm = dlopen("libm.so.6", RTLD_NOW | RTLD_LOCAL);
    llvm::orc::SymbolMap symbols;
    for (const std::string& name : runtime::mathLibraryFunctions()) {
      void* address = libm ? dlsym(libm, name.c_str()) : nullptr;
      if (!address) address = dlsym(RTLD_DEFAULT, name.c_str());
      if (!address) continue;
      symbols[jit.mangleAndIntern(name)] = {llvm::orc::ExecutorAddr::fromPtr(address),
                                            llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable};
    }
    if (auto error = library.define(llvm::orc::absoluteSymbols(std::move(symbols)))) return error;
    return &library;
  }

  std::unique_ptr<llvm::TargetMachine> machine_;
  std::optional<std::string> signature_;
  std::unique_ptr<llvm::orc::LLJIT> jit_;
  std::mutex mutex_;
  std::mutex namesMutex_;  // kernels are freed without the compile mutex
  std::set<std::string> liveNames_;
};

constexpr runtime::CompileMode kMode = runtime::CompileMode::Jit;

// One module of the kernel as an object in memory: LLVM IR, the IR passes, the code generator.
std::string compileObject(const KernelProgram& program, const std::string& name, int optLevel,
                          llvm::TargetMachine& machine, runtime::ModuleSlice slice) {
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> module =
      runtime::emitKernelModule(context, program, name, optLevel, kMode, slice);
  module->setDataLayout(machine.createDataLayout());
  module->setTargetTriple(machine.getTargetTriple().str());
  if (const char* dump = std::getenv("GRADC_DUMP_IR")) {  // for debugging the code generator
    std::error_code ec;
    llvm::raw_fd_ostream out(slice.index == 0 ? std::string(dump) : dump + std::to_string(slice.index), ec);
    if (!ec) module->print(out, nullptr);
  }
  runtime::optimizeModule(*module, machine, optLevel);
  return runtime::emitMachineCode(*module, machine, optLevel, runtime::MachineCodeKind::Object);
}

// The kernel as one object, or, for a huge kernel, as several made at once on their
// own threads (each with its own LLVM context and target machine): LLVM's time is
// linear in the size there, so two threads cut it (by 1.4 times on this project's
// 2-vCPU machine, where the two threads share more than the cores).
std::vector<std::string> compileObjects(const KernelProgram& program, const std::string& name, int optLevel,
                                        llvm::TargetMachine& machine) {
  unsigned count = runtime::parallelModuleCount(runtime::useFastPath(program, optLevel, kMode));
  std::vector<std::string> objects(count);
  std::vector<std::exception_ptr> failures(count);
  auto work = [&](unsigned index) {
    try {
      std::unique_ptr<llvm::TargetMachine> own = runtime::createHostTargetMachine();
      objects[index] = compileObject(program, name, optLevel, *own, {index, count});
    } catch (...) {
      failures[index] = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  std::vector<unsigned> unthreaded;  // slices without a thread (none could be started)
  for (unsigned i = 1; i < count; ++i) {
    try {
      threads.emplace_back(work, i);
    } catch (const std::system_error&) {  // e.g. no memory for a thread's stack
      unthreaded.push_back(i);
    }
  }
  try {  // nothing may leave before the threads are joined
    objects[0] = compileObject(program, name, optLevel, machine, {0, count});
  } catch (...) {
    failures[0] = std::current_exception();
  }
  for (auto& t : threads) t.join();
  for (unsigned i : unthreaded) work(i);
  for (auto& failure : failures)
    if (failure) std::rethrow_exception(failure);
  return objects;
}

}  // namespace

struct JitKernel::Code {
  llvm::orc::ResourceTrackerSP tracker;
  std::string name;  // claimed from the engine, released when the code is gone
  ~Code() {
    if (tracker) llvm::consumeError(tracker->remove());
    if (!name.empty()) JitEngine::instance().releaseName(name);
  }
};

std::unique_ptr<JitKernel> JitKernel::compile(const KernelProgram& scheduled, const KernelOptions& options) {
  // -O3 asks for the fastest code whatever the compile time (see reorderDepthFirst).
  std::optional<KernelProgram> reordered;
  if (options.optLevel >= 3)
    reordered = runtime::withLoopsOrPacks(reorderDepthFirst(scheduled), options.optLevel, kMode);
  const KernelProgram& program = reordered ? *reordered : scheduled;
  JitEngine& engine = JitEngine::instance();
  std::unique_ptr<JitKernel> kernel(new JitKernel());
  kernel->inputNames_ = program.inputNames;
  kernel->paramNames_ = program.paramNames;
  kernel->outputNames_ = program.outputNames;
  kernel->code_ = std::make_unique<Code>();

  std::lock_guard lock(engine.compileMutex());  // the shared target machine is not thread-safe
  std::string fingerprint = programFingerprint(program);
  const std::string& name = kernel->code_->name = engine.claimName(fingerprint);

  // Adds an object under the kernel's own resource tracker and finds its two
  // functions. On failure nothing of the object stays in the JIT.
  auto link = [&](const std::vector<std::string>& objects) -> llvm::Error {
    Code& code = *kernel->code_;
    code.tracker = engine.jit().getMainJITDylib().createResourceTracker();
    llvm::Error error = [&]() -> llvm::Error {
      for (const std::string& object : objects)
        if (auto added =
                engine.jit().addObjectFile(code.tracker, llvm::MemoryBuffer::getMemBufferCopy(object, name)))
          return added;
      auto point = engine.jit().lookup(name);
      if (!point) return point.takeError();
      auto batch = engine.jit().lookup(name + "_batch");
      if (!batch) return batch.takeError();
      kernel->point_ = point->toPtr<PointFn>();
      kernel->batch_ = batch->toPtr<BatchFn>();
      return llvm::Error::success();
    }();
    if (error) {
      llvm::consumeError(code.tracker->remove());
      code.tracker = nullptr;
    }
    return error;
  };

  std::optional<KernelCache> cache;
  std::vector<KernelCacheKey> keys;  // one per object
  if (options.useCache) {
    auto directory = KernelCache::defaultDirectory();
    if (!engine.codeSignature())
      kernelCacheNote("off: the files holding gradc's code generator and LLVM cannot be identified");
    else if (!directory)
      kernelCacheNote("off: no directory (set GRADC_CACHE_DIR, XDG_CACHE_HOME or HOME)");
    else
      cache.emplace(*directory);
    // A kernel made as several objects keeps each under its own key.
    unsigned count = runtime::parallelModuleCount(runtime::useFastPath(program, options.optLevel, kMode));
    for (unsigned i = 0; cache && i < count; ++i)
      keys.push_back(kernelCacheKey(fingerprint, name, options.optLevel,
                                    *engine.codeSignature() + (count > 1 ? "\nobject " + std::to_string(i) +
                                                                               " of " + std::to_string(count)
                                                                         : std::string())));
  }
  // GRADC_DUMP_IR is for debugging the code generator, which must then run.
  if (cache && !std::getenv("GRADC_DUMP_IR")) {
    std::vector<std::string> objects;
    for (const KernelCacheKey& key : keys) {
      std::optional<std::string> object = cache->load(key);
      if (!object) break;
      objects.push_back(std::move(*object));
    }
    if (objects.size() == keys.size()) {
      llvm::Error error = link(objects);
      if (!error) {
        kernel->loadedFromCache_ = true;
        return kernel;
      }
      // An entry this LLVM cannot load is compiled again and replaced below.
      kernelCacheNote("LLVM rejected " + cache->entryPath(keys[0]).string() + " (" +
                      llvm::toString(std::move(error)) + "); compiling it again");
    }
  }

  std::vector<std::string> objects = compileObjects(program, name, options.optLevel, engine.targetMachine());
  if (auto error = link(objects)) fail("adding the kernel to the JIT", std::move(error));
  for (size_t i = 0; cache && i < objects.size(); ++i) cache->store(keys[i], objects[i]);
  return kernel;
}

JitKernel::~JitKernel() = default;

void JitKernel::parallelBatch(size_t n, const double* inputs, const double* params, double* outputs,
                              unsigned threads) const {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(1, n / 64)));
  if (threads <= 1) return batch(n, inputs, params, outputs);
  // Structure of arrays: a range of points is a strided slice of every row, so each
  // thread gathers its slice into local rows, runs the batch kernel, and scatters.
  size_t ni = numInputs(), no = numOutputs();
  auto work = [&](size_t begin, size_t end) {
    size_t m = end - begin;
    std::vector<double> in(ni * m), out(no * m);
    for (size_t i = 0; i < ni; ++i) std::copy_n(inputs + i * n + begin, m, in.data() + i * m);
    batch(m, in.data(), params, out.data());
    for (size_t k = 0; k < no; ++k) std::copy_n(out.data() + k * m, m, outputs + k * n + begin);
  };
  std::vector<std::thread> pool;
  size_t chunk = (n + threads - 1) / threads;
  for (unsigned t = 1; t < threads; ++t) {
    size_t begin = std::min(n, t * chunk), end = std::min(n, begin + chunk);
    if (begin < end) pool.emplace_back(work, begin, end);
  }
  work(0, std::min(n, chunk));
  for (auto& t : pool) t.join();
}

}  // namespace gradc
