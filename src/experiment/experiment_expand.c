/* An experiment file's runs: the layers (experiment_read.c) combined, the checks that need a
 * whole run, the sweeps expanded into runs and named, and the document read from its root. */
#define _POSIX_C_SOURCE 200809L

#include "experiment_read.h"

#include "sgema/status.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- run names: templates ---- */

/* The template with its placeholders replaced; -1 when the result is too long. */
static int expand_template(const char *t, const char *alg, int m, int n, char *out, size_t size) {
  size_t used = 0;
  for (const char *p = t; *p && used < size; p++) {
    if (*p == '{') {
      const char *close = strchr(p, '}');
      if (p[1] == 'a')
        used += (size_t)snprintf(out + used, size - used, "%s", alg);
      else
        used += (size_t)snprintf(out + used, size - used, "%d", p[1] == 'm' ? m : n);
      p = close;
    } else {
      out[used++] = *p;
    }
  }
  if (used >= size)
    return -1;
  out[used] = '\0';
  return (int)used;
}

/* ---- expansion ---- */

/* One expanded run while the file is being read. */
typedef struct {
  sgema_run_spec spec;
  yaml_node_t *name_node; /* the run's name, or its mapping when it has none */
} point;

typedef struct {
  point *items;
  size_t count, cap;
  int oom;
} point_list;

static point *point_add(point_list *pl) {
  if (pl->count == pl->cap) {
    size_t cap = pl->cap ? 2 * pl->cap : 32;
    point *p = realloc(pl->items, cap * sizeof *p);
    if (!p) {
      pl->oom = 1;
      return NULL;
    }
    pl->items = p;
    pl->cap = cap;
  }
  point *p = &pl->items[pl->count++];
  memset(p, 0, sizeof *p);
  return p;
}

/* Copies the settings a layer gave (and that parsed) onto spec. */
static void apply_layer(const layer *L, sgema_run_spec *spec) {
  const char *from = (const char *)&L->v;
  char *to = (char *)spec;
  for (size_t i = 0; i < exp_setting_count; i++) {
    if (!L->src[i] || L->bad[i])
      continue;
    const sgema_setting *s = &exp_settings[i];
    memcpy(to + s->offset, from + s->offset, s->size);
    if (s->type == SGEMA_SETTING_TYPE_RANGE)
      memcpy(to + s->offset_hi, from + s->offset_hi, s->size);
  }
}

/* Where setting i of a run comes from: the run's node, else the defaults' node, else NULL (the
 * library default). *from gets the layer. */
static yaml_node_t *source_of(const layer *run, const layer *defs, size_t i, const layer **from) {
  *from = run->src[i] ? run : defs && defs->src[i] ? defs : NULL;
  return *from ? (*from)->src[i] : NULL;
}

static int setting_ok(const layer *run, const layer *defs, size_t i) {
  const layer *from;
  return !source_of(run, defs, i, &from) || !from->bad[i];
}

static void setting_key(char *buf, size_t size, const layer *from, size_t i) {
  const sgema_setting *s = &exp_settings[i];
  if (s->section)
    exp_keyf(buf, size, "%s.%s.%s", from->where, s->section, s->key);
  else
    exp_keyf(buf, size, "%s.%s", from->where, s->key);
}

/* " (for runs[2])" when a value from the defaults is wrong for one run. */
static const char *for_run(const layer *from, const layer *run, char *buf, size_t size) {
  if (from == run)
    return "";
  snprintf(buf, size, " (for %s)", run->where);
  return buf;
}

typedef struct {
  const layer *run, *defs;
  const axis *axes[3];
  int is_sweep;
  int m_ok, n_ok; /* m, and n with m, parsed: the checks that need them can run */
} entry_view;

/* The axis a run uses: its own, else the defaults', else the library default's single value. */
static const axis *axis_of(const layer *run, const layer *defs, int k, axis *fallback, int value) {
  if (run->axes[k].node)
    return &run->axes[k];
  if (defs && defs->axes[k].node)
    return &defs->axes[k];
  memset(fallback, 0, sizeof *fallback);
  fallback->count = 1;
  fallback->add[0] = value;
  return fallback;
}

/* The checks that need the whole point (alg, m, n together with the other settings); each is
 * reported for the first point of the entry that fails it. */
typedef struct {
  int n_range, condition, sphere, memory, eigenvalues, dense, census, design;
} reported;

/* The node and key of a record setting, for a problem of the record as a whole: the first of
 * names that the run or the defaults give, else the run. */
static yaml_node_t *record_place(const entry_view *ev, const char *const *names, char *key,
                                 size_t size, const layer **owner) {
  const layer *from;
  for (int k = 0; names[k]; k++) {
    size_t i = exp_setting_index("record", names[k]);
    yaml_node_t *n = source_of(ev->run, ev->defs, i, &from);
    if (n) {
      setting_key(key, size, from, i);
      *owner = from;
      return n;
    }
  }
  exp_keyf(key, size, "%s.record", ev->run->where);
  *owner = ev->run;
  return ev->run->map;
}

/* What recording needs for one point: one trajectory's times, states, Ebar and Fbar in memory
 * (points x (state + 3) doubles), and all of the run's trajectories in the results file. Checked
 * here so that a run never fails for want of memory after its file has been made. */
