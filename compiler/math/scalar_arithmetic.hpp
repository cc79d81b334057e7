// The arithmetic backend of exp_family.hpp on doubles: what constant folding and the
// interpreter compute. Each operation is one IEEE operation, rounded once (the build
// passes -ffp-contract=off, so no multiply and add are fused unless asked for).
#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace gradc::math {

struct ScalarArithmetic {
  using Real = double;
  using Mask = bool;

  static double constant(double c) { return c; }
  static double add(double a, double b) { return a + b; }
  static double sub(double a, double b) { return a - b; }
  static double mul(double a, double b) { return a * b; }
  static double div(double a, double b) { return a / b; }
  static double negate(double a) { return -a; }
  // Correctly rounded everywhere (glibc uses the FMA instruction where there is one).
  static double fusedMultiplyAdd(double x, double y, double z) { return std::fma(x, y, z); }
  static double abs(double a) { return std::fabs(a); }
  static double copySign(double magnitude, double sign) { return std::copysign(magnitude, sign); }
  static double roundEven(double a) { return std::nearbyint(a); }  // the default rounding mode: to even
  static double floor(double a) { return std::floor(a); }
  // table[j] for an integral j in [0, N), N a power of two; another j reads some
  // entry (a NaN too), as the code generator's does: the same bits of j + 1.5 2^52.
  template <std::size_t N>
  static double tableEntry(const char* /*name*/, const double (&table)[N], double j) {
    static_assert((N & (N - 1)) == 0);
    return table[std::bit_cast<uint64_t>(j + 0x1.8p52) & (N - 1)];
  }
  static double powerOfTwo(double k) {
    return std::bit_cast<double>(static_cast<uint64_t>(static_cast<int64_t>(k) + 1023) << 52);
  }
  static bool less(double a, double b) { return a < b; }
  static bool greater(double a, double b) { return a > b; }
  static bool equal(double a, double b) { return a == b; }
  static bool isNaN(double a) { return std::isnan(a); }
  static bool both(bool a, bool b) { return a && b; }
  static double select(bool m, double a, double b) { return m ? a : b; }
  template <typename Fast, typename General>
  static double when(bool m, Fast fast, General general) {
    return m ? fast() : general();
  }
};

}  // namespace gradc::math
