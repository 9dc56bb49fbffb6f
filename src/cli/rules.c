/*
** rules.c: the kql subcommands for testing a rule before it is deployed.  'kql rule eval'
** evaluates a scheduled rule at one instant, 'kql rule backtest' at every queryFrequency
** step of a range (and compares two versions), 'kql test' runs rule test files, and
** 'kql check' over folders validates rules and queries with a summary, as text, JSON lines
** or SARIF.  Argument handling and output only: the work is in libkql (kql.h).
** Exit status: 0 success, 1 a rule, query or test is wrong, 2 usage or unreadable input.
*/
#include "rules.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kql.h"

#ifndef KQL_SOURCE_ROOT
#define KQL_SOURCE_ROOT "."
#endif

#define EXIT_QUERY 1
#define EXIT_USAGE 2
#define MAX_LIST 64

static const char *const usage_rule =
    "usage: kql rule eval RULE.yaml --now TIME [options]\n"
    "       kql rule backtest RULE.yaml --from TIME --to TIME [--compare OTHER.yaml] [options]\n"
    "  eval: the rule's query sees only the rows whose TimeGenerated (Timestamp in Defender\n"
    "  tables) lies in [TIME - queryPeriod, TIME], with now() = TIME; its row count is compared\n"
    "  with triggerOperator/triggerThreshold and the alerts are listed (one for all rows, or one\n"
    "  per row with eventGroupingSettings.aggregationKind AlertPerResult) with their entities,\n"
    "  custom details and alertDetailsOverride titles.\n"
    "  backtest: eval at FROM, FROM + queryFrequency, ... up to TO, honouring suppression;\n"
    "  --compare evaluates a second version the same way and lists the alerts it adds (+) and\n"
    "  removes (-).  Two paths: kql runs no program, so save the old version first, e.g.\n"
    "  'git show HEAD:queries/rule.yaml > /tmp/old.yaml'.\n"
    "options:\n"
    "  --now TIME          eval: the instant (default: the data folder's now.txt)\n"
    "  --from TIME, --to TIME   backtest: the range of run instants (ISO-8601 UTC)\n"
    "  --compare FILE      backtest: the other version of the rule\n"
    "  --format F          text (default) | json\n"
    "  --data DIR, --table NAME=PATH, --schemas DIR, --geoip FILE   as for kql run\n"
    "  --functions DIR     saved functions and ASIM parsers the rules may call (as for kql run)\n"
    "  --no-cache          backtest: stream the files at every run instead of reading each\n"
    "                      table once into memory (slower; the same alerts)\n"
    "  -v, --verbose       backtest: say how often data files were read and the memory held\n"
    "exit status: 0 done (whether or not alerts fired); 1 the rule is wrong; 2 usage or input\n";

static const char *const usage_test =
    "usage: kql test [PATH...] [options]\n"
    "  Run rule test files: each PATH is a test file or a folder searched for *.test.yaml and\n"
    "  *.test.yml (default: the current folder).  A test names a rule, query_file or query,\n"
    "  pins now, gives tables (inline rows or files) and states what it expects: rows,\n"
    "  row_count, no_rows, contains, columns, triggered, alerts (see README, Testing rules).\n"
    "options:\n"
    "  --junit FILE        also write a JUnit XML report to FILE\n"
    "  -v, --verbose       show the detail of expected failures too\n"
    "  --schemas DIR       more schema files (the shipped data/schemas are always known)\n"
    "  --no-cache          read input files at every test (default: each file once)\n"
    "exit status: 0 when every test passes; 1 when one fails; 2 usage\n";

static const char *const usage_check_dirs =
    "usage: kql check PATH... [options]\n"
    "  Parse and bind each .kql or rule .yaml file against the schemas; folders are searched\n"
    "  for .yaml, .yml and .kql files (test files *.test.yaml left out).  For rules, also what\n"
    "  Sentinel would refuse or what cannot work: entity, custom detail and {{placeholder}}\n"
    "  columns the query does not return, queryPeriod/queryFrequency limits (warnings).\n"
    "  Ends with a summary line on stderr.  Exit 0 when no file has an error, 1 otherwise.\n"
    "options:\n"
    "  --format F          text (default) | json (one line per file) | sarif (SARIF 2.1.0)\n"
    "  --data DIR, --table NAME=PATH, --schemas DIR, --geoip FILE, --functions DIR   as for kql run\n";

