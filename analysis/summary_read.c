/* sgema-summary's reader: every HDF5 call of the tool, serial HDF5 on a (parallel-written) file. */
#define _POSIX_C_SOURCE 200809L
#include "summary.h"

#include "out_file.h"
#include "results_format.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The verification columns sgema-summary reports, in its order. */
static const rf_col ver_cols[SUM_VER_COLUMNS] = {RF_COL_EQ6, RF_COL_EQ7, RF_COL_INVARIANT_DRIFT,
                                                 RF_COL_C_MINUS_A};

const char *sum_ver_name(int c) {
  return rf_column_info(ver_cols[c])->name;
}

int sum_errorf(char *err, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, size, fmt, ap);
  va_end(ap);
  return -1;
}

/* hid_t travels through summary.h as a long long. */
_Static_assert(sizeof(hid_t) <= sizeof(long long), "hid_t fits in a long long");

/* HDF5 1.10 trusts the lengths stored in a file's global heap: in a damaged file, reading a
 * variable-length string can copy out of bounds and fault inside the library (SIGSEGV in
 * H5HG_read, found by tests/test_damaged.sh). A fault during that one call is caught, so the tool
 * reports a damaged file instead of dying; only the library call runs under the handler. */
static sigjmp_buf vlen_fault_jump;
static volatile sig_atomic_t vlen_faulted;
static void on_vlen_fault(int sig) {
  siglongjmp(vlen_fault_jump, sig);
}
/* After such a fault the library's state cannot be trusted: its own exit handler (registered
 * before this one, so run after it) would fault again. The tool has reported the damaged file and
 * is failing; it ends here with status 1, its output flushed. */
static void exit_past_hdf5(void) {
  fflush(NULL);
  _exit(1);
}
static herr_t guarded_vlen_read(hid_t a, hid_t mt, char **v) {
  struct sigaction sa, old_segv, old_bus;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_vlen_fault;
  sigaction(SIGSEGV, &sa, &old_segv);
  sigaction(SIGBUS, &sa, &old_bus);
  volatile herr_t st = -1;
  if (sigsetjmp(vlen_fault_jump, 1) == 0)
    st = H5Aread(a, mt, v);
  else {
    if (!vlen_faulted)
      atexit(exit_past_hdf5);
    vlen_faulted = 1;
    *v = NULL;
  }
  sigaction(SIGSEGV, &old_segv, NULL);
  sigaction(SIGBUS, &old_bus, NULL);
  return st;
}

/* The number of values attribute a holds (-1 when its dataspace cannot be read): every reader
 * below reads exactly one, so that an array stored in its place cannot overrun the buffer. */
static hssize_t attr_points(hid_t a) {
  hid_t sp = H5Aget_space(a);
  hssize_t n = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
  if (sp >= 0)
    H5Sclose(sp);
  return n;
}

/* A string attribute as a malloc'd copy; NULL when absent or not a string. Both fixed and
 * variable-length strings are accepted, so a file rewritten by another tool still reads. */
static char *attr_str(hid_t loc, const char *name) {
  if (H5Aexists(loc, name) <= 0)
    return NULL;
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
  if (a < 0)
    return NULL;
  hid_t ft = H5Aget_type(a);
  char *out = NULL;
  if (ft >= 0 && H5Tget_class(ft) == H5T_STRING && attr_points(a) == 1) {
    hid_t mt = H5Tcopy(H5T_C_S1);
    /* HDF5 converts between strings of the same character set only. */
    H5Tset_cset(mt, H5Tget_cset(ft));
    if (H5Tis_variable_str(ft) > 0) {
      char *v = NULL;
      H5Tset_size(mt, H5T_VARIABLE);
      if (guarded_vlen_read(a, mt, &v) >= 0 && v) {
        out = strdup(v);
        H5free_memory(v);
      }
    } else {
      size_t len = H5Tget_size(ft);
      H5Tset_size(mt, len + 1);
      out = calloc(len + 2, 1);
      if (out && H5Aread(a, mt, out) < 0) {
        free(out);
        out = NULL;
      }
    }
    H5Tclose(mt);
  }
  if (ft >= 0)
    H5Tclose(ft);
  H5Aclose(a);
  return out;
}

/* Attribute name read as one value of memory type mtype, when the stored value is one value of
 * class want; -1 when absent, not of that class, or unreadable. */
static int attr_read_one(hid_t loc, const char *name, H5T_class_t want, hid_t mtype, void *v) {
  if (H5Aexists(loc, name) <= 0)
    return -1;
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
  if (a < 0)
    return -1;
  hid_t ft = H5Aget_type(a);
  int st = ft >= 0 && H5Tget_class(ft) == want && attr_points(a) == 1 && H5Aread(a, mtype, v) >= 0
               ? 0
               : -1;
  if (ft >= 0)
    H5Tclose(ft);
  H5Aclose(a);
  return st;
}

/* An integer attribute (HDF5 converts any integer type); -1 when absent or unreadable. */
static int attr_ll(hid_t loc, const char *name, long long *v) {
  return attr_read_one(loc, name, H5T_INTEGER, H5T_NATIVE_LLONG, v);
}

/* What makes attribute name of loc unusable as one value of class want, as "is the string \"2\",
 * not an integer"; NULL when it is absent (the caller's concern) or fine. */
