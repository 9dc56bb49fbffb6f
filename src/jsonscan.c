/*
** jsonscan.c: the projection-aware row scanner (contract in jsonscan.h).  One pass over a
** row's text: keys are hashed and looked up among the wanted columns, wanted values are
** converted in place, every other value is skipped by a scan that still checks it (strings
** are crossed 16 bytes at a time).  Whatever it is not sure cJSON would read the same way, it
** declines.  The conversions mirror json_to_value() in json.c, and the text of dynamic values
** mirrors cJSON_PrintUnformatted(): keep them in step (tests/test_jsonscan.c compares them).
*/
#include "jsonscan.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#define HAVE_SSE2 1
#endif

#include "json.h"
#include "lit.h"

#define NUM_MAX 63 /* cJSON reads at most 63 characters of a number */

/* A growable byte buffer (malloc'ed, reused from row to row). */
typedef struct sbuf {
  char *p;    /* bytes */
  size_t n;   /* used */
  size_t cap; /* room */
} sbuf;

/* A key met in the rows, for predicting the next one: rows of a file mostly repeat their keys
** in the same order, so the key that followed this one last time is compared first (one
** memcmp instead of a scan and a lookup). */
typedef struct known {
  uint32_t off;  /* its bytes in jscan.kbytes (raw text: no escape, no NUL) */
  uint32_t len;  /* their length */
  uint32_t hash; /* key_hash() of them */
  int k;         /* the wanted column it names, or -1 */
  int next;      /* the key that followed it last time, or 0 */
} known;

#define KNOWN_MAX 1024       /* keys remembered (ids 1..KNOWN_MAX-1; 0 is the row's start) */
#define KNOWN_SLOTS 4096     /* hash table of them */

/* A slot of the hash table of wanted names. */
typedef struct slot {
  uint32_t hash; /* the name's hash */
  int k;         /* the wanted column, -1 for an empty slot */
} slot;

struct jscan {
  int n;               /* wanted columns */
  char **names;        /* their names (owned) */
  size_t *lens;        /* name lengths */
  kql_type *types;     /* their types */
  slot *slots;         /* open-addressing table of the names */
  uint32_t mask;       /* slots - 1 */
  char *const *cols;   /* table rows: the column names, or NULL */
  int ncols;           /* number of cols */
  int *colk;           /* colk[i]: wanted column of value i, or -1 */
  uint32_t gen;        /* row number, for 'seen' */
  uint32_t *seen;      /* seen[k] == gen: wanted column k met in this row */
  int *first;          /* first[k]: the first wanted column of k's name (k when unique) */
  bool dups;           /* some name is wanted twice */
  bool never;          /* ... with two types: always decline */
  known *keys;         /* keys met (keys[0]: the start of a row) */
  int nkeys;           /* entries in use */
  uint16_t *kslots;    /* hash table of keys: id, 0 when empty */
  sbuf kbytes;         /* their bytes */
  sbuf dec;            /* a decoded string */
  sbuf out;            /* printed JSON of a dynamic value */
};

/* ------------------------------------------------------------------------------------ */
/* Buffers and bytes                                                                     */
/* ------------------------------------------------------------------------------------ */

static void sb_room(sbuf *b, size_t more) {
  if (b->n + more <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->n + more) cap *= 2;
  b->p = xrealloc(b->p, cap);
  b->cap = cap;
}

static inline void sb_put(sbuf *b, const char *s, size_t n) {
  if (n == 0) return;
  sb_room(b, n);
  memcpy(b->p + b->n, s, n);
  b->n += n;
}

static inline void sb_byte(sbuf *b, char c) {
  sb_room(b, 1);
  b->p[b->n++] = c;
}

static inline bool is_digit(char c) {
  return (unsigned char)(c - '0') < 10;
}

/* Skip JSON's four blanks. */
static inline const char *blanks(const char *p, const char *e) {
  while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
  return p;
}

/* The first '"', '\\' or NUL at or after 'p', or 'e'. */
static inline const char *find_qbz(const char *p, const char *e) {
#ifdef HAVE_SSE2
  const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'), z = _mm_setzero_si128();
  while (e - p >= 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, q), _mm_cmpeq_epi8(x, bs)),
                             _mm_cmpeq_epi8(x, z));
    unsigned bits = (unsigned)_mm_movemask_epi8(m);
    if (bits) return p + __builtin_ctz(bits);
    p += 16;
  }
#endif
  while (p < e && *p != '"' && *p != '\\' && *p != '\0') p++;
  return p;
}

/* Four hex digits at 'p' (bounds checked by the caller), or -1. */
static int hex4(const char *p) {
  int u = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    int v = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (v < 0) return -1;
    u = u * 16 + v;
  }
  return u;
}

