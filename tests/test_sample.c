/* Tests of trial sampling: reproducibility, distributions, conditioning, rotated statistics. */
#include "sgema/problem.h"
#include "sgema/sample.h"
#include "sgema/settings.h"
#include "sgema/status.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int n_passed, n_failed;

#define CHECK(cond, ...)                                                                           \
  do {                                                                                             \
    if (cond) {                                                                                    \
      n_passed++;                                                                                  \
    } else {                                                                                       \
      n_failed++;                                                                                  \
      printf("FAIL %s:%d: ", __FILE__, __LINE__);                                                  \
      printf(__VA_ARGS__);                                                                         \
      printf("\n");                                                                                \
    }                                                                                              \
  } while (0)

/* A statistical check fails only beyond this many standard errors (two-sided p ~ 7e-6). */
#define Z_TOL 4.5
/* sqrt(N) D of the Kolmogorov-Smirnov test: P(K > 2.5) ~ 7.5e-6. */
#define KS_TOL 2.5

#define SEED UINT64_C(0x5EED2385C0FFEE)
#define NTRIALS 20000

static void check_z(const char *what, double est, double expected, double se) {
  double z = (est - expected) / se;
  CHECK(fabs(z) < Z_TOL, "%s: estimate %.6g, expected %.6g, z = %.2f", what, est, expected, z);
}

/* ---- helpers ----------------------------------------------------------------------------- */

static void skeleton(sgema_problem *p, sgema_alg alg, int m, int n) {
  memset(p, 0, sizeof(*p));
  p->alg = alg;
  p->m = m;
  p->n = n;
  p->momentum.kind = SGEMA_MOMENTUM_CONSTANT;
  p->momentum.a0 = 0.9;
  p->time = SGEMA_TIME_FLOW;
}

/* Bitwise equality of the sampled parts of two problems and of two initial states. */
static int same_inputs(const sgema_problem *p, const double *y, const sgema_problem *q,
                       const double *z) {
  size_t mm = sizeof(double) * p->m * p->m;
  return memcmp(&p->lambda, &q->lambda, sizeof(double)) == 0 && memcmp(p->Sxx, q->Sxx, mm) == 0 &&
         memcmp(p->Syx, q->Syx, mm) == 0 && memcmp(p->Syy, q->Syy, mm) == 0 &&
         memcmp(y, z, sizeof(double) * sgema_problem_dim(p)) == 0;
}

typedef struct {
  double sum, sum2, min, max;
  long n;
} moments;

static void moments_add(moments *a, double x) {
  a->min = a->n ? fmin(a->min, x) : x;
  a->max = a->n ? fmax(a->max, x) : x;
  a->sum += x;
  a->sum2 += x * x;
  a->n++;
}
static double moments_mean(const moments *a) {
  return a->sum / a->n;
}
static double moments_var(const moments *a) {
  double mu = moments_mean(a);
  return (a->sum2 - a->n * mu * mu) / (a->n - 1);
}

/* z-tests of mean and variance against a distribution with variance var and 4th central moment
 * mu4. */
static void check_moments(const char *what, const moments *a, double mean, double var, double mu4) {
  char buf[96];
  snprintf(buf, sizeof buf, "%s mean", what);
  check_z(buf, moments_mean(a), mean, sqrt(var / a->n));
  snprintf(buf, sizeof buf, "%s variance", what);
  check_z(buf, moments_var(a), var, sqrt((mu4 - var * var) / a->n));
}

static void check_uniform_moments(const char *what, const moments *a, double lo, double hi) {
  double w = hi - lo;
  check_moments(what, a, 0.5 * (lo + hi), w * w / 12.0, w * w * w * w / 80.0);
}

/* Kolmogorov-Smirnov statistic sqrt(N) D of x (sorted in place) against the cdf F. */
static double ks_stat(double *x, size_t N, double (*F)(double, const double *), const double *par) {
  gsl_sort(x, 1, N);
  double D = 0.0;
  for (size_t i = 0; i < N; i++) {
    double f = F(x[i], par);
    D = fmax(D, fmax((double)(i + 1) / N - f, f - (double)i / N));
  }
  return sqrt((double)N) * D;
}

static double cdf_flat(double x, const double *par) {
  return gsl_cdf_flat_P(x, par[0], par[1]);
}
static double cdf_gauss(double x, const double *par) {
  return gsl_cdf_gaussian_P(x, par[0]);
}

