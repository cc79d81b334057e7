#include "compiler/lower/vector_packs.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <queue>
#include <unordered_map>

#include "compiler/lower/isomorphism.hpp"

namespace gradc {
namespace {

constexpr uint32_t kNone = UINT32_MAX;
// How far up the first uses are followed (useContexts): 0 packs by class alone.
// Which depth packs a model best depends on its shape (Lennard-Jones: 2, 8% fewer
// instructions a call than 0; Rosenbrock: 0, 25% fewer than 2), so both are tried
// and the code with the lower estimated cost is kept.
constexpr int kContextDepths[] = {0, 2};

class Packer {
 public:
  Packer(const KernelProgram& program, unsigned width)
      : program_(program),
        width_(width),
        packOf_(program.code.size(), kNone),
        laneOf_(program.code.size(), 0) {}

  // Packs each class's members in program order, `width` at a time, where a pack
  // is worth it (see worthPacking). Classes in increasing order: operand packs are
  // known before their users are considered.
  void formPacks(int contextDepth) {
    uint32_t classCount = 0;
    std::vector<uint32_t> classOf = isomorphismClasses(program_, &classCount);
    std::vector<uint64_t> context = useContexts(program_, classOf, contextDepth);
    // Groups of one class and context, the classes in increasing order (each
    // group's members in program order).
    std::vector<std::vector<uint32_t>> members;
    std::unordered_map<uint64_t, uint32_t> groupOf;
    std::vector<std::vector<uint32_t>> groupsOfClass(classCount);
    for (uint32_t v = 0; v < program_.code.size(); ++v) {
      // Logsumexps and their softmax weights are left alone: the weights read what
      // the logsumexp computed on the way (its shift, scale and terms).
      const KernelInstruction& ins = program_.code[v];
      if (ins.source != OperandSource::Computed || ins.softmaxWeight || ins.op == Op::Logsumexp) continue;
      uint64_t key = roleKey(classOf[v], context[v]);
      auto [it, added] = groupOf.try_emplace(key, static_cast<uint32_t>(members.size()));
      if (added) {
        members.emplace_back();
        groupsOfClass[classOf[v]].push_back(it->second);
      }
      members[it->second].push_back(v);
    }
    for (const std::vector<uint32_t>& groups : groupsOfClass)
      for (uint32_t group : groups) packGroup(members[group]);
  }

  void packGroup(const std::vector<uint32_t>& list) {
    for (size_t i = 0; i + 1 < list.size();) {
      size_t w = std::min<size_t>(width_, list.size() - i);
      std::span<const uint32_t> lanes(list.data() + i, w);
      if (worthPacking(lanes)) addPack(lanes);
      i += w;
    }
  }

  // Operands first, each pack's members consecutive; among what is ready, the unit
  // whose first member came first in the given order (which keeps its locality).
  KernelProgram schedule() const {
    uint32_t count = static_cast<uint32_t>(program_.code.size());
    std::vector<uint32_t> unitOf(count, kNone);
    std::vector<std::vector<uint32_t>> unitMembers = packs_;
    for (size_t p = 0; p < packs_.size(); ++p)
      for (uint32_t v : packs_[p]) unitOf[v] = static_cast<uint32_t>(p);
    std::vector<uint32_t> leaves;
    for (uint32_t v = 0; v < count; ++v) {
      if (program_.code[v].source != OperandSource::Computed) {
        leaves.push_back(v);
      } else if (unitOf[v] == kNone) {
        unitOf[v] = static_cast<uint32_t>(unitMembers.size());
        unitMembers.push_back({v});
      }
    }
    size_t units = unitMembers.size();
    std::vector<uint32_t> waitingFor(units, 0);
    std::vector<std::vector<uint32_t>> users(units);
    for (size_t u = 0; u < units; ++u)
      for (uint32_t m : unitMembers[u])
        for (uint32_t a : program_.args(program_.code[m]))
          if (unitOf[a] != kNone && unitOf[a] != u) {
            users[unitOf[a]].push_back(static_cast<uint32_t>(u));
            ++waitingFor[u];
          }
    using Entry = std::pair<uint32_t, uint32_t>;  // first member's position, unit
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> ready;
    for (size_t u = 0; u < units; ++u)
      if (waitingFor[u] == 0) ready.emplace(unitMembers[u][0], static_cast<uint32_t>(u));
    std::vector<uint32_t> order = leaves;
    order.reserve(count);
    while (!ready.empty()) {
      uint32_t u = ready.top().second;
      ready.pop();
      order.insert(order.end(), unitMembers[u].begin(), unitMembers[u].end());
      for (uint32_t user : users[u])
        if (--waitingFor[user] == 0) ready.emplace(unitMembers[user][0], user);
    }
    return renumbered(order);
  }

