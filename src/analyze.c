/*
** analyze.c: watchers in front of operators (see analyze.h): rows and time per step for
** 'kql explain --analyze', one source row followed through the pipeline for 'kql explain
** --why', progress reports and cancellation between batches.
**
** A watcher is an operator whose child is the watched one; its next() checks the cancel
** flag, calls the child's next(), and counts what comes back.  Time is "self" time: each
** watcher's time, less the time of the watchers it called (its inputs, a join's build
** side, a subquery), so the figures of a pipeline add up to the run.
*/
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyze.h"

int64_t an_clock(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void an_run_init(an_run *r) {
  memset(r, 0, sizeof *r);
  r->a = arena_new();
  r->trace_row = -1;
  r->located = -1;
}

void an_run_free(an_run *r) {
  arena_free(r->a);
  r->a = NULL;
}

const an_node *an_find(const an_run *r, const ast *n) {
  for (const an_node *s = r->nodes; s; s = s->next)
    if (s->node == n) return s;
  return NULL;
}

static an_node *node_of(an_run *r, const ast *n) {
  for (an_node *s = r->nodes; s; s = s->next)
    if (s->node == n) return s;
  an_node *s = arena_alloc(r->a, sizeof *s);
  s->node = n;
  s->next = r->nodes;
  r->nodes = s;
  return s;
}

/* The input of 'n' on its main path: through tabular lets, a function call's body and the
** first source of a union; NULL for a source. */
static const ast *input_of(const ast *n) {
  if ((n->kind == AST_TABLE || n->kind == AST_INVOKE) && n->let) return n->let;
  if (n->in) return n->in;
  if (n->kind == AST_UNION && n->list.n) return n->list.v[0];
  return NULL;
}

uint64_t an_rows_out(const an_run *r, const ast *n) {
  while (n) {
    const an_node *s = an_find(r, n);
    if (s) return s->rows_out;
    n = input_of(n);
  }
  return 0;
}

const ast *an_main_source(const ast *result) {
  const ast *n = result, *in;
  while ((in = input_of(n)) != NULL) n = in;
  return n;
}

/* ---- the watcher ---- */

typedef struct an_op {
  op base;             /* common head; base.child is the watched operator */
  an_node *st;         /* the figures of its node */
  bool source;         /* the watched operator reads no other operator's rows */
  bool done;           /* --why: the traced (or located) row has gone by; report the end */
  int one;             /* --why: the selection vector holding the traced row */
  int fd;              /* progress: the data file's descriptor; -2 not looked for, -1 none */
  uint64_t size;       /* progress: the data file's size */
} an_op;

static exec_result an_next(op *o, batch **out);
static void an_close(op *o) { KQL_UNUSED(o); }

static const op_vtab an_vt = {"watch", an_next, an_close};

op *an_wrap(exec_ctx *x, op *o) {
  if (o->vt == &an_vt) return o; /* as, render, a let's name: the input's operator */
  bool source = o->child == NULL;
  if (!source && !(x->an && x->an->all)) return o;
  an_op *w = arena_alloc(x->a, sizeof *w);
  w->base.vt = &an_vt;
  w->base.child = o;
  w->base.node = o->node;
  w->base.x = x;
  w->source = source;
  w->fd = -2;
  if (x->an) {
    w->st = node_of(x->an, o->node);
    w->st->ops++;
  }
  return &w->base;
}

static exec_result cancelled(exec_ctx *x) {
  if (!x->failed && x->d->code == KQL_OK) diag_nospan(x->d, KQL_ERR_RUNTIME, "query cancelled");
  x->failed = true;
  return EXEC_ERROR;
}

/* The descriptor through which the scan reads 'path': the scan's reader is private to it,
** so look for the open file in /proc/self/fd (Linux); its offset is how far the reader has
** read (a buffer ahead of the rows handed on).  -1 when not found. */
static int find_fd(const char *path) {
  char want[PATH_MAX], lnk[64], got[PATH_MAX];
  if (!realpath(path, want)) return -1;
  DIR *d = opendir("/proc/self/fd");
  if (!d) return -1;
  int best = -1;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    int fd = atoi(e->d_name);
    snprintf(lnk, sizeof lnk, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(lnk, got, sizeof got - 1);
    if (n <= 0) continue;
    got[n] = 0;
    if (strcmp(got, want) == 0 && fd > best) best = fd; /* the newest open of the file */
  }
  closedir(d);
  return best;
}

static void report_progress(an_op *w, an_run *r) {
  int64_t now = an_clock();
  if (now - r->t_last < 250000000) return;
  r->t_last = now;
  kql_progress p = {"", 0, 0, r->rows_read, (double)(now - r->t0) / 1e9};
  const ast *n = w->base.node;
  if (n->kind == AST_TABLE && n->scan && n->scan->table->path) {
    p.table = n->scan->table->name;
    if (w->fd == -2) {
      w->fd = find_fd(n->scan->table->path);
      struct stat st;
      if (w->fd >= 0 && fstat(w->fd, &st) == 0) w->size = (uint64_t)st.st_size;
    }
    off_t off = w->fd >= 0 ? lseek(w->fd, 0, SEEK_CUR) : -1;
    if (off >= 0) {
      p.bytes = (uint64_t)off;
      p.size = w->size;
      if (p.size && p.bytes > p.size) p.bytes = p.size;
    }
  }
  r->progress(r->progress_ctx, &p);
}

/* --why: keep a copy of the last row of 'b' (rows that pass later steps overwrite it). */
static void keep_last(an_run *r, an_node *st, const batch *b) {
  int k = batch_count(b);
  if (!k) return;
  int row = batch_row(b, k - 1);
  if (!st->last) st->last = arena_alloc(r->a, sizeof(kql_value) * (size_t)(b->ncols ? b->ncols : 1));
  for (int c = 0; c < b->ncols; c++) st->last[c] = val_copy(r->a, b->cols[c][row]);
}

static exec_result an_next(op *o, batch **out) {
  an_op *w = (an_op *)o;
  exec_ctx *x = o->x;
  an_run *r = x->an;
  if (x->cancel && *x->cancel) return cancelled(x);
  if (w->done) return EXEC_DONE;
  if (!r) return o->child->vt->next(o->child, out);
  int64_t t0 = r->all ? an_clock() : 0;
  an_op *caller = r->cur;
  r->cur = w;
  exec_result res;
  for (;;) {
    res = o->child->vt->next(o->child, out);
    if (res != EXEC_BATCH_READY || !w->source) break;
    batch *b = *out;
    int k = batch_count(b);
    w->st->batch_base = w->st->rows_seen;
    w->st->rows_seen += (uint64_t)k;
    r->rows_read += (uint64_t)k;
    if (r->progress) report_progress(w, r);
    if (o->node != r->trace_src) break;
    /* --why: hand on the traced row alone, then end */
    int64_t at = r->trace_row - (int64_t)w->st->batch_base;
    if (at >= 0 && at < k) {
      w->one = batch_row(b, (int)at);
      b->sel = &w->one;
      b->nsel = 1;
      w->done = true;
      break;
    }
    if (x->cancel && *x->cancel) {
      r->cur = caller;
      return cancelled(x);
    }
  }
  r->cur = caller;
  if (res == EXEC_BATCH_READY) {
    batch *b = *out;
    w->st->rows_out += (uint64_t)batch_count(b);
    w->st->batches++;
    if (r->keep_rows) keep_last(r, w->st, b);
    if (r->locate_src && o->node->in == r->locate_src && r->located < 0 && batch_count(b) > 0) {
      const an_node *src = an_find(r, r->locate_src);
      if (src) r->located = (int64_t)src->batch_base + batch_row(b, 0);
      w->done = true;
    }
  }
  if (r->all) {
    int64_t dt = an_clock() - t0;
    w->st->ns += dt;
    if (caller) caller->st->ns -= dt; /* the caller's own time excludes ours */
  }
  return res;
}

/* ---- kql explain --analyze ---- */

static void put_count(FILE *out, bool known, uint64_t n) {
  if (known) fprintf(out, "%10llu", (unsigned long long)n);
  else fprintf(out, "%10s", "-");
}

static uint64_t rows_in(const an_run *r, const ast *n, bool *known) {
  *known = true;
  switch (n->kind) {
  case AST_UNION: {
    uint64_t sum = n->in ? an_rows_out(r, n->in) : 0;
    for (int i = 0; i < n->list.n; i++) sum += an_rows_out(r, n->list.v[i]);
    return sum;
  }
  case AST_JOIN:
  case AST_LOOKUP: return an_rows_out(r, n->in) + an_rows_out(r, n->b);
  default:
    if (n->in) return an_rows_out(r, n->in);
    *known = false;
    return 0;
  }
}

static void put_ms(FILE *out, int64_t ns) {
  if (ns < 0) ns = 0;
  fprintf(out, "%9.3f ms", (double)ns / 1e6);
}

static void analyze_note(void *ctx, const ast *n, FILE *out) {
  const an_run *r = ctx;
  if (!n) {
    fprintf(out, "%35s", "");
    return;
  }
  bool known;
  uint64_t in = rows_in(r, n, &known);
  const an_node *s = an_find(r, n);
  put_count(out, known, in);
  put_count(out, s != NULL || n->kind == AST_AS || n->kind == AST_RENDER, an_rows_out(r, n));
  if (s) put_ms(out, s->ns);
  else fprintf(out, "%12s", "-");
  fputs("  ", out);
}

void an_report(const an_run *r, const ast *result, const char *src, FILE *out) {
  fprintf(out, "%10s%10s%12s  %s\n", "rows in", "rows out", "time", "step");
  exec_explain_notes(result, src, out, analyze_note, (void *)r);
  uint64_t n = an_rows_out(r, result);
  fprintf(out, "%35s    %llu row%s in %.3f ms\n", "", (unsigned long long)n, n == 1 ? "" : "s",
          (double)r->total_ns / 1e6);
}

/* ---- kql explain --why ---- */

/* Write 'v' for a reader: strings quoted, the rest as tostring() writes it. */
static void put_value(FILE *out, arena *a, kql_value v) {
  if (v.isnull) {
    fputs("null", out);
    return;
  }
  if (v.type == KQL_T_STRING || v.type == KQL_T_GUID) {
    size_t n = v.u.s.n > 120 ? 120 : v.u.s.n;
    fputc('"', out);
    for (size_t i = 0; i < n; i++) {
      unsigned char c = (unsigned char)v.u.s.p[i];
      if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
      else if (c < 0x20) fprintf(out, "\\x%02x", c);
      else fputc(c, out);
    }
    fputs(n < v.u.s.n ? "\"..." : "\"", out);
    return;
  }
  kql_value s = val_tostring(a, v);
  fprintf(out, "%.*s", (int)(s.u.s.n > 200 ? 200 : s.u.s.n), s.u.s.p);
}

/* The steps of the main path, source first, in 'v' (at most 'cap'); returns how many.
** Nodes without an operator of their own (a let's name, invoke) are left out. */
static int main_path(const ast *n, const ast **v, int cap) {
  const ast *in = input_of(n);
  int k = in ? main_path(in, v, cap) : 0;
  if ((n->kind == AST_TABLE && n->let) || n->kind == AST_INVOKE) return k;
  if (k < cap) v[k++] = n;
  return k;
}

/* Does expression 'e' (or an operator's expressions) call a window function (row_number,
** prev, next), whose value depends on the rows before the current one? */
static bool has_window(const ast *e) {
  if (!e) return false;
  if (e->kind == AST_CALL && e->fn && (e->fn->flags & FN_WINDOW)) return true;
  if (e->kind == AST_NAME || e->kind == AST_TABLE || e->kind == AST_LIT) return false;
  if (has_window(e->a) || has_window(e->b) || has_window(e->c)) return true;
  for (int i = 0; i < e->list.n; i++)
    if (has_window(e->list.v[i])) return true;
  for (int i = 0; i < e->by.n; i++)
    if (has_window(e->by.v[i])) return true;
  return false;
}

/* A one-row batch over the values 'vals' (the row an operator received). */
static batch *row_batch(arena *a, kql_value *vals, int ncols) {
  batch *b = arena_alloc(a, sizeof *b);
  b->ncols = ncols;
  b->nrows = 1;
  b->cols = arena_alloc(a, sizeof(kql_value *) * (size_t)(ncols ? ncols : 1));
  for (int c = 0; c < ncols; c++) b->cols[c] = &vals[c];
  return b;
}

/* The part of predicate 'p' that is not true for the row of 'b': the first conjunct of an
** 'and' that is not true, down to a condition that is not an 'and'. */
static const ast *failing(exec_ctx *x, arena *tmp, const ast *p, const batch *b) {
  while (p->kind == AST_BINARY && p->op == OP_AND) {
    kql_value v;
    expr_eval(x, tmp, p->a, b, 0, &v);
    p = expr_true(&v) ? p->b : p->a;
  }
  return p;
}

/* Write "text = value" for the operands of condition 'c' that are not literals. */
static void put_operands(exec_ctx *x, arena *tmp, const char *src, const ast *c, const batch *b,
                         FILE *out, kql_span *seen, int *nseen) {
  const ast *ops[4] = {NULL, NULL, NULL, NULL};
  switch (c->kind) {
  case AST_BINARY:
    if (c->op == OP_AND || c->op == OP_OR) {
      put_operands(x, tmp, src, c->a, b, out, seen, nseen);
      put_operands(x, tmp, src, c->b, b, out, seen, nseen);
      return;
    }
    ops[0] = c->a, ops[1] = c->b;
    break;
  case AST_BETWEEN: ops[0] = c->a, ops[1] = c->b, ops[2] = c->c; break;
  case AST_INLIST: ops[0] = c->a; break;
  case AST_UNARY: ops[0] = c->a; break;
  case AST_LIT: return;
  default: ops[0] = c; break;
  }
  for (int i = 0; i < 4 && ops[i]; i++) {
    const ast *e = ops[i];
    if (e->kind == AST_LIT) continue;
    if (e->kind == AST_UNARY && e->op == OP_NOT) {
      put_operands(x, tmp, src, e->a, b, out, seen, nseen);
      continue;
    }
    size_t len = e->span.end - e->span.start;
    bool dup = false;
    for (int k = 0; k < *nseen && !dup; k++)
      dup = seen[k].end - seen[k].start == len &&
            memcmp(src + seen[k].start, src + e->span.start, len) == 0;
    if (dup || *nseen >= 16) continue;
    seen[(*nseen)++] = e->span;
    kql_value v;
    expr_eval(x, tmp, e, b, 0, &v);
    fputs("      ", out);
    exec_put_span(out, src, e->span);
    fputs(" = ", out);
    put_value(out, tmp, v);
    fputc('\n', out);
  }
}

/* Case-insensitive: does 'hay' contain 'needle'? */
static bool contains_ci(kql_value hay, kql_value needle) {
  if (hay.isnull || needle.isnull || !val_is_str(hay.type) || !val_is_str(needle.type)) return false;
  if (needle.u.s.n == 0 || needle.u.s.n > hay.u.s.n) return false;
  for (size_t i = 0; i + needle.u.s.n <= hay.u.s.n; i++)
    if (strncasecmp(hay.u.s.p + i, needle.u.s.p, needle.u.s.n) == 0) return true;
  return false;
}

/* Why 'where' node 'n' dropped the row it received, the values 'in' of its input. */
static void why_where(exec_ctx *x, arena *tmp, const char *src, const ast *n, kql_value *in,
                      int ncols, int step, FILE *out) {
  batch *b = row_batch(tmp, in, ncols);
  const ast *c = failing(x, tmp, n->a, b);
  kql_value v;
  expr_eval(x, tmp, c, b, 0, &v);
  fprintf(out, "\nStep %d drops the row: this condition is %s:\n    ", step,
          v.isnull ? "null (neither true nor false, and where keeps only true)" : "false");
  exec_put_span(out, src, c->span);
  fputs("\n  with\n", out);
  kql_span seen[16];
  int nseen = 0;
  put_operands(x, tmp, src, c, b, out, seen, &nseen);
  if (c->kind == AST_BINARY && (c->op == OP_HAS || c->op == OP_HAS_CS)) {
    kql_value l, r;
    expr_eval(x, tmp, c->a, b, 0, &l);
    expr_eval(x, tmp, c->b, b, 0, &r);
    if (contains_ci(l, r))
      fputs("  The text holds it, but not as a whole term: 'has' matches whole words (runs of\n"
            "  letters and digits); 'contains' matches any substring.  See 'kql help has'.\n",
            out);
  }
}

/* Write the by-columns of the group the row went into at 'n' (a summarize or distinct) and
** keep them in 'r' for the caller to look for in the result. */
static void why_group(an_run *r, const ast *n, const an_node *s, FILE *out) {
  int k = n->kind == AST_SUMMARIZE ? n->by.n : n->rel->n;
  if (!s || !s->last) return;
  if (k == 0) {
    fputs("  into the single row summarize makes when it has no 'by'.\n", out);
    return;
  }
  r->group_n = k;
  r->group_names = arena_alloc(r->a, sizeof(char *) * (size_t)k);
  r->group_vals = arena_alloc(r->a, sizeof(kql_value) * (size_t)k);
  fputs("  into the group\n", out);
  for (int i = 0; i < k; i++) {
    r->group_names[i] = n->rel->cols[i].name;
    r->group_vals[i] = s->last[i];
    fprintf(out, "      %s = ", n->rel->cols[i].name);
    put_value(out, r->a, s->last[i]);
    fputc('\n', out);
  }
}

void an_why_report(const an_run *rc, exec_ctx *x, const ast *result, const char *src,
                   const char *pred, FILE *out) {
  an_run *r = (an_run *)rc;
  const ast *path[256];
  int np = main_path(result, path, 256);
  arena *tmp = r->a;
  const ast *first = path[0];
  const an_node *fs = an_find(r, first);
  fprintf(out, "Row %lld", (long long)r->trace_row + 1);
  if (first->kind == AST_TABLE && first->scan) fprintf(out, " of %s", first->scan->table->name);
  if (pred) fprintf(out, ", the first where %s", pred);
  fputs(":\n", out);
  if (fs && fs->last) { /* the columns the query reads, those with a value, at most 12 */
    const bind_rel *rel = first->rel;
    int shown = 0, more = 0;
    for (int c = 0; c < rel->n; c++) {
      kql_value v = fs->last[c];
      if (first->kind == AST_TABLE && first->scan && !first->scan->used[c]) continue;
      if (v.isnull || (v.type == KQL_T_STRING && v.u.s.n == 0)) continue;
      if (shown == 12) {
        more++;
        continue;
      }
      fprintf(out, "    %s = ", rel->cols[c].name);
      put_value(out, tmp, v);
      fputc('\n', out);
      shown++;
    }
    if (more) fprintf(out, "    (and %d more column%s)\n", more, more == 1 ? "" : "s");
  }
  fputc('\n', out);
  /* the fate of the row at each step */
  int stop = -1;        /* the step where its fate is decided, -1 when it reaches the end */
  const char *why = NULL;
  for (int i = 0; i < np; i++) {
    const ast *n = path[i];
    const char *status = "kept";
    if (stop >= 0) status = "-";
    else if (i == 0) status = "read";
    else {
      switch (n->kind) {
      case AST_SUMMARIZE:
      case AST_DISTINCT:
      case AST_COUNT:
        status = "grouped";
        stop = i;
        break;
      case AST_TAKE:
      case AST_SAMPLE:
      case AST_TOP:
      case AST_UNION:
      case AST_GETSCHEMA:
        status = "depends";
        stop = i;
        break;
      default:
        if (n->kind != AST_JOIN && n->kind != AST_LOOKUP && has_window(n)) {
          status = "depends";
          stop = i;
        } else if (an_rows_out(r, n) == 0) {
          status = "DROPPED";
          stop = i;
        }
        break;
      }
    }
    fprintf(out, "  %-8s %2d. ", status, i + 1);
    if (n->kind == AST_TABLE && n->scan) fprintf(out, "scan %s", n->scan->table->name);
    else exec_put_span(out, src, n->span);
    fputc('\n', out);
  }
  if (stop < 0) {
    fputs("\nThe row reaches the result", out);
    const an_node *s = an_find(r, path[np - 1]);
    if (!s || !s->last) {
      fputs(".\n", out);
      return;
    }
    fputs(" as\n", out);
    for (int c = 0; c < result->rel->n; c++) {
      fprintf(out, "    %s = ", result->rel->cols[c].name);
      put_value(out, tmp, s->last[c]);
      fputc('\n', out);
    }
    return;
  }
  const ast *n = path[stop];
  /* the values the step received: the last row its input emitted */
  const an_node *in = NULL;
  for (const ast *p = input_of(n); p && !in; p = input_of(p)) in = an_find(r, p);
  int ncols = input_of(n) ? input_of(n)->rel->n : 0;
  kql_value *vals = in && in->last ? in->last : NULL;
  switch (n->kind == AST_WHERE && has_window(n) ? AST_EXTEND : n->kind) {
  case AST_WHERE:
    if (vals) why_where(x, tmp, src, n, vals, ncols, stop + 1, out);
    return;
  case AST_SUMMARIZE:
  case AST_DISTINCT:
  case AST_COUNT:
    fprintf(out, "\nThe row passes every filter and is aggregated at step %d", stop + 1);
    if (n->kind == AST_COUNT) {
      fputs(" (counted).\n", out);
      return;
    }
    fputs("\n", out);
    why_group(r, n, an_find(r, n), out);
    return;
  case AST_TAKE:
  case AST_SAMPLE:
    why = "keeps the first rows that reach it; whether this one is among them depends on the "
          "rows before it";
    break;
  case AST_TOP: why = "keeps the rows that sort first; whether this one does depends on the other rows"; break;
  case AST_UNION: why = "adds the rows of other tables; from here on the row is one of many"; break;
  case AST_EXTEND: /* also a where that uses a window function */
  case AST_PROJECT:
  case AST_SERIALIZE:
    why = "uses row_number(), prev() or next(): values that depend on the rows before this "
          "one, so one row alone cannot say";
    break;
  case AST_JOIN:
    why = "found no row on the other side with the same key (an inner join keeps only rows that "
          "match)";
    break;
  case AST_PARSE: why = "needs the text to match its pattern (parse-where drops rows that do not)"; break;
  case AST_MVEXPAND: why = "makes one row per element, and the array is empty"; break;
  default: why = "emits no row for it"; break;
  }
  fprintf(out, "\nThe row reaches step %d, which %s.\n", stop + 1, why);
}
