/* Eq. 6, its rank-free form, the rank-1 and the corank-1 and corank-2 systems as homogeneous
 * polynomial systems with analytic Jacobians. */
#include "census_system.h"

#include "sgema/rng.h"
#include "sgema/status.h"

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>

#include <math.h>
#include <string.h>

#define MM (SGEMA_CENSUS_MAX_M * SGEMA_CENSUS_MAX_M)

static void set_layout(sgema_census_system *s, int m, sgema_census_system_kind kind);
static void use_params(sgema_census_system *s, const sgema_census_params *prm);
static int generic_rotation(int m, double *Q);
static void set_own_data(sgema_census_system *s);
static void rotate(int m, const double *Q, const double *A, double complex *out);

int sgema_census_system_init(sgema_census_system *s, const sgema_problem *p,
                             sgema_census_system_kind kind) {
  if (p->m < 1 || p->m > SGEMA_CENSUS_MAX_M || (unsigned)kind >= SGEMA_CENSUS_SYSTEMS ||
      (kind == SGEMA_CENSUS_CORANK2 && p->m < 2))
    return SGEMA_EDIM;
  int m = p->m;
  memset(s, 0, sizeof *s);
  s->kind = kind;
  s->m = m;
  s->lambda = p->lambda;
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) {
      s->Sxx[i * m + j] = p->Sxx[i * m + j];
      s->Syx[i * m + j] = p->Syx[i * m + j];
      s->Q[i * m + j] = i == j;
    }
  if ((kind == SGEMA_CENSUS_RANK1 || kind == SGEMA_CENSUS_CORANK1 ||
       kind == SGEMA_CENSUS_CORANK2) &&
      generic_rotation(m, s->Q) != SGEMA_OK)
    return SGEMA_ENOMEM;
  memcpy(s->Q0, s->Q, sizeof s->Q);
  rotate(m, s->Q, s->Sxx, s->target.Sxx);
  rotate(m, s->Q, s->Syx, s->target.Syx);
  s->target.lambda = s->lambda;
  set_own_data(s);
  set_layout(s, m, kind);
  sgema_census_system_at_target(s);
  return SGEMA_OK;
}

/* Sets the coefficients the evaluations use. */
static void use_params(sgema_census_system *s, const sgema_census_params *prm) {
  int m = s->m;
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) {
      s->cSxx[i * m + j] = prm->Sxx[i * m + j];
      s->cSyx[i * m + j] = prm->Syx[i * m + j];
      s->cSyxT[i * m + j] = prm->Syx[j * m + i];
    }
  s->clambda = prm->lambda;
}

void sgema_census_system_at_target(sgema_census_system *s) {
  use_params(s, &s->target);
}

int sgema_census_system_init_params(sgema_census_system *s, int m, const sgema_census_params *prm,
                                    sgema_census_system_kind kind) {
  if (m < 1 || m > SGEMA_CENSUS_MAX_M || (unsigned)kind >= SGEMA_CENSUS_SYSTEMS ||
      (kind == SGEMA_CENSUS_CORANK2 && m < 2))
    return SGEMA_EDIM;
  memset(s, 0, sizeof *s);
  s->kind = kind;
  s->m = m;
  s->target = *prm;
  for (int i = 0; i < m; i++)
    s->Q[i * m + i] = 1.0;
  set_layout(s, m, kind);
  sgema_census_system_at_target(s);
  return SGEMA_OK;
}

/* out = Q^T A Q (m x m, complex copy). */
static void rotate(int m, const double *Q, const double *A, double complex *out) {
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) {
      double v = 0.0;
      for (int k = 0; k < m; k++)
        for (int l = 0; l < m; l++)
          v += Q[k * m + i] * A[k * m + l] * Q[l * m + j];
      out[i * m + j] = v;
    }
}

void sgema_census_system_set_chart(sgema_census_system *s, int k) {
  int m = s->m;
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++)
      s->Q[i * m + j] = s->Q0[i * m + (j + k) % m];
  rotate(m, s->Q, s->Sxx, s->target.Sxx);
  rotate(m, s->Q, s->Syx, s->target.Syx);
  sgema_census_system_at_target(s);
}

