/* Checking a resumed file's done rows: flags 0 or 1, and rows marked done that look finished. */
#define _POSIX_C_SOURCE 200809L

#include "output_impl.h"

#include <math.h>
#include <stdlib.h>

/* Reads the whole of a run's one-value-per-trial dataset into buf (trials elements of mtype). */
static int read_column(sgema_output *o, const run_out *r, rf_col c, void *buf) {
  return H5Dread(r->dset[c], output_mem_type(o, rf_column_info((rf_col)c)->type), H5S_ALL, H5S_ALL,
                 o->xfer_coll, buf) < 0
             ? -1
             : 0;
}

/* Whether row k, marked done, holds what a finished trial writes: every enum a real value (not
 * the `undone` fill), a status in the table that agrees with the class (0 exactly when not
 * failed), and, unless failed, the drawn lambda and the end time t_end finite. */
static int row_plausible(const uint8_t *cls, const uint8_t *end, const uint8_t *sphere,
                         const int32_t *status, const double *lambda, const double *t_end,
                         size_t k) {
  if (cls[k] >= SGEMA_CLASS_COUNT || end[k] >= SGEMA_END_COUNT || sphere[k] == RF_UNDONE ||
      status[k] < 0 || status[k] >= SGEMA_STATUS_COUNT)
    return 0;
  if (cls[k] == SGEMA_CLASS_FAILED)
    return status[k] != SGEMA_OK;
  return status[k] == SGEMA_OK && isfinite(lambda[k]) && isfinite(t_end[k]);
}

/* The same for a census run's row: a status in the table, and unless failed the drawn lambda. */
static int census_row_plausible(const int32_t *status, const double *lambda, size_t k) {
  if (status[k] < 0 || status[k] >= SGEMA_STATUS_COUNT)
    return 0;
  return status[k] != SGEMA_OK || isfinite(lambda[k]);
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
  if (r->census)
    bad |= read_column(o, r, RF_COL_CENSUS_STATUS, status) < 0 ||
           read_column(o, r, RF_COL_LAMBDA, lambda) < 0;
  else
    bad |= read_column(o, r, RF_COL_CLASS, cls) < 0 || read_column(o, r, RF_COL_END, end) < 0 ||
           read_column(o, r, RF_COL_SPHERE, sphere) < 0 ||
           read_column(o, r, RF_COL_STATUS, status) < 0 ||
           read_column(o, r, RF_COL_LAMBDA, lambda) < 0 ||
           read_column(o, r, RF_COL_T_END, t_end) < 0;
  if (!failed && bad)
    failed = "reading the done rows";
  for (size_t k = 0; !failed && k < T; k++) {
    if (done[k] > 1) {
      sgema_diagnostics_add(diag, path, 1, 1, NULL,
                            "cannot resume: /runs/%s/done row %zu holds %u (only 0, not done, and "
                            "1, done, are valid): damaged or edited file",
                            r->name, k, done[k]);
      failed = "";
    } else if (done[k] &&
               !(r->census ? census_row_plausible(status, lambda, k)
                           : row_plausible(cls, end, sphere, status, lambda, t_end, k))) {
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
const char *output_runs_verify_done(sgema_output *o, sgema_diagnostics *diag, const char *path) {
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
