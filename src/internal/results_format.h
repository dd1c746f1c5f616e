/* The results file's layout (docs/FORMAT.md): every group, dataset and attribute name, each
 * per-trial dataset's type and shape, and the format versions. The one description shared by the
 * writer (src/io/output_*.c) and every reader (src/io/reader/, analysis/), so that they
 * cannot drift apart. No HDF5 here: the types are named, each side maps them to its own. */
#ifndef SGEMA_RESULTS_FORMAT_H
#define SGEMA_RESULTS_FORMAT_H

#include <stddef.h>

/* ---- versions ---- */

/* What sgema-run writes (root attribute format_version), and the only version it resumes. Version 3
 * added the spectrum's columns, jvp_evals and the root attribute numerics. */
#define RF_FORMAT_VERSION 3
/* The oldest version the analysis tools read: version 1 lacks outputs/status (RF_COLUMNS' `since`)
 * and the `failed` class and `error` end value; versions 1 and 2 lack the columns of version 3. */
#define RF_FORMAT_OLDEST 1

/* ---- groups and the datasets outside the per-trial table ---- */

#define RF_RUNS "runs"                 /* under the root: one group per run */
#define RF_RUNS_PATH "/" RF_RUNS       /* the same, as an absolute path */
#define RF_DONE "done"                 /* uint8 [trials] under a run: 1 once the row is written */
#define RF_TRAJECTORIES "trajectories" /* under a run: a group <k> per recorded trajectory */

/* A recorded trajectory's datasets (float64 [points] each; state [points, N]; count int64
 * scalar, -1 until written). */
#define RF_TRAJ_T "t"
#define RF_TRAJ_STATE "state"
#define RF_TRAJ_EBAR "ebar"
#define RF_TRAJ_FBAR "fbar"
#define RF_TRAJ_COUNT "count"

/* The enums' fill value, and its name: rows not yet written read as `undone`. */
#define RF_UNDONE 255
#define RF_UNDONE_NAME "undone"

/* The per-trial datasets are chunked by rows: at most this many rows and about this many bytes. */
#define RF_CHUNK_ROWS 4096
#define RF_CHUNK_BYTES (1u << 20)

/* ---- attributes ----
 * X(id, name, type, help). Types: STR (variable-length UTF-8 string), U64, U32, I32 (integers),
 * F64. The order is the order sgema-run writes them. */
#define RF_ROOT_ATTRS(X)                                                                           \
  X(EXPERIMENT, "experiment", STR, "the experiment's name")                                        \
  X(SEED, "seed", U64, "the experiment's seed")                                                    \
  X(DESCRIPTION, "description", STR, "its description (\"\" when none)")                           \
  X(SOURCE, "source", STR, "the experiment file, byte for byte as read")                           \
  X(RESOLVED, "resolved", STR, "every run with every setting spelt out, as YAML")                  \
  X(SELECTION, "selection", STR, "the --runs/--select that chose the runs (\"\": all)")            \
  X(PROGRAM_VERSION, "program_version", STR, "program version")                                    \
  X(BUILD_FLAGS, "build_flags", STR, "compiler and flags")                                         \
  X(COMMAND, "command", STR, "the command line")                                                   \
  X(RANKS, "ranks", I32, "MPI processes")                                                          \
  X(HOST, "host", STR, "rank 0's host name")                                                       \
  X(START_TIME, "start_time", STR, "ISO 8601 UTC")                                                 \
  X(END_TIME, "end_time", STR, "ISO 8601 UTC; \"\" until the file is closed")                      \
  X(COMPLETE, "complete", I32, "1 when every trial of every run is done")                          \
  X(RESUMED, "resumed", I32, "how many times the file was resumed")                                \
  X(NUMERICS, "numerics", STR, "what decides the bits across machines (docs/NUMERICS.md)")         \
  X(FORMAT_VERSION, "format_version", I32, "RF_FORMAT_VERSION")

