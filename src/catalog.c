/*
** catalog.c: finds tables by name in the data folders and --table files, and their
** schemas in schema folders (or infers one from the first rows of the data).  Tables are
** looked up lazily, so a query reads only the tables it names.
*/
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catalog.h"
#include "json.h"
#include "lit.h"

typedef struct dir_list {
  char *path;              /* the folder */
  struct dir_list *next;   /* added before it */
} dir_list;

typedef struct url_map {
  char *url;               /* as the query writes it */
  char *path;              /* the local file */
  struct url_map *next;    /* another */
} url_map;

struct catalog {
  cat_cache *cache;        /* the table cache of a multi-query run, or NULL (not owned) */
  struct flib *funcs;      /* saved functions (--functions), or NULL (not owned) */
  bool has_window;         /* tables are read through a time window */
  int64_t window[2];       /* its [from, to] in ticks */
  url_map *urls;           /* --external URL=PATH mappings */
  const char *geoip;       /* --geoip: the MaxMind database (in 'a'), or NULL */
  cat_table *tables;       /* known tables, newest first */
  dir_list *data;          /* data folders, newest first */
  dir_list *schemas;       /* schema folders, newest first */
  arena *a;                /* names for hints */
  const char **names;      /* cat_names(), computed once (NULL: not yet, or stale) */
  int nnames;              /* how many */
};

catalog *cat_new(void) {
  catalog *c = xcalloc(1, sizeof *c);
  c->a = arena_new();
  return c;
}

static void dirs_free(dir_list *l) {
  while (l) {
    dir_list *n = l->next;
    free(l->path);
    free(l);
    l = n;
  }
}

void cat_free(catalog *c) {
  if (!c) return;
  cat_table *t = c->tables;
  while (t) {
    cat_table *n = t->next;
    for (int i = 0; i < t->ncols; i++) free(t->cols[i].name);
    free(t->cols);
    free(t->name);
    free(t->path);
    free(t);
    t = n;
  }
  dirs_free(c->data);
  dirs_free(c->schemas);
  for (url_map *u = c->urls; u;) {
    url_map *next = u->next;
    free(u->url);
    free(u->path);
    free(u);
    u = next;
  }
  arena_free(c->a);
  free(c);
}

static bool is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && !S_ISDIR(st.st_mode);
}

static void push_dir(dir_list **l, const char *path) {
  dir_list *d = xmalloc(sizeof *d);
  d->path = xstrdup(path);
  d->next = *l;
  *l = d;
}

/* A table name is safe as a file name: no separators, no "..", not empty. */
static bool safe_name(const char *name) {
  if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) return false;
  for (const char *p = name; *p; p++)
    if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20) return false;
  return strstr(name, "..") == NULL;
}

kql_status cat_add_data_dir(catalog *c, const char *dir, int64_t *now, bool *has_now, kql_diag *d) {
  if (!is_dir(dir))
    return diag_nospan(d, KQL_ERR_IO, "data folder '%s' %s", dir,
                       errno == ENOENT || !is_file(dir) ? "does not exist" : "is not a folder");
  c->names = NULL;
  push_dir(&c->data, dir);
  char *p = arena_printf(c->a, "%s/schemas", dir);
  if (is_dir(p)) push_dir(&c->schemas, p);
  p = arena_printf(c->a, "%s/now.txt", dir);
  FILE *f = fopen(p, "r");
  if (f) {
    char buf[128] = "";
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    int64_t t;
    if (lit_parse_datetime(buf, strcspn(buf, "\r\n"), &t) != 0)
      return diag_nospan(d, KQL_ERR_IO, "'%s' does not hold an ISO 8601 instant", p);
    if (now) *now = t;
    if (has_now) *has_now = true;
  }
  return KQL_OK;
}

kql_status cat_add_schema_dir(catalog *c, const char *dir, kql_diag *d) {
  if (!is_dir(dir)) return diag_nospan(d, KQL_ERR_IO, "schema folder '%s' does not exist", dir);
  c->names = NULL;
  push_dir(&c->schemas, dir);
  return KQL_OK;
}

static cat_table *find_table(catalog *c, const char *name) {
  for (cat_table *t = c->tables; t; t = t->next)
    if (strcmp(t->name, name) == 0) return t;
  return NULL;
}

static cat_table *add_table(catalog *c, const char *name, const char *path) {
  cat_table *t = xcalloc(1, sizeof *t);
  t->name = xstrdup(name);
  t->path = path ? xstrdup(path) : NULL;
  t->next = c->tables;
  c->tables = t;
  return t;
}

