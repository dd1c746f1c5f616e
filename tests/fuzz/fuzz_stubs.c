/* The stand-ins that fuzz_stubs.h puts in place of a run's real work in the argv harnesses. */
#include "fuzz_stubs.h"

#include "sgema/output.h"
#include "sgema/schedule.h"
#include "sgema/status.h"
#include "sgema/trial.h"

#include <stdio.h>

int fuzz_parallel_init(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  return SGEMA_OK;
}
void fuzz_parallel_finalize(void) {}
int fuzz_parallel_rank(void) {
  return 0;
}
int fuzz_parallel_size(void) {
  return 1;
}
void fuzz_parallel_host(char *buf, size_t size) {
  snprintf(buf, size, "fuzz");
}
void fuzz_parallel_utc_now(char buf[32]) {
  snprintf(buf, 32, "2000-01-01T00:00:00Z");
}
int fuzz_parallel_all(int ok) {
  return ok;
}

int fuzz_output_open(sgema_output **out, MPI_Comm comm, const sgema_experiment *e,
                     const sgema_output_info *info, sgema_diagnostics *diag) {
  (void)comm;
  (void)e;
  *out = NULL;
  sgema_diagnostics_add(diag, info->path, 1, 1, NULL, "fuzzing: the run stops before its file");
  return SGEMA_EIO;
}

int fuzz_trial_solve(sgema_trial *t, const double *y0, sgema_record *rec, sgema_trajectory *traj) {
  (void)t;
  (void)y0;
  (void)rec;
  (void)traj;
  return SGEMA_EINVAL;
}

int fuzz_trial_run(sgema_trial *t, uint64_t seed, uint32_t run, uint32_t trial, sgema_record *rec,
                   sgema_trajectory *traj) {
  (void)t;
  (void)seed;
  (void)run;
  (void)trial;
  (void)rec;
  (void)traj;
  return SGEMA_EINVAL;
}
