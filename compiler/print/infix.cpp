// The infix format: `name = formula` lines in gradc's own expression syntax, so
// the whole output reads back as a model fragment (bindings, then the outputs as
// bindings of the same names).
//
//   l = w1*x
//   y = (l*w2 + b2)^2
//   dy_dw1 = 2*(l*w2 + b2)*w2*x
#include <cmath>

#include "compiler/print/printer_common.hpp"

namespace gradc::print {
namespace {

class InfixWriter : public FormulaWriter {
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
      case Op::Mul: infix(out, id, "*", kPrecMul, kPrecNeg); return kPrecMul;
      case Op::Div: infix(out, id, "/", kPrecMul, kPrecNeg); return kPrecMul;
      case Op::Pow: infix(out, id, "^", kPrecAtom, kPrecPow); return kPrecPow;
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
        text(out, "where(");
        if (isCondition(c)) {
          child(out, c, false);
        } else {  // a number as a condition: what evaluation does with it
          child(out, c, prec(c) < kPrecAdd);
          text(out, " != 0");
        }
        text(out, ", ");
        child(out, plan_.operand(id, 1), false);
        text(out, ", ");
        child(out, plan_.operand(id, 2), false);
        text(out, ")");
        return kPrecAtom;
      }
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
      case Op::Logsumexp:
      case Op::Erf: call(out, id, std::string(opInfo(op).spelling) + "(", ", ", ")"); return kPrecAtom;
    }
    return kPrecAtom;
  }

  std::string reference(NodeId id) const override {
    const Graph& g = *plan_.graph;
    if (plan_.isNamed(id)) return plan_.names[id];
    if (g.op(id) == Op::Variable) return plan_.variableName(id);
    const Node& n = g.node(id);
    if (n.type == Type::Bool) return n.value != 0 ? "1 == 1" : "1 == 0";
    return formatNumber(n.value);
  }

  int referencePrec(NodeId id) const override {
    const Graph& g = *plan_.graph;
    if (plan_.isNamed(id) || g.op(id) != Op::Const) return kPrecAtom;
    const Node& n = g.node(id);
    if (n.type == Type::Bool) return kPrecCompare;
    return std::signbit(n.value) && !std::isnan(n.value) ? kPrecNeg : kPrecAtom;
  }

 private:
  bool isCondition(NodeId id) const {
    const Graph& g = *plan_.graph;
    return isComparison(g.op(id)) || (g.op(id) == Op::Const && g.type(id) == Type::Bool);
  }
};

}  // namespace

std::string printInfix(const Plan& plan) {
  InfixWriter writer(plan);
  writer.prepare();
  std::string out;
  for (const Plan::Line& line : plan.lines) {
    bool named = line.output == SIZE_MAX;
    if (!named && plan.outputIsNamedLine(line.output)) continue;
    out += named ? plan.names[line.node] : plan.outputName(line.output);
    out += " = ";
    out += writer.formula(line.node, named);
    out += '\n';
  }
  return out;
}

}  // namespace gradc::print
