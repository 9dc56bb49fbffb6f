/*
** special.c: the special functions of the math library: erf, erfc, gamma, loggamma and the
** beta distribution (beta_cdf, beta_pdf, beta_inv).  Null (or a non-number) in gives null
** out; out-of-domain arguments give NaN or null as each function's reference page says.
*/
#include <math.h>

#include "impl.h"

FN_TYPE_SIG(ty_real_of_num3, "nnn", KQL_T_REAL, "expects three numbers")

static void real1(fn_ctx *c, const kql_value *a, double (*fn)(double), kql_value *out) {
  double x;
  *out = fn_real(c, &a[0], &x) ? val_real(fn(x)) : val_null(KQL_T_REAL);
}

/* log|gamma(x)|, without lgamma()'s write to the global signgam. */
static double log_gamma(double x) {
  int sign;
  return lgamma_r(x, &sign);
}

void f_erf(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real1(c, a, erf, out); }
void f_erfc(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real1(c, a, erfc, out); }
void f_gamma(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real1(c, a, tgamma, out); }
void f_loggamma(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real1(c, a, log_gamma, out); }

/* ---- the beta distribution ---- */

/* The continued fraction of the regularized incomplete beta function I_x(a, b), by the
** modified Lentz method (converges fast for x < (a + 1) / (a + b + 2)). */
static double beta_cf(double a, double b, double x) {
  const double tiny = 1e-300, eps = 1e-16;
  double qab = a + b, qap = a + 1.0, qam = a - 1.0;
  double c = 1.0, d = 1.0 - qab * x / qap;
  if (fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 1000; m++) {
    double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2)); /* the even step */
    d = 1.0 + aa * d;
    if (fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)); /* the odd step */
    d = 1.0 + aa * d;
    if (fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1.0) < eps) break;
  }
  return h;
}

/* I_x(a, b) for 0 <= x <= 1 and a, b > 0: the cumulative beta distribution. */
static double beta_reg(double x, double a, double b) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  double lbt = log_gamma(a + b) - log_gamma(a) - log_gamma(b) + a * log(x) + b * log1p(-x);
  double bt = exp(lbt);
  if (x < (a + 1.0) / (a + b + 2.0)) return bt * beta_cf(a, b, x) / a;
  return 1.0 - bt * beta_cf(b, a, 1.0 - x) / b;
}

/* The beta density at 0 < x < 1. */
static double beta_density(double x, double a, double b) {
  double l = (a - 1.0) * log(x) + (b - 1.0) * log1p(-x) + log_gamma(a + b) - log_gamma(a) - log_gamma(b);
  return exp(l);
}

/* Read the three number arguments; false (and 'out' null) when one is null or not a number. */
static bool three(fn_ctx *c, const kql_value *a, double v[3], kql_value *out) {
  for (int i = 0; i < 3; i++)
    if (!fn_real(c, &a[i], &v[i])) {
      *out = val_null(KQL_T_REAL);
      return false;
    }
  return true;
}

/* beta_cdf(x, alpha, beta): NaN for x outside [0, 1] and for alpha or beta outside
** (0, 10000], as the reference says. */
void f_beta_cdf(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  double v[3];
  if (!three(c, a, v, out)) return;
  double x = v[0], al = v[1], be = v[2];
  if (!(x >= 0.0 && x <= 1.0) || !(al > 0.0 && al <= 10000.0) || !(be > 0.0 && be <= 10000.0)) {
    *out = val_real(NAN);
    return;
  }
  *out = val_real(beta_reg(x, al, be));
}

/* beta_pdf(x, alpha, beta): NaN for x outside (0, 1) and for alpha or beta <= 0. */
void f_beta_pdf(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  double v[3];
  if (!three(c, a, v, out)) return;
  double x = v[0], al = v[1], be = v[2];
  if (!(x > 0.0 && x < 1.0) || !(al > 0.0) || !(be > 0.0)) {
    *out = val_real(NAN);
    return;
  }
  *out = val_real(beta_density(x, al, be));
}

/* beta_inv(p, alpha, beta): the x with beta_cdf(x, alpha, beta) = p, by Newton's method kept
** inside a shrinking bracket (bisection when a step leaves it).  The reference's example
** gives null for p > 1 and NaN for alpha < 0 (its note says the reverse; the example is
** what Kusto printed): so null for p outside (0, 1], NaN for alpha or beta <= 0. */
void f_beta_inv(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  double v[3];
  if (!three(c, a, v, out)) return;
  double p = v[0], al = v[1], be = v[2];
  if (!(al > 0.0) || !(be > 0.0)) {
    *out = val_real(NAN);
    return;
  }
  if (!(p > 0.0 && p <= 1.0)) {
    *out = val_null(KQL_T_REAL);
    return;
  }
  if (p == 1.0) {
    *out = val_real(1.0);
    return;
  }
  double lo = 0.0, hi = 1.0, x = al / (al + be);
  for (int i = 0; i < 200 && hi - lo > 1e-17; i++) {
    double f = beta_reg(x, al, be) - p;
    if (f == 0.0) break;
    if (f < 0.0) lo = x;
    else hi = x;
    double d = beta_density(x, al, be), next = d > 0.0 ? x - f / d : NAN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (next == x) break;
    x = next;
  }
  *out = val_real(x);
}
