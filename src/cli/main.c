/*
** main.c: the kql command line.  Reads arguments and query files, sets up an engine,
** and prints results or diagnostics.  It uses only the public header kql.h; no engine
** logic lives here.  Exit status: 0 success, 1 the query is wrong, 2 usage or input data.
*/
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "help.h"
#include "kql.h"
#include "rules.h"
#include "shell.h"

#ifndef KQL_SOURCE_ROOT
#define KQL_SOURCE_ROOT "."
#endif

#define EXIT_QUERY 1
#define EXIT_USAGE 2
#define MAX_LIST 64

static const char *const usage_main =
    "kql: run Microsoft Sentinel and Defender KQL queries offline, over JSON tables\n"
    "\n"
    "usage:\n"
    "  kql run FILE [options]        run a .kql query, a Sentinel rule .yaml, or - (stdin)\n"
    "  kql run -e 'QUERY' [options]  run the query given inline\n"
    "  kql check PATH... [options]   parse and bind only; report every problem (folders:\n"
    "                                every .kql/.yaml in them; --format sarif)\n"
    "  kql explain FILE [options]    print the operator pipeline the query becomes\n"
    "    --analyze                   ...and run it: rows in, rows out and time per step\n"
    "    --why N|PREDICATE           ...and follow row N (or the first row where PREDICATE\n"
    "                                holds) of its table: which step drops it, and why\n"
    "  kql rule eval RULE --now T    evaluate a scheduled rule at T as Sentinel would: window,\n"
    "                                trigger, alerts with entities and custom details\n"
    "  kql rule backtest RULE --from A --to B [--compare RULE2]\n"
    "                                run it at every queryFrequency step; what RULE2 changes\n"
    "  kql test [PATH...]            run rule test files (*.test.yaml); --junit FILE\n"
    "  kql shell [options]           an interactive prompt (also 'kql' alone on a terminal)\n"
    "  kql help [TOPIC]              this text and the topics; 'kql help where', 'kql help has'\n"
    "  kql --version\n";

static const char *const usage_run =
    "usage: kql run FILE [options]   |   kql run -e 'QUERY' [options]\n"
    "  FILE is a .kql query, a Sentinel rule .yaml/.yml (its query: block), or - for stdin.\n"
    "options:\n"
    "  --data DIR          a folder of tables: <Table>.json (array of objects), <Table>.jsonl or\n"
    "                      .ndjson (one object a line), or a Log Analytics / Defender API\n"
    "                      export.  Repeatable.  Default: the shipped data/ folder.\n"
    "  --table NAME=PATH   one table from one file.  Repeatable.\n"
    "  --schemas DIR       more schema files: <Table>.json holding {\"<Table>\": {\"Col\": \"type\"}}.\n"
    "  --external URL=PATH externaldata reads URL from the local file PATH (kql never downloads;\n"
    "                      without a mapping it looks for a file named like the URL in the\n"
    "                      data folders).  Repeatable.\n"
    "  --geoip FILE        the MaxMind DB (GeoLite2-City.mmdb) geo_info_from_ip_address() reads.\n"
    "                      Default: a GeoLite2-City.mmdb in a data folder.\n"
    "  --functions DIR     saved functions and ASIM parsers the query may call: Sentinel's\n"
    "                      function/parser YAML files and NAME.kql files.  Repeatable.\n"
    "  --now TIME          pin now() and ago(): an ISO-8601 UTC instant, e.g. 2026-06-01T23:00:00Z.\n"
    "                      Default: for a query over a data folder's tables, its now.txt if it\n"
    "                      has one; else the clock.\n"
    "  --format F          table (default on a terminal) | json (default otherwise) | ndjson | csv\n"
    "                      | csv-raw (csv puts a ' before text cells starting = + - @, so that\n"
    "                      spreadsheets do not run them as formulas; csv-raw does not)\n"
    "  -o FILE             write the result to FILE (written whole, or not at all)\n"
    "  --strict            a value that does not fit its column's type is an error\n"
    "  --max-memory SIZE   stop a query whose operators hold more than SIZE (e.g. 512M, 8G; 0: no\n"
    "                      limit).  Default: 4G, or half the machine's memory if less.\n"
    "exit status: 0 success; 1 the query is wrong; 2 usage, missing file or malformed data\n";

