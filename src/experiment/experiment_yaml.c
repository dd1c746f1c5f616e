/* Reading a composed YAML document's values with their file:line:col (experiment_yaml.h): the
 * core schema's scalars and mappings of known keys. Knows nothing of experiments: the experiment
 * files' parts are experiment_read.c, and sgema-trial's --input files use it too. */
#define _POSIX_C_SOURCE 200809L

#include "experiment_yaml.h"
#include "experiment_impl.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- where ---- */

/* One problem at a node's position (libyaml counts from 0, editors from 1). */
void exp_report(exp_reader *r, const yaml_node_t *node, const char *key, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  r->problems++;
  exp_diagnostics_vadd(r->diag, r->path, node ? node->start_mark.line + 1 : 1,
                       node ? node->start_mark.column + 1 : 1, key, fmt, ap);
  va_end(ap);
}

/* A key path into buf. Paths are far shorter than EXP_KEY_MAX; a longer one would only be cut short
 * in a message, so truncation is not an error (and vsnprintf keeps gcc from warning about it). */
void exp_keyf(char *buf, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, size, fmt, ap);
  va_end(ap);
}

void exp_join(char *buf, size_t size, const char *where, const char *name) {
  if (where[0])
    exp_keyf(buf, size, "%s.%s", where, name);
  else
    exp_keyf(buf, size, "%s", name);
}

/* ---- scalars ---- */

static int tag_of(const yaml_node_t *n) {
  return exp_tag_kind((const char *)n->tag);
}

/* A plain scalar is typed by its text; !!str makes any text a string (and the composer makes a
 * scalar with another core tag plain, the tag's type being the text's). */
int exp_is_plain(const yaml_node_t *n) {
  return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
         tag_of(n) != EXP_TAG_STR;
}

int exp_is_null(const yaml_node_t *n) {
  return exp_is_plain(n) && exp_null_syntax(exp_text_of(n));
}

/* What a node is, for "expected X, found Y". */
const char *exp_describe(const yaml_node_t *n, char *buf, size_t size) {
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
  if (exp_is_null(n))
    snprintf(buf, size, "no value%s", note);
  else if (tag == EXP_TAG_STR)
    snprintf(buf, size, "the string '%.40s'%s", exp_text_of(n), note);
  else if (exp_is_plain(n) && exp_float_syntax(exp_text_of(n), &special))
    snprintf(buf, size, "the number %.40s%s", exp_text_of(n), note);
  else if (exp_is_plain(n) && exp_bool_syntax(exp_text_of(n)))
    snprintf(buf, size, "the boolean %s%s", exp_text_of(n), note);
  else if (exp_is_plain(n))
    snprintf(buf, size, "the string '%.40s'", exp_text_of(n));
  else
    snprintf(buf, size, "the quoted string \"%.40s\"", exp_text_of(n));
  return buf;
}

/* A number: a plain scalar (a quoted "1.5" is a string, in YAML and in JSON). */
int exp_read_real(exp_reader *r, yaml_node_t *n, const char *key, const sgema_interval *iv,
                  double *out) {
  char what[80];
  double x = 0.0;
  int syntax = exp_is_plain(n) && !exp_is_null(n) ? exp_float_syntax(exp_text_of(n), &x) : 0;
  if (!syntax) {
    exp_report(r, n, key, "expected a number, found %s", exp_describe(n, what, sizeof what));
    return -1;
  }
  if (syntax == 1) {
    errno = 0;
    x = strtod(exp_text_of(n), NULL);
    /* Overflow gives inf, underflow a subnormal number or 0: neither is the number written (a
     * subnormal has lost digits, and 0 may mean "off"). */
    if (errno == ERANGE || (x != 0.0 && fabs(x) < DBL_MIN)) {
      if (fabs(x) >= 1.0)
        exp_report(
            r, n, key,
            "%s is too large: numbers must be at most %.17g in size (.inf where allowed), and "
            "here %s",
            exp_text_of(n), DBL_MAX, iv->words);
      else
        exp_report(r, n, key,
                   "%s is too small (subnormal): numbers must be 0 or between %.17g and %.17g in "
                   "size, and here %s",
                   exp_text_of(n), DBL_MIN, DBL_MAX, iv->words);
      return -1;
    }
  }
  if (!sgema_interval_contains(iv, x)) {
    exp_report(r, n, key, "%s is not allowed: must be %s", exp_text_of(n), iv->words);
    return -1;
  }
  *out = x;
  return 0;
}

