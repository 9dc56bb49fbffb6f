/*
** ruletest.c: testing a rule before it is deployed.  rt_eval() evaluates a scheduled rule
** as Sentinel would at one instant (window, trigger, alerts with entities, custom details
** and overridden titles); rt_backtest() repeats that at every queryFrequency step with
** suppression, and compares two versions of a rule; rt_test_run() runs rule test files.
** It sits above the engine: it compiles and runs queries through the public API and reads
** their results with engine.c's accessors (ruletest.h).
**
** EXAMPLE: kql rule eval queries/failed_logons_burst.yaml --now 2026-05-30T23:00:00Z
**   window [22:00, 23:00] -> 1 row -> rows gt 0 -> 1 alert "Failed logon burst on srv-jump-01"
*/
#include "ruletest.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "json.h"
#include "lit.h"

#define NRT_PERIOD (INT64_C(60) * TICKS_PER_SEC) /* an NRT rule looks at the last minute */

/* ------------------------------------------------------------------------------------ */
/* Alerts                                                                                */
/* ------------------------------------------------------------------------------------ */

/* One entity of an alert: its type and identifier = value pairs. */
typedef struct rt_entity {
  const char *type;     /* Account, Host, IP, ... */
  int n;                /* identifiers with a value */
  const char **ident;   /* their names */
  const char **val;     /* their values */
} rt_entity;

/* One alert. */
typedef struct rt_alert {
  const char *title;    /* alertDisplayNameFormat filled in, or the rule's name */
  const char *desc;     /* alertDescriptionFormat filled in, or the rule's description */
  const char *severity; /* the rule's, or alertSeverityColumnName's value */
  size_t rows;          /* result rows grouped into it */
  size_t first_row;     /* the first of them */
  rt_entity *ent;       /* entities, duplicates dropped */
  int nent;             /* how many */
  const char **dkey;    /* custom detail names */
  const char **dval;    /* their values as a JSON array of strings */
  int ndet;             /* how many */
  const char *sig;      /* title + sorted entities: how two versions' alerts are matched */
} rt_alert;

/* An evaluation at one instant.  The rule must outlive it. */
struct kql_alerts {
  arena *a;             /* everything below */
  const rule_file *r;   /* the rule */
  int64_t now;          /* the instant */
  int64_t from;         /* the window's start (now - period) */
  size_t rows;          /* rows the query returned */
  bool fired;           /* the trigger fired */
  rt_alert *al;         /* the alerts (none when not fired) */
  int n;                /* how many */
  kql_result *res;      /* the query's rows (kept for rule tests) */
};

/* Text of value 'v' for titles, entities and diffs: tostring(), but datetimes without
** trailing fraction zeros ("2026-05-30T22:47:18Z") and null as "". */
static const char *cell_text(arena *a, const kql_value *v) {
  if (v->isnull) return "";
  if (v->type == KQL_T_DATETIME) {
    char buf[48];
    lit_format_datetime(v->u.i, buf);
    return arena_strdup(a, buf);
  }
  kql_value s = val_tostring(a, *v);
  return arena_strndup(a, s.u.s.p, s.u.s.n);
}

/* Index of column 'name' in 'res', or -1. */
static int col_index(const kql_result *res, const char *name) {
  for (int c = 0; c < engine_result_ncols(res); c++)
    if (strcmp(engine_result_name(res, c), name) == 0) return c;
  return -1;
}

/* 'fmt' with each {{Column}} replaced by the value of that column in row 'row' of 'res';
** a placeholder naming no column is left as it is (kql check reports it). */
static const char *fill_format(arena *a, const char *fmt, const kql_result *res, size_t row) {
  size_t cap = strlen(fmt) + 64, n = 0;
  char *out = xmalloc(cap);
  for (const char *p = fmt; *p;) {
    const char *open = strstr(p, "{{");
    const char *close = open ? strstr(open + 2, "}}") : NULL;
    size_t lit = open && close ? (size_t)(open - p) : strlen(p);
    const char *val = NULL;
    size_t skip = lit;
    if (open && close) {
      char name[256];
      const char *b = open + 2, *e = close;
      while (b < e && *b == ' ') b++;
      while (e > b && e[-1] == ' ') e--;
      size_t k = (size_t)(e - b) < sizeof name - 1 ? (size_t)(e - b) : sizeof name - 1;
      memcpy(name, b, k);
      name[k] = 0;
      int c = col_index(res, name);
      if (c >= 0 && row < kql_result_nrows(res)) {
        val = cell_text(a, &engine_result_row(res, row)[c]);
        skip = (size_t)(close + 2 - p);
      } else {
        lit = skip = (size_t)(close + 2 - p);
      }
    }
    size_t vn = val ? strlen(val) : 0;
    if (n + lit + vn + 1 > cap) {
      cap = (n + lit + vn + 1) * 2;
      out = xrealloc(out, cap);
    }
    memcpy(out + n, p, lit);
    n += lit;
    if (val) memcpy(out + n, val, vn), n += vn;
    p += skip;
  }
  out[n] = 0;
  char *s = arena_strdup(a, out);
  free(out);
  return s;
}

