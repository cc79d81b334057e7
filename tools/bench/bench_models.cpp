#include "tools/bench/bench_models.hpp"

#include <cstdio>

namespace gradc::bench {
namespace {

std::string str(int k) { return std::to_string(k); }

// Deterministic values in [lo, hi) (a linear congruential sequence), so that every
// run measures the same model.
class Values {
 public:
  explicit Values(unsigned seed) : state_(seed * 2654435761u + 1) {}
  double next(double lo, double hi) {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return lo + (hi - lo) * static_cast<double>(state_ >> 11) * 0x1.0p-53;
  }

 private:
  unsigned long long state_;
};

std::string num(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", v);
  return buffer;
}

// `name = t0 + t1 + ...` split into partial sums of 64 terms, as the ruler writes them.
std::string sum(const std::string& name, const std::vector<std::string>& terms) {
  auto join = [&](size_t begin, size_t end) {
    std::string s;
    for (size_t i = begin; i < end; ++i) s += (i > begin ? " + " : "") + terms[i];
    return s;
  };
  if (terms.size() <= 64) return name + " = " + join(0, terms.size()) + "\n";
  std::string text, parts;
  for (size_t i = 0; i < terms.size(); i += 64) {
    std::string part = name + "_part" + str(static_cast<int>(i / 64));
    text += part + " = " + join(i, std::min(terms.size(), i + 64)) + "\n";
    parts += (i ? " + " : "") + part;
  }
  return text + name + " = " + parts + "\n";
}

BenchModel withGradients(const std::string& body, const std::string& value,
                         const std::vector<std::string>& wrt) {
  BenchModel m;
  m.valueText = body + "output " + value + "\n";
  m.text = m.valueText;
  for (const auto& v : wrt) m.text += "output d_" + v + " = grad(" + value + ", " + v + ")\n";
  return m;
}

}  // namespace

BenchModel rosenbrock(int n) {
  Values values(static_cast<unsigned>(n));
  std::string body;
  std::vector<std::string> xs, terms;
  for (int i = 0; i < n; ++i) {
    xs.push_back("x" + str(i));
    body += "param x" + str(i) + " = " + num(values.next(-1.5, 1.5)) + "\n";
  }
  for (int i = 0; i + 1 < n; ++i)
    terms.push_back("100 * (x" + str(i + 1) + " - x" + str(i) + " ^ 2) ^ 2 + (1 - x" + str(i) + ") ^ 2");
  return withGradients(body + sum("f", terms), "f", xs);
}

BenchModel lennardJones(int particles) {
  Values values(static_cast<unsigned>(particles));
  std::string body;
  std::vector<std::string> coordinates;
  std::vector<double> point;
  for (int p = 0; p < particles; ++p) {
    // A lattice with spacing near the potential's minimum, jittered.
    int cell[3] = {p % 4, (p / 4) % 4, p / 16};
    body += "input ";
    for (int c = 0; c < 3; ++c) {
      std::string name = std::string(1, "xyz"[c]) + str(p);
      coordinates.push_back(name);
      body += name + (c < 2 ? ", " : "\n");
      point.push_back(1.12 * cell[c] + values.next(-0.05, 0.05));
    }
  }
  std::vector<std::string> energies;
  for (int i = 0; i < particles; ++i) {
    std::vector<std::string> terms;
    for (int j = i + 1; j < particles; ++j) {
      std::string r2 = "r2_" + str(i) + "_" + str(j), s = "s_" + str(i) + "_" + str(j);
      body += r2 + " = (x" + str(i) + " - x" + str(j) + ") ^ 2 + (y" + str(i) + " - y" + str(j) +
              ") ^ 2 + (z" + str(i) + " - z" + str(j) + ") ^ 2\n";
      body += s + " = 1 / " + r2 + " ^ 3\n";
      terms.push_back("(" + s + " ^ 2 - " + s + ")");
    }
    if (terms.empty()) continue;
    body += sum("e" + str(i), terms);
    energies.push_back("e" + str(i));
  }
  body += sum("inner", energies) + "energy = 4 * inner\n";
  BenchModel m = withGradients(body, "energy", coordinates);
  m.point = point;
  return m;
}

BenchModel mlp(int inputs, int hidden) {
  Values values(7);
  std::string body = "input t";
  for (int i = 0; i < inputs; ++i) body += ", x" + str(i);
  body += "\n";
  std::vector<std::string> params, outputTerms;
  auto param = [&](const std::string& name, double v) {
    params.push_back(name);
    body += "param " + name + " = " + num(v) + "\n";
  };
  for (int j = 0; j < hidden; ++j) {
    std::string pre;
    for (int i = 0; i < inputs; ++i) {
      std::string w = "W1_" + str(j) + "_" + str(i);
      param(w, values.next(-0.5, 0.5));
      pre += w + " * x" + str(i) + " + ";
    }
    param("b1_" + str(j), values.next(-0.1, 0.1));
    param("W2_" + str(j), values.next(-0.5, 0.5));
    body += "h" + str(j) + " = tanh(" + pre + "b1_" + str(j) + ")\n";
    outputTerms.push_back("W2_" + str(j) + " * h" + str(j));
  }
  param("b2", 0.05);
  body += sum("y", outputTerms) + "loss = (y + b2 - t) ^ 2\n";
  BenchModel m = withGradients(body, "loss", params);
  m.point.push_back(0.3);
  for (int i = 0; i < inputs; ++i) m.point.push_back(values.next(-1, 1));
  return m;
}

BenchModel deepTanh(int layers) {
  Values values(static_cast<unsigned>(layers));
  std::string body = "input x\n";
  std::vector<std::string> params;
  for (int k = 1; k <= layers; ++k) {
    body += "param w" + str(k) + " = " + num(values.next(0.9, 1.1)) + ", b" + str(k) + " = " +
            num(values.next(-0.05, 0.05)) + "\n";
    params.push_back("w" + str(k));
    params.push_back("b" + str(k));
  }
  for (int k = 1; k <= layers; ++k)
    body += "h" + str(k) + " = tanh(w" + str(k) + " * " + (k == 1 ? "x" : "h" + str(k - 1)) + " + b" +
            str(k) + ")\n";
  BenchModel m = withGradients(body, "h" + str(layers), params);
  m.point = {0.5};
  return m;
}

BenchModel nestedSinDerivative(int depth, int order) {
  std::string e = "x";
  for (int i = 0; i < depth; ++i) e = "sin(" + e + ")";
  std::string value = "input x\noutput y = " + e + "\n";
  for (int i = 0; i < order; ++i) e = "grad(" + e + ", x)";
  return {"input x\noutput y = " + e + "\n", value, {0.5}};
}

std::string layeredModel(int layers) {
  std::string text = "input x\n";
  for (int k = 1; k <= layers; ++k) text += "param w" + str(k) + " = 0.9, b" + str(k) + " = 0.1\n";
  text += "h0 = x\n";
  for (int k = 1; k <= layers; ++k) {
    std::string h = "h" + str(k - 1), K = str(k);
    text += "h" + K + " = tanh(w" + K + " * " + h + " + sin(b" + K + " * " + h + "))\n";
  }
  std::string top = "h" + str(layers);
  text += "output " + top + "\n";
  for (int k = 1; k <= layers; ++k) {
    std::string K = str(k);
    text += "output dw" + K + " = grad(" + top + ", w" + K + ")\noutput db" + K + " = grad(" + top + ", b" +
            K + ")\n";
  }
  return text;
}

}  // namespace gradc::bench
