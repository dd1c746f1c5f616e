/* The linearly implicit midpoint rule extrapolated in h^2 (Bader & Deuflhard, Numer. Math. 41,
 * 1983). */
#include "integrate_extrap.h"
#include "dense_lu.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Why our own: this is the algorithm of GSL's bsimp stepper (same step sequence, same order choice,
 * same runaway test), but GSL solves its ~90 small linear systems per step through gsl_vector views
 * and its reference CBLAS, which cost three times the arithmetic on a 6 x 6 system. The tests check
 * that a step here equals a bsimp step to rounding. */

#define ALWAYS_INLINE __attribute__((always_inline))
#define SEQ_MAX 7
static const int sequence[SEQ_MAX + 1] = {2, 6, 10, 14, 22, 34, 50, 70};

struct extrap_ws {
  size_t N;
  int k_choice;
  double x[SEQ_MAX];
  double *J, *G, *dfdt, *d, *ystep, *delta, *rhs, *work, *yseq;
  size_t *perm;
};

/* Deuflhard's choice of the extrapolation depth for tolerance eps and dimension N: the k beyond
 * which the work per unit step stops decreasing (GSL's bsimp uses eps = sqrt(DBL_EPSILON)). */
static int choose_depth(double eps, size_t N) {
  const double small = 0.25 * eps;
  double work[SEQ_MAX + 1], alpha[SEQ_MAX][SEQ_MAX];
  work[0] = sequence[0] + 1.0;
  for (int k = 0; k < SEQ_MAX; k++)
    work[k + 1] = work[k] + sequence[k + 1];
  for (int i = 0; i < SEQ_MAX; i++) {
    alpha[i][i] = 1.0;
    for (int k = 0; k < i; k++)
      alpha[k][i] =
          pow(small, (work[k + 1] - work[i + 1]) / ((work[i + 1] - work[0] + 1.0) * (2 * k + 1)));
  }
  work[0] += (double)N;
  for (int k = 0; k < SEQ_MAX; k++)
    work[k + 1] = work[k] + sequence[k + 1];
  int k = 0;
  for (; k < SEQ_MAX - 1; k++)
    if (work[k + 2] > work[k + 1] * alpha[k][k + 1])
      break;
  return k;
}

void extrap_free(extrap_ws *w) {
  if (!w)
    return;
  free(w->J);
  free(w->perm);
  free(w);
}

extrap_ws *extrap_alloc(size_t N) {
  extrap_ws *w = calloc(1, sizeof *w);
  if (!w)
    return NULL;
  w->N = N;
  w->k_choice = choose_depth(1.4901161193847656e-08, N);
  w->J = malloc((2 * N * N + (7 + SEQ_MAX) * N) * sizeof(double));
  w->perm = malloc(N * sizeof(size_t));
  if (!w->J || !w->perm) {
    extrap_free(w);
    return NULL;
  }
  w->G = w->J + N * N;
  w->dfdt = w->G + N * N;
  w->ystep = w->dfdt + N;
  w->delta = w->ystep + N;
  w->rhs = w->delta + N;
  w->work = w->rhs + N;
  w->yseq = w->work + N;
  w->d = w->yseq + N; /* SEQ_MAX rows of the extrapolation tableau */
  return w;
}

int extrap_order(const extrap_ws *w) {
  return 2 * w->k_choice;
}

/* Runaway test: a relative change above 100 N in one substep means the linearisation failed. */
static inline ALWAYS_INLINE double scaled_change(const double *dy, const double *y, size_t N) {
  double sum = 0.0;
  for (size_t i = 0; i < N; i++) {
    double u = fabs(y[i]);
    sum += fabs(dy[i]) / (u > 0.0 ? u : 1.0);
  }
  return sum;
}

