/* The ARPACK wrapper (src/kernel/classify_arnoldi.c) on operators with known spectra: the rightmost
 * eigenvalue, a budget the default basis does not meet and the wide basis does, a product budget,
 * bad arguments. */
#include "classify_arnoldi.h"
#include "test_util.h"

/* diag(d): eigenvalues -0.5 - i / n, i = 0 .. n - 1, evenly spaced, so that the rightmost one,
 * -0.5, is separated from the rest by 1/n of the spread: a slow case for Krylov methods. */
typedef struct {
  size_t n;
  const double *d;
} diag_op;

static void diag_product(void *ctx, const double *x, double *y) {
  const diag_op *o = ctx;
  for (size_t i = 0; i < o->n; i++)
    y[i] = o->d[i] * x[i];
}

static double *even_spectrum(size_t n) {
  double *d = malloc(n * sizeof *d);
  for (size_t i = 0; d && i < n; i++)
    d[i] = -0.5 - (double)i / (double)n;
  return d;
}

/* n = 2,000 with two restarts: 80 vectors (the default from n = 1,000) do not converge, 160 do,
 * on -0.5 to the accuracy asked (relative 1e-6; the Ritz value is far closer). */
static void test_wide_basis(void) {
  size_t n = 2000;
  double *d = even_spectrum(n);
  diag_op o = {n, d};
  arnoldi_ws *narrow = arnoldi_alloc(n), *wide = arnoldi_alloc_basis(n, 160);
  CHECK(d && narrow && wide, "workspaces for n = %zu", n);
  if (!d || !narrow || !wide)
    goto done;
  arnoldi_result r = {0};
  int rc = arnoldi_rightmost(narrow, n, 1, 1e-6, 2, 0, diag_product, NULL, &o, &r);
  CHECK(rc == -1,
        "80 vectors, 2 restarts, evenly spaced spectrum: no convergence (rc %d, %ld "
        "products)",
        rc, r.products);
  rc = arnoldi_rightmost(wide, n, 1, 1e-6, 2, 0, diag_product, NULL, &o, &r);
  CHECK(rc == 0 && fabs(r.abscissa + 0.5) < 1e-9 && r.error < 1e-6 * 0.5,
        "160 vectors, 2 restarts: converged (rc %d) on %.15g = -0.5 (Ritz estimate %.1e, %ld "
        "products)",
        rc, r.abscissa, r.error, r.products);
  rc = arnoldi_rightmost(narrow, n, 1, 1e-6, 400, 0, diag_product, NULL, &o, &r);
  CHECK(rc == 0 && fabs(r.abscissa + 0.5) < 1e-9,
        "80 vectors with the default budget: converged (rc %d) on %.15g = -0.5", rc, r.abscissa);
  long needed = r.products;
  rc = arnoldi_rightmost(narrow, n, 1, 1e-6, 400, needed - 1, diag_product, NULL, &o, &r);
  CHECK(rc == -1 && r.products == needed - 1,
        "a product budget one short of the %ld products it needs: no convergence (rc %d) after "
        "%ld products",
        needed, rc, r.products);
  rc = arnoldi_rightmost(narrow, n, 1, 1e-6, 400, needed, diag_product, NULL, &o, &r);
  CHECK(rc == 0 && r.products == needed && fabs(r.abscissa + 0.5) < 1e-9,
        "a budget of exactly %ld products: converged (rc %d) on %.15g", needed, rc, r.abscissa);
done:
  arnoldi_free(narrow);
  arnoldi_free(wide);
  free(d);
}

static void test_bad_arguments(void) {
  CHECK(arnoldi_alloc_basis(2000, 39) == NULL, "a basis under 40 vectors is refused");
  size_t n = 50;
  double *d = even_spectrum(n);
  diag_op o = {n, d};
  arnoldi_ws *w = arnoldi_alloc(n);
  arnoldi_result r = {0};
  CHECK(w && arnoldi_rightmost(w, n + 1, 1, 1e-6, 10, 0, diag_product, NULL, &o, &r) == -1,
        "an operator larger than the workspace is refused");
  CHECK(w && arnoldi_rightmost(w, n, ARNOLDI_MAX_K + 1, 1e-6, 10, 0, diag_product, NULL, &o, &r) ==
                 -1,
        "more than ARNOLDI_MAX_K eigenvalues are refused");
  int rc = w ? arnoldi_rightmost(w, n, 1, 1e-6, 10, 0, diag_product, NULL, &o, &r) : -1;
  CHECK(rc == 0 && fabs(r.abscissa + 0.5) < 1e-9, "n = 50: the rightmost eigenvalue %.15g = -0.5",
        r.abscissa);
  arnoldi_free(w);
  free(d);
}

int main(void) {
  test_wide_basis();
  test_bad_arguments();
  return tu_finish();
}
