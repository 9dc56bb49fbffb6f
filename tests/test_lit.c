/*
** test_lit.c: Check suite for src/lit.c: datetime and timespan text in and out, the
** civil-date helpers and string literal unescaping.  Expected ticks are constants worked
** out apart from lit.c (Python's datetime ordinals, the Kusto docs), never by lit.c itself.
*/
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "lit.h"

Suite *lit_suite(void);

#define TICK_S INT64_C(10000000)
#define TICK_M (INT64_C(60) * TICK_S)
#define TICK_H (INT64_C(60) * TICK_M)
#define TICK_D (INT64_C(24) * TICK_H)

/* Parse the NUL-terminated 's' as a datetime; '*t' is left as -42 when it fails. */
static int parse_dt(const char *s, int64_t *t) {
  *t = -42;
  return lit_parse_datetime(s, strlen(s), t);
}

/* Parse the NUL-terminated 's' as a timespan; '*t' is left as -42 when it fails. */
static int parse_ts(const char *s, int64_t *t) {
  *t = -42;
  return lit_parse_timespan(s, strlen(s), t);
}

/* ---- datetime parsing -------------------------------------------------------------- */

static const struct {
  const char *text; /* input */
  int64_t ticks;    /* expected value */
} dt_good[] = {
    {"0001-01-01", INT64_C(0)},
    {"0001-01-01T00:00:00.0000001Z", INT64_C(1)},
    {"0100-01-01", INT64_C(31241376000000000)}, /* the Kusto docs' example */
    {"9999-12-31T23:59:59.9999999", INT64_C(3155378975999999999)},
    {"9999-12-31T23:59:59.9999999Z", INT64_C(3155378975999999999)},
    {"1970-01-01", INT64_C(621355968000000000)},
    {"1970-01-01T00:00:00Z", INT64_C(621355968000000000)},
    {"2026-05-30", INT64_C(639156960000000000)},
    {"2026-05-30T12:34", INT64_C(639157412400000000)},
    {"2026-05-30 12:34", INT64_C(639157412400000000)},
    {"2026-05-30T12:34:56", INT64_C(639157412960000000)},
    {"2026-05-30 12:34:56.1234567", INT64_C(639157412961234567)},
    {"2026-05-30T12:34:56Z", INT64_C(639157412960000000)},
    {"2026-05-30t12:34:56z", INT64_C(639157412960000000)},
    {"  2026-05-30T12:34:56Z \t\n", INT64_C(639157412960000000)},
    {"2014-05-25T08:20:03.123456Z", INT64_C(635366028031234560)},
    {"2014-05-25T08:20:03.1Z", INT64_C(635366028031000000)},
    {"2014-11-08 15:55:55 GMT", INT64_C(635510589550000000)},
    {"2014-5-3", INT64_C(635346720000000000)},
    {"Sat, 8 Nov 2014 15:05:02 GMT", INT64_C(635510559020000000)},
    {"Sat, 8 Nov 14 15:05:02 GMT", INT64_C(635510559020000000)},
    {"Sat, 08 Nov 2014 15:05:02 UTC", INT64_C(635510559020000000)},
    {"Sat, 8 Nov 2014 15:05:02 Z", INT64_C(635510559020000000)},
    {"sat, 8 nov 2014 15:05:02 gmt", INT64_C(635510559020000000)},
    {"Sat, 8 Nov 14 15:05:02", INT64_C(635510559020000000)},
    {"Sat, 8 Nov 14 15:05", INT64_C(635510559000000000)},
    {"Sat, 8 Nov 14 15:05 GMT", INT64_C(635510559000000000)},
    {"8 Nov 14 15:05:02 GMT", INT64_C(635510559020000000)},
    {"8 Nov 2014 15:05:02", INT64_C(635510559020000000)},
    {"Sat, 8 Nov 2014 15:05:02.25 GMT", INT64_C(635510559022500000)},
    {"Saturday, 8 November 2014 15:05:02 GMT", INT64_C(635510559020000000)},
    {"Mon, 1 Mar 99 00:00:00 GMT", INT64_C(630558432000000000)},
    {"1 Jan 49 00:00", INT64_C(646286688000000000)},
    {"1 Jan 50 00:00", INT64_C(615044448000000000)},
    {"Saturday, 08-Nov-14 15:05:02 GMT", INT64_C(635510559020000000)},
    {"Saturday, 08-Nov-14 15:05:02", INT64_C(635510559020000000)},
    {"Saturday, 08-Nov-14 15:05 GMT", INT64_C(635510559000000000)},
    {"08-Nov-14 15:05:02 GMT", INT64_C(635510559020000000)},
    {"08-Nov-2014 15:05", INT64_C(635510559000000000)},
};

