/* The one table of a run's settings (private): each setting's name, type, field, allowed values,
 * default and help text, read by the defaults and validation (src/kernel/settings.c), the JSON
 * writer (src/kernel/settings_json.c), the experiment files' parser and writer (src/experiment/)
 * and sgema-trial's options and --help (src/cli/sgema-trial.c). A new setting is one row here. */
#ifndef SGEMA_SETTINGS_TABLE_H
#define SGEMA_SETTINGS_TABLE_H

#include "sgema/settings.h"

#include <limits.h>
#include <stddef.h>

/* ---- allowed numbers ---- */

/* The doubles between lo and hi, each end open or closed. NaN is never allowed; an infinity only
 * where the interval is closed at it, so (0, inf) means "finite and positive" and (0, inf] admits
 * +inf too. words: the rule as the experiment files' messages say it. */
typedef struct {
  double lo, hi;
  int lo_open, hi_open;
  const char *words;
} sgema_interval;

extern const sgema_interval SGEMA_FINITE;          /* (-inf, inf) */
extern const sgema_interval SGEMA_POSITIVE;        /* (0, inf) */
extern const sgema_interval SGEMA_NONNEG;          /* [0, inf) */
extern const sgema_interval SGEMA_UNIT;            /* [0, 1] */
extern const sgema_interval SGEMA_ABOVE_ONE;       /* (1, inf) */
extern const sgema_interval SGEMA_POSITIVE_OR_INF; /* (0, inf] */
extern const sgema_interval SGEMA_OPEN_UNIT;       /* (0, 1) */

int sgema_interval_contains(const sgema_interval *iv, double x);

/* One of the library's enums, by its names (sgema_*_name), so that a new method or statistics kind
 * needs no change where the names are read or listed. */
typedef struct {
  int count;
  const char *(*name)(int value);
} sgema_choice;

extern const sgema_choice SGEMA_CHOICE_ALG, SGEMA_CHOICE_TIME, SGEMA_CHOICE_MOMENTUM_KIND,
    SGEMA_CHOICE_STATS, SGEMA_CHOICE_TARGET, SGEMA_CHOICE_METHOD, SGEMA_CHOICE_PRECONDITIONER,
    SGEMA_CHOICE_SPECTRUM, SGEMA_CHOICE_DESIGN, SGEMA_CHOICE_AXIS;
/* Value of name, or -1. */
int sgema_choice_find(const sgema_choice *c, const char *name);
/* "a|b|c" into buf. */
const char *sgema_choice_list(const sgema_choice *c, char *buf, size_t size);

/* ---- the table ----
 * One row a setting, in the order the JSON writer prints them and sgema-trial lists its options
 * (the experiment files' writer prints a run's keys first, then its sections). Each kind of row is
 * a macro of its own, so that a user defines only what it needs:
 *   X_CHOICE(id, section, key, option, field, choice, default, help)       an enum, by name
 *   X_INT(id, section, key, option, arg, field, lo, hi, default, help)      an int in [lo, hi]
 *   X_LONG(id, section, key, option, arg, field, lo, hi, default, help)     a long in [lo, hi]
 *   X_REAL(id, section, key, option, field, allowed, default, help)         a double in `allowed`
 *   X_RANGE(id, section, key, option, lo_field, hi_field, allowed, hi_positive, default_lo,
 *         default_hi, help)   [lo, hi], lo <= hi, both in `allowed`; hi > 0 when hi_positive
 *   X_FLAG(id, section, key, option, field, default, help)                  an int, 0 or 1
 *   X_MOMENTUM(id, section, key, option, field, default, help)              the EMA schedule
 * key: the experiment files' key (in `section`, NULL at the top of a run); option: sgema-trial's
 * --option; arg: the option's argument in --help. A help of NULL shares the line of the row before
 * (--mu X, --nu X). alg, m and n are also the sweep axes of an experiment file. */

/* A census run's bound on its equilibria per data set (census.max_equilibria). */
#define SGEMA_CENSUS_EQUILIBRIA_MAX 65536

#define SGEMA_STR_(x) #x
#define SGEMA_STR(x) SGEMA_STR_(x)

