/* One trial's problem: algorithm, dimensions, data statistics, weight decay, EMA momentum. */
#ifndef SGEMA_PROBLEM_H
#define SGEMA_PROBLEM_H

#include <stddef.h>

/* Limits on the dimensions (the sweeps reach m = 64, n = 128). The largest state has
 * 2nm + n^2 = 32768 entries: the large-state path (CVODE with SPGMR, ARPACK) keeps O(N x Krylov
 * dimension) of it; the dense paths (the cross-checks, selectable at any size) need N x N doubles,
 * 8 GiB there. Whatever is sized by these limits rather than by a run's m and n (the problem's
 * m x m statistics below, 96 KiB) is written once per trial at most. */
#define SGEMA_MAX_M 64
#define SGEMA_MAX_N 128

typedef enum {
  SGEMA_ALG_SG,  /* stop-gradient (SimSiam): state (A, B), C = A */
  SGEMA_ALG_EMA, /* exponential moving average (BYOL): state (A, B, C) */
  SGEMA_ALG_GD   /* plain gradient descent on Ebar (Lemma 4.3): state (A, B) */
} sgema_alg;

typedef enum {
  SGEMA_MOMENTUM_CONSTANT, /* alpha(t) = a0 */
  SGEMA_MOMENTUM_LINEAR    /* alpha(t) = a0 + (a1 - a0) min(t / T, 1) */
} sgema_momentum_kind;

typedef struct {
  sgema_momentum_kind kind;
  double a0, a1, T;
} sgema_momentum;

typedef enum {
  SGEMA_TIME_FLOW,    /* continuous flow, paper Eq. 5 */
  SGEMA_TIME_DISCRETE /* the discrete algorithm, paper Eq. 4; time counts iterations */
} sgema_time_kind;

/* Matrices are row-major; Sxx, Syx, Syy are m x m. */
typedef struct {
  sgema_alg alg;
  int m, n;
  double lambda;
  double Sxx[SGEMA_MAX_M * SGEMA_MAX_M];
  double Syx[SGEMA_MAX_M * SGEMA_MAX_M];
  double Syy[SGEMA_MAX_M * SGEMA_MAX_M];
  sgema_momentum momentum;
  sgema_time_kind time;
  double mu, nu; /* learning rates of the discrete algorithm */
} sgema_problem;

/* Checks dimensions, finiteness, lambda > 0, symmetric Sxx and Syy, a positive semidefinite joint
 * covariance [[Sxx, Sxy], [Syx, Syy]] (to 1e-12 of its largest diagonal entry), momentum in [0, 1];
 * returns SGEMA_OK, SGEMA_EDIM or SGEMA_EINVAL. */
int sgema_problem_validate(const sgema_problem *p);

/* Length of the state vector: nm + n^2 (+ nm for EMA). Layout: A (n x m), B (n x n), C (n x m). */
size_t sgema_problem_dim(const sgema_problem *p);
size_t sgema_problem_dim_for(sgema_alg alg, int m, int n);

/* Offsets of the blocks in the state vector. */
static inline double *sgema_state_A(const sgema_problem *p, double *y) {
  (void)p;
  return y;
}
static inline double *sgema_state_B(const sgema_problem *p, double *y) {
  return y + (size_t)p->n * p->m;
}
/* For SG and GD the target is A itself. */
static inline double *sgema_state_C(const sgema_problem *p, double *y) {
  return p->alg == SGEMA_ALG_EMA ? y + (size_t)p->n * p->m + (size_t)p->n * p->n : y;
}

/* alpha(t) (inline: the EMA field evaluates it at every call) and its time derivative. */
static inline double sgema_momentum_alpha(const sgema_momentum *mo, double t) {
  if (mo->kind == SGEMA_MOMENTUM_CONSTANT)
    return mo->a0;
  double s = t / mo->T;
  if (s >= 1.0)
    return mo->a1;
  if (s <= 0.0)
    return mo->a0;
  return mo->a0 + (mo->a1 - mo->a0) * s;
}
double sgema_momentum_dalpha(const sgema_momentum *mo, double t);
/* Time at which the schedule has a kink (T for the linear schedule), or +inf. Integrators stop
 * there and restart, so that error control never straddles the kink. */
double sgema_momentum_kink(const sgema_momentum *mo);

/* Syy = Syx Sxx^{-1} Sxy + Sxx, the covariance of y = linear function of x plus independent noise:
 * makes the joint covariance PSD. Needs Sxx positive definite. */
int sgema_problem_default_syy(sgema_problem *p);

/* Names of the time kinds ("flow", "discrete") and momentum kinds ("constant", "linear"), indexed
 * by the enums and NULL-terminated, for printing and parsing; the parsers return -1 when unknown.
 */
extern const char *const sgema_time_names[];
extern const char *const sgema_momentum_names[];
const char *sgema_time_name(sgema_time_kind k);
int sgema_time_parse(const char *name);
const char *sgema_momentum_name(sgema_momentum_kind k);
int sgema_momentum_parse(const char *name);

/* Name of an algorithm ("sg", "ema", "gd") and the inverse; returns -1 when unknown. */
const char *sgema_alg_name(sgema_alg alg);
int sgema_alg_parse(const char *name);

#endif
