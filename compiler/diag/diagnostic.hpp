// A user's mistake (or a warning about their model), located in the source.
// Internal invariants are assertions, never diagnostics.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "compiler/diag/source_file.hpp"
#include "gradc/error.hpp"  // Severity, Diagnostic, Error: shared with the public API

namespace gradc {

// Collects diagnostics in the order they are found.
class Diagnostics {
 public:
  void error(uint32_t offset, std::string message);
  void warning(uint32_t offset, std::string message);
  void note(uint32_t offset, std::string message);

  bool hasErrors() const { return errorCount_ > 0; }
  size_t errorCount() const { return errorCount_; }
  const std::vector<Diagnostic>& all() const { return list_; }
  void append(const std::vector<Diagnostic>& more);

 private:
  std::vector<Diagnostic> list_;
  size_t errorCount_ = 0;
};

// "FILE:LINE:COL: error: MESSAGE", then the source line, then a caret under the column.
std::string formatDiagnostic(const SourceFile& source, const Diagnostic& diagnostic);
std::string formatDiagnostics(const SourceFile& source, const std::vector<Diagnostic>& list);

}  // namespace gradc