#define SGEMA_SETTINGS_LIST(X_CHOICE, X_INT, X_LONG, X_REAL, X_RANGE, X_FLAG, X_MOMENTUM)          \
  X_CHOICE(ALG, NULL, "alg", "alg", alg, SGEMA_CHOICE_ALG, SGEMA_ALG_SG, "algorithm")              \
  X_INT(M, NULL, "m", "m", " M", m, 1, SGEMA_MAX_M, 1,                                             \
        "input dimension, 1.." SGEMA_STR(SGEMA_MAX_M))                                             \
  X_INT(N, NULL, "n", "n", " N", n, 2, SGEMA_MAX_N, 2,                                             \
        "embedding dimension, m < N <= " SGEMA_STR(SGEMA_MAX_N))                                   \
  X_CHOICE(TIME, NULL, "time", "time", time, SGEMA_CHOICE_TIME, SGEMA_TIME_FLOW,                   \
           "flow (Eq. 5) or discrete algorithm (Eq. 4)")                                           \
  X_REAL(MU, NULL, "mu", "mu", mu, SGEMA_POSITIVE, 0.01, "discrete learning rates")                \
  X_REAL(NU, NULL, "nu", "nu", nu, SGEMA_POSITIVE, 0.01, NULL)                                     \
  /* The paper's Figure 3 schedule (BYOL's): 0.9 -> 1 over T = 300, then the target frozen. */     \
  X_MOMENTUM(MOMENTUM, NULL, "momentum", "momentum", momentum,                                     \
             ((sgema_momentum){SGEMA_MOMENTUM_LINEAR, 0.9, 1.0, 300.0}), "EMA schedule")           \
  /* The paper's footnote 4: rho ~ U[0, 3], tau ~ U[-1, 1], lambda ~ U[0.01, 0.1], N(0, 1)         \
   * initial coordinates, unconditioned, EMA target copied from A. */                              \
  X_CHOICE(STATS, "sampling", "stats", "stats", sampling.stats, SGEMA_CHOICE_STATS,                \
           SGEMA_STATS_DIAGONAL, "statistics for m > 1")                                           \
  /* rho ~ U(lo, hi] is open at lo: hi must be > 0 for Sxx to be invertible. */                    \
  X_RANGE(RHO, "sampling", "rho", "rho-range", sampling.rho_lo, sampling.rho_hi, SGEMA_NONNEG, 1,  \
          0.0, 3.0, "rho_i ~ U(LO, HI]")                                                           \
  X_RANGE(TAU, "sampling", "tau", "tau-range", sampling.tau_lo, sampling.tau_hi, SGEMA_FINITE, 0,  \
          -1.0, 1.0, "tau_i ~ U[LO, HI)")                                                          \
  X_RANGE(LAMBDA, "sampling", "lambda", "lambda-range", sampling.lambda_lo, sampling.lambda_hi,    \
          SGEMA_POSITIVE, 0, 0.01, 0.1, "lambda ~ U[LO, HI)")                                      \
  X_REAL(SIGMA, "sampling", "sigma", "sigma", sampling.sigma, SGEMA_POSITIVE, 1.0,                 \
         "initial coordinates ~ N(0, X^2)")                                                        \
  X_FLAG(CONDITION_DELTA, "sampling", "condition_delta", "condition-delta",                        \
         sampling.condition_delta, 0, "m = 1: redraw until Delta >= 0")                            \
  X_LONG(MAX_DRAWS, "sampling", "max_draws", "max-draws", " N", sampling.max_draws, 1, LONG_MAX,   \
         1000000, "budget of that redrawing")                                                      \
  X_CHOICE(TARGET, "sampling", "target", "target", sampling.target, SGEMA_CHOICE_TARGET,           \
           SGEMA_TARGET_COPY, "EMA target C(0)")                                                   \
  /* Grid designs (issue 14, include/sgema/design.h): random draws every trial. The axes' defaults \
   * make a phase design over rho x tau meaningful with only its kind given. */                    \
  X_CHOICE(DESIGN, "design", "kind", "design", sampling.design.kind, SGEMA_CHOICE_DESIGN,          \
           SGEMA_DESIGN_RANDOM, "or a grid of statistics (phase) or of states (basins)")           \
  X_CHOICE(DESIGN_X, "design", "x", "design-x", sampling.design.x.what, SGEMA_CHOICE_AXIS,         \
           SGEMA_AXIS_RHO, "x axis: a statistic (phase) or a block of y0 (basins)")                \
  X_INT(DESIGN_X_INDEX, "design", "x_index", "design-x-index", " I", sampling.design.x.index, 0,   \
        (SGEMA_MAX_N * SGEMA_MAX_N - 1), 0, "basins: x's entry of its block, row-major")           \
  X_RANGE(DESIGN_X_RANGE, "design", "x_range", "design-x-range", sampling.design.x.lo,             \
          sampling.design.x.hi, SGEMA_FINITE, 0, 0.0, 3.0, "x's cells cover [LO, HI]")             \
  X_INT(DESIGN_X_CELLS, "design", "x_cells", "design-x-cells", " K", sampling.design.x.cells, 1,   \
        SGEMA_DESIGN_CELLS_MAX, 100, "x's cells, 1.." SGEMA_STR(SGEMA_DESIGN_CELLS_MAX))           \
  X_CHOICE(DESIGN_Y, "design", "y", "design-y", sampling.design.y.what, SGEMA_CHOICE_AXIS,         \
           SGEMA_AXIS_TAU, "y axis, as x")                                                         \
  X_INT(DESIGN_Y_INDEX, "design", "y_index", "design-y-index", " I", sampling.design.y.index, 0,   \
        (SGEMA_MAX_N * SGEMA_MAX_N - 1), 0, "basins: y's entry of its block, row-major")           \
  X_RANGE(DESIGN_Y_RANGE, "design", "y_range", "design-y-range", sampling.design.y.lo,             \
          sampling.design.y.hi, SGEMA_FINITE, 0, -1.0, 1.0, "y's cells cover [LO, HI]")            \
  X_INT(DESIGN_Y_CELLS, "design", "y_cells", "design-y-cells", " K", sampling.design.y.cells, 1,   \
        SGEMA_DESIGN_CELLS_MAX, 100, "y's cells, 1.." SGEMA_STR(SGEMA_DESIGN_CELLS_MAX))           \
  X_INT(DESIGN_PER_CELL, "design", "per_cell", "design-per-cell", " K", sampling.design.per_cell,  \
        1, INT_MAX, 1, "phase: trials per cell (basins: 1)")                                       \
  /* An int row over the uint32 member: base trials up to INT_MAX. */                              \
  X_INT(DESIGN_BASE_TRIAL, "design", "base_trial", "design-base-trial", " K",                      \
        sampling.design.base_trial, 0, INT_MAX, 0,                                                 \
        "basins: the trial drawn for the data and the rest of y0")                                 \
  X_CHOICE(METHOD, "integration", "method", "method", integration.method, SGEMA_CHOICE_METHOD,     \
           SGEMA_METHOD_HYBRID, "stepper")                                                         \
  X_REAL(RTOL, "integration", "rtol", "rtol", integration.rtol, SGEMA_POSITIVE, 1e-10,             \
         "local error tolerances")                                                                 \
  X_REAL(ATOL, "integration", "atol", "atol", integration.atol, SGEMA_POSITIVE, 1e-10, NULL)       \
  X_REAL(H0, "integration", "h0", "h0", integration.h0, SGEMA_POSITIVE, 1e-3, "first step")        \
  X_REAL(T_MAX, "integration", "t_max", "t-max", integration.t_max, SGEMA_POSITIVE, 20000.0,       \
         "horizon; iterations when discrete")                                                      \
  X_LONG(MAX_STEPS, "integration", "max_steps", "max-steps", " N", integration.max_steps, 1,       \
         LONG_MAX, 1000000, "step watchdog")                                                       \
  X_REAL(F_TOL, "integration", "f_tol", "f-tol", integration.f_tol, SGEMA_POSITIVE, 1e-10,         \
         "converged when |f| < X max(1, |y|)")                                                     \
  /* An infinite divergence bound leaves only the non-finite test. */                              \
  X_REAL(DIVERGE_NORM, "integration", "diverge_norm", "diverge-norm", integration.diverge_norm,    \
         SGEMA_POSITIVE_OR_INF, 1e8, "diverged when max |y_i| > X; inf allowed")                   \
  /* 0: never enter the tail phase. */                                                             \
  X_REAL(TAIL_F, "integration", "tail_f", "tail-f", integration.tail_f, SGEMA_NONNEG, 1e-6,        \
         "tail starts when |f| < X max(1, |y|); 0: never")                                         \
  X_REAL(TAIL_RTOL, "integration", "tail_rtol", "tail-rtol", integration.tail_rtol,                \
         SGEMA_POSITIVE, 1e-3, "tail error relative to step displacement")                         \
  X_REAL(STIFF_RATIO, "integration", "stiff_ratio", "stiff-ratio", integration.stiff_ratio,        \
         SGEMA_POSITIVE, 4.0, "hybrid: leave the explicit RK 8(7) when h rho(J) > X")              \
  /* CVODE's SPGMR keeps N x krylov_dim doubles: the bound keeps that within reach. */             \
  X_INT(KRYLOV_DIM, "integration", "krylov_dim", "krylov-dim", " K", integration.krylov_dim, 1,    \
        1000, 10, "cvode: SPGMR's Krylov dimension, 1..1000")                                      \
  X_CHOICE(PRECONDITIONER, "integration", "preconditioner", "preconditioner",                      \
           integration.preconditioner, SGEMA_CHOICE_PRECONDITIONER, SGEMA_PREC_BLOCK,              \
           "cvode: preconditioner of the Newton-Krylov solves")                                    \
  X_INT(KRYLOV_MIN_N, "integration", "krylov_min_n", "krylov-min-n", " N",                         \
        integration.krylov_min_n, 1, INT_MAX, 64,                                                  \
        "hybrid: cvode for the stiff phase from this state length on")                             \
  X_REAL(ORIGIN_TOL, "classification", "origin_tol", "origin-tol", classification.origin_tol,      \
         SGEMA_POSITIVE, 1e-6, "origin when |A|_F < X")                                            \
  X_REAL(RANK_TOL, "classification", "rank_tol", "rank-tol", classification.rank_tol,              \
         SGEMA_POSITIVE, 1e-6, "singular values counted in rank(A)")                               \
  X_REAL(SADDLE_TOL, "classification", "saddle_tol", "saddle-tol", classification.saddle_tol,      \
         SGEMA_POSITIVE, 1e-6, "saddle when max Re(eig) > X")                                      \
  X_REAL(SYMMETRY_TOL, "classification", "symmetry_tol", "symmetry-tol",                           \
         classification.symmetry_tol, SGEMA_POSITIVE, 1e-6, "O(n) orbit tangent tolerance")        \
  X_REAL(SPHERE_TOL, "classification", "sphere_tol", "sphere-tol", classification.sphere_tol,      \
         SGEMA_POSITIVE, 1e-6, "m = 1 sphere tolerance, relative")                                 \
  X_CHOICE(SPECTRUM, "classification", "spectrum", "spectrum", classification.spectrum,            \
           SGEMA_CHOICE_SPECTRUM, SGEMA_SPECTRUM_AUTO, "eigensolver of the reduced Jacobian")      \
  /* At most the reduced state's length: a cross-setting check (sgema_settings_validate). */       \
  X_INT(EIGENVALUES, "classification", "eigenvalues", "eigenvalues", " K",                         \
        classification.eigenvalues, 1, SGEMA_SPECTRUM_MAX_K, 1,                                    \
        "rightmost eigenvalues computed, 1.." SGEMA_STR(SGEMA_SPECTRUM_MAX_K) " and <= N")         \
  X_REAL(ARNOLDI_TOL, "classification", "arnoldi_tol", "arnoldi-tol", classification.arnoldi_tol,  \
         SGEMA_OPEN_UNIT, 1e-6, "arnoldi: relative accuracy of the Ritz values")                   \
  X_INT(ARNOLDI_RESTARTS, "classification", "arnoldi_restarts", "arnoldi-restarts", " R",          \
        classification.arnoldi_restarts, 1, INT_MAX, 400, "arnoldi: restart budget, then lapack")  \
  X_INT(LAPACK_MIN_N, "classification", "lapack_min_n", "lapack-min-n", " N",                      \
        classification.lapack_min_n, 1, INT_MAX, 64,                                               \
        "auto: GSL dense below this state length, arnoldi from it on")                             \
  /* The invariant drift window is a ratio of norms. */                                            \
  X_REAL(INVARIANT_WINDOW, NULL, "invariant_window", "invariant-window", invariant_window,         \
         SGEMA_ABOVE_ONE, 1e3, "invariant drift window, > 1")                                      \
  /* The census (kind: census runs, sgema-census): the defaults are                                \
   * sgema_census_settings_default's (tested). */                                                  \
  X_FLAG(CENSUS_RANK_DEFICIENT, "census", "rank_deficient", "rank-deficient",                      \
         census.rank_deficient, 1, "also the rank-deficient equilibria")                           \
  X_INT(CENSUS_RANK_DEFICIENT_MAX_M, "census", "rank_deficient_max_m", "rank-deficient-max-m",     \
        " M", census.rank_deficient_max_m, 1, SGEMA_CENSUS_M_MAX, 4,                               \
        "... but only up to this m, 1.." SGEMA_STR(SGEMA_CENSUS_M_MAX))                            \
  X_REAL(CENSUS_REAL_TOL, "census", "real_tol", "real-tol", census.real_tol, SGEMA_POSITIVE, 1e-6, \
         "a solution is real when |Im| <= X (1 + |S|)")                                            \
  X_REAL(CENSUS_EIG_TOL, "census", "eig_tol", "eig-tol", census.eig_tol, SGEMA_POSITIVE, 1e-9,     \
         "eigenvalues of S within X |S| of 0 are 0")                                               \
  X_REAL(CENSUS_DEDUP_TOL, "census", "dedup_tol", "dedup-tol", census.dedup_tol, SGEMA_POSITIVE,   \
         1e-7, "solutions within X (1 + |S|) are one")                                             \
  X_REAL(CENSUS_ZERO_TOL, "census", "zero_tol", "zero-tol", census.zero_tol, SGEMA_POSITIVE, 1e-8, \
         "degenerate when max Re(eig) in [-X, saddle_tol]")                                        \
  X_INT(CENSUS_MAX_EQUILIBRIA, "census", "max_equilibria", "max-equilibria", " E",                 \
        census.max_equilibria, 1, SGEMA_CENSUS_EQUILIBRIA_MAX, 64,                                 \
        "census runs: equilibria stored per data set, the rest counted")                           \
  X_FLAG(CENSUS_TOTAL_DEGREE, "census", "total_degree", "total-degree", census.total_degree, 0,    \
         "the total-degree homotopy instead of the parameter one (the cross-check)")               \
  X_INT(CENSUS_PARAMETER_RANK_FREE_MAX_M, "census", "parameter_rank_free_max_m",                   \
        "parameter-rank-free-max-m", " M", census.parameter_rank_free_max_m, 0,                    \
        SGEMA_CENSUS_M_MAX, 2,                                                                     \
        "the rank-free system by parameter homotopy up to this m, total degree above")             \
  X_FLAG(CENSUS_RANK_ONE_SYSTEM, "census", "rank_one_system", "rank-one-system",                   \
         census.rank_one_system, 1,                                                                \
         "the rank-1, corank-1 (m >= 3) and corank-2 (m = 4) systems, not the rank-free one")      \
  X_FLAG(CENSUS_RANK_ONE_ELIMINATION, "census", "rank_one_elimination", "rank-one-elimination",    \
         census.rank_one_elimination, 1,                                                           \
         "... solved by elimination to one polynomial instead of the parameter homotopy")

