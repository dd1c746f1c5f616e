/* The limits of sampled trials against the closed forms: Eq. 6, Eq. 7 and B^T B = A A^T at SG
 * limits for m = 2, 3 (recomputed here with GSL matrices); for m = 1 (Prop. 4.11) every stable
 * limit on the outer sphere S2, none on S1 unless a saddle, none nonzero when Delta < 0, for SG and
 * for EMA under a constant momentum; under the frozen-target schedule, the frozen-target closed
 * form |a|^2 = (|tau| |c| - lambda) / rho. */
#include "sgema/trial.h"
#include "sgema/verify.h"
#include "test_util.h"

/* ---- Eq. 6 and Eq. 7, written here ------------------------------------------------------ */

/* |(Sxx S + l I)(S Sxx + l I) - Sxy S Syx|_F with S = A^T A. */
static double my_eq6(const sgema_problem *p, const double *Ad) {
  int m = p->m, n = p->n;
  gsl_matrix_const_view A = gsl_matrix_const_view_array(Ad, n, m);
  gsl_matrix_const_view Sxx = gsl_matrix_const_view_array(p->Sxx, m, m);
  gsl_matrix_const_view Syx = gsl_matrix_const_view_array(p->Syx, m, m);
  gsl_matrix *S = gsl_matrix_alloc(m, m), *L1 = gsl_matrix_alloc(m, m),
             *L2 = gsl_matrix_alloc(m, m), *L = gsl_matrix_alloc(m, m), *T = gsl_matrix_alloc(m, m);
  gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &A.matrix, &A.matrix, 0.0, S);
  gsl_matrix_set_identity(L1);
  gsl_matrix_set_identity(L2);
  gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &Sxx.matrix, S, p->lambda, L1);
  gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, S, &Sxx.matrix, p->lambda, L2);
  gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, L1, L2, 0.0, L);
  /* L -= Sxy S Syx, Sxy = Syx^T */
  gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &Syx.matrix, S, 0.0, T);
  gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1.0, T, &Syx.matrix, 1.0, L);
  double r = tu_norm(L->data, (size_t)m * m);
  gsl_matrix_free(S);
  gsl_matrix_free(L1);
  gsl_matrix_free(L2);
  gsl_matrix_free(L);
  gsl_matrix_free(T);
  return r;
}

/* |B - A Syx A^T W^{-1}|_F, W = A Sxx A^T + l I, W^{-1} by GSL's LU. */
static double my_eq7(const sgema_problem *p, const double *Ad, const double *Bd) {
  int m = p->m, n = p->n, sign;
  gsl_matrix_const_view A = gsl_matrix_const_view_array(Ad, n, m);
  gsl_matrix_const_view Sxx = gsl_matrix_const_view_array(p->Sxx, m, m);
  gsl_matrix_const_view Syx = gsl_matrix_const_view_array(p->Syx, m, m);
  gsl_matrix *T = gsl_matrix_alloc(n, m), *W = gsl_matrix_alloc(n, n), *Wi = gsl_matrix_alloc(n, n),
             *M = gsl_matrix_alloc(n, n), *P = gsl_matrix_alloc(n, n);
  gsl_permutation *perm = gsl_permutation_alloc(n);
  gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &A.matrix, &Sxx.matrix, 0.0, T);
  gsl_matrix_set_identity(W);
  gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, T, &A.matrix, p->lambda, W);
  gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &A.matrix, &Syx.matrix, 0.0, T);
  gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, T, &A.matrix, 0.0, M);
  gsl_linalg_LU_decomp(W, perm, &sign);
  gsl_linalg_LU_invert(W, perm, Wi);
  gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, M, Wi, 0.0, P);
  double s = 0.0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double d = Bd[i * n + j] - gsl_matrix_get(P, i, j);
      s += d * d;
    }
  gsl_permutation_free(perm);
  gsl_matrix_free(T);
  gsl_matrix_free(W);
  gsl_matrix_free(Wi);
  gsl_matrix_free(M);
  gsl_matrix_free(P);
  return sqrt(s);
}

/* sgema_verify_eq6/eq7 against the versions above away from equilibria, where both are O(1). */
static void test_residual_functions(void) {
  gsl_rng *r = tu_rng(1385);
  double worst6 = 0.0, worst7 = 0.0, y[64];
  for (int m = 1; m <= 3; m++)
    for (int n = m + 1; n <= m + 2; n++)
      for (int k = 0; k < 5; k++) {
        sgema_problem p;
        tu_random_problem(r, SGEMA_ALG_SG, m, n, &p);
        tu_gauss(r, 0.873, y, sgema_problem_dim(&p));
        double *A = y, *B = y + (size_t)n * m;
        double a6 = sgema_verify_eq6(&p, A), b6 = my_eq6(&p, A);
        double a7 = sgema_verify_eq7(&p, A, B), b7 = my_eq7(&p, A, B);
        worst6 = fmax(worst6, fabs(a6 - b6) / b6);
        worst7 = fmax(worst7, fabs(a7 - b7) / b7);
      }
  CHECK(worst6 < 1e-12, "sgema_verify_eq6 vs GSL at random states, m=1..3: rel diff %.2e", worst6);
  CHECK(worst7 < 1e-12, "sgema_verify_eq7 vs GSL LU at random states, m=1..3: rel diff %.2e",
        worst7);
  gsl_rng_free(r);
}

