/*
** analyze.h: what a run needs to teach and to be interactive: per-operator figures for
** 'kql explain --analyze', the trace of one source row for 'kql explain --why', progress
** reports on long scans, and cancellation (Ctrl-C in the shell).
**
** exec_build() hands every operator it makes to an_wrap(), which puts a watcher in front
** of it (an operator itself, with the watched one as its child) when the run asks for it:
** sources are always watched when the run can be cancelled or reports progress, every
** operator when it collects figures.  A plain 'kql run' watches nothing but its sources.
** Figures are kept per AST node, summed over the operators that run the node, in an
** arena of the an_run, so they outlive the run's context and can be printed afterwards.
*/
#ifndef KQL_ANALYZE_H
#define KQL_ANALYZE_H

#include <stdio.h>

#include "exec.h"

/* Figures of one AST node. */
typedef struct an_node {
  const ast *node;       /* the tabular node */
  uint64_t rows_out;     /* rows its operators emitted */
  uint64_t batches;      /* batches they emitted */
  int64_t ns;            /* time spent in them, not counting their inputs (ns) */
  int ops;               /* operators built for the node (a let used twice: 2) */
  uint64_t rows_seen;    /* sources: rows read so far (--why finds its row by them) */
  uint64_t batch_base;   /* sources: the index of the first row of the latest batch */
  kql_value *last;       /* --why: a copy of the last row emitted (node->rel->n values) */
  struct an_node *next;  /* another node */
} an_node;

/* What a run watches, and what it found.  Zero it, set the fields, pass it to the run. */
typedef struct an_run {
  arena *a;              /* figures and kept rows; made by an_run_init */
  an_node *nodes;        /* figures per node */
  bool all;              /* watch every operator, not only the sources */
  bool keep_rows;        /* --why: keep the last row each operator emitted */
  const ast *trace_src;  /* --why: the source node whose rows are narrowed... */
  int64_t trace_row;     /* ...to this one (0-based); -1 for none */
  const ast *locate_src; /* --why PRED: the source whose row index is wanted: the first */
  int64_t located;       /* row its parent emits (0-based), or -1 */
  struct an_op *cur;     /* the watched operator running now (self time) */
  int64_t t0;            /* when the run started (monotonic ns) */
  int64_t total_ns;      /* how long it took, set by the caller */
  uint64_t rows_read;    /* rows all sources read */
  /* progress */
  void (*progress)(void *ctx, const kql_progress *p); /* called now and then, or NULL */
  void *progress_ctx;    /* its argument */
  int64_t t_last;        /* when it was last called */
  /* --why */
  void (*finish)(exec_ctx *x, void *ctx); /* called at the end of the run, context alive */
  void *finish_ctx;      /* its argument */
  int group_n;           /* set by an_why_report when the row went into a summarize group: */
  const char **group_names; /* the group's by-columns */
  kql_value *group_vals; /* and their values */
} an_run;

KQL_INTERNAL void an_run_init(an_run *r);
KQL_INTERNAL void an_run_free(an_run *r);
/* Monotonic clock in nanoseconds. */
KQL_INTERNAL int64_t an_clock(void);
/* Called by exec_build for each operator 'o' it made: 'o', or a watcher in front of it. */
KQL_INTERNAL op *an_wrap(exec_ctx *x, op *o);
/* The figures of 'n', or NULL when no operator ran it. */
KQL_INTERNAL const an_node *an_find(const an_run *r, const ast *n);
/* Rows 'n' emitted, looking through nodes that have no operator of their own (as, render,
** a tabular let's name). */
KQL_INTERNAL uint64_t an_rows_out(const an_run *r, const ast *n);

/* 'kql explain --analyze': the pipeline of 'result' (query text 'src') with rows in, rows
** out and time per step, after a run that collected figures in 'r'. */
KQL_INTERNAL void an_report(const an_run *r, const ast *result, const char *src, FILE *out);

/* The source node a row number in 'kql explain --why' counts rows of: the leftmost source
** of the pipeline, through tabular lets. */
KQL_INTERNAL const ast *an_main_source(const ast *result);
/* 'kql explain --why': after a run with 'r' tracing row r->trace_row of the main source,
** with its context 'x' still alive, write which step dropped the row and which condition
** failed.  'pred' is the predicate that picked the row, or NULL. */
KQL_INTERNAL void an_why_report(const an_run *r, exec_ctx *x, const ast *result, const char *src,
                                const char *pred, FILE *out);

#endif /* KQL_ANALYZE_H */
