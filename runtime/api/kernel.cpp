// Kernels of the public API: the JIT and the ahead-of-time writer behind a
// type-free interface.
#include "compiler/lower/kernel_program.hpp"
#include "gradc/gradc.hpp"
#include "runtime/aot.hpp"
#include "runtime/api/snapshot.hpp"
#include "runtime/jit.hpp"

namespace gradc {

Kernel::Kernel(const std::vector<Expr>& outputs, const std::vector<std::string>& outputNames, CompileOptions options) {
  ModelGraph m = detail::snapshot(outputs, outputNames, false);
  jit_ = JitKernel::compile(scheduleKernel(m), {.optLevel = options.optLevel, .useCache = options.cache});
}

Kernel::~Kernel() = default;
Kernel::Kernel(Kernel&&) noexcept = default;
Kernel& Kernel::operator=(Kernel&&) noexcept = default;

void Kernel::operator()(const double* inputs, const double* params, double* outputs) const {
  (*jit_)(inputs, params, outputs);
}

std::vector<double> Kernel::operator()(const std::vector<double>& inputs, const std::vector<double>& params) const {
  if (inputs.size() != jit_->numInputs() || params.size() != jit_->numParams())
    throw Error("gradc: the kernel takes " + std::to_string(jit_->numInputs()) + " inputs and " +
                    std::to_string(jit_->numParams()) + " params, got " + std::to_string(inputs.size()) + " and " +
                    std::to_string(params.size()),
                {});
  std::vector<double> out(jit_->numOutputs());
  (*jit_)(inputs.data(), params.data(), out.data());
  return out;
}

void Kernel::batch(size_t n, const double* inputs, const double* params, double* outputs) const {
  jit_->batch(n, inputs, params, outputs);
}

void Kernel::parallelBatch(size_t n, const double* inputs, const double* params, double* outputs,
                           unsigned threads) const {
  jit_->parallelBatch(n, inputs, params, outputs, threads);
}

const std::vector<std::string>& Kernel::inputNames() const { return jit_->inputNames(); }
const std::vector<std::string>& Kernel::paramNames() const { return jit_->paramNames(); }
const std::vector<std::string>& Kernel::outputNames() const { return jit_->outputNames(); }

void writeKernel(const std::vector<Expr>& outputs, const std::string& path, const std::string& kernelName,
                 const std::vector<std::string>& outputNames, CompileOptions options) {
  auto kind = artifactKindFor(path);
  if (!kind) throw Error("gradc: cannot tell what to write from '" + path + "': use .o, .so, .ll or .s", {});
  if (!isCIdentifier(kernelName)) throw Error("gradc: a kernel name must be a C identifier: '" + kernelName + "'", {});
  ModelGraph m = detail::snapshot(outputs, outputNames, false);
  writeArtifact(scheduleKernel(m), kernelName, path, *kind, options.optLevel, options.cache);
}

std::string kernelHeader(const std::vector<Expr>& outputs, const std::string& kernelName,
                         const std::vector<std::string>& outputNames) {
  ModelGraph m = detail::snapshot(outputs, outputNames, false);
  return kernelHeader(scheduleKernel(m), kernelName, "the gradc C++ API");
}

}  // namespace gradc
