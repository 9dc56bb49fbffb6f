/*
** shell.c: 'kql shell', the interactive prompt (and 'kql' alone on a terminal).  Lines are
** edited with libedit (history in ~/.kql_history, Tab completion); a query ends at a blank
** line or at a line ending in ';'; dot-commands (.tables, .schema, .now, .format, .help,
** .analyze, .why, .quit) are read on a line of their own.  Results taller than the screen
** go through $PAGER or a small built-in pager.  Ctrl-C while a query runs cancels it
** (kql_query_cancel from the signal handler); at the prompt it drops the lines typed.
** Also the progress line on stderr that 'kql run' shares.  Uses only kql.h.
**
** Input that is not a terminal is read line by line without editing, prompts or pager, so
** 'kql shell < script' runs a script of queries and dot-commands.
*/
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <histedit.h>
#include <locale.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "help.h"
#include "shell.h"

/* ---- progress on stderr ---- */

/* What the progress line has shown (the CLI runs one query at a time). */
static struct {
  bool on;             /* a run is being watched */
  bool shown;          /* a line is on the screen and must be cleared */
} progress;

/* 'n' bytes as "12.3 MB". */
static void bytes_text(char *buf, size_t cap, double n) {
  static const char *const units[] = {"B", "KB", "MB", "GB", "TB"};
  int u = 0;
  while (n >= 1000 && u < 4) n /= 1000, u++;
  snprintf(buf, cap, u ? "%.1f %s" : "%.0f %s", n, units[u]);
}

static void progress_fn(void *ctx, const kql_progress *p) {
  (void)ctx;
  if (p->seconds < 1.0) return; /* quick runs show nothing */
  char done[32], size[32], rate[32];
  fputs("\r\033[K", stderr);
  if (p->bytes) {
    bytes_text(done, sizeof done, (double)p->bytes);
    bytes_text(rate, sizeof rate, (double)p->bytes / p->seconds);
    if (p->size) {
      bytes_text(size, sizeof size, (double)p->size);
      fprintf(stderr, "%s: %s of %s (%.0f%%), ", p->table, done, size,
              100.0 * (double)p->bytes / (double)p->size);
    } else {
      fprintf(stderr, "%s: %s, ", p->table, done);
    }
    fprintf(stderr, "%llu rows, %s/s, %.0f rows/s", (unsigned long long)p->rows, rate,
            (double)p->rows / p->seconds);
  } else {
    fprintf(stderr, "%s%s%llu rows, %.0f rows/s", p->table, *p->table ? ": " : "",
            (unsigned long long)p->rows, (double)p->rows / p->seconds);
  }
  fflush(stderr);
  progress.shown = true;
}

void shell_progress_start(kql_query *q) {
  progress.on = isatty(STDERR_FILENO);
  progress.shown = false;
  if (progress.on) kql_query_set_progress(q, progress_fn, NULL);
}

void shell_progress_end(void) {
  if (progress.shown) fputs("\r\033[K", stderr), fflush(stderr);
  progress.on = progress.shown = false;
}

/* ---- signals ---- */

static volatile sig_atomic_t got_sigint;   /* Ctrl-C since last looked at */
static kql_query *volatile running;        /* the query running now, or NULL */

static void on_sigint(int sig) {
  (void)sig;
  got_sigint = 1;
  kql_query *q = running;
  if (q) kql_query_cancel(q); /* only sets a flag: safe here */
}

/* Catch SIGINT; 'restart' makes interrupted reads resume (while a query runs, so that the
** data reader is not disturbed); without it a read at the prompt returns EINTR. */
static void catch_sigint(bool restart) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = restart ? SA_RESTART : 0;
  sigaction(SIGINT, &sa, NULL);
}

/* ---- the session ---- */

typedef struct shell {
  kql_engine *e;       /* tables and options */
  kql_format fmt;      /* output format */
  bool tty;            /* input and output are a terminal: edit, complete, page */
  char *lets;          /* let statements remembered for the following queries ("" none) */
  char *pending;       /* the lines of the query being typed */
  char *last;          /* the last query run (without the remembered lets), or NULL */
  EditLine *el;        /* line editor, when tty */
  History *hist;       /* its history */
  char histfile[1024]; /* ~/.kql_history, "" when HOME is unset */
} shell;

static shell *the_shell; /* for libedit callbacks, which have no context argument of ours */

static char *append(char *s, const char *t) {
  size_t n = s ? strlen(s) : 0, k = strlen(t);
  char *r = realloc(s, n + k + 1);
  if (!r) {
    fputs("kql: out of memory\n", stderr);
    exit(2);
  }
  memcpy(r + n, t, k + 1);
  return r;
}

