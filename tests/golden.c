/*
** golden.c: the golden end-to-end runner.  Runs every .test file under the folder it is
** given (found recursively, run in sorted path order) through the public API (kql.h only) and compares
** each case's output with the expectation written in the file, byte for byte.  Prints one
** report per failing case (file:line, and a unified-looking diff of expected against actual
** lines) and, last, the line "N passed, M failed" that CI counts.  Exit status 0 iff no case
** failed.
**
** usage: kql-golden DIR [FILTER...]    FILTERs (substrings of a file's path) pick files
**
** FILE FORMAT (sqllogictest-like; STYLE.md section 11)
**
**     # name: seed rule: boundaries at 100 ns
**     # description: free text
**     # table: DeviceProcessEvents=seed_boundaries.jsonl
**     # now: 2026-06-01T00:00:00Z
**
**     query
**     DeviceProcessEvents
**     | count
**     ----
**     {"Count":3}
**
** A case is a block: a line "query", "error" or "columns", the KQL (any number of lines,
** blank lines allowed) up to a line "----", then the expectation, which ends at the first
** empty line or at the end of the file.  The query text is its lines joined with "\n" (no
** newline after the last one).  The expectation is its lines, each ended by "\n"; nothing at
** all (the "----" line followed by an empty line or EOF) expects empty output.
**
**   query    expects the rows exactly as `kql run --format ndjson` prints them: one JSON
**            object per line, in result order.  Also checked: kql_query_run() and
**            kql_result_write() give the same bytes as kql_query_run_to().
**   error    expects the diagnostic exactly as kql_diag_render() prints it with file name
**            "query" (from the engine set-up, the compile or the run, whichever fails).
**   columns  expects "name:type" per result column (kql_query_col_name / _type).
**
** Directives are lines "# key: value" between blocks; each applies to the blocks after it
** in the same file, until the file ends.  Paths are relative to the .test file's folder
** (the runner works from that folder, so a data diagnostic names the file as written).
**
**   # name: TEXT          the name of the cases that follow (shown when one fails)
**   # description: TEXT   free text
**   # table: NAME=PATH    add table NAME from the file PATH; repeatable; naming NAME again
**                         replaces its file
**   # data: DIR           add a data folder (its tables, its schemas/ and its now.txt)
**   # schemas: DIR        add a folder of schema files ({"Table": {"Col": "type"}})
**   # now: ISO-8601       pin now() and ago()
**
** Any other line that starts with "#" is a comment, unless it looks like a misspelt
** directive ("# tabel: ...", "# schema: ...": a word within two edits of a directive name,
** then ':'), which is an error rather than a comment that silently changes the cases.
** Tests are hermetic: the engine of each case is new, and holds only what its directives
** name (no shipped data/ folder, no shipped schemas), added in the CLI's order: data
** folders, schema folders, tables, then the pinned now.  A malformed .test file counts as a
** failed case, reported at the line that is wrong.
*/
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kql.h"

#define MAX_DIRECTIVES 64 /* tables, data folders or schema folders one file may name */
#define MAX_DIFF_CELLS 4000000 /* largest LCS table before the diff gives up on alignment */

/* A growing list of strings (malloc'ed). */
typedef struct strlist {
  char **v;   /* the strings */
  size_t n;   /* how many */
  size_t cap; /* room */
} strlist;

/* Append a copy of 'n' bytes of 's' to 'l'. */
static void strlist_push(strlist *l, const char *s, size_t n) {
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 16;
    l->v = realloc(l->v, l->cap * sizeof *l->v);
    if (!l->v) abort();
  }
  char *c = malloc(n + 1);
  if (!c) abort();
  memcpy(c, s, n);
  c[n] = 0;
  l->v[l->n++] = c;
}

static void strlist_free(strlist *l) {
  for (size_t i = 0; i < l->n; i++) free(l->v[i]);
  free(l->v);
  memset(l, 0, sizeof *l);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ------------------------------------------------------------------------------------ */
/* Finding the test files                                                               */
/* ------------------------------------------------------------------------------------ */

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Add every "*.test" file under 'dir' (recursively) to 'out', as "dir/rel/path". */
static void find_tests(const char *dir, strlist *out) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "kql-golden: cannot open '%s': %s\n", dir, strerror(errno));
    return;
  }
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    size_t n = strlen(dir) + strlen(e->d_name) + 2;
    char *p = malloc(n);
    if (!p) abort();
    snprintf(p, n, "%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(p, &st) == 0) {
      if (S_ISDIR(st.st_mode)) find_tests(p, out);
      else if (S_ISREG(st.st_mode) && ends_with(e->d_name, ".test")) strlist_push(out, p, strlen(p));
    }
    free(p);
  }
  closedir(d);
}

