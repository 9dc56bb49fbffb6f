/*
** lit.c: decodes literal text for the lexer and the conversion functions: string bodies
** (escapes, verbatim quotes), datetime text (ISO 8601, RFC 822, RFC 850), timespan text
** (unit literals, [d.]hh:mm:ss) and real text (nan, inf, 1.5), and writes datetime and
** timespan values the way Kusto shows them.  Pure functions over caller buffers; no allocation, no global state.
*/
#include "lit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TICKS_SEC INT64_C(10000000)
#define TICKS_MIN (INT64_C(60) * TICKS_SEC)
#define TICKS_HOUR (INT64_C(60) * TICKS_MIN)
#define TICKS_DAY (INT64_C(24) * TICKS_HOUR)
#define TICKS_MAX INT64_C(3155378975999999999) /* 9999-12-31T23:59:59.9999999Z */
#define DAYS_TO_1970 INT64_C(719162)           /* lit_days_from_civil(1970, 1, 1) */

/* ------------------------------------------------------------------------------------ */
/* Calendar                                                                              */
/* ------------------------------------------------------------------------------------ */

/* Return the number of days from 0001-01-01 to 'y'-'m'-'d' of the proleptic Gregorian
** calendar (negative before it).  'm' is 1..12 and 'd' 1..31; the date is not checked.
** Howard Hinnant's days_from_civil, shifted from his 1970 epoch to 0001-01-01. */
int64_t lit_days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;                                      /* [0, 399] */
  int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;    /* [0, 365] */
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;              /* [0, 146096] */
  return era * 146097 + doe - 719468 + DAYS_TO_1970;
}

/* Set '*y', '*m', '*d' to the civil date 'z' days after 0001-01-01 (the inverse of
** lit_days_from_civil); 'z' may be negative. */
void lit_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468 - DAYS_TO_1970;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;                                   /* [0, 146096] */
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);            /* [0, 365] */
  int64_t mp = (5 * doy + 2) / 153;                                 /* [0, 11] */
  *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
  *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

/* Return true when 'y' is a Gregorian leap year. */
static bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Return the number of days in month 'm' (1..12) of year 'y'. */
static unsigned month_days(int64_t y, unsigned m) {
  static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29u : mdays[m - 1];
}

/* ------------------------------------------------------------------------------------ */
/* A cursor over the text being parsed                                                  */
/* ------------------------------------------------------------------------------------ */

typedef struct cursor {
  const char *p; /* next byte to read */
  const char *e; /* one past the last byte */
} cursor;

/* Return true when 'c' is a blank that may surround a literal's text. */
static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Return true when 'c' is an ASCII decimal digit. */
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Return 'c' lowered when it is an ASCII capital, else 'c'. */
static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

/* Make a cursor over 's'..'s'+'n' with leading and trailing blanks removed. */
static cursor trimmed(const char *s, size_t n) {
  cursor c = {s, s + n};
  while (c.p < c.e && is_blank(*c.p)) c.p++;
  while (c.e > c.p && is_blank(c.e[-1])) c.e--;
  return c;
}

/* Return the byte under 'c', or NUL at the end. */
static char peek(const cursor *c) { return c->p < c->e ? *c->p : '\0'; }

/* Consume 'ch' if it is next in 'c'; return whether it was. */
static bool eat(cursor *c, char ch) {
  if (c->p < c->e && *c->p == ch) {
    c->p++;
    return true;
  }
  return false;
}

/* Consume blanks; return how many there were. */
static int eat_blanks(cursor *c) {
  int k = 0;
  while (c->p < c->e && is_blank(*c->p)) c->p++, k++;
  return k;
}

