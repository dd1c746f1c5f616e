/* sgema-plot's series against m: runs grouped by algorithm, rule for n and setting, and pooled. */
#define _POSIX_C_SOURCE 200809L
#include "plot_series.h"

#include "run_pool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void series_clear(plot_series *s) {
  free(s->key);
  for (int p = 0; p < s->npoints; p++) {
    free(s->runs[p]);
    rank_hist_free(&s->ranks[p]);
  }
}

void series_free(plot_series_set *d) {
  for (int i = 0; d && i < d->nseries; i++)
    series_clear(&d->s[i]);
}

static plot_series *series_for(plot_series_set *d, const char *alg, int rule, int n,
                               const char *key) {
  for (int i = 0; i < d->nseries; i++)
    if (strcmp(d->s[i].alg, alg) == 0 && d->s[i].rule == rule &&
        (rule != RULE_FIXED || d->s[i].fixed_n == n) && strcmp(d->s[i].key, key) == 0)
      return &d->s[i];
  if (d->nseries == SERIES_MAX)
    return NULL;
  plot_series *s = &d->s[d->nseries];
  if (!(s->key = strdup(key)))
    return NULL;
  d->nseries++;
  snprintf(s->alg, sizeof s->alg, "%s", alg);
  s->rule = rule;
  s->fixed_n = n;
  return s;
}

/* Appends "file:run" to a point's list of pooled runs. */
static int note_run(char **list, const plot_run *pr) {
  const char *name = pr->file->runs[pr->run].name;
  size_t old = *list ? strlen(*list) : 0, add = strlen(pr->file->path) + strlen(name) + 3;
  char *grown = realloc(*list, old + add);
  if (!grown)
    return -1;
  snprintf(grown + old, add, "%s%s:%s", old ? ";" : "", pr->file->path, name);
  *list = grown;
  return 0;
}

/* The index of the point of m = r->m, made (in order of m) when the series has none yet; -1 when
 * full or out of memory. */
static int point_for(plot_series *s, const sum_run *r) {
  int p = 0;
  while (p < s->npoints && s->m[p] != r->m)
    p++;
  if (p < s->npoints)
    return p;
  if (p == SERIES_POINTS)
    return -1;
  for (; p > 0 && s->m[p - 1] > r->m; p--) { /* keep the points ordered by m */
    s->m[p] = s->m[p - 1];
    s->n[p] = s->n[p - 1];
    s->done[p] = s->done[p - 1];
    s->runs[p] = s->runs[p - 1];
    s->ranks[p] = s->ranks[p - 1];
    memcpy(s->cls[p], s->cls[p - 1], sizeof s->cls[p]);
  }
  s->m[p] = r->m;
  s->n[p] = r->n;
  s->done[p] = 0;
  s->runs[p] = NULL;
  memset(s->cls[p], 0, sizeof s->cls[p]);
  s->npoints++;
  return rank_hist_init(&s->ranks[p], r->m) == 0 ? p : -1;
}

static int add_point(plot_series *s, const plot_run *pr, const rank_hist *ranks) {
  const sum_run *r = &pr->file->runs[pr->run];
  int p = point_for(s, r);
  if (p < 0)
    return -1;
  s->done[p] += r->done;
  for (int c = 0; c < SGEMA_CLASS_COUNT; c++)
    s->cls[p][c] += r->cls[c];
  if (ranks)
    rank_hist_add(&s->ranks[p], ranks);
  return note_run(&s->runs[p], pr);
}

/* A series whose every point is at m = 1 (n = 2 follows both rules) would be drawn twice, once
 * per rule: keep the n = m + 1 one. */
static void drop_m1_twins(plot_series_set *d) {
  int kept = 0;
  for (int i = 0; i < d->nseries; i++) {
    plot_series *s = &d->s[i];
    int only_m1 = s->rule == RULE_2M;
    for (int p = 0; p < s->npoints; p++)
      only_m1 &= s->m[p] == 1;
    if (only_m1) {
      series_clear(s);
      continue;
    }
    d->s[kept++] = *s;
  }
  d->nseries = kept;
}

