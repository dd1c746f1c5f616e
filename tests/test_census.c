/* Tests of the equilibrium census (include/sgema/census.h) against closed forms and dense spectra;
 * with --phc (--phc-generic), writes Eq. 6 systems (the parameter homotopy's generic start
 * system) in PHCpack's input format for test_census_phc.sh. */
#include "sgema/census.h"
#include "sgema/field.h"
#include "sgema/sample.h"
#include "sgema/settings.h"
#include "sgema/status.h"
#include "test_util.h"

#include "census_monodromy.h"  /* white box: monodromy against total degree */
#include "census_start_data.h" /* white box: the shipped start roots */
#include "census_system.h"     /* white box: the systems' Jacobians (after GSL: complex.h) */

#define NUMAX SGEMA_CENSUS_MAX_UNKNOWNS

/* Data set (seed, run, trial) as sgema-run draws it (generic statistics from m = 2 on), with a
 * constant EMA momentum 0.9. */
static void draw_seeded(sgema_sampler *smp, sgema_alg alg, int m, int n, uint64_t seed,
                        uint32_t run, uint32_t trial, sgema_problem *p) {
  static double y0[4096];
  sgema_sampling cfg;
  sgema_sampling_default(&cfg);
  cfg.stats = m == 1 ? SGEMA_STATS_DIAGONAL : SGEMA_STATS_GENERIC;
  memset(p, 0, sizeof *p);
  p->alg = alg;
  p->m = m;
  p->n = n;
  p->momentum.kind = SGEMA_MOMENTUM_CONSTANT;
  p->momentum.a0 = 0.9;
  p->momentum.a1 = 1.0;
  p->momentum.T = 300.0;
  p->time = SGEMA_TIME_FLOW;
  long draws = 0;
  sgema_sampler_draw(smp, &cfg, seed, run, trial, p, y0, &draws);
}

static void draw(sgema_sampler *smp, sgema_alg alg, int m, int n, uint32_t trial,
                 sgema_problem *p) {
  draw_seeded(smp, alg, m, n, 2385u, (uint32_t)m, trial, p);
}

static long total_paths(const sgema_census_result *r, int sys) {
  long t = 0;
  for (int e = 0; e < 4; e++)
    t += r->paths[sys][e];
  return t;
}

static long ipow(long b, int e) {
  long r = 1;
  while (e-- > 0)
    r *= b;
  return r;
}

/* Path accounting: every path tracked ends as one of the outcomes; the paths are the total-degree
 * ones, or the generic start system's finite roots for a parameter homotopy. */
static int accounted(sgema_census *c, const sgema_census_settings *s, const sgema_census_result *r,
                     int m, int rank_deficient) {
  int N = m * (m + 1) / 2, par = s->homotopy == SGEMA_CENSUS_PARAMETER;
  int fb = r->total_degree_fallback, one = s->rank_one_system && m == 2;
  long eq6 = par && !(fb & 1) ? sgema_census_start_roots(c, m, SGEMA_CENSUS_EQ6) : ipow(2, N);
  if (s->rank_one_system && m == 3 && rank_deficient) {
    /* the rank-1 and corank-1 systems' charts, one to SGEMA_CENSUS_CORANK1_PASSES passes each;
     * after a fallback to total degree (5,832 paths a corank-1 chart) only that every path was
     * counted somewhere */
    long low = par && !(fb & 2)
                   ? r->charts * sgema_census_start_roots(c, 3, SGEMA_CENSUS_RANK1) +
                         r->corank_passes * sgema_census_start_roots(c, 3, SGEMA_CENSUS_CORANK1)
                   : total_paths(r, 1);
    int passes_ok = r->corank_passes >= r->corank_charts &&
                    r->corank_passes <= r->corank_charts * SGEMA_CENSUS_CORANK1_PASSES;
    return total_paths(r, 0) == eq6 && total_paths(r, 1) == low && r->charts >= 1 &&
           r->corank_charts >= 1 && (passes_ok || !par || (fb & 2));
  }
  if (s->rank_one_system && m == 4 && rank_deficient && par && !(fb & 2)) {
    /* the rank-1 system's charts, then the corank-2 and corank-1 systems' (no total-degree
     * fallback: a and b charts, two at least each, the first with its passes, the others with
     * theirs) */
    long r1 = r->charts * sgema_census_start_roots(c, 4, SGEMA_CENSUS_RANK1);
    long c1 = sgema_census_start_roots(c, 4, SGEMA_CENSUS_CORANK1);
    long c2 = sgema_census_start_roots(c, 4, SGEMA_CENSUS_CORANK2);
    int split = 0;
    for (int a = 2; a + 2 <= r->corank_charts; a++) {
      int b = r->corank_charts - a;
      long per2 = SGEMA_CENSUS_FIRST_CHART_PASSES + (a - 1) * SGEMA_CENSUS_OTHER_CHART_PASSES;
      long per1 = SGEMA_CENSUS_FIRST_CHART_PASSES + (b - 1) * SGEMA_CENSUS_OTHER_CHART_PASSES;
      split |= total_paths(r, 1) == r1 + per2 * c2 + per1 * c1;
    }
    return total_paths(r, 0) == eq6 && split && r->charts >= 1;
  }
  long low =
      one ? r->charts * (par && !(fb & 2) ? sgema_census_start_roots(c, m, SGEMA_CENSUS_RANK1)
                                          : ipow(4, m + 1))
          : (par && m <= s->parameter_rank_free_max_m && !(fb & 2)
                 ? sgema_census_start_roots(c, m, SGEMA_CENSUS_ANYRANK)
                 : ipow(3, N));
  return total_paths(r, 0) == eq6 && (!rank_deficient || total_paths(r, 1) == low);
}

static double worst_residual(const sgema_census_result *r) {
  double w = 0.0;
  for (int i = 0; i < r->n_equilibria; i++)
    w = fmax(w, r->equilibria[i].field_residual);
  return w;
}

typedef struct {
  double complex *x;
  long n;
} end_store;

/* Keeps every finite path end (converged or singular) of a tracker run. */
static void collect(void *ctx, sgema_path_end end, const double complex *x, double rcond) {
  (void)rcond;
  end_store *l = ctx;
  if (end == SGEMA_PATH_CONVERGED || end == SGEMA_PATH_SINGULAR)
    memcpy(l->x + l->n++ * NUMAX, x, sizeof(double complex) * NUMAX);
}

/* ---- the systems' analytic Jacobians against central differences ---------------------------- */

static void test_jacobians(void) {
  gsl_rng *g = tu_rng(2385);
  double worst = 0.0;
  for (int t = 0; t < 8 * SGEMA_CENSUS_SYSTEMS; t++) { /* every system at every m, twice */
    sgema_problem p;
    int m = 1 + t % 4;
    tu_random_problem(g, SGEMA_ALG_SG, m, m + 1, &p);
    sgema_census_system sys;
    if (sgema_census_system_init(
            &sys, &p, (sgema_census_system_kind)(t / 4 % SGEMA_CENSUS_SYSTEMS)) != SGEMA_OK)
      continue; /* the corank-2 system at m = 1 */
    int N = sys.N, L = N + 1;
    double complex X[NUMAX + 1], Xh[NUMAX + 1], F[NUMAX], Fp[NUMAX], Fm[NUMAX];
    double complex J[NUMAX * (NUMAX + 1)], Jd[NUMAX * (NUMAX + 1)];
    for (int j = 0; j < L; j++)
      X[j] = gsl_ran_gaussian(g, 0.7) + I * gsl_ran_gaussian(g, 0.7);
    sgema_census_system_eval(&sys, X, F, J);
    double h = 1e-6, err = 0.0, scale = 0.0;
    for (int j = 0; j < L; j++) {
      memcpy(Xh, X, sizeof X);
      Xh[j] = X[j] + h;
      sgema_census_system_eval(&sys, Xh, Fp, Jd);
      Xh[j] = X[j] - h;
      sgema_census_system_eval(&sys, Xh, Fm, Jd);
      for (int i = 0; i < N; i++) {
        err = fmax(err, cabs((Fp[i] - Fm[i]) / (2 * h) - J[i * L + j]));
        scale = fmax(scale, cabs(J[i * L + j]));
      }
    }
    worst = fmax(worst, err / scale);
  }
  CHECK(worst < 1e-7,
        "Jacobians of every system (Eq. 6, rank-free, rank-1, corank-1, corank-2), m = 1..4: "
        "central differences agree to %.2g",
        worst);
  gsl_rng_free(g);
}

/* How many data sets a check draws: full, or a tenth of it under SGEMA_CENSUS_QUICK
 * (scripts/sanitize.sh: the sanitizers need every path walked, not every data set). */
static int sets(int full) {
  const char *quick = getenv("SGEMA_CENSUS_QUICK");
  return quick && *quick && strcmp(quick, "0") != 0 ? (full + 9) / 10 : full;
}

/* ---- m = 1: MODEL.md fact 1 ------------------------------------------------------------------ */

static void test_m1(sgema_census *c, const sgema_census_settings *s, sgema_alg alg) {
  sgema_sampler *smp = sgema_sampler_alloc(1, 2);
  int bad = 0, bad_paths = 0, with = 0;
  double worst = 0.0;
  uint32_t count = (uint32_t)sets(1000);
  for (uint32_t t = 0; t < count; t++) {
    sgema_problem p;
    draw(smp, alg, 1, 2, t, &p);
    double rho = p.Sxx[0], tau = p.Syx[0], l = p.lambda, delta = tau * tau - 4 * rho * l;
    sgema_census_result r;
    if (sgema_census_run(c, s, &p, 7, 0, t, &r) != SGEMA_OK) {
      bad++;
      continue;
    }
    bad_paths += !accounted(c, s, &r, 1, 1);
    worst = fmax(worst, worst_residual(&r));
    const sgema_census_equilibrium *e = r.equilibria;
    int ok = r.n_equilibria >= 1 && e[0].rank == 0 && e[0].mc_class == SGEMA_CLASS_ORIGIN;
    if (delta >= 0) {
      with++;
      double r1 = (fabs(tau) - sqrt(delta)) / (2 * rho), r2 = (fabs(tau) + sqrt(delta)) / (2 * rho);
      ok = ok && r.n_equilibria == 3 && r.count[SGEMA_SOLUTION_PD] == 2 &&
           fabs(e[1].S[0] - r1 * r1) <= 1e-10 * r1 * r1 &&
           fabs(e[2].S[0] - r2 * r2) <= 1e-10 * r2 * r2 && e[1].cls == SGEMA_EQUILIBRIUM_SADDLE &&
           e[1].mc_class == SGEMA_CLASS_SADDLE && e[1].unstable == 1 &&
           e[2].cls == SGEMA_EQUILIBRIUM_STABLE && e[2].mc_class == SGEMA_CLASS_STABLE &&
           e[2].unstable == 0;
    } else {
      ok = ok && r.n_equilibria == 1 && r.complex_solutions == 2;
    }
    ok = ok && e[0].cls == SGEMA_EQUILIBRIUM_STABLE && r.n_indefinite == 0;
    if (!ok && bad < 5)
      printf("  m=1 %s trial %u: rho %.17g tau %.17g lambda %.17g delta %.3g: %d equilibria\n",
             sgema_alg_name(alg), t, rho, tau, l, delta, r.n_equilibria);
    bad += !ok;
  }
  CHECK(bad == 0,
        "m = 1 %s: %u data sets (%d with Delta >= 0) give exactly origin, S1 saddle, "
        "S2 stable (or the origin alone): %d wrong",
        sgema_alg_name(alg), count, with, bad);
  CHECK(bad_paths == 0, "m = 1 %s: every path accounted for (%d not)", sgema_alg_name(alg),
        bad_paths);
  CHECK(worst < 1e-10, "m = 1 %s: worst relative field residual %.3g < 1e-10", sgema_alg_name(alg),
        worst);
  sgema_sampler_free(smp);
}

