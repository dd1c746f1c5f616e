/* Which runs may be pooled (settings equal but for alg, m and n), what tells the others apart, and
 * which inputs hold the same trials twice: sgema-plot's and sgema-sweep's honesty rules. */
#ifndef SGEMA_RUN_POOL_H
#define SGEMA_RUN_POOL_H

#include <stddef.h>
#include <stdint.h>

/* The pooling key of a run's stored settings (one line of JSON, docs/FORMAT.md): every setting but
 * the swept ones (alg, m, n) as "path=value" lines, in the stored order. Two runs may be pooled
 * exactly when their keys are equal. malloc'd; NULL when out of memory or not a JSON object. */
char *pool_key(const char *settings_json);

/* What tells a pooled group apart from the others of its algorithm: of the settings whose values
 * differ among `keys` (every group's key, `key` among them), those where `key` has a value other
 * than the library's default, e.g. "condition delta>=0", "discrete, t_max=200000". "" when none.
 * Writes at most size bytes into buf and returns buf. */
char *pool_variant(const char *key, const char *const *keys, size_t nkeys, char *buf, size_t size);

/* A file's identity (device and inode): the same file given twice, under any name, is one. */
typedef struct {
  unsigned long long dev, ino;
} pool_file_id;
/* 0, or -1 (errno set) when path cannot be stat'ed. */
int pool_file_id_of(const char *path, pool_file_id *id);

/* The first j > i with the same identity as file i, for i in order; -1 when every file is given
 * once. *first gets that i. */
long pool_repeated_file(const pool_file_id *ids, size_t n, size_t *first);

#endif
