// Model text to a JIT kernel, the way the benchmark programs all need it.
#pragma once

#include <memory>
#include <string>

#include "compiler/driver/compile.hpp"
#include "compiler/lower/kernel_program.hpp"
#include "runtime/jit.hpp"

namespace gradc::bench {

struct BenchKernel {
  CompiledModel compiled;
  KernelProgram program;
  std::unique_ptr<JitKernel> kernel;
};

// Parses, analyses, simplifies, schedules and JIT-compiles `text` at -O2; throws
// std::runtime_error if the model has errors (a benchmark's own model is wrong).
BenchKernel compileKernel(const SourceFile& source);

}  // namespace gradc::bench