/* ---- diagonal statistics: the census of decoupled m = 1 problems ----------------------------- */

/* With Sxx = diag(rho), Syx = diag(tau) every equilibrium is S = diag(s_i) with each s_i either 0
 * or one of coordinate i's two m = 1 radii squared (when Delta_i >= 0): the product set, ranks
 * included. */
/* One data set with diagonal statistics (EMA for odd t): its census must be the product of the
 * m coordinates' m = 1 censuses, every rank counted. */
static int diagonal_ok(sgema_census *c, const sgema_census_settings *s, gsl_rng *g, int t, int m,
                       int *found, int *expected) {
  sgema_problem p;
  memset(&p, 0, sizeof p);
  p.alg = t % 2 ? SGEMA_ALG_EMA : SGEMA_ALG_SG;
  p.m = m;
  p.n = p.m + 1;
  p.momentum.kind = SGEMA_MOMENTUM_CONSTANT;
  p.momentum.a0 = 0.83;
  p.lambda = 0.013 + 0.05 * gsl_rng_uniform(g);
  int expect = 1, expect_rank[5] = {0};
  for (int i = 0; i < m; i++) {
    p.Sxx[i * m + i] = 0.37 + 2.34 * gsl_rng_uniform(g);
    p.Syx[i * m + i] = -1.0 + 2.0 * gsl_rng_uniform(g);
    p.Syy[i * m + i] = p.Syx[i * m + i] * p.Syx[i * m + i] / p.Sxx[i * m + i] + p.Sxx[i * m + i];
  }
  int choices[SGEMA_CENSUS_M_MAX];
  for (int i = 0; i < m; i++) {
    double d = p.Syx[i * m + i] * p.Syx[i * m + i] - 4 * p.Sxx[i * m + i] * p.lambda;
    choices[i] = d > 0 ? 3 : 1;
    expect *= choices[i];
  }
  for (int code = 0; code < expect; code++) { /* count the product set by rank */
    int k = 0, rest = code;
    for (int i = 0; i < m; i++) {
      k += rest % choices[i] != 0;
      rest /= choices[i];
    }
    expect_rank[k]++;
  }
  sgema_census_result r;
  int ok = sgema_census_run(c, s, &p, 11, 0, (uint32_t)t, &r) == SGEMA_OK &&
           r.n_equilibria == expect && accounted(c, s, &r, m, 1) && worst_residual(&r) < 1e-10;
  for (int k = 0; k <= m && ok; k++)
    ok = r.psd_rank[k] == expect_rank[k];
  for (int i = 0; ok && i < r.n_equilibria; i++) { /* diagonal, and s_i a root or 0 */
    const double *S = r.equilibria[i].S;
    for (int a = 0; a < m; a++)
      for (int b = 0; b < m; b++)
        if (a != b)
          ok = ok && fabs(S[a * m + b]) < 1e-10;
    for (int a = 0; a < m; a++) {
      double rho = p.Sxx[a * m + a], tau = p.Syx[a * m + a], x = sqrt(fmax(S[a * m + a], 0));
      ok = ok && (S[a * m + a] == 0.0 || fabs(rho * x * x - fabs(tau) * x + p.lambda) < 1e-10 ||
                  fabs(S[a * m + a]) < 1e-12);
    }
  }
  *found = r.n_equilibria;
  *expected = expect;
  return ok;
}

static void test_diagonal(sgema_census *c, const sgema_census_settings *s) {
  gsl_rng *g = tu_rng(4711);
  int bad = 0;
  for (int t = 0; t < 24; t++) {
    int m = 2 + t % 2, found = 0, expect = 0;
    int ok = diagonal_ok(c, s, g, t, m, &found, &expect);
    if (!ok && bad < 5)
      printf("  diagonal %d (m = %d): %d equilibria, expected %d\n", t, m, found, expect);
    bad += !ok;
  }
  CHECK(bad == 0,
        "diagonal statistics, m = 2, 3: the census is the product of the m = 1 censuses "
        "(every rank): %d of 24 wrong",
        bad);
  gsl_rng_free(g);
}

/* ---- classification against the dense spectrum ----------------------------------------------- */

/* Eigenvalues of the dense Jacobian (GSL, independently of the library's classifier): how many
 * have real part > tol, and how many are within tol of 0. */
static void dense_counts(const sgema_problem *p, const double *y, double tol, int *pos, int *zero) {
  size_t N = sgema_problem_dim(p);
  sgema_field *f = sgema_field_alloc(p->m, p->n);
  double *J = malloc(N * N * sizeof *J);
  sgema_field_jacobian(f, p, 0.0, y, J, NULL);
  gsl_matrix_view Jv = gsl_matrix_view_array(J, N, N);
  gsl_vector_complex *ev = gsl_vector_complex_alloc(N);
  gsl_eigen_nonsymm_workspace *w = gsl_eigen_nonsymm_alloc(N);
  gsl_eigen_nonsymm(&Jv.matrix, ev, w);
  *pos = *zero = 0;
  for (size_t i = 0; i < N; i++) {
    gsl_complex z = gsl_vector_complex_get(ev, i);
    *pos += GSL_REAL(z) > tol;
    *zero += hypot(GSL_REAL(z), GSL_IMAG(z)) <= tol;
  }
  gsl_eigen_nonsymm_free(w);
  gsl_vector_complex_free(ev);
  free(J);
  sgema_field_free(f);
}

static void test_classes(sgema_census *c, const sgema_census_settings *s, int m, int count) {
  sgema_sampler *smp2 = sgema_sampler_alloc(m, 2 * m), *smp1 = sgema_sampler_alloc(m, m + 1);
  double *y = malloc(sgema_problem_dim_for(SGEMA_ALG_EMA, m, 2 * m) * sizeof *y);
  int bad = 0, seen[SGEMA_EQUILIBRIUM_COUNT] = {0}, bad_paths = 0, pd = 0, partial = 0;
  long fails = 0, paths = 0;
  double worst = 0.0;
  for (int t = 0; t < count; t++) {
    sgema_problem p;
    int n = t % 2 ? m + 1 : 2 * m;
    draw(t % 2 ? smp1 : smp2, t % 3 ? SGEMA_ALG_SG : SGEMA_ALG_EMA, m, n, (uint32_t)t, &p);
    sgema_census_result r;
    int st = sgema_census_run(c, s, &p, 5, 1, (uint32_t)t, &r);
    if (st != SGEMA_OK) {
      if (bad < 5)
        printf("  m=%d n=%d trial %d: %s\n", m, n, t, sgema_strerror(st));
      bad++;
      continue;
    }
    bad_paths += !accounted(c, s, &r, m, s->rank_deficient);
    fails += r.paths[0][3] + r.paths[1][3];
    paths += total_paths(&r, 0) + total_paths(&r, 1);
    worst = fmax(worst, worst_residual(&r));
    for (int i = 0; i < r.n_equilibria; i++) {
      const sgema_census_equilibrium *e = &r.equilibria[i];
      sgema_census_equilibrium_state(c, &p, e->S, y);
      int pos, zero;
      dense_counts(&p, y, s->classification.saddle_tol, &pos, &zero);
      int ok = pos == e->unstable && (e->cls == SGEMA_EQUILIBRIUM_SADDLE) == (pos > 0) &&
               (e->cls != SGEMA_EQUILIBRIUM_DEGENERATE || zero > e->symmetry_zeros);
      ok = ok && (e->rank == 0 ? e->mc_class == SGEMA_CLASS_ORIGIN
                               : (e->mc_class == SGEMA_CLASS_SADDLE) == (pos > 0));
      pd += e->kind == SGEMA_SOLUTION_PD;
      partial += e->kind == SGEMA_SOLUTION_PSD && e->rank > 0;
      seen[e->cls]++;
      if (getenv("CENSUS_DEBUG") && (!ok || e->field_residual > 1e-10)) {
        printf("  S =");
        for (int k = 0; k < m * m; k++)
          printf(" %.6g", e->S[k]);
        printf(" rank %d kind %d sysres %.3g fieldres %.3g lambda %g\n", e->rank, e->kind,
               e->system_residual, e->field_residual, p.lambda);
      }
      if (!ok && bad < 5)
        printf("  m=%d trial %d eq %d: class %s unstable %d, dense %d positive %d zero (sym %d)\n",
               m, t, i, sgema_equilibrium_class_name(e->cls), e->unstable, pos, zero,
               e->symmetry_zeros);
      bad += !ok;
    }
  }
  CHECK(bad == 0,
        "m = %d: %d data sets, %d PD and %d rank-deficient equilibria (%d stable, %d saddle, %d "
        "degenerate): the class agrees with the dense spectrum (%d disagree)",
        m, count, pd, partial, seen[0], seen[1], seen[2], bad);
  CHECK(bad_paths == 0 && fails * 1000 < paths,
        "m = %d: every path accounted for, %ld failed of %ld (< 0.1%%)", m, fails, paths);
  CHECK(worst < 1e-10, "m = %d: worst relative field residual %.3g < 1e-10", m, worst);
  free(y);
  sgema_sampler_free(smp1);
  sgema_sampler_free(smp2);
}

/* ---- the parameter homotopy --------------------------------------------------------------------
 */

/* dF/ds of the parameter family against central differences in s (complex start, real target),
 * and its extended-precision values against the double ones. */