/* Read 'lo'..'hi' decimal digits into '*v'; return the count read, or 0 (nothing consumed)
** when fewer than 'lo' digits are there.  'hi' <= 9 keeps '*v' within int. */
static int digits(cursor *c, int lo, int hi, int *v) {
  const char *p = c->p;
  int k = 0, x = 0;
  while (k < hi && p < c->e && is_digit(*p)) x = x * 10 + (*p++ - '0'), k++;
  if (k < lo) return 0;
  c->p = p, *v = x;
  return k;
}

/* Read the fraction digits after a '.' (at least one) as ticks: the first 7 count, the
** rest are checked to be digits and dropped.  Return false when no digit follows. */
static bool fraction(cursor *c, int64_t *ticks) {
  int64_t f = 0;
  int k = 0;
  if (!is_digit(peek(c))) return false;
  for (; c->p < c->e && is_digit(*c->p); c->p++, k++)
    if (k < 7) f = f * 10 + (*c->p - '0');
  for (; k < 7; k++) f *= 10;
  *ticks = f;
  return true;
}

/* Consume the longest name of 'names' (count 'n') that is next in 'c', ignoring case, and
** not followed by a letter; return its index, or -1. */
static int name_in(cursor *c, const char *const *names, int n) {
  int best = -1;
  size_t best_len = 0;
  for (int i = 0; i < n; i++) {
    size_t len = strlen(names[i]);
    if (len <= best_len || (size_t)(c->e - c->p) < len) continue;
    size_t j = 0;
    while (j < len && lower(c->p[j]) == names[i][j]) j++;
    if (j < len) continue;
    char after = c->p + len < c->e ? lower(c->p[len]) : '\0';
    if (after >= 'a' && after <= 'z') continue;
    best = i, best_len = len;
  }
  if (best >= 0) c->p += best_len;
  return best;
}

/* ------------------------------------------------------------------------------------ */
/* Datetime                                                                              */
/* ------------------------------------------------------------------------------------ */

/* Month names, abbreviated then full; index % 12 is the month - 1. */
static const char *const month_names[] = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december"};

/* Weekday names, abbreviated then full; index % 7 is days since Sunday. */
static const char *const weekday_names[] = {
    "sun", "mon", "tue", "wed", "thu", "fri", "sat",
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};

/* Named zones of RFC 822 and their offsets from UTC in minutes. */
static const struct zone {
  const char *name; /* lower case */
  int minutes;      /* local time minus UTC */
} zones[] = {
    {"z", 0},        {"ut", 0},       {"utc", 0},      {"gmt", 0},      {"est", -5 * 60},
    {"edt", -4 * 60}, {"cst", -6 * 60}, {"cdt", -5 * 60}, {"mst", -7 * 60}, {"mdt", -6 * 60},
    {"pst", -8 * 60}, {"pdt", -7 * 60},
};

/* The parts of a datetime as read, before any range check. */
typedef struct dt_parts {
  int year;          /* 1..9999 */
  int month, day;    /* 1..12, 1..31 (checked later against the month) */
  int hour, minute;  /* 0..23, 0..59 */
  int second;        /* 0..59 */
  int64_t frac;      /* ticks below the second, 0..9999999 */
  int offset;        /* zone offset in minutes: local time minus UTC */
  int weekday;       /* 0 (Sunday)..6 as written, or -1 when none was */
} dt_parts;

/* Read "HH:MM[:SS[.fffffff]][ AM| PM]" from 'c' into 'dt'; return false when it is not
** there.  With AM or PM (any case, as .NET reads "8:00:00 AM") the hour is 1..12. */
static bool clock_time(cursor *c, dt_parts *dt) {
  if (!digits(c, 1, 2, &dt->hour) || !eat(c, ':') || !digits(c, 2, 2, &dt->minute)) return false;
  if (eat(c, ':')) {
    if (!digits(c, 2, 2, &dt->second)) return false;
    if (eat(c, '.') && !fraction(c, &dt->frac)) return false;
  }
  cursor m = *c;
  eat_blanks(&m);
  char a = lower(peek(&m));
  if ((a == 'a' || a == 'p') && m.e - m.p >= 2 && lower(m.p[1]) == 'm' &&
      (m.e - m.p == 2 || !((m.p[2] | 0x20) >= 'a' && (m.p[2] | 0x20) <= 'z'))) {
    if (dt->hour < 1 || dt->hour > 12) return false;
    dt->hour = dt->hour % 12 + (a == 'p' ? 12 : 0);
    c->p = m.p + 2;
  }
  return dt->hour <= 23 && dt->minute <= 59 && dt->second <= 59;
}