/* Each series' variant: what differs from the other series of its algorithm. */
static void name_variants(plot_series_set *d) {
  const char *keys[SERIES_MAX];
  for (int i = 0; i < d->nseries; i++) {
    size_t n = 0;
    for (int j = 0; j < d->nseries; j++)
      if (strcmp(d->s[j].alg, d->s[i].alg) == 0)
        keys[n++] = d->s[j].key;
    pool_variant(d->s[i].key, keys, n, d->s[i].variant, sizeof d->s[i].variant);
  }
}

/* Run i into its series (two for m = 1, n = 2). */
static int add_run(plot_series_set *d, const plot_run *pr, const rank_hist *ranks, char *err,
                   size_t errsize) {
  const sum_run *r = &pr->file->runs[pr->run];
  const char *alg = r->alg ? r->alg : "?";
  int rules[2], nr = 0;
  if (r->n == r->m + 1)
    rules[nr++] = RULE_M1;
  if (r->n == 2 * r->m)
    rules[nr++] = RULE_2M;
  if (nr == 0)
    rules[nr++] = RULE_FIXED;
  char *key = pool_key(r->settings);
  if (!key)
    return snprintf(err, errsize, "out of memory"), -1;
  int st = 0;
  for (int k = 0; st == 0 && k < nr; k++) {
    plot_series *s = series_for(d, alg, rules[k], r->n, key);
    if (!s || add_point(s, pr, ranks) != 0) {
      snprintf(err, errsize, "too many series or values of m (at most %d and %d)", SERIES_MAX,
               SERIES_POINTS);
      st = -1;
    }
  }
  free(key);
  d->m_min = r->m < d->m_min ? r->m : d->m_min;
  d->m_max = r->m > d->m_max ? r->m : d->m_max;
  return st;
}

int series_build(plot_job *job, int with_ranks, plot_series_set *d, char *err, size_t errsize) {
  d->m_min = 1 << 30;
  for (size_t i = 0; i < job->count; i++) {
    rank_hist ranks = {0};
    int st =
        with_ranks ? rank_hist_read(job->runs[i].file, job->runs[i].run, &ranks, err, errsize) : 0;
    if (st == 0)
      st = add_run(d, &job->runs[i], with_ranks ? &ranks : NULL, err, errsize);
    rank_hist_free(&ranks);
    if (st != 0)
      return -1;
  }
  drop_m1_twins(d);
  name_variants(d);
  return 0;
}

void series_name(const plot_series *s, char *buf, size_t size) {
  const char *alg = strcmp(s->alg, "sg") == 0 ? "SG" : strcmp(s->alg, "ema") == 0 ? "EMA" : s->alg;
  char rule[32];
  int only_m1 = 1;
  for (int p = 0; p < s->npoints; p++)
    only_m1 &= s->m[p] == 1;
  if (only_m1 && s->rule != RULE_FIXED)
    snprintf(rule, sizeof rule, "n = 2");
  else if (s->rule == RULE_M1)
    snprintf(rule, sizeof rule, "n = m + 1");
  else if (s->rule == RULE_2M)
    snprintf(rule, sizeof rule, "n = 2m");
  else
    snprintf(rule, sizeof rule, "n = %d", s->fixed_n);
  if (s->variant[0])
    snprintf(buf, size, "%s (%s), %s", alg, s->variant, rule);
  else
    snprintf(buf, size, "%s, %s", alg, rule);
}

int series_style(const plot_series *s) {
  return strcmp(s->alg, "ema") == 0 ? 2 : 1;
}

const char *series_symbol(const plot_series *s) {
  return s->rule == RULE_2M ? "■" : "●";
}

plot_legend_entry series_legend_entry(const plot_series *s, int i, const char *name) {
  return (plot_legend_entry){
      name, PLOT_SERIES + i % PLOT_SERIES_COUNT, series_style(s), 2.0, series_symbol(s), 0};
}
