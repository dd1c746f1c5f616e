/* Parsing and strict validation of an experiment file with libyaml's document API, and the
 * expansion of its sweeps into runs (docs/EXPERIMENTS.md). */
#define _POSIX_C_SOURCE 200809L

#include "experiment_impl.h"

#include "sgema/status.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define KEY_MAX 192 /* a setting's path, "runs[12].sampling.condition_delta" */
#define AXIS_MAX 64 /* values of one sweep list */
#define REF_MAX 16  /* references of one run */
#define MEMBER_MAX 32

/* The document being read and where its problems go. */
typedef struct {
  const char *path;
  yaml_document_t *doc;
  sgema_diagnostics *diag;
  int problems; /* found so far, whether or not the collector could store them */
} reader;

/* One problem at a node's position (libyaml counts from 0, editors from 1). */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void
report(reader *r, const yaml_node_t *node, const char *key, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  r->problems++;
  exp_diagnostics_vadd(r->diag, r->path, node ? node->start_mark.line + 1 : 1,
                       node ? node->start_mark.column + 1 : 1, key, fmt, ap);
  va_end(ap);
}

/* A key path into buf. Paths are far shorter than KEY_MAX; a longer one would only be cut short in
 * a message, so truncation is not an error (and vsnprintf keeps gcc from warning about it). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
keyf(char *buf, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, size, fmt, ap);
  va_end(ap);
}

static void join(char *buf, size_t size, const char *where, const char *name) {
  if (where[0])
    keyf(buf, size, "%s.%s", where, name);
  else
    keyf(buf, size, "%s", name);
}

static yaml_node_t *node_at(reader *r, yaml_node_item_t id) {
  return yaml_document_get_node(r->doc, id);
}

static int seq_len(const yaml_node_t *n) {
  return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static yaml_node_t *seq_item(reader *r, const yaml_node_t *n, int i) {
  return node_at(r, n->data.sequence.items.start[i]);
}

/* ---- scalars ---- */

static const char *text_of(const yaml_node_t *n) {
  return (const char *)n->data.scalar.value;
}

static int tag_of(const yaml_node_t *n) {
  return exp_tag_kind((const char *)n->tag);
}

/* A plain scalar is typed by its text; !!str makes any text a string (and the composer makes a
 * scalar with another core tag plain, the tag's type being the text's). */
static int is_plain(const yaml_node_t *n) {
  return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
         tag_of(n) != EXP_TAG_STR;
}

/* YAML's null: an empty plain value ("key:" with nothing after it), null or ~. */
int exp_null_syntax(const char *s) {
  return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
         strcmp(s, "NULL") == 0;
}

static int is_null(const yaml_node_t *n) {
  return is_plain(n) && exp_null_syntax(text_of(n));
}

static int is_digits(const char *s) {
  if (!*s)
    return 0;
  for (; *s; s++)
    if (!isdigit((unsigned char)*s))
      return 0;
  return 1;
}

/* An integer of YAML's core schema: [-+]?[0-9]+ (decimal only, so 010 is ten). */
int exp_int_syntax(const char *s) {
  return is_digits(s + (*s == '-' || *s == '+'));
}

/* A float of YAML's core schema: [-+]?(.[0-9]+|[0-9]+(.[0-9]*)?)([eE][-+]?[0-9]+)?, or
 * [-+]?.inf / .nan in their three spellings. Stricter than strtod: no hex, no "inf", no blanks.
 * Returns 0 (not a number), 1 (decimal: strtod reads it) or 2 (*special holds the value). */
int exp_float_syntax(const char *s, double *special) {
  const char *p = s + (*s == '-' || *s == '+');
  if (strcmp(p, ".inf") == 0 || strcmp(p, ".Inf") == 0 || strcmp(p, ".INF") == 0) {
    *special = *s == '-' ? -INFINITY : INFINITY;
    return 2;
  }
  if (p == s && (strcmp(s, ".nan") == 0 || strcmp(s, ".NaN") == 0 || strcmp(s, ".NAN") == 0)) {
    *special = NAN;
    return 2;
  }
  int digits = 0;
  while (isdigit((unsigned char)*p))
    p++, digits++;
  if (*p == '.') {
    p++;
    while (isdigit((unsigned char)*p))
      p++, digits++;
  }
  if (!digits)
    return 0;
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '-' || *p == '+')
      p++;
    if (!isdigit((unsigned char)*p))
      return 0;
    while (isdigit((unsigned char)*p))
      p++;
  }
  return *p == '\0';
}

int exp_bool_syntax(const char *s) {
  return strcmp(s, "true") == 0 || strcmp(s, "false") == 0 || strcmp(s, "True") == 0 ||
         strcmp(s, "False") == 0 || strcmp(s, "TRUE") == 0 || strcmp(s, "FALSE") == 0;
}

/* What a node is, for "expected X, found Y". */
static const char *describe(const yaml_node_t *n, char *buf, size_t size) {
  static const char *const tags[] = {"",
                                     " (tagged !!str)",
                                     " (tagged !!int)",
                                     " (tagged !!float)",
                                     " (tagged !!bool)",
                                     " (tagged !!null)"};
  double special;
  if (n->type == YAML_MAPPING_NODE)
    return "a mapping";
  if (n->type == YAML_SEQUENCE_NODE)
    return "a list";
  int tag = tag_of(n);
  const char *note = tag <= EXP_TAG_NULL ? tags[tag] : "";
  if (is_null(n))
    snprintf(buf, size, "no value%s", note);
  else if (tag == EXP_TAG_STR)
    snprintf(buf, size, "the string '%.40s'%s", text_of(n), note);
  else if (is_plain(n) && exp_float_syntax(text_of(n), &special))
    snprintf(buf, size, "the number %.40s%s", text_of(n), note);
  else if (is_plain(n) && exp_bool_syntax(text_of(n)))
    snprintf(buf, size, "the boolean %s%s", text_of(n), note);
  else if (is_plain(n))
    snprintf(buf, size, "the string '%.40s'", text_of(n));
  else
    snprintf(buf, size, "the quoted string \"%.40s\"", text_of(n));
  return buf;
}

/* A number: a plain scalar (a quoted "1.5" is a string, in YAML and in JSON). */
static int read_real(reader *r, yaml_node_t *n, const char *key, const exp_interval *iv,
                     double *out) {
  char what[80];
  double x = 0.0;
  int syntax = is_plain(n) && !is_null(n) ? exp_float_syntax(text_of(n), &x) : 0;
  if (!syntax) {
    report(r, n, key, "expected a number, found %s", describe(n, what, sizeof what));
    return -1;
  }
  if (syntax == 1) {
    errno = 0;
    x = strtod(text_of(n), NULL);
    /* Overflow gives inf, underflow a subnormal number or 0: neither is the number written (a
     * subnormal has lost digits, and 0 may mean "off"). */
    if (errno == ERANGE || (x != 0.0 && fabs(x) < DBL_MIN)) {
      if (fabs(x) >= 1.0)
        report(r, n, key,
               "%s is too large: numbers must be at most %.17g in size (.inf where allowed), and "
               "here %s",
               text_of(n), DBL_MAX, iv->words);
      else
        report(r, n, key,
               "%s is too small (subnormal): numbers must be 0 or between %.17g and %.17g in "
               "size, and here %s",
               text_of(n), DBL_MIN, DBL_MAX, iv->words);
      return -1;
    }
  }
  if (!exp_interval_contains(iv, x)) {
    report(r, n, key, "%s is not allowed: must be %s", text_of(n), iv->words);
    return -1;
  }
  *out = x;
  return 0;
}

