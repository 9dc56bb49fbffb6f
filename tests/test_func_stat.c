/*
** test_func_stat.c: Check suite for the statistics and bitwise aggregates (stdevp,
** variancep, the *if forms, covariance(p)(if), binary_all_*), the scalar hll_merge(),
** the rank window functions and the special and unit-conversion math functions, run end
** to end through the public API.  Every expected value is worked out by hand from the
** mathematical definition (the working is in the comment beside it), from a published
** table of the function (Abramowitz and Stegun for erf), or for the unit conversions from
** the units' definitions (UnitsNet's rounded factor where Kusto's library rounds, said so
** beside it); data sets are chosen so the exact result is a double that prints exactly,
** and transcendental results are compared within a tolerance.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kql.h"
#include "func_check.h"
#include "suites.h"

/* ---- statistics aggregates ---- */

/* x = 1..5 with y = 4, 2, 2, 0 on x = 1..4, a null y on x = 5 and a row with null x. */
#define XY                                                                                         \
  "datatable(x:long, y:real, g:string)[1, 4.0, 'a', 2, 2.0, 'a', 3, 2.0, 'b', 4, 0.0, 'b',"       \
  " 5, real(null), 'a', long(null), 7.0, 'b']"

static const qcase stats[] = {
    /* x = 1..5: mean 3, squared deviations 4 + 1 + 0 + 1 + 4 = 10; over n = 5: 2, sqrt 2 */
    {XY " | summarize stdevp(x), variancep(x)", "{\"stdevp_x\":1.4142135623730951,\"variancep_x\":2}\n"},
    /* x > 1: 2, 3, 4, 5: mean 3.5, squared deviations 2.25 + .25 + .25 + 2.25 = 5;
    ** sample 5 / 3, its square root; population 5 / 4 */
    {XY " | summarize stdevif(x, x > 1), varianceif(x, x > 1), variancepif(x, x > 1)",
     "{\"stdevif_x\":1.2909944487358056,\"varianceif_x\":1.6666666666666667,\"variancepif_x\":1.25}\n"},
    /* pairs with both values: (1,4) (2,2) (3,2) (4,0): means 2.5 and 2; products of
    ** deviations (-1.5)(2) + (-.5)(0) + (.5)(0) + (1.5)(-2) = -6; over 3: -2, over 4: -1.5 */
    {XY " | summarize covariance(x, y), covariancep(x, y)", "{\"covariance_x\":-2,\"covariancep_x\":-1.5}\n"},
    /* g == 'a': (1,4) (2,2), the null y of x = 5 left out: means 1.5 and 3,
    ** (-.5)(1) + (.5)(-1) = -1; over 1: -1, over 2: -.5 */
    {XY " | summarize covarianceif(x, y, g == 'a'), covariancepif(x, y, g == 'a')",
     "{\"covarianceif_x\":-1,\"covariancepif_x\":-0.5}\n"},
    /* per group: b is (3,2) (4,0), the null x left out: -1 over 1 */
    {XY " | summarize c = covariance(x, y) by g | order by g asc", "{\"g\":\"a\",\"c\":-1}\n{\"g\":\"b\",\"c\":-1}\n"},
    /* a covariance of a column with itself is its variance: y = 4, 2, 2, 0, 7 (mean 3):
    ** 1 + 1 + 1 + 9 + 16 = 28 over 4 */
    {XY " | summarize covariance(y, y), variance(y)", "{\"covariance_y\":7,\"variance_y\":7}\n"},
    /* no values: stdevif and varianceif are 0, the others null (the summarize reference's
    ** table of aggregation defaults) */
    {"datatable(x:long)[] | summarize stdevp(x), variancep(x), stdevif(x, true), varianceif(x, true),"
     " variancepif(x, true), covariance(x, x), covariancep(x, x)",
     "{\"stdevp_x\":null,\"variancep_x\":null,\"stdevif_x\":0,\"varianceif_x\":0,\"variancepif_x\":null,"
     "\"covariance_x\":null,\"covariancep_x\":null}\n"},
    /* only nulls, or a predicate never true: as no values */
    {"datatable(x:long)[long(null), long(null)] | summarize stdevp(x), varianceif(x, true), covarianceif(x, x, false)",
     "{\"stdevp_x\":null,\"varianceif_x\":0,\"covarianceif_x\":null}\n"},
    /* one value: no deviation */
    {"print x = 7 | summarize stdevp(x), variancep(x), covariance(x, x), covariancep(x, x)",
     "{\"stdevp_x\":0,\"variancep_x\":0,\"covariance_x\":0,\"covariancep_x\":0}\n"},
    /* large values: 1e15 + 1 and 1e15 + 3 deviate by 1 from their mean; a naive sum of
    ** squares (2e30 + ...) would lose them entirely */
    {"datatable(x:real)[1000000000000001.0, 1000000000000003.0] | summarize variancep(x), covariancep(x, x)",
     "{\"variancep_x\":1,\"covariancep_x\":1}\n"},
    /* decimals and dynamic numbers count as numbers */
    {"datatable(d:dynamic)[1, 3] | summarize variancep(d)", "{\"variancep_d\":1}\n"},
    /* named: the name given */
    {"range x from 1 to 5 step 1 | summarize v = variancep(x)", "{\"v\":2}\n"},
};