/* The escape at 'p' (a backslash) inside a string ending before 'e': '*cp' is the code point
** it stands for.  Returns the byte after it, or NULL where cJSON would refuse it or read it
** differently (a \u with a bad hex digit, which cJSON takes for U+0000), and for \u0000,
** which the reader refuses (jsonrd.c).  Surrogates must pair, as cJSON requires. */
static const char *escape_at(const char *p, const char *e, unsigned long *cp) {
  if (e - p < 2) return NULL;
  switch (p[1]) {
  case '"': *cp = '"'; return p + 2;
  case '\\': *cp = '\\'; return p + 2;
  case '/': *cp = '/'; return p + 2;
  case 'b': *cp = '\b'; return p + 2;
  case 'f': *cp = '\f'; return p + 2;
  case 'n': *cp = '\n'; return p + 2;
  case 'r': *cp = '\r'; return p + 2;
  case 't': *cp = '\t'; return p + 2;
  case 'u': {
    if (e - p < 6) return NULL;
    int u = hex4(p + 2);
    if (u <= 0 || (u >= 0xDC00 && u <= 0xDFFF)) return NULL;
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (e - p < 12 || p[6] != '\\' || p[7] != 'u') return NULL;
      int lo = hex4(p + 8);
      if (lo < 0xDC00 || lo > 0xDFFF) return NULL;
      *cp = 0x10000 + ((((unsigned long)u & 0x3FF) << 10) | ((unsigned long)lo & 0x3FF));
      return p + 12;
    }
    *cp = (unsigned long)u;
    return p + 6;
  }
  default: return NULL;
  }
}

/* Append code point 'cp' (<= 0x10FFFF) as UTF-8, as cJSON does. */
static void put_utf8(sbuf *b, unsigned long cp) {
  char u[4];
  size_t n;
  if (cp < 0x80) {
    u[0] = (char)cp, n = 1;
  } else if (cp < 0x800) {
    u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
  } else if (cp < 0x10000) {
    u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
  } else {
    u[0] = (char)(0xF0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
  }
  sb_put(b, u, n);
}

/* ------------------------------------------------------------------------------------ */
/* Scanning values                                                                       */
/* ------------------------------------------------------------------------------------ */

/* Skip a string whose opening quote is just before 'p'; returns the byte after the closing
** quote, or NULL (also for a NUL byte in it, which the reader refuses). */
static const char *skip_string(const char *p, const char *e) {
  static const unsigned char simple[256] = {['"'] = 1, ['\\'] = 1, ['/'] = 1, ['b'] = 1,
                                            ['f'] = 1, ['n'] = 1, ['r'] = 1, ['t'] = 1};
  for (;;) {
    p = find_qbz(p, e);
    if (p >= e || *p == '\0') return NULL;
    if (*p == '"') return p + 1;
    if (e - p >= 2 && simple[(unsigned char)p[1]]) { /* the usual \\ of a Windows path */
      p += 2;
      continue;
    }
    unsigned long cp;
    if ((p = escape_at(p, e, &cp)) == NULL) return NULL;
  }
}

/* Read a string whose opening quote is just before 'p': '*sp', '*sn' are its decoded bytes,
** the text itself when it has no escape ('*raw'), else the scanner's 'dec' buffer.  Returns
** the byte after the closing quote, or NULL (also for a NUL byte in it). */
static const char *read_string(jscan *s, const char *p, const char *e, const char **sp,
                               size_t *sn, bool *raw) {
  const char *q = find_qbz(p, e);
  if (q < e && *q == '"') {
    *sp = p, *sn = (size_t)(q - p), *raw = true;
    return q + 1;
  }
  sbuf *b = &s->dec;
  b->n = 0;
  for (;;) {
    if (q >= e || *q == '\0') return NULL;
    sb_put(b, p, (size_t)(q - p));
    if (*q == '"') break;
    unsigned long cp;
    if ((p = escape_at(q, e, &cp)) == NULL) return NULL;
    put_utf8(b, cp);
    q = find_qbz(p, e);
  }
  *sp = b->p ? b->p : "", *sn = b->n, *raw = false;
  return q + 1;
}

/* Scan a number in JSON's strict form at 'p'; returns its end or NULL.  '*isint' when it
** has neither a fraction nor an exponent. */
static const char *scan_number(const char *p, const char *e, bool *isint) {
  const char *s = p;
  if (p < e && *p == '-') p++;
  if (p >= e || !is_digit(*p)) return NULL;
  if (*p == '0') {
    p++;
  } else {
    while (p < e && is_digit(*p)) p++;
  }
  *isint = true;
  if (p < e && *p == '.') {
    p++;
    if (p >= e || !is_digit(*p)) return NULL;
    while (p < e && is_digit(*p)) p++;
    *isint = false;
  }
  if (p < e && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < e && (*p == '+' || *p == '-')) p++;
    if (p >= e || !is_digit(*p)) return NULL;
    while (p < e && is_digit(*p)) p++;
    *isint = false;
  }
  return p - s > NUM_MAX ? NULL : p;
}

/* Skip the literal 'w' ('n' bytes) at 'p'. */
static inline const char *skip_word(const char *p, const char *e, const char *w, size_t n) {
  return (size_t)(e - p) >= n && memcmp(p, w, n) == 0 ? p + n : NULL;
}

