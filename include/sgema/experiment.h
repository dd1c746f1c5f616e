/* An experiment file (docs/EXPERIMENTS.md), parsed, validated and expanded into runs of trials. */
#ifndef SGEMA_EXPERIMENT_H
#define SGEMA_EXPERIMENT_H

#include "sgema/classify.h"
#include "sgema/trial.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- diagnostics ----
 * Every problem found in a file, collected so that the caller reports all of them at once. The
 * library never prints and never exits: it adds here, the caller decides what to do. */

typedef struct {
  const char *file; /* as given to the loader */
  size_t line;      /* 1-based; 1:1 for problems of the whole file (cannot open, empty) */
  size_t column;    /* 1-based */
  const char *key;  /* the setting's path, "runs[1].sampling.rho"; "" when there is none */
  const char *message;
} sgema_diagnostic;

typedef struct sgema_diagnostics sgema_diagnostics;

sgema_diagnostics *sgema_diagnostics_alloc(void);
void sgema_diagnostics_free(sgema_diagnostics *d);
void sgema_diagnostics_clear(sgema_diagnostics *d);
size_t sgema_diagnostics_count(const sgema_diagnostics *d);
/* The i-th diagnostic (NULL past the end); each load adds its own in file order. Valid until the
 * collector is cleared or freed. */
const sgema_diagnostic *sgema_diagnostics_get(const sgema_diagnostics *d, size_t i);
/* Adds a diagnostic of the caller's own (the runner's command line, say), in the same format. key
 * may be NULL or "". Returns 0, or -1 when out of memory (the diagnostic is lost). */
#if defined(__GNUC__)
__attribute__((format(printf, 6, 7)))
#endif
int sgema_diagnostics_add(sgema_diagnostics *d, const char *file, size_t line, size_t column,
                          const char *key, const char *fmt, ...);
/* "FILE:LINE:COLUMN: KEY: message" ("FILE:LINE:COLUMN: message" without a key), snprintf
 * semantics: returns the length the whole line needs, writes at most size bytes. */
int sgema_diagnostic_format(const sgema_diagnostic *d, char *buf, size_t size);
/* Every diagnostic, one formatted line each, to out; returns the number written. */
size_t sgema_diagnostics_write(const sgema_diagnostics *d, FILE *out);

/* ---- a run's specification ---- */

/* Trajectories to record: those of the trials 0 .. trajectories-1, each at `points` times uniform
 * on [0, t_last] (sgema_trajectory_alloc_uniform). */
typedef struct {
  uint32_t trajectories; /* 0: none */
  uint32_t points;
  double t_last;
} sgema_record_spec;

/* Defaults: no trajectories; 301 points on [0, 300], the span of the paper's Figure 3. */
void sgema_record_spec_default(sgema_record_spec *r);

/* Bounds of a recording, checked before anything runs (sgema-trial's --record has them too): the
 * times t_last i / (points - 1) must be finite and at least DBL_MIN apart; one trajectory's memory,
 * points x (state + 3) doubles, at most SGEMA_TRAJECTORY_BYTES_MAX; all of a run's trajectories
 * in the results file at most SGEMA_RUN_RECORD_BYTES_MAX. */
#define SGEMA_RECORD_MAX_POINTS 1000000
#define SGEMA_TRAJECTORY_BYTES_MAX (256.0 * 1024 * 1024)
#define SGEMA_RUN_RECORD_BYTES_MAX (2.0 * 1024 * 1024 * 1024)

/* A fraction to compare with: of the run's trials, those of class cls (and, when has_sphere, on
 * that sphere; m = 1 only). */
typedef struct {
  sgema_class cls;
  int has_sphere;
  sgema_sphere sphere;
  double fraction;    /* in [0, 1] */
  const char *source; /* where the value comes from; "" when not given */
} sgema_reference;

/* What a run computes: trials (sgema_trial_run), or the equilibrium census (sgema_census_run) of
 * the data sets the trials would draw, data set k being trial k's statistics. */
typedef enum { SGEMA_RUN_TRIALS, SGEMA_RUN_CENSUS, SGEMA_RUN_KIND_COUNT } sgema_run_kind;
const char *sgema_run_kind_name(sgema_run_kind k); /* "trials", "census" */

/* One run: `trials` trials with the same settings. Trial k of the run is the kernel's trial
 * (seed, stream, k): sgema_trial_run(t, sgema_experiment_seed(e), spec->stream, k, ...). */
