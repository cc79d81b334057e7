// The C format: one C99 function with the kernel ABI of `gradc compile`,
//
//   void gradc_model(const double *inputs, const double *params, double *outputs)
//
// that reads the inputs and params it uses into named constants, computes each
// named line once, and stores the outputs in print order. Ops without a libm
// function get small static helpers, emitted only when used, which implement
// exactly the semantics of compiler/graph/op_semantics.cpp (stable forms, NaN
// propagation in min and max, x^2 as x*x). Compiles with `cc -std=c99 -Wall -Wextra`.
#include <cmath>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "compiler/print/printer_common.hpp"

namespace gradc::print {
namespace {

enum Helper : int { kSq, kPow, kSign, kMin, kMax, kSigmoid, kSoftplus, kRelu, kLogsumexp, kHelperCount };

constexpr std::string_view kHelperNames[kHelperCount] = {
    "gradc_sq",      "gradc_pow",      "gradc_sign", "gradc_min",       "gradc_max",
    "gradc_sigmoid", "gradc_softplus", "gradc_relu", "gradc_logsumexp",
};

constexpr std::string_view kHelperCode[kHelperCount] = {
    "static inline double gradc_sq(double x) { return x * x; }\n",
    "static double gradc_pow(double x, double y) {\n"
    "  /* integer exponents by binary powering, as gradc computes them */\n"
    "  if (y == trunc(y) && fabs(y) <= 64) {\n"
    "    unsigned n = (unsigned)fabs(y);\n"
    "    double r = 1, s = x;\n"
    "    for (;;) {\n"
    "      if (n & 1) r *= s;\n"
    "      n >>= 1;\n"
    "      if (n == 0) break;\n"
    "      s *= s;\n"
    "    }\n"
    "    return y < 0 ? 1 / r : r;\n"
    "  }\n"
    "  return pow(x, y);\n"
    "}\n",
    "static inline double gradc_sign(double x) { return isnan(x) ? x : (double)((0.0 < x) - (x < 0.0)); }\n",
    "static inline double gradc_min(double a, double b) {\n"
    "  if (isnan(a) || isnan(b)) return a + b;\n"
    "  return b < a ? b : a;\n"
    "}\n",
    "static inline double gradc_max(double a, double b) {\n"
    "  if (isnan(a) || isnan(b)) return a + b;\n"
    "  return a < b ? b : a;\n"
    "}\n",
    "static inline double gradc_sigmoid(double x) {\n"
    "  if (x >= 0.0) return 1.0 / (1.0 + exp(-x));\n"
    "  double e = exp(x);\n"
    "  return e / (1.0 + e);\n"
    "}\n",
    "static inline double gradc_softplus(double x) {\n"
    "  if (x > 0.0) return x + log1p(exp(-x));\n"
    "  return log1p(exp(x));\n"
    "}\n",
    "static inline double gradc_relu(double x) { return x > 0.0 || isnan(x) ? x : 0.0; }\n",
    "static inline double gradc_logsumexp(int n, const double *a) {\n"
    "  int top = 0;\n"
    "  for (int i = 0; i < n; ++i) {\n"
    "    if (isnan(a[i])) return a[i];\n"
    "    if (a[i] > a[top]) top = i;\n"
    "  }\n"
    "  double m = a[top];\n"
    "  if (isinf(m)) return m;\n"
    "  double rest = 0.0;\n"
    "  for (int i = 0; i < n; ++i)\n"
    "    if (i != top) rest += exp(a[i] - m);\n"
    "  return m + log1p(rest);\n"
    "}\n",
};

// C keywords, the libm names the code calls and the macros <math.h> defines:
// a model name equal to one of them gets a trailing `_`.
constexpr std::string_view kReservedC[] = {
    "auto",       "break",     "case",      "char",
    "const",      "continue",  "default",   "do",
    "double",     "else",      "enum",      "extern",
    "float",      "for",       "goto",      "if",
    "inline",     "int",       "long",      "register",
    "restrict",   "return",    "short",     "signed",
    "sizeof",     "static",    "struct",    "switch",
    "typedef",    "union",     "unsigned",  "void",
    "volatile",   "while",     "_Bool",     "_Complex",
    "_Imaginary", "exp",       "log",       "log1p",
    "expm1",      "sqrt",      "sin",       "cos",
    "tan",        "asin",      "acos",      "atan",
    "atan2",      "sinh",      "cosh",      "tanh",
    "fabs",       "hypot",     "erf",       "pow",
    "isnan",      "isinf",     "INFINITY",  "NAN",
    "HUGE_VAL",   "HUGE_VALF", "HUGE_VALL", "math_errhandling",
    "inputs",     "params",    "outputs",   "gradc_model",
};

bool reservedInC(const std::string& name) {
  for (std::string_view r : kReservedC)
    if (r == name) return true;
  for (std::string_view h : kHelperNames)
    if (h == name) return true;
  // Other macros of <math.h> and names C reserves for the implementation.
  if (name.rfind("FP_", 0) == 0 || name.rfind("MATH_", 0) == 0 || name.rfind("M_", 0) == 0) return true;
  if (name.size() >= 2 && name[0] == '_' && (name[1] == '_' || (name[1] >= 'A' && name[1] <= 'Z')))
    return true;
  return false;
}

std::string cNumber(double value) {
  if (std::isnan(value)) return "NAN";
  if (std::isinf(value)) return value > 0 ? "INFINITY" : "-INFINITY";
  std::string s = formatNumber(value);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";  // a double, never an int
  return s;
}

std::string_view libmName(Op op) {
  static constexpr std::pair<Op, std::string_view> kLibm[] = {
      {Op::Exp, "exp"},
      {Op::Log, "log"},
      {Op::Log1p, "log1p"},
      {Op::Expm1, "expm1"},
      {Op::Sqrt, "sqrt"},
      {Op::Sin, "sin"},
      {Op::Cos, "cos"},
      {Op::Tan, "tan"},
      {Op::Asin, "asin"},
      {Op::Acos, "acos"},
      {Op::Atan, "atan"},
      {Op::Atan2, "atan2"},
      {Op::Sinh, "sinh"},
      {Op::Cosh, "cosh"},
      {Op::Tanh, "tanh"},
      {Op::Abs, "fabs"},
      {Op::Hypot, "hypot"},
      {Op::Erf, "erf"},
      {Op::Sign, "gradc_sign"},
      {Op::Min, "gradc_min"},
      {Op::Max, "gradc_max"},
      {Op::Sigmoid, "gradc_sigmoid"},
      {Op::Softplus, "gradc_softplus"},
      {Op::Relu, "gradc_relu"},
  };
  for (const auto& [o, name] : kLibm)
    if (o == op) return name;
  return {};
}

class CWriter : public FormulaWriter {
 public:
  explicit CWriter(const Plan& plan) : FormulaWriter(plan), cNames_(plan.graph->variables().size()) {}