static void check_record_memory(exp_reader *r, const entry_view *ev, const sgema_run_spec *spec,
                                reported *rep, int *ok) {
  const sgema_record_spec *rec = &spec->record;
  if (rec->trajectories == 0)
    return;
  size_t N = sgema_problem_dim_for(spec->settings.alg, spec->settings.m, spec->settings.n);
  double one = (double)rec->points * (double)(N + 3) * sizeof(double);
  double all = one * (double)rec->trajectories;
  if (one <= EXP_TRAJECTORY_BYTES_MAX && all <= EXP_RUN_RECORD_BYTES_MAX)
    return;
  *ok = 0;
  if (rep->memory++)
    return;
  static const char *const points_first[] = {"points", "trajectories", NULL};
  static const char *const trajectories_first[] = {"trajectories", "points", NULL};
  char key[EXP_KEY_MAX], note[64];
  const layer *owner;
  int per_trajectory = one > EXP_TRAJECTORY_BYTES_MAX;
  yaml_node_t *n =
      record_place(ev, per_trajectory ? points_first : trajectories_first, key, sizeof key, &owner);
  if (per_trajectory)
    exp_report(r, n, key,
               "recording %u points of %s m = %d n = %d (%zu values a state) needs %.0f MiB a "
               "trajectory: at most %.0f MiB are allowed, so at most %.0f points%s",
               (unsigned)rec->points, sgema_alg_name(spec->settings.alg), spec->settings.m,
               spec->settings.n, N, one / 1048576.0, EXP_TRAJECTORY_BYTES_MAX / 1048576.0,
               floor(EXP_TRAJECTORY_BYTES_MAX / ((double)(N + 3) * sizeof(double))),
               for_run(owner, ev->run, note, sizeof note));
  else
    exp_report(
        r, n, key,
        "%u trajectories of %u points of %s m = %d n = %d need %.0f MiB in the results file: "
        "at most %.0f MiB a run are allowed%s",
        (unsigned)rec->trajectories, (unsigned)rec->points, sgema_alg_name(spec->settings.alg),
        spec->settings.m, spec->settings.n, all / 1048576.0, EXP_RUN_RECORD_BYTES_MAX / 1048576.0,
        for_run(owner, ev->run, note, sizeof note));
}

/* classification.eigenvalues: at most the state length N of the point's alg, m and n. */
static void check_eigenvalues(exp_reader *r, const entry_view *ev, const sgema_run_spec *spec,
                              reported *rep, int *ok) {
  const sgema_settings *s = &spec->settings;
  size_t ei = exp_setting_index("classification", "eigenvalues"),
         N = sgema_problem_dim_for(s->alg, s->m, s->n);
  const layer *from;
  yaml_node_t *node = source_of(ev->run, ev->defs, ei, &from);
  if ((size_t)s->classification.eigenvalues <= N || !setting_ok(ev->run, ev->defs, ei))
    return;
  *ok = 0;
  if (rep->eigenvalues++)
    return;
  char key[EXP_KEY_MAX], note[64];
  setting_key(key, sizeof key, from ? from : ev->run, ei);
  exp_report(r, node ? node : ev->run->map, key,
             "%d is more than the state length N = %zu of %s m = %d n = %d (the spectrum has N "
             "eigenvalues)%s",
             s->classification.eigenvalues, N, sgema_alg_name(s->alg), s->m, s->n,
             for_run(from ? from : ev->run, ev->run, note, sizeof note));
}

/* classification.spectrum: dense or lapack only while their matrices fit the bound of
 * include/sgema/classify.h (issue 10: at m = 64 forced dense asked for 25.8 GB a process). */
static void check_dense_memory(exp_reader *r, const entry_view *ev, const sgema_run_spec *spec,
                               reported *rep, int *ok) {
  const sgema_settings *s = &spec->settings;
  size_t si = exp_setting_index("classification", "spectrum");
  char why[256];
  if (sgema_dense_spectrum_check(s->classification.spectrum, s->alg, s->m, s->n, why, sizeof why) ==
          SGEMA_OK ||
      !setting_ok(ev->run, ev->defs, si))
    return;
  *ok = 0;
  if (rep->dense++)
    return;
  const layer *from;
  yaml_node_t *node = source_of(ev->run, ev->defs, si, &from);
  char key[EXP_KEY_MAX], note[64];
  setting_key(key, sizeof key, from ? from : ev->run, si);
  exp_report(r, node ? node : ev->run->map, key, "%s%s", why,
             for_run(from ? from : ev->run, ev->run, note, sizeof note));
}

/* A census run's point: what the census library computes (include/sgema/census.h): SG, or EMA
 * with a constant momentum alpha < 1, the flow, m <= SGEMA_CENSUS_M_MAX. Reported at the key that
 * breaks it (momentum) or else at `kind`. */
