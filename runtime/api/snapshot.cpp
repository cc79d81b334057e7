#include "runtime/api/snapshot.hpp"

#include "compiler/simplify/simplify.hpp"
#include "runtime/api/session.hpp"

namespace gradc::detail {

ModelGraph snapshot(const std::vector<Expr>& outputs, const std::vector<std::string>& names, bool keepBindings) {
  if (!names.empty() && names.size() != outputs.size())
    throw Error("gradc: " + std::to_string(names.size()) + " names for " + std::to_string(outputs.size()) + " outputs", {});
  std::shared_ptr<Session> session;
  for (const Expr& e : outputs) {
    const auto& s = Access::session(e);
    if (s && session && s != session)
      throw Error("gradc: the outputs of one kernel must come from one Builder or Model", {});
    if (s) session = s;
  }
  ModelGraph m;
  if (session) {
    // A copy: the session's graph goes on growing with later expressions.
    m.graph = session->model.graph;
    m.inputs = session->model.inputs;
    m.params = session->model.params;
    m.paramDefaults = session->model.paramDefaults;
    if (keepBindings) m.bindings = session->model.bindings;
  }
  for (size_t k = 0; k < outputs.size(); ++k) {
    const Expr& e = outputs[k];
    NodeId node = Access::session(e) ? Access::node(e) : m.graph.constant(Access::value(e));
    if (m.graph.type(node) == Type::Bool) throw Error("gradc: a comparison cannot be an output", {});
    m.outputs.push_back({names.empty() ? "out" + std::to_string(k) : names[k], node, 0, false});
  }
  return simplify(m);
}

}  // namespace gradc::detail
