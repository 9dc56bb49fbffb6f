/*
** string.c: Kusto's string functions: joining, slicing, searching, splitting, regular
** expressions (PCRE2 compiled with RE2-like options and match limits), trimming, replacing,
** translating, URL and base64 coding, path/URL/command-line/CSV parsing, hashes and the
** string-producing conversions (tohex, toguid, todecimal).  Positions count code points.
*/
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../json.h"
#include "impl.h"

#define STRREP_MAX 1024             /* strrep() repeats at most this often (Kusto's cap) */
#define OUT_MAX (64u * 1024 * 1024) /* longest string a function builds */
#define RE_MATCH_LIMIT 1000000      /* PCRE2 backtracking budget per match */
#define RE_DEPTH_LIMIT 10000        /* PCRE2 backtracking depth per match */

/* ---- a growable string in the batch arena ---- */

typedef struct sbuild {
  arena *a;   /* where the text lives */
  char *p;    /* bytes */
  size_t n;   /* used */
  size_t cap; /* room */
} sbuild;

static void sput(sbuild *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    while (cap < b->n + n + 1) cap *= 2;
    char *p = arena_alloc(b->a, cap);
    if (b->n) memcpy(p, b->p, b->n);
    b->p = p;
    b->cap = cap;
  }
  if (n) memcpy(b->p + b->n, s, n);
  b->n += n;
}

static kql_value sdone(sbuild *b) { return b->p ? val_str(b->p, b->n) : val_str("", 0); }

/* ---- regular expressions ----
** Each call compiles its pattern again (fn_ctx has no per-call-site slot to cache it in);
** compiled code and match data come from the batch arena through a PCRE2 general context,
** so nothing needs freeing.  Options approximate RE2: UTF-8, '$' only at the very end,
** invalid UTF-8 in subjects tolerated, and match/depth limits instead of RE2's linear time. */

static void *re_alloc(size_t n, void *data) { return arena_alloc((arena *)data, n); }
static void re_free(void *p, void *data) { (void)p, (void)data; }

bool fn_re_compile(fn_ctx *c, kql_value pattern, fn_re *re) {
  kql_value p = fn_text(c, pattern);
  memset(re, 0, sizeof *re);
  pcre2_general_context *g = pcre2_general_context_create(re_alloc, re_free, c->tmp);
  if (!g) return false;
  pcre2_compile_context *cc = pcre2_compile_context_create(g);
  int err;
  PCRE2_SIZE off;
  re->code = pcre2_compile((PCRE2_SPTR)p.u.s.p, p.u.s.n,
                           PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY, &err, &off, cc);
  if (!re->code) return false;
  re->md = pcre2_match_data_create_from_pattern(re->code, g);
  re->mc = pcre2_match_context_create(g);
  if (!re->md || !re->mc) return false;
  pcre2_set_match_limit(re->mc, RE_MATCH_LIMIT);
  pcre2_set_depth_limit(re->mc, RE_DEPTH_LIMIT);
  uint32_t groups = 0;
  pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &groups);
  re->groups = (int)groups;
  return true;
}

int fn_re_match(fn_re *re, const char *s, size_t n, size_t start) {
  int rc = pcre2_match(re->code, (PCRE2_SPTR)(n ? s : ""), n, start, 0, re->md, re->mc);
  if (rc == 0) rc = re->groups + 1;
  return rc;
}

const size_t *fn_re_ovector(const fn_re *re) { return pcre2_get_ovector_pointer(re->md); }

