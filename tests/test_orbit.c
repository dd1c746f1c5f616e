/* The orbit projector of the large-state classification (src/kernel/classify_orbit.c) against the
 * SVD of the explicit tangent vectors, built here from the group's action (not from the Gram
 * formulas under test), on random states and on states with a known stabiliser. */
#include "classify_orbit.h"
#include "sgema/status.h"
#include "test_util.h"

static const double sym_tol = 1e-6;

/* The tangent of the generator X (n x n, antisymmetric) at (A, B, C): (X A, X B - B X, X C), or
 * with the target frozen (X A, -B X) and, for the second family, (0, Y B). */
static void tangent(const sgema_problem *p, const double *y, const double *X, int frozen,
                    int second, double *t) {
  int m = p->m, n = p->n;
  double *yy = (double *)y;
  const double *A = sgema_state_A(p, yy), *B = sgema_state_B(p, yy), *C = sgema_state_C(p, yy);
  size_t N = sgema_problem_dim_for(frozen ? SGEMA_ALG_SG : p->alg, m, n);
  memset(t, 0, N * sizeof(double));
  double *tA = t, *tB = t + (size_t)n * m, *tC = tB + (size_t)n * n;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double xb = 0.0, bx = 0.0;
      for (int l = 0; l < n; l++) {
        xb += X[i * n + l] * B[l * n + j];
        bx += B[i * n + l] * X[l * n + j];
      }
      tB[i * n + j] = frozen ? (second ? xb : -bx) : xb - bx;
    }
  if (frozen && second)
    return;
  for (int i = 0; i < n; i++)
    for (int k = 0; k < m; k++) {
      double xa = 0.0, xc = 0.0;
      for (int l = 0; l < n; l++) {
        xa += X[i * n + l] * A[l * m + k];
        if (!frozen && p->alg == SGEMA_ALG_EMA)
          xc += X[i * n + l] * C[l * m + k];
      }
      tA[i * m + k] = xa;
      if (!frozen && p->alg == SGEMA_ALG_EMA)
        tC[i * m + k] = xc;
    }
}

/* Columns: the tangents of every E_ij (and, frozen, of P E_ij P with P = I - U U^T, U C's left
 * singular vectors above the tolerance). Returns the rank and leaves an orthonormal basis of the
 * span in Ub (N x rank). */
static size_t reference_basis(const sgema_problem *p, const double *y, int frozen,
                              gsl_matrix **Ub) {
  int m = p->m, n = p->n;
  size_t N = sgema_problem_dim_for(frozen ? SGEMA_ALG_SG : p->alg, m, n);
  size_t K = (size_t)n * (n - 1) / 2 * (frozen ? 2 : 1), q = 0;
  gsl_matrix *T = gsl_matrix_calloc(N, K), *V = gsl_matrix_alloc(K, K);
  gsl_vector *s = gsl_vector_alloc(K);
  double *X = calloc((size_t)n * n, sizeof(double)), *t = malloc(N * sizeof(double));
  double *P = calloc((size_t)n * n, sizeof(double)), *Y = calloc((size_t)n * n, sizeof(double));
  if (frozen) { /* P from C's SVD */
    gsl_matrix *Cm = gsl_matrix_alloc(n, m), *Vc = gsl_matrix_alloc(m, m);
    gsl_vector *sc = gsl_vector_alloc(m);
    const double *C = sgema_state_C(p, (double *)y);
    for (int i = 0; i < n; i++)
      for (int k = 0; k < m; k++)
        gsl_matrix_set(Cm, i, k, C[i * m + k]);
    gsl_linalg_SV_decomp_jacobi(Cm, Vc, sc);
    for (int a = 0; a < n; a++)
      for (int b = 0; b < n; b++) {
        double v = a == b;
        for (int k = 0; k < m; k++)
          if (gsl_vector_get(sc, k) > sym_tol * gsl_vector_get(sc, 0))
            v -= gsl_matrix_get(Cm, a, k) * gsl_matrix_get(Cm, b, k);
        P[a * n + b] = v;
      }
    gsl_matrix_free(Cm), gsl_matrix_free(Vc), gsl_vector_free(sc);
  }
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) {
      memset(X, 0, (size_t)n * n * sizeof(double));
      X[i * n + j] = 1.0;
      X[j * n + i] = -1.0;
      tangent(p, y, X, frozen, 0, t);
      for (size_t r = 0; r < N; r++)
        gsl_matrix_set(T, r, q, t[r]);
      q++;
      if (!frozen)
        continue;
      for (int a = 0; a < n; a++) /* Y = P X P */
        for (int b = 0; b < n; b++) {
          double v = 0.0;
          for (int c = 0; c < n; c++)
            for (int d = 0; d < n; d++)
              v += P[a * n + c] * X[c * n + d] * P[d * n + b];
          Y[a * n + b] = v;
        }
      tangent(p, y, Y, frozen, 1, t);
      for (size_t r = 0; r < N; r++)
        gsl_matrix_set(T, r, q, t[r]);
      q++;
    }
  gsl_linalg_SV_decomp_jacobi(T, V, s);
  double floor_sv = sym_tol * fmax(gsl_vector_get(s, 0), 1.0);
  size_t k = 0;
  while (k < K && gsl_vector_get(s, k) > floor_sv)
    k++;
  *Ub = T;
  gsl_matrix_free(V), gsl_vector_free(s);
  free(X), free(t), free(P), free(Y);
  return k;
}

