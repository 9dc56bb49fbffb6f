/*
** bind.c: resolves names and types over a parsed query (see bind.h).  Walks statements in
** order, keeping 'let' names in an environment; each tabular node gets the relation it
** produces and each expression its type.  Errors carry the span of the offending name.
*/
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bind.h"
#include "csv.h"
#include "functions.h"
#include "find.h"
#include "func/func.h"
#include "func/series.h"

#define BIND_MAX_DEPTH 400 /* nesting beyond this is an error, not a stack overflow */

typedef struct let_entry {
  const char *name;    /* the let name */
  ast *value;          /* its bound value (a scalar expression or a tabular node) */
  ast *func;           /* a let function or view (AST_FUNC), bound at each call */
  bool tabular;        /* a tabular let */
  struct let_entry *next; /* older entries */
} let_entry;

typedef struct binder {
  arena *a;            /* query arena */
  catalog *cat;        /* tables */
  kql_diag *d;         /* the first error */
  let_entry *lets;     /* innermost first */
  int depth;           /* recursion depth */
  bool in_summarize;   /* binding aggregate items */
  int nslots;          /* aggregates seen in the current summarize */
  bool window;         /* a window function (row_number, prev, next) was bound */
  bind_discover_fn discover; /* finds data-dependent columns, or NULL */
  const int64_t *timewin; /* [from, to] applied to every table's time column, or NULL */
  void *discover_ctx;  /* its context */
  const ast_list *sum_by; /* the bound by-items of the summarize whose aggregates are bound */
  const ast_list *hidden; /* __aggN = aggregate items lifted out of summarize expressions */
  int ncol;            /* ColumnN names given so far in the whole query (Kusto numbers them
                       ** query-wide: `extend a+1 | project a+2` names Column1, then Column2) */
} binder;

static bool bind_expr(binder *b, ast *n, bind_rel *rel);
static bool bind_geoip(binder *b, ast *n);
static bind_rel *bind_tab(binder *b, ast *n);
static void push_where_into_join(ast *w);
static bool looks_tabular(binder *b, const ast *n);
static ast *pass_column(binder *b, const bind_rel *in, int col, const char *name, kql_span sp);
static ast *expand_call(binder *b, ast *n, let_entry *fe, bind_rel *rel, bool tabular);

/* geo_info_from_ip_address(ip): find the MaxMind database (--geoip, or GeoLite2-City.mmdb in a
** data folder) and pass its path to the function as a second argument.  `kql check` binds
** without one (it reads no data). */
static bool bind_geoip(binder *b, ast *n) {
  const char *path = cat_geoip(b->cat);
  if (!path) {
    if (!b->discover) return true;
    diag_set(b->d, KQL_ERR_BIND, n->span, "%s",
             "geo_info_from_ip_address() needs a MaxMind GeoLite2-City database");
    diag_hint(b->d, "%s", "pass --geoip FILE, or put GeoLite2-City.mmdb in a data folder");
    return false;
  }
  char why[128];
  if (!fn_geo_open(path, why, sizeof why)) {
    diag_set(b->d, KQL_ERR_IO, n->span, "cannot read MaxMind database '%s': %s", path, why);
    return false;
  }
  ast *lit = ast_new(b->a, AST_LIT, n->span);
  lit->lit = val_str(arena_strdup(b->a, path), strlen(path));
  lit->type = KQL_T_STRING;
  ast_push(b->a, &n->list, lit);
  return true;
}

bool bind_is_tabular(const ast *n) {
  switch (n->kind) {
  case AST_TABLE:
  case AST_WHERE:
  case AST_SUMMARIZE:
  case AST_PROJECT:
  case AST_EXTEND:
  case AST_TAKE:
  case AST_SORT:
  case AST_TOP:
  case AST_COUNT:
  case AST_DISTINCT:
  case AST_JOIN:
  case AST_LOOKUP:
  case AST_UNION:
  case AST_PROJECT_AWAY:
  case AST_PROJECT_KEEP:
  case AST_PROJECT_RENAME:
  case AST_PROJECT_REORDER:
  case AST_MVEXPAND:
  case AST_PARSE:
  case AST_RENDER:
  case AST_SERIALIZE:
  case AST_AS:
  case AST_GETSCHEMA:
  case AST_SAMPLE:
  case AST_INVOKE:
  case AST_EVALUATE:
  case AST_PRINT:
  case AST_DATATABLE:
  case AST_RANGE:
  case AST_EXTERNALDATA:
  case AST_MVAPPLY:
  case AST_MAKESERIES:
  case AST_PARSEKV:
  case AST_TOPNESTED:
  case AST_PARTITION:
  case AST_APPLYSRC: return true;
  default: return false;
  }
}

static let_entry *find_let(binder *b, const char *name) {
  for (let_entry *e = b->lets; e; e = e->next)
    if (strcmp(e->name, name) == 0) return e;
  /* a saved function (--functions): a let function of the outermost scope */
  ast *f = cat_functions(b->cat) ? flib_get(cat_functions(b->cat), name) : NULL;
  if (!f) return NULL;
  let_entry *e = arena_alloc(b->a, sizeof *e);
  e->name = name;
  e->func = f;
  return e;
}

static bool fail(binder *b, kql_status code, kql_span sp, const char *fmt, const char *arg) {
  diag_set(b->d, code, sp, fmt, arg);
  return false;
}

/* ---- relations ---- */

static bind_rel *rel_new(binder *b, int cap) {
  bind_rel *r = arena_alloc(b->a, sizeof *r);
  r->cols = arena_alloc(b->a, sizeof(bind_col) * (size_t)(cap ? cap : 1));
  return r;
}

static int rel_find(const bind_rel *r, const char *name) {
  for (int i = 0; i < r->n; i++)
    if (strcmp(r->cols[i].name, name) == 0) return i;
  return -1;
}

/* Add column 'name' to 'r' (which has room), or replace the one of that name. */
static int rel_put(bind_rel *r, const char *name, kql_type t, bind_scan *src, int src_col) {
  int i = rel_find(r, name);
  if (i < 0) i = r->n++;
  r->cols[i] = (bind_col){name, t, src, src_col};
  return i;
}

static void mark_used(bind_col *c) {
  if (c->src) c->src->used[c->src_col] = true;
}

/* The column name Kusto gives an unnamed expression, or NULL when it gets ColumnN: a
** column or let keeps its name; x.y and x['y'] are x_y; a call is named by its function's
** rule (tostring(X) -> X, strlen(X) -> strlen_X, make_set(X) -> set_X, count() -> count_). */
static const char *expr_name(binder *b, const ast *n) {
  switch (n->kind) {
  case AST_NAME:
    /* a lifted aggregate is named after the aggregate: tostring(make_set(P)) is set_P */
    if (b->hidden && strncmp(n->name, "__agg", 5) == 0) {
      int k = atoi(n->name + 5);
      if (k >= 0 && k < b->hidden->n) return expr_name(b, b->hidden->v[k]->a);
    }
    return n->name;
  case AST_MEMBER: {
    const char *base = expr_name(b, n->a);
    return base ? arena_printf(b->a, "%s_%s", base, n->name) : NULL;
  }
  case AST_INDEX: {
    const char *base = expr_name(b, n->a);
    if (!base || n->b->kind != AST_LIT || n->b->lit.type != KQL_T_STRING) return NULL;
    return arena_printf(b->a, "%s_%.*s", base, (int)n->b->lit.u.s.n, n->b->lit.u.s.p);
  }
  case AST_CALL: {
    if (!n->fn) return NULL;
    const char *arg = n->list.n ? expr_name(b, n->list.v[0]) : NULL;
    if (n->lit.type == KQL_T_STRING && !n->lit.isnull && n->lit.u.s.p) arg = n->lit.u.s.p; /* f(X = e) */
    if (n->fn->naming == FN_NAME_ARG) return arg;
    int pa = strcmp(n->fn->name, "percentile") == 0 ? 1 : strcmp(n->fn->name, "percentilew") == 0 ? 2 : 0;
    if (pa && n->list.n == pa + 1 && n->list.v[pa]->kind == AST_LIT) {
      /* percentile(N, 50) is percentile_N_50 (99.5 gives 99_5), and percentilew(N, W, 50) too */
      kql_value t = val_tostring(b->a, n->list.v[pa]->lit);
      char *digits = arena_strndup(b->a, t.u.s.p, t.u.s.n);
      for (char *q = digits; *q; q++)
        if (*q == '.' || *q == '-') *q = '_';
      return arena_printf(b->a, "percentile_%s_%s", arg ? arg : "", digits);
    }
    if (n->fn->naming == FN_NAME_PREFIX) return arena_printf(b->a, "%s_%s", n->fn->prefix, arg ? arg : "");
    if (n->fn->naming == FN_NAME_FIXED) return n->fn->prefix;
    return NULL;
  }
  default: return NULL;
  }
}

/* Name the column of item 'it' (an expression or AST_ASSIGN) of an operator whose output so
** far is 'out' ('in' for extend, whose input columns it may replace).  '*ncol' counts the
** ColumnN names given.  Returns NULL after an error for a name declared twice. */
static const char *item_name(binder *b, const ast *it, const bind_rel *out, const bind_rel *in,
                             int *ncol) {
  const ast *e = it->kind == AST_ASSIGN ? it->a : it;
  if (it->kind == AST_ASSIGN || (e->kind == AST_NAME && e->col >= 0)) {
    const char *name = it->kind == AST_ASSIGN ? it->name : e->name;
    if (rel_find(out, name) >= 0 && !(in && rel_find(in, name) >= 0 && out != in)) {
      diag_set(b->d, KQL_ERR_BIND, it->span, "a column with the name '%s' is already declared", name);
      return NULL;
    }
    return name;
  }
  const char *name = expr_name(b, e);
  if (name && in && out != in && rel_find(in, name) >= 0)
    return name; /* extend todatetime(X) replaces X, as Kusto does */
  if (name) {
    const char *base = name;
    for (int k = 1; rel_find(out, name) >= 0 || (in && rel_find(in, name) >= 0); k++)
      name = arena_printf(b->a, "%s%d", base, k);
    return name;
  }
  /* the next number not naming an input column that the operator keeps (extend); a clash with
  ** a column declared earlier in the same operator takes a suffix, as other names do:
  ** `project Column1, b+1` names Column11 (Kusto.Language does the same) */
  do name = arena_printf(b->a, "Column%d", ++*ncol);
  while (in && rel_find(in, name) >= 0);
  const char *base = name;
  for (int k = 1; rel_find(out, name) >= 0; k++) name = arena_printf(b->a, "%s%d", base, k);
  return name;
}

/* ---- scalar expressions ---- */

static const char *type_name(kql_type t) { return val_type_name(t); }

/* True when values of 't' and 'u' can be compared with == and <. */
static bool comparable(kql_type t, kql_type u) {
  if (t == u || t == KQL_T_NULL || u == KQL_T_NULL || t == KQL_T_DYNAMIC || u == KQL_T_DYNAMIC)
    return true;
  if (val_is_numeric(t) && val_is_numeric(u)) return true;
  if ((t == KQL_T_STRING && u == KQL_T_GUID) || (t == KQL_T_GUID && u == KQL_T_STRING)) return true;
  return false;
}

/* The type of 'a op b' for arithmetic, or KQL_T_COUNT_ when it has none. */
static kql_type arith_type(int op, kql_type t, kql_type u) {
  if (t == KQL_T_NULL) return u == KQL_T_NULL ? KQL_T_NULL : (op == OP_SUB && u == KQL_T_DATETIME ? KQL_T_TIMESPAN : u);
  if (u == KQL_T_NULL) return t;
  if (t == KQL_T_DYNAMIC || u == KQL_T_DYNAMIC) return KQL_T_DYNAMIC;
  if (val_is_numeric(t) && val_is_numeric(u)) {
    if (t == KQL_T_REAL || u == KQL_T_REAL || t == KQL_T_DECIMAL || u == KQL_T_DECIMAL)
      return KQL_T_REAL;
    if (t == KQL_T_INT && u == KQL_T_INT) return KQL_T_INT;
    return KQL_T_LONG;
  }
  switch (op) {
  case OP_ADD:
    if ((t == KQL_T_DATETIME && u == KQL_T_TIMESPAN) || (t == KQL_T_TIMESPAN && u == KQL_T_DATETIME))
      return KQL_T_DATETIME;
    if (t == KQL_T_TIMESPAN && u == KQL_T_TIMESPAN) return KQL_T_TIMESPAN;
    break;
  case OP_SUB:
    if (t == KQL_T_DATETIME && u == KQL_T_TIMESPAN) return KQL_T_DATETIME;
    if (t == KQL_T_DATETIME && u == KQL_T_DATETIME) return KQL_T_TIMESPAN;
    if (t == KQL_T_TIMESPAN && u == KQL_T_TIMESPAN) return KQL_T_TIMESPAN;
    break;
  case OP_MUL:
    if ((t == KQL_T_TIMESPAN && val_is_numeric(u)) || (val_is_numeric(t) && u == KQL_T_TIMESPAN))
      return KQL_T_TIMESPAN;
    break;
  case OP_DIV:
    if (t == KQL_T_TIMESPAN && u == KQL_T_TIMESPAN) return KQL_T_REAL;
    if (t == KQL_T_TIMESPAN && val_is_numeric(u)) return KQL_T_TIMESPAN;
    break;
  case OP_MOD:
    if (t == KQL_T_TIMESPAN && u == KQL_T_TIMESPAN) return KQL_T_TIMESPAN;
    break;
  default: break;
  }
  return KQL_T_COUNT_;
}

static bool bind_call(binder *b, ast *n, bind_rel *rel);

static bool bind_name(binder *b, ast *n, bind_rel *rel) {
  int i = rel ? rel_find(rel, n->name) : -1;
  if (i >= 0) {
    n->col = i;
    n->type = rel->cols[i].type;
    mark_used(&rel->cols[i]);
    return true;
  }
  let_entry *e = find_let(b, n->name);
  if (e && e->func) { /* a function named without '()': a call when it takes no argument */
    if (e->func->by.n > 0)
      return fail(b, KQL_ERR_BIND, n->span, "the function '%s' requires an argument list", n->name);
    n->kind = AST_CALL;
    return bind_call(b, n, rel);
  }
  if (e && !e->tabular) {
    n->let = e->value;
    n->type = e->value->type;
    return true;
  }
  if (e && e->tabular)
    return fail(b, KQL_ERR_BIND, n->span, "'%s' is a tabular expression, not a scalar value", n->name);
  if (rel && rel->open) { /* a column bag_unpack may make: unknown until the data is read */
    n->col = -1;
    n->type = KQL_T_DYNAMIC;
    n->let = ast_new(b->a, AST_LIT, n->span);
    n->let->lit = val_null(KQL_T_DYNAMIC);
    n->let->type = KQL_T_DYNAMIC;
    return true;
  }
  /* Unknown: suggest among the columns and scalar lets. */
  int cap = (rel ? rel->n : 0) + 16, k = 0;
  const char **names = arena_alloc(b->a, sizeof(char *) * (size_t)cap);
  for (int c = 0; rel && c < rel->n; c++) names[k++] = rel->cols[c].name;
  for (let_entry *l = b->lets; l && k < cap; l = l->next)
    if (!l->tabular) names[k++] = l->name;
  diag_set(b->d, KQL_ERR_BIND, n->span, "unknown column '%s'", n->name);
  const char *s = diag_suggest(n->name, names, k);
  if (s) diag_hint(b->d, "did you mean '%s'?", s);
  return false;
}

