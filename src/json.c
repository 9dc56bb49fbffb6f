/*
** json.c: the boundary between kql values and JSON (with jsonrd.c, the only code that
** includes cJSON.h): JSON fields to typed values, schemas and inference, dynamic literals
** and dynamic values, and values written as JSON.  Dynamic values are kept as compact JSON
** text; indexing one parses it again (simple, and only paid by queries that index).
*/
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "catalog.h"
#include "json.h"
#include "jsonrd.h"
#include "lit.h"

#define INFER_ROWS 1000 /* rows read to infer a schema */

/* ---- growable text buffer ---- */

typedef struct sbuf {
  char *p;      /* bytes (malloc'ed) */
  size_t n;     /* used */
  size_t cap;   /* room */
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    while (cap < b->n + n + 1) cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = 0;
}

static void sb_puts(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

size_t json_utf8_char(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  size_t k = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (k == 0 || n < k) return 0;
  unsigned char lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
  unsigned char hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
  if (s[1] < lo || s[1] > hi) return 0;
  for (size_t i = 2; i < k; i++)
    if ((s[i] & 0xC0) != 0x80) return 0;
  return k;
}

/* 's' as a JSON string.  Bytes that are not UTF-8 (data can hold anything) are written as
** U+FFFD, so that the output is always valid JSON. */
static void sb_json_string(sbuf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  sb_put(b, "\"", 1);
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x80) {
      size_t k = json_utf8_char((const unsigned char *)s + i, n - i);
      if (k) {
        i += k - 1;
        continue;
      }
      sb_put(b, s + run, i - run);
      run = i + 1;
      sb_put(b, "\\ufffd", 6);
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) continue;
    sb_put(b, s + run, i - run);
    run = i + 1;
    char esc[8];
    switch (c) {
    case '"': sb_put(b, "\\\"", 2); break;
    case '\\': sb_put(b, "\\\\", 2); break;
    case '\n': sb_put(b, "\\n", 2); break;
    case '\r': sb_put(b, "\\r", 2); break;
    case '\t': sb_put(b, "\\t", 2); break;
    case '\b': sb_put(b, "\\b", 2); break;
    case '\f': sb_put(b, "\\f", 2); break;
    default:
      esc[0] = '\\', esc[1] = 'u', esc[2] = '0', esc[3] = '0', esc[4] = hex[c >> 4], esc[5] = hex[c & 15];
      sb_put(b, esc, 6);
      break;
    }
  }
  sb_put(b, s + run, n - run);
  sb_put(b, "\"", 1);
}

static kql_value sb_finish(arena *a, sbuf *b, kql_type t) {
  kql_value v = val_strtype(t, arena_strndup(a, b->p ? b->p : "", b->n), b->n);
  free(b->p);
  return v;
}

/* ---- numbers ---- */

size_t json_format_real(double r, char *buf) {
  if (isnan(r)) return (size_t)snprintf(buf, 40, "NaN");
  if (isinf(r)) return (size_t)snprintf(buf, 40, r > 0 ? "Infinity" : "-Infinity");
  if (r == 0) return (size_t)snprintf(buf, 40, "0");
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, 40, "%.*g", prec, r);
    if (strtod(buf, NULL) == r) break;
  }
  return strlen(buf);
}

/* The JSON text of a scalar inside a dynamic value. */
static void sb_value(sbuf *b, const kql_value *v) {
  char buf[64];
  size_t n;
  if (v->isnull) {
    sb_puts(b, "null");
    return;
  }
  switch (v->type) {
  case KQL_T_BOOL: sb_puts(b, v->u.b ? "true" : "false"); break;
  case KQL_T_INT:
  case KQL_T_LONG:
    n = (size_t)snprintf(buf, sizeof buf, "%lld", (long long)v->u.i);
    sb_put(b, buf, n);
    break;
  case KQL_T_REAL:
  case KQL_T_DECIMAL:
    n = json_format_real(v->u.r, buf);
    if (isnan(v->u.r) || isinf(v->u.r)) sb_json_string(b, buf, n);
    else sb_put(b, buf, n);
    break;
  case KQL_T_DATETIME:
    n = lit_format_datetime(v->u.i, buf);
    sb_json_string(b, buf, n);
    break;
  case KQL_T_TIMESPAN:
    n = lit_format_timespan(v->u.i, buf);
    sb_json_string(b, buf, n);
    break;
  case KQL_T_STRING:
  case KQL_T_GUID: sb_json_string(b, v->u.s.p, v->u.s.n); break;
  case KQL_T_DYNAMIC: sb_put(b, v->u.s.p, v->u.s.n); break;
  default: sb_puts(b, "null"); break;
  }
}

/* ---- cJSON to values ---- */

static kql_value print_node(arena *a, const cJSON *node) {
  char *s = cJSON_PrintUnformatted(node);
  if (!s) return val_null(KQL_T_DYNAMIC);
  kql_value v = val_strtype(KQL_T_DYNAMIC, arena_strdup(a, s), strlen(s));
  cJSON_free(s);
  return v;
}

/* -2^63 is excluded too: a number below it (-9223372036854775809) rounds to it as a double. */
static bool whole(double d) { return d == floor(d) && d > -9.2233720368547758e18 && d < 9.2233720368547758e18; }