#define RF_RUN_ATTRS(X)                                                                            \
  X(INDEX, "index", U32, "position among the expanded runs")                                       \
  X(STREAM, "stream", U32, "the kernel's run id")                                                  \
  X(ALG, "alg", STR, "sg, ema or gd")                                                              \
  X(M, "m", I32, "the problem's m")                                                                \
  X(N, "n", I32, "the problem's n")                                                                \
  X(STATE_DIM, "state_dim", U32, "N, the state length")                                            \
  X(TRIALS, "trials", U32, "rows of every per-trial dataset")                                      \
  X(TIME, "time", STR, "flow or discrete")                                                         \
  X(SETTINGS, "settings", STR, "the resolved settings as one line of JSON")                        \
  X(TRAJECTORIES, "trajectories", U32, "how many trials are recorded")                             \
  X(POINTS, "points", U32, "recorded times per trajectory")                                        \
  X(T_LAST, "t_last", F64, "the last recorded time")                                               \
  X(KIND, "kind", STR, "census for a census run; absent in a run of trials")                       \
  X(MAX_EQUILIBRIA, "max_equilibria", U32, "census run: E, equilibria stored per data set")

typedef enum { RF_ATTR_STR, RF_ATTR_U64, RF_ATTR_U32, RF_ATTR_I32, RF_ATTR_F64 } rf_attr_type;

typedef struct {
  const char *name;
  rf_attr_type type;
  const char *help;
} rf_attr;

typedef enum {
#define RF_ROOT_ENUM(id, name, type, help) RF_ROOT_##id,
  RF_ROOT_ATTRS(RF_ROOT_ENUM) RF_ROOT_COUNT
#undef RF_ROOT_ENUM
} rf_root_attr;

typedef enum {
#define RF_RUN_ENUM(id, name, type, help) RF_RUN_##id,
  RF_RUN_ATTRS(RF_RUN_ENUM) RF_RUN_COUNT
#undef RF_RUN_ENUM
} rf_run_attr;

static inline const rf_attr *rf_root_attr_info(rf_root_attr a) {
  static const rf_attr table[RF_ROOT_COUNT] = {
#define RF_ATTR_ROW(id, name, type, help) {name, RF_ATTR_##type, help},
      RF_ROOT_ATTRS(RF_ATTR_ROW)};
  return &table[a];
}

static inline const rf_attr *rf_run_attr_info(rf_run_attr a) {
  static const rf_attr table[RF_RUN_COUNT] = {RF_RUN_ATTRS(RF_ATTR_ROW)
#undef RF_ATTR_ROW
  };
  return &table[a];
}

/* The name of root attribute id (ROOT(SEED): "seed") and of run attribute id. */
#define RF_ROOT(id) (rf_root_attr_info(RF_ROOT_##id)->name)
#define RF_RUN(id) (rf_run_attr_info(RF_RUN_##id)->name)
/* The value of a census run's kind attribute (a run without the attribute is a run of trials). */
#define RF_KIND_CENSUS "census"

/* ---- the per-trial datasets ----
 * X(id, section, name, type, shape, since, help): the dataset's section (its group under the
 * run), name, element type, row shape (ONE: a scalar per trial, MM: an m x m matrix, N: a state
 * vector, K: the run's k recorded eigenvalues; a census run's KINDS: one per solution kind, RANKS:
 * m + 1 ranks 0..m, PATHS: [2 systems, 4 path ends], E: one per stored equilibrium, EMM: an m x m
 * matrix (row-major, m * m values) per stored equilibrium) and the first format version that has
 * it. The order is the order sgema-run creates them and stages them. A run of trials has the
 * sections inputs, outputs and verification; a census run (run attribute kind = census) has
 * inputs, census and equilibria, its "trial" k being data set k (rf_section_in). */
