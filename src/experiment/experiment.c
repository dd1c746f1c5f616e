/* The experiment object: diagnostics, the table of run settings, accessors and the resolved
 * writer. No libyaml here: parsing is experiment_yaml.c. */
#define _POSIX_C_SOURCE 200809L

#include "experiment_impl.h"
#include "format_double.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- diagnostics ---- */

typedef struct {
  sgema_diagnostic pub; /* its strings live in one block starting at pub.file */
  size_t seq;           /* order of arrival, to keep the file-order sort stable */
} diag_entry;

struct sgema_diagnostics {
  diag_entry *items;
  size_t count, cap, seq;
};

sgema_diagnostics *sgema_diagnostics_alloc(void) {
  return calloc(1, sizeof(sgema_diagnostics));
}

static void entry_free(diag_entry *x) {
  free((void *)x->pub.file);
}

void sgema_diagnostics_clear(sgema_diagnostics *d) {
  if (!d)
    return;
  for (size_t i = 0; i < d->count; i++)
    entry_free(&d->items[i]);
  d->count = 0;
}

void sgema_diagnostics_free(sgema_diagnostics *d) {
  if (!d)
    return;
  sgema_diagnostics_clear(d);
  free(d->items);
  free(d);
}

size_t sgema_diagnostics_count(const sgema_diagnostics *d) {
  return d ? d->count : 0;
}

const sgema_diagnostic *sgema_diagnostics_get(const sgema_diagnostics *d, size_t i) {
  return d && i < d->count ? &d->items[i].pub : NULL;
}

int exp_diagnostics_vadd(sgema_diagnostics *d, const char *file, size_t line, size_t column,
                         const char *key, const char *fmt, va_list ap) {
  if (!d)
    return 0;
  if (!file)
    file = "";
  if (!key)
    key = "";
  va_list copy;
  va_copy(copy, ap);
  int mlen = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  if (mlen < 0)
    return -1;
  size_t flen = strlen(file), klen = strlen(key);
  if (d->count == d->cap) {
    size_t cap = d->cap ? 2 * d->cap : 16;
    diag_entry *items = realloc(d->items, cap * sizeof *items);
    if (!items)
      return -1;
    d->items = items;
    d->cap = cap;
  }
  /* One block: file, key, message, each NUL-terminated. */
  char *block = malloc(flen + klen + (size_t)mlen + 3);
  if (!block)
    return -1;
  memcpy(block, file, flen + 1);
  memcpy(block + flen + 1, key, klen + 1);
  vsnprintf(block + flen + klen + 2, (size_t)mlen + 1, fmt, ap);
  diag_entry *x = &d->items[d->count++];
  x->pub.file = block;
  x->pub.key = block + flen + 1;
  x->pub.message = block + flen + klen + 2;
  x->pub.line = line;
  x->pub.column = column;
  x->seq = d->seq++;
  return 0;
}

int sgema_diagnostics_add(sgema_diagnostics *d, const char *file, size_t line, size_t column,
                          const char *key, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int st = exp_diagnostics_vadd(d, file, line, column, key, fmt, ap);
  va_end(ap);
  return st;
}

