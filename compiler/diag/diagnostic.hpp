// A user's mistake (or a warning about their model), located in the source.
// Internal invariants are assertions, never diagnostics.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "compiler/diag/source_file.hpp"

namespace gradc {

enum class Severity { Error, Warning, Note };

struct Diagnostic {
  Severity severity = Severity::Error;
  uint32_t offset = 0;  // byte offset into the source text
  std::string message;
};

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

// The one exception type of gradc's API: it carries the formatted diagnostics.
class Error : public std::runtime_error {
 public:
  Error(std::string formatted, std::vector<Diagnostic> diagnostics)
      : std::runtime_error(std::move(formatted)), diagnostics_(std::move(diagnostics)) {}
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace gradc
