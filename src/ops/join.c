/*
** Operator: join [kind=...] (Right) on Keys | lookup [kind=leftouter|inner] (Right) on Keys
** A hash join.  The right side is read whole into a hash table on its key columns (the
** build side); left rows stream through and probe it.  innerunique (Kusto's default)
** keeps only the first left row of each key.  Rows with a null key match nothing.
** Output order: left rows in input order, each with its matches in right-input order;
** unmatched right rows (rightouter, fullouter, rightanti) and rightsemi rows come last.
*/
#include <stdlib.h>
#include <string.h>

#include "../exec.h"

/* A slot of the right side's hash table: probing compares 'tag' first, so a probe reads
** right rows (scattered in memory) only for a likely match. */
typedef struct join_slot {
  uint32_t row;        /* head right row of the key's chain + 1; 0: empty */
  uint32_t tag;        /* the key hash's high 32 bits */
} join_slot;

/* Join kinds, as the binder numbers them in ast.op. */
enum { J_INNERUNIQUE, J_INNER, J_LEFTOUTER, J_RIGHTOUTER, J_FULLOUTER, J_LEFTANTI,
       J_RIGHTANTI, J_LEFTSEMI, J_RIGHTSEMI };

typedef struct join_op {
  op base;             /* common head; child is the left side */
  op *right;           /* right pipeline, until it is read */
  int kind;            /* J_* */
  int nkeys;           /* key columns */
  int *lkey, *rkey;    /* key column indexes on each side */
  int nl, nr;          /* columns on each side */
  int nout;            /* output columns */
  int *from_left;      /* per output column: left column or -1 */
  int *from_right;     /* per output column: right column or -1 */
  kql_value **rows;    /* right rows */
  size_t nrows, cap;   /* right rows held */
  size_t *chain;       /* per right row: next row with the same key, or SIZE_MAX */
  join_slot *slots;    /* hash table of the right rows' distinct keys */
  size_t nslots;       /* power of two */
  bool *matched;       /* per right row: matched by some left row */
  uint32_t *seen;      /* innerunique: left keys seen (index into seen_keys + 1) */
  kql_value **seen_keys; /* innerunique: the keys */
  size_t nseen, seen_cap, seen_slots;
  bool built;          /* right side read */
  batch *lb;           /* current left batch */
  int li;              /* next row of lb */
  size_t cur_match;    /* next right row of the current left row, or SIZE_MAX */
  bool cur_any;        /* the current left row matched */
  bool left_done;      /* left side exhausted */
  size_t tail_pos;     /* emitting trailing right rows: next index */
  arena *keep;         /* right rows and seen keys */
  batch *out;          /* output */
} join_op;

static uint64_t key_hash(const kql_value *k, int n) {
  uint64_t h = UINT64_C(1469598103934665603);
  for (int i = 0; i < n; i++) h = (h ^ val_hash(&k[i])) * UINT64_C(1099511628211);
  /* mix the high bits down: the table takes the low bits, and keys such as datetime bins
  ** (multiples of 30 s in ticks) differ mostly in their high bits, which made long probe
  ** runs in linear probing */
  h ^= h >> 31;
  h *= UINT64_C(0xBF58476D1CE4E5B9);
  return h ^ (h >> 29);
}

static bool key_null(const kql_value *k, int n) {
  for (int i = 0; i < n; i++)
    if (k[i].isnull && k[i].type != KQL_T_STRING) return true;
  return false;
}

static bool key_eq(const kql_value *a, const kql_value *b, int n) {
  for (int i = 0; i < n; i++)
    if (!val_equal(&a[i], &b[i])) return false;
  return true;
}

/* Right row 'r' key values into 'k'. */
static void right_key(const join_op *j, size_t r, kql_value *k) {
  for (int i = 0; i < j->nkeys; i++) k[i] = j->rows[r][j->rkey[i]];
}

