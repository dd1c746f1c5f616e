/* The results file (docs/FORMAT.md): every HDF5 call of the product, behind sgema/output.h. */
#define _POSIX_C_SOURCE 200809L

#include "json_writer.h"
#include "settings_json.h"
#include "sgema/output.h"
#include "sgema/status.h"

#include <errno.h>
#include <hdf5.h>
#include <libgen.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define FORMAT_VERSION 2
/* Fill value of the enum datasets: rows not yet written read as `undone`. */
#define UNDONE 255
/* Chunks of at most this many rows and about this many bytes. */
#define CHUNK_ROWS 4096
#define CHUNK_BYTES (1u << 20)

/* ---- the per-trial datasets ----
 * One table, so that creation, staging and the documentation's list cannot drift apart: the
 * dataset's id, section (its group), name, element type and row shape (1: a scalar per trial,
 * MM: an m x m matrix, N: a state vector). */
#define SGEMA_COLUMNS(X)                                                                           \
  X(LAMBDA, INPUTS, "lambda", F64, ONE)                                                            \
  X(SXX, INPUTS, "Sxx", F64, MM)                                                                   \
  X(SYX, INPUTS, "Syx", F64, MM)                                                                   \
  X(SYY, INPUTS, "Syy", F64, MM)                                                                   \
  X(Y0, INPUTS, "y0", F64, N)                                                                      \
  X(DRAWS, INPUTS, "draws", I64, ONE)                                                              \
  X(CLASS, OUTPUTS, "class", CLASS, ONE)                                                           \
  X(END, OUTPUTS, "end", END, ONE)                                                                 \
  X(STATUS, OUTPUTS, "status", I32, ONE)                                                           \
  X(SPHERE, OUTPUTS, "sphere", SPHERE, ONE)                                                        \
  X(SPHERE_AGREES, OUTPUTS, "sphere_agrees", I8, ONE)                                              \
  X(RANK, OUTPUTS, "rank", I8, ONE)                                                                \
  X(MAX_REAL_EIG, OUTPUTS, "max_real_eig", F64, ONE)                                               \
  X(SYMMETRY_ZEROS, OUTPUTS, "symmetry_zeros", I32, ONE)                                           \
  X(A_NORM, OUTPUTS, "a_norm", F64, ONE)                                                           \
  X(DELTA, OUTPUTS, "delta", F64, ONE)                                                             \
  X(R1, OUTPUTS, "r1", F64, ONE)                                                                   \
  X(R2, OUTPUTS, "r2", F64, ONE)                                                                   \
  X(T_END, OUTPUTS, "t_end", F64, ONE)                                                             \
  X(FIELD_NORM, OUTPUTS, "field_norm", F64, ONE)                                                   \
  X(STEPS, OUTPUTS, "steps", I64, ONE)                                                             \
  X(REJECTED, OUTPUTS, "rejected", I64, ONE)                                                       \
  X(RHS_EVALS, OUTPUTS, "rhs_evals", I64, ONE)                                                     \
  X(JAC_EVALS, OUTPUTS, "jac_evals", I64, ONE)                                                     \
  X(Y_END, OUTPUTS, "y_end", F64, N)                                                               \
  X(EQ6, VERIFICATION, "eq6", F64, ONE)                                                            \
  X(EQ7, VERIFICATION, "eq7", F64, ONE)                                                            \
  X(BALANCE, VERIFICATION, "balance", F64, ONE)                                                    \
  X(INVARIANT_DRIFT, VERIFICATION, "invariant_drift", F64, ONE)                                    \
  X(INVARIANT_T, VERIFICATION, "invariant_t", F64, ONE)                                            \
  X(C_MINUS_A, VERIFICATION, "c_minus_a", F64, ONE)                                                \
  X(EBAR_START, VERIFICATION, "ebar_start", F64, ONE)                                              \
  X(EBAR_END, VERIFICATION, "ebar_end", F64, ONE)                                                  \
  X(FBAR_START, VERIFICATION, "fbar_start", F64, ONE)                                              \
  X(FBAR_END, VERIFICATION, "fbar_end", F64, ONE)

typedef enum {
#define COL_ENUM(id, section, name, type, shape) COL_##id,
  SGEMA_COLUMNS(COL_ENUM)
#undef COL_ENUM
      COL_COUNT
} col_id;

typedef enum { SEC_INPUTS, SEC_OUTPUTS, SEC_VERIFICATION, SEC_COUNT } col_section;
typedef enum { CT_F64, CT_I64, CT_I32, CT_I8, CT_CLASS, CT_END, CT_SPHERE } col_type;
typedef enum { SHAPE_ONE, SHAPE_MM, SHAPE_N } col_shape;

typedef struct {
  col_section section;
  const char *name;
  col_type type;
  col_shape shape;
} column;

static const column columns[COL_COUNT] = {
#define COL_ROW(id, section, name, type, shape) {SEC_##section, name, CT_##type, SHAPE_##shape},
    SGEMA_COLUMNS(COL_ROW)
#undef COL_ROW
};

static const char *const section_names[SEC_COUNT] = {"inputs", "outputs", "verification"};

static size_t type_size(col_type t) {
  switch (t) {
  case CT_F64:
  case CT_I64:
    return 8;
  case CT_I32:
    return 4;
  default:
    return 1;
  }
}

/* ---- the object ---- */

enum { ENUM_CLASS, ENUM_END, ENUM_SPHERE, ENUM_COUNT };

/* The first HDF5 failure's outermost and innermost messages (see err_handler), and errno then: the
 * operating system's reason (ENOSPC, EROFS, EACCES) when a write or create failed, which HDF5's
 * messages ("file write failed") do not carry. errno is cleared before each operation. */
typedef struct {
  char outer[256], inner[256];
  int set, os_errno;
} err_walk;

/* A recorded trajectory's datasets and its staging (allocated at its first stage, then reused). */
typedef struct {
  hid_t group, t, state, ebar, fbar, count;
  int staged;
  size_t points; /* recorded (staged) points */
  double *buf;   /* t[P], state[P * N], ebar[P], fbar[P] for the run's P points */
} traj_out;

typedef struct {
  char *name;
  uint32_t trials;
  int m, n;
  size_t N, mm;
  size_t row_bytes[COL_COUNT]; /* bytes of one trial's row of each dataset */
  hid_t group, sections[SEC_COUNT], trajectories, done;
  hid_t dset[COL_COUNT];
  /* Staging: rows in the order staged, one growable buffer per dataset. */
  size_t staged, cap;
  uint32_t *trial;
  unsigned char *buf[COL_COUNT];
  unsigned char *is_staged; /* trials bytes: rejects a trial staged twice before a flush */
  unsigned char *redo;      /* trials bytes or NULL: rows marked done whose contents say not */
  size_t traj_count, points;
  traj_out *traj;
} run_out;

struct sgema_output {
  hid_t file, xfer_coll, xfer_indep, str_type, enums[ENUM_COUNT];
  size_t nruns;
  run_out *runs;
  /* Flush scratch, grown to the largest need and reused. */
  unsigned char *scratch;
  size_t scratch_cap;
  uint64_t *order;
  size_t order_cap;
  H5E_auto2_t old_func; /* HDF5's error printer, restored at close */
  void *old_data;
  err_walk err; /* the first HDF5 failure since the last reset */
  char *path;   /* the file, for messages */
};

/* The last failure of a flush or close, for the caller's message (sgema_output_error), and whether
 * HDF5 was left holding a file it failed to close (sgema_output_unclean). */
static char last_error[1024];
static int unclean_close;

/* ---- diagnostics from HDF5's error stack ----
 * HDF5 clears its error stack at the entry of every API call, so the stack of a failure is gone
 * by the time the clean-up calls after it return. An error handler (HDF5's "auto" function, called
 * as the failing API call returns) keeps the first failure since the last reset instead. */

static herr_t err_walk_cb(unsigned n, const H5E_error2_t *err, void *data) {
  err_walk *w = data;
  /* Downward: the API call first, the innermost cause (often the MPI-IO or OS message) last. */
  snprintf(n == 0 ? w->outer : w->inner, sizeof w->outer, "%s(): %s", err->func_name,
           err->desc ? err->desc : "");
  return 0;
}

static herr_t err_handler(hid_t estack, void *data) {
  err_walk *w = data;
  if (!w->set) {
    w->os_errno = errno;
    w->outer[0] = w->inner[0] = '\0';
    H5Ewalk2(estack, H5E_WALK_DOWNWARD, err_walk_cb, w);
    w->set = 1;
  }
  return 0;
}

/* Forgets the last failure, before an operation whose failure is to be explained. */
static void err_reset(err_walk *w) {
  w->set = 0;
  w->os_errno = 0;
  errno = 0;
}

/* The operating system's reason for a failed write to path, asked of the file system because errno
 * does not survive Open MPI's I/O layers (which print the reason but return only "file write
 * failed"): a read-only file system, a file we may not write, or a full disk (under 64 KiB left);
 * 0 if none of these holds. */
static int write_failure_reason(const char *path) {
  char *copy = strdup(path);
  struct statvfs sv;
  int reason = 0;
  if (copy && statvfs(dirname(copy), &sv) == 0) {
    if (sv.f_flag & ST_RDONLY)
      reason = EROFS;
    else if ((double)sv.f_bavail * (double)sv.f_frsize < 65536.0)
      reason = ENOSPC;
  }
  if (!reason && access(path, F_OK) == 0 && access(path, W_OK) != 0)
    reason = errno;
  free(copy);
  return reason;
}

