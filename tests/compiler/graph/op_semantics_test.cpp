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
