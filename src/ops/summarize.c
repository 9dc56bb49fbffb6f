/*
** Operator: summarize <aggregates> [by <keys>] | distinct <columns>
** A sink: consumes its whole input into a hash table of groups (keys copied into the
** group arena, one state per aggregate), then emits one row per group in first-seen
** order.  With no 'by' it always emits exactly one row, even for an empty input.
*/
#include <stdlib.h>
#include <string.h>

#include "../exec.h"

typedef struct group {
  kql_value *keys;        /* the group's key values */
  unsigned char *state;   /* aggregate states, at offsets off[] */
  uint64_t hash;          /* hash of the keys */
} group;

typedef struct sum_op {
  op base;                /* common head */
  const ast **keys;       /* key expressions */
  int nkeys;              /* how many */
  const ast **aggs;       /* aggregate calls (AST_CALL) */
  int naggs;              /* how many */
  size_t *off;            /* state offset of each aggregate */
  int *outcol;            /* first output column of each aggregate */
  size_t state_size;      /* bytes of state per group */
  group **groups;         /* in first-seen order */
  size_t ngroups;         /* how many */
  size_t cap;             /* room in groups */
  uint32_t *slots;        /* open addressing: group index + 1, 0 empty */
  size_t nslots;          /* power of two */
  arena *keep;            /* keys and states */
  arena *tmp;             /* scratch, reset per batch */
  batch *out;             /* output batch */
  kql_value *keybuf;      /* one row's key values */
  size_t emitted;         /* groups emitted so far */
  bool consumed;          /* input fully read */
} sum_op;

static void grow(sum_op *s) {
  size_t ns = s->nslots ? s->nslots * 2 : 64;
  free(s->slots);
  s->slots = xcalloc(ns, sizeof *s->slots);
  for (size_t i = 0; i < s->ngroups; i++) {
    size_t h = (size_t)s->groups[i]->hash & (ns - 1);
    while (s->slots[h]) h = (h + 1) & (ns - 1);
    s->slots[h] = (uint32_t)(i + 1);
  }
  s->nslots = ns;
}

static group *new_group(sum_op *s, const kql_value *keys, uint64_t h) {
  group *g = arena_alloc(s->keep, sizeof *g);
  g->keys = arena_alloc(s->keep, sizeof(kql_value) * (size_t)(s->nkeys ? s->nkeys : 1));
  for (int k = 0; k < s->nkeys; k++) g->keys[k] = val_copy(s->keep, keys[k]);
  g->state = arena_alloc(s->keep, s->state_size ? s->state_size : 1);
  g->hash = h;
  if (s->ngroups == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 64;
    s->groups = xrealloc(s->groups, sizeof *s->groups * s->cap);
  }
  s->groups[s->ngroups++] = g;
  return g;
}

static group *find_group(sum_op *s, const kql_value *keys) {
  uint64_t h = UINT64_C(1469598103934665603);
  for (int k = 0; k < s->nkeys; k++) h = (h ^ val_hash(&keys[k])) * UINT64_C(1099511628211);
  if ((s->ngroups + 1) * 2 > s->nslots) grow(s);
  size_t i = (size_t)h & (s->nslots - 1);
  while (s->slots[i]) {
    group *g = s->groups[s->slots[i] - 1];
    if (g->hash == h) {
      int k = 0;
      while (k < s->nkeys && val_equal(&g->keys[k], &keys[k])) k++;
      if (k == s->nkeys) return g;
    }
    i = (i + 1) & (s->nslots - 1);
  }
  group *g = new_group(s, keys, h);
  s->slots[i] = (uint32_t)s->ngroups;
  return g;
}

/* arg_max/arg_min state: the best key so far and the returned values of its row. */
typedef struct argext_state {
  bool has;               /* a row with a key was seen */
  bool first;             /* v holds the group's first row, whose key is null */
  kql_value v[];          /* the key, then call->by.n returned values */
} argext_state;

static void argext_step(sum_op *s, const ast *call, argext_state *st, batch *b, int row) {
  kql_value key;
  expr_eval(s->base.x, s->tmp, call->list.v[0], b, row, &key);
  bool empty = key.isnull || (key.type == KQL_T_STRING && key.u.s.n == 0);
  if (empty && (st->has || st->first)) return;
  if (empty) {
    /* no key yet: keep the group's first row, in case no row has one (Kusto returns it) */
    st->first = true;
    st->v[0] = val_copy(s->keep, key);
    for (int i = 0; i < call->by.n; i++) {
      kql_value v;
      expr_eval(s->base.x, s->tmp, call->by.v[i], b, row, &v);
      st->v[i + 1] = val_copy(s->keep, v);
    }
    return;
  }
  if (st->has) {
    int c = val_compare(&key, &st->v[0]);
    if ((call->fn->flags & FN_ARGMIN) ? c >= 0 : c <= 0) return;
  }
  st->has = true;
  st->v[0] = val_copy(s->keep, key);
  for (int i = 0; i < call->by.n; i++) {
    kql_value v;
    expr_eval(s->base.x, s->tmp, call->by.v[i], b, row, &v);
    st->v[i + 1] = val_copy(s->keep, v);
  }
}

