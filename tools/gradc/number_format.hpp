// Numbers as text: the shortest text that reads back to the same double.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gradc::cli {

std::string shortestText(double value);                    // "900", "0.1", "1e+300", "inf", "-inf", "nan"
std::string jsonNumber(double value);                      // as shortestText, but "inf"/"-inf"/"nan" quoted
std::optional<double> parseNumber(std::string_view text);  // strtod syntax, whole text, C locale
std::string jsonString(std::string_view text);             // quoted and escaped

}  // namespace gradc::cli
