#include "tools/gradc/options.hpp"

#include <map>
#include <string_view>

namespace gradc::cli {
namespace {

const std::map<std::string, Command, std::less<>> kCommands = {
    {"eval", Command::Eval},   {"print", Command::Print},     {"check", Command::Check},
    {"stats", Command::Stats}, {"compile", Command::Compile},
};

const char* kOverview =
    "usage: gradc COMMAND MODEL [options]\n"
    "\n"
    "gradc compiles models written in its small expression language, differentiates\n"
    "them symbolically (to any order) and evaluates or prints the results.\n"
    "\n"
    "commands:\n"
    "  eval MODEL [--set name=value ...] [--json] [--interpret] [-O0..-O3] [--no-cache]\n"
    "                                               compute every output (LLVM JIT)\n"
    "  print MODEL [--output name ...] [--format infix|latex|c|dot]\n"
    "                                               print outputs as simplified formulas\n"
    "  check MODEL [--set name=value ...]           compare every grad with finite differences\n"
    "  stats MODEL                                  node counts of the values and each derivative\n"
    "  compile MODEL -o FILE [--header FILE.h] [--name NAME] [-O0..-O3] [--no-cache]\n"
    "                                               ahead-of-time kernel: .o, .so, .ll or .s\n"
    "  help [COMMAND]                               this text, or a command's\n"
    "\n"
    "MODEL is a file, or - for standard input. `gradc --version` prints the version.\n"
    "Every command that reads a MODEL also takes --max-nodes N: the largest graph gradc\n"
    "builds before it stops with an error (default 10000000, about 1 GB).\n"
    "eval and compile keep compiled kernels in $GRADC_CACHE_DIR (default ~/.cache/gradc)\n"
    "and reuse them; --no-cache turns that off.\n"
    "exit status: 0 success, 1 an error in the model (or a failed check), 2 a usage error.\n";

const std::map<std::string, const char*, std::less<>> kCommandHelp = {
    {"eval",
     "usage: gradc eval MODEL [--set name=value ...] [--json] [--interpret] [-O0..-O3] [--no-cache]\n"
     "\n"
     "Compiles every output of MODEL into one kernel with LLVM's JIT and evaluates it,\n"
     "printing the outputs in declaration order. Every input needs a value (--set x=4);\n"
     "params take their defaults unless set.\n"
     "  --set name=value  the value of an input or param (any strtod number: 2.5, -1e3, inf)\n"
     "  --json            one JSON object {\"name\": value, ...}; inf, -inf, nan as strings\n"
     "  --interpret       evaluate with the reference interpreter instead of the JIT\n"
     "  -O0..-O3          LLVM optimisation level (default -O2)\n"
     "  --no-cache        compile the kernel even if the kernel cache has it, and do not\n"
     "                    store it there (the cache: $GRADC_CACHE_DIR, default ~/.cache/gradc)\n"},
    {"print",
     "usage: gradc print MODEL [--output name ...] [--format infix|latex|c|dot]\n"
     "\n"
     "Prints outputs as simplified formulas over the inputs and params, derivatives\n"
     "written out and shared parts as named lines.\n"
     "  --output name  print only this output (repeatable); default: all\n"
     "  --format F     infix (default), latex, c (a C function), dot (Graphviz)\n"},
    {"check",
     "usage: gradc check MODEL [--set name=value ...]\n"
     "\n"
     "Compares every grad in MODEL with a fourth-order central finite difference at\n"
     "the given point. Exit status 1 if any disagrees (relative error above 1e-6).\n"},
    {"stats",
     "usage: gradc stats MODEL\n"
     "\n"
     "Prints the phase times and the node counts of the simplified graph: for all\n"
     "outputs, for the outputs without grad (the values), and for each output.\n"},
    {"compile",
     "usage: gradc compile MODEL -o FILE [--header FILE.h] [--name NAME] [-O0..-O3] [--no-cache]\n"
     "\n"
     "Compiles every output of MODEL ahead of time for this machine's CPU. FILE's\n"
     "extension chooses what is written: .o (an object), .so (a shared library, linked\n"
     "with cc or $CC), .ll (LLVM IR), .s (assembly). The kernel is\n"
     "  void NAME(const double *inputs, const double *params, double *outputs);\n"
     "  void NAME_batch(size_t n, const double *inputs, const double *params, double *outputs);\n"
     "and needs nothing at run time but libm (and libc's memset/memcpy/memmove).\n"
     "  --header FILE.h  also write a C header declaring them\n"
     "  --name NAME      the kernel's name (default: the model file's stem, made a C identifier)\n"
     "  -O0..-O3         LLVM optimisation level (default -O2)\n"
     "  --no-cache       for .o and .so: compile even if the kernel cache has the object, and\n"
     "                   do not store it there (the cache: $GRADC_CACHE_DIR, default ~/.cache/gradc)\n"},
};

bool takesValue(std::string_view flag) {
  return flag == "--set" || flag == "--output" || flag == "--format" || flag == "-o" || flag == "--header" ||
         flag == "--name" || flag == "--max-nodes";
}

std::optional<UsageError> applyFlag(Options& o, std::string_view flag, const std::string& value) {
  if (flag == "--set") {
    auto eq = value.find('=');
    if (eq == std::string::npos || eq == 0)
      return UsageError{"--set expects name=value, got '" + value + "'"};
    o.sets.emplace_back(value.substr(0, eq), value.substr(eq + 1));
  } else if (flag == "--output") {
    o.outputs.push_back(value);
  } else if (flag == "--format") {
    o.format = value;
  } else if (flag == "-o") {
    o.outputFile = value;
  } else if (flag == "--header") {
    o.headerFile = value;
  } else if (flag == "--name") {
    o.kernelName = value;
  } else if (flag == "--max-nodes") {
    size_t digits = value.find_first_not_of("0123456789");
    if (value.empty() || digits != std::string::npos || value.size() > 12 || std::stoull(value) == 0)
      return UsageError{"--max-nodes expects a positive whole number, got '" + value + "'"};
    o.maxNodes = std::stoull(value);
  }
  return std::nullopt;
}

// Which flags each command accepts.
bool accepts(Command c, std::string_view flag) {
  if (flag == "--max-nodes") return c != Command::Help && c != Command::Version;
  switch (c) {
    case Command::Eval:
      return flag == "--set" || flag == "--json" || flag == "--interpret" || flag == "-O0" || flag == "-O1" ||
             flag == "-O2" || flag == "-O3" || flag == "--no-cache";
    case Command::Print: return flag == "--output" || flag == "--format";
    case Command::Check: return flag == "--set";
    case Command::Stats: return false;
    case Command::Compile:
      return flag == "-o" || flag == "--header" || flag == "--name" || flag == "-O0" || flag == "-O1" ||
             flag == "-O2" || flag == "-O3" || flag == "--no-cache";
    case Command::Help:
    case Command::Version: return false;
  }
  return false;
}

}  // namespace

std::string helpText(const std::string& topic) {
  if (auto found = kCommandHelp.find(topic); found != kCommandHelp.end()) return found->second;
  return kOverview;
}

std::variant<Options, UsageError> parseCommandLine(int argc, char** argv) {
  Options o;
  if (argc < 2) return UsageError{"no command given (try 'gradc --help')"};
  std::string_view first = argv[1];
  if (first == "--help" || first == "-h" || first == "help") {
    o.command = Command::Help;
    if (argc > 2) o.helpTopic = argv[2];
    return o;
  }
  if (first == "--version") {
    o.command = Command::Version;
    return o;
  }
  auto found = kCommands.find(first);
  if (found == kCommands.end())
    return UsageError{"unknown command '" + std::string(first) + "' (try 'gradc --help')"};
  o.command = found->second;
  std::string commandName(first);
  bool haveModel = false;
  for (int i = 2; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      o.helpTopic = commandName;
      o.command = Command::Help;
      return o;
    }
    if (arg.size() > 1 && arg[0] == '-') {
      std::string flag(arg), value;
      bool inlineValue = false;
      if (auto eq = flag.find('='); eq != std::string::npos && flag.starts_with("--") && flag != "--set") {
        value = flag.substr(eq + 1);
        flag = flag.substr(0, eq);
        inlineValue = true;
      }
      if (!accepts(o.command, flag))
        return UsageError{"'" + commandName + "' has no option '" + flag + "' (try 'gradc " + commandName +
                          " --help')"};
      if (inlineValue && !takesValue(flag)) return UsageError{"option '" + flag + "' takes no value"};
      if (flag == "--json") {
        o.json = true;
      } else if (flag == "--interpret") {
        o.interpret = true;
      } else if (flag == "--no-cache") {
        o.useCache = false;
      } else if (flag.size() == 3 && flag.starts_with("-O")) {
        o.optLevel = flag[2] - '0';
      } else if (takesValue(flag)) {
        if (!inlineValue) {
          if (i + 1 >= argc) return UsageError{"option '" + flag + "' needs a value"};
          value = argv[++i];
        }
        if (auto error = applyFlag(o, flag, value)) return *error;
      }
      continue;
    }
    if (haveModel)
      return UsageError{"more than one model given: '" + o.model + "' and '" + std::string(arg) + "'"};
    o.model = arg;
    haveModel = true;
  }
  if (!haveModel) return UsageError{"'" + commandName + "' needs a MODEL file (or - for standard input)"};
  return o;
}

}  // namespace gradc::cli
