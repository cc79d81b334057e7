// exp, expm1 and tanh written once, as IEEE arithmetic, comparisons and selects with
// no branches, over an arithmetic backend A: ScalarArithmetic (doubles, for constant
// folding and the interpreter) or the code generator's IrArithmetic (LLVM IR on a
// scalar or on a vector of lanes). Every backend performs the same operations in the
// same order, each rounded once (no fused multiply-add), so a kernel, its batches
// (points in vector lanes) and the interpreter agree bit for bit, and a batch needs
// no scalar library call for these functions.
//
// The algorithms are fdlibm's (Sun's e_exp.c, s_expm1.c; tanh as musl computes it
// from expm1), each branch computed and the right one selected: exp and expm1 are within
// 1 ulp, tanh within 2.2 ulp (tests/compiler/math/exp_family_test.cpp measures them
// against long double).
//
// A backend provides, for its Real and Mask types:
//   Real constant(double); add, sub, mul, div (Real, Real); Real negate(Real), abs(Real);
//   Real copySign(Real magnitude, Real sign); Real roundEven(Real);
//   Real powerOfTwo(Real k): 2^k for an integral k in [-1022, 1023];
//   Mask less, greater, equal (Real, Real); Mask isNaN(Real); Mask both(Mask, Mask);
//   Real select(Mask, Real, Real).
#pragma once

#include <cstddef>
#include <limits>

