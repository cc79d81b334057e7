#include "compiler/lower/loop_rerolling.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <queue>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "compiler/lower/isomorphism.hpp"

namespace gradc {
namespace {

constexpr uint32_t kNone = UINT32_MAX;
// Roles are told apart by the first uses two levels up: the x, y and z differences
// of a Lennard-Jones pair are one class, but each is the first operand of another
// square (see useContexts).
constexpr int kRoleContextDepth = 2;

// The copies grown so far: a union-find over copies, each root holding its members
// and their roles.
class CopyForest {
 public:
  uint32_t add(uint32_t value, uint64_t role) {
    uint32_t id = static_cast<uint32_t>(parent_.size());
    parent_.push_back(id);
    members_.push_back({value});
    roles_.push_back({role});
    return id;
  }

  uint32_t find(uint32_t c) {
    while (parent_[c] != c) c = parent_[c] = parent_[parent_[c]];
    return c;
  }

  // Whether the copies (distinct roots) have no role in common. (A value joining one
  // copy may repeat a role of it: the x, y and z terms of a pair's gradient have
  // the same class and first uses in sums at the same positions.)
  bool disjoint(const std::vector<uint32_t>& roots) const {
    for (size_t i = 0; i < roots.size(); ++i) {
      for (size_t j = i + 1; j < roots.size(); ++j) {
        const auto& a =
            roles_[roots[i]].size() < roles_[roots[j]].size() ? roles_[roots[i]] : roles_[roots[j]];
        const auto& b = &a == &roles_[roots[i]] ? roles_[roots[j]] : roles_[roots[i]];
        for (uint64_t r : a)
          if (b.count(r)) return false;
      }
    }
    return true;
  }

  // Merges the copies (distinct roots) and adds the value: the root it ends in.
  uint32_t merge(const std::vector<uint32_t>& roots, uint32_t value, uint64_t role) {
    uint32_t big = roots[0];
    for (uint32_t r : roots)
      if (members_[r].size() > members_[big].size()) big = r;
    for (uint32_t r : roots) {
      if (r == big) continue;
      parent_[r] = big;
      members_[big].insert(members_[big].end(), members_[r].begin(), members_[r].end());
      roles_[big].insert(roles_[r].begin(), roles_[r].end());
      members_[r] = {};
      roles_[r] = {};
    }
    members_[big].push_back(value);
    roles_[big].insert(role);
    return big;
  }

  size_t size() const { return parent_.size(); }
  bool isRoot(uint32_t c) const { return parent_[c] == c; }
  std::vector<uint32_t>& members(uint32_t root) { return members_[root]; }

 private:
  std::vector<uint32_t> parent_;
  std::vector<std::vector<uint32_t>> members_;
  std::vector<std::unordered_set<uint64_t>> roles_;
};

// One loop to be made: its copies (members in program order, one list per
// iteration) and what the body needs.
struct PlannedLoop {
  std::vector<std::vector<uint32_t>> copies;
  KernelLoop loop;
  std::vector<uint32_t> paramValues;             // one value per body param
  std::vector<std::vector<uint32_t>> inputRows;  // per body input: the value of each iteration
  std::vector<uint32_t> resultOfMember;          // member position -> body output (kNone: not read)
};

class Reroller {
 public:
  Reroller(const KernelProgram& program, const RerollOptions& options)
      : program_(program), options_(options), copyOf_(program.code.size(), kNone) {}

  KernelProgram run(LoopStatistics* statistics) {
    growCopies();
    std::vector<PlannedLoop> loops = groupCopies();
    if (loops.empty()) return program_;
    if (statistics) {
      statistics->loops = loops.size();
      for (const PlannedLoop& l : loops) {
        statistics->iterations += l.copies.size();
        statistics->rerolledValues += l.copies.size() * l.copies[0].size();
      }
    }
    return rewrite(loops);
  }