static bool bind_call(binder *b, ast *n, bind_rel *rel) {
  let_entry *fe = find_let(b, n->name);
  if (fe && fe->func) {
    ast *body = expand_call(b, n, fe, rel, false);
    if (!body) return false;
    n->let = body;
    n->type = body->type;
    return true;
  }
  if (strcmp(n->name, "column_ifexists") == 0 || strcmp(n->name, "columnifexists") == 0) {
    /* the column if the input has it, else the default */
    if (n->list.n != 2 || n->list.v[0]->kind != AST_LIT || n->list.v[0]->lit.type != KQL_T_STRING)
      return fail(b, KQL_ERR_BIND, n->span, "%s", "column_ifexists() expects a column name string and a default value");
    const char *name = arena_strndup(b->a, n->list.v[0]->lit.u.s.p, n->list.v[0]->lit.u.s.n);
    int c = rel ? rel_find(rel, name) : -1;
    ast *e = n->list.v[1];
    if (c >= 0) {
      e = ast_new(b->a, AST_NAME, n->list.v[0]->span);
      e->name = name;
    }
    if (!bind_expr(b, e, rel)) return false;
    n->let = e;
    n->type = e->type;
    return true;
  }
  if (strcmp(n->name, "typeof") == 0 && n->list.n == 1 && n->list.v[0]->kind == AST_NAME &&
      val_type_from_name(n->list.v[0]->name, strlen(n->list.v[0]->name)) >= 0) {
    /* typeof(long): the type's name, for extract(..., typeof(long)) and friends */
    const char *t = val_type_name((kql_type)val_type_from_name(n->list.v[0]->name,
                                                                strlen(n->list.v[0]->name)));
    n->kind = AST_LIT;
    n->lit = val_str(t, strlen(t));
    n->type = KQL_T_STRING;
    n->list = (ast_list){0};
    return true;
  }
  if (strcmp(n->name, "bag_pack_columns") == 0) {
    /* bag_pack_columns(A, B): bag_pack("A", A, "B", B) */
    ast_list args = {0};
    for (int i = 0; i < n->list.n; i++) {
      ast *v = n->list.v[i];
      if (v->kind != AST_NAME)
        return fail(b, KQL_ERR_BIND, v->span, "%s", "bag_pack_columns() expects column names");
      ast *k = ast_new(b->a, AST_LIT, v->span);
      k->lit = val_str(v->name, strlen(v->name));
      k->type = KQL_T_STRING;
      ast_push(b->a, &args, k);
      ast_push(b->a, &args, v);
    }
    if (!args.n) return fail(b, KQL_ERR_BIND, n->span, "%s", "bag_pack_columns() expects at least one column");
    n->name = "bag_pack";
    n->list = args;
  }
  if (strcmp(n->name, "pack_all") == 0 && n->list.n <= 1) {
    /* pack_all(): pack("Col1", Col1, ...) over the input's columns; pack_all(flag) is the
    ** function pack_all(flag, "Col1", Col1, ...), which leaves out null and empty values
    ** when 'flag' is true */
    if (!rel) return fail(b, KQL_ERR_BIND, n->span, "%s", "pack_all() needs the columns of a table");
    ast_list args = {0};
    if (n->list.n) ast_push(b->a, &args, n->list.v[0]);
    for (int c = 0; c < rel->n; c++) {
      ast *k = ast_new(b->a, AST_LIT, n->span), *v = ast_new(b->a, AST_NAME, n->span);
      k->lit = val_str(rel->cols[c].name, strlen(rel->cols[c].name));
      k->type = KQL_T_STRING;
      v->name = rel->cols[c].name;
      ast_push(b->a, &args, k);
      ast_push(b->a, &args, v);
    }
    n->name = args.n % 2 ? "pack_all" : "bag_pack";
    n->list = args;
    if (!fn_lookup(n->name)) return fail(b, KQL_ERR_UNSUPPORTED, n->span, "%s", "pack_all() is not supported yet");
  }
  if (strcmp(n->name, "ingestion_time") == 0 && n->list.n == 0) {
    /* offline, rows carry no ingestion time: null, as Kusto gives for a table without one */
    ast *e = ast_new(b->a, AST_LIT, n->span);
    e->lit = val_null(KQL_T_DATETIME);
    e->type = KQL_T_DATETIME;
    n->let = e;
    n->type = KQL_T_DATETIME;
    return true;
  }
  if (strcmp(n->name, "toscalar") == 0) {
    if (n->list.n != 1) return fail(b, KQL_ERR_BIND, n->span, "%s", "toscalar() expects one tabular argument");
    ast *q = n->list.v[0];
    if (!looks_tabular(b, q)) {
      if (!bind_expr(b, q, rel)) return false;
      n->let = q;
      n->type = q->type;
      return true;
    }
    bind_rel *r = bind_tab(b, q);
    if (!r) return false;
    if (r->n < 1) return fail(b, KQL_ERR_BIND, n->span, "%s", "toscalar() needs a column");
    mark_used(&r->cols[0]);
    n->b = q; /* a subquery: run once, first column of the first row */
    n->type = r->cols[0].type;
    return true;
  }
  const fn_def *f = fn_resolve(n->name, n->list.n);
  if (!f) {
    if (fn_known_unsupported(n->name))
      return fail(b, KQL_ERR_UNSUPPORTED, n->span, "function '%s' is not supported yet", n->name);
    if (find_let(b, n->name))
      return fail(b, KQL_ERR_UNSUPPORTED, n->span,
                  "calling '%s': user-defined functions are not supported yet", n->name);
    diag_set(b->d, KQL_ERR_BIND, n->span, "unknown function '%s'", n->name);
    size_t k;
    const fn_def *all = fn_table(&k);
    const char **names = arena_alloc(b->a, sizeof(char *) * k);
    for (size_t i = 0; i < k; i++) names[i] = all[i].name;
    const char *s = diag_suggest(n->name, names, (int)k);
    if (s) diag_hint(b->d, "did you mean '%s'?", s);
    return false;
  }
  n->fn = f;
  /* named arguments of a built-in (strlen(s="x")): kql knows no parameter names, so they
  ** count in the order written */
  for (int i = 0; i < n->list.n; i++)
    if (n->list.v[i]->kind == AST_ASSIGN) {
      /* a call named after its first argument takes that argument's name: round(F = x) is
      ** F (Kusto.Language names it so); kept in the call's otherwise unused lit */
      if (i == 0 && n->list.v[0]->name) n->lit = val_str(n->list.v[0]->name, strlen(n->list.v[0]->name));
      n->list.v[i] = n->list.v[i]->a;
    }
  if (f->flags & FN_WINDOW) b->window = true;
  if (n->list.n < f->min_args || n->list.n > f->max_args) {
    char want[64];
    if (f->min_args == f->max_args) snprintf(want, sizeof want, "%d", f->min_args);
    else snprintf(want, sizeof want, "%d to %d", f->min_args, f->max_args);
    diag_set(b->d, KQL_ERR_BIND, n->span, "function '%s' expects %s argument%s, got %d", f->name,
             want, f->max_args == 1 && f->min_args == 1 ? "" : "s", n->list.n);
    return false;
  }
  bool agg = f->flags & FN_AGG;
  if (agg && !b->in_summarize)
    return fail(b, KQL_ERR_BIND, n->span,
                "aggregate function '%s' can only be used in summarize", f->name);
  bool was = b->in_summarize;
  if (agg) b->in_summarize = false; /* no aggregates inside aggregates */
  for (int i = 0; i < n->list.n; i++) {
    ast *arg = n->list.v[i];
    if (arg->kind == AST_NAME && strcmp(arg->name, "*") == 0) continue;
    if (bind_is_tabular(arg))
      return fail(b, KQL_ERR_UNSUPPORTED, arg->span,
                  "tabular arguments to '%s' are not supported yet", f->name);
    if (!bind_expr(b, arg, rel)) return false;
  }
  b->in_summarize = was;
  const char *err = NULL;
  n->type = f->type(n->list.v, n->list.n, &err);
  if (n->type == KQL_T_COUNT_)
    return fail(b, KQL_ERR_TYPE, n->span, "%s", err ? err : "argument types do not fit");
  if (agg) n->slot = b->nslots++;
  if (strcmp(f->name, "geo_info_from_ip_address") == 0) return bind_geoip(b, n);
  return true;
}

static bool bind_binary(binder *b, ast *n) {
  kql_type t = n->a->type, u = n->b->type;
  switch (n->op) {
  case OP_AND:
  case OP_OR:
    if ((t != KQL_T_BOOL && t != KQL_T_NULL && t != KQL_T_DYNAMIC) ||
        (u != KQL_T_BOOL && u != KQL_T_NULL && u != KQL_T_DYNAMIC)) {
      diag_set(b->d, KQL_ERR_TYPE, n->span, "'%s' expects bool operands, got %s and %s",
               ast_op_name(n->op), type_name(t), type_name(u));
      return false;
    }
    n->type = KQL_T_BOOL;
    return true;
  case OP_EQ:
  case OP_NE:
    if ((t == KQL_T_BOOL && (val_is_numeric(u) || u == KQL_T_STRING)) ||
        (u == KQL_T_BOOL && (val_is_numeric(t) || t == KQL_T_STRING)) ||
        (t == KQL_T_STRING && val_is_numeric(u)) || (u == KQL_T_STRING && val_is_numeric(t))) {
      n->type = KQL_T_BOOL; /* Kusto compares a string with a number for equality */
      return true;
    }
    /* fall through */
  case OP_LT:
  case OP_LE:
  case OP_GT:
  case OP_GE:
    if (!comparable(t, u)) {
      diag_set(b->d, KQL_ERR_TYPE, n->span, "cannot compare %s with %s", type_name(t),
               type_name(u));
      return false;
    }
    n->type = KQL_T_BOOL;
    return true;
  case OP_ADD:
  case OP_SUB:
  case OP_MUL:
  case OP_DIV:
  case OP_MOD:
    n->type = arith_type(n->op, t, u);
    if (n->type == KQL_T_COUNT_) {
      diag_set(b->d, KQL_ERR_TYPE, n->span, "operator '%s' cannot be applied to %s and %s",
               ast_op_name(n->op), type_name(t), type_name(u));
      return false;
    }
    return true;
  default: /* string operators: any scalar converts to its string form */
    n->type = KQL_T_BOOL;
    return true;
  }
}

static bool bind_expr(binder *b, ast *n, bind_rel *rel) {
  if (++b->depth > BIND_MAX_DEPTH) {
    diag_set(b->d, KQL_ERR_SYNTAX, n->span, "expression is nested too deeply");
    return false;
  }
  bool ok = true;
  switch (n->kind) {
  case AST_LIT: n->type = n->lit.type; break;
  case AST_NAME: ok = bind_name(b, n, rel); break;
  case AST_CALL: ok = bind_call(b, n, rel); break;
  case AST_UNARY:
    ok = bind_expr(b, n->a, rel);
    if (ok) {
      n->type = n->a->type;
      if (!val_is_numeric(n->type) && n->type != KQL_T_TIMESPAN && n->type != KQL_T_NULL &&
          n->type != KQL_T_DYNAMIC)
        ok = fail(b, KQL_ERR_TYPE, n->span, "unary minus cannot be applied to %s",
                  type_name(n->type));
    }
    break;
  case AST_BINARY:
    ok = bind_expr(b, n->a, rel) && bind_expr(b, n->b, rel) && bind_binary(b, n);
    break;
  case AST_BETWEEN:
    ok = bind_expr(b, n->a, rel) && bind_expr(b, n->b, rel) && bind_expr(b, n->c, rel);
    if (ok) {
      kql_type t = n->a->type, hi = n->c->type;
      bool fits = comparable(t, n->b->type) &&
                  (comparable(t, hi) || (t == KQL_T_DATETIME && hi == KQL_T_TIMESPAN));
      if (!fits || t == KQL_T_STRING || t == KQL_T_GUID || t == KQL_T_BOOL) {
        diag_set(b->d, KQL_ERR_TYPE, n->span, "'between' cannot be applied to %s", type_name(t));
        ok = false;
      }
      n->type = KQL_T_BOOL;
    }
    break;
  case AST_INLIST:
    ok = bind_expr(b, n->a, rel);
    for (int i = 0; ok && i < n->list.n; i++) {
      ast *e = n->list.v[i];
      bool tab = bind_is_tabular(e) || (e->kind == AST_NAME && looks_tabular(b, e) &&
                                        !(rel && rel_find(rel, e->name) >= 0) &&
                                        !(find_let(b, e->name) && !find_let(b, e->name)->tabular));
      if (tab) {
        /* a subquery: its first column is the list */
        bind_rel *r = bind_tab(b, e);
        ok = r != NULL;
        if (ok && r->n < 1) ok = fail(b, KQL_ERR_BIND, e->span, "%s", "the subquery has no column");
        if (ok) mark_used(&r->cols[0]);
        e->flags |= 0x100; /* marks a subquery element */
      } else {
        ok = bind_expr(b, e, rel);
      }
    }
    n->type = KQL_T_BOOL;
    break;
  case AST_MEMBER:
  case AST_INDEX:
    ok = bind_expr(b, n->a, rel) && (!n->b || bind_expr(b, n->b, rel));
    if (ok && n->a->type != KQL_T_DYNAMIC && n->a->type != KQL_T_NULL)
      ok = fail(b, KQL_ERR_TYPE, n->span, "only dynamic values can be indexed, not %s",
                type_name(n->a->type));
    n->type = KQL_T_DYNAMIC;
    break;
  case AST_STAR: ok = fail(b, KQL_ERR_SYNTAX, n->span, "%s", "'*' is not allowed here"); break;
  default:
    if (bind_is_tabular(n))
      ok = fail(b, KQL_ERR_BIND, n->span, "%s", "a tabular expression is not allowed here");
    else
      ok = fail(b, KQL_ERR_SYNTAX, n->span, "%s", "not an expression");
    break;
  }
  b->depth--;
  return ok;
}

/* True when 'n' (bound) refers to no column: a constant or a let. */
static bool is_constant(const ast *n) {
  if (n->kind == AST_NAME) return n->col < 0;
  if (n->kind == AST_CALL && n->fn && (n->fn->flags & FN_AGG)) return false;
  if (n->kind == AST_CALL && !n->fn && n->b) return true; /* toscalar(subquery) */
  if (bind_is_tabular(n) || n->kind == AST_TABLE) return true;
  if (n->a && !is_constant(n->a)) return false;
  if (n->b && !is_constant(n->b)) return false;
  if (n->c && !is_constant(n->c)) return false;
  for (int i = 0; i < n->list.n; i++)
    if (!is_constant(n->list.v[i])) return false;
  return true;
}

/* ---- tabular operators ---- */

static bind_rel *bind_source(binder *b, ast *n) {
  let_entry *e = find_let(b, n->name);
  if (e && e->tabular) {
    n->kind = AST_TABLE;
    n->let = e->value;
    n->rel = e->value->rel;
    return n->rel;
  }
  if (e) {
    fail(b, KQL_ERR_BIND, n->span, "'%s' is a scalar value, not a table", n->name);
    return NULL;
  }
  bool err = false;
  cat_table *t = cat_lookup(b->cat, n->name, &err, b->d);
  if (err) {
    if (!b->d->has_span && !b->d->file[0]) {
      b->d->has_span = 1;
      b->d->start = n->span.start;
      b->d->end = n->span.end;
    }
    return NULL;
  }
  if (!t) {
    diag_set(b->d, KQL_ERR_BIND, n->span, "unknown table '%s'", n->name);
    int k;
    const char *const *tables = cat_names(b->cat, &k);
    int nl = 0;
    for (let_entry *l = b->lets; l; l = l->next) nl++;
    const char **names = arena_alloc(b->a, sizeof(char *) * (size_t)(k + nl + 1));
    memcpy(names, tables, sizeof(char *) * (size_t)k);
    for (let_entry *l = b->lets; l; l = l->next)
      if (l->tabular || l->func) names[k++] = l->name;
    const char *s = diag_suggest(n->name, names, k);
    if (s) diag_hint(b->d, "did you mean '%s'?", s);
    return NULL;
  }
  n->kind = AST_TABLE;
  bind_scan *sc = arena_alloc(b->a, sizeof *sc);
  sc->table = t;
  sc->used = arena_alloc(b->a, sizeof(bool) * (size_t)(t->ncols ? t->ncols : 1));
  n->scan = sc;
  bind_rel *r = rel_new(b, t->ncols);
  for (int i = 0; i < t->ncols; i++) rel_put(r, t->cols[i].name, t->cols[i].type, sc, i);
  n->rel = r;
  if (b->timewin) {
    int tc = rel_find(r, "TimeGenerated");
    if (tc < 0 || r->cols[tc].type != KQL_T_DATETIME) tc = rel_find(r, "Timestamp");
    if (tc >= 0 && r->cols[tc].type == KQL_T_DATETIME) {
      /* n becomes: where TimeCol between (from .. to), over a copy of the table node */
      ast *table = ast_new(b->a, AST_TABLE, n->span);
      *table = *n;
      ast *col = ast_new(b->a, AST_NAME, n->span), *lo = ast_new(b->a, AST_LIT, n->span),
          *hi = ast_new(b->a, AST_LIT, n->span), *p = ast_new(b->a, AST_BETWEEN, n->span);
      col->name = r->cols[tc].name;
      col->col = tc;
      col->type = KQL_T_DATETIME;
      mark_used(&r->cols[tc]);
      int ts = rel_find(r, "Timestamp");
      if (ts >= 0 && ts != tc && r->cols[ts].type == KQL_T_DATETIME && fn_lookup("coalesce")) {
        /* a Defender export may fill Timestamp but not TimeGenerated: use whichever is set */
        ast *alt = ast_new(b->a, AST_NAME, n->span), *call = ast_new(b->a, AST_CALL, n->span);
        alt->name = r->cols[ts].name;
        alt->col = ts;
        alt->type = KQL_T_DATETIME;
        mark_used(&r->cols[ts]);
        call->name = "coalesce";
        call->fn = fn_lookup("coalesce");
        call->type = KQL_T_DATETIME;
        ast_push(b->a, &call->list, col);
        ast_push(b->a, &call->list, alt);
        col = call;
      }
      sc->has_win = true; /* the scan may skip rows outside it (a cached table's index) */
      sc->win[0] = b->timewin[0], sc->win[1] = b->timewin[1];
      sc->win_col = tc;
      sc->win_alt = col->kind == AST_CALL ? ts : -1;
      lo->lit = val_datetime(b->timewin[0]), lo->type = KQL_T_DATETIME;
      hi->lit = val_datetime(b->timewin[1]), hi->type = KQL_T_DATETIME;
      p->op = OP_BETWEEN, p->a = col, p->b = lo, p->c = hi, p->type = KQL_T_BOOL;
      n->kind = AST_WHERE;
      n->in = table;
      n->a = p;
      n->scan = NULL;
      n->name = NULL;
    }
  }
  return r;
}

/* 'base', or base1, base2 ... : the first name no AST_ASSIGN of 'items' takes. */
static const char *free_item_name(binder *b, const ast_list *items, const char *base) {
  const char *name = base;
  for (int m = 1, clash = 1; clash; m++) {
    clash = 0;
    for (int q = 0; q < items->n && !clash; q++)
      clash = items->v[q]->kind == AST_ASSIGN && items->v[q]->name && strcmp(items->v[q]->name, name) == 0;
    if (clash) name = arena_printf(b->a, "%s%d", base, m);
  }
  return name;
}

