/* The large-state paths: the cvode method (CVODE BDF, matrix-free Newton-Krylov) against GSL's
 * dense msbdf on sampled trials (classes, not-converged share), its invariant drift and order
 * independence; the LAPACK and Arnoldi spectra against GSL's dense eigensolver on sampled limits
 * (m = 2..8) and on the m = 1 sphere equilibria of Prop. 4.11, whose spectra are known; and that
 * GSL keeps its own CBLAS although OpenBLAS is loaded (the dense path's bits). */
#define _GNU_SOURCE
#include "integrate_cvode.h" /* white box: the generic preconditioner solve */
#include "sgema/classify.h"
#include "sgema/field.h"
#include "sgema/trial.h"
#include "test_util.h"

#include <dlfcn.h>
#include <gsl/gsl_cblas.h>

static sgema_settings settings(sgema_alg alg, int m, int n, sgema_method method) {
  sgema_settings s;
  sgema_settings_default(&s);
  s.alg = alg;
  s.m = m;
  s.n = n;
  if (m > 1)
    s.sampling.stats = SGEMA_STATS_GENERIC;
  s.integration.method = method;
  return s;
}

/* ---- GSL's CBLAS ---------------------------------------------------------------------------- */

static void test_gsl_cblas(void) {
  Dl_info info;
  int ok = dladdr((void *)cblas_dnrm2, &info) != 0 && info.dli_fname &&
           strstr(info.dli_fname, "gslcblas") != NULL;
  CHECK(ok, "cblas_dnrm2 (GSL's dense path) comes from libgslcblas, not OpenBLAS (%s)",
        ok ? info.dli_fname : (info.dli_fname ? info.dli_fname : "?"));
}

/* ---- cvode against msbdf -------------------------------------------------------------------- */

static void test_classes(sgema_alg alg, int m, int n, sgema_method method, int trials) {
  sgema_settings sk = settings(alg, m, n, method), sd = settings(alg, m, n, SGEMA_METHOD_MSBDF);
  sgema_trial *tk = sgema_trial_alloc(&sk), *td = sgema_trial_alloc(&sd);
  int agree = 0, nc_k = 0, nc_d = 0, errors = 0;
  double worst_re = 0.0, worst_drift = 0.0, worst_drift_d = 0.0;
  for (int i = 0; i < trials; i++) {
    sgema_record rk, rd;
    errors += sgema_trial_run(tk, 99, 0, (uint32_t)i, &rk, NULL) != 0;
    sgema_class ck = rk.limit.cls;
    double re_k = rk.limit.max_re, drift = rk.verify.invariant_drift;
    errors += sgema_trial_run(td, 99, 0, (uint32_t)i, &rd, NULL) != 0;
    if (isfinite(rd.verify.invariant_drift))
      worst_drift_d = fmax(worst_drift_d, rd.verify.invariant_drift);
    agree += ck == rd.limit.cls;
    nc_k += ck == SGEMA_CLASS_NOT_CONVERGED;
    nc_d += rd.limit.cls == SGEMA_CLASS_NOT_CONVERGED;
    if (ck == rd.limit.cls && ck != SGEMA_CLASS_NOT_CONVERGED)
      worst_re = fmax(worst_re, fabs(re_k - rd.limit.max_re));
    if (alg != SGEMA_ALG_GD && isfinite(drift))
      worst_drift = fmax(worst_drift, drift);
    if (ck != rd.limit.cls)
      printf("  trial %d: %s vs msbdf %s\n", i, sgema_class_name(ck),
             sgema_class_name(rd.limit.cls));
  }
  const char *label = sgema_method_name(method);
  CHECK(errors == 0 && agree >= trials - trials / 200,
        "%s m=%d n=%d: %s and msbdf agree on %d of %d classes (>= 99.5%%)", sgema_alg_name(alg), m,
        n, label, agree, trials);
  CHECK(nc_k <= nc_d, "%s m=%d n=%d: %s not converged %d, msbdf %d", sgema_alg_name(alg), m, n,
        label, nc_k, nc_d);
  /* Both limits are within about f_tol / lambda = 1e-8 of the true one. */
  CHECK(worst_re < 1e-6, "%s m=%d n=%d: %s largest real parts within 1e-6 of msbdf's (max %.2e)",
        sgema_alg_name(alg), m, n, label, worst_re);
  /* For m > 1 both BDF codes leave drifts of 1e-6 to 1e-4 over the window (the e^{2 lambda t}
   * factor of K(t) amplifies their local errors up to 1e3 times); CVODE's WRMS error norm is up
   * to sqrt(N) looser than GSL's at the same tolerances. */
  CHECK(worst_drift < 1e-3 && worst_drift <= 30.0 * worst_drift_d,
        "%s m=%d n=%d: %s invariant drift < 1e-3 and within 30x of msbdf's (max %.2e; msbdf "
        "%.2e)",
        sgema_alg_name(alg), m, n, label, worst_drift, worst_drift_d);
  sgema_trial_free(tk);
  sgema_trial_free(td);
}