#define RF_COLUMNS(X)                                                                              \
  X(LAMBDA, INPUTS, "lambda", F64, ONE, 1, "weight decay")                                         \
  X(SXX, INPUTS, "Sxx", F64, MM, 1, "data statistic")                                              \
  X(SYX, INPUTS, "Syx", F64, MM, 1, "data statistic")                                              \
  X(SYY, INPUTS, "Syy", F64, MM, 1, "data statistic")                                              \
  X(Y0, INPUTS, "y0", F64, N, 1, "initial state (A, B, C)")                                        \
  X(DRAWS, INPUTS, "draws", I64, ONE, 1, "statistics draws of the rejection sampling")             \
  X(CLASS, OUTPUTS, "class", CLASS, ONE, 1, "the limit's class")                                   \
  X(END, OUTPUTS, "end", END, ONE, 1, "how the integration ended")                                 \
  X(STATUS, OUTPUTS, "status", I32, ONE, 2, "0, or the kernel's error code of a failed trial")     \
  X(SPHERE, OUTPUTS, "sphere", SPHERE, ONE, 1, "the m = 1 sphere of the limit")                    \
  X(SPHERE_AGREES, OUTPUTS, "sphere_agrees", I8, ONE, 1, "1 yes, 0 no, -1 not applicable")         \
  X(RANK, OUTPUTS, "rank", I8, ONE, 1, "numerical rank of A (-1 when diverged)")                   \
  X(MAX_REAL_EIG, OUTPUTS, "max_real_eig", F64, ONE, 1, "largest real part of the spectrum")       \
  X(SYMMETRY_ZEROS, OUTPUTS, "symmetry_zeros", I32, ONE, 1, "zero eigenvalues of the symmetry")    \
  X(SPECTRUM_SOLVER, OUTPUTS, "spectrum_solver", SOLVER, ONE, 3, "the eigensolver that was used")  \
  X(SPECTRUM_FELL_BACK, OUTPUTS, "spectrum_fell_back", U8, ONE, 3,                                 \
    "1: arnoldi failed, lapack used")                                                              \
  X(EIGENVALUES_RE, OUTPUTS, "eigenvalues_re", F64, K, 3, "the k rightmost, real parts")           \
  X(EIGENVALUES_IM, OUTPUTS, "eigenvalues_im", F64, K, 3, "their imaginary parts")                 \
  X(ABSCISSA_ERROR, OUTPUTS, "abscissa_error", F64, ONE, 3, "Ritz estimate (arnoldi; 0 dense)")    \
  X(SPECTRUM_PRODUCTS, OUTPUTS, "spectrum_products", I64, ONE, 3, "J v products of the spectrum")  \
  X(A_NORM, OUTPUTS, "a_norm", F64, ONE, 1, "|A|_F at the end")                                    \
  X(DELTA, OUTPUTS, "delta", F64, ONE, 1, "m = 1: tau^2 - 4 rho lambda")                           \
  X(R1, OUTPUTS, "r1", F64, ONE, 1, "m = 1: sphere radius")                                        \
  X(R2, OUTPUTS, "r2", F64, ONE, 1, "m = 1: sphere radius")                                        \
  X(T_END, OUTPUTS, "t_end", F64, ONE, 1, "time of the last accepted state")                       \
  X(FIELD_NORM, OUTPUTS, "field_norm", F64, ONE, 1, "|f|_2 there")                                 \
  X(STEPS, OUTPUTS, "steps", I64, ONE, 1, "integration counter")                                   \
  X(REJECTED, OUTPUTS, "rejected", I64, ONE, 1, "integration counter")                             \
  X(RHS_EVALS, OUTPUTS, "rhs_evals", I64, ONE, 1, "integration counter")                           \
  X(JAC_EVALS, OUTPUTS, "jac_evals", I64, ONE, 1, "integration counter")                           \
  X(JVP_EVALS, OUTPUTS, "jvp_evals", I64, ONE, 3, "integration counter: J v products")             \
  X(Y_END, OUTPUTS, "y_end", F64, N, 1, "final state")                                             \
  X(EQ6, VERIFICATION, "eq6", F64, ONE, 1, "Eq. 6 residual")                                       \
  X(EQ7, VERIFICATION, "eq7", F64, ONE, 1, "Eq. 7 residual")                                       \
  X(BALANCE, VERIFICATION, "balance", F64, ONE, 1, "balance check")                                \
  X(INVARIANT_DRIFT, VERIFICATION, "invariant_drift", F64, ONE, 1, "drift of the invariant")       \
  X(INVARIANT_T, VERIFICATION, "invariant_t", F64, ONE, 1, "end of the invariant's window")        \
  X(C_MINUS_A, VERIFICATION, "c_minus_a", F64, ONE, 1, "|C - A|_F at the end (EMA)")               \
  X(EBAR_START, VERIFICATION, "ebar_start", F64, ONE, 1, "Ebar at the start")                      \
  X(EBAR_END, VERIFICATION, "ebar_end", F64, ONE, 1, "Ebar at the end")                            \
  X(FBAR_START, VERIFICATION, "fbar_start", F64, ONE, 1, "Fbar at the start")                      \
  X(FBAR_END, VERIFICATION, "fbar_end", F64, ONE, 1, "Fbar at the end")                            \
  X(CENSUS_STATUS, CENSUS, "status", I32, ONE, 3, "0, or the error code of a failed data set")     \
  X(CENSUS_COUNTS, CENSUS, "counts", I32, KINDS, 3, "solutions: complex, indefinite, psd, pd")     \
  X(CENSUS_PSD_RANK, CENSUS, "psd_rank", I32, RANKS, 3, "PSD / PD solutions of rank 0 .. m")       \
  X(CENSUS_PATHS, CENSUS, "paths", I64, PATHS, 3,                                                  \
    "[Eq. 6, rank-deficient][converged, infinity, singular, failed]")                              \
  X(CENSUS_DUPLICATES, CENSUS, "duplicates", I32, ONE, 3, "paths ending on a solution found")      \
  X(CENSUS_DROPPED, CENSUS, "dropped", I32, ONE, 3, "finite path ends Newton did not converge")    \
  X(CENSUS_CONJUGATES, CENSUS, "conjugates_added", I32, ONE, 3,                                    \
    "complex roots added as conjugate")                                                            \
  X(CENSUS_ORIGIN_ADDED, CENSUS, "origin_added", I32, ONE, 3,                                      \
    "1: the origin added in closed form")                                                          \
  X(CENSUS_EQUILIBRIA, CENSUS, "equilibria", I32, ONE, 3, "PSD and PD solutions found")            \
  X(CENSUS_STORED, CENSUS, "stored", I32, ONE, 3, "of those, stored in equilibria/ (at most E)")   \
  X(CENSUS_OVERFLOW, CENSUS, "overflow", I32, ONE, 3, "found but not stored (more than E)")        \
  X(EQ_RANK, EQUILIBRIA, "rank", I8, E, 3, "numerical rank of S; -1 past the stored ones")         \
  X(EQ_KIND, EQUILIBRIA, "kind", SOLUTION, E, 3, "psd or pd")                                      \
  X(EQ_S, EQUILIBRIA, "S", F64, EMM, 3, "S = A^T A, m x m row-major")                              \
  X(EQ_CLASS, EQUILIBRIA, "class", EQCLASS, E, 3, "stable, saddle or degenerate")                  \
  X(EQ_MC_CLASS, EQUILIBRIA, "mc_class", CLASS, E, 3, "the Monte Carlo classifier's class there")  \
  X(EQ_ABSCISSA, EQUILIBRIA, "abscissa", F64, E, 3, "largest real part of the reduced spectrum")   \
  X(EQ_UNSTABLE, EQUILIBRIA, "unstable", I32, E, 3, "unstable directions; -1 past the stored")     \
  X(EQ_SYMMETRY_ZEROS, EQUILIBRIA, "symmetry_zeros", I32, E, 3, "the O(n) orbit's dimension")      \
  X(EQ_FIELD_RESIDUAL, EQUILIBRIA, "field_residual", F64, E, 3, "relative |f| there")              \
  X(EQ_SYSTEM_RESIDUAL, EQUILIBRIA, "system_residual", F64, E, 3, "relative residual of the system")

