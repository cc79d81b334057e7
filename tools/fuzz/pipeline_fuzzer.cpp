// libFuzzer target: bytes -> compileModel -> the interpreter, the finite-difference
// check and the JIT. See docs/testing.md, "Fuzzing".
//
// Beyond "no crash, hang, leak or sanitizer report", a model that compiles must satisfy:
//
//  (a) simplification keeps every finite value: at a few points derived from the
//      input's hash, every output and binding of the analysed model that is finite
//      has the same bits in the simplified model;
//  (b) derivatives are right: for models with no kink or branch (no abs, sign, relu,
//      min, max, where or comparison in the text), every grad agrees with finite
//      differences (checkGradients). Finite differences are noisy, so a
//      disagreement counts only when both values are finite, the relative mismatch
//      exceeds 1e-4, and five-point differences at three step sizes agree with each
//      other to 1e-6 (the function is smooth around the point and the numeric value
//      is trustworthy) while all of them disagree with the analytic value;
//  (c) the JIT computes what the interpreter computes: for simplified models of at
//      most kMaxJitNodes nodes, every output bit for bit (any NaN equals any NaN);
//  (d) and its batch of the points (in vector lanes and a masked last block) gives
//      each point the bits a single point gets.
//
// Random bytes rarely make a model without errors, so an input that does not compile
// is repaired: the lines with an error are dropped and the rest compiled again (a few
// rounds, as dropping a definition makes its uses errors). The properties are checked
// on whatever compiles.
//
// A property failure prints what failed and aborts, which libFuzzer reports as a crash.
//
// Environment: FUZZ_STATS=1 prints at exit how far the inputs got; FUZZ_JIT=0 skips (c) and (d).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/diagnostic.hpp"
#include "compiler/diag/source_file.hpp"
#include "compiler/driver/compile.hpp"
#include "compiler/driver/finite_difference.hpp"
#include "compiler/interp/evaluate.hpp"
#include "compiler/lower/kernel_program.hpp"
#include "runtime/jit.hpp"

namespace {

using namespace gradc;

constexpr size_t kMaxInputBytes = 4096;
constexpr size_t kMaxNodes = 5000;     // analysed graph: larger models are compiled, not evaluated
constexpr size_t kMaxJitNodes = 300;   // simplified graph: larger models are not JIT-compiled
constexpr size_t kMaxGradChecks = 64;  // grads checked per model
constexpr int kPoints = 3;             // evaluation points per model
constexpr int kRepairRounds = 6;       // rounds of dropping the lines with errors

// Counts of what the inputs reached, printed at exit when FUZZ_STATS is set.
struct Stats {
  size_t inputs = 0, compiled = 0, repaired = 0, evaluated = 0, gradChecked = 0, jitted = 0;
  ~Stats() {
    if (std::getenv("FUZZ_STATS"))
      std::fprintf(
          stderr,
          "pipeline_fuzzer: %zu inputs, %zu compiled as written, %zu after dropping lines with errors, "
          "%zu evaluated, %zu derivative-checked, %zu JIT-compiled\n",
          inputs, compiled, repaired, evaluated, gradChecked, jitted);
  }
};
Stats stats;

uint64_t fnv1a(const uint8_t* data, size_t size) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 1099511628211ull;
  return h;
}

struct Rng {  // splitmix64: deterministic, seeded from the input's hash
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1p-53; }  // [0, 1)
};

std::string describe(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g (%a)", v, v);
  return buf;
}

std::string pointText(const ModelGraph& m, const std::vector<double>& values) {
  std::string s;
  for (size_t v = 0; v < values.size(); ++v) {
    if (!s.empty()) s += ", ";
    s += m.graph.variables()[v].name + "=" + describe(values[v]);
  }
  return s.empty() ? "(no variables)" : s;
}

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "\npipeline_fuzzer: PROPERTY FAILED: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }
bool sameValue(double a, double b) { return (std::isnan(a) && std::isnan(b)) || sameBits(a, b); }

// Values of every variable (indexed by variable index). Point 0 gives params their
// defaults (which may be inf or NaN); the others draw from {0, 1, -1} and [-2, 2].
std::vector<double> makePoint(const ModelGraph& m, Rng& rng, int point) {
  std::vector<double> values(m.graph.variables().size(), 0.0);
  for (double& v : values) {
    uint64_t r = rng.next();
    if (r % 4 == 0) {
      static const double kSpecial[] = {0.0, 1.0, -1.0};
      v = kSpecial[(r >> 8) % 3];
    } else {
      v = -2.0 + 4.0 * rng.unit();
    }
  }
  if (point == 0)
    for (size_t i = 0; i < m.params.size() && i < m.paramDefaults.size(); ++i)
      values[m.params[i]] = m.paramDefaults[i];
  return values;
}

