#include "compiler/lower/kernel_program.hpp"

#include <cassert>

#include "compiler/graph/traversal.hpp"

namespace gradc {

KernelProgram scheduleKernel(const ModelGraph& m, std::span<const size_t> chosen) {
  const Graph& g = m.graph;
  KernelProgram p;
  std::vector<std::pair<OperandSource, uint32_t>> variableSlot(g.variables().size(),
                                                               {OperandSource::Input, 0});
  for (uint32_t i = 0; i < m.inputs.size(); ++i) {
    variableSlot[m.inputs[i]] = {OperandSource::Input, i};
    p.inputNames.push_back(g.variables()[m.inputs[i]].name);
  }
  for (uint32_t i = 0; i < m.params.size(); ++i) {
    variableSlot[m.params[i]] = {OperandSource::Param, i};
    p.paramNames.push_back(g.variables()[m.params[i]].name);
  }
  std::vector<NodeId> roots;
  if (chosen.empty())
    for (const auto& o : m.outputs) roots.push_back(o.node), p.outputNames.push_back(o.name);
  for (size_t k : chosen) roots.push_back(m.outputs[k].node), p.outputNames.push_back(m.outputs[k].name);

  // Depth first, so that values are computed near their uses: fewer values cross the
  // parts of a split kernel, and registers are under less pressure. Every node
  // becomes one instruction.
  std::vector<uint32_t> valueOf(g.size(), UINT32_MAX);
  for (NodeId n : depthFirstOrder(g, roots)) {
    const Node& node = g.node(n);
    KernelInstruction ins;
    ins.op = node.op;
    ins.boolean = node.type == Type::Bool;
    if (node.op == Op::Const) {
      ins.source = OperandSource::Constant;
      ins.constant = node.value;
    } else if (node.op == Op::Variable) {
      std::tie(ins.source, ins.index) = variableSlot[node.payload];
    } else {
      assert(node.op != Op::Binding && "schedule a simplified model");
      ins.firstArg = static_cast<uint32_t>(p.operands.size());
      ins.argCount = node.argCount;
      for (NodeId a : g.args(n)) p.operands.push_back(valueOf[a]);
    }
    valueOf[n] = static_cast<uint32_t>(p.code.size());
    p.code.push_back(ins);
  }
  for (NodeId r : roots) p.outputs.push_back(valueOf[r]);
  return p;
}

}  // namespace gradc
