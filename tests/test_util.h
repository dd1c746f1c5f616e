/* Shared helpers of the numerical test programs: checks and their tally, deterministic random
 * inputs, and reference computations written independently of the library (GSL matrices, GSL
 * eigenvalues), so that expected values never come from the code under test. */
#ifndef SGEMA_TEST_UTIL_H
#define SGEMA_TEST_UTIL_H

#include "sgema/problem.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- checks ------------------------------------------------------------------------------ */

static int tu_passed, tu_failed;

/* One line per check: "ok   what" or "FAIL file:line: what". */
static inline __attribute__((format(printf, 4, 5))) int tu_check(int ok, const char *file, int line,
                                                                 const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (ok) {
    tu_passed++;
    printf("ok   ");
  } else {
    tu_failed++;
    printf("FAIL %s:%d: ", file, line);
  }
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
  fflush(stdout);
  return ok;
}

#define CHECK(cond, ...) tu_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/* Prints the final tally line and returns the program's exit status. */
static inline int tu_finish(void) {
  printf("%d passed, %d failed\n", tu_passed, tu_failed);
  return tu_failed != 0;
}

static inline double tu_seconds(void) {
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- random inputs ----------------------------------------------------------------------- */

/* A fixed-seed generator independent of the library's Philox streams. */
static inline gsl_rng *tu_rng(unsigned long seed) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  return r;
}

static inline void tu_gauss(gsl_rng *r, double sigma, double *x, size_t len) {
  for (size_t i = 0; i < len; i++)
    x[i] = gsl_ran_gaussian(r, sigma);
}

/* A random orthogonal m x m matrix (row-major): Q of the QR decomposition of a Gaussian matrix. */
static inline void tu_orthogonal(gsl_rng *r, int m, double *Q) {
  gsl_matrix *M = gsl_matrix_alloc(m, m), *Qm = gsl_matrix_alloc(m, m),
             *Rm = gsl_matrix_alloc(m, m);
  gsl_vector *tau = gsl_vector_alloc(m);
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++)
      gsl_matrix_set(M, i, j, gsl_ran_gaussian(r, 1.0));
  gsl_linalg_QR_decomp(M, tau);
  gsl_linalg_QR_unpack(M, tau, Qm, Rm);
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++)
      Q[i * m + j] = gsl_matrix_get(Qm, i, j);
  gsl_matrix_free(M);
  gsl_matrix_free(Qm);
  gsl_matrix_free(Rm);
  gsl_vector_free(tau);
}

/* A random problem: Sxx = Q diag(rho) Q^T (rho in [0.37, 2.71]), Syx Gaussian (sd 0.83),
 * lambda in [0.013, 0.097], Syy = Syx Sxx^{-1} Sxy + Sxx computed here with GSL's LU, constant
 * momentum 0.83. */