json_fit json_to_value(const void *vnode, kql_type t, arena *a, kql_value *out) {
  const cJSON *node = vnode;
  *out = val_null(t);
  if (!node || cJSON_IsNull(node)) return JSON_FIT_NULL;
  char buf[64];
  switch (t) {
  case KQL_T_STRING:
  case KQL_T_GUID:
    if (cJSON_IsString(node)) {
      const char *s = node->valuestring;
      *out = val_strtype(t, arena_strdup(a, s), strlen(s));
    } else if (cJSON_IsNumber(node)) {
      size_t n = whole(node->valuedouble)
                     ? (size_t)snprintf(buf, sizeof buf, "%lld", (long long)node->valuedouble)
                     : json_format_real(node->valuedouble, buf);
      *out = val_strtype(t, arena_strndup(a, buf, n), n);
    } else if (cJSON_IsBool(node)) {
      *out = cJSON_IsTrue(node) ? val_str("true", 4) : val_str("false", 5);
      out->type = t;
    } else {
      kql_value v = print_node(a, node);
      *out = val_strtype(t, v.u.s.p, v.u.s.n);
    }
    return JSON_FIT_OK;
  case KQL_T_INT:
  case KQL_T_LONG: {
    double d;
    if (cJSON_IsNumber(node)) d = node->valuedouble;
    else if (cJSON_IsString(node)) {
      char *end;
      long long ll = strtoll(node->valuestring, &end, 10);
      if (!*node->valuestring || *end) return JSON_FIT_BAD;
      *out = t == KQL_T_INT ? val_int(ll) : val_long(ll);
      return JSON_FIT_OK;
    } else if (cJSON_IsBool(node)) {
      d = cJSON_IsTrue(node);
    } else return JSON_FIT_BAD;
    if (!whole(d)) return JSON_FIT_BAD;
    if (t == KQL_T_INT && (d > INT32_MAX || d < INT32_MIN)) return JSON_FIT_BAD;
    *out = t == KQL_T_INT ? val_int((int64_t)d) : val_long((int64_t)d);
    return JSON_FIT_OK;
  }
  case KQL_T_REAL:
  case KQL_T_DECIMAL:
    if (cJSON_IsNumber(node)) *out = val_real(node->valuedouble);
    else if (cJSON_IsString(node)) {
      char *end;
      const char *s = node->valuestring;
      double d;
      if (strcasecmp(s, "NaN") == 0) d = NAN;
      else if (strcasecmp(s, "Infinity") == 0) d = INFINITY;
      else if (strcasecmp(s, "-Infinity") == 0) d = -INFINITY;
      else {
        d = strtod(s, &end);
        if (!*s || *end) return JSON_FIT_BAD;
      }
      *out = val_real(d);
    } else return JSON_FIT_BAD;
    out->type = t;
    return JSON_FIT_OK;
  case KQL_T_BOOL:
    if (cJSON_IsBool(node)) *out = val_bool(cJSON_IsTrue(node));
    else if (cJSON_IsString(node) && strcasecmp(node->valuestring, "true") == 0) *out = val_bool(true);
    else if (cJSON_IsString(node) && strcasecmp(node->valuestring, "false") == 0) *out = val_bool(false);
    else if (cJSON_IsNumber(node) && (node->valuedouble == 0 || node->valuedouble == 1))
      *out = val_bool(node->valuedouble != 0);
    else return JSON_FIT_BAD;
    return JSON_FIT_OK;
  case KQL_T_DATETIME:
  case KQL_T_TIMESPAN: {
    if (!cJSON_IsString(node)) return JSON_FIT_BAD;
    const char *s = node->valuestring;
    int64_t ticks;
    int rc = t == KQL_T_DATETIME ? lit_parse_datetime(s, strlen(s), &ticks)
                                 : lit_parse_timespan(s, strlen(s), &ticks);
    if (rc != 0) return *s ? JSON_FIT_BAD : JSON_FIT_NULL;
    *out = t == KQL_T_DATETIME ? val_datetime(ticks) : val_timespan(ticks);
    return JSON_FIT_OK;
  }
  case KQL_T_DYNAMIC:
  default: *out = print_node(a, node); return JSON_FIT_OK;
  }
}

static bool looks_like_datetime(const char *s) {
  for (int i = 0; i < 4; i++)
    if (!isdigit((unsigned char)s[i])) return false;
  return s[4] == '-' && isdigit((unsigned char)s[5]) && isdigit((unsigned char)s[6]) && s[7] == '-';
}

kql_type json_infer_type(const void *vnode) {
  const cJSON *node = vnode;
  if (!node || cJSON_IsNull(node)) return KQL_T_NULL;
  if (cJSON_IsBool(node)) return KQL_T_BOOL;
  if (cJSON_IsNumber(node)) return whole(node->valuedouble) ? KQL_T_LONG : KQL_T_REAL;
  if (cJSON_IsString(node)) {
    int64_t t;
    const char *s = node->valuestring;
    if (looks_like_datetime(s) && lit_parse_datetime(s, strlen(s), &t) == 0) return KQL_T_DATETIME;
    return KQL_T_STRING;
  }
  return KQL_T_DYNAMIC;
}

const void *json_member(const void *obj, const char *name) {
  const cJSON *o = obj;
  const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, name);
  return c;
}

void json_each_key(const void *obj, void (*fn)(void *ctx, const char *key, const void *node),
                   void *ctx) {
  const cJSON *o = obj;
  for (const cJSON *c = o ? o->child : NULL; c; c = c->next)
    if (c->string) fn(ctx, c->string, c);
}

/* ---- schemas ---- */

static char *read_small_file(const char *path, kql_diag *d) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    diag_nospan(d, KQL_ERR_IO, "cannot open schema file '%s'", path);
    return NULL;
  }
  sbuf b = {0};
  char chunk[8192];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) sb_put(&b, chunk, n);
  fclose(f);
  if (!b.p) sb_put(&b, "", 0);
  return b.p;
}

