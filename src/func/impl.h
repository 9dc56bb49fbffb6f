/*
** impl.h: the implementations registry.c lists: return-type rules, scalar functions
** (scalar.c) and aggregates (agg.c).  Private to src/func/.
*/
#ifndef KQL_FUNC_IMPL_H
#define KQL_FUNC_IMPL_H

#include "func.h"

/* Return-type rules. */
#define FN_TYPE(name) KQL_INTERNAL kql_type name(ast **args, int n, const char **err)
FN_TYPE(ty_bool);
FN_TYPE(ty_long);
FN_TYPE(ty_int);
FN_TYPE(ty_real);
FN_TYPE(ty_string);
FN_TYPE(ty_datetime);
FN_TYPE(ty_timespan);
FN_TYPE(ty_dynamic);
FN_TYPE(ty_arg0);
FN_TYPE(ty_now);
FN_TYPE(ty_ago);
FN_TYPE(ty_iff);
FN_TYPE(ty_bin);
FN_TYPE(ty_sum);
FN_TYPE(ty_minmax);
FN_TYPE(ty_count);

/* Scalars. */
#define FN_SCALAR(name) KQL_INTERNAL void name(fn_ctx *c, const kql_value *args, int n, kql_value *out)
FN_SCALAR(f_now);
FN_SCALAR(f_ago);
FN_SCALAR(f_tostring);
FN_SCALAR(f_tolower);
FN_SCALAR(f_toupper);
FN_SCALAR(f_strlen);
FN_SCALAR(f_isempty);
FN_SCALAR(f_isnotempty);
FN_SCALAR(f_isnull);
FN_SCALAR(f_isnotnull);
FN_SCALAR(f_iff);
FN_SCALAR(f_bin);
FN_SCALAR(f_not);
FN_SCALAR(f_strcat);
FN_SCALAR(f_tolong);
FN_SCALAR(f_toint);
FN_SCALAR(f_toreal);
FN_SCALAR(f_todatetime);
FN_SCALAR(f_totimespan);
FN_SCALAR(f_tobool);
FN_SCALAR(f_todynamic);

/* Aggregates. */
#define FN_STEP(name) KQL_INTERNAL void name(fn_ctx *c, void *st, const kql_value *args, int n)
#define FN_FINAL(name) KQL_INTERNAL void name(fn_ctx *c, void *st, kql_type t, kql_value *out)
FN_STEP(a_count_step);
FN_STEP(a_countif_step);
FN_FINAL(a_count_final);
FN_STEP(a_min_step);
FN_STEP(a_max_step);
FN_FINAL(a_minmax_final);
FN_STEP(a_sum_step);
FN_FINAL(a_sum_final);
FN_STEP(a_avg_step);
FN_FINAL(a_avg_final);
FN_STEP(a_dcount_step);
FN_FINAL(a_dcount_final);
FN_STEP(a_make_set_step);
FN_STEP(a_make_list_step);
FN_FINAL(a_make_final);

/* Aggregate states. */
typedef struct { int64_t n; } count_state;
typedef struct {
  bool has;        /* a value was seen */
  kql_value v;     /* the best so far, copied into the group arena */
} minmax_state;
typedef struct {
  int64_t i;       /* integer or timespan total */
  double r;        /* real total */
  int64_t n;       /* values added */
  bool real;       /* a real was added */
} sum_state;
typedef struct {
  kql_value *items; /* values in first-seen order */
  size_t n;         /* how many */
  size_t cap;       /* room in items */
  uint32_t *slots;  /* open addressing: index+1 into items, 0 empty */
  size_t nslots;    /* power of two */
  bool full;        /* reached the cap: ignore further values */
} set_state;


#endif /* KQL_FUNC_IMPL_H */
