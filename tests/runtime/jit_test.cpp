// The JIT against the reference interpreter: same numbers, bit for bit.
#include "runtime/jit.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <thread>

#include "../compiler/test_support.hpp"
#include "compiler/interp/evaluate.hpp"
#include "compiler/lower/kernel_program.hpp"
#include "compiler/lower/loop_rerolling.hpp"
#include "runtime/aot.hpp"
#include "runtime/llvm/ir_emitter.hpp"

namespace gradc {
namespace {

using testing::compileText;

bool sameDouble(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

struct Point {
  std::vector<double> inputs, params, variables;
};

Point pointFor(const ModelGraph& m, std::mt19937& rng, double low, double high) {
  std::uniform_real_distribution<double> u(low, high);
  Point p;
  p.variables.assign(m.graph.variables().size(), 0);
  for (uint32_t v : m.inputs) p.inputs.push_back(p.variables[v] = u(rng));
  for (uint32_t v : m.params) p.params.push_back(p.variables[v] = u(rng));
  return p;
}

// Compiles all outputs and compares with the interpreter at `count` random points.
void expectJitMatchesInterpreter(const std::string& text, int count, double low, double high,
                                 int optLevel = 2) {
  auto r = compileText(text);
  ASSERT_TRUE(r.model) << ::testing::PrintToString(r.diagnostics);
  const ModelGraph& m = r.model->simplified;
  auto kernel = JitKernel::compile(scheduleKernel(m), {optLevel});
  std::vector<NodeId> roots;
  for (const auto& o : m.outputs) roots.push_back(o.node);
  std::mt19937 rng(42);
  for (int t = 0; t < count; ++t) {
    Point p = pointFor(m, rng, low, high);
    std::vector<double> jit(m.outputs.size());
    (*kernel)(p.inputs.data(), p.params.data(), jit.data());
    std::vector<double> want = evaluate(m.graph, roots, p.variables);
    for (size_t k = 0; k < want.size(); ++k)
      EXPECT_TRUE(sameDouble(jit[k], want[k]))
          << m.outputs[k].name << ": jit " << jit[k] << ", interpreter " << want[k];
  }
}

const char* kEveryOp =
    "input x, y\nparam w = 0.5\n"
    "a = x + y - x*y/w + x^2 + w^y + pow(abs(x) + 1, 0.5) - -x\n"
    "b = exp(x) + log(abs(y) + 1) + log1p(abs(x)) + expm1(y) + sqrt(x*x + 1)\n"
    "c = sin(x) + cos(y) + tan(x/4) + asin(tanh(x)) + acos(tanh(y)) + atan(x) + atan2(y, x)\n"
    "d = sinh(x) + cosh(y) + tanh(x) + abs(y) + sign(x) + min(x, y) + max(x, y) + hypot(x, y)\n"
    "e = sigmoid(x) + softplus(y) + relu(x) + logsumexp(x, y, w) + erf(y) + where(x > y, x, y)\n"
    "f = where(x <= 0, log(-x + 1), sqrt(x)) + where(x != y, 1, 2) + where(x == y, 3, 4) + where(x >= w, 1, "
    "0)\n"
    "s = a + b + c + d + e + f\n"
    "output a\noutput b\noutput c\noutput d\noutput e\noutput f\n"
    "output dx = grad(s, x)\noutput dy = grad(s, y)\noutput dw = grad(s, w)\noutput dxx = grad(grad(s, x), "
    "x)\n";

TEST(Jit, SeedNetwork) {
  auto r = compileText(
      "input x\nparam w1 = 3, w2 = 2, b2 = 6\nl = w1 * x\ny = (l * w2 + b2) ^ 2\noutput y\n"
      "output dy_dl = grad(y, l)\noutput d2y_dw1 = grad(grad(y, w1), w1)\n");
  ASSERT_TRUE(r.model);
  auto kernel = JitKernel::compile(scheduleKernel(r.model->simplified));
  double in[] = {4}, params[] = {3, 2, 6}, out[3];
  (*kernel)(in, params, out);
  EXPECT_EQ(out[0], 900);
  EXPECT_EQ(out[1], 120);
  EXPECT_EQ(out[2], 128);
  EXPECT_EQ(kernel->numInputs(), 1u);
  EXPECT_EQ(kernel->outputNames()[1], "dy_dl");
}

TEST(Jit, EveryOpMatchesTheInterpreterAtEachLevel) {
  for (int level = 0; level <= 3; ++level) expectJitMatchesInterpreter(kEveryOp, 200, -3, 3, level);
}

TEST(Jit, SpecialValues) {
  auto r = compileText(
      "input x\noutput s = softplus(x)\noutput g = sigmoid(x)\noutput l = logsumexp(x, x)\n"
      "output m = max(x, 1)\noutput r = relu(x)\noutput d = grad(where(x > 0, sqrt(x), 0), x)\n"
      "output sg = sign(x)\noutput p = x ^ 0.5\n"
      "output e = exp(x)\noutput em = expm1(x)\noutput t = tanh(x)\n");
  ASSERT_TRUE(r.model);
  const ModelGraph& m = r.model->simplified;
  auto kernel = JitKernel::compile(scheduleKernel(m));
  std::vector<NodeId> roots;
  for (const auto& o : m.outputs) roots.push_back(o.node);
  const double inf = INFINITY, nan = NAN;
  // Also the edges of compiler/math's shortcuts and ranges (exp_family.hpp).
  for (double x : {0.0, -0.0, 1000.0, -1000.0, inf, -inf, nan, 1e-310, -1.0, 709.79, -745.2, 0.34, -0.35,
                   1.03, 38.0, -38.0, 20.5, 0x1p-60}) {
    std::vector<double> out(m.outputs.size());
    (*kernel)(&x, nullptr, out.data());
    std::vector<double> want = evaluate(m.graph, roots, std::vector<double>{x});
    for (size_t k = 0; k < out.size(); ++k)
      EXPECT_TRUE(sameDouble(out[k], want[k]))
          << m.outputs[k].name << " at " << x << ": " << out[k] << " vs " << want[k];
  }
}

TEST(Jit, BatchMatchesSinglePoints) {
  auto r = compileText(kEveryOp);
  ASSERT_TRUE(r.model);
  auto kernel = JitKernel::compile(scheduleKernel(r.model->simplified));
  size_t n = 1001, ni = kernel->numInputs(), no = kernel->numOutputs();
  std::vector<double> inputs(ni * n), params = {0.25}, outputs(no * n);
  for (size_t i = 0; i < inputs.size(); ++i) inputs[i] = std::sin(0.37 * static_cast<double>(i)) * 2;
  kernel->batch(n, inputs.data(), params.data(), outputs.data());
  std::vector<double> parallel(no * n);
  kernel->parallelBatch(n, inputs.data(), params.data(), parallel.data(), 4);
  for (size_t p = 0; p < n; ++p) {
    double in[2] = {inputs[p], inputs[n + p]}, out[16];
    (*kernel)(in, params.data(), out);
    for (size_t k = 0; k < no; ++k) {
      ASSERT_TRUE(sameDouble(out[k], outputs[k * n + p])) << "point " << p << " output " << k;
      ASSERT_TRUE(sameDouble(out[k], parallel[k * n + p])) << "point " << p << " output " << k;
    }
  }
}

// Output rows for a batch, starting `offset` doubles past a 64-byte boundary, with
// guard doubles on both sides: a batch's blocks start where the rows' vectors are
// aligned, the first block's lanes below point 0 masked off.
class GuardedRows {
 public:
  static constexpr size_t kGuard = 8;
  static constexpr double kSentinel = -12345.5;
  GuardedRows(size_t size, size_t offset) : storage_(size + 2 * kGuard + 16, kSentinel), size_(size) {
    auto address = reinterpret_cast<uintptr_t>(storage_.data() + kGuard);
    rows_ = storage_.data() + kGuard + (64 - address % 64) % 64 / sizeof(double) + offset;
  }
  double* data() { return rows_; }
  double operator[](size_t i) const { return rows_[i]; }
  // Whether the batch wrote nothing outside its rows.
  bool guardsIntact() const {
    for (const double* g = storage_.data(); g < rows_; ++g)
      if (*g != kSentinel) return false;
    for (const double* g = rows_ + size_; g < storage_.data() + storage_.size(); ++g)
      if (*g != kSentinel) return false;
    return true;
  }

 private:
  std::vector<double> storage_;
  size_t size_;
  double* rows_;
};

// Runs kernel's batch at every size up to three blocks and at every alignment of
// its output rows, with special values mixed into the lanes: every output has the
// single point's bits, and nothing outside the rows is written.
void expectBatchesMatchSinglePoints(JitKernel& kernel, const std::vector<double>& params,
                                    const std::string& what) {
  const double specials[] = {0.0, -0.0, INFINITY, -INFINITY, NAN, 1e-310, 800, -800, 0.25, -19.5, 3};
  size_t ni = kernel.numInputs(), no = kernel.numOutputs();
  for (size_t offset = 0; offset < 8; ++offset)
    for (size_t n = 1; n <= 3 * runtime::kMaxBatchLanes + 1; ++n) {
      std::vector<double> inputs(ni * n), point(ni), single(no);
      GuardedRows outputs(no * n, offset);
      for (size_t i = 0; i < inputs.size(); ++i) inputs[i] = specials[(i * 7 + n) % std::size(specials)];
      kernel.batch(n, inputs.data(), params.data(), outputs.data());
      ASSERT_TRUE(outputs.guardsIntact()) << what << ", n " << n << ", offset " << offset;
      for (size_t p = 0; p < n; ++p) {
        for (size_t i = 0; i < ni; ++i) point[i] = inputs[i * n + p];
        kernel(point.data(), params.data(), single.data());
        for (size_t k = 0; k < no; ++k)
          ASSERT_TRUE(sameDouble(single[k], outputs[k * n + p]))
              << what << ", n " << n << ", offset " << offset << ", point " << p << ", output "
              << kernel.outputNames()[k] << ": " << single[k] << " vs " << outputs[k * n + p];
      }
    }
}

// A batch runs runtime::batchLanes() points in the lanes of vectors and the first and last
// through masked rows: at -O0 and -O3 (packs).
TEST(Jit, BatchLanesMatchSinglePointsAtEverySize) {
  auto r = compileText(kEveryOp);
  ASSERT_TRUE(r.model);
  for (int level : {0, 3}) {
    auto kernel = JitKernel::compile(scheduleKernel(r.model->simplified), {level});
    expectBatchesMatchSinglePoints(*kernel, {0.25}, "-O" + std::to_string(level));
  }
}

TEST(Jit, EightThreadsAtOnce) {
  auto r = compileText(kEveryOp);
  ASSERT_TRUE(r.model);
  auto kernel = JitKernel::compile(scheduleKernel(r.model->simplified));
  size_t no = kernel->numOutputs();
  auto run = [&](double x, std::vector<double>& out) {
    double in[2] = {x, 0.5 * x}, params[1] = {0.75};
    out.resize(no);
    (*kernel)(in, params, out.data());
  };
  std::vector<std::vector<double>> single(64), threaded(64);
  for (int i = 0; i < 64; ++i) run(0.1 * i - 3, single[i]);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int rep = 0; rep < 50; ++rep)
        for (int i = t; i < 64; i += 8) run(0.1 * i - 3, threaded[i]);
    });
  for (auto& t : threads) t.join();
  for (int i = 0; i < 64; ++i)
    for (size_t k = 0; k < no; ++k) EXPECT_TRUE(sameDouble(single[i][k], threaded[i][k]));
}

