/*
** find.c: the rewrites that turn 'search' and 'find' into operators kql already runs.  The
** binder calls them once the tables are known: a search predicate's bare terms become
** '* has "term"' (and its wildcards hasprefix, hassuffix, contains or matches regex), '*'
** becomes one test per column, and a find becomes a union of one branch per table
** (extend the predicate's missing columns, where, project into find's output shape).
*/
#include <string.h>

#include "find.h"
#include "func/func.h"

static ast *lit_str(arena *a, kql_span sp, const char *s, size_t n) {
  ast *l = ast_new(a, AST_LIT, sp);
  l->lit = val_str(arena_strndup(a, s, n), n);
  l->type = KQL_T_STRING;
  return l;
}

static ast *lit_null(arena *a, kql_span sp, kql_type t) {
  ast *l = ast_new(a, AST_LIT, sp);
  l->lit = val_null(t);
  l->type = t;
  return l;
}

static ast *binary(arena *a, kql_span sp, int op, ast *l, ast *r) {
  ast *n = ast_new(a, AST_BINARY, sp);
  n->op = op;
  n->a = l;
  n->b = r;
  return n;
}

static ast *name_ref(arena *a, kql_span sp, const char *name) {
  ast *n = ast_new(a, AST_NAME, sp);
  n->name = name;
  return n;
}

static ast *call1(arena *a, kql_span sp, const char *fn, ast *arg) {
  ast *c = ast_new(a, AST_CALL, sp);
  c->name = fn;
  ast_push(a, &c->list, arg);
  return c;
}

/* A search term: "x" has, "x*" hasprefix, "*x" hassuffix, "*x*" contains, "x*y" matches
** regex (search operator page, "Search predicate syntax"); '*' alone matches anything. */
static ast *term(arena *a, ast *lit, bool cs) {
  const char *s = lit->lit.u.s.p;
  size_t n = lit->lit.u.s.n;
  kql_span sp = lit->span;
  bool lead = n && s[0] == '*', trail = n > 1 && s[n - 1] == '*';
  const char *b = s + lead;
  size_t m = n - lead - trail;
  if (n == 1 && lead) m = 0, trail = false;
  bool inner = memchr(b, '*', m) != NULL;
  int op;
  if (inner) {
    /* the regular expression of the whole term: text literal, '*' any run */
    size_t cap = n * 2 + 8, k = 0;
    char *re = arena_alloc(a, cap);
    if (!cs) memcpy(re, "(?i)", 4), k = 4;
    for (size_t i = 0; i < n; i++) {
      if (s[i] == '*') {
        re[k++] = '.', re[k++] = '*';
        continue;
      }
      if (strchr("\\^$.|?+()[]{}", s[i])) re[k++] = '\\';
      re[k++] = s[i];
    }
    return binary(a, sp, OP_MATCHES, ast_new(a, AST_STAR, sp), lit_str(a, sp, re, k));
  }
  if (lead && trail) op = cs ? OP_CONTAINS_CS : OP_CONTAINS;
  else if (lead) op = cs ? OP_HASSUFFIX_CS : OP_HASSUFFIX;
  else if (trail) op = cs ? OP_HASPREFIX_CS : OP_HASPREFIX;
  else op = cs ? OP_HAS_CS : OP_HAS;
  return binary(a, sp, op, ast_new(a, AST_STAR, sp), lit_str(a, sp, b, m));
}

/* Replace the bare string terms of search predicate '*e' (at the top, or under and/or/not). */
static void search_terms(arena *a, ast **e, bool cs) {
  ast *n = *e;
  if (n->kind == AST_LIT && n->lit.type == KQL_T_STRING) {
    *e = term(a, n, cs);
    return;
  }
  if (n->kind == AST_BINARY && n->flags == 8 && n->b->kind == AST_LIT && n->b->lit.type == KQL_T_STRING) {
    ast *t = term(a, n->b, cs); /* Col:"term" */
    t->a = n->a;
    *e = t;
    return;
  }
  if (n->kind == AST_BINARY && (n->op == OP_AND || n->op == OP_OR)) {
    search_terms(a, &n->a, cs);
    search_terms(a, &n->b, cs);
  } else if (n->kind == AST_CALL && strcmp(n->name, "not") == 0 && n->list.n == 1) {
    search_terms(a, &n->list.v[0], cs);
  }
}