static const char *attr_problem(hid_t loc, const char *name, H5T_class_t want, char *buf,
                                size_t size) {
  if (H5Aexists(loc, name) <= 0)
    return NULL;
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
  if (a < 0) {
    snprintf(buf, size, "cannot be opened");
    return buf;
  }
  hid_t ft = H5Aget_type(a);
  H5T_class_t cls = ft >= 0 ? H5Tget_class(ft) : H5T_NO_CLASS;
  hssize_t n = attr_points(a);
  const char *wanted = want == H5T_INTEGER ? "an integer" : "a string";
  const char *problem = buf;
  if (cls == want && n == 1) {
    problem = NULL;
  } else if (n != 1) {
    snprintf(buf, size, "holds %lld values, not one", (long long)n);
  } else if (cls == H5T_STRING) {
    char *text = attr_str(loc, name);
    snprintf(buf, size, "is the string \"%.40s\", not %s", text ? text : "?", wanted);
    free(text);
  } else {
    snprintf(buf, size, "is %s, not %s",
             cls == H5T_INTEGER ? "an integer"
             : cls == H5T_FLOAT ? "a floating-point number"
             : cls == H5T_ENUM  ? "an enum"
                                : "of another type",
             wanted);
  }
  if (ft >= 0)
    H5Tclose(ft);
  H5Aclose(a);
  return problem;
}

/* The attributes docs/FORMAT.md gives the root and each run that every tool relies on, checked in
 * this order: one present with the wrong type or shape is a damaged (or hand-edited) file, and is
 * said to be. */
static const rf_root_attr root_attrs[] = {RF_ROOT_FORMAT_VERSION, RF_ROOT_SEED,
                                          RF_ROOT_COMPLETE,       RF_ROOT_RESUMED,
                                          RF_ROOT_EXPERIMENT,     RF_ROOT_PROGRAM_VERSION,
                                          RF_ROOT_START_TIME,     RF_ROOT_END_TIME,
                                          RF_ROOT_SOURCE,         RF_ROOT_RESOLVED};
static const rf_run_attr run_attrs[] = {
    RF_RUN_INDEX,     RF_RUN_TRIALS,       RF_RUN_M,   RF_RUN_N,    RF_RUN_STREAM,
    RF_RUN_STATE_DIM, RF_RUN_TRAJECTORIES, RF_RUN_ALG, RF_RUN_TIME, RF_RUN_SETTINGS};
#define COUNT_OF(a) (sizeof(a) / sizeof(a)[0])

/* -1 and a reason naming attribute a (of `where`) when it is of the wrong kind. */
static int check_attr(hid_t loc, const char *where, const rf_attr *a, char *err, size_t errsize) {
  char why[160];
  H5T_class_t cls = a->type == RF_ATTR_STR ? H5T_STRING : H5T_INTEGER;
  const char *p = attr_problem(loc, a->name, cls, why, sizeof why);
  if (p)
    return sum_errorf(err, errsize, "damaged or edited file: attribute %s of %s %s", a->name, where,
                      p);
  return 0;
}

/* check_attr of every root attribute in root_attrs. */
static int check_root_attrs(hid_t file, char *err, size_t errsize) {
  for (size_t i = 0; i < COUNT_OF(root_attrs); i++)
    if (check_attr(file, "the file", rf_root_attr_info(root_attrs[i]), err, errsize) != 0)
      return -1;
  return 0;
}

/* check_attr of every run attribute in run_attrs. */
static int check_run_attrs(hid_t g, const char *where, char *err, size_t errsize) {
  for (size_t i = 0; i < COUNT_OF(run_attrs); i++)
    if (check_attr(g, where, rf_run_attr_info(run_attrs[i]), err, errsize) != 0)
      return -1;
  return 0;
}

char *sum_attr_str(long long loc, const char *name) {
  return attr_str((hid_t)loc, name);
}

int sum_attr_ll(long long loc, const char *name, long long *v) {
  return attr_ll((hid_t)loc, name, v);
}

int sum_attr_read(long long loc, const char *name, long long mtype, void *v) {
  return attr_read_one((hid_t)loc, name, H5Tget_class((hid_t)mtype), (hid_t)mtype, v);
}

/* The number after "key": in the settings' object "section" (integration, classification); NaN
 * when absent. The settings are one line of JSON written by our own printer, with no nested object
 * inside those sections, so a search bounded by the section's closing brace is a complete parse of
 * what we need. */
static double settings_number(const char *json, const char *section, const char *key) {
  char head[64];
  snprintf(head, sizeof head, "\"%s\":{", section);
  const char *sec = json ? strstr(json, head) : NULL;
  if (!sec)
    return NAN;
  const char *end = strchr(sec, '}');
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *p = strstr(sec, pat);
  if (!p || !end || p > end)
    return NAN;
  /* The printer writes non-finite numbers as null; the only one allowed is diverge_norm = inf. */
  if (strncmp(p + strlen(pat), "null", 4) == 0)
    return INFINITY;
  char *stop;
  double v = strtod(p + strlen(pat), &stop);
  return stop == p + strlen(pat) ? NAN : v;
}

typedef struct {
  char *name;
  long long index;
} name_index;

