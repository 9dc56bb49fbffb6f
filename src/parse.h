/*
** parse.h: the glue between the Flex scanner, the Bison parser and the rest of libkql.
** kql_parse() turns query text into an AST_QUERY tree in the caller's arena.
*/
#ifndef KQL_PARSE_H
#define KQL_PARSE_H

#include "ast.h"

/* State shared by the scanner and the parser actions for one parse. */
struct kql_parser {
  arena *a;          /* where nodes go */
  const char *src;   /* the query text */
  size_t len;        /* its length */
  kql_diag *diag;    /* the first error */
  bool failed;       /* an error was reported */
  ast *result;       /* the AST_QUERY */
};

/* Scanner state (yyextra). */
typedef struct kql_lexer {
  uint32_t off;      /* byte offset of the next token */
  int prev;          /* previous token kind, for context-sensitive words */
  int prev2;         /* the one before */
  int opts;          /* 1: an operator that takes options was just read; 2, 3: inside one */
  bool range;        /* a 'range' source awaits its 'to' */
  bool names;        /* inside project-away/keep/reorder: 'Acc*' is one pattern token */
  bool topnested;    /* a top-nested level awaits its 'of' */
  bool find;         /* inside find: where, project and project-smart are its keywords */
  bool partition;    /* a partition awaits its subquery: '(' then an operator */
  uint32_t dyn_start; /* offset of 'dynamic(' while its literal is scanned */
  int dyn_depth;     /* open parentheses in that literal */
  kql_parser *p;     /* the parse */
} kql_lexer;

/* Parse 'len' bytes of 'src'.  Returns the AST_QUERY, or NULL with 'd' filled. */
KQL_INTERNAL ast *kql_parse(arena *a, const char *src, size_t len, kql_diag *d);

/* Helpers for the grammar actions (parse.c). */
KQL_INTERNAL ast *parse_string(kql_parser *p, kql_span sp);
KQL_INTERNAL ast *parse_concat(kql_parser *p, kql_span sp, ast *a, ast *b);
KQL_INTERNAL ast *parse_number(kql_parser *p, kql_span sp, bool real);
KQL_INTERNAL ast *parse_timespan(kql_parser *p, kql_span sp);
KQL_INTERNAL ast *parse_typed_lit(kql_parser *p, kql_span sp);
KQL_INTERNAL ast *parse_dynamic(kql_parser *p, kql_span sp);
KQL_INTERNAL const char *parse_ident(kql_parser *p, kql_span sp);
KQL_INTERNAL const char *parse_bracket_name(kql_parser *p, kql_span sp);
KQL_INTERNAL ast *parse_binary(kql_parser *p, kql_span sp, int op, ast *a, ast *b);
KQL_INTERNAL ast *parse_unary(kql_parser *p, kql_span sp, int op, ast *a);
KQL_INTERNAL ast *parse_op(kql_parser *p, kql_span sp, ast_kind k, ast *a);
/* evaluate plugin(...) : (schema): the operator, with the declared columns (AST_PARAMs, and an
** AST_STAR for '*') in its 'by' and flags 1 */
KQL_INTERNAL ast *parse_evaluate_schema(kql_parser *p, kql_span sp, ast *call, ast_list schema);
KQL_INTERNAL ast *parse_pipe(kql_parser *p, ast *in, ast *op);
KQL_INTERNAL ast *parse_list_node(kql_parser *p, kql_span sp, ast_kind k, ast_list l);
KQL_INTERNAL ast_list parse_list1(kql_parser *p, ast *n);
KQL_INTERNAL ast_list parse_list_add(kql_parser *p, ast_list l, ast *n);
KQL_INTERNAL ast *parse_let(kql_parser *p, kql_span sp, const char *name, ast *value);
KQL_INTERNAL ast *parse_summarize(kql_parser *p, kql_span sp, ast_list opts, ast_list aggs,
                                  ast_list *by);
KQL_INTERNAL ast *parse_wildcard(kql_parser *p, kql_span sp);
KQL_INTERNAL ast *parse_option(kql_parser *p, kql_span sp, kql_span namesp, ast *value);
KQL_INTERNAL ast *parse_func(kql_parser *p, kql_span sp, ast_list params, ast_list body, bool view);
KQL_INTERNAL ast *parse_param(kql_parser *p, kql_span sp, const char *name, kql_span typesp,
                              ast *def);
KQL_INTERNAL ast *parse_tabparam(kql_parser *p, kql_span sp, const char *name, ast_list cols);
KQL_INTERNAL kql_span parse_bracket_inner(kql_parser *p, kql_span sp);
KQL_INTERNAL ast *parse_datatable(kql_parser *p, kql_span sp, ast_list cols, ast_list values);
KQL_INTERNAL ast *parse_range(kql_parser *p, kql_span sp, const char *col, kql_span fromsp,
                              ast *from, ast *to, kql_span stepsp, ast *step);
KQL_INTERNAL ast *parse_union(kql_parser *p, kql_span sp, ast_list opts, ast_list srcs);
/* parse-kv, top-nested, find, search and alias (parse.c). */
KQL_INTERNAL ast *parse_parsekv(kql_parser *p, kql_span sp, ast *src, const char *as, kql_span assp,
                                ast_list cols, ast_list props);
KQL_INTERNAL ast *parse_kvcol(kql_parser *p, kql_span sp, const char *name, kql_span typesp, bool typed);
KQL_INTERNAL ast *parse_tnlevel(kql_parser *p, kql_span sp, ast *count, ast *key, const char *others,
                                ast *otherval, kql_span otherssp, ast *agg, int order);