/* The text of group 'g' after a match of 'subject', "" when it did not take part. */
static kql_value re_group(const fn_re *re, const char *s, int g) {
  const size_t *ov = fn_re_ovector(re);
  if (g < 0 || g > re->groups || ov[2 * g] == PCRE2_UNSET) return val_str("", 0);
  return val_str(s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
}

/* Where to look next after a match [so, eo): past an empty match by one character. */
static size_t re_next(const char *s, size_t n, size_t so, size_t eo) {
  return eo > so ? eo : fn_utf8_next(s, n, eo);
}

/* ---- type rules ---- */

FN_TYPE_SIG(ty_strcat_delim, "s", KQL_T_STRING, "strcat_delim() expects a delimiter and values")
FN_TYPE_SIG(ty_strcat_array, "ds", KQL_T_STRING, "strcat_array() expects a dynamic array and a delimiter")
FN_TYPE_SIG(ty_substring, "sii", KQL_T_STRING, "substring() expects a string, a start index and an optional length")
FN_TYPE_SIG(ty_split, "ssi", KQL_T_DYNAMIC, "split() expects a string, a delimiter and an optional index")
FN_TYPE_SIG(ty_indexof, "ssiii", KQL_T_LONG, "indexof() expects strings and optional start, length and occurrence numbers")
FN_TYPE_SIG(ty_countof, "sSS", KQL_T_LONG, "countof() expects a string, a search string and 'normal' or 'regex'")
FN_TYPE_SIG(ty_reverse, "s", KQL_T_STRING, "reverse() expects a value")
FN_TYPE_SIG(ty_trim, "Ss", KQL_T_STRING, "trim() expects a regular expression and a string")
FN_TYPE_SIG(ty_replace_string, "sss", KQL_T_STRING, "replace_string() expects three strings")
FN_TYPE_SIG(ty_replace_regex, "sSs", KQL_T_STRING, "replace_regex() expects a string, a regular expression and a rewrite string")
FN_TYPE_SIG(ty_replace, "Sss", KQL_T_STRING, "replace() expects a regular expression, a rewrite string and a string")
FN_TYPE_SIG(ty_extract_all, "Sas", KQL_T_DYNAMIC, "extract_all() expects a regular expression, optional capture groups and a string")
FN_TYPE_SIG(ty_translate, "sss", KQL_T_STRING, "translate() expects three strings")
FN_TYPE_SIG(ty_strrep, "sis", KQL_T_STRING, "strrep() expects a value, a repeat count and an optional delimiter")
FN_TYPE_SIG(ty_str1, "s", KQL_T_STRING, "expects one value")
FN_TYPE_SIG(ty_dyn_of_str, "s", KQL_T_DYNAMIC, "expects a string")
FN_TYPE_SIG(ty_parse_command_line, "sS", KQL_T_DYNAMIC, "parse_command_line() expects a string and a parser type")
FN_TYPE_SIG(ty_hash, "ai", KQL_T_LONG, "hash() expects a value and an optional modulo")
FN_TYPE_SIG(ty_strcmp, "ss", KQL_T_INT, "strcmp() expects two strings")
FN_TYPE_SIG(ty_tohex, "ii", KQL_T_STRING, "tohex() expects an int or long and an optional minimum length")
FN_TYPE_SIG(ty_toguid, "a", KQL_T_GUID, "toguid() expects a value")
FN_TYPE_SIG(ty_todecimal, "a", KQL_T_DECIMAL, "todecimal() expects a value")

/* extract(regex, group, source [, typeof(T)]): a string, or T when the fourth argument names
** a type ("int", or typeof(int) once the parser passes typeof literals). */
kql_type ty_extract(ast **a, int n, const char **e) {
  kql_type t = fn_sig(a, n < 3 ? n : 3, "Sis", KQL_T_STRING,
                      "extract() expects a regular expression, a capture group number and a string", e);
  if (t == KQL_T_COUNT_ || n < 4) return t;
  const ast *ty = a[3];
  if (ty->kind == AST_CALL && ty->list.n == 1) ty = ty->list.v[0];
  const char *name = NULL;
  size_t len = 0;
  if (ty->kind == AST_LIT && ty->lit.type == KQL_T_STRING) name = ty->lit.u.s.p, len = ty->lit.u.s.n;
  else if (ty->kind == AST_NAME) name = ty->name, len = strlen(ty->name);
  int k = name ? val_type_from_name(name, len) : -1;
  if (k < 0) {
    *e = "extract() expects its fourth argument to be a type, such as typeof(int)";
    return KQL_T_COUNT_;
  }
  return (kql_type)k;
}

/* ---- joining ---- */

void f_strcat_delim(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  kql_value d = fn_text(c, a[0]);
  sbuild b = {c->tmp, NULL, 0, 0};
  for (int i = 1; i < n; i++) {
    if (i > 1) sput(&b, d.u.s.p, d.u.s.n);
    kql_value s = fn_text(c, a[i]);
    sput(&b, s.u.s.p, s.u.s.n);
  }
  *out = sdone(&b);
}

/* An element of a dynamic array as text: strings unquoted, null as "". */
static kql_value elem_text(fn_ctx *c, kql_value e) {
  json_kind k = json_dyn_kind(e);
  if (k == JSON_K_NULL) return val_str("", 0);
  if (k == JSON_K_STRING) return json_str_decode(c->tmp, e.u.s.p, e.u.s.n);
  return val_str(e.u.s.p, e.u.s.n);
}

void f_strcat_array(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value d = fn_text(c, a[1]), e;
  json_iter it;
  sbuild b = {c->tmp, NULL, 0, 0};
  *out = val_str("", 0);
  if (json_dyn_kind(a[0]) != JSON_K_ARRAY || !json_iter_begin(&it, a[0])) return;
  for (int i = 0; json_iter_next(&it, c->tmp, NULL, &e); i++) {
    if (i) sput(&b, d.u.s.p, d.u.s.n);
    kql_value s = elem_text(c, e);
    sput(&b, s.u.s.p, s.u.s.n);
  }
  *out = sdone(&b);
}

/* ---- slicing and searching ---- */

/* substring(source, start [, length]): a negative start counts from the end; indexes
** past the end give "". */
void f_substring(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  kql_value s = fn_text(c, a[0]);
  int64_t start, len = INT64_MAX;
  *out = val_str("", 0);
  if (!fn_long(c, &a[1], &start)) return;
  if (n > 2 && !fn_long(c, &a[2], &len)) return;
  int64_t chars = (int64_t)fn_utf8_count(s.u.s.p, s.u.s.n);
  if (start < 0) start += chars;
  if (start < 0) start = 0;
  if (start >= chars || len <= 0) return;
  if (len > chars - start) len = chars - start;
  size_t from = fn_utf8_offset(s.u.s.p, s.u.s.n, (size_t)start);
  size_t to = from + fn_utf8_offset(s.u.s.p + from, s.u.s.n - from, (size_t)len);
  *out = val_str(s.u.s.p + from, to - from);
}

/* split(source, delimiter [, index]): ["" ...] pieces; with an index, a one-element array
** or [] when there is no such piece. */
void f_split(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  kql_value s = fn_text(c, a[0]), d = fn_text(c, a[1]);
  int64_t want = -1;
  if (n > 2 && !fn_long(c, &a[2], &want)) {
    *out = val_null(KQL_T_DYNAMIC);
    return;
  }
  size_t cap = 16, k = 0;
  kql_value *parts = arena_alloc(c->tmp, sizeof *parts * cap);
  size_t from = 0;
  for (;;) {
    const char *hit = NULL;
    if (d.u.s.n && s.u.s.n >= d.u.s.n)
      for (size_t i = from; i + d.u.s.n <= s.u.s.n; i++)
        if (memcmp(s.u.s.p + i, d.u.s.p, d.u.s.n) == 0) {
          hit = s.u.s.p + i;
          break;
        }
    size_t end = hit ? (size_t)(hit - s.u.s.p) : s.u.s.n;
    if (k == cap) {
      kql_value *np = arena_alloc(c->tmp, sizeof *np * cap * 2);
      memcpy(np, parts, sizeof *np * cap);
      parts = np, cap *= 2;
    }
    parts[k++] = val_str(s.u.s.p + from, end - from);
    if (!hit) break;
    from = end + d.u.s.n;
  }
  if (n > 2) {
    if (want < 0 || (size_t)want >= k) *out = fn_dyn_strings(c, parts, 0);
    else *out = fn_dyn_strings(c, &parts[want], 1);
    return;
  }
  *out = fn_dyn_strings(c, parts, k);
}

/* Character index of the first match of 'm' in code points [start, limit) of 's' whose end
** is within 'limit', or -1. */
static int64_t find_in(const char *s, size_t sn, const char *m, size_t mn, int64_t start, int64_t limit) {
  size_t i = fn_utf8_offset(s, sn, (size_t)start);
  for (int64_t ch = start; ch < limit || (mn == 0 && ch == limit); ch++) {
    size_t endb = i + mn;
    if (endb > sn) return -1;
    if (memcmp(s + i, m, mn) == 0) {
      int64_t endch = ch + (int64_t)fn_utf8_count(m, mn);
      if (endch <= limit) return ch;
      return -1;
    }
    if (i >= sn) return -1;
    i = fn_utf8_next(s, sn, i);
  }
  return -1;
}

/* indexof(string, match [, start [, length [, occurrence]]]): a negative start counts from
** the end; length -1 means to the end; each further occurrence is searched from one
** character after the previous one with the same length.  null for length < -1 or
** occurrence < 0. */
void f_indexof(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  kql_value s = fn_text(c, a[0]), m = fn_text(c, a[1]);
  int64_t start = 0, len = -1, occ = 1;
  *out = val_null(KQL_T_LONG);
  if ((n > 2 && !fn_long(c, &a[2], &start)) || (n > 3 && !fn_long(c, &a[3], &len)) ||
      (n > 4 && !fn_long(c, &a[4], &occ)))
    return;
  if (len < -1 || occ < 0) return;
  if (occ == 0) occ = 1;
  int64_t chars = (int64_t)fn_utf8_count(s.u.s.p, s.u.s.n);
  if (start < 0) start += chars;
  if (start < 0) start = 0;
  int64_t pos = -1;
  for (int64_t k = 0; k < occ; k++) {
    if (start > chars) {
      pos = -1;
      break;
    }
    int64_t limit = len == -1 || len > chars - start ? chars : start + len;
    pos = find_in(s.u.s.p, s.u.s.n, m.u.s.p, m.u.s.n, start, limit);
    if (pos < 0) break;
    start = pos + 1;
  }
  *out = val_long(pos);
}

/* countof(source, search [, kind]): overlapping plain matches, or non-overlapping regex
** matches with kind "regex". */
void f_countof(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  kql_value s = fn_text(c, a[0]), m = fn_text(c, a[1]);
  int64_t k = 0;
  if (n > 2 && fn_kind_is(c, &a[2], "regex")) {
    fn_re re;
    *out = val_null(KQL_T_LONG);
    if (!fn_re_compile(c, a[1], &re)) return;
    size_t at = 0;
    while (at <= s.u.s.n && fn_re_match(&re, s.u.s.p, s.u.s.n, at) > 0) {
      const size_t *ov = fn_re_ovector(&re);
      k++;
      at = re_next(s.u.s.p, s.u.s.n, ov[0], ov[1]);
      if (ov[1] == ov[0] && ov[1] >= s.u.s.n) break;
    }
    *out = val_long(k);
    return;
  }
  if (m.u.s.n)
    for (size_t i = 0; i + m.u.s.n <= s.u.s.n; i++)
      if (memcmp(s.u.s.p + i, m.u.s.p, m.u.s.n) == 0) k++;
  *out = val_long(k);
}

void f_reverse(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value s = fn_text(c, a[0]);
  char *p = arena_alloc(c->tmp, s.u.s.n + 1);
  size_t i = 0;
  while (i < s.u.s.n) {
    size_t j = fn_utf8_next(s.u.s.p, s.u.s.n, i);
    memcpy(p + s.u.s.n - j, s.u.s.p + i, j - i);
    i = j;
  }
  *out = val_str(p, s.u.s.n);
}

void f_strcmp(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value x = fn_text(c, a[0]), y = fn_text(c, a[1]);
  size_t k = x.u.s.n < y.u.s.n ? x.u.s.n : y.u.s.n;
  int r = k ? memcmp(x.u.s.p, y.u.s.p, k) : 0;
  if (!r) r = (x.u.s.n > y.u.s.n) - (x.u.s.n < y.u.s.n);
  *out = val_int(r < 0 ? -1 : r > 0);
}

/* ---- trimming (regular expressions) ---- */

/* Remove the leading ('start') and/or trailing ('end') run of matches of regex 'pat'. */
static void trim_re(fn_ctx *c, kql_value pat, kql_value src, bool start, bool end, kql_value *out) {
  kql_value s = fn_text(c, src), p = fn_text(c, pat);
  *out = s;
  size_t from = 0, to = s.u.s.n;
  for (int side = 0; side < 2; side++) {
    if ((side == 0 && !start) || (side == 1 && !end)) continue;
    char *wrapped = arena_printf(c->tmp, side == 0 ? "\\A(?:%.*s)+" : "(?:%.*s)+\\z", (int)p.u.s.n, p.u.s.p);
    fn_re re;
    if (!fn_re_compile(c, val_str(wrapped, strlen(wrapped)), &re)) return;
    if (fn_re_match(&re, s.u.s.p + from, to - from, 0) > 0) {
      const size_t *ov = fn_re_ovector(&re);
      if (side == 0) from += ov[1];
      else to = from + ov[0];
    }
  }
  *out = val_str(s.u.s.p + from, to - from);
}

void f_trim(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  trim_re(c, a[0], a[1], true, true, out);
}

void f_trim_start(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  trim_re(c, a[0], a[1], true, false, out);
}

void f_trim_end(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  trim_re(c, a[0], a[1], false, true, out);
}

/* ---- replacing ---- */

void f_replace_string(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value s = fn_text(c, a[0]), look = fn_text(c, a[1]), rw = fn_text(c, a[2]);
  if (!look.u.s.n) {
    *out = s;
    return;
  }
  sbuild b = {c->tmp, NULL, 0, 0};
  size_t i = 0, run = 0;
  while (i + look.u.s.n <= s.u.s.n) {
    if (memcmp(s.u.s.p + i, look.u.s.p, look.u.s.n) == 0) {
      sput(&b, s.u.s.p + run, i - run);
      sput(&b, rw.u.s.p, rw.u.s.n);
      i += look.u.s.n;
      run = i;
    } else {
      i++;
    }
  }
  sput(&b, s.u.s.p + run, s.u.s.n - run);
  *out = sdone(&b);
}

/* Replace every match of 'pat' in 'src' by 'rewrite', where \0 .. \9 stand for groups. */
static void replace_re(fn_ctx *c, kql_value src, kql_value pat, kql_value rewrite, kql_value *out) {
  kql_value s = fn_text(c, src), rw = fn_text(c, rewrite);
  fn_re re;
  if (!fn_re_compile(c, pat, &re)) {
    *out = s;
    return;
  }
  sbuild b = {c->tmp, NULL, 0, 0};
  size_t at = 0, run = 0;
  while (at <= s.u.s.n && fn_re_match(&re, s.u.s.p, s.u.s.n, at) > 0) {
    const size_t *ov = fn_re_ovector(&re);
    size_t so = ov[0], eo = ov[1];
    sput(&b, s.u.s.p + run, so - run);
    for (size_t i = 0; i < rw.u.s.n; i++) {
      char ch = rw.u.s.p[i];
      if (ch == '\\' && i + 1 < rw.u.s.n && isdigit((unsigned char)rw.u.s.p[i + 1])) {
        kql_value g = re_group(&re, s.u.s.p, rw.u.s.p[++i] - '0');
        sput(&b, g.u.s.p, g.u.s.n);
      } else if (ch == '\\' && i + 1 < rw.u.s.n && rw.u.s.p[i + 1] == '\\') {
        sput(&b, "\\", 1);
        i++;
      } else {
        sput(&b, &ch, 1);
      }
    }
    run = eo;
    if (eo == so) {
      if (eo >= s.u.s.n) break;
      size_t nx = fn_utf8_next(s.u.s.p, s.u.s.n, eo);
      sput(&b, s.u.s.p + eo, nx - eo);
      run = nx;
    }
    at = re_next(s.u.s.p, s.u.s.n, so, eo);
    if (b.n > OUT_MAX) break;
  }
  if (run < s.u.s.n) sput(&b, s.u.s.p + run, s.u.s.n - run);
  *out = sdone(&b);
}

void f_replace_regex(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  replace_re(c, a[0], a[1], a[2], out);
}

/* replace(regex, rewrite, text): the legacy argument order. */
void f_replace(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  replace_re(c, a[2], a[0], a[1], out);
}

/* ---- extracting ---- */

/* Convert 'text' to the type named by 'tyname' (the fourth argument of extract()). */
static void convert_to(fn_ctx *c, kql_value text, kql_value tyname, kql_value *out) {
  kql_value name = fn_text(c, tyname);
  int t = val_type_from_name(name.u.s.p, name.u.s.n);
  switch (t) {
  case KQL_T_BOOL: f_tobool(c, &text, 1, out); break;
  case KQL_T_INT: f_toint(c, &text, 1, out); break;
  case KQL_T_LONG: f_tolong(c, &text, 1, out); break;
  case KQL_T_REAL: f_toreal(c, &text, 1, out); break;
  case KQL_T_DECIMAL: f_todecimal(c, &text, 1, out); break;
  case KQL_T_DATETIME: f_todatetime(c, &text, 1, out); break;
  case KQL_T_TIMESPAN: f_totimespan(c, &text, 1, out); break;
  case KQL_T_GUID: f_toguid(c, &text, 1, out); break;
  case KQL_T_DYNAMIC: f_todynamic(c, &text, 1, out); break;
  default: *out = text; break;
  }
}

/* extract(regex, group, source [, type]): the group's text of the first match; null ("" for
** a string) when there is no match or no such group. */
void f_extract(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  kql_value s = fn_text(c, a[2]);
  int64_t g;
  fn_re re;
  *out = val_str("", 0);
  bool ok = fn_long(c, &a[1], &g) && fn_re_compile(c, a[0], &re) && g >= 0 && g <= re.groups &&
            fn_re_match(&re, s.u.s.p, s.u.s.n, 0) > 0;
  if (ok) {
    const size_t *ov = fn_re_ovector(&re);
    ok = ov[2 * g] != PCRE2_UNSET;
    if (ok) *out = val_str(s.u.s.p + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
  }
  if (n > 3) {
    if (!ok) {
      kql_value name = fn_text(c, a[3]);
      int t = val_type_from_name(name.u.s.p, name.u.s.n);
      *out = val_null(t < 0 ? KQL_T_STRING : (kql_type)t);
    } else {
      convert_to(c, *out, a[3], out);
    }
  }
}

/* extract_all(regex, [groups,] source): per match, the selected groups (all groups, or the
** whole match when the regex has none); a flat array when one group is selected, else an
** array of arrays.  null when nothing matches. */
void f_extract_all(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  kql_value s = fn_text(c, a[n - 1]);
  fn_re re;
  *out = val_null(KQL_T_DYNAMIC);
  if (!fn_re_compile(c, a[0], &re)) return;
  int sel[32], nsel = 0;
  if (n == 3) {
    json_iter it;
    kql_value e;
    if (!json_iter_begin(&it, a[1])) return;
    while (nsel < 32 && json_iter_next(&it, c->tmp, NULL, &e)) {
      kql_value v = json_dyn_scalar(c->tmp, e);
      int g = -1;
      if (v.type == KQL_T_LONG) g = (int)v.u.i;
      else if (v.type == KQL_T_STRING) {
        char *name = arena_strndup(c->tmp, v.u.s.p, v.u.s.n);
        g = pcre2_substring_number_from_name(re.code, (PCRE2_SPTR)name);
      }
      if (g < 1 || g > re.groups) return;
      sel[nsel++] = g;
    }
    if (!nsel) return;
  } else if (re.groups == 0) {
    sel[nsel++] = 0;
  } else {
    for (int g = 1; g <= re.groups && nsel < 32; g++) sel[nsel++] = g;
  }
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "[", 1);
  size_t at = 0;
  int matches = 0;
  while (at <= s.u.s.n && fn_re_match(&re, s.u.s.p, s.u.s.n, at) > 0) {
    const size_t *ov = fn_re_ovector(&re);
    size_t so = ov[0], eo = ov[1];
    if (matches++) json_buf_raw(&b, ",", 1);
    if (nsel > 1) json_buf_raw(&b, "[", 1);
    for (int i = 0; i < nsel; i++) {
      if (i) json_buf_raw(&b, ",", 1);
      kql_value g = re_group(&re, s.u.s.p, sel[i]);
      json_buf_str(&b, g.u.s.p, g.u.s.n);
    }
    if (nsel > 1) json_buf_raw(&b, "]", 1);
    if (eo == so && eo >= s.u.s.n) break;
    at = re_next(s.u.s.p, s.u.s.n, so, eo);
    if (b.n > OUT_MAX) break;
  }
  json_buf_raw(&b, "]", 1);
  if (matches) *out = json_buf_dynamic(&b);
}

/* ---- translate, strrep ---- */

/* Decode the UTF-8 character at 's'[*i] and advance '*i'. */
static uint32_t utf8_at(const char *s, size_t n, size_t *i) {
  size_t j = fn_utf8_next(s, n, *i);
  uint32_t cp = 0;
  unsigned char c0 = (unsigned char)s[*i];
  size_t len = j - *i;
  if (len == 1) cp = c0;
  else {
    cp = c0 & (0xFFu >> (len + 1));
    for (size_t k = 1; k < len; k++) cp = (cp << 6) | ((unsigned char)s[*i + k] & 0x3F);
  }
  *i = j;
  return cp;
}

/* translate(searchList, replacementList, source): each character of source found at
** position k of searchList becomes character k of replacementList (its last character when
** replacementList is shorter), or is removed when replacementList is empty. */
void f_translate(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value from = fn_text(c, a[0]), to = fn_text(c, a[1]), s = fn_text(c, a[2]);
  size_t nf = fn_utf8_count(from.u.s.p, from.u.s.n), nt = fn_utf8_count(to.u.s.p, to.u.s.n);
  uint32_t *fc = arena_alloc(c->tmp, sizeof *fc * (nf + 1));
  size_t *toff = arena_alloc(c->tmp, sizeof *toff * (nt + 2));
  for (size_t i = 0, k = 0; i < from.u.s.n; k++) fc[k] = utf8_at(from.u.s.p, from.u.s.n, &i);
  size_t k = 0;
  for (size_t i = 0; i < to.u.s.n; k++) {
    toff[k] = i;
    i = fn_utf8_next(to.u.s.p, to.u.s.n, i);
  }
  toff[k] = to.u.s.n;
  sbuild b = {c->tmp, NULL, 0, 0};
  for (size_t i = 0; i < s.u.s.n;) {
    size_t at = i;
    uint32_t cp = utf8_at(s.u.s.p, s.u.s.n, &i);
    size_t hit = nf;
    for (size_t j = 0; j < nf; j++)
      if (fc[j] == cp) {
        hit = j;
        break;
      }
    if (hit == nf) sput(&b, s.u.s.p + at, i - at);
    else if (nt) {
      size_t r = hit < nt ? hit : nt - 1;
      sput(&b, to.u.s.p + toff[r], toff[r + 1] - toff[r]);
    }
  }
  *out = sdone(&b);
}

/* strrep(value, multiplier [, delimiter]): at most STRREP_MAX repetitions, as Kusto caps. */
void f_strrep(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  kql_value s = fn_text(c, a[0]), d = n > 2 ? fn_text(c, a[2]) : val_str("", 0);
  int64_t k;
  *out = val_str("", 0);
  if (!fn_long(c, &a[1], &k) || k <= 0) return;
  if (k > STRREP_MAX) k = STRREP_MAX;
  sbuild b = {c->tmp, NULL, 0, 0};
  for (int64_t i = 0; i < k && b.n <= OUT_MAX; i++) {
    if (i) sput(&b, d.u.s.p, d.u.s.n);
    sput(&b, s.u.s.p, s.u.s.n);
  }
  *out = sdone(&b);
}

/* ---- URL and base64 ---- */

static const char hexl[] = "0123456789abcdef";

/* URL-encode 's' as .NET does: letters, digits and -_.!*() kept, every other byte %xx in
** lower case; a space is '+' ('plus') or %20. */
static kql_value url_enc(fn_ctx *c, kql_value s, bool plus) {
  sbuild b = {c->tmp, NULL, 0, 0};
  for (size_t i = 0; i < s.u.s.n; i++) {
    unsigned char ch = (unsigned char)s.u.s.p[i];
    if (isalnum(ch) || strchr("-_.!*()", ch)) sput(&b, (const char *)&ch, 1);
    else if (ch == ' ' && plus) sput(&b, "+", 1);
    else {
      char e[3] = {'%', hexl[ch >> 4], hexl[ch & 15]};
      sput(&b, e, 3);
    }
  }
  return sdone(&b);
}

/* url_encode(): application/x-www-form-urlencoded (space as '+'). */
void f_url_encode(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  *out = url_enc(c, fn_text(c, a[0]), true);
}

/* url_encode_component(): the same with a space as %20. */
void f_url_encode_component(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  *out = url_enc(c, fn_text(c, a[0]), false);
}

static int hexval(int ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

/* url_decode(): %xx bytes and '+' as space; a malformed escape is kept as it is. */
void f_url_decode(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value s = fn_text(c, a[0]);
  char *p = arena_alloc(c->tmp, s.u.s.n + 1);
  size_t k = 0;
  for (size_t i = 0; i < s.u.s.n; i++) {
    char ch = s.u.s.p[i];
    if (ch == '+') p[k++] = ' ';
    else if (ch == '%' && i + 2 < s.u.s.n && hexval(s.u.s.p[i + 1]) >= 0 &&
             hexval(s.u.s.p[i + 2]) >= 0) {
      p[k++] = (char)(hexval(s.u.s.p[i + 1]) * 16 + hexval(s.u.s.p[i + 2]));
      i += 2;
    } else p[k++] = ch;
  }
  *out = val_str(p, k);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void f_base64_encode_tostring(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value s = fn_text(c, a[0]);
  const unsigned char *p = (const unsigned char *)s.u.s.p;
  char *o = arena_alloc(c->tmp, (s.u.s.n + 2) / 3 * 4 + 1);
  size_t k = 0, i = 0;
  for (; i + 2 < s.u.s.n; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
    o[k++] = b64[v >> 18], o[k++] = b64[(v >> 12) & 63], o[k++] = b64[(v >> 6) & 63], o[k++] = b64[v & 63];
  }
  if (i < s.u.s.n) {
    uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < s.u.s.n ? (uint32_t)p[i + 1] << 8 : 0);
    o[k++] = b64[v >> 18], o[k++] = b64[(v >> 12) & 63];
    o[k++] = i + 1 < s.u.s.n ? b64[(v >> 6) & 63] : '=';
    o[k++] = '=';
  }
  *out = val_str(o, k);
}

/* True when 'p' of 'n' bytes is well-formed UTF-8. */
static bool valid_utf8(const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n;) {
    unsigned char ch = p[i];
    size_t len = ch < 0x80 ? 1 : (ch >> 5) == 6 ? 2 : (ch >> 4) == 14 ? 3 : (ch >> 3) == 30 ? 4 : 0;
    if (!len || i + len > n) return false;
    uint32_t cp = len == 1 ? ch : ch & (0xFFu >> (len + 1));
    for (size_t k = 1; k < len; k++) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp < 0xE000))
      return false;
    i += len;
  }
  return true;
}