  // An estimate of the machine instructions: one per operation (a pack is one),
  // one per lane of a gathered operand, one per packed value that a scalar uses.
  size_t cost() const {
    size_t total = packs_.size();
    std::vector<bool> extracted(program_.code.size(), false);
    for (uint32_t v = 0; v < program_.code.size(); ++v) {
      const KernelInstruction& ins = program_.code[v];
      if (ins.source != OperandSource::Computed) continue;
      if (packOf_[v] == kNone) {
        ++total;
        for (uint32_t a : program_.args(ins))
          if (packOf_[a] != kNone && !extracted[a]) extracted[a] = true, ++total;
      } else if (laneOf_[v] == 0) {
        std::span<const uint32_t> lanes = packs_[packOf_[v]];
        for (uint32_t j = 0; j < ins.argCount; ++j)
          if (!operandIsPacked(lanes, j) && !operandIsSplat(lanes, j)) total += lanes.size();
      }
    }
    return total;
  }

  PackStatistics statistics() const {
    PackStatistics s;
    s.packs = packs_.size();
    for (const auto& p : packs_) s.packedValues += p.size();
    return s;
  }

 private:
  // A pack pays when at least one operand comes as a vector for free: the lanes are
  // one value (a splat), all leaves (constants, or loads that are made anyway), or
  // exactly an earlier pack, lane for lane. An operand of other scalars costs a
  // gather of one insert per lane.
  bool worthPacking(std::span<const uint32_t> lanes) const {
    const KernelInstruction& first = program_.code[lanes[0]];
    size_t gathers = 0;
    for (uint32_t j = 0; j < first.argCount; ++j)
      if (!operandIsCheap(lanes, j)) ++gathers;
    return gathers == 0 || gathers < first.argCount;
  }

  bool operandIsSplat(std::span<const uint32_t> lanes, uint32_t j) const {
    uint32_t first = program_.args(program_.code[lanes[0]])[j];
    for (uint32_t v : lanes)
      if (program_.args(program_.code[v])[j] != first) return false;
    return true;
  }

  bool operandIsPacked(std::span<const uint32_t> lanes, uint32_t j) const {
    uint32_t first = program_.args(program_.code[lanes[0]])[j];
    uint32_t pack = packOf_[first];
    if (pack == kNone || packs_[pack].size() != lanes.size()) return false;
    for (size_t k = 0; k < lanes.size(); ++k) {
      uint32_t a = program_.args(program_.code[lanes[k]])[j];
      if (packOf_[a] != pack || laneOf_[a] != k) return false;
    }
    return true;
  }

  bool operandIsCheap(std::span<const uint32_t> lanes, uint32_t j) const {
    bool leaves = std::all_of(lanes.begin(), lanes.end(), [&](uint32_t v) {
      return program_.code[program_.args(program_.code[v])[j]].source != OperandSource::Computed;
    });
    return leaves || operandIsSplat(lanes, j) || operandIsPacked(lanes, j);
  }

  void addPack(std::span<const uint32_t> lanes) {
    for (size_t k = 0; k < lanes.size(); ++k) {
      packOf_[lanes[k]] = static_cast<uint32_t>(packs_.size());
      laneOf_[lanes[k]] = static_cast<uint8_t>(k);
    }
    packs_.emplace_back(lanes.begin(), lanes.end());
  }

  // The program in the scheduled order, each pack's members marked with its width
  // and their lanes.
  KernelProgram renumbered(const std::vector<uint32_t>& order) const {
    KernelProgram p = reorderedProgram(program_, order);
    for (uint32_t i = 0; i < order.size(); ++i) {
      uint32_t pack = packOf_[order[i]];
      if (pack == kNone) continue;
      p.code[i].width = static_cast<uint8_t>(packs_[pack].size());
      p.code[i].lane = laneOf_[order[i]];
    }
    return p;
  }

  const KernelProgram& program_;
  unsigned width_;
  std::vector<uint32_t> packOf_;
  std::vector<uint8_t> laneOf_;
  std::vector<std::vector<uint32_t>> packs_;  // members in lane order
};

}  // namespace

KernelProgram packIsomorphic(const KernelProgram& program, unsigned width, PackStatistics* statistics) {
  width = std::clamp(width, 1u, 255u);
  if (statistics) *statistics = {};
  if (width == 1) return Packer(program, width).schedule();
  std::optional<Packer> best;
  size_t bestCost = SIZE_MAX;
  for (int depth : kContextDepths) {
    Packer packer(program, width);
    packer.formPacks(depth);
    if (size_t c = packer.cost(); c < bestCost) bestCost = c, best.emplace(std::move(packer));
  }
  if (statistics) *statistics = best->statistics();
  return best->schedule();
}

}  // namespace gradc
