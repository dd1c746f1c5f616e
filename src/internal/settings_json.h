/* JSON of the settings and the momentum schedule (private: used by the record and output printers).
 */
#ifndef SGEMA_SETTINGS_JSON_H
#define SGEMA_SETTINGS_JSON_H

#include "json_writer.h"
#include "sgema/trial.h"

/* The momentum schedule as the member "momentum" of the current object. */
void sgema_json_momentum(jw_writer *w, const sgema_momentum *mo);
/* Every setting as an object: the member `key` of the current object, or a value when key is
 * NULL. The names are those of docs/RECORD.md's "settings". */
void sgema_json_settings(jw_writer *w, const char *key, const sgema_settings *s);
/* The settings as one line of JSON, as the results file stores them (docs/FORMAT.md); malloc'd,
 * NULL when out of memory. */
char *sgema_settings_json_line(const sgema_settings *s);
/* A stored settings line (a results file's, possibly of an older build) with every setting it does
 * not name added at its default, in this build's form: equal to sgema_settings_json_line of the
 * same settings. A line naming a setting this build does not know is returned unchanged. malloc'd,
 * NULL when out of memory. */
char *sgema_settings_json_complete(const char *stored);
/* The first setting whose value differs between two settings lines (a file's, completed, and an
 * experiment's), as "path (a in the file, b in the experiment)" or, when one line has a setting
 * the other lacks, its path, into out; 0 when they agree. */
int sgema_settings_json_difference(const char *a, const char *b, char *out, size_t size);

#endif