static void check_census(exp_reader *r, const entry_view *ev, const sgema_run_spec *spec,
                         reported *rep, int *ok) {
  const sgema_settings *s = &spec->settings;
  size_t ki = exp_setting_index(NULL, "kind"), mo = exp_setting_index(NULL, "momentum");
  if (spec->kind != SGEMA_RUN_CENSUS || !setting_ok(ev->run, ev->defs, ki))
    return;
  char why[160];
  size_t at = ki;
  if (s->alg == SGEMA_ALG_GD)
    snprintf(why, sizeof why, "needs alg sg or ema (the census library refuses gd), but alg is gd");
  else if (s->time != SGEMA_TIME_FLOW)
    snprintf(why, sizeof why, "needs time: flow (the census is of the flow's equilibria)");
  else if (s->m > SGEMA_CENSUS_M_MAX)
    snprintf(why, sizeof why, "needs m <= %d (the homotopy's 2^(m(m+1)/2) paths), but m = %d",
             SGEMA_CENSUS_M_MAX, s->m);
  else if (s->alg == SGEMA_ALG_EMA &&
           (s->momentum.kind != SGEMA_MOMENTUM_CONSTANT || !(s->momentum.a0 < 1.0))) {
    const layer *given;
    if (!setting_ok(ev->run, ev->defs, mo))
      return;
    at = source_of(ev->run, ev->defs, mo, &given) ? mo : ki;
    snprintf(why, sizeof why,
             "%swith ema needs a constant momentum alpha < 1 (the census library refuses a "
             "moving or unit momentum), but it is %s",
             at == mo ? "kind: census " : "",
             s->momentum.kind != SGEMA_MOMENTUM_CONSTANT ? "linear" : "constant alpha = 1");
    if (at == ki)
      strncat(why, " (the default)", sizeof why - strlen(why) - 1);
  } else {
    return;
  }
  *ok = 0;
  if (rep->census++)
    return;
  const layer *from;
  yaml_node_t *node = source_of(ev->run, ev->defs, at, &from);
  char key[EXP_KEY_MAX], note[64];
  if (from || at == ki)
    setting_key(key, sizeof key, from ? from : ev->run, at);
  else
    exp_keyf(key, sizeof key, "%s.kind", ev->run->where);
  exp_report(r, node ? node : ev->run->map, key, "%s%s%s", at == ki ? "census " : "", why,
             for_run(from ? from : ev->run, ev->run, note, sizeof note));
}

/* Every design key of a run parsed (or was not given). */
static int design_keys_ok(const entry_view *ev) {
  for (size_t i = 0; i < exp_setting_count; i++)
    if (exp_settings[i].section && strcmp(exp_settings[i].section, "design") == 0 &&
        !setting_ok(ev->run, ev->defs, i))
      return 0;
  return 1;
}

/* A grid design's rules for the point (sgema_settings_design_check, which names the key at fault),
 * and census runs: a phase grid is free for them (trial k's data is the sampler's), a basins grid
 * moves initial states, which a census does not integrate. */
static void check_design(exp_reader *r, const entry_view *ev, const sgema_run_spec *spec,
                         reported *rep, int *ok) {
  const sgema_settings *s = &spec->settings;
  size_t ki = exp_setting_index("design", "kind"),
         cd = exp_setting_index("sampling", "condition_delta"),
         ti = exp_setting_index("sampling", "target");
  if (s->sampling.design.kind == SGEMA_DESIGN_RANDOM || !design_keys_ok(ev) ||
      !setting_ok(ev->run, ev->defs, cd) || !setting_ok(ev->run, ev->defs, ti))
    return;
  const char *dk = "kind";
  char why[240];
  if (spec->kind == SGEMA_RUN_CENSUS && s->sampling.design.kind == SGEMA_DESIGN_BASINS)
    snprintf(why, sizeof why,
             "basins designs move initial states, which a census run does not integrate (phase "
             "designs are allowed)");
  else if (sgema_settings_design_check(s, &dk, why, sizeof why) == SGEMA_OK)
    return;
  *ok = 0;
  if (rep->design++)
    return;
  const layer *from;
  size_t at = strcmp(dk, "condition_delta") == 0 ? cd : exp_setting_index("design", dk);
  yaml_node_t *node = source_of(ev->run, ev->defs, at, &from);
  if (!node)
    node = source_of(ev->run, ev->defs, at = ki, &from);
  char key[EXP_KEY_MAX], note[64];
  setting_key(key, sizeof key, from ? from : ev->run, at);
  exp_report(r, node ? node : ev->run->map, key, "%s%s", why,
             for_run(from ? from : ev->run, ev->run, note, sizeof note));
}

