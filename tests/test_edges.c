/* Numerical edge cases end to end through the kernel: rho -> 0, Delta = 0, tau = 0, huge and
 * non-finite initial states, lambda at the bounds, alpha = 1 and 0, horizons too short, every
 * integrator under the step watchdog. Each trial must end with a defined class and end (never an
 * out-of-range enum, never a hang), and where docs/MODEL.md has a closed form the limit must match
 * it. */
#include "sgema/status.h"
#include "sgema/trial.h"
#include "test_util.h"

/* Inputs as sgema-trial --rho --tau --lambda gives them: the sampled initial state of (seed 3,
 * run 0, trial k) with explicit m = 1 statistics and the default Syy. */
typedef struct {
  double rho, tau, lambda;
  double y_scale; /* the initial state times this */
  int syy_given;  /* 1: Syy = syy below (for rho = 0, where the default needs Sxx^{-1}) */
  double syy;
} edge_inputs;

static double worst_seconds;

/* Runs one trial; returns the kernel's status, the record in *rec. */
static int edge_run(sgema_trial *t, const edge_inputs *in, uint32_t k, sgema_record *rec) {
  static double y0[64];
  int st = sgema_trial_sample(t, 3, 0, k, rec);
  if (st != SGEMA_OK)
    return st;
  size_t N = sgema_problem_dim(&rec->problem);
  for (size_t i = 0; i < N; i++)
    y0[i] = rec->y0[i] * in->y_scale;
  rec->problem.Sxx[0] = in->rho;
  rec->problem.Syx[0] = in->tau;
  rec->problem.lambda = in->lambda;
  rec->problem.Syy[0] = in->syy;
  if (!in->syy_given && (st = sgema_problem_default_syy(&rec->problem)) != SGEMA_OK)
    return st;
  double t0 = tu_seconds();
  st = sgema_trial_solve(t, y0, rec, NULL);
  worst_seconds = fmax(worst_seconds, tu_seconds() - t0);
  return st;
}

/* A defined outcome: class and end in range, a status that agrees with the class. */
static int defined(const sgema_record *rec, int st) {
  int cls = (int)rec->limit.cls, end = (int)rec->integ.end;
  return cls >= 0 && cls < SGEMA_CLASS_COUNT && end >= 0 && end < SGEMA_END_COUNT &&
         (st == SGEMA_OK) == (cls != SGEMA_CLASS_FAILED) && rec->status == st &&
         rec->limit.sphere_agrees >= -1 && rec->limit.sphere_agrees <= 1;
}

static sgema_trial *trial_for(sgema_alg alg, sgema_time_kind time, const sgema_momentum *mo) {
  sgema_settings s;
  sgema_settings_default(&s);
  s.alg = alg;
  s.time = time;
  if (mo)
    s.momentum = *mo;
  if (time == SGEMA_TIME_DISCRETE) /* iterations of step mu = 0.01: ten times the flow's horizon */
    s.integration.t_max = 200000.0;
  return sgema_trial_alloc(&s);
}

static const char *const alg_label[] = {"SG", "EMA", "GD"};

/* Every algorithm, flow and discrete, over K trials: counts per class into cls (may be NULL);
 * returns how many outcomes were undefined. */
static int sweep(const edge_inputs *in, sgema_alg alg, sgema_time_kind time, int K,
                 int cls[SGEMA_CLASS_COUNT], int *status_seen) {
  sgema_trial *t = trial_for(alg, time, NULL);
  sgema_record rec;
  int bad = 0;
  for (int k = 0; k < K; k++) {
    int st = edge_run(t, in, (uint32_t)k, &rec);
    bad += !defined(&rec, st);
    if (cls)
      cls[rec.limit.cls]++;
    if (status_seen)
      *status_seen = st;
  }
  sgema_trial_free(t);
  return bad;
}

/* ---- rho -> 0 ---------------------------------------------------------------------------- */

/* For EMA with the frozen-target schedule the stable limits solve the frozen-target equations
 * instead, |a|^2 = (|tau| |c| - lambda) / rho with the final c (docs/NUMERICS.md): whether this
 * stable EMA limit does, to 1e-4. */
static int frozen_target_limit(const edge_inputs *in, const sgema_record *rec) {
  double c = tu_norm(rec->y_end + 6, 2), a = tu_norm(rec->y_end, 2); /* n = 2: A, B (4), C */
  double a2 = (fabs(in->tau) * c - in->lambda) / in->rho;
  return rec->problem.alg == SGEMA_ALG_EMA && fabs(a * a - a2) <= 1e-4 * a2;
}

