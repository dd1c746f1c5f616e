/* The sgema-trial command line that re-runs a trial of a results file bit for bit. */
#ifndef SGEMA_EXPORT_COMMAND_H
#define SGEMA_EXPORT_COMMAND_H

#include "sgema/trial.h"

#include <stdint.h>

/* "PROGRAM --seed S --run STREAM <every setting of s as an option>": with " --trial K" appended it
 * samples and solves trial (S, STREAM, K) with exactly the run's settings. Every setting is spelt
 * out (numbers with the fewest digits that read back to the same double), so the command does not
 * depend on the defaults of the sgema-trial that runs it. The program is shell-quoted when it
 * needs to be. malloc'd; NULL when out of memory. */
char *export_command_prefix(const char *program, const sgema_settings *s, uint64_t seed,
                            uint32_t stream);

#endif
