/*
** rule.c: reads Sentinel analytic-rule and hunting-query YAML files with libyaml's event
** parser.  Takes the top-level 'query' (and 'name', 'id') out of the file and maps each
** query line back to a line and column of the file, so that diagnostics on the query point
** into the rule file.  It comes before the lexer in the flow and knows nothing of KQL.
*/
#include "rule.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "diag.h"

#define RULE_MAX_BYTES ((size_t)16 * 1024 * 1024) /* bigger rule files are refused */

/* Top-level keys this file takes values from. */
typedef enum rkey { RKEY_OTHER, RKEY_QUERY, RKEY_NAME, RKEY_ID } rkey;

/* A scalar value taken out of the event stream. */
typedef struct rscalar {
  char *value;                /* its bytes, NUL-terminated; NULL when not taken */
  size_t len;                 /* its length (the value may hold NUL bytes) */
  yaml_scalar_style_t style;  /* literal, folded, plain, single or double quoted */
  size_t start, end;          /* byte offsets in the file of libyaml's start and end marks */
} rscalar;

/* State of the walk over the events of a rule file. */
typedef struct walk {
  const rule_file *r;  /* the file being read: its path and text */
  long level;          /* collections open in the first document (0: at its root) */
  int docs;            /* documents started so far; only the first one is read */
  int root_map;        /* 1 when the first document's root node is a mapping */
  int at_key;          /* 1 when the next node at level 1 is a key, 0 when a value */
  rkey key;            /* the key whose value comes next */
  int query_seen;      /* 1 once a 'query' key has been met */
  rscalar query;       /* the 'query' value */
  rscalar name;        /* the 'name' value */
  rscalar id;          /* the 'id' value */
  int failed;          /* 1 when 'err' holds a problem found on the way */
  kql_diag err;        /* that problem, reported unless the YAML itself is bad */
} walk;

/* ------------------------------------------------------------------------------------ */
/* Positions                                                                             */
/* ------------------------------------------------------------------------------------ */

