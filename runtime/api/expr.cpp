// Expressions of the public API: operators and built-in functions build nodes in
// the shared graph, with the same checks as the language.
#include <span>
#include <vector>

#include "compiler/graph/op_semantics.hpp"
#include "gradc/gradc.hpp"
#include "runtime/api/session.hpp"

namespace gradc {
namespace {

using detail::Access;
using detail::Session;

[[noreturn]] void misuse(const std::string& message) { throw Error("gradc: " + message, {}); }

// The session all operands share (a plain number joins any), or null if none has one.
std::shared_ptr<Session> commonSession(std::span<const Expr* const> operands) {
  std::shared_ptr<Session> found;
  for (const Expr* e : operands) {
    const auto& s = Access::session(*e);
    if (!s) continue;
    if (found && found != s) misuse("expressions from two different Builders or Models cannot be combined");
    found = s;
  }
  return found;
}

NodeId nodeIn(Session& s, const Expr& e) {
  return Access::session(e) ? Access::node(e) : s.model.graph.constant(Access::value(e));
}

Expr apply(Op op, std::span<const Expr* const> operands) {
  std::shared_ptr<Session> s = commonSession(operands);
  bool comparison = isComparison(op);
  if (!s) {  // numbers only: fold now, with the op's own semantics
    if (comparison) misuse("a comparison of two numbers is not an expression of a model");
    std::vector<double> values;
    for (const Expr* e : operands) values.push_back(Access::value(*e));
    return Expr(evaluateOp(op, values));
  }
  Graph& g = s->model.graph;
  std::vector<NodeId> args;
  size_t index = 0;
  for (const Expr* e : operands) {
    NodeId n = nodeIn(*s, *e);
    bool wantsCondition = op == Op::Where && index == 0;
    if (wantsCondition && g.type(n) != Type::Bool) misuse("the condition of where() must be a comparison");
    if (!wantsCondition && g.type(n) == Type::Bool)
      misuse("a comparison is not a number; it can only be the condition of where()");
    args.push_back(n);
    ++index;
  }
  return Access::make(s, g.make(op, args));
}

Expr apply(Op op, std::initializer_list<const Expr*> operands) {
  return apply(op, std::span(operands.begin(), operands.size()));
}

}  // namespace

Expr operator+(const Expr& a, const Expr& b) { return apply(Op::Add, {&a, &b}); }
Expr operator-(const Expr& a, const Expr& b) { return apply(Op::Sub, {&a, &b}); }
Expr operator*(const Expr& a, const Expr& b) { return apply(Op::Mul, {&a, &b}); }
Expr operator/(const Expr& a, const Expr& b) { return apply(Op::Div, {&a, &b}); }
Expr operator-(const Expr& a) { return apply(Op::Neg, {&a}); }
Expr operator+(const Expr& a) { return a; }
Expr operator<(const Expr& a, const Expr& b) { return apply(Op::Lt, {&a, &b}); }
Expr operator<=(const Expr& a, const Expr& b) { return apply(Op::Le, {&a, &b}); }
Expr operator>(const Expr& a, const Expr& b) { return apply(Op::Gt, {&a, &b}); }
Expr operator>=(const Expr& a, const Expr& b) { return apply(Op::Ge, {&a, &b}); }
Expr operator==(const Expr& a, const Expr& b) { return apply(Op::Eq, {&a, &b}); }
Expr operator!=(const Expr& a, const Expr& b) { return apply(Op::Ne, {&a, &b}); }

Expr pow(const Expr& a, const Expr& b) { return apply(Op::Pow, {&a, &b}); }
Expr exp(const Expr& x) { return apply(Op::Exp, {&x}); }
Expr log(const Expr& x) { return apply(Op::Log, {&x}); }
Expr log1p(const Expr& x) { return apply(Op::Log1p, {&x}); }
Expr expm1(const Expr& x) { return apply(Op::Expm1, {&x}); }
Expr sqrt(const Expr& x) { return apply(Op::Sqrt, {&x}); }
Expr sin(const Expr& x) { return apply(Op::Sin, {&x}); }
Expr cos(const Expr& x) { return apply(Op::Cos, {&x}); }
Expr tan(const Expr& x) { return apply(Op::Tan, {&x}); }
Expr asin(const Expr& x) { return apply(Op::Asin, {&x}); }
Expr acos(const Expr& x) { return apply(Op::Acos, {&x}); }
Expr atan(const Expr& x) { return apply(Op::Atan, {&x}); }
Expr atan2(const Expr& y, const Expr& x) { return apply(Op::Atan2, {&y, &x}); }
Expr sinh(const Expr& x) { return apply(Op::Sinh, {&x}); }
Expr cosh(const Expr& x) { return apply(Op::Cosh, {&x}); }
Expr tanh(const Expr& x) { return apply(Op::Tanh, {&x}); }
Expr abs(const Expr& x) { return apply(Op::Abs, {&x}); }
Expr sign(const Expr& x) { return apply(Op::Sign, {&x}); }
Expr min(const Expr& a, const Expr& b) { return apply(Op::Min, {&a, &b}); }
Expr max(const Expr& a, const Expr& b) { return apply(Op::Max, {&a, &b}); }
Expr hypot(const Expr& a, const Expr& b) { return apply(Op::Hypot, {&a, &b}); }
Expr sigmoid(const Expr& x) { return apply(Op::Sigmoid, {&x}); }
Expr softplus(const Expr& x) { return apply(Op::Softplus, {&x}); }
Expr relu(const Expr& x) { return apply(Op::Relu, {&x}); }
Expr erf(const Expr& x) { return apply(Op::Erf, {&x}); }
Expr where(const Expr& c, const Expr& a, const Expr& b) { return apply(Op::Where, {&c, &a, &b}); }

Expr logsumexp(const std::vector<Expr>& terms) {
  if (terms.empty()) misuse("logsumexp() takes at least one term");
  std::vector<const Expr*> operands;
  for (const Expr& t : terms) operands.push_back(&t);
  return apply(Op::Logsumexp, std::span<const Expr* const>(operands));
}

Expr grad(const Expr& y, const Expr& wrt) {
  const auto& s = Access::session(wrt);
  if (!s) misuse("grad(y, wrt): wrt must be an input, a param or a named value, not a number");
  Op wrtOp = s->model.graph.op(Access::node(wrt));
  if (wrtOp != Op::Variable && wrtOp != Op::Binding)
    misuse("grad(y, wrt): wrt must be an input, a param or a named value (Builder::name)");
  if (!Access::session(y)) return Expr(0.0);  // a number depends on nothing
  if (Access::session(y) != s) misuse("expressions from two different Builders or Models cannot be combined");
  if (s->model.graph.type(Access::node(y)) == Type::Bool) misuse("cannot differentiate a comparison");
  auto derivative = s->differentiator.gradient(Access::node(y), Access::node(wrt));
  return Access::make(s, derivative ? *derivative : s->model.graph.constant(0));
}

}  // namespace gradc