static bool blank(const char *s) {
  while (*s && isspace((unsigned char)*s)) s++;
  return *s == 0;
}

/* ---- output and paging ---- */

static int screen_rows(void) {
  struct winsize ws;
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 2) return ws.ws_row;
  const char *l = getenv("LINES");
  return l && atoi(l) > 2 ? atoi(l) : 24;
}

static int screen_cols(void) {
  struct winsize ws;
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10) return ws.ws_col;
  return 80;
}

/* Screen rows that 'n' bytes of 'line' take (wrapped at 'cols'). */
static int line_height(const char *line, size_t n, int cols) {
  size_t w = 0;
  for (size_t i = 0; i < n; i++)
    if (((unsigned char)line[i] & 0xC0) != 0x80) w++; /* count UTF-8 characters */
  return w == 0 ? 1 : (int)((w + (size_t)cols - 1) / (size_t)cols);
}

/* Read one key from the terminal without echo; -1 on Ctrl-C or error. */
static int read_key(void) {
  struct termios old, raw;
  if (tcgetattr(STDIN_FILENO, &old) != 0) return -1;
  raw = old;
  raw.c_lflag &= (tcflag_t) ~(ICANON | ECHO);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  tcsetattr(STDIN_FILENO, TCSANOW, &raw);
  unsigned char c;
  ssize_t n = read(STDIN_FILENO, &c, 1);
  tcsetattr(STDIN_FILENO, TCSANOW, &old);
  return n == 1 ? c : -1;
}

/* The built-in pager: a screen at a time; space or f the next, Enter a line, q quits. */
static void builtin_pager(const char *text, size_t len) {
  int rows = screen_rows() - 1, cols = screen_cols();
  const char *p = text, *end = text + len;
  int budget = rows;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl ? nl + 1 : end;
    int h = line_height(p, (size_t)(e - p) - (nl ? 1 : 0), cols);
    if (h > budget && budget < rows) {
      int pct = (int)(100 * (p - text) / (end - text));
      printf("\033[7m-- more (%d%%): space next page, Enter next line, q quit --\033[0m", pct);
      fflush(stdout);
      int k = read_key();
      printf("\r\033[K");
      if (k == 'q' || k == 'Q' || k < 0 || k == 3) {
        fflush(stdout);
        return;
      }
      budget = k == '\n' || k == '\r' || k == 'j' ? 1 : rows;
    }
    fwrite(p, 1, (size_t)(e - p), stdout);
    budget -= h;
    p = e;
  }
  fflush(stdout);
}

/* Show 'text': paged when the shell is on a terminal and it is taller than the screen. */
static void show(shell *s, const char *text, size_t len) {
  if (s->tty) {
    int rows = screen_rows(), cols = screen_cols(), h = 0;
    for (const char *p = text, *end = text + len; p < end && h < rows;) {
      const char *nl = memchr(p, '\n', (size_t)(end - p));
      const char *e = nl ? nl : end;
      h += line_height(p, (size_t)(e - p), cols);
      p = nl ? nl + 1 : end;
    }
    if (h >= rows) {
      const char *pager = getenv("PAGER");
      if (pager && *pager) {
        fflush(stdout);
        void (*old)(int) = signal(SIGPIPE, SIG_IGN);
        FILE *f = popen(pager, "w");
        if (f) {
          fwrite(text, 1, len, f);
          pclose(f);
          signal(SIGPIPE, old);
          return;
        }
        signal(SIGPIPE, old);
      }
      builtin_pager(text, len);
      return;
    }
  }
  fwrite(text, 1, len, stdout);
  fflush(stdout);
}

/* Run 'fn' writing into a buffer, then show the buffer. */
#define SHOW(s, call)                       \
  do {                                      \
    char *buf_ = NULL;                      \
    size_t len_ = 0;                        \
    FILE *out = open_memstream(&buf_, &len_); \
    if (!out) break;                        \
    call;                                   \
    fclose(out);                            \
    show(s, buf_, len_);                    \
    free(buf_);                             \
  } while (0)

/* ---- running queries ---- */

