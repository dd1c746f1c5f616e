/* Streaming reads of a results file's recorded trajectories and per-trial columns, in chunks. */
#ifndef SGEMA_TRAJ_READ_H
#define SGEMA_TRAJ_READ_H

#include "summary.h"

#include <stddef.h>
#include <stdint.h>

/* Points per HDF5 read of a trajectory: a chunk of every requested column is at most this many
 * doubles, so memory stays bounded whatever the number of recorded points. */
#define TRAJ_CHUNK_POINTS 8192

/* The Figure 4 tolerance: Ebar (or Fbar) "increases" along a trajectory when some step between
 * consecutive recorded points rises by more than TRAJ_RISE_TOL times the largest |value| along
 * that trajectory. The recorded values are interpolated from an integration at rtol = 1e-10 and
 * an exactly monotone curve shows rises of about 1e-15 relative (rounding), so 1e-9 separates
 * rounding and integration error from real increases by orders of magnitude either way. */
#define TRAJ_RISE_TOL 1e-9

/* What the run says about its recorded trial k (row k of the per-trial datasets). */
typedef struct {
  long long count; /* points recorded; -1 until written (trial not done) */
  int done;
  int cls;        /* sgema_class, or -1 when not a class name */
  double r1, r2;  /* m = 1 sphere radii, NaN when not defined */
  double a_limit; /* |A|_F at the end (outputs/a_norm) */
} traj_trial;

/* The run's `trajectories` attribute (0 when absent) and `state_dim`. */
int traj_recorded(const sum_file *f, size_t run, uint32_t *trajectories, uint32_t *state_dim,
                  char *err, size_t errsize);
int traj_trial_info(const sum_file *f, size_t run, uint32_t k, traj_trial *out, char *err,
                    size_t errsize);

/* A column of a trajectory: the time, Ebar, Fbar, or state component TRAJ_STATE + j. */
enum { TRAJ_T = -3, TRAJ_EBAR = -2, TRAJ_FBAR = -1, TRAJ_STATE = 0 };

/* Receives points [first, first + len) of the requested columns, col[c][i] the value of column c at
 * point first + i. Every chunk after the first repeats the previous chunk's last point as its
 * first, so that a chunk drawn as a polyline joins the one before. Nonzero stops the stream and is
 * returned. */
typedef int (*traj_chunk_fn)(const double *const *col, size_t len, size_t first, void *ctx);

/* Streams the first `count` points of trajectory k of run `run` (count from traj_trial_info). -1
 * and a one-line reason (naming the dataset) on a read failure. */
int traj_stream(const sum_file *f, size_t run, uint32_t k, long long count, const int *cols,
                int ncols, traj_chunk_fn fn, void *ctx, char *err, size_t errsize);

/* Largest rise between consecutive points, and the largest |value|, of column TRAJ_EBAR or
 * TRAJ_FBAR of trajectory k; rise is -inf with fewer than two points. NaN points are skipped. */
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

/* Per-trial columns for binned plots, streamed SUM_CHUNK_ROWS rows at a time: done, delta and the
 * sphere (an sgema_sphere, 255 when not a sphere name), and the class (255 when not a class). */
typedef int (*trial_chunk_fn)(const uint8_t *done, const double *delta, const uint8_t *sphere,
                              const uint8_t *cls, size_t len, void *ctx);
int trial_stream(const sum_file *f, size_t run, trial_chunk_fn fn, void *ctx, char *err,
                 size_t errsize);

#endif
