/* sgema-export of a census run (kind: census): its data sets, or its equilibria, as CSV. */
#ifndef SGEMA_EXPORT_CENSUS_H
#define SGEMA_EXPORT_CENSUS_H

#include "summary.h"

#include <stdio.h>

/* Writes run ri of f (a census run) to out: with equilibria 0 one row per done data set
 * (data_set, status, lambda, draws, Sxx_I_J, Syx_I_J, the counts by kind, psd_rank_K, the path
 * ends, equilibria, stored, overflow), with equilibria 1 one row per stored equilibrium
 * (data_set, slot, rank, kind, class, mc_class, abscissa, unstable, symmetry_zeros,
 * field_residual, system_residual, S_I_J). At most limit data sets (-1: all). Numbers as
 * sgema_format_double prints them. -1 and err on a read failure. */
int export_census(const sum_file *f, size_t ri, int equilibria, long limit, FILE *out, char *err,
                  size_t errsize);

#endif
