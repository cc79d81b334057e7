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
double nanMax(double a, double b);  // NaN if either is NaN (as torch.maximum)
double nanMin(double a, double b);
double signOf(double x);                            // -1, 0 or 1; NaN for NaN
// x^n for an integer |n| <= kMaxIntegerPower is computed by binary powering (so x^2
// is exactly x*x, and x^-n is 1/x^n); any other exponent by C's pow.
inline constexpr double kMaxIntegerPower = 64;
double powSemantics(double base, double exponent);

}  // namespace gradc