START_TEST(datetime_accepts_iso_rfc822_and_rfc850_forms) {
  int64_t t;
  ck_assert_msg(parse_dt(dt_good[_i].text, &t) == 0, "rejected '%s'", dt_good[_i].text);
  ck_assert_msg(t == dt_good[_i].ticks, "'%s': got %lld, want %lld", dt_good[_i].text,
                (long long)t, (long long)dt_good[_i].ticks);
}
END_TEST

static const struct {
  const char *text; /* input with a zone */
  int64_t ticks;    /* the UTC instant */
} dt_offsets[] = {
    {"2026-05-30T12:34:56.1+02:00", INT64_C(639157340961000000)},
    {"2026-05-30T12:00:00+0200", INT64_C(639157320000000000)},
    {"2026-05-30T12:00:00+02", INT64_C(639157320000000000)},
    {"2026-05-30T01:00:00-05:30", INT64_C(639157194000000000)},
    {"2026-05-30T23:30:00-01:00", INT64_C(639157842000000000)}, /* next day in UTC */
    {"2026-01-01T00:30:00+01:00", INT64_C(639028206000000000)}, /* previous year in UTC */
    {"2026-05-30T12:00:00 +14:00", INT64_C(639156888000000000)},
    {"8 Nov 2014 15:05:02 +0100", INT64_C(635510523020000000)},
    {"8 Nov 2014 15:05:02 -0130", INT64_C(635510613020000000)},
    {"Sat, 08 Nov 2014 10:05:02 EST", INT64_C(635510559020000000)},
    {"Sat, 08 Nov 2014 10:05:02 PDT", INT64_C(635510631020000000)},
};

START_TEST(datetime_offsets_are_converted_to_utc) {
  int64_t t;
  ck_assert_msg(parse_dt(dt_offsets[_i].text, &t) == 0, "rejected '%s'", dt_offsets[_i].text);
  ck_assert_msg(t == dt_offsets[_i].ticks, "'%s': got %lld, want %lld", dt_offsets[_i].text,
                (long long)t, (long long)dt_offsets[_i].ticks);
}
END_TEST

static const struct {
  const char *text; /* more than 7 fraction digits */
  int64_t ticks;    /* truncated, not rounded */
} dt_long_fractions[] = {
    {"2014-05-25T08:20:03.12345678Z", INT64_C(635366028031234567)},
    {"2014-05-25T08:20:03.99999999999Z", INT64_C(635366028039999999)},
    {"1970-01-01T00:00:00.00000009", INT64_C(621355968000000000)},
};

START_TEST(datetime_fraction_beyond_seven_digits_is_truncated) {
  int64_t t;
  ck_assert_int_eq(parse_dt(dt_long_fractions[_i].text, &t), 0);
  ck_assert_int_eq(t, dt_long_fractions[_i].ticks);
}
END_TEST

static const struct {
  const char *text; /* a 29 February */
  int ok;           /* whether the year is a leap year */
  int64_t ticks;    /* expected value when ok */
} dt_leap[] = {
    {"2024-02-29", 1, INT64_C(638447616000000000)},
    {"2000-02-29", 1, INT64_C(630873792000000000)},
    {"1600-02-29", 1, INT64_C(504645984000000000)},
    {"2400-02-29", 1, INT64_C(757101600000000000)},
    {"0004-02-29", 1, INT64_C(997056000000000)},
    {"2023-02-29", 0, 0},
    {"1900-02-29", 0, 0},
    {"2100-02-29", 0, 0},
    {"0001-02-29", 0, 0},
};

