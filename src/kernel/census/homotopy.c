/* Total-degree homotopy continuation in projective coordinates: predictor-corrector, endgame. */
#include "homotopy.h"

#include "sgema/rng.h"
#include "sgema/status.h"

#include <float.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const path_end_names[SGEMA_PATH_COUNT] = {"converged", "infinity", "singular",
                                                             "failed"};

const char *sgema_path_end_name(sgema_path_end e) {
  return (unsigned)e < SGEMA_PATH_COUNT ? path_end_names[e] : "unknown";
}

void sgema_tracker_settings_default(sgema_tracker_settings *s) {
  s->step_init = 0.05;
  s->step_min = 1e-10;
  s->step_max = 0.25;
  s->corrector_tol = 1e-9;
  s->corrector_iters = 3;
  s->contraction = 0.5;
  s->step_target = 5e-4;
  s->step_noise = 100.0;
  s->step_x0_min = 1e-3;
  s->retrack_corrector_iters = 10;
  s->retrack_contraction = 0.95;
  s->extended = 0;
  s->max_steps = 5000;
  s->endgame_t = 0.99;
  s->infinity_tol = 1e-8;
  s->infinity_early = 1e-6;
  s->singular_rcond = 1e-9;
}

struct sgema_tracker {
  int N_max;
  int N;                        /* the current system's number of equations */
  const sgema_hom_system *sys;  /* total-degree mode: the target system, else NULL */
  const sgema_par_system *psys; /* parameter mode: the parameterised family, else NULL */
  gsl_rng *rng;
  double complex gamma;
  double complex *patch; /* N + 1: moves with the path (orthogonal_patch) */
  /* N + 1: drawn with gamma; every start of a pass is scaled onto it, so a path's rounding does
   * not depend on where the path before it left the moving patch */
  double complex *start_patch;
  double complex *X, *Xs, *dX; /* N + 1: the point, a trial point, a step */
  double complex *X_start;     /* N + 1: the path's start, kept for a retrack */
  double complex *k[4];        /* N + 1 each: Runge-Kutta stages */
  double complex *F, *G, *Fs;  /* N: target and start values, dF/ds (parameter mode) */
  double complex *JF;          /* N x (N + 1): the target's Jacobian */
  double complex *M, *rhs;     /* (N + 1)^2 and N + 1: the linear system of a step */
  /* N + 1 each (Fl: N): the point, a trial point, the patch and the residual of the
   * extended-precision re-track */
  long double complex *Xl, *Xsl, *patchl, *Fl;
  int *piv;               /* N + 1 */
  int (*stop)(void *ctx); /* the stop request (sgema_tracker_set_stop), or NULL */
  void *stop_ctx;
  int stopped; /* the solve in progress saw a stop request */
  /* the last corrector's first relative Newton step and its rounding floor (step control) */
  double first_step, first_floor;
  int k0_at_X; /* k[0] is the tangent at the current (X, t): a step retried after a rejection
                * starts from the same point and reuses it */
};

/* Steps between two polls of the stop request along a path (a step at m = 4 takes microseconds,
 * a path hundreds of steps). */
enum { TRACK_POLL_EVERY = 16 };

void sgema_tracker_set_stop(sgema_tracker *t, int (*stop)(void *ctx), void *ctx) {
  t->stop = stop;
  t->stop_ctx = ctx;
}

/* Polls the stop request; once it was seen, the solve in progress only unwinds. */
static int tracker_stopped(sgema_tracker *t) {
  if (!t->stopped && t->stop && t->stop(t->stop_ctx))
    t->stopped = 1;
  return t->stopped;
}

sgema_tracker *sgema_tracker_alloc(int N_max) {
  if (N_max < 1 || N_max > 64)
    return NULL;
  sgema_tracker *t = calloc(1, sizeof *t);
  if (!t)
    return NULL;
  size_t L = (size_t)N_max + 1;
  t->N_max = N_max;
  t->rng = sgema_rng_alloc();
  double complex **vecs[] = {&t->patch, &t->start_patch, &t->X,    &t->Xs,     &t->dX,
                             &t->k[0],  &t->k[1],        &t->k[2], &t->k[3],   &t->F,
                             &t->G,     &t->rhs,         &t->Fs,   &t->X_start};
  int ok = t->rng != NULL;
  for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++)
    ok = ok && (*vecs[i] = malloc(L * sizeof(double complex))) != NULL;
  ok = ok && (t->JF = malloc(L * L * sizeof(double complex))) != NULL;
  ok = ok && (t->M = malloc(L * L * sizeof(double complex))) != NULL;
  ok = ok && (t->piv = malloc(L * sizeof(int))) != NULL;
  long double complex **lvecs[] = {&t->Xl, &t->Xsl, &t->patchl, &t->Fl};
  for (size_t i = 0; i < sizeof lvecs / sizeof lvecs[0]; i++)
    ok = ok && (*lvecs[i] = malloc(L * sizeof(long double complex))) != NULL;
  if (!ok) {
    sgema_tracker_free(t);
    return NULL;
  }
  return t;
}

