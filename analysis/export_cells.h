/* sgema-export --cells: a grid run's cells (issue 14), one row each, as CSV or JSON. */
#ifndef SGEMA_EXPORT_CELLS_H
#define SGEMA_EXPORT_CELLS_H

#include "summary.h"

#include <stdio.h>

/* Writes run ri of f (a phase or basins run) to out, one row per cell in the design's order (ix
 * fastest): ix, iy, the axis values x and y at the cell's centre, done (its done trials),
 * incomplete (1 when fewer than the design's per_cell), and for every class its count, fraction and
 * 95% Wilson interval (fraction and interval empty, JSON null, when nothing is done). json 1: one
 * object with the design and the cells. -1 and err when the run is not a grid run or on a read
 * failure. */
int export_cells(const sum_file *f, size_t ri, int json, FILE *out, char *err, size_t errsize);

#endif
