/* The cvode method: CVODE's BDF with SPGMR on the analytic Jacobian-vector product (no N x N
 * matrix), optionally preconditioned by the Jacobian's block-diagonal structure. */
#include "integrate_cvode.h"
#include "blas_matrix.h"
#include "cvode_vector.h"
#include "integ_control.h"
#include "integ_evolve.h"
#include "integ_method.h"
#include "kernel_sizes.h"
#include "sgema/status.h"
#include "simd_clones.h"

#include <cvode/cvode.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_spgmr.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Why matrix-free: a Newton matrix I - gamma J of a state of length N costs N^2 memory and N^3 to
 * factorise, while the field and its directional derivative cost O(n^2 m) = O(N^1.5). CVODE's BDF
 * solves each Newton system with a few GMRES iterations on J v (sgema_field_jvp).
 *
 * The preconditioner (SGEMA_PREC_BLOCK) is the block diagonal of I - gamma J in the blocks A, B, C,
 * each inverted exactly in O(n^3 + n^2 m) from two symmetric n x n eigendecompositions:
 *   B block: J_BB E = -E (A Sxx A^T + lambda I), so (I - gamma J_BB) E = E W with
 *            W = (1 + gamma lambda) I + gamma A Sxx A^T = U diag(w) U^T: E = R U diag(1/w) U^T;
 *   A block: J_AA D = -(B^T B D Sxx + lambda D) for EMA (SG adds B^T D Syx, GD its Sxy and Syy
 *            terms, left out), so with B^T B = Q diag(g) Q^T and Sxx = V diag(s) V^T,
 *            D = Q [(Q^T R V) ./ (1 + gamma lambda + gamma g_i s_j)] V^T;
 *   C block: J_CC = -(1 - alpha) I, a scalar.
 * The eigendecompositions depend on y only; CVODE reuses them while it keeps its Jacobian data
 * (jok), and gamma enters only through the diagonal scalings. */

/* CVODE keeps its step size unless its error estimate lets the step grow by this factor (its
 * default is 1.5). On these relaxations the estimate sits at 0.02-0.05 of the tolerance for long
 * stretches, where CVODE's bias allows growth by 1.2-1.4: with the default, h stayed fixed for 50
 * to 100 steps at a time. Measured (callgrind, sgema-bench --stats generic): 9% fewer instructions
 * SG m = 4, n = 8 (100 trials), 13% SG and 12% EMA m = 8, n = 16 (10 trials), 38% EMA m = 16, n =
 * 32 (4 trials; steps 2,609 -> 1,133); flat between 1.01 and 1.1, worse from 1.2. */
static const double cvode_eta_keep_max = 1.05;

/* In the tail (|f| < tail_f max(1, |y|)) the error weights use the run's tolerances times this.
 * Why: the convergence test |f| < f_tol max(1, |y|) with f_tol = rtol = atol = 1e-10 sits on the
 * noise that CVODE's error control leaves in |f| (|f| / max(1, |y|) wandering between 1e-10 and
 * 4e-10 for hundreds of steps): whether and when a trial converged was a matter of chance there.
 * With the larger steps of cvode_eta_keep_max, 3 of 1,000 SG m = 8, n = 16 trials that converged
 * before ended at t_max; with this factor none did, and EMA m = 4, n = 8 trial 467 of seed 1 ends
 * stable (rank 4), as the dense path, rk8pd at 1e-12 and rodas4 say, instead of partial (rank 3)
 * at t = 4,786. 0.01 gave the same classes for more steps. */
static const double cvode_tail_tol = 0.1;

/* z = P^-1 r at time t for CVODE's gamma (block_solve_mn), one copy per size. */
typedef void (*block_solve_fn)(const cvode_ws *w, const sgema_problem *p, double t, double gamma,
                               const double *r, double *z);
static block_solve_fn block_solve_for(int m, int n);

