// Ahead-of-time kernels: the JIT's code written to a file, plus a C header.
// The object defines NAME and NAME_batch with the ABI of docs/kernel-abi.md and
// needs nothing at run time but libm (and libc's memset/memcpy).
#pragma once

#include <optional>
#include <string>

#include "compiler/lower/kernel_program.hpp"

namespace gradc {

enum class ArtifactKind { Object, SharedLibrary, LlvmIr, Assembly };

// From the output file's extension: .o, .so, .ll, .s.
std::optional<ArtifactKind> artifactKindFor(const std::string& path);

// Writes the kernel to `path`. A shared library is linked with the system's C
// compiler driver (`cc`, or $CC). Throws gradc::Error on failure (an unwritable
// file, a failed link). The same program and options give byte-identical files.
// With useCache, the object of a .o or .so comes from the kernel cache when it is
// there, and goes into it when it is not (runtime/kernel_cache.hpp); .ll and .s
// are always made afresh.
void writeArtifact(const KernelProgram& program, const std::string& name, const std::string& path,
                   ArtifactKind kind, int optLevel, bool useCache = false);

// The C header declaring NAME and NAME_batch, with NAME_NUM_INPUTS/PARAMS/OUTPUTS
// and the names of each in comments.
std::string kernelHeader(const KernelProgram& program, const std::string& name, const std::string& modelName);

// A valid C identifier from a file's stem: each character that is not a letter,
// digit or `_` becomes `_`; a leading digit gets a `_` in front.
std::string kernelNameFromPath(const std::string& path);
bool isCIdentifier(const std::string& name);

}  // namespace gradc
