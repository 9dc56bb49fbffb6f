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
/* Build a JSON property bag text from 'n' names and values. */
KQL_INTERNAL kql_value json_make_bag(arena *a, const char *const *names, const kql_value *v, size_t n);
/* Build a JSON array text from 'n' values. */
KQL_INTERNAL kql_value json_make_array(arena *a, const kql_value *v, size_t n);

/* The top-level elements of dynamic 'd' for mv-expand, as dynamic values in 'a': an
** array's items; a property bag's entries as one-entry bags ({"k":v}), or as ["k",v] when
** 'bag_as_array'; a null as one null; any other scalar as itself.  Returns the count; '*out'
** is set to an arena array. */
KQL_INTERNAL size_t json_dyn_elements(arena *a, kql_value d, bool bag_as_array, kql_value **out);
/* Cast dynamic scalar 'd' to type 't' as mv-expand's "to typeof(t)" does: a value of
** another JSON type becomes null. */
KQL_INTERNAL kql_value json_dyn_cast(arena *a, kql_value d, kql_type t);

/* For bag_unpack: call 'fn' with each key of property bag 'd' and the type its value
** suggests (json_infer_type); nothing for a value that is not a bag. */
KQL_INTERNAL void json_dyn_each_key(kql_value d, void (*fn)(void *ctx, const char *key, kql_type t),
                                    void *ctx);
/* For bag_unpack: the values of keys 'names' (types 'types') of bag 'd' into 'out'; a key the
** bag lacks, or a value of another type, is null (strings keep their text). */
KQL_INTERNAL void json_dyn_fields(arena *a, kql_value d, const char *const *names,
                                  const kql_type *types, int n, kql_value *out);

/* Write 'v' as a JSON value to 'f' (DESIGN.md section 5). */
KQL_INTERNAL void json_write_value(FILE *f, const kql_value *v);
/* Write 's' as a JSON string literal. */
KQL_INTERNAL void json_write_string(FILE *f, const char *s, size_t n);
/* Length of the well-formed UTF-8 character at 's' ('n' bytes left, s[0] >= 0x80), or 0 when
** s[0] does not start one (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF). */
KQL_INTERNAL size_t json_utf8_char(const unsigned char *s, size_t n);
/* Format a real the way Kusto prints it (shortest round-trip, "NaN", "Infinity"); returns
** length; 'buf' holds >= 40 bytes. */
KQL_INTERNAL size_t json_format_real(double r, char *buf);

/* ---- walking and building dynamic values, without cJSON (for src/func) ----
** A dynamic value is compact JSON text; these read it in place and build new text in an
** arena, so the functions of src/func never parse a whole tree.  Views returned point into
** the walked value's text and live as long as it does. */

/* What JSON text 'p' (of 'n' bytes) holds, from its first non-blank byte. */
typedef enum json_kind {
  JSON_K_INVALID, /* empty or not JSON */
  JSON_K_NULL,    /* null */
  JSON_K_BOOL,    /* true or false */
  JSON_K_NUMBER,  /* a number */
  JSON_K_STRING,  /* "..." */
  JSON_K_ARRAY,   /* [...] */
  JSON_K_OBJECT   /* {...} */
} json_kind;
KQL_INTERNAL json_kind json_kind_of(const char *p, size_t n);
/* The kind of dynamic 'd': JSON_K_NULL for a null value of any type, JSON_K_INVALID when 'd'
** is not dynamic. */
KQL_INTERNAL json_kind json_dyn_kind(kql_value d);

/* Iterator over the elements of an array or the members of an object. */
typedef struct json_iter {
  const char *p;   /* next byte to read */
  const char *end; /* one past the container's text */
  bool obj;        /* iterating an object's members */
} json_iter;
/* Start iterating dynamic 'd'; false (and an empty iterator) when 'd' is neither an array nor
** an object. */
KQL_INTERNAL bool json_iter_begin(json_iter *it, kql_value d);
/* Next element: '*val' is its JSON text as a dynamic view; for an object, '*key' (when not
** NULL) is the member name decoded into 'a'.  Returns false at the end or on bad text. */
KQL_INTERNAL bool json_iter_next(json_iter *it, arena *a, kql_value *key, kql_value *val);
/* Number of elements of array 'd', or -1 when 'd' is not an array. */
KQL_INTERNAL int64_t json_array_length(kql_value d);

/* Decode JSON string literal text 'p' (with its quotes) into a string value in 'a'. */
KQL_INTERNAL kql_value json_str_decode(arena *a, const char *p, size_t n);
/* A dynamic scalar as a plain value: a JSON string becomes a string, a whole number a long,
** another number a real, true/false a bool, null a null dynamic; arrays and objects are
** returned as they are. */
KQL_INTERNAL kql_value json_dyn_scalar(arena *a, kql_value d);

/* Growable JSON text in an arena (abandoned blocks stay in the arena until it is reset). */
typedef struct json_buf {
  arena *a;    /* where the text lives */
  char *p;     /* the text */
  size_t n;    /* bytes used */
  size_t cap;  /* room */
} json_buf;
KQL_INTERNAL void json_buf_raw(json_buf *b, const char *s, size_t n);
/* Append 's' as a JSON string literal. */
KQL_INTERNAL void json_buf_str(json_buf *b, const char *s, size_t n);
/* Append value 'v' as it appears inside a dynamic value (as json_make_array writes it). */
KQL_INTERNAL void json_buf_value(json_buf *b, const kql_value *v);
/* The text built so far, as a dynamic value (the buffer stays usable). */
KQL_INTERNAL kql_value json_buf_dynamic(const json_buf *b);

#endif /* KQL_JSON_H */
