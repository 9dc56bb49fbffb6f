/*
** exec.c: builds the operator pipeline of a bound query (see exec.h for the interface
** and an example), owns batches, and prints the pipeline for 'kql explain'.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "exec.h"
#include "rawfilter.h"
#include "regex.h"

batch *batch_new(arena *a, int ncols) {
  batch *b = arena_alloc(a, sizeof *b);
  b->ncols = ncols;
  b->cols = arena_alloc(a, sizeof(kql_value *) * (size_t)(ncols ? ncols : 1));
  for (int c = 0; c < ncols; c++) b->cols[c] = arena_alloc(a, sizeof(kql_value) * EXEC_BATCH);
  b->mem = arena_new();
  return b;
}

void batch_free(batch *b) {
  if (b) arena_free(b->mem);
}

void batch_clear(batch *b) {
  arena_reset(b->mem);
  b->nrows = 0;
  b->sel = NULL;
  b->nsel = 0;
}

exec_result exec_emit_rows(op *o, batch *b, kql_value *const *rows, size_t n, size_t *emitted,
                           int ncols, batch **out) {
  if (*emitted >= n) return EXEC_DONE;
  batch_clear(b);
  int r = 0;
  for (; r < EXEC_BATCH && *emitted < n; r++, (*emitted)++)
    for (int c = 0; c < ncols; c++) b->cols[c][r] = rows[*emitted][c];
  b->nrows = r;
  o->rows_out += (uint64_t)r;
  *out = b;
  return EXEC_BATCH_READY;
}

static op *build(exec_ctx *x, const ast *n, kql_diag *d);

/* 'take' (or 'sample') node 'n': when only operators that map each row to one row (project,
** extend, renames; no prev()/next()/row_number()) lie between it and a table scan, the scan
** need not read more rows than it takes (x->limit_table). */
static void plan_limit(exec_ctx *x, const ast *n) {
  const ast *c = n->in;
  while (c && (c->kind == AST_PROJECT || c->kind == AST_EXTEND || c->kind == AST_SERIALIZE ||
               c->kind == AST_PROJECT_AWAY || c->kind == AST_PROJECT_KEEP ||
               c->kind == AST_PROJECT_RENAME || c->kind == AST_PROJECT_REORDER ||
               c->kind == AST_AS || c->kind == AST_RENDER) &&
         !(c->flags & 0x400))
    c = c->in;
  if (!c || c->kind != AST_TABLE || c->let || !c->scan) return;
  kql_value v;
  expr_eval(x, x->a, n->a, NULL, 0, &v);
  if (v.isnull || v.u.i < 0) return;
  x->limit_table = c;
  x->limit_rows = v.u.i;
}

/* Build the operator of 'n' (and its inputs).  When the run watches operators (explain
** --analyze/--why, progress, cancellation: analyze.h), each comes back behind a watcher. */
op *exec_build(exec_ctx *x, const ast *n, kql_diag *d) {
  op *o = build(x, n, d);
  return o && (x->an || x->cancel) ? an_wrap(x, o) : o;
}

