/* Every setting of a run of trials: the struct, its defaults and its validation (settings.c). The
 * facts of each setting (name, range, default, help) are one row of src/internal/settings_table.h.
 */
#ifndef SGEMA_SETTINGS_H
#define SGEMA_SETTINGS_H

#include "sgema/census.h"
#include "sgema/classify.h"
#include "sgema/integrate.h"
#include "sgema/problem.h"
#include "sgema/sample.h"

/* The census' own settings (a census run's, docs/CENSUS.md): sgema_settings_census makes the census
 * library's settings of them and the classification's tolerances. */
typedef struct {
  int rank_deficient, rank_deficient_max_m;
  double real_tol, eig_tol, dedup_tol, zero_tol;
  int max_equilibria;            /* a census run stores at most this many equilibria per data set */
  int total_degree;              /* 1: the total-degree homotopy throughout (the cross-check) */
  int parameter_rank_free_max_m; /* the rank-free system by parameter homotopy up to this m */
  int rank_one_system;           /* the rank-1 and corank systems (m = 2..4), not rank-free */
  int rank_one_elimination;      /* ... solved by elimination to one polynomial */
} sgema_census_options;

/* Every setting of a run of trials, with the defaults of sgema_settings_default(). */
typedef struct {
  sgema_alg alg;
  int m, n;
  sgema_time_kind time;
  double mu, nu;           /* discrete algorithm's learning rates */
  sgema_momentum momentum; /* EMA */
  sgema_sampling sampling;
  sgema_integration integration;
  sgema_classification classification;
  double invariant_window;
  sgema_census_options census;
} sgema_settings;

void sgema_settings_default(sgema_settings *s);
/* Validates every part; returns the first error status, and in *what (if not NULL) the name of the
 * offending setting. */
int sgema_settings_validate(const sgema_settings *s, const char **what);

/* The grid design's rules (sgema_design_check) for these settings' alg, m, n and sampling:
 * SGEMA_OK, or SGEMA_EINVAL with the design key at fault in *key and the reason in why (each may be
 * NULL). */
int sgema_settings_design_check(const sgema_settings *s, const char **key, char *why, size_t size);

/* The census library's settings these settings give: the census section and the classification's
 * tolerances. With the defaults, exactly sgema_census_settings_default's (tested). */
void sgema_settings_census(const sgema_settings *s, sgema_census_settings *c);

/* The problem skeleton these settings describe (alg, m, n, momentum, time, mu, nu). */
void sgema_settings_problem(const sgema_settings *s, sgema_problem *p);

/* The defaults and the checks of each part (those of sgema_settings_default and _validate). The
 * sampling's checks (lo <= hi, conditioning only for m = 1) are sgema_sampling_validate's. */
void sgema_sampling_default(sgema_sampling *s);
void sgema_integration_default(sgema_integration *s);
int sgema_integration_validate(const sgema_integration *s);
void sgema_classification_default(sgema_classification *s);
int sgema_classification_validate(const sgema_classification *s);

#endif
