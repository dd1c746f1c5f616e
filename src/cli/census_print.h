/* The census of one data set as readable text or as members of a JSON object (sgema-census). */
#ifndef SGEMA_CENSUS_PRINT_H
#define SGEMA_CENSUS_PRINT_H

#include "json_writer.h"
#include "sgema/census.h"

#include <stdio.h>

/* Counts by kind, path outcomes, then every PSD / PD equilibrium (index, rank, kind, class,
 * abscissa, unstable count, residuals, S) and the real indefinite solutions. */
void census_print_text(FILE *out, const sgema_problem *p, const sgema_census_result *r);

/* The same as members of the open object of w: "problem", "paths", "counts", "psd_rank",
 * "equilibria" (each with its "index", "rank", "kind" and "class"), "indefinite". */
void census_print_json(jw_writer *w, const sgema_problem *p, const sgema_census_result *r);

/* An m x m matrix as "[[a, b], [c, d]]" in the shortest round-trip form, on one line. */
void census_print_matrix(FILE *out, const double *a, int rows, int cols);

#endif
