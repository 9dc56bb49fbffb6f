/*
** exec.h: the executor.  A bound query becomes a pipeline of operators (src/ops/), each a
** small vtable; batches of up to EXEC_BATCH rows flow from scans to the sink.
**
** INTERFACE ROUTINES
**   exec_build()  - turn the bound result node into an operator tree
**   op->vt->next() - produce the next batch: EXEC_BATCH, EXEC_DONE or EXEC_ERROR
**   exec_free()   - close every operator
** EXAMPLE: "T | where x > 1 | summarize count() by y" builds summarize <- where <- scan;
** the sink pulls summarize, which pulls where until it is done, then emits its groups.
*/
#ifndef KQL_EXEC_H
#define KQL_EXEC_H

#include <signal.h>
#include <stdio.h>

#include "bind.h"
#include "func/func.h"

#define EXEC_BATCH 1024 /* rows in a batch */

/* A batch of rows, columnar: cols[c][r].  Rows in play are sel[0..nsel) when sel is
** set, else 0..nrows. */
typedef struct batch {
  int ncols;           /* columns */
  int nrows;           /* rows stored */
  kql_value **cols;    /* ncols arrays of EXEC_BATCH values */
  int *sel;            /* selection vector (EXEC_BATCH entries) or NULL */
  int nsel;            /* entries in use in sel */
  arena *mem;          /* strings of this batch; reset when the batch is refilled */
} batch;

/* Results of op_vtab.next.  ORDER: none. */
typedef enum exec_result {
  EXEC_BATCH_READY,    /* '*out' holds rows (maybe none selected) */
  EXEC_DONE,           /* no more rows */
  EXEC_ERROR           /* the query failed: the context's diagnostic says why */
} exec_result;

typedef struct exec_ctx {
  arena *a;            /* query arena: operator state */
  kql_diag *d;         /* the first runtime error */
  int64_t now;         /* now() for the whole query */
  uint64_t rng;        /* rand()'s generator state, advanced by every call (0: not seeded yet) */
  uint64_t rows_bad;   /* values that did not fit their column's type */
  char bad_first[512]; /* where the first of them was */
  bool strict;         /* treat a value that does not fit as an error */
  bool failed;         /* an error inside an expression (a subquery): 'd' says why */
  struct subq_cache *subq; /* results of subqueries (in (T), toscalar(T)), run once */
  struct regex_cache *regex; /* compiled patterns, per expression node */
  catalog *cat;        /* for the files externaldata names */
  uint64_t max_mem;    /* bytes the operators may hold in all (0: no limit) */
  uint64_t mem;        /* bytes they hold now, as charged with exec_charge() */
  struct exec_window *win; /* the serialized rows while a window function is evaluated */
  struct apply_rows *apply; /* the rows of a mv-apply subquery being built */
  /* analyze.c: figures, tracing, progress and cancellation; NULL when not asked for */
  struct an_run *an;   /* what to watch (exec_build wraps operators through an_wrap) */
  volatile sig_atomic_t *cancel; /* non-zero: stop between batches ("query cancelled") */
  /* rawfilter.c: the raw-text filter planned for the scan of node 'rawf_table' */
  const ast *rawf_table; /* an AST_TABLE, or NULL */
  struct jsfilter *rawf; /* its filter (query arena) */
  /* exec.c: a take over the scan of node 'limit_table', with only row-for-row operators
  ** between, needs at most 'limit_rows' of its rows: the scan reads no more */
  const ast *limit_table; /* an AST_TABLE, or NULL */
  int64_t limit_rows;
} exec_ctx;

/* The rows a mv-apply or partition subquery reads (its AST_APPLYSRC): set by the operator
** before it builds the subquery. */
typedef struct apply_rows {
  kql_value **rows;   /* each row */
  size_t n;           /* how many */
  int ncols;          /* values per row */
} apply_rows;

/* All rows of an operator's input, for row_number(), prev() and next(). */
typedef struct exec_window {
  kql_value **rows;    /* each row's values */
  size_t n;            /* rows */
  size_t cur;          /* the row being computed */
  int ncols;           /* values per row */
  struct win_state *st; /* per call of row_number(start, restart), row_cumsum(),
                        ** row_window_session() and row_rank_*(): what the previous row left
                        ** (malloc'd) */
  int nst;             /* how many */
} exec_window;

/* What a stateful window call carries from one row to the next. */
typedef struct win_state {
  const void *call;    /* the AST_CALL */
  kql_value acc;       /* row_number: the last number; row_cumsum: the sum; row_window_session:
                       ** the session's start */
  kql_value last;      /* row_window_session: the previous row's value */
  int64_t pos;         /* row_rank_min: the row's position since the last restart */
} win_state;

typedef struct op op;
typedef struct op_vtab {
  const char *name;                              /* operator name for explain */
  exec_result (*next)(op *o, batch **out);       /* the next batch */
  void (*close)(op *o);                          /* release what open took */
} op_vtab;

/* The common head of every operator. */
struct op {
  const op_vtab *vt;   /* what it does */
  op *child;           /* its input, or NULL for a scan */
  const ast *node;     /* the AST node it runs */
  exec_ctx *x;         /* the query's context */
  uint64_t rows_out;   /* rows emitted (explain --analyze) */
  size_t held;         /* bytes charged by this operator (exec_charge) */
};

