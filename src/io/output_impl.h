/* The results file writer's private header: the handle, a run's and a trajectory's state, and the
 * helpers its files share (src/io/output_*.c, one concept each; the API is sgema/output.h). */
#ifndef SGEMA_OUTPUT_IMPL_H
#define SGEMA_OUTPUT_IMPL_H

#include "results_format.h"
#include "sgema/output.h"
#include "sgema/status.h"

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

/* The handle's enum types, one per enum column type. */
enum { ENUM_CLASS, ENUM_END, ENUM_SPHERE, ENUM_SOLVER, ENUM_SOLUTION, ENUM_EQCLASS, ENUM_COUNT };

/* The first HDF5 failure's outermost and innermost messages (see output_err_handler), and errno
 * then: the operating system's reason (ENOSPC, EROFS, EACCES) when a write or create failed, which
 * HDF5's messages ("file write failed") do not carry. errno is cleared before each operation. */
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
  int census;                     /* a census run: its sections are inputs, census, equilibria */
  size_t N, mm, k, E;             /* state length, m x m, recorded eigenvalues, equilibria kept */
  size_t row_bytes[RF_COL_COUNT]; /* bytes of one trial's row of each dataset; 0: not the run's */
  hid_t group, sections[RF_SEC_COUNT], trajectories, done;
  hid_t dset[RF_COL_COUNT];
  /* Staging: rows in the order staged, one growable buffer per dataset. */
  size_t staged, cap;
  uint32_t *trial;
  unsigned char *buf[RF_COL_COUNT];
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

/* ---- output_object.c: diagnostics, HDF5 helpers, the handle's end ---- */

/* HDF5's "auto" error function while a handle is open: keeps the first failure in *data (an
 * err_walk) with errno then. */
herr_t output_err_handler(hid_t estack, void *data);
/* Forgets the last failure, before an operation whose failure is to be explained. */
void output_err_reset(err_walk *w);
/* Adds "what failed: OS reason; innermost cause (API call: its message)" for path to diag. */
void output_h5_diag(sgema_diagnostics *diag, const err_walk *w, const char *path, const char *what);
/* Records "PATH: what failed: reason" for sgema_output_error; unclean: and that HDF5 may now
 * hold the file in a state that must not be touched again (sgema_output_unclean). */
void output_failed(const sgema_output *o, const char *what, int unclean);
/* Records that HDF5 was left holding a file it failed to close. */
void output_mark_unclean(void);

/* Attribute name of loc opened to read or write one value; -1 unless it holds exactly one. */
hid_t output_attr_open_one(hid_t loc, const char *name);
/* Writes attribute name of loc (creating it when missing) as a scalar of the named type. */
int output_attr_str(const sgema_output *o, hid_t loc, const char *name, const char *value);
int output_attr_u64(hid_t loc, const char *name, uint64_t v);
int output_attr_u32(hid_t loc, const char *name, uint32_t v);
int output_attr_i32(hid_t loc, const char *name, int v);
int output_attr_f64(hid_t loc, const char *name, double v);
/* Reads a one-value attribute: a string as a malloc'd copy (*len its length), or a number. */
int output_attr_read_str(const sgema_output *o, hid_t loc, const char *name, char **out,
                         size_t *len);
int output_attr_read_u32(hid_t loc, const char *name, uint32_t *v);
int output_attr_read_i32(hid_t loc, const char *name, int *v);
int output_attr_read_f64(hid_t loc, const char *name, double *v);

/* An ISO 8601 UTC time stamp, to the second. */
void output_utc_now(char buf[32]);
/* Memory and file types of a column type (the enums are uint8 and serve as both). */
hid_t output_mem_type(const sgema_output *o, rf_type t);
hid_t output_file_type(const sgema_output *o, rf_type t);
/* A dataset with its storage allocated at creation (chunked by rows when `chunked`), and a group,
 * both without modification times. */
hid_t output_dataset_create(hid_t loc, const char *name, hid_t ftype, hid_t mtype, int rank,
                            const hsize_t *dims, const void *fill, int chunked);
hid_t output_group_create(hid_t loc, const char *name);

/* A trajectory's four float64 datasets: their names and where t keeps their handles. */
extern const char *const output_traj_names[4];
hid_t *output_traj_dset(traj_out *t, int i);

/* Closes everything o holds (the file last), restores HDF5's error printer and frees o. */
void output_free(sgema_output *o);

/* The sizes that shape run r's rows. */
static inline rf_dims output_run_dims(const run_out *r) {
  return (rf_dims){(size_t)r->m, r->N, r->k, r->E};
}

/* ---- output_create.c ---- */

/* Creates the group and datasets of run r's recorded trajectory k; what failed, or NULL. */
const char *output_traj_create(run_out *r, size_t k);

/* A handle for e's runs, to be written at path (nothing opened yet); a status code. */
int output_alloc(sgema_output **out, const sgema_experiment *e, const char *path);

/* The file's HDF5 types and its MPI-IO access through fapl on comm; NULL or what failed. */
const char *output_types(sgema_output *o, hid_t fapl, MPI_Comm comm);

/* Creates a new file at info->path (through fapl) with e's runs; NULL, "" (reason in diag) or
 * what failed. Collective. */
const char *output_create_file(sgema_output *o, const sgema_experiment *e,
                               const sgema_output_info *info, hid_t fapl, sgema_diagnostics *diag);

/* ---- output_resume.c ---- */

/* Reopens path (through fapl) for e and checks that it holds e's runs, adding info's build and
 * numerics to the provenance when they differ; NULL, "" (reason in diag)
 * or what failed. Collective. */
const char *output_reopen(sgema_output *o, const sgema_experiment *e, const char *path, hid_t fapl,
                          const sgema_output_info *info, sgema_diagnostics *diag);

/* ---- output_compare.c ---- */

/* Run r of the file being resumed has spec's settings, stream and recording; NULL, "" (reason in
 * diag) or what failed. */
const char *output_run_same_settings(sgema_output *o, const run_out *r, const sgema_run_spec *spec,
                                     sgema_diagnostics *diag, const char *path);

/* ---- output_check.c ---- */

/* Every run's done rows checked: flags 0 or 1, rows marked done that do not look finished
 * computed again (a note in diag). NULL, "" or what failed. Collective. */
const char *output_runs_verify_done(sgema_output *o, sgema_diagnostics *diag, const char *path);

#endif
