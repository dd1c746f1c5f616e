/* Streaming reads of a results file's recorded trajectories and per-trial columns, in chunks
 * (serial HDF5, through results_read.h's open file). */
#ifndef SGEMA_RESULTS_TRAJ_H
#define SGEMA_RESULTS_TRAJ_H

#include "results_read.h"

#include <stddef.h>
#include <stdint.h>

/* Points per HDF5 read of a trajectory: a chunk of every requested column is at most this many
 * doubles, so memory stays bounded whatever the number of recorded points. */
#define RESULTS_TRAJ_CHUNK_POINTS 8192

/* What the run says about its recorded trial k (row k of the per-trial datasets). */
typedef struct {
  long long count; /* points recorded; -1 until written (trial not done) */
  int done;
  int cls;        /* sgema_class, or -1 when not a class name */
  double r1, r2;  /* m = 1 sphere radii, NaN when not defined */
  double a_limit; /* |A|_F at the end (outputs/a_norm) */
} results_traj_trial;

/* The run's `trajectories` attribute (0 when absent) and `state_dim`. */
int results_traj_recorded(const results_file *f, size_t run, uint32_t *trajectories,
                          uint32_t *state_dim, char *err, size_t errsize);
int results_traj_trial_info(const results_file *f, size_t run, uint32_t k, results_traj_trial *out,
                            char *err, size_t errsize);

/* A column of a trajectory: the time, Ebar, Fbar, or state component RESULTS_TRAJ_STATE + j. */
enum {
  RESULTS_TRAJ_T = -3,
  RESULTS_TRAJ_EBAR = -2,
  RESULTS_TRAJ_FBAR = -1,
  RESULTS_TRAJ_STATE = 0
};

/* Receives points [first, first + len) of the requested columns, col[c][i] the value of column c at
 * point first + i. Every chunk after the first repeats the previous chunk's last point as its
 * first, so that a chunk drawn as a polyline joins the one before. Nonzero stops the stream and is
 * returned. */
typedef int (*results_traj_chunk_fn)(const double *const *col, size_t len, size_t first, void *ctx);

/* Streams the first `count` points of trajectory k of run `run` (count from
 * results_traj_trial_info). -1 and a one-line reason (naming the dataset) on a read failure. */
int results_traj_stream(const results_file *f, size_t run, uint32_t k, long long count,
                        const int *cols, int ncols, results_traj_chunk_fn fn, void *ctx, char *err,
                        size_t errsize);

/* Per-trial columns for binned plots, streamed RESULTS_CHUNK_ROWS rows at a time: done, delta and
 * the sphere (an sgema_sphere, 255 when not a sphere name), and the class (255 when not a class).
 */
typedef int (*results_trial_chunk_fn)(const uint8_t *done, const double *delta,
                                      const uint8_t *sphere, const uint8_t *cls, size_t len,
                                      void *ctx);
int results_trial_stream(const results_file *f, size_t run, results_trial_chunk_fn fn, void *ctx,
                         char *err, size_t errsize);

#endif
