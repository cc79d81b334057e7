// The seed network of the autograd notebook with gradc's C++ API: no model text.
#include <gradc/gradc.hpp>

#include <cstdio>

int main() {
  gradc::Builder b;
  gradc::Expr x = b.input("x");
  gradc::Expr w1 = b.param("w1", 3), w2 = b.param("w2", 2), b2 = b.param("b2", 6);
  gradc::Expr l = b.name("l", w1 * x);  // a named value: gradients w.r.t. it are allowed
  gradc::Expr y = gradc::pow(l * w2 + b2, 2);
  gradc::Expr dy_dl = gradc::grad(y, l);

  std::printf("%s", gradc::formula(dy_dl, "dy_dl").c_str());
  gradc::Kernel kernel({y, dy_dl, gradc::grad(y, w1), gradc::grad(dy_dl, w2), gradc::grad(gradc::grad(y, w1), w1)},
                       {"y", "dy_dl", "dy_dw1", "df_dw2", "d2y_dw1"});
  std::vector<double> out = kernel({4.0}, {3.0, 2.0, 6.0});
  for (size_t k = 0; k < out.size(); ++k) std::printf("%s = %g\n", kernel.outputNames()[k].c_str(), out[k]);
  return out[0] == 900 && out[1] == 120 && out[2] == 480 && out[3] == 108 && out[4] == 128 ? 0 : 1;
}
