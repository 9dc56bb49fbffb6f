/*
** xml.c: parse_xml(), XML text to a dynamic value with Kusto's mapping (the one of
** Json.NET's SerializeXmlNode): {"root": value}, where an element's value is
**   null             for <e/>
**   ""               for <e></e> (or only white space inside)
**   "text"           for text alone
**   {...}            otherwise: "@name" for each attribute, then the children grouped by
**                    name in order of first appearance ("#text" for text), a name that
**                    occurs more than once holding an array.
** Only elements, attributes and text are kept (CDATA counts as text); declarations,
** comments, processing instructions and DOCTYPE are skipped.  White-space-only text is
** dropped; other text is kept as it is.  Invalid XML, or an input over 1 MB, is null.
** Parsing is expat's (Debian libexpat1-dev); this file builds the tree in the batch arena
** and writes the JSON.
*/
#include <expat.h>
#include <string.h>

#include "../json.h"
#include "impl.h"

#define XML_MAX_INPUT (1 << 20) /* Kusto: longer strings give null */
#define XML_MAX_DEPTH 256       /* deeper documents give null (the writer recurses) */

typedef struct xnode {
  const char *name;      /* element name, or NULL for a text node */
  char *text;            /* text node: its bytes */
  size_t tlen, tcap;     /* text node: length and room */
  const char **attrs;    /* element: name, value pairs */
  int nattrs;            /* element: attribute count */
  bool empty_tag;        /* element: written <e/> */
  struct xnode *parent, *first, *last, *next;
} xnode;

typedef struct xbuild {
  fn_ctx *c;
  XML_Parser p;
  xnode *root;           /* the document element */
  xnode *cur;            /* the open element */
  int depth;
  bool fail;             /* too deep */
} xbuild;

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts) {
  xbuild *b = ud;
  if (b->fail) return;
  if (++b->depth > XML_MAX_DEPTH) {
    b->fail = true;
    XML_StopParser(b->p, XML_FALSE);
    return;
  }
  xnode *n = arena_alloc(b->c->tmp, sizeof *n);
  n->name = arena_strdup(b->c->tmp, name);
  int k = 0;
  while (atts[k]) k++;
  n->attrs = arena_alloc(b->c->tmp, (size_t)(k + 1) * sizeof *n->attrs);
  for (int i = 0; i < k; i++) n->attrs[i] = arena_strdup(b->c->tmp, atts[i]);
  n->nattrs = k / 2;
  n->parent = b->cur;
  if (b->cur) {
    if (b->cur->last) b->cur->last->next = n;
    else b->cur->first = n;
    b->cur->last = n;
  } else {
    b->root = n;
  }
  b->cur = n;
}

static void XMLCALL on_end(void *ud, const XML_Char *name) {
  (void)name;
  xbuild *b = ud;
  if (b->fail || !b->cur) return;
  /* expat reports no bytes for the end of an empty-element tag */
  if (XML_GetCurrentByteCount(b->p) == 0) b->cur->empty_tag = true;
  b->cur = b->cur->parent;
  b->depth--;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len) {
  xbuild *b = ud;
  if (b->fail || !b->cur || len <= 0) return;
  xnode *t = b->cur->last;
  if (!t || t->name) { /* start a text node */
    t = arena_alloc(b->c->tmp, sizeof *t);
    t->parent = b->cur;
    if (b->cur->last) b->cur->last->next = t;
    else b->cur->first = t;
    b->cur->last = t;
  }
  if (t->tlen + (size_t)len > t->tcap) {
    size_t cap = (t->tlen + (size_t)len) * 2;
    char *q = arena_alloc(b->c->tmp, cap);
    if (t->tlen) memcpy(q, t->text, t->tlen);
    t->text = q, t->tcap = cap;
  }
  memcpy(t->text + t->tlen, s, (size_t)len);
  t->tlen += (size_t)len;
}

static bool blank(const xnode *t) {
  for (size_t i = 0; i < t->tlen; i++)
    if (t->text[i] != ' ' && t->text[i] != '\t' && t->text[i] != '\n' && t->text[i] != '\r')
      return false;
  return true;
}

/* The group key of a child: its element name, or "#text". */
static const char *key_of(const xnode *n) { return n->name ? n->name : "#text"; }

/* Kept children (elements, and text that is not blank). */
static bool kept(const xnode *n) { return n->name || !blank(n); }

static void write_value(fn_ctx *c, json_buf *o, const xnode *e);

static void write_item(fn_ctx *c, json_buf *o, const xnode *n) {
  if (n->name) write_value(c, o, n);
  else json_buf_str(o, n->text, n->tlen);
}

/* A group of same-keyed children: its head in a hash table keyed by name. */
typedef struct xgroup {
  const char *key;
  const xnode *head;
  size_t count;
  const xnode **items; /* grown in the arena */
  size_t cap;
} xgroup;

