// Every derivative rule against finite differences, first and second order.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "compiler/ad/reverse.hpp"
#include "compiler/graph/graph.hpp"
#include "compiler/interp/evaluate.hpp"

namespace gradc {
namespace {

struct Case {
  const char* name;
  std::function<NodeId(Graph&, NodeId, NodeId)> build;  // f(x, y)
  std::vector<std::pair<double, double>> points;        // smooth points of the domain
};

// Five-point central difference of node `f` with respect to variable node `v`.
double numericDerivative(const Graph& g, NodeId f, NodeId v, std::vector<double> values, uint32_t index) {
  double h = 1e-3 * std::max(1.0, std::fabs(values[index]));
  auto at = [&](double delta) {
    std::vector<double> shifted = values;
    shifted[index] += delta;
    return evaluate(g, std::span(&f, 1), shifted)[0];
  };
  (void)v;
  return (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
}

void expectClose(double analytic, double numeric, const std::string& what) {
  double scale = std::max({1.0, std::fabs(analytic), std::fabs(numeric)});
  EXPECT_NEAR(analytic, numeric, 2e-7 * scale) << what;
}

std::vector<Case> cases() {
  auto unary = [](Op op) { return [op](Graph& g, NodeId x, NodeId) { return g.make(op, {x}); }; };
  auto binary = [](Op op) { return [op](Graph& g, NodeId x, NodeId y) { return g.make(op, {x, y}); }; };
  std::vector<std::pair<double, double>> general = {{0.3, 0.7}, {-1.2, 0.4}, {2.5, -1.5}};
  std::vector<std::pair<double, double>> positive = {{0.3, 0.7}, {1.7, 2.2}, {4.0, 0.5}};
  std::vector<std::pair<double, double>> unit = {{0.3, 0.2}, {-0.6, 0.5}, {0.8, -0.3}};
  return {
      {"add", binary(Op::Add), general},
      {"sub", binary(Op::Sub), general},
      {"mul", binary(Op::Mul), general},
      {"div", binary(Op::Div), general},
      {"pow", binary(Op::Pow), positive},
      {"pow_const", [](Graph& g, NodeId x, NodeId) { return g.pow(x, g.constant(3)); }, unit},
      {"square", [](Graph& g, NodeId x, NodeId y) { return g.pow(g.mul(x, y), g.constant(2)); }, general},
      {"neg", unary(Op::Neg), general},
      {"exp", unary(Op::Exp), general},
      {"log", unary(Op::Log), positive},
      {"log1p", unary(Op::Log1p), positive},
      {"expm1", unary(Op::Expm1), general},
      {"sqrt", unary(Op::Sqrt), positive},
      {"sin", unary(Op::Sin), general},
      {"cos", unary(Op::Cos), general},
      {"tan", unary(Op::Tan), unit},
      {"asin", unary(Op::Asin), unit},
      {"acos", unary(Op::Acos), unit},
      {"atan", unary(Op::Atan), general},
      {"atan2", binary(Op::Atan2), general},
      {"sinh", unary(Op::Sinh), general},
      {"cosh", unary(Op::Cosh), general},
      {"tanh", unary(Op::Tanh), general},
      {"abs", unary(Op::Abs), general},
      {"sign_times", [](Graph& g, NodeId x, NodeId y) { return g.mul(g.make(Op::Sign, {x}), y); }, general},
      {"min", binary(Op::Min), general},
      {"max", binary(Op::Max), general},
      {"hypot", binary(Op::Hypot), general},
      {"sigmoid", unary(Op::Sigmoid), general},
      {"softplus", unary(Op::Softplus), general},
      {"relu", unary(Op::Relu), general},
      {"logsumexp",
       [](Graph& g, NodeId x, NodeId y) {
         return g.make(Op::Logsumexp, {x, y, g.mul(x, y)});
       },
       general},
      {"erf", unary(Op::Erf), general},
      {"where",
       [](Graph& g, NodeId x, NodeId y) {
         return g.where(g.make(Op::Gt, {x, y}), g.mul(x, x), g.make(Op::Sin, {y}));
       },
       general},
  };
}

class DerivativeRule : public ::testing::TestWithParam<Case> {};

TEST_P(DerivativeRule, FirstAndSecondOrderMatchFiniteDifferences) {
  const Case& c = GetParam();
  Graph g;
  NodeId x = g.variable(g.addVariable("x", VariableKind::Input));
  NodeId y = g.variable(g.addVariable("y", VariableKind::Input));
  // Composing with sin gives the rules non-trivial adjoints to multiply.
  NodeId f = g.make(Op::Sin, {c.build(g, x, y)});
  Differentiator d(g);
  NodeId vars[] = {x, y};
  for (auto [px, py] : c.points) {
    std::vector<double> values = {px, py};
    for (uint32_t i = 0; i < 2; ++i) {
      auto df = d.gradient(f, vars[i]);
      if (!df) continue;  // f does not use this variable
      double analytic = evaluate(g, std::span(&*df, 1), values)[0];
      expectClose(
          analytic, numericDerivative(g, f, vars[i], values, i),
          std::string(c.name) + " d/d" + "xy"[i] + " at " + std::to_string(px) + "," + std::to_string(py));
      for (uint32_t j = 0; j < 2; ++j) {
        auto d2f = d.gradient(*df, vars[j]);
        double second = d2f ? evaluate(g, std::span(&*d2f, 1), values)[0] : 0.0;
        expectClose(second, numericDerivative(g, *df, vars[j], values, j),
                    std::string(c.name) + " second derivative " + "xy"[i] + "xy"[j]);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllOps, DerivativeRule, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace gradc
