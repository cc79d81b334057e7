// A double as the shortest text that reads back to the same value ("900", "0.1",
// "1e+300"), and "inf", "-inf", "nan": what printers and `gradc eval` show.
#pragma once

#include <string>

namespace gradc {

std::string formatNumber(double value);

}  // namespace gradc
