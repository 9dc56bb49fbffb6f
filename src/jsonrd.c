/*
** jsonrd.c: streaming reader of JSON table files (contract in jsonrd.h), the first step of a
** table scan.  Reads 1 MiB chunks, cuts out one row's text at a time (memchr on '\n' for JSON
** Lines, a string- and depth-aware scanner for arrays and export wrappers) and parses only
** that text with cJSON: memory is bounded by the largest row.  A strict checker words errors.
*/
#include "jsonrd.h"
#include "jsonscan.h"

#include <cjson/cJSON.h>
#include <errno.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK ((size_t)1 << 20) /* first buffer size and usual read size */
#define NOPIN ((size_t)-1)      /* jsonrd.pin when no byte is pinned */
#define AT_NONE ((size_t)-1)    /* fail(): the problem has no position in the file */
#define PEEK_EOF (-1)           /* peek(): the file ended */
#define PEEK_ERR (-2)           /* peek(): a read error, 'd' is filled */

#define MSG_CHAR "malformed JSON: unexpected character"
#define MSG_UNTERM "malformed JSON: unterminated string"
#define MSG_ESCAPE "malformed JSON: invalid escape in string"
#define MSG_NUMBER "malformed JSON: invalid number"
#define MSG_KEY "malformed JSON: expected a string key"
#define MSG_COLON "malformed JSON: expected ':'"
#define MSG_OBJ_SEP "malformed JSON: expected ',' or '}'"
#define MSG_ARR_SEP "malformed JSON: expected ',' or ']'"
#define MSG_DEEP "malformed JSON: nesting too deep"
#define MSG_EOL "malformed JSON: unexpected end of line"
#define MSG_EOV "malformed JSON: unexpected end of the row"
#define MSG_AFTER_ROW "malformed JSON: unexpected text after the row"
#define MSG_AFTER_ARRAY "malformed JSON: unexpected text after the closing ']'"
#define MSG_AFTER_DOC "malformed JSON: unexpected text after the end of the document"
#define MSG_TRUNC_ARRAY "truncated JSON: the array is not closed"
#define MSG_TRUNC_OBJECT "truncated JSON: the object is not closed"
#define MSG_TRUNC_ROW "truncated JSON: the row is not closed"

/* What the next jsonrd_next() call reads.  Allowed values of jsonrd.mode: */
enum {
  RD_START,  /* nothing read yet: detect the format */
  RD_LINES,  /* JSON Lines: one row per line */
  RD_ARRAY,  /* elements of a row array (top level, or inside a wrapper) */
  RD_SEQ,    /* concatenated JSON objects separated by blanks (pretty-printed by jq) */
  RD_DONE,   /* all rows returned */
  RD_FAILED  /* an error was reported; it is repeated */
};

/* How a row's text is read (jsonrd_place.form); form_after[] and form_eoi[] follow it.
** ORDER FORM */
enum {
  FORM_LINE,    /* a line of JSON Lines */
  FORM_ELEMENT, /* an element of a row array */
  FORM_TABLE,   /* an element of a Log Analytics table's rows: an array of values */
  FORM_SEQ      /* one of concatenated objects */
};

/* What holds the row array in RD_ARRAY.  Allowed values of jsonrd.wrap: */
enum {
  WRAP_NONE,  /* the array is the whole document */
  WRAP_LIST,  /* {"value":[...]} or {"Results":[...]}: elements are row objects */
  WRAP_TABLE  /* {"tables":[{"columns":[..],"rows":[..]}]}: elements are arrays of values */
};

/* Meaning of a member key of a wrapper object. */
enum { KEY_OTHER, KEY_LIST, KEY_TABLES, KEY_ROWS, KEY_COLUMNS };

struct jsonrd {
  int fd;             /* the open file */
  char *path;         /* its name, for messages */
  char *buf;          /* window on the file: buf[0..len) is file bytes base..base+len */
  size_t cap;         /* bytes allocated for buf: CHUNK, doubled when a row needs more */
  size_t len;         /* bytes of buf that hold data */
  size_t pos;         /* next byte to consume */
  size_t pin;         /* first byte a refill must keep, or NOPIN (begin_wrapper()) */
  size_t vstart;      /* first byte of the value take_value() is scanning */
  size_t scan;        /* where the line search or the value scan resumes */
  size_t depth;       /* value scan: brackets open */
  int instr;          /* value scan: inside a string */
  int eof;            /* read() has returned 0 */
  uint64_t base;      /* file offset of buf[0] */
  size_t lpos;        /* newlines are counted up to this byte of buf */
  long line;          /* 1-based line of buf[lpos] */
  uint64_t lstart;    /* file offset where that line starts (after a byte-order mark) */
  int mode;           /* RD_*: what the next call reads */
  int wrap;           /* WRAP_*: what holds the row array */
  int first;          /* RD_ARRAY: no element read yet */
  char closers[4];    /* wrapper levels to close after the row array, innermost first */
  char **cols;        /* WRAP_TABLE: column names, keys of the row objects */
  int ncols;          /* number of cols */
  cJSON *row;         /* the row last returned, freed by the next call */
  size_t tvs;         /* the text of the row last found: buffer offset */
  size_t tn;          /* ... its length */
  jsonrd_place place; /* ... and where it is */
  cJSON *parsed;      /* the row jsonrd_parse_row() returned last */
  size_t pend;        /* JSON Lines: where the next call resumes (after the row's line) */
  int has_pend;       /* pend is set */
  kql_diag err;       /* RD_FAILED: the error, repeated by later calls */
  const struct jsfilter *filter; /* jsonrd_next_row() passes over the rows it rules out */
  const volatile sig_atomic_t *stop; /* ... until this is set */
  uint64_t skipped;   /* rows passed over */
  int avx2;           /* cutter: 0 SSE2, 1 classify64_avx2, 2 blocks_avx2 (KQL_NO_AVX2=1: 0) */
  struct ahead *ahead; /* RD_ARRAY under a filter: the thread cutting elements ahead, or NULL */
  int nolines;        /* the reader of that thread: lines are not counted */
  uint64_t ahead_taken; /* elements whose end that thread found */
};

static int fail(jsonrd *r, kql_diag *d, size_t at, const char *fmt, ...) KQL_PRINTF(4, 5);

/* ------------------------------------------------------------------------------------ */
/* Buffer, lines and errors                                                              */
/* ------------------------------------------------------------------------------------ */

/* JSON's four blanks. */
static int is_blank(unsigned char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* Does 'c' end a bare word (number, true, false, null) of JSON? */
static int ends_word(unsigned char c) {
  switch (c) {
  case ' ': case '\n': case '\r': case '\t': case ',': case ':':
  case '[': case ']': case '{': case '}': case '"':
    return 1;
  default:
    return 0;
  }
}

/* Copy 'path' into 'd->file' (cut to fit) and set the position 'line':'col'. */
static void set_place(kql_diag *d, const char *path, long line, long col) {
  size_t n = strlen(path);
  if (n >= sizeof d->file) n = sizeof d->file - 1;
  memcpy(d->file, path, n);
  d->file[n] = '\0';
  d->line = line;
  d->col = col;
}

/* Count the newlines of buf[lpos..to) so that r->line and r->lstart describe byte 'to'. */
static void sync_lines(jsonrd *r, size_t to) {
  if (to <= r->lpos) return;
  if (r->nolines) {
    r->lpos = to;
    return;
  }
  const char *b = r->buf, *p = b + r->lpos, *e = b + to;
  while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
    p++;
    r->line++;
    r->lstart = r->base + (uint64_t)(p - b);
  }
  r->lpos = to;
}

/* Fill 'd' with a KQL_ERR_IO error about byte 'at' of the buffer (AT_NONE: no position)
** and put 'r' in RD_FAILED so that later calls repeat it.  Returns -1. */
static int fail(jsonrd *r, kql_diag *d, size_t at, const char *fmt, ...) {
  char msg[sizeof d->msg];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  diag_nospan(d, KQL_ERR_IO, "%s", msg);
  long line = 0, col = 0;
  if (at != AT_NONE) {
    if (at > r->lpos) sync_lines(r, at);
    line = r->line;
    col = (long)(r->base + at - r->lstart) + 1;
  }
  set_place(d, r->path, line, col);
  r->err = *d;
  r->mode = RD_FAILED;
  return -1;
}

