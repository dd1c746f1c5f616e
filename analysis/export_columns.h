/* sgema-export's view of a run: its per-trial datasets as named fields, read in bounded chunks. */
#ifndef SGEMA_EXPORT_COLUMNS_H
#define SGEMA_EXPORT_COLUMNS_H

#include "summary.h"

#include <stddef.h>
#include <stdint.h>

/* Memory of one chunk of rows of every dataset together: the chunk's row count is chosen so that
 * all of a run's columns fit in this, whatever the run's dimensions and trial count. */
#define XCOL_CHUNK_BYTES ((size_t)8 << 20)

typedef enum { XCOL_REAL, XCOL_INT, XCOL_ENUM } xcol_kind;

/* One per-trial dataset: a scalar column, or an m x m / state-vector matrix of width values. */
typedef struct {
  const char *path; /* below /runs/<run>/ */
  const char *name; /* the field's name (scalars) or its columns' prefix */
  xcol_kind kind;
  int shape;                     /* XCOL_SHAPE_* */
  const char *const *enum_names; /* XCOL_ENUM: names by index, NULL-terminated */
  size_t width;                  /* values per row */
  size_t first_field;            /* its first field's index */
  long long ds, mtype;           /* HDF5 handles (-1: none) */
  uint8_t map[256];              /* XCOL_ENUM: file value -> index (255: unknown) */
  double *buf;                   /* chunk rows x width; enums as their index */
  uint8_t *raw;                  /* XCOL_ENUM: the chunk as read */
  int loaded;                    /* buf holds the current chunk */
} xcol_dataset;

enum { XCOL_SHAPE_SCALAR, XCOL_SHAPE_STATS, XCOL_SHAPE_STATE, XCOL_SHAPE_EIGEN };
/* The most eigenvalues per trial a file may hold: more is a damaged file (the writer's bound is
 * SGEMA_SPECTRUM_MAX_K). */
#define XCOL_EIGEN_MAX 4096

/* A field is one CSV column: field 0 is the trial index, the others one value of a dataset. */
typedef struct {
  char *name;
  int dataset; /* -1 for the trial index */
  size_t element;
} xcol_field;

typedef struct {
  const char *run;
  uint32_t trials;
  size_t dataset_count, field_count;
  xcol_dataset *datasets;
  xcol_field *fields;
  long long group, done_ds;
  size_t chunk_rows; /* rows per chunk */
  uint64_t r0;       /* the current chunk: rows r0 .. r0 + len - 1 */
  size_t len;
  uint8_t *done; /* its done flags */
} xcol_table;

/* Opens run i of f: every per-trial dataset, its shape checked against the run's m, n and
 * algorithm; the chunk buffers allocated, for at most max_rows rows (0: as many as fit in
 * XCOL_CHUNK_BYTES). -1 and a one-line reason in err. */
int xcol_open(xcol_table *t, const sum_file *f, size_t i, size_t max_rows, char *err,
              size_t errsize);
void xcol_close(xcol_table *t);

/* The field named name, or -1. */
int xcol_field_find(const xcol_table *t, const char *name);
/* Its enum's names (NULL-terminated) when it is an enum, else NULL. */
const char *const *xcol_field_enums(const xcol_table *t, size_t field);

/* Makes rows [r0, r0 + chunk_rows) (cut at the end) the current chunk and reads their done flags;
 * every dataset is then unloaded. */
int xcol_chunk(xcol_table *t, uint64_t r0, char *err, size_t errsize);
/* Reads dataset d's rows of the current chunk unless already loaded. */
int xcol_load(xcol_table *t, size_t d, char *err, size_t errsize);
int xcol_load_all(xcol_table *t, char *err, size_t errsize);

/* Field f of row k of the current chunk (its dataset loaded); enums as their index. */
double xcol_value(const xcol_table *t, size_t field, size_t k);

#endif
