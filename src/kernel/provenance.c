/* The facts that decide a trial's bits across machines: library versions, BLAS kernel, CPU. */
#define _GNU_SOURCE /* gnu_get_libc_version */
#include "sgema/provenance.h"
#include "blas_matrix.h"

#include <gnu/libc-version.h>
#include <gsl/gsl_version.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sundials/sundials_version.h>

#ifndef SGEMA_ARPACK_VERSION
#define SGEMA_ARPACK_VERSION "unknown"
#endif

/* OpenBLAS's own queries, weak: a build on another BLAS (reference BLAS, BLIS) still links and
 * says "unknown" instead. */
char *openblas_get_config(void) __attribute__((weak));
char *openblas_get_corename(void) __attribute__((weak));
int openblas_get_num_threads(void) __attribute__((weak));
/* LAPACK's version (every LAPACK since 3.0 has it). */
void ilaver_(int *major, int *minor, int *patch);

typedef struct {
  char *buf;
  size_t size, len;
} text;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
line(text *t, const char *key, const char *fmt, ...) {
  char value[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(value, sizeof value, fmt, ap);
  va_end(ap);
  int n = snprintf(t->buf + t->len, t->size - t->len, "%s: %s\n", key, value);
  if (n > 0)
    t->len += (size_t)n < t->size - t->len ? (size_t)n : t->size - t->len - 1;
}

/* The value of the first /proc/cpuinfo line starting with key ("model name", "flags") into out;
 * "unknown" when there is none. */
static void cpuinfo(const char *key, char *out, size_t size) {
  snprintf(out, size, "unknown");
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f)
    return;
  char row[8192]; /* a flags line is long */
  while (fgets(row, sizeof row, f)) {
    const char *colon = strchr(row, ':');
    if (strncmp(row, key, strlen(key)) == 0 && colon) {
      colon++;
      colon += *colon == ' ';
      snprintf(out, size, "%.*s", (int)strcspn(colon, "\n"), colon);
      break;
    }
  }
  fclose(f);
}

/* Which of the features that the libraries' run-time dispatch depends on the CPU lists. */
static void features(char *out, size_t size) {
  char flags[8192];
  cpuinfo("flags", flags, sizeof flags);
  static const char *const wanted[] = {"fma", "avx2", "avx512f"};
  out[0] = '\0';
  size_t len = 0;
  for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
    const char *p = flags;
    size_t w = strlen(wanted[i]);
    int has = 0;
    while ((p = strstr(p, wanted[i])) != NULL && !has) {
      has = (p == flags || p[-1] == ' ') && (p[w] == ' ' || p[w] == '\0');
      p += w;
    }
    int n = snprintf(out + len, size - len, "%s%s%s", len ? " " : "", has ? "" : "no ", wanted[i]);
    if (n > 0 && (size_t)n < size - len)
      len += (size_t)n;
  }
}

size_t sgema_provenance_numerics(char *buf, size_t size) {
  if (!buf || size == 0)
    return 0;
  buf[0] = '\0';
  text t = {buf, size, 0};
  blas_single_thread();
  int openblas = openblas_get_config && openblas_get_corename && openblas_get_num_threads;
  if (openblas) {
    line(&t, "blas", "%s", openblas_get_config());
    line(&t, "blas_core", "%s", openblas_get_corename());
    line(&t, "blas_threads", "%d", openblas_get_num_threads());
  } else {
    line(&t, "blas", "unknown: not OpenBLAS");
    line(&t, "blas_core", "unknown");
    line(&t, "blas_threads", "unknown");
  }
  int major = 0, minor = 0, patch = 0;
  ilaver_(&major, &minor, &patch);
  line(&t, "lapack", "%d.%d.%d", major, minor, patch);
  char sundials[64];
  if (SUNDIALSGetVersion(sundials, (int)sizeof sundials) != 0)
    snprintf(sundials, sizeof sundials, "unknown");
  line(&t, "sundials", "%s", sundials);
  line(&t, "arpack", "%s", SGEMA_ARPACK_VERSION);
  line(&t, "gsl", "%s", gsl_version);
  line(&t, "libc", "glibc %s", gnu_get_libc_version());
  char cpu[256], feat[64];
  cpuinfo("model name", cpu, sizeof cpu);
  features(feat, sizeof feat);
  line(&t, "cpu", "%s", cpu);
  line(&t, "cpu_features", "%s", feat);
#if defined(__clang__)
  line(&t, "compiler", "clang %s", __clang_version__);
#elif defined(__GNUC__)
  line(&t, "compiler", "gcc %s", __VERSION__);
#else
  line(&t, "compiler", "unknown");
#endif
  return t.len;
}
