/*
** datetime.c: calendar functions over datetime ticks (100 ns since 0001-01-01, UTC):
** adding and differencing by calendar parts, parts of a date, start and end of periods,
** ISO 8601 week numbers, making datetimes and timespans, Unix time conversions and the
** format_datetime()/format_timespan() formatters.  Out-of-range results are null.
*/
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../lit.h"
#include "impl.h"

#define TICKS_MS INT64_C(10000)
#define TICKS_MIN (INT64_C(60) * TICKS_PER_SEC)
#define TICKS_HOUR (INT64_C(60) * TICKS_MIN)

/* A datetime split into calendar fields. */
typedef struct civil {
  int64_t y;       /* year */
  unsigned m, d;   /* month 1..12, day 1..31 */
  int64_t days;    /* days since 0001-01-01 */
  int64_t rem;     /* ticks into the day */
} civil;

static int64_t floor_div(int64_t x, int64_t y) {
  int64_t q = x / y;
  if ((x % y != 0) && ((x < 0) != (y < 0))) q--;
  return q;
}

static civil split(int64_t t) {
  civil c;
  c.days = floor_div(t, TICKS_PER_DAY);
  c.rem = t - c.days * TICKS_PER_DAY;
  lit_civil_from_days(c.days, &c.y, &c.m, &c.d);
  return c;
}

static bool in_range(int64_t t) { return t >= 0 && t <= TICKS_MAX_DATETIME; }

static bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static unsigned mdays(int64_t y, unsigned m) {
  static const unsigned char n[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29u : n[m - 1];
}

/* 't' plus 'months' calendar months, the day clamped to the month's length (.NET AddMonths). */
static bool add_months(int64_t t, int64_t months, int64_t *out) {
  civil c = split(t);
  if (months > 120000 || months < -120000) return false;
  int64_t mi = c.y * 12 + (int64_t)c.m - 1 + months;
  int64_t y = floor_div(mi, 12);
  unsigned m = (unsigned)(mi - y * 12) + 1;
  unsigned d = c.d > mdays(y, m) ? mdays(y, m) : c.d;
  *out = lit_days_from_civil(y, m, d) * TICKS_PER_DAY + c.rem;
  return in_range(*out);
}

/* Sunday = 0 .. Saturday = 6; 0001-01-01 was a Monday. */
static int weekday(int64_t days) { return (int)(((days + 1) % 7 + 7) % 7); }

static int64_t day_of_year(const civil *c) { return c->days - lit_days_from_civil(c->y, 1, 1) + 1; }

/* ISO 8601 week number of the date. */
static int iso_week(const civil *c) {
  int wd = weekday(c->days);
  int iso = wd == 0 ? 7 : wd; /* Monday 1 .. Sunday 7 */
  int64_t w = (day_of_year(c) - iso + 10) / 7;
  if (w < 1) {
    int64_t py = c->y - 1;
    int jan1 = weekday(lit_days_from_civil(py, 1, 1));
    return (jan1 == 4 || (leap(py) && jan1 == 3)) ? 53 : 52;
  }
  int jan1 = weekday(lit_days_from_civil(c->y, 1, 1));
  int weeks = (jan1 == 4 || (leap(c->y) && jan1 == 3)) ? 53 : 52;
  return w > weeks ? 1 : (int)w;
}

/* The datetime argument, or false for null / not a datetime. */
static bool dt_arg(const kql_value *v, int64_t *t) {
  if (v->isnull || v->type != KQL_T_DATETIME) return false;
  *t = v->u.i;
  return true;
}

/* ---- type rules ---- */

FN_TYPE_SIG(ty_datetime_add, "Sit", KQL_T_DATETIME, "datetime_add() expects a part name, an amount and a datetime")
FN_TYPE_SIG(ty_datetime_diff, "Stt", KQL_T_LONG, "datetime_diff() expects a part name and two datetimes")
FN_TYPE_SIG(ty_datetime_part, "St", KQL_T_INT, "datetime_part() expects a part name and a datetime")
FN_TYPE_SIG(ty_startof, "ti", KQL_T_DATETIME, "expects a datetime and an optional offset")
FN_TYPE_SIG(ty_dt_int, "t", KQL_T_INT, "expects a datetime")
FN_TYPE_SIG(ty_dayofweek, "t", KQL_T_TIMESPAN, "dayofweek() expects a datetime")
FN_TYPE_SIG(ty_make_datetime, "n", KQL_T_DATETIME, "make_datetime() expects numbers")
FN_TYPE_SIG(ty_make_timespan, "n", KQL_T_TIMESPAN, "make_timespan() expects numbers")
FN_TYPE_SIG(ty_unixtime, "n", KQL_T_DATETIME, "expects a number")
FN_TYPE_SIG(ty_format_datetime, "tS", KQL_T_STRING, "format_datetime() expects a datetime and a format string")
FN_TYPE_SIG(ty_format_timespan, "TS", KQL_T_STRING, "format_timespan() expects a timespan and a format string")

/* ---- parts ---- */

enum { P_YEAR, P_QUARTER, P_MONTH, P_WEEK, P_DAY, P_DAYOFYEAR, P_HOUR, P_MINUTE, P_SECOND,
       P_MS, P_US, P_NS, P_BAD };

/* The part named by 'v' (case-insensitive; a few plural and short forms), or P_BAD. */
static int part_of(fn_ctx *c, const kql_value *v) {
  static const struct {
    const char *name;
    int part;
  } names[] = {{"year", P_YEAR},          {"quarter", P_QUARTER},  {"month", P_MONTH},
               {"week", P_WEEK},          {"week_of_year", P_WEEK}, {"weekofyear", P_WEEK},
               {"day", P_DAY},            {"dayofyear", P_DAYOFYEAR}, {"hour", P_HOUR},
               {"minute", P_MINUTE},      {"second", P_SECOND},   {"millisecond", P_MS},
               {"microsecond", P_US},     {"nanosecond", P_NS}};
  for (size_t i = 0; i < KQL_ARRAY_LEN(names); i++)
    if (fn_kind_is(c, v, names[i].name)) return names[i].part;
  return P_BAD;
}

void f_datetime_add(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  int64_t k, t, r;
  *out = val_null(KQL_T_DATETIME);
  int part = part_of(c, &a[0]);
  if (part == P_BAD || !fn_long(c, &a[1], &k) || !dt_arg(&a[2], &t)) return;
  static const int64_t unit[] = {0, 0, 0, 7 * TICKS_PER_DAY, TICKS_PER_DAY, TICKS_PER_DAY, TICKS_HOUR,
                                 TICKS_MIN, TICKS_PER_SEC, TICKS_MS, 10, 0};
  switch (part) {
  case P_YEAR:
    if (!add_months(t, k > INT64_MAX / 12 || k < INT64_MIN / 12 ? INT64_MAX : k * 12, &r)) return;
    break;
  case P_QUARTER:
    if (!add_months(t, k > INT64_MAX / 3 || k < INT64_MIN / 3 ? INT64_MAX : k * 3, &r)) return;
    break;
  case P_MONTH:
    if (!add_months(t, k, &r)) return;
    break;
  case P_NS: r = t + k / 100; break;
  default:
    if (k > TICKS_MAX_DATETIME / unit[part] || k < -TICKS_MAX_DATETIME / unit[part]) return;
    r = t + k * unit[part];
    break;
  }
  if (in_range(r)) *out = val_datetime(r);
}

/* datetime_diff(part, dt1, dt2): dt1 - dt2 counted in whole 'part' boundaries crossed (both
** values truncated to the part first; weeks start on Sunday). */
void f_datetime_diff(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  int64_t t1, t2;
  *out = val_null(KQL_T_LONG);
  int part = part_of(c, &a[0]);
  if (part == P_BAD || !dt_arg(&a[1], &t1) || !dt_arg(&a[2], &t2)) return;
  civil x = split(t1), y = split(t2);
  int64_t r;
  switch (part) {
  case P_YEAR: r = x.y - y.y; break;
  case P_QUARTER: r = (x.y * 4 + (x.m - 1) / 3) - (y.y * 4 + (y.m - 1) / 3); break;
  case P_MONTH: r = (x.y * 12 + x.m) - (y.y * 12 + y.m); break;
  case P_WEEK: r = ((x.days - weekday(x.days)) - (y.days - weekday(y.days))) / 7; break;
  case P_DAY:
  case P_DAYOFYEAR: r = x.days - y.days; break;
  case P_HOUR: r = floor_div(t1, TICKS_HOUR) - floor_div(t2, TICKS_HOUR); break;
  case P_MINUTE: r = floor_div(t1, TICKS_MIN) - floor_div(t2, TICKS_MIN); break;
  case P_SECOND: r = floor_div(t1, TICKS_PER_SEC) - floor_div(t2, TICKS_PER_SEC); break;
  case P_MS: r = floor_div(t1, TICKS_MS) - floor_div(t2, TICKS_MS); break;
  case P_US: r = floor_div(t1, 10) - floor_div(t2, 10); break;
  default: r = (t1 - t2) * 100; break;
  }
  *out = val_long(r);
}

void f_datetime_part(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  int64_t t;
  *out = val_null(KQL_T_INT);
  int part = part_of(c, &a[0]);
  if (part == P_BAD || !dt_arg(&a[1], &t)) return;
  civil x = split(t);
  int64_t frac = x.rem % TICKS_PER_SEC, r;
  switch (part) {
  case P_YEAR: r = x.y; break;
  case P_QUARTER: r = (x.m - 1) / 3 + 1; break;
  case P_MONTH: r = x.m; break;
  case P_WEEK: r = iso_week(&x); break;
  case P_DAY: r = x.d; break;
  case P_DAYOFYEAR: r = day_of_year(&x); break;
  case P_HOUR: r = x.rem / TICKS_HOUR; break;
  case P_MINUTE: r = x.rem / TICKS_MIN % 60; break;
  case P_SECOND: r = x.rem / TICKS_PER_SEC % 60; break;
  case P_MS: r = frac / TICKS_MS; break;
  case P_US: r = frac / 10; break;
  default: r = frac * 100; break;
  }
  *out = val_int(r);
}

/* ---- start and end of periods ---- */

enum { S_DAY, S_WEEK, S_MONTH, S_YEAR };

/* Start of the 'unit' period holding 't', moved by 'off' periods. */
static bool start_of(int unit, int64_t t, int64_t off, int64_t *out) {
  civil x = split(t);
  int64_t days;
  switch (unit) {
  case S_DAY: days = x.days; break;
  case S_WEEK: days = x.days - weekday(x.days); break;
  case S_MONTH: days = lit_days_from_civil(x.y, x.m, 1); break;
  default: days = lit_days_from_civil(x.y, 1, 1); break;
  }
  if (off > 1200000 || off < -1200000) return false;
  int64_t s = days * TICKS_PER_DAY;
  if (unit == S_DAY) s += off * TICKS_PER_DAY;
  else if (unit == S_WEEK) s += off * 7 * TICKS_PER_DAY;
  else if (!add_months(s, unit == S_MONTH ? off : off * 12, &s)) return false;
  *out = s;
  return in_range(s);
}

static void period(fn_ctx *c, const kql_value *a, int n, int unit, bool end, kql_value *out) {
  int64_t t, off = 0, r;
  *out = val_null(KQL_T_DATETIME);
  if (!dt_arg(&a[0], &t) || (n > 1 && !fn_long(c, &a[1], &off))) return;
  if (end) {
    if (off == INT64_MAX || !start_of(unit, t, off + 1, &r)) {
      if (!start_of(unit, t, off, &r)) return;
      r = TICKS_MAX_DATETIME + 1; /* the last period: its end is the largest datetime */
    }
    r -= 1;
  } else if (!start_of(unit, t, off, &r)) {
    return;
  }
  if (in_range(r)) *out = val_datetime(r);
}

void f_startofday(fn_ctx *c, const kql_value *a, int n, kql_value *out) { period(c, a, n, S_DAY, false, out); }
void f_startofweek(fn_ctx *c, const kql_value *a, int n, kql_value *out) { period(c, a, n, S_WEEK, false, out); }
void f_startofmonth(fn_ctx *c, const kql_value *a, int n, kql_value *out) { period(c, a, n, S_MONTH, false, out); }
void f_startofyear(fn_ctx *c, const kql_value *a, int n, kql_value *out) { period(c, a, n, S_YEAR, false, out); }
void f_endofday(fn_ctx *c, const kql_value *a, int n, kql_value *out) { period(c, a, n, S_DAY, true, out); }
void f_endofweek(fn_ctx *c, const kql_value *a, int n, kql_value *out) { period(c, a, n, S_WEEK, true, out); }
void f_endofmonth(fn_ctx *c, const kql_value *a, int n, kql_value *out) { period(c, a, n, S_MONTH, true, out); }
void f_endofyear(fn_ctx *c, const kql_value *a, int n, kql_value *out) { period(c, a, n, S_YEAR, true, out); }

/* ---- parts as functions ---- */

/* dayofweek(): days since the preceding Sunday, as a timespan. */
void f_dayofweek(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)c, (void)n;
  int64_t t;
  if (!dt_arg(&a[0], &t)) {
    *out = val_null(KQL_T_TIMESPAN);
    return;
  }
  *out = val_timespan(weekday(split(t).days) * TICKS_PER_DAY);
}

