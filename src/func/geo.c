/*
** geo.c: geo_info_from_ip_address() over a MaxMind DB file (GeoLite2-City or a database
** of the same layout), read with libmaxminddb (Debian libmaxminddb-dev).  Kusto ships
** GeoLite2-City; kql reads the copy the user points at (kql --geoip FILE, or a
** GeoLite2-City.mmdb in a data folder): the binder finds the file (cat_geoip) and passes
** its path to the function as a hidden second argument.
**
** The result is a property bag with the fields the database has for the address, in the
** order country, state (the first subdivision), city (English names), latitude,
** longitude; null for an address the database does not cover (private, reserved or
** unknown ranges) and for a string that is not an IP address.
**
** Opened databases are kept in one process-wide list (a mutex guards it; a database is
** opened once, memory-mapped, and read by any thread: libmaxminddb's lookups are
** thread-safe on an open handle).
*/
#include <maxminddb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../json.h"
#include "impl.h"

typedef struct geo_db {
  char *path;          /* the file, the list's key */
  MMDB_s mmdb;         /* the open database */
  int status;          /* MMDB_SUCCESS or why it did not open */
  struct geo_db *next;
} geo_db;

static pthread_mutex_t geo_lock = PTHREAD_MUTEX_INITIALIZER;
static geo_db *geo_dbs;

/* The database at 'path', opened on first use; its status says whether it opened. */
static geo_db *db_get(const char *path) {
  pthread_mutex_lock(&geo_lock);
  geo_db *g = geo_dbs;
  while (g && strcmp(g->path, path) != 0) g = g->next;
  if (!g && (g = calloc(1, sizeof *g)) != NULL) {
    if ((g->path = strdup(path)) == NULL) {
      free(g);
      g = NULL;
    } else {
      g->status = MMDB_open(path, MMDB_MODE_MMAP, &g->mmdb);
      g->next = geo_dbs;
      geo_dbs = g;
    }
  }
  pthread_mutex_unlock(&geo_lock);
  return g;
}

bool fn_geo_open(const char *path, char *err, size_t errlen) {
  geo_db *g = db_get(path);
  if (g && g->status == MMDB_SUCCESS) return true;
  snprintf(err, errlen, "%s", g ? MMDB_strerror(g->status) : "out of memory");
  return false;
}

FN_TYPE_SIG(ty_geo_info, "S", KQL_T_DYNAMIC, "geo_info_from_ip_address() expects a string")

/* Append member 'key' with the string at 'path' in entry 'e', when there is one. */
static void add_str(json_buf *o, bool *first, const char *key, MMDB_entry_s *e, const char *const *path) {
  MMDB_entry_data_s v;
  if (MMDB_aget_value(e, &v, path) != MMDB_SUCCESS || !v.has_data ||
      v.type != MMDB_DATA_TYPE_UTF8_STRING)
    return;
  json_buf_raw(o, *first ? "{" : ",", 1);
  *first = false;
  json_buf_str(o, key, strlen(key));
  json_buf_raw(o, ":", 1);
  json_buf_str(o, v.utf8_string, v.data_size);
}

static void add_real(json_buf *o, bool *first, const char *key, MMDB_entry_s *e, const char *const *path) {
  MMDB_entry_data_s v;
  if (MMDB_aget_value(e, &v, path) != MMDB_SUCCESS || !v.has_data) return;
  double r;
  if (v.type == MMDB_DATA_TYPE_DOUBLE) r = v.double_value;
  else if (v.type == MMDB_DATA_TYPE_FLOAT) r = v.float_value;
  else return;
  char buf[48];
  size_t n = json_format_real(r, buf);
  json_buf_raw(o, *first ? "{" : ",", 1);
  *first = false;
  json_buf_str(o, key, strlen(key));
  json_buf_raw(o, ":", 1);
  json_buf_raw(o, buf, n);
}

void f_geo_info(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  *out = val_null(KQL_T_DYNAMIC);
  if (n < 2 || a[0].isnull || a[1].isnull || !val_is_str(a[1].type)) return;
  kql_value ip = a[0].type == KQL_T_DYNAMIC ? json_dyn_tostring(c->tmp, a[0]) : fn_text(c, a[0]);
  if (ip.u.s.n == 0 || ip.u.s.n > 64) return;
  char ipz[72], *path = arena_strndup(c->tmp, a[1].u.s.p, a[1].u.s.n);
  memcpy(ipz, ip.u.s.p, ip.u.s.n);
  ipz[ip.u.s.n] = 0;
  geo_db *g = db_get(path);
  if (!g || g->status != MMDB_SUCCESS) return;
  int gai = 0, err = 0;
  MMDB_lookup_result_s r = MMDB_lookup_string(&g->mmdb, ipz, &gai, &err);
  if (gai != 0 || err != MMDB_SUCCESS || !r.found_entry) return;
  static const char *const country[] = {"country", "names", "en", NULL};
  static const char *const state[] = {"subdivisions", "0", "names", "en", NULL};
  static const char *const city[] = {"city", "names", "en", NULL};
  static const char *const lat[] = {"location", "latitude", NULL};
  static const char *const lon[] = {"location", "longitude", NULL};
  json_buf o = {c->tmp, NULL, 0, 0};
  bool first = true;
  add_str(&o, &first, "country", &r.entry, country);
  add_str(&o, &first, "state", &r.entry, state);
  add_str(&o, &first, "city", &r.entry, city);
  add_real(&o, &first, "latitude", &r.entry, lat);
  add_real(&o, &first, "longitude", &r.entry, lon);
  json_buf_raw(&o, first ? "{}" : "}", first ? 2 : 1);
  *out = json_buf_dynamic(&o);
}
