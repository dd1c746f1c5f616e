/* Creating a results file (docs/FORMAT.md) and opening one, new or resumed. */
#define _POSIX_C_SOURCE 200809L

#include "output_impl.h"
#include "settings_json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The shape of a column's dataset for this run. */
static int column_dims(const run_out *r, const rf_column *c, hsize_t dims[3]) {
  dims[0] = r->trials;
  switch (c->shape) {
  case RF_SHAPE_KINDS:
    dims[1] = RF_CENSUS_KINDS;
    return 2;
  case RF_SHAPE_RANKS:
    dims[1] = (hsize_t)r->m + 1;
    return 2;
  case RF_SHAPE_PATHS:
    dims[1] = 2;
    dims[2] = RF_CENSUS_PATHS / 2;
    return 3;
  case RF_SHAPE_E:
    dims[1] = r->E;
    return 2;
  case RF_SHAPE_EMM:
    dims[1] = r->E;
    dims[2] = r->mm;
    return 3;
  case RF_SHAPE_MM:
    dims[1] = dims[2] = (hsize_t)r->m;
    return 3;
  case RF_SHAPE_N:
    dims[1] = r->N;
    return 2;
  case RF_SHAPE_K:
    dims[1] = r->k;
    return 2;
  default:
    return 1;
  }
}

/* Copies what the run needs from its spec and allocates the staging that does not grow. */
static int run_init(run_out *r, const sgema_run_spec *spec) {
  for (int c = 0; c < RF_COL_COUNT; c++)
    r->dset[c] = -1;
  r->group = r->trajectories = r->done = -1;
  for (int s = 0; s < RF_SEC_COUNT; s++)
    r->sections[s] = -1;
  r->name = malloc(strlen(spec->name) + 1);
  if (!r->name)
    return -1;
  strcpy(r->name, spec->name);
  r->trials = spec->trials;
  r->m = spec->settings.m;
  r->n = spec->settings.n;
  r->N = sgema_problem_dim_for(spec->settings.alg, r->m, r->n);
  r->mm = (size_t)r->m * r->m;
  r->k = (size_t)sgema_record_eigenvalues(&spec->settings);
  r->census = spec->kind == SGEMA_RUN_CENSUS;
  r->E = r->census ? (size_t)spec->settings.census.max_equilibria : 0;
  for (int c = 0; c < RF_COL_COUNT; c++) {
    const rf_column *col = rf_column_info((rf_col)c);
    r->row_bytes[c] = rf_column_in((rf_col)c, r->census)
                          ? rf_row_values(col->shape, output_run_dims(r)) * rf_type_size(col->type)
                          : 0;
  }
  r->is_staged = calloc(r->trials, 1);
  r->traj_count = spec->record.trajectories < spec->trials ? spec->record.trajectories : r->trials;
  r->points = spec->record.points;
  r->traj = r->traj_count ? calloc(r->traj_count, sizeof *r->traj) : NULL;
  if (!r->is_staged || (r->traj_count && !r->traj))
    return -1;
  for (size_t k = 0; k < r->traj_count; k++) {
    traj_out *t = &r->traj[k];
    t->group = t->t = t->state = t->ebar = t->fbar = t->count = -1;
  }
  return 0;
}

/* Creates the group and datasets of run r's recorded trajectory k. */
const char *output_traj_create(run_out *r, size_t k) {
  const double nan = NAN;
  traj_out *t = &r->traj[k];
  char name[24];
  snprintf(name, sizeof name, "%zu", k);
  if ((t->group = output_group_create(r->trajectories, name)) < 0)
    return "creating a trajectory's group";
  /* Contiguous: each is written at once by the rank that recorded it, independently, and a
   * contiguous dataset's address is in its header, read at open by every rank, so that the
   * write reads no metadata. */
  hsize_t tdims[2] = {r->points, r->N};
  for (int i = 0; i < 4; i++)
    if ((*output_traj_dset(t, i) =
             output_dataset_create(t->group, output_traj_names[i], H5T_IEEE_F64LE,
                                   H5T_NATIVE_DOUBLE, i == 1 ? 2 : 1, tdims, &nan, 0)) < 0)
      return "creating a trajectory's dataset";
  /* A dataset, not an attribute: only the rank that recorded the trajectory knows the count,
   * and attribute writes must be collective with the same value on every rank. -1: not yet. */
  const int64_t minus_one = -1;
  if ((t->count = output_dataset_create(t->group, RF_TRAJ_COUNT, H5T_STD_I64LE, H5T_NATIVE_INT64, 0,
                                        NULL, &minus_one, 0)) < 0)
    return "creating a trajectory's count";
  return NULL;
}