static op *build(exec_ctx *x, const ast *n, kql_diag *d) {
  switch (n->kind) { /* sources */
  case AST_TABLE: return n->let ? exec_build(x, n->let, d) : op_scan_new(x, n, d);
  case AST_PRINT:
  case AST_DATATABLE: return op_values_new(x, n);
  case AST_RANGE: return op_range_new(x, n);
  case AST_UNION: return op_union_new(x, n);
  case AST_INVOKE: return exec_build(x, n->let, d);
  case AST_EXTERNALDATA: return op_external_new(x, n, d);
  case AST_APPLYSRC: return op_applysrc_new(x, n);
  case AST_EVALUATE:
    if (strcmp(n->a->name, "pivot") == 0) { /* its input is the summarize the binder made */
      op *sum = exec_build(x, n->b, d);
      return sum ? op_pivot_new(x, n, sum) : NULL;
    }
    break;
  default: break;
  }
  if (n->kind == AST_WHERE) rawf_plan(x, n); /* before the scan under it is built */
  if (n->kind == AST_TAKE || n->kind == AST_SAMPLE) plan_limit(x, n);
  op *child = exec_build(x, n->in, d);
  x->limit_table = NULL;
  if (!child) return NULL;
  switch (n->kind) {
  case AST_GETSCHEMA:
    exec_free(child);
    return op_values_new(x, n);
  case AST_RENDER:
  case AST_AS: return child;
  case AST_SAMPLE: return op_take_new(x, n, child);
  case AST_SERIALIZE:
  case AST_PROJECT_AWAY:
  case AST_PROJECT_KEEP:
  case AST_PROJECT_RENAME:
  case AST_PROJECT_REORDER: return op_project_new(x, n, child);
  case AST_JOIN:
  case AST_LOOKUP: return op_join_new(x, n, child, d);
  case AST_MVEXPAND: return op_mvexpand_new(x, n, child);
  case AST_MVAPPLY: return op_mvapply_new(x, n, child);
  case AST_PARTITION: return op_partition_new(x, n, child);
  case AST_PARSE: return op_parse_new(x, n, child, d);
  case AST_PARSEKV: return op_parsekv_new(x, n, child, d);
  case AST_TOPNESTED: return op_topnested_new(x, n, child);
  case AST_EVALUATE:
    if (strcmp(n->a->name, "ipv4_lookup") == 0) return op_ipv4lookup_new(x, n, child, d);
    return op_bagunpack_new(x, n, child);
  case AST_WHERE: return op_where_new(x, n, child);
  case AST_PROJECT:
  case AST_EXTEND: return op_project_new(x, n, child);
  case AST_SUMMARIZE:
  case AST_DISTINCT: return op_summarize_new(x, n, child);
  case AST_MAKESERIES: return op_makeseries_new(x, n, child);
  case AST_TAKE: return op_take_new(x, n, child);
  case AST_SORT:
  case AST_TOP: return op_sort_new(x, n, child);
  case AST_COUNT: return op_count_new(x, n, child);
  default:
    exec_free(child);
    diag_set(d, KQL_ERR_UNSUPPORTED, n->span, "operator '%s' is not supported yet",
             ast_kind_name(n->kind));
    return NULL;
  }
}

typedef struct subq_cache {
  const ast *node;          /* the subquery */
  kql_value *vals;          /* its first column */
  size_t n;                 /* rows */
  struct subq_cache *next;  /* another subquery */
} subq_cache;

bool exec_subquery(exec_ctx *x, const ast *n, const kql_value **vals, size_t *count) {
  for (subq_cache *c = x->subq; c; c = c->next)
    if (c->node == n) {
      *vals = c->vals;
      *count = c->n;
      return true;
    }
  if (x->failed) return false;
  op *root = exec_build(x, n, x->d);
  if (!root) {
    x->failed = true;
    return false;
  }
  subq_cache *c = arena_alloc(x->a, sizeof *c);
  c->node = n;
  size_t cap = 0;
  batch *b;
  exec_result r;
  while ((r = root->vt->next(root, &b)) == EXEC_BATCH_READY) {
    int k = batch_count(b);
    for (int i = 0; i < k; i++) {
      if (c->n == cap) {
        size_t ncap = cap ? cap * 2 : 64;
        kql_value *v = arena_alloc(x->a, sizeof *v * ncap);
        if (c->n) memcpy(v, c->vals, sizeof *v * c->n);
        c->vals = v;
        cap = ncap;
      }
      c->vals[c->n++] = val_copy(x->a, b->cols[0][batch_row(b, i)]);
    }
  }
  exec_free(root);
  if (r == EXEC_ERROR) {
    x->failed = true;
    return false;
  }
  c->next = x->subq;
  x->subq = c;
  *vals = c->vals;
  *count = c->n;
  return true;
}

