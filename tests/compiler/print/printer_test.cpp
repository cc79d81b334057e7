// The formula printers: layout rules, naming of shared parts, golden files for each
// format, C code compiled and run against the interpreter, DOT rendered by Graphviz,
// infix read back by gradc itself, and a 1,000,000-node chain.
//
// GRADC_UPDATE_GOLDEN=1 rewrites the golden files under tests/golden/print/.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <sstream>

#include "compiler/diag/diagnostic.hpp"
#include "compiler/diag/source_file.hpp"
#include "compiler/driver/compile.hpp"
#include "compiler/interp/evaluate.hpp"
#include "compiler/print/print.hpp"

namespace gradc {
namespace {

namespace fs = std::filesystem;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---------------------------------------------------------------------------------------
// Helpers

std::vector<size_t> allOutputs(const ModelGraph& m) {
  std::vector<size_t> all(m.outputs.size());
  std::iota(all.begin(), all.end(), size_t{0});
  return all;
}

std::string print(const ModelGraph& m, PrintFormat format) { return printModel(m, allOutputs(m), format); }

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void writeFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

void expectGolden(const std::string& name, const std::string& actual) {
  fs::path path = fs::path(GRADC_GOLDEN_DIR) / "print" / name;
  const char* update = std::getenv("GRADC_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    fs::create_directories(path.parent_path());
    writeFile(path, actual);
    return;
  }
  ASSERT_TRUE(fs::exists(path)) << path << " is missing; run with GRADC_UPDATE_GOLDEN=1 to create it";
  std::string expected = readFile(path);
  if (expected == actual) return;
  // Report the first line that differs, not two whole files.
  std::istringstream want(expected), got(actual);
  std::string a, b;
  for (int line = 1;; ++line) {
    bool moreA = static_cast<bool>(std::getline(want, a)), moreB = static_cast<bool>(std::getline(got, b));
    if (!moreA && !moreB) break;
    if (a != b || moreA != moreB) {
      ADD_FAILURE() << path << ":" << line << " differs (GRADC_UPDATE_GOLDEN=1 rewrites it)\n  expected: "
                    << (moreA ? a : "<end of file>") << "\n  actual:   " << (moreB ? b : "<end of file>");
      return;
    }
  }
  ADD_FAILURE() << path << " differs only at the end (GRADC_UPDATE_GOLDEN=1 rewrites it)";
}

bool haveTool(const char* name) {
  return std::system((std::string("command -v ") + name + " >/dev/null 2>&1").c_str()) == 0;
}

fs::path scratchDir(const std::string& tag) {
  fs::path dir = fs::temp_directory_path() / ("gradc_print_" + tag + "_" + std::to_string(getpid()));
  fs::create_directories(dir);
  return dir;
}

std::optional<CompiledModel> compile(const std::string& text) {
  SourceFile source("test.grad", text);
  Diagnostics diagnostics;
  auto result = compileModel(source, diagnostics);
  if (!result) ADD_FAILURE() << formatDiagnostics(source, diagnostics.all());
  return result;
}

// A hand-built model: inputs and params by name, outputs added with output().
struct Builder {
  ModelGraph m;
  Graph& g = m.graph;
  NodeId input(const std::string& name) {
    uint32_t v = g.addVariable(name, VariableKind::Input);
    m.inputs.push_back(v);
    return g.variable(v);
  }
  NodeId param(const std::string& name, double value = 1) {
    uint32_t v = g.addVariable(name, VariableKind::Param);
    m.params.push_back(v);
    m.paramDefaults.push_back(value);
    return g.variable(v);
  }
  void output(const std::string& name, NodeId node) { m.outputs.push_back({name, node, 0, false}); }
  NodeId c(double v) { return g.constant(v); }
  // Exactly this node, without canonicalisation.
  NodeId raw(Op op, std::initializer_list<NodeId> args) {
    return g.intern(op, std::span(args.begin(), args.size()));
  }
  NodeId f(Op op, std::initializer_list<NodeId> args) { return g.make(op, args); }
};

// The infix formula of one expression, printed as output `r`.
std::string infixOf(Builder& b, NodeId node) {
  b.m.outputs.clear();
  b.output("r", node);
  std::string text = print(b.m, PrintFormat::Infix);
  EXPECT_EQ(text.substr(0, 4), "r = ");
  EXPECT_EQ(text.back(), '\n');
  return text.substr(4, text.size() - 5);
}

// The seed network built by hand: y = (w1*x*w2 + b2)^2 and dy/dw1 = 2*(l*w2 + b2)*w2*x.
ModelGraph handSeed() {
  Builder b;
  NodeId x = b.input("x");
  NodeId w1 = b.param("w1", 3), w2 = b.param("w2", 2), b2 = b.param("b2", 6);
  NodeId l = b.g.mul(w1, x);
  NodeId inner = b.g.add(b.g.mul(l, w2), b2);
  NodeId y = b.g.pow(inner, b.c(2));
  NodeId dy = b.g.mul(b.g.mul(b.g.mul(b.c(2), inner), w2), x);
  b.m.nameHints[l] = "l";
  b.m.nameHints[y] = "y";
  b.output("y", y);
  b.output("dy_dw1", dy);
  return std::move(b.m);
}

const char* kSeedModel = R"(# The seed network: y = ((w1*x)*w2 + b2)^2
input x
param w1 = 3, w2 = 2
param b2 = 6

l = w1 * x
y = (l * w2 + b2) ^ 2

output y
output dy_dl   = grad(y, l)
output dy_dw1  = grad(y, w1)
f = grad(y, l)
output df_dw2  = grad(f, w2)
output d2y_dw1 = grad(grad(y, w1), w1)
output acc_w1  = grad(y + f, w1)
)";

// ---------------------------------------------------------------------------------------
// Formats and layout

TEST(PrintFormatTest, ParsesTheFourNames) {
  EXPECT_EQ(parsePrintFormat("infix"), PrintFormat::Infix);
  EXPECT_EQ(parsePrintFormat("latex"), PrintFormat::Latex);
  EXPECT_EQ(parsePrintFormat("c"), PrintFormat::C);
  EXPECT_EQ(parsePrintFormat("dot"), PrintFormat::Dot);
  EXPECT_EQ(parsePrintFormat("json"), std::nullopt);
  EXPECT_EQ(parsePrintFormat(""), std::nullopt);
}

TEST(PrintInfixTest, ParenthesesFollowPrecedenceAndAssociativity) {
  Builder b;
  NodeId x = b.input("x"), y = b.input("y"), z = b.input("z");
  EXPECT_EQ(infixOf(b, b.raw(Op::Sub, {x, b.raw(Op::Sub, {y, z})})), "x - (y - z)");
  EXPECT_EQ(infixOf(b, b.raw(Op::Add, {b.raw(Op::Sub, {x, y}), z})), "x - y + z");
  EXPECT_EQ(infixOf(b, b.raw(Op::Add, {x, b.raw(Op::Add, {y, z})})), "x + (y + z)");
  EXPECT_EQ(infixOf(b, b.raw(Op::Div, {x, b.raw(Op::Mul, {y, z})})), "x/(y*z)");
  EXPECT_EQ(infixOf(b, b.raw(Op::Mul, {b.raw(Op::Div, {x, y}), z})), "x/y*z");
  EXPECT_EQ(infixOf(b, b.raw(Op::Mul, {b.raw(Op::Add, {x, y}), z})), "(x + y)*z");
  EXPECT_EQ(infixOf(b, b.raw(Op::Add, {b.raw(Op::Mul, {x, y}), z})), "x*y + z");
  EXPECT_EQ(infixOf(b, b.raw(Op::Neg, {b.raw(Op::Pow, {x, b.c(2)})})), "-x^2");
  EXPECT_EQ(infixOf(b, b.raw(Op::Pow, {b.raw(Op::Neg, {x}), b.c(2)})), "(-x)^2");
  EXPECT_EQ(infixOf(b, b.raw(Op::Pow, {x, b.raw(Op::Pow, {y, z})})), "x^y^z");
  EXPECT_EQ(infixOf(b, b.raw(Op::Pow, {b.raw(Op::Pow, {x, y}), z})), "(x^y)^z");
  EXPECT_EQ(infixOf(b, b.raw(Op::Pow, {x, b.raw(Op::Neg, {y})})), "x^(-y)");
  EXPECT_EQ(infixOf(b, b.raw(Op::Pow, {x, b.c(-2)})), "x^(-2)");
  EXPECT_EQ(infixOf(b, b.raw(Op::Pow, {b.c(-2), x})), "(-2)^x");
  EXPECT_EQ(infixOf(b, b.raw(Op::Mul, {b.c(-2), x})), "-2*x");
  EXPECT_EQ(infixOf(b, b.raw(Op::Mul, {x, b.c(-2)})), "x*(-2)");
  EXPECT_EQ(infixOf(b, b.raw(Op::Add, {x, b.raw(Op::Mul, {b.c(-2), y})})), "x + (-2*y)");
  EXPECT_EQ(infixOf(b, b.raw(Op::Sub, {x, b.raw(Op::Neg, {y})})), "x - (-y)");
  EXPECT_EQ(infixOf(b, b.raw(Op::Neg, {b.raw(Op::Mul, {x, y})})), "-x*y");
  EXPECT_EQ(infixOf(b, b.raw(Op::Neg, {b.raw(Op::Add, {x, y})})), "-(x + y)");
  EXPECT_EQ(infixOf(b, b.raw(Op::Neg, {b.raw(Op::Neg, {x})})), "-(-x)");
  EXPECT_EQ(infixOf(b, b.raw(Op::Neg, {b.raw(Op::Mul, {b.c(-2), x})})), "-(-2*x)");
  EXPECT_EQ(infixOf(b, b.raw(Op::Mul, {x, b.raw(Op::Neg, {b.raw(Op::Mul, {y, z})})})), "x*(-y*z)");
  EXPECT_EQ(infixOf(b, b.raw(Op::Mul, {b.raw(Op::Mul, {b.c(2), x}), b.raw(Op::Add, {y, z})})), "2*x*(y + z)");
}

TEST(PrintInfixTest, FunctionsConditionsAndNumbers) {
  Builder b;
  NodeId x = b.input("x"), y = b.input("y");
  EXPECT_EQ(infixOf(b, b.f(Op::Exp, {x})), "exp(x)");
  EXPECT_EQ(infixOf(b, b.f(Op::Atan2, {y, x})), "atan2(y, x)");
  EXPECT_EQ(infixOf(b, b.f(Op::Logsumexp, {x, y, b.c(1)})), "logsumexp(x, y, 1)");
  EXPECT_EQ(infixOf(b, b.g.where(b.f(Op::Gt, {x, b.c(0)}), b.g.div(b.c(1), x), b.c(0))),
            "where(x > 0, 1/x, 0)");
  EXPECT_EQ(infixOf(b, b.g.where(b.f(Op::Le, {b.g.add(x, y), b.c(-1)}), x, y)), "where(x + y <= -1, x, y)");
  EXPECT_EQ(infixOf(b, b.raw(Op::Where, {b.g.sub(x, y), x, y})), "where(x - y != 0, x, y)");
  EXPECT_EQ(infixOf(b, b.raw(Op::Where, {b.g.boolean(true), x, y})), "where(1 == 1, x, y)");
  EXPECT_EQ(infixOf(b, b.g.mul(b.c(0.1), x)), "0.1*x");
  EXPECT_EQ(infixOf(b, b.g.mul(b.c(1e300), x)), "1e+300*x");
  EXPECT_EQ(infixOf(b, b.g.add(b.c(kInf), x)), "inf + x");
  EXPECT_EQ(infixOf(b, b.g.mul(x, b.c(-kInf))), "-inf*x");
  EXPECT_EQ(infixOf(b, b.g.add(b.c(kNaN), x)), "nan + x");
  EXPECT_EQ(infixOf(b, b.c(-0.0)), "-0");
  EXPECT_EQ(infixOf(b, x), "x");
}

// ---------------------------------------------------------------------------------------
// Named lines

TEST(PrintNamingTest, SharedPartsGetHintsOrFreshNames) {
  Builder b;
  NodeId x = b.input("x"), t1 = b.input("t1");
  NodeId s = b.f(Op::Sin, {x});
  NodeId sx = b.g.add(s, x);      // shared, hinted
  NodeId c = b.f(Op::Cos, {t1});  // shared, no hint: t1 is taken by an input, so t2
  NodeId n = b.g.neg(x);          // shared, but the negation of a leaf
  b.m.nameHints[sx] = "u";
  b.output("a", b.g.mul(sx, c));
  b.output("b", b.g.add(b.g.add(b.g.mul(sx, n), c), b.g.mul(n, t1)));
  EXPECT_EQ(print(b.m, PrintFormat::Infix),
            "u = x + sin(x)\n"
            "t2 = cos(t1)\n"
            "a = u*t2\n"
            "b = t2 - x*u - x*t1\n");  // canonicalisation folded the negations into subtractions
}

TEST(PrintNamingTest, HintsNeverClashWithVariablesOrOutputs) {
  Builder b;
  NodeId x = b.input("x");
  NodeId e = b.f(Op::Exp, {x});
  NodeId l = b.f(Op::Log, {x});
  b.m.nameHints[e] = "y";  // an output's name
  b.m.nameHints[l] = "x";  // a variable's name
  NodeId q = b.f(Op::Sqrt, {x});
  b.m.nameHints[q] = "not a name";
  b.output("y", b.g.add(e, l));
  b.output("z", b.g.mul(e, b.g.mul(l, q)));
  b.output("w", b.g.add(q, l));
  EXPECT_EQ(print(b.m, PrintFormat::Infix),
            "t1 = exp(x)\n"
            "t2 = log(x)\n"
            "y = t1 + t2\n"
            "t3 = sqrt(x)\n"
            "z = t1*(t2*t3)\n"
            "w = t2 + t3\n");
}

TEST(PrintNamingTest, AnOutputUsedByAnotherGetsANamedLine) {
  Builder b;
  NodeId x = b.input("x");
  NodeId s = b.f(Op::Sin, {x});
  NodeId e = b.f(Op::Exp, {s});
  b.m.nameHints[s] = "s";
  b.output("first", e);
  b.output("second", b.g.mul(e, x));
  b.output("again", e);
  // The shared output is its own named line; the others refer to it by its name.
  EXPECT_EQ(print(b.m, PrintFormat::Infix),
            "first = exp(sin(x))\n"
            "second = x*first\n"
            "again = first\n");
  // The C function still stores every output.
  std::string c = print(b.m, PrintFormat::C);
  EXPECT_NE(c.find("  const double first = exp(sin(x));\n  outputs[0] = first;  /* first */\n"),
            std::string::npos)
      << c;
  EXPECT_NE(c.find("  outputs[2] = first;  /* again */\n"), std::string::npos) << c;
  // An output whose node is used later, printed after another output that uses it.
  Builder d;
  NodeId z = d.input("z");
  NodeId shared = d.f(Op::Cosh, {z});
  d.output("late_user", d.g.add(shared, z));
  d.output("shared", shared);
  d.output("other", d.g.mul(shared, z));
  EXPECT_EQ(print(d.m, PrintFormat::Infix),
            "shared = cosh(z)\n"
            "late_user = z + shared\n"
            "other = z*shared\n");
}

TEST(PrintNamingTest, LinesComeBeforeTheFirstOutputThatNeedsThem) {
  Builder b;
  NodeId x = b.input("x"), y = b.input("y");
  NodeId p = b.f(Op::Sin, {x}), q = b.f(Op::Cos, {y});
  b.output("a", b.g.add(b.g.mul(p, p), x));
  b.output("b", b.g.add(b.g.mul(q, x), q));
  b.output("c", b.g.add(p, q));
  EXPECT_EQ(print(b.m, PrintFormat::Infix),
            "t1 = sin(x)\n"
            "a = x + t1^2\n"
            "t2 = cos(y)\n"
            "b = t2 + x*t2\n"
            "c = t1 + t2\n");
  // Printing one output considers only what it uses.
  std::vector<size_t> just = {1};
  EXPECT_EQ(printModel(b.m, just, PrintFormat::Infix), "t1 = cos(y)\nb = t1 + x*t1\n");
}

TEST(PrintNamingTest, BindingNodesAreLookedThrough) {
  Builder b;
  NodeId x = b.input("x");
  uint32_t bind = b.g.addBinding("h");
  NodeId h = b.g.binding(bind, b.f(Op::Tanh, {x}));
  b.output("o", b.g.add(b.g.mul(h, x), h));
  b.output("p", h);
  // The shared node is output p's own line: p's name wins over the binding's.
  EXPECT_EQ(print(b.m, PrintFormat::Infix), "p = tanh(x)\no = p + x*p\n");
  b.m.outputs.pop_back();
  EXPECT_EQ(print(b.m, PrintFormat::Infix), "h = tanh(x)\no = h + x*h\n");
}

TEST(PrintNamingTest, NoOutputsPrintsNothing) {
  Builder b;
  b.input("x");
  EXPECT_EQ(print(b.m, PrintFormat::Infix), "");
  EXPECT_EQ(print(b.m, PrintFormat::Latex), "");
  EXPECT_NE(print(b.m, PrintFormat::C).find("(void)outputs;"), std::string::npos);
  EXPECT_EQ(print(b.m, PrintFormat::Dot).find("->"), std::string::npos);
}

// ---------------------------------------------------------------------------------------
// LaTeX

TEST(PrintLatexTest, NamesNumbersAndLayout) {
  Builder b;
  NodeId x = b.input("x"), w1 = b.param("w1"), lr = b.param("learning_rate"), alpha = b.param("alpha");
  auto latex = [&](NodeId node) {
    b.m.outputs.clear();
    b.output("r", node);
    std::string text = print(b.m, PrintFormat::Latex);
    std::string head = "\\begin{align*}\nr &= ";
    EXPECT_EQ(text.substr(0, head.size()), head);
    return text.substr(head.size(), text.size() - head.size() - std::string("\n\\end{align*}\n").size());
  };
  EXPECT_EQ(latex(b.g.mul(b.c(2), w1)), "2 w_{1}");
  EXPECT_EQ(latex(b.g.mul(lr, alpha)), "\\mathit{learning}_{\\mathit{rate}} \\cdot \\alpha");
  EXPECT_EQ(latex(b.g.div(x, b.g.add(x, w1))), "\\frac{x}{x + w_{1}}");
  EXPECT_EQ(latex(b.g.pow(b.g.div(x, w1), b.c(2))), "\\left(\\frac{x}{w_{1}}\\right)^{2}");
  EXPECT_EQ(latex(b.f(Op::Sqrt, {x})), "\\sqrt{x}");
  EXPECT_EQ(latex(b.f(Op::Exp, {b.g.neg(x)})), "e^{-x}");
  EXPECT_EQ(latex(b.f(Op::Sin, {x})), "\\sin\\left(x\\right)");
  EXPECT_EQ(latex(b.f(Op::Softplus, {x})), "\\operatorname{softplus}\\left(x\\right)");
  EXPECT_EQ(latex(b.f(Op::Abs, {x})), "\\left|x\\right|");
  EXPECT_EQ(latex(b.g.mul(b.c(1.5e-7), x)), "1.5 \\cdot 10^{-7} \\cdot x");
  EXPECT_EQ(latex(b.g.add(b.c(kInf), x)), "\\infty + x");
  EXPECT_EQ(latex(b.g.where(b.f(Op::Ge, {x, b.c(0)}), x, b.c(0))),
            "\\begin{cases} x & \\text{if } x \\ge 0 \\\\ 0 & \\text{otherwise} \\end{cases}");
  EXPECT_EQ(latex(b.g.mul(w1, b.g.where(b.f(Op::Ge, {x, b.c(0)}), x, b.c(0)))),
            "w_{1} \\cdot \\left(\\begin{cases} x & \\text{if } x \\ge 0 \\\\ 0 & \\text{otherwise} "
            "\\end{cases}\\right)");
}

// ---------------------------------------------------------------------------------------
// Golden files

TEST(PrintGoldenTest, HandBuiltSeed) {
  ModelGraph m = handSeed();
  expectGolden("hand_seed.txt", print(m, PrintFormat::Infix));
  expectGolden("hand_seed.tex", print(m, PrintFormat::Latex));
  expectGolden("hand_seed.c", print(m, PrintFormat::C));
  expectGolden("hand_seed.dot", print(m, PrintFormat::Dot));
}

TEST(PrintGoldenTest, SeedModelThroughThePipeline) {
  auto compiled = compile(kSeedModel);
  ASSERT_TRUE(compiled);
  const ModelGraph& m = compiled->simplified;
  expectGolden("seed.txt", print(m, PrintFormat::Infix));
  expectGolden("seed.tex", print(m, PrintFormat::Latex));
  expectGolden("seed.c", print(m, PrintFormat::C));
  expectGolden("seed.dot", print(m, PrintFormat::Dot));
  // y and its gradient with respect to w1 only (as `--output y --output dy_dw1`).
  std::vector<size_t> two = {0, 2};
  expectGolden("seed_y_dy_dw1.txt", printModel(m, two, PrintFormat::Infix));
  expectGolden("seed_y_dy_dw1.tex", printModel(m, two, PrintFormat::Latex));
  expectGolden("seed_y_dy_dw1.c", printModel(m, two, PrintFormat::C));
  expectGolden("seed_y_dy_dw1.dot", printModel(m, two, PrintFormat::Dot));
  std::vector<size_t> one = {2};
  expectGolden("seed_dy_dw1.txt", printModel(m, one, PrintFormat::Infix));
}

// ---------------------------------------------------------------------------------------
// Every op, in every format: C compiled and run against the interpreter.

struct EveryOp {
  ModelGraph m;
  std::vector<std::vector<double>> points;  // values by variable index
};

EveryOp everyOpModel() {
  Builder b;
  NodeId x = b.input("x"), y = b.input("y"), w = b.param("w", 0.5);
  NodeId fabs = b.input("fabs");  // a libm name: the C printer must rename it
  auto& g = b.g;
  NodeId shared = g.mul(b.f(Op::Sin, {x}), y);
  b.m.nameHints[shared] = "double";  // a C keyword as a binding's name
  auto out = [&](const std::string& name, NodeId node) { b.output(name, node); };
  out("add", g.add(x, g.mul(y, w)));
  out("sub", g.sub(g.sub(x, y), g.sub(w, x)));
  out("div", g.div(x, g.sub(y, w)));
  out("neg", g.neg(g.add(x, shared)));
  out("pow_xy", g.pow(x, y));
  out("pow_2", g.pow(g.add(x, w), b.c(2)));
  out("pow_3", g.pow(x, b.c(3)));
  out("pow_neg", g.pow(b.c(-2), y));
  out("where_lt", g.where(b.f(Op::Lt, {x, y}), g.mul(shared, x), g.div(b.c(1), x)));
  out("where_le", g.where(b.f(Op::Le, {x, b.c(0)}), b.f(Op::Exp, {x}), b.f(Op::Log, {x})));
  out("where_gt", g.where(b.f(Op::Gt, {x, b.c(-1)}), b.c(2), b.c(3)));
  out("where_div",
      g.div(b.c(1), g.where(b.f(Op::Gt, {x, b.c(-1)}), b.c(2), b.c(3))));  // not integer division
  out("where_ge", g.where(b.f(Op::Ge, {y, w}), shared, b.c(0)));
  out("where_eq", g.where(b.f(Op::Eq, {x, y}), x, y));
  out("where_ne", g.where(b.f(Op::Ne, {x, b.c(0)}), g.div(y, x), b.c(0)));
  out("where_real", b.raw(Op::Where, {g.sub(x, y), x, w}));
  out("where_true", b.raw(Op::Where, {g.boolean(true), x, w}));
  for (Op op : {Op::Exp, Op::Log,  Op::Log1p,   Op::Expm1,    Op::Sqrt, Op::Sin,  Op::Cos,
                Op::Tan, Op::Asin, Op::Acos,    Op::Atan,     Op::Sinh, Op::Cosh, Op::Tanh,
                Op::Abs, Op::Sign, Op::Sigmoid, Op::Softplus, Op::Relu, Op::Erf})
    out("f_" + std::string(opInfo(op).spelling), b.f(op, {g.mul(x, w)}));
  for (Op op : {Op::Atan2, Op::Min, Op::Max, Op::Hypot})
    out("f_" + std::string(opInfo(op).spelling), b.f(op, {x, y}));
  out("logsumexp2", b.f(Op::Logsumexp, {x, y}));
  out("logsumexp3", b.f(Op::Logsumexp, {x, y, shared}));
  out("max_inf", b.f(Op::Max, {x, b.c(-kInf)}));
  out("min_inf", b.f(Op::Min, {x, b.c(kInf)}));
  out("plus_nan", g.add(x, b.c(kNaN)));
  out("big", g.mul(x, b.c(1e300)));
  out("renamed", g.mul(fabs, shared));
  out("constant", b.c(2.5));
  out("just_y", y);

  EveryOp result{std::move(b.m), {}};
  result.points = {
      {0.5, 1.5, 0.25, 2}, {-2, 3, 0.75, -1},     {0, 0, 0, 0},    {1000, -1000, 2, 3},
      {kNaN, 1, 1, 1},     {-kInf, kInf, 0.5, 1}, {3, 3, -0.5, 2}, {-0.5, 0.5, 2, -4},
  };
  return result;
}

std::string cLiteral(double v) {
  if (std::isnan(v)) return "NAN";
  if (std::isinf(v)) return v > 0 ? "INFINITY" : "-INFINITY";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%a", v);
  return buffer;
}

bool sameDouble(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, sizeof a) == 0;
}

