// exp, expm1 and tanh on doubles as the kernels compute them (exp_family.hpp): the
// definitions that constant folding and the interpreter use.
#pragma once

namespace gradc::math {

double exp(double x);
double expm1(double x);
double tanh(double x);

}  // namespace gradc::math
