/*
** tz.c: datetime_utc_to_local() and datetime_local_to_utc() over IANA time zones, read from
** the system's tz database (/usr/share/zoneinfo, Debian package tzdata) by a small TZif
** reader (RFC 8536): the 64-bit data of version 2+ files, and the footer's POSIX TZ string
** for instants after the last transition.  The process environment (TZ, localtime_r) is
** never touched, so the functions are safe on the scan's worker threads.
**
** Parsed zones are kept in one process-wide cache (a mutex guards it; entries are
** immutable once added and never freed, so lookups hand out plain pointers): a zone file
** is read once, not once per row.
*/
#include <ctype.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../json.h"
#include "../lit.h"
#include "impl.h"

#ifndef KQL_ZONEINFO_DIR
#define KQL_ZONEINFO_DIR "/usr/share/zoneinfo"
#endif

/* One rule of a POSIX TZ string: when DST starts or ends in a year. */
typedef struct tz_rule {
  char kind;       /* 'J' Julian day 1..365 without Feb 29, 'D' day 0..365, 'M' month.week.day */
  int m, w, d;     /* 'M': month 1-12, week 1-5 (5 = last), weekday 0 (Sunday)-6; else d = day */
  int64_t secs;    /* local time of day of the change, seconds (may be negative or > 24h) */
} tz_rule;

/* A time zone: the transitions of its TZif file and the footer rule after them. */
typedef struct tz_zone {
  char *name;          /* as asked for (the cache key) */
  bool ok;             /* false: no such zone (cached too, so it is not looked up again) */
  int64_t *trans;      /* transition instants, Unix seconds, ascending */
  int32_t *trans_off;  /* the UTC offset (seconds) from each transition on */
  size_t ntrans;
  int32_t first_off;   /* the offset before the first transition (time type 0) */
  bool has_rule;       /* the footer gave a TZ string */
  int32_t std_off;     /* footer: standard offset, seconds east of UTC */
  int32_t dst_off;     /* footer: daylight offset; equal to std_off when there is no DST */
  bool has_dst;        /* footer: has a DST rule */
  tz_rule start, end;  /* footer: DST starts and ends */
  struct tz_zone *next;
} tz_zone;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static tz_zone *cache;
static size_t cache_misses; /* unknown names kept (bounded, so bad data cannot grow it) */
#define TZ_MAX_MISSES 256

/* ---- reading a TZif file ---- */

static int64_t be(const unsigned char *p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; i++) v = v << 8 | p[i];
  if (n == 4) return (int32_t)(uint32_t)v;
  return (int64_t)v;
}

/* Parse [+-]hh[:mm[:ss]] at '*s'; returns false on a bad form. */
static bool posix_time(const char **s, int64_t *out) {
  const char *p = *s;
  int sign = 1;
  if (*p == '+' || *p == '-') sign = *p++ == '-' ? -1 : 1;
  if (!isdigit((unsigned char)*p)) return false;
  int64_t v = 0, part = 0;
  while (isdigit((unsigned char)*p)) part = part * 10 + (*p++ - '0');
  if (part > 167) return false;
  v = part * 3600;
  for (int k = 0; k < 2 && *p == ':'; k++) {
    p++;
    if (!isdigit((unsigned char)*p)) return false;
    part = 0;
    while (isdigit((unsigned char)*p)) part = part * 10 + (*p++ - '0');
    if (part > 59) return false;
    v += k == 0 ? part * 60 : part;
  }
  *out = sign * v;
  *s = p;
  return true;
}

/* Skip a zone abbreviation: letters, or <...> quoted. */
static bool posix_name(const char **s) {
  const char *p = *s;
  if (*p == '<') {
    while (*p && *p != '>') p++;
    if (*p != '>') return false;
    p++;
  } else {
    const char *b = p;
    while (isalpha((unsigned char)*p)) p++;
    if (p - b < 3) return false;
  }
  *s = p;
  return true;
}

