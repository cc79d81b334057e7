#include "compiler/graph/op_semantics.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace gradc {
namespace {

double call(Op op, std::initializer_list<double> args) {
  return evaluateOp(op, std::span(args.begin(), args.size()));
}

TEST(OpSemantics, StableForms) {
  EXPECT_EQ(call(Op::Softplus, {1000}), 1000);
  EXPECT_EQ(call(Op::Softplus, {-1000}), 0);
  EXPECT_NEAR(call(Op::Softplus, {0}), std::log(2.0), 1e-16);
  EXPECT_EQ(call(Op::Sigmoid, {-1000}), 0);
  EXPECT_EQ(call(Op::Sigmoid, {1000}), 1);
  EXPECT_DOUBLE_EQ(call(Op::Logsumexp, {1000, 1000}), 1000.6931471805599);
  EXPECT_EQ(call(Op::Logsumexp, {-INFINITY, -INFINITY}), -INFINITY);
  EXPECT_EQ(call(Op::Logsumexp, {INFINITY, 1}), INFINITY);
  EXPECT_TRUE(std::isnan(call(Op::Logsumexp, {NAN, 1})));
}

// The parts kept for the softmax weights: shift m and scale 1 + rest where the value
// is finite; else the value itself and 1, so that a weight is exp(x - L) there.
TEST(OpSemantics, LogsumexpPartsAndSoftmaxWeights) {
  std::vector<double> a = {0.5, -1.25, 2.0, 2.0};
  LogsumexpParts parts = stableLogsumexpParts(a);
  EXPECT_EQ(parts.value, stableLogsumexp(a));
  EXPECT_EQ(parts.shift, 2.0);
  EXPECT_EQ(parts.scale, 1 + (std::exp(0.5 - 2.0) + std::exp(-1.25 - 2.0) + 1.0));
  double total = 0;
  for (double x : a) {
    double w = softmaxWeight(x, parts);
    EXPECT_NEAR(w, std::exp(x - parts.value), 4e-16);
    total += w;
  }
  EXPECT_NEAR(total, 1, 4e-16);
  EXPECT_EQ(softmaxWeight(2.0, parts), 1 / parts.scale);  // the top term's exp(0) is exactly 1

  // Far from 0 the weights keep their precision: x - m is exact, x - L is not.
  std::vector<double> big = {1e6, 1e6 - 1};
  LogsumexpParts b = stableLogsumexpParts(big);
  EXPECT_EQ(softmaxWeight(1e6 - 1, b), std::exp(-1.0) / (1 + std::exp(-1.0)));

  for (std::vector<double> special : std::vector<std::vector<double>>{
           {INFINITY, 1}, {-INFINITY, -INFINITY}, {NAN, 1}, {1, NAN}, {INFINITY, -INFINITY}}) {
    LogsumexpParts s = stableLogsumexpParts(special);
    EXPECT_EQ(s.scale, 1);
    for (double x : special) {
      double want = std::exp(x - s.value), got = softmaxWeight(x, s);
      EXPECT_TRUE((std::isnan(want) && std::isnan(got)) || want == got) << x << ": " << got << " vs " << want;
    }
  }
}

TEST(OpSemantics, IeeeBehaviour) {
  EXPECT_EQ(call(Op::Div, {1, 0}), INFINITY);
  EXPECT_TRUE(std::isnan(call(Op::Log, {-1})));
  EXPECT_TRUE(std::isnan(call(Op::Max, {NAN, 1})));
  EXPECT_TRUE(std::isnan(call(Op::Min, {1, NAN})));
  EXPECT_TRUE(std::isnan(call(Op::Relu, {NAN})));
  EXPECT_EQ(call(Op::Relu, {-3}), 0);
  EXPECT_EQ(call(Op::Sign, {0}), 0);
  EXPECT_EQ(call(Op::Sign, {-2}), -1);
  EXPECT_EQ(call(Op::Pow, {3, 2}), 9);
  EXPECT_EQ(call(Op::Pow, {2, 0.5}), std::sqrt(2.0));
}

TEST(OpSemantics, ComparisonsAndWhere) {
  EXPECT_EQ(call(Op::Lt, {1, 2}), 1);
  EXPECT_EQ(call(Op::Ne, {NAN, NAN}), 1);
  EXPECT_EQ(call(Op::Eq, {NAN, NAN}), 0);
  EXPECT_EQ(call(Op::Where, {1, 5, NAN}), 5);
  EXPECT_EQ(call(Op::Where, {0, NAN, 7}), 7);
}

}  // namespace
}  // namespace gradc
