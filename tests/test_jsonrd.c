/*
** test_jsonrd.c: Check suite for src/jsonrd.c, the streaming reader of JSON table files.
** Each test writes a temporary file, reads every row and compares the rows (as compact JSON
** with their line numbers) or the error (message, line, column) with text written by hand.
*/
#include <check.h>
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "jsonrd.h"
#include "jsonscan.h"

Suite *jsonrd_suite(void);

#define MIB ((size_t)1 << 20) /* the reader's chunk size */

/* What reading one file gave. */
typedef struct got {
  char path[64];   /* the temporary file (already removed) */
  int rc;          /* last jsonrd_next() result: 0 at the end, -1 on error */
  int rows;        /* rows returned */
  char text[4096]; /* "LINE: JSON\n" per row, JSON compact */
  kql_diag d;      /* the error when rc == -1 */
  uint64_t offset; /* jsonrd_offset() at the end */
} got;

/* Write the 'n' bytes 'text' to a new temporary file whose name goes to 'path'. */
static void make_file(char path[64], const char *text, size_t n) {
  snprintf(path, 64, "/tmp/kql_jsonrd_XXXXXX");
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  size_t done = 0;
  while (done < n) {
    ssize_t k = write(fd, text + done, n - done);
    ck_assert_int_gt(k, 0);
    done += (size_t)k;
  }
  close(fd);
}

/* Read every row of the file 'path' into 'g'; rows whose JSON does not fit in g->text are
** counted but not shown. */
static void read_file(const char *path, got *g) {
  memset(&g->d, 0, sizeof g->d);
  g->rows = 0;
  g->text[0] = '\0';
  jsonrd *r = jsonrd_open(path, &g->d);
  ck_assert_msg(r != NULL, "open failed: %s", g->d.msg);
  void *obj;
  long line;
  while ((g->rc = jsonrd_next(r, &obj, &line, &g->d)) == 1) {
    ck_assert_ptr_nonnull(obj);
    g->rows++;
    char *s = cJSON_PrintUnformatted(obj);
    size_t used = strlen(g->text);
    if (strlen(s) + 32 < sizeof g->text - used)
      snprintf(g->text + used, sizeof g->text - used, "%ld: %s\n", line, s);
    free(s);
  }
  g->offset = jsonrd_offset(r);
  jsonrd_close(r);
}

/* Write the NUL-terminated 'text' to a temporary file, read it into 'g', remove the file. */
static void read_text(const char *text, got *g) {
  make_file(g->path, text, strlen(text));
  read_file(g->path, g);
  unlink(g->path);
}

/* Assert that 'g' ended with the error 'msg' at 'line':'col' of its file. */
static void assert_error(const got *g, const char *msg, long line, long col) {
  ck_assert_int_eq(g->rc, -1);
  ck_assert_int_eq(g->d.code, KQL_ERR_IO);
  ck_assert_str_eq(g->d.msg, msg);
  ck_assert_str_eq(g->d.file, g->path);
  ck_assert_int_eq(g->d.line, line);
  ck_assert_int_eq(g->d.col, col);
}

/* ---- JSON Lines --------------------------------------------------------------------- */

START_TEST(jsonl_skips_blank_lines_and_strips_crlf) {
  got g;
  read_text("{\"a\":1}\r\n\r\n   \n\t\r\n{\"b\":\"x\\r\"}\r\n"
            "  {\"c\":[1,2]}  \n\n{\"d\":null}",
            &g);
  ck_assert_int_eq(g.rc, 0);
  ck_assert_int_eq(g.rows, 4);
  ck_assert_str_eq(g.text, "1: {\"a\":1}\n"
                           "5: {\"b\":\"x\\r\"}\n"
                           "6: {\"c\":[1,2]}\n"
                           "8: {\"d\":null}\n");
}
END_TEST

START_TEST(jsonl_skips_a_byte_order_mark_at_the_start) {
  got g;
  read_text("\xEF\xBB\xBF{\"a\":1}\n{\"a\":2}\n", &g);
  ck_assert_int_eq(g.rc, 0);
  ck_assert_str_eq(g.text, "1: {\"a\":1}\n2: {\"a\":2}\n");
  read_text("\xEF\xBB\xBF{\"a\":1 x}\n", &g); /* columns count from after the mark */
  assert_error(&g, "malformed JSON: expected ',' or '}'", 1, 8);
}
END_TEST

/* Line 3 of a JSON Lines file, and where and how it is wrong. */
static const struct {
  const char *line3; /* the malformed line */
  const char *msg;   /* expected message */
  long col;          /* expected column */
} bad_lines[] = {
    {"{\"a\":1,\"b\":x}", "malformed JSON: unexpected character", 12},
    {"{\"a\":1,\"b\":\"abc}", "malformed JSON: unterminated string", 12},
    {"{\"a\" 1}", "malformed JSON: expected ':'", 6},
    {"{\"a\":1 \"b\":2}", "malformed JSON: expected ',' or '}'", 8},
    {"{\"a\":[1 2]}", "malformed JSON: expected ',' or ']'", 9},
    {"{\"a\":1,}", "malformed JSON: expected a string key", 8},
    {"{a:1}", "malformed JSON: expected a string key", 2},
    {"{\"a\":\"x\\qy\"}", "malformed JSON: invalid escape in string", 8},
    {"{\"a\":\"\\udc00\"}", "malformed JSON: invalid escape in string", 7},
    {"{\"a\":-}", "malformed JSON: invalid number", 6},
    {"{\"a\":tru}", "malformed JSON: unexpected character", 6},
    {"  {\"a\":1}}", "malformed JSON: unexpected text after the row", 10},
    {"{\"a\":1} {\"a\":2}", "malformed JSON: unexpected text after the row", 9},
    {"{\"a\":{\"b\":1}", "malformed JSON: unexpected end of line", 13},
    {"{\"a\":1,\r", "malformed JSON: unexpected end of line", 8},
    {"\"text\"", "a row is not a JSON object (found a string)", 1},
    {"  [1,2]", "a row is not a JSON object (found an array)", 3},
    {"null", "a row is not a JSON object (found null)", 1},
};

