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

#include <signal.h>

#include "internal.h"

typedef struct jsonrd jsonrd;

/* Open 'path' for reading.  On failure returns NULL, fills 'd' (KQL_ERR_IO, d->file set). */
KQL_INTERNAL jsonrd *jsonrd_open(const char *path, kql_diag *d);
/* Next row: 1 and '*obj' (a cJSON object owned by the reader, valid until the next call),
** 0 at the end, -1 on malformed input with 'd' holding file, line and column (1-based) of
** the problem and a message such as "expected ',' or ']'" or "a row is not a JSON object".
** '*line' is set to the 1-based line where the row starts. */
KQL_INTERNAL int jsonrd_next(jsonrd *r, void **obj, long *line, kql_diag *d);
/* Where a row's text is in the file and how it is read: what jsonrd_parse_row() needs to
** parse it later, away from the reader's buffer (another thread may scan it meanwhile). */
typedef struct jsonrd_place {
  long line;          /* 1-based line of the text's first byte */
  long col;           /* 1-based column of that byte */
  unsigned char form; /* how the row is read (the reader's FORM_*) */
} jsonrd_place;
/* The next row as text, not parsed (for the fast scan, src/jsonscan.h): 1 with the row's text
** in [*text, *text + *n) (blanks may surround it; valid until the next call) and its place in
** '*pl' ('pl->line' is what jsonrd_next() gives as '*line'), 0 at the end, -1 with 'd' filled
** when the file around the rows is wrong (the row itself is not checked). */
KQL_INTERNAL int jsonrd_next_row(jsonrd *r, const char **text, size_t *n, jsonrd_place *pl,
                                 kql_diag *d);
/* Make jsonrd_next_row() pass over, unread, the rows that filter 'f' rules out (src/jsonscan.h;
** NULL: none), until '*stop' (when 'stop' is not NULL) becomes non-zero: a cancelled query
** then gets rows at once.  Places and errors of the rows returned are unchanged. */
struct jsfilter;
KQL_INTERNAL void jsonrd_set_filter(jsonrd *r, const struct jsfilter *f,
                                    const volatile sig_atomic_t *stop);
/* Rows the filter passed over so far. */
KQL_INTERNAL uint64_t jsonrd_skipped(const jsonrd *r);
/* Under a filter, a row array's elements are cut ahead by a second thread (on a machine with
** two cores or more, a file of KQL_AHEAD_MIN bytes or more, default 8 MiB, and unless
** KQL_SCAN_THREADS=1): how many elements this reader took from it so far (this thread does
** not wait for it, unless KQL_AHEAD_WAIT=1, for tests).  The rows, places and errors are the
** same either way. */
KQL_INTERNAL uint64_t jsonrd_ahead_taken(const jsonrd *r);
/* Parse the text of a row that jsonrd_next_row() returned (or a copy of it) exactly as
** jsonrd_next() would have: 1 and '*obj' (owned by 'r', valid until the next call of this
** function), or -1 with the same error as jsonrd_next() (and the reader fails from then on). */
KQL_INTERNAL int jsonrd_parse_row(jsonrd *r, const char *text, size_t n, const jsonrd_place *pl,
                                  void **obj, kql_diag *d);
/* When the rows are arrays of values (a Log Analytics export), the names of the columns that
** key them, in order ('*ncols' of them, owned by 'r', fixed once a row is returned); else
** NULL. */
KQL_INTERNAL char *const *jsonrd_columns(const jsonrd *r, int *ncols);
/* Bytes consumed so far and the file's size (0 when unknown), for progress. */
KQL_INTERNAL uint64_t jsonrd_offset(const jsonrd *r);
KQL_INTERNAL void jsonrd_close(jsonrd *r);

#endif /* KQL_JSONRD_H */