TEST(PrintCTest, EveryOpCompilesAndMatchesTheInterpreter) {
  if (!haveTool("cc")) GTEST_SKIP() << "no cc on PATH";
  EveryOp e = everyOpModel();
  const ModelGraph& m = e.m;
  std::string code = print(m, PrintFormat::C);
  EXPECT_NE(code.find("const double fabs_ = inputs[2];"), std::string::npos) << code;
  EXPECT_NE(code.find("const double double_ = "), std::string::npos) << code;

  // A main() that runs the kernel on every point and prints each output exactly.
  std::string main = "\n#include <stdio.h>\nint main(void) {\n";
  main += "  static const double in[][" + std::to_string(m.inputs.size()) + "] = {";
  for (const auto& p : e.points) {
    main += "{";
    for (uint32_t v : m.inputs) main += cLiteral(p[v]) + ", ";
    main += "}, ";
  }
  main += "};\n  static const double par[][" + std::to_string(m.params.size()) + "] = {";
  for (const auto& p : e.points) {
    main += "{";
    for (uint32_t v : m.params) main += cLiteral(p[v]) + ", ";
    main += "}, ";
  }
  main += "};\n  double out[" + std::to_string(m.outputs.size()) + "];\n";
  main += "  for (int p = 0; p < " + std::to_string(e.points.size()) + "; ++p) {\n";
  main += "    gradc_model(in[p], par[p], out);\n";
  main +=
      "    for (int k = 0; k < " + std::to_string(m.outputs.size()) + "; ++k) printf(\"%a\\n\", out[k]);\n";
  main += "  }\n  return 0;\n}\n";

  fs::path dir = scratchDir("c");
  writeFile(dir / "model.c", code + main);
  std::string compileCmd = "cc -std=c99 -pedantic -Wall -Wextra -Werror -o " + (dir / "model").string() +
                           " " + (dir / "model.c").string() + " -lm 2>&1";
  FILE* pipe = popen(compileCmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string diagnostics;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) diagnostics.append(buffer, n);
  ASSERT_EQ(pclose(pipe), 0) << diagnostics << "\n" << code;
  EXPECT_EQ(diagnostics, "");

  pipe = popen((dir / "model").string().c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string printed;
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) printed.append(buffer, n);
  ASSERT_EQ(pclose(pipe), 0);
  std::istringstream lines(printed);

  std::vector<NodeId> roots;
  for (const ModelOutput& o : m.outputs) roots.push_back(o.node);
  for (size_t p = 0; p < e.points.size(); ++p) {
    std::vector<double> expected = evaluate(m.graph, roots, e.points[p]);
    for (size_t k = 0; k < roots.size(); ++k) {
      std::string line;
      ASSERT_TRUE(std::getline(lines, line));
      double got = std::strtod(line.c_str(), nullptr);
      EXPECT_TRUE(sameDouble(got, expected[k])) << m.outputs[k].name << " at point " << p << ": C gives "
                                                << got << ", the interpreter " << expected[k];
    }
  }
  fs::remove_all(dir);
}

