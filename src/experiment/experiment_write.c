/* The resolved experiment: every run with every setting spelt out, as block YAML (itself an
 * experiment file) or as JSON, from the table of a run's keys (experiment_run.c). The JSON is
 * json_writer.h's, the one JSON emitter of the tools; the block YAML is written here. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */

#include "experiment_impl.h"
#include "format_double.h"
#include "json_writer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A double-quoted string with JSON's escapes, which YAML's double-quoted style reads the same: in
 * both forms, so that a name or a description is spelt the same way in each. (json_writer.h also
 * has short escapes for \b, \f and \r; the resolved form keeps \u00XX for them, as it always has.)
 */
static void put_quoted(FILE *f, const char *s) {
  putc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') {
      putc('\\', f);
      putc(*p, f);
    } else if (*p == '\n') {
      fputs("\\n", f);
    } else if (*p == '\t') {
      fputs("\\t", f);
    } else if (*p < 0x20 || *p == 0x7f) {
      fprintf(f, "\\u%04x", *p);
    } else {
      putc(*p, f);
    }
  }
  putc('"', f);
}

/* The shortest form that reads back to x: every stored setting is reproduced exactly, and 0.1
 * still prints as 0.1. Non-finite numbers: YAML's .inf / .nan. */
static void put_yaml_double(FILE *f, double x) {
  char shortest[SGEMA_DOUBLE_CHARS];
  if (!isfinite(x))
    fputs(isnan(x) ? ".nan" : x > 0 ? ".inf" : "-.inf", f);
  else
    fputs(sgema_format_double(x, shortest), f);
}

/* An emitter of nested maps and lists: block YAML written here, or JSON through jw (indented;
 * non-finite numbers as null). */
#define EM_DEPTH 8

typedef struct {
  FILE *f;
  int json;
  jw_writer jw;        /* the JSON form */
  int depth;           /* YAML: open containers */
  int count[EM_DEPTH]; /* YAML: entries written into each open container */
  int dash;            /* YAML: a list item's map was opened; its first key follows "- " */
} emitter;

/* YAML: counts an entry of the innermost container and indents it, unless it follows a "- " on
 * the same line. */
static void em_indent(emitter *e) {
  e->count[e->depth - 1]++;
  if (e->dash)
    e->dash = 0;
  else
    fprintf(e->f, "%*s", 2 * (e->depth - 1), "");
}

/* YAML: starts an entry of the innermost container (key NULL inside a list), up to its value. */
static void em_entry(emitter *e, const char *key) {
  em_indent(e);
  if (key)
    fprintf(e->f, "%s: ", key);
  else
    fputs("- ", e->f);
}

/* A name from a closed set: plain in YAML (it reads as what it is), quoted in JSON. */
static void em_name(emitter *e, const char *key, const char *s) {
  if (e->json) {
    jw_string(&e->jw, key, s);
    return;
  }
  em_entry(e, key);
  fprintf(e->f, "%s\n", s);
}

static void em_string(emitter *e, const char *key, const char *s) {
  if (e->json)
    jw_prefix(&e->jw, key);
  else
    em_entry(e, key);
  put_quoted(e->f, s);
  if (!e->json)
    putc('\n', e->f);
}

static void em_double(emitter *e, const char *key, double x) {
  if (e->json) {
    jw_double(&e->jw, key, x);
    return;
  }
  em_entry(e, key);
  put_yaml_double(e->f, x);
  putc('\n', e->f);
}

static void em_integer(emitter *e, const char *key, unsigned long long x) {
  if (e->json) {
    jw_u64(&e->jw, key, x);
    return;
  }
  em_entry(e, key);
  fprintf(e->f, "%llu\n", x);
}

static void em_bool(emitter *e, const char *key, int b) {
  if (e->json) {
    jw_bool(&e->jw, key, b);
    return;
  }
  em_entry(e, key);
  fputs(b ? "true\n" : "false\n", e->f);
}

/* [lo, hi] on one line in both forms. */
static void em_range(emitter *e, const char *key, double lo, double hi) {
  if (e->json) {
    jw_array_begin_inline(&e->jw, key);
    jw_double(&e->jw, NULL, lo);
    jw_double(&e->jw, NULL, hi);
    jw_array_end(&e->jw);
    return;
  }
  em_entry(e, key);
  putc('[', e->f);
  put_yaml_double(e->f, lo);
  fputs(", ", e->f);
  put_yaml_double(e->f, hi);
  fputs("]\n", e->f);
}

static void em_open(emitter *e, const char *key, int list) {
  if (e->json) {
    if (list)
      jw_array_begin(&e->jw, key);
    else
      jw_object_begin(&e->jw, key);
    return;
  }
  if (e->depth > 0) {
    /* "key:" ends its line; a list item's map starts on the line of its "- ". */
    em_indent(e);
    if (key)
      fprintf(e->f, "%s:\n", key);
    else {
      fputs("- ", e->f);
      e->dash = 1;
    }
  }
  e->count[e->depth++] = 0;
}

static void em_close(emitter *e, int list) {
  if (e->json) {
    if (list)
      jw_array_end(&e->jw);
    else
      jw_object_end(&e->jw);
    return;
  }
  e->depth--;
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
  case SGEMA_SETTING_TYPE_RANGE:
    memcpy(&x, base + s->offset, sizeof x);
    memcpy(&y, base + s->offset_hi, sizeof y);
    em_range(e, s->key, x, y);
    break;
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
    em_bool(e, s->key, i);
    break;
  case SGEMA_SETTING_TYPE_CHOICE: /* stored as an int (settings.c) */
    memcpy(&i, base + s->offset, sizeof i);
    em_name(e, s->key, s->choice->name(i));
    break;
  case SGEMA_SETTING_TYPE_MOMENTUM:
    write_momentum(e, &r->settings.momentum);
    break;
  case SGEMA_SETTING_TYPE_INT: /* m and n: written with alg by write_run (not called for them) */
    memcpy(&i, base + s->offset, sizeof i);
    em_integer(e, s->key, (unsigned long long)i);
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

/* A random design's axes are not read, and the parser refuses them (a typo guard): only its kind
 * is written. */
static int unused_design_key(const sgema_setting *s, const sgema_run_spec *r) {
  return r->settings.sampling.design.kind == SGEMA_DESIGN_RANDOM &&
         strcmp(s->section, "design") == 0 && strcmp(s->key, "kind") != 0;
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
      if (exp_settings[i].section && strcmp(exp_settings[i].section, exp_sections[k]) == 0 &&
          !unused_design_key(&exp_settings[i], r))
        write_setting(e, &exp_settings[i], r);
    em_close(e, 0);
  }
  write_references(e, r);
  em_close(e, 0);
}

char *sgema_experiment_resolved(const sgema_experiment *e, sgema_experiment_format format) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f)
    return NULL;
  emitter em = {f, format == SGEMA_EXPERIMENT_JSON, {0}, 0, {0}, 0};
  jw_init(&em.jw, f, 0);
  if (!em.json)
    fprintf(f,
            "# Every setting of every run, resolved from %s (sweeps expanded, defaults applied).\n"
            "# This is itself an experiment file that loads to the same runs.\n",
            e->path);
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
  int bad = em.json && jw_finish(&em.jw) != 0;
  if (fclose(f) != 0 || bad) {
    free(text);
    return NULL;
  }
  return text;
}

int sgema_experiment_write(const sgema_experiment *e, FILE *out, sgema_experiment_format format) {
  char *text = sgema_experiment_resolved(e, format);
  if (!text)
    return -1;
  int st = fputs(text, out) < 0 ? -1 : 0;
  free(text);
  return st;
}