void sgema_tracker_free(sgema_tracker *t) {
  if (!t)
    return;
  sgema_rng_free(t->rng);
  double complex *vecs[] = {t->patch, t->start_patch, t->X,    t->Xs,     t->dX, t->k[0],
                            t->k[1],  t->k[2],        t->k[3], t->F,      t->G,  t->rhs,
                            t->JF,    t->M,           t->Fs,   t->X_start};
  for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++)
    free(vecs[i]);
  long double complex *lvecs[] = {t->Xl, t->Xsl, t->patchl, t->Fl};
  for (size_t i = 0; i < sizeof lvecs / sizeof lvecs[0]; i++)
    free(lvecs[i]);
  free(t->piv);
  free(t);
}

static double cnorm(const double complex *x, int L) {
  double s = 0.0;
  for (int i = 0; i < L; i++)
    s += creal(x[i]) * creal(x[i]) + cimag(x[i]) * cimag(x[i]);
  return sqrt(s);
}

/* |Re| + |Im|: a modulus within sqrt(2) of |z|, enough to choose pivots, without hypot. */
static inline double mod1(double complex z) {
  return fabs(creal(z)) + fabs(cimag(z));
}

/* LU with partial pivoting of the L x L matrix M in place (hand-written: at L <= 11 a library
 * call's overhead would exceed the work). Returns the ratio of the smallest to the largest pivot
 * modulus, a cheap reciprocal condition estimate; 0 when singular. */
static double lu_factor(double complex *M, int *piv, int L) {
  double pmin = INFINITY, pmax = 0.0;
  for (int c = 0; c < L; c++) {
    int p = c;
    double best = mod1(M[c * L + c]);
    for (int r = c + 1; r < L; r++) {
      double v = mod1(M[r * L + c]);
      if (v > best) {
        best = v;
        p = r;
      }
    }
    piv[c] = p;
    if (best == 0.0)
      return 0.0;
    if (p != c)
      for (int j = 0; j < L; j++) {
        double complex tmp = M[c * L + j];
        M[c * L + j] = M[p * L + j];
        M[p * L + j] = tmp;
      }
    pmin = fmin(pmin, best);
    pmax = fmax(pmax, best);
    double complex inv = 1.0 / M[c * L + c];
    for (int r = c + 1; r < L; r++) {
      double complex f = M[r * L + c] * inv;
      M[r * L + c] = f;
      for (int j = c + 1; j < L; j++)
        M[r * L + j] -= f * M[c * L + j];
    }
  }
  return pmin / pmax;
}

static void lu_solve(const double complex *M, const int *piv, int L, double complex *b) {
  for (int c = 0; c < L; c++) /* whole rows were swapped, multipliers included: P first */
    if (piv[c] != c) {
      double complex tmp = b[c];
      b[c] = b[piv[c]];
      b[piv[c]] = tmp;
    }
  for (int c = 0; c < L; c++)
    for (int r = c + 1; r < L; r++)
      b[r] -= M[r * L + c] * b[c];
  for (int r = L - 1; r >= 0; r--) {
    for (int j = r + 1; j < L; j++)
      b[r] -= M[r * L + j] * b[j];
    b[r] /= M[r * L + r];
  }
}

static double complex cpow_int(double complex z, int d) {
  double complex r = 1.0;
  for (int i = 0; i < d; i++)
    r *= z;
  return r;
}

/* The parameter homotopy's path s(t) = t + gamma t (1 - t): from s = 0 (the start parameters) to
 * s = 1 (the target) along a parabolic arc in the complex s-plane whose bulge, set by the random
 * gamma (|gamma| = 1), moves it away from the finitely many s where roots meet or diverge (a
 * fixed path would pass near one for some data); *dsdt receives ds/dt. */
