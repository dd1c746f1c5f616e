/* Classification of a limit: origin, stable, saddle, partial, from |A|, rank(A) and the spectrum.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, pthreads */
#include "sgema/classify.h"
#include "blas_matrix.h"
#include "classify_arnoldi.h"
#include "classify_orbit.h"
#include "sgema/field.h"
#include "sgema/status.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <lapacke.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const class_names[SGEMA_CLASS_COUNT] = {
    "origin", "stable", "saddle", "partial", "not_converged", "diverged", "failed"};
static const char *const sphere_names[] = {"none", "S1", "S2"};
_Static_assert(SGEMA_SPECTRUM_MAX_K <= ARNOLDI_MAX_K, "every allowed k is one ARPACK can compute");
static const char *const spectrum_names[SGEMA_SPECTRUM_COUNT] = {"auto", "dense", "lapack",
                                                                 "arnoldi"};

const char *sgema_class_name(sgema_class c) {
  return (unsigned)c < SGEMA_CLASS_COUNT ? class_names[c] : "unknown";
}

const char *sgema_sphere_name(sgema_sphere s) {
  return (unsigned)s <= SGEMA_SPHERE_S2 ? sphere_names[s] : "unknown";
}

const char *sgema_spectrum_name(sgema_spectrum_solver s) {
  return (unsigned)s < SGEMA_SPECTRUM_COUNT ? spectrum_names[s] : "unknown";
}

struct sgema_classifier {
  size_t N_max;
  int m_max, n_max;
  sgema_field *field;
  double *J;           /* N x N Jacobian (made on first use of a dense path) */
  gsl_matrix *T;       /* N x K orbit tangents, then their left singular vectors */
  gsl_matrix *V;       /* K x K */
  gsl_vector *sv;      /* K */
  gsl_matrix *R;       /* N x K */
  gsl_vector *tau;     /* K */
  gsl_matrix *JQ, *Jr; /* N x N products */
  gsl_vector_complex *eval;
  gsl_eigen_nonsymm_workspace **eig; /* one per reduced size, made on first use */
  gsl_matrix *Asv, *Asv_V;           /* SVD of A: n x m, m x m */
  gsl_vector *Asv_s, *Asv_work;      /* m each */
  double *tv;                        /* one tangent (N) */
  double *P;                         /* n x n projector */
  arnoldi_ws *arn;                   /* made on first use */
  arnoldi_ws *arn_wide; /* a larger basis, made when arn failed with no room for dgeev */
  orbit_ws *orbit;      /* the tangent space without its N x K matrix, for the Arnoldi path */
  double *xv, *jv;      /* two states (N) for the reduced products */
  double *pz;           /* three states (N): a projection, and the shift's power iteration */
  sgema_spectrum_info info;
  sgema_stop_fn stop; /* the stop request (sgema_classifier_set_stop), or NULL */
  void *stop_ctx;
  struct dense_job *job; /* a dense spectrum running in its own thread (see dense_job), or NULL */
  int in_job;            /* the job's thread is the one using c (it alone calls stopped()) */
  /* 0 while sgema_classify diagnoses a state that is not a converged limit: the -lambda bound
   * (arnoldi_missed) holds at equilibria only. */
  int at_equilibrium;
};

static void classifier_release(sgema_classifier *c);
static int job_orphaned(sgema_classifier *c);

void sgema_classifier_free(sgema_classifier *c) {
  if (!c || job_orphaned(c))
    return;
  classifier_release(c);
}

static void classifier_release(sgema_classifier *c) {
  sgema_field_free(c->field);
  free(c->J);
  gsl_matrix_free(c->T);
  gsl_matrix_free(c->V);
  gsl_vector_free(c->sv);
  gsl_vector_free(c->tau);
  gsl_matrix_free(c->JQ);
  gsl_matrix_free(c->Jr);
  gsl_vector_complex_free(c->eval);
  if (c->eig)
    for (size_t i = 0; i <= c->N_max; i++)
      if (c->eig[i])
        gsl_eigen_nonsymm_free(c->eig[i]);
  free(c->eig);
  free(c->tv);
  free(c->xv);
  arnoldi_free(c->arn);
  arnoldi_free(c->arn_wide);
  orbit_free(c->orbit);
  gsl_matrix_free(c->Asv);
  gsl_matrix_free(c->Asv_V);
  gsl_vector_free(c->Asv_s);
  gsl_vector_free(c->Asv_work);
  free(c);
}

sgema_classifier *sgema_classifier_alloc(int m, int n) {
  if (m < 1 || n <= m || m > SGEMA_MAX_M || n > SGEMA_MAX_N)
    return NULL;
  gsl_set_error_handler_off();
  blas_single_thread();
  sgema_classifier *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  size_t N = sgema_problem_dim_for(SGEMA_ALG_EMA, m, n);
  c->N_max = N;
  c->at_equilibrium = 1;
  c->m_max = m;
  c->n_max = n;
  c->field = sgema_field_alloc(m, n);
  c->eval = gsl_vector_complex_alloc(N);
  c->eig = calloc(N + 1, sizeof *c->eig);
  c->tv = malloc((N + (size_t)n * n) * sizeof(double));
  c->P = c->tv ? c->tv + N : NULL;
  c->xv = malloc(5 * N * sizeof(double));
  c->jv = c->xv ? c->xv + N : NULL;
  c->pz = c->xv ? c->jv + N : NULL;
  c->orbit = orbit_alloc(m, n);
  c->Asv = gsl_matrix_alloc(n, m);
  c->Asv_V = gsl_matrix_alloc(m, m);
  c->Asv_s = gsl_vector_alloc(m);
  c->Asv_work = gsl_vector_alloc(m);
  if (!c->field || !c->eval || !c->eig || !c->tv || !c->xv || !c->orbit || !c->Asv || !c->Asv_V ||
      !c->Asv_s || !c->Asv_work) {
    sgema_classifier_free(c);
    return NULL;
  }
  return c;
}

void sgema_classifier_set_stop(sgema_classifier *c, sgema_stop_fn stop, void *ctx) {
  c->stop = stop;
  c->stop_ctx = ctx;
}