  // C identifiers for the variables and the named lines, unique and clear of C's names.
  void nameEverything() {
    std::unordered_set<std::string> used;
    auto unique = [&](std::string name) {
      while (reservedInC(name) || used.count(name)) name += '_';
      used.insert(name);
      return name;
    };
    const auto& vars = plan_.graph->variables();
    for (size_t i = 0; i < vars.size(); ++i) cNames_[i] = unique(vars[i].name);
    for (NodeId id : plan_.named) lineNames_[id] = unique(plan_.names[id]);
  }

  const std::string& variableName(size_t index) const { return cNames_[index]; }
  const std::string& lineName(NodeId id) const { return lineNames_.at(id); }

  // Which helpers the printed nodes call.
  std::vector<char> helpersUsed() const {
    std::vector<char> used(kHelperCount, 0);
    const Graph& g = *plan_.graph;
    for (NodeId id = 0; id < g.size(); ++id) {
      if (!plan_.reachable[id]) continue;
      Op op = g.op(id);
      if (op == Op::Pow && powHelper(id) >= 0) used[powHelper(id)] = 1;
      if (op == Op::Logsumexp) used[kLogsumexp] = 1;
      for (int h = kSign; h <= kRelu; ++h)
        if (libmName(op) == kHelperNames[h]) used[h] = 1;
    }
    return used;
  }

 protected:
  int layout(NodeId id, std::vector<Piece>& out) const override {
    const Graph& g = *plan_.graph;
    Op op = g.op(id);
    switch (op) {
      case Op::Const:
      case Op::Variable: text(out, reference(id)); return referencePrec(id);
      case Op::Binding: child(out, plan_.operand(id, 0), false); return prec(plan_.operand(id, 0));
      case Op::Add: infix(out, id, " + ", kPrecAdd, kPrecMul); return kPrecAdd;
      case Op::Sub: infix(out, id, " - ", kPrecAdd, kPrecMul); return kPrecAdd;
      case Op::Mul: infix(out, id, "*", kPrecMul, kPrecNeg); return kPrecMul;
      case Op::Div: infix(out, id, "/", kPrecMul, kPrecNeg); return kPrecMul;
      case Op::Pow: {
        int h = powHelper(id);
        if (h == kSq) {  // x^2: gradc_sq(x)
          text(out, "gradc_sq(");
          child(out, plan_.operand(id, 0), false);
          text(out, ")");
        } else {
          call(out, id, h == kPow ? "gradc_pow(" : "pow(", ", ", ")");
        }
        return kPrecAtom;
      }
      case Op::Neg: return negation(out, id);
      case Op::Lt:
      case Op::Le:
      case Op::Gt:
      case Op::Ge:
      case Op::Eq:
      case Op::Ne:
        infix(out, id, " " + std::string(opInfo(op).spelling) + " ", kPrecAdd, kPrecAdd, false);
        return kPrecCompare;
      case Op::Where: {
        NodeId c = plan_.operand(id, 0);
        text(out, "(");
        child(out, c, false);
        if (!isComparison(g.op(c)) && g.type(c) != Type::Bool) text(out, " != 0.0");
        text(out, " ? ");
        child(out, plan_.operand(id, 1), false);
        text(out, " : ");
        child(out, plan_.operand(id, 2), false);
        text(out, ")");
        return kPrecAtom;
      }
      case Op::Logsumexp:
        call(out, id, "gradc_logsumexp(" + std::to_string(g.args(id).size()) + ", (const double[]){", ", ",
             "})");
        return kPrecAtom;
      case Op::Exp:
      case Op::Log:
      case Op::Log1p:
      case Op::Expm1:
      case Op::Sqrt:
      case Op::Sin:
      case Op::Cos:
      case Op::Tan:
      case Op::Asin:
      case Op::Acos:
      case Op::Atan:
      case Op::Atan2:
      case Op::Sinh:
      case Op::Cosh:
      case Op::Tanh:
      case Op::Abs:
      case Op::Sign:
      case Op::Min:
      case Op::Max:
      case Op::Hypot:
      case Op::Sigmoid:
      case Op::Softplus:
      case Op::Relu:
      case Op::Erf: call(out, id, std::string(libmName(op)) + "(", ", ", ")"); return kPrecAtom;
    }
    return kPrecAtom;
  }