/* ------------------------------------------------------------------------------------ */
/* Reading a test file                                                                  */
/* ------------------------------------------------------------------------------------ */

/* One line of a test file: its bytes without the "\n". */
typedef struct line {
  const char *s; /* the bytes (inside the file's text) */
  size_t n;      /* their length */
} line;

/* The directives in force for a case. */
typedef struct setup {
  char name[256];                     /* "# name:", "" when none */
  char *tables[MAX_DIRECTIVES];       /* "# table:" NAME=PATH, malloc'ed */
  int ntables;                        /* how many */
  char *data[MAX_DIRECTIVES];         /* "# data:" folders, malloc'ed */
  int ndata;                          /* how many */
  char *schemas[MAX_DIRECTIVES];      /* "# schemas:" folders, malloc'ed */
  int nschemas;                       /* how many */
  bool has_now;                       /* "# now:" given */
  int64_t now;                        /* its instant, in ticks */
} setup;

static void setup_free(setup *s) {
  for (int i = 0; i < s->ntables; i++) free(s->tables[i]);
  for (int i = 0; i < s->ndata; i++) free(s->data[i]);
  for (int i = 0; i < s->nschemas; i++) free(s->schemas[i]);
  memset(s, 0, sizeof *s);
}

/* The kinds of case. */
typedef enum case_kind { CASE_QUERY, CASE_ERROR, CASE_COLUMNS } case_kind;

/* Counts over the whole run. */
typedef struct tally {
  int passed; /* cases that gave what they expected */
  int failed; /* cases that did not, and malformed files */
} tally;

/* Split 'text' ('len' bytes) into lines; a final line without "\n" counts, an empty
** remainder after the last "\n" does not.  Returns the number of lines in '*out'. */
static size_t split_lines(const char *text, size_t len, line **out) {
  size_t cap = 64, n = 0;
  line *v = malloc(cap * sizeof *v);
  if (!v) abort();
  size_t i = 0;
  while (i < len) {
    const char *nl = memchr(text + i, '\n', len - i);
    size_t e = nl ? (size_t)(nl - text) : len;
    if (n == cap) {
      cap *= 2;
      v = realloc(v, cap * sizeof *v);
      if (!v) abort();
    }
    v[n].s = text + i;
    v[n].n = e - i;
    n++;
    i = nl ? e + 1 : len;
  }
  *out = v;
  return n;
}

static bool line_is(const line *l, const char *word) {
  size_t k = strlen(word);
  return l->n == k && memcmp(l->s, word, k) == 0;
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0, k;
  char *p = malloc(cap);
  if (!p) abort();
  while ((k = fread(p + n, 1, cap - n - 1, f)) > 0) {
    n += k;
    if (n + 1 == cap) {
      cap *= 2;
      p = realloc(p, cap);
      if (!p) abort();
    }
  }
  fclose(f);
  p[n] = 0;
  *len = n;
  return p;
}

/* Copy the value of a directive line (after "# key:", blanks trimmed) into a new string. */
static char *directive_value(const line *l, size_t key_end) {
  size_t b = key_end, e = l->n;
  while (b < e && (l->s[b] == ' ' || l->s[b] == '\t')) b++;
  while (e > b && (l->s[e - 1] == ' ' || l->s[e - 1] == '\t' || l->s[e - 1] == '\r')) e--;
  char *v = malloc(e - b + 1);
  if (!v) abort();
  memcpy(v, l->s + b, e - b);
  v[e - b] = 0;
  return v;
}

/* If 'l' has the shape "# word:", set '*key'/'*klen' to the word and return the offset
** just after the ':'; else return 0. */
static size_t directive_key(const line *l, const char **key, size_t *klen) {
  if (l->n < 3 || l->s[0] != '#' || l->s[1] != ' ') return 0;
  size_t i = 2;
  while (i < l->n && ((l->s[i] >= 'a' && l->s[i] <= 'z') || l->s[i] == '_' || l->s[i] == '-')) i++;
  if (i == 2 || i >= l->n || l->s[i] != ':') return 0;
  *key = l->s + 2;
  *klen = i - 2;
  return i + 1;
}

