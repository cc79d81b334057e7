// The JIT against the interpreter on randomly generated graphs, with their first
// and second derivatives: bit for bit (NaN matches any NaN).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "compiler/ad/reverse.hpp"
#include "compiler/interp/evaluate.hpp"
#include "compiler/lower/kernel_program.hpp"
#include "compiler/simplify/simplify.hpp"
#include "runtime/jit.hpp"

namespace gradc {
namespace {

bool sameDouble(double a, double b) { return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0; }

ModelGraph randomModel(std::mt19937& rng, int size) {
  ModelGraph m;
  Graph& g = m.graph;
  std::vector<NodeId> pool;
  for (int i = 0; i < 3; ++i) {
    uint32_t v = g.addVariable("x" + std::to_string(i), i < 2 ? VariableKind::Input : VariableKind::Param);
    (i < 2 ? m.inputs : m.params).push_back(v);
    pool.push_back(g.variable(v));
  }
  m.paramDefaults = {0.5};
  pool.push_back(g.constant(2));
  pool.push_back(g.constant(0.5));
  std::uniform_int_distribution<int> opPick(static_cast<int>(Op::Add), static_cast<int>(Op::Erf));
  auto any = [&] { return pool[std::uniform_int_distribution<size_t>(0, pool.size() - 1)(rng)]; };
  while (static_cast<int>(pool.size()) < size) {
    auto op = static_cast<Op>(opPick(rng));
    if (isComparison(op)) continue;
    NodeId n;
    if (op == Op::Where) {
      n = g.where(g.make(Op::Gt, {any(), any()}), any(), any());
    } else if (op == Op::Logsumexp) {
      n = g.make(op, {any(), any(), any()});
    } else {
      int arity = opInfo(op).arity;
      std::vector<NodeId> args;
      for (int a = 0; a < arity; ++a) args.push_back(any());
      n = g.make(op, args);
    }
    if (g.type(n) == Type::Real) pool.push_back(n);
  }
  Differentiator d(g);
  NodeId top = pool.back();
  m.outputs.push_back({"f", top, 0, false});
  for (int i = 0; i < 3; ++i) {
    NodeId v = g.variable(i);
    auto first = d.gradient(top, v);
    if (!first) continue;
    m.outputs.push_back({"d" + std::to_string(i), *first, 0, true});
    if (auto second = d.gradient(*first, g.variable((i + 1) % 3)))
      m.outputs.push_back({"dd" + std::to_string(i), *second, 0, true});
  }
  return simplify(m);
}

TEST(RandomModels, JitMatchesInterpreter) {
  std::mt19937 rng(1234);
  std::uniform_real_distribution<double> u(-2, 2);
  const double special[] = {0.0, -0.0, 1.0, -1.0, INFINITY, -INFINITY, NAN, 1e300, -1e-300};
  for (int model = 0; model < 60; ++model) {
    ModelGraph m = randomModel(rng, 12 + model % 25);
    auto kernel = JitKernel::compile(scheduleKernel(m), {model % 4});
    std::vector<NodeId> roots;
    for (const auto& o : m.outputs) roots.push_back(o.node);
    for (int t = 0; t < 20; ++t) {
      std::vector<double> vars(3);
      for (double& v : vars) v = t < 9 && rng() % 3 == 0 ? special[rng() % 9] : u(rng);
      std::vector<double> in = {vars[0], vars[1]}, par = {vars[2]}, out(m.outputs.size());
      (*kernel)(in.data(), par.data(), out.data());
      std::vector<double> want = evaluate(m.graph, roots, vars);
      for (size_t k = 0; k < want.size(); ++k)
        ASSERT_TRUE(sameDouble(out[k], want[k]))
            << "model " << model << " output " << m.outputs[k].name << " at (" << vars[0] << ", " << vars[1] << ", "
            << vars[2] << "): jit " << out[k] << ", interpreter " << want[k];
    }
  }
}

}  // namespace
}  // namespace gradc