static double complex param_arc(double complex gamma, double t, double complex *dsdt) {
  *dsdt = 1.0 + gamma * (1.0 - 2.0 * t);
  return t + gamma * t * (1.0 - t);
}

/* H(X, t) and its Jacobian H_X (into tr->M's first N rows), as either homotopy defines them;
 * rhs = -H (newton) or -H_t (tangent). Returns nonzero when the callback refuses. */
static int homotopy_rows(sgema_tracker *tr, const double complex *X, double t, int newton) {
  int N = tr->N, L = N + 1;
  if (tr->psys) {
    double complex dsdt, s = param_arc(tr->gamma, t, &dsdt);
    /* dF/ds only for the tangent: Newton holds s fixed */
    if (tr->psys->eval(tr->psys->ctx, X, s, tr->F, tr->M, newton ? NULL : tr->Fs) != 0)
      return 1;
    for (int i = 0; i < N; i++)
      tr->rhs[i] = newton ? -tr->F[i] : -tr->Fs[i] * dsdt;
    return 0;
  }
  const sgema_hom_system *sys = tr->sys;
  if (sys->eval(sys->ctx, X, tr->F, tr->JF) != 0)
    return 1;
  double complex g = (1.0 - t) * tr->gamma;
  for (int i = 0; i < N; i++) {
    int d = sys->degrees[i];
    double complex xd1 = cpow_int(X[i + 1], d - 1), x0d1 = cpow_int(X[0], d - 1);
    tr->G[i] = xd1 * X[i + 1] - x0d1 * X[0];
    for (int j = 0; j < L; j++)
      tr->M[i * L + j] = t * tr->JF[i * L + j];
    tr->M[i * L + i + 1] += g * (double)d * xd1;
    tr->M[i * L] -= g * (double)d * x0d1;
    tr->rhs[i] = newton ? -(g * tr->G[i] + t * tr->F[i]) : -(tr->F[i] - tr->gamma * tr->G[i]);
  }
  return 0;
}

/* Fills M = [H_X; patch] at (X, t) and, as asked, rhs = -[H; patch.X - 1] (newton) or
 * rhs = -[H_t; 0] (tangent). Returns nonzero when the callback refuses. */
static int homotopy_system(sgema_tracker *tr, const double complex *X, double t, int newton) {
  int N = tr->N, L = N + 1;
  if (homotopy_rows(tr, X, t, newton) != 0)
    return 1;
  double complex px = 0.0;
  for (int j = 0; j < L; j++) {
    tr->M[N * L + j] = tr->patch[j];
    px += tr->patch[j] * X[j];
  }
  tr->rhs[N] = newton ? 1.0 - px : 0.0;
  return 0;
}

/* dX/dt along the path at (X, t), into out. */
static int tangent(sgema_tracker *tr, const double complex *X, double t, double complex *out) {
  int L = tr->N + 1;
  if (homotopy_system(tr, X, t, 0) != 0 || lu_factor(tr->M, tr->piv, L) == 0.0)
    return 1;
  lu_solve(tr->M, tr->piv, L, tr->rhs);
  memcpy(out, tr->rhs, (size_t)L * sizeof *out);
  return 0;
}

/* Classical Runge-Kutta predictor from (tr->X, t) over h, into tr->Xs. */
static int predict(sgema_tracker *tr, double t, double h) {
  int L = tr->N + 1;
  static const double c[4] = {0.0, 0.5, 0.5, 1.0};
  for (int s = tr->k0_at_X ? 1 : 0; s < 4; s++) {
    for (int j = 0; j < L; j++)
      tr->Xs[j] = s == 0 ? tr->X[j] : tr->X[j] + c[s] * h * tr->k[s - 1][j];
    if (tangent(tr, tr->Xs, t + c[s] * h, tr->k[s]) != 0)
      return 1;
    tr->k0_at_X = 1;
  }
  for (int j = 0; j < L; j++)
    tr->Xs[j] =
        tr->X[j] + h / 6.0 * (tr->k[0][j] + 2.0 * tr->k[1][j] + 2.0 * tr->k[2][j] + tr->k[3][j]);
  return 0;
}

/* The relative Newton step accepted as converged: tol, or rounding over the pivot ratio rcond. */
static double accuracy_floor(double tol, double rcond) {
  return fmax(tol, 16.0 * DBL_EPSILON / rcond);
}

/* The Newton step of the system in tr->M, tr->rhs (solved in place into rhs); returns the pivot
 * ratio (into *rcond when asked), 0 when singular. */
