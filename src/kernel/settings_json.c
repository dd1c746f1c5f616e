/* Every setting of a run as a JSON object: one printer for trial records and results files. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include "settings_json.h"
#include "settings_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sgema_json_momentum(jw_writer *w, const sgema_momentum *mo) {
  jw_object_begin(w, "momentum");
  jw_string(w, "kind", sgema_momentum_name(mo->kind));
  jw_double(w, "a0", mo->a0);
  jw_double(w, "a1", mo->a1);
  jw_double(w, "T", mo->T);
  jw_object_end(w);
}

static void range(jw_writer *w, const char *key, double lo, double hi) {
  jw_array_begin_inline(w, key);
  jw_double(w, NULL, lo);
  jw_double(w, NULL, hi);
  jw_array_end(w);
}

/* One row of the table as the member r->key of the current object. */
static void json_row(jw_writer *w, const sgema_setting *r, const sgema_settings *s) {
  const char *base = (const char *)s;
  double x, y;
  long l;
  int i;
  switch (r->type) {
  case SGEMA_SETTING_TYPE_CHOICE:
    memcpy(&i, base + r->offset, sizeof i);
    jw_string(w, r->key, r->choice->name(i));
    break;
  case SGEMA_SETTING_TYPE_INT:
    memcpy(&i, base + r->offset, sizeof i);
    jw_long(w, r->key, i);
    break;
  case SGEMA_SETTING_TYPE_FLAG:
    memcpy(&i, base + r->offset, sizeof i);
    jw_bool(w, r->key, i);
    break;
  case SGEMA_SETTING_TYPE_LONG:
    memcpy(&l, base + r->offset, sizeof l);
    jw_long(w, r->key, l);
    break;
  case SGEMA_SETTING_TYPE_REAL:
    memcpy(&x, base + r->offset, sizeof x);
    jw_double(w, r->key, x);
    break;
  case SGEMA_SETTING_TYPE_RANGE:
    memcpy(&x, base + r->offset, sizeof x);
    memcpy(&y, base + r->offset_hi, sizeof y);
    range(w, r->key, x, y);
    break;
  case SGEMA_SETTING_TYPE_MOMENTUM:
    sgema_json_momentum(w, &s->momentum);
    break;
  default: /* no row of sgema_settings is a uint32 */
    break;
  }
}

/* The rows in table order, each section's rows in an object of their own. */
void sgema_json_settings(jw_writer *w, const char *key, const sgema_settings *s) {
  jw_object_begin(w, key);
  const char *open = NULL;
  for (int k = 0; k < SGEMA_SETTING_COUNT; k++) {
    const sgema_setting *r = &sgema_settings_table[k];
    if (open && (!r->section || strcmp(r->section, open) != 0)) {
      jw_object_end(w);
      open = NULL;
    }
    if (r->section && !open)
      jw_object_begin(w, open = r->section);
    json_row(w, r, s);
  }
  if (open)
    jw_object_end(w);
  jw_object_end(w);
}

char *sgema_settings_json_line(const sgema_settings *s) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f)
    return NULL;
  jw_writer w;
  jw_init(&w, f, 1);
  sgema_json_settings(&w, NULL, s);
  int bad = w.misuse || w.depth != 0;
  if (fclose(f) != 0 || bad) {
    free(text);
    return NULL;
  }
  return text;
}

/* ---- stored lines of older builds ---- */

enum { LEAF_MAX = 128, LEAF_DEPTH = 8, LEAF_KEY = 48, LEAF_PATH = 160 };

/* One leaf of a settings line: its dotted path ("integration.rtol") and its value's text. */
typedef struct {
  char path[LEAF_PATH];
  const char *value;
  size_t len;
} leaf;

/* The next leaf of a one-line JSON object as sgema_settings_json_line prints it (keys without
 * escapes, arrays of numbers); 0 at the end or on anything else. */