static bool posix_rule(const char **s, tz_rule *r) {
  const char *p = *s;
  char *e;
  if (*p == 'M') {
    r->kind = 'M';
    r->m = (int)strtol(p + 1, &e, 10);
    if (*e != '.') return false;
    r->w = (int)strtol(e + 1, &e, 10);
    if (*e != '.') return false;
    r->d = (int)strtol(e + 1, &e, 10);
    if (r->m < 1 || r->m > 12 || r->w < 1 || r->w > 5 || r->d < 0 || r->d > 6) return false;
  } else {
    r->kind = *p == 'J' ? 'J' : 'D';
    if (*p == 'J') p++;
    if (!isdigit((unsigned char)*p)) return false;
    r->d = (int)strtol(p, &e, 10);
    if (r->d > 365 || (r->kind == 'J' && r->d < 1)) return false;
  }
  p = e;
  r->secs = 7200; /* 02:00 unless given */
  if (*p == '/') {
    p++;
    if (!posix_time(&p, &r->secs)) return false;
  }
  *s = p;
  return true;
}

/* The footer's TZ string, e.g. "CET-1CEST,M3.5.0,M10.5.0/3"; POSIX offsets count west. */
static bool parse_posix(tz_zone *z, const char *s) {
  int64_t off;
  if (!posix_name(&s) || !posix_time(&s, &off)) return false;
  z->std_off = (int32_t)-off;
  z->dst_off = z->std_off;
  z->has_dst = false;
  if (*s) {
    if (!posix_name(&s)) return false;
    z->dst_off = z->std_off + 3600;
    if (*s && *s != ',') {
      if (!posix_time(&s, &off)) return false;
      z->dst_off = (int32_t)-off;
    }
    if (*s != ',') return false; /* no rule: kql does not guess the US default */
    s++;
    if (!posix_rule(&s, &z->start) || *s != ',') return false;
    s++;
    if (!posix_rule(&s, &z->end) || *s) return false;
    z->has_dst = true;
  }
  z->has_rule = true;
  return true;
}

/* Read TZif data 'p' of 'n' bytes into 'z'. */
static bool parse_tzif(tz_zone *z, const unsigned char *p, size_t n) {
  if (n < 44 || memcmp(p, "TZif", 4) != 0) return false;
  int version = p[4] ? p[4] - '0' : 1;
  size_t tsize = 4;
  for (int pass = 0;; pass++) {
    if (n < 44 || memcmp(p, "TZif", 4) != 0) return false;
    uint64_t isutcnt = (uint32_t)be(p + 20, 4), isstdcnt = (uint32_t)be(p + 24, 4),
             leapcnt = (uint32_t)be(p + 28, 4), timecnt = (uint32_t)be(p + 32, 4),
             typecnt = (uint32_t)be(p + 36, 4), charcnt = (uint32_t)be(p + 40, 4);
    if (typecnt == 0 || timecnt > 100000 || typecnt > 256 || leapcnt > 10000 || charcnt > 100000)
      return false;
    uint64_t body = timecnt * tsize + timecnt + typecnt * 6 + charcnt + leapcnt * (tsize + 4) +
                    isstdcnt + isutcnt;
    if (44 + body > n) return false;
    if (version >= 2 && pass == 0) { /* skip the 32-bit data for the 64-bit copy */
      p += 44 + body, n -= 44 + body;
      tsize = 8;
      continue;
    }
    const unsigned char *tt = p + 44, *idx = tt + timecnt * tsize, *types = idx + timecnt;
    z->trans = malloc((timecnt ? timecnt : 1) * sizeof *z->trans);
    z->trans_off = malloc((timecnt ? timecnt : 1) * sizeof *z->trans_off);
    if (!z->trans || !z->trans_off) return false;
    for (uint64_t i = 0; i < timecnt; i++) {
      if (idx[i] >= typecnt) return false;
      z->trans[i] = be(tt + i * tsize, (int)tsize);
      z->trans_off[i] = (int32_t)be(types + idx[i] * 6, 4);
    }
    z->ntrans = timecnt;
    z->first_off = (int32_t)be(types, 4);
    p += 44 + body, n -= 44 + body;
    break;
  }
  if (version >= 2 && n >= 2 && p[0] == '\n') { /* the footer: \n TZ string \n */
    const unsigned char *nl = memchr(p + 1, '\n', n - 1);
    if (nl && nl > p + 1) {
      char buf[128];
      size_t k = (size_t)(nl - p - 1);
      if (k < sizeof buf) {
        memcpy(buf, p + 1, k);
        buf[k] = 0;
        if (!parse_posix(z, buf)) z->has_rule = false;
      }
    }
  }
  return true;
}

