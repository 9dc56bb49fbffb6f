/*
** Operator: scan <Table>
** Reads a table's data file through the streaming JSON reader and emits batches of the
** columns the query uses; the others stay null and are never converted.  A value that does
** not fit its column's type becomes null and is counted (reported at the end).
**
** The reader cuts the file into row texts, which are copied into jobs of a few hundred rows.
** The projection-aware scanner (src/jsonscan.h) converts the used columns of each row without
** building a tree, on worker threads (one per core beyond the first) and on this thread while
** it waits; a row the scanner declines is parsed with cJSON here, in file order, exactly as
** before (same values, same errors at the same row).  Batches hold EXEC_BATCH rows, as with a
** plain row loop, so what the rest of the plan sees does not depend on the threads.
** Memory: NJOBS jobs of about JOB_BYTES of text, plus the batch.
** Environment: KQL_SLOW_SCAN=1 parses every row with cJSON; KQL_SCAN_THREADS=N sets the
** number of threads that scan (1: no worker thread).
*/
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../exec.h"
#include "../json.h"
#include "../jsonrd.h"
#include "../jsonscan.h"

#define JOB_ROWS 256               /* rows in a job at most */
#define JOB_BYTES ((size_t)256 << 10) /* text in a job, roughly */
#define NJOBS 8                    /* jobs in the ring: how far the reader runs ahead */
#define MAX_WORKERS 7              /* worker threads at most */

/* States of a job.  ORDER: none. */
enum { J_FREE, J_READY, J_RUNNING, J_DONE };

/* A row of a job. */
typedef struct job_row {
  size_t off;          /* its text: job.text + off */
  size_t len;          /* ... of len bytes */
  jsonrd_place pl;     /* where it is in the file */
  bool fast;           /* the scanner converted it: its values are in job.vals */
} job_row;

/* Rows cut from the file, scanned together. */
typedef struct job {
  int state;           /* J_*: guarded by scan_op.mu once the job is handed over */
  char *text;          /* the rows' texts */
  size_t tlen, tcap;   /* bytes used, allocated */
  job_row rows[JOB_ROWS]; /* the rows */
  int nrows;           /* rows in use */
  char *const *cols;   /* column names keying array rows (jsonrd_columns), or NULL */
  int ncols;           /* how many */
  kql_value *vals;     /* JOB_ROWS * nwant values of the fast rows */
  arena *mem;          /* their strings */
  uint64_t seq;        /* order of filling */
  int next;            /* the first row not yet put in a batch */
  bool end;            /* the reader stopped after these rows */
  bool failed;         /* ... on an error: 'err' */
  kql_diag err;        /* the reader's error */
} job;

typedef struct scan_op scan_op;

/* A worker thread. */
typedef struct worker {
  scan_op *s;          /* its scan */
  pthread_t th;        /* the thread */
  jscan *js;           /* its scanner */
} worker;

struct scan_op {
  op base;             /* common head */
  jsonrd *rd;          /* the reader */
  batch *out;          /* the batch handed on */
  const cat_table *t;  /* the table */
  int *want;           /* indexes of the columns to convert */
  int nwant;           /* how many */
  const char **names;  /* their names */
  kql_type *types;     /* their types */
  bool fast;           /* use the scanner */
  jscan *js;           /* this thread's scanner */
  job jobs[NJOBS];     /* the ring */
  int head;            /* the oldest job (next to put in batches) */
  int tail;            /* the next job to fill */
  int inflight;        /* jobs filled and not yet freed (this thread's count) */
  uint64_t seq;        /* jobs filled so far */
  bool rd_end;         /* the reader has nothing more */
  bool done;           /* every row has been handed on */
  int nworkers;        /* worker threads started */
  worker workers[MAX_WORKERS];
  pthread_mutex_t mu;  /* guards job states and 'stop' */
  pthread_cond_t work; /* a job became J_READY, or stop */
  pthread_cond_t fin;  /* a job became J_DONE */
  bool stop;           /* workers must exit */
  bool has_limit;      /* a take above needs at most 'limit' rows (exec.h: limit_table) */
  uint64_t limit;
  uint64_t given;      /* rows put in jobs so far */
};

