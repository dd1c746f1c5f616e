/* Reopening a results file to resume it: checks that it is sound and holds the experiment's
 * runs, then reopens every run's objects (growing them when the experiment has more trials). */
#define _POSIX_C_SOURCE 200809L

#include "output_impl.h"
#include "results_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Whether a reopened dataset has the type class and size it was made with and `rows` rows of
 * `width` values: a damaged or rewritten file is refused at open, not half-way through a flush
 * (tests/test_damaged.sh). */
static int dataset_fits(hid_t d, H5T_class_t cls, size_t size, hsize_t rows, size_t width) {
  hid_t ft = H5Dget_type(d), sp = H5Dget_space(d);
  hsize_t dims[H5S_MAX_RANK];
  int rank = sp >= 0 ? H5Sget_simple_extent_dims(sp, dims, NULL) : -1;
  hsize_t w = 1;
  for (int i = 1; i < rank; i++)
    w *= dims[i];
  int ok = ft >= 0 && H5Tget_class(ft) == cls && H5Tget_size(ft) == size && rank >= 1 &&
           dims[0] == rows && w == width;
  if (ft >= 0)
    H5Tclose(ft);
  if (sp >= 0)
    H5Sclose(sp);
  return ok;
}

/* A trajectory's count: a scalar 64-bit integer, -1 (not recorded yet) or at most points. */
static int count_fits(hid_t d, size_t points) {
  hid_t ft = H5Dget_type(d), sp = H5Dget_space(d);
  int64_t count = -2;
  int ok = ft >= 0 && sp >= 0 && H5Tget_class(ft) == H5T_INTEGER && H5Tget_size(ft) == 8 &&
           H5Sget_simple_extent_type(sp) == H5S_SCALAR &&
           H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, &count) >= 0 &&
           count >= -1 && count <= (int64_t)points;
  if (ft >= 0)
    H5Tclose(ft);
  if (sp >= 0)
    H5Sclose(sp);
  return ok;
}

/* The refusal of a resume whose recorded trajectory k has a damaged dataset. */
static const char *traj_misfit(const run_out *r, size_t k, const char *name,
                               sgema_diagnostics *diag, const char *path) {
  sgema_diagnostics_add(diag, path, 1, 1, NULL,
                        "run `%s`: trajectory %zu's dataset %s has another type or shape than "
                        "this experiment's %zu points (damaged or rewritten file)",
                        r->name, k, name, r->points);
  return "";
}

/* What storage_visit found: the first dataset whose shape claims more than the file stores, or
 * one of whose row chunks has no storage (missing_row, else -1). */
typedef struct {
  char name[256];
  unsigned long long elements, stored;
  long long missing_row;
} storage_misfit;

/* H5Ovisit callback: 1 (stop) at a dataset that stores fewer bytes than its shape needs. */
static herr_t storage_visit(hid_t obj, const char *name, const H5O_info_t *info, void *data) {
  if (info->type != H5O_TYPE_DATASET)
    return 0;
  storage_misfit *m = data;
  hid_t d = H5Dopen2(obj, name, H5P_DEFAULT);
  if (d < 0)
    return 0; /* the reopen names what cannot be opened */
  hid_t sp = H5Dget_space(d), ft = H5Dget_type(d), dcpl = H5Dget_create_plist(d);
  hssize_t n = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
  size_t size = ft >= 0 ? H5Tget_size(ft) : 0;
  int compact = dcpl >= 0 && H5Pget_layout(dcpl) == H5D_COMPACT;
  hsize_t stored = H5Dget_storage_size(d);
  int misfit = !compact && n > 0 && size > 0 &&
               (double)stored < (double)n * (double)size; /* double: a claim may overflow */
  long long missing = misfit || n <= 0 ? -1 : results_missing_chunk_row(d);
  misfit = misfit || missing >= 0;
  if (misfit) {
    snprintf(m->name, sizeof m->name, "%s", name);
    m->elements = (unsigned long long)n;
    m->stored = (unsigned long long)stored;
    m->missing_row = missing;
  }
  H5Pclose(dcpl);
  H5Tclose(ft);
  H5Sclose(sp);
  H5Dclose(d);
  return misfit;
}