static herr_t collect(hid_t g, const char *name, const H5L_info_t *info, void *data) {
  (void)g;
  (void)info;
  name_index **list = data;
  size_t n = 0;
  while ((*list)[n].name)
    n++;
  name_index *grown = realloc(*list, (n + 2) * sizeof **list);
  if (!grown)
    return -1;
  *list = grown;
  grown[n].name = strdup(name);
  grown[n].index = -1;
  grown[n + 1].name = NULL;
  return grown[n].name ? 0 : -1;
}

static int by_index(const void *a, const void *b) {
  const name_index *x = a, *y = b;
  return x->index < y->index ? -1 : x->index > y->index;
}

static int read_run_attrs(hid_t file, sum_run *r, char *err, size_t errsize) {
  char path[512];
  snprintf(path, sizeof path, RF_RUNS_PATH "/%s", r->name);
  hid_t g = H5Gopen2(file, path, H5P_DEFAULT);
  if (g < 0)
    return sum_errorf(err, errsize, "cannot open group %s", path);
  long long trials = -1, m = -1, n = -1, stream = 0, state_dim = 0;
  int ok = attr_ll(g, RF_RUN(TRIALS), &trials) == 0 && trials >= 1 && trials <= UINT32_MAX &&
           attr_ll(g, RF_RUN(M), &m) == 0 && attr_ll(g, RF_RUN(N), &n) == 0;
  r->trials = ok ? (uint32_t)trials : 0;
  attr_ll(g, RF_RUN(STREAM), &stream);
  attr_ll(g, RF_RUN(STATE_DIM), &state_dim);
  r->stream = stream >= 0 && stream <= UINT32_MAX ? (uint32_t)stream : 0;
  r->state_dim = state_dim >= 0 && state_dim <= UINT32_MAX ? (uint32_t)state_dim : 0;
  r->m = (int)m;
  r->n = (int)n;
  r->alg = attr_str(g, RF_RUN(ALG));
  r->time = attr_str(g, RF_RUN(TIME));
  r->settings = attr_str(g, RF_RUN(SETTINGS));
  H5Gclose(g);
  if (!ok)
    return sum_errorf(err, errsize, "%s: missing or bad attributes trials, m, n", path);
  r->t_max = settings_number(r->settings, "integration", "t_max");
  r->max_steps = settings_number(r->settings, "integration", "max_steps");
  r->f_tol = settings_number(r->settings, "integration", "f_tol");
  r->diverge_norm = settings_number(r->settings, "integration", "diverge_norm");
  r->sphere_tol = settings_number(r->settings, "classification", "sphere_tol");
  r->ema = r->alg && strcmp(r->alg, "ema") == 0;
  return 0;
}

int sum_check_storage(long long dataset, const char *path, char *err, size_t errsize) {
  hid_t ds = (hid_t)dataset, sp = H5Dget_space(ds), ft = H5Dget_type(ds),
        dcpl = H5Dget_create_plist(ds);
  hsize_t dims[H5S_MAX_RANK];
  int nd = sp >= 0 ? H5Sget_simple_extent_dims(sp, dims, NULL) : -1;
  hssize_t points = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
  size_t size = ft >= 0 ? H5Tget_size(ft) : 0;
  int fixed = ft >= 0 && H5Tget_class(ft) != H5T_VLEN && H5Tis_variable_str(ft) == 0;
  int filtered = dcpl >= 0 && H5Pget_nfilters(dcpl) > 0;
  hsize_t stored = H5Dget_storage_size(ds);
  if (sp >= 0)
    H5Sclose(sp);
  if (ft >= 0)
    H5Tclose(ft);
  if (dcpl >= 0)
    H5Pclose(dcpl);
  if (nd < 0 || points < 0 || size == 0)
    return sum_errorf(err, errsize, "damaged file: %s: its shape or type cannot be read", path);
  /* In long double: a damaged shape's byte count can exceed 2^64. */
  long double claimed = (long double)points * (long double)size;
  /* sgema-run allocates every dataset's storage when it creates it, unfiltered (docs/FORMAT.md):
   * storage short of the shape is a file whose shapes claim more than it holds, and reading it
   * would stream fill values for as long as the claim. A filtered dataset's storage is smaller
   * than its shape by design, but never absent. */
  if (fixed && (filtered ? claimed > 0 && stored == 0 : (long double)stored < claimed))
    return sum_errorf(err, errsize,
                      "damaged/inconsistent file: %s claims %llu rows (%.0Lf bytes) but stores "
                      "only %llu bytes",
                      path, nd > 0 ? (unsigned long long)dims[0] : 1ULL, claimed,
                      (unsigned long long)stored);
  return 0;
}

/* A per-trial dataset of run r: one row per trial, its storage present. */
static int check_rows(hid_t ds, const char *path, const sum_run *r, char *err, size_t errsize) {
  hid_t sp = H5Dget_space(ds);
  hsize_t dims[H5S_MAX_RANK];
  int nd = sp >= 0 ? H5Sget_simple_extent_dims(sp, dims, NULL) : -1;
  if (sp >= 0)
    H5Sclose(sp);
  if (nd < 1)
    return sum_errorf(err, errsize, "damaged/inconsistent file: %s is not one row per trial", path);
  if (dims[0] != r->trials)
    return sum_errorf(err, errsize,
                      "damaged/inconsistent file: %s claims %llu rows, run %s has %u trials", path,
                      (unsigned long long)dims[0], r->name, r->trials);
  return sum_check_storage(ds, path, err, errsize);
}

