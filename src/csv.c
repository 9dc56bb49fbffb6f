/*
** csv.c: the CSV reader (see csv.h).  Reads through stdio, one record at a time, into a
** growing field buffer.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csv.h"
#include "diag.h"

struct csvrd {
  FILE *f;          /* the file */
  char *path;       /* its name, for messages */
  char sep;         /* field separator */
  long line;        /* line of the next record (1-based) */
  char *buf;        /* field bytes, NUL-separated */
  size_t len, cap;  /* used and room in buf */
  size_t *starts;   /* field start offsets into buf */
  size_t *lens;     /* field lengths */
  char **fields;    /* field pointers (valid after a record is read) */
  int nf, capf;     /* fields and room */
  bool first;       /* no byte read yet (for the byte-order mark) */
};

csvrd *csvrd_open(const char *path, char sep, kql_diag *d) {
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    diag_file(d, KQL_ERR_IO, path, 0, 0, "cannot open '%s': is a folder", path);
    return NULL;
  }
  FILE *f = fopen(path, "rb");
  if (!f) {
    diag_file(d, KQL_ERR_IO, path, 0, 0, "cannot open '%s': %s", path, strerror(errno));
    return NULL;
  }
  csvrd *r = xcalloc(1, sizeof *r);
  r->f = f;
  r->path = xstrdup(path);
  r->sep = sep;
  r->line = 1;
  r->first = true;
  return r;
}

static void put(csvrd *r, char c) {
  if (r->len + 1 >= r->cap) {
    r->cap = r->cap ? r->cap * 2 : 1024;
    r->buf = xrealloc(r->buf, r->cap);
  }
  r->buf[r->len++] = c;
}

static void end_field(csvrd *r, size_t start) {
  if (r->nf == r->capf) {
    r->capf = r->capf ? r->capf * 2 : 16;
    r->starts = xrealloc(r->starts, sizeof *r->starts * (size_t)r->capf);
    r->lens = xrealloc(r->lens, sizeof *r->lens * (size_t)r->capf);
    r->fields = xrealloc(r->fields, sizeof *r->fields * (size_t)r->capf);
  }
  r->starts[r->nf] = start;
  r->lens[r->nf++] = r->len - start;
  put(r, 0);
}

int csvrd_next(csvrd *r, char ***fields, size_t **lens, int *n, kql_diag *d) {
  r->len = 0;
  r->nf = 0;
  int c = getc(r->f);
  if (r->first && c == 0xEF) { /* a byte-order mark */
    int c2 = getc(r->f), c3 = getc(r->f);
    if (c2 == 0xBB && c3 == 0xBF) c = getc(r->f);
    else {
      if (c3 != EOF) ungetc(c3, r->f);
      put(r, (char)0xEF);
      c = c2;
    }
  }
  r->first = false;
  while (c == '\r' || c == '\n') { /* blank lines are not records */
    if (c == '\n') r->line++;
    c = getc(r->f);
  }
  if (c == EOF && r->len == 0) return 0;
  long start_line = r->line;
  size_t start = 0;
  bool quoted = false, was_quoted = false;
  for (;;) {
    if (c == EOF) {
      if (quoted) {
        diag_file(d, KQL_ERR_IO, r->path, start_line, 1, "%s", "unterminated quoted field");
        return -1;
      }
      end_field(r, start);
      break;
    }
    if (quoted) {
      if (c == '"') {
        int c2 = getc(r->f);
        if (c2 == '"') put(r, '"');
        else {
          quoted = false;
          c = c2;
          continue;
        }
      } else {
        if (c == '\n') r->line++;
        put(r, (char)c);
      }
    } else if (c == '"' && r->len == start && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == r->sep) {
      end_field(r, start);
      start = r->len;
      was_quoted = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r') {
        int c2 = getc(r->f);
        if (c2 != '\n' && c2 != EOF) ungetc(c2, r->f);
      }
      r->line++;
      end_field(r, start);
      break;
    } else {
      put(r, (char)c);
    }
    c = getc(r->f);
  }
  for (int i = 0; i < r->nf; i++) r->fields[i] = r->buf + r->starts[i];
  *fields = r->fields;
  *lens = r->lens;
  *n = r->nf;
  return 1;
}

long csvrd_line(const csvrd *r) { return r->line; }

void csvrd_close(csvrd *r) {
  if (!r) return;
  fclose(r->f);
  free(r->path);
  free(r->buf);
  free(r->starts);
  free(r->lens);
  free(r->fields);
  free(r);
}