/* Options of these subcommands. */
typedef struct ropts {
  const char *data[MAX_LIST];    /* --data folders */
  int ndata;                     /* how many */
  const char *tables[MAX_LIST];  /* --table NAME=PATH */
  int ntables;                   /* how many */
  const char *schemas[MAX_LIST]; /* --schemas folders */
  int nschemas;                  /* how many */
  const char *now, *from, *to;   /* --now, --from, --to */
  const char *compare;           /* --compare */
  const char *format;            /* --format */
  const char *junit;             /* --junit */
  const char *expr;              /* check -e */
  const char *geoip;             /* --geoip FILE */
  bool verbose;                  /* -v */
  bool no_cache;                 /* --no-cache */
  const char *functions[MAX_LIST]; /* --functions folders */
  int nfunctions;                /* how many */
  bool help;                     /* --help */
  const char **files;            /* positional arguments */
  int nfiles;                    /* how many */
} ropts;

static int usage_error(const char *cmd, const char *fmt, const char *arg) {
  fprintf(stderr, "kql: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n(see 'kql %s --help')\n", cmd);
  return EXIT_USAGE;
}

/* Parse argv[from..argc) into 'o'; returns 0 or an exit status after saying why. */
static int parse(const char *cmd, int argc, char **argv, int from, ropts *o) {
  o->files = calloc((size_t)argc + 1, sizeof *o->files);
  if (!o->files) return EXIT_USAGE;
  for (int i = from; i < argc; i++) {
    char *a = argv[i];
    const char *val = NULL;
    char name[64];
    char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
    if (eq && (size_t)(eq - a) < sizeof name) {
      memcpy(name, a, (size_t)(eq - a));
      name[eq - a] = 0;
      val = eq + 1;
      a = name;
    }
    const char **slot = NULL;
    const char **list = NULL;
    int *nlist = NULL;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) o->help = true;
    else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) o->verbose = true;
    else if (strcmp(a, "--no-cache") == 0) o->no_cache = true;
    else if (strcmp(a, "--now") == 0) slot = &o->now;
    else if (strcmp(a, "--from") == 0) slot = &o->from;
    else if (strcmp(a, "--to") == 0) slot = &o->to;
    else if (strcmp(a, "--compare") == 0) slot = &o->compare;
    else if (strcmp(a, "--format") == 0 || strcmp(a, "-f") == 0) slot = &o->format;
    else if (strcmp(a, "--junit") == 0) slot = &o->junit;
    else if (strcmp(a, "-e") == 0 || strcmp(a, "--expr") == 0) slot = &o->expr;
    else if (strcmp(a, "--geoip") == 0) slot = &o->geoip;
    else if (strcmp(a, "--data") == 0) list = o->data, nlist = &o->ndata;
    else if (strcmp(a, "--table") == 0) list = o->tables, nlist = &o->ntables;
    else if (strcmp(a, "--schemas") == 0) list = o->schemas, nlist = &o->nschemas;
    else if (strcmp(a, "--functions") == 0) list = o->functions, nlist = &o->nfunctions;
    else if (a[0] == '-' && a[1]) return usage_error(cmd, "unknown option '%s'", a);
    else o->files[o->nfiles++] = a;
    if (slot || list) {
      if (!val) {
        if (i + 1 >= argc) return usage_error(cmd, "option '%s' needs a value", a);
        val = argv[++i];
      }
      if (slot) *slot = val;
      else if (*nlist >= MAX_LIST) return usage_error(cmd, "too many %s options", a);
      else list[(*nlist)++] = val;
      if (list == o->tables && (!strchr(val, '=') || val[0] == '='))
        return usage_error(cmd, "--table takes NAME=PATH, not '%s'", val);
    }
  }
  return 0;
}

static bool is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}


/* An engine over the options' tables (the shipped data/ when no --data is given; its
** schemas always).  NULL after saying why. */
static kql_engine *make_engine(const ropts *o) {
  kql_engine *e = kql_engine_new();
  if (cli_add_sources(e, o->data, o->ndata, o->schemas, o->nschemas, o->tables, o->ntables) != 0 ||
      (o->geoip && cli_set_geoip(e, o->geoip) != 0)) {
    kql_engine_free(e);
    return NULL;
  }
  for (int i = 0; i < o->nfunctions; i++)
    if (cli_add_functions(e, o->functions[i]) != 0) {
      kql_engine_free(e);
      return NULL;
    }
  return e;
}

