/*
** ast.h: the syntax tree the parser builds, one node type for statements, tabular
** operators and scalar expressions.  Nodes live in the query arena.  The binder (bind.c)
** fills the "bound" fields in place; nothing here evaluates.
*/
#ifndef KQL_AST_H
#define KQL_AST_H

#include <stdio.h>

#include "value.h"

/* Node kinds.  ORDER AST: ast_kind_name() in ast.c depends on it. */
typedef enum ast_kind {
  /* statements */
  AST_QUERY,      /* list: statements; the last one that is not a let is the result */
  AST_LET,        /* name = a */
  /* tabular sources and operators; 'in' is the input of an operator */
  AST_TABLE,      /* name: a table, a tabular let, or a name the binder rejects */
  AST_WHERE,      /* a: predicate */
  AST_SUMMARIZE,  /* list: aggregates (AST_ASSIGN or expr), by: group keys */
  AST_PROJECT,    /* list: columns (AST_ASSIGN or expr) */
  AST_EXTEND,     /* list: columns (AST_ASSIGN or expr) */
  AST_TAKE,       /* a: row count */
  AST_SORT,       /* list: AST_SORTKEY */
  AST_TOP,        /* a: row count, list: one AST_SORTKEY */
  AST_COUNT,      /* count operator */
  AST_DISTINCT,   /* list: columns, or one AST_STAR */
  AST_JOIN,       /* opts, b: right side, list: keys (AST_NAME or AST_BINARY ==) */
  AST_LOOKUP,     /* like join */
  AST_UNION,      /* opts, list: sources; 'in' set for the piped form */
  AST_PROJECT_AWAY,    /* list: AST_NAME patterns (may hold '*') */
  AST_PROJECT_KEEP,    /* list: AST_NAME patterns */
  AST_PROJECT_RENAME,  /* list: AST_ASSIGN new = AST_NAME old */
  AST_PROJECT_REORDER, /* list: AST_SORTKEY over AST_NAME patterns */
  AST_MVEXPAND,   /* opts, list: columns (expr or AST_ASSIGN; c: to typeof type), a: limit */
  AST_PARSE,      /* opts, a: source expr, list: pattern elements; flags: 1 parse-where */
  AST_RENDER,     /* name: chart kind; list: with-properties (ignored) */
  AST_SERIALIZE,  /* list: columns to add (AST_ASSIGN) */
  AST_AS,         /* name */
  AST_GETSCHEMA,  /* no operands */
  AST_SAMPLE,     /* a: row count */
  AST_INVOKE,     /* a: AST_CALL of a tabular function, with the input as first argument */
  AST_EVALUATE,   /* a: AST_CALL of a plugin */
  AST_PRINT,      /* list: columns (AST_ASSIGN or expr) */
  AST_DATATABLE,  /* by: column declarations (AST_PARAM), list: values */
  AST_RANGE,      /* name: column, a: from, b: to, c: step */
  AST_EXTERNALDATA, /* by: columns (AST_PARAM), list: URLs, opts: with-properties */
  AST_FUNC,       /* a let function or view: by: parameters (AST_PARAM), list: body statements */
  AST_PARAM,      /* name: type in 'op' (kql_type), or a tabular parameter (flags 1); a: default */
  AST_OPTION,     /* name = a: an operator option such as kind=inner or hint.strategy=shuffle */
  AST_MVAPPLY,    /* like mv-expand (opts, list, a: limit), b: the subquery run per row */
  AST_APPLYSRC,   /* the rows a mv-apply subquery reads (its bottom 'in') */
  AST_MAKESERIES, /* opts, list: aggregates (AST_ASSIGN or call), a: axis, b: AST_RANGE of the
                     bounds (a from, b to, c step; NULL when not given; flags 1 for 'in
                     range(...)'), c: its list holds each aggregate's default (NULL: 0),
                     by: group keys */
  AST_PARSEKV,    /* a: source expr, list: columns (AST_PARAM), opts: with-properties (AST_ASSIGN) */
  AST_TOPNESTED,  /* list: levels (AST_OPTION: a key, b agg (AST_ASSIGN), c others, flags asc) */
  AST_PARTITION,  /* opts, a: the key column (AST_NAME), b: the subquery run per key value */
  /* scalar expressions */
  AST_LIT,        /* lit */
  AST_NAME,       /* name: column, scalar let or (unbound) */
  AST_CALL,       /* name(list) */
  AST_UNARY,      /* op a */
  AST_BINARY,     /* a op b */
  AST_BETWEEN,    /* a between (b .. c); op: TOK_BETWEEN or TOK_NOTBETWEEN */
  AST_INLIST,     /* a op (list), op: in !in in~ !in~ has_any has_all */
  AST_MEMBER,     /* a.name */
  AST_INDEX,      /* a[b] */
  AST_ASSIGN,     /* name = a, in project/extend/summarize */
  AST_SORTKEY,    /* a [asc|desc] [nulls first|last]; flags */
  AST_STAR,       /* * */
  AST_KIND_COUNT_
} ast_kind;