/* Render diagnostic 'd' about 'text' (the lets 'lets' were put before it when compiling:
** a span after them is shifted back into 'text'). */
static void report(const kql_diag *d, const char *lets, const char *text) {
  kql_diag dd = *d;
  size_t pre = strlen(lets);
  const char *src = text;
  if (dd.has_span && dd.start >= pre) {
    dd.start -= (uint32_t)pre;
    dd.end -= (uint32_t)pre;
  } else if (dd.has_span) {
    src = lets; /* the error is in a remembered let */
    if (dd.end > pre) dd.end = (uint32_t)pre;
  }
  fflush(stdout);
  kql_diag_render(&dd, "query", src, strlen(src), NULL, stderr);
  const char *topic = help_topic_for(&dd, src, strlen(src));
  if (topic) fprintf(stderr, "kql: see '.help %s'\n", topic);
}

/* Compile 'text' after the remembered lets; NULL after reporting why. */
static kql_query *compile(shell *s, const char *text) {
  char *full = append(append(NULL, s->lets), text);
  kql_diag d;
  kql_query *q = kql_query_compile(s->e, full, strlen(full), &d);
  if (!q) report(&d, s->lets, text);
  free(full);
  return q;
}

/* Start watching 'q' for Ctrl-C and progress; the caller runs it, then calls run_end. */
static void run_begin(kql_query *q) {
  got_sigint = 0;
  running = q;
  catch_sigint(true);
  shell_progress_start(q);
}

static void run_end(void) {
  shell_progress_end();
  running = NULL;
  catch_sigint(false);
  got_sigint = 0;
}

static void run_failed(kql_query *q, const kql_diag *d, const shell *s, const char *text) {
  if (kql_query_cancelled(q)) {
    fflush(stdout);
    fputs("query cancelled\n", stderr);
  } else {
    report(d, s->lets, text);
  }
}

static void run_query(shell *s, const char *text) {
  kql_query *q = compile(s, text);
  if (!q) return;
  free(s->last);
  s->last = strdup(text);
  kql_result *r = NULL;
  kql_diag d;
  run_begin(q);
  kql_status st = kql_query_run(q, &r, &d);
  run_end();
  if (st != KQL_OK) {
    run_failed(q, &d, s, text);
  } else {
    SHOW(s, kql_result_write(r, out, s->fmt));
    const char *w = kql_query_warning(q);
    if (w) fprintf(stderr, "kql: warning: %s\n", w);
  }
  kql_result_free(r);
  kql_query_free(q);
}

/* .analyze and .why: explain the last query. */
static void explain_last(shell *s, bool analyze, const char *why) {
  if (!s->last) {
    fputs("no query yet: run one, then .analyze or .why\n", stderr);
    return;
  }
  kql_query *q = compile(s, s->last);
  if (!q) return;
  kql_diag d;
  kql_status st = KQL_ERR_NOMEM; /* when the output buffer cannot be made */
  run_begin(q);
  if (analyze) {
    SHOW(s, st = kql_query_explain_analyze(q, out, &d));
  } else {
    char *end;
    long n = strtol(why, &end, 10);
    bool number = end != why && *end == 0;
    SHOW(s, st = kql_query_explain_why(q, number ? n : 0, number ? NULL : why, out, &d));
    if (st != KQL_OK && !number && d.has_span) {
      run_end();
      report(&d, "", why);
      kql_query_free(q);
      return;
    }
  }
  run_end();
  if (st != KQL_OK) run_failed(q, &d, s, s->last);
  kql_query_free(q);
}

/* The statements of 'text' split at ';' outside strings and comments: the offset where
** the last statement starts. */
static size_t last_statement(const char *text) {
  size_t start = 0;
  char quote = 0;
  for (size_t i = 0; text[i]; i++) {
    char c = text[i];
    if (quote) {
      if (c == '\\' && quote != '`' && text[i + 1]) i++;
      else if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '/' && text[i + 1] == '/') {
      while (text[i + 1] && text[i + 1] != '\n') i++;
    } else if (c == ';') {
      start = i + 1;
    }
  }
  return start;
}

/* Does 'stmt' start with the word 'w'? */
static bool starts_with_word(const char *stmt, const char *w) {
  while (*stmt && isspace((unsigned char)*stmt)) stmt++;
  size_t n = strlen(w);
  return strncmp(stmt, w, n) == 0 && !isalnum((unsigned char)stmt[n]) && stmt[n] != '_';
}

/* A complete query was typed: remember it if it is only lets, else run it. */
static void submit(shell *s, char *text) {
  /* drop a final ';' and what follows it */
  size_t n = strlen(text);
  while (n && isspace((unsigned char)text[n - 1])) n--;
  bool semi = n && text[n - 1] == ';';
  if (semi) n--;
  text[n] = 0;
  if (blank(text)) return;
  size_t last = last_statement(text);
  if (semi && starts_with_word(text + last, "let")) {
    /* only lets: check them, then keep them for the queries that follow */
    char *probe = append(strdup(text), ";\nprint 0");
    kql_query *q = compile(s, probe);
    free(probe);
    if (!q) return;
    kql_query_free(q);
    s->lets = append(append(s->lets, text), ";\n");
    printf("(remembered for the following queries; .lets shows them, .forget drops them)\n");
    return;
  }
  run_query(s, text);
}

