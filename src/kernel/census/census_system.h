/* The polynomial systems of the census: Eq. 6 in the entries of a symmetric S, its rank-free form
 * S F(S) + F(S) S = 0 and the rank-1 system in S = t u u^T (docs/CENSUS.md). */
#ifndef SGEMA_CENSUS_SYSTEM_H
#define SGEMA_CENSUS_SYSTEM_H

#include "homotopy.h"
#include "sgema/census.h"
#include "sgema/problem.h"

#define SGEMA_CENSUS_MAX_M 4
/* the corank-2 system's: S's upper triangle, Z ((m - 2) x 2) and Phi (2 x 2 symmetric) */
#define SGEMA_CENSUS_MAX_UNKNOWNS                                                                  \
  (SGEMA_CENSUS_MAX_M * (SGEMA_CENSUS_MAX_M + 1) / 2 + 2 * (SGEMA_CENSUS_MAX_M - 2) + 3)

/* The coefficients of the census' systems, complex for the generic start system of the parameter
 * homotopy (Sxx complex symmetric, Syx and lambda any complex numbers). */
typedef struct {
  double complex Sxx[SGEMA_CENSUS_MAX_M * SGEMA_CENSUS_MAX_M];
  double complex Syx[SGEMA_CENSUS_MAX_M * SGEMA_CENSUS_MAX_M];
  double complex lambda;
} sgema_census_params;

typedef struct {
  sgema_census_system_kind kind;
  /* N unknowns: Eq. 6 and rank-free, m (m + 1) / 2, the upper triangle of S row by row; rank 1,
   * m + 1: t, z_1 .. z_{m-1} and K, with S = Q (t u u^T) Q^T and u = (1, z); corank 1,
   * m (m + 1) / 2 + m: the upper triangle of R, z_1 .. z_{m-1} and phi, with S = Q R Q^T,
   * R v = 0 and F(R) = phi v v^T for v = (1, z) (in the rotated data); corank 2,
   * m (m + 1) / 2 + 2 (m - 2) + 3: R's upper triangle, Z and Phi's upper triangle, R V = 0 and
   * F(R) = V Phi V^T for V = [I_2; Z] */
  int m, N;
  int nS;     /* of the N, the entries of S's upper triangle (the first ones; 0 for rank 1) */
  int corank; /* the corank-c systems' c (1, 2: the kernel chart V = [I_c; Z]), else 0 */
  double lambda;
  double Sxx[SGEMA_CENSUS_MAX_M * SGEMA_CENSUS_MAX_M]; /* the data, in its own coordinates */
  double Syx[SGEMA_CENSUS_MAX_M * SGEMA_CENSUS_MAX_M];
  double complex dSxx[SGEMA_CENSUS_MAX_M * SGEMA_CENSUS_MAX_M]; /* complex copies for residuals */
  double complex dSyx[SGEMA_CENSUS_MAX_M * SGEMA_CENSUS_MAX_M];
  double complex dSyxT[SGEMA_CENSUS_MAX_M * SGEMA_CENSUS_MAX_M];
  /* rank 1: a fixed generic rotation; the system is solved for Q^T Sxx Q, Q^T Syx Q, so that the
   * chart u_1 = 1 misses no real rank-1 equilibrium of special data (diagonal statistics); the
   * identity for the other systems and the generic start system */
  double Q[SGEMA_CENSUS_MAX_M * SGEMA_CENSUS_MAX_M];
  double Q0[SGEMA_CENSUS_MAX_M * SGEMA_CENSUS_MAX_M]; /* chart 0's, Q's columns turned from */
  /* the coefficients the evaluations use (complex copies: Sxx, Syx, Syx^T, lambda): the target's,
   * or a point on the parameter homotopy's path */
  double complex cSxx[SGEMA_CENSUS_MAX_M * SGEMA_CENSUS_MAX_M];
  double complex cSyx[SGEMA_CENSUS_MAX_M * SGEMA_CENSUS_MAX_M];
  double complex cSyxT[SGEMA_CENSUS_MAX_M * SGEMA_CENSUS_MAX_M];
  double complex clambda;
  sgema_census_params target, start; /* the parameter homotopy's ends (s = 1 and s = 0) */
  int degrees[SGEMA_CENSUS_MAX_UNKNOWNS];
  int row[SGEMA_CENSUS_MAX_UNKNOWNS], col[SGEMA_CENSUS_MAX_UNKNOWNS]; /* unknown k is S[row][col] */
} sgema_census_system;