/* A dense spectrum (LAPACK's or GSL's) from DENSE_THREAD_MIN_N on runs in a thread of its own
 * while the caller's thread polls the stop request every JOB_POLL_NS: one LAPACK call of it takes
 * up to minutes (the orbit's dgesvd: 33 s at m = 24, 164 s at m = 32), and a stop must take effect
 * within seconds (issue 10). On a stop the caller returns SGEMA_EINTERRUPTED at once and the job
 * is left to finish on its own copies of the state and settings: the workspace is the job's until
 * then (the next call on it waits for the job; freeing it hands it to the job, which frees it when
 * done). Same computation, same bits, whichever thread runs it. */
enum { DENSE_THREAD_MIN_N = 1024 };
static const long JOB_POLL_NS = 20000000;
static atomic_int jobs_running;

int sgema_classifier_jobs_running(void) {
  return atomic_load(&jobs_running);
}

typedef struct dense_job {
  sgema_classifier *c;
  sgema_classification s;
  sgema_problem p;
  double t, *y;
  size_t N;
  int frozen;
  double max_re; /* the results */
  int zeros, status;
  pthread_mutex_t lock;
  pthread_cond_t finished;
  pthread_t thread;
  int done, orphaned; /* under lock */
  atomic_int abandoned;
} dense_job;

/* Polled between the stages of a classification, each at most one dense LAPACK/GSL call long. */
static int stopped(const sgema_classifier *c) {
  if (c->in_job)
    return atomic_load(&c->job->abandoned);
  return c->stop && c->stop(c->stop_ctx);
}

/* After the linear momentum schedule reaches alpha = 1 the target C is frozen: a parameter, not a
 * state, and the symmetry group changes (see frozen_tangents). */
static int target_frozen(const sgema_problem *p, double t) {
  return p->alg == SGEMA_ALG_EMA && sgema_momentum_alpha(&p->momentum, t) == 1.0 &&
         sgema_momentum_dalpha(&p->momentum, t) == 0.0;
}

/* U = X, X row-major with U's shape. */
static void load_rows(gsl_matrix *U, const double *X) {
  for (size_t i = 0; i < U->size1; i++)
    for (size_t j = 0; j < U->size2; j++)
      gsl_matrix_set(U, i, j, X[i * U->size2 + j]);
}

/* Singular values (descending) of the n x m matrix X, with its left singular vectors left in
 * c->Asv; returns 0, or -1 when the SVD fails. */
static int small_svd(sgema_classifier *c, const double *X, int m, int n, gsl_vector_view *S) {
  gsl_matrix_view U = gsl_matrix_submatrix(c->Asv, 0, 0, n, m);
  gsl_matrix_view V = gsl_matrix_submatrix(c->Asv_V, 0, 0, m, m);
  *S = gsl_vector_subvector(c->Asv_s, 0, m);
  load_rows(&U.matrix, X);
  if (gsl_linalg_SV_decomp_jacobi(&U.matrix, &V.matrix, &S->vector) == GSL_SUCCESS)
    return 0;
  /* One-sided Jacobi can miss its tolerance on columns of size 1e-11 (a partial limit's null
   * directions: EMA m = 8, n = 9, sweep-m's seed 1, run 22, trial 8091, singular values 1.4 ...
   * 0.53 and four below 7e-11): its values are right, but it reports GSL_ETOL. Golub-Kahan (GSL's
   * SV_decomp) converges there and agrees with it and with LAPACK to 1e-15 on the large ones. */
  gsl_vector_view work = gsl_vector_subvector(c->Asv_work, 0, m);
  load_rows(&U.matrix, X);
  return gsl_linalg_SV_decomp(&U.matrix, &V.matrix, &S->vector, &work.vector) == GSL_SUCCESS ? 0
                                                                                             : -1;
}

/* P = I - U U^T, U an orthonormal basis of the columns of C (n x m) above the symmetry tolerance.
 */
static void complement_projector(sgema_classifier *c, const sgema_classification *s,
                                 const double *C, int m, int n, double *P) {
  gsl_vector_view S;
  int ok = small_svd(c, C, m, n, &S) == 0;
  gsl_matrix_view U = gsl_matrix_submatrix(c->Asv, 0, 0, n, m);
  double smax = ok ? gsl_vector_get(&S.vector, 0) : 0.0;
  for (int a = 0; a < n; a++)
    for (int b = 0; b < n; b++) {
      double v = a == b;
      for (int k = 0; ok && k < m; k++)
        if (smax > 0.0 && gsl_vector_get(&S.vector, k) > s->symmetry_tol * smax)
          v -= gsl_matrix_get(&U.matrix, a, k) * gsl_matrix_get(&U.matrix, b, k);
      P[a * n + b] = v;
    }
}

static void set_column(sgema_classifier *c, size_t q, const double *tv, size_t N) {
  for (size_t r = 0; r < N; r++)
    gsl_matrix_set(c->T, r, q, tv[r]);
}

/* Columns of T: the tangents (X A, X B - B X, X C) of the O(n) orbit, X = E_ij - E_ji.
 * The field is equivariant under A -> QA, B -> Q B Q^T, C -> QC, so at an equilibrium these
 * directions are in the Jacobian's kernel: J is block triangular in [orbit | complement] and its
 * spectrum is {0 (orbit dimension times)} plus the spectrum of the complement block. Returns the
 * number of columns. */
static size_t orbit_tangents(sgema_classifier *c, const sgema_problem *p, const double *y,
                             size_t N) {
  int m = p->m, n = p->n;
  double *yy = (double *)y;
  const double *A = sgema_state_A(p, yy), *B = sgema_state_B(p, yy), *C = sgema_state_C(p, yy);
  size_t q = 0;
  double *tv = c->tv;
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++, q++) {
      memset(tv, 0, N * sizeof(double));
      double *tA = sgema_state_A(p, tv), *tB = sgema_state_B(p, tv);
      for (int k = 0; k < m; k++) { /* X A: row i gets A_j, row j gets -A_i */
        tA[i * m + k] = A[j * m + k];
        tA[j * m + k] = -A[i * m + k];
      }
      for (int k = 0; k < n; k++) { /* X B - B X */
        tB[i * n + k] += B[j * n + k];
        tB[j * n + k] -= B[i * n + k];
        tB[k * n + j] -= B[k * n + i];
        tB[k * n + i] += B[k * n + j];
      }
      if (p->alg == SGEMA_ALG_EMA) {
        double *tC = sgema_state_C(p, tv);
        for (int k = 0; k < m; k++) {
          tC[i * m + k] = C[j * m + k];
          tC[j * m + k] = -C[i * m + k];
        }
      }
      set_column(c, q, tv, N);
    }
  return q;
}