static int cmp_cstr(const void *x, const void *y) {
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Entity 'en' as one line: "Host(HostName=srv-jump-01)". */
static const char *entity_text(arena *a, const rt_entity *en) {
  size_t cap = 64 + strlen(en->type);
  for (int i = 0; i < en->n; i++) cap += strlen(en->ident[i]) + strlen(en->val[i]) + 3;
  char *s = arena_alloc(a, cap);
  size_t n = (size_t)snprintf(s, cap, "%s(", en->type);
  for (int i = 0; i < en->n; i++)
    n += (size_t)snprintf(s + n, cap - n, "%s%s=%s", i ? ", " : "", en->ident[i], en->val[i]);
  snprintf(s + n, cap - n, ")");
  return s;
}

/* Build alert 'al' from rows [first, first + count) of 'res'. */
static void make_alert(kql_alerts *x, rt_alert *al, size_t first, size_t count) {
  const rule_file *r = x->r;
  const kql_result *res = x->res;
  arena *a = x->a;
  al->rows = count;
  al->first_row = first;
  al->title = r->title_fmt ? fill_format(a, r->title_fmt, res, first)
                           : (r->name ? r->name : "(unnamed rule)");
  al->desc = r->desc_fmt ? fill_format(a, r->desc_fmt, res, first) : r->description;
  al->severity = r->severity;
  if (r->severity_col) {
    int c = col_index(res, r->severity_col);
    if (c >= 0 && count) {
      const char *v = cell_text(a, &engine_result_row(res, first)[c]);
      if (*v) al->severity = v;
    }
  }
  /* entities: one per mapping and row, those with no value dropped, duplicates dropped */
  size_t room = (size_t)r->nentities * count;
  al->ent = arena_alloc(a, sizeof *al->ent * (room ? room : 1));
  const char **seen = arena_alloc(a, sizeof *seen * (room ? room : 1));
  for (size_t row = first; row < first + count; row++) {
    const kql_value *vals = engine_result_row(res, row);
    for (int m = 0; m < r->nentities; m++) {
      const rule_entity *em = &r->entities[m];
      rt_entity en = {em->type, 0, NULL, NULL};
      en.ident = arena_alloc(a, sizeof(char *) * (size_t)(em->nfields ? em->nfields : 1));
      en.val = arena_alloc(a, sizeof(char *) * (size_t)(em->nfields ? em->nfields : 1));
      for (int f = 0; f < em->nfields; f++) {
        int c = col_index(res, em->column[f]);
        if (c < 0) continue;
        const char *v = cell_text(a, &vals[c]);
        if (!*v) continue;
        en.ident[en.n] = em->ident[f];
        en.val[en.n++] = v;
      }
      if (!en.n) continue;
      const char *t = entity_text(a, &en);
      bool dup = false;
      for (int k = 0; k < al->nent && !dup; k++) dup = strcmp(seen[k], t) == 0;
      if (dup) continue;
      seen[al->nent] = t;
      al->ent[al->nent++] = en;
    }
  }
  /* custom details: the distinct values of the column over the alert's rows */
  al->dkey = arena_alloc(a, sizeof(char *) * (size_t)(r->ndetails ? r->ndetails : 1));
  al->dval = arena_alloc(a, sizeof(char *) * (size_t)(r->ndetails ? r->ndetails : 1));
  for (int k = 0; k < r->ndetails; k++) {
    int c = col_index(res, r->details[k].column);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    fputc('[', m);
    const char **vals = arena_alloc(a, sizeof(char *) * (count ? count : 1));
    int nv = 0;
    for (size_t row = first; c >= 0 && row < first + count; row++) {
      const char *v = cell_text(a, &engine_result_row(res, row)[c]);
      bool dup = false;
      for (int i = 0; i < nv && !dup; i++) dup = strcmp(vals[i], v) == 0;
      if (dup) continue;
      vals[nv] = v;
      if (nv++) fputc(',', m);
      json_write_string(m, v, strlen(v));
    }
    fputc(']', m);
    fclose(m);
    al->dkey[al->ndet] = r->details[k].key;
    al->dval[al->ndet++] = arena_strdup(a, buf);
    free(buf);
  }
  /* signature: title and the sorted entity lines */
  const char **lines = arena_alloc(a, sizeof(char *) * (size_t)(al->nent ? al->nent : 1));
  size_t sl = strlen(al->title) + 2;
  for (int k = 0; k < al->nent; k++) {
    lines[k] = seen[k];
    sl += strlen(seen[k]) + 2;
  }
  qsort(lines, (size_t)al->nent, sizeof *lines, cmp_cstr);
  char *sig = arena_alloc(a, sl);
  size_t n = (size_t)snprintf(sig, sl, "%s", al->title);
  for (int k = 0; k < al->nent; k++) n += (size_t)snprintf(sig + n, sl - n, "|%s", lines[k]);
  al->sig = sig;
}

/* True when 'rows' compared with the rule's trigger fires. */
static bool trigger_fires(const rule_file *r, size_t rows) {
  int64_t n = (int64_t)rows;
  switch (r->trigger_op) {
  case RULE_GT: return n > r->threshold;
  case RULE_LT: return n < r->threshold;
  case RULE_EQ: return n == r->threshold;
  case RULE_NE: return n != r->threshold;
  }
  return false;
}

/* The period a rule's query looks back over: queryPeriod, or a minute for NRT; 0 when the
** rule is not scheduled. */
static int64_t rule_period(const rule_file *r) {
  if (r->has_period) return r->period;
  if (r->kind && strcasecmp(r->kind, "NRT") == 0) return NRT_PERIOD;
  return 0;
}

/* How often it runs: queryFrequency, or a minute for NRT, or its period. */
static int64_t rule_frequency(const rule_file *r) {
  if (r->has_frequency) return r->frequency;
  if (r->kind && strcasecmp(r->kind, "NRT") == 0) return NRT_PERIOD;
  return rule_period(r);
}

/* Compile and run the query of 'r' over 'e' with now() = 'now' and the window
** [from, to]; on success '*res' holds its rows. */
static kql_status run_windowed(kql_engine *e, const rule_file *r, int64_t now, bool window,
                               int64_t from, kql_result **res, kql_diag *d) {
  kql_engine_set_now(e, now);
  if (window) kql_engine_set_window(e, from, now);
  else kql_engine_clear_window(e);
  kql_query *q = kql_query_compile(e, r->query, r->query_len, d);
  kql_engine_clear_window(e);
  if (!q) return d->code;
  kql_status st = kql_query_run(q, res, d);
  kql_query_free(q);
  return st;
}

/* See kql_rule_eval() in kql.h. */
kql_status rt_eval(kql_engine *e, const rule_file *r, int64_t now, kql_alerts **out, kql_diag *d) {
  *out = NULL;
  int64_t period = rule_period(r);
  if (period <= 0)
    return diag_file(d, KQL_ERR_USAGE, r->path, 0, 0,
                     "rule has no 'queryPeriod': not a scheduled rule (run a hunting query with "
                     "'kql run')");
  kql_alerts *x = xcalloc(1, sizeof *x);
  x->a = arena_new();
  x->r = r;
  x->now = now;
  x->from = now - period;
  kql_status st = run_windowed(e, r, now, true, x->from, &x->res, d);
  if (st != KQL_OK) {
    rt_alerts_free(x);
    return st;
  }
  x->rows = kql_result_nrows(x->res);
  x->fired = trigger_fires(r, x->rows);
  if (x->fired) {
    size_t n = r->per_result ? x->rows : 1;
    if (r->per_result && n > 150) n = 150; /* Sentinel raises at most 150 alerts a run */
    x->al = arena_alloc(x->a, sizeof *x->al * (n ? n : 1));
    if (r->per_result)
      for (size_t i = 0; i < n; i++) make_alert(x, &x->al[x->n++], i, 1);
    else make_alert(x, &x->al[x->n++], 0, x->rows);
  }
  *out = x;
  return KQL_OK;
}

size_t rt_alerts_count(const kql_alerts *a) { return a ? (size_t)a->n : 0; }
size_t rt_alerts_rows(const kql_alerts *a) { return a ? a->rows : 0; }

void rt_alerts_free(kql_alerts *a) {
  if (!a) return;
  kql_result_free(a->res);
  arena_free(a->a);
  free(a);
}

/* Write 'ticks' as an ISO 8601 instant. */
static void put_time(FILE *out, int64_t ticks) {
  char buf[48];
  lit_format_datetime(ticks, buf);
  fputs(buf, out);
}

/* Write a duration the way rules do: "5m", "1h", "14d" (or "1h30m"). */
static void put_duration(FILE *out, int64_t t) {
  static const struct { const char *u; int64_t ticks; } units[] = {
      {"d", INT64_C(864000000000)}, {"h", INT64_C(36000000000)}, {"m", INT64_C(600000000)},
      {"s", INT64_C(10000000)}};
  if (t <= 0) {
    fputs("0s", out);
    return;
  }
  for (size_t i = 0; i < KQL_ARRAY_LEN(units); i++)
    if (t >= units[i].ticks) {
      fprintf(out, "%lld%s", (long long)(t / units[i].ticks), units[i].u);
      t %= units[i].ticks;
    }
}

static void put_jstr(FILE *out, const char *s) {
  if (!s) fputs("null", out);
  else json_write_string(out, s, strlen(s));
}

/* Write alert 'al' as a JSON object. */
static void alert_json(FILE *out, const rt_alert *al) {
  fputs("{\"title\":", out);
  put_jstr(out, al->title);
  fputs(",\"description\":", out);
  put_jstr(out, al->desc);
  fputs(",\"severity\":", out);
  put_jstr(out, al->severity);
  fprintf(out, ",\"rows\":%zu,\"entities\":[", al->rows);
  for (int k = 0; k < al->nent; k++) {
    fputs(k ? ",{\"type\":" : "{\"type\":", out);
    put_jstr(out, al->ent[k].type);
    for (int i = 0; i < al->ent[k].n; i++) {
      fputc(',', out);
      put_jstr(out, al->ent[k].ident[i]);
      fputc(':', out);
      put_jstr(out, al->ent[k].val[i]);
    }
    fputc('}', out);
  }
  fputs("],\"customDetails\":{", out);
  for (int k = 0; k < al->ndet; k++) {
    if (k) fputc(',', out);
    put_jstr(out, al->dkey[k]);
    fprintf(out, ":%s", al->dval[k]);
  }
  fputs("}}", out);
}

/* Write alert 'al' (number 'i' from 1) for a terminal, indented by 'ind'. */
static void alert_text(FILE *out, const rt_alert *al, int i, const char *ind) {
  fprintf(out, "%s[%d] %s%s%s (%zu row%s)\n", ind, i, al->severity ? al->severity : "",
          al->severity ? "  " : "", al->title, al->rows, al->rows == 1 ? "" : "s");
  if (al->desc && *al->desc) {
    fprintf(out, "%s    description: ", ind);
    for (const char *p = al->desc; *p; p++) /* one line */
      fputc(*p == '\n' || *p == '\r' ? ' ' : *p, out);
    fputc('\n', out);
  }
  for (int k = 0; k < al->nent; k++) {
    fprintf(out, "%s    entity: %s", ind, al->ent[k].type);
    for (int f = 0; f < al->ent[k].n; f++)
      fprintf(out, "%s%s=%s", f ? ", " : " ", al->ent[k].ident[f], al->ent[k].val[f]);
    fputc('\n', out);
  }
  for (int k = 0; k < al->ndet; k++) fprintf(out, "%s    detail: %s = %s\n", ind, al->dkey[k], al->dval[k]);
}

/* See kql_alerts_write() in kql.h. */
void rt_alerts_write(const kql_alerts *x, FILE *out, int json) {
  const rule_file *r = x->r;
  if (json) {
    fputs("{\"rule\":", out);
    put_jstr(out, r->name);
    fputs(",\"file\":", out);
    put_jstr(out, r->path);
    fputs(",\"now\":\"", out);
    put_time(out, x->now);
    fputs("\",\"window\":{\"from\":\"", out);
    put_time(out, x->from);
    fputs("\",\"to\":\"", out);
    put_time(out, x->now);
    fprintf(out, "\"},\"rows\":%zu,\"trigger\":{\"operator\":\"%s\",\"threshold\":%lld},"
                 "\"fired\":%s,\"grouping\":\"%s\",\"alerts\":[",
            x->rows, rule_op_name(r->trigger_op), (long long)r->threshold,
            x->fired ? "true" : "false", r->per_result ? "AlertPerResult" : "SingleAlert");
    for (int i = 0; i < x->n; i++) {
      if (i) fputc(',', out);
      alert_json(out, &x->al[i]);
    }
    fputs("]}\n", out);
    return;
  }
  fprintf(out, "rule:    %s (%s)\n", r->name ? r->name : "(unnamed)", r->path);
  fputs("at:      ", out);
  put_time(out, x->now);
  fputs("\nwindow:  ", out);
  put_time(out, x->from);
  fputs(" .. ", out);
  put_time(out, x->now);
  fputs(" (queryPeriod ", out);
  put_duration(out, x->now - x->from);
  fputs("; TimeGenerated, or Timestamp in Defender tables)\n", out);
  fprintf(out, "result:  %zu row%s; trigger: rows %s %lld -> %s\n", x->rows, x->rows == 1 ? "" : "s",
          rule_op_name(r->trigger_op), (long long)r->threshold, x->fired ? "fired" : "not fired");
  fprintf(out, "alerts:  %d (%s)\n", x->n, r->per_result ? "AlertPerResult: one per row" : "SingleAlert: one for all rows");
  for (int i = 0; i < x->n; i++) alert_text(out, &x->al[i], i + 1, "  ");
}

/* ------------------------------------------------------------------------------------ */
/* Backtests                                                                             */
/* ------------------------------------------------------------------------------------ */

/* One scheduled run of a backtest. */
typedef struct bt_run {
  int64_t at;           /* the instant */
  bool suppressed;      /* skipped: inside the suppression after an alert */
  kql_alerts *x;        /* the evaluation (NULL when suppressed) */
} bt_run;

/* The runs of one rule over [from, to]. */
typedef struct bt_series {
  const rule_file *r;   /* the rule */
  bt_run *runs;         /* one per step */
  long n;               /* how many */
  kql_backtest_summary sum; /* its figures */
} bt_series;

static void series_free(bt_series *s) {
  for (long i = 0; i < s->n; i++) rt_alerts_free(s->runs[i].x);
  free(s->runs);
}

/* ---- load once, evaluate many times ----
** A backtest runs the rule's query at every step.  When the engine has a table cache
** (kql_engine_set_cache; 'kql rule backtest' attaches one unless --no-cache), the first run
** reads each table once into memory, in columns, and every later run is served from there:
** its scan hands on only the rows of the run's window, found through an index on the
** window column (src/ops/scan.c).  Without a cache each run streams the files. */

/* Evaluate 'r' at from, from + frequency, ... <= to into 's', honouring suppression. */
static kql_status series_run(kql_engine *e, const rule_file *r, int64_t from, int64_t to,
                             bt_series *s, kql_diag *d) {
  memset(s, 0, sizeof *s);
  s->r = r;
  int64_t step = rule_frequency(r);
  if (step <= 0)
    return diag_file(d, KQL_ERR_USAGE, r->path, 0, 0,
                     "rule has no 'queryFrequency' or 'queryPeriod': not a scheduled rule");
  long cap = 0;
  int64_t quiet_until = INT64_MIN; /* no run before this instant: suppression */
  for (int64_t t = from; t <= to; t += step) {
    if (s->n == cap) {
      cap = cap ? cap * 2 : 64;
      s->runs = xrealloc(s->runs, sizeof *s->runs * (size_t)cap);
    }
    bt_run *run = &s->runs[s->n++];
    memset(run, 0, sizeof *run);
    run->at = t;
    if (t < quiet_until) {
      run->suppressed = true;
      s->sum.suppressed++;
      continue;
    }
    kql_status st = rt_eval(e, r, t, &run->x, d);
    if (st != KQL_OK) {
      s->n--;
      return st;
    }
    s->sum.runs++;
    if (run->x->fired) {
      s->sum.fired++;
      s->sum.alerts += run->x->n;
      if (r->suppression_enabled && r->suppression > 0) quiet_until = t + r->suppression;
    } else { /* keep memory flat over long ranges: nothing of a quiet run is needed */
      rt_alerts_free(run->x);
      run->x = NULL;
    }
  }
  return KQL_OK;
}

/* An alert of a series at its instant, for the comparison. */
typedef struct bt_item {
  int64_t at;           /* the run's instant */
  const rt_alert *al;   /* the alert */
  bool matched;         /* the other version raised the same */
} bt_item;

static bt_item *series_items(const bt_series *s, long *n) {
  *n = s->sum.alerts;
  bt_item *v = xcalloc((size_t)(*n ? *n : 1), sizeof *v);
  long k = 0;
  for (long i = 0; i < s->n; i++)
    for (int j = 0; s->runs[i].x && j < s->runs[i].x->n; j++) {
      v[k].at = s->runs[i].at;
      v[k++].al = &s->runs[i].x->al[j];
    }
  return v;
}

/* Mark the items of 'a' and 'b' raised by both (same instant and signature). */
static void match_items(bt_item *a, long na, bt_item *b, long nb) {
  for (long i = 0; i < na; i++)
    for (long j = 0; j < nb; j++)
      if (!b[j].matched && a[i].at == b[j].at && strcmp(a[i].al->sig, b[j].al->sig) == 0) {
        a[i].matched = b[j].matched = true;
        break;
      }
}

static void series_head(FILE *out, const bt_series *s, int64_t from, int64_t to) {
  const rule_file *r = s->r;
  fprintf(out, "backtest: %s (%s)\n", r->name ? r->name : "(unnamed)", r->path);
  fputs("range:    ", out);
  put_time(out, from);
  fputs(" .. ", out);
  put_time(out, to);
  fputs(", every ", out);
  put_duration(out, rule_frequency(r));
  fputs(", queryPeriod ", out);
  put_duration(out, rule_period(r));
  fprintf(out, ", trigger rows %s %lld, ", rule_op_name(r->trigger_op), (long long)r->threshold);
  if (r->suppression_enabled && r->suppression > 0) {
    fputs("suppression ", out);
    put_duration(out, r->suppression);
    fputc('\n', out);
  } else {
    fputs("no suppression\n", out);
  }
}

static void series_json(FILE *out, const bt_series *s) {
  const rule_file *r = s->r;
  fputs("{\"rule\":", out);
  put_jstr(out, r->name);
  fputs(",\"file\":", out);
  put_jstr(out, r->path);
  fputs(",\"frequency\":\"", out);
  put_duration(out, rule_frequency(r));
  fputs("\",\"period\":\"", out);
  put_duration(out, rule_period(r));
  fputs("\",\"runs\":[", out);
  for (long i = 0; i < s->n; i++) {
    const bt_run *run = &s->runs[i];
    fputs(i ? ",{\"at\":\"" : "{\"at\":\"", out);
    put_time(out, run->at);
    fputc('"', out);
    if (run->suppressed) {
      fputs(",\"suppressed\":true}", out);
      continue;
    }
    fprintf(out, ",\"rows\":%zu,\"fired\":%s,\"alerts\":[", run->x ? run->x->rows : 0,
            run->x ? "true" : "false");
    for (int j = 0; run->x && j < run->x->n; j++) {
      if (j) fputc(',', out);
      alert_json(out, &run->x->al[j]);
    }
    fputs("]}", out);
  }
  fprintf(out, "],\"total\":{\"runs\":%ld,\"suppressed\":%ld,\"fired\":%ld,\"alerts\":%ld}}",
          s->sum.runs, s->sum.suppressed, s->sum.fired, s->sum.alerts);
}

static void items_json(FILE *out, const bt_item *v, long n, bool want_matched) {
  bool first = true;
  for (long i = 0; i < n; i++) {
    if (v[i].matched != want_matched) continue;
    fputs(first ? "{\"at\":\"" : ",{\"at\":\"", out);
    first = false;
    put_time(out, v[i].at);
    fputs("\",\"alert\":", out);
    alert_json(out, v[i].al);
    fputc('}', out);
  }
}

static void items_text(FILE *out, const bt_item *v, long n, char sign) {
  for (long i = 0; i < n; i++) {
    if (v[i].matched) continue;
    fprintf(out, "%c ", sign);
    put_time(out, v[i].at);
    fprintf(out, "  %s", v[i].al->title);
    for (int k = 0; k < v[i].al->nent; k++) {
      const rt_entity *en = &v[i].al->ent[k];
      fprintf(out, "%s%s:", k ? ", " : "  [", en->type);
      for (int f = 0; f < en->n; f++) fprintf(out, "%s%s", f ? "/" : "", en->val[f]);
    }
    fputs(v[i].al->nent ? "]\n" : "\n", out);
  }
}

/* See kql_rule_backtest() in kql.h. */
kql_status rt_backtest(kql_engine *e, const rule_file *r, const rule_file *other, int64_t from,
                       int64_t to, int json, FILE *out, kql_backtest_summary *sum, kql_diag *d) {
  if (to < from)
    return diag_nospan(d, KQL_ERR_USAGE, "the backtest range ends before it starts");
  bt_series a, b;
  memset(&b, 0, sizeof b);
  kql_status st = series_run(e, r, from, to, &a, d);
  if (st == KQL_OK && other) st = series_run(e, other, from, to, &b, d);
  if (st != KQL_OK) {
    series_free(&a);
    series_free(&b);
    return st;
  }
  kql_backtest_summary total = a.sum;
  long na = 0, nb = 0;
  bt_item *ia = NULL, *ib = NULL;
  if (other) {
    ia = series_items(&a, &na);
    ib = series_items(&b, &nb);
    match_items(ia, na, ib, nb);
    for (long i = 0; i < nb; i++) total.added += !ib[i].matched;
    for (long i = 0; i < na; i++) total.removed += !ia[i].matched;
  }
  if (json) {
    fputs("{\"from\":\"", out);
    put_time(out, from);
    fputs("\",\"to\":\"", out);
    put_time(out, to);
    fputs("\",\"backtest\":", out);
    series_json(out, &a);
    if (other) {
      fputs(",\"compare\":", out);
      series_json(out, &b);
      fputs(",\"added\":[", out);
      items_json(out, ib, nb, false);
      fputs("],\"removed\":[", out);
      items_json(out, ia, na, false);
      fputc(']', out);
    }
    fputs("}\n", out);
  } else {
    series_head(out, &a, from, to);
    for (long i = 0; i < a.n; i++) {
      const bt_run *run = &a.runs[i];
      if (!run->x) continue;
      put_time(out, run->at);
      fprintf(out, "  %zu row%s -> %d alert%s\n", run->x->rows, run->x->rows == 1 ? "" : "s",
              run->x->n, run->x->n == 1 ? "" : "s");
      for (int j = 0; j < run->x->n; j++) alert_text(out, &run->x->al[j], j + 1, "    ");
    }
    fprintf(out, "total:    %ld run%s, %ld suppressed, %ld fired, %ld alert%s\n", a.sum.runs,
            a.sum.runs == 1 ? "" : "s", a.sum.suppressed, a.sum.fired, a.sum.alerts,
            a.sum.alerts == 1 ? "" : "s");
    if (other) {
      fprintf(out, "\ncompare:  %s (%s)\n", other->name ? other->name : "(unnamed)", other->path);
      fprintf(out, "          %ld run%s, %ld suppressed, %ld fired, %ld alert%s\n", b.sum.runs,
              b.sum.runs == 1 ? "" : "s", b.sum.suppressed, b.sum.fired, b.sum.alerts,
              b.sum.alerts == 1 ? "" : "s");
      items_text(out, ib, nb, '+');
      items_text(out, ia, na, '-');
      fprintf(out, "change:   +%ld alert%s added, -%ld removed, %ld in both\n", total.added,
              total.added == 1 ? "" : "s", total.removed, na - total.removed);
    }
  }
  free(ia);
  free(ib);
  if (sum) *sum = total;
  series_free(&a);
  series_free(&b);
  return KQL_OK;
}

/* ------------------------------------------------------------------------------------ */
/* Rule checks (kql check)                                                               */
/* ------------------------------------------------------------------------------------ */

typedef struct lint {
  const rule_file *r;   /* the rule */
  void (*fn)(void *ctx, const kql_diag *d); /* where problems go */
  void *ctx;            /* its argument */
  int n;                /* problems so far */
} lint;

static void lint_at(lint *l, kql_status code, long line, long col, const char *msg,
                    const char *arg) {
  kql_diag d;
  diag_file(&d, code, l->r->path, line, col, msg, arg);
  l->n++;
  if (l->fn) l->fn(l->ctx, &d);
}

static void lint_node(lint *l, const char *key, const char *msg, const char *arg) {
  const ynode *n = yn_get(l->r->doc, key);
  lint_at(l, KQL_ERR_USAGE, n ? n->line : 0, n ? n->col : 0, msg, arg);
}

/* 1 when the query of 'q' returns column 'name'. */
static bool query_has(const kql_query *q, const char *name) {
  for (int i = 0; i < kql_query_ncols(q); i++)
    if (strcmp(kql_query_col_name(q, i), name) == 0) return true;
  return false;
}

/* Report each {{placeholder}} of 'fmt' (the value of 'key' in alertDetailsOverride) that
** names no result column. */
static void lint_format(lint *l, const kql_query *q, const char *key, const char *fmt) {
  const ynode *n = yn_get(yn_get(l->r->doc, "alertDetailsOverride"), key);
  for (const char *p = fmt; p && (p = strstr(p, "{{")) != NULL;) {
    const char *e = strstr(p + 2, "}}");
    if (!e) break;
    char name[256];
    const char *b = p + 2;
    while (b < e && *b == ' ') b++;
    size_t k = (size_t)(e - b) < sizeof name - 1 ? (size_t)(e - b) : sizeof name - 1;
    memcpy(name, b, k);
    while (k > 0 && name[k - 1] == ' ') k--;
    name[k] = 0;
    if (!query_has(q, name))
      lint_at(l, KQL_ERR_BIND, n ? n->line : 0, n ? n->col : 0,
              "placeholder '{{%s}}' names no column of the query's result", name);
    p = e + 2;
  }
}

int rt_rule_lint(const rule_file *r, const kql_query *q, void (*fn)(void *ctx, const kql_diag *d),
                 void *ctx) {
  lint l = {r, fn, ctx, 0};
  const int64_t min5 = 5 * 60 * TICKS_PER_SEC, day14 = 14 * TICKS_PER_DAY;
  bool nrt = r->kind && strcasecmp(r->kind, "NRT") == 0;
  bool scheduled = r->kind && strcasecmp(r->kind, "Scheduled") == 0;
  if (scheduled && !r->has_frequency) lint_node(&l, "kind", "scheduled rule has no '%s'", "queryFrequency");
  if (scheduled && !r->has_period) lint_node(&l, "kind", "scheduled rule has no '%s'", "queryPeriod");
  if (scheduled && !r->has_trigger)
    lint_node(&l, "kind", "scheduled rule has no '%s'", "triggerOperator/triggerThreshold");
  if (r->has_frequency && !nrt && (r->frequency < min5 || r->frequency > day14))
    lint_node(&l, "queryFrequency", "'%s' must be from 5m to 14d", "queryFrequency");
  if (r->has_period && (r->period < min5 || r->period > day14))
    lint_node(&l, "queryPeriod", "'%s' must be from 5m to 14d", "queryPeriod");
  if (r->has_period && r->has_frequency && r->period < r->frequency)
    lint_node(&l, "queryPeriod", "'%s' is shorter than queryFrequency: rows between runs are never looked at",
              "queryPeriod");
  if (r->suppression_enabled && r->suppression <= 0)
    lint_node(&l, "suppressionEnabled", "suppression is enabled but '%s' is not given", "suppressionDuration");
  if (r->nentities > 10)
    lint_node(&l, "entityMappings", "'%s' has more than the 10 mappings Sentinel allows", "entityMappings");
  if (r->ndetails > 20)
    lint_node(&l, "customDetails", "'%s' has more than the 20 details Sentinel allows", "customDetails");
  if (!q) return l.n;
  for (int i = 0; i < r->nentities; i++) {
    const rule_entity *en = &r->entities[i];
    if (en->nfields > 3)
      lint_at(&l, KQL_ERR_USAGE, en->line, en->col,
              "entity '%s' maps more than the 3 identifiers Sentinel allows", en->type);
    for (int f = 0; f < en->nfields; f++)
      if (!query_has(q, en->column[f]))
        lint_at(&l, KQL_ERR_BIND, en->line, en->col,
                "entity column '%s' is not a column of the query's result", en->column[f]);
  }
  for (int i = 0; i < r->ndetails; i++)
    if (!query_has(q, r->details[i].column))
      lint_at(&l, KQL_ERR_BIND, r->details[i].line, r->details[i].col,
              "custom detail column '%s' is not a column of the query's result", r->details[i].column);
  lint_format(&l, q, "alertDisplayNameFormat", r->title_fmt);
  lint_format(&l, q, "alertDescriptionFormat", r->desc_fmt);
  if (r->severity_col && !query_has(q, r->severity_col))
    lint_node(&l, "alertDetailsOverride", "severity column '%s' is not a column of the query's result",
              r->severity_col);
  return l.n;
}

/* ------------------------------------------------------------------------------------ */
/* Rule test files (kql test)                                                            */
/* ------------------------------------------------------------------------------------ */

/* One test case as it ran. */
typedef struct tc_out {
  char *file;           /* the test file */
  char *name;           /* the test's name */
  long line;            /* where it starts in the file */
  bool pass;            /* it passed (an expected failure that failed passes) */
  bool xfail;           /* it was marked expect_failure */
  char *detail;         /* what went wrong (or, for an xfail, the diff it showed); may be "" */
  double secs;          /* how long it took */
} tc_out;

/* What one test needs while it runs. */
typedef struct tc {
  const yaml_doc *y;    /* the test file */
  const ynode *root;    /* its root mapping: defaults for every test */
  const ynode *t;       /* this test's mapping */
  char dir[4096];       /* the test file's folder, for relative paths */
  const char *schemas;  /* a schema folder every engine knows, or NULL */
  kql_cache *cache;     /* tables read once for all the tests, or NULL */
  arena *a;             /* scratch for this test */
  FILE *o;              /* the failure text being written */
  int fails;            /* expectations that failed */
  char tmp[4096];       /* the folder for inline tables ("" until made) */
} tc;

/* The value of 'key' for the test: its own, else the file's. */
static const ynode *tget(const tc *c, const char *key) {
  const ynode *n = yn_get(c->t, key);
  if (!n && c->t != c->root) n = yn_get(c->root, key);
  return n;
}

/* 'p' resolved against the test file's folder, in c->a. */
static const char *tpath(tc *c, const char *p) {
  if (p[0] == '/' || !c->dir[0]) return p;
  return arena_printf(c->a, "%s/%s", c->dir, p);
}

/* Record a failed expectation: "    <text>\n". */
static void tfail(tc *c, const char *fmt, ...) KQL_PRINTF(2, 3);
static void tfail(tc *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("    ", c->o);
  vfprintf(c->o, fmt, ap);
  fputc('\n', c->o);
  va_end(ap);
  c->fails++;
}

/* 1 when plain scalar 's' reads as a JSON number. */
static bool is_number(const char *s) {
  if (!*s) return false;
  char *end;
  errno = 0;
  (void)strtod(s, &end);
  if (*end || errno) return false;
  for (const char *p = s; *p; p++) /* strtod also takes inf, nan and hex */
    if (!strchr("0123456789+-.eE", *p)) return false;
  return true;
}

/* Write node 'n' as JSON: plain scalars may be null, true, false or numbers. */
static void yn_json(FILE *f, const ynode *n, int depth) {
  if (depth > 64) {
    fputs("null", f);
    return;
  }
  switch (n->kind) {
  case YN_SCALAR:
    if (n->plain && yn_is_null(n)) fputs("null", f);
    else if (n->plain && (strcmp(n->s, "true") == 0 || strcmp(n->s, "false") == 0)) fputs(n->s, f);
    else if (n->plain && is_number(n->s)) fputs(n->s, f);
    else json_write_string(f, n->s, n->n);
    break;
  case YN_SEQ:
    fputc('[', f);
    for (int i = 0; i < n->nkids; i++) {
      if (i) fputc(',', f);
      yn_json(f, n->kids[i], depth + 1);
    }
    fputc(']', f);
    break;
  case YN_MAP:
    fputc('{', f);
    for (int i = 0; i + 1 < n->nkids; i += 2) {
      if (i) fputc(',', f);
      json_write_string(f, n->kids[i]->s, n->kids[i]->n);
      fputc(':', f);
      yn_json(f, n->kids[i + 1], depth + 1);
    }
    fputc('}', f);
    break;
  }
}

/* 'n' as JSON text in 'a'. */
static const char *yn_json_text(arena *a, const ynode *n) {
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&buf, &len);
  yn_json(m, n, 0);
  fclose(m);
  const char *s = arena_strndup(a, buf, len);
  free(buf);
  return s;
}