struct cvode_ws {
  size_t N;
  int prec, krylov;
  SUNContext ctx;
  N_Vector yv;
  SUNLinearSolver ls;
  void *mem;
  integ_run *run;    /* the trial in progress, for the callbacks */
  double *f;         /* the field at accepted states (N) */
  double rtol, atol; /* the error weights' tolerances now: the run's, or tighter in the tail */
  /* Preconditioner data for an n x m problem (allocated on first use of that n, m). */
  int pm, pn;
  block_solve_fn solve;                         /* the copy for pm, pn */
  double *Q, *g, *U, *wv, *V, *sv, *tmp, *tmp2; /* n x n, n, n x n, n, m x m, m, n x n, n x n */
  double *Ut, *Vt;                              /* U^T (n x n), V^T (m x m) */
  gsl_eigen_symmv_workspace *eig_n, *eig_m;
  gsl_matrix *Mn, *Vn, *Mm, *Vm;
  gsl_vector *en, *em;
};

static void cvode_silent(int error_code, const char *module, const char *function, char *msg,
                         void *eh_data) {
  (void)error_code, (void)module, (void)function, (void)msg, (void)eh_data;
}

/* CVODE's scalar-tolerance error weights 1 / (rtol |y_i| + atol), computed as its cvEwtSet_SS
 * does (the same operations in the same order), but from tolerances that can change mid-run:
 * CVodeSStolerances may only be called before a (re)start. */
static int cvode_error_weights(N_Vector y, N_Vector ewt, void *user_data) {
  const cvode_ws *w = user_data;
  const double *yv = N_VGetArrayPointer(y);
  double *ev = N_VGetArrayPointer(ewt);
  for (size_t i = 0; i < w->N; i++) {
    double v = w->rtol * fabs(yv[i]) + w->atol;
    if (!(v > 0.0))
      return -1;
    ev[i] = 1.0 / v;
  }
  return 0;
}

static int cvode_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *user_data) {
  cvode_ws *w = user_data;
  integ_eval(w->run, t, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot));
  return 0;
}

static int cvode_jtimes(N_Vector v, N_Vector Jv, sunrealtype t, N_Vector y, N_Vector fy,
                        void *user_data, N_Vector tmp) {
  (void)fy, (void)tmp;
  cvode_ws *w = user_data;
  integ_jvp(w->run, t, N_VGetArrayPointer(y), N_VGetArrayPointer(v), N_VGetArrayPointer(Jv));
  return 0;
}

static void prec_free(cvode_ws *w) {
  free(w->Q);
  w->Q = NULL;
  if (w->eig_n)
    gsl_eigen_symmv_free(w->eig_n);
  if (w->eig_m)
    gsl_eigen_symmv_free(w->eig_m);
  gsl_matrix_free(w->Mn);
  gsl_matrix_free(w->Vn);
  gsl_matrix_free(w->Mm);
  gsl_matrix_free(w->Vm);
  gsl_vector_free(w->en);
  gsl_vector_free(w->em);
  w->eig_n = w->eig_m = NULL;
  w->Mn = w->Vn = w->Mm = w->Vm = NULL;
  w->en = w->em = NULL;
  w->pm = w->pn = 0;
}

static int prec_alloc(cvode_ws *w, int m, int n) {
  if (w->pm == m && w->pn == n)
    return SGEMA_OK;
  prec_free(w);
  size_t nn = (size_t)n * n, mm = (size_t)m * m;
  w->Q = malloc((6 * nn + 2 * (size_t)n + 2 * mm + (size_t)m) * sizeof(double));
  w->eig_n = gsl_eigen_symmv_alloc((size_t)n);
  w->eig_m = gsl_eigen_symmv_alloc((size_t)m);
  w->Mn = gsl_matrix_alloc((size_t)n, (size_t)n);
  w->Vn = gsl_matrix_alloc((size_t)n, (size_t)n);
  w->Mm = gsl_matrix_alloc((size_t)m, (size_t)m);
  w->Vm = gsl_matrix_alloc((size_t)m, (size_t)m);
  w->en = gsl_vector_alloc((size_t)n);
  w->em = gsl_vector_alloc((size_t)m);
  if (!w->Q || !w->eig_n || !w->eig_m || !w->Mn || !w->Vn || !w->Mm || !w->Vm || !w->en || !w->em) {
    prec_free(w);
    return SGEMA_ENOMEM;
  }
  w->g = w->Q + nn;
  w->U = w->g + n;
  w->wv = w->U + nn;
  w->tmp = w->wv + n;
  w->tmp2 = w->tmp + nn;
  w->V = w->tmp2 + nn;
  w->sv = w->V + mm;
  w->Ut = w->sv + m;
  w->Vt = w->Ut + nn;
  w->pm = m;
  w->solve = block_solve_for(m, n);
  w->pn = n;
  return SGEMA_OK;
}

