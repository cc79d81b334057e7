// The syntax tree of a model file, as the parser produces it.
//
// Plain structs with no Spirit types, so the compiler can include it cheaply.
// Expressions live in one arena (Model::exprs) and refer to each other by index:
// no recursive destructors, and deep trees can be walked with explicit worklists.
// Every node carries the byte range of the source it came from.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gradc::ast {

struct Span {
  uint32_t begin = 0;  // byte offset of the first character
  uint32_t end = 0;    // byte offset one past the last character
};

using ExprId = uint32_t;
inline constexpr ExprId kNoExpr = UINT32_MAX;

enum class ExprKind : uint8_t {
  Number,  // text: the literal as written; number: its value (strtod)
  Name,    // text: the identifier
  Unary,   // op: Neg or Plus; args[0]
  Binary,  // op: an arithmetic or comparison operator; args[0], args[1]
  Call,    // text: the callee's name (a built-in, `grad`, `where` or a def); args
};

enum class Operator : uint8_t {
  Neg,
  Plus,  // unary - and +
  Add,
  Sub,
  Mul,
  Div,
  Pow,  // + - * / ^
  Lt,
  Le,
  Gt,
  Ge,
  Eq,
  Ne,  // < <= > >= == !=
};

struct Expr {
  ExprKind kind = ExprKind::Number;
  Operator op = Operator::Add;  // Unary and Binary only
  Span span;                    // the whole expression
  Span opSpan;                  // Unary, Binary: the operator token; Call: the callee name
  std::string text;             // Number, Name, Call
  double number = 0;            // Number
  std::vector<ExprId> args;     // operands, in source order
};

enum class StatementKind : uint8_t {
  Input,    // input a, b           declarations: names only
  Param,    // param w = 3, v = -1  declarations: name and default (value required)
  Const,    // const k = EXPR       declarations: name and value (required)
  Binding,  // name = EXPR          name, value
  Def,      // def f(a, b) = EXPR   name, parameters, value
  Output,   // output name [= EXPR] name, value (kNoExpr when absent)
};

struct Declarator {
  std::string name;
  Span nameSpan;
  ExprId value = kNoExpr;
};

struct Statement {
  StatementKind kind = StatementKind::Binding;
  Span span;                            // the whole statement
  Span keywordSpan;                     // `input`, `param`, ... (empty for a binding)
  std::vector<Declarator> declarators;  // Input, Param, Const
  std::string name;                     // Binding, Def, Output
  Span nameSpan;
  std::vector<Declarator> parameters;  // Def: the parameter names (value unused)
  ExprId value = kNoExpr;              // Binding, Def, Output
};

struct Model {
  std::vector<Expr> exprs;
  std::vector<Statement> statements;

  const Expr& expr(ExprId id) const { return exprs[id]; }
};

}  // namespace gradc::ast