/* "what failed: OS reason; innermost cause (API call: its message)" into buf. */
static void err_format(const err_walk *w, const char *path, const char *what, char *buf,
                       size_t size) {
  /* The file system is asked only about failures of I/O, not about, say, a malformed file. */
  int io = w->set && (strstr(w->inner, "write") || strstr(w->inner, "open") ||
                      strstr(w->inner, "create") || strstr(w->outer, "flush"));
  int reason = io ? write_failure_reason(path) : 0;
  /* errno only when it names a reason of this kind: other layers leave unrelated values (EBADF
   * after a refused MPI_File_open). */
  int e = w->os_errno;
  if (!reason &&
      (e == ENOSPC || e == EROFS || e == EACCES || e == EDQUOT || e == EFBIG || e == EIO))
    reason = e;
  const char *os = reason ? strerror(reason) : NULL;
  if (w->set && w->inner[0])
    snprintf(buf, size, "%s failed: %s%s%s (%s)", what, os ? os : "", os ? "; " : "", w->inner,
             w->outer);
  else if (w->set && w->outer[0])
    snprintf(buf, size, "%s failed: %s%s%s", what, os ? os : "", os ? "; " : "", w->outer);
  else
    snprintf(buf, size, "%s failed%s%s", what, os ? ": " : "", os ? os : "");
}

/* Adds "what failed: OS reason; innermost cause (API call: its message)" for path. */
static void h5_diag(sgema_diagnostics *diag, const err_walk *w, const char *path,
                    const char *what) {
  if (!diag)
    return;
  char msg[768];
  err_format(w, path, what, msg, sizeof msg);
  sgema_diagnostics_add(diag, path, 1, 1, NULL, "%s", msg);
}

/* ---- small HDF5 helpers ---- */

static void h5_close_id(hid_t *id, herr_t (*closer)(hid_t)) {
  if (*id >= 0)
    closer(*id);
  *id = -1;
}

/* Opens attribute name of loc to read or write one value: refused (-1) unless it holds exactly one
 * element (scalar or one-element array), so that a damaged file's array attribute is never read
 * into a single variable. */
static hid_t attr_open_one(hid_t loc, const char *name) {
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
  if (a < 0)
    return -1;
  hid_t sp = H5Aget_space(a);
  hssize_t n = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
  if (sp >= 0)
    H5Sclose(sp);
  if (n != 1) {
    H5Aclose(a);
    return -1;
  }
  return a;
}

/* Writes attribute name of loc (creating it when missing), a scalar of type mtype stored as ftype.
 */