kql_status json_read_schema(const char *path, const char *name, cat_col **cols, int *n,
                            kql_diag *d) {
  char *text = read_small_file(path, d);
  if (!text) return KQL_ERR_IO;
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithOpts(text, &end, 0);
  free(text);
  const cJSON *tab = root ? cJSON_GetObjectItemCaseSensitive(root, name) : NULL;
  if (!tab && root && cJSON_IsObject(root) && root->child && !root->child->next &&
      cJSON_IsObject(root->child))
    tab = root->child;
  if (!cJSON_IsObject(tab)) {
    cJSON_Delete(root);
    diag_nospan(d, KQL_ERR_IO, "schema file '%s' is not {\"%s\": {\"Column\": \"type\", ...}}",
                path, name);
    snprintf(d->file, sizeof d->file, "%s", path);
    return KQL_ERR_IO;
  }
  int count = cJSON_GetArraySize(tab);
  *cols = xcalloc((size_t)(count ? count : 1), sizeof **cols);
  *n = 0;
  for (const cJSON *c = tab->child; c; c = c->next) {
    int t = cJSON_IsString(c) ? val_type_from_name(c->valuestring, strlen(c->valuestring)) : -1;
    if (t < 0) {
      diag_nospan(d, KQL_ERR_IO, "schema file '%s': column '%s' has an unknown type", path,
                  c->string ? c->string : "?");
      for (int i = 0; i < *n; i++) free((*cols)[i].name);
      free(*cols);
      *cols = NULL;
      *n = 0;
      cJSON_Delete(root);
      return KQL_ERR_IO;
    }
    (*cols)[*n].name = xstrdup(c->string);
    (*cols)[(*n)++].type = (kql_type)t;
  }
  cJSON_Delete(root);
  return KQL_OK;
}

typedef struct infer_state {
  cat_col *cols;   /* columns so far */
  int n;           /* how many */
  int cap;         /* room */
} infer_state;

static void infer_key(void *ctx, const char *key, const void *node) {
  infer_state *s = ctx;
  kql_type t = json_infer_type(node);
  for (int i = 0; i < s->n; i++) {
    if (strcmp(s->cols[i].name, key) != 0) continue;
    kql_type old = s->cols[i].type;
    if (t == KQL_T_NULL || t == old) return;
    if (old == KQL_T_NULL) s->cols[i].type = t;
    else if ((old == KQL_T_LONG && t == KQL_T_REAL) || (old == KQL_T_REAL && t == KQL_T_LONG))
      s->cols[i].type = KQL_T_REAL;
    else if ((old == KQL_T_DATETIME && t == KQL_T_STRING) || (old == KQL_T_STRING && t == KQL_T_DATETIME))
      s->cols[i].type = KQL_T_STRING;
    else s->cols[i].type = KQL_T_DYNAMIC;
    return;
  }
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 16;
    s->cols = xrealloc(s->cols, sizeof *s->cols * (size_t)s->cap);
  }
  s->cols[s->n].name = xstrdup(key);
  s->cols[s->n++].type = t;
}

kql_status json_infer_schema(const char *path, cat_col **cols, int *n, kql_diag *d) {
  infer_state s = {0};
  jsonrd *r = jsonrd_open(path, d);
  if (!r) return KQL_ERR_IO;
  void *obj;
  long line;
  int rc = 0;
  for (int rows = 0; rows < INFER_ROWS && (rc = jsonrd_next(r, &obj, &line, d)) == 1; rows++)
    json_each_key(obj, infer_key, &s);
  jsonrd_close(r);
  if (rc < 0) {
    for (int i = 0; i < s.n; i++) free(s.cols[i].name);
    free(s.cols);
    return KQL_ERR_IO;
  }
  for (int i = 0; i < s.n; i++)
    if (s.cols[i].type == KQL_T_NULL) s.cols[i].type = KQL_T_STRING;
  *cols = s.cols;
  *n = s.n;
  return KQL_OK;
}

/* ---- dynamic literals: Kusto's relaxed JSON to strict JSON ---- */

typedef struct dynlit {
  const char *s;   /* text */
  size_t n;        /* length */
  size_t i;        /* position */
  sbuf out;        /* strict JSON */
  int depth;       /* nesting */
  arena *a;        /* scratch */
} dynlit;

/* Blanks as the query lexer has them: ASCII white space, the Unicode spaces of its NBSP class
** (U+00A0, U+2000-200B, U+202F, U+205F, U+3000, U+FEFF) and // comments to the end of a line. */
static size_t dl_unicode_blank(const unsigned char *s, size_t n) {
  if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0) return 2;
  if (n < 3) return 0;
  if (s[0] == 0xE2 && s[1] == 0x80 && ((s[2] >= 0x80 && s[2] <= 0x8B) || s[2] == 0xAF)) return 3;
  if ((s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F) || (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) ||
      (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF))
    return 3;
  return 0;
}

static void dl_blank(dynlit *p) {
  while (p->i < p->n) {
    const unsigned char *s = (const unsigned char *)p->s + p->i;
    size_t k;
    if (isspace(*s))
      p->i++;
    else if ((k = dl_unicode_blank(s, p->n - p->i)) > 0)
      p->i += k;
    else if (*s == '/' && p->i + 1 < p->n && s[1] == '/')
      while (p->i < p->n && p->s[p->i] != '\n') p->i++;
    else
      break;
  }
}

static bool dl_value(dynlit *p);

static bool dl_string(dynlit *p) {
  bool verbatim = p->s[p->i] == '@';
  if (verbatim) p->i++;
  char q = p->s[p->i];
  size_t start = ++p->i;
  while (p->i < p->n && p->s[p->i] != q) {
    if (p->s[p->i] == '\\' && !verbatim) p->i++;
    p->i++;
  }
  if (p->i >= p->n) return false;
  size_t len = p->i - start, bad;
  char *tmp = arena_alloc(p->a, len + 1);
  long m = lit_unescape(p->s + start, len, q, verbatim, tmp, &bad);
  if (m < 0) {
    p->i = start + bad;
    return false;
  }
  p->i++;
  sb_json_string(&p->out, tmp, (size_t)m);
  return true;
}