static int entry_order(const void *a, const void *b) {
  const diag_entry *x = a, *y = b;
  if (x->pub.line != y->pub.line)
    return x->pub.line < y->pub.line ? -1 : 1;
  if (x->pub.column != y->pub.column)
    return x->pub.column < y->pub.column ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int same_diagnostic(const sgema_diagnostic *a, const sgema_diagnostic *b) {
  return a->line == b->line && a->column == b->column && strcmp(a->file, b->file) == 0 &&
         strcmp(a->key, b->key) == 0 && strcmp(a->message, b->message) == 0;
}

void exp_diagnostics_sort_from(sgema_diagnostics *d, size_t start) {
  if (!d || start >= d->count)
    return;
  qsort(d->items + start, d->count - start, sizeof d->items[0], entry_order);
  /* A value shared through a YAML alias, or a default that every run inherits, can produce the same
   * message more than once; one copy says it all. */
  size_t out = start;
  for (size_t i = start; i < d->count; i++) {
    if (out > start && same_diagnostic(&d->items[out - 1].pub, &d->items[i].pub))
      entry_free(&d->items[i]);
    else
      d->items[out++] = d->items[i];
  }
  d->count = out;
}

int sgema_diagnostic_format(const sgema_diagnostic *d, char *buf, size_t size) {
  if (d->key[0])
    return snprintf(buf, size, "%s:%zu:%zu: %s: %s", d->file, d->line, d->column, d->key,
                    d->message);
  return snprintf(buf, size, "%s:%zu:%zu: %s", d->file, d->line, d->column, d->message);
}

size_t sgema_diagnostics_write(const sgema_diagnostics *d, FILE *out) {
  size_t n = sgema_diagnostics_count(d);
  for (size_t i = 0; i < n; i++) {
    const sgema_diagnostic *x = &d->items[i].pub;
    if (x->key[0])
      fprintf(out, "%s:%zu:%zu: %s: %s\n", x->file, x->line, x->column, x->key, x->message);
    else
      fprintf(out, "%s:%zu:%zu: %s\n", x->file, x->line, x->column, x->message);
  }
  return n;
}

/* ---- allowed values and names ---- */

const exp_interval EXP_FINITE = {-INFINITY, INFINITY, 1, 1, "finite"};
const exp_interval EXP_POSITIVE = {0.0, INFINITY, 1, 1, "> 0 and finite"};
const exp_interval EXP_NONNEG = {0.0, INFINITY, 0, 1, ">= 0 and finite"};
const exp_interval EXP_UNIT = {0.0, 1.0, 0, 0, "in [0, 1]"};
const exp_interval EXP_ABOVE_ONE = {1.0, INFINITY, 1, 1, "> 1 and finite"};
/* An infinite divergence bound leaves only the non-finite test (as sgema-trial allows). */
const exp_interval EXP_POSITIVE_OR_INF = {0.0, INFINITY, 1, 0, "> 0 (.inf allowed)"};

int exp_interval_contains(const exp_interval *iv, double x) {
  if (isnan(x))
    return 0;
  if (iv->lo_open ? !(x > iv->lo) : !(x >= iv->lo))
    return 0;
  return iv->hi_open ? x < iv->hi : x <= iv->hi;
}

int exp_choice_find(const exp_choice *c, const char *name) {
  for (int i = 0; i < c->count; i++)
    if (strcmp(c->name(i), name) == 0)
      return i;
  return -1;
}

const char *exp_choice_list(const exp_choice *c, char *buf, size_t size) {
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i < c->count && used < size; i++)
    used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? "|" : "", c->name(i));
  return buf;
}

/* The library's names, adapted to int so that one table type serves every enum. */
static const char *alg_name(int v) {
  return sgema_alg_name((sgema_alg)v);
}
static const char *time_name(int v) {
  return sgema_time_name((sgema_time_kind)v);
}
static const char *stats_name(int v) {
  return sgema_stats_name((sgema_stats_kind)v);
}
static const char *target_name(int v) {
  return sgema_target_name((sgema_target_init)v);
}
static const char *method_name(int v) {
  return sgema_method_name((sgema_method)v);
}
static const char *class_name(int v) {
  return sgema_class_name((sgema_class)v);
}
static const char *sphere_name(int v) {
  return sgema_sphere_name((sgema_sphere)v);
}
static const char *momentum_name(int v) {
  return sgema_momentum_name((sgema_momentum_kind)v);
}

static int get_time(const sgema_run_spec *r) {
  return (int)r->settings.time;
}
static void set_time(sgema_run_spec *r, int v) {
  r->settings.time = (sgema_time_kind)v;
}
static int get_stats(const sgema_run_spec *r) {
  return (int)r->settings.sampling.stats;
}
static void set_stats(sgema_run_spec *r, int v) {
  r->settings.sampling.stats = (sgema_stats_kind)v;
}
static int get_target(const sgema_run_spec *r) {
  return (int)r->settings.sampling.target;
}
static void set_target(sgema_run_spec *r, int v) {
  r->settings.sampling.target = (sgema_target_init)v;
}
static int get_method(const sgema_run_spec *r) {
  return (int)r->settings.integration.method;
}
static void set_method(sgema_run_spec *r, int v) {
  r->settings.integration.method = (sgema_method)v;
}

