/* The census of one data set: homotopy solutions sorted by kind, equilibria built and classified.
 */
#include "sgema/census.h"

#include "census_monodromy.h"
#include "census_start_data.h"
#include "census_system.h"
#include "homotopy.h"
#include "rank1_elimination.h"
#include "sgema/field.h"
#include "sgema/settings.h"
#include "sgema/status.h"
#include "small_matrix.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_sort_vector.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MM (SGEMA_CENSUS_M_MAX * SGEMA_CENSUS_M_MAX)
#define NU SGEMA_CENSUS_MAX_UNKNOWNS
#define SGEMA_CENSUS_ZERO_EIG 1e-12 /* relative: eigenvalues of S treated as 0 in S^{1/2} */

static const char *const kind_names[SGEMA_SOLUTION_COUNT] = {"complex", "indefinite", "psd", "pd"};
static const char *const class_names[SGEMA_EQUILIBRIUM_COUNT] = {"stable", "saddle", "degenerate"};

const char *sgema_solution_kind_name(sgema_solution_kind k) {
  return (unsigned)k < SGEMA_SOLUTION_COUNT ? kind_names[k] : "unknown";
}

const char *sgema_equilibrium_class_name(sgema_equilibrium_class c) {
  return (unsigned)c < SGEMA_EQUILIBRIUM_COUNT ? class_names[c] : "unknown";
}

void sgema_census_settings_default(sgema_census_settings *s) {
  s->rank_deficient = 1;
  s->rank_deficient_max_m = 4;
  s->real_tol = 1e-6;
  s->eig_tol = 1e-9;
  s->dedup_tol = 1e-7;
  s->zero_tol = 1e-8;
  sgema_classification_default(&s->classification);
  s->homotopy = SGEMA_CENSUS_PARAMETER;
  /* At m = 3 the rank-free system's rank-2 roots are singular for real data: parameter paths
   * converging on them fail or jump (about 1% of paths, a rank-2 root lost in 1 data set of 10),
   * and they are no faster than the total-degree ones (docs/CENSUS.md). */
  s->parameter_rank_free_max_m = 2;
  /* At m = 2 the rank-1 system's 6 regular roots replace the rank-free system's 15 start roots
   * and its singular ends (docs/CENSUS.md, "Rank 1"). */
  s->rank_one_system = 1;
  /* ... and solved as one polynomial of degree 6 (a companion matrix) instead of 6 to 12 paths. */
  s->rank_one_elimination = 1;
}

struct sgema_census {
  int m_max, n_max;
  sgema_tracker *tracker;
  sgema_tracker_settings track;
  sgema_classifier *classifier;
  sgema_field *field;
  long cap;                    /* capacity of the candidate and solution arrays */
  long n_cand;                 /* finite regular path ends of the current system */
  double complex *cand;        /* n_cand x N */
  unsigned char *cand_regular; /* n_cand: 1 when the path converged (a regular end) */
  long *cand_path;             /* n_cand: the index of its path among its pass' starts, or -1 */
  long *failed;                /* a pass' failed paths, by their index among its starts (cap) */
  long n_failed;
  long path;             /* the pass' paths reported so far */
  long cur_path;         /* the path on_end is told of, or -1 (not a parameter pass' own) */
  double complex *retry; /* their start roots, to be tracked again (cap x NU) */
  long pass_from;        /* the pass' first candidate, and its number of unknowns */
  int pass_N;
  double complex *cplx; /* distinct complex solutions, n_cplx x N */
  int n_cplx;
  sgema_census_equilibrium *eq, *indef;
  int n_eq, n_indef;
  double *y, *f, *J; /* a state, its field, its dense Jacobian */
  gsl_eigen_symmv_workspace *sym;
  gsl_eigen_symm_workspace *symm[SGEMA_CENSUS_M_MAX + 1]; /* one per size of S */
  gsl_eigen_nonsymm_workspace *nonsym;
  size_t nonsym_n;
  gsl_vector_complex *eval;
  gsl_matrix *Jm;
  gsl_poly_complex_workspace *poly; /* the m = 2 rank-1 system's polynomial */
  /* The parameter homotopy's start: the generic system's finite roots by [system][m] (N each,
   * NU apart), solved at first use from a fixed seed (sgema_census_start_roots). */
  double complex *start[SGEMA_CENSUS_SYSTEMS][SGEMA_CENSUS_M_MAX + 1];
  long n_start[SGEMA_CENSUS_SYSTEMS][SGEMA_CENSUS_M_MAX + 1];
  sgema_stop_fn stop; /* the stop request (sgema_census_set_stop), or NULL */
  void *stop_ctx;
};

void sgema_census_set_stop(sgema_census *c, sgema_stop_fn stop, void *ctx) {
  c->stop = stop;
  c->stop_ctx = ctx;
  sgema_tracker_set_stop(c->tracker, stop, ctx);
  sgema_classifier_set_stop(c->classifier, stop, ctx);
}

void sgema_census_free(sgema_census *c) {
  if (!c)
    return;
  sgema_tracker_free(c->tracker);
  sgema_classifier_free(c->classifier);
  sgema_field_free(c->field);
  free(c->cand);
  free(c->cand_regular);
  free(c->cand_path);
  free(c->failed);
  free(c->retry);
  free(c->cplx);
  free(c->eq);
  free(c->indef);
  free(c->y);
  free(c->f);
  free(c->J);
  if (c->sym)
    gsl_eigen_symmv_free(c->sym);
  if (c->nonsym)
    gsl_eigen_nonsymm_free(c->nonsym);
  for (int k = 0; k <= SGEMA_CENSUS_M_MAX; k++)
    if (c->symm[k])
      gsl_eigen_symm_free(c->symm[k]);
  if (c->eval)
    gsl_vector_complex_free(c->eval);
  if (c->Jm)
    gsl_matrix_free(c->Jm);
  if (c->poly)
    gsl_poly_complex_workspace_free(c->poly);
  for (int k = 0; k < SGEMA_CENSUS_SYSTEMS; k++)
    for (int m = 0; m <= SGEMA_CENSUS_M_MAX; m++)
      free(c->start[k][m]);
  free(c);
}

/* Grows the per-path arrays to hold paths entries (once per new largest system). */
static int ensure_capacity(sgema_census *c, long paths) {
  if (paths <= c->cap)
    return SGEMA_OK;
  void *a = realloc(c->cand, (size_t)paths * NU * sizeof(double complex));
  if (a)
    c->cand = a;
  void *f = realloc(c->cand_regular, (size_t)paths);
  if (f)
    c->cand_regular = f;
  void *h = realloc(c->cand_path, (size_t)paths * sizeof *c->cand_path);
  if (h)
    c->cand_path = h;
  void *b = realloc(c->cplx, (size_t)paths * NU * sizeof(double complex));
  if (b)
    c->cplx = b;
  void *g = realloc(c->failed, (size_t)paths * sizeof *c->failed);
  if (g)
    c->failed = g;
  void *r = realloc(c->retry, (size_t)paths * NU * sizeof(double complex));
  if (r)
    c->retry = r;
  void *e = realloc(c->eq, (size_t)(paths + 1) * sizeof *c->eq);
  if (e)
    c->eq = e;
  void *d = realloc(c->indef, (size_t)(paths + 1) * sizeof *c->indef);
  if (d)
    c->indef = d;
  if (!a || !b || !e || !d || !f || !g || !r || !h)
    return SGEMA_ENOMEM;
  c->cap = paths;
  return SGEMA_OK;
}

sgema_census *sgema_census_alloc(int m, int n) {
  if (m < 1 || m > SGEMA_CENSUS_M_MAX || n <= m || n > SGEMA_MAX_N)
    return NULL;
  sgema_census *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->m_max = m;
  c->n_max = n;
  c->cur_path = -1;
  size_t N = sgema_problem_dim_for(SGEMA_ALG_EMA, m, n);
  c->tracker = sgema_tracker_alloc(NU);
  sgema_tracker_settings_default(&c->track);
  c->classifier = sgema_classifier_alloc(m, n);
  c->field = sgema_field_alloc(m, n);
  c->y = malloc(N * sizeof(double));
  c->f = malloc(N * sizeof(double));
  c->J = malloc(N * N * sizeof(double));
  c->sym = gsl_eigen_symmv_alloc((size_t)m);
  int symm_ok = 1;
  for (int k = 1; k <= m; k++)
    symm_ok = symm_ok && (c->symm[k] = gsl_eigen_symm_alloc((size_t)k)) != NULL;
  c->eval = gsl_vector_complex_alloc(N);
  c->Jm = gsl_matrix_alloc(N, N);
  c->poly = gsl_poly_complex_workspace_alloc(SGEMA_RANK1_DEGREE + 1);
  int nu = m * (m + 1) / 2;
  long paths = 1L << nu;
  if (!c->tracker || !c->classifier || !c->field || !c->y || !c->f || !c->J || !c->sym ||
      !symm_ok || !c->eval || !c->Jm || !c->poly || ensure_capacity(c, paths) != SGEMA_OK) {
    sgema_census_free(c);
    return NULL;
  }
  return c;
}

