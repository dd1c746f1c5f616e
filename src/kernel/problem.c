/* Problem validation, state layout, the momentum schedule and the default Syy. */
#include "sgema/problem.h"
#include "sgema/status.h"

#include <float.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <string.h>

static const char *const alg_names[] = {"sg", "ema", "gd"};
const char *const sgema_time_names[] = {"flow", "discrete", NULL};
const char *const sgema_momentum_names[] = {"constant", "linear", NULL};

/* Index of name in a NULL-terminated table, or -1. */
static int find_name(const char *const *names, const char *name) {
  for (int i = 0; names[i]; i++)
    if (strcmp(names[i], name) == 0)
      return i;
  return -1;
}

const char *sgema_time_name(sgema_time_kind k) {
  return (unsigned)k <= SGEMA_TIME_DISCRETE ? sgema_time_names[k] : "unknown";
}
int sgema_time_parse(const char *name) {
  return find_name(sgema_time_names, name);
}

const char *sgema_momentum_name(sgema_momentum_kind k) {
  return (unsigned)k <= SGEMA_MOMENTUM_LINEAR ? sgema_momentum_names[k] : "unknown";
}
int sgema_momentum_parse(const char *name) {
  return find_name(sgema_momentum_names, name);
}

const char *sgema_alg_name(sgema_alg alg) {
  return (unsigned)alg < 3 ? alg_names[alg] : "unknown";
}

int sgema_alg_parse(const char *name) {
  for (int i = 0; i < 3; i++)
    if (strcmp(name, alg_names[i]) == 0)
      return i;
  return -1;
}

size_t sgema_problem_dim_for(sgema_alg alg, int m, int n) {
  size_t nm = (size_t)n * m, nn = (size_t)n * n;
  return alg == SGEMA_ALG_EMA ? 2 * nm + nn : nm + nn;
}

size_t sgema_problem_dim(const sgema_problem *p) {
  return sgema_problem_dim_for(p->alg, p->m, p->n);
}

static int all_finite(const double *x, int len) {
  for (int i = 0; i < len; i++)
    if (!isfinite(x[i]))
      return 0;
  return 1;
}

static int is_symmetric(const double *S, int m) {
  for (int i = 0; i < m; i++)
    for (int j = 0; j < i; j++)
      if (fabs(S[i * m + j] - S[j * m + i]) >
          1e-12 * (fabs(S[i * m + j]) + fabs(S[j * m + i]) + 1e-300))
        return 0;
  return 1;
}

/* Whether the joint covariance [[Sxx, Sxy], [Syx, Syy]] of (x, y) is positive semidefinite, as
 * every covariance is: its diagonal is >= 0 and its Cholesky factorisation, with 1e-12 of the
 * largest diagonal entry added to the diagonal (rounding of the default Syy, which is PD by
 * construction, and singular but valid statistics such as rho = tau = 0), succeeds. Rejects a
 * negative rho, and rho = 0 with tau != 0 (|tau|^2 <= rho Syy fails). */
static int joint_psd(const sgema_problem *p) {
  int m = p->m, k = 2 * m;
  double J[4 * SGEMA_MAX_M * SGEMA_MAX_M], dmax = 0.0;
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) {
      J[i * k + j] = p->Sxx[i * m + j];
      J[(m + i) * k + m + j] = p->Syy[i * m + j];
      J[(m + i) * k + j] = p->Syx[i * m + j]; /* Syx = E[y x^T] below, its transpose above */
      J[j * k + m + i] = p->Syx[i * m + j];
    }
  for (int i = 0; i < k; i++) {
    if (!(J[i * k + i] >= 0.0))
      return 0;
    dmax = fmax(dmax, J[i * k + i]);
  }
  for (int i = 0; i < k; i++)
    J[i * k + i] += 1e-12 * dmax + DBL_MIN;
  gsl_matrix_view V = gsl_matrix_view_array(J, k, k);
  return gsl_linalg_cholesky_decomp1(&V.matrix) == GSL_SUCCESS;
}

static int momentum_valid(const sgema_momentum *mo) {
  if (!(mo->a0 >= 0.0 && mo->a0 <= 1.0))
    return 0;
  if (mo->kind == SGEMA_MOMENTUM_LINEAR)
    return mo->a1 >= 0.0 && mo->a1 <= 1.0 && mo->T > 0.0 && isfinite(mo->T);
  return mo->kind == SGEMA_MOMENTUM_CONSTANT;
}

int sgema_problem_validate(const sgema_problem *p) {
  if (p->m < 1 || p->n <= p->m || p->m > SGEMA_MAX_M || p->n > SGEMA_MAX_N)
    return SGEMA_EDIM;
  if ((unsigned)p->alg > SGEMA_ALG_GD)
    return SGEMA_EINVAL;
  if (!(p->lambda > 0.0) || !isfinite(p->lambda))
    return SGEMA_EINVAL;
  int mm = p->m * p->m;
  if (!all_finite(p->Sxx, mm) || !all_finite(p->Syx, mm) || !all_finite(p->Syy, mm))
    return SGEMA_EINVAL;
  if (!is_symmetric(p->Sxx, p->m) || !is_symmetric(p->Syy, p->m) || !joint_psd(p))
    return SGEMA_EINVAL;
  if (p->alg == SGEMA_ALG_EMA && !momentum_valid(&p->momentum))
    return SGEMA_EINVAL;
  if (p->time == SGEMA_TIME_DISCRETE &&
      !(p->mu > 0.0 && p->nu > 0.0 && isfinite(p->mu) && isfinite(p->nu)))
    return SGEMA_EINVAL;
  return SGEMA_OK;
}

double sgema_momentum_dalpha(const sgema_momentum *mo, double t) {
  if (mo->kind == SGEMA_MOMENTUM_CONSTANT || t >= mo->T || t < 0.0)
    return 0.0;
  return (mo->a1 - mo->a0) / mo->T;
}

double sgema_momentum_kink(const sgema_momentum *mo) {
  return mo->kind == SGEMA_MOMENTUM_LINEAR ? mo->T : INFINITY;
}

int sgema_problem_default_syy(sgema_problem *p) {
  int m = p->m;
  double inv[SGEMA_MAX_M * SGEMA_MAX_M];
  memcpy(inv, p->Sxx, sizeof(double) * m * m);
  /* Cholesky: Sxx must be positive definite anyway, and unlike GSL's LU it allocates nothing. */
  gsl_matrix_view INV = gsl_matrix_view_array(inv, m, m);
  if (gsl_linalg_cholesky_decomp1(&INV.matrix) != GSL_SUCCESS ||
      gsl_linalg_cholesky_invert(&INV.matrix) != GSL_SUCCESS || !all_finite(inv, m * m))
    return SGEMA_ELINALG;
  /* Syy = Syx inv Syx^T + Sxx, symmetrised so that rounding cannot break symmetry. */
  double T[SGEMA_MAX_M * SGEMA_MAX_M];
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) {
      double s = 0.0;
      for (int k = 0; k < m; k++)
        s += p->Syx[i * m + k] * inv[k * m + j];
      T[i * m + j] = s;
    }
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) {
      double s = 0.0;
      for (int k = 0; k < m; k++)
        s += T[i * m + k] * p->Syx[j * m + k];
      p->Syy[i * m + j] = s + p->Sxx[i * m + j];
    }
  for (int i = 0; i < m; i++)
    for (int j = 0; j < i; j++) {
      double s = 0.5 * (p->Syy[i * m + j] + p->Syy[j * m + i]);
      p->Syy[i * m + j] = p->Syy[j * m + i] = s;
    }
  return SGEMA_OK;
}