/* 'v' for a diff: "long 4", "string \"x\"", "datetime 2026-...", "null". */
static const char *show_value(arena *a, const kql_value *v, kql_type t) {
  if (v->isnull) return arena_printf(a, "%s null", val_type_name(t));
  const char *s = cell_text(a, v);
  if (t == KQL_T_STRING || t == KQL_T_GUID) return arena_printf(a, "%s \"%s\"", val_type_name(t), s);
  return arena_printf(a, "%s %s", val_type_name(t), s);
}

/* 'n' as written, for a diff. */
static const char *show_node(arena *a, const ynode *n) {
  if (n->kind != YN_SCALAR) return yn_json_text(a, n);
  if (n->plain) return n->s;
  return arena_printf(a, "\"%s\"", n->s);
}

/* True when expected node 'e' equals actual 'v' of column type 't', compared as that type:
** numbers as numbers, datetimes and timespans as instants and lengths (any form Kusto
** reads), dynamic values as JSON.  Sets '*why' when 'e' cannot be read as the type. */
static bool value_matches(arena *a, const ynode *e, const kql_value *v, kql_type t,
                          const char **why) {
  *why = NULL;
  if (yn_is_null(e) && e && e->plain)
    return v->isnull || ((t == KQL_T_STRING || t == KQL_T_DYNAMIC) && !v->isnull && v->u.s.n == 0);
  if (t == KQL_T_DYNAMIC) {
    kql_value ev, av;
    const char *text = yn_json_text(a, e);
    if (!json_parse_dynamic(a, text, strlen(text), &ev)) return false;
    if (v->isnull) return false;
    if (!json_parse_dynamic(a, v->u.s.p, v->u.s.n, &av)) av = *v;
    return ev.u.s.n == av.u.s.n && memcmp(ev.u.s.p, av.u.s.p, ev.u.s.n) == 0;
  }
  if (e->kind != YN_SCALAR) {
    *why = arena_printf(a, "a %s is not a %s", e->kind == YN_SEQ ? "list" : "mapping", val_type_name(t));
    return false;
  }
  if (v->isnull) return false;
  const char *s = e->s;
  switch (t) {
  case KQL_T_STRING: return v->u.s.n == e->n && memcmp(v->u.s.p, s, e->n) == 0;
  case KQL_T_GUID: return v->u.s.n == e->n && strncasecmp(v->u.s.p, s, e->n) == 0;
  case KQL_T_BOOL:
    if (strcasecmp(s, "true") == 0) return v->u.b;
    if (strcasecmp(s, "false") == 0) return !v->u.b;
    *why = "not a bool (true or false)";
    return false;
  case KQL_T_INT:
  case KQL_T_LONG: {
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (end == s || *end || errno) {
      *why = arena_printf(a, "not a %s", val_type_name(t));
      return false;
    }
    return x == v->u.i;
  }
  case KQL_T_REAL:
  case KQL_T_DECIMAL: {
    char *end;
    double x = strtod(s, &end);
    if (end == s || *end) {
      *why = arena_printf(a, "not a %s", val_type_name(t));
      return false;
    }
    double y = v->u.r, m = fabs(x) > fabs(y) ? fabs(x) : fabs(y);
    return x == y || fabs(x - y) <= 1e-9 * (m > 1 ? m : 1);
  }
  case KQL_T_DATETIME: {
    int64_t x;
    if (lit_parse_datetime(s, e->n, &x) != 0) {
      *why = "not a datetime";
      return false;
    }
    return x == v->u.i;
  }
  case KQL_T_TIMESPAN: {
    int64_t x;
    if (lit_parse_timespan(s, e->n, &x) != 0) {
      *why = "not a timespan";
      return false;
    }
    return x == v->u.i;
  }
  default: {
    const char *x = cell_text(a, v);
    return strcmp(x, s) == 0;
  }
  }
}

