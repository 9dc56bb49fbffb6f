/*
** engine.c: the public API of libkql (include/kql.h): engines hold the catalog and
** options; queries are parsed and bound at compile time and run into a format writer or
** an in-memory result.
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analyze.h"
#include "func/func.h"
#include "bind.h"
#include "exec.h"
#include "format.h"
#include "functions.h"
#include "json.h"
#include "lit.h"
#include "parse.h"

/* kql_engine_table(): defined in the section at the end of this file. */
struct table_list;
static void table_list_add(kql_engine *e, const char *dir, const char *name);
static void table_list_free(struct table_list *l);

struct kql_engine {
  catalog *cat;        /* tables and schemas */
  int64_t now;         /* pinned now(), when has_now */
  bool has_now;        /* now() pinned by the caller */
  int64_t data_now;    /* as-of instant of a data folder (now.txt) */
  bool has_data_now;   /* a data folder gave one */
  bool strict;         /* a value that does not fit its column is an error */
  bool check_only;     /* compile without reading data (kql check) */
  uint64_t max_mem;    /* bytes the operators of a run may hold; 0: no limit */
  struct table_list *tables; /* kql_engine_table(): where tables come from, and their names */
  flib *funcs;         /* saved functions (--functions), or NULL */
};

struct kql_query {
  kql_engine *e;       /* the engine */
  arena *a;            /* everything of the query */
  char *src;           /* the query text */
  size_t len;          /* its length */
  ast *root;           /* AST_QUERY */
  ast *result;         /* the statement whose rows are the result */
  char warning[640];   /* a note for the user after a run, "" when none */
  /* learning and interactive use (section at the end of this file) */
  volatile sig_atomic_t cancel; /* set by kql_query_cancel; cleared when a run starts */
  bool cancelled;      /* the last run ended because of it */
  void (*progress)(void *ctx, const kql_progress *p); /* kql_query_set_progress */
  void *progress_ctx;  /* its argument */
  an_run *an;          /* what the next run watches (explain --analyze/--why), or NULL */
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
  flib_free(e->funcs);
  table_list_free(e->tables);
  free(e);
}

static void clear(kql_diag *d) { memset(d, 0, sizeof *d); }

kql_status kql_engine_add_data_dir(kql_engine *e, const char *dir, kql_diag *d) {
  clear(d);
  int64_t now;
  bool has = false;
  kql_status s = cat_add_data_dir(e->cat, dir, &now, &has, d);
  if (s == KQL_OK) table_list_add(e, dir, NULL);
  if (s == KQL_OK && has && !e->has_data_now) {
    e->data_now = now;
    e->has_data_now = true;
  }
  return s;
}

