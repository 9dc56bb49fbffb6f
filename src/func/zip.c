/*
** zip.c: gzip_compress_to_base64_string(), gzip_decompress_from_base64_string(),
** zlib_compress_to_base64_string() and zlib_decompress_from_base64_string(), with zlib
** (Debian: zlib1g-dev).  The base64 side is string.c's: base64_encode_tostring() over the
** compressed bytes, base64_decode_toarray() before inflating.
**
** Compression writes what the reference's examples show Kusto writing: deflate's stored
** blocks (level 0), in a zlib stream with header 78 01, or after the 10-byte gzip header
** 1f 8b 08 00 00000000 00 ff (no name, no time, unknown OS).
*/
#include <string.h>
#include <zlib.h>

#include "../json.h"
#include "impl.h"

/* The largest decompressed text, so a small input cannot expand without bound. */
#define ZIP_MAX_OUT (64u << 20)

FN_TYPE_SIG(ty_gzip_compress, "S", KQL_T_STRING, "gzip_compress_to_base64_string() expects a string")
FN_TYPE_SIG(ty_gzip_decompress, "S", KQL_T_STRING, "gzip_decompress_from_base64_string() expects a base64 string")
FN_TYPE_SIG(ty_zlib_compress, "S", KQL_T_STRING, "zlib_compress_to_base64_string() expects a string")
FN_TYPE_SIG(ty_zlib_decompress, "S", KQL_T_STRING, "zlib_decompress_from_base64_string() expects a base64 string")

/* Deflate 'n' bytes of 's' at level 0 into '*out' (in 'c->tmp'), as a zlib stream when
** 'zlib', else as gzip; false when zlib fails. */
static bool squeeze(fn_ctx *c, const char *s, size_t n, bool zlib, unsigned char **out, size_t *len) {
  z_stream z;
  memset(&z, 0, sizeof z);
  if (deflateInit2(&z, 0, Z_DEFLATED, zlib ? 15 : -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  uLong bound = deflateBound(&z, (uLong)n);
  unsigned char *buf = arena_alloc(c->tmp, bound + 18);
  size_t head = 0;
  if (!zlib) {
    static const unsigned char gz[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
    memcpy(buf, gz, sizeof gz);
    head = sizeof gz;
  }
  z.next_in = (Bytef *)(uintptr_t)s;
  z.avail_in = (uInt)n;
  z.next_out = buf + head;
  z.avail_out = (uInt)bound;
  int rc = deflate(&z, Z_FINISH);
  size_t k = head + z.total_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return false;
  if (!zlib) { /* trailer: CRC-32 and length mod 2^32, little-endian */
    uLong crc = crc32(0L, (const Bytef *)s, (uInt)n);
    for (int i = 0; i < 4; i++) buf[k++] = (unsigned char)(crc >> (8 * i));
    for (int i = 0; i < 4; i++) buf[k++] = (unsigned char)((uint64_t)n >> (8 * i));
  }
  *out = buf, *len = k;
  return true;
}

static void compress_b64(fn_ctx *c, const kql_value *a, bool zlib, kql_value *out) {
  kql_value s = fn_text(c, a[0]);
  unsigned char *z;
  size_t k;
  *out = val_str("", 0);
  if (s.u.s.n > UINT32_MAX / 2 || !squeeze(c, s.u.s.p, s.u.s.n, zlib, &z, &k)) return;
  kql_value raw = val_str((const char *)z, k);
  f_base64_encode_tostring(c, &raw, 1, out);
}

void f_gzip_compress_to_base64_string(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  compress_b64(c, a, false, out);
}

void f_zlib_compress_to_base64_string(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  compress_b64(c, a, true, out);
}

/* Inflate base64 text a[0] (a gzip stream when 'gzip', else zlib): the text, or "" when it
** is not base64, not a whole stream of that kind, longer than ZIP_MAX_OUT or not UTF-8. */
static void expand_b64(fn_ctx *c, const kql_value *a, bool gzip, kql_value *out) {
  kql_value arr, e;
  json_iter it;
  *out = val_str("", 0);
  f_base64_decode_toarray(c, a, 1, &arr);
  if (arr.isnull || !json_iter_begin(&it, arr)) return;
  int64_t count = json_array_length(arr);
  if (count <= 0) return;
  unsigned char *in = arena_alloc(c->tmp, (size_t)count);
  size_t k = 0;
  while (json_iter_next(&it, c->tmp, NULL, &e) && k < (size_t)count) {
    int64_t b;
    if (!fn_long(c, &e, &b)) return;
    in[k++] = (unsigned char)b;
  }
  z_stream z;
  memset(&z, 0, sizeof z);
  if (inflateInit2(&z, gzip ? 16 + 15 : 15) != Z_OK) return;
  size_t cap = k * 4 + 64, len = 0;
  unsigned char *buf = arena_alloc(c->tmp, cap);
  z.next_in = in;
  z.avail_in = (uInt)k;
  int rc;
  for (;;) {
    z.next_out = buf + len;
    z.avail_out = (uInt)(cap - len);
    rc = inflate(&z, Z_NO_FLUSH);
    len = cap - z.avail_out;
    if (rc != Z_OK || z.avail_out != 0) break;
    if (cap >= ZIP_MAX_OUT) {
      rc = Z_BUF_ERROR;
      break;
    }
    size_t ncap = cap * 2 > ZIP_MAX_OUT ? ZIP_MAX_OUT : cap * 2;
    unsigned char *nb = arena_alloc(c->tmp, ncap);
    memcpy(nb, buf, len);
    buf = nb, cap = ncap;
  }
  bool whole = rc == Z_STREAM_END && z.avail_in == 0;
  inflateEnd(&z);
  if (!whole) return;
  for (size_t i = 0; i < len;) { /* the text must be UTF-8, as base64_decode_tostring's */
    size_t step = buf[i] < 0x80 ? 1 : json_utf8_char(buf + i, len - i);
    if (!step) return;
    i += step;
  }
  *out = val_str((const char *)buf, len);
}

void f_gzip_decompress_from_base64_string(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  expand_b64(c, a, true, out);
}

void f_zlib_decompress_from_base64_string(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  expand_b64(c, a, false, out);
}