/* Number of the columns of expected row 'er' (a mapping) that equal row 'row' of 'res';
** '*all' is set when every one does. */
static int row_score(arena *a, const ynode *er, const kql_result *res, size_t row, bool *all) {
  int ok = 0, n = 0;
  const kql_value *vals = engine_result_row(res, row);
  for (int i = 0; i + 1 < er->nkids; i += 2, n++) {
    int c = col_index(res, er->kids[i]->s);
    const char *why;
    if (c >= 0 && value_matches(a, er->kids[i + 1], &vals[c], engine_result_type(res, c), &why))
      ok++;
  }
  *all = ok == n;
  return ok;
}

/* Write row 'row' of 'res' as "{Col: value, ...}". */
static void put_row(tc *c, const kql_result *res, size_t row) {
  const kql_value *vals = engine_result_row(res, row);
  fputc('{', c->o);
  for (int k = 0; k < engine_result_ncols(res); k++) {
    kql_type t = engine_result_type(res, k);
    const char *s = vals[k].isnull ? "null" : cell_text(c->a, &vals[k]);
    bool quote = !vals[k].isnull && (t == KQL_T_STRING || t == KQL_T_GUID);
    fprintf(c->o, "%s%s: %s%s%s", k ? ", " : "", engine_result_name(res, k), quote ? "\"" : "", s,
            quote ? "\"" : "");
  }
  fputc('}', c->o);
}