START_TEST(malformed_jsonl_line_is_reported_at_its_line_and_column) {
  char text[256];
  snprintf(text, sizeof text, "{\"a\":1}\n\n%s\n{\"a\":4}\n", bad_lines[_i].line3);
  got g;
  read_text(text, &g);
  ck_assert_int_eq(g.rows, 1);
  assert_error(&g, bad_lines[_i].msg, 3, bad_lines[_i].col);
}
END_TEST

START_TEST(nesting_beyond_the_cjson_limit_is_reported) {
  /* cJSON takes 1000 nested containers and refuses the 1001st. */
  size_t n = 2 * CJSON_NESTING_LIMIT + 64;
  char *text = malloc(n);
  char *p = text;
  p += sprintf(p, "{\"a\":1}\n{\"a\":");
  for (int i = 0; i < CJSON_NESTING_LIMIT - 1; i++) *p++ = '[';
  for (int i = 0; i < CJSON_NESTING_LIMIT - 1; i++) *p++ = ']';
  p += sprintf(p, "}\n");
  got g;
  read_text(text, &g);
  ck_assert_int_eq(g.rc, 0);
  ck_assert_int_eq(g.rows, 2);

  p = text + sprintf(text, "{\"a\":1}\n{\"a\":");
  for (int i = 0; i < CJSON_NESTING_LIMIT; i++) *p++ = '[';
  for (int i = 0; i < CJSON_NESTING_LIMIT; i++) *p++ = ']';
  sprintf(p, "}\n");
  read_text(text, &g);
  assert_error(&g, "malformed JSON: nesting too deep", 2, 5 + CJSON_NESTING_LIMIT);
  free(text);
}
END_TEST

/* ---- arrays ------------------------------------------------------------------------- */

START_TEST(array_may_be_pretty_printed_across_lines) {
  got g;
  read_text("\n  [\n"
            "    {\n"
            "      \"a\": 1,\n"
            "      \"b\": [true, false]\n"
            "    }\r\n"
            "    ,\n"
            "    {\"c\":\n"
            "\"x\"}\n"
            "  ]\n\n",
            &g);
  ck_assert_int_eq(g.rc, 0);
  ck_assert_str_eq(g.text, "3: {\"a\":1,\"b\":[true,false]}\n8: {\"c\":\"x\"}\n");
}
END_TEST

START_TEST(brackets_commas_and_escaped_quotes_in_strings_do_not_split_rows) {
  got g;
  read_text("[{\"a\":\"],{\\\"[\",\"b\":\"\\\\\"},{\"c\":\"}\\\\\\\"]\"},\n{\"d\":\"\\\"\"}]", &g);
  ck_assert_int_eq(g.rc, 0);
  ck_assert_str_eq(g.text, "1: {\"a\":\"],{\\\"[\",\"b\":\"\\\\\"}\n"
                           "1: {\"c\":\"}\\\\\\\"]\"}\n"
                           "2: {\"d\":\"\\\"\"}\n");
}
END_TEST

START_TEST(empty_or_blank_file_has_no_rows) {
  static const char *const texts[] = {"", " \n\r\n\t", "\xEF\xBB\xBF", "\xEF\xBB\xBF\n\n"};
  got g;
  read_text(texts[_i], &g);
  ck_assert_int_eq(g.rc, 0);
  ck_assert_int_eq(g.rows, 0);
  ck_assert_uint_eq(g.offset, strlen(texts[_i]));
}
END_TEST

START_TEST(empty_array_has_no_rows) {
  static const char *const texts[] = {"[]", " [ \n ] \n", "\xEF\xBB\xBF[]\r\n"};
  got g;
  read_text(texts[_i], &g);
  ck_assert_int_eq(g.rc, 0);
  ck_assert_int_eq(g.rows, 0);
}
END_TEST