typedef struct regex_cache {
  const ast *node;            /* the expression */
  char *pat;                  /* its pattern (malloc'ed) */
  size_t len;                 /* length */
  kql_regex *re;              /* compiled */
  struct regex_cache *next;   /* another */
} regex_cache;

kql_regex *exec_regex(exec_ctx *x, const ast *n, const char *pat, size_t len) {
  regex_cache *c = x->regex;
  while (c && c->node != n) c = c->next;
  if (c && c->len == len && memcmp(c->pat, pat, len) == 0) return c->re;
  char err[256];
  kql_regex *re = regex_compile(pat, len, NULL, err, sizeof err);
  if (!re) {
    if (!x->failed) diag_set(x->d, KQL_ERR_RUNTIME, n->span, "%s", err);
    x->failed = true;
    return NULL;
  }
  if (!c) {
    c = xcalloc(1, sizeof *c);
    c->node = n;
    c->next = x->regex;
    x->regex = c;
  } else {
    regex_free(c->re);
    free(c->pat);
  }
  c->pat = xmalloc(len + 1);
  memcpy(c->pat, pat, len);
  c->pat[len] = 0;
  c->len = len;
  c->re = re;
  return re;
}

void exec_ctx_free(exec_ctx *x) {
  regex_cache *c = x->regex;
  while (c) {
    regex_cache *next = c->next;
    regex_free(c->re);
    free(c->pat);
    free(c);
    c = next;
  }
  x->regex = NULL;
}

/* 'n' bytes for a message: "64 MiB", "1.5 GiB", "1000 bytes". */
static void size_text(char *buf, size_t cap, uint64_t n) {
  static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  double v = (double)n;
  while (v >= 1024 && u < 4) v /= 1024, u++;
  if (u == 0) snprintf(buf, cap, "%llu bytes", (unsigned long long)n);
  else if (v == (double)(uint64_t)v) snprintf(buf, cap, "%llu %s", (unsigned long long)v, units[u]);
  else snprintf(buf, cap, "%.1f %s", v, units[u]);
}

bool exec_charge(op *o, size_t bytes) {
  exec_ctx *x = o->x;
  x->mem = x->mem - o->held + bytes;
  o->held = bytes;
  if (!x->max_mem || x->mem <= x->max_mem) return true;
  if (!x->failed) {
    char lim[32];
    size_text(lim, sizeof lim, x->max_mem);
    diag_set(x->d, KQL_ERR_NOMEM, o->node->span, "%s passed the memory limit of %s", o->vt->name,
             lim);
    diag_hint(x->d, "raise the limit with --max-memory, or narrow the rows first");
  }
  x->failed = true;
  return false;
}

void exec_free(op *o) {
  while (o) {
    op *child = o->child;
    o->vt->close(o);
    o = child;
  }
}

/* ---- explain ---- */

void exec_put_span(FILE *out, const char *src, kql_span sp) {
  /* one line: blanks folded */
  bool blank = false;
  for (uint32_t i = sp.start; i < sp.end; i++) {
    char c = src[i];
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      blank = true;
      continue;
    }
    if (blank) fputc(' ', out);
    blank = false;
    fputc(c, out);
  }
}

/* A note before each line of the pipeline (explain --analyze puts its figures there). */
typedef struct explain_notes {
  exec_note_fn fn;   /* writes the note, or NULL */
  void *ctx;         /* its argument */
} explain_notes;

static void note(const explain_notes *nt, const ast *n, FILE *out) {
  if (nt->fn) nt->fn(nt->ctx, n, out);
}

