/* The SG, EMA and GD vector fields, their directional derivatives and dense Jacobians. */
#include "sgema/field.h"
#include "blas_matrix.h"
#include "kernel_sizes.h"
#include "simd_clones.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ALWAYS_INLINE __attribute__((always_inline))

struct sgema_field {
  double *P;             /* A Sxx                     (n x m) */
  double *R;             /* B A Sxx - C Syx           (n x m) */
  double *ASxy;          /* A Sxy, GD only            (n x m) */
  double *T1;            /* scratch                   (n x m) */
  double *T2;            /* scratch                   (n x m) */
  double *dR;            /* derivative of R           (n x m) */
  double *BtB, *PAt;     /* n x n */
  double *SxxAt, *SyxAt; /* m x n */
  double Sxy[SGEMA_MAX_M * SGEMA_MAX_M];
  /* 1: the generic code only (tests compare the specialised copies with it;
   * sgema_field_use_generic) */
  int generic_only;
  const struct field_kernel_ *kernel; /* the copy for (kernel_m, kernel_n), or NULL */
  int kernel_m, kernel_n;
};

sgema_field *sgema_field_alloc(int m, int n) {
  if (m < 1 || n < 1 || m > SGEMA_MAX_M || n > SGEMA_MAX_N)
    return NULL;
  sgema_field *w = calloc(1, sizeof *w);
  if (!w)
    return NULL;
  blas_single_thread();
  size_t nm = (size_t)n * m;
  double *block = calloc(8 * nm + 2 * (size_t)n * n, sizeof(double));
  if (!block) {
    free(w);
    return NULL;
  }
  w->P = block;
  w->R = w->P + nm;
  w->ASxy = w->R + nm;
  w->T1 = w->ASxy + nm;
  w->T2 = w->T1 + nm;
  w->dR = w->T2 + nm;
  w->BtB = w->dR + nm;
  w->PAt = w->BtB + (size_t)n * n;
  w->SxxAt = w->PAt + (size_t)n * n;
  w->SyxAt = w->SxxAt + nm;
  return w;
}

void sgema_field_free(sgema_field *w) {
  if (!w)
    return;
  free(w->P);
  free(w);
}

double sgema_field_scale(const double *y, size_t N) {
  return fmax(1.0, sgema_norm2(y, N));
}

/* The overflow path of sgema_norm2: scaled by the largest magnitude, so that a finite vector whose
 * squares overflow (fields of order 1e160 and up: huge lambda, tiny rho with GD's Syy) keeps a
 * finite norm instead of passing for a diverged one. NaN stays NaN. */
static double norm2_scaled(const double *x, size_t len) {
  double mx = 0.0, s = 0.0;
  for (size_t i = 0; i < len; i++) {
    if (isnan(x[i]))
      return NAN;
    mx = fmax(mx, fabs(x[i]));
  }
  if (!isfinite(mx) || mx == 0.0)
    return mx;
  for (size_t i = 0; i < len; i++)
    s += (x[i] / mx) * (x[i] / mx);
  return mx * sqrt(s);
}

double sgema_norm2(const double *x, size_t len) {
  double s = 0.0;
  for (size_t i = 0; i < len; i++)
    s += x[i] * x[i];
  /* The plain sum unless it overflowed (or is NaN): the common case costs one comparison. */
  return s <= DBL_MAX ? sqrt(s) : norm2_scaled(x, len);
}

static void transpose(int m, const double *S, double *St) {
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++)
      St[j * m + i] = S[i * m + j];
}

/* P = A Sxx and R = B P - C Syx at y; for GD also A Sxy. Shared by eval, jvp and jacobian. */
static inline ALWAYS_INLINE void prepare(sgema_field *w, const sgema_problem *p, const double *y,
                                         int m, int n, int blas) {
  double *yy = (double *)y; /* the accessors do not write */
  const double *A = sgema_state_A(p, yy), *B = sgema_state_B(p, yy), *C = sgema_state_C(p, yy);
  mat_mul(blas, n, m, m, A, p->Sxx, w->P);
  mat_mul(blas, n, n, m, B, w->P, w->R);
  mat_mul(blas, n, m, m, C, p->Syx, w->T1);
  for (int i = 0; i < n * m; i++)
    w->R[i] -= w->T1[i];
  if (p->alg == SGEMA_ALG_GD) {
    transpose(m, p->Syx, w->Sxy);
    mat_mul(blas, n, m, m, A, w->Sxy, w->ASxy);
  }
}