// The LLVM IR that `gradc compile -O2 -o NAME.ll` writes for the program.
std::string aheadOfTimeIr(const KernelProgram& program, const std::string& name) {
  std::string path = ::testing::TempDir() + "/" + name + ".ll";
  writeArtifact(program, name, path, ArtifactKind::LlvmIr, 2);
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A one-function kernel's batch is emitted on vectors of batchLanes() points: eight
// where the host has AVX-512, four where it has not.
TEST(Jit, BatchVectorsHaveTheHostsLanes) {
  auto r = compileText(kEveryOp);
  ASSERT_TRUE(r.model);
  std::string ir = aheadOfTimeIr(scheduleKernel(r.model->simplified), "lanes");
  std::string vector = "<" + std::to_string(runtime::batchLanes()) + " x double>";
  EXPECT_NE(ir.find(vector), std::string::npos) << vector;
}

// h1 .. hN, each tanh(w * h + sin(h)) of the one before: a kernel large enough to
// be split into parts, without outputs.
std::string layersOfTanhAndSin(int layers) {
  std::string text = "input x\nparam w = 0.9\nh0 = x\n";
  for (int k = 1; k <= layers; ++k)
    text += "h" + std::to_string(k) + " = tanh(w * h" + std::to_string(k - 1) + " + sin(h" +
            std::to_string(k - 1) + "))\n";
  return text;
}

TEST(Jit, LargeKernelIsSplitAndStillAgrees) {
  std::string text = layersOfTanhAndSin(400);
  text +=
      "output h400\noutput dw = grad(h400, w)\noutput dx = grad(h400, x)\noutput dxx = grad(grad(h400, x), "
      "x)\n";
  expectJitMatchesInterpreter(text, 5, -1, 1);
}

// Each part of a split kernel stores the outputs it computes (looked up by value
// number, not by walking every output); outputs that are leaves (an input, a param,
// a constant) or the same value twice, in any order, are stored too.
TEST(Jit, SplitKernelStoresOutputsFromEveryPart) {
  std::string text = layersOfTanhAndSin(400);
  text +=
      "output late = h400\noutput leafInput = x\noutput early = h3\noutput two = 2\noutput middle = h200\n"
      "output leafParam = w\noutput earlyAgain = h3\noutput dw = grad(h400, w)\n";
  auto r = compileText(text);
  ASSERT_TRUE(r.model);
  ASSERT_GT(scheduleKernel(r.model->simplified).code.size(), 4 * 400u);  // parts of 400 instructions
  expectJitMatchesInterpreter(text, 3, -1, 1);
}

// Ahead of time and at -O3 the batch of a split kernel runs its parts a second
// time compiled on vectors of four points (scratch slots of vectors, comparisons
// crossing parts as <4 x i1>, a logsumexp's shift and scale for softmax weights in
// later parts): single points' bits at every batch size, with special values.
TEST(Jit, SplitKernelBatchRunsInVectorLanes) {
  std::string text = layersOfTanhAndSin(700) + "input y\nl = logsumexp(h2, y, h5)\n";
  text +=
      "output a = where(h3 > y, h700, h1)\noutput b = where(h3 > y, h350, x) + exp(h2 - l)\n"
      "output d = grad(h700, w)\n"
      "output e = grad(l, y) + grad(h700, x)\noutput f = log1p(abs(h699)) / (y^2 + 1)\n";
  auto r = compileText(text);
  ASSERT_TRUE(r.model) << ::testing::PrintToString(r.diagnostics);
  KernelProgram program = scheduleKernel(r.model->simplified);
  ASSERT_GT(program.code.size(), 8000u);  // split into parts of 400
  EXPECT_NE(aheadOfTimeIr(program, "layers").find("@layers_vector_part0"), std::string::npos);
  auto kernel = JitKernel::compile(program, {3});
  expectBatchesMatchSinglePoints(*kernel, {0.9}, "split kernel");
  expectJitMatchesInterpreter(text, 3, -1, 1, 3);
}

// Above kJitFastPathAbove instructions a kernel is two modules compiled on two threads
// and linked by the JIT; it must still agree bit for bit, in batches too.
TEST(Jit, HugeKernelCompiledOnTwoThreadsStillAgrees) {
  // Mixed derivatives, so that they are repeated reverse sweeps (see ad/taylor.hpp).
  std::string e = "sin(sin(sin(sin(sin(sin(sin(x * t)))))))";
  for (int k = 0; k < 8; ++k) e = "grad(" + e + (k % 2 ? ", t)" : ", x)");
  std::string text = "input x\nparam t = 0.9\noutput y = " + e + "\noutput z = sin(x)\n";
  auto r = compileText(text);
  ASSERT_TRUE(r.model);
  KernelProgram program = scheduleKernel(r.model->simplified);
  ASSERT_TRUE(runtime::useFastPath(program, 2, runtime::CompileMode::Jit));
  expectJitMatchesInterpreter(text, 3, -1, 1);
  auto kernel = JitKernel::compile(program);
  std::vector<double> xs = {0.1, -0.7, 1.3}, batch(2 * xs.size()), single(2);
  double t = 0.9;
  kernel->batch(xs.size(), xs.data(), &t, batch.data());
  for (size_t p = 0; p < xs.size(); ++p) {
    (*kernel)(&xs[p], &t, single.data());
    EXPECT_TRUE(sameDouble(single[0], batch[p]));
    EXPECT_TRUE(sameDouble(single[1], batch[xs.size() + p]));
  }
}

// At -O3 a kernel too large for LLVM's SLP vectoriser has its repeated terms packed
// into vectors (compiler/lower/vector_packs.hpp): every lane-wise op, comparisons
// (i1 lanes), where, the per-lane library calls, packs crossing the parts of a split
// kernel; the same bits as the interpreter, in batches too.
// GRADC_LOOPS=0 while in scope.
struct LoopsOff {
  LoopsOff() { setenv("GRADC_LOOPS", "0", 1); }
  ~LoopsOff() { unsetenv("GRADC_LOOPS"); }
};

// The batch of `points` points gives each point's bits of single calls.
void expectBatchMatchesSinglePoints(const JitKernel& kernel, size_t inputs, size_t outputs,
                                    const std::vector<double>& params, size_t points) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> dist(-1, 1);
  std::vector<double> batchInputs(inputs * points), batch(outputs * points), single(outputs), point(inputs);
  for (double& x : batchInputs) x = dist(rng);
  kernel.batch(points, batchInputs.data(), params.data(), batch.data());
  for (size_t p = 0; p < points; ++p) {
    for (size_t i = 0; i < inputs; ++i) point[i] = batchInputs[i * points + p];
    kernel(point.data(), params.data(), single.data());
    for (size_t k = 0; k < outputs; ++k) EXPECT_TRUE(sameDouble(single[k], batch[k * points + p])) << k;
  }
}