static void test_parameter_derivative(void) {
  gsl_rng *g = tu_rng(2386);
  double worst = 0.0, worst_ld = 0.0;
  for (int t = 0; t < 8 * SGEMA_CENSUS_SYSTEMS; t++) { /* every system at every m, twice */
    sgema_problem p;
    int m = 1 + t % 4;
    tu_random_problem(g, SGEMA_ALG_SG, m, m + 1, &p);
    sgema_census_system sys;
    if (sgema_census_system_init(
            &sys, &p, (sgema_census_system_kind)(t / 4 % SGEMA_CENSUS_SYSTEMS)) != SGEMA_OK)
      continue; /* the corank-2 system at m = 1 */
    sgema_census_params start;
    sgema_census_generic_params(m, &start);
    sgema_par_system ps;
    sgema_census_system_par(&sys, &start, &ps);
    int N = sys.N;
    double complex X[NUMAX + 1], F[NUMAX], Fs[NUMAX], Fp[NUMAX], Fm[NUMAX];
    double complex J[NUMAX * (NUMAX + 1)];
    for (int j = 0; j <= N; j++)
      X[j] = gsl_ran_gaussian(g, 0.7) + I * gsl_ran_gaussian(g, 0.7);
    double complex sp = 0.3 + 0.2 * I, h = 1e-6;
    ps.eval(ps.ctx, X, sp, F, J, Fs);
    ps.eval(ps.ctx, X, sp + h, Fp, J, NULL);
    ps.eval(ps.ctx, X, sp - h, Fm, J, NULL);
    long double complex Xl[NUMAX + 1], Fl[NUMAX];
    for (int j = 0; j <= N; j++)
      Xl[j] = X[j];
    ps.value_ld(ps.ctx, Xl, sp, Fl);
    double err = 0.0, scale = 0.0, err_ld = 0.0, scale_ld = 0.0;
    for (int i = 0; i < N; i++) {
      err = fmax(err, cabs((Fp[i] - Fm[i]) / (2.0 * h) - Fs[i]));
      scale = fmax(scale, cabs(Fs[i]));
      err_ld = fmax(err_ld, cabs(F[i] - (double complex)Fl[i]));
      scale_ld = fmax(scale_ld, cabs(F[i]));
    }
    worst = fmax(worst, err / scale);
    worst_ld = fmax(worst_ld, err_ld / scale_ld);
  }
  CHECK(worst < 1e-7,
        "parameter family dF/ds (every system), m = 1..4: central differences "
        "agree to %.2g",
        worst);
  /* census_system_ld.c is written apart from the double evaluation */
  CHECK(worst_ld < 1e-13,
        "extended-precision values (every system), m = 1..4: the double ones to %.2g", worst_ld);
  gsl_rng_free(g);
}

/* |a - b| relative to 1 + |a|: two path ends within 1e-8 of it are one root. */
static double root_distance(const double complex *a, const double complex *b, int N) {
  double d = 0.0, na = 0.0;
  for (int k = 0; k < N; k++) {
    d += pow(cabs(a[k] - b[k]), 2);
    na += pow(cabs(a[k]), 2);
  }
  return sqrt(d) / (1.0 + sqrt(na));
}

/* Distinct finite regular roots of the generic system found by an independent total-degree solve
 * (other gammas and patches than the census' own start solve). */
static long generic_count_independent(int m, sgema_census_system_kind kind, uint32_t seed,
                                      int runs) {
  sgema_census_params prm;
  sgema_census_generic_params(m, &prm);
  sgema_census_system sys;
  sgema_census_system_init_params(&sys, m, &prm, kind);
  sgema_hom_system hs;
  sgema_census_system_hom(&sys, &hs);
  long paths = 1, n = 0;
  for (int k = 0; k < sys.N; k++)
    paths *= sys.degrees[k];
  double complex *ends = malloc((size_t)(runs * paths) * NUMAX * sizeof *ends),
                 *roots = malloc((size_t)paths * NUMAX * sizeof *roots);
  if (!ends || !roots) {
    free(ends);
    free(roots);
    return -1;
  }
  end_store l = {ends, 0};
  sgema_tracker *tr = sgema_tracker_alloc(NUMAX);
  sgema_tracker_settings ts;
  sgema_tracker_settings_default(&ts);
  long counts[SGEMA_PATH_COUNT];
  for (int r = 0; r < runs; r++)
    sgema_tracker_solve(tr, &hs, &ts, seed, 77, 5 + (uint32_t)r, paths, collect, &l, counts);
  for (long i = 0; i < l.n; i++) {
    double complex *x = ends + i * NUMAX;
    if (!sgema_tracker_regular_root(tr, &hs, x, 8, SGEMA_START_ROOT_TOL, SGEMA_START_ROOT_FLOOR,
                                    SGEMA_START_ROOT_RCOND))
      continue;
    int fresh = 1;
    for (long j = 0; j < n && fresh; j++)
      fresh = root_distance(x, roots + j * NUMAX, sys.N) > 1e-8;
    if (fresh)
      memcpy(roots + n++ * NUMAX, x, sizeof(double complex) * NUMAX);
  }
  sgema_tracker_free(tr);
  free(ends);
  free(roots);
  return n;
}

static void test_generic_roots(sgema_census *c) {
  /* m = 1: Eq. 6 is a quadratic in s with a nonzero leading coefficient (2 roots), the rank-free
   * system 2 s F(s), a cubic (3) */
  CHECK(sgema_census_start_roots(c, 1, SGEMA_CENSUS_EQ6) == 2 &&
            sgema_census_start_roots(c, 1, SGEMA_CENSUS_ANYRANK) == 3,
        "m = 1: the generic systems have 2 (Eq. 6) and 3 (rank-free) finite roots");
  static const char *const names[SGEMA_CENSUS_SYSTEMS] = {"Eq. 6", "rank-free", "rank-1",
                                                          "corank-1", "corank-2"};
  for (int m = 2; m <= 3; m++)
    for (int k = 0; k < SGEMA_CENSUS_SYSTEMS; k++) {
      if ((k == SGEMA_CENSUS_ANYRANK || k == SGEMA_CENSUS_CORANK2) && m == 3)
        continue; /* 729 and 23,328 paths; rank 1 at m = 3 is the rank-1 system's */
      sgema_census_system_kind kind = (sgema_census_system_kind)k;
      long ours = sgema_census_start_roots(c, m, kind);
      /* The corank-1 system at m = 3 has large roots (|x| ~ 630 and ~ 1,580, pivot ratios 1e-7)
       * that few paths reach (phc -b: 36 regular roots): at most one may be missing here. The
       * same Newton test as the census' start roots (the homotopies are what is independent). */
      int runs = kind == SGEMA_CENSUS_CORANK1 ? 2 : 1;
      long a = generic_count_independent(m, kind, 101, runs);
      long b = generic_count_independent(m, kind, 202, runs);
      long slack = kind == SGEMA_CENSUS_CORANK1 && m == 3;
      CHECK(ours > 0 && a <= ours && a >= ours - slack && b <= ours && b >= ours - slack,
            "m = %d %s: the generic start system's %ld finite roots, total degree with two other "
            "gammas (runs of %d): %ld and %ld",
            m, names[k], ours, runs, a, b);
    }
  /* phc -b on the rank-1 system of random real data (bench/census_rank_systems.py M 1): 6 regular
   * roots at m = 2 and 12 at m = 3, the rest at infinity, none singular */
  CHECK(sgema_census_start_roots(c, 2, SGEMA_CENSUS_RANK1) == 6 &&
            sgema_census_start_roots(c, 3, SGEMA_CENSUS_RANK1) == 12,
        "rank-1 system: 6 (m = 2) and 12 (m = 3) generic roots, as PHCpack counts them");
  /* The corank-1 system at m = 3: 38 generic roots (two other total-degree runs agree, above, and
   * monodromy, test_monodromy; a regression guard: 37 until s31, whose Newton test keeps the large
   * roots, |x| ~ 630 and ~ 1,580). phc -b on sampled real data (seed 1 trial 0; mixed volume 224)
   * finds 34 regular roots, its 2 rank-2 equilibria among them, and 36 singular ones
   * (docs/CENSUS.md). */
  CHECK(sgema_census_start_roots(c, 3, SGEMA_CENSUS_CORANK1) == 38,
        "corank-1 system: 38 generic roots at m = 3");
}

/* |F(1, x)| of the generic system (m, kind) over (1 + |x|)^3 (every equation has degree <= 4 and
 * the roots' size dominates): how well a shipped root solves it, from the system's own
 * evaluation, not the Newton test the census loads them with. */
static double generic_residual(int m, sgema_census_system_kind kind, const double *re_im, int N) {
  sgema_census_params prm;
  sgema_census_generic_params(m, &prm);
  sgema_census_system sys;
  if (sgema_census_system_init_params(&sys, m, &prm, kind) != SGEMA_OK || sys.N != N)
    return INFINITY;
  double complex X[NUMAX + 1], F[NUMAX], J[NUMAX * (NUMAX + 1)];
  double nx = 0.0, nf = 0.0;
  X[0] = 1.0;
  for (int k = 0; k < N; k++) {
    X[k + 1] = re_im[2 * k] + I * re_im[2 * k + 1];
    nx += pow(cabs(X[k + 1]), 2);
  }
  sgema_census_system_eval(&sys, X, F, J);
  for (int k = 0; k < N; k++)
    nf += pow(cabs(F[k]), 2);
  return sqrt(nf) / pow(1.0 + sqrt(nx), 3);
}

/* The shipped start roots (census_start_data.c): every table solves its generic system, has no
 * root twice, and is what the census loads (bit for bit: a table that failed the load check would
 * have been replaced by roots solved afresh). Counts against independent solves: test_generic_roots
 * (m <= 3), test_monodromy. */
static void test_shipped_roots(void) {
  sgema_census *c = sgema_census_alloc(SGEMA_CENSUS_M_MAX, SGEMA_CENSUS_M_MAX + 1);
  int tables = 0, bad = 0;
  double worst = 0.0;
  for (int m = 1; m <= SGEMA_CENSUS_M_MAX; m++)
    for (int k = 0; k < SGEMA_CENSUS_SYSTEMS; k++) {
      sgema_census_system_kind kind = (sgema_census_system_kind)k;
      const sgema_census_start_table *t = sgema_census_start_table_find(m, kind);
      if (!t)
        continue;
      tables++;
      int ok = c && sgema_census_start_roots(c, m, kind) == t->n;
      for (long i = 0; i < t->n && ok; i++) {
        double re[NUMAX], im[NUMAX], d = 0.0, nx = 0.0;
        const double *x = t->re_im + 2 * i * t->N;
        ok = sgema_census_start_root(c, m, kind, i, re, im) == t->N;
        for (int j = 0; j < t->N && ok; j++) {
          d += pow(re[j] - x[2 * j], 2) + pow(im[j] - x[2 * j + 1], 2);
          nx += x[2 * j] * x[2 * j] + x[2 * j + 1] * x[2 * j + 1];
        }
        double r = generic_residual(m, kind, x, t->N);
        worst = fmax(worst, r);
        ok = ok && d == 0.0 && r <= 1e-12;
        for (long j = 0; j < i && ok; j++) {
          double e = 0.0;
          for (int q = 0; q < 2 * t->N; q++)
            e += pow(x[q] - t->re_im[2 * j * t->N + q], 2);
          ok = sqrt(e) > 1e-8 * (1.0 + sqrt(nx));
        }
      }
      if (!ok)
        printf("  m = %d system %d: shipped roots not loaded, not roots, or repeated\n", m, k);
      bad += !ok;
    }
  CHECK(tables >= 12 && bad == 0,
        "the shipped start roots solve their generic systems (worst residual %.1e), are distinct "
        "and are the census' (%d tables, %d bad)",
        worst, tables, bad);
  sgema_census_free(c);
}

