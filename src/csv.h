/*
** csv.h: a streaming reader of CSV files (RFC 4180: quoted fields may hold commas,
** doubled quotes and line breaks; CRLF or LF line ends; a byte-order mark is skipped),
** for externaldata and watchlists.  One record at a time; memory bounded by a record.
*/
#ifndef KQL_CSV_H
#define KQL_CSV_H

#include "internal.h"

typedef struct csvrd csvrd;

/* Open 'path' with field separator 'sep' (',' for csv, '\t' for tsv, ';' for scsv, '|'
** for psv).  NULL with 'd' filled (KQL_ERR_IO, d->file) when it cannot be opened. */
KQL_INTERNAL csvrd *csvrd_open(const char *path, char sep, kql_diag *d);
/* Next record: 1 with '*fields'/'*lens' (valid until the next call) and '*n' set, 0 at the
** end, -1 on an unterminated quoted field (d filled with file, line, col). */
KQL_INTERNAL int csvrd_next(csvrd *r, char ***fields, size_t **lens, int *n, kql_diag *d);
KQL_INTERNAL long csvrd_line(const csvrd *r);
KQL_INTERNAL void csvrd_close(csvrd *r);

#endif /* KQL_CSV_H */