/* Every dataset of a file to resume must store all the rows its shape claims (sgema-run allocates
 * storage when it creates or extends a dataset). Checked through a read-only serial open, because
 * a parallel open for writing allocates a dataset's claimed storage at H5Dopen: a damaged shape
 * would fill the disk before any check could run. */
static const char *storage_precheck(const char *path, sgema_diagnostics *diag) {
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0)
    return "opening the file to check it";
  storage_misfit m = {"", 0, 0, -1};
  herr_t st = H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_NATIVE, storage_visit, &m, H5O_INFO_BASIC);
  H5Fclose(f);
  if (st > 0 && m.missing_row >= 0) {
    sgema_diagnostics_add(diag, path, 1, 1, NULL,
                          "cannot resume: damaged file: dataset /%s has no storage for its rows "
                          "from %lld on (a damaged chunk index)",
                          m.name, m.missing_row);
    return "";
  }
  if (st > 0) {
    sgema_diagnostics_add(diag, path, 1, 1, NULL,
                          "cannot resume: damaged file: dataset /%s claims %llu values but stores "
                          "only %llu bytes",
                          m.name, m.elements, m.stored);
    return "";
  }
  return st < 0 ? "walking the file's objects" : NULL;
}

/* ---- comparing a resumed file's runs with the experiment's ---- */

/* Whether attribute `name` of loc (`what`: "the file", "run `sg`") is one integer, as sgema-run
 * wrote it; when it is not (edited: a string, a float, an array), a diagnostic that says what it
 * is, instead of HDF5's conversion error. A missing attribute is left to the read. */
static int integer_attr_ok(hid_t loc, const char *name, const char *what, sgema_diagnostics *diag,
                           const char *path) {
  if (H5Aexists(loc, name) <= 0)
    return 1;
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
  hid_t type = a < 0 ? -1 : H5Aget_type(a), space = a < 0 ? -1 : H5Aget_space(a);
  H5T_class_t cls = type < 0 ? H5T_NO_CLASS : H5Tget_class(type);
  hssize_t n = space < 0 ? -1 : H5Sget_simple_extent_npoints(space);
  if (type >= 0)
    H5Tclose(type);
  if (space >= 0)
    H5Sclose(space);
  if (a >= 0)
    H5Aclose(a);
  if (cls == H5T_INTEGER && n == 1)
    return 1;
  const char *kind = cls == H5T_STRING    ? "a string"
                     : cls == H5T_FLOAT   ? "a floating-point number"
                     : cls == H5T_INTEGER ? "integers"
                                          : "not a number";
  sgema_diagnostics_add(diag, path, 1, 1, NULL,
                        "cannot resume: damaged or edited file: attribute %s of %s is %s (%lld "
                        "value%s), not one integer",
                        name, what, kind, (long long)n, n == 1 ? "" : "s");
  return 0;
}

/* Resume with more trials: every per-trial dataset and done grow to `trials` rows (the new rows
 * hold the fill values, done 0), and the run's `trials` attribute says so. Collective. Files
 * whose datasets cannot grow (written before they were made extendable) are refused. */
static const char *run_extend(run_out *r, uint32_t trials, sgema_diagnostics *diag,
                              const char *path) {
  for (int c = 0; c <= RF_COL_COUNT; c++) {
    if (c < RF_COL_COUNT && r->dset[c] < 0) /* not a dataset of this kind of run */
      continue;
    hid_t d = c < RF_COL_COUNT ? r->dset[c] : r->done, sp = H5Dget_space(d);
    hsize_t dims[3], maxdims[3];
    int rank = sp >= 0 ? H5Sget_simple_extent_dims(sp, dims, maxdims) : -1;
    if (sp >= 0)
      H5Sclose(sp);
    if (rank < 1)
      return "reading a dataset's shape";
    if (maxdims[0] != H5S_UNLIMITED) {
      sgema_diagnostics_add(diag, path, 1, 1, NULL,
                            "cannot add trials to run `%s`: this file's datasets have a fixed "
                            "size (written by an older sgema-run); start a new file",
                            r->name);
      return "";
    }
    dims[0] = trials;
    if (H5Dset_extent(d, dims) < 0)
      return "extending a run's datasets";
  }
  r->trials = trials;
  return output_attr_u32(r->group, RF_RUN(TRIALS), trials) < 0 ? "writing a run's attributes"
                                                               : NULL;
}

