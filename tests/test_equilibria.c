/* The m = 1 equilibria of Prop. 4.11 built from their closed form: the field vanishes there, the
 * full Jacobian's spectrum (gsl_eigen_nonsymm) has mu_i = 2 lambda - |tau| r_i, n - 1 zeros along
 * the sphere and the expected signs, the classifier's reduced spectrum and class agree; the origin
 * is an equilibrium with a negative spectrum. */
#include "sgema/classify.h"
#include "sgema/field.h"
#include "sgema/problem.h"
#include "sgema/settings.h"
#include "test_util.h"

/* (rho, tau, lambda) with Delta = tau^2 - 4 rho lambda > 0, tau of both signs, one near Delta = 0.
 */
static const double params[][3] = {
    {1.385, 0.873, 0.0617}, {2.215, -0.947, 0.0383}, {0.537, -0.611, 0.0921},
    {2.871, 0.455, 0.0137}, {0.213, 0.389, 0.0712},
};
#define NPARAMS (sizeof params / sizeof params[0])

/* Zeros: eigenvalues with |lambda| below this (relative to the Jacobian's scale). */
#define ZERO_TOL 1e-9

static void problem_m1(sgema_problem *p, sgema_alg alg, int n, const double *prm) {
  memset(p, 0, sizeof *p);
  p->alg = alg;
  p->m = 1;
  p->n = n;
  p->Sxx[0] = prm[0];
  p->Syx[0] = prm[1];
  p->lambda = prm[2];
  p->Syy[0] = prm[1] * prm[1] / prm[0] + prm[0];
  p->momentum.kind = SGEMA_MOMENTUM_CONSTANT;
  p->momentum.a0 = 0.83;
  p->time = SGEMA_TIME_FLOW;
}

/* The point on S_i: |a| = r, a random direction, B = sign(tau) a a^T / r, C = a (EMA). */
static void sphere_point(gsl_rng *rng, const sgema_problem *p, double r, double *y) {
  int n = p->n;
  double a[SGEMA_MAX_N], s = p->Syx[0] > 0 ? 1.0 : -1.0;
  tu_gauss(rng, 1.0, a, n);
  double na = tu_norm(a, n);
  for (int i = 0; i < n; i++)
    a[i] *= r / na;
  memset(y, 0, sgema_problem_dim(p) * sizeof(double));
  for (int i = 0; i < n; i++) {
    y[i] = a[i];
    for (int j = 0; j < n; j++)
      y[n + i * n + j] = s * a[i] * a[j] / r;
    if (p->alg == SGEMA_ALG_EMA)
      y[n + n * n + i] = a[i];
  }
}

typedef struct {
  int zeros;          /* eigenvalues with |lambda| < ZERO_TOL scale */
  double max_nonzero; /* largest real part among the others */
  int positive;       /* how many of the others have a positive real part */
  double nearest_mu;  /* distance from mu to the nearest eigenvalue */
  double max_zero;    /* largest |lambda| among the zeros */
} spectrum_summary;

/* Spectrum of the full Jacobian by gsl_eigen_nonsymm; mu may be NAN. */
static spectrum_summary full_spectrum(sgema_field *w, const sgema_problem *p, const double *y,
                                      double mu) {
  static double J[128 * 128], re[128], im[128];
  size_t N = sgema_problem_dim(p);
  sgema_field_jacobian(w, p, 0.0, y, J, NULL);
  double scale = 0.0;
  for (size_t i = 0; i < N * N; i++)
    scale = fmax(scale, fabs(J[i]));
  tu_eigenvalues(N, J, re, im);
  spectrum_summary s = {0, -INFINITY, 0, INFINITY, 0.0};
  for (size_t i = 0; i < N; i++) {
    double mg = hypot(re[i], im[i]);
    if (!isnan(mu))
      s.nearest_mu = fmin(s.nearest_mu, hypot(re[i] - mu, im[i]));
    if (mg < ZERO_TOL * scale) {
      s.zeros++;
      s.max_zero = fmax(s.max_zero, mg);
    } else {
      s.max_nonzero = fmax(s.max_nonzero, re[i]);
      s.positive += re[i] > 0.0;
    }
  }
  return s;
}

