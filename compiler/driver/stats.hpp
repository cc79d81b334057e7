// `gradc stats`: how big the graph is, for the values and for each derivative, so
// that the growth of derivatives can be seen.
#pragma once

#include <cstddef>
#include <string>

#include "compiler/driver/compile.hpp"

namespace gradc {

// The per-output rows stop (with a line saying how many are left out) once they
// have walked this many nodes in all.
inline constexpr size_t kStatsRowBudget = 20'000'000;

std::string formatStats(const CompiledModel& compiled, size_t rowBudget = kStatsRowBudget);

}  // namespace gradc
