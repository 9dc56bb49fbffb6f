/*
** test_jsonscan.c: Check suite for src/jsonscan.c, the projection-aware row scanner, tested
** against the cJSON path it stands in for.  The oracle is what the scan did before it: the
** reader's cJSON parse of the row (jsonrd_parse_row, which also words errors), then
** json_member() and json_to_value() per column.  The rule checked everywhere: when the scanner
** accepts a row, the oracle accepts it too and gives the same values; when the oracle accepts
** an ordinary row, the scanner does not decline it.  Rows come from a seeded generator (all
** value kinds, escapes, unicode, nesting, duplicate and escaped keys, blanks), from random
** edits of those rows (malformed text), from hand-written tables, and whole files read both
** ways (JSON Lines, arrays, Log Analytics tables, concatenated objects) and through the engine
** with and without worker threads.
*/
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "json.h"
#include "jsonrd.h"
#include "jsonscan.h"
#include "kql.h"
#include "suites.h"

/* ---- text buffers and a seeded generator -------------------------------------------- */

typedef struct tbuf {
  char *p;    /* bytes (NUL-terminated) */
  size_t n;   /* used */
  size_t cap; /* room */
} tbuf;

static void tput(tbuf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + n + 1) cap *= 2;
    b->p = realloc(b->p, cap);
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}

static void tputs(tbuf *b, const char *s) { tput(b, s, strlen(s)); }

static void tputc(tbuf *b, char c) { tput(b, &c, 1); }

typedef struct rng {
  uint64_t s; /* xorshift64* state */
} rng;

static uint64_t rnd(rng *g) {
  g->s ^= g->s >> 12;
  g->s ^= g->s << 25;
  g->s ^= g->s >> 27;
  return g->s * 0x2545F4914F6CDD1DULL;
}

static unsigned pick(rng *g, unsigned n) { return (unsigned)(rnd(g) % n); }

/* The wanted columns: a name per type (the types rotate between scanners). */
static const char *const wnames[] = {"s", "l", "i", "r", "b", "dt", "ts", "dyn", "g", "dec",
                                     "longer_key_name_past_sixteen", "x\"y", "\xc3\xa9", ""};
#define NW ((int)KQL_ARRAY_LEN(wnames))
static const kql_type wtypes[] = {KQL_T_STRING, KQL_T_LONG,     KQL_T_INT,     KQL_T_REAL,
                                  KQL_T_BOOL,   KQL_T_DATETIME, KQL_T_TIMESPAN, KQL_T_DYNAMIC,
                                  KQL_T_GUID,   KQL_T_DECIMAL};
#define NT ((int)KQL_ARRAY_LEN(wtypes))

/* Keys rows use besides the wanted names: near misses and others. */
static const char *const other_keys[] = {"S", "ss", "s ", "dy", "dynn", "Timestamp", "DeviceName",
                                         "longer_key_name_past_sixteeN", "x", "y\\", "\xc3\xa8"};

/* Strings that mean something to some column type. */
static const char *const special_strings[] = {
    "123", "-5", " 12", "+7", "1e3", "1.5", "0x1F", "9223372036854775807", "99999999999999999999",
    "NaN", "nan", "-Infinity", "Infinity", "true", "FALSE", "tRuE", "yes",
    "2026-05-30T10:38:17.0458670Z", "2026-05-30", "2026-02-30T00:00:00Z", "Sat, 30 May 2026 12:34:56 GMT",
    "1.02:03:04", "5d", "00:30:00", "-00:00:00.5000000", "", " ", "abc",
    "3f2b8c1e-6d4a-4e9f-9b7c-0a1d2e3f4a5b", "{\"a\":1}", "[1,2]", "null"};

/* Blanks between tokens, mostly none; 'nl': newlines allowed. */
static void gen_blank(rng *g, tbuf *b, bool nl) {
  if (pick(g, 8) != 0) return;
  static const char *const bl[] = {" ", "\t", "  ", "\r", " \t ", "\n", "\r\n"};
  tputs(b, bl[pick(g, nl ? 7 : 5)]);
}

/* The body of a JSON string (no quotes) with escapes, unicode and long runs; no raw newline
** unless 'nl'. */
static void gen_string_body(rng *g, tbuf *b, bool nl) {
  unsigned parts = pick(g, 6);
  if (pick(g, 4) == 0) {
    const char *s = special_strings[pick(g, KQL_ARRAY_LEN(special_strings))];
    for (; *s; s++) { /* as JSON text */
      if (*s == '"' || *s == '\\') tputc(b, '\\');
      tputc(b, *s);
    }
    return;
  }
  for (unsigned k = 0; k < parts; k++) {
    char tmp[16];
    switch (pick(g, 14)) {
    case 0: tputs(b, "\\\""); break;
    case 1: tputs(b, "\\\\"); break;
    case 2: {
      static const char *const simple[] = {"\\/", "\\b", "\\f", "\\n", "\\r", "\\t"};
      tputs(b, simple[pick(g, 6)]);
      break;
    }
    case 3: { /* \uXXXX of the BMP, no surrogate, not U+0000 */
      unsigned u = 1 + pick(g, 0xD7FF);
      if (pick(g, 3) == 0) u = 1 + pick(g, 0x7F);
      snprintf(tmp, sizeof tmp, pick(g, 2) ? "\\u%04x" : "\\u%04X", u);
      tputs(b, tmp);
      break;
    }
    case 4: { /* a surrogate pair */
      unsigned cp = 0x10000 + pick(g, 0x100000);
      snprintf(tmp, sizeof tmp, "\\u%04x\\u%04x", 0xD800 + ((cp - 0x10000) >> 10),
               0xDC00 + ((cp - 0x10000) & 0x3FF));
      tputs(b, tmp);
      break;
    }
    case 5: tputs(b, "\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80"); break; /* raw UTF-8 */
    case 6: { /* a raw control character */
      char c = (char)(1 + pick(g, 31));
      if (c == '\n' && !nl) c = '\t';
      tputc(b, c);
      break;
    }
    case 7: tputs(b, "\x7f\xff"); break; /* not UTF-8: bytes are kept */
    case 8: { /* a long run, crossing 16-byte blocks */
      unsigned n = pick(g, 3) == 0 ? 100 + pick(g, 3000) : 10 + pick(g, 40);
      for (unsigned i = 0; i < n; i++) tputc(b, (char)('a' + pick(g, 26)));
      break;
    }
    case 9: tputs(b, "C:\\\\Windows\\\\System32\\\\cmd.exe"); break;
    default: tputs(b, "word "); break;
    }
  }
}

static void gen_number(rng *g, tbuf *b) {
  static const char *const fixed[] = {"0",      "-0",     "1",         "-1",       "0.5",
                                      "-0.0",   "1e5",    "1E-3",      "2.5e+10",  "1e400",
                                      "-1e400", "5e-324", "1.0",       "2147483647", "2147483648",
                                      "-2147483648", "-2147483649", "123456789012345", "1e15",
                                      "0.1",    "3.14159265358979323846264338327950288419716939937510"};
  char tmp[40];
  switch (pick(g, 4)) {
  case 0: tputs(b, fixed[pick(g, KQL_ARRAY_LEN(fixed))]); break;
  case 1:
    snprintf(tmp, sizeof tmp, "%lld", (long long)(rnd(g) % 1000000000000000ULL) * (pick(g, 2) ? 1 : -1));
    tputs(b, tmp);
    break;
  case 2:
    snprintf(tmp, sizeof tmp, "%d", (int)pick(g, 100000) - 50000);
    tputs(b, tmp);
    break;
  default:
    snprintf(tmp, sizeof tmp, "%.*g", 1 + (int)pick(g, 17), ((double)rnd(g) / 1e10) * (pick(g, 2) ? 1 : -1));
    tputs(b, tmp);
    break;
  }
}

static void gen_key(rng *g, tbuf *b);