/* The data's complex copies in its own coordinates, for the residuals. */
static void set_own_data(sgema_census_system *s) {
  int m = s->m;
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) {
      s->dSxx[i * m + j] = s->Sxx[i * m + j];
      s->dSyx[i * m + j] = s->Syx[i * m + j];
      s->dSyxT[i * m + j] = s->Syx[j * m + i];
    }
}

/* The Q factor of a Gaussian m x m matrix drawn from a fixed stream (the generic seed, run 100 +
 * m): the same generic rotation on every call. */
static int generic_rotation(int m, double *Q) {
  gsl_rng *g = sgema_rng_alloc();
  gsl_matrix *A = gsl_matrix_alloc((size_t)m, (size_t)m),
             *Qm = gsl_matrix_alloc((size_t)m, (size_t)m),
             *R = gsl_matrix_alloc((size_t)m, (size_t)m);
  gsl_vector *tau = gsl_vector_alloc((size_t)m);
  int st = g && A && Qm && R && tau ? SGEMA_OK : SGEMA_ENOMEM;
  if (st == SGEMA_OK) {
    sgema_rng_seek(g, SGEMA_CENSUS_GENERIC_SEED, (uint32_t)(100 + m), 0, SGEMA_STREAM_CENSUS);
    for (int i = 0; i < m; i++)
      for (int j = 0; j < m; j++)
        gsl_matrix_set(A, (size_t)i, (size_t)j, gsl_ran_gaussian_ziggurat(g, 1.0));
    gsl_linalg_QR_decomp(A, tau);
    gsl_linalg_QR_unpack(A, tau, Qm, R);
    for (int i = 0; i < m; i++)
      for (int j = 0; j < m; j++)
        Q[i * m + j] = gsl_matrix_get(Qm, (size_t)i, (size_t)j);
  }
  if (g)
    sgema_rng_free(g);
  gsl_matrix_free(A);
  gsl_matrix_free(Qm);
  gsl_matrix_free(R);
  gsl_vector_free(tau);
  return st;
}

void sgema_census_generic_params(int m, sgema_census_params *out) {
  sgema_census_generic_params_from(m, (uint32_t)m, 0, out);
}

void sgema_census_generic_params_from(int m, uint32_t run, uint32_t trial,
                                      sgema_census_params *out) {
  memset(out, 0, sizeof *out);
  gsl_rng *g = sgema_rng_alloc();
  if (!g)
    return;
  sgema_rng_seek(g, SGEMA_CENSUS_GENERIC_SEED, run, trial, SGEMA_STREAM_CENSUS);
  double G[SGEMA_CENSUS_MAX_M * SGEMA_CENSUS_MAX_M];
  for (int i = 0; i < m * m; i++)
    G[i] = gsl_ran_gaussian_ziggurat(g, 1.0);
  /* Sxx = G G^T / m + I/2 + i E: a real part positive definite like the data's, so that Sxx stays
   * invertible along the path (a complex symmetric matrix with positive definite real part is) */
  for (int i = 0; i < m; i++)
    for (int j = i; j < m; j++) {
      double v = i == j ? 0.5 : 0.0;
      for (int k = 0; k < m; k++)
        v += G[i * m + k] * G[j * m + k] / m;
      out->Sxx[i * m + j] = v + I * gsl_ran_gaussian_ziggurat(g, 0.3);
      out->Sxx[j * m + i] = out->Sxx[i * m + j];
    }
  for (int i = 0; i < m * m; i++) {
    double re = gsl_ran_gaussian_ziggurat(g, 0.5);
    out->Syx[i] = re + I * gsl_ran_gaussian_ziggurat(g, 0.5);
  }
  /* lambda with a positive real part, like the data's, so that it stays away from 0 */
  out->lambda = 0.05 * (1.0 + gsl_rng_uniform(g)) + I * gsl_ran_gaussian_ziggurat(g, 0.02);
  sgema_rng_free(g);
}