/* Read more of the file into the buffer.  Bytes before 'keep' (and before r->pin) are no
** longer needed and are dropped, moving the rest to the front; the buffer doubles only when
** the bytes kept fill it.  Returns 1 when bytes were added, 0 at the end of the file, -1 on
** a read error. */
static int fill(jsonrd *r, size_t keep, kql_diag *d) {
  if (r->eof) return 0;
  if (keep > r->pin) keep = r->pin;
  if (keep > 0) {
    if (r->lpos < keep) sync_lines(r, keep);
    memmove(r->buf, r->buf + keep, r->len - keep);
    r->base += keep;
    r->len -= keep;
    r->pos -= keep;
    r->lpos -= keep;
    r->scan = r->scan >= keep ? r->scan - keep : 0;
    r->vstart = r->vstart >= keep ? r->vstart - keep : 0;
    if (r->pin != NOPIN) r->pin -= keep;
  }
  if (r->len == r->cap) {
    r->cap *= 2;
    r->buf = xrealloc(r->buf, r->cap);
  }
  for (;;) {
    ssize_t n = read(r->fd, r->buf + r->len, r->cap - r->len);
    if (n > 0) {
      r->len += (size_t)n;
      return 1;
    }
    if (n == 0) {
      r->eof = 1;
      return 0;
    }
    if (errno != EINTR)
      return fail(r, d, AT_NONE, "cannot read '%s': %s", r->path, strerror(errno));
  }
}

/* Skip blanks; return the next byte without consuming it, PEEK_EOF at the end of the
** file or PEEK_ERR on a read error. */
static int peek(jsonrd *r, kql_diag *d) {
  for (;;) {
    const unsigned char *b = (const unsigned char *)r->buf;
    size_t i = r->pos, n = r->len;
    while (i < n && is_blank(b[i])) i++;
    r->pos = i;
    if (i < n) return b[i];
    if (r->eof) return PEEK_EOF;
    if (fill(r, i, d) < 0) return PEEK_ERR;
  }
}

/* Make the whole line that starts at r->pos readable.  Returns 1 with the line in
** [r->pos, *end) ('\n' excluded) and the next line at *next; 0 when no bytes are left;
** -1 on a read error. */
static int find_line(jsonrd *r, size_t *end, size_t *next, kql_diag *d) {
  r->scan = r->pos;
  for (;;) {
    const char *nl = memchr(r->buf + r->scan, '\n', r->len - r->scan);
    if (nl != NULL) {
      *end = (size_t)(nl - r->buf);
      *next = *end + 1;
      return 1;
    }
    r->scan = r->len;
    if (r->eof) {
      *end = *next = r->len;
      return r->pos < r->len;
    }
    if (fill(r, r->pos, d) < 0) return -1;
  }
}

/* The first '"', '{', '}', '[' or ']' at or after b[i], or n: 16 bytes at a time. */
static inline size_t next_special(const unsigned char *b, size_t i, size_t n) {
  static const unsigned char special[256] = {['"'] = 1, ['{'] = 1, ['['] = 1, ['}'] = 1,
                                             [']'] = 1};
#ifdef __SSE2__
  const __m128i q = _mm_set1_epi8('"'), lc = _mm_set1_epi8('{'), rc = _mm_set1_epi8('}'),
                up = _mm_set1_epi8(0x20); /* '[' | 0x20 is '{', ']' | 0x20 is '}' */
  while (n - i >= 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
    __m128i y = _mm_or_si128(x, up);
    __m128i m = _mm_or_si128(_mm_cmpeq_epi8(x, q),
                             _mm_or_si128(_mm_cmpeq_epi8(y, lc), _mm_cmpeq_epi8(y, rc)));
    unsigned bits = (unsigned)_mm_movemask_epi8(m);
    if (bits) return i + (size_t)__builtin_ctz(bits);
    i += 16;
  }
#endif
  while (i < n && !special[b[i]]) i++;
  return i;
}

/* Follow the bytes b[*pi..limit) of a value one special byte at a time (see scan_value());
** returns 1 with *pi just past the value when it ends there. */
static int scan_bytes(const unsigned char *b, size_t *pi, size_t limit, size_t *pdepth,
                      int *pinstr) {
  size_t i = *pi, depth = *pdepth;
  int instr = *pinstr, end = 0;
  while (i < limit) {
    i = next_special(b, i, limit);
    if (i == limit) break;
    unsigned char c = b[i++];
    if (instr) {
      if (c != '"') continue; /* a bracket inside a string */
      size_t k = i - 1, run = 0;
      while (b[k - run - 1] == '\\') run++;
      if (run % 2 == 0) {
        instr = 0;
        if (depth == 0) {
          end = 1;
          break;
        }
      }
      continue;
    }
    if (c == '"') {
      instr = 1;
    } else if (c == '{' || c == '[') {
      depth++;
    } else if (--depth == 0) {
      end = 1;
      break;
    }
  }
  *pi = i;
  *pdepth = depth;
  *pinstr = instr;
  return end;
}

#ifdef __SSE2__
/* The backslashes ('*bs'), quotes ('*q') and brackets ('*br') of the 64 bytes at 'b', as bits:
** each byte is loaded once. */
static inline void classify64(const unsigned char *b, uint64_t *bs, uint64_t *q, uint64_t *br) {
  const __m128i cb = _mm_set1_epi8('\\'), cq = _mm_set1_epi8('"'), lc = _mm_set1_epi8('{'),
                rc = _mm_set1_epi8('}'), up = _mm_set1_epi8(0x20);
  uint64_t mb = 0, mq = 0, mr = 0;
  for (int k = 0; k < 4; k++) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(b + 16 * k));
    __m128i y = _mm_or_si128(x, up); /* '[' | 0x20 is '{', ']' | 0x20 is '}' */
    mb |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, cb)) << (16 * k);
    mq |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, cq)) << (16 * k);
    mr |= (uint64_t)(unsigned)_mm_movemask_epi8(
              _mm_or_si128(_mm_cmpeq_epi8(y, lc), _mm_cmpeq_epi8(y, rc)))
          << (16 * k);
  }
  *bs = mb, *q = mq, *br = mr;
}

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define HAVE_AVX2 1
/* classify64() with AVX2: two loads of 32 bytes. */
__attribute__((target("avx2"))) static void classify64_avx2(const unsigned char *b, uint64_t *bs,
                                                            uint64_t *q, uint64_t *br) {
  const __m256i cb = _mm256_set1_epi8('\\'), cq = _mm256_set1_epi8('"'),
                lc = _mm256_set1_epi8('{'), rc = _mm256_set1_epi8('}'),
                up = _mm256_set1_epi8(0x20);
  uint64_t mb = 0, mq = 0, mr = 0;
  for (int k = 0; k < 2; k++) {
    __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(b + 32 * k));
    __m256i y = _mm256_or_si256(x, up);
    mb |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, cb)) << (32 * k);
    mq |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, cq)) << (32 * k);
    mr |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
              _mm256_or_si256(_mm256_cmpeq_epi8(y, lc), _mm256_cmpeq_epi8(y, rc)))
          << (32 * k);
  }
  *bs = mb, *q = mq, *br = mr;
}
#endif