/* Replace each 'Star op x' in '*e' by '(c1 op x) or (c2 op x) ...' over the columns of 'in'
** (non-string columns through tostring()); a relation without columns gives false. */
static void expand_star(arena *a, ast **e, const bind_rel *in, bool skip_table) {
  ast *n = *e;
  if (!n) return;
  if ((n->kind == AST_BINARY || n->kind == AST_INLIST) && n->a && n->a->kind == AST_STAR) {
    ast *out = NULL;
    for (int c = 0; c < in->n; c++) {
      if (skip_table && strcmp(in->cols[c].name, "$table") == 0) continue;
      ast *ref = name_ref(a, n->span, in->cols[c].name);
      if (in->cols[c].type != KQL_T_STRING) ref = call1(a, n->span, "tostring", ref);
      ast *t = ast_clone(a, n);
      t->a = ref;
      out = out ? binary(a, n->span, OP_OR, out, t) : t;
    }
    if (!out) {
      out = ast_new(a, AST_LIT, n->span);
      out->lit = val_bool(false);
      out->type = KQL_T_BOOL;
    }
    *e = out;
    return;
  }
  if (n->kind == AST_STAR) return;
  expand_star(a, &n->a, in, skip_table);
  expand_star(a, &n->b, in, skip_table);
  expand_star(a, &n->c, in, skip_table);
  for (int i = 0; i < n->list.n; i++) expand_star(a, &n->list.v[i], in, skip_table);
}

static bool has_star(const ast *n) {
  if (!n) return false;
  if ((n->kind == AST_BINARY || n->kind == AST_INLIST) && n->a && n->a->kind == AST_STAR) return true;
  if (bind_is_tabular(n)) return false;
  if (has_star(n->a) || has_star(n->b) || has_star(n->c)) return true;
  for (int i = 0; i < n->list.n; i++)
    if (has_star(n->list.v[i])) return true;
  return false;
}

void find_search_predicate(arena *a, ast **pred, const bind_rel *in, int flags) {
  if (flags & FIND_SEARCH) search_terms(a, pred, flags & FIND_CASE_SENSITIVE);
  if (has_star(*pred)) expand_star(a, pred, in, flags & FIND_SEARCH);
}

/* ---- find ---- */

/* The column names the predicate 'n' reads, in order of appearance, without repeats. */
static void pred_names(arena *a, const ast *n, ast_list *names, find_is_let is_let, void *ctx) {
  if (!n || bind_is_tabular(n)) return;
  if (n->kind == AST_NAME && !(is_let && is_let(ctx, n->name))) {
    for (int i = 0; i < names->n; i++)
      if (strcmp(names->v[i]->name, n->name) == 0) return;
    ast_push(a, names, (ast *)n);
    return;
  }
  pred_names(a, n->a, names, is_let, ctx);
  pred_names(a, n->b, names, is_let, ctx);
  pred_names(a, n->c, names, is_let, ctx);
  for (int i = 0; i < n->list.n; i++) pred_names(a, n->list.v[i], names, is_let, ctx);
}

static int col_of(const bind_rel *r, const char *name) {
  for (int i = 0; i < r->n; i++)
    if (strcmp(r->cols[i].name, name) == 0) return i;
  return -1;
}

/* The type of column 'name' over the chosen sources: theirs when they agree, else dynamic;
** KQL_T_COUNT_ when none has it. */
static kql_type gathered_type(ast **srcs, int n, const char *name) {
  kql_type t = KQL_T_COUNT_;
  for (int i = 0; i < n; i++) {
    int c = col_of(srcs[i]->rel, name);
    if (c < 0) continue;
    kql_type u = srcs[i]->rel->cols[c].type;
    t = t == KQL_T_COUNT_ || t == u ? u : KQL_T_DYNAMIC;
  }
  return t;
}

