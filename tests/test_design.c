/* Grid designs: trial -> cell and cell values against hand-computed ones, the names, each rule of
 * sgema_design_check, and the sampler's use of a design against its random draws. */
#include "sgema/design.h"
#include "sgema/sample.h"
#include "sgema/settings.h"
#include "sgema/status.h"

#include "test_util.h"

#include <limits.h>

#define SEED UINT64_C(1414)

static sgema_design grid(sgema_design_kind kind, sgema_axis_kind x, sgema_axis_kind y) {
  sgema_design d = {kind, {x, 0, -1.0, 1.0, 3}, {y, 0, 0.0, 3.0, 4}, 1, 0};
  return d;
}

static void test_cells(void) {
  sgema_design d = grid(SGEMA_DESIGN_PHASE, SGEMA_AXIS_RHO, SGEMA_AXIS_TAU);
  d.per_cell = 5;
  CHECK(sgema_design_trials(&d) == 60, "3 x 4 cells x 5 = 60 trials");
  sgema_design r = d;
  r.kind = SGEMA_DESIGN_RANDOM;
  CHECK(sgema_design_trials(&r) == 0, "a random design has no grid trials");
  /* Trial 37: cell 37 / 5 = 7 = iy 2 * 3 + ix 1. */
  uint32_t ix, iy;
  sgema_design_cell(&d, 37, &ix, &iy);
  CHECK(ix == 1 && iy == 2, "trial 37 is cell (1, 2): (%u, %u)", ix, iy);
  sgema_design_cell(&d, 59, &ix, &iy);
  CHECK(ix == 2 && iy == 3, "the last trial is the last cell: (%u, %u)", ix, iy);
  sgema_design_cell(&d, 4, &ix, &iy);
  CHECK(ix == 0 && iy == 0, "trials 0..4 are cell (0, 0)");
  /* x: [-1, 1] in 3 cells of width 2/3: centres -2/3, 0, 2/3; y: [0, 3] in 4: 0.375 + 0.75 i. */
  CHECK(fabs(sgema_design_value(&d.x, 0) + 2.0 / 3.0) < 1e-15, "x centre 0 is -2/3");
  CHECK(sgema_design_value(&d.x, 1) == 0.0, "x centre 1 is 0");
  CHECK(sgema_design_value(&d.y, 0) == 0.375 && sgema_design_value(&d.y, 3) == 2.625,
        "y centres 0.375 and 2.625 (exact in binary)");
  sgema_design_axis one = {SGEMA_AXIS_LAMBDA, 0, 0.1, 0.1, 1};
  CHECK(sgema_design_value(&one, 0) == 0.1, "a one-value axis is its value");
}

static void test_names(void) {
  for (int k = SGEMA_DESIGN_RANDOM; k <= SGEMA_DESIGN_BASINS; k++)
    CHECK(sgema_design_kind_parse(sgema_design_kind_name(k)) == k, "kind %s round trip",
          sgema_design_kind_name(k));
  for (int a = SGEMA_AXIS_RHO; a <= SGEMA_AXIS_C; a++)
    CHECK(sgema_axis_parse(sgema_axis_name(a)) == a, "axis %s round trip", sgema_axis_name(a));
  CHECK(sgema_design_kind_parse("grid") == -1 && sgema_axis_parse("a") == -1,
        "unknown names are -1 (axes are case-sensitive)");
  CHECK(strcmp(sgema_design_kind_name(1), "phase") == 0 && strcmp(sgema_axis_name(4), "B") == 0,
        "names by value");
}

/* The key sgema_design_check blames, or "ok". */
static const char *blamed(const sgema_design *d, const sgema_design_context *c) {
  const char *key;
  char why[200];
  int st = sgema_design_check(d, c, &key, why, sizeof why);
  return st == SGEMA_OK ? "ok" : key;
}

static void expect(const sgema_design *d, const sgema_design_context *c, const char *key,
                   const char *what) {
  const char *got = blamed(d, c);
  CHECK(strcmp(got, key) == 0, "%s: %s (blamed %s)", what, key, got);
}