/* Skip the value at 'p' (checking it); returns its end or NULL. */
static const char *skip_value(const char *p, const char *e) {
  char stack[JSCAN_MAX_DEPTH]; /* '}' or ']' per open container */
  int depth = 0;
  bool isint;
value:
  if (p >= e) return NULL;
  switch (*p) {
  case '"':
    if ((p = skip_string(p + 1, e)) == NULL) return NULL;
    break;
  case '{':
  case '[':
    if (depth + 1 >= JSCAN_MAX_DEPTH) return NULL; /* as print_value() */
    stack[depth++] = *p == '{' ? '}' : ']';
    p = blanks(p + 1, e);
    if (p < e && *p == stack[depth - 1]) {
      p++;
      depth--;
      break;
    }
    if (stack[depth - 1] == ']') goto value;
    goto key;
  case 't':
    if ((p = skip_word(p, e, "true", 4)) == NULL) return NULL;
    break;
  case 'f':
    if ((p = skip_word(p, e, "false", 5)) == NULL) return NULL;
    break;
  case 'n':
    if ((p = skip_word(p, e, "null", 4)) == NULL) return NULL;
    break;
  default:
    if ((p = scan_number(p, e, &isint)) == NULL) return NULL;
    break;
  }
  /* after a value */
  while (depth > 0) {
    p = blanks(p, e);
    if (p >= e) return NULL;
    if (*p == ',') {
      p = blanks(p + 1, e);
      if (stack[depth - 1] == ']') goto value;
      goto key;
    }
    if (*p != stack[depth - 1]) return NULL;
    p++;
    depth--;
  }
  return p;
key:
  if (p >= e || *p != '"') return NULL;
  if ((p = skip_string(p + 1, e)) == NULL) return NULL;
  p = blanks(p, e);
  if (p >= e || *p != ':') return NULL;
  p = blanks(p + 1, e);
  goto value;
}

/* ------------------------------------------------------------------------------------ */
/* Printing dynamic values as cJSON_PrintUnformatted() does                              */
/* ------------------------------------------------------------------------------------ */

/* 's' ('n' bytes, no NUL) as a JSON string, escaped as cJSON's print_string_ptr() does. */
static void print_string(sbuf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  sb_room(b, n + 2);
  b->p[b->n++] = '"';
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c > 31 && c != '"' && c != '\\') continue;
    sb_put(b, s + run, i - run);
    run = i + 1;
    char esc[6] = {'\\', 0, 0, 0, 0, 0};
    size_t k = 2;
    switch (c) {
    case '"': esc[1] = '"'; break;
    case '\\': esc[1] = '\\'; break;
    case '\b': esc[1] = 'b'; break;
    case '\f': esc[1] = 'f'; break;
    case '\n': esc[1] = 'n'; break;
    case '\r': esc[1] = 'r'; break;
    case '\t': esc[1] = 't'; break;
    default:
      esc[1] = 'u', esc[2] = '0', esc[3] = '0', esc[4] = hex[c >> 4], esc[5] = hex[c & 15];
      k = 6;
      break;
    }
    sb_put(b, esc, k);
  }
  sb_put(b, s + run, n - run);
  sb_byte(b, '"');
}

/* Is |a - b| within cJSON's compare_double() tolerance? */
static bool near_equal(double a, double b) {
  double m = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
  return fabs(a - b) <= m * DBL_EPSILON;
}

/* 'd' as cJSON's print_number() writes it into 'buf' (>= 32 bytes); returns the length. */
static size_t cjson_number(double d, char *buf) {
  if (isnan(d) || isinf(d)) {
    memcpy(buf, "null", 5);
    return 4;
  }
  int n = snprintf(buf, 32, "%1.15g", d);
  if (!near_equal(strtod(buf, NULL), d)) n = snprintf(buf, 32, "%1.17g", d);
  return (size_t)n;
}

/* A number's value. */
typedef struct num {
  bool exact;  /* an integer that fits in 64 bits: 'i' holds it */
  int64_t i;   /* its value when exact */
  double d;    /* its value as cJSON reads it (strtod), or as the nearest double when exact */
} num;

/* The value of the number text [p, p+n) (checked by scan_number(); 'isint' as it said). */
static void num_value(const char *p, size_t n, bool isint, num *v) {
  v->exact = false;
  if (isint) {
    bool neg = *p == '-';
    const char *q = p + neg, *e = p + n;
    uint64_t u = 0;
    bool ok = e - q <= 20;
    for (; ok && q < e; q++) {
      unsigned dgt = (unsigned)(*q - '0');
      if (u > (UINT64_MAX - dgt) / 10) ok = false;
      else u = u * 10 + dgt;
    }
    if (ok && (neg ? u <= (uint64_t)INT64_MAX + 1 : u <= (uint64_t)INT64_MAX)) {
      v->exact = true;
      v->i = neg ? (int64_t)(0 - u) : (int64_t)u;
      v->d = neg ? -(double)u : (double)u;
      if (neg && u == 0) v->d = -0.0;
      return;
    }
  }
  char tmp[NUM_MAX + 1];
  memcpy(tmp, p, n);
  tmp[n] = '\0';
  v->d = strtod(tmp, NULL);
}

/* json.c's whole(): a double that is a whole number in the range of a long. */
static bool whole(double d) {
  return d == floor(d) && d >= -9.2233720368547758e18 && d < 9.2233720368547758e18;
}

