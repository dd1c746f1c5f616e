/* sgema-summary's model: what a results file says about each run, read in bounded memory. */
#ifndef SGEMA_SUMMARY_H
#define SGEMA_SUMMARY_H

#include "sgema/classify.h"
#include "sgema/experiment.h"
#include "sgema/integrate.h"

#include <stddef.h>
#include <stdint.h>

/* Rows read per HDF5 call. Every per-trial pass holds at most this many rows of a few columns, so
 * the streaming buffers are about 65,536 x 27 bytes (done, class, sphere, sphere_agrees, end,
 * delta, c_minus_a, a_norm) whatever the file's size. */
#define SUM_CHUNK_ROWS 65536

#define SUM_SPHERES 3            /* none, S1, S2 */
#define SUM_ENDS SGEMA_END_COUNT /* converged .. error */
#define SUM_VER_COLUMNS 4        /* eq6, eq7, invariant_drift, c_minus_a */

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
  int read;                          /* 1 once sum_read_run filled in the counts below */
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
} sum_file;

/* Rows [r0, r0 + len) of a per-trial dataset (an hid_t), every value of each row, into buf as
 * mtype (an hid_t); -1 unless the dataset's rows hold exactly `width` values. */
int sum_read_rows(long long dataset, long long mtype, uint64_t r0, size_t len, size_t width,
                  void *buf);
/* A numeric attribute of loc (an hid_t) read as mtype into v; -1 when absent, unreadable, not of
 * mtype's class (integer, float) or not a single value. */
int sum_attr_read(long long loc, const char *name, long long mtype, void *v);

/* Formats a one-line reason into err (size bytes) and returns -1: the readers' error convention. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int sum_errorf(char *err, size_t size, const char *fmt, ...);

/* Opens path read-only and reads the root attributes and every run's attributes, checking that
 * every attribute FORMAT.md names has its type, and that every per-trial dataset has one row per
 * trial of its run and its storage present (sum_check_storage), so that a damaged file is refused
 * here, at once, by every tool. Notes path as an input (out_note_input). On failure returns -1
 * with a one-line reason (without the file name) in err. */
int sum_open(sum_file *f, const char *path, char *err, size_t errsize);
/* -1 and "damaged/inconsistent file: PATH claims N values (B bytes) but stores only S bytes"
 * when dataset (an hid_t; path for the message) has less storage than its shape needs: a file
 * whose shapes claim more rows than it holds (sgema-run allocates all storage at creation). */
int sum_check_storage(long long dataset, const char *path, char *err, size_t errsize);

/* Streams run i's per-trial datasets: counts and the verification columns. -1 and err on a read
 * failure, or when a done flag is neither 0 nor 1 (a damaged file). */
int sum_read_run(sum_file *f, size_t i, char *err, size_t errsize);
/* Only the counts (done, classes, spheres, Delta, ends): one streamed pass, no verification
 * medians, so memory does not grow with the run (sgema-sweep). */
int sum_count_run(sum_file *f, size_t i, char *err, size_t errsize);
void sum_close(sum_file *f);

/* Run i's references (NULL and 0 when the experiment did not reload or has no such run). */
const sgema_reference *sum_references(const sum_file *f, size_t i, size_t *count);

/* Trials counted by a reference: of class cls, and on the sphere when it names one. */
long sum_reference_count(const sum_run *r, const sgema_reference *ref);

/* ---- HDF5 helpers shared by the other readers (sgema-export). Handles are hid_t values passed
 * as long long, so that this header needs no HDF5. ---- */

/* A string attribute of an object as a malloc'd copy; NULL when absent or not a string. */
char *sum_attr_str(long long loc, const char *name);
/* An integer attribute (any integer type); -1 when absent or unreadable. */
int sum_attr_ll(long long loc, const char *name, long long *v);
/* An enum dataset's file values mapped by name to the indices 0..count-1 of name_of (255: not one
 * of them); *mtype gets the memory type to read it with (close it with H5Tclose). -1 when the
 * dataset is not a one-byte enum. */
int sum_enum_map(long long ds, int count, const char *(*name_of)(int), uint8_t map[256],
                 long long *mtype);
const char *sum_class_name_i(int i);
const char *sum_sphere_name_i(int i);
const char *sum_end_name_i(int i);

#endif
