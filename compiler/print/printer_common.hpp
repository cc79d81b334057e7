// What every printer shares: which nodes get a named line, their names, the order
// of the lines, and a formula writer that lays expressions out without recursion.
//
// Private to compiler/print/.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "compiler/print/number_text.hpp"
#include "compiler/print/print.hpp"

namespace gradc::print {

// The printing plan of a set of outputs: computed once, read by every format.
struct Plan {
  const ModelGraph* model = nullptr;
  const Graph* graph = nullptr;
  std::vector<size_t> outputs;     // indices into model->outputs, in print order
  std::vector<NodeId> roots;       // parallel to outputs, Bindings looked through
  std::vector<NodeId> alias;       // Binding nodes -> the node they stand for; others -> themselves
  std::vector<char> reachable;     // from the roots, through resolved operands
  std::vector<uint32_t> uses;      // operand uses among reachable nodes, plus root appearances
  std::vector<std::string> names;  // a named line's name; empty for nodes printed inline
  std::vector<NodeId> named;       // the named nodes, in id order

  // One printed line: a named node's definition or an output.
  struct Line {
    NodeId node = kNoNode;
    size_t output = SIZE_MAX;  // index into `outputs` (not model->outputs); SIZE_MAX: a named line
  };
  std::vector<Line> lines;  // every output preceded by the named lines it needs first

  NodeId resolve(NodeId id) const { return alias[id]; }
  NodeId operand(NodeId id, size_t i) const { return alias[graph->arg(id, i)]; }
  bool isNamed(NodeId id) const { return !names[id].empty(); }
  const std::string& outputName(size_t k) const { return model->outputs[outputs[k]].name; }
  // Output k's root is a named line under the output's own name, so infix and LaTeX
  // print no second `name = name` line for it.
  bool outputIsNamedLine(size_t k) const { return names[roots[k]] == outputName(k); }
  const std::string& variableName(NodeId id) const {
    return graph->variables()[graph->node(id).payload].name;
  }
  // The names of the variables the printed outputs use, by variable index; false if unused.
  std::vector<char> usedVariables() const;
};

Plan makePlan(const ModelGraph& model, std::span<const size_t> outputs);

// One piece of a node's layout: literal text, or an operand (optionally in parentheses).
struct Piece {
  std::string text;
  NodeId child = kNoNode;
  bool parens = false;
};

// Precedence levels shared by the formats (each uses the ones it has).
enum Prec : int {
  kPrecCases = 0,    // LaTeX cases: parenthesised anywhere but in a delimited slot
  kPrecCompare = 1,  // < <= > >= == !=
  kPrecAdd = 2,      // + -
  kPrecMul = 3,      // * /
  kPrecNeg = 4,      // unary minus
  kPrecFrac = 5,     // LaTeX \frac
  kPrecPow = 6,      // ^
  kPrecAtom = 7,     // names, numbers, calls, anything self-delimited
};

// Lays out formulas bottom-up. A format says how one node looks in terms of its
// operands (layout) and how a node printed by reference looks (reference: named
// nodes, variables, constants). formula() expands the layouts with an explicit
// stack, so a 1,000,000-node chain prints without deep recursion.
class FormulaWriter {
 public:
  explicit FormulaWriter(const Plan& plan) : plan_(plan) {}
  virtual ~FormulaWriter() = default;

  // Must be called once before formula(): computes each node's precedence and
  // whether its text starts with a minus sign.
  void prepare();

  // The formula of `root`; if `inlineRoot`, a named root is written out instead of
  // being referred to by name.
  std::string formula(NodeId root, bool inlineRoot) const;

 protected:
  // Appends node `id`'s pieces to `out` and returns its precedence. `id` is
  // resolved, reachable, and neither a leaf nor referred to by name.
  virtual int layout(NodeId id, std::vector<Piece>& out) const = 0;
  // The text of a node printed by reference (leaf or named), and its precedence.
  virtual std::string reference(NodeId id) const = 0;
  virtual int referencePrec(NodeId id) const = 0;
  virtual std::string_view openParen() const { return "("; }
  virtual std::string_view closeParen() const { return ")"; }

  // Whether `id` appears by reference in a formula (a leaf or a named node).
  bool byReference(NodeId id) const;
  int prec(NodeId id) const;           // as an operand
  bool leadingMinus(NodeId id) const;  // as an operand: its text starts with '-'

  // Helpers for layouts.
  static void text(std::vector<Piece>& out, std::string_view s) {
    out.push_back({std::string(s), kNoNode, false});
  }
  static void child(std::vector<Piece>& out, NodeId c, bool parens) { out.push_back({{}, c, parens}); }
  // A binary infix operator: left needs prec >= leftMin, right needs prec >= rightMin;
  // a right operand that starts with a minus sign is parenthesised when `guardRight`.
  void infix(std::vector<Piece>& out, NodeId id, std::string_view op, int leftMin, int rightMin,
             bool guardRight = true) const;
  // Unary minus: `-a*b` for -(a*b) (exactly equal in IEEE), `-(a + b)`, `-(-a)`.
  // Returns the node's precedence.
  int negation(std::vector<Piece>& out, NodeId id) const;
  // name(a, b, ...) with the given separators, no parentheses around the arguments.
  void call(std::vector<Piece>& out, NodeId id, std::string_view open, std::string_view sep,
            std::string_view close) const;

  const Plan& plan_;

 private:
  std::vector<int> prec_;           // inline precedence per node
  std::vector<char> leadingMinus_;  // inline
};

// The formats, each in its own file.
std::string printInfix(const Plan& plan);
std::string printLatex(const Plan& plan);
std::string printC(const Plan& plan);
std::string printDot(const Plan& plan);

}  // namespace gradc::print
