/* A run's keys: the kernel's settings table (settings_table.h) and the run keys of an experiment
 * file around it, as one table over sgema_run_spec; the run keys' defaults; what a run owns. */
#include "experiment_impl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *class_name(int v) {
  return sgema_class_name((sgema_class)v);
}
static const char *sphere_name(int v) {
  return sgema_sphere_name((sgema_sphere)v);
}

const char *sgema_run_kind_name(sgema_run_kind k) {
  switch (k) {
  case SGEMA_RUN_TRIALS:
    return "trials";
  case SGEMA_RUN_CENSUS:
    return "census";
  default:
    return "?";
  }
}
static const char *kind_name(int v) {
  return sgema_run_kind_name((sgema_run_kind)v);
}

const sgema_choice EXP_KIND = {SGEMA_RUN_KIND_COUNT, kind_name};
const sgema_choice EXP_CLASS = {SGEMA_CLASS_COUNT, class_name};
const sgema_choice EXP_SPHERE = {SGEMA_SPHERE_S2 + 1, sphere_name};

/* ---- the table ---- */

#define EXP_ROW_U32(id_, sec_, key_, field_, lo_, hi_, dflt_)                                      \
  {.section = sec_,                                                                                \
   .key = key_,                                                                                    \
   .type = SGEMA_SETTING_TYPE_U32,                                                                 \
   SGEMA_AT_(sgema_run_spec, , field_),                                                            \
   .lo = lo_,                                                                                      \
   .hi = hi_},
#define RUN_REAL(...) SGEMA_ROW_REAL(sgema_run_spec, , __VA_ARGS__)
#define RUN_CHOICE(...) SGEMA_ROW_CHOICE(sgema_run_spec, , __VA_ARGS__)
#define CHOICE(...) SGEMA_ROW_CHOICE(sgema_run_spec, settings., __VA_ARGS__)
#define INT(...) SGEMA_ROW_INT(sgema_run_spec, settings., __VA_ARGS__)
#define LONG(...) SGEMA_ROW_LONG(sgema_run_spec, settings., __VA_ARGS__)
#define REAL(...) SGEMA_ROW_REAL(sgema_run_spec, settings., __VA_ARGS__)
#define RANGE(...) SGEMA_ROW_RANGE(sgema_run_spec, settings., __VA_ARGS__)
#define FLAG(...) SGEMA_ROW_FLAG(sgema_run_spec, settings., __VA_ARGS__)
#define MOMENTUM(...) SGEMA_ROW_MOMENTUM(sgema_run_spec, settings., __VA_ARGS__)
const sgema_setting exp_settings[EXP_SETTING_COUNT] = {
    EXP_RUN_KEYS_TOP(EXP_ROW_U32, RUN_CHOICE)
        SGEMA_SETTINGS_LIST(CHOICE, INT, LONG, REAL, RANGE, FLAG, MOMENTUM)
            EXP_RUN_KEYS_RECORD(EXP_ROW_U32, RUN_REAL)};
#undef CHOICE
#undef INT
#undef LONG
#undef REAL
#undef RANGE
#undef FLAG
#undef MOMENTUM
const size_t exp_setting_count = EXP_SETTING_COUNT;
const char *const exp_sections[] = {"sampling", "design", "integration", "classification",
                                    "census",   "record", NULL};

/* The kernel's rows follow the three run keys at the top. */
#define FIRST_SETTING 3

int exp_setting_is_axis(size_t i) {
  return i == FIRST_SETTING + SGEMA_SETTING_ALG || i == FIRST_SETTING + SGEMA_SETTING_M ||
         i == FIRST_SETTING + SGEMA_SETTING_N;
}

size_t exp_setting_index(const char *section, const char *key) {
  for (size_t i = 0; i < exp_setting_count; i++) {
    const sgema_setting *s = &exp_settings[i];
    if (strcmp(s->key, key) == 0 &&
        (section ? s->section && strcmp(s->section, section) == 0 : s->section == NULL))
      return i;
  }
  return exp_setting_count;
}

/* ---- defaults ---- */

#define U32_DEFAULT(id, sec, key, field, lo, hi, dflt) spec.field = dflt;
#define REAL_DEFAULT(id, sec, key, opt, field, iv, dflt, help) spec.field = dflt;
void sgema_record_spec_default(sgema_record_spec *r) {
  sgema_run_spec spec;
  memset(&spec, 0, sizeof spec);
  EXP_RUN_KEYS_RECORD(U32_DEFAULT, REAL_DEFAULT)
  *r = spec.record;
}
#undef U32_DEFAULT
#undef REAL_DEFAULT

/* ---- what a run owns ---- */

void exp_run_free(sgema_run_spec *r) {
  free((void *)r->name);
  free((void *)r->n_expr);
  for (size_t k = 0; k < r->reference_count; k++)
    free((void *)r->references[k].source);
  free((void *)r->references);
}