static const char *const usage_check =
    "usage: kql check FILE... [options]\n"
    "  Parse and bind each .kql or rule .yaml file against the schemas; report every problem.\n"
    "  Exit 0 when no file has a problem, 1 otherwise (2 for usage errors).\n"
    "options:\n"
    "  --format F          text (default) | json: one line per file:\n"
    "                      {\"file\",\"ok\",\"diagnostics\":[...],\"columns\":[{\"name\",\"type\"}]}\n"
    "  --data DIR, --table NAME=PATH, --schemas DIR, --geoip FILE, --functions DIR   as for kql run\n";

static const char *const usage_explain =
    "usage: kql explain FILE [options]   |   kql explain -e 'QUERY' [options]\n"
    "  Print the operator pipeline the query becomes: each step, what it reads and the\n"
    "  result columns.  Options as for kql run, and:\n"
    "  --analyze           run the query and show, per step, rows in, rows out and time\n"
    "  --why N             follow row N (from 1, in file order) of the query's first table\n"
    "                      through the steps: which one drops it and which condition fails\n"
    "  --why PREDICATE     the same for the first row where the KQL PREDICATE is true,\n"
    "                      e.g. --why 'ReportId == 20346'\n";

static const char *const usage_shell =
    "usage: kql shell [options]   (or 'kql' with no arguments on a terminal)\n"
    "  An interactive prompt over the data folders: a query ends at a blank line or ';'.\n"
    "  Tab completes tables, columns, operators and functions; '.help' lists the commands.\n"
    "  Options: --data DIR, --table NAME=PATH, --schemas DIR, --now TIME, --format F as for\n"
    "  kql run.  History is kept in ~/.kql_history.\n";

/* Command-line options shared by the subcommands. */
typedef struct options {
  const char *data[MAX_LIST];   /* --data folders */
  int ndata;                    /* how many */
  const char *tables[MAX_LIST]; /* --table NAME=PATH */
  int ntables;                  /* how many */
  const char *schemas[MAX_LIST];/* --schemas folders */
  int nschemas;                 /* how many */
  const char *externals[MAX_LIST]; /* --external URL=PATH */
  int nexternals;               /* how many */
  const char *geoip;            /* --geoip: geo_info_from_ip_address()'s MaxMind database */
  const char *functions[MAX_LIST]; /* --functions folders */
  int nfunctions;               /* how many */
  const char *now;              /* --now */
  const char *format;           /* --format */
  const char *out;              /* -o */
  const char *expr;             /* -e */
  const char *files[4096];      /* positional arguments */
  int nfiles;                   /* how many */
  bool strict;                  /* --strict */
  const char *max_memory;       /* --max-memory */
  bool help;                    /* --help */
  bool analyze;                 /* explain --analyze */
  const char *why;              /* explain --why N|PREDICATE */
} options;

static int usage_error(const char *cmd, const char *fmt, const char *arg) {
  fprintf(stderr, "kql: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n(see 'kql %s --help')\n", cmd);
  return EXIT_USAGE;
}

static int add_opt(const char **list, int *n, const char *v) {
  if (*n >= MAX_LIST) return -1;
  list[(*n)++] = v;
  return 0;
}