static void build(join_op *j) {
  size_t ns = 16;
  while (ns < j->nrows * 2) ns *= 2;
  j->nslots = ns;
  j->slots = xcalloc(ns, sizeof *j->slots);
  j->chain = xmalloc(sizeof *j->chain * (j->nrows ? j->nrows : 1));
  j->matched = xcalloc(j->nrows ? j->nrows : 1, sizeof *j->matched);
  kql_value k[32], o[32];
  /* last row first, each put at the head of its key's chain: the chains come out in input
  ** order without a per-slot tail (an array as large as the table, and a cache miss more
  ** per row) */
  for (size_t r = j->nrows; r-- > 0;) {
    j->chain[r] = SIZE_MAX;
    right_key(j, r, k);
    if (key_null(k, j->nkeys)) continue;
    uint64_t kh = key_hash(k, j->nkeys);
    uint32_t tag = (uint32_t)(kh >> 32);
    size_t h = (size_t)kh & (ns - 1);
    for (;;) {
      if (!j->slots[h].row) {
        j->slots[h] = (join_slot){(uint32_t)(r + 1), tag};
        break;
      }
      if (j->slots[h].tag != tag) {
        h = (h + 1) & (ns - 1);
        continue;
      }
      right_key(j, j->slots[h].row - 1, o);
      if (key_eq(k, o, j->nkeys)) {
        j->chain[r] = j->slots[h].row - 1;
        j->slots[h].row = (uint32_t)(r + 1);
        break;
      }
      h = (h + 1) & (ns - 1);
    }
  }
}

/* The first right row whose key equals 'k', or SIZE_MAX. */
static size_t probe(const join_op *j, const kql_value *k) {
  if (!j->nrows || key_null(k, j->nkeys)) return SIZE_MAX;
  kql_value o[32];
  uint64_t kh = key_hash(k, j->nkeys);
  uint32_t tag = (uint32_t)(kh >> 32);
  size_t h = (size_t)kh & (j->nslots - 1);
  while (j->slots[h].row) {
    if (j->slots[h].tag == tag) {
      right_key(j, j->slots[h].row - 1, o);
      if (key_eq(k, o, j->nkeys)) return j->slots[h].row - 1;
    }
    h = (h + 1) & (j->nslots - 1);
  }
  return SIZE_MAX;
}

/* innerunique: true the first time key 'k' is seen. */
static bool first_seen(join_op *j, const kql_value *k) {
  if ((j->nseen + 1) * 2 > j->seen_slots) {
    size_t ns = j->seen_slots ? j->seen_slots * 2 : 64;
    uint32_t *slots = xcalloc(ns, sizeof *slots);
    for (size_t i = 0; i < j->nseen; i++) {
      size_t h = (size_t)key_hash(j->seen_keys[i], j->nkeys) & (ns - 1);
      while (slots[h]) h = (h + 1) & (ns - 1);
      slots[h] = (uint32_t)(i + 1);
    }
    free(j->seen);
    j->seen = slots;
    j->seen_slots = ns;
  }
  size_t h = (size_t)key_hash(k, j->nkeys) & (j->seen_slots - 1);
  while (j->seen[h]) {
    if (key_eq(j->seen_keys[j->seen[h] - 1], k, j->nkeys)) return false;
    h = (h + 1) & (j->seen_slots - 1);
  }
  if (j->nseen == j->seen_cap) {
    j->seen_cap = j->seen_cap ? j->seen_cap * 2 : 64;
    j->seen_keys = xrealloc(j->seen_keys, sizeof *j->seen_keys * j->seen_cap);
  }
  kql_value *copy = arena_alloc(j->keep, sizeof *copy * (size_t)j->nkeys);
  for (int i = 0; i < j->nkeys; i++) copy[i] = val_copy(j->keep, k[i]);
  j->seen_keys[j->nseen++] = copy;
  j->seen[h] = (uint32_t)j->nseen;
  return true;
}

