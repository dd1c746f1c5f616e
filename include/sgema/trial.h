/* One trial end to end: sample, integrate, classify, verify. No MPI and no I/O in here. */
#ifndef SGEMA_TRIAL_H
#define SGEMA_TRIAL_H

#include "sgema/classify.h"
#include "sgema/integrate.h"
#include "sgema/problem.h"
#include "sgema/sample.h"
#include "sgema/settings.h"
#include "sgema/trajectory.h"
#include "sgema/verify.h"

#include <signal.h>
#include <stdint.h>

/* Everything known about one trial. y0 and y_end point into the workspace that filled the record
 * and stay valid until its next use. */
typedef struct {
  uint64_t seed;
  uint32_t run, trial;
  long draws; /* statistics draws (rejection sampling); 0 when the inputs were given explicitly */
  /* SGEMA_OK, or the error that made the trial fail (limit.cls is then SGEMA_CLASS_FAILED): see
   * sgema_trial_solve. */
  int status;
  sgema_problem problem;
  const double *y0, *y_end;
  sgema_integration_stats integ;
  sgema_limit limit;
  /* What the classification's spectrum computation did (sgema_classifier_last_spectrum), copied
   * after sgema_classify. When it computed none (a failed, diverged or step_fail trial:
   * limit.max_re is then NaN) `used` is SGEMA_SPECTRUM_AUTO, named "none", with k, fell_back and
   * products 0 and abscissa and error NaN. */
  sgema_spectrum_info spectrum;
  sgema_verification verify;
} sgema_record;

/* How a record names spectrum.used: "none" (no spectrum computed), "dense", "lapack", "arnoldi". */
const char *sgema_record_solver_name(sgema_spectrum_solver used);

/* How many rightmost eigenvalues a record of a run with settings s shows (results file, JSON and
 * text records): the run's classification.eigenvalues, the k its classifier computes. Entries
 * beyond the spectrum.k found are NaN. */
int sgema_record_eigenvalues(const sgema_settings *s);

typedef struct sgema_trial sgema_trial;

sgema_trial *sgema_trial_alloc(const sgema_settings *s);
void sgema_trial_free(sgema_trial *t);

/* A trial that fails still fills its record, so that the failure is a result like any class: on
 * an error status (the return value of the functions below) rec->status holds it, limit.cls is
 * SGEMA_CLASS_FAILED, and the record keeps what is known, deterministically: inputs never drawn
 * (the rejection budget ran out) and everything computed after the failure are NaN, counters 0;
 * integ.end is SGEMA_END_ERROR unless the integration itself finished (a failed classification
 * keeps its end, t_end, counters and final state). y0 and y_end are NULL only for SGEMA_EDIM. */

/* Draws trial (seed, run, trial) into rec (problem, y0, draws) without solving it. */
int sgema_trial_sample(sgema_trial *t, uint64_t seed, uint32_t run, uint32_t trial,
                       sgema_record *rec);

/* Solves rec->problem from the initial state y0 (length sgema_problem_dim), filling the rest of
 * rec. traj may be NULL. */
int sgema_trial_solve(sgema_trial *t, const double *y0, sgema_record *rec, sgema_trajectory *traj);

/* Sample then solve. */
int sgema_trial_run(sgema_trial *t, uint64_t seed, uint32_t run, uint32_t trial, sgema_record *rec,
                    sgema_trajectory *traj);

/* A trial's stop request and heartbeat, polled at t = 0 and after every accepted step of every
 * integration method, then between the classification's stages and inside its ARPACK iteration
 * (given the integration's end time) (no signals or MPI in the kernel: the caller's signal
 * handler sets *stop).
 * When *stop is nonzero, or poll returns nonzero, the trial is abandoned with SGEMA_EINTERRUPTED
 * (its record is not a result). poll (may be NULL) also serves as a heartbeat: it gets the
 * integration time t reached. The default (all NULL) never stops. */
typedef struct {
  const volatile sig_atomic_t *stop;
  int (*poll)(void *ctx, double t);
  void *ctx;
} sgema_trial_watch;

void sgema_trial_set_watch(sgema_trial *t, const sgema_trial_watch *w);

/* The workspace's classifier (to read its last spectrum: sgema_classifier_last_spectrum). */
sgema_classifier *sgema_trial_classifier(sgema_trial *t);

#endif