/* The bytes base64 text 's' stands for, into '*o' (in 'c->tmp') and '*k'; false when it is
** not base64, padding included (Kusto gives null for "S3VzdG8", "S3VzdG8=" without its '='). */
static bool b64_decode(fn_ctx *c, kql_value s, unsigned char **o, size_t *k) {
  unsigned char *p = *o = arena_alloc(c->tmp, s.u.s.n / 4 * 3 + 4);
  size_t q = 0, pad = 0;
  uint32_t acc = 0;
  *k = 0;
  for (size_t i = 0; i < s.u.s.n; i++) {
    char ch = s.u.s.p[i];
    const char *hit = ch ? strchr(b64, ch) : NULL;
    if (ch == '=') {
      pad++;
      continue;
    }
    if (!hit || pad) return false;
    acc = acc << 6 | (uint32_t)(hit - b64);
    if (++q == 4) {
      p[(*k)++] = (unsigned char)(acc >> 16), p[(*k)++] = (unsigned char)(acc >> 8), p[(*k)++] = (unsigned char)acc;
      q = 0, acc = 0;
    }
  }
  if (q == 1 || (q + pad) % 4 != 0) return false;
  if (q == 2) p[(*k)++] = (unsigned char)(acc >> 4);
  if (q == 3) p[(*k)++] = (unsigned char)(acc >> 10), p[(*k)++] = (unsigned char)(acc >> 2);
  return true;
}

