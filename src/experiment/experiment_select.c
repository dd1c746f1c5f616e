/* A selection of an experiment's runs: the share of one job of a job array. */
#define _POSIX_C_SOURCE 200809L

#include "experiment_impl.h"

#include <stdlib.h>
#include <string.h>

long sgema_experiment_select(sgema_experiment *e, const unsigned char *keep, const char *label) {
  size_t count = 0;
  for (size_t i = 0; i < e->run_count; i++)
    count += keep[i] != 0;
  /* Room for at least one, so that an empty selection is told apart from "every run" (NULL). */
  size_t *selected = malloc((count ? count : 1) * sizeof *selected);
  char *text = strdup(label ? label : "");
  if (!selected || !text) {
    free(selected);
    free(text);
    return -1;
  }
  for (size_t i = 0, j = 0; i < e->run_count; i++)
    if (keep[i])
      selected[j++] = i;
  free(e->selected);
  free(e->selection);
  e->selected = selected;
  e->selected_count = count;
  e->selection = text;
  return (long)count;
}

const char *sgema_experiment_selection(const sgema_experiment *e) {
  return e->selection ? e->selection : "";
}
