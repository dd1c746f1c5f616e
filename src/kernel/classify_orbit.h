/* The symmetry orbit's tangent space at a state, without its N x K matrix: the Gram matrix of the
 * tangents in closed form, its pivoted Cholesky factor, and the orthogonal projector onto it. */
#ifndef SGEMA_CLASSIFY_ORBIT_H
#define SGEMA_CLASSIFY_ORBIT_H

#include "sgema/problem.h"

#include <stddef.h>

typedef struct orbit_ws orbit_ws;

/* Workspace for problems up to m x n: O(n^4 / 4) doubles for the Gram matrix (made on first use),
 * O(n^2) besides. */
orbit_ws *orbit_alloc(int m, int n);
void orbit_free(orbit_ws *o);

/* Factorises the tangent space of the orbit at y (classify.c's orbit_tangents and frozen_tangents
 * describe the group; frozen: the EMA target is a parameter and the space is the (A, B) block's).
 * Its dimension, the numerical rank of the tangents with singular values above
 * symmetry_tol max(1, largest), goes to *rank. Returns a status. */
int orbit_factor(orbit_ws *o, const sgema_problem *p, const double *y, int frozen,
                 double symmetry_tol, size_t *rank);

/* out = P z, P the orthogonal projector onto the tangent space last factorised; z and out are
 * states of that space's length (the (A, B) block when frozen) and may not overlap. */
void orbit_project(orbit_ws *o, const double *z, double *out);

#endif
