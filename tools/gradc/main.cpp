// gradc: the command line. Each command compiles the model (parse, analyse,
// differentiate, simplify) and then evaluates, prints, checks or measures it.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <new>
#include <sstream>

#include "compiler/driver/compile.hpp"
#include "compiler/driver/finite_difference.hpp"
#include "compiler/driver/stats.hpp"
#include "compiler/interp/evaluate.hpp"
#include "compiler/lower/kernel_program.hpp"
#include "compiler/print/print.hpp"
#include "runtime/aot.hpp"
#include "runtime/jit.hpp"
#include "tools/gradc/number_format.hpp"
#include "tools/gradc/options.hpp"

#ifndef GRADC_VERSION
#define GRADC_VERSION "unknown"
#endif

namespace gradc::cli {
namespace {

constexpr int kOk = 0;
constexpr int kModelError = 1;
constexpr int kUsageError = 2;

int usageError(const std::string& message) {
  std::cerr << "gradc: " << message << "\n";
  return kUsageError;
}

std::optional<SourceFile> readModel(const std::string& path, std::string& error) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return SourceFile("<stdin>", std::move(text));
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    error = "cannot read '" + path + "': it is a directory";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read '" + path + "': " + std::strerror(errno);
    return std::nullopt;
  }
  text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) {
    error = "cannot read '" + path + "'";
    return std::nullopt;
  }
  return SourceFile(path, std::move(text));
}

// Values of every variable (indexed by variable index) from defaults and --set.
std::optional<std::vector<double>> variableValues(const ModelGraph& m, const Options& o, std::string& error) {
  const auto& vars = m.graph.variables();
  std::vector<double> values(vars.size(), 0.0);
  std::vector<char> given(vars.size(), 0);
  for (size_t i = 0; i < m.params.size(); ++i) {
    values[m.params[i]] = m.paramDefaults[i];
    given[m.params[i]] = 1;
  }
  for (const auto& [name, text] : o.sets) {
    size_t index = vars.size();
    for (size_t v = 0; v < vars.size(); ++v)
      if (vars[v].name == name) index = v;
    if (index == vars.size()) {
      error = "--set " + name + ": the model has no input or param named '" + name + "'";
      return std::nullopt;
    }
    auto value = parseNumber(text);
    if (!value) {
      error = "--set " + name + "=" + text + ": '" + text + "' is not a number";
      return std::nullopt;
    }
    values[index] = *value;
    given[index] = 1;
  }
  for (uint32_t v : m.inputs)
    if (!given[v]) {
      error = "input '" + vars[v].name + "' has no value: pass --set " + vars[v].name + "=VALUE";
      return std::nullopt;
    }
  return values;
}

std::vector<double> interpretOutputs(const ModelGraph& m, const std::vector<double>& values) {
  std::vector<NodeId> roots;
  for (const auto& out : m.outputs) roots.push_back(out.node);
  return evaluate(m.graph, roots, values);
}

// Compiles every output into one kernel with the JIT (or takes it from the kernel
// cache) and calls it once.
std::vector<double> runKernel(const ModelGraph& m, const std::vector<double>& values, const Options& o) {
  KernelProgram program = scheduleKernel(m);
  auto kernel = JitKernel::compile(program, {.optLevel = o.optLevel, .useCache = o.useCache});
  std::vector<double> inputs, params, outputs(m.outputs.size());
  for (uint32_t v : m.inputs) inputs.push_back(values[v]);
  for (uint32_t v : m.params) params.push_back(values[v]);
  (*kernel)(inputs.data(), params.data(), outputs.data());
  return outputs;
}

int runEval(const CompiledModel& compiled, const Options& o) {
  const ModelGraph& m = compiled.simplified;
  std::string error;
  auto values = variableValues(m, o, error);
  if (!values) return usageError(error);
  std::vector<double> results = o.interpret ? interpretOutputs(m, *values) : runKernel(m, *values, o);
  std::string text;
  if (o.json) {
    text = "{";
    for (size_t i = 0; i < results.size(); ++i)
      text += (i ? ", " : "") + jsonString(m.outputs[i].name) + ": " + jsonNumber(results[i]);
    text += "}\n";
  } else {
    for (size_t i = 0; i < results.size(); ++i)
      text += m.outputs[i].name + " = " + shortestText(results[i]) + "\n";
  }
  std::cout << text;
  return kOk;
}

int runPrint(const CompiledModel& compiled, const Options& o) {
  const ModelGraph& m = compiled.simplified;
  auto format = parsePrintFormat(o.format);
  if (!format) return usageError("unknown --format '" + o.format + "' (infix, latex, c or dot)");
  std::vector<size_t> chosen;
  if (o.outputs.empty())
    for (size_t i = 0; i < m.outputs.size(); ++i) chosen.push_back(i);
  for (const auto& name : o.outputs) {
    size_t i = 0;
    while (i < m.outputs.size() && m.outputs[i].name != name) ++i;
    if (i == m.outputs.size())
      return usageError("--output " + name + ": the model has no output named '" + name + "'");
    chosen.push_back(i);
  }
  std::cout << printModel(m, chosen, *format);
  return kOk;
}