/* Bad array files: rows read before the error, the message and its place. */
static const struct {
  const char *text; /* the file */
  int rows;         /* rows returned before the error */
  const char *msg;  /* expected message */
  long line, col;   /* expected place */
} bad_arrays[] = {
    {"[{\"a\":1},\n {\"a\":2}", 2, "truncated JSON: the array is not closed", 2, 9},
    {"[{\"a\":1},\n", 1, "truncated JSON: the array is not closed", 2, 1},
    {"[", 0, "truncated JSON: the array is not closed", 1, 2},
    {"[{\"a\":1},\n  {\"a\":\"x", 1, "truncated JSON: the row is not closed", 2, 3},
    {"[{\"a\":1},\n  {\"a\":[1,2}", 1, "truncated JSON: the row is not closed", 2, 3},
    {"[{\"a\":1}]\n\n  x", 1, "malformed JSON: unexpected text after the closing ']'", 3, 3},
    {"[{\"a\":1}]]", 1, "malformed JSON: unexpected text after the closing ']'", 1, 10},
    {"[{\"a\":1} {\"a\":2}]", 1, "malformed JSON: expected ',' or ']'", 1, 10},
    {"[{\"a\":1}}]", 1, "malformed JSON: expected ',' or ']'", 1, 9},
    {"[{\"a\":1},]", 1, "malformed JSON: unexpected character", 1, 10},
    {"[,{\"a\":1}]", 0, "malformed JSON: unexpected character", 1, 2},
    {"[{\"a\":1},\n 42]", 1, "a row is not a JSON object (found a number)", 2, 2},
    {"[\"x\"]", 0, "a row is not a JSON object (found a string)", 1, 2},
    {"[[1]]", 0, "a row is not a JSON object (found an array)", 1, 2},
    {"[true]", 0, "a row is not a JSON object (found a boolean)", 1, 2},
    {"[{\"a\":\n  [1}]", 0, "malformed JSON: expected ',' or ']'", 2, 5},
    {"[{\"a\":1x}]", 0, "malformed JSON: expected ',' or '}'", 1, 8},
    {"[12x]", 0, "malformed JSON: expected ',' or ']'", 1, 4},
    /* one row a line, the export shape */
    {"[\n{\"a\":1}\n{\"b\":2}\n]\n", 1, "malformed JSON: expected ',' or ']'", 3, 1},
    {"[\r\n{\"a\":1},\r\n{\"a\":[1},\r\n{\"a\":3}\r\n]\r\n", 1,
     "malformed JSON: expected ',' or ']'", 3, 8},
    {"[\n{\"a\":1},\n\n{\"a\":2}},\n{\"a\":3}\n]\n", 2, "malformed JSON: expected ',' or ']'",
     4, 8},
    {"[\n{\"a\":1},\n{\"a\":2},\n]\n", 2, "malformed JSON: unexpected character", 4, 1},
};

START_TEST(bad_array_is_reported_at_its_line_and_column) {
  got g;
  read_text(bad_arrays[_i].text, &g);
  ck_assert_int_eq(g.rows, bad_arrays[_i].rows);
  assert_error(&g, bad_arrays[_i].msg, bad_arrays[_i].line, bad_arrays[_i].col);
}
END_TEST

/* ---- rows bigger than a chunk ------------------------------------------------------- */

/* Fill 'p' with 'n' copies of 'c' and return the end. */
static char *put_run(char *p, char c, size_t n) {
  memset(p, c, n);
  return p + n;
}

/* Read the file 'text' of 'n' bytes; expect three rows with the middle one holding a string
** member "s" of 'slen' bytes, starting on 'line2'. */
static void expect_big_middle_row(const char *text, size_t n, size_t slen, long line2) {
  char path[64];
  make_file(path, text, n);
  kql_diag d;
  jsonrd *r = jsonrd_open(path, &d);
  ck_assert_ptr_nonnull(r);
  void *obj;
  long line;
  ck_assert_int_eq(jsonrd_next(r, &obj, &line, &d), 1);
  ck_assert_int_eq(line, 1);
  ck_assert_int_eq(jsonrd_next(r, &obj, &line, &d), 1);
  ck_assert_int_eq(line, line2);
  const cJSON *s = cJSON_GetObjectItemCaseSensitive(obj, "s");
  ck_assert(cJSON_IsString(s));
  ck_assert_uint_eq(strlen(s->valuestring), slen);
  ck_assert_int_eq(s->valuestring[0], 'x');
  ck_assert_int_eq(s->valuestring[slen - 1], 'y');
  ck_assert_int_eq(jsonrd_next(r, &obj, &line, &d), 1);
  ck_assert_int_eq(line, line2 + 1);
  ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(obj, "a")->valueint, 3);
  ck_assert_int_eq(jsonrd_next(r, &obj, &line, &d), 0);
  ck_assert_uint_eq(jsonrd_offset(r), n);
  jsonrd_close(r);
  unlink(path);
}

START_TEST(jsonl_row_larger_than_a_chunk_is_read_whole) {
  size_t slen = 3 * MIB;
  char *text = malloc(slen + 64), *p = text;
  p += sprintf(p, "{\"a\":1}\n{\"s\":\"");
  p = put_run(p, 'x', slen - 1);
  p += sprintf(p, "y\"}\r\n{\"a\":3}\n");
  expect_big_middle_row(text, (size_t)(p - text), slen, 2);
  free(text);
}
END_TEST

START_TEST(array_element_larger_than_a_chunk_is_read_whole) {
  size_t slen = 3 * MIB;
  char *text = malloc(slen + 64), *p = text;
  p += sprintf(p, "[{\"a\":1},\n {\"s\":\"");
  p = put_run(p, 'x', slen - 1);
  p += sprintf(p, "y\"},\n{\"a\":3}]");
  expect_big_middle_row(text, (size_t)(p - text), slen, 2);
  free(text);
}
END_TEST

START_TEST(escape_cut_by_a_chunk_boundary_stays_an_escape) {
  /* The backslash of \" is the last byte of the first chunk, its quote the first of the
  ** next: the scanner must not take that quote for the end of the string. */
  char *text = malloc(MIB + 64), *p = text;
  p += sprintf(p, "[{\"a\":1},\n{\"s\":\"");
  p = put_run(p, 'x', MIB - 1 - (size_t)(p - text));
  ck_assert_uint_eq((size_t)(p - text), MIB - 1);
  p += sprintf(p, "\\\",y\"},\n{\"a\":3}]");
  size_t n = (size_t)(p - text);
  size_t slen = MIB - 1 - strlen("[{\"a\":1},\n{\"s\":\"") + 3; /* x..x + '"' ',' 'y' */
  expect_big_middle_row(text, n, slen, 2);
  free(text);
}
END_TEST

/* ---- the row cutter against cJSON on the whole file ----------------------------------- */

