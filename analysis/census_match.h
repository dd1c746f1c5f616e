/* The Monte Carlo limits of a stored trial run against the census of each trial's data set (issue
 * 13, sgema-match): each converged stable limit's A^T A must equal a census PD solution classified
 * stable, each partial limit of rank k a census rank-k PSD solution. */
#ifndef SGEMA_CENSUS_MATCH_H
#define SGEMA_CENSUS_MATCH_H

#include "summary.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A limit matches a census solution S when |A^T A - S|_F <= tol max(1, |S|_F). */
#define MATCH_TOL_DEFAULT 1e-5

/* A limit without a match: what it is and how far the nearest candidates are. */
typedef struct {
  uint32_t trial;
  int cls;         /* sgema_class: stable or partial */
  int rank;        /* the stored rank(A) */
  double distance; /* to the nearest solution it could match (NaN when the census has none) */
  int nearest;     /* the census equilibrium nearest to A^T A of any kind (-1: none) */
  double nearest_distance;
  int nearest_rank, nearest_class; /* its rank and sgema_equilibrium_class */
  int census_status;               /* SGEMA_OK, or why the census failed */
} match_miss;

/* One run's tally. */
typedef struct {
  const char *skipped; /* why the run is not checked (NULL: checked); static or reason[] */
  char reason[256];
  long limits[2], matched[2]; /* [0] stable, [1] partial */
  long other;                 /* done trials of other classes (not checked) */
  match_miss *misses;
  long n_misses, cap_misses;
} match_run;

/* Checks run i of f (limits' end states from the file, data sets re-sampled through the kernel
 * with the run's reloaded settings, seed and stream). A run the census does not take (GD, a moving
 * or unit momentum, m > 4, discrete time) or whose settings do not reload is skipped with its
 * reason, not an error. -1 and a one-line reason on a read failure or when out of memory. */
/* A line "PROG: run R: K stable and P partial limits checked" goes to progress (when not NULL)
 * every 10 s, since a run at m = 3 takes minutes. */
int match_run_check(const sum_file *f, size_t i, double tol, const char *prog, FILE *progress,
                    match_run *out, char *err, size_t errsize);
void match_run_free(match_run *r);

#endif