const exp_choice EXP_ALG = {SGEMA_ALG_GD + 1, alg_name, NULL, NULL};
const exp_choice EXP_CLASS = {SGEMA_CLASS_COUNT, class_name, NULL, NULL};
const exp_choice EXP_SPHERE = {SGEMA_SPHERE_S2 + 1, sphere_name, NULL, NULL};
const exp_choice EXP_MOMENTUM_KIND = {SGEMA_MOMENTUM_LINEAR + 1, momentum_name, NULL, NULL};
static const exp_choice TIME = {SGEMA_TIME_DISCRETE + 1, time_name, get_time, set_time};
static const exp_choice STATS = {SGEMA_STATS_GENERIC + 1, stats_name, get_stats, set_stats};
static const exp_choice TARGET = {SGEMA_TARGET_INDEPENDENT + 1, target_name, get_target,
                                  set_target};
static const exp_choice METHOD = {SGEMA_METHOD_COUNT, method_name, get_method, set_method};

/* ---- the table of run settings ---- */

#define AT(member) offsetof(sgema_run_spec, member), 0, sizeof(((sgema_run_spec *)0)->member)
#define REAL(sec, key, member, iv)                                                                 \
  { sec, key, EXP_REAL, AT(member), &iv, 0, 0, 0, NULL }
#define RANGE(sec, key, lo, hi, iv, hipos)                                                         \
  {                                                                                                \
    sec, key, EXP_RANGE, offsetof(sgema_run_spec, lo), offsetof(sgema_run_spec, hi),               \
        sizeof(double), &iv, 0, 0, hipos, NULL                                                     \
  }
#define LONG(sec, key, member, lo, hi)                                                             \
  { sec, key, EXP_LONG, AT(member), NULL, lo, hi, 0, NULL }
#define U32(sec, key, member, lo, hi)                                                              \
  { sec, key, EXP_U32, AT(member), NULL, lo, hi, 0, NULL }
#define BOOL(sec, key, member)                                                                     \
  { sec, key, EXP_BOOL, AT(member), NULL, 0, 1, 0, NULL }
#define CHOICE(sec, key, member, ch)                                                               \
  { sec, key, EXP_CHOICE, AT(member), NULL, 0, 0, 0, &ch }

/* Every key with a library default. The ranges are those of sgema_*_validate (docs/EXPERIMENTS.md);
 * the parser checks them value by value so that each problem gets its own line and column. */
const exp_setting exp_settings[] = {
    U32(NULL, "trials", trials, 1, UINT32_MAX),
    U32(NULL, "stream", stream, 0, UINT32_MAX),
    CHOICE(NULL, "time", settings.time, TIME),
    REAL(NULL, "mu", settings.mu, EXP_POSITIVE),
    REAL(NULL, "nu", settings.nu, EXP_POSITIVE),
    {NULL, "momentum", EXP_MOMENTUM, AT(settings.momentum), NULL, 0, 0, 0, NULL},
    REAL(NULL, "invariant_window", settings.invariant_window, EXP_ABOVE_ONE),
    CHOICE("sampling", "stats", settings.sampling.stats, STATS),
    /* rho ~ U(lo, hi] is open at lo: hi must be > 0 for Sxx to be invertible. */
    RANGE("sampling", "rho", settings.sampling.rho_lo, settings.sampling.rho_hi, EXP_NONNEG, 1),
    RANGE("sampling", "tau", settings.sampling.tau_lo, settings.sampling.tau_hi, EXP_FINITE, 0),
    RANGE("sampling", "lambda", settings.sampling.lambda_lo, settings.sampling.lambda_hi,
          EXP_POSITIVE, 0),
    REAL("sampling", "sigma", settings.sampling.sigma, EXP_POSITIVE),
    BOOL("sampling", "condition_delta", settings.sampling.condition_delta),
    LONG("sampling", "max_draws", settings.sampling.max_draws, 1, LONG_MAX),
    CHOICE("sampling", "target", settings.sampling.target, TARGET),
    CHOICE("integration", "method", settings.integration.method, METHOD),
    REAL("integration", "rtol", settings.integration.rtol, EXP_POSITIVE),
    REAL("integration", "atol", settings.integration.atol, EXP_POSITIVE),
    REAL("integration", "h0", settings.integration.h0, EXP_POSITIVE),
    REAL("integration", "t_max", settings.integration.t_max, EXP_POSITIVE),
    LONG("integration", "max_steps", settings.integration.max_steps, 1, LONG_MAX),
    REAL("integration", "f_tol", settings.integration.f_tol, EXP_POSITIVE),
    REAL("integration", "diverge_norm", settings.integration.diverge_norm, EXP_POSITIVE_OR_INF),
    /* 0: never enter the tail phase. */
    REAL("integration", "tail_f", settings.integration.tail_f, EXP_NONNEG),
    REAL("integration", "tail_rtol", settings.integration.tail_rtol, EXP_POSITIVE),
    REAL("integration", "stiff_ratio", settings.integration.stiff_ratio, EXP_POSITIVE),
    REAL("classification", "origin_tol", settings.classification.origin_tol, EXP_POSITIVE),
    REAL("classification", "rank_tol", settings.classification.rank_tol, EXP_POSITIVE),
    REAL("classification", "saddle_tol", settings.classification.saddle_tol, EXP_POSITIVE),
    REAL("classification", "symmetry_tol", settings.classification.symmetry_tol, EXP_POSITIVE),
    REAL("classification", "sphere_tol", settings.classification.sphere_tol, EXP_POSITIVE),
    U32("record", "trajectories", record.trajectories, 0, UINT32_MAX),
    U32("record", "points", record.points, 1, SGEMA_RECORD_MAX_POINTS),
    REAL("record", "t_last", record.t_last, EXP_POSITIVE),
};
const size_t exp_setting_count = sizeof exp_settings / sizeof exp_settings[0];
_Static_assert(sizeof exp_settings / sizeof exp_settings[0] == EXP_SETTING_COUNT,
               "EXP_SETTING_COUNT in experiment_impl.h must count exp_settings");