/* Trials (seed 1, run 0) whose ends hung on the noise CVODE's error control leaves in |f| at the
 * run's tolerances: EMA m = 4 trial 467 ended partial (rank 3) at t = 4,786 where the dense path
 * finds a stable full-rank limit; with CVODE's step growth from 1.05 and the run's tolerances in
 * the tail, SG m = 8 trials 154, 458 and 787 ended at t_max (integrate_cvode.c, cvode_tail_tol).
 * The hybrid must end where GSL's dense msbdf ends: converged, the same class and rank. */
static void test_tail_case(sgema_alg alg, int m, int n, uint32_t trial) {
  sgema_settings sk = settings(alg, m, n, SGEMA_METHOD_HYBRID),
                 sd = settings(alg, m, n, SGEMA_METHOD_MSBDF);
  sd.classification.spectrum = SGEMA_SPECTRUM_LAPACK;
  sgema_trial *tk = sgema_trial_alloc(&sk), *td = sgema_trial_alloc(&sd);
  sgema_record rk, rd;
  int errors = sgema_trial_run(tk, 1, 0, trial, &rk, NULL) != 0;
  errors += sgema_trial_run(td, 1, 0, trial, &rd, NULL) != 0;
  CHECK(errors == 0 && rk.integ.end == SGEMA_END_CONVERGED && rd.integ.end == SGEMA_END_CONVERGED &&
            rk.limit.cls == rd.limit.cls && rk.limit.rank == rd.limit.rank,
        "%s m=%d n=%d trial %u: hybrid ends %s, %s, rank %d at t = %.0f; msbdf %s, %s, rank %d",
        sgema_alg_name(alg), m, n, (unsigned)trial, sgema_end_name(rk.integ.end),
        sgema_class_name(rk.limit.cls), rk.limit.rank, rk.integ.t_end, sgema_end_name(rd.integ.end),
        sgema_class_name(rd.limit.cls), rd.limit.rank);
  sgema_trial_free(tk);
  sgema_trial_free(td);
}

/* ---- order independence --------------------------------------------------------------------- */

#define NORDER 24

typedef struct {
  double y_end[512];
  sgema_integration_stats integ;
  double max_re;
  int cls;
} snap;

static void take(const sgema_record *r, snap *s) {
  memset(s, 0, sizeof *s);
  memcpy(s->y_end, r->y_end, sgema_problem_dim(&r->problem) * sizeof(double));
  s->integ = r->integ;
  s->max_re = r->limit.max_re;
  s->cls = r->limit.cls;
}

static int same(const snap *a, const snap *b) {
  return memcmp(a->y_end, b->y_end, sizeof a->y_end) == 0 && a->integ.end == b->integ.end &&
         memcmp(&a->integ.t_end, &b->integ.t_end, sizeof(double)) == 0 &&
         a->integ.steps == b->integ.steps && a->integ.rejected == b->integ.rejected &&
         a->integ.rhs_evals == b->integ.rhs_evals && a->integ.jvp_evals == b->integ.jvp_evals &&
         memcmp(&a->max_re, &b->max_re, sizeof(double)) == 0 && a->cls == b->cls;
}

