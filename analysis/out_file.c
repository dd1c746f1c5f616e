/* Output files written whole or not at all, so that a failed tool never leaves a partial file,
 * and never over one of the tool's inputs. */
#define _GNU_SOURCE /* program_invocation_short_name, for the last-line-of-defence message */
#include "out_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The inputs noted so far (kept to the end of the process: still reachable, not leaked). */
typedef struct {
  dev_t dev;
  ino_t ino;
  char *name;
} input_file;
static input_file *inputs;
static size_t input_count;
static int input_lost; /* an input could not be noted: no output can be cleared */

void out_note_input(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0)
    return;
  for (size_t i = 0; i < input_count; i++)
    if (inputs[i].dev == st.st_dev && inputs[i].ino == st.st_ino)
      return;
  input_file *grown = realloc(inputs, (input_count + 1) * sizeof *inputs);
  char *name = strdup(path);
  if (grown)
    inputs = grown;
  if (!grown || !name) {
    free(name);
    input_lost = 1;
    return;
  }
  inputs[input_count++] = (input_file){st.st_dev, st.st_ino, name};
}

/* The noted input with st's device and inode, or NULL. */
static const input_file *input_like(const struct stat *st) {
  for (size_t i = 0; i < input_count; i++)
    if (inputs[i].dev == st->st_dev && inputs[i].ino == st->st_ino)
      return &inputs[i];
  return NULL;
}

int out_check_not_input(const char *path, char *err, size_t errsize) {
  struct stat st;
  if (input_lost) {
    snprintf(err, errsize, "out of memory while noting the inputs: not written");
    return -1;
  }
  /* A target that does not exist (or cannot be examined) is no input; stat follows a symbolic
   * link, so a link to an input is caught, and a hard link has the input's inode. */
  if (stat(path, &st) != 0)
    return 0;
  const input_file *in = input_like(&st);
  if (!in)
    return 0;
  if (strcmp(in->name, path) == 0)
    snprintf(err, errsize, "is an input of this command: refusing to write over it");
  else
    snprintf(err, errsize, "is the same file as the input %s: refusing to write over it", in->name);
  return -1;
}

int out_check_fd_not_input(int fd, char *err, size_t errsize) {
  struct stat st;
  /* Only a regular file can be an input (`>> RES.h5`); a terminal or pipe never is. */
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    return 0;
  const input_file *in = input_like(&st);
  if (!in)
    return 0;
  snprintf(err, errsize, "is the input %s: refusing to write over it", in->name);
  return -1;
}

static const char *program_name(void) {
#if defined(__GLIBC__)
  return program_invocation_short_name;
#else
  return "sgema";
#endif
}

int out_tmp_create(const char *path, char *tmp, size_t tmpsize) {
  char why[512];
  if (out_check_not_input(path, why, sizeof why) != 0) {
    fprintf(stderr, "%s: %s: %s\n", program_name(), path, why);
    exit(2);
  }
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
