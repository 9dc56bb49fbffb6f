/*
** strops.c: Kusto's string operators over byte strings (see strops.h).  'has' looks for
** the needle where it starts and ends on term boundaries; a term is a maximal run of
** ASCII letters and digits, so "TightVNC Viewer" has "TightVNC" but "TightVNCServer"
** does not.  Matching is ASCII case-insensitive unless the operator ends in _cs.
*/
#include <string.h>

#include "ast.h"
#include "strops.h"

/* A term character: an ASCII letter or digit, or any non-ASCII byte (letters of other
** scripts are term characters; their punctuation is rare in logs). */
static inline bool alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80;
}

static inline unsigned char lower(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

uint32_t strop_lower_cp(uint32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c | 0x20 : c;
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3AB && c != 0x3A2) ||
      (c >= 0x410 && c <= 0x42F))
    return c + 0x20;
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;
  if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x138 && c != 0x149 && c != 0x17F) {
    bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (odd_upper ? (c & 1) : !(c & 1)) return c + 1;
  }
  return c;
}

uint32_t strop_upper_cp(uint32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') ? c & ~0x20u : c;
  if ((c >= 0xE0 && c <= 0xFE && c != 0xF7) || (c >= 0x3B1 && c <= 0x3CB && c != 0x3C2) ||
      (c >= 0x430 && c <= 0x44F))
    return c - 0x20;
  if (c >= 0x450 && c <= 0x45F) return c - 0x50;
  if (c >= 0x100 && c <= 0x17F && strop_lower_cp(c - 1) == c) return c - 1;
  return c;
}

size_t strop_utf8_decode(const char *s, size_t n, uint32_t *cp) {
  const unsigned char *u = (const unsigned char *)s;
  if (n >= 2 && (u[0] & 0xE0) == 0xC0 && (u[1] & 0xC0) == 0x80) {
    *cp = (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
    return 2;
  }
  if (n >= 3 && (u[0] & 0xF0) == 0xE0 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
    *cp = (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
    return 3;
  }
  *cp = u[0];
  return 1;
}

size_t strop_utf8_encode(uint32_t cp, char *out) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  out[0] = (char)(0xE0 | (cp >> 12));
  out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[2] = (char)(0x80 | (cp & 0x3F));
  return 3;
}

/* Compare 'nn' bytes of 'h' and 'n', ignoring case; the folds used keep byte lengths. */
static bool eq_at(const char *h, const char *n, size_t nn, bool cs) {
  if (cs) return memcmp(h, n, nn) == 0;
  for (size_t i = 0; i < nn;) {
    unsigned char a = (unsigned char)h[i], b = (unsigned char)n[i];
    if (a < 0x80 && b < 0x80) {
      if (lower(a) != lower(b)) return false;
      i++;
      continue;
    }
    uint32_t ca, cb;
    size_t la = strop_utf8_decode(h + i, nn - i, &ca), lb = strop_utf8_decode(n + i, nn - i, &cb);
    if (la != lb || strop_lower_cp(ca) != strop_lower_cp(cb)) return false;
    i += la;
  }
  return true;
}

bool strop_eq_ci(const char *a, size_t an, const char *b, size_t bn) {
  return an == bn && eq_at(a, b, an, false);
}

/* Find 'n' in 'h' at a position where the term-boundary rules asked for hold. */
static bool find(const char *h, size_t hn, const char *n, size_t nn, bool cs, bool left,
                 bool right) {
  if (nn == 0) return true;
  if (nn > hn) return false;
  bool lb = left && alnum((unsigned char)n[0]);
  bool rb = right && alnum((unsigned char)n[nn - 1]);
  unsigned char first = (unsigned char)n[0];
  unsigned char fl = lower(first), fu = (fl >= 'a' && fl <= 'z') ? (unsigned char)(fl - 32) : fl;
  bool skip = cs || first < 0x80; /* a non-ASCII first letter may change bytes with case */
  for (size_t i = 0; i + nn <= hn; i++) {
    unsigned char c = (unsigned char)h[i];
    if (skip && (cs ? c != first : (c != fl && c != fu))) {
      /* skip ahead to the next possible first byte */
      const char *p1 = memchr(h + i + 1, cs ? first : fl, hn - nn - i);
      const char *p2 = (cs || fu == fl) ? NULL : memchr(h + i + 1, fu, hn - nn - i);
      const char *p = p1 && p2 ? (p1 < p2 ? p1 : p2) : p1 ? p1 : p2;
      if (!p) return false;
      i = (size_t)(p - h);
    }
    if (!eq_at(h + i, n, nn, cs)) continue;
    if (lb && i > 0 && alnum((unsigned char)h[i - 1])) continue;
    if (rb && i + nn < hn && alnum((unsigned char)h[i + nn])) continue;
    return true;
  }
  return false;
}

bool strop_apply(int op, const char *h, size_t hn, const char *n, size_t nn) {
  int base = op - OP_HAS;
  bool neg = base & 1, cs = base & 2;
  bool r;
  switch (op - (base & 3)) {
  case OP_HAS: r = find(h, hn, n, nn, cs, true, true); break;
  case OP_CONTAINS: r = find(h, hn, n, nn, cs, false, false); break;
  case OP_STARTSWITH: r = nn <= hn && eq_at(h, n, nn, cs); break;
  case OP_ENDSWITH: r = nn <= hn && eq_at(h + hn - nn, n, nn, cs); break;
  case OP_HASPREFIX: r = find(h, hn, n, nn, cs, true, false); break;
  case OP_HASSUFFIX: r = find(h, hn, n, nn, cs, false, true); break;
  default: r = false; break;
  }
  return neg ? !r : r;
}
