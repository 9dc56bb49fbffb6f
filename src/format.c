/*
** format.c: the output formats (see format.h).  Strings from data can hold anything an
** attacker wrote, so the table format shows control characters escaped, never raw.
*/
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "json.h"
#include "lit.h"

#define TABLE_MAX_CELL 60 /* characters shown in a table cell before it is cut */

struct fmt_writer {
  FILE *out;            /* destination */
  kql_format f;         /* format */
  int ncols;            /* columns */
  const char *const *names; /* column names */
  const kql_type *types;    /* column types */
  uint64_t nrows;       /* rows written */
  arena *a;             /* table: rendered cells */
  char **cells;         /* table: nrows * ncols cells (malloc'ed array) */
  size_t cap;           /* table: room in cells, in rows */
  arena *tmp;           /* scratch per row */
  bool started;         /* the header (json '[', csv names) is written */
};

int fmt_from_name(const char *name) {
  if (strcmp(name, "table") == 0) return KQL_FMT_TABLE;
  if (strcmp(name, "json") == 0) return KQL_FMT_JSON;
  if (strcmp(name, "ndjson") == 0 || strcmp(name, "jsonl") == 0) return KQL_FMT_NDJSON;
  if (strcmp(name, "csv") == 0) return KQL_FMT_CSV;
  if (strcmp(name, "csv-raw") == 0) return KQL_FMT_CSV_RAW;
  return -1;
}

/* Write one CSV cell.  With 'guard', text a spreadsheet would run as a formula (it starts
** with = + - @, or a tab or CR before one) gets a leading ' (OWASP's advice). */
static void csv_cell(FILE *out, const char *s, size_t n, bool guard) {
  bool quote = false;
  guard = guard && n > 0 && strchr("=+-@\t\r", s[0]) != NULL;
  for (size_t i = 0; i < n && !quote; i++)
    quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
  if (!quote) {
    if (guard) fputc('\'', out);
    fwrite(s, 1, n, out);
    return;
  }
  fputc('"', out);
  if (guard) fputc('\'', out);
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '"') fputc('"', out);
    fputc(s[i], out);
  }
  fputc('"', out);
}

fmt_writer *fmt_open(FILE *out, kql_format f, int ncols, const char *const *names,
                     const kql_type *types) {
  fmt_writer *w = xcalloc(1, sizeof *w);
  w->out = out;
  w->f = f;
  w->ncols = ncols;
  w->names = names;
  w->types = types;
  w->tmp = arena_new();
  if (f == KQL_FMT_TABLE) w->a = arena_new();
  return w;
}

/* Write what comes before the first row; deferred so that a query that fails before its
** first row prints nothing at all. */
static void start(fmt_writer *w) {
  if (w->started) return;
  w->started = true;
  if (w->f == KQL_FMT_JSON) fputc('[', w->out);
  if (w->f == KQL_FMT_CSV || w->f == KQL_FMT_CSV_RAW) {
    for (int c = 0; c < w->ncols; c++) {
      if (c) fputc(',', w->out);
      csv_cell(w->out, w->names[c], strlen(w->names[c]), w->f == KQL_FMT_CSV);
    }
    fputc('\n', w->out);
  }
}

/* The text of a cell as the table and csv formats show it. */
static kql_value cell_text(arena *a, const kql_value *v) {
  if (v->isnull && v->type != KQL_T_STRING) return val_str("", 0);
  if (v->type == KQL_T_DATETIME) { /* as in JSON output: trailing fraction zeros dropped */
    char buf[48];
    size_t n = lit_format_datetime(v->u.i, buf);
    return val_str(arena_strndup(a, buf, n), n);
  }
  return val_tostring(a, *v);
}

