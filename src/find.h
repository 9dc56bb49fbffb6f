/*
** find.h: rewrites of 'search' and 'find' into union, extend, where and project (find.c),
** called by the binder once the tables' columns are known.  Nodes go to the query arena.
*/
#ifndef KQL_FIND_H
#define KQL_FIND_H

#include "bind.h"

/* Allowed values of the flags of find_search_predicate(), also the flags of a search's
** AST_WHERE. */
#define FIND_CASE_SENSITIVE 0x1 /* search kind=case_sensitive: bare terms use has_cs ... */
#define FIND_SEARCH 0x2         /* a search predicate: bare string terms mean '* has "term"' */

/* Flags of the AST_UNION a find parses to. */
#define FIND_UNION 0x100        /* the union is a find (a: predicate, by: project columns) */
#define FIND_PROJECT 0x400      /* find ... project Col, ...: not project-smart */

/* Rewrite predicate '*pred' over relation 'in': with FIND_SEARCH its bare string terms
** become '* has "term"' (hasprefix/hassuffix/contains/matches regex for wildcards); then
** every '* op x' becomes 'c1 op x or c2 op x ...' over the columns of 'in'. */
KQL_INTERNAL void find_search_predicate(arena *a, ast **pred, const bind_rel *in, int flags);

/* True when 'name' is a scalar let (not a column) in the binder's scope 'ctx'. */
typedef bool (*find_is_let)(void *ctx, const char *name);

/* Turn find node 'n' (an AST_UNION with FIND_UNION, its sources in n->list already bound)
** into a plain union of one branch per table that has a column of the predicate: each
** branch is 'T | extend <missing predicate columns> = null | where P | project source_,
** <columns>, pack_'.  False with 'd' set when no table fits or a column is unknown. */
KQL_INTERNAL bool find_branches(arena *a, ast *n, kql_diag *d, find_is_let is_let, void *ctx);

#endif /* KQL_FIND_H */