int exp_read_integer(exp_reader *r, yaml_node_t *n, const char *key, long long lo, long long hi,
                     long long *out) {
  char what[80];
  if (!exp_is_plain(n) || exp_is_null(n) || !exp_int_syntax(exp_text_of(n)) ||
      tag_of(n) == EXP_TAG_FLOAT) {
    exp_report(r, n, key, "expected an integer, found %s", exp_describe(n, what, sizeof what));
    return -1;
  }
  errno = 0;
  long long x = strtoll(exp_text_of(n), NULL, 10);
  if (errno == ERANGE) {
    /* Past the 64-bit integers altogether: say so, not "must be >= 1". */
    exp_report(r, n, key,
               "%s is too %s: out of the range of a 64-bit integer (must be between %lld "
               "and %lld)",
               exp_text_of(n), x > 0 ? "large" : "small", lo, hi);
    return -1;
  }
  if (x < lo || x > hi) {
    if (hi == LLONG_MAX || hi == LONG_MAX)
      exp_report(r, n, key, "%s is not allowed: must be >= %lld", exp_text_of(n), lo);
    else
      exp_report(r, n, key, "%s is not allowed: must be between %lld and %lld", exp_text_of(n), lo,
                 hi);
    return -1;
  }
  *out = x;
  return 0;
}

int exp_read_u64(exp_reader *r, yaml_node_t *n, const char *key, uint64_t *out) {
  char what[80];
  if (!exp_is_plain(n) || exp_is_null(n) || !exp_int_syntax(exp_text_of(n)) ||
      tag_of(n) == EXP_TAG_FLOAT) {
    exp_report(r, n, key, "expected an unsigned 64-bit integer, found %s",
               exp_describe(n, what, sizeof what));
    return -1;
  }
  const char *s = exp_text_of(n);
  if (s[0] == '-') {
    exp_report(r, n, key, "%s is not allowed: must be >= 0", s);
    return -1;
  }
  errno = 0;
  unsigned long long x = strtoull(s + (s[0] == '+'), NULL, 10);
  if (errno == ERANGE) {
    exp_report(r, n, key, "%s is out of range: must be at most 18446744073709551615", s);
    return -1;
  }
  *out = (uint64_t)x;
  return 0;
}

/* YAML 1.2's booleans; 1.1's yes/no/on/off are refused, so that "no" is never a country. */
int exp_read_bool(exp_reader *r, yaml_node_t *n, const char *key, int *out) {
  char what[80];
  if (!exp_is_plain(n) || !exp_bool_syntax(exp_text_of(n))) {
    exp_report(r, n, key, "expected true or false, found %s", exp_describe(n, what, sizeof what));
    return -1;
  }
  *out = exp_text_of(n)[0] == 't' || exp_text_of(n)[0] == 'T';
  return 0;
}

/* Any non-null scalar, plain or quoted. */
int exp_read_text(exp_reader *r, yaml_node_t *n, const char *key, const char **out) {
  char what[80];
  if (n->type != YAML_SCALAR_NODE || exp_is_null(n)) {
    exp_report(r, n, key, "expected a string, found %s", exp_describe(n, what, sizeof what));
    return -1;
  }
  *out = exp_text_of(n);
  return 0;
}

