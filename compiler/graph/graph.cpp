#include "compiler/graph/graph.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstring>

namespace gradc {

static uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdULL;
}

// NaNs intern as one constant; +0 and -0 stay apart.
static uint64_t constantBits(double v) {
  if (std::isnan(v)) v = std::numeric_limits<double>::quiet_NaN();
  return std::bit_cast<uint64_t>(v);
}

GraphTooLarge::GraphTooLarge(size_t limit)
    : Error("gradc: the graph would grow past " + std::to_string(limit) + " nodes", {}), limit_(limit) {}

Graph::Graph() { table_.assign(1024, kEmptyEntry); }

uint32_t Graph::addVariable(std::string name, VariableKind kind) {
  variables_.push_back({std::move(name), kind});
  return static_cast<uint32_t>(variables_.size() - 1);
}

uint32_t Graph::addBinding(std::string name, bool hidden, bool namesOpResult) {
  bindings_.push_back({std::move(name), hidden, namesOpResult});
  return static_cast<uint32_t>(bindings_.size() - 1);
}

uint64_t Graph::hashOf(const Node& n, std::span<const NodeId> args) const {
  uint64_t h = mix(static_cast<uint64_t>(n.op), static_cast<uint64_t>(n.type));
  h = mix(h, n.payload);
  h = mix(h, constantBits(n.value));
  for (NodeId a : args) h = mix(h, a);
  // Finalise (splitmix64): the multiply in mix() leaves the low bits depending only
  // on the inputs' low bits, and an integer-valued double has its low bits zero;
  // the table indexes by the low bits, so without this those constants collide.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

bool Graph::sameNode(NodeId id, const Node& n, std::span<const NodeId> args) const {
  const Node& m = nodes_[id];
  if (m.op != n.op || m.type != n.type || m.payload != n.payload || m.argCount != args.size() ||
      constantBits(m.value) != constantBits(n.value))
    return false;
  return args.empty() ||  // memcmp must not see the null data() of an empty span
         std::memcmp(operands_.data() + m.firstArg, args.data(), args.size() * sizeof(NodeId)) == 0;
}

namespace {
uint64_t tableEntry(NodeId id, uint64_t hash) { return (hash & 0xffffffff00000000ULL) | id; }
}  // namespace

void Graph::growTable() {
  std::vector<uint64_t> bigger(table_.size() * 2, kEmptyEntry);
  size_t mask = bigger.size() - 1;
  for (NodeId id = 0; id < nodes_.size(); ++id) {
    size_t slot = hashes_[id] & mask;
    while (bigger[slot] != kEmptyEntry) slot = (slot + 1) & mask;
    bigger[slot] = tableEntry(id, hashes_[id]);
  }
  table_ = std::move(bigger);
}

NodeId Graph::intern(Op op, std::span<const NodeId> args, uint32_t payload, double value) {
  Node n;
  n.op = op;
  n.type = isComparison(op) ? Type::Bool : Type::Real;
  n.payload = payload;
  n.value = op == Op::Const ? value : 0;
  if (op == Op::Const) n.type = payload == 1 ? Type::Bool : Type::Real;  // payload marks a boolean constant
  assert(std::all_of(args.begin(), args.end(), [&](NodeId a) { return a < nodes_.size(); }) &&
         "operands must exist before their users");
  uint64_t h = hashOf(n, args);
  size_t mask = table_.size() - 1;
  size_t slot = h & mask;
  uint64_t tag = tableEntry(0, h);
  while (table_[slot] != kEmptyEntry) {
    uint64_t entry = table_[slot];
    auto id = static_cast<NodeId>(entry);
    if ((entry & 0xffffffff00000000ULL) == tag && hashes_[id] == h && sameNode(id, n, args)) return id;
    slot = (slot + 1) & mask;
  }
  if (nodes_.size() >= nodeLimit_) throw GraphTooLarge(nodeLimit_);
  n.firstArg = static_cast<uint32_t>(operands_.size());
  n.argCount = static_cast<uint32_t>(args.size());
  operands_.insert(operands_.end(), args.begin(), args.end());
  auto id = static_cast<NodeId>(nodes_.size());
  nodes_.push_back(n);
  hashes_.push_back(h);
  table_[slot] = tableEntry(id, h);
  if (nodes_.size() * 2 > table_.size()) growTable();
  return id;
}

NodeId Graph::constant(double value) { return intern(Op::Const, {}, 0, value); }
NodeId Graph::boolean(bool value) { return intern(Op::Const, {}, 1, value ? 1.0 : 0.0); }

NodeId Graph::variable(uint32_t variableIndex) {
  assert(variableIndex < variables_.size());
  return intern(Op::Variable, {}, variableIndex);
}

NodeId Graph::binding(uint32_t bindingIndex, NodeId formula) {
  assert(bindingIndex < bindings_.size());
  return intern(Op::Binding, std::span(&formula, 1), bindingIndex);
}

std::optional<double> Graph::constantValue(NodeId id) const {
  if (nodes_[id].op != Op::Const) return std::nullopt;
  return nodes_[id].value;
}

bool Graph::isConstant(NodeId id, double value) const {
  const Node& n = nodes_[id];
  return n.op == Op::Const && n.type == Type::Real && n.value == value;  // 0 matches -0 too
}

bool Graph::isNegativeZero(NodeId id) const {
  const Node& n = nodes_[id];
  return n.op == Op::Const && n.type == Type::Real && n.value == 0 && std::signbit(n.value);
}

NodeId Graph::make(Op op, std::span<const NodeId> args) {
  assert(opInfo(op).arity < 0 ? !args.empty() : static_cast<size_t>(opInfo(op).arity) == args.size());
  assert(op != Op::Const && op != Op::Variable && op != Op::Binding &&
         "use constant(), variable(), binding()");
  return canonicalize(op, args);
}

}  // namespace gradc
