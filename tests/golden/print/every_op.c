#include <math.h>

static inline double gradc_sq(double x) { return x * x; }
static double gradc_pow(double x, double y) {
  /* integer exponents by binary powering, as gradc computes them */
  if (y == trunc(y) && fabs(y) <= 64) {
    unsigned n = (unsigned)fabs(y);
    double r = 1, s = x;
    for (;;) {
      if (n & 1) r *= s;
      n >>= 1;
      if (n == 0) break;
      s *= s;
    }
    return y < 0 ? 1 / r : r;
  }
  return pow(x, y);
}
static inline double gradc_sign(double x) { return isnan(x) ? x : (double)((0.0 < x) - (x < 0.0)); }
static inline double gradc_min(double a, double b) {
  if (isnan(a) || isnan(b)) return a + b;
  return b < a ? b : a;
}
static inline double gradc_max(double a, double b) {
  if (isnan(a) || isnan(b)) return a + b;
  return a < b ? b : a;
}
static inline double gradc_sigmoid(double x) {
  if (x >= 0.0) return 1.0 / (1.0 + exp(-x));
  double e = exp(x);
  return e / (1.0 + e);
}
static inline double gradc_softplus(double x) {
  if (x > 0.0) return x + log1p(exp(-x));
  return log1p(exp(x));
}
static inline double gradc_relu(double x) { return x > 0.0 || isnan(x) ? x : 0.0; }
static inline double gradc_logsumexp(int n, const double *a) {
  int top = 0;
  for (int i = 0; i < n; ++i) {
    if (isnan(a[i])) return a[i];
    if (a[i] > a[top]) top = i;
  }
  double m = a[top];
  if (isinf(m)) return m;
  double rest = 0.0;
  for (int i = 0; i < n; ++i)
    if (i != top) rest += exp(a[i] - m);
  return m + log1p(rest);
}

/* inputs: x, y, fabs
   params: w
   outputs: add, sub, div, neg, pow_xy, pow_2, pow_3, pow_neg, where_lt, where_le, where_gt, where_div, where_ge, where_eq, where_ne, where_real, where_true, f_exp, f_log, f_log1p, f_expm1, f_sqrt, f_sin, f_cos, f_tan, f_asin, f_acos, f_atan, f_sinh, f_cosh, f_tanh, f_abs, f_sign, f_sigmoid, f_softplus, f_relu, f_erf, f_atan2, f_min, f_max, f_hypot, logsumexp2, logsumexp3, max_inf, min_inf, plus_nan, big, renamed, constant, just_y */
void gradc_model(const double *inputs, const double *params, double *outputs) {
  const double x = inputs[0];
  const double y = inputs[1];
  const double fabs_ = inputs[2];
  const double w = params[0];
  outputs[0] = x + y*w;  /* add */
  const double t1 = x - y;
  outputs[1] = t1 - (w - x);  /* sub */
  outputs[2] = x/(y - w);  /* div */
  const double double_ = y*sin(x);
  outputs[3] = -(x + double_);  /* neg */
  outputs[4] = gradc_pow(x, y);  /* pow_xy */
  outputs[5] = gradc_sq(x + w);  /* pow_2 */
  outputs[6] = gradc_pow(x, 3.0);  /* pow_3 */
  outputs[7] = gradc_pow(-2.0, y);  /* pow_neg */
  outputs[8] = (x < y ? x*double_ : 1.0/x);  /* where_lt */
  outputs[9] = (x <= 0.0 ? exp(x) : log(x));  /* where_le */
  const double where_gt = (x > -1.0 ? 2.0 : 3.0);
  outputs[10] = where_gt;  /* where_gt */
  outputs[11] = 1.0/where_gt;  /* where_div */
  outputs[12] = (y >= w ? double_ : 0.0);  /* where_ge */
  outputs[13] = (x == y ? x : y);  /* where_eq */
  outputs[14] = (x != 0.0 ? y/x : 0.0);  /* where_ne */
  outputs[15] = (t1 != 0.0 ? x : w);  /* where_real */
  outputs[16] = (1 ? x : w);  /* where_true */
  const double t2 = x*w;
  outputs[17] = exp(t2);  /* f_exp */
  outputs[18] = log(t2);  /* f_log */
  outputs[19] = log1p(t2);  /* f_log1p */
  outputs[20] = expm1(t2);  /* f_expm1 */
  outputs[21] = sqrt(t2);  /* f_sqrt */
  outputs[22] = sin(t2);  /* f_sin */
  outputs[23] = cos(t2);  /* f_cos */
  outputs[24] = tan(t2);  /* f_tan */
  outputs[25] = asin(t2);  /* f_asin */
  outputs[26] = acos(t2);  /* f_acos */
  outputs[27] = atan(t2);  /* f_atan */
  outputs[28] = sinh(t2);  /* f_sinh */
  outputs[29] = cosh(t2);  /* f_cosh */
  outputs[30] = tanh(t2);  /* f_tanh */
  outputs[31] = fabs(t2);  /* f_abs */
  outputs[32] = gradc_sign(t2);  /* f_sign */
  outputs[33] = gradc_sigmoid(t2);  /* f_sigmoid */
  outputs[34] = gradc_softplus(t2);  /* f_softplus */
  outputs[35] = gradc_relu(t2);  /* f_relu */
  outputs[36] = erf(t2);  /* f_erf */
  outputs[37] = atan2(x, y);  /* f_atan2 */
  outputs[38] = gradc_min(x, y);  /* f_min */
  outputs[39] = gradc_max(x, y);  /* f_max */
  outputs[40] = hypot(x, y);  /* f_hypot */
  outputs[41] = gradc_logsumexp(2, (const double[]){x, y});  /* logsumexp2 */
  outputs[42] = gradc_logsumexp(3, (const double[]){x, y, double_});  /* logsumexp3 */
  outputs[43] = gradc_max(x, -INFINITY);  /* max_inf */
  outputs[44] = gradc_min(x, INFINITY);  /* min_inf */
  outputs[45] = NAN + x;  /* plus_nan */
  outputs[46] = 1e+300*x;  /* big */
  outputs[47] = fabs_*double_;  /* renamed */
  outputs[48] = 2.5;  /* constant */
  outputs[49] = y;  /* just_y */
}