 private:
  bool eligible(uint32_t v, const std::vector<uint32_t>& classSize) const {
    // Comparisons and what selects by them stay outside: a loop's rows and
    // results are doubles.
    const KernelInstruction& ins = program_.code[v];
    std::span<const uint32_t> args = program_.args(ins);
    bool booleanOperand =
        std::any_of(args.begin(), args.end(), [&](uint32_t a) { return program_.code[a].boolean; });
    return ins.source == OperandSource::Computed && !ins.boolean && !booleanOperand && !ins.softmaxWeight &&
           ins.op != Op::Logsumexp && ins.width == 1 && classSize[classOf_[v]] >= options_.minIterations;
  }

  // In program order, each instruction joins its operands' copies or stays outside
  // (and is then tainted if it depends on a copy: no copy may use it).
  void growCopies() {
    uint32_t classCount = 0;
    classOf_ = isomorphismClasses(program_, &classCount);
    std::vector<uint64_t> context = useContexts(program_, classOf_, kRoleContextDepth);
    std::vector<uint32_t> classSize(classCount, 0);
    for (uint32_t c : classOf_) ++classSize[c];
    std::vector<bool> tainted(program_.code.size(), false);
    std::vector<uint32_t> roots;
    for (uint32_t v = 0; v < program_.code.size(); ++v) {
      const KernelInstruction& ins = program_.code[v];
      if (ins.source != OperandSource::Computed) continue;
      roots.clear();
      bool taintedOperand = false;
      for (uint32_t a : program_.args(ins)) {
        if (copyOf_[a] != kNone) roots.push_back(forest_.find(copyOf_[a]));
        taintedOperand = taintedOperand || tainted[a];
      }
      std::sort(roots.begin(), roots.end());
      roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
      uint64_t role = roleKey(classOf_[v], context[v]);
      bool join = eligible(v, classSize) && !taintedOperand && forest_.disjoint(roots);
      if (!join) {
        tainted[v] = taintedOperand || !roots.empty();
        continue;
      }
      copyOf_[v] = roots.empty() ? forest_.add(v, role) : forest_.merge(roots, v, role);
    }
  }

  // A copy's shape: for each member in program order its class and, for each
  // operand, the position of the member it is (1-based) or 0 for an outside value.
  std::vector<uint32_t> shapeOf(const std::vector<uint32_t>& members) const {
    std::unordered_map<uint32_t, uint32_t> position;
    for (uint32_t i = 0; i < members.size(); ++i) position.emplace(members[i], i + 1);
    std::vector<uint32_t> shape;
    for (uint32_t v : members) {
      shape.push_back(classOf_[v]);
      for (uint32_t a : program_.args(program_.code[v])) {
        auto found = position.find(a);
        shape.push_back(found == position.end() ? 0 : found->second);
      }
    }
    return shape;
  }

  std::vector<PlannedLoop> groupCopies() {
    std::unordered_map<std::vector<uint32_t>, uint32_t, NumberListHash> groupOf;
    std::vector<std::vector<std::vector<uint32_t>>> groups;
    for (uint32_t c = 0; c < forest_.size(); ++c) {
      if (!forest_.isRoot(c)) continue;
      std::vector<uint32_t>& members = forest_.members(c);
      if (members.size() < options_.minBody) continue;
      std::sort(members.begin(), members.end());
      auto [it, added] = groupOf.try_emplace(shapeOf(members), static_cast<uint32_t>(groups.size()));
      if (added) groups.emplace_back();
      groups[it->second].push_back(members);
    }
    mergeCopiesWithExtras(groups);
    for (auto& copies : groups) sortByOperands(copies);
    std::vector<bool> usedOutside = valuesUsedOutsideTheirCopy();
    std::vector<PlannedLoop> loops;
    for (auto& copies : groups)
      if (copies.size() >= options_.minIterations) loops.push_back(plan(std::move(copies), usedOutside));
    return loops;
  }