/* ---- solutions ------------------------------------------------------------------------------ */

static void on_end(void *ctx, sgema_path_end end, const double complex *x, double rcond) {
  (void)rcond;
  sgema_census *c = ctx;
  /* Singular ends are candidates too: the pivot ratio that flags them depends on scaling (a large
   * S has a small x0), so Newton decides (sort_candidates). */
  if ((end != SGEMA_PATH_CONVERGED && end != SGEMA_PATH_SINGULAR) || c->n_cand >= c->cap)
    return;
  memcpy(c->cand + c->n_cand * NU, x, NU * sizeof *x);
  c->cand_regular[c->n_cand] = end == SGEMA_PATH_CONVERGED;
  c->cand_path[c->n_cand] = c->cur_path;
  c->n_cand++;
}

/* on_end, noting which paths of the pass failed (paths are reported once each, in order). */
static void on_end_noting_failures(void *ctx, sgema_path_end end, const double complex *x,
                                   double rcond) {
  sgema_census *c = ctx;
  if (end == SGEMA_PATH_FAILED && c->n_failed < c->cap)
    c->failed[c->n_failed++] = c->path;
  c->cur_path = c->path++;
  on_end(ctx, end, x, rcond);
  c->cur_path = -1;
}

static double vnorm(const double *x, int N) {
  double s = 0.0;
  for (int i = 0; i < N; i++)
    s += x[i] * x[i];
  return sqrt(s);
}

/* The power of two that brings S's largest entry near 1 when it is far outside [2^-100, 2^100]
 * (1 otherwise, and for S = 0): GSL's QR iteration never deflates on a matrix of entries near
 * 1e-130 (the origin found as a tiny S; sgema-census --alg ema --m 3 --n 4 --stats generic
 * --momentum constant:0.9 --seed 13 --run 3 --trial 177 looped for ever). A power of two scales
 * every step of the algorithm exactly, and S in the normal range is left as it was. */
static int sym_eigen_exponent(int m, const double *S) {
  double big = 0.0;
  for (int i = 0; i < m * m; i++)
    big = fmax(big, fabs(S[i]));
  int e = 0;
  frexp(big, &e);
  return big > 0.0 && (e < -100 || e > 100) ? e : 0;
}

/* Eigenvalues of the symmetric S (ascending) into e; NaN when S is not finite. */
static void sym_eigen(sgema_census *c, int m, const double *S, double *e) {
  double Sc[MM];
  for (int i = 0; i < m * m; i++)
    if (!isfinite(S[i])) {
      for (int k = 0; k < m; k++)
        e[k] = NAN;
      return;
    }
  int scale = sym_eigen_exponent(m, S);
  for (int i = 0; i < m * m; i++)
    Sc[i] = ldexp(S[i], -scale);
  gsl_matrix_view A = gsl_matrix_view_array(Sc, (size_t)m, (size_t)m);
  gsl_vector_view ev = gsl_vector_view_array(e, (size_t)m);
  gsl_eigen_symm(&A.matrix, &ev.vector, c->symm[m]);
  gsl_sort_vector(&ev.vector);
  for (int k = 0; k < m; k++)
    e[k] = ldexp(e[k], scale);
}

/* Kind and rank of S from its eigenvalues: zero when within eig_tol of the largest, or of the
 * problem's own scale lambda / (|Sxx| + lambda) (S Sxx ~ lambda at an equilibrium), so that the
 * origin found as S = 1e-200 is rank 0. */
static void kind_of(sgema_census *c, const sgema_census_settings *s, const sgema_census_system *sys,
                    const double *S, sgema_solution_kind *kind, int *rank) {
  int m = sys->m;
  double e[SGEMA_CENSUS_M_MAX], sxx = 0.0;
  sym_eigen(c, m, S, e);
  for (int i = 0; i < m * m; i++)
    sxx += sys->Sxx[i] * sys->Sxx[i];
  double ref = sys->lambda / (sqrt(sxx) + sys->lambda);
  double scale = fmax(fmax(fabs(e[0]), fabs(e[m - 1])), ref);
  double tol = s->eig_tol * scale;
  int pos = 0, neg = 0;
  for (int i = 0; i < m; i++) {
    pos += e[i] > tol;
    neg += e[i] < -tol;
  }
  *rank = pos + neg;
  *kind = neg > 0 ? SGEMA_SOLUTION_INDEFINITE : (pos == m ? SGEMA_SOLUTION_PD : SGEMA_SOLUTION_PSD);
}

static int same(const double *a, const double *b, int len, double tol) {
  double d = 0.0, na = 0.0;
  for (int i = 0; i < len; i++) {
    d += (a[i] - b[i]) * (a[i] - b[i]);
    na += a[i] * a[i];
  }
  return sqrt(d) <= tol * (1.0 + sqrt(na));
}

/* Index of S among the real solutions found so far, or -1. */
static int find_real(const sgema_census *c, int m, const double *S, double tol) {
  for (int i = 0; i < c->n_eq; i++)
    if (same(c->eq[i].S, S, m * m, tol))
      return i;
  for (int i = 0; i < c->n_indef; i++)
    if (same(c->indef[i].S, S, m * m, tol))
      return -2 - i;
  return -1;
}

static int is_new_complex(sgema_census *c, const double complex *x, int N, double tol) {
  double na = 0.0;
  for (int k = 0; k < N; k++)
    na += creal(x[k] * conj(x[k]));
  for (int i = 0; i < c->n_cplx; i++) {
    double d = 0.0;
    for (int k = 0; k < N; k++) {
      double complex z = x[k] - c->cplx[(long)i * NU + k];
      d += creal(z * conj(z));
    }
    if (sqrt(d) <= tol * (1.0 + sqrt(na)))
      return 0;
  }
  memcpy(c->cplx + (long)c->n_cplx * NU, x, (size_t)N * sizeof *x);
  c->n_cplx++;
  return 1;
}

/* Newton on the real affine system from the real part of x: every iterate stays real since the
 * coefficients are. Returns 0 when it converged. */
static int refine_real(sgema_census *c, sgema_census_system *sys, const double complex *x,
                       double *xr) {
  sgema_hom_system hs;
  sgema_census_system_hom(sys, &hs);
  double complex z[NU];
  for (int k = 0; k < sys->N; k++)
    z[k] = creal(x[k]);
  double rcond = 0.0;
  double rel = sgema_tracker_newton(c->tracker, &hs, z, 8, &rcond);
  for (int k = 0; k < sys->N; k++)
    xr[k] = creal(z[k]);
  return rel < 1e-10 ? 0 : 1;
}

/* Newton in complex arithmetic on the affine system: 1 when it converges (a regular root). */
static int refine_complex(sgema_census *c, sgema_census_system *sys, double complex *x) {
  sgema_hom_system hs;
  sgema_census_system_hom(sys, &hs);
  double rcond = 0.0;
  return sgema_tracker_newton(c->tracker, &hs, x, 6, &rcond) < 1e-10;
}

/* R = F(L L^T) L (m x k), the rank-k equilibrium condition on the factor L (docs/CENSUS.md). */
static void lowrank_residual(const sgema_census_system *sys, int k, const double *L, double *R) {
  int m = sys->m;
  double S[MM] = {0}, F[MM];
  sm_mul_nt(m, k, m, L, L, S);
  sgema_census_F(sys, S, F);
  sm_mul(m, m, k, F, L, R);
}

/* Gauss-Newton on the factor L (m x k) of S = L L^T from the k leading eigenpairs (e, V) of the
 * end's real part, minimum-norm steps through an SVD since L is defined up to O(k); 0 when it
 * converges to a solution of S F(S) = 0. Rare (singular ends only): its small GSL objects are
 * allocated here. */
