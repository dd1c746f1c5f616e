/* The integration driver: method table, end-of-step tests, kink and horizon handling. */
#include "integrate_extrap.h"
#include "integrate_impl.h"
#include "sgema/settings.h"
#include "sgema/status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const method_names[] = {
#define SGEMA_METHOD_NAME(code, name) name,
    SGEMA_METHOD_LIST(SGEMA_METHOD_NAME)
#undef SGEMA_METHOD_NAME
};

static const integ_method *const method_table[] = {
    &integ_hybrid,     &integ_rodas4,    &integ_gsl_rk8pd, &integ_gsl_rkf45, &integ_gsl_rkck,
    &integ_gsl_rk4imp, &integ_gsl_bsimp, &integ_gsl_msbdf, &integ_cvode,
};

const char *sgema_method_name(sgema_method m) {
  return (unsigned)m < SGEMA_METHOD_COUNT ? method_names[m] : "unknown";
}

int sgema_method_parse(const char *name) {
  for (int i = 0; i < SGEMA_METHOD_COUNT; i++)
    if (strcmp(name, method_names[i]) == 0)
      return i;
  return -1;
}

static const char *const end_names[SGEMA_END_COUNT] = {"converged", "diverged",  "t_max",
                                                       "max_steps", "step_fail", "error"};

const char *sgema_end_name(sgema_end e) {
  return (unsigned)e < SGEMA_END_COUNT ? end_names[e] : "unknown";
}

/* The last accepted step [t0, t1]: its start, and an extrapolation stepper of its own that counts
 * its field evaluations apart, so that output never changes the trial's record. */
enum { DENSE_DEPTH = 12 }; /* at most 2^12 pieces per output point */

struct sgema_dense {
  integ_run run;                 /* a copy of the trial's run with private counters */
  sgema_integration_stats quiet; /* those counters */
  extrap_ws *ex;
  double t0;
  double *y0, *f0, *yerr;
  double *stack; /* 2 N per halving level: midpoint state and field */
  int have_start;
};

struct sgema_integrator {
  sgema_integration s;
  sgema_dense *dense;
  const integ_method *method;
  void *impl; /* the method's workspace, for states of length impl_N */
  size_t impl_N;
  sgema_field *field;
  double *f; /* field scratch for the discrete algorithm */
  size_t N_max;
  int m_max, n_max; /* the field workspace's dimensions */
};

sgema_integrator *sgema_integrator_alloc(const sgema_integration *s, int m, int n) {
  if (sgema_integration_validate(s) != SGEMA_OK || m < 1 || n <= m || m > SGEMA_MAX_M ||
      n > SGEMA_MAX_N)
    return NULL;
  sgema_integrator *it = calloc(1, sizeof *it);
  if (!it)
    return NULL;
  it->s = *s;
  it->method = method_table[s->method];
  it->N_max = sgema_problem_dim_for(SGEMA_ALG_EMA, m, n);
  it->m_max = m;
  it->n_max = n;
  it->field = sgema_field_alloc(m, n);
  it->f = malloc(it->N_max * sizeof(double));
  it->dense = calloc(1, sizeof *it->dense);
  if (it->dense)
    it->dense->y0 = malloc((3 + 2 * DENSE_DEPTH) * it->N_max * sizeof(double));
  if (!it->field || !it->f || !it->dense || !it->dense->y0) {
    sgema_integrator_free(it);
    return NULL;
  }
  return it;
}

void sgema_integrator_free(sgema_integrator *it) {
  if (!it)
    return;
  if (it->impl)
    it->method->free(it->impl);
  sgema_field_free(it->field);
  free(it->f);
  if (it->dense) {
    extrap_free(it->dense->ex);
    free(it->dense->y0);
    free(it->dense);
  }
  free(it);
}

/* The method's workspace depends on the state length, which is fixed for a run (same algorithm
 * and dimensions), so this allocates once per worker and run. */
static int ensure_impl(sgema_integrator *it, size_t N) {
  if (it->impl && it->impl_N == N)
    return SGEMA_OK;
  if (it->impl)
    it->method->free(it->impl);
  extrap_free(it->dense->ex);
  it->impl = it->method->alloc(&it->s, N);
  it->dense->ex = extrap_alloc(N);
  it->impl_N = it->impl && it->dense->ex ? N : 0;
  return it->impl_N ? SGEMA_OK : SGEMA_ENOMEM;
}

