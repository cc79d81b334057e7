#include "compiler/sema/analyze.hpp"

#include <algorithm>
#include <cassert>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "compiler/ad/reverse.hpp"
#include "compiler/diag/suggest.hpp"
#include "compiler/graph/op.hpp"
#include "compiler/graph/traversal.hpp"
#include "compiler/interp/evaluate.hpp"

namespace gradc {
namespace {

using ast::ExprId;

// Stands for the value of an expression that had an error: it propagates without
// further diagnostics, so one mistake gives one message.
constexpr NodeId kErrorNode = UINT32_MAX - 1;

// Defs instantiate their bodies recursively; this bounds that recursion.
constexpr int kMaxInlineDepth = 256;

enum class SymbolKind { Input, Param, Const, Binding, Function };

struct Symbol {
  SymbolKind kind = SymbolKind::Binding;
  NodeId node = kNoNode;                // Input, Param: variable node; Const: constant; Binding: binding node
  const ast::Statement* def = nullptr;  // Function
  uint32_t offset = 0;
};

const char* kindWord(SymbolKind kind) {
  switch (kind) {
    case SymbolKind::Input: return "an input";
    case SymbolKind::Param: return "a param";
    case SymbolKind::Const: return "a const";
    case SymbolKind::Binding: return "a binding";
    case SymbolKind::Function: return "a function";
  }
  return "a name";
}

// A def body's parameters: name -> the hidden binding holding the argument.
using LocalScope = std::unordered_map<std::string, NodeId>;

struct Context {
  const LocalScope* locals = nullptr;
  const ast::Statement* def = nullptr;  // the def whose body is being lowered
  bool constOnly = false;               // const values and param defaults
  int depth = 0;                        // def instantiation depth
};

class Analyzer {
 public:
  Analyzer(const ast::Model& syntax, const SourceFile& source, Diagnostics& diagnostics, size_t nodeLimit)
      : syntax_(syntax), source_(source), diags_(&diagnostics), differentiator_(model_.graph) {
    model_.graph.setNodeLimit(nodeLimit);
  }

  ModelGraph run();

 private:
  // Statements.
  void collectDeclarationSites();
  void declareInputs(const ast::Statement& s);
  void declareParams(const ast::Statement& s);
  void declareConsts(const ast::Statement& s);
  void declareBinding(const ast::Statement& s);
  void declareDef(const ast::Statement& s);
  void declareOutput(const ast::Statement& s);
  bool defineName(const std::string& name, uint32_t offset, Symbol symbol);
  NodeId bindValue(const std::string& name, uint32_t offset, NodeId value, bool usesGrad, ExprId written);
  bool writtenAsItsOp(ExprId written, NodeId value) const;

  // Expressions.
  NodeId lower(ExprId root, const Context& ctx);
  void pushValueChildren(const ast::Expr& e, std::vector<std::pair<ExprId, bool>>& work) const;
  size_t valueChildCount(const ast::Expr& e) const;
  NodeId finish(ExprId id, std::span<const NodeId> args, const Context& ctx);
  NodeId lowerName(const ast::Expr& e, const Context& ctx);
  NodeId lowerCall(const ast::Expr& e, std::span<const NodeId> args, const Context& ctx);
  NodeId lowerGrad(const ast::Expr& e, std::span<const NodeId> args, const Context& ctx);
  NodeId lowerDefCall(const ast::Expr& e, const Symbol& fn, std::span<const NodeId> args, const Context& ctx);
  NodeId resolveWithRespectTo(ExprId id, const Context& ctx);
  bool requireNumber(NodeId value, ExprId from);
  NodeId lowerNumber(ExprId root, const Context& ctx, const char* what);
  NodeId foldConstantBindings(NodeId value);
  void reportUnknownName(const ast::Expr& e, const Context& ctx, bool asFunction);
  void reportTooLarge(uint32_t offset, const std::string& what, const std::string& why,
                      const GraphTooLarge& limit);

  std::string lineOf(uint32_t offset) const { return std::to_string(source_.locate(offset).line); }
  std::string textOf(ast::Span span) const {
    std::string text = source_.text().substr(span.begin, std::min<uint32_t>(span.end - span.begin, 60));
    return span.end - span.begin > 60 ? text + "..." : text;
  }

