/* sgema-plot's page layout, computed without PLplot: every text's box (titles, tick labels, axis
 * labels, legend entries, notes) and every panel's frame, in page pixels, so that the renderer
 * draws exactly what a test can check (no two boxes overlap, every box inside the image). */
#ifndef SGEMA_PLOT_LAYOUT_H
#define SGEMA_PLOT_LAYOUT_H

#include <stddef.h>

/* A rectangle in page units (pixels for PNG, points for SVG and PDF), y upwards from the bottom. */
typedef struct {
  double x0, y0, x1, y1;
} lay_box;

/* The body text's character height (PLplot's: about the height of a capital) for a page: in
 * absolute page units, the same for every size above about 1100 x 1100, smaller on small pages,
 * so that a larger --size gives more room, not larger letters. */
double lay_char_height(double W, double H);

/* A text's estimated extent at character height h: widths from the widest glyphs of the cairo
 * sans fonts (capitals 0.95 h, W and M 1.25 h, digits and lower case 0.85 h, narrow ones 0.45 h;
 * measured on pngcairo, every estimate above the measured width); height 1.5 h centred on the
 * reference point (accents and descenders included). PLplot's escapes (#u, #d) are not used. */
double lay_text_width(const char *s, double h);
#define LAY_TEXT_HEIGHT 1.5

/* Shortens text in place (to a prefix and "…") until it is at most maxw wide at height h; returns
 * 0 when it fits (perhaps shortened), -1 when not even "…" fits. */
int lay_abbreviate(char *text, size_t size, double maxw, double h);

/* One text as drawn: plptex at (x, y) in page units, justified by just (0 left, 0.5 centre, 1
 * right) along its direction, horizontal or (vertical = 1) reading upwards. */
typedef struct {
  char text[192];
  double x, y, just, h;
  int vertical;
  int colour; /* cmap0 index; 1 (black) by default */
  int role;   /* LAY_ROLE_*: what it is, for the test's messages */
  lay_box box;
} lay_text;

enum {
  LAY_ROLE_TITLE,
  LAY_ROLE_PANEL_TITLE,
  LAY_ROLE_SUBTITLE,
  LAY_ROLE_TICK,
  LAY_ROLE_AXIS_LABEL,
  LAY_ROLE_LEGEND,
  LAY_ROLE_NOTE,
  LAY_ROLE_COUNT
};
extern const char *const lay_role_names[LAY_ROLE_COUNT];

#define LAY_MAX_TICKS 24
/* An axis in world units (log10 of the value when log), with its ticks. */
typedef struct {
  double lo, hi;
  int log;
  int n;
  double v[LAY_MAX_TICKS]; /* world positions of the labelled ticks */
  double minor;            /* the step between labelled ticks (their decimals) */
  double step_min;         /* no step below this (1: integer ticks) */
} lay_axis;

#define LAY_MAX_PANELS 16
#define LAY_MAX_TEXTS 1536
#define LAY_MAX_LEGEND 40
#define LAY_MAX_CATS 64

typedef struct {
  lay_box frame; /* where the panel's world window is drawn */
  lay_axis x, y;
  int x_ticklabels; /* 0 when a panel below shares the x axis and labels it */
} lay_panel;

/* What a figure holds, as a kind describes it. */
typedef struct {
  double xlo, xhi, ylo, yhi; /* world window (log10 values on a log axis) */
  int xlog, ylog;
  double xstep_min;             /* x ticks at least this far apart (1: integers such as m) */
  const char *title, *subtitle; /* above the panel (NULL: none) */
  const char *xlabel, *ylabel;
  int equal; /* one unit as long on both axes (the a plane) */
} lay_panel_spec;

typedef struct {
  int panel;
  double x, y; /* world position of the text's reference point */
  double just;
  double above; /* the text sits this many character heights above (x, y) */
  const char *text;
} lay_note;

enum { LAY_GRID, LAY_STACK_AND_SQUARE };

typedef struct {
  double W, H;
  const char *title; /* the figure's, across the top (NULL: none) */
  int arrangement;   /* LAY_GRID: panels on an automatic grid; LAY_STACK_AND_SQUARE: panels 0 .. k-1
                      * stacked on a shared x axis on the left and, when equal, the last one square
                      * on the right (sgema-plot trial) */
  int npanels;
  lay_panel_spec panel[LAY_MAX_PANELS];
  /* Categories along panel 0's x axis instead of numbers (classes): category i is centred at
   * world x = i + 0.5, with up to three lines of label. */
  int ncat;
  const char *cat[LAY_MAX_CATS][3];
  int nlegend;
  const char *legend[LAY_MAX_LEGEND];
  size_t nnote;
  const lay_note *note; /* kept only where they fit (inside their frame, over no other text) */
  /* A colour bar for values in [colorbar_lo, colorbar_hi] at the page's right, labelled by this
   * text (NULL: none); its ticks and label are texts of the figure. */
  const char *colorbar;
  double colorbar_lo, colorbar_hi;
} lay_spec;

typedef struct {
  double W, H, h; /* page and body character height */
  int npanels;
  lay_panel panel[LAY_MAX_PANELS];
  int ntext;
  lay_text text[LAY_MAX_TEXTS];
  lay_box legend_area;                   /* where the legend sits (empty when none) */
  lay_box legend_sample[LAY_MAX_LEGEND]; /* each entry's sample (line, box or symbol) */
  int legend_text[LAY_MAX_LEGEND];       /* index in text[] of each entry's text */
  int note_text[LAY_MAX_TEXTS];          /* for notes: index in text[] or -1 when dropped */
  int cat_vertical;                      /* the category labels are turned upright */
  lay_box colorbar;                      /* the colour bar's box (empty when none) */
  lay_axis colorbar_axis;                /* its values (y) and labelled ticks */
} lay_figure;

/* Lays the figure out. -1 only when the page is too small for anything legible (err says why). */
int lay_build(const lay_spec *s, lay_figure *f, char *err, size_t errsize);

/* Two boxes overlap (touching edges do not). */
int lay_overlap(const lay_box *a, const lay_box *b);

/* Writes every text box, legend sample and frame as CSV (kind,role,x0,y0,x1,y1,text): the test
 * hook SGEMA_PLOT_LAYOUT of sgema-plot. */
int lay_write(const lay_figure *f, const char *path);

#endif
