/* The rightmost eigenvalues of a matrix given only by its products, with ARPACK (implicitly
 * restarted Arnoldi). */
#ifndef SGEMA_CLASSIFY_ARNOLDI_H
#define SGEMA_CLASSIFY_ARNOLDI_H

#include <stddef.h>

enum { ARNOLDI_MAX_K = 16 };

/* y = M x for vectors of length n. */
typedef void (*arnoldi_op)(void *ctx, const double *x, double *y);

typedef struct arnoldi_ws arnoldi_ws;

/* Workspace for operators of size up to n_max: O(n_max x ncv) doubles, a basis of 30 to 40
 * vectors below n = 1,000 and 80 from there on. */
arnoldi_ws *arnoldi_alloc(size_t n_max);
/* The same with a basis of ncv_large (>= 40) vectors from n = 1,000 on; NULL if smaller. */
arnoldi_ws *arnoldi_alloc_basis(size_t n_max, size_t ncv_large);
void arnoldi_free(arnoldi_ws *w);

typedef struct {
  int k;                    /* eigenvalues computed (the k rightmost) */
  double re[ARNOLDI_MAX_K]; /* their real parts, descending */
  double im[ARNOLDI_MAX_K];
  double abscissa; /* re[0] */
  double error;    /* ARPACK's largest Ritz estimate |r| |e_ncv^T s| among them */
  long products;   /* operator applications */
} arnoldi_result;

/* Polled every ARNOLDI_POLL_EVERY products: nonzero abandons the iteration. */
typedef int (*arnoldi_stop)(void *ctx);
enum { ARNOLDI_POLL_EVERY = 8, ARNOLDI_STOPPED = -2 };

/* The k rightmost eigenvalues (largest real part) of the n x n operator, 2 <= k + 2 <= n,
 * k <= ARNOLDI_MAX_K, each Ritz value to the relative accuracy tol. Returns 0, or -1 when ARPACK
 * did not converge within `restarts` restarts or max_products operator applications (0: no such
 * limit) or failed (the caller falls back to a dense eigensolver), or ARNOLDI_STOPPED when stop
 * (may be NULL; its context is ctx) asked to stop. Deterministic: the start vector is fixed. */
int arnoldi_rightmost(arnoldi_ws *w, size_t n, int k, double tol, int restarts, long max_products,
                      arnoldi_op op, arnoldi_stop stop, void *ctx, arnoldi_result *out);

#endif
