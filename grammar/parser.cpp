// The model-language parser: a Boost.Spirit X3 grammar that builds ast::Model through
// semantic actions (no X3 attributes for expressions), one statement at a time.
//
// Design notes
// - The statement loop is plain C++: it skips blank lines, comments and `;`, runs the X3
//   `statement` rule on the rest of the text, checks that the statement ends at a newline,
//   `;` or the end of the file, and on a syntax error reports it, drops what the statement
//   added to the arena and skips to the next newline or `;` (error recovery).
// - Expressions are built into the arena by semantic actions working on two stacks
//   (values and pending operators). Left-associative chains are X3 kleene loops
//   (`a >> *(op > a)`) folded as they go, and a unary/power chain
//   (`-a ^ -b ^ c`) is one flat loop folded right to left at its end: neither recurses
//   per term. Only parentheses and calls recurse, and they are bounded by kMaxDepth
//   (unary signs count towards the same limit).
// - Every expectation point (`>`) names a rule; the rule name is turned into a message in
//   expectationMessage(). The failure position is moved past blanks to the offending token.
// - Token parsers never use X3 character classes (std::isalpha and friends assert on bytes
//   >= 0x80); identifiers and numbers are ASCII character ranges.
#include "grammar/parser.hpp"

#include <locale.h>
#include <stdlib.h>

#include <algorithm>
#include <boost/spirit/home/x3.hpp>
#include <cassert>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