KQL_INTERNAL ast *parse_search(kql_parser *p, kql_span sp, ast *in, ast_list opts, ast_list srcs,
                               ast *pred);
KQL_INTERNAL ast *parse_find(kql_parser *p, kql_span sp, ast_list opts, ast_list srcs, ast *pred,
                             ast *proj);
KQL_INTERNAL ast *parse_findcall(kql_parser *p, kql_span sp);
KQL_INTERNAL void parse_unsupported_what(kql_parser *p, kql_span sp, const char *what);
KQL_INTERNAL ast *parse_partition(kql_parser *p, kql_span sp, ast_list opts, const char *key,
                                  kql_span keysp, ast *sub);
KQL_INTERNAL ast *parse_search_term(kql_parser *p, kql_span sp, ast *col, ast *term);
KQL_INTERNAL ast *parse_dbref(kql_parser *p, kql_span sp, ast *left, const char *name, kql_span namesp,
                              ast_list args);
KQL_INTERNAL ast *parse_alias(kql_parser *p, kql_span sp, const char *kind, kql_span kindsp,
                              const char *name, ast *value);
KQL_INTERNAL ast *parse_externaldata(kql_parser *p, kql_span sp, ast_list cols, ast_list urls,
                                     ast_list props);
KQL_INTERNAL ast *parse_join(kql_parser *p, kql_span sp, ast_kind k, ast_list opts, ast *right,
                             ast_list keys);
KQL_INTERNAL ast *parse_mvexpand(kql_parser *p, kql_span sp, ast_list opts, ast_list items,
                                 ast *limit);
/* make-series: one aggregate with its default; the axis bounds (from/to/step words, or
** 'in range(start, stop, step)'); the operator (see AST_MAKESERIES in ast.h). */
KQL_INTERNAL ast *parse_msagg(kql_parser *p, kql_span sp, ast *item, const char *word,
                              kql_span wordsp, ast *def);
KQL_INTERNAL ast *parse_msaxis(kql_parser *p, kql_span sp, ast_list bounds);
KQL_INTERNAL ast *parse_msrange(kql_parser *p, kql_span sp, int op, kql_span opsp,
                                const char *fn, kql_span fnsp, ast_list args);
KQL_INTERNAL ast *parse_makeseries(kql_parser *p, kql_span sp, ast_list opts, ast_list aggs,
                                   ast *axis, ast *bounds, ast_list *by);
KQL_INTERNAL ast *parse_mvapply(kql_parser *p, kql_span sp, ast_list opts, ast_list items,
                                ast *limit, ast *sub);
KQL_INTERNAL ast *parse_mvexpand_limit(kql_parser *p, kql_span sp, ast_list opts, ast_list items,
                                       const char *word, kql_span wordsp, ast *limit);
KQL_INTERNAL ast *parse_mvitem_type(kql_parser *p, kql_span sp, ast *item, const char *fn,
                                    kql_span fnsp, kql_span typesp);
KQL_INTERNAL ast *parse_parse(kql_parser *p, kql_span sp, int where, ast_list opts, ast *src,
                              ast_list elems);
KQL_INTERNAL ast *parse_render(kql_parser *p, kql_span sp, const char *kind, ast_list props);
KQL_INTERNAL ast *parse_as(kql_parser *p, kql_span sp, const char *name);
KQL_INTERNAL ast *parse_top(kql_parser *p, kql_span sp, ast *n, ast *key);
KQL_INTERNAL ast *parse_distinct_star(kql_parser *p, kql_span sp);
KQL_INTERNAL ast *parse_assign(kql_parser *p, kql_span sp, const char *name, kql_span namesp,
                               ast *value);
KQL_INTERNAL ast *parse_tuple_assign(kql_parser *p, kql_span sp, ast_list names, ast *value);
KQL_INTERNAL ast *parse_sortkey(kql_parser *p, kql_span sp, ast *e, int flags);
KQL_INTERNAL ast *parse_inlist(kql_parser *p, kql_span sp, int op, ast *e, ast_list l);
KQL_INTERNAL ast *parse_between(kql_parser *p, kql_span sp, int op, ast *e, ast *lo, ast *hi);
KQL_INTERNAL ast *parse_member(kql_parser *p, kql_span sp, ast *e, const char *name,
                               kql_span namesp);
KQL_INTERNAL ast *parse_index(kql_parser *p, kql_span sp, ast *e, ast *i);
KQL_INTERNAL ast *parse_name(kql_parser *p, kql_span sp, const char *name);
KQL_INTERNAL ast *parse_call(kql_parser *p, kql_span sp, const char *name, kql_span namesp,
                             ast_list args);
KQL_INTERNAL ast *parse_paren(kql_parser *p, kql_span sp, ast *e);
KQL_INTERNAL ast *parse_bool(kql_parser *p, kql_span sp, bool b);
/* Errors: each records the first error only. */
KQL_INTERNAL void parse_unsupported(kql_parser *p, kql_span sp);
KQL_INTERNAL void parse_bad_operator(kql_parser *p, kql_span sp);
KQL_INTERNAL void parse_syntax_error(kql_parser *p, kql_span sp, const char *got, int gotkind,
                                     const char *const *expected, int n);
KQL_INTERNAL void parse_error_msg(kql_parser *p, kql_span sp, const char *msg);
/* The operator for string/list operator word 'w' of 'n' bytes, or -1. */
KQL_INTERNAL int parse_word_op(const char *w, size_t n);

#endif /* KQL_PARSE_H */