void sgema_census_system_par(sgema_census_system *s, const sgema_census_params *start,
                             sgema_par_system *out) {
  s->start = *start;
  out->N = s->N;
  out->eval = sgema_census_system_par_eval;
  out->ctx = s;
  out->value_ld = sgema_census_system_par_value_ld;
}

/* The unknowns' layout (the upper triangle, row by row) and the degrees. */
static void set_layout(sgema_census_system *s, int m, sgema_census_system_kind kind) {
  if (kind == SGEMA_CENSUS_RANK1) { /* row / col unused */
    s->N = m + 1;
    s->nS = 0;
    for (int k = 0; k < s->N; k++)
      s->degrees[k] = 4;
    return;
  }
  s->nS = m * (m + 1) / 2;
  s->N = s->nS;
  int k = 0;
  for (int i = 0; i < m; i++)
    for (int j = i; j < m; j++) {
      s->row[k] = i;
      s->col[k] = j;
      s->degrees[k] = kind == SGEMA_CENSUS_EQ6 ? 2 : 3;
      k++;
    }
  s->corank = kind == SGEMA_CENSUS_CORANK1 ? 1 : kind == SGEMA_CENSUS_CORANK2 ? 2 : 0;
  if (s->corank > 0) { /* then Z, Phi; the equations S V = 0 (less the redundant ones) degree 2 */
    int c = s->corank;
    s->N += (m - c) * c + c * (c + 1) / 2;
    for (int r = s->nS; r < s->N; r++)
      s->degrees[r] = 2;
  }
}

void sgema_census_system_hom(sgema_census_system *s, sgema_hom_system *out) {
  out->N = s->N;
  out->degrees = s->degrees;
  out->eval = sgema_census_system_eval;
  out->ctx = s;
}

/* C = A B for m x m complex matrices; inlined with a constant m by cmul (below). */
static inline __attribute__((always_inline)) void
cmul_m(int m, const double complex *A, const double complex *B, double complex *C) {
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) {
      double complex v = 0.0;
      for (int k = 0; k < m; k++)
        v += A[i * m + k] * B[k * m + j];
      C[i * m + j] = v;
    }
}

/* C = A B. Each size gets its own unrolled copy (the products are most of an evaluation's cost);
 * the sums run in the same order, so the results are the same bits. */
static void cmul(int m, const double complex *A, const double complex *B, double complex *C) {
  switch (m) {
  case 2:
    cmul_m(2, A, B, C);
    break;
  case 3:
    cmul_m(3, A, B, C);
    break;
  case 4:
    cmul_m(4, A, B, C);
    break;
  default:
    cmul_m(m, A, B, C);
  }
}

typedef struct {
  const double complex *Sxx, *Syx, *SyxT;            /* the system's complex copies */
  double complex l;                                  /* and lambda */
  double complex S[MM], P[MM], Q[MM], F[MM], F0[MM]; /* P = Sxx S, Q = S Sxx, F0 = dF/dx0 */
  double complex Pt[MM], Qt[MM], Z[MM];              /* for the directions (eq6_direction) */
} eval_work;

/* F(S, x0) (homogeneous of degree 2) and dF/dx0. */
static void eq6_value(const sgema_census_system *s, eval_work *w, double complex x0) {
  int m = s->m;
  double complex l = w->l;
  double complex T[MM], U[MM];
  cmul(m, w->Sxx, w->S, w->P);
  cmul(m, w->S, w->Sxx, w->Q);
  cmul(m, w->P, w->Q, w->F);
  cmul(m, w->SyxT, w->S, T);
  cmul(m, T, w->Syx, U); /* Sxy S Syx */
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) {
      int ij = i * m + j;
      double complex id = i == j ? 1.0 : 0.0;
      w->F[ij] += l * x0 * (w->P[ij] + w->Q[ij]) + l * l * x0 * x0 * id - x0 * U[ij];
      w->F0[ij] = l * (w->P[ij] + w->Q[ij]) + 2.0 * l * l * x0 * id - U[ij];
    }
}