/* One state: rank and P z against the reference for a few random z. */
static void check_state(orbit_ws *o, gsl_rng *r, const sgema_problem *p, const double *y,
                        int frozen, const char *what, size_t expect_rank) {
  size_t N = sgema_problem_dim_for(frozen ? SGEMA_ALG_SG : p->alg, p->m, p->n), k = 0;
  int st = orbit_factor(o, p, y, frozen, sym_tol, &k);
  gsl_matrix *U = NULL;
  size_t kref = reference_basis(p, y, frozen, &U);
  CHECK(st == SGEMA_OK && k == kref && (expect_rank == 0 || k == expect_rank),
        "%s: orbit dimension %zu, SVD of the explicit tangents %zu (by construction: %s)", what, k,
        kref, expect_rank ? (k == expect_rank ? "the same" : "different") : "not known");
  double *z = malloc(3 * N * sizeof(double)), *pz = z + N, *ref = pz + N, err = 0.0, zn = 0.0;
  for (int trial = 0; trial < 3; trial++) {
    tu_gauss(r, 1.0, z, N);
    orbit_project(o, z, pz);
    for (size_t i = 0; i < N; i++) {
      double v = 0.0;
      for (size_t c = 0; c < kref; c++) {
        double dot = 0.0;
        for (size_t l = 0; l < N; l++)
          dot += gsl_matrix_get(U, l, c) * z[l];
        v += gsl_matrix_get(U, i, c) * dot;
      }
      ref[i] = v;
      err = fmax(err, fabs(v - pz[i]));
      zn = fmax(zn, fabs(z[i]));
    }
  }
  CHECK(err <= 1e-9 * zn, "%s: P z equals U U^T z of the explicit tangents (max diff %.1e)", what,
        err);
  free(z);
  gsl_matrix_free(U);
}

int main(void) {
  gsl_rng *r = tu_rng(12);
  const struct {
    sgema_alg alg;
    int m, n, frozen;
  } cases[] = {{SGEMA_ALG_SG, 1, 3, 0},  {SGEMA_ALG_SG, 2, 5, 0},  {SGEMA_ALG_SG, 4, 8, 0},
               {SGEMA_ALG_EMA, 2, 4, 0}, {SGEMA_ALG_EMA, 3, 6, 0}, {SGEMA_ALG_EMA, 2, 4, 1},
               {SGEMA_ALG_EMA, 3, 7, 1}, {SGEMA_ALG_EMA, 4, 8, 1}};
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    sgema_problem p;
    tu_random_problem(r, cases[c].alg, cases[c].m, cases[c].n, &p);
    int m = p.m, n = p.n, frozen = cases[c].frozen;
    orbit_ws *o = orbit_alloc(m, n);
    size_t N = sgema_problem_dim(&p);
    double *y = malloc(N * sizeof(double));
    char what[96];
    /* A random state: the orbit has full dimension. */
    tu_gauss(r, 1.0, y, N);
    snprintf(what, sizeof what, "%s m=%d n=%d%s random", p.alg == SGEMA_ALG_SG ? "sg" : "ema", m, n,
             frozen ? " frozen" : "");
    check_state(o, r, &p, y, frozen, what, 0);
    /* A stabiliser: A and C zero below row m, B = diag(B1, 2 I): rotations of the last n - m
     * coordinates fix the state, so the unfrozen orbit loses (n - m)(n - m - 1) / 2 dimensions. */
    double *A = sgema_state_A(&p, y), *B = sgema_state_B(&p, y);
    for (int i = m; i < n; i++) {
      for (int k = 0; k < m; k++) {
        A[i * m + k] = 0.0;
        if (p.alg == SGEMA_ALG_EMA)
          sgema_state_C(&p, y)[i * m + k] = 0.0;
      }
      for (int j = 0; j < n; j++)
        B[i * n + j] = B[j * n + i] = i == j ? 2.0 : 0.0;
    }
    size_t K = (size_t)n * (n - 1) / 2, d = (size_t)(n - m);
    snprintf(what, sizeof what, "%s m=%d n=%d%s with a stabiliser",
             p.alg == SGEMA_ALG_SG ? "sg" : "ema", m, n, frozen ? " frozen" : "");
    check_state(o, r, &p, y, frozen, what, frozen ? 0 : K - d * (d - 1) / 2);
    /* Near the origin every tangent is below the absolute threshold: dimension 0. */
    for (size_t i = 0; i < N; i++)
      y[i] *= 1e-9;
    snprintf(what, sizeof what, "%s m=%d n=%d%s near the origin",
             p.alg == SGEMA_ALG_SG ? "sg" : "ema", m, n, frozen ? " frozen" : "");
    size_t k = 99;
    int st = orbit_factor(o, &p, y, frozen, sym_tol, &k);
    CHECK(st == SGEMA_OK && k == 0, "%s: orbit dimension 0 (got %zu)", what, k);
    free(y);
    orbit_free(o);
  }
  gsl_rng_free(r);
  return tu_finish();
}
