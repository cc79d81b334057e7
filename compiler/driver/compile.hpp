// The front half of gradc as one call: text -> parse -> analyse (and differentiate)
// -> simplify. What every command and the API run first.
#pragma once

#include <optional>

#include "compiler/diag/diagnostic.hpp"
#include "compiler/sema/model.hpp"

namespace gradc {

struct PhaseTimes {
  double parseSeconds = 0;
  double analyzeSeconds = 0;  // includes differentiation
  double simplifySeconds = 0;
};

struct CompiledModel {
  ModelGraph analyzed;    // as analysed: bindings present, every grad recorded
  ModelGraph simplified;  // what is evaluated and printed
  PhaseTimes times;
};

struct FrontEndOptions {
  size_t nodeLimit = kDefaultNodeLimit;  // see graph.hpp
};

// nullopt when the model has errors; every diagnostic (warnings too) is in `diagnostics`.
std::optional<CompiledModel> compileModel(const SourceFile& source, Diagnostics& diagnostics,
                                          const FrontEndOptions& options = {});

}  // namespace gradc