/* Record that operator 'o' now holds 'bytes' of rows and state in all (it replaces what 'o'
** charged before).  Returns false, with the query's diagnostic set (KQL_ERR_NOMEM, at the
** operator), when the operators of the query together pass its memory limit; the operator
** then returns EXEC_ERROR. */
KQL_INTERNAL bool exec_charge(op *o, size_t bytes);

/* Release what a run's context holds outside its arena (compiled patterns). */
KQL_INTERNAL void exec_ctx_free(exec_ctx *x);
KQL_INTERNAL op *exec_build(exec_ctx *x, const ast *n, kql_diag *d);
KQL_INTERNAL void exec_free(op *o);
/* Write the pipeline of 'n' (source text 'src'), the source first, one step a line. */
KQL_INTERNAL void exec_explain(const ast *n, const char *src, FILE *out);
/* The same with a note before each step ('n' its node) and before each other line (NULL):
** 'kql explain --analyze' writes its figures there. */
typedef void (*exec_note_fn)(void *ctx, const ast *n, FILE *out);
KQL_INTERNAL void exec_explain_notes(const ast *n, const char *src, FILE *out, exec_note_fn note,
                                     void *ctx);
/* Write the text of span 'sp' of 'src' on one line, blanks folded. */
KQL_INTERNAL void exec_put_span(FILE *out, const char *src, kql_span sp);

/* The first-column values of subquery 'n' (run once per query run, then cached);
** false after an error (x->failed set). */
/* The compiled regular expression 'pat' for expression node 'n' (cached per query run);
** NULL with x->failed and x->d set when it does not compile. */
struct kql_regex;
KQL_INTERNAL struct kql_regex *exec_regex(exec_ctx *x, const ast *n, const char *pat, size_t len);
KQL_INTERNAL bool exec_subquery(exec_ctx *x, const ast *n, const kql_value **vals, size_t *count);

/* Batches. */
KQL_INTERNAL batch *batch_new(arena *a, int ncols);
KQL_INTERNAL void batch_free(batch *b);
KQL_INTERNAL void batch_clear(batch *b);
/* Fill 'b' with up to EXEC_BATCH of the held rows rows[*emitted .. n) (each 'ncols' values),
** advance *emitted, count them in o->rows_out, and return EXEC_BATCH_READY with *out = b, or
** EXEC_DONE when none is left: the last step of the operators that hold their result rows. */
KQL_INTERNAL exec_result exec_emit_rows(op *o, batch *b, kql_value *const *rows, size_t n,
                                        size_t *emitted, int ncols, batch **out);
/* Number of rows in play, and the index of the i'th one. */
static inline int batch_count(const batch *b) { return b->sel ? b->nsel : b->nrows; }
static inline int batch_row(const batch *b, int i) { return b->sel ? b->sel[i] : i; }

/* Expressions (expr.c): evaluate 'n' for row 'row' of 'b'.  Strings go to 'tmp'. */
KQL_INTERNAL void expr_eval(exec_ctx *x, arena *tmp, const ast *n, const batch *b, int row,
                            kql_value *out);
/* A predicate's value: true only for a non-null true. */
KQL_INTERNAL bool expr_true(const kql_value *v);

/* Operator constructors (src/ops/). */
KQL_INTERNAL op *op_scan_new(exec_ctx *x, const ast *n, kql_diag *d);
KQL_INTERNAL op *op_where_new(exec_ctx *x, const ast *n, op *child);
KQL_INTERNAL op *op_project_new(exec_ctx *x, const ast *n, op *child);
KQL_INTERNAL op *op_summarize_new(exec_ctx *x, const ast *n, op *child);
KQL_INTERNAL op *op_makeseries_new(exec_ctx *x, const ast *n, op *child);
KQL_INTERNAL op *op_take_new(exec_ctx *x, const ast *n, op *child);
KQL_INTERNAL op *op_sort_new(exec_ctx *x, const ast *n, op *child);
KQL_INTERNAL op *op_count_new(exec_ctx *x, const ast *n, op *child);
KQL_INTERNAL op *op_values_new(exec_ctx *x, const ast *n);
KQL_INTERNAL op *op_range_new(exec_ctx *x, const ast *n);
KQL_INTERNAL op *op_union_new(exec_ctx *x, const ast *n);
KQL_INTERNAL op *op_join_new(exec_ctx *x, const ast *n, op *left, kql_diag *d);
KQL_INTERNAL op *op_mvexpand_new(exec_ctx *x, const ast *n, op *child);
KQL_INTERNAL op *op_mvapply_new(exec_ctx *x, const ast *n, op *child);
KQL_INTERNAL op *op_applysrc_new(exec_ctx *x, const ast *n);
KQL_INTERNAL op *op_partition_new(exec_ctx *x, const ast *n, op *child);
KQL_INTERNAL op *op_bagunpack_new(exec_ctx *x, const ast *n, op *child);
KQL_INTERNAL op *op_pivot_new(exec_ctx *x, const ast *n, op *child);
KQL_INTERNAL op *op_ipv4lookup_new(exec_ctx *x, const ast *n, op *child, kql_diag *d);
KQL_INTERNAL op *op_external_new(exec_ctx *x, const ast *n, kql_diag *d);
KQL_INTERNAL op *op_parse_new(exec_ctx *x, const ast *n, op *child, kql_diag *d);
KQL_INTERNAL op *op_parsekv_new(exec_ctx *x, const ast *n, op *child, kql_diag *d);
KQL_INTERNAL op *op_topnested_new(exec_ctx *x, const ast *n, op *child);

#endif /* KQL_EXEC_H */
