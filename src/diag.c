/*
** diag.c: filling and showing diagnostics.  Errors are kept as byte spans into the query;
** lines, columns and the caret line are computed only here, when a diagnostic is rendered
** ("file:line:col: error: msg", the source line, a caret under the span, "= hint").  Also
** the "did you mean" helpers: a case-insensitive edit distance and the closest name.
*/
#include "diag.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GUTTER_MIN 5 /* digits kept for the line number, as GCC does: "   14 | " */

/* ------------------------------------------------------------------------------------ */
/* Filling                                                                               */
/* ------------------------------------------------------------------------------------ */

/* Cut the 'n'-byte string 'buf' before a UTF-8 sequence that its last bytes leave
** unfinished, so that truncating a message never leaves half a character behind. */
static void trim_utf8(char *buf, size_t n) {
  if (n == 0) return;
  size_t j = n - 1;
  while (j > 0 && ((unsigned char)buf[j] & 0xC0) == 0x80 && n - j < 4) j--;
  unsigned char c = (unsigned char)buf[j];
  size_t want = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (j + want > n) buf[j] = '\0';
}

/* Write 'fmt' formatted with 'ap' into 'buf' of 'size' bytes, cut at a character boundary
** when it does not fit. */
static void put_fmt(char *buf, size_t size, const char *fmt, va_list ap) {
  int n = vsnprintf(buf, size, fmt, ap);
  if (n < 0) buf[0] = '\0';
  else if ((size_t)n >= size) trim_utf8(buf, size - 1);
}

/* Fill 'd' with 'code', the span 'sp' and the printf-style message 'fmt'; everything else
** (hint, file, line, col) is cleared.  Returns 'code', so callers can "return diag_set(...)".
** A NULL 'd' is allowed and only returns 'code'. */
kql_status diag_set(kql_diag *d, kql_status code, kql_span sp, const char *fmt, ...) {
  if (!d) return code;
  memset(d, 0, sizeof *d);
  d->code = code;
  d->has_span = 1;
  d->start = sp.start;
  d->end = sp.end;
  va_list ap;
  va_start(ap, fmt);
  put_fmt(d->msg, sizeof d->msg, fmt, ap);
  va_end(ap);
  return code;
}

/* As diag_set() for a problem with no known place in the query (has_span is 0). */
kql_status diag_nospan(kql_diag *d, kql_status code, const char *fmt, ...) {
  if (!d) return code;
  memset(d, 0, sizeof *d);
  d->code = code;
  va_list ap;
  va_start(ap, fmt);
  put_fmt(d->msg, sizeof d->msg, fmt, ap);
  va_end(ap);
  return code;
}

/* Set the hint of 'd' (shown as "= hint" under the caret) from the printf-style 'fmt',
** replacing any earlier hint.  Call it after diag_set(), which clears the hint. */
void diag_hint(kql_diag *d, const char *fmt, ...) {
  if (!d) return;
  va_list ap;
  va_start(ap, fmt);
  put_fmt(d->hint, sizeof d->hint, fmt, ap);
  va_end(ap);
}

/* Fill 'd' for a problem at 1-based 'line' and 'col' of the file 'file'; see diag.h. */
kql_status diag_file(kql_diag *d, kql_status code, const char *file, long line, long col,
                     const char *fmt, ...) {
  if (!d) return code;
  memset(d, 0, sizeof *d);
  d->code = code;
  if (file) {
    size_t n = strlen(file);
    if (n >= sizeof d->file) {
      n = sizeof d->file - 1;
      memcpy(d->file, file, n);
      trim_utf8(d->file, n);
    } else {
      memcpy(d->file, file, n + 1);
    }
  }
  d->line = line > 0 ? line : 0;
  d->col = col > 0 ? col : 0;
  va_list ap;
  va_start(ap, fmt);
  put_fmt(d->msg, sizeof d->msg, fmt, ap);
  va_end(ap);
  return code;
}

/* ------------------------------------------------------------------------------------ */
/* "Did you mean"                                                                        */
/* ------------------------------------------------------------------------------------ */

/* ASCII-only lower case: names are compared the same way in every locale. */
static unsigned char fold(char c) {
  unsigned char u = (unsigned char)c;
  return u >= 'A' && u <= 'Z' ? (unsigned char)(u + ('a' - 'A')) : u;
}