/* Eigenvalues of a symmetric m x m row-major matrix, ascending. */
static void sym_eigenvalues(int m, const double *S, double *ev) {
  double a[SGEMA_MAX_M * SGEMA_MAX_M];
  memcpy(a, S, sizeof(double) * m * m);
  gsl_matrix_view A = gsl_matrix_view_array(a, m, m);
  gsl_vector_view E = gsl_vector_view_array(ev, m);
  gsl_eigen_symm_workspace *w = gsl_eigen_symm_alloc(m);
  gsl_eigen_symm(&A.matrix, &E.vector, w);
  gsl_eigen_symm_free(w);
  gsl_sort(ev, 1, m);
}

/* Singular values of an m x m row-major matrix, ascending. */
static void singular_values(int m, const double *M, double *sv) {
  double a[SGEMA_MAX_M * SGEMA_MAX_M], v[SGEMA_MAX_M * SGEMA_MAX_M], wk[SGEMA_MAX_M];
  memcpy(a, M, sizeof(double) * m * m);
  gsl_matrix_view A = gsl_matrix_view_array(a, m, m), V = gsl_matrix_view_array(v, m, m);
  gsl_vector_view S = gsl_vector_view_array(sv, m), W = gsl_vector_view_array(wk, m);
  gsl_linalg_SV_decomp(&A.matrix, &V.matrix, &S.vector, &W.vector);
  gsl_sort(sv, 1, m);
}

/* max |x_i - y_i| over len entries. */
static double max_diff(const double *x, const double *y, int len) {
  double d = 0.0;
  for (int i = 0; i < len; i++)
    d = fmax(d, fabs(x[i] - y[i]));
  return d;
}

static double det3(const double *a) {
  return a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) +
         a[2] * (a[3] * a[7] - a[4] * a[6]);
}

/* ---- tests ------------------------------------------------------------------------------- */

static void test_names_and_defaults(void) {
  for (int k = SGEMA_STATS_DIAGONAL; k <= SGEMA_STATS_GENERIC; k++)
    CHECK(sgema_stats_parse(sgema_stats_name((sgema_stats_kind)k)) == k, "name round trip %d", k);
  CHECK(strcmp(sgema_stats_name(SGEMA_STATS_COMMUTING), "commuting") == 0, "commuting name");
  CHECK(sgema_stats_parse("Diagonal") == -1 && sgema_stats_parse("") == -1, "unknown names");
  CHECK(strcmp(sgema_stats_name((sgema_stats_kind)7), "unknown") == 0, "name of a bad kind");

  sgema_sampling s;
  sgema_sampling_default(&s);
  CHECK(s.stats == SGEMA_STATS_DIAGONAL && s.rho_lo == 0.0 && s.rho_hi == 3.0 && s.tau_lo == -1.0 &&
            s.tau_hi == 1.0 && s.lambda_lo == 0.01 && s.lambda_hi == 0.1 && s.sigma == 1.0 &&
            !s.condition_delta && s.max_draws == 1000000 && s.target == SGEMA_TARGET_COPY,
        "defaults are the paper's footnote 4");
  CHECK(sgema_sampling_validate(&s, 1) == SGEMA_OK && sgema_sampling_validate(&s, 3) == SGEMA_OK,
        "defaults validate");
}

static void expect_invalid(const sgema_sampling *s, int m, const char *what) {
  CHECK(sgema_sampling_validate(s, m) == SGEMA_EINVAL, "validate accepts %s", what);
}