/* Write, one a line, the columns where expected row 'er' and row 'row' of 'res' differ. */
static void put_row_diff(tc *c, const ynode *er, const kql_result *res, size_t row, const char *ind) {
  const kql_value *vals = engine_result_row(res, row);
  for (int i = 0; i + 1 < er->nkids; i += 2) {
    const char *col = er->kids[i]->s;
    int k = col_index(res, col);
    if (k < 0) {
      fprintf(c->o, "%s%s: no such column in the result\n", ind, col);
      continue;
    }
    kql_type t = engine_result_type(res, k);
    const char *why;
    if (value_matches(c->a, er->kids[i + 1], &vals[k], t, &why)) continue;
    const ynode *en = er->kids[i + 1];
    const char *shown = en->kind == YN_SCALAR && (t == KQL_T_STRING || t == KQL_T_GUID) && !yn_is_null(en)
                            ? arena_printf(c->a, "\"%s\"", en->s)
                            : show_node(c->a, en);
    if (why) fprintf(c->o, "%s%s: expected %s (%s), got %s\n", ind, col, shown, why, show_value(c->a, &vals[k], t));
    else fprintf(c->o, "%s%s: expected %s %s, got %s\n", ind, col, val_type_name(t), shown, show_value(c->a, &vals[k], t));
  }
}

/* Check that every key of the expected rows in 'list' names a result column. */
static bool check_row_keys(tc *c, const char *what, const ynode *list, const kql_result *res) {
  for (int r = 0; r < list->nkids; r++) {
    const ynode *er = list->kids[r];
    if (er->kind != YN_MAP) {
      tfail(c, "%s: item at line %ld is not a mapping of column: value", what, er->line);
      return false;
    }
    for (int i = 0; i + 1 < er->nkids; i += 2)
      if (col_index(res, er->kids[i]->s) < 0) {
        char *cols = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&cols, &len);
        for (int k = 0; k < engine_result_ncols(res); k++)
          fprintf(m, "%s%s", k ? ", " : "", engine_result_name(res, k));
        fclose(m);
        tfail(c, "%s: line %ld names column '%s', which the result does not have (it has: %s)", what,
              er->kids[i]->line, er->kids[i]->s, cols);
        free(cols);
        return false;
      }
  }
  return true;
}