/* Parse option 'opt''s instant 'text' into '*t'; returns 0 or EXIT_USAGE after saying why. */
static int parse_time(const char *opt, const char *text, int64_t *t) {
  if (kql_parse_datetime(text, t) == 0) return 0;
  fprintf(stderr, "kql: %s '%s' is not an ISO-8601 instant (e.g. 2026-06-01T23:00:00Z)\n", opt, text);
  return EXIT_USAGE;
}

/* Load the rule at 'path'; NULL after rendering why. */
static kql_rule *load_rule(const char *path) {
  kql_diag d;
  kql_rule *r = kql_rule_load(path, &d);
  if (!r) kql_diag_render(&d, path, NULL, 0, NULL, stderr);
  return r;
}

/* Render a diagnostic of running 'r' ('d' has a span into its query, or a file). */
static void render_rule(const kql_diag *d, const char *path, const kql_rule *r) {
  size_t len;
  const char *q = kql_rule_query(r, &len);
  if (d->has_span) kql_diag_render(d, path, q, len, kql_rule_srcmap(r), stderr);
  else kql_diag_render(d, d->file[0] ? d->file : path, NULL, 0, NULL, stderr);
}

static int exit_for(kql_status st) {
  return st == KQL_ERR_IO || st == KQL_ERR_USAGE ? EXIT_USAGE : EXIT_QUERY;
}

/* 0 for text, 1 for json; -1 after a usage error. */
static int text_or_json(const char *cmd, const char *f) {
  if (!f || strcmp(f, "text") == 0 || strcmp(f, "table") == 0) return 0;
  if (strcmp(f, "json") == 0) return 1;
  usage_error(cmd, "unknown format '%s' (text or json)", f);
  return -1;
}

/* kql rule eval|backtest ... */
int rules_rule_main(int argc, char **argv) {
  const char *sub = argc > 2 ? argv[2] : "";
  if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
    fputs(usage_rule, stdout);
    return 0;
  }
  bool eval = strcmp(sub, "eval") == 0, backtest = strcmp(sub, "backtest") == 0;
  if (!eval && !backtest)
    return usage_error("rule", *sub ? "unknown 'kql rule' command '%s' (eval or backtest)"
                                    : "missing command%s: kql rule eval|backtest RULE ...", sub);
  ropts o;
  memset(&o, 0, sizeof o);
  int rc = parse("rule", argc, argv, 3, &o);
  if (rc) goto out;
  if (o.help) {
    fputs(usage_rule, stdout);
    goto out;
  }
  int json = text_or_json("rule", o.format);
  if (json < 0) {
    rc = EXIT_USAGE;
    goto out;
  }
  if (o.nfiles != 1) {
    rc = usage_error("rule", o.nfiles ? "give one RULE file%s" : "missing RULE file%s", "");
    goto out;
  }
  if (eval && (o.from || o.to || o.compare)) {
    rc = usage_error("rule", "--from, --to and --compare are for 'kql rule backtest'%s", "");
    goto out;
  }
  if (backtest && (!o.from || !o.to)) {
    rc = usage_error("rule", "backtest needs --from and --to%s", "");
    goto out;
  }
  int64_t now = 0, from = 0, to = 0;
  if ((o.now && (rc = parse_time("--now", o.now, &now))) ||
      (o.from && (rc = parse_time("--from", o.from, &from))) ||
      (o.to && (rc = parse_time("--to", o.to, &to))))
    goto out;
  kql_rule *r = load_rule(o.files[0]);
  kql_rule *other = NULL;
  if (!r || (o.compare && !(other = load_rule(o.compare)))) {
    kql_rule_free(r);
    rc = EXIT_USAGE;
    goto out;
  }
  kql_engine *e = make_engine(&o);
  kql_cache *cache = backtest && !o.no_cache ? kql_cache_new() : NULL;
  if (e) kql_engine_set_cache(e, cache);
  if (!e) {
    rc = EXIT_USAGE;
  } else if (eval) {
    if (!o.now && !kql_engine_now(e, &now)) {
      rc = usage_error("rule", "eval needs --now (the data folder has no now.txt)%s", "");
    } else {
      kql_alerts *x;
      kql_diag d;
      kql_status st = kql_rule_eval(e, r, now, &x, &d);
      if (st != KQL_OK) {
        render_rule(&d, o.files[0], r);
        rc = exit_for(st);
      } else {
        kql_alerts_write(x, stdout, json);
        kql_alerts_free(x);
      }
    }
  } else {
    kql_diag d;
    kql_backtest_summary sum;
    kql_status st = kql_rule_backtest(e, r, other, from, to, json, stdout, &sum, &d);
    if (st != KQL_OK) {
      fflush(stdout);
      const char *path = o.files[0];
      if (other && d.file[0] && strcmp(d.file, o.compare) == 0) path = o.compare;
      render_rule(&d, path, path == o.files[0] ? r : other);
      rc = exit_for(st);
    }
    if (o.verbose) {
      uint64_t loads, bytes;
      kql_cache_stats(cache, &loads, &bytes);
      fprintf(stderr, "kql: table cache: %s, %llu pass%s over data files, %.1f MiB held\n",
              cache ? "on" : "off", (unsigned long long)loads, loads == 1 ? "" : "es",
              (double)bytes / 1048576.0);
    }
  }
  kql_engine_free(e);
  kql_cache_free(cache);
  kql_rule_free(r);
  kql_rule_free(other);