/* GCC's vectoriser cannot see that sm_mul writes all n m entries of the local arrays below. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
/* The field alone keeps its intermediates in local arrays (not the workspace): in the specialised
 * copies they are a few doubles that live in registers. The operations and their order are those
 * of prepare() and the workspace code, so all paths agree bit for bit. */
static inline ALWAYS_INLINE void eval_mn(sgema_field *w, const sgema_problem *p, double t,
                                         const double *y, double *f, int m, int n, int blas) {
  int nm = n * m;
  double *yy = (double *)y;
  const double *A = sgema_state_A(p, yy), *B = sgema_state_B(p, yy), *C = sgema_state_C(p, yy);
  double *fA = sgema_state_A(p, f), *fB = sgema_state_B(p, f);
  double P[nm], R[nm], T1[nm];
  mat_mul(blas, n, m, m, A, p->Sxx, P);
  mat_mul(blas, n, n, m, B, P, R);
  mat_mul(blas, n, m, m, C, p->Syx, T1);
  for (int i = 0; i < nm; i++)
    R[i] -= T1[i];
  mat_mul_tn(blas, n, n, m, B, R, fA); /* B^T R */
  if (p->alg == SGEMA_ALG_GD) {
    /* dA = -(B^T R - (B A Sxy - A Syy) + lambda A) */
    double ASxy[nm], T2[nm];
    transpose(m, p->Syx, w->Sxy);
    mat_mul(blas, n, m, m, A, w->Sxy, ASxy);
    mat_mul(blas, n, n, m, B, ASxy, T1);
    mat_mul(blas, n, m, m, A, p->Syy, T2);
    for (int i = 0; i < nm; i++)
      fA[i] -= T1[i] - T2[i];
  }
  for (int i = 0; i < nm; i++)
    fA[i] = -(fA[i] + p->lambda * A[i]);
  mat_mul_nt(blas, n, m, n, R, A, fB); /* R A^T */
  for (int i = 0; i < n * n; i++)
    fB[i] = -(fB[i] + p->lambda * B[i]);
  if (p->alg == SGEMA_ALG_EMA) {
    double *fC = sgema_state_C(p, f);
    double k = 1.0 - sgema_momentum_alpha(&p->momentum, t);
    for (int i = 0; i < nm; i++)
      fC[i] = k * (A[i] - C[i]);
  }
}

#pragma GCC diagnostic pop

/* jv = J v once prepare() has run at y. With v = (D, E, F):
 *   dR  = E A Sxx + B D Sxx - F Syx          (F = D for SG and GD)
 *   dfA = -(E^T R + B^T dR + lambda D)      (GD: + E A Sxy + B D Sxy - D Syy)
 *   dfB = -(dR A^T + R D^T + lambda E)
 *   dfC = (1 - alpha)(D - F)                                                   */