static bool word_at(dynlit *p, const char *w) {
  size_t k = strlen(w);
  return p->i + k <= p->n && strncmp(p->s + p->i, w, k) == 0 &&
         (p->i + k == p->n || !isalnum((unsigned char)p->s[p->i + k]));
}

/* The typed values a dynamic literal may hold, as Kusto's parser has them: datetime(...),
** timespan(...) (or time), long(...), real(...) (or double), guid(...) and bool(...), each
** also as null; their JSON is a string for datetime, timespan and guid (Kusto's text of the
** value), else the number or bool.  int(...) and decimal(...) are refused, as Kusto does. */
enum { DL_DATETIME, DL_TIMESPAN, DL_LONG, DL_REAL, DL_GUID, DL_BOOL };

static bool dl_call(dynlit *p, int kind) {
  while (p->i < p->n && p->s[p->i] != '(') p->i++;
  size_t b = ++p->i;
  while (p->i < p->n && p->s[p->i] != ')') p->i++;
  if (p->i >= p->n) return false;
  size_t e = p->i++;
  while (b < e && isspace((unsigned char)p->s[b])) b++;
  while (e > b && isspace((unsigned char)p->s[e - 1])) e--;
  if (e - b >= 2 && (p->s[b] == '"' || p->s[b] == '\'') && p->s[e - 1] == p->s[b] &&
      (kind == DL_DATETIME || kind == DL_TIMESPAN || kind == DL_GUID))
    b++, e--; /* datetime("2022-01-01") */
  const char *t = p->s + b;
  size_t n = e - b;
  if (n == 4 && memcmp(t, "null", 4) == 0) {
    sb_put(&p->out, "null", 4);
    return true;
  }
  char buf[64];
  int64_t v;
  size_t m = 0;
  bool ok = n > 0 && n < sizeof buf, quote = true; /* quote: the JSON is a string */
  if (ok) {
    memcpy(buf, t, n);
    buf[n] = 0;
  }
  switch (kind) {
  case DL_DATETIME:
    ok = ok && lit_parse_datetime_literal(t, n, &v) == 0;
    if (ok) m = lit_format_datetime(v, buf);
    break;
  case DL_TIMESPAN:
    ok = ok && lit_parse_timespan(t, n, &v) == 0;
    if (ok) m = lit_format_timespan(v, buf);
    break;
  case DL_GUID: {
    static const char hex[] = "0123456789abcdefABCDEF";
    ok = ok && n == 36;
    for (size_t k = 0; ok && k < n; k++)
      ok = (k == 8 || k == 13 || k == 18 || k == 23) ? t[k] == '-' : strchr(hex, t[k]) != NULL;
    for (size_t k = 0; ok && k < n; k++) buf[k] = (char)tolower((unsigned char)t[k]);
    m = n;
    break;
  }
  case DL_LONG: {
    char *end;
    errno = 0;
    long long ll = ok ? strtoll(buf, &end, 0) : 0;
    ok = ok && !errno && *end == 0;
    if (ok) m = (size_t)snprintf(buf, sizeof buf, "%lld", ll);
    quote = false;
    break;
  }
  case DL_REAL: {
    double d;
    ok = ok && lit_parse_real(buf, &d) == 0;
    if (ok) m = json_format_real(d, buf);
    quote = ok && !isfinite(d); /* NaN and infinities as pack_array has them: "NaN" */
    break;
  }
  case DL_BOOL:
    ok = ok && (strcasecmp(buf, "true") == 0 || strcasecmp(buf, "false") == 0);
    if (ok) m = (size_t)snprintf(buf, sizeof buf, "%s", buf[0] == 't' || buf[0] == 'T' ? "true" : "false");
    quote = false;
    break;
  }
  if (!ok) {
    p->i = b;
    return false;
  }
  if (quote) sb_json_string(&p->out, buf, m);
  else sb_put(&p->out, buf, m);
  return true;
}

/* A timespan written with a unit, 1h or 1.5d, as a dynamic literal's element. */
static bool dl_timespan_unit(dynlit *p) {
  size_t k = p->i;
  while (k < p->n && (isdigit((unsigned char)p->s[k]) || p->s[k] == '.')) k++;
  if (k == p->i || k >= p->n || !isalpha((unsigned char)p->s[k])) return false;
  while (k < p->n && isalpha((unsigned char)p->s[k])) k++;
  int64_t v;
  if (lit_parse_timespan(p->s + p->i, k - p->i, &v) != 0) return false;
  char buf[64];
  size_t m = lit_format_timespan(v, buf);
  sb_json_string(&p->out, buf, m);
  p->i = k;
  return true;
}