/* Parse argv[from..argc) into 'o'; returns 0, or an exit status after printing why. */
static int parse_options(const char *cmd, int argc, char **argv, int from, options *o) {
  for (int i = from; i < argc; i++) {
    const char *a = argv[i];
    const char *val = NULL;
    const char *eq = NULL;
    if (strncmp(a, "--", 2) == 0 && (eq = strchr(a, '=')) != NULL && strncmp(a, "--table", 7) != 0) {
      static char name[64];
      size_t k = (size_t)(eq - a);
      if (k >= sizeof name) return usage_error(cmd, "unknown option '%s'", a);
      memcpy(name, a, k);
      name[k] = 0;
      val = eq + 1;
      a = name;
    }
#define NEEDS_VALUE()                                                           \
  do {                                                                          \
    if (!val) {                                                                 \
      if (i + 1 >= argc) return usage_error(cmd, "option '%s' needs a value", a); \
      val = argv[++i];                                                          \
    }                                                                           \
  } while (0)
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      o->help = true;
    } else if (strcmp(a, "--data") == 0) {
      NEEDS_VALUE();
      if (add_opt(o->data, &o->ndata, val)) return usage_error(cmd, "too many %s options", a);
    } else if (strcmp(a, "--table") == 0 || strncmp(a, "--table=", 8) == 0) {
      if (a[7] == '=') val = a + 8;
      else NEEDS_VALUE();
      if (!strchr(val, '=') || val[0] == '=')
        return usage_error(cmd, "--table takes NAME=PATH, not '%s'", val);
      if (add_opt(o->tables, &o->ntables, val)) return usage_error(cmd, "too many %s options", a);
    } else if (strcmp(a, "--external") == 0) {
      NEEDS_VALUE();
      if (!strchr(val, '=') || val[0] == '=')
        return usage_error(cmd, "--external takes URL=PATH, not '%s'", val);
      if (add_opt(o->externals, &o->nexternals, val)) return usage_error(cmd, "too many %s options", a);
    } else if (strcmp(a, "--schemas") == 0) {
      NEEDS_VALUE();
      if (add_opt(o->schemas, &o->nschemas, val)) return usage_error(cmd, "too many %s options", a);
    } else if (strcmp(a, "--geoip") == 0) {
      NEEDS_VALUE();
      o->geoip = val;
    } else if (strcmp(a, "--functions") == 0) {
      NEEDS_VALUE();
      if (add_opt(o->functions, &o->nfunctions, val)) return usage_error(cmd, "too many %s options", a);
    } else if (strcmp(a, "--now") == 0) {
      NEEDS_VALUE();
      o->now = val;
    } else if (strcmp(a, "--format") == 0 || strcmp(a, "-f") == 0) {
      NEEDS_VALUE();
      o->format = val;
    } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
      NEEDS_VALUE();
      o->out = val;
    } else if (strcmp(a, "-e") == 0 || strcmp(a, "--expr") == 0) {
      NEEDS_VALUE();
      o->expr = val;
    } else if (strcmp(a, "--analyze") == 0 && strcmp(cmd, "explain") == 0) {
      o->analyze = true;
    } else if (strcmp(a, "--why") == 0 && strcmp(cmd, "explain") == 0) {
      NEEDS_VALUE();
      o->why = val;
    } else if (strcmp(a, "--strict") == 0) {
      o->strict = true;
    } else if (strcmp(a, "--max-memory") == 0) {
      NEEDS_VALUE();
      o->max_memory = val;
    } else if (a[0] == '-' && a[1] != 0) {
      return usage_error(cmd, "unknown option '%s'", a);
    } else {
      if (o->nfiles >= (int)(sizeof o->files / sizeof o->files[0]))
        return usage_error(cmd, "too many files%s", "");
      o->files[o->nfiles++] = a;
    }
#undef NEEDS_VALUE
  }
  return 0;
}

static bool is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The shipped data/ folder: beside the binary's parent (build/kql -> data/), or in the
** source tree the binary was built from, or where it is installed. */
const char *cli_shipped_data(char *buf, size_t cap) {
  if (!buf || cap == 0) return NULL;
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = 0;
    char *dir = dirname(exe);
    snprintf(buf, cap, "%s/../data", dir);
    if (is_dir(buf)) return buf;
    snprintf(buf, cap, "%s/../share/kql/data", dir);
    if (is_dir(buf)) return buf;
  }
  snprintf(buf, cap, "%s/data", KQL_SOURCE_ROOT);
  if (is_dir(buf)) return buf;
  return NULL;
}

static char *read_stream(FILE *f, size_t *len) {
  size_t cap = 4096, n = 0;
  char *p = malloc(cap);
  if (!p) return NULL;
  size_t k;
  while ((k = fread(p + n, 1, cap - n, f)) > 0) {
    n += k;
    if (n == cap) {
      char *q = realloc(p, cap *= 2);
      if (!q) {
        free(p);
        return NULL;
      }
      p = q;
    }
  }
  *len = n;
  return p;
}

/* A query to run: its text, where it came from, and (for rules) the map to the file. */
typedef struct source {
  const char *name;       /* shown in diagnostics */
  char *text;             /* malloc'ed, or owned by rule */
  const char *query;      /* the query text */
  size_t len;             /* its length */
  kql_rule *rule;         /* when the file is a rule */
} source;