static void test_small_rho(void) {
  const double rhos[] = {1e-12, 1e-300};
  for (int i = 0; i < 2; i++)
    for (int a = 0; a < 3; a++)
      for (int d = 0; d < 2; d++) {
        edge_inputs in = {rhos[i], 0.5, 0.05, 1.0, 0, 0.0};
        int cls[SGEMA_CLASS_COUNT] = {0}, bad = 0, frozen = 0, other = 0;
        sgema_trial *t = trial_for((sgema_alg)a, (sgema_time_kind)d, NULL);
        sgema_record rec;
        for (uint32_t k = 0; k < 3; k++) {
          int st = edge_run(t, &in, k, &rec);
          bad += !defined(&rec, st) || st != SGEMA_OK;
          cls[rec.limit.cls]++;
          /* The only stable nonzero limits of the flow lie on S2 at r2 ~ |tau| / rho, beyond
           * diverge_norm; GD has none (Lemma 4.3). */
          if (rec.limit.cls == SGEMA_CLASS_STABLE && frozen_target_limit(&in, &rec))
            frozen++;
          else if (rec.limit.cls == SGEMA_CLASS_STABLE || rec.limit.cls == SGEMA_CLASS_PARTIAL)
            other++;
        }
        sgema_trial_free(t);
        CHECK(bad == 0 && other == 0,
              "rho = %g, %s %s: defined classes, no stable limit but frozen-target ones (r2 = %g "
              "> diverge_norm): origin %d diverged %d not_converged %d frozen-target %d",
              rhos[i], alg_label[a], d ? "discrete" : "flow", 0.5 / rhos[i],
              cls[SGEMA_CLASS_ORIGIN], cls[SGEMA_CLASS_DIVERGED], cls[SGEMA_CLASS_NOT_CONVERGED],
              frozen);
      }
  /* rho = 0 exactly: invalid with tau != 0 (the joint covariance needs tau^2 <= rho Syy)... */
  sgema_trial *t = trial_for(SGEMA_ALG_SG, SGEMA_TIME_FLOW, NULL);
  sgema_record rec;
  edge_inputs zero = {0.0, 0.5, 0.05, 1.0, 1, 1.0};
  int st = edge_run(t, &zero, 0, &rec);
  CHECK(st == SGEMA_EINVAL && defined(&rec, st) && rec.limit.cls == SGEMA_CLASS_FAILED &&
            rec.integ.end == SGEMA_END_ERROR && rec.integ.steps == 0,
        "rho = 0, tau = 0.5: SGEMA_EINVAL, recorded as failed with end error (got %s, %s)",
        sgema_status_name(st), sgema_class_name(rec.limit.cls));
  /* ... the default Syy needs Sxx^{-1} ... */
  zero.syy_given = 0;
  st = edge_run(t, &zero, 0, &rec);
  CHECK(st == SGEMA_ELINALG, "rho = 0 without Syy: the default Syy fails with SGEMA_ELINALG (%s)",
        sgema_status_name(st));
  /* ... and valid with tau = 0: R = 0, so A(t) = A(0) e^{-lambda t}, B likewise: the origin. */
  edge_inputs still = {0.0, 0.0, 0.05, 1.0, 1, 1.0};
  st = edge_run(t, &still, 0, &rec);
  /* f = -lambda y: converged once lambda |y0| e^{-lambda t} < f_tol (|y| < 1 by then). */
  double expect_t = log(0.05 * tu_norm(rec.y0, 6) / 1e-10) / 0.05;
  CHECK(st == SGEMA_OK && rec.limit.cls == SGEMA_CLASS_ORIGIN &&
            fabs(rec.integ.t_end - expect_t) < 0.05 * expect_t,
        "rho = tau = 0: pure decay to the origin at t = %.1f (closed form %.1f)", rec.integ.t_end,
        expect_t);
  sgema_trial_free(t);
}

/* ---- Delta = 0: the two spheres coincide -------------------------------------------------- */

