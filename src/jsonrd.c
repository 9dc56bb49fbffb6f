/*
** jsonrd.c: streaming reader of JSON table files (contract in jsonrd.h), the first step of a
** table scan.  Reads 1 MiB chunks, cuts out one row's text at a time (memchr on '\n' for JSON
** Lines, a string- and depth-aware scanner for arrays and export wrappers) and parses only
** that text with cJSON: memory is bounded by the largest row.  A strict checker words errors.
*/
#include "jsonrd.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK ((size_t)1 << 20) /* first buffer size and usual read size */
#define NOPIN ((size_t)-1)      /* jsonrd.pin when no byte is pinned */
#define AT_NONE ((size_t)-1)    /* fail(): the problem has no position in the file */
#define PEEK_EOF (-1)           /* peek(): the file ended */
#define PEEK_ERR (-2)           /* peek(): a read error, 'd' is filled */

#define MSG_CHAR "malformed JSON: unexpected character"
#define MSG_UNTERM "malformed JSON: unterminated string"
#define MSG_ESCAPE "malformed JSON: invalid escape in string"
#define MSG_NUMBER "malformed JSON: invalid number"
#define MSG_KEY "malformed JSON: expected a string key"
#define MSG_COLON "malformed JSON: expected ':'"
#define MSG_OBJ_SEP "malformed JSON: expected ',' or '}'"
#define MSG_ARR_SEP "malformed JSON: expected ',' or ']'"
#define MSG_DEEP "malformed JSON: nesting too deep"
#define MSG_EOL "malformed JSON: unexpected end of line"
#define MSG_EOV "malformed JSON: unexpected end of the row"
#define MSG_AFTER_ROW "malformed JSON: unexpected text after the row"
#define MSG_AFTER_ARRAY "malformed JSON: unexpected text after the closing ']'"
#define MSG_AFTER_DOC "malformed JSON: unexpected text after the end of the document"
#define MSG_TRUNC_ARRAY "truncated JSON: the array is not closed"
#define MSG_TRUNC_OBJECT "truncated JSON: the object is not closed"
#define MSG_TRUNC_ROW "truncated JSON: the row is not closed"

/* What the next jsonrd_next() call reads.  Allowed values of jsonrd.mode: */
enum {
  RD_START,  /* nothing read yet: detect the format */
  RD_LINES,  /* JSON Lines: one row per line */
  RD_ARRAY,  /* elements of a row array (top level, or inside a wrapper) */
  RD_SEQ,    /* concatenated JSON objects separated by blanks (pretty-printed by jq) */
  RD_DONE,   /* all rows returned */
  RD_FAILED  /* an error was reported; it is repeated */
};

/* What holds the row array in RD_ARRAY.  Allowed values of jsonrd.wrap: */
enum {
  WRAP_NONE,  /* the array is the whole document */
  WRAP_LIST,  /* {"value":[...]} or {"Results":[...]}: elements are row objects */
  WRAP_TABLE  /* {"tables":[{"columns":[..],"rows":[..]}]}: elements are arrays of values */
};

/* Meaning of a member key of a wrapper object. */
enum { KEY_OTHER, KEY_LIST, KEY_TABLES, KEY_ROWS, KEY_COLUMNS };

struct jsonrd {
  int fd;             /* the open file */
  char *path;         /* its name, for messages */
  char *buf;          /* window on the file: buf[0..len) is file bytes base..base+len */
  size_t cap;         /* bytes allocated for buf: CHUNK, doubled when a row needs more */
  size_t len;         /* bytes of buf that hold data */
  size_t pos;         /* next byte to consume */
  size_t pin;         /* first byte a refill must keep, or NOPIN (begin_wrapper()) */
  size_t vstart;      /* first byte of the value take_value() is scanning */
  size_t scan;        /* where the line search or the value scan resumes */
  size_t depth;       /* value scan: brackets open */
  int instr;          /* value scan: inside a string */
  int eof;            /* read() has returned 0 */
  uint64_t base;      /* file offset of buf[0] */
  size_t lpos;        /* newlines are counted up to this byte of buf */
  long line;          /* 1-based line of buf[lpos] */
  uint64_t lstart;    /* file offset where that line starts (after a byte-order mark) */
  int mode;           /* RD_*: what the next call reads */
  int wrap;           /* WRAP_*: what holds the row array */
  int first;          /* RD_ARRAY: no element read yet */
  char closers[4];    /* wrapper levels to close after the row array, innermost first */
  char **cols;        /* WRAP_TABLE: column names, keys of the row objects */
  int ncols;          /* number of cols */
  cJSON *row;         /* the row last returned, freed by the next call */
  kql_diag err;       /* RD_FAILED: the error, repeated by later calls */
};

static int fail(jsonrd *r, kql_diag *d, size_t at, const char *fmt, ...) KQL_PRINTF(4, 5);

/* ------------------------------------------------------------------------------------ */
/* Buffer, lines and errors                                                              */
/* ------------------------------------------------------------------------------------ */

