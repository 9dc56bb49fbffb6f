/*
** engine.c: the public API of libkql (include/kql.h): engines hold the catalog and
** options; queries are parsed and bound at compile time and run into a format writer or
** an in-memory result.
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bind.h"
#include "exec.h"
#include "format.h"
#include "json.h"
#include "lit.h"
#include "parse.h"

struct kql_engine {
  catalog *cat;        /* tables and schemas */
  int64_t now;         /* pinned now(), when has_now */
  bool has_now;        /* now() pinned by the caller */
  int64_t data_now;    /* as-of instant of a data folder (now.txt) */
  bool has_data_now;   /* a data folder gave one */
  bool strict;         /* a value that does not fit its column is an error */
  bool check_only;     /* compile without reading data (kql check) */
  uint64_t max_mem;    /* bytes the operators of a run may hold; 0: no limit */
};

struct kql_query {
  kql_engine *e;       /* the engine */
  arena *a;            /* everything of the query */
  char *src;           /* the query text */
  size_t len;          /* its length */
  ast *root;           /* AST_QUERY */
  ast *result;         /* the statement whose rows are the result */
  char warning[640];   /* a note for the user after a run, "" when none */
};

struct kql_result {
  int ncols;           /* columns */
  const char **names;  /* column names */
  kql_type *types;     /* column types */
  kql_value *rows;     /* nrows * ncols values (malloc'ed) */
  size_t nrows;        /* rows */
  size_t cap;          /* room, in rows */
  arena *a;            /* strings of the rows */
};

const char *kql_version(void) { return "0.1.0"; }

const char *kql_status_name(kql_status s) {
  static const char *const names[] = {"ok", "syntax error", "bind error", "type error",
                                      "runtime error", "not supported", "input error",
                                      "usage error", "out of memory"};
  return (unsigned)s < KQL_ARRAY_LEN(names) ? names[s] : "error";
}

kql_engine *kql_engine_new(void) {
  kql_engine *e = xcalloc(1, sizeof *e);
  e->cat = cat_new();
  e->max_mem = KQL_DEFAULT_MAX_MEMORY;
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  if (pages > 0 && page > 0 && (uint64_t)pages * (uint64_t)page / 2 < e->max_mem)
    e->max_mem = (uint64_t)pages * (uint64_t)page / 2;
  return e;
}

void kql_engine_free(kql_engine *e) {
  if (!e) return;
  cat_free(e->cat);
  free(e);
}

static void clear(kql_diag *d) { memset(d, 0, sizeof *d); }

kql_status kql_engine_add_data_dir(kql_engine *e, const char *dir, kql_diag *d) {
  clear(d);
  int64_t now;
  bool has = false;
  kql_status s = cat_add_data_dir(e->cat, dir, &now, &has, d);
  if (s == KQL_OK && has && !e->has_data_now) {
    e->data_now = now;
    e->has_data_now = true;
  }
  return s;
}

kql_status kql_engine_add_table_file(kql_engine *e, const char *name, const char *path,
                                     kql_diag *d) {
  clear(d);
  return cat_add_table_file(e->cat, name, path, d);
}

kql_status kql_engine_add_schema_dir(kql_engine *e, const char *dir, kql_diag *d) {
  clear(d);
  return cat_add_schema_dir(e->cat, dir, d);
}

void kql_engine_set_now(kql_engine *e, int64_t ticks) {
  e->now = ticks;
  e->has_now = true;
}

void kql_engine_set_strict(kql_engine *e, int strict) { e->strict = strict != 0; }

void kql_engine_set_max_memory(kql_engine *e, uint64_t bytes) { e->max_mem = bytes; }

void kql_engine_add_external(kql_engine *e, const char *url, const char *path) {
  cat_add_external(e->cat, url, path);
}

int kql_engine_now(const kql_engine *e, int64_t *ticks) {
  if (e->has_now) *ticks = e->now;
  else if (e->has_data_now) *ticks = e->data_now;
  else return 0;
  return e->has_now ? 1 : 2;
}

int kql_parse_datetime(const char *text, int64_t *ticks) {
  return lit_parse_datetime(text, strlen(text), ticks);
}

void kql_engine_set_check_only(kql_engine *e, int check_only) { e->check_only = check_only != 0; }

typedef struct key_acc {
  bind_keys *k;        /* the keys so far */
  int cap;             /* room */
  arena *a;            /* where names go */
} key_acc;

