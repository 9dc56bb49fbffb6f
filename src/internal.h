/*
** internal.h: definitions shared by every module of libkql: visibility, spans, the
** per-query arena allocator and diagnostics helpers.  Nothing here is public.
*/
#ifndef KQL_INTERNAL_H
#define KQL_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kql.h"

#if defined(__GNUC__)
#define KQL_INTERNAL __attribute__((visibility("hidden")))
#define KQL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define KQL_INTERNAL
#define KQL_PRINTF(f, a)
#endif

#define KQL_UNUSED(x) ((void)(x))
#define KQL_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A span of the query text: byte offsets, end exclusive. */
typedef struct kql_span {
  uint32_t start; /* first byte */
  uint32_t end;   /* one past the last byte */
} kql_span;

/* Where query line k (0-based) of a query taken out of a bigger file stands in that file. */
struct kql_srcmap {
  const char *text;  /* the whole file's text, for showing the source line */
  size_t len;        /* its length in bytes */
  int nlines;        /* number of entries in line[] and col0[] */
  long *line;        /* 1-based file line of query line k */
  long *col0;        /* bytes on that file line before query line k starts */
};

/* ---- arena.c: bump allocator; everything allocated from it is freed at once ---- */
typedef struct arena arena;
KQL_INTERNAL arena *arena_new(void);
KQL_INTERNAL void arena_free(arena *a);
KQL_INTERNAL void arena_reset(arena *a);          /* forget all allocations, keep one block */
KQL_INTERNAL void *arena_alloc(arena *a, size_t n); /* 16-byte aligned, zeroed */
KQL_INTERNAL char *arena_strndup(arena *a, const char *s, size_t n);
KQL_INTERNAL char *arena_strdup(arena *a, const char *s);
KQL_INTERNAL char *arena_printf(arena *a, const char *fmt, ...) KQL_PRINTF(2, 3);
KQL_INTERNAL size_t arena_used(const arena *a);    /* bytes held, for memory limits */

/* ---- xmalloc: every heap allocation outside arenas; aborts cleanly on OOM ---- */
KQL_INTERNAL void *xmalloc(size_t n);
KQL_INTERNAL void *xcalloc(size_t n, size_t m);
KQL_INTERNAL void *xrealloc(void *p, size_t n);
KQL_INTERNAL char *xstrdup(const char *s);

/* ---- diag.c ---- */
/* Fill 'd' with 'code', a span and a printf-style message; returns 'code'. */
KQL_INTERNAL kql_status diag_set(kql_diag *d, kql_status code, kql_span sp, const char *fmt, ...)
    KQL_PRINTF(4, 5);
/* Same without a location. */
KQL_INTERNAL kql_status diag_nospan(kql_diag *d, kql_status code, const char *fmt, ...)
    KQL_PRINTF(3, 4);
KQL_INTERNAL void diag_hint(kql_diag *d, const char *fmt, ...) KQL_PRINTF(2, 3);
/* Levenshtein distance, for "did you mean" hints. */
KQL_INTERNAL int diag_edit_distance(const char *a, const char *b);
/* Best candidate among 'n' names close to 'name', or NULL. */
KQL_INTERNAL const char *diag_suggest(const char *name, const char *const *names, int n);

#endif /* KQL_INTERNAL_H */
