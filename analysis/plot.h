/* sgema-plot's shared pieces: the output (device, size, atomic file), colours, panels, legends. */
#ifndef SGEMA_PLOT_H
#define SGEMA_PLOT_H

#include "plot_layout.h"
#include "summary.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { PLOT_EXIT_OK = 0, PLOT_EXIT_FILE = 1, PLOT_EXIT_USAGE = 2 };

/* Where the figure goes. The image is drawn into a temporary file next to `path` and renamed onto
 * it only when complete, so a failure never leaves a partial (or any) output file. */
typedef struct {
  const char *path;
  const char *device; /* pngcairo, svgcairo, pdfcairo: from the extension */
  int width, height;  /* pixels (PNG) or points (SVG, PDF) */
  char tmp[4096];
  int started;
} plot_out;

/* The device for path's extension (.png, .svg, .pdf, any case); NULL when unsupported. */
const char *plot_device_for(const char *path);
/* Opens the temporary file and PLplot on it: white background, our palette, fonts. */
int plot_begin(plot_out *o, char *err, size_t errsize);
/* Closes PLplot, checks the image is non-empty and renames it onto o->path. */
int plot_end(plot_out *o, char *err, size_t errsize);
/* Closes PLplot if open and removes the temporary file. */
void plot_abort(plot_out *o);

/* One run of one file, as the plots see it. */
typedef struct {
  sum_file *file;
  size_t run;
  const char *label; /* "run", or "run (file)" when several files were given */
} plot_run;

/* Everything a plot kind needs. */
typedef struct {
  plot_run *runs;
  size_t count;
  long trajectories; /* at most this many trajectories per run (-1: all) */
  int bins;          /* delta: bins of Delta */
  long trial;        /* trial: the trial to re-integrate */
  int cls;           /* phase: the class whose fraction is drawn (--class; stable by default) */
  int panels;        /* phase: one panel per class, stable, origin and partial (--panels) */
  int usage_error;   /* set by check: the failure is the command line's (exit 2) */
  int explicit_runs; /* 1: the runs were named (--run), so each must suit the kind; 0: every run
                      * of the files, and the kind keeps those that suit it */
  plot_out *out;
} plot_job;

/* A plot kind: `check` reads and validates everything before PLplot starts (a failure there leaves
 * no file), `draw` runs between plot_begin and plot_end. Both return 0 or -1 with err filled. */
typedef struct {
  const char *name, *summary;
  int (*check)(plot_job *job, void **data, char *err, size_t errsize);
  int (*draw)(plot_job *job, void *data, char *err, size_t errsize);
  void (*free_data)(void *data);
  /* --data: the numbers drawn as CSV (NULL: the kind has none); 0 or -1 on a write error. */
  int (*write_data)(plot_job *job, void *data, FILE *out);
} plot_kind;

/* Keeps the job's runs that suit a kind. Named runs (--run) must all suit: the first that does not
 * is the error ("run NAME: why"); otherwise the others are dropped, and none left is the error
 * ("no run with NEED"). */
int plot_keep_runs(plot_job *job, int (*suits)(const plot_run *r, char *why, size_t whysize),
                   const char *need, char *err, size_t errsize);

/* Reads every run's class counts (sum_read_run) and keeps the runs with done trials. */
int plot_read_counts(plot_job *job, char *err, size_t errsize);

extern const plot_kind plot_kind_trajectories, plot_kind_ebar, plot_kind_classes, plot_kind_delta,
    plot_kind_sweep, plot_kind_ranks, plot_kind_trial, plot_kind_phase, plot_kind_basins;

/* Palette: cmap0 indices. */
enum { PLOT_WHITE = 0, PLOT_BLACK = 1, PLOT_GREY = 2, PLOT_LIGHT = 3, PLOT_SERIES = 4 };
#define PLOT_SERIES_COUNT 15
void plot_series_colour(int i); /* plcol0 of series i, cycling */
int plot_class_colour(int cls); /* cmap0 index of a class */

/* A line from (x0, y0) to (x1, y1) in world coordinates. */
void plot_segment(double x0, double y0, double x1, double y1);
/* A line style: 1 solid, 2 dashed, 3 dotted, 4 dash-dot. */
void plot_style(int style);
/* Vertical whisker from lo to hi at x with caps half as wide as cap (world units). */
void plot_whisker(double x, double lo, double hi, double cap);

/* ---- the page, laid out by plot_layout.c ---- */

/* Lays spec out on the output's page (its W and H are set here); a heap figure, NULL with err
 * when the page is too small. */
lay_figure *plot_layout(const plot_out *o, lay_spec *spec, char *err, size_t errsize);
/* Panel i's frame and world window become PLplot's viewport and window. */
void plot_use_panel(const lay_figure *f, int i);
/* Panel i's frame and tick marks (their labels are texts of the figure). */
void plot_axes(const lay_figure *f, int i);
/* Light horizontal lines at panel i's labelled y ticks, under the data. */
void plot_grid_y(const lay_figure *f, int i);
/* Symbols (plstring glyphs) at factor times the figure's character height. */
void plot_symbol_size(const lay_figure *f, double factor);

/* A legend entry: a line (style > 0) and/or a symbol (PLplot's Hershey-free glyph string). */
typedef struct {
  const char *text;
  int colour; /* cmap0 index */
  int style;  /* 0: no line */
  double width;
  const char *symbol; /* NULL: none */
  int box;            /* 1: a filled colour box instead of a line */
} plot_legend_entry;
/* A filled rectangle in world coordinates in colour index `colour` of cmap0 (cmap1 >= 0: the
 * value cmap1 in [0, 1] of the colour map instead). */
void plot_rect(double x0, double y0, double x1, double y1, int colour, double cmap1);

/* A filled box of cmap0 colour `colour` under text t of the figure (drawn before plot_texts): a
 * label over a heat map stays readable. */
void plot_text_backdrop(const lay_figure *f, int t, int colour);

/* The sequential colour map of heatmaps (cmap1, dark purple to yellow, as viridis). */
void plot_heat_palette(void);
/* The figure's colour bar (lay_spec.colorbar): the map's gradient and a frame. */
void plot_colour_bar(const lay_figure *f);

/* The legend's samples in the boxes the layout gave them (the texts are drawn by plot_texts). */
void plot_legend(const lay_figure *f, const plot_legend_entry *e, int n);

/* Draws every text of the figure, last, over the data. Test hooks: with SGEMA_PLOT_LAYOUT=FILE
 * in the environment the layout is written to FILE (lay_write); with SGEMA_PLOT_NO_TEXT=1 the
 * texts are not drawn (an image to subtract, so that a test finds where the letters landed). */
int plot_texts(const lay_figure *f, char *err, size_t errsize);

#endif
