/* Recording of a trial's trajectory at chosen times (for the paper's Figures 3 and 4). */
#ifndef SGEMA_TRAJECTORY_H
#define SGEMA_TRAJECTORY_H

#include "sgema/integrate.h"
#include "sgema/problem.h"

#include <stddef.h>

typedef struct sgema_trajectory sgema_trajectory;

/* Records at `count` increasing times, for states of length N. A time inside an accepted step is
 * reached by integrating afresh from the step's start (sgema_dense_eval), so the step sequence is
 * not disturbed and a recorded trial ends bit for bit where an unrecorded one does; the discrete
 * algorithm records its iterates at the first iteration at or after each time. */
sgema_trajectory *sgema_trajectory_alloc(size_t N, const double *times, size_t count);
/* count points uniformly spaced on [0, t_last]. */
sgema_trajectory *sgema_trajectory_alloc_uniform(size_t N, double t_last, size_t count);
void sgema_trajectory_free(sgema_trajectory *tr);

/* Starts recording a trajectory of p; SGEMA_EDIM unless p's state has the allocated length. */
int sgema_trajectory_start(sgema_trajectory *tr, const sgema_problem *p);
/* Feeds an accepted step ending at (t, y); dense reaches the times inside it (NULL at t = 0 and for
 * the discrete algorithm). Returns SGEMA_OK or the dense output's failure. */
int sgema_trajectory_step(sgema_trajectory *tr, double t, const double *y, sgema_dense *dense);

/* Points recorded so far (times past the trial's end are not recorded). */
size_t sgema_trajectory_count(const sgema_trajectory *tr);
double sgema_trajectory_time(const sgema_trajectory *tr, size_t i);
const double *sgema_trajectory_state(const sgema_trajectory *tr, size_t i);
double sgema_trajectory_ebar(const sgema_trajectory *tr, size_t i);
double sgema_trajectory_fbar(const sgema_trajectory *tr, size_t i);

#endif