/* The expression e[j]. */
static ast *index_of(binder *b, ast *e, int j) {
  ast *idx = ast_new(b->a, AST_INDEX, e->span), *lit = ast_new(b->a, AST_LIT, e->span);
  lit->lit = val_long(j);
  lit->type = KQL_T_LONG;
  idx->a = e;
  idx->b = lit;
  return idx;
}

/* An unnamed array_sort_asc(a1, a2, ...[, nulls_last]) or array_sort_desc of two or more
** arrays: one item per array, f(...)[i] named a1_sorted (array<i>_sorted when the argument
** has no name; a clash takes a suffix 1, 2 ...), as Kusto names them.  False for any other
** item (left to the caller). */
static bool sort_outputs(binder *b, ast *it, ast_list *items) {
  ast *e = it;
  if (it->kind != AST_CALL || !e->name || find_let(b, e->name) ||
      (strcmp(e->name, "array_sort_asc") != 0 && strcmp(e->name, "array_sort_desc") != 0))
    return false;
  int na = e->list.n;
  if (na > 0 && e->list.v[na - 1]->kind == AST_LIT && e->list.v[na - 1]->lit.type == KQL_T_BOOL) na--;
  if (na < 2) return false;
  for (int j = 0; j < na; j++) {
    const char *arg = expr_name(b, e->list.v[j]);
    const char *base = arg ? arena_printf(b->a, "%s_sorted", arg) : arena_printf(b->a, "array%d_sorted", j);
    ast *as = ast_new(b->a, AST_ASSIGN, it->span);
    as->name = free_item_name(b, items, base);
    as->a = index_of(b, e, j);
    ast_push(b->a, items, as);
  }
  return true;
}

/* Items that call a function returning several values (series_stats(x), (a, b, ...) =
** series_fit_line(x)) become one item per value, f(x)[i] converted to the value's type, named
** by the tuple, else (the first) by the item's name, else f_x_suffix as Kusto names them.
** Run before the output relation is sized. */
static bool expand_outputs(binder *b, ast *n) {
  ast_list items = {0};
  for (int i = 0; i < n->list.n; i++) {
    ast *it = n->list.v[i];
    ast *e = it->kind == AST_ASSIGN ? it->a : it;
    int k = 0;
    if (sort_outputs(b, it, &items)) continue;
    const fn_output *o = e->kind == AST_CALL && !find_let(b, e->name) ? fn_outputs(e->name, &k) : NULL;
    if (!o) {
      if (it->kind == AST_ASSIGN && it->by.n > 1)
        return fail(b, KQL_ERR_BIND, it->span, "%s", "only a function that returns several values can be assigned to a tuple");
      ast_push(b->a, &items, it);
      continue;
    }
    if (it->by.n > k) {
      diag_set(b->d, KQL_ERR_BIND, it->span, "'%s' returns %d values, the tuple names %d", e->name, k, it->by.n);
      return false;
    }
    const char *arg = e->list.n ? expr_name(b, e->list.v[0]) : NULL;
    for (int j = 0; j < k; j++) {
      const char *name = j < it->by.n ? it->by.v[j]->name
                         : j == 0 && it->kind == AST_ASSIGN ? it->name : NULL;
      if (!name) /* f_x_suffix (f__suffix for an unnamed x), then f_x_suffix1, ... */
        name = free_item_name(b, &items, arena_printf(b->a, "%s_%s_%s", e->name, arg ? arg : "", o[j].suffix));
      ast *idx = index_of(b, e, j), *v = idx;
      if (o[j].type != KQL_T_DYNAMIC) {
        v = ast_new(b->a, AST_CALL, e->span);
        v->name = o[j].type == KQL_T_LONG ? "tolong" : "toreal";
        ast_push(b->a, &v->list, idx);
      }
      ast *as = ast_new(b->a, AST_ASSIGN, it->span);
      as->name = name;
      as->a = v;
      ast_push(b->a, &items, as);
    }
  }
  n->list = items;
  return true;
}

/* Bind the items of project/extend/distinct into 'out'. */
static bool bind_items(binder *b, ast *n, bind_rel *in, bind_rel *out, bool extend) {
  const char **assigned = arena_alloc(b->a, sizeof(char *) * (size_t)(n->list.n ? n->list.n : 1));
  for (int i = 0; i < n->list.n; i++) {
    ast *it = n->list.v[i];
    ast *e = it->kind == AST_ASSIGN ? it->a : it;
    if (!bind_expr(b, e, in)) return false;
    const char *name = item_name(b, it, out, extend ? in : NULL, &b->ncol);
    if (!name) return false;
    for (int k = 0; k < i; k++) /* extend x = 1, x = 2 */
      if (assigned[k] && strcmp(assigned[k], name) == 0) {
        diag_set(b->d, KQL_ERR_BIND, it->span, "a column with the name '%s' is already declared", name);
        return false;
      }
    assigned[i] = name;
    if (it->kind != AST_ASSIGN) {
      it = ast_new(b->a, AST_ASSIGN, e->span);
      it->a = e;
      n->list.v[i] = it;
    }
    it->name = name;
    it->type = e->type;
    bind_scan *src = NULL;
    int src_col = 0;
    if (e->kind == AST_NAME && e->col >= 0) {
      src = in->cols[e->col].src;
      src_col = in->cols[e->col].src_col;
    }
    it->col = rel_put(out, name, e->type, src, src_col);
  }
  return true;
}

/* True when the bound by-expression 'e' is input column 'c' itself: a reference to it, or a
** conversion to the type it has (`tostring(S)` of a string S).  arg_max's '*' leaves out such
** columns, and only those: `by tostring(D)` of a dynamic D keeps D, renamed D1, as
** Kusto.Language does. */
static bool is_by_column(const ast *e, int c, const bind_rel *in) {
  static const char *const conv[] = {"tostring", "tolong", "toint", "toreal", "todouble", "tobool",
                                     "toboolean", "todatetime", "totimespan", "toguid", "todecimal",
                                     "todynamic", "toobject"};
  if (e->kind == AST_NAME) return e->col == c;
  if (e->kind != AST_CALL || e->list.n != 1 || e->type != in->cols[c].type) return false;
  const ast *a = e->list.v[0];
  if (a->kind != AST_NAME || a->col != c) return false;
  for (size_t i = 0; i < sizeof conv / sizeof *conv; i++)
    if (strcmp(e->name, conv[i]) == 0) return true;
  return false;
}

/* Bind arg_max(e, * | cols...) / arg_min: its columns are e's (named by 'it', else after e,
** else max_/min_), then the returned columns ('*': every input column but the by-columns
** (is_by_column) and e's own), kept in call->by; the item's col is the first of them. */
static bool bind_argmax(binder *b, ast *it, ast *call, bind_rel *in, bind_rel *out, int nby) {
  call->fn = fn_lookup(call->name);
  if (call->list.n < 2) {
    diag_set(b->d, KQL_ERR_BIND, call->span, "function '%s' expects 2 or more arguments, got %d",
             call->fn->name, call->list.n);
    return false;
  }
  ast *key = call->list.v[0];
  if (!bind_expr(b, key, in)) return false;
  call->type = key->type;
  ast_list ret = {0};
  for (int i = 1; i < call->list.n; i++) {
    ast *a = call->list.v[i];
    if (a->kind == AST_STAR) {
      for (int c = 0; c < in->n; c++) {
        bool skip = key->kind == AST_NAME && key->col == c;
        if (b->sum_by)
          for (int k = 0; k < b->sum_by->n && !skip; k++) {
            const ast *it2 = b->sum_by->v[k];
            skip = is_by_column(it2->kind == AST_ASSIGN ? it2->a : it2, c, in);
          }
        else
          for (int k = 0; k < nby && !skip; k++) skip = strcmp(out->cols[k].name, in->cols[c].name) == 0;
        if (skip) continue;
        ast *ref = ast_new(b->a, AST_NAME, a->span);
        ref->name = in->cols[c].name;
        ref->col = c;
        ref->type = in->cols[c].type;
        mark_used(&in->cols[c]);
        ast_push(b->a, &ret, ref);
      }
      continue;
    }
    ast *e = a->kind == AST_ASSIGN ? a->a : a;
    if (!bind_expr(b, e, in)) return false;
    if (a->kind != AST_ASSIGN) {
      ast *as = ast_new(b->a, AST_ASSIGN, e->span);
      as->a = e;
      as->name = NULL;
      a = as;
    }
    ast_push(b->a, &ret, a);
  }
  /* names: the tuple (x, y, ...) = arg_max(...) names them in order */
  int named = it->kind == AST_ASSIGN && it->name ? (it->by.n ? it->by.n : 1) : 0;
  const char *first = named ? it->name : expr_name(b, key);
  if (!first) first = (call->fn->flags & FN_ARGMIN) ? "min_" : "max_";
  for (int k = 1; rel_find(out, first) >= 0; k++)
    first = arena_printf(b->a, "%s%d", (named ? it->name : first), k);
  it->col = rel_put(out, first, key->type, NULL, 0);
  for (int i = 0; i < ret.n; i++) {
    ast *r = ret.v[i];
    ast *e = r->kind == AST_ASSIGN ? r->a : r;
    const char *name = i + 1 < named ? it->by.v[i + 1]->name
                       : r->kind == AST_ASSIGN && r->name ? r->name : expr_name(b, e);
    if (!name) name = arena_printf(b->a, "Column%d", i + 1);
    const char *base = name;
    for (int k = 1; rel_find(out, name) >= 0; k++) name = arena_printf(b->a, "%s%d", base, k);
    rel_put(out, name, e->type, NULL, 0);
    if (r->kind == AST_ASSIGN) ret.v[i] = e;
  }
  call->by = ret;
  it->type = key->type;
  return true;
}

/* percentiles(x, p1, ..., pk) in item 'i' of 'l' becomes k items percentile(x, pj), and
** percentilesw(x, w, p1, ...) k items percentilew(x, w, pj): one column each, named as the
** tuple (a, b, ...) = percentiles(...) names them, else percentile_x_pj. */
static bool expand_percentiles(binder *b, ast_list *l, int i) {
  ast *it = l->v[i], *e = it->kind == AST_ASSIGN ? it->a : it;
  bool w = strcmp(e->name, "percentilesw") == 0;
  int first = w ? 2 : 1;
  if (e->list.n <= first) {
    diag_set(b->d, KQL_ERR_BIND, e->span, "%s() expects %s and at least one percentile", e->name,
             w ? "an expression, a weight" : "an expression");
    return false;
  }
  ast_list out = {0};
  for (int k = 0; k < i; k++) ast_push(b->a, &out, l->v[k]);
  for (int j = first; j < e->list.n; j++) {
    ast *call = ast_new(b->a, AST_CALL, e->span);
    call->name = w ? "percentilew" : "percentile";
    for (int k = 0; k < first; k++) ast_push(b->a, &call->list, e->list.v[k]);
    ast_push(b->a, &call->list, e->list.v[j]);
    const char *name = NULL;
    if (it->kind == AST_ASSIGN && it->name) {
      int nnames = it->by.n ? it->by.n : 1;
      if (j - first < nnames) name = j == first ? it->name : it->by.v[j - first]->name;
    }
    if (!name) {
      ast_push(b->a, &out, call);
      continue;
    }
    ast *as = ast_new(b->a, AST_ASSIGN, it->span);
    as->name = name;
    as->a = call;
    ast_push(b->a, &out, as);
  }
  for (int k = i + 1; k < l->n; k++) ast_push(b->a, &out, l->v[k]);
  *l = out;
  return true;
}

/* Bind the by-keys or aggregates of summarize, one list, into 'out'. */
static bool bind_group_items(binder *b, ast_list *l, bind_rel *in, bind_rel *out, int *ncol,
                             bool aggs) {
  int star_lo[16], star_hi[16], nstar = 0; /* the columns each arg_max(x, ...) returns */
  for (int i = 0; i < l->n; i++) {
    ast *it = l->v[i];
    ast *e = it->kind == AST_ASSIGN ? it->a : it;
    if (aggs && e->kind == AST_CALL &&
        (strcmp(e->name, "percentiles") == 0 || strcmp(e->name, "percentilesw") == 0)) {
      if (!expand_percentiles(b, l, i)) return false;
      it = l->v[i];
      e = it->kind == AST_ASSIGN ? it->a : it;
    }
    if (aggs) {
      const fn_def *f = e->kind == AST_CALL ? fn_resolve(e->name, e->list.n) : NULL;
      if (e->kind == AST_CALL && !f) {
        b->in_summarize = true;
        bind_expr(b, e, in); /* reports the unknown function */
        b->in_summarize = false;
        return false;
      }
      if (!f || !(f->flags & FN_AGG)) {
        fail(b, KQL_ERR_BIND, e->span, "%s",
             "summarize expects an aggregate function such as count() or max()");
        return false;
      }
      if (f->flags & FN_ARGMAX) {
        if (it->kind != AST_ASSIGN) {
          ast *as = ast_new(b->a, AST_ASSIGN, e->span);
          as->a = e;
          it = l->v[i] = as;
        }
        int lo = out->n;
        if (!bind_argmax(b, it, e, in, out, out->n)) return false;
        if (nstar < (int)KQL_ARRAY_LEN(star_lo)) star_lo[nstar] = lo + 1, star_hi[nstar++] = out->n;
        continue;
      }
      if (it->kind == AST_ASSIGN && it->by.n > 1) {
        fail(b, KQL_ERR_BIND, it->span, "%s", "only arg_max() and arg_min() return several columns");
        return false;
      }
      b->in_summarize = true;
    }
    bool ok = bind_expr(b, e, in);
    b->in_summarize = false;
    if (!ok) return false;
    const char *name = NULL;
    if (it->kind == AST_ASSIGN) { /* a name an earlier arg_max(x, ...) returns: this one is name1 */
      int at = rel_find(out, it->name);
      for (int k = 0; k < nstar && at >= 0 && !name; k++)
        if (at >= star_lo[k] && at < star_hi[k]) {
          name = it->name;
          for (int j = 1; rel_find(out, name) >= 0; j++) name = arena_printf(b->a, "%s%d", it->name, j);
        }
    }
    if (!name) name = item_name(b, it, out, NULL, ncol);
    if (!name) return false;
    if (it->kind != AST_ASSIGN) {
      it = ast_new(b->a, AST_ASSIGN, e->span);
      it->a = e;
      l->v[i] = it;
    }
    it->name = name;
    it->type = e->type;
    it->col = rel_put(out, name, e->type, NULL, 0);
  }
  return true;
}

static bool is_agg_call(const ast *e) {
  const fn_def *f = e->kind == AST_CALL ? fn_resolve(e->name, e->list.n) : NULL;
  return f && (f->flags & FN_AGG);
}

static bool has_agg(const ast *e) {
  if (!e) return false;
  if (is_agg_call(e)) return true;
  if (has_agg(e->a) || has_agg(e->b) || has_agg(e->c)) return true;
  for (int i = 0; i < e->list.n; i++)
    if (has_agg(e->list.v[i])) return true;
  return false;
}

/* Replace each aggregate call inside 'e' by a name __aggN, adding __aggN = call to 'hidden'. */
static ast *lift_aggs(binder *b, ast *e, ast_list *hidden) {
  if (!e) return NULL;
  if (is_agg_call(e)) {
    ast *as = ast_new(b->a, AST_ASSIGN, e->span);
    as->name = arena_printf(b->a, "__agg%d", hidden->n);
    as->a = e;
    ast_push(b->a, hidden, as);
    ast *ref = ast_new(b->a, AST_NAME, e->span);
    ref->name = as->name;
    return ref;
  }
  e->a = lift_aggs(b, e->a, hidden);
  e->b = lift_aggs(b, e->b, hidden);
  e->c = lift_aggs(b, e->c, hidden);
  for (int i = 0; i < e->list.n; i++) e->list.v[i] = lift_aggs(b, e->list.v[i], hidden);
  return e;
}

static bind_rel *bind_summarize_plain(binder *b, ast *n, bind_rel *in) {
  bind_rel *out = rel_new(b, n->by.n + n->list.n * (in->n + 64));
  b->nslots = 0;
  if (!bind_group_items(b, &n->by, in, out, &b->ncol, false)) return NULL;
  for (int i = 0; i < n->by.n; i++)
    if (n->by.v[i]->type == KQL_T_DYNAMIC) {
      fail(b, KQL_ERR_TYPE, n->by.v[i]->a->span, "%s", "cannot group by a dynamic value");
      return NULL;
    }
  b->sum_by = &n->by;
  bool ok = bind_group_items(b, &n->list, in, out, &b->ncol, true);
  b->sum_by = NULL;
  if (!ok) return NULL;
  n->slot = b->nslots;
  return out;
}