static bool has_ext(const char *p, const char *ext) {
  size_t n = strlen(p), k = strlen(ext);
  return n >= k && strcasecmp(p + n - k, ext) == 0;
}

static void render(const kql_diag *d, const source *s) {
  kql_diag_render(d, s ? s->name : "kql", s ? s->query : NULL, s ? s->len : 0,
                  s && s->rule ? kql_rule_srcmap(s->rule) : NULL, stderr);
  const char *topic = s ? help_topic_for(d, s->query, s->len) : NULL; /* help.c */
  if (topic) fprintf(stderr, "kql: see 'kql help %s'\n", topic);
}

static int exit_for(kql_status st) {
  return st == KQL_ERR_IO || st == KQL_ERR_USAGE ? EXIT_USAGE : EXIT_QUERY;
}

/* Load 'path' (or the -e text) into 's'; returns 0 or an exit status. */
static int load_source(const char *path, const char *expr, source *s) {
  memset(s, 0, sizeof *s);
  if (expr) {
    s->name = "query";
    s->query = expr;
    s->len = strlen(expr);
    return 0;
  }
  s->name = path;
  if (has_ext(path, ".yaml") || has_ext(path, ".yml")) {
    kql_diag d;
    s->rule = kql_rule_load(path, &d);
    if (!s->rule) {
      kql_diag_render(&d, path, NULL, 0, NULL, stderr);
      return exit_for(d.code == KQL_ERR_SYNTAX ? KQL_ERR_IO : d.code);
    }
    s->query = kql_rule_query(s->rule, &s->len);
    return 0;
  }
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (strcmp(path, "-") == 0) s->name = "<stdin>";
  if (!f || is_dir(path)) {
    fprintf(stderr, "kql: cannot read '%s': %s\n", path, f ? "is a folder" : strerror(errno));
    if (f && f != stdin) fclose(f);
    return EXIT_USAGE;
  }
  s->text = read_stream(f, &s->len);
  int err = ferror(f) ? errno : 0; /* a read error is not the end of the query */
  if (f != stdin) fclose(f);
  if (!s->text || err) {
    free(s->text);
    s->text = NULL;
    if (err) fprintf(stderr, "kql: cannot read '%s': %s\n", path, strerror(err));
    else fprintf(stderr, "kql: cannot read '%s'\n", path);
    return EXIT_USAGE;
  }
  s->query = s->text;
  return 0;
}

static void free_source(source *s) {
  free(s->text);
  kql_rule_free(s->rule);
}

/* Parse a size "N", "NK", "NM", "NG" or "NT" (powers of 1024; a trailing "B" or "iB" is
** allowed) into '*bytes'; returns 0, or -1 when 's' is not one. */
static int parse_size(const char *s, uint64_t *bytes) {
  char *end;
  errno = 0;
  if (*s < '0' || *s > '9') return -1;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno) return -1;
  int shift = 0;
  switch (*end) {
  case 'k': case 'K': shift = 10; end++; break;
  case 'm': case 'M': shift = 20; end++; break;
  case 'g': case 'G': shift = 30; end++; break;
  case 't': case 'T': shift = 40; end++; break;
  default: break;
  }
  if (shift && *end == 'i') end++;
  if (*end == 'B' || *end == 'b') end++;
  if (*end || v > (UINT64_MAX >> shift)) return -1;
  *bytes = (uint64_t)v << shift;
  return 0;
}

int cli_add_sources(kql_engine *e, const char *const *data, int ndata,
                    const char *const *schemas, int nschemas, const char *const *tables,
                    int ntables) {
  kql_diag d;
  char buf[PATH_MAX + 32];
  const char *shipped = cli_shipped_data(buf, sizeof buf);
  if (ndata == 0 && shipped) {
    if (kql_engine_add_data_dir(e, shipped, &d) != KQL_OK) goto fail;
  } else if (shipped) {
    /* the shipped schemas stay known, below the user's own */
    char sch[PATH_MAX + 48];
    snprintf(sch, sizeof sch, "%s/schemas", shipped);
    if (is_dir(sch) && kql_engine_add_schema_dir(e, sch, &d) != KQL_OK) goto fail;
  }
  for (int i = 0; i < ndata; i++)
    if (kql_engine_add_data_dir(e, data[i], &d) != KQL_OK) goto fail;
  for (int i = 0; i < nschemas; i++)
    if (kql_engine_add_schema_dir(e, schemas[i], &d) != KQL_OK) goto fail;
  for (int i = 0; i < ntables; i++) {
    char name[256];
    const char *eq = strchr(tables[i], '=');
    size_t k = (size_t)(eq - tables[i]);
    if (k >= sizeof name) {
      fprintf(stderr, "kql: table name too long in --table %s\n", tables[i]);
      return -1;
    }
    memcpy(name, tables[i], k);
    name[k] = 0;
    if (kql_engine_add_table_file(e, name, eq + 1, &d) != KQL_OK) goto fail;
  }
  return 0;
fail:
  kql_diag_render(&d, "kql", NULL, 0, NULL, stderr);
  return -1;
}