typedef struct {
  const sum_run *r;
  const char *group;
  char *err;
  size_t errsize;
} rows_visit;

static herr_t check_member(hid_t g, const char *name, const H5L_info_t *info, void *data) {
  (void)info;
  rows_visit *v = data;
  char path[768];
  snprintf(path, sizeof path, RF_RUNS_PATH "/%s/%s/%s", v->r->name, v->group, name);
  hid_t obj = H5Oopen(g, name, H5P_DEFAULT);
  if (obj < 0)
    return sum_errorf(v->err, v->errsize, "damaged file: %s cannot be opened", path);
  int st = H5Iget_type(obj) == H5I_DATASET ? check_rows(obj, path, v->r, v->err, v->errsize) : 0;
  H5Oclose(obj);
  return st;
}

/* Every per-trial dataset of run r (done and the members of inputs, outputs and verification)
 * has the run's trial count of rows and its storage present: checked when the file is opened, so
 * that a file whose shapes claim billions of rows is refused at once, by every tool. Datasets
 * that are missing are left to the readers, which name them. */
static int check_run_rows(hid_t file, const sum_run *r, char *err, size_t errsize) {
  char path[600];
  snprintf(path, sizeof path, RF_RUNS_PATH "/%s/" RF_DONE, r->name);
  int st = 0;
  if (H5Lexists(file, path, H5P_DEFAULT) > 0) {
    hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
    st = ds >= 0 ? check_rows(ds, path, r, err, errsize)
                 : sum_errorf(err, errsize, "damaged file: %s cannot be opened", path);
    if (ds >= 0)
      H5Dclose(ds);
  }
  for (int i = 0; st == 0 && i < RF_SEC_COUNT; i++) {
    snprintf(path, sizeof path, RF_RUNS_PATH "/%s/%s", r->name, rf_section_name((rf_section)i));
    if (H5Lexists(file, path, H5P_DEFAULT) <= 0)
      continue;
    hid_t g = H5Gopen2(file, path, H5P_DEFAULT);
    if (g < 0)
      continue;
    rows_visit v = {r, rf_section_name((rf_section)i), err, errsize};
    hsize_t idx = 0;
    err[0] = '\0';
    if (H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, check_member, &v) != 0)
      st = err[0] ? -1 : sum_errorf(err, errsize, "damaged file: cannot list %s", path);
    H5Gclose(g);
  }
  return st;
}

