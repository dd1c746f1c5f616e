/* Every MPI call of the product but the output layer's hand-over of the communicator to HDF5's
 * MPI-IO driver: process setup, the runner's collectives and the scheduler's messages. */
#define _POSIX_C_SOURCE 200809L /* gmtime_r */
#include "sgema/parallel.h"
#include "parallel_msg.h"
#include "sgema/status.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

/* The kernel never sees a communicator; the scheduler (schedule.c) sends its messages through the
 * wrappers at the end of this file. */

int sgema_parallel_init(int *argc, char ***argv) {
#ifdef __SANITIZE_ADDRESS__
  /* Open MPI keeps thousands of allocations from MPI_Init to exit on purpose; ignoring them here
   * spares LeakSanitizer symbolising each one against tests/lsan.supp at every exit (about 2 s a
   * process, most of the sanitized suite's time). Leaks of ours are still reported. */
  __lsan_disable();
#endif
  int st = MPI_Init(argc, argv) == MPI_SUCCESS ? SGEMA_OK : SGEMA_EIO;
#ifdef __SANITIZE_ADDRESS__
  __lsan_enable();
#endif
  return st;
}
void sgema_parallel_finalize(void) {
#ifdef __SANITIZE_ADDRESS__
  __lsan_disable(); /* what Open MPI allocates on its way out is its own (see above) */
#endif
  MPI_Finalize();
#ifdef __SANITIZE_ADDRESS__
  __lsan_enable();
#endif
}
int sgema_parallel_rank(void) {
  int r;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}
int sgema_parallel_size(void) {
  int p;
  MPI_Comm_size(MPI_COMM_WORLD, &p);
  return p;
}
/* The longest prefix of s[0 .. len) of at most max bytes that ends on a UTF-8 character boundary:
 * a cut inside a character would leave a lone byte in the output (issue 10). */
static size_t utf8_prefix(const char *s, size_t len, size_t max) {
  if (len <= max)
    return len;
  while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
    max--;
  return max;
}

void sgema_parallel_host(char *buf, size_t size) {
  char name[MPI_MAX_PROCESSOR_NAME];
  int len = 0;
  MPI_Get_processor_name(name, &len);
  if (size == 0)
    return;
  size_t n = utf8_prefix(name, len > 0 ? (size_t)len : 0, size - 1);
  memcpy(buf, name, n);
  buf[n] = '\0';
}
MPI_Comm sgema_parallel_comm(void) {
  return MPI_COMM_WORLD;
}
void sgema_parallel_utc_now(char buf[32]) {
  if (sgema_parallel_rank() == 0) {
    time_t t = time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
      snprintf(buf, 32, "unknown");
  }
  MPI_Bcast(buf, 32, MPI_CHAR, 0, MPI_COMM_WORLD);
}

void sgema_parallel_share(char *buf, size_t size) {
  if (size == 0)
    return;
  buf[size - 1] = '\0';
  for (size_t off = 0; off < size;) { /* in pieces an int can count */
    int piece = size - off > (size_t)INT_MAX ? INT_MAX : (int)(size - off);
    MPI_Bcast(buf + off, piece, MPI_CHAR, 0, MPI_COMM_WORLD);
    off += (size_t)piece;
  }
}

int sgema_parallel_all(int ok) {
  int all = 0;
  MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
  return all;
}

void par_send(int to, int tag, const int64_t *msg, int count) {
  MPI_Send(msg, count, MPI_INT64_T, to, tag, MPI_COMM_WORLD);
}

void par_recv(int from, int tag, int64_t *msg, int count) {
  MPI_Recv(msg, count, MPI_INT64_T, from, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

/* A blocking wait polls and sleeps 0.1 ms between polls: Open MPI's MPI_Probe spins, and the
 * master that only schedules (census data sets of seconds, schedule.c) would take a core from
 * the workers on a machine with as many processes as cores, or more. */
int par_probe(int tag, int blocking) {
  int flag = 0;
  MPI_Status info;
  const struct timespec pause = {0, 100000};
  for (;;) {
    MPI_Iprobe(MPI_ANY_SOURCE, tag, MPI_COMM_WORLD, &flag, &info);
    if (flag || !blocking)
      break;
    nanosleep(&pause, NULL);
  }
  return flag ? info.MPI_SOURCE : -1;
}

void par_bcast_long(long *value) {
  MPI_Bcast(value, 1, MPI_LONG, 0, MPI_COMM_WORLD);
}