// Loops (compiler/lower/loop_rerolling.hpp) compute the interpreter's bits: a sum
// over copies of a formula with library calls, selects left outside, shared
// operands, rows of consecutive inputs (read as vectors, the last one masked) and
// of other values (copied), iterations not a multiple of the vector width.
TEST(Jit, LoopsAgreeBitForBit) {
  const int n = 203;
  std::string text = "param w = 0.3\ninput a\nc = exp(a)\n", sum;
  auto u = [](int k) { return "u" + std::to_string(k % n); };
  for (int k = 0; k < n; ++k) text += "input " + u(k) + "\n";
  for (int k = 0; k < n; ++k) {
    std::string x = u(k), y = u(k + 1), z = u(3 * k + 2);
    text += "t" + std::to_string(k) + " = sin(w * " + x + " + c) * (" + y + " - " + x + "^2)^2 + log1p(" + z +
            "^2) / (1 + " + y + "^2) + max(" + x + ", " + z + ") + where(" + x + " > 0, " + y + ", c)\n";
    sum += (sum.empty() ? "" : " + ") + ("t" + std::to_string(k));
  }
  text += "s = " + sum + "\noutput s\n";
  for (int k = 0; k < n; k += 5) text += "output d" + std::to_string(k) + " = grad(s, " + u(k) + ")\n";
  text += "output dw = grad(s, w)\noutput da = grad(s, a)\n";
  auto r = compileText(text);
  ASSERT_TRUE(r.model) << ::testing::PrintToString(r.diagnostics);
  KernelProgram program = reorderDepthFirst(scheduleKernel(r.model->simplified));
  ASSERT_TRUE(runtime::useLoops(program, 3, runtime::CompileMode::Jit)) << program.code.size();
  LoopStatistics loops;
  rerollLoops(program, {}, &loops);
  EXPECT_GE(loops.iterations, 100u);  // squares shared by neighbouring terms make two shapes
  expectJitMatchesInterpreter(text, 4, -1, 1, 3);
  auto kernel = JitKernel::compile(scheduleKernel(r.model->simplified), {3});
  expectBatchMatchesSinglePoints(*kernel, n + 1, r.model->simplified.outputs.size(), {0.3}, 5);
}