static const qcase stat_errors[] = {
    {"datatable(x:string)['a'] | summarize stdevp(x)", "stdevp() and variancep() expect a number"},
    {"datatable(x:bool)[true] | summarize variancep(x)", "stdevp() and variancep() expect a number"},
    {"datatable(x:long)[1] | summarize stdevif(x, 1)", "expect a bool predicate as their second argument"},
    {"datatable(x:string)['a'] | summarize varianceif(x, true)", "stdevif(), varianceif() and variancepif() expect a number"},
    {"datatable(x:long)[1] | summarize covariance(x, 'a')", "covariance functions expect two numbers"},
    {"datatable(x:long)[1] | summarize covariancepif(x, x, 'a')", "expect a bool predicate as their third argument"},
    {"datatable(x:long)[1] | summarize covariance(x)", "function 'covariance' expects 2 arguments, got 1"},
    {"datatable(x:long)[1] | summarize covarianceif(x, x)", "function 'covarianceif' expects 3 arguments, got 2"},
    {"print variancep(1)", "aggregate function 'variancep' can only be used in summarize"},
    /* Kusto's binder rejects a bool for stdev() and variance() too ("must be summable") */
    {"datatable(x:bool)[true] | summarize stdev(x)", "stdev() and variance() expect a number"},
};

/* ---- binary_all_and, binary_all_or, binary_all_xor ---- */

static const qcase bits[] = {
    /* 15 = 1111, 7 = 0111, 5 = 0101: AND 0101 = 5, OR 1111 = 15, XOR 1111^0111 = 1000,
    ** ^0101 = 1101 = 13; the null adds nothing; the unnamed columns keep the argument's name */
    {"datatable(x:long)[15, long(null), 7, 5] | summarize binary_all_and(x), binary_all_or(x), binary_all_xor(x)",
     "{\"x\":5,\"x1\":15,\"x2\":13}\n"},
    /* -1 has every bit: AND with 255 is 255, OR is -1, XOR is ~255 = -256 */
    {"datatable(x:long)[-1, 255] | summarize a = binary_all_and(x), o = binary_all_or(x), e = binary_all_xor(x)",
     "{\"a\":255,\"o\":-1,\"e\":-256}\n"},
    /* the extremes: max long 0x7fff... and min long 0x8000... share no bit and make all */
    {"datatable(x:long)[9223372036854775807, -9223372036854775807] | extend x = iff(x < 0, x - 1, x)"
     " | summarize a = binary_all_and(x), o = binary_all_or(x), e = binary_all_xor(x)",
     "{\"a\":0,\"o\":-1,\"e\":-1}\n"},
    /* one value is itself; per group */
    {"datatable(g:string, x:long)['a', 6, 'b', 12, 'b', 10] | summarize a = binary_all_and(x) by g | order by g asc",
     "{\"g\":\"a\",\"a\":6}\n{\"g\":\"b\",\"a\":8}\n"},
    /* ints stay ints: -2 (...1110) AND 7 = 6 */
    {"datatable(i:int)[-2, 7] | summarize a = binary_all_and(i)", "{\"a\":6}\n"},
    /* no values at all: null (not a default of the summarize reference's table) */
    {"datatable(x:long)[] | summarize a = binary_all_and(x), o = binary_all_or(x), e = binary_all_xor(x)",
     "{\"a\":null,\"o\":null,\"e\":null}\n"},
    {"datatable(x:long)[long(null)] | summarize a = binary_all_xor(x)", "{\"a\":null}\n"},
};