static int lowrank_gauss_newton(const sgema_census_system *sys, int k, const double *e,
                                const double *V, double *S) {
  int m = sys->m, P = m * k;
  double L[MM], R[MM], Rp[MM];
  for (int i = 0; i < m; i++)
    for (int q = 0; q < k; q++)
      L[i * k + q] = V[i * m + q] * sqrt(e[q]);
  gsl_matrix *J = gsl_matrix_alloc((size_t)P, (size_t)P),
             *W = gsl_matrix_alloc((size_t)P, (size_t)P);
  gsl_vector *sv = gsl_vector_alloc((size_t)P), *work = gsl_vector_alloc((size_t)P);
  gsl_vector *b = gsl_vector_alloc((size_t)P), *d = gsl_vector_alloc((size_t)P);
  int converged = 0;
  for (int it = 0; it < 30 && J && W && sv && work && b && d && !converged; it++) {
    lowrank_residual(sys, k, L, R);
    double ln = 0.0;
    for (int q = 0; q < P; q++)
      ln = fmax(ln, fabs(L[q]));
    double h = 1e-7 * fmax(ln, 1e-3);
    for (int q = 0; q < P;
         q++) { /* forward differences: only the step's accuracy depends on them */
      double keep = L[q];
      L[q] = keep + h;
      lowrank_residual(sys, k, L, Rp);
      L[q] = keep;
      for (int r = 0; r < P; r++)
        gsl_matrix_set(J, (size_t)r, (size_t)q, (Rp[r] - R[r]) / h);
      gsl_vector_set(b, (size_t)q, -R[q]);
    }
    if (gsl_linalg_SV_decomp(J, W, sv, work) != GSL_SUCCESS)
      break;
    double smax = gsl_vector_get(sv, 0);
    for (int q = 0; q < P; q++) /* the O(k) gauge directions: zero singular values */
      if (gsl_vector_get(sv, (size_t)q) < 1e-9 * smax)
        gsl_vector_set(sv, (size_t)q, 0.0);
    gsl_linalg_SV_solve(J, W, sv, b, d);
    double dn = 0.0;
    for (int q = 0; q < P; q++) {
      L[q] += gsl_vector_get(d, (size_t)q);
      dn = fmax(dn, fabs(gsl_vector_get(d, (size_t)q)));
    }
    converged = dn <= 1e-13 * ln;
  }
  gsl_matrix_free(J);
  gsl_matrix_free(W);
  gsl_vector_free(sv);
  gsl_vector_free(work);
  gsl_vector_free(b);
  gsl_vector_free(d);
  sm_mul_nt(m, k, m, L, L, S);
  return sgema_census_residual_anyrank(sys, S) < 1e-12 ? 0 : 1;
}

/* Eigenvalues of a singular end's real part above this share of the largest count towards its
 * rank. Rank-deficient roots of the rank-free system are multiple, so their zero eigenvalues come
 * out near sqrt(eps) of the largest, while a genuine one can be far smaller than 1e-3 of it
 * (seen: a stable rank-2 equilibrium at m = 3 with eigenvalues 374 and 0.028, which the former
 * threshold 1e-3 refined as rank 1 onto a rank-1 equilibrium already found, and so lost). */
#define LOWRANK_EIG_SHARE 1e-6

/* A singular end of the rank-free system refined as a rank-deficient real solution into S: on
 * the factor of the rank its eigenvalues suggest (below m), else of the next lower ranks; 0 when
 * one converged. */
static int refine_lowrank(const sgema_census_system *sys, const double complex *x, double *S) {
  int m = sys->m;
  double xr[NU], S0[MM], e[SGEMA_CENSUS_M_MAX], V[MM];
  for (int q = 0; q < sys->N; q++)
    xr[q] = creal(x[q]);
  sgema_census_unpack(sys, xr, S0);
  gsl_matrix_view Sv = gsl_matrix_view_array(S0, (size_t)m, (size_t)m);
  gsl_matrix_view Vv = gsl_matrix_view_array(V, (size_t)m, (size_t)m);
  gsl_vector_view ev = gsl_vector_view_array(e, (size_t)m);
  gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc((size_t)m);
  int ok = ws && gsl_eigen_symmv(&Sv.matrix, &ev.vector, &Vv.matrix, ws) == GSL_SUCCESS;
  gsl_eigen_symmv_free(ws);
  if (!ok)
    return 1;
  gsl_eigen_symmv_sort(&ev.vector, &Vv.matrix, GSL_EIGEN_SORT_VAL_DESC);
  if (!(e[0] > 0.0))
    return 1;
  int k = 0;
  while (k < m - 1 && e[k] > LOWRANK_EIG_SHARE * e[0])
    k++;
  for (; k >= 1; k--)
    if (lowrank_gauss_newton(sys, k, e, V, S) == 0)
      return 0;
  return 1;
}

/* Sorts the candidates of one system into complex (counted for Eq. 6) and real solutions. */
static void sort_candidates(sgema_census *c, const sgema_census_settings *s,
                            sgema_census_system *sys, sgema_census_result *out) {
  int m = sys->m, N = sys->N;
  for (long i = 0; i < c->n_cand; i++) {
    double complex *x = c->cand + i * NU, x0[NU];
    memcpy(x0, x, sizeof x0);
    double xr[NU], S[MM];
    int lowrank = 0;
    if (!refine_complex(c, sys, x)) {
      /* A singular end of the rank-free system may be a rank-deficient real solution that the
       * symmetrised form makes multiple: refined on its factor instead. */
      lowrank = sys->kind == SGEMA_CENSUS_ANYRANK && refine_lowrank(sys, x0, S) == 0;
      if (!lowrank) {
        out->dropped++;
        continue;
      }
      sgema_census_pack(sys, S, xr);
      for (int k = 0; k < N; k++)
        x[k] = xr[k];
    }
    double im = 0.0, nx = 0.0;
    for (int k = 0; k < N; k++) {
      im = fmax(im, fabs(cimag(x[k])));
      nx = fmax(nx, cabs(x[k]));
    }
    /* Real when the imaginary part is small and Newton in real arithmetic converges from the
     * real part: a complex pair close to the real line fails the second test. */
    int real = lowrank || (im <= s->real_tol * (1.0 + nx) && refine_real(c, sys, x, xr) == 0);
    if (!real) {
      if (sys->kind == SGEMA_CENSUS_EQ6) {
        if (is_new_complex(c, x, N, s->dedup_tol))
          out->complex_solutions++;
        else
          out->duplicates++;
      }
      continue;
    }
    sgema_census_unpack(sys, xr, S);
    /* The rank-free system has spurious real roots (S F + F S = 0 but S F != 0, possible only
     * for indefinite S): kept out; the rank-1 system's are checked the same way. */
    double res = sgema_census_residual_anyrank(sys, S);
    if (sys->kind != SGEMA_CENSUS_EQ6 && !(res < 1e-8))
      continue;
    int at = find_real(c, m, S, s->dedup_tol);
    if (at != -1) {
      if (sys->kind == SGEMA_CENSUS_EQ6)
        out->duplicates++;
      continue;
    }
    if (sys->kind == SGEMA_CENSUS_EQ6)
      out->eq6_real++;
    sgema_census_equilibrium e;
    memset(&e, 0, sizeof e);
    memcpy(e.S, S, (size_t)m * m * sizeof(double));
    e.system_residual = res;
    kind_of(c, s, sys, S, &e.kind, &e.rank);
    if (e.rank == 0) /* the origin, reached as S = 1e-200 or so */
      memset(e.S, 0, sizeof e.S);
    if (e.kind == SGEMA_SOLUTION_INDEFINITE)
      c->indef[c->n_indef++] = e;
    else
      c->eq[c->n_eq++] = e;
  }
}

/* The coefficients are real, so complex roots come in conjugate pairs: a conjugate that no path
 * reached (a path that jumped to the other root of its pair) is added, after a Newton check. */
static void add_conjugates(sgema_census *c, const sgema_census_settings *s,
                           sgema_census_system *sys, sgema_census_result *out) {
  int n = c->n_cplx, N = sys->N;
  for (int i = 0; i < n; i++) {
    double complex z[NU];
    for (int k = 0; k < N; k++)
      z[k] = conj(c->cplx[(long)i * NU + k]);
    if (refine_complex(c, sys, z) && is_new_complex(c, z, N, s->dedup_tol)) {
      out->complex_solutions++;
      out->conjugates_added++;
    }
  }
}

/* ---- the generic start systems --------------------------------------------------------------- */

typedef struct {
  double complex *x; /* found ends, N each, NU apart */
  long n, cap;
} end_list;

static void collect_end(void *ctx, sgema_path_end end, const double complex *x, double rcond) {
  (void)rcond;
  end_list *l = ctx;
  if ((end == SGEMA_PATH_CONVERGED || end == SGEMA_PATH_SINGULAR) && l->n < l->cap)
    memcpy(l->x + l->n++ * NU, x, NU * sizeof *x);
}

