/* sgema-sweep's model: one row of class counts per run, gathered from one or several results files.
 */
#ifndef SGEMA_SWEEP_ROWS_H
#define SGEMA_SWEEP_ROWS_H

#include "partial_ranks.h"
#include "sgema/classify.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
  size_t file; /* index of the file it came from, in command-line order */
  char *run, *alg, *time;
  uint32_t index, trials;
  int m, n;
  long done;
  long cls[SGEMA_CLASS_COUNT];
  long bad_class; /* done rows whose class is not a class name: a damaged file */
  /* The trials' identity (settings, seed, stream): two rows with the same one hold the same
   * trials. settings is the stored JSON line ("" when absent). */
  char *settings;
  uint64_t seed;
  int has_seed;
  uint32_t stream;
  /* What tells the row from the other rows of its algorithm whose other settings differ
   * (pool_variant: "condition delta>=0", "discrete, t_max=200000"); "" when nothing: rows of equal
   * variant, alg, m and n may be pooled. */
  char *variant;
  rank_hist ranks; /* the ranks of its partial limits: only when the table's `ranks` is set */
} sweep_row;

typedef struct {
  const char *path;
  char *experiment;
  int complete; /* the file's `complete` attribute (1) or not */
} sweep_file;

typedef struct {
  size_t file_count, row_count;
  sweep_file *files;
  sweep_row *rows;
  int ranks; /* set before adding files: also count the ranks of each run's partial limits */
} sweep_table;

/* Opens path, counts every run's done trials by class (streamed, bounded memory), appends one row
 * per run and closes the file. On failure returns -1 with a one-line reason (without the file
 * name) in err; the table keeps what it had. */
int sweep_add_file(sweep_table *t, const char *path, char *err, size_t errsize);

/* Names every row's variant (after the last file is added). -1 when out of memory. */
int sweep_name_variants(sweep_table *t);

/* -1 with "run A of FILE and run B of FILE hold the same trials ..." in err when two rows have the
 * same settings, seed and stream (one file given twice under two names, a copied file): a sweep
 * over both would count every trial twice. */
int sweep_same_trials(const sweep_table *t, char *err, size_t errsize);

/* Sorts the rows by algorithm (sg, ema, gd, then others by name), m, n, then file and run index.
 */
void sweep_sort(sweep_table *t);

int sweep_row_incomplete(const sweep_row *r);

void sweep_free(sweep_table *t);

#endif