/* The sections: groups under each run holding the per-trial datasets. */
#define RF_SECTION_INPUTS "inputs"
#define RF_SECTION_OUTPUTS "outputs"
#define RF_SECTION_VERIFICATION "verification"
#define RF_SECTION_CENSUS "census"
#define RF_SECTION_EQUILIBRIA "equilibria"

typedef enum {
#define RF_COL_ENUM(id, section, name, type, shape, since, help) RF_COL_##id,
  RF_COLUMNS(RF_COL_ENUM)
#undef RF_COL_ENUM
      RF_COL_COUNT
} rf_col;

typedef enum {
  RF_SEC_INPUTS,
  RF_SEC_OUTPUTS,
  RF_SEC_VERIFICATION,
  RF_SEC_CENSUS,
  RF_SEC_EQUILIBRIA,
  RF_SEC_COUNT
} rf_section;
/* Element types: the enums (RF_T_CLASS and after) are uint8 with named values and RF_UNDONE. */
typedef enum {
  RF_T_F64,
  RF_T_I64,
  RF_T_I32,
  RF_T_I8,
  RF_T_U8,
  RF_T_CLASS,
  RF_T_END,
  RF_T_SPHERE,
  RF_T_SOLVER,
  RF_T_SOLUTION, /* sgema_solution_kind */
  RF_T_EQCLASS   /* sgema_equilibrium_class */
} rf_type;
typedef enum {
  RF_SHAPE_ONE,
  RF_SHAPE_MM,
  RF_SHAPE_N,
  RF_SHAPE_K,
  RF_SHAPE_KINDS,
  RF_SHAPE_RANKS,
  RF_SHAPE_PATHS,
  RF_SHAPE_E,
  RF_SHAPE_EMM
} rf_shape;