/* Opens run r's objects in a file being resumed and checks they fit the experiment. */
static const char *run_reopen(sgema_output *o, hid_t runs, run_out *r, const sgema_run_spec *spec,
                              sgema_diagnostics *diag, const char *path) {
  htri_t exists = H5Lexists(runs, r->name, H5P_DEFAULT);
  if (exists <= 0) {
    sgema_diagnostics_add(diag, path, 1, 1, NULL, "has no run `%s` (not this experiment's file)",
                          r->name);
    return "";
  }
  if ((r->group = H5Gopen2(runs, r->name, H5P_DEFAULT)) < 0)
    return "opening a run's group";
  uint32_t trials, index;
  int m, n;
  char what[300];
  snprintf(what, sizeof what, "run `%s`", r->name);
  const char *ints[] = {RF_RUN(TRIALS), RF_RUN(INDEX), RF_RUN(M), RF_RUN(N)};
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
    if (!integer_attr_ok(r->group, ints[i], what, diag, path))
      return "";
  if (output_attr_read_u32(r->group, RF_RUN(TRIALS), &trials) < 0 ||
      output_attr_read_u32(r->group, RF_RUN(INDEX), &index) < 0 ||
      output_attr_read_i32(r->group, RF_RUN(M), &m) < 0 ||
      output_attr_read_i32(r->group, RF_RUN(N), &n) < 0)
    return "reading a run's attributes";
  if (index != spec->index || m != r->m || n != r->n) {
    sgema_diagnostics_add(diag, path, 1, 1, NULL,
                          "cannot resume: run `%s` has index %u, m = %d, n = %d in the file but "
                          "index %u, m = %d, n = %d in the experiment",
                          r->name, index, m, n, spec->index, r->m, r->n);
    return "";
  }
  const char *failed = output_run_same_settings(o, r, spec, diag, path);
  if (failed)
    return failed;
  /* A census run says so in its kind attribute; a run of trials has none. */
  char *kind = NULL;
  size_t kind_len = 0;
  int has_kind = H5Aexists(r->group, RF_RUN(KIND)) > 0;
  if (has_kind && output_attr_read_str(o, r->group, RF_RUN(KIND), &kind, &kind_len) < 0)
    return "reading a run's attributes";
  int file_census = has_kind && strcmp(kind, RF_KIND_CENSUS) == 0;
  uint32_t file_e = 0;
  if (file_census && output_attr_read_u32(r->group, RF_RUN(MAX_EQUILIBRIA), &file_e) < 0)
    file_e = 0;
  if ((has_kind && !file_census) || file_census != r->census || (r->census && file_e != r->E)) {
    sgema_diagnostics_add(diag, path, 1, 1, NULL,
                          "cannot resume: run `%s` is a %s run (max_equilibria %u) in the file "
                          "but a %s run (max_equilibria %zu) in the experiment",
                          r->name, has_kind ? kind : "trials", file_e,
                          r->census ? "census" : "trials", r->E);
    free(kind);
    return "";
  }
  free(kind);
  if (trials > r->trials) {
    sgema_diagnostics_add(diag, path, 1, 1, NULL,
                          "cannot resume: run `%s` has %u trials in the file but %u in the "
                          "experiment (a file can gain trials, never lose them)",
                          r->name, trials, r->trials);
    return "";
  }
  uint32_t grown = r->trials; /* checked at the file's size, then extended */
  r->trials = trials;
  for (int sec = 0; sec < RF_SEC_COUNT; sec++)
    if (rf_section_in((rf_section)sec, r->census) &&
        (r->sections[sec] = H5Gopen2(r->group, rf_section_name(sec), H5P_DEFAULT)) < 0)
      return "opening a section group";
  for (int c = 0; c < RF_COL_COUNT; c++) {
    if (!rf_column_in((rf_col)c, r->census))
      continue;
    if ((r->dset[c] = H5Dopen2(r->sections[rf_column_info((rf_col)c)->section],
                               rf_column_info((rf_col)c)->name, H5P_DEFAULT)) < 0)
      return "opening a per-trial dataset";
    rf_type t = rf_column_info((rf_col)c)->type;
    H5T_class_t cls = t == RF_T_F64 ? H5T_FLOAT : t >= RF_T_CLASS ? H5T_ENUM : H5T_INTEGER;
    if (!dataset_fits(r->dset[c], cls, rf_type_size(t), r->trials,
                      r->row_bytes[c] / rf_type_size(t))) {
      sgema_diagnostics_add(diag, path, 1, 1, NULL,
                            "run `%s`: dataset %s/%s has another type or shape than this "
                            "experiment's (damaged or rewritten file)",
                            r->name, rf_section_name(rf_column_info((rf_col)c)->section),
                            rf_column_info((rf_col)c)->name);
      return "";
    }
  }
  if ((r->done = H5Dopen2(r->group, RF_DONE, H5P_DEFAULT)) < 0)
    return "opening the done dataset";
  if (!dataset_fits(r->done, H5T_INTEGER, 1, r->trials, 1)) {
    sgema_diagnostics_add(diag, path, 1, 1, NULL,
                          "run `%s`: dataset done has another type or shape than this "
                          "experiment's (damaged or rewritten file)",
                          r->name);
    return "";
  }
  if ((r->trajectories = H5Gopen2(r->group, RF_TRAJECTORIES, H5P_DEFAULT)) < 0)
    return "opening the trajectories group";
  uint32_t stored_traj = 0;
  if (output_attr_read_u32(r->group, RF_RUN(TRAJECTORIES), &stored_traj) < 0)
    return "reading a run's attributes";
  for (size_t k = 0; k < r->traj_count; k++) {
    traj_out *t = &r->traj[k];
    if (k >= stored_traj) { /* more trials now reach the recorded ones */
      const char *made = output_traj_create(r, k);
      if (made)
        return made;
      continue;
    }
    char name[24];
    snprintf(name, sizeof name, "%zu", k);
    if ((t->group = H5Gopen2(r->trajectories, name, H5P_DEFAULT)) < 0)
      return "opening a trajectory's group";
    for (int i = 0; i < 4; i++) {
      if ((*output_traj_dset(t, i) = H5Dopen2(t->group, output_traj_names[i], H5P_DEFAULT)) < 0)
        return "opening a trajectory's dataset";
      /* A damaged shape would make the first write extend the file to whatever it claims. */
      if (!dataset_fits(*output_traj_dset(t, i), H5T_FLOAT, sizeof(double), r->points,
                        i == 1 ? r->N : 1))
        return traj_misfit(r, k, output_traj_names[i], diag, path);
    }
    if ((t->count = H5Dopen2(t->group, RF_TRAJ_COUNT, H5P_DEFAULT)) < 0)
      return "opening a trajectory's count";
    if (!count_fits(t->count, r->points))
      return traj_misfit(r, k, RF_TRAJ_COUNT, diag, path);
  }
  if (r->traj_count > stored_traj &&
      output_attr_u32(r->group, RF_RUN(TRAJECTORIES), (uint32_t)r->traj_count) < 0)
    return "writing a run's attributes";
  return grown > r->trials ? run_extend(r, grown, diag, path) : NULL;
}

