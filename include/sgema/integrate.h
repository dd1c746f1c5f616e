/* Integration of one trial's dynamics to its limit: converged, diverged, or stopped at the horizon.
 */
#ifndef SGEMA_INTEGRATE_H
#define SGEMA_INTEGRATE_H

#include "sgema/problem.h"

/* Methods (docs/NUMERICS.md). hybrid (the default), in phases for a state of length N:
 *   - RK phase: explicit Prince-Dormand 8(7) steps (our copy of GSL's rk8pd) under our own step
 *     control, while h times the Jacobian's spectral radius (a power iteration every 8 steps) stays
 *     below stiff_ratio;
 *   - stiff phase: semi-implicit extrapolation (our copy of GSL's bsimp) for N < 20, GSL's msbdf
 *     under GSL's driver for 20 <= N < 64;
 *   - tail (|f| < tail_f, entered from either phase): RODAS4, our L-stable Rosenbrock method with
 *     the analytic Jacobian and displacement-relative error control;
 *   - from N >= krylov_min_n (64 by default) on, CVODE's BDF with matrix-free Newton-Krylov solves
 * (SPGMR on the analytic J v, block-diagonal preconditioner) takes the stiff phase and the tail
 * instead. rodas4: RODAS4 throughout. cvode: CVODE as above throughout. The others: GSL's odeiv2
 * steppers under GSL's own driver, the cross-check. The discrete algorithm (Eq. 4) ignores the
 * method. */
#define SGEMA_METHOD_LIST(X)                                                                       \
  X(SGEMA_METHOD_HYBRID, "hybrid")                                                                 \
  X(SGEMA_METHOD_RODAS4, "rodas4")                                                                 \
  X(SGEMA_METHOD_RK8PD, "rk8pd")                                                                   \
  X(SGEMA_METHOD_RKF45, "rkf45")                                                                   \
  X(SGEMA_METHOD_RKCK, "rkck")                                                                     \
  X(SGEMA_METHOD_RK4IMP, "rk4imp")                                                                 \
  X(SGEMA_METHOD_BSIMP, "bsimp")                                                                   \
  X(SGEMA_METHOD_MSBDF, "msbdf")                                                                   \
  X(SGEMA_METHOD_CVODE, "cvode")

typedef enum {
#define SGEMA_METHOD_ENUM(code, name) code,
  SGEMA_METHOD_LIST(SGEMA_METHOD_ENUM)
#undef SGEMA_METHOD_ENUM
      SGEMA_METHOD_COUNT
} sgema_method;

const char *sgema_method_name(sgema_method m);
int sgema_method_parse(const char *name); /* -1 when unknown */

/* Preconditioners of CVODE's Newton-Krylov solves (docs/NUMERICS.md): block, the block diagonal of
 * I - gamma J in the blocks A, B, C, each inverted exactly; none. */
typedef enum { SGEMA_PREC_BLOCK, SGEMA_PREC_NONE, SGEMA_PREC_COUNT } sgema_preconditioner;

const char *sgema_preconditioner_name(sgema_preconditioner p); /* "block", "none" */

typedef struct {
  sgema_method method;
  double rtol, atol; /* local error tolerances of the stepper */
  double h0;         /* first step */
  double t_max;      /* horizon (iterations for the discrete algorithm) */
  long max_steps;    /* watchdog on accepted + rejected steps */
  double f_tol;      /* converged when |f(t, y)|_2 < f_tol max(1, |y|_2) (why: sgema_field_scale) */
  double diverge_norm; /* diverged when max |y_i| > diverge_norm or y is not finite */
  /* The tail (hybrid and rodas4). Once |f| < tail_f the trial is within about tail_f / |slowest
   * rate| of its limit; from there RODAS4 measures each step's local error against the step's own
   * displacement, |err| <= atol + tail_rtol |y_new - y|_inf, so that the slow exponential approach
   * to the limit (rate down to lambda = 0.01, thousands of time units) takes a few long L-stable
   * steps instead of thousands of short accurate ones. The limit moves by at most about
   * tail_rtol times the tail's path length. */
  double tail_f; /* like f_tol, relative to max(1, |y|_2) */
  double tail_rtol;
  /* hybrid: leave the explicit stepper when h times the Jacobian's spectral radius exceeds
   * stiff_ratio (rk8pd is stable to about 6 on the negative real axis). */
  double stiff_ratio;
  /* CVODE (the cvode method, and the hybrid's stiff phase and tail from a state length of
   * krylov_min_n on): the dimension of SPGMR's Krylov subspace and the preconditioner. */
  int krylov_dim;
  sgema_preconditioner preconditioner;
  int krylov_min_n;
} sgema_integration;

typedef enum {
  SGEMA_END_CONVERGED,
  SGEMA_END_DIVERGED,
  SGEMA_END_T_MAX,     /* reached the horizon without converging */
  SGEMA_END_MAX_STEPS, /* the step watchdog fired */
  SGEMA_END_STEP_FAIL, /* the stepper could not continue (step size underflow, GSL failure) */
  SGEMA_END_ERROR,     /* no integration, or one cut short by an error (a failed trial) */
  SGEMA_END_COUNT
} sgema_end;

const char *sgema_end_name(sgema_end e);

typedef struct {
  sgema_end end;
  double t_end;
  double f_norm; /* |f| at t_end */
  long steps;    /* accepted steps (iterations for the discrete algorithm) */
  long rejected;
  long rhs_evals;
  long jac_evals;
  long jvp_evals; /* Jacobian-vector products of the Krylov solves (not in the results file) */
} sgema_integration_stats;

/* The last accepted step, for output at times inside it. */
typedef struct sgema_dense sgema_dense;

/* The state at time tau in (t0, t1] of the last accepted step [t0, t1], integrated afresh from the
 * step's start by semi-implicit extrapolation steps under the run's tolerances (halving until the
 * error estimate passes). The main step sequence and its counters are not touched, so a recorded
 * trial ends bit for bit where an unrecorded one does. */
int sgema_dense_eval(sgema_dense *d, double tau, double *y_out);
double sgema_dense_start(const sgema_dense *d);

/* Called at t = 0 (dense = NULL) and after every accepted step with the state and the field there.
 * dense is NULL for the discrete algorithm. A nonzero return stops the integration with that
 * status. */
typedef struct {
  int (*on_step)(void *ctx, double t, const double *y, const double *f, sgema_dense *dense);
  void *ctx;
} sgema_observer;

typedef struct sgema_integrator sgema_integrator;

/* A workspace for problems up to m x n with these settings; allocated once, reused per trial. */
sgema_integrator *sgema_integrator_alloc(const sgema_integration *s, int m, int n);
void sgema_integrator_free(sgema_integrator *it);

/* Integrates p from y (overwritten with the final state) at t = 0. obs may be NULL. */
int sgema_integrator_run(sgema_integrator *it, const sgema_problem *p, double *y,
                         const sgema_observer *obs, sgema_integration_stats *out);

#endif
