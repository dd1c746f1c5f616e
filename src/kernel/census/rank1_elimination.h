/* The m = 2 rank-1 system eliminated to one polynomial of degree 6 in the chart coordinate z
 * (docs/CENSUS.md, "Rank 1 at m = 2 by elimination"). */
#ifndef SGEMA_RANK1_ELIMINATION_H
#define SGEMA_RANK1_ELIMINATION_H

#include "census_system.h"

#include <gsl/gsl_poly.h>

#define SGEMA_RANK1_DEGREE 6 /* = the generic start system's finite roots at m = 2 */

/* The coefficients (ascending, SGEMA_RANK1_DEGREE + 1) of the polynomial in z whose roots are the
 * z of the rank-1 system's roots in s's current chart (s: kind SGEMA_CENSUS_RANK1, m = 2, at its
 * target). */
void sgema_rank1_polynomial(const sgema_census_system *s, double *coef);

/* The rank-1 system's roots (t, z, K) in s's current chart, one per root of the polynomial, into
 * x (N = 3 entries each, stride apart), w a workspace for SGEMA_RANK1_DEGREE + 1 coefficients.
 * Returns their number, SGEMA_RANK1_DEGREE, or -1 when elimination cannot be trusted: the
 * polynomial has lost degree (its leading coefficient below 1e-12 of its largest: a root near
 * z = infinity, or special data whose rank-1 solutions are not isolated), it has a multiple root,
 * t and K are ill-determined at a root (a = Sxx u and b = Sxy u nearly parallel: commuting
 * statistics, where two roots of the system share each z), or GSL's solver failed. The caller
 * then tracks the system instead. */
int sgema_rank1_eliminate(const sgema_census_system *s, gsl_poly_complex_workspace *w,
                          double complex *x, int stride);

#endif