/* A zone name kql accepts: IANA-style path parts, no "..", not absolute. */
static bool name_ok(const char *s, size_t n) {
  if (n == 0 || n > 64 || s[0] == '/' || s[n - 1] == '/') return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (!isalnum(ch) && ch != '/' && ch != '_' && ch != '-' && ch != '+') return false;
    if (ch == '/' && s[i + 1] == '/') return false;
  }
  return true;
}

/* Open 'name' under the zoneinfo folder, matching each path part without regard to case
** when the exact name is absent (Kusto's time zone names are not case-sensitive). */
static FILE *open_zone(const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", KQL_ZONEINFO_DIR, name);
  FILE *f = fopen(path, "rb");
  if (f) return f;
  size_t len = (size_t)snprintf(path, sizeof path, "%s", KQL_ZONEINFO_DIR);
  const char *p = name;
  while (*p) {
    const char *e = strchr(p, '/');
    size_t k = e ? (size_t)(e - p) : strlen(p);
    DIR *d = opendir(path);
    if (!d) return NULL;
    struct dirent *de;
    bool found = false;
    while ((de = readdir(d)) != NULL)
      if (strlen(de->d_name) == k && strncasecmp(de->d_name, p, k) == 0) {
        if (len + 1 + k + 1 > sizeof path) break;
        path[len++] = '/';
        memcpy(path + len, de->d_name, k);
        len += k;
        path[len] = 0;
        found = true;
        break;
      }
    closedir(d);
    if (!found) return NULL;
    p += k;
    if (*p == '/') p++;
  }
  return fopen(path, "rb");
}

static void load(tz_zone *z) {
  FILE *f = open_zone(z->name);
  if (!f) return;
  unsigned char *buf = malloc(1 << 20);
  size_t n = buf ? fread(buf, 1, 1 << 20, f) : 0;
  fclose(f);
  if (buf && n > 0 && parse_tzif(z, buf, n)) z->ok = true;
  free(buf);
}

/* The zone called 'name' ('n' bytes), or NULL when there is none. */
static const tz_zone *zone_get(const char *name, size_t n) {
  if (!name_ok(name, n)) return NULL;
  pthread_mutex_lock(&cache_lock);
  tz_zone *z = cache;
  while (z && !(strlen(z->name) == n && memcmp(z->name, name, n) == 0)) z = z->next;
  if (!z && (z = calloc(1, sizeof *z)) != NULL) {
    if ((z->name = malloc(n + 1)) == NULL) {
      free(z);
      z = NULL;
    } else {
      memcpy(z->name, name, n);
      z->name[n] = 0;
      load(z);
      if (z->ok || cache_misses < TZ_MAX_MISSES) {
        cache_misses += !z->ok;
        z->next = cache;
        cache = z;
      } else {
        free(z->trans);
        free(z->trans_off);
        free(z->name);
        free(z);
        z = NULL;
      }
    }
  }
  pthread_mutex_unlock(&cache_lock);
  return z && z->ok ? z : NULL;
}

/* ---- offsets ---- */

static int64_t floordiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

