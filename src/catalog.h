/*
** catalog.h: the engine's tables: where their data files are (data folders, --table),
** their schemas (schema folders, or inferred from the data), looked up lazily by name.
** Only the tables a query names are ever opened.
*/
#ifndef KQL_CATALOG_H
#define KQL_CATALOG_H

#include "value.h"

/* A column of a table's schema. */
typedef struct cat_col {
  char *name;      /* column name */
  kql_type type;   /* its type */
} cat_col;

/* A table known to the catalog.  Owned by the catalog. */
typedef struct cat_table {
  char *name;      /* table name */
  char *path;      /* its data file, or NULL when only a schema is known */
  int ncols;       /* columns */
  cat_col *cols;   /* the schema */
  bool inferred;   /* the schema came from the data */
  bool loaded;     /* the schema has been read */
  bool in_dir;     /* its data file was found in a data folder (not named by --table) */
  struct cat_table *next; /* next table in the catalog */
} cat_table;

typedef struct catalog catalog;

KQL_INTERNAL catalog *cat_new(void);
KQL_INTERNAL void cat_free(catalog *c);
/* Register the tables of data folder 'dir' (files <Table>.json/.jsonl/.ndjson); a folder
** 'dir'/schemas is added as a schema folder; 'dir'/now.txt, when present, is returned in
** '*now' (ticks) with '*has_now' set. */
KQL_INTERNAL kql_status cat_add_data_dir(catalog *c, const char *dir, int64_t *now, bool *has_now,
                                         kql_diag *d);
KQL_INTERNAL kql_status cat_add_table_file(catalog *c, const char *name, const char *path,
                                           kql_diag *d);
KQL_INTERNAL kql_status cat_add_schema_dir(catalog *c, const char *dir, kql_diag *d);
/* The table 'name' with its schema loaded (read from a schema file or inferred from the
** first rows of its data), or NULL when no such table exists (d untouched) or on an error
** reading it (d filled, '*err' set). */
KQL_INTERNAL cat_table *cat_lookup(catalog *c, const char *name, bool *err, kql_diag *d);
/* Every table name the catalog could find, for "did you mean" hints; 'n' set. */
KQL_INTERNAL const char *const *cat_names(catalog *c, int *n);

/* Map 'url' (as an externaldata query writes it) to the local file 'path'. */
KQL_INTERNAL void cat_add_external(catalog *c, const char *url, const char *path);
/* The local file for 'url': a --external mapping, else a file named like the URL's last
** path segment in a data folder (or its external/ subfolder); NULL when there is none. */
KQL_INTERNAL const char *cat_external(catalog *c, const char *url);
/* The CSV file of watchlist 'alias': <data>/watchlists/<alias>.csv or <data>/<alias>.csv. */
KQL_INTERNAL const char *cat_watchlist(catalog *c, const char *alias);
/* geo_info_from_ip_address()'s MaxMind database: the file set with cat_set_geoip (--geoip),
** else a GeoLite2-City.mmdb in a data folder; NULL when there is none. */
KQL_INTERNAL void cat_set_geoip(catalog *c, const char *path);
KQL_INTERNAL const char *cat_geoip(catalog *c);

/* ---- the table cache: a data file read once, kept as columns for the rest of the run ----
** Multi-query runs (backtests, rule tests, the shell) attach a cache to their engines'
** catalogs; the scan then reads a table's file once (the columns queries use; more columns
** are added by a further pass when a later query needs them) and serves every later query
** from memory, by rows of a time window through an index when the query has one (backtest
** runs).  Entries are keyed by file (path, inode, size, mtime) and schema, so a changed
** file is read again.  A cache may be shared by several engines (one per rule test); it is
** not thread-safe.  Memory: a kql_value (24 bytes) per cell of each loaded column, plus the
** strings, plus 16 bytes a row for the time index. */

/* A table file held in memory.  Owned by its cache. */
typedef struct cat_mem {
  char *path;          /* the file */
  uint64_t dev, ino;   /* its identity ... */
  int64_t size;        /* ... size ... */
  int64_t mtime_ns;    /* ... and modification time when it was read */
  uint64_t sig;        /* hash of the schema (names and types) it was read with */
  int ncols;           /* columns of that schema */
  kql_value **cols;    /* cols[c][row] for the loaded columns; NULL: not loaded */
  size_t nrows;        /* rows */
  arena *strs;         /* the strings of the values */
  size_t bytes;        /* memory held, roughly */
  struct cat_key *keys; /* the time index: rows with a window key, by key; NULL: not built */
  size_t nkeys;        /* its entries */
  uint64_t rows_bad;   /* values that did not fit their column while loading */
  char bad_first[512]; /* where the first of them was */
  bool rows_known;     /* a pass over the file was made: nrows is right */
  bool too_big;        /* loading it would pass the memory limit: scans stream it */
  int key_col, key_alt; /* the columns the time index was built on (see bind_scan) */
  bool dead;           /* the file changed: kept until the cache is freed, never served */
  struct cat_mem *next; /* another entry */
} cat_mem;

/* An entry of the time index. */
typedef struct cat_key {
  int64_t t;           /* the row's window key (ticks) */
  size_t row;          /* the row */
} cat_key;

typedef struct cat_cache cat_cache;

KQL_INTERNAL cat_cache *cat_cache_new(void);
KQL_INTERNAL void cat_cache_free(cat_cache *cc);
/* Figures: files read (a further pass for more columns counts), bytes held. */
KQL_INTERNAL void cat_cache_stats(const cat_cache *cc, uint64_t *loads, uint64_t *bytes);
KQL_INTERNAL void cat_cache_count_load(cat_cache *cc);
/* Attach 'cc' (NULL: none, the scan streams) to 'c'; the caller keeps ownership. */
KQL_INTERNAL void cat_set_cache(catalog *c, cat_cache *cc);
KQL_INTERNAL cat_cache *cat_get_cache(const catalog *c);
/* The live entry of table 't''s file, created empty when there is none (or the file
** changed since it was read); NULL when the file cannot be examined. */
KQL_INTERNAL cat_mem *cat_mem_get(cat_cache *cc, const cat_table *t);
/* Drop the data of 'm' (a failed load): it becomes dead. */
KQL_INTERNAL void cat_mem_kill(cat_cache *cc, cat_mem *m);
/* Recount the bytes the cache holds after 'm' grew. */
KQL_INTERNAL void cat_cache_update(cat_cache *cc);

/* The saved functions of --functions folders (functions.h), or NULL; 'l' stays the
** caller's. */
struct flib;
KQL_INTERNAL void cat_set_functions(catalog *c, struct flib *l);
KQL_INTERNAL struct flib *cat_functions(const catalog *c);

/* The time window tables are read through (see bind_set_window), or NULL. */
KQL_INTERNAL void cat_set_window(catalog *c, const int64_t *window);
KQL_INTERNAL const int64_t *cat_window(const catalog *c);

#endif /* KQL_CATALOG_H */