/* Eigendecomposition of the symmetric k x k matrix S (row-major): vectors (columns) into vec,
 * values into val. */
static int sym_eigen(gsl_eigen_symmv_workspace *ws, gsl_matrix *M, gsl_matrix *Vec, gsl_vector *e,
                     const double *S, int k, double *vec, double *val) {
  for (int i = 0; i < k; i++)
    for (int j = 0; j < k; j++)
      gsl_matrix_set(M, (size_t)i, (size_t)j, 0.5 * (S[i * k + j] + S[j * k + i]));
  if (gsl_eigen_symmv(M, e, Vec, ws) != GSL_SUCCESS)
    return -1;
  for (int i = 0; i < k; i++) {
    val[i] = gsl_vector_get(e, (size_t)i);
    for (int j = 0; j < k; j++)
      vec[i * k + j] = gsl_matrix_get(Vec, (size_t)i, (size_t)j);
  }
  return 0;
}

static void transpose(int k, const double *M, double *Mt) {
  for (int i = 0; i < k; i++)
    for (int j = 0; j < k; j++)
      Mt[j * k + i] = M[i * k + j];
}

/* Jacobian data of the preconditioner at y: eigendecompositions of B^T B, A Sxx A^T and Sxx. */
static int prec_setup(sunrealtype t, N_Vector y, N_Vector fy, sunbooleantype jok,
                      sunbooleantype *jcur, sunrealtype gamma, void *user_data) {
  (void)t, (void)fy, (void)gamma;
  cvode_ws *w = user_data;
  const sgema_problem *p = w->run->p;
  int m = p->m, n = p->n;
  if (jok && w->pm == m && w->pn == n) {
    *jcur = SUNFALSE;
    return 0;
  }
  *jcur = SUNTRUE;
  if (prec_alloc(w, m, n) != SGEMA_OK)
    return -1;
  double *yy = N_VGetArrayPointer(y);
  const double *A = sgema_state_A(p, yy), *B = sgema_state_B(p, yy);
  double *G = w->tmp, *H = w->tmp2;
  for (int i = 0; i < n; i++) /* G = B^T B */
    for (int j = 0; j < n; j++) {
      double s = 0.0;
      for (int k = 0; k < n; k++)
        s += B[k * n + i] * B[k * n + j];
      G[i * n + j] = s;
    }
  for (int i = 0; i < n; i++) /* H = A Sxx A^T, with (A Sxx) row by row */
    for (int j = 0; j < n; j++) {
      double s = 0.0;
      for (int a = 0; a < m; a++) {
        double as = 0.0;
        for (int b = 0; b < m; b++)
          as += A[i * m + b] * p->Sxx[b * m + a];
        s += as * A[j * m + a];
      }
      H[i * n + j] = s;
    }
  if (sym_eigen(w->eig_n, w->Mn, w->Vn, w->en, G, n, w->Q, w->g) != 0 ||
      sym_eigen(w->eig_n, w->Mn, w->Vn, w->en, H, n, w->U, w->wv) != 0 ||
      sym_eigen(w->eig_m, w->Mm, w->Vm, w->em, p->Sxx, m, w->V, w->sv) != 0)
    return 1; /* recoverable: CVODE retries with a smaller step */
  transpose(n, w->U, w->Ut);
  transpose(m, w->V, w->Vt);
  return 0;
}

/* X (rows x k) = Y (rows x k) M (k x k). Rows of X as axpys over the rows of M, contiguous and
 * vectorised (src/kernel/small_matrix.h says why the rounding is that of dot products). */