  const ast::Model& syntax_;
  const SourceFile& source_;
  Diagnostics* diags_;
  ModelGraph model_;
  Differentiator differentiator_;
  std::unordered_map<std::string, Symbol> globals_;
  std::unordered_map<std::string, uint32_t> declarationSites_;  // first declaration of each name
  std::unordered_set<NodeId> gradBindings_;                     // bindings whose value uses grad
  std::unordered_set<std::string> outputNames_;
  size_t gradCount_ = 0;
  bool tooLarge_ = false;  // the graph hit its node limit: analysis stops
};

ModelGraph Analyzer::run() {
  collectDeclarationSites();
  for (const auto& s : syntax_.statements) {
    try {
      switch (s.kind) {
        case ast::StatementKind::Input: declareInputs(s); break;
        case ast::StatementKind::Param: declareParams(s); break;
        case ast::StatementKind::Const: declareConsts(s); break;
        case ast::StatementKind::Binding: declareBinding(s); break;
        case ast::StatementKind::Def: declareDef(s); break;
        case ast::StatementKind::Output: declareOutput(s); break;
      }
    } catch (const GraphTooLarge& limit) {
      // Not caught at a call or grad: the statement itself is that large.
      if (!tooLarge_) reportTooLarge(s.span.begin, "this statement", "", limit);
    }
    if (tooLarge_) break;  // every later node would fail too
  }
  return std::move(model_);
}

void Analyzer::collectDeclarationSites() {
  // Sized once: a model of a million nodes declares 300,000 names, and growing
  // the tables step by step rehashes them all, about an eighth of analysis there.
  size_t names = 0;
  for (const auto& s : syntax_.statements) names += s.declarators.size() + 1;
  declarationSites_.reserve(names);
  globals_.reserve(names);
  auto note = [&](const std::string& name, ast::Span span) { declarationSites_.emplace(name, span.begin); };
  for (const auto& s : syntax_.statements) {
    for (const auto& d : s.declarators) note(d.name, d.nameSpan);
    if (s.kind != ast::StatementKind::Output || s.value != ast::kNoExpr) note(s.name, s.nameSpan);
  }
}

bool Analyzer::defineName(const std::string& name, uint32_t offset, Symbol symbol) {
  if (auto found = globals_.find(name); found != globals_.end()) {
    diags_->error(offset, "`" + name + "` is already defined (as " + kindWord(found->second.kind) +
                              " at line " + lineOf(found->second.offset) +
                              "); a name can be defined only once");
    return false;
  }
  symbol.offset = offset;
  globals_.emplace(name, symbol);
  return true;
}

void Analyzer::declareInputs(const ast::Statement& s) {
  for (const auto& d : s.declarators) {
    uint32_t var = model_.graph.addVariable(d.name, VariableKind::Input);
    if (defineName(d.name, d.nameSpan.begin, {SymbolKind::Input, model_.graph.variable(var)}))
      model_.inputs.push_back(var);
  }
}

void Analyzer::declareParams(const ast::Statement& s) {
  for (const auto& d : s.declarators) {
    NodeId value = lowerNumber(d.value, Context{.constOnly = true}, "a param's default");
    uint32_t var = model_.graph.addVariable(d.name, VariableKind::Param);
    if (defineName(d.name, d.nameSpan.begin, {SymbolKind::Param, model_.graph.variable(var)})) {
      model_.params.push_back(var);
      auto v = value == kErrorNode ? std::nullopt : model_.graph.constantValue(value);
      model_.paramDefaults.push_back(v.value_or(0));
    }
  }
}

void Analyzer::declareConsts(const ast::Statement& s) {
  for (const auto& d : s.declarators) {
    NodeId value = lowerNumber(d.value, Context{.constOnly = true}, "a const");
    defineName(d.name, d.nameSpan.begin, {SymbolKind::Const, value});
  }
}

// Whether the formula as written has the op the graph made of it on top: only then
// does the binding name that op's result for the derivative rules (PyTorch saves
// the result of `exp(v)`, not of `-(-exp(v))` or of a grad that simplified to one).
bool Analyzer::writtenAsItsOp(ExprId written, NodeId value) const {
  const ast::Expr& e = syntax_.expr(written);
  Op op = model_.graph.op(value);
  if (e.kind == ast::ExprKind::Binary) return e.op == ast::Operator::Pow && op == Op::Pow;
  if (e.kind != ast::ExprKind::Call) return false;
  auto called = builtinFunction(e.text);
  return called && *called == op;
}

NodeId Analyzer::bindValue(const std::string& name, uint32_t offset, NodeId value, bool usesGrad,
                           ExprId written) {
  NodeId node = value;
  if (value != kErrorNode) {
    uint32_t index = model_.graph.addBinding(name, false, writtenAsItsOp(written, value));
    node = model_.graph.binding(index, value);
    model_.bindings.push_back({name, node, offset});
    if (usesGrad) gradBindings_.insert(node);
  }
  defineName(name, offset, {SymbolKind::Binding, node});
  return node;
}

void Analyzer::declareBinding(const ast::Statement& s) {
  size_t gradsBefore = gradCount_;
  NodeId value = lowerNumber(s.value, Context{}, "a binding");
  bindValue(s.name, s.nameSpan.begin, value, gradCount_ != gradsBefore, s.value);
}

void Analyzer::declareDef(const ast::Statement& s) {
  // Check the body once, here, with placeholder arguments: every mistake in it is
  // reported at its own position, once, whatever the number of calls.
  std::unordered_set<std::string> seen;
  LocalScope locals;
  for (const auto& p : s.parameters) {
    if (!seen.insert(p.name).second) {
      diags_->error(p.nameSpan.begin, "parameter `" + p.name + "` appears twice in `" + s.name + "`");
      continue;
    }
    uint32_t index = model_.graph.addBinding(p.name, /*hidden=*/true);
    locals.emplace(p.name, model_.graph.binding(index, model_.graph.constant(0)));
  }
  size_t errorsBefore = diags_->errorCount();
  lower(s.value, Context{.locals = &locals, .def = &s});
  Symbol fn{SymbolKind::Function};
  fn.def = diags_->errorCount() == errorsBefore ? &s : nullptr;  // a broken def is not expanded
  defineName(s.name, s.nameSpan.begin, fn);
}

void Analyzer::declareOutput(const ast::Statement& s) {
  if (!outputNames_.insert(s.name).second) {
    diags_->error(s.nameSpan.begin, "output `" + s.name + "` is declared twice");
    return;
  }
  NodeId node;
  bool usesGrad = false;
  if (s.value == ast::kNoExpr) {
    auto found = globals_.find(s.name);
    if (found == globals_.end() || found->second.kind == SymbolKind::Function) {
      ast::Expr name;
      name.kind = ast::ExprKind::Name;
      name.text = s.name;
      name.span = s.nameSpan;
      if (found == globals_.end())
        reportUnknownName(name, Context{}, false);
      else
        diags_->error(s.nameSpan.begin, "`" + s.name + "` is a function; only values can be outputs");
      return;
    }
    node = found->second.node;
    usesGrad = gradBindings_.count(node) > 0;
  } else {
    size_t gradsBefore = gradCount_;
    NodeId value = lowerNumber(s.value, Context{}, "an output");
    usesGrad = gradCount_ != gradsBefore;
    node = bindValue(s.name, s.nameSpan.begin, value, usesGrad, s.value);
  }
  if (node != kErrorNode) model_.outputs.push_back({s.name, node, s.nameSpan.begin, usesGrad});
}

// ---------------------------------------------------------------- expressions

// A def called in a constant expression wraps its arguments in hidden bindings,
// which canonicalisation does not fold through: with no variable below, the value
// is a constant all the same, so compute it.
NodeId Analyzer::foldConstantBindings(NodeId value) {
  const Graph& g = model_.graph;
  for (NodeId n : topologicalOrder(g, std::span(&value, 1)))
    if (g.op(n) == Op::Variable) return value;
  return model_.graph.constant(evaluate(g, std::span(&value, 1), {})[0]);
}

NodeId Analyzer::lowerNumber(ExprId root, const Context& ctx, const char* what) {
  if (root == ast::kNoExpr) return kErrorNode;
  NodeId value = lower(root, ctx);
  if (!requireNumber(value, root)) return kErrorNode;
  if (ctx.constOnly && model_.graph.op(value) != Op::Const) value = foldConstantBindings(value);
  if (ctx.constOnly && model_.graph.op(value) != Op::Const) {
    diags_->error(syntax_.expr(root).span.begin, std::string(what) + " must be a constant expression");
    return kErrorNode;
  }
  return value;
}

bool Analyzer::requireNumber(NodeId value, ExprId from) {
  if (value == kErrorNode) return false;
  if (model_.graph.type(value) == Type::Real) return true;
  const ast::Expr& e = syntax_.expr(from);
  uint32_t at = e.kind == ast::ExprKind::Binary ? e.opSpan.begin : e.span.begin;
  diags_->error(at, "a comparison is not a number; it can only be the condition of `where`");
  return false;
}

size_t Analyzer::valueChildCount(const ast::Expr& e) const {
  if (e.kind == ast::ExprKind::Call && e.text == "grad") return e.args.empty() ? 0 : 1;
  return e.args.size();
}

// Lowers an expression tree with an explicit worklist: a 1 MB line `x+x+...` is a
// left-deep tree 250,000 levels deep.
NodeId Analyzer::lower(ExprId root, const Context& ctx) {
  std::vector<std::pair<ExprId, bool>> work{{root, false}};  // (expr, children done)
  std::vector<NodeId> values;
  while (!work.empty()) {
    auto [id, childrenDone] = work.back();
    work.pop_back();
    const ast::Expr& e = syntax_.expr(id);
    size_t count = valueChildCount(e);
    if (!childrenDone) {
      work.emplace_back(id, true);
      for (size_t i = count; i-- > 0;) work.emplace_back(e.args[i], false);
      continue;
    }
    std::vector<NodeId> args(values.end() - static_cast<ptrdiff_t>(count), values.end());
    values.resize(values.size() - count);
    values.push_back(finish(id, args, ctx));
  }
  assert(values.size() == 1);
  return values.back();
}

NodeId Analyzer::finish(ExprId id, std::span<const NodeId> args, const Context& ctx) {
  const ast::Expr& e = syntax_.expr(id);
  Graph& g = model_.graph;
  switch (e.kind) {
    case ast::ExprKind::Number: return g.constant(e.number);
    case ast::ExprKind::Name: return lowerName(e, ctx);
    case ast::ExprKind::Unary:
      if (!requireNumber(args[0], e.args[0])) return kErrorNode;
      return e.op == ast::Operator::Neg ? g.neg(args[0]) : args[0];
    case ast::ExprKind::Binary: {
      bool ok = requireNumber(args[0], e.args[0]);
      ok = requireNumber(args[1], e.args[1]) && ok;
      if (!ok) return kErrorNode;
      static constexpr Op kBinary[] = {Op::Neg, Op::Neg, Op::Add, Op::Sub, Op::Mul, Op::Div, Op::Pow,
                                       Op::Lt,  Op::Le,  Op::Gt,  Op::Ge,  Op::Eq,  Op::Ne};
      return g.make(kBinary[static_cast<size_t>(e.op)], {args[0], args[1]});
    }
    case ast::ExprKind::Call: return lowerCall(e, args, ctx);
  }
  return kErrorNode;
}

void Analyzer::reportUnknownName(const ast::Expr& e, const Context& ctx, bool asFunction) {
  std::vector<std::string> candidates;
  if (ctx.locals)
    for (const auto& [name, node] : *ctx.locals) candidates.push_back(name);
  for (const auto& [name, symbol] : globals_)
    if ((symbol.kind == SymbolKind::Function) == asFunction) candidates.push_back(name);
  if (asFunction) {
    for (int i = 0; i < kOpCount; ++i)
      if (opInfo(static_cast<Op>(i)).kind == OpKind::Function)
        candidates.emplace_back(opInfo(static_cast<Op>(i)).spelling);
    candidates.emplace_back("pow");
    candidates.emplace_back("grad");
  }
  std::sort(candidates.begin(), candidates.end());  // deterministic among equal distances
  std::string message = asFunction ? "unknown function `" + e.text + "`" : "undefined name `" + e.text + "`";
  auto later = declarationSites_.find(e.text);
  if (!asFunction && later != declarationSites_.end() && later->second > e.span.begin)
    message = "`" + e.text + "` is used before it is defined (at line " + lineOf(later->second) + ")";
  else if (auto suggestion = closestName(e.text, candidates))
    message += "; did you mean `" + *suggestion + "`?";
  diags_->error(asFunction ? e.opSpan.begin : e.span.begin, message);
}

void Analyzer::reportTooLarge(uint32_t offset, const std::string& what, const std::string& why,
                              const GraphTooLarge& limit) {
  tooLarge_ = true;
  diags_->error(offset, what + " makes the graph larger than gradc's limit of " +
                            std::to_string(limit.limit()) + " nodes" + why +
                            "; raise the limit with --max-nodes");
}

NodeId Analyzer::lowerName(const ast::Expr& e, const Context& ctx) {
  if (ctx.locals)
    if (auto found = ctx.locals->find(e.text); found != ctx.locals->end()) return found->second;
  auto found = globals_.find(e.text);
  if (found == globals_.end()) {
    if (builtinFunction(e.text) || e.text == "grad")
      diags_->error(e.span.begin,
                    "`" + e.text + "` is a built-in function; call it as `" + e.text + "(...)`");
    else
      reportUnknownName(e, ctx, false);
    return kErrorNode;
  }
  const Symbol& symbol = found->second;
  if (symbol.kind == SymbolKind::Function) {
    diags_->error(e.span.begin, "`" + e.text + "` is a function; call it as `" + e.text + "(...)`");
    return kErrorNode;
  }
  if (ctx.constOnly && symbol.kind != SymbolKind::Const) {
    diags_->error(e.span.begin, "`" + e.text + "` is " + kindWord(symbol.kind) +
                                    "; a constant expression may use only numbers and consts");
    return kErrorNode;
  }
  if (symbol.node != kErrorNode && gradBindings_.count(symbol.node)) ++gradCount_;
  return symbol.node;
}

NodeId Analyzer::lowerCall(const ast::Expr& e, std::span<const NodeId> args, const Context& ctx) {
  if (e.text == "grad") return lowerGrad(e, args, ctx);
  if (auto op = builtinFunction(e.text)) {
    int arity = opInfo(*op).arity;
    if (arity >= 0 && e.args.size() != static_cast<size_t>(arity)) {
      diags_->error(e.opSpan.begin, "`" + e.text + "` takes " + std::to_string(arity) + " argument" +
                                        (arity == 1 ? "" : "s") + ", got " + std::to_string(e.args.size()));
      return kErrorNode;
    }
    if (arity < 0 && e.args.empty()) {
      diags_->error(e.opSpan.begin, "`" + e.text + "` takes at least one argument");
      return kErrorNode;
    }
    bool ok = true;
    for (size_t i = 0; i < args.size(); ++i) {
      if (*op == Op::Where && i == 0) {
        if (args[0] == kErrorNode)
          ok = false;
        else if (model_.graph.type(args[0]) != Type::Bool) {
          diags_->error(syntax_.expr(e.args[0]).span.begin,
                        "the condition of `where` must be a comparison, such as `x > 0`");
          ok = false;
        }
        continue;
      }
      ok = requireNumber(args[i], e.args[i]) && ok;
    }
    return ok ? model_.graph.make(*op, args) : kErrorNode;
  }
  if (ctx.locals && ctx.locals->count(e.text)) {
    diags_->error(e.opSpan.begin, "`" + e.text + "` is a parameter of this def, not a function");
    return kErrorNode;
  }
  if (ctx.def && e.text == ctx.def->name) {
    diags_->error(e.opSpan.begin,
                  "`" + e.text + "` calls itself; a def cannot be recursive (defs are inlined)");
    return kErrorNode;
  }
  auto found = globals_.find(e.text);
  if (found == globals_.end()) {
    reportUnknownName(e, ctx, true);
    return kErrorNode;
  }
  if (found->second.kind != SymbolKind::Function) {
    diags_->error(e.opSpan.begin, "`" + e.text + "` is " + kindWord(found->second.kind) + ", not a function");
    return kErrorNode;
  }
  return lowerDefCall(e, found->second, args, ctx);
}

NodeId Analyzer::lowerDefCall(const ast::Expr& e, const Symbol& fn, std::span<const NodeId> args,
                              const Context& ctx) {
  if (!fn.def) return kErrorNode;  // its body had errors, reported at the def
  const ast::Statement& def = *fn.def;
  if (args.size() != def.parameters.size()) {
    diags_->error(e.opSpan.begin, "`" + e.text + "` takes " + std::to_string(def.parameters.size()) +
                                      " argument" + (def.parameters.size() == 1 ? "" : "s") + ", got " +
                                      std::to_string(args.size()));
    return kErrorNode;
  }
  bool ok = true;
  for (size_t i = 0; i < args.size(); ++i) ok = requireNumber(args[i], e.args[i]) && ok;
  if (!ok) return kErrorNode;
  if (ctx.depth >= kMaxInlineDepth) {
    diags_->error(e.opSpan.begin, "defs call each other more than " + std::to_string(kMaxInlineDepth) +
                                      " levels deep here; gradc stops inlining");
    return kErrorNode;
  }
  // Each argument becomes a hidden binding, so that grad(body, parameter) inside the
  // def differentiates with respect to the value passed in.
  LocalScope locals;
  for (size_t i = 0; i < args.size(); ++i) {
    uint32_t index = model_.graph.addBinding(def.parameters[i].name, /*hidden=*/true);
    locals.emplace(def.parameters[i].name, model_.graph.binding(index, args[i]));
  }
  // The body was checked at the def; its warnings were given there. What can still
  // fail is a const context (a def using an input, called in a const): report that
  // here, at the call.
  Diagnostics scratch;
  Diagnostics* outer = diags_;
  diags_ = &scratch;
  NodeId body = kErrorNode;
  try {
    body = lower(def.value, Context{&locals, &def, ctx.constOnly, ctx.depth + 1});
  } catch (const GraphTooLarge& limit) {
    diags_ = outer;
    // Report at the call the user wrote, not deep inside the defs it expands to.
    if (ctx.depth > 0 || tooLarge_) throw;
    reportTooLarge(e.opSpan.begin, "this call of `" + def.name + "`",
                   " (defs are inlined: each call copies the body of the def and of every def it calls)",
                   limit);
    return kErrorNode;
  }
  diags_ = outer;
  for (const auto& d : scratch.all())
    if (d.severity == Severity::Error) {
      // Calls nested in calls report the innermost cause once, not a prefix per level.
      std::string cause = d.message;
      while (cause.starts_with("in this call of `")) cause = cause.substr(cause.find("`: ") + 3);
      diags_->error(e.opSpan.begin, "in this call of `" + def.name + "`: " + cause);
      return kErrorNode;
    }
  return body;
}

NodeId Analyzer::resolveWithRespectTo(ExprId id, const Context& ctx) {
  const ast::Expr& e = syntax_.expr(id);
  if (e.kind != ast::ExprKind::Name) {
    diags_->error(e.span.begin,
                  "the second argument of `grad` must be the name of an input, param or binding");
    return kErrorNode;
  }
  if (ctx.locals)
    if (auto found = ctx.locals->find(e.text); found != ctx.locals->end()) return found->second;
  auto found = globals_.find(e.text);
  if (found == globals_.end()) {
    reportUnknownName(e, ctx, false);
    return kErrorNode;
  }
  switch (found->second.kind) {
    case SymbolKind::Const:
      diags_->error(e.span.begin, "cannot differentiate with respect to const `" + e.text +
                                      "`: a constant has no derivative (make it a param)");
      return kErrorNode;
    case SymbolKind::Function:
      diags_->error(e.span.begin, "cannot differentiate with respect to function `" + e.text + "`");
      return kErrorNode;
    case SymbolKind::Input:
    case SymbolKind::Param:
    case SymbolKind::Binding: return found->second.node;
  }
  return kErrorNode;
}

NodeId Analyzer::lowerGrad(const ast::Expr& e, std::span<const NodeId> args, const Context& ctx) {
  ++gradCount_;
  if (e.args.size() != 2) {
    diags_->error(e.opSpan.begin, "`grad` takes 2 arguments (an expression and a name), got " +
                                      std::to_string(e.args.size()));
    return kErrorNode;
  }
  NodeId wrt = resolveWithRespectTo(e.args[1], ctx);
  if (!requireNumber(args[0], e.args[0]) || wrt == kErrorNode) return kErrorNode;
  NodeId result = kErrorNode;
  try {
    if (auto derivative = differentiator_.gradient(args[0], wrt)) result = *derivative;
  } catch (const GraphTooLarge& limit) {
    if (ctx.depth > 0 || tooLarge_) throw;  // reported at the def call that holds it
    reportTooLarge(e.opSpan.begin, "this `grad`", "", limit);
    return kErrorNode;
  }
  bool placeholder = ctx.def && ctx.depth == 0;  // checking a def body, not a real call
  if (!placeholder)
    model_.grads.push_back({args[0], wrt, result == kErrorNode ? model_.graph.constant(0) : result,
                            e.opSpan.begin, textOf(e.span)});
  if (result != kErrorNode) return result;
  const ast::Expr& of = syntax_.expr(e.args[0]);
  diags_->warning(e.opSpan.begin, "`" + textOf(of.span) + "` does not depend on `" +
                                      syntax_.expr(e.args[1]).text + "`; its derivative is 0");
  return model_.graph.constant(0);
}

}  // namespace

ModelGraph analyze(const ast::Model& syntax, const SourceFile& source, Diagnostics& diagnostics,
                   size_t nodeLimit) {
  return Analyzer(syntax, source, diagnostics, nodeLimit).run();
}

}  // namespace gradc
