/* Dense output by extrapolation steps from the last accepted state, halving while they fail. */
#include "integ_dense.h"
#include "integrate_extrap.h"
#include "sgema/status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The last accepted step [t0, t1]: its start, and an extrapolation stepper of its own that counts
 * its field evaluations apart, so that output never changes the trial's record. */
enum { DENSE_DEPTH = 12 }; /* at most 2^12 pieces per output point */

struct sgema_dense {
  integ_run run;                 /* a copy of the trial's run with private counters */
  sgema_integration_stats quiet; /* those counters */
  extrap_ws *ex;                 /* made on first use, for states of length ex_N */
  size_t ex_N;
  double t0;
  double *y0, *f0, *yerr;
  double *stack; /* 2 N per halving level: midpoint state and field */
  int have_start;
};

sgema_dense *integ_dense_alloc(size_t N_max) {
  sgema_dense *d = calloc(1, sizeof *d);
  if (!d)
    return NULL;
  d->y0 = malloc((3 + 2 * DENSE_DEPTH) * N_max * sizeof(double));
  if (!d->y0) {
    free(d);
    return NULL;
  }
  return d;
}

void integ_dense_free(sgema_dense *d) {
  if (!d)
    return;
  extrap_free(d->ex);
  free(d->y0);
  free(d);
}

/* The extrapolation stepper holds N x N Newton matrices: it is made when a trajectory first asks
 * for a point, so that runs that record nothing never hold them (1 GB at N = 11,000). */
int integ_dense_reserve(sgema_dense *d, size_t N) {
  if (d->ex && d->ex_N != N) {
    extrap_free(d->ex);
    d->ex = NULL;
  }
  d->ex_N = N;
  return SGEMA_OK;
}

void integ_dense_begin(sgema_dense *d, const integ_run *r) {
  size_t N = r->N;
  d->run = *r;
  d->run.st = &d->quiet;
  d->run.obs = NULL;
  d->run.dense = NULL;
  d->f0 = d->y0 + N;
  d->yerr = d->f0 + N;
  d->stack = d->yerr + N;
  d->have_start = 0;
}

int integ_dense_started(const sgema_dense *d) {
  return d->have_start;
}

void integ_dense_mark(sgema_dense *d, double t, const double *y, const double *f) {
  size_t N = d->run.N;
  d->t0 = t;
  memcpy(d->y0, y, N * sizeof(double));
  memcpy(d->f0, f, N * sizeof(double));
  d->have_start = 1;
}

double sgema_dense_start(const sgema_dense *d) {
  return d->t0;
}

static double dense_error(const integ_run *r, const double *y, const double *ynew,
                          const double *yerr) {
  double err = 0.0;
  for (size_t k = 0; k < r->N; k++) {
    double e = yerr[k] / (r->s->atol + r->s->rtol * fmax(fabs(y[k]), fabs(ynew[k])));
    err += e * e;
  }
  err = sqrt(err / (double)r->N);
  return isfinite(err) ? err : INFINITY;
}

/* From (t, y, f) to tau into out, halving up to depth more times while the error estimate fails. */
static int dense_segment(sgema_dense *d, double t, const double *y, const double *f, double tau,
                         double *out, int depth) {
  integ_run *r = &d->run;
  size_t N = r->N;
  int ok = extrap_step(d->ex, r, t, tau - t, y, f, out, d->yerr) == 0;
  if (ok && (depth == 0 || dense_error(r, y, out, d->yerr) <= 1.0))
    return SGEMA_OK;
  if (depth == 0)
    return SGEMA_ESTEP;
  double *ym = d->stack + (size_t)(depth - 1) * 2 * N; /* this level's midpoint and its field */
  double tm = t + 0.5 * (tau - t);
  int st = dense_segment(d, t, y, f, tm, ym, depth - 1);
  if (st == SGEMA_OK) {
    integ_eval(r, tm, ym, ym + N);
    st = dense_segment(d, tm, ym, ym + N, tau, out, depth - 1);
  }
  return st;
}

int sgema_dense_eval(sgema_dense *d, double tau, double *y_out) {
  if (!d || !d->have_start || !(tau > d->t0))
    return SGEMA_EINVAL;
  if (!d->ex)
    d->ex = extrap_alloc(d->ex_N);
  if (!d->ex)
    return SGEMA_ENOMEM;
  return dense_segment(d, d->t0, d->y0, d->f0, tau, y_out, DENSE_DEPTH);
}