TEST(PrintGoldenTest, EveryOp) {
  EveryOp e = everyOpModel();
  expectGolden("every_op.txt", print(e.m, PrintFormat::Infix));
  expectGolden("every_op.tex", print(e.m, PrintFormat::Latex));
  expectGolden("every_op.c", print(e.m, PrintFormat::C));
  expectGolden("every_op.dot", print(e.m, PrintFormat::Dot));
}

TEST(PrintDotTest, RendersWithGraphviz) {
  if (!haveTool("dot")) GTEST_SKIP() << "no dot on PATH";
  fs::path dir = scratchDir("dot");
  EveryOp e = everyOpModel();
  ModelGraph seed = handSeed();
  int i = 0;
  for (const ModelGraph* m : {&e.m, &seed}) {
    fs::path file = dir / ("g" + std::to_string(i++) + ".dot");
    writeFile(file, print(*m, PrintFormat::Dot));
    std::string cmd = "dot -Tsvg " + file.string() + " -o " + file.string() + ".svg 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << readFile(file);
    EXPECT_NE(readFile(file.string() + ".svg").find("<svg"), std::string::npos);
  }
  fs::remove_all(dir);
}

TEST(PrintDotTest, ShapesAndEdgeLabels) {
  ModelGraph m = handSeed();
  std::string dot = print(m, PrintFormat::Dot);
  EXPECT_NE(dot.find("shape=box"), std::string::npos);
  EXPECT_NE(dot.find("[label=\"x\", style=filled"), std::string::npos);
  EXPECT_NE(dot.find("\"l\\n*\""), std::string::npos) << dot;  // the hinted, shared node
  EXPECT_NE(dot.find("[label=\"1\"]"), std::string::npos);     // the exponent of ^
}

