/* Comparing a resumed file's run with the experiment's: its stored settings line, stream and
 * recording, setting by setting. */
#define _POSIX_C_SOURCE 200809L

#include "output_impl.h"
#include "settings_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The next leaf of a one-line JSON object (settings_json.c's output): its dotted path
 * ("integration.rtol") into path and its value's text in *value, *len; 0 at the end. Arrays are
 * one value. */
static int json_next_leaf(const char **p, char keys[][48], int *depth, char *path, size_t size,
                          const char **value, size_t *len) {
  const char *c = *p;
  for (;;) {
    while (*c == ' ' || *c == ',' || *c == '\n')
      c++;
    if (!*c)
      return 0;
    if (*c == '{') {
      (*depth)++;
      c++;
    } else if (*c == '}') {
      (*depth)--;
      c++;
    } else if (*c == '"' && *depth >= 1 && *depth < 8) { /* a key: "name": */
      const char *end = strchr(c + 1, '"');
      if (!end)
        return 0;
      snprintf(keys[*depth], 48, "%.*s", (int)(end - c - 1), c + 1);
      c = end + 1;
      while (*c == ' ' || *c == ':')
        c++;
      if (*c == '{')
        continue;
      const char *v = c;
      if (*c == '"') {
        c = strchr(c + 1, '"');
        c = c ? c + 1 : v + strlen(v);
      } else if (*c == '[') {
        c = strchr(c, ']');
        c = c ? c + 1 : v + strlen(v);
      } else {
        while (*c && *c != ',' && *c != '}')
          c++;
      }
      size_t used = 0;
      path[0] = '\0';
      for (int d = 1; d <= *depth && used < size; d++)
        used += (size_t)snprintf(path + used, size - used, "%s%s", d > 1 ? "." : "", keys[d]);
      *value = v;
      *len = (size_t)(c - v);
      *p = c;
      return 1;
    } else {
      return 0;
    }
  }
}

/* The first setting whose value differs between two settings lines, as "path (a in the file, b in
 * the experiment)" into out; 0 when they agree. */
static int json_difference(const char *a, const char *b, char *out, size_t size) {
  char ka[8][48], kb[8][48], pa[256], pb[256];
  int da = 0, db = 0;
  const char *va, *vb;
  size_t la, lb;
  for (;;) {
    int ha = json_next_leaf(&a, ka, &da, pa, sizeof pa, &va, &la);
    int hb = json_next_leaf(&b, kb, &db, pb, sizeof pb, &vb, &lb);
    if (!ha && !hb)
      return 0;
    if (ha != hb || strcmp(pa, pb) != 0) {
      snprintf(out, size, "%s", ha ? pa : pb);
      return 1;
    }
    if (la != lb || memcmp(va, vb, la) != 0) {
      snprintf(out, size, "%s (%.*s in the file, %.*s in the experiment)", pa, (int)la, va, (int)lb,
               vb);
      return 1;
    }
  }
}

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
  else if (json_difference(complete, now, what, sizeof what))
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