/* summarize with expressions over aggregates (AvgSize = sum(x) / count()): 'n' becomes a
** project over a new summarize node that computes the aggregates, hidden ones included. */
static bind_rel *bind_summarize(binder *b, ast *n, bind_rel *in) {
  bool lift = false;
  for (int i = 0; i < n->list.n && !lift; i++) {
    const ast *e = n->list.v[i]->kind == AST_ASSIGN ? n->list.v[i]->a : n->list.v[i];
    lift = !is_agg_call(e) && has_agg(e);
  }
  if (!lift) return bind_summarize_plain(b, n, in);
  ast *s = ast_new(b->a, AST_SUMMARIZE, n->span);
  s->in = n->in;
  s->opts = n->opts;
  s->by = n->by;
  ast_list hidden = {0};
  int *computed = arena_alloc(b->a, sizeof(int) * (size_t)n->list.n);
  ast **exprs = arena_alloc(b->a, sizeof(ast *) * (size_t)n->list.n);
  for (int i = 0; i < n->list.n; i++) {
    ast *it = n->list.v[i];
    ast *e = it->kind == AST_ASSIGN ? it->a : it;
    computed[i] = !is_agg_call(e) && has_agg(e);
    if (computed[i]) exprs[i] = lift_aggs(b, e, &hidden);
    else ast_push(b->a, &s->list, it);
  }
  int nvisible = s->list.n;
  for (int i = 0; i < hidden.n; i++) ast_push(b->a, &s->list, hidden.v[i]);
  bind_rel *mid = bind_summarize_plain(b, s, in);
  if (!mid) return NULL;
  s->rel = mid;
  /* the projection: by-columns, then each item in order (all of an arg_max's columns) */
  ast_list items = {0};
  int c = 0, agg = 0;
  for (; c < n->by.n; c++) ast_push(b->a, &items, pass_column(b, mid, c, mid->cols[c].name, n->span));
  for (int i = 0; i < n->list.n; i++) {
    if (computed[i]) {
      ast *it = n->list.v[i];
      ast *as = ast_new(b->a, AST_ASSIGN, it->span);
      as->name = it->kind == AST_ASSIGN ? it->name : NULL;
      as->a = exprs[i];
      if (!as->name) {
        ast_push(b->a, &items, exprs[i]); /* named ColumnN by bind_items */
        continue;
      }
      ast_push(b->a, &items, as);
      continue;
    }
    int end = agg + 1 < nvisible ? s->list.v[agg + 1]->col : mid->n - hidden.n;
    for (c = s->list.v[agg]->col; c < end; c++)
      ast_push(b->a, &items, pass_column(b, mid, c, mid->cols[c].name, n->span));
    agg++;
  }
  n->kind = AST_PROJECT;
  n->in = s;
  n->list = items;
  n->by = (ast_list){0};
  n->opts = (ast_list){0};
  bind_rel *out = rel_new(b, items.n);
  b->hidden = &hidden;
  bool ok = bind_items(b, n, mid, out, false);
  b->hidden = NULL;
  return ok ? out : NULL;
}

/* A make-series bound ('what': from, to, step or default): bound against 'in', a constant. */
static bool series_const(binder *b, ast *e, bind_rel *in, const char *what) {
  if (!bind_expr(b, e, in)) return false;
  if (!is_constant(e))
    return fail(b, KQL_ERR_BIND, e->span, "make-series expects a constant %s, not an expression over columns", what);
  return true;
}

static const char *option(const ast *n, const char *name);

/* make-series Aggs on Axis [from F] [to T] step S [by Keys]: the by-columns, one dynamic
** array per aggregate, then the axis as a dynamic array.  The aggregates keep their own type
** in their call node (the operator builds each bin's value from it). */
static bind_rel *bind_makeseries(binder *b, ast *n, bind_rel *in) {
  const char *kind = option(n, "kind");
  if (kind && strcmp(kind, "nonempty") != 0) {
    fail(b, KQL_ERR_BIND, n->opts.v[0]->span, "make-series kind='%s' is unknown; kind=nonempty is the one kind", kind);
    return NULL;
  }
  for (int i = 0; i < n->opts.n; i++)
    if (strcmp(n->opts.v[i]->name, "kind") != 0 && strncmp(n->opts.v[i]->name, "hint.", 5) != 0) {
      fail(b, KQL_ERR_BIND, n->opts.v[i]->span, "make-series has no option '%s'", n->opts.v[i]->name);
      return NULL;
    }
  bind_rel *out = rel_new(b, n->by.n + n->list.n + 1);
  int ncol = 0;
  b->nslots = 0;
  if (!bind_group_items(b, &n->by, in, out, &ncol, false)) return NULL;
  for (int i = 0; i < n->by.n; i++)
    if (n->by.v[i]->type == KQL_T_DYNAMIC) {
      fail(b, KQL_ERR_TYPE, n->by.v[i]->a->span, "%s", "cannot group by a dynamic value");
      return NULL;
    }
  int first = out->n;
  for (int i = 0; i < n->list.n; i++) {
    ast *it = n->list.v[i], *e = it->kind == AST_ASSIGN ? it->a : it;
    const fn_def *f = e->kind == AST_CALL ? fn_lookup(e->name) : NULL;
    if (f && (f->flags & FN_ARGMAX)) {
      fail(b, KQL_ERR_BIND, e->span, "make-series cannot use '%s': it returns several columns", f->name);
      return NULL;
    }
    if (!has_agg(e) && it->kind != AST_ASSIGN && !(e->kind == AST_CALL && !fn_lookup(e->name))) {
      fail(b, KQL_ERR_BIND, e->span, "%s", "make-series expects an aggregate function such as count() or avg()");
      return NULL;
    }
    if (!has_agg(e) && it->kind == AST_ASSIGN) {
      /* C = -1: Kusto puts the value in every bin with rows (take_any of it) */
      ast *call = ast_new(b->a, AST_CALL, e->span);
      call->name = "take_any";
      ast_push(b->a, &call->list, e);
      it->a = call;
    }
  }
  if (!bind_group_items(b, &n->list, in, out, &ncol, true)) return NULL;
  n->slot = b->nslots;
  for (int i = 0; i < n->list.n; i++) {
    ast *call = n->list.v[i]->a;
    kql_type t = call->type;
    if (!val_is_numeric(t) && t != KQL_T_TIMESPAN && t != KQL_T_DATETIME && t != KQL_T_BOOL &&
        t != KQL_T_NULL) {
      diag_set(b->d, KQL_ERR_TYPE, call->span, "make-series needs aggregates with numeric results; '%s' returns %s",
               call->fn->name, type_name(t));
      return NULL;
    }
    ast *def = n->c->list.v[i];
    if (def && !series_const(b, def, in, "default")) return NULL;
    out->cols[first + i].type = KQL_T_DYNAMIC;
  }
  /* the axis and its bounds */
  ast *axis = n->a, *r = n->b;
  if (!bind_expr(b, axis, in)) return NULL;
  kql_type at = axis->type;
  bool timeaxis = at == KQL_T_DATETIME || at == KQL_T_TIMESPAN;
  if (!timeaxis && !val_is_numeric(at)) {
    diag_set(b->d, KQL_ERR_TYPE, axis->span, "the make-series axis must be a datetime, timespan or number, not %s",
             type_name(at));
    return NULL;
  }
  if ((r->a && !series_const(b, r->a, in, "'from'")) || (r->b && !series_const(b, r->b, in, "'to'")) ||
      !series_const(b, r->c, in, "'step'"))
    return NULL;
  for (int k = 0; k < 2; k++) {
    ast *e = k ? r->b : r->a;
    if (e && e->type != KQL_T_NULL && (timeaxis ? e->type != at : !val_is_numeric(e->type))) {
      diag_set(b->d, KQL_ERR_TYPE, e->span, "make-series '%s' must be of the axis type %s, not %s",
               k ? "to" : "from", type_name(at), type_name(e->type));
      return NULL;
    }
  }
  kql_type st = r->c->type;
  if (timeaxis ? st != KQL_T_TIMESPAN : !val_is_numeric(st)) {
    diag_set(b->d, KQL_ERR_TYPE, r->c->span, "make-series 'step' must be %s, not %s",
             timeaxis ? "a timespan" : "a number", type_name(st));
    return NULL;
  }
  const char *name = expr_name(b, axis);
  if (!name) name = arena_printf(b->a, "Column%d", ++ncol);
  if (rel_find(out, name) >= 0) {
    diag_set(b->d, KQL_ERR_BIND, axis->span, "a column with the name '%s' is already declared", name);
    return NULL;
  }
  rel_put(out, name, KQL_T_DYNAMIC, NULL, 0);
  return out;
}

static bool const_count(binder *b, ast *e, bind_rel *in, const char *op) {
  if (!bind_expr(b, e, in)) return false;
  if (!is_constant(e) || (e->type != KQL_T_LONG && e->type != KQL_T_INT)) {
    diag_set(b->d, KQL_ERR_TYPE, e->span, "%s expects a constant whole number of rows", op);
    return false;
  }
  return true;
}


/* ---- more tabular operators ---- */

/* The value of option 'name' of 'n' (kind=inner -> "inner"), or NULL. */
static const char *option(const ast *n, const char *name) {
  for (int i = 0; i < n->opts.n; i++) {
    const ast *o = n->opts.v[i];
    if (strcmp(o->name, name) != 0) continue;
    if (o->a->kind == AST_NAME) return o->a->name;
    if (o->a->kind == AST_LIT && o->a->lit.type == KQL_T_STRING) return o->a->lit.u.s.p;
    if (o->a->kind == AST_LIT && o->a->lit.type == KQL_T_BOOL) return o->a->lit.u.b ? "true" : "false";
    return "";
  }
  return NULL;
}

/* True when column name 'name' matches pattern 'pat' ('*' matches any run). */
static bool glob(const char *pat, const char *name) {
  if (!*pat) return !*name;
  if (*pat == '*') {
    for (const char *s = name;; s++) {
      if (glob(pat + 1, s)) return true;
      if (!*s) return false;
    }
  }
  return *name && *pat == *name && glob(pat + 1, name + 1);
}

/* An AST_ASSIGN passing input column 'col' of 'in' through as 'name'. */
static ast *pass_column(binder *b, const bind_rel *in, int col, const char *name, kql_span sp) {
  ast *ref = ast_new(b->a, AST_NAME, sp);
  ref->name = in->cols[col].name;
  ref->col = col;
  ref->type = in->cols[col].type;
  ast *it = ast_new(b->a, AST_ASSIGN, sp);
  it->name = name;
  it->a = ref;
  it->type = ref->type;
  return it;
}

/* Turn 'n' into a projection of 'in' through the input columns 'cols' (renamed to 'names'
** where given); the executor runs it as project. */
static bind_rel *as_projection(binder *b, ast *n, const bind_rel *in, const int *cols,
                               const char *const *names, int k) {
  bind_rel *out = rel_new(b, k);
  ast_list l = {0};
  for (int i = 0; i < k; i++) {
    const char *name = names && names[i] ? names[i] : in->cols[cols[i]].name;
    ast *it = pass_column(b, in, cols[i], name, n->span);
    it->col = rel_put(out, name, in->cols[cols[i]].type, in->cols[cols[i]].src, in->cols[cols[i]].src_col);
    ast_push(b->a, &l, it);
  }
  n->list = l;
  n->flags |= 0x200; /* run as a projection */
  return out;
}

/* An unknown column (or a pattern that matches none) at 'sp', with a did-you-mean hint. */
static void unknown_column(binder *b, kql_span sp, const char *name, const bind_rel *in) {
  diag_set(b->d, KQL_ERR_BIND, sp, "unknown column '%s'", name);
  if (strchr(name, '*')) return;
  const char **names = arena_alloc(b->a, sizeof(char *) * (size_t)(in->n ? in->n : 1));
  for (int c = 0; c < in->n; c++) names[c] = in->cols[c].name;
  const char *s = diag_suggest(name, names, in->n);
  if (s) diag_hint(b->d, "did you mean '%s'?", s);
}

static bind_rel *bind_project_away(binder *b, ast *n, bind_rel *in, bool keep) {
  int *cols = arena_alloc(b->a, sizeof(int) * (size_t)(in->n ? in->n : 1));
  int k = 0;
  for (int i = 0; i < n->list.n; i++) {
    const ast *pat = n->list.v[i];
    bool hit = false;
    for (int c = 0; c < in->n; c++) hit |= glob(pat->name, in->cols[c].name);
    if (!hit && strcmp(pat->name, "*") != 0) {
      unknown_column(b, pat->span, pat->name, in);
      return NULL;
    }
  }
  for (int c = 0; c < in->n; c++) {
    bool match = false;
    for (int i = 0; i < n->list.n && !match; i++) match = glob(n->list.v[i]->name, in->cols[c].name);
    if (match == keep) cols[k++] = c;
  }
  return as_projection(b, n, in, cols, NULL, k);
}

static bind_rel *bind_project_rename(binder *b, ast *n, bind_rel *in) {
  int *cols = arena_alloc(b->a, sizeof(int) * (size_t)(in->n ? in->n : 1));
  const char **names = arena_alloc(b->a, sizeof(char *) * (size_t)(in->n ? in->n : 1));
  for (int c = 0; c < in->n; c++) cols[c] = c, names[c] = NULL;
  for (int i = 0; i < n->list.n; i++) {
    const ast *it = n->list.v[i];
    if (it->kind != AST_ASSIGN || it->a->kind != AST_NAME) {
      fail(b, KQL_ERR_SYNTAX, it->span, "%s", "project-rename expects NewName = ExistingName");
      return NULL;
    }
    int c = rel_find(in, it->a->name);
    if (c < 0) {
      unknown_column(b, it->a->span, it->a->name, in);
      return NULL;
    }
    names[c] = it->name;
  }
  /* a new name may not clash with another column's final name */
  for (int c = 0; c < in->n; c++) {
    const char *nc = names[c] ? names[c] : in->cols[c].name;
    for (int d = 0; d < c; d++) {
      const char *nd = names[d] ? names[d] : in->cols[d].name;
      if (strcmp(nc, nd) != 0) continue;
      const ast *culprit = NULL;
      for (int i = n->list.n - 1; i >= 0 && !culprit; i--)
        if (strcmp(n->list.v[i]->name, nc) == 0) culprit = n->list.v[i];
      diag_set(b->d, KQL_ERR_BIND, culprit ? culprit->span : n->span,
               "a column with the name '%s' is already declared", nc);
      return NULL;
    }
  }
  return as_projection(b, n, in, cols, names, in->n);
}

/* Natural order, as project-reorder's granny-asc uses: digit runs compare by value. */
static int granny_cmp(const char *a, const char *x) {
  while (*a && *x) {
    if (isdigit((unsigned char)*a) && isdigit((unsigned char)*x)) {
      char *ea, *ex;
      unsigned long long va = strtoull(a, &ea, 10), vx = strtoull(x, &ex, 10);
      if (va != vx) return va < vx ? -1 : 1;
      a = ea, x = ex;
      continue;
    }
    if (*a != *x) return (unsigned char)*a < (unsigned char)*x ? -1 : 1;
    a++, x++;
  }
  return *a ? 1 : *x ? -1 : 0;
}

static bind_rel *bind_project_reorder(binder *b, ast *n, bind_rel *in) {
  int *cols = arena_alloc(b->a, sizeof(int) * (size_t)(in->n ? in->n : 1));
  bool *taken = arena_alloc(b->a, sizeof(bool) * (size_t)(in->n ? in->n : 1));
  int k = 0;
  for (int i = 0; i < n->list.n; i++) {
    const ast *key = n->list.v[i];
    const char *pat = key->a->name;
    int first = k;
    for (int c = 0; c < in->n; c++)
      if (!taken[c] && glob(pat, in->cols[c].name)) taken[c] = true, cols[k++] = c;
    if (k == first && strcmp(pat, "*") != 0) {
      unknown_column(b, key->a->span, pat, in);
      return NULL;
    }
    if (key->flags & AST_SORT_SET) {
      /* order the matched columns by name: asc or desc, granny-asc/desc in natural order */
      bool asc = key->flags & AST_SORT_ASC, granny = key->flags & AST_SORT_GRANNY;
      for (int x = first + 1; x < k; x++)
        for (int y = x; y > first; y--) {
          const char *p1 = in->cols[cols[y - 1]].name, *p2 = in->cols[cols[y]].name;
          int cmp = granny ? granny_cmp(p1, p2) : strcmp(p1, p2);
          if (asc ? cmp <= 0 : cmp >= 0) break;
          int t = cols[y];
          cols[y] = cols[y - 1];
          cols[y - 1] = t;
        }
    }
  }
  for (int c = 0; c < in->n; c++)
    if (!taken[c]) cols[k++] = c;
  return as_projection(b, n, in, cols, NULL, k);
}

/* Names for print's unnamed columns: print_0, print_1, ... by position. */
static bind_rel *bind_print(binder *b, ast *n) {
  ast_list items = {0}; /* print_N counts the items as written: name them before sort_outputs */
  for (int i = 0; i < n->list.n; i++) {
    ast *it = n->list.v[i];
    if (sort_outputs(b, it, &items)) continue;
    if (it->kind != AST_ASSIGN && items.n != i) {
      ast *as = ast_new(b->a, AST_ASSIGN, it->span);
      as->name = arena_printf(b->a, "print_%d", i);
      as->a = it;
      it = as;
    }
    ast_push(b->a, &items, it);
  }
  n->list = items;
  bind_rel *out = rel_new(b, n->list.n);
  for (int i = 0; i < n->list.n; i++) {
    ast *it = n->list.v[i];
    ast *e = it->kind == AST_ASSIGN ? it->a : it;
    if (!bind_expr(b, e, NULL)) return NULL;
    const char *name = it->kind == AST_ASSIGN ? it->name : NULL;
    if (!name) name = arena_printf(b->a, "print_%d", i);
    if (rel_find(out, name) >= 0) {
      diag_set(b->d, KQL_ERR_BIND, it->span, "a column with the name '%s' is already declared", name);
      return NULL;
    }
    if (it->kind != AST_ASSIGN) {
      it = ast_new(b->a, AST_ASSIGN, e->span);
      it->a = e;
      n->list.v[i] = it;
    }
    it->name = name;
    it->type = e->type;
    it->col = rel_put(out, name, e->type, NULL, 0);
  }
  return out;
}