static void note_bad(scan_op *s, long line, int col, const void *node) {
  exec_ctx *x = s->base.x;
  if (x->rows_bad++ == 0) {
    char shown[64] = "";
    kql_value v;
    json_to_value(node, KQL_T_DYNAMIC, s->out->mem, &v);
    snprintf(shown, sizeof shown, "%.*s", (int)(v.u.s.n > 40 ? 40 : v.u.s.n), v.u.s.p);
    snprintf(x->bad_first, sizeof x->bad_first, "%s:%ld: column '%s' expects %s, found %s%s",
             s->t->path, line, s->t->cols[col].name, val_type_name(s->t->cols[col].type), shown,
             v.u.s.n > 40 ? "..." : "");
  }
}

/* ------------------------------------------------------------------------------------ */
/* Jobs                                                                                  */
/* ------------------------------------------------------------------------------------ */

/* Fill free job 'j' with the next rows of the reader. */
static void fill_job(scan_op *s, job *j) {
  j->nrows = 0;
  j->tlen = 0;
  j->next = 0;
  j->end = j->failed = false;
  j->seq = s->seq++;
  arena_reset(j->mem);
  while (j->nrows < JOB_ROWS && j->tlen < JOB_BYTES) {
    if (s->has_limit && s->given >= s->limit) { /* a take above wants no more */
      j->end = true;
      s->rd_end = true;
      break;
    }
    s->given++;
    const char *text;
    size_t n;
    jsonrd_place pl;
    int rc = jsonrd_next_row(s->rd, &text, &n, &pl, &j->err);
    if (rc <= 0) {
      j->end = true;
      j->failed = rc < 0;
      s->rd_end = true;
      break;
    }
    if (j->tlen + n > j->tcap) {
      size_t cap = j->tcap ? j->tcap : JOB_BYTES + 4096;
      while (cap < j->tlen + n) cap *= 2;
      j->text = xrealloc(j->text, cap);
      j->tcap = cap;
    }
    memcpy(j->text + j->tlen, text, n);
    job_row *jr = &j->rows[j->nrows++];
    jr->off = j->tlen;
    jr->len = n;
    jr->pl = pl;
    jr->fast = false;
    j->tlen += n;
  }
  j->cols = jsonrd_columns(s->rd, &j->ncols); /* known once a row is */
}

/* Convert the rows of job 'j' with scanner 'js' (any thread). */
static void run_job(scan_op *s, job *j, jscan *js) {
  jscan_set_columns(js, j->cols, j->ncols);
  for (int i = 0; i < j->nrows; i++) {
    job_row *jr = &j->rows[i];
    jr->fast = s->fast && jscan_row(js, j->text + jr->off, jr->len, j->mem,
                                    j->vals + (size_t)i * (size_t)s->nwant);
  }
}

static void *worker_main(void *arg) {
  worker *w = arg;
  scan_op *s = w->s;
  pthread_mutex_lock(&s->mu);
  for (;;) {
    job *j = NULL;
    for (int k = 0; k < NJOBS; k++) { /* the oldest ready job */
      job *c = &s->jobs[k];
      if (c->state == J_READY && (j == NULL || c->seq < j->seq)) j = c;
    }
    if (s->stop) break;
    if (j == NULL) {
      pthread_cond_wait(&s->work, &s->mu);
      continue;
    }
    j->state = J_RUNNING;
    pthread_mutex_unlock(&s->mu);
    run_job(s, j, w->js);
    pthread_mutex_lock(&s->mu);
    j->state = J_DONE;
    pthread_cond_broadcast(&s->fin);
  }
  pthread_mutex_unlock(&s->mu);
  return NULL;
}