static void test_order(sgema_alg alg, int m, int n, sgema_method method) {
  sgema_settings s = settings(alg, m, n, method);
  sgema_trial *t1 = sgema_trial_alloc(&s), *t2 = sgema_trial_alloc(&s);
  static snap fwd[NORDER];
  sgema_record rec;
  for (uint32_t i = 0; i < NORDER; i++) {
    sgema_trial_run(t1, 4711, 3, i, &rec, NULL);
    take(&rec, &fwd[i]);
  }
  int diff = 0;
  for (uint32_t q = 0; q < NORDER; q++) {
    snap x;
    uint32_t i = (q * 7u + 5u) % NORDER;
    sgema_trial_run(t2, 4711, 3, i, &rec, NULL);
    take(&rec, &x);
    diff += !same(&x, &fwd[i]);
    sgema_trial_run(t1, 4711, 3, NORDER - 1 - i, &rec, NULL);
    take(&rec, &x);
    diff += !same(&x, &fwd[NORDER - 1 - i]);
  }
  CHECK(diff == 0, "%s m=%d n=%d %s: shuffled, fresh and warm workspaces bit-identical (%d differ)",
        sgema_alg_name(alg), m, n, sgema_method_name(method), diff);
  sgema_trial_free(t1);
  sgema_trial_free(t2);
}

/* A trial whose Arnoldi iteration meets a breakdown: ARPACK restarts from a random vector, drawn
 * from a seed ARPACK itself keeps across calls unless the library resets it. Computed after its 14
 * predecessors and in a fresh workspace: the same bits (on the original code the abscissa differed
 * in the last digits, and so did the results file between 1 and 2 processes). */
static void test_arnoldi_history(void) {
  sgema_settings s = settings(SGEMA_ALG_EMA, 8, 16, SGEMA_METHOD_HYBRID);
  sgema_trial *t1 = sgema_trial_alloc(&s), *t2 = sgema_trial_alloc(&s);
  sgema_record rec;
  snap after, fresh;
  for (uint32_t i = 0; i <= 14; i++)
    sgema_trial_run(t1, 3, 1, i, &rec, NULL);
  take(&rec, &after);
  long products = sgema_classifier_last_spectrum(sgema_trial_classifier(t1))->products;
  int used = sgema_classifier_last_spectrum(sgema_trial_classifier(t1))->used;
  sgema_trial_run(t2, 3, 1, 14, &rec, NULL);
  take(&rec, &fresh);
  CHECK(used == SGEMA_SPECTRUM_ARNOLDI && same(&after, &fresh),
        "ema m=8 n=16 seed 3 run 1 trial 14 (arnoldi, %ld products): after 14 trials and fresh, "
        "bit-identical (%.17g, %.17g)",
        products, after.max_re, fresh.max_re);
  sgema_trial_free(t1);
  sgema_trial_free(t2);
}

/* An SG m = 8, n = 16 trial's limit classified by LAPACK and by ARPACK (with its info). */
typedef struct {
  sgema_record r;
  sgema_limit lapack, arnoldi;
  sgema_spectrum_info info; /* ARPACK's classification */
  int status;
} both_spectra;

static void classify_both_m8(uint32_t seed, uint32_t run, uint32_t trial, both_spectra *b) {
  sgema_settings s = settings(SGEMA_ALG_SG, 8, 16, SGEMA_METHOD_HYBRID);
  sgema_trial *t = sgema_trial_alloc(&s);
  sgema_classifier *cl = sgema_classifier_alloc(8, 16), *ca = sgema_classifier_alloc(8, 16);
  sgema_classification sl = s.classification, sa = s.classification;
  sl.spectrum = SGEMA_SPECTRUM_LAPACK;
  sa.spectrum = SGEMA_SPECTRUM_ARNOLDI;
  sgema_record *r = &b->r;
  int st = !t || !cl || !ca || sgema_trial_run(t, seed, run, trial, r, NULL);
  const sgema_problem *p = &r->problem;
  st = st || sgema_classify(cl, &sl, p, r->integ.t_end, r->y_end, r->integ.end, &b->lapack);
  st = st || sgema_classify(ca, &sa, p, r->integ.t_end, r->y_end, r->integ.end, &b->arnoldi);
  if (!st)
    b->info = *sgema_classifier_last_spectrum(ca);
  b->status = st;
  sgema_trial_free(t);
  sgema_classifier_free(cl);
  sgema_classifier_free(ca);
}