static void test_rules(void) {
  sgema_design_context sg = {0, 1, 2, 0, 0}, ema_copy = {1, 1, 2, 0, 0}, ema_ind = {1, 1, 2, 1, 0};
  sgema_design p = grid(SGEMA_DESIGN_PHASE, SGEMA_AXIS_RHO, SGEMA_AXIS_TAU), d;
  p.x.lo = 0.0; /* rho on [0, 1] */
  expect(&p, &sg, "ok", "rho x tau phase");
  d = p;
  d.x.what = SGEMA_AXIS_A;
  expect(&d, &sg, "x", "phase with an A axis");
  d = p;
  d.x.lo = -0.5; /* x is rho here */
  expect(&d, &sg, "x_range", "rho below 0");
  d = p;
  d.y.what = SGEMA_AXIS_LAMBDA;
  d.y.lo = 0.0;
  expect(&d, &sg, "y_range", "lambda from 0");
  d = p;
  d.y.what = SGEMA_AXIS_RHO;
  expect(&d, &sg, "y", "the same statistic twice");
  d = p;
  d.x.hi = NAN;
  expect(&d, &sg, "x_range", "a NaN end");
  sgema_design_context cond = sg;
  cond.condition_delta = 1;
  expect(&p, &cond, "condition_delta", "phase with condition_delta");
  d = p;
  d.x.cells = SGEMA_DESIGN_CELLS_MAX + 1;
  expect(&d, &sg, "x_cells", "too many cells");
  d = p;
  d.x.cells = d.y.cells = SGEMA_DESIGN_CELLS_MAX;
  d.per_cell = INT_MAX;
  expect(&d, &sg, "per_cell", "10^10 x (2^31 - 1) trials (past 2^64) do not fit a uint32");
  d.x.cells = 65536;
  d.y.cells = 32768;
  expect(&d, &sg, "per_cell", "2^31 x 2 = 2^32 trials do not fit ...");
  d.per_cell = 1;
  d.x.cells = 65535;
  d.y.cells = 65537;
  expect(&d, &sg, "ok", "... 2^32 - 1 do");

  sgema_design b = grid(SGEMA_DESIGN_BASINS, SGEMA_AXIS_A, SGEMA_AXIS_A);
  b.y.index = 1;
  expect(&b, &sg, "ok", "the a-plane at n = 2");
  d = b;
  d.y.index = 2;
  expect(&d, &sg, "y_index", "A has n m = 2 entries");
  d.y.what = SGEMA_AXIS_B;
  d.y.index = 3;
  expect(&d, &sg, "ok", "B has n^2 = 4");
  d = b;
  d.y.index = 0;
  expect(&d, &sg, "y_index", "the same coordinate twice");
  d = b;
  d.x.what = SGEMA_AXIS_TAU;
  expect(&d, &sg, "x", "basins with a statistic");
  d = b;
  d.y.what = SGEMA_AXIS_C;
  expect(&d, &sg, "y", "C for SG");
  expect(&d, &ema_copy, "y", "C with a copied target");
  expect(&d, &ema_ind, "ok", "C with an independent target");
  d = b;
  d.per_cell = 2;
  expect(&d, &sg, "per_cell", "basins with 2 trials a cell");
  d = b;
  d.x.lo = d.x.hi = 0.5;
  expect(&d, &sg, "x_range", "basins with lo = hi");
  sgema_design r = {0};
  r.x.cells = -3;
  expect(&r, &sg, "ok", "a random design's axes are not read");
}

