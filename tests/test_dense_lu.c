/* The private dense LU of RODAS4 (src/kernel/integrate/dense_lu.h) against gsl_linalg_LU_solve:
 * random matrices of sizes 1..12, matrices that need pivoting, singular or non-finite ones (-1). */
#include "dense_lu.h"
#include "test_util.h"

#define NMAX 12

/* Solves G x = b with dense_lu and with GSL; returns the relative difference of the solutions
 * (or -1 when dense_lu refuses the matrix) and the relative residual of dense_lu's solution. */
static double solve_both(size_t N, const double *G, const double *b, double *residual) {
  double LU[NMAX * NMAX], x[NMAX];
  size_t perm[NMAX];
  memcpy(LU, G, N * N * sizeof(double));
  memcpy(x, b, N * sizeof(double));
  if (dense_lu_factor(N, LU, perm) != 0)
    return -1.0;
  dense_lu_solve(N, LU, perm, x);
  gsl_matrix *M = gsl_matrix_alloc(N, N);
  gsl_vector *bv = gsl_vector_alloc(N), *xv = gsl_vector_alloc(N);
  gsl_permutation *p = gsl_permutation_alloc(N);
  int sign;
  memcpy(M->data, G, N * N * sizeof(double));
  memcpy(bv->data, b, N * sizeof(double));
  gsl_linalg_LU_decomp(M, p, &sign);
  gsl_linalg_LU_solve(M, p, bv, xv);
  double d = tu_dist(x, xv->data, N) / tu_norm(xv->data, N);
  double r = 0.0;
  for (size_t i = 0; i < N; i++) {
    double s = -b[i];
    for (size_t j = 0; j < N; j++)
      s += G[i * N + j] * x[j];
    r += s * s;
  }
  *residual = sqrt(r) / tu_norm(b, N);
  gsl_matrix_free(M);
  gsl_vector_free(bv);
  gsl_vector_free(xv);
  gsl_permutation_free(p);
  return d;
}

/* Did the factorisation pivot at all? */
static int pivots(size_t N, const double *G) {
  double LU[NMAX * NMAX];
  size_t perm[NMAX];
  memcpy(LU, G, N * N * sizeof(double));
  if (dense_lu_factor(N, LU, perm) != 0)
    return 0;
  for (size_t k = 0; k < N; k++)
    if (perm[k] != k)
      return 1;
  return 0;
}

int main(void) {
  gsl_set_error_handler_off();
  gsl_rng *r = tu_rng(1213);
  double G[NMAX * NMAX], b[NMAX];
  for (size_t N = 1; N <= NMAX; N++) {
    double worst = 0.0, worst_res = 0.0;
    int refused = 0, pivoted = 0;
    for (int k = 0; k < 20; k++) {
      tu_gauss(r, 1.37, G, N * N);
      if (k % 4 == 1) /* the Rosenbrock matrix's shape: I / (h gamma) - J */
        for (size_t i = 0; i < N; i++)
          G[i * N + i] += 7.93;
      if (k % 4 == 2 && N > 1) /* zero leading pivot: needs a swap */
        G[0] = 0.0;
      if (k % 4 == 3 && N > 1) { /* rows of an upper triangular U shifted cyclically: G[0][0] = 0 */
        double U[NMAX * NMAX];
        for (size_t i = 0; i < N; i++)
          for (size_t j = 0; j < N; j++)
            U[i * N + j] = j < i ? 0.0 : G[i * N + j] + (j == i ? 2.385 : 0.0);
        for (size_t i = 0; i < N; i++)
          memcpy(G + ((i + 1) % N) * N, U + i * N, N * sizeof(double));
      }
      tu_gauss(r, 0.91, b, N);
      double res, d = solve_both(N, G, b, &res);
      if (d < 0.0) {
        refused++;
        continue;
      }
      pivoted += pivots(N, G);
      worst = fmax(worst, d);
      worst_res = fmax(worst_res, res);
    }
    CHECK(refused == 0 && worst < 1e-10 && worst_res < 1e-12,
          "N=%zu: 20 random systems, |x - x_gsl| / |x_gsl| max %.2e, residual max %.2e (%d "
          "pivoted)",
          N, worst, worst_res, pivoted);
  }
  /* A matrix that cannot be factorised without row exchanges: the anti-diagonal permutation
   * scaled, whose every leading pivot is zero. */
  for (size_t N = 2; N <= NMAX; N += 5) {
    memset(G, 0, sizeof G);
    for (size_t i = 0; i < N; i++)
      G[i * N + (N - 1 - i)] = 1.1 + 0.37 * (double)i;
    for (size_t i = 0; i < N; i++)
      b[i] = 2.385 - 0.5 * (double)i;
    double res, d = solve_both(N, G, b, &res);
    CHECK(d >= 0.0 && d < 1e-14 && res < 1e-15 && pivots(N, G),
          "N=%zu anti-diagonal: pivots, matches GSL (diff %.2e, residual %.2e)", N, d, res);
  }
  /* A pivot that is small but not zero: partial pivoting must choose the large entry below. */
  {
    double S[4] = {1e-18, 1.0, 1.0, 1.0}, bb[2] = {1.0, 2.385}, res;
    double d = solve_both(2, S, bb, &res);
    CHECK(d >= 0.0 && d < 1e-15 && res < 1e-15,
          "[[1e-18, 1], [1, 1]]: matches GSL (diff %.2e, residual %.2e)", d, res);
  }
  /* Singular and non-finite matrices: -1. */
  {
    size_t perm[NMAX];
    double Z[NMAX * NMAX];
    memset(Z, 0, sizeof Z);
    CHECK(dense_lu_factor(1, Z, perm) == -1, "1 x 1 zero matrix: -1");
    memset(Z, 0, sizeof Z);
    CHECK(dense_lu_factor(5, Z, perm) == -1, "5 x 5 zero matrix: -1");
    /* row 2 = 2 row 0 exactly: elimination leaves an exact zero pivot */
    tu_gauss(r, 1.0, Z, 16);
    for (size_t j = 0; j < 4; j++)
      Z[2 * 4 + j] = 2.0 * Z[0 * 4 + j];
    CHECK(dense_lu_factor(4, Z, perm) == -1, "4 x 4 with row 2 = 2 row 0: -1");
    /* a zero column */
    tu_gauss(r, 1.0, Z, 36);
    for (size_t i = 0; i < 6; i++)
      Z[i * 6 + 3] = 0.0;
    CHECK(dense_lu_factor(6, Z, perm) == -1, "6 x 6 with a zero column: -1");
    tu_gauss(r, 1.0, Z, 9);
    Z[4] = NAN;
    CHECK(dense_lu_factor(3, Z, perm) == -1, "3 x 3 with a NaN on the diagonal: -1");
    tu_gauss(r, 1.0, Z, 9);
    Z[0] = INFINITY;
    CHECK(dense_lu_factor(3, Z, perm) == -1, "3 x 3 with an infinite pivot: -1");
  }
  gsl_rng_free(r);
  return tu_finish();
}
