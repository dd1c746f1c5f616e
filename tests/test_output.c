/* The results file: smoke written by P ranks in rounds, resumed, read back bit for bit. */
#define _POSIX_C_SOURCE 200809L

#include "sgema/output.h"
#include "sgema/parallel.h"
#include "sgema/status.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <mpi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int my_rank, nproc, passed, failed;

static void report(int ok, const char *fmt, va_list ap) {
  if (my_rank == 0) {
    printf(ok ? "ok   " : "FAIL ");
    vprintf(fmt, ap);
    printf("\n");
    fflush(stdout);
  }
  if (ok)
    passed++;
  else
    failed++;
}

/* A check that passes only when it passes on every rank (collective); rank 0 prints it. */
static __attribute__((format(printf, 2, 3))) int check_all(int ok, const char *fmt, ...) {
  int all;
  MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  va_list ap;
  va_start(ap, fmt);
  report(all, fmt, ap);
  va_end(ap);
  return all;
}

/* A check made on rank 0 alone. */
static __attribute__((format(printf, 2, 3))) int check0(int ok, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  report(ok, fmt, ap);
  va_end(ap);
  return ok;
}

/* ---- computing trials ---- */

/* A fresh record with its own copies of the states and the trajectory, for later comparison. */
typedef struct {
  sgema_record rec;
  double *y0, *y_end;
  size_t points;             /* recorded trajectory points (0: none) */
  double *t, *state, *e, *f; /* the trajectory */
} stored;

static int trial_compute(sgema_trial *t, sgema_trajectory *tr, const sgema_experiment *e,
                         const sgema_run_spec *spec, uint32_t k, sgema_record *rec) {
  int recorded = k < spec->record.trajectories;
  return sgema_trial_run(t, sgema_experiment_seed(e), spec->stream, k, rec, recorded ? tr : NULL);
}

static sgema_trajectory *run_trajectory(const sgema_run_spec *spec) {
  if (!spec->record.trajectories)
    return NULL;
  size_t N = sgema_problem_dim_for(spec->settings.alg, spec->settings.m, spec->settings.n);
  return sgema_trajectory_alloc_uniform(N, spec->record.t_last, spec->record.points);
}

static void store(stored *s, const sgema_record *rec, size_t N, const sgema_trajectory *tr) {
  s->rec = *rec;
  s->y0 = malloc(N * sizeof(double));
  s->y_end = malloc(N * sizeof(double));
  memcpy(s->y0, rec->y0, N * sizeof(double));
  memcpy(s->y_end, rec->y_end, N * sizeof(double));
  s->points = tr ? sgema_trajectory_count(tr) : 0;
  if (!tr)
    return;
  s->t = malloc(s->points * sizeof(double) + 1);
  s->state = malloc(s->points * N * sizeof(double) + 1);
  s->e = malloc(s->points * sizeof(double) + 1);
  s->f = malloc(s->points * sizeof(double) + 1);
  for (size_t i = 0; i < s->points; i++) {
    s->t[i] = sgema_trajectory_time(tr, i);
    memcpy(s->state + i * N, sgema_trajectory_state(tr, i), N * sizeof(double));
    s->e[i] = sgema_trajectory_ebar(tr, i);
    s->f[i] = sgema_trajectory_fbar(tr, i);
  }
}

static void stored_free(stored *s) {
  free(s->y0);
  free(s->y_end);
  free(s->t);
  free(s->state);
  free(s->e);
  free(s->f);
}

/* This rank's trials of round j (of 3) of every run, staged in descending trial order so that the
 * writer's sorting is exercised. */
static int compute_round(sgema_output *o, const sgema_experiment *e, int j) {
  int bad = 0;
  for (size_t i = 0; i < sgema_experiment_run_count(e); i++) {
    const sgema_run_spec *spec = sgema_experiment_run(e, i);
    sgema_trial *t = sgema_trial_alloc(&spec->settings);
    sgema_trajectory *tr = run_trajectory(spec);
    uint32_t lo = (uint32_t)((uint64_t)spec->trials * j / 3);
    uint32_t hi = (uint32_t)((uint64_t)spec->trials * (j + 1) / 3);
    for (uint32_t k = hi; k-- > lo;) {
      if ((int)(k % (uint32_t)nproc) != my_rank)
        continue;
      sgema_record rec;
      if (trial_compute(t, tr, e, spec, k, &rec) != SGEMA_OK ||
          sgema_output_stage(o, i, k, &rec, k < spec->record.trajectories ? tr : NULL) != SGEMA_OK)
        bad = 1;
    }
    sgema_trajectory_free(tr);
    sgema_trial_free(t);
  }
  return bad;
}