static inline ALWAYS_INLINE void jvp_mn(sgema_field *w, const sgema_problem *p, double t,
                                        const double *y, const double *v, double *jv, int m, int n,
                                        int blas) {
  int nm = n * m;
  prepare(w, p, y, m, n, blas);
  double *yy = (double *)y, *vv = (double *)v;
  const double *A = sgema_state_A(p, yy), *B = sgema_state_B(p, yy);
  const double *D = sgema_state_A(p, vv), *E = sgema_state_B(p, vv), *F = sgema_state_C(p, vv);
  double *jA = sgema_state_A(p, jv), *jB = sgema_state_B(p, jv);

  mat_mul(blas, n, m, m, D, p->Sxx, w->T1); /* D Sxx */
  mat_mul(blas, n, n, m, B, w->T1, w->dR);  /* B D Sxx */
  mat_mul(blas, n, n, m, E, w->P, w->T1);   /* E A Sxx */
  mat_mul(blas, n, m, m, F, p->Syx, w->T2); /* F Syx */
  for (int i = 0; i < nm; i++)
    w->dR[i] += w->T1[i] - w->T2[i];

  mat_mul_tn(blas, n, n, m, E, w->R, jA);     /* E^T R */
  mat_mul_tn(blas, n, n, m, B, w->dR, w->T1); /* B^T dR */
  for (int i = 0; i < nm; i++)
    jA[i] = -(jA[i] + w->T1[i] + p->lambda * D[i]);
  if (p->alg == SGEMA_ALG_GD) {
    mat_mul(blas, n, n, m, E, w->ASxy, w->T1); /* E A Sxy */
    for (int i = 0; i < nm; i++)
      jA[i] += w->T1[i];
    mat_mul(blas, n, m, m, D, w->Sxy, w->T1); /* D Sxy */
    mat_mul(blas, n, n, m, B, w->T1, w->T2);  /* B D Sxy */
    for (int i = 0; i < nm; i++)
      jA[i] += w->T2[i];
    mat_mul(blas, n, m, m, D, p->Syy, w->T1); /* D Syy */
    for (int i = 0; i < nm; i++)
      jA[i] -= w->T1[i];
  }

  mat_mul_nt(blas, n, m, n, w->dR, A, jB);    /* dR A^T */
  mat_mul_nt(blas, n, m, n, w->R, D, w->BtB); /* R D^T (BtB is scratch here) */
  for (int i = 0; i < n * n; i++)
    jB[i] = -(jB[i] + w->BtB[i] + p->lambda * E[i]);
  if (p->alg == SGEMA_ALG_EMA) {
    double *jC = sgema_state_C(p, jv);
    double k = 1.0 - sgema_momentum_alpha(&p->momentum, t);
    for (int i = 0; i < nm; i++)
      jC[i] = k * (D[i] - F[i]);
  }
}

/* Dense Jacobian assembled entry by entry from the closed forms of the blocks (row-major state
 * indices: A[i][k] -> i m + k, B[i][j] -> nm + i n + j, C[i][k] -> nm + n^2 + i m + k):
 *   d dA[i,k] / d A[a,b] = -(B^T B)[i,a] Sxx[b,k] + [SG, GD] B[a,i] Syx[b,k] - lambda d_ia d_kb
 *                          + [GD] (B[i,a] Sxy[b,k] - d_ia Syy[b,k])
 *   d dA[i,k] / d B[l,j] = -(d_ij R[l,k] + B[l,i] P[j,k])  + [GD] d_il (A Sxy)[j,k]
 *   d dA[i,k] / d C[a,b] = B[a,i] Syx[b,k]                              (EMA)
 *   d dB[i,j] / d A[a,b] = -(B[i,a] (Sxx A^T)[b,j] - [SG, GD] d_ia (Syx A^T)[b,j] + d_ja R[i,b])
 *   d dB[i,j] / d B[a,b] = -d_ia ((P A^T)[b,j] + lambda d_jb)
 *   d dB[i,j] / d C[a,b] = d_ia (Syx A^T)[b,j]                          (EMA)
 *   d dC / d A = (1 - alpha) I,  d dC / d C = -(1 - alpha) I           (EMA)
 * with P = A Sxx and R = B P - C Syx. sgema_field_jvp, written from the perturbation expansion
 * instead, is the cross-check in the tests. */
