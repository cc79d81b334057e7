#include "grammar/parser.hpp"

#include <gtest/gtest.h>
#include <pthread.h>

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

namespace gradc {
namespace {

struct Parsed {
  SourceFile source;
  Diagnostics diagnostics;
  ast::Model model;
};

Parsed parse(std::string text) {
  Parsed p{SourceFile("test.grad", std::move(text)), {}, {}};
  p.model = parseModel(p.source, p.diagnostics);
  return p;
}

const char* operatorText(ast::Operator op) {
  switch (op) {
    case ast::Operator::Neg: return "-";
    case ast::Operator::Plus: return "+";
    case ast::Operator::Add: return "+";
    case ast::Operator::Sub: return "-";
    case ast::Operator::Mul: return "*";
    case ast::Operator::Div: return "/";
    case ast::Operator::Pow: return "^";
    case ast::Operator::Lt: return "<";
    case ast::Operator::Le: return "<=";
    case ast::Operator::Gt: return ">";
    case ast::Operator::Ge: return ">=";
    case ast::Operator::Eq: return "==";
    case ast::Operator::Ne: return "!=";
  }
  return "?";
}

// Fully parenthesised form of an expression (recursive: small trees only).
std::string show(const ast::Model& m, ast::ExprId id) {
  const ast::Expr& e = m.expr(id);
  switch (e.kind) {
    case ast::ExprKind::Number:
    case ast::ExprKind::Name: return e.text;
    case ast::ExprKind::Unary: return std::string("(") + operatorText(e.op) + show(m, e.args[0]) + ")";
    case ast::ExprKind::Binary:
      return "(" + show(m, e.args[0]) + " " + operatorText(e.op) + " " + show(m, e.args[1]) + ")";
    case ast::ExprKind::Call: {
      std::string out = e.text + "(";
      for (size_t i = 0; i < e.args.size(); ++i) out += (i ? ", " : "") + show(m, e.args[i]);
      return out + ")";
    }
  }
  return "?";
}

// The value of the single statement `y = <expr>`.
std::string showValue(const std::string& expr) {
  Parsed p = parse("y = " + expr + "\n");
  EXPECT_FALSE(p.diagnostics.hasErrors()) << expr << ": " << formatDiagnostics(p.source, p.diagnostics.all());
  if (p.model.statements.size() != 1) return "<no statement>";
  return show(p.model, p.model.statements[0].value);
}

// "LINE:COL: message" of the first diagnostic, or "" when there is none.
std::string firstDiagnostic(const Parsed& p) {
  if (p.diagnostics.all().empty()) return "";
  const Diagnostic& d = p.diagnostics.all().front();
  LineColumn at = p.source.locate(d.offset);
  return std::to_string(at.line) + ":" + std::to_string(at.column) + ": " + d.message;
}

std::string firstError(const std::string& text) { return firstDiagnostic(parse(text)); }

std::string slice(const Parsed& p, ast::Span s) { return p.source.text().substr(s.begin, s.end - s.begin); }

// ------------------------------------------------------------------------------------------
// Statement forms

TEST(ParserStatements, Input) {
  Parsed p = parse("input a, b_2\n");
  ASSERT_FALSE(p.diagnostics.hasErrors());
  ASSERT_EQ(p.model.statements.size(), 1u);
  const ast::Statement& s = p.model.statements[0];
  EXPECT_EQ(s.kind, ast::StatementKind::Input);
  ASSERT_EQ(s.declarators.size(), 2u);
  EXPECT_EQ(s.declarators[0].name, "a");
  EXPECT_EQ(s.declarators[1].name, "b_2");
  EXPECT_EQ(s.declarators[0].value, ast::kNoExpr);
  EXPECT_EQ(slice(p, s.keywordSpan), "input");
  EXPECT_EQ(slice(p, s.declarators[1].nameSpan), "b_2");
  EXPECT_EQ(slice(p, s.span), "input a, b_2");
  EXPECT_EQ(s.value, ast::kNoExpr);
}

TEST(ParserStatements, Param) {
  Parsed p = parse("param w = 3, v = -0.5\n");
  ASSERT_FALSE(p.diagnostics.hasErrors());
  ASSERT_EQ(p.model.statements.size(), 1u);
  const ast::Statement& s = p.model.statements[0];
  EXPECT_EQ(s.kind, ast::StatementKind::Param);
  ASSERT_EQ(s.declarators.size(), 2u);
  EXPECT_EQ(s.declarators[0].name, "w");
  EXPECT_EQ(show(p.model, s.declarators[0].value), "3");
  EXPECT_EQ(s.declarators[1].name, "v");
  EXPECT_EQ(show(p.model, s.declarators[1].value), "(-0.5)");
  EXPECT_EQ(slice(p, s.keywordSpan), "param");
  EXPECT_EQ(slice(p, s.declarators[1].nameSpan), "v");
  EXPECT_EQ(slice(p, s.span), "param w = 3, v = -0.5");
}

TEST(ParserStatements, Const) {
  Parsed p = parse("const k = 2 * 3\nconst a = 1, b = a + 1\n");
  ASSERT_FALSE(p.diagnostics.hasErrors());
  ASSERT_EQ(p.model.statements.size(), 2u);
  EXPECT_EQ(p.model.statements[0].kind, ast::StatementKind::Const);
  EXPECT_EQ(show(p.model, p.model.statements[0].declarators[0].value), "(2 * 3)");
  ASSERT_EQ(p.model.statements[1].declarators.size(), 2u);
  EXPECT_EQ(p.model.statements[1].declarators[1].name, "b");
  EXPECT_EQ(show(p.model, p.model.statements[1].declarators[1].value), "(a + 1)");
  EXPECT_EQ(slice(p, p.model.statements[1].span), "const a = 1, b = a + 1");
}

TEST(ParserStatements, Binding) {
  Parsed p = parse("l = w1 * x\n");
  ASSERT_FALSE(p.diagnostics.hasErrors());
  ASSERT_EQ(p.model.statements.size(), 1u);
  const ast::Statement& s = p.model.statements[0];
  EXPECT_EQ(s.kind, ast::StatementKind::Binding);
  EXPECT_EQ(s.name, "l");
  EXPECT_EQ(slice(p, s.nameSpan), "l");
  EXPECT_EQ(s.keywordSpan.begin, s.keywordSpan.end);
  EXPECT_EQ(show(p.model, s.value), "(w1 * x)");
  EXPECT_EQ(slice(p, s.span), "l = w1 * x");
}

TEST(ParserStatements, Def) {
  Parsed p = parse("def f(a, b) = a * b\ndef g() = 1\n");
  ASSERT_FALSE(p.diagnostics.hasErrors());
  ASSERT_EQ(p.model.statements.size(), 2u);
  const ast::Statement& f = p.model.statements[0];
  EXPECT_EQ(f.kind, ast::StatementKind::Def);
  EXPECT_EQ(f.name, "f");
  EXPECT_EQ(slice(p, f.nameSpan), "f");
  EXPECT_EQ(slice(p, f.keywordSpan), "def");
  ASSERT_EQ(f.parameters.size(), 2u);
  EXPECT_EQ(f.parameters[0].name, "a");
  EXPECT_EQ(f.parameters[1].name, "b");
  EXPECT_EQ(slice(p, f.parameters[1].nameSpan), "b");
  EXPECT_EQ(show(p.model, f.value), "(a * b)");
  EXPECT_EQ(slice(p, f.span), "def f(a, b) = a * b");
  const ast::Statement& g = p.model.statements[1];
  EXPECT_EQ(g.name, "g");
  EXPECT_TRUE(g.parameters.empty());
  EXPECT_EQ(show(p.model, g.value), "1");
}

TEST(ParserStatements, Output) {
  Parsed p = parse("output y\noutput dy = grad(y, l)\n");
  ASSERT_FALSE(p.diagnostics.hasErrors());
  ASSERT_EQ(p.model.statements.size(), 2u);
  const ast::Statement& a = p.model.statements[0];
  EXPECT_EQ(a.kind, ast::StatementKind::Output);
  EXPECT_EQ(a.name, "y");
  EXPECT_EQ(a.value, ast::kNoExpr);
  EXPECT_EQ(slice(p, a.span), "output y");
  const ast::Statement& b = p.model.statements[1];
  EXPECT_EQ(b.kind, ast::StatementKind::Output);
  EXPECT_EQ(b.name, "dy");
  EXPECT_EQ(show(p.model, b.value), "grad(y, l)");
  EXPECT_EQ(slice(p, b.span), "output dy = grad(y, l)");
}

TEST(ParserStatements, SeedModelFromTheSpec) {
  Parsed p = parse(
      "# The seed network: y = ((w1*x)*w2 + b2)^2\n"
      "input x                      # data, supplied at every call\n"
      "param w1 = 3, w2 = 2         # differentiable parameters with default values\n"
      "param b2 = 6\n"
      "\n"
      "l = w1 * x                   # a binding: a named intermediate value\n"
      "y = (l * w2 + b2) ^ 2\n"
      "\n"
      "output y                                 # 900 at x = 4\n"
      "output dy_dl   = grad(y, l)              # 120  derivative w.r.t. an intermediate\n"
      "output dy_dw1  = grad(y, w1)             # 480\n"
      "f = grad(y, l)\n"
      "output df_dw2  = grad(f, w2)             # 108  derivative of a derivative\n"
      "output d2y_dw1 = grad(grad(y, w1), w1)   # 128  second derivative\n"
      "output acc_w1  = grad(y + f, w1)         # 512  what two backward() calls accumulate\n");
  EXPECT_TRUE(p.diagnostics.all().empty()) << formatDiagnostics(p.source, p.diagnostics.all());
  ASSERT_EQ(p.model.statements.size(), 12u);
  EXPECT_EQ(show(p.model, p.model.statements[4].value), "(((l * w2) + b2) ^ 2)");
  EXPECT_EQ(show(p.model, p.model.statements[10].value), "grad(grad(y, w1), w1)");
}

TEST(ParserStatements, KeywordPrefixedNamesAreNames) {
  Parsed p = parse("inputs = 1\noutput_x = 2\ndefine = 3\nparams = 4\nconstant = 5\n");
  EXPECT_FALSE(p.diagnostics.hasErrors()) << formatDiagnostics(p.source, p.diagnostics.all());
  ASSERT_EQ(p.model.statements.size(), 5u);
  for (const ast::Statement& s : p.model.statements) EXPECT_EQ(s.kind, ast::StatementKind::Binding);
  EXPECT_EQ(p.model.statements[0].name, "inputs");
}

// ------------------------------------------------------------------------------------------
// Expressions

TEST(ParserExpressions, PrecedenceAndAssociativity) {
  EXPECT_EQ(showValue("-x^2"), "(-(x ^ 2))");
  EXPECT_EQ(showValue("2^3^2"), "(2 ^ (3 ^ 2))");
  EXPECT_EQ(showValue("a-b-c"), "((a - b) - c)");
  EXPECT_EQ(showValue("a/b*c"), "((a / b) * c)");
  EXPECT_EQ(showValue("2^-3"), "(2 ^ (-3))");
  EXPECT_EQ(showValue("2^-3^2"), "(2 ^ (-(3 ^ 2)))");
  EXPECT_EQ(showValue("-2^-3^4"), "(-(2 ^ (-(3 ^ 4))))");
  EXPECT_EQ(showValue("a^b*c"), "((a ^ b) * c)");
  EXPECT_EQ(showValue("a+b*c"), "(a + (b * c))");
  EXPECT_EQ(showValue("(a+b)*c"), "((a + b) * c)");
  EXPECT_EQ(showValue("-a*b"), "((-a) * b)");
  EXPECT_EQ(showValue("x - -y"), "(x - (-y))");
  EXPECT_EQ(showValue("--x"), "(-(-x))");
  EXPECT_EQ(showValue("+x"), "(+x)");
  EXPECT_EQ(showValue("(-x)^2"), "((-x) ^ 2)");
  EXPECT_EQ(showValue("a < b + 1"), "(a < (b + 1))");
  EXPECT_EQ(showValue("a + 1 >= b * 2"), "((a + 1) >= (b * 2))");
  EXPECT_EQ(showValue("a<=b"), "(a <= b)");
  EXPECT_EQ(showValue("a==b"), "(a == b)");
  EXPECT_EQ(showValue("a!=b"), "(a != b)");
  EXPECT_EQ(showValue("a>b"), "(a > b)");
}

TEST(ParserExpressions, Calls) {
  EXPECT_EQ(showValue("where(x > 0, a, b)"), "where((x > 0), a, b)");
  EXPECT_EQ(showValue("f()"), "f()");
  EXPECT_EQ(showValue("sin(x)^2 + cos(x)^2"), "((sin(x) ^ 2) + (cos(x) ^ 2))");
  EXPECT_EQ(showValue("grad(grad(y, w1), w1)"), "grad(grad(y, w1), w1)");
  EXPECT_EQ(showValue("logsumexp(a, b, c, d)"), "logsumexp(a, b, c, d)");
  // Semantic errors are not the parser's business.
  EXPECT_EQ(showValue("grad(y, 3)"), "grad(y, 3)");
  EXPECT_EQ(showValue("sqrtt(x)"), "sqrtt(x)");
  // A bare reserved word used as a value is left to semantic analysis.
  EXPECT_EQ(showValue("sin + 1"), "(sin + 1)");
}

TEST(ParserExpressions, Numbers) {
  Parsed p = parse("y = 3 + 2.5 + .5 + 1e-3 + 1E+3 + 5. + 0.25e2\n");
  ASSERT_TRUE(p.diagnostics.all().empty());
  std::vector<std::pair<std::string, double>> numbers;
  for (const ast::Expr& e : p.model.exprs)
    if (e.kind == ast::ExprKind::Number) numbers.emplace_back(e.text, e.number);
  std::vector<std::pair<std::string, double>> expected = {
      {"3", 3}, {"2.5", 2.5}, {".5", 0.5}, {"1e-3", 1e-3}, {"1E+3", 1e3}, {"5.", 5.0}, {"0.25e2", 25}};
  EXPECT_EQ(numbers, expected);
}

TEST(ParserExpressions, NumberOverflowAndUnderflowWarn) {
  Parsed p = parse("y = 1e999 + 1e-999 + 0e999 + 1e-310\n");
  EXPECT_FALSE(p.diagnostics.hasErrors());
  ASSERT_EQ(p.diagnostics.all().size(), 2u);
  EXPECT_EQ(p.diagnostics.all()[0].severity, Severity::Warning);
  EXPECT_EQ(firstDiagnostic(p), "1:5: number literal 1e999 overflows to inf");
  EXPECT_EQ(p.diagnostics.all()[1].severity, Severity::Warning);
  EXPECT_EQ(p.diagnostics.all()[1].message, "number literal 1e-999 underflows to 0");
  EXPECT_EQ(p.source.locate(p.diagnostics.all()[1].offset).column, 13u);
  ASSERT_EQ(p.model.statements.size(), 1u);
  for (const ast::Expr& e : p.model.exprs) {
    if (e.text == "1e999") {
      EXPECT_TRUE(std::isinf(e.number));
    } else if (e.text == "1e-999") {
      EXPECT_EQ(e.number, 0.0);
    } else if (e.text == "1e-310") {
      EXPECT_GT(e.number, 0.0);
    }
  }
}

TEST(ParserExpressions, InfAndNanAreNames) {
  Parsed p = parse("y = inf + nan + Infinity\n");
  ASSERT_FALSE(p.diagnostics.hasErrors());
  const ast::Model& m = p.model;
  const ast::Expr& sum = m.expr(m.statements[0].value);
  EXPECT_EQ(m.expr(m.expr(sum.args[0]).args[0]).kind, ast::ExprKind::Name);
  EXPECT_EQ(m.expr(m.expr(sum.args[0]).args[1]).kind, ast::ExprKind::Name);
  EXPECT_EQ(m.expr(sum.args[1]).kind, ast::ExprKind::Name);
  EXPECT_EQ(show(m, m.statements[0].value), "((inf + nan) + Infinity)");
}

TEST(ParserExpressions, SpansAndOperatorSpans) {
  //                0123456789012345678901234567
  Parsed p = parse("y = a + b*c - -(d)^2 + f(x, 1)\n");
  ASSERT_FALSE(p.diagnostics.hasErrors());
  const ast::Model& m = p.model;
  const ast::Expr& root = m.expr(m.statements[0].value);  // (... - ...) + f(x, 1)
  EXPECT_EQ(root.kind, ast::ExprKind::Binary);
  EXPECT_EQ(root.op, ast::Operator::Add);
  EXPECT_EQ(root.span.begin, 4u);
  EXPECT_EQ(root.span.end, 30u);
  EXPECT_EQ(root.opSpan.begin, 21u);
  EXPECT_EQ(root.opSpan.end, 22u);
  const ast::Expr& call = m.expr(root.args[1]);
  EXPECT_EQ(call.kind, ast::ExprKind::Call);
  EXPECT_EQ(call.text, "f");
  EXPECT_EQ(slice(p, call.span), "f(x, 1)");
  EXPECT_EQ(slice(p, call.opSpan), "f");
  EXPECT_EQ(call.opSpan.begin, 23u);
  const ast::Expr& sub = m.expr(root.args[0]);
  EXPECT_EQ(sub.op, ast::Operator::Sub);
  EXPECT_EQ(slice(p, sub.span), "a + b*c - -(d)^2");
  EXPECT_EQ(sub.opSpan.begin, 12u);
  const ast::Expr& neg = m.expr(sub.args[1]);
  EXPECT_EQ(neg.kind, ast::ExprKind::Unary);
  EXPECT_EQ(neg.op, ast::Operator::Neg);
  EXPECT_EQ(slice(p, neg.span), "-(d)^2");
  EXPECT_EQ(neg.opSpan.begin, 14u);
  EXPECT_EQ(neg.opSpan.end, 15u);
  const ast::Expr& pow = m.expr(neg.args[0]);
  EXPECT_EQ(pow.op, ast::Operator::Pow);
  EXPECT_EQ(slice(p, pow.span), "(d)^2");
  EXPECT_EQ(slice(p, pow.opSpan), "^");
  EXPECT_EQ(slice(p, m.expr(pow.args[0]).span), "(d)");  // parentheses belong to the span
  const ast::Expr& mul = m.expr(m.expr(sub.args[0]).args[1]);
  EXPECT_EQ(slice(p, mul.span), "b*c");
  EXPECT_EQ(slice(p, mul.opSpan), "*");
  Parsed q = parse("y = a <= b");
  const ast::Expr& cmp = q.model.expr(q.model.statements[0].value);
  EXPECT_EQ(cmp.opSpan.begin, 6u);
  EXPECT_EQ(cmp.opSpan.end, 8u);
}

// ------------------------------------------------------------------------------------------
// Layout: separators, comments, line endings

TEST(ParserLayout, SemicolonsCommentsBlankLines) {
  Parsed p = parse(
      "# only a comment\n"
      "\n"
      "   \t\n"
      "input x; param w = 1 ;; y = w * x # trailing comment; not a separator\n"
      "   # indented comment\n"
      "output y");  // no final newline
  EXPECT_TRUE(p.diagnostics.all().empty()) << formatDiagnostics(p.source, p.diagnostics.all());
  ASSERT_EQ(p.model.statements.size(), 4u);
  EXPECT_EQ(p.model.statements[2].name, "y");
  EXPECT_EQ(slice(p, p.model.statements[2].span), "y = w * x");
  EXPECT_EQ(p.model.statements[3].kind, ast::StatementKind::Output);
}

TEST(ParserLayout, CrLfLineEndings) {
  Parsed p = parse("input x\r\ny = x + 1 # c\r\n\r\noutput y\r\n");
  EXPECT_TRUE(p.diagnostics.all().empty()) << formatDiagnostics(p.source, p.diagnostics.all());
  ASSERT_EQ(p.model.statements.size(), 3u);
  EXPECT_EQ(slice(p, p.model.statements[1].span), "y = x + 1");
}

TEST(ParserLayout, EmptyInputs) {
  EXPECT_TRUE(parse("").model.statements.empty());
  EXPECT_TRUE(parse("\n\n;\n").model.statements.empty());
  EXPECT_TRUE(parse("# nothing\n").diagnostics.all().empty());
}

TEST(ParserLayout, CommentsMayHoldAnyBytes) {
  Parsed p = parse(std::string("# caf\xc3\xa9 \xff \x00 ok\ny = 1\n", 20));
  EXPECT_TRUE(p.diagnostics.all().empty()) << formatDiagnostics(p.source, p.diagnostics.all());
  EXPECT_EQ(p.model.statements.size(), 1u);
}

TEST(ParserLayout, NewlineEndsAStatement) {
  // An expression cannot continue on the next line.
  EXPECT_EQ(firstError("y = x +\n 1\n"), "1:8: expected an expression after `+`, found the end of the line");
}

// ------------------------------------------------------------------------------------------
// Errors

TEST(ParserErrors, ConformanceUnclosedParen) {
  Parsed p = parse("input x\ny = x * (x + 1\noutput y\n");
  EXPECT_EQ(firstDiagnostic(p),
            "2:15: expected `)` to close the `(` opened at line 2, found the end of the line");
  EXPECT_EQ(p.diagnostics.errorCount(), 1u);
  ASSERT_EQ(p.model.statements.size(), 2u);  // the statements around the broken one
  EXPECT_EQ(p.model.statements[1].kind, ast::StatementKind::Output);
}

TEST(ParserErrors, ConformanceStrayOperator) {
  EXPECT_EQ(firstError("input x\noutput y = x +* 2\n"), "2:15: expected an expression after `+`, found `*`");
}

TEST(ParserErrors, Messages) {
  struct Case {
    std::string text;
    std::string expected;
  };
  std::vector<Case> cases = {
      {"y = \n", "1:5: expected an expression, found the end of the line"},
      {"y =", "1:4: expected an expression, found the end of the file"},
      {"y = x 2\n", "1:7: expected a newline or `;` after the statement, found `2`"},
      {"y = x )\n", "1:7: expected a newline or `;` after the statement, found `)`"},
      {"y = x 1e-3\n", "1:7: expected a newline or `;` after the statement, found `1e-3`"},
      {"y = 2x\n", "1:6: expected a newline or `;` after the statement, found `x`"},
      {"y = 1.2.3\n", "1:8: expected a newline or `;` after the statement, found `.3`"},
      {"y = (a\n", "1:7: expected `)` to close the `(` opened at line 1, found the end of the line"},
      {"y = (a,\n", "1:7: expected `)` to close the `(` opened at line 1, found `,`"},
      {"y = f(\n", "1:7: expected an argument or `)` in the call to `f`, found the end of the line"},
      {"y = f(a b)\n", "1:9: expected `,` or `)` to close the call to `f` opened at line 1, found `b`"},
      {"y = f(a,)\n", "1:9: expected an expression, found `)`"},
      {"y = -*\n", "1:6: expected an expression after `-`, found `*`"},
      {"y = 2^*\n", "1:7: expected an expression after `^`, found `*`"},
      {"y = 2^-\n", "1:8: expected an expression after `-`, found the end of the line"},
      {"y = a */ b\n", "1:8: expected an expression after `*`, found `/`"},
      {"y = a < \n", "1:9: expected an expression after `<`, found the end of the line"},
      {"y = a < b < c\n", "1:11: comparisons cannot be chained: put the first one in parentheses"},
      {"y = .\n", "1:5: expected an expression, found `.`"},
      {"y = $\n", "1:5: unexpected character `$`"},
      {"y = x $\n", "1:7: unexpected character `$`"},
      {"y = a ! b\n", "1:7: unexpected character `!`"},
      {"y == 3\n", "1:3: expected `=`, found `==`"},
      {"y + 1\n", "1:3: expected `=`, found `+`"},
      {"y\n", "1:2: expected `=`, found the end of the line"},
      {"3 = x\n", "1:1: expected a statement, found `3`"},
      {"(y) = x\n", "1:1: expected a statement, found `(`"},
      {"input\n", "1:6: expected a name, found the end of the line"},
      {"input a,\n", "1:9: expected a name, found the end of the line"},
      {"input 2\n", "1:7: expected a name, found `2`"},
      {"input a b\n", "1:9: expected a newline or `;` after the statement, found `b`"},
      {"input a = 3\n", "1:9: an input takes no default value: declare it with `param` to give it one"},
      {"param w\n", "1:8: expected `=` and a default value after `w`, found the end of the line"},
      {"param w 3\n", "1:9: expected `=` and a default value after `w`, found `3`"},
      {"param w = 1, v\n", "1:15: expected `=` and a default value after `v`, found the end of the line"},
      {"const k\n", "1:8: expected `=` and a value after `k`, found the end of the line"},
      {"def\n", "1:4: expected a name, found the end of the line"},
      {"def f = 1\n", "1:7: expected `(` and a parameter list after `f`, found `=`"},
      {"def f(a b) = 1\n", "1:9: expected `,` or `)` in the parameter list of `f`, found `b`"},
      {"def f(3) = 1\n", "1:7: expected a parameter name or `)`, found `3`"},
      {"def f(a,) = 1\n", "1:9: expected a parameter name, found `)`"},
      {"def f(a) 3\n", "1:10: expected `=` after the parameter list of `f`, found `3`"},
      {"def f(a) =\n", "1:11: expected an expression, found the end of the line"},
      {"output\n", "1:7: expected a name, found the end of the line"},
      {"output y ==\n", "1:10: expected a newline or `;` after the statement, found `==`"},
      {"output y = \n", "1:12: expected an expression, found the end of the line"},
      {"x = 1 # fine\ny = # comment\n", "2:14: expected an expression, found the end of the line"},
      {"y = x\t\t+ * 2\n", "1:10: expected an expression after `+`, found `*`"},
      {"y = (((a)) + \n", "1:14: expected an expression after `+`, found the end of the line"},
      {"y = f(g(x)\n",
       "1:11: expected `,` or `)` to close the call to `f` opened at line 1, found the end of the line"},
      {"\n\n  y = (a\n", "3:9: expected `)` to close the `(` opened at line 3, found the end of the line"},
  };
  for (const Case& c : cases) EXPECT_EQ(firstError(c.text), c.expected) << "input: " << c.text;
}

TEST(ParserErrors, EveryErrorIsAnErrorAndNothingIsPrinted) {
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  Parsed p = parse("y = \ninput\ndef f(\nz = )\n");
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(p.diagnostics.errorCount(), 4u);
  for (const Diagnostic& d : p.diagnostics.all()) EXPECT_EQ(d.severity, Severity::Error);
}

TEST(ParserErrors, RecoveryGivesOneErrorPerBrokenStatement) {
  Parsed p = parse(
      "input x\n"
      "y = x +* 2\n"
      "param w = 3\n"
      "z = (x\n"
      "a = 1; b = ) ; c = 2\n"
      "output y\n");
  ASSERT_EQ(p.diagnostics.errorCount(), 3u) << formatDiagnostics(p.source, p.diagnostics.all());
  std::vector<uint32_t> lines;
  for (const Diagnostic& d : p.diagnostics.all()) lines.push_back(p.source.locate(d.offset).line);
  EXPECT_EQ(lines, (std::vector<uint32_t>{2, 4, 5}));
  std::vector<std::string> names;
  for (const ast::Statement& s : p.model.statements)
    names.push_back(s.declarators.empty() ? s.name : s.declarators[0].name);
  EXPECT_EQ(names, (std::vector<std::string>{"x", "w", "a", "c", "y"}));
  // The broken statements left nothing in the arena: every expression belongs to a statement.
  EXPECT_EQ(p.model.exprs.size(), 3u);  // 3, 1, 2
}

TEST(ParserErrors, RecoverySkipsCommentsWhenLookingForASeparator) {
  Parsed p = parse("y = ( # a ; in a comment\nz = 1\n");
  EXPECT_EQ(p.diagnostics.errorCount(), 1u);
  ASSERT_EQ(p.model.statements.size(), 1u);
  EXPECT_EQ(p.model.statements[0].name, "z");
}

TEST(ParserErrors, TooManyErrorsStop) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "y = *\n";
  Parsed p = parse(text);
  EXPECT_EQ(p.diagnostics.errorCount(), 101u);
  EXPECT_EQ(p.diagnostics.all().back().message, "too many syntax errors (more than 100); stopping here");
  EXPECT_EQ(p.source.locate(p.diagnostics.all().back().offset).line, 101u);
}

// ------------------------------------------------------------------------------------------
// Reserved words

TEST(ParserReserved, IsReservedWord) {
  for (const char* w : {"input", "param",   "const",    "def",  "output",    "grad", "where", "exp",  "log",
                        "log1p", "expm1",   "sqrt",     "sin",  "cos",       "tan",  "asin",  "acos", "atan",
                        "atan2", "sinh",    "cosh",     "tanh", "abs",       "sign", "min",   "max",  "pow",
                        "hypot", "sigmoid", "softplus", "relu", "logsumexp", "erf"})
    EXPECT_TRUE(isReservedWord(w)) << w;
  for (const char* w : {"x", "inputs", "Sin", "erf2", "", "inf", "nan", "e", "pi"})
    EXPECT_FALSE(isReservedWord(w)) << w;
}

TEST(ParserReserved, ReservedWordsCannotBeDeclared) {
  struct Case {
    std::string text;
    std::string expected;
  };
  std::vector<Case> cases = {
      {"sin = 3\n", "1:1: `sin` is a reserved word and cannot be used as a name"},
      {"input = 2\n", "1:1: `input` is a reserved word and cannot be used as a name"},
      {"input x, cos\n", "1:10: `cos` is a reserved word and cannot be used as a name"},
      {"param exp = 1\n", "1:7: `exp` is a reserved word and cannot be used as a name"},
      {"const where = 1\n", "1:7: `where` is a reserved word and cannot be used as a name"},
      {"def grad(a) = a\n", "1:5: `grad` is a reserved word and cannot be used as a name"},
      {"def f(a, log) = a\n", "1:10: `log` is a reserved word and cannot be used as a name"},
      {"output relu\n", "1:8: `relu` is a reserved word and cannot be used as a name"},
      {"output erf = 1\n", "1:8: `erf` is a reserved word and cannot be used as a name"},
  };
  for (const Case& c : cases) {
    Parsed p = parse(c.text);
    EXPECT_EQ(firstDiagnostic(p), c.expected) << "input: " << c.text;
    EXPECT_TRUE(p.model.statements.empty()) << "input: " << c.text;  // such a statement is dropped
  }
  Parsed p = parse("input sin, cos\ny = 1\n");
  EXPECT_EQ(p.diagnostics.errorCount(), 2u);
  ASSERT_EQ(p.model.statements.size(), 1u);
  EXPECT_EQ(p.model.statements[0].name, "y");
}

TEST(ParserReserved, ReservedWordsAsCallees) {
  Parsed p = parse("y = sin(x) + grad(y, x) + where(x > 0, 1, 2) + exp(log(x))\n");
  EXPECT_FALSE(p.diagnostics.hasErrors());
}

// ------------------------------------------------------------------------------------------
// Hostile input

TEST(ParserHostile, NulAndInvalidBytes) {
  EXPECT_EQ(firstError(std::string("y = x\0 + 1\n", 11)), "1:6: unexpected character `\\x00`");
  EXPECT_EQ(firstError("y = \xff\n"), "1:5: unexpected character `\\xff`");
  EXPECT_EQ(firstError("y\xfe = 1\n"), "1:2: unexpected character `\\xfe`");
  EXPECT_EQ(firstError("\x80"), "1:1: unexpected character `\\x80`");
  EXPECT_EQ(firstError("y = \xc3\xa9\n"), "1:5: unexpected character `\xc3\xa9`");   // é: valid UTF-8
  EXPECT_EQ(firstError("y = \xc3(\n"), "1:5: unexpected character `\\xc3`");         // truncated sequence
  EXPECT_EQ(firstError("y = \xed\xa0\x80\n"), "1:5: unexpected character `\\xed`");  // a surrogate
  EXPECT_EQ(firstError("y = x\x7f\n"), "1:6: unexpected character `\\x7f`");
  EXPECT_EQ(firstError("y = x\x0b\n"), "1:6: unexpected character `\\x0b`");
  EXPECT_EQ(firstError("y = `\n"), "1:5: unexpected character ```");
  Parsed p = parse(std::string("\0\0\0\ny = 1\n", 10));
  EXPECT_EQ(p.diagnostics.errorCount(), 1u);
  EXPECT_EQ(p.model.statements.size(), 1u);
}

TEST(ParserHostile, DeepParenthesesGiveAnErrorQuickly) {
  const int n = 100000;
  auto start = std::chrono::steady_clock::now();
  Parsed p = parse("y = " + std::string(n, '(') + "x" + std::string(n, ')') + "\nz = 1\n");
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(firstDiagnostic(p), "1:205: expression nested too deeply (more than 200 levels)");
  EXPECT_EQ(p.diagnostics.errorCount(), 1u);
  ASSERT_EQ(p.model.statements.size(), 1u);  // recovery continues after the line
  EXPECT_LT(seconds, 2.0);
}

TEST(ParserHostile, DepthLimitIsExact) {
  auto nested = [](int depth) {
    return "y = " + std::string(depth, '(') + "x" + std::string(depth, ')') + "\n";
  };
  EXPECT_FALSE(parse(nested(200)).diagnostics.hasErrors());
  EXPECT_EQ(firstError(nested(201)), "1:205: expression nested too deeply (more than 200 levels)");

  std::string calls;
  for (int i = 0; i < 200; ++i) calls += "f(";
  calls += "x" + std::string(200, ')');
  EXPECT_FALSE(parse("y = " + calls).diagnostics.hasErrors());
  EXPECT_EQ(firstError("y = f(" + calls), "1:406: expression nested too deeply (more than 200 levels)");

  EXPECT_FALSE(parse("y = " + std::string(200, '-') + "x").diagnostics.hasErrors());
  EXPECT_EQ(firstError("y = " + std::string(100000, '-') + "x"),
            "1:205: expression nested too deeply (more than 200 levels)");
  // Mixed: each `-(` is two levels.
  std::string mixed;
  for (int i = 0; i < 101; ++i) mixed += "-(";
  EXPECT_EQ(firstError("y = " + mixed + "x"), "1:205: expression nested too deeply (more than 200 levels)");
}

// The deepest accepted nesting runs on a thread with half the default 8 MB stack.
TEST(ParserHostile, DepthLimitFitsInHalfTheDefaultStack) {
  struct Job {
    bool ok = false;
    static void* run(void* arg) {
      std::string calls;
      for (int i = 0; i < 50; ++i) calls += "-f(-(";  // 4 levels each: signs, calls, parentheses
      calls += "x" + std::string(100, ')');
      Parsed p = parse("y = " + calls + "\n");
      static_cast<Job*>(arg)->ok = !p.diagnostics.hasErrors() && p.model.statements.size() == 1;
      return nullptr;
    }
  } job;
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, 4u << 20), 0);
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, &attr, &Job::run, &job), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  EXPECT_TRUE(job.ok);
}

