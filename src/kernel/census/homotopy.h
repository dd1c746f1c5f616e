/* A homotopy path tracker for square polynomial systems given by value-and-Jacobian callbacks:
 * total-degree or parameter homotopy. */
#ifndef SGEMA_HOMOTOPY_H
#define SGEMA_HOMOTOPY_H

#include <complex.h>
#include <stdint.h>

/* The system is given homogenised: N equations F_i of degrees d_i in the N + 1 projective
 * coordinates X = (x0, x1..xN), the affine system being F(1, x). Tracking in projective space on
 * a random affine patch keeps paths that go to infinity finite (x0 -> 0), so they end like any
 * other path instead of running away. eval fills F (N) and J (N x (N + 1), row-major,
 * J[i * (N + 1) + j] = dF_i / dX_j); it returns 0, or nonzero to abandon the path. */
typedef int (*sgema_hom_eval)(void *ctx, const double complex *X, double complex *F,
                              double complex *J);

typedef struct {
  int N;              /* number of equations = number of affine unknowns */
  const int *degrees; /* N degrees, each >= 1 */
  sgema_hom_eval eval;
  void *ctx;
} sgema_hom_system;

/* A parameterised family F(X; s) (homogenised like sgema_hom_system), for the parameter homotopy:
 * s = 0 is a generic member whose finite roots are known, s = 1 the system to solve, and s moves
 * along a complex arc in between. eval fills F (N), J (N x (N + 1), row-major, dF/dX) and
 * Fs = dF/ds (N; not asked for when Fs is NULL) at (X, s); it returns 0, or nonzero to abandon
 * the path. */
typedef int (*sgema_par_eval)(void *ctx, const double complex *X, double complex s,
                              double complex *F, double complex *J, double complex *Fs);

/* F(X; s) alone in extended precision (long double), for the corrector that re-tracks a failed
 * path: near infinity the Jacobian's pivot ratio falls to 1e-11..1e-13 and F in double leaves
 * Newton steps of 1e-3 relative noise (docs/CENSUS.md, "Extended-precision residuals"). */
typedef int (*sgema_par_value_ld)(void *ctx, const long double complex *X, long double complex s,
                                  long double complex *F);

typedef struct {
  int N;
  sgema_par_eval eval;
  void *ctx;
  sgema_par_value_ld value_ld; /* NULL: failed paths are not re-tracked in extended precision */
} sgema_par_system;

typedef enum {
  SGEMA_PATH_CONVERGED, /* a finite, regular solution */
  SGEMA_PATH_INFINITY,  /* x0 -> 0: a solution at infinity */
  SGEMA_PATH_SINGULAR,  /* finite, but the Jacobian is singular there (a multiple root) */
  SGEMA_PATH_FAILED,    /* step size underflow or step budget away from t = 1 */
  SGEMA_PATH_COUNT
} sgema_path_end;

const char *sgema_path_end_name(sgema_path_end e); /* "converged", "infinity", ... */

typedef struct {
  double step_init, step_min, step_max; /* in t, which runs from 0 (start system) to 1 */
  double corrector_tol;                 /* relative Newton step accepted as converged */
  int corrector_iters;                  /* Newton iterations per corrector */
  double contraction; /* each Newton step at most this times the previous one, or the step fails */
  /* Step-size control of parameter homotopies before endgame_t, away from infinity (s40): after an
   * accepted step h becomes h (step_target / d)^(1/5), within [h / 2, 2 h], d the corrector's first
   * relative Newton step (the fourth-order predictor's error, O(h^5)); a d within step_noise times
   * the Newton floor's rounding says nothing about h and lets it double; the corrector stops once
   * its contraction bounds the error left by corrector_tol. Elsewhere, and with step_target 0
   * everywhere (the tracker before s40): h doubles after every two accepted steps and the
   * corrector stops when a Newton step is below corrector_tol. */
  double step_target;
  double step_noise;
  double step_x0_min; /* ... and only while |x0| / |X| >= this (nearer infinity: the old rules) */
  /* A failed path is tracked once more along the same arc with these (0 iterations: never): near
   * a double root Newton converges only linearly, at ratio 1/2 (docs/CENSUS.md) */
  int retrack_corrector_iters;
  double retrack_contraction;
  /* Parameter paths whose family has value_ld are tracked in extended precision from the start
   * (else only after failing in double) */
  int extended;
  long max_steps;        /* per path: never loops forever */
  double endgame_t;      /* a path stuck beyond this t is classified, not failed */
  double infinity_tol;   /* |x0| / |X| below this at t = 1: at infinity */
  double infinity_early; /* ... or below this past endgame_t: at infinity, tracking stops */
  double singular_rcond; /* reciprocal condition of the final Jacobian below this: singular */
} sgema_tracker_settings;