/* With C frozen, the (A, B) field is equivariant under (A, B) -> (Q2 A, Q1 B Q2^T) for every
 * orthogonal Q2 and every orthogonal Q1 with Q1 C = C (R -> Q1 R). Tangents: (X A, -B X) for
 * X = E_ij - E_ji, and (0, Y B) for Y = P (E_ij - E_ji) P, P the projector onto the orthogonal
 * complement of C's columns (so that Y C = 0). Returns the number of columns. */
static size_t frozen_tangents(sgema_classifier *c, const sgema_classification *s,
                              const sgema_problem *p, const double *y, size_t N) {
  int m = p->m, n = p->n;
  double *yy = (double *)y;
  const double *A = sgema_state_A(p, yy), *B = sgema_state_B(p, yy), *C = sgema_state_C(p, yy);
  double *tv = c->tv, *P = c->P;
  complement_projector(c, s, C, m, n, P);
  size_t q = 0;
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) {
      memset(tv, 0, N * sizeof(double));
      double *tA = sgema_state_A(p, tv), *tB = sgema_state_B(p, tv);
      for (int k = 0; k < m; k++) {
        tA[i * m + k] = A[j * m + k];
        tA[j * m + k] = -A[i * m + k];
      }
      for (int k = 0; k < n; k++) { /* -B X */
        tB[k * n + j] -= B[k * n + i];
        tB[k * n + i] += B[k * n + j];
      }
      set_column(c, q++, tv, N);
      /* Y B = P (e_i p_j^T - e_j p_i^T) B with p_j = row j of P: (Y B)[a][b] =
       * P[a][i] (P B)[j][b] - P[a][j] (P B)[i][b]. */
      memset(tv, 0, N * sizeof(double));
      tB = sgema_state_B(p, tv);
      for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++) {
          double pbj = 0.0, pbi = 0.0;
          for (int l = 0; l < n; l++) {
            pbj += P[j * n + l] * B[l * n + b];
            pbi += P[i * n + l] * B[l * n + b];
          }
          tB[a * n + b] = P[a * n + i] * pbj - P[a * n + j] * pbi;
        }
      set_column(c, q++, tv, N);
    }
  return q;
}

static int use_lapack(const sgema_classification *s, size_t N);

/* The tangents' buffers, N x K, and GSL's K x K right singular vectors when with_V: made on first
 * use at the run's own size (an SG run's orbit has half the tangents of a frozen EMA target's, and
 * LAPACK's SVD needs no V: at m = 32, n = 64 that is 100 MB instead of 400 MB). */
static int orbit_buffers(sgema_classifier *c, size_t N, size_t K, int with_V) {
  if (c->T && (c->T->size1 < N || c->T->size2 < K)) {
    gsl_matrix_free(c->T);
    gsl_vector_free(c->sv);
    gsl_vector_free(c->tau);
    c->T = NULL;
  }
  if (!c->T) {
    c->T = gsl_matrix_alloc(N, K);
    c->sv = gsl_vector_alloc(K);
    c->tau = gsl_vector_alloc(K);
  }
  if (with_V && c->V && c->V->size1 < K) {
    gsl_matrix_free(c->V);
    c->V = NULL;
  }
  if (with_V && !c->V)
    c->V = gsl_matrix_alloc(K, K);
  return c->T && c->sv && c->tau && (!with_V || c->V) ? SGEMA_OK : SGEMA_ENOMEM;
}

/* The orbit's tangent space: its dimension k, and the QR factors of an orthonormal basis of it
 * (Q's first k columns span it, the others its complement). */
static int orbit_basis(sgema_classifier *c, const sgema_classification *s, const sgema_problem *p,
                       const double *y, size_t N, int frozen, size_t *k_out) {
  size_t pairs = (size_t)p->n * (p->n - 1) / 2;
  int lapack = use_lapack(s, sgema_problem_dim(p));
  int st = orbit_buffers(c, N, frozen ? 2 * pairs : pairs, !lapack);
  if (st != SGEMA_OK)
    return st;
  size_t K = frozen ? frozen_tangents(c, s, p, y, N) : orbit_tangents(c, p, y, N);
  gsl_matrix_view T = gsl_matrix_submatrix(c->T, 0, 0, N, K);
  gsl_vector_view sv = gsl_vector_subvector(c->sv, 0, K);
  if (lapack) { /* left singular vectors over T (dgesvd) */
    if (LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'O', 'N', (lapack_int)N, (lapack_int)K, T.matrix.data,
                       (lapack_int)T.matrix.tda, sv.vector.data, NULL, 1, NULL, 1, c->xv) != 0)
      return SGEMA_ELINALG;
  } else {
    gsl_matrix_view V = gsl_matrix_submatrix(c->V, 0, 0, K, K);
    if (gsl_linalg_SV_decomp_jacobi(&T.matrix, &V.matrix, &sv.vector) != GSL_SUCCESS)
      return SGEMA_ELINALG;
  }
  size_t k = 0;
  double smax = gsl_vector_get(&sv.vector, 0);
  /* Relative to the largest tangent, but never below symmetry_tol in absolute terms: near the
   * origin every tangent is rounding noise, not a direction of the orbit. */
  double floor_sv = s->symmetry_tol * fmax(smax, 1.0);
  while (k < K && gsl_vector_get(&sv.vector, k) > floor_sv)
    k++;
  if (k > 0) { /* Householder reflectors of U's QR in T's first k columns, their scales in tau */
    gsl_matrix_view U = gsl_matrix_submatrix(c->T, 0, 0, N, k);
    gsl_vector_view tau = gsl_vector_subvector(c->tau, 0, k);
    if (gsl_linalg_QR_decomp(&U.matrix, &tau.vector) != GSL_SUCCESS)
      return SGEMA_ELINALG;
  }
  *k_out = k;
  return SGEMA_OK;
}

static gsl_eigen_nonsymm_workspace *eigen_workspace(sgema_classifier *c, size_t size) {
  if (!c->eig[size]) {
    c->eig[size] = gsl_eigen_nonsymm_alloc(size);
    if (c->eig[size])
      gsl_eigen_nonsymm_params(0, 1, c->eig[size]); /* eigenvalues only, balanced */
  }
  return c->eig[size];
}

