/* sgema-export --cells: a grid run's per-cell counts and fractions with their 95% intervals. */
#include "export_cells.h"

#include "grid_cells.h"
#include "json_writer.h"
#include "table_out.h"

#include <math.h>
#include <stdio.h>

static void csv_header(FILE *out) {
  fputs("ix,iy,x,y,done,incomplete", out);
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++) {
    const char *n = sgema_class_name((sgema_class)c);
    fprintf(out, ",%s,%s_fraction,%s_ci95_lo,%s_ci95_hi", n, n, n, n);
  }
  putc('\n', out);
}

static void csv_cell(FILE *out, const grid_cells *g, uint32_t ix, uint32_t iy) {
  size_t c = (size_t)iy * g->nx + ix;
  long n = g->done[c];
  char buf[32];
  fprintf(out, "%u,%u,", ix, iy);
  fputs(tab_double(sgema_design_value(&g->design.x, ix), buf), out);
  putc(',', out);
  fputs(tab_double(sgema_design_value(&g->design.y, iy), buf), out);
  fprintf(out, ",%ld,%d", n, n < g->design.per_cell);
  for (int k = 0; k < SGEMA_CLASS_COUNT; k++) {
    long count = grid_cell_count(g, c, k);
    double lo, hi;
    sum_wilson(count, n, SUM_Z95, &lo, &hi);
    fprintf(out, ",%ld,", count);
    tab_csv_num(out, n ? count / (double)n : NAN);
    putc(',', out);
    tab_csv_num(out, n ? lo : NAN);
    putc(',', out);
    tab_csv_num(out, n ? hi : NAN);
  }
  putc('\n', out);
}

static void json_cell(jw_writer *w, const grid_cells *g, uint32_t ix, uint32_t iy) {
  size_t c = (size_t)iy * g->nx + ix;
  long n = g->done[c];
  jw_open(w, NULL, '{', 1);
  jw_long(w, "ix", ix);
  jw_long(w, "iy", iy);
  jw_double(w, "x", sgema_design_value(&g->design.x, ix));
  jw_double(w, "y", sgema_design_value(&g->design.y, iy));
  jw_long(w, "done", n);
  jw_bool(w, "incomplete", n < g->design.per_cell);
  for (int k = 0; k < SGEMA_CLASS_COUNT; k++) {
    long count = grid_cell_count(g, c, k);
    double lo, hi;
    sum_wilson(count, n, SUM_Z95, &lo, &hi);
    jw_open(w, sgema_class_name((sgema_class)k), '{', 1);
    jw_long(w, "count", count);
    jw_double(w, "fraction", n ? count / (double)n : NAN);
    jw_array_begin_inline(w, "ci95");
    jw_double(w, NULL, n ? lo : NAN);
    jw_double(w, NULL, n ? hi : NAN);
    jw_array_end(w);
    jw_object_end(w);
  }
  jw_object_end(w);
}

int export_cells(const sum_file *f, size_t ri, int json, FILE *out, char *err, size_t errsize) {
  grid_cells g;
  if (grid_cells_read(f, ri, &g, err, errsize) != 0) {
    grid_cells_free(&g);
    return -1;
  }
  if (!json) {
    csv_header(out);
    for (uint32_t iy = 0; iy < g.ny; iy++)
      for (uint32_t ix = 0; ix < g.nx; ix++)
        csv_cell(out, &g, ix, iy);
    grid_cells_free(&g);
    return 0;
  }
  jw_writer w;
  jw_init(&w, out, 0);
  jw_object_begin(&w, NULL);
  jw_string(&w, "run", f->runs[ri].name);
  jw_open(&w, "design", '{', 0);
  jw_string(&w, "kind", sgema_design_kind_name(g.design.kind));
  grid_axis_json(&w, "x", &g.design.x);
  grid_axis_json(&w, "y", &g.design.y);
  jw_long(&w, "per_cell", g.design.per_cell);
  if (g.design.kind == SGEMA_DESIGN_BASINS)
    jw_long(&w, "base_trial", (long)g.design.base_trial);
  jw_object_end(&w);
  jw_long(&w, "partial_cells", g.partial);
  jw_array_begin(&w, "cells");
  for (uint32_t iy = 0; iy < g.ny; iy++)
    for (uint32_t ix = 0; ix < g.nx; ix++)
      json_cell(&w, &g, ix, iy);
  jw_array_end(&w);
  jw_object_end(&w);
  grid_cells_free(&g);
  if (jw_finish(&w) != 0)
    return snprintf(err, errsize, "cannot write the JSON"), -1;
  return 0;
}
