/*
** rawfilter.c: the literals that a chain of wheres straight over a table scan needs in every
** row it keeps, for the scan's raw-text filter (jsfilter, jsonscan.h): with
**   T | where Timestamp > ago(1d) | where Company has 'GlavSoft' and Product has 'TightVNC'
** the scan skips, unread, the rows whose text holds no "glavsoft" (or no "tightvnc").
** Only conjuncts of the form <string column> OP <string literal> count, OP one of has,
** contains, startswith, endswith, hasprefix, hassuffix (and their _cs forms), == and =~:
** each can be true only when the column's text holds the literal.  Nothing is planned when a
** predicate of the chain could stop the query on a row (a 'matches regex' over its match
** limit, a subquery) or depends on the rows around it (row_number(), prev()), under --strict
** (every value is checked) and under explain --analyze and --why (they count and number the
** rows a scan reads).
** Environment: KQL_RAWFILTER=0 turns the filter off (for comparisons).
*/
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "jsonscan.h"
#include "rawfilter.h"

#define MAX_LITS 16 /* literals kept at most (the longest first) */

/* Can the rows a predicate drops be dropped earlier without changing the run?  False for a
** node whose evaluation can fail or that looks at other rows. */
static bool pure(const ast *n) {
  if (n == NULL) return true;
  switch (n->kind) {
  case AST_LIT: return true;
  case AST_NAME: return n->let == NULL || pure(n->let);
  case AST_CALL:
    if (n->let) return pure(n->let);
    if (n->fn == NULL || (n->fn->flags & FN_WINDOW)) return false; /* a subquery; a window */
    break;
  case AST_INLIST:
    for (int i = 0; i < n->list.n; i++)
      if (n->list.v[i]->kind != AST_LIT) return false; /* (a subquery, or computed) */
    return pure(n->a);
  case AST_BINARY:
    if (n->op == OP_MATCHES) return false;
    break;
  case AST_UNARY:
  case AST_BETWEEN:
  case AST_MEMBER:
  case AST_INDEX: break;
  default: return false;
  }
  for (int i = 0; i < n->list.n; i++)
    if (!pure(n->list.v[i])) return false;
  return pure(n->a) && pure(n->b) && pure(n->c);
}

/* The string literal that 'n' is (through a scalar let), or NULL. */
static const kql_value *string_lit(const ast *n) {
  while (n->kind == AST_NAME && n->let) n = n->let;
  if (n->kind != AST_LIT || n->lit.type != KQL_T_STRING || n->lit.isnull) return NULL;
  return &n->lit;
}

/* Is 'n' a column of the scan 'sc' of string type (not a let)? */
static bool scan_string_col(const ast *n, const ast *where, const bind_scan *sc) {
  if (n->kind != AST_NAME || n->let || n->col < 0 || where->in->rel == NULL ||
      n->col >= where->in->rel->n)
    return false;
  const bind_col *c = &where->in->rel->cols[n->col];
  return c->src == sc && c->type == KQL_T_STRING && c->src_col >= 0 &&
         c->src_col < sc->table->ncols && sc->table->cols[c->src_col].type == KQL_T_STRING;
}

/* Add the literals that conjunct tree 'n' of 'where' needs to lits[*n]. */
static void collect(const ast *n, const ast *where, const bind_scan *sc, jscan_lit *lits,
                    int *nlits) {
  if (n->kind != AST_BINARY) return;
  if (n->op == OP_AND) {
    collect(n->a, where, sc, lits, nlits);
    collect(n->b, where, sc, lits, nlits);
    return;
  }
  bool icase;
  switch (n->op) {
  case OP_HAS:
  case OP_CONTAINS:
  case OP_STARTSWITH:
  case OP_ENDSWITH:
  case OP_HASPREFIX:
  case OP_HASSUFFIX:
  case OP_EQ_CI: icase = true; break;
  case OP_HAS_CS:
  case OP_CONTAINS_CS:
  case OP_STARTSWITH_CS:
  case OP_ENDSWITH_CS:
  case OP_HASPREFIX_CS:
  case OP_HASSUFFIX_CS:
  case OP_EQ: icase = false; break;
  default: return;
  }
  const ast *col = n->a, *lit = n->b;
  if ((n->op == OP_EQ || n->op == OP_EQ_CI) && !scan_string_col(col, where, sc)) {
    col = n->b; /* 'literal' == Column */
    lit = n->a;
  }
  const kql_value *v = string_lit(lit);
  if (!v || !scan_string_col(col, where, sc) || !jscan_lit_ok(v->u.s.p, v->u.s.n)) return;
  if (*nlits < MAX_LITS) lits[(*nlits)++] = (jscan_lit){v->u.s.p, v->u.s.n, icase};
}

void rawf_plan(exec_ctx *x, const ast *where) {
  const ast *t = where;
  while (t->kind == AST_WHERE) t = t->in;
  if (t->kind != AST_TABLE || t->let || t->scan == NULL || x->rawf_table == t) return;
  if (x->strict ||
      (x->an && (x->an->all || x->an->keep_rows || x->an->trace_src || x->an->locate_src)))
    return; /* (progress reports alone keep the filter) */
  const char *env = getenv("KQL_RAWFILTER");
  if (env && strcmp(env, "0") == 0) return;
  jscan_lit lits[MAX_LITS];
  int n = 0;
  for (const ast *w = where; w != t; w = w->in)
    if (!pure(w->a)) return;
  for (const ast *w = where; w != t; w = w->in) collect(w->a, w, t->scan, lits, &n);
  if (n == 0) return;
  x->rawf_table = t;
  x->rawf = jsfilter_new(x->a, n, lits);
}