static int read_integer(reader *r, yaml_node_t *n, const char *key, long long lo, long long hi,
                        long long *out) {
  char what[80];
  if (!is_plain(n) || is_null(n) || !exp_int_syntax(text_of(n)) || tag_of(n) == EXP_TAG_FLOAT) {
    report(r, n, key, "expected an integer, found %s", describe(n, what, sizeof what));
    return -1;
  }
  errno = 0;
  long long x = strtoll(text_of(n), NULL, 10);
  if (errno == ERANGE) {
    /* Past the 64-bit integers altogether: say so, not "must be >= 1". */
    report(r, n, key,
           "%s is too %s: out of the range of a 64-bit integer (must be between %lld "
           "and %lld)",
           text_of(n), x > 0 ? "large" : "small", lo, hi);
    return -1;
  }
  if (x < lo || x > hi) {
    if (hi == LLONG_MAX || hi == LONG_MAX)
      report(r, n, key, "%s is not allowed: must be >= %lld", text_of(n), lo);
    else
      report(r, n, key, "%s is not allowed: must be between %lld and %lld", text_of(n), lo, hi);
    return -1;
  }
  *out = x;
  return 0;
}

static int read_u64(reader *r, yaml_node_t *n, const char *key, uint64_t *out) {
  char what[80];
  if (!is_plain(n) || is_null(n) || !exp_int_syntax(text_of(n)) || tag_of(n) == EXP_TAG_FLOAT) {
    report(r, n, key, "expected an unsigned 64-bit integer, found %s",
           describe(n, what, sizeof what));
    return -1;
  }
  const char *s = text_of(n);
  if (s[0] == '-') {
    report(r, n, key, "%s is not allowed: must be >= 0", s);
    return -1;
  }
  errno = 0;
  unsigned long long x = strtoull(s + (s[0] == '+'), NULL, 10);
  if (errno == ERANGE) {
    report(r, n, key, "%s is out of range: must be at most 18446744073709551615", s);
    return -1;
  }
  *out = (uint64_t)x;
  return 0;
}

/* YAML 1.2's booleans; 1.1's yes/no/on/off are refused, so that "no" is never a country. */
static int read_bool(reader *r, yaml_node_t *n, const char *key, int *out) {
  char what[80];
  if (!is_plain(n) || !exp_bool_syntax(text_of(n))) {
    report(r, n, key, "expected true or false, found %s", describe(n, what, sizeof what));
    return -1;
  }
  *out = text_of(n)[0] == 't' || text_of(n)[0] == 'T';
  return 0;
}

/* Any non-null scalar, plain or quoted. */
static int read_text(reader *r, yaml_node_t *n, const char *key, const char **out) {
  char what[80];
  if (n->type != YAML_SCALAR_NODE || is_null(n)) {
    report(r, n, key, "expected a string, found %s", describe(n, what, sizeof what));
    return -1;
  }
  *out = text_of(n);
  return 0;
}

static int read_choice(reader *r, yaml_node_t *n, const char *key, const exp_choice *c, int *out) {
  char names[256], what[80];
  if (n->type != YAML_SCALAR_NODE || is_null(n)) {
    report(r, n, key, "expected one of %s, found %s", exp_choice_list(c, names, sizeof names),
           describe(n, what, sizeof what));
    return -1;
  }
  int k = exp_choice_find(c, text_of(n));
  if (k < 0) {
    report(r, n, key, "'%s' is not one of %s", text_of(n), exp_choice_list(c, names, sizeof names));
    return -1;
  }
  *out = k;
  return 0;
}

/* [lo, hi] with lo <= hi (lo = hi: a fixed value); for rho also hi > 0. */
static int read_range(reader *r, yaml_node_t *n, const char *key, const exp_setting *s, double *lo,
                      double *hi) {
  char what[80], item[KEY_MAX];
  if (n->type != YAML_SEQUENCE_NODE || seq_len(n) != 2) {
    if (n->type == YAML_SEQUENCE_NODE)
      report(r, n, key, "expected a range [lo, hi] of 2 numbers, found a list of %d", seq_len(n));
    else
      report(r, n, key, "expected a range [lo, hi], found %s", describe(n, what, sizeof what));
    return -1;
  }
  double v[2];
  int bad = 0;
  for (int i = 0; i < 2; i++) {
    keyf(item, sizeof item, "%s[%d]", key, i);
    bad |= read_real(r, seq_item(r, n, i), item, s->allowed, &v[i]) != 0;
  }
  if (bad)
    return -1;
  const char *a = text_of(seq_item(r, n, 0)), *b = text_of(seq_item(r, n, 1));
  if (v[0] > v[1]) {
    report(r, n, key, "empty range [%s, %s]", a, b);
    return -1;
  }
  if (s->hi_positive && !(v[1] > 0.0)) {
    report(r, n, key, "empty range [%s, %s]: draws are in (lo, hi], so hi must be > 0", a, b);
    return -1;
  }
  *lo = v[0];
  *hi = v[1];
  return 0;
}

/* ---- mappings ---- */

/* A key the reader knows; value stays NULL when the mapping lacks it. */
typedef struct {
  const char *name;
  yaml_node_t *key, *value;
} member;

/* Edit distance, to suggest the key a typo meant. */
static int distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 40 || lb > 40)
    return 99;
  int row[41];
  for (size_t j = 0; j <= lb; j++)
    row[j] = (int)j;
  for (size_t i = 1; i <= la; i++) {
    int diag = row[0];
    row[0] = (int)i;
    for (size_t j = 1; j <= lb; j++) {
      int up = row[j];
      int best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best)
        best = up + 1;
      if (row[j - 1] + 1 < best)
        best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

static void report_unknown(reader *r, yaml_node_t *k, const char *path, const member *m,
                           int count) {
  int best = -1, bd = 3;
  for (int i = 0; i < count; i++) {
    int d = distance(text_of(k), m[i].name);
    if (d < bd) {
      bd = d;
      best = i;
    }
  }
  if (best >= 0) {
    report(r, k, path, "unknown key (did you mean '%s'?)", m[best].name);
    return;
  }
  char list[512];
  size_t used = 0;
  list[0] = '\0';
  for (int i = 0; i < count && used < sizeof list; i++)
    used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", m[i].name);
  report(r, k, path, "unknown key (expected one of %s)", list);
}

/* Fills m from the mapping; unknown, repeated and non-scalar keys are problems. Returns 0 when
 * node is not a mapping (reported). */
static int read_members(reader *r, yaml_node_t *node, const char *where, member *m, int count) {
  char what[80], path[KEY_MAX];
  for (int i = 0; i < count; i++)
    m[i].key = m[i].value = NULL;
  if (node->type != YAML_MAPPING_NODE) {
    report(r, node, where, "expected a mapping of keys to values, found %s",
           describe(node, what, sizeof what));
    return 0;
  }
  for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top;
       p++) {
    yaml_node_t *k = node_at(r, p->key), *v = node_at(r, p->value);
    if (k->type != YAML_SCALAR_NODE) {
      report(r, k, where, "keys must be names, found %s", describe(k, what, sizeof what));
      continue;
    }
    /* Top-level keys x-...: a place for anchors that runs merge (<<: *x-base), as in other
     * configuration files; nothing reads them. */
    if (!where[0] && strncmp(text_of(k), "x-", 2) == 0)
      continue;
    join(path, sizeof path, where, text_of(k));
    int i = 0;
    while (i < count && strcmp(m[i].name, text_of(k)) != 0)
      i++;
    if (i == count)
      report_unknown(r, k, path, m, count);
    else if (m[i].key)
      /* libyaml keeps both copies; silently taking one would hide a mistake. */
      report(r, k, path, "duplicate key (first at line %zu)", m[i].key->start_mark.line + 1);
    else {
      m[i].key = k;
      m[i].value = v;
    }
  }
  return 1;
}

static void missing(reader *r, yaml_node_t *parent, const char *where, const char *name,
                    const char *hint) {
  char path[KEY_MAX];
  join(path, sizeof path, where, name);
  report(r, parent, path, "missing (required%s)", hint);
}

/* Text stored with the results (in the file's attributes, once per run for a source) is bounded:
 * a 50 MB description would be stored three times. */
static int check_length(reader *r, yaml_node_t *n, const char *key, const char *text, size_t max,
                        const char *words) {
  size_t len = strlen(text);
  if (len <= max)
    return 0;
  report(r, n, key, "%zu bytes long: at most %zu bytes%s%s%s are allowed", len, max,
         words ? " (" : "", words ? words : "", words ? ")" : "");
  return -1;
}

/* ---- names ---- */

