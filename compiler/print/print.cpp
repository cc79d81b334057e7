// Dispatch, and the logic every format shares: which nodes get a named line, what
// they are called, in which order lines come, and the non-recursive formula writer.
#include "compiler/print/print.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <unordered_set>

#include "compiler/print/printer_common.hpp"
#include "grammar/parser.hpp"

namespace gradc {

namespace print {

namespace {

bool isLeaf(Op op) { return op == Op::Const || op == Op::Variable; }

// A name the language can read back: [A-Za-z_][A-Za-z0-9_]*.
bool isIdentifier(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  return true;
}

// Whether a node shared by several users deserves a line of its own. Leaves and the
// negation of a leaf are as short as a name; comparisons only exist as conditions
// of `where`, and a binding cannot hold one.
bool nameable(const Plan& plan, NodeId id) {
  const Graph& g = *plan.graph;
  Op op = g.op(id);
  if (isLeaf(op) || isComparison(op) || g.type(id) != Type::Real) return false;
  if (op == Op::Neg && isLeaf(g.op(plan.operand(id, 0)))) return false;
  return true;
}

// The binding name a node had in the source: the model's hint, else the name of a
// visible Binding node that still stands for it.
std::vector<std::string> hintsFor(const Plan& plan) {
  const Graph& g = *plan.graph;
  std::vector<std::string> hints(g.size());
  for (NodeId id : plan.named) {
    auto it = plan.model->nameHints.find(id);
    if (it != plan.model->nameHints.end()) hints[id] = it->second;
  }
  for (NodeId id = 0; id < g.size(); ++id) {
    if (g.op(id) != Op::Binding) continue;
    NodeId target = plan.alias[id];
    const BindingInfo& info = g.bindings()[g.node(id).payload];
    if (target < plan.names.size() && hints[target].empty() && !info.hidden && !info.name.empty())
      hints[target] = info.name;
  }
  return hints;
}

void assignNames(Plan& plan) {
  const Graph& g = *plan.graph;
  std::unordered_set<std::string> taken{"inf", "nan"};
  for (const Variable& v : g.variables()) taken.insert(v.name);
  for (const ModelOutput& o : plan.model->outputs) taken.insert(o.name);
  auto isFree = [&](const std::string& name) {
    return isIdentifier(name) && !taken.count(name) && !isReservedWord(name);
  };

  // A shared node that a printed output returns is that output's line: later lines
  // refer to it by the output's name (the first output, if several return it).
  for (size_t k = 0; k < plan.roots.size(); ++k) {
    NodeId root = plan.roots[k];
    if (plan.names[root].empty() && std::binary_search(plan.named.begin(), plan.named.end(), root))
      plan.names[root] = plan.outputName(k);
  }
  std::vector<std::string> hints = hintsFor(plan);
  for (NodeId id : plan.named)
    if (plan.names[id].empty() && isFree(hints[id])) {
      plan.names[id] = hints[id];
      taken.insert(hints[id]);
    }
  size_t counter = 0;
  for (NodeId id : plan.named) {
    if (!plan.names[id].empty()) continue;
    std::string name;
    do name = "t" + std::to_string(++counter);
    while (!isFree(name));
    plan.names[id] = name;
    taken.insert(name);
  }
}

// Each output preceded by the named lines it needs that no earlier line printed.
void orderLines(Plan& plan) {
  const Graph& g = *plan.graph;
  std::vector<char> visited(g.size(), 0);
  std::vector<NodeId> work, found;
  for (size_t k = 0; k < plan.roots.size(); ++k) {
    found.clear();
    NodeId root = plan.roots[k];
    if (!visited[root]) {
      visited[root] = 1;
      work.push_back(root);
    }
    while (!work.empty()) {
      NodeId n = work.back();
      work.pop_back();
      if (plan.isNamed(n)) found.push_back(n);
      for (size_t i = 0; i < g.args(n).size(); ++i) {
        NodeId a = plan.operand(n, i);
        if (!visited[a]) {
          visited[a] = 1;
          work.push_back(a);
        }
      }
    }
    std::sort(found.begin(), found.end());
    for (NodeId n : found) plan.lines.push_back({n, SIZE_MAX});
    plan.lines.push_back({root, k});
  }
}

}  // namespace

Plan makePlan(const ModelGraph& model, std::span<const size_t> outputs) {
  Plan plan;
  plan.model = &model;
  plan.graph = &model.graph;
  const Graph& g = model.graph;
  plan.outputs.assign(outputs.begin(), outputs.end());

  plan.alias.resize(g.size());
  for (NodeId id = 0; id < g.size(); ++id)
    plan.alias[id] = g.op(id) == Op::Binding ? plan.alias[g.arg(id, 0)] : id;

  plan.reachable.assign(g.size(), 0);
  plan.uses.assign(g.size(), 0);
  NodeId top = 0;
  for (size_t k : plan.outputs) {
    assert(k < model.outputs.size() && model.outputs[k].node < g.size());
    NodeId root = plan.alias[model.outputs[k].node];
    plan.roots.push_back(root);
    plan.reachable[root] = 1;
    ++plan.uses[root];
    top = std::max<NodeId>(top, root + 1);
  }
  // Operands have smaller ids than their users: one pass downwards marks everything.
  for (NodeId id = top; id-- > 0;) {
    if (!plan.reachable[id]) continue;
    for (size_t i = 0; i < g.args(id).size(); ++i) {
      NodeId a = plan.operand(id, i);
      plan.reachable[a] = 1;
      ++plan.uses[a];
    }
  }

  plan.names.resize(g.size());
  for (NodeId id = 0; id < top; ++id)
    if (plan.reachable[id] && plan.uses[id] >= 2 && nameable(plan, id)) plan.named.push_back(id);
  assignNames(plan);
  orderLines(plan);
  return plan;
}

std::vector<char> Plan::usedVariables() const {
  std::vector<char> used(graph->variables().size(), 0);
  for (NodeId id = 0; id < graph->size(); ++id)
    if (reachable[id] && graph->op(id) == Op::Variable) used[graph->node(id).payload] = 1;
  return used;
}

}  // namespace print

std::string formatNumber(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

namespace print {

// ---------------------------------------------------------------------------------------
// FormulaWriter

bool FormulaWriter::byReference(NodeId id) const { return isLeaf(plan_.graph->op(id)) || plan_.isNamed(id); }

int FormulaWriter::prec(NodeId id) const { return byReference(id) ? referencePrec(id) : prec_[id]; }

bool FormulaWriter::leadingMinus(NodeId id) const {
  if (!byReference(id)) return leadingMinus_[id];
  if (plan_.isNamed(id)) return false;
  std::string text = reference(id);
  return !text.empty() && text[0] == '-';
}

void FormulaWriter::prepare() {
  const Graph& g = *plan_.graph;
  prec_.assign(g.size(), kPrecAtom);
  leadingMinus_.assign(g.size(), 0);
  std::vector<Piece> pieces;
  for (NodeId id = 0; id < g.size(); ++id) {
    if (!plan_.reachable[id] || isLeaf(g.op(id))) continue;
    pieces.clear();
    prec_[id] = layout(id, pieces);
    if (!pieces.empty()) {
      const Piece& first = pieces.front();
      if (first.child == kNoNode)
        leadingMinus_[id] = !first.text.empty() && first.text[0] == '-';
      else
        leadingMinus_[id] = !first.parens && leadingMinus(first.child);
    }
  }
}

std::string FormulaWriter::formula(NodeId root, bool inlineRoot) const {
  std::string out;
  std::vector<Piece> stack, pieces;
  auto expand = [&](NodeId id) {
    pieces.clear();
    layout(id, pieces);
    for (size_t i = pieces.size(); i-- > 0;) {
      Piece& p = pieces[i];
      if (p.child != kNoNode && p.parens) {
        stack.push_back({std::string(closeParen()), kNoNode, false});
        stack.push_back({{}, p.child, false});
        stack.push_back({std::string(openParen()), kNoNode, false});
      } else {
        stack.push_back(std::move(p));
      }
    }
  };
  if (inlineRoot && !isLeaf(plan_.graph->op(root)))
    expand(root);
  else
    stack.push_back({{}, root, false});
  while (!stack.empty()) {
    Piece p = std::move(stack.back());
    stack.pop_back();
    if (p.child == kNoNode)
      out += p.text;
    else if (byReference(p.child))
      out += reference(p.child);
    else
      expand(p.child);
  }
  return out;
}

void FormulaWriter::infix(std::vector<Piece>& out, NodeId id, std::string_view op, int leftMin, int rightMin,
                          bool guardRight) const {
  NodeId a = plan_.operand(id, 0), b = plan_.operand(id, 1);
  child(out, a, prec(a) < leftMin);
  text(out, op);
  child(out, b, prec(b) < rightMin || (guardRight && leadingMinus(b)));
}

int FormulaWriter::negation(std::vector<Piece>& out, NodeId id) const {
  NodeId a = plan_.operand(id, 0);
  bool parens = prec(a) < kPrecMul || leadingMinus(a);
  text(out, "-");
  child(out, a, parens);
  return parens ? kPrecNeg : std::min<int>(kPrecNeg, prec(a));
}

void FormulaWriter::call(std::vector<Piece>& out, NodeId id, std::string_view open, std::string_view sep,
                         std::string_view close) const {
  text(out, open);
  size_t n = plan_.graph->args(id).size();
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) text(out, sep);
    child(out, plan_.operand(id, i), false);
  }
  text(out, close);
}

}  // namespace print

std::optional<PrintFormat> parsePrintFormat(std::string_view name) {
  if (name == "infix") return PrintFormat::Infix;
  if (name == "latex") return PrintFormat::Latex;
  if (name == "c") return PrintFormat::C;
  if (name == "dot") return PrintFormat::Dot;
  return std::nullopt;
}

std::string printModel(const ModelGraph& model, std::span<const size_t> outputs, PrintFormat format) {
  print::Plan plan = print::makePlan(model, outputs);
  switch (format) {
    case PrintFormat::Infix: return print::printInfix(plan);
    case PrintFormat::Latex: return print::printLatex(plan);
    case PrintFormat::C: return print::printC(plan);
    case PrintFormat::Dot: return print::printDot(plan);
  }
  return {};
}

}  // namespace gradc