/* Columns declared as name:type (datatable, externaldata). */
static bind_rel *declared_columns(binder *b, const ast_list *decls) {
  bind_rel *out = rel_new(b, decls->n);
  for (int i = 0; i < decls->n; i++) {
    const ast *d = decls->v[i];
    if (rel_find(out, d->name) >= 0) {
      diag_set(b->d, KQL_ERR_BIND, d->span, "a column with the name '%s' is already declared", d->name);
      return NULL;
    }
    rel_put(out, d->name, (kql_type)d->op, NULL, 0);
  }
  return out;
}

static bind_rel *bind_datatable(binder *b, ast *n) {
  bind_rel *out = declared_columns(b, &n->by);
  if (!out) return NULL;
  if (out->n == 0 || n->list.n % out->n != 0) {
    diag_set(b->d, KQL_ERR_BIND, n->span, "datatable has %d values for %d columns", n->list.n, out->n);
    return NULL;
  }
  for (int i = 0; i < n->list.n; i++) {
    ast *v = n->list.v[i];
    if (!bind_expr(b, v, NULL)) return NULL;
    if (!is_constant(v)) {
      fail(b, KQL_ERR_BIND, v->span, "%s", "datatable values must be constants");
      return NULL;
    }
  }
  return out;
}

static bind_rel *bind_range(binder *b, ast *n) {
  if (!bind_expr(b, n->a, NULL) || !bind_expr(b, n->b, NULL) || !bind_expr(b, n->c, NULL))
    return NULL;
  kql_type t = n->a->type;
  if (!val_is_numeric(t) && t != KQL_T_DATETIME && t != KQL_T_TIMESPAN) {
    diag_set(b->d, KQL_ERR_TYPE, n->a->span, "range cannot run over %s values", type_name(t));
    return NULL;
  }
  if ((t == KQL_T_DATETIME || t == KQL_T_TIMESPAN) && n->c->type != KQL_T_TIMESPAN) {
    diag_set(b->d, KQL_ERR_TYPE, n->c->span, "a %s range needs a timespan step, got %s",
             type_name(t), type_name(n->c->type));
    return NULL;
  }
  if (n->c->kind == AST_LIT && !n->c->lit.isnull &&
      ((n->c->lit.type == KQL_T_REAL && n->c->lit.u.r == 0) ||
       (n->c->lit.type != KQL_T_REAL && n->c->lit.u.i == 0))) {
    fail(b, KQL_ERR_BIND, n->c->span, "%s", "range step must not be 0");
    return NULL;
  }
  if (t == KQL_T_INT) t = KQL_T_LONG;
  if (val_is_numeric(t) && (n->b->type == KQL_T_REAL || n->c->type == KQL_T_REAL)) t = KQL_T_REAL;
  bind_rel *out = rel_new(b, 1);
  rel_put(out, n->name, t, NULL, 0);
  n->type = t;
  return out;
}

/* The sources of a union, its wildcards expanded to the tables that have data. */
static bool union_sources(binder *b, ast *n, bool fuzzy) {
  ast_list srcs = {0};
  if (n->in) ast_push(b->a, &srcs, n->in);
  int first = srcs.n; /* the piped input may come again from a wildcard */
  for (int i = 0; i < n->list.n; i++) {
    ast *src = n->list.v[i];
    if (src->kind == AST_STAR) {
      int k;
      const char *const *names = cat_names(b->cat, &k);
      int found = 0;
      for (int j = 0; j < k; j++) {
        bool dup = false;
        for (int m = first; m < srcs.n && !dup; m++)
          dup = (srcs.v[m]->kind == AST_TABLE || srcs.v[m]->kind == AST_NAME) && srcs.v[m]->name &&
                strcmp(srcs.v[m]->name, names[j]) == 0;
        if (dup || !glob(src->name, names[j])) continue;
        bool err = false;
        cat_table *t = cat_lookup(b->cat, names[j], &err, b->d);
        if (err) return false;
        if (!t || !t->path) continue;
        ast *nm = ast_new(b->a, AST_NAME, src->span);
        nm->name = names[j];
        ast_push(b->a, &srcs, nm);
        found++;
      }
      if (!found && !fuzzy) {
        diag_set(b->d, KQL_ERR_BIND, src->span, "no table matches '%s'", src->name);
        return false;
      }
      continue;
    }
    if (fuzzy && src->kind == AST_NAME && !find_let(b, src->name)) {
      bool err = false;
      cat_table *t = cat_lookup(b->cat, src->name, &err, b->d);
      if (err) return false;
      if (!t) continue; /* isfuzzy: a missing table is left out */
      if (!t->path) { /* one known by its schema alone is there, with no rows, as an empty
                      ** table of the workspace is: its columns, for the union's */
        ast *dt = ast_new(b->a, AST_DATATABLE, src->span);
        for (int c = 0; c < t->ncols; c++) {
          ast *d = ast_new(b->a, AST_PARAM, src->span);
          d->name = t->cols[c].name;
          d->op = (int)t->cols[c].type;
          ast_push(b->a, &dt->by, d);
        }
        if (t->ncols == 0) continue;
        src = dt;
      }
    }
    ast_push(b->a, &srcs, src);
  }
  n->list = srcs;
  n->in = NULL;
  return true;
}

static bind_rel *bind_union(binder *b, ast *n) {
  const char *kind = option(n, "kind");
  const char *fuzzy = option(n, "isfuzzy");
  const char *source = option(n, "withsource");
  if (!source) source = option(n, "withSource");
  bool inner = kind && strcmp(kind, "inner") == 0;
  if (kind && !inner && strcmp(kind, "outer") != 0) {
    fail(b, KQL_ERR_BIND, n->span, "union kind must be inner or outer, not '%s'", kind);
    return NULL;
  }
  if (!union_sources(b, n, fuzzy && strcmp(fuzzy, "true") == 0)) return NULL;
  if (n->list.n == 0) {
    fail(b, KQL_ERR_BIND, n->span, "%s", "no table of the union exists");
    return NULL;
  }
  int total = 1;
  for (int i = 0; i < n->list.n; i++) {
    bind_rel *r = bind_tab(b, n->list.v[i]);
    if (!r) return NULL;
    total += r->n;
  }
  /* Columns group by name in order of first appearance; a name seen with several types
  ** becomes name_type per type, side by side.  Output names then take a suffix 1, 2 ...
  ** where they collide (a real x_long beside x split into x_long: Kusto's x_long1).  n->by
  ** gets one AST_NAME per output column: the source column name and type it takes. */
  const char **gname = arena_alloc(b->a, sizeof(char *) * (size_t)total);
  kql_type *gtype = arena_alloc(b->a, sizeof(kql_type) * (size_t)total);
  int *gof = arena_alloc(b->a, sizeof(int) * (size_t)total);
  int ng = 0, ne = 0, *ntypes = arena_alloc(b->a, sizeof(int) * (size_t)total);
  const char **names = arena_alloc(b->a, sizeof(char *) * (size_t)total);
  for (int i = 0; i < n->list.n; i++) {
    bind_rel *r = n->list.v[i]->rel;
    for (int c = 0; c < r->n; c++) {
      const bind_col *col = &r->cols[c];
      int g = 0;
      while (g < ng && strcmp(names[g], col->name) != 0) g++;
      if (g == ng) names[ng] = col->name, ntypes[ng++] = 0;
      int e = 0;
      while (e < ne && !(gof[e] == g && gtype[e] == col->type)) e++;
      if (e < ne) continue;
      /* insert after the group's last entry, keeping each group's entries together */
      int pos = ne;
      for (int k = 0; k < ne; k++)
        if (gof[k] == g) pos = k + 1;
      memmove(&gname[pos + 1], &gname[pos], sizeof(char *) * (size_t)(ne - pos));
      memmove(&gtype[pos + 1], &gtype[pos], sizeof(kql_type) * (size_t)(ne - pos));
      memmove(&gof[pos + 1], &gof[pos], sizeof(int) * (size_t)(ne - pos));
      gname[pos] = col->name, gtype[pos] = col->type, gof[pos] = g, ne++;
      ntypes[g]++;
    }
  }
  bind_rel *out = rel_new(b, total * 2);
  if (source) rel_put(out, source, KQL_T_STRING, NULL, 0);
  n->by.n = 0;
  for (int e = 0; e < ne; e++) {
    const char *name = ntypes[gof[e]] > 1 ? arena_printf(b->a, "%s_%s", gname[e], type_name(gtype[e])) : gname[e];
    for (int k = 1; rel_find(out, name) >= 0; k++)
      name = arena_printf(b->a, "%s%d", ntypes[gof[e]] > 1 ? arena_printf(b->a, "%s_%s", gname[e], type_name(gtype[e])) : gname[e], k);
    rel_put(out, name, gtype[e], NULL, 0);
    ast *o = ast_new(b->a, AST_NAME, n->span);
    o->name = gname[e];
    o->type = gtype[e];
    ast_push(b->a, &n->by, o);
  }
  for (int i = 0; i < n->list.n; i++)
    for (int c = 0; c < n->list.v[i]->rel->n; c++) mark_used(&n->list.v[i]->rel->cols[c]);
  if (inner) {
    int k = source ? 1 : 0;
    for (int c = source ? 1 : 0; c < out->n; c++) {
      bool everywhere = true;
      const ast *o = n->by.v[c - (source ? 1 : 0)];
      for (int i = 0; i < n->list.n && everywhere; i++) {
        int at = rel_find(n->list.v[i]->rel, o->name);
        everywhere = at >= 0 && n->list.v[i]->rel->cols[at].type == o->type;
      }
      if (everywhere) n->by.v[k - (source ? 1 : 0)] = n->by.v[c - (source ? 1 : 0)], out->cols[k++] = out->cols[c];
    }
    out->n = k;
    n->by.n = k - (source ? 1 : 0);
  }
  return out;
}

/* A join key: 'on X', or '$left.X == $right.Y'; fills the left and right column names. */
static bool join_key(binder *b, const ast *k, const char **l, const char **r) {
  if (k->kind == AST_NAME) {
    *l = *r = k->name;
    return true;
  }
  if (k->kind == AST_BINARY && k->op == OP_EQ && k->a->kind == AST_MEMBER && k->b->kind == AST_MEMBER &&
      k->a->a->kind == AST_NAME && k->b->a->kind == AST_NAME) {
    const char *s1 = k->a->a->name, *s2 = k->b->a->name;
    if (strcmp(s1, "$left") == 0 && strcmp(s2, "$right") == 0) {
      *l = k->a->name, *r = k->b->name;
      return true;
    }
    if (strcmp(s1, "$right") == 0 && strcmp(s2, "$left") == 0) { /* Kusto's KS183 */
      fail(b, KQL_ERR_SYNTAX, k->a->span, "%s",
           "the join condition's first operand must be $left.Column: write $left.X == $right.Y");
      return false;
    }
  }
  fail(b, KQL_ERR_SYNTAX, k->span, "%s",
       "a join key is a column name or $left.Column == $right.Column");
  return false;
}

/* Join kinds.  ORDER: exec's join operator uses these values. */
static const char *const join_kinds[] = {"innerunique", "inner", "leftouter", "rightouter",
                                         "fullouter", "leftanti", "rightanti", "leftsemi",
                                         "rightsemi", "anti", "leftantisemi", "rightantisemi"};

static bind_rel *bind_join(binder *b, ast *n, bind_rel *in) {
  const char *kind = option(n, "kind");
  bool lookup = n->kind == AST_LOOKUP;
  int k = lookup ? 2 : 0;
  if (kind) {
    k = -1;
    for (int i = 0; i < (int)KQL_ARRAY_LEN(join_kinds); i++)
      if (strcmp(kind, join_kinds[i]) == 0) k = i;
    if (k == 9 || k == 10) k = 5;
    if (k == 11) k = 6;
    if (k < 0 || (lookup && k != 1 && k != 2)) {
      fail(b, KQL_ERR_BIND, n->span, lookup ? "lookup kind must be leftouter or inner, not '%s'"
                                            : "unknown join kind '%s'", kind);
      return NULL;
    }
  }
  n->op = k;
  bind_rel *right = bind_tab(b, n->b);
  if (!right) return NULL;
  /* keys: pairs of AST_NAME bound to the left and right columns, in by */
  ast_list keys = {0};
  /* on $left.A == $right.A and $left.B == $right.B: the same as a list of keys */
  for (int i = 0; i < n->list.n; i++) {
    ast *key = n->list.v[i];
    if (key->kind == AST_BINARY && key->op == OP_AND) {
      n->list.v[i] = key->a;
      ast_list rest = {0};
      for (int j = 0; j <= i; j++) ast_push(b->a, &rest, n->list.v[j]);
      ast_push(b->a, &rest, key->b);
      for (int j = i + 1; j < n->list.n; j++) ast_push(b->a, &rest, n->list.v[j]);
      n->list = rest;
      i--;
    }
  }
  for (int i = 0; i < n->list.n; i++) {
    const char *l, *r;
    if (!join_key(b, n->list.v[i], &l, &r)) return NULL;
    int lc = rel_find(in, l), rc = rel_find(right, r);
    if (lc < 0 || rc < 0) {
      diag_set(b->d, KQL_ERR_BIND, n->list.v[i]->span, "unknown column '%s' on the %s side of the join",
               lc < 0 ? l : r, lc < 0 ? "left" : "right");
      return NULL;
    }
    ast *kl = ast_new(b->a, AST_NAME, n->list.v[i]->span), *kr = ast_new(b->a, AST_NAME, n->list.v[i]->span);
    kl->name = l, kl->col = lc, kl->type = in->cols[lc].type;
    kr->name = r, kr->col = rc, kr->type = right->cols[rc].type;
    if (kl->type != kr->type && !(val_is_numeric(kl->type) && val_is_numeric(kr->type) &&
                                  kl->type != KQL_T_REAL && kr->type != KQL_T_REAL)) {
      diag_set(b->d, KQL_ERR_TYPE, n->list.v[i]->span,
               "the join key '%s' is %s on the left side and %s on the right side", l,
               type_name(kl->type), type_name(kr->type));
      return NULL;
    }
    mark_used(&in->cols[lc]);
    mark_used(&right->cols[rc]);
    ast_push(b->a, &keys, kl);
    ast_push(b->a, &keys, kr);
  }
  n->by = keys;
  bind_rel *out = rel_new(b, in->n + right->n);
  bool left_cols = k != 6 && k != 8, right_cols = k != 5 && k != 7;
  if (left_cols)
    for (int c = 0; c < in->n; c++) rel_put(out, in->cols[c].name, in->cols[c].type, in->cols[c].src, in->cols[c].src_col);
  if (right_cols)
    for (int c = 0; c < right->n; c++) {
      const bind_col *col = &right->cols[c];
      if (lookup) {
        bool key = false;
        for (int i = 1; i < keys.n; i += 2) key |= keys.v[i]->col == c;
        if (key) continue;
      }
      const char *name = col->name;
      /* a clash takes the first free suffix, free on both sides (Key -> Key1, or Key2
      ** when the right side has its own Key1) */
      for (int j = 1; rel_find(out, name) >= 0 || (j > 1 && rel_find(right, name) >= 0); j++)
        name = arena_printf(b->a, "%s%d", col->name, j);
      rel_put(out, name, col->type, col->src, col->src_col);
    }
  /* every column of both sides is in the output rows */
  for (int c = 0; c < in->n; c++) if (left_cols) mark_used(&in->cols[c]);
  return out;
}

static bind_rel *bind_mvexpand(binder *b, ast *n, bind_rel *in) {
  bind_rel *out = rel_new(b, in->n + n->list.n + 1);
  memcpy(out->cols, in->cols, sizeof(bind_col) * (size_t)in->n);
  out->n = in->n;
  for (int i = 0; i < n->list.n; i++) {
    ast *it = n->list.v[i];
    kql_type t = KQL_T_DYNAMIC;
    if (it->kind == AST_PARAM) { /* item to typeof(T) */
      t = (kql_type)it->op;
      it = it->a;
    }
    ast *e = it->kind == AST_ASSIGN ? it->a : it;
    if (!bind_expr(b, e, in)) return NULL;
    if (e->type != KQL_T_DYNAMIC && e->type != KQL_T_NULL) {
      diag_set(b->d, KQL_ERR_TYPE, e->span, "%s expects a dynamic value, got %s",
               n->kind == AST_MVAPPLY ? "mv-apply" : "mv-expand", type_name(e->type));
      return NULL;
    }
    const char *name = it->kind == AST_ASSIGN ? it->name : expr_name(b, e);
    if (!name) name = arena_printf(b->a, "Column%d", i + 1);
    ast *as = ast_new(b->a, AST_ASSIGN, it->span);
    as->a = e;
    as->name = name;
    as->type = t;
    as->col = rel_put(out, name, t, NULL, 0);
    n->list.v[i] = as;
  }
  if (n->a && !const_count(b, n->a, in, "mv-expand limit")) return NULL;
  const char *idx = option(n, "with_itemindex");
  if (idx) {
    const char *base = idx; /* a name already taken gets a number: i -> i1 */
    for (int k = 1; rel_find(out, idx) >= 0; k++) idx = arena_printf(b->a, "%s%d", base, k);
    n->slot = rel_put(out, idx, KQL_T_LONG, NULL, 0);
  }
  n->name = idx;
  const char *opts[] = {"kind", "bagexpand", "bagexpansion"};
  const char *bag = NULL;
  for (size_t k = 0; k < KQL_ARRAY_LEN(opts); k++) {
    const char *v = option(n, opts[k]);
    if (v && strcmp(v, "bag") != 0 && strcmp(v, "array") != 0) {
      diag_set(b->d, KQL_ERR_BIND, n->span, "%s %s must be bag or array, not '%s'",
               n->kind == AST_MVAPPLY ? "mv-apply" : "mv-expand", opts[k], v);
      return NULL;
    }
    if (v) bag = v;
  }
  n->flags = bag && strcmp(bag, "array") == 0;
  return out;
}

