/* sgema-summary's model: what a results file says about each run, read in bounded memory through
 * the io layer's reader (results_read.h). */
#ifndef SGEMA_SUMMARY_H
#define SGEMA_SUMMARY_H

#include "results_read.h"
#include "sgema/census.h"
#include "sgema/classify.h"
#include "sgema/design.h"
#include "sgema/experiment.h"
#include "sgema/integrate.h"

#include <stddef.h>
#include <stdint.h>

/* Rows read per HDF5 call (the reader's RESULTS_CHUNK_ROWS). Every per-trial pass holds at most
 * this many rows of a few columns, so the streaming buffers are about 65,536 x 27 bytes (done,
 * class, sphere, sphere_agrees, end, delta, c_minus_a, a_norm) whatever the file's size. */
#define SUM_CHUNK_ROWS RESULTS_CHUNK_ROWS

#define SUM_SPHERES RESULTS_SPHERES /* none, S1, S2 */
#define SUM_ENDS SGEMA_END_COUNT    /* converged .. error */
#define SUM_VER_COLUMNS 4           /* eq6, eq7, invariant_drift, c_minus_a */

/* Verification column c's dataset name (eq6, eq7, invariant_drift, c_minus_a). */
const char *sum_ver_name(int c);

/* Wilson's score interval for k successes in n trials at the normal quantile z; n = 0 gives [0, 1].
 */
void sum_wilson(long k, long n, double z, double *lo, double *hi);
#define SUM_Z95 1.959963984540054

/* The two-sided score test of H0: p = p0 for k of n, the test whose acceptance region is exactly
 * the Wilson interval: p0 is inside the 95% interval iff the p-value is >= 0.05. */
double sum_score_p_value(long k, long n, double p0);

/* The median of x[0..n-1] (reordered in place); NaN when n = 0. */
double sum_median(double *x, size_t n);

typedef struct {
  long finite;   /* done trials with a non-NaN value */
  double median; /* NaN when finite = 0 */
  double worst;  /* largest |value| */
  uint32_t worst_trial;
} sum_column;

/* A census run's summary (summary_census.c): the data sets' counts and their stored equilibria. */
#define SUM_PD_MAX                                                                                 \
  16 /* the distribution of PD solutions per data set: 0 .. 15, then 16 or more                    \
      */
#define SUM_RANK_MAX SGEMA_CENSUS_M_MAX
typedef struct {
  long failed;             /* done data sets whose census failed (no counts) */
  long pd[SUM_PD_MAX + 1]; /* done data sets by their number of real PD solutions */
  long eq[SUM_RANK_MAX + 1][SGEMA_EQUILIBRIUM_COUNT]; /* stored equilibria by rank and class */
  long eq_total[SUM_RANK_MAX + 1];                    /* stored equilibria by rank */
  long saddle_sets;   /* data sets with a saddle of rank >= 1 among their stored equilibria */
  long overflow;      /* equilibria found but not stored (more than E in a data set) */
  long overflow_sets; /* data sets with some */
  long paths[2][4];   /* path ends, summed: [Eq. 6, rank-deficient][converged, infinity, singular,
                       * failed] */
  long dropped, duplicates;
} sum_census;

/* A grid run's cells (issue 14; summary_grid.c): its design and what the grid shows. */
typedef struct {
  int is_grid;         /* the run's design is phase or basins (the rest is then filled in) */
  sgema_design design; /* as the stored experiment resolves it */
  long cells, partial; /* cells, and those with fewer done trials than per_cell */
  long empty;          /* cells without a done trial */
  long outside;        /* done trials past the grid's */
  long majority[SGEMA_CLASS_COUNT]; /* cells whose done trials are mostly of each class (ties: the
                                     * lower class) */
} sum_grid;

