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

/* The time window tables are read through (see bind_set_window), or NULL. */
KQL_INTERNAL void cat_set_window(catalog *c, const int64_t *window);
KQL_INTERNAL const int64_t *cat_window(const catalog *c);

#endif /* KQL_CATALOG_H */