/* Two censuses of one data set agree on their real equilibria (rank, kind, class, S to 1e-7
 * relative). */
static int same_equilibria(const sgema_census_result *a, const sgema_census_result *b, int m) {
  if (a->n_equilibria != b->n_equilibria)
    return 0;
  for (int i = 0; i < a->n_equilibria; i++) {
    const sgema_census_equilibrium *e = &a->equilibria[i];
    int found = 0;
    for (int j = 0; j < b->n_equilibria && !found; j++) {
      const sgema_census_equilibrium *f = &b->equilibria[j];
      double d = 0.0, n = 0.0;
      for (int k = 0; k < m * m; k++) {
        d += (e->S[k] - f->S[k]) * (e->S[k] - f->S[k]);
        n += e->S[k] * e->S[k];
      }
      found = e->rank == f->rank && e->kind == f->kind && e->cls == f->cls &&
              sqrt(d) <= 1e-7 * (1.0 + sqrt(n));
    }
    if (!found)
      return 0;
  }
  return 1;
}

/* ... and on their indefinite count. */
static int same_census(const sgema_census_result *a, const sgema_census_result *b, int m) {
  return a->n_indefinite == b->n_indefinite && same_equilibria(a, b, m);
}

/* |S F(S)| / (|S| (|Sxx S| |S Sxx| + l |Sxx S + S Sxx| + l^2 + |Sxy S Syx|)) for a real S, computed
 * here from p's data without the census module: how well S solves the rank-free condition. */
static double sf_residual(const sgema_problem *p, const double *S) {
  int m = p->m;
  double P[16], Q[16], F[16], U[16], nP = 0, nQ = 0, nU = 0, nS = 0, nG = 0, nPQ = 0;
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) {
      double a = 0, b = 0, u = 0;
      for (int k = 0; k < m; k++) {
        a += p->Sxx[i * m + k] * S[k * m + j];
        b += S[i * m + k] * p->Sxx[k * m + j];
        for (int l = 0; l < m; l++)
          u += p->Syx[k * m + i] * S[k * m + l] * p->Syx[l * m + j];
      }
      P[i * m + j] = a + (i == j) * p->lambda;
      Q[i * m + j] = b + (i == j) * p->lambda;
      U[i * m + j] = u;
      nP += a * a;
      nQ += b * b;
      nPQ += (a + b) * (a + b);
      nU += u * u;
      nS += S[i * m + j] * S[i * m + j];
    }
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) {
      double v = -U[i * m + j];
      for (int k = 0; k < m; k++)
        v += P[i * m + k] * Q[k * m + j];
      F[i * m + j] = v;
    }
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) {
      double v = 0;
      for (int k = 0; k < m; k++)
        v += S[i * m + k] * F[k * m + j];
      nG += v * v;
    }
  double scale = sqrt(nP * nQ) + p->lambda * sqrt(nPQ) + p->lambda * p->lambda + sqrt(nU);
  return sqrt(nG) / (sqrt(nS) * scale + 1e-300);
}

/* Every solution in b's list (n_b of them) is in a's (S to 1e-7 relative, and the same rank, kind
 * and class for equilibria), and every one of a's solves S F(S) = 0 (sf_residual < 1e-9). */
static int solutions_within(const sgema_census_equilibrium *a, int n_a,
                            const sgema_census_equilibrium *b, int n_b, const sgema_problem *p) {
  int m = p->m;
  for (int i = 0; i < n_a; i++)
    if (!(sf_residual(p, a[i].S) < 1e-9))
      return 0;
  for (int j = 0; j < n_b; j++) {
    int found = 0;
    for (int i = 0; i < n_a && !found; i++) {
      double d = 0.0, n = 0.0;
      for (int k = 0; k < m * m; k++) {
        d += pow(a[i].S[k] - b[j].S[k], 2);
        n += pow(b[j].S[k], 2);
      }
      found = sqrt(d) <= 1e-7 * (1.0 + sqrt(n)) && a[i].rank == b[j].rank &&
              a[i].kind == b[j].kind && a[i].cls == b[j].cls;
    }
    if (!found)
      return 0;
  }
  return 1;
}

/* The monodromy solver (census_monodromy.h) finds the same number of distinct regular generic
 * roots as the census' total-degree start solve: two independent homotopies (loops through random
 * coefficients from random seeds, against total-degree paths from x^d - 1). */
static void test_monodromy(sgema_census *c, int m_max) {
  sgema_tracker *tr = sgema_tracker_alloc(NUMAX);
  sgema_tracker_settings ts;
  sgema_tracker_settings_default(&ts);
  ts.infinity_early = 0.0;
  static const sgema_census_system_kind kinds[] = {SGEMA_CENSUS_EQ6, SGEMA_CENSUS_RANK1,
                                                   SGEMA_CENSUS_CORANK1};
  int bad = 0, tried = 0;
  for (int m = 2; m <= m_max; m++)
    for (int k = 0; k < 3; k++) {
      if (m == 4 && kinds[k] != SGEMA_CENSUS_RANK1)
        continue; /* total degree: 1,024 paths for Eq. 6, 944,784 for the corank-1 system */
      double complex *roots = NULL;
      long n = -1, td = sgema_census_start_roots(c, m, kinds[k]);
      int st = sgema_census_monodromy(tr, &ts, m, kinds[k], SGEMA_MONODROMY_QUIET_LOOPS, NUMAX,
                                      &roots, &n);
      tried++;
      if (st != SGEMA_OK || n != td) {
        printf("  m = %d system %d: monodromy %ld roots (status %d), total degree %ld\n", m,
               (int)kinds[k], n, st, td);
        bad++;
      }
      free(roots);
    }
  sgema_tracker_free(tr);
  CHECK(
      bad == 0 && tried > 0,
      "monodromy finds as many generic roots as total degree (Eq. 6, rank-1, corank-1; m = 2..%d): "
      "%d of %d differ",
      m_max, bad, tried);
}

/* At m = 4 the corank-1 and corank-2 systems are too large for total degree: the census' own
 * monodromy search (12 quiet loops, about two minutes) must find no root that the shipped roots
 * (a longer search) lack. */
static void test_shipped_cover_monodromy(sgema_census *c) {
  sgema_tracker *tr = sgema_tracker_alloc(NUMAX);
  sgema_tracker_settings ts;
  sgema_tracker_settings_default(&ts);
  ts.infinity_early = 0.0;
  static const sgema_census_system_kind kinds[] = {SGEMA_CENSUS_CORANK2, SGEMA_CENSUS_CORANK1};
  long missing = 0, found = 0, shipped = 0;
  int failed = 0;
  for (int k = 0; k < 2; k++) {
    double complex *roots = NULL;
    long n = -1, ns = sgema_census_start_roots(c, 4, kinds[k]);
    int st = sgema_census_monodromy(tr, &ts, 4, kinds[k], SGEMA_MONODROMY_QUIET_LOOPS, NUMAX,
                                    &roots, &n);
    double re[NUMAX], im[NUMAX];
    for (long i = 0; st == SGEMA_OK && i < n; i++) {
      int hit = 0, N = 0;
      for (long j = 0; j < ns && !hit; j++) {
        N = sgema_census_start_root(c, 4, kinds[k], j, re, im);
        double d = 0.0, nx = 0.0;
        for (int q = 0; q < N; q++) {
          d += pow(cabs(roots[i * NUMAX + q] - (re[q] + I * im[q])), 2);
          nx += pow(cabs(roots[i * NUMAX + q]), 2);
        }
        hit = sqrt(d) <= 1e-6 * (1.0 + sqrt(nx));
      }
      missing += !hit;
    }
    failed += st != SGEMA_OK;
    found += st == SGEMA_OK ? n : 0;
    shipped += ns;
    free(roots);
  }
  sgema_tracker_free(tr);
  CHECK(!failed && found > 0 && missing == 0,
        "m = 4 corank-1 and corank-2: the census' own monodromy finds %ld roots, %ld of them not "
        "among the %ld shipped",
        found, missing, shipped);
}

/* The parameter homotopy against total degree on the same data sets (SG and EMA, n = m + 1 and 2m):
 * the rank-1 system too at m = 2 (at m = 3 both solve the rank-free one by total degree, so only
 * Eq. 6 is compared). Differences are allowed on at most 2% of the data sets (as phc's lost paths
 * are): each is printed, with which side has more equilibria (a path lost by one of the trackers).
 */
static void test_parameter_vs_total(sgema_census *c, int m, int count) {
  sgema_census_settings par, td;
  sgema_census_settings_default(&par);
  par.rank_deficient = m == 2;
  td = par;
  td.homotopy = SGEMA_CENSUS_TOTAL_DEGREE;
  sgema_sampler *smp2 = sgema_sampler_alloc(m, 2 * m), *smp1 = sgema_sampler_alloc(m, m + 1);
  static sgema_census_equilibrium saved[64];
  int differ = 0, more_par = 0, errors = 0, bad_paths = 0, eq = 0, fallbacks = 0;
  long fails = 0, paths = 0;
  for (int t = 0; t < count; t++) {
    sgema_problem p;
    int n = t % 2 ? m + 1 : 2 * m;
    draw(t % 2 ? smp1 : smp2, t % 4 < 2 ? SGEMA_ALG_SG : SGEMA_ALG_EMA, m, n, (uint32_t)(500 + t),
         &p);
    sgema_census_result a, b;
    if (sgema_census_run(c, &par, &p, 21, 0, (uint32_t)t, &a) != SGEMA_OK || a.n_equilibria > 64) {
      errors++;
      continue;
    }
    bad_paths += !accounted(c, &par, &a, m, par.rank_deficient);
    fallbacks += a.total_degree_fallback != 0;
    fails += a.paths[0][3] + a.paths[1][3];
    paths += total_paths(&a, 0) + total_paths(&a, 1);
    memcpy(saved, a.equilibria, (size_t)a.n_equilibria * sizeof *saved);
    a.equilibria = saved;
    int na = a.n_equilibria;
    if (sgema_census_run(c, &td, &p, 21, 0, (uint32_t)t, &b) != SGEMA_OK) {
      errors++;
      continue;
    }
    eq += na;
    int ok = same_census(&a, &b, m) && same_census(&b, &a, m);
    if (!ok) {
      differ++;
      more_par += na > b.n_equilibria;
      printf("  m=%d %s n=%d set %d: parameter %d equilibria (%d indefinite), total degree %d "
             "(%d)\n",
             m, sgema_alg_name(p.alg), n, t, na, a.n_indefinite, b.n_equilibria, b.n_indefinite);
    }
  }
  CHECK(errors == 0 && differ * 50 <= count,
        "m = %d: parameter homotopy vs total degree on %d data sets (SG, EMA; %s): %d equilibria, "
        "the same (rank, kind, class, S) on all but %d (%d where the parameter homotopy has more), "
        "at most 2%%",
        m, count, m == 2 ? "Eq. 6 and rank-1" : "Eq. 6", eq, differ, more_par);
  CHECK(bad_paths == 0 && fails * 1000 < paths,
        "m = %d parameter homotopy: every path accounted for, %ld failed of %ld (< 0.1%%); %d data "
        "sets fell back to total degree (paths failing or jumping twice)",
        m, fails, paths, fallbacks);
  sgema_sampler_free(smp1);
  sgema_sampler_free(smp2);
}

