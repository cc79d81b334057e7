// Printing formulas: each output of a simplified model as a readable formula over
// the inputs and params, with shared parts written once as named lines.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "compiler/sema/model.hpp"

namespace gradc {

enum class PrintFormat { Infix, Latex, C, Dot };

std::optional<PrintFormat> parsePrintFormat(std::string_view name);  // "infix", "latex", "c", "dot"

// Prints the outputs with the given indices (into model.outputs), in that order.
// `model` should be simplified (no Binding nodes; nameHints filled).
std::string printModel(const ModelGraph& model, std::span<const size_t> outputs, PrintFormat format);

}  // namespace gradc
