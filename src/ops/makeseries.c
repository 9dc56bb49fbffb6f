/*
** Operator: make-series [kind=nonempty] [C =] Agg [default = V], ... on Axis [from F] [to T]
**           step S [by Keys]   (also: on Axis in range(F, T, S))
** A sink like summarize: each input row goes to its group (by the keys) and to the bin of its
** axis value, floor((Axis - F) / S), and steps that bin's aggregate states.  Then it emits one
** row per group in first-seen order: the keys, one dynamic array per aggregate (a bin without
** rows holds the default, 0 unless given) and the axis as a dynamic array of the bins' starts.
** Without 'from' the first bin is the lowest one with data over all groups (bins aligned on
** multiples of S, as bin() aligns them); without 'to' the last is the highest one with data.
** 'in range(F, T, S)' differs, as Kusto documents: T is inclusive and the bins are aligned as
** bin() aligns them, so F itself may fall inside the first bin.  Every row gets the same axis.  A series may hold at most 2^20 bins, as in Kusto.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../exec.h"
#include "../json.h"

#define MS_MAX_BINS (1 << 20) /* Kusto's limit on the length of a series */

typedef struct ms_group {
  kql_value *keys;        /* the group's key values */
  uint64_t hash;          /* hash of the keys */
} ms_group;

/* One (group, bin) with rows: its aggregate states. */
typedef struct ms_cell {
  int64_t bin;            /* bin index from the origin */
  uint32_t group;         /* group index + 1; 0 marks an empty slot */
  unsigned char *state;   /* aggregate states, at offsets off[] */
} ms_cell;

typedef struct ms_op {
  op base;                /* common head */
  const ast **keys;       /* key expressions */
  int nkeys;              /* how many */
  const ast **aggs;       /* aggregate calls (AST_CALL) */
  int naggs;              /* how many */
  size_t *off;            /* state offset of each aggregate */
  size_t state_size;      /* bytes of state per cell */
  kql_value *defs;        /* each aggregate's default, converted to its type */
  bool ticks;             /* the axis is a datetime or timespan (int64 ticks) */
  bool whole;             /* the axis and bounds are whole numbers: integer arithmetic */
  bool has_from, has_to;  /* bounds given */
  bool inrange;           /* 'in range(F, T, S)': bins aligned on 0, T inclusive */
  int64_t binlo, binhi;   /* inrange: the first and last bin */
  int64_t ifrom, ito, istep; /* bounds in integer (or tick) mode */
  double dfrom, dto, dstep;  /* bounds in real mode */
  int64_t lo, hi;         /* lowest and highest bin seen */
  bool seen;              /* some row had an axis value in range */
  ms_group **groups;      /* in first-seen order */
  size_t ngroups;         /* how many */
  size_t cap;             /* room in groups */
  uint32_t *gslots;       /* open addressing over groups: index + 1, 0 empty */
  size_t ngslots;         /* power of two */
  ms_cell *cells;         /* open addressing over (group, bin) */
  size_t ncells;          /* cells in use */
  size_t ncslots;         /* power of two */
  int64_t first, nbins;   /* the emitted range of bins */
  arena *keep;            /* keys and states */
  arena *tmp;             /* scratch, reset per batch */
  batch *out;             /* output batch */
  kql_value *keybuf;      /* one row's key values */
  size_t emitted;         /* groups emitted so far */
  bool consumed;          /* input fully read */
} ms_op;

static uint64_t key_hash(const ms_op *s, const kql_value *keys) {
  uint64_t h = UINT64_C(1469598103934665603);
  for (int k = 0; k < s->nkeys; k++) h = (h ^ val_hash(&keys[k])) * UINT64_C(1099511628211);
  return h;
}

static void grow_groups(ms_op *s) {
  size_t ns = s->ngslots ? s->ngslots * 2 : 64;
  free(s->gslots);
  s->gslots = xcalloc(ns, sizeof *s->gslots);
  for (size_t i = 0; i < s->ngroups; i++) {
    size_t h = (size_t)s->groups[i]->hash & (ns - 1);
    while (s->gslots[h]) h = (h + 1) & (ns - 1);
    s->gslots[h] = (uint32_t)(i + 1);
  }
  s->ngslots = ns;
}

