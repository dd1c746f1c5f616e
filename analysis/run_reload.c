/* Reloading a stored run's settings and a trial's stored end (sgema-plot trial, sgema-export
 * --commands). */
#define _POSIX_C_SOURCE 200809L
#include "run_reload.h"

#include "results_format.h"

#include "settings_json.h"
#include "sgema/experiment.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int reload_run_settings(const sum_file *f, size_t i, sgema_settings *s, uint64_t *seed,
                        uint32_t *stream, char *err, size_t errsize) {
  const sum_run *r = &f->runs[i];
  char *text = results_attr_str(f->hid, RF_ROOT(RESOLVED));
  if (!text)
    text = results_attr_str(f->hid, RF_ROOT(SOURCE));
  sgema_experiment *e =
      text ? sgema_experiment_load_string("stored", text, strlen(text), NULL) : NULL;
  free(text);
  const sgema_run_spec *spec = e ? sgema_experiment_find(e, r->name) : NULL;
  char *json = spec ? sgema_settings_json_line(&spec->settings) : NULL;
  /* A file of an older build lacks the settings added since: they are at their defaults. */
  char *stored = r->settings ? sgema_settings_json_complete(r->settings) : NULL;
  int st = -1;
  if (!spec)
    snprintf(err, errsize, "the stored experiment does not reload with run %s", r->name);
  else if (!json || !stored || strcmp(json, stored) != 0)
    snprintf(err, errsize, "run %s: the reloaded settings differ from its stored settings",
             r->name);
  else if (!f->has_seed || sgema_experiment_seed(e) != f->seed || spec->stream != r->stream)
    snprintf(err, errsize, "run %s: seed or stream differ from the reloaded experiment's", r->name);
  else {
    *s = spec->settings;
    *seed = f->seed;
    *stream = r->stream;
    st = 0;
  }
  free(json);
  free(stored);
  sgema_experiment_free(e);
  return st;
}

/* Row k of a per-trial dataset of `width` values per row. */
static int read_row(long long g, const char *name, results_mem mem, uint32_t k, size_t width,
                    void *buf) {
  long long ds = results_dataset_open(g, name, 0);
  if (ds < 0)
    return -1;
  int st = results_read_rows(ds, results_mem_type(mem), k, 1, width, buf);
  results_handle_close(ds);
  return st;
}

int reload_trial_end_read(const sum_file *f, size_t i, uint32_t k, reload_trial_end *out,
                          double *y_end, size_t N, char *err, size_t errsize) {
  const sum_run *r = &f->runs[i];
  char path[600];
  snprintf(path, sizeof path, RF_RUNS_PATH "/%s", r->name);
  long long g = results_group_open(&f->rf, r->name);
  if (g < 0)
    return results_errorf(err, errsize, "%s: missing", path);
  uint8_t done = 0;
  const char *bad = NULL, *also = "";
  out->r1 = out->r2 = NAN;
  if (read_row(g, RF_DONE, RESULTS_MEM_U8, k, 1, &done) != 0)
    bad = RF_DONE;
  else if (read_row(g, RF_COL(T_END)->path, RESULTS_MEM_F64, k, 1, &out->t_end) != 0)
    bad = RF_COL(T_END)->path;
  else if (read_row(g, RF_COL(Y_END)->path, RESULTS_MEM_F64, k, N, y_end) != 0)
    bad = RF_COL(Y_END)->path;
  else if (r->m == 1 && (read_row(g, RF_COL(R1)->path, RESULTS_MEM_F64, k, 1, &out->r1) != 0 ||
                         read_row(g, RF_COL(R2)->path, RESULTS_MEM_F64, k, 1, &out->r2) != 0))
    bad = RF_COL(R1)->path, also = RF_COL(R2)->name;
  results_handle_close(g);
  if (bad)
    return results_errorf(err, errsize, "%s/%s%s%s: missing, unreadable or shaped wrong at row %u",
                          path, bad, also[0] ? " or " : "", also, k);
  if (done > 1)
    return results_errorf(err, errsize,
                          "damaged file: %s/" RF_DONE " row %u is %u (a done flag is 0 or 1)", path,
                          k, done);
  out->done = done;
  return 0;
}