kql_status cat_add_table_file(catalog *c, const char *name, const char *path, kql_diag *d) {
  struct stat st;
  if (!is_file(path) || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
    /* a pipe or device is refused: a table may be read twice (schema inference, scan) */
    diag_nospan(d, KQL_ERR_IO, "cannot open '%s': %s", path,
                is_dir(path)                         ? "is a folder"
                : stat(path, &st) == 0               ? "not a regular file"
                                                     : strerror(errno ? errno : ENOENT));
    snprintf(d->file, sizeof d->file, "%s", path);
    return KQL_ERR_IO;
  }
  cat_table *t = find_table(c, name);
  if (t) {
    free(t->path);
    t->path = xstrdup(path);
    return KQL_OK;
  }
  c->names = NULL;
  add_table(c, name, path);
  return KQL_OK;
}

static const char *const data_exts[] = {".json", ".jsonl", ".ndjson"};

cat_table *cat_lookup(catalog *c, const char *name, bool *err, kql_diag *d) {
  *err = false;
  cat_table *t = find_table(c, name);
  if (!t) {
    if (!safe_name(name)) return NULL;
    /* probe paths in a local buffer: a long-lived engine (the shell, `kql check` over many
    ** files) must not grow with every unknown name a query uses */
    const char *path = NULL;
    char probe[4096];
    for (dir_list *l = c->data; l && !path; l = l->next)
      for (size_t i = 0; i < KQL_ARRAY_LEN(data_exts) && !path; i++) {
        snprintf(probe, sizeof probe, "%s/%s%s", l->path, name, data_exts[i]);
        if (is_file(probe)) path = arena_strdup(c->a, probe);
      }
    bool schema = false;
    for (dir_list *l = c->schemas; l && !schema; l = l->next) {
      snprintf(probe, sizeof probe, "%s/%s.json", l->path, name);
      schema = is_file(probe);
    }
    if (!path && !schema) return NULL;
    t = add_table(c, name, path);
    t->in_dir = path != NULL;
  }
  if (t->loaded) return t;
  for (dir_list *l = c->schemas; l; l = l->next) {
    char *p = arena_printf(c->a, "%s/%s.json", l->path, name);
    if (!is_file(p)) continue;
    if (json_read_schema(p, name, &t->cols, &t->ncols, d) != KQL_OK) {
      *err = true;
      return NULL;
    }
    t->loaded = true;
    return t;
  }
  if (json_infer_schema(t->path, &t->cols, &t->ncols, d) != KQL_OK) {
    *err = true;
    return NULL;
  }
  t->inferred = true;
  t->loaded = true;
  return t;
}

static void add_names_from(catalog *c, const char *dir, const char **v, int *n, int cap) {
  DIR *dd = opendir(dir);
  if (!dd) return;
  struct dirent *e;
  while ((e = readdir(dd)) && *n < cap) {
    const char *dot = strrchr(e->d_name, '.');
    if (!dot || e->d_name[0] == '.') continue;
    for (size_t i = 0; i < KQL_ARRAY_LEN(data_exts); i++)
      if (strcmp(dot, data_exts[i]) == 0) {
        v[(*n)++] = arena_strndup(c->a, e->d_name, (size_t)(dot - e->d_name));
        break;
      }
  }
  closedir(dd);
}

/* The list is made once and kept until a folder or table is added (each call made a new
** one in the catalog's arena before: 64 KiB more per "did you mean" in a long-lived engine). */
const char *const *cat_names(catalog *c, int *n) {
  if (c->names) {
    *n = c->nnames;
    return c->names;
  }
  int cap = 8192;
  const char **v = arena_alloc(c->a, sizeof(char *) * (size_t)cap);
  *n = 0;
  for (cat_table *t = c->tables; t && *n < cap; t = t->next) v[(*n)++] = t->name;
  for (dir_list *l = c->data; l; l = l->next) add_names_from(c, l->path, v, n, cap);
  for (dir_list *l = c->schemas; l; l = l->next) add_names_from(c, l->path, v, n, cap);
  c->names = v;
  c->nnames = *n;
  return v;
}

void cat_add_external(catalog *c, const char *url, const char *path) {
  url_map *u = xmalloc(sizeof *u);
  u->url = xstrdup(url);
  u->path = xstrdup(path);
  u->next = c->urls;
  c->urls = u;
}

/* The last path segment of 'url' without its query string, or "" when it has none. */
static const char *url_basename(catalog *c, const char *url) {
  size_t n = strcspn(url, "?#");
  const char *end = url + n, *s = end;
  while (s > url && s[-1] != '/') s--;
  return arena_strndup(c->a, s, (size_t)(end - s));
}

const char *cat_external(catalog *c, const char *url) {
  for (url_map *u = c->urls; u; u = u->next)
    if (strcmp(u->url, url) == 0) return u->path;
  const char *base = url_basename(c, url);
  if (!safe_name(base)) return NULL;
  for (dir_list *l = c->data; l; l = l->next) {
    char *p = arena_printf(c->a, "%s/%s", l->path, base);
    if (is_file(p)) return p;
    p = arena_printf(c->a, "%s/external/%s", l->path, base);
    if (is_file(p)) return p;
  }
  return NULL;
}