static int attr_write(hid_t loc, const char *name, hid_t ftype, hid_t mtype, const void *value) {
  htri_t exists = H5Aexists(loc, name);
  if (exists < 0)
    return -1;
  hid_t a;
  if (exists) {
    a = attr_open_one(loc, name); /* an array there (a damaged file) is not written into */
  } else {
    hid_t space = H5Screate(H5S_SCALAR);
    a = space < 0 ? -1 : H5Acreate2(loc, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
    if (space >= 0)
      H5Sclose(space);
  }
  if (a < 0)
    return -1;
  herr_t st = H5Awrite(a, mtype, value);
  H5Aclose(a);
  return st < 0 ? -1 : 0;
}

static int attr_str(const sgema_output *o, hid_t loc, const char *name, const char *value) {
  const char *v = value ? value : "";
  return attr_write(loc, name, o->str_type, o->str_type, &v);
}
static int attr_u64(hid_t loc, const char *name, uint64_t v) {
  return attr_write(loc, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &v);
}
static int attr_u32(hid_t loc, const char *name, uint32_t v) {
  return attr_write(loc, name, H5T_STD_U32LE, H5T_NATIVE_UINT32, &v);
}
static int attr_i32(hid_t loc, const char *name, int v) {
  int32_t x = v;
  return attr_write(loc, name, H5T_STD_I32LE, H5T_NATIVE_INT32, &x);
}
static int attr_f64(hid_t loc, const char *name, double v) {
  return attr_write(loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v);
}

/* Reads a string attribute (malloc'd copy in *out, NUL-terminated, length in *len). */
static int attr_read_str(const sgema_output *o, hid_t loc, const char *name, char **out,
                         size_t *len) {
  *out = NULL;
  hid_t a = attr_open_one(loc, name);
  if (a < 0)
    return -1;
  char *v = NULL;
  herr_t st = H5Aread(a, o->str_type, &v);
  H5Aclose(a);
  if (st < 0 || !v)
    return -1;
  *len = strlen(v);
  *out = malloc(*len + 1);
  if (*out)
    memcpy(*out, v, *len + 1);
  H5free_memory(v);
  return *out ? 0 : -1;
}

static int attr_read_u32(hid_t loc, const char *name, uint32_t *v) {
  hid_t a = attr_open_one(loc, name);
  if (a < 0)
    return -1;
  herr_t st = H5Aread(a, H5T_NATIVE_UINT32, v);
  H5Aclose(a);
  return st < 0 ? -1 : 0;
}

static int attr_read_i32(hid_t loc, const char *name, int *v) {
  int32_t x;
  hid_t a = attr_open_one(loc, name);
  if (a < 0)
    return -1;
  herr_t st = H5Aread(a, H5T_NATIVE_INT32, &x);
  H5Aclose(a);
  *v = x;
  return st < 0 ? -1 : 0;
}

static int attr_read_f64(hid_t loc, const char *name, double *v) {
  hid_t a = attr_open_one(loc, name);
  if (a < 0)
    return -1;
  herr_t st = H5Aread(a, H5T_NATIVE_DOUBLE, v);
  H5Aclose(a);
  return st < 0 ? -1 : 0;
}

/* An ISO 8601 UTC time stamp, to the second. */
static void utc_now(char buf[32]) {
  time_t now = time(NULL);
  struct tm tm;
  if (gmtime_r(&now, &tm))
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
  else
    snprintf(buf, 32, "unknown");
}

/* Memory and file types of a column (the enums are uint8 and serve as both). */
static hid_t mem_type(const sgema_output *o, col_type t) {
  switch (t) {
  case CT_F64:
    return H5T_NATIVE_DOUBLE;
  case CT_I64:
    return H5T_NATIVE_INT64;
  case CT_I32:
    return H5T_NATIVE_INT32;
  case CT_I8:
    return H5T_NATIVE_INT8;
  case CT_CLASS:
    return o->enums[ENUM_CLASS];
  case CT_END:
    return o->enums[ENUM_END];
  default:
    return o->enums[ENUM_SPHERE];
  }
}

static hid_t file_type(const sgema_output *o, col_type t) {
  switch (t) {
  case CT_F64:
    return H5T_IEEE_F64LE;
  case CT_I64:
    return H5T_STD_I64LE;
  case CT_I32:
    return H5T_STD_I32LE;
  case CT_I8:
    return H5T_STD_I8LE;
  default:
    return mem_type(o, t);
  }
}

/* An enum type over uint8 with the names name(0) .. name(count-1) and `undone` = 255. */
static hid_t enum_type(size_t count, const char *(*name)(int)) {
  hid_t t = H5Tenum_create(H5T_NATIVE_UINT8);
  if (t < 0)
    return -1;
  for (size_t i = 0; i <= count; i++) {
    uint8_t v = i < count ? (uint8_t)i : UNDONE;
    if (H5Tenum_insert(t, i < count ? name((int)i) : "undone", &v) < 0) {
      H5Tclose(t);
      return -1;
    }
  }
  return t;
}

static const char *class_name(int i) {
  return sgema_class_name((sgema_class)i);
}
static const char *end_name(int i) {
  return sgema_end_name((sgema_end)i);
}
static const char *sphere_name(int i) {
  return sgema_sphere_name((sgema_sphere)i);
}

/* Creates a dataset of dims (rank 0: a scalar; else rank 1 to 3) with fill value *fill (of type
 * mtype), its storage allocated at creation: chunked by rows when `chunked`, else contiguous. Why
 * early allocation and no filters: raw writes then never touch the file's metadata (chunk
 * addresses are fixed), so a run killed at any moment leaves the metadata as the last flush wrote
 * it and the file readable (docs/FORMAT.md). */
static hid_t dataset_create(hid_t loc, const char *name, hid_t ftype, hid_t mtype, int rank,
                            const hsize_t *dims, const void *fill, int chunked) {
  /* Chunked datasets (the per-trial ones) can grow by rows: a resume with more trials extends
   * them (run_extend). */
  hsize_t maxdims[3] = {H5S_UNLIMITED, rank > 1 ? dims[1] : 0, rank > 2 ? dims[2] : 0};
  hid_t space = rank == 0 ? H5Screate(H5S_SCALAR)
                : chunked ? H5Screate_simple(rank, dims, maxdims)
                          : H5Screate_simple(rank, dims, NULL);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  int ok = space >= 0 && dcpl >= 0;
  if (ok && chunked && rank > 0) {
    hsize_t chunk[3];
    size_t row = H5Tget_size(ftype);
    for (int i = 1; i < rank; i++) {
      chunk[i] = dims[i];
      row *= (size_t)dims[i];
    }
    hsize_t rows = CHUNK_BYTES / (row ? row : 1);
    if (rows > CHUNK_ROWS)
      rows = CHUNK_ROWS;
    if (rows < 1)
      rows = 1;
    chunk[0] = rows < dims[0] ? rows : dims[0];
    ok = H5Pset_chunk(dcpl, rank, chunk) >= 0;
  } else if (ok) {
    ok = H5Pset_layout(dcpl, H5D_CONTIGUOUS) >= 0;
  }
  hid_t d = -1;
  if (ok && H5Pset_fill_value(dcpl, mtype, fill) >= 0 &&
      H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY) >= 0 &&
      H5Pset_fill_time(dcpl, H5D_FILL_TIME_ALLOC) >= 0 && H5Pset_obj_track_times(dcpl, 0) >= 0)
    d = H5Dcreate2(loc, name, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  if (dcpl >= 0)
    H5Pclose(dcpl);
  if (space >= 0)
    H5Sclose(space);
  return d;
}

/* A group without modification times, so that two runs' files differ only where they must. */
static hid_t group_create(hid_t loc, const char *name) {
  hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
  if (gcpl < 0)
    return -1;
  hid_t g = -1;
  if (H5Pset_obj_track_times(gcpl, 0) >= 0)
    g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
  H5Pclose(gcpl);
  return g;
}

/* ---- the run's settings as JSON (the same members as the trial record's "settings") ---- */

/* ---- creating and opening ---- */

static void run_free(run_out *r) {
  for (size_t k = 0; k < r->traj_count; k++) {
    traj_out *t = &r->traj[k];
    h5_close_id(&t->t, H5Dclose);
    h5_close_id(&t->state, H5Dclose);
    h5_close_id(&t->ebar, H5Dclose);
    h5_close_id(&t->fbar, H5Dclose);
    h5_close_id(&t->count, H5Dclose);
    h5_close_id(&t->group, H5Gclose);
    free(t->buf);
  }
  free(r->traj);
  for (int c = 0; c < COL_COUNT; c++) {
    h5_close_id(&r->dset[c], H5Dclose);
    free(r->buf[c]);
  }
  h5_close_id(&r->done, H5Dclose);
  for (int s = 0; s < SEC_COUNT; s++)
    h5_close_id(&r->sections[s], H5Gclose);
  h5_close_id(&r->trajectories, H5Gclose);
  h5_close_id(&r->group, H5Gclose);
  free(r->trial);
  free(r->is_staged);
  free(r->redo);
  free(r->name);
}

static void output_free(sgema_output *o) {
  if (!o)
    return;
  for (size_t i = 0; i < o->nruns; i++)
    run_free(&o->runs[i]);
  free(o->runs);
  for (int k = 0; k < ENUM_COUNT; k++)
    h5_close_id(&o->enums[k], H5Tclose);
  h5_close_id(&o->str_type, H5Tclose);
  h5_close_id(&o->xfer_coll, H5Pclose);
  h5_close_id(&o->xfer_indep, H5Pclose);
  if (o->file >= 0 && H5Fclose(o->file) < 0)
    unclean_close = 1;
  o->file = -1;
  free(o->scratch);
  free(o->order);
  free(o->path);
  H5Eset_auto2(H5E_DEFAULT, o->old_func, o->old_data);
  free(o);
}

/* The shape of a column's dataset for this run. */
static int column_dims(const run_out *r, const column *c, hsize_t dims[3]) {
  dims[0] = r->trials;
  switch (c->shape) {
  case SHAPE_MM:
    dims[1] = dims[2] = (hsize_t)r->m;
    return 3;
  case SHAPE_N:
    dims[1] = r->N;
    return 2;
  default:
    return 1;
  }
}

/* Copies what the run needs from its spec and allocates the staging that does not grow. */
static int run_init(run_out *r, const sgema_run_spec *spec) {
  for (int c = 0; c < COL_COUNT; c++)
    r->dset[c] = -1;
  r->group = r->trajectories = r->done = -1;
  for (int s = 0; s < SEC_COUNT; s++)
    r->sections[s] = -1;
  r->name = malloc(strlen(spec->name) + 1);
  if (!r->name)
    return -1;
  strcpy(r->name, spec->name);
  r->trials = spec->trials;
  r->m = spec->settings.m;
  r->n = spec->settings.n;
  r->N = sgema_problem_dim_for(spec->settings.alg, r->m, r->n);
  r->mm = (size_t)r->m * r->m;
  for (int c = 0; c < COL_COUNT; c++) {
    size_t w = columns[c].shape == SHAPE_MM ? r->mm : columns[c].shape == SHAPE_N ? r->N : 1;
    r->row_bytes[c] = w * type_size(columns[c].type);
  }
  r->is_staged = calloc(r->trials, 1);
  r->traj_count = spec->record.trajectories < spec->trials ? spec->record.trajectories : r->trials;
  r->points = spec->record.points;
  r->traj = r->traj_count ? calloc(r->traj_count, sizeof *r->traj) : NULL;
  if (!r->is_staged || (r->traj_count && !r->traj))
    return -1;
  for (size_t k = 0; k < r->traj_count; k++) {
    traj_out *t = &r->traj[k];
    t->group = t->t = t->state = t->ebar = t->fbar = t->count = -1;
  }
  return 0;
}

static const char *const traj_names[4] = {"t", "state", "ebar", "fbar"};

static hid_t *traj_dset(traj_out *t, int i) {
  hid_t *d[4] = {&t->t, &t->state, &t->ebar, &t->fbar};
  return d[i];
}

/* Creates the group and datasets of run r's recorded trajectory k. */
static const char *traj_create(run_out *r, size_t k) {
  const double nan = NAN;
  traj_out *t = &r->traj[k];
  char name[24];
  snprintf(name, sizeof name, "%zu", k);
  if ((t->group = group_create(r->trajectories, name)) < 0)
    return "creating a trajectory's group";
  /* Contiguous: each is written at once by the rank that recorded it, independently, and a
   * contiguous dataset's address is in its header, read at open by every rank, so that the
   * write reads no metadata. */
  hsize_t tdims[2] = {r->points, r->N};
  for (int i = 0; i < 4; i++)
    if ((*traj_dset(t, i) = dataset_create(t->group, traj_names[i], H5T_IEEE_F64LE,
                                           H5T_NATIVE_DOUBLE, i == 1 ? 2 : 1, tdims, &nan, 0)) < 0)
      return "creating a trajectory's dataset";
  /* A dataset, not an attribute: only the rank that recorded the trajectory knows the count,
   * and attribute writes must be collective with the same value on every rank. -1: not yet. */
  const int64_t minus_one = -1;
  if ((t->count = dataset_create(t->group, "count", H5T_STD_I64LE, H5T_NATIVE_INT64, 0, NULL,
                                 &minus_one, 0)) < 0)
    return "creating a trajectory's count";
  return NULL;
}

/* Creates run r's group, attributes, datasets and trajectory groups. Returns a description of what
 * failed, or NULL. */
static const char *run_create(sgema_output *o, hid_t runs, run_out *r, const sgema_run_spec *spec) {
  const sgema_settings *s = &spec->settings;
  if ((r->group = group_create(runs, r->name)) < 0)
    return "creating the run's group";
  char *json = sgema_settings_json_line(s);
  int bad = !json || attr_u32(r->group, "index", spec->index) < 0 ||
            attr_u32(r->group, "stream", spec->stream) < 0 ||
            attr_str(o, r->group, "alg", sgema_alg_name(s->alg)) < 0 ||
            attr_i32(r->group, "m", r->m) < 0 || attr_i32(r->group, "n", r->n) < 0 ||
            attr_u32(r->group, "state_dim", (uint32_t)r->N) < 0 ||
            attr_u32(r->group, "trials", r->trials) < 0 ||
            attr_str(o, r->group, "time", sgema_time_name(s->time)) < 0 ||
            attr_str(o, r->group, "settings", json) < 0 ||
            attr_u32(r->group, "trajectories", (uint32_t)r->traj_count) < 0 ||
            attr_u32(r->group, "points", (uint32_t)r->points) < 0 ||
            attr_f64(r->group, "t_last", spec->record.t_last) < 0;
  free(json);
  if (bad)
    return "writing the run's attributes";
  for (int sec = 0; sec < SEC_COUNT; sec++)
    if ((r->sections[sec] = group_create(r->group, section_names[sec])) < 0)
      return "creating a section group";
  const double nan = NAN;
  const uint64_t zero = 0;
  const uint8_t undone = UNDONE;
  for (int c = 0; c < COL_COUNT; c++) {
    const column *col = &columns[c];
    hsize_t dims[3];
    int rank = column_dims(r, col, dims);
    const void *fill = col->type == CT_F64     ? (const void *)&nan
                       : col->type >= CT_CLASS ? (const void *)&undone
                                               : (const void *)&zero;
    r->dset[c] = dataset_create(r->sections[col->section], col->name, file_type(o, col->type),
                                mem_type(o, col->type), rank, dims, fill, 1);
    if (r->dset[c] < 0)
      return "creating a per-trial dataset";
  }
  hsize_t dims[1] = {r->trials};
  const uint8_t not_done = 0;
  r->done = dataset_create(r->group, "done", H5T_STD_U8LE, H5T_NATIVE_UINT8, 1, dims, &not_done, 1);
  if (r->done < 0)
    return "creating the done dataset";
  if ((r->trajectories = group_create(r->group, "trajectories")) < 0)
    return "creating the trajectories group";
  for (size_t k = 0; k < r->traj_count; k++) {
    const char *failed = traj_create(r, k);
    if (failed)
      return failed;
  }
  return NULL;
}

/* Whether a reopened dataset has the type class and size it was made with and `rows` rows of
 * `width` values: a damaged or rewritten file is refused at open, not half-way through a flush
 * (tests/test_damaged.sh). */
static int dataset_fits(hid_t d, H5T_class_t cls, size_t size, hsize_t rows, size_t width) {
  hid_t ft = H5Dget_type(d), sp = H5Dget_space(d);
  hsize_t dims[H5S_MAX_RANK];
  int rank = sp >= 0 ? H5Sget_simple_extent_dims(sp, dims, NULL) : -1;
  hsize_t w = 1;
  for (int i = 1; i < rank; i++)
    w *= dims[i];
  int ok = ft >= 0 && H5Tget_class(ft) == cls && H5Tget_size(ft) == size && rank >= 1 &&
           dims[0] == rows && w == width;
  if (ft >= 0)
    H5Tclose(ft);
  if (sp >= 0)
    H5Sclose(sp);
  return ok;
}

/* A trajectory's count: a scalar 64-bit integer, -1 (not recorded yet) or at most points. */
static int count_fits(hid_t d, size_t points) {
  hid_t ft = H5Dget_type(d), sp = H5Dget_space(d);
  int64_t count = -2;
  int ok = ft >= 0 && sp >= 0 && H5Tget_class(ft) == H5T_INTEGER && H5Tget_size(ft) == 8 &&
           H5Sget_simple_extent_type(sp) == H5S_SCALAR &&
           H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, &count) >= 0 &&
           count >= -1 && count <= (int64_t)points;
  if (ft >= 0)
    H5Tclose(ft);
  if (sp >= 0)
    H5Sclose(sp);
  return ok;
}

/* The refusal of a resume whose recorded trajectory k has a damaged dataset. */
static const char *traj_misfit(const run_out *r, size_t k, const char *name,
                               sgema_diagnostics *diag, const char *path) {
  sgema_diagnostics_add(diag, path, 1, 1, NULL,
                        "run `%s`: trajectory %zu's dataset %s has another type or shape than "
                        "this experiment's %zu points (damaged or rewritten file)",
                        r->name, k, name, r->points);
  return "";
}