/* ---- reading back with plain HDF5 ---- */

static int read_dataset(hid_t g, const char *name, hid_t mtype, void *buf) {
  hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
  if (d < 0)
    return -1;
  herr_t st = H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
  H5Dclose(d);
  return st < 0 ? -1 : 0;
}

/* The expected doubles of one trial's row of a dataset (written independently of the writer). */
static size_t expect_f64(const stored *s, const char *name, size_t N, size_t K, double *out) {
  const sgema_record *r = &s->rec;
  size_t mm = (size_t)r->problem.m * r->problem.m;
  const double *vec = NULL;
  size_t len = 1;
  double x = NAN;
  const struct {
    const char *name;
    double value;
  } scalars[] = {{"lambda", r->problem.lambda},
                 {"max_real_eig", r->limit.max_re},
                 {"abscissa_error", r->spectrum.error},
                 {"a_norm", r->limit.a_norm},
                 {"delta", r->limit.delta},
                 {"r1", r->limit.r1},
                 {"r2", r->limit.r2},
                 {"t_end", r->integ.t_end},
                 {"field_norm", r->integ.f_norm},
                 {"eq6", r->verify.eq6},
                 {"eq7", r->verify.eq7},
                 {"balance", r->verify.balance},
                 {"invariant_drift", r->verify.invariant_drift},
                 {"invariant_t", r->verify.invariant_t},
                 {"c_minus_a", r->verify.c_minus_a},
                 {"ebar_start", r->verify.ebar_start},
                 {"ebar_end", r->verify.ebar_end},
                 {"fbar_start", r->verify.fbar_start},
                 {"fbar_end", r->verify.fbar_end}};
  if (!strcmp(name, "Sxx"))
    vec = r->problem.Sxx, len = mm;
  else if (!strcmp(name, "Syx"))
    vec = r->problem.Syx, len = mm;
  else if (!strcmp(name, "Syy"))
    vec = r->problem.Syy, len = mm;
  else if (!strcmp(name, "y0"))
    vec = s->y0, len = N;
  else if (!strcmp(name, "y_end"))
    vec = s->y_end, len = N;
  else if (!strcmp(name, "eigenvalues_re"))
    vec = r->spectrum.re, len = K;
  else if (!strcmp(name, "eigenvalues_im"))
    vec = r->spectrum.im, len = K;
  else {
    size_t i = 0;
    while (i < sizeof scalars / sizeof *scalars && strcmp(scalars[i].name, name))
      i++;
    if (i == sizeof scalars / sizeof *scalars)
      return 0;
    x = scalars[i].value;
  }
  if (vec)
    memcpy(out, vec, len * sizeof(double));
  else
    out[0] = x;
  return len;
}

static int64_t expect_int(const stored *s, const char *name) {
  const sgema_record *r = &s->rec;
  if (!strcmp(name, "draws"))
    return r->draws;
  if (!strcmp(name, "steps"))
    return r->integ.steps;
  if (!strcmp(name, "rejected"))
    return r->integ.rejected;
  if (!strcmp(name, "rhs_evals"))
    return r->integ.rhs_evals;
  if (!strcmp(name, "jac_evals"))
    return r->integ.jac_evals;
  if (!strcmp(name, "jvp_evals"))
    return r->integ.jvp_evals;
  if (!strcmp(name, "spectrum_fell_back"))
    return r->spectrum.fell_back != 0;
  if (!strcmp(name, "spectrum_products"))
    return r->spectrum.products;
  if (!strcmp(name, "spectrum_solver"))
    return r->spectrum.used;
  if (!strcmp(name, "sphere_agrees"))
    return r->limit.sphere_agrees;
  if (!strcmp(name, "rank"))
    return r->limit.rank;
  if (!strcmp(name, "symmetry_zeros"))
    return r->limit.symmetry_zeros;
  if (!strcmp(name, "class"))
    return r->limit.cls;
  if (!strcmp(name, "end"))
    return r->integ.end;
  if (!strcmp(name, "status"))
    return r->status;
  return r->limit.sphere; /* "sphere" */
}

