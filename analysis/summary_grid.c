/* sgema-summary's view of a grid run: its design and the cells' majority classes. */
#include "grid_cells.h"
#include "summary.h"

int sum_grid_read(sum_file *f, size_t i, char *err, size_t errsize) {
  sum_grid *s = &f->runs[i].grid;
  if (!grid_design_of(f, i))
    return 0;
  grid_cells g;
  if (grid_cells_read(f, i, &g, err, errsize) != 0) {
    grid_cells_free(&g);
    return -1;
  }
  s->is_grid = 1;
  s->design = g.design;
  s->cells = (long)g.cells;
  s->partial = g.partial;
  s->empty = g.empty;
  s->outside = g.outside;
  for (size_t c = 0; c < g.cells; c++) {
    int k = grid_cell_majority(&g, c);
    if (k >= 0)
      s->majority[k]++;
  }
  grid_cells_free(&g);
  return 0;
}