/* xorshift64: the same pseudo-random files on every run. */
static uint64_t rnd(uint64_t *st) {
  *st ^= *st << 13;
  *st ^= *st >> 7;
  *st ^= *st << 17;
  return *st;
}

/* Append to 'b' (room enough) a random JSON string: brackets, commas, quotes and runs of
** backslashes inside it, long enough to cross 64-byte blocks now and then. */
static char *rnd_string(char *b, uint64_t *st) {
  static const char *const parts[] = {"{", "}", "[", "]", ",", "\\\"", "\\\\", "\\\\\\\"", "x",
                                      "C:\\\\Windows\\\\", "},{", "\\n", "\\u00e9", " ", "abc"};
  *b++ = '"';
  int n = (int)(rnd(st) % 12);
  for (int i = 0; i < n; i++) {
    const char *p = parts[rnd(st) % KQL_ARRAY_LEN(parts)];
    size_t k = strlen(p);
    memcpy(b, p, k);
    b += k;
  }
  *b++ = '"';
  return b;
}

/* Append a random JSON value of at most 'depth' more levels (objects, arrays, scalars). */
static char *rnd_value(char *b, uint64_t *st, int depth) {
  int kind = (int)(rnd(st) % (depth > 0 ? 6 : 4));
  switch (kind) {
  case 0: return rnd_string(b, st);
  case 1: return b + sprintf(b, "%d", (int)(rnd(st) % 2000) - 1000);
  case 2: return b + sprintf(b, "%s", rnd(st) % 2 ? "true" : "null");
  case 3: return rnd_string(b, st);
  case 4: {
    *b++ = '[';
    int n = (int)(rnd(st) % 4);
    for (int i = 0; i < n; i++) {
      if (i) *b++ = ',';
      b = rnd_value(b, st, depth - 1);
    }
    *b++ = ']';
    return b;
  }
  default: {
    *b++ = '{';
    int n = (int)(rnd(st) % 5);
    for (int i = 0; i < n; i++) {
      if (i) *b++ = ',';
      b += sprintf(b, "\"k%d\":", i);
      b = rnd_value(b, st, depth - 1);
    }
    *b++ = '}';
    return b;
  }
  }
}

/* The layouts of an array's elements the differential test writes. */
enum { LAY_LINES, LAY_CRLF, LAY_COMMA_FIRST, LAY_PRETTY, LAY_MIXED, LAY_BLANKS, LAY_N };

/* Write a random array of 'rows' row objects in 'layout' (seed 'seed') to a new buffer. */
static char *rnd_array(uint64_t seed, int layout, int rows, size_t *len) {
  uint64_t st = seed * 2654435761u + 1;
  size_t cap = 1 << 16;
  char *t = malloc(cap), *b = t;
  ck_assert_ptr_nonnull(t);
  b += sprintf(b, layout == LAY_PRETTY ? "[\n  " : "[\n");
  for (int i = 0; i < rows; i++) {
    if (cap - (size_t)(b - t) < 1 << 17) { /* room for a pretty-printed row of 32 KiB */
      size_t used = (size_t)(b - t);
      t = realloc(t, cap *= 2);
      ck_assert_ptr_nonnull(t);
      b = t + used;
    }
    char *row = malloc(1 << 15), *e = row;
    *e++ = '{';
    int n = 1 + (int)(rnd(&st) % 6);
    for (int k = 0; k < n; k++) {
      if (k) *e++ = ',';
      e += sprintf(e, "\"c%d\":", k);
      e = rnd_value(e, &st, 2);
    }
    *e++ = '}';
    *e = '\0';
    int lay = layout == LAY_MIXED ? (int)(rnd(&st) % LAY_MIXED) : layout;
    if (lay == LAY_PRETTY) {
      cJSON *v = cJSON_Parse(row);
      ck_assert_ptr_nonnull(v);
      char *pp = cJSON_Print(v);
      b += sprintf(b, "%s", pp);
      free(pp);
      cJSON_Delete(v);
    } else {
      b += sprintf(b, "%s", row);
    }
    free(row);
    bool last = i == rows - 1;
    switch (lay) {
    case LAY_CRLF: b += sprintf(b, last ? "\r\n" : ",\r\n"); break;
    case LAY_COMMA_FIRST: b += sprintf(b, last ? "\n" : "\n, "); break;
    case LAY_PRETTY: b += sprintf(b, last ? "\n" : ",\n  "); break;
    case LAY_BLANKS: b += sprintf(b, last ? " \n\n" : ",  \n \t\n"); break;
    default: b += sprintf(b, last ? "\n" : ",\n"); break;
    }
  }
  b += sprintf(b, "]\n");
  ck_assert_uint_lt((size_t)(b - t), cap);
  *len = (size_t)(b - t);
  return t;
}

/* Read the file 'text' ('n' bytes) with the reader and parse it whole with cJSON: the rows
** must be the elements, one for one. */
static void expect_rows_of_cjson(const char *text, size_t n) {
  char path[64];
  make_file(path, text, n);
  char *copy = malloc(n + 1);
  memcpy(copy, text, n);
  copy[n] = '\0';
  cJSON *all = cJSON_ParseWithOpts(copy, NULL, 1);
  ck_assert_msg(all != NULL && cJSON_IsArray(all), "the generated file is not a JSON array");
  kql_diag d;
  jsonrd *r = jsonrd_open(path, &d);
  ck_assert_ptr_nonnull(r);
  void *obj;
  long line;
  int k, i = 0;
  const cJSON *el = all->child;
  while ((k = jsonrd_next(r, &obj, &line, &d)) == 1) {
    ck_assert_msg(el != NULL, "more rows than elements");
    char *a = cJSON_PrintUnformatted(obj), *e = cJSON_PrintUnformatted(el);
    ck_assert_msg(strcmp(a, e) == 0, "row %d: %s, element: %s", i, a, e);
    free(a);
    free(e);
    el = el->next;
    i++;
  }
  ck_assert_msg(k == 0, "error: %s at %ld:%ld", d.msg, d.line, d.col);
  ck_assert_msg(el == NULL, "fewer rows (%d) than elements", i);
  ck_assert_uint_eq(jsonrd_offset(r), n);
  jsonrd_close(r);
  cJSON_Delete(all);
  free(copy);
  unlink(path);
}