const char *const exp_sections[] = {"sampling", "integration", "classification", "record", NULL};

void sgema_record_spec_default(sgema_record_spec *r) {
  r->trajectories = 0;
  /* The paper's Figure 3 spans t in [0, 300]; one point per time unit. */
  r->points = 301;
  r->t_last = 300.0;
}

/* ---- the object ---- */

void exp_run_free(sgema_run_spec *r) {
  free((void *)r->name);
  free((void *)r->n_expr);
  for (size_t k = 0; k < r->reference_count; k++)
    free((void *)r->references[k].source);
  free((void *)r->references);
}

void sgema_experiment_free(sgema_experiment *e) {
  if (!e)
    return;
  for (size_t i = 0; i < e->run_count; i++)
    exp_run_free(&e->runs[i]);
  free(e->runs);
  free(e->selected);
  free(e->selection);
  free(e->path);
  free(e->name);
  free(e->description);
  free(e->source);
  free(e);
}

/* The resolved form (every run spelt out) is what --dry-run prints, itself an experiment file, and
 * what the results file stores as JSON: sweeps and aliases can make it far larger than the file,
 * so it has the file's limit, and is checked before anything is written. */
static int check_resolved_size(const sgema_experiment *e, sgema_diagnostics *diag) {
  char *yaml = sgema_experiment_resolved(e, SGEMA_EXPERIMENT_YAML);
  char *json = yaml ? sgema_experiment_resolved(e, SGEMA_EXPERIMENT_JSON) : NULL;
  size_t size = yaml && json ? (strlen(yaml) > strlen(json) ? strlen(yaml) : strlen(json)) : 0;
  free(yaml);
  free(json);
  if (!json) {
    sgema_diagnostics_add(diag, e->path, 1, 1, NULL, "out of memory");
    return -1;
  }
  if (size <= EXP_FILE_MAX)
    return 0;
  sgema_diagnostics_add(diag, e->path, 1, 1, "runs",
                        "its %zu runs, spelt out (as --dry-run prints them and the results file "
                        "stores them), take %zu bytes: at most %d (4 MiB) are allowed; split it "
                        "into several experiments",
                        e->run_count, size, EXP_FILE_MAX);
  return -1;
}