/* What storage_visit found: the first dataset whose shape claims more than the file stores. */
typedef struct {
  char name[256];
  unsigned long long elements, stored;
} storage_misfit;

/* H5Ovisit callback: 1 (stop) at a dataset that stores fewer bytes than its shape needs. */
static herr_t storage_visit(hid_t obj, const char *name, const H5O_info_t *info, void *data) {
  if (info->type != H5O_TYPE_DATASET)
    return 0;
  storage_misfit *m = data;
  hid_t d = H5Dopen2(obj, name, H5P_DEFAULT);
  if (d < 0)
    return 0; /* the reopen names what cannot be opened */
  hid_t sp = H5Dget_space(d), ft = H5Dget_type(d), dcpl = H5Dget_create_plist(d);
  hssize_t n = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
  size_t size = ft >= 0 ? H5Tget_size(ft) : 0;
  int compact = dcpl >= 0 && H5Pget_layout(dcpl) == H5D_COMPACT;
  hsize_t stored = H5Dget_storage_size(d);
  int misfit = !compact && n > 0 && size > 0 &&
               (double)stored < (double)n * (double)size; /* double: a claim may overflow */
  if (misfit) {
    snprintf(m->name, sizeof m->name, "%s", name);
    m->elements = (unsigned long long)n;
    m->stored = (unsigned long long)stored;
  }
  H5Pclose(dcpl);
  H5Tclose(ft);
  H5Sclose(sp);
  H5Dclose(d);
  return misfit;
}

/* Every dataset of a file to resume must store all the rows its shape claims (sgema-run allocates
 * storage when it creates or extends a dataset). Checked through a read-only serial open, because
 * a parallel open for writing allocates a dataset's claimed storage at H5Dopen: a damaged shape
 * would fill the disk before any check could run. */
static const char *storage_precheck(const char *path, sgema_diagnostics *diag) {
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0)
    return "opening the file to check it";
  storage_misfit m = {"", 0, 0};
  herr_t st = H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_NATIVE, storage_visit, &m, H5O_INFO_BASIC);
  H5Fclose(f);
  if (st > 0) {
    sgema_diagnostics_add(diag, path, 1, 1, NULL,
                          "cannot resume: damaged file: dataset /%s claims %llu values but stores "
                          "only %llu bytes",
                          m.name, m.elements, m.stored);
    return "";
  }
  return st < 0 ? "walking the file's objects" : NULL;
}

/* ---- comparing a resumed file's runs with the experiment's ---- */

/* The next leaf of a one-line JSON object (settings_json.c's output): its dotted path
 * ("integration.rtol") into path and its value's text in *value, *len; 0 at the end. Arrays are
 * one value. */
static int json_next_leaf(const char **p, char keys[][48], int *depth, char *path, size_t size,
                          const char **value, size_t *len) {
  const char *c = *p;
  for (;;) {
    while (*c == ' ' || *c == ',' || *c == '\n')
      c++;
    if (!*c)
      return 0;
    if (*c == '{') {
      (*depth)++;
      c++;
    } else if (*c == '}') {
      (*depth)--;
      c++;
    } else if (*c == '"' && *depth >= 1 && *depth < 8) { /* a key: "name": */
      const char *end = strchr(c + 1, '"');
      if (!end)
        return 0;
      snprintf(keys[*depth], 48, "%.*s", (int)(end - c - 1), c + 1);
      c = end + 1;
      while (*c == ' ' || *c == ':')
        c++;
      if (*c == '{')
        continue;
      const char *v = c;
      if (*c == '"') {
        c = strchr(c + 1, '"');
        c = c ? c + 1 : v + strlen(v);
      } else if (*c == '[') {
        c = strchr(c, ']');
        c = c ? c + 1 : v + strlen(v);
      } else {
        while (*c && *c != ',' && *c != '}')
          c++;
      }
      size_t used = 0;
      path[0] = '\0';
      for (int d = 1; d <= *depth && used < size; d++)
        used += (size_t)snprintf(path + used, size - used, "%s%s", d > 1 ? "." : "", keys[d]);
      *value = v;
      *len = (size_t)(c - v);
      *p = c;
      return 1;
    } else {
      return 0;
    }
  }
}

/* The first setting whose value differs between two settings lines, as "path (a in the file, b in
 * the experiment)" into out; 0 when they agree. */
static int json_difference(const char *a, const char *b, char *out, size_t size) {
  char ka[8][48], kb[8][48], pa[256], pb[256];
  int da = 0, db = 0;
  const char *va, *vb;
  size_t la, lb;
  for (;;) {
    int ha = json_next_leaf(&a, ka, &da, pa, sizeof pa, &va, &la);
    int hb = json_next_leaf(&b, kb, &db, pb, sizeof pb, &vb, &lb);
    if (!ha && !hb)
      return 0;
    if (ha != hb || strcmp(pa, pb) != 0) {
      snprintf(out, size, "%s", ha ? pa : pb);
      return 1;
    }
    if (la != lb || memcmp(va, vb, la) != 0) {
      snprintf(out, size, "%s (%.*s in the file, %.*s in the experiment)", pa, (int)la, va, (int)lb,
               vb);
      return 1;
    }
  }
}

/* Resume: run r of the file must have the experiment's settings (all of them, as the `settings`
 * line), stream and recording; only the trial count may grow. The YAML text itself may differ
 * (comments, key order, defaults spelt out): what is compared is what the trials depend on. */
static const char *run_same_settings(sgema_output *o, const run_out *r, const sgema_run_spec *spec,
                                     sgema_diagnostics *diag, const char *path) {
  char *stored = NULL, *now = sgema_settings_json_line(&spec->settings), what[640];
  size_t len;
  uint32_t stream, points;
  double t_last;
  const char *failed = NULL;
  if (!now)
    return "comparing the run's settings (out of memory)";
  if (attr_read_str(o, r->group, "settings", &stored, &len) < 0 ||
      attr_read_u32(r->group, "stream", &stream) < 0 ||
      attr_read_u32(r->group, "points", &points) < 0 ||
      attr_read_f64(r->group, "t_last", &t_last) < 0)
    failed = "reading a run's attributes";
  else if (json_difference(stored, now, what, sizeof what))
    failed = "settings";
  else if (stream != spec->stream)
    snprintf(what, sizeof what, "stream (%u in the file, %u in the experiment)", stream,
             spec->stream),
        failed = "";
  else if (spec->record.trajectories > 0 &&
           (points != spec->record.points || t_last != spec->record.t_last))
    snprintf(what, sizeof what,
             "record (points %u, t_last %.17g in the file; points %u, t_last %.17g in the "
             "experiment)",
             points, t_last, spec->record.points, spec->record.t_last),
        failed = "";
  if (failed && (!failed[0] || strcmp(failed, "settings") == 0)) {
    sgema_diagnostics_add(diag, path, 1, 1, NULL,
                          "cannot resume: run `%s` has other settings in the file than in the "
                          "experiment: %s",
                          r->name, what);
    failed = "";
  }
  free(stored);
  free(now);
  return failed;
}

/* Resume with more trials: every per-trial dataset and done grow to `trials` rows (the new rows
 * hold the fill values, done 0), and the run's `trials` attribute says so. Collective. Files
 * whose datasets cannot grow (written before they were made extendable) are refused. */
static const char *run_extend(run_out *r, uint32_t trials, sgema_diagnostics *diag,
                              const char *path) {
  for (int c = 0; c <= COL_COUNT; c++) {
    hid_t d = c < COL_COUNT ? r->dset[c] : r->done, sp = H5Dget_space(d);
    hsize_t dims[3], maxdims[3];
    int rank = sp >= 0 ? H5Sget_simple_extent_dims(sp, dims, maxdims) : -1;
    if (sp >= 0)
      H5Sclose(sp);
    if (rank < 1)
      return "reading a dataset's shape";
    if (maxdims[0] != H5S_UNLIMITED) {
      sgema_diagnostics_add(diag, path, 1, 1, NULL,
                            "cannot add trials to run `%s`: this file's datasets have a fixed "
                            "size (written by an older sgema-run); start a new file",
                            r->name);
      return "";
    }
    dims[0] = trials;
    if (H5Dset_extent(d, dims) < 0)
      return "extending a run's datasets";
  }
  r->trials = trials;
  return attr_u32(r->group, "trials", trials) < 0 ? "writing a run's attributes" : NULL;
}