int sum_open(sum_file *f, const char *path, char *err, size_t errsize) {
  memset(f, 0, sizeof *f);
  f->path = path;
  f->hid = -1;
  f->complete = f->resumed = -1;
  /* The tool reports problems itself, in one line; HDF5's stack traces would bury it. */
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  FILE *probe = fopen(path, "rb");
  if (!probe)
    return sum_errorf(err, errsize, "cannot open: %s", strerror(errno));
  fclose(probe);
  out_note_input(path); /* no output of this process may replace it */
  if (H5Fis_hdf5(path) <= 0)
    return sum_errorf(err, errsize, "not an HDF5 file (or truncated before its superblock)");
  /* The default (sec2) driver reads a file written through MPI-IO: the format is the same, and a
   * reader needs neither MPI_Init nor a communicator. */
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0)
    return sum_errorf(err, errsize, "cannot open as HDF5 (truncated or damaged file)");
  f->hid = file;
  if (H5Aexists(file, RF_ROOT(FORMAT_VERSION)) <= 0)
    return sum_errorf(err, errsize, "not an sgema results file (no format_version attribute)");
  if (check_root_attrs(file, err, errsize) != 0 ||
      attr_ll(file, RF_ROOT(FORMAT_VERSION), &f->format_version) != 0)
    return -1;
  if (f->format_version < RF_FORMAT_OLDEST || f->format_version > RF_FORMAT_VERSION)
    return sum_errorf(err, errsize, "format_version %lld, but this tool reads versions %d to %d",
                      f->format_version, RF_FORMAT_OLDEST, RF_FORMAT_VERSION);
  /* The seed is a uint64: read as such, not through a long long that would wrap above 2^63. */
  f->has_seed = sum_attr_read(file, RF_ROOT(SEED), H5T_NATIVE_UINT64, &f->seed) == 0;
  attr_ll(file, RF_ROOT(COMPLETE), &f->complete);
  attr_ll(file, RF_ROOT(RESUMED), &f->resumed);
  f->experiment = attr_str(file, RF_ROOT(EXPERIMENT));
  f->program_version = attr_str(file, RF_ROOT(PROGRAM_VERSION));
  f->start_time = attr_str(file, RF_ROOT(START_TIME));
  f->end_time = attr_str(file, RF_ROOT(END_TIME));
  if (vlen_faulted)
    return sum_errorf(err, errsize, "damaged file (its strings cannot be read)");

  hid_t runs = H5Gopen2(file, RF_RUNS_PATH, H5P_DEFAULT);
  if (runs < 0)
    return sum_errorf(err, errsize, "no " RF_RUNS_PATH " group (truncated or damaged file)");
  name_index *list = calloc(1, sizeof *list);
  hsize_t idx = 0;
  int st = list ? H5Literate(runs, H5_INDEX_NAME, H5_ITER_INC, &idx, collect, &list) : -1;
  size_t count = 0;
  while (list && list[count].name)
    count++;
  char where[600];
  for (size_t i = 0; st >= 0 && i < count; i++) {
    hid_t g = H5Gopen2(runs, list[i].name, H5P_DEFAULT);
    snprintf(where, sizeof where, RF_RUNS_PATH "/%s", list[i].name);
    if (g >= 0 && check_run_attrs(g, where, err, errsize) != 0)
      st = -2; /* err says what */
    else if (g < 0 || attr_ll(g, RF_RUN(INDEX), &list[i].index) != 0)
      st = -1;
    if (g >= 0)
      H5Gclose(g);
  }
  H5Gclose(runs);
  if (st < 0 || count == 0) {
    for (size_t i = 0; list && i < count; i++)
      free(list[i].name);
    free(list);
    return st == -2
               ? -1
               : sum_errorf(err, errsize,
                            count == 0 && st >= 0 ? "no runs in " RF_RUNS_PATH
                                                  : "cannot list " RF_RUNS_PATH " (damaged file)");
  }
  qsort(list, count, sizeof *list, by_index);
  f->runs = calloc(count, sizeof *f->runs);
  if (!f->runs) {
    for (size_t i = 0; i < count; i++)
      free(list[i].name);
    free(list);
    return sum_errorf(err, errsize, "out of memory");
  }
  f->run_count = count;
  for (size_t i = 0; i < count; i++) {
    f->runs[i].name = list[i].name; /* ownership moves to the run */
    f->runs[i].index = (uint32_t)list[i].index;
  }
  free(list);
  for (size_t i = 0; i < count; i++)
    if (read_run_attrs(file, &f->runs[i], err, errsize) != 0 ||
        check_run_rows(file, &f->runs[i], err, errsize) != 0)
      return -1;

  /* References live only in the experiment file, stored verbatim in `source`; the library that
   * wrote them reads them back, so their meaning cannot drift from the runner's. */
  char *source = attr_str(file, RF_ROOT(SOURCE));
  if (!source) {
    snprintf(f->exp_problem, sizeof f->exp_problem, "no source attribute");
  } else {
    sgema_diagnostics *d = sgema_diagnostics_alloc();
    f->exp = sgema_experiment_load_string(RF_ROOT(SOURCE), source, strlen(source), d);
    if (!f->exp) {
      const sgema_diagnostic *first = d ? sgema_diagnostics_get(d, 0) : NULL;
      if (first)
        sgema_diagnostic_format(first, f->exp_problem, sizeof f->exp_problem);
      else
        snprintf(f->exp_problem, sizeof f->exp_problem, "the stored experiment does not load");
    }
    sgema_diagnostics_free(d);
    free(source);
  }
  if (vlen_faulted)
    return sum_errorf(err, errsize, "damaged file (its strings cannot be read)");
  return 0;
}

/* An enum dataset's file values mapped to our indices by name (255: not one of names), so that the
 * counts do not rest on the numbering, only on the names docs/FORMAT.md promises. */
static int enum_map(hid_t ds, int count, const char *(*name_of)(int), uint8_t map[256],
                    hid_t *mtype) {
  *mtype = -1;
  hid_t ft = H5Dget_type(ds);
  if (ft < 0)
    return -1;
  int ok = H5Tget_class(ft) == H5T_ENUM && H5Tget_size(ft) == 1;
  *mtype = ok ? H5Tget_native_type(ft, H5T_DIR_ASCEND) : -1;
  H5Tclose(ft);
  if (*mtype < 0)
    return -1;
  memset(map, 255, 256);
  for (int i = 0; i < count; i++) {
    uint8_t v;
    if (H5Tenum_valueof(*mtype, name_of(i), &v) >= 0)
      map[v] = (uint8_t)i;
  }
  return 0;
}

int sum_enum_map(long long ds, int count, const char *(*name_of)(int), uint8_t map[256],
                 long long *mtype) {
  hid_t mt = -1;
  int st = enum_map((hid_t)ds, count, name_of, map, &mt);
  *mtype = mt;
  return st;
}

const char *sum_class_name_i(int i) {
  return sgema_class_name((sgema_class)i);
}
const char *sum_sphere_name_i(int i) {
  return sgema_sphere_name((sgema_sphere)i);
}
const char *sum_end_name_i(int i) {
  return sgema_end_name((sgema_end)i);
}

int sum_read_rows(long long dataset, long long mtype, uint64_t r0, size_t len, size_t width,
                  void *buf) {
  hid_t ds = (hid_t)dataset;
  hid_t fs = H5Dget_space(ds);
  if (fs < 0)
    return -1;
  hsize_t start[3] = {r0, 0, 0}, count[3] = {len, 1, 1};
  int nd = H5Sget_simple_extent_ndims(fs);
  if (nd > 1 && nd <= 3)
    H5Sget_simple_extent_dims(fs, count, NULL);
  count[0] = len;
  /* The rows must be as wide as the caller's buffer expects, whatever the file says. */
  int ok = nd >= 1 && nd <= 3 && count[1] * count[2] == width;
  hsize_t mcount = (hsize_t)len * width;
  hid_t ms = ok ? H5Screate_simple(1, &mcount, NULL) : -1;
  ok = ok && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
       H5Dread(ds, (hid_t)mtype, ms, fs, H5P_DEFAULT, buf) >= 0;
  if (ms >= 0)
    H5Sclose(ms);
  H5Sclose(fs);
  return ok ? 0 : -1;
}