static void test_delta_zero(void) {
  sgema_momentum mo = {SGEMA_MOMENTUM_CONSTANT, 0.9, 1.0, 300.0};
  for (int a = 0; a < 2; a++) {
    sgema_trial *t = trial_for((sgema_alg)a, SGEMA_TIME_FLOW, a ? &mo : NULL);
    sgema_record rec;
    /* 1/16 and 0.5 are exact: Delta = 0.25 - 4 * 1 * 0.0625 = 0 exactly, r1 = r2 = 0.25. */
    edge_inputs in = {1.0, 0.5, 0.0625, 1.0, 0, 0.0};
    int bad = 0, origin = 0, slow = 0, off = 0;
    double worst_gap = 0.0, worst_re = 0.0;
    for (uint32_t k = 0; k < 8; k++) {
      int st = edge_run(t, &in, k, &rec);
      const sgema_limit *l = &rec.limit;
      bad += !defined(&rec, st) || st != SGEMA_OK || !(l->delta == 0.0) || l->r1 != l->r2 ||
             l->r1 != 0.25;
      if (l->cls == SGEMA_CLASS_ORIGIN) {
        origin++;
      } else if (l->cls == SGEMA_CLASS_NOT_CONVERGED && rec.integ.end == SGEMA_END_T_MAX) {
        /* A saddle-node: the approach to the degenerate sphere is algebraic (|a| - r ~ 1/t),
         * so the horizon stops it near r with a zero eigenvalue left. */
        slow++;
        worst_gap = fmax(worst_gap, fabs(l->a_norm - 0.25));
        worst_re = fmax(worst_re, fabs(l->max_re));
      } else {
        off++;
      }
    }
    CHECK(bad == 0 && off == 0 && worst_gap < 1e-3 && worst_re < 1e-3,
          "Delta = 0, %s: r1 == r2 == 0.25 exactly; %d at the origin, %d slowing down on the "
          "sphere (||a| - r| <= %.1e, |max Re| <= %.1e), %d elsewhere",
          alg_label[a], origin, slow, worst_gap, worst_re, off);
    sgema_trial_free(t);
  }
}

/* ---- tau = 0: Delta < 0, no nonzero equilibrium (and C Syx = 0 for EMA) --------------------- */

static void test_tau_zero(void) {
  for (int a = 0; a < 3; a++)
    for (int d = 0; d < 2; d++) {
      edge_inputs in = {1.3, 0.0, 0.05, 1.0, 0, 0.0};
      int cls[SGEMA_CLASS_COUNT] = {0};
      int bad = sweep(&in, (sgema_alg)a, (sgema_time_kind)d, 4, cls, NULL);
      CHECK(bad == 0 && cls[SGEMA_CLASS_ORIGIN] == 4, "tau = 0, %s %s: 4 of 4 at the origin (%d)",
            alg_label[a], d ? "discrete" : "flow", cls[SGEMA_CLASS_ORIGIN]);
    }
}

/* ---- huge and non-finite initial states -------------------------------------------------- */

static void test_huge_states(void) {
  const double scales[] = {1e3, 1e7, 1.2e8, 1e150, 1e300};
  for (int a = 0; a < 3; a++)
    for (int i = 0; i < 5; i++) {
      edge_inputs in = {1.3, 0.5, 0.05, scales[i], 0, 0.0};
      int cls[SGEMA_CLASS_COUNT] = {0};
      sgema_trial *t = trial_for((sgema_alg)a, SGEMA_TIME_FLOW, NULL);
      sgema_record rec;
      int bad = 0, at_zero = 0;
      for (uint32_t k = 0; k < 3; k++) {
        int st = edge_run(t, &in, k, &rec);
        bad += !defined(&rec, st) || st != SGEMA_OK;
        cls[rec.limit.cls]++;
        at_zero += rec.integ.t_end == 0.0;
      }
      sgema_trial_free(t);
      /* Above diverge_norm (1e8) the start itself is diverged; below it the cubic terms pull the
       * state in within a short time and the trial converges like any other. */
      int above = scales[i] > 1e8;
      int ok = above ? cls[SGEMA_CLASS_DIVERGED] == 3 && at_zero == 3
                     : cls[SGEMA_CLASS_DIVERGED] + cls[SGEMA_CLASS_NOT_CONVERGED] == 0;
      CHECK(bad == 0 && ok, "|y0| x %g, %s: %s (diverged %d, not_converged %d)", scales[i],
            alg_label[a], above ? "diverged at t = 0" : "converged", cls[SGEMA_CLASS_DIVERGED],
            cls[SGEMA_CLASS_NOT_CONVERGED]);
    }
  const double bad_values[] = {INFINITY, NAN};
  for (int i = 0; i < 2; i++) {
    edge_inputs in = {1.3, 0.5, 0.05, bad_values[i], 0, 0.0};
    int st = SGEMA_OK;
    int bad = sweep(&in, SGEMA_ALG_EMA, SGEMA_TIME_FLOW, 1, NULL, &st);
    CHECK(bad == 0 && st == SGEMA_EINVAL, "y0 x %g: a bad input (SGEMA_EINVAL), not a trial (%s)",
          bad_values[i], sgema_status_name(st));
  }
}

