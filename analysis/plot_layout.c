/* sgema-plot's page layout without PLplot: text extents, ticks, panel grids, legends, notes. */
#define _POSIX_C_SOURCE 200809L
#include "plot_layout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const lay_role_names[LAY_ROLE_COUNT] = {"title",      "panel_title", "subtitle", "tick",
                                                    "axis_label", "legend",      "note"};

double lay_char_height(double W, double H) {
  double h = fmin(W, H) / 75.0;
  return h < 6.0 ? 6.0 : h > 14.0 ? 14.0 : h;
}

/* Width of one character (its UTF-8 lead byte c) in character heights. */
static double glyph_width(unsigned char c) {
  if (c >= 0x80)
    return 0.95; /* Greek, accented and mathematical letters, super- and subscripts */
  if (strchr("iljtfr.,:;'|!()[] ", c))
    return 0.5;
  if (strchr("mwMW", c))
    return 1.25;
  if (c >= 'A' && c <= 'Z')
    return 0.95;
  return 0.85;
}

double lay_text_width(const char *s, double h) {
  double w = 0.0;
  for (const unsigned char *c = (const unsigned char *)s; *c; c++)
    if ((*c & 0xC0) != 0x80) /* count lead bytes only */
      w += glyph_width(*c);
  return w * h;
}

int lay_abbreviate(char *text, size_t size, double maxw, double h) {
  if (lay_text_width(text, h) <= maxw)
    return 0;
  /* Cut from the middle, whole characters only: names differ at their ends ("…-horizon-2500"),
   * and the head says what the text is. */
  size_t starts[256], nchar = 0, len = strlen(text);
  for (size_t i = 0; i < len && nchar < 256; i++)
    if (((unsigned char)text[i] & 0xC0) != 0x80)
      starts[nchar++] = i;
  for (size_t keep = nchar; keep-- > 1;) {
    size_t tail = keep / 2, head = keep - tail;
    char buf[512];
    size_t head_end = starts[head], tail_start = tail ? starts[nchar - tail] : len;
    snprintf(buf, sizeof buf, "%.*s…%s", (int)head_end, text, tail ? text + tail_start : "");
    if (lay_text_width(buf, h) <= maxw) {
      snprintf(text, size, "%s", buf);
      return 0;
    }
  }
  snprintf(text, size, "…");
  return lay_text_width(text, h) <= maxw ? 0 : -1;
}

int lay_overlap(const lay_box *a, const lay_box *b) {
  return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

static lay_box text_box(double x, double y, double just, int vertical, double w, double h) {
  double half = 0.5 * LAY_TEXT_HEIGHT * h;
  if (vertical)
    return (lay_box){x - half, y - just * w, x + half, y + (1 - just) * w};
  return (lay_box){x - just * w, y - half, x + (1 - just) * w, y + half};
}

/* Adds a text (shortened to maxw when maxw > 0); returns its index or -1 when full or nothing fits.
 */
static int add_text(lay_figure *f, int role, const char *text, double x, double y, double just,
                    int vertical, double h, double maxw) {
  if (f->ntext >= LAY_MAX_TEXTS || !text || !text[0])
    return -1;
  lay_text *t = &f->text[f->ntext];
  snprintf(t->text, sizeof t->text, "%s", text);
  if (maxw > 0 && lay_abbreviate(t->text, sizeof t->text, maxw, h) != 0)
    return -1;
  t->x = x;
  t->y = y;
  t->just = just;
  t->h = h;
  t->vertical = vertical;
  t->colour = 1;
  t->role = role;
  t->box = text_box(x, y, just, vertical, lay_text_width(t->text, h), h);
  return f->ntext++;
}

/* Whether box b may be added: inside `inside` and over no text kept so far. */
static int box_free(const lay_figure *f, const lay_box *b, const lay_box *inside) {
  if (b->x0 < inside->x0 || b->x1 > inside->x1 || b->y0 < inside->y0 || b->y1 > inside->y1)
    return 0;
  for (int i = 0; i < f->ntext; i++)
    if (lay_overlap(b, &f->text[i].box))
      return 0;
  return 1;
}

/* ---- ticks ---- */

static double nice_step(double raw) {
  double p = pow(10.0, floor(log10(raw)));
  double m = raw / p;
  return (m <= 1.0 ? 1.0 : m <= 2.0 ? 2.0 : m <= 2.5 ? 2.5 : m <= 5.0 ? 5.0 : 10.0) * p;
}

static const char *const superscript[10] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};

