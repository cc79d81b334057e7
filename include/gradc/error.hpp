// gradc's one exception type, and the diagnostics it carries.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace gradc {

enum class Severity { Error, Warning, Note };

// A user's mistake (or a warning about their model), located in the source.
struct Diagnostic {
  Severity severity = Severity::Error;
  uint32_t offset = 0;  // byte offset into the source text
  std::string message;
};

// what() is the formatted report: `FILE:LINE:COL: error: MESSAGE`, the source line
// and a caret, for each diagnostic (or a plain message for API misuse).
class Error : public std::runtime_error {
 public:
  Error(std::string formatted, std::vector<Diagnostic> diagnostics)
      : std::runtime_error(std::move(formatted)), diagnostics_(std::move(diagnostics)) {}
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace gradc
