// exp, expm1 and tanh written once, over an arithmetic backend A: ScalarArithmetic
// (doubles, for constant folding and the interpreter) or the code generator's
// IrArithmetic (LLVM IR on a scalar or on a vector of lanes). Every backend performs
// the same operations in the same order, each rounded once (a fused multiply-add
// only where the algorithm says so, never by contraction), so a kernel, its batches
// (points in vector lanes) and the interpreter agree bit for bit, and a batch needs
// no scalar library call for these functions.
//
// exp and expm1 are fdlibm's (Sun's e_exp.c, s_expm1.c), written without
// data-dependent branches: each case is computed and the right one selected, which
// the lanes of a vector need. Where a case is common and cheap (the reduction
// exponent 0 or +-1), `when` lets a scalar backend branch to it instead, with the
// same bits. tanh, on the critical path of deep networks, has its own table-driven
// e^y - 1 without a division (fdlibm's has one): 1.5 times faster than before in a
// chain of tanh. exp and expm1 are within 1 ulp, tanh within 3 ulp
// (tests/compiler/math/exp_family_test.cpp measures them against long double).
//
// A backend provides, for its Real and Mask types:
//   Real constant(double); add, sub, mul, div (Real, Real); Real negate(Real), abs(Real);
//   Real fusedMultiplyAdd(Real x, Real y, Real z): x y + z rounded once;
//   Real copySign(Real magnitude, Real sign); Real roundEven(Real); Real floor(Real);
//   Real tableEntry(const char* name, const double (&table)[N], Real j): table[j] for an
//   integral j in [0, N), some entry for any other j (NaN too), `name` naming the table;
//   Real powerOfTwo(Real k): 2^k for an integral k in [-1022, 1023];
//   Mask less, greater, equal (Real, Real); Mask isNaN(Real); Mask both(Mask, Mask);
//   Real select(Mask, Real, Real);
//   Real when(Mask m, Fast fast, General general): general(), which is valid for every
//   argument; where m holds, fast() gives the same bits, and a backend of scalars may
//   branch to it (the vector backend computes general() on every lane).
#pragma once

#include <cstddef>
#include <limits>

#include "compiler/math/exp2_table.hpp"

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
inline constexpr double kExpm1R[] = {1,
                                     -3.33333333333331316428e-02,
                                     1.58730158725481460165e-03,
                                     -7.93650757867487942473e-05,
                                     4.00821782732936239552e-06,
                                     -2.01099218183624371326e-07};      // 1 and fdlibm's Q1..Q5
inline constexpr double kExpm1Saturates = -3.88162421113569373274e+01;  // -56 ln 2: expm1 is -1 below
inline constexpr double kExpm1Tiny = 0x1p-54;                           // expm1(x) is x below
inline constexpr double kTanhOne = 20;                                  // tanh(x) rounds to 1 above
inline constexpr double kTanhHalf = 0.54930614433405484570;             // log(3)/2: tanh is 1/2
}  // namespace fdlibm

// c[0] + c[1] t + ... + c[N-1] t^(N-1) by Estrin's scheme: pairs c[i] + c[i+1] t as
// fused multiply-adds, combined with t^2 and t^4, so that the latency is that of
// three or four operations, not of N - 1 as by Horner's rule (these functions sit
// on the critical path of kernels such as a deep tanh network). N is 5 or 6.
template <class A, std::size_t N>
typename A::Real estrin(A& a, typename A::Real t, const double (&c)[N]) {
  static_assert(N == 5 || N == 6);
  using Real = typename A::Real;
  Real t2 = a.mul(t, t);
  Real t4 = a.mul(t2, t2);
  Real low = a.fusedMultiplyAdd(t2, a.fusedMultiplyAdd(t, a.constant(c[3]), a.constant(c[2])),
                                a.fusedMultiplyAdd(t, a.constant(c[1]), a.constant(c[0])));
  Real high = N == 6 ? a.fusedMultiplyAdd(t, a.constant(c[N - 1]), a.constant(c[4])) : a.constant(c[4]);
  return a.fusedMultiplyAdd(t4, high, low);
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
  Real hi = a.fusedMultiplyAdd(a.negate(k), a.constant(kLn2Hi), x);  // k kLn2Hi is exact anyway
  Real lo = a.mul(k, a.constant(kLn2Lo));
  Real r = a.sub(hi, lo);
  Real t = a.mul(r, r);
  Real c = a.sub(r, a.mul(t, estrin(a, t, kExpP)));
  Real quotient = a.div(a.mul(r, c), a.sub(a.constant(2), c));
  Real y = a.sub(a.constant(1), a.sub(a.sub(lo, quotient), hi));
  Real result = scaleByPowerOfTwo(a, y, clamped(a, k, -1100, 1100));
  result = a.select(a.greater(x, a.constant(kExpOverflow)),
                    a.constant(std::numeric_limits<double>::infinity()), result);
  return a.select(a.less(x, a.constant(kExpUnderflow)), a.constant(0), result);
}

