#include <math.h>

static inline double gradc_sq(double x) { return x * x; }

/* inputs: x
   params: w1, w2, b2
   outputs: y, dy_dw1 */
void gradc_model(const double *inputs, const double *params, double *outputs) {
  const double x = inputs[0];
  const double w1 = params[0];
  const double w2 = params[1];
  const double b2 = params[2];
  const double t1 = b2 + w2*(x*w1);
  outputs[0] = gradc_sq(t1);  /* y */
  outputs[1] = x*(w2*(2.0*t1));  /* dy_dw1 */
}
