// libFuzzer target: any bytes -> parseModel, every diagnostic formatted.
//
// Properties: no crash, hang, leak or sanitizer report; every diagnostic and every
// span of the syntax tree lies inside the text; every operand of an expression is
// an expression of the arena. See docs/testing.md, "Fuzzing".
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "compiler/diag/diagnostic.hpp"
#include "compiler/diag/source_file.hpp"
#include "grammar/parser.hpp"

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "parser_fuzzer: property failed: %s\n", what);
  std::fflush(stderr);
  std::abort();
}

bool inside(const gradc::ast::Span& s, size_t size) { return s.begin <= s.end && s.end <= size; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return -1;  // the parser is linear; longer inputs only slow the search
  gradc::SourceFile source("fuzz.grad", std::string(reinterpret_cast<const char*>(data), size));
  gradc::Diagnostics diagnostics;
  gradc::ast::Model model = gradc::parseModel(source, diagnostics);

  for (const gradc::Diagnostic& d : diagnostics.all()) {
    if (d.offset > size) fail("a diagnostic's offset lies past the end of the text");
    if (d.message.empty()) fail("a diagnostic without a message");
    if (gradc::formatDiagnostic(source, d).empty()) fail("a diagnostic formatted as nothing");
  }

  for (const gradc::ast::Expr& e : model.exprs) {
    if (!inside(e.span, size) || !inside(e.opSpan, size)) fail("an expression's span lies outside the text");
    for (gradc::ast::ExprId a : e.args)
      if (a >= model.exprs.size()) fail("an operand that is not in the arena");
  }
  auto validExpr = [&](gradc::ast::ExprId id, bool optional) {
    return (optional && id == gradc::ast::kNoExpr) || id < model.exprs.size();
  };
  for (const gradc::ast::Statement& st : model.statements) {
    if (!inside(st.span, size) || !inside(st.nameSpan, size) || !inside(st.keywordSpan, size))
      fail("a statement's span lies outside the text");
    if (!validExpr(st.value, true)) fail("a statement's value is not in the arena");
    for (const auto& d : st.declarators) {
      if (!inside(d.nameSpan, size)) fail("a declarator's span lies outside the text");
      if (!validExpr(d.value, true)) fail("a declarator's value is not in the arena");
    }
  }
  return 0;
}