static inline void tu_random_problem(gsl_rng *r, sgema_alg alg, int m, int n, sgema_problem *p) {
  memset(p, 0, sizeof *p);
  p->alg = alg;
  p->m = m;
  p->n = n;
  p->lambda = 0.013 + 0.084 * gsl_rng_uniform(r);
  p->momentum.kind = SGEMA_MOMENTUM_CONSTANT;
  p->momentum.a0 = 0.83;
  p->momentum.a1 = 1.0;
  p->momentum.T = 300.0;
  p->time = SGEMA_TIME_FLOW;
  p->mu = p->nu = 0.05;
  double Q[SGEMA_MAX_M * SGEMA_MAX_M], rho[SGEMA_MAX_M];
  tu_orthogonal(r, m, Q);
  for (int i = 0; i < m; i++)
    rho[i] = 0.37 + 2.34 * gsl_rng_uniform(r);
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) {
      double s = 0.0;
      for (int k = 0; k < m; k++)
        s += Q[i * m + k] * rho[k] * Q[j * m + k];
      p->Sxx[i * m + j] = s;
    }
  for (int i = 0; i < m; i++) /* exactly symmetric */
    for (int j = 0; j < i; j++)
      p->Sxx[i * m + j] = p->Sxx[j * m + i];
  tu_gauss(r, 0.83, p->Syx, (size_t)m * m);
  /* Syy = Syx Sxx^{-1} Syx^T + Sxx */
  gsl_matrix *LU = gsl_matrix_alloc(m, m), *X = gsl_matrix_alloc(m, m);
  gsl_permutation *perm = gsl_permutation_alloc(m);
  int sign;
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++)
      gsl_matrix_set(LU, i, j, p->Sxx[i * m + j]);
  gsl_linalg_LU_decomp(LU, perm, &sign);
  gsl_vector *col = gsl_vector_alloc(m);
  for (int j = 0; j < m; j++) { /* X = Sxx^{-1} Syx^T, column j solves Sxx x = (row j of Syx) */
    for (int k = 0; k < m; k++)
      gsl_vector_set(col, k, p->Syx[j * m + k]);
    gsl_linalg_LU_svx(LU, perm, col);
    for (int k = 0; k < m; k++)
      gsl_matrix_set(X, k, j, gsl_vector_get(col, k));
  }
  for (int i = 0; i < m; i++)
    for (int j = 0; j <= i; j++) {
      double s = 0.0;
      for (int k = 0; k < m; k++)
        s += p->Syx[i * m + k] * gsl_matrix_get(X, k, j);
      double v = s + p->Sxx[i * m + j];
      p->Syy[i * m + j] = v;
      p->Syy[j * m + i] = v;
    }
  gsl_vector_free(col);
  gsl_permutation_free(perm);
  gsl_matrix_free(LU);
  gsl_matrix_free(X);
}

/* ---- reference computations -------------------------------------------------------------- */

/* alpha(t) of the momentum schedule, from docs/MODEL.md. */
static inline double tu_alpha(const sgema_momentum *mo, double t) {
  if (mo->kind == SGEMA_MOMENTUM_CONSTANT)
    return mo->a0;
  return mo->a0 + (mo->a1 - mo->a0) * fmin(t / mo->T, 1.0);
}

/* The vector field of docs/MODEL.md (paper Eq. 5) with GSL BLAS on views of the state. */
static inline void tu_ref_field(const sgema_problem *p, double t, const double *y, double *f) {
  int m = p->m, n = p->n;
  size_t nm = (size_t)n * m, nn = (size_t)n * n;
  gsl_matrix_const_view A = gsl_matrix_const_view_array(y, n, m);
  gsl_matrix_const_view B = gsl_matrix_const_view_array(y + nm, n, n);
  gsl_matrix_const_view C =
      p->alg == SGEMA_ALG_EMA ? gsl_matrix_const_view_array(y + nm + nn, n, m) : A;
  gsl_matrix_const_view Sxx = gsl_matrix_const_view_array(p->Sxx, m, m);
  gsl_matrix_const_view Syx = gsl_matrix_const_view_array(p->Syx, m, m);
  gsl_matrix_const_view Syy = gsl_matrix_const_view_array(p->Syy, m, m);
  gsl_matrix *BA = gsl_matrix_alloc(n, m), *R = gsl_matrix_alloc(n, m);
  gsl_matrix_view fA = gsl_matrix_view_array(f, n, m), fB = gsl_matrix_view_array(f + nm, n, n);
  /* R = B A Sxx - C Syx */
  gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &B.matrix, &A.matrix, 0.0, BA);
  gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, BA, &Sxx.matrix, 0.0, R);
  gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1.0, &C.matrix, &Syx.matrix, 1.0, R);
  /* dA = -(B^T R + lambda A) [GD: + A Syy - B A Sxy inside] */
  gsl_matrix_memcpy(&fA.matrix, &A.matrix);
  gsl_matrix_scale(&fA.matrix, p->lambda);
  gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &B.matrix, R, 1.0, &fA.matrix);
  if (p->alg == SGEMA_ALG_GD) {
    gsl_blas_dgemm(CblasNoTrans, CblasTrans, -1.0, BA, &Syx.matrix, 1.0, &fA.matrix);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &A.matrix, &Syy.matrix, 1.0, &fA.matrix);
  }
  gsl_matrix_scale(&fA.matrix, -1.0);
  /* dB = -(R A^T + lambda B) */
  gsl_matrix_memcpy(&fB.matrix, &B.matrix);
  gsl_matrix_scale(&fB.matrix, p->lambda);
  gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, R, &A.matrix, 1.0, &fB.matrix);
  gsl_matrix_scale(&fB.matrix, -1.0);
  if (p->alg == SGEMA_ALG_EMA) {
    double k = 1.0 - tu_alpha(&p->momentum, t);
    for (size_t i = 0; i < nm; i++)
      f[nm + nn + i] = k * (y[i] - y[nm + nn + i]);
  }
  gsl_matrix_free(BA);
  gsl_matrix_free(R);
}

