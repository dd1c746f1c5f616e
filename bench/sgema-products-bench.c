/* The field's matrix products: the loops of small_matrix.h against the optimised BLAS, per size. */
#define _POSIX_C_SOURCE 200809L
#include "blas_matrix.h"
#include "kernel_sizes.h"
#include "simd_clones.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Why this exists: SGEMA_BLAS_MIN_M (kernel_sizes.h) decides from which m the large states
 * multiply through the BLAS; this prints the two side by side for the product that dominates the
 * field, B (n x n) times P (n x m), so that the threshold can be re-measured on another CPU.
 * One core (blas_single_thread); repetitions sized to about 0.2 s per measurement. */

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Full 53-bit entries in [-0.5, 0.5): with fewer bits the products are exact and the BLAS's fused
 * multiply-adds would round like the loops. */
static double uniform(void) {
  static unsigned long long x = 0x9E3779B97F4A7C15ull;
  x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
  return (double)((x * 2685821657736338717ull) >> 11) / 9007199254740992.0 - 0.5;
}

/* The loops as the field compiles them (an AVX2 copy chosen at load time). */
SGEMA_CLONES __attribute__((noinline)) static void loops(int r, int k, int c, const double *A,
                                                         const double *B, double *C) {
  sm_mul(r, k, c, A, B, C);
}

__attribute__((noinline)) static void blas(int r, int k, int c, const double *A, const double *B,
                                           double *C) {
  bm_gemm_nn(r, k, c, 1.0, A, B, 0.0, C);
}

static double seconds_per_call(void (*f)(int, int, int, const double *, const double *, double *),
                               int n, int m, const double *A, const double *B, double *C) {
  long reps = 1;
  for (;;) {
    double t0 = now();
    for (long i = 0; i < reps; i++)
      f(n, n, m, A, B, C);
    double dt = now() - t0;
    if (dt > 0.2)
      return dt / (double)reps;
    reps *= 2;
  }
}

int main(void) {
  static const int sizes[][2] = {{4, 8},   {8, 16},  {12, 13}, {12, 24}, {16, 17},
                                 {16, 32}, {24, 48}, {32, 64}, {64, 128}};
  blas_single_thread();
  printf("B (n x n) P (n x m), one core; the BLAS from m = %d on (kernel_sizes.h)\n",
         SGEMA_BLAS_MIN_M);
  printf("%4s %4s %12s %12s %8s %12s\n", "m", "n", "loops GF/s", "BLAS GF/s", "ratio",
         "max |diff|");
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    int m = sizes[s][0], n = sizes[s][1];
    double *A = malloc(sizeof(double) * (size_t)n * n), *B = malloc(sizeof(double) * (size_t)n * m),
           *C = malloc(sizeof(double) * (size_t)n * m), *D = malloc(sizeof(double) * (size_t)n * m);
    if (!A || !B || !C || !D)
      return 1;
    for (int i = 0; i < n * n; i++)
      A[i] = uniform();
    for (int i = 0; i < n * m; i++)
      B[i] = uniform();
    double tl = seconds_per_call(loops, n, m, A, B, C), tb = seconds_per_call(blas, n, m, A, B, D);
    double diff = 0.0, flops = 2.0 * n * n * m;
    for (int i = 0; i < n * m; i++)
      diff = C[i] - D[i] > diff ? C[i] - D[i] : (D[i] - C[i] > diff ? D[i] - C[i] : diff);
    printf("%4d %4d %12.2f %12.2f %8.2f %12.1e\n", m, n, flops / tl * 1e-9, flops / tb * 1e-9,
           tl / tb, diff);
    free(A), free(B), free(C), free(D);
  }
  return 0;
}
