/*
** net.c: IPv4 and IPv6 address functions: parsing with IP-prefix notation ("10.0.0.0/8"),
** private-range and range tests, prefix-aware matching and comparison, formatting, and
** finding addresses in text (has_ipv4, has_ipv4_prefix).  Invalid addresses give null.
*/
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../json.h"
#include "impl.h"

/* ---- parsing ---- */

/* Parse dotted IPv4 'p' (exactly four decimal octets) into '*ip'. */
static bool ip4_addr(const char *p, size_t n, uint32_t *ip) {
  uint32_t v = 0;
  int parts = 0;
  size_t i = 0;
  while (parts < 4) {
    size_t s = i;
    unsigned oct = 0;
    while (i < n && isdigit((unsigned char)p[i]) && i - s < 3) oct = oct * 10 + (unsigned)(p[i++] - '0');
    if (i == s || oct > 255 || (i < n && isdigit((unsigned char)p[i]))) return false;
    v = v << 8 | oct;
    if (++parts < 4) {
      if (i >= n || p[i] != '.') return false;
      i++;
    }
  }
  if (i != n) return false;
  *ip = v;
  return true;
}

/* Split "address[/prefix]"; the prefix must be 0..'max'.  '*prefix' is 'max' when absent. */
static bool split_prefix(const char *p, size_t n, size_t *alen, int *prefix, int max) {
  while (n && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
  const char *slash = memchr(p, '/', n);
  *prefix = max;
  *alen = n;
  if (!slash) return true;
  *alen = (size_t)(slash - p);
  const char *q = slash + 1, *end = p + n;
  if (q == end || end - q > 3) return false;
  int v = 0;
  for (; q < end; q++) {
    if (!isdigit((unsigned char)*q)) return false;
    v = v * 10 + (*q - '0');
  }
  if (v > max) return false;
  *prefix = v;
  return true;
}

/* An IPv4 argument (a string with optional /prefix, or a long) as address and prefix. */
static bool ip4_arg(fn_ctx *c, const kql_value *v, uint32_t *ip, int *prefix) {
  if (v->isnull) return false;
  if (v->type == KQL_T_LONG || v->type == KQL_T_INT) {
    if (v->u.i < 0 || v->u.i > 0xFFFFFFFFLL) return false;
    *ip = (uint32_t)v->u.i;
    *prefix = 32;
    return true;
  }
  kql_value s = fn_text(c, *v);
  const char *p = s.u.s.p;
  size_t n = s.u.s.n, alen;
  while (n && (*p == ' ' || *p == '\t')) p++, n--;
  return split_prefix(p, n, &alen, prefix, 32) && ip4_addr(p, alen, ip);
}

static uint32_t mask4(int prefix) { return prefix <= 0 ? 0 : prefix >= 32 ? 0xFFFFFFFFu : ~(0xFFFFFFFFu >> prefix); }

/* An IPv6 or IPv4 argument as 16 bytes and a prefix (IPv4 becomes ::ffff:a.b.c.d, its prefix
** plus 96). */
static bool ip6_arg(fn_ctx *c, const kql_value *v, unsigned char ip[16], int *prefix) {
  uint32_t v4;
  int p4;
  if (ip4_arg(c, v, &v4, &p4)) {
    memset(ip, 0, 10);
    ip[10] = ip[11] = 0xFF;
    ip[12] = (unsigned char)(v4 >> 24), ip[13] = (unsigned char)(v4 >> 16);
    ip[14] = (unsigned char)(v4 >> 8), ip[15] = (unsigned char)v4;
    *prefix = p4 + 96;
    return true;
  }
  if (v->isnull) return false;
  kql_value s = fn_text(c, *v);
  size_t alen;
  /* "::a.b.c.d[/p]" is read as the IPv4 address a.b.c.d, as the reference's parse_ipv6_mask
  ** example shows ('::192.168.255.255/24' gives ...:ffff:c0a8:ff00) */
  if (s.u.s.n > 2 && s.u.s.p[0] == ':' && s.u.s.p[1] == ':' && memchr(s.u.s.p, '.', s.u.s.n)) {
    kql_value rest = val_str(s.u.s.p + 2, s.u.s.n - 2);
    if (ip4_arg(c, &rest, &v4, &p4)) {
      memset(ip, 0, 10);
      ip[10] = ip[11] = 0xFF;
      ip[12] = (unsigned char)(v4 >> 24), ip[13] = (unsigned char)(v4 >> 16);
      ip[14] = (unsigned char)(v4 >> 8), ip[15] = (unsigned char)v4;
      *prefix = p4 + 96;
      return true;
    }
  }
  if (!split_prefix(s.u.s.p, s.u.s.n, &alen, prefix, 128) || alen == 0 || alen > 63) return false;
  char buf[64];
  memcpy(buf, s.u.s.p, alen);
  buf[alen] = 0;
  return inet_pton(AF_INET6, buf, ip) == 1;
}

/* Compare the first 'bits' bits of two 16-byte addresses. */
static int cmp6(const unsigned char *x, const unsigned char *y, int bits) {
  for (int i = 0; i < 16; i++) {
    int take = bits >= 8 ? 8 : bits > 0 ? bits : 0;
    unsigned char m = (unsigned char)(take == 8 ? 0xFF : (0xFF << (8 - take)) & 0xFF);
    int a = x[i] & m, b = y[i] & m;
    if (a != b) return a < b ? -1 : 1;
    bits -= 8;
  }
  return 0;
}

/* ---- type rules ---- */

FN_TYPE_SIG(ty_ip1_bool, "s", KQL_T_BOOL, "expects an IP address string")
FN_TYPE_SIG(ty_ip2_bool, "ss", KQL_T_BOOL, "expects two strings")
FN_TYPE_SIG(ty_ip_match, "ssi", KQL_T_BOOL, "expects two IP address strings and an optional prefix length")
FN_TYPE_SIG(ty_ip_compare, "ssi", KQL_T_LONG, "expects two IP address strings and an optional prefix length")
FN_TYPE_SIG(ty_parse_ipv4, "s", KQL_T_LONG, "parse_ipv4() expects an IPv4 address string")
FN_TYPE_SIG(ty_parse_ipv4_mask, "si", KQL_T_LONG, "parse_ipv4_mask() expects an IPv4 address string and a prefix length")
FN_TYPE_SIG(ty_format_ipv4, "ai", KQL_T_STRING, "format_ipv4() expects an IPv4 address and an optional mask length")

/* ---- IPv4 ---- */

/* ipv4_is_private(ip): in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918). */
void f_ipv4_is_private(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  uint32_t ip;
  int p;
  if (!ip4_arg(c, &a[0], &ip, &p)) {
    *out = val_null(KQL_T_BOOL);
    return;
  }
  ip &= mask4(p);
  *out = val_bool((ip & 0xFF000000u) == 0x0A000000u || (ip & 0xFFF00000u) == 0xAC100000u ||
                  (ip & 0xFFFF0000u) == 0xC0A80000u);
}

/* ipv4_is_in_range(ip, range): 'ip' in the network 'range' (address/prefix). */
void f_ipv4_is_in_range(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  uint32_t ip, net;
  int p, q;
  if (!ip4_arg(c, &a[0], &ip, &p) || !ip4_arg(c, &a[1], &net, &q)) {
    *out = val_null(KQL_T_BOOL);
    return;
  }
  *out = val_bool((ip & mask4(q)) == (net & mask4(q)));
}

/* Compare two IPv4 arguments under the smallest of their prefixes and 'a[2]'. */
static bool cmp4(fn_ctx *c, const kql_value *a, int n, int *r) {
  uint32_t x, y;
  int p, q;
  int64_t k = 32;
  if (!ip4_arg(c, &a[0], &x, &p) || !ip4_arg(c, &a[1], &y, &q)) return false;
  if (n > 2 && (!fn_long(c, &a[2], &k) || k < 0 || k > 32)) return false;
  int m = p < q ? p : q;
  if (k < m) m = (int)k;
  x &= mask4(m), y &= mask4(m);
  *r = (x > y) - (x < y);
  return true;
}

void f_ipv4_is_match(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  int r;
  *out = cmp4(c, a, n, &r) ? val_bool(r == 0) : val_null(KQL_T_BOOL);
}

void f_ipv4_compare(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  int r;
  *out = cmp4(c, a, n, &r) ? val_long(r) : val_null(KQL_T_LONG);
}

/* parse_ipv4(ip): the address as a long, masked by its prefix. */
void f_parse_ipv4(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  uint32_t ip;
  int p;
  if (a[0].type == KQL_T_LONG || a[0].type == KQL_T_INT || !ip4_arg(c, &a[0], &ip, &p)) {
    *out = val_null(KQL_T_LONG);
    return;
  }
  *out = val_long(ip & mask4(p));
}

/* parse_ipv4_mask(ip, prefix): the address masked by 'prefix' (0..32) and its own prefix. */
void f_parse_ipv4_mask(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  uint32_t ip;
  int p;
  int64_t k;
  if (!ip4_arg(c, &a[0], &ip, &p) || !fn_long(c, &a[1], &k) || k < 0 || k > 32) {
    *out = val_null(KQL_T_LONG);
    return;
  }
  *out = val_long(ip & mask4(p < k ? p : (int)k));
}

/* format_ipv4(ip [, mask]): dotted text of the address masked by 'mask' (default 32) and
** its own prefix; "" when invalid. */
void f_format_ipv4(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  uint32_t ip;
  int p;
  int64_t k = 32;
  *out = val_str("", 0);
  if (!ip4_arg(c, &a[0], &ip, &p) || (n > 1 && (!fn_long(c, &a[1], &k) || k < 0 || k > 32))) return;
  ip &= mask4(p < k ? p : (int)k);
  char buf[16];
  int len = snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
  *out = val_str(arena_strndup(c->tmp, buf, (size_t)len), (size_t)len);
}

/* ---- IPv6 ---- */

static bool cmp_v6(fn_ctx *c, const kql_value *a, int n, int *r) {
  unsigned char x[16], y[16];
  int p, q;
  int64_t k = 128;
  if (!ip6_arg(c, &a[0], x, &p) || !ip6_arg(c, &a[1], y, &q)) return false;
  if (n > 2 && (!fn_long(c, &a[2], &k) || k < 0 || k > 128)) return false;
  int m = p < q ? p : q;
  if (k < m) m = (int)k;
  *r = cmp6(x, y, m);
  return true;
}

void f_ipv6_compare(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  int r;
  *out = cmp_v6(c, a, n, &r) ? val_long(r) : val_null(KQL_T_LONG);
}

void f_ipv6_is_match(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  int r;
  *out = cmp_v6(c, a, n, &r) ? val_bool(r == 0) : val_null(KQL_T_BOOL);
}

/* ---- addresses in text ---- */

/* True when an address starting at 's'[i] is properly delimited on the left. */
static bool left_ok(const char *s, size_t i) {
  return i == 0 || (!isalnum((unsigned char)s[i - 1]) && s[i - 1] != '.');
}

/* The address-like token (digits and dots) at 's'[i], without a final '.'; false when it is
** followed by a letter or digit-glued text. */
static bool token_at(const char *s, size_t n, size_t i, size_t *len) {
  size_t j = i;
  while (j < n && (isdigit((unsigned char)s[j]) || s[j] == '.')) j++;
  if (j < n && isalnum((unsigned char)s[j])) return false;
  if (j > i && s[j - 1] == '.') j--;
  *len = j - i;
  return true;
}

/* has_ipv4(source, ip): 'ip' (a valid IPv4 address) appears in 'source' delimited by
** characters that are not letters, digits or dots. */
void f_has_ipv4(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value s = fn_text(c, a[0]), ip = fn_text(c, a[1]);
  uint32_t v;
  *out = val_bool(false);
  if (!ip4_addr(ip.u.s.p, ip.u.s.n, &v)) return;
  for (size_t i = 0; i + ip.u.s.n <= s.u.s.n; i++) {
    size_t len;
    if (memcmp(s.u.s.p + i, ip.u.s.p, ip.u.s.n) != 0 || !left_ok(s.u.s.p, i)) continue;
    if (token_at(s.u.s.p, s.u.s.n, i, &len) && len == ip.u.s.n) {
      *out = val_bool(true);
      return;
    }
  }
}

/* has_ipv4_prefix(source, prefix): a valid IPv4 address starting with 'prefix' (a whole
** address, or one to three octets each followed by '.') appears delimited in 'source'. */
void f_has_ipv4_prefix(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value s = fn_text(c, a[0]), pre = fn_text(c, a[1]);
  uint32_t v;
  *out = val_bool(false);
  const char *p = pre.u.s.p;
  size_t pn = pre.u.s.n;
  if (pn == 0) return;
  if (p[pn - 1] == '.') {
    int octs = 0;
    for (size_t i = 0; i < pn;) {
      size_t st = i;
      unsigned o = 0;
      while (i < pn && isdigit((unsigned char)p[i]) && i - st < 3) o = o * 10 + (unsigned)(p[i++] - '0');
      if (i == st || o > 255 || i >= pn || p[i] != '.') return;
      i++;
      octs++;
    }
    if (octs > 3) return;
  } else if (!ip4_addr(p, pn, &v)) {
    return;
  }
  for (size_t i = 0; i + pn <= s.u.s.n; i++) {
    size_t len;
    if (memcmp(s.u.s.p + i, p, pn) != 0 || !left_ok(s.u.s.p, i)) continue;
    if (token_at(s.u.s.p, s.u.s.n, i, &len) && len >= pn && ip4_addr(s.u.s.p + i, len, &v)) {
      *out = val_bool(true);
      return;
    }
  }
}

/* ---- the "any" forms and format_ipv4_mask ---- */

FN_TYPE_SIG(ty_ip_any, "sa", KQL_T_BOOL, "expects a string and addresses (or a dynamic array of them)")

/* format_ipv4_mask(ip [, mask]): "a.b.c.d/p" with the masked address and the effective
** prefix; "" when invalid. */
void f_format_ipv4_mask(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  uint32_t ip;
  int p;
  int64_t k = 32;
  *out = val_str("", 0);
  if (!ip4_arg(c, &a[0], &ip, &p) || (n > 1 && (!fn_long(c, &a[1], &k) || k < 0 || k > 32))) return;
  int m = p < k ? p : (int)k;
  ip &= mask4(m);
  char buf[24];
  int len = snprintf(buf, sizeof buf, "%u.%u.%u.%u/%d", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255, m);
  *out = val_str(arena_strndup(c->tmp, buf, (size_t)len), (size_t)len);
}

/* Call 'one' with a[0] and each of the values a[1..n-1], a dynamic array standing for its
** elements; true as soon as one call is true. */
static bool any_of(fn_ctx *c, const kql_value *a, int n, void (*one)(fn_ctx *, const kql_value *, int, kql_value *)) {
  for (int i = 1; i < n; i++) {
    kql_value args[2] = {a[0], a[i]}, r, e;
    json_iter it;
    if (a[i].type == KQL_T_DYNAMIC && json_iter_begin(&it, a[i])) {
      while (json_iter_next(&it, c->tmp, NULL, &e)) {
        args[1] = json_dyn_scalar(c->tmp, e);
        one(c, args, 2, &r);
        if (fn_true(&r)) return true;
      }
      continue;
    }
    one(c, args, 2, &r);
    if (fn_true(&r)) return true;
  }
  return false;
}

void f_has_any_ipv4(fn_ctx *c, const kql_value *a, int n, kql_value *out) { *out = val_bool(any_of(c, a, n, f_has_ipv4)); }
void f_has_any_ipv4_prefix(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  *out = val_bool(any_of(c, a, n, f_has_ipv4_prefix));
}

/* ipv4_is_in_any_range(ip, range, ...): null when 'ip' is not an IPv4 address. */
void f_ipv4_is_in_any_range(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  uint32_t ip;
  int p;
  if (!ip4_arg(c, &a[0], &ip, &p)) {
    *out = val_null(KQL_T_BOOL);
    return;
  }
  *out = val_bool(any_of(c, a, n, f_ipv4_is_in_range));
}

/* ---- IPv6 text, ranges and CIDR lists ---- */

FN_TYPE_SIG(ty_parse_ipv6, "S", KQL_T_STRING, "parse_ipv6() expects an IPv6 or IPv4 address string")
FN_TYPE_SIG(ty_parse_ipv6_mask, "Si", KQL_T_STRING,
            "parse_ipv6_mask() expects an IPv6 or IPv4 address string and a prefix length")
FN_TYPE_SIG(ty_ipv6_is_in_range, "SS", KQL_T_BOOL, "ipv6_is_in_range() expects two IP address strings")
FN_TYPE_SIG(ty_ipv6_any, "Sa", KQL_T_BOOL,
            "ipv6_is_in_any_range() expects an IP address string and ranges (or a dynamic array of them)")
FN_TYPE_SIG(ty_ipv4_netmask_suffix, "S", KQL_T_LONG, "ipv4_netmask_suffix() expects an IPv4 address string")
FN_TYPE_SIG(ty_ipv4_range_to_cidr, "SS", KQL_T_DYNAMIC,
            "ipv4_range_to_cidr_list() expects two IPv4 address strings")

/* Clear the bits of 'ip' after the first 'bits'. */
static void mask6(unsigned char ip[16], int bits) {
  for (int i = 0; i < 16; i++, bits -= 8) {
    if (bits >= 8) continue;
    ip[i] = bits <= 0 ? 0 : (unsigned char)(ip[i] & (0xFF << (8 - bits)));
  }
}

/* 'ip' as eight groups of four lower-case hex digits, in 'c->tmp'. */
static kql_value text6(fn_ctx *c, const unsigned char ip[16]) {
  char buf[40];
  int k = 0;
  for (int i = 0; i < 16; i += 2) k += snprintf(buf + k, sizeof buf - (size_t)k, "%s%02x%02x", i ? ":" : "", ip[i], ip[i + 1]);
  return val_str(arena_strndup(c->tmp, buf, (size_t)k), (size_t)k);
}

/* parse_ipv6(ip): the address (IPv4 as ::ffff:a.b.c.d) masked by its prefix, written out in
** full; "" when it is not an address. */
void f_parse_ipv6(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  unsigned char ip[16];
  int p;
  (void)n;
  if (!ip6_arg(c, &a[0], ip, &p)) {
    *out = val_str("", 0);
    return;
  }
  mask6(ip, p);
  *out = text6(c, ip);
}

/* parse_ipv6_mask(ip, prefix): as parse_ipv6(), masked by the smaller of 'prefix' (0..128)
** and the address's own prefix. */
void f_parse_ipv6_mask(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  unsigned char ip[16];
  int p;
  int64_t k;
  (void)n;
  if (!ip6_arg(c, &a[0], ip, &p) || !fn_long(c, &a[1], &k) || k < 0 || k > 128) {
    *out = val_str("", 0);
    return;
  }
  mask6(ip, p < k ? p : (int)k);
  *out = text6(c, ip);
}

/* ipv6_is_in_range(ip, range): 'ip' in the network 'range' (address/prefix, IPv6 or IPv4);
** null when either is not an address. */
void f_ipv6_is_in_range(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  unsigned char ip[16], net[16];
  int p, q;
  (void)n;
  if (!ip6_arg(c, &a[0], ip, &p) || !ip6_arg(c, &a[1], net, &q)) {
    *out = val_null(KQL_T_BOOL);
    return;
  }
  *out = val_bool(cmp6(ip, net, q) == 0);
}

/* ipv6_is_in_any_range(ip, range, ...): null when 'ip' is not an address. */
void f_ipv6_is_in_any_range(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  unsigned char ip[16];
  int p;
  if (!ip6_arg(c, &a[0], ip, &p)) {
    *out = val_null(KQL_T_BOOL);
    return;
  }
  *out = val_bool(any_of(c, a, n, f_ipv6_is_in_range));
}

/* ipv4_netmask_suffix(ip): the prefix length of "a.b.c.d/p" (32 without one); null when not
** an IPv4 address. */
void f_ipv4_netmask_suffix(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  uint32_t ip;
  int p;
  (void)n;
  if (a[0].type == KQL_T_LONG || a[0].type == KQL_T_INT || !ip4_arg(c, &a[0], &ip, &p)) {
    *out = val_null(KQL_T_LONG);
    return;
  }
  *out = val_long(p);
}

/* ipv4_range_to_cidr_list(start, end): the fewest CIDR blocks that cover start..end exactly,
** in address order (each the largest block aligned at the next address that does not pass
** 'end').  Prefixes written on the arguments are ignored.  Null when either is not an IPv4
** address; [] when start > end. */
void f_ipv4_range_to_cidr_list(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  uint32_t s32, e32;
  int p;
  (void)n;
  if (a[0].type == KQL_T_LONG || a[0].type == KQL_T_INT || a[1].type == KQL_T_LONG || a[1].type == KQL_T_INT ||
      !ip4_arg(c, &a[0], &s32, &p) || !ip4_arg(c, &a[1], &e32, &p)) {
    *out = val_null(KQL_T_DYNAMIC);
    return;
  }
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "[", 1);
  uint64_t s = s32, e = e32;
  while (s <= e) {
    int bits = 32; /* host bits of the block: shrink until aligned and inside the range */
    while (bits > 0 && ((s & ((UINT64_C(1) << bits) - 1)) != 0 || s + (UINT64_C(1) << bits) - 1 > e)) bits--;
    char buf[24];
    uint32_t v = (uint32_t)s;
    int len = snprintf(buf, sizeof buf, "%u.%u.%u.%u/%d", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255, 32 - bits);
    if (b.n > 1) json_buf_raw(&b, ",", 1);
    json_buf_str(&b, buf, (size_t)len);
    s += UINT64_C(1) << bits;
  }
  json_buf_raw(&b, "]", 1);
  *out = json_buf_dynamic(&b);
}
