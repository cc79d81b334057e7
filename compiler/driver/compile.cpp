#include "compiler/driver/compile.hpp"

#include <chrono>

#include "compiler/sema/analyze.hpp"
#include "compiler/simplify/simplify.hpp"
#include "grammar/parser.hpp"

namespace gradc {

namespace {
class Stopwatch {
 public:
  double lap() {
    auto now = std::chrono::steady_clock::now();
    double seconds = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    return seconds;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};
}  // namespace

std::optional<CompiledModel> compileModel(const SourceFile& source, Diagnostics& diagnostics,
                                          const FrontEndOptions& options) {
  CompiledModel result;
  Stopwatch clock;
  ast::Model syntax = parseModel(source, diagnostics);
  result.times.parseSeconds = clock.lap();
  if (diagnostics.hasErrors()) return std::nullopt;
  result.analyzed = analyze(syntax, source, diagnostics, options.nodeLimit);
  result.times.analyzeSeconds = clock.lap();
  if (diagnostics.hasErrors()) return std::nullopt;
  result.simplified = simplify(result.analyzed);
  result.times.simplifySeconds = clock.lap();
  return result;
}

}  // namespace gradc