static void check_point(exp_reader *r, const entry_view *ev, const sgema_run_spec *spec, int mi,
                        int ni, reported *rep, int *ok) {
  const layer *run = ev->run, *from;
  int m = spec->settings.m, n = spec->settings.n;
  char key[EXP_KEY_MAX], note[64];
  const axis *an = ev->axes[AXIS_N], *am = ev->axes[AXIS_M];
  if (ev->n_ok && (n <= m || n > SGEMA_MAX_N) && !rep->n_range++) {
    /* At n's value when the file gives n, else at m's, else at the run. */
    const layer *owner = run;
    yaml_node_t *node = run->map;
    const char *what = "n";
    int item = -1;
    if (an->node) {
      owner = an == &run->axes[AXIS_N] ? run : ev->defs;
      node = an->item[ni];
      item = an->is_list ? ni : -1;
    } else if (am->node) {
      owner = am == &run->axes[AXIS_M] ? run : ev->defs;
      node = am->item[mi];
      what = "m";
      item = am->is_list ? mi : -1;
    }
    if (item >= 0)
      exp_keyf(key, sizeof key, "%s.%s[%d]", owner->where, what, item);
    else
      exp_keyf(key, sizeof key, "%s.%s", owner->where, what);
    char nval[80];
    if (an->node && an->mult[ni])
      snprintf(nval, sizeof nval, "n = %s = %d for m = %d", exp_text_of(an->item[ni]), n, m);
    else
      snprintf(nval, sizeof nval, "n = %d%s", n, an->node ? "" : " (the default)");
    if (n > SGEMA_MAX_N)
      exp_report(r, node, key, "%s is not allowed: must be at most %d%s", nval, SGEMA_MAX_N,
                 for_run(owner, run, note, sizeof note));
    else
      exp_report(r, node, key, "%s is not allowed: must be greater than m = %d%s", nval, m,
                 for_run(owner, run, note, sizeof note));
  }
  if (n <= m || n > SGEMA_MAX_N)
    *ok = 0;
  if (!ev->m_ok)
    return;
  size_t cd = exp_setting_index("sampling", "condition_delta");
  yaml_node_t *cdn = source_of(run, ev->defs, cd, &from);
  if (spec->settings.sampling.condition_delta && m != 1 && setting_ok(run, ev->defs, cd)) {
    *ok = 0;
    if (!rep->condition++) {
      setting_key(key, sizeof key, from ? from : run, cd);
      exp_report(r, cdn ? cdn : run->map, key,
                 "true needs m = 1 (Delta >= 0 is the m = 1 existence condition), but m = %d%s", m,
                 for_run(from ? from : run, run, note, sizeof note));
    }
  }
  check_eigenvalues(r, ev, spec, rep, ok);
  check_dense_memory(r, ev, spec, rep, ok);
  check_census(r, ev, spec, rep, ok);
  check_design(r, ev, spec, rep, ok);
  const layer *refs = run->refs_node ? run : ev->defs && ev->defs->refs_node ? ev->defs : NULL;
  for (int k = 0; refs && k < refs->ref_count && m != 1; k++)
    if (refs->refs[k].ref.has_sphere) {
      *ok = 0;
      if (!rep->sphere++) {
        exp_keyf(key, sizeof key, "%s.sphere", refs->refs[k].key);
        exp_report(r, refs->refs[k].sphere_node, key, "spheres exist only for m = 1, but m = %d%s",
                   m, for_run(refs, run, note, sizeof note));
      }
    }
  if (ev->n_ok && n > m && n <= SGEMA_MAX_N)
    check_record_memory(r, ev, spec, rep, ok);
}

/* The recording times t_last i / (points - 1), i = 0 .. points - 1 (sgema_trajectory_alloc_uniform)
 * must be finite and strictly increasing: t_last (points - 1) must not overflow, and the spacing
 * must be a normal double. */
static int check_record_times(exp_reader *r, const entry_view *ev, const sgema_run_spec *base) {
  size_t ti = exp_setting_index("record", "t_last"), pi = exp_setting_index("record", "points");
  if (!setting_ok(ev->run, ev->defs, ti) || !setting_ok(ev->run, ev->defs, pi))
    return 0;
  double t = base->record.t_last, gaps = base->record.points > 1 ? base->record.points - 1.0 : 1.0;
  if (isfinite(t * gaps) && t / gaps >= DBL_MIN)
    return 0;
  static const char *const t_first[] = {"t_last", "points", NULL};
  char key[EXP_KEY_MAX], note[64];
  const layer *owner;
  yaml_node_t *n = record_place(ev, t_first, key, sizeof key, &owner);
  if (!isfinite(t * gaps))
    exp_report(
        r, n, key,
        "t_last = %.15g with %u points: the recording times t_last i / %.0f overflow a double "
        "(t_last must be at most %.6g for %u points)%s",
        t, (unsigned)base->record.points, gaps, DBL_MAX / gaps / (1.0 + 1e-15),
        (unsigned)base->record.points, for_run(owner, ev->run, note, sizeof note));
  else
    exp_report(
        r, n, key,
        "t_last = %.15g with %u points: the recording times are closer than the smallest normal "
        "double (t_last must be at least %.6g for %u points)%s",
        t, (unsigned)base->record.points, DBL_MIN * gaps, (unsigned)base->record.points,
        for_run(owner, ev->run, note, sizeof note));
  return -1;
}

/* The design keys of a run: a random design reads only kind, so another key given is a mistake (a
 * typo guard); a grid has x_cells * y_cells * per_cell trials, which `trials` may omit (they are
 * put in base) and otherwise must equal. 1: the trials were derived; -1: a problem reported. */
