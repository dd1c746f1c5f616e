/* Grid designs of a run (issue 14): which trial is which grid cell, and the value of each cell.
 * A "random" design is the samplers' (every trial drawn); "phase" puts two of the statistics on a
 * grid with per_cell random trials per cell; "basins" fixes the data and the rest of the initial
 * state (trial base_trial's draw) and puts two coordinates of the initial state on a grid. */
#ifndef SGEMA_DESIGN_H
#define SGEMA_DESIGN_H

#include <stddef.h>
#include <stdint.h>

/* Cells per axis, and the trials of a grid (a run's trial counter is a uint32). */
#define SGEMA_DESIGN_CELLS_MAX 100000
#define SGEMA_DESIGN_TRIALS_MAX UINT32_MAX

typedef enum {
  SGEMA_DESIGN_RANDOM, /* every trial drawn by the sampler (the default) */
  SGEMA_DESIGN_PHASE,  /* two statistics on a grid, per_cell trials per cell */
  SGEMA_DESIGN_BASINS  /* fixed data, two initial coordinates on a grid, one trial per cell */
} sgema_design_kind;

typedef enum {
  SGEMA_AXIS_RHO,    /* phase: every rho_i (the diagonal of Sxx before the sampler's rotations) */
  SGEMA_AXIS_TAU,    /* phase: every tau_i */
  SGEMA_AXIS_LAMBDA, /* phase: the weight decay */
  SGEMA_AXIS_A,      /* basins: A(0)'s entry `index` (row-major, n x m) */
  SGEMA_AXIS_B,      /* basins: B(0)'s entry `index` (row-major, n x n) */
  SGEMA_AXIS_C       /* basins: C(0)'s entry `index` (EMA, row-major, n x m) */
} sgema_axis_kind;

/* One axis of the grid: `cells` cells of equal width on [lo, hi], each at its centre. */
typedef struct {
  sgema_axis_kind what;
  int index; /* the entry of the block A, B or C; unused (0) for rho, tau, lambda */
  double lo, hi;
  int cells;
} sgema_design_axis;

typedef struct {
  sgema_design_kind kind;
  sgema_design_axis x, y;
  int per_cell;        /* phase: trials per cell (basins: 1) */
  uint32_t base_trial; /* basins: the trial whose draw gives the data and the rest of the state */
} sgema_design;

/* The trials the grid has: x.cells * y.cells * per_cell (0 for a random design). */
uint64_t sgema_design_trials(const sgema_design *d);

/* The cell of trial k: k = (iy * x.cells + ix) * per_cell + j, j = 0 .. per_cell - 1. */
void sgema_design_cell(const sgema_design *d, uint64_t trial, uint32_t *ix, uint32_t *iy);

/* The value at the centre of cell i of an axis: lo + (i + 1/2) (hi - lo) / cells. */
double sgema_design_value(const sgema_design_axis *a, uint32_t i);

/* Names ("random", "phase", "basins"; "rho", "tau", "lambda", "A", "B", "C") and the inverses
 * (-1: unknown). */
const char *sgema_design_kind_name(int kind);
int sgema_design_kind_parse(const char *name);
const char *sgema_axis_name(int what);
int sgema_axis_parse(const char *name);

/* What a design is checked against: the run's algorithm, dimensions and sampling. */
typedef struct {
  int ema;                /* alg is EMA (C(0) exists) */
  int m, n;               /* the blocks' sizes: A, C n x m, B n x n */
  int target_independent; /* C(0) drawn on its own, not a copy of A(0) */
  int condition_delta;    /* the sampler redraws until Delta >= 0 */
} sgema_design_context;

/* The rules of a design (docs/EXPERIMENTS.md, "Grid designs"). SGEMA_OK, or SGEMA_EINVAL with
 * *key the design key at fault ("x", "x_range", "per_cell", ...; "condition_delta", the sampling's
 * key, when that is at fault) and why the reason in words. A random design is always valid (its
 * axes are not read). */
int sgema_design_check(const sgema_design *d, const sgema_design_context *c, const char **key,
                       char *why, size_t size);

/* The number of entries of the block an axis A, B or C names (n m or n^2); 0 for the others. */
int sgema_design_block_size(sgema_axis_kind what, int m, int n);

#endif
