#include "tools/gradc/number_format.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "compiler/print/number_text.hpp"

namespace gradc::cli {

std::string shortestText(double value) { return formatNumber(value); }

std::string jsonNumber(double value) {
  std::string text = shortestText(value);
  return std::isfinite(value) ? text : "\"" + text + "\"";
}

std::optional<double> parseNumber(std::string_view text) {
  if (text.empty() || text.size() > 4096) return std::nullopt;
  std::string copy(text);
  char* end = nullptr;
  double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  return value;
}

std::string jsonString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", u);
      out += buffer;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace gradc::cli