static uint32_t new_group(ms_op *s, const kql_value *keys, uint64_t h) {
  ms_group *g = arena_alloc(s->keep, sizeof *g);
  g->keys = arena_alloc(s->keep, sizeof(kql_value) * (size_t)(s->nkeys ? s->nkeys : 1));
  for (int k = 0; k < s->nkeys; k++) g->keys[k] = keys ? val_copy(s->keep, keys[k]) : val_null(KQL_T_NULL);
  g->hash = h;
  if (s->ngroups == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 64;
    s->groups = xrealloc(s->groups, sizeof *s->groups * s->cap);
  }
  s->groups[s->ngroups++] = g;
  return (uint32_t)s->ngroups;
}

/* The index + 1 of the group of 'keys', made when new. */
static uint32_t find_group(ms_op *s, const kql_value *keys) {
  uint64_t h = key_hash(s, keys);
  if ((s->ngroups + 1) * 2 > s->ngslots) grow_groups(s);
  size_t i = (size_t)h & (s->ngslots - 1);
  while (s->gslots[i]) {
    ms_group *g = s->groups[s->gslots[i] - 1];
    if (g->hash == h) {
      int k = 0;
      while (k < s->nkeys && val_equal(&g->keys[k], &keys[k])) k++;
      if (k == s->nkeys) return s->gslots[i];
    }
    i = (i + 1) & (s->ngslots - 1);
  }
  uint32_t gi = new_group(s, keys, h);
  s->gslots[i] = gi;
  return gi;
}

static size_t cell_hash(uint32_t g, int64_t bin) {
  uint64_t h = ((uint64_t)g * UINT64_C(0x9E3779B97F4A7C15)) ^ ((uint64_t)bin * UINT64_C(0xC2B2AE3D27D4EB4F));
  return (size_t)(h ^ (h >> 29));
}

static void grow_cells(ms_op *s) {
  size_t ns = s->ncslots ? s->ncslots * 2 : 256;
  ms_cell *nc = xcalloc(ns, sizeof *nc);
  for (size_t i = 0; i < s->ncslots; i++) {
    if (!s->cells[i].group) continue;
    size_t h = cell_hash(s->cells[i].group, s->cells[i].bin) & (ns - 1);
    while (nc[h].group) h = (h + 1) & (ns - 1);
    nc[h] = s->cells[i];
  }
  free(s->cells);
  s->cells = nc;
  s->ncslots = ns;
}

/* The states of bin 'bin' of group 'g' (index + 1), or NULL when absent and not 'make'. */
static unsigned char *find_cell(ms_op *s, uint32_t g, int64_t bin, bool make) {
  if (make && (s->ncells + 1) * 2 > s->ncslots) grow_cells(s);
  if (!s->ncslots) return NULL;
  size_t i = cell_hash(g, bin) & (s->ncslots - 1);
  while (s->cells[i].group) {
    if (s->cells[i].group == g && s->cells[i].bin == bin) return s->cells[i].state;
    i = (i + 1) & (s->ncslots - 1);
  }
  if (!make) return NULL;
  s->cells[i].group = g;
  s->cells[i].bin = bin;
  s->cells[i].state = arena_alloc(s->keep, s->state_size ? s->state_size : 1);
  s->ncells++;
  return s->cells[i].state;
}

