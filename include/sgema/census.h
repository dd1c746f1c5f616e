/* The equilibrium census of one data set: every equilibrium of SG / EMA, its kind and stability
 * (docs/CENSUS.md). */
#ifndef SGEMA_CENSUS_H
#define SGEMA_CENSUS_H

#include "sgema/classify.h"
#include "sgema/problem.h"

#include <stdint.h>

#define SGEMA_CENSUS_M_MAX 4 /* total-degree homotopy: 2^(m(m+1)/2) paths for Eq. 6 */
/* The corank-1 and corank-2 systems (ranks m - 1, m - 2) are tracked up to this many times with
 * different gammas and the ends united (docs/CENSUS.md): their paths per chart are this many times
 * their generic roots, or fewer passes' when the first already reached as many distinct regular
 * roots as the generic system has (result.corank_passes). */
#define SGEMA_CENSUS_CORANK1_PASSES 3
/* ... where total degree backs them up (m <= 3). At m = 4 they have no total-degree fallback and
 * are solved in two charts at least, with this many passes in the first and one in each other
 * (docs/CENSUS.md, "Two charts at m = 4"). */
#define SGEMA_CENSUS_FIRST_CHART_PASSES 2
#define SGEMA_CENSUS_OTHER_CHART_PASSES 1

/* What a real solution S of the census' systems is. */
typedef enum {
  SGEMA_SOLUTION_COMPLEX,    /* not real */
  SGEMA_SOLUTION_INDEFINITE, /* real, some negative eigenvalue: no A with A^T A = S */
  SGEMA_SOLUTION_PSD,        /* real, positive semidefinite of rank k < m (k = 0: the origin) */
  SGEMA_SOLUTION_PD,         /* real, positive definite: a full-rank equilibrium (Prop. 4.5) */
  SGEMA_SOLUTION_COUNT
} sgema_solution_kind;

/* Stability of an equilibrium from the reduced spectrum (the Monte Carlo classifier's). */
typedef enum {
  SGEMA_EQUILIBRIUM_STABLE,     /* every reduced eigenvalue has real part < -zero_tol */
  SGEMA_EQUILIBRIUM_SADDLE,     /* some eigenvalue has real part > saddle_tol */
  SGEMA_EQUILIBRIUM_DEGENERATE, /* neither: zero eigenvalues beyond the symmetry orbit */
  SGEMA_EQUILIBRIUM_COUNT
} sgema_equilibrium_class;

const char *sgema_solution_kind_name(sgema_solution_kind k);         /* "complex", ..., "pd" */
const char *sgema_equilibrium_class_name(sgema_equilibrium_class c); /* "stable", ... */

/* The census' polynomial systems (docs/CENSUS.md, "The equations"). */
typedef enum {
  SGEMA_CENSUS_EQ6,     /* F(S) = 0 in the entries of a symmetric S, degree 2: the full-rank ones */
  SGEMA_CENSUS_ANYRANK, /* S F(S) + F(S) S = 0, degree 3: every rank (equivalent for PSD S) */
  SGEMA_CENSUS_RANK1, /* S = t u u^T, F(S) u = 0 with K = t R / (t P + lambda), degree 4: rank 1 */
  SGEMA_CENSUS_CORANK1, /* S v = 0, F(S) = phi v v^T (v = (1, z)), degrees 3 and 2: rank m - 1 */
  SGEMA_CENSUS_CORANK2, /* S V = 0, F(S) = V Phi V^T (V = [I_2; Z]), likewise: rank m - 2 */
  SGEMA_CENSUS_SYSTEMS
} sgema_census_system_kind;

/* How the census' systems are solved (docs/CENSUS.md, "The tracker"). */
typedef enum {
  SGEMA_CENSUS_PARAMETER,   /* parameter homotopy from a generic system's finite roots (default) */
  SGEMA_CENSUS_TOTAL_DEGREE /* every total-degree path: slower, the cross-check */
} sgema_census_homotopy;

