// Compile time by model size: model text to a callable kernel (parse, analyse and
// differentiate, simplify, schedule, LLVM), with Google Benchmark.
//   build/release/tools/bench/compile_time_bench --benchmark_out=compile.json
//   tools/bench/plot_compile_time.py compile.json docs/compile_time.svg
// The ladder (bench_models.hpp, layeredModel): about 1,000 to 1,000,000 nodes.
// Sizes run in increasing order, so the process's peak resident memory after each
// size is that size's peak: the counters report it, and per node above the memory
// the process had before compiling anything.
// CompileAndRun/nested_sin_7_d10: the 10th derivative of sin nested 7 deep, from
// text to one evaluated point.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <string>

#include "tools/bench/bench_kernel.hpp"
#include "tools/bench/bench_models.hpp"

namespace {

double peakResidentBytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) * 1024;
}

// The process before any compilation (LLVM's and the C++ runtime's own memory), so
// that the per-node figure counts only what compiling costs.
const double kBaselineBytes = peakResidentBytes();

void CompileToKernel(benchmark::State& state) {
  std::string text = gradc::bench::layeredModel(static_cast<int>(state.range(0)));
  gradc::SourceFile source("bench.grad", text);
  size_t nodes = 0, instructions = 0;
  for (auto _ : state) {
    gradc::bench::BenchKernel k = gradc::bench::compileKernel(source);
    benchmark::DoNotOptimize(k.kernel.get());
    instructions = k.program.code.size();
    nodes = k.compiled.simplified.graph.size();
  }
  state.counters["nodes"] = static_cast<double>(nodes);
  state.counters["instructions"] = static_cast<double>(instructions);
  double peakBytes = peakResidentBytes();
  state.counters["peak_rss_MB"] = peakBytes / (1 << 20);
  state.counters["peak_bytes_per_node"] = (peakBytes - kBaselineBytes) / static_cast<double>(nodes);
}
// About 1,000, 10,000, 100,000 and 1,000,000 nodes.
BENCHMARK(CompileToKernel)
    ->Arg(60)
    ->Arg(600)
    ->Arg(6000)
    ->Arg(60000)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(0.5)
    ->UseRealTime();

void CompileAndRun(benchmark::State& state) {
  gradc::bench::BenchModel m = gradc::bench::nestedSinDerivative(7, 10);
  gradc::SourceFile source("bench.grad", m.text);
  double x = 0.5, y = 0;
  for (auto _ : state) {
    gradc::bench::BenchKernel k = gradc::bench::compileKernel(source);
    (*k.kernel)(&x, nullptr, &y);
    benchmark::DoNotOptimize(y);
  }
}
BENCHMARK(CompileAndRun)
    ->Name("CompileAndRun/nested_sin_7_d10")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