/* ------------------------------------------------------------------------------------ */
/* Diff                                                                                  */
/* ------------------------------------------------------------------------------------ */

/* Print one diff line: 'mark', the line's bytes, and a note when it lacks its "\n". */
static void diff_line(char mark, const line *l, bool no_newline) {
  fputc(mark, stdout);
  fwrite(l->s, 1, l->n, stdout);
  fputc('\n', stdout);
  if (no_newline) fputs("\\ No newline at end of output\n", stdout);
}

/* Print a unified-looking diff of 'exp' against 'act' (each a whole output text): common
** lines with ' ', expected-only with '-', actual-only with '+', aligned by a longest common
** subsequence of lines. */
static void print_diff(const char *exp, size_t elen, const char *act, size_t alen) {
  line *a, *b;
  size_t na = split_lines(exp, elen, &a);
  size_t nb = split_lines(act, alen, &b);
  bool a_nonl = elen > 0 && exp[elen - 1] != '\n';
  bool b_nonl = alen > 0 && act[alen - 1] != '\n';
  puts("--- expected");
  puts("+++ actual");
  printf("@@ -1,%zu +1,%zu @@\n", na, nb);
  size_t cells = (na + 1) * (nb + 1);
  unsigned *t = cells <= MAX_DIFF_CELLS ? calloc(cells, sizeof *t) : NULL;
  if (!t) {
    for (size_t i = 0; i < na; i++) diff_line('-', &a[i], a_nonl && i + 1 == na);
    for (size_t j = 0; j < nb; j++) diff_line('+', &b[j], b_nonl && j + 1 == nb);
  } else {
    /* t[i][j]: length of the LCS of a[i..] and b[j..] */
#define T(i, j) t[(i) * (nb + 1) + (j)]
    for (size_t i = na; i-- > 0;)
      for (size_t j = nb; j-- > 0;) {
        bool same = a[i].n == b[j].n && memcmp(a[i].s, b[j].s, a[i].n) == 0 &&
                    (a_nonl && i + 1 == na) == (b_nonl && j + 1 == nb);
        T(i, j) = same ? T(i + 1, j + 1) + 1 : (T(i + 1, j) >= T(i, j + 1) ? T(i + 1, j) : T(i, j + 1));
      }
    size_t i = 0, j = 0;
    while (i < na || j < nb) {
      if (i < na && j < nb && a[i].n == b[j].n && memcmp(a[i].s, b[j].s, a[i].n) == 0 &&
          T(i, j) == T(i + 1, j + 1) + 1) {
        diff_line(' ', &a[i], a_nonl && i + 1 == na);
        i++, j++;
      } else if (i < na && (j == nb || T(i + 1, j) >= T(i, j + 1))) {
        diff_line('-', &a[i], a_nonl && i + 1 == na);
        i++;
      } else {
        diff_line('+', &b[j], b_nonl && j + 1 == nb);
        j++;
      }
    }
#undef T
  }
  free(t);
  free(a);
  free(b);
}

/* ------------------------------------------------------------------------------------ */
/* Running a case                                                                        */
/* ------------------------------------------------------------------------------------ */

/* A memory stream to render into. */
typedef struct membuf {
  char *p;   /* the bytes (open_memstream's buffer) */
  size_t n;  /* their length */
  FILE *f;   /* the stream */
} membuf;

static void mb_open(membuf *m) {
  m->p = NULL;
  m->n = 0;
  m->f = open_memstream(&m->p, &m->n);
  if (!m->f) abort();
}

static void mb_close(membuf *m) {
  if (m->f) fclose(m->f);
  m->f = NULL;
}

/* Build the engine of a case from 's'; NULL with 'd' filled when a directive fails. */
static kql_engine *make_engine(const setup *s, kql_diag *d) {
  kql_engine *e = kql_engine_new();
  if (!e) abort();
  memset(d, 0, sizeof *d);
  for (int i = 0; i < s->ndata; i++)
    if (kql_engine_add_data_dir(e, s->data[i], d) != KQL_OK) goto fail;
  for (int i = 0; i < s->nschemas; i++)
    if (kql_engine_add_schema_dir(e, s->schemas[i], d) != KQL_OK) goto fail;
  for (int i = 0; i < s->ntables; i++) {
    const char *eq = strchr(s->tables[i], '=');
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)(eq - s->tables[i]), s->tables[i]);
    if (kql_engine_add_table_file(e, name, eq + 1, d) != KQL_OK) goto fail;
  }
  if (s->has_now) kql_engine_set_now(e, s->now);
  return e;
