/* The finite roots of a generic census system by monodromy, where total degree has too many paths
 * (docs/CENSUS.md, "Start systems by monodromy"). */
#ifndef SGEMA_CENSUS_MONODROMY_H
#define SGEMA_CENSUS_MONODROMY_H

#include "census_system.h"
#include "homotopy.h"

/* Loops without a new root after which the set counts as complete when the census solves a start
 * system itself (the shipped roots, census_start_data.c, come from a longer search). Not a proof:
 * at m = 4 (s31, fixed patch) 40 quiet loops instead of 12 found a 424th corank-1 root, and 40
 * further loops from the 83 corank-2 roots an 84th, |x| ~ 23,000: large roots are reached by few
 * loops (docs/CENSUS.md) */
#define SGEMA_MONODROMY_QUIET_LOOPS 12
#define SGEMA_MONODROMY_MAX_LOOPS 1000 /* ... and the most loops tried in any case */
#define SGEMA_MONODROMY_SEEDS 4        /* independent first roots (one per component, if several) */

/* The distinct finite regular roots of the system of kind with the generic coefficients of size m
 * (sgema_census_generic_params), N unknowns each, stride apart, into *roots (malloc'd; the caller
 * frees) and their number into *n. Seeds: a random point x* is a root of F(x) - F(x*), and the
 * homotopy that removes F(x*) leads it to a root of F; every root found is carried around loops
 * p0 -> p1 -> p2 -> p0 through random coefficients, whose ends are roots of F again, until
 * quiet_loops loops in a row add none. Every random choice is drawn from the fixed generic
 * seed: the roots are a pure function of (m, kind). Returns SGEMA_OK, SGEMA_ENOMEM or
 * SGEMA_EINTERRUPTED (the tracker's stop request). */
int sgema_census_monodromy(sgema_tracker *tr, const sgema_tracker_settings *ts, int m,
                           sgema_census_system_kind kind, int quiet_loops, int stride,
                           double complex **roots, long *n);

#endif