/* ---- Eq. 6/7 at SG limits, m = 2, 3 ----------------------------------------------------- */

#define NFULL 300

static void test_full_rank_limits(int m) {
  int n = m + 1;
  sgema_settings s;
  sgema_settings_default(&s);
  s.alg = SGEMA_ALG_SG;
  s.m = m;
  s.n = n;
  s.sampling.stats = SGEMA_STATS_GENERIC;
  /* A third of the default watchdog, so that a trial that stalls (see the max_steps check) costs
   * about a second, not several; the oscillating trials (m = 3 trial 134 keeps moving until
   * t_max) need about 115,000 of the stiff phase's cheap BDF steps. */
  s.integration.max_steps = 300000;
  sgema_trial *t = sgema_trial_alloc(&s);
  sgema_record rec;
  int counts[SGEMA_CLASS_COUNT] = {0}, bad_eq = 0, bad_mine = 0, bad_bal = 0, bad_any = 0,
      stalled = 0;
  double w6 = 0.0, w7 = 0.0, wb = 0.0, wd = 0.0, w7all = 0.0, wball = 0.0;
  for (uint32_t i = 0; i < NFULL; i++) {
    int st = sgema_trial_run(t, UINT64_C(0xE9), 0, i, &rec, NULL);
    if (st != 0)
      continue;
    counts[rec.limit.cls]++;
    const sgema_problem *p = &rec.problem;
    const double *A = rec.y_end, *B = rec.y_end + (size_t)n * m;
    if (rec.integ.end != SGEMA_END_CONVERGED) {
      double ymax = 0.0;
      for (size_t k = 0; k < sgema_problem_dim(p); k++)
        ymax = fmax(ymax, fabs(rec.y_end[k]));
      printf("  m=%d trial %u: %s at t = %.6g, |f| = %.3g, max |y| = %.4g, %ld steps, %ld "
             "rejected\n",
             m, i, sgema_end_name(rec.integ.end), rec.integ.t_end, rec.integ.f_norm, ymax,
             rec.integ.steps, rec.integ.rejected);
      stalled += rec.integ.end == SGEMA_END_MAX_STEPS || rec.integ.end == SGEMA_END_STEP_FAIL;
    }
    if (rec.integ.end == SGEMA_END_CONVERGED) {
      /* Eq. 7 and the balance hold at every equilibrium of SG, and near one they are bounded by
       * the field that is left (converged means |f| < f_tol max(1, |y|), so large limits keep a
       * larger |f|): B - A Syx A^T W^{-1} = -dB W^{-1} with W >= lambda I gives
       * |eq7| <= |f| / lambda, and the identity d(B^T B - A A^T)/dt = -2 lambda (B^T B - A A^T),
       * true at every state, gives |balance| <= (|A| + |B|) |f| / lambda. */
      double e7 = my_eq7(p, A, B), K[SGEMA_MAX_N * SGEMA_MAX_N];
      tu_imbalance(p, rec.y_end, K);
      double bal = tu_norm(K, (size_t)n * n), fl = rec.integ.f_norm / p->lambda;
      double nA = tu_norm(A, (size_t)n * m), nB = tu_norm(B, (size_t)n * n);
      double b7 = fl * (1.0 + 1e-9) + 1e-14 * (1.0 + nB);
      double bb = (nA + nB) * fl * (1.0 + 1e-9) + 1e-14 * (1.0 + nA * nA + nB * nB);
      w7all = fmax(w7all, e7 / b7);
      wball = fmax(wball, bal / bb);
      if (!(e7 <= b7 && bal <= bb) && bad_any++ < 5)
        printf("  m=%d trial %u (%s): own eq7 %.3g balance %.3g\n", m, i,
               sgema_class_name(rec.limit.cls), e7, bal);
    }
    if (rec.limit.cls != SGEMA_CLASS_STABLE)
      continue;
    double e6 = rec.verify.eq6, e7 = rec.verify.eq7, m6 = my_eq6(p, A), m7 = my_eq7(p, A, B);
    double K[SGEMA_MAX_N * SGEMA_MAX_N];
    tu_imbalance(p, rec.y_end, K);
    double bal = tu_norm(K, (size_t)n * n);
    w6 = fmax(w6, e6);
    w7 = fmax(w7, e7);
    wb = fmax(wb, fmax(bal, rec.verify.balance));
    double d = fmax(fabs(e6 - m6), fabs(e7 - m7));
    wd = fmax(wd, d);
    double sc = fmax(1.0, rec.limit.a_norm);
    if (!(e6 < 1e-7 * sc * sc * sc * sc &&
          e7 <= rec.integ.f_norm / p->lambda * (1.0 + 1e-9) + 1e-14 * (1.0 + sc)) &&
        bad_eq++ < 5)
      printf("  m=%d trial %u: eq6 %.3g eq7 %.3g (|A| %.3g)\n", m, i, e6, e7, rec.limit.a_norm);
    if (!(d < 1e-9) && bad_mine++ < 5)
      printf("  m=%d trial %u: record eq6 %.3g / own %.3g, eq7 %.3g / own %.3g\n", m, i, e6, m6, e7,
             m7);
    if (!(bal < 1e-8 * sc * sc && fabs(bal - rec.verify.balance) < 1e-12 * sc * sc) &&
        bad_bal++ < 5)
      printf("  m=%d trial %u: balance %.3g (record %.3g)\n", m, i, bal, rec.verify.balance);
  }
  printf("  m=%d n=%d: %d trials: origin %d stable %d saddle %d partial %d not_converged %d "
         "diverged %d\n",
         m, n, NFULL, counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]);
  /* Not converging by t_max can be the dynamics (a trajectory that keeps moving); running out of
   * steps or failing a step is the integrator's. */
  CHECK(stalled == 0, "m=%d: no trial ends at the step watchdog or a step failure (%d did)", m,
        stalled);
  CHECK(counts[SGEMA_CLASS_STABLE] >= 20, "m=%d: enough stable limits (%d)", m,
        counts[SGEMA_CLASS_STABLE]);
  CHECK(bad_eq == 0,
        "m=%d stable limits: record eq6 < 1e-7 max(1,|A|)^4, eq7 <= |f|/lambda (max %.3g, %.3g)", m,
        w6, w7);
  CHECK(bad_mine == 0, "m=%d stable limits: record eq6/eq7 = own GSL recomputation (max diff %.3g)",
        m, wd);
  CHECK(bad_bal == 0, "m=%d stable limits: |B^T B - A A^T| < 1e-8 max(1,|A|)^2 (max %.3g)", m, wb);
  CHECK(bad_any == 0,
        "m=%d every converged limit: own eq7 <= |f|/lambda, balance <= (|A|+|B|)|f|/lambda "
        "(max ratio to bound %.3g, %.3g)",
        m, w7all, wball);
  sgema_trial_free(t);
}