static void test_validate(void) {
  sgema_sampling d, s;
  sgema_sampling_default(&d);
  double *fields[] = {&s.rho_lo,    &s.rho_hi,    &s.tau_lo, &s.tau_hi,
                      &s.lambda_lo, &s.lambda_hi, &s.sigma};
  for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
    s = d;
    *fields[i] = NAN;
    expect_invalid(&s, 1, "a NaN");
    s = d;
    *fields[i] = INFINITY;
    expect_invalid(&s, 1, "+inf");
    s = d;
    *fields[i] = -INFINITY;
    expect_invalid(&s, 1, "-inf");
  }
  s = d, s.rho_lo = 2.385, s.rho_hi = 1.5;
  expect_invalid(&s, 1, "rho_lo > rho_hi");
  s = d, s.rho_lo = -0.25;
  expect_invalid(&s, 1, "rho_lo < 0");
  s = d, s.rho_hi = 0.0;
  expect_invalid(&s, 1, "rho_hi = 0");
  s = d, s.tau_lo = 0.5, s.tau_hi = -0.5;
  expect_invalid(&s, 1, "tau_lo > tau_hi");
  s = d, s.lambda_lo = 0.0;
  expect_invalid(&s, 1, "lambda_lo = 0");
  s = d, s.lambda_lo = -0.01;
  expect_invalid(&s, 1, "lambda_lo < 0");
  s = d, s.lambda_lo = 0.2;
  expect_invalid(&s, 1, "lambda_lo > lambda_hi");
  s = d, s.sigma = 0.0;
  expect_invalid(&s, 1, "sigma = 0");
  s = d, s.sigma = -1.7;
  expect_invalid(&s, 1, "sigma < 0");
  s = d, s.max_draws = 0;
  expect_invalid(&s, 1, "max_draws = 0");
  s = d, s.condition_delta = 1;
  expect_invalid(&s, 2, "conditioning with m = 2");
  CHECK(sgema_sampling_validate(&s, 1) == SGEMA_OK, "conditioning with m = 1");
  s = d, s.stats = (sgema_stats_kind)3;
  expect_invalid(&s, 1, "an unknown stats kind");
  s = d, s.target = (sgema_target_init)2;
  expect_invalid(&s, 1, "an unknown target");
  s = d, s.rho_lo = s.rho_hi = 1.3, s.tau_lo = s.tau_hi = -0.4, s.lambda_lo = s.lambda_hi = 0.05;
  CHECK(sgema_sampling_validate(&s, 3) == SGEMA_OK, "degenerate intervals are allowed");

  CHECK(sgema_sampler_alloc(0, 2) == NULL && sgema_sampler_alloc(2, 2) == NULL &&
            sgema_sampler_alloc(SGEMA_MAX_M + 1, SGEMA_MAX_N) == NULL &&
            sgema_sampler_alloc(1, SGEMA_MAX_N + 1) == NULL,
        "alloc rejects impossible dimensions");

  /* sgema_sampler_draw validates too, and checks the problem's dimensions against its own. */
  sgema_sampler *smp = sgema_sampler_alloc(1, 2);
  sgema_problem p;
  double y[16];
  long draws = -1;
  skeleton(&p, SGEMA_ALG_SG, 1, 2);
  s = d, s.sigma = -1.0;
  CHECK(sgema_sampler_draw(smp, &s, SEED, 0, 0, &p, y, &draws) == SGEMA_EINVAL, "draw validates");
  skeleton(&p, SGEMA_ALG_SG, 1, 3);
  CHECK(sgema_sampler_draw(smp, &d, SEED, 0, 0, &p, y, &draws) == SGEMA_EDIM, "draw checks n");
  skeleton(&p, (sgema_alg)5, 1, 2);
  CHECK(sgema_sampler_draw(smp, &d, SEED, 0, 0, &p, y, &draws) == SGEMA_EINVAL, "draw checks alg");
  sgema_sampler_free(smp);
  sgema_sampler_free(NULL);
}

/* Same (seed, run, trial) gives bit-identical inputs whatever was drawn before. */
static void check_order_independence(const sgema_sampling *cfg, sgema_alg alg, int m, int n) {
  enum { T = 200 };
  size_t dim = sgema_problem_dim_for(alg, m, n);
  sgema_problem *ref = malloc(sizeof(sgema_problem) * T), p;
  double *yref = malloc(sizeof(double) * dim * T), *y = malloc(sizeof(double) * dim);
  long dref[T], draws;
  sgema_sampler *s1 = sgema_sampler_alloc(m, n), *s2 = sgema_sampler_alloc(m, n);
  int ok = 1;
  for (int t = 0; t < T; t++) {
    skeleton(&ref[t], alg, m, n);
    ok &= sgema_sampler_draw(s1, cfg, SEED, 3, t, &ref[t], yref + t * dim, &dref[t]) == SGEMA_OK;
  }
  CHECK(ok, "forward draws succeed");

  size_t order[T];
  for (int t = 0; t < T; t++)
    order[t] = T - 1 - t;
  int mismatches = 0;
  for (int pass = 0; pass < 2; pass++) {
    if (pass == 1) {
      gsl_rng *shuffler = gsl_rng_alloc(gsl_rng_mt19937);
      gsl_ran_shuffle(shuffler, order, T, sizeof(size_t));
      gsl_rng_free(shuffler);
    }
    for (int k = 0; k < T; k++) {
      size_t t = order[k];
      skeleton(&p, alg, m, n);
      sgema_sampler_draw(s2, cfg, SEED, 3, (uint32_t)t, &p, y, &draws);
      mismatches += !same_inputs(&p, y, &ref[t], yref + t * dim) || draws != dref[t];
      /* Drawing the same trial again with the first sampler, just after another, changes nothing.
       */
      sgema_sampler_draw(s1, cfg, SEED, 3, (uint32_t)t, &p, y, &draws);
      mismatches += !same_inputs(&p, y, &ref[t], yref + t * dim) || draws != dref[t];
    }
  }
  CHECK(mismatches == 0, "%s m = %d: %d redraws differ from the forward draw",
        sgema_stats_name(cfg->stats), m, mismatches);
  sgema_sampler_free(s1);
  sgema_sampler_free(s2);
  free(ref);
  free(yref);
  free(y);
}