static void test_sphere_equilibria(gsl_rng *rng, sgema_alg alg) {
  const char *an = sgema_alg_name(alg);
  sgema_field *w = sgema_field_alloc(1, 4);
  sgema_classifier *cl = sgema_classifier_alloc(1, 4);
  sgema_classification cs;
  sgema_classification_default(&cs);
  static double y[64], f[64];
  for (size_t k = 0; k < NPARAMS; k++)
    for (int n = 2; n <= 4; n++) {
      const double *prm = params[k];
      double rho = prm[0], tau = prm[1], lam = prm[2];
      double delta = tau * tau - 4.0 * rho * lam;
      double r[2] = {(fabs(tau) - sqrt(delta)) / (2.0 * rho),
                     (fabs(tau) + sqrt(delta)) / (2.0 * rho)};
      sgema_problem p;
      problem_m1(&p, alg, n, prm);
      size_t N = sgema_problem_dim(&p);
      for (int sph = 0; sph < 2; sph++) {
        double mu = 2.0 * lam - fabs(tau) * r[sph];
        sphere_point(rng, &p, r[sph], y);
        sgema_field_eval(w, &p, 0.0, y, f);
        double fn = tu_norm(f, N);
        CHECK(fn < 1e-14, "%s n=%d (rho,tau,lambda)=(%g,%g,%g) S%d: |f| = %.2e", an, n, rho, tau,
              lam, sph + 1, fn);
        spectrum_summary s = full_spectrum(w, &p, y, alg == SGEMA_ALG_SG ? mu : NAN);
        if (alg == SGEMA_ALG_SG)
          CHECK(s.nearest_mu < 1e-10 * fmax(1.0, fabs(mu)),
                "sg n=%d (%g,%g,%g) S%d: mu = 2 lambda - |tau| r = %.6g is an eigenvalue (dist "
                "%.2e)",
                n, rho, tau, lam, sph + 1, mu, s.nearest_mu);
        CHECK(s.zeros == n - 1,
              "%s n=%d (%g,%g,%g) S%d: %d zero eigenvalues (expected n-1 = %d; "
              "largest |zero| %.2e)",
              an, n, rho, tau, lam, sph + 1, s.zeros, n - 1, s.max_zero);
        if (sph == 1)
          CHECK(s.positive == 0 && s.max_nonzero < 0.0,
                "%s n=%d (%g,%g,%g) S2: all nonzero eigenvalues negative (max re %.6g)", an, n, rho,
                tau, lam, s.max_nonzero);
        else
          CHECK(s.positive == 1 && s.max_nonzero > 0.0 &&
                    (alg != SGEMA_ALG_SG || fabs(s.max_nonzero - mu) < 1e-10),
                "%s n=%d (%g,%g,%g) S1: exactly one positive eigenvalue, %.6g (SG mu_1 = %.6g)", an,
                n, rho, tau, lam, s.max_nonzero, mu);
        double max_re;
        int zeros;
        int st = sgema_classifier_spectrum(cl, &cs, &p, 0.0, y, &max_re, &zeros);
        CHECK(st == 0 && zeros == n - 1,
              "%s n=%d (%g,%g,%g) S%d: classifier reports %d symmetry zeros (expected %d)", an, n,
              rho, tau, lam, sph + 1, zeros, n - 1);
        /* The reduced spectrum's top is the full spectrum's top nonzero eigenvalue (for SG on S1
         * that is mu_1). */
        double want = alg == SGEMA_ALG_SG && sph == 0 ? mu : s.max_nonzero;
        CHECK(st == 0 && fabs(max_re - want) < 1e-9 * fmax(1.0, fabs(want)) &&
                  (sph == 0 ? max_re > 0.0 : max_re < 0.0),
              "%s n=%d (%g,%g,%g) S%d: classifier max_re %.10g vs %.10g", an, n, rho, tau, lam,
              sph + 1, max_re, want);
        sgema_limit lim;
        st = sgema_classify(cl, &cs, &p, 0.0, y, SGEMA_END_CONVERGED, &lim);
        sgema_class want_cls = sph == 1 ? SGEMA_CLASS_STABLE : SGEMA_CLASS_SADDLE;
        sgema_sphere want_sph = sph == 1 ? SGEMA_SPHERE_S2 : SGEMA_SPHERE_S1;
        CHECK(st == 0 && lim.cls == want_cls && lim.sphere == want_sph && lim.sphere_agrees == 1 &&
                  lim.rank == 1,
              "%s n=%d (%g,%g,%g) S%d: classify -> %s on %s (agrees %d, rank %d)", an, n, rho, tau,
              lam, sph + 1, sgema_class_name(lim.cls), sgema_sphere_name(lim.sphere),
              lim.sphere_agrees, lim.rank);
        CHECK(fabs(lim.r1 - r[0]) <= 1e-14 * r[0] && fabs(lim.r2 - r[1]) <= 1e-14 * r[1] &&
                  fabs(lim.delta - delta) <= 1e-15,
              "%s n=%d (%g,%g,%g): classify's Delta, r1, r2 match Prop. 4.11", an, n, rho, tau,
              lam);
      }
      /* The origin: an equilibrium with every real part negative (SG: the spectrum is -lambda). */
      memset(y, 0, N * sizeof(double));
      sgema_field_eval(w, &p, 0.0, y, f);
      static double J[64 * 64], re[64], im[64];
      sgema_field_jacobian(w, &p, 0.0, y, J, NULL);
      tu_eigenvalues(N, J, re, im);
      double maxre = -INFINITY, dev = 0.0;
      for (size_t i = 0; i < N; i++) {
        maxre = fmax(maxre, re[i]);
        dev = fmax(dev, hypot(re[i] + lam, im[i]));
      }
      CHECK(tu_norm(f, N) == 0.0 && maxre < 0.0 && (alg != SGEMA_ALG_SG || dev < 1e-15),
            "%s n=%d (%g,%g,%g) origin: f = 0, max re %.6g%s", an, n, rho, tau, lam, maxre,
            alg == SGEMA_ALG_SG ? " (all = -lambda)" : "");
      sgema_limit lim;
      int st = sgema_classify(cl, &cs, &p, 0.0, y, SGEMA_END_CONVERGED, &lim);
      CHECK(st == 0 && lim.cls == SGEMA_CLASS_ORIGIN && lim.sphere == SGEMA_SPHERE_NONE,
            "%s n=%d (%g,%g,%g) origin: classify -> %s", an, n, rho, tau, lam,
            sgema_class_name(lim.cls));
    }
  sgema_field_free(w);
  sgema_classifier_free(cl);
}

