/* Private to the experiment library: the object, the table of run settings that the parser and the
 * writer share, and the diagnostics collector's internals. */
#ifndef SGEMA_EXPERIMENT_IMPL_H
#define SGEMA_EXPERIMENT_IMPL_H

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

/* Numbers a setting allows: the interval between lo and hi, each end open or closed. NaN never;
 * an infinity only where the interval is closed at it. words: the rule for messages. */
typedef struct {
  double lo, hi;
  int lo_open, hi_open;
  const char *words;
} exp_interval;

extern const exp_interval EXP_FINITE, EXP_POSITIVE, EXP_NONNEG, EXP_UNIT, EXP_ABOVE_ONE,
    EXP_POSITIVE_OR_INF;
int exp_interval_contains(const exp_interval *iv, double x);

/* One of the library's enums: its names come from the library (sgema_*_name), so that a new method
 * or statistics kind needs no change here. get and set reach the field of a run (NULL for the enums
 * the parser handles itself: alg, class, sphere, momentum kind). */
typedef struct {
  int count;
  const char *(*name)(int value);
  int (*get)(const sgema_run_spec *r);
  void (*set)(sgema_run_spec *r, int value);
} exp_choice;

extern const exp_choice EXP_ALG, EXP_CLASS, EXP_SPHERE, EXP_MOMENTUM_KIND;
/* Value of name, or -1. */
int exp_choice_find(const exp_choice *c, const char *name);
/* "a|b|c" into buf. */
const char *exp_choice_list(const exp_choice *c, char *buf, size_t size);

typedef enum {
  EXP_REAL,    /* a double in `allowed` */
  EXP_RANGE,   /* [lo, hi], lo <= hi, each in `allowed`; hi > 0 too when hi_positive */
  EXP_LONG,    /* a long in [lo, hi] */
  EXP_U32,     /* a uint32_t in [lo, hi] */
  EXP_BOOL,    /* an int, 0 or 1 */
  EXP_CHOICE,  /* a name of `choice` */
  EXP_MOMENTUM /* the momentum map ({kind: constant, alpha} or {kind: linear, a0, a1, T}) */
} exp_type;

/* A key of a run (section NULL) or of one of its sections, and where its value lives in
 * sgema_run_spec. The table order is the order the writer prints. */
typedef struct {
  const char *section;
  const char *key;
  exp_type type;
  size_t offset, offset_hi; /* offset_hi: the upper end of a range */
  size_t size;              /* bytes at offset (and at offset_hi), copied when a layer applies */
  const exp_interval *allowed;
  long long lo, hi;
  int hi_positive;
  const exp_choice *choice;
} exp_setting;

/* The parser keeps one slot per table entry; a static assertion keeps this count exact. */
#define EXP_SETTING_COUNT 34

extern const exp_setting exp_settings[];
extern const size_t exp_setting_count;
/* The sections of a run, in print order, NULL-terminated. */
extern const char *const exp_sections[];

/* Longest run name (and experiment name), in bytes. */
#define EXP_NAME_MAX 128

int exp_diagnostics_vadd(sgema_diagnostics *d, const char *file, size_t line, size_t column,
                         const char *key, const char *fmt, va_list ap);
/* Sorts the diagnostics from index start on into file order (line, column, then the order they
 * were found) and removes exact repeats. */
void exp_diagnostics_sort_from(sgema_diagnostics *d, size_t start);

/* Frees what a run owns (its name, n_expr, references and their sources), not the run itself. */
void exp_run_free(sgema_run_spec *r);

/* The parser (experiment_yaml.c): reads e->source, fills the rest of e, returns the number of
 * problems found (each added to d, which may be NULL). */
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

/* The core schema's scalars (experiment_yaml.c). exp_float_syntax: 0 (not a number), 1 (decimal:
 * strtod reads it), 2 (.inf or .nan: *special holds the value). */
int exp_int_syntax(const char *s);
int exp_float_syntax(const char *s, double *special);
int exp_bool_syntax(const char *s);
int exp_null_syntax(const char *s);

#endif
