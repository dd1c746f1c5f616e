/* The messages of the master/worker scheduler: point-to-point sends and receives of small int64
 * arrays and a broadcast from rank 0 (thin wrappers of MPI calls, parallel.c). */
#ifndef SGEMA_PARALLEL_MSG_H
#define SGEMA_PARALLEL_MSG_H

#include <stdint.h>

/* Sends count values to rank `to` under tag (blocking, MPI_Send). */
void par_send(int to, int tag, const int64_t *msg, int count);

/* Receives count values from rank `from` under tag (blocking, MPI_Recv). */
void par_recv(int from, int tag, int64_t *msg, int count);

/* The rank of a process with a message under tag waiting to be received, or -1 when there is none
 * (blocking: waits for one, MPI_Probe; otherwise looks once, MPI_Iprobe). */
int par_probe(int tag, int blocking);

/* Rank 0's *value on every rank (collective, MPI_Bcast). */
void par_bcast_long(long *value);

#endif