/* Set the job state 'st' under the lock when workers run. */
static void set_state(scan_op *s, job *j, int st) {
  if (s->nworkers == 0) {
    j->state = st;
    return;
  }
  pthread_mutex_lock(&s->mu);
  j->state = st;
  if (st == J_READY) pthread_cond_signal(&s->work);
  pthread_mutex_unlock(&s->mu);
}

/* Fill the free jobs of the ring while the reader has rows (workers never touch a free
** job). */
static void fill_ring(scan_op *s) {
  while (!s->rd_end && s->inflight < NJOBS) {
    job *j = &s->jobs[s->tail];
    fill_job(s, j);
    set_state(s, j, J_READY);
    s->tail = (s->tail + 1) % NJOBS;
    s->inflight++;
  }
}

/* Wait until the oldest job is scanned, scanning it here if no worker has taken it. */
static void finish_head(scan_op *s, job *j) {
  if (s->nworkers == 0) {
    run_job(s, j, s->js);
    j->state = J_DONE;
    return;
  }
  pthread_mutex_lock(&s->mu);
  if (j->state == J_READY) {
    j->state = J_RUNNING;
    pthread_mutex_unlock(&s->mu);
    run_job(s, j, s->js);
    pthread_mutex_lock(&s->mu);
    j->state = J_DONE;
  }
  while (j->state != J_DONE) pthread_cond_wait(&s->fin, &s->mu);
  pthread_mutex_unlock(&s->mu);
}

/* ------------------------------------------------------------------------------------ */
/* The operator                                                                          */
/* ------------------------------------------------------------------------------------ */

/* Put row 'i' of job 'j' into row 'r' of the batch.  False on an error (the diagnostic is
** set). */
static bool put_row(scan_op *s, job *j, int i, int r) {
  op *o = &s->base;
  batch *b = s->out;
  job_row *jr = &j->rows[i];
  if (jr->fast) {
    const kql_value *v = j->vals + (size_t)i * (size_t)s->nwant;
    for (int k = 0; k < s->nwant; k++) b->cols[s->want[k]][r] = val_copy(b->mem, v[k]);
    return true;
  }
  void *obj;
  if (jsonrd_parse_row(s->rd, j->text + jr->off, jr->len, &jr->pl, &obj, o->x->d) < 0)
    return false;
  for (int k = 0; k < s->nwant; k++) {
    int c = s->want[k];
    const void *node = json_member(obj, s->t->cols[c].name);
    if (json_to_value(node, s->t->cols[c].type, b->mem, &b->cols[c][r]) == JSON_FIT_BAD) {
      note_bad(s, jr->pl.line, c, node);
      if (o->x->strict) {
        diag_nospan(o->x->d, KQL_ERR_IO, "%s", o->x->bad_first);
        return false;
      }
    }
  }
  return true;
}

static exec_result scan_next(op *o, batch **out) {
  scan_op *s = (scan_op *)o;
  if (s->done) return EXEC_DONE;
  batch *b = s->out;
  batch_clear(b);
  while (b->nrows < EXEC_BATCH) {
    fill_ring(s);
    job *j = &s->jobs[s->head];
    if (s->inflight == 0) { /* not expected: the last job carries the end */
      s->done = true;
      break;
    }
    if (j->next == 0) finish_head(s, j);
    while (j->next < j->nrows && b->nrows < EXEC_BATCH)
      if (!put_row(s, j, j->next++, b->nrows++)) return EXEC_ERROR;
    if (j->next < j->nrows) break;
    if (j->end) {
      if (j->failed) {
        *o->x->d = j->err;
        return EXEC_ERROR;
      }
      s->done = true;
      break;
    }
    set_state(s, j, J_FREE);
    s->head = (s->head + 1) % NJOBS;
    s->inflight--;
  }
  if (b->nrows == 0 && s->done) return EXEC_DONE;
  o->rows_out += (uint64_t)b->nrows;
  *out = b;
  return EXEC_BATCH_READY;
}

