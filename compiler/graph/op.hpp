// The operation table as C++: Op, and the facts ops.def lists about each.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace gradc {

enum class Op : uint8_t {
#define GRADC_OP(name, arity, spelling, kind) name,
#include "compiler/graph/ops.def"
#undef GRADC_OP
};

enum class OpKind : uint8_t { Leaf, Infix, Prefix, Function, Compare, Special };

struct OpInfo {
  std::string_view name;      // the enumerator's name, for messages and dumps
  int arity;                  // -1: variadic
  std::string_view spelling;  // operator symbol or function name
  OpKind kind;
};

const OpInfo& opInfo(Op op);
inline std::string_view opName(Op op) { return opInfo(op).name; }
inline bool isComparison(Op op) { return opInfo(op).kind == OpKind::Compare; }
inline bool isCommutative(Op op) { return op == Op::Add || op == Op::Mul || op == Op::Eq || op == Op::Ne; }

// The op a built-in function name calls (`sin` -> Sin, `pow` -> Pow); nullopt for
// anything else, including `grad`, which is not an op but differentiation itself.
std::optional<Op> builtinFunction(std::string_view name);

inline constexpr int kOpCount = 0
#define GRADC_OP(name, arity, spelling, kind) +1
#include "compiler/graph/ops.def"
#undef GRADC_OP
    ;

}  // namespace gradc
