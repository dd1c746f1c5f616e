/* Running an experiment's trials over the MPI processes: the master hands out chunks on demand. */
#ifndef SGEMA_SCHEDULE_H
#define SGEMA_SCHEDULE_H

#include "sgema/experiment.h"
#include "sgema/output.h"
#include "sgema/parallel.h"

#include <signal.h>
#include <stddef.h>

typedef struct {
  size_t chunk;            /* trials per work unit handed to a process */
  double flush_seconds;    /* results are written (collectively) at least this often */
  double progress_seconds; /* rank 0 reports progress on stderr this often; 0: never */
  /* Set asynchronously (SIGTERM, SIGUSR1): abandon the trials and data sets in flight (the kernel
   * polls this flag after every integration step, inside the classification and along a census'
   * paths; a resume computes them afresh), write, and stop. */
  volatile sig_atomic_t *stop;
  /* Also write once this many trials were computed since the last write (0: no limit): bounds the
   * rows a process holds between writes, its memory, when trials are fast (docs/NUMERICS.md). */
  size_t flush_trials;
  /* While one trial (or census data set) runs longer than this, its process says so on stderr
   * this often (rank, run, trial, seconds in the trial, integration time reached); 0: never. */
  double heartbeat_seconds;
} sgema_schedule_options;

typedef struct {
  long total;      /* trials of the experiment */
  long before;     /* already done in the file when the run started (resume) */
  long computed;   /* computed by this invocation, all ranks */
  int interrupted; /* stopped by a signal before the end */
  double seconds;
} sgema_schedule_result;

/* Collective. Computes every trial that out has not marked done and writes it to out. Rank 0 is
 * the master: it hands out chunks of trial indices on request (trials differ a lot in cost), and
 * computes trials itself between requests; with one process it computes everything. Results do
 * not depend on the number of processes: each trial is a pure function of (seed, stream, trial) and
 * is written at its own index. Returns SGEMA_OK or the first error status. */
int sgema_schedule_run(const sgema_experiment *e, sgema_output *out,
                       const sgema_schedule_options *opt, sgema_schedule_result *res);

/* What the experiment's items are called in progress lines: "trials", "data sets" (census runs
 * only) or "trials and data sets". */
const char *sgema_schedule_items_name(const sgema_experiment *e);

#endif