static void scan_close(op *o) {
  scan_op *s = (scan_op *)o;
  if (s->nworkers > 0) {
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    pthread_cond_broadcast(&s->work);
    pthread_mutex_unlock(&s->mu);
    for (int i = 0; i < s->nworkers; i++) {
      pthread_join(s->workers[i].th, NULL);
      jscan_free(s->workers[i].js);
    }
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->work);
    pthread_cond_destroy(&s->fin);
    s->nworkers = 0;
  }
  for (int i = 0; i < NJOBS; i++) {
    free(s->jobs[i].text);
    free(s->jobs[i].vals);
    arena_free(s->jobs[i].mem);
    s->jobs[i].text = NULL;
    s->jobs[i].vals = NULL;
    s->jobs[i].mem = NULL;
  }
  if (s->rd) jsonrd_close(s->rd);
  s->rd = NULL;
  jscan_free(s->js);
  s->js = NULL;
  batch_free(s->out);
}

static const op_vtab scan_vt = {"scan", scan_next, scan_close};

/* The value of environment variable 'name' as a number, or 'dflt'. */
static long env_long(const char *name, long dflt) {
  const char *v = getenv(name);
  if (v == NULL || *v == '\0') return dflt;
  char *end;
  long n = strtol(v, &end, 10);
  return *end == '\0' ? n : dflt;
}

/* Start the worker threads: one per online core beyond this one (KQL_SCAN_THREADS: threads
** that scan in all).  None when the file is small. */
static void start_workers(scan_op *s, const char *path) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  long n = env_long("KQL_SCAN_THREADS", cores > 0 ? cores : 1) - 1;
  if (n > MAX_WORKERS) n = MAX_WORKERS;
  struct stat st; /* small files (and pipes) are not worth a thread */
  if (n <= 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
      st.st_size < (off_t)(2 * JOB_BYTES))
    return;
  pthread_mutex_init(&s->mu, NULL);
  pthread_cond_init(&s->work, NULL);
  pthread_cond_init(&s->fin, NULL);
  for (long i = 0; i < n; i++) {
    worker *w = &s->workers[s->nworkers];
    w->s = s;
    w->js = jscan_new(s->nwant, s->names, s->types);
    if (pthread_create(&w->th, NULL, worker_main, w) != 0) {
      jscan_free(w->js);
      break;
    }
    s->nworkers++;
  }
  if (s->nworkers == 0) {
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->work);
    pthread_cond_destroy(&s->fin);
  }
}

/* A streaming scan of the columns 'used' of the table of 'n'. */
static scan_op *stream_open(exec_ctx *x, const ast *n, const bool *used, const int64_t *limit,
                            kql_diag *d) {
  const bind_scan *sc = n->scan;
  const cat_table *t = sc->table;
  jsonrd *rd = jsonrd_open(t->path, d);
  if (!rd) return NULL;
  scan_op *s = arena_alloc(x->a, sizeof *s);
  s->base.vt = &scan_vt;
  s->base.node = n;
  s->base.x = x;
  s->rd = rd;
  s->t = t;
  s->out = batch_new(x->a, t->ncols);
  s->want = arena_alloc(x->a, sizeof(int) * (size_t)(t->ncols ? t->ncols : 1));
  for (int i = 0; i < t->ncols; i++) {
    for (int r = 0; r < EXEC_BATCH; r++) s->out->cols[i][r] = val_null(t->cols[i].type);
    if (used[i]) s->want[s->nwant++] = i;
  }
  s->names = arena_alloc(x->a, sizeof *s->names * (size_t)(s->nwant + 1));
  s->types = arena_alloc(x->a, sizeof *s->types * (size_t)(s->nwant + 1));
  for (int k = 0; k < s->nwant; k++) {
    s->names[k] = t->cols[s->want[k]].name;
    s->types[k] = t->cols[s->want[k]].type;
  }
  s->fast = env_long("KQL_SLOW_SCAN", 0) == 0;
  s->js = jscan_new(s->nwant, s->names, s->types);
  for (int i = 0; i < NJOBS; i++) {
    s->jobs[i].mem = arena_new();
    s->jobs[i].vals = xmalloc(sizeof(kql_value) * JOB_ROWS * (size_t)(s->nwant ? s->nwant : 1));
  }
  if (limit) {
    s->has_limit = true;
    s->limit = (uint64_t)*limit;
  }
  if (s->fast && !(limit && *limit <= JOB_ROWS)) start_workers(s, t->path);
  return s;
}