  // Iterations in the order of their outside operands (the kernel's inputs and
  // params by position): a row of consecutive inputs can then be read as vectors
  // where it is (Rosenbrock's x[i] and x[i+1]; program order is the order of the
  // sums, which is not theirs).
  void sortByOperands(std::vector<std::vector<uint32_t>>& copies) const {
    std::vector<std::pair<std::vector<uint64_t>, size_t>> keyed;
    for (size_t c = 0; c < copies.size(); ++c) {
      std::vector<uint64_t> key;
      for (uint32_t v : copies[c])
        for (uint32_t a : program_.args(program_.code[v])) {
          if (std::binary_search(copies[c].begin(), copies[c].end(), a)) continue;
          const KernelInstruction& leaf = program_.code[a];
          bool isLeaf = leaf.source == OperandSource::Input || leaf.source == OperandSource::Param;
          key.push_back(isLeaf ? uint64_t{static_cast<uint8_t>(leaf.source)} << 32 | leaf.index
                               : uint64_t{1} << 40 | a);
        }
      keyed.emplace_back(std::move(key), c);
    }
    std::sort(keyed.begin(), keyed.end());
    std::vector<std::vector<uint32_t>> sorted;
    for (auto& [key, c] : keyed) sorted.push_back(std::move(copies[c]));
    copies = std::move(sorted);
  }

  // Copies of a shape with fewer copies may be copies of a more common shape with
  // more on top: the first term of a sum, negated, say. Such a copy joins the
  // larger loop without its extra instructions, which stay outside (and read the
  // loop's results).
  void mergeCopiesWithExtras(std::vector<std::vector<std::vector<uint32_t>>>& groups) {
    std::vector<size_t> bySize(groups.size());
    for (size_t g = 0; g < groups.size(); ++g) bySize[g] = g;
    std::sort(bySize.begin(), bySize.end(),
              [&](size_t a, size_t b) { return groups[a].size() > groups[b].size(); });
    // From the smallest group up, each copy into the largest group it matches (of
    // more copies than its own, and enough for a loop).
    for (size_t i = bySize.size(); i-- > 1;) {
      auto& copies = groups[bySize[i]];
      std::vector<std::vector<uint32_t>> unmatched;
      for (auto& copy : copies) {
        bool matched = false;
        for (size_t j = 0; j < i && !matched; ++j) {
          auto& target = groups[bySize[j]];
          if (target.size() < options_.minIterations || target.size() <= copies.size()) continue;
          std::vector<uint32_t> core = coreMatching(target[0], copy);
          if (core.empty()) continue;
          for (uint32_t v : copy)
            if (!std::binary_search(core.begin(), core.end(), v)) copyOf_[v] = kNone;
          target.push_back(std::move(core));
          matched = true;
        }
        if (!matched) unmatched.push_back(std::move(copy));
      }
      copies = std::move(unmatched);
    }
  }

  // The members of `copy` that make a copy of `model`'s shape when the others are
  // left out (none of the kept ones may use a left-out one), matched in program
  // order; empty when there are none.
  std::vector<uint32_t> coreMatching(const std::vector<uint32_t>& model,
                                     const std::vector<uint32_t>& copy) const {
    if (copy.size() <= model.size()) return {};
    std::unordered_map<uint32_t, uint32_t> modelPosition, position;  // value -> position + 1
    for (uint32_t i = 0; i < model.size(); ++i) modelPosition.emplace(model[i], i + 1);
    std::vector<uint32_t> core;
    for (uint32_t v : copy) {
      if (core.size() == model.size()) break;
      uint32_t m = model[core.size()];
      bool same = classOf_[v] == classOf_[m];
      std::span<const uint32_t> args = program_.args(program_.code[v]),
                                modelArgs = program_.args(program_.code[m]);
      for (size_t j = 0; same && j < args.size(); ++j) {
        auto mine = position.find(args[j]);
        auto theirs = modelPosition.find(modelArgs[j]);
        uint32_t expected = theirs == modelPosition.end() ? 0 : theirs->second;
        bool inCopy = std::binary_search(copy.begin(), copy.end(), args[j]);
        same = mine != position.end() ? mine->second == expected : !inCopy && expected == 0;
      }
      if (!same) continue;
      core.push_back(v);
      position.emplace(v, static_cast<uint32_t>(core.size()));
    }
    return core.size() == model.size() ? core : std::vector<uint32_t>{};
  }