/* Return the Levenshtein distance between 'a' and 'b' (insert, delete and substitute each
** cost 1), counted in bytes and ignoring ASCII case, so "State" and "state" are 0 apart.
** NULL is taken as "".  Uses one row of the table: O(strlen(b)) memory. */
int diag_edit_distance(const char *a, const char *b) {
  if (!a) a = "";
  if (!b) b = "";
  size_t la = strlen(a), lb = strlen(b);
  if (lb > la) {
    const char *t = a;
    a = b;
    b = t;
    size_t tl = la;
    la = lb;
    lb = tl;
  }
  if (lb == 0) return la > (size_t)INT_MAX ? INT_MAX : (int)la;
  size_t small[64];
  size_t *row = lb + 1 <= KQL_ARRAY_LEN(small) ? small : xmalloc((lb + 1) * sizeof *row);
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0]; /* row[i-1][j-1] */
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t best = diag + (fold(a[i - 1]) != fold(b[j - 1]));
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  size_t dist = row[lb];
  if (row != small) free(row);
  return dist > (size_t)INT_MAX ? INT_MAX : (int)dist;
}

/* Return the name among the 'n' 'names' closest to 'name' by diag_edit_distance(), or NULL
** when none is close enough: the distance must be at most max(1, strlen(name) / 3), which
** always admits a name that differs only in case.  Ties go to the earlier name.  A name
** equal to 'name' byte for byte is skipped (suggesting the same name helps nobody), and so
** are NULL entries. */
const char *diag_suggest(const char *name, const char *const *names, int n) {
  if (!name || !names) return NULL;
  size_t len = strlen(name);
  size_t limit = len / 3 > 1 ? len / 3 : 1;
  const char *best = NULL;
  size_t best_dist = limit + 1;
  for (int i = 0; i < n; i++) {
    const char *c = names[i];
    if (!c || strcmp(c, name) == 0) continue;
    size_t lc = strlen(c);
    size_t gap = lc > len ? lc - len : len - lc; /* a lower bound of the distance */
    if (gap >= best_dist) continue;
    size_t dist = (size_t)diag_edit_distance(name, c);
    if (dist < best_dist) {
      best = c;
      best_dist = dist;
    }
  }
  return best;
}

/* ------------------------------------------------------------------------------------ */
/* Positions                                                                             */
/* ------------------------------------------------------------------------------------ */

/* Set '*line' and '*col' (1-based, col in bytes) for byte 'off' of 'src'; see diag.h. */
void diag_locate(const char *src, size_t len, size_t off, long *line, long *col) {
  if (!src) len = 0;
  if (off > len) off = len;
  long ln = 1;
  size_t ls = 0;
  for (const char *p = src; p && (p = memchr(p, '\n', off - (size_t)(p - src))) != NULL; p++) {
    ln++;
    ls = (size_t)(p - src) + 1;
  }
  if (line) *line = ln;
  if (col) *col = (long)(off - ls) + 1;
}

/* Set '*start' and '*end' to the bytes of 1-based line 'ln' of 'text' ('len' bytes), not
** counting its '\n'.  A line past the end of the text comes back empty. */
static void find_line(const char *text, size_t len, long ln, size_t *start, size_t *end) {
  size_t s = 0;
  for (long i = 1; i < ln && s <= len; i++) {
    const char *nl = text ? memchr(text + s, '\n', len - s) : NULL;
    s = nl ? (size_t)(nl - text) + 1 : len + 1;
  }
  if (s > len) {
    *start = *end = len;
    return;
  }
  const char *nl = memchr(text + s, '\n', len - s);
  *start = s;
  *end = nl ? (size_t)(nl - text) : len;
}

/* ------------------------------------------------------------------------------------ */
/* Rendering                                                                             */
/* ------------------------------------------------------------------------------------ */

/* Code points written escaped although they are valid: C1 controls, which terminals may
** obey, and the invisible ones that reorder or hide text ("Trojan Source"), and the BOM. */
static const struct { uint32_t lo, hi; } hidden_cp[] = {
    {0x0080, 0x009F}, {0x200E, 0x200F}, {0x2028, 0x202E}, {0x2066, 0x2069}, {0xFEFF, 0xFEFF},
};

/* One unit of shown text: a character, or one byte that is not valid UTF-8. */
typedef struct unit {
  size_t n;     /* bytes it takes in the text */
  int tab;      /* 1: a tab kept as a tab (the caret line copies it) */
  char esc[12]; /* what is written instead of the bytes ("\x1b"), or "" for the bytes */
} unit;

