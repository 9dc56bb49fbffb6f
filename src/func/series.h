/*
** series.h: the series functions (series.c) that return several values, for the binder.
** Such a function returns a dynamic array with one element per value; the binder turns
** 'extend f(x)' and 'extend (a, b, ...) = f(x)' into one column per element.
*/
#ifndef KQL_FUNC_SERIES_H
#define KQL_FUNC_SERIES_H

#include "func.h"

/* One value of a function that returns several. */
typedef struct fn_output {
  const char *suffix;  /* the column name's end: series_fit_line_x_<suffix> */
  kql_type type;       /* the column's type */
} fn_output;

/* The values function 'name' returns, '*n' of them, or NULL when it returns one. */
KQL_INTERNAL const fn_output *fn_outputs(const char *name, int *n);

#endif /* KQL_FUNC_SERIES_H */