/* "10⁻³", "1", "10", "10²". */
static void decade_label(int d, char *buf, size_t size) {
  if (d == 0 || d == 1) {
    snprintf(buf, size, "%s", d ? "10" : "1");
    return;
  }
  char digits[16];
  snprintf(digits, sizeof digits, "%d", abs(d));
  int n = snprintf(buf, size, "10%s", d < 0 ? "⁻" : "");
  for (const char *c = digits; *c && n > 0 && (size_t)n < size; c++)
    n += snprintf(buf + n, size - (size_t)n, "%s", superscript[*c - '0']);
}

static void value_label(double v, double step, char *buf, size_t size) {
  if (fabs(v) < step * 1e-9)
    v = 0.0;
  int decimals = 0; /* as many as the step needs: 2.5 has one, 0.25 two */
  while (decimals < 8 && fabs(step * pow(10.0, decimals) - round(step * pow(10.0, decimals))) >
                             1e-6 * step * pow(10.0, decimals))
    decimals++;
  if (fabs(v) >= 1e6 || (v != 0.0 && fabs(v) < 1e-4))
    snprintf(buf, size, "%.3g", v);
  else
    snprintf(buf, size, "%.*f", decimals, v);
  if (strcmp(buf, "-0") == 0)
    snprintf(buf, size, "0");
}

/* The label of tick i of an axis. */
static void tick_label(const lay_axis *a, int i, char *buf, size_t size) {
  if (a->log && fabs(a->v[i] - round(a->v[i])) < 1e-9) {
    decade_label((int)lround(a->v[i]), buf, size);
  } else if (a->log) {
    double step = a->minor > 0 ? a->minor : 1.0;
    value_label(pow(10.0, a->v[i]), step, buf, size);
  } else {
    value_label(a->v[i], a->minor > 0 ? a->minor : 1.0, buf, size);
  }
}

static double widest_label(const lay_axis *a, double h) {
  double w = 0;
  for (int i = 0; i < a->n; i++) {
    char buf[64];
    tick_label(a, i, buf, sizeof buf);
    w = fmax(w, lay_text_width(buf, h));
  }
  return w;
}

/* Ticks at a step whose labels are at least `need(labels)` apart along length page units: need is
 * the widest label plus a character for a horizontal axis, two lines for a vertical one. minor
 * carries the step (for the labels' decimals). */
static void linear_ticks(lay_axis *a, double length, double h, int horizontal) {
  double span = a->hi - a->lo;
  a->n = 0;
  if (!(span > 0) || !isfinite(span))
    return;
  for (int target = 12; target >= 1; target--) {
    double step = fmax(nice_step(span / target), a->step_min);
    lay_axis t = *a;
    t.n = 0;
    t.minor = step;
    for (double v = ceil(a->lo / step - 1e-9) * step;
         v <= a->hi + step * 1e-9 && t.n < LAY_MAX_TICKS; v += step)
      t.v[t.n++] = v;
    double spacing = step / span * length;
    double need = horizontal ? widest_label(&t, h) + 1.2 * h : 2.2 * h;
    if (spacing >= need || target == 1) {
      *a = t;
      return;
    }
  }
}

/* Decades on a log axis (every k-th when they crowd), or linear ticks of the values when the window
 * spans less than a decade. */
static void log_ticks(lay_axis *a, double length, double h, int horizontal) {
  int d0 = (int)ceil(a->lo - 1e-9), d1 = (int)floor(a->hi + 1e-9);
  a->n = 0;
  if (d1 - d0 < 1) { /* less than two decades inside: nice values of 10^x */
    lay_axis lin = {pow(10.0, a->lo), pow(10.0, a->hi), 0, 0, {0}, 0, 0};
    linear_ticks(&lin, length, h, horizontal);
    for (int i = 0; i < lin.n && a->n < LAY_MAX_TICKS; i++)
      if (lin.v[i] > 0)
        a->v[a->n++] = log10(lin.v[i]);
    a->minor = lin.minor;
    return;
  }
  double span = a->hi - a->lo;
  for (int k = 1; k <= 1000; k++) {
    lay_axis t = *a;
    t.n = 0;
    t.minor = 0;
    for (int d = d0; d <= d1 && t.n < LAY_MAX_TICKS; d++)
      if (((d % k) + k) % k == 0)
        t.v[t.n++] = d;
    double spacing = k / span * length;
    double need = horizontal ? widest_label(&t, h) + 1.2 * h : 2.2 * h;
    if ((spacing >= need && t.n <= LAY_MAX_TICKS) || k == 1000) {
      *a = t;
      return;
    }
  }
}

