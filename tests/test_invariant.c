/* Lemma 4.4: K(t) = e^{2 lambda t}(B^T B - A A^T) is constant along SG and EMA trajectories (the
 * trial's own record, and an independent check with GSL's rk8pd at 1e-12 and an observer); it is
 * not for GD (the check can fail). Lemma 4.3: GD always collapses, |A(t)| <= |A(0)| e^{-lambda t}.
 */
#include "sgema/integrate.h"
#include "sgema/trial.h"
#include "test_util.h"

#define SEED UINT64_C(0x2385)
#define NTRIALS 60
#define NGD 120

/* ---- the trial's own invariant record ---------------------------------------------------- */

static void test_trial_record(sgema_alg alg) {
  sgema_settings s;
  sgema_settings_default(&s);
  s.alg = alg;
  sgema_trial *t = sgema_trial_alloc(&s);
  sgema_record rec;
  double worst = 0.0, min_t = INFINITY;
  int bad = 0;
  for (uint32_t i = 0; i < NTRIALS; i++) {
    int st = sgema_trial_run(t, SEED, 0, i, &rec, NULL);
    double d = rec.verify.invariant_drift, ti = rec.verify.invariant_t;
    if (st != 0 || !(d < 1e-8) || !(ti > 0.0)) {
      if (bad++ < 5)
        printf("  %s trial %u: status %d drift %.3g over t <= %.4g\n", sgema_alg_name(alg), i, st,
               d, ti);
    }
    worst = fmax(worst, d);
    min_t = fmin(min_t, ti);
  }
  CHECK(bad == 0,
        "%s, %d default trials: invariant_drift < 1e-8 and invariant_t > 0 (max drift %.3g, "
        "min window %.4g)",
        sgema_alg_name(alg), NTRIALS, worst, min_t);
  sgema_trial_free(t);
}

/* ---- independent measurement along an rk8pd trajectory ---------------------------------- */

typedef struct {
  const sgema_problem *p;
  double K0[SGEMA_MAX_N * SGEMA_MAX_N], K[SGEMA_MAX_N * SGEMA_MAX_N];
  double k0_norm, max_drift, t_last;
  long steps;
} drift_ctx;

static int drift_step(void *ctx, double t, const double *y, const double *f, sgema_dense *dense) {
  (void)dense;
  (void)f;
  drift_ctx *c = ctx;
  const sgema_problem *p = c->p;
  size_t nn = (size_t)p->n * p->n;
  tu_imbalance(p, y, c->K);
  double g = exp(2.0 * p->lambda * t);
  for (size_t i = 0; i < nn; i++)
    c->K[i] = g * c->K[i] - c->K0[i];
  c->max_drift = fmax(c->max_drift, tu_norm(c->K, nn) / c->k0_norm);
  c->t_last = t;
  c->steps++;
  return 0;
}

/* Integrates each sampled trial with rk8pd at rtol = atol = 1e-12 to t = 20 and returns the
 * drifts of K relative to |K(0)| in drift[]. */
static void rk8pd_drifts(sgema_alg alg, int ntrials, double *drift, double *t_end) {
  sgema_settings s;
  sgema_settings_default(&s);
  s.alg = alg;
  s.integration.method = SGEMA_METHOD_RK8PD;
  s.integration.rtol = s.integration.atol = 1e-12;
  s.integration.t_max = 20.0;
  sgema_trial *t = sgema_trial_alloc(&s);
  sgema_integrator *it = sgema_integrator_alloc(&s.integration, s.m, s.n);
  sgema_record rec;
  double y[64];
  for (int i = 0; i < ntrials; i++) {
    sgema_trial_sample(t, SEED + 1, 0, (uint32_t)i, &rec);
    size_t N = sgema_problem_dim(&rec.problem);
    memcpy(y, rec.y0, N * sizeof(double));
    drift_ctx c = {.p = &rec.problem};
    tu_imbalance(&rec.problem, y, c.K0);
    c.k0_norm = tu_norm(c.K0, (size_t)s.n * s.n);
    sgema_observer obs = {drift_step, &c};
    sgema_integration_stats st;
    sgema_integrator_run(it, &rec.problem, y, &obs, &st);
    drift[i] = c.max_drift;
    t_end[i] = c.t_last;
  }
  sgema_integrator_free(it);
  sgema_trial_free(t);
}

