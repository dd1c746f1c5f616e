/* sgema-export of a census run: the data sets' counts, or every stored equilibrium, as CSV, read
 * in blocks of rows through the io layer's reader. */
#define _POSIX_C_SOURCE 200809L
#include "export_census.h"

#include "format_double.h"
#include "results_format.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The datasets read, each as int64 or double whatever its file type (the reader converts). */
enum {
  D_DONE,
  D_LAMBDA,
  D_DRAWS,
  D_SXX,
  D_SYX,
  D_STATUS,
  D_COUNTS,
  D_PSD_RANK,
  D_PATHS,
  D_EQUILIBRIA,
  D_STORED,
  D_OVERFLOW,
  D_RANK,
  D_KIND,
  D_CLASS,
  D_MC_CLASS,
  D_ABSCISSA,
  D_UNSTABLE,
  D_SYMMETRY_ZEROS,
  D_FIELD_RESIDUAL,
  D_SYSTEM_RESIDUAL,
  D_S,
  D_COUNT
};

static const rf_col d_col[D_COUNT] = {RF_COL_COUNT,
                                      RF_COL_LAMBDA,
                                      RF_COL_DRAWS,
                                      RF_COL_SXX,
                                      RF_COL_SYX,
                                      RF_COL_CENSUS_STATUS,
                                      RF_COL_CENSUS_COUNTS,
                                      RF_COL_CENSUS_PSD_RANK,
                                      RF_COL_CENSUS_PATHS,
                                      RF_COL_CENSUS_EQUILIBRIA,
                                      RF_COL_CENSUS_STORED,
                                      RF_COL_CENSUS_OVERFLOW,
                                      RF_COL_EQ_RANK,
                                      RF_COL_EQ_KIND,
                                      RF_COL_EQ_CLASS,
                                      RF_COL_EQ_MC_CLASS,
                                      RF_COL_EQ_ABSCISSA,
                                      RF_COL_EQ_UNSTABLE,
                                      RF_COL_EQ_SYMMETRY_ZEROS,
                                      RF_COL_EQ_FIELD_RESIDUAL,
                                      RF_COL_EQ_SYSTEM_RESIDUAL,
                                      RF_COL_EQ_S};

static const char *d_path(int d) {
  return d == D_DONE ? RF_DONE : rf_column_info(d_col[d])->path;
}

/* Values per row. */
static size_t d_width(int d, const sum_run *r) {
  if (d == D_DONE)
    return 1;
  rf_dims dims = {(size_t)r->m, 0, 0, r->max_equilibria};
  return rf_row_values(rf_column_info(d_col[d])->shape, dims);
}

/* Enum columns are read as their stored index (uint8), the others as double. */
static int d_enum(int d) {
  return d == D_KIND || d == D_CLASS || d == D_MC_CLASS;
}

typedef struct {
  long long ds[D_COUNT];
  void *buf[D_COUNT];
  long long mtype[D_COUNT];  /* the enums' memory types (results_enum_map); -1 for the others */
  uint8_t map[D_COUNT][256]; /* an enum's file value -> the library's index */
} census_table;

static void put_num(FILE *out, double x) {
  char b[SGEMA_DOUBLE_CHARS];
  fprintf(out, ",%s", sgema_format_double(x, b));
}

/* An enum slot's name: the library's, "" for an empty slot. */
static const char *enum_name(int d, uint8_t v) {
  if (d == D_KIND)
    return v < SGEMA_SOLUTION_COUNT ? sgema_solution_kind_name((sgema_solution_kind)v) : "";
  if (d == D_CLASS)
    return v < SGEMA_EQUILIBRIUM_COUNT ? sgema_equilibrium_class_name((sgema_equilibrium_class)v)
                                       : "";
  return v < SGEMA_CLASS_COUNT ? sgema_class_name((sgema_class)v) : "";
}

static const char *solution_name_i(int i) {
  return sgema_solution_kind_name((sgema_solution_kind)i);
}

/* An enum column's names, as results_enum_map takes them. */
static int enum_count(int d) {
  return d == D_KIND    ? SGEMA_SOLUTION_COUNT
         : d == D_CLASS ? SGEMA_EQUILIBRIUM_COUNT
                        : SGEMA_CLASS_COUNT;
}
static const char *(*enum_index_name(int d))(int) {
  return d == D_KIND    ? solution_name_i
         : d == D_CLASS ? results_eqclass_name_i
                        : results_class_name_i;
}

static void header(FILE *out, const sum_run *r, int equilibria) {
  static const char *const kinds[RF_CENSUS_KINDS] = {"complex", "indefinite", "psd", "pd"};
  static const char *const ends[4] = {"converged", "infinity", "singular", "failed"};
  if (equilibria) {
    fputs("data_set,slot,rank,kind,class,mc_class,abscissa,unstable,symmetry_zeros,"
          "field_residual,system_residual",
          out);
    for (int i = 0; i < r->m * r->m; i++)
      fprintf(out, ",S_%d_%d", i / r->m, i % r->m);
    fputc('\n', out);
    return;
  }
  fputs("data_set,status,lambda,draws", out);
  for (int s = 0; s < 2; s++)
    for (int i = 0; i < r->m * r->m; i++)
      fprintf(out, ",%s_%d_%d", s ? "Syx" : "Sxx", i / r->m, i % r->m);
  for (int k = 0; k < RF_CENSUS_KINDS; k++)
    fprintf(out, ",%s", kinds[k]);
  for (int k = 0; k <= r->m; k++)
    fprintf(out, ",psd_rank_%d", k);
  for (int s = 0; s < 2; s++)
    for (int e = 0; e < 4; e++)
      fprintf(out, ",paths_%s_%s", s ? "rankfree" : "eq6", ends[e]);
  fputs(",equilibria,stored,overflow\n", out);
}