out:
  free(o.files);
  return rc;
}

/* ------------------------------------------------------------------------------------ */
/* Finding files in folders                                                              */
/* ------------------------------------------------------------------------------------ */

typedef struct pathlist {
  char **v;    /* paths */
  int n, cap;  /* how many, room */
} pathlist;

static void push(pathlist *l, const char *p) {
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 64;
    char **v = realloc(l->v, sizeof *v * (size_t)l->cap);
    if (!v) abort();
    l->v = v;
  }
  l->v[l->n++] = strdup(p);
}

static void pathlist_free(pathlist *l) {
  for (int i = 0; i < l->n; i++) free(l->v[i]);
  free(l->v);
}

static bool ends_with(const char *p, const char *ext) {
  size_t n = strlen(p), k = strlen(ext);
  return n >= k && strcasecmp(p + n - k, ext) == 0;
}

static bool is_test_file(const char *p) { return ends_with(p, ".test.yaml") || ends_with(p, ".test.yml"); }

static bool is_rule_file(const char *p) {
  return (ends_with(p, ".yaml") || ends_with(p, ".yml") || ends_with(p, ".kql")) && !is_test_file(p);
}

static int cmp_path(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add the files under folder 'dir' that 'want' accepts, sorted, recursing (hidden entries
** left out, depth bounded). */
static void walk(const char *dir, bool (*want)(const char *), pathlist *l, int depth) {
  if (depth > 32) return;
  DIR *d = opendir(dir);
  if (!d) return;
  pathlist here = {0};
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.') continue;
    size_t n = strlen(dir) + strlen(de->d_name) + 2;
    char *p = malloc(n);
    if (!p) abort();
    if (strcmp(dir, ".") == 0) snprintf(p, n, "%s", de->d_name); /* "x", not "./x" */
    else snprintf(p, n, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/", de->d_name);
    push(&here, p);
    free(p);
  }
  closedir(d);
  qsort(here.v, (size_t)here.n, sizeof *here.v, cmp_path);
  for (int i = 0; i < here.n; i++) {
    if (is_dir(here.v[i])) walk(here.v[i], want, l, depth + 1);
    else if (want(here.v[i])) push(l, here.v[i]);
  }
  pathlist_free(&here);
}

/* kql test [PATH...] */
int rules_test_main(int argc, char **argv) {
  ropts o;
  memset(&o, 0, sizeof o);
  int rc = parse("test", argc, argv, 2, &o);
  if (rc || o.help) {
    if (o.help) fputs(usage_test, stdout);
    free(o.files);
    return rc;
  }
  if (o.ndata || o.ntables || o.now || o.from || o.to || o.compare || o.format || o.expr) {
    free(o.files);
    return usage_error("test", "tests name their own data and now; kql test takes only paths, "
                               "--junit, --schemas and -v%s", "");
  }
  pathlist l = {0};
  if (o.nfiles == 0) walk(".", is_test_file, &l, 0);
  for (int i = 0; i < o.nfiles; i++) {
    if (is_dir(o.files[i])) {
      int before = l.n;
      walk(o.files[i], is_test_file, &l, 0);
      if (l.n == before) fprintf(stderr, "kql test: no *.test.yaml files in '%s'\n", o.files[i]);
    } else if (access(o.files[i], R_OK) != 0) {
      fprintf(stderr, "kql: cannot read '%s': %s\n", o.files[i], strerror(errno));
      rc = EXIT_USAGE;
    } else {
      push(&l, o.files[i]);
    }
  }
  if (rc) {
    pathlist_free(&l);
    free(o.files);
    return rc;
  }
  if (l.n == 0) {
    pathlist_free(&l);
    free(o.files);
    fprintf(stderr, "kql test: no test files found\n");
    return EXIT_USAGE;
  }
  /* every test knows the shipped schemas, and --schemas (the last one given wins) */
  char buf[PATH_MAX + 32], sch[PATH_MAX + 48];
  const char *shipped = cli_shipped_data(buf, sizeof buf);
  const char *schemas = NULL;
  if (shipped) {
    snprintf(sch, sizeof sch, "%s/schemas", shipped);
    if (is_dir(sch)) schemas = sch;
  }
  if (o.nschemas) schemas = o.schemas[o.nschemas - 1];
  kql_test_summary sum;
  kql_cache *cache = o.no_cache ? NULL : kql_cache_new();
  int failed = kql_test_run_cached((const char *const *)l.v, l.n, schemas, cache, o.verbose, stdout,
                                   o.junit, &sum);
  kql_cache_free(cache);
  pathlist_free(&l);
  free(o.files);
  return failed ? EXIT_QUERY : 0;
}

/* ------------------------------------------------------------------------------------ */
/* kql check over folders                                                                */
/* ------------------------------------------------------------------------------------ */

int rules_check_wanted(int argc, char **argv) {
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--format=sarif") == 0) return 1;
    if ((strcmp(argv[i], "--format") == 0 || strcmp(argv[i], "-f") == 0) && i + 1 < argc &&
        strcmp(argv[i + 1], "sarif") == 0)
      return 1;
    static const char *const takes_value[] = {"--data", "--schemas", "--table", "--format", "-f",
                                              "--now", "-e", "--expr", "--external", "--geoip", "--functions",
                                              "--max-memory", "-o", "--output", NULL};
    bool value = false;
    for (const char *const *t = takes_value; *t && i > 2 && !value; t++)
      value = strcmp(argv[i - 1], *t) == 0;
    if (argv[i][0] != '-' && !value && is_dir(argv[i])) return 1;
  }
  return 0;
}