static void int_part(const kql_value *a, int which, kql_value *out) {
  int64_t t;
  if (!dt_arg(&a[0], &t)) {
    *out = val_null(KQL_T_INT);
    return;
  }
  civil x = split(t);
  int64_t r;
  switch (which) {
  case P_DAY: r = x.d; break;
  case P_DAYOFYEAR: r = day_of_year(&x); break;
  case P_MONTH: r = x.m; break;
  case P_YEAR: r = x.y; break;
  case P_HOUR: r = x.rem / TICKS_HOUR; break;
  default: r = iso_week(&x); break;
  }
  *out = val_int(r);
}

void f_dayofmonth(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)c, (void)n, int_part(a, P_DAY, out); }
void f_dayofyear(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)c, (void)n, int_part(a, P_DAYOFYEAR, out); }
void f_getmonth(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)c, (void)n, int_part(a, P_MONTH, out); }
void f_getyear(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)c, (void)n, int_part(a, P_YEAR, out); }
void f_hourofday(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)c, (void)n, int_part(a, P_HOUR, out); }
void f_week_of_year(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)c, (void)n, int_part(a, P_WEEK, out); }

/* ---- making datetimes and timespans ---- */

/* make_datetime(year, month, day [, hour [, minute [, second]]]): null for an invalid date. */
void f_make_datetime(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  int64_t f[5] = {0, 1, 1, 0, 0};
  double sec = 0;
  *out = val_null(KQL_T_DATETIME);
  for (int i = 0; i < n && i < 5; i++)
    if (!fn_long(c, &a[i], &f[i])) return;
  if (n > 5 && !fn_real(c, &a[5], &sec)) return;
  if (f[0] < 1 || f[0] > 9999 || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > (int64_t)mdays(f[0], (unsigned)f[1]) ||
      f[3] < 0 || f[3] > 23 || f[4] < 0 || f[4] > 59 || !(sec >= 0 && sec < 60))
    return;
  int64_t t = lit_days_from_civil(f[0], (unsigned)f[1], (unsigned)f[2]) * TICKS_PER_DAY + f[3] * TICKS_HOUR +
              f[4] * TICKS_MIN + (int64_t)llround(sec * (double)TICKS_PER_SEC);
  if (in_range(t)) *out = val_datetime(t);
}

