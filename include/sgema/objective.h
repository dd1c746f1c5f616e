/* The objectives Ebar and Fbar (docs/MODEL.md), monitored along trajectories; SG and EMA do not
 * minimise them. */
#ifndef SGEMA_OBJECTIVE_H
#define SGEMA_OBJECTIVE_H

#include "sgema/problem.h"

/* Fbar(A, B, C) = 1/2 [tr(BA Sxx A^T B^T) - 2 tr(BA Sxy C^T) + tr(C Syy C^T)]
 *                 + lambda/2 (|A|^2 + |B|^2).  A, C: n x m, B: n x n. */
double sgema_objective_fbar(const sgema_problem *p, const double *A, const double *B,
                            const double *C);

/* Ebar(A, B) = Fbar(A, B, A). */
double sgema_objective_ebar(const sgema_problem *p, const double *A, const double *B);

#endif
