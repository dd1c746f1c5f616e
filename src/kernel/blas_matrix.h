/* Row-major matrix products through the optimised BLAS (OpenBLAS), for the large states. */
#ifndef SGEMA_BLAS_MATRIX_H
#define SGEMA_BLAS_MATRIX_H

#include "small_matrix.h"

/* Why the Fortran symbol: the link keeps GSL on its own CBLAS (src/kernel/CMakeLists.txt), so
 * cblas_dgemm is GSL's reference code; dgemm_ is OpenBLAS's. */
void dgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k,
            const double *alpha, const double *a, const int *lda, const double *b, const int *ldb,
            const double *beta, double *c, const int *ldc);

/* One OpenBLAS thread per process: OpenBLAS would otherwise start one per core in every MPI
 * process, and its threaded kernels split sums by the core count. With one thread a product's
 * bits depend on the CPU's kernel only (the results file's provenance names it). */
void blas_single_thread(void);

/* The BLAS computes C^T = B^T A^T in column-major terms: a row-major r x k matrix is its
 * transpose, column-major with leading dimension k. */

/* C = alpha A B + beta C, A: r x k, B: k x c. */
static inline void bm_gemm_nn(int r, int k, int c, double alpha, const double *A, const double *B,
                              double beta, double *C) {
  dgemm_("N", "N", &c, &r, &k, &alpha, B, &c, A, &k, &beta, C, &c);
}

/* C = alpha A^T B + beta C, A: k x r, B: k x c. */
static inline void bm_gemm_tn(int r, int k, int c, double alpha, const double *A, const double *B,
                              double beta, double *C) {
  dgemm_("N", "T", &c, &r, &k, &alpha, B, &c, A, &r, &beta, C, &c);
}

/* C = alpha A B^T + beta C, A: r x k, B: c x k. */
static inline void bm_gemm_nt(int r, int k, int c, double alpha, const double *A, const double *B,
                              double beta, double *C) {
  dgemm_("T", "N", &c, &r, &k, &alpha, B, &k, A, &k, &beta, C, &c);
}

/* C = A B, A^T B, A B^T: the BLAS when `blas` (a compile-time constant where these are inlined),
 * else the loops of small_matrix.h, whose bits the small states keep. */
static inline __attribute__((always_inline)) void
mat_mul(int blas, int r, int k, int c, const double *A, const double *B, double *C) {
  if (blas)
    bm_gemm_nn(r, k, c, 1.0, A, B, 0.0, C);
  else
    sm_mul(r, k, c, A, B, C);
}

static inline __attribute__((always_inline)) void
mat_mul_tn(int blas, int r, int k, int c, const double *A, const double *B, double *C) {
  if (blas)
    bm_gemm_tn(r, k, c, 1.0, A, B, 0.0, C);
  else
    sm_mul_tn(r, k, c, A, B, C);
}

static inline __attribute__((always_inline)) void
mat_mul_nt(int blas, int r, int k, int c, const double *A, const double *B, double *C) {
  if (blas)
    bm_gemm_nt(r, k, c, 1.0, A, B, 0.0, C);
  else
    sm_mul_nt(r, k, c, A, B, C);
}

#endif