/* make_timespan(hour, minute), (hour, minute, second) or (day, hour, minute, second). */
void f_make_timespan(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  int64_t d = 0, h = 0, m = 0;
  double s = 0;
  *out = val_null(KQL_T_TIMESPAN);
  int i = 0;
  if (n == 4 && !fn_long(c, &a[i++], &d)) return;
  if (!fn_long(c, &a[i++], &h) || !fn_long(c, &a[i++], &m)) return;
  if (i < n && !fn_real(c, &a[i], &s)) return;
  double total = (double)d * (double)TICKS_PER_DAY + (double)h * (double)TICKS_HOUR + (double)m * (double)TICKS_MIN +
                 s * (double)TICKS_PER_SEC;
  if (!(fabs(total) < 9.2e18)) return;
  *out = val_timespan(d * TICKS_PER_DAY + h * TICKS_HOUR + m * TICKS_MIN + (int64_t)llround(s * (double)TICKS_PER_SEC));
}

/* Unix time in units of which 'ticks_per_unit' ticks make one, to a datetime; a long is
** converted exactly (nanoseconds are floored to ticks), a real is rounded to ticks. */
static void unixtime(fn_ctx *c, const kql_value *a, double ticks_per_unit, kql_value *out) {
  *out = val_null(KQL_T_DATETIME);
  const int64_t lo = -TICKS_UNIX_EPOCH, hi = TICKS_MAX_DATETIME - TICKS_UNIX_EPOCH; /* ticks from 1970 */
  int64_t off;
  double x;
  if (!a[0].isnull && (a[0].type == KQL_T_LONG || a[0].type == KQL_T_INT)) {
    int64_t k = a[0].u.i;
    if (ticks_per_unit < 1) off = floor_div(k, (int64_t)(1 / ticks_per_unit + 0.5));
    else {
      int64_t per = (int64_t)ticks_per_unit;
      if (k > hi / per || k < lo / per) return;
      off = k * per;
    }
  } else {
    if (!fn_real(c, &a[0], &x)) return;
    double t = x * ticks_per_unit;
    if (!(t >= (double)lo && t <= (double)hi)) return;
    off = (int64_t)llround(t);
  }
  if (off < lo || off > hi) return;
  *out = val_datetime(TICKS_UNIX_EPOCH + off);
}

