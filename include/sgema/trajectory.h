/* Recording of a trial's trajectory at chosen times (for the paper's Figures 3 and 4). */
#ifndef SGEMA_TRAJECTORY_H
#define SGEMA_TRAJECTORY_H

#include "sgema/problem.h"

#include <stddef.h>

typedef struct sgema_trajectory sgema_trajectory;

/* Records at `count` increasing times, for states of length up to N. The recorded states are cubic
 * Hermite interpolants between accepted steps (the step sequence is not disturbed, so a recorded
 * trial ends bit for bit where an unrecorded one does); error O(h^4) of the local step. */
sgema_trajectory *sgema_trajectory_alloc(size_t N, const double *times, size_t count);
/* count points uniformly spaced on [0, t_last]. */
sgema_trajectory *sgema_trajectory_alloc_uniform(size_t N, double t_last, size_t count);
void sgema_trajectory_free(sgema_trajectory *tr);

/* Starts recording a trajectory of p; SGEMA_EDIM unless p's state has the allocated length. */
int sgema_trajectory_start(sgema_trajectory *tr, const sgema_problem *p);
/* Feeds an accepted step with the state and field at its end. */
void sgema_trajectory_step(sgema_trajectory *tr, double t, const double *y, const double *f);

/* Points recorded so far (times past the trial's end are not recorded). */
size_t sgema_trajectory_count(const sgema_trajectory *tr);
double sgema_trajectory_time(const sgema_trajectory *tr, size_t i);
const double *sgema_trajectory_state(const sgema_trajectory *tr, size_t i);
double sgema_trajectory_ebar(const sgema_trajectory *tr, size_t i);
double sgema_trajectory_fbar(const sgema_trajectory *tr, size_t i);

#endif
