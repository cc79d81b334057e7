// Helpers for tests that start from model text.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/driver/compile.hpp"
#include "compiler/lower/kernel_program.hpp"

namespace gradc::testing {

struct Compiled {
  std::optional<CompiledModel> model;
  std::vector<std::string> diagnostics;  // "LINE:COL: error: MESSAGE"
};

Compiled compileText(const std::string& text, const FrontEndOptions& options = {});

// The kernel program of every output, in depth-first order (as ahead of time and
// at -O3); a failure of the test when the text does not compile.
KernelProgram depthFirstProgramFor(const std::string& text);

// Every output, by name, with inputs and params from `values` (params default otherwise).
std::map<std::string, double> evaluateOutputs(const CompiledModel& compiled,
                                              const std::map<std::string, double>& values);

}  // namespace gradc::testing
