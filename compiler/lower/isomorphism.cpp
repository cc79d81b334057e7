#include "compiler/lower/isomorphism.hpp"

#include <unordered_map>

namespace gradc {
namespace {

constexpr uint32_t kNone = UINT32_MAX;

}  // namespace

std::vector<uint32_t> isomorphismClasses(const KernelProgram& program, uint32_t* classCount) {
  std::unordered_map<std::vector<uint32_t>, uint32_t, NumberListHash> ids;
  std::vector<uint32_t> classOf(program.code.size());
  std::vector<uint32_t> key;
  for (uint32_t v = 0; v < program.code.size(); ++v) {
    const KernelInstruction& ins = program.code[v];
    key.assign({static_cast<uint32_t>(ins.op), static_cast<uint32_t>(ins.source), ins.boolean ? 1u : 0u,
                ins.softmaxWeight ? 1u : 0u});
    if (ins.source == OperandSource::Computed)
      for (uint32_t a : program.args(ins)) key.push_back(classOf[a]);
    classOf[v] = ids.try_emplace(key, static_cast<uint32_t>(ids.size())).first->second;
  }
  *classCount = static_cast<uint32_t>(ids.size());
  return classOf;
}

std::vector<uint64_t> useContexts(const KernelProgram& program, const std::vector<uint32_t>& classOf,
                                  int depth) {
  size_t count = program.code.size();
  std::vector<std::pair<uint32_t, uint32_t>> firstUse(count, {kNone, 0});  // user, operand position
  for (uint32_t u = 0; u < count; ++u) {
    std::span<const uint32_t> args = program.args(program.code[u]);
    for (uint32_t j = 0; j < args.size(); ++j)
      if (firstUse[args[j]].first == kNone) firstUse[args[j]] = {u, j};
  }
  std::vector<uint64_t> context(count, 0), next(count, 0);
  for (int level = 0; level < depth; ++level) {
    for (uint32_t v = 0; v < count; ++v) {
      auto [u, j] = firstUse[v];
      next[v] = u == kNone ? 0 : mixBits((uint64_t{classOf[u]} << 8 | j) ^ mixBits(context[u]));
    }
    context.swap(next);
  }
  return context;
}

}  // namespace gradc
