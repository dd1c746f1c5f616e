/* Output helpers shared by the table-writing analysis tools: CSV fields and exact numbers. */
#ifndef SGEMA_TABLE_OUT_H
#define SGEMA_TABLE_OUT_H

#include <stdio.h>

/* The fewest of 15, 16, 17 significant digits that read back to the same double (0.3849, not
 * 0.38490000000000002), into buf (at least 32 bytes); "nan", "inf", "-inf" for the others. */
const char *tab_double(double x, char *buf);

/* A CSV text field: quoted, with inner quotes doubled. */
void tab_csv_text(FILE *out, const char *s);

/* A CSV number: tab_double, or nothing at all for NaN (a missing value). */
void tab_csv_num(FILE *out, double x);

/* A text-table cell "fraction% [lo%, hi%]" of k in n with its 95% Wilson interval, or "-" when
 * n = 0; into buf. */
const char *tab_fraction_cell(long k, long n, char *buf, size_t size);

#endif