// A loop over pairs of points whose rows are inputs and params (Lennard-Jones-like,
// the coordinates interleaved) runs segment by segment (runtime/llvm/row_segments.hpp):
// the interpreter's bits, and the segment table in the ahead-of-time IR.
TEST(Jit, SegmentedLoopsAgreeBitForBit) {
  const int points = 24;
  std::string text = "param eps = 0.8\n", energy;
  for (int i = 0; i < points; ++i) text += "input x" + std::to_string(i) + ", y" + std::to_string(i) + "\n";
  for (int i = 0; i < points; ++i)
    for (int j = i + 1; j < points; ++j) {
      std::string a = std::to_string(i), b = std::to_string(j), r = "r" + a + "_" + b;
      text += r + " = (x" + a + " - x" + b + ")^2 + (y" + a + " - y" + b + ")^2 + eps\n";
      energy += (energy.empty() ? "" : " + ") + ("1 / " + r + "^3 - log(" + r + ")");
    }
  text += "e = " + energy + "\noutput e\n";
  for (int i = 0; i < points; ++i)
    text += "output gx" + std::to_string(i) + " = grad(e, x" + std::to_string(i) + ")\noutput gy" +
            std::to_string(i) + " = grad(e, y" + std::to_string(i) + ")\n";
  text += "output geps = grad(e, eps)\n";
  auto r = compileText(text);
  ASSERT_TRUE(r.model) << ::testing::PrintToString(r.diagnostics);
  KernelProgram program = scheduleKernel(r.model->simplified);
  ASSERT_TRUE(runtime::useLoops(reorderDepthFirst(program), 3, runtime::CompileMode::Jit));
  expectJitMatchesInterpreter(text, 4, -2, 2, 3);
  auto kernel = JitKernel::compile(program, {3});
  expectBatchMatchesSinglePoints(*kernel, 2 * points, r.model->simplified.outputs.size(), {0.8}, 3);
  EXPECT_NE(aheadOfTimeIr(program, "pairs").find("@pairs.segments"), std::string::npos);
}