  std::string reference(NodeId id) const override {
    const Graph& g = *plan_.graph;
    if (plan_.isNamed(id)) return lineNames_.at(id);
    if (g.op(id) == Op::Variable) return cNames_[g.node(id).payload];
    const Node& n = g.node(id);
    if (n.type == Type::Bool) return n.value != 0 ? "1" : "0";
    return cNumber(n.value);
  }

  int referencePrec(NodeId id) const override {
    const Graph& g = *plan_.graph;
    if (plan_.isNamed(id) || g.op(id) != Op::Const) return kPrecAtom;
    const Node& n = g.node(id);
    return n.type == Type::Real && std::signbit(n.value) && !std::isnan(n.value) ? kPrecNeg : kPrecAtom;
  }

 private:
  // x^2 is exactly x*x (gradc_sq); every other exponent goes through gradc_pow, which
  // computes integer powers as gradc does.
  int powHelper(NodeId id) const {
    std::optional<double> e = plan_.graph->constantValue(plan_.operand(id, 1));
    return e && *e == 2.0 ? kSq : kPow;
  }

  std::vector<std::string> cNames_;  // by variable index
  std::unordered_map<NodeId, std::string> lineNames_;
};

}  // namespace

std::string printC(const Plan& plan) {
  CWriter writer(plan);
  writer.nameEverything();
  writer.prepare();

  std::string out = "#include <math.h>\n\n";
  std::vector<char> helpers = writer.helpersUsed();
  bool anyHelper = false;
  for (int h = 0; h < kHelperCount; ++h)
    if (helpers[h]) {
      out += kHelperCode[h];
      anyHelper = true;
    }
  if (anyHelper) out += '\n';

  const ModelGraph& model = *plan.model;
  auto listNames = [&](const std::vector<uint32_t>& vars) {
    std::string s;
    for (size_t i = 0; i < vars.size(); ++i) s += (i ? ", " : "") + model.graph.variables()[vars[i]].name;
    return s.empty() ? std::string("none") : s;
  };
  std::string outputs;
  for (size_t k = 0; k < plan.outputs.size(); ++k) outputs += (k ? ", " : "") + plan.outputName(k);
  out += "/* inputs: " + listNames(model.inputs) + "\n   params: " + listNames(model.params) +
         "\n   outputs: " + (outputs.empty() ? std::string("none") : outputs) + " */\n";
  out += "void gradc_model(const double *inputs, const double *params, double *outputs) {\n";

  std::vector<char> used = plan.usedVariables();
  auto declare = [&](const std::vector<uint32_t>& vars, const char* array) {
    bool any = false;
    for (size_t i = 0; i < vars.size(); ++i) {
      if (!used[vars[i]]) continue;
      out +=
          "  const double " + writer.variableName(vars[i]) + " = " + array + "[" + std::to_string(i) + "];\n";
      any = true;
    }
    if (!any) out += std::string("  (void)") + array + ";\n";
  };
  declare(model.inputs, "inputs");
  declare(model.params, "params");
  if (plan.outputs.empty()) out += "  (void)outputs;\n";

  for (const Plan::Line& line : plan.lines) {
    if (line.output == SIZE_MAX) {
      out += "  const double " + writer.lineName(line.node) + " = " + writer.formula(line.node, true) + ";\n";
    } else {
      out += "  outputs[" + std::to_string(line.output) + "] = " + writer.formula(line.node, false) +
             ";  /* " + plan.outputName(line.output) + " */\n";
    }
  }
  out += "}\n";
  return out;
}

}  // namespace gradc::print
