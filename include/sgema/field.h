/* The vector fields of SG, EMA and GD (paper Eq. 5, docs/MODEL.md), their analytic Jacobians. */
#ifndef SGEMA_FIELD_H
#define SGEMA_FIELD_H

#include "sgema/problem.h"

typedef struct sgema_field sgema_field;

/* Scratch for problems up to m x n; allocated once per worker. */
sgema_field *sgema_field_alloc(int m, int n);
void sgema_field_free(sgema_field *w);

/* f = dy/dt at (t, y). */
void sgema_field_eval(sgema_field *w, const sgema_problem *p, double t, const double *y, double *f);

/* jv = J(t, y) v, the directional derivative of the field. */
void sgema_field_jvp(sgema_field *w, const sgema_problem *p, double t, const double *y,
                     const double *v, double *jv);

/* Dense Jacobian J (N x N, row-major, J[i*N + j] = d f_i / d y_j) and, when dfdt is not NULL,
 * the explicit time derivative of f (nonzero only for EMA under a moving momentum). */
void sgema_field_jacobian(sgema_field *w, const sgema_problem *p, double t, const double *y,
                          double *J, double *dfdt);

/* For tests: 1 makes every later call on w use the generic code instead of the copies specialised
 * for common dimensions (0, the default, uses them; results are the same bit for bit). */
void sgema_field_use_generic(sgema_field *w, int on);

/* Euclidean norm of a vector of length len. */
double sgema_norm2(const double *x, size_t len);

/* The scale of a state, max(1, |y|_2). Why the convergence and tail thresholds are relative to it:
 * the field's terms grow like |y|^3, so for the large limits of small-rho trials (|y| in the
 * hundreds) rounding alone keeps |f| above any absolute 1e-10; below |y| = 1 the thresholds are
 * absolute. */
double sgema_field_scale(const double *y, size_t N);

#endif
