/* sgema-plot's figures against m (sweep, ranks): the runs grouped into series, one per algorithm,
 * rule for n and setting, runs of one series and m pooled into a point; their names and legend. */
#ifndef SGEMA_PLOT_SERIES_H
#define SGEMA_PLOT_SERIES_H

#include "partial_ranks.h"
#include "plot.h"

/* A series is an algorithm with a rule for n (n = m + 1, n = 2m, or a fixed n) and every other
 * setting (pool_key). A run with m = 1, n = 2 follows both rules and belongs to both series; runs
 * of the same series and m (replicates, several files) are pooled, and only those: runs that differ
 * in any other setting (conditioned on Delta >= 0, discrete time, another horizon) are series of
 * their own, labelled by what differs. */
enum { RULE_M1, RULE_2M, RULE_FIXED };
#define SERIES_MAX 32
#define SERIES_POINTS 64

typedef struct {
  char alg[16];
  int rule, fixed_n;
  char *key;        /* pool_key of its runs' settings */
  char variant[96]; /* what tells it from the other series of its algorithm ("" when nothing) */
  int npoints;      /* in increasing m */
  int m[SERIES_POINTS], n[SERIES_POINTS];
  long done[SERIES_POINTS], cls[SERIES_POINTS][SGEMA_CLASS_COUNT];
  rank_hist ranks[SERIES_POINTS]; /* the ranks of the partial limits (series_build with_ranks) */
  char *runs[SERIES_POINTS];      /* the pooled runs, "file:run;..." (--data) */
} plot_series;

typedef struct {
  int nseries;
  plot_series s[SERIES_MAX];
  int m_min, m_max;
} plot_series_set;

/* Groups the job's runs (their counts read) into d's series; with with_ranks, also reads and pools
 * the ranks of each run's partial limits. A series of m = 1 alone under the rule n = 2m is dropped
 * (it is the n = m + 1 one). -1 with err when out of memory, a read fails, or there are more than
 * SERIES_MAX series or SERIES_POINTS values of m. */
int series_build(plot_job *job, int with_ranks, plot_series_set *d, char *err, size_t errsize);
void series_free(plot_series_set *d);

/* "SG, n = m + 1", "EMA (discrete), n = 2", ... */
void series_name(const plot_series *s, char *buf, size_t size);
/* Series i's line style (EMA dashed) and point symbol (n = 2m squares), as drawn and in the
 * legend entry *e (text: name). */
int series_style(const plot_series *s);
const char *series_symbol(const plot_series *s);
plot_legend_entry series_legend_entry(const plot_series *s, int i, const char *name);

#endif
