// The public API's expressions as a simplified ModelGraph with the chosen outputs:
// what kernels are compiled from and formulas printed from.
#pragma once

#include <string>
#include <vector>

#include "compiler/sema/model.hpp"
#include "gradc/gradc.hpp"

namespace gradc::detail {

// All outputs must come from one Builder or Model (plain numbers are fine when at
// least one does not). Output names default to out0, out1, ...; `keepBindings`
// keeps the named values as name hints for printers.
ModelGraph snapshot(const std::vector<Expr>& outputs, const std::vector<std::string>& names, bool keepBindings);

}  // namespace gradc::detail