typedef struct {
  const char *name; /* unique in the experiment; [A-Za-z0-9_.-], starts with a letter, digit or _ */
  uint32_t index;   /* position among the expanded runs, 0 .. run_count-1 */
  uint32_t stream;  /* the kernel's run id; the file's `stream`, by default index */
  uint32_t trials;  /* >= 1; a census run's data sets */
  sgema_run_kind kind;
  sgema_settings settings; /* complete and valid (sgema_settings_validate passed) */
  sgema_record_spec record;
  size_t reference_count;
  const sgema_reference *references;
  /* Where the run came from: the item of the file's `runs` list (0-based), its position in the
   * file, and n as written there ("m+1", "2m", "4"; the default n printed as a number). */
  size_t entry;
  size_t line, column;
  const char *n_expr;
} sgema_run_spec;

/* ---- the experiment ---- */

typedef struct sgema_experiment sgema_experiment;

/* Reads, parses and validates the file, expands its sweeps and resolves every run's settings.
 * Returns NULL when the file cannot be read or has any problem; every problem is added to diag
 * (which may be NULL) with its line, column and key, in file order. Nothing is printed. */
sgema_experiment *sgema_experiment_load(const char *path, sgema_diagnostics *diag);
/* The same from text in memory (len bytes, need not be NUL-terminated); name stands for the file
 * in diagnostics and in sgema_experiment_path. For a --resume that re-reads the stored source. */
sgema_experiment *sgema_experiment_load_string(const char *name, const char *text, size_t len,
                                               sgema_diagnostics *diag);
void sgema_experiment_free(sgema_experiment *e);

const char *sgema_experiment_path(const sgema_experiment *e);
const char *sgema_experiment_name(const sgema_experiment *e);        /* the `experiment` key */
const char *sgema_experiment_description(const sgema_experiment *e); /* "" when not given */
uint64_t sgema_experiment_seed(const sgema_experiment *e);
/* The file's text exactly as read (NUL-terminated; *len, when not NULL, gets its length in bytes,
 * which excludes that NUL): the HDF5 writer stores it verbatim. */
const char *sgema_experiment_source(const sgema_experiment *e, size_t *len);

size_t sgema_experiment_run_count(const sgema_experiment *e);
/* Run i (0 .. run_count-1, its index), or NULL past the end; valid while the experiment is. */
const sgema_run_spec *sgema_experiment_run(const sgema_experiment *e, size_t i);
/* The run with that name, or NULL. */
const sgema_run_spec *sgema_experiment_find(const sgema_experiment *e, const char *name);

/* ---- any YAML file of the tools ----
 * sgema-trial's --input files are read the way experiment files are: at most 4 MiB, UTF-8 text
 * (an HDF5 or other binary file, UTF-16 and a directory are refused by name), lists and mappings
 * nested at most 64 deep, aliases expanding to at most 1,000,000 nodes, the core-schema tags
 * checked and merge keys << applied (docs/EXPERIMENTS.md, "Limits" and "YAML"). Composes the
 * file's first document into doc, which the caller deletes with yaml_document_delete whatever the
 * result; what names the kind of file in messages ("a trial input file"). Returns the number of
 * problems, each added to d; *readable: the first document was read whole without a problem (its
 * root is NULL for an empty file). */
struct yaml_document_s;
int sgema_yaml_load_file(const char *path, const char *what, struct yaml_document_s *doc,
                         sgema_diagnostics *d, int *readable);
/* A tag's meaning, as sgema_yaml_load_file keeps it in a node's tag: "" when none was written;
 * tag:yaml.org,2002:str (or "!") for a scalar that is a string whatever its text. */
int sgema_yaml_tag_is_str(const char *tag);

/* ---- a selection of runs (a job array's share of an experiment) ----
 * Restricts the runs that run_count, run and find show to those with keep[i] != 0, where keep has
 * one entry per run of the whole experiment (i: the run's index). The runs keep their index and
 * stream, so their trials are the whole experiment's; the source and the resolved form stay the
 * whole experiment's. label says how they were chosen ("--select 1/4"), for the results file; a
 * new call replaces the selection. Returns how many runs are selected, or -1 (out of memory, the
 * experiment unchanged). */
long sgema_experiment_select(sgema_experiment *e, const unsigned char *keep, const char *label);
/* The label of the selection; "" when every run is shown. */
const char *sgema_experiment_selection(const sgema_experiment *e);

/* ---- the resolved experiment ---- */

typedef enum {
  SGEMA_EXPERIMENT_YAML, /* block YAML: itself an experiment file that loads to the same runs */
  SGEMA_EXPERIMENT_JSON  /* the same tree as JSON (non-finite numbers as null) */
} sgema_experiment_format;

/* Every run with every setting spelt out (sweeps expanded, defaults applied, numbers with the
 * fewest digits that read back to the same double): for --dry-run and the output file's
 * attributes. The string is malloc'd (the caller frees it); NULL when out of memory. */
char *sgema_experiment_resolved(const sgema_experiment *e, sgema_experiment_format format);
/* The same, written to out; returns 0, or -1 on a write error or out of memory. */
int sgema_experiment_write(const sgema_experiment *e, FILE *out, sgema_experiment_format format);

#endif