static const char *const f64_sets[][2] = {{"inputs", "lambda"},
                                          {"inputs", "Sxx"},
                                          {"inputs", "Syx"},
                                          {"inputs", "Syy"},
                                          {"inputs", "y0"},
                                          {"outputs", "max_real_eig"},
                                          {"outputs", "eigenvalues_re"},
                                          {"outputs", "eigenvalues_im"},
                                          {"outputs", "abscissa_error"},
                                          {"outputs", "a_norm"},
                                          {"outputs", "delta"},
                                          {"outputs", "r1"},
                                          {"outputs", "r2"},
                                          {"outputs", "t_end"},
                                          {"outputs", "field_norm"},
                                          {"outputs", "y_end"},
                                          {"verification", "eq6"},
                                          {"verification", "eq7"},
                                          {"verification", "balance"},
                                          {"verification", "invariant_drift"},
                                          {"verification", "invariant_t"},
                                          {"verification", "c_minus_a"},
                                          {"verification", "ebar_start"},
                                          {"verification", "ebar_end"},
                                          {"verification", "fbar_start"},
                                          {"verification", "fbar_end"}};
static const char *const int_sets[][2] = {{"inputs", "draws"},
                                          {"outputs", "steps"},
                                          {"outputs", "rejected"},
                                          {"outputs", "rhs_evals"},
                                          {"outputs", "jac_evals"},
                                          {"outputs", "sphere_agrees"},
                                          {"outputs", "rank"},
                                          {"outputs", "symmetry_zeros"},
                                          {"outputs", "status"},
                                          {"outputs", "jvp_evals"},
                                          {"outputs", "spectrum_products"},
                                          {"outputs", "spectrum_fell_back"}};
static const char *const enum_sets[][2] = {{"outputs", "class"},
                                           {"outputs", "end"},
                                           {"outputs", "sphere"},
                                           {"outputs", "spectrum_solver"}};

/* Every per-trial dataset of run r against the fresh records; returns the mismatching datasets. */
static int compare_run(hid_t file, const sgema_run_spec *spec, const stored *st) {
  char path[300];
  size_t T = spec->trials;
  size_t N = sgema_problem_dim_for(spec->settings.alg, spec->settings.m, spec->settings.n);
  size_t K = (size_t)sgema_record_eigenvalues(&spec->settings);
  double *buf = malloc(T * N * sizeof(double)), row[SGEMA_MAX_N * SGEMA_MAX_N * 2];
  int64_t *ibuf = malloc(T * sizeof(int64_t));
  uint8_t *ebuf = malloc(T);
  int bad = 0;
  for (size_t d = 0; d < sizeof f64_sets / sizeof *f64_sets; d++) {
    snprintf(path, sizeof path, "/runs/%s/%s/%s", spec->name, f64_sets[d][0], f64_sets[d][1]);
    int ok = read_dataset(file, path, H5T_NATIVE_DOUBLE, buf) == 0;
    size_t w = expect_f64(&st[0], f64_sets[d][1], N, K, row);
    for (size_t k = 0; ok && k < T; k++) {
      expect_f64(&st[k], f64_sets[d][1], N, K, row);
      ok = memcmp(buf + k * w, row, w * sizeof(double)) == 0;
    }
    if (!check0(ok, "%s bit for bit with fresh trials", path))
      bad++;
  }
  for (size_t d = 0; d < sizeof int_sets / sizeof *int_sets; d++) {
    snprintf(path, sizeof path, "/runs/%s/%s/%s", spec->name, int_sets[d][0], int_sets[d][1]);
    int ok = read_dataset(file, path, H5T_NATIVE_INT64, ibuf) == 0;
    for (size_t k = 0; ok && k < T; k++)
      ok = ibuf[k] == expect_int(&st[k], int_sets[d][1]);
    if (!check0(ok, "%s equal to fresh trials", path))
      bad++;
  }
  for (size_t d = 0; d < sizeof enum_sets / sizeof *enum_sets; d++) {
    snprintf(path, sizeof path, "/runs/%s/%s/%s", spec->name, enum_sets[d][0], enum_sets[d][1]);
    hid_t ds = H5Dopen2(file, path, H5P_DEFAULT), type = ds < 0 ? -1 : H5Dget_type(ds);
    int ok = type >= 0 && H5Tget_class(type) == H5T_ENUM && H5Tget_size(type) == 1 &&
             H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ebuf) >= 0;
    for (size_t k = 0; ok && k < T; k++)
      ok = ebuf[k] == expect_int(&st[k], enum_sets[d][1]);
    if (type >= 0)
      H5Tclose(type);
    if (ds >= 0)
      H5Dclose(ds);
    if (!check0(ok, "%s (enum) equal to fresh trials", path))
      bad++;
  }
  snprintf(path, sizeof path, "/runs/%s/done", spec->name);
  int ok = read_dataset(file, path, H5T_NATIVE_INT64, ibuf) == 0;
  for (size_t k = 0; ok && k < T; k++)
    ok = ibuf[k] == 1;
  check0(ok, "%s all 1", path);
  /* No dataset escaped the comparison. */
  const char *sections[] = {"inputs", "outputs", "verification"};
  size_t expected_links[] = {6, 26, 10}, links = 0;
  for (int s = 0; s < 3; s++) {
    snprintf(path, sizeof path, "/runs/%s/%s", spec->name, sections[s]);
    H5G_info_t gi;
    hid_t g = H5Gopen2(file, path, H5P_DEFAULT);
    if (g >= 0 && H5Gget_info(g, &gi) >= 0 && gi.nlinks == expected_links[s])
      links++;
    if (g >= 0)
      H5Gclose(g);
  }
  check0(links == 3, "/runs/%s: the sections hold exactly the compared datasets", spec->name);
  free(buf);
  free(ibuf);
  free(ebuf);
  return bad;
}