/* Bytes 'j' holds: right rows, seen keys, and the hash table for 'nrows' rows once built. */
static size_t held(const join_op *j, size_t nrows) {
  size_t ns = 16;
  while (ns < nrows * 2) ns *= 2;
  return arena_used(j->keep) + j->cap * sizeof *j->rows + j->seen_cap * sizeof *j->seen_keys +
         j->seen_slots * sizeof *j->seen + (nrows ? ns * sizeof *j->slots : 0) +
         nrows * (sizeof *j->chain + sizeof *j->matched);
}

static exec_result read_right(join_op *j) {
  batch *b;
  exec_result r;
  while ((r = j->right->vt->next(j->right, &b)) == EXEC_BATCH_READY) {
    int n = batch_count(b);
    for (int i = 0; i < n; i++) {
      int row = batch_row(b, i);
      kql_value *v = arena_alloc(j->keep, sizeof *v * (size_t)(j->nr ? j->nr : 1));
      for (int c = 0; c < j->nr; c++) v[c] = val_copy(j->keep, b->cols[c][row]);
      if (j->nrows == j->cap) {
        j->cap = j->cap ? j->cap * 2 : 256;
        j->rows = xrealloc(j->rows, sizeof *j->rows * j->cap);
      }
      j->rows[j->nrows++] = v;
    }
    if (!exec_charge(&j->base, held(j, 0))) return EXEC_ERROR;
  }
  if (r == EXEC_ERROR) return r;
  exec_free(j->right);
  j->right = NULL;
  if (!exec_charge(&j->base, held(j, j->nrows))) return EXEC_ERROR;
  build(j);
  j->built = true;
  return EXEC_DONE;
}

/* Append an output row from left row 'lrow' of 'lb' (or none) and right row 'r' (or none). */
static void emit(join_op *j, const batch *lb, int lrow, size_t r) {
  int at = j->out->nrows++;
  for (int c = 0; c < j->nout; c++) {
    kql_value v;
    if (j->from_left[c] >= 0) v = lb ? lb->cols[j->from_left[c]][lrow] : val_null(j->base.node->rel->cols[c].type);
    else v = r != SIZE_MAX ? j->rows[r][j->from_right[c]] : val_null(j->base.node->rel->cols[c].type);
    j->out->cols[c][at] = v;
  }
}

static bool left_kinds(int k) { return k != J_RIGHTANTI && k != J_RIGHTSEMI; }

static exec_result join_next(op *o, batch **out) {
  join_op *j = (join_op *)o;
  if (!j->built && read_right(j) == EXEC_ERROR) return EXEC_ERROR;
  batch_clear(j->out);
  kql_value k[32];
  while (j->out->nrows < EXEC_BATCH) {
    if (!j->left_done && (!j->lb || j->li >= batch_count(j->lb))) {
      if (j->out->nrows) break; /* the rows emitted point into the current left batch */
      exec_result r = o->child->vt->next(o->child, &j->lb);
      if (r == EXEC_ERROR) return r;
      if (r == EXEC_DONE) {
        j->left_done = true;
        j->lb = NULL;
        continue;
      }
      j->li = 0;
      j->cur_match = SIZE_MAX;
      j->cur_any = false;
      continue;
    }
    if (j->left_done) {
      /* trailing right rows */
      bool want_matched = j->kind == J_RIGHTSEMI;
      bool trailing = j->kind == J_RIGHTOUTER || j->kind == J_FULLOUTER || j->kind == J_RIGHTANTI ||
                      j->kind == J_RIGHTSEMI;
      if (!trailing || j->tail_pos >= j->nrows) break;
      size_t r = j->tail_pos++;
      if (j->matched[r] == want_matched) emit(j, NULL, 0, r);
      continue;
    }
    int row = batch_row(j->lb, j->li);
    if (j->cur_match == SIZE_MAX && !j->cur_any) {
      for (int i = 0; i < j->nkeys; i++) k[i] = j->lb->cols[j->lkey[i]][row];
      if (j->kind == J_INNERUNIQUE && !key_null(k, j->nkeys) && !first_seen(j, k)) {
        j->li++;
        continue;
      }
      j->cur_match = probe(j, k);
      j->cur_any = true;
      bool hit = j->cur_match != SIZE_MAX;
      if (j->kind == J_LEFTANTI || j->kind == J_LEFTSEMI || j->kind == J_RIGHTANTI ||
          j->kind == J_RIGHTSEMI) {
        if ((j->kind == J_LEFTANTI && !hit) || (j->kind == J_LEFTSEMI && hit)) emit(j, j->lb, row, SIZE_MAX);
        for (size_t r = j->cur_match; r != SIZE_MAX; r = j->chain[r]) j->matched[r] = true;
        j->li++;
        j->cur_match = SIZE_MAX;
        j->cur_any = false;
        continue;
      }
      if (!hit) {
        if (j->kind == J_LEFTOUTER || j->kind == J_FULLOUTER) emit(j, j->lb, row, SIZE_MAX);
        j->li++;
        j->cur_any = false;
        continue;
      }
    }
    size_t r = j->cur_match;
    j->matched[r] = true;
    emit(j, j->lb, row, r);
    j->cur_match = j->chain[r];
    if (j->cur_match == SIZE_MAX) {
      j->li++;
      j->cur_any = false;
    }
  }
  if (j->kind == J_INNERUNIQUE && !exec_charge(o, held(j, j->nrows))) return EXEC_ERROR;
  if (j->out->nrows == 0) return EXEC_DONE;
  o->rows_out += (uint64_t)j->out->nrows;
  *out = j->out;
  return EXEC_BATCH_READY;
}

