/* sgema-sweep's model: one row of class counts per run, gathered from one or several results files.
 */
#define _POSIX_C_SOURCE 200809L
#include "sweep_rows.h"

#include "run_pool.h"
#include "sgema/problem.h"
#include "summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or(const char *s, const char *fallback) {
  return strdup(s ? s : fallback);
}

/* Copies what the table needs of run i, so that the file can be closed before the next one is
 * opened: a sweep of many SLURM array files never holds more than one open. */
static int add_row(sweep_table *t, const sum_file *f, size_t i) {
  sweep_row *grown = realloc(t->rows, (t->row_count + 1) * sizeof *grown);
  if (!grown)
    return -1;
  t->rows = grown;
  const sum_run *r = &f->runs[i];
  sweep_row *w = &grown[t->row_count];
  memset(w, 0, sizeof *w);
  w->file = t->file_count;
  w->run = strdup(r->name);
  w->alg = dup_or(r->alg, "?");
  w->time = dup_or(r->time, "?");
  w->index = r->index;
  w->trials = r->trials;
  w->m = r->m;
  w->n = r->n;
  w->done = r->done;
  memcpy(w->cls, r->cls, sizeof w->cls);
  w->bad_class = r->bad_class;
  w->settings = dup_or(r->settings, "");
  w->seed = f->seed;
  w->has_seed = f->has_seed;
  w->stream = r->stream;
  t->row_count++;
  return w->run && w->alg && w->time && w->settings ? 0 : -1;
}

int sweep_add_file(sweep_table *t, const char *path, char *err, size_t errsize) {
  sum_file f;
  if (sum_open(&f, path, err, errsize) != 0) {
    sum_close(&f);
    return -1;
  }
  sweep_file *files = realloc(t->files, (t->file_count + 1) * sizeof *files);
  int st = files ? 0 : -1;
  if (files) {
    t->files = files;
    files[t->file_count].path = path;
    files[t->file_count].experiment = dup_or(f.experiment, "?");
    files[t->file_count].complete = f.complete == 1;
  } else {
    snprintf(err, errsize, "out of memory");
  }
  for (size_t i = 0; st == 0 && i < f.run_count; i++) {
    if (f.runs[i].census) /* data sets, not trials: no classes (sgema-summary summarises it) */
      continue;
    st = sum_count_run(&f, i, err, errsize);
    if (st == 0 && add_row(t, &f, i) != 0) {
      snprintf(err, errsize, "out of memory");
      st = -1;
    }
    if (st == 0 && t->ranks)
      st = rank_hist_read(&f, i, &t->rows[t->row_count - 1].ranks, err, errsize);
  }
  if (files)
    t->file_count++;
  sum_close(&f);
  return st;
}

int sweep_name_variants(sweep_table *t) {
  char **keys = calloc(t->row_count + 1, sizeof *keys);
  const char **same_alg = calloc(t->row_count + 1, sizeof *same_alg);
  int st = keys && same_alg ? 0 : -1;
  for (size_t i = 0; st == 0 && i < t->row_count; i++)
    if (!(keys[i] = pool_key(t->rows[i].settings)))
      st = -1;
  for (size_t i = 0; st == 0 && i < t->row_count; i++) {
    size_t n = 0;
    for (size_t j = 0; j < t->row_count; j++)
      if (strcmp(t->rows[j].alg, t->rows[i].alg) == 0)
        same_alg[n++] = keys[j];
    char buf[256];
    free(t->rows[i].variant);
    if (!(t->rows[i].variant = strdup(pool_variant(keys[i], same_alg, n, buf, sizeof buf))))
      st = -1;
  }
  for (size_t i = 0; keys && i < t->row_count; i++)
    free(keys[i]);
  free(keys);
  free(same_alg);
  return st;
}

int sweep_same_trials(const sweep_table *t, char *err, size_t errsize) {
  for (size_t i = 0; i < t->row_count; i++)
    for (size_t j = i + 1; j < t->row_count; j++) {
      const sweep_row *a = &t->rows[i], *b = &t->rows[j];
      if (a->has_seed && b->has_seed && a->seed == b->seed && a->stream == b->stream &&
          a->settings[0] && strcmp(a->settings, b->settings) == 0) {
        snprintf(err, errsize,
                 "run %s of %s and run %s of %s hold the same trials (same settings, seed %llu "
                 "and stream %u): give each run once",
                 a->run, t->files[a->file].path, b->run, t->files[b->file].path,
                 (unsigned long long)a->seed, a->stream);
        return -1;
      }
    }
  return 0;
}

/* The algorithms in the library's order (sg, ema, gd), unknown names after them. */
static int alg_rank(const char *alg) {
  int a = sgema_alg_parse(alg);
  return a < 0 ? 1000 : a;
}

static int by_sweep_order(const void *pa, const void *pb) {
  const sweep_row *a = pa, *b = pb;
  int ra = alg_rank(a->alg), rb = alg_rank(b->alg), c;
  if (ra != rb)
    return ra < rb ? -1 : 1;
  if ((c = strcmp(a->alg, b->alg)) != 0)
    return c;
  if (a->m != b->m)
    return a->m < b->m ? -1 : 1;
  if (a->n != b->n)
    return a->n < b->n ? -1 : 1;
  if (a->file != b->file)
    return a->file < b->file ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}

void sweep_sort(sweep_table *t) {
  if (t->row_count > 1)
    qsort(t->rows, t->row_count, sizeof *t->rows, by_sweep_order);
}

int sweep_row_incomplete(const sweep_row *r) {
  return r->done < (long)r->trials;
}

void sweep_free(sweep_table *t) {
  for (size_t i = 0; i < t->row_count; i++) {
    free(t->rows[i].run);
    free(t->rows[i].alg);
    free(t->rows[i].time);
    free(t->rows[i].settings);
    free(t->rows[i].variant);
    rank_hist_free(&t->rows[i].ranks);
  }
  for (size_t i = 0; i < t->file_count; i++)
    free(t->files[i].experiment);
  free(t->rows);
  free(t->files);
  memset(t, 0, sizeof *t);
}
