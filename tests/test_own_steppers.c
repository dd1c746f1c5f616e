/* Our explicit RK 8(7) and semi-implicit extrapolation steps against GSL's rk8pd and bsimp steps,
 * which implement the same tableaus and algorithm: the same step must give the same numbers to
 * rounding, on random states of SG, EMA and GD problems of several sizes. */
#include "integrate_extrap.h"
#include "integrate_rk8.h"
#include "sgema/field.h"
#include "sgema/trial.h"
#include "test_util.h"

#include <gsl/gsl_odeiv2.h>

typedef struct {
  sgema_field *field;
  const sgema_problem *p;
} sys_ctx;

static int gsl_rhs(double t, const double y[], double f[], void *params) {
  sys_ctx *c = params;
  sgema_field_eval(c->field, c->p, t, y, f);
  return GSL_SUCCESS;
}

static int gsl_jac(double t, const double y[], double *J, double dfdt[], void *params) {
  sys_ctx *c = params;
  sgema_field_jacobian(c->field, c->p, t, y, J, dfdt);
  return GSL_SUCCESS;
}

static double rel_diff(const double *a, const double *b, size_t N) {
  double d = 0.0, s = 0.0;
  for (size_t i = 0; i < N; i++) {
    d = fmax(d, fabs(a[i] - b[i]));
    s = fmax(s, fabs(b[i]));
  }
  return d / fmax(s, 1e-300);
}

static void compare(sgema_alg alg, int m, int n, double h) {
  sgema_settings s;
  sgema_settings_default(&s);
  s.alg = alg;
  s.m = m;
  s.n = n;
  if (m > 1)
    s.sampling.stats = SGEMA_STATS_GENERIC;
  sgema_trial *t = sgema_trial_alloc(&s);
  sgema_field *field = sgema_field_alloc(m, n);
  sgema_record rec;
  double worst_rk = 0.0, worst_rk_err = 0.0, worst_ex = 0.0, worst_ex_err = 0.0;
  for (uint32_t i = 0; i < 20; i++) {
    sgema_trial_sample(t, 2385, 0, i, &rec);
    const sgema_problem *p = &rec.problem;
    size_t N = sgema_problem_dim(p);
    double y[2048], f[2048], y1[2048], e1[2048], f1[2048], y2[2048], e2[2048], f2[2048];
    memcpy(y, rec.y0, N * sizeof(double));
    double t0 = 123.25; /* inside the EMA schedule's ramp: the field depends on t */
    sgema_field_eval(field, p, t0, y, f);
    sgema_integration_stats st = {0};
    integ_run r = {&s.integration, p, field, NULL, &st, N, 1.0, NULL};
    sys_ctx c = {field, p};
    gsl_odeiv2_system sys = {gsl_rhs, gsl_jac, N, &c};

    rk8_ws *rk = rk8_alloc(N);
    gsl_odeiv2_step *g = gsl_odeiv2_step_alloc(gsl_odeiv2_step_rk8pd, N);
    rk8_step(rk, &r, t0, h, y, f, y1, e1, f1);
    memcpy(y2, y, N * sizeof(double));
    gsl_odeiv2_step_apply(g, t0, h, y2, e2, f, f2, &sys);
    worst_rk = fmax(worst_rk, fmax(rel_diff(y1, y2, N), rel_diff(f1, f2, N)));
    worst_rk_err = fmax(worst_rk_err, rel_diff(e1, e2, N) * fmax(1e-300, sgema_norm2(e2, N)) /
                                          fmax(1e-300, sgema_norm2(y2, N)));
    rk8_free(rk);
    gsl_odeiv2_step_free(g);

    extrap_ws *ex = extrap_alloc(N);
    g = gsl_odeiv2_step_alloc(gsl_odeiv2_step_bsimp, N);
    int rc = extrap_step(ex, &r, t0, h, y, f, y1, e1);
    memcpy(y2, y, N * sizeof(double));
    int grc = gsl_odeiv2_step_apply(g, t0, h, y2, e2, f, NULL, &sys);
    CHECK(rc == 0 && grc == GSL_SUCCESS, "%s m=%d n=%d trial %u: both extrapolation steps succeed",
          sgema_alg_name(alg), m, n, i);
    worst_ex = fmax(worst_ex, rel_diff(y1, y2, N));
    /* The error estimates are differences of nearly equal numbers: compare them on the state's
     * scale. */
    double de = 0.0;
    for (size_t k = 0; k < N; k++)
      de = fmax(de, fabs(e1[k] - e2[k]));
    worst_ex_err = fmax(worst_ex_err, de / fmax(1.0, sgema_norm2(y2, N)));
    CHECK(extrap_order(ex) == (int)gsl_odeiv2_step_order(g), "%s m=%d n=%d: same order (%d, %u)",
          sgema_alg_name(alg), m, n, extrap_order(ex), gsl_odeiv2_step_order(g));
    extrap_free(ex);
    gsl_odeiv2_step_free(g);
  }
  CHECK(worst_rk < 1e-13,
        "%s m=%d n=%d h=%g: RK 8(7) step = GSL rk8pd step (state, field: max rel "
        "diff %.3g)",
        sgema_alg_name(alg), m, n, h, worst_rk);
  CHECK(worst_rk_err < 1e-13,
        "%s m=%d n=%d: RK 8(7) error estimate = GSL's (diff on the state's "
        "scale %.3g)",
        sgema_alg_name(alg), m, n, worst_rk_err);
  CHECK(worst_ex < 1e-12,
        "%s m=%d n=%d h=%g: extrapolation step = GSL bsimp step (max rel diff "
        "%.3g)",
        sgema_alg_name(alg), m, n, h, worst_ex);
  CHECK(worst_ex_err < 1e-12,
        "%s m=%d n=%d: extrapolation error estimate = bsimp's (diff on the "
        "state's scale %.3g)",
        sgema_alg_name(alg), m, n, worst_ex_err);
  sgema_field_free(field);
  sgema_trial_free(t);
}

int main(void) {
  gsl_set_error_handler_off();
  for (int alg = 0; alg < 3; alg++) {
    compare((sgema_alg)alg, 1, 2, 0.0723);
    compare((sgema_alg)alg, 1, 3, 0.0311);
    compare((sgema_alg)alg, 2, 4, 0.0193);
    compare((sgema_alg)alg, 3, 5, 0.0117);
  }
  return tu_finish();
}