static const qcase bit_errors[] = {
    {"datatable(x:real)[1.5] | summarize binary_all_and(x)", "expect a long"},
    {"datatable(x:string)['1'] | summarize binary_all_or(x)", "expect a long"},
    {"datatable(x:long)[1] | summarize binary_all_xor(x, x)", "function 'binary_all_xor' expects 1 argument, got 2"},
};

/* ---- hll_merge(h1, h2, ...), the scalar form ---- */

/* kql's hll() keeps the distinct values (first seen first), so a merge is their union. */
#define HH "range x from 1 to 3 step 1 | summarize h1 = hll(x), h2 = hll(x * 2)"

static const qcase hlls[] = {
    /* {1,2,3} and {2,4,6}: 1, 2, 3 from h1, then 4 and 6; 5 distinct values */
    {HH " | project m = hll_merge(h1, h2) | extend d = dcount_hll(m)", "{\"m\":[1,2,3,4,6],\"d\":5}\n"},
    /* unnamed: Kusto's binder calls the column hll_merged_result */
    {HH " | project hll_merge(h2, h1)", "{\"hll_merged_result\":[2,4,6,1,3]}\n"},
    /* a null argument adds nothing; all null gives null, as the aggregate gives for no values */
    {HH " | project m = hll_merge(h1, dynamic(null), h1)", "{\"m\":[1,2,3]}\n"},
    {"print m = hll_merge(dynamic(null), dynamic(null))", "{\"m\":null}\n"},
    /* the one-argument form is still the aggregate, over the rows */
    {"range x from 1 to 4 step 1 | summarize h = hll(x % 2) by g = x % 2 | summarize hll_merge(h)",
     "{\"hll_merge_h\":[1,0]}\n"},
    /* 64 arguments, the most Kusto takes */
    {"print m = hll_merge(" "dynamic([1]), dynamic([2]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), "
     "dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), "
     "dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), "
     "dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), "
     "dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), "
     "dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), "
     "dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), "
     "dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), dynamic([1]), "
     "dynamic([1]), dynamic([3]))",
     "{\"m\":[1,2,3]}\n"},
};

static const qcase hll_errors[] = {
    {"print hll_merge(1, 2)", "hll_merge() expects hll() results (dynamic values)"},
    {"print hll_merge(dynamic([1]))", "aggregate function 'hll_merge' can only be used in summarize"},
    {HH " | summarize hll_merge(h1, h2)", "summarize expects an aggregate function"},
};

START_TEST(scalar_hll_merge_unions_its_arguments) { check_query(&hlls[_i]); }
END_TEST
START_TEST(scalar_hll_merge_rejects_wrong_arguments) { check_error(&hll_errors[_i]); }
END_TEST
/* ---- row_rank_dense, row_rank_min ---- */