/* mv-apply: the expanded rows of each input row (as mv-expand makes them) go through the
** subquery; the result is the input's columns that the subquery does not return, less the
** columns expanded without a new name, then the subquery's columns. */
static bind_rel *bind_mvapply(binder *b, ast *n, bind_rel *in) {
  /* an item named `x = e` leaves every input column in place (even when e is the column x);
  ** only an unnamed column item replaces its column, as Kusto.Language has it */
  bool *named = arena_alloc(b->a, sizeof(bool) * (size_t)(n->list.n ? n->list.n : 1));
  for (int i = 0; i < n->list.n; i++) {
    const ast *it = n->list.v[i];
    if (it->kind == AST_PARAM) it = it->a;
    named[i] = it->kind == AST_ASSIGN;
  }
  bind_rel *sub_in = bind_mvexpand(b, n, in);
  if (!sub_in) return NULL;
  ast *bottom = n->b;
  while (bottom->in) bottom = bottom->in;
  ast *src = ast_new(b->a, AST_APPLYSRC, n->span);
  src->rel = sub_in;
  bottom->in = src;
  bind_rel *sub_out = bind_tab(b, n->b);
  if (!sub_out) return NULL;
  bind_rel *out = rel_new(b, sub_in->n + sub_out->n);
  ast_list prefix = {0};
  for (int c = 0; c < in->n; c++) {
    bool expanded = false;
    for (int i = 0; i < n->list.n; i++) expanded |= !named[i] && n->list.v[i]->col == c;
    if (expanded || rel_find(sub_out, in->cols[c].name) >= 0) continue;
    ast *p = ast_new(b->a, AST_PARAM, n->span);
    p->col = c;
    ast_push(b->a, &prefix, p);
    rel_put(out, in->cols[c].name, in->cols[c].type, in->cols[c].src, in->cols[c].src_col);
    mark_used(&in->cols[c]);
  }
  for (int c = 0; c < sub_out->n; c++)
    rel_put(out, sub_out->cols[c].name, sub_out->cols[c].type, NULL, 0);
  for (int c = 0; c < sub_in->n; c++) mark_used(&sub_in->cols[c]);
  n->by = prefix;
  return out;
}

/* partition [hint.*=...] by Col (SubQuery): the subquery reads the input's rows of one value
** of Col at a time; the result is its columns. */
static bind_rel *bind_partition(binder *b, ast *n, bind_rel *in) {
  if (!bind_expr(b, n->a, in)) return NULL;
  if (n->a->type == KQL_T_DYNAMIC) {
    diag_set(b->d, KQL_ERR_TYPE, n->a->span, "partition key '%s' cannot be dynamic", n->a->name);
    return NULL;
  }
  ast *bottom = n->b;
  while (bottom->in) bottom = bottom->in;
  ast *src = ast_new(b->a, AST_APPLYSRC, n->span);
  src->rel = in;
  bottom->in = src;
  bind_rel *sub_out = bind_tab(b, n->b);
  if (!sub_out) return NULL;
  for (int c = 0; c < in->n; c++) mark_used(&in->cols[c]);
  return sub_out;
}

static bind_rel *bind_parse(binder *b, ast *n, bind_rel *in) {
  if (!bind_expr(b, n->a, in)) return NULL;
  bind_rel *out = rel_new(b, in->n + n->list.n);
  memcpy(out->cols, in->cols, sizeof(bind_col) * (size_t)in->n);
  out->n = in->n;
  for (int i = 0; i < n->list.n; i++) {
    ast *e = n->list.v[i];
    if (e->kind == AST_STAR && i > 0 && n->list.v[i - 1]->kind == AST_PARAM &&
        n->list.v[i - 1]->op == KQL_T_STRING) {
      fail(b, KQL_ERR_BIND, n->list.v[i - 1]->span, "%s", "* after a string column is ambiguous");
      return NULL;
    }
    if (e->kind != AST_PARAM) continue;
    e->col = rel_put(out, e->name, (kql_type)e->op, NULL, 0);
  }
  const char *kind = option(n, "kind");
  if (kind && strcmp(kind, "simple") && strcmp(kind, "regex") && strcmp(kind, "relaxed")) {
    fail(b, KQL_ERR_BIND, n->span, "parse kind must be simple, regex or relaxed, not '%s'", kind);
    return NULL;
  }
  return out;
}

/* parse-kv Expr as (Col:type, ...) [with (pair_delimiter=..., kv_delimiter=..., quote=...,
** escape=..., greedy=true | regex=...)]: the columns are added (or replace same-named ones);
** each property must be a constant string (greedy a bool). */
static bind_rel *bind_parsekv(binder *b, ast *n, bind_rel *in) {
  if (!bind_expr(b, n->a, in)) return NULL;
  static const char *const props[] = {"pair_delimiter", "kv_delimiter", "quote", "escape", "greedy", "regex"};
  for (int i = 0; i < n->opts.n; i++) {
    ast *o = n->opts.v[i];
    bool known = false;
    for (size_t k = 0; o->kind == AST_ASSIGN && k < KQL_ARRAY_LEN(props) && !known; k++)
      known = strcmp(o->name, props[k]) == 0;
    if (!known) {
      fail(b, KQL_ERR_BIND, o->span, "%s", "parse-kv properties are pair_delimiter, kv_delimiter, quote, escape, greedy and regex");
      return NULL;
    }
    bool greedy = strcmp(o->name, "greedy") == 0;
    if (o->a->kind != AST_LIT || o->a->lit.type != (greedy ? KQL_T_BOOL : KQL_T_STRING) ||
        (!greedy && o->a->lit.u.s.n == 0)) {
      fail(b, KQL_ERR_BIND, o->a->span, greedy ? "parse-kv property '%s' expects true or false"
                                             : "parse-kv property '%s' expects a non-empty string", o->name);
      return NULL;
    }
  }
  bind_rel *out = rel_new(b, in->n + n->list.n);
  memcpy(out->cols, in->cols, sizeof(bind_col) * (size_t)in->n);
  out->n = in->n;
  for (int i = 0; i < n->list.n; i++) {
    ast *e = n->list.v[i];
    if (e->kind != AST_PARAM || !e->name) return NULL; /* find's pack_all(): reported by the parser */
    e->col = rel_put(out, e->name, (kql_type)e->op, NULL, 0);
  }
  return out;
}

/* A name not yet in 'out': 'name', else name1, name2, ... */
static const char *unique_name(binder *b, const bind_rel *out, const char *name) {
  if (rel_find(out, name) < 0) return name;
  for (int k = 1;; k++) {
    const char *t = arena_printf(b->a, "%s%d", name, k);
    if (rel_find(out, t) < 0) return t;
  }
}

/* top-nested [N] of Key [with others = v] by Agg [asc|desc], ...: per level the key column
** (named by its assignment or Kusto's rule for the expression) and the aggregate column
** (named by its assignment, else aggregated_<key>).  The aggregate is one aggregate call. */
static bind_rel *bind_topnested(binder *b, ast *n, bind_rel *in) {
  bind_rel *out = rel_new(b, 2 * n->list.n);
  for (int i = 0; i < n->list.n; i++) {
    ast *lv = n->list.v[i];
    if (lv->by.n && !const_count(b, lv->by.v[0], in, "top-nested")) return NULL;
    ast *key = lv->a->kind == AST_ASSIGN ? lv->a->a : lv->a;
    if (!bind_expr(b, key, in)) return NULL;
    if (key->type == KQL_T_DYNAMIC) {
      fail(b, KQL_ERR_TYPE, key->span, "%s", "cannot group by a dynamic value");
      return NULL;
    }
    const char *kname = lv->a->kind == AST_ASSIGN ? lv->a->name : expr_name(b, key);
    if (!kname) kname = arena_printf(b->a, "Column%d", i + 1);
    kname = unique_name(b, out, kname);
    rel_put(out, kname, key->type, NULL, 0);
    if (lv->c && (!bind_expr(b, lv->c, NULL) || !is_constant(lv->c))) {
      if (!b->d->code) fail(b, KQL_ERR_BIND, lv->c->span, "%s", "the others value of top-nested must be a constant");
      return NULL;
    }
    ast *agg = lv->b->kind == AST_ASSIGN ? lv->b->a : lv->b;
    if (!has_agg(agg)) {
      fail(b, KQL_ERR_BIND, agg->span, "%s", "top-nested expects an aggregate (count(), sum(x), ...) after 'by'");
      return NULL;
    }
    if (!is_agg_call(agg)) {
      fail(b, KQL_ERR_UNSUPPORTED, agg->span, "%s",
           "top-nested by anything but one aggregate call (count(), sum(x), ...) is not supported yet");
      return NULL;
    }
    b->in_summarize = true;
    bool ok = bind_expr(b, agg, in);
    b->in_summarize = false;
    if (!ok) return NULL;
    if (!agg->fn || !(agg->fn->flags & FN_AGG) || (agg->fn->flags & FN_ARGMAX)) {
      fail(b, KQL_ERR_UNSUPPORTED, agg->span, "top-nested by '%s' is not supported yet", agg->name);
      return NULL;
    }
    const char *aname = lv->b->kind == AST_ASSIGN ? lv->b->name : arena_printf(b->a, "aggregated_%s", kname);
    rel_put(out, unique_name(b, out, aname), agg->type, NULL, 0);
  }
  return out;
}

static bool scalar_let(void *ctx, const char *name) {
  let_entry *e = find_let((binder *)ctx, name);
  return e && !e->tabular && !e->func;
}

/* find: its tables (every table with data when none is named), each bound, then the rewrite
** of find.c into a plain union. */
static bind_rel *bind_find(binder *b, ast *n) {
  if (n->list.n == 0) {
    ast *all = ast_new(b->a, AST_STAR, n->span);
    all->name = "*";
    ast_push(b->a, &n->list, all);
  }
  if (!union_sources(b, n, false)) return NULL;
  for (int i = 0; i < n->list.n; i++)
    if (!bind_tab(b, n->list.v[i])) return NULL;
  if (!find_branches(b->a, n, b->d, scalar_let, b)) return NULL;
  return bind_union(b, n);
}

/* database("X").T and cluster(...).database("X").T: the local table T. */
static bool is_dbref(const ast *n) {
  return n->kind == AST_MEMBER && n->a && n->a->kind == AST_CALL && strcmp(n->a->name, "database") == 0;
}

static const char *const schema_types[KQL_T_COUNT_] = {
    "System.Object", "System.SByte", "System.Int32", "System.Int64", "System.Double",
    "System.Data.SqlTypes.SqlDecimal", "System.DateTime", "System.TimeSpan", "System.String",
    "System.Guid", "System.Object"};

KQL_INTERNAL const char *bind_schema_type(kql_type t);
const char *bind_schema_type(kql_type t) { return schema_types[t]; }

static bind_rel *bind_getschema(binder *b, ast *n, bind_rel *in) {
  (void)n;
  bind_rel *out = rel_new(b, 4);
  rel_put(out, "ColumnName", KQL_T_STRING, NULL, 0);
  rel_put(out, "ColumnOrdinal", KQL_T_LONG, NULL, 0);
  rel_put(out, "DataType", KQL_T_STRING, NULL, 0);
  rel_put(out, "ColumnType", KQL_T_STRING, NULL, 0);
  (void)in;
  return out;
}

/* Bind a call of a let function (or a view) 'fe' at 'n': a copy of its body is bound with
** the parameters standing for the arguments.  Returns the body's result node. */
/* The arguments of call 'n' to let function 'f' per parameter (NULL: not given), named
** ones (f(b=2)) put in their parameter's place.  As Kusto: after a named argument out of
** its position every argument must be named.  NULL with the diagnostic on a wrong call. */
static ast **call_args(binder *b, const ast *n, const ast *f, const char *fname) {
  ast **given = arena_alloc(b->a, sizeof(ast *) * (size_t)(f->by.n ? f->by.n : 1));
  int pos = 0;
  bool unordered = false;
  for (int i = 0; i < n->list.n; i++) {
    ast *arg = n->list.v[i];
    if (arg->kind != AST_ASSIGN) {
      if (unordered) {
        fail(b, KQL_ERR_BIND, arg->span, "%s", "all arguments after an unordered named argument must be named");
        return NULL;
      }
      if (pos >= f->by.n) {
        diag_set(b->d, KQL_ERR_BIND, n->span, "function '%s' expects %d argument%s, got %d", fname,
                 f->by.n, f->by.n == 1 ? "" : "s", n->list.n);
        return NULL;
      }
      given[pos++] = arg;
      continue;
    }
    int k = 0;
    while (k < f->by.n && strcmp(f->by.v[k]->name, arg->name) != 0) k++;
    if (k == f->by.n) {
      diag_set(b->d, KQL_ERR_BIND, arg->span, "function '%s' has no parameter '%s'", fname, arg->name);
      return NULL;
    }
    given[k] = arg->a;
    if (k == pos) pos++;
    else unordered = true;
  }
  return given;
}

static ast *expand_call(binder *b, ast *n, let_entry *fe, bind_rel *rel, bool tabular) {
  const ast *f = fe->func;
  ast **given = call_args(b, n, f, fe->name);
  if (!given) return NULL;
  if (b->depth > BIND_MAX_DEPTH / 2) {
    diag_set(b->d, KQL_ERR_BIND, n->span, "function '%s' calls itself too deeply", fe->name);
    return NULL;
  }
  let_entry *saved = b->lets;
  let_entry *scope = fe->next; /* the function sees the lets defined before it */
  for (int i = 0; i < f->by.n; i++) {
    const ast *p = f->by.v[i];
    let_entry *e = arena_alloc(b->a, sizeof *e);
    e->name = p->name;
    e->tabular = p->flags == 1;
    ast *arg = given[i] ? given[i] : (p->a ? ast_clone(b->a, p->a) : NULL);
    if (!arg) {
      diag_set(b->d, KQL_ERR_BIND, n->span, "function '%s' is missing argument '%s'", fe->name, p->name);
      b->lets = saved;
      return NULL;
    }
    b->lets = saved; /* arguments are bound in the caller's scope */
    bool ok = e->tabular ? bind_tab(b, arg) != NULL : bind_expr(b, arg, given[i] ? rel : NULL);
    if (!ok) return NULL;
    e->value = arg;
    e->next = scope;
    scope = e;
  }
  b->lets = scope;
  ast *result = NULL;
  b->depth += 8;
  for (int i = 0; i < f->list.n; i++) {
    ast *st = ast_clone(b->a, f->list.v[i]);
    if (st->kind == AST_LET) {
      let_entry *e = arena_alloc(b->a, sizeof *e);
      e->name = st->name;
      if (st->a->kind == AST_FUNC) {
        e->func = st->a;
      } else {
        e->value = st->a;
        e->tabular = looks_tabular(b, st->a);
        if (e->tabular ? !bind_tab(b, st->a) : !bind_expr(b, st->a, NULL)) goto fail;
      }
      e->next = b->lets;
      b->lets = e;
      continue;
    }
    bool tab = looks_tabular(b, st);
    if (tab != tabular) {
      fail(b, KQL_ERR_BIND, n->span, tabular ? "function '%s' returns a scalar, not a table"
                                             : "function '%s' returns a table, not a scalar", fe->name);
      goto fail;
    }
    if (tab ? !bind_tab(b, st) : !bind_expr(b, st, NULL)) goto fail;
    result = st;
  }
  b->depth -= 8;
  b->lets = saved;
  if (!result) fail(b, KQL_ERR_BIND, n->span, "function '%s' has no result statement", fe->name);
  return result;
fail:
  b->depth -= 8;
  b->lets = saved;
  return NULL;
}