static int check_design_entry(exp_reader *r, const entry_view *ev, sgema_run_spec *base) {
  const layer *run = ev->run, *from;
  char key[EXP_KEY_MAX], note[64];
  size_t ki = exp_setting_index("design", "kind"), ti = exp_setting_index(NULL, "trials");
  if (!design_keys_ok(ev))
    return -1;
  const sgema_design *d = &base->settings.sampling.design;
  if (d->kind == SGEMA_DESIGN_RANDOM) {
    int bad = 0;
    for (size_t i = 0; i < exp_setting_count; i++) {
      yaml_node_t *n = source_of(run, ev->defs, i, &from);
      if (i == ki || !n || !exp_settings[i].section ||
          strcmp(exp_settings[i].section, "design") != 0)
        continue;
      setting_key(key, sizeof key, from, i);
      exp_report(r, n, key, "only for a grid design (kind: phase or basins), but kind is random%s",
                 for_run(from, run, note, sizeof note));
      bad = 1;
    }
    return bad ? -1 : 0;
  }
  uint64_t cells = (uint64_t)d->x.cells * (uint64_t)d->y.cells;
  if (d->per_cell < 1 || cells > SGEMA_DESIGN_TRIALS_MAX / (uint64_t)d->per_cell)
    return 1; /* no count to derive: the point's design check says why */
  uint32_t count = (uint32_t)(cells * (uint64_t)d->per_cell);
  yaml_node_t *tn = source_of(run, ev->defs, ti, &from);
  if (!tn) {
    base->trials = count;
    return 1;
  }
  if (!setting_ok(run, ev->defs, ti) || base->trials == count)
    return 0;
  setting_key(key, sizeof key, from, ti);
  exp_report(r, tn, key,
             "%u is not the grid's %u trials (x_cells %d * y_cells %d * per_cell %d): give %u or "
             "omit trials%s",
             (unsigned)base->trials, (unsigned)count, d->x.cells, d->y.cells, d->per_cell,
             (unsigned)count, for_run(from, run, note, sizeof note));
  return -1;
}

/* The checks that do not depend on the point: trials given (or a grid's), trajectories within
 * trials, the recording times. */
static int check_entry(exp_reader *r, const entry_view *ev, sgema_run_spec *base) {
  const layer *run = ev->run, *from;
  char key[EXP_KEY_MAX], note[64];
  size_t ti = exp_setting_index(NULL, "trials"), ri = exp_setting_index("record", "trajectories");
  int design = check_design_entry(r, ev, base);
  if (design < 0)
    return -1;
  if (!design && !source_of(run, ev->defs, ti, &from)) {
    exp_keyf(key, sizeof key, "%s.trials", run->where);
    exp_report(r, run->map, key, "missing (required: give it in the run or in defaults)");
    return -1;
  }
  yaml_node_t *node = source_of(run, ev->defs, ri, &from);
  if (node && setting_ok(run, ev->defs, ti) && setting_ok(run, ev->defs, ri) &&
      base->record.trajectories > base->trials) {
    setting_key(key, sizeof key, from, ri);
    exp_report(r, node, key, "%u is more than the run's %u trials%s",
               (unsigned)base->record.trajectories, (unsigned)base->trials,
               for_run(from, run, note, sizeof note));
    return -1;
  }
  return check_record_times(r, ev, base);
}

/* ---- run names ---- */

/* The name a point gets from its run's name: the template expanded, or for a sweep without
 * placeholders the name followed by -ALG, -mM, -nN for each key given as a list. Returns -1 when
 * the name does not fit in size bytes. */
static int point_name(const entry_view *ev, const sgema_run_spec *spec, char *out, size_t size) {
  const layer *run = ev->run;
  const char *alg = sgema_alg_name(spec->settings.alg);
  int m = spec->settings.m, n = spec->settings.n;
  if (run->name_template)
    return expand_template(run->name_text, alg, m, n, out, size);
  char alg_part[16] = "", m_part[16] = "", n_part[16] = "";
  if (ev->is_sweep && ev->axes[AXIS_ALG]->is_list)
    snprintf(alg_part, sizeof alg_part, "-%s", alg);
  if (ev->is_sweep && ev->axes[AXIS_M]->is_list)
    snprintf(m_part, sizeof m_part, "-m%d", m);
  if (ev->is_sweep && ev->axes[AXIS_N]->is_list)
    snprintf(n_part, sizeof n_part, "-n%d", n);
  int used = snprintf(out, size, "%s%s%s%s", run->name_text, alg_part, m_part, n_part);
  return used < 0 || (size_t)used >= size ? -1 : used;
}

static int same_point(const sgema_run_spec *a, const sgema_run_spec *b) {
  return a->settings.alg == b->settings.alg && a->settings.m == b->settings.m &&
         a->settings.n == b->settings.n;
}

/* Names the points [first, count) of one run. Within a sweep, points with the same (alg, m, n)
 * (two n expressions that agree, as m+1 and 2m at m = 1) are replicates: the second gets -rep2,
 * the third -rep3. Two different points with one name are an error. */