/* A file made with --runs or --select holds only those runs: a resume must select the same ones,
 * said the same way (files without the attribute hold every run). */
static const char *selection_check(sgema_output *o, const sgema_experiment *e,
                                   sgema_diagnostics *diag, const char *path) {
  char *stored = NULL;
  size_t len = 0;
  htri_t has = H5Aexists(o->file, RF_ROOT(SELECTION));
  if (has < 0 ||
      (has > 0 && output_attr_read_str(o, o->file, RF_ROOT(SELECTION), &stored, &len) < 0))
    return "reading the stored run selection";
  const char *now = sgema_experiment_selection(e), *then = stored ? stored : "";
  int same = strcmp(now, then) == 0;
  if (!same)
    sgema_diagnostics_add(diag, path, 1, 1, NULL,
                          "cannot resume: the file holds %s%s%s but this command asks for %s%s%s "
                          "(give the same --runs/--select as when it was created)",
                          then[0] ? "the runs of `" : "every run", then, then[0] ? "`" : "",
                          now[0] ? "the runs of `" : "every run", now, now[0] ? "`" : "");
  free(stored);
  return same ? NULL : "";
}

/* Checks that the file being resumed holds this experiment: same format, same seed and run
 * selection (the runs themselves: run_reopen). Returns NULL, "" (reason already in diag) or what
 * failed. */