/* Trajectory k of the run: count, recorded prefix bit for bit, NaN after it. */
static void compare_trajectory(hid_t file, const sgema_run_spec *spec, size_t k, const stored *s) {
  size_t P = spec->record.points;
  size_t N = sgema_problem_dim_for(spec->settings.alg, spec->settings.m, spec->settings.n);
  char path[300];
  double *buf = malloc(P * N * sizeof(double));
  int64_t count = -2;
  snprintf(path, sizeof path, "/runs/%s/trajectories/%zu/count", spec->name, k);
  int ok = read_dataset(file, path, H5T_NATIVE_INT64, &count) == 0 && count == (int64_t)s->points;
  check0(ok, "%s = %lld (recorded points)", path, (long long)count);
  const char *names[] = {"t", "state", "ebar", "fbar"};
  const double *want[] = {s->t, s->state, s->e, s->f};
  for (int i = 0; i < 4; i++) {
    size_t w = i == 1 ? N : 1;
    snprintf(path, sizeof path, "/runs/%s/trajectories/%zu/%s", spec->name, k, names[i]);
    ok = read_dataset(file, path, H5T_NATIVE_DOUBLE, buf) == 0 &&
         memcmp(buf, want[i], s->points * w * sizeof(double)) == 0;
    for (size_t j = s->points * w; ok && j < P * w; j++)
      ok = isnan(buf[j]);
    check0(ok, "%s: recorded prefix bit for bit, NaN after it", path);
  }
  free(buf);
}

static int attr_string(hid_t loc, const char *name, char **out) {
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  *out = NULL;
  int st = a >= 0 && H5Aread(a, t, out) >= 0 ? 0 : -1;
  H5Tclose(t);
  if (a >= 0)
    H5Aclose(a);
  return st;
}

static int attr_int(hid_t loc, const char *name, long long *v) {
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
  int st = a >= 0 && H5Aread(a, H5T_NATIVE_LLONG, v) >= 0 ? 0 : -1;
  if (a >= 0)
    H5Aclose(a);
  return st;
}

static void check_enum(hid_t file, const char *path, const char *const *names, int count) {
  hid_t ds = H5Dopen2(file, path, H5P_DEFAULT), type = ds < 0 ? -1 : H5Dget_type(ds);
  int ok = type >= 0 && H5Tget_nmembers(type) == count + 1;
  for (int i = 0; ok && i <= count; i++) {
    uint8_t v = i < count ? (uint8_t)i : 255;
    char name[64];
    ok = H5Tenum_nameof(type, &v, name, sizeof name) >= 0 &&
         strcmp(name, i < count ? names[i] : "undone") == 0;
  }
  check0(ok, "%s: enum names in order, undone = 255", path);
  if (type >= 0)
    H5Tclose(type);
  if (ds >= 0)
    H5Dclose(ds);
}