// ---------------------------------------------------------------------------------------
// Infix reads back as a model with the same values.

void expectInfixRoundTrip(const ModelGraph& m, const std::vector<std::vector<double>>& points) {
  std::string text;
  for (uint32_t v : m.inputs) text += "input " + m.graph.variables()[v].name + "\n";
  for (uint32_t v : m.params) text += "param " + m.graph.variables()[v].name + " = 0\n";
  text += print(m, PrintFormat::Infix);
  for (const ModelOutput& o : m.outputs) text += "output " + o.name + "\n";
  auto back = compile(text);
  ASSERT_TRUE(back) << text;
  const ModelGraph& r = back->simplified;
  ASSERT_EQ(r.outputs.size(), m.outputs.size());

  std::vector<NodeId> roots, backRoots;
  for (const ModelOutput& o : m.outputs) roots.push_back(o.node);
  for (const ModelOutput& o : r.outputs) backRoots.push_back(o.node);
  for (const auto& p : points) {
    std::vector<double> values(r.graph.variables().size(), 0);
    for (size_t i = 0; i < values.size(); ++i)
      for (size_t j = 0; j < m.graph.variables().size(); ++j)
        if (m.graph.variables()[j].name == r.graph.variables()[i].name) values[i] = p[j];
    std::vector<double> want = evaluate(m.graph, roots, p), got = evaluate(r.graph, backRoots, values);
    for (size_t k = 0; k < want.size(); ++k)
      EXPECT_TRUE(sameDouble(want[k], got[k]))
          << m.outputs[k].name << ": " << want[k] << " vs " << got[k] << "\n"
          << text;
  }
}