static void axis_ticks(lay_axis *a, double length, double h, int horizontal) {
  if (a->log)
    log_ticks(a, length, h, horizontal);
  else
    linear_ticks(a, length, h, horizontal);
}

/* ---- panels ---- */

/* Page position of world coordinates of panel p. */
static double page_x(const lay_panel *p, double x) {
  return p->frame.x0 + (x - p->x.lo) / (p->x.hi - p->x.lo) * (p->frame.x1 - p->frame.x0);
}
static double page_y(const lay_panel *p, double y) {
  return p->frame.y0 + (y - p->y.lo) / (p->y.hi - p->y.lo) * (p->frame.y1 - p->frame.y0);
}

/* Heights (character heights) of the bands around a frame. */
#define TICK_GAP 0.5    /* frame to tick labels */
#define LABEL_BAND 2.0  /* an axis label's band */
#define TITLE_SCALE 1.1 /* panel titles */
#define SUB_SCALE 0.9   /* subtitles */
#define CAT_LINE 1.6    /* a line of category label */
#define CAT_SMALL 0.85  /* the second and third lines of a category label */

typedef struct {
  double left, right, bottom, top;
} margins;

/* Above the frame: clear of the top y tick label (centred on the frame's edge), then the subtitle
 * and the title. */
#define ABOVE_FRAME (0.5 * LAY_TEXT_HEIGHT + 0.15)

static double top_margin(const lay_panel_spec *ps, double h) {
  double t = ABOVE_FRAME * h;
  if (ps->subtitle)
    t += LAY_TEXT_HEIGHT * SUB_SCALE * h + 0.1 * h;
  if (ps->title)
    t += LAY_TEXT_HEIGHT * TITLE_SCALE * h + 0.2 * h;
  return t;
}

static double y_tick_width(const lay_panel_spec *ps, double frame_h, double h) {
  lay_axis a = {ps->ylo, ps->yhi, ps->ylog, 0, {0}, 0, 0};
  axis_ticks(&a, frame_h, h, 0);
  return widest_label(&a, h);
}

/* Category i's lines joined into one ("label · alg, m, n · trials"). */
static void cat_joined(const lay_spec *s, int i, char *buf, size_t size) {
  buf[0] = '\0';
  for (int l = 0; l < 3; l++)
    if (s->cat[i][l]) {
      size_t n = strlen(buf);
      snprintf(buf + n, size - n, "%s%s", l ? " · " : "", s->cat[i][l]);
    }
}

static int cat_lines(const lay_spec *s) {
  int lines = 0;
  for (int i = 0; i < s->ncat; i++)
    for (int l = 0; l < 3; l++)
      if (s->cat[i][l] && l + 1 > lines)
        lines = l + 1;
  return lines;
}

/* Category labels: horizontal lines when each fits its group (mode 0); else turned upright, the
 * lines side by side when the group is wide enough (mode 2) or joined into one (mode 1). Returns
 * the band's height below the frame. */
static double cat_band(const lay_spec *s, double group_w, double h, double maxlen, int *mode) {
  double widest = 0, longest = 0;
  int lines = cat_lines(s);
  for (int i = 0; i < s->ncat; i++)
    for (int l = 0; l < 3; l++)
      if (s->cat[i][l])
        widest = fmax(widest, lay_text_width(s->cat[i][l], l ? CAT_SMALL * h : h));
  if (widest <= 0.94 * group_w) {
    *mode = 0;
    return TICK_GAP * h + lines * CAT_LINE * h;
  }
  *mode = group_w >= lines * 1.7 * h ? 2 : 1;
  for (int i = 0; i < s->ncat; i++) {
    if (*mode == 2) {
      for (int l = 0; l < 3; l++)
        if (s->cat[i][l])
          longest = fmax(longest, lay_text_width(s->cat[i][l], CAT_SMALL * h));
    } else {
      char buf[512];
      cat_joined(s, i, buf, sizeof buf);
      longest = fmax(longest, lay_text_width(buf, CAT_SMALL * h));
    }
  }
  return TICK_GAP * h + fmin(longest, maxlen) + 0.2 * h;
}