/* Print the value at 'p' into s->out; returns its end or NULL.  'depth' counts the
** containers around it. */
static const char *print_value(jscan *s, const char *p, const char *e, int depth) {
  sbuf *b = &s->out;
  bool isint, raw;
  const char *q, *sp;
  size_t sn;
  if (p >= e) return NULL;
  switch (*p) {
  case '"':
    if ((q = read_string(s, p + 1, e, &sp, &sn, &raw)) == NULL) return NULL;
    print_string(b, sp, sn);
    return q;
  case 't':
    if ((q = skip_word(p, e, "true", 4)) != NULL) sb_put(b, "true", 4);
    return q;
  case 'f':
    if ((q = skip_word(p, e, "false", 5)) != NULL) sb_put(b, "false", 5);
    return q;
  case 'n':
    if ((q = skip_word(p, e, "null", 4)) != NULL) sb_put(b, "null", 4);
    return q;
  case '{':
  case '[': {
    char close = *p == '{' ? '}' : ']';
    if (depth >= JSCAN_MAX_DEPTH) return NULL;
    sb_byte(b, *p);
    p = blanks(p + 1, e);
    if (p < e && *p == close) {
      sb_byte(b, close);
      return p + 1;
    }
    for (;;) {
      if (close == '}') {
        if (p >= e || *p != '"') return NULL;
        if ((p = read_string(s, p + 1, e, &sp, &sn, &raw)) == NULL) return NULL;
        print_string(b, sp, sn);
        p = blanks(p, e);
        if (p >= e || *p != ':') return NULL;
        sb_byte(b, ':');
        p = blanks(p + 1, e);
      }
      if ((p = print_value(s, p, e, depth + 1)) == NULL) return NULL;
      p = blanks(p, e);
      if (p < e && *p == ',') {
        sb_byte(b, ',');
        p = blanks(p + 1, e);
        continue;
      }
      if (p < e && *p == close) {
        sb_byte(b, close);
        return p + 1;
      }
      return NULL;
    }
  }
  default: {
    if ((q = scan_number(p, e, &isint)) == NULL) return NULL;
    num v;
    num_value(p, (size_t)(q - p), isint, &v);
    if (v.exact) {
      sb_put(b, p, (size_t)(q - p)); /* all its digits (cJSON would round to a double) */
    } else {
      char buf[32];
      sb_put(b, buf, cjson_number(v.d, buf));
    }
    return q;
  }
  }
}

/* ------------------------------------------------------------------------------------ */
/* Converting a wanted value (mirrors json_to_value)                                     */
/* ------------------------------------------------------------------------------------ */

/* The decoded string 'sp' ('sn' bytes, no NUL) as type 't'.  False when it does not fit. */
static bool string_as(const char *sp, size_t sn, kql_type t, arena *a, kql_value *out) {
  char *z;
  switch (t) {
  case KQL_T_STRING:
  case KQL_T_GUID:
    *out = val_strtype(t, arena_strndup(a, sp, sn), sn);
    return true;
  case KQL_T_INT:
  case KQL_T_LONG: {
    z = arena_strndup(a, sp, sn);
    char *end;
    long long ll = strtoll(z, &end, 10);
    if (!*z || *end) return false;
    *out = t == KQL_T_INT ? val_int(ll) : val_long(ll);
    return true;
  }
  case KQL_T_REAL:
  case KQL_T_DECIMAL: {
    z = arena_strndup(a, sp, sn);
    double d;
    if (strcasecmp(z, "NaN") == 0) d = NAN;
    else if (strcasecmp(z, "Infinity") == 0) d = INFINITY;
    else if (strcasecmp(z, "-Infinity") == 0) d = -INFINITY;
    else {
      char *end;
      d = strtod(z, &end);
      if (!*z || *end) return false;
    }
    *out = val_real(d);
    out->type = t;
    return true;
  }
  case KQL_T_BOOL:
    if (sn == 4 && strncasecmp(sp, "true", 4) == 0) *out = val_bool(true);
    else if (sn == 5 && strncasecmp(sp, "false", 5) == 0) *out = val_bool(false);
    else return false;
    return true;
  case KQL_T_DATETIME:
  case KQL_T_TIMESPAN: {
    int64_t ticks;
    int rc = t == KQL_T_DATETIME ? lit_parse_datetime(sp, sn, &ticks)
                                 : lit_parse_timespan(sp, sn, &ticks);
    if (rc != 0) {
      *out = val_null(t);
      return sn == 0;
    }
    *out = t == KQL_T_DATETIME ? val_datetime(ticks) : val_timespan(ticks);
    return true;
  }
  default:
    return false;
  }
}

/* The number text [p, p+n) as type 't'.  False when it does not fit. */
static bool number_as(const char *p, size_t n, bool isint, kql_type t, arena *a,
                      kql_value *out) {
  num v;
  num_value(p, n, isint, &v);
  char buf[64];
  size_t len;
  switch (t) {
  case KQL_T_STRING:
  case KQL_T_GUID:
    if (v.exact) len = (size_t)snprintf(buf, sizeof buf, "%lld", (long long)v.i);
    else if (whole(v.d)) len = (size_t)snprintf(buf, sizeof buf, "%lld", (long long)v.d);
    else len = json_format_real(v.d, buf);
    *out = val_strtype(t, arena_strndup(a, buf, len), len);
    return true;
  case KQL_T_INT:
  case KQL_T_LONG: {
    int64_t i;
    if (v.exact) i = v.i;
    else if (whole(v.d)) i = (int64_t)v.d;
    else return false;
    if (t == KQL_T_INT && (i > INT32_MAX || i < INT32_MIN)) return false;
    *out = t == KQL_T_INT ? val_int(i) : val_long(i);
    return true;
  }
  case KQL_T_REAL:
  case KQL_T_DECIMAL:
    *out = val_real(v.d);
    out->type = t;
    return true;
  case KQL_T_BOOL:
    if (v.d != 0 && v.d != 1) return false;
    *out = val_bool(v.d != 0);
    return true;
  case KQL_T_DYNAMIC:
    if (v.exact) {
      len = n;
      memcpy(buf, p, n);
    } else {
      len = cjson_number(v.d, buf);
    }
    *out = val_strtype(t, arena_strndup(a, buf, len), len);
    return true;
  default:
    return false;
  }
}