/* Read an optional zone at the end of 'c' (after optional blanks): "Z", a name of zones[],
** "+hh", "+hhmm" or "+hh:mm" (or '-').  Return false when something else is left. */
static bool zone_suffix(cursor *c, dt_parts *dt) {
  eat_blanks(c);
  if (c->p == c->e) return true;
  char sign = peek(c);
  if (sign == '+' || sign == '-') {
    int hh = 0, mm = 0;
    c->p++;
    if (digits(c, 4, 4, &hh)) {
      mm = hh % 100, hh /= 100;
    } else {
      if (!digits(c, 2, 2, &hh)) return false;
      if (eat(c, ':') && !digits(c, 2, 2, &mm)) return false;
    }
    if (hh > 14 || mm > 59 || hh * 60 + mm > 14 * 60) return false;
    dt->offset = (sign == '-' ? -1 : 1) * (hh * 60 + mm);
  } else {
    for (size_t i = 0; i < KQL_ARRAY_LEN(zones); i++) {
      size_t len = strlen(zones[i].name);
      if ((size_t)(c->e - c->p) != len) continue;
      size_t j = 0;
      while (j < len && lower(c->p[j]) == zones[i].name[j]) j++;
      if (j == len) {
        dt->offset = zones[i].minutes;
        c->p = c->e;
        return true;
      }
    }
    return false;
  }
  return c->p == c->e;
}

/* ISO 8601: "YYYY-MM-DD[(T| )HH:MM[:SS[.f]]][zone]". */
static bool parse_iso(cursor *c, dt_parts *dt) {
  if (!digits(c, 4, 4, &dt->year) || !eat(c, '-') || !digits(c, 1, 2, &dt->month) ||
      !eat(c, '-') || !digits(c, 1, 2, &dt->day))
    return false;
  if (c->p == c->e) return true;
  if (!eat(c, 'T') && !eat(c, 't') && !eat_blanks(c)) return false;
  return clock_time(c, dt) && zone_suffix(c, dt);
}

/* RFC 822 "[Sat, ]8 Nov 2014 15:05[:02] [GMT]" and RFC 850 "[Saturday, ]08-Nov-14
** 15:05[:02] [GMT]": a year of 2 digits is taken as 1950..2049 (the .NET default). */
static bool parse_rfc(cursor *c, dt_parts *dt) {
  int w = name_in(c, weekday_names, (int)KQL_ARRAY_LEN(weekday_names));
  if (w >= 0) {
    dt->weekday = w % 7;
    eat(c, ',');
    if (!eat_blanks(c)) return false;
  }
  if (!digits(c, 1, 2, &dt->day)) return false;
  char sep = peek(c);
  if (sep == '-') c->p++;
  else if (!eat_blanks(c)) return false;
  int m = name_in(c, month_names, (int)KQL_ARRAY_LEN(month_names));
  if (m < 0) return false;
  dt->month = m % 12 + 1;
  if (sep == '-' ? !eat(c, '-') : !eat_blanks(c)) return false;
  int nd = digits(c, 2, 4, &dt->year);
  if (nd == 2) dt->year += dt->year < 50 ? 2000 : 1900;
  else if (nd != 4) return false;
  if (c->p == c->e) return true;
  if (!eat_blanks(c)) return false;
  return clock_time(c, dt) && zone_suffix(c, dt);
}