static inline double tu_norm(const double *x, size_t len) {
  double s = 0.0;
  for (size_t i = 0; i < len; i++)
    s += x[i] * x[i];
  return sqrt(s);
}

static inline double tu_dist(const double *x, const double *y, size_t len) {
  double s = 0.0;
  for (size_t i = 0; i < len; i++)
    s += (x[i] - y[i]) * (x[i] - y[i]);
  return sqrt(s);
}

static inline double tu_max_abs_diff(const double *x, const double *y, size_t len) {
  double s = 0.0;
  for (size_t i = 0; i < len; i++)
    s = fmax(s, fabs(x[i] - y[i]));
  return s;
}

/* K = B^T B - A A^T (n x n) with GSL BLAS. */
static inline void tu_imbalance(const sgema_problem *p, const double *y, double *K) {
  int m = p->m, n = p->n;
  gsl_matrix_const_view A = gsl_matrix_const_view_array(y, n, m);
  gsl_matrix_const_view B = gsl_matrix_const_view_array(y + (size_t)n * m, n, n);
  gsl_matrix_view Kv = gsl_matrix_view_array(K, n, n);
  gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &B.matrix, &B.matrix, 0.0, &Kv.matrix);
  gsl_blas_dgemm(CblasNoTrans, CblasTrans, -1.0, &A.matrix, &A.matrix, 1.0, &Kv.matrix);
}

/* Eigenvalues of the N x N row-major matrix J by gsl_eigen_nonsymm (J is not modified). */
static inline int tu_eigenvalues(size_t N, const double *J, double *re, double *im) {
  gsl_matrix *M = gsl_matrix_alloc(N, N);
  gsl_vector_complex *ev = gsl_vector_complex_alloc(N);
  gsl_eigen_nonsymm_workspace *ws = gsl_eigen_nonsymm_alloc(N);
  memcpy(M->data, J, N * N * sizeof(double));
  int st = gsl_eigen_nonsymm(M, ev, ws);
  for (size_t i = 0; i < N; i++) {
    re[i] = GSL_REAL(gsl_vector_complex_get(ev, i));
    im[i] = GSL_IMAG(gsl_vector_complex_get(ev, i));
  }
  gsl_eigen_nonsymm_free(ws);
  gsl_vector_complex_free(ev);
  gsl_matrix_free(M);
  return st;
}

/* Prints quantiles of x[0..len) (sorted in place) on one line. */
static inline void tu_print_distribution(const char *what, double *x, size_t len) {
  if (len == 0) {
    printf("  %s: no values\n", what);
    return;
  }
  gsl_sort(x, 1, len);
  printf("  %s (n=%zu): min %.3g  median %.3g  p90 %.3g  p99 %.3g  max %.3g\n", what, len, x[0],
         x[len / 2], x[(size_t)(0.9 * (double)(len - 1))], x[(size_t)(0.99 * (double)(len - 1))],
         x[len - 1]);
}

#endif
