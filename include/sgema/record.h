/* Printing a trial's complete record as JSON or as readable text. */
#ifndef SGEMA_RECORD_H
#define SGEMA_RECORD_H

#include "sgema/trial.h"

#include <stdio.h>

/* Optional extras of a printed record. */
typedef struct {
  int compact;                  /* 1: the whole record on one line (JSON lines); 0: indented */
  int explicit_inputs;          /* 1: inputs were given, not sampled: "trial" members are null */
  const sgema_trajectory *traj; /* printed as "trajectory" when not NULL */
} sgema_record_format;

/* The JSON record (docs/RECORD.md). Every number is printed with %.17g, so it reads back to the
 * same double; non-finite numbers print as null. Matrices are arrays of rows.
 * {
 *  "program": "sgema", "version": "0.1.0",
 *  "settings": {"alg", "m", "n", "time", "mu", "nu",
 *               "momentum": {"kind": "constant"|"linear", "a0", "a1", "T"},
 *               "sampling": {"stats", "rho": [lo, hi], "tau": [lo, hi], "lambda": [lo, hi],
 * "sigma", "condition_delta", "max_draws", "target": "copy"|"independent"}, "integration":
 * {"method", "rtol", "atol", "h0", "t_max", "max_steps", "f_tol", "diverge_norm"},
 *               "classification": {"origin_tol", "rank_tol", "saddle_tol", "symmetry_tol",
 *                                  "sphere_tol"},
 *               "invariant_window"},
 *  "trial": {"seed", "run", "trial", "draws"},
 *  "problem": {"alg", "m", "n", "time", "lambda", "Sxx", "Syx", "Syy", "momentum", "mu", "nu"},
 *  "initial": {"A", "B", "C"},            (C for EMA only)
 *  "final": {"A", "B", "C"},
 *  "result": {"class", "end", "status", "t_end", "field_norm", "steps", "rejected", "rhs_evals",
 *             "jac_evals", "jvp_evals", "rank", "max_real_eig", "symmetry_zeros",
 *             "spectrum": {"solver", "fell_back", "eigenvalues_re", "eigenvalues_im",
 *                          "abscissa_error", "products"},   (k = sgema_record_eigenvalues values)
 *             "a_norm", "delta", "r1", "r2", "sphere",
 *             "sphere_agrees"},           (sphere_agrees: true, false or null)
 *  "verification": {"eq6_residual", "eq7_residual", "balance", "invariant_drift",
 *                   "invariant_window_end", "c_minus_a", "ebar_start", "ebar_end", "fbar_start",
 *                   "fbar_end"},
 *  "trajectory": [{"t", "A", "B", "C", "ebar", "fbar"}, ...]   (only when recorded)
 * }                                                                                              */
int sgema_record_write_json(FILE *out, const sgema_record *rec, const sgema_settings *s,
                            const sgema_record_format *fmt);

/* The same content as aligned, readable text. */
int sgema_record_write_text(FILE *out, const sgema_record *rec, const sgema_settings *s,
                            const sgema_record_format *fmt);

#endif