int cli_add_functions(kql_engine *e, const char *dir) {
  kql_diag d;
  if (kql_engine_add_functions_dir(e, dir, &d) == KQL_OK) return 0;
  kql_diag_render(&d, "kql", NULL, 0, NULL, stderr);
  return -1;
}

int cli_set_geoip(kql_engine *e, const char *path) {
  kql_diag d;
  if (kql_engine_set_geoip(e, path, &d) == KQL_OK) return 0;
  kql_diag_render(&d, "kql", NULL, 0, NULL, stderr);
  return -1;
}

/* Build the engine from the options; returns NULL after printing why. */
static kql_engine *make_engine(const options *o, int *rc) {
  kql_engine *e = kql_engine_new();
  *rc = EXIT_USAGE;
  if (cli_add_sources(e, o->data, o->ndata, o->schemas, o->nschemas, o->tables, o->ntables) != 0) {
    kql_engine_free(e);
    return NULL;
  }
  for (int i = 0; i < o->nexternals; i++) {
    /* URL=PATH: the URL may hold '=' itself (query strings), so split at the last one */
    const char *eq = strrchr(o->externals[i], '=');
    char *url = strndup(o->externals[i], (size_t)(eq - o->externals[i]));
    if (!url) {
      kql_engine_free(e);
      return NULL;
    }
    kql_engine_add_external(e, url, eq + 1);
    free(url);
  }
  if (o->geoip && cli_set_geoip(e, o->geoip) != 0) {
    kql_engine_free(e);
    return NULL;
  }
  for (int i = 0; i < o->nfunctions; i++)
    if (cli_add_functions(e, o->functions[i]) != 0) {
      kql_engine_free(e);
      return NULL;
    }
  if (o->now) {
    int64_t t;
    if (kql_parse_datetime(o->now, &t) != 0) {
      fprintf(stderr, "kql: --now '%s' is not an ISO-8601 instant (e.g. 2026-06-01T23:00:00Z)\n", o->now);
      kql_engine_free(e);
      return NULL;
    }
    kql_engine_set_now(e, t);
  }
  kql_engine_set_strict(e, o->strict);
  if (o->max_memory) {
    uint64_t bytes;
    if (parse_size(o->max_memory, &bytes) != 0) {
      fprintf(stderr, "kql: --max-memory '%s' is not a size (e.g. 512M, 8G, or 0 for no limit)\n",
              o->max_memory);
      kql_engine_free(e);
      return NULL;
    }
    kql_engine_set_max_memory(e, bytes);
  }
  *rc = 0;
  return e;
}

/* Write through a temporary file beside 'path' and rename it into place on success. */
typedef struct out_file {
  FILE *f;          /* where rows go */
  char tmp[PATH_MAX]; /* the temporary file, "" when writing to stdout */
  const char *path; /* the final path */
} out_file;

static int out_open(out_file *o, const char *path) {
  o->path = path;
  o->tmp[0] = 0;
  if (!path || strcmp(path, "-") == 0) {
    o->f = stdout;
    return 0;
  }
  if (is_dir(path)) {
    fprintf(stderr, "kql: cannot write '%s': is a folder\n", path);
    return EXIT_USAGE;
  }
  snprintf(o->tmp, sizeof o->tmp, "%s.kql-XXXXXX", path);
  int fd = mkstemp(o->tmp);
  if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
    fprintf(stderr, "kql: cannot write '%s': %s\n", path, strerror(errno));
    if (fd >= 0) close(fd), unlink(o->tmp);
    return EXIT_USAGE;
  }
  return 0;
}

