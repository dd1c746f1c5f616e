/* Output files written whole or not at all: a temporary file next to the target, renamed onto it.
 */
#ifndef SGEMA_OUT_FILE_H
#define SGEMA_OUT_FILE_H

#include <stddef.h>

/* Creates "PATH.tmp-XXXXXX" (name in tmp) with the permissions a new file gets (umask applies);
 * returns its descriptor, or -1 with errno set. */
int out_tmp_create(const char *path, char *tmp, size_t tmpsize);

/* Renames tmp onto path; on failure removes tmp and returns -1 with errno set. */
int out_tmp_commit(const char *tmp, const char *path);

#endif