/* ---- m = 1 limits against Prop. 4.11 ---------------------------------------------------- */

#define NM1 1000

typedef enum { M1_SG, M1_EMA_CONSTANT, M1_EMA_FROZEN } m1_kind;

static void test_m1_limits(m1_kind kind) {
  static const char *names[] = {"sg", "ema constant 0.9", "ema linear (frozen target)"};
  sgema_settings s;
  sgema_settings_default(&s);
  s.alg = kind == M1_SG ? SGEMA_ALG_SG : SGEMA_ALG_EMA;
  if (kind == M1_EMA_CONSTANT) {
    s.momentum.kind = SGEMA_MOMENTUM_CONSTANT;
    s.momentum.a0 = 0.9;
  }
  sgema_trial *t = sgema_trial_alloc(&s);
  sgema_record rec;
  int counts[SGEMA_CLASS_COUNT] = {0}, errors = 0, off_s2 = 0, s1_not_saddle = 0, nonzero_neg = 0,
      frozen_bad = 0, disagree = 0, on_s2 = 0, pos_delta = 0;
  double worst_s2 = 0.0, worst_frozen = 0.0, worst_ca = 0.0;
  for (uint32_t i = 0; i < NM1; i++) {
    int st = sgema_trial_run(t, 11, 0, i, &rec, NULL);
    if (st != 0) {
      errors++;
      continue;
    }
    sgema_class cls = rec.limit.cls;
    counts[cls]++;
    const sgema_problem *p = &rec.problem;
    double rho = p->Sxx[0], tau = p->Syx[0], lam = p->lambda;
    double delta = tau * tau - 4.0 * rho * lam;
    const double *a = rec.y_end, *c = rec.y_end + 6;
    double an = tu_norm(a, 2);
    pos_delta += delta >= 0.0;
    if (kind == M1_EMA_FROZEN) {
      /* With the target frozen, c is a parameter and nonzero equilibria exist whenever
       * |tau||c| > lambda, whatever the sign of Delta. */
      nonzero_neg += delta < 0.0 && cls != SGEMA_CLASS_ORIGIN;
      if (cls == SGEMA_CLASS_STABLE) {
        double want = (fabs(tau) * tu_norm(c, 2) - lam) / rho, err = fabs(an * an - want) / want;
        worst_frozen = fmax(worst_frozen, err);
        if (!(err <= 1e-6) && frozen_bad++ < 5)
          printf("  %s trial %u: |a|^2 = %.10g, (|tau||c| - lambda)/rho = %.10g\n", names[kind], i,
                 an * an, want);
      }
      continue;
    }
    if (delta < 0.0) {
      if (cls != SGEMA_CLASS_ORIGIN && nonzero_neg++ < 5)
        printf("  %s trial %u: Delta = %.3g < 0 but class %s, |a| = %.3g\n", names[kind], i, delta,
               sgema_class_name(cls), an);
      continue;
    }
    double r1 = (fabs(tau) - sqrt(delta)) / (2.0 * rho),
           r2 = (fabs(tau) + sqrt(delta)) / (2.0 * rho);
    if (cls == SGEMA_CLASS_STABLE) {
      double err = fabs(an - r2) / r2;
      worst_s2 = fmax(worst_s2, err);
      on_s2++;
      if (!(err <= 1e-6) && off_s2++ < 5)
        printf("  %s trial %u: stable but |a| = %.10g, r2 = %.10g (r1 = %.10g)\n", names[kind], i,
               an, r2, r1);
      if (kind == M1_EMA_CONSTANT)
        worst_ca = fmax(worst_ca, tu_dist(a, c, 2));
    }
    if (fabs(an - r1) <= 1e-6 * r1 && cls != SGEMA_CLASS_SADDLE && s1_not_saddle++ < 5)
      printf("  %s trial %u: |a| on S1 (%.10g) but class %s\n", names[kind], i, an,
             sgema_class_name(cls));
    if (rec.limit.sphere_agrees == 0 && disagree++ < 5)
      printf("  %s trial %u: class %s but sphere %s\n", names[kind], i, sgema_class_name(cls),
             sgema_sphere_name(rec.limit.sphere));
  }
  printf("  %s: %d trials (Delta >= 0: %d): origin %d stable %d saddle %d partial %d "
         "not_converged %d diverged %d, errors %d\n",
         names[kind], NM1, pos_delta, counts[0], counts[1], counts[2], counts[3], counts[4],
         counts[5], errors);
  int unconverged = counts[SGEMA_CLASS_NOT_CONVERGED] + counts[SGEMA_CLASS_DIVERGED] + errors;
  if (kind == M1_EMA_FROZEN) {
    CHECK(frozen_bad == 0 && counts[SGEMA_CLASS_STABLE] > 0,
          "%s: %d stable limits satisfy |a|^2 = (|tau||c| - lambda)/rho (max rel err %.3g)",
          names[kind], counts[SGEMA_CLASS_STABLE], worst_frozen);
    printf("  %s: %d trials with Delta < 0 end at a nonzero limit (allowed: frozen target); %d "
           "not converged or diverged (reported, not required)\n",
           names[kind], nonzero_neg, unconverged);
    sgema_trial_free(t);
    return;
  }
  CHECK(unconverged == 0, "%s: every trial converged (%d did not)", names[kind], unconverged);
  CHECK(off_s2 == 0 && on_s2 > 0,
        "%s: all %d stable limits on S2, ||a| - r2| <= 1e-6 r2 (max rel %.3g)", names[kind], on_s2,
        worst_s2);
  CHECK(s1_not_saddle == 0, "%s: no limit on S1 unless classed saddle (saddles: %d)", names[kind],
        counts[SGEMA_CLASS_SADDLE]);
  CHECK(nonzero_neg == 0, "%s: no nonzero limit when Delta < 0", names[kind]);
  CHECK(disagree == 0, "%s: classifier's sphere agrees with its class", names[kind]);
  if (kind == M1_EMA_CONSTANT)
    CHECK(worst_ca < 1e-6, "%s: C = A at stable limits (max |c - a| %.3g)", names[kind], worst_ca);
  sgema_trial_free(t);
}

int main(void) {
  double t0 = tu_seconds();
  gsl_set_error_handler_off();
  test_residual_functions();
  test_full_rank_limits(2);
  test_full_rank_limits(3);
  test_m1_limits(M1_SG);
  test_m1_limits(M1_EMA_CONSTANT);
  test_m1_limits(M1_EMA_FROZEN);
  printf("  (%.2f s)\n", tu_seconds() - t0);
  return tu_finish();
}