static int out_close(out_file *o, bool ok) {
  if (o->f == stdout) {
    fflush(stdout);
    return 0;
  }
  bool good = ok && fflush(o->f) == 0 && fsync(fileno(o->f)) == 0;
  if (fclose(o->f) != 0) good = false;
  if (good && rename(o->tmp, o->path) == 0) return 0;
  unlink(o->tmp);
  if (ok) {
    fprintf(stderr, "kql: cannot write '%s': %s\n", o->path, strerror(errno));
    return EXIT_USAGE;
  }
  return 0;
}

static int parse_format(const char *cmd, const char *name, kql_format *f) {
  if (!name) {
    *f = isatty(STDOUT_FILENO) ? KQL_FMT_TABLE : KQL_FMT_JSON;
    return 0;
  }
  if (strcmp(name, "table") == 0) *f = KQL_FMT_TABLE;
  else if (strcmp(name, "json") == 0) *f = KQL_FMT_JSON;
  else if (strcmp(name, "ndjson") == 0 || strcmp(name, "jsonl") == 0) *f = KQL_FMT_NDJSON;
  else if (strcmp(name, "csv") == 0) *f = KQL_FMT_CSV;
  else if (strcmp(name, "csv-raw") == 0) *f = KQL_FMT_CSV_RAW;
  else return usage_error(cmd, "unknown format '%s' (table, json, ndjson, csv or csv-raw)", name);
  return 0;
}

/* kql explain --analyze / --why: run 'q' watched and write what was seen. */
static int explain_run(kql_query *q, const options *o, const source *s) {
  kql_diag d;
  kql_status st;
  shell_progress_start(q);
  if (o->analyze) {
    st = kql_query_explain_analyze(q, stdout, &d);
    if (st == KQL_OK && o->why) putchar('\n');
  } else {
    st = KQL_OK;
  }
  if (st == KQL_OK && o->why) {
    char *end;
    long n = strtol(o->why, &end, 10);
    bool number = end != o->why && *end == 0;
    st = kql_query_explain_why(q, number ? n : 0, number ? NULL : o->why, stdout, &d);
    if (st != KQL_OK && !number && d.has_span) { /* the span is in the predicate */
      source p = {"--why", NULL, o->why, strlen(o->why), NULL};
      shell_progress_end();
      fflush(stdout);
      render(&d, &p);
      return exit_for(st);
    }
  }
  shell_progress_end();
  if (st != KQL_OK) {
    fflush(stdout);
    render(&d, s);
    return exit_for(st);
  }
  return 0;
}

/* True when 'a' and 'b' are the same file or folder. */
static bool same_file(const struct stat *a, const char *b) {
  struct stat st;
  return stat(b, &st) == 0 && st.st_dev == a->st_dev && st.st_ino == a->st_ino;
}

/* kql never writes to its inputs: -o must not name the query file, a --table or --external
** file, or a file in a data or schema folder (or in a data folder's schemas/, watchlists/ or
** external/).  Returns 0, or EXIT_USAGE after saying why. */
static int check_output(const options *o) {
  if (!o->out || strcmp(o->out, "-") == 0) return 0;
  struct stat st;
  if (stat(o->out, &st) == 0) {
    bool input = o->nfiles && strcmp(o->files[0], "-") != 0 && same_file(&st, o->files[0]);
    for (int i = 0; i < o->ntables && !input; i++) input = same_file(&st, strchr(o->tables[i], '=') + 1);
    for (int i = 0; i < o->nexternals && !input; i++)
      input = same_file(&st, strrchr(o->externals[i], '=') + 1);
    if (input) {
      fprintf(stderr, "kql: -o '%s' is an input of the query; kql never writes to its inputs\n", o->out);
      return EXIT_USAGE;
    }
  }
  char *copy = strdup(o->out);
  if (!copy) return 0;
  const char *parent = dirname(copy);
  struct stat pst;
  int rc = 0;
  if (stat(parent, &pst) == 0) {
    char buf[PATH_MAX + 32], sub[PATH_MAX + 64];
    const char *dirs[2 * MAX_LIST + 1];
    int n = 0;
    for (int i = 0; i < o->ndata; i++) dirs[n++] = o->data[i];
    if (o->ndata == 0 && cli_shipped_data(buf, sizeof buf)) dirs[n++] = buf;
    int ndata = n;
    for (int i = 0; i < o->nschemas; i++) dirs[n++] = o->schemas[i];
    static const char *const subs[] = {"", "/schemas", "/watchlists", "/external"};
    for (int i = 0; i < n && !rc; i++)
      for (size_t k = 0; k < (i < ndata ? sizeof subs / sizeof subs[0] : 1) && !rc; k++) {
        snprintf(sub, sizeof sub, "%s%s", dirs[i], subs[k]);
        if (same_file(&pst, sub)) {
          fprintf(stderr, "kql: -o '%s' would write into the %s folder '%s'; kql never writes to its inputs\n",
                  o->out, i < ndata ? "data" : "schema", dirs[i]);
          rc = EXIT_USAGE;
        }
      }
  }
  free(copy);
  return rc;
}

