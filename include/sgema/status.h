/* Status codes of the sgema library and the one table of their messages. */
#ifndef SGEMA_STATUS_H
#define SGEMA_STATUS_H

/* X-macro: every code with its message, so the two never drift apart. */
#define SGEMA_STATUS_LIST(X)                                                                       \
  X(SGEMA_OK, "success")                                                                           \
  X(SGEMA_EINVAL, "invalid argument")                                                              \
  X(SGEMA_EDIM, "impossible dimensions (need 1 <= m < n within the limits)")                       \
  X(SGEMA_ENOMEM, "out of memory")                                                                 \
  X(SGEMA_ESAMPLE, "rejection sampling exhausted its draw budget")                                 \
  X(SGEMA_ESTEP, "integrator step size underflow")                                                 \
  X(SGEMA_ELINALG, "linear algebra failure (singular matrix or no "                                \
                   "convergence)")                                                                 \
  X(SGEMA_EGSL, "GSL reported an error")                                                           \
  X(SGEMA_EIO, "input/output error")                                                               \
  X(SGEMA_EPARSE, "malformed input")                                                               \
  X(SGEMA_EINTERRUPTED, "interrupted by a stop request")

typedef enum {
#define SGEMA_STATUS_ENUM(code, msg) code,
  SGEMA_STATUS_LIST(SGEMA_STATUS_ENUM)
#undef SGEMA_STATUS_ENUM
      SGEMA_STATUS_COUNT
} sgema_status;

/* Message for a status code; never NULL. */
const char *sgema_strerror(int status);

/* Name of a status code ("SGEMA_EINVAL"); never NULL. */
const char *sgema_status_name(int status);

/* 1 when a trial's error status is a fault of the machine (out of memory, I/O), which may not
 * recur: such a trial is not a result and a run must stop. Every other error is a property of the
 * trial's inputs and settings, as reproducible as its class: the runner records the trial as
 * `failed` with that status and goes on. */
int sgema_status_fatal(int status);

/* 1 for SGEMA_EINTERRUPTED: the trial was abandoned on request (sgema_trial_set_watch). It is not
 * a result: the runner records nothing for it and a resume computes it afresh. */
int sgema_status_interrupted(int status);

#endif
