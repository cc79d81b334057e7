// Builder and Model of the public API, and formula printing.
#include "compiler/diag/diagnostic.hpp"
#include "compiler/driver/compile.hpp"
#include "compiler/print/print.hpp"
#include "compiler/simplify/simplify.hpp"
#include "gradc/gradc.hpp"
#include "runtime/api/session.hpp"
#include "runtime/api/snapshot.hpp"

#include <fstream>
#include <iterator>

namespace gradc {

using detail::Access;
using detail::Session;

namespace {
[[noreturn]] void misuse(const std::string& message) { throw Error("gradc: " + message, {}); }

void checkNewName(const Session& s, const std::string& name) {
  if (name.empty()) misuse("a name must not be empty");
  if (s.names.count(name)) misuse("'" + name + "' is already defined");
}
}  // namespace

Builder::Builder() : session_(std::make_shared<Session>()) {}

Expr Builder::input(const std::string& name) {
  checkNewName(*session_, name);
  Graph& g = session_->model.graph;
  uint32_t v = g.addVariable(name, VariableKind::Input);
  session_->model.inputs.push_back(v);
  NodeId node = g.variable(v);
  session_->names.emplace(name, node);
  return Access::make(session_, node);
}

Expr Builder::param(const std::string& name, double defaultValue) {
  checkNewName(*session_, name);
  Graph& g = session_->model.graph;
  uint32_t v = g.addVariable(name, VariableKind::Param);
  session_->model.params.push_back(v);
  session_->model.paramDefaults.push_back(defaultValue);
  NodeId node = g.variable(v);
  session_->names.emplace(name, node);
  return Access::make(session_, node);
}

Expr Builder::name(const std::string& name, const Expr& value) {
  checkNewName(*session_, name);
  if (Access::session(value) && Access::session(value) != session_)
    misuse("expressions from two different Builders or Models cannot be combined");
  Graph& g = session_->model.graph;
  NodeId formula = Access::session(value) ? Access::node(value) : g.constant(Access::value(value));
  if (g.type(formula) == Type::Bool) misuse("a comparison cannot be named; use it in where()");
  NodeId node = g.binding(g.addBinding(name), formula);
  session_->model.bindings.push_back({name, node, 0});
  session_->names.emplace(name, node);
  return Access::make(session_, node);
}

Model Model::parse(const std::string& text, const std::string& fileName) {
  SourceFile source(fileName, text);
  Diagnostics diagnostics;
  auto compiled = compileModel(source, diagnostics);
  if (!compiled) throw Error(formatDiagnostics(source, diagnostics.all()), diagnostics.all());
  Model m;
  m.session_ = std::make_shared<Session>();
  Session& s = *m.session_;
  s.model = std::move(compiled->analyzed);
  const Graph& g = s.model.graph;
  for (uint32_t v : s.model.inputs) s.names.emplace(g.variables()[v].name, s.model.graph.variable(v));
  for (uint32_t v : s.model.params) s.names.emplace(g.variables()[v].name, s.model.graph.variable(v));
  for (const auto& b : s.model.bindings) s.names.emplace(b.name, b.node);
  for (const auto& o : s.model.outputs) {
    s.names.emplace(o.name, o.node);
    s.outputNames.push_back(o.name);
    s.outputNodes.push_back(o.node);
  }
  for (const auto& d : diagnostics.all())
    if (d.severity == Severity::Warning) m.warnings_.push_back(formatDiagnostic(source, d));
  return m;
}

Model Model::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) misuse("cannot read '" + path + "'");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse(text, path);
}

Expr Model::operator[](const std::string& name) const {
  auto found = session_->names.find(name);
  if (found == session_->names.end()) misuse("the model has no input, param, binding or output named '" + name + "'");
  return Access::make(session_, found->second);
}

std::vector<std::string> Model::inputNames() const {
  std::vector<std::string> names;
  for (uint32_t v : session_->model.inputs) names.push_back(session_->model.graph.variables()[v].name);
  return names;
}

std::vector<std::string> Model::paramNames() const {
  std::vector<std::string> names;
  for (uint32_t v : session_->model.params) names.push_back(session_->model.graph.variables()[v].name);
  return names;
}

std::vector<double> Model::paramDefaults() const { return session_->model.paramDefaults; }
std::vector<std::string> Model::outputNames() const { return session_->outputNames; }

std::vector<Expr> Model::outputs() const {
  std::vector<Expr> out;
  for (NodeId n : session_->outputNodes) out.push_back(Access::make(session_, n));
  return out;
}

std::string formula(const Expr& value, const std::string& name, Format format) {
  ModelGraph simplified = detail::snapshot({value}, {name}, /*keepBindings=*/true);
  static constexpr PrintFormat kFormats[] = {PrintFormat::Infix, PrintFormat::Latex, PrintFormat::C, PrintFormat::Dot};
  size_t only = 0;
  return printModel(simplified, std::span(&only, 1), kFormats[static_cast<int>(format)]);
}

}  // namespace gradc