/* Rank 0: the whole file through plain serial HDF5. */
static void read_back(const char *path, const sgema_experiment *e, stored **fresh) {
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (!check0(file >= 0, "serial reopen of %s", path))
    return;
  char *s = NULL;
  size_t len;
  const char *source = sgema_experiment_source(e, &len);
  check0(attr_string(file, "source", &s) == 0 && s && strlen(s) == len &&
             memcmp(s, source, len) == 0,
         "root attribute source is the experiment file verbatim");
  H5free_memory(s);
  check0(attr_string(file, "experiment", &s) == 0 && s && !strcmp(s, sgema_experiment_name(e)),
         "root attribute experiment = %s", sgema_experiment_name(e));
  H5free_memory(s);
  int got = attr_string(file, "end_time", &s) == 0 && s;
  check0(got && strlen(s) == 20 && s[4] == '-' && s[10] == 'T' && s[19] == 'Z',
         "root attribute end_time is an ISO 8601 UTC time (%s)", got ? s : "?");
  H5free_memory(s);
  long long v = -1;
  check0(attr_int(file, "seed", &v) == 0 && (uint64_t)v == sgema_experiment_seed(e),
         "root attribute seed");
  check0(attr_int(file, "complete", &v) == 0 && v == 1, "root attribute complete = 1");
  check0(attr_int(file, "format_version", &v) == 0 && v == 3, "root attribute format_version = 3");
  got = attr_string(file, "numerics", &s) == 0 && s;
  check0(got && !strncmp(s, "blas: ", 6) && strstr(s, "\nblas_threads: 1\n") &&
             strstr(s, "\nhdf5: ") && strstr(s, "\nmpi: "),
         "root attribute numerics: blas .. mpi, OpenBLAS at one thread");
  H5free_memory(s);
  check0(attr_int(file, "resumed", &v) == 0 && v == 2, "root attribute resumed = 2");
  for (size_t i = 0; i < sgema_experiment_run_count(e); i++) {
    const sgema_run_spec *spec = sgema_experiment_run(e, i);
    char gpath[200];
    snprintf(gpath, sizeof gpath, "/runs/%s", spec->name);
    hid_t g = H5Gopen2(file, gpath, H5P_DEFAULT);
    long long trials = -1, m = -1;
    char *settings = NULL;
    check0(g >= 0 && attr_int(g, "trials", &trials) == 0 && trials == spec->trials &&
               attr_int(g, "m", &m) == 0 && m == spec->settings.m &&
               attr_string(g, "settings", &settings) == 0 && settings && settings[0] == '{' &&
               strstr(settings, "\"integration\":{"),
           "%s: attributes trials, m, settings (JSON)", gpath);
    H5free_memory(settings);
    if (g >= 0)
      H5Gclose(g);
    compare_run(file, spec, fresh[i]);
    for (size_t k = 0; k < spec->record.trajectories; k++)
      compare_trajectory(file, spec, k, &fresh[i][k]);
  }
  const char *cls[] = {"origin",        "stable",   "saddle", "partial",
                       "not_converged", "diverged", "failed"};
  const char *ends[] = {"converged", "diverged", "t_max", "max_steps", "step_fail", "error"};
  const char *spheres[] = {"none", "S1", "S2"};
  char p[200];
  const char *run0 = sgema_experiment_run(e, 0)->name;
  snprintf(p, sizeof p, "/runs/%s/outputs/class", run0);
  check_enum(file, p, cls, 7);
  snprintf(p, sizeof p, "/runs/%s/outputs/end", run0);
  check_enum(file, p, ends, 6);
  snprintf(p, sizeof p, "/runs/%s/outputs/sphere", run0);
  check_enum(file, p, spheres, 3);
  H5Fclose(file);
}

/* ---- the failure paths ---- */

static int diag_has(const sgema_diagnostics *d, const char *needle, const char *needle2) {
  for (size_t i = 0; i < sgema_diagnostics_count(d); i++) {
    char line[1024];
    sgema_diagnostic_format(sgema_diagnostics_get(d, i), line, sizeof line);
    if (strstr(line, needle) && (!needle2 || strstr(line, needle2))) {
      if (my_rank == 0)
        printf("     (%s)\n", line);
      return 1;
    }
  }
  return 0;
}