/* Checks the text, then parses it; size is the whole file's (len bytes of it are in text). */
static sgema_experiment *load_text(const char *name, const char *text, size_t len, size_t size,
                                   sgema_diagnostics *diag) {
  size_t start = sgema_diagnostics_count(diag);
  if (exp_check_text(name ? name : "", EXP_WHAT, text, len, size, diag) != 0)
    return NULL;
  sgema_experiment *e = calloc(1, sizeof *e);
  if (e) {
    e->path = strdup(name ? name : "");
    e->source = malloc(len + 1);
  }
  if (!e || !e->path || !e->source) {
    sgema_diagnostics_add(diag, name, 1, 1, NULL, "out of memory");
    sgema_experiment_free(e);
    return NULL;
  }
  memcpy(e->source, text, len);
  e->source[len] = '\0';
  e->source_len = len;
  int problems = exp_parse(e, diag);
  exp_diagnostics_sort_from(diag, start);
  if (problems || check_resolved_size(e, diag) != 0) {
    sgema_experiment_free(e);
    return NULL;
  }
  return e;
}

sgema_experiment *sgema_experiment_load_string(const char *name, const char *text, size_t len,
                                               sgema_diagnostics *diag) {
  return load_text(name, text, len, len, diag);
}

/* The whole file, read once: what is parsed is exactly what is stored as the source. */
sgema_experiment *sgema_experiment_load(const char *path, sgema_diagnostics *diag) {
  char *text;
  size_t len, size;
  if (exp_read_file(path, EXP_WHAT, &text, &len, &size, diag) != 0)
    return NULL;
  sgema_experiment *e = load_text(path, text, len, size, diag);
  free(text);
  return e;
}

const char *sgema_experiment_path(const sgema_experiment *e) {
  return e->path;
}
const char *sgema_experiment_name(const sgema_experiment *e) {
  return e->name;
}
const char *sgema_experiment_description(const sgema_experiment *e) {
  return e->description ? e->description : "";
}
uint64_t sgema_experiment_seed(const sgema_experiment *e) {
  return e->seed;
}
const char *sgema_experiment_source(const sgema_experiment *e, size_t *len) {
  if (len)
    *len = e->source_len;
  return e->source;
}
size_t sgema_experiment_run_count(const sgema_experiment *e) {
  return e->selected ? e->selected_count : e->run_count;
}
const sgema_run_spec *sgema_experiment_run(const sgema_experiment *e, size_t i) {
  if (e->selected)
    return i < e->selected_count ? &e->runs[e->selected[i]] : NULL;
  return i < e->run_count ? &e->runs[i] : NULL;
}
const sgema_run_spec *sgema_experiment_find(const sgema_experiment *e, const char *name) {
  const sgema_run_spec *r;
  for (size_t i = 0; (r = sgema_experiment_run(e, i)) != NULL; i++)
    if (strcmp(r->name, name) == 0)
      return r;
  return NULL;
}

/* ---- the resolved writer ---- */

typedef struct {
  char *buf;
  size_t len, cap;
  int oom;
} strbuf;

static void sb_add(strbuf *b, const char *s, size_t n) {
  if (b->oom)
    return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (b->len + n + 1 > cap)
      cap *= 2;
    char *p = realloc(b->buf, cap);
    if (!p) {
      b->oom = 1;
      return;
    }
    b->buf = p;
    b->cap = cap;
  }
  memcpy(b->buf + b->len, s, n);
  b->len += n;
  b->buf[b->len] = '\0';
}

static void sb_str(strbuf *b, const char *s) {
  sb_add(b, s, strlen(s));
}

static void sb_spaces(strbuf *b, int n) {
  for (int i = 0; i < n; i++)
    sb_add(b, " ", 1);
}

/* A double-quoted string with JSON's escapes, which YAML's double-quoted style reads the same. */
static void sb_quoted(strbuf *b, const char *s) {
  sb_add(b, "\"", 1);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    char esc[8];
    if (*p == '"' || *p == '\\') {
      esc[0] = '\\';
      esc[1] = (char)*p;
      sb_add(b, esc, 2);
    } else if (*p == '\n') {
      sb_add(b, "\\n", 2);
    } else if (*p == '\t') {
      sb_add(b, "\\t", 2);
    } else if (*p < 0x20 || *p == 0x7f) {
      snprintf(esc, sizeof esc, "\\u%04x", *p);
      sb_str(b, esc);
    } else {
      sb_add(b, (const char *)p, 1);
    }
  }
  sb_add(b, "\"", 1);
}

