// The public C++ API, used as a program outside gradc would use it: only
// gradc/gradc.hpp is included.
#include "gradc/gradc.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <unistd.h>
#include <thread>

namespace {

TEST(Api, BuildDifferentiateAndCompile) {
  gradc::Builder b;
  gradc::Expr x = b.input("x");
  gradc::Expr w1 = b.param("w1", 3), w2 = b.param("w2", 2), b2 = b.param("b2", 6);
  gradc::Expr l = b.name("l", w1 * x);
  gradc::Expr y = gradc::pow(l * w2 + b2, 2);
  gradc::Expr f = gradc::grad(y, l);
  gradc::Kernel k({y, f, gradc::grad(y, w1), gradc::grad(f, w2), gradc::grad(gradc::grad(y, w1), w1),
                   gradc::grad(y + f, w1)});
  std::vector<double> out = k({4.0}, {3.0, 2.0, 6.0});
  EXPECT_EQ(out, (std::vector<double>{900, 120, 480, 108, 128, 512}));
  EXPECT_EQ(k.paramNames(), (std::vector<std::string>{"w1", "w2", "b2"}));
}

TEST(Api, NumbersMixWithExpressions) {
  gradc::Builder b;
  gradc::Expr x = b.input("x");
  gradc::Expr y = 2 * gradc::sin(x) + 1.5 - x / 4;
  gradc::Kernel k({y, gradc::grad(y, x)});
  auto out = k({0.5}, {});
  EXPECT_DOUBLE_EQ(out[0], 2 * std::sin(0.5) + 1.5 - 0.125);
  EXPECT_DOUBLE_EQ(out[1], 2 * std::cos(0.5) - 0.25);
}

TEST(Api, ParseAModelAndTakeHigherDerivatives) {
  gradc::Model m = gradc::Model::parse("input x\nparam w = 2\ny = sin(w * x)\noutput y\n");
  EXPECT_EQ(m.outputNames(), std::vector<std::string>{"y"});
  gradc::Expr d = m["y"];
  for (int i = 0; i < 4; ++i) d = gradc::grad(d, m["x"]);
  gradc::Kernel k({d});
  EXPECT_NEAR(k({0.3}, {2.0})[0], 16 * std::sin(0.6), 1e-12);
  EXPECT_EQ(gradc::formula(gradc::grad(m["y"], m["w"]), "dy_dw"), "dy_dw = x*cos(x*w)\n");
}

TEST(Api, ErrorsCarryDiagnostics) {
  try {
    gradc::Model::parse("input x\ny = x + z\n", "bad.grad");
    FAIL() << "no error";
  } catch (const gradc::Error& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(std::string(e.what()).rfind("bad.grad:2:9: error: undefined name `z`", 0), 0u) << e.what();
  }
  gradc::Builder a, b;
  EXPECT_THROW(a.input("x") + b.input("x"), gradc::Error);
  gradc::Builder c;
  gradc::Expr x = c.input("x");
  EXPECT_THROW(gradc::grad(x * x, x * 2), gradc::Error);
  EXPECT_THROW((x > 1) + 1, gradc::Error);
  EXPECT_THROW(c.input("x"), gradc::Error);
  EXPECT_EQ(gradc::Kernel({gradc::where(x > 0, gradc::sqrt(x), 0)})({-1.0}, {})[0], 0);
}

TEST(Api, BatchesAndThreads) {
  gradc::Builder b;
  gradc::Expr x = b.input("x"), y = b.input("y");
  gradc::Expr f = gradc::logsumexp({x, y, x * y});
  gradc::Kernel k({f, gradc::grad(f, x)});
  size_t n = 5000;
  std::vector<double> in(2 * n), out(2 * n), par(2 * n);
  for (size_t p = 0; p < n; ++p) in[p] = 0.001 * p, in[n + p] = -0.002 * p;
  k.batch(n, in.data(), nullptr, out.data());
  k.parallelBatch(n, in.data(), nullptr, par.data(), 8);
  EXPECT_EQ(out, par);
  std::vector<std::thread> threads;
  std::vector<std::vector<double>> results(8);
  for (int t = 0; t < 8; ++t) threads.emplace_back([&, t] { results[t] = k({0.5 * t, 1.0}, {}); });
  for (auto& t : threads) t.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(results[t], k({0.5 * t, 1.0}, {}));
}

TEST(Api, AheadOfTime) {
  gradc::Builder b;
  gradc::Expr x = b.input("x");
  auto dir = std::filesystem::temp_directory_path() / ("gradc_api_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  gradc::writeKernel({gradc::exp(x), gradc::grad(gradc::exp(x), x)}, (dir / "k.o").string(), "k", {"e", "de"});
  EXPECT_GT(std::filesystem::file_size(dir / "k.o"), 0u);
  std::string header = gradc::kernelHeader({gradc::exp(x)}, "k", {"e"});
  EXPECT_NE(header.find("#define k_NUM_INPUTS 1"), std::string::npos);
  EXPECT_THROW(gradc::writeKernel({x}, (dir / "k.txt").string(), "k"), gradc::Error);
  std::filesystem::remove_all(dir);
}

}  // namespace