static void add_key(void *ctx, const char *key, kql_type t) {
  key_acc *acc = ctx;
  bind_keys *k = acc->k;
  for (int i = 0; i < k->n; i++) {
    if (strcmp(k->names[i], key) != 0) continue;
    kql_type old = k->types[i];
    if (t == KQL_T_NULL || t == old) return;
    if (old == KQL_T_NULL) k->types[i] = t;
    else if ((old == KQL_T_LONG && t == KQL_T_REAL) || (old == KQL_T_REAL && t == KQL_T_LONG))
      k->types[i] = KQL_T_REAL;
    else k->types[i] = KQL_T_DYNAMIC;
    return;
  }
  if (k->n == acc->cap) {
    int cap = acc->cap ? acc->cap * 2 : 16;
    const char **names = arena_alloc(acc->a, sizeof(char *) * (size_t)cap);
    kql_type *types = arena_alloc(acc->a, sizeof(kql_type) * (size_t)cap);
    if (k->n) {
      memcpy(names, k->names, sizeof(char *) * (size_t)k->n);
      memcpy(types, k->types, sizeof(kql_type) * (size_t)k->n);
    }
    k->names = names;
    k->types = types;
    acc->cap = cap;
  }
  k->names[k->n] = arena_strdup(acc->a, key);
  k->types[k->n++] = t;
}

/* The binder's discover callback: run 'input' once and collect the keys of 'expr's bags. */
static bool discover_keys(void *ctx, const ast *input, const ast *expr, arena *a, bind_keys *out,
                          kql_diag *d) {
  kql_engine *e = ctx;
  exec_ctx x = {0};
  x.a = arena_new();
  x.d = d;
  x.cat = e->cat;
  if (!kql_engine_now(e, &x.now)) x.now = 0;
  key_acc acc = {out, 0, a};
  arena *tmp = arena_new();
  op *root = exec_build(&x, input, d);
  bool ok = root != NULL;
  if (root) {
    batch *b;
    exec_result r;
    while ((r = root->vt->next(root, &b)) == EXEC_BATCH_READY) {
      int n = batch_count(b);
      for (int i = 0; i < n; i++) {
        kql_value v;
        expr_eval(&x, tmp, expr, b, batch_row(b, i), &v);
        json_dyn_each_key(v, add_key, &acc);
      }
      arena_reset(tmp);
    }
    ok = r != EXEC_ERROR && !x.failed;
    exec_free(root);
  }
  for (int i = 0; i < out->n; i++)
    if (out->types[i] == KQL_T_NULL) out->types[i] = KQL_T_DYNAMIC;
  exec_ctx_free(&x);
  arena_free(tmp);
  arena_free(x.a);
  return ok;
}

kql_query *kql_query_compile(kql_engine *e, const char *text, size_t len, kql_diag *d) {
  clear(d);
  kql_query *q = xcalloc(1, sizeof *q);
  q->e = e;
  q->a = arena_new();
  q->src = arena_strndup(q->a, text, len);
  q->len = len;
  q->root = kql_parse(q->a, q->src, len, d);
  if (q->root)
    q->result = bind_query(q->a, e->cat, q->root, e->check_only ? NULL : discover_keys, e, d);
  if (!q->result) {
    kql_query_free(q);
    return NULL;
  }
  return q;
}

void kql_query_free(kql_query *q) {
  if (!q) return;
  arena_free(q->a);
  free(q);
}

int kql_query_ncols(const kql_query *q) { return q->result->rel->n; }

const char *kql_query_col_name(const kql_query *q, int i) { return q->result->rel->cols[i].name; }

const char *kql_query_col_type(const kql_query *q, int i) {
  return val_type_name(q->result->rel->cols[i].type);
}

const char *kql_query_warning(const kql_query *q) { return q->warning[0] ? q->warning : NULL; }

void kql_query_explain(const kql_query *q, FILE *out) { exec_explain(q->result, q->src, out); }

static int64_t wall_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return TICKS_UNIX_EPOCH + (int64_t)ts.tv_sec * TICKS_PER_SEC + ts.tv_nsec / 100;
}

/* Run 'q', handing each row to 'row_fn'. */
static kql_status run(kql_query *q, void (*row_fn)(void *ctx, const kql_value *row), void *ctx,
                      kql_diag *d) {
  clear(d);
  q->warning[0] = 0;
  exec_ctx x = {0};
  x.a = arena_new();
  x.d = d;
  x.strict = q->e->strict;
  x.max_mem = q->e->max_mem;
  x.cat = q->e->cat;
  if (!kql_engine_now(q->e, &x.now)) x.now = wall_now();
  kql_status st = KQL_OK;
  op *root = exec_build(&x, q->result, d);
  if (root && x.failed) {
    exec_free(root);
    root = NULL;
  }
  if (!root) {
    exec_ctx_free(&x);
    arena_free(x.a);
    return d->code ? d->code : KQL_ERR_RUNTIME;
  }
  int ncols = q->result->rel->n;
  kql_value *row = xmalloc(sizeof *row * (size_t)(ncols ? ncols : 1));
  batch *b;
  exec_result r;
  while ((r = root->vt->next(root, &b)) == EXEC_BATCH_READY) {
    int n = batch_count(b);
    for (int i = 0; i < n; i++) {
      int k = batch_row(b, i);
      for (int c = 0; c < ncols; c++) row[c] = b->cols[c][k];
      row_fn(ctx, row);
    }
  }
  if (r == EXEC_ERROR || x.failed) st = d->code ? d->code : KQL_ERR_RUNTIME;
  free(row);
  exec_free(root);
  exec_ctx_free(&x);
  if (x.rows_bad)
    snprintf(q->warning, sizeof q->warning,
             "%llu value%s did not fit %s column's type and %s read as null; the first: %s",
             (unsigned long long)x.rows_bad, x.rows_bad == 1 ? "" : "s",
             x.rows_bad == 1 ? "its" : "their", x.rows_bad == 1 ? "was" : "were", x.bad_first);
  arena_free(x.a);
  return st;
}