static const qcase ranks[] = {
    /* sorted 2, 3, 3, 3, 100: dense ranks go up by one on each change (1, 2, 2, 2, 3); min
    ** ranks are the row number where the value first appears (1, 2, 2, 2, 5) */
    {"datatable(v:long)[3, 100, 3, 2, 3] | sort by v asc | extend d = row_rank_dense(v), m = row_rank_min(v)",
     "{\"v\":2,\"d\":1,\"m\":1}\n{\"v\":3,\"d\":2,\"m\":2}\n{\"v\":3,\"d\":2,\"m\":2}\n"
     "{\"v\":3,\"d\":2,\"m\":2}\n{\"v\":100,\"d\":3,\"m\":5}\n"},
    /* restart where the group changes: group b starts again at 1, its row numbers from 1 */
    {"datatable(g:string, v:long)['a', 1, 'a', 1, 'a', 4, 'b', 4, 'b', 6, 'b', 6, 'b', 9] | serialize"
     " | extend d = row_rank_dense(v, g != prev(g)), m = row_rank_min(v, g != prev(g)) | project d, m",
     "{\"d\":1,\"m\":1}\n{\"d\":1,\"m\":1}\n{\"d\":2,\"m\":3}\n"
     "{\"d\":1,\"m\":1}\n{\"d\":2,\"m\":2}\n{\"d\":2,\"m\":2}\n{\"d\":3,\"m\":4}\n"},
    /* nulls equal each other and differ from numbers: null, null, 1, null */
    {"datatable(v:long)[long(null), long(null), 1, long(null)] | serialize"
     " | extend d = row_rank_dense(v), m = row_rank_min(v) | project d, m",
     "{\"d\":1,\"m\":1}\n{\"d\":1,\"m\":1}\n{\"d\":2,\"m\":3}\n{\"d\":3,\"m\":4}\n"},
    /* strings compare case-sensitively: a, A, a are three terms; a term that comes back
    ** after a change is a new rank (only the previous row counts) */
    {"datatable(s:string)['a', 'A', 'a', 'a'] | serialize | extend d = row_rank_dense(s), m = row_rank_min(s) | project d, m",
     "{\"d\":1,\"m\":1}\n{\"d\":2,\"m\":2}\n{\"d\":3,\"m\":3}\n{\"d\":3,\"m\":3}\n"},
    /* 3000 rows, more than one batch: g = x / 1000 is 0 on 1..999, 1 on 1000..1999, 2 on
    ** 2000..2999, 3 on 3000; min ranks 1, 1000, 2000, 3000 */
    {"range x from 1 to 3000 step 1 | extend g = x / 1000 | serialize | extend d = row_rank_dense(g), m = row_rank_min(g)"
     " | summarize max(d), ms = make_set(m)",
     "{\"max_d\":4,\"ms\":[1,1000,2000,3000]}\n"},
    /* one row; no rows */
    {"print v = 5 | extend d = row_rank_dense(v), m = row_rank_min(v)", "{\"v\":5,\"d\":1,\"m\":1}\n"},
    {"datatable(v:long)[] | serialize | extend d = row_rank_dense(v) | count", "{\"Count\":0}\n"},
    /* a restart on every row: always 1 */
    {"range x from 1 to 3 step 1 | extend m = row_rank_min(x, true) | project m", "{\"m\":1}\n{\"m\":1}\n{\"m\":1}\n"},
};

static const qcase rank_errors[] = {
    {"range x from 1 to 3 step 1 | extend r = row_rank_dense(x, 1)", "expect a bool as their restart argument"},
    {"range x from 1 to 3 step 1 | extend r = row_rank_min(dynamic([1]))", "expect a scalar term, not a dynamic value"},
    {"range x from 1 to 3 step 1 | extend r = row_rank_dense()", "function 'row_rank_dense' expects 1 to 2 arguments, got 0"},
};

START_TEST(rank_window_functions_rank_serialized_rows) { check_query(&ranks[_i]); }
END_TEST
START_TEST(rank_window_functions_reject_wrong_arguments) { check_error(&rank_errors[_i]); }
END_TEST
/* ---- erf, erfc, gamma, loggamma, beta_cdf, beta_pdf, beta_inv ---- */