/* The momentum schedule's parts, wherever one is read: alpha, a0 and a1 in [0, 1], T > 0. */
#define SGEMA_MOMENTUM_ALPHA SGEMA_UNIT
#define SGEMA_MOMENTUM_T SGEMA_POSITIVE

/* SGEMA_SETTING_ALG, ..., SGEMA_SETTING_INVARIANT_WINDOW: a row's position in the table. */
#define SGEMA_SETTING_ID1_(id, ...) SGEMA_SETTING_##id,
typedef enum {
  SGEMA_SETTINGS_LIST(SGEMA_SETTING_ID1_, SGEMA_SETTING_ID1_, SGEMA_SETTING_ID1_,
                      SGEMA_SETTING_ID1_, SGEMA_SETTING_ID1_, SGEMA_SETTING_ID1_,
                      SGEMA_SETTING_ID1_) SGEMA_SETTING_COUNT
} sgema_setting_id;
#undef SGEMA_SETTING_ID1_

/* ---- the table as data, for the code that walks it ---- */

typedef enum {
  SGEMA_SETTING_TYPE_CHOICE,
  SGEMA_SETTING_TYPE_INT,
  SGEMA_SETTING_TYPE_LONG,
  SGEMA_SETTING_TYPE_U32, /* the experiment files' run keys (trials, record.points, ...) */
  SGEMA_SETTING_TYPE_REAL,
  SGEMA_SETTING_TYPE_RANGE,
  SGEMA_SETTING_TYPE_FLAG,
  SGEMA_SETTING_TYPE_MOMENTUM
} sgema_setting_type;

