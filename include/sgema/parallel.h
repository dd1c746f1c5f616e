/* The MPI processes as the runner sees them: setup, rank and size, host, the communicator, a
 * collective AND and a common clock (every MPI call of the product is in src/parallel/parallel.c).
 */
#ifndef SGEMA_PARALLEL_H
#define SGEMA_PARALLEL_H

#include <mpi.h>
#include <stddef.h>

int sgema_parallel_init(int *argc, char ***argv);
void sgema_parallel_finalize(void);
int sgema_parallel_rank(void);
int sgema_parallel_size(void);
/* This process's host name (MPI_Get_processor_name) into buf. */
void sgema_parallel_host(char *buf, size_t size);
/* MPI_COMM_WORLD, for the output layer's MPI-IO driver. */
MPI_Comm sgema_parallel_comm(void);
/* Rank 0's current UTC time as ISO 8601 ("2026-11-25T21:50:03Z"), the same string on every rank. */
void sgema_parallel_utc_now(char buf[32]);
/* Rank 0's string in buf (size bytes) on every rank: for the attributes the processes write
 * together, which must be one value (the processes may run on different machines). */
void sgema_parallel_share(char *buf, size_t size);
/* Logical AND of ok over all ranks (for "did every rank succeed"). */
int sgema_parallel_all(int ok);

#endif
