/* A run's done trials one by one with their class and rank, streamed from the results file. */
#ifndef SGEMA_LIMIT_ROWS_H
#define SGEMA_LIMIT_ROWS_H

#include "summary.h"

#include <stddef.h>
#include <stdint.h>

/* Called for every done trial (done flag 1) in trial order: its class (sgema_class) and stored
 * rank(A). A non-zero return stops the stream and is returned (with err set by the callback). */
typedef int (*limit_visit)(void *ctx, uint32_t trial, int cls, int rank, char *err, size_t errsize);

/* Streams run i's done, class and rank columns in chunks of SUM_CHUNK_ROWS rows (the memory of a
 * chunk, whatever the run's size) into visit. 0, or -1 with err set, or visit's status. */
int limit_rows_visit(const sum_file *f, size_t i, limit_visit visit, void *ctx, char *err,
                     size_t errsize);

#endif
