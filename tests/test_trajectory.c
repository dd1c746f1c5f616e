/* Trajectory recording: a recorded trial ends bit for bit where the unrecorded one does, the point
 * at t = 0 is y0, and the points inside accepted steps (integrated afresh from each step's start)
 * agree with an independent rk8pd integration (rtol = atol = 1e-12) stopped at the same times; the
 * recorded objectives are those of the recorded states. Tolerance 1e-8 relative to
 * max(1, |y|_inf): the run's own tolerance (1e-10) with room for the error accumulated before the
 * step. */
#include "sgema/objective.h"
#include "sgema/trajectory.h"
#include "sgema/trial.h"
#include "test_util.h"

#define NREC 8
#define NPOINTS 21

static int same_stats(const sgema_integration_stats *a, const sgema_integration_stats *b) {
  return a->end == b->end && memcmp(&a->t_end, &b->t_end, sizeof(double)) == 0 &&
         memcmp(&a->f_norm, &b->f_norm, sizeof(double)) == 0 && a->steps == b->steps &&
         a->rejected == b->rejected && a->rhs_evals == b->rhs_evals && a->jac_evals == b->jac_evals;
}

static void test_recording(sgema_alg alg, double t_last) {
  const char *name = sgema_alg_name(alg);
  sgema_settings s, sr;
  sgema_settings_default(&s);
  s.alg = alg;
  sr = s;
  sr.integration.method = SGEMA_METHOD_RK8PD;
  sr.integration.rtol = sr.integration.atol = 1e-12;
  sgema_trial *t = sgema_trial_alloc(&s);
  size_t N = sgema_problem_dim_for(alg, s.m, s.n);
  sgema_trajectory *tr = sgema_trajectory_alloc_uniform(N, t_last, NPOINTS);
  static double y_plain[64], y_ref[64], y0[64];
  sgema_record rec;
  int identical = 1, start_ok = 1, objectives_ok = 1;
  double worst = 0.0, worst_t = 0.0;
  size_t compared = 0;
  for (uint32_t i = 0; i < NREC; i++) {
    sgema_trial_run(t, 31, 0, i, &rec, NULL);
    memcpy(y_plain, rec.y_end, N * sizeof(double));
    sgema_integration_stats plain = rec.integ;
    sgema_limit lim_plain = rec.limit;
    sgema_trial_run(t, 31, 0, i, &rec, tr);
    memcpy(y0, rec.y0, N * sizeof(double));
    identical &= memcmp(y_plain, rec.y_end, N * sizeof(double)) == 0;
    identical &= same_stats(&plain, &rec.integ);
    identical &= lim_plain.cls == rec.limit.cls;
    size_t count = sgema_trajectory_count(tr);
    start_ok &= count >= 1 && sgema_trajectory_time(tr, 0) == 0.0 &&
                memcmp(sgema_trajectory_state(tr, 0), y0, N * sizeof(double)) == 0;
    sgema_problem p = rec.problem;
    for (size_t k = 0; k < count; k++) {
      double *st = (double *)sgema_trajectory_state(tr, k);
      double e = sgema_objective_ebar(&p, sgema_state_A(&p, st), sgema_state_B(&p, st));
      double f = sgema_objective_fbar(&p, sgema_state_A(&p, st), sgema_state_B(&p, st),
                                      sgema_state_C(&p, st));
      objectives_ok &= e == sgema_trajectory_ebar(tr, k) && f == sgema_trajectory_fbar(tr, k);
    }
    for (size_t k = 1; k < count; k++) {
      double tk = sgema_trajectory_time(tr, k);
      sgema_integration ri = sr.integration;
      ri.t_max = tk;
      sgema_integrator *it = sgema_integrator_alloc(&ri, s.m, s.n);
      sgema_integration_stats st;
      memcpy(y_ref, y0, N * sizeof(double));
      sgema_integrator_run(it, &p, y_ref, NULL, &st);
      sgema_integrator_free(it);
      /* A reference that converged before tk stopped at its limit, where the trajectory also is
       * to within the limit's tolerance. */
      const double *yt = sgema_trajectory_state(tr, k);
      double scale = 0.0;
      for (size_t j = 0; j < N; j++)
        scale = fmax(scale, fabs(y_ref[j]));
      double d = tu_max_abs_diff(yt, y_ref, N) / fmax(1.0, scale);
      if (d > worst) {
        worst = d;
        worst_t = tk;
      }
      compared++;
    }
  }
  CHECK(identical, "%s: %d recorded trials end bit for bit as unrecorded (state, counters, class)",
        name, NREC);
  CHECK(start_ok, "%s: the recorded point at t = 0 is y0", name);
  CHECK(objectives_ok, "%s: recorded Ebar, Fbar are those of the recorded states", name);
  CHECK(compared > NREC && worst < 1e-8,
        "%s: %zu interpolated points on [0, %g] vs rk8pd 1e-12 stopped there: max rel diff %.3g "
        "(at t = %.4g)",
        name, compared, t_last, worst, worst_t);
  sgema_trajectory_free(tr);
  sgema_trial_free(t);
}

/* Points past the trial's end are not recorded; a state of the wrong length is refused. */
static void test_edges(void) {
  sgema_settings s;
  sgema_settings_default(&s);
  sgema_trial *t = sgema_trial_alloc(&s);
  sgema_trajectory *tr = sgema_trajectory_alloc_uniform(6, 1e6, 11);
  sgema_record rec;
  sgema_trial_run(t, 31, 0, 3, &rec, tr);
  size_t count = sgema_trajectory_count(tr);
  CHECK(rec.integ.end == SGEMA_END_CONVERGED && count >= 1 && count < 11 &&
            sgema_trajectory_time(tr, count - 1) <= rec.integ.t_end,
        "times past the end (t_end %.4g) not recorded: %zu of 11 points", rec.integ.t_end, count);
  sgema_trajectory *bad = sgema_trajectory_alloc_uniform(7, 10.0, 3);
  int st = sgema_trial_run(t, 31, 0, 3, &rec, bad);
  CHECK(st != 0, "trajectory of length 7 for a state of length 6 refused (status %d)", st);
  double times[3] = {0.0, 2.385, 1.0};
  CHECK(sgema_trajectory_alloc(6, times, 3) == NULL, "decreasing times refused");
  sgema_trajectory_free(bad);
  sgema_trajectory_free(tr);
  sgema_trial_free(t);
}

int main(void) {
  double t0 = tu_seconds();
  gsl_set_error_handler_off();
  test_recording(SGEMA_ALG_SG, 47.3);
  test_recording(SGEMA_ALG_EMA, 413.7);  /* crosses the momentum schedule's kink at T = 300 */
  test_recording(SGEMA_ALG_EMA, 1000.0); /* the tail, where RODAS4's steps are long */
  test_recording(SGEMA_ALG_GD, 31.9);
  test_edges();
  printf("  (%.2f s)\n", tu_seconds() - t0);
  return tu_finish();
}