/* JSON's four blanks. */
static int is_blank(unsigned char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* Does 'c' end a bare word (number, true, false, null) of JSON? */
static int ends_word(unsigned char c) {
  switch (c) {
  case ' ': case '\n': case '\r': case '\t': case ',': case ':':
  case '[': case ']': case '{': case '}': case '"':
    return 1;
  default:
    return 0;
  }
}

/* Copy 'path' into 'd->file' (cut to fit) and set the position 'line':'col'. */
static void set_place(kql_diag *d, const char *path, long line, long col) {
  size_t n = strlen(path);
  if (n >= sizeof d->file) n = sizeof d->file - 1;
  memcpy(d->file, path, n);
  d->file[n] = '\0';
  d->line = line;
  d->col = col;
}

/* Count the newlines of buf[lpos..to) so that r->line and r->lstart describe byte 'to'. */
static void sync_lines(jsonrd *r, size_t to) {
  if (to <= r->lpos) return;
  const char *b = r->buf, *p = b + r->lpos, *e = b + to;
  while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
    p++;
    r->line++;
    r->lstart = r->base + (uint64_t)(p - b);
  }
  r->lpos = to;
}

/* Fill 'd' with a KQL_ERR_IO error about byte 'at' of the buffer (AT_NONE: no position)
** and put 'r' in RD_FAILED so that later calls repeat it.  Returns -1. */
static int fail(jsonrd *r, kql_diag *d, size_t at, const char *fmt, ...) {
  char msg[sizeof d->msg];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  diag_nospan(d, KQL_ERR_IO, "%s", msg);
  long line = 0, col = 0;
  if (at != AT_NONE) {
    if (at > r->lpos) sync_lines(r, at);
    line = r->line;
    col = (long)(r->base + at - r->lstart) + 1;
  }
  set_place(d, r->path, line, col);
  r->err = *d;
  r->mode = RD_FAILED;
  return -1;
}

/* Read more of the file into the buffer.  Bytes before 'keep' (and before r->pin) are no
** longer needed and are dropped, moving the rest to the front; the buffer doubles only when
** the bytes kept fill it.  Returns 1 when bytes were added, 0 at the end of the file, -1 on
** a read error. */
static int fill(jsonrd *r, size_t keep, kql_diag *d) {
  if (r->eof) return 0;
  if (keep > r->pin) keep = r->pin;
  if (keep > 0) {
    if (r->lpos < keep) sync_lines(r, keep);
    memmove(r->buf, r->buf + keep, r->len - keep);
    r->base += keep;
    r->len -= keep;
    r->pos -= keep;
    r->lpos -= keep;
    r->scan = r->scan >= keep ? r->scan - keep : 0;
    r->vstart = r->vstart >= keep ? r->vstart - keep : 0;
    if (r->pin != NOPIN) r->pin -= keep;
  }
  if (r->len == r->cap) {
    r->cap *= 2;
    r->buf = xrealloc(r->buf, r->cap);
  }
  for (;;) {
    ssize_t n = read(r->fd, r->buf + r->len, r->cap - r->len);
    if (n > 0) {
      r->len += (size_t)n;
      return 1;
    }
    if (n == 0) {
      r->eof = 1;
      return 0;
    }
    if (errno != EINTR)
      return fail(r, d, AT_NONE, "cannot read '%s': %s", r->path, strerror(errno));
  }
}

/* Skip blanks; return the next byte without consuming it, PEEK_EOF at the end of the
** file or PEEK_ERR on a read error. */
static int peek(jsonrd *r, kql_diag *d) {
  for (;;) {
    const unsigned char *b = (const unsigned char *)r->buf;
    size_t i = r->pos, n = r->len;
    while (i < n && is_blank(b[i])) i++;
    r->pos = i;
    if (i < n) return b[i];
    if (r->eof) return PEEK_EOF;
    if (fill(r, i, d) < 0) return PEEK_ERR;
  }
}

/* Make the whole line that starts at r->pos readable.  Returns 1 with the line in
** [r->pos, *end) ('\n' excluded) and the next line at *next; 0 when no bytes are left;
** -1 on a read error. */
static int find_line(jsonrd *r, size_t *end, size_t *next, kql_diag *d) {
  r->scan = r->pos;
  for (;;) {
    const char *nl = memchr(r->buf + r->scan, '\n', r->len - r->scan);
    if (nl != NULL) {
      *end = (size_t)(nl - r->buf);
      *next = *end + 1;
      return 1;
    }
    r->scan = r->len;
    if (r->eof) {
      *end = *next = r->len;
      return r->pos < r->len;
    }
    if (fill(r, r->pos, d) < 0) return -1;
  }
}

