/*
** lit.h: decoding of literal text (keeps grammar/kql.l thin) and the Kusto text forms of
** datetime and timespan values.  Pure functions: no allocation except into the caller's
** buffer or arena.
*/
#ifndef KQL_LIT_H
#define KQL_LIT_H

#include "internal.h"

/* Parse a datetime in the forms Kusto accepts in datetime(...) and todatetime():
** ISO 8601 ("2026-05-30", "2026-05-30T12:34", "2026-05-30 12:34:56.1234567",
** "2026-05-30T12:34:56Z", "2026-05-30T12:34:56.1+02:00"), RFC 822 ("Sat, 30 May 2026
** 12:34:56 GMT") and RFC 850.  Up to 7 fraction digits (more are truncated).  Leading and
** trailing blanks are ignored.  Returns 0 and sets '*ticks' (100 ns since 0001-01-01 UTC),
** or -1 when the text is not a valid datetime in range 0001-01-01..9999-12-31. */
KQL_INTERNAL int lit_parse_datetime(const char *s, size_t n, int64_t *ticks);

/* Parse the text of a datetime(...) literal: what lit_parse_datetime() accepts, or the parts
** form "2025, 6, 14[, hour[, minute[, second[.fraction]]]]" (whole numbers separated by
** commas) that only the literal takes.  Returns 0 and sets '*ticks', or -1. */
KQL_INTERNAL int lit_parse_datetime_literal(const char *s, size_t n, int64_t *ticks);

/* Parse a time of day alone, "H:MM[:SS[.fffffff]][ AM| PM]" ("8:00:00 AM"), which Kusto's
** datetime("...") takes as that time today.  Returns 0 and sets '*ticks' to the ticks since
** midnight, or -1. */
KQL_INTERNAL int lit_parse_time_of_day(const char *s, size_t n, int64_t *ticks);

/* Parse a timespan: Kusto's literal forms "5d", "3h", "30m", "10s", "100ms", "10microsecond",
** "1tick", "1.5h", "2days", "1hour"... (the unit words of the KQL reference), and the
** constant forms used by time() and totimespan(): "1.02:03:04.5", "02:03", "02:03:04",
** "-00:00:00.5000000", a bare number meaning days ("5" in time(5)).  Returns 0 and sets
** '*ticks', or -1. */
KQL_INTERNAL int lit_parse_timespan(const char *s, size_t n, int64_t *ticks);

/* Parse the text of real(...): a number strtod reads whole, or nan, inf, +inf, -inf in any
** case.  'text' is NUL-terminated.  Returns 0 and sets '*r', or -1. */
KQL_INTERNAL int lit_parse_real(const char *text, double *r);

/* Write 'ticks' as ISO 8601 UTC with up to 7 fraction digits, trailing zeros dropped:
** "2026-06-01T23:00:00Z", "2026-06-01T23:00:00.1234567Z".  'buf' holds >= 40 bytes.
** Returns the length written (NUL-terminated). */
KQL_INTERNAL size_t lit_format_datetime(int64_t ticks, char *buf);

/* Write 'ticks' the way Kusto writes a timespan: "[-][d.]hh:mm:ss[.fffffff]", 7 fraction
** digits when there is a fraction: "1.00:00:00", "00:30:00", "-00:00:00.5000000".
** 'buf' holds >= 40 bytes.  Returns the length written. */
KQL_INTERNAL size_t lit_format_timespan(int64_t ticks, char *buf);

/* Decode the body of a KQL string literal (without its quotes) into 'out', which has room
** for 'n' + 1 bytes.  'quote' is '\'' or '"'; 'verbatim' is true for @'...' and @"..."
** (no escapes; a doubled quote stands for one).  Escapes: \\ \' \" \n \r \t \0 \xHH \uHHHH
** (UTF-8 out; surrogate pairs joined) \U0010FFFF.  Returns the decoded length, or -1 on a
** bad escape, with '*err_off' set to the offset of the bad escape in 's'. */
KQL_INTERNAL long lit_unescape(const char *s, size_t n, char quote, bool verbatim, char *out,
                               size_t *err_off);

/* Days-from-civil helpers, exposed for the datetime functions.  Day 0 is 0001-01-01 (not
** 1970-01-01), so a date's ticks are days * TICKS_PER_DAY; 1970-01-01 is day 719162. */
KQL_INTERNAL int64_t lit_days_from_civil(int64_t y, unsigned m, unsigned d);
KQL_INTERNAL void lit_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif /* KQL_LIT_H */
