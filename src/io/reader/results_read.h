/* The serial reader of a results file (docs/FORMAT.md), shared by the analysis tools: opens a file
 * read-only, checks every attribute's type and every per-trial dataset's rows and storage (so that
 * a damaged file is refused at once), and reads rows and attributes. Serial HDF5: no MPI needed.
 * HDF5 handles travel as long long, so that callers need no HDF5 header. */
#ifndef SGEMA_RESULTS_READ_H
#define SGEMA_RESULTS_READ_H

#include "sgema/classify.h"
#include "sgema/experiment.h"
#include "sgema/integrate.h"

#include <stddef.h>
#include <stdint.h>

#define RESULTS_SPHERES 3 /* none, S1, S2 */
#define RESULTS_SOLVERS 4 /* spectrum_solver: none, dense, lapack, arnoldi */

/* Rows read per HDF5 call of a per-trial stream: every pass holds at most this many rows of a few
 * columns, so its buffers stay bounded whatever the file's size. */
#define RESULTS_CHUNK_ROWS 65536

/* What the file says about one run (its group's attributes). */
typedef struct {
  char *name;
  uint32_t index, trials;
  uint32_t stream, state_dim; /* the kernel's run id and the state length N (0 when absent) */
  int m, n;
  char *alg, *time, *settings;       /* attributes as stored (NULL when missing) */
  double t_max, f_tol, diverge_norm; /* settings' "integration" members; NaN when absent */
  double max_steps;                  /* a double so that "absent" is NaN too */
  double sphere_tol;                 /* the settings' classification sphere_tol; NaN when absent */
  int ema;                           /* alg is ema: C is a state of its own */
  int census;              /* a census run (run attribute kind = census): no outputs, equilibria */
  uint32_t max_equilibria; /* a census run's E, equilibria stored per data set (0 when absent) */
} results_run;

typedef struct {
  const char *path;
  long long format_version, complete, resumed;
  uint64_t seed; /* the experiment's seed (root attribute); has_seed = 0 when absent */
  int has_seed;
  char *experiment, *program_version, *start_time, *end_time;
  size_t run_count;
  results_run *runs; /* in index order */
  /* The experiment reloaded from the stored source, for its references; NULL (and why in
   * exp_problem) when it does not load. */
  sgema_experiment *exp;
  char exp_problem[256];
  long long hid; /* the open HDF5 file (an hid_t) */
} results_file;

/* Opens path read-only and reads the root attributes and every run's attributes, checking that
 * every attribute FORMAT.md names has its type, and that every per-trial dataset has one row per
 * trial of its run and its storage present (results_check_storage). note_input (when not NULL) is
 * called with path once it is found to exist. On failure returns -1 with a one-line reason
 * (without the file name) in err; results_close must be called either way. */
int results_open(results_file *f, const char *path, void (*note_input)(const char *), char *err,
                 size_t errsize);
void results_close(results_file *f);

/* -1 and "damaged/inconsistent file: PATH claims N values (B bytes) but stores only S bytes"
 * when dataset (an hid_t; path for the message) has less storage than its shape needs: a file
 * whose shapes claim more rows than it holds (sgema-run allocates all storage at creation). */
int results_check_storage(long long dataset, const char *path, char *err, size_t errsize);

/* The first row of the chunked dataset (an hid_t) whose chunk the file's index does not hold, or
 * -1 (also for an unchunked dataset). sgema-run allocates every chunk when it creates or extends a
 * dataset, so a missing one is damage that the byte count alone does not show: seen, one flipped
 * byte in a chunk's recorded offset moved rows 0-39 out of the extent, and they read as fill
 * values. results_check_storage checks it; so does sgema-run --resume. */
long long results_missing_chunk_row(long long dataset);

/* Rows [r0, r0 + len) of a per-trial dataset (an hid_t), every value of each row, into buf as
 * mtype (an hid_t); -1 unless the dataset's rows hold exactly `width` values. */
int results_read_rows(long long dataset, long long mtype, uint64_t r0, size_t len, size_t width,
                      void *buf);
/* A numeric attribute of loc (an hid_t) read as mtype into v; -1 when absent, unreadable, not of
 * mtype's class (integer, float) or not a single value. */
int results_attr_read(long long loc, const char *name, long long mtype, void *v);
/* A string attribute of an object as a malloc'd copy; NULL when absent or not a string. */
char *results_attr_str(long long loc, const char *name);
/* An integer attribute (any integer type); -1 when absent or unreadable. */
int results_attr_ll(long long loc, const char *name, long long *v);
/* An enum dataset's file values mapped by name to the indices 0..count-1 of name_of (255: not one
 * of them); *mtype gets the memory type to read it with (close it with H5Tclose). -1 when the
 * dataset is not a one-byte enum. */
int results_enum_map(long long ds, int count, const char *(*name_of)(int), uint8_t map[256],
                     long long *mtype);
const char *results_class_name_i(int i);
const char *results_sphere_name_i(int i);
const char *results_end_name_i(int i);
const char *results_solver_name_i(int i);
const char *results_eqclass_name_i(int i); /* a census run's equilibrium classes */

/* ---- handles (results_access.c) ---- */

/* The memory types rows are read as (an hid_t). */
typedef enum {
  RESULTS_MEM_U8,
  RESULTS_MEM_I8,
  RESULTS_MEM_F64,
  RESULTS_MEM_I32,
  RESULTS_MEM_I64
} results_mem;
long long results_mem_type(results_mem m);
/* The group of run `run` (/runs/<run>); -1 when it cannot be opened. */
long long results_group_open(const results_file *f, const char *run);
/* The dataset at path below loc (a group); with no_cache, without a chunk cache (for reads that
 * cover whole blocks of rows, where a cache would only add to memory). -1 when missing. */
long long results_dataset_open(long long loc, const char *path, int no_cache);
/* A dataset's rank (-1 when its shape cannot be read) and, for ranks 1 to 3, its dimensions. */
int results_dataset_dims(long long ds, uint64_t dims[3]);
/* Closes a group, dataset or type handle; nothing for -1. */
void results_handle_close(long long h);

/* Formats a one-line reason into err (size bytes) and returns -1: the readers' error convention. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int results_errorf(char *err, size_t size, const char *fmt, ...);

#endif
