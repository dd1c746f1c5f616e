/* Dense output: the state inside the last accepted step, integrated afresh by extrapolation steps
 * (sgema_dense_eval in sgema/integrate.h). */
#ifndef SGEMA_INTEG_DENSE_H
#define SGEMA_INTEG_DENSE_H

#include "integ_system.h"

/* Space for states up to length N_max; NULL when out of memory. */
sgema_dense *integ_dense_alloc(size_t N_max);
void integ_dense_free(sgema_dense *d);

/* The extrapolation stepper for states of length N (reallocated when N changes). */
int integ_dense_reserve(sgema_dense *d, size_t N);

/* Starts a trial: a copy of its run with private counters, so that output never changes the
 * trial's record; no step yet. */
void integ_dense_begin(sgema_dense *d, const integ_run *r);

/* Whether a step has started, i.e. a state was marked. */
int integ_dense_started(const sgema_dense *d);

/* Remembers the accepted state (t, y) with field f as the start of the next step. */
void integ_dense_mark(sgema_dense *d, double t, const double *y, const double *f);

#endif