static uint64_t hash_str(const char *s) {
  uint64_t h = 1469598103934665603u;
  while (*s) h = (h ^ (unsigned char)*s++) * 1099511628211u;
  return h;
}

static void write_value(fn_ctx *c, json_buf *o, const xnode *e) {
  size_t nkept = 0, ntext = 0, nelem = 0;
  const xnode *text = NULL;
  for (const xnode *n = e->first; n; n = n->next) {
    if (!kept(n)) continue;
    nkept++;
    if (n->name) nelem++;
    else ntext++, text = n;
  }
  if (e->nattrs == 0 && nelem == 0 && ntext <= 1) {
    if (ntext == 1) json_buf_str(o, text->text, text->tlen);
    else json_buf_raw(o, e->empty_tag ? "null" : "\"\"", e->empty_tag ? 4 : 2);
    return;
  }
  json_buf_raw(o, "{", 1);
  bool first = true;
  for (int i = 0; i < e->nattrs; i++) {
    if (!first) json_buf_raw(o, ",", 1);
    first = false;
    const char *an = e->attrs[2 * i], *av = e->attrs[2 * i + 1];
    size_t anl = strlen(an);
    char *key = arena_alloc(c->tmp, anl + 2);
    key[0] = '@';
    memcpy(key + 1, an, anl);
    json_buf_str(o, key, anl + 1);
    json_buf_raw(o, ":", 1);
    json_buf_str(o, av, strlen(av));
  }
  /* group the kept children by key, in order of first appearance */
  size_t cap = 8;
  while (cap < nkept * 2) cap *= 2;
  xgroup *tab = arena_alloc(c->tmp, cap * sizeof *tab);
  xgroup **order = arena_alloc(c->tmp, (nkept + 1) * sizeof *order);
  size_t ngroups = 0;
  for (const xnode *n = e->first; n; n = n->next) {
    if (!kept(n)) continue;
    const char *k = key_of(n);
    size_t i = (size_t)hash_str(k) & (cap - 1);
    while (tab[i].key && strcmp(tab[i].key, k) != 0) i = (i + 1) & (cap - 1);
    xgroup *g = &tab[i];
    if (!g->key) g->key = k, g->head = n, order[ngroups++] = g;
    if (g->count == g->cap) {
      size_t nc = g->cap ? g->cap * 2 : 4;
      const xnode **it = arena_alloc(c->tmp, nc * sizeof *it);
      if (g->count) memcpy(it, g->items, g->count * sizeof *it);
      g->items = it, g->cap = nc;
    }
    g->items[g->count++] = n;
  }
  for (size_t gi = 0; gi < ngroups; gi++) {
    xgroup *g = order[gi];
    if (!first) json_buf_raw(o, ",", 1);
    first = false;
    json_buf_str(o, g->key, strlen(g->key));
    json_buf_raw(o, ":", 1);
    if (g->count > 1) json_buf_raw(o, "[", 1);
    for (size_t k = 0; k < g->count; k++) {
      if (k) json_buf_raw(o, ",", 1);
      write_item(c, o, g->items[k]);
    }
    if (g->count > 1) json_buf_raw(o, "]", 1);
  }
  json_buf_raw(o, "}", 1);
}

FN_TYPE_SIG(ty_parse_xml, "S", KQL_T_DYNAMIC, "parse_xml() expects a string")

void f_parse_xml(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  *out = val_null(KQL_T_DYNAMIC);
  if (a[0].isnull) return;
  kql_value s = a[0].type == KQL_T_DYNAMIC ? json_dyn_tostring(c->tmp, a[0]) : fn_text(c, a[0]);
  if (s.u.s.n == 0 || s.u.s.n > XML_MAX_INPUT) return;
  XML_Parser p = XML_ParserCreate("UTF-8"); /* a string is text already: no other encoding */
  if (!p) return;
  xbuild b = {c, p, NULL, NULL, 0, false};
  XML_SetUserData(p, &b);
  XML_SetElementHandler(p, on_start, on_end);
  XML_SetCharacterDataHandler(p, on_text);
  enum XML_Status st = XML_Parse(p, s.u.s.p, (int)s.u.s.n, XML_TRUE);
  XML_ParserFree(p);
  if (st != XML_STATUS_OK || b.fail || !b.root) return;
  json_buf o = {c->tmp, NULL, 0, 0};
  json_buf_raw(&o, "{", 1);
  json_buf_str(&o, b.root->name, strlen(b.root->name));
  json_buf_raw(&o, ":", 1);
  write_value(c, &o, b.root);
  json_buf_raw(&o, "}", 1);
  *out = json_buf_dynamic(&o);
}
