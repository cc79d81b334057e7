// Kernels compiled in memory with LLVM's ORC JIT. No LLVM type appears here.
//
// A kernel computes a model's chosen outputs from its inputs and params, with the
// ABI of docs/kernel-abi.md. It is immutable once compiled: call it from any
// number of threads at once. Its machine code is freed with it.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "compiler/lower/kernel_program.hpp"

namespace gradc {

struct KernelOptions {
  int optLevel = 2;       // 0..3, LLVM's -O levels
  bool useCache = false;  // load and store the object in the on-disk kernel cache (runtime/kernel_cache.hpp)
};

class JitKernel {
 public:
  using PointFn = void (*)(const double* inputs, const double* params, double* outputs);
  using BatchFn = void (*)(size_t n, const double* inputs, const double* params, double* outputs);

  // Throws gradc::Error if LLVM fails (which is a bug in gradc, not in the model).
  // With options.useCache, an object from the kernel cache is used if LLVM accepts
  // it; otherwise the kernel is compiled and then stored in the cache.
  static std::unique_ptr<JitKernel> compile(const KernelProgram& program, const KernelOptions& options = {});
  ~JitKernel();
  JitKernel(const JitKernel&) = delete;
  JitKernel& operator=(const JitKernel&) = delete;

  // One point: inputs[i], params[j] -> outputs[k].
  void operator()(const double* inputs, const double* params, double* outputs) const { point_(inputs, params, outputs); }
  // n points, structure of arrays: input i of point p at inputs[i*n + p], output k at outputs[k*n + p].
  void batch(size_t n, const double* inputs, const double* params, double* outputs) const {
    batch_(n, inputs, params, outputs);
  }
  // As batch(), with the points split into contiguous ranges run on `threads` threads
  // (0: the hardware's number).
  void parallelBatch(size_t n, const double* inputs, const double* params, double* outputs, unsigned threads = 0) const;

  size_t numInputs() const { return inputNames_.size(); }
  size_t numParams() const { return paramNames_.size(); }
  size_t numOutputs() const { return outputNames_.size(); }
  const std::vector<std::string>& inputNames() const { return inputNames_; }
  const std::vector<std::string>& paramNames() const { return paramNames_; }
  const std::vector<std::string>& outputNames() const { return outputNames_; }
  // Whether the machine code came from the kernel cache rather than from LLVM.
  bool loadedFromCache() const { return loadedFromCache_; }

  struct Code;  // the JIT's resources, freed with the kernel

 private:
  JitKernel() = default;
  std::unique_ptr<Code> code_;
  PointFn point_ = nullptr;
  BatchFn batch_ = nullptr;
  bool loadedFromCache_ = false;
  std::vector<std::string> inputNames_, paramNames_, outputNames_;
};

}  // namespace gradc