/* A row: offset (and offset_hi, a range's upper end) into the struct the table describes, size
 * bytes each (an enum is stored as an int). */
typedef struct {
  const char *section, *key, *option, *arg;
  sgema_setting_type type;
  size_t offset, offset_hi, size;
  const sgema_interval *allowed; /* REAL, RANGE */
  long long lo, hi;              /* INT, LONG, U32 */
  int hi_positive;               /* RANGE */
  const sgema_choice *choice;    /* CHOICE */
  const char *help;
} sgema_setting;

/* The rows over sgema_settings, in the order of SGEMA_SETTINGS_LIST. */
extern const sgema_setting sgema_settings_table[SGEMA_SETTING_COUNT];

/* Initializers of sgema_setting from a row, over a struct S in which path (empty for
 * sgema_settings itself, `settings.` for sgema_run_spec) leads to the settings: wrap them as
 * #define X_REAL(...) SGEMA_ROW_REAL(sgema_settings, , __VA_ARGS__). */
#define SGEMA_AT_(S, path, field_)                                                                 \
  .offset = offsetof(S, path field_), .size = sizeof(((S *)0)->path field_)
#define SGEMA_ROW_CHOICE(S, path, id_, sec_, key_, opt_, field_, choice_, dflt_, help_)            \
  {.section = sec_,                                                                                \
   .key = key_,                                                                                    \
   .option = opt_,                                                                                 \
   .type = SGEMA_SETTING_TYPE_CHOICE,                                                              \
   SGEMA_AT_(S, path, field_),                                                                     \
   .choice = &choice_,                                                                             \
   .help = help_},
