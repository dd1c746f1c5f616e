/* RODAS4: an L-stable, stiffly accurate Rosenbrock method of order 4(3) with the analytic Jacobian.
 */
#include "integrate_rodas.h"
#include "dense_lu.h"
#include "integ_control.h"
#include "integ_evolve.h"
#include "integ_method.h"
#include "sgema/status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Why a Rosenbrock method: near an equilibrium the Jacobian's eigenvalues span from about -lambda
 * (0.01) to order -10, so explicit steppers are held to steps of a few tenths by stability and
 * crawl through a tail of thousands of time units; an L-stable method takes steps as long as
 * accuracy allows, and its linear solves damp the stiff components instead of leaving a noise
 * floor above the convergence tolerance.
 *
 * Coefficients: Hairer & Wanner, Solving ODEs II (1996), Sec. IV.7, RODAS4, in the form
 *   G = I / (h gamma) - J,   Y_i = y + sum_j a_ij K_j,
 *   G K_i = f(t + alpha_i h, Y_i) + sum_j (c_ij / h) K_j + gamma_i h df/dt,
 *   y_new = y + sum_j m_j K_j,   error = K_6   (stiffly accurate: y_new = Y_6 + K_6). */
#define RODAS_STAGES 6
static const double rodas_gamma = 0.25;
static const double rodas_alpha[RODAS_STAGES] = {0.0, 0.386, 0.21, 0.63, 1.0, 1.0};
static const double rodas_gammai[RODAS_STAGES] = {0.25, -0.1043, 0.1035, -0.3620000000000023e-01,
                                                  0.0,  0.0};
/* Strictly lower triangular, row by row: a(i, j) = rodas_a[i (i - 1) / 2 + j], 0 <= j < i. */
static const double rodas_a[15] = {
    0.1544000000000000e+01, 0.9466785280815826,     0.2557011698983284,
    0.3314825187068521e+01, 0.2896124015972201e+01, 0.9986419139977817,
    0.1221224509226641e+01, 0.6019134481288629e+01, 0.1253708332932087e+02,
    -0.6878860361058950,    0.1221224509226641e+01, 0.6019134481288629e+01,
    0.1253708332932087e+02, -0.6878860361058950,    1.0};
static const double rodas_c[15] = {
    -0.5668800000000000e+01, -0.2430093356833875e+01, -0.2063599157091915,
    -0.1073529058151375,     -0.9594562251023355e+01, -0.2047028614809616e+02,
    0.7496443313967647e+01,  -0.1024680431464352e+02, -0.3399990352819905e+02,
    0.1170890893206160e+02,  0.8083246795921522e+01,  -0.7981132988064893e+01,
    -0.3152159432874371e+02, 0.1631930543123136e+02,  -0.6058818238834054e+01};
static const double rodas_m[RODAS_STAGES] = {0.1221224509226641e+01,
                                             0.6019134481288629e+01,
                                             0.1253708332932087e+02,
                                             -0.6878860361058950,
                                             1.0,
                                             1.0};

struct rodas_ws {
  size_t N;
  double *J, *G, *dfdt, *f, *fs, *ys, *ynew;
  double *K[RODAS_STAGES];
  size_t *perm;
};

void rodas_free(void *impl) {
  rodas_ws *w = impl;
  if (!w)
    return;
  free(w->J);
  free(w->perm);
  free(w);
}

void *rodas_alloc(const sgema_integration *s, size_t N) {
  (void)s;
  rodas_ws *w = calloc(1, sizeof *w);
  if (!w)
    return NULL;
  w->N = N;
  double *block = calloc(2 * N * N + (5 + RODAS_STAGES) * N, sizeof(double));
  w->perm = malloc(N * sizeof(size_t));
  if (!block || !w->perm) {
    free(block);
    w->J = NULL;
    rodas_free(w);
    return NULL;
  }
  w->J = block;
  w->G = w->J + N * N;
  w->dfdt = w->G + N * N;
  w->f = w->dfdt + N;
  w->fs = w->f + N;
  w->ys = w->fs + N;
  w->ynew = w->ys + N;
  for (int i = 0; i < RODAS_STAGES; i++)
    w->K[i] = w->ynew + N + i * N;
  return w;
}

