// The LaTeX format: one `name &= formula \\` line per named line and output, in an
// align* environment (every line but the last ends in `\\`).
//
//   \begin{align*}
//   l &= w_{1} x \\ (end of line)
//   \mathit{dy}_{\mathit{dw1}} &= 2 \cdot \left(l \cdot w_{2} + b_{2}\right) \cdot w_{2} \cdot x
//   \end{align*}
//
// Names: a trailing run of digits or the part after the first `_` becomes a
// subscript (w1 -> w_{1}, dy_dw1 -> \mathit{dy}_{\mathit{dw1}}); Greek letter
// names become the letter; other multi-letter names are \mathit; a `_` that is not
// a subscript is written \_.
#include <array>
#include <cmath>
#include <utility>

#include "compiler/print/printer_common.hpp"

namespace gradc::print {
namespace {

constexpr std::array<std::string_view, 35> kGreek = {
    "alpha",   "beta",   "gamma", "delta",   "epsilon", "zeta",  "eta",   "theta",      "iota",
    "kappa",   "lambda", "mu",    "nu",      "xi",      "pi",    "rho",   "sigma",      "tau",
    "upsilon", "phi",    "chi",   "psi",     "omega",   "Gamma", "Delta", "Theta",      "Lambda",
    "Xi",      "Pi",     "Sigma", "Upsilon", "Phi",     "Psi",   "Omega", "varepsilon",
};

bool isGreek(std::string_view s) {
  for (std::string_view g : kGreek)
    if (g == s) return true;
  return false;
}

bool allDigits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

std::string escapeUnderscores(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '_') out += '\\';
    out += c;
  }
  return out;
}

std::string namePart(std::string_view s) {
  if (isGreek(s)) return "\\" + std::string(s);
  if (s.size() == 1 || allDigits(s)) return std::string(s);
  return "\\mathit{" + escapeUnderscores(s) + "}";
}

std::string latexName(std::string_view name) {
  size_t cut = name.find('_');
  std::string_view head = name, tail;
  if (cut != std::string_view::npos && cut > 0 && cut + 1 < name.size()) {
    head = name.substr(0, cut);
    tail = name.substr(cut + 1);
  } else if (cut == std::string_view::npos) {
    size_t digits = name.size();
    while (digits > 0 && name[digits - 1] >= '0' && name[digits - 1] <= '9') --digits;
    if (digits > 0 && digits < name.size()) {
      head = name.substr(0, digits);
      tail = name.substr(digits);
    }
  }
  std::string out = namePart(head);
  if (!tail.empty()) out += "_{" + namePart(tail) + "}";
  return out;
}

struct LatexNumber {
  std::string text;
  int prec = kPrecAtom;
};

// 1e+20 -> 10^{20}, 1.5e-07 -> 1.5 \cdot 10^{-7}, inf -> \infty.
LatexNumber latexNumber(double value) {
  if (std::isnan(value)) return {"\\mathrm{NaN}", kPrecAtom};
  bool negative = std::signbit(value);
  std::string sign = negative ? "-" : "";
  int signedPrec = negative ? kPrecNeg : kPrecAtom;
  if (std::isinf(value)) return {sign + "\\infty", signedPrec};
  std::string s = formatNumber(std::fabs(value));
  size_t e = s.find('e');
  if (e == std::string::npos) return {sign + s, signedPrec};
  std::string mantissa = s.substr(0, e);
  std::string exponent = s.substr(e + 1);
  bool minus = !exponent.empty() && exponent[0] == '-';
  if (!exponent.empty() && (exponent[0] == '-' || exponent[0] == '+')) exponent.erase(0, 1);
  while (exponent.size() > 1 && exponent[0] == '0') exponent.erase(0, 1);
  std::string power = "10^{" + std::string(minus ? "-" : "") + exponent + "}";
  if (mantissa == "1") return {sign + power, negative ? kPrecNeg : kPrecPow};
  return {sign + mantissa + " \\cdot " + power, kPrecMul};
}

std::string_view functionCommand(Op op) {
  static constexpr std::pair<Op, std::string_view> kCommands[] = {
      {Op::Log, "\\log"},     {Op::Sin, "\\sin"},     {Op::Cos, "\\cos"},     {Op::Tan, "\\tan"},
      {Op::Asin, "\\arcsin"}, {Op::Acos, "\\arccos"}, {Op::Atan, "\\arctan"}, {Op::Sinh, "\\sinh"},
      {Op::Cosh, "\\cosh"},   {Op::Tanh, "\\tanh"},   {Op::Min, "\\min"},     {Op::Max, "\\max"},
  };
  for (const auto& [o, command] : kCommands)
    if (o == op) return command;
  return {};
}