static double newton_solve(sgema_tracker *tr, double *rcond) {
  int L = tr->N + 1;
  double rc = lu_factor(tr->M, tr->piv, L);
  if (rcond)
    *rcond = rc;
  if (rc != 0.0)
    lu_solve(tr->M, tr->piv, L, tr->rhs);
  return rc;
}

/* After Newton step `it` of relative size dn / xn: 0 converged (at floor), 1 failed (diverging,
 * or not contracting: the step was too long), -1 go on; *prev keeps the last step's size.
 * With `estimate`, converged also when the error left after this step, estimated from the
 * observed contraction theta = dn / prev as dn theta / (1 - theta) (Deuflhard's a-posteriori
 * bound for a contracting Newton sequence), is at floor: waiting for the next step to be that
 * small costs a third Newton iteration on most steps for an error already far below floor. */
static int newton_verdict(int it, double dn, double xn, double floor, double contraction,
                          int estimate, double *prev) {
  if (!(dn <= xn * 1e12))
    return 1;
  if (dn <= floor * xn)
    return 0;
  if (it > 0 && dn > contraction * *prev)
    return 1;
  if (estimate && it > 0) {
    double theta = dn / *prev;
    if (dn * theta / (1.0 - theta) <= floor * xn)
      return 0;
  }
  *prev = dn;
  return -1;
}

/* The first Newton step of a corrector, for the step control. */
static void note_first_step(sgema_tracker *tr, int it, double dn, double xn, double floor) {
  if (it == 0) {
    tr->first_step = dn / xn;
    tr->first_floor = floor;
  }
}

/* Newton at fixed t on X in place; 0 when it converged (a contracting sequence reaching tol),
 * and the last pivot ratio in *rcond. */
static int correct(sgema_tracker *tr, double complex *X, double t, int iters, double tol,
                   double contraction, int estimate, double *rcond) {
  int L = tr->N + 1;
  double prev = INFINITY;
  for (int it = 0; it < iters; it++) {
    double rc;
    if (homotopy_system(tr, X, t, 1) != 0 || (rc = newton_solve(tr, rcond)) == 0.0)
      return 1;
    double dn = cnorm(tr->rhs, L), xn = cnorm(X, L);
    for (int j = 0; j < L; j++)
      X[j] += tr->rhs[j];
    note_first_step(tr, it, dn, xn, 16.0 * DBL_EPSILON / rc);
    /* Converged at tol, or at the accuracy this Jacobian allows (rounding over the pivot ratio):
     * a path passing near a singular point (roots at infinity meeting) cannot do better there. */
    int verdict = newton_verdict(it, dn, xn, accuracy_floor(tol, rc), contraction, estimate, &prev);
    if (verdict >= 0)
      return verdict;
  }
  return 1;
}

static double x0_ratio(const double complex *X, int L) {
  return cabs(X[0]) / cnorm(X, L);
}

/* The end of one path: classified at t = 1, or where it got stuck past the endgame's t. */
static sgema_path_end finish_path(sgema_tracker *tr, const sgema_tracker_settings *s, double t,
                                  double *rcond) {
  int L = tr->N + 1;
  *rcond = 0.0;
  if (t >= 1.0) {
    memcpy(tr->Xs, tr->X, (size_t)L * sizeof *tr->X);
    double rc = 0.0;
    /* a singular end keeps its t = 1 point */
    if (correct(tr, tr->Xs, 1.0, 4, 1e-14, s->contraction, 0, &rc) == 0)
      memcpy(tr->X, tr->Xs, (size_t)L * sizeof *tr->X);
    *rcond = rc;
    if (x0_ratio(tr->X, L) < s->infinity_tol)
      return SGEMA_PATH_INFINITY;
    return rc < s->singular_rcond ? SGEMA_PATH_SINGULAR : SGEMA_PATH_CONVERGED;
  }
  if (t < s->endgame_t)
    return SGEMA_PATH_FAILED;
  /* Stuck close to t = 1: an ill-conditioned end, at infinity when x0 is already small. */
  return x0_ratio(tr->X, L) < fmax(s->infinity_early, 1e-4) ? SGEMA_PATH_INFINITY
                                                            : SGEMA_PATH_SINGULAR;
}

/* X scaled to unit norm and the patch moved to it, a . X = |X|^2 = 1: the affine chart of the
 * projective path follows the point, so paths from large start roots (|x| ~ 1e3, x0 ~ 1e-3 on a
 * fixed random patch) stay well scaled; at m = 4 their failures were 2-7% against 0.08% for the
 * others (docs/CENSUS.md). The projective path, hence its end, does not depend on the patch. */