/* ---- dot-commands ---- */

static void cmd_tables(shell *s, FILE *out) {
  const char *t;
  for (int i = 0; (t = kql_engine_table(s->e, i)) != NULL; i++) {
    const char *p = kql_engine_table_path(s->e, t);
    fprintf(out, "%-32s %s\n", t, p ? p : "");
  }
}

static void cmd_schema(shell *s, const char *table, FILE *out) {
  const char *type, *c = kql_engine_column(s->e, table, 0, &type);
  if (!c) {
    fprintf(out, "no table '%s' (.tables lists them)\n", table);
    return;
  }
  fprintf(out, "%s\n", table);
  for (int i = 0; (c = kql_engine_column(s->e, table, i, &type)) != NULL; i++)
    fprintf(out, "  %-44s %s\n", c, type);
}

static void cmd_now(shell *s, const char *arg) {
  if (*arg) {
    int64_t t;
    if (kql_parse_datetime(arg, &t) != 0) {
      fprintf(stderr, "'%s' is not an ISO-8601 instant (e.g. 2026-06-01T23:00:00Z)\n", arg);
      return;
    }
    kql_engine_set_now(s->e, t);
  }
  int64_t t;
  int how = kql_engine_now(s->e, &t);
  if (how == 2) { /* the data folder's instant, for the queries that read its tables */
    char buf[40];
    kql_format_datetime(t, buf);
    printf("now() = %s for queries over the data folder's tables (its now.txt), the clock "
           "otherwise; .now TIME pins an instant for every query\n", buf);
    return;
  }
  const char *q = "print now()";
  kql_diag d;
  kql_query *qq = kql_query_compile(s->e, q, strlen(q), &d);
  kql_result *r = NULL;
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&buf, &len);
  if (qq && m && kql_query_run(qq, &r, &d) == KQL_OK) kql_result_write(r, m, KQL_FMT_CSV);
  if (m) fclose(m);
  const char *v = buf ? strchr(buf, '\n') : NULL; /* after the CSV header */
  printf("now() = %.*s ", v ? (int)strcspn(v + 1, "\r\n") : 0, v ? v + 1 : "");
  free(buf);
  kql_result_free(r);
  kql_query_free(qq);
  printf("(%s)\n", how == 1 ? "pinned: .now TIME pins another instant"
                             : "the clock at each query; .now TIME pins it");
}

static void cmd_format(shell *s, const char *arg) {
  static const char *const names[] = {"table", "json", "ndjson", "csv"};
  if (*arg) {
    int i = 0;
    while (i < 4 && strcmp(arg, names[i]) != 0) i++;
    if (i == 4) {
      fprintf(stderr, "unknown format '%s' (table, json, ndjson or csv)\n", arg);
      return;
    }
    s->fmt = (kql_format)i;
  }
  printf("format: %s\n", names[s->fmt]);
}

/* The dot-commands and their arguments, for completion. */
static const char *const commands[] = {".tables", ".schema", ".now", ".format", ".help", ".analyze",
                                       ".why", ".lets", ".forget", ".quit", ".exit", NULL};

/* Run dot-command 'line'; returns false for .quit. */
static bool dot_command(shell *s, char *line) {
  char *cmd = line;
  while (*cmd && isspace((unsigned char)*cmd)) cmd++;
  char *arg = cmd;
  while (*arg && !isspace((unsigned char)*arg)) arg++;
  if (*arg) *arg++ = 0;
  while (*arg && isspace((unsigned char)*arg)) arg++;
  size_t n = strlen(arg);
  while (n && isspace((unsigned char)arg[n - 1])) arg[--n] = 0;
  if (strcmp(cmd, ".quit") == 0 || strcmp(cmd, ".exit") == 0 || strcmp(cmd, ".q") == 0) return false;
  if (strcmp(cmd, ".tables") == 0) SHOW(s, cmd_tables(s, out));
  else if (strcmp(cmd, ".schema") == 0 && *arg) SHOW(s, cmd_schema(s, arg, out));
  else if (strcmp(cmd, ".schema") == 0) fputs("usage: .schema Table\n", stderr);
  else if (strcmp(cmd, ".now") == 0) cmd_now(s, arg);
  else if (strcmp(cmd, ".format") == 0) cmd_format(s, arg);
  else if (strcmp(cmd, ".help") == 0 && !*arg) fputs(help_shell_text(), stdout);
  else if (strcmp(cmd, ".help") == 0) SHOW(s, help_write(s->e, arg, out));
  else if (strcmp(cmd, ".analyze") == 0) explain_last(s, true, NULL);
  else if (strcmp(cmd, ".why") == 0 && *arg) explain_last(s, false, arg);
  else if (strcmp(cmd, ".why") == 0) fputs("usage: .why N  or  .why PREDICATE\n", stderr);
  else if (strcmp(cmd, ".lets") == 0) fputs(*s->lets ? s->lets : "(no lets remembered)\n", stdout);
  else if (strcmp(cmd, ".forget") == 0) s->lets[0] = 0, puts("(lets forgotten)");
  else fprintf(stderr, "unknown command '%s' (.help lists them)\n", cmd);
  fflush(stdout);
  return true;
}

