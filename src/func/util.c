/*
** util.c: helpers shared by the function library (string.c, math.c, datetime.c, dynamic.c,
** net.c, agg.c): argument signatures for type rules, Kusto's text form of a value, numeric
** argument reading and UTF-8 stepping.  Everything here is pure; results live in 'c->tmp'.
*/
#include <math.h>
#include <string.h>

#include "../json.h"
#include "../lit.h"
#include "impl.h"

/* True when bound type 't' fits signature letter 'k' (see fn_sig() in impl.h). */
static bool fits(kql_type t, char k) {
  if (t == KQL_T_NULL || t == KQL_T_DYNAMIC) return true;
  switch (k) {
  case 'a':
  case 's': return true;
  case 'S': return t == KQL_T_STRING || t == KQL_T_GUID;
  case 'i':
  case 'n': return val_is_numeric(t);
  case 't': return t == KQL_T_DATETIME;
  case 'T': return t == KQL_T_TIMESPAN;
  case 'd': return false;
  case 'b': return t == KQL_T_BOOL;
  default: return false;
  }
}

kql_type fn_sig(ast **a, int n, const char *sig, kql_type result, const char *msg,
                const char **err) {
  size_t len = strlen(sig);
  for (int i = 0; i < n; i++) {
    char k = sig[(size_t)i < len ? (size_t)i : len - 1];
    if (!fits(a[i]->type, k)) {
      *err = msg;
      return KQL_T_COUNT_;
    }
  }
  return result;
}

kql_value fn_text(fn_ctx *c, kql_value v) {
  if (!v.isnull && v.type == KQL_T_DATETIME) {
    /* Kusto writes a datetime with all seven fraction digits: 2020-01-01T00:00:00.0000000Z */
    char buf[48];
    size_t n = lit_format_datetime(v.u.i, buf);
    char *dot = memchr(buf, '.', n);
    char out[48];
    size_t k = dot ? (size_t)(dot - buf) : n - 1; /* up to the fraction or the 'Z' */
    memcpy(out, buf, k);
    size_t frac = dot ? n - 1 - k - 1 : 0;       /* digits written */
    out[k++] = '.';
    if (frac) memcpy(out + k, dot + 1, frac);
    for (size_t i = frac; i < 7; i++) out[k + i] = '0';
    k += 7;
    out[k++] = 'Z';
    return val_str(arena_strndup(c->tmp, out, k), k);
  }
  return val_tostring(c->tmp, v);
}

/* A dynamic number, bool or numeric string as a scalar, for numeric arguments. */
static kql_value undyn(fn_ctx *c, const kql_value *v) {
  if (v->isnull || v->type != KQL_T_DYNAMIC) return *v;
  return json_dyn_scalar(c->tmp, *v);
}

bool fn_long(fn_ctx *c, const kql_value *v, int64_t *out) {
  kql_value x = undyn(c, v);
  if (x.isnull) return false;
  switch (x.type) {
  case KQL_T_INT:
  case KQL_T_LONG: *out = x.u.i; return true;
  case KQL_T_REAL:
  case KQL_T_DECIMAL:
    if (!isfinite(x.u.r) || fabs(x.u.r) >= 9.2e18) return false;
    *out = (int64_t)x.u.r;
    return true;
  case KQL_T_BOOL: *out = x.u.b; return true;
  default: return false;
  }
}

bool fn_real(fn_ctx *c, const kql_value *v, double *out) {
  kql_value x = undyn(c, v);
  if (x.isnull) return false;
  switch (x.type) {
  case KQL_T_INT:
  case KQL_T_LONG: *out = (double)x.u.i; return true;
  case KQL_T_REAL:
  case KQL_T_DECIMAL: *out = x.u.r; return true;
  case KQL_T_BOOL: *out = x.u.b; return true;
  default: return false;
  }
}

bool fn_true(const kql_value *v) {
  if (v->isnull) return false;
  if (v->type == KQL_T_BOOL) return v->u.b;
  if (v->type == KQL_T_DYNAMIC) return v->u.s.n == 4 && memcmp(v->u.s.p, "true", 4) == 0;
  return false;
}

bool fn_is_nullish(const kql_value *v) {
  if (v->type == KQL_T_STRING) return v->u.s.n == 0;
  if (v->isnull) return true;
  if (v->type == KQL_T_DYNAMIC) return v->u.s.n == 4 && memcmp(v->u.s.p, "null", 4) == 0;
  return false;
}

size_t fn_utf8_next(const char *s, size_t n, size_t i) {
  if (i >= n) return n;
  i++;
  while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
  return i;
}

size_t fn_utf8_count(const char *s, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) k++;
  return k;
}

size_t fn_utf8_offset(const char *s, size_t n, size_t chars) {
  size_t i = 0;
  while (chars-- && i < n) i = fn_utf8_next(s, n, i);
  return i;
}

kql_value fn_dyn_strings(fn_ctx *c, const kql_value *items, size_t n) {
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "[", 1);
  for (size_t i = 0; i < n; i++) {
    if (i) json_buf_raw(&b, ",", 1);
    json_buf_str(&b, items[i].u.s.p, items[i].u.s.n);
  }
  json_buf_raw(&b, "]", 1);
  return json_buf_dynamic(&b);
}

bool fn_kind_is(fn_ctx *c, const kql_value *v, const char *word) {
  kql_value s = fn_text(c, *v);
  size_t n = strlen(word);
  if (s.u.s.n != n) return false;
  for (size_t i = 0; i < n; i++) {
    char a = s.u.s.p[i], b = word[i];
    if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}
