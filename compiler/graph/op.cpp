#include "compiler/graph/op.hpp"

#include <array>

namespace gradc {

static constexpr std::array<OpInfo, kOpCount> kOpTable = {{
#define GRADC_OP(name, arity, spelling, kind) {#name, arity, spelling, OpKind::kind},
#include "compiler/graph/ops.def"
#undef GRADC_OP
}};

const OpInfo& opInfo(Op op) { return kOpTable[static_cast<size_t>(op)]; }

std::optional<Op> builtinFunction(std::string_view name) {
  if (name == "pow") return Op::Pow;
  for (size_t i = 0; i < kOpTable.size(); ++i)
    if (kOpTable[i].kind == OpKind::Function && kOpTable[i].spelling == name) return static_cast<Op>(i);
  return std::nullopt;
}

}  // namespace gradc
