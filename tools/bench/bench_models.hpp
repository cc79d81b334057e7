// Model texts for the benchmark programs: the problems of the benchmark ruler
// (../shared/bench/gen_models.py) at any size, and the compile-time ladder.
// Each model's first output is its value; the value-only variant drops the rest,
// which gives the denominator of the grad/value ratio.
#pragma once

#include <string>
#include <vector>

namespace gradc::bench {

struct BenchModel {
  std::string text;           // value and every derivative
  std::string valueText;      // the first output only
  std::vector<double> point;  // a value for each input, in declaration order
};

// sum_i 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2 over n params; f and its gradient.
BenchModel rosenbrock(int n);
// E = 4 sum_{i<j} (r^-12 - r^-6) over p particles on a jittered lattice (inputs); E and its gradient.
BenchModel lennardJones(int particles);
// inputs -> hidden tanh units -> one linear output, squared error; loss and its gradient w.r.t. every param.
BenchModel mlp(int inputs, int hidden);
// h_k = tanh(w_k h_{k-1} + b_k), h_0 = x; h_L and its gradient w.r.t. every w_k and b_k.
BenchModel deepTanh(int layers);
// The `order`-th derivative of sin nested `depth` times (one output).
BenchModel nestedSinDerivative(int depth, int order);
// The compile-time ladder: h_k = tanh(w_k h_{k-1} + sin(b_k h_{k-1})), its value and
// its gradient w.r.t. every w_k and b_k; about 17 nodes a layer.
std::string layeredModel(int layers);

}  // namespace gradc::bench