static int next_leaf(const char **p, char keys[][LEAF_KEY], int *depth, leaf *out) {
  const char *c = *p;
  for (;;) {
    while (*c == ' ' || *c == ',' || *c == '\n')
      c++;
    if (*c == '{') {
      (*depth)++;
      c++;
    } else if (*c == '}') {
      (*depth)--;
      c++;
    } else if (*c == '"' && *depth >= 1 && *depth < LEAF_DEPTH) {
      const char *end = strchr(c + 1, '"');
      if (!end) {
        *p = c;
        return 0;
      }
      snprintf(keys[*depth], LEAF_KEY, "%.*s", (int)(end - c - 1), c + 1);
      for (c = end + 1; *c == ' ' || *c == ':'; c++)
        ;
      if (*c == '{')
        continue;
      const char *v = c;
      if (*c == '"' || *c == '[') {
        const char *close = strchr(c + 1, *c == '"' ? '"' : ']');
        c = close ? close + 1 : v + strlen(v);
      } else {
        while (*c && *c != ',' && *c != '}')
          c++;
      }
      size_t used = 0;
      out->path[0] = '\0';
      for (int d = 1; d <= *depth && used < sizeof out->path; d++)
        used += (size_t)snprintf(out->path + used, sizeof out->path - used, "%s%s",
                                 d > 1 ? "." : "", keys[d]);
      out->value = v;
      out->len = (size_t)(c - v);
      *p = c;
      return 1;
    } else {
      *p = c;
      return 0;
    }
  }
}

/* The leaves of line into out (at most LEAF_MAX); their count, or -1 when line is not a whole
 * settings object. */
static int leaves(const char *line, leaf *out) {
  char keys[LEAF_DEPTH][LEAF_KEY];
  int depth = 0, count = 0;
  leaf l;
  while (next_leaf(&line, keys, &depth, &l)) {
    if (count == LEAF_MAX)
      return -1;
    out[count++] = l;
  }
  return *line == '\0' && depth == 0 && count > 0 ? count : -1;
}

int sgema_settings_json_difference(const char *a, const char *b, char *out, size_t size) {
  char ka[LEAF_DEPTH][LEAF_KEY], kb[LEAF_DEPTH][LEAF_KEY];
  int da = 0, db = 0;
  leaf la, lb;
  for (;;) {
    int ha = next_leaf(&a, ka, &da, &la), hb = next_leaf(&b, kb, &db, &lb);
    if (!ha && !hb)
      return 0;
    if (ha != hb || strcmp(la.path, lb.path) != 0) {
      snprintf(out, size, "%s", ha ? la.path : lb.path);
      return 1;
    }
    if (la.len != lb.len || memcmp(la.value, lb.value, la.len) != 0) {
      snprintf(out, size, "%s (%.*s in the file, %.*s in the experiment)", la.path, (int)la.len,
               la.value, (int)lb.len, lb.value);
      return 1;
    }
  }
}

char *sgema_settings_json_complete(const char *stored) {
  sgema_settings d;
  sgema_settings_default(&d);
  char *dflt = sgema_settings_json_line(&d), *text = NULL;
  leaf *have = malloc(2 * LEAF_MAX * sizeof *have), *want = have ? have + LEAF_MAX : NULL;
  int nh = have ? leaves(stored, have) : -1, nw = dflt && have ? leaves(dflt, want) : -1;
  int used = 0, ok = nh >= 0 && nw >= 0;
  size_t len = 0;
  FILE *f = ok ? open_memstream(&text, &len) : NULL;
  const char *at = dflt;
  /* The default line's text with each value the stored line gives put in its place. */
  for (int i = 0; f && i < nw; i++) {
    int j = 0;
    while (j < nh && strcmp(have[j].path, want[i].path) != 0)
      j++;
    fwrite(at, 1, (size_t)(want[i].value - at), f);
    if (j < nh) {
      fwrite(have[j].value, 1, have[j].len, f);
      used++;
    } else {
      fwrite(want[i].value, 1, want[i].len, f);
    }
    at = want[i].value + want[i].len;
  }
  if (f) {
    fputs(at, f);
    ok = fclose(f) == 0;
  }
  /* A key this build does not know: the stored line stays as it is (and differs). */
  if (!f || !ok || used != nh) {
    free(text);
    text = strdup(stored);
  }
  free(have);
  free(dflt);
  return text;
}
