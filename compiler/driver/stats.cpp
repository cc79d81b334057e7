#include "compiler/driver/stats.hpp"

#include <cstdio>
#include <vector>

#include "compiler/graph/traversal.hpp"

namespace gradc {

static std::string line(const char* format, auto... args) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, format, args...);
  return buffer;
}

std::string formatStats(const CompiledModel& compiled, size_t rowBudget) {
  const ModelGraph& m = compiled.simplified;
  const Graph& g = m.graph;
  std::vector<NodeId> all, values;
  for (const auto& o : m.outputs) {
    all.push_back(o.node);
    if (!o.usesGrad) values.push_back(o.node);
  }
  std::vector<NodeId> valueOrder = topologicalOrder(g, values);
  std::vector<char> isValueNode(g.size(), 0);
  for (NodeId n : valueOrder) isValueNode[n] = 1;

  std::string out;
  out += line("inputs %zu, params %zu, bindings %zu, outputs %zu, grads taken %zu\n", m.inputs.size(),
              m.params.size(), m.bindings.size(), m.outputs.size(), compiled.analyzed.grads.size());
  out += line("time: parse %.4f s, analyse and differentiate %.4f s, simplify %.4f s\n",
              compiled.times.parseSeconds, compiled.times.analyzeSeconds, compiled.times.simplifySeconds);
  out += line("nodes before simplification: %zu (graph arena)\n", compiled.analyzed.graph.size());
  out += line("nodes, all outputs:          %zu\n", reachableCount(g, all));
  out += line("nodes, value outputs only:   %zu\n", valueOrder.size());
  out += line("%-24s %10s %14s\n", "output", "nodes", "beyond values");
  // Each row walks its output's own graph, so the table costs the sum of their
  // sizes: a model with 100,000 gradients of a deep network would take hours.
  // The rows stop once they have walked rowBudget nodes.
  size_t walked = 0, shown = 0;
  for (const auto& o : m.outputs) {
    if (walked > rowBudget) {
      out +=
          line("(%zu more outputs not counted, after %zu nodes walked)\n", m.outputs.size() - shown, walked);
      break;
    }
    ++shown;
    std::vector<NodeId> own = topologicalOrder(g, std::span(&o.node, 1));
    walked += own.size();
    size_t beyond = 0;
    for (NodeId n : own) beyond += isValueNode[n] ? 0 : 1;
    std::string name = o.name.size() > 24 ? o.name.substr(0, 21) + "..." : o.name;
    out += line("%-24s %10zu %14zu\n", name.c_str(), own.size(), beyond);
  }
  return out;
}

}  // namespace gradc