void sgema_tracker_settings_default(sgema_tracker_settings *s);

/* Called for every path's end: the outcome, the affine solution x (N, NULL unless converged or
 * singular), the reciprocal condition number of the final Jacobian. */
typedef void (*sgema_hom_endpoint)(void *ctx, sgema_path_end end, const double complex *x,
                                   double rcond);

typedef struct sgema_tracker sgema_tracker;

sgema_tracker *sgema_tracker_alloc(int N_max);
void sgema_tracker_free(sgema_tracker *t);

/* A stop request, polled before every path and every few steps along one: when stop(ctx) returns
 * nonzero the solve in progress is abandoned and returns SGEMA_EINTERRUPTED (its counts and the
 * ends reported so far are not a result). NULL (the default) never stops; polling does not change
 * what a solve that runs to its end computes. */
void sgema_tracker_set_stop(sgema_tracker *t, int (*stop)(void *ctx), void *ctx);

/* Tracks every path of the total-degree homotopy H = (1 - t) gamma G + t F from the start system
 * G_i = x_i^{d_i} - x0^{d_i}, with gamma and the patch drawn from the Philox stream (seed, run,
 * trial, census stream): the result is a pure function of the inputs. counts[e] (SGEMA_PATH_COUNT
 * entries) receives the number of paths ending as e; their sum is prod d_i. Returns SGEMA_OK,
 * SGEMA_EDIM when N is out of range or the path count overflows max_paths, SGEMA_EINTERRUPTED on a
 * stop request. */
int sgema_tracker_solve(sgema_tracker *t, const sgema_hom_system *sys,
                        const sgema_tracker_settings *s, uint64_t seed, uint32_t run,
                        uint32_t trial, long max_paths, sgema_hom_endpoint on_end, void *ctx,
                        long *counts);

/* Tracks the parameter homotopy H(X, t) = F(X; s(t)), s(t) = t + gamma t (1 - t), from
 * the n_starts affine roots of F(.; 0) in starts (N each, stride entries apart) to the roots of
 * F(.; 1), with gamma and the patch drawn from the stream (seed, run, trial) as
 * sgema_tracker_solve does (attempt a > 0: the stream's (a + 1)-th gamma and patch, for a re-run
 * of a system where a path failed); every path reported to on_end and counted in counts (their sum
 * is n_starts). Returns SGEMA_OK, SGEMA_EDIM or SGEMA_EINTERRUPTED. */
int sgema_tracker_solve_parameter(sgema_tracker *t, const sgema_par_system *sys,
                                  const sgema_tracker_settings *s, uint64_t seed, uint32_t run,
                                  uint32_t trial, int attempt, const double complex *starts,
                                  long n_starts, int stride, sgema_hom_endpoint on_end, void *ctx,
                                  long *counts);

/* Newton on the affine system F(1, x) = 0 from x (N), at most iters iterations; returns the last
 * step's relative size (0 when the residual is exactly zero) and the reciprocal condition of the
 * last Jacobian in *rcond. */
double sgema_tracker_newton(sgema_tracker *t, const sgema_hom_system *sys, double complex *x,
                            int iters, double *rcond);

/* Newton from x as sgema_tracker_newton (x refined in place), then whether it ended on a regular
 * root: the pivot ratio of the Jacobian at x, its columns scaled by max(1, |x_j|) and its rows
 * equilibrated, at least min_rcond, and the last relative step at tol or, up to floor_max, at the
 * accuracy that Jacobian allows (rounding over that ratio, the corrector's floor). Large regular
 * roots (|x| ~ 200 to 23,000) stop at steps of 1e-12 to 2e-9, not below 1e-12, with scaled ratios
 * of 8e-8 and more; Newton near a double root creeps on linearly, with scaled ratios of 3e-9 to
 * 8e-9 (docs/CENSUS.md, "The start roots' Newton test"). */
int sgema_tracker_regular_root(sgema_tracker *t, const sgema_hom_system *sys, double complex *x,
                               int iters, double tol, double floor_max, double min_rcond);

#endif