/* Creates run r's group, attributes, datasets and trajectory groups. Returns a description of what
 * failed, or NULL. */
static const char *run_create(sgema_output *o, hid_t runs, run_out *r, const sgema_run_spec *spec) {
  const sgema_settings *s = &spec->settings;
  if ((r->group = output_group_create(runs, r->name)) < 0)
    return "creating the run's group";
  char *json = sgema_settings_json_line(s);
  int bad = !json || output_attr_u32(r->group, RF_RUN(INDEX), spec->index) < 0 ||
            output_attr_u32(r->group, RF_RUN(STREAM), spec->stream) < 0 ||
            output_attr_str(o, r->group, RF_RUN(ALG), sgema_alg_name(s->alg)) < 0 ||
            output_attr_i32(r->group, RF_RUN(M), r->m) < 0 ||
            output_attr_i32(r->group, RF_RUN(N), r->n) < 0 ||
            output_attr_u32(r->group, RF_RUN(STATE_DIM), (uint32_t)r->N) < 0 ||
            output_attr_u32(r->group, RF_RUN(TRIALS), r->trials) < 0 ||
            output_attr_str(o, r->group, RF_RUN(TIME), sgema_time_name(s->time)) < 0 ||
            output_attr_str(o, r->group, RF_RUN(SETTINGS), json) < 0 ||
            output_attr_u32(r->group, RF_RUN(TRAJECTORIES), (uint32_t)r->traj_count) < 0 ||
            output_attr_u32(r->group, RF_RUN(POINTS), (uint32_t)r->points) < 0 ||
            output_attr_f64(r->group, RF_RUN(T_LAST), spec->record.t_last) < 0 ||
            (r->census && (output_attr_str(o, r->group, RF_RUN(KIND), RF_KIND_CENSUS) < 0 ||
                           output_attr_u32(r->group, RF_RUN(MAX_EQUILIBRIA), (uint32_t)r->E) < 0));
  free(json);
  if (bad)
    return "writing the run's attributes";
  for (int sec = 0; sec < RF_SEC_COUNT; sec++)
    if (rf_section_in((rf_section)sec, r->census) &&
        (r->sections[sec] = output_group_create(r->group, rf_section_name(sec))) < 0)
      return "creating a section group";
  const double nan = NAN;
  const uint64_t zero = 0;
  const uint8_t undone = RF_UNDONE;
  for (int c = 0; c < RF_COL_COUNT; c++) {
    const rf_column *col = rf_column_info((rf_col)c);
    if (!rf_column_in((rf_col)c, r->census))
      continue;
    hsize_t dims[3];
    int rank = column_dims(r, col, dims);
    const void *fill = col->type == RF_T_F64     ? (const void *)&nan
                       : col->type >= RF_T_CLASS ? (const void *)&undone
                                                 : (const void *)&zero;
    r->dset[c] =
        output_dataset_create(r->sections[col->section], col->name, output_file_type(o, col->type),
                              output_mem_type(o, col->type), rank, dims, fill, 1);
    if (r->dset[c] < 0)
      return "creating a per-trial dataset";
  }
  hsize_t dims[1] = {r->trials};
  const uint8_t not_done = 0;
  r->done = output_dataset_create(r->group, RF_DONE, H5T_STD_U8LE, H5T_NATIVE_UINT8, 1, dims,
                                  &not_done, 1);
  if (r->done < 0)
    return "creating the done dataset";
  if ((r->trajectories = output_group_create(r->group, RF_TRAJECTORIES)) < 0)
    return "creating the trajectories group";
  for (size_t k = 0; k < r->traj_count; k++) {
    const char *failed = output_traj_create(r, k);
    if (failed)
      return failed;
  }
  return NULL;
}