TEST(Jit, VectorPacksAgreeBitForBit) {
  const int n = 240;
  std::string text = "param w = 0.3\n", sum;
  auto u = [](int k) { return "u" + std::to_string(k % n); };
  for (int k = 0; k < n; ++k) text += "input " + u(k) + "\n";
  for (int k = 0; k < n; ++k) {
    std::string a = u(k), b = u(k + 1), t = "t" + std::to_string(k);
    text += t + " = where(" + a + " > " + b + ", sqrt(abs(" + a + ")) * " + b + "^3, min(" + a + ", " + b +
            ") / (1 + " + a + "^2)) + max(" + a + ", -" + b + ") - relu(" + a + ") * sign(" + b +
            ") + exp(w * " + a + ") * tanh(" + b + ") + " + a + "^-2\n";
    sum += (sum.empty() ? "" : " + ") + t;
  }
  text += "s = " + sum + "\noutput s\n";
  for (int k = 0; k < n; k += 7) text += "output d" + std::to_string(k) + " = grad(s, " + u(k) + ")\n";
  text += "output dw = grad(s, w)\n";
  auto r = compileText(text);
  ASSERT_TRUE(r.model) << ::testing::PrintToString(r.diagnostics);
  KernelProgram program = reorderDepthFirst(scheduleKernel(r.model->simplified));
  ASSERT_TRUE(runtime::usePacks(program, 3, runtime::CompileMode::Jit)) << program.code.size();
  LoopsOff loopsOff;  // else the loops take the packs' place (see Jit.LoopsAgreeBitForBit)
  expectJitMatchesInterpreter(text, 4, -1, 1, 3);

  auto kernel = JitKernel::compile(scheduleKernel(r.model->simplified), {3});
  expectBatchMatchesSinglePoints(*kernel, n, r.model->simplified.outputs.size(), {0.3}, 3);
}

