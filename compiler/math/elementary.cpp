#include "compiler/math/elementary.hpp"

#include "compiler/math/exp_family.hpp"
#include "compiler/math/scalar_arithmetic.hpp"

namespace gradc::math {

double exp(double x) {
  ScalarArithmetic a;
  return math::exp(a, x);
}

double expm1(double x) {
  ScalarArithmetic a;
  return math::expm1(a, x);
}

double tanh(double x) {
  ScalarArithmetic a;
  return math::tanh(a, x);
}

}  // namespace gradc::math