void f_unixtime_seconds(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, unixtime(c, a, 1e7, out); }
void f_unixtime_milliseconds(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, unixtime(c, a, 1e4, out); }
void f_unixtime_microseconds(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, unixtime(c, a, 10, out); }
void f_unixtime_nanoseconds(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, unixtime(c, a, 0.01, out); }

/* ---- formatting ---- */

typedef struct fbuf {
  char *p;     /* output */
  size_t n;    /* used */
  size_t cap;  /* room */
} fbuf;

static void fput(fbuf *b, const char *s, size_t n) {
  if (b->n + n > b->cap) n = b->cap - b->n;
  memcpy(b->p + b->n, s, n);
  b->n += n;
}

static void fnum(fbuf *b, int64_t v, int width) {
  char tmp[32];
  int k = snprintf(tmp, sizeof tmp, "%0*lld", width, (long long)v);
  fput(b, tmp, (size_t)k);
}

/* Write 'k' (1..7) digits of the 7-digit fraction 'frac'; 'opt' (F) drops trailing zeros,
** and when nothing is left also a '.' just before. */
static void ffrac(fbuf *b, int64_t frac, int k, bool opt) {
  char d[24];
  snprintf(d, sizeof d, "%07lld", (long long)frac);
  int len = k > 7 ? 7 : k;
  if (opt) {
    while (len > 0 && d[len - 1] == '0') len--;
    if (len == 0) {
      if (b->n && b->p[b->n - 1] == '.') b->n--;
      return;
    }
  }
  fput(b, d, (size_t)len);
}

static const char *const month_names[12] = {"January", "February", "March",     "April",   "May",      "June",
                                            "July",    "August",   "September", "October", "November", "December"};
static const char *const day_names[7] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