static void json_str(FILE *f, const char *s) {
  fputc('"', f);
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

/* One problem found in a file. */
typedef struct problem {
  char *file;       /* where */
  long line, col;   /* 1-based; 0 unknown */
  bool warning;     /* a rule check (kql_rule_lint), not an error */
  kql_status code;  /* its kind */
  char *msg;        /* the message */
} problem;

typedef struct problems {
  problem *v;       /* all of them */
  int n, cap;       /* how many, room */
  const char *file; /* the file being checked */
  int file_warnings; /* of the current file */
  int format;       /* 0 text, 1 json, 2 sarif */
  FILE *json_warn;  /* json: the current file's warnings array being written */
} problems;

static void add_problem(problems *p, long line, long col, bool warning, kql_status code, const char *msg) {
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 64;
    problem *v = realloc(p->v, sizeof *v * (size_t)p->cap);
    if (!v) abort();
    p->v = v;
  }
  problem *x = &p->v[p->n++];
  x->file = strdup(p->file);
  x->line = line;
  x->col = col;
  x->warning = warning;
  x->code = code;
  x->msg = strdup(msg);
}

/* kql_rule_lint's callback: keep the warning, and show it in text mode. */
static void on_lint(void *ctx, const kql_diag *d) {
  problems *p = ctx;
  add_problem(p, d->line, d->col, true, d->code, d->msg);
  p->file_warnings++;
  if (p->format == 0) {
    if (d->line) fprintf(stderr, "%s:%ld:%ld: warning: %s\n", p->file, d->line, d->col, d->msg);
    else fprintf(stderr, "%s: warning: %s\n", p->file, d->msg);
  }
}