/* Any JSON value; containers up to 'depth' levels more. */
static void gen_value(rng *g, tbuf *b, int depth, bool nl) {
  unsigned k = pick(g, depth > 0 ? 9 : 7);
  switch (k) {
  case 0:
  case 1:
  case 2:
    tputc(b, '"');
    gen_string_body(g, b, nl);
    tputc(b, '"');
    break;
  case 3:
  case 4: gen_number(g, b); break;
  case 5: tputs(b, pick(g, 2) ? "true" : "false"); break;
  case 6: tputs(b, "null"); break;
  default: {
    bool obj = k == 7;
    unsigned n = pick(g, 5);
    tputc(b, obj ? '{' : '[');
    gen_blank(g, b, nl);
    for (unsigned i = 0; i < n; i++) {
      if (i) {
        tputc(b, ',');
        gen_blank(g, b, nl);
      }
      if (obj) {
        gen_key(g, b);
        gen_blank(g, b, nl);
        tputc(b, ':');
        gen_blank(g, b, nl);
      }
      gen_value(g, b, depth - 1, nl);
      gen_blank(g, b, nl);
    }
    tputc(b, obj ? '}' : ']');
    break;
  }
  }
}

/* A key: a wanted name (maybe escaped), a near miss or another key. */
static void gen_key(rng *g, tbuf *b) {
  tputc(b, '"');
  unsigned k = pick(g, 10);
  const char *name = k < 7 ? wnames[pick(g, NW)] : other_keys[pick(g, KQL_ARRAY_LEN(other_keys))];
  bool esc = pick(g, 6) == 0;
  for (const char *s = name; *s; s++) {
    char tmp[8];
    if (*s == '"' || *s == '\\') {
      tputc(b, '\\');
      tputc(b, *s);
    } else if (esc && (unsigned char)*s < 0x80) {
      snprintf(tmp, sizeof tmp, "\\u%04x", (unsigned)*s);
      tputs(b, tmp);
    } else {
      tputc(b, *s);
    }
  }
  tputc(b, '"');
}

/* A row object; 'nl': newlines allowed in blanks and strings. */
static void gen_row(rng *g, tbuf *b, bool nl) {
  gen_blank(g, b, false);
  tputc(b, '{');
  gen_blank(g, b, nl);
  unsigned n = pick(g, 14);
  for (unsigned i = 0; i < n; i++) {
    if (i) {
      tputc(b, ',');
      gen_blank(g, b, nl);
    }
    gen_key(g, b);
    gen_blank(g, b, nl);
    tputc(b, ':');
    gen_blank(g, b, nl);
    gen_value(g, b, 3, nl);
    gen_blank(g, b, nl);
  }
  tputc(b, '}');
  gen_blank(g, b, false);
}

/* Spoil the text in 'b' with one or two random edits. */
static void mutate(rng *g, tbuf *b) {
  static const char junk[] = "{}[]:,\"\\ 0123456789-+.eEtrufalsnu\x01\x7f\xff\t\r\x0b";
  unsigned edits = 1 + pick(g, 2);
  for (unsigned e = 0; e < edits && b->n > 0; e++) {
    size_t at = pick(g, (unsigned)b->n);
    switch (pick(g, 5)) {
    case 0: /* delete a byte */
      memmove(b->p + at, b->p + at + 1, b->n - at);
      b->n--;
      break;
    case 1: { /* insert a byte */
      char c = junk[pick(g, sizeof junk - 1)];
      tput(b, " ", 1);
      memmove(b->p + at + 1, b->p + at, b->n - at - 1);
      b->p[at] = c;
      break;
    }
    case 2: /* replace a byte */
      b->p[at] = junk[pick(g, sizeof junk - 1)];
      break;
    case 3: /* cut the text */
      b->n = at;
      b->p[at] = '\0';
      break;
    default: { /* repeat a piece */
      size_t len = pick(g, 12);
      if (at + len > b->n) len = b->n - at;
      char piece[16];
      memcpy(piece, b->p + at, len);
      size_t old = b->n;
      tput(b, piece, len);
      memmove(b->p + at + len, b->p + at, old - at);
      memcpy(b->p + at, piece, len);
      break;
    }
    }
  }
}

/* ---- the oracle and the comparison -------------------------------------------------- */

/* Are two values the same (type, nullness, payload; reals bit for bit, NaNs alike)? */
static bool same_value(const kql_value *a, const kql_value *b) {
  if (a->type != b->type || a->isnull != b->isnull) return false;
  if (a->isnull) return true;
  switch (a->type) {
  case KQL_T_BOOL: return a->u.b == b->u.b;
  case KQL_T_INT:
  case KQL_T_LONG:
  case KQL_T_DATETIME:
  case KQL_T_TIMESPAN: return a->u.i == b->u.i;
  case KQL_T_REAL:
  case KQL_T_DECIMAL:
    return (isnan(a->u.r) && isnan(b->u.r)) || memcmp(&a->u.r, &b->u.r, sizeof a->u.r) == 0;
  default: return a->u.s.n == b->u.s.n && memcmp(a->u.s.p, b->u.s.p, a->u.s.n) == 0;
  }
}

/* 'v' as text for failure messages. */
static const char *show(const kql_value *v, char *buf, size_t n) {
  if (v->isnull) {
    snprintf(buf, n, "null %s", val_type_name(v->type));
  } else if (val_is_str(v->type)) {
    snprintf(buf, n, "%s \"%.*s\"", val_type_name(v->type), (int)(v->u.s.n > 200 ? 200 : v->u.s.n),
             v->u.s.p);
  } else if (v->type == KQL_T_REAL || v->type == KQL_T_DECIMAL) {
    snprintf(buf, n, "%s %.17g", val_type_name(v->type), v->u.r);
  } else if (v->type == KQL_T_BOOL) {
    snprintf(buf, n, "bool %d", v->u.b);
  } else {
    snprintf(buf, n, "%s %lld", val_type_name(v->type), (long long)v->u.i);
  }
  return buf;
}

/* The columns a scanner wants: NW names with types rotated by 'rot'. */
typedef struct wantset {
  const char *names[NW]; /* names */
  kql_type types[NW];    /* types */
} wantset;

static void make_wantset(wantset *w, int rot) {
  for (int k = 0; k < NW; k++) {
    w->names[k] = wnames[k];
    w->types[k] = wtypes[(k + rot) % NT];
  }
}

/* What the cJSON path makes of a row. */
enum { OR_ERROR, OR_OK, OR_BAD };

/* A reader to parse single rows with (any small file will do). */
static jsonrd *oracle_reader(void) {
  static char path[] = "/tmp/kql_jsonscan_oracle.jsonl";
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs("{}\n", f);
  fclose(f);
  kql_diag d;
  jsonrd *r = jsonrd_open(path, &d);
  ck_assert_ptr_nonnull(r);
  return r;
}

/* The cJSON path on the row text 'p' of 'n' bytes: OR_ERROR when the reader refuses it,
** OR_BAD when a value does not fit its column, else OR_OK with the values in 'out'. */
static int oracle(jsonrd *r, const char *p, size_t n, const wantset *w, arena *a, kql_value *out) {
  jsonrd_place pl = {1, 1, 0};
  void *obj;
  kql_diag d;
  if (jsonrd_parse_row(r, p, n, &pl, &obj, &d) < 0) return OR_ERROR;
  int rc = OR_OK;
  for (int k = 0; k < NW; k++)
    if (json_to_value(json_member(obj, w->names[k]), w->types[k], a, &out[k]) == JSON_FIT_BAD)
      rc = OR_BAD;
  return rc;
}

/* Does the text hold an integer of 16 digits or more?  cJSON rounds those to doubles and the
** scanner keeps them whole (integers_keep_all_their_digits), so such rows are not compared. */
static bool has_long_integer(const char *p, size_t n) {
  for (size_t i = 0; i < n;) {
    if (p[i] < '0' || p[i] > '9') {
      i++;
      continue;
    }
    size_t j = i;
    while (j < n && p[j] >= '0' && p[j] <= '9') j++;
    size_t b = i > 0 && p[i - 1] == '-' ? i - 1 : i;
    bool after_ok = j >= n || (p[j] != '.' && p[j] != 'e' && p[j] != 'E');
    bool before_ok = b == 0 || !strchr("0123456789.eE+", p[b - 1]);
    if (j - i >= 16 && after_ok && before_ok) return true;
    i = j;
  }
  return false;
}