static void failures(const char *path, const char *dir, const sgema_experiment *e,
                     sgema_output_info info) {
  sgema_diagnostics *d = sgema_diagnostics_alloc();
  sgema_output *o = NULL;
  info.path = path;
  info.resume = 0;
  int st = sgema_output_open(&o, MPI_COMM_WORLD, e, &info, d);
  check_all(st != SGEMA_OK && !o && diag_has(d, path, "exists"),
            "opening an existing file without resume fails with a diagnostic");

  sgema_diagnostics_clear(d);
  /* The same experiment with another seed: its trials differ, whatever the text. (A comment or
   * another key order resumes: tests/test_runner_trust.sh.) */
  size_t len;
  const char *src = sgema_experiment_source(e, &len);
  char *changed = malloc(len + 32), *seed = strstr(src, "\nseed:");
  size_t head = seed ? (size_t)(seed - src) : 0;
  const char *line_end = seed ? strchr(seed + 1, '\n') : NULL;
  if (seed && line_end) {
    memcpy(changed, src, head);
    sprintf(changed + head, "\nseed: 424242%s", line_end);
  } else {
    strcpy(changed, "not the smoke experiment");
  }
  sgema_experiment *e2 = sgema_experiment_load_string("changed.yaml", changed, strlen(changed), d);
  info.resume = 1;
  st = e2 ? sgema_output_open(&o, MPI_COMM_WORLD, e2, &info, d) : SGEMA_EINVAL;
  check_all(st != SGEMA_OK && !o &&
                diag_has(d, path, "cannot resume: the file was written with seed"),
            "resuming with another seed fails with a diagnostic");
  sgema_experiment_free(e2);
  free(changed);

  sgema_diagnostics_clear(d);
  char missing[1024];
  snprintf(missing, sizeof missing, "%s/no-such-dir/x.h5", dir);
  info.path = missing;
  info.resume = 0;
  st = sgema_output_open(&o, MPI_COMM_WORLD, e, &info, d);
  check_all(st != SGEMA_OK && !o && diag_has(d, missing, "creating the file failed: ") &&
                access(missing, F_OK) != 0,
            "a missing directory fails cleanly with a diagnostic");

  sgema_diagnostics_clear(d);
  info.resume = 1;
  st = sgema_output_open(&o, MPI_COMM_WORLD, e, &info, d);
  check_all(st != SGEMA_OK && !o && diag_has(d, missing, "opening the file to resume it failed: "),
            "resuming a missing file fails cleanly with a diagnostic");
  sgema_diagnostics_free(d);
}