static inline ALWAYS_INLINE void jacobian_mn(sgema_field *w, const sgema_problem *p, double t,
                                             const double *y, double *J, int m, int n) {
  int nm = n * m, ema = p->alg == SGEMA_ALG_EMA, gd = p->alg == SGEMA_ALG_GD;
  prepare(w, p, y, m, n, 0);
  size_t N = sgema_problem_dim(p);
  double *yy = (double *)y;
  const double *A = sgema_state_A(p, yy), *B = sgema_state_B(p, yy);
  double *BtB = w->BtB, *SxxAt = w->SxxAt, *SyxAt = w->SyxAt, *PAt = w->PAt;
  sm_mul_tn(n, n, n, B, B, BtB);
  sm_mul_nt(m, m, n, p->Sxx, A, SxxAt);
  sm_mul_nt(m, m, n, p->Syx, A, SyxAt);
  sm_mul_nt(n, m, n, w->P, A, PAt);
  memset(J, 0, N * N * sizeof(double));
  size_t oB = (size_t)nm, oC = (size_t)nm + (size_t)n * n;
  for (int i = 0; i < n; i++)
    for (int k = 0; k < m; k++) {
      double *row = J + (size_t)(i * m + k) * N;
      for (int a = 0; a < n; a++)
        for (int b = 0; b < m; b++) {
          double v = -BtB[i * n + a] * p->Sxx[b * m + k];
          if (!ema)
            v += B[a * n + i] * p->Syx[b * m + k];
          if (gd)
            v += B[i * n + a] * w->Sxy[b * m + k] - (i == a) * p->Syy[b * m + k];
          row[a * m + b] = v;
        }
      row[i * m + k] -= p->lambda;
      for (int l = 0; l < n; l++)
        for (int j = 0; j < n; j++) {
          double v = -B[l * n + i] * w->P[j * m + k];
          if (i == j)
            v -= w->R[l * m + k];
          if (gd && i == l)
            v += w->ASxy[j * m + k];
          row[oB + (size_t)(l * n + j)] = v;
        }
      if (ema)
        for (int a = 0; a < n; a++)
          for (int b = 0; b < m; b++)
            row[oC + (size_t)(a * m + b)] = B[a * n + i] * p->Syx[b * m + k];
    }
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double *row = J + (oB + (size_t)(i * n + j)) * N;
      for (int a = 0; a < n; a++)
        for (int b = 0; b < m; b++) {
          double v = -B[i * n + a] * SxxAt[b * n + j];
          if (!ema && i == a)
            v += SyxAt[b * n + j];
          if (j == a)
            v -= w->R[i * m + b];
          row[a * m + b] = v;
        }
      for (int b = 0; b < n; b++)
        row[oB + (size_t)(i * n + b)] = -PAt[b * n + j];
      row[oB + (size_t)(i * n + j)] -= p->lambda;
      if (ema)
        for (int b = 0; b < m; b++)
          row[oC + (size_t)(i * m + b)] = SyxAt[b * n + j];
    }
  if (ema) {
    double k = 1.0 - sgema_momentum_alpha(&p->momentum, t);
    for (int q = 0; q < nm; q++) {
      double *row = J + (oC + (size_t)q) * N;
      row[q] = k;
      row[oC + (size_t)q] = -k;
    }
  }
}

/* Specialised copies for the common dimensions: with m and n known at compile time the compiler
 * unrolls the tiny loops (2 x 1 matrices in the paper's case), which made a field evaluation about
 * four times cheaper under callgrind. Every copy runs the same operations in the same order, so
 * results are bit for bit those of the generic code (a test checks it). The small sizes get a
 * dense Jacobian of their own (their integrators use it); the sizes of experiments/sweep-m.yaml
 * from m = 3 on, whose states take the matrix-free path, the field and its directional derivative,
 * also compiled for AVX2 (wider vectors, the same operations on each entry: the same bits on every
 * x86-64 CPU, as -ffp-contract=off rules out fused multiply-adds). */
typedef void (*eval_fn)(sgema_field *, const sgema_problem *, double, const double *, double *);
typedef void (*jvp_fn)(sgema_field *, const sgema_problem *, double, const double *, const double *,
                       double *);
typedef void (*jacobian_fn)(sgema_field *, const sgema_problem *, double, const double *, double *);
#define SGEMA_FIELD_FLOW(M, N, CLONES)                                                             \
  CLONES static void eval_##M##_##N(sgema_field *w, const sgema_problem *p, double t,              \
                                    const double *y, double *f) {                                  \
    eval_mn(w, p, t, y, f, M, N, 0);                                                               \
  }                                                                                                \
  CLONES static void jvp_##M##_##N(sgema_field *w, const sgema_problem *p, double t,               \
                                   const double *y, const double *v, double *jv) {                 \
    jvp_mn(w, p, t, y, v, jv, M, N, 0);                                                            \
  }
#define SGEMA_FIELD_FULL(M, N)                                                                     \
  SGEMA_FIELD_FLOW(M, N, )                                                                         \
  static void jacobian_##M##_##N(sgema_field *w, const sgema_problem *p, double t,                 \
                                 const double *y, double *J) {                                     \
    jacobian_mn(w, p, t, y, J, M, N);                                                              \
  }
SGEMA_FIELD_FULL(1, 2)
SGEMA_FIELD_FULL(1, 3)
SGEMA_FIELD_FULL(2, 3)
SGEMA_FIELD_FULL(2, 4)
#define SGEMA_FIELD_FLOW_CLONED(M, N) SGEMA_FIELD_FLOW(M, N, SGEMA_CLONES)
SGEMA_LARGE_STATE_SIZES(SGEMA_FIELD_FLOW_CLONED)
#undef SGEMA_FIELD_FLOW_CLONED