/* Bytes in the UTF-8 character that starts with lead (1 for ASCII and for a stray byte). */
static int utf8_char_length(unsigned char lead) {
  return lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
}

static int name_char(int c) {
  return isalnum(c) || c == '_' || c == '.' || c == '-';
}

/* An experiment or run name: [A-Za-z0-9_.-], starting with a letter, digit or _ (it becomes part of
 * a file name and an HDF5 group name). With placeholders allowed, {alg}, {m} and {n} may appear. */
static int check_name(reader *r, yaml_node_t *n, const char *key, const char *s, int placeholders,
                      int *has_placeholder) {
  if (has_placeholder)
    *has_placeholder = 0;
  if (!s[0]) {
    report(r, n, key, "empty name");
    return -1;
  }
  if (strlen(s) > EXP_NAME_MAX) {
    report(r, n, key, "name longer than %d characters", EXP_NAME_MAX);
    return -1;
  }
  if (s[0] == '.' || s[0] == '-') {
    report(r, n, key, "'%s' must start with a letter, a digit or _", s);
    return -1;
  }
  for (const char *p = s; *p; p++) {
    if (placeholders && *p == '{') {
      const char *close = strchr(p, '}');
      size_t len = close ? (size_t)(close - p - 1) : 0;
      if (!close) {
        report(r, n, key, "'%s': unclosed '{'", s);
        return -1;
      }
      if (!((len == 3 && strncmp(p + 1, "alg", 3) == 0) ||
            (len == 1 && (p[1] == 'm' || p[1] == 'n')))) {
        report(r, n, key, "'%s': unknown placeholder '%.*s' (use {alg}, {m} or {n})", s,
               (int)len + 2, p);
        return -1;
      }
      if (has_placeholder)
        *has_placeholder = 1;
      p = close;
      continue;
    }
    if (!name_char((unsigned char)*p)) {
      /* The file is valid UTF-8 by now: quote the whole character, never a lone byte of it. */
      report(r, n, key,
             "'%s': the character '%.*s' is not allowed (ASCII letters, digits, _ . -%s)", s,
             utf8_char_length((unsigned char)*p), p,
             placeholders ? " and the placeholders {alg}, {m}, {n}" : "");
      return -1;
    }
  }
  return 0;
}

/* The template with its placeholders replaced; -1 when the result is too long. */
static int expand_template(const char *t, const char *alg, int m, int n, char *out, size_t size) {
  size_t used = 0;
  for (const char *p = t; *p && used < size; p++) {
    if (*p == '{') {
      const char *close = strchr(p, '}');
      if (p[1] == 'a')
        used += (size_t)snprintf(out + used, size - used, "%s", alg);
      else
        used += (size_t)snprintf(out + used, size - used, "%d", p[1] == 'm' ? m : n);
      p = close;
    } else {
      out[used++] = *p;
    }
  }
  if (used >= size)
    return -1;
  out[used] = '\0';
  return (int)used;
}

/* ---- sweep axes: alg, m and n ---- */

enum { AXIS_ALG, AXIS_M, AXIS_N };

/* A value of alg, m or n, or a list of them; n's values are mult * m + add (mult = 0: a number). */
typedef struct {
  yaml_node_t *node; /* as written; NULL when absent */
  int bad, is_list, count;
  yaml_node_t *item[AXIS_MAX];
  int mult[AXIS_MAX], add[AXIS_MAX];
} axis;

/* n as an expression of m: [K[*]]m[+J], blanks ignored: "m+1", "2m", "2*m+1". */
static int n_expression(const char *s, int *mult, int *add) {
  char t[64];
  size_t len = 0;
  for (; *s; s++)
    if (*s != ' ') {
      if (len + 1 >= sizeof t)
        return -1;
      t[len++] = *s;
    }
  t[len] = '\0';
  char *p = t;
  long k = 1, j = 0;
  if (isdigit((unsigned char)*p)) {
    k = strtol(p, &p, 10);
    if (*p == '*')
      p++;
  }
  if (*p++ != 'm')
    return -1;
  if (*p == '+') {
    p++;
    if (!is_digits(p))
      return -1;
    j = strtol(p, &p, 10);
  }
  /* Past SGEMA_MAX_N every m gives an n that is too large; the bound keeps the arithmetic small. */
  if (*p != '\0' || k < 1 || k > SGEMA_MAX_N || j > SGEMA_MAX_N)
    return -1;
  *mult = (int)k;
  *add = (int)j;
  return 0;
}

static int read_axis_item(reader *r, int kind, yaml_node_t *n, const char *key, int *mult,
                          int *add) {
  long long x;
  char what[80];
  *mult = 0;
  switch (kind) {
  case AXIS_ALG:
    return read_choice(r, n, key, &EXP_ALG, add);
  case AXIS_M:
    if (read_integer(r, n, key, 1, SGEMA_MAX_M, &x) != 0)
      return -1;
    *add = (int)x;
    return 0;
  default:
    if (is_plain(n) && exp_int_syntax(text_of(n))) {
      if (read_integer(r, n, key, 2, SGEMA_MAX_N, &x) != 0)
        return -1;
      *add = (int)x;
      return 0;
    }
    if (n->type == YAML_SCALAR_NODE && !is_null(n) && n_expression(text_of(n), mult, add) == 0)
      return 0;
    report(r, n, key, "expected an integer or an expression of m (m+1, 2m, 2m+1), found %s",
           describe(n, what, sizeof what));
    return -1;
  }
}

static void read_axis(reader *r, int kind, yaml_node_t *n, const char *key, axis *a) {
  char item[KEY_MAX];
  a->node = n;
  a->bad = 0;
  if (n->type != YAML_SEQUENCE_NODE) {
    a->is_list = 0;
    a->count = 1;
    a->item[0] = n;
    a->bad = read_axis_item(r, kind, n, key, &a->mult[0], &a->add[0]) != 0;
    return;
  }
  a->is_list = 1;
  a->count = seq_len(n);
  if (a->count == 0 || a->count > AXIS_MAX) {
    report(r, n, key, a->count ? "too many values (at most %d)" : "empty list", AXIS_MAX);
    a->bad = 1;
    return;
  }
  int parsed[AXIS_MAX];
  for (int i = 0; i < a->count; i++) {
    yaml_node_t *v = seq_item(r, n, i);
    keyf(item, sizeof item, "%s[%d]", key, i);
    a->item[i] = v;
    parsed[i] = read_axis_item(r, kind, v, item, &a->mult[i], &a->add[i]) == 0;
    if (!parsed[i]) {
      a->bad = 1;
      continue;
    }
    /* The same value written twice is a mistake; two n expressions that agree for some m are not
     * (they are replicates, see name_points). */
    for (int j = 0; j < i; j++)
      if (parsed[j] && a->mult[j] == a->mult[i] && a->add[j] == a->add[i]) {
        report(r, v, item, "'%s' repeats %s[%d]", text_of(v), key, j);
        a->bad = 1;
        break;
      }
  }
}

/* ---- references ---- */

typedef struct {
  sgema_reference ref;
  yaml_node_t *node, *sphere_node;
  char key[KEY_MAX]; /* its path, "runs[0].reference[1]" */
} ref_item;

static int read_reference(reader *r, yaml_node_t *n, const char *key, ref_item *out) {
  member m[] = {{"class", NULL, NULL},
                {"sphere", NULL, NULL},
                {"fraction", NULL, NULL},
                {"source", NULL, NULL}};
  int before = r->problems;
  char path[KEY_MAX];
  memset(out, 0, sizeof *out);
  out->node = n;
  out->ref.source = "";
  keyf(out->key, sizeof out->key, "%s", key);
  if (!read_members(r, n, key, m, 4))
    return -1;
  int k;
  join(path, sizeof path, key, "class");
  if (!m[0].value)
    missing(r, n, key, "class", "");
  else if (read_choice(r, m[0].value, path, &EXP_CLASS, &k) == 0)
    out->ref.cls = (sgema_class)k;
  if (m[1].value) {
    join(path, sizeof path, key, "sphere");
    if (read_choice(r, m[1].value, path, &EXP_SPHERE, &k) == 0) {
      out->ref.has_sphere = 1;
      out->ref.sphere = (sgema_sphere)k;
      out->sphere_node = m[1].value;
    }
  }
  if (!m[2].value)
    missing(r, n, key, "fraction", "");
  else {
    join(path, sizeof path, key, "fraction");
    read_real(r, m[2].value, path, &EXP_UNIT, &out->ref.fraction);
  }
  if (m[3].value) {
    join(path, sizeof path, key, "source");
    if (read_text(r, m[3].value, path, &out->ref.source) == 0)
      check_length(r, m[3].value, path, out->ref.source, EXP_SOURCE_MAX, NULL);
  }
  return r->problems == before ? 0 : -1;
}