namespace gradc {

namespace {

namespace x3 = boost::spirit::x3;
using Iter = const char*;
using Range = boost::iterator_range<Iter>;

// Parentheses, calls and unary signs nested deeper than this are refused.
constexpr int kMaxDepth = 200;
// After this many syntax errors the parser stops (one more error says so).
constexpr size_t kMaxSyntaxErrors = 100;

// Keywords and built-in function names.
constexpr std::string_view kReservedWords[] = {
    "input", "param", "const", "def", "output", "grad",  "where",   "exp",      "log",  "log1p",     "expm1",
    "sqrt",  "sin",   "cos",   "tan", "asin",   "acos",  "atan",    "atan2",    "sinh", "cosh",      "tanh",
    "abs",   "sign",  "min",   "max", "pow",    "hypot", "sigmoid", "softplus", "relu", "logsumexp", "erf",
};

bool isReserved(std::string_view word) {
  return std::find(std::begin(kReservedWords), std::end(kReservedWords), word) != std::end(kReservedWords);
}

// ---------------------------------------------------------------------------------------
// Lexical helpers shared by the grammar and the error reporting.

bool isIdFirst(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdChar(char c) { return isIdFirst(c) || isDigit(c); }

// Skips spaces, tabs, carriage returns and comments (not newlines), like the X3 skipper.
Iter skipBlank(Iter p, Iter end) {
  while (p != end) {
    if (*p == ' ' || *p == '\t' || *p == '\r') {
      ++p;
    } else if (*p == '#') {
      while (p != end && *p != '\n') ++p;
    } else {
      break;
    }
  }
  return p;
}

// The next newline or `;` at or after p, outside comments (error recovery).
Iter skipToStatementEnd(Iter p, Iter end) {
  while (p != end && *p != '\n' && *p != ';') {
    if (*p == '#') {
      while (p != end && *p != '\n') ++p;
    } else {
      ++p;
    }
  }
  return p;
}

// `3`, `2.5`, `.5`, `5.`, `1e-3`: no sign (unary minus is an operator), no `inf`/`nan`
// (they are names), no hexadecimal. Returns begin when there is no number at begin.
Iter scanNumber(Iter begin, Iter end) {
  Iter p = begin;
  Iter digits = p;
  while (p != end && isDigit(*p)) ++p;
  bool mantissa = p != digits;
  if (p != end && *p == '.') {
    Iter fraction = ++p;
    while (p != end && isDigit(*p)) ++p;
    mantissa = mantissa || p != fraction;
  }
  if (!mantissa) return begin;
  if (p != end && (*p == 'e' || *p == 'E')) {
    Iter q = p + 1;
    if (q != end && (*q == '+' || *q == '-')) ++q;
    Iter exponent = q;
    while (q != end && isDigit(*q)) ++q;
    if (q != exponent) p = q;
  }
  return p;
}

std::string hexByte(unsigned char u) {
  static const char* digits = "0123456789abcdef";
  return std::string("\\x") + digits[u >> 4] + digits[u & 15];
}

// Length of a well-formed UTF-8 sequence of two to four bytes at p, or 0.
size_t utf8Length(Iter p, Iter end) {
  auto u = static_cast<unsigned char>(*p);
  size_t n = u >= 0xc2 && u <= 0xdf ? 2 : u >= 0xe0 && u <= 0xef ? 3 : u >= 0xf0 && u <= 0xf4 ? 4 : 0;
  if (n == 0 || static_cast<size_t>(end - p) < n) return 0;
  for (size_t i = 1; i < n; ++i)
    if ((static_cast<unsigned char>(p[i]) & 0xc0) != 0x80) return 0;
  auto u1 = static_cast<unsigned char>(p[1]);
  if ((u == 0xe0 && u1 < 0xa0) || (u == 0xed && u1 > 0x9f) || (u == 0xf0 && u1 < 0x90) ||
      (u == 0xf4 && u1 > 0x8f))
    return 0;  // overlong, surrogate or beyond U+10FFFF
  return n;
}

// True when no token of the language starts with the byte at p.
bool isStrayCharacter(Iter p, Iter end) {
  char c = *p;
  if (isIdChar(c)) return false;
  if (c == '!') return !(p + 1 != end && p[1] == '=');
  return std::string_view("+-*/^<>=(),;.\n").find(c) == std::string_view::npos;
}

// "unexpected character `$`", showing bytes that are not printable as \xNN.
std::string strayCharacterMessage(Iter p, Iter end) {
  auto u = static_cast<unsigned char>(*p);
  if (u >= 0x21 && u <= 0x7e) return std::string("unexpected character `") + *p + "`";
  if (size_t n = utf8Length(p, end)) return "unexpected character `" + std::string(p, n) + "`";
  return "unexpected character `" + hexByte(u) + "`";
}

std::string shorten(std::string_view text, size_t limit = 40) {
  if (text.size() <= limit) return std::string(text);
  return std::string(text.substr(0, limit)) + "...";
}

// How the token at p reads in "..., found X".
std::string describeToken(Iter p, Iter end) {
  if (p == end) return "the end of the file";
  char c = *p;
  if (c == '\n') return "the end of the line";
  if (isIdChar(c) || c == '.') {
    Iter q = isIdFirst(c) ? p : scanNumber(p, end);
    while (q != end && isIdChar(*q)) ++q;  // names, and numbers glued to letters (`2x`)
    if (q != p) return "`" + shorten(std::string_view(p, static_cast<size_t>(q - p))) + "`";
  }
  if (p + 1 != end && p[1] == '=' && (c == '<' || c == '>' || c == '=' || c == '!'))
    return std::string("`") + c + "=`";
  if (isStrayCharacter(p, end))
    return strayCharacterMessage(p, end).substr(std::string_view("unexpected ").size());
  return std::string("`") + c + "`";
}

// The C-locale strtod, whatever the process's locale is.
double parseDouble(const std::string& text) {
  static const locale_t cLocale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  return strtod_l(text.c_str(), nullptr, cLocale);
}

// ---------------------------------------------------------------------------------------
// Parse state, reached from semantic actions through x3::with<StateTag>.

struct DepthExceeded {
  Iter where;
};

enum class PendingKind : uint8_t { Sign, Caret, Binary };

struct PendingOp {
  PendingKind kind;
  ast::Operator op;
  ast::Span span;
};

struct Open {
  ast::Span paren;       // the `(`
  bool call = false;     // a call's argument list, not a parenthesised expression
  ast::Span callee;      // call only
  size_t valueMark = 0;  // call only: values.size() before the arguments
};

struct ChainMark {
  size_t ops = 0;
  size_t values = 0;
};

struct ParseState {
  const SourceFile& source;
  Iter base;
  ast::Model& model;
  Diagnostics& diagnostics;

  // The statement being parsed.
  ast::Statement stmt;
  bool stmtRejected = false;  // a reserved word was used as a name: drop the statement

  std::vector<ast::ExprId> values;
  std::vector<PendingOp> ops;
  std::vector<ChainMark> chains;
  std::vector<Open> opens;
  ast::Span pendingName;
  int depth = 0;

  void resetStatement() {
    stmt = ast::Statement{};
    stmtRejected = false;
    values.clear();
    ops.clear();
    chains.clear();
    opens.clear();
    depth = 0;
  }

  uint32_t offset(Iter p) const { return static_cast<uint32_t>(p - base); }
  ast::Span span(const Range& r) const { return {offset(r.begin()), offset(r.end())}; }
  std::string_view text(ast::Span s) const { return std::string_view(base + s.begin, s.end - s.begin); }
  uint32_t lineOf(ast::Span s) const { return source.locate(s.begin).line; }

  void enter(Iter where) {
    if (++depth > kMaxDepth) throw DepthExceeded{where};
  }

  ast::ExprId add(ast::Expr e) {
    model.exprs.push_back(std::move(e));
    return static_cast<ast::ExprId>(model.exprs.size() - 1);
  }
  ast::ExprId popValue() {
    ast::ExprId id = values.back();
    values.pop_back();
    return id;
  }
  ast::ExprId makeUnary(const PendingOp& op, ast::ExprId operand) {
    ast::Expr e;
    e.kind = ast::ExprKind::Unary;
    e.op = op.op;
    e.opSpan = op.span;
    e.span = {op.span.begin, model.exprs[operand].span.end};
    e.args = {operand};
    return add(std::move(e));
  }
  ast::ExprId makeBinary(ast::Operator op, ast::Span opSpan, ast::ExprId lhs, ast::ExprId rhs) {
    ast::Expr e;
    e.kind = ast::ExprKind::Binary;
    e.op = op;
    e.opSpan = opSpan;
    e.span = {model.exprs[lhs].span.begin, model.exprs[rhs].span.end};
    e.args = {lhs, rhs};
    return add(std::move(e));
  }

  // A declared name: reserved words are reported here and reject the statement.
  std::string declaredName(ast::Span s) {
    std::string name(text(s));
    if (isReserved(name)) {
      diagnostics.error(s.begin, "`" + name + "` is a reserved word and cannot be used as a name");
      stmtRejected = true;
    }
    return name;
  }

  void beginStatement(ast::StatementKind kind, ast::Span keyword) {
    stmt.kind = kind;
    stmt.keywordSpan = keyword;
    stmt.span.begin = keyword.begin;
  }
};

struct StateTag;

template <typename Context>
ParseState& state(const Context& ctx) {
  return x3::get<StateTag>(ctx);
}

ast::Operator operatorFromText(std::string_view t) {
  if (t == "+") return ast::Operator::Add;
  if (t == "-") return ast::Operator::Sub;
  if (t == "*") return ast::Operator::Mul;
  if (t == "/") return ast::Operator::Div;
  if (t == "^") return ast::Operator::Pow;
  if (t == "<") return ast::Operator::Lt;
  if (t == "<=") return ast::Operator::Le;
  if (t == ">") return ast::Operator::Gt;
  if (t == ">=") return ast::Operator::Ge;
  if (t == "==") return ast::Operator::Eq;
  return ast::Operator::Ne;
}

// ---------------------------------------------------------------------------------------
// Semantic actions.

auto const pushNumber = [](auto& ctx) {
  ParseState& s = state(ctx);
  ast::Span sp = s.span(x3::_attr(ctx));
  ast::Expr e;
  e.kind = ast::ExprKind::Number;
  e.span = sp;
  e.opSpan = sp;
  e.text = std::string(s.text(sp));
  e.number = parseDouble(e.text);
  if (std::isinf(e.number)) {
    s.diagnostics.warning(sp.begin, "number literal " + shorten(e.text) + " overflows to inf");
  } else if (e.number == 0) {
    size_t mantissaEnd = e.text.find_first_of("eE");
    if (e.text.substr(0, mantissaEnd).find_first_of("123456789") != std::string::npos)
      s.diagnostics.warning(sp.begin, "number literal " + shorten(e.text) + " underflows to 0");
  }
  s.values.push_back(s.add(std::move(e)));
};

auto const setPendingName = [](auto& ctx) {
  ParseState& s = state(ctx);
  s.pendingName = s.span(x3::_attr(ctx));
};

auto const pushName = [](auto& ctx) {
  ParseState& s = state(ctx);
  ast::Expr e;
  e.kind = ast::ExprKind::Name;
  e.span = s.pendingName;
  e.opSpan = s.pendingName;
  e.text = std::string(s.text(s.pendingName));
  s.values.push_back(s.add(std::move(e)));
};

auto const openCall = [](auto& ctx) {
  ParseState& s = state(ctx);
  ast::Span paren = s.span(x3::_attr(ctx));
  s.enter(x3::_attr(ctx).begin());
  s.opens.push_back({paren, true, s.pendingName, s.values.size()});
};

auto const closeCall = [](auto& ctx) {
  ParseState& s = state(ctx);
  Open open = s.opens.back();
  s.opens.pop_back();
  --s.depth;
  ast::Expr e;
  e.kind = ast::ExprKind::Call;
  e.opSpan = open.callee;
  e.span = {open.callee.begin, s.span(x3::_attr(ctx)).end};
  e.text = std::string(s.text(open.callee));
  e.args.assign(s.values.begin() + static_cast<std::ptrdiff_t>(open.valueMark), s.values.end());
  s.values.resize(open.valueMark);
  s.values.push_back(s.add(std::move(e)));
};

auto const openParen = [](auto& ctx) {
  ParseState& s = state(ctx);
  s.enter(x3::_attr(ctx).begin());
  s.opens.push_back({s.span(x3::_attr(ctx)), false, {}, 0});
};

auto const closeParen = [](auto& ctx) {
  ParseState& s = state(ctx);
  Open open = s.opens.back();
  s.opens.pop_back();
  --s.depth;
  // The parenthesised expression's span includes its parentheses.
  s.model.exprs[s.values.back()].span = {open.paren.begin, s.span(x3::_attr(ctx)).end};
};

auto const pushBinaryOp = [](auto& ctx) {
  ParseState& s = state(ctx);
  ast::Span sp = s.span(x3::_attr(ctx));
  s.ops.push_back({PendingKind::Binary, operatorFromText(s.text(sp)), sp});
};

auto const foldBinary = [](auto& ctx) {
  ParseState& s = state(ctx);
  PendingOp op = s.ops.back();
  s.ops.pop_back();
  ast::ExprId rhs = s.popValue();
  ast::ExprId lhs = s.popValue();
  s.values.push_back(s.makeBinary(op.op, op.span, lhs, rhs));
};

auto const pushSign = [](auto& ctx) {
  ParseState& s = state(ctx);
  ast::Span sp = s.span(x3::_attr(ctx));
  s.enter(x3::_attr(ctx).begin());
  s.ops.push_back({PendingKind::Sign, s.text(sp) == "-" ? ast::Operator::Neg : ast::Operator::Plus, sp});
};

auto const pushCaret = [](auto& ctx) {
  ParseState& s = state(ctx);
  s.ops.push_back({PendingKind::Caret, ast::Operator::Pow, s.span(x3::_attr(ctx))});
};

auto const beginChain = [](auto& ctx) {
  ParseState& s = state(ctx);
  s.chains.push_back({s.ops.size(), s.values.size()});
};

// Folds `s1 p0 ^ s2 p1 ^ ... ^ sn pn` (si: runs of unary signs) right to left: a run of
// signs applies to everything after it in the chain, so `-x^2` is -(x^2), `2^-3^2` is
// 2^(-(3^2)) and `2^3^2` is 2^(3^2).
auto const foldChain = [](auto& ctx) {
  ParseState& s = state(ctx);
  ChainMark mark = s.chains.back();
  s.chains.pop_back();
  ast::ExprId acc = s.popValue();
  while (s.ops.size() > mark.ops) {
    PendingOp op = s.ops.back();
    s.ops.pop_back();
    if (op.kind == PendingKind::Sign) {
      acc = s.makeUnary(op, acc);
      --s.depth;
    } else {
      ast::ExprId base = s.popValue();
      acc = s.makeBinary(ast::Operator::Pow, op.span, base, acc);
    }
  }
  s.values.push_back(acc);
};

auto const beginKeyword = [](ast::StatementKind kind) {
  return [kind](auto& ctx) {
    ParseState& s = state(ctx);
    s.beginStatement(kind, s.span(x3::_attr(ctx)));
  };
};

auto const addDeclarator = [](auto& ctx) {
  ParseState& s = state(ctx);
  ast::Span sp = s.span(x3::_attr(ctx));
  s.stmt.declarators.push_back({s.declaredName(sp), sp, ast::kNoExpr});
};

auto const setDeclaratorValue = [](auto& ctx) {
  ParseState& s = state(ctx);
  s.stmt.declarators.back().value = s.popValue();
};

auto const setStatementName = [](auto& ctx) {
  ParseState& s = state(ctx);
  ast::Span sp = s.span(x3::_attr(ctx));
  s.stmt.name = s.declaredName(sp);
  s.stmt.nameSpan = sp;
};

auto const beginBinding = [](auto& ctx) {
  ParseState& s = state(ctx);
  ast::Span sp = s.span(x3::_attr(ctx));
  s.beginStatement(ast::StatementKind::Binding, {sp.begin, sp.begin});
  s.stmt.name = s.declaredName(sp);
  s.stmt.nameSpan = sp;
};

auto const addParameter = [](auto& ctx) {
  ParseState& s = state(ctx);
  ast::Span sp = s.span(x3::_attr(ctx));
  s.stmt.parameters.push_back({s.declaredName(sp), sp, ast::kNoExpr});
};

auto const setValue = [](auto& ctx) {
  ParseState& s = state(ctx);
  s.stmt.value = s.popValue();
};

// ---------------------------------------------------------------------------------------
// The grammar.

namespace grammar {

using x3::eps;

// Tokens are small hand-written X3 primitives: they scan with plain loops (fast even
// unoptimised) and expose the token's iterator range (after the skipper) as attribute.
template <typename Derived>
struct Token : x3::parser<Derived> {
  using attribute_type = Range;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&,
             Attribute& attr) const {
    x3::skip_over(first, last, context);
    Iterator tokenEnd = static_cast<Derived const&>(*this).scan(first, last);
    if (tokenEnd == first) return false;
    x3::traits::move_to(first, tokenEnd, attr);
    first = tokenEnd;
    return true;
  }
};

// The skipper: spaces, tabs, carriage returns and comments; never newlines.
struct Blank : x3::parser<Blank> {
  using attribute_type = x3::unused_type;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const&, RContext&, Attribute&) const {
    Iterator next = skipBlank(first, last);
    if (next == first) return false;
    first = next;
    return true;
  }
};

struct Identifier : Token<Identifier> {
  static Iter scan(Iter p, Iter end) {
    if (p == end || !isIdFirst(*p)) return p;
    while (p != end && isIdChar(*p)) ++p;
    return p;
  }
};

// See scanNumber.
struct Number : Token<Number> {
  static Iter scan(Iter p, Iter end) { return scanNumber(p, end); }
};

struct Keyword : Token<Keyword> {
  std::string_view word;
  explicit Keyword(std::string_view w) : word(w) {}
  Iter scan(Iter p, Iter end) const {
    if (static_cast<size_t>(end - p) < word.size() || std::string_view(p, word.size()) != word) return p;
    if (p + word.size() != end && isIdChar(p[word.size()])) return p;
    return p + word.size();
  }
};

// One character out of a set.
struct Punct : Token<Punct> {
  std::string_view chars;
  explicit Punct(std::string_view c) : chars(c) {}
  Iter scan(Iter p, Iter end) const {
    return p != end && chars.find(*p) != std::string_view::npos ? p + 1 : p;
  }
};

// `=` but not `==`.
struct Assign : Token<Assign> {
  static Iter scan(Iter p, Iter end) {
    return p != end && *p == '=' && !(p + 1 != end && p[1] == '=') ? p + 1 : p;
  }
};

struct Comparison : Token<Comparison> {
  static Iter scan(Iter p, Iter end) {
    if (p == end) return p;
    bool two = p + 1 != end && p[1] == '=';
    if (*p == '<' || *p == '>') return p + (two ? 2 : 1);
    if ((*p == '=' || *p == '!') && two) return p + 2;
    return p;
  }
};

Blank const skipper{};
Identifier const identifier{};
Number const number{};
Assign const assign{};
Comparison const cmpOp{};
Punct const signOp{"+-"};
Punct const addOp{"+-"};
Punct const mulOp{"*/"};
Punct const caret{"^"};
Punct const openParenthesis{"("};
Punct const closeParenthesis{")"};
Punct const comma{","};
Keyword keyword(std::string_view word) { return Keyword(word); }

// Rule names are keys for expectationMessage().
x3::rule<class ExpressionId> const expression = "expression";
x3::rule<class AdditiveId> const additive = "additive";
x3::rule<class MultiplicativeId> const multiplicative = "multiplicative";
x3::rule<class UnaryId> const unary = "unary";
x3::rule<class PrimaryId> const primary = "primary";
x3::rule<class CmpOperandId> const cmpOperand = "operand";
x3::rule<class AddOperandId> const addOperand = "operand";
x3::rule<class MulOperandId> const mulOperand = "operand";
x3::rule<class SignOperandId> const signOperand = "operand";
x3::rule<class PowOperandId> const powOperand = "operand";
x3::rule<class NoChainId> const noChain = "no_chain";
x3::rule<class ParenCloseId> const parenClose = "paren_close";
x3::rule<class CallArgsId> const callArgs = "call_args";
x3::rule<class CallCloseId> const callClose = "call_close";

x3::rule<class StatementId> const statement = "statement";
x3::rule<class DeclNameId> const declName = "name";
x3::rule<class StmtNameId> const stmtName = "name";
x3::rule<class ParamNameId> const paramName = "name";
x3::rule<class ParamDeclId> const paramDecl = "param_decl";
x3::rule<class ConstDeclId> const constDecl = "const_decl";
x3::rule<class EqualsId> const equals = "equals";
x3::rule<class ParamEqualsId> const paramEquals = "param_equals";
x3::rule<class ConstEqualsId> const constEquals = "const_equals";
x3::rule<class DefOpenId> const defOpen = "def_open";
x3::rule<class DefCloseId> const defClose = "def_close";
x3::rule<class DefEqualsId> const defEquals = "def_equals";
x3::rule<class InputNoDefaultId> const inputNoDefault = "input_no_default";
x3::rule<class ValueId> const value = "expression";
x3::rule<class DeclValueId> const declValue = "expression";

// Expressions, lowest precedence first.
auto const expression_def = additive >> -(cmpOp[pushBinaryOp] > cmpOperand > noChain);
auto const cmpOperand_def = additive >> eps[foldBinary];
auto const noChain_def = !cmpOp;
auto const additive_def = multiplicative >> *(addOp[pushBinaryOp] > addOperand);
auto const addOperand_def = multiplicative >> eps[foldBinary];
auto const multiplicative_def = unary >> *(mulOp[pushBinaryOp] > mulOperand);
auto const mulOperand_def = unary >> eps[foldBinary];
// A flat chain of signs, primaries and `^`, folded by foldChain.
auto const unary_def = eps[beginChain] >> ((+signOp[pushSign] > signOperand) | primary) >>
                       *(caret[pushCaret] > powOperand) >> eps[foldChain];
auto const signOperand_def = primary;
auto const powOperand_def = (+signOp[pushSign] > signOperand) | primary;
auto const primary_def =
    number[pushNumber] |
    (identifier[setPendingName] >> ((openParenthesis[openCall] > callArgs) | eps[pushName])) |
    (openParenthesis[openParen] > expression > parenClose);
auto const parenClose_def = closeParenthesis[closeParen];
auto const callArgs_def = closeParenthesis[closeCall] | (expression > *(comma > expression) > callClose);
auto const callClose_def = closeParenthesis[closeCall];

// Statements.
auto const declName_def = identifier[addDeclarator];
auto const stmtName_def = identifier[setStatementName];
auto const paramName_def = identifier[addParameter];
auto const equals_def = assign;
auto const paramEquals_def = assign;
auto const constEquals_def = assign;
auto const defEquals_def = assign;
auto const defOpen_def = openParenthesis;
auto const defClose_def = closeParenthesis;
auto const inputNoDefault_def = !Punct("=");
auto const value_def = expression >> eps[setValue];
auto const declValue_def = expression >> eps[setDeclaratorValue];
auto const paramDecl_def = declName > paramEquals > declValue;
auto const constDecl_def = declName > constEquals > declValue;

auto const inputStatement = keyword("input")[beginKeyword(ast::StatementKind::Input)] > declName >
                            *(comma > declName) > inputNoDefault;
auto const paramStatement = keyword("param")[beginKeyword(ast::StatementKind::Param)] > paramDecl >
                            *(comma > paramDecl);
auto const constStatement = keyword("const")[beginKeyword(ast::StatementKind::Const)] > constDecl >
                            *(comma > constDecl);
auto const defStatement = keyword("def")[beginKeyword(ast::StatementKind::Def)] > stmtName > defOpen >
                          -(paramName > *(comma > paramName)) > defClose > defEquals > value;
auto const outputStatement = keyword("output")[beginKeyword(ast::StatementKind::Output)] > stmtName >
                             -(assign > value);
// `name = ...`, also when the name is a keyword (`input = 1` is then reported as a reserved word).
auto const bindingStatement = (&(identifier >> assign) >> identifier[beginBinding]) > equals > value;
// A name not followed by `=`: report the missing `=`.
auto const noStatement = identifier > equals;

auto const statement_def = bindingStatement | inputStatement | paramStatement | constStatement |
                           defStatement | outputStatement | noStatement;

BOOST_SPIRIT_DEFINE(expression, additive, multiplicative, unary, primary, cmpOperand, addOperand, mulOperand,
                    signOperand, powOperand, noChain, parenClose, callArgs, callClose)
BOOST_SPIRIT_DEFINE(statement, declName, stmtName, paramName, paramDecl, constDecl, equals, paramEquals,
                    constEquals, defOpen, defClose, defEquals, inputNoDefault, value, declValue)

}  // namespace grammar

// ---------------------------------------------------------------------------------------
// Error messages.

std::string quoted(std::string_view text) { return "`" + shorten(text) + "`"; }

// The message for an expectation failure on rule `which`, without the ", found ..." part.
std::string expectationMessage(const std::string& which, const ParseState& s) {
  if (which == "expression") return "expected an expression";
  if (which == "operand") {
    if (s.ops.empty()) return "expected an expression";  // not reached: an operator is always pending
    return "expected an expression after " + quoted(s.text(s.ops.back().span));
  }
  if (which == "no_chain") return "comparisons cannot be chained: put the first one in parentheses";
  if (which == "paren_close" && !s.opens.empty())
    return "expected `)` to close the `(` opened at line " + std::to_string(s.lineOf(s.opens.back().paren));
  if ((which == "call_args" || which == "call_close") && !s.opens.empty()) {
    const Open& open = s.opens.back();
    std::string callee = quoted(s.text(open.callee));
    if (which == "call_args") return "expected an argument or `)` in the call to " + callee;
    return "expected `,` or `)` to close the call to " + callee + " opened at line " +
           std::to_string(s.lineOf(open.paren));
  }
  if (which == "name") {
    if (s.stmt.kind == ast::StatementKind::Def && !s.stmt.name.empty()) return "expected a parameter name";
    return "expected a name";
  }
  if (which == "equals") return "expected `=`";
  if (which == "param_equals")
    return "expected `=` and a default value after " + quoted(s.stmt.declarators.back().name);
  if (which == "const_equals")
    return "expected `=` and a value after " + quoted(s.stmt.declarators.back().name);
  if (which == "def_open") return "expected `(` and a parameter list after " + quoted(s.stmt.name);
  if (which == "def_close") {
    if (s.stmt.parameters.empty()) return "expected a parameter name or `)`";
    return "expected `,` or `)` in the parameter list of " + quoted(s.stmt.name);
  }
  if (which == "def_equals") return "expected `=` after the parameter list of " + quoted(s.stmt.name);
  if (which == "input_no_default")
    return "an input takes no default value: declare it with `param` to give it one";
  return "syntax error";  // not reached: every expectation point has a name above
}

}  // namespace

