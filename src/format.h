/*
** format.h: writers of result rows in kql's output formats: table (aligned, for a
** terminal), json (an array of row objects), ndjson (one object a line) and csv.
** json, ndjson and csv stream; table keeps the rendered cells to align them.
*/
#ifndef KQL_FORMAT_H
#define KQL_FORMAT_H

#include <stdio.h>

#include "value.h"

typedef struct fmt_writer fmt_writer;

/* Start writing 'ncols' columns named 'names' of types 'types' to 'out' in 'f'. */
KQL_INTERNAL fmt_writer *fmt_open(FILE *out, kql_format f, int ncols, const char *const *names,
                                  const kql_type *types);
/* Write one row of 'ncols' values. */
KQL_INTERNAL void fmt_row(fmt_writer *w, const kql_value *row);
/* Finish (closing bracket, or the whole table with its row count) and free 'w'.  With 'ok'
** false (the query failed) only free it: no header if no row was written. */
KQL_INTERNAL void fmt_close(fmt_writer *w, bool ok);
/* Parse a format name; -1 when unknown. */
KQL_INTERNAL int fmt_from_name(const char *name);

#endif /* KQL_FORMAT_H */
