/* The census systems' values (no Jacobian) in extended precision, for the tracker's
 * extended-precision corrector near infinity (docs/CENSUS.md, "Extended-precision residuals"). */
#include "census_system.h"

#define MM (SGEMA_CENSUS_MAX_M * SGEMA_CENSUS_MAX_M)

typedef long double complex cxl;

/* The coefficients start + sp (target - start), rounded once in extended precision. */
typedef struct {
  cxl Sxx[MM], Syx[MM], SyxT[MM], l;
} coeffs_ld;

static void coeffs_at(const sgema_census_system *s, cxl sp, coeffs_ld *c) {
  int m = s->m;
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) {
      int ij = i * m + j, ji = j * m + i;
      c->Sxx[ij] = (cxl)s->start.Sxx[ij] + sp * ((cxl)s->target.Sxx[ij] - (cxl)s->start.Sxx[ij]);
      c->Syx[ij] = (cxl)s->start.Syx[ij] + sp * ((cxl)s->target.Syx[ij] - (cxl)s->start.Syx[ij]);
      c->SyxT[ji] = c->Syx[ij];
    }
  c->l = (cxl)s->start.lambda + sp * ((cxl)s->target.lambda - (cxl)s->start.lambda);
}

static void mul_ld(int m, const cxl *A, const cxl *B, cxl *C) {
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) {
      cxl v = 0.0L;
      for (int k = 0; k < m; k++)
        v += A[i * m + k] * B[k * m + j];
      C[i * m + j] = v;
    }
}

/* Eq. 6's F(S, x0) = (Sxx S + l x0 I)(S Sxx + l x0 I) - x0 Sxy S Syx, as census_system.c's
 * eq6_value forms it. */
static void eq6_ld(int m, const coeffs_ld *c, const cxl *S, cxl x0, cxl *F) {
  cxl P[MM], Q[MM], T[MM], U[MM];
  mul_ld(m, c->Sxx, S, P);
  mul_ld(m, S, c->Sxx, Q);
  mul_ld(m, P, Q, F);
  mul_ld(m, c->SyxT, S, T);
  mul_ld(m, T, c->Syx, U);
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) {
      int ij = i * m + j;
      cxl id = i == j ? 1.0L : 0.0L;
      F[ij] += c->l * x0 * (P[ij] + Q[ij]) + c->l * c->l * x0 * x0 * id - x0 * U[ij];
    }
}

/* The rank-1 system's values (census_system.c's rank1_eval). */
static void rank1_ld(const sgema_census_system *s, const coeffs_ld *c, const cxl *X, cxl *F) {
  int m = s->m;
  cxl u[SGEMA_CENSUS_MAX_M], a[SGEMA_CENSUS_MAX_M], b[SGEMA_CENSUS_MAX_M];
  cxl x0 = X[0], t = X[1], K = X[m + 1], P = 0.0L, R = 0.0L, g = 0.0L;
  u[0] = x0;
  for (int i = 1; i < m; i++)
    u[i] = X[1 + i];
  for (int i = 0; i < m; i++) {
    cxl va = 0.0L, vb = 0.0L, vc = 0.0L;
    for (int k = 0; k < m; k++) {
      va += c->Sxx[i * m + k] * u[k];
      vb += c->Syx[k * m + i] * u[k];
      vc += c->Syx[i * m + k] * u[k];
    }
    a[i] = va;
    b[i] = vb;
    P += u[i] * va;
    R += u[i] * vc;
  }
  for (int i = 0; i < m; i++)
    g += u[i] * u[i];
  cxl x02 = x0 * x0, x03 = x02 * x0;
  F[0] = K * (t * P + c->l * x03) - t * R * x0;
  for (int i = 0; i < m; i++)
    F[1 + i] = t * g * a[i] + c->l * x03 * u[i] - K * x02 * b[i];
}

/* The corank-c equations past Eq. 6's block (census_system.c's corank_finish): G_ij = x0 F_ij -
 * (V Phi V^T)_ij into the first nS entries of F (which hold F_ij), H_ia = (S V)_ia after them. */
static void corank_ld(const sgema_census_system *s, const cxl *X, const cxl *S, cxl *F) {
  int m = s->m, nS = s->nS, c = s->corank, nZ = (m - c) * c;
  cxl x0 = X[0], V[SGEMA_CENSUS_MAX_M * 2], Phi[4], VP[SGEMA_CENSUS_MAX_M * 2];
  for (int i = 0; i < m; i++)
    for (int a = 0; a < c; a++)
      V[i * c + a] = i < c ? (i == a ? x0 : 0.0L) : X[nS + 1 + (i - c) * c + a];
  for (int a = 0, k = 0; a < c; a++)
    for (int b = a; b < c; b++, k++)
      Phi[a * c + b] = Phi[b * c + a] = X[nS + 1 + nZ + k];
  for (int i = 0; i < m; i++)
    for (int a = 0; a < c; a++) {
      cxl v = 0.0L;
      for (int b = 0; b < c; b++)
        v += V[i * c + b] * Phi[b * c + a];
      VP[i * c + a] = v;
    }
  for (int r = 0; r < nS; r++) {
    int i = s->row[r], j = s->col[r];
    cxl vpv = 0.0L;
    for (int a = 0; a < c; a++)
      vpv += VP[i * c + a] * V[j * c + a];
    F[r] = x0 * F[r] - vpv;
  }
  int e = nS;
  for (int a = 0; a < c; a++)
    for (int i = a; i < m; i++) {
      cxl h = 0.0L;
      for (int j = 0; j < m; j++)
        h += S[i * m + j] * V[j * c + a];
      F[e++] = h;
    }
}

int sgema_census_system_par_value_ld(void *ctx, const long double complex *X,
                                     long double complex sp, long double complex *F) {
  const sgema_census_system *s = ctx;
  int m = s->m;
  coeffs_ld c;
  coeffs_at(s, sp, &c);
  if (s->kind == SGEMA_CENSUS_RANK1) {
    rank1_ld(s, &c, X, F);
    return 0;
  }
  cxl S[MM], E[MM];
  for (int k = 0; k < s->nS; k++) {
    S[s->row[k] * m + s->col[k]] = X[k + 1];
    S[s->col[k] * m + s->row[k]] = X[k + 1];
  }
  eq6_ld(m, &c, S, X[0], E);
  if (s->kind == SGEMA_CENSUS_ANYRANK) { /* S F + F S */
    cxl A[MM], B[MM];
    mul_ld(m, S, E, A);
    mul_ld(m, E, S, B);
    for (int i = 0; i < m * m; i++)
      E[i] = A[i] + B[i];
  }
  for (int r = 0; r < s->nS; r++)
    F[r] = E[s->row[r] * m + s->col[r]];
  if (s->corank > 0)
    corank_ld(s, X, S, F);
  return 0;
}
