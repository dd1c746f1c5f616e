/* LU factorisation with partial pivoting of the small dense matrices of a Rosenbrock step. */
#ifndef SGEMA_DENSE_LU_H
#define SGEMA_DENSE_LU_H

#include <math.h>
#include <stddef.h>

/* Why not gsl_linalg_LU_decomp: on the 6 x 6 to 8 x 8 systems of the paper's case, GSL's blocked
 * LU and its BLAS level-2 calls spent more instructions in call overhead than in arithmetic (30% of
 * a whole trial under callgrind). These are the textbook loops (Golub & Van Loan, Alg. 3.4.1),
 * row-major, in place. The tests compare them with GSL's LU on random matrices. */

/* Factorises the N x N matrix G in place; perm[i] is the row swapped with row i at step i. The
 * diagonal keeps the reciprocals of U's pivots, so that the solves multiply: a division on the
 * critical path of every back substitution cost a fifth of a Rosenbrock step.
 * Returns 0, or -1 when a pivot is zero or not finite. */
static inline __attribute__((always_inline)) int dense_lu_factor(size_t N, double *G,
                                                                 size_t *perm) {
  for (size_t k = 0; k < N; k++) {
    size_t piv = k;
    double best = fabs(G[k * N + k]);
    for (size_t i = k + 1; i < N; i++)
      if (fabs(G[i * N + k]) > best) {
        best = fabs(G[i * N + k]);
        piv = i;
      }
    perm[k] = piv;
    if (!(best > 0.0) || !isfinite(best))
      return -1;
    if (piv != k)
      for (size_t j = 0; j < N; j++) {
        double tmp = G[k * N + j];
        G[k * N + j] = G[piv * N + j];
        G[piv * N + j] = tmp;
      }
    double inv = 1.0 / G[k * N + k];
    G[k * N + k] = inv;
    const double *restrict gk = G + k * N;
    for (size_t i = k + 1; i < N; i++) {
      double *restrict gi = G + i * N; /* rows i and k never overlap: the loop vectorises */
      double l = gi[k] * inv;
      gi[k] = l;
      for (size_t j = k + 1; j < N; j++)
        gi[j] -= l * gk[j];
    }
  }
  return 0;
}

/* Solves G x = b in place (x holds b on entry) with the factors of dense_lu_factor. */
static inline __attribute__((always_inline)) void dense_lu_solve(size_t N, const double *G,
                                                                 const size_t *perm, double *x) {
  for (size_t k = 0; k < N; k++)
    if (perm[k] != k) {
      double tmp = x[k];
      x[k] = x[perm[k]];
      x[perm[k]] = tmp;
    }
  for (size_t i = 1; i < N; i++) {
    double s = x[i];
    for (size_t j = 0; j < i; j++)
      s -= G[i * N + j] * x[j];
    x[i] = s;
  }
  for (size_t i = N; i-- > 0;) {
    double s = x[i];
    for (size_t j = i + 1; j < N; j++)
      s -= G[i * N + j] * x[j];
    x[i] = s * G[i * N + i];
  }
}

#endif
