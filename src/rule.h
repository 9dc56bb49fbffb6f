/*
** rule.h: reading Sentinel rule and hunting-query YAML files with libyaml.  The query is
** taken out of the file with a map from each of its lines back to the rule file's lines
** and columns, so that diagnostics point into the rule file.
*/
#ifndef KQL_RULE_H
#define KQL_RULE_H

#include "internal.h"

/* A loaded rule file.  Owns all its strings. */
typedef struct rule_file {
  char *path;         /* as given */
  char *text;         /* the whole file as read (CRLF kept) */
  size_t len;         /* its length */
  char *query;        /* the value of the top-level 'query' key, line ends as "\n" */
  size_t query_len;   /* its length */
  kql_srcmap map;     /* query line k -> file line and column; map.text == text */
  char *name;         /* the 'name' key, or NULL */
  char *id;           /* the 'id' key, or NULL */
} rule_file;

/* Load the rule at 'path'.  On error returns NULL and fills 'd' (KQL_ERR_IO for a file that
** cannot be read; KQL_ERR_SYNTAX with d->file/line/col for bad YAML, for a missing 'query'
** key, for a 'query' that is not a string, or for an alias bomb). */
KQL_INTERNAL rule_file *rule_load(const char *path, kql_diag *d);
/* Parse a rule from memory ('path' is only used in messages). */
KQL_INTERNAL rule_file *rule_parse(const char *path, const char *text, size_t len, kql_diag *d);
KQL_INTERNAL void rule_free(rule_file *r);

#endif /* KQL_RULE_H */