static margins panel_margins(const lay_spec *s, const lay_panel_spec *ps, double cell_h,
                             double cat_h, int x_labels, double h) {
  margins m;
  m.top = top_margin(ps, h);
  m.bottom = 0.6 * h;
  if (x_labels) {
    m.bottom = s->ncat ? cat_h : TICK_GAP * h + LAY_TEXT_HEIGHT * h;
    if (ps->xlabel)
      m.bottom += LABEL_BAND * h;
  }
  double frame_h = cell_h - m.top - m.bottom;
  m.left = y_tick_width(ps, frame_h > h ? frame_h : h, h) + 0.7 * h + 0.3 * h;
  if (ps->ylabel)
    m.left += LABEL_BAND * h;
  /* The last x tick label is centred on the frame's right edge. */
  lay_axis x = {ps->xlo, ps->xhi, ps->xlog, 0, {0}, 0, ps->xstep_min};
  char buf[64];
  double right_label = 0;
  if (!s->ncat && x_labels) {
    axis_ticks(&x, 600, h, 1);
    for (int i = 0; i < x.n; i++) {
      tick_label(&x, i, buf, sizeof buf);
      right_label = fmax(right_label, 0.5 * lay_text_width(buf, h));
    }
  }
  m.right = fmax(0.8 * h, right_label + 0.3 * h);
  return m;
}

/* The frame of a panel in its cell; equal panels get the largest square-unit frame that fits. */
static lay_box frame_in(const lay_box *cell, const margins *m, const lay_panel_spec *ps) {
  lay_box fr = {cell->x0 + m->left, cell->y0 + m->bottom, cell->x1 - m->right, cell->y1 - m->top};
  if (ps->equal) {
    double w = fr.x1 - fr.x0, hh = fr.y1 - fr.y0;
    double ratio = (ps->yhi - ps->ylo) / (ps->xhi - ps->xlo);
    if (hh > w * ratio) {
      double d = (hh - w * ratio) / 2;
      fr.y0 += d;
      fr.y1 -= d;
    } else {
      double d = (w - hh / ratio) / 2;
      fr.x0 += d;
      fr.x1 -= d;
    }
  }
  return fr;
}