/* US "MM/DD/YYYY[ HH:MM[:SS[.f]]][zone]", as .NET's invariant culture reads it. */
static bool parse_us(cursor *c, dt_parts *dt) {
  if (!digits(c, 1, 2, &dt->month)) return false;
  char sep = peek(c); /* 12/02/2022 or 12-02-2022 */
  if ((sep != '/' && sep != '-') || !eat(c, sep) || !digits(c, 1, 2, &dt->day) ||
      !eat(c, sep) || digits(c, 4, 4, &dt->year) != 4)
    return false;
  if (c->p == c->e) return true;
  if (!eat_blanks(c)) return false;
  return clock_time(c, dt) && zone_suffix(c, dt);
}

/* Parse the datetime text 's' of 'n' bytes: see lit.h for the forms. */
int lit_parse_datetime(const char *s, size_t n, int64_t *ticks) {
  cursor c = trimmed(s, n);
  if (c.p == c.e) return -1;
  dt_parts dt = {0, 0, 0, 0, 0, 0, 0, 0, -1};
  bool iso = c.e - c.p >= 5 && is_digit(c.p[0]) && is_digit(c.p[1]) && is_digit(c.p[2]) &&
             is_digit(c.p[3]) && c.p[4] == '-';
  const char *slash = memchr(c.p, '/', (size_t)(c.e - c.p));
  if (!slash && c.e - c.p >= 10 && is_digit(c.p[0]) && is_digit(c.p[1]) && c.p[2] == '-' &&
      is_digit(c.p[3]) && is_digit(c.p[4]) && c.p[5] == '-')
    slash = c.p + 2; /* MM-DD-YYYY */
  bool us = !iso && slash && slash - c.p <= 2 && is_digit(c.p[0]);
  if (!(iso ? parse_iso(&c, &dt) : us ? parse_us(&c, &dt) : parse_rfc(&c, &dt)) || c.p != c.e)
    return -1;
  if (dt.year < 1 || dt.month < 1 || dt.month > 12 || dt.day < 1 ||
      (unsigned)dt.day > month_days(dt.year, (unsigned)dt.month))
    return -1;
  int64_t days = lit_days_from_civil(dt.year, (unsigned)dt.month, (unsigned)dt.day);
  if (dt.weekday >= 0 && (days + 1) % 7 != dt.weekday) return -1; /* 0001-01-01: Monday */
  int64_t t = days * TICKS_DAY + dt.hour * TICKS_HOUR + dt.minute * TICKS_MIN +
              dt.second * TICKS_SEC + dt.frac - dt.offset * TICKS_MIN;
  if (t < 0 || t > TICKS_MAX) return -1;
  *ticks = t;
  return 0;
}

int lit_parse_time_of_day(const char *s, size_t n, int64_t *ticks) {
  cursor c = trimmed(s, n);
  dt_parts dt = {0, 0, 0, 0, 0, 0, 0, 0, -1};
  if (!clock_time(&c, &dt) || c.p != c.e) return -1;
  *ticks = dt.hour * TICKS_HOUR + dt.minute * TICKS_MIN + dt.second * TICKS_SEC + dt.frac;
  return 0;
}