#define SGEMA_CENSUS_ATTEMPTS 2 /* parameter homotopy: gammas tried before total degree */
/* ... for the corank-1 system, which needs SGEMA_CENSUS_CORANK1_PASSES clean passes (no path
 * failed or jumped) and whose total degree is 5,832 paths at m = 3 (about 1.5 s): a pass is
 * unclean about once per data set (300 bench data sets: 257 re-runs; 2 data sets then fell back to
 * total degree) */
#define SGEMA_CENSUS_CORANK1_ATTEMPTS 8
/* total-degree solves of a generic system, their roots united */
#define SGEMA_CENSUS_START_RUNS 2
/* ... of the corank-1 system, whose single runs lose one of its large roots (m = 3: 36 in one
 * run; 38 united from 2 runs since s31's Newton test, as monodromy finds) */
#define SGEMA_CENSUS_CORANK1_START_RUNS 2

/* A parameter pass' failed paths are tracked again from their start roots on other gammas, up to
 * this many rounds, before the pass counts them failed (or is run again whole). At m = 4, whose
 * corank systems have no total-degree fallback, 224 of 63,072 rank-deficient paths failed on 40
 * bench data sets (seed 2); 2 rounds found the roots of 35 of them, 4 of 49, 12 of 86 (time +1%,
 * +4%, +10%); the rest end at infinity or on roots already reached on the other arcs, as most
 * failures happen at |x| ~ 1e5 where two paths nearly meet (docs/CENSUS.md, "Failed paths tracked
 * again"). The retries' gammas follow the passes' (attempt numbers from
 * SGEMA_CENSUS_RETRY_ATTEMPT0 on). */
#define SGEMA_CENSUS_PATH_RETRIES 4

/* Two paths of a pass on one regular root are tracked again on their arc with steps this many
 * times shorter (retrack_jumped_paths; docs/CENSUS.md, "Jumped paths tracked again"). */
#define SGEMA_CENSUS_JUMP_STEP_DIVISOR 16.0
#define SGEMA_CENSUS_RETRY_ATTEMPT0 SGEMA_CENSUS_CORANK1_ATTEMPTS

/* Systems with more total-degree paths than this (the corank-1 and corank-2 systems at m = 4:
 * 944,784 and 7,558,272) get their start roots by monodromy and have no total-degree fallback. */
#define SGEMA_CENSUS_TOTAL_DEGREE_MAX 100000L

static long total_degree_paths(const sgema_census_system *sys) {
  long paths = 1;
  for (int k = 0; k < sys->N; k++)
    paths *= sys->degrees[k];
  return paths;
}

/* Whether x (N unknowns) differs from each of the n roots (NU apart) by more than 1e-8 relative. */
static int root_is_new(const double complex *roots, long n, const double complex *x, int N) {
  for (long j = 0; j < n; j++) {
    double d = 0.0, na = 0.0;
    for (int k = 0; k < N; k++) {
      double complex z = x[k] - roots[j * NU + k];
      d += creal(z * conj(z));
      na += creal(x[k] * conj(x[k]));
    }
    if (sqrt(d) <= 1e-8 * (1.0 + sqrt(na)))
      return 0;
  }
  return 1;
}

/* A retried path's end (retry_failed_paths): kept, as a converged path, only when it is a regular
 * root that no path of the pass reached; any other end leaves the path failed, for the next
 * round. */
static void on_retry_end(void *ctx, sgema_path_end end, const double complex *x, double rcond) {
  (void)rcond;
  sgema_census *c = ctx;
  long from = c->pass_from;
  if (end == SGEMA_PATH_CONVERGED && c->n_cand < c->cap &&
      root_is_new(c->cand + from * NU, c->n_cand - from, x, c->pass_N)) {
    memcpy(c->cand + c->n_cand * NU, x, NU * sizeof *x);
    c->cand_path[c->n_cand] = -1;
    c->cand_regular[c->n_cand++] = 1;
  } else if (c->n_failed < c->cap) {
    c->failed[c->n_failed++] = c->path;
  }
  c->path++;
}

/* The paths of pass `attempt` that failed (c->failed, by start index) tracked again from their
 * start roots, each round on a new gamma, until each has found its root. Why this accounting: on
 * another arc a start root may lead to another root (the arcs' permutations differ), so only an
 * end that no path of the pass (ends from c->cand[from]) reached tells where the failed path was
 * going: every regular root is the end of exactly one path of a pass, and the others' are known.
 * An end at infinity, singular or already reached tells nothing, and the path stays failed.
 * counts[] trades each failure resolved so for a converged path. */
static int retry_failed_paths(sgema_census *c, const sgema_par_system *ps,
                              const sgema_tracker_settings *track, uint64_t seed, uint32_t run,
                              uint32_t trial, int attempt, const double complex *starts, long from,
                              long *counts) {
  long n = c->n_failed;
  for (long i = 0; i < n; i++)
    memcpy(c->retry + i * NU, starts + c->failed[i] * NU, NU * sizeof *starts);
  c->pass_from = from;
  c->pass_N = ps->N;
  for (int round = 0; round < SGEMA_CENSUS_PATH_RETRIES && n > 0; round++) {
    long ignored[SGEMA_PATH_COUNT];
    int gamma = SGEMA_CENSUS_RETRY_ATTEMPT0 + attempt * SGEMA_CENSUS_PATH_RETRIES + round;
    c->n_failed = 0;
    c->path = 0;
    int st = sgema_tracker_solve_parameter(c->tracker, ps, track, seed, run, trial, gamma, c->retry,
                                           n, NU, on_retry_end, c, ignored);
    if (st != SGEMA_OK)
      return st;
    counts[SGEMA_PATH_FAILED] -= n - c->n_failed;
    counts[SGEMA_PATH_CONVERGED] += n - c->n_failed;
    n = c->n_failed;
    for (long i = 0; i < n; i++) /* failed[i] >= i: each start moves forward, never over another */
      memmove(c->retry + i * NU, c->retry + c->failed[i] * NU, NU * sizeof *c->retry);
  }
  return SGEMA_OK;
}

static long repeated_end(const sgema_census *c, long from, long i, int N);

/* One path's end, as retrack_jumped_paths asks for it. */
typedef struct {
  sgema_path_end end;
  double complex x[NU];
} single_end;

static void on_single_end(void *ctx, sgema_path_end end, const double complex *x, double rcond) {
  (void)rcond;
  single_end *e = ctx;
  e->end = end;
  if (x)
    memcpy(e->x, x, NU * sizeof *x);
}

/* Two paths of pass `attempt` that ended on one regular root: one of them jumped there from its
 * own path, whose root the pass then misses. Both are tracked again on the same arc with steps
 * SGEMA_CENSUS_JUMP_STEP_DIVISOR times shorter; the first whose end is a regular root that no path
 * of the pass reached (ends from c->cand[from]) was the one that jumped, and its end is replaced
 * (the same accounting as retry_failed_paths'). Pairs left as they were count as jumped. */
static int retrack_jumped_paths(sgema_census *c, const sgema_par_system *ps,
                                const sgema_tracker_settings *track, uint64_t seed, uint32_t run,
                                uint32_t trial, int attempt, const double complex *starts,
                                long from, sgema_census_result *out) {
  sgema_tracker_settings fine = *track;
  fine.step_init /= SGEMA_CENSUS_JUMP_STEP_DIVISOR;
  fine.step_max /= SGEMA_CENSUS_JUMP_STEP_DIVISOR;
  fine.extended = 1;
  int N = ps->N;
  for (long i = from; i < c->n_cand; i++) {
    long j = c->cand_regular[i] ? repeated_end(c, from, i, N) : -1;
    if (j < 0 || c->cand_path[i] < 0 || c->cand_path[j] < 0)
      continue;
    out->jumps_retracked++;
    long pair[2] = {i, j};
    for (int k = 0; k < 2; k++) {
      single_end e = {.end = SGEMA_PATH_FAILED};
      long ignored[SGEMA_PATH_COUNT];
      int st = sgema_tracker_solve_parameter(c->tracker, ps, &fine, seed, run, trial, attempt,
                                             starts + c->cand_path[pair[k]] * NU, 1, NU,
                                             on_single_end, &e, ignored);
      if (st != SGEMA_OK)
        return st;
      if (e.end == SGEMA_PATH_CONVERGED &&
          root_is_new(c->cand + from * NU, c->n_cand - from, e.x, N)) {
        memcpy(c->cand + pair[k] * NU, e.x, NU * sizeof e.x[0]);
        out->jumps_resolved++;
        break;
      }
    }
  }
  return SGEMA_OK;
}

static int is_regular_start_root(sgema_census *c, const sgema_hom_system *hs, double complex *x) {
  return sgema_tracker_regular_root(c->tracker, hs, x, 8, SGEMA_START_ROOT_TOL,
                                    SGEMA_START_ROOT_FLOOR, SGEMA_START_ROOT_RCOND);
}

