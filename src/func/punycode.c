/*
** punycode.c: punycode_from_string(), punycode_to_string() (RFC 3492's Bootstring with
** Punycode's parameters, case kept as written, no nameprep) and their domain forms,
** punycode_domain_from_string() and punycode_domain_to_string(), which work label by label
** with the "xn--" prefix.  Text that cannot be converted, or longer than PUNY_MAX, gives "".
*/
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../json.h"
#include "impl.h"

FN_TYPE_SIG(ty_punycode_from, "S", KQL_T_STRING, "punycode_from_string() expects a string")
FN_TYPE_SIG(ty_punycode_to, "S", KQL_T_STRING, "punycode_to_string() expects a string")
FN_TYPE_SIG(ty_punycode_domain_from, "S", KQL_T_STRING, "punycode_domain_from_string() expects a string")
FN_TYPE_SIG(ty_punycode_domain_to, "S", KQL_T_STRING, "punycode_domain_to_string() expects a string")

/* The longest text converted, in code points or bytes: both directions take time quadratic
** in the length (DNS labels have at most 63 bytes). */
#define PUNY_MAX 16384

/* RFC 3492 section 5: Punycode's parameter values. */
enum { BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700, INITIAL_BIAS = 72, INITIAL_N = 128 };

/* Section 6.1: the bias after a delta. */
static uint32_t adapt(uint32_t delta, uint32_t numpoints, bool first) {
  delta = first ? delta / DAMP : delta / 2;
  delta += delta / numpoints;
  uint32_t k = 0;
  for (; delta > ((BASE - TMIN) * TMAX) / 2; k += BASE) delta /= BASE - TMIN;
  return k + (BASE - TMIN + 1) * delta / (delta + SKEW);
}

static char digit_char(uint32_t d) { return (char)(d < 26 ? 'a' + d : '0' + d - 26); }

static int digit_value(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0' + 26;
  if (ch >= 'a' && ch <= 'z') return ch - 'a';
  if (ch >= 'A' && ch <= 'Z') return ch - 'A';
  return -1;
}

/* The code points of UTF-8 text 's' into 'cp' (room for 'n'); -1 when it is not UTF-8. */
static long utf8_points(const char *s, size_t n, uint32_t *cp) {
  const unsigned char *p = (const unsigned char *)s;
  long k = 0;
  for (size_t i = 0; i < n;) {
    size_t len = p[i] < 0x80 ? 1 : json_utf8_char(p + i, n - i);
    if (!len) return -1;
    uint32_t v = len == 1 ? p[i] : p[i] & (0x7Fu >> len);
    for (size_t j = 1; j < len; j++) v = v << 6 | (p[i + j] & 0x3F);
    cp[k++] = v;
    i += len;
  }
  return k;
}

/* Append code point 'v' as UTF-8 to 'b'. */
static void put_utf8(json_buf *b, uint32_t v) {
  char u[4];
  size_t k;
  if (v < 0x80) u[0] = (char)v, k = 1;
  else if (v < 0x800) u[0] = (char)(0xC0 | v >> 6), u[1] = (char)(0x80 | (v & 63)), k = 2;
  else if (v < 0x10000) u[0] = (char)(0xE0 | v >> 12), u[1] = (char)(0x80 | ((v >> 6) & 63)), u[2] = (char)(0x80 | (v & 63)), k = 3;
  else u[0] = (char)(0xF0 | v >> 18), u[1] = (char)(0x80 | ((v >> 12) & 63)), u[2] = (char)(0x80 | ((v >> 6) & 63)), u[3] = (char)(0x80 | (v & 63)), k = 4;
  json_buf_raw(b, u, k);
}

/* Section 6.3: append the Punycode of the 'n' code points 'in' to 'b'; false on overflow. */
static bool encode(const uint32_t *in, size_t n, json_buf *b) {
  size_t basic = 0;
  if (n > PUNY_MAX) return false;
  for (size_t j = 0; j < n; j++)
    if (in[j] < 0x80) {
      char ch = (char)in[j];
      json_buf_raw(b, &ch, 1);
      basic++;
    }
  if (basic) json_buf_raw(b, "-", 1);
  uint32_t cur = INITIAL_N, delta = 0, bias = INITIAL_BIAS;
  for (size_t h = basic; h < n;) {
    uint32_t m = UINT32_MAX;
    for (size_t j = 0; j < n; j++)
      if (in[j] >= cur && in[j] < m) m = in[j];
    if ((uint64_t)(m - cur) * (h + 1) > UINT32_MAX - delta) return false;
    delta += (m - cur) * (uint32_t)(h + 1);
    cur = m;
    for (size_t j = 0; j < n; j++) {
      if (in[j] < cur && ++delta == 0) return false;
      if (in[j] != cur) continue;
      uint32_t q = delta;
      for (uint32_t k = BASE;; k += BASE) {
        uint32_t t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
        if (q < t) break;
        char ch = digit_char(t + (q - t) % (BASE - t));
        json_buf_raw(b, &ch, 1);
        q = (q - t) / (BASE - t);
      }
      char ch = digit_char(q);
      json_buf_raw(b, &ch, 1);
      bias = adapt(delta, (uint32_t)h + 1, h == basic);
      delta = 0;
      h++;
    }
    delta++, cur++;
  }
  return true;
}

