/* The serial reader of a results file (docs/FORMAT.md): open, attributes and their types, the
 * damaged-file checks, enum maps and rows. Serial HDF5 on a (parallel-written) file. */
#define _POSIX_C_SOURCE 200809L
#include "results_read.h"

#include "results_format.h"
#include "sgema/census.h"
#include "sgema/trial.h"

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

int results_errorf(char *err, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, size, fmt, ap);
  va_end(ap);
  return -1;
}

/* hid_t travels through results_read.h as a long long. */
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
    return results_errorf(err, errsize, "damaged or edited file: attribute %s of %s %s", a->name,
                          where, p);
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

char *results_attr_str(long long loc, const char *name) {
  return attr_str((hid_t)loc, name);
}

int results_attr_ll(long long loc, const char *name, long long *v) {
  return attr_ll((hid_t)loc, name, v);
}

int results_attr_read(long long loc, const char *name, long long mtype, void *v) {
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

static int read_run_attrs(hid_t file, results_run *r, char *err, size_t errsize) {
  char path[512];
  snprintf(path, sizeof path, RF_RUNS_PATH "/%s", r->name);
  hid_t g = H5Gopen2(file, path, H5P_DEFAULT);
  if (g < 0)
    return results_errorf(err, errsize, "cannot open group %s", path);
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
  char *kind = attr_str(g, RF_RUN(KIND));
  long long e = 0;
  r->census = kind && strcmp(kind, RF_KIND_CENSUS) == 0;
  free(kind);
  attr_ll(g, RF_RUN(MAX_EQUILIBRIA), &e);
  r->max_equilibria = r->census && e > 0 && e <= UINT32_MAX ? (uint32_t)e : 0;
  H5Gclose(g);
  if (!ok)
    return results_errorf(err, errsize, "%s: missing or bad attributes trials, m, n", path);
  r->t_max = settings_number(r->settings, "integration", "t_max");
  r->max_steps = settings_number(r->settings, "integration", "max_steps");
  r->f_tol = settings_number(r->settings, "integration", "f_tol");
  r->diverge_norm = settings_number(r->settings, "integration", "diverge_norm");
  r->sphere_tol = settings_number(r->settings, "classification", "sphere_tol");
  r->ema = r->alg && strcmp(r->alg, "ema") == 0;
  return 0;
}

long long results_missing_chunk_row(long long dataset) {
  hid_t d = (hid_t)dataset, sp = H5Dget_space(d), dcpl = H5Dget_create_plist(d);
  hsize_t dims[H5S_MAX_RANK], chunk[H5S_MAX_RANK], offset[H5S_MAX_RANK] = {0};
  int rank = sp >= 0 ? H5Sget_simple_extent_dims(sp, dims, NULL) : -1;
  long long missing = -1;
  if (dcpl >= 0 && H5Pget_layout(dcpl) == H5D_CHUNKED && rank >= 1 &&
      H5Pget_chunk(dcpl, rank, chunk) == rank && chunk[0] > 0)
    for (hsize_t row = 0; row < dims[0] && missing < 0; row += chunk[0]) {
      offset[0] = row;
      unsigned mask = 0;
      haddr_t addr = HADDR_UNDEF;
      hsize_t size = 0;
      if (H5Dget_chunk_info_by_coord(d, offset, &mask, &addr, &size) < 0 || addr == HADDR_UNDEF)
        missing = (long long)row;
    }
  if (sp >= 0)
    H5Sclose(sp);
  if (dcpl >= 0)
    H5Pclose(dcpl);
  return missing;
}

int results_check_storage(long long dataset, const char *path, char *err, size_t errsize) {
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
    return results_errorf(err, errsize, "damaged file: %s: its shape or type cannot be read", path);
  /* In long double: a damaged shape's byte count can exceed 2^64. */
  long double claimed = (long double)points * (long double)size;
  /* sgema-run allocates every dataset's storage when it creates it, unfiltered (docs/FORMAT.md):
   * storage short of the shape is a file whose shapes claim more than it holds, and reading it
   * would stream fill values for as long as the claim. A filtered dataset's storage is smaller
   * than its shape by design, but never absent. */
  if (fixed && (filtered ? claimed > 0 && stored == 0 : (long double)stored < claimed))
    return results_errorf(err, errsize,
                          "damaged/inconsistent file: %s claims %llu rows (%.0Lf bytes) but stores "
                          "only %llu bytes",
                          path, nd > 0 ? (unsigned long long)dims[0] : 1ULL, claimed,
                          (unsigned long long)stored);
  long long missing = fixed && !filtered ? results_missing_chunk_row(dataset) : -1;
  if (missing >= 0)
    return results_errorf(err, errsize,
                          "damaged file: %s has no storage for its rows from %lld on (a damaged "
                          "chunk index)",
                          path, missing);
  return 0;
}

/* A per-trial dataset of run r: one row per trial, its storage present. */
static int check_rows(hid_t ds, const char *path, const results_run *r, char *err, size_t errsize) {
  hid_t sp = H5Dget_space(ds);
  hsize_t dims[H5S_MAX_RANK];
  int nd = sp >= 0 ? H5Sget_simple_extent_dims(sp, dims, NULL) : -1;
  if (sp >= 0)
    H5Sclose(sp);
  if (nd < 1)
    return results_errorf(err, errsize, "damaged/inconsistent file: %s is not one row per trial",
                          path);
  if (dims[0] != r->trials)
    return results_errorf(err, errsize,
                          "damaged/inconsistent file: %s claims %llu rows, run %s has %u trials",
                          path, (unsigned long long)dims[0], r->name, r->trials);
  return results_check_storage(ds, path, err, errsize);
}

typedef struct {
  const results_run *r;
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
    return results_errorf(v->err, v->errsize, "damaged file: %s cannot be opened", path);
  int st = H5Iget_type(obj) == H5I_DATASET ? check_rows(obj, path, v->r, v->err, v->errsize) : 0;
  H5Oclose(obj);
  return st;
}

/* Every per-trial dataset of run r (done and the members of inputs, outputs and verification)
 * has the run's trial count of rows and its storage present: checked when the file is opened, so
 * that a file whose shapes claim billions of rows is refused at once, by every tool. Datasets
 * that are missing are left to the readers, which name them. */
static int check_run_rows(hid_t file, const results_run *r, char *err, size_t errsize) {
  char path[600];
  snprintf(path, sizeof path, RF_RUNS_PATH "/%s/" RF_DONE, r->name);
  int st = 0;
  if (H5Lexists(file, path, H5P_DEFAULT) > 0) {
    hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
    st = ds >= 0 ? check_rows(ds, path, r, err, errsize)
                 : results_errorf(err, errsize, "damaged file: %s cannot be opened", path);
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
      st = err[0] ? -1 : results_errorf(err, errsize, "damaged file: cannot list %s", path);
    H5Gclose(g);
  }
  return st;
}

int results_open(results_file *f, const char *path, void (*note_input)(const char *), char *err,
                 size_t errsize) {
  memset(f, 0, sizeof *f);
  f->path = path;
  f->hid = -1;
  f->complete = f->resumed = -1;
  /* The tool reports problems itself, in one line; HDF5's stack traces would bury it. */
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  FILE *probe = fopen(path, "rb");
  if (!probe)
    return results_errorf(err, errsize, "cannot open: %s", strerror(errno));
  fclose(probe);
  if (note_input)
    note_input(path); /* e.g. no output of this process may replace it */
  if (H5Fis_hdf5(path) <= 0)
    return results_errorf(err, errsize, "not an HDF5 file (or truncated before its superblock)");
  /* The default (sec2) driver reads a file written through MPI-IO: the format is the same, and a
   * reader needs neither MPI_Init nor a communicator. */
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0)
    return results_errorf(err, errsize, "cannot open as HDF5 (truncated or damaged file)");
  f->hid = file;
  if (H5Aexists(file, RF_ROOT(FORMAT_VERSION)) <= 0)
    return results_errorf(err, errsize, "not an sgema results file (no format_version attribute)");
  if (check_root_attrs(file, err, errsize) != 0 ||
      attr_ll(file, RF_ROOT(FORMAT_VERSION), &f->format_version) != 0)
    return -1;
  if (f->format_version < RF_FORMAT_OLDEST || f->format_version > RF_FORMAT_VERSION)
    return results_errorf(err, errsize,
                          "format_version %lld, but this tool reads versions %d to %d",
                          f->format_version, RF_FORMAT_OLDEST, RF_FORMAT_VERSION);
  /* The seed is a uint64: read as such, not through a long long that would wrap above 2^63. */
  f->has_seed = results_attr_read(file, RF_ROOT(SEED), H5T_NATIVE_UINT64, &f->seed) == 0;
  attr_ll(file, RF_ROOT(COMPLETE), &f->complete);
  attr_ll(file, RF_ROOT(RESUMED), &f->resumed);
  f->experiment = attr_str(file, RF_ROOT(EXPERIMENT));
  f->program_version = attr_str(file, RF_ROOT(PROGRAM_VERSION));
  f->start_time = attr_str(file, RF_ROOT(START_TIME));
  f->end_time = attr_str(file, RF_ROOT(END_TIME));
  if (vlen_faulted)
    return results_errorf(err, errsize, "damaged file (its strings cannot be read)");

  hid_t runs = H5Gopen2(file, RF_RUNS_PATH, H5P_DEFAULT);
  if (runs < 0)
    return results_errorf(err, errsize, "no " RF_RUNS_PATH " group (truncated or damaged file)");
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
    return st == -2 ? -1
                    : results_errorf(err, errsize,
                                     count == 0 && st >= 0 ? "no runs in " RF_RUNS_PATH
                                                           : "cannot list " RF_RUNS_PATH
                                                             " (damaged file)");
  }
  qsort(list, count, sizeof *list, by_index);
  f->runs = calloc(count, sizeof *f->runs);
  if (!f->runs) {
    for (size_t i = 0; i < count; i++)
      free(list[i].name);
    free(list);
    return results_errorf(err, errsize, "out of memory");
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
    return results_errorf(err, errsize, "damaged file (its strings cannot be read)");
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

int results_enum_map(long long ds, int count, const char *(*name_of)(int), uint8_t map[256],
                     long long *mtype) {
  hid_t mt = -1;
  int st = enum_map((hid_t)ds, count, name_of, map, &mt);
  *mtype = mt;
  return st;
}

const char *results_class_name_i(int i) {
  return sgema_class_name((sgema_class)i);
}
const char *results_sphere_name_i(int i) {
  return sgema_sphere_name((sgema_sphere)i);
}
const char *results_end_name_i(int i) {
  return sgema_end_name((sgema_end)i);
}
_Static_assert(RESULTS_SOLVERS == SGEMA_SPECTRUM_ARNOLDI + 1, "none and every solver");
const char *results_solver_name_i(int i) {
  return sgema_record_solver_name((sgema_spectrum_solver)i);
}

const char *results_eqclass_name_i(int i) {
  return sgema_equilibrium_class_name((sgema_equilibrium_class)i);
}

int results_read_rows(long long dataset, long long mtype, uint64_t r0, size_t len, size_t width,
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

void results_close(results_file *f) {
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