/* Convert the value at 'p' to wanted column 'k' into '*out'; returns its end, or NULL when
** the scanner declines. */
static const char *take_value(jscan *s, int k, const char *p, const char *e, arena *a,
                              kql_value *out) {
  kql_type t = s->types[k];
  const char *q, *sp;
  size_t sn;
  bool raw, isint;
  if (p >= e) return NULL;
  switch (*p) {
  case '"':
    if ((q = read_string(s, p + 1, e, &sp, &sn, &raw)) == NULL) return NULL;
    if (t == KQL_T_DYNAMIC) {
      s->out.n = 0;
      print_string(&s->out, sp, sn);
      *out = val_strtype(t, arena_strndup(a, s->out.p, s->out.n), s->out.n);
      return q;
    }
    return string_as(sp, sn, t, a, out) ? q : NULL;
  case 't':
  case 'f': {
    bool b = *p == 't';
    if ((q = b ? skip_word(p, e, "true", 4) : skip_word(p, e, "false", 5)) == NULL) return NULL;
    switch (t) {
    case KQL_T_STRING:
    case KQL_T_GUID:
    case KQL_T_DYNAMIC:
      *out = b ? val_str("true", 4) : val_str("false", 5);
      out->type = t;
      return q;
    case KQL_T_INT: *out = val_int(b); return q;
    case KQL_T_LONG: *out = val_long(b); return q;
    case KQL_T_BOOL: *out = val_bool(b); return q;
    default: return NULL;
    }
  }
  case 'n':
    return skip_word(p, e, "null", 4); /* *out is already null */
  case '{':
  case '[':
    if (t != KQL_T_STRING && t != KQL_T_GUID && t != KQL_T_DYNAMIC) return NULL;
    s->out.n = 0;
    if ((q = print_value(s, p, e, 1)) == NULL) return NULL;
    *out = val_strtype(t, arena_strndup(a, s->out.p, s->out.n), s->out.n);
    return q;
  default:
    if ((q = scan_number(p, e, &isint)) == NULL) return NULL;
    return number_as(p, (size_t)(q - p), isint, t, a, out) ? q : NULL;
  }
}

/* ------------------------------------------------------------------------------------ */
/* Rows                                                                                  */
/* ------------------------------------------------------------------------------------ */

static inline uint32_t key_hash(const char *k, size_t n) {
  uint32_t a = 0, b = 0;
  if (n >= 4) {
    memcpy(&a, k, 4);
    memcpy(&b, k + n - 4, 4);
  } else {
    for (size_t i = 0; i < n; i++) a = a * 31 + (unsigned char)k[i];
  }
  uint32_t h = a * 0x9E3779B1u ^ (b * 0x85EBCA77u) ^ ((uint32_t)n * 0xC2B2AE3Du);
  return h ^ (h >> 15);
}

/* The wanted column named by the key bytes [k, k+n), or -1. */
static inline int lookup(const jscan *s, const char *k, size_t n) {
  uint32_t h = key_hash(k, n);
  for (uint32_t i = h & s->mask;; i = (i + 1) & s->mask) {
    const slot *sl = &s->slots[i];
    if (sl->k < 0) return -1;
    if (sl->hash == h && s->lens[sl->k] == n && memcmp(s->names[sl->k], k, n) == 0) return sl->k;
  }
}

/* Are the 'n' bytes at 'a' and 'b' equal?  (Inline: keys are short.) */
static inline bool same_bytes(const char *a, const char *b, size_t n) {
  if (n >= 8) {
    uint64_t x, y;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      memcpy(&x, a + i, 8);
      memcpy(&y, b + i, 8);
      if (x != y) return false;
    }
    memcpy(&x, a + n - 8, 8); /* the last 8 bytes, overlapping */
    memcpy(&y, b + n - 8, 8);
    return x == y;
  }
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i]) return false;
  return true;
}

/* The id of the raw key [kp, kp+kn), remembered now if need be; 0 when the table is full. */
static int intern(jscan *s, const char *kp, size_t kn) {
  uint32_t h = key_hash(kp, kn), i;
  for (i = h & (KNOWN_SLOTS - 1); s->kslots[i] != 0; i = (i + 1) & (KNOWN_SLOTS - 1)) {
    const known *kk = &s->keys[s->kslots[i]];
    if (kk->hash == h && kk->len == kn && memcmp(s->kbytes.p + kk->off, kp, kn) == 0)
      return s->kslots[i];
  }
  if (s->nkeys >= KNOWN_MAX || kn > UINT32_MAX / 2) return 0;
  int id = s->nkeys++;
  known *kk = &s->keys[id];
  kk->off = (uint32_t)s->kbytes.n;
  kk->len = (uint32_t)kn;
  kk->hash = h;
  kk->k = lookup(s, kp, kn);
  kk->next = 0;
  sb_put(&s->kbytes, kp, kn);
  s->kslots[i] = (uint16_t)id;
  return id;
}

