#include "compiler/diag/suggest.hpp"

#include <algorithm>
#include <numeric>

namespace gradc {

size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::optional<std::string> closestName(std::string_view misspelt,
                                       const std::vector<std::string>& candidates) {
  // Long names (a 10,000-character typo) are not worth a quadratic comparison.
  if (misspelt.size() > 64) return std::nullopt;
  // One or two letters are too short to guess from: `z` is not a typo of `x`.
  if (misspelt.size() < 3) return std::nullopt;
  size_t limit = std::max<size_t>(1, misspelt.size() / 3);
  std::optional<std::string> best;
  size_t bestDistance = limit + 1;
  for (const auto& c : candidates) {
    if (c.size() > misspelt.size() + limit || c.size() + limit < misspelt.size()) continue;
    size_t d = editDistance(misspelt, c);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace gradc
