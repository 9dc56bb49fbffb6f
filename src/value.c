/*
** value.c: Kusto's scalar types: names, comparison, equality and hashing for grouping,
** copying out of batches and the tostring() text of every type.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "lit.h"
#include "value.h"

/* ORDER TYPES */
static const char *const type_names[KQL_T_COUNT_] = {
    "null", "bool", "int", "long", "real", "decimal", "datetime", "timespan", "string", "guid",
    "dynamic"};

const char *val_type_name(kql_type t) {
  return (unsigned)t < KQL_T_COUNT_ ? type_names[t] : "unknown";
}

int val_type_from_name(const char *name, size_t n) {
  static const struct {
    const char *name;
    kql_type t;
  } alias[] = {{"bool", KQL_T_BOOL},         {"boolean", KQL_T_BOOL},
               {"int", KQL_T_INT},           {"long", KQL_T_LONG},
               {"real", KQL_T_REAL},         {"double", KQL_T_REAL},
               {"decimal", KQL_T_DECIMAL},   {"datetime", KQL_T_DATETIME},
               {"date", KQL_T_DATETIME},     {"timespan", KQL_T_TIMESPAN},
               {"time", KQL_T_TIMESPAN},     {"string", KQL_T_STRING},
               {"guid", KQL_T_GUID},         {"uniqueid", KQL_T_GUID},
               {"uuid", KQL_T_GUID},
               {"dynamic", KQL_T_DYNAMIC}};
  for (size_t i = 0; i < KQL_ARRAY_LEN(alias); i++)
    if (strlen(alias[i].name) == n && strncasecmp(alias[i].name, name, n) == 0)
      return (int)alias[i].t;
  return -1;
}

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn) {
  int c = memcmp(a, b, an < bn ? an : bn);
  if (c) return c;
  return an < bn ? -1 : an > bn;
}

static double as_double(const kql_value *v) {
  return (v->type == KQL_T_REAL || v->type == KQL_T_DECIMAL) ? v->u.r : (double)v->u.i;
}

int val_compare(const kql_value *a, const kql_value *b) {
  if (a->isnull || b->isnull) return (int)!a->isnull - (int)!b->isnull;
  if (val_is_numeric(a->type) && val_is_numeric(b->type)) {
    if ((a->type == KQL_T_LONG || a->type == KQL_T_INT) &&
        (b->type == KQL_T_LONG || b->type == KQL_T_INT))
      return (a->u.i > b->u.i) - (a->u.i < b->u.i);
    double x = as_double(a), y = as_double(b);
    if (isnan(x) || isnan(y)) return (int)!isnan(x) - (int)!isnan(y);
    return (x > y) - (x < y);
  }
  if (a->type != b->type) return (a->type > b->type) - (a->type < b->type);
  switch (a->type) {
  case KQL_T_BOOL: return (int)a->u.b - (int)b->u.b;
  case KQL_T_DATETIME:
  case KQL_T_TIMESPAN: return (a->u.i > b->u.i) - (a->u.i < b->u.i);
  case KQL_T_STRING:
  case KQL_T_GUID:
  case KQL_T_DYNAMIC: return cmp_bytes(a->u.s.p, a->u.s.n, b->u.s.p, b->u.s.n);
  default: return 0;
  }
}

bool val_equal(const kql_value *a, const kql_value *b) {
  if (a->isnull || b->isnull) return a->isnull && b->isnull;
  if (a->type != b->type) {
    if (val_is_numeric(a->type) && val_is_numeric(b->type)) return val_compare(a, b) == 0;
    return false;
  }
  return val_compare(a, b) == 0;
}

static uint64_t fnv(const void *p, size_t n, uint64_t h) {
  const unsigned char *s = p;
  for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * UINT64_C(1099511628211);
  return h;
}