/* An SG m = 8 partial limit (rank 5; sweep-m.yaml's seed 1, run 11, trial 1089) where ARPACK,
 * asked for the rightmost eigenvalue only, converged on a complex pair at -0.0599 and missed
 * -lambda = -0.0535, an eigenvalue of multiplicity 55: the abscissa it gives must be LAPACK's, and
 * never left of -lambda. */
static void test_arnoldi_missed_cluster(void) {
  both_spectra b;
  classify_both_m8(1, 11, 1089, &b);
  double lambda = b.r.problem.lambda;
  CHECK(b.status == 0 && b.arnoldi.cls == SGEMA_CLASS_PARTIAL &&
            fabs(b.arnoldi.max_re - b.lapack.max_re) < 1e-6 &&
            fabs(b.lapack.max_re + lambda) < 1e-6 && b.info.used == SGEMA_SPECTRUM_ARNOLDI,
        "sg m=8 n=16 trial 1089: arnoldi's abscissa %.12g (%ld products) is LAPACK's %.12g = "
        "-lambda (%.12g)",
        b.arnoldi.max_re, b.info.products, b.lapack.max_re, -lambda);
}

/* An SG m = 8 partial limit (seed 1, run 0, trial 12; rank 4) on which ARPACK does not converge:
 * it ran 17,557 products (0.31 s) before the dense fallback until s38, and now stops at its
 * budget, N^2 / 32 = 4,608 products for N = 384 (classify.c, arnoldi_budget); the abscissa is
 * LAPACK's, bit for bit, as the fallback computes it. */
static void test_arnoldi_budget(void) {
  both_spectra b;
  classify_both_m8(1, 0, 12, &b);
  CHECK(b.status == 0 && b.arnoldi.cls == SGEMA_CLASS_PARTIAL && b.info.fell_back &&
            b.info.used == SGEMA_SPECTRUM_LAPACK && b.info.products > 0 &&
            b.info.products <= 4608 && b.arnoldi.max_re == b.lapack.max_re,
        "sg m=8 n=16 trial 12: ARPACK stopped at its budget (%ld products of 4,608), the "
        "abscissa %.12g is LAPACK's %.12g",
        b.info.products, b.arnoldi.max_re, b.lapack.max_re);
}

/* ---- spectra: LAPACK and Arnoldi against GSL's dense eigensolver ---------------------------- */

/* On sampled limits: arnoldi (default k) and lapack give the same class and abscissae within 1e-6;
 * GSL's dense path agrees with them wherever it finds the same orbit dimension. (It does not
 * always: on frozen-target EMA limits GSL's one-sided Jacobi SVD of the tangents leaves singular
 * values of 1e-3..1e-6 where LAPACK's dgesvd and NumPy find 1e-11, and so removes too many
 * directions; docs/NUMERICS.md.) */
