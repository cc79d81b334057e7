#include "compiler/diag/diagnostic.hpp"

#include <gtest/gtest.h>

#include "compiler/diag/suggest.hpp"

namespace gradc {
namespace {

TEST(SourceFile, LocatesLinesAndColumns) {
  SourceFile s("m.grad", "ab\r\ncd\n\nef");
  EXPECT_EQ(s.locate(0).line, 1u);
  EXPECT_EQ(s.locate(4).line, 2u);
  EXPECT_EQ(s.locate(5).column, 2u);
  EXPECT_EQ(s.lineText(1), "ab");  // the \r is not part of the line
  EXPECT_EQ(s.lineText(3), "");
  EXPECT_EQ(s.lineText(4), "ef");
  EXPECT_EQ(s.locate(1000).line, 4u);
}

TEST(Diagnostic, FormatsWithCaret) {
  SourceFile s("m.grad", "input x\ny = x + z\n");
  Diagnostic d{Severity::Error, 16, "undefined name `z`"};
  EXPECT_EQ(formatDiagnostic(s, d), "m.grad:2:9: error: undefined name `z`\n  y = x + z\n          ^\n");
}

TEST(Diagnostic, ControlBytesAreNotPrintedRaw) {
  SourceFile s("m.grad", std::string("a\x1b[2J = 1", 9));
  Diagnostic d{Severity::Error, 1, "unexpected character"};
  EXPECT_EQ(formatDiagnostic(s, d).find('\x1b'), std::string::npos);
}

TEST(Diagnostic, CaretFollowsTabs) {
  SourceFile s("m.grad", "\ty = q\n");
  Diagnostic d{Severity::Warning, 5, "w"};
  EXPECT_EQ(formatDiagnostic(s, d), "m.grad:1:6: warning: w\n  \ty = q\n  \t    ^\n");
}

TEST(Diagnostic, CaretCountsCharactersNotBytes) {
  SourceFile s("m.grad", "y = \xc3\xa9 + q\n");  // y = é + q
  Diagnostic d{Severity::Error, 9, "q"};
  EXPECT_EQ(formatDiagnostic(s, d), "m.grad:1:10: error: q\n  y = \xc3\xa9 + q\n          ^\n");
}

TEST(Suggest, ClosestName) {
  EXPECT_EQ(closestName("sqrtt", {"sqrt", "sin", "exp"}), "sqrt");
  EXPECT_EQ(closestName("qqqqq", {"sqrt", "sin", "exp"}), std::nullopt);
  EXPECT_EQ(editDistance("kitten", "sitting"), 3u);
}

}  // namespace
}  // namespace gradc