static void orthogonal_patch(sgema_tracker *tr) {
  int L = tr->N + 1;
  double n2 = 0.0;
  for (int j = 0; j < L; j++)
    n2 += creal(tr->X[j] * conj(tr->X[j]));
  double n = sqrt(n2);
  for (int j = 0; j < L; j++) {
    tr->X[j] /= n;
    tr->patch[j] = conj(tr->X[j]);
  }
}

/* The extended-precision re-track of a failed parameter path (s36). Failed paths stop at the
 * step floor near infinity (|x0| / |X| ~ 1e-4..1e-6), where the Jacobian's pivot ratio is
 * 1e-11..1e-13: F in double then leaves Newton steps of 1e-3 relative noise, at any step size
 * (docs/CENSUS.md, "Extended-precision residuals"). Mixed precision, as iterative refinement:
 * the point and the residual in long double, the Jacobian, its LU and the predictor in double
 * (an LU accurate to 1e-16 relative still contracts Newton by about eps / pivot ratio per step). */

static long double cnorm_ld(const long double complex *x, int L) {
  long double s = 0.0L;
  for (int i = 0; i < L; i++)
    s += creall(x[i]) * creall(x[i]) + cimagl(x[i]) * cimagl(x[i]);
  return sqrtl(s);
}

/* orthogonal_patch for the extended point; tr->X and the double patch (the Jacobian's last row)
 * its rounding. */
static void orthogonal_patch_ld(sgema_tracker *tr) {
  int L = tr->N + 1;
  long double n = cnorm_ld(tr->Xl, L);
  for (int j = 0; j < L; j++) {
    tr->Xl[j] /= n;
    tr->patchl[j] = conjl(tr->Xl[j]);
    tr->patch[j] = (double complex)tr->patchl[j];
    tr->X[j] = (double complex)tr->Xl[j];
  }
}

/* M = [H_X; patch] at X rounded to double, rhs = -[H; patch.X - 1] with H and patch.X in
 * extended precision. */
static int newton_system_ld(sgema_tracker *tr, const long double complex *X, double t) {
  int N = tr->N, L = N + 1;
  for (int j = 0; j < L; j++)
    tr->dX[j] = (double complex)X[j];
  double complex dsdt, s = param_arc(tr->gamma, t, &dsdt);
  long double tl = t;
  long double complex sl = tl + (long double complex)tr->gamma * tl * (1.0L - tl);
  if (tr->psys->eval(tr->psys->ctx, tr->dX, s, tr->F, tr->M, NULL) != 0 ||
      tr->psys->value_ld(tr->psys->ctx, X, sl, tr->Fl) != 0)
    return 1;
  long double complex px = 0.0L;
  for (int j = 0; j < L; j++) {
    tr->M[N * L + j] = tr->patch[j];
    px += tr->patchl[j] * X[j];
  }
  for (int i = 0; i < N; i++)
    tr->rhs[i] = (double complex) - tr->Fl[i];
  tr->rhs[N] = (double complex)(1.0L - px);
  return 0;
}

/* correct() with the point and the residual in extended precision: the accuracy floor is
 * rounding in long double over the pivot ratio. */
static int correct_ld(sgema_tracker *tr, long double complex *X, double t, int iters, double tol,
                      double contraction, int estimate, double *rcond) {
  int L = tr->N + 1;
  double prev = INFINITY;
  for (int it = 0; it < iters; it++) {
    double rc;
    if (newton_system_ld(tr, X, t) != 0 || (rc = newton_solve(tr, rcond)) == 0.0)
      return 1;
    double dn = cnorm(tr->rhs, L), xn = (double)cnorm_ld(X, L);
    for (int j = 0; j < L; j++)
      X[j] += (long double complex)tr->rhs[j];
    note_first_step(tr, it, dn, xn, 16.0 * LDBL_EPSILON / rc);
    int verdict = newton_verdict(it, dn, xn, fmax(tol, 16.0 * LDBL_EPSILON / rc), contraction,
                                 estimate, &prev);
    if (verdict >= 0)
      return verdict;
  }
  return 1;
}