TEST(ParserHostile, OneMegabyteSumIsFlat) {
  const int terms = 500000;
  std::string text = "y = x";
  text.reserve(2 * terms + 8);
  for (int i = 0; i < terms; ++i) text += "+x";
  auto start = std::chrono::steady_clock::now();
  Parsed p = parse(text + "\n");
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(p.diagnostics.hasErrors());
  ASSERT_EQ(p.model.statements.size(), 1u);
  EXPECT_EQ(p.model.exprs.size(), 2u * terms + 1);
  // Left-deep: walk down the left spine iteratively.
  ast::ExprId id = p.model.statements[0].value;
  int depth = 0;
  while (p.model.expr(id).kind == ast::ExprKind::Binary) {
    id = p.model.expr(id).args[0];
    ++depth;
  }
  EXPECT_EQ(depth, terms);
  EXPECT_LT(seconds, 30.0);  // about 0.2 s optimised, 3 s with sanitizers
}

TEST(ParserHostile, OneMegabytePowerChainIsRightDeep) {
  const int terms = 500000;
  std::string text = "y = x";
  for (int i = 0; i < terms; ++i) text += "^x";
  Parsed p = parse(text);
  ASSERT_FALSE(p.diagnostics.hasErrors());
  ast::ExprId id = p.model.statements[0].value;
  int depth = 0;
  while (p.model.expr(id).kind == ast::ExprKind::Binary) {
    id = p.model.expr(id).args[1];
    ++depth;
  }
  EXPECT_EQ(depth, terms);
}