static int explain_rec(const ast *n, const char *src, FILE *out, int step, const explain_notes *nt) {
  if (n->kind == AST_INVOKE) return explain_rec(n->let, src, out, step, nt);
  if (n->kind == AST_UNION || n->kind == AST_PRINT || n->kind == AST_DATATABLE ||
      n->kind == AST_RANGE || (n->kind != AST_TABLE && !n->in)) { /* a source (externaldata) */
    for (int i = 0; n->kind == AST_UNION && i < n->list.n; i++) {
      note(nt, NULL, out);
      fprintf(out, "    union source %d:\n", i + 1);
      step = explain_rec(n->list.v[i], src, out, step, nt);
    }
    note(nt, n, out);
    fprintf(out, "%2d. ", step);
    kql_span word = n->span; /* a union (or the search, find it stands for): its first word */
    while (n->kind == AST_UNION && word.end > word.start && word.end - word.start > 6) word.end = word.start + 6;
    while (n->kind == AST_UNION && word.end > word.start && !(src[word.end - 1] >= 'a' && src[word.end - 1] <= 'z')) word.end--;
    if (n->kind == AST_UNION && word.end - word.start == 6 && memcmp(src + word.start, "union", 5) == 0) word.end--;
    exec_put_span(out, src, word);

    fputc('\n', out);
    return step + 1;
  }
  if (n->kind == AST_TABLE) {
    if (n->let) return explain_rec(n->let, src, out, step, nt);
    const bind_scan *sc = n->scan;
    int used = 0;
    for (int i = 0; i < sc->table->ncols; i++) used += sc->used[i];
    note(nt, n, out);
    fprintf(out, "%2d. scan %s  [%s; reads %d of %d columns:", step, sc->table->name,
            sc->table->path ? sc->table->path : "no data file", used, sc->table->ncols);
    for (int i = 0; i < sc->table->ncols; i++)
      if (sc->used[i]) fprintf(out, " %s", sc->table->cols[i].name);
    fputs("]\n", out);
    return step + 1;
  }
  step = explain_rec(n->in, src, out, step, nt);
  if (n->kind == AST_JOIN || n->kind == AST_LOOKUP) {
    note(nt, NULL, out);
    fprintf(out, "    %s build side (read whole into a hash table):\n", n->kind == AST_JOIN ? "join" : "lookup");
    step = explain_rec(n->b, src, out, step, nt);
  }
  if (n->kind == AST_EVALUATE && strcmp(n->a->name, "ipv4_lookup") == 0) {
    note(nt, NULL, out);
    fputs("    ipv4_lookup table (read whole, its ranges sorted by prefix length):\n", out);
    step = explain_rec(n->b, src, out, step, nt);
  }
  note(nt, n, out);
  fprintf(out, "%2d. ", step);
  exec_put_span(out, src, n->span);
  switch (n->kind) {
  case AST_SUMMARIZE:
  case AST_SORT:
  case AST_TOP:
  case AST_COUNT:
  case AST_TOPNESTED: fputs("  [blocking: reads all input, then emits]", out); break;
  case AST_DISTINCT: fputs("  [blocking: keeps one row per distinct value]", out); break;
  case AST_MAKESERIES: fputs("  [blocking: reads all input, then emits one row of series per group]", out); break;
  case AST_RENDER: fputs("  [accepted; kql leaves the result unchanged]", out); break;
  case AST_SAMPLE: fputs("  [kql takes the first rows, not a random sample]", out); break;
  case AST_EVALUATE:
    if (strcmp(n->a->name, "ipv4_lookup") == 0) break;
    fputs("  [its columns come from the data: the input is read once more when compiling]", out);
    break;
  default: break;
  }
  fputc('\n', out);
  return step + 1;
}

void exec_explain(const ast *n, const char *src, FILE *out) {
  exec_explain_notes(n, src, out, NULL, NULL);
}

void exec_explain_notes(const ast *n, const char *src, FILE *out, exec_note_fn fn, void *ctx) {
  explain_notes nt = {fn, ctx};
  explain_rec(n, src, out, 1, &nt);
  note(&nt, NULL, out);
  fputs("    result columns:", out);
  for (int i = 0; i < n->rel->n; i++)
    fprintf(out, " %s:%s", n->rel->cols[i].name, val_type_name(n->rel->cols[i].type));
  fputc('\n', out);
}
