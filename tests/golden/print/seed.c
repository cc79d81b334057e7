#include <math.h>

static inline double gradc_sq(double x) { return x * x; }

/* inputs: x
   params: w1, w2, b2
   outputs: y, dy_dl, dy_dw1, df_dw2, d2y_dw1, acc_w1 */
void gradc_model(const double *inputs, const double *params, double *outputs) {
  const double x = inputs[0];
  const double w1 = params[0];
  const double w2 = params[1];
  const double b2 = params[2];
  const double l = x*w1;
  const double t1 = b2 + w2*l;
  outputs[0] = gradc_sq(t1);  /* y */
  const double t2 = 2.0*t1;
  const double dy_dl = w2*t2;
  outputs[1] = dy_dl;  /* dy_dl */
  outputs[2] = x*dy_dl;  /* dy_dw1 */
  const double t3 = 2.0*w2;
  outputs[3] = t2 + l*t3;  /* df_dw2 */
  outputs[4] = x*(w2*(2.0*(x*w2)));  /* d2y_dw1 */
  outputs[5] = x*(w2*(t2 + t3));  /* acc_w1 */
}