static const char *root_check(sgema_output *o, const sgema_experiment *e, sgema_diagnostics *diag,
                              const char *path) {
  int version;
  if (!integer_attr_ok(o->file, RF_ROOT(FORMAT_VERSION), "the file", diag, path) ||
      !integer_attr_ok(o->file, RF_ROOT(SEED), "the file", diag, path))
    return "";
  if (output_attr_read_i32(o->file, RF_ROOT(FORMAT_VERSION), &version) < 0)
    return "reading the format version (not an sgema results file?)";
  if (version != RF_FORMAT_VERSION) {
    sgema_diagnostics_add(diag, path, 1, 1, NULL,
                          "cannot resume: has format version %d; this program writes version %d "
                          "and resumes only that (finish the file with the sgema-run that wrote "
                          "it, or start a new file; the analysis tools read it)",
                          version, RF_FORMAT_VERSION);
    return "";
  }
  /* The runs are compared one by one (output_run_same_settings), not the YAML text; the seed here.
   */
  uint64_t seed = 0;
  hid_t a = output_attr_open_one(o->file, RF_ROOT(SEED));
  herr_t rd = a < 0 ? -1 : H5Aread(a, H5T_NATIVE_UINT64, &seed);
  if (a >= 0)
    H5Aclose(a);
  if (rd < 0)
    return "reading the stored seed";
  if (seed != sgema_experiment_seed(e)) {
    sgema_diagnostics_add(diag, path, 1, 1, NULL,
                          "cannot resume: the file was written with seed %llu, %s has seed %llu",
                          (unsigned long long)seed, sgema_experiment_path(e),
                          (unsigned long long)sgema_experiment_seed(e));
    return "";
  }
  return selection_check(o, e, diag, path);
}

/* Attribute name of the root as a string equals text (1), differs (0), or cannot be read (-1). */
static int root_str_equals(sgema_output *o, const char *name, const char *text) {
  char *stored = NULL;
  size_t len = 0;
  if (output_attr_read_str(o, o->file, name, &stored, &len) < 0)
    return -1;
  int same = strcmp(stored, text) == 0;
  free(stored);
  return same;
}

/* After a successful resume check: the experiment as now written (a comment added, trials
 * raised) replaces the stored source and resolved form, so that they describe the file. Only when
 * they differ: a resume of the same experiment writes no new metadata (on a full disk, new
 * metadata would fail in the open, where HDF5 1.10 cannot recover: see output.h). */
static const char *root_update(sgema_output *o, const sgema_experiment *e) {
  const char *source = sgema_experiment_source(e, NULL);
  char *resolved = sgema_experiment_resolved(e, SGEMA_EXPERIMENT_YAML);
  if (!resolved)
    return "updating the stored experiment (out of memory)";
  int same_source = root_str_equals(o, RF_ROOT(SOURCE), source);
  int same_resolved = root_str_equals(o, RF_ROOT(RESOLVED), resolved);
  int bad = same_source < 0 || same_resolved < 0 ||
            (!same_source && output_attr_str(o, o->file, RF_ROOT(SOURCE), source) < 0) ||
            (!same_resolved && output_attr_str(o, o->file, RF_ROOT(RESOLVED), resolved) < 0);
  free(resolved);
  return bad ? "updating the stored experiment" : NULL;
}

/* Attribute `name` describes every row: when the rows computed now are made under another value
 * (`now`: another build, CPU, BLAS kernel or library), a note says so and the attribute gains it
 * after a "resumed with:" line. Unchanged: nothing written. */
