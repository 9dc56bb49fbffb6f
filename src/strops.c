/*
** strops.c: Kusto's string operators over byte strings (see strops.h).  'has' looks for
** the needle where it starts and ends on term boundaries; a term is a maximal run of
** ASCII letters and digits, so "TightVNC Viewer" has "TightVNC" but "TightVNCServer"
** does not.  Matching is ASCII case-insensitive unless the operator ends in _cs.
*/
#include <string.h>

#include "ast.h"
#include "strops.h"

static inline bool alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static inline unsigned char lower(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

static bool eq_at(const char *h, const char *n, size_t nn, bool cs) {
  if (cs) return memcmp(h, n, nn) == 0;
  for (size_t i = 0; i < nn; i++)
    if (lower((unsigned char)h[i]) != lower((unsigned char)n[i])) return false;
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
  for (size_t i = 0; i + nn <= hn; i++) {
    unsigned char c = (unsigned char)h[i];
    if (cs ? c != first : (c != fl && c != fu)) {
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