int sgema_integrator_run(sgema_integrator *it, const sgema_problem *p, double *y,
                         const sgema_observer *obs, sgema_integration_stats *out) {
  if (p->m < 1 || p->n <= p->m || p->m > it->m_max || p->n > it->n_max)
    return SGEMA_EDIM;
  memset(out, 0, sizeof *out);
  integ_run r = {&it->s, p, it->field, obs, out, sgema_problem_dim(p), 1.0, NULL};
  if (p->time == SGEMA_TIME_DISCRETE)
    return integ_discrete_run(&r, y, it->f);
  int st = ensure_impl(it, r.N);
  if (st != SGEMA_OK)
    return st;
  sgema_dense *d = it->dense;
  size_t N = r.N;
  d->run = r;
  d->run.st = &d->quiet;
  d->run.obs = NULL;
  d->f0 = d->y0 + N;
  d->yerr = d->f0 + N;
  d->stack = d->yerr + N;
  d->have_start = 0;
  r.dense = obs ? d : NULL;
  return it->method->run(it->impl, &r, y);
}

void integ_eval(integ_run *r, double t, const double *y, double *f) {
  sgema_field_eval(r->field, r->p, t, y, f);
  r->st->rhs_evals++;
}

static int blown_up(const double *y, size_t N, double bound) {
  for (size_t i = 0; i < N; i++)
    if (!(fabs(y[i]) <= bound)) /* also true for NaN */
      return 1;
  return 0;
}

double sgema_field_scale(const double *y, size_t N) {
  return fmax(1.0, sgema_norm2(y, N));
}

/* Remembers (t, y, f) as the start of the next step, for dense output. */
static void dense_mark(sgema_dense *d, double t, const double *y, const double *f, size_t N) {
  d->t0 = t;
  memcpy(d->y0, y, N * sizeof(double));
  memcpy(d->f0, f, N * sizeof(double));
  d->have_start = 1;
}

int integ_accept(integ_run *r, double t, const double *y, const double *f, int *status) {
  sgema_integration_stats *st = r->st;
  st->t_end = t;
  st->f_norm = sgema_norm2(f, r->N);
  r->scale = sgema_field_scale(y, r->N);
  if (r->obs && r->obs->on_step) {
    sgema_dense *d = r->dense && r->dense->have_start ? r->dense : NULL;
    int rc = r->obs->on_step(r->obs->ctx, t, y, f, d);
    if (r->dense)
      dense_mark(r->dense, t, y, f, r->N);
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

static double next_stop(const integ_run *r, double t) {
  double kink = sgema_momentum_kink(&r->p->momentum);
  double stop = r->s->t_max;
  if (r->p->alg == SGEMA_ALG_EMA && kink > t && kink < stop)
    stop = kink;
  return stop;
}

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

int integ_control_reject(integ_control *c, integ_run *r, double t, double *h, double err,
                         int order) {
  sgema_integration_stats *st = r->st;
  st->rejected++;
  c->rejected_last = 1;
  *h *= isfinite(err) ? fmax(fac_min, fmin(1.0, control_factor(c, err, order))) : fac_min;
  /* Underflow: the step is below 1e-14 of the time reached, or of the state's own time scale
   * |y| / |f| where that is shorter than 1 (huge states and huge weight decays move on time scales
   * far below 1e-14 and still integrate; tests/test_edges.c). */
  double time_scale = fmin(1.0, r->scale / st->f_norm); /* 1 when f_norm is 0 or NaN */
  int underflow = *h < 1e-14 * fmax(1.0, t) * time_scale;
  if (!underflow && st->steps + st->rejected < r->s->max_steps)
    return 0;
  st->end = underflow ? SGEMA_END_STEP_FAIL : SGEMA_END_MAX_STEPS;
  st->t_end = t;
  return 1;
}

double integ_step_limit(const integ_run *r, double t) {
  return next_stop(r, t) - t;
}

double integ_advance(const integ_run *r, double t, double h) {
  double stop = next_stop(r, t);
  return h >= stop - t ? stop : t + h;
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
    sgema_field_eval(r->field, r->p, tm, ym, ym + N);
    st = dense_segment(d, tm, ym, ym + N, tau, out, depth - 1);
  }
  return st;
}

int sgema_dense_eval(sgema_dense *d, double tau, double *y_out) {
  if (!d || !d->have_start || !(tau > d->t0))
    return SGEMA_EINVAL;
  return dense_segment(d, d->t0, d->y0, d->f0, tau, y_out, DENSE_DEPTH);
}
