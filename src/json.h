/*
** json.h: the boundary between kql values and JSON (with jsonrd.c, the only code that
** includes cJSON.h).  Converts JSON row fields to typed values, dynamic literals to JSON
** text, dynamic values to their parts, and values to JSON output.
*/
#ifndef KQL_JSON_H
#define KQL_JSON_H

#include <stdio.h>

#include "value.h"

/* Outcome of converting a JSON field to a column type. */
typedef enum json_fit {
  JSON_FIT_OK,      /* converted */
  JSON_FIT_NULL,    /* JSON null or missing */
  JSON_FIT_BAD      /* present but not of the column's type: the value is null */
} json_fit;

/* Convert JSON node 'node' (a cJSON *, NULL when the key is missing) to type 't';
** strings are copied into 'a'. */
KQL_INTERNAL json_fit json_to_value(const void *node, kql_type t, arena *a, kql_value *out);
/* Infer the type of a JSON node for schema inference; KQL_T_NULL for null. */
KQL_INTERNAL kql_type json_infer_type(const void *node);
/* The object member of 'obj' named 'name' (exact, then case-insensitive), or NULL. */
KQL_INTERNAL const void *json_member(const void *obj, const char *name);
/* Call 'fn' for each member name of object 'obj' in order. */
KQL_INTERNAL void json_each_key(const void *obj, void (*fn)(void *ctx, const char *key,
                                                             const void *node), void *ctx);

/* Read schema file 'path' ({"Table": {"Column": "type", ...}}) for table 'name' into a
** malloc'ed array '*cols' of '*n' columns (names malloc'ed). */
struct cat_col;
KQL_INTERNAL kql_status json_read_schema(const char *path, const char *name, struct cat_col **cols,
                                         int *n, kql_diag *d);
/* Infer a schema from the first rows of data file 'path' (keys in first-seen order; types
** from the values: ISO 8601 strings are datetimes, whole numbers longs, ...). */
KQL_INTERNAL kql_status json_infer_schema(const char *path, struct cat_col **cols, int *n,
                                          kql_diag *d);

/* Turn the text inside dynamic( ... ) (Kusto's JSON with 'single quoted' strings, datetime(),
** timespan literals...) into compact JSON text in 'a'.  Returns NULL on a syntax error and
** sets '*err_off' to the offending byte. */
KQL_INTERNAL const char *json_dynamic_literal(arena *a, const char *s, size_t n, size_t *outlen,
                                              size_t *err_off);
/* Parse 'text' and re-emit it compactly as a dynamic value; returns false when not JSON. */
KQL_INTERNAL bool json_parse_dynamic(arena *a, const char *s, size_t n, kql_value *out);
/* The value as it appears inside a dynamic value: JSON text of a scalar. */
KQL_INTERNAL kql_value json_value_to_dynamic(arena *a, kql_value v);
/* 'd' indexed by key 'key' (property bag) or by 'idx' (array, negative from the end);
** null dynamic when absent. */
KQL_INTERNAL kql_value json_dyn_member(arena *a, kql_value d, const char *key, size_t klen);
KQL_INTERNAL kql_value json_dyn_index(arena *a, kql_value d, int64_t idx);
/* A dynamic holding a JSON string becomes that string; anything else its JSON text. */
KQL_INTERNAL kql_value json_dyn_tostring(arena *a, kql_value d);
/* Build a JSON array text from 'n' values. */
KQL_INTERNAL kql_value json_make_array(arena *a, const kql_value *v, size_t n);

/* Write 'v' as a JSON value to 'f' (DESIGN.md section 5). */
KQL_INTERNAL void json_write_value(FILE *f, const kql_value *v);
/* Write 's' as a JSON string literal. */
KQL_INTERNAL void json_write_string(FILE *f, const char *s, size_t n);
/* Format a real the way Kusto prints it (shortest round-trip, "NaN", "Infinity"); returns
** length; 'buf' holds >= 40 bytes. */
KQL_INTERNAL size_t json_format_real(double r, char *buf);

#endif /* KQL_JSON_H */