/* Counts of one comparison run. */
typedef struct tally {
  long rows, fast, oracle_ok;
} tally;

/* Compare scanner and oracle on one row.  'ordinary': the row holds nothing the scanner
** declines on purpose, so it must not decline a row the oracle takes. */
static void compare_row(jsonrd *r, jscan *js, const wantset *w, const char *p, size_t n,
                        bool ordinary, tally *t) {
  arena *a1 = arena_new(), *a2 = arena_new();
  kql_value want[NW], got[NW];
  if (has_long_integer(p, n)) {
    arena_free(a1);
    arena_free(a2);
    return;
  }
  int orc = oracle(r, p, n, w, a1, want);
  bool fast = jscan_row(js, p, n, a2, got);
  t->rows++;
  t->fast += fast;
  t->oracle_ok += orc == OR_OK;
  if (fast) {
    ck_assert_msg(orc == OR_OK, "scanner took a row cJSON %s: %.*s",
                  orc == OR_ERROR ? "refuses" : "finds a bad value in", (int)(n > 500 ? 500 : n), p);
    for (int k = 0; k < NW; k++) {
      char b1[256], b2[256];
      ck_assert_msg(same_value(&want[k], &got[k]), "column '%s' (%s): cJSON %s, scanner %s in %.*s",
                    w->names[k], val_type_name(w->types[k]), show(&want[k], b1, sizeof b1),
                    show(&got[k], b2, sizeof b2), (int)(n > 500 ? 500 : n), p);
    }
  } else if (ordinary) {
    ck_assert_msg(orc != OR_OK, "scanner declined an ordinary row: %.*s", (int)(n > 500 ? 500 : n), p);
  }
  arena_free(a1);
  arena_free(a2);
}

/* ---- rows ---------------------------------------------------------------------------- */

/* 'n' generated rows, or a tenth of them with KQL_TEST_LIGHT=1: CI's valgrind run, which
** looks for memory errors, not for rarer disagreements (the sanitizer run does all of them). */
static int rows_to_try(int n) {
  const char *e = getenv("KQL_TEST_LIGHT");
  return e && strcmp(e, "1") == 0 ? (n + 9) / 10 : n;
}

START_TEST(generated_rows_agree_with_cjson) {
  jsonrd *r = oracle_reader();
  rng g = {0x9E3779B97F4A7C15ULL + (uint64_t)_i};
  tally t = {0, 0, 0};
  for (int rot = 0; rot < NT; rot++) {
    wantset w;
    make_wantset(&w, rot);
    jscan *js = jscan_new(NW, w.names, w.types);
    for (int i = 0; i < rows_to_try(2000); i++) {
      tbuf b = {0};
      gen_row(&g, &b, pick(&g, 2));
      compare_row(r, js, &w, b.p, b.n, true, &t);
      free(b.p);
    }
    jscan_free(js);
  }
  ck_assert_int_gt(t.fast, t.rows / 10); /* many rows fit the columns and take the fast path */
  ck_assert_int_eq(t.fast, t.oracle_ok);
  jsonrd_close(r);
}
END_TEST

START_TEST(spoiled_rows_never_disagree) {
  jsonrd *r = oracle_reader();
  rng g = {0xD1B54A32D192ED03ULL + (uint64_t)_i};
  tally t = {0, 0, 0};
  for (int rot = 0; rot < NT; rot++) {
    wantset w;
    make_wantset(&w, rot);
    jscan *js = jscan_new(NW, w.names, w.types);
    for (int i = 0; i < 3000; i++) {
      tbuf b = {0};
      gen_row(&g, &b, pick(&g, 2));
      mutate(&g, &b);
      compare_row(r, js, &w, b.p ? b.p : "", b.n, false, &t);
      free(b.p);
    }
    jscan_free(js);
  }
  ck_assert_int_lt(t.oracle_ok, t.rows); /* some edits break rows... */
  ck_assert_int_gt(t.fast, 0);           /* ...and some do not */
  jsonrd_close(r);
}
END_TEST

/* Hand-written rows: 1 when the scanner must take the row, 0 when it must decline (cJSON
** refuses it, reads it differently, or it is one of the forms left to cJSON). */
static const struct {
  const char *text; /* the row */
  size_t len;       /* its length when it holds a NUL, else 0 */
  int fast;         /* expected outcome */
} hand_rows[] = {
    {"{}", 0, 1},
    {" \t{ } \r", 0, 1},
    {"{\"s\":\"plain\",\"l\":42,\"i\":-7,\"r\":1.5,\"b\":true}", 0, 1},
    {"{\"s\":1,\"s\":2}", 0, 1},                        /* the first of equal keys */
    {"{\"\\u0073\":\"escaped key\"}", 0, 1},             /* "s" spelled with an escape */
    {"{\"x\\\"y\":5,\"\":2.5}", 0, 1},                /* a quote in a key, an empty key */
    {"{\"s\":\"\\ud83d\\ude00 \\u00e9 \\u65e5\"}", 0, 1}, /* pair, 2- and 3-byte forms */
    {"{\"dyn\":{\"a\":[1,2.50,\"x\\/\"],\"b\":{}}}", 0, 1},
    {"{\"dyn\":[ 1 , [ ] , { } , null , true , \"\\u0001\" ]}", 0, 1},
    {"{\"dyn\":\"\\u007f\\u001f\\t\"}", 0, 1},
    {"{\"s\":{\"k\":[true,null]}}", 0, 1},              /* a container as a string */
    {"{\"dt\":\"\",\"ts\":\"\"}", 0, 1},                /* empty datetime: null */
    {"{\"r\":\"NaN\",\"dec\":\"-Infinity\",\"l\":\" 12\",\"i\":\"+5\"}", 0, 1},
    {"{\"s\":1e400,\"r\":-1e400,\"dyn\":1e400}", 0, 1}, /* infinities */
    {"{\"s\":-0,\"l\":-0,\"dyn\":-0,\"r\":-0.0}", 0, 1},
    {"{\"s\":0.1,\"dyn\":0.30000000000000004,\"g\":1e21}", 0, 1},
    {"{\"a\":123456789012345678901234567890123456789012345678901234567890123}", 0, 1}, /* 63 */
    {"{\"a\":1234567890123456789012345678901234567890123456789012345678901234}", 0, 0}, /* 64 */
    {"{\"a\":01}", 0, 0},      /* cJSON reads 1 */
    {"{\"a\":1.}", 0, 0},      /* cJSON reads 1 */
    {"{\"a\":-}", 0, 0},
    {"{\"a\":.5}", 0, 0},
    {"{\"a\":+1}", 0, 0},
    {"{\"a\":1e}", 0, 0},
    {"{\"a\":\"\\uZZZZ\"}", 0, 0}, /* cJSON reads U+0000 */
    {"{\"a\":\"\\u0000\"}", 0, 0}, /* the reader refuses \u0000 */
    {"{\"a\":\"x\\u0000\"}", 0, 0},
    {"{\"a\":\"\\ud800\"}", 0, 0},
    {"{\"a\":\"\\udc00\"}", 0, 0},
    {"{\"a\":\"\\ud800\\u0041\"}", 0, 0},
    {"{\"a\":\"\\x\"}", 0, 0},
    {"{\"a\":\"a\0b\"}", 11, 0},  /* a raw NUL */
    {"{\"a\":1,\0}", 9, 0},
    {"{\"a\":\x01 1}", 0, 0},      /* cJSON takes bytes below 33 for blanks */
    {"{\"a\":1\x0b}", 0, 0},
    {"\xEF\xBB\xBF{\"a\":1}", 0, 0}, /* cJSON skips a mark at the start */
    {"{\"a\":nul}", 0, 0},
    {"{\"a\":nulll}", 0, 0},
    {"{\"a\":truex}", 0, 0},
    {"{\"a\":True}", 0, 0},
    {"{\"a\":NaN}", 0, 0},
    {"{\"a\":1,}", 0, 0},
    {"{,}", 0, 0},
    {"{\"a\" 1}", 0, 0},
    {"{\"a\":1 \"b\":2}", 0, 0},
    {"{\"a\":[1,]}", 0, 0},
    {"{\"a\":{\"b\" :1,}}", 0, 0},
    {"{\"a\":1}}", 0, 0},
    {"{\"a\":1} x", 0, 0},
    {"{\"a\":1", 0, 0},
    {"{\"a\":\"abc", 0, 0},
    {"[1,2]", 0, 0},            /* not an object */
    {"\"text\"", 0, 0},
    {"", 0, 0},
    {"   ", 0, 0},
    {"{\"l\":\"abc\"}", 0, 0},  /* does not fit: the cJSON path reports it */
    {"{\"l\":1.5}", 0, 0},
    {"{\"i\":3000000000}", 0, 0},
    {"{\"b\":2}", 0, 0},
    {"{\"dt\":\"yesterday\"}", 0, 0},
    {"{\"dt\":5}", 0, 0},
    {"{\"r\":true}", 0, 0},
    {"{\"l\":[1]}", 0, 0},
};