kql_status kql_engine_add_table_file(kql_engine *e, const char *name, const char *path,
                                     kql_diag *d) {
  clear(d);
  kql_status s = cat_add_table_file(e->cat, name, path, d);
  if (s == KQL_OK) table_list_add(e, NULL, name);
  return s;
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

/* geo.c opens the database now, so a bad file is reported before any query runs. */
kql_status kql_engine_set_geoip(kql_engine *e, const char *path, kql_diag *d) {
  char why[128];
  if (!fn_geo_open(path, why, sizeof why))
    return diag_nospan(d, KQL_ERR_IO, "cannot read MaxMind database '%s': %s", path, why);
  cat_set_geoip(e->cat, path);
  return KQL_OK;
}

kql_status kql_engine_add_functions_dir(kql_engine *e, const char *dir, kql_diag *d) {
  clear(d);
  if (!e->funcs) {
    e->funcs = flib_new();
    cat_set_functions(e->cat, e->funcs);
  }
  return flib_add_dir(e->funcs, dir, d);
}

/* The public cache is the catalog's (catalog.h: the table cache). */
kql_cache *kql_cache_new(void) { return (kql_cache *)cat_cache_new(); }
void kql_cache_free(kql_cache *c) { cat_cache_free((cat_cache *)c); }
void kql_engine_set_cache(kql_engine *e, kql_cache *c) { cat_set_cache(e->cat, (cat_cache *)c); }
void kql_cache_stats(const kql_cache *c, uint64_t *loads, uint64_t *bytes) {
  cat_cache_stats((const cat_cache *)c, loads, bytes);
}

void kql_engine_add_external(kql_engine *e, const char *url, const char *path) {
  cat_add_external(e->cat, url, path);
}

static int64_t wall_now(void);

/* Does the bound query 'n' read a table found in a data folder?  Shared subtrees (lets) are
** visited once. */
typedef struct seen_set {
  const ast *v[1024];
  int n;
} seen_set;

static bool reads_dir_table(const ast *n, seen_set *s) {
  if (!n) return false;
  for (int i = 0; i < s->n; i++)
    if (s->v[i] == n) return false;
  if (s->n < (int)KQL_ARRAY_LEN(s->v)) s->v[s->n++] = n;
  else return false; /* a query this large: keep the clock */
  if (n->kind == AST_TABLE && n->scan && n->scan->table && n->scan->table->in_dir) return true;
  if (reads_dir_table(n->in, s) || reads_dir_table(n->a, s) || reads_dir_table(n->b, s) ||
      reads_dir_table(n->c, s) || reads_dir_table(n->let, s))
    return true;
  const ast_list *ls[] = {&n->list, &n->by, &n->opts};
  for (size_t k = 0; k < KQL_ARRAY_LEN(ls); k++)
    for (int i = 0; i < ls[k]->n; i++)
      if (reads_dir_table(ls[k]->v[i], s)) return true;
  return false;
}

/* now() for the bound query 'n': pinned, else a data folder's now.txt when the query reads a
** table of a data folder (the instant its data was exported), else 0 (the clock). */
static int query_now(const kql_engine *e, const ast *n, int64_t *ticks) {
  if (e->has_now) {
    *ticks = e->now;
    return 1;
  }
  if (!e->has_data_now || !n) return 0;
  seen_set *s = xcalloc(1, sizeof *s);
  bool dir = reads_dir_table(n, s);
  free(s);
  if (!dir) return 0;
  *ticks = e->data_now;
  return 2;
}

int kql_query_now(const kql_query *q, int64_t *ticks) { return query_now(q->e, q->result, ticks); }

int kql_engine_now(const kql_engine *e, int64_t *ticks) {
  if (e->has_now) *ticks = e->now;
  else if (e->has_data_now) *ticks = e->data_now;
  else return 0;
  return e->has_now ? 1 : 2;
}

size_t kql_format_datetime(int64_t ticks, char *buf) { return lit_format_datetime(ticks, buf); }

int kql_parse_datetime(const char *text, int64_t *ticks) {
  return lit_parse_datetime(text, strlen(text), ticks);
}

void kql_engine_set_window(kql_engine *e, int64_t from, int64_t to) {
  int64_t w[2] = {from, to};
  bind_set_window(e->cat, w);
}

void kql_engine_clear_window(kql_engine *e) { bind_set_window(e->cat, NULL); }

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
  if (!query_now(e, input, &x.now)) x.now = wall_now();
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
  flib_begin(e->funcs, q->a, len); /* saved functions get spans after the query */
  if (q->root)
    q->result = bind_query(q->a, e->cat, q->root, e->check_only ? NULL : discover_keys, e, d);
  q->src = (char *)flib_end(e->funcs, q->src, len, q->result == NULL, d);
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

/* What the run of 'q' watches: q->an (explain --analyze/--why), or 'prog' set up for
** progress reports alone, or nothing (NULL).  The watching starts now. */
static an_run *watch_start(kql_query *q, an_run *prog) {
  an_run *an = q->an;
  q->cancel = 0;
  q->cancelled = false;
  if (!an && !q->progress) return NULL;
  if (!an) an_run_init(an = prog);
  an->progress = q->progress;
  an->progress_ctx = q->progress_ctx;
  an->t0 = an->t_last = an_clock();
  return an;
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
  if (!query_now(q->e, q->result, &x.now)) x.now = wall_now();
  an_run prog, *an = watch_start(q, &prog); /* analyze.c: figures, progress, cancelling */
  x.an = an;
  x.cancel = &q->cancel;
  kql_status st = KQL_OK;
  op *root = exec_build(&x, q->result, d);
  if (root && x.failed) {
    exec_free(root);
    root = NULL;
  }
  if (!root) {
    exec_ctx_free(&x);
    arena_free(x.a);
    if (an == &prog) an_run_free(&prog);
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
  q->cancelled = st != KQL_OK && q->cancel;
  if (an) an->total_ns = an_clock() - an->t0;
  if (an && an->finish && st == KQL_OK) an->finish(&x, an->finish_ctx);
  if (an == &prog) an_run_free(&prog);
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

/* ---- learning and interactive use: kql explain --analyze/--why, kql shell, kql help ----
** Runs watched by analyze.c (figures per step, one row traced), cancelling, progress, and
** the names of tables, columns and functions for listings and completion. */

#include <dirent.h>

#include "func/func.h"

void kql_query_cancel(kql_query *q) { q->cancel = 1; }

int kql_query_cancelled(const kql_query *q) { return q->cancelled; }

void kql_query_set_progress(kql_query *q, void (*fn)(void *ctx, const kql_progress *p), void *ctx) {
  q->progress = fn;
  q->progress_ctx = ctx;
}

static void discard_row(void *ctx, const kql_value *row) {
  KQL_UNUSED(ctx);
  KQL_UNUSED(row);
}

kql_status kql_query_explain_analyze(kql_query *q, FILE *out, kql_diag *d) {
  an_run r;
  an_run_init(&r);
  r.all = true;
  q->an = &r;
  kql_status st = run(q, discard_row, NULL, d);
  q->an = NULL;
  if (st == KQL_OK) an_report(&r, q->result, q->src, out);
  an_run_free(&r);
  return st;
}

/* What the traced run of kql_query_explain_why reports through. */
typedef struct why_ctx {
  kql_query *q;        /* the query */
  an_run *r;           /* the watching */
  const ast *src;      /* the traced source */
  const char *pred;    /* the predicate that picked the row, or NULL */
  FILE *out;           /* where the report goes */
  bool missing;        /* the source has no such row */
} why_ctx;

static void why_finish(exec_ctx *x, void *ctx) {
  why_ctx *w = ctx;
  const an_node *s = an_find(w->r, w->src);
  if (!s || !s->last) {
    w->missing = true;
    return;
  }
  an_why_report(w->r, x, w->q->result, w->q->src, w->pred, w->out);
}

/* The 0-based index of the first row of source 'src' (a table) where 'pred' is true, or -1;
** KQL_OK, or an error in 'pred' (its span shifted into 'pred'). */
static kql_status why_locate(kql_query *q, const ast *src, const char *pred, int64_t *index,
                             kql_diag *d) {
  char *text = arena_printf(q->a, "['%s']\n| where ", src->scan->table->name);
  size_t pre = strlen(text);
  text = arena_printf(q->a, "%s%s", text, pred);
  kql_query *aux = kql_query_compile(q->e, text, strlen(text), d);
  if (!aux) {
    if (d->has_span) {
      d->start = d->start > pre ? d->start - (uint32_t)pre : 0;
      d->end = d->end > pre ? d->end - (uint32_t)pre : 0;
    }
    return d->code;
  }
  an_run r;
  an_run_init(&r);
  r.all = true;
  r.locate_src = an_main_source(aux->result);
  aux->an = &r;
  kql_status st = run(aux, discard_row, NULL, d);
  *index = r.located;
  an_run_free(&r);
  kql_query_free(aux);
  return st;
}

/* After the trace: is the group the row went into (r->group_*) a row of the result? */
static kql_status why_group_in_result(kql_query *q, const an_run *r, FILE *out, kql_diag *d) {
  kql_result *res;
  kql_status st = kql_query_run(q, &res, d);
  if (st != KQL_OK) return st;
  int at[64], n = r->group_n < 64 ? r->group_n : 64;
  for (int i = 0; i < n; i++) {
    at[i] = -1;
    for (int c = 0; c < res->ncols; c++)
      if (strcmp(res->names[c], r->group_names[i]) == 0) at[i] = c;
    if (at[i] < 0) {
      fprintf(out, "(The result has no column '%s', so kql cannot tell which result row holds "
                   "the group.)\n", r->group_names[i]);
      kql_result_free(res);
      return KQL_OK;
    }
  }
  size_t found = 0;
  for (size_t k = 0; k < res->nrows && !found; k++) {
    const kql_value *row = &res->rows[k * (size_t)res->ncols];
    bool eq = true;
    for (int i = 0; i < n && eq; i++) eq = val_equal(&row[at[i]], &r->group_vals[i]);
    if (eq) found = k + 1;
  }
  if (found)
    fprintf(out, "That group is row %zu of the result's %zu.\n", found, res->nrows);
  else
    fprintf(out, "That group is not in the result: a later step drops it ('kql explain "
                 "--analyze' shows where rows go).\n");
  kql_result_free(res);
  return KQL_OK;
}

kql_status kql_query_explain_why(kql_query *q, long row, const char *pred, FILE *out,
                                 kql_diag *d) {
  clear(d);
  const ast *src = an_main_source(q->result);
  const char *name = src->kind == AST_TABLE && src->scan ? src->scan->table->name : "the source";
  int64_t index = row - 1;
  if (pred) {
    if (src->kind != AST_TABLE || !src->scan)
      return diag_nospan(d, KQL_ERR_USAGE, "--why with a predicate needs a query that starts "
                                           "from a table");
    kql_status st = why_locate(q, src, pred, &index, d);
    if (st != KQL_OK) return st;
    if (index < 0) return diag_nospan(d, KQL_ERR_USAGE, "no row of %s has %s", name, pred);
  } else if (row < 1) {
    return diag_nospan(d, KQL_ERR_USAGE, "--why takes a row number from 1");
  }
  an_run r;
  an_run_init(&r);
  r.all = true;
  r.keep_rows = true;
  r.trace_src = src;
  r.trace_row = index;
  why_ctx w = {q, &r, src, pred, out, false};
  r.finish = why_finish;
  r.finish_ctx = &w;
  q->an = &r;
  kql_status st = run(q, discard_row, NULL, d);
  q->an = NULL;
  if (st == KQL_OK && w.missing) {
    const an_node *s = an_find(&r, src);
    st = diag_nospan(d, KQL_ERR_USAGE, "%s has %llu row%s, so there is no row %lld", name,
                     s ? (unsigned long long)s->rows_seen : 0ULL,
                     s && s->rows_seen == 1 ? "" : "s", (long long)index + 1);
  } else if (st == KQL_OK && r.group_n > 0) {
    st = why_group_in_result(q, &r, out, d);
  }
  an_run_free(&r);
  return st;
}

/* Where tables come from, for kql_engine_table(). */
typedef struct table_list {
  char **dirs;         /* data folders */
  int ndirs;           /* how many */
  char **files;        /* names of tables added as files */
  int nfiles;          /* how many */
  char **names;        /* all of them, sorted, without doubles; NULL until listed */
  int nnames;          /* how many */
} table_list;

static char **push_name(char **v, int *n, const char *s, size_t len) {
  v = xrealloc(v, sizeof(char *) * (size_t)(*n + 1));
  char *c = xmalloc(len + 1);
  memcpy(c, s, len);
  c[len] = 0;
  v[(*n)++] = c;
  return v;
}

static void free_names(char **v, int n) {
  for (int i = 0; i < n; i++) free(v[i]);
  free(v);
}

static void table_list_add(kql_engine *e, const char *dir, const char *name) {
  table_list *l = e->tables;
  if (!l) l = e->tables = xcalloc(1, sizeof *l);
  free_names(l->names, l->nnames); /* listed again when next asked */
  l->names = NULL;
  l->nnames = 0;
  if (dir) l->dirs = push_name(l->dirs, &l->ndirs, dir, strlen(dir));
  else l->files = push_name(l->files, &l->nfiles, name, strlen(name));
}

static void table_list_free(table_list *l) {
  if (!l) return;
  free_names(l->dirs, l->ndirs);
  free_names(l->files, l->nfiles);
  free_names(l->names, l->nnames);
  free(l);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The tables added as files and those in the data folders (files <Table>.json, .jsonl or
** .ndjson: catalog.c's rule), sorted, without doubles. */
static void table_list_build(table_list *l) {
  for (int i = 0; i < l->nfiles; i++)
    l->names = push_name(l->names, &l->nnames, l->files[i], strlen(l->files[i]));
  for (int i = 0; i < l->ndirs; i++) {
    DIR *dd = opendir(l->dirs[i]);
    struct dirent *de;
    while (dd && (de = readdir(dd)) != NULL) {
      const char *dot = strrchr(de->d_name, '.');
      if (!dot || de->d_name[0] == '.' ||
          (strcmp(dot, ".json") && strcmp(dot, ".jsonl") && strcmp(dot, ".ndjson")))
        continue;
      l->names = push_name(l->names, &l->nnames, de->d_name, (size_t)(dot - de->d_name));
    }
    if (dd) closedir(dd);
  }
  if (!l->names) l->names = xcalloc(1, sizeof(char *)); /* listed, and empty */
  qsort(l->names, (size_t)l->nnames, sizeof(char *), cmp_str);
  int k = 0;
  for (int i = 0; i < l->nnames; i++) {
    if (k && strcmp(l->names[k - 1], l->names[i]) == 0) {
      free(l->names[i]);
      continue;
    }
    l->names[k++] = l->names[i];
  }
  l->nnames = k;
}

const char *kql_engine_table(kql_engine *e, int i) {
  table_list *l = e->tables;
  if (!l) return NULL;
  if (!l->names) table_list_build(l);
  return i >= 0 && i < l->nnames ? l->names[i] : NULL;
}

static cat_table *table_of(kql_engine *e, const char *name) {
  bool err;
  kql_diag d;
  clear(&d);
  return cat_lookup(e->cat, name, &err, &d);
}

const char *kql_engine_column(kql_engine *e, const char *table, int i, const char **type) {
  cat_table *t = table_of(e, table);
  if (!t || i < 0 || i >= t->ncols) return NULL;
  if (type) *type = val_type_name(t->cols[i].type);
  return t->cols[i].name;
}

const char *kql_engine_table_path(kql_engine *e, const char *table) {
  cat_table *t = table_of(e, table);
  return t ? t->path : NULL;
}

int kql_function(int i, kql_function_info *info) {
  size_t n, m, a = 0, b = 0;
  const fn_def *f = fn_table(&n), *g = fn_forms(&m), *p = NULL;
  if (i < 0 || (size_t)i >= n + m) return 0;
  for (int k = 0; k <= i; k++) /* the i'th of the two sorted lists merged */
    p = b >= m || (a < n && strcmp(f[a].name, g[b].name) < 0) ? &f[a++] : &g[b++];
  info->name = p->name;
  info->summary = p->summary ? p->summary : "";
  info->aggregate = (p->flags & FN_AGG) != 0;
  info->min_args = p->min_args;
  info->max_args = p->max_args;
  return 1;
}

/* ---- testing a rule before it is deployed (issue 5): ruletest.c does the work ---- */

#include "ruletest.h"

int engine_result_ncols(const kql_result *r) { return r->ncols; }
const char *engine_result_name(const kql_result *r, int col) { return r->names[col]; }
kql_type engine_result_type(const kql_result *r, int col) { return r->types[col]; }
const kql_value *engine_result_row(const kql_result *r, size_t i) {
  return &r->rows[i * (size_t)r->ncols];
}
const rule_file *engine_rule_file(const kql_rule *r) { return r->r; }

kql_status kql_rule_eval(kql_engine *e, const kql_rule *r, int64_t now, kql_alerts **out,
                         kql_diag *d) {
  clear(d);
  return rt_eval(e, r->r, now, out, d);
}
size_t kql_alerts_count(const kql_alerts *a) { return rt_alerts_count(a); }
size_t kql_alerts_rows(const kql_alerts *a) { return rt_alerts_rows(a); }
void kql_alerts_write(const kql_alerts *a, FILE *out, int json) { rt_alerts_write(a, out, json); }
void kql_alerts_free(kql_alerts *a) { rt_alerts_free(a); }

kql_status kql_rule_backtest(kql_engine *e, const kql_rule *r, const kql_rule *other,
                             int64_t from, int64_t to, int json, FILE *out,
                             kql_backtest_summary *sum, kql_diag *d) {
  clear(d);
  return rt_backtest(e, r->r, other ? other->r : NULL, from, to, json, out, sum, d);
}

int kql_test_run(const char *const *files, int n, const char *schemas, int verbose, FILE *out,
                 const char *junit, kql_test_summary *sum) {
  return rt_test_run(files, n, schemas, NULL, verbose, out, junit, sum);
}

int kql_test_run_cached(const char *const *files, int n, const char *schemas, kql_cache *cache,
                        int verbose, FILE *out, const char *junit, kql_test_summary *sum) {
  return rt_test_run(files, n, schemas, cache, verbose, out, junit, sum);
}

int kql_rule_lint(const kql_rule *r, const kql_query *q,
                  void (*fn)(void *ctx, const kql_diag *d), void *ctx) {
  return rt_rule_lint(r->r, q, fn, ctx);
}
