#include "compiler/lower/kernel_program.hpp"

#include <cassert>

#include "compiler/graph/softmax_fusion.hpp"
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

  // Increasing id is a topological order (see reorderDepthFirst for another); every
  // node becomes one instruction.
  std::vector<uint32_t> valueOf(g.size(), UINT32_MAX);
  SoftmaxFusion fusion(g);
  bool fused = false;
  for (NodeId n : topologicalOrder(g, roots)) {
    const Node& node = g.node(n);
    KernelInstruction ins;
    ins.op = node.op;
    ins.boolean = node.type == Type::Bool;
    if (node.op == Op::Const) {
      ins.source = OperandSource::Constant;
      ins.constant = node.value;
    } else if (node.op == Op::Variable) {
      std::tie(ins.source, ins.index) = variableSlot[node.payload];
    } else if (NodeId l = fusion.logsumexpOf(n); l != kNoNode) {
      ins.softmaxWeight = fused = true;
      ins.firstArg = static_cast<uint32_t>(p.operands.size());
      ins.argCount = 2;
      p.operands.push_back(valueOf[fusion.weighted(n)]);
      p.operands.push_back(valueOf[l]);
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
  return fused ? withoutUnusedValues(p) : p;
}

KernelProgram withoutUnusedValues(const KernelProgram& program) {
  std::vector<bool> used(program.code.size(), false);
  for (uint32_t out : program.outputs) used[out] = true;
  for (size_t v = program.code.size(); v-- > 0;)
    if (used[v])
      for (uint32_t a : program.args(program.code[v])) used[a] = true;
  std::vector<uint32_t> order;
  for (uint32_t v = 0; v < program.code.size(); ++v)
    if (used[v]) order.push_back(v);
  return order.size() == program.code.size() ? program : reorderedProgram(program, order);
}

KernelProgram reorderDepthFirst(const KernelProgram& program) {
  // Post-order from the outputs without recursion; each frame is an instruction
  // and how many of its operands have been visited.
  size_t count = program.code.size();
  std::vector<uint32_t> newNumber(count, UINT32_MAX);
  std::vector<uint32_t> order;
  order.reserve(count);
  std::vector<std::pair<uint32_t, uint32_t>> stack;
  auto visit = [&](uint32_t root) {
    if (newNumber[root] != UINT32_MAX) return;
    newNumber[root] = 0;  // on the stack
    stack.emplace_back(root, 0);
    while (!stack.empty()) {
      auto [v, next] = stack.back();
      std::span<const uint32_t> args = program.args(program.code[v]);
      if (next < args.size()) {
        ++stack.back().second;
        if (newNumber[args[next]] == UINT32_MAX) {
          newNumber[args[next]] = 0;
          stack.emplace_back(args[next], 0);
        }
        continue;
      }
      newNumber[v] = static_cast<uint32_t>(order.size());
      order.push_back(v);
      stack.pop_back();
    }
  };
  for (uint32_t out : program.outputs) visit(out);
  for (uint32_t v = 0; v < count; ++v) visit(v);  // none expected: every value feeds an output
  return reorderedProgram(program, order);
}

KernelProgram reorderedProgram(const KernelProgram& program, std::span<const uint32_t> order) {
  std::vector<uint32_t> newNumber(program.code.size(), UINT32_MAX);
  for (uint32_t i = 0; i < order.size(); ++i) newNumber[order[i]] = i;
  KernelProgram p;
  p.inputNames = program.inputNames;
  p.paramNames = program.paramNames;
  p.outputNames = program.outputNames;
  p.loops = program.loops;
  p.code.reserve(order.size());
  for (uint32_t v : order) {
    KernelInstruction ins = program.code[v];
    std::span<const uint32_t> args = program.args(ins);
    ins.firstArg = static_cast<uint32_t>(p.operands.size());
    for (uint32_t a : args) p.operands.push_back(newNumber[a]);
    p.code.push_back(ins);
  }
  for (uint32_t out : program.outputs) p.outputs.push_back(newNumber[out]);
  return p;
}

}  // namespace gradc