/* The generic copies, for every other size. */
SGEMA_CLONES static void eval_generic(sgema_field *w, const sgema_problem *p, double t,
                                      const double *y, double *f) {
  eval_mn(w, p, t, y, f, p->m, p->n, 0);
}
SGEMA_CLONES static void jvp_generic(sgema_field *w, const sgema_problem *p, double t,
                                     const double *y, const double *v, double *jv) {
  jvp_mn(w, p, t, y, v, jv, p->m, p->n, 0);
}
/* The copies for states from m = SGEMA_BLAS_MIN_M on (kernel_sizes.h): products through the BLAS.
 */
static void eval_blas(sgema_field *w, const sgema_problem *p, double t, const double *y,
                      double *f) {
  eval_mn(w, p, t, y, f, p->m, p->n, 1);
}
static void jvp_blas(sgema_field *w, const sgema_problem *p, double t, const double *y,
                     const double *v, double *jv) {
  jvp_mn(w, p, t, y, v, jv, p->m, p->n, 1);
}
static void jacobian_generic(sgema_field *w, const sgema_problem *p, double t, const double *y,
                             double *J) {
  jacobian_mn(w, p, t, y, J, p->m, p->n);
}

typedef struct field_kernel_ {
  int m, n;
  eval_fn eval;
  jvp_fn jvp;
  jacobian_fn jacobian;
} field_kernel;

#define FULL(M, N)                                                                                 \
  { M, N, eval_##M##_##N, jvp_##M##_##N, jacobian_##M##_##N }
#define FLOW(M, N) {M, N, eval_##M##_##N, jvp_##M##_##N, jacobian_generic},
static const field_kernel kernels[] = {FULL(1, 2), FULL(1, 3), FULL(2, 3), FULL(2, 4),
                                       SGEMA_LARGE_STATE_SIZES(FLOW)};
static const field_kernel generic_kernel = {0, 0, eval_generic, jvp_generic, jacobian_generic};
static const field_kernel blas_kernel = {0, 0, eval_blas, jvp_blas, jacobian_generic};
#undef FULL
#undef FLOW

/* The copy for p's dimensions, remembered for the next call (a run keeps them). */
static inline const field_kernel *kernel_for(sgema_field *w, const sgema_problem *p) {
  if (w->kernel && w->kernel_m == p->m && w->kernel_n == p->n)
    return w->kernel;
  const field_kernel *k = &generic_kernel;
  if (!w->generic_only && p->m >= SGEMA_BLAS_MIN_M)
    k = &blas_kernel;
  for (size_t i = 0;
       !w->generic_only && p->m < SGEMA_BLAS_MIN_M && i < sizeof kernels / sizeof *kernels; i++)
    if (kernels[i].m == p->m && kernels[i].n == p->n)
      k = &kernels[i];
  w->kernel = k;
  w->kernel_m = p->m;
  w->kernel_n = p->n;
  return k;
}

void sgema_field_eval(sgema_field *w, const sgema_problem *p, double t, const double *y,
                      double *f) {
  kernel_for(w, p)->eval(w, p, t, y, f);
}

void sgema_field_jvp(sgema_field *w, const sgema_problem *p, double t, const double *y,
                     const double *v, double *jv) {
  kernel_for(w, p)->jvp(w, p, t, y, v, jv);
}

void sgema_field_use_generic(sgema_field *w, int on) {
  w->generic_only = on;
  w->kernel = NULL;
}

void sgema_field_jacobian(sgema_field *w, const sgema_problem *p, double t, const double *y,
                          double *J, double *dfdt) {
  size_t N = sgema_problem_dim(p);
  kernel_for(w, p)->jacobian(w, p, t, y, J);
  if (dfdt) {
    memset(dfdt, 0, N * sizeof(double));
    if (p->alg == SGEMA_ALG_EMA) {
      int nm = p->n * p->m;
      double *yy = (double *)y;
      const double *A = sgema_state_A(p, yy), *C = sgema_state_C(p, yy);
      double *dC = sgema_state_C(p, dfdt);
      double da = sgema_momentum_dalpha(&p->momentum, t);
      for (int i = 0; i < nm; i++)
        dC[i] = -da * (A[i] - C[i]);
    }
  }
}