static void test_reproducible(void) {
  sgema_sampling c;
  sgema_sampling_default(&c);
  c.condition_delta = 1;
  check_order_independence(&c, SGEMA_ALG_EMA, 1, 2);
  sgema_sampling_default(&c);
  c.stats = SGEMA_STATS_GENERIC;
  c.target = SGEMA_TARGET_INDEPENDENT;
  check_order_independence(&c, SGEMA_ALG_EMA, 3, 5);
  c.stats = SGEMA_STATS_COMMUTING;
  check_order_independence(&c, SGEMA_ALG_SG, 2, 4);
}

/* Changing any one of seed (low or high word), run or trial changes every input. */
static void test_distinct(void) {
  sgema_sampling c;
  sgema_sampling_default(&c);
  c.stats = SGEMA_STATS_GENERIC;
  sgema_sampler *s = sgema_sampler_alloc(2, 3);
  struct {
    uint64_t seed;
    uint32_t run, trial;
  } keys[] = {{SEED, 0, 0}, {SEED + 1, 0, 0}, {SEED ^ (UINT64_C(1) << 40), 0, 0},
              {SEED, 1, 0}, {SEED, 0, 1},     {SEED, 0, 0xFFFFFFFFu},
              {SEED, 1, 1}, {0, 0, 0}};
  enum { K = sizeof(keys) / sizeof(keys[0]) };
  sgema_problem p[K];
  double y[K][16];
  long draws;
  for (int k = 0; k < K; k++) {
    skeleton(&p[k], SGEMA_ALG_SG, 2, 3);
    sgema_sampler_draw(s, &c, keys[k].seed, keys[k].run, keys[k].trial, &p[k], y[k], &draws);
  }
  int same = 0;
  for (int a = 0; a < K; a++)
    for (int b = 0; b < a; b++) {
      same +=
          p[a].lambda == p[b].lambda || p[a].Sxx[1] == p[b].Sxx[1] || p[a].Syx[2] == p[b].Syx[2];
      for (int i = 0; i < 2 * 3 + 3 * 3; i++)
        same += y[a][i] == y[b][i];
    }
  CHECK(same == 0, "%d coincidences between different (seed, run, trial)", same);
  sgema_sampler_free(s);
}

/* m = 1, paper's distribution with sigma = 1.7: moments and KS tests of the marginals, support,
 * independence, and the EMA target modes. */