// A finite difference is only good to about 10 digits: printing more would show noise.
std::string roundedText(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

int runCheck(const CompiledModel& compiled, const SourceFile& source, const Options& o) {
  std::string error;
  auto values = variableValues(compiled.analyzed, o, error);
  if (!values) return usageError(error);
  bool allAgree = true;
  for (const auto& c : checkGradients(compiled.analyzed, *values)) {
    LineColumn at = source.locate(c.record->offset);
    std::printf("%s:%u:%u: %s  %s: analytic %s, finite difference %s\n", source.name().c_str(), at.line,
                at.column, c.agrees ? "ok      " : "MISMATCH", c.record->text.c_str(),
                shortestText(c.analytic).c_str(), roundedText(c.numeric).c_str());
    allAgree = allAgree && c.agrees;
  }
  size_t count = compiled.analyzed.grads.size();
  std::printf("%zu grad%s checked, %s\n", count, count == 1 ? "" : "s",
              allAgree ? "all agree" : "some disagree");
  return allAgree ? kOk : kModelError;
}

int runCompile(const CompiledModel& compiled, const SourceFile& source, const Options& o) {
  std::string name =
      o.kernelName.empty() ? kernelNameFromPath(o.model == "-" ? "model" : o.model) : o.kernelName;
  KernelProgram program = scheduleKernel(compiled.simplified);
  // The header first: a failure then leaves no object behind. Files that cannot be
  // written are usage errors (exit 2), like a missing model file.
  if (!o.headerFile.empty()) {
    std::ofstream header(o.headerFile, std::ios::binary | std::ios::trunc);
    header << kernelHeader(program, name, source.name());
    if (!header) return usageError("cannot write '" + o.headerFile + "'");
  }
  try {
    writeArtifact(program, name, o.outputFile, *artifactKindFor(o.outputFile), o.optLevel, o.useCache);
  } catch (const Error& error) {
    std::string message = error.what();
    return usageError(message.starts_with("gradc: ") ? message.substr(7) : message);
  }
  return kOk;
}

int run(const Options& o) {
  switch (o.command) {
    case Command::Help: std::cout << helpText(o.helpTopic); return kOk;
    case Command::Version: std::cout << "gradc " GRADC_VERSION "\n"; return kOk;
    case Command::Compile:
      if (o.outputFile.empty())
        return usageError("'compile' needs an output file: -o FILE.o (or .so, .ll, .s)");
      if (!artifactKindFor(o.outputFile))
        return usageError("cannot tell what to write from '" + o.outputFile + "': use .o, .so, .ll or .s");
      if (!o.kernelName.empty() && !isCIdentifier(o.kernelName))
        return usageError("--name " + o.kernelName + ": a kernel name must be a C identifier");
      break;
    case Command::Eval:
    case Command::Print:
    case Command::Check:
    case Command::Stats: break;
  }
  std::string error;
  auto source = readModel(o.model, error);
  if (!source) return usageError(error);
  Diagnostics diagnostics;
  FrontEndOptions frontEnd;
  if (o.maxNodes) frontEnd.nodeLimit = o.maxNodes;
  auto compiled = compileModel(*source, diagnostics, frontEnd);
  std::cerr << formatDiagnostics(*source, diagnostics.all());
  if (!compiled) return kModelError;
  switch (o.command) {
    case Command::Eval: return runEval(*compiled, o);
    case Command::Print: return runPrint(*compiled, o);
    case Command::Check: return runCheck(*compiled, *source, o);
    case Command::Stats: std::cout << formatStats(*compiled); return kOk;
    case Command::Compile: return runCompile(*compiled, *source, o);
    case Command::Help:
    case Command::Version: break;
  }
  return kOk;
}

}  // namespace
}  // namespace gradc::cli

// Out of memory anywhere (LLVM included, which cannot unwind an exception): say so
// and stop with status 1, before anything half-built is touched again.
[[noreturn]] static void outOfMemory() {
  static const char message[] = "gradc: out of memory\n";
  (void)!::write(2, message, sizeof message - 1);
  ::_exit(1);
}

int main(int argc, char** argv) {
  using namespace gradc::cli;
  std::set_new_handler(outOfMemory);
  auto parsed = parseCommandLine(argc, argv);
  if (auto* error = std::get_if<UsageError>(&parsed)) return usageError(error->message);
  try {
    return run(std::get<Options>(parsed));
  } catch (const gradc::Error& error) {
    std::cerr << error.what() << "\n";
    return kModelError;
  } catch (const std::bad_alloc&) {
    std::cerr << "gradc: out of memory\n";
    return kModelError;
  }
}
