/*
** diag.h: diagnostics helpers beyond the diag_* core in internal.h: turning a byte offset
** into a line and column, and filling a diagnostic that points into a file rather than into
** the query (bad YAML, malformed JSON data).  Nothing here allocates or keeps state.
*/
#ifndef KQL_DIAG_H
#define KQL_DIAG_H

#include "internal.h"

/* Set '*line' and '*col' (both 1-based) to the position of byte 'off' of 'src' ('len'
** bytes): 'line' is one more than the number of '\n' before 'off', 'col' one more than the
** number of bytes between the start of that line and 'off'.  An 'off' past the end is
** taken as 'len'.  Either pointer may be NULL. */
KQL_INTERNAL void diag_locate(const char *src, size_t len, size_t off, long *line, long *col);

/* Fill 'd' for a problem in the file 'file' (not the query) at 1-based 'line' and 'col'
** (0 when unknown): has_span is 0, d->file is 'file' (truncated to fit), the message is
** printf-style.  Returns 'code'.  kql_diag_render() shows it as "file:line:col: error: msg". */
KQL_INTERNAL kql_status diag_file(kql_diag *d, kql_status code, const char *file, long line,
                                  long col, const char *fmt, ...) KQL_PRINTF(6, 7);

#endif /* KQL_DIAG_H */