typedef struct {
  int rank_deficient; /* 1: also solve S F(S) + F(S) S = 0 (3^(m(m+1)/2) paths) for rank < m */
  int rank_deficient_max_m; /* ... but only up to this m (the path count grows fast) */
  double real_tol;          /* a solution is real when |Im| <= real_tol (1 + |S|) */
  double eig_tol;           /* eigenvalues of S within eig_tol |S| of 0 count as zero */
  double dedup_tol; /* two solutions are the same when they differ by <= dedup_tol (1 + |S|) */
  double zero_tol;  /* reduced eigenvalues with real part in [-zero_tol, saddle_tol]: degenerate */
  sgema_classification classification; /* the Monte Carlo classifier's tolerances */
  sgema_census_homotopy homotopy;      /* how Eq. 6 is solved, and the rank-free system ... */
  int parameter_rank_free_max_m;       /* ... but by total degree above this m (docs/CENSUS.md) */
  int rank_one_system; /* 1: the rank-deficient equilibria from the rank-1 system, at m = 3, 4 also
                        * the corank-1 system and at m = 4 the corank-2 one (not the rank-free) */
  int rank_one_elimination; /* 1: ... solved by elimination to one polynomial (parameter only) */
} sgema_census_settings;

void sgema_census_settings_default(sgema_census_settings *s);

/* One real solution of the census, and for PSD / PD ones the equilibrium built from it. */
typedef struct {
  sgema_solution_kind kind;
  int rank;                                          /* numerical rank of S */
  double S[SGEMA_CENSUS_M_MAX * SGEMA_CENSUS_M_MAX]; /* m x m, row-major */
  double system_residual; /* relative residual of S F(S) = 0 after real Newton refinement */
  /* PSD / PD only: */
  double field_residual; /* |f(y)| over the size of its terms (docs/CENSUS.md); 0: origin */
  sgema_equilibrium_class cls;
  sgema_class mc_class; /* sgema_classify's class at this point (origin/stable/saddle/partial) */
  double abscissa;      /* largest real part of the reduced spectrum */
  int unstable;         /* eigenvalues of the full Jacobian with real part > saddle_tol */
  int symmetry_zeros;   /* dimension of the O(n) orbit's tangent space removed */
} sgema_census_equilibrium;

typedef struct {
  /* [system][converged, infinity, singular, failed]: Eq. 6, then the rank-deficient system (the
   * rank-free one, or at m = 2 the rank-1 one when rank_one_system is set, its charts summed) */
  long paths[2][4];
  int complex_solutions; /* Eq. 6's finite non-real solutions (distinct) */
  int eq6_real;          /* Eq. 6's real solutions (distinct) */
  int duplicates;        /* paths ending on a solution already found: path jumping */
  int conjugates_added;  /* Eq. 6's complex roots added as the conjugate of one found */
  int origin_added;      /* 1: the rank-free solve missed the origin, which was added in closed form
                          * (the rank-1 system has no root there: the origin is added without this) */
  int dropped; /* finite path ends where Newton does not converge (singular roots), both systems */
  int count[SGEMA_SOLUTION_COUNT];      /* real solutions by kind (complex: Eq. 6's count) */
  int psd_rank[SGEMA_CENSUS_M_MAX + 1]; /* real PSD / PD solutions by rank (m: PD) */
  int n_equilibria;
  const sgema_census_equilibrium *equilibria; /* PSD and PD solutions, ordered by rank then |S| */
  int n_indefinite;
  const sgema_census_equilibrium *indefinite; /* real indefinite solutions (kind and S only) */
  int reruns; /* parameter homotopy: systems tracked again with a new gamma after a path failed
               * or two converged to one regular root (paths[] holds the last attempt's) */
  long retried_paths;   /* parameter homotopy: failed paths tracked again on other gammas before a
                         * re-run (paths[] counts where they ended then) */
  long jumps_retracked; /* parameter homotopy: pairs of paths that ended on one regular root,
                         * tracked again on their arc with shorter steps ... */
  long jumps_resolved;  /* ... and of those, pairs where one then found a root the pass lacked */
  int total_degree_fallback; /* bit k set: system k (0: Eq. 6, 1: rank-deficient) still failed
                              * or jumped after the re-run and was solved by total degree */
  int charts; /* the rank-1 system's charts solved (paths[1] sums them): 1, or more when a path
               * of the first did not converge to a regular root (docs/CENSUS.md, "Rank 1") */
  int corank_charts; /* the corank-1 and corank-2 systems' charts solved (rank m - 1, m - 2) */
  /* their passes counted in paths[1], all charts: at m = 3 up to SGEMA_CENSUS_CORANK1_PASSES a
   * chart, fewer when the first passes already reached every generic root's counterpart */
  int corank_passes;
  int eliminated; /* of these, solved by elimination (rank_one_elimination): their 6 roots count
                   * as converged paths; the others were tracked */
} sgema_census_result;

