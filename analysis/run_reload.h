/* A stored run's trials as the kernel re-runs them: the settings, seed and stream reloaded from the
 * results file, and a trial's stored end, to compare bit for bit. */
#ifndef SGEMA_PLOT_RELOAD_H
#define SGEMA_PLOT_RELOAD_H

#include "sgema/trial.h"
#include "summary.h"

#include <stddef.h>
#include <stdint.h>

/* Run i's settings from the stored experiment (`resolved`, every setting spelt out, else `source`),
 * as sgema-export --commands rebuilds them: refused unless they print exactly as the run's stored
 * `settings` and the seed and stream are the file's. Trial k of the run is then the kernel's
 * trial (*seed, *stream, k). -1 and a one-line reason otherwise. */
int reload_run_settings(const sum_file *f, size_t i, sgema_settings *s, uint64_t *seed,
                        uint32_t *stream, char *err, size_t errsize);

/* Row k of run i: its done flag, end time, final state (N values: the run's state_dim) and sphere
 * radii (NaN unless m = 1). -1 and a one-line reason when a dataset is missing or shaped wrong. */
typedef struct {
  int done;
  double t_end, r1, r2;
} reload_trial_end;
int reload_trial_end_read(const sum_file *f, size_t i, uint32_t k, reload_trial_end *out,
                          double *y_end, size_t N, char *err, size_t errsize);

#endif