START_TEST(leap_day_exists_only_in_leap_years) {
  int64_t t;
  int rc = parse_dt(dt_leap[_i].text, &t);
  if (dt_leap[_i].ok) {
    ck_assert_msg(rc == 0, "rejected '%s'", dt_leap[_i].text);
    ck_assert_int_eq(t, dt_leap[_i].ticks);
  } else {
    ck_assert_msg(rc == -1, "accepted '%s'", dt_leap[_i].text);
  }
}
END_TEST

static const char *const dt_bad[] = {
    "",
    "   ",
    "2026",
    "2026-05",
    "2026/05/30",
    "26-05-30",
    "10000-01-01",
    "0000-12-31",
    "2026-13-01",
    "2026-00-10",
    "2026-04-31",
    "2026-01-00",
    "2026-01-32",
    "2026-05-30T",
    "2026-05-30T12",
    "2026-05-30T24:00",
    "2026-05-30T12:60",
    "2026-05-30T12:34:60",
    "2026-05-30T12:34:5",
    "2026-05-30T12:34:56.",
    "2026-05-30T12:34:56Zx",
    "2026-05-30T12:34:56+2",
    "2026-05-30T12:34:56+15:00",
    "2026-05-30T12:34:56+02:60",
    "2026-05-30T12:34:56 XYZ",
    "2026-05-30 junk",
    "2026-05-30TT12:00",
    "0001-01-01T00:00:00+01:00",  /* before 0001-01-01 in UTC */
    "9999-12-31T23:59:59-01:00",  /* after 9999-12-31 in UTC */
    "12:34",
    "Fri, 8 Nov 2014 15:05:02 GMT", /* 2014-11-08 was a Saturday */
    "Sat, 30 Feb 2014 10:00 GMT",
    "8 Foo 2014 15:05",
    "8 Nov 214 15:05",
    "8-Nov 2014 15:05",
    "8 Nov-2014 15:05",
    "Sat 8Nov 2014 15:05",
    "Sat, 8 Nov 2014 15:05:02 GMT extra",
    "Sat, 8 Nov 2014 25:05:02 GMT",
    "Someday, 8 Nov 2014 15:05",
    "not a date",
};

START_TEST(datetime_rejects_malformed_or_out_of_range_text) {
  int64_t t;
  ck_assert_msg(parse_dt(dt_bad[_i], &t) == -1, "accepted '%s' as %lld", dt_bad[_i],
                (long long)t);
  ck_assert_int_eq(t, -42);
}
END_TEST

START_TEST(time_of_day_reads_am_pm_and_rejects_dates) {
  int64_t t = -42;
  ck_assert_int_eq(lit_parse_time_of_day(" 8:00:00 AM ", 12, &t), 0);
  ck_assert_int_eq(t, 8 * TICK_H);
  ck_assert_int_eq(lit_parse_time_of_day("12:00 am", 8, &t), 0);
  ck_assert_int_eq(t, 0);
  ck_assert_int_eq(lit_parse_time_of_day("12:01:02.5PM", 12, &t), 0);
  ck_assert_int_eq(t, 12 * TICK_H + TICK_M + 2 * TICK_S + TICK_S / 2);
  ck_assert_int_eq(lit_parse_time_of_day("17:30", 5, &t), 0);
  ck_assert_int_eq(t, 17 * TICK_H + 30 * TICK_M);
  t = -42;
  ck_assert_int_eq(lit_parse_time_of_day("13:00 PM", 8, &t), -1);
  ck_assert_int_eq(lit_parse_time_of_day("0:00 AM", 7, &t), -1);
  ck_assert_int_eq(lit_parse_time_of_day("8:00 AMX", 8, &t), -1);
  ck_assert_int_eq(lit_parse_time_of_day("2026-05-30 08:00", 16, &t), -1);
  ck_assert_int_eq(lit_parse_time_of_day("", 0, &t), -1);
  ck_assert_int_eq(t, -42);
}
END_TEST