START_TEST(random_arrays_in_every_layout_give_the_elements_cjson_finds) {
  for (uint64_t seed = 1; seed <= 40; seed++) {
    size_t n;
    char *t = rnd_array(seed, _i, 60, &n);
    expect_rows_of_cjson(t, n);
    free(t);
  }
}
END_TEST

START_TEST(random_arrays_cut_without_avx2_give_the_elements_cjson_finds) {
  /* the SSE2 cutter, which CPUs without AVX2 (and KQL_NO_AVX2=1) take */
  setenv("KQL_NO_AVX2", "1", 1);
  for (uint64_t seed = 1; seed <= 20; seed++) {
    size_t n;
    char *t = rnd_array(seed, _i, 60, &n);
    expect_rows_of_cjson(t, n);
    free(t);
  }
  unsetenv("KQL_NO_AVX2");
}
END_TEST

START_TEST(filtered_random_rows_keep_every_element_with_the_literal) {
  /* jsonrd_next_row() with a raw-text filter on "abc": every element holding it comes back,
  ** in order, and the rows returned and passed over add up to the elements */
  size_t n;
  char *t = rnd_array(11 + (uint64_t)_i, _i, 400, &n);
  char path[64];
  make_file(path, t, n);
  t[n - 1] = '\0'; /* the last byte is a newline */
  cJSON *all = cJSON_Parse(t);
  ck_assert_ptr_nonnull(all);
  arena *a = arena_new();
  jsfilter *f = jsfilter_new(a, 1, &(jscan_lit){"abc", 3, true});
  kql_diag d;
  jsonrd *r = jsonrd_open(path, &d);
  ck_assert_ptr_nonnull(r);
  jsonrd_set_filter(r, f, NULL);
  const cJSON *el = all->child;
  int returned = 0, with = 0, k;
  const char *text;
  size_t tn;
  jsonrd_place pl;
  while ((k = jsonrd_next_row(r, &text, &tn, &pl, &d)) == 1) {
    returned++;
    void *obj;
    ck_assert_int_eq(jsonrd_parse_row(r, text, tn, &pl, &obj, &d), 1);
    char *rowjs = cJSON_PrintUnformatted(obj);
    for (;; el = el->next) { /* the elements passed over must not hold the literal */
      ck_assert_msg(el != NULL, "row %s is no element", rowjs);
      char *e = cJSON_PrintUnformatted(el);
      bool same = strcmp(e, rowjs) == 0, holds = strstr(e, "abc") != NULL;
      free(e);
      if (same) break;
      ck_assert_msg(!holds, "an element holding abc was passed over");
    }
    with += strstr(rowjs, "abc") != NULL;
    free(rowjs);
    el = el->next;
  }
  ck_assert_int_eq(k, 0);
  for (; el; el = el->next) {
    char *e = cJSON_PrintUnformatted(el);
    ck_assert_msg(strstr(e, "abc") == NULL, "an element holding abc was passed over");
    free(e);
  }
  ck_assert_int_gt(with, 0);
  ck_assert_int_eq((uint64_t)returned + jsonrd_skipped(r), cJSON_GetArraySize(all));
  if (_i != LAY_PRETTY) /* (a row holding a newline or a tab is always read) */
    ck_assert_uint_gt(jsonrd_skipped(r), 0);
  jsonrd_close(r);
  arena_free(a);
  cJSON_Delete(all);
  free(t);
  unlink(path);
}
END_TEST

/* Read 'path' under a filter on "abc" with jsonrd_next_row(): a transcript of every row
** returned (its place and text) and of how the reading ended (the error, placed).  With
** 'ahead', the second thread cuts the elements (KQL_AHEAD_MIN=0: at any size); '*taken' is
** how many elements it handed over. */
static char *filtered_transcript(const char *path, int ahead, uint64_t *taken) {
  if (ahead) { /* 2: this thread waits for the other, so that every element comes from it;
              ** 3: the other starts behind and must first move to where this one is */
    unsetenv("KQL_SCAN_THREADS");
    setenv("KQL_AHEAD_MIN", "0", 1);
    if (ahead >= 2) setenv("KQL_AHEAD_WAIT", ahead == 2 ? "1" : "2", 1);
  } else {
    setenv("KQL_SCAN_THREADS", "1", 1);
  }
  arena *a = arena_new();
  jsfilter *f = jsfilter_new(a, 1, &(jscan_lit){"abc", 3, true});
  kql_diag d;
  memset(&d, 0, sizeof d);
  jsonrd *r = jsonrd_open(path, &d);
  ck_assert_ptr_nonnull(r);
  jsonrd_set_filter(r, f, NULL);
  size_t cap = 1 << 16, used = 0;
  char *t = malloc(cap);
  ck_assert_ptr_nonnull(t);
  int k;
  const char *text;
  size_t tn;
  jsonrd_place pl;
  while ((k = jsonrd_next_row(r, &text, &tn, &pl, &d)) == 1) {
    while (used + tn + 64 > cap) {
      t = realloc(t, cap *= 2);
      ck_assert_ptr_nonnull(t);
    }
    used += (size_t)snprintf(t + used, cap - used, "%ld:%ld ", pl.line, pl.col);
    memcpy(t + used, text, tn);
    used += tn;
    t[used++] = '\n';
  }
  while (used + sizeof d.msg + 64 > cap) {
    t = realloc(t, cap *= 2);
    ck_assert_ptr_nonnull(t);
  }
  snprintf(t + used, cap - used, "end %d %s %ld:%ld skipped %llu\n", k, k < 0 ? d.msg : "",
           k < 0 ? d.line : 0L, k < 0 ? d.col : 0L, (unsigned long long)jsonrd_skipped(r));
  *taken = jsonrd_ahead_taken(r);
  jsonrd_close(r);
  arena_free(a);
  unsetenv("KQL_SCAN_THREADS");
  unsetenv("KQL_AHEAD_MIN");
  unsetenv("KQL_AHEAD_WAIT");
  return t;
}