START_TEST(hand_written_rows) {
  jsonrd *r = oracle_reader();
  wantset w;
  make_wantset(&w, 0); /* s string, l long, i int, r real, b bool, dt datetime, ts timespan,
                          dyn dynamic, g guid, dec decimal */
  jscan *js = jscan_new(NW, w.names, w.types);
  const char *text = hand_rows[_i].text;
  size_t n = hand_rows[_i].len ? hand_rows[_i].len : strlen(text);
  arena *a = arena_new();
  kql_value got[NW];
  bool fast = jscan_row(js, text, n, a, got);
  ck_assert_msg(fast == (hand_rows[_i].fast == 1), "row %d: scanner %s %s", _i,
                fast ? "took" : "declined", text);
  tally t = {0, 0, 0};
  compare_row(r, js, &w, text, n, hand_rows[_i].fast == 1, &t);
  arena_free(a);
  jscan_free(js);
  jsonrd_close(r);
}
END_TEST

START_TEST(integers_keep_all_their_digits) {
  /* cJSON reads numbers as doubles; the scanner keeps integers of 64 bits whole. */
  const char *names[] = {"l", "s", "dyn", "r"};
  kql_type types[] = {KQL_T_LONG, KQL_T_STRING, KQL_T_DYNAMIC, KQL_T_REAL};
  jscan *js = jscan_new(4, names, types);
  arena *a = arena_new();
  kql_value v[4];
  static const struct {
    const char *num;  /* the number */
    int64_t l;        /* as a long */
    const char *dyn;  /* as text in a string or dynamic column */
  } cases[] = {
      {"9007199254740993", INT64_C(9007199254740993), "9007199254740993"},
      {"9223372036854775807", INT64_MAX, "9223372036854775807"},
      {"-9223372036854775808", INT64_MIN, "-9223372036854775808"},
      {"1234567890123456", INT64_C(1234567890123456), "1234567890123456"},
      {"-42", -42, "-42"},
  };
  for (size_t i = 0; i < KQL_ARRAY_LEN(cases); i++) {
    char row[256];
    int n = snprintf(row, sizeof row, "{\"l\":%s,\"s\":%s,\"dyn\":%s,\"r\":%s}", cases[i].num,
                     cases[i].num, cases[i].num, cases[i].num);
    ck_assert(jscan_row(js, row, (size_t)n, a, v));
    ck_assert_int_eq(v[0].type, KQL_T_LONG);
    ck_assert(v[0].u.i == cases[i].l);
    ck_assert_str_eq(arena_strndup(a, v[1].u.s.p, v[1].u.s.n), cases[i].dyn);
    ck_assert_str_eq(arena_strndup(a, v[2].u.s.p, v[2].u.s.n), cases[i].dyn);
    ck_assert(v[3].u.r == strtod(cases[i].num, NULL));
  }
  /* beyond 64 bits a number is a double again, as for cJSON: no long, a real */
  const char *row = "{\"l\":18446744073709551616,\"s\":18446744073709551616,\"r\":1e2}";
  ck_assert(!jscan_row(js, row, strlen(row), a, v));
  row = "{\"s\":18446744073709551616,\"dyn\":18446744073709551616,\"r\":1e2}";
  ck_assert(jscan_row(js, row, strlen(row), a, v));
  ck_assert_str_eq(arena_strndup(a, v[1].u.s.p, v[1].u.s.n), "1.8446744073709552e+19");
  ck_assert_str_eq(arena_strndup(a, v[2].u.s.p, v[2].u.s.n), "1.8446744073709552e+19");
  ck_assert(v[3].u.r == 100.0);
  arena_free(a);
  jscan_free(js);
}
END_TEST

START_TEST(table_rows_are_keyed_by_column_names) {
  const char *names[] = {"A", "B", "C"};
  kql_type types[] = {KQL_T_STRING, KQL_T_LONG, KQL_T_DYNAMIC};
  jscan *js = jscan_new(3, names, types);
  char c0[] = "B", c1[] = "X", c2[] = "A", c3[] = "B";
  char *cols[] = {c0, c1, c2, c3}; /* a repeated column: the first one counts */
  jscan_set_columns(js, cols, 4);
  arena *a = arena_new();
  kql_value v[3];
  const char *row = "[ 7, {\"x\":1}, \"alpha\", 9 ]";
  ck_assert(jscan_row(js, row, strlen(row), a, v));
  ck_assert_str_eq(arena_strndup(a, v[0].u.s.p, v[0].u.s.n), "alpha");
  ck_assert(v[1].u.i == 7);
  ck_assert(v[2].isnull); /* no column C */
  row = "[7, 1, \"alpha\"]"; /* three values for four columns */
  ck_assert(!jscan_row(js, row, strlen(row), a, v));
  row = "[7, 1, \"alpha\", 9, 10]";
  ck_assert(!jscan_row(js, row, strlen(row), a, v));
  row = "{\"A\":\"x\"}"; /* an object where an array is expected */
  ck_assert(!jscan_row(js, row, strlen(row), a, v));
  jscan_set_columns(js, NULL, 0); /* back to objects */
  ck_assert(jscan_row(js, row, strlen(row), a, v));
  ck_assert_str_eq(arena_strndup(a, v[0].u.s.p, v[0].u.s.n), "x");
  arena_free(a);
  jscan_free(js);
}
END_TEST

START_TEST(huge_strings_with_escapes_at_every_offset) {
  jsonrd *r = oracle_reader();
  wantset w;
  make_wantset(&w, 0);
  jscan *js = jscan_new(NW, w.names, w.types);
  tally t = {0, 0, 0};
  rng g = {77};
  for (int round = 0; round < 64; round++) {
    tbuf b = {0};
    tputs(&b, "{\"other\":\"");
    size_t len = 1000 + pick(&g, 100000);
    for (size_t i = 0; i < len; i++) {
      unsigned k = pick(&g, 50);
      if (k == 0) tputs(&b, "\\\"");
      else if (k == 1) tputs(&b, "\\\\");
      else if (k == 2) tputs(&b, "\\u00e9");
      else tputc(&b, (char)('a' + k % 26));
    }
    tputs(&b, "\",\"s\":\"");
    for (size_t i = 0; i < len; i++) tputs(&b, pick(&g, 40) == 0 ? "\\n" : "z");
    tputs(&b, round % 2 ? "\"}" : "\"}\t ");
    compare_row(r, js, &w, b.p, b.n, true, &t);
    free(b.p);
  }
  ck_assert_int_eq(t.fast, t.rows);
  jscan_free(js);
  jsonrd_close(r);
}
END_TEST

