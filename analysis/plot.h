/* sgema-plot's shared pieces: the output (device, size, atomic file), colours, panels, legends. */
#ifndef SGEMA_PLOT_H
#define SGEMA_PLOT_H

#include "summary.h"

#include <stddef.h>
#include <stdint.h>

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
} plot_kind;

/* Keeps the job's runs that suit a kind. Named runs (--run) must all suit: the first that does not
 * is the error ("run NAME: why"); otherwise the others are dropped, and none left is the error
 * ("no run with NEED"). */
int plot_keep_runs(plot_job *job, int (*suits)(const plot_run *r, char *why, size_t whysize),
                   const char *need, char *err, size_t errsize);

/* Reads every run's class counts (sum_read_run) and keeps the runs with done trials. */
int plot_read_counts(plot_job *job, char *err, size_t errsize);

extern const plot_kind plot_kind_trajectories, plot_kind_ebar, plot_kind_classes, plot_kind_delta,
    plot_kind_sweep;

/* Palette: cmap0 indices. */
enum { PLOT_WHITE = 0, PLOT_BLACK = 1, PLOT_GREY = 2, PLOT_LIGHT = 3, PLOT_SERIES = 4 };
#define PLOT_SERIES_COUNT 15
void plot_series_colour(int i); /* plcol0 of series i, cycling */
int plot_class_colour(int cls); /* cmap0 index of a class */

/* Panel i of n on a grid (row-major) with room for a title above and labels around. The viewport
 * gets the world window; equal != 0 makes one unit as long on both axes. */
void plot_panel(int i, int n, int equal, double xmin, double xmax, double ymin, double ymax);
/* The frame, ticks, numbers, axis labels, the panel's title and a smaller subtitle under it (or
 * NULL); ylog: the y axis is log10. */
void plot_frame(const char *xlabel, const char *ylabel, const char *title, const char *subtitle,
                int ylog);
/* A line from (x0, y0) to (x1, y1) in world coordinates. */
void plot_segment(double x0, double y0, double x1, double y1);
/* A line style: 1 solid, 2 dashed, 3 dotted, 4 dash-dot. */
void plot_style(int style);
/* Vertical whisker from lo to hi at x with caps half as wide as cap (world units). */
void plot_whisker(double x, double lo, double hi, double cap);

/* A legend entry: a line (style > 0) and/or a symbol (PLplot's Hershey-free glyph string). */
typedef struct {
  const char *text;
  int colour; /* cmap0 index */
  int style;  /* 0: no line */
  double width;
  const char *symbol; /* NULL: none */
  int box;            /* 1: a filled colour box instead of a line */
} plot_legend_entry;
/* The legend in one row in the strip at the bottom of the page, under every panel. */
#define PLOT_STRIP 0.07
void plot_legend_strip(const plot_legend_entry *e, int n);

/* Character height relative to the page: every text is scaled from this. */
void plot_text_scale(double factor);

#endif