/* Row k of the block (data set r0 + k) as CSV. */
static void data_set_row(FILE *out, const census_table *t, const sum_run *r, uint64_t set,
                         size_t k) {
  fprintf(out, "%llu", (unsigned long long)set);
  for (int d = D_STATUS; d <= D_OVERFLOW; d++) {
    if (d == D_STATUS) { /* the inputs go after the status */
      fprintf(out, ",%.0f", ((const double *)t->buf[D_STATUS])[k]);
      put_num(out, ((const double *)t->buf[D_LAMBDA])[k]);
      fprintf(out, ",%.0f", ((const double *)t->buf[D_DRAWS])[k]);
      for (int s = D_SXX; s <= D_SYX; s++)
        for (size_t i = 0; i < d_width(s, r); i++)
          put_num(out, ((const double *)t->buf[s])[k * d_width(s, r) + i]);
      continue;
    }
    for (size_t i = 0; i < d_width(d, r); i++)
      fprintf(out, ",%.0f", ((const double *)t->buf[d])[k * d_width(d, r) + i]);
  }
  fputc('\n', out);
}

/* The stored equilibria of row k of the block as CSV rows. */
static void equilibria_rows(FILE *out, const census_table *t, const sum_run *r, uint64_t set,
                            size_t k) {
  size_t E = r->max_equilibria, mm = (size_t)r->m * r->m;
  long stored = (long)((const double *)t->buf[D_STORED])[k];
  for (long j = 0; j < stored && j < (long)E; j++) {
    size_t at = k * E + (size_t)j;
    fprintf(out, "%llu,%ld,%.0f", (unsigned long long)set, j, ((const double *)t->buf[D_RANK])[at]);
    for (int d = D_KIND; d <= D_MC_CLASS; d++)
      fprintf(out, ",%s", enum_name(d, t->map[d][((const uint8_t *)t->buf[d])[at]]));
    put_num(out, ((const double *)t->buf[D_ABSCISSA])[at]);
    fprintf(out, ",%.0f,%.0f", ((const double *)t->buf[D_UNSTABLE])[at],
            ((const double *)t->buf[D_SYMMETRY_ZEROS])[at]);
    put_num(out, ((const double *)t->buf[D_FIELD_RESIDUAL])[at]);
    put_num(out, ((const double *)t->buf[D_SYSTEM_RESIDUAL])[at]);
    for (size_t i = 0; i < mm; i++)
      put_num(out, ((const double *)t->buf[D_S])[at * mm + i]);
    fputc('\n', out);
  }
}

int export_census(const sum_file *f, size_t ri, int equilibria, long limit, FILE *out, char *err,
                  size_t errsize) {
  const sum_run *r = &f->runs[ri];
  census_table t;
  long long g = results_group_open(&f->rf, r->name), u8 = results_mem_type(RESULTS_MEM_U8),
            f64 = results_mem_type(RESULTS_MEM_F64);
  int st =
      g < 0 || r->max_equilibria == 0
          ? results_errorf(err, errsize, RF_RUNS_PATH "/%s: cannot open the census run", r->name)
          : 0;
  for (int d = 0; d < D_COUNT; d++) {
    t.ds[d] = t.mtype[d] = -1;
    t.buf[d] = NULL;
  }
  for (int d = 0; st == 0 && d < D_COUNT; d++) {
    size_t size = d == D_DONE || d_enum(d) ? 1 : sizeof(double);
    if ((t.ds[d] = results_dataset_open(g, d_path(d), 1)) < 0)
      st = results_errorf(err, errsize, RF_RUNS_PATH "/%s/%s: missing", r->name, d_path(d));
    else if (!(t.buf[d] = malloc(SUM_CHUNK_ROWS * d_width(d, r) * size)))
      st = results_errorf(err, errsize, "out of memory");
    else if (d_enum(d) && results_enum_map(t.ds[d], enum_count(d), enum_index_name(d), t.map[d],
                                           &t.mtype[d]) != 0)
      st = results_errorf(err, errsize, RF_RUNS_PATH "/%s/%s is not a one-byte enum", r->name,
                          d_path(d));
  }
  if (st == 0)
    header(out, r, equilibria);
  long written = 0;
  for (uint64_t r0 = 0; st == 0 && r0 < r->trials && (limit < 0 || written < limit);
       r0 += SUM_CHUNK_ROWS) {
    size_t len = r->trials - r0 < SUM_CHUNK_ROWS ? (size_t)(r->trials - r0) : SUM_CHUNK_ROWS;
    for (int d = 0; st == 0 && d < D_COUNT; d++)
      if (results_read_rows(t.ds[d],
                            d == D_DONE ? u8
                            : d_enum(d) ? t.mtype[d]
                                        : f64,
                            r0, len, d_width(d, r), t.buf[d]) != 0)
        st = results_errorf(err, errsize, RF_RUNS_PATH "/%s/%s: cannot read rows or wrong shape",
                            r->name, d_path(d));
    for (size_t k = 0; st == 0 && k < len && (limit < 0 || written < limit); k++) {
      if (((const uint8_t *)t.buf[D_DONE])[k] != 1)
        continue;
      if (equilibria)
        equilibria_rows(out, &t, r, r0 + k, k);
      else
        data_set_row(out, &t, r, r0 + k, k);
      written++;
    }
  }
  for (int d = 0; d < D_COUNT; d++) {
    results_handle_close(t.mtype[d]);
    results_handle_close(t.ds[d]);
    free(t.buf[d]);
  }
  results_handle_close(g);
  return st;
}
