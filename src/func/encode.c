/*
** encode.c: text and encoding scalars: isascii(), isutf8(), unicode_codepoints_from_string(),
** dynamic_to_json() (Kusto's canonical JSON: bag keys sorted) and format_bytes().  Pure
** functions of their arguments; results live in 'c->tmp'.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../json.h"
#include "impl.h"

FN_TYPE_SIG(ty_isascii, "s", KQL_T_BOOL, "isascii() expects a string")
FN_TYPE_SIG(ty_isutf8, "s", KQL_T_BOOL, "isutf8() expects a string")
FN_TYPE_SIG(ty_codepoints_from, "s", KQL_T_DYNAMIC, "unicode_codepoints_from_string() expects a string")
FN_TYPE_SIG(ty_dynamic_to_json, "a", KQL_T_STRING, "dynamic_to_json() expects a value")
FN_TYPE_SIG(ty_format_bytes, "niS", KQL_T_STRING,
            "format_bytes() expects a number, an optional precision and optional units ('KB', 'MB', ...)")

/* isascii(s): every byte of the text below 0x80 (true for ""). */
void f_isascii(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value s = fn_text(c, a[0]);
  for (size_t i = 0; i < s.u.s.n; i++)
    if ((unsigned char)s.u.s.p[i] >= 0x80) {
      *out = val_bool(false);
      return;
    }
  *out = val_bool(true);
}

/* isutf8(s): the text is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates). */
void f_isutf8(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value s = fn_text(c, a[0]);
  const unsigned char *p = (const unsigned char *)s.u.s.p;
  for (size_t i = 0; i < s.u.s.n;) {
    if (p[i] < 0x80) {
      i++;
      continue;
    }
    size_t k = json_utf8_char(p + i, s.u.s.n - i);
    if (k == 0) {
      *out = val_bool(false);
      return;
    }
    i += k;
  }
  *out = val_bool(true);
}

/* The code point of the well-formed UTF-8 character of 'k' bytes at 'p'. */
static uint32_t decode_utf8(const unsigned char *p, size_t k) {
  if (k == 1) return p[0];
  uint32_t cp = p[0] & (0x7F >> k);
  for (size_t j = 1; j < k; j++) cp = cp << 6 | (p[j] & 0x3F);
  return cp;
}

/* unicode_codepoints_from_string(s): the code points of the text, as a dynamic array ([]
** for ""); a byte that does not start a well-formed character counts as U+FFFD. */
void f_unicode_codepoints_from_string(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value s = fn_text(c, a[0]);
  const unsigned char *p = (const unsigned char *)s.u.s.p;
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "[", 1);
  for (size_t i = 0; i < s.u.s.n;) {
    size_t k = p[i] < 0x80 ? 1 : json_utf8_char(p + i, s.u.s.n - i);
    uint32_t cp = k ? decode_utf8(p + i, k) : 0xFFFD;
    char num[16];
    int len = snprintf(num, sizeof num, "%s%u", i ? "," : "", (unsigned)cp);
    json_buf_raw(&b, num, (size_t)len);
    i += k ? k : 1;
  }
  json_buf_raw(&b, "]", 1);
  *out = json_buf_dynamic(&b);
}

/* ---- dynamic_to_json ---- */

/* A bag member: its decoded name and its value's JSON text. */
typedef struct member {
  kql_value key; /* the name, decoded */
  kql_value val; /* the value, a dynamic view */
} member;

/* Ordinal order of member names (byte order of UTF-8 is code point order). */
static int cmp_member(const void *x, const void *y) {
  const member *a = x, *b = y;
  size_t n = a->key.u.s.n < b->key.u.s.n ? a->key.u.s.n : b->key.u.s.n;
  int r = memcmp(a->key.u.s.p, b->key.u.s.p, n);
  if (r) return r;
  return (a->key.u.s.n > b->key.u.s.n) - (a->key.u.s.n < b->key.u.s.n);
}