/* The same file read with and without the thread that cuts ahead, in its three ways: the
** same transcript.  Returns how many elements the waiting way and the lagging way took from
** the other thread, the smaller. */
static uint64_t expect_same_with_ahead(const char *text, size_t n) {
  char path[64];
  make_file(path, text, n);
  uint64_t taken0, taken1, taken2, taken3;
  char *plain = filtered_transcript(path, 0, &taken0);
  ck_assert_uint_eq(taken0, 0);
  for (int way = 1; way <= 3; way++) { /* racing (as run), waiting, lagging */
    char *seen = filtered_transcript(path, way, way == 1 ? &taken1 : way == 2 ? &taken2 : &taken3);
    ck_assert_msg(strcmp(plain, seen) == 0, "cutting ahead (way %d) changed the rows:\n%.400s\n---\n%.400s",
                  way, plain, seen);
    free(seen);
  }
  free(plain);
  unlink(path);
  return taken2 < taken3 ? taken2 : taken3;
}

START_TEST(cutting_ahead_gives_the_rows_and_errors_of_one_thread) {
  /* random arrays in each layout; as they are, wrapped, cut short, and spoilt at one byte
  ** (a comma dropped, a stray character, a quote), so that both ways meet the same error */
  for (uint64_t seed = 1; seed <= 6; seed++) {
    size_t n;
    char *t = rnd_array(seed * 31 + (uint64_t)_i, _i, 300, &n);
    ck_assert_uint_gt(expect_same_with_ahead(t, n), 0); /* the thread did cut */
    char *w = malloc(n + 32);
    ck_assert_ptr_nonnull(w);
    int wn = sprintf(w, "{\"value\": %.*s}", (int)n, t);
    expect_same_with_ahead(w, (size_t)wn);
    free(w);
    expect_same_with_ahead(t, n * 2 / 3); /* truncated */
    uint64_t st = seed;
    for (int k = 0; k < 6; k++) {
      char *b = malloc(n);
      ck_assert_ptr_nonnull(b);
      memcpy(b, t, n);
      size_t at = 2 + (size_t)(rnd(&st) % (n - 4));
      static const char spoil[] = {'x', '"', '}', ']', ' ', '{'};
      char *comma = memchr(b + at, ',', n - at);
      if (k == 0 && comma) *comma = ' ';
      else b[at] = spoil[k];
      expect_same_with_ahead(b, n);
      free(b);
    }
    free(t);
  }
}
END_TEST

START_TEST(random_rows_cut_by_read_buffers_give_the_elements_cjson_finds) {
  /* over 3 MiB of rows: elements cross the reader's 1 MiB reads at assorted bytes */
  size_t n;
  char *t = rnd_array(7 + (uint64_t)_i, _i == 0 ? LAY_LINES : LAY_MIXED, 25000, &n);
  ck_assert_uint_gt(n, 2 * MIB);
  expect_rows_of_cjson(t, n);
  free(t);
}
END_TEST

/* ---- wrappers and other layouts ----------------------------------------------------- */

START_TEST(log_analytics_tables_become_objects_keyed_by_column_name) {
  got g;
  read_text("{\"tables\":[{\"name\":\"PrimaryResult\",\"columns\":[{\"name\":\"Account\","
            "\"type\":\"string\"},{\"name\":\"Count\",\"type\":\"long\"}],\"rows\":[[\"bob\",3],"
            "[null,4]]}]}",
            &g);
  ck_assert_int_eq(g.rc, 0);
  ck_assert_str_eq(g.text, "1: {\"Account\":\"bob\",\"Count\":3}\n"
                           "1: {\"Account\":null,\"Count\":4}\n");
  read_text("{\n"
            "  \"tables\": [\n"
            "    {\n"
            "      \"name\": \"PrimaryResult\",\n"
            "      \"columns\": [{\"name\": \"A\", \"type\": \"string\"}],\n"
            "      \"rows\": [\n"
            "        [\"x\"],\n"
            "        [\"y\"]\n"
            "      ]\n"
            "    },\n"
            "    {\"name\": \"Other\", \"columns\": [{\"name\": \"B\"}], \"rows\": [[1]]}\n"
            "  ]\n"
            "}\n",
            &g);
  ck_assert_int_eq(g.rc, 0);
  ck_assert_str_eq(g.text, "7: {\"A\":\"x\"}\n8: {\"A\":\"y\"}\n");
}
END_TEST

