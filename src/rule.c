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
#include <strings.h>
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
  const char *qkey;    /* the key of the query: "query", or "FunctionQuery" (a function file) */
  rscalar query;       /* the 'query' value */
  rscalar name;        /* the 'name' value */
  rscalar id;          /* the 'id' value */
  int failed;          /* 1 when 'err' holds a problem found on the way */
  kql_diag err;        /* that problem, reported unless the YAML itself is bad */
  arena *ta;           /* where the tree of the first document goes */
  ynode *root;         /* its root node, once seen */
  ynode **stack;       /* the open collections, innermost last */
  long depth, cap;     /* how many are open, room in 'stack' */
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
    if (!coll && strcmp(w->qkey, "query") != 0) /* a function file: its query has another key */
      w->key = strcmp((const char *)ev->data.scalar.value, w->qkey) == 0 ||
                       strcmp((const char *)ev->data.scalar.value, "ParserQuery") == 0
                   ? RKEY_QUERY
               : w->key == RKEY_QUERY                                    ? RKEY_OTHER
                                                                         : w->key;
    if (!coll) w->at_key = 0; /* a collection key ends at its END event */
    return;
  }
  switch (w->key) {
  case RKEY_QUERY:
    if (w->query_seen) walk_fail(w, ev, strcmp(w->qkey, "query") == 0 ? "rule file has more than one 'query'" : "file has more than one 'FunctionQuery'");
    else if (coll || is_null(ev)) walk_fail(w, ev, strcmp(w->qkey, "query") == 0 ? "'query' is not a string" : "'FunctionQuery' is not a string");
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

/* ------------------------------------------------------------------------------------ */
/* The tree of the first document                                                        */
/* ------------------------------------------------------------------------------------ */

/* Add a node of kind 'k' for event 'ev' to the tree: as the root, or as the last kid of
** the innermost open collection.  Collections are pushed on the stack. */
static void tree_add(walk *w, ykind k, const yaml_event_t *ev) {
  ynode *n = arena_alloc(w->ta, sizeof *n);
  n->kind = k;
  n->s = "";
  n->line = (long)ev->start_mark.line + 1;
  n->col = (long)ev->start_mark.column + 1;
  if (k == YN_SCALAR) {
    n->n = ev->data.scalar.length;
    n->s = arena_strndup(w->ta, (const char *)ev->data.scalar.value, n->n);
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev->data.scalar.tag;
  }
  if (w->depth == 0) {
    if (!w->root) w->root = n;
  } else {
    ynode *p = w->stack[w->depth - 1];
    if (p->nkids == p->cap) {
      int cap = p->cap ? p->cap * 2 : 8;
      ynode **kids = arena_alloc(w->ta, sizeof *kids * (size_t)cap);
      if (p->nkids) memcpy(kids, p->kids, sizeof *kids * (size_t)p->nkids);
      p->kids = kids;
      p->cap = cap;
    }
    p->kids[p->nkids++] = n;
  }
  if (k != YN_SCALAR) {
    if (w->depth == w->cap) {
      w->cap = w->cap ? w->cap * 2 : 16;
      w->stack = xrealloc(w->stack, sizeof *w->stack * (size_t)w->cap);
    }
    w->stack[w->depth++] = n;
  }
}

/* Follow event 'ev' of the first document in the tree. */
static void tree_event(walk *w, const yaml_event_t *ev) {
  switch (ev->type) {
  case YAML_SCALAR_EVENT: tree_add(w, YN_SCALAR, ev); break;
  case YAML_SEQUENCE_START_EVENT: tree_add(w, YN_SEQ, ev); break;
  case YAML_MAPPING_START_EVENT: tree_add(w, YN_MAP, ev); break;
  case YAML_SEQUENCE_END_EVENT:
  case YAML_MAPPING_END_EVENT:
    if (w->depth > 0) w->depth--;
    break;
  default: break;
  }
}

/* See rule.h. */
const ynode *yn_get(const ynode *map, const char *key) {
  if (!map || map->kind != YN_MAP) return NULL;
  for (int i = 0; i + 1 < map->nkids; i += 2)
    if (map->kids[i]->kind == YN_SCALAR && strcmp(map->kids[i]->s, key) == 0)
      return map->kids[i + 1];
  return NULL;
}

/* See rule.h. */
bool yn_is_null(const ynode *n) {
  if (!n) return true;
  if (n->kind != YN_SCALAR || !n->plain) return false;
  return n->n == 0 || strcmp(n->s, "~") == 0 || strcmp(n->s, "null") == 0 ||
         strcmp(n->s, "Null") == 0 || strcmp(n->s, "NULL") == 0;
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
  if (w->ta) tree_event(w, ev);
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
static kql_status rule_meta(rule_file *r, kql_diag *d);

static rule_file *parse_owned(const char *path, char *text, size_t len, bool need_query,
                              const char *qkey, kql_diag *d) {
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
  w.qkey = qkey ? qkey : "query";
  w.at_key = 1;
  w.ta = arena_new();
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p)) {
    diag_file(d, KQL_ERR_NOMEM, r->path, 0, 0, "out of memory");
    arena_free(w.ta);
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
  free(w.stack);
  r->a = w.ta;
  r->doc = w.root;

  if (st == KQL_OK && w.failed && need_query) {
    if (d) *d = w.err;
    st = w.err.code;
  } else if (st == KQL_OK && !w.query.value && need_query) {
    st = qkey ? diag_file(d, KQL_ERR_SYNTAX, r->path, 0, 0, "file has no '%s'", qkey)
              : diag_file(d, KQL_ERR_SYNTAX, r->path, 0, 0, "rule file has no 'query'");
  }
  if (st == KQL_OK && need_query && !qkey) st = rule_meta(r, d);
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
  if (r->query) build_map(r, &w.query);
  return r;
}

/* ------------------------------------------------------------------------------------ */
/* What Sentinel reads from a rule                                                       */
/* ------------------------------------------------------------------------------------ */

const char *rule_op_name(rule_op op) {
  static const char *const names[] = {"gt", "lt", "eq", "ne"};
  return (unsigned)op < KQL_ARRAY_LEN(names) ? names[op] : "gt";
}

/* Parse a number of units 'unit' (s, m, h, d) from 's'; see rule.h. */
int rule_parse_duration(const char *s, int64_t *ticks) {
  static const struct { char unit; int64_t ticks; } units[] = {
      {'s', INT64_C(10000000)}, {'m', INT64_C(600000000)}, {'h', INT64_C(36000000000)},
      {'d', INT64_C(864000000000)}, {'w', INT64_C(6048000000000)}};
  int64_t total = 0;
  if (!s || !*s) return -1;
  if (*s == 'P' || *s == 'p') { /* ISO 8601: P[nD][T[nH][nM][nS]] (weeks too) */
    bool time = false, any = false;
    for (s++; *s;) {
      if (*s == 'T' || *s == 't') {
        time = true;
        s++;
        continue;
      }
      if (*s < '0' || *s > '9') return -1;
      int64_t n = 0;
      while (*s >= '0' && *s <= '9') {
        if (n > INT64_C(100000000)) return -1;
        n = n * 10 + (*s++ - '0');
      }
      char u = (char)(*s | 0x20);
      if (u == 'm' && !time) return -1; /* months are not a fixed length */
      size_t k = 0;
      while (k < KQL_ARRAY_LEN(units) && units[k].unit != u) k++;
      if (k == KQL_ARRAY_LEN(units) || (time && (u == 'd' || u == 'w')) ||
          (!time && u != 'd' && u != 'w'))
        return -1;
      if (n > (INT64_MAX - total) / units[k].ticks) return -1;
      total += n * units[k].ticks;
      any = true;
      s++;
    }
    if (!any) return -1;
    *ticks = total;
    return 0;
  }
  if (*s < '0' || *s > '9') return -1;
  int64_t n = 0;
  while (*s >= '0' && *s <= '9') {
    if (n > INT64_C(100000000)) return -1;
    n = n * 10 + (*s++ - '0');
  }
  char u = (char)(*s | 0x20);
  size_t k = 0;
  while (k < KQL_ARRAY_LEN(units) && units[k].unit != u) k++;
  if (k == KQL_ARRAY_LEN(units) || s[1] || n > INT64_MAX / units[k].ticks) return -1;
  *ticks = n * units[k].ticks;
  return 0;
}

/* Fill 'd' for a bad value at node 'n' of rule 'r' and return KQL_ERR_SYNTAX. */
static kql_status bad_value(const rule_file *r, const ynode *n, kql_diag *d, const char *fmt,
                            const char *what) {
  return diag_file(d, KQL_ERR_SYNTAX, r->path, n ? n->line : 0, n ? n->col : 0, fmt, what);
}

/* Set '*out' to the scalar value of 'key' in 'map' (NULL when absent or null); a mapping
** or sequence there is a bad value. */
static kql_status get_str(const rule_file *r, const ynode *map, const char *key,
                          const char **out, kql_diag *d) {
  const ynode *n = yn_get(map, key);
  *out = NULL;
  if (yn_is_null(n)) return KQL_OK;
  if (n->kind != YN_SCALAR) return bad_value(r, n, d, "'%s' is not a string", key);
  *out = n->s;
  return KQL_OK;
}

/* Set '*out' to the strings of 'key': a sequence of scalars or one scalar. */
static kql_status get_list(const rule_file *r, const ynode *map, const char *key,
                           const char ***out, int *n, kql_diag *d) {
  const ynode *v = yn_get(map, key);
  *out = NULL;
  *n = 0;
  if (yn_is_null(v)) return KQL_OK;
  if (v->kind == YN_MAP) return bad_value(r, v, d, "'%s' is not a list of strings", key);
  int cnt = v->kind == YN_SEQ ? v->nkids : 1;
  const char **list = arena_alloc(r->a, sizeof *list * (size_t)(cnt ? cnt : 1));
  for (int i = 0; i < cnt; i++) {
    const ynode *it = v->kind == YN_SEQ ? v->kids[i] : v;
    if (it->kind != YN_SCALAR) return bad_value(r, it, d, "'%s' is not a list of strings", key);
    list[i] = it->s;
  }
  *out = list;
  *n = cnt;
  return KQL_OK;
}

/* Read a duration key into '*t'; '*has' tells whether it was there. */
static kql_status get_duration(const rule_file *r, const char *key, bool *has, int64_t *t,
                               kql_diag *d) {
  const ynode *n = yn_get(r->doc, key);
  *has = false;
  if (yn_is_null(n)) return KQL_OK;
  if (n->kind != YN_SCALAR || rule_parse_duration(n->s, t) != 0 || *t <= 0)
    return bad_value(r, n, d, "'%s' is not a duration (like 5m, 1h, 14d or PT1H)", key);
  *has = true;
  return KQL_OK;
}

/* 1 when 'a' equals one of the NULL-terminated names, ignoring case. */
static bool is_one_of(const char *a, const char *const *names) {
  for (; *names; names++)
    if (strcasecmp(a, *names) == 0) return true;
  return false;
}

/* Read entityMappings: a list of {entityType, fieldMappings: [{identifier, columnName}]}. */
static kql_status get_entities(rule_file *r, kql_diag *d) {
  const ynode *v = yn_get(r->doc, "entityMappings");
  if (yn_is_null(v)) return KQL_OK;
  if (v->kind != YN_SEQ) return bad_value(r, v, d, "'%s' is not a list", "entityMappings");
  r->entities = arena_alloc(r->a, sizeof *r->entities * (size_t)(v->nkids ? v->nkids : 1));
  for (int i = 0; i < v->nkids; i++) {
    const ynode *it = v->kids[i];
    rule_entity *en = &r->entities[r->nentities++];
    en->line = it->line;
    en->col = it->col;
    if (it->kind != YN_MAP)
      return bad_value(r, it, d, "an %s item is not a mapping", "entityMappings");
    kql_status st = get_str(r, it, "entityType", &en->type, d);
    if (st) return st;
    if (!en->type) return bad_value(r, it, d, "an %s item has no 'entityType'", "entityMappings");
    const ynode *fm = yn_get(it, "fieldMappings");
    if (yn_is_null(fm) || fm->kind != YN_SEQ)
      return bad_value(r, fm ? fm : it, d, "'%s' is not a list", "fieldMappings");
    en->ident = arena_alloc(r->a, sizeof(char *) * (size_t)(fm->nkids ? fm->nkids : 1));
    en->column = arena_alloc(r->a, sizeof(char *) * (size_t)(fm->nkids ? fm->nkids : 1));
    for (int k = 0; k < fm->nkids; k++) {
      const ynode *f = fm->kids[k];
      if (f->kind != YN_MAP) return bad_value(r, f, d, "a %s item is not a mapping", "fieldMappings");
      if ((st = get_str(r, f, "identifier", &en->ident[k], d)) != KQL_OK) return st;
      if ((st = get_str(r, f, "columnName", &en->column[k], d)) != KQL_OK) return st;
      if (!en->ident[k]) return bad_value(r, f, d, "a %s item has no 'identifier'", "fieldMappings");
      if (!en->column[k]) return bad_value(r, f, d, "a %s item has no 'columnName'", "fieldMappings");
      en->nfields++;
    }
  }
  return KQL_OK;
}

/* Read the keys Sentinel uses from r->doc into 'r'; see rule.h.  Unknown keys are left
** alone; a value of the wrong shape is an error located at it. */
static kql_status rule_meta(rule_file *r, kql_diag *d) {
  kql_status st;
  const ynode *doc = r->doc;
  r->trigger_op = RULE_GT;
  if ((st = get_str(r, doc, "kind", &r->kind, d)) != KQL_OK) return st;
  if ((st = get_str(r, doc, "severity", &r->severity, d)) != KQL_OK) return st;
  if ((st = get_str(r, doc, "description", &r->description, d)) != KQL_OK) return st;
  if ((st = get_list(r, doc, "tactics", &r->tactics, &r->ntactics, d)) != KQL_OK) return st;
  if ((st = get_list(r, doc, "relevantTechniques", &r->techniques, &r->ntechniques, d)) != KQL_OK)
    return st;
  if ((st = get_duration(r, "queryFrequency", &r->has_frequency, &r->frequency, d)) != KQL_OK)
    return st;
  if ((st = get_duration(r, "queryPeriod", &r->has_period, &r->period, d)) != KQL_OK) return st;
  bool has_supp;
  if ((st = get_duration(r, "suppressionDuration", &has_supp, &r->suppression, d)) != KQL_OK)
    return st;

  const ynode *n = yn_get(doc, "triggerOperator");
  if (!yn_is_null(n)) {
    static const char *const ops[4][4] = {{"gt", "GreaterThan", ">", NULL},
                                          {"lt", "LessThan", "<", NULL},
                                          {"eq", "Equal", "==", NULL},
                                          {"ne", "NotEqual", "!=", NULL}};
    int k = 0;
    while (k < 4 && !(n->kind == YN_SCALAR && is_one_of(n->s, ops[k]))) k++;
    if (k == 4)
      return bad_value(r, n, d, "'%s' is not gt, lt, eq or ne", "triggerOperator");
    r->trigger_op = (rule_op)k;
    r->has_trigger = true;
  }
  n = yn_get(doc, "triggerThreshold");
  if (!yn_is_null(n)) {
    char *end = NULL;
    long long v = n->kind == YN_SCALAR ? strtoll(n->s, &end, 10) : 0;
    if (n->kind != YN_SCALAR || end == n->s || *end || v < 0 || v > 10000)
      return bad_value(r, n, d, "'%s' is not a whole number from 0 to 10000", "triggerThreshold");
    r->threshold = v;
    r->has_trigger = true;
  }
  n = yn_get(doc, "suppressionEnabled");
  if (!yn_is_null(n)) {
    static const char *const yes[] = {"true", "yes", "on", NULL};
    static const char *const no[] = {"false", "no", "off", NULL};
    if (n->kind == YN_SCALAR && is_one_of(n->s, yes)) r->suppression_enabled = true;
    else if (!(n->kind == YN_SCALAR && is_one_of(n->s, no)))
      return bad_value(r, n, d, "'%s' is not true or false", "suppressionEnabled");
  }
  n = yn_get(doc, "eventGroupingSettings");
  if (!yn_is_null(n)) {
    if (n->kind != YN_MAP) return bad_value(r, n, d, "'%s' is not a mapping", "eventGroupingSettings");
    const ynode *k = yn_get(n, "aggregationKind");
    if (!yn_is_null(k)) {
      static const char *const per[] = {"AlertPerResult", NULL};
      static const char *const single[] = {"SingleAlert", NULL};
      if (k->kind == YN_SCALAR && is_one_of(k->s, per)) r->per_result = true;
      else if (!(k->kind == YN_SCALAR && is_one_of(k->s, single)))
        return bad_value(r, k, d, "'%s' is not SingleAlert or AlertPerResult", "aggregationKind");
    }
  }
  if ((st = get_entities(r, d)) != KQL_OK) return st;
  n = yn_get(doc, "customDetails");
  if (!yn_is_null(n)) {
    if (n->kind != YN_MAP) return bad_value(r, n, d, "'%s' is not a mapping", "customDetails");
    r->details = arena_alloc(r->a, sizeof *r->details * (size_t)(n->nkids / 2 + 1));
    for (int i = 0; i + 1 < n->nkids; i += 2) {
      const ynode *v = n->kids[i + 1];
      if (v->kind != YN_SCALAR || yn_is_null(v))
        return bad_value(r, v, d, "custom detail '%s' is not a column name", n->kids[i]->s);
      rule_detail *dt = &r->details[r->ndetails++];
      dt->key = n->kids[i]->s;
      dt->column = v->s;
      dt->line = v->line;
      dt->col = v->col;
    }
  }
  n = yn_get(doc, "alertDetailsOverride");
  if (!yn_is_null(n)) {
    if (n->kind != YN_MAP) return bad_value(r, n, d, "'%s' is not a mapping", "alertDetailsOverride");
    if ((st = get_str(r, n, "alertDisplayNameFormat", &r->title_fmt, d)) != KQL_OK) return st;
    if ((st = get_str(r, n, "alertDescriptionFormat", &r->desc_fmt, d)) != KQL_OK) return st;
    if ((st = get_str(r, n, "alertSeverityColumnName", &r->severity_col, d)) != KQL_OK) return st;
    if ((st = get_str(r, n, "alertTacticsColumnName", &r->tactics_col, d)) != KQL_OK) return st;
  }
  return KQL_OK;
}

/* Parse the rule text 'text' of 'len' bytes ('path' only names it in messages); the text
** is copied.  See rule.h. */
rule_file *rule_parse(const char *path, const char *text, size_t len, kql_diag *d) {
  if (!text) len = 0;
  char *copy = xmalloc(len + 1);
  if (len) memcpy(copy, text, len);
  copy[len] = '\0';
  return parse_owned(path, copy, len, true, NULL, d);
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
static rule_file *load_file(const char *path, bool need_query, const char *qkey, kql_diag *d) {
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
  return parse_owned(path, buf, len, need_query, qkey, d);
}

rule_file *rule_load(const char *path, kql_diag *d) { return load_file(path, true, NULL, d); }

rule_file *rule_load_function(const char *path, kql_diag *d) {
  return load_file(path, true, "FunctionQuery", d);
}

/* See rule.h: the same reader, without the rule's keys. */
yaml_doc *rule_yaml_load(const char *path, kql_diag *d) {
  rule_file *r = load_file(path, false, NULL, d);
  if (!r) return NULL;
  yaml_doc *y = xcalloc(1, sizeof *y);
  y->path = r->path;
  y->a = r->a;
  y->root = (ynode *)r->doc;
  r->path = NULL;
  r->a = NULL;
  rule_free(r);
  return y;
}

void rule_yaml_free(yaml_doc *y) {
  if (!y) return;
  free(y->path);
  arena_free(y->a);
  free(y);
}

/* Free 'r' and everything it owns; NULL is allowed. */
void rule_free(rule_file *r) {
  if (!r) return;
  arena_free(r->a);
  free(r->path);
  free(r->text);
  free(r->query);
  free(r->name);
  free(r->id);
  free(r->map.line);
  free(r->map.col0);
  free(r);
}