// The softmax weights of a logsumexp (its derivatives) reuse the exps it computed,
// also when they are in a later part of a split kernel (then its shift and scale
// pass through scratch slots): the interpreter's bits at every level, at special
// values too (ties, infinities, NaN), in batches as for single points.
TEST(Jit, SoftmaxWeightsAgreeBitForBit) {
  const int classes = 24;
  std::string text = "input x, y\nparam w = 0.7\n", terms;
  for (int k = 0; k < classes; ++k) {
    std::string z = "z" + std::to_string(k), c = std::to_string(0.1 * k - 1);
    text +=
        z + " = " + c + " * x + sin(w * " + c + " + y) * tanh(x - " + c + ") + y^2 / (1 + (" + c + ")^2)\n";
    terms += (terms.empty() ? "" : ", ") + z;
  }
  // A long chain after the logsumexp puts its derivatives, made later, far from it.
  text += "l = logsumexp(" + terms + ")\nh0 = l - z3\n";
  for (int k = 1; k <= 250; ++k)
    text += "h" + std::to_string(k) + " = tanh(w * h" + std::to_string(k - 1) + " + sin(h" +
            std::to_string(k - 1) + "))\n";
  text += "loss = h250\noutput loss\n";
  text += "output dx = grad(loss, x)\noutput dy = grad(loss, y)\noutput dw = grad(loss, w)\n";
  text += "output dxy = grad(grad(loss, x), y)\noutput dxw = grad(grad(loss, x), w)\n";
  auto r = compileText(text);
  ASSERT_TRUE(r.model) << ::testing::PrintToString(r.diagnostics);
  KernelProgram program = scheduleKernel(r.model->simplified);
  // Some weight is more than two parts of 400 after its logsumexp: in another part.
  uint32_t farthest = 0;
  for (uint32_t v = 0; v < program.code.size(); ++v)
    if (program.code[v].softmaxWeight) farthest = std::max(farthest, v - program.args(program.code[v])[1]);
  ASSERT_GT(farthest, 800u) << program.code.size();
  for (int level = 0; level <= 3; ++level) expectJitMatchesInterpreter(text, 20, -2, 2, level);

  const ModelGraph& m = r.model->simplified;
  std::vector<NodeId> roots;
  for (const auto& o : m.outputs) roots.push_back(o.node);
  auto kernel = JitKernel::compile(program);
  const double inf = INFINITY, nan = NAN;
  std::vector<double> xs = {0.0, -0.0, 1000.0, -1000.0, inf, -inf, nan, 3.0}, batch(m.outputs.size() * 8);
  std::vector<double> ins(2 * xs.size());
  for (size_t p = 0; p < xs.size(); ++p) ins[p] = xs[p], ins[xs.size() + p] = 0.5;
  double w = 0.7;
  kernel->batch(xs.size(), ins.data(), &w, batch.data());
  for (size_t p = 0; p < xs.size(); ++p) {
    double in[2] = {xs[p], 0.5};
    std::vector<double> out(m.outputs.size());
    (*kernel)(in, &w, out.data());
    std::vector<double> variables(m.graph.variables().size());
    variables[m.inputs[0]] = xs[p], variables[m.inputs[1]] = 0.5, variables[m.params[0]] = w;
    std::vector<double> want = evaluate(m.graph, roots, variables);
    for (size_t k = 0; k < out.size(); ++k) {
      EXPECT_TRUE(sameDouble(out[k], want[k])) << m.outputs[k].name << " at x = " << xs[p];
      if (std::isfinite(xs[p])) {
        EXPECT_TRUE(std::isfinite(want[k])) << m.outputs[k].name << " at x = " << xs[p];
      }
      EXPECT_TRUE(sameDouble(out[k], batch[k * xs.size() + p])) << m.outputs[k].name << " at x = " << xs[p];
    }
  }
}

TEST(Jit, CompilingAndFreeingManyKernels) {
  auto r = compileText("input x\nparam w = 2\noutput y = sin(w * x)\noutput d = grad(y, w)\n");
  ASSERT_TRUE(r.model);
  KernelProgram program = scheduleKernel(r.model->simplified);
  // LeakSanitizer (the asan preset) checks that freeing a kernel frees its code.
  for (int i = 0; i < 1000; ++i) {
    auto kernel = JitKernel::compile(program, {0});
    double x = 0.5, w = 2, out[2];
    (*kernel)(&x, &w, out);
    ASSERT_EQ(out[0], std::sin(1.0));
  }
}

}  // namespace
}  // namespace gradc
