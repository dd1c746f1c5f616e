/* The settings table as data (settings_table.h), the defaults it gives and the validation by its
 * ranges: one place for every setting's facts. */
#include "settings_table.h"
#include "sgema/status.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- allowed numbers and names ---- */

const sgema_interval SGEMA_FINITE = {-INFINITY, INFINITY, 1, 1, "finite"};
const sgema_interval SGEMA_POSITIVE = {0.0, INFINITY, 1, 1, "> 0 and finite"};
const sgema_interval SGEMA_NONNEG = {0.0, INFINITY, 0, 1, ">= 0 and finite"};
const sgema_interval SGEMA_UNIT = {0.0, 1.0, 0, 0, "in [0, 1]"};
const sgema_interval SGEMA_ABOVE_ONE = {1.0, INFINITY, 1, 1, "> 1 and finite"};
const sgema_interval SGEMA_POSITIVE_OR_INF = {0.0, INFINITY, 1, 0, "> 0 (.inf allowed)"};
const sgema_interval SGEMA_OPEN_UNIT = {0.0, 1.0, 1, 1, "> 0 and < 1"};

int sgema_interval_contains(const sgema_interval *iv, double x) {
  if (isnan(x))
    return 0;
  if (iv->lo_open ? !(x > iv->lo) : !(x >= iv->lo))
    return 0;
  return iv->hi_open ? x < iv->hi : x <= iv->hi;
}

/* The library's names, adapted to int so that one choice type serves every enum. */
static const char *alg_name(int v) {
  return sgema_alg_name((sgema_alg)v);
}
static const char *time_name(int v) {
  return sgema_time_name((sgema_time_kind)v);
}
static const char *momentum_name(int v) {
  return sgema_momentum_name((sgema_momentum_kind)v);
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
static const char *preconditioner_name(int v) {
  return sgema_preconditioner_name((sgema_preconditioner)v);
}
static const char *spectrum_name(int v) {
  return sgema_spectrum_name((sgema_spectrum_solver)v);
}

const sgema_choice SGEMA_CHOICE_ALG = {SGEMA_ALG_GD + 1, alg_name};
const sgema_choice SGEMA_CHOICE_TIME = {SGEMA_TIME_DISCRETE + 1, time_name};
const sgema_choice SGEMA_CHOICE_MOMENTUM_KIND = {SGEMA_MOMENTUM_LINEAR + 1, momentum_name};
const sgema_choice SGEMA_CHOICE_STATS = {SGEMA_STATS_GENERIC + 1, stats_name};
const sgema_choice SGEMA_CHOICE_TARGET = {SGEMA_TARGET_INDEPENDENT + 1, target_name};
const sgema_choice SGEMA_CHOICE_METHOD = {SGEMA_METHOD_COUNT, method_name};
const sgema_choice SGEMA_CHOICE_PRECONDITIONER = {SGEMA_PREC_COUNT, preconditioner_name};
const sgema_choice SGEMA_CHOICE_SPECTRUM = {SGEMA_SPECTRUM_COUNT, spectrum_name};
const sgema_choice SGEMA_CHOICE_DESIGN = {SGEMA_DESIGN_BASINS + 1, sgema_design_kind_name};
const sgema_choice SGEMA_CHOICE_AXIS = {SGEMA_AXIS_C + 1, sgema_axis_name};

/* The table stores an enum as an int. */
_Static_assert(sizeof(sgema_alg) == sizeof(int) && sizeof(sgema_time_kind) == sizeof(int) &&
                   sizeof(sgema_stats_kind) == sizeof(int) &&
                   sizeof(sgema_target_init) == sizeof(int) &&
                   sizeof(sgema_method) == sizeof(int) &&
                   sizeof(sgema_preconditioner) == sizeof(int) &&
                   sizeof(sgema_spectrum_solver) == sizeof(int) &&
                   sizeof(sgema_design_kind) == sizeof(int) &&
                   sizeof(sgema_axis_kind) == sizeof(int) && sizeof(uint32_t) == sizeof(int),
               "the settings table stores enums as int");

int sgema_choice_find(const sgema_choice *c, const char *name) {
  for (int i = 0; i < c->count; i++)
    if (strcmp(c->name(i), name) == 0)
      return i;
  return -1;
}

const char *sgema_choice_list(const sgema_choice *c, char *buf, size_t size) {
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i < c->count && used < size; i++)
    used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? "|" : "", c->name(i));
  return buf;
}

/* ---- the table as data ---- */