const sgema_spectrum_info *sgema_classifier_last_spectrum(const sgema_classifier *c) {
  return &c->info;
}

static int use_arnoldi(const sgema_classification *s, size_t N) {
  return s->spectrum == SGEMA_SPECTRUM_ARNOLDI ||
         (s->spectrum == SGEMA_SPECTRUM_AUTO && N >= (size_t)s->lapack_min_n);
}

/* The dense eigensolver: GSL's below lapack_min_n (bit for bit the results of before), LAPACK's
 * blocked dgeev from there, unless one is asked for. */
static int use_lapack(const sgema_classification *s, size_t N) {
  return s->spectrum == SGEMA_SPECTRUM_LAPACK ||
         (s->spectrum != SGEMA_SPECTRUM_DENSE && N >= (size_t)s->lapack_min_n);
}

/* M = Q^T M with Q the Householder reflectors of a QR factorisation (LAPACK's dormqr). */
static int lapack_qt(const gsl_matrix *QR, const gsl_vector *tau, gsl_matrix *M) {
  return LAPACKE_dormqr(LAPACK_ROW_MAJOR, 'L', 'T', (lapack_int)M->size1, (lapack_int)M->size2,
                        (lapack_int)tau->size, QR->data, (lapack_int)QR->tda, tau->data, M->data,
                        (lapack_int)M->tda);
}

/* Whether eigenvalue (a, b) comes before (c, d): descending real parts, then imaginary parts. */
static int before(double a, double b, double c, double d) {
  return a > c || (a == c && b > d);
}

/* The k rightmost of the nr eigenvalues (re, im) into c->info (insertion into the sorted k kept
 * so far: O(nr k), k is small). */
static void keep_rightmost(sgema_classifier *c, int k, const double *re, const double *im,
                           size_t nr) {
  double *kr = c->info.re, *ki = c->info.im;
  int kept = 0;
  for (size_t i = 0; i < nr; i++) {
    if (kept == k && !before(re[i], im[i], kr[k - 1], ki[k - 1]))
      continue;
    int j = kept < k ? kept++ : k - 1;
    for (; j > 0 && before(re[i], im[i], kr[j - 1], ki[j - 1]); j--) {
      kr[j] = kr[j - 1];
      ki[j] = ki[j - 1];
    }
    kr[j] = re[i];
    ki[j] = im[i];
  }
  c->info.k = kept;
}

/* Largest real part of the eigenvalues of the nr x nr row-major matrix J (lda) by LAPACK's dgeev
 * (balanced, eigenvalues only), and the k rightmost; J is overwritten. */
static int lapack_max_re(sgema_classifier *c, double *J, size_t nr, size_t lda, int k,
                         double *max_re) {
  double *wr = c->xv, *wi = c->jv;
  if (LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'N', (lapack_int)nr, J, (lapack_int)lda, wr, wi, NULL, 1,
                    NULL, 1) != 0)
    return SGEMA_ELINALG;
  double mx = -INFINITY;
  for (size_t i = 0; i < nr; i++)
    mx = fmax(mx, wr[i]);
  *max_re = mx;
  keep_rightmost(c, k, wr, wi, nr);
  return SGEMA_OK;
}

/* The Jacobian on the orbit's complement as an operator on the whole state space, without a basis
 * of either: z -> (I - P) J (I - P) z - shift P z, P the orthogonal projector onto the tangent
 * space (classify_orbit.c). In [tangents | complement] it is block diagonal, diag(-shift I,
 * V^T J V), so its rightmost eigenvalues are the reduced Jacobian's once shift exceeds the spectral
 * radius. One Jacobian-vector product and two projections a product. */
typedef struct {
  sgema_classifier *c;
  const sgema_problem *p;
  double t;
  const double *y;
  size_t N, Nfull; /* operator length: the (A, B) block when the target is frozen */
  double shift;
  double offset; /* a multiple of the identity added to the operator (arnoldi_spectrum) */
} reduced_op;

static void reduced_product(void *ctx, const double *z, double *out) {
  reduced_op *o = ctx;
  sgema_classifier *c = o->c;
  size_t N = o->N;
  double *x = c->xv, *jx = c->jv, *pz = c->pz;
  orbit_project(c->orbit, z, pz);
  memset(x, 0, o->Nfull * sizeof(double)); /* the frozen target's direction stays 0 */
  for (size_t i = 0; i < N; i++)
    x[i] = z[i] - pz[i];
  sgema_field_jvp(c->field, o->p, o->t, o->y, x, jx);
  orbit_project(c->orbit, jx, out);
  for (size_t i = 0; i < N; i++)
    out[i] = jx[i] - out[i] - o->shift * pz[i] + o->offset * z[i];
}

/* ARPACK's poll (its context is the operator's). */
static int reduced_stopped(void *ctx) {
  return stopped(((reduced_op *)ctx)->c);
}

/* A shift beyond the spectral radius of (I - P) J (I - P): twice a power iteration's estimate,
 * plus one. */
static double reduced_shift(reduced_op *o) {
  sgema_classifier *c = o->c;
  double *v = c->pz + o->Nfull, *w = v + o->Nfull, rho = 0.0;
  for (size_t i = 0; i < o->N; i++)
    v[i] = 1.0 / sqrt((double)o->N);
  o->shift = 0.0;
  for (int it = 0; it < 12; it++) {
    reduced_product(o, v, w);
    double nw = sgema_norm2(w, o->N);
    if (!(nw > 0.0) || !isfinite(nw))
      break;
    rho = nw;
    for (size_t i = 0; i < o->N; i++)
      v[i] = w[i] / nw;
  }
  return 2.0 * rho + 1.0;
}

double sgema_dense_spectrum_bytes(int n, int N) {
  double K = (double)n * (n - 1); /* the frozen target's orbit: twice n(n - 1)/2 tangents */
  return 8.0 * (3.0 * (double)N * N + (double)N * K);
}