/* ---- completion ---- */

/* Candidates for one completion. */
typedef struct cands {
  char **v;            /* the words */
  int n, cap;          /* how many, room */
  const char *prefix;  /* what the word typed so far is */
  size_t plen;         /* its length */
} cands;

static void add(cands *c, const char *word, const char *suffix) {
  if (strncasecmp(word, c->prefix, c->plen) != 0) return;
  for (int i = 0; i < c->n; i++)
    if (strncmp(c->v[i], word, strlen(word)) == 0 && strlen(c->v[i]) - strlen(word) <= 1) return;
  if (c->n == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 64;
    char **v = realloc(c->v, sizeof(char *) * (size_t)c->cap);
    if (!v) return;
    c->v = v;
  }
  size_t n = strlen(word), k = strlen(suffix);
  char *w = malloc(n + k + 1);
  if (!w) return;
  memcpy(w, word, n);
  memcpy(w + n, suffix, k + 1);
  c->v[c->n++] = w;
}

static bool word_char(char c) {
  return isalnum((unsigned char)c) || c == '_' || c == '-' || (unsigned char)c >= 0x80;
}

/* The names of the lets in 'text' ("let Name ="). */
static void add_lets(cands *c, const char *text) {
  for (const char *p = text; (p = strstr(p, "let")) != NULL; p += 3) {
    if (p > text && word_char(p[-1])) continue;
    const char *q = p + 3;
    if (!isspace((unsigned char)*q)) continue;
    while (isspace((unsigned char)*q)) q++;
    const char *e = q;
    while (word_char(*e) && *e != '-') e++;
    if (e == q) continue;
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(e - q), q);
    add(c, name, "");
  }
}

static void add_tables(cands *c, kql_engine *e) {
  const char *t;
  for (int i = 0; (t = kql_engine_table(e, i)) != NULL; i++) add(c, t, " ");
}

static void add_columns_of_table(cands *c, kql_engine *e, const char *table) {
  const char *col;
  for (int i = 0; (col = kql_engine_column(e, table, i, NULL)) != NULL; i++) add(c, col, " ");
}

/* The columns in scope at the end of 'before' (the query text up to the operator being
** typed): compile the pipeline before that operator and take its result columns; failing
** that, the columns of the table the statement starts with. */
static void add_columns(cands *c, shell *s, const char *text, size_t stmt, size_t pipe) {
  char *q = append(NULL, s->lets);
  size_t k = strlen(q);
  char *r = realloc(q, k + pipe + 1);
  if (!r) {
    free(q);
    return;
  }
  memcpy(r + k, text, pipe);
  r[k + pipe] = 0;
  kql_diag d;
  kql_query *qq = kql_query_compile(s->e, r, strlen(r), &d);
  if (qq) {
    for (int i = 0; i < kql_query_ncols(qq); i++) add(c, kql_query_col_name(qq, i), " ");
    kql_query_free(qq);
  } else {
    char table[256];
    const char *p = text + stmt;
    while (*p && isspace((unsigned char)*p)) p++;
    size_t n = 0;
    while (word_char(p[n]) && p[n] != '-' && n + 1 < sizeof table) n++;
    snprintf(table, sizeof table, "%.*s", (int)n, p);
    if (n) add_columns_of_table(c, s->e, table);
  }
  free(r);
}

static const char *const keywords[] = {"and", "or", "not(", "by", "on", "with", "kind=", "asc", "desc",
                                       "has", "!has", "has_cs", "contains", "!contains", "startswith",
                                       "endswith", "in", "in~", "!in", "has_any", "has_all",
                                       "between", "matches regex", "true", "false", "dynamic(",
                                       "datetime(", "timespan(", "typeof(", NULL};