/* dF along E = e_a e_b^T + e_b e_a^T (a != b) or e_a e_a^T, into D. With Pt = P + l x0 I,
 * Qt = Q + l x0 I and Z = x0 Syx (made once per evaluation), entry (i, j) of
 * Sxx E Q + P E Sxx + l x0 (Sxx E + E Sxx) - x0 Sxy E Syx is Sxx_ia Qt_bj + Pt_ia Sxx_bj
 * - Z_ai Syx_bj (+ the same with a, b swapped); dF is symmetric: the upper triangle is mirrored. */
static void eq6_direction(const sgema_census_system *s, const eval_work *w, int a, int b,
                          double complex *D) {
  int m = s->m;
  const double complex *X = w->Sxx, *Y = w->Syx;
  for (int i = 0; i < m; i++)
    for (int j = i; j < m; j++) {
      double complex v = X[i * m + a] * w->Qt[b * m + j] + w->Pt[i * m + a] * X[b * m + j] -
                         w->Z[a * m + i] * Y[b * m + j];
      if (a != b)
        v += X[i * m + b] * w->Qt[a * m + j] + w->Pt[i * m + b] * X[a * m + j] -
             w->Z[b * m + i] * Y[a * m + j];
      D[i * m + j] = v;
      D[j * m + i] = v;
    }
}

/* Symmetric anticommutator X Y + Y X. */
static void anticommute(int m, const double complex *X, const double complex *Y,
                        double complex *out) {
  double complex T[MM], U[MM];
  cmul(m, X, Y, T);
  cmul(m, Y, X, U);
  for (int i = 0; i < m * m; i++)
    out[i] = T[i] + U[i];
}

static void load(const sgema_census_system *s, eval_work *w, const double complex *X) {
  int m = s->m;
  w->Sxx = s->cSxx;
  w->Syx = s->cSyx;
  w->SyxT = s->cSyxT;
  w->l = s->clambda;
  for (int k = 0; k < s->nS; k++) {
    w->S[s->row[k] * m + s->col[k]] = X[k + 1];
    w->S[s->col[k] * m + s->row[k]] = X[k + 1];
  }
}

/* dF/ds along the parameter path (coefficients start + s (target - start)) into Fs (N entries),
 * with w loaded at X (S, Pt, Qt made). F is quadratic in the coefficients: with d = target -
 * start, dF = (d Sxx S + d l x0 I) Qt + Pt (S d Sxx + d l x0 I) - x0 (d Syx^T S Syx + Syx^T S d
 * Syx); the rank-free system's is S dF + dF S. */
static void eq6_parameter_derivative(const sgema_census_system *s, const eval_work *w,
                                     double complex x0, double complex *Fs) {
  int m = s->m;
  double complex dX[MM], dY[MM], dYT[MM], T[MM], U[MM], D[MM], A[MM];
  for (int i = 0; i < m * m; i++) {
    dX[i] = s->target.Sxx[i] - s->start.Sxx[i];
    dY[i] = s->target.Syx[i] - s->start.Syx[i];
  }
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++)
      dYT[i * m + j] = dY[j * m + i];
  double complex dl = (s->target.lambda - s->start.lambda) * x0;
  cmul(m, dX, w->S, T); /* d Sxx S + dl x0 I */
  cmul(m, w->S, dX, U); /* S d Sxx + dl x0 I */
  for (int i = 0; i < m; i++) {
    T[i * m + i] += dl;
    U[i * m + i] += dl;
  }
  cmul(m, T, w->Qt, D);
  cmul(m, w->Pt, U, A);
  for (int i = 0; i < m * m; i++)
    D[i] += A[i];
  cmul(m, dYT, w->S, T); /* d Syx^T S Syx + Syx^T S d Syx */
  cmul(m, T, w->Syx, U);
  cmul(m, w->SyxT, w->S, T);
  cmul(m, T, dY, A);
  for (int i = 0; i < m * m; i++)
    D[i] -= x0 * (U[i] + A[i]);
  if (s->kind == SGEMA_CENSUS_ANYRANK) {
    anticommute(m, w->S, D, A);
    memcpy(D, A, sizeof A);
  }
  for (int r = 0; r < s->nS; r++)
    Fs[r] = D[s->row[r] * m + s->col[r]];
}