static void name_points(exp_reader *r, const entry_view *ev, point_list *pl, size_t first) {
  const layer *run = ev->run;
  size_t count = pl->count - first;
  if (!run->name || run->name_bad || count == 0)
    return;
  char(*names)[EXP_NAME_MAX + 1] = malloc(count * sizeof *names);
  if (!names) {
    pl->oom = 1;
    return;
  }
  char key[EXP_KEY_MAX];
  exp_keyf(key, sizeof key, "%s.name", run->where);
  int reported_long = 0, reported_clash = 0;
  for (size_t j = 0; j < count; j++) {
    point *p = &pl->items[first + j];
    if (point_name(ev, &p->spec, names[j], sizeof names[j]) < 0) {
      if (!reported_long++)
        exp_report(r, run->name, key, "the expanded name is longer than %d characters",
                   EXP_NAME_MAX);
      names[j][0] = '\0';
      continue;
    }
    int reps = 0;
    for (size_t k = 0; k < j; k++) {
      if (!names[k][0] || strcmp(names[k], names[j]) != 0)
        continue;
      if (same_point(&pl->items[first + k].spec, &p->spec))
        reps++;
      else if (!reported_clash++)
        exp_report(r, run->name, key,
                   "'%s' names two different runs of the sweep (%s m = %d n = %d and %s m = %d n = "
                   "%d): use the placeholders {alg}, {m}, {n} to tell them apart",
                   names[j], sgema_alg_name(pl->items[first + k].spec.settings.alg),
                   pl->items[first + k].spec.settings.m, pl->items[first + k].spec.settings.n,
                   sgema_alg_name(p->spec.settings.alg), p->spec.settings.m, p->spec.settings.n);
    }
    char full[EXP_NAME_MAX + 1];
    int len = reps ? snprintf(full, sizeof full, "%s-rep%d", names[j], reps + 1)
                   : snprintf(full, sizeof full, "%s", names[j]);
    if (len < 0 || (size_t)len >= sizeof full) {
      if (!reported_long++)
        exp_report(r, run->name, key, "the expanded name is longer than %d characters",
                   EXP_NAME_MAX);
      continue;
    }
    p->spec.name = strdup(full);
    if (!p->spec.name)
      pl->oom = 1;
  }
  free(names);
}

typedef struct {
  const char *name;
  size_t point;
} name_ref;

static int name_ref_order(const void *a, const void *b) {
  const name_ref *x = a, *y = b;
  int c = strcmp(x->name, y->name);
  return c ? c : (x->point > y->point) - (x->point < y->point);
}

/* Names must be unique over the whole experiment; each pair of runs that share a name is
 * reported once, at the later one's name. */
static void check_unique_names(exp_reader *r, const point_list *pl) {
  name_ref *refs = malloc((pl->count + 1) * sizeof *refs);
  size_t *pairs = malloc((pl->count + 1) * 2 * sizeof *pairs);
  size_t count = 0, npairs = 0;
  if (!refs || !pairs) {
    free(refs);
    free(pairs);
    return;
  }
  for (size_t i = 0; i < pl->count; i++)
    if (pl->items[i].spec.name)
      refs[count++] = (name_ref){pl->items[i].spec.name, i};
  qsort(refs, count, sizeof *refs, name_ref_order);
  for (size_t i = 1; i < count; i++) {
    size_t g = i;
    while (g > 0 && strcmp(refs[g - 1].name, refs[i].name) == 0)
      g--;
    if (g == i)
      continue;
    const point *later = &pl->items[refs[i].point], *first = &pl->items[refs[g].point];
    /* Within one run name_points has said it already. */
    int seen = later->spec.entry == first->spec.entry;
    for (size_t k = 0; k < npairs && !seen; k++)
      seen = pairs[2 * k] == later->spec.entry && pairs[2 * k + 1] == first->spec.entry;
    if (seen)
      continue;
    pairs[2 * npairs] = later->spec.entry;
    pairs[2 * npairs++ + 1] = first->spec.entry;
    char key[EXP_KEY_MAX];
    exp_keyf(key, sizeof key, "runs[%zu].name", later->spec.entry);
    exp_report(r, later->name_node, key,
               "duplicate run name '%s' (runs[%zu] at line %zu has it too)", later->spec.name,
               first->spec.entry, first->name_node->start_mark.line + 1);
  }
  free(refs);
  free(pairs);
}

/* ---- expanding the runs ---- */

typedef struct {
  const layer *defs;
  point_list points;
  uint32_t next_index;
  int indices_known; /* 0 once a run could not be expanded: later positions are unknown */
  int too_many;      /* EXP_RUNS_MAX was passed (reported): no more runs are expanded */
} expansion;

/* The runs an entry expands into, checked before they are made: the sweep of one entry is at most
 * AXIS_MAX^3, and a file of many entries can hold any number of them. Returns 0 when they fit. */
static int check_run_count(exp_reader *r, expansion *x, const layer *run, const entry_view *ev) {
  size_t count = (size_t)ev->axes[AXIS_ALG]->count * (size_t)ev->axes[AXIS_M]->count *
                 (size_t)ev->axes[AXIS_N]->count;
  if (!x->too_many && x->points.count + count <= EXP_RUNS_MAX)
    return 0;
  if (!x->too_many)
    exp_report(
        r, run->map, run->where,
        "the experiment expands to more than %d runs (%zu before this entry, which adds %zu): "
        "split it into several experiments",
        EXP_RUNS_MAX, x->points.count, count);
  x->too_many = 1;
  x->indices_known = 0;
  return -1;
}

static const char *copy_text(point_list *pl, const char *s) {
  char *c = strdup(s);
  if (!c)
    pl->oom = 1;
  return c;
}