static inline __attribute__((always_inline)) void mul_right(int blas, int rows, int k,
                                                            const double *restrict Y,
                                                            const double *restrict M,
                                                            double *restrict X) {
  if (blas) {
    bm_gemm_nn(rows, k, k, 1.0, Y, M, 0.0, X);
    return;
  }
  for (int i = 0; i < rows; i++) {
    const double *restrict y = Y + (size_t)i * k;
    double *restrict x = X + (size_t)i * k;
    for (int j = 0; j < k; j++)
      x[j] = 0.0;
    for (int l = 0; l < k; l++)
      for (int j = 0; j < k; j++)
        x[j] += y[l] * M[l * k + j];
  }
}

/* X (n x m) = Q^T Y (n x m), or Q Y when !trans, as axpys over Y's rows. */
static inline __attribute__((always_inline)) void mul_left(int blas, int n, int m,
                                                           const double *restrict Q,
                                                           const double *restrict Y, int trans,
                                                           double *restrict X) {
  if (blas) {
    if (trans)
      bm_gemm_tn(n, n, m, 1.0, Q, Y, 0.0, X);
    else
      bm_gemm_nn(n, n, m, 1.0, Q, Y, 0.0, X);
    return;
  }
  for (int i = 0; i < n; i++) {
    double *restrict x = X + (size_t)i * m;
    for (int j = 0; j < m; j++)
      x[j] = 0.0;
    for (int l = 0; l < n; l++) {
      double q = trans ? Q[l * n + i] : Q[i * n + l];
      const double *restrict y = Y + (size_t)l * m;
      for (int j = 0; j < m; j++)
        x[j] += q * y[j];
    }
  }
}

/* z = P^-1 r for the block diagonal P of I - gamma J (the comment at the top). */
static inline __attribute__((always_inline)) void
block_solve_mn(const cvode_ws *w, const sgema_problem *p, double t, double gamma, const double *r,
               double *z, int m, int n, int blas) {
  double c = 1.0 + gamma * p->lambda, *T1 = w->tmp, *T2 = w->tmp2;
  /* A block: D = Q [(Q^T R V) ./ (c + gamma g_i s_j)] V^T */
  const double *RA = sgema_state_A(p, (double *)r);
  double *DA = sgema_state_A(p, z);
  mul_left(blas, n, m, w->Q, RA, 1, T1);
  mul_right(blas, n, m, T1, w->V, T2);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < m; j++)
      T2[i * m + j] /= c + gamma * w->g[i] * w->sv[j];
  mul_right(blas, n, m, T2, w->Vt, T1);
  mul_left(blas, n, m, w->Q, T1, 0, DA);
  /* B block: E = R U diag(1 / (c + gamma w_j)) U^T */
  const double *RB = sgema_state_B(p, (double *)r);
  double *EB = sgema_state_B(p, z);
  mul_right(blas, n, n, RB, w->U, T1);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      T1[i * n + j] /= c + gamma * w->wv[j];
  mul_right(blas, n, n, T1, w->Ut, EB);
  if (p->alg == SGEMA_ALG_EMA) {
    size_t nm = (size_t)n * m;
    double k = 1.0 + gamma * (1.0 - sgema_momentum_alpha(&p->momentum, t));
    const double *RC = sgema_state_C(p, (double *)r);
    double *FC = sgema_state_C(p, z);
    for (size_t i = 0; i < nm; i++)
      FC[i] = RC[i] / k;
  }
}

/* Copies with the dimensions as compile-time constants for the sizes of the sweeps (the field's
 * table, kernel_sizes.h), also compiled for AVX2 (simd_clones.h): the fixed-size loops cost 43%
 * fewer instructions at m = 8 (callgrind). The same operations in the same order, so the same
 * bits as the generic copy: sgema-bench --dump output was compared, identical, before and after. */
#define BLOCK_SOLVE_COPY(M, N)                                                                     \
  SGEMA_CLONES static void block_solve_##M##_##N(const cvode_ws *w, const sgema_problem *p,        \
                                                 double t, double gamma, const double *r,          \
                                                 double *z) {                                      \
    block_solve_mn(w, p, t, gamma, r, z, M, N, 0);                                                 \
  }
SGEMA_LARGE_STATE_SIZES(BLOCK_SOLVE_COPY)
#undef BLOCK_SOLVE_COPY
SGEMA_CLONES static void block_solve_generic(const cvode_ws *w, const sgema_problem *p, double t,
                                             double gamma, const double *r, double *z) {
  block_solve_mn(w, p, t, gamma, r, z, p->m, p->n, 0);
}
static void block_solve_blas(const cvode_ws *w, const sgema_problem *p, double t, double gamma,
                             const double *r, double *z) {
  block_solve_mn(w, p, t, gamma, r, z, p->m, p->n, 1);
}

