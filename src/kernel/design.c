/* Grid designs: the map from a trial to its grid cell and the value of each cell. */
#include "sgema/design.h"
#include "sgema/status.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const kind_names[] = {"random", "phase", "basins"};
static const char *const axis_names[] = {"rho", "tau", "lambda", "A", "B", "C"};
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int find_name(const char *const *names, int count, const char *name) {
  for (int i = 0; i < count; i++)
    if (strcmp(name, names[i]) == 0)
      return i;
  return -1;
}

const char *sgema_design_kind_name(int kind) {
  return (unsigned)kind < (unsigned)COUNT(kind_names) ? kind_names[kind] : "unknown";
}

int sgema_design_kind_parse(const char *name) {
  return find_name(kind_names, COUNT(kind_names), name);
}

const char *sgema_axis_name(int what) {
  return (unsigned)what < (unsigned)COUNT(axis_names) ? axis_names[what] : "unknown";
}

int sgema_axis_parse(const char *name) {
  return find_name(axis_names, COUNT(axis_names), name);
}

uint64_t sgema_design_trials(const sgema_design *d) {
  if (d->kind == SGEMA_DESIGN_RANDOM)
    return 0;
  return (uint64_t)d->x.cells * (uint64_t)d->y.cells * (uint64_t)d->per_cell;
}

void sgema_design_cell(const sgema_design *d, uint64_t trial, uint32_t *ix, uint32_t *iy) {
  uint64_t cell = trial / (uint64_t)d->per_cell;
  *ix = (uint32_t)(cell % (uint64_t)d->x.cells);
  *iy = (uint32_t)(cell / (uint64_t)d->x.cells);
}

double sgema_design_value(const sgema_design_axis *a, uint32_t i) {
  /* The centre as lo + (i + 1/2) w rather than a running sum, so every cell's value is one
   * rounding from exact, whatever the grid's size. */
  double width = (a->hi - a->lo) / a->cells;
  return a->lo + ((double)i + 0.5) * width;
}

int sgema_design_block_size(sgema_axis_kind what, int m, int n) {
  switch (what) {
  case SGEMA_AXIS_A:
  case SGEMA_AXIS_C:
    return n * m;
  case SGEMA_AXIS_B:
    return n * n;
  default:
    return 0;
  }
}

static int bad(const char **key, const char *name, char *why, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, size, fmt, ap);
  va_end(ap);
  *key = name;
  return SGEMA_EINVAL;
}

static int is_statistic(sgema_axis_kind w) {
  return w == SGEMA_AXIS_RHO || w == SGEMA_AXIS_TAU || w == SGEMA_AXIS_LAMBDA;
}

/* One axis of a phase design: a statistic, with a range its sampler would accept. */
static int check_phase_axis(const sgema_design_axis *a, const char *name, const char *range,
                            const char **key, char *why, size_t size) {
  if (!is_statistic(a->what))
    return bad(key, name, why, size,
               "phase designs put statistics on the grid (rho, tau, lambda), not %s",
               sgema_axis_name(a->what));
  if (!isfinite(a->lo) || !isfinite(a->hi) || a->lo > a->hi)
    return bad(key, range, why, size, "must be finite with lo <= hi");
  /* The samplers' own rules: Sxx invertible (rho > 0 at every cell centre), lambda > 0. */
  if (a->what == SGEMA_AXIS_RHO && !(a->lo >= 0.0 && a->hi > 0.0))
    return bad(key, range, why, size, "a rho axis needs lo >= 0 and hi > 0");
  if (a->what == SGEMA_AXIS_LAMBDA && !(a->lo > 0.0))
    return bad(key, range, why, size, "a lambda axis needs lo > 0 (lambda is a weight decay)");
  return SGEMA_OK;
}