/* ---- lambda at the bounds ---------------------------------------------------------------- */

static void test_lambda_bounds(void) {
  const double lambdas[] = {1e-300, 1e100, 1e300};
  for (int a = 0; a < 3; a++)
    for (int i = 0; i < 3; i++)
      for (int d = 0; d < 2; d++) {
        edge_inputs in = {1.3, 0.5, lambdas[i], 1.0, 0, 0.0};
        int cls[SGEMA_CLASS_COUNT] = {0};
        int bad = sweep(&in, (sgema_alg)a, (sgema_time_kind)d, 2, cls, NULL);
        /* Huge weight decay collapses everything (Delta < 0); the flow resolves 1e100, while
         * 1e300 makes time scales of 1e-300 that double arithmetic cannot step through. */
        int ok = lambdas[i] < 1.0 || cls[SGEMA_CLASS_ORIGIN] + cls[SGEMA_CLASS_NOT_CONVERGED] +
                                             cls[SGEMA_CLASS_DIVERGED] ==
                                         2;
        if (lambdas[i] == 1e100 && !d)
          ok = cls[SGEMA_CLASS_ORIGIN] == 2;
        CHECK(bad == 0 && ok && cls[SGEMA_CLASS_FAILED] == 0,
              "lambda = %g, %s %s: defined (origin %d, stable %d, not_converged %d, diverged %d)",
              lambdas[i], alg_label[a], d ? "discrete" : "flow", cls[SGEMA_CLASS_ORIGIN],
              cls[SGEMA_CLASS_STABLE], cls[SGEMA_CLASS_NOT_CONVERGED], cls[SGEMA_CLASS_DIVERGED]);
      }
  edge_inputs zero = {1.3, 0.5, 0.0, 1.0, 0, 0.0};
  int st = SGEMA_OK;
  int bad = sweep(&zero, SGEMA_ALG_SG, SGEMA_TIME_FLOW, 1, NULL, &st);
  CHECK(bad == 0 && st == SGEMA_EINVAL, "lambda = 0: SGEMA_EINVAL, recorded as failed (%s)",
        sgema_status_name(st));
}

/* ---- alpha = 1 (target frozen from t = 0) and alpha = 0 ----------------------------------- */

static void test_alpha_bounds(void) {
  sgema_momentum frozen = {SGEMA_MOMENTUM_CONSTANT, 1.0, 1.0, 300.0};
  sgema_trial *t = trial_for(SGEMA_ALG_EMA, SGEMA_TIME_FLOW, &frozen);
  sgema_record rec;
  edge_inputs in = {1.3, 0.9, 0.05, 1.0, 0, 0.0};
  int bad = 0, stable = 0, origin = 0;
  double worst = 0.0;
  for (uint32_t k = 0; k < 8; k++) {
    int st = edge_run(t, &in, k, &rec);
    const double *C0 = rec.y0 + 6, *C1 = rec.y_end + 6; /* n = 2: A 2, B 4, then C */
    double c = tu_norm(C0, 2), a2 = (fabs(in.tau) * c - in.lambda) / in.rho;
    bad += !defined(&rec, st) || st != SGEMA_OK || C1[0] != C0[0] || C1[1] != C0[1];
    if (rec.limit.cls == SGEMA_CLASS_STABLE) {
      stable++;
      worst = fmax(worst, fabs(rec.limit.a_norm * rec.limit.a_norm - a2) / a2);
    } else if (rec.limit.cls == SGEMA_CLASS_ORIGIN) {
      origin++;
    } else {
      bad++;
    }
  }
  CHECK(bad == 0 && stable > 0 && worst < 1e-6,
        "alpha = 1: C never moves; %d stable with |a|^2 = (|tau||c| - lambda)/rho (rel %.1e), "
        "%d origin",
        stable, worst, origin);
  sgema_trial_free(t);
  sgema_momentum tracking = {SGEMA_MOMENTUM_CONSTANT, 0.0, 1.0, 300.0};
  t = trial_for(SGEMA_ALG_EMA, SGEMA_TIME_FLOW, &tracking);
  bad = stable = origin = 0;
  for (uint32_t k = 0; k < 8; k++) {
    int st = edge_run(t, &in, k, &rec);
    bad += !defined(&rec, st) || st != SGEMA_OK;
    if (rec.limit.cls == SGEMA_CLASS_STABLE)
      stable += rec.limit.sphere == SGEMA_SPHERE_S2 && rec.limit.sphere_agrees == 1;
    else
      origin += rec.limit.cls == SGEMA_CLASS_ORIGIN;
  }
  CHECK(bad == 0 && stable + origin == 8 && stable > 0,
        "alpha = 0: C follows A; %d stable, all on S2 (Prop. 4.11), %d origin", stable, origin);
  sgema_trial_free(t);
}