/* ---- layers: a run's mapping, or the defaults ---- */

/* What one mapping says (a run, or the defaults every run inherits): each setting's node (NULL
 * when the mapping does not set it) and, when it parsed, its value in v at the table's offset. */
typedef struct {
  yaml_node_t *map;
  char where[32]; /* "runs[3]" or "defaults" */
  int is_defaults, is_map;
  int problems; /* found in this mapping */
  sgema_run_spec v;
  yaml_node_t *src[EXP_SETTING_COUNT];
  unsigned char bad[EXP_SETTING_COUNT];
  yaml_node_t *name; /* run name (template) */
  const char *name_text;
  int name_bad, name_template;
  yaml_node_t *index;
  long long index_value;
  int index_bad;
  axis axes[3];
  yaml_node_t *refs_node;
  int refs_bad, ref_count;
  ref_item refs[REF_MAX];
} layer;

static int read_momentum(reader *r, yaml_node_t *n, const char *key, sgema_momentum *mo) {
  member m[] = {{"kind", NULL, NULL},
                {"alpha", NULL, NULL},
                {"a0", NULL, NULL},
                {"a1", NULL, NULL},
                {"T", NULL, NULL}};
  if (!read_members(r, n, key, m, 5))
    return -1;
  int before = r->problems, kind = -1;
  char path[KEY_MAX];
  if (!m[0].value)
    missing(r, n, key, "kind", ": constant or linear");
  else {
    join(path, sizeof path, key, "kind");
    read_choice(r, m[0].value, path, &EXP_MOMENTUM_KIND, &kind);
  }
  /* alpha belongs to constant, a0, a1 and T to linear: a key of the other kind is a mistake. */
  static const int is_linear[] = {0, 0, 1, 1, 1};
  double v[5] = {0};
  for (int i = 1; i < 5; i++) {
    join(path, sizeof path, key, m[i].name);
    if (m[i].value && kind >= 0 && is_linear[i] != (kind == SGEMA_MOMENTUM_LINEAR)) {
      report(r, m[i].key, path, "only for kind %s (kind is %s)",
             is_linear[i] ? "linear" : "constant", sgema_momentum_name((sgema_momentum_kind)kind));
      continue;
    }
    if (m[i].value)
      read_real(r, m[i].value, path, i == 4 ? &EXP_POSITIVE : &EXP_UNIT, &v[i]);
    else if (kind >= 0 && is_linear[i] == (kind == SGEMA_MOMENTUM_LINEAR))
      missing(r, n, key, m[i].name,
              kind == SGEMA_MOMENTUM_LINEAR ? " for kind linear" : " for kind constant");
  }
  if (r->problems != before)
    return -1;
  mo->kind = (sgema_momentum_kind)kind;
  if (kind == SGEMA_MOMENTUM_CONSTANT) {
    mo->a0 = mo->a1 = v[1]; /* as sgema-trial's --momentum constant:A; T is not used */
  } else {
    mo->a0 = v[2];
    mo->a1 = v[3];
    mo->T = v[4];
  }
  return 0;
}

static void read_setting(reader *r, layer *L, size_t i, yaml_node_t *n, const char *key) {
  const exp_setting *s = &exp_settings[i];
  char *base = (char *)&L->v;
  double x, y;
  long long ll;
  int k, st = -1;
  L->src[i] = n;
  switch (s->type) {
  case EXP_REAL:
    if ((st = read_real(r, n, key, s->allowed, &x)) == 0)
      memcpy(base + s->offset, &x, sizeof x);
    break;
  case EXP_RANGE:
    if ((st = read_range(r, n, key, s, &x, &y)) == 0) {
      memcpy(base + s->offset, &x, sizeof x);
      memcpy(base + s->offset_hi, &y, sizeof y);
    }
    break;
  case EXP_LONG:
    if ((st = read_integer(r, n, key, s->lo, s->hi, &ll)) == 0) {
      long l = (long)ll;
      memcpy(base + s->offset, &l, sizeof l);
    }
    break;
  case EXP_U32:
    if ((st = read_integer(r, n, key, s->lo, s->hi, &ll)) == 0) {
      uint32_t u = (uint32_t)ll;
      memcpy(base + s->offset, &u, sizeof u);
    }
    break;
  case EXP_BOOL:
    if ((st = read_bool(r, n, key, &k)) == 0)
      memcpy(base + s->offset, &k, sizeof k);
    break;
  case EXP_CHOICE:
    if ((st = read_choice(r, n, key, s->choice, &k)) == 0)
      s->choice->set(&L->v, k);
    break;
  case EXP_MOMENTUM:
    st = read_momentum(r, n, key, &L->v.settings.momentum);
    break;
  }
  L->bad[i] = st != 0;
}

static void read_references(reader *r, layer *L, yaml_node_t *n, const char *key) {
  char what[80], item[KEY_MAX];
  L->refs_node = n;
  int before = r->problems;
  int count = n->type == YAML_SEQUENCE_NODE ? seq_len(n) : 1;
  if (n->type != YAML_SEQUENCE_NODE && n->type != YAML_MAPPING_NODE) {
    report(r, n, key,
           "expected a mapping {class, sphere, fraction, source} or a list of them, "
           "found %s",
           describe(n, what, sizeof what));
    count = 0;
  } else if (count == 0 || count > REF_MAX) {
    report(r, n, key, count ? "too many references (at most %d)" : "empty list", REF_MAX);
    count = 0;
  }
  L->ref_count = 0;
  for (int i = 0; i < count; i++) {
    yaml_node_t *v = n->type == YAML_SEQUENCE_NODE ? seq_item(r, n, i) : n;
    if (n->type == YAML_SEQUENCE_NODE)
      keyf(item, sizeof item, "%s[%d]", key, i);
    else
      keyf(item, sizeof item, "%s", key);
    ref_item *ref = &L->refs[L->ref_count];
    if (read_reference(r, v, item, ref) != 0)
      continue;
    int dup = -1;
    for (int j = 0; j < L->ref_count && dup < 0; j++)
      if (L->refs[j].ref.cls == ref->ref.cls && L->refs[j].ref.has_sphere == ref->ref.has_sphere &&
          (!ref->ref.has_sphere || L->refs[j].ref.sphere == ref->ref.sphere))
        dup = j;
    if (dup >= 0)
      report(r, v, item, "the same class and sphere as %s", L->refs[dup].key);
    else
      L->ref_count++;
  }
  L->refs_bad = r->problems != before;
}

/* The keys of a run that are not settings of the table. */
enum { K_NAME, K_INDEX, K_ALG, K_M, K_N, K_REFERENCE, K_SPECIAL };
static const char *const special_keys[K_SPECIAL] = {"name", "index", "alg", "m", "n", "reference"};

static void read_section(reader *r, layer *L, const char *section, yaml_node_t *n) {
  member m[MEMBER_MAX];
  size_t idx[MEMBER_MAX];
  int count = 0;
  char where[KEY_MAX], path[KEY_MAX];
  for (size_t i = 0; i < exp_setting_count; i++)
    if (exp_settings[i].section && strcmp(exp_settings[i].section, section) == 0) {
      m[count].name = exp_settings[i].key;
      idx[count++] = i;
    }
  join(where, sizeof where, L->where, section);
  if (!read_members(r, n, where, m, count))
    return;
  for (int j = 0; j < count; j++)
    if (m[j].value) {
      join(path, sizeof path, where, m[j].name);
      read_setting(r, L, idx[j], m[j].value, path);
    }
}