/* The copy for m x n states. */
/* Tests compare the compile-time-size copies with the generic one (cvode_use_generic_solves). */
static int generic_solves_only;

void cvode_use_generic_solves(int on) {
  generic_solves_only = on;
}

static block_solve_fn block_solve_for(int m, int n) {
  if (generic_solves_only)
    return block_solve_generic;
  if (m >= SGEMA_BLAS_MIN_M)
    return block_solve_blas;
#define BLOCK_SOLVE_PICK(M, N)                                                                     \
  if (m == M && n == N)                                                                            \
    return block_solve_##M##_##N;
  SGEMA_LARGE_STATE_SIZES(BLOCK_SOLVE_PICK)
#undef BLOCK_SOLVE_PICK
  return block_solve_generic;
}

static int prec_solve(sunrealtype t, N_Vector y, N_Vector fy, N_Vector rv, N_Vector zv,
                      sunrealtype gamma, sunrealtype delta, int lr, void *user_data) {
  (void)y, (void)fy, (void)delta, (void)lr;
  cvode_ws *w = user_data;
  w->solve(w, w->run->p, t, gamma, N_VGetArrayPointer(rv), N_VGetArrayPointer(zv));
  return 0;
}

void cvode_free(void *impl) {
  cvode_ws *w = impl;
  if (!w)
    return;
  if (w->mem)
    CVodeFree(&w->mem);
  if (w->ls)
    SUNLinSolFree(w->ls);
  if (w->yv)
    N_VDestroy(w->yv);
  if (w->ctx)
    SUNContext_Free(&w->ctx);
  prec_free(w);
  free(w->f);
  free(w);
}

void *cvode_alloc(const sgema_integration *s, size_t N) {
  cvode_ws *w = calloc(1, sizeof *w);
  if (!w)
    return NULL;
  w->N = N;
  w->prec = (int)s->preconditioner; /* none: to measure what the preconditioner gains */
  w->krylov = s->krylov_dim;
  w->f = malloc(N * sizeof(double));
  int ok = w->f && SUNContext_Create(NULL, &w->ctx) == 0;
  if (ok)
    w->yv = N_VNew_Serial((sunindextype)N, w->ctx);
  if (w->yv) {
    /* Fused vector operations (one pass for a linear combination or several dot products), and
     * classical Gram-Schmidt, which orthogonalises a new Krylov vector with one fused pass
     * instead of one dot product per basis vector (with SPGMR's reorthogonalisation left at its
     * default; measured: bench/scale.sh). */
    N_VConst(0.0, w->yv);
    ok = N_VEnableFusedOps_Serial(w->yv, SUNTRUE) == 0;
    cvode_vector_install(w->yv); /* before anything clones it: cvode_vector.h says why */
    w->ls = SUNLinSol_SPGMR(w->yv, w->prec == SGEMA_PREC_BLOCK ? SUN_PREC_LEFT : SUN_PREC_NONE,
                            w->krylov, w->ctx);
    ok = ok && w->ls && SUNLinSol_SPGMRSetGSType(w->ls, SUN_CLASSICAL_GS) == 0;
    w->mem = CVodeCreate(CV_BDF, w->ctx);
  }
  ok = ok && w->yv && w->ls && w->mem && CVodeInit(w->mem, cvode_rhs, 0.0, w->yv) == CV_SUCCESS &&
       CVodeWFtolerances(w->mem, cvode_error_weights) == CV_SUCCESS &&
       CVodeSetUserData(w->mem, w) == CV_SUCCESS &&
       CVodeSetErrHandlerFn(w->mem, cvode_silent, NULL) == CV_SUCCESS &&
       CVodeSetMaxNumSteps(w->mem, -1) == CV_SUCCESS &&
       CVodeSetEtaFixedStepBounds(w->mem, 0.0, cvode_eta_keep_max) == CV_SUCCESS &&
       CVodeSetLinearSolver(w->mem, w->ls, NULL) == CV_SUCCESS &&
       CVodeSetJacTimes(w->mem, NULL, cvode_jtimes) == CV_SUCCESS;
  if (ok && w->prec == SGEMA_PREC_BLOCK)
    ok = CVodeSetPreconditioner(w->mem, prec_setup, prec_solve) == CV_SUCCESS;
  if (!ok) {
    cvode_free(w);
    return NULL;
  }
  return w;
}

