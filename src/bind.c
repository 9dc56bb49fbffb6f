/*
** bind.c: resolves names and types over a parsed query (see bind.h).  Walks statements in
** order, keeping 'let' names in an environment; each tabular node gets the relation it
** produces and each expression its type.  Errors carry the span of the offending name.
*/
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bind.h"
#include "func/func.h"

#define BIND_MAX_DEPTH 400 /* nesting beyond this is an error, not a stack overflow */

typedef struct let_entry {
  const char *name;    /* the let name */
  ast *value;          /* its bound value */
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
} binder;

static bool bind_expr(binder *b, ast *n, bind_rel *rel);
static bind_rel *bind_tab(binder *b, ast *n);

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
  case AST_DISTINCT: return true;
  default: return false;
  }
}

static let_entry *find_let(binder *b, const char *name) {
  for (let_entry *e = b->lets; e; e = e->next)
    if (strcmp(e->name, name) == 0) return e;
  return NULL;
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
  case AST_NAME: return n->name;
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
    if (n->fn->naming == FN_NAME_ARG) return arg;
    if (n->fn->naming == FN_NAME_PREFIX) return arena_printf(b->a, "%s_%s", n->fn->prefix, arg ? arg : "");
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
  if (name) {
    const char *base = name;
    for (int k = 1; rel_find(out, name) >= 0 || (in && rel_find(in, name) >= 0); k++)
      name = arena_printf(b->a, "%s%d", base, k);
    return name;
  }
  do name = arena_printf(b->a, "Column%d", ++*ncol);
  while (rel_find(out, name) >= 0 || (in && rel_find(in, name) >= 0));
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

static bool bind_name(binder *b, ast *n, bind_rel *rel) {
  int i = rel ? rel_find(rel, n->name) : -1;
  if (i >= 0) {
    n->col = i;
    n->type = rel->cols[i].type;
    mark_used(&rel->cols[i]);
    return true;
  }
  let_entry *e = find_let(b, n->name);
  if (e && !e->tabular) {
    n->let = e->value;
    n->type = e->value->type;
    return true;
  }
  if (e && e->tabular)
    return fail(b, KQL_ERR_BIND, n->span, "'%s' is a tabular expression, not a scalar value", n->name);
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
  const fn_def *f = fn_lookup(n->name);
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
      if (bind_is_tabular(n->list.v[i]))
        ok = fail(b, KQL_ERR_UNSUPPORTED, n->list.v[i]->span, "%s",
                  "a tabular expression inside 'in' is not supported yet");
      else
        ok = bind_expr(b, n->list.v[i], rel);
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
    const char *const *names = cat_names(b->cat, &k);
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
  return r;
}

/* Bind the items of project/extend/distinct into 'out'. */
static bool bind_items(binder *b, ast *n, bind_rel *in, bind_rel *out, bool extend) {
  int ncol = 0;
  for (int i = 0; i < n->list.n; i++) {
    ast *it = n->list.v[i];
    ast *e = it->kind == AST_ASSIGN ? it->a : it;
    if (!bind_expr(b, e, in)) return false;
    const char *name = item_name(b, it, out, extend ? in : NULL, &ncol);
    if (!name) return false;
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

/* Bind the by-keys or aggregates of summarize, one list, into 'out'. */
static bool bind_group_items(binder *b, ast_list *l, bind_rel *in, bind_rel *out, int *ncol,
                             bool aggs) {
  for (int i = 0; i < l->n; i++) {
    ast *it = l->v[i];
    ast *e = it->kind == AST_ASSIGN ? it->a : it;
    if (aggs) {
      const fn_def *f = e->kind == AST_CALL ? fn_lookup(e->name) : NULL;
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
      b->in_summarize = true;
    }
    bool ok = bind_expr(b, e, in);
    b->in_summarize = false;
    if (!ok) return false;
    const char *name = item_name(b, it, out, NULL, ncol);
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

static bind_rel *bind_summarize(binder *b, ast *n, bind_rel *in) {
  bind_rel *out = rel_new(b, n->list.n + n->by.n);
  int ncol = 0;
  b->nslots = 0;
  if (!bind_group_items(b, &n->by, in, out, &ncol, false)) return NULL;
  if (!bind_group_items(b, &n->list, in, out, &ncol, true)) return NULL;
  n->slot = b->nslots;
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

static bind_rel *bind_tab_inner(binder *b, ast *n) {
  if (n->kind == AST_NAME) return bind_source(b, n);
  if (!bind_is_tabular(n) || n->kind == AST_TABLE) {
    fail(b, KQL_ERR_BIND, n->span, "%s", "expected a table or a tabular expression here");
    return NULL;
  }
  bind_rel *in = bind_tab(b, n->in);
  if (!in) return NULL;
  bind_rel *out = NULL;
  switch (n->kind) {
  case AST_WHERE:
    if (!bind_expr(b, n->a, in)) return NULL;
    if (n->a->type != KQL_T_BOOL && n->a->type != KQL_T_NULL && n->a->type != KQL_T_DYNAMIC) {
      diag_set(b->d, KQL_ERR_TYPE, n->a->span, "where expects a bool predicate, got %s",
               type_name(n->a->type));
      return NULL;
    }
    out = in;
    break;
  case AST_PROJECT:
    out = rel_new(b, n->list.n);
    if (!bind_items(b, n, in, out, false)) return NULL;
    break;
  case AST_EXTEND:
    out = rel_new(b, in->n + n->list.n);
    memcpy(out->cols, in->cols, sizeof(bind_col) * (size_t)in->n);
    out->n = in->n;
    if (!bind_items(b, n, in, out, true)) return NULL;
    break;
  case AST_SUMMARIZE: out = bind_summarize(b, n, in); break;
  case AST_TAKE:
    if (!const_count(b, n->a, in, n->kind == AST_TAKE ? "take" : "top")) return NULL;
    out = in;
    break;
  case AST_TOP:
    if (!const_count(b, n->a, in, "top")) return NULL;
    /* fall through */
  case AST_SORT:
    for (int i = 0; i < n->list.n; i++)
      if (!bind_expr(b, n->list.v[i]->a, in)) return NULL;
    out = in;
    break;
  case AST_COUNT:
    out = rel_new(b, 1);
    rel_put(out, "Count", KQL_T_LONG, NULL, 0);
    break;
  case AST_DISTINCT:
    if (n->list.n == 1 && n->list.v[0]->kind == AST_STAR) {
      out = in;
      for (int i = 0; i < in->n; i++) mark_used(&in->cols[i]);
    } else {
      out = rel_new(b, n->list.n);
      if (!bind_items(b, n, in, out, false)) return NULL;
    }
    break;
  default: return NULL;
  }
  return out;
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
  if (bind_is_tabular(n)) return true;
  if (n->kind != AST_NAME) return false;
  let_entry *e = find_let(b, n->name);
  if (e) return e->tabular;
  return true; /* a bare name at statement level is a table */
}

ast *bind_query(arena *a, catalog *c, ast *q, kql_diag *d) {
  binder b = {a, c, d, NULL, 0, false, 0};
  ast *result = NULL;
  for (int i = 0; i < q->list.n; i++) {
    ast *s = q->list.v[i];
    if (s->kind == AST_LET) {
      let_entry *e = arena_alloc(a, sizeof *e);
      e->name = s->name;
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
      diag_set(d, KQL_ERR_UNSUPPORTED, s->span, "%s",
               "a scalar statement is not a query; 'print' is not supported yet");
      return NULL;
    }
    if (!bind_tab(&b, s)) return NULL;
    result = s;
  }
  if (!result) {
    diag_set(d, KQL_ERR_SYNTAX, q->span, "%s", "the query has no tabular statement to run");
    return NULL;
  }
  /* Every column the result shows must be read. */
  for (int i = 0; i < result->rel->n; i++) mark_used(&result->rel->cols[i]);
  return result;
}