START_TEST(datetime_reads_only_the_n_bytes_given) {
  int64_t t = 0;
  const char *s = "2026-05-30T12:34:56Zgarbage";
  ck_assert_int_eq(lit_parse_datetime(s, 20, &t), 0);
  ck_assert_int_eq(t, INT64_C(639157412960000000));
  ck_assert_int_eq(lit_parse_datetime(s, 21, &t), -1);
}
END_TEST

/* ---- datetime formatting ----------------------------------------------------------- */

static const struct {
  int64_t ticks;    /* input */
  const char *text; /* expected output */
} dt_fmt[] = {
    {INT64_C(0), "0001-01-01T00:00:00Z"},
    {INT64_C(1), "0001-01-01T00:00:00.0000001Z"},
    {INT64_C(31241376000000000), "0100-01-01T00:00:00Z"},
    {INT64_C(3155378975999999999), "9999-12-31T23:59:59.9999999Z"},
    {INT64_C(621355968000000000), "1970-01-01T00:00:00Z"},
    {INT64_C(621355968000000001), "1970-01-01T00:00:00.0000001Z"},
    {INT64_C(621355968000000010), "1970-01-01T00:00:00.000001Z"},
    {INT64_C(621355968005000000), "1970-01-01T00:00:00.5Z"},
    {INT64_C(621355968001234500), "1970-01-01T00:00:00.12345Z"},
    {INT64_C(621355968001234567), "1970-01-01T00:00:00.1234567Z"},
    {INT64_C(639159516000000000), "2026-06-01T23:00:00Z"},
    {INT64_C(639159516001234567), "2026-06-01T23:00:00.1234567Z"},
    {INT64_C(638448048000000500), "2024-02-29T12:00:00.00005Z"},
};

START_TEST(datetime_formats_as_iso_utc_without_trailing_zeros) {
  char buf[40];
  memset(buf, 'x', sizeof buf);
  size_t n = lit_format_datetime(dt_fmt[_i].ticks, buf);
  ck_assert_str_eq(buf, dt_fmt[_i].text);
  ck_assert_uint_eq(n, strlen(dt_fmt[_i].text));
}
END_TEST

static const char *const dt_canonical[] = {
    "0001-01-01T00:00:00Z",          "9999-12-31T23:59:59.9999999Z",
    "1970-01-01T00:00:00Z",          "2000-02-29T23:59:59.999Z",
    "2024-02-29T00:00:00.0000001Z",  "2026-05-30T12:34:56.1Z",
    "1900-03-01T01:02:03.0405Z",     "1600-12-31T23:59:59Z",
};

START_TEST(datetime_format_of_parse_gives_back_canonical_text) {
  int64_t t;
  char buf[40];
  ck_assert_int_eq(parse_dt(dt_canonical[_i], &t), 0);
  lit_format_datetime(t, buf);
  ck_assert_str_eq(buf, dt_canonical[_i]);
}
END_TEST

/* ---- civil date helpers ------------------------------------------------------------ */

static const struct {
  int64_t y;    /* year */
  unsigned m;   /* month */
  unsigned d;   /* day */
  int64_t days; /* days since 0001-01-01 */
} civil[] = {
    {1, 1, 1, 0},          {1, 12, 31, 364},       {2, 1, 1, 365},
    {100, 1, 1, 36159},    {1600, 3, 1, 584082},   {1970, 1, 1, 719162},
    {2000, 2, 29, 730178}, {2000, 3, 1, 730179},   {2026, 5, 30, 739765},
    {9999, 12, 31, 3652058},
};

START_TEST(days_from_civil_counts_days_since_0001_01_01) {
  ck_assert_int_eq(lit_days_from_civil(civil[_i].y, civil[_i].m, civil[_i].d), civil[_i].days);
  int64_t y;
  unsigned m, d;
  lit_civil_from_days(civil[_i].days, &y, &m, &d);
  ck_assert_int_eq(y, civil[_i].y);
  ck_assert_uint_eq(m, civil[_i].m);
  ck_assert_uint_eq(d, civil[_i].d);
}
END_TEST