int lit_parse_datetime_literal(const char *s, size_t n, int64_t *ticks) {
  if (lit_parse_datetime(s, n, ticks) == 0 || !memchr(s, ',', n)) return lit_parse_datetime(s, n, ticks);
  /* year, month, day[, hour[, minute[, second[.fraction]]]] (RFC 822 has commas too) */
  cursor c = trimmed(s, n);
  int64_t part[6] = {0, 0, 0, 0, 0, 0}, frac = 0;
  int k = 0;
  for (;;) {
    eat_blanks(&c);
    if (k == 6 || !is_digit(peek(&c))) return -1;
    int digits = 0;
    while (is_digit(peek(&c)) && digits < 5) part[k] = part[k] * 10 + (*c.p++ - '0'), digits++;
    if (is_digit(peek(&c))) return -1;
    if (k == 5 && eat(&c, '.')) {
      int64_t scale = TICKS_SEC / 10;
      if (!is_digit(peek(&c))) return -1;
      for (; is_digit(peek(&c)); c.p++, scale /= 10) frac += (*c.p - '0') * scale;
    }
    k++;
    eat_blanks(&c);
    if (c.p == c.e) break;
    if (!eat(&c, ',')) return -1;
  }
  if (k < 3 || part[0] < 1 || part[1] < 1 || part[1] > 12 || part[2] < 1 ||
      part[2] > month_days(part[0], (unsigned)part[1]) || part[3] > 23 || part[4] > 59 || part[5] > 59)
    return -1;
  int64_t t = lit_days_from_civil(part[0], (unsigned)part[1], (unsigned)part[2]) * TICKS_DAY +
              part[3] * TICKS_HOUR + part[4] * TICKS_MIN + part[5] * TICKS_SEC + frac;
  if (t > TICKS_MAX) return -1;
  *ticks = t;
  return 0;
}

/* Write 'v' (>= 0) as at least 'width' decimal digits at 'p'; return the end. */
static char *put_num(char *p, uint64_t v, int width) {
  char tmp[24];
  int k = 0;
  do tmp[k++] = (char)('0' + v % 10), v /= 10;
  while (v);
  while (k < width) tmp[k++] = '0';
  while (k) *p++ = tmp[--k];
  return p;
}

/* Write "hh:mm:ss" for 'secs_of_day' (< 86400) at 'p'; return the end. */
static char *put_clock(char *p, uint64_t secs_of_day) {
  p = put_num(p, secs_of_day / 3600, 2);
  *p++ = ':';
  p = put_num(p, secs_of_day / 60 % 60, 2);
  *p++ = ':';
  return put_num(p, secs_of_day % 60, 2);
}

/* Write 'ticks' as ISO 8601 UTC with trailing fraction zeros dropped; see lit.h. */
size_t lit_format_datetime(int64_t ticks, char *buf) {
  int64_t days = ticks / TICKS_DAY, rem = ticks % TICKS_DAY;
  if (rem < 0) rem += TICKS_DAY, days--;
  int64_t y;
  unsigned m, d;
  lit_civil_from_days(days, &y, &m, &d);
  char *p = buf;
  if (y < 0) *p++ = '-';
  p = put_num(p, (uint64_t)(y < 0 ? -y : y), 4);
  *p++ = '-';
  p = put_num(p, m, 2);
  *p++ = '-';
  p = put_num(p, d, 2);
  *p++ = 'T';
  p = put_clock(p, (uint64_t)(rem / TICKS_SEC));
  int64_t frac = rem % TICKS_SEC;
  if (frac) {
    int width = 7;
    while (frac % 10 == 0) frac /= 10, width--;
    *p++ = '.';
    p = put_num(p, (uint64_t)frac, width);
  }
  *p++ = 'Z';
  *p = '\0';
  return (size_t)(p - buf);
}

/* ------------------------------------------------------------------------------------ */
/* Timespan                                                                              */
/* ------------------------------------------------------------------------------------ */