/* No nonzero equilibrium when Delta < 0: classify reports NaN radii and no sphere. */
static void test_negative_delta(void) {
  sgema_classifier *cl = sgema_classifier_alloc(1, 2);
  sgema_classification cs;
  sgema_classification_default(&cs);
  sgema_problem p;
  const double prm[3] = {2.385, 0.317, 0.0913}; /* Delta = 0.1005 - 0.871 < 0 */
  problem_m1(&p, SGEMA_ALG_SG, 2, prm);
  double y[6] = {0.5, -0.3, 0.1, 0.2, 0.3, 0.4};
  sgema_limit lim;
  int st = sgema_classify(cl, &cs, &p, 0.0, y, SGEMA_END_T_MAX, &lim);
  CHECK(st == 0 && lim.cls == SGEMA_CLASS_NOT_CONVERGED && isnan(lim.r1) && isnan(lim.r2) &&
            lim.delta < 0.0,
        "Delta < 0, end t_max: not_converged, r1 = r2 = NaN (delta %.4g)", lim.delta);
  sgema_classifier_free(cl);
}

/* EMA past the end of the linear schedule (alpha = 1): C is frozen and for a given c the (A, B)
 * field vanishes at |a|^2 = (|tau||c| - lambda)/rho, B = u a^T / |a|, u = tau c / (rho |a| +
 * lambda / |a|), for every direction of a (not only a || c): R = -lambda u / |a|, so
 * B^T R = -lambda a and R a^T + lambda B = 0. The (A, B) block of the Jacobian (GSL eigenvalues)
 * against the classifier's reduced spectrum. */