static void fill_references(point_list *pl, const entry_view *ev, sgema_run_spec *spec) {
  const layer *refs = ev->run->refs_node                ? ev->run
                      : ev->defs && ev->defs->refs_node ? ev->defs
                                                        : NULL;
  if (!refs || refs->ref_count == 0)
    return;
  sgema_reference *out = calloc((size_t)refs->ref_count, sizeof *out);
  if (!out) {
    pl->oom = 1;
    return;
  }
  for (int k = 0; k < refs->ref_count; k++) {
    out[k] = refs->refs[k].ref;
    out[k].source = copy_text(pl, refs->refs[k].ref.source);
  }
  spec->references = out;
  spec->reference_count = (size_t)refs->ref_count;
}

static void expand_run(exp_reader *r, expansion *x, const layer *run, size_t entry) {
  if (!run->is_map) {
    x->indices_known = 0;
    return;
  }
  sgema_settings d;
  sgema_settings_default(&d);
  const layer *defs = x->defs;
  axis fallback[3], stand_in[3];
  entry_view ev = {run, defs, {NULL, NULL, NULL}, 0, 1, 1};
  const int dflt[3] = {(int)d.alg, d.m, d.n};
  int axes_ok = 1, bad[3] = {0, 0, 0};
  for (int k = 0; k < 3; k++) {
    ev.axes[k] = axis_of(run, defs, k, &fallback[k], dflt[k]);
    ev.is_sweep |= ev.axes[k]->is_list;
    if (ev.axes[k]->bad) {
      /* The other checks still run, on the library default in place of the bad values. */
      axes_ok = 0;
      bad[k] = 1;
      memset(&stand_in[k], 0, sizeof stand_in[k]);
      stand_in[k].count = 1;
      stand_in[k].add[0] = dflt[k];
      ev.axes[k] = &stand_in[k];
    }
  }
  ev.m_ok = !bad[AXIS_M];
  ev.n_ok = !bad[AXIS_M] && !bad[AXIS_N];

  sgema_run_spec base;
  memset(&base, 0, sizeof base);
  sgema_settings_default(&base.settings);
  sgema_record_spec_default(&base.record);
  if (defs)
    apply_layer(defs, &base);
  apply_layer(run, &base);
  /* The kernel's own validation is a backstop for what the checks above might miss; on a run that
   * already has a problem it would only repeat it. */
  int clean = run->problems == 0 && (!defs || defs->problems == 0);
  if (check_entry(r, &ev, &base) != 0)
    clean = 0;

  char key[EXP_KEY_MAX];
  exp_keyf(key, sizeof key, "%s.index", run->where);
  if (run->index && !run->index_bad && ev.is_sweep)
    exp_report(r, run->index, key, "not allowed on a sweep (its runs take consecutive indices)");
  else if (run->index && !run->index_bad && x->indices_known && axes_ok &&
           run->index_value != (long long)x->next_index)
    exp_report(r, run->index, key,
               "%lld does not match the run's position %u (runs are numbered from 0 in file order, "
               "sweeps expanded)",
               run->index_value, (unsigned)x->next_index);

  if (check_run_count(r, x, run, &ev) != 0)
    return;
  size_t first = x->points.count, stream_i = exp_setting_index(NULL, "stream");
  const layer *from;
  int has_stream = source_of(run, defs, stream_i, &from) != NULL;
  reported rep = {0, 0, 0, 0, 0, 0, 0, 0};
  const axis *aa = ev.axes[AXIS_ALG], *am = ev.axes[AXIS_M], *an = ev.axes[AXIS_N];
  for (int ai = 0; ai < aa->count; ai++)
    for (int mi = 0; mi < am->count; mi++)
      for (int ni = 0; ni < an->count; ni++) {
        point *p = point_add(&x->points);
        if (!p)
          return;
        sgema_run_spec *spec = &p->spec;
        *spec = base;
        spec->name = NULL;
        spec->references = NULL;
        spec->reference_count = 0;
        spec->settings.alg = (sgema_alg)aa->add[ai];
        spec->settings.m = am->add[mi];
        spec->settings.n = an->mult[ni] * spec->settings.m + an->add[ni];
        spec->index = x->next_index++;
        if (!has_stream)
          spec->stream = spec->index;
        spec->entry = entry;
        spec->line = run->map->start_mark.line + 1;
        spec->column = run->map->start_mark.column + 1;
        char nbuf[16];
        snprintf(nbuf, sizeof nbuf, "%d", spec->settings.n);
        spec->n_expr = copy_text(&x->points, an->node ? exp_text_of(an->item[ni]) : nbuf);
        fill_references(&x->points, &ev, spec);
        p->name_node = run->name ? run->name : run->map;
        int ok = clean;
        check_point(r, &ev, spec, mi, ni, &rep, &ok);
        const char *what = NULL;
        int st = ok ? sgema_settings_validate(&spec->settings, &what) : SGEMA_OK;
        if (st != SGEMA_OK)
          exp_report(
              r, run->map, run->where,
              "the kernel rejects the settings of %s m = %d n = %d (sgema_settings_validate: "
              "%s: %s)",
              sgema_alg_name(spec->settings.alg), spec->settings.m, spec->settings.n,
              what ? what : "?", sgema_strerror(st));
      }
  if (axes_ok) {
    name_points(r, &ev, &x->points, first);
    return;
  }
  /* The points stood in for the checks; with a bad alg, m or n the run has no runs to name, and
   * the positions of the runs after it are unknown. */
  while (x->points.count > first)
    exp_run_free(&x->points.items[--x->points.count].spec);
  x->indices_known = 0;
}

