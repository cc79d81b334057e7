// gradc's C++ API: build or parse models, differentiate them symbolically to any
// order, print formulas, and compile kernels (in memory, or ahead of time).
//
//   gradc::Builder b;
//   gradc::Expr x = b.input("x"), w = b.param("w", 3);
//   gradc::Expr l = b.name("l", w * x);            // a named value: grad w.r.t. it is allowed
//   gradc::Expr y = gradc::pow(l + 1, 2);
//   gradc::Kernel k({y, gradc::grad(y, w), gradc::grad(y, l)});
//   std::vector<double> out = k({4.0}, {3.0});     // inputs, params
//
// Expressions of one Builder or Model share one graph. Building expressions is not
// thread-safe; a compiled Kernel is immutable and may be called from any number of
// threads at once. Every error is a gradc::Error. No LLVM or Boost type appears here.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "gradc/error.hpp"

namespace gradc {

namespace detail {
struct Session;
struct Access;
}  // namespace detail

class JitKernel;

// A scalar expression (or a comparison, usable only as the condition of where()).
class Expr {
 public:
  Expr() = default;
  Expr(double value) : value_(value) {}  // NOLINT(google-explicit-constructor): 2 * x reads as math

 private:
  friend struct detail::Access;
  Expr(std::shared_ptr<detail::Session> session, uint32_t node) : session_(std::move(session)), node_(node) {}
  std::shared_ptr<detail::Session> session_;  // null: a plain number, not yet in any graph
  uint32_t node_ = 0;
  double value_ = 0;
};

Expr operator+(const Expr& a, const Expr& b);
Expr operator-(const Expr& a, const Expr& b);
Expr operator*(const Expr& a, const Expr& b);
Expr operator/(const Expr& a, const Expr& b);
Expr operator-(const Expr& a);
Expr operator+(const Expr& a);
Expr operator<(const Expr& a, const Expr& b);
Expr operator<=(const Expr& a, const Expr& b);
Expr operator>(const Expr& a, const Expr& b);
Expr operator>=(const Expr& a, const Expr& b);
Expr operator==(const Expr& a, const Expr& b);
Expr operator!=(const Expr& a, const Expr& b);

Expr pow(const Expr& base, const Expr& exponent);
Expr exp(const Expr& x);
Expr log(const Expr& x);
Expr log1p(const Expr& x);
Expr expm1(const Expr& x);
Expr sqrt(const Expr& x);
Expr sin(const Expr& x);
Expr cos(const Expr& x);
Expr tan(const Expr& x);
Expr asin(const Expr& x);
Expr acos(const Expr& x);
Expr atan(const Expr& x);
Expr atan2(const Expr& y, const Expr& x);
Expr sinh(const Expr& x);
Expr cosh(const Expr& x);
Expr tanh(const Expr& x);
Expr abs(const Expr& x);
Expr sign(const Expr& x);
Expr min(const Expr& a, const Expr& b);
Expr max(const Expr& a, const Expr& b);
Expr hypot(const Expr& a, const Expr& b);
Expr sigmoid(const Expr& x);
Expr softplus(const Expr& x);
Expr relu(const Expr& x);
Expr erf(const Expr& x);
Expr logsumexp(const std::vector<Expr>& terms);
Expr where(const Expr& condition, const Expr& then, const Expr& otherwise);

// d(y)/d(wrt), symbolically; the result is an Expr like any other, so grad nests.
// wrt is an input, a param or a named value (only paths through it count).
Expr grad(const Expr& y, const Expr& wrt);

enum class Format { Infix, Latex, C, Dot };

// The simplified formula of `value`, written out as `name = ...` lines with shared
// parts named, as `gradc print` does.
std::string formula(const Expr& value, const std::string& name = "y", Format format = Format::Infix);

// Models built in C++.
class Builder {
 public:
  Builder();
  Expr input(const std::string& name);
  Expr param(const std::string& name, double defaultValue = 0);
  // A named intermediate value with identity: grad(y, it) counts only paths through it.
  Expr name(const std::string& name, const Expr& value);

 private:
  std::shared_ptr<detail::Session> session_;
};

// Models parsed from the language of docs/language.md.
class Model {
 public:
  static Model parse(const std::string& text, const std::string& fileName = "<string>");
  static Model load(const std::string& path);

  // An input, param, binding or output by name; throws gradc::Error if there is none.
  Expr operator[](const std::string& name) const;
  std::vector<std::string> inputNames() const;
  std::vector<std::string> paramNames() const;
  std::vector<double> paramDefaults() const;
  std::vector<std::string> outputNames() const;
  std::vector<Expr> outputs() const;
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  std::shared_ptr<detail::Session> session_;
  std::vector<std::string> warnings_;
};

struct CompileOptions {
  int optLevel = 2;  // LLVM's -O0..-O3
  // Reuse machine code from gradc's on-disk kernel cache, and store it there
  // ($GRADC_CACHE_DIR, else $XDG_CACHE_HOME/gradc, else ~/.cache/gradc; docs/cli.md).
  // Off by default: a library does not write into the user's home unasked.
  bool cache = false;
};

// Machine code computing `outputs` from all inputs and params of their Builder or
// Model, in declaration order (the ABI of docs/kernel-abi.md).
class Kernel {
 public:
  explicit Kernel(const std::vector<Expr>& outputs, const std::vector<std::string>& outputNames = {},
                  CompileOptions options = {});
  ~Kernel();
  Kernel(Kernel&&) noexcept;
  Kernel& operator=(Kernel&&) noexcept;

  void operator()(const double* inputs, const double* params, double* outputs) const;
  std::vector<double> operator()(const std::vector<double>& inputs, const std::vector<double>& params) const;
  // n points, structure of arrays: input i of point p at inputs[i*n + p], output k at outputs[k*n + p].
  void batch(size_t n, const double* inputs, const double* params, double* outputs) const;
  // The same, split across `threads` threads (0: one per core).
  void parallelBatch(size_t n, const double* inputs, const double* params, double* outputs,
                     unsigned threads = 0) const;

  const std::vector<std::string>& inputNames() const;
  const std::vector<std::string>& paramNames() const;
  const std::vector<std::string>& outputNames() const;

 private:
  std::unique_ptr<JitKernel> jit_;
};

// Ahead of time: `path` ending in .o, .so, .ll or .s, and the C header text for it.
void writeKernel(const std::vector<Expr>& outputs, const std::string& path, const std::string& kernelName,
                 const std::vector<std::string>& outputNames = {}, CompileOptions options = {});
std::string kernelHeader(const std::vector<Expr>& outputs, const std::string& kernelName,
                         const std::vector<std::string>& outputNames = {});

}  // namespace gradc