/* Two censuses of data set (trial) drawn from smp: a with sa, then b with sb (a's lists copied
 * to storage of their own, valid until the next call). 0 when both ran and a's lists fit. */
typedef struct {
  sgema_problem p;
  sgema_census_result a, b;
} census_pair;

static int run_pair(sgema_census *c, const sgema_census_settings *sa,
                    const sgema_census_settings *sb, sgema_sampler *smp, sgema_alg alg, int m,
                    int n, uint32_t trial, uint64_t seed, census_pair *out) {
  static sgema_census_equilibrium eq[64], indef[64];
  draw(smp, alg, m, n, trial, &out->p);
  sgema_census_result *a = &out->a;
  if (sgema_census_run(c, sa, &out->p, seed, 0, trial, a) != SGEMA_OK || a->n_equilibria > 64 ||
      a->n_indefinite > 64)
    return -1;
  memcpy(eq, a->equilibria, (size_t)a->n_equilibria * sizeof *eq);
  a->equilibria = eq;
  memcpy(indef, a->indefinite, (size_t)a->n_indefinite * sizeof *indef);
  a->indefinite = indef;
  return sgema_census_run(c, sb, &out->p, seed, 0, trial, &out->b) == SGEMA_OK ? 0 : -1;
}

/* At m = 2 the rank-1 system against the rank-free one (parameter homotopy both), on the same data
 * sets (SG and EMA, n = 3 and 4): every equilibrium and indefinite solution of the rank-free run is
 * among the rank-1 run's, and every one the rank-1 run has in addition solves S F(S) = 0 (checked
 * here, sf_residual). The rank-1 run finds more: the negative semidefinite S = t u u^T (t < 0) and
 * very large rank-1 equilibria are singular or infinite ends of the rank-free system. The rank-1
 * system's paths are all accounted for and none failed. */
static void test_rank_one_vs_free(sgema_census *c, int count) {
  sgema_census_settings one, free_;
  sgema_census_settings_default(&one);
  one.rank_one_system = 1;
  free_ = one;
  free_.rank_one_system = 0;
  sgema_sampler *smp3 = sgema_sampler_alloc(2, 3), *smp4 = sgema_sampler_alloc(2, 4);
  int differ = 0, errors = 0, bad_paths = 0, eq[2] = {0, 0}, indef[2] = {0, 0}, charts = 0;
  long fails = 0;
  for (int t = 0; t < count; t++) {
    int n = t % 2 ? 3 : 4;
    census_pair r;
    if (run_pair(c, &one, &free_, t % 2 ? smp3 : smp4, t % 4 < 2 ? SGEMA_ALG_SG : SGEMA_ALG_EMA, 2,
                 n, (uint32_t)(3100 + t), 23, &r) != 0) {
      errors++;
      continue;
    }
    const sgema_census_result *a = &r.a, *b = &r.b;
    bad_paths += !accounted(c, &one, a, 2, 1);
    fails += a->paths[1][3];
    eq[0] += a->n_equilibria;
    eq[1] += b->n_equilibria;
    indef[0] += a->n_indefinite;
    indef[1] += b->n_indefinite;
    charts += a->charts > 1;
    if (!solutions_within(a->equilibria, a->n_equilibria, b->equilibria, b->n_equilibria, &r.p) ||
        !solutions_within(a->indefinite, a->n_indefinite, b->indefinite, b->n_indefinite, &r.p)) {
      differ++;
      printf("  m=2 %s n=%d set %d: rank-1 system %d equilibria (%d rank 1, %d indefinite), "
             "rank-free %d (%d, %d)\n",
             sgema_alg_name(r.p.alg), n, t, a->n_equilibria, a->psd_rank[1], a->n_indefinite,
             b->n_equilibria, b->psd_rank[1], b->n_indefinite);
    }
  }
  CHECK(errors == 0 && differ == 0 && bad_paths == 0 && fails == 0,
        "m = 2, %d data sets: the rank-free system's %d equilibria and %d indefinite solutions are "
        "among the rank-1 system's %d and %d, whose others solve S F(S) = 0: %d sets differ; "
        "rank-1 paths unaccounted %d, failed %ld; a second chart on %d sets",
        count, eq[1], indef[1], eq[0], indef[0], differ, bad_paths, fails, charts);
  sgema_sampler_free(smp3);
  sgema_sampler_free(smp4);
}

/* m = 2's rank-1 system by elimination (the default) against the same system tracked by the
 * parameter homotopy, on the same data sets (SG and EMA, n = 3 and 4): every equilibrium and
 * indefinite solution the tracked census finds is among the eliminated census', whose solutions all
 * solve S F(S) = 0 (its own arithmetic, sf_residual). The eliminated census may find more (a root
 * a path lost, e.g. a stable rank-1 equilibrium with |S| ~ 3e6): allowed on at most 1% of the
 * data sets, each printed. Most charts must be solved by elimination (else this tests tracking). */
static void test_elimination_vs_tracked(sgema_census *c, int count) {
  sgema_census_settings elim, tracked;
  sgema_census_settings_default(&elim);
  tracked = elim;
  tracked.rank_one_elimination = 0;
  sgema_sampler *smp3 = sgema_sampler_alloc(2, 3), *smp4 = sgema_sampler_alloc(2, 4);
  int errors = 0, missing = 0, extra = 0, bad_paths = 0, charts = 0, eliminated = 0;
  int eq[2] = {0, 0};
  for (int t = 0; t < count; t++) {
    int n = t % 2 ? 3 : 4;
    census_pair r;
    if (run_pair(c, &elim, &tracked, t % 2 ? smp3 : smp4, t % 4 < 2 ? SGEMA_ALG_SG : SGEMA_ALG_EMA,
                 2, n, (uint32_t)(5200 + t), 29, &r) != 0) {
      errors++;
      continue;
    }
    const sgema_census_result *a = &r.a, *b = &r.b;
    bad_paths += !accounted(c, &elim, a, 2, 1);
    charts += a->charts;
    eliminated += a->eliminated;
    eq[0] += a->n_equilibria;
    eq[1] += b->n_equilibria;
    int within =
        solutions_within(a->equilibria, a->n_equilibria, b->equilibria, b->n_equilibria, &r.p) &&
        solutions_within(a->indefinite, a->n_indefinite, b->indefinite, b->n_indefinite, &r.p);
    int same = within && a->n_equilibria == b->n_equilibria && a->n_indefinite == b->n_indefinite;
    missing += !within;
    extra += within && !same;
    if (!same)
      printf("  m=2 %s n=%d set %d: eliminated %d equilibria (%d rank 1, %d indefinite), tracked "
             "%d (%d, %d)\n",
             sgema_alg_name(r.p.alg), n, t, a->n_equilibria, a->psd_rank[1], a->n_indefinite,
             b->n_equilibria, b->psd_rank[1], b->n_indefinite);
  }
  CHECK(errors == 0 && missing == 0 && bad_paths == 0 && extra * 100 <= count &&
            eliminated * 100 >= 95 * charts,
        "m = 2, %d data sets: the tracked rank-1 census' %d equilibria are among the eliminated "
        "one's %d, all solving S F(S) = 0 (missing on %d sets, more on %d); paths unaccounted %d; "
        "%d of %d charts by elimination",
        count, eq[1], eq[0], missing, extra, bad_paths, eliminated, charts);
  sgema_sampler_free(smp3);
  sgema_sampler_free(smp4);
}

/* m = 3's rank-deficient equilibria from the rank-1 and corank-1 systems (the default) against the
 * rank-free system by total degree (729 paths, an independent formulation), on the same data sets
 * (SG and EMA, n = 4 and 6; the first two, also in the quick run, have rank-2 equilibria): the same
 * equilibria (rank, kind, class, S to 1e-7), every one solving S F(S) = 0; paths accounted for. */
static void test_corank_vs_free(sgema_census *c, int count) {
  sgema_census_settings sys, free_;
  sgema_census_settings_default(&sys);
  free_ = sys;
  free_.rank_one_system = 0;
  sgema_sampler *smp4 = sgema_sampler_alloc(3, 4), *smp6 = sgema_sampler_alloc(3, 6);
  int errors = 0, differ = 0, bad_paths = 0, eq[2] = {0, 0}, ranks[4] = {0}, early = 0;
  for (int t = 0; t < count; t++) {
    int n = t % 2 ? 4 : 6;
    census_pair r;
    if (run_pair(c, &sys, &free_, t % 2 ? smp4 : smp6, t % 4 < 2 ? SGEMA_ALG_SG : SGEMA_ALG_EMA, 3,
                 n, (uint32_t)(7310 + t), 31, &r) != 0) {
      errors++;
      continue;
    }
    const sgema_census_result *a = &r.a, *b = &r.b;
    bad_paths += !accounted(c, &sys, a, 3, 1);
    /* the passes stopped early (every generic root's counterpart in): the comparison below
     * must hold on these too */
    early += !(a->total_degree_fallback & 2) &&
             a->corank_passes < a->corank_charts * SGEMA_CENSUS_CORANK1_PASSES;
    for (int k = 0; k <= 3; k++)
      ranks[k] += a->psd_rank[k];
    eq[0] += a->n_equilibria;
    eq[1] += b->n_equilibria;
    if (!solutions_within(a->equilibria, a->n_equilibria, b->equilibria, b->n_equilibria, &r.p) ||
        !solutions_within(b->equilibria, b->n_equilibria, a->equilibria, a->n_equilibria, &r.p)) {
      differ++;
      printf("  m=3 %s n=%d set %d: rank-1 + corank-1 %d equilibria (ranks 1, 2: %d, %d), "
             "rank-free %d (%d, %d)\n",
             sgema_alg_name(r.p.alg), n, t, a->n_equilibria, a->psd_rank[1], a->psd_rank[2],
             b->n_equilibria, b->psd_rank[1], b->psd_rank[2]);
    }
  }
  CHECK(errors == 0 && differ == 0 && bad_paths == 0 && ranks[2] > 0 && early > 0,
        "m = 3, %d data sets: the rank-1 and corank-1 systems' %d equilibria (rank 0..3: %d %d %d "
        "%d) are the rank-free total-degree census' %d: %d sets differ; paths unaccounted %d; "
        "%d censuses stopped their corank-1 passes early",
        count, eq[0], ranks[0], ranks[1], ranks[2], ranks[3], eq[1], differ, bad_paths, early);
  sgema_sampler_free(smp4);
  sgema_sampler_free(smp6);
}