/* expect.rows (exact set, or sequence when 'ordered') and expect.contains (each one
** somewhere). */
static void expect_rows(tc *c, const ynode *list, const kql_result *res, bool ordered, bool exact) {
  const char *what = exact ? "rows" : "contains";
  if (list->kind != YN_SEQ) {
    tfail(c, "%s: expected a list of rows at line %ld", what, list->line);
    return;
  }
  if (!check_row_keys(c, what, list, res)) return;
  size_t nres = kql_result_nrows(res);
  size_t nexp = (size_t)list->nkids;
  if (exact && ordered) {
    if (nexp != nres) tfail(c, "rows: expected %zu row%s in order, got %zu", nexp, nexp == 1 ? "" : "s", nres);
    for (size_t i = 0; i < nexp && i < nres; i++) {
      bool all;
      row_score(c->a, list->kids[i], res, i, &all);
      if (all) continue;
      tfail(c, "rows: row %zu (expected at line %ld) differs:", i + 1, list->kids[i]->line);
      put_row_diff(c, list->kids[i], res, i, "        ");
    }
    for (size_t i = nexp; i < nres; i++) {
      fprintf(c->o, "      + row %zu not expected: ", i + 1);
      put_row(c, res, i);
      fputc('\n', c->o);
    }
    return;
  }
  bool *used = arena_alloc(c->a, sizeof *used * (nres ? nres : 1));
  bool *found = arena_alloc(c->a, sizeof *found * (nexp ? nexp : 1));
  for (size_t e = 0; e < nexp; e++)
    for (size_t r = 0; r < nres && !found[e]; r++) {
      if (exact && used[r]) continue;
      bool all;
      row_score(c->a, list->kids[e], res, r, &all);
      if (all) found[e] = used[r] = true;
    }
  size_t missing = 0, extra = 0;
  for (size_t e = 0; e < nexp; e++) missing += !found[e];
  for (size_t r = 0; exact && r < nres; r++) extra += !used[r];
  if (!missing && !extra) return;
  if (exact)
    tfail(c, "rows: expected %zu row%s (any order), got %zu: %zu expected not found, %zu not expected",
          nexp, nexp == 1 ? "" : "s", nres, missing, extra);
  else tfail(c, "contains: %zu of %zu expected row%s not found among %zu", missing, nexp,
             nexp == 1 ? "" : "s", nres);
  for (size_t e = 0; e < nexp; e++) {
    if (found[e]) continue;
    fprintf(c->o, "      - expected row at line %ld: %s\n", list->kids[e]->line,
            yn_json_text(c->a, list->kids[e]));
    int best = -1;
    size_t best_r = 0;
    for (size_t r = 0; r < nres; r++) {
      if (exact && used[r]) continue;
      bool all;
      int sc = row_score(c->a, list->kids[e], res, r, &all);
      if (sc > best) best = sc, best_r = r;
    }
    if (best >= 0) {
      fprintf(c->o, "        closest is row %zu:\n", best_r + 1);
      put_row_diff(c, list->kids[e], res, best_r, "          ");
    }
  }
  for (size_t r = 0; exact && r < nres; r++) {
    if (used[r]) continue;
    fprintf(c->o, "      + row %zu not expected: ", r + 1);
    put_row(c, res, r);
    fputc('\n', c->o);
  }
}

/* expect.columns: a list of names (in order), or a mapping of name: type. */
static void expect_columns(tc *c, const ynode *n, const kql_result *res) {
  int nc = engine_result_ncols(res);
  bool map = n->kind == YN_MAP;
  int ne = map ? n->nkids / 2 : n->kind == YN_SEQ ? n->nkids : -1;
  if (ne < 0) {
    tfail(c, "columns: expected a list of names or a mapping of name: type at line %ld", n->line);
    return;
  }
  bool ok = ne == nc;
  for (int i = 0; ok && i < ne; i++) {
    const ynode *k = map ? n->kids[2 * i] : n->kids[i];
    ok = strcmp(k->s, engine_result_name(res, i)) == 0;
    if (ok && map) ok = strcmp(n->kids[2 * i + 1]->s, val_type_name(engine_result_type(res, i))) == 0;
  }
  if (ok) return;
  tfail(c, "columns differ:");
  fputs("      expected: ", c->o);
  for (int i = 0; i < ne; i++) {
    const ynode *k = map ? n->kids[2 * i] : n->kids[i];
    fprintf(c->o, "%s%s", i ? ", " : "", k->s);
    if (map) fprintf(c->o, ":%s", n->kids[2 * i + 1]->s);
  }
  fputs("\n      got:      ", c->o);
  for (int i = 0; i < nc; i++) {
    fprintf(c->o, "%s%s", i ? ", " : "", engine_result_name(res, i));
    if (map) fprintf(c->o, ":%s", val_type_name(engine_result_type(res, i)));
  }
  fputc('\n', c->o);
}

/* Read a whole number from scalar 'n' into '*v'; false (after a failure) when it is not. */
static bool want_count(tc *c, const char *key, const ynode *n, long long *v) {
  char *end;
  if (n->kind == YN_SCALAR) {
    *v = strtoll(n->s, &end, 10);
    if (end != n->s && !*end) return true;
  }
  tfail(c, "%s: expected a whole number at line %ld", key, n->line);
  return false;
}

/* True when 'b' (a scalar: true/false) is true; false after a failure when not a bool. */
static int want_bool(tc *c, const char *key, const ynode *n) {
  if (n->kind == YN_SCALAR && strcasecmp(n->s, "true") == 0) return 1;
  if (n->kind == YN_SCALAR && strcasecmp(n->s, "false") == 0) return 0;
  tfail(c, "%s: expected true or false at line %ld", key, n->line);
  return -1;
}

/* True when actual alert 'al' has every field given by expected alert 'ea'. */
static bool alert_matches(tc *c, const ynode *ea, const rt_alert *al, bool say) {
  bool ok = true;
  const ynode *n;
  if ((n = yn_get(ea, "title")) && strcmp(n->s, al->title) != 0) {
    if (say) fprintf(c->o, "        title: expected \"%s\", got \"%s\"\n", n->s, al->title);
    ok = false;
  }
  if ((n = yn_get(ea, "severity")) && (!al->severity || strcasecmp(n->s, al->severity) != 0)) {
    if (say) fprintf(c->o, "        severity: expected %s, got %s\n", n->s, al->severity ? al->severity : "none");
    ok = false;
  }
  if ((n = yn_get(ea, "rows"))) {
    long long v = strtoll(n->s, NULL, 10);
    if ((size_t)v != al->rows) {
      if (say) fprintf(c->o, "        rows: expected %lld, got %zu\n", v, al->rows);
      ok = false;
    }
  }
  if ((n = yn_get(ea, "entities")) && n->kind == YN_SEQ) {
    for (int i = 0; i < n->nkids; i++) {
      const ynode *ee = n->kids[i];
      const ynode *ty = yn_get(ee, "type");
      bool hit = false;
      for (int k = 0; k < al->nent && !hit; k++) {
        const rt_entity *en = &al->ent[k];
        if (ty && strcmp(ty->s, en->type) != 0) continue;
        hit = true;
        for (int f = 0; f + 1 < ee->nkids && hit; f += 2) {
          const char *key = ee->kids[f]->s;
          if (strcmp(key, "type") == 0) continue;
          bool got = false;
          for (int g = 0; g < en->n && !got; g++)
            got = strcmp(en->ident[g], key) == 0 && strcmp(en->val[g], ee->kids[f + 1]->s) == 0;
          hit = got;
        }
      }
      if (!hit) {
        if (say) {
          fprintf(c->o, "        entity %s (line %ld) not found; the alert has:", yn_json_text(c->a, ee), ee->line);
          for (int k = 0; k < al->nent; k++) fprintf(c->o, " %s", entity_text(c->a, &al->ent[k]));
          fputs(al->nent ? "\n" : " none\n", c->o);
        }
        ok = false;
      }
    }
  }
  if ((n = yn_get(ea, "details")) && n->kind == YN_MAP) {
    for (int i = 0; i + 1 < n->nkids; i += 2) {
      const char *key = n->kids[i]->s;
      const char *got = NULL;
      for (int k = 0; k < al->ndet; k++)
        if (strcmp(al->dkey[k], key) == 0) got = al->dval[k];
      const ynode *ev = n->kids[i + 1];
      /* the expected value(s), as the JSON array of strings the alert holds */
      char *buf = NULL;
      size_t len = 0;
      FILE *m = open_memstream(&buf, &len);
      fputc('[', m);
      for (int k = 0; k < (ev->kind == YN_SEQ ? ev->nkids : 1); k++) {
        const ynode *x = ev->kind == YN_SEQ ? ev->kids[k] : ev;
        if (k) fputc(',', m);
        json_write_string(m, x->s, x->n);
      }
      fputc(']', m);
      fclose(m);
      if (!got || strcmp(got, buf) != 0) {
        if (say) fprintf(c->o, "        detail %s: expected %s, got %s\n", key, buf, got ? got : "none");
        ok = false;
      }
      free(buf);
    }
  }
  return ok;
}

/* expect.alerts: a number, or a list of alerts (title, severity, rows, entities, details)
** that must be exactly the alerts raised, in any order. */
static void expect_alerts(tc *c, const ynode *n, const kql_alerts *x) {
  if (!x) {
    tfail(c, "alerts: only a rule evaluated as scheduled (mode: rule) raises alerts");
    return;
  }
  if (n->kind == YN_SCALAR) {
    long long v;
    if (want_count(c, "alerts", n, &v) && v != x->n)
      tfail(c, "alerts: expected %lld, got %d (%zu row%s, trigger rows %s %lld %s)", v, x->n, x->rows,
            x->rows == 1 ? "" : "s", rule_op_name(x->r->trigger_op), (long long)x->r->threshold,
            x->fired ? "fired" : "did not fire");
    return;
  }
  if (n->kind != YN_SEQ) {
    tfail(c, "alerts: expected a number or a list of alerts at line %ld", n->line);
    return;
  }
  if (n->nkids != x->n)
    tfail(c, "alerts: expected %d, got %d (%zu row%s, trigger rows %s %lld %s)", n->nkids, x->n,
          x->rows, x->rows == 1 ? "" : "s", rule_op_name(x->r->trigger_op),
          (long long)x->r->threshold, x->fired ? "fired" : "did not fire");
  bool *used = arena_alloc(c->a, sizeof *used * (size_t)(x->n ? x->n : 1));
  for (int i = 0; i < n->nkids; i++) {
    int hit = -1;
    for (int k = 0; k < x->n && hit < 0; k++)
      if (!used[k] && alert_matches(c, n->kids[i], &x->al[k], false)) hit = k;
    if (hit >= 0) {
      used[hit] = true;
      continue;
    }
    tfail(c, "alerts: expected alert at line %ld not raised", n->kids[i]->line);
    for (int k = 0; k < x->n; k++) {
      if (used[k]) continue;
      fprintf(c->o, "      alert %d \"%s\" differs:\n", k + 1, x->al[k].title);
      alert_matches(c, n->kids[i], &x->al[k], true);
    }
  }
}