/* evaluate bag_unpack(Col [, Prefix] [, columnsConflict=...] [, ignoredProperties=...]):
** the input's columns but Col, then a column per key of Col's bags.  The keys come from the
** data: the engine's discover callback runs the input once at compile time.  Without one
** (kql check) the result is an open relation. */
static bind_rel *bind_bag_unpack(binder *b, ast *n, bind_rel *in) {
  ast *call = n->a;
  if (call->list.n < 1) {
    fail(b, KQL_ERR_BIND, call->span, "%s", "bag_unpack expects a dynamic column");
    return NULL;
  }
  ast *bag = call->list.v[0];
  if (!bind_expr(b, bag, in)) return NULL;
  const char *prefix = "", *conflict = "error";
  ast *ignored = NULL;
  for (int i = 1; i < call->list.n; i++) {
    ast *a = call->list.v[i];
    if (a->kind == AST_ASSIGN) {
      if (strcmp(a->name, "columnsConflict") == 0 && a->a->kind == AST_LIT && a->a->lit.type == KQL_T_STRING)
        conflict = a->a->lit.u.s.p;
      else if (strcmp(a->name, "ignoredProperties") == 0) ignored = a->a;
      else if (strcmp(a->name, "OutputColumnPrefix") == 0 && a->a->kind == AST_LIT && a->a->lit.type == KQL_T_STRING)
        prefix = a->a->lit.u.s.p;
      continue;
    }
    if (a->kind == AST_LIT && a->lit.type == KQL_T_STRING) prefix = a->lit.u.s.p;
  }
  bind_keys keys = {0};
  bool star = true;
  if (n->flags & 1) {
    /* : (*, Name:type, ...): the declared keys, in their order; '*' keeps the input's columns */
    star = false;
    keys.names = arena_alloc(b->a, sizeof(char *) * (size_t)(n->by.n ? n->by.n : 1));
    keys.types = arena_alloc(b->a, sizeof(kql_type) * (size_t)(n->by.n ? n->by.n : 1));
    for (int i = 0; i < n->by.n; i++) {
      if (n->by.v[i]->kind == AST_STAR) star = true;
      else keys.names[keys.n] = n->by.v[i]->name, keys.types[keys.n++] = (kql_type)n->by.v[i]->op;
    }
  } else if (b->discover && !b->discover(b->discover_ctx, n->in, bag, b->a, &keys, b->d)) {
    return NULL;
  }
  /* the new columns come in name order, as Kusto's bag_unpack gives them (a declared schema
  ** keeps its own order) */
  for (int x = 1; x < keys.n && !(n->flags & 1); x++)
    for (int y = x; y > 0 && strcmp(keys.names[y - 1], keys.names[y]) > 0; y--) {
      const char *tn = keys.names[y];
      kql_type tt = keys.types[y];
      keys.names[y] = keys.names[y - 1], keys.types[y] = keys.types[y - 1];
      keys.names[y - 1] = tn, keys.types[y - 1] = tt;
    }
  bind_rel *out = rel_new(b, in->n + keys.n);
  for (int c = 0; c < in->n && star; c++) {
    if (bag->kind == AST_NAME && bag->col == c) continue;
    rel_put(out, in->cols[c].name, in->cols[c].type, in->cols[c].src, in->cols[c].src_col);
    mark_used(&in->cols[c]);
  }
  int first = out->n;
  ast_list replaced = {0}; /* keys that replace a source column (columnsConflict='replace_source') */
  for (int k = 0; k < keys.n; k++) {
    bool skip = false;
    if (ignored && ignored->kind == AST_LIT && ignored->lit.type == KQL_T_DYNAMIC) {
      const char *q = arena_printf(b->a, "\"%s\"", keys.names[k]);
      skip = strstr(ignored->lit.u.s.p, q) != NULL;
    }
    if (skip) continue;
    const char *name = *prefix ? arena_printf(b->a, "%s%s", prefix, keys.names[k]) : keys.names[k];
    int at = rel_find(out, name);
    if (at >= 0 && at < first) {
      if (strcmp(conflict, "replace_source") == 0) {
        /* the key's values take the source column's place (the reference's example keeps
        ** Name first, then Age) */
        out->cols[at] = (bind_col){name, keys.types[k], NULL, 0};
        ast *p = ast_new(b->a, AST_PARAM, n->span);
        p->name = keys.names[k];
        p->op = keys.types[k];
        p->col = at;
        ast_push(b->a, &replaced, p);
        continue;
      } else if (strcmp(conflict, "keep_source") == 0) {
        continue;
      } else {
        diag_set(b->d, KQL_ERR_RUNTIME, n->span,
                 "bag_unpack: the bag key '%s' clashes with an existing column", name);
        diag_hint(b->d, "%s", "use columnsConflict='replace_source' or 'keep_source', or a prefix");
        return NULL;
      }
    }
    rel_put(out, name, keys.types[k], NULL, 0);
  }
  /* the keys for the operator: names in call->by as AST_PARAMs, col their output column */
  ast_list cols = replaced;
  for (int c = first; c < out->n; c++) {
    ast *p = ast_new(b->a, AST_PARAM, n->span);
    p->name = out->cols[c].name + strlen(prefix);
    p->op = out->cols[c].type;
    p->col = c;
    ast_push(b->a, &cols, p);
  }
  n->by = cols;
  n->slot = first;
  if (!b->discover && !(n->flags & 1)) out->open = true;
  return out;
}

/* A new AST_NAME of column 'name', at 'sp'. */
static ast *name_node(binder *b, const char *name, kql_span sp) {
  ast *e = ast_new(b->a, AST_NAME, sp);
  e->name = name;
  e->col = -1;
  return e;
}

/* Add the column names 'e' refers to to 'l' (for pivot's default columns). */
static void names_in(binder *b, const ast *e, ast_list *l) {
  if (!e) return;
  if (e->kind == AST_NAME) {
    ast_push(b->a, l, (ast *)e);
    return;
  }
  names_in(b, e->a, l);
  names_in(b, e->b, l);
  names_in(b, e->c, l);
  for (int i = 0; i < e->list.n; i++) names_in(b, e->list.v[i], l);
}

/* evaluate pivot(P [, Agg(...)] [, Col, ...]): a row per distinct value of the Cols (by
** default every column but P and those Agg reads), then a column per distinct value of P
** (as a string, in first-seen order) holding Agg over that value's rows.  The binder makes
** the summarize "Agg by Cols, tostring(P)" (kept in n->b), which the pivot operator turns
** on its side; the values of P come from the data, as for bag_unpack. */
static bind_rel *bind_pivot(binder *b, ast *n, bind_rel *in) {
  ast *call = n->a;
  if (call->list.n < 1 || call->list.v[0]->kind != AST_NAME) {
    fail(b, KQL_ERR_BIND, call->span, "%s", "pivot expects the column to pivot on");
    return NULL;
  }
  ast *pcol = call->list.v[0];
  if (!bind_expr(b, pcol, in)) return NULL;
  int next = 1;
  ast *agg = NULL;
  if (call->list.n > 1 && call->list.v[1]->kind == AST_CALL && is_agg_call(call->list.v[1])) {
    agg = call->list.v[1];
    next = 2;
    if (fn_lookup(agg->name)->flags & FN_ARGMAX) {
      fail(b, KQL_ERR_BIND, agg->span, "pivot cannot aggregate with '%s'", agg->name);
      return NULL;
    }
  } else {
    agg = ast_new(b->a, AST_CALL, call->span);
    agg->name = "count";
  }
  ast_list used = {0};
  names_in(b, agg, &used);
  ast *s = ast_new(b->a, AST_SUMMARIZE, n->span);
  s->in = n->in;
  for (int i = next; i < call->list.n; i++) {
    ast *c = call->list.v[i];
    if (c->kind != AST_NAME) {
      fail(b, KQL_ERR_BIND, c->span, "%s", "pivot expects column names after the aggregation");
      return NULL;
    }
    ast_push(b->a, &s->by, name_node(b, c->name, c->span));
  }
  if (next == call->list.n)
    for (int c = 0; c < in->n; c++) {
      bool skip = strcmp(in->cols[c].name, pcol->name) == 0;
      for (int k = 0; k < used.n && !skip; k++) skip = strcmp(used.v[k]->name, in->cols[c].name) == 0;
      if (!skip) ast_push(b->a, &s->by, name_node(b, in->cols[c].name, call->span));
    }
  int ngroup = s->by.n;
  ast *key = ast_new(b->a, AST_CALL, pcol->span);
  key->name = "tostring";
  ast_push(b->a, &key->list, name_node(b, pcol->name, pcol->span));
  ast *keyas = ast_new(b->a, AST_ASSIGN, pcol->span);
  keyas->name = "$pivot_key"; /* no column can have this name */
  keyas->a = key;
  ast_push(b->a, &s->by, keyas);
  ast *val = ast_new(b->a, AST_ASSIGN, agg->span);
  val->name = "$pivot_value";
  val->a = agg;
  ast_push(b->a, &s->list, val);
  bind_rel *mid = bind_summarize(b, s, in);
  if (!mid) return NULL;
  s->rel = mid;
  kql_type vt = mid->cols[mid->n - 1].type;
  /* the values of P: keys of bag_pack(tostring(P), 0) over the input */
  bind_keys keys = {0};
  if (b->discover) {
    ast *bag = ast_new(b->a, AST_CALL, pcol->span), *zero = ast_new(b->a, AST_LIT, pcol->span);
    bag->name = "bag_pack";
    zero->lit = val_long(0);
    zero->type = KQL_T_LONG;
    ast *k2 = ast_new(b->a, AST_CALL, pcol->span);
    k2->name = "tostring";
    ast_push(b->a, &k2->list, name_node(b, pcol->name, pcol->span));
    ast_push(b->a, &bag->list, k2);
    ast_push(b->a, &bag->list, zero);
    if (!bind_expr(b, bag, in)) return NULL;
    if (!b->discover(b->discover_ctx, n->in, bag, b->a, &keys, b->d)) return NULL;
  }
  bind_rel *out = rel_new(b, ngroup + keys.n);
  for (int c = 0; c < ngroup; c++) rel_put(out, mid->cols[c].name, mid->cols[c].type, NULL, 0);
  ast_list cols = {0};
  for (int k = 0; k < keys.n; k++) {
    if (!*keys.names[k]) continue; /* an empty value (or null) makes no column */
    const char *name = keys.names[k];
    for (int j = 1; rel_find(out, name) >= 0; j++) name = arena_printf(b->a, "%s%d", keys.names[k], j);
    ast *p = ast_new(b->a, AST_PARAM, n->span);
    p->name = keys.names[k];
    p->col = rel_put(out, name, vt, NULL, 0);
    ast_push(b->a, &cols, p);
  }
  /* cells without rows: 0 for the counting aggregates and sum (as Kusto shows), else null */
  static const char *const zero_aggs[] = {"count", "countif", "dcount", "dcountif", "sum", "sumif"};
  n->op = 0;
  for (size_t i = 0; i < KQL_ARRAY_LEN(zero_aggs); i++) n->op |= strcmp(agg->name, zero_aggs[i]) == 0;
  n->b = s;
  n->by = cols;
  n->slot = ngroup;
  if (!b->discover) out->open = true;
  return out;
}

/* evaluate ipv4_lookup(LookupTable, SourceIP, LookupRange [, ExtraKey ...]
** [, return_unmatched=bool]): a lookup of each input row's IPv4 address in the table's
** ranges (a.b.c.d or a.b.c.d/prefix), the extra keys equal on both sides.  Output: the
** input's columns, then the table's but its extra keys (a clashing name takes a suffix, as
** join's do).  n->b is the table; n->by holds the key columns as AST_NAME pairs (input,
** table); n->op is 1 with return_unmatched=true. */
static bind_rel *bind_ipv4_lookup(binder *b, ast *n, bind_rel *in) {
  ast *call = n->a;
  ast_list pos = {0};
  n->op = 0;
  for (int i = 0; i < call->list.n; i++) {
    ast *a = call->list.v[i];
    if (a->kind == AST_ASSIGN) {
      if (strcmp(a->name, "return_unmatched") != 0 || a->a->kind != AST_LIT || a->a->lit.type != KQL_T_BOOL) {
        fail(b, KQL_ERR_BIND, a->span, "%s", "ipv4_lookup expects return_unmatched = true or false");
        return NULL;
      }
      n->op = a->a->lit.u.b;
      continue;
    }
    ast_push(b->a, &pos, a);
  }
  /* a trailing bool literal is return_unmatched too */
  if (pos.n > 3 && pos.v[pos.n - 1]->kind == AST_LIT && pos.v[pos.n - 1]->lit.type == KQL_T_BOOL) {
    n->op = pos.v[pos.n - 1]->lit.u.b;
    pos.n--;
  }
  if (pos.n < 3) {
    fail(b, KQL_ERR_BIND, call->span, "%s",
         "ipv4_lookup expects a lookup table, the input's IPv4 column and the table's range column");
    return NULL;
  }
  for (int i = 1; i < pos.n; i++)
    if (pos.v[i]->kind != AST_NAME) {
      fail(b, KQL_ERR_BIND, pos.v[i]->span, "%s", "ipv4_lookup expects a column name here");
      return NULL;
    }
  ast *table = pos.v[0];
  bind_rel *right = bind_tab(b, table);
  if (!right) return NULL;
  ast_list keys = {0};
  for (int i = 1; i < pos.n; i++) {
    const char *name = pos.v[i]->name;
    int lc = i == 2 ? -2 : rel_find(in, name), rc = i == 1 ? -2 : rel_find(right, name);
    if (lc == -1 || rc == -1) {
      diag_set(b->d, KQL_ERR_BIND, pos.v[i]->span, "unknown column '%s' in %s", name,
               lc == -1 ? "the input of ipv4_lookup" : "the lookup table");
      return NULL;
    }
    ast *kl = name_node(b, name, pos.v[i]->span), *kr = name_node(b, name, pos.v[i]->span);
    if (i == 1 || i == 2) { /* the address and the range: strings */
      int c = i == 1 ? lc : rc;
      const bind_col *col = i == 1 ? &in->cols[c] : &right->cols[c];
      if (col->type != KQL_T_STRING && col->type != KQL_T_DYNAMIC) {
        diag_set(b->d, KQL_ERR_TYPE, pos.v[i]->span, "ipv4_lookup expects '%s' to be a string column", name);
        return NULL;
      }
    }
    kl->col = lc;
    kr->col = rc;
    if (lc >= 0) mark_used(&in->cols[lc]), kl->type = in->cols[lc].type;
    if (rc >= 0) mark_used(&right->cols[rc]), kr->type = right->cols[rc].type;
    if (i > 2 && kl->type != kr->type &&
        !(val_is_numeric(kl->type) && val_is_numeric(kr->type) && kl->type != KQL_T_REAL && kr->type != KQL_T_REAL)) {
      diag_set(b->d, KQL_ERR_TYPE, pos.v[i]->span,
               "the key '%s' is %s in the input and %s in the lookup table", name,
               type_name(kl->type), type_name(kr->type));
      return NULL;
    }
    ast_push(b->a, &keys, kl);
    ast_push(b->a, &keys, kr);
  }
  n->by = keys;
  n->b = table;
  bind_rel *out = rel_new(b, in->n + right->n);
  for (int c = 0; c < in->n; c++) {
    rel_put(out, in->cols[c].name, in->cols[c].type, in->cols[c].src, in->cols[c].src_col);
    mark_used(&in->cols[c]);
  }
  for (int c = 0; c < right->n; c++) {
    const bind_col *col = &right->cols[c];
    bool key = false;
    for (int i = 5; i < keys.n; i += 2) key |= keys.v[i]->col == c;
    if (key) continue;
    mark_used(&right->cols[c]);
    const char *name = col->name;
    for (int j = 1; rel_find(out, name) >= 0 || (j > 1 && rel_find(right, name) >= 0); j++)
      name = arena_printf(b->a, "%s%d", col->name, j);
    rel_put(out, name, col->type, col->src, col->src_col);
  }
  return out;
}

/* _GetWatchlist('alias'): a CSV file in a data folder; its columns are SearchKey and
** WatchlistItem, then the file's header columns as strings. */
static bind_rel *bind_watchlist(binder *b, ast *n) {
  if (n->list.n != 1 || n->list.v[0]->kind != AST_LIT || n->list.v[0]->lit.type != KQL_T_STRING) {
    fail(b, KQL_ERR_BIND, n->span, "%s", "_GetWatchlist expects the watchlist alias as a string");
    return NULL;
  }
  const char *alias = arena_strndup(b->a, n->list.v[0]->lit.u.s.p, n->list.v[0]->lit.u.s.n);
  const char *path = cat_watchlist(b->cat, alias);
  if (!path) {
    diag_set(b->d, KQL_ERR_IO, n->span, "no watchlist '%s'", alias);
    diag_hint(b->d, "put its CSV export in a --data folder as watchlists/%s.csv", alias);
    return NULL;
  }
  csvrd *r = csvrd_open(path, ',', b->d);
  if (!r) return NULL;
  char **f;
  size_t *len;
  int nf = 0;
  int rc = csvrd_next(r, &f, &len, &nf, b->d);
  if (rc <= 0) {
    csvrd_close(r);
    if (rc == 0) diag_nospan(b->d, KQL_ERR_IO, "watchlist file '%s' has no header line", path);
    return NULL;
  }
  bind_rel *out = rel_new(b, nf + 2);
  rel_put(out, "SearchKey", KQL_T_STRING, NULL, 0);
  rel_put(out, "WatchlistItem", KQL_T_DYNAMIC, NULL, 0);
  n->op = 0;
  for (int i = 0; i < nf; i++) {
    const char *name = arena_strndup(b->a, f[i], len[i]);
    if (strcmp(name, "SearchKey") == 0) n->op = i;
    if (rel_find(out, name) < 0) rel_put(out, name, KQL_T_STRING, NULL, 0);
  }
  csvrd_close(r);
  n->kind = AST_EXTERNALDATA;
  n->flags = 1;
  n->name = path;
  return out;
}