/* The census of a data set does not depend on what the workspace did before: a fresh workspace
 * (of the data set's size, or larger) and one that has run other data sets and sizes give
 * bit-identical results. */
static void test_fresh_workspace(sgema_census *used, const sgema_census_settings *s) {
  int same = 1;
  for (int m = 2; m <= 3; m++) {
    sgema_sampler *smp = sgema_sampler_alloc(m, m + 1);
    sgema_census_settings st = *s;
    st.rank_deficient = m == 2;
    for (int t = 0; t < 3; t++) {
      sgema_problem p;
      draw(smp, SGEMA_ALG_SG, m, m + 1, (uint32_t)(900 + t), &p);
      sgema_census *fresh = sgema_census_alloc(m, m + 1);
      sgema_census_result r1, r2;
      sgema_census_run(fresh, &st, &p, 13, 0, (uint32_t)t, &r1);
      sgema_census_run(used, &st, &p, 13, 0, (uint32_t)t, &r2);
      same = same && r1.n_equilibria == r2.n_equilibria &&
             memcmp(r1.paths, r2.paths, sizeof r1.paths) == 0 && r1.reruns == r2.reruns;
      for (int i = 0; same && i < r1.n_equilibria; i++)
        same = memcmp(r1.equilibria[i].S, r2.equilibria[i].S, sizeof r1.equilibria[i].S) == 0 &&
               r1.equilibria[i].cls == r2.equilibria[i].cls;
      sgema_census_free(fresh);
    }
    sgema_sampler_free(smp);
  }
  CHECK(same, "a fresh workspace and one used for other data sets and sizes give bit-identical "
              "censuses (m = 2, 3)");
}

/* ---- determinism and bad input ----------------------------------------------------------------
 */

static void test_determinism(sgema_census *c, const sgema_census_settings *s) {
  sgema_sampler *smp = sgema_sampler_alloc(2, 3);
  sgema_problem p;
  draw(smp, SGEMA_ALG_SG, 2, 3, 17, &p);
  sgema_census_result r1, r2;
  sgema_census_run(c, s, &p, 9, 0, 17, &r1);
  double S1[SGEMA_CENSUS_M_MAX * SGEMA_CENSUS_M_MAX * 32];
  int n1 = r1.n_equilibria;
  for (int i = 0; i < n1 && i < 32; i++)
    memcpy(S1 + i * 16, r1.equilibria[i].S, sizeof r1.equilibria[i].S);
  sgema_census_run(c, s, &p, 9, 0, 17, &r2);
  int same = n1 == r2.n_equilibria && memcmp(r1.paths, r2.paths, sizeof r1.paths) == 0;
  for (int i = 0; same && i < n1 && i < 32; i++)
    same = memcmp(S1 + i * 16, r2.equilibria[i].S, sizeof r2.equilibria[i].S) == 0;
  CHECK(same, "the same inputs give bit-identical censuses");
  p.alg = SGEMA_ALG_GD;
  CHECK(sgema_census_run(c, s, &p, 9, 0, 17, &r1) == SGEMA_EINVAL, "GD is refused");
  p.alg = SGEMA_ALG_EMA;
  p.momentum.a0 = 1.0;
  CHECK(sgema_census_run(c, s, &p, 9, 0, 17, &r1) == SGEMA_EINVAL, "EMA with alpha = 1 is refused");
  CHECK(sgema_census_alloc(5, 6) == NULL && sgema_census_alloc(2, 2) == NULL,
        "impossible dimensions are refused");
  sgema_sampler_free(smp);
}

/* ---- PHCpack input ----------------------------------------------------------------------------
 */

static void var(char *buf, int a, int b) {
  snprintf(buf, 32, "s%d%d", a < b ? a + 1 : b + 1, a < b ? b + 1 : a + 1);
}

/* Entry (i, j) of F(S) = Sxx S S Sxx + l (Sxx S + S Sxx) + l^2 I - Syx^T S Syx, expanded. */
static void write_entry(FILE *f, const sgema_problem *p, int i, int j) {
  int m = p->m;
  const double *X = p->Sxx, *Y = p->Syx;
  char u[32], v[32];
  for (int a = 0; a < m; a++)
    for (int b = 0; b < m; b++)
      for (int cc = 0; cc < m; cc++) {
        var(u, a, b);
        var(v, b, cc);
        fprintf(f, "%+.17e*%s*%s\n", X[i * m + a] * X[cc * m + j], u, v);
      }
  for (int a = 0; a < m; a++) {
    var(u, a, j);
    fprintf(f, "%+.17e*%s\n", p->lambda * X[i * m + a], u);
    var(u, i, a);
    fprintf(f, "%+.17e*%s\n", p->lambda * X[a * m + j], u);
  }
  for (int a = 0; a < m; a++)
    for (int b = 0; b < m; b++) {
      var(u, a, b);
      fprintf(f, "%+.17e*%s\n", -Y[a * m + i] * Y[b * m + j], u);
    }
  fprintf(f, "%+.17e;\n", i == j ? p->lambda * p->lambda : 0.0);
}

/* A complex coefficient in PHCpack's syntax. */
static void coef(FILE *f, double complex z) {
  fprintf(f, "+(%+.17e%+.17e*i)", creal(z), cimag(z));
}

/* The generic start system of the parameter homotopy (complex coefficients), entry (i, j) of F(S)
 * expanded as write_entry does; prints the file and the census' count of its finite roots. */
static int phc_generic_mode(const char *dir, int m) {
  sgema_census_params g;
  sgema_census_generic_params(m, &g);
  char path[4096], u[32], v[32];
  snprintf(path, sizeof path, "%s/generic_%d", dir, m);
  FILE *f = fopen(path, "w");
  if (!f)
    return 2;
  fprintf(f, "%d\n", m * (m + 1) / 2);
  const double complex *X = g.Sxx, *Y = g.Syx, l = g.lambda;
  for (int i = 0; i < m; i++)
    for (int j = i; j < m; j++) {
      for (int a = 0; a < m; a++)
        for (int b = 0; b < m; b++)
          for (int cc = 0; cc < m; cc++) {
            var(u, a, b);
            var(v, b, cc);
            coef(f, X[i * m + a] * X[cc * m + j]);
            fprintf(f, "*%s*%s\n", u, v);
          }
      for (int a = 0; a < m; a++) {
        var(u, a, j);
        coef(f, l * X[i * m + a]);
        fprintf(f, "*%s\n", u);
        var(u, i, a);
        coef(f, l * X[a * m + j]);
        fprintf(f, "*%s\n", u);
      }
      for (int a = 0; a < m; a++)
        for (int b = 0; b < m; b++) {
          var(u, a, b);
          coef(f, -Y[a * m + i] * Y[b * m + j]);
          fprintf(f, "*%s\n", u);
        }
      coef(f, i == j ? l * l : 0.0);
      fprintf(f, ";\n");
    }
  fclose(f);
  sgema_census *c = sgema_census_alloc(m, m + 1);
  long n = c ? sgema_census_start_roots(c, m, 0) : -1;
  sgema_census_free(c);
  printf("%s %ld\n", path, n);
  return n < 0;
}

static int phc_mode(const char *dir, int count, int m) {
  sgema_census *c = sgema_census_alloc(m, m + 1);
  sgema_census_settings s;
  sgema_census_settings_default(&s);
  s.rank_deficient = 0;
  sgema_sampler *smp = sgema_sampler_alloc(m, m + 1);
  for (int t = 0; t < count; t++) {
    sgema_problem p;
    draw(smp, SGEMA_ALG_SG, m, m + 1, (uint32_t)(1000 + t), &p);
    char path[4096];
    snprintf(path, sizeof path, "%s/sys_%d_%d", dir, m, t);
    FILE *f = fopen(path, "w");
    if (!f)
      return 2;
    fprintf(f, "%d\n", m * (m + 1) / 2);
    for (int i = 0; i < m; i++)
      for (int j = i; j < m; j++)
        write_entry(f, &p, i, j);
    fclose(f);
    sgema_census_result r;
    if (sgema_census_run(c, &s, &p, 3, 0, (uint32_t)t, &r) != SGEMA_OK)
      return 2;
    /* finite solutions: distinct complex + real ones; then the path outcomes */
    printf("%s %d %d %ld %ld %ld %ld\n", path, r.complex_solutions + r.eq6_real, r.eq6_real,
           r.paths[0][0], r.paths[0][1], r.paths[0][2], r.paths[0][3]);
  }
  sgema_sampler_free(smp);
  sgema_census_free(c);
  return 0;
}

/* One monomial c * t^et * z^ez * K^ek in PHCpack's syntax. */
static void monomial(FILE *f, double c, int et, int ez, int ek) {
  fprintf(f, "%+.17e", c);
  if (et)
    fprintf(f, "*t");
  if (ez)
    fprintf(f, "*z^%d", ez);
  if (ek)
    fprintf(f, "*K");
  fputc('\n', f);
}

/* The rank-1 system at m = 2 in the data's own coordinates, expanded by hand from docs/CENSUS.md
 * ("Rank 1"): u = (1, z), a = Sxx u, b = Syx^T u, P = u.a, R = u.Syx u, g = 1 + z^2;
 * e0 = K (t P + l) - t R, e_i = t g a_i + l u_i - K b_i. Written here, apart from the census' own
 * evaluation, as PHCpack's input. */
static void write_rank1(FILE *f, const sgema_problem *p) {
  const double *X = p->Sxx, *Y = p->Syx;
  double l = p->lambda;
  fprintf(f, "3\n");
  monomial(f, X[0], 1, 0, 1); /* K t P */
  monomial(f, X[1] + X[2], 1, 1, 1);
  monomial(f, X[3], 1, 2, 1);
  monomial(f, l, 0, 0, 1);
  monomial(f, -Y[0], 1, 0, 0); /* - t R */
  monomial(f, -(Y[1] + Y[2]), 1, 1, 0);
  monomial(f, -Y[3], 1, 2, 0);
  fprintf(f, ";\n");
  for (int i = 0; i < 2; i++) {
    double a0 = X[i * 2], a1 = X[i * 2 + 1]; /* a_i = a0 + a1 z */
    monomial(f, a0, 1, 0, 0);                /* t (1 + z^2)(a0 + a1 z) */
    monomial(f, a1, 1, 1, 0);
    monomial(f, a0, 1, 2, 0);
    monomial(f, a1, 1, 3, 0);
    monomial(f, l, 0, i, 0);     /* l u_i: u_0 = 1, u_1 = z */
    monomial(f, -Y[i], 0, 0, 1); /* - K b_i, b_i = Syx_0i + Syx_1i z */
    monomial(f, -Y[2 + i], 0, 1, 1);
    fprintf(f, "+0;\n");
  }
}

/* --phc-rank1 DIR COUNT: COUNT m = 2 data sets' rank-1 systems for phc, one line each: the file
 * and the census' real rank-1 solutions (PSD equilibria and negative semidefinite ones). */