/* Titles, ticks and labels of panel i in its cell. */
static void dress_panel(lay_figure *f, const lay_spec *s, int i, const lay_box *cell, int x_labels,
                        int cat_vertical, double cat_maxlen) {
  const lay_panel_spec *ps = &s->panel[i];
  lay_panel *p = &f->panel[i];
  double h = f->h;
  p->x_ticklabels = x_labels;
  double cw = cell->x1 - cell->x0 - 0.4 * h;
  double y = p->frame.y1 + ABOVE_FRAME * h;
  if (ps->subtitle) {
    double hs = SUB_SCALE * h;
    add_text(f, LAY_ROLE_SUBTITLE, ps->subtitle, (cell->x0 + cell->x1) / 2,
             y + 0.5 * LAY_TEXT_HEIGHT * hs, 0.5, 0, hs, cw);
    y += LAY_TEXT_HEIGHT * hs + 0.1 * h;
  }
  if (ps->title) {
    double ht = TITLE_SCALE * h;
    add_text(f, LAY_ROLE_PANEL_TITLE, ps->title, (cell->x0 + cell->x1) / 2,
             y + 0.5 * LAY_TEXT_HEIGHT * ht, 0.5, 0, ht, cw);
  }
  /* y ticks: right-justified left of the frame. */
  int first_y = f->ntext;
  for (int k = 0; k < p->y.n; k++) {
    char buf[64];
    tick_label(&p->y, k, buf, sizeof buf);
    add_text(f, LAY_ROLE_TICK, buf, p->frame.x0 - 0.7 * h, page_y(p, p->y.v[k]), 1.0, 0, h, 0);
  }
  double ylab_x = p->frame.x0 - 0.7 * h;
  for (int k = first_y; k < f->ntext; k++)
    ylab_x = fmin(ylab_x, f->text[k].box.x0);
  if (ps->ylabel)
    add_text(f, LAY_ROLE_AXIS_LABEL, ps->ylabel, ylab_x - 0.2 * h - 0.5 * LAY_TEXT_HEIGHT * h,
             (p->frame.y0 + p->frame.y1) / 2, 0.5, 1, h, p->frame.y1 - p->frame.y0);
  if (!x_labels)
    return;
  double ty = p->frame.y0 - TICK_GAP * h - 0.5 * LAY_TEXT_HEIGHT * h, below = ty;
  if (s->ncat && i == 0) {
    double gw = (p->frame.x1 - p->frame.x0) / (p->x.hi - p->x.lo);
    int lines = cat_lines(s);
    for (int c = 0; c < s->ncat; c++) {
      double cx = page_x(p, c + 0.5), top = p->frame.y0 - TICK_GAP * h;
      if (cat_vertical == 1) {
        char buf[512];
        cat_joined(s, c, buf, sizeof buf);
        add_text(f, LAY_ROLE_TICK, buf, cx, top, 1.0, 1, CAT_SMALL * h, cat_maxlen);
      } else if (cat_vertical == 2) {
        for (int l = 0; l < 3; l++)
          if (s->cat[c][l])
            add_text(f, LAY_ROLE_TICK, s->cat[c][l], cx + (l - (lines - 1) / 2.0) * 1.6 * h, top,
                     1.0, 1, CAT_SMALL * h, cat_maxlen);
      } else {
        double ly = top;
        for (int l = 0; l < 3; l++) {
          double hl = l ? CAT_SMALL * h : h;
          ly -= 0.5 * CAT_LINE * h;
          if (s->cat[c][l])
            add_text(f, LAY_ROLE_TICK, s->cat[c][l], cx, ly, 0.5, 0, hl, 0.94 * gw);
          ly -= 0.5 * CAT_LINE * h;
        }
      }
    }
    double longest = 0;
    for (int k = first_y; k < f->ntext; k++)
      if (f->text[k].role == LAY_ROLE_TICK)
        longest = fmax(longest, p->frame.y0 - f->text[k].box.y0);
    below = p->frame.y0 - fmax(longest, TICK_GAP * h + (cat_vertical ? 0 : lines * CAT_LINE * h));
  } else {
    /* x ticks, each dropped when it would run into a kept text (the lowest y tick label). */
    for (int k = 0; k < p->x.n; k++) {
      char buf[64];
      tick_label(&p->x, k, buf, sizeof buf);
      int t = add_text(f, LAY_ROLE_TICK, buf, page_x(p, p->x.v[k]), ty, 0.5, 0, h, 0);
      if (t < 0)
        continue;
      lay_box b = f->text[t].box;
      f->ntext--;
      if (box_free(f, &b, cell))
        f->ntext++;
    }
    below = ty - 0.5 * LAY_TEXT_HEIGHT * h;
  }
  if (ps->xlabel)
    add_text(f, LAY_ROLE_AXIS_LABEL, ps->xlabel, (p->frame.x0 + p->frame.x1) / 2,
             below - 0.5 * LABEL_BAND * h, 0.5, 0, h, cw);
}

static void set_axes(lay_panel *p, const lay_panel_spec *ps, const lay_spec *s, int i, double h) {
  p->x = (lay_axis){ps->xlo, ps->xhi, ps->xlog, 0, {0}, 0, ps->xstep_min};
  p->y = (lay_axis){ps->ylo, ps->yhi, ps->ylog, 0, {0}, 0, 0};
  if (!(s->ncat && i == 0))
    axis_ticks(&p->x, p->frame.x1 - p->frame.x0, h, 1);
  axis_ticks(&p->y, p->frame.y1 - p->frame.y0, h, 0);
}

/* The grid with ncol columns: its score (the smallest frame's size, squares for equal panels) and,
 * when f is not NULL, the panels laid out. */