typedef struct {
  char *name;
  uint32_t index, trials;
  uint32_t stream, state_dim; /* the kernel's run id and the state length N (0 when absent) */
  int m, n;
  char *alg, *time, *settings;       /* attributes as stored ("?" / "" when missing) */
  double t_max, f_tol, diverge_norm; /* settings' "integration" members; NaN when absent */
  double max_steps;                  /* a double so that "absent" is NaN too */
  double sphere_tol;                 /* the settings' classification sphere_tol; NaN when absent */
  int ema;                           /* alg is ema: C is a state of its own */
  int census; /* a census run: `trials` are data sets, done counts them, and only `cen` and
               * done are filled in */
  uint32_t max_equilibria;
  sum_census cen;
  int read; /* 1 once sum_read_run filled in the counts below */
  long done;
  long cls[SGEMA_CLASS_COUNT];
  long bad_class; /* done rows whose class is not a class name: a damaged file */
  long cls_sphere[SGEMA_CLASS_COUNT][SUM_SPHERES];
  long sphere[SUM_SPHERES];
  long delta_known, delta_nonneg;       /* m = 1 */
  long cls_delta[2][SGEMA_CLASS_COUNT]; /* [0]: Delta >= 0, [1]: Delta < 0 */
  /* The sphere check applies to converged m = 1 limits with C = A (sum_c_equals_a) or at the
   * origin (an equilibrium whatever C): of those, sphere_agrees != -1 and == 0. */
  long sphere_applicable, sphere_disagree;
  /* Converged EMA limits away from the origin with C != A: the frozen-target schedule stopped C
   * short of A, and the limit is an equilibrium off the spheres where neither the sphere check
   * nor Eq. 6 and Eq. 7 apply (docs/MODEL.md fact 4, docs/NUMERICS.md). */
  long c_ne_a;
  long end[SUM_ENDS];
  /* eq6 and eq7 over the converged limits with C = A or at the origin only (where those
   * equations describe the limit); invariant_drift and c_minus_a over every done trial. */
  sum_column ver[SUM_VER_COLUMNS];
  /* The spectrum's columns (format 3; has_spectrum 0 in older files): done trials per solver that
   * computed their spectrum (none: no spectrum computed), how many fell back from arnoldi, and
   * the largest abscissa error estimate (NaN when none is finite) with its trial. */
  int has_spectrum;
  long solver[RESULTS_SOLVERS];
  long fell_back;
  double worst_abscissa_error;
  uint32_t worst_abscissa_trial;
  sum_grid grid; /* filled by sum_grid_read; is_grid 0 otherwise */
} sum_run;

/* 1 when a limit of run r has C = A, so that the m = 1 spheres and Eq. 6 and 7 describe it: always
 * for SG and GD (no C of their own); for EMA when |C - A|_F <= sphere_tol max(1, |A|_F), i.e. C
 * within the sphere test's own relative tolerance of A (sphere_tol 1e-6 when the settings lack it).
 * Constant-alpha EMA limits meet it by orders of magnitude; frozen-target limits miss it by as
 * many. */
int sum_c_equals_a(const sum_run *r, double c_minus_a, double a_norm);

typedef struct {
  const char *path;
  long long format_version, complete, resumed;
  uint64_t seed; /* the experiment's seed (root attribute); has_seed = 0 when absent */
  int has_seed;
  char *experiment, *program_version, *start_time, *end_time;
  size_t run_count;
  sum_run *runs; /* in index order */
  /* The experiment reloaded from the stored source, for its references; NULL (and why in
   * exp_problem) when it does not load. */
  sgema_experiment *exp;
  char exp_problem[256];
  long long hid; /* the open HDF5 file (an hid_t; kept opaque so that callers need no HDF5) */
  /* The reader's view, which owns the strings and the experiment the members above point to. */
  results_file rf;
} sum_file;

/* Opens path read-only and reads the root attributes and every run's attributes, checking that
 * every attribute FORMAT.md names has its type, and that every per-trial dataset has one row per
 * trial of its run and its storage present (results_open), so that a damaged file is refused
 * here, at once, by every tool. Notes path as an input (out_note_input). On failure returns -1
 * with a one-line reason (without the file name) in err. */
int sum_open(sum_file *f, const char *path, char *err, size_t errsize);
/* Streams run i's per-trial datasets: counts and the verification columns. -1 and err on a read
 * failure, or when a done flag is neither 0 nor 1 (a damaged file). */
int sum_read_run(sum_file *f, size_t i, char *err, size_t errsize);
/* Only the counts (done, classes, spheres, Delta, ends): one streamed pass, no verification
 * medians, so memory does not grow with the run (sgema-sweep). */
int sum_count_run(sum_file *f, size_t i, char *err, size_t errsize);
void sum_close(sum_file *f);

/* A grid run's pass (phase or basins design): r->grid from its cells, streamed, in memory of the
 * grid's size. Nothing for other runs. -1 and err on a read failure. */
int sum_grid_read(sum_file *f, size_t i, char *err, size_t errsize);

/* A census run's pass (sum_read_run calls it for census runs): done and r->cen, streamed. */
int sum_census_read(sum_file *f, size_t i, char *err, size_t errsize);

/* Run i's references (NULL and 0 when the experiment did not reload or has no such run). */
const sgema_reference *sum_references(const sum_file *f, size_t i, size_t *count);

/* Trials counted by a reference: of class cls, and on the sphere when it names one. */
long sum_reference_count(const sum_run *r, const sgema_reference *ref);

#endif
