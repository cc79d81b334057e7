// The rows of a loop (compiler/lower/loop_rerolling.hpp) as segments of affine
// runs, so that the loop reads its operands where they are instead of from
// copies.
//
// A loop's input row p holds its operand in each iteration k. When every operand
// is an input or a param of the kernel, rows are often runs: in the pairs (i, j),
// i < j, of Lennard-Jones, the row of x_i is x_0 63 times, x_1 62 times, ..., and
// the row of x_j is x_1, x_2, ..., x_63, then x_2, ..., x_63, ... (every third input,
// the coordinates being interleaved). Cut where any row breaks its run, each
// segment gives every row one element repeated (stride 0) or elements at a fixed
// stride from a start; the code generator then runs the body segment by segment,
// a repeated element broadcast to the lanes and a strided one read as a vector
// from a one-time copy of every stride-th element (instead of 12,000 copied
// values for lennard_jones_64).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace gradc::runtime {

enum class RowArray : uint8_t { Inputs, Params };

struct RowElement {
  RowArray array = RowArray::Inputs;
  uint32_t index = 0;
};

struct SegmentedRows {
  struct Row {
    RowArray array = RowArray::Inputs;
    uint32_t stride = 0;  // 0: one element per segment
    // stride > 0: the row's elements are among first, first + stride, ...,
    // first + (count - 1) stride, which the code generator copies once.
    uint32_t first = 0, count = 0;
  };
  std::vector<Row> rows;
  std::vector<uint32_t> begin, length;  // of each segment: its first iteration, how many
  // start[s * rows.size() + p]: row p's element in segment s (stride 0), or the
  // position (index - first) / stride of its first element in the copy (stride > 0).
  std::vector<uint32_t> start;
};

// The segments of `rows` (each `iterations` long), if there are at least two and
// at most iterations / minAverageLength of them (shorter runs are cheaper copied),
// and no row's copy is longer than the row (which the other way copies whole).
std::optional<SegmentedRows> segmentRows(std::span<const std::vector<RowElement>> rows, uint32_t iterations,
                                         uint32_t minAverageLength = 8);

}  // namespace gradc::runtime