typedef struct sgema_census sgema_census;

/* Workspace for data sets up to m x n (m <= SGEMA_CENSUS_M_MAX); allocated once. */
sgema_census *sgema_census_alloc(int m, int n);
void sgema_census_free(sgema_census *c);

/* The census of p (SG, or EMA with constant alpha < 1), the homotopy's randomness drawn from the
 * stream (seed, run, trial): a pure function of its inputs. The result stays valid until the next
 * call. Returns SGEMA_OK, SGEMA_EDIM, SGEMA_EINVAL (GD, a moving or unit momentum) or
 * SGEMA_ELINALG. */
int sgema_census_run(sgema_census *c, const sgema_census_settings *s, const sgema_problem *p,
                     uint64_t seed, uint32_t run, uint32_t trial, sgema_census_result *out);

/* A stop request for sgema_census_run, polled between paths, every few steps along one and
 * between the equilibria's classifications: when stop(ctx) returns nonzero the census of the data
 * set in progress is abandoned with SGEMA_EINTERRUPTED (its result is not one; a census of the same
 * data set later computes the same result as without the stop). NULL (the default) never stops. */
void sgema_census_set_stop(sgema_census *c, sgema_stop_fn stop, void *ctx);

/* The number of finite roots of the generic start system of the parameter homotopy for size m
 * and the system kind: the paths one census tracks. At the first call that needs them they are
 * taken from the roots shipped with the library (each checked by Newton on the generic system)
 * or, where none are shipped or one fails that check, solved (total degree or monodromy, fixed
 * seed) and kept in c; either way a pure function of (m, kind). Returns < 0 on a bad m or kind, or
 * no memory. */
long sgema_census_start_roots(sgema_census *c, int m, sgema_census_system_kind kind);

/* The same roots solved afresh, never the shipped ones, with quiet_loops monodromy loops without a
 * new root before a monodromy search stops (the census' own solve uses 12): how the shipped roots
 * are made (bench/sgema-start-roots). Returns their number, or < 0 as above. */
long sgema_census_solve_start_roots(sgema_census *c, int m, sgema_census_system_kind kind,
                                    int quiet_loops);

/* Root i of the start roots of (m, kind) in c, its N unknowns' real and imaginary parts into re and
 * im (SGEMA_CENSUS_M_MAX * (SGEMA_CENSUS_M_MAX + 1) / 2 + 2 SGEMA_CENSUS_M_MAX entries suffice);
 * returns N, or -1 when they are not in c or i is out of range. */
int sgema_census_start_root(const sgema_census *c, int m, sgema_census_system_kind kind, long i,
                            double *re, double *im);

/* The state y (sgema_problem_dim(p)) of an equilibrium with A^T A = S (S PSD, m x m): A = Q S^{1/2}
 * with Q = the first m columns of the n x n identity, B from Eq. 7, C = A for EMA. Eigenvalues of
 * S below 1e-12 times the largest are taken as 0 (rounding in a rank-deficient S). */
int sgema_census_equilibrium_state(sgema_census *c, const sgema_problem *p, const double *S,
                                   double *y);

/* |A^T A - S|_F / max(1, |S|_F): how far the state y (A its leading n x m block) is from the
 * equilibria of the m x m solution S (A^T A is invariant under the symmetry orbit). The one
 * measure sgema-census's counterexamples and sgema-match compare limits with. */
double sgema_census_distance(int m, int n, const double *y, const double *S);

#endif
