/* A results file's directory checked before creation or growth: writable, and with room. */
#define _POSIX_C_SOURCE 200809L
#include "disk_check.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* Why check first: HDF5 reports a failed write as "file write failed", without the reason, after
 * leaving a partial file; and HDF5 1.10 cannot close a file whose metadata it could not write
 * (src/io/output_object.c). A check before creation names the reason and writes nothing. */
/* The directory of path can take `bytes` more and `grow` (path itself, else its directory) is
 * writable: 0, or -1 with "PATH: cannot VERB: REASON (...)" in msg; `need` says what the bytes
 * are for. */
static int room_for(const char *path, int grow, const char *verb, const char *need, double bytes,
                    char *msg, size_t size) {
  char *copy = strdup(path);
  if (!copy) {
    snprintf(msg, size, "%s: cannot %s: %s", path, verb, strerror(ENOMEM));
    return -1;
  }
  const char *dir = dirname(copy);
  struct statvfs sv;
  int st = 0;
  if (statvfs(dir, &sv) != 0) {
    snprintf(msg, size, "%s: cannot %s: %s (directory %s)", path, verb, strerror(errno), dir);
    st = -1;
  } else if (sv.f_flag & ST_RDONLY) {
    snprintf(msg, size, "%s: cannot %s: %s (directory %s)", path, verb, strerror(EROFS), dir);
    st = -1;
  } else if (access(grow ? path : dir, W_OK) != 0) {
    snprintf(msg, size, "%s: cannot %s: %s (%s %s)", path, verb, strerror(errno),
             grow ? "file" : "directory", grow ? path : dir);
    st = -1;
  } else {
    double avail = (double)sv.f_bavail * (double)sv.f_frsize, mib = 1024.0 * 1024.0;
    if (avail < bytes) {
      snprintf(msg, size, "%s: cannot %s: %s (%s %.1f MiB, %.1f MiB are free in %s)", path, verb,
               strerror(ENOSPC), need, bytes / mib, avail / mib, dir);
      st = -1;
    }
  }
  free(copy);
  return st;
}

/* Why check first: HDF5 reports a failed write as "file write failed", without the reason, after
 * leaving a partial file; and HDF5 1.10 cannot close a file whose metadata it could not write
 * (src/io/output_object.c). A check before creation names the reason and writes nothing. */
int disk_check(const char *path, double bytes, char *msg, size_t size) {
  return room_for(path, 0, "create", "the file needs", bytes, msg, size);
}

/* A resume that adds trials extends every dataset at the open, before any trial: without room,
 * HDF5 fails there with "file write failed" (or a collective close hangs, as above). */
int disk_check_growth(const char *path, double bytes, char *msg, size_t size) {
  return room_for(path, 1, "resume", "the added trials need", bytes, msg, size);
}