#define CHOICE(...) SGEMA_ROW_CHOICE(sgema_settings, , __VA_ARGS__)
#define INT(...) SGEMA_ROW_INT(sgema_settings, , __VA_ARGS__)
#define LONG(...) SGEMA_ROW_LONG(sgema_settings, , __VA_ARGS__)
#define REAL(...) SGEMA_ROW_REAL(sgema_settings, , __VA_ARGS__)
#define RANGE(...) SGEMA_ROW_RANGE(sgema_settings, , __VA_ARGS__)
#define FLAG(...) SGEMA_ROW_FLAG(sgema_settings, , __VA_ARGS__)
#define MOMENTUM(...) SGEMA_ROW_MOMENTUM(sgema_settings, , __VA_ARGS__)
const sgema_setting sgema_settings_table[SGEMA_SETTING_COUNT] = {
    SGEMA_SETTINGS_LIST(CHOICE, INT, LONG, REAL, RANGE, FLAG, MOMENTUM)};
#undef CHOICE
#undef INT
#undef LONG
#undef REAL
#undef RANGE
#undef FLAG
#undef MOMENTUM

/* ---- defaults ---- */

#define CHOICE(id, sec, key, opt, field, ch, dflt, help) s->field = dflt;
#define INT(id, sec, key, opt, arg, field, lo, hi, dflt, help) s->field = dflt;
#define REAL(id, sec, key, opt, field, iv, dflt, help) s->field = dflt;
#define RANGE(id, sec, key, opt, lo_field, hi_field, iv, hipos, dlo, dhi, help)                    \
  s->lo_field = dlo;                                                                               \
  s->hi_field = dhi;
#define FLAG(id, sec, key, opt, field, dflt, help) s->field = dflt;
void sgema_settings_default(sgema_settings *s) {
  /* Members without a row of their own (a design's unused axes) start at zero: random, none. */
  memset(s, 0, sizeof *s);
  SGEMA_SETTINGS_LIST(CHOICE, INT, INT, REAL, RANGE, FLAG, FLAG)
}
#undef CHOICE
#undef INT
#undef REAL
#undef RANGE
#undef FLAG

void sgema_sampling_default(sgema_sampling *s) {
  sgema_settings d;
  sgema_settings_default(&d);
  *s = d.sampling;
}

void sgema_integration_default(sgema_integration *s) {
  sgema_settings d;
  sgema_settings_default(&d);
  *s = d.integration;
}

void sgema_classification_default(sgema_classification *s) {
  sgema_settings d;
  sgema_settings_default(&d);
  *s = d.classification;
}

/* ---- validation ---- */

/* Whether the value of row r in s is one the row allows. */
static int row_valid(const sgema_setting *r, const sgema_settings *s) {
  const char *base = (const char *)s;
  double x, y;
  long l;
  int i;
  switch (r->type) {
  case SGEMA_SETTING_TYPE_CHOICE:
    memcpy(&i, base + r->offset, sizeof i);
    return i >= 0 && i < r->choice->count;
  case SGEMA_SETTING_TYPE_INT:
  case SGEMA_SETTING_TYPE_FLAG:
    memcpy(&i, base + r->offset, sizeof i);
    return i >= r->lo && i <= r->hi;
  case SGEMA_SETTING_TYPE_LONG:
    memcpy(&l, base + r->offset, sizeof l);
    return l >= r->lo && l <= r->hi;
  case SGEMA_SETTING_TYPE_REAL:
    memcpy(&x, base + r->offset, sizeof x);
    return sgema_interval_contains(r->allowed, x);
  case SGEMA_SETTING_TYPE_RANGE:
    memcpy(&x, base + r->offset, sizeof x);
    memcpy(&y, base + r->offset_hi, sizeof y);
    return sgema_interval_contains(r->allowed, x) && sgema_interval_contains(r->allowed, y) &&
           x <= y && (!r->hi_positive || y > 0.0);
  default: /* the momentum schedule: sgema_problem_validate's */
    return 1;
  }
}

/* Every row of section (NULL: the top level) in s is valid. */
static int section_valid(const sgema_settings *s, const char *section) {
  for (int k = 0; k < SGEMA_SETTING_COUNT; k++) {
    const sgema_setting *r = &sgema_settings_table[k];
    int same = section ? r->section && strcmp(r->section, section) == 0 : r->section == NULL;
    if (same && !row_valid(r, s))
      return 0;
  }
  return 1;
}

int sgema_integration_validate(const sgema_integration *s) {
  sgema_settings d;
  sgema_settings_default(&d);
  d.integration = *s;
  return section_valid(&d, "integration") ? SGEMA_OK : SGEMA_EINVAL;
}

int sgema_classification_validate(const sgema_classification *s) {
  sgema_settings d;
  sgema_settings_default(&d);
  d.classification = *s;
  return section_valid(&d, "classification") ? SGEMA_OK : SGEMA_EINVAL;
}

