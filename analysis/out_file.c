/* Output files written whole or not at all, so that a failed tool never leaves a partial file. */
#define _POSIX_C_SOURCE 200809L
#include "out_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int out_tmp_create(const char *path, char *tmp, size_t tmpsize) {
  if ((size_t)snprintf(tmp, tmpsize, "%s.tmp-XXXXXX", path) >= tmpsize) {
    tmp[0] = '\0';
    errno = ENAMETOOLONG;
    return -1;
  }
  int fd = mkstemp(tmp);
  if (fd < 0) {
    tmp[0] = '\0';
    return -1;
  }
  /* mkstemp makes the file private; an output gets the usual permissions. */
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  return fd;
}

int out_tmp_commit(const char *tmp, const char *path) {
  if (rename(tmp, path) == 0)
    return 0;
  int saved = errno;
  unlink(tmp);
  errno = saved;
  return -1;
}
