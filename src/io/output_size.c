/* The sizes of an experiment's results file, from the format alone: a staged row, and the file. */
#include "output_impl.h"

size_t sgema_output_row_bytes(const sgema_experiment *e) {
  size_t most = 0;
  for (size_t i = 0; i < sgema_experiment_run_count(e); i++) {
    const sgema_settings *s = &sgema_experiment_run(e, i)->settings;
    size_t N = sgema_problem_dim_for(s->alg, s->m, s->n), mm = (size_t)s->m * s->m, row = 0;
    size_t k = (size_t)sgema_record_eigenvalues(s);
    for (int c = 0; c < RF_COL_COUNT; c++) {
      const rf_column *col = rf_column_info((rf_col)c);
      row += rf_row_values(col->shape, mm, N, k) * rf_type_size(col->type);
    }
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
    size_t k = (size_t)sgema_record_eigenvalues(s);
    double row = 1.0; /* the done flag */
    for (int c = 0; c < RF_COL_COUNT; c++) {
      const rf_column *col = rf_column_info((rf_col)c);
      row += (double)rf_row_values(col->shape, (size_t)mm, (size_t)N, k) *
             (double)rf_type_size(col->type);
    }
    uint32_t traj =
        spec->record.trajectories < spec->trials ? spec->record.trajectories : spec->trials;
    total += row * spec->trials +
             (double)traj * ((double)spec->record.points * (N + 3.0) + 1.0) * 8.0 +
             META_PER_DATASET * (RF_COL_COUNT + 1.0 + 5.0 * traj);
  }
  return total;
}