fail:
  kql_engine_free(e);
  return NULL;
}

/* What running a case gave. */
typedef struct outcome {
  membuf out;        /* the actual text to compare */
  kql_status code;   /* KQL_OK, or the code of the diagnostic in 'out' */
  char note[512];    /* an extra problem to report (e.g. the two run paths disagree), or "" */
} outcome;

/* Render 'd' for 'query' into 'o' as the case's output, with status 'st'. */
static void put_diag(outcome *o, const kql_diag *d, kql_status st, const char *query, size_t qlen) {
  kql_diag_render(d, "query", query, qlen, NULL, o->out.f);
  o->code = st != KQL_OK ? st : (d->code != KQL_OK ? d->code : KQL_ERR_RUNTIME);
}

/* Run one case of 'kind' with query text 'query' ('qlen' bytes) under 's' into 'o'. */
static void run_case(case_kind kind, const setup *s, const char *query, size_t qlen, outcome *o) {
  memset(o, 0, sizeof *o);
  mb_open(&o->out);
  kql_diag d;
  kql_engine *e = make_engine(s, &d);
  if (!e) {
    put_diag(o, &d, d.code, query, qlen);
    mb_close(&o->out);
    return;
  }
  kql_query *q = kql_query_compile(e, query, qlen, &d);
  if (!q) {
    put_diag(o, &d, d.code, query, qlen);
  } else if (kind == CASE_COLUMNS) {
    for (int i = 0; i < kql_query_ncols(q); i++)
      fprintf(o->out.f, "%s:%s\n", kql_query_col_name(q, i), kql_query_col_type(q, i));
  } else {
    kql_status st = kql_query_run_to(q, o->out.f, KQL_FMT_NDJSON, 0, &d);
    if (st != KQL_OK) {
      /* rows written before the error are dropped: the case shows the diagnostic only */
      mb_close(&o->out);
      free(o->out.p);
      mb_open(&o->out);
      put_diag(o, &d, st, query, qlen);
    } else {
      /* the in-memory path must agree with the streaming one */
      kql_result *r = NULL;
      kql_diag d2;
      kql_status st2 = kql_query_run(q, &r, &d2);
      if (st2 != KQL_OK) {
        snprintf(o->note, sizeof o->note,
                 "kql_query_run failed (%s: %s) where kql_query_run_to succeeded",
                 kql_status_name(st2), d2.msg);
      } else {
        membuf m2;
        mb_open(&m2);
        kql_result_write(r, m2.f, KQL_FMT_NDJSON);
        mb_close(&m2);
        fflush(o->out.f);
        size_t rows = 0;
        for (size_t i = 0; i < o->out.n; i++) rows += o->out.p[i] == '\n';
        if (m2.n != o->out.n || memcmp(m2.p, o->out.p, m2.n) != 0)
          snprintf(o->note, sizeof o->note,
                   "kql_query_run + kql_result_write printed other bytes than kql_query_run_to");
        else if (kql_result_nrows(r) != rows)
          snprintf(o->note, sizeof o->note, "kql_result_nrows is %zu but %zu rows were printed",
                   kql_result_nrows(r), rows);
        free(m2.p);
      }
      kql_result_free(r);
    }
  }
  kql_query_free(q);
  kql_engine_free(e);
  mb_close(&o->out);
}

static const char *kind_name(case_kind k) {
  return k == CASE_QUERY ? "query" : k == CASE_ERROR ? "error" : "columns";
}

/* Judge one case; print a report when it fails. */
static void check_case(const char *path, size_t lineno, case_kind kind, const setup *s,
                       const char *query, size_t qlen, const char *exp, size_t elen, tally *t) {
  outcome o;
  run_case(kind, s, query, qlen, &o);
  bool same = o.out.n == elen && memcmp(o.out.p, exp, elen) == 0;
  bool ok = same && o.note[0] == 0;
  if (kind == CASE_ERROR && o.code == KQL_OK) ok = false;
  if (kind != CASE_ERROR && o.code != KQL_OK) ok = false;
  if (ok) {
    t->passed++;
  } else {
    t->failed++;
    printf("%s:%zu: FAIL %s", path, lineno, kind_name(kind));
    if (s->name[0]) printf(" (%s)", s->name);
    putchar('\n');
    if (kind == CASE_ERROR && o.code == KQL_OK)
      puts("  the query succeeded; expected an error (actual below is its output)");
    else if (kind != CASE_ERROR && o.code != KQL_OK)
      printf("  the query failed with %s (code %d); expected %s\n", kql_status_name(o.code),
             (int)o.code, kind == CASE_QUERY ? "rows" : "columns");
    if (o.note[0]) printf("  %s\n", o.note);
    if (!same) print_diff(exp, elen, o.out.p ? o.out.p : "", o.out.n);
  }
  free(o.out.p);
}