/* Opens run r's objects in a file being resumed and checks they fit the experiment. */
static const char *run_reopen(sgema_output *o, hid_t runs, run_out *r, const sgema_run_spec *spec,
                              sgema_diagnostics *diag, const char *path) {
  htri_t exists = H5Lexists(runs, r->name, H5P_DEFAULT);
  if (exists <= 0) {
    sgema_diagnostics_add(diag, path, 1, 1, NULL, "has no run `%s` (not this experiment's file)",
                          r->name);
    return "";
  }
  if ((r->group = H5Gopen2(runs, r->name, H5P_DEFAULT)) < 0)
    return "opening a run's group";
  uint32_t trials, index;
  int m, n;
  if (attr_read_u32(r->group, "trials", &trials) < 0 ||
      attr_read_u32(r->group, "index", &index) < 0 || attr_read_i32(r->group, "m", &m) < 0 ||
      attr_read_i32(r->group, "n", &n) < 0)
    return "reading a run's attributes";
  if (index != spec->index || m != r->m || n != r->n) {
    sgema_diagnostics_add(diag, path, 1, 1, NULL,
                          "cannot resume: run `%s` has index %u, m = %d, n = %d in the file but "
                          "index %u, m = %d, n = %d in the experiment",
                          r->name, index, m, n, spec->index, r->m, r->n);
    return "";
  }
  const char *failed = run_same_settings(o, r, spec, diag, path);
  if (failed)
    return failed;
  if (trials > r->trials) {
    sgema_diagnostics_add(diag, path, 1, 1, NULL,
                          "cannot resume: run `%s` has %u trials in the file but %u in the "
                          "experiment (a file can gain trials, never lose them)",
                          r->name, trials, r->trials);
    return "";
  }
  uint32_t grown = r->trials; /* checked at the file's size, then extended */
  r->trials = trials;
  for (int sec = 0; sec < SEC_COUNT; sec++)
    if ((r->sections[sec] = H5Gopen2(r->group, section_names[sec], H5P_DEFAULT)) < 0)
      return "opening a section group";
  for (int c = 0; c < COL_COUNT; c++) {
    if ((r->dset[c] = H5Dopen2(r->sections[columns[c].section], columns[c].name, H5P_DEFAULT)) < 0)
      return "opening a per-trial dataset";
    col_type t = columns[c].type;
    H5T_class_t cls = t == CT_F64 ? H5T_FLOAT : t >= CT_CLASS ? H5T_ENUM : H5T_INTEGER;
    if (!dataset_fits(r->dset[c], cls, type_size(t), r->trials, r->row_bytes[c] / type_size(t))) {
      sgema_diagnostics_add(diag, path, 1, 1, NULL,
                            "run `%s`: dataset %s/%s has another type or shape than this "
                            "experiment's (damaged or rewritten file)",
                            r->name, section_names[columns[c].section], columns[c].name);
      return "";
    }
  }
  if ((r->done = H5Dopen2(r->group, "done", H5P_DEFAULT)) < 0)
    return "opening the done dataset";
  if (!dataset_fits(r->done, H5T_INTEGER, 1, r->trials, 1)) {
    sgema_diagnostics_add(diag, path, 1, 1, NULL,
                          "run `%s`: dataset done has another type or shape than this "
                          "experiment's (damaged or rewritten file)",
                          r->name);
    return "";
  }
  if ((r->trajectories = H5Gopen2(r->group, "trajectories", H5P_DEFAULT)) < 0)
    return "opening the trajectories group";
  uint32_t stored_traj = 0;
  if (attr_read_u32(r->group, "trajectories", &stored_traj) < 0)
    return "reading a run's attributes";
  for (size_t k = 0; k < r->traj_count; k++) {
    traj_out *t = &r->traj[k];
    if (k >= stored_traj) { /* more trials now reach the recorded ones */
      const char *made = traj_create(r, k);
      if (made)
        return made;
      continue;
    }
    char name[24];
    snprintf(name, sizeof name, "%zu", k);
    if ((t->group = H5Gopen2(r->trajectories, name, H5P_DEFAULT)) < 0)
      return "opening a trajectory's group";
    for (int i = 0; i < 4; i++) {
      if ((*traj_dset(t, i) = H5Dopen2(t->group, traj_names[i], H5P_DEFAULT)) < 0)
        return "opening a trajectory's dataset";
      /* A damaged shape would make the first write extend the file to whatever it claims. */
      if (!dataset_fits(*traj_dset(t, i), H5T_FLOAT, sizeof(double), r->points, i == 1 ? r->N : 1))
        return traj_misfit(r, k, traj_names[i], diag, path);
    }
    if ((t->count = H5Dopen2(t->group, "count", H5P_DEFAULT)) < 0)
      return "opening a trajectory's count";
    if (!count_fits(t->count, r->points))
      return traj_misfit(r, k, "count", diag, path);
  }
  if (r->traj_count > stored_traj &&
      attr_u32(r->group, "trajectories", (uint32_t)r->traj_count) < 0)
    return "writing a run's attributes";
  return grown > r->trials ? run_extend(r, grown, diag, path) : NULL;
}

/* Test hook (tests/test_runner_trust.sh): SGEMA_TEST_DIE_IN_CREATE=K kills this process with
 * SIGKILL at point K of a file's creation (1: just created, 2: root attributes written, 3: the
 * first run's datasets made, 4: everything flushed), so that a kill at each moment is tested
 * deterministically. */
void sgema_output_test_die(int point) {
  const char *at = getenv("SGEMA_TEST_DIE_IN_CREATE");
  if (at && atoi(at) == point)
    raise(SIGKILL);
}

/* ---- checking a resumed file's done rows ---- */

/* Reads the whole of a run's one-value-per-trial dataset into buf (trials elements of mtype). */
static int read_column(sgema_output *o, const run_out *r, col_id c, void *buf) {
  return H5Dread(r->dset[c], mem_type(o, columns[c].type), H5S_ALL, H5S_ALL, o->xfer_coll, buf) < 0
             ? -1
             : 0;
}

/* Whether row k, marked done, holds what a finished trial writes: every enum a real value (not
 * the `undone` fill), a status in the table that agrees with the class (0 exactly when not
 * failed), and, unless failed, the drawn lambda and the end time t_end finite. */
static int row_plausible(const uint8_t *cls, const uint8_t *end, const uint8_t *sphere,
                         const int32_t *status, const double *lambda, const double *t_end,
                         size_t k) {
  if (cls[k] >= SGEMA_CLASS_COUNT || end[k] >= SGEMA_END_COUNT || sphere[k] == UNDONE ||
      status[k] < 0 || status[k] >= SGEMA_STATUS_COUNT)
    return 0;
  if (cls[k] == SGEMA_CLASS_FAILED)
    return status[k] != SGEMA_OK;
  return status[k] == SGEMA_OK && isfinite(lambda[k]) && isfinite(t_end[k]);
}

/* Resume: the done flags of run r must be 0 or 1 (anything else is refused, naming the row: the
 * analysis tools count only 1, so the file's meaning is unclear), and every row marked 1 must look
 * finished; those that do not are computed again (r->redo, counted in *redo). Collective reads. */
static const char *run_verify_done(sgema_output *o, run_out *r, sgema_diagnostics *diag,
                                   const char *path, size_t *redo) {
  size_t T = r->trials;
  uint8_t *done = malloc(T), *cls = malloc(T), *end = malloc(T), *sphere = malloc(T);
  int32_t *status = malloc(T * sizeof *status);
  double *lambda = malloc(T * sizeof *lambda), *t_end = malloc(T * sizeof *t_end);
  const char *failed = NULL;
  *redo = 0;
  if (!done || !cls || !end || !sphere || !status || !lambda || !t_end || !(r->redo = calloc(T, 1)))
    failed = "checking the done rows (out of memory)";
  /* Every read on every rank, whatever failed before: they are collective. */
  int bad = H5Dread(r->done, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, o->xfer_coll, done) < 0;
  bad |= read_column(o, r, COL_CLASS, cls) < 0 || read_column(o, r, COL_END, end) < 0 ||
         read_column(o, r, COL_SPHERE, sphere) < 0 || read_column(o, r, COL_STATUS, status) < 0 ||
         read_column(o, r, COL_LAMBDA, lambda) < 0 || read_column(o, r, COL_T_END, t_end) < 0;
  if (!failed && bad)
    failed = "reading the done rows";
  for (size_t k = 0; !failed && k < T; k++) {
    if (done[k] > 1) {
      sgema_diagnostics_add(diag, path, 1, 1, NULL,
                            "cannot resume: /runs/%s/done row %zu holds %u (only 0, not done, and "
                            "1, done, are valid): damaged or edited file",
                            r->name, k, done[k]);
      failed = "";
    } else if (done[k] && !row_plausible(cls, end, sphere, status, lambda, t_end, k)) {
      r->redo[k] = 1;
      (*redo)++;
    }
  }
  free(done);
  free(cls);
  free(end);
  free(sphere);
  free(status);
  free(lambda);
  free(t_end);
  return failed;
}

/* Resume: every run's done rows checked; rows to compute again are named per run in diag (a
 * note, not an error: the open succeeds). */
static const char *runs_verify_done(sgema_output *o, sgema_diagnostics *diag, const char *path) {
  for (size_t i = 0; i < o->nruns; i++) {
    size_t redo = 0;
    const char *failed = run_verify_done(o, &o->runs[i], diag, path, &redo);
    if (failed)
      return failed;
    if (redo)
      sgema_diagnostics_add(diag, path, 1, 1, NULL,
                            "note: run `%s`: %zu row%s marked done hold%s fill values or NaN where "
                            "a finished trial cannot (damaged or edited file): computed again",
                            o->runs[i].name, redo, redo == 1 ? "" : "s", redo == 1 ? "s" : "");
  }
  return NULL;
}

/* The root group's attributes of a new file. */
static const char *root_create(sgema_output *o, const sgema_experiment *e,
                               const sgema_output_info *info) {
  hid_t root = o->file;
  char now[32];
  utc_now(now);
  size_t len;
  const char *source = sgema_experiment_source(e, &len);
  char *resolved = sgema_experiment_resolved(e, SGEMA_EXPERIMENT_YAML);
  if (!resolved)
    return "rendering the resolved experiment (out of memory)";
  int bad =
      attr_str(o, root, "experiment", sgema_experiment_name(e)) < 0 ||
      attr_u64(root, "seed", sgema_experiment_seed(e)) < 0 ||
      attr_str(o, root, "description", sgema_experiment_description(e)) < 0 ||
      attr_str(o, root, "source", source) < 0 || attr_str(o, root, "resolved", resolved) < 0 ||
      attr_str(o, root, "selection", sgema_experiment_selection(e)) < 0 ||
      attr_str(o, root, "program_version", info->version) < 0 ||
      attr_str(o, root, "build_flags", info->build_flags) < 0 ||
      attr_str(o, root, "command", info->command) < 0 || attr_i32(root, "ranks", info->ranks) < 0 ||
      attr_str(o, root, "host", info->host) < 0 ||
      attr_str(o, root, "start_time", info->start_time ? info->start_time : now) < 0 ||
      attr_str(o, root, "end_time", "") < 0 || attr_i32(root, "complete", 0) < 0 ||
      attr_i32(root, "resumed", 0) < 0 || attr_i32(root, "format_version", FORMAT_VERSION) < 0;
  free(resolved);
  return bad ? "writing the root attributes" : NULL;
}

/* A file made with --runs or --select holds only those runs: a resume must select the same ones,
 * said the same way (files without the attribute hold every run). */