/* Write the inline rows 'rows' (a list of mappings) of table 'name' as JSON lines into
** c->tmp and add the file to 'e'. */
static kql_status inline_table(tc *c, kql_engine *e, const char *name, const ynode *rows, kql_diag *d) {
  if (!c->tmp[0]) {
    const char *base = getenv("TMPDIR");
    snprintf(c->tmp, sizeof c->tmp, "%s/kql-test.XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(c->tmp)) {
      c->tmp[0] = 0;
      return diag_nospan(d, KQL_ERR_IO, "cannot make a temporary folder: %s", strerror(errno));
    }
  }
  const char *path = arena_printf(c->a, "%s/%s.jsonl", c->tmp, name);
  FILE *f = fopen(path, "w");
  if (!f) return diag_nospan(d, KQL_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
  for (int i = 0; i < rows->nkids; i++) {
    const ynode *row = rows->kids[i];
    yn_json(f, row, 0);
    /* rows with Timestamp but no TimeGenerated get TimeGenerated = Timestamp, as Defender
    ** tables in Sentinel have both: the window of a scheduled rule applies to it */
    const ynode *ts = yn_get(row, "Timestamp");
    if (ts && ts->kind == YN_SCALAR && !yn_get(row, "TimeGenerated") && row->nkids) {
      if (fseek(f, -1, SEEK_CUR) == 0) { /* over the closing brace */
        fputs(",\"TimeGenerated\":", f);
        json_write_string(f, ts->s, ts->n);
        fputc('}', f);
      }
    }
    fputc('\n', f);
  }
  fclose(f);
  return kql_engine_add_table_file(e, name, path, d);
}

/* Remove c->tmp and the tables in it. */
static void tmp_remove(tc *c) {
  if (!c->tmp[0]) return;
  /* only files kql wrote: <Table>.jsonl */
  const ynode *tables = tget(c, "tables");
  for (int i = 0; tables && tables->kind == YN_MAP && i + 1 < tables->nkids; i += 2) {
    char path[4352];
    snprintf(path, sizeof path, "%s/%s.jsonl", c->tmp, tables->kids[i]->s);
    unlink(path);
  }
  rmdir(c->tmp);
  c->tmp[0] = 0;
}

/* Write diagnostic 'd' about 'src' ('map' when a rule file) into the failure text. */
static void put_diag(tc *c, const kql_diag *d, const char *name, const char *src, size_t len,
                     const kql_srcmap *map) {
  char *buf = NULL;
  size_t blen = 0;
  FILE *m = open_memstream(&buf, &blen);
  kql_diag_render(d, name, src, len, map, m);
  fclose(m);
  for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) fprintf(c->o, "      %s\n", line);
  free(buf);
}

/* Run test 'c->t'; its failures go to c->o. */
static void run_case(tc *c) {
  kql_diag d;
  memset(&d, 0, sizeof d);
  const ynode *n;
  rule_file *rf = NULL;
  const char *qtext = NULL, *qname = "query";
  size_t qlen = 0;
  char *qbuf = NULL;
  kql_engine *e = NULL;
  kql_result *res = NULL;
  kql_alerts *x = NULL;
  const ynode *expect = yn_get(c->t, "expect");
  if (!expect && c->t == c->root) expect = yn_get(c->root, "expect");

  /* the rule or query */
  if ((n = tget(c, "rule")) && n->kind == YN_SCALAR) {
    rf = rule_load(tpath(c, n->s), &d);
    if (!rf) {
      tfail(c, "cannot load the rule:");
      put_diag(c, &d, d.file, NULL, 0, NULL);
      goto done;
    }
    qtext = rf->query, qlen = rf->query_len, qname = rf->path;
  } else if ((n = tget(c, "query_file")) && n->kind == YN_SCALAR) {
    const char *p = tpath(c, n->s);
    FILE *f = fopen(p, "rb");
    if (!f) {
      tfail(c, "cannot read query_file '%s': %s", p, strerror(errno));
      goto done;
    }
    size_t cap = 1 << 16;
    qbuf = xmalloc(cap + 1);
    size_t got;
    while ((got = fread(qbuf + qlen, 1, cap - qlen, f)) > 0)
      if ((qlen += got) == cap) qbuf = xrealloc(qbuf, (cap *= 2) + 1);
    fclose(f);
    qbuf[qlen] = 0;
    qtext = qbuf, qname = p;
  } else if ((n = tget(c, "query")) && n->kind == YN_SCALAR) {
    qtext = n->s, qlen = n->n;
  } else {
    tfail(c, "the test names no 'rule', 'query_file' or 'query'");
    goto done;
  }

  /* the engine: schemas, data folders, tables */
  e = kql_engine_new();
  kql_engine_set_cache(e, c->cache);
  if (c->schemas && kql_engine_add_schema_dir(e, c->schemas, &d) != KQL_OK) {
    tfail(c, "cannot read the schemas: %s", d.msg);
    goto done;
  }
  if ((n = tget(c, "data"))) {
    int cnt = n->kind == YN_SEQ ? n->nkids : 1;
    for (int i = 0; i < cnt; i++) {
      const ynode *p = n->kind == YN_SEQ ? n->kids[i] : n;
      if (kql_engine_add_data_dir(e, tpath(c, p->s), &d) != KQL_OK) {
        tfail(c, "data folder '%s' (line %ld): %s", p->s, p->line, d.msg);
        goto done;
      }
    }
  }
  if ((n = tget(c, "tables"))) {
    if (n->kind != YN_MAP) {
      tfail(c, "tables: expected a mapping of table name: rows at line %ld", n->line);
      goto done;
    }
    for (int i = 0; i + 1 < n->nkids; i += 2) {
      const char *name = n->kids[i]->s;
      const ynode *v = n->kids[i + 1];
      const ynode *file = v->kind == YN_MAP ? yn_get(v, "file") : v->kind == YN_SCALAR ? v : NULL;
      const ynode *rows = v->kind == YN_SEQ ? v : v->kind == YN_MAP ? yn_get(v, "rows") : NULL;
      kql_status st;
      if (file && file->kind == YN_SCALAR && !yn_is_null(file)) st = kql_engine_add_table_file(e, name, tpath(c, file->s), &d);
      else if (rows && rows->kind == YN_SEQ) st = inline_table(c, e, name, rows, &d);
      else if (yn_is_null(v)) st = inline_table(c, e, name, &(ynode){.kind = YN_SEQ}, &d);
      else {
        tfail(c, "table %s (line %ld): give a list of rows, {rows: [...]} or {file: PATH}", name, v->line);
        goto done;
      }
      if (st != KQL_OK) {
        tfail(c, "table %s (line %ld): %s", name, v->line, d.msg);
        goto done;
      }
    }
  }
  int64_t now = 0;
  bool has_now = false;
  if ((n = tget(c, "now"))) {
    if (n->kind != YN_SCALAR || kql_parse_datetime(n->s, &now) != 0) {
      tfail(c, "now: '%s' (line %ld) is not an ISO-8601 instant", n->s, n->line);
      goto done;
    }
    has_now = true;
    kql_engine_set_now(e, now);
  } else {
    has_now = kql_engine_now(e, &now) != 0;
  }

  /* run: as a scheduled rule (window, trigger, alerts) or as a plain query */
  bool as_rule = rf && rule_period(rf) > 0;
  if ((n = tget(c, "mode")) && n->kind == YN_SCALAR) {
    if (strcmp(n->s, "query") == 0) as_rule = false;
    else if (strcmp(n->s, "rule") == 0) as_rule = true;
    else {
      tfail(c, "mode: '%s' (line %ld) is not rule or query", n->s, n->line);
      goto done;
    }
  }
  if (as_rule && !rf) {
    tfail(c, "mode: rule needs a 'rule' file");
    goto done;
  }
  if (as_rule && !has_now) {
    tfail(c, "a rule evaluated as scheduled needs 'now' (or a data folder with now.txt)");
    goto done;
  }
  kql_status st;
  if (as_rule) {
    st = rt_eval(e, rf, now, &x, &d);
    if (st == KQL_OK) res = x->res;
  } else {
    kql_query *q = kql_query_compile(e, qtext, qlen, &d);
    st = q ? kql_query_run(q, &res, &d) : d.code;
    kql_query_free(q);
  }
  const ynode *want_err = yn_get(expect, "error");
  if (st != KQL_OK) {
    if (want_err && want_err->kind == YN_SCALAR && strstr(d.msg, want_err->s)) goto done;
    if (want_err) tfail(c, "error: expected one containing \"%s\", got:", want_err->s);
    else tfail(c, "the query failed:");
    put_diag(c, &d, qname, qtext, qlen, rf ? &rf->map : NULL);
    goto done;
  }
  if (want_err) tfail(c, "error: expected one containing \"%s\", but the query ran", want_err->s);
  if (!expect) {
    tfail(c, "the test has no 'expect'");
    goto done;
  }

  /* expectations, in a fixed order */
  bool ordered = false;
  if ((n = yn_get(expect, "ordered"))) ordered = want_bool(c, "ordered", n) == 1;
  if ((n = yn_get(expect, "columns"))) expect_columns(c, n, res);
  size_t nrows = kql_result_nrows(res);
  long long v;
  if ((n = yn_get(expect, "row_count")) && want_count(c, "row_count", n, &v) && (size_t)v != nrows)
    tfail(c, "row_count: expected %lld, got %zu", v, nrows);
  if ((n = yn_get(expect, "no_rows")) && want_bool(c, "no_rows", n) == 1 && nrows) {
    tfail(c, "no_rows: expected no rows, got %zu:", nrows);
    for (size_t r = 0; r < nrows && r < 10; r++) {
      fprintf(c->o, "      + row %zu: ", r + 1);
      put_row(c, res, r);
      fputc('\n', c->o);
    }
  }
  if ((n = yn_get(expect, "rows"))) expect_rows(c, n, res, ordered, true);
  if ((n = yn_get(expect, "contains"))) expect_rows(c, n, res, false, false);
  if ((n = yn_get(expect, "triggered"))) {
    int b = want_bool(c, "triggered", n);
    if (!x) tfail(c, "triggered: only a rule evaluated as scheduled (mode: rule) has a trigger");
    else if (b >= 0 && (b == 1) != x->fired)
      tfail(c, "triggered: expected %s, got %s (%zu row%s, trigger rows %s %lld)", b ? "true" : "false",
            x->fired ? "true" : "false", x->rows, x->rows == 1 ? "" : "s",
            rule_op_name(x->r->trigger_op), (long long)x->r->threshold);
  }
  if ((n = yn_get(expect, "alerts"))) expect_alerts(c, n, x);
  for (int i = 0; expect->kind == YN_MAP && i + 1 < expect->nkids; i += 2) {
    static const char *const known[] = {"ordered", "columns", "row_count", "no_rows", "rows",
                                        "contains", "triggered", "alerts", "error", NULL};
    bool ok = false;
    for (const char *const *k = known; *k && !ok; k++) ok = strcmp(*k, expect->kids[i]->s) == 0;
    if (!ok)
      tfail(c, "expect: unknown key '%s' at line %ld (known: ordered, columns, row_count, no_rows, "
               "rows, contains, triggered, alerts, error)", expect->kids[i]->s, expect->kids[i]->line);
  }
done:
  if (x) res = NULL; /* owned by x */
  rt_alerts_free(x);
  kql_result_free(res);
  kql_engine_free(e);
  tmp_remove(c);
  rule_free(rf);
  free(qbuf);
}

