/* The discrete algorithm of paper Eq. 4: its first iterations against an implementation written
 * here; on 200 sampled m = 1 SG trials (mu = nu = 0.05, up to 200000 iterations) the limits are
 * fixed points (|f| < f_tol recomputed here) and their class agrees with the flow's on >= 95%. */
#include "sgema/field.h"
#include "sgema/trial.h"
#include "test_util.h"

#define NTRIALS 200
#define SEED 41

/* k iterations of Eq. 4 from y (in place): A += mu dA, B += nu dB at the previous state, then
 * C = alpha_t C + (1 - alpha_t) A_t with t the new iteration's index. */
static void my_iterate(const sgema_problem *p, double *y, int k) {
  size_t nm = (size_t)p->n * p->m, nn = (size_t)p->n * p->n;
  double f[64];
  for (int it = 1; it <= k; it++) {
    tu_ref_field(p, 0.0, y, f);
    for (size_t i = 0; i < nm; i++)
      y[i] += p->mu * f[i];
    for (size_t i = 0; i < nn; i++)
      y[nm + i] += p->nu * f[nm + i];
    if (p->alg == SGEMA_ALG_EMA) {
      double a = tu_alpha(&p->momentum, (double)it);
      for (size_t i = 0; i < nm; i++)
        y[nm + nn + i] = a * y[nm + nn + i] + (1.0 - a) * y[i];
    }
  }
}

static void test_first_iterations(void) {
  static const sgema_alg algs[] = {SGEMA_ALG_SG, SGEMA_ALG_EMA, SGEMA_ALG_GD};
  for (int a = 0; a < 3; a++)
    for (int m = 1; m <= 2; m++) {
      sgema_settings s;
      sgema_settings_default(&s);
      s.alg = algs[a];
      s.m = m;
      s.n = m + 1;
      s.time = SGEMA_TIME_DISCRETE;
      s.mu = 0.0371;
      s.nu = 0.0529;
      s.momentum.T = 5.3; /* the schedule moves, then freezes, within the 9 iterations */
      s.integration.t_max = 9.0;
      sgema_trial *t = sgema_trial_alloc(&s);
      sgema_record rec;
      double worst = 0.0;
      int ok = 1;
      for (uint32_t i = 0; i < 10; i++) {
        sgema_trial_run(t, SEED, 1, i, &rec, NULL);
        double y[64];
        size_t N = sgema_problem_dim(&rec.problem);
        memcpy(y, rec.y0, N * sizeof(double));
        int iters = (int)rec.integ.steps;
        ok &= rec.integ.end == SGEMA_END_T_MAX && iters == 9;
        my_iterate(&rec.problem, y, iters);
        double scale = 0.0;
        for (size_t j = 0; j < N; j++)
          scale = fmax(scale, fabs(y[j]));
        worst = fmax(worst, tu_max_abs_diff(y, rec.y_end, N) / fmax(1.0, scale));
      }
      CHECK(ok && worst < 1e-13,
            "%s m=%d: 9 iterations of Eq. 4 match an own implementation "
            "(max rel diff %.2e)",
            sgema_alg_name(algs[a]), m, worst);
      sgema_trial_free(t);
    }
}