static const char *selection_check(sgema_output *o, const sgema_experiment *e,
                                   sgema_diagnostics *diag, const char *path) {
  char *stored = NULL;
  size_t len = 0;
  htri_t has = H5Aexists(o->file, "selection");
  if (has < 0 || (has > 0 && attr_read_str(o, o->file, "selection", &stored, &len) < 0))
    return "reading the stored run selection";
  const char *now = sgema_experiment_selection(e), *then = stored ? stored : "";
  int same = strcmp(now, then) == 0;
  if (!same)
    sgema_diagnostics_add(diag, path, 1, 1, NULL,
                          "cannot resume: the file holds %s%s%s but this command asks for %s%s%s "
                          "(give the same --runs/--select as when it was created)",
                          then[0] ? "the runs of `" : "every run", then, then[0] ? "`" : "",
                          now[0] ? "the runs of `" : "every run", now, now[0] ? "`" : "");
  free(stored);
  return same ? NULL : "";
}

/* Checks that the file being resumed holds this experiment: same format, same seed and run
 * selection (the runs themselves: run_reopen). Returns NULL, "" (reason already in diag) or what
 * failed. */
static const char *root_check(sgema_output *o, const sgema_experiment *e, sgema_diagnostics *diag,
                              const char *path) {
  int version;
  if (attr_read_i32(o->file, "format_version", &version) < 0)
    return "reading the format version (not an sgema results file?)";
  if (version != FORMAT_VERSION) {
    sgema_diagnostics_add(diag, path, 1, 1, NULL, "has format version %d; this program writes %d",
                          version, FORMAT_VERSION);
    return "";
  }
  /* The runs are compared one by one (run_same_settings), not the YAML text; the seed here. */
  uint64_t seed = 0;
  hid_t a = attr_open_one(o->file, "seed");
  herr_t rd = a < 0 ? -1 : H5Aread(a, H5T_NATIVE_UINT64, &seed);
  if (a >= 0)
    H5Aclose(a);
  if (rd < 0)
    return "reading the stored seed";
  if (seed != sgema_experiment_seed(e)) {
    sgema_diagnostics_add(diag, path, 1, 1, NULL,
                          "cannot resume: the file was written with seed %llu, %s has seed %llu",
                          (unsigned long long)seed, sgema_experiment_path(e),
                          (unsigned long long)sgema_experiment_seed(e));
    return "";
  }
  return selection_check(o, e, diag, path);
}

/* Attribute name of the root as a string equals text (1), differs (0), or cannot be read (-1). */
static int root_str_equals(sgema_output *o, const char *name, const char *text) {
  char *stored = NULL;
  size_t len = 0;
  if (attr_read_str(o, o->file, name, &stored, &len) < 0)
    return -1;
  int same = strcmp(stored, text) == 0;
  free(stored);
  return same;
}

/* After a successful resume check: the experiment as now written (a comment added, trials
 * raised) replaces the stored source and resolved form, so that they describe the file. Only when
 * they differ: a resume of the same experiment writes no new metadata (on a full disk, new
 * metadata would fail in the open, where HDF5 1.10 cannot recover: see output.h). */
static const char *root_update(sgema_output *o, const sgema_experiment *e) {
  const char *source = sgema_experiment_source(e, NULL);
  char *resolved = sgema_experiment_resolved(e, SGEMA_EXPERIMENT_YAML);
  if (!resolved)
    return "updating the stored experiment (out of memory)";
  int same_source = root_str_equals(o, "source", source);
  int same_resolved = root_str_equals(o, "resolved", resolved);
  int bad = same_source < 0 || same_resolved < 0 ||
            (!same_source && attr_str(o, o->file, "source", source) < 0) ||
            (!same_resolved && attr_str(o, o->file, "resolved", resolved) < 0);
  free(resolved);
  return bad ? "updating the stored experiment" : NULL;
}

static const char *resume_count(sgema_output *o) {
  int resumed = 0;
  if (attr_read_i32(o->file, "resumed", &resumed) < 0 ||
      attr_i32(o->file, "resumed", resumed + 1) < 0 || attr_i32(o->file, "complete", 0) < 0)
    return "updating the root attributes";
  return NULL;
}

int sgema_output_open(sgema_output **out, MPI_Comm comm, const sgema_experiment *e,
                      const sgema_output_info *info, sgema_diagnostics *diag) {
  if (!out || !e || !info || !info->path)
    return SGEMA_EINVAL;
  *out = NULL;
  const char *path = info->path;
  sgema_output *o = calloc(1, sizeof *o);
  if (!o)
    return SGEMA_ENOMEM;
  o->file = o->xfer_coll = o->xfer_indep = o->str_type = -1;
  for (int k = 0; k < ENUM_COUNT; k++)
    o->enums[k] = -1;
  err_reset(&o->err);
  if (!(o->path = strdup(path))) {
    free(o);
    return SGEMA_ENOMEM;
  }
  /* Failures come back as statuses with HDF5's reasons in diag; HDF5 must not print. */
  H5Eget_auto2(H5E_DEFAULT, &o->old_func, &o->old_data);
  H5Eset_auto2(H5E_DEFAULT, err_handler, &o->err);

  o->nruns = sgema_experiment_run_count(e);
  o->runs = calloc(o->nruns ? o->nruns : 1, sizeof *o->runs);
  if (!o->runs) {
    output_free(o);
    return SGEMA_ENOMEM;
  }
  for (size_t i = 0; i < o->nruns; i++) {
    if (run_init(&o->runs[i], sgema_experiment_run(e, i)) < 0) {
      o->nruns = i + 1;
      output_free(o);
      return SGEMA_ENOMEM;
    }
  }

  const char *failed = NULL;
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  o->str_type = H5Tcopy(H5T_C_S1);
  o->xfer_coll = H5Pcreate(H5P_DATASET_XFER);
  o->xfer_indep = H5Pcreate(H5P_DATASET_XFER);
  o->enums[ENUM_CLASS] = enum_type(SGEMA_CLASS_COUNT, class_name);
  o->enums[ENUM_END] = enum_type(SGEMA_END_COUNT, end_name);
  o->enums[ENUM_SPHERE] = enum_type(SGEMA_SPHERE_S2 + 1, sphere_name);
  /* Metadata writes are collective (they happen at open, flush and close, where every rank is).
   * Metadata reads stay independent: a collective read would need every rank to look up the
   * same chunks, and a rank with no rows looks up none. */
  if (fapl < 0 || H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL) < 0 ||
      H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0 || H5Pset_coll_metadata_write(fapl, 1) < 0 ||
      o->str_type < 0 || H5Tset_size(o->str_type, H5T_VARIABLE) < 0 ||
      H5Tset_cset(o->str_type, H5T_CSET_UTF8) < 0 || o->xfer_coll < 0 ||
      H5Pset_dxpl_mpio(o->xfer_coll, H5FD_MPIO_COLLECTIVE) < 0 || o->xfer_indep < 0 ||
      H5Pset_dxpl_mpio(o->xfer_indep, H5FD_MPIO_INDEPENDENT) < 0 || o->enums[ENUM_CLASS] < 0 ||
      o->enums[ENUM_END] < 0 || o->enums[ENUM_SPHERE] < 0)
    failed = "setting up the HDF5 types and property lists";

  if (!failed && !info->resume) {
    o->file = H5Fcreate(path, H5F_ACC_EXCL, H5P_DEFAULT, fapl);
    if (o->file < 0) {
      if (access(path, F_OK) == 0) {
        sgema_diagnostics_add(diag, path, 1, 1, NULL,
                              "exists (resume it, or remove it to start afresh)");
        failed = "";
      } else {
        failed = "creating the file";
      }
    }
    if (!failed)
      sgema_output_test_die(1);
    if (!failed)
      failed = root_create(o, e, info);
    if (!failed)
      sgema_output_test_die(2);
    hid_t runs = -1;
    if (!failed && (runs = group_create(o->file, "runs")) < 0)
      failed = "creating /runs";
    for (size_t i = 0; !failed && i < o->nruns; i++) {
      failed = run_create(o, runs, &o->runs[i], sgema_experiment_run(e, i));
      if (!failed && i == 0)
        sgema_output_test_die(3);
    }
    if (runs >= 0)
      H5Gclose(runs);
  } else if (!failed) {
    /* Not HDF5 at all (empty, cut before its superblock, another kind of file): refused before
     * opening it for writing, which would otherwise write a superblock into it. */
    if (access(path, F_OK) == 0 && H5Fis_hdf5(path) <= 0) {
      sgema_diagnostics_add(diag, path, 1, 1, NULL,
                            "cannot resume: not an HDF5 file (empty, truncated or another kind "
                            "of file)");
      failed = "";
    }
    if (!failed && access(path, F_OK) == 0)
      failed = storage_precheck(path, diag);
    if (!failed && (o->file = H5Fopen(path, H5F_ACC_RDWR, fapl)) < 0)
      failed = "opening the file to resume it";
    if (!failed)
      failed = root_check(o, e, diag, path);
    hid_t runs = -1;
    H5G_info_t ginfo;
    if (!failed &&
        ((runs = H5Gopen2(o->file, "runs", H5P_DEFAULT)) < 0 || H5Gget_info(runs, &ginfo) < 0))
      failed = "opening /runs";
    if (!failed && ginfo.nlinks != o->nruns) {
      sgema_diagnostics_add(diag, path, 1, 1, NULL, "has %llu runs; the experiment has %zu",
                            (unsigned long long)ginfo.nlinks, o->nruns);
      failed = "";
    }
    for (size_t i = 0; !failed && i < o->nruns; i++)
      failed = run_reopen(o, runs, &o->runs[i], sgema_experiment_run(e, i), diag, path);
    if (runs >= 0)
      H5Gclose(runs);
    if (!failed)
      failed = root_update(o, e);
    if (!failed)
      failed = runs_verify_done(o, diag, path);
    if (!failed)
      failed = resume_count(o);
  }
  /* The new file's metadata on disk before any raw data: from here on only raw data is written. */
  if (!failed && H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0)
    failed = "flushing the new file";
  if (!failed && !info->resume)
    sgema_output_test_die(4);
  if (fapl >= 0)
    H5Pclose(fapl);
  if (failed) {
    if (failed[0])
      h5_diag(diag, &o->err, path, failed);
    /* A file this call created but could not finish holds nothing: emptied first, so that the
     * close's metadata writes find room on a full disk (a close that fails leaves HDF5 1.10 with a
     * file it crashes on at exit), then removed (every rank tries; all but one find it gone). */
    int created = !info->resume && o->file >= 0;
    if (created && truncate(path, 0) != 0)
      created = errno != ENOENT;
    output_free(o);
    if (created)
      unlink(path);
    return SGEMA_EIO;
  }
  *out = o;
  return SGEMA_OK;
}

