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

#endif /* KQL_STROPS_H */
