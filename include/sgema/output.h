/* The results file of an experiment: one parallel HDF5 file, datasets indexed by trial
 * (docs/FORMAT.md). */
#ifndef SGEMA_OUTPUT_H
#define SGEMA_OUTPUT_H

#include "sgema/census.h"
#include "sgema/experiment.h"
#include "sgema/trajectory.h"
#include "sgema/trial.h"

#include <mpi.h>
#include <stdint.h>

/* The parallel writer of the results file (src/io/output_*.c; the analysis tools read it through
 * the serial reader in src/io/reader/); it makes no MPI calls of its own beyond handing the
 * communicator to HDF5's MPI-IO driver and asking the MPI library its version (no communication).
 * Every function marked "collective" must be called by every rank of the communicator, in the same
 * order. */

typedef struct sgema_output sgema_output;

/* Facts about the run that go into the root group's attributes. */
typedef struct {
  const char *path;        /* the file to create (or, with resume, to reopen) */
  int resume;              /* 1: reopen an existing file of the same experiment */
  int ranks;               /* MPI processes */
  const char *host;        /* rank 0's host name */
  const char *version;     /* program version (git describe when available) */
  const char *build_flags; /* compiler and flags */
  const char *command;     /* the command line */
  /* ISO 8601 UTC start time, the same string on every rank (attribute writes are collective and
   * must agree); NULL: this rank's clock. */
  const char *start_time;
  /* The numerics attribute (sgema_output_numerics), the same string on every rank; NULL: this
   * rank's (on one machine every rank's is the same). */
  const char *numerics;
} sgema_output_info;

/* What decides the bits of the results across machines, as the root attribute `numerics` holds it
 * (docs/FORMAT.md, docs/NUMERICS.md "Bitwise reproducibility"): the kernel's facts
 * (sgema_provenance_numerics: BLAS and its run-time kernel, LAPACK, SUNDIALS, ARPACK, GSL, libc,
 * CPU, compiler) and the HDF5 and MPI libraries, one "key: value" line each, into buf (size bytes;
 * 4096 is ample). Local. Returns the length written. */
#define SGEMA_OUTPUT_NUMERICS_SIZE 4096
size_t sgema_output_numerics(char *buf, size_t size);

/* Collective. Creates the file (failing if it exists, unless resume) with every group, dataset
 * and attribute of the experiment, or with resume reopens it and checks that it holds e's runs
 * with the same settings (anything else is refused with a diagnostic) and that its done flags are
 * 0 or 1 and its done rows look finished (rows that do not are computed again, with a note in
 * diag: notes start with "note:" and do not make the open fail). Returns SGEMA_OK, or an
 * error status with the reasons in diag (file name and what is wrong). */
int sgema_output_open(sgema_output **out, MPI_Comm comm, const sgema_experiment *e,
                      const sgema_output_info *info, sgema_diagnostics *diag);

/* Local: the file's name in messages from now on (after sgema-run renamed the file it created
 * under a temporary name to its final one: see docs/FORMAT.md, "Creation"). */
int sgema_output_set_path(sgema_output *o, const char *path);

/* Test hook: kills this process (SIGKILL) when the environment variable SGEMA_TEST_DIE_IN_CREATE
 * is `point` (1 to 4: moments of sgema_output_open's creation; the runner uses 5 and up). */
void sgema_output_test_die(int point);

/* Local (no I/O): keeps rec, trial `trial` of run `run`, for the next flush. traj, when not NULL,
 * is that trial's recorded trajectory (trials 0 .. record.trajectories-1 of the run). */
int sgema_output_stage(sgema_output *o, size_t run, uint32_t trial, const sgema_record *rec,
                       const sgema_trajectory *traj);

/* A census run's data set: its inputs as the sampler drew them (as a trial of the run would) and
 * its census. */
typedef struct {
  const sgema_problem *problem;
  const double *y0; /* the drawn initial state (inputs/y0); NULL: not drawn (NaN) */
  long draws;
  int status; /* SGEMA_OK, or why the data set has no census (result then unused) */
  const sgema_census_result *result;
} sgema_census_row;

/* Local (no I/O): keeps data set `data_set` of census run `run` for the next flush: its counts,
 * and its first census.max_equilibria equilibria (the rest counted in census/overflow). */
int sgema_output_stage_census(sgema_output *o, size_t run, uint32_t data_set,
                              const sgema_census_row *row);

/* Collective. Writes every rank's staged rows to their places (collective MPI-IO, each rank its
 * own selection), then marks them done and flushes the file, so that a kill loses at most the rows
 * staged since. Clears the staging. */
int sgema_output_flush(sgema_output *o);

/* Collective. The done flags of run `run` (trials bytes, 1: written), read from the file: what a
 * resumed run skips. */
int sgema_output_done(sgema_output *o, size_t run, uint8_t *done);

/* Rank 0 after a flush, or any rank: the class of every trial of run `run` (trials bytes, values
 * of sgema_class; undone trials hold 255), for the summary. Collective. */
int sgema_output_classes(sgema_output *o, size_t run, uint8_t *cls);

/* Collective. Writes the end time and whether every trial is done (attribute "complete"), closes
 * the file and frees o. end_time: ISO 8601 UTC, the same on every rank; NULL: this rank's clock. */
int sgema_output_close_at(sgema_output *o, int complete, const char *end_time);
int sgema_output_close(sgema_output *o, int complete); /* close_at with this rank's clock */

/* After a flush or close of this process failed: "FILE: what failed: the operating system's reason
 * (HDF5's messages)", e.g. "r.h5: writing results failed: No space left on device (...)"; "" if
 * none failed. */
const char *sgema_output_error(void);

/* 1 once a flush or close of this process failed (a full disk). Process-wide, not a property of
 * one handle: it outlives the handle that failed (close frees it) and describes HDF5's state. The
 * file must then not be touched again and the process must exit without MPI_Finalize: after a
 * failed write HDF5's collective operations can take different paths on different processes and
 * wait for each other forever (seen in H5Fclose with 2 processes), and HDF5 1.10 keeps a broken
 * handle of a file it failed to close and crashes when MPI_Finalize shuts it down (HDFFV-11052,
 * fixed in 1.14.1). Nothing is lost by not closing: the file's metadata does not change between
 * flushes, so the file stays as the last good flush left it. */
int sgema_output_unclean(void);

/* The bytes of the largest per-trial row of e's runs, as staged between flushes. */
size_t sgema_output_row_bytes(const sgema_experiment *e);

/* The size of e's file, from its datasets (all allocated when the file is created) and a bound
 * on its metadata (4 KiB per dataset): what the disk must hold for it. */
double sgema_output_bytes(const sgema_experiment *e);

/* Serial, before a resume opens the file at path: the bytes its datasets grow by when e has more
 * trials in a run than the file (0 when none, or when the file cannot be read: the open reports
 * that). What the disk must hold for the extension, checked before anything is written. */
double sgema_output_growth_bytes(const char *path, const sgema_experiment *e);

#endif
