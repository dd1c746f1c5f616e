/* Comparing a resumed file's run with the experiment's: its stored settings line, stream and
 * recording, setting by setting. */
#define _POSIX_C_SOURCE 200809L

#include "output_impl.h"
#include "settings_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Resume: run r of the file must have the experiment's settings (all of them, as the `settings`
 * line), stream and recording; only the trial count may grow. The YAML text itself may differ
 * (comments, key order, defaults spelt out): what is compared is what the trials depend on. */
const char *output_run_same_settings(sgema_output *o, const run_out *r, const sgema_run_spec *spec,
                                     sgema_diagnostics *diag, const char *path) {
  /* complete: the stored line with the settings an older build did not know at their defaults */
  char *stored = NULL, *complete = NULL, *now = sgema_settings_json_line(&spec->settings),
       what[640];
  size_t len;
  uint32_t stream, points;
  double t_last;
  const char *failed = NULL;
  int differs = 0; /* what names the difference */
  if (!now)
    return "comparing the run's settings (out of memory)";
  if (output_attr_read_str(o, r->group, RF_RUN(SETTINGS), &stored, &len) < 0 ||
      output_attr_read_u32(r->group, RF_RUN(STREAM), &stream) < 0 ||
      output_attr_read_u32(r->group, RF_RUN(POINTS), &points) < 0 ||
      output_attr_read_f64(r->group, RF_RUN(T_LAST), &t_last) < 0)
    failed = "reading a run's attributes";
  else if (!(complete = sgema_settings_json_complete(stored)))
    failed = "comparing the run's settings (out of memory)";
  else if (sgema_settings_json_difference(complete, now, what, sizeof what))
    differs = 1;
  else if (stream != spec->stream)
    snprintf(what, sizeof what, "stream (%u in the file, %u in the experiment)", stream,
             spec->stream),
        differs = 1;
  else if (spec->record.trajectories > 0 &&
           (points != spec->record.points || t_last != spec->record.t_last))
    snprintf(what, sizeof what,
             "record (points %u, t_last %.17g in the file; points %u, t_last %.17g in the "
             "experiment)",
             points, t_last, spec->record.points, spec->record.t_last),
        differs = 1;
  if (differs) {
    sgema_diagnostics_add(diag, path, 1, 1, NULL,
                          "cannot resume: run `%s` has other settings in the file than in the "
                          "experiment: %s",
                          r->name, what);
    failed = "";
  }
  free(stored);
  free(complete);
  free(now);
  return failed;
}