/* Number of bytes of the UTF-8 byte order mark at the start of 't', if any (0 or 3).  It is
** not given to libyaml, whose marks therefore count from after it. */
static size_t bom_len(const char *t, size_t len) {
  return len >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* Return the byte offset in 'text' ('len' bytes, valid UTF-8 as libyaml has checked it) of
** a libyaml mark whose index is 'idx': libyaml counts characters, not bytes, from after
** the byte order mark. */
static size_t mark_offset(const char *text, size_t len, size_t idx) {
  size_t i = bom_len(text, len);
  while (idx > 0 && i < len) {
    i++;
    while (i < len && ((unsigned char)text[i] & 0xC0) == 0x80) i++;
    idx--;
  }
  return i;
}

/* Set '*e' to the end of the file line that starts at 's' (the first line break: LF, CR,
** CRLF or NEL, as libyaml counts them) and return where the next line starts.  At the end
** of 'text' both are 'len'. */
static size_t next_line(const char *t, size_t len, size_t s, size_t *e) {
  for (size_t i = s; i < len; i++) {
    unsigned char c = (unsigned char)t[i];
    if (c == '\n') {
      *e = i;
      return i + 1;
    }
    if (c == '\r') {
      *e = i;
      return i + 1 < len && t[i + 1] == '\n' ? i + 2 : i + 1;
    }
    if (c == 0xC2 && i + 1 < len && (unsigned char)t[i + 1] == 0x85) {
      *e = i;
      return i + 2;
    }
  }
  *e = len;
  return len;
}

/* Number of spaces and tabs at 't'[s..e). */
static size_t lead_ws(const char *t, size_t s, size_t e) {
  size_t i = s;
  while (i < e && (t[i] == ' ' || t[i] == '\t')) i++;
  return i - s;
}

/* Set '*line' and '*col' (1-based, col in bytes) to the position of byte 'off' of the file
** of 'r', the way kql_diag_render() counts them. */
static void file_pos(const rule_file *r, size_t off, long *line, long *col) {
  diag_locate(r->text, r->len, off, line, col);
}

/* ------------------------------------------------------------------------------------ */
/* The query map                                                                         */
/* ------------------------------------------------------------------------------------ */

/* Return the offset of the '|' or '>' of a block scalar from 'p' (after its tag, if any),
** skipping comments, or 'stop' if there is none before it. */
static size_t find_indicator(const char *t, size_t p, size_t stop) {
  while (p < stop && t[p] != '|' && t[p] != '>') {
    if (t[p] == '#')
      while (p < stop && t[p] != '\n' && t[p] != '\r') p++;
    else p++;
  }
  return p;
}

/* Return where the scalar whose event starts at 'p' begins after its tag ("!!str "), if
** it has one; 'stop' bounds the search. */
static size_t skip_tag(const char *t, size_t p, size_t stop) {
  if (p >= stop || t[p] != '!') return p;
  while (p < stop && t[p] != ' ' && t[p] != '\t' && t[p] != '\n' && t[p] != '\r') p++;
  while (p < stop && (t[p] == ' ' || t[p] == '\t' || t[p] == '\n' || t[p] == '\r')) p++;
  return p;
}

/* Literal block scalar ('|', '|-', '|+'): its value is the file lines after the header
** with the block's indentation cut, so query line k starts on file line header+1+k, after
** the indentation.  Each non-empty query line is found exactly by matching it against the
** end of its file line (this also covers an explicit indentation indicator and trailing
** spaces); empty lines, and any line that does not match (a line break libyaml knows that
** next_line() does not, like U+2028), get the indentation of the first line that matched
** (0 if none did).  'at[k]' is set to the file offset of query line k. */
static void map_literal(const char *t, size_t len, size_t s, const char *q, size_t qlen,
                        size_t *at, int nlines) {
  size_t *ss = xmalloc((size_t)nlines * sizeof *ss);
  size_t *se = xmalloc((size_t)nlines * sizeof *se);
  size_t *qs = xmalloc((size_t)nlines * sizeof *qs);
  size_t *qn = xmalloc((size_t)nlines * sizeof *qn);
  size_t qp = 0;
  for (int k = 0; k < nlines; k++) {
    ss[k] = s;
    s = next_line(t, len, s, &se[k]);
    const char *nl = memchr(q + qp, '\n', qlen - qp);
    size_t qe = nl ? (size_t)(nl - q) : qlen;
    qs[k] = qp;
    qn[k] = qe - qp;
    qp = qe + 1;
  }
  size_t indent = 0;
  int found = 0;
  for (int k = 0; k < nlines && !found; k++) {
    size_t n = qn[k], w = se[k] - ss[k];
    if (n > 0 && w >= n && memcmp(t + se[k] - n, q + qs[k], n) == 0) {
      indent = w - n;
      found = 1;
    }
  }
  for (int k = 0; k < nlines; k++) {
    size_t n = qn[k], w = se[k] - ss[k];
    if (n > 0 && w >= n && memcmp(t + se[k] - n, q + qs[k], n) == 0) at[k] = se[k] - n;
    else at[k] = ss[k] + (indent < w ? indent : w);
  }
  free(ss);
  free(se);
  free(qs);
  free(qn);
}

/* Folded block scalar ('>') and plain scalar: libyaml joins file lines with a space, so a
** query line is one or more file lines and no exact map exists.  Best effort: query line k
** is mapped to the first file line (from 's', the first content line, up to 'stop', the
** end of the scalar) whose text without leading blanks starts the query line, so that
** columns are right on that first file line.  An empty query line takes the next file
** line; a line that matches nothing takes the place of the line before (the scalar start
** for the first one).  'at[k]' is set to the file offset of query line k.  Lines that do
** not match are searched for up to 'stop' again and again, so the number of file lines
** looked at is capped (linear in the size of the scalar); past it, lines take the place
** of the line before. */
static void map_folded(const char *t, size_t len, size_t s, size_t stop, const char *q,
                       size_t qlen, size_t *at, int nlines) {
  size_t cur = s, last = s, qp = 0;
  size_t budget = 4 * (stop > s ? stop - s : 0) + 4096; /* file lines left to look at */
  for (int k = 0; k < nlines; k++) {
    const char *nl = memchr(q + qp, '\n', qlen - qp);
    size_t qe = nl ? (size_t)(nl - q) : qlen;
    size_t qw = lead_ws(q, qp, qe);
    const char *qb = q + qp + qw; /* the query line without its leading blanks */
    size_t qbn = qe - qp - qw;
    qp = qe + 1;
    size_t e, next = next_line(t, len, cur, &e);
    if (qbn == 0) {
      at[k] = cur;
      if (cur < stop) cur = next;
      last = at[k];
      continue;
    }
    at[k] = last;
    for (size_t seg = cur; seg < stop && budget > 0; seg = next, budget--) {
      next = next_line(t, len, seg, &e);
      if (e > stop) e = stop;
      size_t w = lead_ws(t, seg, e);
      size_t cn = e - seg - w;
      while (cn > 0 && (t[seg + w + cn - 1] == ' ' || t[seg + w + cn - 1] == '\t')) cn--;
      if (cn > 0 && cn <= qbn && memcmp(t + seg + w, qb, cn) == 0 &&
          (cn == qbn || qb[cn] == ' ' || qb[cn] == '\t')) {
        at[k] = seg + w - (qw < w ? qw : w);
        cur = next;
        break;
      }
    }
    last = at[k];
  }
}

/* Build r->map from the 'query' scalar 'sc' (r->query already set).  Literal block
** scalars are mapped exactly; folded and plain ones by map_folded(); quoted ones map every
** query line to the character after the opening quote, which is exact for a one-line
** string without escapes. */
static void build_map(rule_file *r, const rscalar *sc) {
  const char *t = r->text;
  size_t len = r->len;
  size_t nl = 1;
  for (const char *p = r->query; (p = memchr(p, '\n', r->query_len - (size_t)(p - r->query)));
       p++)
    nl++;
  int n = (int)nl; /* fits: the file is at most RULE_MAX_BYTES */
  size_t *at = xmalloc(nl * sizeof *at);
  size_t stop = sc->end < len ? sc->end : len;
  switch (sc->style) {
  case YAML_LITERAL_SCALAR_STYLE:
  case YAML_FOLDED_SCALAR_STYLE: {
    size_t ind = find_indicator(t, skip_tag(t, sc->start, stop), stop);
    size_t e, body = ind < stop ? next_line(t, len, ind, &e) : sc->start;
    if (sc->style == YAML_LITERAL_SCALAR_STYLE)
      map_literal(t, len, body, r->query, r->query_len, at, n);
    else map_folded(t, len, body, stop, r->query, r->query_len, at, n);
    break;
  }
  case YAML_PLAIN_SCALAR_STYLE:
    map_folded(t, len, skip_tag(t, sc->start, stop), stop, r->query, r->query_len, at, n);
    break;
  case YAML_SINGLE_QUOTED_SCALAR_STYLE:
  case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
  default: {
    size_t p = skip_tag(t, sc->start, stop);
    p += p < stop && (t[p] == '\'' || t[p] == '"');
    for (int k = 0; k < n; k++) at[k] = p;
    break;
  }
  }
  /* offsets to (line, col0); 'at' never goes backwards, so one pass over the text */
  r->map.text = r->text;
  r->map.len = r->len;
  r->map.nlines = n;
  r->map.line = xmalloc(nl * sizeof *r->map.line);
  r->map.col0 = xmalloc(nl * sizeof *r->map.col0);
  size_t pos = 0, ls = 0;
  long ln = 1;
  for (int k = 0; k < n; k++) {
    size_t target = at[k] < len ? at[k] : len;
    if (target < pos) pos = ls = 0, ln = 1;
    for (; pos < target; pos++)
      if (t[pos] == '\n') ln++, ls = pos + 1;
    r->map.line[k] = ln;
    r->map.col0[k] = (long)(target - ls);
  }
  free(at);
}

/* ------------------------------------------------------------------------------------ */
/* The event walk                                                                        */
/* ------------------------------------------------------------------------------------ */

/* Keep the first problem found while walking, as a diagnostic where event 'ev' starts.
** (Positions cost a pass over the text, so they are only computed for errors.) */
static void walk_fail(walk *w, const yaml_event_t *ev, const char *msg) {
  if (w->failed) return;
  long line, col;
  file_pos(w->r, mark_offset(w->r->text, w->r->len, ev->start_mark.index), &line, &col);
  diag_file(&w->err, KQL_ERR_SYNTAX, w->r->path, line, col, "%s", msg);
  w->failed = 1;
}

/* Copy the scalar of event 'ev' into 'sc'. */
static void take_scalar(const walk *w, const yaml_event_t *ev, rscalar *sc) {
  sc->len = ev->data.scalar.length;
  sc->value = xmalloc(sc->len + 1);
  memcpy(sc->value, ev->data.scalar.value, sc->len);
  sc->value[sc->len] = '\0';
  sc->style = ev->data.scalar.style;
  sc->start = mark_offset(w->r->text, w->r->len, ev->start_mark.index);
  sc->end = mark_offset(w->r->text, w->r->len, ev->end_mark.index);
}

/* 1 when the scalar of 'ev' is YAML's null: an untagged plain "", "~" or "null". */
static int is_null(const yaml_event_t *ev) {
  static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
  if (ev->data.scalar.tag || ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return 0;
  for (size_t i = 0; i < KQL_ARRAY_LEN(nulls); i++)
    if (strcmp((const char *)ev->data.scalar.value, nulls[i]) == 0) return 1;
  return 0;
}

/* Handle a node (a scalar, or the start of a collection when 'coll') of the first
** document.  Level 0 is the root; level 1 the entries of the root mapping, key then value. */
static void walk_node(walk *w, const yaml_event_t *ev, int coll) {
  if (w->level == 0) {
    w->root_map = ev->type == YAML_MAPPING_START_EVENT;
    return;
  }
  if (w->level != 1 || !w->root_map) return;
  if (w->at_key) {
    static const struct { const char *name; rkey key; } keys[] = {
        {"query", RKEY_QUERY}, {"name", RKEY_NAME}, {"id", RKEY_ID}};
    w->key = RKEY_OTHER;
    if (!coll)
      for (size_t i = 0; i < KQL_ARRAY_LEN(keys); i++)
        if (strcmp((const char *)ev->data.scalar.value, keys[i].name) == 0) w->key = keys[i].key;
    if (!coll) w->at_key = 0; /* a collection key ends at its END event */
    return;
  }
  switch (w->key) {
  case RKEY_QUERY:
    if (w->query_seen) walk_fail(w, ev, "rule file has more than one 'query'");
    else if (coll || is_null(ev)) walk_fail(w, ev, "'query' is not a string");
    else take_scalar(w, ev, &w->query);
    w->query_seen = 1;
    break;
  case RKEY_NAME:
    if (!coll && !w->name.value) take_scalar(w, ev, &w->name);
    break;
  case RKEY_ID:
    if (!coll && !w->id.value) take_scalar(w, ev, &w->id);
    break;
  case RKEY_OTHER:
    break;
  }
  if (!coll) w->at_key = 1;
}

/* Handle event 'ev'.  Returns KQL_ERR_SYNTAX (with 'd' filled) for an anchor or alias,
** which are refused outright: a rule needs none and they are what alias bombs are made
** of.  Other problems are kept in w->err and the walk goes on, so that a YAML syntax
** error further down is reported first. */
static kql_status walk_event(walk *w, const yaml_event_t *ev, kql_diag *d) {
  const yaml_char_t *anchor = NULL;
  switch (ev->type) {
  case YAML_ALIAS_EVENT: anchor = ev->data.alias.anchor; break;
  case YAML_SCALAR_EVENT: anchor = ev->data.scalar.anchor; break;
  case YAML_SEQUENCE_START_EVENT: anchor = ev->data.sequence_start.anchor; break;
  case YAML_MAPPING_START_EVENT: anchor = ev->data.mapping_start.anchor; break;
  case YAML_DOCUMENT_START_EVENT: w->docs++; return KQL_OK;
  default: break;
  }
  if (anchor || ev->type == YAML_ALIAS_EVENT) {
    long line, col;
    file_pos(w->r, mark_offset(w->r->text, w->r->len, ev->start_mark.index), &line, &col);
    return diag_file(d, KQL_ERR_SYNTAX, w->r->path, line, col,
                     "YAML aliases are not allowed in rule files");
  }
  if (w->docs != 1) return KQL_OK;
  switch (ev->type) {
  case YAML_SCALAR_EVENT: walk_node(w, ev, 0); break;
  case YAML_SEQUENCE_START_EVENT:
  case YAML_MAPPING_START_EVENT:
    walk_node(w, ev, 1);
    w->level++;
    break;
  case YAML_SEQUENCE_END_EVENT:
  case YAML_MAPPING_END_EVENT:
    w->level--;
    if (w->level == 1 && w->root_map) w->at_key = !w->at_key; /* a collection node ended */
    break;
  default: break;
  }
  return KQL_OK;
}

/* Fill 'd' from the error libyaml's parser 'p' stopped on and return its status. */
static kql_status yaml_fail(const rule_file *r, const yaml_parser_t *p, kql_diag *d) {
  if (p->error == YAML_MEMORY_ERROR)
    return diag_file(d, KQL_ERR_NOMEM, r->path, 0, 0, "out of memory");
  long line, col;
  const char *problem = p->problem ? p->problem : "invalid YAML";
  if (p->error == YAML_READER_ERROR) { /* offset in bytes, no mark */
    file_pos(r, bom_len(r->text, r->len) + p->problem_offset, &line, &col);
    if (p->problem_value >= 0)
      return diag_file(d, KQL_ERR_SYNTAX, r->path, line, col, "%s (0x%02x)", problem,
                       (unsigned)p->problem_value);
    return diag_file(d, KQL_ERR_SYNTAX, r->path, line, col, "%s", problem);
  }
  file_pos(r, mark_offset(r->text, r->len, p->problem_mark.index), &line, &col);
  diag_file(d, KQL_ERR_SYNTAX, r->path, line, col, "%s", problem);
  if (p->context) {
    long cl, cc;
    file_pos(r, mark_offset(r->text, r->len, p->context_mark.index), &cl, &cc);
    diag_hint(d, "%s that started at %ld:%ld", p->context, cl, cc);
  }
  return KQL_ERR_SYNTAX;
}

/* Release the strings of 'sc'. */
static void scalar_free(rscalar *sc) {
  free(sc->value);
  sc->value = NULL;
}

/* Parse 'text' ('len' bytes, NUL-terminated, allocated with xmalloc) of the rule 'path';
** takes ownership of 'text' in all cases.  See rule_parse(). */
static rule_file *parse_owned(const char *path, char *text, size_t len, kql_diag *d) {
  rule_file *r = xcalloc(1, sizeof *r);
  r->path = xstrdup(path ? path : "");
  r->text = text;
  r->len = len;
  if (len > RULE_MAX_BYTES) {
    diag_file(d, KQL_ERR_IO, r->path, 0, 0, "rule file is larger than 16 MiB");
    rule_free(r);
    return NULL;
  }

  walk w;
  memset(&w, 0, sizeof w);
  w.r = r;
  w.at_key = 1;
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p)) {
    diag_file(d, KQL_ERR_NOMEM, r->path, 0, 0, "out of memory");
    rule_free(r);
    return NULL;
  }
  /* UTF-8 only, so that marks convert to byte offsets; the BOM is skipped here because
  ** libyaml only skips it when it detects the encoding itself */
  size_t bom = bom_len(r->text, r->len);
  yaml_parser_set_input_string(&p, (const unsigned char *)r->text + bom, r->len - bom);
  yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
  kql_status st = KQL_OK;
  for (;;) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&p, &ev)) {
      st = yaml_fail(r, &p, d);
      break;
    }
    int last = ev.type == YAML_STREAM_END_EVENT;
    st = walk_event(&w, &ev, d);
    yaml_event_delete(&ev);
    if (st != KQL_OK || last) break;
  }
  yaml_parser_delete(&p);

  if (st == KQL_OK && w.failed) {
    if (d) *d = w.err;
    st = w.err.code;
  } else if (st == KQL_OK && !w.query.value) {
    st = diag_file(d, KQL_ERR_SYNTAX, r->path, 0, 0, "rule file has no 'query'");
  }
  if (st != KQL_OK) {
    scalar_free(&w.query);
    scalar_free(&w.name);
    scalar_free(&w.id);
    rule_free(r);
    return NULL;
  }
  r->query = w.query.value;
  r->query_len = w.query.len;
  r->name = w.name.value;
  r->id = w.id.value;
  build_map(r, &w.query);
  return r;
}