// e^x - 1 (after fdlibm s_expm1.c) for the reduction exponent k (round(x / ln 2)),
// for x below 1000 ln 2: the same reduction as exp, m = e^r - 1 from a rational
// approximation of r (e^r + 1) / (e^r - 1) corrected for r's rounding error, and
// 2^k (m + 1) - 1 arranged as fdlibm does for each range of k, so that the "- 1"
// cancels no significant digit. Also returns m, from which expm1 finishes above.
template <class A>
struct Expm1Parts {
  typename A::Real value, m;
};
template <class A>
Expm1Parts<A> expm1Reduced(A& a, typename A::Real x, typename A::Real k) {
  using namespace fdlibm;
  using Real = typename A::Real;
  Real hi = a.fusedMultiplyAdd(a.negate(k), a.constant(kLn2Hi), x);  // k kLn2Hi is exact anyway
  Real lo = a.mul(k, a.constant(kLn2Lo));
  Real r = a.sub(hi, lo);
  Real c = a.sub(a.sub(hi, r), lo);  // the rounding error of r (0 when k is 0)
  Real hfx = a.mul(a.constant(0.5), r);
  Real hxs = a.mul(r, hfx);
  Real r1 = estrin(a, hxs, kExpm1R);  // 1 + hxs (Q1 + hxs (Q2 + ...))
  Real t = a.fusedMultiplyAdd(a.negate(r1), hfx, a.constant(3));
  Real e = a.mul(hxs, a.div(a.sub(r1, t), a.fusedMultiplyAdd(a.negate(r), t, a.constant(6))));
  Real correction = a.sub(a.fusedMultiplyAdd(r, a.sub(e, c), a.negate(c)), hxs);
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
  return {a.select(a.less(k, a.constant(20)), below20, from20), m};
}

// expm1Reduced with k found, for x in [-40, 40]. Where |x| < 0.34, k is 0, and where
// 0.35 < |x| < 1.03 it is the sign of x: a scalar backend may branch to those (no
// rounding to find k, and everything that depends on k folds), a vector computes the
// general case, which gives the same bits.
template <class A>
typename A::Real expm1Moderate(A& a, typename A::Real x) {
  using Real = typename A::Real;
  Real ax = a.abs(x);
  auto withK = [&](double k) { return [&a, x, k] { return expm1Reduced(a, x, a.constant(k)).value; }; };
  auto general = [&] { return expm1Reduced(a, x, reductionExponent(a, x)).value; };
  auto nearOne = a.both(a.greater(ax, a.constant(0.35)), a.less(ax, a.constant(1.03)));
  return a.when(a.less(ax, a.constant(0.34)), withK(0), [&] {
    return a.when(a.both(nearOne, a.greater(x, a.constant(0))), withK(1),
                  [&] { return a.when(a.both(nearOne, a.less(x, a.constant(0))), withK(-1), general); });
  });
}

