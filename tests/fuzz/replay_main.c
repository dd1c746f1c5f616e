/* A main for the fuzz harnesses when libFuzzer is not there (gcc builds): runs every input file
 * given, or every file of every directory given, through LLVMFuzzerTestOneInput once. */
#define _DEFAULT_SOURCE /* realpath, strdup */

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: %s: cannot open\n", path);
    return -1;
  }
  size_t cap = 4096, size = 0, got;
  uint8_t *data = malloc(cap);
  while (data && (got = fread(data + size, 1, cap - size, f)) > 0) {
    size += got;
    if (size == cap) {
      uint8_t *bigger = realloc(data, cap *= 2);
      if (!bigger)
        free(data);
      data = bigger;
    }
  }
  fclose(f);
  if (!data) {
    fprintf(stderr, "replay: %s: out of memory\n", path);
    return -1;
  }
  LLVMFuzzerTestOneInput(data, size);
  free(data);
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of a directory in name order, so that a failure names the same input every time. */
static int replay_dir(const char *dir, long *count) {
  DIR *d = opendir(dir);
  if (!d)
    return -1;
  char **names = NULL;
  size_t n = 0;
  struct dirent *ent;
  while ((ent = readdir(d)))
    if (ent->d_name[0] != '.') {
      char **more = realloc(names, (n + 1) * sizeof *names);
      if (!more)
        break;
      names = more;
      names[n++] = strdup(ent->d_name);
    }
  closedir(d);
  if (n > 1)
    qsort(names, n, sizeof *names, by_name);
  int bad = 0;
  for (size_t i = 0; i < n; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if (names[i] && replay_file(path) == 0)
      (*count)++;
    else
      bad = 1;
    free(names[i]);
  }
  free(names);
  return bad ? -1 : 0;
}

int main(int argc, char **argv) {
  /* Absolute paths first: a harness may change directory in its initialisation. */
  for (int i = 1; i < argc; i++) {
    char *abs = argv[i][0] == '-' ? NULL : realpath(argv[i], NULL);
    if (abs)
      argv[i] = abs; /* kept until exit */
  }
  if (LLVMFuzzerInitialize)
    LLVMFuzzerInitialize(&argc, &argv);
  long count = 0;
  int bad = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (argv[i][0] == '-') /* libFuzzer's options: nothing to do without it */
      continue;
    if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
      bad |= replay_dir(argv[i], &count) != 0;
    else if (replay_file(argv[i]) == 0)
      count++;
    else
      bad = 1;
  }
  printf("%s: %ld inputs replayed without a crash\n", argv[0], count);
  return bad;
}