typedef struct names_types {
  const char **names; /* column names */
  kql_type *types;    /* column types */
} names_types;

static names_types columns_of(const kql_query *q, arena *a) {
  int n = q->result->rel->n;
  names_types nt;
  nt.names = arena_alloc(a, sizeof(char *) * (size_t)(n ? n : 1));
  nt.types = arena_alloc(a, sizeof(kql_type) * (size_t)(n ? n : 1));
  for (int i = 0; i < n; i++) {
    nt.names[i] = q->result->rel->cols[i].name;
    nt.types[i] = q->result->rel->cols[i].type;
  }
  return nt;
}

static void write_row(void *ctx, const kql_value *row) { fmt_row(ctx, row); }

kql_status kql_query_run_to(kql_query *q, FILE *out, kql_format fmt, int color, kql_diag *d) {
  (void)color;
  names_types nt = columns_of(q, q->a);
  fmt_writer *w = fmt_open(out, fmt, q->result->rel->n, nt.names, nt.types);
  kql_status st = run(q, write_row, w, d);
  fmt_close(w, st == KQL_OK);
  return st;
}

static void keep_row(void *ctx, const kql_value *row) {
  kql_result *r = ctx;
  if (r->nrows == r->cap) {
    r->cap = r->cap ? r->cap * 2 : 64;
    r->rows = xrealloc(r->rows, sizeof(kql_value) * r->cap * (size_t)(r->ncols ? r->ncols : 1));
  }
  for (int c = 0; c < r->ncols; c++)
    r->rows[r->nrows * (size_t)r->ncols + (size_t)c] = val_copy(r->a, row[c]);
  r->nrows++;
}

kql_status kql_query_run(kql_query *q, kql_result **out, kql_diag *d) {
  kql_result *r = xcalloc(1, sizeof *r);
  r->a = arena_new();
  r->ncols = q->result->rel->n;
  names_types nt = columns_of(q, r->a);
  for (int i = 0; i < r->ncols; i++) nt.names[i] = arena_strdup(r->a, nt.names[i]);
  r->names = nt.names;
  r->types = nt.types;
  kql_status st = run(q, keep_row, r, d);
  if (st != KQL_OK) {
    kql_result_free(r);
    *out = NULL;
    return st;
  }
  *out = r;
  return KQL_OK;
}

size_t kql_result_nrows(const kql_result *r) { return r->nrows; }

void kql_result_write(const kql_result *r, FILE *out, kql_format fmt) {
  fmt_writer *w = fmt_open(out, fmt, r->ncols, r->names, r->types);
  for (size_t i = 0; i < r->nrows; i++) fmt_row(w, &r->rows[i * (size_t)r->ncols]);
  fmt_close(w, true);
}

void kql_result_free(kql_result *r) {
  if (!r) return;
  free(r->rows);
  arena_free(r->a);
  free(r);
}

/* ---- rule files ---- */

#include "rule.h"

struct kql_rule {
  rule_file *r;  /* the loaded file */
};

kql_rule *kql_rule_load(const char *path, kql_diag *d) {
  clear(d);
  rule_file *rf = rule_load(path, d);
  if (!rf) return NULL;
  kql_rule *r = xmalloc(sizeof *r);
  r->r = rf;
  return r;
}

const char *kql_rule_query(const kql_rule *r, size_t *len) {
  *len = r->r->query_len;
  return r->r->query;
}

const kql_srcmap *kql_rule_srcmap(const kql_rule *r) { return &r->r->map; }

const char *kql_rule_name(const kql_rule *r) { return r->r->name; }

void kql_rule_free(kql_rule *r) {
  if (!r) return;
  rule_free(r->r);
  free(r);
}

#include "diag.h"

int kql_diag_position(const kql_diag *d, const char *src, size_t len, const kql_srcmap *map,
                      long *line, long *col) {
  *line = *col = 0;
  if (!d->has_span) {
    if (d->line > 0) {
      *line = d->line;
      *col = d->col;
      return 1;
    }
    return 0;
  }
  diag_locate(src, len, d->start, line, col);
  if (map && *line >= 1 && *line <= map->nlines) {
    *col += map->col0[*line - 1];
    *line = map->line[*line - 1];
  }
  return 1;
}