/* base64_decode_tostring(): null ("") for text that is not base64 or bytes that are not
** UTF-8. */
void f_base64_decode_tostring(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  unsigned char *o;
  size_t k;
  *out = val_str("", 0);
  if (!b64_decode(c, fn_text(c, a[0]), &o, &k) || !valid_utf8(o, k)) return;
  *out = val_str((const char *)o, k);
}

/* base64_decode_toarray(): the decoded bytes as a dynamic array of longs 0..255; null for
** text that is not base64 (any bytes are fine, UTF-8 or not). */
void f_base64_decode_toarray(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  unsigned char *o;
  size_t k;
  *out = val_null(KQL_T_DYNAMIC);
  if (a[0].isnull || !b64_decode(c, fn_text(c, a[0]), &o, &k)) return;
  kql_value *v = arena_alloc(c->tmp, sizeof *v * (k ? k : 1));
  for (size_t i = 0; i < k; i++) v[i] = val_long(o[i]);
  *out = json_make_array(c->tmp, v, k);
}

/* base64_encode_fromarray(): the base64 text of a dynamic array of bytes; null when the
** argument is not an array or an element is not a whole number 0..255 (an empty array
** gives ""). */
void f_base64_encode_fromarray(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value *el;
  *out = val_null(KQL_T_STRING);
  if (a[0].isnull || a[0].type != KQL_T_DYNAMIC || json_dyn_kind(a[0]) != JSON_K_ARRAY) return;
  size_t k = json_dyn_elements(c->tmp, a[0], false, &el);
  char *bytes = arena_alloc(c->tmp, k ? k : 1);
  for (size_t i = 0; i < k; i++) {
    kql_value v = json_dyn_scalar(c->tmp, el[i]);
    if (v.isnull || v.type != KQL_T_LONG || v.u.i < 0 || v.u.i > 255) return;
    bytes[i] = (char)v.u.i;
  }
  kql_value s = val_str(bytes, k);
  f_base64_encode_tostring(c, &s, 1, out);
}