/* A fresh BDF history at (t, y) (a trial's start, or the momentum's kink), up to the next stop. */
static int restart(cvode_ws *w, integ_run *r, double t, double *segment_end) {
  *segment_end = integ_advance(r, t, INFINITY); /* exactly the kink or the horizon */
  return CVodeReInit(w->mem, t, w->yv) == CV_SUCCESS &&
                 CVodeSetInitStep(w->mem, 0.0) == CV_SUCCESS &&
                 CVodeSetStopTime(w->mem, *segment_end) == CV_SUCCESS
             ? SGEMA_OK
             : SGEMA_ESTEP;
}

/* The error weights' tolerances for the next step: the run's, or cvode_tail_tol times them once
 * the last accepted state is in the tail. */
static void set_tolerances(cvode_ws *w, const integ_run *r) {
  double k = integ_in_tail(r) ? cvode_tail_tol : 1.0;
  w->rtol = k * r->s->rtol;
  w->atol = k * r->s->atol;
}

static long failures(void *mem) {
  long nef = 0, ncf = 0;
  CVodeGetNumErrTestFails(mem, &nef);
  CVodeGetNumNonlinSolvConvFails(mem, &ncf);
  return nef + ncf;
}

int cvode_continue(cvode_ws *w, integ_run *r, double t, double *y, double *f) {
  sgema_integration_stats *st = r->st;
  size_t N = w->N;
  int status = SGEMA_OK;
  double segment_end, *yv = N_VGetArrayPointer(w->yv);
  w->run = r;
  memcpy(yv, y, N * sizeof(double));
  if (restart(w, r, t, &segment_end) != SGEMA_OK)
    return SGEMA_ESTEP;
  long failed = 0;
  for (;;) {
    set_tolerances(w, r);
    double tret = t, h = 0.0;
    int rc = CV_SUCCESS, tiny = segment_end - t < 1e-14 * fmax(1.0, fabs(t));
    if (tiny) {
      /* A segment below the step size floor (t_max = 1e-300): CVODE refuses to start on it, and
       * one Euler step covers it to rounding, as the other methods' single tiny step does. */
      for (size_t k = 0; k < N; k++)
        yv[k] += (segment_end - t) * f[k];
      tret = segment_end;
    } else {
      rc = CVode(w->mem, segment_end, w->yv, &tret, CV_ONE_STEP);
      long now = failures(w->mem);
      st->rejected += now - failed;
      failed = now;
    }
    if (rc < 0) {
      st->end = SGEMA_END_STEP_FAIL;
      st->t_end = t;
      return SGEMA_OK;
    }
    t = tret;
    memcpy(y, yv, N * sizeof(double));
    st->steps++;
    integ_eval(r, t, y, f);
    if (integ_accept(r, t, y, f, &status))
      return status;
    if (!tiny && CVodeGetCurrentStep(w->mem, &h) == CV_SUCCESS && integ_step_underflow(r, t, h)) {
      st->end = SGEMA_END_STEP_FAIL;
      return SGEMA_OK;
    }
    if (t >= segment_end) { /* the momentum's kink: a new smooth field, a new BDF history */
      if (restart(w, r, t, &segment_end) != SGEMA_OK)
        return SGEMA_ESTEP;
      failed = 0;
    }
  }
}

static int cvode_run(void *impl, integ_run *r, double *y) {
  cvode_ws *w = impl;
  int status = SGEMA_OK;
  integ_eval(r, 0.0, y, w->f);
  if (integ_accept(r, 0.0, y, w->f, &status))
    return status;
  return cvode_continue(w, r, 0.0, y, w->f);
}

const integ_method integ_cvode = {SGEMA_METHOD_CVODE, cvode_alloc, cvode_free, cvode_run};