static void test_spectra(sgema_alg alg, int m, int n, int trials) {
  sgema_settings s = settings(alg, m, n, SGEMA_METHOD_HYBRID);
  sgema_trial *t = sgema_trial_alloc(&s);
  sgema_classifier *cd = sgema_classifier_alloc(m, n), *cl = sgema_classifier_alloc(m, n),
                   *ca = sgema_classifier_alloc(m, n);
  sgema_classification sd = s.classification, sl = s.classification, sa = s.classification;
  sd.spectrum = SGEMA_SPECTRUM_DENSE;
  sl.spectrum = SGEMA_SPECTRUM_LAPACK;
  sa.spectrum = SGEMA_SPECTRUM_ARNOLDI;
  int same_cls = 0, compared = 0, converged = 0, errors = 0, gsl_same = 0, gsl_compared = 0;
  double worst_a = 0.0, worst_g = 0.0, worst_est = 0.0, below = -INFINITY;
  for (int i = 0; i < trials; i++) {
    sgema_record r;
    if (sgema_trial_run(t, 7, 1, (uint32_t)i, &r, NULL) != 0 || r.integ.end != SGEMA_END_CONVERGED)
      continue;
    sgema_limit ld, ll, la;
    const sgema_problem *p = &r.problem;
    errors += sgema_classify(cd, &sd, p, r.integ.t_end, r.y_end, r.integ.end, &ld);
    errors += sgema_classify(cl, &sl, p, r.integ.t_end, r.y_end, r.integ.end, &ll);
    errors += sgema_classify(ca, &sa, p, r.integ.t_end, r.y_end, r.integ.end, &la);
    const sgema_spectrum_info *in = sgema_classifier_last_spectrum(ca);
    compared++;
    /* -lambda is an eigenvalue off the orbit at every state (docs/NUMERICS.md): the abscissa
     * is never left of it, whichever solver computed it. */
    below = fmax(below, -p->lambda - fmin(fmin(ld.max_re, ll.max_re), la.max_re));
    same_cls += ll.cls == la.cls && ll.symmetry_zeros == la.symmetry_zeros;
    worst_a = fmax(worst_a, fabs(ll.max_re - la.max_re));
    converged += !in->fell_back;
    if (!in->fell_back)
      worst_est = fmax(worst_est, in->error);
    if (ld.symmetry_zeros == ll.symmetry_zeros) {
      gsl_compared++;
      gsl_same += ld.cls == ll.cls;
      worst_g = fmax(worst_g, fabs(ld.max_re - ll.max_re));
    }
  }
  /* ARPACK itself must have answered (a fallback on every limit would compare LAPACK with
   * itself: s38's product budget did so at m = 2 before its floor) */
  CHECK(errors == 0 && compared > 0 && same_cls == compared && worst_a < 1e-6 &&
            converged == compared,
        "%s m=%d n=%d: %d limits, arnoldi and lapack same class and orbit dimension on %d, "
        "abscissae within 1e-6 (max %.1e; arnoldi converged on %d, max Ritz estimate %.1e)",
        sgema_alg_name(alg), m, n, compared, same_cls, worst_a, converged, worst_est);
  CHECK(below < 1e-6, "%s m=%d n=%d: no abscissa left of -lambda (furthest %.1e)",
        sgema_alg_name(alg), m, n, below);
  CHECK(gsl_same == gsl_compared && worst_g < 1e-6,
        "%s m=%d n=%d: GSL's dense path agrees (class, abscissa within 1e-6, max %.1e) on the %d "
        "limits where its orbit dimension is LAPACK's (%d others)",
        sgema_alg_name(alg), m, n, worst_g, gsl_compared, compared - gsl_compared);
  sgema_trial_free(t);
  sgema_classifier_free(cd);
  sgema_classifier_free(cl);
  sgema_classifier_free(ca);
}

/* The m = 1 sphere equilibria (docs/MODEL.md, Prop. 4.11): a = r u, B = sign(tau) a a^T / r,
 * C = a. On S1 the one positive eigenvalue is mu_1 = 2 lambda - |tau| r_1 (SG); the reference for
 * the others is GSL's eigensolver on the full Jacobian in this test (n - 1 symmetry zeros). */