#define SGEMA_ROW_INT(S, path, id_, sec_, key_, opt_, arg_, field_, lo_, hi_, dflt_, help_)        \
  {.section = sec_,                                                                                \
   .key = key_,                                                                                    \
   .option = opt_,                                                                                 \
   .arg = arg_,                                                                                    \
   .type = SGEMA_SETTING_TYPE_INT,                                                                 \
   SGEMA_AT_(S, path, field_),                                                                     \
   .lo = lo_,                                                                                      \
   .hi = hi_,                                                                                      \
   .help = help_},
#define SGEMA_ROW_LONG(S, path, id_, sec_, key_, opt_, arg_, field_, lo_, hi_, dflt_, help_)       \
  {.section = sec_,                                                                                \
   .key = key_,                                                                                    \
   .option = opt_,                                                                                 \
   .arg = arg_,                                                                                    \
   .type = SGEMA_SETTING_TYPE_LONG,                                                                \
   SGEMA_AT_(S, path, field_),                                                                     \
   .lo = lo_,                                                                                      \
   .hi = hi_,                                                                                      \
   .help = help_},
#define SGEMA_ROW_REAL(S, path, id_, sec_, key_, opt_, field_, allowed_, dflt_, help_)             \
  {.section = sec_,                                                                                \
   .key = key_,                                                                                    \
   .option = opt_,                                                                                 \
   .arg = " X",                                                                                    \
   .type = SGEMA_SETTING_TYPE_REAL,                                                                \
   SGEMA_AT_(S, path, field_),                                                                     \
   .allowed = &allowed_,                                                                           \
   .help = help_},