static void test_moments_and_target(void) {
  const double sigma = 1.7;
  sgema_sampling copy, indep;
  sgema_sampling_default(&copy);
  copy.sigma = sigma;
  indep = copy;
  indep.target = SGEMA_TARGET_INDEPENDENT;
  sgema_sampler *s = sgema_sampler_alloc(1, 2);
  sgema_problem p, q, g;
  double y[8], z[8], w[8];
  long draws;
  moments rho = {0}, tau = {0}, lam = {0}, coord = {0}, ccoord = {0}, rt = {0}, ac = {0};
  double *rhos = malloc(sizeof(double) * NTRIALS), *coords = malloc(sizeof(double) * 6 * NTRIALS);
  int outside = 0, copy_bad = 0, indep_bad = 0, ab_differ = 0, gd_differ = 0, bad_draws = 0;
  for (int t = 0; t < NTRIALS; t++) {
    skeleton(&p, SGEMA_ALG_EMA, 1, 2);
    skeleton(&q, SGEMA_ALG_EMA, 1, 2);
    skeleton(&g, SGEMA_ALG_GD, 1, 2);
    sgema_sampler_draw(s, &copy, SEED, 7, t, &p, y, &draws);
    bad_draws += draws != 1;
    sgema_sampler_draw(s, &indep, SEED, 7, t, &q, z, &draws);
    sgema_sampler_draw(s, &copy, SEED, 7, t, &g, w, &draws);
    double r = p.Sxx[0], ta = p.Syx[0], l = p.lambda;
    outside += !(r > 0.0 && r <= 3.0 && ta >= -1.0 && ta < 1.0 && l >= 0.01 && l < 0.1);
    moments_add(&rho, r);
    moments_add(&tau, ta);
    moments_add(&lam, l);
    moments_add(&rt, (r - 1.5) * ta);
    rhos[t] = r;
    for (int i = 0; i < 6; i++) { /* A (2 x 1) then B (2 x 2) */
      moments_add(&coord, y[i]);
      coords[6 * t + i] = y[i];
    }
    copy_bad += memcmp(y + 6, y, 2 * sizeof(double)) != 0;
    indep_bad += z[6] == z[0] || z[7] == z[1];
    moments_add(&ccoord, z[6]);
    moments_add(&ccoord, z[7]);
    moments_add(&ac, z[0] * z[6]);
    ab_differ += memcmp(y, z, 6 * sizeof(double)) != 0 || !same_inputs(&p, y, &q, y);
    gd_differ += memcmp(y, w, 6 * sizeof(double)) != 0;
  }
  CHECK(outside == 0, "%d trials outside the support", outside);
  /* ... and reach its ends: a miss of 6e-4 of the width has probability e^{-12} per end. */
  CHECK(rho.min < 3.0 * 6e-4 && rho.max > 3.0 * (1.0 - 6e-4), "rho spans [%g, %g]", rho.min,
        rho.max);
  CHECK(tau.min < -1.0 + 2.0 * 6e-4 && tau.max > 1.0 - 2.0 * 6e-4, "tau spans [%g, %g]", tau.min,
        tau.max);
  CHECK(lam.min < 0.01 + 0.09 * 6e-4 && lam.max > 0.1 - 0.09 * 6e-4, "lambda spans [%g, %g]",
        lam.min, lam.max);
  CHECK(bad_draws == 0, "%d unconditioned trials with draws != 1", bad_draws);
  check_uniform_moments("rho", &rho, 0.0, 3.0);
  check_uniform_moments("tau", &tau, -1.0, 1.0);
  check_uniform_moments("lambda", &lam, 0.01, 0.1);
  /* rho and tau independent: E[(rho - 1.5) tau] = 0, with variance 0.75 / 3. */
  check_z("rho-tau covariance", moments_mean(&rt), 0.0, sqrt(0.25 / NTRIALS));
  double s2 = sigma * sigma;
  check_moments("A, B coordinates", &coord, 0.0, s2, 3.0 * s2 * s2);
  check_moments("independent C coordinates", &ccoord, 0.0, s2, 3.0 * s2 * s2);
  check_z("A-C covariance (independent)", moments_mean(&ac), 0.0, sqrt(s2 * s2 / NTRIALS));

  double flat[2] = {0.0, 3.0}, gauss[1] = {sigma};
  double k1 = ks_stat(rhos, NTRIALS, cdf_flat, flat);
  CHECK(k1 < KS_TOL, "KS of rho against U(0, 3): sqrt(N) D = %.3f", k1);
  double k2 = ks_stat(coords, 6 * NTRIALS, cdf_gauss, gauss);
  CHECK(k2 < KS_TOL, "KS of A, B coordinates against N(0, 1.7^2): sqrt(N) D = %.3f", k2);

  CHECK(copy_bad == 0, "%d copy-mode trials with C != A", copy_bad);
  CHECK(indep_bad == 0, "%d independent-mode trials with a coordinate of C equal to A's",
        indep_bad);
  CHECK(ab_differ == 0, "%d trials whose A, B or statistics depend on the target mode", ab_differ);
  CHECK(gd_differ == 0, "%d trials whose A, B depend on the algorithm", gd_differ);
  free(rhos);
  free(coords);
  sgema_sampler_free(s);
}

/* P(Delta >= 0) for rho ~ U(0, 3), |tau| ~ U(0, 1), lambda ~ U(0.01, 0.1), computed here
 * independently: P(|tau| >= 2 sqrt(rho lambda)) integrated over rho in closed form, then over
 * lambda by Simpson's rule on the two pieces either side of the kink at rho* = 3. */
static double rho_integral(double l) {
  double rs = fmin(3.0, 0.25 / l);
  return (rs - 4.0 / 3.0 * sqrt(l) * pow(rs, 1.5)) / 3.0;
}