/* The linearly implicit midpoint rule over [t, t + H] in n substeps, result in w->yseq. */
static inline ALWAYS_INLINE int midpoint_sequence(extrap_ws *w, integ_run *r, double t, double H,
                                                  int n, const double *y, const double *f,
                                                  size_t N) {
  double h = H / n, limit = 100.0 * (double)N;
  for (size_t i = 0; i < N * N; i++)
    w->G[i] = -h * w->J[i];
  for (size_t i = 0; i < N; i++)
    w->G[i * N + i] += 1.0;
  if (dense_lu_factor(N, w->G, w->perm) != 0)
    return -1;
  for (size_t i = 0; i < N; i++)
    w->rhs[i] = h * (f[i] + h * w->dfdt[i]);
  dense_lu_solve(N, w->G, w->perm, w->rhs);
  if (scaled_change(w->rhs, y, N) > limit)
    return -1;
  for (size_t i = 0; i < N; i++) {
    w->delta[i] = w->rhs[i];
    w->ystep[i] = y[i] + w->rhs[i];
  }
  double tk = t + h;
  integ_eval(r, tk, w->ystep, w->yseq);
  for (int k = 1; k < n; k++) {
    for (size_t i = 0; i < N; i++)
      w->rhs[i] = h * w->yseq[i] - w->delta[i];
    dense_lu_solve(N, w->G, w->perm, w->rhs);
    for (size_t i = 0; i < N; i++) {
      w->delta[i] += 2.0 * w->rhs[i];
      w->ystep[i] += w->delta[i];
    }
    if (scaled_change(w->delta, y, N) > limit)
      return -1;
    tk += h;
    integ_eval(r, tk, w->ystep, w->yseq);
  }
  for (size_t i = 0; i < N; i++)
    w->rhs[i] = h * w->yseq[i] - w->delta[i];
  dense_lu_solve(N, w->G, w->perm, w->rhs);
  if (scaled_change(w->rhs, y, N) > limit)
    return -1;
  for (size_t i = 0; i < N; i++)
    w->yseq[i] = w->ystep[i] + w->rhs[i];
  return 0;
}

/* Aitken-Neville extrapolation to h = 0 of the k-th result, with x = (H / n)^2; the tableau's
 * rows live in w->d. Leaves the extrapolated value in ynew and the last correction in yerr. */
static inline ALWAYS_INLINE void extrapolate(extrap_ws *w, int k, double xk, double *ynew,
                                             double *yerr, size_t N) {
  memcpy(yerr, w->yseq, N * sizeof(double));
  memcpy(ynew, w->yseq, N * sizeof(double));
  if (k == 0) {
    memcpy(w->d, w->yseq, N * sizeof(double));
    return;
  }
  memcpy(w->work, w->yseq, N * sizeof(double));
  for (int j = 0; j < k; j++) {
    double delta = 1.0 / (w->x[k - j - 1] - xk);
    double f1 = delta * xk, f2 = delta * w->x[k - j - 1];
    double *row = w->d + (size_t)j * N;
    for (size_t i = 0; i < N; i++) {
      double q = row[i];
      row[i] = yerr[i];
      double dd = w->work[i] - q;
      yerr[i] = f1 * dd;
      w->work[i] = f2 * dd;
      ynew[i] += yerr[i];
    }
  }
  memcpy(w->d + (size_t)k * N, yerr, N * sizeof(double));
}

static inline ALWAYS_INLINE int step_n(extrap_ws *w, integ_run *r, double t, double h,
                                       const double *y, const double *f, double *ynew, double *yerr,
                                       size_t N) {
  integ_jacobian(r, t, y, w->J, w->dfdt);
  for (int k = 0; k <= w->k_choice; k++) {
    int n = sequence[k];
    if (midpoint_sequence(w, r, t, h, n, y, f, N) != 0)
      return -1;
    double xk = (h / n) * (h / n);
    w->x[k] = xk;
    extrapolate(w, k, xk, ynew, yerr, N);
  }
  return 0;
}

/* Copies for the state lengths of m = 1 (larger states use BDF in the hybrid method): with N
 * known the compiler unrolls the LU and the solves. Same operations, same order. */
#define EXTRAP_SPECIALISE(NN)                                                                      \
  static int step_##NN(extrap_ws *w, integ_run *r, double t, double h, const double *y,            \
                       const double *f, double *ynew, double *yerr) {                              \
    return step_n(w, r, t, h, y, f, ynew, yerr, NN);                                               \
  }
EXTRAP_SPECIALISE(6)
EXTRAP_SPECIALISE(8)
EXTRAP_SPECIALISE(12)
EXTRAP_SPECIALISE(15)

int extrap_step(extrap_ws *w, integ_run *r, double t, double h, const double *y, const double *f,
                double *ynew, double *yerr) {
  switch (w->N) {
  case 6:
    return step_6(w, r, t, h, y, f, ynew, yerr);
  case 8:
    return step_8(w, r, t, h, y, f, ynew, yerr);
  case 12:
    return step_12(w, r, t, h, y, f, ynew, yerr);
  case 15:
    return step_15(w, r, t, h, y, f, ynew, yerr);
  default:
    return step_n(w, r, t, h, y, f, ynew, yerr, w->N);
  }
}
