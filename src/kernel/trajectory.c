/* Trajectory recording at chosen times by cubic Hermite interpolation between accepted steps. */
#include "sgema/trajectory.h"
#include "sgema/objective.h"
#include "sgema/status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct sgema_trajectory {
  size_t N, count, next;
  double *times, *states, *ebar, *fbar;
  const sgema_problem *p;
};

sgema_trajectory *sgema_trajectory_alloc(size_t N, const double *times, size_t count) {
  if (N == 0 || count == 0)
    return NULL;
  for (size_t i = 1; i < count; i++)
    if (!(times[i] > times[i - 1]))
      return NULL;
  sgema_trajectory *tr = calloc(1, sizeof *tr);
  if (!tr)
    return NULL;
  tr->N = N;
  tr->count = count;
  tr->times = malloc(count * (N + 3) * sizeof(double));
  if (!tr->times) {
    free(tr);
    return NULL;
  }
  memcpy(tr->times, times, count * sizeof(double));
  tr->states = tr->times + count;
  tr->ebar = tr->states + count * N;
  tr->fbar = tr->ebar + count;
  return tr;
}

sgema_trajectory *sgema_trajectory_alloc_uniform(size_t N, double t_last, size_t count) {
  if (count == 0 || !(t_last > 0.0) || !isfinite(t_last))
    return NULL;
  double *times = malloc(count * sizeof(double));
  if (!times)
    return NULL;
  for (size_t i = 0; i < count; i++)
    times[i] = count == 1 ? 0.0 : t_last * (double)i / (double)(count - 1);
  sgema_trajectory *tr = sgema_trajectory_alloc(N, times, count);
  free(times);
  return tr;
}

void sgema_trajectory_free(sgema_trajectory *tr) {
  if (!tr)
    return;
  free(tr->times);
  free(tr);
}

int sgema_trajectory_start(sgema_trajectory *tr, const sgema_problem *p) {
  if (sgema_problem_dim(p) != tr->N)
    return SGEMA_EDIM;
  tr->p = p;
  tr->next = 0;
  return SGEMA_OK;
}

static void store(sgema_trajectory *tr, const double *y) {
  const sgema_problem *p = tr->p;
  double *dst = tr->states + tr->next * tr->N;
  if (dst != y)
    memcpy(dst, y, tr->N * sizeof(double));
  tr->ebar[tr->next] = sgema_objective_ebar(p, sgema_state_A(p, dst), sgema_state_B(p, dst));
  tr->fbar[tr->next] =
      sgema_objective_fbar(p, sgema_state_A(p, dst), sgema_state_B(p, dst), sgema_state_C(p, dst));
  tr->next++;
}

int sgema_trajectory_step(sgema_trajectory *tr, double t, const double *y, sgema_dense *dense) {
  while (tr->next < tr->count && tr->times[tr->next] <= t) {
    double tau = tr->times[tr->next];
    if (dense && tau < t && tau > sgema_dense_start(dense)) {
      double *dst = tr->states + tr->next * tr->N;
      int st = sgema_dense_eval(dense, tau, dst);
      if (st != SGEMA_OK)
        return st;
      store(tr, dst);
    } else {
      store(tr, y);
    }
  }
  return SGEMA_OK;
}

size_t sgema_trajectory_count(const sgema_trajectory *tr) {
  return tr->next;
}
double sgema_trajectory_time(const sgema_trajectory *tr, size_t i) {
  return tr->times[i];
}
const double *sgema_trajectory_state(const sgema_trajectory *tr, size_t i) {
  return tr->states + i * tr->N;
}
double sgema_trajectory_ebar(const sgema_trajectory *tr, size_t i) {
  return tr->ebar[i];
}
double sgema_trajectory_fbar(const sgema_trajectory *tr, size_t i) {
  return tr->fbar[i];
}