static void test_sphere(sgema_alg alg, int n) {
  const double rho = 1.385, tau = 0.873, lam = 0.0617;
  double delta = tau * tau - 4.0 * rho * lam;
  double r[2] = {(tau - sqrt(delta)) / (2.0 * rho), (tau + sqrt(delta)) / (2.0 * rho)};
  sgema_problem p;
  memset(&p, 0, sizeof p);
  p.alg = alg;
  p.m = 1;
  p.n = n;
  p.Sxx[0] = rho;
  p.Syx[0] = tau;
  p.Syy[0] = tau * tau / rho + rho;
  p.lambda = lam;
  p.momentum.kind = SGEMA_MOMENTUM_CONSTANT;
  p.momentum.a0 = 0.83;
  p.time = SGEMA_TIME_FLOW;
  size_t N = sgema_problem_dim(&p);
  double *y = calloc(N, sizeof(double)), *J = malloc(N * N * sizeof(double)),
         *re = malloc(N * sizeof(double)), *im = malloc(N * sizeof(double));
  sgema_field *w = sgema_field_alloc(1, n);
  sgema_classifier *ca = sgema_classifier_alloc(1, n);
  sgema_classification cs;
  sgema_classification_default(&cs);
  cs.spectrum = SGEMA_SPECTRUM_ARNOLDI;
  cs.eigenvalues = 2;
  for (int sph = 0; sph < 2; sph++) {
    memset(y, 0, N * sizeof(double));
    for (int i = 0; i < n; i++) { /* u = (1, 2, ..., n) / |.| */
      double u = (i + 1) / sqrt(n * (n + 1.0) * (2 * n + 1.0) / 6.0);
      y[i] = r[sph] * u;
      if (alg == SGEMA_ALG_EMA)
        y[n + n * n + i] = r[sph] * u;
    }
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++)
        y[n + i * n + j] = y[i] * y[j] / r[sph];
    sgema_field_jacobian(w, &p, 0.0, y, J, NULL);
    tu_eigenvalues(N, J, re, im);
    double scale = 0.0, want = -INFINITY;
    for (size_t i = 0; i < N * N; i++)
      scale = fmax(scale, fabs(J[i]));
    for (size_t i = 0; i < N; i++)
      if (hypot(re[i], im[i]) >= 1e-9 * scale)
        want = fmax(want, re[i]);
    if (alg == SGEMA_ALG_SG && sph == 0)
      want = 2.0 * lam - tau * r[0];
    sgema_limit lim;
    int st = sgema_classify(ca, &cs, &p, 0.0, y, SGEMA_END_CONVERGED, &lim);
    const sgema_spectrum_info *in = sgema_classifier_last_spectrum(ca);
    CHECK(st == 0 && !in->fell_back && in->used == SGEMA_SPECTRUM_ARNOLDI &&
              fabs(lim.max_re - want) < 1e-9 * fmax(1.0, fabs(want)) &&
              lim.symmetry_zeros == n - 1 &&
              lim.cls == (sph ? SGEMA_CLASS_STABLE : SGEMA_CLASS_SADDLE) && in->error < 1e-8,
          "%s m=1 n=%d S%d (N=%zu): arnoldi abscissa %.12g vs %.12g (%ld products, Ritz estimate "
          "%.1e), %d symmetry zeros, %s",
          sgema_alg_name(alg), n, sph + 1, N, lim.max_re, want, in->products, in->error,
          lim.symmetry_zeros, sgema_class_name(lim.cls));
    /* Every solver keeps the k = 2 rightmost (descending real parts): GSL's and LAPACK's dense
     * eigensolvers find ARPACK's two. */
    double kr[2] = {in->re[0], in->re[1]};
    int k_arnoldi = in->k;
    for (int solver = SGEMA_SPECTRUM_DENSE; solver <= SGEMA_SPECTRUM_LAPACK; solver++) {
      sgema_classification cd = cs;
      cd.spectrum = (sgema_spectrum_solver)solver;
      sgema_limit ld;
      st = sgema_classify(ca, &cd, &p, 0.0, y, SGEMA_END_CONVERGED, &ld);
      in = sgema_classifier_last_spectrum(ca);
      CHECK(st == 0 && k_arnoldi == 2 && in->k == 2 && (int)in->used == solver &&
                in->re[0] == ld.max_re && in->re[0] >= in->re[1] &&
                fabs(in->re[0] - kr[0]) < 1e-9 * fmax(1.0, fabs(kr[0])) &&
                fabs(in->re[1] - kr[1]) < 1e-9 * fmax(1.0, fabs(kr[1])),
            "%s m=1 n=%d S%d: %s's two rightmost %.12g, %.12g vs arnoldi's %.12g, %.12g",
            sgema_alg_name(alg), n, sph + 1, sgema_spectrum_name(in->used), in->re[0], in->re[1],
            kr[0], kr[1]);
    }
  }
  free(y);
  free(J);
  free(re);
  free(im);
  sgema_field_free(w);
  sgema_classifier_free(ca);
}