/* Report a malformed test file at 'path':'lineno'. */
static void malformed(const char *path, size_t lineno, const char *why, tally *t) {
  printf("%s:%zu: FAIL malformed test file: %s\n", path, lineno, why);
  t->failed++;
}

/* Return true when the 'klen'-byte word 'key' is within two edits of a directive name but
** is none of them: a misspelt directive ("tabel", "schema") is an error rather than a
** comment that silently changes what the cases run on. */
static bool near_directive(const char *key, size_t klen) {
  static const char *const names[] = {"name", "description", "table", "data", "schemas", "now"};
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
    const char *w = names[k];
    size_t wl = strlen(w);
    if (klen > 16 || (klen > wl ? klen - wl : wl - klen) > 2) continue;
    size_t row[20];
    for (size_t j = 0; j <= wl; j++) row[j] = j;
    for (size_t i = 1; i <= klen; i++) {
      size_t diag = row[0];
      row[0] = i;
      for (size_t j = 1; j <= wl; j++) {
        size_t up = row[j];
        size_t best = diag + (key[i - 1] != w[j - 1]);
        if (up + 1 < best) best = up + 1;
        if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
        row[j] = best;
        diag = up;
      }
    }
    if (row[wl] <= 2) return true;
  }
  return false;
}

/* Apply the directive on line 'l' ('lineno') to 's'; returns false (after reporting) when
** it is wrong. */
static bool apply_directive(const char *path, size_t lineno, const line *l, setup *s, tally *t) {
  const char *key;
  size_t klen;
  size_t after = directive_key(l, &key, &klen);
  if (!after) return true; /* a comment */
  /* 'key' is now a lower-case word followed by ':' */
#define KEY(w) (klen == strlen(w) && memcmp(key, w, klen) == 0)
  char *v = directive_value(l, after);
  bool ok = true;
  if (KEY("name")) {
    snprintf(s->name, sizeof s->name, "%s", v);
  } else if (KEY("description")) {
    /* free text */
  } else if (KEY("table")) {
    char *eq = strchr(v, '=');
    if (!eq || eq == v || !eq[1]) {
      malformed(path, lineno, "'# table:' takes NAME=PATH", t);
      ok = false;
    } else {
      size_t nlen = (size_t)(eq - v);
      int i;
      for (i = 0; i < s->ntables; i++)
        if (strncmp(s->tables[i], v, nlen) == 0 && s->tables[i][nlen] == '=') break;
      if (i < s->ntables) {
        free(s->tables[i]);
        s->tables[i] = v;
        v = NULL;
      } else if (s->ntables < MAX_DIRECTIVES) {
        s->tables[s->ntables++] = v;
        v = NULL;
      } else {
        malformed(path, lineno, "too many '# table:' lines", t);
        ok = false;
      }
    }
  } else if (KEY("data") || KEY("schemas")) {
    char **list = KEY("data") ? s->data : s->schemas;
    int *n = KEY("data") ? &s->ndata : &s->nschemas;
    if (!v[0]) {
      malformed(path, lineno, "the directive needs a folder", t);
      ok = false;
    } else if (*n < MAX_DIRECTIVES) {
      list[(*n)++] = v;
      v = NULL;
    } else {
      malformed(path, lineno, "too many folder directives", t);
      ok = false;
    }
  } else if (KEY("now")) {
    if (kql_parse_datetime(v, &s->now) != 0) {
      malformed(path, lineno, "'# now:' takes an ISO-8601 instant", t);
      ok = false;
    } else {
      s->has_now = true;
    }
  } else if (near_directive(key, klen)) {
    malformed(path, lineno,
              "unknown directive (name, description, table, data, schemas, now); "
              "is it misspelt?", t);
    ok = false;
  }
#undef KEY
  free(v);
  return ok;
}