int exp_read_choice(exp_reader *r, yaml_node_t *n, const char *key, const sgema_choice *c,
                    int *out) {
  char names[256], what[80];
  if (n->type != YAML_SCALAR_NODE || exp_is_null(n)) {
    exp_report(r, n, key, "expected one of %s, found %s", sgema_choice_list(c, names, sizeof names),
               exp_describe(n, what, sizeof what));
    return -1;
  }
  int k = sgema_choice_find(c, exp_text_of(n));
  if (k < 0) {
    exp_report(r, n, key, "'%s' is not one of %s", exp_text_of(n),
               sgema_choice_list(c, names, sizeof names));
    return -1;
  }
  *out = k;
  return 0;
}

/* ---- mappings ---- */

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

static void report_unknown(exp_reader *r, yaml_node_t *k, const char *path, const exp_member *m,
                           int count) {
  int best = -1, bd = 3;
  for (int i = 0; i < count; i++) {
    int d = distance(exp_text_of(k), m[i].name);
    if (d < bd) {
      bd = d;
      best = i;
    }
  }
  if (best >= 0) {
    exp_report(r, k, path, "unknown key (did you mean '%s'?)", m[best].name);
    return;
  }
  char list[512];
  size_t used = 0;
  list[0] = '\0';
  for (int i = 0; i < count && used < sizeof list; i++)
    used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", m[i].name);
  exp_report(r, k, path, "unknown key (expected one of %s)", list);
}

/* Fills m from the mapping; unknown, repeated and non-scalar keys are problems. Returns 0 when
 * node is not a mapping (reported). */
int exp_read_members(exp_reader *r, yaml_node_t *node, const char *where, exp_member *m,
                     int count) {
  char what[80], path[EXP_KEY_MAX];
  for (int i = 0; i < count; i++)
    m[i].key = m[i].value = NULL;
  if (node->type != YAML_MAPPING_NODE) {
    exp_report(r, node, where, "expected a mapping of keys to values, found %s",
               exp_describe(node, what, sizeof what));
    return 0;
  }
  for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top;
       p++) {
    yaml_node_t *k = exp_node_at(r, p->key), *v = exp_node_at(r, p->value);
    if (k->type != YAML_SCALAR_NODE) {
      exp_report(r, k, where, "keys must be names, found %s", exp_describe(k, what, sizeof what));
      continue;
    }
    /* Top-level keys x-...: a place for anchors that runs merge (<<: *x-base), as in other
     * configuration files; nothing reads them. */
    if (!where[0] && strncmp(exp_text_of(k), "x-", 2) == 0)
      continue;
    exp_join(path, sizeof path, where, exp_text_of(k));
    int i = 0;
    while (i < count && strcmp(m[i].name, exp_text_of(k)) != 0)
      i++;
    if (i == count)
      report_unknown(r, k, path, m, count);
    else if (m[i].key)
      /* libyaml keeps both copies; silently taking one would hide a mistake. */
      exp_report(r, k, path, "duplicate key (first at line %zu)", m[i].key->start_mark.line + 1);
    else {
      m[i].key = k;
      m[i].value = v;
    }
  }
  return 1;
}

void exp_missing(exp_reader *r, yaml_node_t *parent, const char *where, const char *name,
                 const char *hint) {
  char path[EXP_KEY_MAX];
  exp_join(path, sizeof path, where, name);
  exp_report(r, parent, path, "missing (required%s)", hint);
}

/* Text stored with the results (in the file's attributes, once per run for a source) is bounded:
 * a 50 MB description would be stored three times. */
int exp_check_length(exp_reader *r, yaml_node_t *n, const char *key, const char *text, size_t max,
                     const char *words) {
  size_t len = strlen(text);
  if (len <= max)
    return 0;
  exp_report(r, n, key, "%zu bytes long: at most %zu bytes%s%s%s are allowed", len, max,
             words ? " (" : "", words ? words : "", words ? ")" : "");
  return -1;
}
