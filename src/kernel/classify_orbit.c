/* The orbit's tangent space from the Gram matrix of its tangents, in closed form (no N x K matrix).
 */
#include "classify_orbit.h"
#include "blas_matrix.h"
#include "kernel_sizes.h"
#include "sgema/status.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Why a Gram matrix: the dense path (classify.c) stores the K = n (n - 1) / 2 tangents as an N x K
 * matrix and takes its SVD: 1.6 GB and O(N K^2) at n = 128. Here a tangent is a coefficient vector
 * c over the generators E_ij = e_i e_j^T - e_j e_i^T (i < j) of so(n), mapped by
 *   T c = (W A, W B - B W, W C),  W = sum c_ij E_ij            (the orbit of A -> Q A, B -> Q B
 * Q^T) and T^T z = (V_ij - V_ji)_{i<j} with V = D A^T + E B^T - B^T E + F C^T for z = (D, E, F),
 * both O(n^3). The Gram matrix G = T^T T has the closed form (each entry O(1)): G[ij, kl] =
 * S(M)[ij, kl] - 2 (B_ik B_jl - B_il B_jk + B_ki B_lj - B_li B_kj), S(M)[ij, kl] = d_ik M_jl - d_il
 * M_jk - d_jk M_il + d_jl M_ik,  M = A A^T + B B^T + B^T B + C C^T. With the EMA target frozen the
 * group is (A, B) -> (Q2 A, Q1 B Q2^T), Q1 C = C (classify.c): the generators X = E_ij act as (X A,
 * -B X), and Y = U E_ab U^T, U an orthonormal basis of the complement of C's columns (n - r of
 * them, a < b), as (0, Y B); then G[ij, kl] = S(A A^T + B^T B),  G[ab, cd] = S(U^T B B^T U),  G[ij,
 * ab] = -2 (F_ai F_bj - F_bi F_aj) with F = U^T B. A pivoted Cholesky factorisation P^T G P = R^T R
 * (LAPACK's dpstrf) gives the dimension (its rank, stopped at the squared singular value threshold)
 * and a set S of independent generators, and the projector is P z = T_S (R^T R)^-1 T_S^T z. */

struct orbit_ws {
  int m_max, n_max;
  size_t K_cap;
  double *G;                             /* K x K: the Gram matrix, then its Cholesky factor */
  double *coef, *sol;                    /* K */
  lapack_int *piv;                       /* K, 1-based */
  double *M, *W, *X, *Y, *U, *F, *H, *S; /* n x n each */
  double *Csv;                           /* C's SVD: n x m copy, singular values, U^T (scratch) */
  /* The factorisation last made */
  const sgema_problem *p;
  const double *A, *B, *C;
  int frozen, n, m, r; /* r: rank of C (frozen) */
  size_t K1, K, rank;  /* generators of the first family, all generators, independent ones */
};

void orbit_free(orbit_ws *o) {
  if (!o)
    return;
  free(o->G);
  free(o->coef);
  free(o->piv);
  free(o->M);
  free(o);
}

orbit_ws *orbit_alloc(int m, int n) {
  orbit_ws *o = calloc(1, sizeof *o);
  if (!o)
    return NULL;
  size_t nn = (size_t)n * n;
  o->m_max = m;
  o->n_max = n;
  o->M = malloc((8 * nn + (size_t)n * m + (size_t)m + (size_t)m * m) * sizeof(double));
  if (!o->M) {
    orbit_free(o);
    return NULL;
  }
  o->W = o->M + nn;
  o->X = o->W + nn;
  o->Y = o->X + nn;
  o->U = o->Y + nn;
  o->F = o->U + nn;
  o->H = o->F + nn;
  o->S = o->H + nn;
  o->Csv = o->S + nn;
  return o;
}

/* 64-byte aligned (LAPACK's results do not then depend on where the allocator put them). */
static int ensure_gram(orbit_ws *o, size_t K) {
  if (K <= o->K_cap)
    return SGEMA_OK;
  free(o->G);
  free(o->coef);
  free(o->piv);
  size_t stride = (K + 7) / 8 * 8;
  o->G = aligned_alloc(64, stride * K * sizeof(double));
  o->coef = aligned_alloc(64, 2 * stride * sizeof(double));
  o->piv = malloc(K * sizeof(lapack_int));
  o->K_cap = o->G && o->coef && o->piv ? K : 0;
  if (!o->K_cap)
    return SGEMA_ENOMEM;
  o->sol = o->coef + stride;
  return SGEMA_OK;
}

/* Entry (ij, kl) of S(M) for generators of so(dim) (see the top). */
static inline double sym_term(const double *M, int dim, int i, int j, int k, int l) {
  double v = 0.0;
  if (i == k)
    v += M[j * dim + l];
  if (i == l)
    v -= M[j * dim + k];
  if (j == k)
    v -= M[i * dim + l];
  if (j == l)
    v += M[i * dim + k];
  return v;
}

/* An orthonormal basis U (n x (n - r), row-major) of the complement of C's
 * columns, r the number of C's singular values above tol times the largest (classify.c's
 * complement_projector decides the same way). */
static int complement_basis(orbit_ws *o, const double *C, int m, int n, double tol) {
  double *Cc = o->Csv, *sv = Cc + (size_t)n * m, *vt = sv + m, *Ufull = o->X;
  memcpy(Cc, C, (size_t)n * m * sizeof(double));
  if (LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'A', 'N', n, m, Cc, m, sv, Ufull, n, vt, m, o->Y) != 0)
    return SGEMA_ELINALG;
  int r = 0;
  while (r < m && sv[0] > 0.0 && sv[r] > tol * sv[0])
    r++;
  o->r = r;
  for (int i = 0; i < n; i++)
    for (int a = 0; a < n - r; a++)
      o->U[i * (n - r) + a] = Ufull[i * n + r + a];
  return SGEMA_OK;
}