/* The shipped roots of (m, kind) (census_start_data.c) into c as they are (the same bits on every
 * machine), kept only if all pass the start roots' test (Newton on a copy) and are distinct: 1 when
 * they were taken, 0 when there are none or one fails (a table that does not fit this build's
 * generic system: the census then solves the system itself, as it did before roots were shipped).
 */
static int load_shipped(sgema_census *c, int m, sgema_census_system_kind kind,
                        const sgema_hom_system *hs) {
  const sgema_census_start_table *t = sgema_census_start_table_find(m, kind);
  if (!t || t->N != hs->N || t->n < 1)
    return 0;
  double complex *roots = malloc((size_t)t->n * NU * sizeof(double complex));
  int ok = roots != NULL;
  for (long i = 0; i < t->n && ok; i++) {
    double complex *x = roots + i * NU, y[NU];
    for (int k = 0; k < t->N; k++)
      x[k] = t->re_im[2 * (i * t->N + k)] + I * t->re_im[2 * (i * t->N + k) + 1];
    memcpy(y, x, (size_t)t->N * sizeof *y);
    ok = is_regular_start_root(c, hs, y) && root_is_new(roots, i, x, t->N);
  }
  if (!ok) {
    free(roots);
    return 0;
  }
  c->start[kind][m] = roots;
  c->n_start[kind][m] = t->n;
  return 1;
}

/* Solves the generic system of kind and size m: by monodromy (quiet_loops loops without a new
 * root) when total degree has too many paths, else by total degree twice with different gammas (a
 * path that fails in one run is unlikely to fail in both), keeping the distinct finite regular
 * roots: Newton converges and the Jacobian's pivot ratio is not small. shipped: take the shipped
 * roots when they pass (load_shipped). */
static int solve_start(sgema_census *c, int m, sgema_census_system_kind kind, int quiet_loops,
                       int shipped) {
  sgema_census_params prm;
  sgema_census_generic_params(m, &prm);
  sgema_census_system sys;
  int st = sgema_census_system_init_params(&sys, m, &prm, kind);
  if (st != SGEMA_OK)
    return st;
  sgema_hom_system hs;
  sgema_census_system_hom(&sys, &hs);
  if (shipped && load_shipped(c, m, kind, &hs))
    return SGEMA_OK;
  long paths = total_degree_paths(&sys);
  if (paths > SGEMA_CENSUS_TOTAL_DEGREE_MAX) {
    sgema_tracker_settings track = c->track;
    track.infinity_early = 0.0;
    st = sgema_census_monodromy(c->tracker, &track, m, kind, quiet_loops, NU, &c->start[kind][m],
                                &c->n_start[kind][m]);
    return st;
  }
  uint32_t runs =
      kind == SGEMA_CENSUS_CORANK1 ? SGEMA_CENSUS_CORANK1_START_RUNS : SGEMA_CENSUS_START_RUNS;
  end_list l = {malloc((size_t)(runs * paths) * NU * sizeof(double complex)), 0,
                (long)runs * paths};
  double complex *roots = malloc((size_t)paths * NU * sizeof(double complex));
  if (!l.x || !roots) {
    free(l.x);
    free(roots);
    return SGEMA_ENOMEM;
  }
  long counts[SGEMA_PATH_COUNT], n = 0;
  /* stream kind * SGEMA_CENSUS_START_RUNS + r: the corank-1 system's, the last kind, may go on */
  for (uint32_t r = 0; r < runs && st == SGEMA_OK; r++)
    st = sgema_tracker_solve(c->tracker, &hs, &c->track, SGEMA_CENSUS_GENERIC_SEED, (uint32_t)m,
                             (uint32_t)(kind * SGEMA_CENSUS_START_RUNS + r), paths, collect_end, &l,
                             counts);
  for (long i = 0; i < l.n && st == SGEMA_OK; i++) {
    double complex *x = l.x + i * NU;
    if (is_regular_start_root(c, &hs, x) && root_is_new(roots, n, x, sys.N) && n < paths)
      memcpy(roots + n++ * NU, x, NU * sizeof *x);
  }
  free(l.x);
  if (st != SGEMA_OK) {
    free(roots);
    return st;
  }
  c->start[kind][m] = roots;
  c->n_start[kind][m] = n;
  return SGEMA_OK;
}

static int start_args_ok(const sgema_census *c, int m, sgema_census_system_kind kind) {
  return m >= 1 && m <= c->m_max && (unsigned)kind < SGEMA_CENSUS_SYSTEMS;
}

long sgema_census_start_roots(sgema_census *c, int m, sgema_census_system_kind kind) {
  if (!start_args_ok(c, m, kind))
    return -1;
  if (!c->start[kind][m] && solve_start(c, m, kind, SGEMA_MONODROMY_QUIET_LOOPS, 1) != SGEMA_OK)
    return -1;
  return c->n_start[kind][m];
}

long sgema_census_solve_start_roots(sgema_census *c, int m, sgema_census_system_kind kind,
                                    int quiet_loops) {
  if (!start_args_ok(c, m, kind) || quiet_loops < 1)
    return -1;
  free(c->start[kind][m]);
  c->start[kind][m] = NULL;
  c->n_start[kind][m] = 0;
  if (solve_start(c, m, kind, quiet_loops, 0) != SGEMA_OK)
    return -1;
  return c->n_start[kind][m];
}

int sgema_census_start_root(const sgema_census *c, int m, sgema_census_system_kind kind, long i,
                            double *re, double *im) {
  if (!start_args_ok(c, m, kind) || !c->start[kind][m] || i < 0 || i >= c->n_start[kind][m])
    return -1;
  sgema_census_params prm;
  sgema_census_generic_params(m, &prm);
  sgema_census_system sys;
  if (sgema_census_system_init_params(&sys, m, &prm, kind) != SGEMA_OK)
    return -1;
  for (int k = 0; k < sys.N; k++) {
    re[k] = creal(c->start[kind][m][i * NU + k]);
    im[k] = cimag(c->start[kind][m][i * NU + k]);
  }
  return sys.N;
}

/* The earlier regular end (from `from` on) that candidate i, a regular end, repeats within 1e-8
 * relative, or -1. */
static long repeated_end(const sgema_census *c, long from, long i, int N) {
  for (long j = from; j < i; j++) {
    if (!c->cand_regular[j])
      continue;
    double d = 0.0, na = 0.0;
    for (int k = 0; k < N; k++) {
      double complex z = c->cand[i * NU + k] - c->cand[j * NU + k];
      d += creal(z * conj(z));
      na += creal(c->cand[i * NU + k] * conj(c->cand[i * NU + k]));
    }
    if (sqrt(d) <= 1e-8 * (1.0 + sqrt(na)))
      return j;
  }
  return -1;
}

/* The number of regular path ends from `from` on that repeat an earlier one: each is a path that
 * jumped, and the root its own path led to is missing (a regular root is the end of exactly one
 * path of a parameter homotopy). */
static long jumped_paths(const sgema_census *c, long from, int N) {
  long jumped = 0;
  for (long i = from; i < c->n_cand; i++)
    jumped += c->cand_regular[i] && repeated_end(c, from, i, N) >= 0;
  return jumped;
}

/* The number of distinct regular roots among c's candidates. */
static long distinct_regular(const sgema_census *c, int N) {
  long n = 0;
  for (long i = 0; i < c->n_cand; i++)
    n += c->cand_regular[i] && repeated_end(c, 0, i, N) < 0;
  return n;
}

/* Whether a corank-1 chart's paths left no PSD root unknown although some did not converge to a
 * regular root. Its real indefinite roots are double for real data (docs/CENSUS.md), and end
 * singular whatever the chart, and 3 or 4 of its paths go to infinity on every data set and chart
 * seen: neither is a reason for the next chart. A singular end that is real and PSD is (a root the
 * chart sees badly, or a genuine multiple root: the next chart settles which); a failed path may be
 * anything. */
static int corank1_settled(sgema_census *c, const sgema_census_settings *s,
                           const sgema_census_system *sys, const long *counts, int tolerant) {
  if (counts[SGEMA_PATH_FAILED] > 0 && !tolerant)
    return 0;
  int m = sys->m;
  for (long i = 0; i < c->n_cand; i++) {
    if (c->cand_regular[i])
      continue;
    const double complex *x = c->cand + i * NU;
    double xr[NU], S[MM], e[SGEMA_CENSUS_M_MAX], im = 0.0, nx = 0.0;
    for (int k = 0; k < sys->N; k++) {
      im = fmax(im, fabs(cimag(x[k])));
      nx = fmax(nx, cabs(x[k]));
      xr[k] = creal(x[k]);
    }
    if (im > s->real_tol * (1.0 + nx))
      continue; /* complex */
    sgema_census_unpack(sys, xr, S);
    sym_eigen(c, m, S, e);
    if (!(e[0] < -s->eig_tol * fmax(fabs(e[0]), fabs(e[m - 1]))))
      return 0; /* PSD (or not finite) */
  }
  return 1;
}

