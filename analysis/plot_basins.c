/* sgema-plot's basins figure: a slice of initial states per run coloured by the class of its limit
 * (for m = 1 the stable limits by sphere), with the m = 1 equilibria's circles and the origin. */
#define _POSIX_C_SOURCE 200809L
#include "plot_grid.h"
#include "results_format.h"

#include <math.h>
#include <plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The colours of the slice: the classes, the stable ones split by sphere for m = 1. */
enum { KEY_STABLE_NONE = SGEMA_CLASS_COUNT, KEY_STABLE_S1, KEY_STABLE_S2, KEY_EMPTY, KEYS };
static const char *const key_names[KEYS] = {
    "origin",        "stable",       "saddle",       "partial",
    "not converged", "diverged",     "failed",       "stable, no sphere",
    "stable on S₁",  "stable on S₂", "no trial done"};

static int key_colour(int key) {
  switch (key) {
  case KEY_STABLE_NONE:
    return PLOT_SERIES + 9;
  case KEY_STABLE_S1:
    return PLOT_SERIES + 5;
  case KEY_STABLE_S2:
    return plot_class_colour(SGEMA_CLASS_STABLE);
  case KEY_EMPTY:
    return PLOT_LIGHT;
  default:
    return plot_class_colour(key);
  }
}

typedef struct {
  plot_grids grids;
  int *m1;           /* [count] the run has m = 1: stable cells split by sphere */
  double *r1, *r2;   /* [count] the m = 1 spheres' radii from the run's data (NaN: Delta < 0) */
  int *circles;      /* [count] both axes are entries of A (m = 1): the circles lie in the plane */
  int present[KEYS]; /* the keys some cell of some run has */
} basins_data;

static void basins_free(void *vdata) {
  basins_data *d = vdata;
  if (!d)
    return;
  plot_grids_free(&d->grids);
  free(d->m1);
  free(d->r1);
  free(d->r2);
  free(d->circles);
  free(d);
}

/* A basins cell's key: its one trial's class, a stable limit by its sphere for m = 1. */
static int cell_key(const grid_cells *g, size_t c, int m1) {
  int cls = grid_cell_majority(g, c);
  if (cls < 0)
    return KEY_EMPTY;
  if (cls != SGEMA_CLASS_STABLE || !m1)
    return cls;
  const uint32_t *s = &g->sphere[c * SUM_SPHERES];
  return s[SGEMA_SPHERE_S2] >= s[SGEMA_SPHERE_S1] && s[SGEMA_SPHERE_S2] >= s[SGEMA_SPHERE_NONE]
             ? KEY_STABLE_S2
         : s[SGEMA_SPHERE_S1] >= s[SGEMA_SPHERE_NONE] ? KEY_STABLE_S1
                                                      : KEY_STABLE_NONE;
}

static int cell_colour(const grid_cells *g, size_t c, const void *ctx) {
  return key_colour(cell_key(g, c, *(const int *)ctx));
}

/* One value of row `row` of a run's input column (its first value: m = 1 has 1 x 1 matrices). */
static int read_input(const plot_run *pr, const char *path, uint64_t row, double *v, char *err,
                      size_t errsize) {
  const sum_run *r = &pr->file->runs[pr->run];
  long long g = results_group_open(&pr->file->rf, r->name);
  long long ds = g >= 0 ? results_dataset_open(g, path, 0) : -1;
  int st = ds >= 0 && results_read_rows(ds, results_mem_type(RESULTS_MEM_F64), row, 1, 1, v) == 0
               ? 0
               : results_errorf(err, errsize, RF_RUNS_PATH "/%s/%s: cannot read row %llu", r->name,
                                path, (unsigned long long)row);
  results_handle_close(ds);
  results_handle_close(g);
  return st;
}

/* The m = 1 spheres' radii (docs/MODEL.md fact 1) from the data of the run's first done trial:
 * a basins run has one data set, the same in every cell. */
static int spheres_of(const plot_run *pr, const grid_cells *g, double *r1, double *r2, char *err,
                      size_t errsize) {
  double rho, tau, lambda;
  uint64_t row = (uint64_t)g->first_done;
  if (read_input(pr, RF_COL(SXX)->path, row, &rho, err, errsize) != 0 ||
      read_input(pr, RF_COL(SYX)->path, row, &tau, err, errsize) != 0 ||
      read_input(pr, RF_COL(LAMBDA)->path, row, &lambda, err, errsize) != 0)
    return -1;
  double delta = tau * tau - 4 * rho * lambda;
  *r1 = *r2 = NAN;
  if (delta >= 0 && rho > 0) {
    *r1 = (fabs(tau) - sqrt(delta)) / (2 * rho);
    *r2 = (fabs(tau) + sqrt(delta)) / (2 * rho);
  }
  return 0;
}