/* True for the code point 'cp' that a terminal acts on or that reorders the text around it:
** C1 controls (U+009B is CSI) and the bidirectional controls ("Trojan Source"). */
static bool unsafe_cp(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Render 's' for a terminal: control characters (C0, DEL, C1, bidirectional) and bytes that
** are not UTF-8 escaped, cut after TABLE_MAX_CELL characters (code points). */
static char *table_cell(arena *a, kql_value s) {
  size_t cap = s.u.s.n * 4 + 8;
  char *p = arena_alloc(a, cap), *q = p;
  size_t chars = 0;
  for (size_t i = 0; i < s.u.s.n; i++) {
    unsigned char c = (unsigned char)s.u.s.p[i];
    if ((c & 0xC0) != 0x80 && ++chars > TABLE_MAX_CELL) {
      memcpy(q, "\xE2\x80\xA6", 3); /* an ellipsis */
      q += 3;
      break;
    }
    if (c >= 0x80) { /* at most 6 bytes out for a k-byte character: within 4 per byte */
      const unsigned char *u = (const unsigned char *)s.u.s.p + i;
      size_t k = json_utf8_char(u, s.u.s.n - i);
      uint32_t cp = k == 2 ? (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3F)
                  : k == 3 ? (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F)
                           : 0;
      if (k == 0) {
        q += snprintf(q, 5, "\\x%02x", c);
      } else if (unsafe_cp(cp)) {
        q += snprintf(q, 7, "\\u%04x", (unsigned)cp);
        i += k - 1;
      } else {
        memcpy(q, u, k);
        q += k;
        i += k - 1;
      }
      continue;
    }
    if (c < 0x20 || c == 0x7f) {
      q += snprintf(q, 5, c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : "\\x%02x", c);
      continue;
    }
    *q++ = (char)c;
  }
  *q = 0;
  return p;
}

void fmt_row(fmt_writer *w, const kql_value *row) {
  FILE *out = w->out;
  start(w);
  switch (w->f) {
  case KQL_FMT_JSON:
  case KQL_FMT_NDJSON:
    if (w->f == KQL_FMT_JSON) fputs(w->nrows ? ",\n" : "\n", out);
    fputc('{', out);
    for (int c = 0; c < w->ncols; c++) {
      if (c) fputc(',', out);
      json_write_string(out, w->names[c], strlen(w->names[c]));
      fputc(':', out);
      json_write_value(out, &row[c]);
    }
    fputc('}', out);
    if (w->f == KQL_FMT_NDJSON) fputc('\n', out);
    break;
  case KQL_FMT_CSV:
  case KQL_FMT_CSV_RAW:
    for (int c = 0; c < w->ncols; c++) {
      if (c) fputc(',', out);
      kql_value s = cell_text(w->tmp, &row[c]);
      bool text = row[c].type == KQL_T_STRING || row[c].type == KQL_T_DYNAMIC;
      csv_cell(out, s.u.s.p, s.u.s.n, w->f == KQL_FMT_CSV && text);
    }
    fputc('\n', out);
    break;
  case KQL_FMT_TABLE:
    if (w->nrows == w->cap) {
      w->cap = w->cap ? w->cap * 2 : 64;
      w->cells = xrealloc(w->cells, sizeof(char *) * w->cap * (size_t)(w->ncols ? w->ncols : 1));
    }
    for (int c = 0; c < w->ncols; c++)
      w->cells[w->nrows * (size_t)w->ncols + (size_t)c] = table_cell(w->a, cell_text(w->tmp, &row[c]));
    break;
  }
  w->nrows++;
  arena_reset(w->tmp);
}

/* Display width of UTF-8 text: one column per code point. */
static size_t width(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) n++;
  return n;
}

static void pad(FILE *out, size_t n) {
  while (n--) fputc(' ', out);
}

static bool right_align(kql_type t) { return val_is_numeric(t); }

static void table_write(fmt_writer *w) {
  FILE *out = w->out;
  int nc = w->ncols;
  size_t *wid = xcalloc((size_t)(nc ? nc : 1), sizeof *wid);
  for (int c = 0; c < nc; c++) {
    wid[c] = width(table_cell(w->a, val_str(w->names[c], strlen(w->names[c]))));
    for (uint64_t r = 0; r < w->nrows; r++) {
      size_t k = width(w->cells[r * (size_t)nc + (size_t)c]);
      if (k > wid[c]) wid[c] = k;
    }
  }
  for (int c = 0; c < nc; c++) {
    const char *h = table_cell(w->a, val_str(w->names[c], strlen(w->names[c])));
    if (c) fputs("  ", out);
    fputs(h, out);
    if (c < nc - 1) pad(out, wid[c] - width(h));
  }
  fputc('\n', out);
  for (int c = 0; c < nc; c++) {
    if (c) fputs("  ", out);
    for (size_t i = 0; i < wid[c]; i++) fputc('-', out);
  }
  fputc('\n', out);
  for (uint64_t r = 0; r < w->nrows; r++) {
    for (int c = 0; c < nc; c++) {
      const char *s = w->cells[r * (size_t)nc + (size_t)c];
      size_t k = width(s);
      if (c) fputs("  ", out);
      if (right_align(w->types[c])) pad(out, wid[c] - k);
      fputs(s, out);
      if (!right_align(w->types[c]) && c < nc - 1) pad(out, wid[c] - k);
    }
    fputc('\n', out);
  }
  fprintf(out, "(%llu row%s)\n", (unsigned long long)w->nrows, w->nrows == 1 ? "" : "s");
  free(wid);
}

void fmt_close(fmt_writer *w, bool ok) {
  if (ok) {
    start(w);
    if (w->f == KQL_FMT_JSON) fputs(w->nrows ? "\n]\n" : "]\n", w->out);
    if (w->f == KQL_FMT_TABLE) table_write(w);
  }
  free(w->cells);
  arena_free(w->a);
  arena_free(w->tmp);
  free(w);
}
