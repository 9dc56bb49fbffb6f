/*
** regex.c: PCRE2 behind a small interface (see regex.h).  Every match uses a match
** context with a match limit and a depth limit, so a hostile pattern or subject fails to
** match instead of running for hours.
*/
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regex.h"

#define REGEX_MATCH_LIMIT 1000000u /* backtracking steps per match */
#define REGEX_DEPTH_LIMIT 10000u   /* nested backtracking depth */

struct kql_regex {
  pcre2_code *code;            /* the compiled pattern */
  pcre2_match_context *mctx;   /* with the limits */
  pcre2_match_data *md;        /* scratch for matches */
};

kql_regex *regex_compile(const char *pat, size_t n, const char *flags, char *err, size_t errlen) {
  uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  for (const char *f = flags; f && *f; f++) {
    switch (*f) {
    case 'i': opts |= PCRE2_CASELESS; break;
    case 'm': opts |= PCRE2_MULTILINE; break;
    case 's': opts |= PCRE2_DOTALL; break;
    case 'U': opts |= PCRE2_UNGREEDY; break;
    default: break;
    }
  }
  int code;
  PCRE2_SIZE off;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, n, opts, &code, &off, NULL);
  if (!re) {
    PCRE2_UCHAR msg[160];
    pcre2_get_error_message(code, msg, sizeof msg);
    snprintf(err, errlen, "invalid regular expression: %s at offset %zu", (const char *)msg,
             (size_t)off);
    return NULL;
  }
  kql_regex *r = xcalloc(1, sizeof *r);
  r->code = re;
  r->mctx = pcre2_match_context_create(NULL);
  pcre2_set_match_limit(r->mctx, REGEX_MATCH_LIMIT);
  pcre2_set_depth_limit(r->mctx, REGEX_DEPTH_LIMIT);
  r->md = pcre2_match_data_create_from_pattern(re, NULL);
  return r;
}

void regex_free(kql_regex *r) {
  if (!r) return;
  pcre2_match_data_free(r->md);
  pcre2_match_context_free(r->mctx);
  pcre2_code_free(r->code);
  free(r);
}

int regex_groups(const kql_regex *r) {
  uint32_t n = 0;
  pcre2_pattern_info(r->code, PCRE2_INFO_CAPTURECOUNT, &n);
  return (int)n;
}

int regex_match(const kql_regex *r, const char *s, size_t n, size_t start, size_t *ovec,
                int novec) {
  int rc = pcre2_match(r->code, (PCRE2_SPTR)(s ? s : ""), n, start, 0, r->md, r->mctx);
  if (rc == PCRE2_ERROR_NOMATCH) return 0;
  if (rc < 0) return -1;
  PCRE2_SIZE *v = pcre2_get_ovector_pointer(r->md);
  int pairs = (int)pcre2_get_ovector_count(r->md);
  int k = pairs < novec ? pairs : novec;
  for (int i = 0; i < k; i++) {
    bool unset = v[2 * i] == PCRE2_UNSET;
    ovec[2 * i] = unset ? (size_t)-1 : v[2 * i];
    ovec[2 * i + 1] = unset ? (size_t)-1 : v[2 * i + 1];
  }
  return rc == 0 ? k : (rc < k ? rc : k);
}