#define SGEMA_ROW_RANGE(S, path, id_, sec_, key_, opt_, lo_field, hi_field, allowed_, hipos_,      \
                        dlo_, dhi_, help_)                                                         \
  {.section = sec_,                                                                                \
   .key = key_,                                                                                    \
   .option = opt_,                                                                                 \
   .arg = " LO,HI",                                                                                \
   .type = SGEMA_SETTING_TYPE_RANGE,                                                               \
   .offset = offsetof(S, path lo_field),                                                           \
   .offset_hi = offsetof(S, path hi_field),                                                        \
   .size = sizeof(double),                                                                         \
   .allowed = &allowed_,                                                                           \
   .hi_positive = hipos_,                                                                          \
   .help = help_},
#define SGEMA_ROW_FLAG(S, path, id_, sec_, key_, opt_, field_, dflt_, help_)                       \
  {.section = sec_,                                                                                \
   .key = key_,                                                                                    \
   .option = opt_,                                                                                 \
   .arg = "[=yes|no]",                                                                             \
   .type = SGEMA_SETTING_TYPE_FLAG,                                                                \
   SGEMA_AT_(S, path, field_),                                                                     \
   .lo = 0,                                                                                        \
   .hi = 1,                                                                                        \
   .help = help_},
#define SGEMA_ROW_MOMENTUM(S, path, id_, sec_, key_, opt_, field_, dflt_, help_)                   \
  {.section = sec_,                                                                                \
   .key = key_,                                                                                    \
   .option = opt_,                                                                                 \
   .arg = " constant:A | linear:A0,A1,T",                                                          \
   .type = SGEMA_SETTING_TYPE_MOMENTUM,                                                            \
   SGEMA_AT_(S, path, field_),                                                                     \
   .help = help_},

#endif