/* Append the canonical form of JSON text 'v' to 'b': bags with their members sorted by name,
** at every depth; arrays in order; scalars as they are. */
static void canonical(fn_ctx *c, json_buf *b, kql_value v) {
  json_kind k = json_kind_of(v.u.s.p, v.u.s.n);
  json_iter it;
  if ((k != JSON_K_ARRAY && k != JSON_K_OBJECT) || !json_iter_begin(&it, v)) {
    /* a scalar: its text without surrounding blanks */
    const char *p = v.u.s.p, *e = p + v.u.s.n;
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r')) e--;
    json_buf_raw(b, p, (size_t)(e - p));
    return;
  }
  kql_value key, val;
  if (k == JSON_K_ARRAY) {
    json_buf_raw(b, "[", 1);
    for (bool first = true; json_iter_next(&it, c->tmp, NULL, &val); first = false) {
      if (!first) json_buf_raw(b, ",", 1);
      canonical(c, b, val);
    }
    json_buf_raw(b, "]", 1);
    return;
  }
  size_t n = 0, cap = 8;
  member *m = arena_alloc(c->tmp, cap * sizeof *m);
  while (json_iter_next(&it, c->tmp, &key, &val)) {
    if (n == cap) {
      member *bigger = arena_alloc(c->tmp, 2 * cap * sizeof *m);
      memcpy(bigger, m, n * sizeof *m);
      m = bigger, cap *= 2;
    }
    m[n].key = key, m[n].val = val, n++;
  }
  qsort(m, n, sizeof *m, cmp_member);
  json_buf_raw(b, "{", 1);
  for (size_t i = 0; i < n; i++) {
    if (i) json_buf_raw(b, ",", 1);
    json_buf_str(b, m[i].key.u.s.p, m[i].key.u.s.n);
    json_buf_raw(b, ":", 1);
    canonical(c, b, m[i].val);
  }
  json_buf_raw(b, "}", 1);
}

/* dynamic_to_json(v): a dynamic value as canonical JSON text (bag members sorted by name);
** any other value as tostring() writes it; a null as "". */
void f_dynamic_to_json(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  if (a[0].isnull || a[0].type != KQL_T_DYNAMIC) {
    *out = fn_text(c, a[0]);
    return;
  }
  json_buf b = {c->tmp, NULL, 0, 0};
  canonical(c, &b, a[0]);
  *out = val_str(b.p ? b.p : "", b.n);
}

/* ---- format_bytes ---- */

static const char *const units[] = {"Bytes", "KB", "MB", "GB", "TB", "PB", "EB"};

/* Round half to even at 'digits' decimals, as .NET's Math.Round(double, int) does. */
static double round_even(double x, int digits) {
  double scale = pow(10.0, digits), y = x * scale;
  double r = nearbyint(y); /* the default rounding mode is to nearest, ties to even */
  if (!isfinite(r)) return x;
  return r / scale;
}

/* format_bytes(size [, precision [, units]]): 'size' in 1024-based units, rounded to
** 'precision' decimals (default 0; 0..15), with trailing zeros dropped ("1 KB", "19.08 MB").
** Without units (or with ""), the largest unit the size reaches.  A null size, an unknown
** unit or a precision outside 0..15 give "". */
void f_format_bytes(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  double size;
  int64_t prec = 0;
  *out = val_str("", 0);
  if (!fn_real(c, &a[0], &size) || !isfinite(size)) return;
  if (n > 1 && !a[1].isnull && (!fn_long(c, &a[1], &prec) || prec < 0 || prec > 15)) return;
  int u = -1;
  if (n > 2) {
    kql_value s = fn_text(c, a[2]);
    if (s.u.s.n) {
      for (int i = 0; i < 7 && u < 0; i++)
        if (strlen(units[i]) == s.u.s.n && strncasecmp(units[i], s.u.s.p, s.u.s.n) == 0) u = i;
      if (u < 0) return;
    }
  }
  if (u < 0)
    for (u = 0; u < 6 && fabs(size) >= ldexp(1.0, 10 * (u + 1));) u++;
  double v = round_even(size / ldexp(1.0, 10 * u), (int)prec);
  if (v == 0) v = 0; /* no "-0" */
  char num[400], buf[420]; /* a real up to 1.8e308 with 15 decimals */
  snprintf(num, sizeof num, "%.*f", (int)prec, v);
  if (prec > 0) { /* drop trailing zeros, and the point when nothing is left after it */
    size_t len = strlen(num);
    while (len && num[len - 1] == '0') num[--len] = 0;
    if (len && num[len - 1] == '.') num[--len] = 0;
  }
  int len = snprintf(buf, sizeof buf, "%s %s", num, units[u]);
  *out = val_str(arena_strndup(c->tmp, buf, (size_t)len), (size_t)len);
}

