/* The master/worker scheduling of an experiment's trials over the processes (messages through
 * parallel_msg.h; no MPI call here). */
#include "sgema/schedule.h"
#include "parallel_msg.h"
#include "sgema/status.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { TAG_REQUEST = 1, TAG_REPLY = 2 };
enum { REPLY_WORK = 0, REPLY_SYNC = 1, REPLY_STOP = 2 };
/* Seconds per item above which the master, when it has workers, only schedules: a worker asking
 * for work waits for the master's item in flight (m = 4 census data sets take 3-10 s). */
#define SCHEDULE_OWN_ITEM_MAX 0.1

static double now(void) {
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- work: chunks of trials not yet done -------------------------------------------------- */

typedef struct {
  uint32_t run, first, count;
} chunk;

typedef struct {
  chunk *items;
  size_t n, next;
} work_queue;

static int queue_push(work_queue *q, size_t *cap, chunk c) {
  if (q->n == *cap) {
    size_t ncap = *cap ? 2 * *cap : 64;
    chunk *p = realloc(q->items, ncap * sizeof *p);
    if (!p)
      return SGEMA_ENOMEM;
    q->items = p;
    *cap = ncap;
  }
  q->items[q->n++] = c;
  return SGEMA_OK;
}

/* Collective (reads every run's done flags). The undone trials of every run, in run and trial
 * order, cut into chunks of at most `size` contiguous trials. */
static int build_queue(const sgema_experiment *e, sgema_output *out, size_t size, work_queue *q,
                       long *total, long *before) {
  size_t cap = 0;
  *total = *before = 0;
  for (size_t r = 0; r < sgema_experiment_run_count(e); r++) {
    const sgema_run_spec *spec = sgema_experiment_run(e, r);
    uint8_t *done = malloc(spec->trials);
    if (!done)
      return SGEMA_ENOMEM;
    int st = sgema_output_done(out, r, done);
    for (uint32_t k = 0; st == SGEMA_OK && k < spec->trials;) {
      if (done[k]) {
        (*before)++;
        k++;
        continue;
      }
      uint32_t first = k;
      while (k < spec->trials && !done[k] && k - first < size)
        k++;
      st = queue_push(q, &cap, (chunk){(uint32_t)r, first, k - first});
    }
    *total += spec->trials;
    free(done);
    if (st != SGEMA_OK)
      return st;
  }
  return SGEMA_OK;
}

/* ---- computing trials: one workspace per run, made on first use ---------------------------- */

typedef struct {
  const sgema_experiment *e;
  sgema_output *out;
  sgema_trial **trial;
  sgema_trajectory **traj;
  /* Census runs: one census workspace for the process, for the largest m and n among them, made
   * on first use; the census library's settings of the run last used. */
  sgema_census *census;
  int census_m, census_n;
  long failures; /* failed trials of this process, for the first few messages */
  const sgema_schedule_options *opt;
  int rank;
  /* The trial in flight, for the heartbeat. */
  const char *run_name;
  uint32_t trial_index;
  double trial_start, last_beat;
} workers_kit;

/* Failed trials named on stderr per process; all of them are in the file (outputs/status). */
enum { FAILURES_SHOWN = 10 };

/* Whether the heartbeat is due now (and then it is reset). */
static int beat_due(workers_kit *kit) {
  double every = kit->opt->heartbeat_seconds;
  if (every <= 0.0)
    return 0;
  double time = now();
  if (time - kit->last_beat < every)
    return 0;
  kit->last_beat = time;
  return 1;
}

/* Polled by the kernel after every integration step of a trial and inside its classification: a
 * line on stderr while a trial takes long, so that a slow run shows life before its first trial
 * ends. The stop flag itself is read by the kernel. */
static int heartbeat(void *ctx, double t) {
  workers_kit *kit = ctx;
  if (beat_due(kit))
    fprintf(stderr, "sgema-run: rank %d: run %s trial %u running for %.0f s, t = %.6g\n", kit->rank,
            kit->run_name, kit->trial_index, now() - kit->trial_start, t);
  return 0;
}

/* The census' poll, between its paths and every few steps along one: the stop flag, and the
 * heartbeat of a data set. */
static int census_poll(void *ctx) {
  workers_kit *kit = ctx;
  if (kit->opt->stop && *kit->opt->stop)
    return 1;
  if (beat_due(kit))
    fprintf(stderr, "sgema-run: rank %d: run %s data set %u running for %.0f s\n", kit->rank,
            kit->run_name, kit->trial_index, now() - kit->trial_start);
  return 0;
}

/* Computes trial k of run `run` and stages it. SGEMA_EINTERRUPTED: a stop request abandoned the
 * trial, nothing was staged (not an error; a resume computes it). */
static int compute(workers_kit *kit, uint32_t run, uint32_t k) {
  const sgema_run_spec *spec = sgema_experiment_run(kit->e, run);
  if (!kit->trial[run]) {
    kit->trial[run] = sgema_trial_alloc(&spec->settings);
    if (!kit->trial[run])
      return SGEMA_ENOMEM;
    sgema_trial_watch watch = {kit->opt->stop, heartbeat, kit};
    sgema_trial_set_watch(kit->trial[run], &watch);
    if (spec->record.trajectories > 0) {
      const sgema_settings *s = &spec->settings;
      size_t N = sgema_problem_dim_for(s->alg, s->m, s->n);
      kit->traj[run] = sgema_trajectory_alloc_uniform(N, spec->record.t_last, spec->record.points);
      if (!kit->traj[run])
        return SGEMA_ENOMEM;
    }
  }
  sgema_trajectory *tr = k < spec->record.trajectories ? kit->traj[run] : NULL;
  sgema_record rec;
  kit->run_name = spec->name;
  kit->trial_index = k;
  kit->trial_start = kit->last_beat = now();
  int st =
      sgema_trial_run(kit->trial[run], sgema_experiment_seed(kit->e), spec->stream, k, &rec, tr);
  if (sgema_status_interrupted(st))
    return st;
  if (st != SGEMA_OK && sgema_status_fatal(st)) {
    fprintf(stderr, "sgema-run: run %s trial %u: %s\n", spec->name, k, sgema_strerror(st));
    return st;
  }
  /* Any other error is the trial's result: recorded as class failed with its status. */
  if (st != SGEMA_OK && kit->failures++ < FAILURES_SHOWN)
    fprintf(stderr, "sgema-run: run %s trial %u failed: %s (%s)%s\n", spec->name, k,
            sgema_strerror(st), sgema_status_name(st),
            kit->failures == FAILURES_SHOWN ? "; further failures of this process not shown" : "");
  return sgema_output_stage(kit->out, run, k, &rec, tr);
}

/* A census run's data set k: the statistics trial k of the run draws (the sampler's stream (seed,
 * stream, k), so the same data as a run of trials with this stream), then their census, staged.
 * SGEMA_EINTERRUPTED: a stop request abandoned the census half way (the census polls it along its
 * paths), nothing was staged (a resume computes it). */
static int compute_census(workers_kit *kit, uint32_t run, uint32_t k) {
  const sgema_run_spec *spec = sgema_experiment_run(kit->e, run);
  if (!kit->trial[run] && !(kit->trial[run] = sgema_trial_alloc(&spec->settings)))
    return SGEMA_ENOMEM;
  if (!kit->census) {
    if (!(kit->census = sgema_census_alloc(kit->census_m, kit->census_n)))
      return SGEMA_ENOMEM;
    sgema_census_set_stop(kit->census, census_poll, kit);
  }
  kit->run_name = spec->name;
  kit->trial_index = k;
  kit->trial_start = kit->last_beat = now();
  uint64_t seed = sgema_experiment_seed(kit->e);
  sgema_record rec;
  sgema_census_result res;
  int st = sgema_trial_sample(kit->trial[run], seed, spec->stream, k, &rec);
  if (st == SGEMA_OK) {
    sgema_census_settings cs;
    sgema_settings_census(&spec->settings, &cs);
    st = sgema_census_run(kit->census, &cs, &rec.problem, seed, spec->stream, k, &res);
  }
  if (sgema_status_interrupted(st))
    return st;
  if (st != SGEMA_OK && sgema_status_fatal(st)) {
    fprintf(stderr, "sgema-run: run %s data set %u: %s\n", spec->name, k, sgema_strerror(st));
    return st;
  }
  if (st != SGEMA_OK && kit->failures++ < FAILURES_SHOWN)
    fprintf(stderr, "sgema-run: run %s data set %u failed: %s (%s)%s\n", spec->name, k,
            sgema_strerror(st), sgema_status_name(st),
            kit->failures == FAILURES_SHOWN ? "; further failures of this process not shown" : "");
  sgema_census_row row = {&rec.problem, rec.y0, rec.draws, st, &res};
  return sgema_output_stage_census(kit->out, run, k, &row);
}

/* Item k of run `run`: a trial, or a census run's data set. */
static int compute_item(workers_kit *kit, uint32_t run, uint32_t k) {
  return sgema_experiment_run(kit->e, run)->kind == SGEMA_RUN_CENSUS ? compute_census(kit, run, k)
                                                                     : compute(kit, run, k);
}

static void kit_free(workers_kit *kit, size_t runs) {
  sgema_census_free(kit->census);
  for (size_t r = 0; r < runs; r++) {
    sgema_trial_free(kit->trial[r]);
    sgema_trajectory_free(kit->traj[r]);
  }
  free(kit->trial);
  free(kit->traj);
}

/* ---- the worker ------------------------------------------------------------------------------ */

/* Asks for work, computes it, takes part in every collective write the master calls for. The
 * request carries the worker's status, so that a failure stops the whole run cleanly. */
static int worker(workers_kit *kit) {
  int status = SGEMA_OK;
  int64_t request[2] = {SGEMA_OK, 0}; /* status, trials of the last chunk done and staged */
  for (;;) {
    int64_t reply[4];
    request[0] = status;
    par_send(0, TAG_REQUEST, request, 2);
    par_recv(0, TAG_REPLY, reply, 4);
    request[1] = 0;
    if (reply[0] == REPLY_WORK) {
      /* A stop request ends the chunk at once: the rest is computed on resume. */
      for (int64_t k = reply[2]; status == SGEMA_OK && k < reply[2] + reply[3]; k++) {
        if (kit->opt->stop && *kit->opt->stop)
          break;
        int st = compute_item(kit, (uint32_t)reply[1], (uint32_t)k);
        if (sgema_status_interrupted(st))
          break;
        status = st;
        request[1] += st == SGEMA_OK;
      }
      continue;
    }
    int st = sgema_output_flush(kit->out);
    if (st != SGEMA_OK) /* a failed write: stop at once, touching the file no more (sgema-run) */
      return st;
    if (reply[0] == REPLY_STOP)
      return status;
  }
}

/* ---- the master ------------------------------------------------------------------------------ */

typedef struct {
  const sgema_schedule_options *opt;
  work_queue q;
  int workers;         /* P - 1 */
  int *waiting;        /* per rank: a request not answered yet */
  chunk *assigned;     /* per rank: the chunk it is computing */
  double *assigned_at; /* per rank: when that chunk was sent */
  double item_seconds; /* a running mean of one trial's (data set's) time; 0: none measured yet */
  long done;           /* trials done, including those of earlier invocations */
  long flushed;        /* done at the last flush */
  long total, before;
  double start, last_flush, last_progress;
  int status;
  const char *items; /* what the progress lines count (sgema_schedule_items_name) */
} master_state;

static void progress(master_state *m, int final) {
  double t = now();
  if (m->opt->progress_seconds <= 0.0 ||
      (!final && t - m->last_progress < m->opt->progress_seconds))
    return;
  m->last_progress = t;
  double rate = (double)(m->done - m->before) / fmax(t - m->start, 1e-9);
  double eta = rate > 0.0 ? (double)(m->total - m->done) / rate : 0.0;
  /* Two decimals below 10 a second: a census at m = 3-4 does a few data sets a second at most. */
  fprintf(stderr, "sgema-run: %ld / %ld %s (%.1f%%), %.*f %s/s, ETA %.0f s\n", m->done, m->total,
          m->items, 100.0 * (double)m->done / (double)(m->total ? m->total : 1),
          rate < 10.0 ? 2 : 0, rate, m->items, eta);
}

/* Folds the time of `items` items that took `seconds` into the running mean. */
static void measure_items(master_state *m, long items, double seconds) {
  if (items <= 0)
    return;
  double per_item = seconds / (double)items;
  m->item_seconds = m->item_seconds > 0.0 ? 0.75 * m->item_seconds + 0.25 * per_item : per_item;
}

static void reply(int rank, int64_t kind, chunk c) {
  int64_t msg[4] = {kind, c.run, c.first, c.count};
  par_send(rank, TAG_REPLY, msg, 4);
}

/* Takes one request: the worker's previous chunk is done. */
static void receive_request(master_state *m, int blocking) {
  int64_t request[2];
  int w = par_probe(TAG_REQUEST, blocking);
  if (w < 0)
    return;
  par_recv(w, TAG_REQUEST, request, 2);
  int status = (int)request[0];
  /* What the worker did of its chunk: less than all of it after a stop request. */
  m->done += request[1];
  if (m->assigned[w].count > 0)
    measure_items(m, (long)request[1], now() - m->assigned_at[w]);
  m->assigned[w].count = 0;
  m->waiting[w] = 1;
  if (status != SGEMA_OK && m->status == SGEMA_OK)
    m->status = status;
}

/* The next unit of work: queued chunks of one run merged while they are contiguous, up to a size
 * that shrinks with the work left (guided scheduling): long units early keep the per-unit wait for
 * a reply (up to one trial of the master's) rare, short units late keep every process busy until
 * the end. Measured on 100,000 m = 1 trials with 2 processes: units of 16 throughout lost 25% to
 * those waits. */
static chunk take(master_state *m, int processes) {
  long left = 0;
  for (size_t i = m->q.next; i < m->q.n; i++)
    left += m->q.items[i].count;
  long target = left / (4L * processes);
  if (target > 4096)
    target = 4096;
  /* ... and to half a flush interval of work: a worker reports (and joins a flush) only between
   * units, so a unit of 300 m = 4 census data sets (20 minutes) kept every result of the run in
   * memory that long, where --flush-seconds promises a write every 30 s. A unit is still at least
   * one queued chunk (--chunk items), and the master's first, taken before any time is measured,
   * no more. */
  long by_time = m->item_seconds > 0.0 ? (long)(0.5 * m->opt->flush_seconds / m->item_seconds) : 1;
  if (target > by_time)
    target = by_time;
  chunk c = m->q.items[m->q.next++];
  while (m->q.next < m->q.n && (long)c.count < target) {
    chunk d = m->q.items[m->q.next];
    if (d.run != c.run || d.first != c.first + c.count)
      break;
    c.count += d.count;
    m->q.next++;
  }
  return c;
}

static int master(workers_kit *kit, master_state *m, const sgema_schedule_options *opt) {
  chunk own = {0, 0, 0};
  uint32_t own_next = 0;
  int round = 0, final = 0, told = 0;
  for (;;) {
    int stopping = (opt->stop && *opt->stop) || m->status != SGEMA_OK;
    int queue_empty = m->q.next == m->q.n;
    int have_own = own_next < own.first + own.count;
    if (stopping && have_own) { /* finish only the trial in flight: the rest is redone on resume */
      own.count = 0;
      have_own = 0;
    }
    if (!round &&
        (stopping || (queue_empty && !have_own) || now() - m->last_flush >= opt->flush_seconds ||
         (opt->flush_trials && m->done - m->flushed >= (long)opt->flush_trials))) {
      round = 1;
      final = stopping || (queue_empty && !have_own);
      told = 0;
    }
    for (int w = 1; w <= m->workers; w++) {
      if (!m->waiting[w])
        continue;
      if (round) {
        reply(w, final ? REPLY_STOP : REPLY_SYNC, (chunk){0, 0, 0});
        m->waiting[w] = 0;
        told++;
      } else if (m->q.next < m->q.n) {
        m->assigned[w] = take(m, m->workers + 1);
        m->assigned_at[w] = now();
        reply(w, REPLY_WORK, m->assigned[w]);
        m->waiting[w] = 0;
      }
    }
    if (round && told == m->workers && (final ? !have_own : 1)) {
      int st = sgema_output_flush(kit->out);
      if (st != SGEMA_OK) /* a failed write: stop at once (see the worker) */
        return st;
      m->last_flush = now();
      m->flushed = m->done;
      round = 0;
      progress(m, final);
      if (final)
        return m->status;
      continue;
    }
    /* With workers, the master computes only items short enough for the workers' wait for a
     * reply (up to one of its items) not to matter: a census data set at m = 4 takes seconds. */
    int serve_only = m->workers > 0 && m->item_seconds > SCHEDULE_OWN_ITEM_MAX;
    if (!have_own && !round && !serve_only && m->q.next < m->q.n) {
      own = take(m, m->workers + 1);
      own_next = own.first;
      have_own = 1;
    }
    if (have_own) {
      double t0 = now();
      int st = compute_item(kit, own.run, own_next++);
      if (!sgema_status_interrupted(st))
        measure_items(m, 1, now() - t0);
      if (sgema_status_interrupted(st)) { /* abandoned: not done, and not an error */
        own.count = 0;
        st = SGEMA_OK;
      } else {
        m->done++;
      }
      if (st != SGEMA_OK && m->status == SGEMA_OK)
        m->status = st;
      if (m->workers > 0)
        receive_request(m, 0);
    } else if (m->workers > 0) {
      receive_request(m, 1); /* nothing to compute: wait without spinning */
    }
    progress(m, 0);
  }
}

int sgema_schedule_run(const sgema_experiment *e, sgema_output *out,
                       const sgema_schedule_options *opt, sgema_schedule_result *res) {
  size_t runs = sgema_experiment_run_count(e);
  int rank = sgema_parallel_rank(), size = sgema_parallel_size();
  workers_kit kit = {e,
                     out,
                     calloc(runs, sizeof(sgema_trial *)),
                     calloc(runs, sizeof(sgema_trajectory *)),
                     NULL,
                     0,
                     0,
                     0,
                     opt,
                     rank,
                     "",
                     0,
                     0.0,
                     0.0};
  for (size_t r = 0; r < runs; r++) {
    const sgema_run_spec *spec = sgema_experiment_run(e, r);
    if (spec->kind != SGEMA_RUN_CENSUS)
      continue;
    kit.census_m = spec->settings.m > kit.census_m ? spec->settings.m : kit.census_m;
    kit.census_n = spec->settings.n > kit.census_n ? spec->settings.n : kit.census_n;
  }
  master_state m;
  memset(&m, 0, sizeof m);
  memset(res, 0, sizeof *res);
  int st = kit.trial && kit.traj ? SGEMA_OK : SGEMA_ENOMEM;
  if (st == SGEMA_OK)
    st = build_queue(e, out, opt->chunk ? opt->chunk : 1, &m.q, &m.total, &m.before);
  if (!sgema_parallel_all(st == SGEMA_OK)) {
    kit_free(&kit, runs);
    free(m.q.items);
    return st != SGEMA_OK ? st : SGEMA_EIO;
  }
  double start = now();
  if (rank == 0) {
    m.opt = opt;
    m.items = sgema_schedule_items_name(e);
    m.workers = size - 1;
    m.waiting = calloc((size_t)size, sizeof(int));
    m.assigned = calloc((size_t)size, sizeof(chunk));
    m.assigned_at = calloc((size_t)size, sizeof(double));
    m.done = m.flushed = m.before;
    m.start = m.last_flush = m.last_progress = start;
    st = m.waiting && m.assigned && m.assigned_at ? master(&kit, &m, opt) : SGEMA_ENOMEM;
    free(m.waiting);
    free(m.assigned);
    free(m.assigned_at);
  } else {
    st = worker(&kit);
  }
  long done = m.done;
  if (!sgema_output_unclean()) /* after a failed write this process leaves at once (sgema-run) */
    par_bcast_long(&done);
  res->total = m.total;
  res->before = m.before;
  res->computed = done - m.before;
  res->interrupted = done < m.total;
  res->seconds = now() - start;
  kit_free(&kit, runs);
  free(m.q.items);
  return st;
}

const char *sgema_schedule_items_name(const sgema_experiment *e) {
  size_t runs = sgema_experiment_run_count(e), census = 0;
  for (size_t r = 0; r < runs; r++)
    census += sgema_experiment_run(e, r)->kind == SGEMA_RUN_CENSUS;
  return census == 0 ? "trials" : census == runs ? "data sets" : "trials and data sets";
}
