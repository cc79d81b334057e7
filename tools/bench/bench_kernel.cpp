#include "tools/bench/bench_kernel.hpp"

#include <stdexcept>

namespace gradc::bench {

BenchKernel compileKernel(const SourceFile& source) {
  Diagnostics diagnostics;
  std::optional<CompiledModel> compiled = compileModel(source, diagnostics);
  if (!compiled) throw std::runtime_error("benchmark model " + source.name() + " does not compile");
  KernelProgram program = scheduleKernel(compiled->simplified);
  std::unique_ptr<JitKernel> kernel = JitKernel::compile(program, {.optLevel = 2});
  return {std::move(*compiled), std::move(program), std::move(kernel)};
}

}  // namespace gradc::bench
