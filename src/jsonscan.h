/*
** jsonscan.h: the projection-aware row scanner, the fast half of a table scan.  Given the text
** of one row (a JSON object, or for a Log Analytics export an array of values keyed by the
** table's column names) it checks the whole text and converts only the wanted members straight
** to kql values, skipping every other value by scanning: no cJSON tree is built.
**
** It accepts a subset of what cJSON and the reader accept (strict JSON with JSON's four
** blanks, numbers of at most 63 characters, no raw NUL and no \u0000, containers nested less
** than JSCAN_MAX_DEPTH deep) and converts what it accepts exactly as json_to_value() converts the cJSON
** node, with one deliberate difference: an integer (no fraction, no exponent) that fits in 64
** bits keeps all its digits, where cJSON rounds it to a double (long columns, string columns and
** numbers inside dynamic values).  On anything else (malformed text, a value that does not fit
** its column, a rare form) jscan_row() declines and the caller takes the cJSON path, which
** words errors and reports values that do not fit; tests/test_jsonscan.c checks both paths
** agree.
**
** A scanner owns its scratch memory; values it returns live in the arena passed to each call
** (or are static text).  One scanner per thread.
*/
#ifndef KQL_JSONSCAN_H
#define KQL_JSONSCAN_H

#include "value.h"

#define JSCAN_MAX_DEPTH 256 /* containers nested this deep make the scanner decline */

typedef struct jscan jscan;

/* A scanner for the 'n' wanted columns 'names' (copied) of types 'types'. */
KQL_INTERNAL jscan *jscan_new(int n, const char *const *names, const kql_type *types);
KQL_INTERNAL void jscan_free(jscan *s);
/* Rows are arrays of values keyed by the 'ncols' column names 'cols' (NULL: rows are objects).
** The names must stay valid while the scanner uses them; calling again with the same pointer
** does nothing. */
KQL_INTERNAL void jscan_set_columns(jscan *s, char *const *cols, int ncols);
/* Convert the row text [p, p+n) (JSON blanks allowed around it): true with out[k] the value
** of wanted column k (a null of its type when the member is missing or null), false when the
** scanner declines (the cJSON path must decide).  Strings go to 'a'; after a decline 'a' may
** hold garbage and 'out' is undefined. */
KQL_INTERNAL bool jscan_row(jscan *s, const char *p, size_t n, arena *a, kql_value *out);

/* ---- The raw-text filter: rows a where above the scan cannot keep, ruled out unread ----
** A where that needs a string column to hold a literal (has, contains, startswith, ==, =~ and
** their _cs forms, joined by 'and') can only keep a row whose text holds the literal's bytes
** (ASCII case folded for the case-insensitive forms), provided the literal is one the JSON
** text cannot hide (jscan_lit_ok) and the row has no '\u' escape and no control byte.  Such
** rows take the full path; so does one not framed as a row ('{'..'}', or '['..']' for the
** arrays of a Log Analytics export), which the full path reports as malformed.  A row ruled
** out is not converted, so a value in it that does not fit its column is not counted. */

/* One literal (the caller keeps its bytes) and whether case is folded. */
typedef struct jscan_lit {
  const char *p; /* bytes */
  size_t n;      /* length (> 0) */
  bool icase;    /* ASCII case folded (has, contains, =~ ...), else exact (_cs, ==) */
} jscan_lit;

typedef struct jsfilter jsfilter;

/* Can the literal [p, p+n) be looked for in the raw text of rows?  Its bytes must be printable
** ASCII other than '"', '\\', '/', ',', ':' and brackets (bytes that JSON escapes or that a
** printed object may regroup), and it must not be what a number turns into (only digits,
** '.', 'e', '+', '-', or a part of "-Infinity", "NaN", "null"). */
KQL_INTERNAL bool jscan_lit_ok(const char *p, size_t n);
/* A filter needing every one of the 'n' literals 'lits' (each jscan_lit_ok), copied with it
** into arena 'a'. */
KQL_INTERNAL jsfilter *jsfilter_new(arena *a, int n, const jscan_lit *lits);
/* Is row text [p, p+n) certain to fail the filter?  'arrays': rows are arrays of values.
** Thread-safe (the filter is not changed). */
KQL_INTERNAL bool jsfilter_rules_out(const jsfilter *f, const char *p, size_t n, bool arrays);

#endif /* KQL_JSONSCAN_H */
