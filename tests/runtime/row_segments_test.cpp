#include "runtime/llvm/row_segments.hpp"

#include <gtest/gtest.h>

namespace gradc::runtime {
namespace {

// The rows of x_i and x_j over the pairs i < j of `atoms` points whose coordinates
// are interleaved `dimensions` to a point, as loop rerolling orders them.
std::vector<std::vector<RowElement>> pairRows(uint32_t atoms, uint32_t dimensions) {
  std::vector<std::vector<RowElement>> rows(2);
  for (uint32_t i = 0; i < atoms; ++i)
    for (uint32_t j = i + 1; j < atoms; ++j) {
      rows[0].push_back({RowArray::Inputs, dimensions * i});
      rows[1].push_back({RowArray::Inputs, dimensions * j});
    }
  return rows;
}

TEST(RowSegments, PairsAreOneSegmentForEachFirstPoint) {
  auto rows = pairRows(64, 3);
  uint32_t n = static_cast<uint32_t>(rows[0].size());
  auto s = segmentRows(rows, n);
  ASSERT_TRUE(s.has_value());
  ASSERT_EQ(s->begin.size(), 63u);
  EXPECT_EQ(s->rows[0].stride, 0u);
  EXPECT_EQ(s->rows[1].stride, 3u);
  EXPECT_EQ(s->rows[1].first, 3u);  // x_1: x_0 is never the second point
  EXPECT_EQ(s->rows[1].count, 63u);
  for (uint32_t i = 0; i < 63; ++i) {
    EXPECT_EQ(s->length[i], 63 - i);
    EXPECT_EQ(s->start[2 * i], 3 * i);  // x_i itself
    EXPECT_EQ(s->start[2 * i + 1], i);  // x_{i+1}: number i in the copy of x_1, x_2, ...
  }
  EXPECT_EQ(s->begin[1], 63u);
  EXPECT_EQ(s->begin[62], n - 1);
}

TEST(RowSegments, EveryElementIsWhereTheSegmentsSay) {
  auto rows = pairRows(20, 2);
  for (auto& e : rows[1]) e.index += 1;  // the y coordinates: residue 1
  rows.push_back(std::vector<RowElement>(rows[0].size(), {RowArray::Params, 7}));
  uint32_t n = static_cast<uint32_t>(rows[0].size());
  auto s = segmentRows(rows, n, 4);
  ASSERT_TRUE(s.has_value());
  size_t r = rows.size();
  for (size_t seg = 0; seg < s->begin.size(); ++seg)
    for (uint32_t t = 0; t < s->length[seg]; ++t)
      for (size_t p = 0; p < r; ++p) {
        const SegmentedRows::Row& row = s->rows[p];
        uint32_t index =
            row.stride ? row.first + row.stride * (s->start[seg * r + p] + t) : s->start[seg * r + p];
        if (row.stride) {
          EXPECT_LT(s->start[seg * r + p] + t, row.count);
        }
        EXPECT_EQ(index, rows[p][s->begin[seg] + t].index);
        EXPECT_EQ(row.array, rows[p][s->begin[seg] + t].array);
      }
}

TEST(RowSegments, NotWhenTheyWouldNotPay) {
  // One run: the loop reads the row in place already.
  std::vector<std::vector<RowElement>> run(1);
  for (uint32_t k = 0; k < 100; ++k) run[0].push_back({RowArray::Inputs, k});
  EXPECT_FALSE(segmentRows(run, 100).has_value());
  // Segments of 3 on average, fewer than the 8 asked for.
  auto small = pairRows(6, 1);
  EXPECT_FALSE(segmentRows(small, static_cast<uint32_t>(small[0].size())).has_value());
  // A row mixing inputs and params.
  auto mixed = pairRows(30, 1);
  mixed[1][5].array = RowArray::Params;
  EXPECT_FALSE(segmentRows(mixed, static_cast<uint32_t>(mixed[0].size())).has_value());
  // A row reading a few of many elements: its copy would be longer than the row.
  auto sparse = pairRows(30, 1);
  uint32_t pairs = static_cast<uint32_t>(sparse[0].size());
  ASSERT_TRUE(segmentRows(sparse, pairs).has_value());
  sparse[1].back().index += 100000;  // the last segment (one pair) far away
  EXPECT_FALSE(segmentRows(sparse, pairs).has_value());
  // Segments whose strided starts are not all on one residue.
  auto shifted = pairRows(30, 3);
  for (size_t k = 0; k < 29; ++k) shifted[1][k].index += 1;
  EXPECT_FALSE(segmentRows(shifted, static_cast<uint32_t>(shifted[0].size())).has_value());
}

}  // namespace
}  // namespace gradc::runtime
