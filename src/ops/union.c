/*
** Operator: union [kind=outer|inner] [withsource=Col] [isfuzzy=true] T1, T2, ...
** Runs its sources one after another and maps each source's columns onto the union's
** through the binder's n->by (per output column: the source column's name and type; a
** name with two types became Name_type, a collision Name1); a column a source lacks is null.  withsource adds the name of the table each row came from.
*/
#include <string.h>

#include "../exec.h"

typedef struct union_op {
  op base;            /* common head */
  int cur;            /* the source being read */
  op *src;            /* its pipeline, or NULL */
  int **map;          /* per source: output column -> source column or -1 */
  const char **names; /* per source: its name for withsource */
  int source_col;     /* the withsource column, or -1 */
  batch *out;         /* output */
} union_op;

static exec_result union_next(op *o, batch **out) {
  union_op *u = (union_op *)o;
  const ast *n = o->node;
  const bind_rel *rel = n->rel;
  for (;;) {
    if (u->cur >= n->list.n) return EXEC_DONE;
    if (!u->src) {
      u->src = exec_build(o->x, n->list.v[u->cur], o->x->d);
      if (!u->src) return EXEC_ERROR;
    }
    batch *in;
    exec_result r = u->src->vt->next(u->src, &in);
    if (r == EXEC_ERROR) return r;
    if (r == EXEC_DONE) {
      exec_free(u->src);
      u->src = NULL;
      u->cur++;
      continue;
    }
    batch_clear(u->out);
    int k = batch_count(in);
    const int *map = u->map[u->cur];
    kql_value name = val_str(u->names[u->cur], strlen(u->names[u->cur]));
    for (int i = 0; i < k; i++) {
      int row = batch_row(in, i);
      for (int c = 0; c < rel->n; c++) {
        if (c == u->source_col) u->out->cols[c][i] = name;
        else if (map[c] >= 0) u->out->cols[c][i] = in->cols[map[c]][row];
        else u->out->cols[c][i] = val_null(rel->cols[c].type);
      }
    }
    u->out->nrows = k;
    o->rows_out += (uint64_t)k;
    *out = u->out;
    return EXEC_BATCH_READY;
  }
}

static void union_close(op *o) {
  union_op *u = (union_op *)o;
  exec_free(u->src);
  batch_free(u->out);
}

static const op_vtab union_vt = {"union", union_next, union_close};

op *op_union_new(exec_ctx *x, const ast *n) {
  union_op *u = arena_alloc(x->a, sizeof *u);
  u->base.vt = &union_vt;
  u->base.node = n;
  u->base.x = x;
  const bind_rel *rel = n->rel;
  u->source_col = -1;
  for (int i = 0; i < n->opts.n; i++)
    if (strcmp(n->opts.v[i]->name, "withsource") == 0 || strcmp(n->opts.v[i]->name, "withSource") == 0)
      u->source_col = 0;
  u->map = arena_alloc(x->a, sizeof(int *) * (size_t)(n->list.n ? n->list.n : 1));
  u->names = arena_alloc(x->a, sizeof(char *) * (size_t)(n->list.n ? n->list.n : 1));
  for (int s = 0; s < n->list.n; s++) {
    const ast *src = n->list.v[s];
    const bind_rel *sr = src->rel;
    u->names[s] = src->kind == AST_TABLE && src->name ? src->name
                  : src->kind == AST_AS ? src->name
                                        : arena_printf(x->a, "union_arg%d", s);
    int *map = arena_alloc(x->a, sizeof(int) * (size_t)(rel->n ? rel->n : 1));
    int first = u->source_col == 0 ? 1 : 0; /* n->by: each output column's source name and type */
    for (int c = 0; c < rel->n; c++) {
      map[c] = -1;
      if (c < first || c - first >= n->by.n) continue;
      const ast *want = n->by.v[c - first];
      for (int k = 0; k < sr->n && map[c] < 0; k++)
        if (sr->cols[k].type == want->type && strcmp(sr->cols[k].name, want->name) == 0) map[c] = k;
    }
    u->map[s] = map;
  }
  u->out = batch_new(x->a, rel->n);
  return &u->base;
}