/* One axis of a basins design: an entry of A, B or C that the run's state has. */
static int check_basins_axis(const sgema_design_axis *a, const sgema_design_context *c,
                             const char *name, const char *index, const char *range,
                             const char **key, char *why, size_t size) {
  if (is_statistic(a->what))
    return bad(key, name, why, size,
               "basins designs put the initial state on the grid (A, B, C), not %s",
               sgema_axis_name(a->what));
  if (a->what == SGEMA_AXIS_C && !(c->ema && c->target_independent))
    return bad(key, name, why, size,
               "C(0) is a coordinate of its own only for ema with target: independent (with "
               "target: copy an A axis sets C's entry too)");
  int size_of = sgema_design_block_size(a->what, c->m, c->n);
  if (a->index < 0 || a->index >= size_of)
    return bad(key, index, why, size, "%d is not an entry of %s (%d entries, 0..%d, row-major)",
               a->index, sgema_axis_name(a->what), size_of, size_of - 1);
  if (!isfinite(a->lo) || !isfinite(a->hi) || !(a->lo < a->hi))
    return bad(key, range, why, size, "must be finite with lo < hi");
  return SGEMA_OK;
}

int sgema_design_check(const sgema_design *d, const sgema_design_context *c, const char **key,
                       char *why, size_t size) {
  *key = NULL;
  if (why && size)
    why[0] = '\0';
  if ((unsigned)d->kind > SGEMA_DESIGN_BASINS)
    return bad(key, "kind", why, size, "unknown design kind %d", (int)d->kind);
  if (d->kind == SGEMA_DESIGN_RANDOM)
    return SGEMA_OK;
  if ((unsigned)d->x.what > SGEMA_AXIS_C || (unsigned)d->y.what > SGEMA_AXIS_C)
    return bad(key, (unsigned)d->x.what > SGEMA_AXIS_C ? "x" : "y", why, size, "unknown axis");
  if (d->x.cells < 1 || d->x.cells > SGEMA_DESIGN_CELLS_MAX)
    return bad(key, "x_cells", why, size, "must be 1..%d", SGEMA_DESIGN_CELLS_MAX);
  if (d->y.cells < 1 || d->y.cells > SGEMA_DESIGN_CELLS_MAX)
    return bad(key, "y_cells", why, size, "must be 1..%d", SGEMA_DESIGN_CELLS_MAX);
  if (d->per_cell < 1)
    return bad(key, "per_cell", why, size, "must be at least 1");
  int st;
  if (d->kind == SGEMA_DESIGN_PHASE) {
    if ((st = check_phase_axis(&d->x, "x", "x_range", key, why, size)) != SGEMA_OK ||
        (st = check_phase_axis(&d->y, "y", "y_range", key, why, size)) != SGEMA_OK)
      return st;
    if (d->x.what == d->y.what)
      return bad(key, "y", why, size, "the same statistic as x (%s)", sgema_axis_name(d->x.what));
    if (c->condition_delta)
      return bad(key, "condition_delta", why, size,
                 "true cannot redraw the statistics of a phase grid, which sets them");
  } else {
    if ((st = check_basins_axis(&d->x, c, "x", "x_index", "x_range", key, why, size)) != SGEMA_OK ||
        (st = check_basins_axis(&d->y, c, "y", "y_index", "y_range", key, why, size)) != SGEMA_OK)
      return st;
    if (d->x.what == d->y.what && d->x.index == d->y.index)
      return bad(key, "y_index", why, size, "the same coordinate as x (%s entry %d)",
                 sgema_axis_name(d->x.what), d->x.index);
    if (d->per_cell != 1)
      return bad(key, "per_cell", why, size,
                 "must be 1 for basins (every trial of a cell would start from the same state)");
  }
  /* Compared by division: the product itself can pass 2^64. */
  uint64_t cells = (uint64_t)d->x.cells * (uint64_t)d->y.cells;
  if (cells > SGEMA_DESIGN_TRIALS_MAX / (uint64_t)d->per_cell)
    return bad(key, "per_cell", why, size,
               "x_cells * y_cells * per_cell = %d * %d * %d trials, more than a run's %llu",
               d->x.cells, d->y.cells, d->per_cell, (unsigned long long)SGEMA_DESIGN_TRIALS_MAX);
  return SGEMA_OK;
}