/* The rank-1 system's vectors at u = (x0, z): a = Sxx u, b = Sxy u, c = Syx u, and the forms
 * P = u.a, R = u.c, g = u.u (bilinear: complex u is not conjugated). */
typedef struct {
  double complex u[SGEMA_CENSUS_MAX_M], a[SGEMA_CENSUS_MAX_M], b[SGEMA_CENSUS_MAX_M],
      c[SGEMA_CENSUS_MAX_M];
  double complex P, R, g;
} rank1_work;

static void rank1_vectors(int m, const double complex *Sxx, const double complex *Syx,
                          const double complex *u, double complex *a, double complex *b,
                          double complex *c) {
  for (int i = 0; i < m; i++) {
    double complex va = 0.0, vb = 0.0, vc = 0.0;
    for (int k = 0; k < m; k++) {
      va += Sxx[i * m + k] * u[k];
      vb += Syx[k * m + i] * u[k];
      vc += Syx[i * m + k] * u[k];
    }
    a[i] = va;
    b[i] = vb;
    c[i] = vc;
  }
}

static double complex dot(int m, const double complex *x, const double complex *y) {
  double complex v = 0.0;
  for (int i = 0; i < m; i++)
    v += x[i] * y[i];
  return v;
}

static void rank1_load(const sgema_census_system *s, const double complex *X, rank1_work *w) {
  int m = s->m;
  w->u[0] = X[0];
  for (int i = 1; i < m; i++)
    w->u[i] = X[1 + i];
  rank1_vectors(m, s->cSxx, s->cSyx, w->u, w->a, w->b, w->c);
  w->P = dot(m, w->u, w->a);
  w->R = dot(m, w->u, w->c);
  w->g = dot(m, w->u, w->u);
}

/* The rank-1 system (docs/CENSUS.md): with S = t u u^T, F(S) u = (t P + l)(t g a + l u) - t R b.
 * Dividing by t P + l (never 0 at a real PSD solution) with K = t R / (t P + l):
 *   e0 = K (t P + l x0^3) - t R x0,   e_i = t g a_i + l x0^3 u_i - K x0^2 b_i   (degree 4).
 * Unknowns X = (x0, t, z_1 .. z_{m-1}, K); u = (x0, z). J's column 0 is d/dx0, through u_0 too. */
static void rank1_eval(const sgema_census_system *s, const double complex *X, double complex *F,
                       double complex *J, double complex *Fs) {
  int m = s->m, N = s->N, L = N + 1;
  rank1_work w;
  rank1_load(s, X, &w);
  double complex x0 = X[0], t = X[1], K = X[m + 1], l = s->clambda;
  double complex x02 = x0 * x0, x03 = x02 * x0;
  const double complex *Sxx = s->cSxx, *Syx = s->cSyx;
  F[0] = K * (t * w.P + l * x03) - t * w.R * x0;
  for (int i = 0; i < m; i++)
    F[1 + i] = t * w.g * w.a[i] + l * x03 * w.u[i] - K * x02 * w.b[i];
  for (int r = 0; r < N * L; r++)
    J[r] = 0.0;
  /* d/du_j, added to u_j's column: 0 for j = 0 (x0), 1 + j otherwise */
  for (int j = 0; j < m; j++) {
    int col = j == 0 ? 0 : 1 + j;
    J[col] += 2.0 * K * t * w.a[j] - t * x0 * (w.c[j] + w.b[j]);
    for (int i = 0; i < m; i++)
      J[(1 + i) * L + col] += t * (2.0 * w.u[j] * w.a[i] + w.g * Sxx[i * m + j]) +
                              (i == j ? l * x03 : 0.0) - K * x02 * Syx[j * m + i];
  }
  J[0] += 3.0 * l * K * x02 - t * w.R; /* x0's explicit powers */
  J[1] = K * w.P - w.R * x0;
  J[m + 1] = t * w.P + l * x03;
  for (int i = 0; i < m; i++) {
    double complex *row = J + (1 + i) * L;
    row[0] += 3.0 * l * x02 * w.u[i] - 2.0 * K * x0 * w.b[i];
    row[1] = w.g * w.a[i];
    row[m + 1] = -x02 * w.b[i];
  }
  if (!Fs)
    return;
  /* along the parameter path: the same forms with d = target - start in place of the data */
  double complex dX[MM], dY[MM], da[SGEMA_CENSUS_MAX_M], db[SGEMA_CENSUS_MAX_M],
      dc[SGEMA_CENSUS_MAX_M];
  for (int i = 0; i < m * m; i++) {
    dX[i] = s->target.Sxx[i] - s->start.Sxx[i];
    dY[i] = s->target.Syx[i] - s->start.Syx[i];
  }
  double complex dl = s->target.lambda - s->start.lambda;
  rank1_vectors(m, dX, dY, w.u, da, db, dc);
  double complex dP = dot(m, w.u, da), dR = dot(m, w.u, dc);
  Fs[0] = K * (t * dP + dl * x03) - t * dR * x0;
  for (int i = 0; i < m; i++)
    Fs[1 + i] = t * w.g * da[i] + dl * x03 * w.u[i] - K * x02 * db[i];
}