static void read_layer(reader *r, yaml_node_t *map, const char *where, int is_defaults, layer *L) {
  memset(L, 0, sizeof *L);
  L->map = map;
  L->is_defaults = is_defaults;
  snprintf(L->where, sizeof L->where, "%s", where);
  sgema_settings_default(&L->v.settings);
  int before = r->problems;
  member m[MEMBER_MAX];
  size_t idx[MEMBER_MAX];
  int count = 0;
  for (int k = 0; k < K_SPECIAL; k++)
    m[count++].name = special_keys[k];
  int first_setting = count;
  for (size_t i = 0; i < exp_setting_count; i++)
    if (!exp_settings[i].section) {
      m[count].name = exp_settings[i].key;
      idx[count++] = i;
    }
  int first_section = count;
  for (int k = 0; exp_sections[k]; k++)
    m[count++].name = exp_sections[k];
  if (!read_members(r, map, where, m, count)) {
    L->problems = r->problems - before;
    return;
  }
  L->is_map = 1;
  char path[KEY_MAX];
  for (int j = 0; j < count; j++) {
    if (!m[j].value)
      continue;
    join(path, sizeof path, where, m[j].name);
    if (j >= first_section)
      read_section(r, L, m[j].name, m[j].value);
    else if (j >= first_setting)
      read_setting(r, L, idx[j], m[j].value, path);
    else if (is_defaults && (j == K_NAME || j == K_INDEX))
      report(r, m[j].key, path, "not allowed in defaults (it belongs to one run)");
    else if (j == K_NAME) {
      L->name = m[j].value;
      L->name_bad = read_text(r, m[j].value, path, &L->name_text) != 0 ||
                    check_name(r, m[j].value, path, L->name_text, 1, &L->name_template) != 0;
    } else if (j == K_INDEX) {
      L->index = m[j].value;
      L->index_bad = read_integer(r, m[j].value, path, 0, UINT32_MAX, &L->index_value) != 0;
    } else if (j == K_REFERENCE) {
      read_references(r, L, m[j].value, path);
    } else {
      read_axis(r, j - K_ALG, m[j].value, path, &L->axes[j - K_ALG]);
    }
  }
  if (!is_defaults && !L->name)
    missing(r, map, where, "name", "");
  L->problems = r->problems - before;
}

/* ---- expansion ---- */

/* One expanded run while the file is being read. */
typedef struct {
  sgema_run_spec spec;
  yaml_node_t *name_node; /* the run's name, or its mapping when it has none */
} point;

typedef struct {
  point *items;
  size_t count, cap;
  int oom;
} point_list;

static point *point_add(point_list *pl) {
  if (pl->count == pl->cap) {
    size_t cap = pl->cap ? 2 * pl->cap : 32;
    point *p = realloc(pl->items, cap * sizeof *p);
    if (!p) {
      pl->oom = 1;
      return NULL;
    }
    pl->items = p;
    pl->cap = cap;
  }
  point *p = &pl->items[pl->count++];
  memset(p, 0, sizeof *p);
  return p;
}

/* Copies the settings a layer gave (and that parsed) onto spec. */
static void apply_layer(const layer *L, sgema_run_spec *spec) {
  const char *from = (const char *)&L->v;
  char *to = (char *)spec;
  for (size_t i = 0; i < exp_setting_count; i++) {
    if (!L->src[i] || L->bad[i])
      continue;
    const exp_setting *s = &exp_settings[i];
    memcpy(to + s->offset, from + s->offset, s->size);
    if (s->type == EXP_RANGE)
      memcpy(to + s->offset_hi, from + s->offset_hi, s->size);
  }
}

static size_t setting_index(const char *section, const char *key) {
  for (size_t i = 0; i < exp_setting_count; i++) {
    const exp_setting *s = &exp_settings[i];
    if (strcmp(s->key, key) == 0 &&
        (section ? s->section && strcmp(s->section, section) == 0 : s->section == NULL))
      return i;
  }
  return exp_setting_count; /* not reached: the callers name keys of the table */
}

/* Where setting i of a run comes from: the run's node, else the defaults' node, else NULL (the
 * library default). *from gets the layer. */
static yaml_node_t *source_of(const layer *run, const layer *defs, size_t i, const layer **from) {
  *from = run->src[i] ? run : defs && defs->src[i] ? defs : NULL;
  return *from ? (*from)->src[i] : NULL;
}

static int setting_ok(const layer *run, const layer *defs, size_t i) {
  const layer *from;
  return !source_of(run, defs, i, &from) || !from->bad[i];
}

static void setting_key(char *buf, size_t size, const layer *from, size_t i) {
  const exp_setting *s = &exp_settings[i];
  if (s->section)
    keyf(buf, size, "%s.%s.%s", from->where, s->section, s->key);
  else
    keyf(buf, size, "%s.%s", from->where, s->key);
}

/* " (for runs[2])" when a value from the defaults is wrong for one run. */
static const char *for_run(const layer *from, const layer *run, char *buf, size_t size) {
  if (from == run)
    return "";
  snprintf(buf, size, " (for %s)", run->where);
  return buf;
}

typedef struct {
  const layer *run, *defs;
  const axis *axes[3];
  int is_sweep;
  int m_ok, n_ok; /* m, and n with m, parsed: the checks that need them can run */
} entry_view;

/* The axis a run uses: its own, else the defaults', else the library default's single value. */
static const axis *axis_of(const layer *run, const layer *defs, int k, axis *fallback, int value) {
  if (run->axes[k].node)
    return &run->axes[k];
  if (defs && defs->axes[k].node)
    return &defs->axes[k];
  memset(fallback, 0, sizeof *fallback);
  fallback->count = 1;
  fallback->add[0] = value;
  return fallback;
}

/* The checks that need the whole point (alg, m, n together with the other settings); each is
 * reported for the first point of the entry that fails it. */
typedef struct {
  int n_range, condition, sphere, memory;
} reported;

/* The node and key of a record setting, for a problem of the record as a whole: the first of
 * names that the run or the defaults give, else the run. */
static yaml_node_t *record_place(const entry_view *ev, const char *const *names, char *key,
                                 size_t size, const layer **owner) {
  const layer *from;
  for (int k = 0; names[k]; k++) {
    size_t i = setting_index("record", names[k]);
    yaml_node_t *n = source_of(ev->run, ev->defs, i, &from);
    if (n) {
      setting_key(key, size, from, i);
      *owner = from;
      return n;
    }
  }
  keyf(key, size, "%s.record", ev->run->where);
  *owner = ev->run;
  return ev->run->map;
}

/* What recording needs for one point: one trajectory's times, states, Ebar and Fbar in memory
 * (points x (state + 3) doubles), and all of the run's trajectories in the results file. Checked
 * here so that a run never fails for want of memory after its file has been made. */
static void check_record_memory(reader *r, const entry_view *ev, const sgema_run_spec *spec,
                                reported *rep, int *ok) {
  const sgema_record_spec *rec = &spec->record;
  if (rec->trajectories == 0)
    return;
  size_t N = sgema_problem_dim_for(spec->settings.alg, spec->settings.m, spec->settings.n);
  double one = (double)rec->points * (double)(N + 3) * sizeof(double);
  double all = one * (double)rec->trajectories;
  if (one <= EXP_TRAJECTORY_BYTES_MAX && all <= EXP_RUN_RECORD_BYTES_MAX)
    return;
  *ok = 0;
  if (rep->memory++)
    return;
  static const char *const points_first[] = {"points", "trajectories", NULL};
  static const char *const trajectories_first[] = {"trajectories", "points", NULL};
  char key[KEY_MAX], note[64];
  const layer *owner;
  int per_trajectory = one > EXP_TRAJECTORY_BYTES_MAX;
  yaml_node_t *n =
      record_place(ev, per_trajectory ? points_first : trajectories_first, key, sizeof key, &owner);
  if (per_trajectory)
    report(r, n, key,
           "recording %u points of %s m = %d n = %d (%zu values a state) needs %.0f MiB a "
           "trajectory: at most %.0f MiB are allowed, so at most %.0f points%s",
           (unsigned)rec->points, sgema_alg_name(spec->settings.alg), spec->settings.m,
           spec->settings.n, N, one / 1048576.0, EXP_TRAJECTORY_BYTES_MAX / 1048576.0,
           floor(EXP_TRAJECTORY_BYTES_MAX / ((double)(N + 3) * sizeof(double))),
           for_run(owner, ev->run, note, sizeof note));
  else
    report(r, n, key,
           "%u trajectories of %u points of %s m = %d n = %d need %.0f MiB in the results file: "
           "at most %.0f MiB a run are allowed%s",
           (unsigned)rec->trajectories, (unsigned)rec->points, sgema_alg_name(spec->settings.alg),
           spec->settings.m, spec->settings.n, all / 1048576.0,
           EXP_RUN_RECORD_BYTES_MAX / 1048576.0, for_run(owner, ev->run, note, sizeof note));
}