/* format_datetime(date, format): the .NET custom specifiers the KQL reference lists (d dd
** f..fffffff F..FFFFFFF h hh H HH m mm M MM s ss y yy yyyy tt) plus ddd dddd MMM MMMM;
** any other character is copied. */
void f_format_datetime(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  int64_t t;
  *out = val_str("", 0);
  if (!dt_arg(&a[0], &t)) return;
  kql_value f = fn_text(c, a[1]);
  civil x = split(t);
  int64_t h = x.rem / TICKS_HOUR, mi = x.rem / TICKS_MIN % 60, s = x.rem / TICKS_PER_SEC % 60;
  int64_t frac = x.rem % TICKS_PER_SEC;
  fbuf b = {arena_alloc(c->tmp, f.u.s.n * 8 + 64), 0, f.u.s.n * 8 + 64};
  for (size_t i = 0; i < f.u.s.n;) {
    char ch = f.u.s.p[i];
    size_t k = 1;
    while (i + k < f.u.s.n && f.u.s.p[i + k] == ch) k++;
    int w = (int)k;
    switch (ch) {
    case 'd':
      if (w >= 4) fput(&b, day_names[weekday(x.days)], strlen(day_names[weekday(x.days)]));
      else if (w == 3) fput(&b, day_names[weekday(x.days)], 3);
      else fnum(&b, x.d, w);
      break;
    case 'f':
    case 'F': ffrac(&b, frac, w, ch == 'F'); break;
    case 'h': fnum(&b, h % 12 ? h % 12 : 12, w > 2 ? 2 : w); break;
    case 'H': fnum(&b, h, w > 2 ? 2 : w); break;
    case 'm': fnum(&b, mi, w > 2 ? 2 : w); break;
    case 'M':
      if (w >= 4) fput(&b, month_names[x.m - 1], strlen(month_names[x.m - 1]));
      else if (w == 3) fput(&b, month_names[x.m - 1], 3);
      else fnum(&b, x.m, w);
      break;
    case 's': fnum(&b, s, w > 2 ? 2 : w); break;
    case 'y':
      if (w <= 2) fnum(&b, x.y % 100, w);
      else fnum(&b, x.y, w);
      break;
    case 't': fput(&b, h < 12 ? "AM" : "PM", w >= 2 ? 2 : 1); break;
    default: fput(&b, f.u.s.p + i, k); break;
    }
    i += k;
  }
  *out = val_str(b.p, b.n);
}

/* format_timespan(timespan, format): d..dddddddd (days, zero-padded), h/H hh/HH, m mm,
** s ss, f..fffffff, F..FFFFFFF; a negative value gets a leading '-'. */
void f_format_timespan(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  *out = val_str("", 0);
  if (a[0].isnull || a[0].type != KQL_T_TIMESPAN) return;
  int64_t t = a[0].u.i;
  bool neg = t < 0;
  uint64_t u = neg ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
  int64_t days = (int64_t)(u / (uint64_t)TICKS_PER_DAY), rem = (int64_t)(u % (uint64_t)TICKS_PER_DAY);
  kql_value f = fn_text(c, a[1]);
  fbuf b = {arena_alloc(c->tmp, f.u.s.n * 8 + 64), 0, f.u.s.n * 8 + 64};
  if (neg) fput(&b, "-", 1);
  for (size_t i = 0; i < f.u.s.n;) {
    char ch = f.u.s.p[i];
    size_t k = 1;
    while (i + k < f.u.s.n && f.u.s.p[i + k] == ch) k++;
    int w = (int)k;
    switch (ch) {
    case 'd': fnum(&b, days, w > 8 ? 8 : w); break;
    case 'h':
    case 'H': fnum(&b, rem / TICKS_HOUR, w > 2 ? 2 : w); break;
    case 'm': fnum(&b, rem / TICKS_MIN % 60, w > 2 ? 2 : w); break;
    case 's': fnum(&b, rem / TICKS_PER_SEC % 60, w > 2 ? 2 : w); break;
    case 'f':
    case 'F': ffrac(&b, rem % TICKS_PER_SEC, w, ch == 'F'); break;
    default: fput(&b, f.u.s.p + i, k); break;
    }
    i += k;
  }
  *out = val_str(b.p, b.n);
}
