#include "compiler/diag/diagnostic.hpp"

namespace gradc {

void Diagnostics::error(uint32_t offset, std::string message) {
  list_.push_back({Severity::Error, offset, std::move(message)});
  ++errorCount_;
}

void Diagnostics::warning(uint32_t offset, std::string message) {
  list_.push_back({Severity::Warning, offset, std::move(message)});
}

void Diagnostics::note(uint32_t offset, std::string message) {
  list_.push_back({Severity::Note, offset, std::move(message)});
}

void Diagnostics::append(const std::vector<Diagnostic>& more) {
  for (const auto& d : more) {
    list_.push_back(d);
    if (d.severity == Severity::Error) ++errorCount_;
  }
}

static const char* severityName(Severity severity) {
  switch (severity) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

// Printable form of a source line: control bytes other than tab become '?', so that a
// hostile file cannot move the terminal's cursor; bytes >= 0x80 are kept (UTF-8 text).
static std::string printable(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (char c : line) {
    auto u = static_cast<unsigned char>(c);
    out.push_back((u < 0x20 && c != '\t') || u == 0x7f ? '?' : c);
  }
  return out;
}

std::string formatDiagnostic(const SourceFile& source, const Diagnostic& d) {
  LineColumn at = source.locate(d.offset);
  std::string out = source.name() + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": " +
                    severityName(d.severity) + ": " + d.message + "\n";
  std::string_view line = source.lineText(at.line);
  // Very long lines are cut around the column so that the caret stays readable.
  constexpr uint32_t kWindow = 160;
  uint32_t first = at.column - 1 > kWindow / 2 ? at.column - 1 - kWindow / 2 : 0;
  if (first > line.size()) first = static_cast<uint32_t>(line.size());
  std::string_view shown = line.substr(first, kWindow);
  out += "  " + printable(shown) + "\n  ";
  // One space per character before the column: UTF-8 continuation bytes take none.
  for (uint32_t i = first; i + 1 < at.column && i < line.size(); ++i) {
    auto u = static_cast<unsigned char>(line[i]);
    if ((u & 0xC0) != 0x80) out.push_back(line[i] == '\t' ? '\t' : ' ');
  }
  out += "^\n";
  return out;
}

std::string formatDiagnostics(const SourceFile& source, const std::vector<Diagnostic>& list) {
  std::string out;
  for (const auto& d : list) out += formatDiagnostic(source, d);
  return out;
}

}  // namespace gradc