  // Values of copies read by an instruction outside their copy, or outputs. Copies
  // that do not become loops are outside every copy.
  std::vector<bool> valuesUsedOutsideTheirCopy() {
    std::vector<bool> used(program_.code.size(), false);
    for (uint32_t out : program_.outputs) used[out] = true;
    for (uint32_t u = 0; u < program_.code.size(); ++u)
      for (uint32_t a : program_.args(program_.code[u]))
        if (copyOf_[a] != kNone &&
            (copyOf_[u] == kNone || forest_.find(copyOf_[u]) != forest_.find(copyOf_[a])))
          used[a] = true;
    return used;
  }

  // The body of a loop over copies of one shape: inputs for the outside operands
  // that change from copy to copy, params for those that do not (constants stay
  // constants), the members in order, outputs for the members read outside.
  PlannedLoop plan(std::vector<std::vector<uint32_t>> copies, const std::vector<bool>& usedOutside) {
    PlannedLoop planned;
    planned.copies = std::move(copies);
    const auto& first = planned.copies[0];
    size_t n = planned.copies.size();
    KernelProgram& body = planned.loop.body;
    planned.loop.iterations = static_cast<uint32_t>(n);
    std::unordered_map<std::vector<uint32_t>, uint32_t, NumberListHash> inputOf;
    std::unordered_map<uint32_t, uint32_t> paramOf;
    std::unordered_map<uint64_t, uint32_t> constantOf;
    auto leaf = [&body](OperandSource source, uint32_t index, double constant) {
      KernelInstruction ins;
      ins.source = source;
      ins.op = source == OperandSource::Constant ? Op::Const : Op::Variable;
      ins.index = index;
      ins.constant = constant;
      body.code.push_back(ins);
      return static_cast<uint32_t>(body.code.size() - 1);
    };
    std::vector<uint32_t> bodyValueOfMember(first.size());
    std::unordered_map<uint32_t, uint32_t> memberPosition;
    for (uint32_t i = 0; i < first.size(); ++i) memberPosition.emplace(first[i], i);
    std::vector<uint32_t> values(n);
    for (uint32_t i = 0; i < first.size(); ++i) {
      KernelInstruction ins = program_.code[first[i]];
      std::span<const uint32_t> args = program_.args(ins);
      std::vector<uint32_t> bodyArgs;
      for (uint32_t j = 0; j < args.size(); ++j) {
        if (auto inside = memberPosition.find(args[j]); inside != memberPosition.end()) {
          bodyArgs.push_back(bodyValueOfMember[inside->second]);
          continue;
        }
        for (size_t k = 0; k < n; ++k) values[k] = program_.args(program_.code[planned.copies[k][i]])[j];
        bool same = std::all_of(values.begin(), values.end(), [&](uint32_t x) { return x == values[0]; });
        const KernelInstruction& outside = program_.code[values[0]];
        if (same && outside.source == OperandSource::Constant) {
          uint64_t bits = std::bit_cast<uint64_t>(outside.constant);
          auto [it, added] = constantOf.try_emplace(bits, 0);
          if (added) it->second = leaf(OperandSource::Constant, 0, outside.constant);
          bodyArgs.push_back(it->second);
        } else if (same) {
          auto [it, added] = paramOf.try_emplace(values[0], 0);
          if (added) {
            it->second = leaf(OperandSource::Param, static_cast<uint32_t>(planned.paramValues.size()), 0);
            planned.paramValues.push_back(values[0]);
            body.paramNames.push_back("p" + std::to_string(planned.paramValues.size() - 1));
          }
          bodyArgs.push_back(it->second);
        } else {
          auto [it, added] = inputOf.try_emplace(values, 0);
          if (added) {
            it->second = leaf(OperandSource::Input, static_cast<uint32_t>(planned.inputRows.size()), 0);
            planned.inputRows.push_back(values);
            body.inputNames.push_back("in" + std::to_string(planned.inputRows.size() - 1));
          }
          bodyArgs.push_back(it->second);
        }
      }
      ins.firstArg = static_cast<uint32_t>(body.operands.size());
      body.operands.insert(body.operands.end(), bodyArgs.begin(), bodyArgs.end());
      bodyValueOfMember[i] = static_cast<uint32_t>(body.code.size());
      body.code.push_back(ins);
    }
    planned.resultOfMember.assign(first.size(), kNone);
    for (uint32_t i = 0; i < first.size(); ++i) {
      bool read = std::any_of(planned.copies.begin(), planned.copies.end(),
                              [&](const std::vector<uint32_t>& c) { return usedOutside[c[i]]; });
      if (!read) continue;
      planned.resultOfMember[i] = static_cast<uint32_t>(body.outputs.size());
      body.outputs.push_back(bodyValueOfMember[i]);
      body.outputNames.push_back("out" + std::to_string(body.outputs.size() - 1));
    }
    return planned;
  }

