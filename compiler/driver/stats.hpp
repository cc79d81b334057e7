// `gradc stats`: how big the graph is, for the values and for each derivative, so
// that the growth of derivatives can be seen.
#pragma once

#include <string>

#include "compiler/driver/compile.hpp"

namespace gradc {

std::string formatStats(const CompiledModel& compiled);

}  // namespace gradc
