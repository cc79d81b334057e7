// The value of each op on numbers: the one definition that constant folding, the
// reference interpreter and (later) the code generator's tests agree on.
//
// IEEE throughout: NaN propagates, 1/0 is inf. Comparisons yield 1.0 or 0.0.
// The stable forms (softplus, sigmoid, logsumexp) avoid overflow: softplus(1000) is 1000.
#pragma once

#include <span>

#include "compiler/graph/op.hpp"

namespace gradc {

// `op` must not be a leaf (Const, Variable). args.size() matches the op's arity.
double evaluateOp(Op op, std::span<const double> args);

// The individual stable forms, for reuse by derivative tests and printers' runtime.
double stableSigmoid(double x);
double stableSoftplus(double x);
double stableLogsumexp(std::span<const double> args);

// What the stable logsumexp computes on the way, kept for softmaxWeight: its value
// m + log1p(rest), the largest argument m (the shift) and 1 + rest (the scale), rest
// being the sum of the other arguments' exp(a - m). When the value is not finite
// (a NaN or an infinite argument) the shift is the value and the scale 1.
struct LogsumexpParts {
  double value, shift, scale;
};
LogsumexpParts stableLogsumexpParts(std::span<const double> args);

// exp(x - L) for L = logsumexp(..., x, ...), as exp(x - m) / (1 + rest): the softmax
// weight of x. Every derivative of logsumexp takes this form, and the forward pass
// has already computed exp(x - m), so the interpreter and the kernels evaluate
// exp(x - L) this way when x is one of L's operands (compiler/graph/softmax_fusion.hpp).
// It is also more accurate: x - m is exact near the top, x - L is not. Where L is
// not finite this is exp(x - L) itself.
double softmaxWeight(double x, const LogsumexpParts& parts);
double nanMax(double a, double b);  // NaN if either is NaN (as torch.maximum)
double nanMin(double a, double b);
double signOf(double x);  // -1, 0 or 1; NaN for NaN
// x^n for an integer |n| <= kMaxIntegerPower is computed by binary powering (so x^2
// is exactly x*x, and x^-n is 1/x^n); any other exponent by C's pow.
inline constexpr double kMaxIntegerPower = 64;
double powSemantics(double base, double exponent);

}  // namespace gradc