/* Sets the system of kind for p's statistics (p->m <= SGEMA_CENSUS_MAX_M). */
int sgema_census_system_init(sgema_census_system *s, const sgema_problem *p,
                             sgema_census_system_kind kind);

/* Rank 1: solves in chart k (0 <= k < m) instead, the rotation's columns turned by k, u's first
 * coordinate the data's component along Q's column k: every direction is well inside one of the m
 * charts (its largest component is at least 1/sqrt(m) of it), while one chart's solutions with
 * u_1 near 0 have large z and end as singular or infinite paths. */
void sgema_census_system_set_chart(sgema_census_system *s, int k);

/* The system of kind with the complex coefficients prm (m <= SGEMA_CENSUS_MAX_M): the generic
 * start system of the parameter homotopy. Only the complex evaluations apply to it. */
int sgema_census_system_init_params(sgema_census_system *s, int m, const sgema_census_params *prm,
                                    sgema_census_system_kind kind);

/* The fixed seed of the generic systems ("SGMA"): their coefficients and the gammas that solve
 * them. */
#define SGEMA_CENSUS_GENERIC_SEED 0x53474d41ull

/* A path end is a root of a generic system when complex Newton (8 steps) ends on a regular root
 * (sgema_tracker_regular_root): a last relative step of TOL, or of rounding over the scaled pivot
 * ratio up to FLOOR, with a scaled pivot ratio of at least RCOND (between the 3e-9 to 8e-9 of
 * double roots and the 8e-8 and more of large regular ones). TOL alone with an unscaled ratio of
 * 1e-9 (until s31) refused large regular roots at random and left the m = 4 start systems
 * incomplete (docs/CENSUS.md). */
#define SGEMA_START_ROOT_TOL 1e-12
#define SGEMA_START_ROOT_FLOOR 1e-8
#define SGEMA_START_ROOT_RCOND 2.5e-8

/* The generic coefficients of size m from a fixed seed (Philox, census stream): Sxx complex
 * symmetric, Syx complex, lambda complex, entries of modulus about 1 (lambda about 0.1, the
 * data's scale), the same on every call. */
void sgema_census_generic_params(int m, sgema_census_params *out);
/* ... drawn alike from the stream (generic seed, run, trial): the generic ones are run m, trial 0
 * (monodromy's loops draw others) */
void sgema_census_generic_params_from(int m, uint32_t run, uint32_t trial,
                                      sgema_census_params *out);

/* The family F(X; s) with coefficients start + s (target - start), target = s's own, as the
 * parameter homotopy's callback (ctx = s). Evaluations move s's coefficients along the path:
 * sgema_census_system_at_target puts them back (before any Newton or residual on the target). */
void sgema_census_system_par(sgema_census_system *s, const sgema_census_params *start,
                             sgema_par_system *out);
int sgema_census_system_par_eval(void *ctx, const double complex *X, double complex sp,
                                 double complex *F, double complex *J, double complex *Fs);
void sgema_census_system_at_target(sgema_census_system *s);
/* The family's value alone in extended precision (census_system_ld.c), with the coefficients
 * start + sp (target - start) formed in extended precision; leaves s unchanged. */
int sgema_census_system_par_value_ld(void *ctx, const long double complex *X,
                                     long double complex sp, long double complex *F);

/* The system as the tracker's callback (ctx = the sgema_census_system). */
void sgema_census_system_hom(sgema_census_system *s, sgema_hom_system *out);
int sgema_census_system_eval(void *ctx, const double complex *X, double complex *F,
                             double complex *J);

/* S (m x m, symmetric, row-major) from the N unknowns (rank 1: S = Q (t u u^T) Q^T; corank 1:
 * S = Q R Q^T), and back (Eq. 6 and the rank-free system only: the census never packs the
 * others). */
void sgema_census_unpack(const sgema_census_system *s, const double *x, double *S);
void sgema_census_pack(const sgema_census_system *s, const double *S, double *x);

/* Relative residual of a real S: |F(S)| over the sum of its terms' norms (Eq. 6), or |S F(S)|
 * over |S| times that sum (the rank-free condition S F(S) = 0, which is what an equilibrium of
 * any rank needs). */
double sgema_census_residual_eq6(const sgema_census_system *s, const double *S);
double sgema_census_residual_anyrank(const sgema_census_system *s, const double *S);

/* F(S) = (Sxx S + l I)(S Sxx + l I) - Sxy S Syx for a real symmetric S (m x m). */
void sgema_census_F(const sgema_census_system *s, const double *S, double *F);

#endif
