/* The k rightmost eigenvalues of a matrix-free operator: ARPACK's dnaupd/dneupd in regular mode. */
#include "classify_arnoldi.h"
#include "blas_matrix.h"

#include <arpack/arpack.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Why regular mode on the operator itself ("LR"): the rightmost eigenvalues lie on the convex hull
 * of the spectrum, which is what Krylov subspaces resolve first, and the implicit restarts filter
 * the stiff left end (eigenvalues down to about -rho(J)) away with exact shifts. Shift-invert would
 * converge in fewer products but needs a solve with J - sigma I per product, i.e. an inner Krylov
 * solve to 1e-12 or a factorisation; the regular mode costs one Jacobian-vector product each.
 * Accuracy: a Ritz value is accepted when its Ritz estimate is below tol |theta|. Measured (m = 4,
 * 6, 8, SG and EMA, 340 sampled limits against LAPACK's dgeev): tol = 1e-7 converges on all of
 * them in 30 to 250 products with abscissae within 1.2e-8; tol = 1e-8 and below stall for
 * thousands of products on partial limits (clusters of eigenvalues next to the abscissa). At
 * m = 24, n = 48 a partial limit (rank 23) stalls at 1e-7 too, 300 restarts and 4,653 products
 * without converging, and converges at 1e-6 in 380 products, 3e-9 from dgeev's abscissa: the
 * default is 1e-6. The restart budget is small and the caller falls back to the dense solver when
 * it runs out. (tol and the budget are the settings classification.arnoldi_tol and
 * arnoldi_restarts.) */

/* Krylov basis sizes: 30 to 40 vectors, and twice that from LARGE_N on, where the clusters of
 * eigenvalues next to the abscissa grow with n (a partial limit has about n - rank(A) equal ones)
 * and 30 vectors stalled at m = 64, n = 128 (ARPACK did not converge on an SG limit). */
enum { NCV_MIN = 30, NCV_MAX = 40, LARGE_N = 1000, NCV_LARGE = 80 };

struct arnoldi_ws {
  size_t n_max, ncv_large; /* the basis from LARGE_N on */
  double *resid, *V, *workd, *workl, *workev, *dr, *di;
  a_int *select;
};

void arnoldi_free(arnoldi_ws *w) {
  if (!w)
    return;
  free(w->resid);
  free(w->select);
  free(w);
}

static size_t ncv_for(const arnoldi_ws *w, size_t n, int k) {
  size_t ncv = (size_t)(2 * k + 1) > NCV_MIN ? (size_t)(2 * k + 1) : NCV_MIN;
  if (ncv > NCV_MAX)
    ncv = NCV_MAX;
  if (n >= LARGE_N)
    ncv = w->ncv_large;
  return ncv < n ? ncv : n;
}

arnoldi_ws *arnoldi_alloc(size_t n_max) {
  return arnoldi_alloc_basis(n_max, NCV_LARGE);
}

arnoldi_ws *arnoldi_alloc_basis(size_t n_max, size_t ncv_large) {
  blas_single_thread();
  if (ncv_large < NCV_MAX)
    return NULL;
  arnoldi_ws *w = calloc(1, sizeof *w);
  if (!w)
    return NULL;
  w->ncv_large = ncv_large;
  /* Every array 64-byte aligned: OpenBLAS's kernels split their sums by the alignment of the
   * data, so two workspaces aligned differently would give different last bits (and a trial's
   * result would depend on the process that computed it). */
  size_t ncv = n_max >= LARGE_N ? ncv_large : NCV_MAX, lworkl = 3 * ncv * ncv + 6 * ncv,
         stride = (n_max + 7) / 8 * 8;
  size_t len = stride + stride * ncv + 3 * stride + (lworkl + 7) / 8 * 8 + 8 * ncv;
  w->n_max = n_max;
  w->resid = aligned_alloc(64, len * sizeof(double));
  w->select = malloc(ncv * sizeof(a_int));
  if (!w->resid || !w->select) {
    arnoldi_free(w);
    return NULL;
  }
  w->V = w->resid + stride;
  w->workd = w->V + stride * ncv;
  w->workl = w->workd + 3 * stride;
  w->workev = w->workl + (lworkl + 7) / 8 * 8;
  w->dr = w->workev + 3 * ncv;
  w->di = w->dr + ncv + 1;
  return w;
}

/* ARPACK's dgetv0 draws the restart vectors it needs after a breakdown (an invariant Krylov
 * subspace) with LAPACK's dlarnv, from a seed it keeps across calls (Fortran SAVE): a trial's
 * spectrum would then depend on the trials the process solved before (seen: last bits of an EMA
 * m = 8 abscissa differed between 1 and 2 processes). This definition takes dlarnv's place in the
 * process (libarpack calls it through the dynamic linker): the same distributions, from a
 * generator that arnoldi_rightmost resets. */
static uint64_t dlarnv_state;

void dlarnv_(const a_int *idist, a_int *iseed, const a_int *n, double *x);

static double dlarnv_uniform(void) { /* (0, 1), xorshift64* */
  dlarnv_state ^= dlarnv_state >> 12;
  dlarnv_state ^= dlarnv_state << 25;
  dlarnv_state ^= dlarnv_state >> 27;
  return ((double)((dlarnv_state * 2685821657736338717ull) >> 11) + 0.5) / 9007199254740992.0;
}

void dlarnv_(const a_int *idist, a_int *iseed, const a_int *n, double *x) {
  (void)iseed;
  for (a_int i = 0; i < *n; i++) {
    double u = dlarnv_uniform();
    if (*idist == 2)
      x[i] = 2.0 * u - 1.0;
    else if (*idist == 3)
      x[i] = sqrt(-2.0 * log(u)) * cos(6.283185307179586 * dlarnv_uniform());
    else
      x[i] = u;
  }
}

/* A fixed start vector (ARPACK's own random start keeps its seed across calls, which would make a
 * trial's result depend on the trials before it). */
static void start_vector(double *x, size_t n) {
  uint32_t s = 12345u;
  for (size_t i = 0; i < n; i++) {
    s = s * 1664525u + 1013904223u;
    x[i] = (double)(s >> 8) / 16777216.0 - 0.5;
  }
}

/* The Ritz estimate ARPACK kept for the Ritz value nearest (re, im). */
static double ritz_estimate(const arnoldi_ws *w, const a_int *ipntr, size_t ncv, double re,
                            double im) {
  const double *rr = w->workl + ipntr[5] - 1, *ri = w->workl + ipntr[6] - 1,
               *bd = w->workl + ipntr[7] - 1;
  double best = INFINITY, est = NAN;
  for (size_t i = 0; i < ncv; i++) {
    double d = hypot(rr[i] - re, ri[i] - im);
    if (d < best) {
      best = d;
      est = fabs(bd[i]);
    }
  }
  return est;
}

int arnoldi_rightmost(arnoldi_ws *w, size_t n, int k, double tol, int restarts, long max_products,
                      arnoldi_op op, arnoldi_stop stop, void *ctx, arnoldi_result *out) {
  memset(out, 0, sizeof *out);
  if (n > w->n_max || k < 1 || k > ARNOLDI_MAX_K || (size_t)k + 2 > n || restarts < 1)
    return -1;
  size_t ncv = ncv_for(w, n, k), lworkl = 3 * ncv * ncv + 6 * ncv;
  a_int ido = 0, info = 1, iparam[11] = {0}, ipntr[14] = {0};
  iparam[0] = 1; /* exact shifts */
  iparam[2] = restarts;
  iparam[6] = 1; /* regular mode */
  start_vector(w->resid, n);
  dlarnv_state = 0x9E3779B97F4A7C15ull;
  /* ARPACK reads parts of its workspaces before writing them: stale values from the previous
   * call would make the result depend on it. */
  memset(w->V, 0, n * ncv * sizeof(double));
  memset(w->workd, 0, 3 * n * sizeof(double));
  memset(w->workl, 0, lworkl * sizeof(double));
  for (;;) {
    dnaupd_c(&ido, "I", (a_int)n, "LR", k, tol, w->resid, (a_int)ncv, w->V, (a_int)n, iparam, ipntr,
             w->workd, w->workl, (a_int)lworkl, &info);
    if (ido != -1 && ido != 1)
      break;
    /* Reverse communication returns here between products: the one place a long ARPACK
     * iteration (thousands of products at m = 64) can be abandoned. */
    if (stop && out->products % ARNOLDI_POLL_EVERY == 0 && stop(ctx))
      return ARNOLDI_STOPPED;
    if (max_products > 0 && out->products >= max_products)
      return -1;
    op(ctx, w->workd + ipntr[0] - 1, w->workd + ipntr[1] - 1);
    out->products++;
  }
  if (info != 0 || iparam[4] < k)
    return -1;
  a_int nconv = iparam[4];
  memset(w->select, 0,
         ncv * sizeof(a_int)); /* workspace with howmny "A", but read by the C wrapper */
  dneupd_c(0, "A", w->select, w->dr, w->di, w->V, (a_int)n, 0.0, 0.0, w->workev, "I", (a_int)n,
           "LR", k, tol, w->resid, (a_int)ncv, w->V, (a_int)n, iparam, ipntr, w->workd, w->workl,
           (a_int)lworkl, &info);
  if (info != 0)
    return -1;
  /* Descending real parts (insertion sort of at most k + 1 values). */
  size_t got = (size_t)nconv;
  for (size_t i = 1; i < got; i++)
    for (size_t j = i; j > 0 && w->dr[j] > w->dr[j - 1]; j--) {
      double tr = w->dr[j], ti = w->di[j];
      w->dr[j] = w->dr[j - 1], w->di[j] = w->di[j - 1];
      w->dr[j - 1] = tr, w->di[j - 1] = ti;
    }
  out->k = k;
  out->error = 0.0;
  for (int i = 0; i < k; i++) {
    out->re[i] = w->dr[i];
    out->im[i] = w->di[i];
    out->error = fmax(out->error, ritz_estimate(w, ipntr, ncv, w->dr[i], w->di[i]));
  }
  out->abscissa = out->re[0];
  return isfinite(out->abscissa) ? 0 : -1;
}