/* A design's draw against the random draw of the same trial. */
static void test_sampler(void) {
  sgema_settings s;
  sgema_settings_default(&s);
  s.alg = SGEMA_ALG_EMA;
  s.m = 2;
  s.n = 3;
  s.sampling.stats = SGEMA_STATS_COMMUTING;
  sgema_sampler *smp = sgema_sampler_alloc(2, 3);
  sgema_problem p = {0}, q = {0};
  sgema_settings_problem(&s, &p);
  sgema_settings_problem(&s, &q);
  double y[64], z[64];
  long draws;
  size_t N = sgema_problem_dim(&p);

  /* phase: lambda x tau with per_cell 2; trial 9 is cell 4 = (ix 1, iy 1) of a 3 x 4 grid. */
  sgema_sampling ph = s.sampling;
  ph.design = grid(SGEMA_DESIGN_PHASE, SGEMA_AXIS_LAMBDA, SGEMA_AXIS_TAU);
  ph.design.x.lo = 0.05;
  ph.design.x.hi = 0.35; /* lambda centres 0.1, 0.2, 0.3 */
  ph.design.per_cell = 2;
  int st = sgema_sampler_draw(smp, &ph, SEED, 5, 9, &p, y, &draws);
  sgema_sampler_draw(smp, &s.sampling, SEED, 5, 9, &q, z, &draws);
  CHECK(st == SGEMA_OK, "phase draw");
  CHECK(fabs(p.lambda - 0.2) < 1e-15, "lambda is the cell's centre 0.2: %.17g", p.lambda);
  /* Syx = Q diag(tau) Q^T with both tau_i = 1.125 is 1.125 I whatever Q; Sxx keeps its rho. */
  double err = 0.0;
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++)
      err = fmax(err, fabs(p.Syx[i * 2 + j] - (i == j ? 1.125 : 0.0)));
  CHECK(err < 1e-14, "every tau_i is the centre 1.125 (Syx = 1.125 I, off by %.2g)", err);
  CHECK(memcmp(p.Sxx, q.Sxx, sizeof(double) * 4) == 0, "rho and the rotation as drawn");
  CHECK(memcmp(y, z, sizeof(double) * N) == 0, "the initial state as drawn, bit for bit");

  /* basins: EMA with target copy, x = A entry 5, y = B entry 0, base_trial 3. */
  sgema_sampling bs = s.sampling;
  bs.design = grid(SGEMA_DESIGN_BASINS, SGEMA_AXIS_A, SGEMA_AXIS_B);
  bs.design.x.index = 5;
  bs.design.base_trial = 3;
  st = sgema_sampler_draw(smp, &bs, SEED, 5, 7, &p, y, &draws); /* cell (1, 2) */
  sgema_sampler_draw(smp, &s.sampling, SEED, 5, 3, &q, z, &draws);
  CHECK(st == SGEMA_OK, "basins draw");
  CHECK(p.lambda == q.lambda && memcmp(p.Sxx, q.Sxx, sizeof(double) * 4) == 0 &&
            memcmp(p.Syx, q.Syx, sizeof(double) * 4) == 0,
        "the data are base_trial 3's");
  double *A = sgema_state_A(&p, y), *B = sgema_state_B(&p, y), *C = sgema_state_C(&p, y);
  CHECK(A[5] == 0.0 && B[0] == 1.875, "A[5] = 0 and B[0] = 1.875, the cell's centres");
  CHECK(C[5] == 0.0, "C(0) = A(0) moves with A under target copy");
  int others = 1;
  for (size_t i = 0; i < N; i++) {
    size_t a5 = (size_t)(A + 5 - y), b0 = (size_t)(B - y), c5 = (size_t)(C + 5 - y);
    if (i != a5 && i != b0 && i != c5)
      others &= y[i] == z[i];
  }
  CHECK(others, "every other coordinate is base_trial 3's");
  CHECK(sgema_sampler_draw(smp, &bs, SEED, 5, 12, &p, y, &draws) == SGEMA_EINVAL,
        "trial 12 is past the 3 x 4 grid");
  bs.design.x.what = SGEMA_AXIS_C;
  CHECK(sgema_sampler_draw(smp, &bs, SEED, 5, 0, &p, y, &draws) == SGEMA_EINVAL,
        "the sampler refuses C with a copied target");
  sgema_sampler_free(smp);
}

int main(void) {
  test_cells();
  test_names();
  test_rules();
  test_sampler();
  return tu_finish();
}
