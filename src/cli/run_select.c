/* sgema-run's --runs and --select, turned into a selection of the experiment's runs. */
#define _POSIX_C_SOURCE 200809L
#include "run_select.h"

#include <stdlib.h>
#include <string.h>

/* "I/K" with 0 <= I < K: marks the runs whose index mod K is I (one array task of K). */
static int mark_share(const sgema_experiment *e, const char *text, unsigned char *keep,
                      cli_errors *err) {
  const char *slash = strchr(text, '/');
  char head[32];
  size_t len = slash ? (size_t)(slash - text) : 0;
  long i, k;
  if (slash && len < sizeof head) {
    memcpy(head, text, len);
    head[len] = '\0';
    if (cli_parse_long(head, &i) == CLI_PARSE_OK && cli_parse_long(slash + 1, &k) == CLI_PARSE_OK &&
        k >= 1 && i >= 0 && i < k) {
      for (size_t r = 0; r < sgema_experiment_run_count(e); r++)
        keep[r] = r % (size_t)k == (size_t)i;
      return 0;
    }
  }
  cli_error(err, "--select: '%s' is not I/K with 0 <= I < K (the runs whose index mod K is I)",
            text);
  return -1;
}

/* Marks the runs named in the comma-separated list; every unknown name is reported. */
static int mark_names(const sgema_experiment *e, const char *list, unsigned char *keep,
                      cli_errors *err) {
  char *copy = strdup(list), *save = NULL;
  if (!copy) {
    cli_error(err, "out of memory");
    return -1;
  }
  int bad = 0, any = 0;
  for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
    const sgema_run_spec *r = sgema_experiment_find(e, name);
    any = 1;
    if (r && keep[r->index]) { /* twice would count its trials twice downstream */
      cli_error(err, "--runs: run '%s' is named more than once", name);
      bad = 1;
      continue;
    }
    if (r) {
      keep[r->index] = 1;
      continue;
    }
    cli_error(err, "--runs: %s has no run '%s' (sgema-run %s --list-runs lists them)",
              sgema_experiment_path(e), name, sgema_experiment_path(e));
    bad = 1;
  }
  if (!any) {
    cli_error(err, "--runs: no run name in '%s'", list);
    bad = 1;
  }
  free(copy);
  return bad ? -1 : 0;
}

int run_select_apply(sgema_experiment *e, const char *runs, const char *select, cli_errors *err) {
  if (!runs && !select)
    return 0;
  if (runs && select) {
    cli_error(err, "give --runs or --select, not both");
    return -1;
  }
  const char *opt = runs ? "--runs" : "--select", *value = runs ? runs : select;
  size_t count = sgema_experiment_run_count(e);
  unsigned char *keep = calloc(count ? count : 1, 1);
  char *label = malloc(strlen(opt) + strlen(value) + 2);
  int st = -1;
  if (!keep || !label)
    cli_error(err, "out of memory");
  else
    st = runs ? mark_names(e, runs, keep, err) : mark_share(e, select, keep, err);
  long selected = 0;
  if (st == 0) {
    sprintf(label, "%s %s", opt, value); /* stored in the results file as `selection` */
    selected = sgema_experiment_select(e, keep, label);
    if (selected < 0)
      cli_error(err, "out of memory");
    else if (selected == 0) /* only --select can: a name always selects its run */
      cli_error(err, "--select %s selects none of the %zu runs of %s", select, count,
                sgema_experiment_path(e));
    st = selected > 0 ? 0 : -1;
  }
  free(label);
  free(keep);
  return st;
}