/* Fills G (K x K, row-major) for the unfrozen group. */
static void gram_unfrozen(orbit_ws *o) {
  int n = o->n, m = o->m;
  const double *A = o->A, *B = o->B, *C = o->C;
  double *M = o->M;
  sm_mul_nt(n, m, n, A, A, M);
  sm_mul_nt(n, n, n, B, B, o->X);
  sm_mul_tn(n, n, n, B, B, o->Y);
  for (int q = 0; q < n * n; q++)
    M[q] += o->X[q] + o->Y[q];
  if (C) {
    sm_mul_nt(n, m, n, C, C, o->X);
    for (int q = 0; q < n * n; q++)
      M[q] += o->X[q];
  }
  size_t K = o->K, row = 0;
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++, row++) {
      double *g = o->G + row * K;
      size_t col = 0;
      for (int k = 0; k < n; k++)
        for (int l = k + 1; l < n; l++, col++)
          g[col] = sym_term(M, n, i, j, k, l) -
                   2.0 * (B[i * n + k] * B[j * n + l] - B[i * n + l] * B[j * n + k] +
                          B[k * n + i] * B[l * n + j] - B[l * n + i] * B[k * n + j]);
    }
}

/* Fills G for the frozen group: the X family first (K1 rows), then the Y family. */
static void gram_frozen(orbit_ws *o) {
  int n = o->n, m = o->m, d = n - o->r;
  const double *A = o->A, *B = o->B;
  double *M = o->M, *F = o->F, *H = o->H;
  sm_mul_nt(n, m, n, A, A, M);
  sm_mul_tn(n, n, n, B, B, o->Y);
  for (int q = 0; q < n * n; q++)
    M[q] += o->Y[q];
  sm_mul_tn(d, n, n, o->U, B, F); /* F = U^T B (d x n) */
  sm_mul_nt(d, n, d, F, F, H);    /* U^T B B^T U = F F^T */
  size_t K = o->K, K1 = o->K1;
  for (int i = 0, row = 0; i < n; i++)
    for (int j = i + 1; j < n; j++, row++) {
      double *g = o->G + (size_t)row * K;
      size_t col = 0;
      for (int k = 0; k < n; k++)
        for (int l = k + 1; l < n; l++, col++)
          g[col] = sym_term(M, n, i, j, k, l);
      for (int a = 0; a < d; a++)
        for (int b = a + 1; b < d; b++, col++) {
          double v = -2.0 * (F[a * n + i] * F[b * n + j] - F[b * n + i] * F[a * n + j]);
          g[col] = v;
          o->G[col * K + (size_t)row] = v;
        }
    }
  for (int a = 0, row = (int)K1; a < d; a++)
    for (int b = a + 1; b < d; b++, row++) {
      double *g = o->G + (size_t)row * K + K1;
      size_t col = 0;
      for (int c = 0; c < d; c++)
        for (int e = c + 1; e < d; e++, col++)
          g[col] = sym_term(H, d, a, b, c, e);
    }
}

