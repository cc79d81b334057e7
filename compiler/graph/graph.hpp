// The expression graph: one arena of immutable, interned nodes per compilation.
//
// A node is an op, a type, its operands and a payload (a constant's value, a
// variable's or binding's index). Building a node interns it: equal nodes get one
// id, which gives common-subexpression sharing by construction and memo tables
// that are plain vectors indexed by NodeId. Nodes are canonicalised as they are
// built (see canonicalize.cpp), using only rewrites that keep every finite result.
//
// Operands always have smaller ids than the node that uses them, so increasing id
// order is a topological order.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "compiler/graph/op.hpp"
#include "gradc/error.hpp"

namespace gradc {

using NodeId = uint32_t;
inline constexpr NodeId kNoNode = UINT32_MAX;

// Scalars now; the type lives in the node so that shapes can be added later.
enum class Type : uint8_t { Real, Bool };

struct Node {
  Op op = Op::Const;
  Type type = Type::Real;
  uint32_t firstArg = 0;  // into Graph's operand list
  uint32_t argCount = 0;
  uint32_t payload = 0;  // Variable: variable index; Binding: binding index
  double value = 0;      // Const only
};

// A compilation stops with a diagnostic at this many nodes instead of exhausting
// memory: defs are inlined and nested grads multiply, so a few lines can ask for
// billions of nodes. A compilation peaks at about 110 bytes a node (graph, its
// derivatives and the simplified copy), so the default is about 1 GB.
inline constexpr size_t kDefaultNodeLimit = 10'000'000;

// Thrown by a Graph asked for a node past its limit. Analysis turns it into a
// diagnostic at the call or grad that grew the graph; the C++ API lets it through
// as a gradc::Error.
class GraphTooLarge : public Error {
 public:
  explicit GraphTooLarge(size_t limit);
  size_t limit() const { return limit_; }

 private:
  size_t limit_;
};

enum class VariableKind : uint8_t { Input, Param };

struct Variable {
  std::string name;
  VariableKind kind = VariableKind::Input;
};

// A named intermediate value. `hidden` bindings are the ones gradc makes itself
// (a def's arguments), which printers never show by name.
struct BindingInfo {
  std::string name;
  bool hidden = false;
  // False when the binding's formula was written as something else than the op it
  // canonicalised to (`-(-exp(v))`, a grad): then no op's saved result is named by
  // it (see savesResult in ad/derivative_rules.hpp).
  bool namesOpResult = true;
};

class Graph {
 public:
  Graph();

  void setNodeLimit(size_t limit) { nodeLimit_ = limit; }
  size_t nodeLimit() const { return nodeLimit_; }

  // Symbol tables.
  uint32_t addVariable(std::string name, VariableKind kind);
  uint32_t addBinding(std::string name, bool hidden = false, bool namesOpResult = true);
  const std::vector<Variable>& variables() const { return variables_; }
  const std::vector<BindingInfo>& bindings() const { return bindings_; }

  // Builders. All of them intern; make() also canonicalises.
  NodeId constant(double value);
  NodeId boolean(bool value);
  NodeId variable(uint32_t variableIndex);
  NodeId binding(uint32_t bindingIndex, NodeId formula);
  NodeId make(Op op, std::span<const NodeId> args);
  NodeId make(Op op, std::initializer_list<NodeId> args) {
    return make(op, std::span(args.begin(), args.size()));
  }

  NodeId add(NodeId a, NodeId b) { return make(Op::Add, {a, b}); }
  NodeId sub(NodeId a, NodeId b) { return make(Op::Sub, {a, b}); }
  NodeId mul(NodeId a, NodeId b) { return make(Op::Mul, {a, b}); }
  NodeId div(NodeId a, NodeId b) { return make(Op::Div, {a, b}); }
  NodeId pow(NodeId a, NodeId b) { return make(Op::Pow, {a, b}); }
  NodeId neg(NodeId a) { return make(Op::Neg, {a}); }
  NodeId where(NodeId c, NodeId a, NodeId b) { return make(Op::Where, {c, a, b}); }

  // Interns exactly this node, with no canonicalisation (for passes that copy graphs).
  NodeId intern(Op op, std::span<const NodeId> args, uint32_t payload = 0, double value = 0);

  // Access.
  size_t size() const { return nodes_.size(); }
  const Node& node(NodeId id) const { return nodes_[id]; }
  Op op(NodeId id) const { return nodes_[id].op; }
  Type type(NodeId id) const { return nodes_[id].type; }
  std::span<const NodeId> args(NodeId id) const {
    const Node& n = nodes_[id];
    return {operands_.data() + n.firstArg, n.argCount};
  }
  NodeId arg(NodeId id, size_t i) const { return operands_[nodes_[id].firstArg + i]; }
  std::optional<double> constantValue(NodeId id) const;
  bool isConstant(NodeId id, double value) const;  // by ==, so 0 matches -0 too
  bool isNegativeZero(NodeId id) const;

 private:
  NodeId canonicalize(Op op, std::span<const NodeId> args);
  NodeId canonicalizeAdd(NodeId a, NodeId b);
  NodeId canonicalizeSub(NodeId a, NodeId b);
  NodeId canonicalizeMul(NodeId a, NodeId b);
  NodeId canonicalizeDiv(NodeId a, NodeId b);
  NodeId canonicalizeNeg(NodeId a);
  NodeId canonicalizePow(NodeId a, NodeId b);
  NodeId foldConstants(Op op, std::span<const NodeId> args);
  NodeId internOrdered(Op op, NodeId a, NodeId b);
  uint64_t hashOf(const Node& n, std::span<const NodeId> args) const;
  bool sameNode(NodeId id, const Node& n, std::span<const NodeId> args) const;
  void growTable();

  std::vector<Node> nodes_;
  std::vector<NodeId> operands_;
  std::vector<uint64_t> hashes_;  // per node
  // Open addressing: each entry is a node id in the low 32 bits and the high 32 bits
  // of its hash above them (kEmptyEntry = empty), so that a probe past other nodes
  // reads nothing but the table (a graph of a million nodes is far larger than the
  // caches, and most probes meet other nodes).
  std::vector<uint64_t> table_;
  static constexpr uint64_t kEmptyEntry = UINT64_MAX;
  std::vector<Variable> variables_;
  std::vector<BindingInfo> bindings_;
  size_t nodeLimit_ = kDefaultNodeLimit;
};

}  // namespace gradc
