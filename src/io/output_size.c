/* The sizes of an experiment's results file, from the format alone: a staged row, and the file. */
#include "output_impl.h"

/* The sizes that shape spec's rows (as run_init in output_create.c). */
static rf_dims spec_dims(const sgema_run_spec *spec) {
  const sgema_settings *s = &spec->settings;
  return (rf_dims){(size_t)s->m, sgema_problem_dim_for(s->alg, s->m, s->n),
                   (size_t)sgema_record_eigenvalues(s),
                   spec->kind == SGEMA_RUN_CENSUS ? (size_t)s->census.max_equilibria : 0};
}

size_t sgema_output_row_bytes(const sgema_experiment *e) {
  size_t most = 0;
  for (size_t i = 0; i < sgema_experiment_run_count(e); i++) {
    const sgema_run_spec *spec = sgema_experiment_run(e, i);
    size_t row = 0;
    int census = spec->kind == SGEMA_RUN_CENSUS;
    rf_dims d = spec_dims(spec);
    for (int c = 0; c < RF_COL_COUNT; c++) {
      const rf_column *col = rf_column_info((rf_col)c);
      if (rf_column_in((rf_col)c, census))
        row += rf_row_values(col->shape, d) * rf_type_size(col->type);
    }
    most = row > most ? row : most;
  }
  return most;
}

/* Metadata measured per dataset (object header, chunk index): 2.2 to 2.8 KiB; and the root's
 * attributes (the experiment's source and resolved text). Rounded up. */
#define META_PER_DATASET 4096.0
#define META_ROOT 65536.0

/* The file bytes of one run holding `trials` rows: its datasets and their metadata. */
static double run_bytes(const sgema_run_spec *spec, uint32_t trials) {
  const sgema_settings *s = &spec->settings;
  double N = (double)sgema_problem_dim_for(s->alg, s->m, s->n);
  int census = spec->kind == SGEMA_RUN_CENSUS, columns = 0;
  rf_dims d = spec_dims(spec);
  double row = 1.0; /* the done flag */
  for (int c = 0; c < RF_COL_COUNT; c++) {
    const rf_column *col = rf_column_info((rf_col)c);
    if (!rf_column_in((rf_col)c, census))
      continue;
    row += (double)rf_row_values(col->shape, d) * (double)rf_type_size(col->type);
    columns++;
  }
  uint32_t traj = spec->record.trajectories < trials ? spec->record.trajectories : trials;
  return row * trials + (double)traj * ((double)spec->record.points * (N + 3.0) + 1.0) * 8.0 +
         META_PER_DATASET * (columns + 1.0 + 5.0 * traj);
}

double sgema_output_bytes(const sgema_experiment *e) {
  size_t len = 0;
  sgema_experiment_source(e, &len);
  double total = META_ROOT + 2.0 * (double)len;
  for (size_t i = 0; i < sgema_experiment_run_count(e); i++) {
    const sgema_run_spec *spec = sgema_experiment_run(e, i);
    total += run_bytes(spec, spec->trials);
  }
  return total;
}

/* The trials run `name` of the file f holds (its attribute), or 0 when it cannot be read. */
static uint32_t stored_trials(hid_t f, const char *name) {
  uint32_t trials = 0;
  hid_t runs = H5Gopen2(f, RF_RUNS, H5P_DEFAULT);
  hid_t g = runs < 0 ? -1 : H5Gopen2(runs, name, H5P_DEFAULT);
  if (g < 0 || output_attr_read_u32(g, RF_RUN(TRIALS), &trials) < 0)
    trials = 0;
  if (g >= 0)
    H5Gclose(g);
  if (runs >= 0)
    H5Gclose(runs);
  return trials;
}

double sgema_output_growth_bytes(const char *path, const sgema_experiment *e) {
  double grow = 0.0;
  hid_t f;
  H5E_BEGIN_TRY { /* an unreadable file is the open's to report */
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    for (size_t i = 0; f >= 0 && i < sgema_experiment_run_count(e); i++) {
      const sgema_run_spec *spec = sgema_experiment_run(e, i);
      uint32_t stored = stored_trials(f, spec->name);
      if (stored > 0 && spec->trials > stored)
        grow += run_bytes(spec, spec->trials) - run_bytes(spec, stored);
    }
    if (f >= 0)
      H5Fclose(f);
  }
  H5E_END_TRY;
  return grow;
}