/* The members of the row object whose '{' is just before 'p'. */
static const char *row_object(jscan *s, const char *p, const char *e, arena *a, kql_value *out) {
  p = blanks(p, e);
  if (p < e && *p == '}') return p + 1;
  int prev = 0; /* id of the key before, 0 at the start or after an unknown one */
  for (;;) {
    const char *kp;
    size_t kn;
    bool raw;
    int k, id = s->keys[prev].next;
    if (p >= e || *p != '"') return NULL;
    const known *kk = &s->keys[id];
    if (id != 0 && (size_t)(e - p) > kk->len + 1 && p[kk->len + 1] == '"' &&
        (kk->len == 0 || same_bytes(p + 1, s->kbytes.p + kk->off, kk->len))) {
      /* (an empty key has no bytes: kbytes.p may still be NULL) */
      p += kk->len + 2; /* the predicted key: its bytes hold no quote, backslash or NUL */
      k = kk->k;
    } else {
      if ((p = read_string(s, p + 1, e, &kp, &kn, &raw)) == NULL) return NULL;
      if (raw && (id = intern(s, kp, kn)) != 0) {
        s->keys[prev].next = id;
        k = s->keys[id].k;
      } else {
        id = 0;
        k = lookup(s, kp, kn);
      }
    }
    prev = id;
    if (p < e && *p == ':') {
      p++;
    } else {
      p = blanks(p, e);
      if (p >= e || *p != ':') return NULL;
      p++;
    }
    p = blanks(p, e);
    if (k >= 0 && s->seen[k] != s->gen) { /* cJSON's lookup finds the first of equal keys */
      s->seen[k] = s->gen;
      p = take_value(s, k, p, e, a, &out[k]);
    } else if (p < e && *p == '"') {
      p = skip_string(p + 1, e);
    } else {
      p = skip_value(p, e);
    }
    if (p == NULL) return NULL;
    p = blanks(p, e);
    if (p < e && *p == ',') {
      p = blanks(p + 1, e);
      continue;
    }
    if (p < e && *p == '}') return p + 1;
    return NULL;
  }
}

/* The values of the table row whose '[' is just before 'p'. */
static const char *row_array(jscan *s, const char *p, const char *e, arena *a, kql_value *out) {
  p = blanks(p, e);
  int i = 0;
  if (p < e && *p == ']') {
    p++;
  } else {
    for (;; i++) {
      int k = i < s->ncols ? s->colk[i] : -1;
      p = k >= 0 ? take_value(s, k, p, e, a, &out[k]) : skip_value(p, e);
      if (p == NULL) return NULL;
      p = blanks(p, e);
      if (p < e && *p == ',') {
        p = blanks(p + 1, e);
        continue;
      }
      if (p < e && *p == ']') {
        p++, i++;
        break;
      }
      return NULL;
    }
  }
  return i == s->ncols ? p : NULL;
}

bool jscan_row(jscan *s, const char *p, size_t n, arena *a, kql_value *out) {
  const char *e = p + n;
  if (s->never) return false;
  for (int k = 0; k < s->n; k++) out[k] = val_null(s->types[k]);
  if (++s->gen == 0) {
    memset(s->seen, 0, sizeof *s->seen * (size_t)(s->n ? s->n : 1));
    s->gen = 1;
  }
  p = blanks(p, e);
  if (p >= e) return false;
  if (s->cols != NULL) {
    if (*p != '[') return false;
    p = row_array(s, p + 1, e, a, out);
  } else {
    if (*p != '{') return false;
    p = row_object(s, p + 1, e, a, out);
  }
  if (p == NULL || blanks(p, e) != e) return false;
  if (s->dups)
    for (int k = 0; k < s->n; k++) out[k] = out[s->first[k]];
  return true;
}

/* ------------------------------------------------------------------------------------ */
/* Set up                                                                                */
/* ------------------------------------------------------------------------------------ */

jscan *jscan_new(int n, const char *const *names, const kql_type *types) {
  jscan *s = xcalloc(1, sizeof *s);
  s->n = n;
  size_t m = n > 0 ? (size_t)n : 1;
  s->names = xcalloc(m, sizeof *s->names);
  s->lens = xcalloc(m, sizeof *s->lens);
  s->types = xcalloc(m, sizeof *s->types);
  s->seen = xcalloc(m, sizeof *s->seen);
  s->first = xcalloc(m, sizeof *s->first);
  uint32_t size = 64;
  while (size < 8 * m) size *= 2;
  s->mask = size - 1;
  s->slots = xmalloc(size * sizeof *s->slots);
  s->keys = xcalloc(KNOWN_MAX, sizeof *s->keys);
  s->nkeys = 1;
  s->kslots = xcalloc(KNOWN_SLOTS, sizeof *s->kslots);
  for (uint32_t i = 0; i < size; i++) s->slots[i].k = -1;
  for (int k = 0; k < n; k++) {
    s->names[k] = xstrdup(names[k]);
    s->lens[k] = strlen(names[k]);
    s->types[k] = types[k];
    s->first[k] = k;
    int k0 = lookup(s, s->names[k], s->lens[k]);
    if (k0 >= 0) { /* a repeated name: copied from the first (of the same type) */
      s->first[k] = k0;
      s->dups = true;
      if (s->types[k0] != types[k]) s->never = true;
      continue;
    }
    uint32_t h = key_hash(s->names[k], s->lens[k]), i = h & s->mask;
    while (s->slots[i].k >= 0) i = (i + 1) & s->mask;
    s->slots[i].hash = h;
    s->slots[i].k = k;
  }
  return s;
}

