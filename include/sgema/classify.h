/* Classification of a trial's limit (docs/MODEL.md "Limits and their classes"). */
#ifndef SGEMA_CLASSIFY_H
#define SGEMA_CLASSIFY_H

#include "sgema/integrate.h"
#include "sgema/problem.h"

typedef enum {
  SGEMA_CLASS_ORIGIN,
  SGEMA_CLASS_STABLE,
  SGEMA_CLASS_SADDLE,
  SGEMA_CLASS_PARTIAL,
  SGEMA_CLASS_NOT_CONVERGED,
  SGEMA_CLASS_DIVERGED,
  SGEMA_CLASS_FAILED, /* the kernel returned an error; the record's status says which */
  SGEMA_CLASS_COUNT
} sgema_class;

typedef enum { SGEMA_SPHERE_NONE, SGEMA_SPHERE_S1, SGEMA_SPHERE_S2 } sgema_sphere;

const char *sgema_class_name(sgema_class c);   /* "origin", ..., "diverged", "failed" */
const char *sgema_sphere_name(sgema_sphere s); /* "none", "S1", "S2" */

/* How the reduced spectrum is computed. dense: GSL's nonsymmetric eigensolver on the reduced
 * Jacobian V^T J V (N x N work; the cross-check, selectable at any size). lapack: the same matrix,
 * LAPACK's dgeev (blocked, on OpenBLAS). arnoldi: ARPACK on z -> V^T J V z applied with one
 * Jacobian-vector product (no N x N matrix), the k rightmost eigenvalues; lapack takes over when
 * ARPACK does not converge within its budget. auto (the default): dense below a state length of
 * lapack_min_n (bit for bit the results of before), arnoldi from there. */
typedef enum {
  SGEMA_SPECTRUM_AUTO,
  SGEMA_SPECTRUM_DENSE,
  SGEMA_SPECTRUM_LAPACK,
  SGEMA_SPECTRUM_ARNOLDI,
  SGEMA_SPECTRUM_COUNT
} sgema_spectrum_solver;

const char *sgema_spectrum_name(sgema_spectrum_solver s); /* "auto", "dense", "lapack", "arnoldi" */

/* The dense spectrum's memory (three N x N matrices and the orbit's N x K tangents) is allowed up
 * to this many bytes a process: m = 32, n = 64 fits (1.9 GB). Beyond it `dense` and `lapack` are
 * refused (settings, experiment files), and an Arnoldi iteration that did not converge fails the
 * trial instead of falling back (m = 64, n = 128 would need 25.8 GB and hours a trial). */
#define SGEMA_DENSE_SPECTRUM_BYTES_MAX (2.0 * 1024 * 1024 * 1024)
/* n: the dimension of B (the orbit's size), N: the state length */
double sgema_dense_spectrum_bytes(int n, int N);
/* SGEMA_OK unless spectrum is dense or lapack and the bound is exceeded: then SGEMA_EINVAL and,
 * when why is not NULL, the reason (without a key) in why. */
int sgema_dense_spectrum_check(sgema_spectrum_solver spectrum, sgema_alg alg, int m, int n,
                               char *why, size_t size);

/* The most rightmost eigenvalues a classification computes and records (its `eigenvalues`). */
#define SGEMA_SPECTRUM_MAX_K 16

typedef struct {
  double origin_tol; /* origin when |A|_F < origin_tol */
  double rank_tol;   /* singular values of A above rank_tol count towards rank(A) */
  double saddle_tol; /* saddle when the largest real part (symmetry zeros excluded) > saddle_tol */
  double symmetry_tol; /* relative tolerance on the singular values of the O(n) orbit's tangents */
  double sphere_tol;   /* m = 1: on S_i when ||a| - r_i| <= sphere_tol * r_i */
  sgema_spectrum_solver spectrum;
  int eigenvalues;      /* k: the rightmost eigenvalues computed and recorded */
  double arnoldi_tol;   /* ARPACK's relative accuracy of a Ritz value */
  int arnoldi_restarts; /* ARPACK's restart budget (then lapack takes over) */
  int lapack_min_n;     /* auto: dense below this state length, arnoldi (LAPACK) from it on */
} sgema_classification;

