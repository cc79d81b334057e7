// The command line of `gradc`: commands, their options, and the help text.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace gradc::cli {

enum class Command { Help, Version, Eval, Print, Check, Stats, Compile };

struct Options {
  Command command = Command::Help;
  std::string helpTopic;                                  // `gradc help eval`, `gradc eval --help`
  std::string model;                                      // a path, or "-" for standard input
  std::vector<std::pair<std::string, std::string>> sets;  // --set name=value
  bool json = false;
  bool interpret = false;            // eval: the reference interpreter instead of the JIT
  std::vector<std::string> outputs;  // print --output
  std::string format = "infix";      // print --format
  std::string outputFile;            // compile -o
  std::string headerFile;            // compile --header
  std::string kernelName;            // compile --name
  int optLevel = 2;                  // compile -O0..-O3
  bool useCache = true;              // eval, compile: the kernel cache (off with --no-cache)
  size_t maxNodes = 0;               // --max-nodes; 0: the default limit
};

struct UsageError {
  std::string message;
};

// Either the options or what is wrong with the command line.
std::variant<Options, UsageError> parseCommandLine(int argc, char** argv);

std::string helpText(const std::string& topic);

}  // namespace gradc::cli