/* CVODE refuses a first step on a segment within rounding of t: the trial still ends at the
 * horizon, as with the other methods. */
static void test_tiny_horizon(void) {
  sgema_settings s = settings(SGEMA_ALG_EMA, 2, 4, SGEMA_METHOD_CVODE);
  s.integration.t_max = 1e-300;
  sgema_trial *t = sgema_trial_alloc(&s);
  sgema_record r;
  int st = sgema_trial_run(t, 1, 0, 0, &r, NULL);
  CHECK(st == 0 && r.integ.end == SGEMA_END_T_MAX && r.integ.t_end == 1e-300 &&
            r.limit.cls == SGEMA_CLASS_NOT_CONVERGED,
        "cvode, t_max = 1e-300: end %s at t = %g, %s", sgema_end_name(r.integ.end), r.integ.t_end,
        sgema_class_name(r.limit.cls));
  sgema_trial_free(t);
}

/* The preconditioner's compile-time-size solves (kernel_sizes.h) against the generic one, which
 * runs the same loops with run-time sizes: the same trials must give the same bits. */
static void test_sized_solves(sgema_alg alg, int m, int n) {
  sgema_settings s = settings(alg, m, n, SGEMA_METHOD_HYBRID);
  sgema_record rec;
  int diff = 0;
  sgema_trial *sized = sgema_trial_alloc(&s), *generic = sgema_trial_alloc(&s);
  for (uint32_t i = 0; i < 3; i++) {
    snap a, b;
    sgema_trial_run(sized, 4711, 5, i, &rec, NULL);
    take(&rec, &a);
    cvode_use_generic_solves(1); /* the solve is chosen as a trial's integration starts */
    sgema_trial_run(generic, 4711, 5, i, &rec, NULL);
    cvode_use_generic_solves(0);
    take(&rec, &b);
    diff += !same(&a, &b);
  }
  sgema_trial_free(sized);
  sgema_trial_free(generic);
  CHECK(diff == 0,
        "%s m=%d n=%d: sized and generic preconditioner solves bit-identical (%d of 3 "
        "trials differ)",
        sgema_alg_name(alg), m, n, diff);
}

int main(void) {
  test_gsl_cblas();
  test_tiny_horizon();
  test_sphere(SGEMA_ALG_SG, 10);
  test_sphere(SGEMA_ALG_EMA, 12);
  test_order(SGEMA_ALG_SG, 2, 4, SGEMA_METHOD_CVODE);
  test_order(SGEMA_ALG_EMA, 4, 8, SGEMA_METHOD_HYBRID);
  test_arnoldi_history();
  test_arnoldi_missed_cluster();
  test_arnoldi_budget();
  test_sized_solves(SGEMA_ALG_SG, 4, 8);
  test_sized_solves(SGEMA_ALG_EMA, 3, 6);
  test_classes(SGEMA_ALG_SG, 2, 4, SGEMA_METHOD_CVODE, 200);
  test_classes(SGEMA_ALG_EMA, 2, 4, SGEMA_METHOD_CVODE, 200);
  test_tail_case(SGEMA_ALG_EMA, 4, 8, 467);
  test_tail_case(SGEMA_ALG_SG, 8, 16, 154);
  test_tail_case(SGEMA_ALG_SG, 8, 16, 458);
  test_tail_case(SGEMA_ALG_SG, 8, 16, 787);
  test_classes(SGEMA_ALG_SG, 4, 8, SGEMA_METHOD_HYBRID, 60);
  test_classes(SGEMA_ALG_EMA, 4, 8, SGEMA_METHOD_HYBRID, 40);
  for (int m = 2; m <= 8; m++)
    for (int a = 0; a < 2; a++)
      test_spectra(a ? SGEMA_ALG_EMA : SGEMA_ALG_SG, m, 2 * m, m <= 4 ? 16 : m <= 6 ? 5 : 3);
  return tu_finish();
}