/* ---- guids as base64 ---- */

/* base64_encode_fromguid(): a guid or null (a dynamic is read at run time); Kusto refuses a
** string ("A value of type guid expected"). */
kql_type ty_b64_fromguid(ast **a, int n, const char **err) {
  (void)n;
  kql_type t = a[0]->type;
  if (t != KQL_T_GUID && t != KQL_T_NULL && t != KQL_T_DYNAMIC) {
    *err = "base64_encode_fromguid() expects a guid";
    return KQL_T_COUNT_;
  }
  return KQL_T_STRING;
}
FN_TYPE_SIG(ty_b64_toguid, "S", KQL_T_GUID, "base64_decode_toguid() expects a base64 string")

static int hexdigit(char ch) {
  return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* .NET's Guid.ToByteArray() order: the first three groups little-endian, the rest as written.
** 'order[i]' is the byte of the text (in writing order) that goes to position i. */
static const int guid_order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};

/* base64_encode_fromguid(g): base64 of the guid's 16 bytes in .NET's order; "" for null. */
void f_base64_encode_fromguid(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  *out = val_str("", 0);
  if (a[0].isnull) return;
  kql_value s = a[0].type == KQL_T_DYNAMIC ? json_dyn_scalar(c->tmp, a[0]) : a[0];
  if (s.isnull || (s.type != KQL_T_GUID && s.type != KQL_T_STRING)) return;
  unsigned char text[16], *bytes = arena_alloc(c->tmp, 16);
  size_t k = 0;
  for (size_t i = 0; i < s.u.s.n; i++) {
    if (s.u.s.p[i] == '-') continue;
    int h = hexdigit(s.u.s.p[i]), l = i + 1 < s.u.s.n ? hexdigit(s.u.s.p[i + 1]) : -1;
    if (h < 0 || l < 0 || k == 16) return;
    text[k++] = (unsigned char)(h << 4 | l);
    i++;
  }
  if (k != 16) return;
  for (int i = 0; i < 16; i++) bytes[i] = text[guid_order[i]];
  kql_value raw = val_str((const char *)bytes, 16);
  f_base64_encode_tostring(c, &raw, 1, out);
}

/* base64_decode_toguid(s): the guid whose 16 bytes (in .NET's order) 's' encodes; null when
** 's' is not base64 or not of 16 bytes. */
void f_base64_decode_toguid(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  kql_value arr;
  json_iter it;
  kql_value e;
  unsigned char bytes[16];
  size_t k = 0;
  *out = val_null(KQL_T_GUID);
  f_base64_decode_toarray(c, a, n, &arr);
  if (arr.isnull || !json_iter_begin(&it, arr)) return;
  while (json_iter_next(&it, c->tmp, NULL, &e)) {
    int64_t b;
    if (k == 16 || !fn_long(c, &e, &b)) return;
    bytes[k++] = (unsigned char)b;
  }
  if (k != 16) return;
  unsigned char text[16];
  for (int i = 0; i < 16; i++) text[guid_order[i]] = bytes[i];
  char *g = arena_alloc(c->tmp, 37);
  int len = 0;
  for (int i = 0; i < 16; i++) len += snprintf(g + len, (size_t)(37 - len), "%s%02x", i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", text[i]);
  *out = val_strtype(KQL_T_GUID, g, 36);
}
