/* sgema-run's --runs and --select: which of an experiment's runs one invocation runs. */
#ifndef SGEMA_RUN_SELECT_H
#define SGEMA_RUN_SELECT_H

#include "cli_args.h"
#include "sgema/experiment.h"

/* Restricts e (a whole experiment) to the runs named in `runs` ("NAME,NAME,...") or to those whose
 * index mod K is I (`select`, "I/K"); both NULL: every run. Each problem (an unknown name, a bad
 * I/K, both options, an empty selection) is one line on err. Returns 0, or -1 after reporting. */
int run_select_apply(sgema_experiment *e, const char *runs, const char *select, cli_errors *err);

#endif