static void check_point(reader *r, const entry_view *ev, const sgema_run_spec *spec, int mi, int ni,
                        reported *rep, int *ok) {
  const layer *run = ev->run, *from;
  int m = spec->settings.m, n = spec->settings.n;
  char key[KEY_MAX], note[64];
  const axis *an = ev->axes[AXIS_N], *am = ev->axes[AXIS_M];
  if (ev->n_ok && (n <= m || n > SGEMA_MAX_N) && !rep->n_range++) {
    /* At n's value when the file gives n, else at m's, else at the run. */
    const layer *owner = run;
    yaml_node_t *node = run->map;
    const char *what = "n";
    int item = -1;
    if (an->node) {
      owner = an == &run->axes[AXIS_N] ? run : ev->defs;
      node = an->item[ni];
      item = an->is_list ? ni : -1;
    } else if (am->node) {
      owner = am == &run->axes[AXIS_M] ? run : ev->defs;
      node = am->item[mi];
      what = "m";
      item = am->is_list ? mi : -1;
    }
    if (item >= 0)
      keyf(key, sizeof key, "%s.%s[%d]", owner->where, what, item);
    else
      keyf(key, sizeof key, "%s.%s", owner->where, what);
    char nval[80];
    if (an->node && an->mult[ni])
      snprintf(nval, sizeof nval, "n = %s = %d for m = %d", text_of(an->item[ni]), n, m);
    else
      snprintf(nval, sizeof nval, "n = %d%s", n, an->node ? "" : " (the default)");
    if (n > SGEMA_MAX_N)
      report(r, node, key, "%s is not allowed: must be at most %d%s", nval, SGEMA_MAX_N,
             for_run(owner, run, note, sizeof note));
    else
      report(r, node, key, "%s is not allowed: must be greater than m = %d%s", nval, m,
             for_run(owner, run, note, sizeof note));
  }
  if (n <= m || n > SGEMA_MAX_N)
    *ok = 0;
  if (!ev->m_ok)
    return;
  size_t cd = setting_index("sampling", "condition_delta");
  yaml_node_t *cdn = source_of(run, ev->defs, cd, &from);
  if (spec->settings.sampling.condition_delta && m != 1 && setting_ok(run, ev->defs, cd)) {
    *ok = 0;
    if (!rep->condition++) {
      setting_key(key, sizeof key, from ? from : run, cd);
      report(r, cdn ? cdn : run->map, key,
             "true needs m = 1 (Delta >= 0 is the m = 1 existence condition), but m = %d%s", m,
             for_run(from ? from : run, run, note, sizeof note));
    }
  }
  const layer *refs = run->refs_node ? run : ev->defs && ev->defs->refs_node ? ev->defs : NULL;
  for (int k = 0; refs && k < refs->ref_count && m != 1; k++)
    if (refs->refs[k].ref.has_sphere) {
      *ok = 0;
      if (!rep->sphere++) {
        keyf(key, sizeof key, "%s.sphere", refs->refs[k].key);
        report(r, refs->refs[k].sphere_node, key, "spheres exist only for m = 1, but m = %d%s", m,
               for_run(refs, run, note, sizeof note));
      }
    }
  if (ev->n_ok && n > m && n <= SGEMA_MAX_N)
    check_record_memory(r, ev, spec, rep, ok);
}

/* The recording times t_last i / (points - 1), i = 0 .. points - 1 (sgema_trajectory_alloc_uniform)
 * must be finite and strictly increasing: t_last (points - 1) must not overflow, and the spacing
 * must be a normal double. */
static int check_record_times(reader *r, const entry_view *ev, const sgema_run_spec *base) {
  size_t ti = setting_index("record", "t_last"), pi = setting_index("record", "points");
  if (!setting_ok(ev->run, ev->defs, ti) || !setting_ok(ev->run, ev->defs, pi))
    return 0;
  double t = base->record.t_last, gaps = base->record.points > 1 ? base->record.points - 1.0 : 1.0;
  if (isfinite(t * gaps) && t / gaps >= DBL_MIN)
    return 0;
  static const char *const t_first[] = {"t_last", "points", NULL};
  char key[KEY_MAX], note[64];
  const layer *owner;
  yaml_node_t *n = record_place(ev, t_first, key, sizeof key, &owner);
  if (!isfinite(t * gaps))
    report(r, n, key,
           "t_last = %.15g with %u points: the recording times t_last i / %.0f overflow a double "
           "(t_last must be at most %.6g for %u points)%s",
           t, (unsigned)base->record.points, gaps, DBL_MAX / gaps / (1.0 + 1e-15),
           (unsigned)base->record.points, for_run(owner, ev->run, note, sizeof note));
  else
    report(r, n, key,
           "t_last = %.15g with %u points: the recording times are closer than the smallest normal "
           "double (t_last must be at least %.6g for %u points)%s",
           t, (unsigned)base->record.points, DBL_MIN * gaps, (unsigned)base->record.points,
           for_run(owner, ev->run, note, sizeof note));
  return -1;
}

/* The checks that do not depend on the point: trials given, trajectories within trials, the
 * recording times. */
static int check_entry(reader *r, const entry_view *ev, const sgema_run_spec *base) {
  const layer *run = ev->run, *from;
  char key[KEY_MAX], note[64];
  size_t ti = setting_index(NULL, "trials"), ri = setting_index("record", "trajectories");
  if (!source_of(run, ev->defs, ti, &from)) {
    keyf(key, sizeof key, "%s.trials", run->where);
    report(r, run->map, key, "missing (required: give it in the run or in defaults)");
    return -1;
  }
  yaml_node_t *node = source_of(run, ev->defs, ri, &from);
  if (node && setting_ok(run, ev->defs, ti) && setting_ok(run, ev->defs, ri) &&
      base->record.trajectories > base->trials) {
    setting_key(key, sizeof key, from, ri);
    report(r, node, key, "%u is more than the run's %u trials%s",
           (unsigned)base->record.trajectories, (unsigned)base->trials,
           for_run(from, run, note, sizeof note));
    return -1;
  }
  return check_record_times(r, ev, base);
}

/* ---- run names ---- */

/* The name a point gets from its run's name: the template expanded, or for a sweep without
 * placeholders the name followed by -ALG, -mM, -nN for each key given as a list. Returns -1 when
 * the name does not fit in size bytes. */
static int point_name(const entry_view *ev, const sgema_run_spec *spec, char *out, size_t size) {
  const layer *run = ev->run;
  const char *alg = sgema_alg_name(spec->settings.alg);
  int m = spec->settings.m, n = spec->settings.n;
  if (run->name_template)
    return expand_template(run->name_text, alg, m, n, out, size);
  char alg_part[16] = "", m_part[16] = "", n_part[16] = "";
  if (ev->is_sweep && ev->axes[AXIS_ALG]->is_list)
    snprintf(alg_part, sizeof alg_part, "-%s", alg);
  if (ev->is_sweep && ev->axes[AXIS_M]->is_list)
    snprintf(m_part, sizeof m_part, "-m%d", m);
  if (ev->is_sweep && ev->axes[AXIS_N]->is_list)
    snprintf(n_part, sizeof n_part, "-n%d", n);
  int used = snprintf(out, size, "%s%s%s%s", run->name_text, alg_part, m_part, n_part);
  return used < 0 || (size_t)used >= size ? -1 : used;
}