static int cmd_run(int argc, char **argv, bool explain) {
  const char *cmd = explain ? "explain" : "run";
  options o = {0};
  int rc = parse_options(cmd, argc, argv, 2, &o);
  if (rc) return rc;
  if (o.help) {
    fputs(explain ? usage_explain : usage_run, stdout);
    return 0;
  }
  if (!o.expr && o.nfiles != 1)
    return usage_error(cmd, o.nfiles ? "give one FILE or -e QUERY%s" : "missing FILE or -e QUERY%s", "");
  if (o.expr && o.nfiles)
    return usage_error(cmd, "give either FILE or -e QUERY, not both%s", "");
  kql_format fmt = KQL_FMT_JSON;
  if (!explain && (rc = parse_format(cmd, o.format, &fmt)) != 0) return rc;
  if (!explain && (rc = check_output(&o)) != 0) return rc;
  source s;
  if ((rc = load_source(o.nfiles ? o.files[0] : NULL, o.expr, &s)) != 0) return rc;
  kql_engine *e = make_engine(&o, &rc);
  if (!e) {
    free_source(&s);
    return rc;
  }
  kql_diag d;
  kql_query *q = kql_query_compile(e, s.query, s.len, &d);
  if (!q) {
    render(&d, &s);
    rc = exit_for(d.code);
  } else if (explain && (o.analyze || o.why)) {
    rc = explain_run(q, &o, &s);
  } else if (explain) {
    kql_query_explain(q, stdout);
    int64_t t;
    int how = kql_query_now(q, &t);
    if (how == 2) printf("    now(): from the data folder's now.txt (override with --now)\n");
  } else {
    out_file out;
    if ((rc = out_open(&out, o.out)) == 0) {
      shell_progress_start(q); /* a progress line on a terminal's stderr (shell.c) */
      kql_status st = kql_query_run_to(q, out.f, fmt, 0, &d);
      shell_progress_end();
      if (st != KQL_OK) {
        if (out.f == stdout) fflush(stdout);
        render(&d, &s);
        rc = exit_for(st);
      }
      int orc = out_close(&out, st == KQL_OK);
      if (!rc) rc = orc;
      const char *w = kql_query_warning(q);
      if (w) fprintf(stderr, "kql: warning: %s\n", w);
    }
  }
  kql_query_free(q);
  kql_engine_free(e);
  free_source(&s);
  return rc;
}