/* A call in tabular position: a let function, materialize(), table(), _GetWatchlist(). */
static bind_rel *bind_tab_call(binder *b, ast *n) {
  let_entry *fe = find_let(b, n->name);
  if (fe && fe->func) {
    ast *body = expand_call(b, n, fe, NULL, true);
    if (!body) return NULL;
    n->kind = AST_TABLE;
    n->let = body;
    return body->rel;
  }
  if (strcmp(n->name, "materialize") == 0 && n->list.n == 1) {
    bind_rel *r = bind_tab(b, n->list.v[0]);
    if (!r) return NULL;
    n->kind = AST_TABLE;
    n->let = n->list.v[0];
    return r;
  }
  if (strcmp(n->name, "table") == 0 && n->list.n >= 1) {
    /* table('Name') or table(name) where name is a string let */
    const ast *arg = n->list.v[0];
    if (arg->kind == AST_NAME) {
      let_entry *e = find_let(b, arg->name);
      if (e && !e->tabular && !e->func) arg = e->value;
    }
    if (arg->kind == AST_LIT && arg->lit.type == KQL_T_STRING) {
      n->kind = AST_NAME;
      n->name = arena_strndup(b->a, arg->lit.u.s.p, arg->lit.u.s.n);
      return bind_source(b, n);
    }
    fail(b, KQL_ERR_BIND, n->span, "%s", "table() expects a constant table name");
    return NULL;
  }
  if (strcmp(n->name, "_GetWatchlist") == 0) return bind_watchlist(b, n);
  if (fn_lookup(n->name) || fn_known_unsupported(n->name)) {
    diag_set(b->d, fn_lookup(n->name) ? KQL_ERR_BIND : KQL_ERR_UNSUPPORTED, n->span,
             fn_lookup(n->name) ? "'%s' is a scalar function, not a table"
                                : "function '%s' is not supported yet", n->name);
    return NULL;
  }
  diag_set(b->d, KQL_ERR_BIND, n->span, "unknown function '%s'", n->name);
  return NULL;
}

static bind_rel *bind_tab_inner(binder *b, ast *n) {
  if (is_dbref(n)) {
    n->kind = AST_NAME;
    n->a = NULL;
  }
  if (n->kind == AST_NAME) {
    let_entry *fe = find_let(b, n->name);
    if (fe && fe->func && (fe->func->flags || fe->func->by.n == 0)) {
      /* a view, or a function without parameters, used by its name */
      ast *body = expand_call(b, n, fe, NULL, true);
      if (!body) return NULL;
      n->kind = AST_TABLE;
      n->let = body;
      return body->rel;
    }
    return bind_source(b, n);
  }
  if ((n->kind == AST_TABLE || n->kind == AST_APPLYSRC) && n->rel) return n->rel;
  if (n->kind == AST_CALL) return bind_tab_call(b, n);
  if (!bind_is_tabular(n) || n->kind == AST_TABLE) {
    fail(b, KQL_ERR_BIND, n->span, "%s", "expected a table or a tabular expression here");
    return NULL;
  }
  switch (n->kind) { /* sources */
  case AST_PRINT: return bind_print(b, n);
  case AST_DATATABLE: return bind_datatable(b, n);
  case AST_RANGE: return bind_range(b, n);
  case AST_EXTERNALDATA: {
    for (int i = 0; i < n->list.n; i++)
      if (n->list.v[i]->kind != AST_LIT || n->list.v[i]->lit.type != KQL_T_STRING) {
        fail(b, KQL_ERR_BIND, n->list.v[i]->span, "%s", "externaldata expects string URLs");
        return NULL;
      }
    return declared_columns(b, &n->by);
  }
  case AST_UNION:
    if (n->flags & FIND_UNION) return bind_find(b, n);
    if (!n->in) return bind_union(b, n);
    break;
  case AST_EVALUATE:
    if (!n->in) {
      fail(b, KQL_ERR_UNSUPPORTED, n->a->span, "plugin '%s' is not supported yet", n->a->name);
      return NULL;
    }
    break;
  default: break;
  }
  if (n->kind == AST_UNION) return bind_union(b, n);
  if (n->kind == AST_WHERE && (n->flags & FIND_SEARCH) && n->b) {
    /* search: its union reads the piped input, if any, instead of every table */
    ast *u = n->b;
    if (n->in) {
      u->list = (ast_list){0};
      ast_push(b->a, &u->list, n->in);
    }
    n->in = u;
    n->b = NULL;
  }
  bind_rel *in = bind_tab(b, n->in);
  if (!in) return NULL;
  bind_rel *out = NULL;
  switch (n->kind) {
  case AST_JOIN:
  case AST_LOOKUP: out = bind_join(b, n, in); break;
  case AST_PROJECT_AWAY: out = bind_project_away(b, n, in, false); break;
  case AST_PROJECT_KEEP: out = bind_project_away(b, n, in, true); break;
  case AST_PROJECT_RENAME: out = bind_project_rename(b, n, in); break;
  case AST_PROJECT_REORDER: out = bind_project_reorder(b, n, in); break;
  case AST_MVEXPAND: out = bind_mvexpand(b, n, in); break;
  case AST_MVAPPLY: out = bind_mvapply(b, n, in); break;
  case AST_PARTITION: out = bind_partition(b, n, in); break;
  case AST_PARSE: out = bind_parse(b, n, in); break;
  case AST_PARSEKV: out = bind_parsekv(b, n, in); break;
  case AST_TOPNESTED: out = bind_topnested(b, n, in); break;
  case AST_GETSCHEMA: out = bind_getschema(b, n, in); break;
  case AST_RENDER: {
    static const char *const kinds[] = {
        "table", "list", "barchart", "columnchart", "areachart", "linechart", "piechart",
        "scatterchart", "timechart", "anomalychart", "card", "pivotchart", "ladderchart",
        "timepivot", "3Dchart", "stackedareachart", "treemap", "sankey", "plotly", "graph"};
    bool known = false;
    for (size_t k = 0; k < KQL_ARRAY_LEN(kinds) && !known; k++) known = strcmp(kinds[k], n->name) == 0;
    if (!known) {
      fail(b, KQL_ERR_BIND, n->a ? n->a->span : n->span, "unknown render kind '%s'", n->name);
      return NULL;
    }
    out = in;
    break;
  }
  case AST_AS: {
    /* the name stands for this tabular input in the rest of the query */
    let_entry *e = arena_alloc(b->a, sizeof *e);
    e->name = n->name;
    e->value = n->in;
    e->tabular = true;
    e->next = b->lets;
    b->lets = e;
    out = in;
    break;
  }
  case AST_SERIALIZE:
    b->window = false;
    out = rel_new(b, in->n + n->list.n);
    memcpy(out->cols, in->cols, sizeof(bind_col) * (size_t)in->n);
    out->n = in->n;
    if (!bind_items(b, n, in, out, true)) return NULL;
    if (b->window) n->flags |= 0x400;
    break;
  case AST_SAMPLE:
    if (!const_count(b, n->a, in, "sample")) return NULL;
    out = in;
    break;
  case AST_INVOKE: {
    ast *call = n->a;
    let_entry *fe = find_let(b, call->name);
    if (!fe || !fe->func) {
      fail(b, KQL_ERR_BIND, call->span, "invoke expects a tabular function, not '%s'", call->name);
      return NULL;
    }
    /* the input is the function's first (tabular) argument */
    ast_list args = {0};
    ast_push(b->a, &args, n->in);
    for (int i = 0; i < call->list.n; i++) ast_push(b->a, &args, call->list.v[i]);
    call->list = args;
    ast *body = expand_call(b, call, fe, NULL, true);
    if (!body) return NULL;
    n->let = body;
    out = body->rel;
    break;
  }
  case AST_EVALUATE:
    if (strcmp(n->a->name, "bag_unpack") == 0) {
      out = bind_bag_unpack(b, n, in);
      break;
    }
    if (n->flags & 1) {
      fail(b, KQL_ERR_UNSUPPORTED, n->a->span, "an output schema for plugin '%s' is not supported yet", n->a->name);
      return NULL;
    }
    if (strcmp(n->a->name, "pivot") == 0) {
      out = bind_pivot(b, n, in);
      break;
    }
    if (strcmp(n->a->name, "ipv4_lookup") == 0) {
      out = bind_ipv4_lookup(b, n, in);
      break;
    }
    fail(b, KQL_ERR_UNSUPPORTED, n->a->span, "plugin '%s' is not supported yet", n->a->name);
    return NULL;
  case AST_WHERE:
    b->window = false;
    find_search_predicate(b->a, &n->a, in, n->flags & (FIND_SEARCH | FIND_CASE_SENSITIVE));
    if (!bind_expr(b, n->a, in)) return NULL;
    if (b->window) n->flags |= 0x400; /* row_number/prev/next: test over all rows at once */
    if (n->a->type != KQL_T_BOOL && n->a->type != KQL_T_NULL && n->a->type != KQL_T_DYNAMIC) {
      diag_set(b->d, KQL_ERR_TYPE, n->a->span, "where expects a bool predicate, got %s",
               type_name(n->a->type));
      return NULL;
    }
    out = in;
    if (n->in->kind == AST_JOIN) push_where_into_join(n);
    break;
  case AST_PROJECT:
    b->window = false;
    if (!expand_outputs(b, n)) return NULL;
    out = rel_new(b, n->list.n);
    if (!bind_items(b, n, in, out, false)) return NULL;
    if (b->window) n->flags |= 0x400; /* row_number/prev/next: run over all rows at once */
    break;
  case AST_EXTEND:
    b->window = false;
    if (!expand_outputs(b, n)) return NULL;
    out = rel_new(b, in->n + n->list.n);
    memcpy(out->cols, in->cols, sizeof(bind_col) * (size_t)in->n);
    out->n = in->n;
    if (!bind_items(b, n, in, out, true)) return NULL;
    if (b->window) n->flags |= 0x400;
    break;
  case AST_SUMMARIZE: out = bind_summarize(b, n, in); break;
  case AST_MAKESERIES: out = bind_makeseries(b, n, in); break;
  case AST_TAKE:
    if (!const_count(b, n->a, in, n->kind == AST_TAKE ? "take" : "top")) return NULL;
    out = in;
    break;
  case AST_TOP:
    if (!const_count(b, n->a, in, "top")) return NULL;
    /* fall through */
  case AST_SORT:
    for (int i = 0; i < n->list.n; i++) {
      if (!bind_expr(b, n->list.v[i]->a, in)) return NULL;
      if (n->list.v[i]->a->type == KQL_T_DYNAMIC) {
        fail(b, KQL_ERR_TYPE, n->list.v[i]->a->span, "%s", "cannot sort by a dynamic value");
        return NULL;
      }
    }
    out = in;
    break;
  case AST_COUNT:
    out = rel_new(b, 1);
    rel_put(out, "Count", KQL_T_LONG, NULL, 0);
    break;
  case AST_DISTINCT:
    if (n->list.n == 1 && n->list.v[0]->kind == AST_STAR) {
      out = in;
      for (int i = 0; i < in->n; i++) {
        mark_used(&in->cols[i]);
        if (in->cols[i].type == KQL_T_DYNAMIC) {
          kql_span star = {n->span.end - 1, n->span.end};
          fail(b, KQL_ERR_TYPE, star, "%s", "cannot group by a dynamic value");
          return NULL;
        }
      }
    } else {
      out = rel_new(b, n->list.n);
      if (!bind_items(b, n, in, out, false)) return NULL;
      for (int i = 0; i < n->list.n; i++)
        if (n->list.v[i]->type == KQL_T_DYNAMIC) {
          fail(b, KQL_ERR_TYPE, n->list.v[i]->a->span, "%s", "cannot group by a dynamic value");
          return NULL;
        }
    }
    break;
  default: return NULL;
  }
  return out;
}

/* True when the bound predicate 'e' reads only the first 'nleft' columns of its input and
** scalar lets: no subquery, no window function (the caller checks b->window). */
static bool reads_left_only(const ast *e, int nleft) {
  if (!e) return true;
  if (e->kind < AST_LIT || e->kind == AST_STAR) return false; /* a subquery, or * */
  if (e->kind == AST_NAME) {
    if (e->col >= 0) return e->col < nleft;
    return e->let != NULL && !bind_is_tabular(e->let);
  }
  if (e->kind == AST_CALL && (e->fn == NULL || (e->fn->flags & (FN_AGG | FN_WINDOW)))) return false;
  if (!reads_left_only(e->a, nleft) || !reads_left_only(e->b, nleft) || !reads_left_only(e->c, nleft))
    return false;
  for (int i = 0; i < e->list.n; i++)
    if (!reads_left_only(e->list.v[i], nleft)) return false;
  return true;
}

/* 'w' is a where bound over the join 'w->in'.  When its predicate reads only the join's left
** columns, run it on the left side, before the join: Kusto does so ("the filter is propagated
** to the left side of the join"), and with innerunique, the default, that decides which left
** row of a key is kept: `t1 | join t2 on key | where value == "v"` keeps a row whose value is
** "v".  For inner, leftouter, leftsemi and leftanti it changes nothing but the work done.
** The two nodes swap contents, so whatever points at 'w' now points at the join. */
static void push_where_into_join(ast *w) {
  ast *j = w->in;
  int k = j->op;
  if (j->kind != AST_JOIN || (k != 0 && k != 1 && k != 2 && k != 5 && k != 7) ||
      (w->flags & (FIND_SEARCH | 0x400)) || !j->in || !j->in->rel)
    return;
  if (!reads_left_only(w->a, j->in->rel->n)) return;
  ast join = *j, where = *w;
  *w = join;
  *j = where;
  j->in = join.in; /* left input -> where -> join */
  j->rel = join.in->rel;
  w->in = j;
}

static bind_rel *bind_tab(binder *b, ast *n) {
  if (++b->depth > BIND_MAX_DEPTH) {
    diag_set(b->d, KQL_ERR_SYNTAX, n->span, "query is nested too deeply");
    return NULL;
  }
  bind_rel *r = bind_tab_inner(b, n);
  b->depth--;
  if (r) n->rel = r;
  return r;
}

/* A statement or let value is tabular when it is an operator, or a name that is a table or
** a tabular let (and not a column-free scalar let). */
static bool looks_tabular(binder *b, const ast *n) {
  if (bind_is_tabular(n) || is_dbref(n)) return true;
  if (n->kind == AST_CALL) {
    let_entry *e = find_let(b, n->name);
    if (e && e->func) {
      const ast *last = e->func->list.n ? e->func->list.v[e->func->list.n - 1] : NULL;
      return last && (bind_is_tabular(last) || last->kind == AST_NAME || last->kind == AST_CALL) &&
             !(last->kind == AST_CALL && fn_lookup(last->name)) &&
             !(last->kind == AST_NAME && find_let(b, last->name) && !find_let(b, last->name)->tabular && !find_let(b, last->name)->func) &&
             !(last->kind == AST_NAME && e->func->by.n && !e->func->by.v[0]->flags && strcmp(last->name, e->func->by.v[0]->name) == 0);
    }
    return strcmp(n->name, "materialize") == 0 || strcmp(n->name, "table") == 0;
  }
  if (n->kind != AST_NAME) return false;
  let_entry *e = find_let(b, n->name);
  if (e && e->func && e->func->by.n == 0 && !e->func->flags) {
    ast call = *n;
    call.kind = AST_CALL;
    return looks_tabular(b, &call);
  }
  if (e) return e->tabular || (e->func && e->func->flags);
  return true; /* a bare name at statement level is a table */
}

ast *bind_query(arena *a, catalog *c, ast *q, bind_discover_fn discover, void *discover_ctx,
                kql_diag *d) {
  binder b = {.a = a, .cat = c, .d = d, .discover = discover, .discover_ctx = discover_ctx,
              .timewin = cat_window(c)};
  ast *result = NULL;
  for (int i = 0; i < q->list.n; i++) {
    ast *s = q->list.v[i];
    if (s->kind == AST_LET) {
      let_entry *e = arena_alloc(a, sizeof *e);
      e->name = s->name;
      if (s->a->kind == AST_FUNC) {
        e->func = s->a;
        e->next = b.lets;
        b.lets = e;
        continue;
      }
      e->value = s->a;
      e->tabular = looks_tabular(&b, s->a);
      if (e->tabular ? !bind_tab(&b, s->a) : !bind_expr(&b, s->a, NULL)) return NULL;
      if (!e->tabular && !is_constant(s->a)) {
        diag_set(d, KQL_ERR_BIND, s->a->span, "%s", "a scalar let cannot refer to columns");
        return NULL;
      }
      e->next = b.lets;
      b.lets = e;
      continue;
    }
    if (!looks_tabular(&b, s)) {
      diag_set(d, KQL_ERR_BIND, s->span, "%s",
               "a scalar expression is not a query; to show a value, use 'print'");
      return NULL;
    }
    if (!bind_tab(&b, s)) return NULL;
    result = s;
  }
  if (!result) {
    /* only lets: Kusto accepts it and returns nothing; kql returns an empty table */
    result = ast_new(a, AST_PRINT, q->span);
    result->rel = arena_alloc(a, sizeof(bind_rel));
    result->rel->cols = arena_alloc(a, sizeof(bind_col));
    result->flags = 1; /* no row */
  }
  /* Every column the result shows must be read. */
  for (int i = 0; i < result->rel->n; i++) mark_used(&result->rel->cols[i]);
  return result;
}

void bind_set_window(catalog *c, const int64_t *window) { cat_set_window(c, window); }