static bool dl_value(dynlit *p) {
  if (++p->depth > 200) return false;
  dl_blank(p);
  if (p->i >= p->n) return false;
  char c = p->s[p->i];
  bool ok = true;
  if (c == '[' || c == '{') {
    char close = c == '[' ? ']' : '}';
    sb_put(&p->out, &c, 1);
    p->i++;
    dl_blank(p);
    bool first = true;
    while (ok && p->i < p->n && p->s[p->i] != close) {
      if (!first) {
        if (p->s[p->i] != ',') return false;
        sb_put(&p->out, ",", 1);
        p->i++;
        dl_blank(p);
      }
      first = false;
      if (c == '{') {
        if (p->i >= p->n || (p->s[p->i] != '"' && p->s[p->i] != '\'')) return false;
        if (!dl_string(p)) return false;
        dl_blank(p);
        if (p->i >= p->n || p->s[p->i] != ':') return false;
        sb_put(&p->out, ":", 1);
        p->i++;
      }
      ok = dl_value(p);
      dl_blank(p);
    }
    if (!ok || p->i >= p->n) return false;
    sb_put(&p->out, &close, 1);
    p->i++;
  } else if (c == '"' || c == '\'' || (c == '@' && p->i + 1 < p->n && (p->s[p->i + 1] == '"' || p->s[p->i + 1] == '\''))) {
    ok = dl_string(p);
    /* adjacent strings join, as in queries: ["a" "b"] is ["ab"] */
    for (;;) {
      size_t save = p->i;
      dl_blank(p);
      char d = p->i < p->n ? p->s[p->i] : 0;
      if (!ok || !(d == '"' || d == '\'' || (d == '@' && p->i + 1 < p->n && (p->s[p->i + 1] == '"' || p->s[p->i + 1] == '\'')))) {
        p->i = save;
        break;
      }
      size_t before = p->out.n; /* drop the closing quote, then the next opening one */
      ok = dl_string(p);
      if (ok && before >= 1 && p->out.n > before) {
        memmove(p->out.p + before - 1, p->out.p + before + 1, p->out.n - before - 1);
        p->out.n -= 2;
        p->out.p[p->out.n] = 0;
      }
    }
  } else if (word_at(p, "true") || word_at(p, "false") || word_at(p, "null")) {
    size_t k = c == 'f' ? 5 : 4;
    sb_put(&p->out, p->s + p->i, k);
    p->i += k;
  } else if (word_at(p, "dynamic")) { /* a nested dynamic(...) */
    p->i += 7;
    dl_blank(p);
    if (p->i >= p->n || p->s[p->i] != '(') return false;
    p->i++;
    ok = dl_value(p);
    dl_blank(p);
    if (!ok || p->i >= p->n || p->s[p->i] != ')') return false;
    p->i++;
  } else if (word_at(p, "datetime") || word_at(p, "date")) {
    ok = dl_call(p, DL_DATETIME);
  } else if (word_at(p, "timespan") || word_at(p, "time")) {
    ok = dl_call(p, DL_TIMESPAN);
  } else if (word_at(p, "long")) {
    ok = dl_call(p, DL_LONG);
  } else if (word_at(p, "real") || word_at(p, "double")) {
    ok = dl_call(p, DL_REAL);
  } else if (word_at(p, "guid")) {
    ok = dl_call(p, DL_GUID);
  } else if (word_at(p, "bool")) {
    ok = dl_call(p, DL_BOOL);
  } else if (isdigit((unsigned char)c) && dl_timespan_unit(p)) {
    ok = true;
  } else if (c == '-' || c == '+' || isdigit((unsigned char)c) || c == '.') {
    char *end;
    char buf[64];
    size_t k = 0;
    while (p->i + k < p->n && k < sizeof buf - 1 && strchr("+-.0123456789eExX", p->s[p->i + k]))
      buf[k] = p->s[p->i + k], k++;
    buf[k] = 0;
    double d = strtod(buf, &end);
    if (end == buf) return false;
    size_t used = (size_t)(end - buf);
    p->i += used;
    buf[used] = 0;
    if (!strpbrk(buf, ".eExX")) {
      /* an integer keeps all its digits (a double would round beyond 2^53) */
      errno = 0;
      long long ll = strtoll(buf, &end, 10);
      size_t m = errno ? json_format_real(d, buf) : (size_t)snprintf(buf, sizeof buf, "%lld", ll);
      sb_put(&p->out, buf, m);
    } else {
      /* a real stays a real: 111.0 keeps its ".0", so gettype() says real and the series
      ** functions keep fractions (series_fill_linear of [111.0, null, 36.0] gives 73.5) */
      size_t m = json_format_real(d, buf);
      if (isfinite(d) && !strpbrk(buf, ".eE")) memcpy(buf + m, ".0", 3), m += 2;
      sb_put(&p->out, buf, m);
    }
  } else {
    ok = false;
  }
  p->depth--;
  return ok;
}

const char *json_dynamic_literal(arena *a, const char *s, size_t n, size_t *outlen, size_t *err_off) {
  dynlit p = {s, n, 0, {0}, 0, a};
  bool ok = dl_value(&p);
  dl_blank(&p);
  if (!ok || p.i != n) {
    *err_off = p.i < n ? p.i : n;
    free(p.out.p);
    return NULL;
  }
  kql_value v = sb_finish(a, &p.out, KQL_T_DYNAMIC);
  *outlen = v.u.s.n;
  return v.u.s.p;
}

/* ---- dynamic values ---- */

bool json_parse_dynamic(arena *a, const char *s, size_t n, kql_value *out) {
  cJSON *root = cJSON_ParseWithLength(s, n);
  if (!root) {
    *out = val_null(KQL_T_DYNAMIC);
    return false;
  }
  *out = print_node(a, root);
  cJSON_Delete(root);
  return true;
}

kql_value json_value_to_dynamic(arena *a, kql_value v) {
  if (v.type == KQL_T_DYNAMIC) return v;
  if (v.isnull) return val_null(KQL_T_DYNAMIC);
  sbuf b = {0};
  sb_value(&b, &v);
  return sb_finish(a, &b, KQL_T_DYNAMIC);
}

static kql_value dyn_pick(arena *a, kql_value d, const char *key, size_t klen, int64_t idx, bool bykey) {
  if (d.isnull || d.type != KQL_T_DYNAMIC || d.u.s.n == 0) return val_null(KQL_T_DYNAMIC);
  char c = d.u.s.p[0];
  if (bykey ? c != '{' : c != '[') return val_null(KQL_T_DYNAMIC);
  cJSON *root = cJSON_ParseWithLength(d.u.s.p, d.u.s.n);
  if (!root) return val_null(KQL_T_DYNAMIC);
  const cJSON *hit = NULL;
  if (bykey) {
    for (const cJSON *ch = root->child; ch; ch = ch->next)
      if (ch->string && strlen(ch->string) == klen && memcmp(ch->string, key, klen) == 0) {
        hit = ch;
        break;
      }
  } else {
    int size = cJSON_GetArraySize(root);
    if (idx < 0) idx += size;
    if (idx >= 0 && idx < size) hit = cJSON_GetArrayItem(root, (int)idx);
  }
  kql_value v = hit ? print_node(a, hit) : val_null(KQL_T_DYNAMIC);
  cJSON_Delete(root);
  return v;
}