static double simpson(double (*f)(double), double a, double b, int n) {
  double h = (b - a) / n, s = f(a) + f(b);
  for (int i = 1; i < n; i++)
    s += f(a + i * h) * (i % 2 ? 4.0 : 2.0);
  return s * h / 3.0;
}

static double p_delta_nonneg(void) {
  double kink = 1.0 / 12.0;
  return (simpson(rho_integral, 0.01, kink, 2000) + simpson(rho_integral, kink, 0.1, 2000)) / 0.09;
}

static void test_conditioning(void) {
  sgema_sampling plain, cond;
  sgema_sampling_default(&plain);
  plain.sigma = 1.7;
  cond = plain;
  cond.condition_delta = 1;
  sgema_sampler *s = sgema_sampler_alloc(1, 2);
  sgema_problem p, q;
  double y[8], z[8];
  long draws;
  moments nd = {0};
  long accepted_plain = 0;
  int negative = 0, init_differ = 0, first_differ = 0, failed = 0;
  for (int t = 0; t < NTRIALS; t++) {
    skeleton(&p, SGEMA_ALG_EMA, 1, 2);
    skeleton(&q, SGEMA_ALG_EMA, 1, 2);
    failed += sgema_sampler_draw(s, &cond, SEED, 11, t, &p, y, &draws) != SGEMA_OK;
    moments_add(&nd, (double)draws);
    negative += p.Syx[0] * p.Syx[0] - 4.0 * p.Sxx[0] * p.lambda < 0.0;
    sgema_sampler_draw(s, &plain, SEED, 11, t, &q, z, &(long){0});
    init_differ += memcmp(y, z, sizeof y) != 0;
    int ok = q.Syx[0] * q.Syx[0] - 4.0 * q.Sxx[0] * q.lambda >= 0.0;
    accepted_plain += ok;
    /* An unconditioned draw that passes is the conditioned draw, made at the first attempt. */
    first_differ += ok != (draws == 1) || (ok && !same_inputs(&p, y, &q, z));
  }
  double P = p_delta_nonneg();
  printf("  P(Delta >= 0) = %.6f by quadrature; mean draws %.4f (1/P = %.4f)\n", P,
         moments_mean(&nd), 1.0 / P);
  CHECK(failed == 0, "%d conditioned draws failed", failed);
  CHECK(negative == 0, "%d conditioned trials with Delta < 0", negative);
  CHECK(init_differ == 0, "%d trials whose initial state depends on conditioning", init_differ);
  CHECK(first_differ == 0, "%d trials where conditioning changed an accepted first draw",
        first_differ);
  check_z("fraction with Delta >= 0", (double)accepted_plain / NTRIALS, P,
          sqrt(P * (1.0 - P) / NTRIALS));
  /* draws is geometric with success probability P. */
  check_z("mean number of draws", moments_mean(&nd), 1.0 / P, sqrt((1.0 - P) / (P * P) / NTRIALS));

  /* Budget exhaustion: Delta <= 0.1^2 - 4 * 1 * 0.05 < 0 always. */
  sgema_sampling never = cond;
  never.rho_lo = 1.0, never.rho_hi = 2.0, never.tau_lo = 0.0, never.tau_hi = 0.1;
  never.lambda_lo = 0.05, never.max_draws = 37;
  skeleton(&p, SGEMA_ALG_SG, 1, 2);
  int st = sgema_sampler_draw(s, &never, SEED, 0, 0, &p, y, &draws);
  CHECK(st == SGEMA_ESAMPLE && draws == 37, "exhausted budget: status %d, draws %ld", st, draws);
  /* A budget of one draw fails exactly on the trials that needed more. */
  sgema_sampling one = cond;
  one.max_draws = 1;
  int mismatch = 0;
  for (int t = 0; t < 200; t++) {
    long d_full;
    sgema_sampler_draw(s, &cond, SEED, 11, t, &p, y, &d_full);
    st = sgema_sampler_draw(s, &one, SEED, 11, t, &p, y, &draws);
    mismatch += (st == SGEMA_ESAMPLE) != (d_full > 1);
  }
  CHECK(mismatch == 0, "%d trials where max_draws = 1 disagrees with the draw count", mismatch);
  sgema_sampler_free(s);
}

/* m = 3: the rotated statistics keep the diagonal draw's spectra (so the Q's are orthogonal),
 * Sxx is symmetric positive definite, Syy symmetric PSD, and the scalars and initial state do not
 * depend on the stats kind. */