static const char *rule_id(kql_status code, bool warning) {
  if (warning) return "kql/rule";
  switch (code) {
  case KQL_ERR_SYNTAX: return "kql/syntax";
  case KQL_ERR_BIND: return "kql/bind";
  case KQL_ERR_TYPE: return "kql/type";
  case KQL_ERR_UNSUPPORTED: return "kql/unsupported";
  case KQL_ERR_IO: return "kql/input";
  default: return "kql/error";
  }
}

static void write_sarif(const problems *p, FILE *f) {
  fprintf(f, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
             "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"kql\",\"version\":\"%s\","
             "\"informationUri\":\"https://github.com/\",\"rules\":[",
          kql_version());
  static const char *const ids[][2] = {
      {"kql/syntax", "the query does not parse"},
      {"kql/bind", "unknown table, column or function, or a column a rule setting names"},
      {"kql/type", "operand types do not fit"},
      {"kql/unsupported", "a KQL feature kql does not have yet"},
      {"kql/input", "the file cannot be read or is not a valid rule"},
      {"kql/error", "another error"},
      {"kql/rule", "a rule setting Sentinel would refuse or that cannot work"}};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    fprintf(f, "%s{\"id\":\"%s\",\"shortDescription\":{\"text\":", i ? "," : "", ids[i][0]);
    json_str(f, ids[i][1]);
    fputs("}}", f);
  }
  fputs("]}},\"results\":[", f);
  for (int i = 0; i < p->n; i++) {
    const problem *x = &p->v[i];
    fprintf(f, "%s{\"ruleId\":\"%s\",\"level\":\"%s\",\"message\":{\"text\":", i ? "," : "",
            rule_id(x->code, x->warning), x->warning ? "warning" : "error");
    json_str(f, x->msg);
    fputs("},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":", f);
    json_str(f, x->file);
    fputc('}', f);
    if (x->line > 0) {
      fprintf(f, ",\"region\":{\"startLine\":%ld", x->line);
      if (x->col > 0) fprintf(f, ",\"startColumn\":%ld", x->col);
      fputc('}', f);
    }
    fputs("}}]}", f);
  }
  fputs("]}]}\n", f);
}

/* Read all of 'path'; NULL when it cannot be read. */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0, k;
  char *p = malloc(cap);
  while (p && (k = fread(p + n, 1, cap - n, f)) > 0)
    if ((n += k) == cap) {
      char *q = realloc(p, cap *= 2);
      if (!q) free(p);
      p = q;
    }
  fclose(f);
  *len = n;
  return p;
}

