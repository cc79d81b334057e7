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
#include <atomic>
#include <mutex>
#include <thread>

#include "compiler/diag/diagnostic.hpp"
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
  static JitEngine& instance() {
    static JitEngine engine;
    return engine;
  }

  llvm::orc::LLJIT& jit() { return *jit_; }
  std::mutex& compileMutex() { return mutex_; }
  llvm::TargetMachine& targetMachine() { return *machine_; }
  std::string nextName() { return "gradc_kernel_" + std::to_string(counter_++); }

 private:
  JitEngine() {
    machine_ = runtime::createHostTargetMachine();
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
  std::unique_ptr<llvm::orc::LLJIT> jit_;
  std::mutex mutex_;
  std::atomic<uint64_t> counter_{0};
};

}  // namespace

struct JitKernel::Code {
  llvm::orc::ResourceTrackerSP tracker;
  ~Code() {
    if (tracker) llvm::consumeError(tracker->remove());
  }
};

std::unique_ptr<JitKernel> JitKernel::compile(const KernelProgram& program, const KernelOptions& options) {
  JitEngine& engine = JitEngine::instance();
  std::unique_ptr<JitKernel> kernel(new JitKernel());
  kernel->inputNames_ = program.inputNames;
  kernel->paramNames_ = program.paramNames;
  kernel->outputNames_ = program.outputNames;
  kernel->code_ = std::make_unique<Code>();

  std::lock_guard lock(engine.compileMutex());  // the shared target machine is not thread-safe
  std::string name = engine.nextName();
  auto context = std::make_unique<llvm::LLVMContext>();
  std::unique_ptr<llvm::Module> module = runtime::emitKernelModule(*context, program, name);
  module->setDataLayout(engine.targetMachine().createDataLayout());
  module->setTargetTriple(engine.targetMachine().getTargetTriple().str());
  if (const char* dump = std::getenv("GRADC_DUMP_IR")) {  // for debugging the code generator
    std::error_code ec;
    llvm::raw_fd_ostream out(dump, ec);
    if (!ec) module->print(out, nullptr);
  }
  runtime::optimizeModule(*module, engine.targetMachine(), options.optLevel);

  std::string object = runtime::emitMachineCode(*module, engine.targetMachine(), options.optLevel,
                                                runtime::MachineCodeKind::Object);
  kernel->code_->tracker = engine.jit().getMainJITDylib().createResourceTracker();
  if (auto error = engine.jit().addObjectFile(kernel->code_->tracker,
                                              llvm::MemoryBuffer::getMemBufferCopy(object, name)))
    fail("adding the kernel to the JIT", std::move(error));
  kernel->point_ = check(engine.jit().lookup(name), "looking up the kernel").toPtr<PointFn>();
  kernel->batch_ = check(engine.jit().lookup(name + "_batch"), "looking up the kernel").toPtr<BatchFn>();
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