/* The passes of a corank system in chart `chart` (0 the first): SGEMA_CENSUS_CORANK1_PASSES where
 * total degree backs it up, else SGEMA_CENSUS_FIRST_CHART_PASSES in the first chart and
 * SGEMA_CENSUS_OTHER_CHART_PASSES in the others (solve_system solves two at least). */
static int corank_passes(int total_degree, int chart) {
  if (total_degree)
    return SGEMA_CENSUS_CORANK1_PASSES;
  return chart == 0 ? SGEMA_CENSUS_FIRST_CHART_PASSES : SGEMA_CENSUS_OTHER_CHART_PASSES;
}

/* Tracks sys (kind, into out->paths[slot], added) into c's candidates: the parameter homotopy
 * when parameter, re-run with a new gamma, then total degree when paths still fail or jump. Sets
 * *complete when every parameter path converged to its own regular root (all the target's
 * isolated roots are then known). */
static int track_system(sgema_census *c, const sgema_census_settings *s, sgema_census_system *sys,
                        int parameter, int chart, int slot, uint64_t seed, uint32_t run,
                        uint32_t trial, sgema_census_result *out, int *complete) {
  int m = sys->m, st = SGEMA_OK, solved = 0;
  sgema_census_system_kind kind = sys->kind;
  long starts = parameter ? c->n_start[kind][m] : 0, counts[SGEMA_PATH_COUNT] = {0};
  long bezout = total_degree_paths(sys);
  int corank = sys->corank > 0, total_degree = bezout <= SGEMA_CENSUS_TOTAL_DEGREE_MAX;
  long need = total_degree ? bezout : 0;
  if (parameter && need < SGEMA_CENSUS_CORANK1_PASSES * starts)
    need = SGEMA_CENSUS_CORANK1_PASSES * starts;
  if (!parameter && !total_degree)
    return SGEMA_EINVAL; /* millions of paths: never by total degree */
  if ((st = ensure_capacity(c, need)) != SGEMA_OK)
    return st;
  c->n_cand = 0;
  *complete = 0;
  if (parameter) {
    sgema_census_params start;
    sgema_census_generic_params(m, &start);
    sgema_par_system ps;
    sgema_census_system_par(sys, &start, &ps);
    /* Parameter paths are tracked to t = 1 even when x0 is already small: few of them end at
     * infinity, and a finite root with |S| ~ 1e6 passes below the early cut (seen: the stable PD
     * equilibrium of sg-m2-n3 trial 417 in experiments/match.yaml, |A| = 1926). */
    sgema_tracker_settings track = c->track;
    track.infinity_early = 0.0;
    /* A failed path leaves its root unknown, as does a path that jumped onto another's regular
     * root: failed paths are tracked again alone on other arcs (retry_failed_paths), and when a
     * path still fails or one jumped, the whole system is tracked again with a new gamma. */
    int attempts = corank ? SGEMA_CENSUS_CORANK1_ATTEMPTS : SGEMA_CENSUS_ATTEMPTS;
    /* The corank-1 system's paths can jump onto a neighbour of its (generically) double roots
     * without failing: one pass lost a rank-2 root in 5 of 300 data sets at m = 3, two passes in
     * 1, three in none of 600 (docs/CENSUS.md). It is tracked with several gammas and the ends of
     * the clean passes united. */
    /* Systems with no total-degree fallback (m = 4's corank systems, 424 and 83 generic roots)
     * have failed or jumping paths in most passes (1-5% of them): every pass counts, its ends are
     * united with the others' and the other charts' (solve_system), and a root is missed only
     * when its path fails or jumps in each (docs/CENSUS.md, "Rank 2 and 3 at m = 4"). */
    int passes = corank ? corank_passes(total_degree, chart) : 1, done = 0, all_found = 0;
    long kept = 0, sum[SGEMA_PATH_COUNT] = {0};
    for (int attempt = 0; attempt < attempts && st == SGEMA_OK && done < passes && !all_found;
         attempt++) {
      c->n_cand = kept;
      out->reruns += attempt > done;
      c->n_failed = 0;
      c->path = 0;
      st = sgema_tracker_solve_parameter(c->tracker, &ps, &track, seed, run, trial, attempt,
                                         c->start[kind][m], starts, NU, on_end_noting_failures, c,
                                         counts);
      if (st == SGEMA_OK && c->n_failed > 0) {
        out->retried_paths += c->n_failed;
        st = retry_failed_paths(c, &ps, &track, seed, run, trial, attempt, c->start[kind][m], kept,
                                counts);
      }
      if (st == SGEMA_OK)
        st = retrack_jumped_paths(c, &ps, &track, seed, run, trial, attempt, c->start[kind][m],
                                  kept, out);
      if (!total_degree) {
        /* every pass counts here, so a jumped path is counted as what it is, a failure */
        long jumped = jumped_paths(c, kept, sys->N);
        counts[SGEMA_PATH_CONVERGED] -= jumped;
        counts[SGEMA_PATH_FAILED] += jumped;
      }
      if (!total_degree || (counts[SGEMA_PATH_FAILED] == 0 && jumped_paths(c, kept, sys->N) == 0)) {
        done++;
        kept = c->n_cand;
        for (int e = 0; e < SGEMA_PATH_COUNT; e++)
          sum[e] += counts[e];
        /* The passes united hold as many distinct regular roots as the generic system has: they
         * are all the data's isolated roots (no system has more than its generic member), and
         * further passes could add none. Only where total degree solved the generic system
         * (m <= 3): m = 4's monodromy counts are lower bounds (docs/CENSUS.md). */
        all_found = corank && total_degree && distinct_regular(c, sys->N) == starts;
      }
    }
    solved = done == passes || all_found;
    out->corank_passes += corank && solved ? done : 0; /* a fallback's paths are total degree's */
    if (solved)
      memcpy(counts, sum, sizeof sum);
    sgema_census_system_at_target(sys);
    /* Still failing or jumping (two roots nearly one: 1e-4 apart relative, both paths end on
     * one): total degree, whose singular ends the census resolves (sort_candidates). */
    out->total_degree_fallback |= solved ? 0 : 1 << slot;
    *complete = solved && (all_found || counts[SGEMA_PATH_CONVERGED] == passes * starts ||
                           (corank && corank1_settled(c, s, sys, counts, !total_degree)));
  }
  if (!solved && total_degree && st == SGEMA_OK) {
    c->n_cand = 0;
    sgema_hom_system hs;
    sgema_census_system_hom(sys, &hs);
    st = sgema_tracker_solve(c->tracker, &hs, &c->track, seed, run, trial, bezout, on_end, c,
                             counts);
  }
  for (int e = 0; e < SGEMA_PATH_COUNT; e++)
    out->paths[slot][e] += counts[e];
  return st;
}

/* The m = 2 rank-1 system in sys's current chart by elimination (rank1_elimination.h): its roots
 * become candidates as path ends would, each refined by Newton, and count in out->paths[1] as
 * converged paths. Returns 0 when all of them are distinct regular roots (every root of the chart
 * is then known), or -1 with nothing kept or counted: the chart is then tracked. */
static int eliminate_rank1(sgema_census *c, sgema_census_system *sys, sgema_census_result *out) {
  double complex roots[SGEMA_RANK1_DEGREE * NU];
  int n = sgema_rank1_eliminate(sys, c->poly, roots, NU);
  if (n < 0 || ensure_capacity(c, n) != SGEMA_OK)
    return -1;
  c->n_cand = 0;
  for (int r = 0; r < n; r++) {
    double complex *x = c->cand + r * NU;
    memcpy(x, roots + r * NU, NU * sizeof *x);
    if (!refine_complex(c, sys, x))
      return -1;
    c->cand_path[c->n_cand] = -1;
    c->cand_regular[c->n_cand++] = 1;
  }
  if (jumped_paths(c, 0, sys->N) > 0)
    return -1;
  out->paths[1][SGEMA_PATH_CONVERGED] += n;
  out->eliminated++;
  return 0;
}

