// What the public API's handles share: one graph and its differentiator, and the
// model's declarations. Internal to the library.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/ad/reverse.hpp"
#include "compiler/sema/model.hpp"
#include "gradc/gradc.hpp"

namespace gradc::detail {

struct Session {
  ModelGraph model;  // graph, inputs, params, defaults; outputs unused here
  Differentiator differentiator{model.graph};
  std::unordered_map<std::string, NodeId> names;  // inputs, params, bindings, outputs
  std::vector<std::string> outputNames;
  std::vector<NodeId> outputNodes;

  Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
};

struct Access {
  static Expr make(std::shared_ptr<Session> s, NodeId node) { return Expr(std::move(s), node); }
  static const std::shared_ptr<Session>& session(const Expr& e) { return e.session_; }
  static NodeId node(const Expr& e) { return e.node_; }
  static double value(const Expr& e) { return e.value_; }
};

}  // namespace gradc::detail