/* The root group's attributes of a new file. */
static const char *root_create(sgema_output *o, const sgema_experiment *e,
                               const sgema_output_info *info) {
  hid_t root = o->file;
  char now[32];
  output_utc_now(now);
  size_t len;
  const char *source = sgema_experiment_source(e, &len);
  char *resolved = sgema_experiment_resolved(e, SGEMA_EXPERIMENT_YAML);
  if (!resolved)
    return "rendering the resolved experiment (out of memory)";
  char own[SGEMA_OUTPUT_NUMERICS_SIZE];
  const char *numerics = info->numerics;
  if (!numerics) {
    sgema_output_numerics(own, sizeof own);
    numerics = own;
  }
  int bad = output_attr_str(o, root, RF_ROOT(EXPERIMENT), sgema_experiment_name(e)) < 0 ||
            output_attr_u64(root, RF_ROOT(SEED), sgema_experiment_seed(e)) < 0 ||
            output_attr_str(o, root, RF_ROOT(DESCRIPTION), sgema_experiment_description(e)) < 0 ||
            output_attr_str(o, root, RF_ROOT(SOURCE), source) < 0 ||
            output_attr_str(o, root, RF_ROOT(RESOLVED), resolved) < 0 ||
            output_attr_str(o, root, RF_ROOT(SELECTION), sgema_experiment_selection(e)) < 0 ||
            output_attr_str(o, root, RF_ROOT(PROGRAM_VERSION), info->version) < 0 ||
            output_attr_str(o, root, RF_ROOT(BUILD_FLAGS), info->build_flags) < 0 ||
            output_attr_str(o, root, RF_ROOT(COMMAND), info->command) < 0 ||
            output_attr_i32(root, RF_ROOT(RANKS), info->ranks) < 0 ||
            output_attr_str(o, root, RF_ROOT(HOST), info->host) < 0 ||
            output_attr_str(o, root, RF_ROOT(START_TIME),
                            info->start_time ? info->start_time : now) < 0 ||
            output_attr_str(o, root, RF_ROOT(END_TIME), "") < 0 ||
            output_attr_i32(root, RF_ROOT(COMPLETE), 0) < 0 ||
            output_attr_i32(root, RF_ROOT(RESUMED), 0) < 0 ||
            output_attr_str(o, root, RF_ROOT(NUMERICS), numerics) < 0 ||
            output_attr_i32(root, RF_ROOT(FORMAT_VERSION), RF_FORMAT_VERSION) < 0;
  free(resolved);
  return bad ? "writing the root attributes" : NULL;
}

/* An enum type over uint8 with the names name(0) .. name(count-1) and `undone` = 255. */
static hid_t enum_type(size_t count, const char *(*name)(int)) {
  hid_t t = H5Tenum_create(H5T_NATIVE_UINT8);
  if (t < 0)
    return -1;
  for (size_t i = 0; i <= count; i++) {
    uint8_t v = i < count ? (uint8_t)i : RF_UNDONE;
    if (H5Tenum_insert(t, i < count ? name((int)i) : RF_UNDONE_NAME, &v) < 0) {
      H5Tclose(t);
      return -1;
    }
  }
  return t;
}

static const char *class_name(int i) {
  return sgema_class_name((sgema_class)i);
}
static const char *end_name(int i) {
  return sgema_end_name((sgema_end)i);
}
static const char *sphere_name(int i) {
  return sgema_sphere_name((sgema_sphere)i);
}
static const char *solver_name(int i) {
  return sgema_record_solver_name((sgema_spectrum_solver)i);
}
static const char *solution_name(int i) {
  return sgema_solution_kind_name((sgema_solution_kind)i);
}
static const char *eqclass_name(int i) {
  return sgema_equilibrium_class_name((sgema_equilibrium_class)i);
}

/* A handle for e's runs, HDF5's error printing replaced by the handle's record of the first
 * failure (output_err_handler). SGEMA_ENOMEM when out of memory. */
int output_alloc(sgema_output **out, const sgema_experiment *e, const char *path) {
  sgema_output *o = calloc(1, sizeof *o);
  if (!o)
    return SGEMA_ENOMEM;
  o->file = o->xfer_coll = o->xfer_indep = o->str_type = -1;
  for (int k = 0; k < ENUM_COUNT; k++)
    o->enums[k] = -1;
  output_err_reset(&o->err);
  if (!(o->path = strdup(path))) {
    free(o);
    return SGEMA_ENOMEM;
  }
  /* Failures come back as statuses with HDF5's reasons in diag; HDF5 must not print. */
  H5Eget_auto2(H5E_DEFAULT, &o->old_func, &o->old_data);
  H5Eset_auto2(H5E_DEFAULT, output_err_handler, &o->err);

  o->nruns = sgema_experiment_run_count(e);
  o->runs = calloc(o->nruns ? o->nruns : 1, sizeof *o->runs);
  if (!o->runs) {
    output_free(o);
    return SGEMA_ENOMEM;
  }
  for (size_t i = 0; i < o->nruns; i++) {
    if (run_init(&o->runs[i], sgema_experiment_run(e, i)) < 0) {
      o->nruns = i + 1;
      output_free(o);
      return SGEMA_ENOMEM;
    }
  }
  *out = o;
  return SGEMA_OK;
}