int sgema_dense_spectrum_check(sgema_spectrum_solver spectrum, sgema_alg alg, int m, int n,
                               char *why, size_t size) {
  if (spectrum != SGEMA_SPECTRUM_DENSE && spectrum != SGEMA_SPECTRUM_LAPACK)
    return SGEMA_OK;
  int N = (int)sgema_problem_dim_for(alg, m, n);
  double bytes = sgema_dense_spectrum_bytes(n, N);
  if (bytes <= SGEMA_DENSE_SPECTRUM_BYTES_MAX)
    return SGEMA_OK;
  if (why)
    snprintf(why, size,
             "%s needs %.1f GiB a process for %s m = %d n = %d (three N x N matrices, N = %d, and "
             "the orbit's tangents): at most %.0f GiB are allowed; use auto or arnoldi",
             sgema_spectrum_name(spectrum), bytes / 1073741824.0, sgema_alg_name(alg), m, n, N,
             SGEMA_DENSE_SPECTRUM_BYTES_MAX / 1073741824.0);
  return SGEMA_EINVAL;
}

/* Past SGEMA_DENSE_SPECTRUM_BYTES_MAX a trial whose Arnoldi iteration did not converge fails
 * (ELINALG) instead of taking the process's memory. */
static double dense_bytes(const sgema_classifier *c, const sgema_problem *p) {
  return sgema_dense_spectrum_bytes(p->n, (int)c->N_max);
}

/* ARPACK on the reduced operator for the k rightmost eigenvalues: 0 and *res, -1 when it did not
 * converge (or *products reached budget, when budget > 0), or ARNOLDI_STOPPED. *products
 * accumulates the operator applications. */
static int arnoldi_attempts(arnoldi_ws *arn, const sgema_classification *s, reduced_op *o, int k,
                            size_t korbit, long budget, arnoldi_result *res, long *products) {
  o->offset = 0.0;
  double shift = reduced_shift(o);
  int rc = 0;
  /* The tangent space's eigenvalue -shift must not be among the rightmost: when it is, every
   * reduced eigenvalue lies left of it, and a larger shift shows them. And ARPACK's test is
   * relative, |residual| <= tol |theta|: next to a critical abscissa (theta near 0, a trial not
   * converged at t_max) it asks for 1e-12 and more and stalls (m = 64, n = 128); the operator
   * shifted by the identity makes the test absolute, tol itself, and is tried second. */
  for (int attempt = 0; attempt < 4; attempt++) {
    if (budget > 0 && *products >= budget)
      return -1;
    o->shift = shift;
    rc = arnoldi_rightmost(arn, o->N, k, s->arnoldi_tol, s->arnoldi_restarts,
                           budget > 0 ? budget - *products : 0, reduced_product, reduced_stopped, o,
                           res);
    *products += res->products;
    if (rc == ARNOLDI_STOPPED)
      return rc;
    if (rc != 0 && o->offset == 0.0) {
      o->offset = 1.0;
      continue;
    }
    if (rc != 0 || korbit == 0 || fabs(res->re[res->k - 1] - o->offset + shift) > 1e-6 * shift)
      break;
    shift *= 8.0;
  }
  return rc;
}

/* -lambda is an eigenvalue of the Jacobian off the orbit at every state, for every algorithm
 * (docs/NUMERICS.md, "A lower bound on the abscissa"): a rightmost Ritz value left of it means
 * ARPACK converged without seeing eigenvalues further right. The slack is the abscissa's accuracy
 * target. */
enum { ARNOLDI_RETRY_K = 4 };
static const double ARNOLDI_BOUND_SLACK = 1e-6;

static int arnoldi_missed(const sgema_problem *p, const reduced_op *o, const arnoldi_result *res) {
  return o->c->at_equilibrium && res->abscissa - o->offset < -p->lambda - ARNOLDI_BOUND_SLACK;
}

/* Where dgeev cannot follow (m = 64), a basis of ARNOLDI_WIDE_NCV vectors is the last attempt:
 * 80 vectors did not converge in 400 restarts on 3 of 100 SG m = 64, n = 128 limits (s23). */
enum { ARNOLDI_WIDE_NCV = 160 };

static int arnoldi_wide(sgema_classifier *c, const sgema_classification *s, reduced_op *o,
                        size_t korbit, arnoldi_result *res, long *products) {
  if (!c->arn_wide)
    c->arn_wide = arnoldi_alloc_basis(c->N_max, ARNOLDI_WIDE_NCV);
  if (!c->arn_wide)
    return SGEMA_ENOMEM;
  return arnoldi_attempts(c->arn_wide, s, o, s->eigenvalues, korbit, 0, res, products);
}

/* Where the dense spectrum can follow, ARPACK gets at most N^2 / ARNOLDI_DENSE_PRODUCTS_DIVISOR
 * products (all its attempts together) before the caller computes the dense spectrum instead: about
 * what the dense solve costs (one to three times; measured on one core: N = 96 (SG m = 4) dense
 * 0.9 ms, a product about 3 us; N = 384 (m = 8) 50-70 ms, 18 us; N = 1,536 (m = 16) 0.95 s).
 * Without it, an SG m = 8 partial limit (seed 1 trial 12, a cluster next to the abscissa) ran
 * 17,557 products, 0.31 s, before falling back to a dense solve of 0.05 s, which is most of the
 * ARPACK time of 100 such trials. The dense spectrum is the cross-check, so the class and
 * abscissa only get closer to it. */
/* Never fewer than ARNOLDI_MIN_PRODUCTS, the 30 to 250 products ARPACK takes on the limits it
 * resolves: below N = 64 the dense cost is smaller still, and a smaller budget would turn an
 * explicit `spectrum: arnoldi` (the iterative cross-check at m = 2) into the dense solver. */
enum { ARNOLDI_DENSE_PRODUCTS_DIVISOR = 32, ARNOLDI_MIN_PRODUCTS = 256 };

static long arnoldi_budget(const sgema_classifier *c, const sgema_problem *p, size_t N) {
  if (dense_bytes(c, p) > SGEMA_DENSE_SPECTRUM_BYTES_MAX)
    return 0; /* no dense fallback: ARPACK's restarts are the only limit */
  long budget = (long)(N * N / ARNOLDI_DENSE_PRODUCTS_DIVISOR);
  return budget > ARNOLDI_MIN_PRODUCTS ? budget : ARNOLDI_MIN_PRODUCTS;
}

/* The k rightmost reduced eigenvalues by ARPACK, the orbit's dimension into *k; -1 when it did not
 * converge, ran out of its budget or missed the bound twice (the caller then computes the dense
 * spectrum), else a status. */