/* Largest eigenvalue of the symmetric positive semidefinite G, by power iteration from a fixed
 * vector (the threshold needs it to a few digits). */
static double gram_norm(orbit_ws *o) {
  size_t K = o->K;
  double *x = o->coef, *y = o->sol, lambda = 0.0;
  for (size_t q = 0; q < K; q++)
    x[q] = 1.0 / sqrt((double)K);
  for (int it = 0; it < 50; it++) {
    double s = 0.0;
    for (size_t r = 0; r < K; r++) {
      double v = 0.0;
      const double *g = o->G + r * K;
      for (size_t c = 0; c < K; c++)
        v += g[c] * x[c];
      y[r] = v;
      s += v * v;
    }
    double ny = sqrt(s);
    if (!(ny > 0.0))
      return 0.0;
    double prev = lambda;
    lambda = ny;
    for (size_t q = 0; q < K; q++)
      x[q] = y[q] / ny;
    if (fabs(lambda - prev) <= 1e-6 * lambda)
      break;
  }
  return lambda;
}

int orbit_factor(orbit_ws *o, const sgema_problem *p, const double *y, int frozen,
                 double symmetry_tol, size_t *rank) {
  int m = p->m, n = p->n;
  if (m > o->m_max || n > o->n_max || n < 2)
    return SGEMA_EDIM;
  double *yy = (double *)y;
  o->p = p;
  o->m = m;
  o->n = n;
  o->frozen = frozen;
  o->A = sgema_state_A(p, yy);
  o->B = sgema_state_B(p, yy);
  o->C = p->alg == SGEMA_ALG_EMA && !frozen ? sgema_state_C(p, yy) : NULL;
  o->r = 0;
  o->K1 = (size_t)n * (n - 1) / 2;
  if (frozen && complement_basis(o, sgema_state_C(p, yy), m, n, symmetry_tol) != SGEMA_OK)
    return SGEMA_ELINALG;
  size_t d = (size_t)(n - o->r);
  o->K = o->K1 + (frozen ? d * (d - 1) / 2 : 0);
  int st = ensure_gram(o, o->K);
  if (st != SGEMA_OK)
    return st;
  if (frozen)
    gram_frozen(o);
  else
    gram_unfrozen(o);
  double smax = sqrt(gram_norm(o));
  double floor_sv = symmetry_tol * fmax(smax, 1.0);
  lapack_int r = 0;
  double tol = floor_sv * floor_sv, dmax = 0.0;
  for (size_t q = 0; q < o->K; q++)
    dmax = fmax(dmax, o->G[q * o->K + q]);
  if (!(dmax > tol)) { /* dpstrf tests its first pivot against 0 only, the others against tol */
    o->rank = *rank = 0;
    return SGEMA_OK;
  }
  /* dpstrf stops where the largest remaining pivot, a squared singular value's scale, falls to
   * the threshold squared: the rank the SVD of the tangents would give, up to pivoting. */
  /* G is symmetric: its row-major lower triangle is the column-major upper one, which LAPACK
   * factorises in place (LAPACKE's row-major interface would copy the K x K matrix). */
  lapack_int info = LAPACKE_dpstrf(LAPACK_COL_MAJOR, 'U', (lapack_int)o->K, o->G, (lapack_int)o->K,
                                   o->piv, &r, tol);
  if (info < 0)
    return SGEMA_ELINALG;
  o->rank = (size_t)r;
  *rank = o->rank;
  return SGEMA_OK;
}