namespace gradc::math {

namespace fdlibm {
inline constexpr double kInvLn2 = 1.44269504088896338700e+00;
inline constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 32 bits: k * kLn2Hi is exact
inline constexpr double kLn2Lo = 1.90821492927058770002e-10;
inline constexpr double kExpOverflow = 7.09782712893383973096e+02;
inline constexpr double kExpUnderflow = -7.45133219101941108420e+02;
inline constexpr double kExpP[] = {1.66666666666666019037e-01, -2.77777777770155933842e-03,
                                   6.61375632143793436117e-05, -1.65339022054652515390e-06,
                                   4.13813679705723846039e-08};
inline constexpr double kExpm1Q[] = {-3.33333333333331316428e-02, 1.58730158725481460165e-03,
                                     -7.93650757867487942473e-05, 4.00821782732936239552e-06,
                                     -2.01099218183624371326e-07};
inline constexpr double kExpm1Saturates = -3.88162421113569373274e+01;  // -56 ln 2: expm1 is -1 below
inline constexpr double kExpm1Tiny = 0x1p-54;                           // expm1(x) is x below
inline constexpr double kTanhOne = 20;                                  // tanh(x) rounds to 1 above
inline constexpr double kTanhMiddle = 0.25541281188299534160;           // log(5/3)/2
}  // namespace fdlibm

// c0 + t (c1 + t (c2 + ...)), Horner's rule from the highest coefficient.
template <class A, std::size_t N>
typename A::Real horner(A& a, typename A::Real t, const double (&c)[N]) {
  typename A::Real sum = a.constant(c[N - 1]);
  for (std::size_t i = N - 1; i-- > 0;) sum = a.add(a.constant(c[i]), a.mul(t, sum));
  return sum;
}

// round(x / ln 2), and the same clamped to [lowest, highest] for forming powers of
// two (NaN gives 0): the reduction uses k itself, and the clamped copy, off the
// critical path, only scales results that are not selected away.
template <class A>
typename A::Real reductionExponent(A& a, typename A::Real x) {
  return a.roundEven(a.mul(x, a.constant(fdlibm::kInvLn2)));
}
template <class A>
typename A::Real clamped(A& a, typename A::Real k, double lowest, double highest) {
  k = a.select(a.less(k, a.constant(lowest)), a.constant(lowest), k);
  k = a.select(a.greater(k, a.constant(highest)), a.constant(highest), k);
  return a.select(a.isNaN(k), a.constant(0), k);
}

// y * 2^k for an integral |k| <= 1100 and y near 1, rounded once: y * 2^(k/2) is
// exact (normal), and the second factor makes the result, subnormal or infinite
// where it must be.
template <class A>
typename A::Real scaleByPowerOfTwo(A& a, typename A::Real y, typename A::Real k) {
  typename A::Real half = a.roundEven(a.mul(k, a.constant(0.5)));
  return a.mul(a.mul(y, a.powerOfTwo(half)), a.powerOfTwo(a.sub(k, half)));
}

// e^x (fdlibm e_exp.c): x = k ln2 + r, |r| <= ln2/2, r = hi - lo in extra precision;
// e^r = 1 + r + r c(r) / (2 - c(r)) with c a degree-5 minimax polynomial in r^2.
template <class A>
typename A::Real exp(A& a, typename A::Real x) {
  using namespace fdlibm;
  using Real = typename A::Real;
  Real k = reductionExponent(a, x);
  Real hi = a.sub(x, a.mul(k, a.constant(kLn2Hi)));
  Real lo = a.mul(k, a.constant(kLn2Lo));
  Real r = a.sub(hi, lo);
  Real t = a.mul(r, r);
  Real c = a.sub(r, a.mul(t, horner(a, t, kExpP)));
  Real quotient = a.div(a.mul(r, c), a.sub(a.constant(2), c));
  Real y = a.sub(a.constant(1), a.sub(a.sub(lo, quotient), hi));
  Real result = scaleByPowerOfTwo(a, y, clamped(a, k, -1100, 1100));
  result = a.select(a.greater(x, a.constant(kExpOverflow)),
                    a.constant(std::numeric_limits<double>::infinity()), result);
  return a.select(a.less(x, a.constant(kExpUnderflow)), a.constant(0), result);
}

// e^x - 1 (after fdlibm s_expm1.c) for x in [-0.6, 40], where tanh needs it: the
// same reduction, m = e^r - 1 from a rational approximation of r (e^r + 1) / (e^r - 1)
// corrected for r's rounding error, and 2^k (m + 1) - 1 arranged as fdlibm does for
// each range of k, so that the "- 1" cancels no significant digit. Also returns m and
// k, from which expm1 finishes the other ranges.
template <class A>
struct Expm1Parts {
  typename A::Real value, m, k;
};
template <class A>
Expm1Parts<A> expm1Core(A& a, typename A::Real x) {
  using namespace fdlibm;
  using Real = typename A::Real;
  Real k = reductionExponent(a, x);
  Real hi = a.sub(x, a.mul(k, a.constant(kLn2Hi)));
  Real lo = a.mul(k, a.constant(kLn2Lo));
  Real r = a.sub(hi, lo);
  Real c = a.sub(a.sub(hi, r), lo);  // the rounding error of r (0 when k is 0)
  Real hfx = a.mul(a.constant(0.5), r);
  Real hxs = a.mul(r, hfx);
  Real r1 = a.add(a.constant(1), a.mul(hxs, horner(a, hxs, kExpm1Q)));
  Real t = a.sub(a.constant(3), a.mul(r1, hfx));
  Real e = a.mul(hxs, a.div(a.sub(r1, t), a.sub(a.constant(6), a.mul(r, t))));
  Real correction = a.sub(a.sub(a.mul(r, a.sub(e, c)), c), hxs);
  Real m = a.sub(r, correction);
  // 2^k (m + 1) - 1, rounded once: 2^k (m + (1 - 2^-k)) below k = 20 (1 - 2^-k is
  // exact), 2^k ((r - (correction + 2^-k)) + 1) from there.
  Real kc = clamped(a, k, -60, 1000);
  Real s = a.powerOfTwo(kc), u = a.powerOfTwo(a.negate(kc));
  Real below20 = a.mul(a.add(m, a.sub(a.constant(1), u)), s);
  Real from20 = a.mul(a.add(a.sub(r, a.add(correction, u)), a.constant(1)), s);
  // k = 1 and m < -0.25: 2 ((r + 1/2) - correction) keeps the last bit that 2m + 1 loses.
  Real atOne = a.mul(a.constant(2), a.sub(a.add(r, a.constant(0.5)), correction));
  below20 = a.select(a.both(a.equal(k, a.constant(1)), a.less(r, a.constant(-0.25))), atOne, below20);
  return {a.select(a.less(k, a.constant(20)), below20, from20), m, k};
}

// e^x - 1 everywhere: expm1Core, and where 2^k overflows (k > 1000), 2^k (m + 1) - 1
// in two scaling steps; x itself below 2^-54 (also -0), -1 below -56 ln 2.
template <class A>
typename A::Real expm1(A& a, typename A::Real x) {
  using namespace fdlibm;
  using Real = typename A::Real;
  Expm1Parts<A> core = expm1Core(a, x);
  Real huge = a.sub(scaleByPowerOfTwo(a, a.add(core.m, a.constant(1)), clamped(a, core.k, -1100, 1100)),
                    a.constant(1));
  Real result = a.select(a.greater(core.k, a.constant(1000)), huge, core.value);
  result = a.select(a.less(a.abs(x), a.constant(kExpm1Tiny)), x, result);
  result = a.select(a.greater(x, a.constant(kExpOverflow)),
                    a.constant(std::numeric_limits<double>::infinity()), result);
  return a.select(a.less(x, a.constant(kExpm1Saturates)), a.constant(-1), result);
}

// tanh x = (e^2|x| - 1) / (e^2|x| + 1) with the sign of x; below log(5/3)/2 from
// e^-2|x| - 1 instead, which keeps the small arguments' digits (as musl's tanh does):
// both are |e| / (e + 2) for e = expm1(+-2|x|). |x| is first clamped to 20, where
// tanh rounds to 1. A NaN stays a NaN.
template <class A>
typename A::Real tanh(A& a, typename A::Real x) {
  using namespace fdlibm;
  using Real = typename A::Real;
  Real ax = a.abs(x);
  ax = a.select(a.greater(ax, a.constant(kTanhOne)), a.constant(kTanhOne), ax);
  Real twice = a.mul(a.constant(2), ax);
  Real e = expm1Core(a, a.select(a.greater(ax, a.constant(kTanhMiddle)), twice, a.negate(twice))).value;
  return a.copySign(a.div(a.abs(e), a.add(e, a.constant(2))), x);
}

}  // namespace gradc::math
