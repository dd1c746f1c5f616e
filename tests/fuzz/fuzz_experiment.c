/* libFuzzer harness: an experiment file (docs/EXPERIMENTS.md) parsed, validated and resolved. */
#include "sgema/experiment.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The resolved YAML is promised to be an experiment file that loads to the same runs: a second
 * load that fails, or resolves to other text, is a bug even when nothing crashes. */
static void check_round_trip(const char *resolved) {
  sgema_diagnostics *diag = sgema_diagnostics_alloc();
  sgema_experiment *again =
      diag ? sgema_experiment_load_string("fuzz.yaml", resolved, strlen(resolved), diag) : NULL;
  if (!again && diag) {
    fprintf(stderr, "fuzz_experiment: the resolved experiment does not load back:\n%s\n", resolved);
    sgema_diagnostics_write(diag, stderr);
    abort();
  }
  char *twice = again ? sgema_experiment_resolved(again, SGEMA_EXPERIMENT_YAML) : NULL;
  if (twice && strcmp(twice, resolved) != 0) {
    fprintf(stderr, "fuzz_experiment: resolving twice differs:\n%s\n----\n%s\n", resolved, twice);
    abort();
  }
  free(twice);
  sgema_experiment_free(again);
  sgema_diagnostics_free(diag);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 65536) /* experiment files are small; longer inputs only slow the search */
    return 0;
  sgema_diagnostics *diag = sgema_diagnostics_alloc();
  if (!diag)
    return 0;
  sgema_experiment *e = sgema_experiment_load_string("fuzz.yaml", (const char *)data, size, diag);
  /* Every diagnostic must format (the same code path as the tools' messages). */
  char line[512];
  for (size_t i = 0; i < sgema_diagnostics_count(diag); i++)
    sgema_diagnostic_format(sgema_diagnostics_get(diag, i), line, sizeof line);
  if (e) {
    char *yaml = sgema_experiment_resolved(e, SGEMA_EXPERIMENT_YAML);
    char *json = sgema_experiment_resolved(e, SGEMA_EXPERIMENT_JSON);
    for (size_t i = 0; i < sgema_experiment_run_count(e); i++) {
      const sgema_run_spec *r = sgema_experiment_run(e, i);
      if (!r || sgema_experiment_find(e, r->name) != r) {
        fprintf(stderr, "fuzz_experiment: run %zu is not found by its name\n", i);
        abort();
      }
    }
    if (yaml)
      check_round_trip(yaml);
    free(yaml);
    free(json);
    sgema_experiment_free(e);
  }
  sgema_diagnostics_free(diag);
  return 0;
}
