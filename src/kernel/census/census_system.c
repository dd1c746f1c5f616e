/* Eq. 6 and its rank-free form as homogeneous polynomial systems with analytic Jacobians. */
#include "census_system.h"

#include "sgema/rng.h"
#include "sgema/status.h"

#include <gsl/gsl_randist.h>

#include <math.h>
#include <string.h>

#define MM (SGEMA_CENSUS_MAX_M * SGEMA_CENSUS_MAX_M)

static void set_layout(sgema_census_system *s, int m, sgema_census_system_kind kind);
static void use_params(sgema_census_system *s, const sgema_census_params *prm);

int sgema_census_system_init(sgema_census_system *s, const sgema_problem *p,
                             sgema_census_system_kind kind) {
  if (p->m < 1 || p->m > SGEMA_CENSUS_MAX_M)
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
    }
  for (int i = 0; i < m * m; i++) {
    s->target.Sxx[i] = s->Sxx[i];
    s->target.Syx[i] = s->Syx[i];
  }
  s->target.lambda = s->lambda;
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
  if (m < 1 || m > SGEMA_CENSUS_MAX_M)
    return SGEMA_EDIM;
  memset(s, 0, sizeof *s);
  s->kind = kind;
  s->m = m;
  s->target = *prm;
  set_layout(s, m, kind);
  sgema_census_system_at_target(s);
  return SGEMA_OK;
}

void sgema_census_generic_params(int m, sgema_census_params *out) {
  memset(out, 0, sizeof *out);
  gsl_rng *g = sgema_rng_alloc();
  if (!g)
    return;
  sgema_rng_seek(g, SGEMA_CENSUS_GENERIC_SEED, (uint32_t)m, 0, SGEMA_STREAM_CENSUS);
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
}

/* The unknowns' layout (the upper triangle, row by row) and the degrees. */
static void set_layout(sgema_census_system *s, int m, sgema_census_system_kind kind) {
  s->N = m * (m + 1) / 2;
  int k = 0;
  for (int i = 0; i < m; i++)
    for (int j = i; j < m; j++) {
      s->row[k] = i;
      s->col[k] = j;
      s->degrees[k] = kind == SGEMA_CENSUS_EQ6 ? 2 : 3;
      k++;
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
  double complex S[MM], P[MM], Q[MM], F[MM], F0[MM]; /* P = Sxx S, Q = S Sxx, F0 = dF/dx0 */
  double complex Pt[MM], Qt[MM], Z[MM];              /* for the directions (eq6_direction) */
} eval_work;

/* F(S, x0) (homogeneous of degree 2) and dF/dx0. */
static void eq6_value(const sgema_census_system *s, eval_work *w, double complex x0) {
  int m = s->m;
  double complex l = s->clambda;
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
  for (int k = 0; k < s->N; k++) {
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
  for (int r = 0; r < s->N; r++)
    Fs[r] = D[s->row[r] * m + s->col[r]];
}

/* F, J and (when Fs is not NULL) dF/ds at X with the current coefficients. */
static int eval_all(const sgema_census_system *s, const double complex *X, double complex *F,
                    double complex *J, double complex *Fs) {
  int m = s->m, N = s->N, L = N + 1;
  eval_work w;
  double complex D[MM], E[MM], G[MM];
  load(s, &w, X);
  eq6_value(s, &w, X[0]);
  int rankfree = s->kind == SGEMA_CENSUS_ANYRANK;
  if (rankfree) {
    anticommute(m, w.S, w.F, G);
    anticommute(m, w.S, w.F0, E);
  }
  for (int r = 0; r < N; r++) { /* value and d/dx0 */
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
  for (int k = 0; k < N; k++) {
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
    for (int r = 0; r < N; r++)
      J[r * L + k + 1] = D[s->row[r] * m + s->col[r]];
  }
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

void sgema_census_unpack(const sgema_census_system *s, const double *x, double *S) {
  int m = s->m;
  for (int k = 0; k < s->N; k++) {
    S[s->row[k] * m + s->col[k]] = x[k];
    S[s->col[k] * m + s->row[k]] = x[k];
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

/* F(S) at x0 = 1 and the sum of its terms' norms (the scale a residual is relative to). */
static double eq6_real(const sgema_census_system *s, const double *S, eval_work *w) {
  int m = s->m;
  double complex X[1 + SGEMA_CENSUS_MAX_UNKNOWNS], T[MM], U[MM];
  X[0] = 1.0;
  double x[SGEMA_CENSUS_MAX_UNKNOWNS];
  sgema_census_pack(s, S, x);
  for (int k = 0; k < s->N; k++)
    X[k + 1] = x[k];
  load(s, w, X);
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
