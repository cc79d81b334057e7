#include "compiler/simplify/simplify.hpp"

#include "compiler/graph/traversal.hpp"

namespace gradc {

static std::vector<NodeId> liveRoots(const ModelGraph& model) {
  std::vector<NodeId> roots;
  for (const auto& o : model.outputs) roots.push_back(o.node);
  for (const auto& b : model.bindings) roots.push_back(b.node);
  return roots;
}

ModelGraph simplify(const ModelGraph& model) {
  const Graph& from = model.graph;
  ModelGraph out;
  Graph& to = out.graph;
  // Each node of `from` maps to at most a few here, and `from` was held to the limit.
  to.setNodeLimit(SIZE_MAX);
  for (const auto& v : from.variables()) to.addVariable(v.name, v.kind);
  for (const auto& b : from.bindings()) to.addBinding(b.name, b.hidden, b.namesOpResult);
  // Variables first, in declaration order, so that their ids read in that order.
  for (uint32_t i = 0; i < from.variables().size(); ++i) to.variable(i);

  std::vector<NodeId> roots = liveRoots(model);
  std::vector<NodeId> map =
      rewriteGraph(from, roots, [&](NodeId old, std::span<const NodeId> args) -> NodeId {
        const Node& n = from.node(old);
        if (n.op == Op::Const) return n.type == Type::Bool ? to.boolean(n.value != 0) : to.constant(n.value);
        if (n.op == Op::Variable) return to.variable(n.payload);
        if (n.op == Op::Binding) return args[0];
        return to.make(n.op, args);
      });

  out.inputs = model.inputs;
  out.params = model.params;
  out.paramDefaults = model.paramDefaults;
  for (const auto& b : model.bindings) {
    NodeId node = map[b.node];
    out.bindings.push_back({b.name, node, b.offset});
    Op op = to.op(node);
    if (op != Op::Const && op != Op::Variable) out.nameHints.emplace(node, b.name);  // first binding wins
  }
  for (const auto& o : model.outputs) out.outputs.push_back({o.name, map[o.node], o.offset, o.usesGrad});
  return out;
}

}  // namespace gradc