/* The corank-c systems (docs/CENSUS.md; c = 1, 2) from Eq. 6's block, which eval_all has put in
 * the first nS rows (F_ij, dF_ij/dx0 and dF_ij/dS_k; Fs_ij): with the kernel chart V = [x0 I_c; Z]
 * (m x c) and the unknowns X = (x0, S's upper triangle, Z row by row, Phi's upper triangle),
 *   G_ij = x0 F_ij - (V Phi V^T)_ij   (degree 3),   H_ia = (S V)_ia   (degree 2),
 * without H_ia for i < a < c: v_a^T S v_b = v_b^T S v_a makes those redundant. */
static void corank_finish(const sgema_census_system *s, const double complex *X,
                          const double complex *S, double complex *F, double complex *J,
                          double complex *Fs) {
  int m = s->m, N = s->N, L = N + 1, nS = s->nS, c = s->corank, nZ = (m - c) * c;
  double complex x0 = X[0], V[SGEMA_CENSUS_MAX_M * 2], Phi[4], VP[SGEMA_CENSUS_MAX_M * 2];
  for (int i = 0; i < m; i++)
    for (int a = 0; a < c; a++)
      V[i * c + a] = i < c ? (i == a ? x0 : 0.0) : X[nS + 1 + (i - c) * c + a];
  for (int a = 0, k = 0; a < c; a++)
    for (int b = a; b < c; b++, k++)
      Phi[a * c + b] = Phi[b * c + a] = X[nS + 1 + nZ + k];
  for (int i = 0; i < m; i++) /* V Phi (= (Phi V^T)^T) */
    for (int a = 0; a < c; a++) {
      double complex v = 0.0;
      for (int b = 0; b < c; b++)
        v += V[i * c + b] * Phi[b * c + a];
      VP[i * c + a] = v;
    }
  for (int r = 0; r < nS; r++) {
    int i = s->row[r], j = s->col[r];
    double complex *row = J + r * L, Fij = F[r], vpv = 0.0;
    for (int a = 0; a < c; a++)
      vpv += VP[i * c + a] * V[j * c + a];
    F[r] = x0 * Fij - vpv;
    row[0] = Fij + x0 * row[0] - ((i < c ? VP[j * c + i] : 0.0) + (j < c ? VP[i * c + j] : 0.0));
    for (int k = 0; k < nS; k++)
      row[k + 1] *= x0;
    for (int q = c; q < m; q++)
      for (int a = 0; a < c; a++)
        row[nS + 1 + (q - c) * c + a] =
            -((i == q ? VP[j * c + a] : 0.0) + (j == q ? VP[i * c + a] : 0.0));
    for (int a = 0, k = 0; a < c; a++)
      for (int b = a; b < c; b++, k++)
        row[nS + 1 + nZ + k] =
            -(V[i * c + a] * V[j * c + b] + (a != b ? V[i * c + b] * V[j * c + a] : 0.0));
    if (Fs)
      Fs[r] *= x0;
  }
  int e = nS;
  for (int a = 0; a < c; a++)
    for (int i = 0; i < m; i++) {
      if (i < a)
        continue;
      double complex *row = J + e * L, h = 0.0;
      for (int j = 0; j < m; j++)
        h += S[i * m + j] * V[j * c + a];
      F[e] = h;
      row[0] = S[i * m + a];
      for (int k = 0; k < nS; k++) {
        int p = s->row[k], q = s->col[k];
        row[k + 1] = (i == p ? V[q * c + a] : 0.0) + (i == q && p != q ? V[p * c + a] : 0.0);
      }
      for (int q = c; q < m; q++)
        for (int b = 0; b < c; b++)
          row[nS + 1 + (q - c) * c + b] = b == a ? S[i * m + q] : 0.0;
      for (int k = nS + 1 + nZ; k <= N; k++)
        row[k] = 0.0;
      if (Fs)
        Fs[e] = 0.0;
      e++;
    }
}