/* Unit words of timespan literals (Kusto.Language's lexer) and their length in ticks as
** 'num' / 'den'.  Matched exactly, lower case.  The first entry (days) also serves a bare
** number, as in time(2). */
static const struct ts_unit {
  const char *name; /* as written after the number */
  int64_t num;      /* ticks per unit, numerator */
  int den;          /* denominator: 1, or 100 for nanoseconds */
} ts_units[] = {
    {"d", TICKS_DAY, 1},           {"day", TICKS_DAY, 1},          {"days", TICKS_DAY, 1},
    {"h", TICKS_HOUR, 1},          {"hr", TICKS_HOUR, 1},          {"hrs", TICKS_HOUR, 1},
    {"hour", TICKS_HOUR, 1},       {"hours", TICKS_HOUR, 1},       {"m", TICKS_MIN, 1},
    {"min", TICKS_MIN, 1},         {"minute", TICKS_MIN, 1},       {"minutes", TICKS_MIN, 1},
    {"s", TICKS_SEC, 1},           {"sec", TICKS_SEC, 1},          {"second", TICKS_SEC, 1},
    {"seconds", TICKS_SEC, 1},     {"ms", 10000, 1},               {"milli", 10000, 1},
    {"millis", 10000, 1},          {"millisec", 10000, 1},         {"millisecond", 10000, 1},
    {"milliseconds", 10000, 1},    {"micro", 10, 1},               {"micros", 10, 1},
    {"microsec", 10, 1},           {"microsecond", 10, 1},         {"microseconds", 10, 1},
    {"nano", 1, 100},              {"nanos", 1, 100},              {"nanosec", 1, 100},
    {"nanosecond", 1, 100},        {"nanoseconds", 1, 100},        {"tick", 1, 1},
    {"ticks", 1, 1},
};

#define MAX_NUM_DIGITS 64 /* longest number accepted before a unit */

/* Set '*out' to round(0.'dig' * 10^'point' * 'num') (half away from zero) where 'dig' holds
** 'nd' decimal digit values; 'point' is how many of them are the integer part and may be
** negative (leading fraction zeros).  Return false on overflow of int64. */
static bool scale_decimal(const unsigned char *dig, int nd, int point, int64_t num,
                          int64_t *out) {
  int64_t ip = 0;
  for (int i = 0; i < point; i++) {
    int v = i < nd ? dig[i] : 0;
    if (ip > (INT64_MAX - v) / 10) return false;
    ip = ip * 10 + v;
  }
  if (ip > INT64_MAX / num) return false;
  ip *= num;
  /* Fraction digits f1 f2 ... fk: floor(2*num*0.f1..fk) by Horner from the last digit,
  ** exact because floor((a + x) / 10) == floor((a + floor(x)) / 10) for integer a. */
  int64_t g = 0;
  for (int j = nd - 1; j >= (point > 0 ? point : 0); j--) g = (dig[j] * 2 * num + g) / 10;
  for (int j = point; j < 0; j++) g /= 10; /* leading zeros of the fraction */
  int64_t frac = (g + 1) / 2;
  if (ip > INT64_MAX - frac) return false;
  *out = ip + frac;
  return true;
}

/* Read "[d.]hh:mm[:ss[.f]]" (no sign) from 'c' into '*t'; return false when malformed. */
static bool parse_clock_span(cursor *c, int64_t *t) {
  int a = 0, h = 0, m = 0, s = 0;
  int64_t days = 0, frac = 0;
  int na = digits(c, 1, 8, &a);
  if (!na) return false;
  if (eat(c, '.')) {
    days = a;
    if (!digits(c, 1, 2, &h)) return false;
  } else {
    if (na > 2) return false;
    h = a;
  }
  if (!eat(c, ':') || !digits(c, 1, 2, &m)) return false;
  if (eat(c, ':')) {
    if (!digits(c, 1, 2, &s)) return false;
    if (eat(c, '.') && !fraction(c, &frac)) return false;
  }
  if (c->p != c->e || h > 23 || m > 59 || s > 59) return false;
  int64_t day_part = ((int64_t)h * 3600 + m * 60 + s) * TICKS_SEC + frac;
  if (days > (INT64_MAX - day_part) / TICKS_DAY) return false;
  *t = days * TICKS_DAY + day_part;
  return true;
}