/* Bit i set when bits 0..i of 'x' hold an odd number of ones. */
static inline uint64_t prefix_xor(uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

/* The bytes escaped by a backslash, given the backslash bits of a block and whether its first
** byte is escaped ('*carry', updated for the next block): each run of backslashes escapes the
** byte after it when the run is odd (the carry trick of simdjson's first stage). */
static inline uint64_t escaped_bits(uint64_t bs, uint64_t *carry) {
  const uint64_t even = 0x5555555555555555ULL;
  bs &= ~*carry;
  uint64_t follows = bs << 1 | *carry;
  uint64_t odd_starts = bs & ~even & ~follows, sum;
  *carry = __builtin_add_overflow(odd_starts, bs, &sum);
  return (even ^ (sum << 1)) & follows;
}
#endif

#ifdef HAVE_AVX2
/* The 64-byte block loop of scan_value() for CPUs with AVX2, PCLMUL and POPCNT: each block is
** classified in registers, the in-string mask is one carry-less multiplication, and a block
** whose closers cannot bring the depth to 0 moves it by popcounts, without visiting each
** bracket.  From b[*pi] (escaped when 'carry' is 1), at most up to 'n'; stops at the value's
** end (returns 1, *pi just past it), before a block with a backslash outside a string, or
** when fewer than 64 bytes are left (returns 0). */
__attribute__((target("avx2,pclmul,popcnt"))) static int blocks_avx2(const unsigned char *b,
                                                                    size_t *pi, size_t n,
                                                                    size_t *pdepth,
                                                                    int *pinstr, uint64_t carry) {
  const __m256i cb = _mm256_set1_epi8('\\'), cq = _mm256_set1_epi8('"'),
                lc = _mm256_set1_epi8('{'), rc = _mm256_set1_epi8('}'),
                up = _mm256_set1_epi8(0x20);
  const __m128i ones = _mm_set1_epi8((char)0xFF);
  size_t i = *pi, depth = *pdepth;
  int instr = *pinstr, end = 0;
  for (; n - i >= 64; i += 64) {
    __m256i x0 = _mm256_loadu_si256((const __m256i *)(const void *)(b + i));
    __m256i x1 = _mm256_loadu_si256((const __m256i *)(const void *)(b + i + 32));
    __m256i y0 = _mm256_or_si256(x0, up), y1 = _mm256_or_si256(x1, up);
#define MASK64(e0, e1)                                                                          \
  ((uint64_t)(uint32_t)_mm256_movemask_epi8(e0) |                                              \
   (uint64_t)(uint32_t)_mm256_movemask_epi8(e1) << 32)
    __m256i b0 = _mm256_cmpeq_epi8(x0, cb), b1 = _mm256_cmpeq_epi8(x1, cb);
    __m256i o0 = _mm256_cmpeq_epi8(y0, lc), o1 = _mm256_cmpeq_epi8(y1, lc); /* [ { */
    __m256i c0 = _mm256_cmpeq_epi8(y0, rc), c1 = _mm256_cmpeq_epi8(y1, rc); /* ] } */
    uint64_t quotes = MASK64(_mm256_cmpeq_epi8(x0, cq), _mm256_cmpeq_epi8(x1, cq));
    __m256i any = _mm256_or_si256(_mm256_or_si256(_mm256_or_si256(b0, b1), _mm256_or_si256(o0, o1)),
                                  _mm256_or_si256(c0, c1));
    if (!carry && _mm256_testz_si256(any, any)) { /* only quotes, if any: the string state flips */
      instr ^= __builtin_popcountll(quotes) & 1;
      continue;
    }
    uint64_t bs = MASK64(b0, b1), op = MASK64(o0, o1), cl = MASK64(c0, c1);
#undef MASK64
    uint64_t qr = quotes & ~escaped_bits(bs, &carry);
    uint64_t in = (uint64_t)_mm_cvtsi128_si64(
        _mm_clmulepi64_si128(_mm_cvtsi64_si128((long long)qr), ones, 0));
    if (instr) in = ~in;
    if (bs & ~in) break; /* a backslash outside a string: byte by byte */
    op &= ~in;
    cl &= ~in;
    if (cl == 0 || (size_t)__builtin_popcountll(cl) < depth) {
      depth += (size_t)__builtin_popcountll(op);
      depth -= (size_t)__builtin_popcountll(cl);
    } else {
      for (uint64_t st = op | cl; st; st &= st - 1) {
        int j = __builtin_ctzll(st);
        if (op >> j & 1) {
          depth++;
        } else if (--depth == 0) {
          i += (size_t)j + 1;
          instr = 0;
          end = 1;
          break;
        }
      }
      if (end) break;
    }
    instr = (int)(in >> 63);
  }
  *pi = i;
  *pdepth = depth;
  *pinstr = instr;
  return end;
}
#endif

/* Continue the scan of the value that starts at r->vstart from r->scan: strings (with
** their escapes) and brackets are followed, nothing else is checked.  Returns 1 with
** r->pos just past the value, or 0 when the buffer ends first.  A '"' in a string ends it
** unless an odd run of backslashes precedes it (the run never reaches past the opening quote,
** and the whole value stays in the buffer across reads).  64-byte blocks are classified at
** once (quotes, backslashes, brackets, inside strings or not); a block with a backslash outside
** a string is followed byte by byte, so malformed text is cut where it always was. */
static int scan_value(jsonrd *r) {
  const unsigned char *b = (const unsigned char *)r->buf;
  size_t i = r->scan, n = r->len, depth = r->depth;
  int instr = r->instr, end = 0;
  unsigned char c0 = b[r->vstart];
  if (c0 != '{' && c0 != '[' && c0 != '"') {
    if (i == r->vstart) i++; /* so a stray ',' or ']' is a one-byte value that fails */
    while (i < n && !ends_word(b[i])) i++;
    if (i == n && !r->eof) {
      r->scan = i;
      return 0;
    }
    r->pos = i;
    return 1;
  }
#ifdef __SSE2__
  if (c0 != '"') {
#ifdef HAVE_AVX2
    bool avx2 = r->avx2 > 0, fast = r->avx2 > 1;
#endif
    while (!end && n - i >= 64) {
      uint64_t carry = 0; /* is b[i] escaped?  Only inside a string, after an odd run */
      if (instr) {
        size_t run = 0;
        while (b[i - run - 1] == '\\') run++;
        carry = run % 2;
      }
#ifdef HAVE_AVX2
      if (fast) {
        end = blocks_avx2(b, &i, n, &depth, &instr, carry);
        if (!end && n - i >= 64) end = scan_bytes(b, &i, i + 64, &depth, &instr);
        continue;
      }
#endif
      for (; n - i >= 64; i += 64) {
        uint64_t bs, quotes, br; /* br: [ { and ] } */
#ifdef HAVE_AVX2
        if (avx2) classify64_avx2(b + i, &bs, &quotes, &br);
        else
#endif
          classify64(b + i, &bs, &quotes, &br);
        uint64_t in = prefix_xor(quotes & ~escaped_bits(bs, &carry)) ^ (instr ? ~0ULL : 0);
        if (bs & ~in) break; /* a backslash outside a string: byte by byte */
        for (uint64_t st = br & ~in; st; st &= st - 1) {
          int j = __builtin_ctzll(st);
          if (b[i + (size_t)j] == '{' || b[i + (size_t)j] == '[') {
            depth++;
          } else if (--depth == 0) {
            i += (size_t)j + 1;
            instr = 0;
            end = 1;
            break;
          }
        }
        if (end) break;
        instr = (int)(in >> 63);
      }
      if (!end && n - i >= 64) end = scan_bytes(b, &i, i + 64, &depth, &instr);
    }
  }
#endif
  if (!end) end = scan_bytes(b, &i, n, &depth, &instr);
  r->scan = i;
  r->depth = depth;
  r->instr = instr;
  if (end || (depth == 0 && !instr && i > r->vstart)) {
    r->pos = i;
    return 1;
  }
  return 0;
}

/* Find the text of the JSON value that starts at r->pos (a non-blank byte), reading on as
** needed and keeping the whole value in the buffer.  Returns 1 with the value in
** [r->vstart, r->pos), 0 when the file ends inside it, -1 on a read error. */
static int take_value(jsonrd *r, kql_diag *d) {
  r->vstart = r->scan = r->pos;
  r->depth = 0;
  r->instr = 0;
  while (!scan_value(r)) {
    if (r->eof) return 0;
    if (fill(r, r->vstart, d) < 0) return -1;
  }
  return 1;
}

/* ------------------------------------------------------------------------------------ */
/* The checker: finds the first error of a text cJSON rejected                           */
/* ------------------------------------------------------------------------------------ */

/* State of one check. */
typedef struct chk {
  const unsigned char *p; /* the text */
  size_t n;               /* its length */
  size_t i;               /* next byte */
  size_t at;              /* offset of the first error */
  const char *msg;        /* its message */
  const char *eoi;        /* message when the text stops short */
  int short_text;         /* the error is that the text stops short */
} chk;

/* Record an error at offset 'at'; one past the text is reported with c->eoi.  Returns 0. */
static int chk_err(chk *c, size_t at, const char *msg) {
  c->at = at;
  c->msg = msg;
  if (at >= c->n) {
    c->at = c->n;
    c->msg = c->eoi;
    c->short_text = 1;
  }
  return 0;
}

static void chk_blanks(chk *c) {
  while (c->i < c->n && is_blank(c->p[c->i])) c->i++;
}

/* Read four hex digits at offset 'at' into '*u'; 0 when they are not there. */
static int chk_hex4(const chk *c, size_t at, unsigned *u) {
  if (at + 4 > c->n) return 0;
  *u = 0;
  for (size_t k = at; k < at + 4; k++) {
    unsigned char h = c->p[k];
    unsigned v = h >= '0' && h <= '9'   ? (unsigned)(h - '0')
                 : h >= 'a' && h <= 'f' ? (unsigned)(h - 'a' + 10)
                 : h >= 'A' && h <= 'F' ? (unsigned)(h - 'A' + 10)
                                        : 16u;
    if (v == 16u) return 0;
    *u = *u * 16 + v;
  }
  return 1;
}

/* string -> '"' chars '"'.  Surrogates must pair, as cJSON requires. */
static int chk_string(chk *c) {
  size_t start = c->i++;
  while (c->i < c->n) {
    unsigned char ch = c->p[c->i];
    if (ch == '"') {
      c->i++;
      return 1;
    }
    if (ch != '\\') {
      c->i++;
      continue;
    }
    size_t esc = c->i;
    if (esc + 1 >= c->n) break;
    ch = c->p[esc + 1];
    if (ch == 'u') {
      unsigned u, lo;
      if (!chk_hex4(c, esc + 2, &u) || (u >= 0xDC00 && u <= 0xDFFF))
        return chk_err(c, esc, MSG_ESCAPE);
      c->i = esc + 6;
      if (u >= 0xD800 && u <= 0xDBFF) {
        if (c->i + 1 >= c->n || c->p[c->i] != '\\' || c->p[c->i + 1] != 'u' ||
            !chk_hex4(c, c->i + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
          return chk_err(c, esc, MSG_ESCAPE);
        c->i += 6;
      }
    } else if (ch != 0 && strchr("\"\\/bfnrt", ch) != NULL) {
      c->i = esc + 2;
    } else {
      return chk_err(c, esc, MSG_ESCAPE);
    }
  }
  return chk_err(c, start, MSG_UNTERM);
}

/* number -> '-'? int frac? exp? */
static int chk_number(chk *c) {
  const unsigned char *p = c->p;
  size_t s = c->i, i = c->i, n = c->n;
#define DIGIT(k) ((k) < n && p[k] >= '0' && p[k] <= '9')
  if (i < n && p[i] == '-') i++;
  if (!DIGIT(i)) return chk_err(c, s, MSG_NUMBER);
  if (p[i] == '0') {
    i++;
  } else {
    while (DIGIT(i)) i++;
  }
  if (i < n && p[i] == '.') {
    if (!DIGIT(i + 1)) return chk_err(c, s, MSG_NUMBER);
    i++;
    while (DIGIT(i)) i++;
  }
  if (i < n && (p[i] == 'e' || p[i] == 'E')) {
    i++;
    if (i < n && (p[i] == '+' || p[i] == '-')) i++;
    if (!DIGIT(i)) return chk_err(c, s, MSG_NUMBER);
    while (DIGIT(i)) i++;
  }
#undef DIGIT
  c->i = i;
  return 1;
}

static int chk_value(chk *c, int depth);

/* object -> '{' (string ':' value (',' string ':' value)*)? '}' */
static int chk_object(chk *c, int depth) {
  c->i++;
  chk_blanks(c);
  if (c->i < c->n && c->p[c->i] == '}') {
    c->i++;
    return 1;
  }
  for (;;) {
    chk_blanks(c);
    if (c->i >= c->n || c->p[c->i] != '"') return chk_err(c, c->i, MSG_KEY);
    if (!chk_string(c)) return 0;
    chk_blanks(c);
    if (c->i >= c->n || c->p[c->i] != ':') return chk_err(c, c->i, MSG_COLON);
    c->i++;
    if (!chk_value(c, depth + 1)) return 0;
    chk_blanks(c);
    if (c->i < c->n && c->p[c->i] == ',') {
      c->i++;
    } else if (c->i < c->n && c->p[c->i] == '}') {
      c->i++;
      return 1;
    } else {
      return chk_err(c, c->i, MSG_OBJ_SEP);
    }
  }
}

/* array -> '[' (value (',' value)*)? ']' */
static int chk_array(chk *c, int depth) {
  c->i++;
  chk_blanks(c);
  if (c->i < c->n && c->p[c->i] == ']') {
    c->i++;
    return 1;
  }
  for (;;) {
    if (!chk_value(c, depth + 1)) return 0;
    chk_blanks(c);
    if (c->i < c->n && c->p[c->i] == ',') {
      c->i++;
    } else if (c->i < c->n && c->p[c->i] == ']') {
      c->i++;
      return 1;
    } else {
      return chk_err(c, c->i, MSG_ARR_SEP);
    }
  }
}

/* value -> object | array | string | number | true | false | null.  'depth' counts the
** containers around it; cJSON refuses the one that would make CJSON_NESTING_LIMIT + 1. */
static int chk_value(chk *c, int depth) {
  static const char *const words[] = {"true", "false", "null"};
  chk_blanks(c);
  if (c->i >= c->n) return chk_err(c, c->i, c->eoi);
  unsigned char ch = c->p[c->i];
  if ((ch == '{' || ch == '[') && depth >= CJSON_NESTING_LIMIT) return chk_err(c, c->i, MSG_DEEP);
  if (ch == '{') return chk_object(c, depth);
  if (ch == '[') return chk_array(c, depth);
  if (ch == '"') return chk_string(c);
  if (ch == '-' || (ch >= '0' && ch <= '9')) return chk_number(c);
  for (size_t k = 0; k < KQL_ARRAY_LEN(words); k++) {
    size_t wl = strlen(words[k]);
    if (c->n - c->i >= wl && memcmp(c->p + c->i, words[k], wl) == 0) {
      c->i += wl;
      return 1;
    }
  }
  return chk_err(c, c->i, MSG_CHAR);
}

/* Check that the 'n' bytes at 'p' are one JSON value with blanks around it.  Returns 1 and
** fills '*c' with the first error when there is one ('after' is the message for text after
** a complete value, 'eoi' for text that stops short), 0 when the text is valid. */
static int json_check(const char *p, size_t n, const char *after, const char *eoi, chk *c) {
  memset(c, 0, sizeof *c);
  c->p = (const unsigned char *)p;
  c->n = n;
  c->eoi = eoi;
  if (!chk_value(c, 0)) return 1;
  chk_blanks(c);
  if (c->i < n) {
    c->at = c->i;
    c->msg = after;
    return 1;
  }
  return 0;
}

/* ------------------------------------------------------------------------------------ */
/* Rows                                                                                  */
/* ------------------------------------------------------------------------------------ */

/* "a number", "an array"... for messages about 'v'. */
static const char *kind_name(const cJSON *v) {
  if (cJSON_IsObject(v)) return "an object";
  if (cJSON_IsArray(v)) return "an array";
  if (cJSON_IsString(v)) return "a string";
  if (cJSON_IsNumber(v)) return "a number";
  if (cJSON_IsBool(v)) return "a boolean";
  if (cJSON_IsNull(v)) return "null";
  return "an unknown value";
}

/* Report why the 'n' bytes at buffer offset 'vs' are not one JSON value: the checker's
** first error, else where cJSON stopped ('pe').  'after' and 'eoi' as for json_check(). */
static int syntax_error(jsonrd *r, size_t vs, size_t n, const char *pe, const char *after,
                        const char *eoi, kql_diag *d) {
  chk c;
  if (json_check(r->buf + vs, n, after, eoi, &c)) return fail(r, d, vs + c.at, "%s", c.msg);
  size_t at = pe != NULL && pe >= r->buf + vs ? (size_t)(pe - r->buf) : vs;
  return fail(r, d, at, "%s", MSG_CHAR);
}

/* cJSON's strings end at a NUL: a raw NUL byte or a \u0000 escape would cut a value or a
** key short without a word, so such a text is refused instead.  Returns the message and sets
** '*at' to the offset of the first of them in the 'n' bytes at 'p', or returns NULL. */
static const char *nul_in(const char *p, size_t n, size_t *at) {
  const char *z = memchr(p, 0, n);
  if (z != NULL) {
    *at = (size_t)(z - p);
    return "malformed JSON: a NUL byte";
  }
  const char *e = p + n;
  for (z = p; z < e && (z = memchr(z, '\\', (size_t)(e - z))) != NULL; z += 2) {
    if (e - z >= 6 && memcmp(z + 1, "u0000", 5) == 0) { /* z + 2 skips what is escaped */
      *at = (size_t)(z - p);
      return "a string holds \\u0000, which kql cannot represent";
    }
  }
  return NULL;
}

/* Parse the 'n' bytes at buffer offset 'vs' as a whole JSON value, blanks allowed around
** it.  Returns the value or NULL after reporting the error ('after', 'eoi' as above). */
static cJSON *parse_text(jsonrd *r, size_t vs, size_t n, const char *after, const char *eoi,
                         kql_diag *d) {
  const char *p = r->buf + vs, *pe = NULL;
  size_t at;
  const char *msg = nul_in(p, n, &at);
  if (msg != NULL) {
    fail(r, d, vs + at, "%s", msg);
    return NULL;
  }
  cJSON *v = cJSON_ParseWithLengthOpts(p, n, &pe, 0);
  if (v != NULL) {
    while (pe < p + n && is_blank((unsigned char)*pe)) pe++;
    if (pe == p + n) return v;
    cJSON_Delete(v);
  }
  syntax_error(r, vs, n, pe, after, eoi, d);
  return NULL;
}

/* Report an error at byte 'at' of the text of a row placed at 'pl' (as fail() does for a
** byte of the buffer).  Returns -1. */
static int fail_row(jsonrd *r, kql_diag *d, const char *text, size_t at, const jsonrd_place *pl,
                    const char *fmt, ...) KQL_PRINTF(6, 7);
static int fail_row(jsonrd *r, kql_diag *d, const char *text, size_t at, const jsonrd_place *pl,
                    const char *fmt, ...) {
  char msg[sizeof d->msg];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  diag_nospan(d, KQL_ERR_IO, "%s", msg);
  long line = pl->line, col = pl->col + (long)at;
  for (size_t i = 0; i < at; i++) {
    if (text[i] == '\n') {
      line++;
      col = (long)(at - i);
    }
  }
  set_place(d, r->path, line, col);
  r->err = *d;
  r->mode = RD_FAILED;
  return -1;
}

/* The messages for text after a row's value and for a value cut short, by form. */
static const char *const form_after[] = {MSG_AFTER_ROW, MSG_ARR_SEP, MSG_ARR_SEP, MSG_CHAR};
static const char *const form_eoi[] = {MSG_EOL, MSG_EOV, MSG_EOV, MSG_EOV};

/* Parse the 'n' bytes of row text 'p' placed at 'pl' as a whole JSON value, blanks allowed
** around it.  Returns the value or NULL after reporting the error. */
static cJSON *parse_row(jsonrd *r, const char *p, size_t n, const jsonrd_place *pl,
                        kql_diag *d) {
  const char *after = form_after[pl->form], *eoi = form_eoi[pl->form], *pe = NULL;
  size_t at;
  const char *msg = nul_in(p, n, &at);
  if (msg != NULL) {
    fail_row(r, d, p, at, pl, "%s", msg);
    return NULL;
  }
  cJSON *v = cJSON_ParseWithLengthOpts(p, n, &pe, 0);
  if (v != NULL) {
    while (pe < p + n && is_blank((unsigned char)*pe)) pe++;
    if (pe == p + n) return v;
    cJSON_Delete(v);
  }
  chk c;
  if (json_check(p, n, after, eoi, &c)) {
    fail_row(r, d, p, c.at, pl, "%s", c.msg);
  } else {
    fail_row(r, d, p, pe != NULL && pe >= p ? (size_t)(pe - p) : 0, pl, "%s", MSG_CHAR);
  }
  return NULL;
}

/* Turn the array of values 'arr' (consumed) into an object keyed by the column names. */
static cJSON *table_row(jsonrd *r, cJSON *arr) {
  cJSON *obj = cJSON_CreateObject();
  if (obj == NULL) {
    cJSON_Delete(arr);
    return NULL;
  }
  for (int i = 0; i < r->ncols; i++) {
    cJSON *item = cJSON_DetachItemViaPointer(arr, arr->child);
    cJSON_AddItemToObject(obj, r->cols[i], item); /* copies the name: rows may outlive r */
  }
  cJSON_Delete(arr);
  return obj;
}

/* Parse the row text 'p' ('n' bytes, placed at 'pl') and return it in '*obj' as a row object
** (FORM_TABLE: from an array of values); the caller owns it.  Returns 1, or -1 with 'd'
** filled. */
static int make_row(jsonrd *r, const char *p, size_t n, const jsonrd_place *pl, cJSON **obj,
                    kql_diag *d) {
  *obj = NULL;
  cJSON *v = parse_row(r, p, n, pl, d);
  if (v == NULL) return -1;
  size_t vs = 0;
  while (is_blank((unsigned char)p[vs])) vs++;
  if (pl->form == FORM_TABLE) {
    if (!cJSON_IsArray(v)) {
      const char *k = kind_name(v);
      cJSON_Delete(v);
      return fail_row(r, d, p, vs, pl, "a row is not a JSON array (found %s)", k);
    }
    int nv = cJSON_GetArraySize(v);
    if (nv != r->ncols) {
      cJSON_Delete(v);
      return fail_row(r, d, p, vs, pl, "a row has %d values but the table has %d columns", nv,
                      r->ncols);
    }
    v = table_row(r, v);
    if (v == NULL) {
      fail_row(r, d, p, vs, pl, "out of memory");
      r->err.code = d->code = KQL_ERR_NOMEM;
      return -1;
    }
  } else if (!cJSON_IsObject(v)) {
    const char *k = kind_name(v);
    cJSON_Delete(v);
    return fail_row(r, d, p, vs, pl, "a row is not a JSON object (found %s)", k);
  }
  *obj = v;
  return 1;
}

/* Record that the next row's text is the 'n' bytes at buffer offset 'vs' (whose line is
** synced), read as 'form'.  Returns 1. */
static int found(jsonrd *r, size_t vs, size_t n, int form) {
  r->tvs = vs;
  r->tn = n;
  r->place.line = r->line;
  r->place.col = (long)(r->base + vs - r->lstart) + 1;
  r->place.form = (unsigned char)form;
  return 1;
}

/* JSON Lines: find the next non-blank line (found(); the reader moves past it on the next
** call, so that an error in it is placed with the line count at its start).  Returns 1, 0 at
** the end, -1 on error. */
static int next_line(jsonrd *r, long *line, kql_diag *d) {
  for (;;) {
    size_t end, next;
    int k = find_line(r, &end, &next, d);
    if (k <= 0) {
      if (k == 0) r->mode = RD_DONE;
      return k;
    }
    const char *b = r->buf;
    size_t s = r->pos, t = end, q = s;
    if (t > s && b[t - 1] == '\r') t--;
    while (q < t && is_blank((unsigned char)b[q])) q++;
    if (q < t) {
      sync_lines(r, q);
      *line = r->line;
      r->pend = next;
      r->has_pend = 1;
      return found(r, s, t - s, FORM_LINE);
    }
    sync_lines(r, next);
    r->pos = next;
  }
}

/* Concatenated objects: find the next one (found()).  Returns 1, 0 at the end, -1 on error. */
static int next_seq(jsonrd *r, long *line, kql_diag *d) {
  int c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  if (c == PEEK_EOF) {
    r->mode = RD_DONE;
    return 0;
  }
  sync_lines(r, r->pos);
  *line = r->line;
  int k = take_value(r, d);
  if (k <= 0) return k < 0 ? -1 : fail(r, d, r->vstart, MSG_TRUNC_ROW);
  return found(r, r->vstart, r->pos - r->vstart, FORM_SEQ);
}

/* ------------------------------------------------------------------------------------ */
/* Wrappers: {"value":[...]}, {"Results":[...]}, {"tables":[{"columns":..,"rows":..}]}   */
/* ------------------------------------------------------------------------------------ */

/* Is the quoted key text 'p' of 'n' bytes the word 'w' (ASCII case ignored)? */
static int key_is(const char *p, size_t n, const char *w) {
  size_t wl = strlen(w);
  if (n != wl + 2) return 0;
  for (size_t i = 0; i < wl; i++) {
    char c = p[i + 1];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != w[i]) return 0;
  }
  return 1;
}

/* Read the member key at r->pos, its ':' and the blanks after, leaving r->pos on the
** value's first byte.  Returns the KEY_* of the key, or -1 with 'd' filled. */
static int member_key(jsonrd *r, kql_diag *d) {
  int c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  if (c == PEEK_EOF) return fail(r, d, r->len, MSG_TRUNC_OBJECT);
  if (c != '"') return fail(r, d, r->pos, MSG_KEY);
  int k = take_value(r, d);
  if (k <= 0) return k < 0 ? -1 : fail(r, d, r->vstart, MSG_UNTERM);
  const char *p = r->buf + r->vstart;
  size_t n = r->pos - r->vstart;
  int kind = key_is(p, n, "value") || key_is(p, n, "results") ? KEY_LIST
             : key_is(p, n, "tables")                          ? KEY_TABLES
             : key_is(p, n, "rows")                            ? KEY_ROWS
             : key_is(p, n, "columns")                         ? KEY_COLUMNS
                                                               : KEY_OTHER;
  c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  if (c == PEEK_EOF) return fail(r, d, r->len, MSG_TRUNC_OBJECT);
  if (c != ':') return fail(r, d, r->pos, MSG_COLON);
  r->pos++;
  c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  if (c == PEEK_EOF) return fail(r, d, r->len, MSG_TRUNC_OBJECT);
  return kind;
}

/* Skip the value at r->pos (structure only; it is not parsed).  The value belongs in an
** object when 'closer' is '}', in an array when ']'.  Returns 0 or -1. */
static int skip_value(jsonrd *r, int closer, kql_diag *d) {
  int c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  int k = c == PEEK_EOF ? 0 : take_value(r, d);
  if (k > 0) return 0;
  return k < 0 ? -1 : fail(r, d, r->len, closer == '}' ? MSG_TRUNC_OBJECT : MSG_TRUNC_ARRAY);
}

/* After a member or element, read the ',' (return 1) or the 'closer' (return 0) that
** follows.  Returns -1 on anything else. */
static int next_or_close(jsonrd *r, int closer, kql_diag *d) {
  int c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  if (c == PEEK_EOF) return fail(r, d, r->len, closer == '}' ? MSG_TRUNC_OBJECT : MSG_TRUNC_ARRAY);
  if (c == ',' || c == closer) {
    r->pos++;
    return c == ',';
  }
  return fail(r, d, r->pos, closer == '}' ? MSG_OBJ_SEP : MSG_ARR_SEP);
}

/* Just past an object's '{': consume a '}' that follows and return 0, else return 1 (members
** follow), or -1 on a read error. */
static int empty_object(jsonrd *r, kql_diag *d) {
  int c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  if (c != '}') return 1;
  r->pos++;
  return 0;
}

/* After the row array of a wrapper: skip what is left of each enclosing level in
** r->closers, then require the end of the file.  Returns 0 (RD_DONE) or -1. */
static int finish_wrapper(jsonrd *r, kql_diag *d) {
  for (const char *cl = r->closers; *cl != '\0'; cl++) {
    int k;
    while ((k = next_or_close(r, *cl, d)) == 1) {
      if (*cl == '}' && member_key(r, d) < 0) return -1;
      if (skip_value(r, *cl, d) < 0) return -1;
    }
    if (k < 0) return -1;
  }
  int c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  if (c != PEEK_EOF) return fail(r, d, r->pos, MSG_AFTER_DOC);
  r->mode = RD_DONE;
  return 0;
}

/* Start streaming the row array at r->pos (just past its '['), closing 'closers' after. */
static void enter_rows(jsonrd *r, int wrap, const char *closers) {
  r->mode = RD_ARRAY;
  r->wrap = wrap;
  r->first = 1;
  snprintf(r->closers, sizeof r->closers, "%s", closers);
}

/* Take the column names of a table from the "columns" value at r->pos: an array of
** {"name": ...} (Log Analytics) or {"ColumnName": ...} (Azure Data Explorer) objects. */
static int read_columns(jsonrd *r, kql_diag *d) {
  int k = take_value(r, d);
  if (k <= 0) return k < 0 ? -1 : fail(r, d, r->len, MSG_TRUNC_OBJECT);
  size_t vs = r->vstart;
  cJSON *a = parse_text(r, vs, r->pos - vs, MSG_OBJ_SEP, MSG_EOV, d);
  if (a == NULL) return -1;
  if (!cJSON_IsArray(a)) {
    cJSON_Delete(a);
    return fail(r, d, vs, "the columns of a table are not a JSON array");
  }
  for (int i = 0; i < r->ncols; i++) free(r->cols[i]);
  free(r->cols);
  r->ncols = 0;
  r->cols = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *r->cols);
  for (const cJSON *col = a->child; col != NULL; col = col->next) {
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(col, "name");
    if (!cJSON_IsString(name)) name = cJSON_GetObjectItemCaseSensitive(col, "ColumnName");
    if (!cJSON_IsString(name)) {
      cJSON_Delete(a);
      return fail(r, d, vs, "a column of a table has no name");
    }
    r->cols[r->ncols++] = xstrdup(name->valuestring);
  }
  cJSON_Delete(a);
  return 0;
}

/* Inside "tables":[ at r->pos: read the first table's members up to its "rows" array and
** stream that; later tables are skipped.  Returns 0 or -1. */
static int begin_tables(jsonrd *r, kql_diag *d) {
  int c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  if (c == PEEK_EOF) return fail(r, d, r->len, MSG_TRUNC_ARRAY);
  if (c == ']') {
    r->pos++;
    snprintf(r->closers, sizeof r->closers, "}");
    return finish_wrapper(r, d);
  }
  if (c != '{') return fail(r, d, r->pos, "a table is not a JSON object");
  r->pos++;
  int more = empty_object(r, d);
  if (more < 0) return -1;
  while (more) {
    int kind = member_key(r, d);
    if (kind < 0) return -1;
    if (kind == KEY_COLUMNS) {
      if (read_columns(r, d) < 0) return -1;
    } else if (kind == KEY_ROWS && r->buf[r->pos] == '[') {
      if (r->cols == NULL) return fail(r, d, r->pos, "the rows of a table come before its columns");
      r->pos++;
      enter_rows(r, WRAP_TABLE, "}]}");
      return 0;
    } else if (skip_value(r, '}', d) < 0) {
      return -1;
    }
    if ((more = next_or_close(r, '}', d)) < 0) return -1;
  }
  snprintf(r->closers, sizeof r->closers, "]}"); /* a table without rows */
  return finish_wrapper(r, d);
}

/* At the '{' of a top-level object that is not one JSON line: read its members looking for
** "value"/"Results" (array of rows) or "tables" and stream that array.  The object stays in
** the buffer until such a member shows up; without one it is the first of a sequence of
** objects (RD_SEQ).  Returns 0 or -1. */
static int begin_wrapper(jsonrd *r, kql_diag *d) {
  r->pin = r->pos;
  r->pos++;
  int more = empty_object(r, d);
  if (more < 0) return -1;
  while (more) {
    int kind = member_key(r, d);
    if (kind < 0) return -1;
    if ((kind == KEY_LIST || kind == KEY_TABLES) && r->buf[r->pos] == '[') {
      r->pin = NOPIN;
      r->pos++;
      if (kind == KEY_TABLES) return begin_tables(r, d);
      enter_rows(r, WRAP_LIST, "}");
      return 0;
    }
    if (skip_value(r, '}', d) < 0) return -1;
    if ((more = next_or_close(r, '}', d)) < 0) return -1;
  }
  r->pos = r->pin;
  r->pin = NOPIN;
  r->mode = RD_SEQ;
  return 0;
}

/* The top level starts with '{' at r->pos.  JSON Lines when more lines follow and the first
** line is an object or malformed; a wrapper or a sequence of objects when the file is that
** one line or when the first line stops inside the object (pretty-printed). */
static int detect_object(jsonrd *r, kql_diag *d) {
  size_t end, next;
  if (find_line(r, &end, &next, d) < 0) return -1;
  r->pin = r->pos;
  r->pos = next;
  int c = peek(r, d);
  r->pos = r->pin;
  r->pin = NOPIN;
  if (c == PEEK_ERR) return -1;
  if (c == PEEK_EOF) return begin_wrapper(r, d);
  if (find_line(r, &end, &next, d) < 0) return -1;
  if (end > r->pos && r->buf[end - 1] == '\r') end--;
  const char *p = r->buf + r->pos, *pe = NULL;
  cJSON *v = cJSON_ParseWithLengthOpts(p, end - r->pos, &pe, 0);
  if (v != NULL) {
    cJSON_Delete(v);
    return 0;
  }
  chk ck;
  if (json_check(p, end - r->pos, MSG_AFTER_ROW, MSG_EOL, &ck) && ck.short_text)
    return begin_wrapper(r, d);
  return 0;
}

/* Decide the format from the first non-blank byte and set r->mode.  Returns 0 or -1. */
static int detect(jsonrd *r, kql_diag *d) {
  while (r->len < 3 && !r->eof)
    if (fill(r, 0, d) < 0) return -1;
  if (r->len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) r->pos = r->lpos = r->lstart = 3;
  int c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  sync_lines(r, r->pos);
  r->mode = RD_LINES;
  if (c == PEEK_EOF) {
    r->mode = RD_DONE;
  } else if (c == '[') {
    r->pos++;
    enter_rows(r, WRAP_NONE, "");
  } else if (c == '{') {
    return detect_object(r, d);
  }
  return 0;
}

/* The array ended at r->pos: a top-level array must end the file; a wrapper is finished. */
static int close_array(jsonrd *r, kql_diag *d) {
  if (r->wrap != WRAP_NONE) return finish_wrapper(r, d);
  int c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  if (c != PEEK_EOF) return fail(r, d, r->pos, MSG_AFTER_ARRAY);
  r->mode = RD_DONE;
  return 0;
}

static void ahead_start(jsonrd *r, uint64_t start);
static int take_ahead(jsonrd *r, kql_diag *d);
static void ahead_behind(struct ahead *a, uint64_t end);

/* RD_ARRAY: find the next element (found()).  Returns 1, 0 after the array (and what follows
** it) is done, -1 on error. */
static int next_element(jsonrd *r, long *line, kql_diag *d) {
  int c = peek(r, d);
  if (c == PEEK_ERR) return -1;
  if (c == ']') {
    r->pos++;
    return close_array(r, d);
  }
  if (!r->first && c != PEEK_EOF) {
    if (c != ',') return fail(r, d, r->pos, MSG_ARR_SEP);
    r->pos++;
    if ((c = peek(r, d)) == PEEK_ERR) return -1;
  }
  if (c == PEEK_EOF) return fail(r, d, r->len, MSG_TRUNC_ARRAY);
  if (r->first && r->filter && (c == '{' || c == '[')) ahead_start(r, r->base + r->pos);
  r->first = 0;
  sync_lines(r, r->pos);
  *line = r->line;
  int k = r->ahead && (c == '{' || c == '[') ? take_ahead(r, d) : 0;
  if (k == 0) {
    k = take_value(r, d);
    if (k > 0 && r->ahead) ahead_behind(r->ahead, r->base + r->pos);
  }
  if (k <= 0) return k < 0 ? -1 : fail(r, d, r->vstart, MSG_TRUNC_ROW);
  return found(r, r->vstart, r->pos - r->vstart,
               r->wrap == WRAP_TABLE ? FORM_TABLE : FORM_ELEMENT);
}

/* ------------------------------------------------------------------------------------ */
/* Cutting ahead: a second thread finds where the elements of a row array end             */
/* ------------------------------------------------------------------------------------ */

/* Under a raw filter most rows are passed over unparsed, so what costs in a JSON array is
** finding where each element ends (scan_value()), work a JSON Lines file does with memchr.
** On a machine with a second core, a thread with its own reader of the same file runs ahead
** of this one with the same take_value(), and hands over (start, end) file offsets of the
** elements; next_element() takes an element whose start is where it stands instead of
** scanning it again.  The other thread only saves work: its offsets are those take_value()
** finds here (same bytes, same code), an element it has not reached or an offset that does
** not match is scanned here as before, and every error is found and placed here.  This
** thread never waits for the other: when nothing is ready it scans the element itself and
** tells the other where it stands, and the other, if behind, moves its reader there (the end
** of an element is a place both know). */

#define AHEAD_RING 4096  /* elements handed over but not yet taken, at most */
#define AHEAD_BATCH 32   /* elements passed over at once (one lock each way) */
#define AHEAD_MIN_BYTES ((off_t)8 << 20) /* smaller files are not worth a thread */
#define AHEAD_READ ((size_t)256 << 10)  /* that thread's first buffer size */

typedef struct ahead {
  pthread_t th;
  jsonrd *rd;                  /* the thread's own reader, from the first element on */
  pthread_mutex_t mu;
  pthread_cond_t cv;           /* the ring has room again, or stop */
  uint64_t ring[AHEAD_RING][2]; /* start and end file offsets of elements */
  size_t head, tail;           /* taken, handed over (counts; guarded by mu) */
  uint64_t resume;             /* the end of the last element this thread scanned itself (mu) */
  bool done;                   /* the thread has stopped handing over (guarded by mu) */
  bool stop;                   /* the thread must stop (guarded by mu) */
  uint64_t got[AHEAD_BATCH][2]; /* this thread's batch taken from the ring */
  size_t ngot, igot;           /* its size, the next to use */
  bool over;                   /* nothing more will come */
  int wait;                    /* tests: KQL_AHEAD_WAIT=1, this thread waits for the other;
                                  2, the other starts once this one has scanned AHEAD_LAG
                                  elements itself (so it must move to where this one is), and
                                  then this one waits */
  size_t self;                 /* elements this thread scanned itself (mu) */
} ahead;

#define AHEAD_LAG 8

/* Move reader 'r' to file offset 'off'; false when it cannot. */
static bool reader_seek(jsonrd *r, uint64_t off) {
  if (lseek(r->fd, (off_t)off, SEEK_SET) != (off_t)off) return false;
  r->base = off;
  r->len = r->pos = r->scan = r->vstart = r->lpos = 0;
  r->eof = 0;
  r->pin = NOPIN;
  return true;
}

static void *ahead_main(void *arg) {
  ahead *a = arg;
  jsonrd *r = a->rd;
  kql_diag d;
  uint64_t batch[AHEAD_BATCH][2];
  size_t nb = 0;
  bool more = true, after = false; /* after: just past an element, a ',' comes next */
  if (a->wait == 2) { /* tests: start behind the other thread */
    pthread_mutex_lock(&a->mu);
    while (a->self < AHEAD_LAG && !a->stop) {
      pthread_mutex_unlock(&a->mu);
      sched_yield();
      pthread_mutex_lock(&a->mu);
    }
    if (!a->stop && a->resume > r->base + r->pos) after = reader_seek(r, a->resume);
    more = !a->stop && after;
    if (!more) a->done = true;
    pthread_mutex_unlock(&a->mu);
  }
  while (more) {
    int c = peek(r, &d);
    if (after) {
      after = false;
      if (c == ',') r->pos++;
      else more = false; /* ']', the end, or something next_element() will report */
    } else if (c == '{' || c == '[') {
      more = take_value(r, &d) > 0;
      if (more) {
        batch[nb][0] = r->base + r->vstart;
        batch[nb][1] = r->base + r->pos;
        nb++;
        after = true;
      }
    } else {
      more = false;
    }
    if (nb == AHEAD_BATCH || !more) {
      pthread_mutex_lock(&a->mu);
      for (size_t k = 0; k < nb && !a->stop; k++) {
        while (a->tail - a->head == AHEAD_RING && !a->stop) pthread_cond_wait(&a->cv, &a->mu);
        if (a->stop) break;
        a->ring[a->tail % AHEAD_RING][0] = batch[k][0];
        a->ring[a->tail % AHEAD_RING][1] = batch[k][1];
        a->tail++;
      }
      nb = 0;
      if (more && !a->stop && a->resume > r->base + r->pos) { /* the other thread is past us */
        if (reader_seek(r, a->resume)) after = true;
        else more = false;
      }
      if (a->stop) more = false;
      if (!more) a->done = true;
      pthread_mutex_unlock(&a->mu);
    }
  }
  return NULL;
}

/* Start cutting ahead from file offset 'start' (the first element) when it pays. */
static void ahead_start(jsonrd *r, uint64_t start) {
  const char *env = getenv("KQL_SCAN_THREADS"), *min = getenv("KQL_AHEAD_MIN");
  if ((env && atoi(env) == 1) || sysconf(_SC_NPROCESSORS_ONLN) < 2) return;
  struct stat st;
  if (fstat(r->fd, &st) != 0 || st.st_size < (min ? (off_t)atoll(min) : AHEAD_MIN_BYTES)) return;
  kql_diag d;
  jsonrd *o = jsonrd_open(r->path, &d);
  if (!o) return;
  if (lseek(o->fd, (off_t)start, SEEK_SET) != (off_t)start) {
    jsonrd_close(o);
    return;
  }
  o->base = start;
  o->mode = RD_ARRAY;
  o->nolines = 1;
  o->cap = AHEAD_READ; /* smaller reads: the same memory as without the thread, nearly */
  o->buf = xrealloc(o->buf, o->cap);
  ahead *a = xcalloc(1, sizeof *a);
  a->rd = o;
  const char *w = getenv("KQL_AHEAD_WAIT");
  a->wait = w ? atoi(w) : 0;
  pthread_mutex_init(&a->mu, NULL);
  pthread_cond_init(&a->cv, NULL);
  if (pthread_create(&a->th, NULL, ahead_main, a) != 0) {
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
    jsonrd_close(o);
    free(a);
    return;
  }
  r->ahead = a;
}

static void ahead_stop(jsonrd *r) {
  ahead *a = r->ahead;
  if (!a) return;
  pthread_mutex_lock(&a->mu);
  a->stop = true;
  pthread_cond_broadcast(&a->cv);
  pthread_mutex_unlock(&a->mu);
  pthread_join(a->th, NULL);
  pthread_mutex_destroy(&a->mu);
  pthread_cond_destroy(&a->cv);
  jsonrd_close(a->rd);
  free(a);
  r->ahead = NULL;
}

/* The end offset of the element that starts at file offset 'start', if the other thread
** has found it; else 0 (scan it here).  Never waits. */
static uint64_t ahead_end(ahead *a, uint64_t start) {
  for (int fetched = 0;; fetched = 1) {
    while (a->igot < a->ngot) {
      uint64_t s = a->got[a->igot][0], e = a->got[a->igot][1];
      if (s > start) return 0;   /* not this one: it is ahead, keep it */
      a->igot++;
      if (s == start) return e;
    }
    if (a->over || fetched) return 0;
    pthread_mutex_lock(&a->mu);
    while ((a->wait == 1 || (a->wait == 2 && a->self >= AHEAD_LAG)) && a->head == a->tail &&
           !a->done) {
      pthread_mutex_unlock(&a->mu);
      sched_yield();
      pthread_mutex_lock(&a->mu);
    }
    size_t k = 0;
    for (; k < AHEAD_BATCH && a->head < a->tail; k++, a->head++) {
      a->got[k][0] = a->ring[a->head % AHEAD_RING][0];
      a->got[k][1] = a->ring[a->head % AHEAD_RING][1];
    }
    if (k == 0 && a->done) a->over = true; /* done and empty */
    if (k > 0) pthread_cond_signal(&a->cv); /* room in the ring */
    pthread_mutex_unlock(&a->mu);
    a->ngot = k;
    a->igot = 0;
  }
}

/* This thread scanned an element itself, up to file offset 'end': the other may skip there. */
static void ahead_behind(ahead *a, uint64_t end) {
  if (a->over) return;
  pthread_mutex_lock(&a->mu);
  if (end > a->resume) a->resume = end;
  a->self++;
  pthread_mutex_unlock(&a->mu);
}

/* Take the element at r->pos whose end the other thread found: 1 with it in
** [r->vstart, r->pos); 0 to scan it here; -1 on a read error. */
static int take_ahead(jsonrd *r, kql_diag *d) {
  uint64_t start = r->base + r->pos, end = ahead_end(r->ahead, start);
  if (end <= start) return 0;
  while (r->base + r->len < end) {
    if (r->eof) return 0;
    if (fill(r, r->pos, d) < 0) return -1;
  }
  const unsigned char *b = (const unsigned char *)r->buf;
  size_t e = (size_t)(end - r->base);
  unsigned char c0 = b[r->pos], c1 = b[e - 1];
  if (!((c0 == '{' && c1 == '}') || (c0 == '[' && c1 == ']'))) return 0; /* the file changed */
  r->vstart = r->pos;
  r->scan = r->pos = e;
  r->depth = 0;
  r->instr = 0;
  r->ahead_taken++;
  return 1;
}

/* ------------------------------------------------------------------------------------ */
/* Interface                                                                             */
/* ------------------------------------------------------------------------------------ */

/* Open 'path'; NULL with 'd' filled ("cannot open 'PATH': reason") when it cannot be read,
** a directory included.  Nothing is read yet. */
jsonrd *jsonrd_open(const char *path, kql_diag *d) {
  /* O_NONBLOCK: a FIFO is refused below instead of waiting for a writer */
  int fd = open(path, O_RDONLY | O_NONBLOCK);
  int err = fd < 0 ? errno : 0;
  struct stat st;
  if (fd >= 0 && fstat(fd, &st) != 0) err = errno;
  if (fd >= 0 && err == 0 && S_ISDIR(st.st_mode)) err = EISDIR;
  if (fd >= 0 && err == 0 && !S_ISREG(st.st_mode)) {
    /* a pipe or a device cannot be read twice (schema inference, then the scan) */
    close(fd);
    diag_nospan(d, KQL_ERR_IO, "cannot open '%s': not a regular file", path);
    set_place(d, path, 0, 0);
    return NULL;
  }
  if (err != 0) {
    if (fd >= 0) close(fd);
    diag_nospan(d, KQL_ERR_IO, "cannot open '%s': %s", path, strerror(err));
    set_place(d, path, 0, 0);
    return NULL;
  }
#ifdef POSIX_FADV_SEQUENTIAL
  (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  jsonrd *r = xcalloc(1, sizeof *r);
  r->fd = fd;
  r->path = xstrdup(path);
  r->cap = CHUNK;
  r->buf = xmalloc(r->cap);
  r->pin = NOPIN;
  r->line = 1;
  r->mode = RD_START;
#ifdef HAVE_AVX2
  const char *no = getenv("KQL_NO_AVX2");
  if (__builtin_cpu_supports("avx2") && !(no && strcmp(no, "1") == 0))
    r->avx2 = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("popcnt") ? 2 : 1;
#endif
  return r;
}

/* Find the next row's text (found()) and the line it starts on: 1; 0 after the last row;
** -1 with 'd' filled, and again on every later call. */
static int next_text(jsonrd *r, long *line, kql_diag *d) {
  cJSON_Delete(r->row);
  r->row = NULL;
  if (r->has_pend) {
    sync_lines(r, r->pend);
    r->pos = r->pend;
    r->has_pend = 0;
  }
  for (;;) {
    switch (r->mode) {
    case RD_START:
      if (detect(r, d) < 0) return -1;
      break;
    case RD_LINES:
      return next_line(r, line, d);
    case RD_ARRAY:
      return next_element(r, line, d);
    case RD_SEQ:
      return next_seq(r, line, d);
    case RD_DONE:
      return 0;
    default:
      *d = r->err;
      return -1;
    }
  }
}

/* Return the next row in '*obj' (owned by 'r', freed by the next call) and the line it
** starts on in '*line': 1; 0 after the last row; -1 with 'd' filled, and again on every
** later call. */
int jsonrd_next(jsonrd *r, void **obj, long *line, kql_diag *d) {
  *obj = NULL;
  int k = next_text(r, line, d);
  if (k <= 0) return k;
  if (make_row(r, r->buf + r->tvs, r->tn, &r->place, &r->row, d) < 0) return -1;
  *obj = r->row;
  return 1;
}

/* The next row's text, not parsed: see jsonrd.h. */
int jsonrd_next_row(jsonrd *r, const char **text, size_t *n, jsonrd_place *pl, kql_diag *d) {
  long line;
  int k;
  while ((k = next_text(r, &line, d)) == 1 && r->filter && !(r->stop && *r->stop) &&
         jsfilter_rules_out(r->filter, r->buf + r->tvs, r->tn, r->place.form == FORM_TABLE))
    r->skipped++;
  if (k == 1) {
    *text = r->buf + r->tvs;
    *n = r->tn;
    *pl = r->place;
  }
  return k;
}

void jsonrd_set_filter(jsonrd *r, const struct jsfilter *f, const volatile sig_atomic_t *stop) {
  r->filter = f;
  r->stop = stop;
}

uint64_t jsonrd_skipped(const jsonrd *r) { return r->skipped; }

uint64_t jsonrd_ahead_taken(const jsonrd *r) { return r->ahead_taken; }

/* Parse a row's text as jsonrd_next() would have: see jsonrd.h. */
int jsonrd_parse_row(jsonrd *r, const char *text, size_t n, const jsonrd_place *pl, void **obj,
                     kql_diag *d) {
  cJSON_Delete(r->parsed);
  r->parsed = NULL;
  *obj = NULL;
  if (make_row(r, text, n, pl, &r->parsed, d) < 0) return -1;
  *obj = r->parsed;
  return 1;
}

/* The column names that key the rows of a Log Analytics table, or NULL. */
char *const *jsonrd_columns(const jsonrd *r, int *ncols) {
  if (r->wrap != WRAP_TABLE) return NULL;
  *ncols = r->ncols;
  return r->cols;
}

/* Bytes of the file consumed so far: the end of the last row returned. */
uint64_t jsonrd_offset(const jsonrd *r) {
  return r->base + (r->has_pend ? r->pend : r->pos);
}

/* Close the file and free 'r' with the last row; NULL is allowed. */
void jsonrd_close(jsonrd *r) {
  if (r == NULL) return;
  ahead_stop(r);
  cJSON_Delete(r->row);
  cJSON_Delete(r->parsed);
  for (int i = 0; i < r->ncols; i++) free(r->cols[i]);
  free(r->cols);
  close(r->fd);
  free(r->buf);
  free(r->path);
  free(r);
}