/* Fill 'c' with what may follow 'text' (the query typed so far, up to the word). */
static void gather(cands *c, shell *s, const char *text) {
  /* find the current statement and the last '|' of it, outside strings and comments */
  size_t stmt = 0, pipe = (size_t)-1, paren = 0;
  char quote = 0;
  for (size_t i = 0; text[i]; i++) {
    char ch = text[i];
    if (quote) {
      if (ch == '\\' && text[i + 1]) i++;
      else if (ch == quote) quote = 0;
    } else if (ch == '"' || ch == '\'') {
      quote = ch;
    } else if (ch == '/' && text[i + 1] == '/') {
      while (text[i + 1] && text[i + 1] != '\n') i++;
    } else if (ch == ';') {
      stmt = i + 1, pipe = (size_t)-1, paren = 0;
    } else if (ch == '(') {
      paren++;
    } else if (ch == ')' && paren) {
      paren--;
    } else if (ch == '|' && !paren) {
      pipe = i;
    }
  }
  const char *st = text + stmt;
  while (*st && isspace((unsigned char)*st)) st++;
  /* "let Name = " starts a statement of its own */
  if (starts_with_word(st, "let")) {
    const char *eq = strchr(st, '=');
    if (!eq) return; /* naming a let: nothing to offer */
    st = eq + 1;
    while (*st && isspace((unsigned char)*st)) st++;
    stmt = (size_t)(st - text);
  }
  size_t end = strlen(text);
  while (end > stmt && isspace((unsigned char)text[end - 1])) end--;
  if (end == stmt) { /* the start of a statement: a source */
    add_tables(c, s->e);
    add_lets(c, s->lets);
    add_lets(c, text);
    static const char *const starts[] = {"let ", "print ", "datatable(", "range ", "union ", NULL};
    for (int i = 0; starts[i]; i++) add(c, starts[i], "");
    return;
  }
  if (pipe != (size_t)-1 && pipe >= stmt && end == pipe + 1) { /* right after '|' */
    const char *op;
    for (int i = 0; (op = help_operator(i)) != NULL; i++) add(c, op, " ");
    return;
  }
  /* inside an operator: columns in scope, functions, lets, keywords */
  if (pipe != (size_t)-1 && pipe >= stmt) add_columns(c, s, text, stmt, pipe);
  else add_tables(c, s->e);
  kql_function_info f;
  for (int i = 0; kql_function(i, &f); i++) add(c, f.name, "(");
  add_lets(c, s->lets);
  add_lets(c, text);
  for (int i = 0; keywords[i]; i++) add(c, keywords[i], "");
}

static int cmp_cand(const void *a, const void *b) {
  return strcasecmp(*(char *const *)a, *(char *const *)b);
}