/* `print r = EXPR` and the JSON of r.  Transcendental values are checked to within a few
** ulps of the value to 20 digits (a libm may round the last bit either way). */
static const qcase specials[] = {
    /* erf(0.5) = 0.52049987781304653768, erf(1) = 0.84270079294971486934 (A&S table 7.1) */
    {"print r = abs(erf(0.5) - 0.52049987781304653768) < 1e-15", "{\"r\":true}\n"},
    {"print r = abs(erf(1) - 0.84270079294971486934) < 1e-15", "{\"r\":true}\n"},
    /* erf is odd, erfc = 1 - erf: erfc(-1) = 1.84270079294971486934, erfc(2) = 0.00467773498104726584 */
    {"print r = abs(erfc(-1) - 1.84270079294971486934) < 1e-15", "{\"r\":true}\n"},
    {"print r = abs(erfc(2) - 0.00467773498104726584) < 1e-17", "{\"r\":true}\n"},
    /* the extremes: erf saturates to +-1, erfc of 30 (about 2.6e-393) underflows to 0 */
    {"print a = erf(0), b = erf(10), c = erf(-10), d = erfc(30), e = erfc(0)",
     "{\"a\":0,\"b\":1,\"c\":-1,\"d\":0,\"e\":1}\n"},
    /* gamma(n) = (n - 1)!: 24 for 5, 1 for 1 and 2; gamma(1/2) = sqrt(pi), gamma(-1/2) = -2 sqrt(pi) */
    {"print a = gamma(5), b = gamma(1), c = gamma(2)", "{\"a\":24,\"b\":1,\"c\":1}\n"},
    {"print r = abs(gamma(0.5) - sqrt(pi())) < 1e-15 and abs(gamma(-0.5) + 2 * sqrt(pi())) < 1e-14", "{\"r\":true}\n"},
    /* 170! = 7.257415615307998967e306 is the largest factorial a double holds; 171! overflows */
    {"print r = abs(gamma(171) / 7.257415615307998967e306 - 1) < 1e-13, o = gamma(172)", "{\"r\":true,\"o\":\"Infinity\"}\n"},
    /* the poles: a negative integer has no value (NaN); at 0, +infinity */
    {"print a = gamma(-1), b = gamma(0)", "{\"a\":\"NaN\",\"b\":\"Infinity\"}\n"},
    /* loggamma(5) = ln 24 = 3.17805383034794561964; loggamma(1/2) = ln sqrt(pi); of the
    ** absolute value: loggamma(-1/2) = ln(2 sqrt(pi)); loggamma(1000) = ln 999! = 5905.22042320918121 */
    {"print r = abs(loggamma(5) - 3.17805383034794561964) < 1e-15", "{\"r\":true}\n"},
    {"print r = abs(loggamma(0.5) - log(sqrt(pi()))) < 1e-15 and abs(loggamma(-0.5) - log(2 * sqrt(pi()))) < 1e-15",
     "{\"r\":true}\n"},
    {"print r = abs(loggamma(1000) - 5905.22042320918121) < 1e-9, a = loggamma(1), b = loggamma(2)",
     "{\"r\":true,\"a\":0,\"b\":0}\n"},
    /* Beta(1, 1) is uniform: cdf(x) = x.  Beta(2, 1): cdf x^2, pdf 2x.  Beta(1, 2): cdf
    ** 1 - (1 - x)^2.  Beta(2, 2): pdf 6x(1 - x), 1.5 at 0.5 */
    {"print r = abs(beta_cdf(0.3, 1, 1) - 0.3) < 1e-15 and abs(beta_cdf(0.3, 2, 1) - 0.09) < 1e-15"
     " and abs(beta_cdf(0.3, 1, 2) - 0.51) < 1e-15",
     "{\"r\":true}\n"},
    {"print r = abs(beta_pdf(0.3, 2, 1) - 0.6) < 1e-14 and abs(beta_pdf(0.5, 2, 2) - 1.5) < 1e-14", "{\"r\":true}\n"},
    /* symmetry: I_x(a, b) = 1 - I_(1-x)(b, a), on both sides of the continued fraction's switch */
    {"print r = abs(beta_cdf(0.3, 10, 20) + beta_cdf(0.7, 20, 10) - 1) < 1e-14", "{\"r\":true}\n"},
    /* the inverse: x^2 = 0.09 at 0.3, 0.36 at 0.6; Beta(2, 2) is symmetric about 0.5 */
    {"print r = abs(beta_inv(0.09, 2, 1) - 0.3) < 1e-14 and abs(beta_inv(0.36, 2, 1) - 0.6) < 1e-14"
     " and abs(beta_inv(0.5, 2, 2) - 0.5) < 1e-14",
     "{\"r\":true}\n"},
    /* and it undoes beta_cdf for a skewed Beta(10, 20) */
    {"print r = abs(beta_cdf(beta_inv(0.05, 10, 20), 10, 20) - 0.05) < 1e-13", "{\"r\":true}\n"},
    /* the bounds: cdf 0 at 0 and 1 at 1; inv 1 at 1 */
    {"print a = beta_cdf(0, 2, 3), b = beta_cdf(1, 2, 3), c = beta_inv(1, 2, 3)", "{\"a\":0,\"b\":1,\"c\":1}\n"},
    /* out of the domain: cdf NaN for x outside [0, 1] or alpha, beta outside (0, 10000];
    ** pdf NaN for x outside (0, 1); inv null for p outside (0, 1], NaN for alpha <= 0 */
    {"print a = beta_cdf(1.5, 2, 3), b = beta_cdf(0.5, 0, 3), c = beta_cdf(0.5, 2, 10001), d = beta_pdf(0, 2, 2),"
     " e = beta_pdf(0.5, 2, -1), f = beta_inv(1.5, 2, 3), g = beta_inv(0, 2, 3), h = beta_inv(0.5, -1, 3)",
     "{\"a\":\"NaN\",\"b\":\"NaN\",\"c\":\"NaN\",\"d\":\"NaN\",\"e\":\"NaN\",\"f\":null,\"g\":null,\"h\":\"NaN\"}\n"},
    /* nulls give null */
    {"print a = erf(real(null)), b = gamma(long(null)), c = beta_cdf(0.5, real(null), 1), d = beta_inv(real(null), 1, 1)",
     "{\"a\":null,\"b\":null,\"c\":null,\"d\":null}\n"},
    /* an unnamed call keeps its argument's name (erf, gamma) or is ColumnN (beta_*) */
    {"print x = 1.0 | project erf(x), beta_pdf(x, 1, 1)", "{\"x\":0.8427007929497149,\"Column1\":\"NaN\"}\n"},
};