/* One column's rows [r0, r0 + len) into buf, read as mtype. */
static int read_rows(hid_t ds, hid_t mtype, hsize_t r0, hsize_t len, void *buf) {
  return sum_read_rows(ds, mtype, r0, len, 1, buf);
}

/* A per-trial dataset of the run: it must be one-dimensional with one row per trial. */
static hid_t open_column(hid_t g, const char *name, uint32_t trials) {
  hid_t ds = H5Dopen2(g, name, H5P_DEFAULT);
  if (ds < 0)
    return -1;
  hid_t sp = H5Dget_space(ds);
  hsize_t dims[2] = {0, 0};
  int ok = sp >= 0 && H5Sget_simple_extent_ndims(sp) == 1 &&
           H5Sget_simple_extent_dims(sp, dims, NULL) == 1 && dims[0] == trials;
  if (sp >= 0)
    H5Sclose(sp);
  if (!ok) {
    H5Dclose(ds);
    return -1;
  }
  return ds;
}

enum { C_DONE, C_CLASS, C_SPHERE, C_AGREES, C_END, C_DELTA, C_CMA, C_ANORM, C_COUNT };
/* Their datasets: done, then the per-trial columns. */
static const char *column_path(int c) {
  static const rf_col cols[C_COUNT] = {RF_COL_COUNT,         RF_COL_CLASS, RF_COL_SPHERE,
                                       RF_COL_SPHERE_AGREES, RF_COL_END,   RF_COL_DELTA,
                                       RF_COL_C_MINUS_A,     RF_COL_A_NORM};
  return c == C_DONE ? RF_DONE : rf_column_info(cols[c])->path;
}

typedef struct {
  uint8_t *done, *cls, *sphere, *end;
  int8_t *agrees;
  double *delta, *value, *cma, *anorm;
} buffers;

static void buffers_free(buffers *b) {
  free(b->done);
  free(b->cls);
  free(b->sphere);
  free(b->end);
  free(b->agrees);
  free(b->delta);
  free(b->value);
  free(b->cma);
  free(b->anorm);
}

int sum_c_equals_a(const sum_run *r, double c_minus_a, double a_norm) {
  if (!r->ema)
    return 1;
  double tol = isnan(r->sphere_tol) ? 1e-6 : r->sphere_tol; /* the library's default */
  return c_minus_a <= tol * (a_norm > 1.0 ? a_norm : 1.0);  /* NaN: no */
}

/* 1 when Eq. 6, Eq. 7 and the sphere check describe a done trial's limit (end and class mapped
 * to the library's indices): a converged limit with C = A, or at the origin, an equilibrium
 * whatever C (where Eq. 7 holds trivially and the sphere check expects no sphere). */
static int checks_apply(const sum_run *r, uint8_t end, uint8_t cls, double c_minus_a,
                        double a_norm) {
  return end == SGEMA_END_CONVERGED &&
         (cls == SGEMA_CLASS_ORIGIN || sum_c_equals_a(r, c_minus_a, a_norm));
}

/* The done flags of rows r0.. (len of them) are 0 or 1; else -1 and err naming the first other. */
static int check_done(const sum_run *r, const uint8_t *done, hsize_t r0, hsize_t len, char *err,
                      size_t errsize) {
  for (hsize_t k = 0; k < len; k++)
    if (done[k] > 1)
      return sum_errorf(err, errsize,
                        "damaged file: " RF_RUNS_PATH "/%s/" RF_DONE
                        " row %llu is %u (a done flag is 0 or 1)",
                        r->name, (unsigned long long)(r0 + k), done[k]);
  return 0;
}

/* Opens columns [0, count) of column_path under g (ds[c]) with the enum types of class, sphere and
 * end mapped; -1 and err naming the first missing one. */
static int open_columns(hid_t g, sum_run *r, int count, hid_t *ds, hid_t *mt, uint8_t maps[][256],
                        char *err, size_t errsize) {
  for (int c = 0; c < C_COUNT; c++)
    ds[c] = mt[c] = -1;
  for (int c = 0; c < count; c++) {
    ds[c] = open_column(g, column_path(c), r->trials);
    if (ds[c] < 0)
      return sum_errorf(err, errsize, RF_RUNS_PATH "/%s/%s: missing or not [trials]", r->name,
                        column_path(c));
  }
  if (enum_map(ds[C_CLASS], SGEMA_CLASS_COUNT, sum_class_name_i, maps[C_CLASS], &mt[C_CLASS]) !=
          0 ||
      enum_map(ds[C_SPHERE], SUM_SPHERES, sum_sphere_name_i, maps[C_SPHERE], &mt[C_SPHERE]) != 0 ||
      enum_map(ds[C_END], SUM_ENDS, sum_end_name_i, maps[C_END], &mt[C_END]) != 0)
    return sum_errorf(err, errsize, RF_RUNS_PATH "/%s: class, sphere or end is not a one-byte enum",
                      r->name);
  return 0;
}

