/* Grid designs: the map from a trial to its grid cell and the value of each cell. */
#include "sgema/design.h"

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