  // The program with each loop's members replaced by its Loop instruction and the
  // LoopResults read outside, in an order that keeps operands first and otherwise
  // the original order (a loop as late as its last operand allows).
  KernelProgram rewrite(const std::vector<PlannedLoop>& loops) {
    size_t count = program_.code.size();
    // Provisional numbering: the values outside loops in order, then each loop's
    // Loop instruction and its results.
    std::vector<uint32_t> number(count, kNone);
    std::vector<uint32_t> key;  // an order to keep where dependences allow
    KernelProgram p;
    p.inputNames = program_.inputNames;
    p.paramNames = program_.paramNames;
    p.outputNames = program_.outputNames;
    std::vector<bool> inLoop(count, false);
    for (const PlannedLoop& l : loops)
      for (const auto& copy : l.copies)
        for (uint32_t v : copy) inLoop[v] = true;
    uint32_t next = 0;
    for (uint32_t v = 0; v < count; ++v)
      if (!inLoop[v]) number[v] = next++;
    std::vector<uint32_t> firstOfLoop;
    for (const PlannedLoop& l : loops) {
      firstOfLoop.push_back(next);
      next += 1;
      for (uint32_t i = 0; i < l.copies[0].size(); ++i)
        if (l.resultOfMember[i] != kNone)
          for (const auto& copy : l.copies) number[copy[i]] = next++;
    }
    p.code.resize(next);
    key.resize(next);
    for (uint32_t v = 0; v < count; ++v) {
      if (inLoop[v]) continue;
      KernelInstruction ins = program_.code[v];
      ins.firstArg = static_cast<uint32_t>(p.operands.size());
      for (uint32_t a : program_.args(program_.code[v])) p.operands.push_back(number[a]);
      p.code[number[v]] = ins;
      key[number[v]] = 2 * v;
    }
    for (uint32_t l = 0; l < loops.size(); ++l) {
      const PlannedLoop& planned = loops[l];
      KernelInstruction loop;
      loop.source = OperandSource::Loop;
      loop.op = Op::Variable;
      loop.index = l;
      loop.firstArg = static_cast<uint32_t>(p.operands.size());
      uint32_t last = 0;
      auto operand = [&](uint32_t v) {
        p.operands.push_back(number[v]);
        last = std::max(last, v);
      };
      for (uint32_t v : planned.paramValues) operand(v);
      for (const auto& row : planned.inputRows)
        for (uint32_t v : row) operand(v);
      loop.argCount = static_cast<uint32_t>(p.operands.size() - loop.firstArg);
      p.code[firstOfLoop[l]] = loop;
      key[firstOfLoop[l]] = 2 * last + 1;
      uint32_t iterations = planned.loop.iterations;
      for (uint32_t i = 0; i < planned.copies[0].size(); ++i) {
        if (planned.resultOfMember[i] == kNone) continue;
        for (uint32_t k = 0; k < iterations; ++k) {
          uint32_t v = planned.copies[k][i];
          KernelInstruction result;
          result.source = OperandSource::LoopResult;
          result.op = Op::Variable;
          result.index = planned.resultOfMember[i] * iterations + k;
          result.firstArg = static_cast<uint32_t>(p.operands.size());
          result.argCount = 1;
          p.operands.push_back(firstOfLoop[l]);
          p.code[number[v]] = result;
          key[number[v]] = 2 * v;
        }
      }
      p.loops.push_back(planned.loop);
    }
    for (uint32_t out : program_.outputs) p.outputs.push_back(number[out]);
    std::vector<uint32_t> order = topologicalOrder(p, key);
    if (p.code.size() > options_.interleaveUpTo)
      return reorderedProgram(p, topologicalOrder(p, criticalPathFirstInWindows(p, order, key)));
    return reorderedProgram(p, topologicalOrder(p, criticalPathFirst(p, order, key)));
  }

