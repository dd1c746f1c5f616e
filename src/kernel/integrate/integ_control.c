/* Step size control after accepted and rejected steps, and the stops no step may cross. */
#include "integ_control.h"
#include "sgema/status.h"

#include <math.h>

static const double fac_safe = 0.9, fac_min = 0.2;

static double control_factor(const integ_control *c, double err, int order) {
  return err > 0.0 ? fac_safe * pow(err, -1.0 / (order + 1)) : c->fac_max;
}

double integ_control_accept(integ_control *c, double h, double err, int order) {
  double fac = control_factor(c, err, order);
  h *= fmin(c->rejected_last ? 1.0 : c->fac_max, fmax(fac_min, fac));
  c->rejected_last = 0;
  return h;
}

/* Why relative to the state's time scale: huge states and huge weight decays move on time scales
 * far below 1e-14 and still integrate (tests/test_edges.c). */
int integ_step_underflow(const integ_run *r, double t, double h) {
  double time_scale = fmin(1.0, r->scale / r->st->f_norm); /* 1 when f_norm is 0 or NaN */
  return fabs(h) < 1e-14 * fmax(1.0, t) * time_scale;
}

int integ_control_reject(integ_control *c, integ_run *r, double t, double *h, double err,
                         int order) {
  sgema_integration_stats *st = r->st;
  st->rejected++;
  c->rejected_last = 1;
  *h *= isfinite(err) ? fmax(fac_min, fmin(1.0, control_factor(c, err, order))) : fac_min;
  int underflow = integ_step_underflow(r, t, *h);
  if (!underflow && st->steps + st->rejected < r->s->max_steps)
    return 0;
  st->end = underflow ? SGEMA_END_STEP_FAIL : SGEMA_END_MAX_STEPS;
  st->t_end = t;
  return 1;
}

static double next_stop(const integ_run *r, double t) {
  double kink = sgema_momentum_kink(&r->p->momentum);
  double stop = r->s->t_max;
  if (r->p->alg == SGEMA_ALG_EMA && kink > t && kink < stop)
    stop = kink;
  return stop;
}

double integ_step_limit(const integ_run *r, double t) {
  return next_stop(r, t) - t;
}

double integ_advance(const integ_run *r, double t, double h) {
  double stop = next_stop(r, t);
  return h >= stop - t ? stop : t + h;
}
