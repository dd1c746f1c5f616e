/* sgema-plot's grid figures (phase, basins): the runs' per-cell counts and cells drawn as filled
 * rectangles without seams. */
#ifndef SGEMA_PLOT_GRID_H
#define SGEMA_PLOT_GRID_H

#include "grid_cells.h"
#include "plot.h"

/* The selected runs' cells, in the job's order. */
typedef struct {
  size_t count;
  grid_cells *g;
} plot_grids;

/* Keeps the job's runs whose design is of `kind` (SGEMA_DESIGN_PHASE or BASINS) and reads their
 * cells. 0, or -1 with err. */
int plot_grids_read(plot_job *job, int kind, plot_grids *out, char *err, size_t errsize);
void plot_grids_free(plot_grids *p);

/* A cell's colour: a cmap0 index in [0, PLOT_GRID_CMAP1) (PLOT_LIGHT for a cell without a done
 * trial), or PLOT_GRID_CMAP1 + level for level of PLOT_GRID_LEVELS steps of the heat map. */
#define PLOT_GRID_CMAP1 1000
#define PLOT_GRID_LEVELS 64
typedef int (*plot_cell_colour)(const grid_cells *g, size_t c, const void *ctx);

/* Draws every cell of g into panel i's window (the design's axis ranges): each row's runs of one
 * colour as one rectangle, and each rectangle reaching half a cell into the next row and run,
 * which are drawn after it and cover the overlap, and every edge moved to the nearest whole page
 * unit (pixel), so that anti-aliasing leaves no seams. */
void plot_grid_cells(const lay_figure *f, int i, const grid_cells *g, plot_cell_colour colour,
                     const void *ctx);

/* A panel's spec for a grid: the design's axis ranges and labels. */
void plot_grid_panel(lay_panel_spec *ps, const grid_cells *g, int m, int n, char *xlabel,
                     char *ylabel, size_t labelsize);

#endif