static void test_rk8pd_invariant(sgema_alg alg) {
  double drift[NTRIALS], t_end[NTRIALS], worst = 0.0, min_t = INFINITY;
  rk8pd_drifts(alg, NTRIALS, drift, t_end);
  int bad = 0;
  for (int i = 0; i < NTRIALS; i++) {
    worst = fmax(worst, drift[i]);
    min_t = fmin(min_t, t_end[i]);
    if (!(drift[i] < 1e-9) && bad++ < 5)
      printf("  %s rk8pd trial %d: drift %.3g up to t = %.4g\n", sgema_alg_name(alg), i, drift[i],
             t_end[i]);
  }
  CHECK(bad == 0,
        "%s, %d trials, rk8pd 1e-12, t <= 20: |K(t) - K(0)| / |K(0)| < 1e-9 (max %.3g; shortest "
        "run to t = %.4g)",
        sgema_alg_name(alg), NTRIALS, worst, min_t);
}

/* GD does not conserve K: the same measurement must see a large drift. */
static void test_gd_not_invariant(void) {
  double drift[NTRIALS], t_end[NTRIALS], least = INFINITY;
  rk8pd_drifts(SGEMA_ALG_GD, NTRIALS, drift, t_end);
  for (int i = 0; i < NTRIALS; i++)
    least = fmin(least, drift[i]);
  gsl_sort(drift, 1, NTRIALS);
  CHECK(least > 1e-4, "gd, %d trials: K drifts (smallest drift %.3g, median %.3g)", NTRIALS, least,
        drift[NTRIALS / 2]);
}

/* ---- Lemma 4.3 --------------------------------------------------------------------------- */

typedef struct {
  const sgema_problem *p;
  double a0, worst; /* worst ratio |A(t)| / (|A(0)| e^{-lambda t}) */
  long steps;
} collapse_ctx;

static int collapse_step(void *ctx, double t, const double *y, const double *f,
                         sgema_dense *dense) {
  (void)dense;
  (void)f;
  collapse_ctx *c = ctx;
  double a = tu_norm(y, (size_t)c->p->n * c->p->m);
  c->worst = fmax(c->worst, a / (c->a0 * exp(-c->p->lambda * t)));
  c->steps++;
  return 0;
}

static void test_gd_collapse(int m, int n) {
  sgema_settings s;
  sgema_settings_default(&s);
  s.alg = SGEMA_ALG_GD;
  s.m = m;
  s.n = n;
  if (m > 1)
    s.sampling.stats = SGEMA_STATS_GENERIC;
  sgema_trial *t = sgema_trial_alloc(&s);
  sgema_integrator *it = sgema_integrator_alloc(&s.integration, m, n);
  sgema_record rec;
  double y[64], worst = 0.0;
  int not_origin = 0, over = 0;
  long steps = 0;
  for (uint32_t i = 0; i < NGD; i++) {
    int st = sgema_trial_run(t, SEED + 2, 0, i, &rec, NULL);
    if (st != 0 || rec.limit.cls != SGEMA_CLASS_ORIGIN) {
      if (not_origin++ < 5)
        printf("  gd m=%d trial %u: status %d class %s\n", m, i, st,
               sgema_class_name(rec.limit.cls));
    }
    size_t N = sgema_problem_dim(&rec.problem);
    memcpy(y, rec.y0, N * sizeof(double));
    collapse_ctx c = {&rec.problem, tu_norm(y, (size_t)n * m), 0.0, 0};
    sgema_observer obs = {collapse_step, &c};
    sgema_integration_stats is;
    sgema_integrator_run(it, &rec.problem, y, &obs, &is);
    steps += c.steps;
    worst = fmax(worst, c.worst);
    if (!(c.worst <= 1.0 + 1e-9) && over++ < 5)
      printf("  gd m=%d trial %u: |A(t)| / (|A(0)| e^{-lambda t}) reaches %.12g\n", m, i, c.worst);
  }
  CHECK(not_origin == 0, "gd m=%d n=%d, %d sampled trials: every class is origin", m, n, NGD);
  CHECK(over == 0 && steps > NGD,
        "gd m=%d n=%d: |A(t)| <= |A(0)| e^{-lambda t} (1 + 1e-9) at all %ld accepted steps (max "
        "ratio %.12g)",
        m, n, steps, worst);
  sgema_integrator_free(it);
  sgema_trial_free(t);
}

int main(void) {
  double t0 = tu_seconds();
  test_trial_record(SGEMA_ALG_SG);
  test_trial_record(SGEMA_ALG_EMA);
  test_rk8pd_invariant(SGEMA_ALG_SG);
  test_rk8pd_invariant(SGEMA_ALG_EMA);
  test_gd_not_invariant();
  test_gd_collapse(1, 2);
  test_gd_collapse(2, 3);
  printf("  (%.2f s)\n", tu_seconds() - t0);
  return tu_finish();
}