/* The shortest form that reads back to x: every stored setting is reproduced exactly, and 0.1
 * still prints as 0.1. Non-finite numbers: YAML's .inf / .nan, JSON's null. */
static void format_double(double x, int json, char *buf, size_t size) {
  if (!isfinite(x)) {
    snprintf(buf, size, "%s", json ? "null" : isnan(x) ? ".nan" : x > 0 ? ".inf" : "-.inf");
    return;
  }
  char shortest[SGEMA_DOUBLE_CHARS];
  snprintf(buf, size, "%s", sgema_format_double(x, shortest));
}

/* A small emitter of nested maps and lists, as block YAML or as indented JSON. */
#define EM_DEPTH 8

typedef struct {
  strbuf *b;
  int json;
  int depth;
  int count[EM_DEPTH]; /* entries written into each open container */
  int dash;            /* YAML: a list item's map was opened; its first key follows "- " */
} emitter;

/* Starts an entry of the innermost container (key NULL inside a list). */
static void em_entry(emitter *e, const char *key) {
  int top = e->depth - 1;
  if (e->json) {
    if (e->count[top]++)
      sb_add(e->b, ",", 1);
    sb_add(e->b, "\n", 1);
    sb_spaces(e->b, 2 * e->depth);
    if (key) {
      sb_quoted(e->b, key);
      sb_add(e->b, ": ", 2);
    }
    return;
  }
  e->count[top]++;
  if (e->dash)
    e->dash = 0;
  else
    sb_spaces(e->b, 2 * (e->depth - 1));
  if (key) {
    sb_str(e->b, key);
    sb_add(e->b, ":", 1);
  } else {
    sb_add(e->b, "- ", 2);
  }
}

/* A value already formatted as YAML and JSON text. */
static void em_raw(emitter *e, const char *key, const char *text) {
  em_entry(e, key);
  if (!e->json && key)
    sb_add(e->b, " ", 1);
  sb_str(e->b, text);
  if (!e->json)
    sb_add(e->b, "\n", 1);
}

static void em_string(emitter *e, const char *key, const char *s) {
  em_entry(e, key);
  if (!e->json && key)
    sb_add(e->b, " ", 1);
  sb_quoted(e->b, s);
  if (!e->json)
    sb_add(e->b, "\n", 1);
}

/* A name from a closed set: plain in YAML (it reads as what it is), quoted in JSON. */
static void em_name(emitter *e, const char *key, const char *s) {
  if (e->json)
    em_string(e, key, s);
  else
    em_raw(e, key, s);
}

static void em_double(emitter *e, const char *key, double x) {
  char buf[40];
  format_double(x, e->json, buf, sizeof buf);
  em_raw(e, key, buf);
}

static void em_integer(emitter *e, const char *key, unsigned long long x) {
  char buf[32];
  snprintf(buf, sizeof buf, "%llu", x);
  em_raw(e, key, buf);
}

static void em_open(emitter *e, const char *key, int list) {
  if (e->depth > 0) {
    em_entry(e, key);
    if (e->json)
      sb_add(e->b, list ? "[" : "{", 1);
    else if (key)
      sb_add(e->b, "\n", 1);
    else
      e->dash = 1;
  } else if (e->json) {
    sb_add(e->b, "{", 1);
  }
  e->count[e->depth++] = 0;
}

static void em_close(emitter *e, int list) {
  e->depth--;
  if (!e->json)
    return;
  if (e->count[e->depth]) {
    sb_add(e->b, "\n", 1);
    sb_spaces(e->b, 2 * e->depth);
  }
  sb_add(e->b, list ? "]" : "}", 1);
  if (e->depth == 0)
    sb_add(e->b, "\n", 1);
}

static void write_momentum(emitter *e, const sgema_momentum *mo) {
  em_open(e, "momentum", 0);
  em_name(e, "kind", sgema_momentum_name(mo->kind));
  if (mo->kind == SGEMA_MOMENTUM_CONSTANT) {
    em_double(e, "alpha", mo->a0);
  } else {
    em_double(e, "a0", mo->a0);
    em_double(e, "a1", mo->a1);
    em_double(e, "T", mo->T);
  }
  em_close(e, 0);
}