/* Walk every day of 0001..9999 with a naive calendar and compare both helpers to it. */
START_TEST(civil_from_days_agrees_with_a_naive_calendar_walk) {
  static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int64_t y = 1;
  unsigned m = 1, d = 1;
  for (int64_t z = 0; z <= 3652058; z++) {
    int64_t gy;
    unsigned gm, gd;
    lit_civil_from_days(z, &gy, &gm, &gd);
    if (gy != y || gm != m || gd != d)
      ck_abort_msg("day %lld: got %lld-%u-%u, want %lld-%u-%u", (long long)z, (long long)gy,
                   gm, gd, (long long)y, m, d);
    if (lit_days_from_civil(y, m, d) != z) ck_abort_msg("days_from_civil off at day %lld", (long long)z);
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    unsigned len = m == 2 && leap ? 29 : mdays[m - 1];
    if (++d > len) d = 1, m++;
    if (m > 12) m = 1, y++;
  }
  ck_assert_int_eq(y, 10000);
}
END_TEST

/* ---- timespan parsing -------------------------------------------------------------- */

static const struct {
  const char *text; /* input */
  int64_t ticks;    /* expected value */
} ts_good[] = {
    /* every unit word, with the value 2 */
    {"2d", 2 * TICK_D},
    {"2day", 2 * TICK_D},
    {"2days", 2 * TICK_D},
    {"2h", 2 * TICK_H},
    {"2hr", 2 * TICK_H},
    {"2hrs", 2 * TICK_H},
    {"2hour", 2 * TICK_H},
    {"2hours", 2 * TICK_H},
    {"2m", 2 * TICK_M},
    {"2min", 2 * TICK_M},
    {"2minute", 2 * TICK_M},
    {"2minutes", 2 * TICK_M},
    {"2s", 2 * TICK_S},
    {"2sec", 2 * TICK_S},
    {"2second", 2 * TICK_S},
    {"2seconds", 2 * TICK_S},
    {"2ms", 20000},
    {"2milli", 20000},
    {"2millis", 20000},
    {"2millisec", 20000},
    {"2millisecond", 20000},
    {"2milliseconds", 20000},
    {"2micro", 20},
    {"2micros", 20},
    {"2microsec", 20},
    {"2microsecond", 20},
    {"2microseconds", 20},
    {"200nano", 2},
    {"200nanos", 2},
    {"200nanosec", 2},
    {"200nanosecond", 2},
    {"200nanoseconds", 2},
    {"2tick", 2},
    {"2ticks", 2},
    /* fractions, rounded to whole ticks */
    {"1.5h", INT64_C(54000000000)},
    {"0.1s", 1000000},
    {"2.5ms", 25000},
    {"1.25microsecond", 13},
    {"0.5tick", 1},
    {"0.4tick", 0},
    {"150nanoseconds", 2},
    {"149nanoseconds", 1},
    {"5nanos", 0},
    {"0.0000001s", 1},
    {"0.00000005s", 1},
    {"0.00000004s", 0},
    {"1.000000000000000000001d", TICK_D},
    {"0.5d", 12 * TICK_H},
    /* spaces, signs, bare numbers */
    {"15 seconds", 15 * TICK_S},
    {" 10m ", 10 * TICK_M},
    {"-1d", -TICK_D},
    {"-1.5h", INT64_C(-54000000000)},
    {"0s", 0},
    {"2", 2 * TICK_D},
    {"1.5", 36 * TICK_H},
    {"10675199d", INT64_C(9223371936000000000)},
    {"922337203685477580ticks", INT64_C(922337203685477580)},
    /* the constant forms of time() */
    {"1.02:03:04.5", INT64_C(937845000000)},
    {"02:03", INT64_C(73800000000)},
    {"2:3", INT64_C(73800000000)},
    {"02:03:04", INT64_C(73840000000)},
    {"0.12:34:56.7", INT64_C(452967000000)},
    {"23:59:59.9999999", INT64_C(863999999999)},
    {"-00:00:00.5000000", -5000000},
    {"-00:30:00", -30 * TICK_M},
    {"00:00:00.12345678", 1234567},
    {"100.00:00:00", 100 * TICK_D},
    {"10675199.02:48:05.4775807", INT64_MAX},
    {"-10675199.02:48:05.4775807", -INT64_MAX},
};

