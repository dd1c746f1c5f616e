/* The verification record: Eq. 6/7 residuals, balance, invariant drift, |C - A|, objectives. */
#include "sgema/verify.h"
#include "sgema/field.h"
#include "sgema/integrate.h"
#include "sgema/objective.h"
#include "small_matrix.h"

#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Every buffer is sized by the workspace's or the problem's n and m, not by SGEMA_MAX_N (four
 * n x n matrices are 512 KiB at n = 128). */
struct sgema_verifier {
  const sgema_problem *p;
  double *K0, *D, *T, *At; /* n x n each (At: m x n), one block */
  double k0_norm;
  double window_end; /* ln(window) / (2 lambda): where |B^T B - A A^T| has decayed by `window` */
  double max_drift, t_covered;
  double tail_f;
  int closed; /* the tail has started: no more measurements */
  double ebar0, fbar0;
};

sgema_verifier *sgema_verifier_alloc(int m, int n) {
  if (m < 1 || n <= m || m > SGEMA_MAX_M || n > SGEMA_MAX_N)
    return NULL;
  sgema_verifier *v = calloc(1, sizeof(sgema_verifier));
  size_t nn = (size_t)n * n;
  if (v && !(v->K0 = calloc(4 * nn, sizeof(double)))) {
    free(v);
    return NULL;
  }
  if (v) {
    v->D = v->K0 + nn;
    v->T = v->D + nn;
    v->At = v->T + nn;
  }
  return v;
}

void sgema_verifier_free(sgema_verifier *v) {
  if (v)
    free(v->K0);
  free(v);
}

/* G = X^T X for X (k x n, row-major; G n x n). The upper triangle only, then mirrored: entry (j, i)
 * would sum the same products in the same order, so G is exactly what the full product gives, at
 * half the cost (this runs after every step inside the invariant's window). */
static void gram_tn(int n, int k, const double *X, double *G) {
  for (int i = 0; i < n; i++) {
    double *gi = G + (size_t)i * n;
    for (int j = i; j < n; j++)
      gi[j] = 0.0;
    for (int l = 0; l < k; l++) {
      double a = X[l * n + i];
      const double *xl = X + (size_t)l * n;
      for (int j = i; j < n; j++)
        gi[j] += a * xl[j];
    }
    for (int j = 0; j < i; j++)
      gi[j] = G[(size_t)j * n + i];
  }
}

/* D = B^T B - A A^T and T = A A^T (n x n each); At: m x n scratch. */
static void imbalance(const sgema_problem *p, const double *y, double *D, double *T, double *At) {
  int m = p->m, n = p->n;
  double *yy = (double *)y;
  const double *A = sgema_state_A(p, yy), *B = sgema_state_B(p, yy);
  gram_tn(n, n, B, D);
  for (int i = 0; i < n; i++)
    for (int l = 0; l < m; l++)
      At[l * n + i] = A[i * m + l];
  gram_tn(n, m, At, T);
  for (int i = 0; i < n * n; i++)
    D[i] -= T[i];
}

void sgema_verifier_start(sgema_verifier *v, const sgema_problem *p, double window, double tail_f,
                          const double *y0) {
  v->p = p;
  v->tail_f = tail_f;
  v->closed = 0;
  imbalance(p, y0, v->K0, v->T, v->At);
  /* K(0) = B^T B - A A^T is known only to about eps times the size of its two terms, which for
   * large states are far larger than K(0) itself: drift is measured relative to those terms. */
  size_t nn = (size_t)p->n * p->n;
  double *yy0 = (double *)y0;
  gram_tn(p->n, p->n, sgema_state_B(p, yy0), v->D);
  v->k0_norm = sgema_norm2(v->D, nn) + sgema_norm2(v->T, nn);
  v->window_end = log(window) / (2.0 * p->lambda);
  v->max_drift = 0.0;
  v->t_covered = 0.0;
  double *yy = (double *)y0;
  v->ebar0 = sgema_objective_ebar(p, sgema_state_A(p, yy), sgema_state_B(p, yy));
  v->fbar0 =
      sgema_objective_fbar(p, sgema_state_A(p, yy), sgema_state_B(p, yy), sgema_state_C(p, yy));
}

void sgema_verifier_step(sgema_verifier *v, double t, const double *y, const double *f) {
  const sgema_problem *p = v->p;
  if (v->closed || p->alg == SGEMA_ALG_GD || p->time == SGEMA_TIME_DISCRETE || t > v->window_end ||
      !(v->k0_norm > 0.0))
    return;
  size_t N = sgema_problem_dim(p);
  if (sgema_norm2(f, N) < v->tail_f * sgema_field_scale(y, N)) {
    v->closed = 1;
    return;
  }
  imbalance(p, y, v->D, v->T, v->At);
  double g = exp(2.0 * p->lambda * t);
  for (int i = 0; i < p->n * p->n; i++)
    v->D[i] = g * v->D[i] - v->K0[i];
  double drift = sgema_norm2(v->D, (size_t)p->n * p->n) / v->k0_norm;
  if (!(drift <= v->max_drift)) /* keeps NaN */
    v->max_drift = drift;
  v->t_covered = t;
}

