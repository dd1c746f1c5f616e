/* GSL odeiv2 steppers behind the same interface, as the independent cross-check of RODAS4. */
#include "integrate_impl.h"
#include "sgema/status.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <stdlib.h>

typedef struct {
  const gsl_odeiv2_step_type *type;
  size_t N;
  gsl_odeiv2_system sys;
  gsl_odeiv2_driver *driver; /* owns step, control and evolve; msbdf needs the driver link */
  integ_run *run;            /* the trial in progress, for the callbacks */
  double *f;
} gsl_ws;

static int gsl_rhs(double t, const double y[], double dydt[], void *params) {
  gsl_ws *w = params;
  integ_eval(w->run, t, y, dydt);
  return GSL_SUCCESS;
}

static int gsl_jac(double t, const double y[], double *dfdy, double dfdt[], void *params) {
  gsl_ws *w = params;
  sgema_field_jacobian(w->run->field, w->run->p, t, y, dfdy, dfdt);
  w->run->st->jac_evals++;
  return GSL_SUCCESS;
}

static void gsl_ws_free(void *impl) {
  gsl_ws *w = impl;
  if (!w)
    return;
  if (w->driver)
    gsl_odeiv2_driver_free(w->driver);
  free(w->f);
  free(w);
}

static void *gsl_ws_alloc(const gsl_odeiv2_step_type *type, const sgema_integration *s, size_t N) {
  gsl_ws *w = calloc(1, sizeof *w);
  if (!w)
    return NULL;
  w->type = type;
  w->N = N;
  w->sys = (gsl_odeiv2_system){gsl_rhs, gsl_jac, N, w};
  /* Standard control on y only: the same local error measure as RODAS4's. */
  w->driver = gsl_odeiv2_driver_alloc_y_new(&w->sys, type, s->h0, s->atol, s->rtol);
  w->f = malloc(N * sizeof(double));
  if (!w->driver || !w->f) {
    gsl_ws_free(w);
    return NULL;
  }
  return w;
}

/* The convergence test needs f at each accepted state: GSL's evolve does not hand it out, so it is
 * evaluated once more (and counted). */
static int gsl_ws_run(void *impl, integ_run *r, double *y) {
  gsl_ws *w = impl;
  gsl_odeiv2_driver *d = w->driver;
  sgema_integration_stats *st = r->st;
  int status = SGEMA_OK;
  w->run = r;
  gsl_odeiv2_driver_reset(d);
  double t = 0.0, h = r->s->h0;
  integ_eval(r, t, y, w->f);
  if (integ_accept(r, t, y, w->f, &status))
    return status;
  double segment_end = t + integ_step_limit(r, t);
  for (;;) {
    unsigned long failed_before = d->e->failed_steps;
    int rc = gsl_odeiv2_evolve_apply(d->e, d->c, d->s, &w->sys, &t, segment_end, &h, y);
    st->rejected += (long)(d->e->failed_steps - failed_before);
    if (rc != GSL_SUCCESS) {
      st->end = SGEMA_END_STEP_FAIL;
      st->t_end = t;
      return SGEMA_OK;
    }
    st->steps++;
    integ_eval(r, t, y, w->f);
    if (integ_accept(r, t, y, w->f, &status))
      return status;
    if (t >= segment_end) {
      /* Past the momentum's kink the field is a different smooth function: restart the method
       * so that multistep histories and error estimates do not straddle it. */
      gsl_odeiv2_evolve_reset(d->e);
      gsl_odeiv2_step_reset(d->s);
      segment_end = t + integ_step_limit(r, t);
    }
  }
}

#define SGEMA_GSL_METHOD(name, code, gsltype)                                                      \
  static void *name##_alloc(const sgema_integration *s, size_t N) {                                \
    return gsl_ws_alloc(gsltype, s, N);                                                            \
  }                                                                                                \
  const integ_method integ_gsl_##name = {code, name##_alloc, gsl_ws_free, gsl_ws_run};

SGEMA_GSL_METHOD(rk8pd, SGEMA_METHOD_RK8PD, gsl_odeiv2_step_rk8pd)
SGEMA_GSL_METHOD(rkf45, SGEMA_METHOD_RKF45, gsl_odeiv2_step_rkf45)
SGEMA_GSL_METHOD(rkck, SGEMA_METHOD_RKCK, gsl_odeiv2_step_rkck)
SGEMA_GSL_METHOD(rk4imp, SGEMA_METHOD_RK4IMP, gsl_odeiv2_step_rk4imp)
SGEMA_GSL_METHOD(bsimp, SGEMA_METHOD_BSIMP, gsl_odeiv2_step_bsimp)
SGEMA_GSL_METHOD(msbdf, SGEMA_METHOD_MSBDF, gsl_odeiv2_step_msbdf)