/* F, J and (when Fs is not NULL) dF/ds at X with the current coefficients. */
static int eval_all(const sgema_census_system *s, const double complex *X, double complex *F,
                    double complex *J, double complex *Fs) {
  int m = s->m, N = s->N, L = N + 1, nS = s->nS;
  if (s->kind == SGEMA_CENSUS_RANK1) {
    rank1_eval(s, X, F, J, Fs);
    return 0;
  }
  eval_work w;
  double complex D[MM], E[MM], G[MM];
  load(s, &w, X);
  eq6_value(s, &w, X[0]);
  int rankfree = s->kind == SGEMA_CENSUS_ANYRANK;
  if (rankfree) {
    anticommute(m, w.S, w.F, G);
    anticommute(m, w.S, w.F0, E);
  }
  for (int r = 0; r < nS; r++) { /* value and d/dx0 */
    int ij = s->row[r] * m + s->col[r];
    F[r] = rankfree ? G[ij] : w.F[ij];
    J[r * L] = rankfree ? E[ij] : w.F0[ij];
  }
  for (int i = 0; i < m * m; i++) {
    w.Pt[i] = w.P[i];
    w.Qt[i] = w.Q[i];
    w.Z[i] = X[0] * w.Syx[i];
  }
  for (int i = 0; i < m; i++) {
    w.Pt[i * m + i] += s->clambda * X[0];
    w.Qt[i * m + i] += s->clambda * X[0];
  }
  if (Fs)
    eq6_parameter_derivative(s, &w, X[0], Fs);
  for (int k = 0; k < nS; k++) {
    int a = s->row[k], b = s->col[k];
    eq6_direction(s, &w, a, b, D);
    if (rankfree) { /* d(S F + F S) = E F + F E + S dF + dF S */
      double complex Ek[MM] = {0};
      Ek[a * m + b] = 1.0;
      Ek[b * m + a] = 1.0;
      anticommute(m, Ek, w.F, E);
      anticommute(m, w.S, D, G);
      for (int i = 0; i < m * m; i++)
        D[i] = E[i] + G[i];
    }
    for (int r = 0; r < nS; r++)
      J[r * L + k + 1] = D[s->row[r] * m + s->col[r]];
  }
  if (s->corank > 0)
    corank_finish(s, X, w.S, F, J, Fs);
  return 0;
}

int sgema_census_system_eval(void *ctx, const double complex *X, double complex *F,
                             double complex *J) {
  return eval_all(ctx, X, F, J, NULL);
}