TEST(PrintInfixTest, SeedReadsBack) {
  auto compiled = compile(kSeedModel);
  ASSERT_TRUE(compiled);
  expectInfixRoundTrip(compiled->simplified, {{4, 3, 2, 6}, {-1.5, 0.25, 7, -3}});
}

TEST(PrintInfixTest, EveryOpReadsBack) {
  EveryOp e = everyOpModel();
  // inf and nan have no literal in the language: leave those outputs out.
  ModelGraph& m = e.m;
  std::erase_if(m.outputs, [](const ModelOutput& o) {
    return o.name == "max_inf" || o.name == "min_inf" || o.name == "plus_nan" || o.name == "where_true";
  });
  expectInfixRoundTrip(m, e.points);
}

// ---------------------------------------------------------------------------------------
// Depth: a 1,000,000-node chain prints in every format without recursion.

TEST(PrintDeepTest, MillionNodeChain) {
  Builder b;
  NodeId x = b.input("x"), y = b.input("y");
  NodeId n = x;
  constexpr int kDepth = 1000000;
  std::vector<NodeId> chainAt;
  for (int i = 0; i < kDepth; ++i) {
    chainAt.push_back(n);
    switch (i % 4) {
      case 0: n = b.f(Op::Sin, {n}); break;
      case 1: n = b.g.mul(n, y); break;
      case 2: n = b.g.sub(n, y); break;
      default: n = b.g.neg(n); break;
    }
  }
  b.output("deep", n);
  std::string infix = print(b.m, PrintFormat::Infix);
  EXPECT_GT(infix.size(), size_t{kDepth});
  EXPECT_EQ(infix.substr(0, 7), "deep = ");
  // The other formats share the writer; a shorter chain keeps the test quick.
  std::vector<size_t> second = {1};
  b.output("shallower", chainAt[kDepth / 5]);
  for (PrintFormat format : {PrintFormat::C, PrintFormat::Latex, PrintFormat::Dot})
    EXPECT_GT(printModel(b.m, second, format).size(), size_t{kDepth / 5});
}

}  // namespace
}  // namespace gradc
