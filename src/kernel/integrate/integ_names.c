/* The names of the integration methods, the preconditioners and the ways a trial ends (one list
 * each, in include/sgema/integrate.h): below the settings that name a method and the driver that
 * runs it. */
#include "sgema/integrate.h"

#include <string.h>

static const char *const method_names[] = {
#define SGEMA_METHOD_NAME(code, name) name,
    SGEMA_METHOD_LIST(SGEMA_METHOD_NAME)
#undef SGEMA_METHOD_NAME
};

const char *sgema_method_name(sgema_method m) {
  return (unsigned)m < SGEMA_METHOD_COUNT ? method_names[m] : "unknown";
}

int sgema_method_parse(const char *name) {
  for (int i = 0; i < SGEMA_METHOD_COUNT; i++)
    if (strcmp(name, method_names[i]) == 0)
      return i;
  return -1;
}

static const char *const preconditioner_names[SGEMA_PREC_COUNT] = {"block", "none"};

const char *sgema_preconditioner_name(sgema_preconditioner p) {
  return (unsigned)p < SGEMA_PREC_COUNT ? preconditioner_names[p] : "unknown";
}

static const char *const end_names[SGEMA_END_COUNT] = {"converged", "diverged",  "t_max",
                                                       "max_steps", "step_fail", "error"};

const char *sgema_end_name(sgema_end e) {
  return (unsigned)e < SGEMA_END_COUNT ? end_names[e] : "unknown";
}
