/* The parts of an experiment file (docs/EXPERIMENTS.md), read and checked value by value with
 * their file:line:col: names, the sweep axes alg, m and n, references, and a run's or the
 * defaults' mapping of settings (a layer). Combining the layers into runs is experiment_expand.c.
 */
#define _POSIX_C_SOURCE 200809L

#include "experiment_read.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- settings ---- */

/* [lo, hi] with lo <= hi (lo = hi: a fixed value); for rho also hi > 0. */
static int read_range(exp_reader *r, yaml_node_t *n, const char *key, const sgema_setting *s,
                      double *lo, double *hi) {
  char what[80], item[EXP_KEY_MAX];
  if (n->type != YAML_SEQUENCE_NODE || exp_seq_len(n) != 2) {
    if (n->type == YAML_SEQUENCE_NODE)
      exp_report(r, n, key, "expected a range [lo, hi] of 2 numbers, found a list of %d",
                 exp_seq_len(n));
    else
      exp_report(r, n, key, "expected a range [lo, hi], found %s",
                 exp_describe(n, what, sizeof what));
    return -1;
  }
  double v[2];
  int bad = 0;
  for (int i = 0; i < 2; i++) {
    exp_keyf(item, sizeof item, "%s[%d]", key, i);
    bad |= exp_read_real(r, exp_seq_item(r, n, i), item, s->allowed, &v[i]) != 0;
  }
  if (bad)
    return -1;
  const char *a = exp_text_of(exp_seq_item(r, n, 0)), *b = exp_text_of(exp_seq_item(r, n, 1));
  if (v[0] > v[1]) {
    exp_report(r, n, key, "empty range [%s, %s]", a, b);
    return -1;
  }
  if (s->hi_positive && !(v[1] > 0.0)) {
    exp_report(r, n, key, "empty range [%s, %s]: draws are in (lo, hi], so hi must be > 0", a, b);
    return -1;
  }
  *lo = v[0];
  *hi = v[1];
  return 0;
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
int exp_check_name(exp_reader *r, yaml_node_t *n, const char *key, const char *s, int placeholders,
                   int *has_placeholder) {
  if (has_placeholder)
    *has_placeholder = 0;
  if (!s[0]) {
    exp_report(r, n, key, "empty name");
    return -1;
  }
  if (strlen(s) > EXP_NAME_MAX) {
    exp_report(r, n, key, "name longer than %d characters", EXP_NAME_MAX);
    return -1;
  }
  if (s[0] == '.' || s[0] == '-') {
    exp_report(r, n, key, "'%s' must start with a letter, a digit or _", s);
    return -1;
  }
  for (const char *p = s; *p; p++) {
    if (placeholders && *p == '{') {
      const char *close = strchr(p, '}');
      size_t len = close ? (size_t)(close - p - 1) : 0;
      if (!close) {
        exp_report(r, n, key, "'%s': unclosed '{'", s);
        return -1;
      }
      if (!((len == 3 && strncmp(p + 1, "alg", 3) == 0) ||
            (len == 1 && (p[1] == 'm' || p[1] == 'n')))) {
        exp_report(r, n, key, "'%s': unknown placeholder '%.*s' (use {alg}, {m} or {n})", s,
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
      exp_report(r, n, key,
                 "'%s': the character '%.*s' is not allowed (ASCII letters, digits, _ . -%s)", s,
                 utf8_char_length((unsigned char)*p), p,
                 placeholders ? " and the placeholders {alg}, {m}, {n}" : "");
      return -1;
    }
  }
  return 0;
}

/* ---- sweep axes: alg, m and n ---- */

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
    if (!exp_digits_syntax(p))
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

static int read_axis_item(exp_reader *r, int kind, yaml_node_t *n, const char *key, int *mult,
                          int *add) {
  long long x;
  char what[80];
  *mult = 0;
  switch (kind) {
  case AXIS_ALG:
    return exp_read_choice(r, n, key, &SGEMA_CHOICE_ALG, add);
  case AXIS_M:
    if (exp_read_integer(r, n, key, 1, SGEMA_MAX_M, &x) != 0)
      return -1;
    *add = (int)x;
    return 0;
  default:
    if (exp_is_plain(n) && exp_int_syntax(exp_text_of(n))) {
      if (exp_read_integer(r, n, key, 2, SGEMA_MAX_N, &x) != 0)
        return -1;
      *add = (int)x;
      return 0;
    }
    if (n->type == YAML_SCALAR_NODE && !exp_is_null(n) &&
        n_expression(exp_text_of(n), mult, add) == 0)
      return 0;
    exp_report(r, n, key, "expected an integer or an expression of m (m+1, 2m, 2m+1), found %s",
               exp_describe(n, what, sizeof what));
    return -1;
  }
}

static void read_axis(exp_reader *r, int kind, yaml_node_t *n, const char *key, axis *a) {
  char item[EXP_KEY_MAX];
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
  a->count = exp_seq_len(n);
  if (a->count == 0 || a->count > AXIS_MAX) {
    exp_report(r, n, key, a->count ? "too many values (at most %d)" : "empty list", AXIS_MAX);
    a->bad = 1;
    return;
  }
  int parsed[AXIS_MAX];
  for (int i = 0; i < a->count; i++) {
    yaml_node_t *v = exp_seq_item(r, n, i);
    exp_keyf(item, sizeof item, "%s[%d]", key, i);
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
        exp_report(r, v, item, "'%s' repeats %s[%d]", exp_text_of(v), key, j);
        a->bad = 1;
        break;
      }
  }
}

/* ---- references ---- */

static int read_reference(exp_reader *r, yaml_node_t *n, const char *key, ref_item *out) {
  exp_member m[] = {{"class", NULL, NULL},
                    {"sphere", NULL, NULL},
                    {"fraction", NULL, NULL},
                    {"source", NULL, NULL}};
  int before = r->problems;
  char path[EXP_KEY_MAX];
  memset(out, 0, sizeof *out);
  out->node = n;
  out->ref.source = "";
  exp_keyf(out->key, sizeof out->key, "%s", key);
  if (!exp_read_members(r, n, key, m, 4))
    return -1;
  int k;
  exp_join(path, sizeof path, key, "class");
  if (!m[0].value)
    exp_missing(r, n, key, "class", "");
  else if (exp_read_choice(r, m[0].value, path, &EXP_CLASS, &k) == 0)
    out->ref.cls = (sgema_class)k;
  if (m[1].value) {
    exp_join(path, sizeof path, key, "sphere");
    if (exp_read_choice(r, m[1].value, path, &EXP_SPHERE, &k) == 0) {
      out->ref.has_sphere = 1;
      out->ref.sphere = (sgema_sphere)k;
      out->sphere_node = m[1].value;
    }
  }
  if (!m[2].value)
    exp_missing(r, n, key, "fraction", "");
  else {
    exp_join(path, sizeof path, key, "fraction");
    exp_read_real(r, m[2].value, path, &SGEMA_UNIT, &out->ref.fraction);
  }
  if (m[3].value) {
    exp_join(path, sizeof path, key, "source");
    if (exp_read_text(r, m[3].value, path, &out->ref.source) == 0)
      exp_check_length(r, m[3].value, path, out->ref.source, EXP_SOURCE_MAX, NULL);
  }
  return r->problems == before ? 0 : -1;
}

/* ---- layers: a run's mapping, or the defaults ---- */

static int read_momentum(exp_reader *r, yaml_node_t *n, const char *key, sgema_momentum *mo) {
  exp_member m[] = {{"kind", NULL, NULL},
                    {"alpha", NULL, NULL},
                    {"a0", NULL, NULL},
                    {"a1", NULL, NULL},
                    {"T", NULL, NULL}};
  if (!exp_read_members(r, n, key, m, 5))
    return -1;
  int before = r->problems, kind = -1;
  char path[EXP_KEY_MAX];
  if (!m[0].value)
    exp_missing(r, n, key, "kind", ": constant or linear");
  else {
    exp_join(path, sizeof path, key, "kind");
    exp_read_choice(r, m[0].value, path, &SGEMA_CHOICE_MOMENTUM_KIND, &kind);
  }
  /* alpha belongs to constant, a0, a1 and T to linear: a key of the other kind is a mistake. */
  static const int is_linear[] = {0, 0, 1, 1, 1};
  double v[5] = {0};
  for (int i = 1; i < 5; i++) {
    exp_join(path, sizeof path, key, m[i].name);
    if (m[i].value && kind >= 0 && is_linear[i] != (kind == SGEMA_MOMENTUM_LINEAR)) {
      exp_report(r, m[i].key, path, "only for kind %s (kind is %s)",
                 is_linear[i] ? "linear" : "constant",
                 sgema_momentum_name((sgema_momentum_kind)kind));
      continue;
    }
    if (m[i].value)
      exp_read_real(r, m[i].value, path, i == 4 ? &SGEMA_MOMENTUM_T : &SGEMA_MOMENTUM_ALPHA, &v[i]);
    else if (kind >= 0 && is_linear[i] == (kind == SGEMA_MOMENTUM_LINEAR))
      exp_missing(r, n, key, m[i].name,
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

static void read_setting(exp_reader *r, layer *L, size_t i, yaml_node_t *n, const char *key) {
  const sgema_setting *s = &exp_settings[i];
  char *base = (char *)&L->v;
  double x, y;
  long long ll;
  int k, st = -1;
  L->src[i] = n;
  switch (s->type) {
  case SGEMA_SETTING_TYPE_REAL:
    if ((st = exp_read_real(r, n, key, s->allowed, &x)) == 0)
      memcpy(base + s->offset, &x, sizeof x);
    break;
  case SGEMA_SETTING_TYPE_RANGE:
    if ((st = read_range(r, n, key, s, &x, &y)) == 0) {
      memcpy(base + s->offset, &x, sizeof x);
      memcpy(base + s->offset_hi, &y, sizeof y);
    }
    break;
  case SGEMA_SETTING_TYPE_LONG:
    if ((st = exp_read_integer(r, n, key, s->lo, s->hi, &ll)) == 0) {
      long l = (long)ll;
      memcpy(base + s->offset, &l, sizeof l);
    }
    break;
  case SGEMA_SETTING_TYPE_U32:
    if ((st = exp_read_integer(r, n, key, s->lo, s->hi, &ll)) == 0) {
      uint32_t u = (uint32_t)ll;
      memcpy(base + s->offset, &u, sizeof u);
    }
    break;
  case SGEMA_SETTING_TYPE_FLAG:
    if ((st = exp_read_bool(r, n, key, &k)) == 0)
      memcpy(base + s->offset, &k, sizeof k);
    break;
  case SGEMA_SETTING_TYPE_CHOICE: /* stored as an int (settings.c) */
    if ((st = exp_read_choice(r, n, key, s->choice, &k)) == 0)
      memcpy(base + s->offset, &k, sizeof k);
    break;
  case SGEMA_SETTING_TYPE_MOMENTUM:
    st = read_momentum(r, n, key, &L->v.settings.momentum);
    break;
  case SGEMA_SETTING_TYPE_INT: /* m and n are sweep axes, read by read_axis */
    if (!exp_setting_is_axis(i) && (st = exp_read_integer(r, n, key, s->lo, s->hi, &ll)) == 0) {
      k = (int)ll;
      memcpy(base + s->offset, &k, sizeof k);
    }
    break;
  }
  L->bad[i] = st != 0;
}

static void read_references(exp_reader *r, layer *L, yaml_node_t *n, const char *key) {
  char what[80], item[EXP_KEY_MAX];
  L->refs_node = n;
  int before = r->problems;
  int count = n->type == YAML_SEQUENCE_NODE ? exp_seq_len(n) : 1;
  if (n->type != YAML_SEQUENCE_NODE && n->type != YAML_MAPPING_NODE) {
    exp_report(r, n, key,
               "expected a mapping {class, sphere, fraction, source} or a list of them, "
               "found %s",
               exp_describe(n, what, sizeof what));
    count = 0;
  } else if (count == 0 || count > REF_MAX) {
    exp_report(r, n, key, count ? "too many references (at most %d)" : "empty list", REF_MAX);
    count = 0;
  }
  L->ref_count = 0;
  for (int i = 0; i < count; i++) {
    yaml_node_t *v = n->type == YAML_SEQUENCE_NODE ? exp_seq_item(r, n, i) : n;
    if (n->type == YAML_SEQUENCE_NODE)
      exp_keyf(item, sizeof item, "%s[%d]", key, i);
    else
      exp_keyf(item, sizeof item, "%s", key);
    ref_item *ref = &L->refs[L->ref_count];
    if (read_reference(r, v, item, ref) != 0)
      continue;
    int dup = -1;
    for (int j = 0; j < L->ref_count && dup < 0; j++)
      if (L->refs[j].ref.cls == ref->ref.cls && L->refs[j].ref.has_sphere == ref->ref.has_sphere &&
          (!ref->ref.has_sphere || L->refs[j].ref.sphere == ref->ref.sphere))
        dup = j;
    if (dup >= 0)
      exp_report(r, v, item, "the same class and sphere as %s", L->refs[dup].key);
    else
      L->ref_count++;
  }
  L->refs_bad = r->problems != before;
}

/* The keys of a run that are not settings of the table. */
enum { K_NAME, K_INDEX, K_ALG, K_M, K_N, K_REFERENCE, K_SPECIAL };
static const char *const special_keys[K_SPECIAL] = {"name", "index", "alg", "m", "n", "reference"};

static void read_section(exp_reader *r, layer *L, const char *section, yaml_node_t *n) {
  exp_member m[MEMBER_MAX];
  size_t idx[MEMBER_MAX];
  int count = 0;
  char where[EXP_KEY_MAX], path[EXP_KEY_MAX];
  for (size_t i = 0; i < exp_setting_count; i++)
    if (exp_settings[i].section && strcmp(exp_settings[i].section, section) == 0) {
      m[count].name = exp_settings[i].key;
      idx[count++] = i;
    }
  exp_join(where, sizeof where, L->where, section);
  if (!exp_read_members(r, n, where, m, count))
    return;
  for (int j = 0; j < count; j++)
    if (m[j].value) {
      exp_join(path, sizeof path, where, m[j].name);
      read_setting(r, L, idx[j], m[j].value, path);
    }
}

void exp_read_layer(exp_reader *r, yaml_node_t *map, const char *where, int is_defaults, layer *L) {
  memset(L, 0, sizeof *L);
  L->map = map;
  L->is_defaults = is_defaults;
  snprintf(L->where, sizeof L->where, "%s", where);
  sgema_settings_default(&L->v.settings);
  int before = r->problems;
  exp_member m[MEMBER_MAX];
  size_t idx[MEMBER_MAX];
  int count = 0;
  for (int k = 0; k < K_SPECIAL; k++)
    m[count++].name = special_keys[k];
  int first_setting = count;
  for (size_t i = 0; i < exp_setting_count; i++)
    if (!exp_settings[i].section && !exp_setting_is_axis(i)) {
      m[count].name = exp_settings[i].key;
      idx[count++] = i;
    }
  int first_section = count;
  for (int k = 0; exp_sections[k]; k++)
    m[count++].name = exp_sections[k];
  if (!exp_read_members(r, map, where, m, count)) {
    L->problems = r->problems - before;
    return;
  }
  L->is_map = 1;
  char path[EXP_KEY_MAX];
  for (int j = 0; j < count; j++) {
    if (!m[j].value)
      continue;
    exp_join(path, sizeof path, where, m[j].name);
    if (j >= first_section)
      read_section(r, L, m[j].name, m[j].value);
    else if (j >= first_setting)
      read_setting(r, L, idx[j], m[j].value, path);
    else if (is_defaults && (j == K_NAME || j == K_INDEX))
      exp_report(r, m[j].key, path, "not allowed in defaults (it belongs to one run)");
    else if (j == K_NAME) {
      L->name = m[j].value;
      L->name_bad = exp_read_text(r, m[j].value, path, &L->name_text) != 0 ||
                    exp_check_name(r, m[j].value, path, L->name_text, 1, &L->name_template) != 0;
    } else if (j == K_INDEX) {
      L->index = m[j].value;
      L->index_bad = exp_read_integer(r, m[j].value, path, 0, UINT32_MAX, &L->index_value) != 0;
    } else if (j == K_REFERENCE) {
      read_references(r, L, m[j].value, path);
    } else {
      read_axis(r, j - K_ALG, m[j].value, path, &L->axes[j - K_ALG]);
    }
  }
  if (!is_defaults && !L->name)
    exp_missing(r, map, where, "name", "");
  L->problems = r->problems - before;
}