static int solve_system(sgema_census *c, const sgema_census_settings *s, const sgema_problem *p,
                        sgema_census_system_kind kind, uint64_t seed, uint32_t run, uint32_t trial,
                        sgema_census_result *out) {
  sgema_census_system sys;
  int st = sgema_census_system_init(&sys, p, kind);
  if (st != SGEMA_OK)
    return st;
  int m = p->m, parameter = s->homotopy == SGEMA_CENSUS_PARAMETER &&
                            (kind != SGEMA_CENSUS_ANYRANK || m <= s->parameter_rank_free_max_m);
  int slot = kind == SGEMA_CENSUS_EQ6 ? 0 : 1; /* out's: Eq. 6, or the rank-deficient system */
  /* The start roots are loaded or solved here at first use (not through sgema_census_start_roots)
   * to keep solve_start's status: a stop request there keeps nothing and says so. */
  if (parameter && !c->start[kind][m] &&
      (st = solve_start(c, m, kind, SGEMA_MONODROMY_QUIET_LOOPS, 1)) != SGEMA_OK)
    return st;
  /* The rank-1 and corank-1 systems' chart misses directions near u_1 = 0 (v_1 = 0): the next chart
   * is solved too unless every root of this one was found regular
   * (sgema_census_system_set_chart). */
  int charted = kind == SGEMA_CENSUS_RANK1 || sys.corank > 0;
  int charts = charted ? m : 1, complete = 0;
  /* The corank systems with no total-degree fallback (m = 4) are solved in two charts at least:
   * a root near the first chart's edge is large there (|x| ~ 200, the kernel vector's first
   * component small), its paths pass near infinity and were lost in all the passes on some data
   * sets; it is well inside the next chart (docs/CENSUS.md, "Two charts at m = 4"). */
  int min_charts =
      parameter && sys.corank > 0 && total_degree_paths(&sys) > SGEMA_CENSUS_TOTAL_DEGREE_MAX ? 2
                                                                                              : 1;
  int eliminate = kind == SGEMA_CENSUS_RANK1 && parameter && s->rank_one_elimination && m == 2;
  for (int k = 0; k < charts && !complete && st == SGEMA_OK; k++) {
    if (k > 0)
      sgema_census_system_set_chart(&sys, k);
    if (eliminate && eliminate_rank1(c, &sys, out) == 0)
      complete = 1;
    else
      st = track_system(c, s, &sys, parameter, k, slot, seed, run, trial, out, &complete);
    complete = complete && k + 1 >= min_charts;
    out->charts += kind == SGEMA_CENSUS_RANK1;
    out->corank_charts += sys.corank > 0;
    if (st == SGEMA_OK)
      sort_candidates(c, s, &sys, out);
  }
  if (st != SGEMA_OK)
    return st;
  if (kind == SGEMA_CENSUS_EQ6)
    add_conjugates(c, s, &sys, out);
  return SGEMA_OK;
}

/* ---- equilibria ----------------------------------------------------------------------------- */

int sgema_census_equilibrium_state(sgema_census *c, const sgema_problem *p, const double *S,
                                   double *y) {
  int m = p->m, n = p->n;
  if (m > c->m_max || n > c->n_max)
    return SGEMA_EDIM;
  double Sc[MM], Vd[MM], e[SGEMA_CENSUS_M_MAX], R[MM], T[MM], W[MM], Bm[MM];
  memcpy(Sc, S, (size_t)m * m * sizeof(double));
  gsl_matrix_view A = gsl_matrix_view_array(Sc, (size_t)m, (size_t)m);
  gsl_matrix_view V = gsl_matrix_view_array(Vd, (size_t)m, (size_t)m);
  gsl_vector_view ev = gsl_vector_view_array(e, (size_t)m);
  if (gsl_eigen_symmv(&A.matrix, &ev.vector, &V.matrix, c->sym) != GSL_SUCCESS)
    return SGEMA_ELINALG;
  /* Eigenvalues at rounding level are zeroed: their square roots (1e-8 for 1e-16) would spoil
   * the equilibrium of a rank-deficient S. */
  double emax = 0.0;
  for (int k = 0; k < m; k++)
    emax = fmax(emax, fabs(e[k]));
  for (int k = 0; k < m; k++)
    if (e[k] <= SGEMA_CENSUS_ZERO_EIG * emax)
      e[k] = 0.0;
  for (int i = 0; i < m; i++) /* R = S^{1/2} = V diag(sqrt(e+)) V^T */
    for (int j = 0; j < m; j++) {
      double v = 0.0;
      for (int k = 0; k < m; k++)
        v += Vd[i * m + k] * sqrt(fmax(e[k], 0.0)) * Vd[j * m + k];
      R[i * m + j] = v;
    }
  /* With A = [R; 0], W = A Sxx A^T + l I is block diagonal and B = A Syx A^T W^{-1} is zero
   * outside its leading m x m block B11 = R Syx R (R Sxx R + l I)^{-1}. */
  for (int pass = 0; pass < 2; pass++) {
    const double *D = pass == 0 ? p->Sxx : p->Syx;
    double *out = pass == 0 ? W : Bm;
    for (int i = 0; i < m; i++)
      for (int j = 0; j < m; j++) {
        double v = 0.0;
        for (int k = 0; k < m; k++)
          v += R[i * m + k] * D[k * m + j];
        T[i * m + j] = v;
      }
    for (int i = 0; i < m; i++)
      for (int j = 0; j < m; j++) {
        double v = 0.0;
        for (int k = 0; k < m; k++)
          v += T[i * m + k] * R[k * m + j];
        out[i * m + j] = v + (pass == 0 && i == j ? p->lambda : 0.0);
      }
  }
  /* B11 W = R Syx R, i.e. W^T B11^T = (R Syx R)^T: solve column by column with an LU of W^T. */
  double Wt[MM];
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++)
      Wt[i * m + j] = W[j * m + i];
  gsl_matrix_view Wv = gsl_matrix_view_array(Wt, (size_t)m, (size_t)m);
  gsl_permutation *perm = gsl_permutation_alloc((size_t)m);
  int sgn = 0;
  if (!perm || gsl_linalg_LU_decomp(&Wv.matrix, perm, &sgn) != GSL_SUCCESS) {
    gsl_permutation_free(perm);
    return SGEMA_ELINALG;
  }
  size_t N = sgema_problem_dim(p);
  memset(y, 0, N * sizeof *y);
  double *Ay = sgema_state_A(p, y), *By = sgema_state_B(p, y);
  for (int i = 0; i < m; i++) {
    double rhs[SGEMA_CENSUS_M_MAX], sol[SGEMA_CENSUS_M_MAX];
    for (int j = 0; j < m; j++)
      rhs[j] = Bm[i * m + j]; /* row i of R Syx R = column i of its transpose */
    gsl_vector_view b = gsl_vector_view_array(rhs, (size_t)m);
    gsl_vector_view x = gsl_vector_view_array(sol, (size_t)m);
    gsl_linalg_LU_solve(&Wv.matrix, perm, &b.vector, &x.vector);
    for (int j = 0; j < m; j++)
      By[i * n + j] = sol[j];
    for (int j = 0; j < m; j++)
      Ay[i * m + j] = R[i * m + j];
  }
  gsl_permutation_free(perm);
  if (p->alg == SGEMA_ALG_EMA)
    memcpy(sgema_state_C(p, y), Ay, (size_t)n * m * sizeof(double));
  return SGEMA_OK;
}

/* Eigenvalues of the full dense Jacobian with real part above tol. */
static int count_unstable(sgema_census *c, const sgema_problem *p, const double *y, double tol,
                          int *unstable) {
  size_t N = sgema_problem_dim(p);
  sgema_field_jacobian(c->field, p, 0.0, y, c->J, NULL);
  gsl_matrix_view Jv = gsl_matrix_submatrix(c->Jm, 0, 0, N, N);
  for (size_t i = 0; i < N; i++)
    for (size_t j = 0; j < N; j++)
      gsl_matrix_set(&Jv.matrix, i, j, c->J[i * N + j]);
  gsl_vector_complex_view ev = gsl_vector_complex_subvector(c->eval, 0, N);
  if (c->nonsym_n != N) { /* one workspace per size: reallocated only when the size changes */
    if (c->nonsym)
      gsl_eigen_nonsymm_free(c->nonsym);
    c->nonsym = gsl_eigen_nonsymm_alloc(N);
    c->nonsym_n = c->nonsym ? N : 0;
    if (!c->nonsym)
      return SGEMA_ENOMEM;
  }
  if (gsl_eigen_nonsymm(&Jv.matrix, &ev.vector, c->nonsym) != GSL_SUCCESS)
    return SGEMA_ELINALG;
  *unstable = 0;
  for (size_t i = 0; i < N; i++) {
    gsl_complex z = gsl_vector_complex_get(&ev.vector, i);
    *unstable += GSL_REAL(z) > tol;
  }
  return SGEMA_OK;
}

