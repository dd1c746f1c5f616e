/* A grid run's per-cell counts (issue 14): done trials, each class and, for m = 1, the sphere of
 * the stable limits, streamed from the results file in bounded chunks. */
#ifndef SGEMA_GRID_CELLS_H
#define SGEMA_GRID_CELLS_H

#include "json_writer.h"
#include "sgema/design.h"
#include "summary.h"

#include <stddef.h>
#include <stdint.h>

/* Counts per cell, cell c = iy * nx + ix (the design's order). Memory: (2 + classes + spheres)
 * 32-bit counters per cell, about 44 MB for 1000 x 1000 cells, whatever the trials per cell. */
typedef struct {
  sgema_design design; /* a copy of the run's design (kind phase or basins) */
  uint32_t nx, ny;
  size_t cells;
  uint32_t *done;     /* [cells] done trials */
  uint32_t *cls;      /* [cells * SGEMA_CLASS_COUNT] done trials of each class */
  uint32_t *sphere;   /* [cells * SUM_SPHERES] stable limits on no sphere, S1, S2 (m = 1) */
  long partial;       /* cells with fewer done trials than design.per_cell */
  long empty;         /* cells with none */
  long outside;       /* done trials past the grid's (a run with more trials than the design) */
  int64_t first_done; /* the first done trial (-1: none), whose inputs hold a basins run's data */
} grid_cells;

/* Run i's design when it is a grid (phase or basins); NULL for a random design or when the stored
 * experiment did not reload (why in f->exp_problem). */
const sgema_design *grid_design_of(const sum_file *f, size_t i);

/* A design's axis as the JSON object {what, index, lo, hi, cells} under key (summary, export). */
void grid_axis_json(jw_writer *w, const char *key, const sgema_design_axis *a);

/* Run i's settings as resolved from the stored experiment (NULL when it did not reload). */
const sgema_settings *grid_settings_of(const sum_file *f, size_t i);

/* Counts run i's done trials per cell. -1 with err when the run has no grid design, when memory
 * runs out, or on a read failure; grid_cells_free either way. */
int grid_cells_read(const sum_file *f, size_t i, grid_cells *g, char *err, size_t errsize);
void grid_cells_free(grid_cells *g);

/* The count of class cls in cell c, and the cell's fraction of it (NaN when no trial is done). */
uint32_t grid_cell_count(const grid_cells *g, size_t c, int cls);
double grid_cell_fraction(const grid_cells *g, size_t c, int cls);

/* The class most trials of cell c ended in (ties: the lower class index); -1 when none is done. */
int grid_cell_majority(const grid_cells *g, size_t c);

/* An axis's name for labels: "ρ", "τ", "λ", or the state entry ("A[0][1]"; for m = 1 "a₂"). */
void grid_axis_label(const sgema_design_axis *a, int m, int n, char *buf, size_t size);

#endif