kql_value json_dyn_member(arena *a, kql_value d, const char *key, size_t klen) {
  return dyn_pick(a, d, key, klen, 0, true);
}

kql_value json_dyn_index(arena *a, kql_value d, int64_t idx) {
  return dyn_pick(a, d, NULL, 0, idx, false);
}

kql_value json_dyn_tostring(arena *a, kql_value d) {
  if (d.isnull) return val_str("", 0);
  if (d.u.s.n && d.u.s.p[0] == '"') {
    cJSON *root = cJSON_ParseWithLength(d.u.s.p, d.u.s.n);
    if (root && cJSON_IsString(root)) {
      kql_value v = val_str(arena_strdup(a, root->valuestring), strlen(root->valuestring));
      cJSON_Delete(root);
      return v;
    }
    cJSON_Delete(root);
  }
  return val_str(d.u.s.p, d.u.s.n);
}

kql_value json_make_bag(arena *a, const char *const *names, const kql_value *v, size_t n) {
  sbuf b = {0};
  sb_put(&b, "{", 1);
  for (size_t i = 0; i < n; i++) {
    if (i) sb_put(&b, ",", 1);
    sb_json_string(&b, names[i], strlen(names[i]));
    sb_put(&b, ":", 1);
    sb_value(&b, &v[i]);
  }
  sb_put(&b, "}", 1);
  return sb_finish(a, &b, KQL_T_DYNAMIC);
}

kql_value json_make_array(arena *a, const kql_value *v, size_t n) {
  sbuf b = {0};
  sb_put(&b, "[", 1);
  for (size_t i = 0; i < n; i++) {
    if (i) sb_put(&b, ",", 1);
    sb_value(&b, &v[i]);
  }
  sb_put(&b, "]", 1);
  return sb_finish(a, &b, KQL_T_DYNAMIC);
}

size_t json_dyn_elements(arena *a, kql_value d, bool bag_as_array, kql_value **out) {
  if (d.isnull || d.type != KQL_T_DYNAMIC || d.u.s.n == 0 ||
      (d.u.s.n == 4 && memcmp(d.u.s.p, "null", 4) == 0)) {
    *out = arena_alloc(a, sizeof(kql_value));
    (*out)[0] = val_null(KQL_T_DYNAMIC);
    return 1;
  }
  char c = d.u.s.p[0];
  if (c != '[' && c != '{') {
    *out = arena_alloc(a, sizeof(kql_value));
    (*out)[0] = d;
    return 1;
  }
  if (c == '[' && !memchr(d.u.s.p, '\\', d.u.s.n)) {
    /* an array of plain strings (range()'s datetimes before mv-expand): views copied out,
    ** with no cJSON tree to build and free; anything else takes the general path below */
    json_iter it;
    kql_value v;
    size_t n = 0, cap = 16;
    kql_value *items = arena_alloc(a, sizeof(kql_value) * cap);
    bool plain = json_iter_begin(&it, d);
    while (plain && json_iter_next(&it, a, NULL, &v)) {
      plain = v.u.s.n >= 2 && v.u.s.p[0] == '"' && v.u.s.p[v.u.s.n - 1] == '"';
      if (!plain) break;
      if (n == cap) {
        kql_value *more = arena_alloc(a, sizeof(kql_value) * cap * 2);
        memcpy(more, items, sizeof(kql_value) * n);
        items = more, cap *= 2;
      }
      items[n++] = val_strtype(KQL_T_DYNAMIC, arena_strndup(a, v.u.s.p, v.u.s.n), v.u.s.n);
    }
    if (plain) { /* json_iter_next ended at the closing bracket: dynamic text is valid JSON */
      *out = items;
      return n;
    }
  }
  cJSON *root = cJSON_ParseWithLength(d.u.s.p, d.u.s.n);
  if (!root) {
    *out = NULL;
    return 0;
  }
  size_t n = (size_t)cJSON_GetArraySize(root), i = 0;
  *out = arena_alloc(a, sizeof(kql_value) * (n ? n : 1));
  for (cJSON *ch = root->child; ch && i < n; ch = ch->next, i++) {
    if (c == '[') {
      (*out)[i] = print_node(a, ch);
      continue;
    }
    kql_value v = print_node(a, ch);
    sbuf b = {0};
    sb_put(&b, bag_as_array ? "[" : "{", 1);
    sb_json_string(&b, ch->string ? ch->string : "", ch->string ? strlen(ch->string) : 0);
    sb_put(&b, bag_as_array ? "," : ":", 1);
    sb_put(&b, v.u.s.p, v.u.s.n);
    sb_put(&b, bag_as_array ? "]" : "}", 1);
    (*out)[i] = sb_finish(a, &b, KQL_T_DYNAMIC);
  }
  cJSON_Delete(root);
  return i;
}