/* The step control and the corrector's contraction estimate (sgema_tracker_settings.step_target)
 * at (tr->X, t): parameter homotopies before the endgame, away from infinity. Near t = 1 paths
 * close in on clustered and singular roots, where a point's last digits decide its root (one
 * rank-2 equilibrium 3e-5 from another was lost with the estimate there); near infinity the
 * Jacobian's pivot ratio falls to 1e-10 and below (with the rules there too, a whole m = 4 row
 * ended with 0.106% of its paths failed against 0.057%); total-degree homotopies, the cross-checks
 * and the fallback, lost a root of the m = 2 rank-free generic system with them (s40). */
static int adaptive(const sgema_tracker *tr, const sgema_tracker_settings *s, double t) {
  return tr->psys && s->step_target > 0.0 && t < s->endgame_t &&
         x0_ratio(tr->X, tr->N + 1) >= s->step_x0_min;
}

/* One predictor-corrector step from (tr->X, t) over h; 0 when it was taken, the new point then
 * in tr->X. Extended: the corrector works on tr->Xl (tr->X its rounding), retrack_extended. */
static int path_step(sgema_tracker *tr, const sgema_tracker_settings *s, double t, double h,
                     int extended) {
  int L = tr->N + 1;
  if (predict(tr, t, h) != 0)
    return 1;
  if (!extended) {
    if (correct(tr, tr->Xs, t + h, s->corrector_iters, s->corrector_tol, s->contraction,
                adaptive(tr, s, t + h), NULL))
      return 1;
    memcpy(tr->X, tr->Xs, (size_t)L * sizeof *tr->X);
    orthogonal_patch(tr);
    return 0;
  }
  for (int j = 0; j < L; j++)
    tr->Xsl[j] = tr->Xs[j];
  if (correct_ld(tr, tr->Xsl, t + h, s->corrector_iters, s->corrector_tol, s->contraction,
                 adaptive(tr, s, t + h), NULL))
    return 1;
  memcpy(tr->Xl, tr->Xsl, (size_t)L * sizeof *tr->Xl);
  orthogonal_patch_ld(tr);
  return 0;
}

/* The step after an accepted step h (sgema_tracker_settings.step_target); *successes counts
 * accepted steps for the doubling rule. */
static double next_step(const sgema_tracker *tr, const sgema_tracker_settings *s, double t,
                        double h, int *successes) {
  if (!adaptive(tr, s, t)) {
    if (++*successes < 2)
      return h;
    *successes = 0;
    return fmin(2.0 * h, s->step_max);
  }
  double d = tr->first_step, factor = 2.0;
  if (d > s->step_noise * tr->first_floor) /* 0.9: aim a little below the target */
    factor = fmin(2.0, fmax(0.5, 0.9 * pow(s->step_target / d, 0.2)));
  return fmin(factor * h, s->step_max);
}

/* Tracks tr->X (extended: tr->Xl) from t = 0 to 1; returns the t reached. */
static double track(sgema_tracker *tr, const sgema_tracker_settings *s, int extended) {
  int L = tr->N + 1;
  double t = 0.0, h = s->step_init;
  int successes = 0;
  tr->k0_at_X = 0;
  for (long step = 0; step < s->max_steps && t < 1.0; step++) {
    if (step % TRACK_POLL_EVERY == TRACK_POLL_EVERY - 1 && tracker_stopped(tr))
      break;
    h = fmin(h, 1.0 - t);
    if (path_step(tr, s, t, h, extended) == 0) {
      tr->k0_at_X = 0;
      t = (h >= 1.0 - t) ? 1.0 : t + h;
      /* Early end of a path going to infinity: past the endgame's t with x0 already tiny, the
       * rest (often a singular end at infinity) would only cost steps. */
      if (t >= s->endgame_t && t < 1.0 && x0_ratio(tr->X, L) < s->infinity_early)
        break;
      h = next_step(tr, s, t, h, &successes);
    } else {
      h *= 0.5;
      successes = 0;
      if (h < s->step_min)
        break;
    }
  }
  return t;
}

/* A start X scaled onto the pass' drawn patch a . X = 1. */
static void onto_start_patch(sgema_tracker *tr) {
  int L = tr->N + 1;
  double complex px = 0.0;
  for (int j = 0; j < L; j++)
    px += tr->start_patch[j] * tr->X[j];
  for (int j = 0; j < L; j++)
    tr->X[j] /= px;
}

/* Start point number idx: x_i = exp(2 pi i k_i / d_i) with the digits k_i of idx in the mixed
 * radix of the degrees, x0 = 1, scaled onto the drawn start patch. */