static void write_setting(emitter *e, const exp_setting *s, const sgema_run_spec *r) {
  const char *base = (const char *)r;
  double x, y;
  long l;
  uint32_t u;
  int flag;
  switch (s->type) {
  case EXP_REAL:
    memcpy(&x, base + s->offset, sizeof x);
    em_double(e, s->key, x);
    break;
  case EXP_RANGE: {
    char lo[40], hi[40], text[90];
    memcpy(&x, base + s->offset, sizeof x);
    memcpy(&y, base + s->offset_hi, sizeof y);
    format_double(x, e->json, lo, sizeof lo);
    format_double(y, e->json, hi, sizeof hi);
    snprintf(text, sizeof text, "[%s, %s]", lo, hi);
    em_raw(e, s->key, text);
    break;
  }
  case EXP_LONG:
    memcpy(&l, base + s->offset, sizeof l);
    em_integer(e, s->key, (unsigned long long)l);
    break;
  case EXP_U32:
    memcpy(&u, base + s->offset, sizeof u);
    em_integer(e, s->key, u);
    break;
  case EXP_BOOL:
    memcpy(&flag, base + s->offset, sizeof flag);
    em_raw(e, s->key, flag ? "true" : "false");
    break;
  case EXP_CHOICE:
    em_name(e, s->key, s->choice->name(s->choice->get(r)));
    break;
  case EXP_MOMENTUM:
    write_momentum(e, &r->settings.momentum);
    break;
  }
}

static void write_references(emitter *e, const sgema_run_spec *r) {
  if (r->reference_count == 0)
    return;
  em_open(e, "reference", 1);
  for (size_t k = 0; k < r->reference_count; k++) {
    const sgema_reference *ref = &r->references[k];
    em_open(e, NULL, 0);
    em_name(e, "class", sgema_class_name(ref->cls));
    if (ref->has_sphere)
      em_name(e, "sphere", sgema_sphere_name(ref->sphere));
    em_double(e, "fraction", ref->fraction);
    if (ref->source[0])
      em_string(e, "source", ref->source);
    em_close(e, 0);
  }
  em_close(e, 1);
}

static void write_run(emitter *e, const sgema_run_spec *r) {
  em_open(e, NULL, 0);
  em_string(e, "name", r->name);
  em_integer(e, "index", r->index);
  em_name(e, "alg", sgema_alg_name(r->settings.alg));
  em_integer(e, "m", (unsigned long long)r->settings.m);
  em_integer(e, "n", (unsigned long long)r->settings.n);
  for (size_t i = 0; i < exp_setting_count; i++)
    if (!exp_settings[i].section)
      write_setting(e, &exp_settings[i], r);
  for (int k = 0; exp_sections[k]; k++) {
    em_open(e, exp_sections[k], 0);
    for (size_t i = 0; i < exp_setting_count; i++)
      if (exp_settings[i].section && strcmp(exp_settings[i].section, exp_sections[k]) == 0)
        write_setting(e, &exp_settings[i], r);
    em_close(e, 0);
  }
  write_references(e, r);
  em_close(e, 0);
}

char *sgema_experiment_resolved(const sgema_experiment *e, sgema_experiment_format format) {
  strbuf b = {NULL, 0, 0, 0};
  emitter em = {&b, format == SGEMA_EXPERIMENT_JSON, 0, {0}, 0};
  if (!em.json) {
    sb_str(&b, "# Every setting of every run, resolved from ");
    sb_str(&b, e->path);
    sb_str(&b, " (sweeps expanded, defaults applied).\n"
               "# This is itself an experiment file that loads to the same runs.\n");
  }
  em_open(&em, NULL, 0);
  em_string(&em, "experiment", e->name);
  em_integer(&em, "seed", e->seed);
  if (e->description && e->description[0])
    em_string(&em, "description", e->description);
  em_open(&em, "runs", 1);
  for (size_t i = 0; i < e->run_count; i++)
    write_run(&em, &e->runs[i]);
  em_close(&em, 1);
  em_close(&em, 0);
  if (b.oom) {
    free(b.buf);
    return NULL;
  }
  return b.buf;
}

int sgema_experiment_write(const sgema_experiment *e, FILE *out, sgema_experiment_format format) {
  char *text = sgema_experiment_resolved(e, format);
  if (!text)
    return -1;
  int st = fputs(text, out) < 0 ? -1 : 0;
  free(text);
  return st;
}
