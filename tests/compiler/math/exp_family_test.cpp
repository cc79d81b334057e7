// compiler/math's exp, expm1 and tanh: accuracy against long double, the special
// values, and the backend contract (the template computes with the backend's
// operations only).
#include "compiler/math/exp_family.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "compiler/math/elementary.hpp"
#include "compiler/math/scalar_arithmetic.hpp"

namespace gradc::math {
namespace {

// The error of `got` in units in the last place of the correctly rounded result.
double ulpError(double got, long double exact) {
  double rounded = static_cast<double>(exact);
  if (std::isnan(rounded)) return std::isnan(got) ? 0 : INFINITY;
  if (got == rounded) return 0;
  if (std::isinf(rounded) || std::isinf(got)) return INFINITY;
  double ulp = std::fabs(std::nextafter(rounded, INFINITY) - rounded);
  ulp = std::min(ulp, std::fabs(rounded - std::nextafter(rounded, -INFINITY)));
  if (ulp == 0 || std::fabs(rounded) < 0x1p-1022) ulp = 0x1p-1074;
  return static_cast<double>(std::fabs(static_cast<long double>(got) - exact) / ulp);
}

bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

struct Range {
  double low, high;
};

// The largest error over uniform samples of each range, and of arguments of every
// binary exponent (from 2^-1074 up) with both signs.
template <typename F, typename Exact>
double worstError(F f, Exact exact, std::initializer_list<Range> ranges, double limit) {
  std::mt19937_64 rng(2026);
  double worst = 0;
  for (Range r : ranges) {
    std::uniform_real_distribution<double> u(r.low, r.high);
    for (int i = 0; i < 200000; ++i) {
      double x = u(rng);
      worst = std::max(worst, ulpError(f(x), exact(static_cast<long double>(x))));
    }
  }
  std::uniform_real_distribution<double> mantissa(1, 2);
  for (int e = -1074; e <= 10; ++e)
    for (int s : {1, -1}) {
      double x = s * std::ldexp(mantissa(rng), e);
      if (std::fabs(x) > limit) continue;
      worst = std::max(worst, ulpError(f(x), exact(static_cast<long double>(x))));
    }
  return worst;
}

TEST(ExpFamily, ExpIsWithinOneUlp) {
  double worst = worstError([](double x) { return math::exp(x); }, [](long double x) { return expl(x); },
                            {{-745.2, 709.8}, {-1, 1}, {-1e-3, 1e-3}}, 709);
  EXPECT_LT(worst, 1.0);
}

TEST(ExpFamily, Expm1IsWithinOneUlp) {
  double worst = worstError([](double x) { return math::expm1(x); }, [](long double x) { return expm1l(x); },
                            {{-40, 709.8}, {-1, 1}, {0.3, 0.45}, {-1e-3, 1e-3}}, 709);
  EXPECT_LT(worst, 1.0);
}

TEST(ExpFamily, TanhIsWithinThreeUlp) {
  // The worst cases are small arguments whose result is just below a power of two,
  // where e^2|x| - 1 is 1.5 ulp off and e + 2 rounds (glibc's tanh: 2.1 ulp).
  double worst = worstError([](double x) { return math::tanh(x); }, [](long double x) { return tanhl(x); },
                            {{-22, 22}, {-1, 1}, {0.2, 0.26}, {-1e-2, 1e-2}, {-1e-3, 1e-3}}, 1e300);
  EXPECT_LT(worst, 3.0);
}

TEST(ExpFamily, SpecialValues) {
  const double inf = INFINITY, nan = NAN, tiny = 0x1p-1074;
  EXPECT_EQ(math::exp(0.0), 1.0);
  EXPECT_EQ(math::exp(-0.0), 1.0);
  EXPECT_EQ(math::exp(inf), inf);
  EXPECT_EQ(math::exp(-inf), 0.0);
  EXPECT_TRUE(std::isnan(math::exp(nan)));
  EXPECT_EQ(math::exp(709.79), inf);               // overflows
  EXPECT_EQ(math::exp(709.78), std::exp(709.78));  // the largest results
  EXPECT_EQ(math::exp(-745.13), tiny);             // the smallest subnormal
  EXPECT_EQ(math::exp(-745.14), 0.0);              // underflows
  EXPECT_EQ(math::exp(-740), std::exp(-740.0));    // subnormal, rounded once
  EXPECT_EQ(math::exp(1e300), inf);
  EXPECT_EQ(math::exp(-1e300), 0.0);

  EXPECT_TRUE(sameBits(math::expm1(-0.0), -0.0));
  EXPECT_TRUE(sameBits(math::expm1(0.0), 0.0));
  EXPECT_EQ(math::expm1(1e-310), 1e-310);
  EXPECT_EQ(math::expm1(inf), inf);
  EXPECT_EQ(math::expm1(-inf), -1.0);
  EXPECT_EQ(math::expm1(-40), -1.0);
  EXPECT_EQ(math::expm1(709.78), std::expm1(709.78));  // where 2^k alone would overflow
  EXPECT_EQ(math::expm1(710), inf);
  EXPECT_TRUE(std::isnan(math::expm1(nan)));

  EXPECT_TRUE(sameBits(math::tanh(-0.0), -0.0));
  EXPECT_TRUE(sameBits(math::tanh(0.0), 0.0));
  EXPECT_EQ(math::tanh(tiny), tiny);
  EXPECT_EQ(math::tanh(-1e-310), -1e-310);
  EXPECT_EQ(math::tanh(20), 1.0);
  EXPECT_EQ(math::tanh(-1e300), -1.0);
  EXPECT_EQ(math::tanh(inf), 1.0);
  EXPECT_EQ(math::tanh(-inf), -1.0);
  EXPECT_TRUE(std::isnan(math::tanh(nan)));
}

TEST(ExpFamily, OddAndMonotoneWhereItMatters) {
  // tanh(-x) = -tanh(x) exactly (the sign is put back at the end), and no step down
  // across the boundaries between table entries (x = k ln2/256) and at the clamp.
  for (double x = 1e-6; x < 21; x *= 1.01) EXPECT_TRUE(sameBits(math::tanh(-x), -math::tanh(x))) << x;
  std::vector<double> edges = {10.0, 20.0};
  for (int k = 1; k < 2000; ++k) edges.push_back(k * std::log(2.0) / 256);
  for (double edge : edges) {
    double below = std::nextafter(edge, 0), above = std::nextafter(edge, 1e9);
    EXPECT_LE(math::tanh(below), math::tanh(above)) << edge;
    EXPECT_LE(math::tanh(std::nextafter(below, 0)), math::tanh(below)) << edge;
  }
  for (double edge : {0.5 * std::log(2.0), 1.5 * std::log(2.0), 20 * std::log(2.0)}) {
    double below = std::nextafter(edge, 0), above = std::nextafter(edge, 1e9);
    EXPECT_LE(math::expm1(below), math::expm1(above)) << edge;
    EXPECT_LE(math::exp(below), math::exp(above)) << edge;
  }
}

// A backend that counts the operations: the template uses only the contract's
// operations, and the same number for every argument (no data-dependent branches,
// which a vector of lanes could not take).
struct CountingArithmetic : ScalarArithmetic {
  int operations = 0;
  double add(double a, double b) { return ++operations, a + b; }
  double mul(double a, double b) { return ++operations, a * b; }
  double div(double a, double b) { return ++operations, a / b; }
  double select(bool m, double a, double b) { return ++operations, m ? a : b; }
  template <typename Fast, typename General>
  double when(bool, Fast, General general) {  // as the lanes of a vector
    return general();
  }
};

TEST(ExpFamily, StraightLineForEveryArgument) {
  std::vector<int> counts;
  for (double x :
       {0.0, -0.0, 1e-310, 0.1, -0.3, 0.4, 3.0, 30.0, 700.0, -800.0, double{INFINITY}, double{NAN}}) {
    CountingArithmetic a;
    EXPECT_TRUE(sameBits(math::exp(a, x), math::exp(x)) || std::isnan(x));
    math::expm1(a, x);
    math::tanh(a, x);
    counts.push_back(a.operations);
  }
  for (int c : counts) EXPECT_EQ(c, counts[0]);
}

// The shortcuts a scalar backend may branch to (when) give the general case's bits:
// the interpreter and a kernel's single points take them, a batch's lanes do not.
struct GeneralOnly : ScalarArithmetic {
  template <typename Fast, typename General>
  static double when(bool, Fast, General general) {
    return general();
  }
};

TEST(ExpFamily, ShortcutsGiveTheGeneralBits) {
  GeneralOnly lanes;
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(-45, 45), small(-1.2, 1.2);
  std::vector<double> xs = {0.0,
                            -0.0,
                            0x1p-1074,
                            -0x1p-60,
                            0.34,
                            -0.34,
                            0.35,
                            -0.35,
                            1.03,
                            -1.03,
                            38,
                            -38,
                            std::nextafter(0.34, 0.0),
                            std::nextafter(0.35, 1.0),
                            std::nextafter(38.0, 0.0)};
  for (int i = 0; i < 100000; ++i) xs.push_back(i % 2 ? u(rng) : small(rng));
  for (double x : xs) {
    ASSERT_TRUE(sameBits(math::expm1(x), math::expm1(lanes, x))) << x;
    ASSERT_TRUE(sameBits(math::tanh(x), math::tanh(lanes, x))) << x;
  }
}

}  // namespace
}  // namespace gradc::math