  // criticalPathFirst within windows of the original order: a few sums at a time
  // interleaved (lennard_jones_64's 192 sums of 63 terms, eight at a time), so
  // that the parts of a long kernel do not pass every sum through memory.
  std::vector<std::tuple<uint32_t, uint64_t>> criticalPathFirstInWindows(
      const KernelProgram& p, const std::vector<uint32_t>& order, const std::vector<uint32_t>& key) const {
    std::vector<uint64_t> priority = criticalPathFirst(p, order, key);
    std::vector<std::tuple<uint32_t, uint64_t>> windowed(p.code.size());
    for (size_t i = 0; i < order.size(); ++i)
      windowed[order[i]] = {static_cast<uint32_t>(i / std::max<size_t>(options_.interleaveWindow, 1)),
                            priority[order[i]]};
    return windowed;
  }

  // What remains of a kernel with loops is mostly sums of their results: long
  // chains of additions, each waiting for the one before. In the original order
  // one chain is finished before the next starts, and the processor runs one
  // addition at a time; ordered by the longest path still to go (then by the
  // original order), independent chains are interleaved (see interleaveUpTo).
  static std::vector<uint64_t> criticalPathFirst(const KernelProgram& p, const std::vector<uint32_t>& order,
                                                 const std::vector<uint32_t>& key) {
    std::vector<uint32_t> height(p.code.size(), 0);
    for (size_t i = order.size(); i-- > 0;) {
      uint32_t v = order[i];
      for (uint32_t a : p.args(p.code[v])) height[a] = std::max(height[a], height[v] + 1);
    }
    uint32_t top = *std::max_element(height.begin(), height.end());
    std::vector<uint64_t> priority(p.code.size());
    for (uint32_t v = 0; v < p.code.size(); ++v) priority[v] = uint64_t{top - height[v]} << 32 | key[v];
    return priority;
  }

  // Operands first; among the instructions that are ready, the one of lowest key.
  template <typename Key>
  static std::vector<uint32_t> topologicalOrder(const KernelProgram& p, const std::vector<Key>& key) {
    size_t count = p.code.size();
    std::vector<uint32_t> waiting(count, 0);
    std::vector<std::vector<uint32_t>> users(count);
    for (uint32_t v = 0; v < count; ++v)
      for (uint32_t a : p.args(p.code[v])) {
        users[a].push_back(v);
        ++waiting[v];
      }
    using Entry = std::pair<Key, uint32_t>;  // key, value
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> ready;
    for (uint32_t v = 0; v < count; ++v)
      if (waiting[v] == 0) ready.emplace(key[v], v);
    std::vector<uint32_t> order;
    order.reserve(count);
    while (!ready.empty()) {
      uint32_t v = ready.top().second;
      ready.pop();
      order.push_back(v);
      for (uint32_t u : users[v])
        if (--waiting[u] == 0) ready.emplace(key[u], u);
    }
    assert(order.size() == count && "loops never depend on their own results");
    return order;
  }

  const KernelProgram& program_;
  RerollOptions options_;
  std::vector<uint32_t> copyOf_;  // the copy each value joined (kNone: outside)
  std::vector<uint32_t> classOf_;
  CopyForest forest_;
};

}  // namespace

KernelProgram rerollLoops(const KernelProgram& program, const RerollOptions& options,
                          LoopStatistics* statistics) {
  if (statistics) *statistics = {};
  assert(program.loops.empty() && "a program is rerolled once");
  return Reroller(program, options).run(statistics);
}

}  // namespace gradc