kql_value json_dyn_cast(arena *a, kql_value d, kql_type t) {
  if (t == KQL_T_DYNAMIC) return d;
  if (d.isnull || d.type != KQL_T_DYNAMIC) return val_null(t);
  if ((t == KQL_T_DATETIME || t == KQL_T_TIMESPAN) && d.u.s.n > 2 && d.u.s.p[0] == '"' &&
      d.u.s.p[d.u.s.n - 1] == '"' && !memchr(d.u.s.p, '\\', d.u.s.n)) {
    /* a plain JSON string (mv-expand ... to typeof(datetime) over range()'s arrays): parse
    ** its text in place, as json_to_value would after a cJSON parse and its mallocs */
    int64_t ticks;
    const char *s = d.u.s.p + 1;
    size_t n = d.u.s.n - 2;
    int rc = t == KQL_T_DATETIME ? lit_parse_datetime(s, n, &ticks) : lit_parse_timespan(s, n, &ticks);
    if (rc != 0) return val_null(t);
    return t == KQL_T_DATETIME ? val_datetime(ticks) : val_timespan(ticks);
  }
  cJSON *root = cJSON_ParseWithLength(d.u.s.p, d.u.s.n);
  kql_value v = val_null(t);
  if (root && (t == KQL_T_STRING || t == KQL_T_GUID) && !cJSON_IsString(root)) {
    /* a string target takes any scalar's text, as tostring would */
    if (!cJSON_IsObject(root) && !cJSON_IsArray(root) && !cJSON_IsNull(root))
      v = val_strtype(t, arena_strndup(a, d.u.s.p, d.u.s.n), d.u.s.n);
  } else if (root && json_to_value(root, t, a, &v) != JSON_FIT_OK) {
    v = val_null(t);
  }
  cJSON_Delete(root);
  return v;
}

void json_dyn_each_key(kql_value d, void (*fn)(void *ctx, const char *key, kql_type t), void *ctx) {
  if (d.isnull || d.type != KQL_T_DYNAMIC || !d.u.s.n || d.u.s.p[0] != '{') return;
  cJSON *root = cJSON_ParseWithLength(d.u.s.p, d.u.s.n);
  for (const cJSON *c = root ? root->child : NULL; c; c = c->next)
    if (c->string) fn(ctx, c->string, json_infer_type(c));
  cJSON_Delete(root);
}

void json_dyn_fields(arena *a, kql_value d, const char *const *names, const kql_type *types,
                     int n, kql_value *out) {
  for (int i = 0; i < n; i++) out[i] = val_null(types[i]);
  if (d.isnull || d.type != KQL_T_DYNAMIC || !d.u.s.n || d.u.s.p[0] != '{') return;
  cJSON *root = cJSON_ParseWithLength(d.u.s.p, d.u.s.n);
  for (int i = 0; root && i < n; i++) {
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(root, names[i]);
    if (c && json_to_value(c, types[i], a, &out[i]) == JSON_FIT_BAD) out[i] = val_null(types[i]);
  }
  cJSON_Delete(root);
}

/* ---- output ---- */

void json_write_string(FILE *f, const char *s, size_t n) {
  sbuf b = {0};
  sb_json_string(&b, s, n);
  fwrite(b.p, 1, b.n, f);
  free(b.p);
}

void json_write_value(FILE *f, const kql_value *v) {
  char buf[64];
  size_t n;
  if (v->isnull && v->type != KQL_T_STRING) {
    fputs("null", f);
    return;
  }
  switch (v->type) {
  case KQL_T_BOOL: fputs(v->u.b ? "true" : "false", f); break;
  case KQL_T_INT:
  case KQL_T_LONG: fprintf(f, "%lld", (long long)v->u.i); break;
  case KQL_T_REAL:
  case KQL_T_DECIMAL:
    n = json_format_real(v->u.r, buf);
    if (isnan(v->u.r) || isinf(v->u.r)) json_write_string(f, buf, n);
    else fwrite(buf, 1, n, f);
    break;
  case KQL_T_DATETIME:
    n = lit_format_datetime(v->u.i, buf);
    json_write_string(f, buf, n);
    break;
  case KQL_T_TIMESPAN:
    n = lit_format_timespan(v->u.i, buf);
    json_write_string(f, buf, n);
    break;
  case KQL_T_STRING:
  case KQL_T_GUID: json_write_string(f, v->u.s.p, v->u.s.n); break;
  case KQL_T_DYNAMIC: fwrite(v->u.s.p, 1, v->u.s.n, f); break;
  default: fputs("null", f); break;
  }
}

/* ---- walking and building dynamic values, without cJSON (for src/func) ---- */

static const char *jw_blank(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
  return p;
}

/* Skip one JSON value starting at 'p'; returns the byte after it, or NULL on bad text. */
static const char *jw_skip(const char *p, const char *end) {
  p = jw_blank(p, end);
  if (p >= end) return NULL;
  if (*p == '"') {
    for (p++; p < end; p++) {
      if (*p == '\\') p++;
      else if (*p == '"') return p + 1;
    }
    return NULL;
  }
  if (*p == '[' || *p == '{') {
    int depth = 0;
    for (; p < end; p++) {
      if (*p == '"') {
        p = jw_skip(p, end);
        if (!p) return NULL;
        p--;
      } else if (*p == '[' || *p == '{') depth++;
      else if (*p == ']' || *p == '}') {
        if (--depth == 0) return p + 1;
      }
    }
    return NULL;
  }
  const char *s = p;
  while (p < end && *p != ',' && *p != ']' && *p != '}' && *p != ':' && *p != ' ' &&
         *p != '\n' && *p != '\r' && *p != '\t')
    p++;
  return p > s ? p : NULL;
}

json_kind json_kind_of(const char *p, size_t n) {
  const char *end = p + n;
  p = jw_blank(p, end);
  if (p >= end) return JSON_K_INVALID;
  switch (*p) {
  case 'n': return JSON_K_NULL;
  case 't':
  case 'f': return JSON_K_BOOL;
  case '"': return JSON_K_STRING;
  case '[': return JSON_K_ARRAY;
  case '{': return JSON_K_OBJECT;
  default: return (*p == '-' || isdigit((unsigned char)*p)) ? JSON_K_NUMBER : JSON_K_INVALID;
  }
}