static int arnoldi_spectrum(sgema_classifier *c, const sgema_classification *s,
                            const sgema_problem *p, double t, const double *y, size_t N, int frozen,
                            size_t *k, double *max_re) {
  int st = orbit_factor(c->orbit, p, y, frozen, s->symmetry_tol, k);
  if (st != SGEMA_OK)
    return st;
  if (stopped(c))
    return SGEMA_EINTERRUPTED;
  if ((size_t)s->eigenvalues + 2 > N - *k)
    return -1;
  if (!c->arn)
    c->arn = arnoldi_alloc(c->N_max);
  if (!c->arn)
    return SGEMA_ENOMEM;
  reduced_op o = {c, p, t, y, N, sgema_problem_dim(p), 0.0, 0.0};
  arnoldi_result res;
  long products = 0, budget = arnoldi_budget(c, p, N);
  int rc = arnoldi_attempts(c->arn, s, &o, s->eigenvalues, *k, budget, &res, &products);
  /* A miss is a cluster ARPACK's few wanted Ritz values did not catch (seen: k = 1 at an SG m = 8
   * partial limit, -lambda with multiplicity 55 next to a complex pair; asking for 4 finds it):
   * asked again for more, then the dense solver. */
  int retry_k = s->eigenvalues + ARNOLDI_RETRY_K;
  if (rc == 0 && arnoldi_missed(p, &o, &res) && retry_k <= ARNOLDI_MAX_K &&
      (size_t)retry_k + 2 <= N - *k) {
    rc = arnoldi_attempts(c->arn, s, &o, retry_k, *k, budget, &res, &products);
    res.k = s->eigenvalues;
  }
  if (rc == -1 && dense_bytes(c, p) > SGEMA_DENSE_SPECTRUM_BYTES_MAX)
    rc = arnoldi_wide(c, s, &o, *k, &res, &products);
  c->info.products = products;
  if (rc == ARNOLDI_STOPPED)
    return SGEMA_EINTERRUPTED;
  if (rc == SGEMA_ENOMEM)
    return rc;
  if (rc != 0 || arnoldi_missed(p, &o, &res))
    return -1;
  c->info.used = SGEMA_SPECTRUM_ARNOLDI;
  c->info.k = res.k;
  for (int i = 0; i < res.k; i++) {
    c->info.re[i] = res.re[i] - o.offset;
    c->info.im[i] = res.im[i];
  }
  c->info.abscissa = res.abscissa - o.offset;
  c->info.error = res.error;
  *max_re = c->info.abscissa;
  return SGEMA_OK;
}

static int dense_spectrum(sgema_classifier *c, const sgema_classification *s,
                          const sgema_problem *p, double t, const double *y, size_t N, int frozen,
                          double *max_re, int *symmetry_zeros);

static void job_free(dense_job *j) {
  pthread_mutex_destroy(&j->lock);
  pthread_cond_destroy(&j->finished);
  free(j->y);
  free(j);
}

/* The finished job's thread joined, the workspace back to its caller. */
static void job_collect(sgema_classifier *c) {
  dense_job *j = c->job;
  pthread_join(j->thread, NULL);
  c->job = NULL;
  c->in_job = 0;
  job_free(j);
}

/* Before any use of a workspace whose stopped job may still be running: wait for it. */
static void job_wait(sgema_classifier *c) {
  if (!c->job)
    return;
  pthread_mutex_lock(&c->job->lock);
  while (!c->job->done)
    pthread_cond_wait(&c->job->finished, &c->job->lock);
  pthread_mutex_unlock(&c->job->lock);
  job_collect(c);
}

/* sgema_classifier_free on a workspace whose job still runs: 1, and the job frees it when done. */
static int job_orphaned(sgema_classifier *c) {
  if (!c->job)
    return 0;
  dense_job *j = c->job;
  pthread_mutex_lock(&j->lock);
  int running = !j->done;
  if (running) {
    j->orphaned = 1;
    atomic_store(&j->abandoned, 1);
  }
  pthread_mutex_unlock(&j->lock);
  if (!running)
    job_collect(c);
  return running;
}

static void *job_main(void *arg) {
  dense_job *j = arg;
  j->status =
      dense_spectrum(j->c, &j->s, &j->p, j->t, j->y, j->N, j->frozen, &j->max_re, &j->zeros);
  pthread_mutex_lock(&j->lock);
  j->done = 1;
  int orphaned = j->orphaned;
  pthread_cond_signal(&j->finished);
  pthread_mutex_unlock(&j->lock);
  if (orphaned) { /* nobody will join this thread: the workspace and the job are its own */
    sgema_classifier *c = j->c;
    pthread_detach(pthread_self());
    c->job = NULL;
    c->in_job = 0;
    job_free(j);
    classifier_release(c);
  }
  atomic_fetch_sub(&jobs_running, 1);
  return NULL;
}

/* dense_spectrum in a thread of its own, the caller polling the stop request meanwhile (see
 * dense_job); where no thread can be had, in the caller's. */
static int dense_in_thread(sgema_classifier *c, const sgema_classification *s,
                           const sgema_problem *p, double t, const double *y, size_t N, int frozen,
                           double *max_re, int *symmetry_zeros) {
  size_t Nfull = sgema_problem_dim(p);
  dense_job *j = calloc(1, sizeof *j);
  double *yc = j ? malloc(Nfull * sizeof(double)) : NULL;
  if (!j || !yc) {
    free(j);
    free(yc);
    return dense_spectrum(c, s, p, t, y, N, frozen, max_re, symmetry_zeros);
  }
  memcpy(yc, y, Nfull * sizeof(double));
  *j = (dense_job){.c = c, .s = *s, .p = *p, .t = t, .y = yc, .N = N, .frozen = frozen};
  atomic_init(&j->abandoned, 0);
  pthread_mutex_init(&j->lock, NULL);
  pthread_cond_init(&j->finished, NULL);
  c->job = j;
  c->in_job = 1;
  atomic_fetch_add(&jobs_running, 1);
  if (pthread_create(&j->thread, NULL, job_main, j) != 0) {
    atomic_fetch_sub(&jobs_running, 1);
    c->job = NULL;
    c->in_job = 0;
    job_free(j);
    return dense_spectrum(c, s, p, t, y, N, frozen, max_re, symmetry_zeros);
  }
  for (;;) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += JOB_POLL_NS;
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&j->lock);
    if (!j->done)
      pthread_cond_timedwait(&j->finished, &j->lock, &until);
    int done = j->done;
    pthread_mutex_unlock(&j->lock);
    if (done)
      break;
    if (c->stop(c->stop_ctx)) { /* the job finishes on its own; the next call waits for it */
      atomic_store(&j->abandoned, 1);
      return SGEMA_EINTERRUPTED;
    }
  }
  *max_re = j->max_re;
  *symmetry_zeros = j->zeros;
  int st = j->status;
  job_collect(c);
  return st;
}

