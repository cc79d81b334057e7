#include "test_support.hpp"

#include <gtest/gtest.h>

#include "compiler/interp/evaluate.hpp"

namespace gradc::testing {

Compiled compileText(const std::string& text, const FrontEndOptions& options) {
  SourceFile source("test.grad", text);
  Diagnostics diagnostics;
  Compiled result;
  result.model = compileModel(source, diagnostics, options);
  static const char* kSeverity[] = {"error", "warning", "note"};
  for (const auto& d : diagnostics.all()) {
    LineColumn at = source.locate(d.offset);
    result.diagnostics.push_back(std::to_string(at.line) + ":" + std::to_string(at.column) + ": " +
                                 kSeverity[static_cast<int>(d.severity)] + ": " + d.message);
  }
  return result;
}

KernelProgram depthFirstProgramFor(const std::string& text) {
  Compiled r = compileText(text);
  EXPECT_TRUE(r.model) << ::testing::PrintToString(r.diagnostics);
  return r.model ? reorderDepthFirst(scheduleKernel(r.model->simplified)) : KernelProgram{};
}

std::map<std::string, double> evaluateOutputs(const CompiledModel& compiled,
                                              const std::map<std::string, double>& values) {
  const ModelGraph& m = compiled.simplified;
  std::vector<double> vars(m.graph.variables().size(), 0.0);
  for (size_t i = 0; i < m.params.size(); ++i) vars[m.params[i]] = m.paramDefaults[i];
  for (size_t v = 0; v < vars.size(); ++v)
    if (auto found = values.find(m.graph.variables()[v].name); found != values.end()) vars[v] = found->second;
  std::vector<NodeId> roots;
  for (const auto& o : m.outputs) roots.push_back(o.node);
  std::vector<double> results = evaluate(m.graph, roots, vars);
  std::map<std::string, double> out;
  for (size_t i = 0; i < roots.size(); ++i) out[m.outputs[i].name] = results[i];
  return out;
}

}  // namespace gradc::testing
