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