static void check_rotated(sgema_stats_kind kind) {
  const int m = 3, n = 5, T = 500;
  sgema_sampling dc, rc;
  sgema_sampling_default(&dc);
  rc = dc;
  rc.stats = kind;
  sgema_sampler *s = sgema_sampler_alloc(m, n);
  sgema_problem pd, pr;
  double yd[64], yr[64], rho[3], tau[3], ev[3], sv[3], prod1[9], prod2[9];
  long draws;
  double eig_err = 0.0, sv_err = 0.0, min_sxx = INFINITY, min_syy = INFINITY, comm = 0.0,
         asym = 0.0, min_asym = INFINITY;
  int asymmetric = 0, differ = 0;
  for (int t = 0; t < T; t++) {
    skeleton(&pd, SGEMA_ALG_EMA, m, n);
    skeleton(&pr, SGEMA_ALG_EMA, m, n);
    sgema_sampler_draw(s, &dc, SEED, 13, t, &pd, yd, &draws);
    sgema_sampler_draw(s, &rc, SEED, 13, t, &pr, yr, &draws);
    for (int i = 0; i < m; i++) {
      rho[i] = pd.Sxx[i * m + i];
      tau[i] = fabs(pd.Syx[i * m + i]);
    }
    gsl_sort(rho, 1, m);
    gsl_sort(tau, 1, m);
    differ += pd.lambda != pr.lambda || memcmp(yd, yr, sizeof(double) * sgema_problem_dim(&pd));
    for (int i = 0; i < m; i++)
      for (int j = 0; j < i; j++)
        asymmetric +=
            pr.Sxx[i * m + j] != pr.Sxx[j * m + i] || pr.Syy[i * m + j] != pr.Syy[j * m + i];
    sym_eigenvalues(m, pr.Sxx, ev);
    eig_err = fmax(eig_err, max_diff(ev, rho, m) / rho[m - 1]);
    min_sxx = fmin(min_sxx, ev[0]);
    singular_values(m, pr.Syx, sv);
    sv_err = fmax(sv_err, max_diff(sv, tau, m) / fmax(tau[m - 1], 1e-300));
    sym_eigenvalues(m, pr.Syy, ev);
    min_syy = fmin(min_syy, ev[0] / ev[m - 1]);
    /* Commuting: Syx = Q diag(tau) Q^T commutes with Sxx and is symmetric; generic: neither. */
    gsl_matrix_view X = gsl_matrix_view_array(pr.Sxx, m, m),
                    Y = gsl_matrix_view_array(pr.Syx, m, m);
    gsl_matrix_view P1 = gsl_matrix_view_array(prod1, m, m),
                    P2 = gsl_matrix_view_array(prod2, m, m);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &X.matrix, &Y.matrix, 0.0, &P1.matrix);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &Y.matrix, &X.matrix, 0.0, &P2.matrix);
    double c = max_diff(prod1, prod2, m * m), a = 0.0;
    for (int i = 0; i < m; i++)
      for (int j = 0; j < i; j++)
        a = fmax(a, fabs(pr.Syx[i * m + j] - pr.Syx[j * m + i]));
    comm = fmax(comm, c);
    asym = fmax(asym, a);
    min_asym = fmin(min_asym, fmax(a, c));
  }
  const char *name = sgema_stats_name(kind);
  CHECK(differ == 0, "%s: %d trials whose lambda or initial state differ from diagonal's", name,
        differ);
  CHECK(asymmetric == 0, "%s: %d entries where Sxx or Syy is not exactly symmetric", name,
        asymmetric);
  CHECK(eig_err < 1e-12, "%s: eigenvalues of Sxx differ from rho by %.3g (relative)", name,
        eig_err);
  CHECK(sv_err < 1e-12, "%s: singular values of Syx differ from |tau| by %.3g", name, sv_err);
  CHECK(min_sxx > 0.0, "%s: Sxx not positive definite (eigenvalue %.3g)", name, min_sxx);
  CHECK(min_syy > -1e-12, "%s: Syy not PSD (relative eigenvalue %.3g)", name, min_syy);
  if (kind == SGEMA_STATS_COMMUTING)
    CHECK(comm < 1e-12 && asym < 1e-12, "commuting: [Sxx, Syx] = %.3g, Syx asymmetry %.3g", comm,
          asym);
  else
    CHECK(min_asym > 1e-6, "generic: some trial has Syx symmetric and commuting (%.3g)", min_asym);
  sgema_sampler_free(s);
}

