/* The resolved experiment: every run with every setting spelt out, as block YAML (itself an
 * experiment file) or as JSON, from the table of a run's keys (experiment_run.c). */
#define _POSIX_C_SOURCE 200809L

#include "experiment_impl.h"
#include "format_double.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void write_setting(emitter *e, const sgema_setting *s, const sgema_run_spec *r) {
  const char *base = (const char *)r;
  double x, y;
  long l;
  uint32_t u;
  int i;
  switch (s->type) {
  case SGEMA_SETTING_TYPE_REAL:
    memcpy(&x, base + s->offset, sizeof x);
    em_double(e, s->key, x);
    break;
  case SGEMA_SETTING_TYPE_RANGE: {
    char lo[40], hi[40], text[90];
    memcpy(&x, base + s->offset, sizeof x);
    memcpy(&y, base + s->offset_hi, sizeof y);
    format_double(x, e->json, lo, sizeof lo);
    format_double(y, e->json, hi, sizeof hi);
    snprintf(text, sizeof text, "[%s, %s]", lo, hi);
    em_raw(e, s->key, text);
    break;
  }
  case SGEMA_SETTING_TYPE_LONG:
    memcpy(&l, base + s->offset, sizeof l);
    em_integer(e, s->key, (unsigned long long)l);
    break;
  case SGEMA_SETTING_TYPE_U32:
    memcpy(&u, base + s->offset, sizeof u);
    em_integer(e, s->key, u);
    break;
  case SGEMA_SETTING_TYPE_FLAG:
    memcpy(&i, base + s->offset, sizeof i);
    em_raw(e, s->key, i ? "true" : "false");
    break;
  case SGEMA_SETTING_TYPE_CHOICE: /* stored as an int (settings.c) */
    memcpy(&i, base + s->offset, sizeof i);
    em_name(e, s->key, s->choice->name(i));
    break;
  case SGEMA_SETTING_TYPE_MOMENTUM:
    write_momentum(e, &r->settings.momentum);
    break;
  case SGEMA_SETTING_TYPE_INT: /* m and n: written with alg by write_run */
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
    if (!exp_settings[i].section && !exp_setting_is_axis(i))
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
