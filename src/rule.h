/*
** rule.h: reading Sentinel rule and hunting-query YAML files with libyaml.  The query is
** taken out of the file with a map from each of its lines back to the rule file's lines
** and columns, so that diagnostics point into the rule file.
*/
#ifndef KQL_RULE_H
#define KQL_RULE_H

#include "internal.h"

/* ---- the YAML document of a rule or test file, as a tree ---- */

/* Kinds of ynode.  A mapping's kids alternate key, value. */
typedef enum ykind { YN_SCALAR, YN_MAP, YN_SEQ } ykind;

/* A node of the first document of a YAML file.  Nodes and their strings live in the arena
** of the file they came from. */
typedef struct ynode {
  ykind kind;            /* scalar, mapping or sequence */
  const char *s;         /* YN_SCALAR: its bytes, NUL-terminated ("" otherwise) */
  size_t n;              /* its length */
  bool plain;            /* a plain (unquoted, untagged) scalar: may be null, a bool, a number */
  long line, col;        /* 1-based position of the node in the file (col in characters) */
  int nkids;             /* items; for a mapping twice its entries */
  int cap;               /* room in kids */
  struct ynode **kids;   /* YN_MAP: key0, value0, key1, value1...; YN_SEQ: the items */
} ynode;

/* The value of key 'key' in mapping 'map', or NULL (also when 'map' is not a mapping). */
KQL_INTERNAL const ynode *yn_get(const ynode *map, const char *key);
/* 1 when 'n' is absent or YAML's null (plain "", "~", "null"). */
KQL_INTERNAL bool yn_is_null(const ynode *n);

/* A YAML file read into a tree (rule_yaml_load): kql test files use it. */
typedef struct yaml_doc {
  char *path;          /* as given */
  arena *a;            /* the nodes */
  ynode *root;         /* the first document's root, or NULL for an empty file */
} yaml_doc;
/* Read the YAML file at 'path' into a tree; NULL with 'd' located on error. */
KQL_INTERNAL yaml_doc *rule_yaml_load(const char *path, kql_diag *d);
KQL_INTERNAL void rule_yaml_free(yaml_doc *y);

/* ---- what Sentinel reads from an analytics rule ---- */

/* Allowed values of rule_file.trigger_op.  ORDER: rule_trigger_name() depends on it. */
typedef enum rule_op { RULE_GT, RULE_LT, RULE_EQ, RULE_NE } rule_op;

/* One entityMappings item: an entity type and its identifiers' columns. */
typedef struct rule_entity {
  const char *type;        /* entityType: Account, Host, IP, ... */
  int nfields;             /* fieldMappings */
  const char **ident;      /* identifier of field k: Name, HostName, Address ... */
  const char **column;     /* columnName of field k */
  long line, col;          /* where the item is in the file */
} rule_entity;

/* One customDetails entry, or the columns {{placeholders}} name. */
typedef struct rule_detail {
  const char *key;         /* the detail's name */
  const char *column;      /* the result column it takes its value from */
  long line, col;          /* where the column name is in the file */
} rule_detail;

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
  /* what Sentinel reads (strings in 'a'; NULL / 0 when the key is absent) */
  arena *a;           /* the YAML tree and the strings below */
  const ynode *doc;   /* the first document's root mapping */
  const char *kind;   /* Scheduled, NRT, ... (as written) */
  const char *severity; /* High, Medium, Low, Informational */
  const char *description; /* the 'description' */
  const char **tactics; /* tactics (a list, or one string) */
  int ntactics;       /* how many */
  const char **techniques; /* relevantTechniques */
  int ntechniques;    /* how many */
  bool has_frequency; /* queryFrequency given */
  int64_t frequency;  /* queryFrequency, ticks */
  bool has_period;    /* queryPeriod given */
  int64_t period;     /* queryPeriod, ticks */
  bool has_trigger;   /* triggerOperator or triggerThreshold given */
  rule_op trigger_op; /* triggerOperator (default gt) */
  int64_t threshold;  /* triggerThreshold (default 0) */
  bool suppression_enabled; /* suppressionEnabled */
  int64_t suppression; /* suppressionDuration, ticks (0 when absent) */
  bool per_result;    /* eventGroupingSettings.aggregationKind is AlertPerResult */
  rule_entity *entities; /* entityMappings */
  int nentities;      /* how many */
  rule_detail *details; /* customDetails */
  int ndetails;       /* how many */
  const char *title_fmt; /* alertDetailsOverride.alertDisplayNameFormat */
  const char *desc_fmt;  /* alertDetailsOverride.alertDescriptionFormat */
  const char *severity_col; /* alertDetailsOverride.alertSeverityColumnName */
  const char *tactics_col;  /* alertDetailsOverride.alertTacticsColumnName */
} rule_file;

/* "gt", "lt", "eq", "ne" for 'op'. */
KQL_INTERNAL const char *rule_op_name(rule_op op);
/* Parse a Sentinel duration ("5m", "1h", "14d", "30s", or ISO 8601 "PT1H", "P1D") into
** '*ticks'; 0 on success. */
KQL_INTERNAL int rule_parse_duration(const char *s, int64_t *ticks);

/* Load the rule at 'path'.  On error returns NULL and fills 'd' (KQL_ERR_IO for a file that
** cannot be read; KQL_ERR_SYNTAX with d->file/line/col for bad YAML, for a missing 'query'
** key, for a 'query' that is not a string, or for an alias bomb). */
KQL_INTERNAL rule_file *rule_load(const char *path, kql_diag *d);
/* Load a saved function or ASIM parser in Azure-Sentinel's YAML format: its query is the
** 'FunctionQuery' key, or 'ParserQuery' in ASIM parsers (with the same map into the file);
** the tree in 'doc' gives the name and parameters.  No rule keys are read. */
KQL_INTERNAL rule_file *rule_load_function(const char *path, kql_diag *d);
/* Parse a rule from memory ('path' is only used in messages). */
KQL_INTERNAL rule_file *rule_parse(const char *path, const char *text, size_t len, kql_diag *d);
KQL_INTERNAL void rule_free(rule_file *r);

#endif /* KQL_RULE_H */