static void test_rotated_commuting(void) {
  check_rotated(SGEMA_STATS_COMMUTING);
}
static void test_rotated_generic(void) {
  check_rotated(SGEMA_STATS_GENERIC);
}

/* Generic with rho = 1.3 and tau = 1 fixed: Sxx = 1.3 Q1 Q1^T = 1.3 I and Syx = Q2 Q3^T, itself
 * orthogonal and, if Q2 is Haar and independent of Q3, Haar. Haar on O(3) has E[O_ij] = 0,
 * E[O_ij^2] = 1/3, E[tr O] = 0, E[(tr O)^2] = 1, and det O = +-1 with probability 1/2 each. The
 * last three fail if the signs of R's diagonal are not fixed. */
static void test_haar(void) {
  const int m = 3, n = 4;
  sgema_sampling c;
  sgema_sampling_default(&c);
  c.stats = SGEMA_STATS_GENERIC;
  c.rho_lo = c.rho_hi = 1.3;
  c.tau_lo = c.tau_hi = 1.0;
  sgema_sampler *s = sgema_sampler_alloc(m, n);
  sgema_problem p;
  double y[64], oto[9], I[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, sI[9];
  for (int i = 0; i < 9; i++)
    sI[i] = 1.3 * I[i];
  long draws;
  double orth_err = 0.0, sxx_err = 0.0;
  moments entry = {0}, entry2 = {0}, tr = {0}, tr2 = {0}, det = {0};
  for (int t = 0; t < NTRIALS; t++) {
    skeleton(&p, SGEMA_ALG_SG, m, n);
    sgema_sampler_draw(s, &c, SEED, 17, t, &p, y, &draws);
    gsl_matrix_view O = gsl_matrix_view_array(p.Syx, m, m), OTO = gsl_matrix_view_array(oto, m, m);
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &O.matrix, &O.matrix, 0.0, &OTO.matrix);
    orth_err = fmax(orth_err, max_diff(oto, I, 9));
    sxx_err = fmax(sxx_err, max_diff(p.Sxx, sI, 9));
    moments_add(&entry, p.Syx[t % 9]); /* one entry per trial: independent samples */
    moments_add(&entry2, p.Syx[t % 9] * p.Syx[t % 9]);
    double trace = p.Syx[0] + p.Syx[4] + p.Syx[8];
    moments_add(&tr, trace);
    moments_add(&tr2, trace * trace);
    moments_add(&det, det3(p.Syx));
  }
  CHECK(orth_err < 1e-12, "Q2 Q3^T not orthogonal: |O^T O - I| = %.3g", orth_err);
  CHECK(sxx_err < 1e-12, "1.3 Q1 Q1^T != 1.3 I: %.3g", sxx_err);
  check_z("Haar E[O_ij]", moments_mean(&entry), 0.0, sqrt(1.0 / 3.0 / NTRIALS));
  /* O_ij^2 ~ Beta(1/2, 1): variance 1/5 - 1/9. */
  check_z("Haar E[O_ij^2]", moments_mean(&entry2), 1.0 / 3.0, sqrt((0.2 - 1.0 / 9.0) / NTRIALS));
  check_z("Haar E[tr O]", moments_mean(&tr), 0.0, sqrt(1.0 / NTRIALS));
  check_z("Haar E[(tr O)^2]", moments_mean(&tr2), 1.0, sqrt(moments_var(&tr2) / NTRIALS));
  check_z("Haar E[det O]", moments_mean(&det), 0.0, sqrt(1.0 / NTRIALS));
  sgema_sampler_free(s);
}

int main(void) {
  struct {
    const char *name;
    void (*run)(void);
  } tests[] = {{"names and defaults", test_names_and_defaults},
               {"validate", test_validate},
               {"reproducible", test_reproducible},
               {"distinct", test_distinct},
               {"moments and target", test_moments_and_target},
               {"conditioning", test_conditioning},
               {"rotated commuting", test_rotated_commuting},
               {"rotated generic", test_rotated_generic},
               {"haar", test_haar}};
  int total_failed = 0;
  for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
    int p0 = n_passed, f0 = n_failed;
    tests[i].run();
    printf("%-20s %d passed, %d failed\n", tests[i].name, n_passed - p0, n_failed - f0);
    total_failed += n_failed - f0;
  }
  printf("sample: %d passed, %d failed\n", n_passed, n_failed);
  return total_failed != 0;
}