static double grid(const lay_spec *s, const lay_box *area, int ncol, lay_figure *f, double h) {
  int n = s->npanels, nrow = (n + ncol - 1) / ncol;
  double cw = (area->x1 - area->x0) / ncol, ch = (area->y1 - area->y0) / nrow;
  double score = INFINITY;
  int cat_vertical = 0;
  double cat_maxlen = 0.3 * (area->y1 - area->y0), cat_h = 0;
  if (s->ncat) { /* horizontal labels when they fit their group of the frame */
    margins m0 = panel_margins(s, &s->panel[0], ch, 4 * h, 1, h);
    double gw = (cw - m0.left - m0.right) / s->ncat;
    cat_h = cat_band(s, gw, h, cat_maxlen, &cat_vertical);
  }
  for (int i = 0; i < n; i++) {
    int row = i / ncol, col = i % ncol;
    lay_box cell = {area->x0 + col * cw, area->y1 - (row + 1) * ch, area->x0 + (col + 1) * cw,
                    area->y1 - row * ch};
    margins m = panel_margins(s, &s->panel[i], ch, cat_h, 1, h);
    lay_box fr = frame_in(&cell, &m, &s->panel[i]);
    double fw = fr.x1 - fr.x0, fh = fr.y1 - fr.y0;
    double sc = s->panel[i].equal ? fmin(fw, fh) : fmin(fw / 1.5, fh);
    if (fw < 6 * h || fh < 4 * h)
      sc = -1;
    score = fmin(score, sc);
    if (f) {
      f->panel[i].frame = fr;
      set_axes(&f->panel[i], &s->panel[i], s, i, h);
      dress_panel(f, s, i, &cell, 1, cat_vertical, cat_maxlen);
      f->cat_vertical = cat_vertical;
    }
  }
  return score;
}

/* Panels 0 .. k-1 stacked on a shared x axis at the left, the last (equal) one square at the right.
 */
static double stack_and_square(const lay_spec *s, const lay_box *area, lay_figure *f, double h) {
  int n = s->npanels, square = s->panel[n - 1].equal, k = square ? n - 1 : n;
  double aw = area->x1 - area->x0, ah = area->y1 - area->y0;
  double rw = square ? fmin(0.42 * aw, ah + 4 * h) : 0;
  lay_box left = {area->x0, area->y0, area->x1 - rw, area->y1};
  double ch = (ah - 3.5 * h) / k; /* the bottom panel's tick labels and x label below */
  double lm = 0, rm = 0, score = INFINITY;
  for (int i = 0; i < k; i++) { /* one time axis: every frame as wide as the widest margins say */
    margins m = panel_margins(s, &s->panel[i], ch, 0, 1, h);
    lm = fmax(lm, m.left);
    rm = fmax(rm, m.right);
  }
  for (int i = 0; i < k; i++) {
    double y1 = area->y1 - i * ch, y0 = y1 - ch - (i == k - 1 ? 3.5 * h : 0);
    lay_box cell = {left.x0, y0, left.x1, y1};
    margins m = panel_margins(s, &s->panel[i], ch, 0, i == k - 1, h);
    m.left = lm;
    m.right = rm;
    lay_box fr = frame_in(&cell, &m, &s->panel[i]);
    double sc = fmin((fr.x1 - fr.x0) / 1.5, fr.y1 - fr.y0);
    if (fr.x1 - fr.x0 < 6 * h || fr.y1 - fr.y0 < 3 * h)
      sc = -1;
    score = fmin(score, sc);
    if (f) {
      f->panel[i].frame = fr;
      set_axes(&f->panel[i], &s->panel[i], s, i, h);
      dress_panel(f, s, i, &cell, i == k - 1, 0, 0);
    }
  }
  if (square) {
    lay_box cell = {area->x1 - rw, area->y0, area->x1, area->y1};
    margins m = panel_margins(s, &s->panel[n - 1], ah, 0, 1, h);
    lay_box fr = frame_in(&cell, &m, &s->panel[n - 1]);
    if (fr.x1 - fr.x0 < 6 * h || fr.y1 - fr.y0 < 6 * h)
      score = -1;
    if (f) {
      f->panel[n - 1].frame = fr;
      set_axes(&f->panel[n - 1], &s->panel[n - 1], s, n - 1, h);
      dress_panel(f, s, n - 1, &cell, 1, 0, 0);
    }
  }
  return score;
}

