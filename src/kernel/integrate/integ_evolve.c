/* The end-of-step test shared by all methods, at each accepted state. */
#include "integ_evolve.h"
#include "integ_dense.h"

#include <math.h>

static int blown_up(const double *y, size_t N, double bound) {
  for (size_t i = 0; i < N; i++)
    if (!(fabs(y[i]) <= bound)) /* also true for NaN */
      return 1;
  return 0;
}

int integ_accept(integ_run *r, double t, const double *y, const double *f, int *status) {
  sgema_integration_stats *st = r->st;
  st->t_end = t;
  st->f_norm = sgema_norm2(f, r->N);
  r->scale = sgema_field_scale(y, r->N);
  if (r->obs && r->obs->on_step) {
    sgema_dense *d = r->dense && integ_dense_started(r->dense) ? r->dense : NULL;
    int rc = r->obs->on_step(r->obs->ctx, t, y, f, d);
    if (r->dense)
      integ_dense_mark(r->dense, t, y, f);
    if (rc != 0) {
      *status = rc;
      st->end = SGEMA_END_STEP_FAIL;
      return 1;
    }
  }
  if (blown_up(y, r->N, r->s->diverge_norm) || !isfinite(st->f_norm)) {
    st->end = SGEMA_END_DIVERGED;
    return 1;
  }
  if (st->f_norm < r->s->f_tol * r->scale) {
    st->end = SGEMA_END_CONVERGED;
    return 1;
  }
  if (t >= r->s->t_max) {
    st->end = SGEMA_END_T_MAX;
    return 1;
  }
  if (st->steps + st->rejected >= r->s->max_steps) {
    st->end = SGEMA_END_MAX_STEPS;
    return 1;
  }
  return 0;
}