static int check_basins(plot_job *job, void **data, char *err, size_t errsize) {
  basins_data *d = calloc(1, sizeof *d);
  if (!d)
    return snprintf(err, errsize, "out of memory"), -1;
  *data = d;
  if (plot_grids_read(job, SGEMA_DESIGN_BASINS, &d->grids, err, errsize) != 0)
    return -1;
  if (job->count > LAY_MAX_PANELS)
    return snprintf(err, errsize, "%zu runs, more than %d panels: name fewer with --run",
                    job->count, LAY_MAX_PANELS),
           -1;
  size_t n = job->count;
  d->m1 = calloc(n, sizeof *d->m1);
  d->circles = calloc(n, sizeof *d->circles);
  d->r1 = calloc(n, sizeof *d->r1);
  d->r2 = calloc(n, sizeof *d->r2);
  if (!d->m1 || !d->circles || !d->r1 || !d->r2)
    return snprintf(err, errsize, "out of memory"), -1;
  for (size_t i = 0; i < n; i++) {
    const plot_run *pr = &job->runs[i];
    const grid_cells *g = &d->grids.g[i];
    d->m1[i] = pr->file->runs[pr->run].m == 1;
    d->circles[i] = d->m1[i] && g->design.x.what == SGEMA_AXIS_A &&
                    g->design.y.what == SGEMA_AXIS_A && g->design.x.index != g->design.y.index;
    d->r1[i] = d->r2[i] = NAN;
    if (d->circles[i] && spheres_of(pr, g, &d->r1[i], &d->r2[i], err, errsize) != 0)
      return -1;
    for (size_t c = 0; c < g->cells; c++)
      d->present[cell_key(g, c, d->m1[i])] = 1;
  }
  return 0;
}

static void circle(double r) {
  enum { N = 721 };
  PLFLT x[N], y[N];
  for (int i = 0; i < N; i++) {
    x[i] = r * cos(6.283185307179586 * i / (N - 1));
    y[i] = r * sin(6.283185307179586 * i / (N - 1));
  }
  plline(N, x, y);
}

/* The equilibria in the slice: the circles |a| = r1 (S1, saddles: dashed) and |a| = r2 (S2,
 * stable), and the origin. */
static void draw_equilibria(const lay_figure *f, int i, const basins_data *d) {
  plot_use_panel(f, i);
  plcol0(PLOT_BLACK);
  plwidth(2.0);
  if (d->circles[i] && isfinite(d->r2[i])) {
    plot_style(2);
    circle(d->r1[i]);
    plot_style(1);
    circle(d->r2[i]);
  }
  PLFLT ox = 0, oy = 0;
  plot_symbol_size(f, 1.2);
  plstring(1, &ox, &oy, "+");
  plwidth(1.0);
}

typedef struct {
  char title[LAY_MAX_PANELS][192], sub[LAY_MAX_PANELS][192];
  char xlabel[LAY_MAX_PANELS][64], ylabel[LAY_MAX_PANELS][64];
} basins_texts;

static int draw_basins(plot_job *job, void *vdata, char *err, size_t errsize) {
  basins_data *d = vdata;
  basins_texts *t = calloc(1, sizeof *t);
  if (!t)
    return snprintf(err, errsize, "out of memory"), -1;
  lay_spec spec = {0};
  spec.title = "Basins of attraction: the class of each initial state's limit";
  int any_circles = 0;
  for (size_t i = 0; i < job->count; i++) {
    const plot_run *pr = &job->runs[i];
    const sum_run *r = &pr->file->runs[pr->run];
    const grid_cells *g = &d->grids.g[i];
    int k = spec.npanels++;
    plot_grid_panel(&spec.panel[k], g, r->m, r->n, t->xlabel[k], t->ylabel[k], sizeof t->xlabel[k]);
    snprintf(t->title[k], sizeof t->title[k], "%s", pr->label);
    int n = snprintf(t->sub[k], sizeof t->sub[k], "%s, m = %d, n = %d · %u × %u cells", r->alg,
                     r->m, r->n, g->nx, g->ny);
    if (g->empty && n > 0 && (size_t)n < sizeof t->sub[k])
      snprintf(t->sub[k] + n, sizeof t->sub[k] - (size_t)n, " · %ld not done", g->empty);
    spec.panel[k].title = t->title[k];
    spec.panel[k].subtitle = t->sub[k];
    any_circles |= d->circles[i] && isfinite(d->r2[i]);
  }
  plot_legend_entry le[KEYS + 3];
  int nle = 0;
  for (int key = 0; key < KEYS; key++)
    if (d->present[key])
      le[nle++] = (plot_legend_entry){key_names[key], key_colour(key), 0, 0, NULL, 1};
  if (any_circles) {
    le[nle++] = (plot_legend_entry){"|a| = r₁ (S₁, saddles)", PLOT_BLACK, 2, 2.0, NULL, 0};
    le[nle++] = (plot_legend_entry){"|a| = r₂ (S₂, stable)", PLOT_BLACK, 1, 2.0, NULL, 0};
  }
  le[nle++] = (plot_legend_entry){"origin (an equilibrium)", PLOT_BLACK, 0, 0, "+", 0};
  for (int k = 0; k < nle; k++)
    spec.legend[spec.nlegend++] = le[k].text;
  lay_figure *f = plot_layout(job->out, &spec, err, errsize);
  if (!f) {
    free(t);
    return -1;
  }
  for (size_t i = 0; i < job->count; i++) {
    plot_grid_cells(f, (int)i, &d->grids.g[i], cell_colour, &d->m1[i]);
    draw_equilibria(f, (int)i, d);
    plot_axes(f, (int)i);
  }
  plot_legend(f, le, nle);
  int st = plot_texts(f, err, errsize);
  free(f);
  free(t);
  return st;
}

const plot_kind plot_kind_basins = {
    "basins",
    "a slice of initial states coloured by the class of the limit (m = 1: by sphere), with the "
    "equilibria's circles",
    check_basins,
    draw_basins,
    basins_free,
    NULL};