/* ---- horizons too short and the step watchdog on every method ----------------------------- */

static sgema_end short_run(sgema_method method, sgema_time_kind time, double t_max, long max_steps,
                           sgema_record *rec, int *st) {
  sgema_settings s;
  sgema_settings_default(&s);
  s.alg = SGEMA_ALG_EMA;
  s.time = time;
  s.integration.method = method;
  s.integration.t_max = t_max;
  s.integration.max_steps = max_steps;
  sgema_trial *t = sgema_trial_alloc(&s);
  *st = sgema_trial_run(t, 3, 0, 1, rec, NULL);
  sgema_trial_free(t);
  return rec->integ.end;
}

static void test_horizons(void) {
  sgema_record rec;
  int st;
  sgema_end e = short_run(SGEMA_METHOD_HYBRID, SGEMA_TIME_FLOW, 1e-300, 1000000, &rec, &st);
  CHECK(st == SGEMA_OK && e == SGEMA_END_T_MAX && rec.limit.cls == SGEMA_CLASS_NOT_CONVERGED &&
            rec.integ.t_end == 1e-300,
        "t_max = 1e-300: end t_max at t = %g, not_converged", rec.integ.t_end);
  e = short_run(SGEMA_METHOD_HYBRID, SGEMA_TIME_DISCRETE, 0.5, 1000000, &rec, &st);
  CHECK(st == SGEMA_OK && e == SGEMA_END_T_MAX && rec.integ.steps == 1,
        "discrete, t_max = 0.5: one iteration, end t_max (steps %ld)", rec.integ.steps);
  for (int m = 0; m <= SGEMA_METHOD_COUNT; m++) { /* the last: the discrete algorithm */
    int discrete = m == SGEMA_METHOD_COUNT;
    sgema_method method = discrete ? SGEMA_METHOD_HYBRID : (sgema_method)m;
    e = short_run(method, discrete ? SGEMA_TIME_DISCRETE : SGEMA_TIME_FLOW, 20000.0, 10, &rec, &st);
    long used = rec.integ.steps + rec.integ.rejected;
    CHECK(st == SGEMA_OK && e == SGEMA_END_MAX_STEPS &&
              rec.limit.cls == SGEMA_CLASS_NOT_CONVERGED && rec.integ.steps <= 10 && used >= 10,
          "max_steps = 10, %s: end max_steps, not_converged (%ld accepted + %ld rejected)",
          discrete ? "discrete" : sgema_method_name(method), rec.integ.steps, rec.integ.rejected);
  }
  e = short_run(SGEMA_METHOD_HYBRID, SGEMA_TIME_FLOW, 20000.0, 1, &rec, &st);
  CHECK(st == SGEMA_OK && e == SGEMA_END_MAX_STEPS && rec.integ.steps == 1,
        "max_steps = 1: one step, end max_steps");
}

int main(void) {
  double t0 = tu_seconds();
  test_small_rho();
  test_delta_zero();
  test_tau_zero();
  test_huge_states();
  test_lambda_bounds();
  test_alpha_bounds();
  test_horizons();
  double total = tu_seconds() - t0;
  /* Information only: boundedness is the max_steps watchdog's (checked above), not a timing. */
  printf("info slowest trial %.2f s, all %.1f s (watchdog max_steps = 1e6)\n", worst_seconds,
         total);
  return tu_finish();
}