/* Run the tests of file 'path', appending what happened to '*out' ('*n' of '*cap'). */
static void run_file(const char *path, const char *schemas, kql_cache *cache, tc_out **outs,
                     int *n, int *cap) {
  kql_diag d;
  yaml_doc *y = rule_yaml_load(path, &d);
  const ynode *root = y ? y->root : NULL;
  const ynode *tests = yn_get(root, "tests");
  int count = tests && tests->kind == YN_SEQ ? tests->nkids : 1;
  for (int i = 0; i < count; i++) {
    if (*n == *cap) {
      *cap = *cap ? *cap * 2 : 32;
      *outs = xrealloc(*outs, sizeof **outs * (size_t)*cap);
    }
    tc_out *o = &(*outs)[(*n)++];
    memset(o, 0, sizeof *o);
    o->file = xstrdup(path);
    char *buf = NULL;
    size_t len = 0;
    tc c;
    memset(&c, 0, sizeof c);
    c.o = open_memstream(&buf, &len);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (!y || !root || root->kind != YN_MAP) {
      o->name = xstrdup("(file)");
      if (!y) {
        fputs("    cannot read the test file:\n", c.o);
        char *r = NULL;
        size_t rl = 0;
        FILE *m = open_memstream(&r, &rl);
        kql_diag_render(&d, path, NULL, 0, NULL, m);
        fclose(m);
        fprintf(c.o, "      %s", r);
        free(r);
      } else {
        fputs("    the test file is not a YAML mapping\n", c.o);
      }
      fclose(c.o);
      o->detail = buf;
      break;
    }
    c.y = y;
    c.root = root;
    c.t = tests && tests->kind == YN_SEQ ? tests->kids[i] : root;
    c.schemas = schemas;
    c.cache = cache;
    c.a = arena_new();
    const char *slash = strrchr(path, '/');
    if (slash) snprintf(c.dir, sizeof c.dir, "%.*s", (int)(slash - path), path);
    const ynode *nm = yn_get(c.t, "name");
    o->name = xstrdup(nm && nm->kind == YN_SCALAR ? nm->s : "(unnamed test)");
    o->line = c.t->line;
    const ynode *xf = yn_get(c.t, "expect_failure");
    o->xfail = xf && xf->kind == YN_SCALAR && strcasecmp(xf->s, "true") == 0;
    if (c.t->kind != YN_MAP) tfail(&c, "a test must be a mapping (line %ld)", c.t->line);
    else run_case(&c);
    fclose(c.o);
    o->detail = buf;
    o->pass = o->xfail ? c.fails > 0 : c.fails == 0;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    o->secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    arena_free(c.a);
  }
  rule_yaml_free(y);
}

/* Write 's' escaped for XML. */
static void xml_str(FILE *f, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '"': fputs("&quot;", f); break;
    default:
      if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t') fputc(' ', f);
      else fputc(*s, f);
    }
  }
}

/* Write the JUnit XML report to 'path'; 0 on success. */
static int write_junit(const char *path, const tc_out *o, int n, const kql_test_summary *s) {
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  double total = 0;
  for (int i = 0; i < n; i++) total += o[i].secs;
  fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kql test\" tests=\"%d\" "
             "failures=\"%d\" time=\"%.3f\">\n", n, s->failed, total);
  for (int i = 0; i < n;) {
    int j = i, fails = 0;
    double t = 0;
    for (; j < n && strcmp(o[j].file, o[i].file) == 0; j++) fails += !o[j].pass, t += o[j].secs;
    fputs("  <testsuite name=\"", f);
    xml_str(f, o[i].file);
    fprintf(f, "\" tests=\"%d\" failures=\"%d\" time=\"%.3f\">\n", j - i, fails, t);
    for (int k = i; k < j; k++) {
      fputs("    <testcase classname=\"", f);
      xml_str(f, o[k].file);
      fputs("\" name=\"", f);
      xml_str(f, o[k].name);
      fprintf(f, "\" time=\"%.3f\"", o[k].secs);
      if (o[k].pass && !(o[k].xfail && o[k].detail && *o[k].detail)) {
        fputs("/>\n", f);
        continue;
      }
      fputs(">\n", f);
      if (!o[k].pass) {
        fputs("      <failure message=\"", f);
        xml_str(f, o[k].xfail ? "expected to fail, but passed" : "expectations not met");
        fputs("\">", f);
        xml_str(f, o[k].detail);
        fputs("</failure>\n", f);
      } else {
        fputs("      <system-out>expected failure:\n", f);
        xml_str(f, o[k].detail);
        fputs("</system-out>\n", f);
      }
      fputs("    </testcase>\n", f);
    }
    fputs("  </testsuite>\n", f);
    i = j;
  }
  fputs("</testsuites>\n", f);
  return fclose(f) == 0 ? 0 : -1;
}

/* See kql_test_run() in kql.h. */
int rt_test_run(const char *const *files, int n, const char *schemas, kql_cache *cache,
                int verbose, FILE *out, const char *junit, kql_test_summary *sum) {
  tc_out *o = NULL;
  int no = 0, cap = 0;
  kql_test_summary s = {0, 0, 0};
  for (int i = 0; i < n; i++) run_file(files[i], schemas, cache, &o, &no, &cap);
  for (int i = 0; i < no; i++) {
    const char *tag = o[i].pass ? (o[i].xfail ? "XFAIL" : "PASS ") : "FAIL ";
    if (o[i].pass) s.passed++;
    else s.failed++;
    if (o[i].pass && o[i].xfail) s.xfail++;
    fprintf(out, "%s %s:%ld: %s%s\n", tag, o[i].file, o[i].line, o[i].name,
            o[i].xfail && o[i].pass ? " (failed, as expected)" : o[i].xfail ? " (expected to fail, but passed)" : "");
    if ((!o[i].pass || verbose) && o[i].detail && *o[i].detail) fputs(o[i].detail, out);
  }
  fprintf(out, "%d passed, %d failed", s.passed, s.failed);
  if (s.xfail) fprintf(out, " (%d expected failure%s among the passed)", s.xfail, s.xfail == 1 ? "" : "s");
  fputc('\n', out);
  int rc = 0;
  if (junit && write_junit(junit, o, no, &s) != 0) {
    fprintf(out, "kql test: cannot write '%s': %s\n", junit, strerror(errno));
    rc = -1;
  }
  for (int i = 0; i < no; i++) {
    free(o[i].file);
    free(o[i].name);
    free(o[i].detail);
  }
  free(o);
  if (sum) *sum = s;
  return rc < 0 ? s.failed + 1 : s.failed;
}
