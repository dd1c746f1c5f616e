/* The Figure 4 number: rises of Ebar and Fbar along a run's recorded trajectories, read through the
 * io layer's trajectory streams (results_traj.h). */
#ifndef SGEMA_TRAJ_RISE_H
#define SGEMA_TRAJ_RISE_H

#include "results_traj.h"
#include "summary.h"

#include <stddef.h>
#include <stdint.h>

/* The Figure 4 tolerance: Ebar (or Fbar) "increases" along a trajectory when some step between
 * consecutive recorded points rises by more than TRAJ_RISE_TOL times the largest |value| along
 * that trajectory. The recorded values are interpolated from an integration at rtol = 1e-10 and
 * an exactly monotone curve shows rises of about 1e-15 relative (rounding), so 1e-9 separates
 * rounding and integration error from real increases by orders of magnitude either way. */
#define TRAJ_RISE_TOL 1e-9

/* Largest rise between consecutive points, and the largest |value|, of column RESULTS_TRAJ_EBAR or
 * RESULTS_TRAJ_FBAR of trajectory k; rise is -inf with fewer than two points. NaN points are
 * skipped. */
int traj_rise(const sum_file *f, size_t run, uint32_t k, long long count, int col, double *rise,
              double *max_abs, char *err, size_t errsize);
/* 1 when rise > tol * max_abs (the definition of TRAJ_RISE_TOL). */
int traj_rises(double rise, double max_abs, double tol);

/* The Figure 4 number of a run: of its recorded (done, count >= 2) trajectories, how many see
 * Ebar rise, and (EMA) Fbar. */
typedef struct {
  long recorded;
  long ebar_rises, fbar_rises;
  int has_fbar;
} traj_rise_count;
int traj_count_rises(const sum_file *f, size_t run, double tol, traj_rise_count *out, char *err,
                     size_t errsize);

#endif
