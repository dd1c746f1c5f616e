/* Dense products of the small row-major matrices of one trial (private to the library). */
#ifndef SGEMA_SMALL_MATRIX_H
#define SGEMA_SMALL_MATRIX_H

#include <stddef.h>

/* The matrices here are a few rows wide (2 x 1 in the paper's case), where a BLAS call costs more
 * than its arithmetic; these loops let the compiler inline and unroll. Sizes are rows x cols. */

/* C = A B, A: r x k, B: k x c. */
static inline __attribute__((always_inline)) void sm_mul(int r, int k, int c,
                                                         const double *restrict A,
                                                         const double *restrict B,
                                                         double *restrict C) {
  for (int i = 0; i < r; i++)
    for (int j = 0; j < c; j++) {
      double s = 0.0;
      for (int l = 0; l < k; l++)
        s += A[i * k + l] * B[l * c + j];
      C[i * c + j] = s;
    }
}

/* C = A^T B, A: k x r, B: k x c. */
static inline __attribute__((always_inline)) void sm_mul_tn(int r, int k, int c,
                                                            const double *restrict A,
                                                            const double *restrict B,
                                                            double *restrict C) {
  for (int i = 0; i < r; i++)
    for (int j = 0; j < c; j++) {
      double s = 0.0;
      for (int l = 0; l < k; l++)
        s += A[l * r + i] * B[l * c + j];
      C[i * c + j] = s;
    }
}

/* C = A B^T, A: r x k, B: c x k. */
static inline __attribute__((always_inline)) void sm_mul_nt(int r, int k, int c,
                                                            const double *restrict A,
                                                            const double *restrict B,
                                                            double *restrict C) {
  for (int i = 0; i < r; i++)
    for (int j = 0; j < c; j++) {
      double s = 0.0;
      for (int l = 0; l < k; l++)
        s += A[i * k + l] * B[j * k + l];
      C[i * c + j] = s;
    }
}

/* Frobenius norm of x - y over len entries. */
static inline double sm_dist(size_t len, const double *x, const double *y) {
  double s = 0.0;
  for (size_t i = 0; i < len; i++)
    s += (x[i] - y[i]) * (x[i] - y[i]);
  return __builtin_sqrt(s);
}

#endif