/* Section 6.2: append the text Punycode 's' stands for, as UTF-8, to 'b'; false when it is
** not Punycode (a non-ASCII or non-digit byte, overflow, a surrogate or a code point past
** U+10FFFF). */
static bool decode(fn_ctx *c, const char *s, size_t n, json_buf *b) {
  size_t basic = 0;
  if (n > PUNY_MAX) return false;
  for (size_t j = 0; j < n; j++)
    if (s[j] == '-') basic = j;
  uint32_t *out = arena_alloc(c->tmp, (n + 1) * sizeof *out);
  size_t len = 0;
  for (size_t j = 0; j < basic; j++) {
    if ((unsigned char)s[j] >= 0x80) return false;
    out[len++] = (unsigned char)s[j];
  }
  uint32_t cur = INITIAL_N, i = 0, bias = INITIAL_BIAS;
  for (size_t in = basic ? basic + 1 : 0; in < n;) {
    uint32_t oldi = i, w = 1;
    for (uint32_t k = BASE;; k += BASE) {
      if (in >= n) return false;
      int d = digit_value(s[in++]);
      if (d < 0 || (uint32_t)d > (UINT32_MAX - i) / w) return false;
      i += (uint32_t)d * w;
      uint32_t t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
      if ((uint32_t)d < t) break;
      if (w > UINT32_MAX / (BASE - t)) return false;
      w *= BASE - t;
    }
    bias = adapt(i - oldi, (uint32_t)len + 1, oldi == 0);
    if (i / (len + 1) > UINT32_MAX - cur) return false;
    cur += i / (uint32_t)(len + 1);
    i %= (uint32_t)(len + 1);
    if (cur > 0x10FFFF || (cur >= 0xD800 && cur < 0xE000) || len >= n) return false;
    memmove(out + i + 1, out + i, (len - i) * sizeof *out);
    out[i++] = cur;
    len++;
  }
  for (size_t j = 0; j < len; j++) put_utf8(b, out[j]);
  return true;
}

/* punycode_from_string(s): the Punycode of 's' (without "xn--"); "" when 's' is not UTF-8. */
void f_punycode_from_string(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value s = fn_text(c, a[0]);
  uint32_t *cp = arena_alloc(c->tmp, (s.u.s.n + 1) * sizeof *cp);
  long k = utf8_points(s.u.s.p, s.u.s.n, cp);
  json_buf b = {c->tmp, NULL, 0, 0};
  *out = val_str("", 0);
  if (k < 0 || !encode(cp, (size_t)k, &b)) return;
  *out = val_str(b.p ? b.p : "", b.n);
}

/* punycode_to_string(s): the text Punycode 's' encodes; "" when it is not Punycode. */
void f_punycode_to_string(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value s = fn_text(c, a[0]);
  json_buf b = {c->tmp, NULL, 0, 0};
  *out = val_str("", 0);
  if (!decode(c, s.u.s.p, s.u.s.n, &b)) return;
  *out = val_str(b.p ? b.p : "", b.n);
}

/* Length of the label separator at 'p' (IDNA's '.', U+3002, U+FF0E, U+FF61), or 0. */
static size_t dot_at(const char *p, size_t n) {
  const unsigned char *u = (const unsigned char *)p;
  if (n >= 1 && u[0] == '.') return 1;
  if (n >= 3 && u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x82) return 3;
  if (n >= 3 && u[0] == 0xEF && u[1] == 0xBC && u[2] == 0x8E) return 3;
  if (n >= 3 && u[0] == 0xEF && u[1] == 0xBD && u[2] == 0xA1) return 3;
  return 0;
}

/* punycode_domain_to_string(d): each label of 'd' with a character outside ASCII as "xn--"
** and its Punycode, the others as they are, joined with '.'; "" when 'd' is not UTF-8. */
void f_punycode_domain_to_string(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value s = fn_text(c, a[0]);
  uint32_t *cp = arena_alloc(c->tmp, (s.u.s.n + 1) * sizeof *cp);
  json_buf b = {c->tmp, NULL, 0, 0};
  *out = val_str("", 0);
  for (size_t i = 0, start = 0; i <= s.u.s.n;) {
    size_t dot = i < s.u.s.n ? dot_at(s.u.s.p + i, s.u.s.n - i) : 0;
    if (i < s.u.s.n && !dot) {
      i++;
      continue;
    }
    const char *label = s.u.s.p + start;
    size_t len = i - start;
    long k = utf8_points(label, len, cp);
    if (k < 0) return;
    bool ascii = true;
    for (long j = 0; j < k; j++) ascii = ascii && cp[j] < 0x80;
    if (ascii) json_buf_raw(&b, label, len);
    else {
      json_buf_raw(&b, "xn--", 4);
      if (!encode(cp, (size_t)k, &b)) return;
    }
    if (i == s.u.s.n) break;
    json_buf_raw(&b, ".", 1);
    i += dot, start = i;
  }
  *out = val_str(b.p ? b.p : "", b.n);
}

/* punycode_domain_from_string(d): each '.'-separated label of 'd' that starts with "xn--"
** (any case) decoded, the others as they are; "" when such a label is not Punycode. */
void f_punycode_domain_from_string(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value s = fn_text(c, a[0]);
  json_buf b = {c->tmp, NULL, 0, 0};
  *out = val_str("", 0);
  for (size_t i = 0, start = 0; i <= s.u.s.n; i++) {
    if (i < s.u.s.n && s.u.s.p[i] != '.') continue;
    const char *label = s.u.s.p + start;
    size_t len = i - start;
    if (len >= 4 && strncasecmp(label, "xn--", 4) == 0) {
      if (!decode(c, label + 4, len - 4, &b)) return;
    } else {
      json_buf_raw(&b, label, len);
    }
    if (i < s.u.s.n) json_buf_raw(&b, ".", 1);
    start = i + 1;
  }
  *out = val_str(b.p ? b.p : "", b.n);
}