int sgema_census_system_par_eval(void *ctx, const double complex *X, double complex sp,
                                 double complex *F, double complex *J, double complex *Fs) {
  sgema_census_system *s = ctx;
  sgema_census_params at;
  int mm = s->m * s->m;
  for (int i = 0; i < mm; i++) {
    at.Sxx[i] = s->start.Sxx[i] + sp * (s->target.Sxx[i] - s->start.Sxx[i]);
    at.Syx[i] = s->start.Syx[i] + sp * (s->target.Syx[i] - s->start.Syx[i]);
  }
  at.lambda = s->start.lambda + sp * (s->target.lambda - s->start.lambda);
  use_params(s, &at);
  return eval_all(s, X, F, J, Fs);
}

/* Rank 1: S = Q (t u u^T) Q^T with u = (1, z). */
static void rank1_unpack(const sgema_census_system *s, const double *x, double *S) {
  int m = s->m;
  double v[SGEMA_CENSUS_MAX_M]; /* Q u */
  for (int i = 0; i < m; i++) {
    v[i] = s->Q[i * m];
    for (int k = 1; k < m; k++)
      v[i] += s->Q[i * m + k] * x[k];
  }
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++)
      S[i * m + j] = x[0] * v[i] * v[j];
}

void sgema_census_unpack(const sgema_census_system *s, const double *x, double *S) {
  if (s->kind == SGEMA_CENSUS_RANK1) {
    rank1_unpack(s, x, S);
    return;
  }
  int m = s->m;
  double R[MM];
  for (int k = 0; k < s->nS; k++) {
    R[s->row[k] * m + s->col[k]] = x[k];
    R[s->col[k] * m + s->row[k]] = x[k];
  }
  if (s->corank == 0) {
    memcpy(S, R, (size_t)m * m * sizeof *S);
    return;
  }
  /* S = Q R Q^T: the corank-1 system is solved in rotated coordinates */
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) {
      double v = 0.0;
      for (int k = 0; k < m; k++)
        for (int l = 0; l < m; l++)
          v += s->Q[i * m + k] * R[k * m + l] * s->Q[j * m + l];
      S[i * m + j] = v;
    }
}

void sgema_census_pack(const sgema_census_system *s, const double *S, double *x) {
  for (int k = 0; k < s->N; k++)
    x[k] = S[s->row[k] * s->m + s->col[k]];
}

static double fro(int m, const double complex *A) {
  double v = 0.0;
  for (int i = 0; i < m * m; i++)
    v += creal(A[i] * conj(A[i]));
  return sqrt(v);
}

/* F(S) at x0 = 1 with the data in its own coordinates, and the sum of its terms' norms (the scale
 * a residual is relative to). */
static double eq6_real(const sgema_census_system *s, const double *S, eval_work *w) {
  int m = s->m;
  double complex T[MM], U[MM];
  w->Sxx = s->dSxx;
  w->Syx = s->dSyx;
  w->SyxT = s->dSyxT;
  w->l = s->lambda;
  for (int i = 0; i < m * m; i++)
    w->S[i] = S[i];
  eq6_value(s, w, 1.0);
  cmul(m, w->P, w->Q, T);
  cmul(m, w->SyxT, w->S, U);
  double complex V[MM];
  cmul(m, U, w->Syx, V);
  for (int i = 0; i < m * m; i++)
    U[i] = w->P[i] + w->Q[i];
  return fro(m, T) + s->lambda * fro(m, U) + s->lambda * s->lambda * sqrt((double)m) + fro(m, V);
}

double sgema_census_residual_eq6(const sgema_census_system *s, const double *S) {
  eval_work w;
  double scale = eq6_real(s, S, &w);
  return fro(s->m, w.F) / scale;
}

double sgema_census_residual_anyrank(const sgema_census_system *s, const double *S) {
  eval_work w;
  double scale = eq6_real(s, S, &w);
  double complex G[MM];
  cmul(s->m, w.S, w.F, G);
  return fro(s->m, G) / (fro(s->m, w.S) * scale + 1e-300);
}

void sgema_census_F(const sgema_census_system *s, const double *S, double *F) {
  eval_work w;
  eq6_real(s, S, &w);
  for (int i = 0; i < s->m * s->m; i++)
    F[i] = creal(w.F[i]);
}