/* Continue the scan of the value that starts at r->vstart from r->scan: strings (with
** their escapes) and brackets are followed, nothing else is checked.  Returns 1 with
** r->pos just past the value, or 0 when the buffer ends first.  Strings are crossed with
** memchr: a '"' ends one unless an odd run of backslashes precedes it (the run never
** reaches past the opening quote, and the whole value stays in the buffer across reads). */
static int scan_value(jsonrd *r) {
  static const unsigned char special[256] = {['"'] = 1, ['{'] = 1, ['['] = 1, ['}'] = 1,
                                             [']'] = 1};
  const unsigned char *b = (const unsigned char *)r->buf;
  size_t i = r->scan, n = r->len, depth = r->depth;
  int instr = r->instr;
  unsigned char c0 = b[r->vstart];
  if (c0 != '{' && c0 != '[' && c0 != '"') {
    if (i == r->vstart) i++; /* so a stray ',' or ']' is a one-byte value that fails */
    while (i < n && !ends_word(b[i])) i++;
    if (i == n && !r->eof) {
      r->scan = i;
      return 0;
    }
    r->pos = i;
    return 1;
  }
  while (i < n) {
    if (instr) {
      const unsigned char *q = memchr(b + i, '"', n - i);
      if (q == NULL) {
        i = n;
        break;
      }
      size_t k = (size_t)(q - b), run = 0;
      while (b[k - run - 1] == '\\') run++;
      i = k + 1;
      if (run % 2 == 0) {
        instr = 0;
        if (depth == 0) break;
      }
      continue;
    }
    while (i < n && !special[b[i]]) i++;
    if (i == n) break;
    unsigned char c = b[i++];
    if (c == '"') {
      instr = 1;
    } else if (c == '{' || c == '[') {
      depth++;
    } else if (--depth == 0) {
      break;
    }
  }
  r->scan = i;
  r->depth = depth;
  r->instr = instr;
  if (depth == 0 && !instr && i > r->vstart) {
    r->pos = i;
    return 1;
  }
  return 0;
}

/* Find the text of the JSON value that starts at r->pos (a non-blank byte), reading on as
** needed and keeping the whole value in the buffer.  Returns 1 with the value in
** [r->vstart, r->pos), 0 when the file ends inside it, -1 on a read error. */
static int take_value(jsonrd *r, kql_diag *d) {
  r->vstart = r->scan = r->pos;
  r->depth = 0;
  r->instr = 0;
  while (!scan_value(r)) {
    if (r->eof) return 0;
    if (fill(r, r->vstart, d) < 0) return -1;
  }
  return 1;
}

/* ------------------------------------------------------------------------------------ */
/* The checker: finds the first error of a text cJSON rejected                           */
/* ------------------------------------------------------------------------------------ */

/* State of one check. */
typedef struct chk {
  const unsigned char *p; /* the text */
  size_t n;               /* its length */
  size_t i;               /* next byte */
  size_t at;              /* offset of the first error */
  const char *msg;        /* its message */
  const char *eoi;        /* message when the text stops short */
  int short_text;         /* the error is that the text stops short */
} chk;

/* Record an error at offset 'at'; one past the text is reported with c->eoi.  Returns 0. */
static int chk_err(chk *c, size_t at, const char *msg) {
  c->at = at;
  c->msg = msg;
  if (at >= c->n) {
    c->at = c->n;
    c->msg = c->eoi;
    c->short_text = 1;
  }
  return 0;
}

static void chk_blanks(chk *c) {
  while (c->i < c->n && is_blank(c->p[c->i])) c->i++;
}

/* Read four hex digits at offset 'at' into '*u'; 0 when they are not there. */
static int chk_hex4(const chk *c, size_t at, unsigned *u) {
  if (at + 4 > c->n) return 0;
  *u = 0;
  for (size_t k = at; k < at + 4; k++) {
    unsigned char h = c->p[k];
    unsigned v = h >= '0' && h <= '9'   ? (unsigned)(h - '0')
                 : h >= 'a' && h <= 'f' ? (unsigned)(h - 'a' + 10)
                 : h >= 'A' && h <= 'F' ? (unsigned)(h - 'A' + 10)
                                        : 16u;
    if (v == 16u) return 0;
    *u = *u * 16 + v;
  }
  return 1;
}