/* The legend in rows at the bottom of the page, each row centred; returns its height. */
static double legend(const lay_spec *s, lay_figure *f, double y_bottom, double h) {
  double M = 0.8 * h, avail = f->W - 2 * M, sample = 3.0 * h, gap = 0.6 * h, space = 1.6 * h;
  double row_h = 1.9 * h;
  double w[LAY_MAX_LEGEND];
  char text[LAY_MAX_LEGEND][192];
  int n = s->nlegend < LAY_MAX_LEGEND ? s->nlegend : LAY_MAX_LEGEND;
  if (n == 0)
    return 0;
  for (int i = 0; i < n; i++) {
    snprintf(text[i], sizeof text[i], "%s", s->legend[i]);
    lay_abbreviate(text[i], sizeof text[i], avail - sample - gap, h);
    w[i] = sample + gap + lay_text_width(text[i], h);
  }
  /* Rows filled greedily, then laid out from the top row down. */
  int row_of[LAY_MAX_LEGEND], rows = 0;
  double used = 0;
  for (int i = 0; i < n; i++) {
    if (i > 0 && used + space + w[i] > avail) {
      rows++;
      used = 0;
    }
    used += (used > 0 ? space : 0) + w[i];
    row_of[i] = rows;
  }
  rows++;
  double height = rows * row_h;
  for (int r = 0, i = 0; r < rows; r++) {
    double total = 0;
    int j = i;
    for (; j < n && row_of[j] == r; j++)
      total += (j > i ? space : 0) + w[j];
    double x = M + (avail - total) / 2, y = y_bottom + height - (r + 0.5) * row_h;
    for (; i < j; i++) {
      f->legend_sample[i] = (lay_box){x, y - 0.6 * h, x + sample, y + 0.6 * h};
      f->legend_text[i] = add_text(f, LAY_ROLE_LEGEND, text[i], x + sample + gap, y, 0.0, 0, h, 0);
      x += w[i] + space;
    }
  }
  f->legend_area = (lay_box){M, y_bottom, f->W - M, y_bottom + height};
  return height;
}

/* Notes (values above bars, remarks inside a panel) where they fit. */
static void notes(const lay_spec *s, lay_figure *f) {
  for (size_t i = 0; i < s->nnote && i < LAY_MAX_TEXTS; i++) {
    const lay_note *n = &s->note[i];
    f->note_text[i] = -1;
    if (n->panel < 0 || n->panel >= f->npanels)
      continue;
    const lay_panel *p = &f->panel[n->panel];
    double hn = 0.8 * f->h;
    int t = add_text(f, LAY_ROLE_NOTE, n->text, page_x(p, n->x), page_y(p, n->y) + n->above * hn,
                     n->just, 0, hn, 0);
    if (t < 0)
      continue;
    lay_box b = f->text[t].box;
    f->ntext--;
    if (box_free(f, &b, &p->frame))
      f->note_text[i] = f->ntext++;
  }
}

/* The colour bar's band at the right of area (narrowed by it): the bar, its tick labels to its
 * right and its label, upright, beyond them. */
static void colour_bar(const lay_spec *s, lay_figure *f, lay_box *area, double h) {
  lay_axis a = {s->colorbar_lo, s->colorbar_hi, 0, 0, {0}, 0, 0};
  double y0 = area->y0 + 4.0 * h, y1 = area->y1 - 3.0 * h;
  if (y1 - y0 < 4 * h)
    return;
  axis_ticks(&a, y1 - y0, h, 0);
  double bar = 1.5 * h, ticks = widest_label(&a, h);
  double band = 0.8 * h + bar + 0.7 * h + ticks + 0.3 * h + LABEL_BAND * h;
  area->x1 -= band;
  double x0 = area->x1 + 0.8 * h;
  f->colorbar = (lay_box){x0, y0, x0 + bar, y1};
  f->colorbar_axis = a;
  for (int k = 0; k < a.n; k++) {
    char buf[64];
    tick_label(&a, k, buf, sizeof buf);
    add_text(f, LAY_ROLE_TICK, buf, x0 + bar + 0.7 * h,
             y0 + (a.v[k] - a.lo) / (a.hi - a.lo) * (y1 - y0), 0.0, 0, h, 0);
  }
  add_text(f, LAY_ROLE_AXIS_LABEL, s->colorbar,
           x0 + bar + 0.7 * h + ticks + 0.3 * h + 0.5 * LABEL_BAND * h, (y0 + y1) / 2, 0.5, 1, h,
           y1 - y0);
}

