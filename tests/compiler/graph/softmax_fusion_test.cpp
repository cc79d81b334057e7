#include "compiler/graph/softmax_fusion.hpp"

#include <gtest/gtest.h>

namespace gradc {
namespace {

struct Fixture {
  Graph g;
  NodeId x = g.variable(g.addVariable("x", VariableKind::Input));
  NodeId y = g.variable(g.addVariable("y", VariableKind::Input));
  NodeId twoY = g.mul(y, g.constant(2));
  NodeId l = g.make(Op::Logsumexp, {x, twoY, x});
};

TEST(SoftmaxFusion, RecognisesTheWeightOfEachOperand) {
  Fixture f;
  SoftmaxFusion fusion(f.g);
  for (NodeId operand : {f.x, f.twoY}) {
    NodeId weight = f.g.make(Op::Exp, {f.g.sub(operand, f.l)});
    EXPECT_EQ(fusion.logsumexpOf(weight), f.l);
    EXPECT_EQ(fusion.weighted(weight), operand);
  }
}

TEST(SoftmaxFusion, LeavesEveryOtherFormAlone) {
  Fixture f;
  SoftmaxFusion fusion(f.g);
  NodeId other = f.g.make(Op::Logsumexp, {f.y, f.twoY});
  NodeId notAnOperand = f.g.make(Op::Exp, {f.g.sub(f.y, f.l)});  // y itself is not one
  NodeId otherLogsumexp = f.g.make(Op::Exp, {f.g.sub(f.x, other)});
  NodeId notLogsumexp = f.g.make(Op::Exp, {f.g.sub(f.x, f.g.make(Op::Log, {f.y}))});
  NodeId sum = f.g.make(Op::Exp, {f.g.add(f.x, f.l)});
  NodeId difference = f.g.sub(f.x, f.l);
  NodeId reversed = f.g.make(Op::Exp, {f.g.sub(f.l, f.x)});
  for (NodeId n : {notAnOperand, otherLogsumexp, notLogsumexp, sum, difference, reversed, f.l, f.x})
    EXPECT_EQ(fusion.logsumexpOf(n), kNoNode) << n;
}

}  // namespace
}  // namespace gradc