START_TEST(nesting_is_followed_to_a_depth_then_left_to_cjson) {
  jsonrd *r = oracle_reader();
  wantset w;
  make_wantset(&w, 0);
  jscan *js = jscan_new(NW, w.names, w.types);
  tally t = {0, 0, 0};
  static const int depths[] = {1, 10, JSCAN_MAX_DEPTH - 1, JSCAN_MAX_DEPTH, JSCAN_MAX_DEPTH + 1, 999, 1000};
  for (size_t i = 0; i < KQL_ARRAY_LEN(depths); i++) {
    for (int key = 0; key < 2; key++) { /* an unwanted key (skipped), a dynamic one (printed) */
      tbuf b = {0};
      tputs(&b, key ? "{\"dyn\":" : "{\"other\":");
      for (int k = 0; k < depths[i]; k++) tputs(&b, k % 2 ? "{\"k\":" : "[");
      tputs(&b, "1");
      for (int k = depths[i] - 1; k >= 0; k--) tputs(&b, k % 2 ? "}" : "]");
      tputs(&b, "}");
      arena *a = arena_new();
      kql_value v[NW];
      bool fast = jscan_row(js, b.p, b.n, a, v);
      ck_assert_msg(fast == (depths[i] < JSCAN_MAX_DEPTH), "depth %d key %d", depths[i], key);
      compare_row(r, js, &w, b.p, b.n, false, &t);
      arena_free(a);
      free(b.p);
    }
  }
  jscan_free(js);
  jsonrd_close(r);
}
END_TEST

/* ---- whole files, read both ways ----------------------------------------------------- */

/* What reading a file gave: every row's values as text, and how it ended. */
typedef struct readout {
  tbuf rows;      /* "line: v1|v2|...\n" per row */
  int rc;         /* 0 at the end, -1 on an error */
  kql_diag d;     /* the error */
  long fast;      /* rows the scanner took */
} readout;

static void put_values(tbuf *b, long line, const kql_value *v, int n) {
  char tmp[64];
  snprintf(tmp, sizeof tmp, "%ld:", line);
  tputs(b, tmp);
  for (int k = 0; k < n; k++) {
    char s[512];
    tputs(b, show(&v[k], s, sizeof s));
    tputc(b, '|');
  }
  tputc(b, '\n');
}

/* Columns to read from a file. */
typedef struct colset {
  int n;                    /* how many */
  const char *const *names; /* their names */
  const kql_type *types;    /* their types */
} colset;

/* Read 'path' the old way: jsonrd_next, json_member, json_to_value (a bad value is shown as
** "BAD"). */
static void read_cols_old(const char *path, const colset *w, readout *o) {
  memset(o, 0, sizeof *o);
  jsonrd *r = jsonrd_open(path, &o->d);
  ck_assert_ptr_nonnull(r);
  void *obj;
  long line;
  arena *a = arena_new();
  kql_value *v = calloc((size_t)w->n + 1, sizeof *v);
  while ((o->rc = jsonrd_next(r, &obj, &line, &o->d)) == 1) {
    bool bad = false;
    for (int k = 0; k < w->n; k++)
      bad |= json_to_value(json_member(obj, w->names[k]), w->types[k], a, &v[k]) == JSON_FIT_BAD;
    put_values(&o->rows, line, v, w->n);
    if (bad) tputs(&o->rows, "BAD\n");
    arena_reset(a);
  }
  free(v);
  arena_free(a);
  jsonrd_close(r);
}

/* Read 'path' the new way: jsonrd_next_row, the scanner, and the cJSON path for the rows it
** declines (as scan.c does). */
static void read_cols_new(const char *path, const colset *w, readout *o) {
  memset(o, 0, sizeof *o);
  jsonrd *r = jsonrd_open(path, &o->d);
  ck_assert_ptr_nonnull(r);
  jscan *js = jscan_new(w->n, w->names, w->types);
  kql_value *v = calloc((size_t)w->n + 1, sizeof *v);
  arena *a = arena_new();
  const char *text;
  size_t n;
  jsonrd_place pl;
  while ((o->rc = jsonrd_next_row(r, &text, &n, &pl, &o->d)) == 1) {
    int ncols = 0;
    char *const *cols = jsonrd_columns(r, &ncols);
    jscan_set_columns(js, cols, ncols);
    char *copy = malloc(n + 1); /* as the scan does: a copy, parsed after the reader moved on */
    memcpy(copy, text, n);
    if (jscan_row(js, copy, n, a, v)) {
      o->fast++;
      put_values(&o->rows, pl.line, v, w->n);
    } else {
      void *obj;
      if (jsonrd_parse_row(r, copy, n, &pl, &obj, &o->d) < 0) {
        o->rc = -1;
        free(copy);
        break;
      }
      bool bad = false;
      for (int k = 0; k < w->n; k++)
        bad |= json_to_value(json_member(obj, w->names[k]), w->types[k], a, &v[k]) == JSON_FIT_BAD;
      put_values(&o->rows, pl.line, v, w->n);
      if (bad) tputs(&o->rows, "BAD\n");
    }
    free(copy);
    arena_reset(a);
  }
  free(v);
  arena_free(a);
  jscan_free(js);
  jsonrd_close(r);
}

static void read_old(const char *path, const wantset *w, readout *o) {
  colset c = {NW, w->names, w->types};
  read_cols_old(path, &c, o);
}

static void read_new(const char *path, const wantset *w, readout *o) {
  colset c = {NW, w->names, w->types};
  read_cols_new(path, &c, o);
}

/* Read 'path' both ways with columns 'c' and compare; returns rows the scanner took. */
static long compare_file(const char *path, const colset *c) {
  readout a, b;
  read_cols_old(path, c, &a);
  read_cols_new(path, c, &b);
  ck_assert_msg(a.rc == b.rc, "%s: old rc %d, new rc %d", path, a.rc, b.rc);
  ck_assert_msg(strcmp(a.rows.p ? a.rows.p : "", b.rows.p ? b.rows.p : "") == 0,
                "%s: rows differ:\nold %.1500s\nnew %.1500s", path, a.rows.p ? a.rows.p : "",
                b.rows.p ? b.rows.p : "");
  if (a.rc < 0) {
    ck_assert_str_eq(a.d.msg, b.d.msg);
    ck_assert_int_eq(a.d.line, b.d.line);
    ck_assert_int_eq(a.d.col, b.d.col);
  }
  free(a.rows.p);
  free(b.rows.p);
  return b.fast;
}

/* File layouts. */
enum { LAY_LINES, LAY_ARRAY, LAY_TABLE, LAY_SEQ, LAY_COUNT };

/* Write a file of 'nrows' generated rows in layout 'lay'; row 'bad' (or none: -1) is spoiled. */
static void gen_file(rng *g, const char *path, int lay, int nrows, int bad) {
  tbuf b = {0};
  if (pick(g, 4) == 0) tputs(&b, "\xEF\xBB\xBF");
  if (lay == LAY_ARRAY) tputs(&b, "[\n");
  if (lay == LAY_TABLE) {
    tputs(&b, "{\"tables\":[{\"name\":\"PrimaryResult\",\"columns\":[");
    for (int k = 0; k < NW; k++)
      tputs(&b, k ? ",{\"name\":\"" : "{\"name\":\""), tputs(&b, k == 11 ? "x\\\"y" : wnames[k]),
          tputs(&b, "\",\"type\":\"string\"}");
    tputs(&b, ",{\"name\":\"s\"}],\n\"rows\":[\n"); /* a repeated column name at the end */
  }
  for (int i = 0; i < nrows; i++) {
    tbuf row = {0};
  again:
    row.n = 0;
    if (lay == LAY_TABLE) {
      tputc(&row, '[');
      for (int k = 0; k <= NW; k++) {
        if (k) tputc(&row, ',');
        gen_blank(g, &row, true);
        gen_value(g, &row, 2, true);
      }
      tputc(&row, ']');
    } else {
      gen_row(g, &row, lay != LAY_LINES);
    }
    if (i == bad) mutate(g, &row);
    if (row.p && has_long_integer(row.p, row.n)) goto again; /* see has_long_integer() */
    if (lay == LAY_SEQ && row.p && strchr(row.p, '{')) { /* "{" alone on a line: not JSON Lines */
      char *brace = strchr(row.p, '{');
      size_t at = (size_t)(brace - row.p) + 1, old = row.n;
      tputc(&row, '\n');
      memmove(row.p + at + 1, row.p + at, old - at);
      row.p[at] = '\n';
    }
    if (row.p) tputs(&b, row.p);
    free(row.p);
    switch (lay) {
    case LAY_LINES:
      tputs(&b, pick(g, 5) == 0 ? "\r\n" : "\n");
      if (pick(g, 20) == 0) tputs(&b, pick(g, 2) ? "\n" : "  \t\r\n");
      break;
    case LAY_SEQ: tputs(&b, pick(g, 2) ? "\n" : "\n\n"); break;
    default:
      if (i + 1 < nrows) tputs(&b, pick(g, 2) ? ",\n" : "\n,");
      else tputc(&b, '\n');
      break;
    }
  }
  if (lay == LAY_ARRAY) tputs(&b, "]\n");
  if (lay == LAY_TABLE) tputs(&b, "]}]}\n");
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  if (b.n) ck_assert_uint_eq(fwrite(b.p, 1, b.n, f), b.n);
  fclose(f);
  free(b.p);
}

