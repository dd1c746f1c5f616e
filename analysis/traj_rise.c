/* The Figure 4 rises along a run's recorded trajectories (docs/ANALYSIS.md), streamed from the
 * file by the io layer's reader. */
#include "traj_rise.h"

#include <math.h>
#include <string.h>

typedef struct {
  double prev, rise, max_abs;
} rise_ctx;

static int rise_chunk(const double *const *col, size_t len, size_t first, void *vctx) {
  rise_ctx *x = vctx;
  /* The overlap point was seen as the previous chunk's last: skip it. */
  for (size_t i = first > 0 ? 1 : 0; i < len; i++) {
    double v = col[0][i];
    if (isnan(v))
      continue;
    if (fabs(v) > x->max_abs)
      x->max_abs = fabs(v);
    if (!isnan(x->prev) && v - x->prev > x->rise)
      x->rise = v - x->prev;
    x->prev = v;
  }
  return 0;
}

int traj_rise(const sum_file *f, size_t run, uint32_t k, long long count, int col, double *rise,
              double *max_abs, char *err, size_t errsize) {
  rise_ctx x = {NAN, -INFINITY, 0.0};
  int st = results_traj_stream(&f->rf, run, k, count, &col, 1, rise_chunk, &x, err, errsize);
  *rise = x.rise;
  *max_abs = x.max_abs;
  return st;
}

int traj_rises(double rise, double max_abs, double tol) {
  return rise > tol * max_abs;
}

int traj_count_rises(const sum_file *f, size_t run, double tol, traj_rise_count *out, char *err,
                     size_t errsize) {
  memset(out, 0, sizeof *out);
  const sum_run *r = &f->runs[run];
  out->has_fbar = r->alg && strcmp(r->alg, "ema") == 0;
  uint32_t ntraj, dim;
  if (results_traj_recorded(&f->rf, run, &ntraj, &dim, err, errsize) != 0)
    return -1;
  for (uint32_t k = 0; k < ntraj && k < r->trials; k++) {
    results_traj_trial t;
    if (results_traj_trial_info(&f->rf, run, k, &t, err, errsize) != 0)
      return -1;
    if (!t.done || t.count < 2)
      continue;
    out->recorded++;
    double rise, max_abs;
    if (traj_rise(f, run, k, t.count, RESULTS_TRAJ_EBAR, &rise, &max_abs, err, errsize) != 0)
      return -1;
    out->ebar_rises += traj_rises(rise, max_abs, tol);
    if (!out->has_fbar)
      continue;
    if (traj_rise(f, run, k, t.count, RESULTS_TRAJ_FBAR, &rise, &max_abs, err, errsize) != 0)
      return -1;
    out->fbar_rises += traj_rises(rise, max_abs, tol);
  }
  return 0;
}
