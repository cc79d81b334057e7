// A model after semantic analysis: its graph and the named things a caller reaches.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/graph/graph.hpp"

namespace gradc {

struct NamedNode {
  std::string name;
  NodeId node = kNoNode;
  uint32_t offset = 0;  // where it is declared in the source
};

struct ModelOutput {
  std::string name;
  NodeId node = kNoNode;
  uint32_t offset = 0;
  bool usesGrad = false;  // the output's formula contains a derivative
};

// One `grad(of, wrt)` taken while analysing (before simplification), for `gradc check`.
struct GradRecord {
  NodeId of = kNoNode;
  NodeId wrt = kNoNode;
  NodeId result = kNoNode;
  uint32_t offset = 0;  // the `grad` token
  std::string text;     // as written, for messages
};

struct ModelGraph {
  Graph graph;
  std::vector<uint32_t> inputs;       // variable indices, in declaration order
  std::vector<uint32_t> params;       // variable indices, in declaration order
  std::vector<double> paramDefaults;  // parallel to params
  std::vector<NamedNode> bindings;    // user bindings, in declaration order
  std::vector<ModelOutput> outputs;   // in declaration order
  // After simplification: a readable name for some nodes (a binding's formula),
  // which printers use for shared parts.
  std::unordered_map<NodeId, std::string> nameHints;
  // Before simplification: every grad taken, in source order (not inside def checks).
  std::vector<GradRecord> grads;
};

}  // namespace gradc