/* Run every case of the test file 'path' (absolute 'abs'). */
static void run_file(const char *path, const char *abs, tally *t) {
  size_t len;
  char *text = read_file(abs, &len);
  if (!text) {
    printf("%s:0: FAIL cannot read the file: %s\n", path, strerror(errno));
    t->failed++;
    return;
  }
  /* work from the file's folder: paths in directives are relative to it */
  char *dir = strdup(abs);
  if (!dir) abort();
  char *slash = strrchr(dir, '/');
  if (slash) *slash = 0;
  if (slash && chdir(dir[0] ? dir : "/") != 0) {
    printf("%s:0: FAIL cannot enter its folder: %s\n", path, strerror(errno));
    t->failed++;
    free(dir);
    free(text);
    return;
  }
  free(dir);

  line *lines;
  size_t n = split_lines(text, len, &lines);
  setup s;
  memset(&s, 0, sizeof s);
  int cases = 0;
  for (size_t i = 0; i < n;) {
    const line *l = &lines[i];
    if (l->n == 0) {
      i++;
      continue;
    }
    if (l->s[0] == '#') {
      apply_directive(path, i + 1, l, &s, t);
      i++;
      continue;
    }
    case_kind kind;
    if (line_is(l, "query")) kind = CASE_QUERY;
    else if (line_is(l, "error")) kind = CASE_ERROR;
    else if (line_is(l, "columns")) kind = CASE_COLUMNS;
    else {
      malformed(path, i + 1, "expected 'query', 'error', 'columns', a '#' line or an empty line", t);
      /* skip to the next empty line, past the rest of whatever this was */
      while (i < n && lines[i].n != 0) i++;
      continue;
    }
    size_t start = i++;
    size_t qb = i;
    while (i < n && !line_is(&lines[i], "----")) i++;
    if (i == n) {
      malformed(path, start + 1, "the block has no '----' line", t);
      break;
    }
    bool has_query = i > qb;
    if (!has_query) malformed(path, start + 1, "the block has no query", t);
    /* the query: lines qb..i-1 joined with "\n" */
    const char *query = has_query ? lines[qb].s : "";
    size_t qlen = has_query ? (size_t)(lines[i - 1].s + lines[i - 1].n - query) : 0;
    i++; /* past "----" */
    /* the expectation: lines up to an empty line or EOF, each with "\n" */
    size_t eb = i;
    while (i < n && lines[i].n != 0) i++;
    char *exp = NULL;
    size_t elen = 0;
    FILE *ef = open_memstream(&exp, &elen);
    if (!ef) abort();
    for (size_t k = eb; k < i; k++) {
      fwrite(lines[k].s, 1, lines[k].n, ef);
      fputc('\n', ef);
    }
    fclose(ef);
    if (has_query) {
      check_case(path, start + 1, kind, &s, query, qlen, exp, elen, t);
      cases++;
    }
    free(exp);
  }
  if (cases == 0) malformed(path, 1, "the file has no cases", t);
  setup_free(&s);
  free(lines);
  free(text);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: kql-golden DIR [FILTER...]\n");
    puts("0 passed, 1 failed");
    return 2;
  }
  strlist files = {0};
  find_tests(argv[1], &files);
  qsort(files.v, files.n, sizeof *files.v, cmp_str);
  tally t = {0, 0};
  char cwd[PATH_MAX];
  if (!getcwd(cwd, sizeof cwd)) {
    perror("kql-golden: getcwd");
    return 2;
  }
  int run = 0;
  for (size_t i = 0; i < files.n; i++) {
    bool pick = argc == 2;
    for (int k = 2; k < argc && !pick; k++) pick = strstr(files.v[i], argv[k]) != NULL;
    if (!pick) continue;
    char abs[PATH_MAX];
    if (files.v[i][0] == '/') snprintf(abs, sizeof abs, "%s", files.v[i]);
    else if ((size_t)snprintf(abs, sizeof abs, "%s/%s", cwd, files.v[i]) >= sizeof abs) {
      printf("%s:0: FAIL path too long\n", files.v[i]);
      t.failed++;
      continue;
    }
    run_file(files.v[i], abs, &t);
    run++;
  }
  if (run == 0) {
    printf("%s: FAIL no .test files found\n", argv[1]);
    t.failed++;
  }
  if (chdir(cwd) != 0) perror("kql-golden: chdir");
  strlist_free(&files);
  printf("%d passed, %d failed\n", t.passed, t.failed);
  return t.failed ? 1 : 0;
}