static void test_frozen_target(gsl_rng *rng) {
  sgema_field *w = sgema_field_alloc(1, 4);
  sgema_classifier *cl = sgema_classifier_alloc(1, 4);
  sgema_classification cs;
  sgema_classification_default(&cs);
  static double y[64], f[64], J[64 * 64], Jab[64 * 64], re[64], im[64];
  const double t = 341.7; /* past T = 300 */
  for (size_t k = 0; k < NPARAMS; k++)
    for (int n = 2; n <= 4; n++) {
      const double *prm = params[k];
      double rho = prm[0], tau = prm[1], lam = prm[2];
      sgema_problem p;
      problem_m1(&p, SGEMA_ALG_EMA, n, prm);
      p.momentum.kind = SGEMA_MOMENTUM_LINEAR;
      p.momentum.a0 = 0.9;
      p.momentum.a1 = 1.0;
      p.momentum.T = 300.0;
      size_t N = sgema_problem_dim(&p), Nab = (size_t)n + (size_t)n * n;
      double a[SGEMA_MAX_N], c[SGEMA_MAX_N];
      tu_gauss(rng, 1.0, a, n);
      tu_gauss(rng, 1.0, c, n);
      /* |c| so that |tau||c| = lambda + rho r^2 with r = 0.7 to 1.9 times the S2 radius */
      double delta = tau * tau - 4.0 * rho * lam;
      double r2 = delta > 0 ? (fabs(tau) + sqrt(delta)) / (2.0 * rho) : 1.0;
      double r = r2 * (0.7 + 1.2 * gsl_rng_uniform(rng)), cn = (lam + rho * r * r) / fabs(tau);
      double na = tu_norm(a, n), nc = tu_norm(c, n);
      for (int i = 0; i < n; i++) {
        a[i] *= r / na;
        c[i] *= cn / nc;
      }
      memset(y, 0, N * sizeof(double));
      double g = tau / (rho * r + lam / r);
      for (int i = 0; i < n; i++) {
        y[i] = a[i];
        for (int j = 0; j < n; j++)
          y[n + i * n + j] = g * c[i] * a[j] / r;
        y[n + n * n + i] = c[i];
      }
      sgema_field_eval(w, &p, t, y, f);
      double fn = tu_norm(f, N);
      sgema_field_jacobian(w, &p, t, y, J, NULL);
      for (size_t i = 0; i < Nab; i++)
        for (size_t j = 0; j < Nab; j++)
          Jab[i * Nab + j] = J[i * N + j];
      tu_eigenvalues(Nab, Jab, re, im);
      double scale = 0.0, top = -INFINITY;
      for (size_t i = 0; i < Nab * Nab; i++)
        scale = fmax(scale, fabs(Jab[i]));
      int zeros = 0;
      for (size_t i = 0; i < Nab; i++) {
        if (hypot(re[i], im[i]) < ZERO_TOL * scale)
          zeros++;
        else
          top = fmax(top, re[i]);
      }
      double max_re;
      int szeros;
      int st = sgema_classifier_spectrum(cl, &cs, &p, t, y, &max_re, &szeros);
      sgema_limit lim;
      st |= sgema_classify(cl, &cs, &p, t, y, SGEMA_END_CONVERGED, &lim);
      sgema_class want = top < 0.0 ? SGEMA_CLASS_STABLE : SGEMA_CLASS_SADDLE;
      CHECK(fn < 1e-13 * fmax(1.0, r * r * r) && st == 0 && zeros == n - 1 && szeros == n - 1 &&
                fabs(max_re - top) < 1e-9 * fmax(1.0, fabs(top)) && lim.cls == want,
            "ema frozen target n=%d (%g,%g,%g) |a| = %.4g: |f| %.2e, GSL: %d zeros, top %.6g; "
            "classifier: %d symmetry zeros, max_re %.6g, %s",
            n, rho, tau, lam, r, fn, zeros, top, szeros, max_re, sgema_class_name(lim.cls));
    }
  sgema_field_free(w);
  sgema_classifier_free(cl);
}