uint64_t val_hash(const kql_value *v) {
  uint64_t h = UINT64_C(14695981039346656037);
  if (v->isnull) return h;
  switch (v->type) {
  case KQL_T_BOOL: return fnv(&v->u.b, sizeof v->u.b, h);
  case KQL_T_INT:
  case KQL_T_LONG: return fnv(&v->u.i, sizeof v->u.i, h); /* equal numbers hash alike */
  case KQL_T_DATETIME:
  case KQL_T_TIMESPAN: return fnv(&v->u.i, sizeof v->u.i, h ^ (uint64_t)v->type);
  case KQL_T_REAL:
  case KQL_T_DECIMAL: {
    double r = v->u.r == 0 ? 0.0 : v->u.r; /* -0 and 0 hash alike */
    if (r == (double)(int64_t)r && r >= -9.2e18 && r <= 9.2e18) {
      int64_t i = (int64_t)r; /* 5.0 hashes as 5 */
      return fnv(&i, sizeof i, h);
    }
    return fnv(&r, sizeof r, h);
  }
  case KQL_T_STRING:
  case KQL_T_GUID:
  case KQL_T_DYNAMIC: return fnv(v->u.s.p, v->u.s.n, h);
  default: return h;
  }
}

kql_value val_copy(arena *a, kql_value v) {
  if (!v.isnull && val_is_str(v.type) && v.u.s.n) v.u.s.p = arena_strndup(a, v.u.s.p, v.u.s.n);
  return v;
}

kql_value val_tostring(arena *a, kql_value v) {
  char buf[64];
  size_t n = 0;
  if (v.isnull) return val_str("", 0);
  switch (v.type) {
  case KQL_T_STRING: return v;
  case KQL_T_GUID: return val_str(v.u.s.p, v.u.s.n);
  case KQL_T_DYNAMIC: return json_dyn_tostring(a, v);
  case KQL_T_BOOL: return v.u.b ? val_str("true", 4) : val_str("false", 5);
  case KQL_T_INT:
  case KQL_T_LONG: n = (size_t)snprintf(buf, sizeof buf, "%lld", (long long)v.u.i); break;
  case KQL_T_REAL:
  case KQL_T_DECIMAL: n = json_format_real(v.u.r, buf); break;
  case KQL_T_DATETIME: {
    /* tostring() writes all seven fraction digits: 2020-01-01T00:00:00.0000000Z */
    n = lit_format_datetime(v.u.i, buf);
    char *dot = memchr(buf, '.', n);
    size_t have = dot ? n - 1 - (size_t)(dot - buf) - 1 : 0; /* digits before the Z */
    if (!dot) {
      memcpy(buf + n - 1, ".0000000Z", 10);
      n += 8;
    } else if (have < 7) {
      memset(buf + n - 1, '0', 7 - have);
      n += 7 - have;
      buf[n - 1] = 'Z';
      buf[n] = 0;
    }
    break;
  }
  case KQL_T_TIMESPAN: n = lit_format_timespan(v.u.i, buf); break;
  default: return val_str("", 0);
  }
  return val_str(arena_strndup(a, buf, n), n);
}

bool val_from_text(arena *a, const char *s, size_t n, kql_type t, kql_value *out) {
  char buf[128];
  char *end;
  if (t == KQL_T_STRING || t == KQL_T_GUID) {
    *out = val_strtype(t, arena_strndup(a, s, n), n);
    return true;
  }
  if (t == KQL_T_DYNAMIC) {
    if (!json_parse_dynamic(a, s, n, out)) *out = json_value_to_dynamic(a, val_str(arena_strndup(a, s, n), n));
    return true;
  }
  if (n >= sizeof buf) return false;
  memcpy(buf, s, n);
  buf[n] = 0;
  int64_t ticks;
  switch (t) {
  case KQL_T_INT:
  case KQL_T_LONG: {
    long long v = strtoll(buf, &end, 10);
    if (!n || *end) return false;
    *out = t == KQL_T_INT ? val_int(v) : val_long(v);
    return true;
  }
  case KQL_T_REAL:
  case KQL_T_DECIMAL: {
    double v = strtod(buf, &end);
    if (!n || *end) return false;
    *out = val_real(v);
    return true;
  }
  case KQL_T_BOOL:
    if (strcmp(buf, "true") == 0 || strcmp(buf, "True") == 0) *out = val_bool(true);
    else if (strcmp(buf, "false") == 0 || strcmp(buf, "False") == 0) *out = val_bool(false);
    else return false;
    return true;
  case KQL_T_DATETIME:
    if (lit_parse_datetime(buf, n, &ticks) != 0) return false;
    *out = val_datetime(ticks);
    return true;
  case KQL_T_TIMESPAN:
    if (lit_parse_timespan(buf, n, &ticks) != 0) return false;
    *out = val_timespan(ticks);
    return true;
  default: return false;
  }
}

