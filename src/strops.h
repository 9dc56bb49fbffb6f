/*
** strops.h: Kusto's string operators (has, contains, startswith, ... and their negated and
** case-sensitive forms) over byte strings.  Terms, for has and its kin, are maximal runs
** of ASCII letters and digits; case folding is ASCII.
*/
#ifndef KQL_STROPS_H
#define KQL_STROPS_H

#include "internal.h"

/* Apply string operator 'op' (OP_HAS .. OP_NHASSUFFIX_CS of ast.h) to 'h' and needle 'n'. */
KQL_INTERNAL bool strop_apply(int op, const char *h, size_t hn, const char *n, size_t nn);
/* Case-insensitive equality (=~). */
KQL_INTERNAL bool strop_eq_ci(const char *a, size_t an, const char *b, size_t bn);

/* Simple case mapping of code point 'c' (ASCII, Latin-1, Latin Extended-A, Greek and
** Cyrillic; others unchanged).  The mappings keep the UTF-8 length of a character. */
KQL_INTERNAL uint32_t strop_lower_cp(uint32_t c);
KQL_INTERNAL uint32_t strop_upper_cp(uint32_t c);
/* Decode one UTF-8 character of at most 3 bytes from 's' ('n' bytes left); an invalid or
** longer sequence yields its first byte.  Returns the bytes used. */
KQL_INTERNAL size_t strop_utf8_decode(const char *s, size_t n, uint32_t *cp);
KQL_INTERNAL size_t strop_utf8_encode(uint32_t cp, char *out);

#endif /* KQL_STROPS_H */