/* Decode the UTF-8 character at 's' ('len' bytes left) into '*cp'.  Returns its length, or
** 0 for a byte that does not start a valid, shortest-form character. */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp) {
  unsigned char c = s[0];
  size_t n;
  uint32_t v, min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    n = 2, v = c & 0x1Fu, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, v = c & 0x0Fu, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, v = c & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (n > len) return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    v = v << 6 | (s[i] & 0x3Fu);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return n;
}

/* Return the unit of 'text' ('len' bytes) starting at byte 'i'.  Control characters (and
** tab unless 'keep_tab') and bytes that are not UTF-8 become "\xNN"; the code points of
** hidden_cp[] become "\uNNNN". */
static unit next_unit(const char *text, size_t len, size_t i, int keep_tab) {
  unit u = {1, 0, ""};
  unsigned char c = (unsigned char)text[i];
  if (c == '\t' && keep_tab) {
    u.tab = 1;
    return u;
  }
  if (c < 0x20 || c == 0x7F) {
    snprintf(u.esc, sizeof u.esc, "\\x%02x", (unsigned)c);
    return u;
  }
  uint32_t cp;
  size_t n = utf8_decode((const unsigned char *)text + i, len - i, &cp);
  if (n == 0) {
    snprintf(u.esc, sizeof u.esc, "\\x%02x", (unsigned)c);
    return u;
  }
  u.n = n;
  for (size_t k = 0; k < KQL_ARRAY_LEN(hidden_cp); k++)
    if (cp >= hidden_cp[k].lo && cp <= hidden_cp[k].hi)
      snprintf(u.esc, sizeof u.esc, "\\u%04x", (unsigned)cp);
  return u;
}

/* Columns 'u' takes on the terminal (a kept tab is never measured: it is copied). */
static size_t unit_width(const unit *u) { return u->esc[0] ? strlen(u->esc) : 1; }

/* Write the 'n' bytes of 's' to 'out' with control characters escaped (next_unit()). */
static void put_text(FILE *out, const char *s, size_t n, int keep_tab) {
  for (size_t i = 0; i < n;) {
    unit u = next_unit(s, n, i, keep_tab);
    if (u.esc[0]) fputs(u.esc, out);
    else fwrite(s + i, 1, u.n, out);
    i += u.n;
  }
}

/* Write 'c' 'n' times. */
static void put_rep(FILE *out, int c, size_t n) {
  while (n--) fputc(c, out);
}

/* Write "where:line:col: error: msg\n"; 'line' and 'col' are left out when 0, "where:"
** when 'where' is NULL or "". */
static void put_header(FILE *out, const char *where, size_t where_len, long line, long col,
                       const kql_diag *d) {
  if (where && where_len > 0) {
    put_text(out, where, where_len, 0);
    if (line > 0) fprintf(out, ":%ld", line);
    if (line > 0 && col > 0) fprintf(out, ":%ld", col);
    fputs(": ", out);
  }
  fputs("error: ", out);
  put_text(out, d->msg, strnlen(d->msg, sizeof d->msg), 0);
  fputc('\n', out);
}

/* Write the "= hint" line of 'd', if it has a hint, under a gutter 'w' columns wide. */
static void put_hint(FILE *out, int w, const kql_diag *d) {
  size_t n = strnlen(d->hint, sizeof d->hint);
  if (n == 0) return;
  fprintf(out, "%*s = ", w, "");
  put_text(out, d->hint, n, 0);
  fputc('\n', out);
}

/* Write the caret line body for the shown line 'text' ('len' bytes): blanks up to byte
** 'cb' (tabs copied), then '^' and '~' up to byte 'ce'.  Offsets past the end of the line
** are taken as its end; there is always one '^'. */
static void put_caret(FILE *out, const char *text, size_t len, size_t cb, size_t ce) {
  int first = 1;
  for (size_t i = 0; i < len;) {
    unit u = next_unit(text, len, i, 1);
    if (i + u.n <= cb) {
      if (u.tab) fputc('\t', out);
      else put_rep(out, ' ', unit_width(&u));
    } else if (first || i < ce) {
      if (first) {
        fputc('^', out);
        if (!u.tab) put_rep(out, '~', unit_width(&u) - 1);
        first = 0;
      } else if (u.tab) {
        fputc('\t', out);
      } else {
        put_rep(out, '~', unit_width(&u));
      }
    } else {
      break;
    }
    i += u.n;
  }
  if (first) fputc('^', out);
}