bool isReservedWord(std::string_view word) { return isReserved(word); }

ast::Model parseModel(const SourceFile& source, Diagnostics& diagnostics) {
  ast::Model model;
  const std::string& text = source.text();
  if (text.size() >= UINT32_MAX) {
    diagnostics.error(0, "the file is too large to parse (4 GiB or more)");
    return model;
  }
  const Iter base = text.data();
  const Iter end = base + text.size();
  ParseState s{source, base, model, diagnostics, {}, false, {}, {}, {}, {}, {}, 0};
  auto const parser = x3::with<StateTag>(s)[grammar::statement];

  Iter p = base;
  size_t syntaxErrors = 0;
  while (true) {
    p = skipBlank(p, end);
    if (p == end) break;
    if (*p == '\n' || *p == ';') {
      ++p;
      continue;
    }
    const size_t exprMark = model.exprs.size();
    s.resetStatement();
    Iter first = p;
    Iter errorAt = nullptr;
    std::string message;
    bool wantsFound = true;  // append ", found X"
    try {
      if (!x3::phrase_parse(first, end, parser, grammar::skipper, x3::skip_flag::dont_post_skip)) {
        errorAt = p;
        message = "expected a statement";
      } else {
        first = skipBlank(first, end);
        if (first != end && *first != '\n' && *first != ';') {
          errorAt = first;
          message = "expected a newline or `;` after the statement";
        }
      }
    } catch (const x3::expectation_failure<Iter>& failure) {
      errorAt = failure.where();
      message = expectationMessage(failure.which(), s);
      wantsFound = failure.which() != "no_chain" && failure.which() != "input_no_default";
    } catch (const DepthExceeded& failure) {
      errorAt = failure.where;
      message = "expression nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)";
      wantsFound = false;
    }

    if (errorAt != nullptr) {
      errorAt = skipBlank(errorAt, end);
      if (errorAt != end && isStrayCharacter(errorAt, end))
        message = strayCharacterMessage(errorAt, end);
      else if (wantsFound)
        message += ", found " + describeToken(errorAt, end);
      model.exprs.resize(exprMark);
      if (syntaxErrors++ == kMaxSyntaxErrors) {
        diagnostics.error(s.offset(errorAt), "too many syntax errors (more than " +
                                                 std::to_string(kMaxSyntaxErrors) + "); stopping here");
        break;
      }
      diagnostics.error(s.offset(errorAt), std::move(message));
      p = skipToStatementEnd(errorAt, end);
      continue;
    }
    assert(s.values.empty() && s.ops.empty() && s.chains.empty() && s.opens.empty() && s.depth == 0);
    if (s.stmtRejected) {
      model.exprs.resize(exprMark);
    } else {
      ast::Statement& st = s.stmt;
      uint32_t stmtEnd = st.nameSpan.end;
      if (st.value != ast::kNoExpr) stmtEnd = model.exprs[st.value].span.end;
      if (!st.declarators.empty()) {
        const ast::Declarator& last = st.declarators.back();
        stmtEnd = last.value != ast::kNoExpr ? model.exprs[last.value].span.end : last.nameSpan.end;
      }
      st.span.end = stmtEnd;
      model.statements.push_back(std::move(st));
    }
    p = first;
  }
  return model;
}

}  // namespace gradc
