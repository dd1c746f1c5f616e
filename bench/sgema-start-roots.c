/* Solves the census' generic start systems once, with a long monodromy search, and writes them as
 * the C table the library ships (src/kernel/census/census_start_data.c). */
#define _POSIX_C_SOURCE 200809L
#include "sgema/census.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The systems shipped: every (m, kind) the census solves by the parameter homotopy with its
 * default settings and the cross-checks' (the rank-free system up to m = 3, the rank-1 system
 * tracked at m = 2); the rank-free system at m = 4 is tracked by total degree. */
typedef struct {
  sgema_census_system_kind kind;
  const char *id, *name;
  int m_min, m_max;
} shipped_kind;

static const shipped_kind shipped[] = {
    {SGEMA_CENSUS_EQ6, "SGEMA_CENSUS_EQ6", "eq6", 1, 4},
    {SGEMA_CENSUS_ANYRANK, "SGEMA_CENSUS_ANYRANK", "anyrank", 1, 3},
    {SGEMA_CENSUS_RANK1, "SGEMA_CENSUS_RANK1", "rank1", 2, 4},
    {SGEMA_CENSUS_CORANK1, "SGEMA_CENSUS_CORANK1", "corank1", 2, 4},
    {SGEMA_CENSUS_CORANK2, "SGEMA_CENSUS_CORANK2", "corank2", 4, 4},
};

enum { MAX_UNKNOWNS = SGEMA_CENSUS_M_MAX * (SGEMA_CENSUS_M_MAX + 1) / 2 + 2 * SGEMA_CENSUS_M_MAX };

static void usage(FILE *out) {
  fprintf(out, "usage: sgema-start-roots [--quiet-loops Q] [--m-max M] -o FILE.c\n"
               "Solves the census' generic start systems for m = 1..M (default 4) afresh, by\n"
               "total degree or by monodromy until Q loops in a row (default 40) find no new\n"
               "root, prints each system's root count and time, and writes them as the C table\n"
               "src/kernel/census/census_start_data.c (hexadecimal, exact).\n");
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int write_roots(FILE *f, const sgema_census *c, int m, const shipped_kind *k, long n,
                       int *N) {
  double re[MAX_UNKNOWNS], im[MAX_UNKNOWNS];
  fprintf(f, "static const double roots_m%d_%s[] = {\n", m, k->name);
  for (long i = 0; i < n; i++) {
    *N = sgema_census_start_root(c, m, k->kind, i, re, im);
    if (*N < 0)
      return 1;
    for (int j = 0; j < *N; j++)
      fprintf(f, "    %a, %a,\n", re[j], im[j]);
  }
  fprintf(f, "};\n\n");
  return 0;
}

static int generate(FILE *f, int m_max, int quiet_loops, const char *out_name) {
  sgema_census *c = sgema_census_alloc(m_max, m_max + 1);
  if (!c)
    return 1;
  fprintf(f,
          "/* The census' generic start roots (census_start_data.h), written by\n"
          " * `sgema-start-roots --quiet-loops %d --m-max %d -o %s`\n"
          " * (bench/sgema-start-roots.c): do not edit. */\n"
          "#include \"census_start_data.h\"\n\n#include <stddef.h>\n\n"
          "/* clang-format off */\n",
          quiet_loops, m_max, out_name);
  char table[8192] = "";
  int err = 0;
  for (size_t k = 0; k < sizeof shipped / sizeof shipped[0] && !err; k++)
    for (int m = shipped[k].m_min; m <= shipped[k].m_max && m <= m_max && !err; m++) {
      double t0 = now();
      long n = sgema_census_solve_start_roots(c, m, shipped[k].kind, quiet_loops);
      int N = 0;
      err = n < 1 || write_roots(f, c, m, &shipped[k], n, &N);
      printf("m = %d %-8s %5ld roots, %2d unknowns, %8.1f s\n", m, shipped[k].name, n, N,
             now() - t0);
      fflush(stdout);
      size_t used = strlen(table);
      snprintf(table + used, sizeof table - used, "    {%d, %s, %d, %ld, roots_m%d_%s},\n", m,
               shipped[k].id, N, n, m, shipped[k].name);
    }
  fprintf(f,
          "/* clang-format on */\n\nstatic const sgema_census_start_table tables[] = {\n%s};\n\n"
          "const sgema_census_start_table *sgema_census_start_table_find(int m,\n"
          "                                                              "
          "sgema_census_system_kind kind) {\n"
          "  for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)\n"
          "    if (tables[i].m == m && tables[i].kind == kind)\n"
          "      return &tables[i];\n"
          "  return NULL;\n}\n",
          table);
  sgema_census_free(c);
  return err;
}

int main(int argc, char **argv) {
  static const struct option opts[] = {{"quiet-loops", required_argument, NULL, 'q'},
                                       {"m-max", required_argument, NULL, 'm'},
                                       {"output", required_argument, NULL, 'o'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  int quiet_loops = 40, m_max = SGEMA_CENSUS_M_MAX, opt;
  const char *out = NULL;
  while ((opt = getopt_long(argc, argv, "q:m:o:h", opts, NULL)) != -1) {
    if (opt == 'q')
      quiet_loops = atoi(optarg);
    else if (opt == 'm')
      m_max = atoi(optarg);
    else if (opt == 'o')
      out = optarg;
    else {
      usage(opt == 'h' ? stdout : stderr);
      return opt == 'h' ? 0 : 2;
    }
  }
  if (!out || optind != argc || quiet_loops < 1 || m_max < 1 || m_max > SGEMA_CENSUS_M_MAX) {
    usage(stderr);
    return 2;
  }
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.partial", out);
  FILE *f = fopen(tmp, "w");
  if (!f) {
    perror(tmp);
    return 1;
  }
  int err = generate(f, m_max, quiet_loops, out);
  if (fclose(f) != 0 || err) {
    fprintf(stderr, "sgema-start-roots: failed; %s left as it was\n", out);
    remove(tmp);
    return 1;
  }
  if (rename(tmp, out) != 0) {
    perror(out);
    return 1;
  }
  return 0;
}
