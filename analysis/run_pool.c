/* Pooling keys of stored run settings, the labels of the groups that may not be pooled, and the
 * identity of input files. */
#define _POSIX_C_SOURCE 200809L
#include "run_pool.h"

#include "settings_json.h"
#include "sgema/trial.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- flattening the stored JSON into "path=value" lines ---- */

typedef struct {
  const char *p;
  FILE *out;
  int bad;
} flat_ctx;

static void skip_space(flat_ctx *c) {
  while (*c->p == ' ' || *c->p == '\n' || *c->p == '\t' || *c->p == '\r')
    c->p++;
}

/* The extent of one scalar or array value (arrays are kept whole, as "[0,3]"). */
static const char *value_end(const char *p) {
  if (*p == '"') {
    for (p++; *p && *p != '"'; p++)
      if (*p == '\\' && p[1])
        p++;
    return *p ? p + 1 : p;
  }
  if (*p == '[') {
    int depth = 0;
    for (; *p; p++) {
      depth += *p == '[';
      depth -= *p == ']';
      if (depth == 0)
        return p + 1;
    }
    return p;
  }
  while (*p && *p != ',' && *p != '}' && *p != ']')
    p++;
  return p;
}

/* The settings nest three deep; a deeper or malformed text is not a stored settings line. */
static void flatten_object(flat_ctx *c, const char *prefix, int depth) {
  if (depth > 8 || *c->p != '{') {
    c->bad = 1;
    return;
  }
  c->p++;
  for (skip_space(c); !c->bad && *c->p && *c->p != '}';) {
    if (*c->p != '"') {
      c->bad = 1;
      return;
    }
    const char *k0 = c->p + 1, *k1 = strchr(k0, '"');
    if (!k1) {
      c->bad = 1;
      return;
    }
    char path[256];
    snprintf(path, sizeof path, "%s%s%.*s", prefix, prefix[0] ? "." : "", (int)(k1 - k0), k0);
    c->p = k1 + 1;
    skip_space(c);
    if (*c->p != ':') {
      c->bad = 1;
      return;
    }
    c->p++;
    skip_space(c);
    if (*c->p == '{') {
      flatten_object(c, path, depth + 1);
    } else {
      const char *end = value_end(c->p);
      /* The swept settings are what a sweep varies: never part of the key. */
      if (depth > 0 || (strcmp(path, "alg") != 0 && strcmp(path, "m") != 0 && strcmp(path, "n")))
        fprintf(c->out, "%s=%.*s\n", path, (int)(end - c->p), c->p);
      c->p = end;
    }
    skip_space(c);
    if (*c->p == ',') {
      c->p++;
      skip_space(c);
    }
  }
  if (*c->p == '}')
    c->p++;
  else
    c->bad = 1;
}

char *pool_key(const char *stored_json) {
  /* A file of an older build lacks the settings added since: they are at their defaults, so its
   * runs pool with a newer file's runs of the same settings. */
  char *complete = stored_json ? sgema_settings_json_complete(stored_json) : NULL;
  const char *settings_json = complete ? complete : stored_json;
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  if (!out) {
    free(complete);
    return NULL;
  }
  flat_ctx c = {settings_json ? settings_json : "", out, 0};
  skip_space(&c);
  flatten_object(&c, "", 0);
  if (fclose(out) != 0) {
    free(text);
    free(complete);
    return NULL;
  }
  if (c.bad) { /* not the stored form: the whole text is the key, equal only to itself */
    free(text);
    size_t n = strlen(settings_json ? settings_json : "") + 10;
    if ((text = malloc(n)))
      snprintf(text, n, "settings=%s\n", settings_json ? settings_json : "");
  }
  free(complete);
  return text;
}

/* ---- labels ---- */

/* The value of path in key (a pointer into key, its length in *len); NULL when absent. */
static const char *key_value(const char *key, const char *path, size_t *len) {
  size_t plen = strlen(path);
  for (const char *line = key; line && *line;) {
    const char *nl = strchr(line, '\n');
    size_t llen = nl ? (size_t)(nl - line) : strlen(line);
    if (llen > plen && strncmp(line, path, plen) == 0 && line[plen] == '=') {
      *len = llen - plen - 1;
      return line + plen + 1;
    }
    line = nl ? nl + 1 : NULL;
  }
  return NULL;
}

static int same_value(const char *a, size_t alen, const char *b, size_t blen) {
  return a && b ? alen == blen && strncmp(a, b, alen) == 0 : a == b;
}

/* The default settings' key, computed once. */
static const char *default_key(void) {
  static char *key;
  if (!key) {
    sgema_settings s;
    sgema_settings_default(&s);
    char *json = sgema_settings_json_line(&s);
    key = json ? pool_key(json) : NULL;
    free(json);
  }
  return key ? key : "";
}

/* A setting as a reader says it: the time kind and the Delta condition in words, else the name
 * (with its group for the momentum, whose member names say little alone) and the value. */
static void describe(FILE *out, const char *path, const char *v, size_t vlen) {
  if (strcmp(path, "time") == 0 && vlen >= 2)
    fprintf(out, "%.*s", (int)(vlen - 2), v + 1);
  else if (strcmp(path, "sampling.condition_delta") == 0)
    fputs(strncmp(v, "true", vlen) == 0 && vlen == 4 ? "condition delta>=0" : "any delta", out);
  else {
    const char *dot = strchr(path, '.');
    const char *name = dot && strncmp(path, "momentum.", 9) != 0 ? dot + 1 : path;
    if (vlen >= 2 && v[0] == '"')
      fprintf(out, "%s=%.*s", name, (int)(vlen - 2), v + 1);
    else
      fprintf(out, "%s=%.*s", name, (int)vlen, v);
  }
}

char *pool_variant(const char *key, const char *const *keys, size_t nkeys, char *buf, size_t size) {
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  buf[0] = '\0';
  if (!out)
    return buf;
  const char *def = default_key();
  int any = 0;
  for (const char *line = key; line && *line;) {
    const char *nl = strchr(line, '\n'), *eq = strchr(line, '=');
    if (!eq || (nl && eq > nl))
      break;
    char path[256];
    snprintf(path, sizeof path, "%.*s", (int)(eq - line), line);
    size_t vlen = 0, olen = 0, dlen = 0;
    const char *v = key_value(key, path, &vlen);
    int differs = 0;
    for (size_t i = 0; i < nkeys && !differs; i++)
      differs = !same_value(v, vlen, key_value(keys[i], path, &olen), olen);
    const char *d = key_value(def, path, &dlen);
    if (differs && !same_value(v, vlen, d, dlen)) {
      fputs(any++ ? ", " : "", out);
      describe(out, path, v, vlen);
    }
    line = nl ? nl + 1 : NULL;
  }
  if (fclose(out) == 0 && text)
    snprintf(buf, size, "%s", text);
  free(text);
  return buf;
}

/* ---- files ---- */

int pool_file_id_of(const char *path, pool_file_id *id) {
  struct stat st;
  if (stat(path, &st) != 0)
    return -1;
  id->dev = (unsigned long long)st.st_dev;
  id->ino = (unsigned long long)st.st_ino;
  return 0;
}

long pool_repeated_file(const pool_file_id *ids, size_t n, size_t *first) {
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++)
      if (ids[i].dev == ids[j].dev && ids[i].ino == ids[j].ino) {
        *first = i;
        return (long)j;
      }
  return -1;
}