int sgema_classifier_spectrum(sgema_classifier *c, const sgema_classification *s,
                              const sgema_problem *p, double t, const double *y, double *max_re,
                              int *symmetry_zeros) {
  job_wait(c);
  size_t N = sgema_problem_dim(p), Nfull = N, k = 0;
  if (p->m > c->m_max || p->n > c->n_max || p->n <= p->m || p->m < 1)
    return SGEMA_EDIM;
  if (s->eigenvalues < 1 || s->eigenvalues > SGEMA_SPECTRUM_MAX_K)
    return SGEMA_EINVAL;
  int frozen = target_frozen(p, t);
  if (frozen)
    N = sgema_problem_dim_for(SGEMA_ALG_SG, p->m, p->n); /* the (A, B) block */
  memset(&c->info, 0, sizeof c->info);
  c->info.used = SGEMA_SPECTRUM_DENSE;
  if (stopped(c))
    return SGEMA_EINTERRUPTED;
  if (use_arnoldi(s, Nfull)) {
    int st = arnoldi_spectrum(c, s, p, t, y, N, frozen, &k, max_re);
    *symmetry_zeros = (int)k;
    if (st != -1)
      return st;
    c->info.fell_back = 1;
    if (dense_bytes(c, p) > SGEMA_DENSE_SPECTRUM_BYTES_MAX)
      return SGEMA_ELINALG; /* no convergence, and no room for the dense check */
  }
  if (Nfull >= DENSE_THREAD_MIN_N && c->stop)
    return dense_in_thread(c, s, p, t, y, N, frozen, max_re, symmetry_zeros);
  return dense_spectrum(c, s, p, t, y, N, frozen, max_re, symmetry_zeros);
}

/* The dense spectrum of the Jacobian on the orbit's complement (N: the state, or the (A, B) block
 * when the target is frozen): the orbit basis, the reduced Jacobian, its eigenvalues. */
static int dense_spectrum(sgema_classifier *c, const sgema_classification *s,
                          const sgema_problem *p, double t, const double *y, size_t N, int frozen,
                          double *max_re, int *symmetry_zeros) {
  size_t Nfull = sgema_problem_dim(p), k = 0;
  int st = orbit_basis(c, s, p, y, N, frozen, &k);
  if (st == SGEMA_OK && stopped(c))
    st = SGEMA_EINTERRUPTED;
  if (st != SGEMA_OK)
    return st;
  size_t nr = N - k;
  *symmetry_zeros = (int)k;
  if (nr == 0) {
    *max_re = 0.0;
    c->info.abscissa = 0.0;
    return SGEMA_OK;
  }
  if (!c->J) { /* the N x N buffers of the dense paths: never allocated on the Arnoldi path */
    c->J = malloc(c->N_max * c->N_max * sizeof(double));
    c->JQ = gsl_matrix_alloc(c->N_max, c->N_max);
    c->Jr = gsl_matrix_alloc(c->N_max, c->N_max);
    if (!c->J || !c->JQ || !c->Jr) {
      free(c->J);
      gsl_matrix_free(c->JQ);
      gsl_matrix_free(c->Jr);
      c->J = NULL;
      c->JQ = c->Jr = NULL;
      return SGEMA_ENOMEM;
    }
  }
  sgema_field_jacobian(c->field, p, t, y, c->J, NULL);
  if (stopped(c))
    return SGEMA_EINTERRUPTED;
  /* Jr = the trailing block of Q^T J Q, computed by applying the k reflectors from both sides
   * (O(N^2 k), where forming Q and two products would cost O(N^3)): Q^T J, transposed, Q^T again
   * gives (Q^T J Q)^T. */
  gsl_matrix_view JQ = gsl_matrix_submatrix(c->JQ, 0, 0, N, N);
  for (size_t i = 0; i < N; i++)
    for (size_t j = 0; j < N; j++)
      gsl_matrix_set(&JQ.matrix, i, j, c->J[i * Nfull + j]);
  if (k > 0) {
    gsl_matrix_view U = gsl_matrix_submatrix(c->T, 0, 0, N, k);
    gsl_vector_view tau = gsl_vector_subvector(c->tau, 0, k);
    if (use_lapack(s, Nfull)) { /* GSL's reflectors are LAPACK's (dgeqrf's v, tau): blocked */
      if (lapack_qt(&U.matrix, &tau.vector, &JQ.matrix) != 0 ||
          gsl_matrix_transpose(&JQ.matrix) != GSL_SUCCESS ||
          lapack_qt(&U.matrix, &tau.vector, &JQ.matrix) != 0)
        return SGEMA_ELINALG;
    } else if (gsl_linalg_QR_QTmat(&U.matrix, &tau.vector, &JQ.matrix) != GSL_SUCCESS ||
               gsl_matrix_transpose(&JQ.matrix) != GSL_SUCCESS ||
               gsl_linalg_QR_QTmat(&U.matrix, &tau.vector, &JQ.matrix) != GSL_SUCCESS)
      return SGEMA_ELINALG;
  }
  if (stopped(c))
    return SGEMA_EINTERRUPTED;
  gsl_matrix_view Jr = gsl_matrix_submatrix(c->Jr, 0, 0, nr, nr);
  for (size_t i = 0; i < nr; i++) /* with reflectors, transposed back while copied */
    for (size_t j = 0; j < nr; j++)
      gsl_matrix_set(&Jr.matrix, i, j,
                     k > 0 ? gsl_matrix_get(&JQ.matrix, k + j, k + i)
                           : gsl_matrix_get(&JQ.matrix, i, j));
  if (use_lapack(s, Nfull)) {
    c->info.used = SGEMA_SPECTRUM_LAPACK;
    st = lapack_max_re(c, Jr.matrix.data, nr, Jr.matrix.tda, s->eigenvalues, max_re);
    c->info.abscissa = *max_re;
    return st;
  }
  gsl_eigen_nonsymm_workspace *ws = eigen_workspace(c, nr);
  gsl_vector_complex_view ev = gsl_vector_complex_subvector(c->eval, 0, nr);
  if (!ws)
    return SGEMA_ENOMEM;
  if (gsl_eigen_nonsymm(&Jr.matrix, &ev.vector, ws) != GSL_SUCCESS)
    return SGEMA_ELINALG;
  double mx = -INFINITY;
  for (size_t i = 0; i < nr; i++) {
    gsl_complex z = gsl_vector_complex_get(&ev.vector, i);
    mx = fmax(mx, GSL_REAL(z));
    c->xv[i] = GSL_REAL(z);
    c->jv[i] = GSL_IMAG(z);
  }
  *max_re = mx;
  keep_rightmost(c, s->eigenvalues, c->xv, c->jv, nr);
  c->info.used = SGEMA_SPECTRUM_DENSE;
  c->info.abscissa = mx;
  return SGEMA_OK;
}

