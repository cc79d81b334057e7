#include "compiler/driver/finite_difference.hpp"

#include <algorithm>
#include <cmath>

#include "compiler/interp/evaluate.hpp"

namespace gradc {

static bool agree(double analytic, double numeric) {
  if (!std::isfinite(analytic) || !std::isfinite(numeric))
    return std::isnan(analytic) ? std::isnan(numeric) : analytic == numeric;
  double scale = std::max({1.0, std::fabs(analytic), std::fabs(numeric)});
  return std::fabs(analytic - numeric) <= 1e-6 * scale;
}

std::vector<GradientCheck> checkGradients(const ModelGraph& model, std::span<const double> values) {
  std::vector<GradientCheck> checks;
  for (const GradRecord& r : model.grads) {
    NodeId roots[] = {r.result, r.wrt};
    std::vector<double> base = evaluate(model.graph, roots, values);
    // Step of eps^(1/5) relative to the point: balances truncation and rounding error
    // of the five-point stencil.
    double h = 7e-4 * std::max(1.0, std::fabs(base[1]));
    auto at = [&](double delta) {
      return evaluate(model.graph, std::span(&r.of, 1), values, {r.wrt, delta})[0];
    };
    double numeric = (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
    checks.push_back({&r, base[0], numeric, agree(base[0], numeric)});
  }
  return checks;
}

}  // namespace gradc