/* string -> '"' chars '"'.  Surrogates must pair, as cJSON requires. */
static int chk_string(chk *c) {
  size_t start = c->i++;
  while (c->i < c->n) {
    unsigned char ch = c->p[c->i];
    if (ch == '"') {
      c->i++;
      return 1;
    }
    if (ch != '\\') {
      c->i++;
      continue;
    }
    size_t esc = c->i;
    if (esc + 1 >= c->n) break;
    ch = c->p[esc + 1];
    if (ch == 'u') {
      unsigned u, lo;
      if (!chk_hex4(c, esc + 2, &u) || (u >= 0xDC00 && u <= 0xDFFF))
        return chk_err(c, esc, MSG_ESCAPE);
      c->i = esc + 6;
      if (u >= 0xD800 && u <= 0xDBFF) {
        if (c->i + 1 >= c->n || c->p[c->i] != '\\' || c->p[c->i + 1] != 'u' ||
            !chk_hex4(c, c->i + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
          return chk_err(c, esc, MSG_ESCAPE);
        c->i += 6;
      }
    } else if (ch != 0 && strchr("\"\\/bfnrt", ch) != NULL) {
      c->i = esc + 2;
    } else {
      return chk_err(c, esc, MSG_ESCAPE);
    }
  }
  return chk_err(c, start, MSG_UNTERM);
}

/* number -> '-'? int frac? exp? */
static int chk_number(chk *c) {
  const unsigned char *p = c->p;
  size_t s = c->i, i = c->i, n = c->n;
#define DIGIT(k) ((k) < n && p[k] >= '0' && p[k] <= '9')
  if (i < n && p[i] == '-') i++;
  if (!DIGIT(i)) return chk_err(c, s, MSG_NUMBER);
  if (p[i] == '0') {
    i++;
  } else {
    while (DIGIT(i)) i++;
  }
  if (i < n && p[i] == '.') {
    if (!DIGIT(i + 1)) return chk_err(c, s, MSG_NUMBER);
    i++;
    while (DIGIT(i)) i++;
  }
  if (i < n && (p[i] == 'e' || p[i] == 'E')) {
    i++;
    if (i < n && (p[i] == '+' || p[i] == '-')) i++;
    if (!DIGIT(i)) return chk_err(c, s, MSG_NUMBER);
    while (DIGIT(i)) i++;
  }
#undef DIGIT
  c->i = i;
  return 1;
}

static int chk_value(chk *c, int depth);

/* object -> '{' (string ':' value (',' string ':' value)*)? '}' */
static int chk_object(chk *c, int depth) {
  c->i++;
  chk_blanks(c);
  if (c->i < c->n && c->p[c->i] == '}') {
    c->i++;
    return 1;
  }
  for (;;) {
    chk_blanks(c);
    if (c->i >= c->n || c->p[c->i] != '"') return chk_err(c, c->i, MSG_KEY);
    if (!chk_string(c)) return 0;
    chk_blanks(c);
    if (c->i >= c->n || c->p[c->i] != ':') return chk_err(c, c->i, MSG_COLON);
    c->i++;
    if (!chk_value(c, depth + 1)) return 0;
    chk_blanks(c);
    if (c->i < c->n && c->p[c->i] == ',') {
      c->i++;
    } else if (c->i < c->n && c->p[c->i] == '}') {
      c->i++;
      return 1;
    } else {
      return chk_err(c, c->i, MSG_OBJ_SEP);
    }
  }
}

/* array -> '[' (value (',' value)*)? ']' */
static int chk_array(chk *c, int depth) {
  c->i++;
  chk_blanks(c);
  if (c->i < c->n && c->p[c->i] == ']') {
    c->i++;
    return 1;
  }
  for (;;) {
    if (!chk_value(c, depth + 1)) return 0;
    chk_blanks(c);
    if (c->i < c->n && c->p[c->i] == ',') {
      c->i++;
    } else if (c->i < c->n && c->p[c->i] == ']') {
      c->i++;
      return 1;
    } else {
      return chk_err(c, c->i, MSG_ARR_SEP);
    }
  }
}

/* value -> object | array | string | number | true | false | null.  'depth' counts the
** containers around it; cJSON refuses the one that would make CJSON_NESTING_LIMIT + 1. */
static int chk_value(chk *c, int depth) {
  static const char *const words[] = {"true", "false", "null"};
  chk_blanks(c);
  if (c->i >= c->n) return chk_err(c, c->i, c->eoi);
  unsigned char ch = c->p[c->i];
  if ((ch == '{' || ch == '[') && depth >= CJSON_NESTING_LIMIT) return chk_err(c, c->i, MSG_DEEP);
  if (ch == '{') return chk_object(c, depth);
  if (ch == '[') return chk_array(c, depth);
  if (ch == '"') return chk_string(c);
  if (ch == '-' || (ch >= '0' && ch <= '9')) return chk_number(c);
  for (size_t k = 0; k < KQL_ARRAY_LEN(words); k++) {
    size_t wl = strlen(words[k]);
    if (c->n - c->i >= wl && memcmp(c->p + c->i, words[k], wl) == 0) {
      c->i += wl;
      return 1;
    }
  }
  return chk_err(c, c->i, MSG_CHAR);
}

/* Check that the 'n' bytes at 'p' are one JSON value with blanks around it.  Returns 1 and
** fills '*c' with the first error when there is one ('after' is the message for text after
** a complete value, 'eoi' for text that stops short), 0 when the text is valid. */
static int json_check(const char *p, size_t n, const char *after, const char *eoi, chk *c) {
  memset(c, 0, sizeof *c);
  c->p = (const unsigned char *)p;
  c->n = n;
  c->eoi = eoi;
  if (!chk_value(c, 0)) return 1;
  chk_blanks(c);
  if (c->i < n) {
    c->at = c->i;
    c->msg = after;
    return 1;
  }
  return 0;
}

/* ------------------------------------------------------------------------------------ */
/* Rows                                                                                  */
/* ------------------------------------------------------------------------------------ */

/* "a number", "an array"... for messages about 'v'. */
static const char *kind_name(const cJSON *v) {
  if (cJSON_IsObject(v)) return "an object";
  if (cJSON_IsArray(v)) return "an array";
  if (cJSON_IsString(v)) return "a string";
  if (cJSON_IsNumber(v)) return "a number";
  if (cJSON_IsBool(v)) return "a boolean";
  if (cJSON_IsNull(v)) return "null";
  return "an unknown value";
}

/* Report why the 'n' bytes at buffer offset 'vs' are not one JSON value: the checker's
** first error, else where cJSON stopped ('pe').  'after' and 'eoi' as for json_check(). */
static int syntax_error(jsonrd *r, size_t vs, size_t n, const char *pe, const char *after,
                        const char *eoi, kql_diag *d) {
  chk c;
  if (json_check(r->buf + vs, n, after, eoi, &c)) return fail(r, d, vs + c.at, "%s", c.msg);
  size_t at = pe != NULL && pe >= r->buf + vs ? (size_t)(pe - r->buf) : vs;
  return fail(r, d, at, "%s", MSG_CHAR);
}

/* Parse the 'n' bytes at buffer offset 'vs' as a whole JSON value, blanks allowed around
** it.  Returns the value or NULL after reporting the error ('after', 'eoi' as above). */
static cJSON *parse_text(jsonrd *r, size_t vs, size_t n, const char *after, const char *eoi,
                         kql_diag *d) {
  const char *p = r->buf + vs, *pe = NULL;
  cJSON *v = cJSON_ParseWithLengthOpts(p, n, &pe, 0);
  if (v != NULL) {
    while (pe < p + n && is_blank((unsigned char)*pe)) pe++;
    if (pe == p + n) return v;
    cJSON_Delete(v);
  }
  syntax_error(r, vs, n, pe, after, eoi, d);
  return NULL;
}

/* Turn the array of values 'arr' (consumed) into an object keyed by the column names. */
static cJSON *table_row(jsonrd *r, cJSON *arr) {
  cJSON *obj = cJSON_CreateObject();
  if (obj == NULL) {
    cJSON_Delete(arr);
    return NULL;
  }
  for (int i = 0; i < r->ncols; i++) {
    cJSON *item = cJSON_DetachItemViaPointer(arr, arr->child);
    cJSON_AddItemToObject(obj, r->cols[i], item); /* copies the name: rows may outlive r */
  }
  cJSON_Delete(arr);
  return obj;
}

/* Parse the row text at [vs, vs+n) of the buffer and return it in '*obj' as a row object
** (WRAP_TABLE in RD_ARRAY: from an array of values).  Returns 1, or -1 with 'd' filled. */
static int emit(jsonrd *r, size_t vs, size_t n, const char *after, const char *eoi, void **obj,
                kql_diag *d) {
  cJSON *v = parse_text(r, vs, n, after, eoi, d);
  if (v == NULL) return -1;
  while (is_blank((unsigned char)r->buf[vs])) vs++;
  if (r->mode == RD_ARRAY && r->wrap == WRAP_TABLE) {
    if (!cJSON_IsArray(v)) {
      const char *k = kind_name(v);
      cJSON_Delete(v);
      return fail(r, d, vs, "a row is not a JSON array (found %s)", k);
    }
    int nv = cJSON_GetArraySize(v);
    if (nv != r->ncols) {
      cJSON_Delete(v);
      return fail(r, d, vs, "a row has %d values but the table has %d columns", nv, r->ncols);
    }
    v = table_row(r, v);
    if (v == NULL) {
      fail(r, d, vs, "out of memory");
      r->err.code = d->code = KQL_ERR_NOMEM;
      return -1;
    }
  } else if (!cJSON_IsObject(v)) {
    const char *k = kind_name(v);
    cJSON_Delete(v);
    return fail(r, d, vs, "a row is not a JSON object (found %s)", k);
  }
  r->row = v;
  *obj = v;
  return 1;
}

/* JSON Lines: the next non-blank line as a row.  Returns 1, 0 at the end, -1 on error. */
static int next_line(jsonrd *r, void **obj, long *line, kql_diag *d) {
  for (;;) {
    size_t end, next;
    int k = find_line(r, &end, &next, d);
    if (k <= 0) {
      if (k == 0) r->mode = RD_DONE;
      return k;
    }
    const char *b = r->buf;
    size_t s = r->pos, t = end, q = s;
    if (t > s && b[t - 1] == '\r') t--;
    while (q < t && is_blank((unsigned char)b[q])) q++;
    if (q < t) {
      sync_lines(r, q);
      *line = r->line;
      if (emit(r, s, t - s, MSG_AFTER_ROW, MSG_EOL, obj, d) < 0) return -1;
    }
    sync_lines(r, next);
    r->pos = next;
    if (q < t) return 1;
  }
}

/* Concatenated objects: the next one as a row.  Returns 1, 0 at the end, -1 on error. */
static int next_seq(jsonrd *r, void **obj, long *line, kql_diag *d) {
  int c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  if (c == PEEK_EOF) {
    r->mode = RD_DONE;
    return 0;
  }
  sync_lines(r, r->pos);
  *line = r->line;
  int k = take_value(r, d);
  if (k <= 0) return k < 0 ? -1 : fail(r, d, r->vstart, MSG_TRUNC_ROW);
  return emit(r, r->vstart, r->pos - r->vstart, MSG_CHAR, MSG_EOV, obj, d);
}

/* ------------------------------------------------------------------------------------ */
/* Wrappers: {"value":[...]}, {"Results":[...]}, {"tables":[{"columns":..,"rows":..}]}   */
/* ------------------------------------------------------------------------------------ */

/* Is the quoted key text 'p' of 'n' bytes the word 'w' (ASCII case ignored)? */
static int key_is(const char *p, size_t n, const char *w) {
  size_t wl = strlen(w);
  if (n != wl + 2) return 0;
  for (size_t i = 0; i < wl; i++) {
    char c = p[i + 1];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != w[i]) return 0;
  }
  return 1;
}

/* Read the member key at r->pos, its ':' and the blanks after, leaving r->pos on the
** value's first byte.  Returns the KEY_* of the key, or -1 with 'd' filled. */
static int member_key(jsonrd *r, kql_diag *d) {
  int c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  if (c == PEEK_EOF) return fail(r, d, r->len, MSG_TRUNC_OBJECT);
  if (c != '"') return fail(r, d, r->pos, MSG_KEY);
  int k = take_value(r, d);
  if (k <= 0) return k < 0 ? -1 : fail(r, d, r->vstart, MSG_UNTERM);
  const char *p = r->buf + r->vstart;
  size_t n = r->pos - r->vstart;
  int kind = key_is(p, n, "value") || key_is(p, n, "results") ? KEY_LIST
             : key_is(p, n, "tables")                          ? KEY_TABLES
             : key_is(p, n, "rows")                            ? KEY_ROWS
             : key_is(p, n, "columns")                         ? KEY_COLUMNS
                                                               : KEY_OTHER;
  c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  if (c == PEEK_EOF) return fail(r, d, r->len, MSG_TRUNC_OBJECT);
  if (c != ':') return fail(r, d, r->pos, MSG_COLON);
  r->pos++;
  c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  if (c == PEEK_EOF) return fail(r, d, r->len, MSG_TRUNC_OBJECT);
  return kind;
}

/* Skip the value at r->pos (structure only; it is not parsed).  The value belongs in an
** object when 'closer' is '}', in an array when ']'.  Returns 0 or -1. */
static int skip_value(jsonrd *r, int closer, kql_diag *d) {
  int c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  int k = c == PEEK_EOF ? 0 : take_value(r, d);
  if (k > 0) return 0;
  return k < 0 ? -1 : fail(r, d, r->len, closer == '}' ? MSG_TRUNC_OBJECT : MSG_TRUNC_ARRAY);
}

/* After a member or element, read the ',' (return 1) or the 'closer' (return 0) that
** follows.  Returns -1 on anything else. */
static int next_or_close(jsonrd *r, int closer, kql_diag *d) {
  int c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  if (c == PEEK_EOF) return fail(r, d, r->len, closer == '}' ? MSG_TRUNC_OBJECT : MSG_TRUNC_ARRAY);
  if (c == ',' || c == closer) {
    r->pos++;
    return c == ',';
  }
  return fail(r, d, r->pos, closer == '}' ? MSG_OBJ_SEP : MSG_ARR_SEP);
}

/* Just past an object's '{': consume a '}' that follows and return 0, else return 1 (members
** follow), or -1 on a read error. */
static int empty_object(jsonrd *r, kql_diag *d) {
  int c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  if (c != '}') return 1;
  r->pos++;
  return 0;
}

/* After the row array of a wrapper: skip what is left of each enclosing level in
** r->closers, then require the end of the file.  Returns 0 (RD_DONE) or -1. */
static int finish_wrapper(jsonrd *r, kql_diag *d) {
  for (const char *cl = r->closers; *cl != '\0'; cl++) {
    int k;
    while ((k = next_or_close(r, *cl, d)) == 1) {
      if (*cl == '}' && member_key(r, d) < 0) return -1;
      if (skip_value(r, *cl, d) < 0) return -1;
    }
    if (k < 0) return -1;
  }
  int c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  if (c != PEEK_EOF) return fail(r, d, r->pos, MSG_AFTER_DOC);
  r->mode = RD_DONE;
  return 0;
}

/* Start streaming the row array at r->pos (just past its '['), closing 'closers' after. */
static void enter_rows(jsonrd *r, int wrap, const char *closers) {
  r->mode = RD_ARRAY;
  r->wrap = wrap;
  r->first = 1;
  snprintf(r->closers, sizeof r->closers, "%s", closers);
}

/* Take the column names of a table from the "columns" value at r->pos: an array of
** {"name": ...} (Log Analytics) or {"ColumnName": ...} (Azure Data Explorer) objects. */
static int read_columns(jsonrd *r, kql_diag *d) {
  int k = take_value(r, d);
  if (k <= 0) return k < 0 ? -1 : fail(r, d, r->len, MSG_TRUNC_OBJECT);
  size_t vs = r->vstart;
  cJSON *a = parse_text(r, vs, r->pos - vs, MSG_OBJ_SEP, MSG_EOV, d);
  if (a == NULL) return -1;
  if (!cJSON_IsArray(a)) {
    cJSON_Delete(a);
    return fail(r, d, vs, "the columns of a table are not a JSON array");
  }
  for (int i = 0; i < r->ncols; i++) free(r->cols[i]);
  free(r->cols);
  r->ncols = 0;
  r->cols = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *r->cols);
  for (const cJSON *col = a->child; col != NULL; col = col->next) {
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(col, "name");
    if (!cJSON_IsString(name)) name = cJSON_GetObjectItemCaseSensitive(col, "ColumnName");
    if (!cJSON_IsString(name)) {
      cJSON_Delete(a);
      return fail(r, d, vs, "a column of a table has no name");
    }
    r->cols[r->ncols++] = xstrdup(name->valuestring);
  }
  cJSON_Delete(a);
  return 0;
}

