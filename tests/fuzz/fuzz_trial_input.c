/* libFuzzer harness: sgema-trial --input files (src/cli/trial_input.c), read from a memory file. */
#define _GNU_SOURCE

#include "trial_input.h"

#include <gsl/gsl_errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* As sgema-trial's main does first: GSL's default handler aborts, the reader reports statuses. */
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  gsl_set_error_handler_off();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static trial_input in; /* about 1 MB of state: not on the stack */
  if (size > 65536)
    return 0;
  /* The reader takes a path: a memfd under /proc/self/fd is a file without touching the disk. */
  int fd = memfd_create("trial-input", 0);
  if (fd < 0) {
    perror("fuzz_trial_input: memfd_create");
    abort();
  }
  if (size > 0 && write(fd, data, size) != (ssize_t)size) {
    perror("fuzz_trial_input: write");
    abort();
  }
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  sgema_settings s;
  sgema_settings_default(&s);
  cli_errors errs;
  cli_errors_init(&errs, "fuzz", NULL); /* counted, not printed */
  int problems = trial_input_read(path, &s, &in, &errs);
  /* A file read without problems holds a problem the kernel accepts. */
  if (problems == 0 && sgema_problem_dim(&in.problem) > TRIAL_INPUT_MAX_DIM) {
    fprintf(stderr, "fuzz_trial_input: state of %zu values accepted\n",
            (size_t)sgema_problem_dim(&in.problem));
    abort();
  }
  close(fd);
  return 0;
}