static const char *provenance_update(sgema_output *o, const char *name, const char *now,
                                     const char *what, sgema_diagnostics *diag, const char *path) {
  char *stored = NULL;
  size_t len = 0;
  if (output_attr_read_str(o, o->file, name, &stored, &len) < 0)
    return "reading the stored provenance";
  const char *failed = NULL;
  if (!strstr(stored, now)) { /* the first, or one already added by a resume */
    sgema_diagnostics_add(diag, path, 1, 1, NULL,
                          "note: resumed under %s than the file records (attribute %s): the rows "
                          "computed now may differ from the others in the last bits",
                          what, name);
    size_t size = len + strlen(now) + 32;
    char *both = malloc(size);
    if (!both)
      failed = "updating the provenance (out of memory)";
    else {
      const char *sep = len && stored[len - 1] != '\n' ? "\n" : "";
      snprintf(both, size, "%s%sresumed with:\n%s", stored, sep, now);
      if (output_attr_str(o, o->file, name, both) < 0)
        failed = "updating the provenance";
      free(both);
    }
  }
  free(stored);
  return failed;
}

/* The build and numerics the rows computed now are made under, added to the file's when they
 * differ (info->numerics NULL: this process's). */
static const char *provenance_resume(sgema_output *o, const sgema_output_info *info,
                                     sgema_diagnostics *diag, const char *path) {
  char own[SGEMA_OUTPUT_NUMERICS_SIZE];
  const char *numerics = info->numerics;
  if (!numerics) {
    sgema_output_numerics(own, sizeof own);
    numerics = own;
  }
  const char *failed =
      provenance_update(o, RF_ROOT(PROGRAM_VERSION), info->version, "another build", diag, path);
  if (!failed)
    failed = provenance_update(o, RF_ROOT(BUILD_FLAGS), info->build_flags, "other build flags",
                               diag, path);
  if (!failed)
    failed = provenance_update(o, RF_ROOT(NUMERICS), numerics, "other numerics", diag, path);
  return failed;
}

static const char *resume_count(sgema_output *o) {
  int resumed = 0;
  if (output_attr_read_i32(o->file, RF_ROOT(RESUMED), &resumed) < 0 ||
      output_attr_i32(o->file, RF_ROOT(RESUMED), resumed + 1) < 0 ||
      output_attr_i32(o->file, RF_ROOT(COMPLETE), 0) < 0)
    return "updating the root attributes";
  return NULL;
}

const char *output_reopen(sgema_output *o, const sgema_experiment *e, const char *path, hid_t fapl,
                          const sgema_output_info *info, sgema_diagnostics *diag) {
  /* Not HDF5 at all (empty, cut before its superblock, another kind of file): refused before
   * opening it for writing, which would otherwise write a superblock into it. */
  if (access(path, F_OK) == 0 && H5Fis_hdf5(path) <= 0) {
    sgema_diagnostics_add(diag, path, 1, 1, NULL,
                          "cannot resume: not an HDF5 file (empty, truncated or another kind "
                          "of file)");
    return "";
  }
  const char *failed = NULL;
  if (access(path, F_OK) == 0 && (failed = storage_precheck(path, diag)) != NULL)
    return failed;
  if ((o->file = H5Fopen(path, H5F_ACC_RDWR, fapl)) < 0)
    return "opening the file to resume it";
  if ((failed = root_check(o, e, diag, path)) != NULL)
    return failed;
  H5G_info_t ginfo;
  hid_t runs = H5Gopen2(o->file, RF_RUNS, H5P_DEFAULT);
  if (runs < 0 || H5Gget_info(runs, &ginfo) < 0)
    failed = "opening /runs";
  if (!failed && ginfo.nlinks != o->nruns) {
    sgema_diagnostics_add(diag, path, 1, 1, NULL, "has %llu runs; the experiment has %zu",
                          (unsigned long long)ginfo.nlinks, o->nruns);
    failed = "";
  }
  for (size_t i = 0; !failed && i < o->nruns; i++)
    failed = run_reopen(o, runs, &o->runs[i], sgema_experiment_run(e, i), diag, path);
  if (runs >= 0)
    H5Gclose(runs);
  if (!failed)
    failed = root_update(o, e);
  if (!failed)
    failed = provenance_resume(o, info, diag, path);
  if (!failed)
    failed = output_runs_verify_done(o, diag, path);
  if (!failed)
    failed = resume_count(o);
  return failed;
}