START_TEST(timespan_accepts_every_unit_and_the_clock_form) {
  int64_t t;
  ck_assert_msg(parse_ts(ts_good[_i].text, &t) == 0, "rejected '%s'", ts_good[_i].text);
  ck_assert_msg(t == ts_good[_i].ticks, "'%s': got %lld, want %lld", ts_good[_i].text,
                (long long)t, (long long)ts_good[_i].ticks);
}
END_TEST

static const char *const ts_bad[] = {
    "",
    "-",
    " ",
    "h",
    ".h",
    "1x",
    "1w",
    "1 week",
    "1H",
    "1Days",
    "1e3s",
    "1.5.5h",
    "--1d",
    "- 1d",
    "1d2h",
    "5hours extra",
    "24:00:00",
    "00:60",
    "00:00:60",
    "1.24:00",
    "123:00",
    "1:2:3:4",
    "00:00:00.",
    "1.:00",
    ":30",
    "00:",
    "10675200d",
    "10675199.02:48:05.4775808",
    "99999999999999999999ticks",
};

START_TEST(timespan_rejects_malformed_or_overflowing_text) {
  int64_t t;
  ck_assert_msg(parse_ts(ts_bad[_i], &t) == -1, "accepted '%s' as %lld", ts_bad[_i],
                (long long)t);
  ck_assert_int_eq(t, -42);
}
END_TEST

/* ---- timespan formatting ----------------------------------------------------------- */

static const struct {
  int64_t ticks;    /* input */
  const char *text; /* expected output */
} ts_fmt[] = {
    {0, "00:00:00"},
    {1, "00:00:00.0000001"},
    {5000000, "00:00:00.5000000"},
    {-5000000, "-00:00:00.5000000"},
    {30 * TICK_M, "00:30:00"},
    {-30 * TICK_M, "-00:30:00"},
    {TICK_D, "1.00:00:00"},
    {-TICK_D, "-1.00:00:00"},
    {INT64_C(937845000000), "1.02:03:04.5000000"},
    {23 * TICK_H + 59 * TICK_M + 59 * TICK_S, "23:59:59"},
    {100 * TICK_D, "100.00:00:00"},
    {INT64_MAX, "10675199.02:48:05.4775807"},
    {INT64_MIN, "-10675199.02:48:05.4775808"},
};

START_TEST(timespan_formats_as_days_clock_and_seven_digit_fraction) {
  char buf[40];
  memset(buf, 'x', sizeof buf);
  size_t n = lit_format_timespan(ts_fmt[_i].ticks, buf);
  ck_assert_str_eq(buf, ts_fmt[_i].text);
  ck_assert_uint_eq(n, strlen(ts_fmt[_i].text));
}
END_TEST

static const char *const ts_canonical[] = {
    "00:00:00",          "00:00:00.0000001",          "-00:00:00.5000000",
    "1.00:00:00",        "-3.04:05:06.0700000",       "10675199.02:48:05.4775807",
    "12:34:56.7890123",
};

START_TEST(timespan_format_of_parse_gives_back_canonical_text) {
  int64_t t;
  char buf[40];
  ck_assert_int_eq(parse_ts(ts_canonical[_i], &t), 0);
  lit_format_timespan(t, buf);
  ck_assert_str_eq(buf, ts_canonical[_i]);
}
END_TEST

/* ---- string literals --------------------------------------------------------------- */