/* ---- staging ---- */

static void put_f64(unsigned char *dst, double x) {
  memcpy(dst, &x, sizeof x);
}
static void put_i64(unsigned char *dst, long x) {
  int64_t v = x;
  memcpy(dst, &v, sizeof v);
}

/* Row c of rec into dst (row_bytes[c] bytes). */
static void column_get(col_id c, const sgema_record *rec, const run_out *r, unsigned char *dst) {
  const sgema_problem *p = &rec->problem;
  const sgema_integration_stats *in = &rec->integ;
  const sgema_limit *l = &rec->limit;
  const sgema_verification *v = &rec->verify;
  switch (c) {
  case COL_LAMBDA:
    put_f64(dst, p->lambda);
    break;
  case COL_SXX:
    memcpy(dst, p->Sxx, r->mm * sizeof(double));
    break;
  case COL_SYX:
    memcpy(dst, p->Syx, r->mm * sizeof(double));
    break;
  case COL_SYY:
    memcpy(dst, p->Syy, r->mm * sizeof(double));
    break;
  case COL_Y0:
    memcpy(dst, rec->y0, r->N * sizeof(double));
    break;
  case COL_DRAWS:
    put_i64(dst, rec->draws);
    break;
  case COL_CLASS:
    *dst = (uint8_t)l->cls;
    break;
  case COL_END:
    *dst = (uint8_t)in->end;
    break;
  case COL_STATUS: {
    int32_t s = rec->status;
    memcpy(dst, &s, sizeof s);
    break;
  }
  case COL_SPHERE:
    *dst = (uint8_t)l->sphere;
    break;
  case COL_SPHERE_AGREES:
    *(int8_t *)dst = (int8_t)l->sphere_agrees;
    break;
  case COL_RANK:
    *(int8_t *)dst = (int8_t)l->rank;
    break;
  case COL_MAX_REAL_EIG:
    put_f64(dst, l->max_re);
    break;
  case COL_SYMMETRY_ZEROS: {
    int32_t z = l->symmetry_zeros;
    memcpy(dst, &z, sizeof z);
    break;
  }
  case COL_A_NORM:
    put_f64(dst, l->a_norm);
    break;
  case COL_DELTA:
    put_f64(dst, l->delta);
    break;
  case COL_R1:
    put_f64(dst, l->r1);
    break;
  case COL_R2:
    put_f64(dst, l->r2);
    break;
  case COL_T_END:
    put_f64(dst, in->t_end);
    break;
  case COL_FIELD_NORM:
    put_f64(dst, in->f_norm);
    break;
  case COL_STEPS:
    put_i64(dst, in->steps);
    break;
  case COL_REJECTED:
    put_i64(dst, in->rejected);
    break;
  case COL_RHS_EVALS:
    put_i64(dst, in->rhs_evals);
    break;
  case COL_JAC_EVALS:
    put_i64(dst, in->jac_evals);
    break;
  case COL_Y_END:
    memcpy(dst, rec->y_end, r->N * sizeof(double));
    break;
  case COL_EQ6:
    put_f64(dst, v->eq6);
    break;
  case COL_EQ7:
    put_f64(dst, v->eq7);
    break;
  case COL_BALANCE:
    put_f64(dst, v->balance);
    break;
  case COL_INVARIANT_DRIFT:
    put_f64(dst, v->invariant_drift);
    break;
  case COL_INVARIANT_T:
    put_f64(dst, v->invariant_t);
    break;
  case COL_C_MINUS_A:
    put_f64(dst, v->c_minus_a);
    break;
  case COL_EBAR_START:
    put_f64(dst, v->ebar_start);
    break;
  case COL_EBAR_END:
    put_f64(dst, v->ebar_end);
    break;
  case COL_FBAR_START:
    put_f64(dst, v->fbar_start);
    break;
  case COL_FBAR_END:
    put_f64(dst, v->fbar_end);
    break;
  case COL_COUNT:
    break;
  }
}

/* Room for one more staged row: the buffers double, so a run's staging settles after a few
 * flushes and is reused from then on. */
static int run_reserve(run_out *r) {
  if (r->staged < r->cap)
    return 0;
  size_t cap = r->cap ? 2 * r->cap : 64;
  uint32_t *trial = realloc(r->trial, cap * sizeof *trial);
  if (!trial)
    return -1;
  r->trial = trial;
  for (int c = 0; c < COL_COUNT; c++) {
    unsigned char *b = realloc(r->buf[c], cap * r->row_bytes[c]);
    if (!b)
      return -1;
    r->buf[c] = b;
  }
  r->cap = cap;
  return 0;
}

static int traj_stage(run_out *r, traj_out *t, const sgema_trajectory *traj) {
  size_t P = r->points, N = r->N, count = sgema_trajectory_count(traj);
  if (count > P)
    return SGEMA_EINVAL;
  if (!t->buf && !(t->buf = malloc(P * (N + 3) * sizeof(double))))
    return SGEMA_ENOMEM;
  double *tt = t->buf, *st = tt + P, *eb = st + P * N, *fb = eb + P;
  for (size_t i = 0; i < count; i++) {
    tt[i] = sgema_trajectory_time(traj, i);
    memcpy(st + i * N, sgema_trajectory_state(traj, i), N * sizeof(double));
    eb[i] = sgema_trajectory_ebar(traj, i);
    fb[i] = sgema_trajectory_fbar(traj, i);
  }
  t->points = count;
  t->staged = 1;
  return SGEMA_OK;
}

int sgema_output_stage(sgema_output *o, size_t run, uint32_t trial, const sgema_record *rec,
                       const sgema_trajectory *traj) {
  if (!o || run >= o->nruns || !rec || !rec->y0 || !rec->y_end)
    return SGEMA_EINVAL;
  run_out *r = &o->runs[run];
  if (trial >= r->trials || r->is_staged[trial] || rec->problem.m != r->m ||
      rec->problem.n != r->n || sgema_problem_dim(&rec->problem) != r->N ||
      (traj && trial >= r->traj_count))
    return SGEMA_EINVAL;
  if (run_reserve(r) < 0)
    return SGEMA_ENOMEM;
  if (traj) {
    int st = traj_stage(r, &r->traj[trial], traj);
    if (st != SGEMA_OK)
      return st;
  }
  size_t slot = r->staged++;
  r->trial[slot] = trial;
  r->is_staged[trial] = 1;
  for (int c = 0; c < COL_COUNT; c++)
    column_get((col_id)c, rec, r, r->buf[c] + slot * r->row_bytes[c]);
  return SGEMA_OK;
}

/* ---- flushing ---- */