/* Parse the rule text 'text' of 'len' bytes ('path' only names it in messages); the text
** is copied.  See rule.h. */
rule_file *rule_parse(const char *path, const char *text, size_t len, kql_diag *d) {
  if (!text) len = 0;
  char *copy = xmalloc(len + 1);
  if (len) memcpy(copy, text, len);
  copy[len] = '\0';
  return parse_owned(path, copy, len, d);
}

/* Copy the text of error number 'err' into 'buf' of 'size' bytes, in lower case as
** messages are ("no such file or directory"), and return 'buf'. */
static char *errno_text(int err, char *buf, size_t size) {
  snprintf(buf, size, "%s", strerror(err));
  if (buf[0] >= 'A' && buf[0] <= 'Z' && (buf[1] < 'A' || buf[1] > 'Z')) buf[0] += 'a' - 'A';
  return buf;
}

/* Read and parse the rule file at 'path' with stdio.  Files of more than RULE_MAX_BYTES are
** refused before they are read whole.  See rule.h. */
rule_file *rule_load(const char *path, kql_diag *d) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    char why[128];
    errno_text(errno, why, sizeof why);
    diag_file(d, KQL_ERR_IO, path, 0, 0, "cannot open rule file: %s", why);
    return NULL;
  }
  size_t cap = (size_t)1 << 16, len = 0;
  char *buf = xmalloc(cap + 1);
  for (;;) {
    if (len == cap) { /* grow, but never past one byte more than allowed */
      if (cap > RULE_MAX_BYTES) break;
      cap = cap * 2 > RULE_MAX_BYTES ? RULE_MAX_BYTES + 1 : cap * 2;
      buf = xrealloc(buf, cap + 1);
    }
    size_t got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (got == 0) break;
  }
  int bad = ferror(f), err = errno;
  fclose(f);
  if (bad) {
    free(buf);
    char why[128];
    errno_text(err, why, sizeof why);
    diag_file(d, KQL_ERR_IO, path, 0, 0, "cannot read rule file: %s", why);
    return NULL;
  }
  if (len > RULE_MAX_BYTES) {
    free(buf);
    diag_file(d, KQL_ERR_IO, path, 0, 0, "rule file is larger than 16 MiB");
    return NULL;
  }
  buf[len] = '\0';
  return parse_owned(path, buf, len, d);
}

/* Free 'r' and everything it owns; NULL is allowed. */
void rule_free(rule_file *r) {
  if (!r) return;
  free(r->path);
  free(r->text);
  free(r->query);
  free(r->name);
  free(r->id);
  free(r->map.line);
  free(r->map.col0);
  free(r);
}