void jscan_set_columns(jscan *s, char *const *cols, int ncols) {
  if (cols == s->cols && ncols == s->ncols) return;
  free(s->colk);
  s->colk = NULL;
  s->cols = cols;
  s->ncols = cols ? ncols : 0;
  if (cols == NULL) return;
  s->colk = xmalloc(sizeof *s->colk * (size_t)(ncols ? ncols : 1));
  for (int i = 0; i < ncols; i++) {
    s->colk[i] = -1;
    int k = lookup(s, cols[i], strlen(cols[i]));
    bool first = true; /* cJSON's lookup finds the first column of a name */
    for (int j = 0; j < i && k >= 0; j++)
      if (strcmp(cols[j], cols[i]) == 0) first = false;
    if (k >= 0 && first) s->colk[i] = k;
  }
}

void jscan_free(jscan *s) {
  if (s == NULL) return;
  for (int k = 0; k < s->n; k++) free(s->names[k]);
  free(s->names);
  free(s->lens);
  free(s->types);
  free(s->seen);
  free(s->first);
  free(s->slots);
  free(s->colk);
  free(s->keys);
  free(s->kslots);
  free(s->kbytes.p);
  free(s->dec.p);
  free(s->out.p);
  free(s);
}

/* ------------------------------------------------------------------------------------ */
/* The raw-text filter (jsonscan.h)                                                      */
/* ------------------------------------------------------------------------------------ */

struct jsfilter {
  int n;           /* literals, longest first (the longest is likely the rarest) */
  jscan_lit *lits; /* their bytes, lower-cased when icase */
  bool avx2;       /* the CPU has AVX2 (KQL_NO_AVX2=1: as if not) */
};

static inline unsigned char fold(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

/* Is 'p' ('n' bytes) a case-folded part of 'w' (lower case)? */
static bool part_of(const char *p, size_t n, const char *w) {
  size_t wn = strlen(w);
  for (size_t i = 0; i + n <= wn; i++) {
    size_t k = 0;
    while (k < n && fold((unsigned char)p[k]) == (unsigned char)w[i + k]) k++;
    if (k == n) return true;
  }
  return false;
}

bool jscan_lit_ok(const char *p, size_t n) {
  if (n == 0) return false;
  bool numeric = true; /* only what a formatted number is made of */
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c < 0x20 || c > 0x7E || strchr("\"\\/,:[]{}", c)) return false;
    if (!is_digit((char)c) && !strchr(".eE+-", c)) numeric = false;
  }
  return !numeric && !part_of(p, n, "-infinity") && !part_of(p, n, "nan") &&
         !part_of(p, n, "null");
}

jsfilter *jsfilter_new(arena *a, int n, const jscan_lit *lits) {
  jsfilter *f = arena_alloc(a, sizeof *f);
#if defined(__GNUC__) && defined(__x86_64__)
  const char *no = getenv("KQL_NO_AVX2");
  f->avx2 = __builtin_cpu_supports("avx2") && !(no && strcmp(no, "1") == 0);
#endif
  f->lits = arena_alloc(a, (n > 0 ? (size_t)n : 1) * sizeof *f->lits);
  for (int i = 0; i < n; i++) {
    char *b = arena_alloc(a, lits[i].n);
    for (size_t k = 0; k < lits[i].n; k++)
      b[k] = lits[i].icase ? (char)fold((unsigned char)lits[i].p[k]) : lits[i].p[k];
    jscan_lit l = {b, lits[i].n, lits[i].icase};
    int j = f->n++; /* insertion sort: longest first */
    while (j > 0 && f->lits[j - 1].n < l.n) {
      f->lits[j] = f->lits[j - 1];
      j--;
    }
    f->lits[j] = l;
  }
  return f;
}

/* Does literal 'l' start at 'p' (its bytes are there)? */
static inline bool lit_at(const jscan_lit *l, const char *p) {
  if (!l->icase) return memcmp(p, l->p, l->n) == 0;
  for (size_t i = 0; i < l->n; i++)
    if (fold((unsigned char)p[i]) != (unsigned char)l->p[i]) return false;
  return true;
}

/* Is the backslash at 'q' (followed by 'u', after the row's start 'b') an escape, not the
** second half of an escaped backslash ("C:\\users")?  It is when the run of backslashes it
** ends is of odd length. */
static inline bool real_u(const char *b, const char *q) {
  size_t run = 1;
  while (q - run >= b && q[-(ptrdiff_t)run] == '\\') run++;
  return run & 1;
}

