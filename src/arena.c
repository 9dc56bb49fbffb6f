/*
** arena.c: the bump allocator that holds a query's tokens, AST, plan and operator state,
** and the scratch memory of one batch.  Everything is freed at once by arena_free() or
** forgotten by arena_reset().  Also the xmalloc family used for all other heap memory.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define ARENA_BLOCK (64 * 1024) /* default block size */

typedef struct arena_block {
  struct arena_block *next; /* older block */
  size_t size;              /* usable bytes in data[] */
  size_t used;              /* bytes handed out */
  _Alignas(16) unsigned char data[]; /* the memory */
} arena_block;

struct arena {
  arena_block *head; /* newest block, allocations come from it */
  size_t total;      /* bytes of all blocks */
};

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    fputs("kql: out of memory\n", stderr);
    exit(3);
  }
  return p;
}

void *xcalloc(size_t n, size_t m) {
  void *p = calloc(n ? n : 1, m ? m : 1);
  if (!p) {
    fputs("kql: out of memory\n", stderr);
    exit(3);
  }
  return p;
}

void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fputs("kql: out of memory\n", stderr);
    exit(3);
  }
  return q;
}

char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = xmalloc(n);
  memcpy(p, s, n);
  return p;
}

static arena_block *block_new(size_t size) {
  arena_block *b = xmalloc(sizeof(arena_block) + size);
  b->next = NULL;
  b->size = size;
  b->used = 0;
  return b;
}

arena *arena_new(void) {
  arena *a = xmalloc(sizeof *a);
  a->head = block_new(ARENA_BLOCK);
  a->total = ARENA_BLOCK;
  return a;
}

void arena_free(arena *a) {
  if (!a) return;
  arena_block *b = a->head;
  while (b) {
    arena_block *next = b->next;
    free(b);
    b = next;
  }
  free(a);
}

/* Keep only the newest block (usually the largest), emptied. */
void arena_reset(arena *a) {
  arena_block *b = a->head->next;
  while (b) {
    arena_block *next = b->next;
    free(b);
    b = next;
  }
  a->head->next = NULL;
  a->head->used = 0;
  a->total = a->head->size;
}

void *arena_alloc(arena *a, size_t n) {
  n = (n + 15) & ~(size_t)15;
  arena_block *b = a->head;
  if (b->size - b->used < n) {
    size_t size = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;
    if (size == ARENA_BLOCK && a->total >= 8 * ARENA_BLOCK) size = 4 * ARENA_BLOCK;
    arena_block *nb = block_new(size);
    a->total += size;
    if (size == n && b->size - b->used > 256) {
      /* a large one-off: keep allocating from the current block */
      nb->next = b->next;
      b->next = nb;
      nb->used = n;
      memset(nb->data, 0, n);
      return nb->data;
    }
    nb->next = b;
    a->head = b = nb;
  }
  void *p = b->data + b->used;
  b->used += n;
  memset(p, 0, n);
  return p;
}

char *arena_strndup(arena *a, const char *s, size_t n) {
  char *p = arena_alloc(a, n + 1);
  if (n) memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *arena_strdup(arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

/* gcc 12 with -fsanitize=undefined reports a "null format string" here that cannot occur:
** the format is never null (KQL_PRINTF checks callers). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif
char *arena_printf(arena *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char probe[1];
  int n = vsnprintf(probe, sizeof probe, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  char *p = arena_alloc(a, (size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return p;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

size_t arena_used(const arena *a) { return a->total; }