static void test_fixed_points(void) {
  sgema_settings sf, sd;
  sgema_settings_default(&sf);
  sd = sf;
  sd.time = SGEMA_TIME_DISCRETE;
  sd.mu = sd.nu = 0.05;
  sd.integration.t_max = 200000.0;
  sgema_trial *tf = sgema_trial_alloc(&sf), *td = sgema_trial_alloc(&sd);
  sgema_record rf, rd;
  int agree = 0, not_fixed = 0, not_converged = 0, errors = 0, shown = 0, diverged = 0,
      unexplained = 0;
  double worst_f = 0.0, worst_move = 0.0;
  long iters = 0, max_iters = 0;
  for (uint32_t i = 0; i < NTRIALS; i++) {
    int st1 = sgema_trial_run(tf, SEED, 0, i, &rf, NULL);
    sgema_class flow_cls = rf.limit.cls;
    int st2 = sgema_trial_run(td, SEED, 0, i, &rd, NULL);
    if (st1 != 0 || st2 != 0) {
      errors++;
      continue;
    }
    iters += rd.integ.steps;
    if (rd.integ.steps > max_iters)
      max_iters = rd.integ.steps;
    size_t N = sgema_problem_dim(&rd.problem);
    double f[64], y[64];
    if (rd.integ.end == SGEMA_END_DIVERGED) {
      /* A fixed learning rate is unstable at a fixed point where mu |eig(J)| > 2: the map's
       * linearisation I + mu J has an eigenvalue outside the unit disc. */
      double J[64 * 64], re[64], im[64], rad = 0.0;
      sgema_field *w = sgema_field_alloc(1, 2);
      sgema_field_jacobian(w, &rf.problem, 0.0, rf.y_end, J, NULL);
      sgema_field_free(w);
      tu_eigenvalues(N, J, re, im);
      for (size_t k = 0; k < N; k++)
        rad = fmax(rad, hypot(1.0 + sd.mu * re[k], sd.mu * im[k]));
      diverged++;
      unexplained += !(rad > 1.0);
      printf("  trial %u: discrete run diverged after %ld iterations; at the flow's limit (%s, "
             "|a| = %.4g) the map's spectral radius is %.4g\n",
             i, rd.integ.steps, sgema_class_name(flow_cls), rf.limit.a_norm, rad);
    } else if (rd.integ.end != SGEMA_END_CONVERGED) {
      not_converged++;
      printf("  trial %u: discrete run ended %s after %ld iterations (|f| %.3g)\n", i,
             sgema_end_name(rd.integ.end), rd.integ.steps, rd.integ.f_norm);
    } else {
      tu_ref_field(&rd.problem, 0.0, rd.y_end, f);
      double fn = tu_norm(f, N);
      worst_f = fmax(worst_f, fn);
      /* one more iteration barely moves a fixed point */
      memcpy(y, rd.y_end, N * sizeof(double));
      my_iterate(&rd.problem, y, 1);
      double move = tu_dist(y, rd.y_end, N);
      worst_move = fmax(worst_move, move);
      double sc = fmax(1.0, tu_norm(rd.y_end, sgema_problem_dim(&rd.problem)));
      if (!(fn < sd.integration.f_tol * sc && move < 0.05 * sd.integration.f_tol * sc))
        not_fixed++;
    }
    if (rd.limit.cls == flow_cls)
      agree++;
    else if (shown++ < 10)
      printf("  trial %u: flow %s, discrete %s (Delta %.3g, |a| flow %.6g discrete %.6g)\n", i,
             sgema_class_name(flow_cls), sgema_class_name(rd.limit.cls), rd.limit.delta,
             rf.limit.a_norm, rd.limit.a_norm);
  }
  double share = (double)agree / NTRIALS;
  printf("  discrete: %.0f iterations per trial on average, max %ld\n", (double)iters / NTRIALS,
         max_iters);
  CHECK(errors == 0, "discrete: %d trials ran without error", NTRIALS);
  CHECK(not_converged == 0,
        "discrete: every trial converged or diverged within 200000 "
        "iterations (%d did neither)",
        not_converged);
  CHECK(unexplained == 0 && diverged <= NTRIALS / 20,
        "discrete: %d trials diverged, each where the flow's limit is unstable for the map (%d "
        "not)",
        diverged, unexplained);
  CHECK(not_fixed == 0,
        "discrete: limits are fixed points, own |f| < f_tol max(1,|y|) (max %.3g) and one more "
        "step moves < mu f_tol max(1,|y|) (max %.3g)",
        worst_f, worst_move);
  CHECK(share >= 0.95, "discrete vs flow: same class on %.1f%% of %d trials (>= 95%%)",
        100.0 * share, NTRIALS);
  sgema_trial_free(tf);
  sgema_trial_free(td);
}

int main(void) {
  double t0 = tu_seconds();
  gsl_set_error_handler_off();
  test_first_iterations();
  test_fixed_points();
  printf("  (%.2f s)\n", tu_seconds() - t0);
  return tu_finish();
}