/* Allowed values of ast.flags for AST_SORTKEY. */
#define AST_SORT_ASC 0x1         /* ascending (default descending) */
#define AST_SORT_NULLS_SET 0x2   /* nulls first/last given explicitly */
#define AST_SORT_NULLS_FIRST 0x4 /* nulls first */
#define AST_SORT_SET 0x8         /* asc or desc given explicitly (project-reorder) */
#define AST_SORT_GRANNY 0x10     /* granny-asc / granny-desc: natural order (project-reorder) */

struct fn_def;
struct bind_rel;

typedef struct ast ast;

/* A growable list of nodes in the query arena. */
typedef struct ast_list {
  ast **v;  /* the nodes */
  int n;    /* how many */
  int cap;  /* room */
} ast_list;

struct ast {
  ast_kind kind;     /* what the node is */
  kql_span span;     /* where it is in the query text */
  int op;            /* operator token (TOK_*) for AST_UNARY/BINARY/BETWEEN/INLIST */
  int flags;         /* AST_SORT_* for AST_SORTKEY */
  const char *name;  /* identifier: table, column, let, function (NUL-terminated) */
  kql_value lit;     /* AST_LIT: the value */
  ast *in;           /* tabular input of an operator */
  ast *a, *b, *c;    /* operands */
  ast_list list;     /* arguments, items */
  ast_list by;       /* summarize by; datatable/externaldata columns; function parameters */
  ast_list opts;     /* operator options (AST_OPTION) */
  /* filled by the binder */
  kql_type type;     /* the expression's type */
  int col;           /* AST_NAME: column index in the input relation; -1 otherwise */
  int slot;          /* AST_CALL aggregate: index of its state in the group */
  const struct fn_def *fn;   /* AST_CALL: the function */
  ast *let;          /* AST_NAME bound to a scalar let: the let's expression;
                        AST_TABLE bound to a tabular let: the let's pipeline */
  struct bind_rel *rel;      /* tabular nodes: output columns */
  struct bind_scan *scan;    /* AST_TABLE over a catalog table: what to read */
};

/* Operators of AST_UNARY, AST_BINARY, AST_BETWEEN and AST_INLIST.  ORDER OPS: the
** table ast_op_names[] in ast.c depends on it. */
typedef enum ast_op {
  OP_OR, OP_AND, OP_NOT,
  OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ_CI, OP_NE_CI,
  OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_NEG, OP_POS,
  /* string operators: in groups of four, plain / negated / _cs / negated _cs */
  OP_HAS, OP_NHAS, OP_HAS_CS, OP_NHAS_CS,
  OP_CONTAINS, OP_NCONTAINS, OP_CONTAINS_CS, OP_NCONTAINS_CS,
  OP_STARTSWITH, OP_NSTARTSWITH, OP_STARTSWITH_CS, OP_NSTARTSWITH_CS,
  OP_ENDSWITH, OP_NENDSWITH, OP_ENDSWITH_CS, OP_NENDSWITH_CS,
  OP_HASPREFIX, OP_NHASPREFIX, OP_HASPREFIX_CS, OP_NHASPREFIX_CS,
  OP_HASSUFFIX, OP_NHASSUFFIX, OP_HASSUFFIX_CS, OP_NHASSUFFIX_CS,
  /* list operators */
  OP_IN, OP_NIN, OP_IN_CI, OP_NIN_CI, OP_HAS_ANY, OP_HAS_ALL,
  OP_BETWEEN, OP_NBETWEEN,
  OP_MATCHES,     /* matches regex */
  OP_COUNT_
} ast_op;

KQL_INTERNAL const char *ast_op_name(int op);

typedef struct kql_parser kql_parser;

KQL_INTERNAL ast *ast_new(arena *a, ast_kind k, kql_span sp);
KQL_INTERNAL void ast_push(arena *a, ast_list *l, ast *n);
KQL_INTERNAL const char *ast_kind_name(ast_kind k);
/* A deep copy of the unbound tree 'n' (function bodies are bound once per call). */
KQL_INTERNAL ast *ast_clone(arena *a, const ast *n);
/* Write 'n' as an S-expression, for tests: (where (binary has (name X) (lit "a"))). */
KQL_INTERNAL void ast_dump(const ast *n, FILE *out);

#endif /* KQL_AST_H */
