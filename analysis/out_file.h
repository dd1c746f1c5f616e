/* Output files written whole or not at all: a temporary file next to the target, renamed onto it.
 * None of them may be one of the tool's inputs.
 */
#ifndef SGEMA_OUT_FILE_H
#define SGEMA_OUT_FILE_H

#include <stddef.h>

/* Notes path as an input of this process (by device and inode, so that a symbolic or hard link
 * to it is recognised as the same file); the readers call it for every file they open. */
void out_note_input(const char *path);

/* 0 when writing path would not replace a noted input; else -1 with a one-line reason in err
 * (which names the input as given). */
int out_check_not_input(const char *path, char *err, size_t errsize);

/* The same for an open descriptor (standard output redirected with `>> RES.h5`): -1 with a
 * reason (to follow the descriptor's name) when it is a noted input. */
int out_check_fd_not_input(int fd, char *err, size_t errsize);

/* Creates "PATH.tmp-XXXXXX" (name in tmp) with the permissions a new file gets (umask applies);
 * returns its descriptor, or -1 with errno set. When path is a noted input this is a caller's
 * bug (callers check out_check_not_input first): the process ends here with one line on stderr
 * and status 2 (a bad command line), the input untouched. */
int out_tmp_create(const char *path, char *tmp, size_t tmpsize);

/* Renames tmp onto path; on failure removes tmp and returns -1 with errno set. */
int out_tmp_commit(const char *tmp, const char *path);

#endif