static int phc_rank1_mode(const char *dir, int count) {
  sgema_census *c = sgema_census_alloc(2, 3);
  sgema_census_settings s;
  sgema_census_settings_default(&s);
  sgema_sampler *smp = sgema_sampler_alloc(2, 3);
  for (int t = 0; t < count && c && smp; t++) {
    sgema_problem p;
    draw(smp, SGEMA_ALG_SG, 2, 3, (uint32_t)(5000 + t), &p);
    char path[4096];
    snprintf(path, sizeof path, "%s/rank1_%d", dir, t);
    FILE *f = fopen(path, "w");
    if (!f)
      return 2;
    write_rank1(f, &p);
    fclose(f);
    sgema_census_result r;
    if (sgema_census_run(c, &s, &p, 3, 0, (uint32_t)t, &r) != SGEMA_OK)
      return 2;
    int real = r.psd_rank[1];
    for (int i = 0; i < r.n_indefinite; i++)
      real += r.indefinite[i].rank == 1;
    printf("%s %d %d\n", path, real, r.psd_rank[1]);
  }
  sgema_sampler_free(smp);
  sgema_census_free(c);
  return 0;
}

/* --census M N LAMBDA SXX(M*M) SYX(M*M): every equilibrium of SG for these statistics, one line
 * each (rank, class, S row by row), for the Monte Carlo cross-check of docs/CENSUS.md. */
static int census_mode(int argc, char **argv) {
  int m = atoi(argv[2]), n = atoi(argv[3]);
  if (m < 1 || m > SGEMA_CENSUS_M_MAX || argc != 5 + 2 * m * m)
    return 2;
  sgema_problem p;
  memset(&p, 0, sizeof p);
  p.alg = SGEMA_ALG_SG;
  p.m = m;
  p.n = n;
  p.lambda = atof(argv[4]);
  for (int i = 0; i < m * m; i++) {
    p.Sxx[i] = atof(argv[5 + i]);
    p.Syx[i] = atof(argv[5 + m * m + i]);
  }
  sgema_problem_default_syy(&p);
  sgema_census *c = sgema_census_alloc(m, n);
  sgema_census_settings s;
  sgema_census_settings_default(&s);
  sgema_census_result r;
  int st = sgema_census_run(c, &s, &p, 1, 0, 0, &r);
  for (int i = 0; st == SGEMA_OK && i < r.n_equilibria; i++) {
    const sgema_census_equilibrium *e = &r.equilibria[i];
    printf("%d %s %s", e->rank, sgema_equilibrium_class_name(e->cls),
           sgema_class_name(e->mc_class));
    for (int k = 0; k < m * m; k++)
      printf(" %.17g", e->S[k]);
    printf("\n");
  }
  sgema_census_free(c);
  return st != SGEMA_OK;
}

/* Data set (run, trial) of experiments/match.yaml (seed 13, n = m + 1, generic statistics, EMA
 * with a constant alpha = 0.9), drawn as sgema-run draws it. */
static void draw_match(sgema_alg alg, int m, uint32_t run, uint32_t trial, sgema_problem *p) {
  sgema_sampler *smp = sgema_sampler_alloc(m, m + 1);
  draw_seeded(smp, alg, m, m + 1, 13u, run, trial, p);
  sgema_sampler_free(smp);
}

/* A data set whose rank-free solve finds the origin as an S of entries near 1e-130: GSL's symmetric
 * eigensolver never returned on that S (sgema-match hung on it), so the census scales it first. A
 * hang fails the test by CTest's timeout; the counts are those printed by sgema-census once fixed,
 * cross-checked by the rank of each S (one origin, four rank-1, two rank-2 PSD solutions). */
static void test_tiny_origin(void) {
  sgema_problem p;
  draw_match(SGEMA_ALG_EMA, 3, 3u, 177u, &p);
  sgema_census_settings s;
  sgema_census_settings_default(&s);
  sgema_census *c = sgema_census_alloc(3, 4);
  sgema_census_result r;
  int st = sgema_census_run(c, &s, &p, 13, 3, 177, &r);
  int by_rank[4] = {0, 0, 0, 0};
  for (int i = 0; st == SGEMA_OK && i < r.n_equilibria; i++)
    if (r.equilibria[i].rank >= 0 && r.equilibria[i].rank <= 3)
      by_rank[r.equilibria[i].rank]++;
  CHECK(st == SGEMA_OK && by_rank[0] == 1 && by_rank[1] == 4 && by_rank[2] == 2 && by_rank[3] == 0,
        "census of a data set with a tiny origin: status %d, ranks 0..3: %d %d %d %d", st,
        by_rank[0], by_rank[1], by_rank[2], by_rank[3]);
  sgema_census_free(c);
}

/* The census of data set (run, trial) of experiments/match.yaml, p, holds the Monte Carlo limit
 * S_mc (A^T A, m x m) as a stable equilibrium of the given rank, and S_mc solves S F(S) = 0. */
static void census_holds(const sgema_problem *p, uint32_t run, uint32_t trial, const double *S_mc,
                         int rank, const char *what) {
  int m = p->m;
  double limit_res = sf_residual(p, S_mc);
  CHECK(limit_res < 1e-12, "the Monte Carlo limit of %s solves S F(S) = 0: %.2e", what, limit_res);
  sgema_census_settings s;
  sgema_census_settings_default(&s);
  sgema_census *c = sgema_census_alloc(m, m + 1);
  sgema_census_result r;
  int st = sgema_census_run(c, &s, p, 13, run, trial, &r);
  int found = 0;
  for (int i = 0; st == SGEMA_OK && i < r.n_equilibria; i++) {
    const sgema_census_equilibrium *e = &r.equilibria[i];
    double d = 0.0, n = 0.0;
    for (int q = 0; q < m * m; q++) {
      d += (e->S[q] - S_mc[q]) * (e->S[q] - S_mc[q]);
      n += S_mc[q] * S_mc[q];
    }
    found += sqrt(d) <= 1e-9 * sqrt(n) && e->rank == rank && e->cls == SGEMA_EQUILIBRIUM_STABLE;
  }
  CHECK(st == SGEMA_OK && found == 1,
        "the census of %s holds its limit as a stable rank-%d equilibrium: status %d, %d found",
        what, rank, st, found);
  sgema_census_free(c);
}

/* A rank-2 equilibrium with eigenvalues 374 and 0.028 (experiments/match.yaml, sg-m3-n4 trial
 * 509): S below is A^T A of that trial's Monte Carlo limit, integrated on to t = 1e6 with f_tol
 * 1e-14 (sgema-trial --input, the limit as initial state): its second singular value stayed at
 * 0.16727584, and S F(S) = 0 holds to rounding (checked here with this file's own arithmetic).
 * The census lost it until s26: the singular end was refined as rank 1, onto a rank-1
 * equilibrium, because 0.028 / 374 < 1e-3. */
static void test_large_rank2(void) {
  static const double S_mc[9] = {62.523042593374676,  124.62232211949932,  -62.765631125321356,
                                 124.62232211949932,  248.5364438383063,   -125.15124885585681,
                                 -62.765631125321356, -125.15124885585681, 63.024262025728397};
  sgema_problem p;
  draw_match(SGEMA_ALG_SG, 3, 2u, 509u, &p);
  census_holds(&p, 2u, 509u, S_mc, 2, "sg-m3-n4 trial 509");
}

/* A stable PD equilibrium with |S| ~ 3.7e6 (experiments/match.yaml, sg-m2-n3 trial 417, Sxx
 * nearly singular): S below is A^T A of that trial's Monte Carlo limit (it stays there to 15 digits
 * when integrated on to t = 1e6). The census lost it until s26: its parameter path's x0 fell below
 * the tracker's early cut at infinity (1e-6 of |X|) past t = 0.99. */
static void test_large_pd(void) {
  static const double S_mc[4] = {1044287.257672498, -1668772.6047082655, -1668772.6047082655,
                                 2666702.3838404487};
  sgema_problem p;
  draw_match(SGEMA_ALG_SG, 2, 0u, 417u, &p);
  census_holds(&p, 0u, 417u, S_mc, 2, "sg-m2-n3 trial 417");
}

/* Whether the own census (own_S, own_rank: n of them) has e at its rank. */
static int in_own_census(const sgema_census_equilibrium *e, const double (*own_S)[16],
                         const int *own_rank, int n) {
  for (int j = 0; j < n; j++) {
    double d = 0.0;
    for (int q = 0; q < 16; q++)
      d += (e->S[q] - own_S[j][q]) * (e->S[q] - own_S[j][q]);
    if (own_rank[j] == e->rank && sqrt(d) <= 1e-7 * (1.0 + tu_norm(e->S, 16)))
      return 1;
  }
  return 0;
}

/* m = 4 SG data sets (seed, run, trials[]) whose censuses with three other streams find only
 * equilibria that solve S F(S) = 0 (this file's arithmetic) and that the census with the run's
 * own stream has, at its rank. Adds the own censuses' resolved jumps to *jumps_resolved. */
static void other_streams_hold(sgema_census *c, const sgema_census_settings *s, uint64_t seed,
                               uint32_t run, const uint32_t *trials, int n_trials,
                               const char *label, long *jumps_resolved) {
  enum { STREAMS = 3, MAX_EQ = 256 };
  static double own_S[MAX_EQ][16];
  static int own_rank[MAX_EQ];
  sgema_sampler *smp = sgema_sampler_alloc(4, 5);
  int missing = 0, checked = 0, failed = 0;
  double worst = 0.0;
  for (int t = 0; t < n_trials; t++) {
    sgema_problem p;
    draw_seeded(smp, SGEMA_ALG_SG, 4, 5, seed, run, trials[t], &p);
    sgema_census_result r;
    failed += sgema_census_run(c, s, &p, seed, run, trials[t], &r) != SGEMA_OK;
    *jumps_resolved += r.jumps_resolved;
    int own = r.n_equilibria < MAX_EQ ? r.n_equilibria : MAX_EQ;
    for (int i = 0; i < own; i++) {
      memcpy(own_S[i], r.equilibria[i].S, sizeof own_S[i]);
      own_rank[i] = r.equilibria[i].rank;
    }
    for (uint32_t k = 1; k <= STREAMS; k++) {
      failed += sgema_census_run(c, s, &p, seed, 1000u + k, trials[t], &r) != SGEMA_OK;
      for (int i = 0; i < r.n_equilibria; i++) {
        const sgema_census_equilibrium *e = &r.equilibria[i];
        if (e->rank > 0) /* the origin is S = 0 exactly */
          worst = fmax(worst, sf_residual(&p, e->S));
        int present = in_own_census(e, (const double(*)[16])own_S, own_rank, own);
        if (!present)
          printf("  data set %u, stream %u: a rank-%d equilibrium (S_11 = %.6g) the own census "
                 "lacks\n",
                 trials[t], 1000u + k, e->rank, e->S[0]);
        missing += !present;
        checked++;
      }
    }
  }
  CHECK(failed == 0 && missing == 0 && worst < 1e-10,
        "m = 4, %s: the %d equilibria of three other streams' censuses (S F(S) = 0 to %.1e) are "
        "all in the own census: %d missing, %d failed",
        label, checked, worst, missing, failed);
  sgema_sampler_free(smp);
}

