/*
** Operator: evaluate ipv4_lookup(LookupTable, SourceIP, LookupRange [, ExtraKey ...]
**           [, return_unmatched=bool])
** The lookup table (node->b) is read whole first.  Each of its ranges ("a.b.c.d" or
** "a.b.c.d/p") goes into the sorted array of its prefix length; an input address is then
** looked up with one binary search per prefix length in use (at most 33), so a lookup
** costs O(33 log n) rather than a scan of the table.  An input address may carry a prefix
** too: it is masked by it first.  A row of the table whose range
** holds the address and whose extra keys equal the input's matches; each input row comes
** out once per match, matches in table order, then (return_unmatched) unmatched rows with
** null table columns.  Invalid addresses and ranges match nothing.
** node->by: key pairs (input AST_NAME, table AST_NAME): the address, the range, extras.
*/
#include <stdlib.h>
#include <string.h>

#include "../exec.h"

typedef struct net {
  uint32_t base;       /* the masked network address */
  size_t row;          /* its table row */
} net;

typedef struct ipl_op {
  op base;             /* common head; child: the input */
  op *right;           /* the table's pipeline, until read */
  int nr;              /* table columns */
  int nout;            /* output columns */
  int src, range;      /* the input's address column; the table's range column */
  int nextra;          /* extra keys */
  int *lx, *rx;        /* their columns on each side */
  int *from_left, *from_right; /* per output column: its column on one side, else -1 */
  kql_value **rows;    /* table rows */
  size_t nrows, cap;
  net *nets[33];       /* per prefix length: networks sorted by address, then row */
  size_t nnets[33];
  size_t *match;       /* the current input row's matching table rows */
  size_t nmatch, match_cap, mi;
  batch *lb;           /* current input batch */
  int li;              /* its next row */
  bool have_row;       /* matches of lb row li-1 are being emitted */
  bool built, done;
  arena *keep;         /* table rows */
  batch *out;          /* output */
} ipl_op;

/* Parse "a.b.c.d" or "a.b.c.d/p" (p in 0..32) in 's' ('n' bytes). */
static bool parse_net(const char *s, size_t n, uint32_t *addr, int *prefix) {
  size_t i = 0;
  uint32_t a = 0;
  for (int part = 0; part < 4; part++) {
    if (part) {
      if (i >= n || s[i] != '.') return false;
      i++;
    }
    size_t start = i;
    unsigned v = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 3) v = v * 10 + (unsigned)(s[i++] - '0');
    if (i == start || v > 255) return false;
    a = a << 8 | v;
  }
  int p = 32;
  if (i < n && s[i] == '/') {
    i++;
    size_t start = i;
    p = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 2) p = p * 10 + (s[i++] - '0');
    if (i == start || p > 32) return false;
  }
  while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
  if (i != n) return false;
  *addr = a;
  *prefix = p;
  return true;
}

static uint32_t mask(int prefix) { return prefix ? ~UINT32_C(0) << (32 - prefix) : 0; }

/* The text of a string or dynamic string value, or false. */
static bool text_of(const kql_value *v, const char **s, size_t *n) {
  if (v->isnull) return false;
  *s = v->u.s.p;
  *n = v->u.s.n;
  if (v->type == KQL_T_DYNAMIC) { /* a JSON string: its text without the quotes */
    if (*n < 2 || (*s)[0] != '"' || (*s)[*n - 1] != '"') return false;
    (*s)++;
    *n -= 2;
  } else if (v->type != KQL_T_STRING) {
    return false;
  }
  return true;
}

static int net_cmp(const void *a, const void *b) {
  const net *x = a, *y = b;
  if (x->base != y->base) return x->base < y->base ? -1 : 1;
  return x->row < y->row ? -1 : x->row > y->row;
}