/* ---- the document ---- */

enum { R_EXPERIMENT, R_SEED, R_DESCRIPTION, R_DEFAULTS, R_RUNS, R_COUNT };

static char *copy_or_oom(exp_reader *r, yaml_node_t *n, const char *s) {
  char *c = strdup(s);
  if (!c)
    exp_report(r, n, "", "out of memory");
  return c;
}

static void read_root(exp_reader *r, yaml_node_t *root, sgema_experiment *e, point_list *out) {
  exp_member m[R_COUNT] = {{"experiment", NULL, NULL},
                           {"seed", NULL, NULL},
                           {"description", NULL, NULL},
                           {"defaults", NULL, NULL},
                           {"runs", NULL, NULL}};
  if (!exp_read_members(r, root, "", m, R_COUNT))
    return;
  const char *text;
  if (!m[R_EXPERIMENT].value)
    exp_missing(r, root, "", "experiment", ": the experiment's name");
  else if (exp_read_text(r, m[R_EXPERIMENT].value, "experiment", &text) == 0 &&
           exp_check_name(r, m[R_EXPERIMENT].value, "experiment", text, 0, NULL) == 0)
    e->name = copy_or_oom(r, m[R_EXPERIMENT].value, text);
  if (!m[R_SEED].value)
    exp_missing(r, root, "", "seed", ": an unsigned 64-bit integer");
  else
    exp_read_u64(r, m[R_SEED].value, "seed", &e->seed);
  if (m[R_DESCRIPTION].value &&
      exp_read_text(r, m[R_DESCRIPTION].value, "description", &text) == 0 &&
      exp_check_length(r, m[R_DESCRIPTION].value, "description", text, EXP_DESCRIPTION_MAX,
                       "64 KiB") == 0)
    e->description = copy_or_oom(r, m[R_DESCRIPTION].value, text);

  layer *defs = NULL, *run = malloc(sizeof *run);
  if (m[R_DEFAULTS].value)
    defs = malloc(sizeof *defs);
  if (!run || (m[R_DEFAULTS].value && !defs)) {
    exp_report(r, root, "", "out of memory");
    free(run);
    free(defs);
    return;
  }
  if (defs)
    exp_read_layer(r, m[R_DEFAULTS].value, "defaults", 1, defs);

  yaml_node_t *runs = m[R_RUNS].value;
  char what[80], where[32];
  if (!runs)
    exp_missing(r, root, "", "runs", ": a list of runs");
  else if (runs->type != YAML_SEQUENCE_NODE)
    exp_report(r, runs, "runs", "expected a list of runs, found %s",
               exp_describe(runs, what, sizeof what));
  else if (exp_seq_len(runs) == 0)
    exp_report(r, runs, "runs", "empty list (an experiment has at least one run)");
  else {
    expansion x = {defs, {NULL, 0, 0, 0}, 0, 1, 0};
    for (int i = 0; i < exp_seq_len(runs); i++) {
      exp_keyf(where, sizeof where, "runs[%d]", i);
      exp_read_layer(r, exp_seq_item(r, runs, i), where, 0, run);
      expand_run(r, &x, run, (size_t)i);
    }
    check_unique_names(r, &x.points);
    if (x.points.oom)
      exp_report(r, root, "", "out of memory");
    *out = x.points;
  }
  free(run);
  free(defs);
}

int exp_parse(sgema_experiment *e, sgema_diagnostics *d) {
  exp_reader r = {e->path, NULL, d, 0};
  yaml_document_t doc;
  point_list points = {NULL, 0, 0, 0};
  int readable = 0;
  r.problems = exp_compose(e->path, EXP_WHAT, e->source, e->source_len, &doc, d, &readable);
  r.doc = &doc;
  yaml_node_t *root = readable ? yaml_document_get_root_node(&doc) : NULL;
  if (readable && !root) {
    r.problems++;
    sgema_diagnostics_add(d, e->path, 1, 1, NULL,
                          "empty file (expected the keys experiment, seed and runs)");
  } else if (root) {
    read_root(&r, root, e, &points);
  }
  if (r.problems == 0) {
    e->runs = malloc((points.count ? points.count : 1) * sizeof *e->runs);
    if (!e->runs) {
      r.problems++;
      sgema_diagnostics_add(d, e->path, 1, 1, NULL, "out of memory");
    }
  }
  for (size_t i = 0; i < points.count; i++) {
    if (r.problems == 0)
      e->runs[i] = points.items[i].spec; /* the experiment takes over the run's strings */
    else
      exp_run_free(&points.items[i].spec);
  }
  if (r.problems == 0)
    e->run_count = points.count;
  free(points.items);
  yaml_document_delete(&doc);
  return r.problems;
}