static int build_at(const lay_spec *s, lay_figure *f, double h) {
  f->h = h;
  f->ntext = 0;
  f->npanels = s->npanels;
  f->legend_area = (lay_box){0, 0, 0, 0};
  double M = 0.8 * h, top = f->H - M, bottom = M;
  if (s->title) {
    double th = 1.25 * h;
    add_text(f, LAY_ROLE_TITLE, s->title, f->W / 2, top - 0.5 * LAY_TEXT_HEIGHT * th, 0.5, 0, th,
             f->W - 2 * M);
    top -= LAY_TEXT_HEIGHT * th + 0.4 * h;
  }
  double lh = legend(s, f, bottom, h);
  if (lh > 0)
    bottom += lh + 0.5 * h;
  lay_box area = {M, bottom, f->W - M, top};
  f->colorbar = (lay_box){0, 0, 0, 0};
  if (s->colorbar && s->colorbar_hi > s->colorbar_lo)
    colour_bar(s, f, &area, h);
  if (area.y1 - area.y0 < 8 * h || area.x1 - area.x0 < 10 * h)
    return -1;
  int keep = f->ntext;
  if (s->arrangement == LAY_STACK_AND_SQUARE) {
    if (stack_and_square(s, &area, NULL, h) < 0)
      return -1;
    stack_and_square(s, &area, f, h);
  } else {
    int best = 1;
    double best_score = -INFINITY;
    for (int ncol = 1; ncol <= s->npanels; ncol++) {
      double sc = grid(s, &area, ncol, NULL, h);
      if (sc > best_score * 1.0001) {
        best_score = sc;
        best = ncol;
      }
    }
    if (best_score < 0)
      return -1;
    f->ntext = keep;
    grid(s, &area, best, f, h);
  }
  notes(s, f);
  return 0;
}

int lay_build(const lay_spec *s, lay_figure *f, char *err, size_t errsize) {
  memset(f, 0, sizeof *f);
  f->W = s->W;
  f->H = s->H;
  if (s->npanels < 1 || s->npanels > LAY_MAX_PANELS) {
    snprintf(err, errsize, "%d panels (1 to %d)", s->npanels, LAY_MAX_PANELS);
    return -1;
  }
  /* Letters shrink (to 6 page units at least) before panels get too small to read. */
  for (double h = lay_char_height(s->W, s->H); h >= 5.9; h *= 0.9)
    if (build_at(s, f, h) == 0)
      return 0;
  snprintf(err, errsize, "the page (%gx%g) is too small for %d panels; use a larger --size", s->W,
           s->H, s->npanels);
  return -1;
}

int lay_write(const lay_figure *f, const char *path) {
  FILE *out = fopen(path, "w");
  if (!out)
    return -1;
  fprintf(out, "kind,role,x0,y0,x1,y1,text\n");
  fprintf(out, "page,page,0,0,%.3f,%.3f,\n", f->W, f->H);
  for (int i = 0; i < f->ntext; i++) {
    const lay_text *t = &f->text[i];
    fprintf(out, "text,%s,%.3f,%.3f,%.3f,%.3f,\"", lay_role_names[t->role], t->box.x0, t->box.y0,
            t->box.x1, t->box.y1);
    for (const char *c = t->text; *c; c++)
      fputs(*c == '"' ? "\"\"" : (char[]){*c, 0}, out);
    fputs("\"\n", out);
  }
  for (int i = 0; i < f->npanels; i++)
    fprintf(out, "frame,frame,%.3f,%.3f,%.3f,%.3f,%d\n", f->panel[i].frame.x0, f->panel[i].frame.y0,
            f->panel[i].frame.x1, f->panel[i].frame.y1, i);
  for (int i = 0; i < LAY_MAX_LEGEND && f->legend_area.x1 > 0; i++)
    if (f->legend_sample[i].x1 > f->legend_sample[i].x0)
      fprintf(out, "sample,legend,%.3f,%.3f,%.3f,%.3f,%d\n", f->legend_sample[i].x0,
              f->legend_sample[i].y0, f->legend_sample[i].x1, f->legend_sample[i].y1, i);
  if (f->colorbar.x1 > f->colorbar.x0)
    fprintf(out, "colorbar,colorbar,%.3f,%.3f,%.3f,%.3f,\n", f->colorbar.x0, f->colorbar.y0,
            f->colorbar.x1, f->colorbar.y1);
  if (f->legend_area.x1 > 0)
    fprintf(out, "legend_area,legend,%.3f,%.3f,%.3f,%.3f,\n", f->legend_area.x0, f->legend_area.y0,
            f->legend_area.x1, f->legend_area.y1);
  return fclose(out) == 0 ? 0 : -1;
}