/* Tab: complete the word before the cursor, or list the choices. */
static unsigned char complete(EditLine *el, int ch) {
  (void)ch;
  shell *s = the_shell;
  const LineInfo *li = el_line(el);
  const char *start = li->cursor;
  while (start > li->buffer && (word_char(start[-1]) || start[-1] == '.' || start[-1] == '!' ||
                                start[-1] == '~'))
    start--;
  /* a '.' only belongs to the word at the start of a dot-command */
  const char *dot = memchr(start, '.', (size_t)(li->cursor - start));
  if (dot && !(dot == li->buffer && !s->pending)) start = dot + 1;
  char word[256];
  size_t wl = (size_t)(li->cursor - start);
  if (wl >= sizeof word) return CC_ERROR;
  memcpy(word, start, wl);
  word[wl] = 0;
  cands c = {NULL, 0, 0, word, wl};
  char *before = append(NULL, s->pending ? s->pending : "");
  size_t k = strlen(before);
  char *b2 = realloc(before, k + (size_t)(start - li->buffer) + 1);
  if (!b2) {
    free(before);
    return CC_ERROR;
  }
  before = b2;
  memcpy(before + k, li->buffer, (size_t)(start - li->buffer));
  before[k + (size_t)(start - li->buffer)] = 0;
  const char *lb = before + k; /* this line, up to the word */
  while (*lb == ' ') lb++;
  if (!s->pending && word[0] == '.' && lb == before + k + (size_t)(start - li->buffer)) {
    for (int i = 0; commands[i]; i++) add(&c, commands[i], " ");
  } else if (!s->pending && li->buffer[0] == '.') {
    if (strncmp(li->buffer, ".schema ", 8) == 0) add_tables(&c, s->e);
    else if (strncmp(li->buffer, ".help ", 6) == 0) {
      const char *t;
      for (int i = 0; (t = help_topic_name(i)) != NULL; i++) add(&c, t, "");
      kql_function_info f;
      for (int i = 0; kql_function(i, &f); i++) add(&c, f.name, "");
    } else if (strncmp(li->buffer, ".format ", 8) == 0) {
      static const char *const f[] = {"table", "json", "ndjson", "csv"};
      for (int i = 0; i < 4; i++) add(&c, f[i], "");
    }
  } else {
    gather(&c, s, before);
  }
  free(before);
  unsigned char rc = CC_REFRESH;
  if (c.n == 0) {
    rc = CC_REFRESH_BEEP;
  } else {
    /* the longest common prefix (ignoring case), in the first candidate's spelling */
    size_t lcp = strlen(c.v[0]);
    for (int i = 1; i < c.n; i++) {
      size_t j = 0;
      while (j < lcp && c.v[i][j] && tolower((unsigned char)c.v[i][j]) == tolower((unsigned char)c.v[0][j])) j++;
      lcp = j;
    }
    if (c.n == 1 || lcp > wl) {
      char rep[512];
      snprintf(rep, sizeof rep, "%.*s", (int)lcp, c.v[0]);
      el_deletestr(el, (int)wl);
      el_insertstr(el, rep);
    } else { /* list the choices under the line */
      qsort(c.v, (size_t)c.n, sizeof(char *), cmp_cand);
      size_t w = 0;
      for (int i = 0; i < c.n; i++)
        if (strlen(c.v[i]) > w) w = strlen(c.v[i]);
      int per = screen_cols() / (int)(w + 2);
      if (per < 1) per = 1;
      fputc('\n', stdout);
      int shown = c.n > 200 ? 200 : c.n;
      for (int i = 0; i < shown; i++)
        printf("%-*s%s", (int)w + 2, c.v[i], (i + 1) % per == 0 || i + 1 == shown ? "\n" : "");
      if (shown < c.n) printf("(and %d more)\n", c.n - shown);
      fflush(stdout);
      rc = CC_REDISPLAY;
    }
  }
  for (int i = 0; i < c.n; i++) free(c.v[i]);
  free(c.v);
  return rc;
}

/* ---- reading lines ---- */

static char *prompt_first(EditLine *el) {
  (void)el;
  return (char *)"kql> ";
}

static char *prompt_more(EditLine *el) {
  (void)el;
  return (char *)"...> ";
}

/* libedit's character reader, replaced so that Ctrl-C at the prompt ends el_gets (the
** built-in one retries a read that a signal interrupted). */
static int read_char(EditLine *el, wchar_t *wc) {
  (void)el;
  mbstate_t mb;
  memset(&mb, 0, sizeof mb);
  for (;;) {
    char c;
    ssize_t n = read(STDIN_FILENO, &c, 1);
    if (n == 1) {
      wchar_t w;
      size_t r = mbrtowc(&w, &c, 1, &mb);
      if (r == (size_t)-2) continue; /* more bytes of a UTF-8 character */
      *wc = r == (size_t)-1 ? (wchar_t)(unsigned char)c : w;
      return 1;
    }
    if (n == 0) return 0;
    if (errno == EINTR && !got_sigint) continue;
    return -1;
  }
}

/* The next line of input without its newline (malloc'ed), or NULL at the end.  Sets
** '*interrupted' when Ctrl-C ended the line. */
static char *read_line(shell *s, bool *interrupted) {
  *interrupted = false;
  if (!s->tty) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
      free(line);
      return NULL;
    }
    if (n && line[n - 1] == '\n') line[--n] = 0;
    if (n && line[n - 1] == '\r') line[--n] = 0;
    return line;
  }
  el_set(s->el, EL_PROMPT, s->pending ? prompt_more : prompt_first);
  el_resize(s->el);
  got_sigint = 0;
  int count = 0;
  const char *l = el_gets(s->el, &count);
  if (!l || count < 0) {
    if (got_sigint) {
      got_sigint = 0;
      *interrupted = true;
      fputs("^C\n", stdout);
      return strdup("");
    }
    return NULL;
  }
  char *line = strdup(l);
  size_t n = strlen(line);
  while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
  if (!blank(line)) {
    HistEvent ev;
    history(s->hist, &ev, H_ENTER, line);
  }
  return line;
}

