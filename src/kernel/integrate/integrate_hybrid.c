/* The default method: explicit RK 8(7), then a stiff method once stiff (extrapolation, msbdf or
 * CVODE by state length), RODAS4 (or CVODE) in the tail. */
#include "integ_control.h"
#include "integ_evolve.h"
#include "integ_gsl.h"
#include "integ_method.h"
#include "integrate_cvode.h"
#include "integrate_extrap.h"
#include "integrate_rk8.h"
#include "integrate_rodas.h"
#include "sgema/status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Why three phases: an 8th-order explicit step costs a dozen field evaluations and no linear
 * algebra, and takes long accurate steps through the nonlinear transient. Near a limit the
 * Jacobian's eigenvalues spread over three decades and explicit steps shrink to the stability
 * bound: semi-implicit extrapolation (high order, linearly implicit, analytic Jacobian) takes over
 * at full accuracy. Once |f| < tail_f, RODAS4 finishes with displacement-relative error control
 * (integrate.h). Each phase reimplements a GSL stepper (rk8pd, bsimp) without GSL's per-call
 * bookkeeping, which cost more than the arithmetic on this six-dimensional system; GSL's own
 * steppers stay available (--method) and the tests compare them step by step. */

enum { STIFF_CHECK_EVERY = 8, POWER_ITERATIONS = 4 };

/* Above this state length the stiff phase uses GSL's msbdf instead of extrapolation: an
 * extrapolation step factorises a new N x N matrix for each of its ~7 substep sizes, while BDF
 * reuses one factorisation over many steps; measured, extrapolation wins on the 6- and
 * 8-dimensional m = 1 problems and BDF from m = 2, n = 4 (N = 24) on. */
static const size_t bdf_min_n = 20;

/* From the state length s->krylov_min_n on (64 by default), CVODE's BDF with matrix-free
 * Newton-Krylov solves (integrate_cvode.c) takes the stiff phase and the tail, without any N x N
 * matrix (measured: see bench/scale.sh). */

typedef struct {
  size_t N;
  rk8_ws *rk;
  extrap_ws *stiff; /* semi-implicit extrapolation (GSL's bsimp algorithm) */
  integ_gsl *bdf;   /* GSL's msbdf, for large states */
  rodas_ws *rodas;
  cvode_ws *krylov; /* CVODE, for states of krylov_min_n and longer (then no extrap, bdf, rodas) */
  double *f;        /* the field at the accepted state */
  double *ynew, *yerr, *fnew, *v, *jv;
} hybrid_ws;

static void hybrid_free(void *impl) {
  hybrid_ws *w = impl;
  if (!w)
    return;
  rk8_free(w->rk);
  extrap_free(w->stiff);
  integ_gsl_free(w->bdf);
  rodas_free(w->rodas);
  cvode_free(w->krylov);
  free(w->ynew);
  free(w);
}

static void *hybrid_alloc(const sgema_integration *s, size_t N) {
  hybrid_ws *w = calloc(1, sizeof *w);
  if (!w)
    return NULL;
  w->N = N;
  w->rk = rk8_alloc(N);
  int krylov = N >= (size_t)s->krylov_min_n;
  if (krylov) {
    w->krylov = cvode_alloc(s, N);
  } else {
    w->stiff = extrap_alloc(N);
    w->rodas = rodas_alloc(s, N);
    if (N >= bdf_min_n)
      w->bdf = integ_gsl_alloc(gsl_odeiv2_step_msbdf, s, N);
  }
  w->ynew = malloc(6 * N * sizeof(double));
  if (!w->rk || !w->ynew ||
      (krylov ? !w->krylov : !w->stiff || !w->rodas || (N >= bdf_min_n && !w->bdf))) {
    hybrid_free(w);
    return NULL;
  }
  w->yerr = w->ynew + N;
  w->fnew = w->yerr + N;
  w->v = w->fnew + N;
  w->jv = w->v + N;
  w->f = w->rodas ? rodas_field(w->rodas) : w->jv + N;
  return w;
}

/* Spectral radius of J(t, y), estimated by a few power iterations with the analytic
 * Jacobian-vector product, warm-started from the previous estimate's vector. */
static double spectral_radius(hybrid_ws *w, integ_run *r, double t, const double *y) {
  double rho = 0.0;
  for (int it = 0; it < POWER_ITERATIONS; it++) {
    integ_jvp(r, t, y, w->v, w->jv);
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
  int status = SGEMA_OK;
  integ_control ctl = {5.0, 0};
  double t = 0.0, h = r->s->h0, *f = w->f;
  for (size_t k = 0; k < N;
       k++) /* a fixed start, so that the trial is a pure function of its inputs */
    w->v[k] = 1.0 / sqrt((double)N);
  integ_eval(r, t, y, f);
  if (integ_accept(r, t, y, f, &status))
    return status;
  int stiff = 0;
  for (;;) {
    if (integ_in_tail(r))
      break;
    if (!stiff && st->steps % STIFF_CHECK_EVERY == 0 && st->steps > 0 && !ctl.rejected_last &&
        h * spectral_radius(w, r, t, y) > r->s->stiff_ratio) {
      stiff = 1;
      if (w->krylov)
        return cvode_continue(w->krylov, r, t, y, f);
      if (w->bdf) {
        /* GSL's msbdf under GSL's driver, until the tail or the end of the trial. */
        int rc = integ_gsl_evolve(w->bdf, r, &t, &h, y, f, 1);
        if (rc >= 0)
          return rc;
        break;
      }
    }
    double limit = integ_step_limit(r, t);
    if (h > limit)
      h = limit;
    int ok, order;
    if (stiff) {
      ok = extrap_step(w->stiff, r, t, h, y, f, w->ynew, w->yerr) == 0;
      order = extrap_order(w->stiff);
    } else {
      rk8_step(w->rk, r, t, h, y, f, w->ynew, w->yerr, w->fnew);
      ok = 1;
      order = 8;
    }
    double err = ok ? scaled_error(r, y, w->ynew, w->yerr, N) : INFINITY;
    if (err <= 1.0) {
      t = integ_advance(r, t, h);
      memcpy(y, w->ynew, N * sizeof(double));
      if (stiff)
        integ_eval(r, t, y, f);
      else
        memcpy(f, w->fnew, N * sizeof(double));
      st->steps++;
      if (integ_accept(r, t, y, f, &status))
        return status;
      h = integ_control_accept(&ctl, h, err, order);
    } else if (integ_control_reject(&ctl, r, t, &h, err, order)) {
      return SGEMA_OK;
    }
  }
  if (w->krylov)
    return cvode_continue(w->krylov, r, t, y, f);
  return rodas_continue(w->rodas, r, t, h, y);
}

const integ_method integ_hybrid = {SGEMA_METHOD_HYBRID, hybrid_alloc, hybrid_free, hybrid_run};
