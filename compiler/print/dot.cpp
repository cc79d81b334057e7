// The DOT format: the DAG of the printed outputs for Graphviz (`dot -Tsvg`).
//
// One node per graph node, `n<id>`: operations as plain ellipses labelled with
// their spelling (`neg` for unary minus), constants as bare numbers, variables as
// filled ellipses (inputs blue, params green). A node with a name (a named line,
// or else the binding it came from) shows the name above its op. Edges run from
// operand to user, labelled with the operand's position when order matters.
// Outputs are boxes `out<k>`, fed by their node.
#include <cmath>
#include <unordered_set>

#include "compiler/print/printer_common.hpp"

namespace gradc::print {
namespace {

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Ops whose operands can be swapped without changing the value: no edge labels.
bool symmetric(Op op) {
  return isCommutative(op) || op == Op::Min || op == Op::Max || op == Op::Hypot || op == Op::Logsumexp;
}

std::string opLabel(const Graph& g, NodeId id) {
  const Node& n = g.node(id);
  if (n.op == Op::Const)
    return n.type == Type::Bool ? (n.value != 0 ? "true" : "false") : formatNumber(n.value);
  if (n.op == Op::Variable) return g.variables()[n.payload].name;
  if (n.op == Op::Neg) return "neg";
  return std::string(opInfo(n.op).spelling);
}

}  // namespace

std::string printDot(const Plan& plan) {
  const Graph& g = *plan.graph;
  const ModelGraph& model = *plan.model;
  std::unordered_set<uint32_t> params(model.params.begin(), model.params.end());

  std::string out = "digraph gradc {\n";
  out += "  node [fontname=\"Helvetica\"];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  for (NodeId id = 0; id < g.size(); ++id) {
    if (!plan.reachable[id]) continue;
    std::string node = "  n" + std::to_string(id) + " [label=";
    Op op = g.op(id);
    if (op == Op::Variable) {
      bool param = params.count(g.node(id).payload) > 0;
      node += quote(opLabel(g, id)) + ", style=filled, fillcolor=" + (param ? "\"#c8e6c9\"" : "\"#bbdefb\"");
    } else if (op == Op::Const) {
      node += quote(opLabel(g, id)) + ", shape=plaintext";
    } else {
      std::string name = plan.names[id];
      if (name.empty()) {
        auto hint = model.nameHints.find(id);
        if (hint != model.nameHints.end()) name = hint->second;
      }
      std::string label = quote(opLabel(g, id));
      if (!name.empty())
        label = quote(name).substr(0, name.size() + 1) + "\\n" + label.substr(1) + ", style=bold";
      node += label;
    }
    out += node + "];\n";
  }
  for (NodeId id = 0; id < g.size(); ++id) {
    if (!plan.reachable[id]) continue;
    size_t n = g.args(id).size();
    bool labelled = n >= 2 && !symmetric(g.op(id));
    for (size_t i = 0; i < n; ++i) {
      out += "  n" + std::to_string(plan.operand(id, i)) + " -> n" + std::to_string(id);
      if (labelled) out += " [label=\"" + std::to_string(i) + "\"]";
      out += ";\n";
    }
  }
  for (size_t k = 0; k < plan.outputs.size(); ++k) {
    std::string name = "out" + std::to_string(k);
    out += "  " + name + " [label=" + quote(plan.outputName(k)) +
           ", shape=box, style=filled, fillcolor=\"#ffe0b2\"];\n";
    out += "  n" + std::to_string(plan.roots[k]) + " -> " + name + ";\n";
  }
  out += "}\n";
  return out;
}

}  // namespace gradc::print