double sgema_verify_eq6(const sgema_problem *p, const double *A) {
  int m = p->m, n = p->n;
  size_t mm = (size_t)m * m;
  double *S = malloc(7 * mm * sizeof(double));
  if (!S)
    return NAN;
  double *L1 = S + mm, *L2 = L1 + mm, *L = L2 + mm, *Sxy = L + mm, *T1 = Sxy + mm, *T2 = T1 + mm;
  sm_mul_tn(m, n, m, A, A, S);
  sm_mul(m, m, m, p->Sxx, S, L1); /* Sxx S + l I */
  sm_mul(m, m, m, S, p->Sxx, L2); /* S Sxx + l I */
  for (int i = 0; i < m; i++) {
    L1[i * m + i] += p->lambda;
    L2[i * m + i] += p->lambda;
  }
  sm_mul(m, m, m, L1, L2, L);
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++)
      Sxy[i * m + j] = p->Syx[j * m + i];
  sm_mul(m, m, m, Sxy, S, T1);
  sm_mul(m, m, m, T1, p->Syx, T2);
  double d = sm_dist(mm, L, T2);
  free(S);
  return d;
}

double sgema_verify_eq7(const sgema_problem *p, const double *A, const double *B) {
  int m = p->m, n = p->n;
  size_t nn = (size_t)n * n, nm = (size_t)n * m;
  double *W = malloc((2 * nn + 2 * nm) * sizeof(double));
  if (!W)
    return NAN;
  double *M = W + nn, *nm1 = M + nn, *nm2 = nm1 + nm;
  sm_mul(n, m, m, A, p->Sxx, nm1);
  sm_mul_nt(n, m, n, nm1, A, W); /* A Sxx A^T + l I: symmetric positive definite */
  for (int i = 0; i < n; i++)
    W[i * n + i] += p->lambda;
  sm_mul(n, m, m, A, p->Syx, nm2);
  sm_mul_nt(n, m, n, nm2, A, M); /* A Syx A^T */
  /* B_pred = M W^{-1}, i.e. B_pred^T = W^{-1} M^T: solve W x = (row i of M) for each row. */
  gsl_matrix_view Wv = gsl_matrix_view_array(W, n, n);
  if (gsl_linalg_cholesky_decomp1(&Wv.matrix) != 0) {
    free(W);
    return NAN;
  }
  double s = 0.0;
  for (int i = 0; i < n; i++) {
    gsl_vector_view row = gsl_vector_view_array(M + i * n, n);
    gsl_linalg_cholesky_svx(&Wv.matrix, &row.vector);
    for (int j = 0; j < n; j++) {
      double d = B[i * n + j] - M[i * n + j];
      s += d * d;
    }
  }
  free(W);
  return sqrt(s);
}

void sgema_verifier_finish(sgema_verifier *v, const double *y_end, const sgema_limit *lim,
                           sgema_verification *out) {
  const sgema_problem *p = v->p;
  size_t nm = (size_t)p->n * p->m;
  double *yy = (double *)y_end;
  const double *A = sgema_state_A(p, yy), *B = sgema_state_B(p, yy), *C = sgema_state_C(p, yy);
  int full_rank = lim->rank == p->m;
  out->eq6 = full_rank ? sgema_verify_eq6(p, A) : NAN;
  out->eq7 = sgema_verify_eq7(p, A, B);
  imbalance(p, y_end, v->D, v->T, v->At);
  out->balance = sgema_norm2(v->D, (size_t)p->n * p->n);
  /* Lemma 4.4 holds for the SG and EMA flows, not for GD nor for the discrete maps. */
  int has_invariant = p->alg != SGEMA_ALG_GD && p->time == SGEMA_TIME_FLOW && v->k0_norm > 0.0;
  out->invariant_drift = has_invariant ? v->max_drift : NAN;
  out->invariant_t = has_invariant ? v->t_covered : NAN;
  out->c_minus_a = p->alg == SGEMA_ALG_EMA ? sm_dist(nm, C, A) : 0.0;
  out->ebar_start = v->ebar0;
  out->fbar_start = v->fbar0;
  out->ebar_end = sgema_objective_ebar(p, A, B);
  out->fbar_end = sgema_objective_fbar(p, A, B, C);
}