/* new_guid(): a random (version 4) guid, a new one for every call. */
void f_new_guid(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)a, (void)n;
  unsigned char r[16];
  uint64_t st = c->rng && *c->rng ? *c->rng : (uint64_t)c->now ^ (uint64_t)(uintptr_t)out;
  for (int i = 0; i < 16; i += 8) {
    st += UINT64_C(0x9E3779B97F4A7C15);
    uint64_t z = st;
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    z ^= z >> 31;
    memcpy(r + i, &z, 8);
  }
  if (c->rng) *c->rng = st;
  r[6] = (unsigned char)((r[6] & 0x0F) | 0x40); /* version 4 */
  r[8] = (unsigned char)((r[8] & 0x3F) | 0x80); /* RFC 4122 variant */
  char *g = arena_alloc(c->tmp, 37);
  snprintf(g, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2],
           r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
  *out = val_strtype(KQL_T_GUID, g, 36);
}

/* ---- parse_url, parse_path, parse_command_line, parse_csv ---- */

static void obj_member(json_buf *b, bool *first, const char *key, const char *s, size_t n) {
  json_buf_raw(b, *first ? "{" : ",", 1);
  *first = false;
  json_buf_str(b, key, strlen(key));
  json_buf_raw(b, ":", 1);
  json_buf_str(b, s, n);
}

