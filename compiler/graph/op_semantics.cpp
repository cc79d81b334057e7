#include "compiler/graph/op_semantics.hpp"

#include <cassert>
#include <cmath>
#include <limits>

#include "compiler/math/elementary.hpp"

namespace gradc {

double stableSigmoid(double x) {
  if (x >= 0) return 1.0 / (1.0 + math::exp(-x));
  double e = math::exp(x);  // x < 0 or NaN: no overflow
  return e / (1.0 + e);
}

double stableSoftplus(double x) {
  if (x > 0) return x + std::log1p(math::exp(-x));
  return std::log1p(math::exp(x));
}

LogsumexpParts stableLogsumexpParts(std::span<const double> args) {
  size_t top = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    if (std::isnan(args[i])) return {args[i], args[i], 1};
    if (args[i] > args[top]) top = i;
  }
  double m = args[top];
  if (std::isinf(m)) return {m, m, 1};  // all -inf gives -inf; any +inf gives +inf
  // m + log(1 + sum of the others' exp(a - m)): log1p keeps the small terms accurate.
  double rest = 0;
  for (size_t i = 0; i < args.size(); ++i)
    if (i != top) rest += math::exp(args[i] - m);
  return {m + std::log1p(rest), m, 1 + rest};
}

double stableLogsumexp(std::span<const double> args) { return stableLogsumexpParts(args).value; }

double softmaxWeight(double x, const LogsumexpParts& parts) {
  return math::exp(x - parts.shift) / parts.scale;
}

double nanMax(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return a + b;
  return a < b ? b : a;
}

double nanMin(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return a + b;
  return b < a ? b : a;
}

double signOf(double x) {
  if (std::isnan(x)) return x;
  return static_cast<double>((0 < x) - (x < 0));
}

double powSemantics(double base, double exponent) {
  // Integer exponents by binary powering, as generated code computes them: cheap,
  // and exactly x*x for x^2. The JIT emits this very sequence of products.
  if (exponent == std::trunc(exponent) && std::fabs(exponent) <= kMaxIntegerPower) {
    auto n = static_cast<unsigned>(std::fabs(exponent));
    double result = 1, square = base;
    while (true) {
      if (n & 1) result *= square;
      n >>= 1;
      if (n == 0) break;
      square *= square;
    }
    return exponent < 0 ? 1 / result : result;
  }
  return std::pow(base, exponent);
}

static double relu(double x) { return x > 0 || std::isnan(x) ? x : 0.0; }

double evaluateOp(Op op, std::span<const double> a) {
  switch (op) {
    case Op::Const:
    case Op::Variable: assert(!"evaluateOp: leaves have no operation"); return 0;
    case Op::Binding: return a[0];
    case Op::Add: return a[0] + a[1];
    case Op::Sub: return a[0] - a[1];
    case Op::Mul: return a[0] * a[1];
    case Op::Div: return a[0] / a[1];
    case Op::Pow: return powSemantics(a[0], a[1]);
    case Op::Neg: return -a[0];
    case Op::Lt: return a[0] < a[1] ? 1.0 : 0.0;
    case Op::Le: return a[0] <= a[1] ? 1.0 : 0.0;
    case Op::Gt: return a[0] > a[1] ? 1.0 : 0.0;
    case Op::Ge: return a[0] >= a[1] ? 1.0 : 0.0;
    case Op::Eq: return a[0] == a[1] ? 1.0 : 0.0;
    case Op::Ne: return a[0] != a[1] ? 1.0 : 0.0;
    case Op::Where: return a[0] != 0 ? a[1] : a[2];
    case Op::Exp: return math::exp(a[0]);
    case Op::Log: return std::log(a[0]);
    case Op::Log1p: return std::log1p(a[0]);
    case Op::Expm1: return math::expm1(a[0]);
    case Op::Sqrt: return std::sqrt(a[0]);
    case Op::Sin: return std::sin(a[0]);
    case Op::Cos: return std::cos(a[0]);
    case Op::Tan: return std::tan(a[0]);
    case Op::Asin: return std::asin(a[0]);
    case Op::Acos: return std::acos(a[0]);
    case Op::Atan: return std::atan(a[0]);
    case Op::Atan2: return std::atan2(a[0], a[1]);
    case Op::Sinh: return std::sinh(a[0]);
    case Op::Cosh: return std::cosh(a[0]);
    case Op::Tanh: return math::tanh(a[0]);
    case Op::Abs: return std::fabs(a[0]);
    case Op::Sign: return signOf(a[0]);
    case Op::Min: return nanMin(a[0], a[1]);
    case Op::Max: return nanMax(a[0], a[1]);
    case Op::Hypot: return std::hypot(a[0], a[1]);
    case Op::Sigmoid: return stableSigmoid(a[0]);
    case Op::Softplus: return stableSoftplus(a[0]);
    case Op::Relu: return relu(a[0]);
    case Op::Logsumexp: return stableLogsumexp(a);
    case Op::Erf: return std::erf(a[0]);
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace gradc
