/* Messages and names of the status codes, generated from the one X-macro list. */
#include "sgema/status.h"

static const char *const status_messages[] = {
#define SGEMA_STATUS_MSG(code, msg) msg,
    SGEMA_STATUS_LIST(SGEMA_STATUS_MSG)
#undef SGEMA_STATUS_MSG
};

static const char *const status_names[] = {
#define SGEMA_STATUS_NAME(code, msg) #code,
    SGEMA_STATUS_LIST(SGEMA_STATUS_NAME)
#undef SGEMA_STATUS_NAME
};

const char *sgema_strerror(int status) {
  if (status < 0 || status >= SGEMA_STATUS_COUNT)
    return "unknown status code";
  return status_messages[status];
}

int sgema_status_fatal(int status) {
  return status == SGEMA_ENOMEM || status == SGEMA_EIO;
}

int sgema_status_interrupted(int status) {
  return status == SGEMA_EINTERRUPTED;
}

const char *sgema_status_name(int status) {
  if (status < 0 || status >= SGEMA_STATUS_COUNT)
    return "SGEMA_UNKNOWN";
  return status_names[status];
}