// (a) The analysed and the simplified model at one point.
void checkSimplification(const CompiledModel& c, const std::vector<double>& values) {
  const ModelGraph& a = c.analyzed;
  const ModelGraph& s = c.simplified;
  if (a.outputs.size() != s.outputs.size() || a.bindings.size() != s.bindings.size())
    fail("simplification changed the number of outputs or bindings");
  std::vector<NodeId> rootsA, rootsS;
  std::vector<std::string> names;
  for (size_t i = 0; i < a.outputs.size(); ++i) {
    rootsA.push_back(a.outputs[i].node);
    rootsS.push_back(s.outputs[i].node);
    names.push_back("output " + a.outputs[i].name);
  }
  for (size_t i = 0; i < a.bindings.size(); ++i) {
    rootsA.push_back(a.bindings[i].node);
    rootsS.push_back(s.bindings[i].node);
    names.push_back("binding " + a.bindings[i].name);
  }
  std::vector<double> va = evaluate(a.graph, rootsA, values);
  std::vector<double> vs = evaluate(s.graph, rootsS, values);
  for (size_t k = 0; k < va.size(); ++k)
    if (std::isfinite(va[k]) && !sameBits(va[k], vs[k]))
      fail("simplification changed a finite value: " + names[k] + " is " + describe(va[k]) +
           " as analysed but " + describe(vs[k]) + " simplified, at " + pointText(a, values));
}

// Models whose functions are smooth wherever they are finite: no kinks, no branches.
bool smoothText(std::string_view text) {
  static const char* const kNonSmooth[] = {"abs",   "sign", "relu", "min", "max",
                                           "where", "<",    ">",    "==",  "!="};
  for (const char* word : kNonSmooth)
    if (text.find(word) != std::string_view::npos) return false;
  return true;
}