/* Append the parameters of URL query 'q' ("k1=v1&k2=v2", values URL-decoded) as an object. */
static void query_params(fn_ctx *c, json_buf *b, kql_value q) {
  bool first = true;
  for (size_t i = 0; i < q.u.s.n;) {
    size_t j = i;
    while (j < q.u.s.n && q.u.s.p[j] != '&') j++;
    if (j > i) {
      const char *eq = memchr(q.u.s.p + i, '=', j - i);
      size_t kn = eq ? (size_t)(eq - q.u.s.p) - i : j - i;
      kql_value k = val_str(q.u.s.p + i, kn), v = eq ? val_str(eq + 1, j - i - kn - 1) : val_str("", 0), dk, dv;
      f_url_decode(c, &k, 1, &dk);
      f_url_decode(c, &v, 1, &dv);
      json_buf_raw(b, first ? "{" : ",", 1);
      first = false;
      json_buf_str(b, dk.u.s.p, dk.u.s.n);
      json_buf_raw(b, ":", 1);
      json_buf_str(b, dv.u.s.p, dv.u.s.n);
    }
    i = j + 1;
  }
  json_buf_raw(b, first ? "{}" : "}", first ? 2 : 1);
}

/* parse_urlquery(query): {"Query Parameters": {...}}. */
void f_parse_urlquery(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value q = fn_text(c, a[0]);
  if (q.u.s.n && q.u.s.p[0] == '?') q.u.s.p++, q.u.s.n--;
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "{\"Query Parameters\":", 20);
  query_params(c, &b, q);
  json_buf_raw(&b, "}", 1);
  *out = json_buf_dynamic(&b);
}

/* parse_url(url): {"Scheme","Host","Port","Path","Username","Password","Query Parameters",
** "Fragment"}; every part "" (and no query parameters) when 'url' has no scheme. */
void f_parse_url(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value s = fn_text(c, a[0]);
  const char *p = s.u.s.p, *end = p + s.u.s.n;
  kql_value scheme = val_str("", 0), host = scheme, port = scheme, path = scheme, user = scheme,
            pass = scheme, query = scheme, frag = scheme;
  const char *colon = NULL;
  for (const char *q = p; q + 2 < end; q++)
    if (q[0] == ':' && q[1] == '/' && q[2] == '/') {
      colon = q;
      break;
    }
  bool ok = colon && colon > p;
  for (const char *q = p; ok && q < colon; q++)
    if (!isalnum((unsigned char)*q) && *q != '+' && *q != '-' && *q != '.') ok = false;
  if (ok) {
    scheme = val_str(p, (size_t)(colon - p));
    const char *q = colon + 3;
    const char *auth_end = q;
    while (auth_end < end && *auth_end != '/' && *auth_end != '?' && *auth_end != '#') auth_end++;
    const char *at = NULL;
    for (const char *r = q; r < auth_end; r++)
      if (*r == '@') at = r;
    if (at) {
      const char *uc = memchr(q, ':', (size_t)(at - q));
      user = val_str(q, (size_t)((uc ? uc : at) - q));
      if (uc) pass = val_str(uc + 1, (size_t)(at - uc - 1));
      q = at + 1;
    }
    const char *hc = NULL;
    if (q < auth_end && *q == '[') {
      const char *rb = memchr(q, ']', (size_t)(auth_end - q));
      if (rb && rb + 1 < auth_end && rb[1] == ':') hc = rb + 1;
    } else {
      hc = memchr(q, ':', (size_t)(auth_end - q));
    }
    host = val_str(q, (size_t)((hc ? hc : auth_end) - q));
    if (hc) port = val_str(hc + 1, (size_t)(auth_end - hc - 1));
    const char *r = auth_end;
    const char *pe = r;
    while (pe < end && *pe != '?' && *pe != '#') pe++;
    path = val_str(r, (size_t)(pe - r));
    r = pe;
    if (r < end && *r == '?') {
      const char *qe = r + 1;
      while (qe < end && *qe != '#') qe++;
      query = val_str(r + 1, (size_t)(qe - r - 1));
      r = qe;
    }
    if (r < end && *r == '#') frag = val_str(r + 1, (size_t)(end - r - 1));
  }
  json_buf b = {c->tmp, NULL, 0, 0};
  bool first = true;
  obj_member(&b, &first, "Scheme", scheme.u.s.p, scheme.u.s.n);
  obj_member(&b, &first, "Host", host.u.s.p, host.u.s.n);
  obj_member(&b, &first, "Port", port.u.s.p, port.u.s.n);
  obj_member(&b, &first, "Path", path.u.s.p, path.u.s.n);
  obj_member(&b, &first, "Username", user.u.s.p, user.u.s.n);
  obj_member(&b, &first, "Password", pass.u.s.p, pass.u.s.n);
  json_buf_raw(&b, ",\"Query Parameters\":", 20);
  query_params(c, &b, query);
  obj_member(&b, &first, "Fragment", frag.u.s.p, frag.u.s.n);
  json_buf_raw(&b, "}", 1);
  *out = json_buf_dynamic(&b);
}

static bool is_sep(char ch) { return ch == '/' || ch == '\\'; }

/* parse_path(path): {"Scheme","RootPath","DirectoryPath","DirectoryName","Filename",
** "Extension","AlternateDataStreamName"}, following the forms the KQL reference shows:
** scheme://, C:\..., \\server\share\..., \\?\C:\..., relative and Unix paths, file:stream. */
void f_parse_path(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value s = fn_text(c, a[0]);
  const char *p = s.u.s.p, *end = p + s.u.s.n;
  kql_value scheme = val_str("", 0), root = scheme, dir = scheme, dname = scheme, file = scheme,
            ext = scheme, ads = scheme;
  for (const char *q = p; q + 2 < end; q++) {
    if (q[0] == ':' && q[1] == '/' && q[2] == '/') {
      scheme = val_str(p, (size_t)(q - p));
      p = q + 3;
      break;
    }
    if (!isalnum((unsigned char)*q)) break;
  }
  const char *body = p;
  if (end - p >= 4 && p[0] == '\\' && p[1] == '\\' && p[2] == '?' && p[3] == '\\') p += 4;
  if (end - p >= 2 && isalpha((unsigned char)p[0]) && p[1] == ':') root = val_str(p, 2);
  const char *last = NULL;
  for (const char *q = p; q < end; q++)
    if (is_sep(*q)) last = q;
  const char *fname = last ? last + 1 : p;
  if (!last && root.u.s.n) fname = p + 2;
  if (last) {
    dir = val_str(body, (size_t)(last - body));
    const char *ds = last;
    while (ds > body && !is_sep(ds[-1])) ds--;
    dname = val_str(ds, (size_t)(last - ds));
    if (dname.u.s.n == 2 && dname.u.s.p[1] == ':') dname = val_str("", 0);
  }
  const char *colon = memchr(fname, ':', (size_t)(end - fname));
  const char *fend = colon ? colon : end;
  if (colon) ads = val_str(colon + 1, (size_t)(end - colon - 1));
  file = val_str(fname, (size_t)(fend - fname));
  for (const char *q = fend; q > fname; q--)
    if (q[-1] == '.') {
      ext = val_str(q, (size_t)(fend - q));
      break;
    }
  json_buf b = {c->tmp, NULL, 0, 0};
  bool first = true;
  obj_member(&b, &first, "Scheme", scheme.u.s.p, scheme.u.s.n);
  obj_member(&b, &first, "RootPath", root.u.s.p, root.u.s.n);
  obj_member(&b, &first, "DirectoryPath", dir.u.s.p, dir.u.s.n);
  obj_member(&b, &first, "DirectoryName", dname.u.s.p, dname.u.s.n);
  obj_member(&b, &first, "Filename", file.u.s.p, file.u.s.n);
  obj_member(&b, &first, "Extension", ext.u.s.p, ext.u.s.n);
  obj_member(&b, &first, "AlternateDataStreamName", ads.u.s.p, ads.u.s.n);
  json_buf_raw(&b, "}", 1);
  *out = json_buf_dynamic(&b);
}