static int64_t floor_div64(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

/* The bin of axis value 'v', or false when it is null or outside [from, to). */
static bool bin_of(const ms_op *s, const kql_value *v, int64_t *bin) {
  if (v->isnull) return false;
  if (s->ticks || s->whole) {
    int64_t x;
    if (v->type == KQL_T_REAL || v->type == KQL_T_DECIMAL) {
      if (!isfinite(v->u.r)) return false;
      x = (int64_t)floor(v->u.r);
    } else if (v->type == KQL_T_DYNAMIC || v->type == KQL_T_STRING) {
      return false;
    } else {
      x = v->u.i;
    }
    if (s->inrange) {
      *bin = floor_div64(x, s->istep);
      return *bin >= s->binlo && *bin <= s->binhi;
    }
    if (s->has_from && x < s->ifrom) return false;
    if (s->has_to && x >= s->ito) return false;
    *bin = floor_div64(x - (s->has_from ? s->ifrom : 0), s->istep);
    return true;
  }
  double x;
  if (v->type == KQL_T_REAL || v->type == KQL_T_DECIMAL) x = v->u.r;
  else if (v->type == KQL_T_LONG || v->type == KQL_T_INT) x = (double)v->u.i;
  else return false;
  if (!isfinite(x)) return false;
  if (s->inrange) {
    double q = floor(x / s->dstep);
    if (q > 9e18 || q < -9e18) return false;
    *bin = (int64_t)q;
    return *bin >= s->binlo && *bin <= s->binhi;
  }
  if (s->has_from && x < s->dfrom) return false;
  if (s->has_to && x >= s->dto) return false;
  double q = floor((x - (s->has_from ? s->dfrom : 0)) / s->dstep);
  if (q > 9e18 || q < -9e18) return false;
  *bin = (int64_t)q;
  return true;
}

static void consume(ms_op *s, batch *b) {
  kql_value *keys = s->keybuf, args[16], axis;
  fn_ctx c = {s->tmp, s->keep, s->base.x->now, &s->base.x->rng};
  const ast *ax = s->base.node->a;
  int n = batch_count(b);
  for (int i = 0; i < n; i++) {
    int row = batch_row(b, i);
    expr_eval(s->base.x, s->tmp, ax, b, row, &axis);
    int64_t bin;
    if (!bin_of(s, &axis, &bin)) continue; /* rows outside the range make no group */
    for (int k = 0; k < s->nkeys; k++) expr_eval(s->base.x, s->tmp, s->keys[k], b, row, &keys[k]);
    uint32_t g = find_group(s, keys);
    if (!s->seen || bin < s->lo) s->lo = bin;
    if (!s->seen || bin > s->hi) s->hi = bin;
    s->seen = true;
    unsigned char *st = find_cell(s, g, bin, true);
    for (int a = 0; a < s->naggs; a++) {
      const ast *call = s->aggs[a];
      int na = call->list.n < 16 ? call->list.n : 16;
      for (int j = 0; j < na; j++) {
        const ast *arg = call->list.v[j];
        if (arg->kind == AST_NAME && arg->name[0] == '*') args[j] = val_null(KQL_T_NULL);
        else expr_eval(s->base.x, s->tmp, arg, b, row, &args[j]);
      }
      call->fn->step(&c, st + s->off[a], args, na);
    }
  }
  arena_reset(s->tmp);
}

static exec_result fail_at(ms_op *s, const ast *n, const char *msg) {
  diag_set(s->base.x->d, KQL_ERR_RUNTIME, n->span, "%s", msg);
  return EXEC_ERROR;
}

/* Evaluate the bounds once, before any row. */
static exec_result read_bounds(ms_op *s) {
  exec_ctx *x = s->base.x;
  const ast *r = s->base.node->b;
  kql_value f = val_null(KQL_T_NULL), t = val_null(KQL_T_NULL), st;
  if (r->a) expr_eval(x, x->a, r->a, NULL, 0, &f);
  if (r->b) expr_eval(x, x->a, r->b, NULL, 0, &t);
  expr_eval(x, x->a, r->c, NULL, 0, &st);
  if (x->failed) return EXEC_ERROR;
  s->has_from = !f.isnull && f.type != KQL_T_NULL;
  s->has_to = !t.isnull && t.type != KQL_T_NULL;
  if (st.isnull) return fail_at(s, r->c, "make-series 'step' is null");
  bool real = st.type == KQL_T_REAL || st.type == KQL_T_DECIMAL ||
              (s->has_from && (f.type == KQL_T_REAL || f.type == KQL_T_DECIMAL)) ||
              (s->has_to && (t.type == KQL_T_REAL || t.type == KQL_T_DECIMAL));
  kql_type at = s->base.node->a->type;
  s->whole = !s->ticks && !real && at != KQL_T_REAL && at != KQL_T_DECIMAL;
  if (s->ticks || s->whole) {
    s->istep = st.type == KQL_T_REAL || st.type == KQL_T_DECIMAL ? (int64_t)st.u.r : st.u.i;
    s->ifrom = s->has_from ? f.u.i : 0;
    s->ito = s->has_to ? t.u.i : 0;
    if (s->istep <= 0) return fail_at(s, r->c, "make-series 'step' must be greater than zero");
  } else {
    s->dstep = st.type == KQL_T_REAL || st.type == KQL_T_DECIMAL ? st.u.r : (double)st.u.i;
    s->dfrom = !s->has_from ? 0 : f.type == KQL_T_REAL || f.type == KQL_T_DECIMAL ? f.u.r : (double)f.u.i;
    s->dto = !s->has_to ? 0 : t.type == KQL_T_REAL || t.type == KQL_T_DECIMAL ? t.u.r : (double)t.u.i;
    if (!(s->dstep > 0) || !isfinite(s->dstep))
      return fail_at(s, r->c, "make-series 'step' must be greater than zero");
  }
  /* a null bound of 'in range()' (todatetime("") in a template) counts as not given */
  s->inrange = r->flags == 1 && s->has_from && s->has_to;
  if (r->flags == 1 && s->has_to && !s->has_from && (s->ticks || s->whole)) s->ito += s->istep;
  if (r->flags == 1 && s->has_to && !s->has_from && !s->ticks && !s->whole) s->dto += s->dstep;
  if (s->inrange) {
    if (s->ticks || s->whole) {
      s->binlo = floor_div64(s->ifrom, s->istep);
      s->binhi = floor_div64(s->ito, s->istep);
    } else {
      double lo = floor(s->dfrom / s->dstep), hi = floor(s->dto / s->dstep);
      if (!(lo > -9e18 && hi < 9e18)) return fail_at(s, r, "make-series 'in range()' has too many points");
      s->binlo = (int64_t)lo;
      s->binhi = (int64_t)hi;
    }
  }
  /* the defaults, in the type of their aggregate */
  const ast *defs = s->base.node->c;
  for (int a = 0; a < s->naggs; a++) {
    kql_type t2 = s->aggs[a]->type;
    kql_value v = val_long(0);
    if (defs->list.v[a]) expr_eval(x, x->a, defs->list.v[a], NULL, 0, &v);
    if ((t2 == KQL_T_REAL || t2 == KQL_T_DECIMAL) && !v.isnull && (v.type == KQL_T_LONG || v.type == KQL_T_INT))
      v = val_real((double)v.u.i);
    s->defs[a] = val_copy(x->a, v);
  }
  return EXEC_BATCH_READY;
}

/* Fix the emitted range of bins once all rows are in. */
static exec_result fix_range(ms_op *s) {
  const ast *r = s->base.node->b;
  double nb;
  if (s->inrange) {
    s->first = s->binlo;
    nb = (double)s->binhi - (double)s->binlo + 1;
    if (nb < 0) nb = 0;
    if (nb > MS_MAX_BINS) return fail_at(s, r->c, "make-series would make more points per series than the limit of 1048576");
    s->nbins = (int64_t)nb;
    return EXEC_BATCH_READY;
  }
  if (s->has_from) s->first = 0;
  else s->first = s->seen ? s->lo : 0;
  if (s->has_to) {
    if (s->ticks || s->whole) {
      int64_t span = s->ito - (s->has_from ? s->ifrom : 0);
      nb = (double)floor_div64(span + s->istep - 1, s->istep) - (double)s->first;
      if (span > INT64_MAX - s->istep) nb = 1e300;
    } else {
      nb = ceil((s->dto - (s->has_from ? s->dfrom : 0)) / s->dstep) - (double)s->first;
    }
  } else {
    nb = s->seen ? (double)s->hi + 1 - (double)s->first : 0;
  }
  if (!s->has_from && !s->seen) nb = 0;
  if (nb < 0) nb = 0;
  if (nb > MS_MAX_BINS) {
    char msg[160];
    snprintf(msg, sizeof msg, "make-series would make %.0f points per series, more than the limit of %d",
             nb, MS_MAX_BINS);
    return fail_at(s, r->c, msg);
  }
  s->nbins = (int64_t)nb;
  return EXEC_BATCH_READY;
}

/* The start of bin 'k' as an axis value. */
static kql_value bin_start(const ms_op *s, int64_t k) {
  kql_type at = s->base.node->a->type;
  bool origin = s->has_from && !s->inrange;
  if (s->ticks) {
    kql_value v = val_datetime((origin ? s->ifrom : 0) + k * s->istep);
    v.type = at;
    return v;
  }
  if (s->whole) return val_long((origin ? s->ifrom : 0) + k * s->istep);
  return val_real((origin ? s->dfrom : 0) + (double)k * s->dstep);
}

static exec_result ms_next(op *o, batch **out) {
  ms_op *s = (ms_op *)o;
  if (!s->consumed) {
    if (read_bounds(s) == EXEC_ERROR) return EXEC_ERROR;
    batch *b;
    exec_result r;
    while ((r = o->child->vt->next(o->child, &b)) == EXEC_BATCH_READY) {
      consume(s, b);
      if (o->x->failed) return EXEC_ERROR;
      if (!exec_charge(o, arena_used(s->keep) + s->cap * sizeof *s->groups +
                              s->ngslots * sizeof *s->gslots + s->ncslots * sizeof *s->cells))
        return EXEC_ERROR;
    }
    if (r == EXEC_ERROR) return r;
    s->consumed = true;
    if (fix_range(s) == EXEC_ERROR) return EXEC_ERROR;
    bool nonempty = false;
    for (int i = 0; i < o->node->opts.n; i++)
      if (strcmp(o->node->opts.v[i]->name, "kind") == 0) nonempty = true;
    if (nonempty && s->ngroups == 0) new_group(s, NULL, 0);
  }
  if (s->emitted >= s->ngroups) return EXEC_DONE;
  batch *b = s->out;
  batch_clear(b);
  fn_ctx c = {b->mem, s->keep, o->x->now, &o->x->rng};
  int axcol = s->nkeys + s->naggs;
  int r = 0;
  /* rows of long series are big: fewer of them per batch */
  int per = s->nbins > 4096 ? 16 : EXEC_BATCH;
  for (; r < per && s->emitted < s->ngroups; r++, s->emitted++) {
    ms_group *g = s->groups[s->emitted];
    uint32_t gi = (uint32_t)s->emitted + 1;
    for (int k = 0; k < s->nkeys; k++) b->cols[k][r] = g->keys[k];
    for (int a = 0; a < s->naggs; a++) {
      json_buf jb = {b->mem, NULL, 0, 0};
      json_buf_raw(&jb, "[", 1);
      for (int64_t k = 0; k < s->nbins; k++) {
        if (k) json_buf_raw(&jb, ",", 1);
        unsigned char *st = find_cell(s, gi, s->first + k, false);
        kql_value v = s->defs[a];
        if (st) s->aggs[a]->fn->final(&c, st + s->off[a], s->aggs[a]->type, &v);
        if (v.isnull) json_buf_raw(&jb, "null", 4);
        else json_buf_value(&jb, &v);
      }
      json_buf_raw(&jb, "]", 1);
      b->cols[s->nkeys + a][r] = json_buf_dynamic(&jb);
    }
    json_buf jb = {b->mem, NULL, 0, 0};
    json_buf_raw(&jb, "[", 1);
    for (int64_t k = 0; k < s->nbins; k++) {
      if (k) json_buf_raw(&jb, ",", 1);
      kql_value v = bin_start(s, s->first + k);
      json_buf_value(&jb, &v);
    }
    json_buf_raw(&jb, "]", 1);
    b->cols[axcol][r] = json_buf_dynamic(&jb);
  }
  b->nrows = r;
  o->rows_out += (uint64_t)r;
  *out = b;
  return EXEC_BATCH_READY;
}

static void ms_close(op *o) {
  ms_op *s = (ms_op *)o;
  free(s->groups);
  free(s->gslots);
  free(s->cells);
  arena_free(s->keep);
  arena_free(s->tmp);
  batch_free(s->out);
}

static const op_vtab makeseries_vt = {"make-series", ms_next, ms_close};

op *op_makeseries_new(exec_ctx *x, const ast *n, op *child) {
  ms_op *s = arena_alloc(x->a, sizeof *s);
  s->base.vt = &makeseries_vt;
  s->base.node = n;
  s->base.x = x;
  s->base.child = child;
  s->keep = arena_new();
  s->tmp = arena_new();
  s->nkeys = n->by.n;
  s->keybuf = arena_alloc(x->a, sizeof(kql_value) * (size_t)(s->nkeys ? s->nkeys : 1));
  s->keys = arena_alloc(x->a, sizeof(ast *) * (size_t)(s->nkeys ? s->nkeys : 1));
  for (int k = 0; k < s->nkeys; k++) s->keys[k] = n->by.v[k]->a;
  s->naggs = n->list.n;
  s->aggs = arena_alloc(x->a, sizeof(ast *) * (size_t)(s->naggs ? s->naggs : 1));
  s->off = arena_alloc(x->a, sizeof(size_t) * (size_t)(s->naggs ? s->naggs : 1));
  s->defs = arena_alloc(x->a, sizeof(kql_value) * (size_t)(s->naggs ? s->naggs : 1));
  for (int a = 0; a < s->naggs; a++) {
    const ast *call = s->aggs[a] = n->list.v[a]->a;
    s->off[a] = s->state_size;
    s->state_size += (call->fn->state_size + 15) & ~(size_t)15;
  }
  kql_type at = n->a->type;
  s->ticks = at == KQL_T_DATETIME || at == KQL_T_TIMESPAN;
  s->out = batch_new(x->a, n->rel->n);
  return &s->base;
}
