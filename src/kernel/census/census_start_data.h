/* The generic start systems' finite roots shipped with the census (census_start_data.c, written by
 * bench/sgema-start-roots), so that no workspace spends minutes solving them. */
#ifndef SGEMA_CENSUS_START_DATA_H
#define SGEMA_CENSUS_START_DATA_H

#include "sgema/census.h"

typedef struct {
  int m;
  sgema_census_system_kind kind;
  int N;               /* unknowns per root */
  long n;              /* roots */
  const double *re_im; /* n x N complex numbers, real and imaginary part in turn */
} sgema_census_start_table;

/* The table of (m, kind), or NULL when none was shipped for it. */
const sgema_census_start_table *sgema_census_start_table_find(int m, sgema_census_system_kind kind);

#endif
