/* Whether a results file can be created, or grown by a resume, where it is: a writable directory
 * (file system) with room. */
#ifndef SGEMA_DISK_CHECK_H
#define SGEMA_DISK_CHECK_H

#include <stddef.h>

/* Checks the directory of path before the file is created: it must be writable and have `bytes`
 * free (the file's datasets are allocated at creation, so this is what the run will need). Returns
 * 0, or -1 with "PATH: cannot create: REASON (details)" in msg, REASON being the operating
 * system's words (Read-only file system, Permission denied, No space left on device). */
int disk_check(const char *path, double bytes, char *msg, size_t size);

/* The same before a resume grows the existing file at path by `bytes` (more trials: its datasets
 * are extended, and the new rows allocated, before any trial runs): a writable file system with
 * `bytes` free. Returns 0, or -1 with "PATH: cannot resume: REASON (details)" in msg. */
int disk_check_growth(const char *path, double bytes, char *msg, size_t size);

#endif