static const qcase special_errors[] = {
    {"print erf('a')", "expects a number"},
    {"print loggamma(1s)", "expects a number"},
    {"print beta_cdf(0.5, 'a', 2)", "expects three numbers"},
    {"print beta_inv(0.5, 2)", "function 'beta_inv' expects 3 arguments, got 2"},
};

START_TEST(special_functions_follow_their_definitions) { check_query(&specials[_i]); }
END_TEST
START_TEST(special_functions_reject_wrong_arguments) { check_error(&special_errors[_i]); }
END_TEST
/* ---- convert_angle ... convert_volume ---- */

static const qcase converts[] = {
    /* exact by definition: 1 revolution = 360 degrees, 1 degree = 60 arcminutes, pi radians = 180 degrees */
    {"print a = convert_angle(1, 'Revolution', 'Degree'), b = convert_angle(1.5, 'Degree', 'Arcminute'),"
     " c = convert_angle(pi(), 'Radian', 'Degree')",
     "{\"a\":360,\"b\":90,\"c\":180}\n"},
    /* Tilt is the sine of the angle: sin 90 degrees = 1; asin 0.5 = 30 degrees */
    {"print r = abs(convert_angle(90, 'Degree', 'Tilt') - 1) < 1e-15 and abs(convert_angle(0.5, 'Tilt', 'Degree') - 30) < 1e-12",
     "{\"r\":true}\n"},
    /* 1 kWh = 1000 W x 3600 s = 3.6e6 J; 1 kcal = 4184 J (thermochemical calorie) */
    {"print a = convert_energy(1, 'KilowattHour', 'Joule'), b = convert_energy(1, 'Kilocalorie', 'Joule')",
     "{\"a\":3600000,\"b\":4184}\n"},
    /* 1 kN = 1000 N; 1 kgf = 9.80665002864 N in UnitsNet (the standard is 9.80665) */
    {"print a = convert_force(1, 'Kilonewton', 'Newton'), b = convert_force(1, 'KilogramForce', 'Newton')",
     "{\"a\":1000,\"b\":9.80665002864}\n"},
    /* 12 inches = 1 foot; 1 km = 1000 m; the mile is UnitsNet's 1609.34 m (the statute mile is 1609.344) */
    {"print r = abs(convert_length(12, 'Inch', 'Foot') - 1) < 1e-15, a = convert_length(1, 'Kilometer', 'Meter'),"
     " b = convert_length(1, 'Mile', 'Meter')",
     "{\"r\":true,\"a\":1000,\"b\":1609.34}\n"},
    /* 1 lb = 16 oz; 1 t = 1000 kg */
    {"print r = abs(convert_mass(1, 'Pound', 'Ounce') - 16) < 1e-13, a = convert_mass(1, 'Tonne', 'Kilogram')",
     "{\"r\":true,\"a\":1000}\n"},
    /* 36 km/h = 36000 m / 3600 s = 10 m/s; a knot is UnitsNet's 0.514444 m/s */
    {"print a = convert_speed(36, 'KilometerPerHour', 'MeterPerSecond'), b = convert_speed(1, 'Knot', 'MeterPerSecond')",
     "{\"a\":10,\"b\":0.514444}\n"},
    /* water boils at 100 C = 212 F; -40 is the same in both; 0 K = -273.15 C; 491.67 R = 273.15 K */
    {"print a = convert_temperature(100, 'DegreeCelsius', 'DegreeFahrenheit'),"
     " b = convert_temperature(-40, 'DegreeFahrenheit', 'DegreeCelsius'), c = convert_temperature(0, 'Kelvin', 'DegreeCelsius'),"
     " d = abs(convert_temperature(491.67, 'DegreeRankine', 'Kelvin') - 273.15) < 1e-12",
     "{\"a\":212,\"b\":-40,\"c\":-273.15,\"d\":true}\n"},
    /* 1 l = 1000 ml; 1 m^3 = 1000 l */
    {"print a = convert_volume(1, 'Liter', 'Milliliter'), b = convert_volume(1, 'CubicMeter', 'Liter')",
     "{\"a\":1000,\"b\":1000}\n"},
    /* unit names ignore case; the same unit gives the value back */
    {"print a = convert_length(2, 'kilometer', 'METER'), b = convert_mass(2.5, 'Stone', 'stone')", "{\"a\":2000,\"b\":2.5}\n"},
    /* an unknown unit, a unit of another quantity, a null unit or a null value: null */
    {"print a = convert_length(1, 'Furlong', 'Meter'), b = convert_length(1, 'Meter', 'Kilogram'),"
     " c = convert_length(1, string(null), 'Meter'), d = convert_length(real(null), 'Meter', 'Foot'), e = convert_speed(1, '', 'Knot')",
     "{\"a\":null,\"b\":null,\"c\":null,\"d\":null,\"e\":null}\n"},
    /* beyond the largest double: infinity */
    {"print a = convert_length(1e308, 'Kilometer', 'Meter')", "{\"a\":\"Infinity\"}\n"},
    /* an unnamed call is ColumnN */
    {"print x = 1 | project convert_length(x, 'Meter', 'Centimeter')", "{\"Column1\":100}\n"},
};