// e^x - 1 everywhere: expm1Moderate for |x| < 38, and where 2^k overflows (k > 1000), 2^k (m + 1) - 1
// in two scaling steps; x itself below 2^-54 (also -0), -1 below -56 ln 2.
template <class A>
typename A::Real expm1(A& a, typename A::Real x) {
  using namespace fdlibm;
  using Real = typename A::Real;
  Real ax = a.abs(x);
  return a.when(
      a.less(ax, a.constant(38)),  // where none of the rare cases below can arise
      [&] { return a.select(a.less(ax, a.constant(kExpm1Tiny)), x, expm1Moderate(a, x)); },
      [&] {
        Real k = reductionExponent(a, x);
        Expm1Parts<A> reduced = expm1Reduced(a, x, k);
        Real huge = a.sub(scaleByPowerOfTwo(a, a.add(reduced.m, a.constant(1)), clamped(a, k, -1100, 1100)),
                          a.constant(1));
        Real result = a.select(a.greater(k, a.constant(1000)), huge, reduced.value);
        result = a.select(a.less(ax, a.constant(kExpm1Tiny)), x, result);
        result = a.select(a.greater(x, a.constant(kExpOverflow)),
                          a.constant(std::numeric_limits<double>::infinity()), result);
        return a.select(a.less(x, a.constant(kExpm1Saturates)), a.constant(-1), result);
      });
}

// e^y - 1 for y in [0, 40], table-driven and without a division, for tanh: y =
// (128 q + j) ln2/128 + r with k = 128 q + j = floor(128 y / ln 2), so 0 <= r < ln2/128
// but for a rounding error where 128 y / ln 2 is just below an integer (the r of a
// rounding to nearest could be as low as -ln2/256, and 2^(j/128) - 1 + 2^(j/128) p
// would cancel); e^r - 1 = p(r), its Taylor polynomial to r^6 (the next term is 2^-57 of
// r); then e^y - 1 = 2^q 2^(j/128) p + (2^q (2^(j/128) - 1) + 2^q - 1), all terms
// positive, the tables giving 2^(j/128) and 2^(j/128) - 1. The critical path is a
// product, a floor, four fused multiply-adds and a product: no division, no branch.
template <class A>
typename A::Real expm1OfPositive(A& a, typename A::Real y) {
  namespace t = exp2_table;
  using Real = typename A::Real;
  Real k = a.floor(a.mul(y, a.constant(t::kSizeOverLn2)));
  Real r = a.fusedMultiplyAdd(a.negate(k), a.constant(t::kLn2Over128Tail),
                              a.fusedMultiplyAdd(a.negate(k), a.constant(t::kLn2Over128Head), y));
  Real r2 = a.mul(r, r);
  Real inner = a.fusedMultiplyAdd(
      r2,
      a.fusedMultiplyAdd(r2, a.constant(1.0 / 720),
                         a.fusedMultiplyAdd(r, a.constant(1.0 / 120), a.constant(1.0 / 24))),
      a.fusedMultiplyAdd(r, a.constant(1.0 / 6), a.constant(0.5)));
  Real p = a.fusedMultiplyAdd(r2, inner, r);
  Real q = a.floor(a.mul(k, a.constant(1.0 / t::kSize)));
  Real j = a.sub(k, a.mul(q, a.constant(t::kSize)));
  Real scale = a.powerOfTwo(clamped(a, q, 0, 64));  // q is 57 at most; NaN gives 0
  Real base = a.fusedMultiplyAdd(scale, a.tableEntry("gradc.exp2m1", t::kPowersMinusOne, j),
                                 a.sub(scale, a.constant(1)));
  return a.fusedMultiplyAdd(a.mul(scale, a.tableEntry("gradc.exp2", t::kPowers, j)), p, base);
}

// tanh x = e / (e + 2) for e = e^2|x| - 1, with the sign of x, and from log(3)/2
// (where tanh is 1/2) 1 - 2 / (e + 2), which rounds to within about half an ulp
// (musl's cases, with the table's e^y - 1). The two divisions are independent, so
// the second costs little latency. |x| is first clamped to 20, where tanh rounds to
// 1. A NaN stays a NaN (the table reads some entry; the NaN goes through p).
template <class A>
typename A::Real tanh(A& a, typename A::Real x) {
  using namespace fdlibm;
  using Real = typename A::Real;
  Real ax = a.abs(x);
  ax = a.select(a.greater(ax, a.constant(kTanhOne)), a.constant(kTanhOne), ax);
  Real e = expm1OfPositive(a, a.mul(a.constant(2), ax));
  Real denominator = a.add(e, a.constant(2));
  Real large = a.sub(a.constant(1), a.div(a.constant(2), denominator));
  Real t = a.select(a.greater(ax, a.constant(kTanhHalf)), large, a.div(e, denominator));
  return a.copySign(t, x);
}

}  // namespace gradc::math