static void close_columns(hid_t *ds, hid_t *mt) {
  for (int c = 0; c < C_COUNT; c++) {
    if (mt[c] >= 0)
      H5Tclose(mt[c]);
    if (ds[c] >= 0)
      H5Dclose(ds[c]);
  }
}

/* Rows [r0, r0 + len) of every column into b. */
static int read_chunk(const hid_t *ds, const hid_t *mt, hsize_t r0, hsize_t len, buffers *b) {
  return read_rows(ds[C_DONE], H5T_NATIVE_UINT8, r0, len, b->done) != 0 ||
                 read_rows(ds[C_CLASS], mt[C_CLASS], r0, len, b->cls) != 0 ||
                 read_rows(ds[C_SPHERE], mt[C_SPHERE], r0, len, b->sphere) != 0 ||
                 read_rows(ds[C_AGREES], H5T_NATIVE_INT8, r0, len, b->agrees) != 0 ||
                 read_rows(ds[C_END], mt[C_END], r0, len, b->end) != 0 ||
                 read_rows(ds[C_DELTA], H5T_NATIVE_DOUBLE, r0, len, b->delta) != 0 ||
                 read_rows(ds[C_CMA], H5T_NATIVE_DOUBLE, r0, len, b->cma) != 0 ||
                 read_rows(ds[C_ANORM], H5T_NATIVE_DOUBLE, r0, len, b->anorm) != 0
             ? -1
             : 0;
}

/* Pass 1: the counts, streamed chunk by chunk. */
static int count_pass(hid_t g, sum_run *r, buffers *b, char *err, size_t errsize) {
  hid_t ds[C_COUNT], mt[C_COUNT];
  uint8_t maps[C_COUNT][256];
  int m1 = r->m == 1;
  int st = open_columns(g, r, C_COUNT, ds, mt, maps, err, errsize);
  for (hsize_t r0 = 0; st == 0 && r0 < r->trials; r0 += SUM_CHUNK_ROWS) {
    hsize_t len = r->trials - r0 < SUM_CHUNK_ROWS ? r->trials - r0 : SUM_CHUNK_ROWS;
    if (read_chunk(ds, mt, r0, len, b) != 0) {
      st = sum_errorf(err, errsize,
                      RF_RUNS_PATH "/%s: cannot read rows %llu..%llu (truncated or damaged file)",
                      r->name, (unsigned long long)r0, (unsigned long long)(r0 + len - 1));
      break;
    }
    if ((st = check_done(r, b->done, r0, len, err, errsize)) != 0)
      break;
    for (hsize_t k = 0; k < len; k++) {
      if (b->done[k] != 1)
        continue;
      r->done++;
      uint8_t c = maps[C_CLASS][b->cls[k]], s = maps[C_SPHERE][b->sphere[k]],
              e = maps[C_END][b->end[k]];
      int applies = checks_apply(r, e, c, b->cma[k], b->anorm[k]);
      if (e < SUM_ENDS)
        r->end[e]++;
      if (e == SGEMA_END_CONVERGED && !applies)
        r->c_ne_a++;
      if (c >= SGEMA_CLASS_COUNT) {
        r->bad_class++;
        continue;
      }
      r->cls[c]++;
      if (!m1)
        continue;
      if (s < SUM_SPHERES) {
        r->sphere[s]++;
        r->cls_sphere[c][s]++;
      }
      if (!isnan(b->delta[k])) {
        int neg = b->delta[k] < 0.0;
        r->delta_known++;
        r->delta_nonneg += !neg;
        r->cls_delta[neg][c]++;
      }
      if (b->agrees[k] != -1 && applies) {
        r->sphere_applicable++;
        r->sphere_disagree += b->agrees[k] == 0;
      }
    }
  }
  close_columns(ds, mt);
  return st;
}

/* Pass 2, once per verification column: its done, non-NaN values gathered for the exact median
 * (8 bytes per done trial, one column at a time). Eq. 6 and Eq. 7 describe an equilibrium with
 * C = A, so their columns take only the limits where checks_apply. */