/* The handle's HDF5 types and transfer lists, and fapl set up for parallel access through comm.
 * Returns what failed, or NULL. */
const char *output_types(sgema_output *o, hid_t fapl, MPI_Comm comm) {
  o->str_type = H5Tcopy(H5T_C_S1);
  o->xfer_coll = H5Pcreate(H5P_DATASET_XFER);
  o->xfer_indep = H5Pcreate(H5P_DATASET_XFER);
  o->enums[ENUM_CLASS] = enum_type(SGEMA_CLASS_COUNT, class_name);
  o->enums[ENUM_END] = enum_type(SGEMA_END_COUNT, end_name);
  o->enums[ENUM_SPHERE] = enum_type(SGEMA_SPHERE_S2 + 1, sphere_name);
  o->enums[ENUM_SOLVER] = enum_type(SGEMA_SPECTRUM_ARNOLDI + 1, solver_name);
  o->enums[ENUM_SOLUTION] = enum_type(SGEMA_SOLUTION_COUNT, solution_name);
  o->enums[ENUM_EQCLASS] = enum_type(SGEMA_EQUILIBRIUM_COUNT, eqclass_name);
  /* Metadata writes are collective (they happen at open, flush and close, where every rank is).
   * Metadata reads stay independent: a collective read would need every rank to look up the
   * same chunks, and a rank with no rows looks up none. */
  if (fapl < 0 || H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL) < 0 ||
      H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0 || H5Pset_coll_metadata_write(fapl, 1) < 0 ||
      o->str_type < 0 || H5Tset_size(o->str_type, H5T_VARIABLE) < 0 ||
      H5Tset_cset(o->str_type, H5T_CSET_UTF8) < 0 || o->xfer_coll < 0 ||
      H5Pset_dxpl_mpio(o->xfer_coll, H5FD_MPIO_COLLECTIVE) < 0 || o->xfer_indep < 0 ||
      H5Pset_dxpl_mpio(o->xfer_indep, H5FD_MPIO_INDEPENDENT) < 0 || o->enums[ENUM_CLASS] < 0 ||
      o->enums[ENUM_END] < 0 || o->enums[ENUM_SPHERE] < 0 || o->enums[ENUM_SOLVER] < 0 ||
      o->enums[ENUM_SOLUTION] < 0 || o->enums[ENUM_EQCLASS] < 0)
    return "setting up the HDF5 types and property lists";
  return NULL;
}

/* Creates the file, failing if it exists, with its root attributes and every run's objects.
 * Returns NULL, "" (the reason already in diag) or what failed. */
const char *output_create_file(sgema_output *o, const sgema_experiment *e,
                               const sgema_output_info *info, hid_t fapl, sgema_diagnostics *diag) {
  const char *path = info->path, *failed = NULL;
  o->file = H5Fcreate(path, H5F_ACC_EXCL, H5P_DEFAULT, fapl);
  if (o->file < 0) {
    if (access(path, F_OK) != 0)
      return "creating the file";
    sgema_diagnostics_add(diag, path, 1, 1, NULL,
                          "exists (resume it, or remove it to start afresh)");
    return "";
  }
  sgema_output_test_die(1);
  if ((failed = root_create(o, e, info)) != NULL)
    return failed;
  sgema_output_test_die(2);
  hid_t runs = output_group_create(o->file, RF_RUNS);
  if (runs < 0)
    return "creating /runs";
  for (size_t i = 0; !failed && i < o->nruns; i++) {
    failed = run_create(o, runs, &o->runs[i], sgema_experiment_run(e, i));
    if (!failed && i == 0)
      sgema_output_test_die(3);
  }
  H5Gclose(runs);
  return failed;
}