START_TEST(table_row_with_the_wrong_number_of_values_is_an_error) {
  got g;
  read_text("{\"tables\":[{\"name\":\"T\",\"columns\":[{\"name\":\"A\"},{\"name\":\"B\"}],\n"
            "\"rows\":[[1,2],\n [3]]}]}",
            &g);
  ck_assert_int_eq(g.rows, 1);
  assert_error(&g, "a row has 1 values but the table has 2 columns", 3, 2);
  read_text("{\"tables\":[{\"name\":\"T\",\"rows\":[[1]],\"columns\":[{\"name\":\"A\"}]}]}", &g);
  assert_error(&g, "the rows of a table come before its columns", 1, 31);
}
END_TEST

START_TEST(value_and_results_wrappers_yield_their_elements) {
  got g;
  read_text("{\"@odata.context\":\"https://x/$metadata\",\"value\":[{\"a\":1},{\"a\":2}],"
            "\"@odata.nextLink\":\"n\"}\n",
            &g);
  ck_assert_int_eq(g.rc, 0);
  ck_assert_str_eq(g.text, "1: {\"a\":1}\n1: {\"a\":2}\n");
  read_text("{\n"
            "  \"Stats\": {\"ExecutionTime\": 0.1, \"dataset\": [1, {\"x\": \"]\"}]},\n"
            "  \"Schema\": [{\"Name\": \"a\", \"Type\": \"Int64\"}],\n"
            "  \"Results\": [\n"
            "    {\"a\": 1},\n"
            "    {\"a\": 2}\n"
            "  ]\n"
            "}\n",
            &g);
  ck_assert_int_eq(g.rc, 0);
  ck_assert_str_eq(g.text, "5: {\"a\":1}\n6: {\"a\":2}\n");
  read_text("{\"value\":[]}", &g);
  ck_assert_int_eq(g.rc, 0);
  ck_assert_int_eq(g.rows, 0);
  read_text("{\"value\":[{\"a\":1}]}\n{\"value\":[]}\n", &g); /* two lines: JSON Lines */
  ck_assert_int_eq(g.rc, 0);
  ck_assert_str_eq(g.text, "1: {\"value\":[{\"a\":1}]}\n2: {\"value\":[]}\n");
}
END_TEST

START_TEST(bad_wrapper_is_reported_at_its_line_and_column) {
  got g;
  read_text("{\n  \"value\": [\n    {\"a\": 1}\n  ]\n", &g);
  ck_assert_int_eq(g.rows, 1);
  assert_error(&g, "truncated JSON: the object is not closed", 5, 1);
  read_text("{\n  \"value\": [{\"a\": 1}]\n} x", &g);
  assert_error(&g, "malformed JSON: unexpected text after the end of the document", 3, 3);
  read_text("{\n  \"value\": [{\"a\": 1}] \"more\": 1\n}", &g);
  assert_error(&g, "malformed JSON: expected ',' or '}'", 2, 23);
  read_text("{\n  \"value\": [1]\n}", &g);
  assert_error(&g, "a row is not a JSON object (found a number)", 2, 13);
}
END_TEST

START_TEST(pretty_printed_objects_one_after_another_are_rows) {
  got g;
  read_text("{\n  \"a\": 1,\n  \"b\": {\"c\": [1]}\n}\n{\n  \"a\": 2\n}\n", &g);
  ck_assert_int_eq(g.rc, 0);
  ck_assert_str_eq(g.text, "1: {\"a\":1,\"b\":{\"c\":[1]}}\n5: {\"a\":2}\n");
  read_text("{\n  \"a\": 1\n}\n{\n  \"a\": 2,\n}\n", &g);
  ck_assert_int_eq(g.rows, 1);
  assert_error(&g, "malformed JSON: expected a string key", 6, 1);
}
END_TEST

/* ---- opening and calling conventions ------------------------------------------------ */

START_TEST(missing_file_cannot_be_opened) {
  kql_diag d;
  const char *path = "/tmp/kql_jsonrd_no_such_dir/none.jsonl";
  ck_assert_ptr_null(jsonrd_open(path, &d));
  ck_assert_int_eq(d.code, KQL_ERR_IO);
  ck_assert_str_eq(d.msg, "cannot open '/tmp/kql_jsonrd_no_such_dir/none.jsonl': "
                          "No such file or directory");
  ck_assert_str_eq(d.file, path);
}
END_TEST

START_TEST(directory_cannot_be_opened) {
  char dir[] = "/tmp/kql_jsonrd_dir_XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  kql_diag d;
  jsonrd *r = jsonrd_open(dir, &d);
  rmdir(dir);
  ck_assert_ptr_null(r);
  char want[128];
  snprintf(want, sizeof want, "cannot open '%s': Is a directory", dir);
  ck_assert_int_eq(d.code, KQL_ERR_IO);
  ck_assert_str_eq(d.msg, want);
  ck_assert_str_eq(d.file, dir);
}
END_TEST

START_TEST(error_is_repeated_by_later_calls) {
  char path[64];
  const char *text = "{\"a\":1}\n{\"a\":?}\n{\"a\":3}\n";
  make_file(path, text, strlen(text));
  kql_diag d;
  jsonrd *r = jsonrd_open(path, &d);
  void *obj;
  long line;
  ck_assert_int_eq(jsonrd_next(r, &obj, &line, &d), 1);
  ck_assert_int_eq(jsonrd_next(r, &obj, &line, &d), -1);
  ck_assert_ptr_null(obj);
  memset(&d, 0, sizeof d);
  ck_assert_int_eq(jsonrd_next(r, &obj, &line, &d), -1);
  ck_assert_str_eq(d.msg, "malformed JSON: unexpected character");
  ck_assert_int_eq(d.line, 2);
  ck_assert_int_eq(d.col, 6);
  jsonrd_close(r);
  unlink(path);
}
END_TEST