TEST(ParserHostile, LongNamesNumbersAndComments) {
  std::string name(10000, 'a');
  Parsed p = parse("input " + name + "\ny = " + name + " * 2\n#" + std::string(1000000, 'c') + "\n");
  ASSERT_FALSE(p.diagnostics.hasErrors());
  ASSERT_EQ(p.model.statements.size(), 2u);
  EXPECT_EQ(p.model.statements[0].declarators[0].name, name);
  EXPECT_EQ(p.model.statements[0].declarators[0].nameSpan.end, 6u + 10000u);
  Parsed q = parse("y = " + std::string(100000, '1') + "\n");
  ASSERT_EQ(q.diagnostics.all().size(), 1u);
  EXPECT_EQ(q.diagnostics.all()[0].message,
            "number literal 1111111111111111111111111111111111111111... overflows to inf");
  // Long tokens are shortened in messages.
  EXPECT_EQ(firstError("y = x " + name),
            "1:7: expected a newline or `;` after the statement, found `" + std::string(40, 'a') + "...`");
}

TEST(ParserHostile, ManyStatements) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "v" + std::to_string(i) + " = w * x + sin(b) - 2.5e-3 # c\n";
  Parsed p = parse(text);
  EXPECT_FALSE(p.diagnostics.hasErrors());
  EXPECT_EQ(p.model.statements.size(), 20000u);
}

}  // namespace
}  // namespace gradc