static const qcase convert_errors[] = {
    {"print convert_length('1', 'Meter', 'Foot')", "expects a number and two unit names"},
    {"print convert_mass(1, 2, 'Pound')", "expects a number and two unit names"},
    {"print convert_volume(1, 'Liter')", "function 'convert_volume' expects 3 arguments, got 2"},
};

START_TEST(unit_conversions_follow_the_unit_definitions) { check_query(&converts[_i]); }
END_TEST
START_TEST(unit_conversions_reject_wrong_arguments) { check_error(&convert_errors[_i]); }
END_TEST
START_TEST(statistics_aggregates_follow_their_definitions) { check_query(&stats[_i]); }
END_TEST
START_TEST(statistics_aggregates_reject_wrong_arguments) { check_error(&stat_errors[_i]); }
END_TEST
START_TEST(binary_aggregates_fold_the_bits) { check_query(&bits[_i]); }
END_TEST
START_TEST(binary_aggregates_reject_wrong_arguments) { check_error(&bit_errors[_i]); }
END_TEST

#define LOOP(tc, fn, arr) tcase_add_loop_test(tc, fn, 0, (int)(sizeof(arr) / sizeof(arr[0])))

Suite *funcstat_suite(void) {
  Suite *s = suite_create("funcstat");
  TCase *tc = tcase_create("aggregates");
  LOOP(tc, statistics_aggregates_follow_their_definitions, stats);
  LOOP(tc, statistics_aggregates_reject_wrong_arguments, stat_errors);
  LOOP(tc, binary_aggregates_fold_the_bits, bits);
  LOOP(tc, binary_aggregates_reject_wrong_arguments, bit_errors);
  suite_add_tcase(s, tc);
  tc = tcase_create("special");
  LOOP(tc, special_functions_follow_their_definitions, specials);
  LOOP(tc, special_functions_reject_wrong_arguments, special_errors);
  suite_add_tcase(s, tc);
  tc = tcase_create("convert");
  LOOP(tc, unit_conversions_follow_the_unit_definitions, converts);
  LOOP(tc, unit_conversions_reject_wrong_arguments, convert_errors);
  suite_add_tcase(s, tc);
  tc = tcase_create("window");
  LOOP(tc, rank_window_functions_rank_serialized_rows, ranks);
  LOOP(tc, rank_window_functions_reject_wrong_arguments, rank_errors);
  suite_add_tcase(s, tc);
  tc = tcase_create("hll_merge");
  LOOP(tc, scalar_hll_merge_unions_its_arguments, hlls);
  LOOP(tc, scalar_hll_merge_rejects_wrong_arguments, hll_errors);
  suite_add_tcase(s, tc);
  return s;
}