static void start_point(sgema_tracker *tr, const sgema_hom_system *sys, long idx) {
  int N = sys->N;
  tr->X[0] = 1.0;
  for (int i = 0; i < N; i++) {
    int d = sys->degrees[i];
    long k = idx % d;
    idx /= d;
    tr->X[i + 1] = cexp(2.0 * M_PI * I * (double)k / (double)d);
  }
  onto_start_patch(tr);
}

/* gamma and the patch from the Philox stream (seed, run, trial, census stream); attempt a > 0
 * takes the (a + 1)-th gamma and patch drawn from that stream. */
static void draw_constants(sgema_tracker *tr, uint64_t seed, uint32_t run, uint32_t trial,
                           int attempt) {
  sgema_rng_seek(tr->rng, seed, run, trial, SGEMA_STREAM_CENSUS);
  for (int a = 0; a <= attempt; a++) {
    tr->gamma = cexp(2.0 * M_PI * I * gsl_rng_uniform(tr->rng));
    for (int j = 0; j <= tr->N; j++) {
      double re = gsl_ran_gaussian_ziggurat(tr->rng, 1.0);
      tr->start_patch[j] = re + I * gsl_ran_gaussian_ziggurat(tr->rng, 1.0);
    }
  }
}

/* The path from tr->X_start in extended precision; returns the t reached. */
static double retrack_extended(sgema_tracker *tr, const sgema_tracker_settings *s) {
  int L = tr->N + 1;
  for (int j = 0; j < L; j++)
    tr->Xl[j] = tr->X_start[j];
  orthogonal_patch_ld(tr);
  return track(tr, s, 1);
}

/* Tracks the path from tr->X (any nonzero scaling: the patch is moved to it) and reports its
 * end. */
static void run_path(sgema_tracker *tr, const sgema_tracker_settings *s, sgema_hom_endpoint on_end,
                     void *ctx, long *counts) {
  int L = tr->N + 1;
  orthogonal_patch(tr);
  memcpy(tr->X_start, tr->X, (size_t)L * sizeof *tr->X);
  int extended = tr->psys && tr->psys->value_ld;
  double t = s->extended && extended ? retrack_extended(tr, s) : track(tr, s, 0), rcond = 0.0;
  if (tr->stopped) /* abandoned half way: neither an end nor counted */
    return;
  sgema_path_end e = finish_path(tr, s, t, &rcond);
  /* The same path again (same start, arc and patch: its end is the same root), with a corrector
   * that accepts linear convergence: at m = 4 this recovers 3 in 4 failed paths (docs/CENSUS.md).
   */
  if (e == SGEMA_PATH_FAILED && s->retrack_corrector_iters > 0) {
    sgema_tracker_settings careful = *s;
    careful.corrector_iters = s->retrack_corrector_iters;
    careful.contraction = s->retrack_contraction;
    memcpy(tr->X, tr->X_start, (size_t)L * sizeof *tr->X);
    orthogonal_patch(tr);
    t = track(tr, &careful, 0);
    if (tr->stopped)
      return;
    e = finish_path(tr, s, t, &rcond);
    if (e == SGEMA_PATH_FAILED && extended) {
      t = retrack_extended(tr, &careful);
      if (tr->stopped)
        return;
      e = finish_path(tr, s, t, &rcond);
    }
  }
  counts[e]++;
  if (on_end) {
    int finite = e == SGEMA_PATH_CONVERGED || e == SGEMA_PATH_SINGULAR;
    if (finite)
      for (int i = 0; i < tr->N; i++)
        tr->Xs[i] = tr->X[i + 1] / tr->X[0];
    on_end(ctx, e, finite ? tr->Xs : NULL, rcond);
  }
}

int sgema_tracker_solve(sgema_tracker *tr, const sgema_hom_system *sys,
                        const sgema_tracker_settings *s, uint64_t seed, uint32_t run,
                        uint32_t trial, long max_paths, sgema_hom_endpoint on_end, void *ctx,
                        long *counts) {
  int N = sys->N;
  if (N < 1 || N > tr->N_max)
    return SGEMA_EDIM;
  long paths = 1;
  for (int i = 0; i < N; i++) {
    if (sys->degrees[i] < 1 || paths > max_paths / sys->degrees[i])
      return SGEMA_EDIM;
    paths *= sys->degrees[i];
  }
  tr->N = N;
  tr->sys = sys;
  tr->psys = NULL;
  draw_constants(tr, seed, run, trial, 0);
  for (int e = 0; e < SGEMA_PATH_COUNT; e++)
    counts[e] = 0;
  tr->stopped = 0;
  for (long p = 0; p < paths && !tracker_stopped(tr); p++) {
    start_point(tr, sys, p);
    run_path(tr, s, on_end, ctx, counts);
  }
  return tr->stopped ? SGEMA_EINTERRUPTED : SGEMA_OK;
}

