#include "compiler/ad/taylor.hpp"

#include <algorithm>
#include <cassert>

#include "compiler/ad/derivative_rules.hpp"
#include "compiler/graph/traversal.hpp"

namespace gradc {
namespace {

// The ops whose derivatives of every order are products of their operands'
// derivatives and of their own smooth partials (see the header for the rest).
bool isSmooth(const Graph& g, NodeId n) {
  switch (g.op(n)) {
    case Op::Const:
    case Op::Variable:
    case Op::Binding:
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div:
    case Op::Neg:
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
    case Op::Hypot:
    case Op::Sigmoid:
    case Op::Softplus:
    case Op::Logsumexp:
    case Op::Erf: return true;
    // A variable exponent's rule has PyTorch's cases at 0 (powRule).
    case Op::Pow: return g.constantValue(g.arg(n, 1)).has_value();
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
    case Op::Eq:
    case Op::Ne:
    case Op::Where:
    case Op::Abs:
    case Op::Sign:
    case Op::Min:
    case Op::Max:
    case Op::Relu: return false;
  }
  return false;
}

// The ops whose derivatives build() writes from their operands' (and, for a
// quotient, its own lower ones); the others go by the chain rule with partials.
bool builtFromOperandsAlone(Op op) {
  return op == Op::Binding || op == Op::Add || op == Op::Sub || op == Op::Neg || op == Op::Mul ||
         op == Op::Div;
}

// C(n, k), exact in a double up to n = 56 or so, which no model reaches.
double binomial(int n, int k) {
  double c = 1;
  for (int i = 1; i <= k; ++i) c = c * (n - k + i) / i;
  return c;
}

}  // namespace

TaylorDerivatives::TaylorDerivatives(Graph& graph, NodeId seed) : g_(graph), seed_(seed) {
  assert(g_.op(seed) == Op::Variable || g_.op(seed) == Op::Binding);
}

// Calls visit(n) once for each node that y reaches, not looking into the seed's
// own formula (only paths through it count); stops, returning false, at the first
// visit that returns false.
template <typename Visit>
bool TaylorDerivatives::forEachBelow(NodeId y, Visit visit) const {
  std::vector<NodeId> stack{y};
  std::vector<char> seen(g_.size(), 0);
  while (!stack.empty()) {
    NodeId n = stack.back();
    stack.pop_back();
    if (seen[n]) continue;
    seen[n] = 1;
    if (!visit(n)) return false;
    if (n == seed_) continue;
    for (NodeId a : g_.args(n)) stack.push_back(a);
  }
  return true;
}

bool TaylorDerivatives::handles(NodeId y) const {
  return forEachBelow(y, [&](NodeId n) { return isSmooth(g_, n); });
}

bool TaylorDerivatives::dependsOnSeed(NodeId n) {
  // Operands have smaller ids, so one pass in id order settles every node; new
  // nodes (partials, derivatives) are settled as they appear.
  for (NodeId m = static_cast<NodeId>(depends_.size()); m < g_.size(); ++m) {
    bool d = m == seed_;
    if (!d && g_.op(m) != Op::Variable && g_.op(m) != Op::Const)
      for (NodeId a : g_.args(m)) d = d || depends_[a];
    depends_.push_back(d);
  }
  return depends_[n];
}

NodeId TaylorDerivatives::partial(NodeId n, size_t operand) {
  uint64_t key = uint64_t{n} << 32 | operand;  // a logsumexp has any number of operands
  if (auto found = partials_.find(key); found != partials_.end()) return found->second;
  // An op whose result a binding names is differentiated with the binding standing
  // for its result, as the reverse sweeps do (savesResult), so that a later grad
  // with respect to that binding sees it.
  auto named = savedResultOf_.find(n);
  NodeId result = named == savedResultOf_.end() ? kNoNode : named->second;
  NodeId p = backpropagate(g_, n, operand, g_.constant(1), AdjointContext{}, result);
  return partials_.emplace(key, p).first->second;
}

// Which derivatives of which nodes the `order`-th derivative of y is built from:
// every order up to k of the operands of a node needed to order k, and for the
// ops of the chain rule every order below k of their partials. A node is raised
// at most `order` times, so this is linear in the model.
void TaylorDerivatives::planOrders(NodeId y, int order) {
  std::vector<NodeId> work;
  auto raise = [&](NodeId n, int k) {
    if (k < 1 || g_.op(n) == Op::Const || !dependsOnSeed(n)) return;
    int& have = needed_[n];
    if (have >= k) return;
    have = k;
    work.push_back(n);
  };
  raise(y, order);
  while (!work.empty()) {
    NodeId n = work.back();
    work.pop_back();
    int k = needed_[n];
    if (n == seed_) continue;
    Op op = g_.op(n);
    for (size_t i = 0; i < g_.args(n).size(); ++i) {
      NodeId a = g_.arg(n, i);
      raise(a, k);
      if (!builtFromOperandsAlone(op) && dependsOnSeed(a)) raise(partial(n, i), k - 1);
    }
  }
}

NodeId TaylorDerivatives::coefficient(NodeId n, int order) {
  if (order == 0) return n;
  if (g_.op(n) == Op::Const || !dependsOnSeed(n)) return kNoNode;
  auto found = derivatives_.find(n);
  assert(found != derivatives_.end() && found->second.size() >= static_cast<size_t>(order));
  return found->second[order - 1];
}

NodeId TaylorDerivatives::scaled(double factor, NodeId a, NodeId b) {
  if (a == kNoNode || b == kNoNode) return kNoNode;
  return g_.mul(g_.constant(factor), g_.mul(a, b));
}

// The order-th derivative of n from lower ones (all of them built already).
NodeId TaylorDerivatives::build(NodeId n, int k) {
  if (n == seed_) return k == 1 ? g_.constant(1) : kNoNode;
  NodeId sum = kNoNode;
  auto plus = [&](NodeId term) {
    if (term != kNoNode) sum = sum == kNoNode ? term : g_.add(sum, term);
  };
  Op op = g_.op(n);
  if (op == Op::Binding || op == Op::Add) {
    for (NodeId a : g_.args(n)) plus(coefficient(a, k));
    return sum;
  }
  if (op == Op::Neg) {
    NodeId a = coefficient(g_.arg(n, 0), k);
    return a == kNoNode ? kNoNode : g_.neg(a);
  }
  if (op == Op::Sub) {
    NodeId a = coefficient(g_.arg(n, 0), k), b = coefficient(g_.arg(n, 1), k);
    if (b == kNoNode) return a;
    return a == kNoNode ? g_.neg(b) : g_.sub(a, b);
  }
  if (op == Op::Mul) {
    NodeId u = g_.arg(n, 0), v = g_.arg(n, 1);
    for (int j = 0; j <= k; ++j) plus(scaled(binomial(k, j), coefficient(u, j), coefficient(v, k - j)));
    return sum;
  }
  if (op == Op::Div) {
    // w = u/v, so w v = u: w^(k) = (u^(k) - sum_{j<k} C(k,j) w^(j) v^(k-j)) / v.
    NodeId u = g_.arg(n, 0), v = g_.arg(n, 1);
    for (int j = 0; j < k; ++j) plus(scaled(binomial(k, j), coefficient(n, j), coefficient(v, k - j)));
    NodeId top = coefficient(u, k);
    if (sum != kNoNode) top = top == kNoNode ? g_.neg(sum) : g_.sub(top, sum);
    return top == kNoNode ? kNoNode : g_.div(top, v);
  }
  // The chain rule: w' = sum_i f_i u_i', so w^(k) = sum_i sum_{j<k} C(k-1,j) f_i^(j) u_i^(k-j).
  for (size_t i = 0; i < g_.args(n).size(); ++i) {
    NodeId u = g_.arg(n, i);
    if (!dependsOnSeed(u)) continue;
    NodeId f = partial(n, i);
    for (int j = 0; j < k; ++j) plus(scaled(binomial(k - 1, j), coefficient(f, j), coefficient(u, k - j)));
  }
  return sum;
}

// The bindings below y that name the result of an op that saves it (see partial).
void TaylorDerivatives::noteSavedResults(NodeId y) {
  forEachBelow(y, [&](NodeId n) {
    if (g_.op(n) == Op::Binding && g_.bindings()[g_.node(n).payload].namesOpResult &&
        savesResult(g_.op(g_.arg(n, 0))))
      savedResultOf_.try_emplace(g_.arg(n, 0), n);
    return true;
  });
}

std::optional<NodeId> TaylorDerivatives::derivative(NodeId y, int order) {
  assert(order >= 1);
  if (!dependsOnSeed(y)) return std::nullopt;
  noteSavedResults(y);
  planOrders(y, order);
  // Order by order, and within an order operands first (increasing ids): a
  // derivative of order k uses its operands' of order k and partials' below k.
  std::vector<NodeId> nodes;
  for (auto [n, k] : needed_) nodes.push_back(n);
  std::sort(nodes.begin(), nodes.end());
  for (int k = 1; k <= order; ++k)
    for (NodeId n : nodes) {
      std::vector<NodeId>& have = derivatives_[n];
      if (needed_[n] < k || have.size() >= static_cast<size_t>(k)) continue;
      have.push_back(build(n, k));
    }
  NodeId d = coefficient(y, order);
  return d == kNoNode ? g_.constant(0) : d;
}

}  // namespace gradc