/* G = I / (h gamma) - J, factorised in place. */
static int factorise(rodas_ws *w, double h) {
  size_t N = w->N;
  double d = 1.0 / (h * rodas_gamma);
  for (size_t i = 0; i < N * N; i++)
    w->G[i] = -w->J[i];
  for (size_t i = 0; i < N; i++)
    w->G[i * N + i] += d;
  return dense_lu_factor(N, w->G, w->perm) == 0 ? SGEMA_OK : SGEMA_ELINALG;
}

static void solve(rodas_ws *w, double *x) {
  dense_lu_solve(w->N, w->G, w->perm, x);
}

/* One RODAS4 step of size h from (t, y) with f = f(t, y) in w->f; leaves the solution in w->ynew
 * and returns the scaled RMS norm of the error estimate (<= 1: acceptable). In the tail the error
 * is measured against the step's own displacement (see integrate.h, tail_f). */
static double attempt(rodas_ws *w, integ_run *r, double t, const double *y, double h, int tail) {
  size_t N = w->N;
  const sgema_integration *s = r->s;
  if (factorise(w, h) != SGEMA_OK)
    return INFINITY;
  for (int i = 0; i < RODAS_STAGES; i++) {
    const double *fi = w->f;
    if (i > 0) {
      memcpy(w->ys, y, N * sizeof(double));
      for (int j = 0; j < i; j++) {
        double a = rodas_a[i * (i - 1) / 2 + j];
        for (size_t k = 0; k < N; k++)
          w->ys[k] += a * w->K[j][k];
      }
      integ_eval(r, t + rodas_alpha[i] * h, w->ys, w->fs);
      fi = w->fs;
    }
    double *Ki = w->K[i], gh = rodas_gammai[i] * h;
    for (size_t k = 0; k < N; k++)
      Ki[k] = fi[k] + gh * w->dfdt[k];
    for (int j = 0; j < i; j++) {
      double c = rodas_c[i * (i - 1) / 2 + j] / h;
      for (size_t k = 0; k < N; k++)
        Ki[k] += c * w->K[j][k];
    }
    solve(w, Ki);
  }
  double err = 0.0, dy = 0.0;
  for (size_t k = 0; k < N; k++) {
    double yn = y[k];
    for (int j = 0; j < RODAS_STAGES; j++)
      yn += rodas_m[j] * w->K[j][k];
    w->ynew[k] = yn;
    dy = fmax(dy, fabs(yn - y[k]));
  }
  for (size_t k = 0; k < N; k++) {
    double yn = w->ynew[k];
    double sc = tail ? s->atol + s->tail_rtol * dy : s->atol + s->rtol * fmax(fabs(y[k]), fabs(yn));
    double e = w->K[RODAS_STAGES - 1][k] / sc;
    err += e * e;
  }
  err = sqrt(err / (double)N);
  return isfinite(err) ? err : INFINITY;
}

int rodas_continue(rodas_ws *w, integ_run *r, double t, double h, double *y) {
  sgema_integration_stats *st = r->st;
  int status = SGEMA_OK;
  integ_control ctl = {6.0, 0}; /* RODAS's own growth limit */
  for (;;) {
    integ_jacobian(r, t, y, w->J, w->dfdt);
    int tail = integ_in_tail(r);
    for (;;) {
      double limit = integ_step_limit(r, t);
      if (h > limit)
        h = limit;
      double err = attempt(w, r, t, y, h, tail);
      if (err <= 1.0) {
        t = integ_advance(r, t, h);
        memcpy(y, w->ynew, w->N * sizeof(double));
        integ_eval(r, t, y, w->f);
        st->steps++;
        if (integ_accept(r, t, y, w->f, &status))
          return status;
        h = integ_control_accept(&ctl, h, err, 3);
        break;
      }
      if (integ_control_reject(&ctl, r, t, &h, err, 3))
        return SGEMA_OK;
    }
  }
}

double *rodas_field(rodas_ws *w) {
  return w->f;
}

static int rodas_run(void *impl, integ_run *r, double *y) {
  rodas_ws *w = impl;
  int status = SGEMA_OK;
  integ_eval(r, 0.0, y, w->f);
  if (integ_accept(r, 0.0, y, w->f, &status))
    return status;
  return rodas_continue(w, r, 0.0, r->s->h0, y);
}

const integ_method integ_rodas4 = {SGEMA_METHOD_RODAS4, rodas_alloc, rodas_free, rodas_run};