// Five-point central difference of `r.of` with respect to `r.wrt`, step h.
double numericDerivative(const ModelGraph& m, const GradRecord& r, const std::vector<double>& values,
                         double h) {
  auto at = [&](double delta) { return evaluate(m.graph, std::span(&r.of, 1), values, {r.wrt, delta})[0]; };
  return (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
}

// (b) checkGradients at a generic point, each disagreement confirmed before it counts.
void checkDerivatives(const CompiledModel& c, Rng& rng) {
  const ModelGraph& m = c.analyzed;
  if (m.grads.empty() || m.grads.size() > kMaxGradChecks) return;
  ++stats.gradChecked;
  // Away from 0 and +-1, where log, sqrt, asin, acos and atanh-like forms have their edges.
  std::vector<double> values(m.graph.variables().size());
  for (double& v : values) v = (rng.next() & 1 ? 1 : -1) * (0.3 + 1.4 * rng.unit());
  for (const GradientCheck& g : checkGradients(m, values)) {
    if (g.agrees || !std::isfinite(g.analytic) || !std::isfinite(g.numeric)) continue;
    double scale = std::max({1.0, std::fabs(g.analytic), std::fabs(g.numeric)});
    if (std::fabs(g.analytic - g.numeric) <= 1e-4 * scale) continue;
    // Confirm: three step sizes must agree with each other (smooth, well-conditioned
    // there) and all disagree with the analytic value.
    const GradRecord& r = *g.record;
    NodeId wrtRoot[] = {r.wrt};
    double h0 = 7e-4 * std::max(1.0, std::fabs(evaluate(m.graph, wrtRoot, values)[0]));
    double d[3];
    for (int i = 0; i < 3; ++i) d[i] = numericDerivative(m, r, values, h0 / (i == 0 ? 1 : i == 1 ? 3 : 9));
    bool trusted = true;
    for (double x : d) {
      if (!std::isfinite(x))
        trusted = false;
      else if (std::fabs(x - d[0]) > 1e-6 * std::max(1.0, std::fabs(d[0])))
        trusted = false;
      else if (std::fabs(g.analytic - x) <= 1e-4 * std::max({1.0, std::fabs(g.analytic), std::fabs(x)}))
        trusted = false;
    }
    if (!trusted) continue;
    fail("wrong derivative: " + r.text + " is " + describe(g.analytic) + " but finite differences give " +
         describe(d[0]) + ", " + describe(d[1]) + ", " + describe(d[2]) + " (steps h, h/3, h/9), at " +
         pointText(m, values));
  }
}

// (d) A batch of the points, each twice (a block of vector lanes and a masked last
// block), with the first point's params, against single points: the same bits.
void checkBatch(const JitKernel& kernel, const ModelGraph& m,
                const std::vector<std::vector<double>>& points) {
  size_t n = 2 * points.size(), ni = m.inputs.size(), no = m.outputs.size();
  std::vector<double> params, inputs(ni * n), outputs(no * n);
  for (uint32_t v : m.params) params.push_back(points[0][v]);
  for (size_t p = 0; p < n; ++p)
    for (size_t i = 0; i < ni; ++i) inputs[i * n + p] = points[p % points.size()][m.inputs[i]];
  kernel.batch(n, inputs.data(), params.data(), outputs.data());
  std::vector<double> in(ni), out(no);
  for (size_t p = 0; p < n; ++p) {
    for (size_t i = 0; i < ni; ++i) in[i] = inputs[i * n + p];
    kernel(in.data(), params.data(), out.data());
    for (size_t k = 0; k < no; ++k)
      if (!sameValue(out[k], outputs[k * n + p]))
        fail("a batch and a single point disagree: output " + m.outputs[k].name + " of point " +
             std::to_string(p) + " is " + describe(outputs[k * n + p]) + " in the batch but " +
             describe(out[k]) + " alone");
  }
}

// (c) The JIT against the interpreter on the simplified model.
void checkJit(const ModelGraph& m, const std::vector<std::vector<double>>& points) {
  static const bool enabled = [] {
    const char* v = std::getenv("FUZZ_JIT");
    return v == nullptr || std::strcmp(v, "0") != 0;
  }();
  if (!enabled || m.outputs.empty() || m.graph.size() > kMaxJitNodes) return;
  auto kernel = JitKernel::compile(scheduleKernel(m), {0});
  ++stats.jitted;
  std::vector<NodeId> roots;
  for (const auto& o : m.outputs) roots.push_back(o.node);
  for (const auto& values : points) {
    std::vector<double> inputs, params, out(m.outputs.size());
    for (uint32_t v : m.inputs) inputs.push_back(values[v]);
    for (uint32_t v : m.params) params.push_back(values[v]);
    (*kernel)(inputs.data(), params.data(), out.data());
    std::vector<double> want = evaluate(m.graph, roots, values);
    for (size_t k = 0; k < want.size(); ++k)
      if (!sameValue(out[k], want[k]))
        fail("the JIT and the interpreter disagree: output " + m.outputs[k].name + " is " + describe(out[k]) +
             " compiled but " + describe(want[k]) + " interpreted, at " + pointText(m, values));
  }
  checkBatch(*kernel, m, points);
}

// The text without the lines on which `diagnostics` has an error.
std::string dropErrorLines(const std::string& text, const Diagnostics& diagnostics) {
  std::vector<size_t> starts{0};
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') starts.push_back(i + 1);
  std::vector<char> drop(starts.size(), 0);
  for (const Diagnostic& d : diagnostics.all()) {
    if (d.severity != Severity::Error) continue;
    size_t line = std::upper_bound(starts.begin(), starts.end(), size_t{d.offset}) - starts.begin() - 1;
    drop[line] = 1;
  }
  std::string kept;
  for (size_t l = 0; l < starts.size(); ++l) {
    size_t end = l + 1 < starts.size() ? starts[l + 1] : text.size();
    if (!drop[l]) kept.append(text, starts[l], end - starts[l]);
  }
  return kept;
}

// compileModel, with the checks that hold for every input, errors or not.
std::optional<CompiledModel> compile(const std::string& text, Diagnostics& diagnostics) {
  SourceFile source("fuzz.grad", text);
  std::optional<CompiledModel> compiled = compileModel(source, diagnostics);
  for (const Diagnostic& d : diagnostics.all()) {
    if (d.offset > text.size()) fail("a diagnostic's offset lies past the end of the text");
    (void)formatDiagnostic(source, d);
  }
  if (!compiled && !diagnostics.hasErrors()) fail("compileModel failed without an error diagnostic");
  if (compiled && diagnostics.hasErrors()) fail("compileModel succeeded with an error diagnostic");
  return compiled;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInputBytes) return -1;
  std::string text(reinterpret_cast<const char*>(data), size);
  Diagnostics diagnostics;
  std::optional<CompiledModel> compiled = compile(text, diagnostics);
  ++stats.inputs;
  if (compiled) ++stats.compiled;
  for (int round = 0; !compiled && round < kRepairRounds; ++round) {
    std::string repaired = dropErrorLines(text, diagnostics);
    if (repaired.size() == text.size()) return 0;  // no error on any line: nothing to drop
    text = std::move(repaired);
    diagnostics = Diagnostics();
    compiled = compile(text, diagnostics);
  }
  if (!compiled) return 0;
  if (text.size() != size) ++stats.repaired;
  if (compiled->analyzed.graph.size() > kMaxNodes) return 0;
  ++stats.evaluated;

  Rng rng{fnv1a(data, size)};
  std::vector<std::vector<double>> points;
  for (int p = 0; p < kPoints; ++p) {
    points.push_back(makePoint(compiled->analyzed, rng, p));
    checkSimplification(*compiled, points.back());
  }
  if (smoothText(text)) checkDerivatives(*compiled, rng);
  checkJit(compiled->simplified, points);
  return 0;
}
