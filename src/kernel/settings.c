/* The defaults of every setting, in one place, and their validation. */
#include "sgema/status.h"
#include "sgema/trial.h"

#include <math.h>

void sgema_integration_default(sgema_integration *s) {
  s->method = SGEMA_METHOD_HYBRID;
  s->rtol = 1e-10;
  s->atol = 1e-10;
  s->h0 = 1e-3;
  s->t_max = 20000.0;
  s->max_steps = 1000000;
  s->f_tol = 1e-10;
  s->diverge_norm = 1e8;
  s->tail_f = 1e-6;
  s->tail_rtol = 1e-3;
  s->stiff_ratio = 4.0;
}

int sgema_integration_validate(const sgema_integration *s) {
  if ((unsigned)s->method >= SGEMA_METHOD_COUNT)
    return SGEMA_EINVAL;
  if (!(s->rtol > 0.0) || !(s->atol > 0.0) || !(s->h0 > 0.0) || !(s->f_tol > 0.0))
    return SGEMA_EINVAL;
  if (!(s->t_max > 0.0) || !isfinite(s->t_max) || s->max_steps < 1)
    return SGEMA_EINVAL;
  if (!(s->diverge_norm > 0.0) || !(s->tail_f >= 0.0) || !(s->tail_rtol > 0.0) ||
      !(s->stiff_ratio > 0.0))
    return SGEMA_EINVAL;
  return SGEMA_OK;
}

void sgema_classification_default(sgema_classification *s) {
  s->origin_tol = 1e-6;
  s->rank_tol = 1e-6;
  s->saddle_tol = 1e-6;
  s->symmetry_tol = 1e-6;
  s->sphere_tol = 1e-6;
}

int sgema_classification_validate(const sgema_classification *s) {
  if (!(s->origin_tol > 0.0) || !(s->rank_tol > 0.0) || !(s->saddle_tol > 0.0) ||
      !(s->symmetry_tol > 0.0) || !(s->sphere_tol > 0.0))
    return SGEMA_EINVAL;
  return SGEMA_OK;
}

void sgema_settings_default(sgema_settings *s) {
  s->alg = SGEMA_ALG_SG;
  s->m = 1;
  s->n = 2;
  s->time = SGEMA_TIME_FLOW;
  s->mu = 0.01;
  s->nu = 0.01;
  /* The paper's Figure 3 schedule (and BYOL's): 0.9 -> 1 over T = 300, then the target is frozen.
   */
  s->momentum.kind = SGEMA_MOMENTUM_LINEAR;
  s->momentum.a0 = 0.9;
  s->momentum.a1 = 1.0;
  s->momentum.T = 300.0;
  sgema_sampling_default(&s->sampling);
  sgema_integration_default(&s->integration);
  sgema_classification_default(&s->classification);
  s->invariant_window = 1e3;
}

void sgema_settings_problem(const sgema_settings *s, sgema_problem *p) {
  p->alg = s->alg;
  p->m = s->m;
  p->n = s->n;
  p->time = s->time;
  p->mu = s->mu;
  p->nu = s->nu;
  p->momentum = s->momentum;
}

static int fail(const char **what, const char *name, int status) {
  if (what)
    *what = name;
  return status;
}

int sgema_settings_validate(const sgema_settings *s, const char **what) {
  if ((unsigned)s->alg > SGEMA_ALG_GD)
    return fail(what, "alg", SGEMA_EINVAL);
  if (s->m < 1 || s->n <= s->m || s->m > SGEMA_MAX_M || s->n > SGEMA_MAX_N)
    return fail(what, "m, n", SGEMA_EDIM);
  if (s->time == SGEMA_TIME_DISCRETE &&
      !(s->mu > 0.0 && s->nu > 0.0 && isfinite(s->mu) && isfinite(s->nu)))
    return fail(what, "mu, nu", SGEMA_EINVAL);
  if (s->time != SGEMA_TIME_DISCRETE && s->time != SGEMA_TIME_FLOW)
    return fail(what, "time", SGEMA_EINVAL);
  sgema_problem p = {0};
  sgema_settings_problem(s, &p);
  p.lambda = 1.0;
  if (s->alg == SGEMA_ALG_EMA && sgema_problem_validate(&p) != SGEMA_OK)
    return fail(what, "momentum", SGEMA_EINVAL);
  if (sgema_sampling_validate(&s->sampling, s->m) != SGEMA_OK)
    return fail(what, "sampling", SGEMA_EINVAL);
  if (sgema_integration_validate(&s->integration) != SGEMA_OK)
    return fail(what, "integration", SGEMA_EINVAL);
  if (sgema_classification_validate(&s->classification) != SGEMA_OK)
    return fail(what, "classification", SGEMA_EINVAL);
  if (!(s->invariant_window > 1.0))
    return fail(what, "invariant_window", SGEMA_EINVAL);
  return fail(what, NULL, SGEMA_OK);
}