/* A census run's counts: one per solution kind (sgema_solution_kind), paths [2][4]. */
#define RF_CENSUS_KINDS 4
#define RF_CENSUS_PATHS 8

typedef struct {
  rf_section section;
  const char *name;
  const char *path; /* "section/name", below the run's group */
  rf_type type;
  rf_shape shape;
  int since; /* the first format version with this dataset */
  const char *help;
} rf_column;

static inline const rf_column *rf_column_info(rf_col c) {
  static const rf_column table[RF_COL_COUNT] = {
#define RF_COL_ROW(id, section, name, type, shape, since, help)                                    \
  {RF_SEC_##section,                                                                               \
   name,                                                                                           \
   RF_SECTION_##section "/" name,                                                                  \
   RF_T_##type,                                                                                    \
   RF_SHAPE_##shape,                                                                               \
   since,                                                                                          \
   help},
      RF_COLUMNS(RF_COL_ROW)
#undef RF_COL_ROW
  };
  return &table[c];
}

static inline const char *rf_section_name(rf_section s) {
  static const char *const names[RF_SEC_COUNT] = {RF_SECTION_INPUTS, RF_SECTION_OUTPUTS,
                                                  RF_SECTION_VERIFICATION, RF_SECTION_CENSUS,
                                                  RF_SECTION_EQUILIBRIA};
  return names[s];
}

/* Whether a run of trials (census 0) or a census run (census 1) has section s. */
static inline int rf_section_in(rf_section s, int census) {
  return s == RF_SEC_INPUTS || (s == RF_SEC_CENSUS || s == RF_SEC_EQUILIBRIA) == (census != 0);
}

/* Bytes of one element of type t. */
static inline size_t rf_type_size(rf_type t) {
  switch (t) {
  case RF_T_F64:
  case RF_T_I64:
    return 8;
  case RF_T_I32:
    return 4;
  default:
    return 1;
  }
}

/* A run's sizes that shape its rows: m, N the state length, k recorded eigenvalues, E stored
 * equilibria per data set (census runs). */
typedef struct {
  size_t m, N, k, E;
} rf_dims;

/* Values in one row of a dataset of shape s. */
static inline size_t rf_row_values(rf_shape s, rf_dims d) {
  switch (s) {
  case RF_SHAPE_MM:
    return d.m * d.m;
  case RF_SHAPE_N:
    return d.N;
  case RF_SHAPE_K:
    return d.k;
  case RF_SHAPE_KINDS:
    return RF_CENSUS_KINDS;
  case RF_SHAPE_RANKS:
    return d.m + 1;
  case RF_SHAPE_PATHS:
    return RF_CENSUS_PATHS;
  case RF_SHAPE_E:
    return d.E;
  case RF_SHAPE_EMM:
    return d.E * d.m * d.m;
  default:
    return 1;
  }
}

/* The columns of a run of trials come first in the table: 0 .. RF_COL_TRIALS_END - 1. */
#define RF_COL_TRIALS_END RF_COL_CENSUS_STATUS

/* Whether a run of trials (census 0) or a census run (census 1) has column c. */
static inline int rf_column_in(rf_col c, int census) {
  return rf_section_in(rf_column_info(c)->section, census);
}

/* The description of column id: RF_COL(CLASS)->path is "outputs/class". */
#define RF_COL(id) (rf_column_info(RF_COL_##id))

#endif