/* ------------------------------------------------------------------------------------ */
/* Scans of a cached table (catalog.h: the table cache)                                  */
/* ------------------------------------------------------------------------------------ */

/* Results of mem_load.  ORDER: none. */
enum { LOAD_OK, LOAD_ERROR, LOAD_STREAM };

/* Read the columns 'need' of the table of 'n' that 'm' does not hold yet, in one pass of
** the streaming scan (a first pass also counts the rows).  LOAD_STREAM when they would pass
** the memory limit or the file's rows changed: the query then streams the file. */
static int mem_load(exec_ctx *x, const ast *n, cat_cache *cc, cat_mem *m, const bool *need,
                    kql_diag *d) {
  int ncols = m->ncols;
  bool *want = arena_alloc(x->a, sizeof(bool) * (size_t)(ncols ? ncols : 1));
  bool any = !m->rows_known;
  for (int c = 0; c < ncols; c++) any |= want[c] = need[c] && !m->cols[c];
  if (!any) return LOAD_OK;
  scan_op *s = stream_open(x, n, want, NULL, d);
  if (!s) return LOAD_ERROR;
  cat_cache_count_load(cc);
  uint64_t saved_bad = x->rows_bad;
  char saved_first[sizeof x->bad_first];
  memcpy(saved_first, x->bad_first, sizeof saved_first);
  x->rows_bad = 0;
  kql_value **v = arena_alloc(x->a, sizeof(kql_value *) * (size_t)(ncols ? ncols : 1));
  size_t rows = 0, cap = 0, strs0 = arena_used(m->strs);
  uint64_t limit = x->max_mem;
  int rc = LOAD_OK;
  batch *b;
  exec_result r;
  while ((r = scan_next(&s->base, &b)) == EXEC_BATCH_READY) {
    if (x->cancel && *x->cancel) {
      diag_nospan(d, KQL_ERR_RUNTIME, "query cancelled");
      rc = LOAD_ERROR;
      break;
    }
    size_t k = (size_t)b->nrows;
    if (rows + k > cap) {
      cap = cap ? cap * 2 : 4096;
      while (cap < rows + k) cap *= 2;
      for (int c = 0; c < ncols; c++)
        if (want[c]) v[c] = xrealloc(v[c], sizeof(kql_value) * cap);
    }
    int nwant = 0;
    for (int c = 0; c < ncols; c++) {
      if (!want[c]) continue;
      nwant++;
      for (size_t i = 0; i < k; i++) v[c][rows + i] = val_copy(m->strs, b->cols[c][i]);
    }
    rows += k;
    uint64_t held = (uint64_t)m->bytes + (uint64_t)rows * (uint64_t)nwant * sizeof(kql_value) +
                    (uint64_t)(arena_used(m->strs) - strs0);
    uint64_t loads, all; /* 'all' counts what 'm' held before this pass */
    cat_cache_stats(cc, &loads, &all);
    if (limit && all - m->bytes + held > limit) {
      rc = LOAD_STREAM;
      break;
    }
  }
  if (rc == LOAD_OK && r == EXEC_ERROR) rc = LOAD_ERROR;
  scan_close(&s->base);
  uint64_t bad = x->rows_bad;
  char bad_first[sizeof x->bad_first];
  memcpy(bad_first, x->bad_first, sizeof bad_first);
  x->rows_bad = saved_bad;
  memcpy(x->bad_first, saved_first, sizeof saved_first);
  if (rc == LOAD_OK && m->rows_known && rows != m->nrows) rc = LOAD_STREAM; /* changed underneath */
  if (rc != LOAD_OK) {
    for (int c = 0; c < ncols; c++)
      if (want[c]) free(v[c]);
    if (rc == LOAD_STREAM && !m->rows_known) {
      cat_mem_kill(cc, m);
      m->dead = false; /* kept, empty, so that later scans stream at once */
      m->too_big = true;
    }
    return rc;
  }
  for (int c = 0; c < ncols; c++)
    if (want[c]) {
      m->cols[c] = v[c] ? v[c] : xmalloc(sizeof(kql_value));
      m->bytes += rows * sizeof(kql_value);
    }
  m->bytes += arena_used(m->strs) - strs0;
  m->nrows = rows;
  m->rows_known = true;
  if (bad && m->rows_bad == 0) memcpy(m->bad_first, bad_first, sizeof bad_first);
  m->rows_bad += bad;
  cat_cache_update(cc);
  return LOAD_OK;
}