static void json_str(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

static int cmd_check(int argc, char **argv) {
  options o = {0};
  int rc = parse_options("check", argc, argv, 2, &o);
  if (rc) return rc;
  if (o.help) {
    fputs(usage_check, stdout);
    return 0;
  }
  bool json = false;
  if (o.format && strcmp(o.format, "json") == 0) json = true;
  else if (o.format && strcmp(o.format, "text") != 0)
    return usage_error("check", "unknown format '%s' (text or json)", o.format);
  if (!o.nfiles && !o.expr) return usage_error("check", "missing FILE%s", "");
  kql_engine *e = make_engine(&o, &rc);
  if (!e) return rc;
  kql_engine_set_check_only(e, 1);
  int bad = 0;
  int n = o.expr ? 1 : o.nfiles;
  for (int i = 0; i < n; i++) {
    source s;
    int lrc = load_source(o.expr ? NULL : o.files[i], o.expr, &s);
    if (lrc) {
      bad++;
      if (json) {
        printf("{\"file\":");
        json_str(stdout, o.files[i]);
        printf(",\"ok\":false,\"diagnostics\":[{\"severity\":\"error\",\"message\":\"cannot read the file\",\"line\":0,\"col\":0}],\"columns\":[]}\n");
      }
      if (lrc == EXIT_USAGE && !json) rc = EXIT_USAGE;
      continue;
    }
    kql_diag d;
    kql_query *q = kql_query_compile(e, s.query, s.len, &d);
    if (!q) bad++;
    if (json) {
      printf("{\"file\":");
      json_str(stdout, s.name);
      printf(",\"ok\":%s,\"diagnostics\":[", q ? "true" : "false");
      if (!q) {
        long line = 0, col = 0;
        kql_diag_position(&d, s.query, s.len, s.rule ? kql_rule_srcmap(s.rule) : NULL, &line, &col);
        printf("{\"severity\":\"error\",\"message\":");
        json_str(stdout, d.msg);
        printf(",\"line\":%ld,\"col\":%ld}", line, col);
      }
      printf("],\"columns\":[");
      for (int c = 0; q && c < kql_query_ncols(q); c++) {
        printf("%s{\"name\":", c ? "," : "");
        json_str(stdout, kql_query_col_name(q, c));
        printf(",\"type\":\"%s\"}", kql_query_col_type(q, c));
      }
      printf("]}\n");
    } else if (!q) {
      render(&d, &s);
    }
    kql_query_free(q);
    free_source(&s);
  }
  if (!json && n > 1) fprintf(stderr, "kql check: %d of %d file%s ok\n", n - bad, n, n == 1 ? "" : "s");
  kql_engine_free(e);
  if (rc) return rc;
  return bad ? EXIT_QUERY : 0;
}

/* kql shell [options]: the interactive prompt (shell.c). */
static int cmd_shell(int argc, char **argv, int from) {
  options o = {0};
  int rc = parse_options("shell", argc, argv, from, &o);
  if (rc) return rc;
  if (o.help) {
    fputs(usage_shell, stdout);
    return 0;
  }
  if (o.nfiles || o.expr) return usage_error("shell", "the shell takes no query%s", "");
  kql_format fmt;
  if ((rc = parse_format("shell", o.format, &fmt)) != 0) return rc;
  kql_engine *e = make_engine(&o, &rc);
  if (!e) return rc;
  rc = shell_main(e, o.format ? o.format : "table");
  kql_engine_free(e);
  return rc;
}

/* kql help [TOPIC]: the usage, and the operators and functions (help.c). */
static int cmd_help(int argc, char **argv) {
  if (argc > 2 && strcmp(argv[2], "--examples") == 0) { /* for the tests */
    help_list_examples(stdout);
    return 0;
  }
  options o = {0};
  int rc;
  kql_engine *e = make_engine(&o, &rc); /* the shipped data, to run the examples on */
  if (argc <= 2) fputs(usage_main, stdout), putchar('\n');
  rc = help_write(e, argc > 2 ? argv[2] : NULL, stdout);
  kql_engine_free(e);
  return rc ? EXIT_USAGE : 0;
}

int main(int argc, char **argv) {
  if (argc < 2 && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) return cmd_shell(argc, argv, 1);
  if (argc < 2) {
    fputs(usage_main, stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "shell") == 0) return cmd_shell(argc, argv, 2);
  if (strcmp(cmd, "help") == 0) return cmd_help(argc, argv);
  if (strcmp(cmd, "run") == 0) return cmd_run(argc, argv, false);
  if (strcmp(cmd, "explain") == 0) return cmd_run(argc, argv, true);
  if (strcmp(cmd, "check") == 0) /* folders and SARIF: rules.c */
    return rules_check_wanted(argc, argv) ? rules_check_main(argc, argv) : cmd_check(argc, argv);
  if (strcmp(cmd, "rule") == 0) return rules_rule_main(argc, argv); /* rules.c */
  if (strcmp(cmd, "test") == 0) return rules_test_main(argc, argv);
  if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
    fputs(usage_main, stdout);
    return 0;
  }
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
    printf("kql %s\n", kql_version());
    return 0;
  }
  fprintf(stderr, "kql: unknown command '%s'\n\n%s", cmd, usage_main);
  return EXIT_USAGE;
}