static int same_point(const sgema_run_spec *a, const sgema_run_spec *b) {
  return a->settings.alg == b->settings.alg && a->settings.m == b->settings.m &&
         a->settings.n == b->settings.n;
}

/* Names the points [first, count) of one run. Within a sweep, points with the same (alg, m, n)
 * (two n expressions that agree, as m+1 and 2m at m = 1) are replicates: the second gets -rep2,
 * the third -rep3. Two different points with one name are an error. */
static void name_points(reader *r, const entry_view *ev, point_list *pl, size_t first) {
  const layer *run = ev->run;
  size_t count = pl->count - first;
  if (!run->name || run->name_bad || count == 0)
    return;
  char(*names)[EXP_NAME_MAX + 1] = malloc(count * sizeof *names);
  if (!names) {
    pl->oom = 1;
    return;
  }
  char key[KEY_MAX];
  keyf(key, sizeof key, "%s.name", run->where);
  int reported_long = 0, reported_clash = 0;
  for (size_t j = 0; j < count; j++) {
    point *p = &pl->items[first + j];
    if (point_name(ev, &p->spec, names[j], sizeof names[j]) < 0) {
      if (!reported_long++)
        report(r, run->name, key, "the expanded name is longer than %d characters", EXP_NAME_MAX);
      names[j][0] = '\0';
      continue;
    }
    int reps = 0;
    for (size_t k = 0; k < j; k++) {
      if (!names[k][0] || strcmp(names[k], names[j]) != 0)
        continue;
      if (same_point(&pl->items[first + k].spec, &p->spec))
        reps++;
      else if (!reported_clash++)
        report(r, run->name, key,
               "'%s' names two different runs of the sweep (%s m = %d n = %d and %s m = %d n = "
               "%d): use the placeholders {alg}, {m}, {n} to tell them apart",
               names[j], sgema_alg_name(pl->items[first + k].spec.settings.alg),
               pl->items[first + k].spec.settings.m, pl->items[first + k].spec.settings.n,
               sgema_alg_name(p->spec.settings.alg), p->spec.settings.m, p->spec.settings.n);
    }
    char full[EXP_NAME_MAX + 1];
    int len = reps ? snprintf(full, sizeof full, "%s-rep%d", names[j], reps + 1)
                   : snprintf(full, sizeof full, "%s", names[j]);
    if (len < 0 || (size_t)len >= sizeof full) {
      if (!reported_long++)
        report(r, run->name, key, "the expanded name is longer than %d characters", EXP_NAME_MAX);
      continue;
    }
    p->spec.name = strdup(full);
    if (!p->spec.name)
      pl->oom = 1;
  }
  free(names);
}

typedef struct {
  const char *name;
  size_t point;
} name_ref;

static int name_ref_order(const void *a, const void *b) {
  const name_ref *x = a, *y = b;
  int c = strcmp(x->name, y->name);
  return c ? c : (x->point > y->point) - (x->point < y->point);
}

/* Names must be unique over the whole experiment; each pair of runs that share a name is
 * reported once, at the later one's name. */
static void check_unique_names(reader *r, const point_list *pl) {
  name_ref *refs = malloc((pl->count + 1) * sizeof *refs);
  size_t *pairs = malloc((pl->count + 1) * 2 * sizeof *pairs);
  size_t count = 0, npairs = 0;
  if (!refs || !pairs) {
    free(refs);
    free(pairs);
    return;
  }
  for (size_t i = 0; i < pl->count; i++)
    if (pl->items[i].spec.name)
      refs[count++] = (name_ref){pl->items[i].spec.name, i};
  qsort(refs, count, sizeof *refs, name_ref_order);
  for (size_t i = 1; i < count; i++) {
    size_t g = i;
    while (g > 0 && strcmp(refs[g - 1].name, refs[i].name) == 0)
      g--;
    if (g == i)
      continue;
    const point *later = &pl->items[refs[i].point], *first = &pl->items[refs[g].point];
    /* Within one run name_points has said it already. */
    int seen = later->spec.entry == first->spec.entry;
    for (size_t k = 0; k < npairs && !seen; k++)
      seen = pairs[2 * k] == later->spec.entry && pairs[2 * k + 1] == first->spec.entry;
    if (seen)
      continue;
    pairs[2 * npairs] = later->spec.entry;
    pairs[2 * npairs++ + 1] = first->spec.entry;
    char key[KEY_MAX];
    keyf(key, sizeof key, "runs[%zu].name", later->spec.entry);
    report(r, later->name_node, key, "duplicate run name '%s' (runs[%zu] at line %zu has it too)",
           later->spec.name, first->spec.entry, first->name_node->start_mark.line + 1);
  }
  free(refs);
  free(pairs);
}

/* ---- expanding the runs ---- */

typedef struct {
  const layer *defs;
  point_list points;
  uint32_t next_index;
  int indices_known; /* 0 once a run could not be expanded: later positions are unknown */
  int too_many;      /* EXP_RUNS_MAX was passed (reported): no more runs are expanded */
} expansion;

/* The runs an entry expands into, checked before they are made: the sweep of one entry is at most
 * AXIS_MAX^3, and a file of many entries can hold any number of them. Returns 0 when they fit. */
static int check_run_count(reader *r, expansion *x, const layer *run, const entry_view *ev) {
  size_t count = (size_t)ev->axes[AXIS_ALG]->count * (size_t)ev->axes[AXIS_M]->count *
                 (size_t)ev->axes[AXIS_N]->count;
  if (!x->too_many && x->points.count + count <= EXP_RUNS_MAX)
    return 0;
  if (!x->too_many)
    report(r, run->map, run->where,
           "the experiment expands to more than %d runs (%zu before this entry, which adds %zu): "
           "split it into several experiments",
           EXP_RUNS_MAX, x->points.count, count);
  x->too_many = 1;
  x->indices_known = 0;
  return -1;
}

static const char *copy_text(point_list *pl, const char *s) {
  char *c = strdup(s);
  if (!c)
    pl->oom = 1;
  return c;
}

static void fill_references(point_list *pl, const entry_view *ev, sgema_run_spec *spec) {
  const layer *refs = ev->run->refs_node                ? ev->run
                      : ev->defs && ev->defs->refs_node ? ev->defs
                                                        : NULL;
  if (!refs || refs->ref_count == 0)
    return;
  sgema_reference *out = calloc((size_t)refs->ref_count, sizeof *out);
  if (!out) {
    pl->oom = 1;
    return;
  }
  for (int k = 0; k < refs->ref_count; k++) {
    out[k] = refs->refs[k].ref;
    out[k].source = copy_text(pl, refs->refs[k].ref.source);
  }
  spec->references = out;
  spec->reference_count = (size_t)refs->ref_count;
}