START_TEST(files_read_the_same_both_ways) {
  rng g = {1000 + (uint64_t)_i};
  char path[64];
  snprintf(path, sizeof path, "/tmp/kql_jsonscan_%d_%d.json", (int)getpid(), _i);
  long fast = 0, rows = 0;
  for (int f = 0; f < 40; f++) {
    int lay = (int)pick(&g, LAY_COUNT);
    int nrows = 1 + (int)pick(&g, 60);
    int bad = pick(&g, 2) ? (int)pick(&g, (unsigned)nrows) : -1;
    gen_file(&g, path, lay, nrows, bad);
    wantset w;
    make_wantset(&w, (int)pick(&g, NT));
    readout a, b;
    read_old(path, &w, &a);
    read_new(path, &w, &b);
    ck_assert_msg(a.rc == b.rc, "file %d (layout %d): old rc %d, new rc %d", f, lay, a.rc, b.rc);
    ck_assert_str_eq(a.rows.p ? a.rows.p : "", b.rows.p ? b.rows.p : "");
    if (a.rc < 0) {
      ck_assert_str_eq(a.d.msg, b.d.msg);
      ck_assert_int_eq(a.d.line, b.d.line);
      ck_assert_int_eq(a.d.col, b.d.col);
      ck_assert_str_eq(a.d.file, b.d.file);
    }
    fast += b.fast;
    rows += nrows;
    free(a.rows.p);
    free(b.rows.p);
  }
  ck_assert_int_gt(fast, rows / 20);
  unlink(path);
}
END_TEST

/* The JSON files under the project's data/ and tests/ folders. */
static tbuf project_files;

/* Add the JSON files under folder 'dir' to project_files. */
static void collect_json(const char *dir) {
  DIR *dp = opendir(dir);
  if (dp == NULL) return;
  struct dirent *de;
  while ((de = readdir(dp)) != NULL) {
    if (de->d_name[0] == '.') continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    struct stat st;
    if (lstat(path, &st) != 0) continue;
    size_t n = strlen(path);
    if (S_ISDIR(st.st_mode)) {
      collect_json(path);
    } else if (S_ISREG(st.st_mode) && ((n > 5 && strcmp(path + n - 5, ".json") == 0) ||
                                       (n > 6 && strcmp(path + n - 6, ".jsonl") == 0) ||
                                       (n > 7 && strcmp(path + n - 7, ".ndjson") == 0))) {
      tputs(&project_files, path);
      tputc(&project_files, '\n');
    }
  }
  closedir(dp);
}

START_TEST(every_json_file_of_the_project_reads_the_same) {
  const char *root = getenv("KQL_TEST_SRC");
  if (root == NULL) return; /* run from meson, which sets it */
  char dirpath[1024];
  static const char *const dirs[] = {"data", "tests"};
  for (size_t i = 0; i < KQL_ARRAY_LEN(dirs); i++) {
    snprintf(dirpath, sizeof dirpath, "%s/%s", root, dirs[i]);
    collect_json(dirpath);
  }
  ck_assert_ptr_nonnull(project_files.p);
  long files = 0, fast = 0;
  for (char *path = project_files.p, *nl; (nl = strchr(path, '\n')) != NULL; path = nl + 1) {
    *nl = '\0';
    files++;
    /* the columns inferred from the file, then the same names as dynamic and as string */
    cat_col *cols = NULL;
    int ncols = 0;
    kql_diag d;
    if (json_infer_schema(path, &cols, &ncols, &d) != KQL_OK) ncols = 0;
    const char **names = calloc((size_t)ncols + NW + 1, sizeof *names);
    kql_type *types = calloc((size_t)ncols + NW + 1, sizeof *types);
    for (int k = 0; k < ncols; k++) names[k] = cols[k].name, types[k] = cols[k].type;
    for (int k = 0; k < NW; k++) names[ncols + k] = wnames[k], types[ncols + k] = wtypes[k % NT];
    colset c = {ncols + NW, names, types};
    fast += compare_file(path, &c);
    for (int k = 0; k < c.n; k++) types[k] = KQL_T_DYNAMIC;
    compare_file(path, &c);
    for (int k = 0; k < c.n; k++) types[k] = KQL_T_STRING;
    compare_file(path, &c);
    for (int k = 0; k < ncols; k++) free(cols[k].name);
    free(cols);
    free(names);
    free(types);
  }
  ck_assert_int_gt(files, 10);
  ck_assert_int_gt(fast, 0);
}
END_TEST

/* ---- through the engine, with and without worker threads --------------------------- */

static char edir[256];

/* Make the temporary data folder 'edir' from the mkdtemp template 'tmpl', with the schema
** file schemas/T.json holding 'schema'. */
static void make_edir(const char *tmpl, const char *schema) {
  snprintf(edir, sizeof edir, "%s", tmpl);
  ck_assert_ptr_nonnull(mkdtemp(edir));
  char path[512];
  snprintf(path, sizeof path, "%s/schemas", edir);
  mkdir(path, 0700);
  snprintf(path, sizeof path, "%s/schemas/T.json", edir);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(schema, f);
  fclose(f);
}

/* Run 'q' over the folder edir with the environment 'env' ("NAME=VALUE", or NULL): the rows as
** NDJSON and the status, diagnostic and warning, all as one text. */
static char *run_query(const char *q, const char *env) {
  char envbuf[64];
  if (env) {
    snprintf(envbuf, sizeof envbuf, "%s", env);
    putenv(envbuf);
  }
  kql_engine *e = kql_engine_new();
  kql_diag d;
  memset(&d, 0, sizeof d);
  ck_assert_int_eq(kql_engine_add_data_dir(e, edir, &d), KQL_OK);
  kql_query *qq = kql_query_compile(e, q, strlen(q), &d);
  ck_assert_msg(qq != NULL, "%s", d.msg);
  char *out = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&out, &len);
  kql_status st = kql_query_run_to(qq, f, KQL_FMT_NDJSON, 0, &d);
  fprintf(f, "status %d", (int)st);
  if (st != KQL_OK) fprintf(f, " %s:%ld:%ld: %s", d.file, d.line, d.col, d.msg);
  if (kql_query_warning(qq)) fprintf(f, "\nwarning %s", kql_query_warning(qq));
  fclose(f);
  kql_query_free(qq);
  kql_engine_free(e);
  if (env) {
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(strchr(env, '=') - env), env);
    unsetenv(name);
  }
  return out;
}