/* A partial limit's A (9 x 8, rank 4: singular values 1.38, 0.92, 0.62, 0.53 and four below
 * 7e-11) on which GSL's one-sided Jacobi SVD misses its tolerance (GSL_ETOL): sweep-m.yaml's
 * ema-m8-n9, seed 1, run 22, trial 8091 ended "failed" with SGEMA_ELINALG in s32's first
 * recomputation. The classifier must still give rank 4 (its Golub-Kahan fallback). */
static void test_rank_hard_svd(void) {
  static const double A[9 * 8] = {
      -0.31006283533668499,  -0.36836645417065123,  0.10548471347326101,    -0.016513778652231671,
      0.55990638703853535,   -0.22593277168555254,  -0.028574391346827273,  0.15638517225670823,
      0.092327832484195682,  -0.11517774215394795,  -0.11924346061693432,   -0.26543819734456076,
      -0.23807542281683416,  0.11708105868292057,   -0.3256736714413489,    0.011817833927014857,
      -0.091685377927159736, 0.25056103457380957,   -0.43423611750155772,   -0.28368917020309492,
      -0.15455901796938082,  0.08766760479652369,   -0.51561132506902618,   0.22708450425678217,
      0.1366538952197105,    -0.22968993702335821,  -0.0095200073878558573, -0.0079588022853138256,
      -0.35364168819871999,  0.092638224696942537,  -0.048824686566542798,  -0.058903716125292244,
      0.19560459904266417,   0.028440469380310834,  0.59183164293312063,    0.026672442166965248,
      0.41909348255108803,   -0.044757724061414275, 0.47898574209238848,    -0.36481669664977345,
      0.25878774661566512,   -0.068296473962844551, 0.35634456401866754,    -0.16910486034599567,
      0.053609019978601416,  0.080415259630266911,  0.1270326093971498,     -0.29003069540251308,
      0.16497704613756264,   -0.10577372611508692,  0.041899006220783325,   -0.041441261326198263,
      -0.26910979639209637,  0.098466994299479499,  -0.01274457926301,      -0.10402039923992837,
      -0.064461560898166487, -0.042985486247538639, 0.015760518806265816,   -0.037796402360666517,
      0.13979050023513392,   -0.042414347077935635, -0.03266095627252201,   0.033803467173276855,
      0.086610951817819956,  0.26497218465928118,   0.13759159701330118,    -0.17317267651517715,
      0.2212830988451433,    0.030226415085038538,  0.014628867696411869,   -0.12054236959388744,
  };
  sgema_problem p;
  memset(&p, 0, sizeof p);
  p.alg = SGEMA_ALG_SG;
  p.m = 8;
  p.n = 9;
  p.lambda = 0.05;
  for (int i = 0; i < 8; i++) {
    p.Sxx[i * 8 + i] = 1.0;
    p.Syx[i * 8 + i] = 0.5;
    p.Syy[i * 8 + i] = 1.25;
  }
  p.time = SGEMA_TIME_FLOW;
  static double y[9 * 8 + 9 * 9]; /* B = 0 */
  memcpy(y, A, sizeof A);
  sgema_classifier *cl = sgema_classifier_alloc(8, 9);
  sgema_classification cs;
  sgema_classification_default(&cs);
  sgema_limit lim;
  int st = sgema_classify(cl, &cs, &p, 0.0, y, SGEMA_END_T_MAX, &lim);
  CHECK(st == 0 && lim.rank == 4, "a rank-4 A where one-sided Jacobi misses its tolerance: rank %d",
        lim.rank);
  sgema_classifier_free(cl);
}

int main(void) {
  gsl_set_error_handler_off();
  gsl_rng *rng = tu_rng(4711);
  test_sphere_equilibria(rng, SGEMA_ALG_SG);
  test_sphere_equilibria(rng, SGEMA_ALG_EMA);
  test_frozen_target(rng);
  test_negative_delta();
  test_rank_hard_svd();
  gsl_rng_free(rng);
  return tu_finish();
}