/* Number of decimal digits of 'v' (> 0). */
static int digits(long v) {
  int n = 1;
  while (v >= 10) v /= 10, n++;
  return n;
}

/* Render 'd' to 'out' the way compilers do:
**
**     file:line:col: error: msg
**        14 | source line
**           |      ^~~~~
**           = hint
**
** 'src' ('len' bytes) is the text the span points into and 'file' names it ("query" when
** NULL or "").  Line and column are 1-based; the column counts bytes, the caret is placed by
** characters, tabs are copied to the caret line, control characters and invalid UTF-8 are
** shown escaped ("\x1b"), and a trailing "\r" is not shown.  An empty span, or one at the
** end of 'src', gets a single '^' (at the end of input it points just past the last
** character before any trailing line breaks); a span over several lines is underlined to
** the end of its first line.  With 'map' (a query taken from a rule file) query line k is
** shown as file line map->line[k] of map->text, and query column c is file column
** map->col0[k] + c.  Without a span (or without 'src') only "where: error: msg" is
** written, where 'where' is d->file[:d->line[:d->col]] when d->file is set, else 'file'
** (nothing when NULL), followed by the hint if any. */
void kql_diag_render(const kql_diag *d, const char *file, const char *src, size_t len,
                     const kql_srcmap *map, FILE *out) {
  if (!d || !out) return;
  if (!d->has_span || !src) {
    size_t flen = strnlen(d->file, sizeof d->file);
    if (flen > 0) put_header(out, d->file, flen, d->line, d->col, d);
    else put_header(out, file, file ? strlen(file) : 0, 0, 0, d);
    put_hint(out, GUTTER_MIN, d);
    return;
  }
  if (map && (map->nlines <= 0 || !map->line || !map->col0)) map = NULL;

  size_t off = d->start < len ? d->start : len;
  size_t end = d->end < len ? d->end : len;
  if (off == len) {
    while (off > 0 && (src[off - 1] == '\n' || src[off - 1] == '\r')) off--;
    end = off;
  }
  if (end < off) end = off;

  /* the query line holding 'off': its number 'k' (0-based), start 'ls' and end 'le' */
  long k = 0;
  size_t ls = 0;
  for (const char *p = src; (p = memchr(p, '\n', off - (size_t)(p - src))) != NULL; p++) {
    k++;
    ls = (size_t)(p - src) + 1;
  }
  const char *nl = memchr(src + off, '\n', len - off);
  size_t le = nl ? (size_t)(nl - src) : len;
  size_t c = off - ls;
  size_t ulen = (end < le ? end : le) - off; /* bytes underlined on the first line */

  const char *text; /* the line shown, its length, where the caret starts in it */
  size_t tlen, cb;
  long line, col;
  if (map) {
    long ml, c0;
    if (k < map->nlines) {
      ml = map->line[k];
      c0 = map->col0[k];
    } else { /* past the map: continue its last line downwards */
      ml = map->line[map->nlines - 1] + (k - (map->nlines - 1));
      c0 = map->col0[map->nlines - 1];
    }
    if (ml < 1) ml = 1;
    if (c0 < 0) c0 = 0;
    size_t fs, fe;
    find_line(map->text, map->text ? map->len : 0, ml, &fs, &fe);
    text = map->text ? map->text + fs : "";
    tlen = fe - fs;
    cb = (size_t)c0 + c;
    line = ml;
    col = c0 + (long)c + 1;
  } else {
    text = src + ls;
    tlen = le - ls;
    cb = c;
    line = k + 1;
    col = (long)c + 1;
  }
  if (tlen > 0 && text[tlen - 1] == '\r') tlen--;

  const char *where = file && file[0] ? file : "query";
  put_header(out, where, strlen(where), line, col, d);
  int w = digits(line) > GUTTER_MIN ? digits(line) : GUTTER_MIN;
  if (tlen == 0) {
    fprintf(out, "%*ld |\n", w, line);
  } else {
    fprintf(out, "%*ld | ", w, line);
    put_text(out, text, tlen, 1);
    fputc('\n', out);
  }
  fprintf(out, "%*s | ", w, "");
  put_caret(out, text, tlen, cb, cb + ulen);
  fputc('\n', out);
  put_hint(out, w, d);
}