/* Inside "tables":[ at r->pos: read the first table's members up to its "rows" array and
** stream that; later tables are skipped.  Returns 0 or -1. */
static int begin_tables(jsonrd *r, kql_diag *d) {
  int c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  if (c == PEEK_EOF) return fail(r, d, r->len, MSG_TRUNC_ARRAY);
  if (c == ']') {
    r->pos++;
    snprintf(r->closers, sizeof r->closers, "}");
    return finish_wrapper(r, d);
  }
  if (c != '{') return fail(r, d, r->pos, "a table is not a JSON object");
  r->pos++;
  int more = empty_object(r, d);
  if (more < 0) return -1;
  while (more) {
    int kind = member_key(r, d);
    if (kind < 0) return -1;
    if (kind == KEY_COLUMNS) {
      if (read_columns(r, d) < 0) return -1;
    } else if (kind == KEY_ROWS && r->buf[r->pos] == '[') {
      if (r->cols == NULL) return fail(r, d, r->pos, "the rows of a table come before its columns");
      r->pos++;
      enter_rows(r, WRAP_TABLE, "}]}");
      return 0;
    } else if (skip_value(r, '}', d) < 0) {
      return -1;
    }
    if ((more = next_or_close(r, '}', d)) < 0) return -1;
  }
  snprintf(r->closers, sizeof r->closers, "]}"); /* a table without rows */
  return finish_wrapper(r, d);
}

