/*
** regex.h: regular expressions for KQL (matches regex, parse kind=regex, extract,
** replace_regex, ...) over PCRE2, with Kusto's RE2 syntax taken as PCRE2 syntax, UTF-8
** mode, and match and depth limits so that no pattern backtracks without bound.
*/
#ifndef KQL_REGEX_H
#define KQL_REGEX_H

#include "internal.h"

typedef struct kql_regex kql_regex;

/* Compile 'pat' ('n' bytes) with 'flags' (a Kusto flags string such as "i", "U", "m", "s",
** or NULL).  On error returns NULL and writes a message into 'err' ('errlen' bytes). */
KQL_INTERNAL kql_regex *regex_compile(const char *pat, size_t n, const char *flags, char *err,
                                      size_t errlen);
KQL_INTERNAL void regex_free(kql_regex *re);
/* Match 're' against 's': returns the number of capture pairs set in 'ovec' (group 0 first,
** offsets as start,end pairs, up to 'novec' pairs), 0 when there is no match, and -1 when
** the match limit was hit (treated as no match by callers). */
KQL_INTERNAL int regex_match(const kql_regex *re, const char *s, size_t n, size_t start,
                             size_t *ovec, int novec);
/* Number of capture groups of 're'. */
KQL_INTERNAL int regex_groups(const kql_regex *re);

#endif /* KQL_REGEX_H */