/* parse_command_line(cmd, "windows"): the arguments as CommandLineToArgvW splits them: the
** program name ends at the closing quote or at blank; then 2n backslashes before a quote are
** n backslashes and the quote toggles quoting, 2n+1 are n and a literal quote, "" inside
** quotes is a literal quote.  null for another parser type. */
void f_parse_command_line(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  *out = val_null(KQL_T_DYNAMIC);
  if (!fn_kind_is(c, &a[1], "windows")) return;
  kql_value s = fn_text(c, a[0]);
  const char *p = s.u.s.p, *end = p + s.u.s.n;
  size_t cap = 16, k = 0;
  kql_value *args = arena_alloc(c->tmp, sizeof *args * cap);
  sbuild cur = {c->tmp, NULL, 0, 0};
  bool first = true;
  while (p < end) {
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    if (p >= end) break;
    cur.n = 0, cur.p = NULL, cur.cap = 0;
    if (first) {
      if (*p == '"') {
        const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
        const char *e = q ? q : end;
        sput(&cur, p + 1, (size_t)(e - p - 1));
        p = q ? q + 1 : end;
      } else {
        const char *q = p;
        while (q < end && *q != ' ' && *q != '\t') q++;
        sput(&cur, p, (size_t)(q - p));
        p = q;
      }
      first = false;
    } else {
      bool quoted = false;
      while (p < end && (quoted || (*p != ' ' && *p != '\t'))) {
        if (*p == '\\') {
          const char *q = p;
          while (q < end && *q == '\\') q++;
          size_t bs = (size_t)(q - p);
          if (q < end && *q == '"') {
            for (size_t i = 0; i < bs / 2; i++) sput(&cur, "\\", 1);
            if (bs % 2) {
              sput(&cur, "\"", 1);
              p = q + 1;
            } else {
              p = q;
            }
          } else {
            sput(&cur, p, bs);
            p = q;
          }
        } else if (*p == '"') {
          if (quoted && p + 1 < end && p[1] == '"') {
            sput(&cur, "\"", 1);
            p += 2;
          } else {
            quoted = !quoted;
            p++;
          }
        } else {
          sput(&cur, p++, 1);
        }
      }
    }
    if (k == cap) {
      kql_value *np = arena_alloc(c->tmp, sizeof *np * cap * 2);
      memcpy(np, args, sizeof *np * cap);
      args = np, cap *= 2;
    }
    args[k++] = sdone(&cur);
  }
  *out = fn_dyn_strings(c, args, k);
}

/* parse_csv(text): the fields of the first record; "..." fields may hold commas, line
** breaks and "" for a quote. */
void f_parse_csv(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value s = fn_text(c, a[0]);
  const char *p = s.u.s.p, *end = p + s.u.s.n;
  size_t cap = 16, k = 0;
  kql_value *fields = arena_alloc(c->tmp, sizeof *fields * cap);
  for (;;) {
    sbuild f = {c->tmp, NULL, 0, 0};
    if (p < end && *p == '"') {
      p++;
      while (p < end) {
        if (*p == '"') {
          if (p + 1 < end && p[1] == '"') {
            sput(&f, "\"", 1);
            p += 2;
            continue;
          }
          p++;
          break;
        }
        sput(&f, p++, 1);
      }
      while (p < end && *p != ',' && *p != '\n' && *p != '\r') sput(&f, p++, 1);
    } else {
      while (p < end && *p != ',' && *p != '\n' && *p != '\r') sput(&f, p++, 1);
    }
    if (k == cap) {
      kql_value *np = arena_alloc(c->tmp, sizeof *np * cap * 2);
      memcpy(np, fields, sizeof *np * cap);
      fields = np, cap *= 2;
    }
    fields[k++] = sdone(&f);
    if (p < end && *p == ',') {
      p++;
      continue;
    }
    break;
  }
  *out = fn_dyn_strings(c, fields, k);
}

/* ---- hashes ---- */

static kql_value hex_of(fn_ctx *c, const unsigned char *d, size_t n) {
  char *o = arena_alloc(c->tmp, n * 2 + 1);
  for (size_t i = 0; i < n; i++) o[2 * i] = hexl[d[i] >> 4], o[2 * i + 1] = hexl[d[i] & 15];
  return val_str(o, n * 2);
}

/* hash_sha256(x), hash_md5(x): of the UTF-8 bytes of tostring(x), lower-case hex; "" for a
** null that is not a string. */
void f_hash_sha256(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  unsigned char d[32];
  if (a[0].isnull && a[0].type != KQL_T_STRING) {
    *out = val_str("", 0);
    return;
  }
  kql_value s = fn_text(c, a[0]);
  fn_sha256(s.u.s.p, s.u.s.n, d);
  *out = hex_of(c, d, 32);
}

void f_hash_md5(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  unsigned char d[16];
  if (a[0].isnull && a[0].type != KQL_T_STRING) {
    *out = val_str("", 0);
    return;
  }
  kql_value s = fn_text(c, a[0]);
  fn_md5(s.u.s.p, s.u.s.n, d);
  *out = hex_of(c, d, 16);
}

/* hash(x [, mod]): Kusto documents xxhash64.  kql computes XXH64 (seed 0) over the UTF-8
** bytes of a string and over the 8 little-endian bytes of the payload of a long, int,
** datetime or timespan (ticks) or of a real; other values hash their text.  With 'mod',
** the unsigned hash modulo 'mod'. */
void f_hash(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  kql_value v = a[0];
  uint64_t h;
  *out = val_null(KQL_T_LONG);
  if (v.isnull && v.type != KQL_T_STRING) return;
  unsigned char b[8];
  if (v.type == KQL_T_INT || v.type == KQL_T_LONG || v.type == KQL_T_DATETIME || v.type == KQL_T_TIMESPAN ||
      v.type == KQL_T_REAL || v.type == KQL_T_DECIMAL) {
    uint64_t x;
    if (v.type == KQL_T_REAL || v.type == KQL_T_DECIMAL) memcpy(&x, &v.u.r, 8);
    else x = (uint64_t)v.u.i;
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(x >> (8 * i));
    h = fn_xxh64(b, 8, 0);
  } else {
    kql_value s = fn_text(c, v);
    h = fn_xxh64(s.u.s.p, s.u.s.n, 0);
  }
  if (n > 1) {
    int64_t m;
    if (!fn_long(c, &a[1], &m) || m <= 0) return;
    *out = val_long((int64_t)(h % (uint64_t)m));
    return;
  }
  *out = val_long((int64_t)h);
}

/* ---- conversions to text, guid, decimal ---- */

/* tohex(value [, minLength]): lower-case hex of an int (32-bit two's complement when
** negative) or long (64-bit), left-padded with zeros to minLength (at most 16). */
void f_tohex(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  int64_t v, width = 0;
  *out = val_str("", 0);
  if (!fn_long(c, &a[0], &v)) return;
  if (n > 1 && !fn_long(c, &a[1], &width)) return;
  if (width > 16) width = 16;
  uint64_t u = a[0].type == KQL_T_INT ? (uint64_t)(uint32_t)v : (uint64_t)v;
  char buf[40];
  int len = snprintf(buf, sizeof buf, "%0*llx", (int)(width > 0 ? width : 1), (unsigned long long)u);
  *out = val_str(arena_strndup(c->tmp, buf, (size_t)len), (size_t)len);
}