/* At the '{' of a top-level object that is not one JSON line: read its members looking for
** "value"/"Results" (array of rows) or "tables" and stream that array.  The object stays in
** the buffer until such a member shows up; without one it is the first of a sequence of
** objects (RD_SEQ).  Returns 0 or -1. */
static int begin_wrapper(jsonrd *r, kql_diag *d) {
  r->pin = r->pos;
  r->pos++;
  int more = empty_object(r, d);
  if (more < 0) return -1;
  while (more) {
    int kind = member_key(r, d);
    if (kind < 0) return -1;
    if ((kind == KEY_LIST || kind == KEY_TABLES) && r->buf[r->pos] == '[') {
      r->pin = NOPIN;
      r->pos++;
      if (kind == KEY_TABLES) return begin_tables(r, d);
      enter_rows(r, WRAP_LIST, "}");
      return 0;
    }
    if (skip_value(r, '}', d) < 0) return -1;
    if ((more = next_or_close(r, '}', d)) < 0) return -1;
  }
  r->pos = r->pin;
  r->pin = NOPIN;
  r->mode = RD_SEQ;
  return 0;
}

/* The top level starts with '{' at r->pos.  JSON Lines when more lines follow and the first
** line is an object or malformed; a wrapper or a sequence of objects when the file is that
** one line or when the first line stops inside the object (pretty-printed). */
static int detect_object(jsonrd *r, kql_diag *d) {
  size_t end, next;
  if (find_line(r, &end, &next, d) < 0) return -1;
  r->pin = r->pos;
  r->pos = next;
  int c = peek(r, d);
  r->pos = r->pin;
  r->pin = NOPIN;
  if (c == PEEK_ERR) return -1;
  if (c == PEEK_EOF) return begin_wrapper(r, d);
  if (find_line(r, &end, &next, d) < 0) return -1;
  if (end > r->pos && r->buf[end - 1] == '\r') end--;
  const char *p = r->buf + r->pos, *pe = NULL;
  cJSON *v = cJSON_ParseWithLengthOpts(p, end - r->pos, &pe, 0);
  if (v != NULL) {
    cJSON_Delete(v);
    return 0;
  }
  chk ck;
  if (json_check(p, end - r->pos, MSG_AFTER_ROW, MSG_EOL, &ck) && ck.short_text)
    return begin_wrapper(r, d);
  return 0;
}