static int size_cmp(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

static exec_result read_table(ipl_op *p) {
  batch *b;
  exec_result r;
  while ((r = p->right->vt->next(p->right, &b)) == EXEC_BATCH_READY) {
    int n = batch_count(b);
    for (int i = 0; i < n; i++) {
      int row = batch_row(b, i);
      kql_value *v = arena_alloc(p->keep, sizeof *v * (size_t)(p->nr ? p->nr : 1));
      for (int c = 0; c < p->nr; c++) v[c] = val_copy(p->keep, b->cols[c][row]);
      if (p->nrows == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->rows = xrealloc(p->rows, sizeof *p->rows * p->cap);
      }
      p->rows[p->nrows++] = v;
    }
    if (!exec_charge(&p->base, arena_used(p->keep) + p->cap * sizeof *p->rows)) return EXEC_ERROR;
  }
  if (r == EXEC_ERROR) return r;
  exec_free(p->right);
  p->right = NULL;
  /* the networks, by prefix length */
  size_t cap[33] = {0};
  for (size_t row = 0; row < p->nrows; row++) {
    const char *s;
    size_t n;
    uint32_t a;
    int pre;
    if (!text_of(&p->rows[row][p->range], &s, &n) || !parse_net(s, n, &a, &pre)) continue;
    if (p->nnets[pre] == cap[pre]) {
      cap[pre] = cap[pre] ? cap[pre] * 2 : 16;
      p->nets[pre] = xrealloc(p->nets[pre], sizeof(net) * cap[pre]);
    }
    p->nets[pre][p->nnets[pre]++] = (net){a & mask(pre), row};
  }
  size_t bytes = 0;
  for (int pre = 0; pre <= 32; pre++) {
    if (p->nnets[pre]) qsort(p->nets[pre], p->nnets[pre], sizeof(net), net_cmp);
    bytes += cap[pre] * sizeof(net);
  }
  if (!exec_charge(&p->base, arena_used(p->keep) + p->cap * sizeof *p->rows + bytes)) return EXEC_ERROR;
  p->built = true;
  return EXEC_DONE;
}

static void add_match(ipl_op *p, size_t row) {
  if (p->nmatch == p->match_cap) {
    p->match_cap = p->match_cap ? p->match_cap * 2 : 16;
    p->match = xrealloc(p->match, sizeof *p->match * p->match_cap);
  }
  p->match[p->nmatch++] = row;
}

/* The table rows matching input row 'row' of 'b' into p->match, in table order. */
static void find_matches(ipl_op *p, const batch *b, int row) {
  p->nmatch = 0;
  p->mi = 0;
  const char *s;
  size_t n;
  uint32_t a;
  int pre;
  if (!text_of(&b->cols[p->src][row], &s, &n) || !parse_net(s, n, &a, &pre)) return;
  a &= mask(pre);
  for (int k = 0; k <= 32; k++) {
    const net *v = p->nets[k];
    size_t lo = 0, hi = p->nnets[k], want = a & mask(k);
    while (lo < hi) { /* the first network >= want */
      size_t mid = lo + (hi - lo) / 2;
      if (v[mid].base < want) lo = mid + 1;
      else hi = mid;
    }
    for (; lo < p->nnets[k] && v[lo].base == want; lo++) {
      const kql_value *t = p->rows[v[lo].row];
      bool eq = true;
      for (int e = 0; e < p->nextra && eq; e++) {
        const kql_value *x = &b->cols[p->lx[e]][row], *y = &t[p->rx[e]];
        eq = !(x->isnull && x->type != KQL_T_STRING) && val_equal(x, y);
        if (!eq && val_is_numeric(x->type) && val_is_numeric(y->type) && !x->isnull && !y->isnull)
          eq = x->u.i == y->u.i; /* int and long keys */
      }
      if (eq) add_match(p, v[lo].row);
    }
  }
  if (p->nmatch > 1) qsort(p->match, p->nmatch, sizeof *p->match, size_cmp);
}

static void emit(ipl_op *p, const batch *lb, int lrow, size_t r) {
  int at = p->out->nrows++;
  const bind_rel *rel = p->base.node->rel;
  for (int c = 0; c < p->nout; c++) {
    kql_value v;
    if (p->from_left[c] >= 0) v = lb->cols[p->from_left[c]][lrow];
    else v = r != SIZE_MAX ? p->rows[r][p->from_right[c]] : val_null(rel->cols[c].type);
    p->out->cols[c][at] = v;
  }
}

static exec_result ipl_next(op *o, batch **out) {
  ipl_op *p = (ipl_op *)o;
  if (!p->built && read_table(p) == EXEC_ERROR) return EXEC_ERROR;
  batch_clear(p->out);
  bool unmatched = o->node->op;
  while (p->out->nrows < EXEC_BATCH && !p->done) {
    if (p->have_row) {
      int lrow = batch_row(p->lb, p->li - 1);
      if (p->mi < p->nmatch) {
        emit(p, p->lb, lrow, p->match[p->mi++]);
        continue;
      }
      if (!p->nmatch && unmatched) emit(p, p->lb, lrow, SIZE_MAX);
      p->have_row = false;
      continue;
    }
    if (p->lb && p->li < batch_count(p->lb)) {
      find_matches(p, p->lb, batch_row(p->lb, p->li++));
      p->have_row = true;
      continue;
    }
    if (p->out->nrows) break; /* hand out rows that point into lb before reading on */
    exec_result r = o->child->vt->next(o->child, &p->lb);
    if (r == EXEC_ERROR) return r;
    if (r == EXEC_DONE) {
      p->done = true;
      break;
    }
    p->li = 0;
  }
  if (!p->out->nrows && p->done) return EXEC_DONE;
  o->rows_out += (uint64_t)p->out->nrows;
  *out = p->out;
  return EXEC_BATCH_READY;
}

static void ipl_close(op *o) {
  ipl_op *p = (ipl_op *)o;
  if (p->right) exec_free(p->right);
  free(p->rows);
  free(p->match);
  for (int k = 0; k <= 32; k++) free(p->nets[k]);
  arena_free(p->keep);
  batch_free(p->out);
}

static const op_vtab ipl_vt = {"ipv4_lookup", ipl_next, ipl_close};

op *op_ipv4lookup_new(exec_ctx *x, const ast *n, op *child, kql_diag *d) {
  op *right = exec_build(x, n->b, d);
  if (!right) {
    exec_free(child);
    return NULL;
  }
  ipl_op *p = arena_alloc(x->a, sizeof *p);
  p->base.vt = &ipl_vt;
  p->base.node = n;
  p->base.x = x;
  p->base.child = child;
  p->right = right;
  const bind_rel *in = n->in->rel, *tab = n->b->rel, *rel = n->rel;
  p->nr = tab->n;
  p->nout = rel->n;
  p->src = n->by.v[0]->col;
  p->range = n->by.v[3]->col;
  p->nextra = n->by.n / 2 - 2;
  p->lx = arena_alloc(x->a, sizeof(int) * (size_t)(p->nextra ? p->nextra : 1));
  p->rx = arena_alloc(x->a, sizeof(int) * (size_t)(p->nextra ? p->nextra : 1));
  for (int e = 0; e < p->nextra; e++) {
    p->lx[e] = n->by.v[4 + 2 * e]->col;
    p->rx[e] = n->by.v[5 + 2 * e]->col;
  }
  /* output columns: the input's in order, then the table's but the extra keys */
  p->from_left = arena_alloc(x->a, sizeof(int) * (size_t)(p->nout ? p->nout : 1));
  p->from_right = arena_alloc(x->a, sizeof(int) * (size_t)(p->nout ? p->nout : 1));
  int c = 0;
  for (; c < in->n && c < p->nout; c++) p->from_left[c] = c, p->from_right[c] = -1;
  for (int t = 0; t < tab->n && c < p->nout; t++) {
    bool key = false;
    for (int e = 0; e < p->nextra; e++) key |= p->rx[e] == t;
    if (key) continue;
    p->from_left[c] = -1;
    p->from_right[c++] = t;
  }
  p->keep = arena_new();
  p->out = batch_new(x->a, p->nout);
  return &p->base;
}