static void join_close(op *o) {
  join_op *j = (join_op *)o;
  exec_free(j->right);
  free(j->rows);
  free(j->chain);
  free(j->slots);
  free(j->matched);
  free(j->seen);
  free(j->seen_keys);
  arena_free(j->keep);
  batch_free(j->out);
}

static const op_vtab join_vt = {"join", join_next, join_close};
static const op_vtab lookup_vt = {"lookup", join_next, join_close};

op *op_join_new(exec_ctx *x, const ast *n, op *left, kql_diag *d) {
  op *right = exec_build(x, n->b, d);
  if (!right) {
    exec_free(left);
    return NULL;
  }
  join_op *j = arena_alloc(x->a, sizeof *j);
  j->base.vt = n->kind == AST_LOOKUP ? &lookup_vt : &join_vt;
  j->base.node = n;
  j->base.x = x;
  j->base.child = left;
  j->right = right;
  j->kind = n->op;
  j->nkeys = n->by.n / 2;
  if (j->nkeys > 32) j->nkeys = 32;
  j->lkey = arena_alloc(x->a, sizeof(int) * (size_t)(j->nkeys ? j->nkeys : 1));
  j->rkey = arena_alloc(x->a, sizeof(int) * (size_t)(j->nkeys ? j->nkeys : 1));
  for (int i = 0; i < j->nkeys; i++) {
    j->lkey[i] = n->by.v[2 * i]->col;
    j->rkey[i] = n->by.v[2 * i + 1]->col;
  }
  j->nl = n->in->rel->n;
  j->nr = n->b->rel->n;
  j->nout = n->rel->n;
  j->from_left = arena_alloc(x->a, sizeof(int) * (size_t)(j->nout ? j->nout : 1));
  j->from_right = arena_alloc(x->a, sizeof(int) * (size_t)(j->nout ? j->nout : 1));
  int c = 0;
  if (left_kinds(j->kind))
    for (int i = 0; i < j->nl && c < j->nout; i++, c++) j->from_left[c] = i, j->from_right[c] = -1;
  if (j->kind != J_LEFTANTI && j->kind != J_LEFTSEMI)
    for (int i = 0; i < j->nr && c < j->nout; i++) {
      bool key = false;
      if (n->kind == AST_LOOKUP)
        for (int k = 0; k < j->nkeys; k++) key |= j->rkey[k] == i;
      if (key) continue;
      j->from_left[c] = -1;
      j->from_right[c++] = i;
    }
  j->cur_match = SIZE_MAX;
  j->keep = arena_new();
  j->out = batch_new(x->a, j->nout);
  return &j->base;
}