/* Read "N[.F][ ]unit" or a bare "N[.F]" (days) from 'c' into '*t'. */
static bool parse_unit_span(cursor *c, int64_t *t) {
  unsigned char dig[MAX_NUM_DIGITS];
  int nd = 0, point = -1;
  for (; c->p < c->e; c->p++) {
    char ch = *c->p;
    if (is_digit(ch)) {
      if (nd == MAX_NUM_DIGITS) return false;
      dig[nd++] = (unsigned char)(ch - '0');
    } else if (ch == '.' && point < 0) {
      point = nd;
    } else {
      break;
    }
  }
  if (nd == 0) return false;
  if (point < 0) point = nd;
  eat_blanks(c);
  const struct ts_unit *u = &ts_units[0]; /* a bare number counts days */
  if (c->p < c->e) {
    size_t len = (size_t)(c->e - c->p);
    u = NULL;
    for (size_t i = 0; i < KQL_ARRAY_LEN(ts_units); i++)
      if (strlen(ts_units[i].name) == len && memcmp(ts_units[i].name, c->p, len) == 0)
        u = &ts_units[i];
    if (!u) return false;
    c->p = c->e;
  }
  if (u->den == 100) point -= 2; /* nanoseconds: a hundredth of a tick */
  return scale_decimal(dig, nd, point, u->num, t);
}

/* Parse the timespan text 's' of 'n' bytes: see lit.h for the forms. */
int lit_parse_timespan(const char *s, size_t n, int64_t *ticks) {
  cursor c = trimmed(s, n);
  if (c.p == c.e) return -1;
  bool neg = eat(&c, '-');
  bool clock = false;
  for (const char *q = c.p; q < c.e && !clock; q++) clock = *q == ':';
  int64_t t = 0;
  if (!(clock ? parse_clock_span(&c, &t) : parse_unit_span(&c, &t))) return -1;
  *ticks = neg ? -t : t;
  return 0;
}

/* Write 'ticks' as "[-][d.]hh:mm:ss[.fffffff]"; see lit.h. */
size_t lit_format_timespan(int64_t ticks, char *buf) {
  char *p = buf;
  uint64_t mag = ticks < 0 ? (uint64_t)0 - (uint64_t)ticks : (uint64_t)ticks;
  if (ticks < 0) *p++ = '-';
  uint64_t days = mag / (uint64_t)TICKS_DAY;
  uint64_t rem = mag % (uint64_t)TICKS_DAY;
  if (days) {
    p = put_num(p, days, 1);
    *p++ = '.';
  }
  p = put_clock(p, rem / (uint64_t)TICKS_SEC);
  uint64_t frac = rem % (uint64_t)TICKS_SEC;
  if (frac) {
    *p++ = '.';
    p = put_num(p, frac, 7);
  }
  *p = '\0';
  return (size_t)(p - buf);
}

/* ------------------------------------------------------------------------------------ */
/* String literals                                                                       */
/* ------------------------------------------------------------------------------------ */

/* Read exactly 'k' hex digits at 's'[*i] (within 'n') into '*v'; advance '*i'. */
static bool hex_digits(const char *s, size_t n, size_t *i, int k, uint32_t *v) {
  uint32_t x = 0;
  if (n - *i < (size_t)k) return false;
  for (int j = 0; j < k; j++) {
    char ch = lower(s[*i + (size_t)j]);
    int dv = is_digit(ch) ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
    if (dv < 0) return false;
    x = x * 16 + (uint32_t)dv;
  }
  *i += (size_t)k, *v = x;
  return true;
}

