/* A census saddle made reproducible (issue 13): its unstable eigenvector, the two initial states
 * 1e-6 away from it along that vector as sgema-trial input files, and where the kernel's trials
 * from them go. */
#ifndef SGEMA_CENSUS_SADDLE_H
#define SGEMA_CENSUS_SADDLE_H

#include "json_writer.h"
#include "sgema/census.h"
#include "sgema/settings.h"
#include "sgema/trial.h"

#include <stddef.h>
#include <stdio.h>

/* How far from the saddle each trial starts, along its unit eigenvector. */
#define CENSUS_SADDLE_STEP 1e-6

/* The largest state whose dense Jacobian and LAPACK eigenvectors are computed (3 N^2 doubles). */
#define CENSUS_SADDLE_MAX_DIM 2048

/* Where the input files go and what the printed sgema-trial lines carry. */
typedef struct {
  const char *dir;        /* NULL: no files, no sgema-trial lines */
  const char *stem;       /* file names DIR/STEM-eqI-plus.yaml and -minus.yaml */
  const char *trial_args; /* settings options each sgema-trial line repeats ("" for none) */
} census_saddle_files;

/* One side: the trial from y* + sign 1e-6 v. */
typedef struct {
  int sign;
  char path[4096]; /* the input file written ("" when none) */
  int status;      /* sgema_trial_solve's status */
  sgema_class cls; /* the limit's class */
  int rank;        /* rank(A) of the limit */
  double t_end;    /* when the integration stopped */
  double *dist;    /* [n_equilibria]: |A^T A - S_i|_F / max(1, |S_i|_F) */
  int nearest;     /* the census equilibrium nearest to A^T A */
  int left;        /* 1: the limit is not the saddle (nearest is another equilibrium) */
} census_side;

typedef struct {
  int index;              /* the saddle's place in the census' equilibria */
  size_t N;               /* state length */
  double re, im;          /* the rightmost eigenvalue of the dense Jacobian at y* */
  const double *y, *v;    /* y* and the unit eigenvector (the real part of a complex one) */
  census_side side[2];    /* +, - */
  const char *trial_args; /* what each sgema-trial line adds after --input FILE */
} census_counterexample;

typedef struct census_saddle census_saddle;

/* A workspace for the problems of settings s (its m, n and alg), whose trials run with s. */
census_saddle *census_saddle_alloc(const sgema_settings *s);
void census_saddle_free(census_saddle *w);

/* Before anything is written: -1 and why in err when one of the files of equilibrium i already
 * exists (nothing is ever overwritten) or DIR is not a directory. */
int census_saddle_check_files(const census_saddle_files *f, int i, char *err, size_t errsize);

/* The counterexample of equilibrium i of r (the census of p by c): eigenvector, files (when
 * f->dir), both trials. Returns a kernel status (SGEMA_EIO when a file cannot be written, with why
 * in err); out points into w until its next use. */
int census_saddle_explain(census_saddle *w, sgema_census *c, const sgema_problem *p,
                          const sgema_census_result *r, int i, const census_saddle_files *f,
                          census_counterexample *out, char *err, size_t errsize);

/* The counterexample as text (the exact inputs, y*, v, both sides and the sgema-trial lines) or
 * as one JSON object (an element of an array). */
void census_saddle_print_text(FILE *out, const sgema_problem *p, const sgema_census_result *r,
                              const census_counterexample *x);
void census_saddle_print_json(jw_writer *w, const sgema_problem *p, const sgema_census_result *r,
                              const census_counterexample *x);

#endif