/* The verdict on one block at 'p' of the row starting at 'b', from its bit masks: 'ctl'
** (control bytes), 'bu' (a backslash before a 'u'), 'm' (the first and the last byte of
** literal 'l' where they would be).  1: 'l' is there; 2: a hazard: a control byte or a '\u'
** escape could hide it, the row is read; 0: neither. */
static inline int block(const jscan_lit *l, const char *b, const char *p, uint32_t ctl,
                        uint32_t bu, uint32_t m) {
  if (ctl) return 2;
  for (; bu; bu &= bu - 1)
    if (real_u(b, p + __builtin_ctz(bu))) return 2;
  for (; m; m &= m - 1)
    if (lit_at(l, p + __builtin_ctz(m))) return 1;
  return 0;
}

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define HAVE_AVX2 1
/* look() 32 bytes at a time with AVX2: the verdict, or 0 with '*pp' where the rest (fewer
** than 'reach' bytes before 'e') starts. */
__attribute__((target("avx2"))) static int look_avx2(const jscan_lit *l, const char *b,
                                                     const char **pp, const char *e) {
  size_t n = l->n;
  const char *p = *pp;
  unsigned char f0 = (unsigned char)l->p[0], f1 = (unsigned char)l->p[n - 1];
  bool a0 = l->icase && f0 >= 'a' && f0 <= 'z', a1 = l->icase && f1 >= 'a' && f1 <= 'z';
  const __m256i c0 = _mm256_set1_epi8((char)f0), c1 = _mm256_set1_epi8((char)f1);
  const __m256i o0 = _mm256_set1_epi8(a0 ? 0x20 : 0), o1 = _mm256_set1_epi8(a1 ? 0x20 : 0);
  const __m256i bs = _mm256_set1_epi8('\\'), u = _mm256_set1_epi8('u');
  const __m256i ctl = _mm256_set1_epi8(0x1F);
  size_t reach = (n > 2 ? n - 1 : 1) + 32;
  while ((size_t)(e - p) >= reach) {
    __m256i x0 = _mm256_loadu_si256((const __m256i *)(const void *)p);
    __m256i x1 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 1));
    __m256i xl = _mm256_loadu_si256((const __m256i *)(const void *)(p + n - 1));
    __m256i hc = _mm256_cmpeq_epi8(_mm256_min_epu8(x0, ctl), x0);
    __m256i hu = _mm256_and_si256(_mm256_cmpeq_epi8(x0, bs), _mm256_cmpeq_epi8(x1, u));
    __m256i m = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_or_si256(x0, o0), c0),
                                 _mm256_cmpeq_epi8(_mm256_or_si256(xl, o1), c1));
    uint32_t any = (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(_mm256_or_si256(hc, hu), m));
    if (any) {
      int r = block(l, b, p, (uint32_t)_mm256_movemask_epi8(hc),
                    (uint32_t)_mm256_movemask_epi8(hu), (uint32_t)_mm256_movemask_epi8(m));
      if (r) return r;
    }
    p += 32;
  }
  *pp = p;
  return 0;
}
#endif

/* Look for 'l' in [p, e), the row starting at 'p': 1 found, 2 a hazard met (the row must be
** read), 0 neither in the whole text.  'avx2': the CPU has it. */
static int look(const jscan_lit *l, const char *p, const char *e, bool avx2) {
  const char *b = p;
  size_t n = l->n;
#ifdef HAVE_AVX2
  if (avx2) {
    int r = look_avx2(l, b, &p, e);
    if (r) return r;
  }
#else
  (void)avx2;
#endif
#ifdef HAVE_SSE2
  unsigned char f0 = (unsigned char)l->p[0], f1 = (unsigned char)l->p[n - 1];
  bool a0 = l->icase && f0 >= 'a' && f0 <= 'z', a1 = l->icase && f1 >= 'a' && f1 <= 'z';
  const __m128i c0 = _mm_set1_epi8((char)f0), c1 = _mm_set1_epi8((char)f1);
  const __m128i o0 = _mm_set1_epi8(a0 ? 0x20 : 0), o1 = _mm_set1_epi8(a1 ? 0x20 : 0);
  const __m128i bs = _mm_set1_epi8('\\'), u = _mm_set1_epi8('u'), ctl = _mm_set1_epi8(0x1F);
  size_t reach = (n > 2 ? n - 1 : 1) + 16; /* bytes each step reads */
  while ((size_t)(e - p) >= reach) {
    __m128i x0 = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i x1 = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
    __m128i xl = _mm_loadu_si128((const __m128i *)(const void *)(p + n - 1));
    __m128i hc = _mm_cmpeq_epi8(_mm_min_epu8(x0, ctl), x0);
    __m128i hu = _mm_and_si128(_mm_cmpeq_epi8(x0, bs), _mm_cmpeq_epi8(x1, u));
    __m128i m = _mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(x0, o0), c0),
                              _mm_cmpeq_epi8(_mm_or_si128(xl, o1), c1));
    if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(hc, hu), m))) {
      int r = block(l, b, p, (uint32_t)_mm_movemask_epi8(hc), (uint32_t)_mm_movemask_epi8(hu),
                    (uint32_t)_mm_movemask_epi8(m));
      if (r) return r;
    }
    p += 16;
  }
#endif
  for (; p < e; p++) {
    if ((unsigned char)*p < 0x20) return 2;
    if (*p == '\\' && p + 1 < e && p[1] == 'u' && real_u(b, p)) return 2;
    if ((size_t)(e - p) >= n && lit_at(l, p)) return 1;
  }
  return 0;
}

bool jsfilter_rules_out(const jsfilter *f, const char *p, size_t n, bool arrays) {
  const char *e = p + n;
  p = blanks(p, e);
  while (e > p && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\r' || e[-1] == '\t')) e--;
  if (e - p < 2 || *p != (arrays ? '[' : '{') || e[-1] != (arrays ? ']' : '}')) return false;
  for (int i = 0; i < f->n; i++) {
    int r = look(&f->lits[i], p, e, f->avx2);
    if (r == 0) return true;
    if (r == 2) return false;
  }
  return false;
}