/* Unix seconds of the local change of rule 'r' in year 'y', as local seconds (wall clock). */
static int64_t rule_local(const tz_rule *r, int64_t y) {
  int64_t days; /* days since 0001-01-01 */
  if (r->kind == 'M') {
    int64_t first = lit_days_from_civil(y, (unsigned)r->m, 1);
    int wd = (int)(((first + 1) % 7 + 7) % 7); /* 0001-01-01 was a Monday */
    int64_t d = first + (r->d - wd + 7) % 7 + (r->w - 1) * 7;
    unsigned mlen = r->m == 12 ? 31 : (unsigned)(lit_days_from_civil(y, (unsigned)r->m + 1, 1) - first);
    while (d >= first + mlen) d -= 7;
    days = d;
  } else if (r->kind == 'J') {
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    days = lit_days_from_civil(y, 1, 1) + r->d - 1 + (leap && r->d >= 60);
  } else {
    days = lit_days_from_civil(y, 1, 1) + r->d;
  }
  int64_t epoch_days = lit_days_from_civil(1970, 1, 1);
  return (days - epoch_days) * 86400 + r->secs;
}

/* The footer rule's offset at Unix second 't'. */
static int32_t rule_offset(const tz_zone *z, int64_t t) {
  if (!z->has_dst) return z->std_off;
  int64_t days = floordiv(t + z->std_off, 86400) + lit_days_from_civil(1970, 1, 1);
  int64_t y;
  unsigned m, d;
  lit_civil_from_days(days, &y, &m, &d);
  int64_t start = rule_local(&z->start, y) - z->std_off; /* written in standard time */
  int64_t end = rule_local(&z->end, y) - z->dst_off;     /* written in daylight time */
  bool dst = start < end ? (t >= start && t < end) : (t < end || t >= start);
  return dst ? z->dst_off : z->std_off;
}

/* The UTC offset (seconds east) in force at Unix second 't'. */
static int32_t offset_at(const tz_zone *z, int64_t t) {
  if (z->ntrans == 0 || t < z->trans[0]) {
    if (z->ntrans == 0 && z->has_rule) return rule_offset(z, t);
    return z->first_off;
  }
  if (t >= z->trans[z->ntrans - 1] && z->has_rule) return rule_offset(z, t);
  size_t lo = 0, hi = z->ntrans; /* the last transition <= t */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (z->trans[mid] <= t) lo = mid;
    else hi = mid;
  }
  return z->trans_off[lo];
}

/* The offset of local wall-clock second 'l'.  A transition takes effect when the wall clock,
** read with the offset before it, reaches it: so a skipped local time (the spring gap) takes
** the offset after the change, and a repeated one (the autumn overlap) the one before it,
** its first occurrence (Kusto's reference shows 02:00 in Brussels' 2022 gap as 00:00 UTC). */
static int32_t local_offset(const tz_zone *z, int64_t l) {
  int32_t before = offset_at(z, l - 2 * 86400);
  return offset_at(z, l - before);
}

/* ---- the functions ---- */

FN_TYPE_SIG(ty_tz_convert, "tS", KQL_T_DATETIME, "expects a datetime and a time zone name")

static void convert(fn_ctx *c, const kql_value *a, bool to_local, kql_value *out) {
  *out = val_null(KQL_T_DATETIME);
  if (a[0].isnull || a[0].type != KQL_T_DATETIME || a[1].isnull) return;
  kql_value name = a[1].type == KQL_T_DYNAMIC ? json_dyn_tostring(c->tmp, a[1]) : a[1];
  if (!val_is_str(name.type)) return;
  const tz_zone *z = zone_get(name.u.s.p, name.u.s.n);
  if (!z) return; /* an unknown zone gives null */
  int64_t ticks = a[0].u.i;
  int64_t secs = floordiv(ticks - TICKS_UNIX_EPOCH, TICKS_PER_SEC);
  int64_t off = to_local ? offset_at(z, secs) : -(int64_t)local_offset(z, secs);
  int64_t r = ticks + off * TICKS_PER_SEC;
  if (r >= 0 && r <= TICKS_MAX_DATETIME) *out = val_datetime(r);
}

void f_datetime_utc_to_local(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  convert(c, a, true, out);
}

void f_datetime_local_to_utc(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  convert(c, a, false, out);
}
