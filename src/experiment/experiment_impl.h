/* Private to the experiment library: the object, the table of a run's keys that the parser and the
 * writer share, the limits of a file, and the composer. */
#ifndef SGEMA_EXPERIMENT_IMPL_H
#define SGEMA_EXPERIMENT_IMPL_H

#include "experiment_diag.h"
#include "settings_table.h"
#include "sgema/experiment.h"

#include <stdarg.h>
#include <stddef.h>

struct sgema_experiment {
  char *path;
  char *name;
  char *description; /* "" when not given */
  uint64_t seed;
  char *source; /* NUL-terminated copy of the text that was parsed */
  size_t source_len;
  size_t run_count;
  sgema_run_spec *runs; /* each owns its name, n_expr, references and their sources */
  /* sgema_experiment_select (experiment_select.c): positions in runs of the runs the accessors
   * show, in index order, and how they were chosen; NULL and "" when every run is shown. */
  size_t *selected;
  size_t selected_count;
  char *selection;
};

/* The names of a reference's class and sphere. */
extern const sgema_choice EXP_CLASS, EXP_SPHERE;
/* The names of a run's kind (sgema_run_kind_name). */
extern const sgema_choice EXP_KIND;

/* ---- a run's keys (experiment_run.c) ----
 * The run keys that are not settings of the kernel, as rows of settings_table.h's kinds:
 *   U32(id, section, key, field, lo, hi, default)  a uint32_t in [lo, hi]
 *   CHOICE(id, section, key, option, field, choice, default, help) as in SGEMA_SETTINGS_LIST
 *   REAL(id, section, key, option, field, allowed, default, help) as in SGEMA_SETTINGS_LIST
 * trials has no default (a run or the defaults must give it); stream's is the run's index. */
#define EXP_RUN_KEYS_TOP(U32, CHOICE)                                                              \
  U32(TRIALS, NULL, "trials", trials, 1, UINT32_MAX, 0)                                            \
  U32(STREAM, NULL, "stream", stream, 0, UINT32_MAX, 0)                                            \
  CHOICE(KIND, NULL, "kind", NULL, kind, EXP_KIND, SGEMA_RUN_TRIALS, NULL)
/* The paper's Figure 3 spans t in [0, 300]; one point per time unit. */
#define EXP_RUN_KEYS_RECORD(U32, REAL)                                                             \
  U32(TRAJECTORIES, "record", "trajectories", record.trajectories, 0, UINT32_MAX, 0)               \
  U32(POINTS, "record", "points", record.points, 1, SGEMA_RECORD_MAX_POINTS, 301)                  \
  REAL(T_LAST, "record", "t_last", NULL, record.t_last, SGEMA_POSITIVE, 300.0, NULL)

/* Every key of a run with a value of its own, as rows over sgema_run_spec: the run keys above
 * around the kernel's settings table (alg, m and n among them: the sweep axes, which the parser
 * and the writer handle themselves). The order is the writer's: the keys at the top of a run,
 * then each section's (exp_sections). */
#define EXP_SETTING_COUNT (SGEMA_SETTING_COUNT + 6)
extern const sgema_setting exp_settings[EXP_SETTING_COUNT];
extern const size_t exp_setting_count;
/* The sections of a run, in print order, NULL-terminated. */
extern const char *const exp_sections[];
/* Row i is one of the sweep axes alg, m, n. */
int exp_setting_is_axis(size_t i);
/* The row of key in section (NULL: the top of a run); exp_setting_count when there is none. */
size_t exp_setting_index(const char *section, const char *key);

/* Longest run name (and experiment name), in bytes. */
#define EXP_NAME_MAX 128

/* Frees what a run owns (its name, n_expr, references and their sources), not the run itself
 * (experiment_run.c). */
void exp_run_free(sgema_run_spec *r);

/* The parser (experiment_expand.c, reading with experiment_read.c): reads e->source, fills the rest
 * of e, returns the number of problems found (each added to d, which may be NULL). */
int exp_parse(sgema_experiment *e, sgema_diagnostics *d);

/* ---- limits of a file (docs/EXPERIMENTS.md, "Limits") ---- */

#define EXP_FILE_MAX (4 << 20)         /* bytes of an experiment file */
#define EXP_DESCRIPTION_MAX (64 << 10) /* bytes of the description */
#define EXP_SOURCE_MAX 512             /* bytes of a reference's source */
#define EXP_DEPTH_MAX 64               /* lists and mappings inside each other */
#define EXP_EXPANDED_MAX 1000000       /* nodes, every alias counted as a copy of its anchor */
#define EXP_RUNS_MAX 10000             /* runs of an experiment, sweeps expanded */
/* Recording: the memory one trajectory needs, and all the trajectories of one run. */
#define EXP_TRAJECTORY_BYTES_MAX SGEMA_TRAJECTORY_BYTES_MAX
#define EXP_RUN_RECORD_BYTES_MAX SGEMA_RUN_RECORD_BYTES_MAX

/* The text (experiment_text.c): refuses what is not an experiment file's text (an HDF5 file, a
 * binary file, UTF-16 or other non-UTF-8 text, more than EXP_FILE_MAX bytes; size: the whole
 * file's, of which len bytes are in text). Returns the number of problems (0 or 1). */
int exp_check_text(const char *path, const char *what, const char *text, size_t len, size_t size,
                   sgema_diagnostics *d);
/* What the messages call an experiment file. */
#define EXP_WHAT "an experiment file"
/* Reads the whole file (at most EXP_FILE_MAX + 1 bytes of it) into a NUL-terminated malloc'd *text
 * of *len bytes; *size: the file's size. A directory, or a file that cannot be read, is reported
 * (what: "an experiment file") and gives -1. */
int exp_read_file(const char *path, const char *what, char **text, size_t *len, size_t *size,
                  sgema_diagnostics *d);

/* Composes the first YAML document of text into doc (which the caller deletes, whatever the
 * result) with the limits above, the core-schema tags checked and merge keys << applied. Returns
 * the number of problems (each added to d); a second document is one. *readable: the first
 * document (or the empty stream) was read whole without a problem, so its settings can be read. */
int exp_compose(const char *path, const char *what, const char *text, size_t len,
                struct yaml_document_s *doc, sgema_diagnostics *d, int *readable);

/* A node's tag as the composer stores it: EXP_TAG_NONE when none was written. */
enum {
  EXP_TAG_NONE,
  EXP_TAG_STR,
  EXP_TAG_INT,
  EXP_TAG_FLOAT,
  EXP_TAG_BOOL,
  EXP_TAG_NULL,
  EXP_TAG_SEQ,
  EXP_TAG_MAP,
  EXP_TAG_MERGE,
  EXP_TAG_OTHER
};
int exp_tag_kind(const char *tag);

/* The core schema's scalars (experiment_syntax.c). exp_digits_syntax: [0-9]+. exp_float_syntax: 0
 * (not a number), 1 (decimal: strtod reads it), 2 (.inf or .nan: *special holds the value). */
int exp_digits_syntax(const char *s);
int exp_int_syntax(const char *s);
int exp_float_syntax(const char *s, double *special);
int exp_bool_syntax(const char *s);
int exp_null_syntax(const char *s);

#endif
