/*
** jsonrd.h: streaming reader of JSON table files.  It yields one row object at a time,
** never the whole file, from:
**   - JSON Lines / NDJSON: one object per line (blank lines skipped; CRLF accepted);
**   - a JSON array of objects (split into elements while reading);
**   - a Log Analytics / Defender API export: {"tables":[{"name":..,"columns":[{"name":..,
**     "type":..}],"rows":[[..],..]}]} (rows become objects keyed by column name), and
**     {"Results":[...]} / {"value":[...]} wrappers holding an array of row objects.
** The format is detected from the first non-blank byte and the top-level key.
** Only this module and json.c include cJSON.h.
*/
#ifndef KQL_JSONRD_H
#define KQL_JSONRD_H

#include "internal.h"

typedef struct jsonrd jsonrd;

/* Open 'path' for reading.  On failure returns NULL, fills 'd' (KQL_ERR_IO, d->file set). */
KQL_INTERNAL jsonrd *jsonrd_open(const char *path, kql_diag *d);
/* Next row: 1 and '*obj' (a cJSON object owned by the reader, valid until the next call),
** 0 at the end, -1 on malformed input with 'd' holding file, line and column (1-based) of
** the problem and a message such as "expected ',' or ']'" or "a row is not a JSON object".
** '*line' is set to the 1-based line where the row starts. */
KQL_INTERNAL int jsonrd_next(jsonrd *r, void **obj, long *line, kql_diag *d);
/* Bytes consumed so far and the file's size (0 when unknown), for progress. */
KQL_INTERNAL uint64_t jsonrd_offset(const jsonrd *r);
KQL_INTERNAL void jsonrd_close(jsonrd *r);

#endif /* KQL_JSONRD_H */
