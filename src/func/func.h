/*
** func.h: the function registry: one static table of scalar and aggregate functions,
** sorted by name and looked up with bsearch (registry.c).  Arity is checked by the binder
** from the table; each function's return type comes from its 'type' rule.
*/
#ifndef KQL_FUNC_H
#define KQL_FUNC_H

#include "../ast.h"

/* What a function needs while it runs. */
typedef struct fn_ctx {
  arena *tmp;          /* results that live as long as the current batch */
  arena *keep;         /* aggregate state: lives as long as the group */
  int64_t now;         /* now(), in ticks, the same for the whole query */
  uint64_t *rng;       /* rand()'s generator state for the query, or NULL */
} fn_ctx;

/* Allowed values of fn_def.flags. */
#define FN_AGG 0x1       /* an aggregate: init/step/final instead of eval */
#define FN_STAR 0x2      /* accepts '*' as its argument (count(*)) */
#define FN_ARGMAX 0x4    /* arg_max/arg_min: the summarize operator runs it (several columns) */
#define FN_ARGMIN 0x8    /* with FN_ARGMAX: the smallest instead */
#define FN_WINDOW 0x10   /* row_number/prev/next: needs the serialized rows (expr.c) */

typedef struct fn_def {
  const char *name;    /* the name, lower case, as queries write it */
  int min_args;        /* fewest arguments */
  int max_args;        /* most arguments */
  int flags;           /* FN_* */
  /* The result type from the bound arguments, or KQL_T_COUNT_ with 'err' set to a
  ** message when an argument's type does not fit. */
  kql_type (*type)(ast **args, int n, const char **err);
  /* Scalar: compute 'out' from 'args'. */
  void (*eval)(fn_ctx *c, const kql_value *args, int n, kql_value *out);
  /* Aggregate: state of 'state_size' bytes, zeroed, then step per row and final. */
  size_t state_size;
  void (*step)(fn_ctx *c, void *state, const kql_value *args, int n);
  void (*final)(fn_ctx *c, void *state, kql_type t, kql_value *out);
  int naming;          /* how an unnamed result column is named: FN_NAME_* */
  const char *prefix;  /* FN_NAME_PREFIX: the prefix, e.g. "set" for make_set -> set_X */
  const char *summary; /* one line for kql help */
} fn_def;

/* Allowed values of fn_def.naming: how Kusto names the column of an unnamed call. */
#define FN_NAME_NONE 0   /* Column1, Column2, ... */
#define FN_NAME_ARG 1    /* the name of the first argument: tostring(X) -> X */
#define FN_NAME_PREFIX 2 /* prefix_ and the first argument's name: strlen(X) -> strlen_X */
#define FN_NAME_FIXED 3  /* always 'prefix': hll_merge(h1, h2) -> hll_merged_result */

KQL_INTERNAL const fn_def *fn_lookup(const char *name);
/* The function a call of 'name' with 'nargs' arguments means: fn_lookup()'s, except for a
** name Kusto gives an aggregate and a scalar form (hll_merge(h) sums a column,
** hll_merge(h1, h2, ...) merges its arguments), told apart by the argument count. */
KQL_INTERNAL const fn_def *fn_resolve(const char *name, int nargs);
/* True when 'name' is a Kusto function kql does not have yet. */
KQL_INTERNAL bool fn_known_unsupported(const char *name);
KQL_INTERNAL const fn_def *fn_table(size_t *n);
/* The functions the binder handles itself (column_ifexists, percentiles, ...), sorted: listed
** by kql_function() with the table's, never found by fn_lookup(). */
KQL_INTERNAL const fn_def *fn_forms(size_t *n);
/* geo.c: open the MaxMind database at 'path' (kept open for the process); false with the
** reason in 'err' when it is not one. */
KQL_INTERNAL bool fn_geo_open(const char *path, char *err, size_t errlen);

#endif /* KQL_FUNC_H */
