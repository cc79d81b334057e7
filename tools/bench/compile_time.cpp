// Compile time by model size: model text to a callable kernel (parse, analyse and
// differentiate, simplify, schedule, LLVM), with Google Benchmark.
//   build/release/tools/bench/compile_time_bench --benchmark_out=compile.json
// The model: h_k = tanh(w_k * h_{k-1} + sin(b_k * h_{k-1})), its value and its
// gradient w.r.t. every w_k and b_k; about 12 graph nodes per layer after
// differentiation.
#include <benchmark/benchmark.h>

#include <string>

#include "compiler/driver/compile.hpp"
#include "compiler/graph/traversal.hpp"
#include "compiler/lower/kernel_program.hpp"
#include "runtime/jit.hpp"

namespace {

std::string layeredModel(int layers) {
  std::string text = "input x\n";
  for (int k = 1; k <= layers; ++k) text += "param w" + std::to_string(k) + " = 0.9, b" + std::to_string(k) + " = 0.1\n";
  text += "h0 = x\n";
  for (int k = 1; k <= layers; ++k) {
    std::string h = "h" + std::to_string(k - 1), K = std::to_string(k);
    text += "h" + K + " = tanh(w" + K + " * " + h + " + sin(b" + K + " * " + h + "))\n";
  }
  std::string top = "h" + std::to_string(layers);
  text += "output " + top + "\n";
  for (int k = 1; k <= layers; ++k) {
    std::string K = std::to_string(k);
    text += "output dw" + K + " = grad(" + top + ", w" + K + ")\noutput db" + K + " = grad(" + top + ", b" + K + ")\n";
  }
  return text;
}

void CompileToKernel(benchmark::State& state) {
  std::string text = layeredModel(static_cast<int>(state.range(0)));
  gradc::SourceFile source("bench.grad", text);
  size_t nodes = 0, instructions = 0;
  for (auto _ : state) {
    gradc::Diagnostics diagnostics;
    auto compiled = gradc::compileModel(source, diagnostics);
    gradc::KernelProgram program = gradc::scheduleKernel(compiled->simplified);
    auto kernel = gradc::JitKernel::compile(program, {2});
    benchmark::DoNotOptimize(kernel.get());
    instructions = program.code.size();
    nodes = compiled->simplified.graph.size();
  }
  state.counters["nodes"] = static_cast<double>(nodes);
  state.counters["instructions"] = static_cast<double>(instructions);
}
// About 1,000, 10,000 and 100,000 nodes.
BENCHMARK(CompileToKernel)->Arg(85)->Arg(850)->Arg(8500)->Unit(benchmark::kMillisecond)->MinTime(0.5);

}  // namespace

BENCHMARK_MAIN();
