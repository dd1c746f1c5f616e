/* A grid run's per-cell counts, streamed from the results file a chunk of rows at a time. */
#include "grid_cells.h"

#include "results_traj.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const sgema_settings *grid_settings_of(const sum_file *f, size_t i) {
  const sgema_run_spec *spec = f->exp ? sgema_experiment_find(f->exp, f->runs[i].name) : NULL;
  return spec ? &spec->settings : NULL;
}

const sgema_design *grid_design_of(const sum_file *f, size_t i) {
  const sgema_settings *s = grid_settings_of(f, i);
  if (!s || f->runs[i].census)
    return NULL;
  const sgema_design *d = &s->sampling.design;
  return d->kind == SGEMA_DESIGN_PHASE || d->kind == SGEMA_DESIGN_BASINS ? d : NULL;
}

typedef struct {
  grid_cells *g;
  uint64_t first; /* the trial of the chunk's first row */
} stream_ctx;

static int count_chunk(const uint8_t *done, const double *delta, const uint8_t *sphere,
                       const uint8_t *cls, size_t len, void *vctx) {
  (void)delta;
  stream_ctx *x = vctx;
  grid_cells *g = x->g;
  uint64_t grid_trials = sgema_design_trials(&g->design);
  for (size_t j = 0; j < len; j++) {
    uint64_t trial = x->first + j;
    if (done[j] != 1)
      continue;
    if (trial >= grid_trials) {
      g->outside++;
      continue;
    }
    if (g->first_done < 0)
      g->first_done = (int64_t)trial;
    uint32_t ix, iy;
    sgema_design_cell(&g->design, trial, &ix, &iy);
    size_t c = (size_t)iy * g->nx + ix;
    g->done[c]++;
    if (cls[j] < SGEMA_CLASS_COUNT)
      g->cls[c * SGEMA_CLASS_COUNT + cls[j]]++;
    if (cls[j] == SGEMA_CLASS_STABLE && sphere[j] < SUM_SPHERES)
      g->sphere[c * SUM_SPHERES + sphere[j]]++;
  }
  x->first += len;
  return 0;
}

int grid_cells_read(const sum_file *f, size_t i, grid_cells *g, char *err, size_t errsize) {
  memset(g, 0, sizeof *g);
  const sgema_design *d = grid_design_of(f, i);
  if (!d) {
    if (!f->exp)
      return snprintf(err, errsize, "run %s: its experiment did not reload (%s)", f->runs[i].name,
                      f->exp_problem),
             -1;
    return snprintf(err, errsize, "run %s: not a grid run (its design is random)", f->runs[i].name),
           -1;
  }
  g->design = *d;
  g->first_done = -1;
  if (d->x.cells < 1 || d->y.cells < 1 || d->per_cell < 1)
    return snprintf(err, errsize, "run %s: a grid of %d x %d cells, %d per cell", f->runs[i].name,
                    d->x.cells, d->y.cells, d->per_cell),
           -1;
  g->nx = (uint32_t)d->x.cells;
  g->ny = (uint32_t)d->y.cells;
  g->cells = (size_t)g->nx * g->ny;
  g->done = calloc(g->cells, sizeof *g->done);
  g->cls = calloc(g->cells * SGEMA_CLASS_COUNT, sizeof *g->cls);
  g->sphere = calloc(g->cells * SUM_SPHERES, sizeof *g->sphere);
  if (!g->done || !g->cls || !g->sphere)
    return snprintf(err, errsize, "out of memory for %zu cells", g->cells), -1;
  stream_ctx x = {g, 0};
  if (results_trial_stream(&f->rf, i, count_chunk, &x, err, errsize) != 0)
    return -1;
  for (size_t c = 0; c < g->cells; c++) {
    g->partial += g->done[c] < (uint32_t)d->per_cell;
    g->empty += g->done[c] == 0;
  }
  return 0;
}

void grid_cells_free(grid_cells *g) {
  free(g->done);
  free(g->cls);
  free(g->sphere);
  memset(g, 0, sizeof *g);
}

uint32_t grid_cell_count(const grid_cells *g, size_t c, int cls) {
  return g->cls[c * SGEMA_CLASS_COUNT + (size_t)cls];
}

double grid_cell_fraction(const grid_cells *g, size_t c, int cls) {
  return g->done[c] ? grid_cell_count(g, c, cls) / (double)g->done[c] : NAN;
}

int grid_cell_majority(const grid_cells *g, size_t c) {
  int best = -1;
  uint32_t most = 0;
  for (int k = 0; k < SGEMA_CLASS_COUNT; k++)
    if (grid_cell_count(g, c, k) > most) {
      most = grid_cell_count(g, c, k);
      best = k;
    }
  return best;
}

void grid_axis_label(const sgema_design_axis *a, int m, int n, char *buf, size_t size) {
  static const char *const sub[10] = {"₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"};
  switch (a->what) {
  case SGEMA_AXIS_RHO:
    snprintf(buf, size, "ρ");
    return;
  case SGEMA_AXIS_TAU:
    snprintf(buf, size, "τ");
    return;
  case SGEMA_AXIS_LAMBDA:
    snprintf(buf, size, "λ");
    return;
  default:
    break;
  }
  /* A and C are n x m, B n x n, row-major. */
  int cols = a->what == SGEMA_AXIS_B ? n : m;
  int row = cols > 0 ? a->index / cols : 0, col = cols > 0 ? a->index % cols : 0;
  const char *name = sgema_axis_name(a->what);
  if (m == 1 && a->what != SGEMA_AXIS_B && row + 1 < 10)
    snprintf(buf, size, "%s%s (%s[%d][0])", a->what == SGEMA_AXIS_A ? "a" : "c", sub[row + 1], name,
             row);
  else
    snprintf(buf, size, "%s[%d][%d]", name, row, col);
}

void grid_axis_json(jw_writer *w, const char *key, const sgema_design_axis *a) {
  jw_open(w, key, '{', 1);
  jw_string(w, "what", sgema_axis_name(a->what));
  jw_long(w, "index", a->index);
  jw_double(w, "lo", a->lo);
  jw_double(w, "hi", a->hi);
  jw_long(w, "cells", a->cells);
  jw_object_end(w);
}