/* toguid(value): the first 32 hex digits (hyphens skipped) as a guid; null otherwise. */
void f_toguid(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  *out = val_null(KQL_T_GUID);
  if (a[0].isnull) return;
  if (a[0].type == KQL_T_GUID) {
    *out = a[0];
    return;
  }
  kql_value s = fn_text(c, a[0]);
  char hx[32];
  size_t k = 0;
  for (size_t i = 0; i < s.u.s.n && k < 32; i++) {
    char ch = s.u.s.p[i];
    if (ch == '-') continue;
    if (hexval(ch) < 0) return;
    hx[k++] = (char)tolower((unsigned char)ch);
  }
  if (k < 32) return;
  char *g = arena_alloc(c->tmp, 37);
  snprintf(g, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hx, hx + 8, hx + 12, hx + 16, hx + 20);
  *out = val_strtype(KQL_T_GUID, g, 36);
}

/* todecimal(value): decimal is kept as a double, so this is toreal() typed decimal. */
void f_todecimal(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  f_toreal(c, a, n, out);
  out->type = KQL_T_DECIMAL;
}

/* ---- more of the reference's string functions ---- */

FN_TYPE_SIG(ty_indexof_regex, "sSiii", KQL_T_LONG, "indexof_regex() expects a string, a regular expression and optional start, length and occurrence numbers")
FN_TYPE_SIG(ty_replace_strings, "sdd", KQL_T_STRING, "replace_strings() expects a string and two dynamic arrays")
FN_TYPE_SIG(ty_string_size, "s", KQL_T_LONG, "string_size() expects a string")

void f_hash_sha1(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  unsigned char d[20];
  if (a[0].isnull && a[0].type != KQL_T_STRING) {
    *out = val_str("", 0);
    return;
  }
  kql_value s = fn_text(c, a[0]);
  fn_sha1(s.u.s.p, s.u.s.n, d);
  *out = hex_of(c, d, 20);
}

/* indexof_regex(string, regex [, start [, length [, occurrence]]]): the character index of
** the occurrence-th non-overlapping match inside characters [start, start + length);
** null for a negative start, length < -1 or occurrence < 0. */
void f_indexof_regex(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  kql_value s = fn_text(c, a[0]);
  int64_t start = 0, len = -1, occ = 1;
  fn_re re;
  *out = val_null(KQL_T_LONG);
  if ((n > 2 && !fn_long(c, &a[2], &start)) || (n > 3 && !fn_long(c, &a[3], &len)) ||
      (n > 4 && !fn_long(c, &a[4], &occ)))
    return;
  if (start < 0 || len < -1 || occ < 0 || !fn_re_compile(c, a[1], &re)) return;
  if (occ == 0) occ = 1;
  int64_t chars = (int64_t)fn_utf8_count(s.u.s.p, s.u.s.n);
  if (start > chars) {
    *out = val_long(-1);
    return;
  }
  size_t from = fn_utf8_offset(s.u.s.p, s.u.s.n, (size_t)start);
  size_t to = len == -1 ? s.u.s.n : from + fn_utf8_offset(s.u.s.p + from, s.u.s.n - from, (size_t)len);
  size_t at = 0, sn = to - from;
  const char *sp = s.u.s.p + from;
  while (at <= sn && fn_re_match(&re, sp, sn, at) > 0) {
    const size_t *ov = fn_re_ovector(&re);
    if (--occ == 0) {
      *out = val_long(start + (int64_t)fn_utf8_count(sp, ov[0]));
      return;
    }
    if (ov[1] == ov[0] && ov[1] >= sn) break;
    at = re_next(sp, sn, ov[0], ov[1]);
  }
  *out = val_long(-1);
}

/* A region of replace_strings() input claimed by a lookup. */
typedef struct claim {
  size_t at;   /* byte offset */
  size_t len;  /* bytes */
  size_t k;    /* the lookup */
} claim;

static int cmp_claim(const void *x, const void *y) {
  const claim *a = x, *b = y;
  return (a->at > b->at) - (a->at < b->at);
}

/* replace_strings(text, lookups, rewrites): the lookups take the text in list order: every
** non-overlapping match of the first, then of the second in what is left, ...; each match
** becomes the rewrite at the lookup's index, or stays as it is when that rewrite is missing
** or not a string.  Replaced text is not searched again. */
void f_replace_strings(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value s = fn_text(c, a[0]), look[64], rw[64], e;
  bool has_rw[64] = {false};
  size_t nl = 0, nr = 0;
  json_iter it;
  *out = s;
  if (!json_iter_begin(&it, a[1])) return;
  while (nl < 64 && json_iter_next(&it, c->tmp, NULL, &e)) look[nl++] = fn_text(c, json_dyn_scalar(c->tmp, e));
  if (json_iter_begin(&it, a[2]))
    while (nr < 64 && json_iter_next(&it, c->tmp, NULL, &e)) {
      has_rw[nr] = json_dyn_kind(e) == JSON_K_STRING;
      rw[nr++] = fn_text(c, json_dyn_scalar(c->tmp, e));
    }
  size_t cap = 16, nc = 0;
  claim *cl = arena_alloc(c->tmp, sizeof *cl * cap);
  for (size_t k = 0; k < nl; k++) {
    size_t m = look[k].u.s.n;
    if (!m) continue;
    for (size_t i = 0; i + m <= s.u.s.n;) {
      bool free_here = memcmp(s.u.s.p + i, look[k].u.s.p, m) == 0;
      for (size_t j = 0; free_here && j < nc; j++)
        if (i < cl[j].at + cl[j].len && cl[j].at < i + m) free_here = false;
      if (!free_here) {
        i++;
        continue;
      }
      if (nc == cap) {
        claim *ncl = arena_alloc(c->tmp, sizeof *ncl * cap * 2);
        memcpy(ncl, cl, sizeof *cl * cap);
        cl = ncl, cap *= 2;
      }
      cl[nc++] = (claim){i, m, k};
      i += m;
    }
  }
  qsort(cl, nc, sizeof *cl, cmp_claim);
  sbuild b = {c->tmp, NULL, 0, 0};
  size_t run = 0;
  for (size_t j = 0; j < nc; j++) {
    sput(&b, s.u.s.p + run, cl[j].at - run);
    if (cl[j].k < nr && has_rw[cl[j].k]) sput(&b, rw[cl[j].k].u.s.p, rw[cl[j].k].u.s.n);
    else sput(&b, s.u.s.p + cl[j].at, cl[j].len);
    run = cl[j].at + cl[j].len;
  }
  sput(&b, s.u.s.p + run, s.u.s.n - run);
  *out = sdone(&b);
}

/* string_size(): the length in bytes (UTF-8). */
void f_string_size(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  *out = val_long((int64_t)fn_text(c, a[0]).u.s.n);
}

/* regex_quote(): 's' with the regular-expression metacharacters \ . ^ $ | ? * + ( ) [ ] { }
** escaped by a backslash. */
void f_regex_quote(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value s = fn_text(c, a[0]);
  sbuild b = {c->tmp, NULL, 0, 0};
  for (size_t i = 0; i < s.u.s.n; i++) {
    if (strchr("\\.^$|?*+()[]{}", s.u.s.p[i]) && s.u.s.p[i]) sput(&b, "\\", 1);
    sput(&b, s.u.s.p + i, 1);
  }
  *out = sdone(&b);
}
