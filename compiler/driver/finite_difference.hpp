// `gradc check`: every grad of a model against finite differences.
#pragma once

#include <span>
#include <vector>

#include "compiler/sema/model.hpp"

namespace gradc {

struct GradientCheck {
  const GradRecord* record = nullptr;
  double analytic = 0;
  double numeric = 0;
  bool agrees = false;
};

// Differentiates numerically with a fourth-order central difference, perturbing the
// value of `wrt` as it is computed (for a binding, only the paths through it see the
// change: the semantics of grad). `variableValues` is indexed by variable index.
std::vector<GradientCheck> checkGradients(const ModelGraph& analyzed, std::span<const double> variableValues);

}  // namespace gradc