static void consume(sum_op *s, batch *b) {
  kql_value *keys = s->keybuf, args[16];
  fn_ctx c = {s->tmp, s->keep, s->base.x->now, &s->base.x->rng};
  int n = batch_count(b);
  for (int i = 0; i < n; i++) {
    int row = batch_row(b, i);
    for (int k = 0; k < s->nkeys; k++) expr_eval(s->base.x, s->tmp, s->keys[k], b, row, &keys[k]);
    group *g = find_group(s, keys);
    for (int a = 0; a < s->naggs; a++) {
      const ast *call = s->aggs[a];
      if (call->fn->flags & FN_ARGMAX) {
        argext_step(s, call, (argext_state *)(g->state + s->off[a]), b, row);
        continue;
      }
      int na = call->list.n < 16 ? call->list.n : 16;
      for (int j = 0; j < na; j++) {
        const ast *arg = call->list.v[j];
        if (arg->kind == AST_NAME && arg->name[0] == '*') args[j] = val_null(KQL_T_NULL);
        else expr_eval(s->base.x, s->tmp, arg, b, row, &args[j]);
      }
      call->fn->step(&c, g->state + s->off[a], args, na);
    }
  }
  arena_reset(s->tmp);
}

static exec_result sum_next(op *o, batch **out) {
  sum_op *s = (sum_op *)o;
  if (!s->consumed) {
    batch *b;
    exec_result r;
    while ((r = o->child->vt->next(o->child, &b)) == EXEC_BATCH_READY) {
      consume(s, b);
      if (!exec_charge(o, arena_used(s->keep) + s->cap * sizeof *s->groups +
                              s->nslots * sizeof *s->slots))
        return EXEC_ERROR;
    }
    if (r == EXEC_ERROR) return r;
    s->consumed = true;
    if (s->nkeys == 0 && s->ngroups == 0) new_group(s, NULL, 0);
  }
  if (s->emitted >= s->ngroups) return EXEC_DONE;
  batch *b = s->out;
  batch_clear(b);
  fn_ctx c = {b->mem, s->keep, o->x->now, &o->x->rng};
  int r = 0;
  for (; r < EXEC_BATCH && s->emitted < s->ngroups; r++, s->emitted++) {
    group *g = s->groups[s->emitted];
    for (int k = 0; k < s->nkeys; k++) b->cols[k][r] = g->keys[k];
    for (int a = 0; a < s->naggs; a++) {
      const ast *call = s->aggs[a];
      if (call->fn->flags & FN_ARGMAX) {
        const argext_state *st = (const argext_state *)(g->state + s->off[a]);
        for (int i = 0; i <= call->by.n; i++) {
          kql_type t = o->node->rel->cols[s->outcol[a] + i].type;
          b->cols[s->outcol[a] + i][r] = st->has || st->first ? st->v[i] : val_null(t);
        }
        continue;
      }
      call->fn->final(&c, g->state + s->off[a], call->type, &b->cols[s->outcol[a]][r]);
    }
  }
  b->nrows = r;
  o->rows_out += (uint64_t)r;
  *out = b;
  return EXEC_BATCH_READY;
}

static void sum_close(op *o) {
  sum_op *s = (sum_op *)o;
  free(s->groups);
  free(s->slots);
  arena_free(s->keep);
  arena_free(s->tmp);
  batch_free(s->out);
}

static const op_vtab summarize_vt = {"summarize", sum_next, sum_close};
static const op_vtab distinct_vt = {"distinct", sum_next, sum_close};

op *op_summarize_new(exec_ctx *x, const ast *n, op *child) {
  sum_op *s = arena_alloc(x->a, sizeof *s);
  s->base.vt = n->kind == AST_DISTINCT ? &distinct_vt : &summarize_vt;
  s->base.node = n;
  s->base.x = x;
  s->base.child = child;
  s->keep = arena_new();
  s->tmp = arena_new();
  const ast_list *keys = n->kind == AST_DISTINCT ? &n->list : &n->by;
  bool star = n->kind == AST_DISTINCT && n->list.n == 1 && n->list.v[0]->kind == AST_STAR;
  s->nkeys = star ? n->rel->n : keys->n;
  s->keybuf = arena_alloc(x->a, sizeof(kql_value) * (size_t)(s->nkeys ? s->nkeys : 1));
  s->keys = arena_alloc(x->a, sizeof(ast *) * (size_t)(s->nkeys ? s->nkeys : 1));
  for (int k = 0; k < s->nkeys; k++) {
    if (star) {
      ast *col = arena_alloc(x->a, sizeof *col);
      col->kind = AST_NAME;
      col->col = k;
      col->name = n->rel->cols[k].name;
      s->keys[k] = col;
    } else {
      s->keys[k] = keys->v[k]->a;
    }
  }
  if (n->kind == AST_SUMMARIZE) {
    s->naggs = n->list.n;
    s->aggs = arena_alloc(x->a, sizeof(ast *) * (size_t)(s->naggs ? s->naggs : 1));
    s->off = arena_alloc(x->a, sizeof(size_t) * (size_t)(s->naggs ? s->naggs : 1));
    s->outcol = arena_alloc(x->a, sizeof(int) * (size_t)(s->naggs ? s->naggs : 1));
    for (int a = 0; a < s->naggs; a++) {
      const ast *call = s->aggs[a] = n->list.v[a]->a;
      size_t size = call->fn->state_size;
      if (call->fn->flags & FN_ARGMAX)
        size = sizeof(argext_state) + sizeof(kql_value) * (size_t)(call->by.n + 1);
      s->off[a] = s->state_size;
      s->outcol[a] = n->list.v[a]->col;
      s->state_size += (size + 15) & ~(size_t)15;
    }
  }
  s->out = batch_new(x->a, n->kind == AST_DISTINCT ? s->nkeys : n->rel->n);
  return &s->base;
}