json_kind json_dyn_kind(kql_value d) {
  if (d.isnull) return JSON_K_NULL;
  if (d.type != KQL_T_DYNAMIC) return JSON_K_INVALID;
  return json_kind_of(d.u.s.p, d.u.s.n);
}

bool json_iter_begin(json_iter *it, kql_value d) {
  it->p = it->end = NULL;
  it->obj = false;
  json_kind k = json_dyn_kind(d);
  if (k != JSON_K_ARRAY && k != JSON_K_OBJECT) return false;
  const char *end = d.u.s.p + d.u.s.n;
  const char *p = jw_blank(d.u.s.p, end);
  it->p = p + 1;
  it->end = end;
  it->obj = k == JSON_K_OBJECT;
  return true;
}

bool json_iter_next(json_iter *it, arena *a, kql_value *key, kql_value *val) {
  if (!it->p) return false;
  const char *p = jw_blank(it->p, it->end);
  if (p < it->end && *p == ',') p = jw_blank(p + 1, it->end);
  if (p >= it->end || *p == ']' || *p == '}') {
    it->p = NULL;
    return false;
  }
  if (it->obj) {
    const char *k = p;
    p = jw_skip(p, it->end);
    if (!p || *k != '"') {
      it->p = NULL;
      return false;
    }
    if (key) *key = json_str_decode(a, k, (size_t)(p - k));
    p = jw_blank(p, it->end);
    if (p >= it->end || *p != ':') {
      it->p = NULL;
      return false;
    }
    p = jw_blank(p + 1, it->end);
  }
  const char *v = p;
  p = jw_skip(p, it->end);
  if (!p) {
    it->p = NULL;
    return false;
  }
  *val = val_strtype(KQL_T_DYNAMIC, v, (size_t)(p - v));
  it->p = p;
  return true;
}

int64_t json_array_length(kql_value d) {
  json_iter it;
  if (json_dyn_kind(d) != JSON_K_ARRAY || !json_iter_begin(&it, d)) return -1;
  int64_t n = 0;
  kql_value v;
  while (json_iter_next(&it, NULL, NULL, &v)) n++;
  return n;
}

static int jw_hex4(const char *p) {
  int v = 0;
  for (int i = 0; i < 4; i++) {
    int c = p[i], d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

static size_t jw_utf8(char *o, unsigned long cp) {
  if (cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6)), o[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12)), o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | (cp >> 18)), o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

kql_value json_str_decode(arena *a, const char *p, size_t n) {
  if (n < 2 || p[0] != '"') return val_str("", 0);
  const char *s = p + 1, *end = p + n - 1;
  if (!memchr(s, '\\', (size_t)(end - s))) return val_str(s, (size_t)(end - s));
  char *o = arena_alloc(a, (size_t)(end - s) + 1);
  size_t k = 0;
  while (s < end) {
    if (*s != '\\' || s + 1 >= end) {
      o[k++] = *s++;
      continue;
    }
    char c = s[1];
    s += 2;
    switch (c) {
    case 'n': o[k++] = '\n'; break;
    case 'r': o[k++] = '\r'; break;
    case 't': o[k++] = '\t'; break;
    case 'b': o[k++] = '\b'; break;
    case 'f': o[k++] = '\f'; break;
    case 'u': {
      int cp = end - s >= 4 ? jw_hex4(s) : -1;
      if (cp < 0) break;
      s += 4;
      unsigned long u = (unsigned long)cp;
      if (cp >= 0xD800 && cp < 0xDC00 && end - s >= 6 && s[0] == '\\' && s[1] == 'u') {
        int lo = jw_hex4(s + 2);
        if (lo >= 0xDC00 && lo < 0xE000) {
          u = 0x10000 + (((unsigned long)cp - 0xD800) << 10) + ((unsigned long)lo - 0xDC00);
          s += 6;
        }
      }
      k += jw_utf8(o + k, u);
      break;
    }
    default: o[k++] = c; break;
    }
  }
  return val_str(o, k);
}

kql_value json_dyn_scalar(arena *a, kql_value d) {
  switch (json_dyn_kind(d)) {
  case JSON_K_NULL: return val_null(KQL_T_DYNAMIC);
  case JSON_K_BOOL: return val_bool(jw_blank(d.u.s.p, d.u.s.p + d.u.s.n)[0] == 't');
  case JSON_K_STRING: return json_str_decode(a, d.u.s.p, d.u.s.n);
  case JSON_K_NUMBER: {
    char buf[64], *end;
    if (d.u.s.n >= sizeof buf) return d;
    memcpy(buf, d.u.s.p, d.u.s.n);
    buf[d.u.s.n] = 0;
    if (!strpbrk(buf, ".eE")) {
      long long i = strtoll(buf, &end, 10);
      if (!*end) return val_long(i);
    }
    double r = strtod(buf, &end);
    return *end ? d : val_real(r);
  }
  default: return d;
  }
}

void json_buf_raw(json_buf *b, const char *s, size_t n) {
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
  b->p[b->n] = 0;
}

void json_buf_str(json_buf *b, const char *s, size_t n) {
  sbuf t = {0};
  sb_json_string(&t, s, n);
  json_buf_raw(b, t.p, t.n);
  free(t.p);
}

void json_buf_value(json_buf *b, const kql_value *v) {
  sbuf t = {0};
  sb_value(&t, v);
  json_buf_raw(b, t.p ? t.p : "", t.n);
  free(t.p);
}

kql_value json_buf_dynamic(const json_buf *b) {
  return val_strtype(KQL_T_DYNAMIC, b->p ? b->p : "", b->n);
}
