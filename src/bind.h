/*
** bind.h: the binder resolves a parsed query against the catalog: table, let and column
** names, function overloads and arity, the type of every expression, the names of result
** columns, and the columns each table scan must convert.  It annotates the AST in place.
*/
#ifndef KQL_BIND_H
#define KQL_BIND_H

#include "ast.h"
#include "catalog.h"

/* A column of a relation (the output of a tabular node). */
typedef struct bind_col {
  const char *name;    /* column name */
  kql_type type;       /* its type */
  struct bind_scan *src; /* the scan it comes from unchanged, or NULL when computed */
  int src_col;         /* its index in that scan's table */
} bind_col;

/* The columns a tabular node produces. */
typedef struct bind_rel {
  int n;               /* number of columns */
  bind_col *cols;      /* the columns */
  bool open;           /* more columns may exist (bag_unpack under kql check) */
} bind_rel;

/* What a table scan must read: filled by the binder, used by the scan operator. */
typedef struct bind_scan {
  cat_table *table;    /* the table */
  bool *used;          /* used[i]: column i of the table is needed */
  bool has_win;        /* a time window applies: only rows whose key lies in win may pass */
  int64_t win[2];      /* its [from, to] (ticks) */
  int win_col;         /* the key: this column (TimeGenerated, else Timestamp) ... */
  int win_alt;         /* ... or, when it is null, this one (Timestamp), or -1 */
} bind_scan;

/* Keys discovered in the data (bag_unpack's columns): names and types, in first-seen order. */
typedef struct bind_keys {
  const char **names;  /* key names */
  kql_type *types;     /* their types */
  int n;               /* how many */
} bind_keys;

/* Runs the bound tabular node 'input' and collects the keys of the bags that 'expr' gives
** for its rows.  Supplied by the engine for a run; absent for 'kql check'. */
typedef bool (*bind_discover_fn)(void *ctx, const ast *input, const ast *expr, arena *a,
                                 bind_keys *out, kql_diag *d);

/* Bind 'q' (an AST_QUERY).  Returns the result statement's tabular node, or NULL with 'd'.
** 'discover' (may be NULL) finds the columns of operators whose schema depends on the data. */
KQL_INTERNAL ast *bind_query(arena *a, catalog *c, ast *q, bind_discover_fn discover,
                             void *discover_ctx, kql_diag *d);
/* Bind the next queries so that every table read keeps only rows whose TimeGenerated (or,
** for tables without it such as Defender's, Timestamp) lies in [from, to]: the window a
** scheduled rule sees.  window == NULL turns it off.  Set through the engine. */
KQL_INTERNAL void bind_set_window(catalog *c, const int64_t *window);
/* True when 'n' is a tabular expression (after binding). */
KQL_INTERNAL bool bind_is_tabular(const ast *n);

#endif /* KQL_BIND_H */