class LatexWriter : public FormulaWriter {
 public:
  using FormulaWriter::FormulaWriter;

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
      case Op::Mul: infix(out, id, juxtapose(id) ? " " : " \\cdot ", kPrecMul, kPrecNeg); return kPrecMul;
      case Op::Div:
        text(out, "\\frac{");
        child(out, plan_.operand(id, 0), false);
        text(out, "}{");
        child(out, plan_.operand(id, 1), false);
        text(out, "}");
        return kPrecFrac;
      case Op::Pow: {
        NodeId base = plan_.operand(id, 0);
        child(out, base, prec(base) < kPrecAtom);
        text(out, "^{");
        child(out, plan_.operand(id, 1), false);
        text(out, "}");
        return kPrecPow;
      }
      case Op::Exp:
        text(out, "e^{");
        child(out, plan_.operand(id, 0), false);
        text(out, "}");
        return kPrecPow;
      case Op::Sqrt: call(out, id, "\\sqrt{", ", ", "}"); return kPrecAtom;
      case Op::Abs: call(out, id, "\\left|", ", ", "\\right|"); return kPrecAtom;
      case Op::Neg: return negation(out, id);
      case Op::Lt: infix(out, id, " < ", kPrecAdd, kPrecAdd, false); return kPrecCompare;
      case Op::Le: infix(out, id, " \\le ", kPrecAdd, kPrecAdd, false); return kPrecCompare;
      case Op::Gt: infix(out, id, " > ", kPrecAdd, kPrecAdd, false); return kPrecCompare;
      case Op::Ge: infix(out, id, " \\ge ", kPrecAdd, kPrecAdd, false); return kPrecCompare;
      case Op::Eq: infix(out, id, " = ", kPrecAdd, kPrecAdd, false); return kPrecCompare;
      case Op::Ne: infix(out, id, " \\ne ", kPrecAdd, kPrecAdd, false); return kPrecCompare;
      case Op::Where: {
        NodeId c = plan_.operand(id, 0);
        text(out, "\\begin{cases} ");
        child(out, plan_.operand(id, 1), false);
        text(out, " & \\text{if } ");
        child(out, c, false);
        if (!isComparison(g.op(c)) && g.type(c) != Type::Bool) text(out, " \\ne 0");
        text(out, " \\\\ ");
        child(out, plan_.operand(id, 2), false);
        text(out, " & \\text{otherwise} \\end{cases}");
        return kPrecCases;
      }
      case Op::Log:
      case Op::Sin:
      case Op::Cos:
      case Op::Tan:
      case Op::Asin:
      case Op::Acos:
      case Op::Atan:
      case Op::Sinh:
      case Op::Cosh:
      case Op::Tanh:
      case Op::Min:
      case Op::Max:
        call(out, id, std::string(functionCommand(op)) + "\\left(", ", ", "\\right)");
        return kPrecAtom;
      case Op::Log1p:
      case Op::Expm1:
      case Op::Atan2:
      case Op::Sign:
      case Op::Hypot:
      case Op::Sigmoid:
      case Op::Softplus:
      case Op::Relu:
      case Op::Logsumexp:
      case Op::Erf:
        call(out, id, "\\operatorname{" + std::string(opInfo(op).spelling) + "}\\left(", ", ", "\\right)");
        return kPrecAtom;
    }
    return kPrecAtom;
  }

  std::string reference(NodeId id) const override {
    const Graph& g = *plan_.graph;
    if (plan_.isNamed(id)) return latexName(plan_.names[id]);
    if (g.op(id) == Op::Variable) return latexName(plan_.variableName(id));
    const Node& n = g.node(id);
    if (n.type == Type::Bool) return n.value != 0 ? "\\mathrm{true}" : "\\mathrm{false}";
    return latexNumber(n.value).text;
  }

  int referencePrec(NodeId id) const override {
    const Graph& g = *plan_.graph;
    if (plan_.isNamed(id) || g.op(id) != Op::Const || g.type(id) == Type::Bool) return kPrecAtom;
    return latexNumber(g.node(id).value).prec;
  }

  std::string_view openParen() const override { return "\\left("; }
  std::string_view closeParen() const override { return "\\right)"; }

 private:
  // `2 x` for a plain number times a name; \cdot everywhere else.
  bool juxtapose(NodeId id) const {
    const Graph& g = *plan_.graph;
    NodeId a = plan_.operand(id, 0), b = plan_.operand(id, 1);
    if (g.op(a) != Op::Const || g.type(a) != Type::Real || prec(a) != kPrecAtom) return false;
    if (reference(a).find_first_not_of("0123456789.") != std::string::npos) return false;
    return g.op(b) == Op::Variable || plan_.isNamed(b);
  }
};

}  // namespace

std::string printLatex(const Plan& plan) {
  LatexWriter writer(plan);
  writer.prepare();
  std::vector<std::string> rows;
  for (const Plan::Line& line : plan.lines) {
    bool named = line.output == SIZE_MAX;
    if (!named && plan.outputIsNamedLine(line.output)) continue;
    rows.push_back(latexName(named ? plan.names[line.node] : plan.outputName(line.output)) +
                   " &= " + writer.formula(line.node, named));
  }
  if (rows.empty()) return {};
  std::string out = "\\begin{align*}\n";
  for (size_t i = 0; i < rows.size(); ++i) out += rows[i] + (i + 1 < rows.size() ? " \\\\\n" : "\n");
  out += "\\end{align*}\n";
  return out;
}

}  // namespace gradc::print