int main(int argc, char **argv) {
  sgema_parallel_init(&argc, &argv); /* as sgema-run starts (and the sanitizers expect) */
  MPI_Comm_rank(MPI_COMM_WORLD, &my_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &nproc);
  if (argc != 3) {
    if (my_rank == 0)
      fprintf(stderr, "usage: test_output OUTDIR SMOKE.yaml\n");
    sgema_parallel_finalize();
    return 2;
  }
  const char *dir = argv[1];
  char path[1024];
  snprintf(path, sizeof path, "%s/smoke.h5", dir);
  if (my_rank == 0) {
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
      perror(dir);
    remove(path);
  }
  MPI_Barrier(MPI_COMM_WORLD);

  sgema_diagnostics *diag = sgema_diagnostics_alloc();
  sgema_experiment *e = sgema_experiment_load(argv[2], diag);
  if (!check_all(e != NULL, "load %s", argv[2])) {
    sgema_diagnostics_write(diag, stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  sgema_output_info info = {path,          0,    nproc, "testhost", "test", "cc -O2",
                            "test_output", NULL, NULL};
  sgema_output *o = NULL;
  int st = sgema_output_open(&o, MPI_COMM_WORLD, e, &info, diag);
  if (!check_all(st == SGEMA_OK, "create %s on %d ranks", path, nproc)) {
    sgema_diagnostics_write(diag, stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }

  /* Two rounds, a close as if interrupted, a resume, the third round. */
  for (int j = 0; j < 2; j++) {
    check_all(compute_round(o, e, j) == 0, "round %d: trials computed and staged", j);
    check_all(sgema_output_flush(o) == SGEMA_OK, "round %d: flush", j);
  }
  check_all(sgema_output_close(o, 0) == SGEMA_OK, "close after two rounds (incomplete)");
  info.resume = 1;
  st = sgema_output_open(&o, MPI_COMM_WORLD, e, &info, diag);
  check_all(st == SGEMA_OK, "resume");
  int done_ok = 1;
  for (size_t i = 0; st == SGEMA_OK && i < sgema_experiment_run_count(e); i++) {
    const sgema_run_spec *spec = sgema_experiment_run(e, i);
    uint8_t *done = malloc(spec->trials), *cls = malloc(spec->trials);
    uint32_t split = (uint32_t)((uint64_t)spec->trials * 2 / 3);
    done_ok &= sgema_output_done(o, i, done) == SGEMA_OK;
    done_ok &= sgema_output_classes(o, i, cls) == SGEMA_OK;
    for (uint32_t k = 0; k < spec->trials; k++)
      done_ok &= done[k] == (k < split) && (k < split ? cls[k] < SGEMA_CLASS_COUNT : cls[k] == 255);
    free(done);
    free(cls);
  }
  check_all(done_ok, "after two rounds: done exactly for their trials, undone classes 255");
  check_all(compute_round(o, e, 2) == 0, "round 2: trials computed and staged");
  check_all(sgema_output_flush(o) == SGEMA_OK, "round 2: flush");
  check_all(sgema_output_close(o, 1) == SGEMA_OK, "close (complete)");

  /* Fresh trials on rank 0, in new workspaces, for the comparisons. */
  size_t R = sgema_experiment_run_count(e);
  stored **fresh = calloc(R, sizeof *fresh);
  if (my_rank == 0) {
    int ok = 1;
    for (size_t i = 0; i < R; i++) {
      const sgema_run_spec *spec = sgema_experiment_run(e, i);
      size_t N = sgema_problem_dim_for(spec->settings.alg, spec->settings.m, spec->settings.n);
      sgema_trial *t = sgema_trial_alloc(&spec->settings);
      sgema_trajectory *tr = run_trajectory(spec);
      fresh[i] = calloc(spec->trials, sizeof **fresh);
      for (uint32_t k = 0; k < spec->trials; k++) {
        sgema_record rec;
        ok &= trial_compute(t, tr, e, spec, k, &rec) == SGEMA_OK;
        store(&fresh[i][k], &rec, N, k < spec->record.trajectories ? tr : NULL);
      }
      sgema_trajectory_free(tr);
      sgema_trial_free(t);
    }
    check0(ok, "fresh trials recomputed on rank 0");
  }

  st = sgema_output_open(&o, MPI_COMM_WORLD, e, &info, diag);
  check_all(st == SGEMA_OK, "resume the finished file");
  int all_done = 1, classes_ok = 1;
  for (size_t i = 0; st == SGEMA_OK && i < R; i++) {
    const sgema_run_spec *spec = sgema_experiment_run(e, i);
    uint8_t *done = malloc(spec->trials), *cls = malloc(spec->trials);
    all_done &= sgema_output_done(o, i, done) == SGEMA_OK;
    classes_ok &= sgema_output_classes(o, i, cls) == SGEMA_OK;
    for (uint32_t k = 0; k < spec->trials; k++) {
      all_done &= done[k] == 1;
      if (my_rank == 0)
        classes_ok &= cls[k] == (uint8_t)fresh[i][k].rec.limit.cls;
    }
    free(done);
    free(cls);
  }
  check_all(all_done, "every trial of every run done");
  check_all(classes_ok, "classes equal an independent recomputation");
  if (st == SGEMA_OK)
    check_all(sgema_output_close(o, 1) == SGEMA_OK, "close again");

  failures(path, dir, e, info);

  if (my_rank == 0)
    read_back(path, e, fresh);
  for (size_t i = 0; i < R; i++) {
    for (uint32_t k = 0; fresh[i] && k < sgema_experiment_run(e, i)->trials; k++)
      stored_free(&fresh[i][k]);
    free(fresh[i]);
  }
  free(fresh);
  sgema_experiment_free(e);
  sgema_diagnostics_free(diag);

  /* Rank 0's serial checks decide too. */
  int f = failed;
  MPI_Bcast(&f, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (my_rank == 0)
    printf("%d passed, %d failed\n", passed, failed);
  sgema_parallel_finalize();
  return f != 0;
}