/* Every member set here: no call into the census module, which calls this file's defaults. */
void sgema_settings_census(const sgema_settings *s, sgema_census_settings *c) {
  c->rank_deficient = s->census.rank_deficient;
  c->rank_deficient_max_m = s->census.rank_deficient_max_m;
  c->real_tol = s->census.real_tol;
  c->eig_tol = s->census.eig_tol;
  c->dedup_tol = s->census.dedup_tol;
  c->zero_tol = s->census.zero_tol;
  c->homotopy = s->census.total_degree ? SGEMA_CENSUS_TOTAL_DEGREE : SGEMA_CENSUS_PARAMETER;
  c->parameter_rank_free_max_m = s->census.parameter_rank_free_max_m;
  c->rank_one_system = s->census.rank_one_system;
  c->rank_one_elimination = s->census.rank_one_elimination;
  c->classification = s->classification;
}

void sgema_settings_problem(const sgema_settings *s, sgema_problem *p) {
  p->alg = s->alg;
  p->m = s->m;
  p->n = s->n;
  p->time = s->time;
  p->mu = s->mu;
  p->nu = s->nu;
  p->momentum = s->momentum;
}

int sgema_settings_design_check(const sgema_settings *s, const char **key, char *why, size_t size) {
  sgema_design_context c = {s->alg == SGEMA_ALG_EMA, s->m, s->n,
                            s->sampling.target == SGEMA_TARGET_INDEPENDENT,
                            s->sampling.condition_delta};
  const char *k;
  char buf[200];
  int st =
      sgema_design_check(&s->sampling.design, &c, &k, why ? why : buf, why ? size : sizeof buf);
  if (key)
    *key = k;
  return st;
}

static int fail(const char **what, const char *name, int status) {
  if (what)
    *what = name;
  return status;
}

int sgema_settings_validate(const sgema_settings *s, const char **what) {
  if (!row_valid(&sgema_settings_table[SGEMA_SETTING_ALG], s))
    return fail(what, "alg", SGEMA_EINVAL);
  if (s->m < 1 || s->n <= s->m || s->m > SGEMA_MAX_M || s->n > SGEMA_MAX_N)
    return fail(what, "m, n", SGEMA_EDIM);
  /* mu and nu are the discrete algorithm's: the flow never reads them. */
  if (s->time == SGEMA_TIME_DISCRETE && !(row_valid(&sgema_settings_table[SGEMA_SETTING_MU], s) &&
                                          row_valid(&sgema_settings_table[SGEMA_SETTING_NU], s)))
    return fail(what, "mu, nu", SGEMA_EINVAL);
  if (!row_valid(&sgema_settings_table[SGEMA_SETTING_TIME], s))
    return fail(what, "time", SGEMA_EINVAL);
  sgema_problem p = {0};
  sgema_settings_problem(s, &p);
  p.lambda = 1.0;
  if (s->alg == SGEMA_ALG_EMA && sgema_problem_validate(&p) != SGEMA_OK)
    return fail(what, "momentum", SGEMA_EINVAL);
  if (sgema_sampling_validate(&s->sampling, s->m) != SGEMA_OK)
    return fail(what, "sampling", SGEMA_EINVAL);
  /* The rows' own ranges always (a random design's axes are not read, but they are settings). */
  if (!section_valid(s, "design") || sgema_settings_design_check(s, NULL, NULL, 0) != SGEMA_OK)
    return fail(what, "design", SGEMA_EINVAL);
  if (!section_valid(s, "integration"))
    return fail(what, "integration", SGEMA_EINVAL);
  if (!section_valid(s, "classification"))
    return fail(what, "classification", SGEMA_EINVAL);
  /* A dense spectrum asked for where its matrices would not fit (include/sgema/classify.h). */
  if (sgema_dense_spectrum_check(s->classification.spectrum, s->alg, s->m, s->n, NULL, 0) !=
      SGEMA_OK)
    return fail(what, "spectrum", SGEMA_EINVAL);
  /* k rightmost of a spectrum of at most N eigenvalues. */
  if ((size_t)s->classification.eigenvalues > sgema_problem_dim_for(s->alg, s->m, s->n))
    return fail(what, "eigenvalues", SGEMA_EINVAL);
  if (!row_valid(&sgema_settings_table[SGEMA_SETTING_INVARIANT_WINDOW], s))
    return fail(what, "invariant_window", SGEMA_EINVAL);
  if (!section_valid(s, "census"))
    return fail(what, "census", SGEMA_EINVAL);
  return fail(what, NULL, SGEMA_OK);
}