static void editor_open(shell *s) {
  setlocale(LC_CTYPE, "");
  s->hist = history_init();
  HistEvent ev;
  history(s->hist, &ev, H_SETSIZE, 1000);
  history(s->hist, &ev, H_SETUNIQUE, 1);
  const char *home = getenv("HOME");
  if (home && *home) {
    snprintf(s->histfile, sizeof s->histfile, "%s/.kql_history", home);
    history(s->hist, &ev, H_LOAD, s->histfile);
  }
  s->el = el_init("kql", stdin, stdout, stderr);
  el_set(s->el, EL_EDITOR, "emacs");
  el_set(s->el, EL_SIGNAL, 0);
  el_set(s->el, EL_HIST, history, s->hist);
  el_set(s->el, EL_GETCFN, read_char);
  /* the wide form: libedit's narrow EL_ADDFN copies the names and never frees them */
  el_wset(s->el, EL_ADDFN, L"kql-complete", L"complete a name", complete);
  el_set(s->el, EL_BIND, "^I", "kql-complete", NULL);
  el_source(s->el, NULL); /* ~/.editrc, as other libedit programs */
}

static void editor_close(shell *s) {
  if (!s->el) return;
  HistEvent ev;
  if (s->histfile[0]) history(s->hist, &ev, H_SAVE, s->histfile);
  el_end(s->el);
  history_end(s->hist);
}

/* Help for the shell's commands (also 'kql help shell'). */
const char *help_shell_text(void) {
  return "Type a query and end it with a blank line or with ';' at the end of a line.\n"
         "A line of only 'let' statements ending in ';' is remembered for later queries.\n"
         "Tab completes tables, columns, operators and functions; Ctrl-C cancels a running\n"
         "query (or the lines typed); Ctrl-D or .quit leaves.\n\n"
         "  .tables            the tables of the data folders\n"
         "  .schema Table      its columns and their types\n"
         "  .now [TIME]        show now(), or pin it to an ISO-8601 instant\n"
         "  .format [F]        show or set the output format: table, json, ndjson, csv\n"
         "  .analyze           run the last query again with rows and time per step\n"
         "  .why N|PREDICATE   follow row N (or the first row where PREDICATE holds) of the\n"
         "                     last query's table: which step drops it, and why\n"
         "  .lets, .forget     show or drop the remembered lets\n"
         "  .help [TOPIC]      this text, or help on an operator or function (.help where)\n"
         "  .quit              leave (also .exit, Ctrl-D)\n";
}

int shell_main(kql_engine *e, const char *format) {
  shell s;
  memset(&s, 0, sizeof s);
  s.e = e;
  s.fmt = KQL_FMT_TABLE;
  if (strcmp(format, "json") == 0) s.fmt = KQL_FMT_JSON;
  else if (strcmp(format, "ndjson") == 0) s.fmt = KQL_FMT_NDJSON;
  else if (strcmp(format, "csv") == 0) s.fmt = KQL_FMT_CSV;
  s.tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
  s.lets = append(NULL, "");
  the_shell = &s;
  catch_sigint(false);
  if (s.tty) {
    editor_open(&s);
    printf("kql %s: KQL over the tables of the data folders.  .help for commands, .tables for\n"
           "the tables, 'kql help' topics as .help where; end a query with a blank line or ';'.\n",
           kql_version());
  }
  for (;;) {
    bool intr;
    char *line = read_line(&s, &intr);
    if (!line) break;
    if (intr) { /* Ctrl-C at the prompt: forget the lines typed */
      free(s.pending);
      s.pending = NULL;
      free(line);
      continue;
    }
    if (!s.pending && (line[0] == '.' || (line[0] == ' ' && !blank(line) && line[strspn(line, " ")] == '.'))) {
      bool go_on = dot_command(&s, line);
      free(line);
      if (!go_on) break;
      continue;
    }
    if (blank(line)) {
      free(line);
      if (s.pending) {
        char *q = s.pending;
        s.pending = NULL;
        submit(&s, q);
        free(q);
      }
      continue;
    }
    s.pending = append(append(s.pending, line), "\n");
    size_t n = strlen(line);
    while (n && isspace((unsigned char)line[n - 1])) n--;
    bool ends = n && line[n - 1] == ';';
    free(line);
    if (ends) {
      char *q = s.pending;
      s.pending = NULL;
      submit(&s, q);
      free(q);
    }
  }
  if (s.pending) { /* end of input ends the last query */
    char *q = s.pending;
    s.pending = NULL;
    submit(&s, q);
    free(q);
  }
  if (s.tty) fputc('\n', stdout);
  editor_close(&s);
  free(s.lets);
  free(s.last);
  the_shell = NULL;
  return 0;
}