/* A scan served from a cached table. */
typedef struct mem_op {
  op base;             /* common head */
  batch *out;          /* the batch handed on */
  const cat_mem *m;    /* the table's rows */
  int *want;           /* the columns to hand on */
  int nwant;           /* how many */
  const size_t *rows;  /* the rows of the window, in file order; NULL: every row */
  size_t nrows;        /* rows to hand on */
  size_t pos;          /* the next of them */
} mem_op;

static exec_result mem_next(op *o, batch **out) {
  mem_op *s = (mem_op *)o;
  if (s->pos >= s->nrows) return EXEC_DONE;
  batch *b = s->out;
  batch_clear(b);
  size_t k = s->nrows - s->pos < EXEC_BATCH ? s->nrows - s->pos : EXEC_BATCH;
  for (int w = 0; w < s->nwant; w++) {
    int c = s->want[w];
    const kql_value *src = s->m->cols[c];
    kql_value *dst = b->cols[c];
    if (s->rows)
      for (size_t i = 0; i < k; i++) dst[i] = src[s->rows[s->pos + i]];
    else
      memcpy(dst, src + s->pos, k * sizeof *dst);
  }
  s->pos += k;
  b->nrows = (int)k;
  o->rows_out += k;
  *out = b;
  return EXEC_BATCH_READY;
}

static void mem_close(op *o) { batch_free(((mem_op *)o)->out); }

static const op_vtab mem_vt = {"scan", mem_next, mem_close};

static int cmp_key(const void *a, const void *b) {
  const cat_key *x = a, *y = b;
  if (x->t != y->t) return x->t < y->t ? -1 : 1;
  return x->row < y->row ? -1 : x->row > y->row;
}