/* Check file 'path' over 'e'; returns 1 when it has an error. */
static int check_one(kql_engine *e, const char *path, problems *p) {
  p->file = path;
  p->file_warnings = 0;
  int before = p->n;
  kql_rule *r = NULL;
  char *text = NULL;
  const char *q = NULL;
  size_t len = 0;
  kql_diag d;
  int bad = 0;
  kql_query *cq = NULL;
  if (ends_with(path, ".yaml") || ends_with(path, ".yml")) {
    r = kql_rule_load(path, &d);
    if (!r && strstr(d.msg, "has no 'query'")) {
      /* a saved function or ASIM parser (FunctionQuery/ParserQuery): check it as one */
      kql_engine *fe = kql_engine_new();
      kql_diag fd;
      kql_status st = kql_engine_add_functions_dir(fe, path, &fd);
      kql_engine_free(fe);
      if (st == KQL_OK) goto json;
      if (!strstr(fd.msg, "has no 'FunctionQuery'")) d = fd;
    }
    if (!r) {
      add_problem(p, d.line, d.col, false, d.code == KQL_ERR_SYNTAX ? KQL_ERR_IO : d.code, d.msg);
      if (p->format == 0) kql_diag_render(&d, path, NULL, 0, NULL, stderr);
      bad = 1;
      goto json;
    }
    q = kql_rule_query(r, &len);
  } else {
    text = slurp(path, &len);
    if (!text) {
      add_problem(p, 0, 0, false, KQL_ERR_IO, "cannot read the file");
      if (p->format == 0) fprintf(stderr, "kql: cannot read '%s': %s\n", path, strerror(errno));
      bad = 1;
      goto json;
    }
    q = text;
  }
  cq = kql_query_compile(e, q, len, &d);
  if (!cq) {
    long line = 0, col = 0;
    kql_diag_position(&d, q, len, r ? kql_rule_srcmap(r) : NULL, &line, &col);
    if (!d.has_span && d.file[0] && strcmp(d.file, path) != 0) {
      /* inside a saved function (--functions): say where, in that file */
      char msg[sizeof d.msg + sizeof d.file + 48];
      snprintf(msg, sizeof msg, "%s (in %s:%ld:%ld)", d.msg, d.file, d.line, d.col);
      add_problem(p, 0, 0, false, d.code, msg);
    } else {
      add_problem(p, line, col, false, d.code, d.msg);
    }
    if (p->format == 0) kql_diag_render(&d, path, q, len, r ? kql_rule_srcmap(r) : NULL, stderr);
    bad = 1;
  }
  if (r) kql_rule_lint(r, cq, on_lint, p);
json:
  if (p->format == 1) {
    printf("{\"file\":");
    json_str(stdout, path);
    printf(",\"ok\":%s,\"diagnostics\":[", bad ? "false" : "true");
    int k = 0;
    for (int i = before; i < p->n; i++, k++) {
      printf("%s{\"severity\":\"%s\",\"message\":", k ? "," : "", p->v[i].warning ? "warning" : "error");
      json_str(stdout, p->v[i].msg);
      printf(",\"line\":%ld,\"col\":%ld}", p->v[i].line, p->v[i].col);
    }
    printf("],\"columns\":[");
    for (int c = 0; cq && c < kql_query_ncols(cq); c++) {
      printf("%s{\"name\":", c ? "," : "");
      json_str(stdout, kql_query_col_name(cq, c));
      printf(",\"type\":\"%s\"}", kql_query_col_type(cq, c));
    }
    printf("]}\n");
  }
  kql_query_free(cq);
  kql_rule_free(r);
  free(text);
  return bad;
}

int rules_check_main(int argc, char **argv) {
  ropts o;
  memset(&o, 0, sizeof o);
  int rc = parse("check", argc, argv, 2, &o);
  if (rc || o.help) {
    if (o.help) fputs(usage_check_dirs, stdout);
    free(o.files);
    return rc;
  }
  problems p;
  memset(&p, 0, sizeof p);
  if (!o.format || strcmp(o.format, "text") == 0) p.format = 0;
  else if (strcmp(o.format, "json") == 0) p.format = 1;
  else if (strcmp(o.format, "sarif") == 0) p.format = 2;
  else {
    free(o.files);
    return usage_error("check", "unknown format '%s' (text, json or sarif)", o.format);
  }
  pathlist l = {0};
  for (int i = 0; i < o.nfiles; i++) {
    if (is_dir(o.files[i])) walk(o.files[i], is_rule_file, &l, 0);
    else push(&l, o.files[i]);
  }
  if (!l.n) {
    free(o.files);
    pathlist_free(&l);
    return usage_error("check", "no .kql, .yaml or .yml files to check%s", "");
  }
  kql_engine *e = make_engine(&o);
  if (!e) {
    free(o.files);
    pathlist_free(&l);
    return EXIT_USAGE;
  }
  kql_engine_set_check_only(e, 1);
  int bad = 0, warned = 0, warnings = 0;
  for (int i = 0; i < l.n; i++) {
    bad += check_one(e, l.v[i], &p);
    warned += p.file_warnings > 0;
    warnings += p.file_warnings;
  }
  if (p.format == 2) write_sarif(&p, stdout);
  fprintf(stderr, "kql check: %d of %d file%s ok, %d with errors; %d warning%s in %d file%s\n",
          l.n - bad, l.n, l.n == 1 ? "" : "s", bad, warnings, warnings == 1 ? "" : "s", warned,
          warned == 1 ? "" : "s");
  for (int i = 0; i < p.n; i++) {
    free(p.v[i].file);
    free(p.v[i].msg);
  }
  free(p.v);
  kql_engine_free(e);
  pathlist_free(&l);
  free(o.files);
  return bad ? EXIT_QUERY : 0;
}
