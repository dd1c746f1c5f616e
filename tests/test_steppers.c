/* The default stepper (hybrid) against GSL's own rk8pd under GSL's driver at rtol = atol = 1e-12,
 * on the same sampled trials (1000 each of m = 1 SG, EMA, EMA with constant momentum; 300 of m = 2
 * SG with generic statistics): the same class on >= 99.5% of them, and for pairs that both
 * converged the same final state (the max difference is printed with its distribution). */
#include "sgema/trial.h"
#include "test_util.h"

#define NTRIALS 1000
#define SEED 23

static void compare(sgema_alg alg, int constant_momentum, int m, int ntrials) {
  char name[64];
  snprintf(name, sizeof name, "%s m=%d",
           alg == SGEMA_ALG_SG ? "sg"
           : constant_momentum ? "ema constant 0.9"
                               : "ema",
           m);
  sgema_settings sh, sr;
  sgema_settings_default(&sh);
  sh.alg = alg;
  sh.m = m;
  sh.n = m + 1;
  if (m > 1) {
    sh.sampling.stats = SGEMA_STATS_GENERIC;
    sh.integration.max_steps = 100000; /* stalled trials (see test_limits) would cost seconds */
  }
  if (constant_momentum) {
    sh.momentum.kind = SGEMA_MOMENTUM_CONSTANT;
    sh.momentum.a0 = 0.9;
  }
  sr = sh;
  sr.integration.method = SGEMA_METHOD_RK8PD;
  sr.integration.rtol = sr.integration.atol = 1e-12;
  sgema_trial *th = sgema_trial_alloc(&sh), *tr = sgema_trial_alloc(&sr);
  static double diff[NTRIALS], yh[64];
  if (ntrials > NTRIALS)
    ntrials = NTRIALS;
  sgema_record rh, rr;
  int same = 0, both = 0, errors = 0, excluded = 0, worst_i = -1, shown = 0, not_conv_h = 0,
      not_conv_r = 0;
  double worst = 0.0, th_s = 0.0, tr_s = 0.0;
  long steps_h = 0, steps_r = 0;
  for (uint32_t i = 0; i < (uint32_t)ntrials; i++) {
    double t0 = tu_seconds();
    int st1 = sgema_trial_run(th, SEED, 0, i, &rh, NULL);
    size_t N = sgema_problem_dim(&rh.problem);
    memcpy(yh, rh.y_end, N * sizeof(double));
    double t1 = tu_seconds();
    int st2 = sgema_trial_run(tr, SEED, 0, i, &rr, NULL);
    double t2 = tu_seconds();
    th_s += t1 - t0;
    tr_s += t2 - t1;
    steps_h += rh.integ.steps;
    steps_r += rr.integ.steps;
    if (st1 != 0 || st2 != 0) {
      errors++;
      continue;
    }
    not_conv_h += rh.integ.end != SGEMA_END_CONVERGED;
    not_conv_r += rr.integ.end != SGEMA_END_CONVERGED;
    if (m > 1 && rr.integ.end == SGEMA_END_MAX_STEPS) {
      /* the explicit reference cannot finish a stiff trial within the watchdog: no verdict */
      excluded++;
      continue;
    }
    if (rh.limit.cls == rr.limit.cls)
      same++;
    else if (shown++ < 10)
      printf("  %s trial %u: hybrid %s (%s, t %.6g, |f| %.3g) vs rk8pd %s (%s, t %.6g, |f| %.3g)\n",
             name, i, sgema_class_name(rh.limit.cls), sgema_end_name(rh.integ.end), rh.integ.t_end,
             rh.integ.f_norm, sgema_class_name(rr.limit.cls), sgema_end_name(rr.integ.end),
             rr.integ.t_end, rr.integ.f_norm);
    if (rh.integ.end == SGEMA_END_CONVERGED && rr.integ.end == SGEMA_END_CONVERGED) {
      double d = tu_max_abs_diff(yh, rr.y_end, N);
      if (d > worst) {
        worst = d;
        worst_i = (int)i;
      }
      diff[both++] = d;
    }
  }
  double share = (double)same / (ntrials - excluded);
  if (excluded)
    printf("  %s: %d trials left out: rk8pd hit its step watchdog (stiff)\n", name, excluded);
  printf("  %s: hybrid %.2f s (%.1f steps/trial), rk8pd 1e-12 %.2f s (%.1f steps/trial); not "
         "converged: hybrid %d, rk8pd %d\n",
         name, th_s, (double)steps_h / ntrials, tr_s, (double)steps_r / ntrials, not_conv_h,
         not_conv_r);
  CHECK(errors == 0, "%s: %d trials ran without error under both methods", name, ntrials);
  CHECK(share >= 0.995, "%s: same class on %.1f%% of %d trials (>= 99.5%%)", name, 100.0 * share,
        ntrials - excluded);
  tu_print_distribution("max |y_hybrid - y_rk8pd| over converged pairs", diff, (size_t)both);
  CHECK(both > 0 && worst < 1e-5,
        "%s: final states of %d converged pairs agree, max difference %.3g (trial %d)", name, both,
        worst, worst_i);
  sgema_trial_free(th);
  sgema_trial_free(tr);
}

int main(void) {
  double t0 = tu_seconds();
  gsl_set_error_handler_off();
  compare(SGEMA_ALG_SG, 0, 1, NTRIALS);
  compare(SGEMA_ALG_EMA, 0, 1, NTRIALS);
  compare(SGEMA_ALG_EMA, 1, 1, NTRIALS);
  compare(SGEMA_ALG_SG, 0, 2, 300); /* generic statistics: the stiff phase matters more */
  printf("  (%.2f s)\n", tu_seconds() - t0);
  return tu_finish();
}