static const struct {
  const char *body; /* literal body, without quotes */
  char quote;       /* the enclosing quote */
  bool verbatim;    /* @'...' or @"..." */
  const char *want; /* decoded bytes */
  long len;         /* decoded length (strings may hold NUL) */
} unesc_good[] = {
    {"", '"', false, "", 0},
    {"abc", '"', false, "abc", 3},
    {"a\\nb", '"', false, "a\nb", 3},
    {"\\t\\r\\\\", '\'', false, "\t\r\\", 3},
    {"\\'\\\"", '\'', false, "'\"", 2},
    {"it's \\\"x\\\"", '"', false, "it's \"x\"", 8},
    {"\\a\\b\\f\\v", '"', false, "\a\b\f\v", 4},
    {"\\0", '"', false, "\0", 1},
    {"a\\0b", '"', false, "a\0b", 3},
    {"\\101\\7", '"', false, "A\a", 2},
    {"\\x41\\x7a", '"', false, "Az", 2},
    {"\\xe9", '"', false, "\xc3\xa9", 2},
    {"\\u00e9", '"', false, "\xc3\xa9", 2},
    {"\\u20AC", '"', false, "\xe2\x82\xac", 3},
    {"\\U0001F600", '"', false, "\xf0\x9f\x98\x80", 4},
    {"\\U0010FFFF", '"', false, "\xf4\x8f\xbf\xbf", 4},
    {"\\uD83D\\uDE00", '"', false, "\xf0\x9f\x98\x80", 4},
    {"<\\ud83d\\ude00>", '"', false, "<\xf0\x9f\x98\x80>", 6},
    {"caf\xc3\xa9", '"', false, "caf\xc3\xa9", 5},
    {"C:\\Windows\\n", '"', true, "C:\\Windows\\n", 12},
    {"say \"\"hi\"\"", '"', true, "say \"hi\"", 8},
    {"it''s", '\'', true, "it's", 4},
    {"a''b", '"', true, "a''b", 4},
    {"\"\"", '"', true, "\"", 1},
};

START_TEST(unescape_decodes_escapes_and_verbatim_quotes) {
  char out[64];
  size_t err = 999;
  const char *b = unesc_good[_i].body;
  long n = lit_unescape(b, strlen(b), unesc_good[_i].quote, unesc_good[_i].verbatim, out, &err);
  ck_assert_int_eq(n, unesc_good[_i].len);
  ck_assert_msg(memcmp(out, unesc_good[_i].want, (size_t)n) == 0, "body '%s' decoded wrongly", b);
  ck_assert_int_eq(out[n], '\0');
}
END_TEST

static const struct {
  const char *body; /* literal body with one bad escape */
  size_t off;       /* offset of that escape's backslash */
} unesc_bad[] = {
    {"\\q", 0},
    {"ab\\", 2},
    {"ab\\x4", 2},
    {"\\xZZ", 0},
    {"a\\u12", 1},
    {"a\\u12G4", 1},
    {"\\uD83D", 0},          /* high surrogate alone */
    {"x\\uD83Dz", 1},
    {"\\uD83D\\u0041", 0},   /* high surrogate then no low one */
    {"\\uD83D\\uD83D", 0},
    {"\\uD83D\\uE000", 0},   /* high surrogate then a non-surrogate above them */
    {"\\uDE00", 0},          /* low surrogate alone */
    {"\\U00110000", 0},      /* beyond U+10FFFF */
    {"\\U0000D800", 0},      /* a surrogate */
    {"\\U1234", 0},
    {"ok\\8", 2},
    {"\\n\\c", 2},
    {"\\\\\\ ", 2},
};

START_TEST(unescape_reports_the_offset_of_a_bad_escape) {
  char out[64];
  size_t err = 999;
  const char *b = unesc_bad[_i].body;
  ck_assert_int_eq(lit_unescape(b, strlen(b), '"', false, out, &err), -1);
  ck_assert_uint_eq(err, unesc_bad[_i].off);
}
END_TEST

START_TEST(unescape_output_fits_in_n_plus_one_bytes) {
  /* The longest-to-shortest ratios: each escape's UTF-8 must fit its own text. */
  static const char *const bodies[] = {"\\377", "\\xff", "\\uFFFF", "\\U0010FFFF",
                                       "\\uDBFF\\uDFFF", "\\0"};
  for (size_t k = 0; k < sizeof bodies / sizeof bodies[0]; k++) {
    size_t n = strlen(bodies[k]);
    char out[16];
    memset(out, 'x', sizeof out);
    long len = lit_unescape(bodies[k], n, '"', false, out, NULL);
    ck_assert_int_ge(len, 1);
    ck_assert_int_le(len, (long)n);
    for (size_t j = n + 1; j < sizeof out; j++) ck_assert_int_eq(out[j], 'x');
  }
}
END_TEST

