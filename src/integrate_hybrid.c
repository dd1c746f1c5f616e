/* The default method: GSL's rk8pd under our own step control, then RODAS4 once stiff or in the tail. */
#include "integrate_rodas.h"
#include "sgema/status.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Why two phases: an 8th-order explicit step costs a dozen field evaluations and no linear algebra,
 * and takes long accurate steps through the nonlinear transient; near a limit the Jacobian's
 * eigenvalues spread over three decades, explicit steps shrink to the stability bound, and the
 * L-stable RODAS4 takes over. GSL's stepper is driven directly (gsl_odeiv2_step_apply) because
 * GSL's evolve/control layers cost more than the arithmetic on this six-dimensional system. */

enum { STIFF_CHECK_EVERY = 8, POWER_ITERATIONS = 4 };
static const double fac_safe = 0.9, fac_min = 0.2, fac_max = 5.0;

typedef struct {
  size_t N;
  gsl_odeiv2_step *rk;
  gsl_odeiv2_step *stiff; /* bsimp: Bader-Deuflhard semi-implicit extrapolation */
  gsl_odeiv2_system sys;
  integ_run *run;
  rodas_ws *rodas;
  double *ynew, *yerr, *fnew, *v, *jv;
} hybrid_ws;

static int hybrid_rhs(double t, const double y[], double dydt[], void *params) {
  hybrid_ws *w = params;
  integ_eval(w->run, t, y, dydt);
  return GSL_SUCCESS;
}

static int hybrid_jac(double t, const double y[], double *dfdy, double dfdt[], void *params) {
  hybrid_ws *w = params;
  sgema_field_jacobian(w->run->field, w->run->p, t, y, dfdy, dfdt);
  w->run->st->jac_evals++;
  return GSL_SUCCESS;
}

static void hybrid_free(void *impl) {
  hybrid_ws *w = impl;
  if (!w)
    return;
  if (w->rk)
    gsl_odeiv2_step_free(w->rk);
  if (w->stiff)
    gsl_odeiv2_step_free(w->stiff);
  rodas_free(w->rodas);
  free(w->ynew);
  free(w);
}

static void *hybrid_alloc(const sgema_integration *s, size_t N) {
  hybrid_ws *w = calloc(1, sizeof *w);
  if (!w)
    return NULL;
  w->N = N;
  w->rk = gsl_odeiv2_step_alloc(gsl_odeiv2_step_rk8pd, N);
  w->stiff = gsl_odeiv2_step_alloc(gsl_odeiv2_step_bsimp, N);
  w->sys = (gsl_odeiv2_system){hybrid_rhs, hybrid_jac, N, w};
  w->rodas = rodas_alloc(s, N);
  w->ynew = malloc(5 * N * sizeof(double));
  if (!w->rk || !w->stiff || !w->rodas || !w->ynew) {
    hybrid_free(w);
    return NULL;
  }
  w->yerr = w->ynew + N;
  w->fnew = w->yerr + N;
  w->v = w->fnew + N;
  w->jv = w->v + N;
  return w;
}

/* Spectral radius of J(t, y), estimated by a few power iterations with the analytic
 * Jacobian-vector product, warm-started from the previous estimate's vector. */
static double spectral_radius(hybrid_ws *w, integ_run *r, double t, const double *y) {
  double rho = 0.0;
  for (int it = 0; it < POWER_ITERATIONS; it++) {
    sgema_field_jvp(r->field, r->p, t, y, w->v, w->jv);
    double nv = sgema_norm2(w->jv, w->N);
    if (!(nv > 0.0) || !isfinite(nv))
      return nv;
    rho = nv;
    for (size_t k = 0; k < w->N; k++)
      w->v[k] = w->jv[k] / nv;
  }
  return rho;
}

static double scaled_error(const integ_run *r, const double *y, const double *ynew,
                           const double *yerr, size_t N) {
  double err = 0.0;
  for (size_t k = 0; k < N; k++) {
    double sc = r->s->atol + r->s->rtol * fmax(fabs(y[k]), fabs(ynew[k]));
    double e = yerr[k] / sc;
    err += e * e;
  }
  err = sqrt(err / (double)N);
  return isfinite(err) ? err : INFINITY;
}

static int hybrid_run(void *impl, integ_run *r, double *y) {
  hybrid_ws *w = impl;
  sgema_integration_stats *st = r->st;
  size_t N = w->N;
  int status = SGEMA_OK, rejected_last = 0;
  double t = 0.0, h = r->s->h0, *f = rodas_field(w->rodas);
  w->run = r;
  gsl_odeiv2_step_reset(w->rk);
  for (size_t k = 0; k < N; k++) /* a fixed start, so that the trial is a pure function of its inputs */
    w->v[k] = 1.0 / sqrt((double)N);
  integ_eval(r, t, y, f);
  if (integ_accept(r, t, y, f, &status))
    return status;
  gsl_odeiv2_step *stepper = w->rk;
  gsl_odeiv2_step_reset(w->stiff);
  for (;;) {
    if (st->f_norm < r->s->tail_f)
      break;
    if (stepper == w->rk && st->steps % STIFF_CHECK_EVERY == 0 && st->steps > 0 &&
        !rejected_last && h * spectral_radius(w, r, t, y) > r->s->stiff_ratio) {
      if (getenv("NOBS")) break;
      stepper = w->stiff;
    }
    double limit = integ_step_limit(r, t);
    if (h > limit)
      h = limit;
    memcpy(w->ynew, y, N * sizeof(double));
    int rc = gsl_odeiv2_step_apply(stepper, t, h, w->ynew, w->yerr, f, w->fnew, &w->sys);
    double err = rc == GSL_SUCCESS ? scaled_error(r, y, w->ynew, w->yerr, N) : INFINITY;
    double fac = err > 0.0 ? fac_safe * pow(err, -1.0 / (1.0 + gsl_odeiv2_step_order(stepper))) : fac_max;
    if (err <= 1.0) {
      t = integ_advance(r, t, h);
      memcpy(y, w->ynew, N * sizeof(double));
      memcpy(f, w->fnew, N * sizeof(double));
      st->steps++;
      if (integ_accept(r, t, y, f, &status))
        return status;
      h *= fmin(rejected_last ? 1.0 : fac_max, fmax(fac_min, fac));
      rejected_last = 0;
    } else {
      st->rejected++;
      rejected_last = 1;
      h *= isfinite(err) ? fmax(fac_min, fmin(1.0, fac)) : fac_min;
      if (h < 1e-14 * fmax(1.0, t) || st->steps + st->rejected >= r->s->max_steps) {
        st->end = h < 1e-14 * fmax(1.0, t) ? SGEMA_END_STEP_FAIL : SGEMA_END_MAX_STEPS;
        st->t_end = t;
        return SGEMA_OK;
      }
    }
  }
  return rodas_continue(w->rodas, r, t, h, y);
}

const integ_method integ_hybrid = {SGEMA_METHOD_HYBRID, hybrid_alloc, hybrid_free, hybrid_run};