/* Data sets where the m = 4 census lost a root near its first chart's edge in every pass (s34:
 * sg-m4-n5 data sets 569 and 968 of experiments/census.yaml, a rank-3 and a rank-2 saddle that
 * censuses with other gammas found; docs/CENSUS.md, "Two charts at m = 4"), and one where paths
 * of a pass jump onto another's root and are tracked again (retrack_jumped_paths; data set 3 of
 * sgema-census-bench --m 4 --n 5 --seed 1): the own census has every equilibrium that other
 * streams find, and the jump re-track found roots there. */
static void test_other_streams_m4(sgema_census *c, const sgema_census_settings *s) {
  static const uint32_t shipped[] = {569, 968}, bench[] = {3};
  long jumps_shipped = 0, jumps_bench = 0;
  other_streams_hold(c, s, 13u, 8u, shipped, 2, "sg-m4-n5 data sets 569 and 968", &jumps_shipped);
  other_streams_hold(c, s, 1u, 0u, bench, 1, "bench seed 1 data set 3", &jumps_bench);
  CHECK(jumps_bench > 0,
        "m = 4, bench seed 1 data set 3: pairs of paths on one root tracked again found %ld "
        "missing roots",
        jumps_bench);
}

/* Every path end of a parameter pass, by start index. */
typedef struct {
  sgema_path_end *end;
  double complex *x;
  long n;
} pass_ends;

static void keep_pass_end(void *ctx, sgema_path_end end, const double complex *x, double rcond) {
  (void)rcond;
  pass_ends *l = ctx;
  l->end[l->n] = end;
  if (x)
    memcpy(l->x + l->n * NUMAX, x, sizeof(double complex) * NUMAX);
  l->n++;
}

/* One parameter pass of sys (the census' stream and settings, gamma number `attempt`) from the
 * shipped generic roots, with or without the extended-precision re-track of failed paths; returns
 * its failed paths. */
static long track_pass(sgema_census *c, sgema_tracker *tr, sgema_census_system *sys, uint64_t seed,
                       uint32_t trial, int attempt, int extended, pass_ends *l) {
  sgema_census_params start;
  sgema_census_generic_params(sys->m, &start);
  sgema_par_system ps;
  sgema_census_system_par(sys, &start, &ps);
  if (!extended)
    ps.value_ld = NULL;
  long n = sgema_census_start_roots(c, sys->m, sys->kind);
  double complex *starts = calloc((size_t)n * NUMAX, sizeof *starts);
  for (long j = 0; starts && j < n; j++) {
    double re[NUMAX], im[NUMAX];
    int N = sgema_census_start_root(c, sys->m, sys->kind, j, re, im);
    for (int q = 0; q < N; q++)
      starts[j * NUMAX + q] = re[q] + I * im[q];
  }
  sgema_tracker_settings ts;
  sgema_tracker_settings_default(&ts);
  ts.infinity_early = 0.0;
  /* the step rules before s40's step control, whose passes fail this data set's paths (with the
   * step control two other paths fail, and the re-track ends them at infinity or singular) */
  ts.step_target = 0.0;
  long counts[SGEMA_PATH_COUNT] = {0};
  l->n = 0;
  if (!starts || sgema_tracker_solve_parameter(tr, &ps, &ts, seed, 0, trial, attempt, starts, n,
                                               NUMAX, keep_pass_end, l, counts) != SGEMA_OK)
    l->n = -1;
  free(starts);
  sgema_census_system_at_target(sys);
  return counts[SGEMA_PATH_FAILED];
}

/* Whether x is among the converged ends of l other than path `skip`. */
static int among_converged(const pass_ends *l, const double complex *x, long skip, int N) {
  for (long j = 0; j < l->n; j++)
    if (j != skip && l->end[j] == SGEMA_PATH_CONVERGED &&
        root_distance(x, l->x + j * NUMAX, N) <= 1e-8)
      return 1;
  return 0;
}

/* The extended-precision re-track (homotopy.c, retrack_extended) on paths that need it: the
 * corank-1 system of data set 1 of sgema-census-bench --m 4 --n 5 --seed 1, whose first pass fails
 * 3 of its 424 paths in double even after the careful re-track. With the re-track none fails; the
 * other paths end bit for bit where they did; and a path that only the re-track brings home ends
 * on a regular root of the target (Newton's test on the double system) that no other path of the
 * pass reached and that a pass on another gamma (other arcs) reaches too. */
static void test_extended_retrack(sgema_census *c) {
  enum { CAP = 1024, TRIAL = 1, OTHER_GAMMAS = 2 };
  static sgema_path_end e0[CAP], e1[CAP], e2[OTHER_GAMMAS][CAP];
  static double complex x0[CAP * NUMAX], x1[CAP * NUMAX], x2[OTHER_GAMMAS][CAP * NUMAX];
  sgema_sampler *smp = sgema_sampler_alloc(4, 5);
  sgema_tracker *tr = sgema_tracker_alloc(NUMAX);
  sgema_problem p;
  draw_seeded(smp, SGEMA_ALG_SG, 4, 5, 1u, 0u, TRIAL, &p);
  sgema_census_system sys;
  long failed_double = -1, failed_extended = -1, brought = 0, moved = 0, bad = 0;
  pass_ends d = {e0, x0, -1}, x = {e1, x1, -1};
  pass_ends o[OTHER_GAMMAS] = {{e2[0], x2[0], -1}, {e2[1], x2[1], -1}};
  if (sgema_census_system_init(&sys, &p, SGEMA_CENSUS_CORANK1) == SGEMA_OK) {
    failed_double = track_pass(c, tr, &sys, 1u, TRIAL, 0, 0, &d);
    failed_extended = track_pass(c, tr, &sys, 1u, TRIAL, 0, 1, &x);
    for (int a = 0; a < OTHER_GAMMAS; a++)
      track_pass(c, tr, &sys, 1u, TRIAL, 1 + a, 1, &o[a]);
  }
  sgema_hom_system hs;
  sgema_census_system_hom(&sys, &hs);
  for (long i = 0; d.n > 0 && x.n == d.n && i < d.n; i++) {
    if (d.end[i] != SGEMA_PATH_FAILED) {
      moved += x.end[i] != d.end[i] || (d.end[i] == SGEMA_PATH_CONVERGED &&
                                        root_distance(x0 + i * NUMAX, x1 + i * NUMAX, sys.N) > 0.0);
      continue;
    }
    if (x.end[i] != SGEMA_PATH_CONVERGED)
      continue;
    brought++;
    double complex r[NUMAX];
    memcpy(r, x1 + i * NUMAX, sizeof r);
    int elsewhere = 0;
    for (int a = 0; a < OTHER_GAMMAS; a++)
      elsewhere |= among_converged(&o[a], r, -1, sys.N);
    bad += !sgema_tracker_regular_root(tr, &hs, r, 8, SGEMA_START_ROOT_TOL, SGEMA_START_ROOT_FLOOR,
                                       SGEMA_START_ROOT_RCOND) ||
           among_converged(&x, r, i, sys.N) || !elsewhere;
  }
  CHECK(failed_double > 0 && failed_extended == 0 && moved == 0 && brought > 0 && bad == 0,
        "m = 4 corank-1 pass (bench seed 1, data set 1): %ld of %ld paths failed in double, %ld "
        "with the extended re-track; the %ld it brought home are new regular roots that other arcs "
        "reach (%ld not), the other paths' ends unchanged (%ld moved)",
        failed_double, d.n, failed_extended, brought, bad, moved);
  sgema_tracker_free(tr);
  sgema_sampler_free(smp);
}

/* m = 4, every rank (test census_m4, apart: its start systems take about two minutes): monodromy
 * against total degree for the rank-1 system, and data sets with diagonal statistics, whose
 * equilibria of every rank are products of m = 1 censuses (up to 81). */
static int m4_mode(void) {
  if (sets(10) < 10) {
    printf("census_m4: skipped under SGEMA_CENSUS_QUICK (the plain suite runs it)\n");
    return 0;
  }
  gsl_set_error_handler_off();
  sgema_census_settings s;
  sgema_census_settings_default(&s);
  s.rank_deficient_max_m = 4;
  sgema_census *c = sgema_census_alloc(4, 5);
  test_monodromy(c, 4);
  test_shipped_cover_monodromy(c);
  test_other_streams_m4(c, &s);
  test_extended_retrack(c);
  gsl_rng *g = tu_rng(4712);
  int bad = 0, equilibria = 0, count = 3;
  for (int t = 0; t < count; t++) {
    int found = 0, expect = 0;
    int ok = diagonal_ok(c, &s, g, t, 4, &found, &expect);
    equilibria += found;
    if (!ok)
      printf("  diagonal %d (m = 4): %d equilibria, expected %d\n", t, found, expect);
    bad += !ok;
  }
  CHECK(bad == 0,
        "diagonal statistics, m = 4: the census is the product of the m = 1 censuses (every "
        "rank, %d equilibria): %d of %d wrong",
        equilibria, bad, count);
  gsl_rng_free(g);
  sgema_census_free(c);
  return tu_finish();
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--m4") == 0)
    return m4_mode();
  if (argc > 4 && strcmp(argv[1], "--census") == 0)
    return census_mode(argc, argv);
  if (argc == 4 && strcmp(argv[1], "--phc-generic") == 0)
    return phc_generic_mode(argv[2], atoi(argv[3]));
  if (argc == 5 && strcmp(argv[1], "--phc") == 0)
    return phc_mode(argv[2], atoi(argv[3]), atoi(argv[4]));
  if (argc == 4 && strcmp(argv[1], "--phc-rank1") == 0)
    return phc_rank1_mode(argv[2], atoi(argv[3]));
  gsl_set_error_handler_off();
  sgema_census_settings s;
  sgema_census_settings_default(&s);
  test_jacobians();
  sgema_census *c1 = sgema_census_alloc(1, 2), *c3 = sgema_census_alloc(3, 6);
  test_m1(c1, &s, SGEMA_ALG_SG);
  test_m1(c1, &s, SGEMA_ALG_EMA);
  test_diagonal(c3, &s);
  test_classes(c3, &s, 2, sets(200));
  test_classes(c3, &s, 3, sets(10));
  test_determinism(c3, &s);
  test_parameter_derivative();
  test_generic_roots(c3);
  test_monodromy(c3, 3);
  test_shipped_roots();
  test_parameter_vs_total(c3, 2, sets(240));
  test_rank_one_vs_free(c3, sets(400));
  test_elimination_vs_tracked(c3, sets(400));
  test_corank_vs_free(c3, sets(24));
  test_parameter_vs_total(c3, 3, sets(120));
  test_fresh_workspace(c3, &s);
  test_tiny_origin();
  test_large_rank2();
  test_large_pd();
  sgema_census_free(c1);
  sgema_census_free(c3);
  return tu_finish();
}