static int grow(void **p, size_t *cap, size_t need) {
  if (need <= *cap)
    return 0;
  void *q = realloc(*p, need);
  if (!q)
    return -1;
  *p = q;
  *cap = need;
  return 0;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* Selects in space (rank 1 to 3, the run's trials first) the rows of the sorted trials, each
 * contiguous block as one hyperslab; or nothing when there are none. */
static int select_rows(hid_t space, const uint64_t *order, size_t count) {
  if (count == 0)
    return H5Sselect_none(space) < 0 ? -1 : 0;
  hsize_t dims[3];
  int rank = H5Sget_simple_extent_dims(space, dims, NULL);
  if (rank < 1)
    return -1;
  hsize_t start[3] = {0, 0, 0}, block[3], ones[3] = {1, 1, 1};
  for (int i = 1; i < rank; i++)
    block[i] = dims[i];
  H5S_seloper_t op = H5S_SELECT_SET;
  for (size_t i = 0; i < count;) {
    size_t j = i + 1;
    while (j < count && (order[j] >> 32) == (order[j - 1] >> 32) + 1)
      j++;
    start[0] = order[i] >> 32;
    block[0] = j - i;
    if (H5Sselect_hyperslab(space, op, start, NULL, ones, block) < 0)
      return -1;
    op = H5S_SELECT_OR;
    i = j;
  }
  return 0;
}

/* One collective write of a staged column: every rank its sorted rows (possibly none). */
static int write_rows(sgema_output *o, hid_t dset, hid_t mtype, const uint64_t *order, size_t count,
                      const void *mem) {
  hid_t fspace = H5Dget_space(dset);
  if (fspace < 0)
    return -1;
  hsize_t dims[3];
  int rank = H5Sget_simple_extent_dims(fspace, dims, NULL);
  dims[0] = count ? count : 1;
  hid_t mspace = rank < 1 ? -1 : H5Screate_simple(rank, dims, NULL);
  int st = -1;
  if (mspace >= 0 && select_rows(fspace, order, count) == 0 &&
      (count || H5Sselect_none(mspace) >= 0))
    st = H5Dwrite(dset, mtype, mspace, fspace, o->xfer_coll, mem) < 0 ? -1 : 0;
  if (mspace >= 0)
    H5Sclose(mspace);
  H5Sclose(fspace);
  return st;
}

/* Writes the first `rows` rows of a trajectory dataset (independent: only its owner writes). */
static int write_prefix(sgema_output *o, hid_t dset, size_t rows, const double *mem) {
  hid_t fspace = H5Dget_space(dset);
  if (fspace < 0)
    return -1;
  hsize_t dims[2];
  int rank = H5Sget_simple_extent_dims(fspace, dims, NULL);
  hsize_t start[2] = {0, 0};
  dims[0] = rows;
  hid_t mspace = rank < 1 ? -1 : H5Screate_simple(rank, dims, NULL);
  int st = -1;
  if (mspace >= 0 && H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, dims, NULL) >= 0)
    st = H5Dwrite(dset, H5T_NATIVE_DOUBLE, mspace, fspace, o->xfer_indep, mem) < 0 ? -1 : 0;
  if (mspace >= 0)
    H5Sclose(mspace);
  H5Sclose(fspace);
  return st;
}

static int traj_write(sgema_output *o, const run_out *r, traj_out *t) {
  size_t P = r->points, N = r->N, c = t->points;
  const double *tt = t->buf, *st = tt + P, *eb = st + P * N, *fb = eb + P;
  int bad = 0;
  if (c > 0)
    bad = write_prefix(o, t->t, c, tt) < 0 || write_prefix(o, t->state, c, st) < 0 ||
          write_prefix(o, t->ebar, c, eb) < 0 || write_prefix(o, t->fbar, c, fb) < 0;
  int64_t count = (int64_t)c;
  if (!bad && H5Dwrite(t->count, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, o->xfer_indep, &count) < 0)
    bad = 1;
  return bad ? -1 : 0;
}

/* Sorts run r's staged rows by trial into o->order (trial << 32 | slot). */
static int run_order(sgema_output *o, const run_out *r) {
  size_t cap = o->order_cap * sizeof *o->order;
  if (grow((void **)&o->order, &cap, r->staged * sizeof *o->order) < 0)
    return -1;
  o->order_cap = cap / sizeof *o->order;
  for (size_t i = 0; i < r->staged; i++)
    o->order[i] = (uint64_t)r->trial[i] << 32 | i;
  if (r->staged > 1) /* qsort's array must not be NULL, even for 0 rows (UBSan) */
    qsort(o->order, r->staged, sizeof *o->order, cmp_u64);
  return 0;
}

/* Run r's data: its trajectories, then every column in table order. A local failure (out of
 * memory) still takes part in every collective write, with no rows, so that no rank is left
 * waiting; the status reports it. */
static int run_flush_data(sgema_output *o, run_out *r) {
  int bad = 0;
  for (size_t k = 0; k < r->traj_count; k++)
    if (r->traj[k].staged && traj_write(o, r, &r->traj[k]) < 0)
      bad = 1;
  size_t need = 0;
  for (int c = 0; c < COL_COUNT; c++)
    if (r->staged * r->row_bytes[c] > need)
      need = r->staged * r->row_bytes[c];
  size_t count = r->staged;
  if (run_order(o, r) < 0 || grow((void **)&o->scratch, &o->scratch_cap, need) < 0) {
    bad = 1;
    count = 0;
  }
  for (int c = 0; c < COL_COUNT; c++) {
    size_t rb = r->row_bytes[c];
    for (size_t i = 0; i < count; i++)
      memcpy(o->scratch + i * rb, r->buf[c] + (o->order[i] & 0xffffffffu) * rb, rb);
    if (write_rows(o, r->dset[c], mem_type(o, columns[c].type), o->order, count, o->scratch) < 0)
      bad = 1;
  }
  return bad ? -1 : (int)count;
}

size_t sgema_output_row_bytes(const sgema_experiment *e) {
  size_t most = 0;
  for (size_t i = 0; i < sgema_experiment_run_count(e); i++) {
    const sgema_settings *s = &sgema_experiment_run(e, i)->settings;
    size_t N = sgema_problem_dim_for(s->alg, s->m, s->n), mm = (size_t)s->m * s->m, row = 0;
    for (int c = 0; c < COL_COUNT; c++)
      row += (columns[c].shape == SHAPE_MM  ? mm
              : columns[c].shape == SHAPE_N ? N
                                            : 1) *
             type_size(columns[c].type);
    most = row > most ? row : most;
  }
  return most;
}

/* Metadata measured per dataset (object header, chunk index): 2.2 to 2.8 KiB; and the root's
 * attributes (the experiment's source and resolved text). Rounded up. */
#define META_PER_DATASET 4096.0
#define META_ROOT 65536.0

double sgema_output_bytes(const sgema_experiment *e) {
  size_t len = 0;
  sgema_experiment_source(e, &len);
  double total = META_ROOT + 2.0 * (double)len;
  for (size_t i = 0; i < sgema_experiment_run_count(e); i++) {
    const sgema_run_spec *spec = sgema_experiment_run(e, i);
    const sgema_settings *s = &spec->settings;
    double N = (double)sgema_problem_dim_for(s->alg, s->m, s->n), mm = (double)s->m * s->m;
    double row = 1.0; /* the done flag */
    for (int c = 0; c < COL_COUNT; c++)
      row += (columns[c].shape == SHAPE_MM  ? mm
              : columns[c].shape == SHAPE_N ? N
                                            : 1.0) *
             (double)type_size(columns[c].type);
    uint32_t traj =
        spec->record.trajectories < spec->trials ? spec->record.trajectories : spec->trials;
    total += row * spec->trials +
             (double)traj * ((double)spec->record.points * (N + 3.0) + 1.0) * 8.0 +
             META_PER_DATASET * (COL_COUNT + 1.0 + 5.0 * traj);
  }
  return total;
}

/* Keeps "PATH: what failed: reason" for sgema_output_error. */
static void keep_error(const sgema_output *o, const char *what) {
  char msg[768];
  err_format(&o->err, o->path, what, msg, sizeof msg);
  snprintf(last_error, sizeof last_error, "%s: %s", o->path, msg);
}

int sgema_output_set_path(sgema_output *o, const char *path) {
  char *copy = strdup(path);
  if (!copy)
    return SGEMA_ENOMEM;
  free(o->path);
  o->path = copy;
  return SGEMA_OK;
}

const char *sgema_output_error(void) {
  return last_error;
}

int sgema_output_unclean(void) {
  return unclean_close;
}

int sgema_output_flush(sgema_output *o) {
  if (!o)
    return SGEMA_EINVAL;
  err_reset(&o->err);
  int bad = 0;
  size_t *written = calloc(o->nruns ? o->nruns : 1, sizeof *written);
  for (size_t i = 0; i < o->nruns; i++) {
    int n = run_flush_data(o, &o->runs[i]);
    if (n < 0)
      bad = 1;
    if (written)
      written[i] = n > 0 ? (size_t)n : 0;
  }
  if (!written)
    bad = 1;
  /* The data reaches the file before any of its done flags, so that a kill between the two
   * never marks a row done whose data is missing; and a rank whose data did not reach it (a full
   * disk) marks none of its rows done (it still takes part in the collective writes). */
  if (H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0)
    bad = 1;
  int data_bad = bad;
  for (size_t i = 0; i < o->nruns; i++) {
    run_out *r = &o->runs[i];
    size_t count = written && !data_bad ? written[i] : 0;
    /* o->order no longer holds this run's rows: sort again (cheap next to the I/O). */
    if (count && run_order(o, r) < 0)
      count = 0, bad = 1;
    if (count && grow((void **)&o->scratch, &o->scratch_cap, count) < 0)
      count = 0, bad = 1;
    if (count)
      memset(o->scratch, 1, count);
    if (write_rows(o, r->done, H5T_NATIVE_UINT8, o->order, count, o->scratch) < 0)
      bad = 1;
  }
  if (H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0)
    bad = 1;
  free(written);
  for (size_t i = 0; i < o->nruns; i++) {
    run_out *r = &o->runs[i];
    for (size_t k = 0; k < r->staged; k++)
      r->is_staged[r->trial[k]] = 0;
    r->staged = 0;
    for (size_t k = 0; k < r->traj_count; k++)
      r->traj[k].staged = 0;
  }
  if (bad) {
    keep_error(o, "writing results");
    unclean_close = 1; /* HDF5's view of the file may now differ between processes */
  }
  return bad ? SGEMA_EIO : SGEMA_OK;
}

/* ---- reading back ---- */

/* Every rank reads the whole of a run's uint8 dataset, collectively. */
static int read_all_u8(sgema_output *o, hid_t dset, hid_t mtype, uint8_t *out) {
  herr_t st = H5Dread(dset, mtype, H5S_ALL, H5S_ALL, o->xfer_coll, out);
  return st < 0 ? SGEMA_EIO : SGEMA_OK;
}

int sgema_output_done(sgema_output *o, size_t run, uint8_t *done) {
  if (!o || run >= o->nruns || !done)
    return SGEMA_EINVAL;
  const run_out *r = &o->runs[run];
  int st = read_all_u8(o, r->done, H5T_NATIVE_UINT8, done);
  for (uint32_t k = 0; st == SGEMA_OK && r->redo && k < r->trials; k++)
    if (r->redo[k])
      done[k] = 0;
  return st;
}

int sgema_output_classes(sgema_output *o, size_t run, uint8_t *cls) {
  if (!o || run >= o->nruns || !cls)
    return SGEMA_EINVAL;
  run_out *r = &o->runs[run];
  uint8_t *done = malloc(r->trials);
  /* Both reads happen on every rank even when this one is out of memory, since they are
   * collective: the done flags then land in cls, and the status says so. */
  int st = read_all_u8(o, r->dset[COL_CLASS], o->enums[ENUM_CLASS], cls);
  int st2 = read_all_u8(o, r->done, H5T_NATIVE_UINT8, done ? done : cls);
  if (!done)
    st2 = SGEMA_ENOMEM;
  if (st == SGEMA_OK)
    st = st2;
  /* A row whose data was written but whose flush was cut short before its done flag is undone. */
  if (st == SGEMA_OK)
    for (uint32_t k = 0; k < r->trials; k++)
      if (!done[k])
        cls[k] = UNDONE;
  free(done);
  return st;
}

int sgema_output_close(sgema_output *o, int complete) {
  return sgema_output_close_at(o, complete, NULL);
}

int sgema_output_close_at(sgema_output *o, int complete, const char *end_time) {
  if (!o)
    return SGEMA_EINVAL;
  char now[32];
  utc_now(now);
  err_reset(&o->err);
  int bad = attr_str(o, o->file, "end_time", end_time ? end_time : now) < 0 ||
            attr_i32(o->file, "complete", complete ? 1 : 0) < 0;
  hid_t file = o->file;
  o->file = -1;
  /* Every object of the file first, then the file itself (a strong close would hide leaks). */
  for (size_t i = 0; i < o->nruns; i++)
    run_free(&o->runs[i]);
  o->nruns = 0;
  if (H5Fclose(file) < 0)
    bad = unclean_close = 1;
  if (bad)
    keep_error(o, "closing the file");
  output_free(o);
  return bad ? SGEMA_EIO : SGEMA_OK;
}