/* The value of 'ref' as a dynamic: bag_pack("v", ref).v */
static ast *to_dynamic(arena *a, kql_span sp, ast *ref) {
  ast *bag = ast_new(a, AST_CALL, sp);
  bag->name = "bag_pack";
  ast_push(a, &bag->list, lit_str(a, sp, "v", 1));
  ast_push(a, &bag->list, ref);
  ast *m = ast_new(a, AST_MEMBER, sp);
  m->a = bag;
  m->name = "v";
  return m;
}

static const char *source_name(arena *a, const ast *src, int i) {
  while (src->kind == AST_WHERE && src->in && !src->name) src = src->in; /* the time window */
  if ((src->kind == AST_TABLE || src->kind == AST_NAME) && src->name) return src->name;
  return arena_printf(a, "find_arg%d", i);
}

bool find_branches(arena *a, ast *n, kql_diag *d, find_is_let is_let, void *ctx) {
  const char *srccol = "source_";
  for (int i = 0; i < n->opts.n; i++) {
    const ast *o = n->opts.v[i];
    if ((strcmp(o->name, "withsource") == 0 || strcmp(o->name, "withSource") == 0) && o->a &&
        o->a->kind == AST_NAME) {
      srccol = o->a->name;
    } else {
      diag_set(d, KQL_ERR_UNSUPPORTED, o->span, "find option '%s' is not supported yet", o->name);
      return false;
    }
  }
  search_terms(a, &n->a, false); /* find "term": '* has "term"', as in search */
  ast_list names = {0};
  pred_names(a, n->a, &names, is_let, ctx);
  /* the tables that have at least one of the predicate's columns (all when it names none) */
  ast **srcs = arena_alloc(a, sizeof(ast *) * (size_t)(n->list.n ? n->list.n : 1));
  const char **snames = arena_alloc(a, sizeof(char *) * (size_t)(n->list.n ? n->list.n : 1));
  int ns = 0;
  for (int i = 0; i < n->list.n; i++) {
    bool any = names.n == 0;
    for (int k = 0; k < names.n && !any; k++) any = col_of(n->list.v[i]->rel, names.v[k]->name) >= 0;
    if (!any) continue;
    snames[ns] = source_name(a, n->list.v[i], i);
    srcs[ns++] = n->list.v[i];
  }
  if (ns == 0) {
    if (names.n)
      diag_set(d, KQL_ERR_BIND, names.v[0]->span, "no table of the find has a column '%s'", names.v[0]->name);
    else
      diag_set(d, KQL_ERR_BIND, n->span, "%s", "find has no table to look in");
    return false;
  }
  /* the output columns */
  int cap = 2;
  for (int i = 0; i < ns; i++) cap += srcs[i]->rel->n;
  cap += names.n + n->by.n;
  const char **oname = arena_alloc(a, sizeof(char *) * (size_t)cap);
  kql_type *otype = arena_alloc(a, sizeof(kql_type) * (size_t)cap);
  int no = 0;
  bool pack = false;
  if (n->flags & FIND_PROJECT) {
    for (int i = 0; i < n->by.n; i++) {
      const ast *c = n->by.v[i];
      kql_type t = c->flags == 4 ? gathered_type(srcs, ns, c->name) : (kql_type)c->op;
      if (t == KQL_T_COUNT_) {
        diag_set(d, KQL_ERR_BIND, c->span, "no table of the find has a column '%s'", c->name);
        return false;
      }
      oname[no] = c->name, otype[no++] = t;
    }
  } else if (ns == 1) {
    for (int c = 0; c < srcs[0]->rel->n; c++)
      oname[no] = srcs[0]->rel->cols[c].name, otype[no++] = srcs[0]->rel->cols[c].type;
  } else {
    const bind_rel *first = srcs[0]->rel;
    for (int c = 0; c < first->n; c++) {
      bool everywhere = true;
      for (int i = 1; i < ns && everywhere; i++) everywhere = col_of(srcs[i]->rel, first->cols[c].name) >= 0;
      if (everywhere) oname[no] = first->cols[c].name, otype[no++] = gathered_type(srcs, ns, first->cols[c].name);
    }
    for (int k = 0; k < names.n; k++) {
      kql_type t = gathered_type(srcs, ns, names.v[k]->name);
      bool dup = false;
      for (int c = 0; c < no && !dup; c++) dup = strcmp(oname[c], names.v[k]->name) == 0;
      if (!dup && t != KQL_T_COUNT_) oname[no] = names.v[k]->name, otype[no++] = t;
    }
    for (int i = 0; i < ns && !pack; i++)
      for (int c = 0; c < srcs[i]->rel->n && !pack; c++) {
        bool out = false;
        for (int k = 0; k < no && !out; k++) out = strcmp(oname[k], srcs[i]->rel->cols[c].name) == 0;
        pack = !out;
      }
  }
  /* one branch per table: T | extend Missing = null | where P | project ... */
  ast_list branches = {0};
  for (int i = 0; i < ns; i++) {
    const bind_rel *r = srcs[i]->rel;
    kql_span sp = n->span;
    ast *cur = srcs[i];
    ast *ext = ast_new(a, AST_EXTEND, sp);
    for (int k = 0; k < names.n; k++) {
      const char *nm = names.v[k]->name;
      kql_type t = gathered_type(srcs, ns, nm);
      if (col_of(r, nm) >= 0 || t == KQL_T_COUNT_) continue;
      ast *as = ast_new(a, AST_ASSIGN, sp);
      as->name = nm;
      as->a = lit_null(a, sp, t);
      ast_push(a, &ext->list, as);
    }
    if (ext->list.n) {
      ext->in = cur;
      cur = ext;
    }
    ast *w = ast_new(a, AST_WHERE, n->a->span);
    w->in = cur;
    w->a = i == ns - 1 ? n->a : ast_clone(a, n->a);
    cur = w;
    ast *proj = ast_new(a, AST_PROJECT, sp);
    ast *as = ast_new(a, AST_ASSIGN, sp);
    as->name = srccol;
    as->a = lit_str(a, sp, snames[i], strlen(snames[i]));
    ast_push(a, &proj->list, as);
    for (int k = 0; k < no; k++) {
      int c = col_of(r, oname[k]);
      ast *v;
      if (c < 0) v = lit_null(a, sp, otype[k]);
      else if (r->cols[c].type == otype[k]) v = name_ref(a, sp, oname[k]);
      else if (otype[k] == KQL_T_DYNAMIC) v = to_dynamic(a, sp, name_ref(a, sp, oname[k]));
      else v = call1(a, sp, arena_printf(a, "to%s", val_type_name(otype[k])), name_ref(a, sp, oname[k]));
      ast *it = ast_new(a, AST_ASSIGN, sp);
      it->name = oname[k];
      it->a = v;
      ast_push(a, &proj->list, it);
    }
    if (pack) {
      ast *bag = ast_new(a, AST_CALL, sp);
      bag->name = "bag_pack";
      for (int c = 0; c < r->n; c++) {
        bool out = false;
        for (int k = 0; k < no && !out; k++) out = strcmp(oname[k], r->cols[c].name) == 0;
        if (out) continue;
        ast_push(a, &bag->list, lit_str(a, sp, r->cols[c].name, strlen(r->cols[c].name)));
        ast_push(a, &bag->list, name_ref(a, sp, r->cols[c].name));
      }
      ast *v = bag;
      if (bag->list.n == 0) {
        v = ast_new(a, AST_LIT, sp);
        v->lit = val_strtype(KQL_T_DYNAMIC, "{}", 2);
        v->type = KQL_T_DYNAMIC;
      }
      ast *it = ast_new(a, AST_ASSIGN, sp);
      it->name = "pack_";
      it->a = v;
      ast_push(a, &proj->list, it);
    }
    proj->in = cur;
    ast_push(a, &branches, proj);
  }
  n->list = branches;
  n->opts = (ast_list){0};
  n->by = (ast_list){0};
  n->a = NULL;
  n->flags = 0;
  return true;
}