const char *cat_watchlist(catalog *c, const char *alias) {
  if (!safe_name(alias)) return NULL;
  for (dir_list *l = c->data; l; l = l->next) {
    char *p = arena_printf(c->a, "%s/watchlists/%s.csv", l->path, alias);
    if (is_file(p)) return p;
    p = arena_printf(c->a, "%s/%s.csv", l->path, alias);
    if (is_file(p)) return p;
  }
  return NULL;
}

void cat_set_geoip(catalog *c, const char *path) { c->geoip = path ? arena_strdup(c->a, path) : NULL; }

const char *cat_geoip(catalog *c) {
  if (c->geoip) return c->geoip;
  for (dir_list *l = c->data; l; l = l->next) {
    char *p = arena_printf(c->a, "%s/GeoLite2-City.mmdb", l->path);
    if (is_file(p)) return p;
  }
  return NULL;
}

void cat_set_window(catalog *c, const int64_t *window) {
  c->has_window = window != NULL;
  if (window) c->window[0] = window[0], c->window[1] = window[1];
}

const int64_t *cat_window(const catalog *c) { return c->has_window ? c->window : NULL; }

/* ---- the table cache ---- */

struct cat_cache {
  cat_mem *mems;           /* entries, newest first */
  uint64_t loads;          /* passes over data files */
  uint64_t bytes;          /* memory the live entries hold */
};

cat_cache *cat_cache_new(void) { return xcalloc(1, sizeof(cat_cache)); }

static void mem_release(cat_mem *m) {
  if (m->cols)
    for (int c = 0; c < m->ncols; c++) free(m->cols[c]);
  free(m->cols);
  m->cols = NULL;
  free(m->keys);
  m->keys = NULL;
  m->nkeys = 0;
  arena_free(m->strs);
  m->strs = NULL;
  m->bytes = 0;
  m->nrows = 0;
}

void cat_cache_free(cat_cache *cc) {
  if (!cc) return;
  for (cat_mem *m = cc->mems; m;) {
    cat_mem *n = m->next;
    mem_release(m);
    free(m->path);
    free(m);
    m = n;
  }
  free(cc);
}

void cat_cache_stats(const cat_cache *cc, uint64_t *loads, uint64_t *bytes) {
  *loads = cc ? cc->loads : 0;
  *bytes = cc ? cc->bytes : 0;
}

void cat_cache_count_load(cat_cache *cc) { cc->loads++; }

void cat_cache_update(cat_cache *cc) {
  cc->bytes = 0;
  for (cat_mem *m = cc->mems; m; m = m->next)
    if (!m->dead) cc->bytes += m->bytes;
}

void cat_set_cache(catalog *c, cat_cache *cc) { c->cache = cc; }

cat_cache *cat_get_cache(const catalog *c) { return c->cache; }

/* FNV-1a over the names and types of 't''s schema. */
static uint64_t schema_sig(const cat_table *t) {
  uint64_t h = UINT64_C(1469598103934665603);
  for (int i = 0; i < t->ncols; i++) {
    for (const char *p = t->cols[i].name; *p; p++) h = (h ^ (unsigned char)*p) * UINT64_C(1099511628211);
    h = (h ^ (uint64_t)(t->cols[i].type + 256)) * UINT64_C(1099511628211);
  }
  return h;
}

cat_mem *cat_mem_get(cat_cache *cc, const cat_table *t) {
  struct stat st;
  if (!t->path || stat(t->path, &st) != 0 || !S_ISREG(st.st_mode)) return NULL;
  uint64_t sig = schema_sig(t);
  int64_t mtime = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
  for (cat_mem *m = cc->mems; m; m = m->next) {
    if (m->dead || strcmp(m->path, t->path) != 0) continue;
    if (m->dev != (uint64_t)st.st_dev || m->ino != (uint64_t)st.st_ino ||
        m->size != (int64_t)st.st_size || m->mtime_ns != mtime) {
      /* the file changed: never served again; its rows stay until the cache is freed, as
      ** a scan of the running query may still be reading them */
      m->dead = true;
      continue;
    }
    if (m->sig == sig && m->ncols == t->ncols) return m;
  }
  cat_mem *m = xcalloc(1, sizeof *m);
  m->path = xstrdup(t->path);
  m->dev = (uint64_t)st.st_dev;
  m->ino = (uint64_t)st.st_ino;
  m->size = (int64_t)st.st_size;
  m->mtime_ns = mtime;
  m->sig = sig;
  m->ncols = t->ncols;
  m->cols = xcalloc((size_t)(t->ncols ? t->ncols : 1), sizeof *m->cols);
  m->strs = arena_new();
  m->next = cc->mems;
  cc->mems = m;
  cat_cache_update(cc);
  return m;
}

void cat_mem_kill(cat_cache *cc, cat_mem *m) {
  mem_release(m);
  m->dead = true;
  cat_cache_update(cc);
}

void cat_set_functions(catalog *c, struct flib *l) { c->funcs = l; }

struct flib *cat_functions(const catalog *c) { return c->funcs; }