/* Decide the format from the first non-blank byte and set r->mode.  Returns 0 or -1. */
static int detect(jsonrd *r, kql_diag *d) {
  while (r->len < 3 && !r->eof)
    if (fill(r, 0, d) < 0) return -1;
  if (r->len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) r->pos = r->lpos = r->lstart = 3;
  int c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  sync_lines(r, r->pos);
  r->mode = RD_LINES;
  if (c == PEEK_EOF) {
    r->mode = RD_DONE;
  } else if (c == '[') {
    r->pos++;
    enter_rows(r, WRAP_NONE, "");
  } else if (c == '{') {
    return detect_object(r, d);
  }
  return 0;
}

/* The array ended at r->pos: a top-level array must end the file; a wrapper is finished. */
static int close_array(jsonrd *r, kql_diag *d) {
  if (r->wrap != WRAP_NONE) return finish_wrapper(r, d);
  int c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  if (c != PEEK_EOF) return fail(r, d, r->pos, MSG_AFTER_ARRAY);
  r->mode = RD_DONE;
  return 0;
}

/* RD_ARRAY: the next element as a row.  Returns 1, 0 after the array (and what follows it)
** is done, -1 on error. */
static int next_element(jsonrd *r, void **obj, long *line, kql_diag *d) {
  int c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  if (c == ']') {
    r->pos++;
    return close_array(r, d);
  }
  if (!r->first && c != PEEK_EOF) {
    if (c != ',') return fail(r, d, r->pos, MSG_ARR_SEP);
    r->pos++;
    if ((c = peek(r, d)) == PEEK_ERR) return -1;
  }
  if (c == PEEK_EOF) return fail(r, d, r->len, MSG_TRUNC_ARRAY);
  r->first = 0;
  sync_lines(r, r->pos);
  *line = r->line;
  int k = take_value(r, d);
  if (k <= 0) return k < 0 ? -1 : fail(r, d, r->vstart, MSG_TRUNC_ROW);
  return emit(r, r->vstart, r->pos - r->vstart, MSG_ARR_SEP, MSG_EOV, obj, d);
}

