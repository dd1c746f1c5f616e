/* GSL's odeiv2 driver around our counted field, with our end-of-step test after each GSL step. */
#include "integ_gsl.h"
#include "integ_control.h"
#include "integ_evolve.h"
#include "sgema/status.h"

#include <gsl/gsl_errno.h>
#include <stdlib.h>

struct integ_gsl {
  gsl_odeiv2_system sys;
  gsl_odeiv2_driver *driver; /* owns step, control and evolve; msbdf needs the driver link */
  integ_run *run;            /* the trial in progress, for the callbacks */
};

static int gsl_rhs(double t, const double y[], double dydt[], void *params) {
  integ_gsl *g = params;
  integ_eval(g->run, t, y, dydt);
  return GSL_SUCCESS;
}

static int gsl_jac(double t, const double y[], double *dfdy, double dfdt[], void *params) {
  integ_gsl *g = params;
  integ_jacobian(g->run, t, y, dfdy, dfdt);
  return GSL_SUCCESS;
}

integ_gsl *integ_gsl_alloc(const gsl_odeiv2_step_type *type, const sgema_integration *s, size_t N) {
  integ_gsl *g = calloc(1, sizeof *g);
  if (!g)
    return NULL;
  g->sys = (gsl_odeiv2_system){gsl_rhs, gsl_jac, N, g};
  g->driver = gsl_odeiv2_driver_alloc_y_new(&g->sys, type, s->h0, s->atol, s->rtol);
  if (!g->driver) {
    free(g);
    return NULL;
  }
  return g;
}

void integ_gsl_free(integ_gsl *g) {
  if (!g)
    return;
  gsl_odeiv2_driver_free(g->driver);
  free(g);
}

/* The end-of-step test needs f at each accepted state: GSL's evolve does not hand it out, so it is
 * evaluated once more (and counted). */
int integ_gsl_evolve(integ_gsl *g, integ_run *r, double *t, double *h, double *y, double *f,
                     int tail_exit) {
  gsl_odeiv2_driver *d = g->driver;
  sgema_integration_stats *st = r->st;
  int status = SGEMA_OK;
  g->run = r;
  gsl_odeiv2_driver_reset(d);
  double segment_end = *t + integ_step_limit(r, *t);
  for (;;) {
    unsigned long failed_before = d->e->failed_steps;
    int rc = gsl_odeiv2_evolve_apply(d->e, d->c, d->s, &g->sys, t, segment_end, h, y);
    st->rejected += (long)(d->e->failed_steps - failed_before);
    if (rc != GSL_SUCCESS) {
      st->end = SGEMA_END_STEP_FAIL;
      st->t_end = *t;
      return SGEMA_OK;
    }
    st->steps++;
    integ_eval(r, *t, y, f);
    if (integ_accept(r, *t, y, f, &status))
      return status;
    if (tail_exit && integ_in_tail(r))
      return -1;
    if (*t >= segment_end) {
      /* Past the momentum's kink the field is a different smooth function: restart the method
       * so that multistep histories and error estimates do not straddle it. */
      gsl_odeiv2_evolve_reset(d->e);
      gsl_odeiv2_step_reset(d->s);
      segment_end = *t + integ_step_limit(r, *t);
    }
  }
}