static int all_finite(const double *y, size_t N) {
  for (size_t i = 0; i < N; i++)
    if (!isfinite(y[i]))
      return 0;
  return 1;
}

static int rank_of_A(sgema_classifier *c, const sgema_classification *s, const sgema_problem *p,
                     const double *A, int *rank) {
  int m = p->m, n = p->n;
  gsl_vector_view S;
  if (small_svd(c, A, m, n, &S) != 0)
    return SGEMA_ELINALG;
  int r = 0;
  for (int i = 0; i < m; i++)
    r += gsl_vector_get(&S.vector, i) > s->rank_tol;
  *rank = r;
  return SGEMA_OK;
}

/* m = 1: Delta and the radii of the spheres of nonzero equilibria (Prop. 4.11). */
static void spheres(const sgema_problem *p, sgema_limit *out) {
  out->delta = out->r1 = out->r2 = NAN;
  if (p->m != 1)
    return;
  double rho = p->Sxx[0], tau = p->Syx[0];
  out->delta = tau * tau - 4.0 * rho * p->lambda;
  if (out->delta >= 0.0) {
    double sq = sqrt(out->delta);
    out->r1 = (fabs(tau) - sq) / (2.0 * rho);
    out->r2 = (fabs(tau) + sq) / (2.0 * rho);
  }
}

static sgema_sphere nearest_sphere(const sgema_classification *s, const sgema_limit *lim) {
  if (!(lim->delta >= 0.0))
    return SGEMA_SPHERE_NONE;
  double d1 = fabs(lim->a_norm - lim->r1) / lim->r1, d2 = fabs(lim->a_norm - lim->r2) / lim->r2;
  if (d2 <= s->sphere_tol && d2 <= d1)
    return SGEMA_SPHERE_S2;
  if (d1 <= s->sphere_tol)
    return SGEMA_SPHERE_S1;
  return SGEMA_SPHERE_NONE;
}

static int sphere_agreement(sgema_class cls, sgema_sphere sp) {
  switch (cls) {
  case SGEMA_CLASS_ORIGIN:
    return sp == SGEMA_SPHERE_NONE;
  case SGEMA_CLASS_STABLE:
    return sp == SGEMA_SPHERE_S2;
  case SGEMA_CLASS_SADDLE:
    return sp == SGEMA_SPHERE_S1;
  default:
    return -1;
  }
}

int sgema_classify(sgema_classifier *c, const sgema_classification *s, const sgema_problem *p,
                   double t, const double *y, sgema_end end, sgema_limit *out) {
  job_wait(c);
  if (p->m > c->m_max || p->n > c->n_max || p->n <= p->m || p->m < 1)
    return SGEMA_EDIM;
  size_t nm = (size_t)p->n * p->m;
  out->rank = -1;
  out->max_re = NAN;
  out->symmetry_zeros = 0;
  out->sphere = SGEMA_SPHERE_NONE;
  out->sphere_agrees = -1;
  out->a_norm = sgema_norm2(y, nm);
  spheres(p, out);
  if (end == SGEMA_END_DIVERGED || end == SGEMA_END_STEP_FAIL ||
      !all_finite(y, sgema_problem_dim(p))) {
    out->cls = end == SGEMA_END_DIVERGED ? SGEMA_CLASS_DIVERGED : SGEMA_CLASS_NOT_CONVERGED;
    return SGEMA_OK;
  }
  int st = rank_of_A(c, s, p, y, &out->rank);
  if (st == SGEMA_OK) {
    c->at_equilibrium = end == SGEMA_END_CONVERGED;
    st = sgema_classifier_spectrum(c, s, p, t, y, &out->max_re, &out->symmetry_zeros);
    c->at_equilibrium = 1;
  }
  if (st == SGEMA_ELINALG && end != SGEMA_END_CONVERGED) {
    /* Only the diagnosis failed (at m = 64 an Arnoldi iteration that does not converge has no
     * dense fallback): the trial is still not converged, with its largest real part unknown. */
    out->max_re = NAN;
    st = SGEMA_OK;
  }
  if (st != SGEMA_OK)
    return st;
  if (end != SGEMA_END_CONVERGED) {
    /* Rank and spectrum where the horizon stopped it are recorded as a diagnosis (a largest real
     * part near zero means critical slowing down), but the trial is not classified. */
    out->cls = SGEMA_CLASS_NOT_CONVERGED;
    return SGEMA_OK;
  }
  if (out->a_norm < s->origin_tol || out->rank == 0)
    out->cls = SGEMA_CLASS_ORIGIN;
  else if (out->max_re > s->saddle_tol)
    out->cls = SGEMA_CLASS_SADDLE;
  else
    out->cls = out->rank == p->m ? SGEMA_CLASS_STABLE : SGEMA_CLASS_PARTIAL;
  if (p->m == 1) {
    out->sphere = out->cls == SGEMA_CLASS_ORIGIN ? SGEMA_SPHERE_NONE : nearest_sphere(s, out);
    out->sphere_agrees = sphere_agreement(out->cls, out->sphere);
  }
  return SGEMA_OK;
}
