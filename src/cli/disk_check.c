/* A results file's directory checked before creation: writable, and with room for the file. */
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
int disk_check(const char *path, double bytes, char *msg, size_t size) {
  char *copy = strdup(path);
  if (!copy) {
    snprintf(msg, size, "%s: cannot create: %s", path, strerror(ENOMEM));
    return -1;
  }
  const char *dir = dirname(copy);
  struct statvfs sv;
  int st = 0;
  if (statvfs(dir, &sv) != 0) {
    snprintf(msg, size, "%s: cannot create: %s (directory %s)", path, strerror(errno), dir);
    st = -1;
  } else if (sv.f_flag & ST_RDONLY) {
    snprintf(msg, size, "%s: cannot create: %s (directory %s)", path, strerror(EROFS), dir);
    st = -1;
  } else if (access(dir, W_OK) != 0) {
    snprintf(msg, size, "%s: cannot create: %s (directory %s)", path, strerror(errno), dir);
    st = -1;
  } else {
    double avail = (double)sv.f_bavail * (double)sv.f_frsize, mib = 1024.0 * 1024.0;
    if (avail < bytes) {
      snprintf(msg, size,
               "%s: cannot create: %s (the file needs %.1f MiB, %.1f MiB are free in %s)", path,
               strerror(ENOSPC), bytes / mib, avail / mib, dir);
      st = -1;
    }
  }
  free(copy);
  return st;
}
