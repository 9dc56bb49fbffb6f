/*
** ast.c: AST node construction and the S-expression dump that parser tests compare.
*/
#include <string.h>

#include "ast.h"
#include "json.h"

/* ORDER AST */
static const char *const kind_names[AST_KIND_COUNT_] = {
    "query", "let", "table", "where", "summarize", "project", "extend", "take", "sort", "top",
    "count", "distinct", "join", "lookup", "union", "project-away", "project-keep",
    "project-rename", "project-reorder", "mv-expand", "parse", "render", "serialize", "as",
    "getschema", "sample", "invoke", "evaluate", "print", "datatable", "range", "externaldata",
    "function", "param", "option", "mv-apply", "apply-source", "make-series", "parse-kv", "top-nested", "partition", "lit", "name", "call", "unary", "binary", "between", "inlist",
    "member", "index", "assign", "sortkey", "star"};

/* ORDER OPS */
static const char *const op_names[OP_COUNT_] = {
    "or", "and", "not", "==", "!=", "<", "<=", ">", ">=", "=~", "!~", "+", "-", "*", "/", "%",
    "-", "+",
    "has", "!has", "has_cs", "!has_cs",
    "contains", "!contains", "contains_cs", "!contains_cs",
    "startswith", "!startswith", "startswith_cs", "!startswith_cs",
    "endswith", "!endswith", "endswith_cs", "!endswith_cs",
    "hasprefix", "!hasprefix", "hasprefix_cs", "!hasprefix_cs",
    "hassuffix", "!hassuffix", "hassuffix_cs", "!hassuffix_cs",
    "in", "!in", "in~", "!in~", "has_any", "has_all", "between", "!between", "matches regex"};

ast *ast_new(arena *a, ast_kind k, kql_span sp) {
  ast *n = arena_alloc(a, sizeof *n);
  n->kind = k;
  n->span = sp;
  n->col = -1;
  n->slot = -1;
  return n;
}

void ast_push(arena *a, ast_list *l, ast *n) {
  if (l->n == l->cap) {
    int cap = l->cap ? l->cap * 2 : 4;
    ast **v = arena_alloc(a, sizeof *v * (size_t)cap);
    if (l->n) memcpy(v, l->v, sizeof *v * (size_t)l->n);
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n++] = n;
}

const char *ast_kind_name(ast_kind k) {
  return (unsigned)k < AST_KIND_COUNT_ ? kind_names[k] : "?";
}

const char *ast_op_name(int op) { return (unsigned)op < OP_COUNT_ ? op_names[op] : "?"; }

static void dump_list(const ast_list *l, FILE *out) {
  for (int i = 0; i < l->n; i++) {
    fputc(' ', out);
    ast_dump(l->v[i], out);
  }
}

void ast_dump(const ast *n, FILE *out) {
  if (!n) {
    fputs("()", out);
    return;
  }
  fprintf(out, "(%s", kind_names[n->kind]);
  switch (n->kind) {
  case AST_LIT:
    fprintf(out, " %s ", val_type_name(n->lit.type));
    if (n->lit.isnull) fputs("null", out);
    else json_write_value(out, &n->lit);
    break;
  case AST_UNARY:
  case AST_BINARY:
  case AST_BETWEEN:
  case AST_INLIST: fprintf(out, " %s", op_names[n->op]); break;
  case AST_SORTKEY:
    fprintf(out, " %s%s", n->flags & AST_SORT_ASC ? "asc" : "desc",
            !(n->flags & AST_SORT_NULLS_SET) ? ""
            : n->flags & AST_SORT_NULLS_FIRST ? " nulls-first" : " nulls-last");
    break;
  default: break;
  }
  if (n->name) fprintf(out, " %s", n->name);
  if (n->in) {
    fputc(' ', out);
    ast_dump(n->in, out);
  }
  if (n->a) fputc(' ', out), ast_dump(n->a, out);
  if (n->b) fputc(' ', out), ast_dump(n->b, out);
  if (n->c) fputc(' ', out), ast_dump(n->c, out);
  if (n->opts.n) {
    fputs(" (opts", out);
    dump_list(&n->opts, out);
    fputc(')', out);
  }
  dump_list(&n->list, out);
  if (n->by.n) {
    fputs(" (by", out);
    dump_list(&n->by, out);
    fputc(')', out);
  }
  fputc(')', out);
}

static ast_list clone_list(arena *a, const ast_list *l) {
  ast_list r = {0};
  for (int i = 0; i < l->n; i++) ast_push(a, &r, ast_clone(a, l->v[i]));
  return r;
}

ast *ast_clone(arena *a, const ast *n) {
  if (!n) return NULL;
  ast *c = ast_new(a, n->kind, n->span);
  c->op = n->op;
  c->flags = n->flags;
  c->name = n->name;
  c->lit = n->lit;
  c->type = n->kind == AST_LIT ? n->type : KQL_T_NULL;
  c->in = ast_clone(a, n->in);
  c->a = ast_clone(a, n->a);
  c->b = ast_clone(a, n->b);
  c->c = ast_clone(a, n->c);
  c->list = clone_list(a, &n->list);
  c->by = clone_list(a, &n->by);
  c->opts = clone_list(a, &n->opts);
  return c;
}