int sgema_tracker_solve_parameter(sgema_tracker *tr, const sgema_par_system *sys,
                                  const sgema_tracker_settings *s, uint64_t seed, uint32_t run,
                                  uint32_t trial, int attempt, const double complex *starts,
                                  long n_starts, int stride, sgema_hom_endpoint on_end, void *ctx,
                                  long *counts) {
  int N = sys->N;
  if (N < 1 || N > tr->N_max || n_starts < 0 || stride < N)
    return SGEMA_EDIM;
  tr->N = N;
  tr->sys = NULL;
  tr->psys = sys;
  draw_constants(tr, seed, run, trial, attempt);
  for (int e = 0; e < SGEMA_PATH_COUNT; e++)
    counts[e] = 0;
  tr->stopped = 0;
  for (long p = 0; p < n_starts && !tracker_stopped(tr); p++) {
    tr->X[0] = 1.0;
    memcpy(tr->X + 1, starts + p * stride, (size_t)N * sizeof *starts);
    onto_start_patch(tr);
    run_path(tr, s, on_end, ctx, counts);
  }
  tr->psys = NULL;
  return tr->stopped ? SGEMA_EINTERRUPTED : SGEMA_OK;
}

double sgema_tracker_newton(sgema_tracker *tr, const sgema_hom_system *sys, double complex *x,
                            int iters, double *rcond) {
  int N = sys->N, L = N + 1;
  double rel = INFINITY;
  *rcond = 0.0;
  for (int it = 0; it < iters; it++) {
    tr->X[0] = 1.0;
    memcpy(tr->X + 1, x, (size_t)N * sizeof *x);
    if (sys->eval(sys->ctx, tr->X, tr->F, tr->JF) != 0)
      return INFINITY;
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < N; j++)
        tr->M[i * N + j] = tr->JF[i * L + j + 1];
      tr->rhs[i] = -tr->F[i];
    }
    if (cnorm(tr->F, N) == 0.0)
      return 0.0;
    *rcond = lu_factor(tr->M, tr->piv, N);
    if (*rcond == 0.0)
      return INFINITY;
    lu_solve(tr->M, tr->piv, N, tr->rhs);
    for (int i = 0; i < N; i++)
      x[i] += tr->rhs[i];
    rel = cnorm(tr->rhs, N) / fmax(cnorm(x, N), 1e-300);
    if (rel < 1e-15)
      break;
  }
  return rel;
}

/* The pivot ratio of the affine Jacobian at x with its columns scaled by max(1, |x_j|) and its
 * rows by their largest entry: large roots are badly scaled, not ill-conditioned, and keep a
 * ratio of 8e-8 and more, while near a double root it is that of a singular matrix (3e-9 to
 * 8e-9). */
static double scaled_rcond(sgema_tracker *tr, const sgema_hom_system *sys,
                           const double complex *x) {
  int N = sys->N, L = N + 1;
  tr->X[0] = 1.0;
  memcpy(tr->X + 1, x, (size_t)N * sizeof *x);
  if (sys->eval(sys->ctx, tr->X, tr->F, tr->JF) != 0)
    return 0.0;
  for (int i = 0; i < N; i++) {
    double largest = 0.0;
    for (int j = 0; j < N; j++) {
      tr->M[i * N + j] = tr->JF[i * L + j + 1] * fmax(1.0, cabs(x[j]));
      largest = fmax(largest, mod1(tr->M[i * N + j]));
    }
    if (largest == 0.0)
      return 0.0;
    for (int j = 0; j < N; j++)
      tr->M[i * N + j] /= largest;
  }
  return lu_factor(tr->M, tr->piv, N);
}

int sgema_tracker_regular_root(sgema_tracker *tr, const sgema_hom_system *sys, double complex *x,
                               int iters, double tol, double floor_max, double min_rcond) {
  double rcond = 0.0, rel = sgema_tracker_newton(tr, sys, x, iters, &rcond);
  double scaled = scaled_rcond(tr, sys, x);
  return scaled >= min_rcond && rel <= fmax(tol, fmin(accuracy_floor(tol, scaled), floor_max));
}
