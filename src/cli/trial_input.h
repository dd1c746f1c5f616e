/* Reading one trial's statistics and initial state from a YAML (or JSON record) file. */
#ifndef SGEMA_TRIAL_INPUT_H
#define SGEMA_TRIAL_INPUT_H

#include "cli_args.h"
#include "sgema/trial.h"

/* The largest state: EMA at the largest dimensions. */
#define TRIAL_INPUT_MAX_DIM (2 * SGEMA_MAX_N * SGEMA_MAX_M + SGEMA_MAX_N * SGEMA_MAX_N)

/* The file's format (YAML; a JSON record of sgema-trial --json is valid too):
 *   problem:
 *     alg: sg | ema | gd
 *     m: 1
 *     n: 2
 *     lambda: 0.05
 *     Sxx: [[1.5]]            m x m, a list of rows; a bare number for 1 x 1
 *     Syx: [[-0.4]]
 *     Syy: [[1.6]]            optional: default Syy = Syx Sxx^-1 Sxy + Sxx
 *     momentum: {kind: linear, a0: 0.9, a1: 1, T: 300}   optional (EMA); kind constant needs a0
 *     time: flow | discrete   optional
 *     mu: 0.01                optional
 *     nu: 0.01                optional
 *   initial:
 *     A: [[0.3], [-1.2]]      n x m
 *     B: [[0.1, 0.2], [0.3, 0.4]]   n x n
 *     C: [[0.3], [-1.2]]      n x m, EMA only; optional, default a copy of A
 * The other members of a record (program, version, settings, trial, final, result, verification,
 * trajectory) are accepted and ignored, so a record re-runs as it is; any other key is an error. */
typedef struct {
  sgema_problem problem;
  double y0[TRIAL_INPUT_MAX_DIM];
  /* Which optional keys the file set (the others were taken from the settings). */
  int has_time, has_mu, has_nu, has_momentum, has_syy, has_c;
} trial_input;

/* Reads path into in. Optional problem keys the file lacks come from s (time, mu, nu, momentum).
 * Every problem is reported through errs as "path:line:column: key: what was expected"; returns the
 * number of problems found (0: in is complete and valid). */
int trial_input_read(const char *path, const sgema_settings *s, trial_input *in, cli_errors *errs);

#endif
