#include "runtime/llvm/row_segments.hpp"

#include <algorithm>
#include <map>

namespace gradc::runtime {
namespace {

// The step most common between a row's consecutive elements: the run's stride.
std::optional<uint32_t> usualStep(const std::vector<RowElement>& row) {
  std::map<int64_t, uint32_t> counts;
  for (size_t k = 1; k < row.size(); ++k) ++counts[int64_t{row[k].index} - int64_t{row[k - 1].index}];
  int64_t best = 0;
  uint32_t most = 0;
  for (auto [step, count] : counts)
    if (count > most) best = step, most = count;
  if (best < 0) return std::nullopt;
  return static_cast<uint32_t>(best);
}

}  // namespace

std::optional<SegmentedRows> segmentRows(std::span<const std::vector<RowElement>> rows, uint32_t iterations,
                                         uint32_t minAverageLength) {
  if (rows.empty() || iterations < 2) return std::nullopt;
  SegmentedRows result;
  for (const std::vector<RowElement>& row : rows) {
    if (row.size() != iterations) return std::nullopt;
    for (const RowElement& e : row)
      if (e.array != row[0].array) return std::nullopt;
    std::optional<uint32_t> step = usualStep(row);
    if (!step) return std::nullopt;
    SegmentedRows::Row r{row[0].array, *step, 0, 0};
    if (*step) {
      auto [low, high] = std::minmax_element(
          row.begin(), row.end(), [](const RowElement& a, const RowElement& b) { return a.index < b.index; });
      r.first = low->index;
      r.count = (high->index - low->index) / *step + 1;
      if (r.count > iterations) return std::nullopt;
    }
    result.rows.push_back(r);
  }
  // A segment ends where any row leaves its run.
  result.begin.push_back(0);
  for (uint32_t k = 1; k < iterations; ++k)
    for (size_t p = 0; p < rows.size(); ++p)
      if (int64_t{rows[p][k].index} - int64_t{rows[p][k - 1].index} != result.rows[p].stride) {
        result.begin.push_back(k);
        break;
      }
  size_t segments = result.begin.size();
  if (segments < 2 || segments > iterations / minAverageLength) return std::nullopt;
  for (size_t s = 0; s < segments; ++s) {
    uint32_t end = s + 1 < segments ? result.begin[s + 1] : iterations;
    result.length.push_back(end - result.begin[s]);
    for (size_t p = 0; p < rows.size(); ++p) {
      const SegmentedRows::Row& row = result.rows[p];
      uint32_t index = rows[p][result.begin[s]].index;
      if (row.stride && (index - row.first) % row.stride != 0) return std::nullopt;
      result.start.push_back(row.stride ? (index - row.first) / row.stride : index);
    }
  }
  return result;
}

}  // namespace gradc::runtime
