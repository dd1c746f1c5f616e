/* The results file writer's handle: diagnostics from HDF5's error stack, small HDF5 helpers
 * (attributes, datasets, groups), closing, and the process's record of failed writes. */
#define _POSIX_C_SOURCE 200809L

#include "output_impl.h"

#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

/* ---- the process's record of failed writes ----
 * Process-wide rather than a member of the handle, for two reasons. It outlives the handle:
 * sgema_output_close_at frees the handle whether or not the close succeeded, and its caller asks
 * sgema_output_unclean and sgema_output_error afterwards. And what it records is the state of the
 * HDF5 library, which is process-wide too: after a failed write or close HDF5 may hold a file it
 * cannot close, and the whole process must then leave without MPI_Finalize (see output.h). Written
 * only through output_failed and output_mark_unclean. */
static struct {
  char error[1024]; /* the last failure: "PATH: what failed: reason" */
  int unclean;      /* 1 once HDF5 may hold a file it failed to write or close */
} process_record;

void output_mark_unclean(void) {
  process_record.unclean = 1;
}

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

herr_t output_err_handler(hid_t estack, void *data) {
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
void output_err_reset(err_walk *w) {
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
void output_h5_diag(sgema_diagnostics *diag, const err_walk *w, const char *path,
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
hid_t output_attr_open_one(hid_t loc, const char *name) {
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
    a = output_attr_open_one(loc, name); /* an array there (a damaged file) is not written into */
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

int output_attr_str(const sgema_output *o, hid_t loc, const char *name, const char *value) {
  const char *v = value ? value : "";
  return attr_write(loc, name, o->str_type, o->str_type, &v);
}
int output_attr_u64(hid_t loc, const char *name, uint64_t v) {
  return attr_write(loc, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &v);
}
int output_attr_u32(hid_t loc, const char *name, uint32_t v) {
  return attr_write(loc, name, H5T_STD_U32LE, H5T_NATIVE_UINT32, &v);
}
int output_attr_i32(hid_t loc, const char *name, int v) {
  int32_t x = v;
  return attr_write(loc, name, H5T_STD_I32LE, H5T_NATIVE_INT32, &x);
}
int output_attr_f64(hid_t loc, const char *name, double v) {
  return attr_write(loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v);
}

/* Reads a string attribute (malloc'd copy in *out, NUL-terminated, length in *len). */
int output_attr_read_str(const sgema_output *o, hid_t loc, const char *name, char **out,
                         size_t *len) {
  *out = NULL;
  hid_t a = output_attr_open_one(loc, name);
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

int output_attr_read_u32(hid_t loc, const char *name, uint32_t *v) {
  hid_t a = output_attr_open_one(loc, name);
  if (a < 0)
    return -1;
  herr_t st = H5Aread(a, H5T_NATIVE_UINT32, v);
  H5Aclose(a);
  return st < 0 ? -1 : 0;
}

int output_attr_read_i32(hid_t loc, const char *name, int *v) {
  int32_t x;
  hid_t a = output_attr_open_one(loc, name);
  if (a < 0)
    return -1;
  herr_t st = H5Aread(a, H5T_NATIVE_INT32, &x);
  H5Aclose(a);
  *v = x;
  return st < 0 ? -1 : 0;
}

int output_attr_read_f64(hid_t loc, const char *name, double *v) {
  hid_t a = output_attr_open_one(loc, name);
  if (a < 0)
    return -1;
  herr_t st = H5Aread(a, H5T_NATIVE_DOUBLE, v);
  H5Aclose(a);
  return st < 0 ? -1 : 0;
}

/* An ISO 8601 UTC time stamp, to the second. */
void output_utc_now(char buf[32]) {
  time_t now = time(NULL);
  struct tm tm;
  if (gmtime_r(&now, &tm))
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
  else
    snprintf(buf, 32, "unknown");
}

/* Memory and file types of a column (the enums are uint8 and serve as both). */
hid_t output_mem_type(const sgema_output *o, rf_type t) {
  switch (t) {
  case RF_T_F64:
    return H5T_NATIVE_DOUBLE;
  case RF_T_I64:
    return H5T_NATIVE_INT64;
  case RF_T_I32:
    return H5T_NATIVE_INT32;
  case RF_T_I8:
    return H5T_NATIVE_INT8;
  case RF_T_U8:
    return H5T_NATIVE_UINT8;
  case RF_T_CLASS:
    return o->enums[ENUM_CLASS];
  case RF_T_END:
    return o->enums[ENUM_END];
  case RF_T_SOLVER:
    return o->enums[ENUM_SOLVER];
  case RF_T_SOLUTION:
    return o->enums[ENUM_SOLUTION];
  case RF_T_EQCLASS:
    return o->enums[ENUM_EQCLASS];
  default:
    return o->enums[ENUM_SPHERE];
  }
}

hid_t output_file_type(const sgema_output *o, rf_type t) {
  switch (t) {
  case RF_T_F64:
    return H5T_IEEE_F64LE;
  case RF_T_I64:
    return H5T_STD_I64LE;
  case RF_T_I32:
    return H5T_STD_I32LE;
  case RF_T_I8:
    return H5T_STD_I8LE;
  case RF_T_U8:
    return H5T_STD_U8LE;
  default:
    return output_mem_type(o, t);
  }
}

/* Creates a dataset of dims (rank 0: a scalar; else rank 1 to 3) with fill value *fill (of type
 * mtype), its storage allocated at creation: chunked by rows when `chunked`, else contiguous. Why
 * early allocation and no filters: raw writes then never touch the file's metadata (chunk
 * addresses are fixed), so a run killed at any moment leaves the metadata as the last flush wrote
 * it and the file readable (docs/FORMAT.md). */
hid_t output_dataset_create(hid_t loc, const char *name, hid_t ftype, hid_t mtype, int rank,
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
    hsize_t rows = RF_CHUNK_BYTES / (row ? row : 1);
    if (rows > RF_CHUNK_ROWS)
      rows = RF_CHUNK_ROWS;
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
hid_t output_group_create(hid_t loc, const char *name) {
  hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
  if (gcpl < 0)
    return -1;
  hid_t g = -1;
  if (H5Pset_obj_track_times(gcpl, 0) >= 0)
    g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
  H5Pclose(gcpl);
  return g;
}

/* ---- the object ---- */

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
  for (int c = 0; c < RF_COL_COUNT; c++) {
    h5_close_id(&r->dset[c], H5Dclose);
    free(r->buf[c]);
  }
  h5_close_id(&r->done, H5Dclose);
  for (int s = 0; s < RF_SEC_COUNT; s++)
    h5_close_id(&r->sections[s], H5Gclose);
  h5_close_id(&r->trajectories, H5Gclose);
  h5_close_id(&r->group, H5Gclose);
  free(r->trial);
  free(r->is_staged);
  free(r->redo);
  free(r->name);
}

void output_free(sgema_output *o) {
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
    output_mark_unclean();
  o->file = -1;
  free(o->scratch);
  free(o->order);
  free(o->path);
  H5Eset_auto2(H5E_DEFAULT, o->old_func, o->old_data);
  free(o);
}

const char *const output_traj_names[4] = {RF_TRAJ_T, RF_TRAJ_STATE, RF_TRAJ_EBAR, RF_TRAJ_FBAR};

hid_t *output_traj_dset(traj_out *t, int i) {
  hid_t *d[4] = {&t->t, &t->state, &t->ebar, &t->fbar};
  return d[i];
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

void output_failed(const sgema_output *o, const char *what, int unclean) {
  char msg[768];
  err_format(&o->err, o->path, what, msg, sizeof msg);
  snprintf(process_record.error, sizeof process_record.error, "%s: %s", o->path, msg);
  if (unclean)
    output_mark_unclean();
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
  return process_record.error;
}

int sgema_output_unclean(void) {
  return process_record.unclean;
}

int sgema_output_close(sgema_output *o, int complete) {
  return sgema_output_close_at(o, complete, NULL);
}

int sgema_output_close_at(sgema_output *o, int complete, const char *end_time) {
  if (!o)
    return SGEMA_EINVAL;
  char now[32];
  output_utc_now(now);
  output_err_reset(&o->err);
  int bad = output_attr_str(o, o->file, RF_ROOT(END_TIME), end_time ? end_time : now) < 0 ||
            output_attr_i32(o->file, RF_ROOT(COMPLETE), complete ? 1 : 0) < 0;
  hid_t file = o->file;
  o->file = -1;
  /* Every object of the file first, then the file itself (a strong close would hide leaks). */
  for (size_t i = 0; i < o->nruns; i++)
    run_free(&o->runs[i]);
  o->nruns = 0;
  int unclean = 0;
  if (H5Fclose(file) < 0)
    bad = unclean = 1;
  if (bad)
    output_failed(o, "closing the file", unclean);
  output_free(o);
  return bad ? SGEMA_EIO : SGEMA_OK;
}