static int cmp_row(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

/* Index the rows of 'm' by their window key: column 'col', or 'alt' (>= 0) where it is
** null, as bind.c's window predicate reads them; rows with no key are left out (the
** window never passes them). */
static void mem_index(cat_cache *cc, cat_mem *m, int col, int alt) {
  if (m->keys && m->key_col == col && m->key_alt == alt) return;
  if (m->keys) m->bytes -= m->nrows * sizeof(cat_key);
  free(m->keys);
  m->keys = xmalloc(sizeof(cat_key) * (m->nrows ? m->nrows : 1));
  m->nkeys = 0;
  for (size_t r = 0; r < m->nrows; r++) {
    const kql_value *v = &m->cols[col][r];
    if (v->isnull && alt >= 0) v = &m->cols[alt][r];
    if (v->isnull || v->type != KQL_T_DATETIME) continue;
    m->keys[m->nkeys].t = v->u.i;
    m->keys[m->nkeys++].row = r;
  }
  qsort(m->keys, m->nkeys, sizeof(cat_key), cmp_key);
  m->key_col = col, m->key_alt = alt;
  m->bytes += m->nrows * sizeof(cat_key);
  cat_cache_update(cc);
}

/* The first index entry of 'm' whose key is >= 't'. */
static size_t key_lower(const cat_mem *m, int64_t t) {
  size_t lo = 0, hi = m->nkeys;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (m->keys[mid].t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* A scan of the table of 'n' served from cache 'cc', loading what it lacks; NULL with
** '*stream' set when the table must be streamed instead, NULL with 'd' set on an error. */
static op *mem_open(exec_ctx *x, const ast *n, cat_cache *cc, bool *stream, kql_diag *d) {
  const bind_scan *sc = n->scan;
  const cat_table *t = sc->table;
  *stream = false;
  cat_mem *m = cat_mem_get(cc, t);
  if (!m || m->too_big) {
    *stream = true;
    return NULL;
  }
  int rc = mem_load(x, n, cc, m, sc->used, d);
  if (rc != LOAD_OK) {
    *stream = rc == LOAD_STREAM;
    return NULL;
  }
  if (m->rows_bad) {
    if (x->strict) {
      diag_nospan(d, KQL_ERR_IO, "%s", m->bad_first);
      return NULL;
    }
    if (x->rows_bad == 0) memcpy(x->bad_first, m->bad_first, sizeof x->bad_first);
    x->rows_bad += m->rows_bad;
  }
  mem_op *s = arena_alloc(x->a, sizeof *s);
  s->base.vt = &mem_vt;
  s->base.node = n;
  s->base.x = x;
  s->m = m;
  s->out = batch_new(x->a, t->ncols);
  s->want = arena_alloc(x->a, sizeof(int) * (size_t)(t->ncols ? t->ncols : 1));
  for (int i = 0; i < t->ncols; i++) {
    for (int r = 0; r < EXEC_BATCH; r++) s->out->cols[i][r] = val_null(t->cols[i].type);
    if (sc->used[i]) s->want[s->nwant++] = i;
  }
  s->nrows = m->nrows;
  if (sc->has_win && env_long("KQL_CACHE_INDEX", 1) != 0) {
    /* only the rows of the window: the where above the scan passes no others */
    mem_index(cc, m, sc->win_col, sc->win_alt);
    size_t a = key_lower(m, sc->win[0]);
    size_t z = sc->win[1] == INT64_MAX ? m->nkeys : key_lower(m, sc->win[1] + 1);
    if (z < a) z = a;
    size_t *rows = arena_alloc(x->a, sizeof(size_t) * (z - a + 1));
    for (size_t i = a; i < z; i++) rows[i - a] = m->keys[i].row;
    qsort(rows, z - a, sizeof *rows, cmp_row); /* file order, as a streaming scan gives */
    s->rows = rows;
    s->nrows = z - a;
  }
  return &s->base;
}

op *op_scan_new(exec_ctx *x, const ast *n, kql_diag *d) {
  const bind_scan *sc = n->scan;
  const cat_table *t = sc->table;
  if (!t->path) {
    diag_set(d, KQL_ERR_IO, n->span, "table '%s' has a schema but no data file", t->name);
    diag_hint(d, "put %s.json or %s.jsonl in a --data folder, or use --table %s=FILE", t->name,
              t->name, t->name);
    return NULL;
  }
  cat_cache *cc = x->cat ? cat_get_cache(x->cat) : NULL;
  if (cc) {
    bool stream;
    op *o = mem_open(x, n, cc, &stream, d);
    if (o || !stream) return o;
  }
  scan_op *s = stream_open(x, n, sc->used, x->limit_table == n ? &x->limit_rows : NULL, d);
  if (s && x->rawf_table == n) jsonrd_set_filter(s->rd, x->rawf, x->cancel); /* rawfilter.h */
  return s ? &s->base : NULL;
}
