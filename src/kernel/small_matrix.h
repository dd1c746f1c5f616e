/* Dense products of the small row-major matrices of one trial (private to the library). */
#ifndef SGEMA_SMALL_MATRIX_H
#define SGEMA_SMALL_MATRIX_H

#include <stddef.h>

/* The matrices here are a few rows wide (2 x 1 in the paper's case), where a BLAS call costs more
 * than its arithmetic; these loops let the compiler inline and unroll. Sizes are rows x cols. */

/* Why rows as axpys (C[i][:] += A[i][l] B[l][:], l = 0, 1, ...): each entry still sums its k
 * products from l = 0 upwards, exactly the rounding of a dot product, so results do not depend on
 * the form; but the innermost loop runs over contiguous memory without a reduction, which the
 * compiler vectorises without reassociating anything (a dot product's sum it may not). */

/* C = A B, A: r x k, B: k x c. */
static inline __attribute__((always_inline)) void sm_mul(int r, int k, int c,
                                                         const double *restrict A,
                                                         const double *restrict B,
                                                         double *restrict C) {
  for (int i = 0; i < r; i++) {
    double *restrict ci = C + i * c;
    for (int j = 0; j < c; j++)
      ci[j] = 0.0;
    for (int l = 0; l < k; l++) {
      double a = A[i * k + l];
      const double *restrict bl = B + l * c;
      for (int j = 0; j < c; j++)
        ci[j] += a * bl[j];
    }
  }
}

/* C = A^T B, A: k x r, B: k x c. */
static inline __attribute__((always_inline)) void sm_mul_tn(int r, int k, int c,
                                                            const double *restrict A,
                                                            const double *restrict B,
                                                            double *restrict C) {
  for (int i = 0; i < r; i++) {
    double *restrict ci = C + i * c;
    for (int j = 0; j < c; j++)
      ci[j] = 0.0;
    for (int l = 0; l < k; l++) {
      double a = A[l * r + i];
      const double *restrict bl = B + l * c;
      for (int j = 0; j < c; j++)
        ci[j] += a * bl[j];
    }
  }
}

/* C = A B^T, A: r x k, B: c x k: B transposed once (c k copies), then as sm_mul. */
static inline __attribute__((always_inline)) void sm_mul_nt(int r, int k, int c,
                                                            const double *restrict A,
                                                            const double *restrict B,
                                                            double *restrict C) {
  double Bt[k * c];
  for (int j = 0; j < c; j++)
    for (int l = 0; l < k; l++)
      Bt[l * c + j] = B[j * k + l];
  sm_mul(r, k, c, A, Bt, C);
}

/* Frobenius norm of x - y over len entries. */
static inline double sm_dist(size_t len, const double *x, const double *y) {
  double s = 0.0;
  for (size_t i = 0; i < len; i++)
    s += (x[i] - y[i]) * (x[i] - y[i]);
  return __builtin_sqrt(s);
}

#endif