static int column_pass(hid_t g, sum_run *r, int col, buffers *b, double *all, char *err,
                       size_t errsize) {
  const char *path = rf_column_info(ver_cols[col])->path;
  int equilibria_only = ver_cols[col] == RF_COL_EQ6 || ver_cols[col] == RF_COL_EQ7;
  hid_t ds[C_COUNT], mt[C_COUNT], value = open_column(g, path, r->trials);
  uint8_t maps[C_COUNT][256];
  sum_column *out = &r->ver[col];
  out->median = out->worst = NAN;
  size_t n = 0;
  int st = open_columns(g, r, C_COUNT, ds, mt, maps, err, errsize);
  if (st == 0 && value < 0)
    st = sum_errorf(err, errsize, RF_RUNS_PATH "/%s/%s: missing", r->name, path);
  for (hsize_t r0 = 0; st == 0 && r0 < r->trials; r0 += SUM_CHUNK_ROWS) {
    hsize_t len = r->trials - r0 < SUM_CHUNK_ROWS ? r->trials - r0 : SUM_CHUNK_ROWS;
    /* Only what the column needs: its values, the done flags, and for Eq. 6 and 7 the end and
     * whether C = A. */
    if (read_rows(ds[C_DONE], H5T_NATIVE_UINT8, r0, len, b->done) != 0 ||
        read_rows(value, H5T_NATIVE_DOUBLE, r0, len, b->value) != 0 ||
        (equilibria_only && (read_rows(ds[C_END], mt[C_END], r0, len, b->end) != 0 ||
                             read_rows(ds[C_CLASS], mt[C_CLASS], r0, len, b->cls) != 0 ||
                             read_rows(ds[C_CMA], H5T_NATIVE_DOUBLE, r0, len, b->cma) != 0 ||
                             read_rows(ds[C_ANORM], H5T_NATIVE_DOUBLE, r0, len, b->anorm) != 0))) {
      st = sum_errorf(err, errsize,
                      RF_RUNS_PATH "/%s/%s: cannot read rows %llu..%llu (truncated or damaged)",
                      r->name, path, (unsigned long long)r0, (unsigned long long)(r0 + len - 1));
      break;
    }
    for (hsize_t k = 0; k < len; k++) {
      double v = b->value[k];
      if (b->done[k] != 1 || isnan(v))
        continue;
      if (equilibria_only && !checks_apply(r, maps[C_END][b->end[k]], maps[C_CLASS][b->cls[k]],
                                           b->cma[k], b->anorm[k]))
        continue;
      all[n++] = v;
      if (!(fabs(v) <= out->worst)) { /* also true while worst is NaN */
        out->worst = fabs(v);
        out->worst_trial = (uint32_t)(r0 + k);
      }
    }
  }
  close_columns(ds, mt);
  if (value >= 0)
    H5Dclose(value);
  out->finite = (long)n;
  out->median = sum_median(all, n);
  return st;
}

/* The counts, and with verification the median pass over each verification column. */
static int read_run(sum_file *f, size_t i, int verification, char *err, size_t errsize) {
  sum_run *r = &f->runs[i];
  char path[512];
  snprintf(path, sizeof path, RF_RUNS_PATH "/%s", r->name);
  hid_t g = H5Gopen2((hid_t)f->hid, path, H5P_DEFAULT);
  if (g < 0)
    return sum_errorf(err, errsize, "cannot open group %s", path);
  /* Counted afresh: a second call must not add to the first one's counts. */
  r->done = r->bad_class = r->delta_known = r->delta_nonneg = 0;
  r->sphere_applicable = r->sphere_disagree = r->c_ne_a = 0;
  memset(r->cls, 0, sizeof r->cls);
  memset(r->cls_sphere, 0, sizeof r->cls_sphere);
  memset(r->sphere, 0, sizeof r->sphere);
  memset(r->cls_delta, 0, sizeof r->cls_delta);
  memset(r->end, 0, sizeof r->end);
  size_t rows = r->trials < SUM_CHUNK_ROWS ? r->trials : SUM_CHUNK_ROWS;
  size_t drows = rows * sizeof(double);
  buffers b = {malloc(rows),  malloc(rows),  malloc(rows),  malloc(rows), malloc(rows),
               malloc(drows), malloc(drows), malloc(drows), malloc(drows)};
  int st =
      b.done && b.cls && b.sphere && b.end && b.agrees && b.delta && b.value && b.cma && b.anorm
          ? count_pass(g, r, &b, err, errsize)
          : sum_errorf(err, errsize, "out of memory");
  /* One array of all done values, reused by each column in turn. */
  double *all =
      st == 0 && verification ? malloc((r->done ? (size_t)r->done : 1) * sizeof *all) : NULL;
  if (st == 0 && verification && !all)
    st = sum_errorf(err, errsize, "out of memory for %ld values", r->done);
  for (int c = 0; st == 0 && verification && c < SUM_VER_COLUMNS; c++)
    st = column_pass(g, r, c, &b, all, err, errsize);
  free(all);
  buffers_free(&b);
  H5Gclose(g);
  r->read = st == 0;
  return st;
}

int sum_read_run(sum_file *f, size_t i, char *err, size_t errsize) {
  return read_run(f, i, 1, err, errsize);
}

int sum_count_run(sum_file *f, size_t i, char *err, size_t errsize) {
  return read_run(f, i, 0, err, errsize);
}

void sum_close(sum_file *f) {
  for (size_t i = 0; i < f->run_count; i++) {
    free(f->runs[i].name);
    free(f->runs[i].alg);
    free(f->runs[i].time);
    free(f->runs[i].settings);
  }
  free(f->runs);
  free(f->experiment);
  free(f->program_version);
  free(f->start_time);
  free(f->end_time);
  sgema_experiment_free(f->exp);
  if (f->hid >= 0 && !vlen_faulted) /* see guarded_vlen_read */
    H5Fclose((hid_t)f->hid);
  memset(f, 0, sizeof *f);
  f->hid = -1;
}

const sgema_reference *sum_references(const sum_file *f, size_t i, size_t *count) {
  const sgema_run_spec *spec = f->exp ? sgema_experiment_find(f->exp, f->runs[i].name) : NULL;
  *count = spec ? spec->reference_count : 0;
  return spec ? spec->references : NULL;
}

long sum_reference_count(const sum_run *r, const sgema_reference *ref) {
  if (!ref->has_sphere)
    return r->cls[ref->cls];
  return (unsigned)ref->sphere < SUM_SPHERES ? r->cls_sphere[ref->cls][ref->sphere] : 0;
}
