// "did you mean ...?": the closest known name to a misspelt one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gradc {

// The candidate with the smallest edit distance to `misspelt`, if that distance is
// small for the word's length (at most 1 for short words, a third of it for long
// ones); names of one or two letters get no suggestion.
std::optional<std::string> closestName(std::string_view misspelt, const std::vector<std::string>& candidates);

size_t editDistance(std::string_view a, std::string_view b);

}  // namespace gradc