/* coef = T^T z (see the top). */
static void tangents_t(orbit_ws *o, const double *z, double *coef) {
  const sgema_problem *p = o->p;
  int n = o->n, m = o->m, blas = m >= SGEMA_BLAS_MIN_M;
  double *zz = (double *)z, *V = o->W, *T1 = o->X;
  const double *D = sgema_state_A(p, zz), *E = sgema_state_B(p, zz);
  mat_mul_nt(blas, n, m, n, D, o->A, V);
  mat_mul_tn(blas, n, n, n, o->B, E, T1);
  for (int q = 0; q < n * n; q++)
    V[q] -= T1[q];
  if (!o->frozen) {
    mat_mul_nt(blas, n, n, n, E, o->B, T1);
    for (int q = 0; q < n * n; q++)
      V[q] += T1[q];
  }
  if (o->C) {
    mat_mul_nt(blas, n, m, n, sgema_state_C(p, zz), o->C, T1);
    for (int q = 0; q < n * n; q++)
      V[q] += T1[q];
  }
  size_t q = 0;
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++)
      coef[q++] = V[i * n + j] - V[j * n + i];
  if (!o->frozen)
    return;
  int d = n - o->r; /* the Y family: U^T (E B^T) U */
  double *EBt = o->X, *UtEBt = o->Y, *S = o->S;
  mat_mul_nt(blas, n, n, n, E, o->B, EBt);
  mat_mul_tn(blas, d, n, n, o->U, EBt, UtEBt);
  mat_mul(blas, d, n, d, UtEBt, o->U, S);
  for (int a = 0; a < d; a++)
    for (int b = a + 1; b < d; b++)
      coef[q++] = S[a * d + b] - S[b * d + a];
}

/* out = T coef (see the top). */
static void tangents(orbit_ws *o, const double *coef, double *out) {
  const sgema_problem *p = o->p;
  int n = o->n, m = o->m, blas = m >= SGEMA_BLAS_MIN_M;
  double *W = o->W, *T1 = o->X;
  double *oA = sgema_state_A(p, out), *oB = sgema_state_B(p, out);
  size_t q = 0;
  for (int i = 0; i < n; i++) {
    W[i * n + i] = 0.0;
    for (int j = i + 1; j < n; j++, q++) {
      W[i * n + j] = coef[q];
      W[j * n + i] = -coef[q];
    }
  }
  mat_mul(blas, n, n, m, W, o->A, oA);
  mat_mul(blas, n, n, n, o->B, W, oB);
  for (int k = 0; k < n * n; k++)
    oB[k] = -oB[k];
  if (!o->frozen) {
    mat_mul(blas, n, n, n, W, o->B, T1);
    for (int k = 0; k < n * n; k++)
      oB[k] += T1[k];
    if (o->C)
      mat_mul(blas, n, n, m, W, o->C, sgema_state_C(p, out));
    return;
  }
  int d = n - o->r; /* Y = U S U^T, S from the Y family's coefficients; oB += Y B */
  double *S = o->S, *US = o->Y;
  for (int a = 0; a < d; a++) {
    S[a * d + a] = 0.0;
    for (int b = a + 1; b < d; b++, q++) {
      S[a * d + b] = coef[q];
      S[b * d + a] = -coef[q];
    }
  }
  mat_mul(blas, n, d, d, o->U, S, US);
  mat_mul_nt(blas, n, d, n, US, o->U, W); /* Y = U S U^T into W, then oB += W B */
  mat_mul(blas, n, n, n, W, o->B, T1);
  for (int k = 0; k < n * n; k++)
    oB[k] += T1[k];
}

void orbit_project(orbit_ws *o, const double *z, double *out) {
  size_t K = o->K, k = o->rank;
  size_t N = sgema_problem_dim_for(o->frozen ? SGEMA_ALG_SG : o->p->alg, o->m, o->n);
  if (k == 0) {
    memset(out, 0, N * sizeof(double));
    return;
  }
  double *c = o->coef, *x = o->sol;
  tangents_t(o, z, c);
  for (size_t s = 0; s < k; s++) /* the independent generators, in pivot order */
    x[s] = c[o->piv[s] - 1];
  /* G_SS = R^T R (column-major R, orbit_factor): R^T w = c, then R x = w */
  LAPACKE_dtrtrs_work(LAPACK_COL_MAJOR, 'U', 'T', 'N', (lapack_int)k, 1, o->G, (lapack_int)K, x,
                      (lapack_int)k);
  LAPACKE_dtrtrs_work(LAPACK_COL_MAJOR, 'U', 'N', 'N', (lapack_int)k, 1, o->G, (lapack_int)K, x,
                      (lapack_int)k);
  memset(c, 0, K * sizeof(double));
  for (size_t s = 0; s < k; s++)
    c[o->piv[s] - 1] = x[s];
  tangents(o, c, out);
}
