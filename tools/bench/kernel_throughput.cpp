// Kernel throughput on the problems of the benchmark ruler, with Google Benchmark:
//   build/release/tools/bench/kernel_throughput_bench --benchmark_out=throughput.json
// For each problem: Value (the value-only kernel, one point), ValueAndGradient (value
// and every derivative, one point) and Batch (value and derivatives, 1,000 points
// per call through NAME_batch; items_per_second is points a second). The grad/value
// ratio is ValueAndGradient's time over Value's. Kernels are compiled at -O2 before
// timing. ../shared/bench/compare.py puts the same kernels beside hand-written C,
// PyTorch, SymPy and ADOL-C.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tools/bench/bench_kernel.hpp"
#include "tools/bench/bench_models.hpp"

namespace {

using gradc::bench::BenchModel;

struct Compiled {
  std::unique_ptr<gradc::JitKernel> kernel;
  std::vector<double> params;  // the defaults
  std::vector<double> inputs;
};

Compiled compile(const std::string& text, const std::vector<double>& point) {
  gradc::bench::BenchKernel k = gradc::bench::compileKernel(gradc::SourceFile("bench.grad", text));
  return {std::move(k.kernel), k.compiled.simplified.paramDefaults, point};
}

// Each problem's two kernels, compiled once per process.
const Compiled& kernelFor(const std::string& problem, bool valueOnly) {
  static std::map<std::pair<std::string, bool>, Compiled> kernels;
  auto key = std::make_pair(problem, valueOnly);
  if (auto found = kernels.find(key); found != kernels.end()) return found->second;
  BenchModel m = problem == "rosenbrock_100"     ? gradc::bench::rosenbrock(100)
                 : problem == "rosenbrock_1000"  ? gradc::bench::rosenbrock(1000)
                 : problem == "lennard_jones_16" ? gradc::bench::lennardJones(16)
                 : problem == "lennard_jones_64" ? gradc::bench::lennardJones(64)
                 : problem == "mlp"              ? gradc::bench::mlp(8, 32)
                 : problem == "deep_tanh_100"    ? gradc::bench::deepTanh(100)
                                                 : gradc::bench::nestedSinDerivative(7, 10);
  return kernels.emplace(key, compile(valueOnly ? m.valueText : m.text, m.point)).first->second;
}

const char* const kProblems[] = {
    "rosenbrock_100", "rosenbrock_1000", "lennard_jones_16", "lennard_jones_64", "mlp",
    "deep_tanh_100",  "nested_sin_7_d10"};

void OnePoint(benchmark::State& state, const std::string& problem, bool valueOnly) {
  const Compiled& c = kernelFor(problem, valueOnly);
  std::vector<double> outputs(c.kernel->numOutputs());
  for (auto _ : state) {
    (*c.kernel)(c.inputs.data(), c.params.data(), outputs.data());
    benchmark::DoNotOptimize(outputs.data());
    benchmark::ClobberMemory();
  }
}

void Batch(benchmark::State& state, const std::string& problem) {
  const Compiled& c = kernelFor(problem, false);
  constexpr size_t kPoints = 1000;
  std::vector<double> inputs(c.inputs.size() * kPoints), outputs(c.kernel->numOutputs() * kPoints);
  for (size_t i = 0; i < c.inputs.size(); ++i)
    for (size_t p = 0; p < kPoints; ++p) inputs[i * kPoints + p] = c.inputs[i] * (1 + 0.01 * p / kPoints);
  for (auto _ : state) {
    c.kernel->batch(kPoints, inputs.data(), c.params.data(), outputs.data());
    benchmark::DoNotOptimize(outputs.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kPoints));
}

// Registered at start-up so that the problem names appear in the benchmark names.
const bool kRegistered = [] {
  for (const char* problem : kProblems) {
    std::string p = problem;
    benchmark::RegisterBenchmark(("Value/" + p).c_str(), [p](benchmark::State& s) { OnePoint(s, p, true); });
    benchmark::RegisterBenchmark(("ValueAndGradient/" + p).c_str(),
                                 [p](benchmark::State& s) { OnePoint(s, p, false); });
    benchmark::RegisterBenchmark(("Batch/" + p).c_str(), [p](benchmark::State& s) {
      Batch(s, p);
    })->Unit(benchmark::kMicrosecond);
  }
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