START_TEST(offset_counts_the_bytes_of_rows_returned) {
  char path[64];
  const char *text = "{\"a\":1}\n{\"a\":22}\n\n";
  make_file(path, text, strlen(text));
  kql_diag d;
  jsonrd *r = jsonrd_open(path, &d);
  void *obj;
  long line;
  ck_assert_uint_eq(jsonrd_offset(r), 0);
  ck_assert_int_eq(jsonrd_next(r, &obj, &line, &d), 1);
  ck_assert_uint_eq(jsonrd_offset(r), 8);
  ck_assert_int_eq(jsonrd_next(r, &obj, &line, &d), 1);
  ck_assert_uint_eq(jsonrd_offset(r), 17);
  ck_assert_int_eq(jsonrd_next(r, &obj, &line, &d), 0);
  ck_assert_uint_eq(jsonrd_offset(r), 18);
  ck_assert_int_eq(jsonrd_next(r, &obj, &line, &d), 0);
  jsonrd_close(r);
  unlink(path);
}
END_TEST

/* Build the suite: one TCase per behaviour, table-driven where there is a table. */
Suite *jsonrd_suite(void) {
  Suite *s = suite_create("jsonrd");
  struct {
    const char *name;  /* TCase name */
    const TTest *test; /* the test */
    int n;             /* loop count; 0 for a plain test */
  } cases[] = {
      {"jsonl_skips_blank_lines_and_strips_crlf", jsonl_skips_blank_lines_and_strips_crlf, 0},
      {"jsonl_skips_a_byte_order_mark_at_the_start", jsonl_skips_a_byte_order_mark_at_the_start,
       0},
      {"malformed_jsonl_line_is_reported_at_its_line_and_column",
       malformed_jsonl_line_is_reported_at_its_line_and_column, (int)KQL_ARRAY_LEN(bad_lines)},
      {"nesting_beyond_the_cjson_limit_is_reported", nesting_beyond_the_cjson_limit_is_reported,
       0},
      {"array_may_be_pretty_printed_across_lines", array_may_be_pretty_printed_across_lines, 0},
      {"brackets_commas_and_escaped_quotes_in_strings_do_not_split_rows",
       brackets_commas_and_escaped_quotes_in_strings_do_not_split_rows, 0},
      {"empty_or_blank_file_has_no_rows", empty_or_blank_file_has_no_rows, 4},
      {"empty_array_has_no_rows", empty_array_has_no_rows, 3},
      {"bad_array_is_reported_at_its_line_and_column",
       bad_array_is_reported_at_its_line_and_column, (int)KQL_ARRAY_LEN(bad_arrays)},
      {"jsonl_row_larger_than_a_chunk_is_read_whole", jsonl_row_larger_than_a_chunk_is_read_whole,
       0},
      {"array_element_larger_than_a_chunk_is_read_whole",
       array_element_larger_than_a_chunk_is_read_whole, 0},
      {"escape_cut_by_a_chunk_boundary_stays_an_escape",
       escape_cut_by_a_chunk_boundary_stays_an_escape, 0},
      {"random_arrays_in_every_layout_give_the_elements_cjson_finds",
       random_arrays_in_every_layout_give_the_elements_cjson_finds, LAY_N},
      {"random_arrays_cut_without_avx2_give_the_elements_cjson_finds",
       random_arrays_cut_without_avx2_give_the_elements_cjson_finds, LAY_N},
      {"filtered_random_rows_keep_every_element_with_the_literal",
       filtered_random_rows_keep_every_element_with_the_literal, LAY_N},
      {"cutting_ahead_gives_the_rows_and_errors_of_one_thread",
       cutting_ahead_gives_the_rows_and_errors_of_one_thread, LAY_N},
      {"random_rows_cut_by_read_buffers_give_the_elements_cjson_finds",
       random_rows_cut_by_read_buffers_give_the_elements_cjson_finds, 2},
      {"log_analytics_tables_become_objects_keyed_by_column_name",
       log_analytics_tables_become_objects_keyed_by_column_name, 0},
      {"table_row_with_the_wrong_number_of_values_is_an_error",
       table_row_with_the_wrong_number_of_values_is_an_error, 0},
      {"value_and_results_wrappers_yield_their_elements",
       value_and_results_wrappers_yield_their_elements, 0},
      {"bad_wrapper_is_reported_at_its_line_and_column",
       bad_wrapper_is_reported_at_its_line_and_column, 0},
      {"pretty_printed_objects_one_after_another_are_rows",
       pretty_printed_objects_one_after_another_are_rows, 0},
      {"missing_file_cannot_be_opened", missing_file_cannot_be_opened, 0},
      {"directory_cannot_be_opened", directory_cannot_be_opened, 0},
      {"error_is_repeated_by_later_calls", error_is_repeated_by_later_calls, 0},
      {"offset_counts_the_bytes_of_rows_returned", offset_counts_the_bytes_of_rows_returned, 0},
  };
  for (size_t i = 0; i < KQL_ARRAY_LEN(cases); i++) {
    TCase *tc = tcase_create(cases[i].name);
    tcase_set_timeout(tc, 30);
    if (cases[i].n)
      tcase_add_loop_test(tc, cases[i].test, 0, cases[i].n);
    else
      tcase_add_test(tc, cases[i].test);
    suite_add_tcase(s, tc);
  }
  return s;
}