typedef struct {
  sgema_class cls;
  int rank;             /* numerical rank of A; -1 when diverged or failed */
  double max_re;        /* largest real part of the Jacobian's spectrum, symmetry zeros excluded;
                         * also for not_converged at the horizon (near 0: critical slowing down) */
  int symmetry_zeros;   /* how many zero eigenvalues were attributed to the O(n) symmetry */
  double a_norm;        /* |A|_F */
  double delta, r1, r2; /* m = 1: Delta = tau^2 - 4 rho lambda and the radii (NaN when Delta < 0) */
  sgema_sphere sphere;  /* m = 1 and converged: which sphere |a| lies on */
  int sphere_agrees; /* m = 1: 1 if (S2, stable), (S1, saddle) or (none, origin); 0 if not; -1 n/a
                      */
} sgema_limit;

typedef struct sgema_classifier sgema_classifier;

sgema_classifier *sgema_classifier_alloc(int m, int n);
void sgema_classifier_free(sgema_classifier *c);

/* Classifies the state y reached at time t with the integration outcome end. */
int sgema_classify(sgema_classifier *c, const sgema_classification *s, const sgema_problem *p,
                   double t, const double *y, sgema_end end, sgema_limit *out);

/* The reduced spectrum at (t, y): largest real part of the eigenvalues of the Jacobian restricted
 * to the complement of the O(n) orbit's tangent space, and that space's dimension. y is taken for
 * an equilibrium: an Arnoldi result left of -lambda is a miss (docs/NUMERICS.md). */
int sgema_classifier_spectrum(sgema_classifier *c, const sgema_classification *s,
                              const sgema_problem *p, double t, const double *y, double *max_re,
                              int *symmetry_zeros);

/* What the last spectrum computation did. */
typedef struct {
  sgema_spectrum_solver used; /* dense, lapack or arnoldi */
  int fell_back;              /* arnoldi was asked for but did not converge: a dense solver was */
  /* The k rightmost eigenvalues of the reduced spectrum, descending real parts (ties: descending
   * imaginary parts), whichever solver computed them: k is the setting `eigenvalues`, or the
   * reduced size when that is smaller. */
  int k;
  double re[SGEMA_SPECTRUM_MAX_K], im[SGEMA_SPECTRUM_MAX_K];
  double abscissa; /* the largest real part */
  double error;    /* arnoldi: ARPACK's largest Ritz estimate among the k; dense: 0 */
  long products;   /* Jacobian-vector products (arnoldi) */
} sgema_spectrum_info;

const sgema_spectrum_info *sgema_classifier_last_spectrum(const sgema_classifier *c);

/* A stop request: polled between the classification's stages and every few products of ARPACK's
 * iteration; when stop(ctx) returns nonzero, sgema_classify and sgema_classifier_spectrum give up
 * with SGEMA_EINTERRUPTED (the trial's watch, sgema_trial_set_watch, is passed on this way). A
 * dense spectrum from a state length of 1024 on (minutes a call at m = 32) runs in a thread of its
 * own while stop is polled every 20 ms, so that it too gives up at once: the abandoned thread
 * finishes on its own copies, the next call on the workspace waits for it, and freeing the
 * workspace leaves it to the thread (docs/FAULTS.md, issue 10). NULL never stops. */
typedef int (*sgema_stop_fn)(void *ctx);
void sgema_classifier_set_stop(sgema_classifier *c, sgema_stop_fn stop, void *ctx);

/* How many abandoned dense spectra are still running in their threads, in the whole process. A
 * program that exits while one runs must _exit: the libraries' exit handlers (OpenBLAS frees its
 * buffers) would pull memory from under the thread. */
int sgema_classifier_jobs_running(void);

#endif