START_TEST(threaded_scan_gives_what_the_cjson_scan_gives) {
  make_edir("/tmp/kql-jsonscan-XXXXXX",
            "{\"T\": {\"s\": \"string\", \"l\": \"long\", \"i\": \"int\", \"r\": \"real\", \"b\": \"bool\", "
            "\"dt\": \"datetime\", \"ts\": \"timespan\", \"dyn\": \"dynamic\", \"g\": \"guid\", "
            "\"dec\": \"decimal\"}}");
  char path[512];
  rng g = {4242 + (uint64_t)_i};
  /* about 2 MB of rows: several jobs and batches, so that worker threads start */
  snprintf(path, sizeof path, "%s/T.jsonl", edir);
  int lay = _i % 2 ? LAY_ARRAY : LAY_LINES;
  if (lay == LAY_ARRAY) snprintf(path, sizeof path, "%s/T.json", edir);
  int bad = _i < 2 ? -1 : 1000 + (int)pick(&g, 4000);
  gen_file(&g, path, lay, 6000, bad);
  static const char *const queries[] = {
      "T | project s, l, i, r, b, dt, ts, dyn, g, dec",
      "T | summarize n = count(), ls = sum(l), m = max(dt) by b",
      "T | take 1500 | count",
  };
  for (size_t q = 0; q < KQL_ARRAY_LEN(queries); q++) {
    char *slow = run_query(queries[q], "KQL_SLOW_SCAN=1");
    char *one = run_query(queries[q], "KQL_SCAN_THREADS=1");
    char *two = run_query(queries[q], "KQL_SCAN_THREADS=2");
    char *four = run_query(queries[q], "KQL_SCAN_THREADS=4");
    ck_assert_str_eq(slow, one);
    ck_assert_str_eq(slow, two);
    ck_assert_str_eq(slow, four);
    free(slow);
    free(one);
    free(two);
    free(four);
  }
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", edir);
  ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ---- the raw-text filter (jsfilter) -------------------------------------------------- */

START_TEST(raw_filter_takes_only_literals_the_text_cannot_hide) {
  static const struct {
    const char *lit;
    bool ok;
  } cases[] = {
      {"GlavSoft", true}, {"TightVNC", true}, {"Tight VNC", true}, {"x1", true},
      {"cmd.exe", true},  {"a-b_c", true},    {"q", true},         {"E1x", true},
      {"", false},                 /* matches everything */
      {"a/b", false},              /* '/' may be written \/ */
      {"a\"b", false},             /* escaped in JSON text */
      {"a\\b", false},             /* escaped in JSON text */
      {"a,b", false},              /* a printed array or object regroups around , : [ ] { } */
      {"a:b", false},      {"[a", false},       {"}", false},
      {"123", false},              /* what a number turns into */
      {"1e5", false},      {"-1.5E+3", false}, {"e", false},
      {"inf", false},              /* a part of Infinity, NaN or null */
      {"Infinity", false}, {"NAN", false},     {"ull", false},
      {"-Infinity", false}, {"-inf", false},  /* a number past the range of a double */
      {"\xc3\xa9t\xc3\xa9", false}, /* not ASCII: case folding is not ASCII's */
      {"a\tb", false},             /* a control byte */
  };
  for (size_t i = 0; i < KQL_ARRAY_LEN(cases); i++)
    ck_assert_msg(jscan_lit_ok(cases[i].lit, strlen(cases[i].lit)) == cases[i].ok, "'%s'",
                  cases[i].lit);
}
END_TEST

/* Does the filter of the one literal 'lit' rule out row 'row'? */
static bool ruled_out(const char *row, bool arrays, const char *lit, bool icase) {
  arena *a = arena_new();
  jscan_lit l = {lit, strlen(lit), icase};
  jsfilter *f = jsfilter_new(a, 1, &l);
  bool out = jsfilter_rules_out(f, row, strlen(row), arrays);
  arena_free(a);
  return out;
}

static const struct {
  const char *row;
  bool arrays;      /* rows are arrays of values */
  const char *lit;
  bool icase;
  bool out;         /* the filter rules the row out */
} filter_rows[] = {
    {"{\"c\":\"GlavSoft\"}", false, "GlavSoft", true, false},
    {"{\"c\":\"glavsoft\"}", false, "GLAVSOFT", true, false},
    {"{\"c\":\"glavsoft\"}", false, "GlavSoft", false, true},  /* _cs: case matters */
    {"{\"c\":\"GlavSoft\"}", false, "GlavSoft", false, false},
    {"{\"c\":\"Microsoft\"}", false, "GlavSoft", true, true},
    {"  {\"c\":\"Microsoft\"} \r", false, "GlavSoft", true, true}, /* blanks around */
    {"{\"c\":\"Glav\\u0053oft\"}", false, "GlavSoft", true, false}, /* \u hides the term */
    {"{\"c\":\"Glav\\u0073oft\"}", false, "xyz", true, false},     /* any \u: read it */
    {"{\"c\":\"C:\\\\users\\\\x\"}", false, "GlavSoft", true, true}, /* \\ then u: no escape */
    {"{\"c\":\"C:\\\\\\u0041\"}", false, "GlavSoft", true, false},   /* \\ then \u0041 */
    {"{\"c\":\"a\\\\\\\\u\"}", false, "GlavSoft", true, true},       /* \\\\ then u */
    {"{\"c\":\"a\tb\"}", false, "GlavSoft", true, false},            /* a raw control byte */
    {"{\"c\":\"a\\tb\"}", false, "GlavSoft", true, true},            /* an escape is fine */
    {"{\"c\":\"GlavSoft\"", false, "xyz", true, false},  /* not framed: the full path words it */
    {"\"c\":\"x\"}", false, "xyz", true, false},
    {"[\"x\",\"y\"]", false, "xyz", true, false},         /* an array where objects are read */
    {"[\"x\",\"y\"]", true, "xyz", true, true},           /* a Log Analytics row */
    {"{\"c\":\"x\"}", true, "xyz", true, false},
    {"{}", false, "xyz", true, true},
    {"", false, "xyz", true, false},
    {"{\"c\":{\"d\":\"GlavSoft\"}}", false, "glavsoft", true, false},
    {"{\"GlavSoft\":1}", false, "glavsoft", true, false}, /* a key holds it: read the row */
};

START_TEST(raw_filter_hand_written_rows) {
  int i = _i;
  ck_assert_msg(ruled_out(filter_rows[i].row, filter_rows[i].arrays, filter_rows[i].lit,
                          filter_rows[i].icase) == filter_rows[i].out,
                "row %d: %s", i, filter_rows[i].row);
}
END_TEST

/* A literal, a '\u' escape and an escaped backslash before 'u' at every offset of long rows,
** both with AVX2 and without: what crosses a 16- or 32-byte block is found as well. */
START_TEST(raw_filter_finds_terms_at_every_offset) {
  for (int avx = 0; avx < 2; avx++) {
    if (!avx) setenv("KQL_NO_AVX2", "1", 1);
    arena *a = arena_new();
    jscan_lit lits[2] = {{"TightVNC", 8, true}, {"GlavSoft", 8, false}};
    jsfilter *f = jsfilter_new(a, 2, lits);
    jsfilter *one = jsfilter_new(a, 1, lits);
    unsetenv("KQL_NO_AVX2");
    for (int off = 0; off < 100; off++) {
      for (int len = 0; len < 80; len += 7) {
        char row[512];
        char pad[128];
        memset(pad, 'x', sizeof pad);
        /* the term at 'off', 'len' bytes of text after it */
        int n = snprintf(row, sizeof row, "{\"c\":\"%.*s%s%.*s\"}", off, pad, "tIGHTvnc", len, pad);
        ck_assert(!jsfilter_rules_out(one, row, (size_t)n, false));
        ck_assert(jsfilter_rules_out(f, row, (size_t)n, false)); /* no "GlavSoft" */
        n = snprintf(row, sizeof row, "{\"c\":\"%.*s%s%.*s\"}", off, pad, "TightVN", len, pad);
        ck_assert(jsfilter_rules_out(one, row, (size_t)n, false));
        n = snprintf(row, sizeof row, "{\"c\":\"%.*s\\u0041%.*s\"}", off, pad, len, pad);
        ck_assert_msg(!jsfilter_rules_out(one, row, (size_t)n, false), "%s", row);
        n = snprintf(row, sizeof row, "{\"c\":\"%.*s\\\\u0041%.*s\"}", off, pad, len, pad);
        ck_assert_msg(jsfilter_rules_out(one, row, (size_t)n, false), "%s", row);
        n = snprintf(row, sizeof row, "{\"c\":\"%.*s\x01%.*s\"}", off, pad, len, pad);
        ck_assert(!jsfilter_rules_out(one, row, (size_t)n, false));
        n = snprintf(row, sizeof row, "{\"c\":\"%.*sTightVNC%.*sGlavSoft\"}", off, pad, len, pad);
        ck_assert(!jsfilter_rules_out(f, row, (size_t)n, false));
      }
    }
    arena_free(a);
  }
}
END_TEST

/* The soundness of the filter against the cJSON path: a row whose string column holds the
** literal (as json_to_value makes it, from strings, numbers, objects ...) is never ruled
** out.  Literals are pieces of the row's values, their case changed for the icase ones. */
START_TEST(raw_filter_never_rules_out_a_row_holding_the_literal) {
  jsonrd *r = oracle_reader();
  rng g = {0x5851F42D4C957F2DULL + (uint64_t)_i};
  wantset w;
  make_wantset(&w, 0);
  for (int k = 0; k < NW; k++) w.types[k] = KQL_T_STRING;
  long tried = 0, out = 0;
  for (int i = 0; i < 3000; i++) {
    tbuf b = {0};
    gen_row(&g, &b, pick(&g, 2));
    arena *a = arena_new();
    kql_value v[NW];
    if (oracle(r, b.p, b.n, &w, a, v) != OR_ERROR) {
      for (int k = 0; k < NW; k++) {
        if (v[k].isnull || v[k].u.s.n == 0) continue;
        for (int t = 0; t < 4; t++) {
          size_t at = pick(&g, (unsigned)v[k].u.s.n), n = 1 + pick(&g, 12);
          if (at + n > v[k].u.s.n) n = v[k].u.s.n - at;
          char lit[16];
          memcpy(lit, v[k].u.s.p + at, n);
          bool icase = pick(&g, 2);
          for (size_t c = 0; icase && c < n; c++)
            if (pick(&g, 2) && ((lit[c] | 0x20) >= 'a' && (lit[c] | 0x20) <= 'z')) lit[c] ^= 0x20;
          if (!jscan_lit_ok(lit, n)) continue;
          jscan_lit l = {lit, n, icase};
          arena *fa = arena_new();
          if (pick(&g, 2)) setenv("KQL_NO_AVX2", "1", 1);
          jsfilter *f = jsfilter_new(fa, 1, &l);
          unsetenv("KQL_NO_AVX2");
          tried++;
          bool o = jsfilter_rules_out(f, b.p, b.n, false);
          ck_assert_msg(!o, "ruled out a row whose column '%s' holds '%.*s': %.*s", w.names[k],
                        (int)n, lit, (int)(b.n > 500 ? 500 : b.n), b.p);
          arena_free(fa);
        }
      }
      /* and a literal no value holds: ruled out unless the text could hide it */
      jscan_lit l = {"zq9Wv", 5, true};
      arena *fa = arena_new();
      out += jsfilter_rules_out(jsfilter_new(fa, 1, &l), b.p, b.n, false);
      arena_free(fa);
    }
    arena_free(a);
    free(b.p);
  }
  ck_assert_int_gt(tried, 1000);
  ck_assert_int_gt(out, 100); /* the filter does rule rows out */
  jsonrd_close(r);
}
END_TEST

/* Queries the filter applies to give the rows they give without it (KQL_RAWFILTER=0), over
** files of generated rows (no malformed row: one the filter passes over is not reported,
** and values that do not fit are counted only in the rows read, so warnings are not
** compared). */
static void strip_warning(char *s) {
  char *w = strstr(s, "\nwarning ");
  if (w) *w = '\0';
}

START_TEST(raw_filter_gives_the_rows_of_the_full_scan) {
  make_edir("/tmp/kql-rawfilter-XXXXXX",
            "{\"T\": {\"s\": \"string\", \"l\": \"long\", \"dyn\": \"dynamic\", \"g\": \"string\", "
            "\"longer_key_name_past_sixteen\": \"string\"}}");
  char path[512];
  rng g = {777 + (uint64_t)_i};
  snprintf(path, sizeof path, "%s/T.%s", edir, _i % 2 ? "json" : "jsonl");
  gen_file(&g, path, _i % 2 ? LAY_ARRAY : LAY_LINES, 6000, -1);
  static const char *const queries[] = {
      "T | where s has 'word' | count",
      "T | where s contains 'ab' | project s, l",
      "T | where s contains_cs 'AB' or g has 'x' | count",
      "T | where g =~ 'abc' | project g",
      "T | where 'abc' == s | project s",
      "T | where s startswith 'w' and g endswith 'd' | count",
      "T | where s has 'word' | where g hasprefix 'a' and longer_key_name_past_sixteen !has 'q' "
      "| summarize n = count() by l",
      "T | where s has 'word' and s matches regex 'w.r' | count", /* regex: no filter */
      "T | where s has 'null' | count",      /* a literal a number could become: no filter */
      "T | where dyn has 'word' | count",    /* a dynamic column: no filter */
  };
  for (size_t q = 0; q < KQL_ARRAY_LEN(queries); q++) {
    char *full = run_query(queries[q], "KQL_RAWFILTER=0");
    char *fast = run_query(queries[q], NULL);
    char *one = run_query(queries[q], "KQL_SCAN_THREADS=1");
    strip_warning(full);
    strip_warning(fast);
    strip_warning(one);
    ck_assert_msg(strstr(full, "status 0") != NULL, "%s: %s", queries[q], full);
    ck_assert_str_eq(full, fast);
    ck_assert_str_eq(full, one);
    free(full);
    free(fast);
    free(one);
  }
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", edir);
  ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *jsonscan_suite(void) {
  Suite *s = suite_create("jsonscan");
  struct {
    const char *name;  /* TCase name */
    const TTest *test; /* the test */
    int n;             /* loop count; 0 for a plain test */
  } cases[] = {
      {"generated_rows_agree_with_cjson", generated_rows_agree_with_cjson, 4},
      {"spoiled_rows_never_disagree", spoiled_rows_never_disagree, 4},
      {"hand_written_rows", hand_written_rows, (int)KQL_ARRAY_LEN(hand_rows)},
      {"integers_keep_all_their_digits", integers_keep_all_their_digits, 0},
      {"table_rows_are_keyed_by_column_names", table_rows_are_keyed_by_column_names, 0},
      {"huge_strings_with_escapes_at_every_offset", huge_strings_with_escapes_at_every_offset, 0},
      {"nesting_is_followed_to_a_depth_then_left_to_cjson",
       nesting_is_followed_to_a_depth_then_left_to_cjson, 0},
      {"files_read_the_same_both_ways", files_read_the_same_both_ways, 8},
      {"every_json_file_of_the_project_reads_the_same",
       every_json_file_of_the_project_reads_the_same, 0},
      {"threaded_scan_gives_what_the_cjson_scan_gives",
       threaded_scan_gives_what_the_cjson_scan_gives, 4},
      {"raw_filter_takes_only_literals_the_text_cannot_hide",
       raw_filter_takes_only_literals_the_text_cannot_hide, 0},
      {"raw_filter_hand_written_rows", raw_filter_hand_written_rows,
       (int)KQL_ARRAY_LEN(filter_rows)},
      {"raw_filter_finds_terms_at_every_offset", raw_filter_finds_terms_at_every_offset, 0},
      {"raw_filter_never_rules_out_a_row_holding_the_literal",
       raw_filter_never_rules_out_a_row_holding_the_literal, 4},
      {"raw_filter_gives_the_rows_of_the_full_scan", raw_filter_gives_the_rows_of_the_full_scan, 2},
  };
  for (size_t i = 0; i < KQL_ARRAY_LEN(cases); i++) {
    TCase *tc = tcase_create(cases[i].name);
    tcase_set_timeout(tc, 120);
    if (cases[i].n)
      tcase_add_loop_test(tc, cases[i].test, 0, cases[i].n);
    else
      tcase_add_test(tc, cases[i].test);
    suite_add_tcase(s, tc);
  }
  return s;
}