/* ------------------------------------------------------------------------------------ */
/* Interface                                                                             */
/* ------------------------------------------------------------------------------------ */

/* Open 'path'; NULL with 'd' filled ("cannot open 'PATH': reason") when it cannot be read,
** a directory included.  Nothing is read yet. */
jsonrd *jsonrd_open(const char *path, kql_diag *d) {
  int fd = open(path, O_RDONLY);
  int err = fd < 0 ? errno : 0;
  struct stat st;
  if (fd >= 0 && fstat(fd, &st) != 0) err = errno;
  if (fd >= 0 && err == 0 && S_ISDIR(st.st_mode)) err = EISDIR;
  if (err != 0) {
    if (fd >= 0) close(fd);
    diag_nospan(d, KQL_ERR_IO, "cannot open '%s': %s", path, strerror(err));
    set_place(d, path, 0, 0);
    return NULL;
  }
#ifdef POSIX_FADV_SEQUENTIAL
  (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  jsonrd *r = xcalloc(1, sizeof *r);
  r->fd = fd;
  r->path = xstrdup(path);
  r->cap = CHUNK;
  r->buf = xmalloc(r->cap);
  r->pin = NOPIN;
  r->line = 1;
  r->mode = RD_START;
  return r;
}

/* Return the next row in '*obj' (owned by 'r', freed by the next call) and the line it
** starts on in '*line': 1; 0 after the last row; -1 with 'd' filled, and again on every
** later call. */
int jsonrd_next(jsonrd *r, void **obj, long *line, kql_diag *d) {
  cJSON_Delete(r->row);
  r->row = NULL;
  *obj = NULL;
  for (;;) {
    switch (r->mode) {
    case RD_START:
      if (detect(r, d) < 0) return -1;
      break;
    case RD_LINES:
      return next_line(r, obj, line, d);
    case RD_ARRAY:
      return next_element(r, obj, line, d);
    case RD_SEQ:
      return next_seq(r, obj, line, d);
    case RD_DONE:
      return 0;
    default:
      *d = r->err;
      return -1;
    }
  }
}

/* Bytes of the file consumed so far: the end of the last row returned. */
uint64_t jsonrd_offset(const jsonrd *r) {
  return r->base + r->pos;
}

/* Close the file and free 'r' with the last row; NULL is allowed. */
void jsonrd_close(jsonrd *r) {
  if (r == NULL) return;
  cJSON_Delete(r->row);
  for (int i = 0; i < r->ncols; i++) free(r->cols[i]);
  free(r->cols);
  close(r->fd);
  free(r->buf);
  free(r->path);
  free(r);
}