/* Write code point 'cp' (<= 0x10FFFF, not a surrogate) as UTF-8 at 'p'; return the end. */
static char *put_utf8(char *p, uint32_t cp) {
  if (cp < 0x80) {
    *p++ = (char)cp;
  } else if (cp < 0x800) {
    *p++ = (char)(0xC0 | cp >> 6);
    *p++ = (char)(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *p++ = (char)(0xE0 | cp >> 12);
    *p++ = (char)(0x80 | (cp >> 6 & 0x3F));
    *p++ = (char)(0x80 | (cp & 0x3F));
  } else {
    *p++ = (char)(0xF0 | cp >> 18);
    *p++ = (char)(0x80 | (cp >> 12 & 0x3F));
    *p++ = (char)(0x80 | (cp >> 6 & 0x3F));
    *p++ = (char)(0x80 | (cp & 0x3F));
  }
  return p;
}

/* Simple one-letter escapes and what they stand for. */
static const struct simple_escape {
  char letter; /* after the backslash */
  char value;  /* the byte it stands for */
} simple_escapes[] = {
    {'\\', '\\'}, {'\'', '\''}, {'"', '"'},  {'n', '\n'}, {'r', '\r'},
    {'t', '\t'},  {'a', '\a'},  {'b', '\b'}, {'f', '\f'}, {'v', '\v'},
};

/* Decode the escape whose backslash is at 's'[*i]: advance '*i' past it and set '*cp' to
** the code point it stands for.  Return false when it is malformed.  Besides lit.h's list,
** Kusto's \a \b \f \v and octal \o, \oo, \[0-3]oo are accepted. */
static bool escape(const char *s, size_t n, size_t *i, uint32_t *cp) {
  size_t j = *i + 1;
  if (j >= n) return false;
  char ch = s[j++];
  for (size_t k = 0; k < KQL_ARRAY_LEN(simple_escapes); k++) {
    if (simple_escapes[k].letter == ch) {
      *cp = (unsigned char)simple_escapes[k].value, *i = j;
      return true;
    }
  }
  uint32_t v = 0, lo = 0;
  if (ch >= '0' && ch <= '7') {
    v = (uint32_t)(ch - '0');
    int max = ch <= '3' ? 3 : 2;
    for (int k = 1; k < max && j < n && s[j] >= '0' && s[j] <= '7'; k++)
      v = v * 8 + (uint32_t)(s[j++] - '0');
  } else if (ch == 'x') {
    if (!hex_digits(s, n, &j, 2, &v)) return false;
  } else if (ch == 'U') {
    if (!hex_digits(s, n, &j, 8, &v) || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
      return false;
  } else if (ch == 'u') {
    if (!hex_digits(s, n, &j, 4, &v) || (v >= 0xDC00 && v <= 0xDFFF)) return false;
    if (v >= 0xD800 && v <= 0xDBFF) { /* must pair with a following \uDC00..\uDFFF */
      if (n - j < 2 || s[j] != '\\' || s[j + 1] != 'u') return false;
      j += 2;
      if (!hex_digits(s, n, &j, 4, &lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
      v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
    }
  } else {
    return false;
  }
  *cp = v, *i = j;
  return true;
}

/* Decode a string literal body; see lit.h.  Every escape is at least as long as its UTF-8,
** so 'out' never needs more than 'n' + 1 bytes. */
long lit_unescape(const char *s, size_t n, char quote, bool verbatim, char *out,
                  size_t *err_off) {
  char *p = out;
  size_t i = 0;
  while (i < n) {
    char ch = s[i];
    if (verbatim) {
      *p++ = ch;
      i += ch == quote && i + 1 < n && s[i + 1] == quote ? 2 : 1;
    } else if (ch != '\\') {
      *p++ = ch;
      i++;
    } else {
      uint32_t cp = 0;
      size_t at = i;
      if (!escape(s, n, &i, &cp)) {
        if (err_off) *err_off = at;
        return -1;
      }
      p = put_utf8(p, cp);
    }
  }
  *p = '\0';
  return (long)(p - out);
}

int lit_parse_real(const char *text, double *r) {
  char *end;
  if (strcasecmp(text, "nan") == 0) *r = NAN;
  else if (strcasecmp(text, "+inf") == 0 || strcasecmp(text, "inf") == 0) *r = INFINITY;
  else if (strcasecmp(text, "-inf") == 0) *r = -INFINITY;
  else {
    *r = strtod(text, &end);
    if (end == text || *end) return -1;
  }
  return 0;
}