/* The size of the field's terms at y, bounded with Frobenius norms (|B^T B A Sxx|, |B^T C Syx|,
 * |B A Sxx A^T|, |C Syx A^T|, lambda |A|, lambda |B|): a residual relative to it says how well
 * the terms cancel, whatever the scale of S. */
static double field_scale(const sgema_problem *p, double *y) {
  size_t nm = (size_t)p->n * p->m, nn = (size_t)p->n * p->n;
  int m = p->m;
  double a = sgema_norm2(sgema_state_A(p, y), nm), b = sgema_norm2(sgema_state_B(p, y), nn);
  double sxx = sgema_norm2(p->Sxx, (size_t)m * m), syx = sgema_norm2(p->Syx, (size_t)m * m);
  return b * b * a * sxx + 2.0 * b * a * syx + b * a * a * sxx + a * a * syx + p->lambda * (a + b);
}

/* Whether the classifier takes a dense path (every eigenvalue computed) for a state of length N:
 * the census then asks it to keep the SGEMA_SPECTRUM_MAX_K rightmost, at no cost. */
static int dense_classification(const sgema_classification *s, size_t N) {
  return s->spectrum == SGEMA_SPECTRUM_DENSE || s->spectrum == SGEMA_SPECTRUM_LAPACK ||
         (s->spectrum == SGEMA_SPECTRUM_AUTO && N < (size_t)s->lapack_min_n);
}

/* The number of unstable eigenvalues from the classifier's reduced spectrum when it holds them
 * all (fewer of its rightmost eigenvalues are above tol than it kept), -1 otherwise. The orbit's
 * tangents span an invariant subspace of J at an equilibrium (they are J's null vectors), so J's
 * spectrum is the reduced one and the orbit's zeros, which are never unstable. */
static int unstable_from_spectrum(const sgema_classifier *cl, double tol) {
  const sgema_spectrum_info *info = sgema_classifier_last_spectrum(cl);
  if (info->used == SGEMA_SPECTRUM_ARNOLDI)
    return -1;
  int above = 0;
  while (above < info->k && info->re[above] > tol)
    above++;
  return above < info->k ? above : -1;
}

static int classify_equilibrium(sgema_census *c, const sgema_census_settings *s,
                                const sgema_problem *p, sgema_census_equilibrium *e) {
  int st = sgema_census_equilibrium_state(c, p, e->S, c->y);
  if (st != SGEMA_OK)
    return st;
  size_t N = sgema_problem_dim(p);
  sgema_field_eval(c->field, p, 0.0, c->y, c->f);
  e->field_residual = field_scale(p, c->y);
  e->field_residual = e->field_residual > 0.0 ? sgema_norm2(c->f, N) / e->field_residual : 0.0;
  sgema_limit lim;
  sgema_classification cls = s->classification;
  if (dense_classification(&cls, N))
    cls.eigenvalues = SGEMA_SPECTRUM_MAX_K;
  st = sgema_classify(c->classifier, &cls, p, 0.0, c->y, SGEMA_END_CONVERGED, &lim);
  if (st != SGEMA_OK)
    return st;
  e->mc_class = lim.cls;
  e->abscissa = lim.max_re;
  e->symmetry_zeros = lim.symmetry_zeros;
  double saddle = s->classification.saddle_tol;
  e->cls = lim.max_re > saddle         ? SGEMA_EQUILIBRIUM_SADDLE
           : lim.max_re < -s->zero_tol ? SGEMA_EQUILIBRIUM_STABLE
                                       : SGEMA_EQUILIBRIUM_DEGENERATE;
  e->unstable = unstable_from_spectrum(c->classifier, saddle);
  return e->unstable >= 0 ? SGEMA_OK : count_unstable(c, p, c->y, saddle, &e->unstable);
}

static int by_rank_then_size(const void *a, const void *b) {
  const sgema_census_equilibrium *x = a, *y = b;
  if (x->rank != y->rank)
    return x->rank < y->rank ? -1 : 1;
  double tx = vnorm(x->S, MM), ty = vnorm(y->S, MM); /* unused entries are 0 */
  return tx < ty ? -1 : (tx > ty ? 1 : 0);
}

static int check_problem(const sgema_census *c, const sgema_problem *p) {
  if (p->m < 1 || p->m > c->m_max || p->n <= p->m || p->n > c->n_max)
    return SGEMA_EDIM;
  if (p->alg == SGEMA_ALG_GD)
    return SGEMA_EINVAL;
  if (p->alg == SGEMA_ALG_EMA &&
      (p->momentum.kind != SGEMA_MOMENTUM_CONSTANT || !(p->momentum.a0 < 1.0)))
    return SGEMA_EINVAL;
  return sgema_problem_validate(p);
}

/* The systems of the rank-deficient equilibria at m, into kinds; returns their number. With
 * rank_one_system: at m = 2 they are rank 1 (or the origin), at m = 3 rank 1 or rank 2 = m - 1;
 * otherwise the rank-free system, every rank at once. */
static int rank_deficient_systems(const sgema_census_settings *s, int m,
                                  sgema_census_system_kind *kinds) {
  if (s->rank_one_system && m >= 2) { /* ranks 1, m - 2 (at m = 4: 2), m - 1 */
    kinds[0] = SGEMA_CENSUS_RANK1;
    kinds[1] = m == 4 ? SGEMA_CENSUS_CORANK2 : SGEMA_CENSUS_CORANK1;
    kinds[2] = SGEMA_CENSUS_CORANK1;
    return m - 1;
  }
  kinds[0] = SGEMA_CENSUS_ANYRANK;
  return 1;
}

int sgema_census_run(sgema_census *c, const sgema_census_settings *s, const sgema_problem *p,
                     uint64_t seed, uint32_t run, uint32_t trial, sgema_census_result *out) {
  memset(out, 0, sizeof *out);
  int st = check_problem(c, p);
  if (st != SGEMA_OK)
    return st;
  int m = p->m;
  c->n_eq = c->n_indef = c->n_cplx = 0;
  if ((st = solve_system(c, s, p, SGEMA_CENSUS_EQ6, seed, run, trial, out)) != SGEMA_OK)
    return st;
  int deficient = s->rank_deficient && m <= s->rank_deficient_max_m;
  sgema_census_system_kind lowrank[SGEMA_CENSUS_M_MAX - 1];
  int systems = deficient ? rank_deficient_systems(s, m, lowrank) : 0;
  for (int k = 0; k < systems; k++)
    if ((st = solve_system(c, s, p, lowrank[k], seed, run, trial, out)) != SGEMA_OK)
      return st;
  double zero[MM] = {0};
  if (find_real(c, m, zero, s->dedup_tol) == -1) {
    /* The origin is always an equilibrium: added in closed form when the rank-free system was not
     * solved, or when its path jumped to a nearby root (a small S1-like solution); the rank-1
     * system has no root there. */
    out->origin_added = systems == 1 && lowrank[0] == SGEMA_CENSUS_ANYRANK;
    memset(&c->eq[c->n_eq], 0, sizeof c->eq[0]);
    c->eq[c->n_eq++].kind = SGEMA_SOLUTION_PSD;
  }
  qsort(c->eq, (size_t)c->n_eq, sizeof *c->eq, by_rank_then_size);
  for (int i = 0; i < c->n_eq; i++) {
    if (c->stop && c->stop(c->stop_ctx))
      return SGEMA_EINTERRUPTED;
    if ((st = classify_equilibrium(c, s, p, &c->eq[i])) != SGEMA_OK)
      return st;
    out->count[c->eq[i].kind]++;
    out->psd_rank[c->eq[i].rank]++;
  }
  out->count[SGEMA_SOLUTION_COMPLEX] = out->complex_solutions;
  out->count[SGEMA_SOLUTION_INDEFINITE] = c->n_indef;
  out->n_equilibria = c->n_eq;
  out->equilibria = c->eq;
  out->n_indefinite = c->n_indef;
  out->indefinite = c->indef;
  return SGEMA_OK;
}

double sgema_census_distance(int m, int n, const double *y, const double *S) {
  double sum = 0.0, norm = 0.0;
  for (int a = 0; a < m; a++)
    for (int b = 0; b < m; b++) {
      double ata = 0.0;
      for (int k = 0; k < n; k++)
        ata += y[k * m + a] * y[k * m + b];
      double d = ata - S[a * m + b];
      sum += d * d;
      norm += S[a * m + b] * S[a * m + b];
    }
  return sqrt(sum) / fmax(1.0, sqrt(norm));
}