static void expand_run(reader *r, expansion *x, const layer *run, size_t entry) {
  if (!run->is_map) {
    x->indices_known = 0;
    return;
  }
  sgema_settings d;
  sgema_settings_default(&d);
  const layer *defs = x->defs;
  axis fallback[3], stand_in[3];
  entry_view ev = {run, defs, {NULL, NULL, NULL}, 0, 1, 1};
  const int dflt[3] = {(int)d.alg, d.m, d.n};
  int axes_ok = 1, bad[3] = {0, 0, 0};
  for (int k = 0; k < 3; k++) {
    ev.axes[k] = axis_of(run, defs, k, &fallback[k], dflt[k]);
    ev.is_sweep |= ev.axes[k]->is_list;
    if (ev.axes[k]->bad) {
      /* The other checks still run, on the library default in place of the bad values. */
      axes_ok = 0;
      bad[k] = 1;
      memset(&stand_in[k], 0, sizeof stand_in[k]);
      stand_in[k].count = 1;
      stand_in[k].add[0] = dflt[k];
      ev.axes[k] = &stand_in[k];
    }
  }
  ev.m_ok = !bad[AXIS_M];
  ev.n_ok = !bad[AXIS_M] && !bad[AXIS_N];

  sgema_run_spec base;
  memset(&base, 0, sizeof base);
  sgema_settings_default(&base.settings);
  sgema_record_spec_default(&base.record);
  if (defs)
    apply_layer(defs, &base);
  apply_layer(run, &base);
  /* The kernel's own validation is a backstop for what the checks above might miss; on a run that
   * already has a problem it would only repeat it. */
  int clean = run->problems == 0 && (!defs || defs->problems == 0);
  if (check_entry(r, &ev, &base) != 0)
    clean = 0;

  char key[KEY_MAX];
  keyf(key, sizeof key, "%s.index", run->where);
  if (run->index && !run->index_bad && ev.is_sweep)
    report(r, run->index, key, "not allowed on a sweep (its runs take consecutive indices)");
  else if (run->index && !run->index_bad && x->indices_known && axes_ok &&
           run->index_value != (long long)x->next_index)
    report(r, run->index, key,
           "%lld does not match the run's position %u (runs are numbered from 0 in file order, "
           "sweeps expanded)",
           run->index_value, (unsigned)x->next_index);

  if (check_run_count(r, x, run, &ev) != 0)
    return;
  size_t first = x->points.count, stream_i = setting_index(NULL, "stream");
  const layer *from;
  int has_stream = source_of(run, defs, stream_i, &from) != NULL;
  reported rep = {0, 0, 0, 0};
  const axis *aa = ev.axes[AXIS_ALG], *am = ev.axes[AXIS_M], *an = ev.axes[AXIS_N];
  for (int ai = 0; ai < aa->count; ai++)
    for (int mi = 0; mi < am->count; mi++)
      for (int ni = 0; ni < an->count; ni++) {
        point *p = point_add(&x->points);
        if (!p)
          return;
        sgema_run_spec *spec = &p->spec;
        *spec = base;
        spec->name = NULL;
        spec->references = NULL;
        spec->reference_count = 0;
        spec->settings.alg = (sgema_alg)aa->add[ai];
        spec->settings.m = am->add[mi];
        spec->settings.n = an->mult[ni] * spec->settings.m + an->add[ni];
        spec->index = x->next_index++;
        if (!has_stream)
          spec->stream = spec->index;
        spec->entry = entry;
        spec->line = run->map->start_mark.line + 1;
        spec->column = run->map->start_mark.column + 1;
        char nbuf[16];
        snprintf(nbuf, sizeof nbuf, "%d", spec->settings.n);
        spec->n_expr = copy_text(&x->points, an->node ? text_of(an->item[ni]) : nbuf);
        fill_references(&x->points, &ev, spec);
        p->name_node = run->name ? run->name : run->map;
        int ok = clean;
        check_point(r, &ev, spec, mi, ni, &rep, &ok);
        const char *what = NULL;
        int st = ok ? sgema_settings_validate(&spec->settings, &what) : SGEMA_OK;
        if (st != SGEMA_OK)
          report(r, run->map, run->where,
                 "the kernel rejects the settings of %s m = %d n = %d (sgema_settings_validate: "
                 "%s: %s)",
                 sgema_alg_name(spec->settings.alg), spec->settings.m, spec->settings.n,
                 what ? what : "?", sgema_strerror(st));
      }
  if (axes_ok) {
    name_points(r, &ev, &x->points, first);
    return;
  }
  /* The points stood in for the checks; with a bad alg, m or n the run has no runs to name, and
   * the positions of the runs after it are unknown. */
  while (x->points.count > first)
    exp_run_free(&x->points.items[--x->points.count].spec);
  x->indices_known = 0;
}

/* ---- the document ---- */

enum { R_EXPERIMENT, R_SEED, R_DESCRIPTION, R_DEFAULTS, R_RUNS, R_COUNT };

static char *copy_or_oom(reader *r, yaml_node_t *n, const char *s) {
  char *c = strdup(s);
  if (!c)
    report(r, n, "", "out of memory");
  return c;
}

static void read_root(reader *r, yaml_node_t *root, sgema_experiment *e, point_list *out) {
  member m[R_COUNT] = {{"experiment", NULL, NULL},
                       {"seed", NULL, NULL},
                       {"description", NULL, NULL},
                       {"defaults", NULL, NULL},
                       {"runs", NULL, NULL}};
  if (!read_members(r, root, "", m, R_COUNT))
    return;
  const char *text;
  if (!m[R_EXPERIMENT].value)
    missing(r, root, "", "experiment", ": the experiment's name");
  else if (read_text(r, m[R_EXPERIMENT].value, "experiment", &text) == 0 &&
           check_name(r, m[R_EXPERIMENT].value, "experiment", text, 0, NULL) == 0)
    e->name = copy_or_oom(r, m[R_EXPERIMENT].value, text);
  if (!m[R_SEED].value)
    missing(r, root, "", "seed", ": an unsigned 64-bit integer");
  else
    read_u64(r, m[R_SEED].value, "seed", &e->seed);
  if (m[R_DESCRIPTION].value && read_text(r, m[R_DESCRIPTION].value, "description", &text) == 0 &&
      check_length(r, m[R_DESCRIPTION].value, "description", text, EXP_DESCRIPTION_MAX, "64 KiB") ==
          0)
    e->description = copy_or_oom(r, m[R_DESCRIPTION].value, text);

  layer *defs = NULL, *run = malloc(sizeof *run);
  if (m[R_DEFAULTS].value)
    defs = malloc(sizeof *defs);
  if (!run || (m[R_DEFAULTS].value && !defs)) {
    report(r, root, "", "out of memory");
    free(run);
    free(defs);
    return;
  }
  if (defs)
    read_layer(r, m[R_DEFAULTS].value, "defaults", 1, defs);

  yaml_node_t *runs = m[R_RUNS].value;
  char what[80], where[32];
  if (!runs)
    missing(r, root, "", "runs", ": a list of runs");
  else if (runs->type != YAML_SEQUENCE_NODE)
    report(r, runs, "runs", "expected a list of runs, found %s", describe(runs, what, sizeof what));
  else if (seq_len(runs) == 0)
    report(r, runs, "runs", "empty list (an experiment has at least one run)");
  else {
    expansion x = {defs, {NULL, 0, 0, 0}, 0, 1, 0};
    for (int i = 0; i < seq_len(runs); i++) {
      keyf(where, sizeof where, "runs[%d]", i);
      read_layer(r, seq_item(r, runs, i), where, 0, run);
      expand_run(r, &x, run, (size_t)i);
    }
    check_unique_names(r, &x.points);
    if (x.points.oom)
      report(r, root, "", "out of memory");
    *out = x.points;
  }
  free(run);
  free(defs);
}

int exp_parse(sgema_experiment *e, sgema_diagnostics *d) {
  reader r = {e->path, NULL, d, 0};
  yaml_document_t doc;
  point_list points = {NULL, 0, 0, 0};
  int readable = 0;
  r.problems = exp_compose(e->path, EXP_WHAT, e->source, e->source_len, &doc, d, &readable);
  r.doc = &doc;
  yaml_node_t *root = readable ? yaml_document_get_root_node(&doc) : NULL;
  if (readable && !root) {
    r.problems++;
    sgema_diagnostics_add(d, e->path, 1, 1, NULL,
                          "empty file (expected the keys experiment, seed and runs)");
  } else if (root) {
    read_root(&r, root, e, &points);
  }
  if (r.problems == 0) {
    e->runs = malloc((points.count ? points.count : 1) * sizeof *e->runs);
    if (!e->runs) {
      r.problems++;
      sgema_diagnostics_add(d, e->path, 1, 1, NULL, "out of memory");
    }
  }
  for (size_t i = 0; i < points.count; i++) {
    if (r.problems == 0)
      e->runs[i] = points.items[i].spec; /* the experiment takes over the run's strings */
    else
      exp_run_free(&points.items[i].spec);
  }
  if (r.problems == 0)
    e->run_count = points.count;
  free(points.items);
  yaml_document_delete(&doc);
  return r.problems;
}