/* Build the suite: one TCase per behaviour, table-driven where there is a table. */
Suite *lit_suite(void) {
  Suite *s = suite_create("lit");
  struct {
    const char *name; /* TCase name */
    const TTest *test; /* the test */
    int n;             /* loop count; 0 for a plain test */
  } cases[] = {
      {"datetime_accepts_iso_rfc822_and_rfc850_forms",
       datetime_accepts_iso_rfc822_and_rfc850_forms, (int)(sizeof dt_good / sizeof dt_good[0])},
      {"datetime_offsets_are_converted_to_utc", datetime_offsets_are_converted_to_utc,
       (int)(sizeof dt_offsets / sizeof dt_offsets[0])},
      {"datetime_fraction_beyond_seven_digits_is_truncated",
       datetime_fraction_beyond_seven_digits_is_truncated,
       (int)(sizeof dt_long_fractions / sizeof dt_long_fractions[0])},
      {"leap_day_exists_only_in_leap_years", leap_day_exists_only_in_leap_years,
       (int)(sizeof dt_leap / sizeof dt_leap[0])},
      {"datetime_rejects_malformed_or_out_of_range_text",
       datetime_rejects_malformed_or_out_of_range_text, (int)(sizeof dt_bad / sizeof dt_bad[0])},
      {"datetime_reads_only_the_n_bytes_given", datetime_reads_only_the_n_bytes_given, 0},
      {"datetime_formats_as_iso_utc_without_trailing_zeros",
       datetime_formats_as_iso_utc_without_trailing_zeros, (int)(sizeof dt_fmt / sizeof dt_fmt[0])},
      {"datetime_format_of_parse_gives_back_canonical_text",
       datetime_format_of_parse_gives_back_canonical_text,
       (int)(sizeof dt_canonical / sizeof dt_canonical[0])},
      {"days_from_civil_counts_days_since_0001_01_01",
       days_from_civil_counts_days_since_0001_01_01, (int)(sizeof civil / sizeof civil[0])},
      {"civil_from_days_agrees_with_a_naive_calendar_walk",
       civil_from_days_agrees_with_a_naive_calendar_walk, 0},
      {"timespan_accepts_every_unit_and_the_clock_form",
       timespan_accepts_every_unit_and_the_clock_form, (int)(sizeof ts_good / sizeof ts_good[0])},
      {"timespan_rejects_malformed_or_overflowing_text",
       timespan_rejects_malformed_or_overflowing_text, (int)(sizeof ts_bad / sizeof ts_bad[0])},
      {"timespan_formats_as_days_clock_and_seven_digit_fraction",
       timespan_formats_as_days_clock_and_seven_digit_fraction,
       (int)(sizeof ts_fmt / sizeof ts_fmt[0])},
      {"timespan_format_of_parse_gives_back_canonical_text",
       timespan_format_of_parse_gives_back_canonical_text,
       (int)(sizeof ts_canonical / sizeof ts_canonical[0])},
      {"unescape_decodes_escapes_and_verbatim_quotes",
       unescape_decodes_escapes_and_verbatim_quotes,
       (int)(sizeof unesc_good / sizeof unesc_good[0])},
      {"unescape_reports_the_offset_of_a_bad_escape",
       unescape_reports_the_offset_of_a_bad_escape, (int)(sizeof unesc_bad / sizeof unesc_bad[0])},
      {"unescape_output_fits_in_n_plus_one_bytes", unescape_output_fits_in_n_plus_one_bytes, 0},
      {"time_of_day_reads_am_pm_and_rejects_dates", time_of_day_reads_am_pm_and_rejects_dates, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    TCase *tc = tcase_create(cases[i].name);
    if (cases[i].n)
      tcase_add_loop_test(tc, cases[i].test, 0, cases[i].n);
    else
      tcase_add_test(tc, cases[i].test);
    suite_add_tcase(s, tc);
  }
  return s;
}
