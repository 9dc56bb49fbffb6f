/*
** value.h: Kusto's scalar types and the tagged value every expression produces.
** Strings and dynamic values are (pointer, length) views into memory owned by someone
** else: a table's string pool, a batch arena or a query arena.  A value never owns.
*/
#ifndef KQL_VALUE_H
#define KQL_VALUE_H

#include "internal.h"

/* Kusto's scalar types.  ORDER TYPES: val_type_name() and the parser's type names use it. */
typedef enum kql_type {
  KQL_T_NULL = 0, /* the type of an untyped null literal; also "unknown" */
  KQL_T_BOOL,
  KQL_T_INT,      /* 32-bit */
  KQL_T_LONG,
  KQL_T_REAL,
  KQL_T_DECIMAL,  /* kept as a double for now */
  KQL_T_DATETIME, /* 100 ns ticks since 0001-01-01 */
  KQL_T_TIMESPAN, /* 100 ns ticks */
  KQL_T_STRING,
  KQL_T_GUID,     /* kept as its string form */
  KQL_T_DYNAMIC,  /* kept as compact JSON text */
  KQL_T_COUNT_
} kql_type;

#define TICKS_PER_SEC INT64_C(10000000)
#define TICKS_PER_DAY (INT64_C(86400) * TICKS_PER_SEC)
/* Ticks of 1970-01-01T00:00:00Z. */
#define TICKS_UNIX_EPOCH INT64_C(621355968000000000)
/* Ticks of 9999-12-31T23:59:59.9999999Z, the largest datetime. */
#define TICKS_MAX_DATETIME INT64_C(3155378975999999999)

/* A value.  'isnull' is true for null of any type; strings are never null (empty instead). */
typedef struct kql_value {
  kql_type type;   /* the value's type */
  bool isnull;     /* a null of 'type' */
  union {
    bool b;        /* KQL_T_BOOL */
    int64_t i;     /* KQL_T_INT, KQL_T_LONG, KQL_T_DATETIME, KQL_T_TIMESPAN (ticks) */
    double r;      /* KQL_T_REAL, KQL_T_DECIMAL */
    struct {
      const char *p; /* bytes, not NUL-terminated */
      size_t n;      /* length */
    } s;           /* KQL_T_STRING, KQL_T_GUID, KQL_T_DYNAMIC (JSON text) */
  } u;
} kql_value;

KQL_INTERNAL const char *val_type_name(kql_type t);
/* The type named 'name' ("long", "double", "date", ...) or -1. */
KQL_INTERNAL int val_type_from_name(const char *name, size_t n);

/* The constructors assign field by field: an initializer '{t, false, {.i = i}}' made gcc 12
** clear the struct with 'rep stos' first, the single hottest instruction of an evaluation
** (range 1..5M | extend a = x * 10 spent a quarter of its time there). */
static inline kql_value val_make(kql_type t, bool isnull, const char *p, size_t n) {
  kql_value v;
  v.type = t;
  v.isnull = isnull;
  v.u.s.p = p;
  v.u.s.n = n;
  return v;
}
static inline kql_value val_null(kql_type t) {
  if (t == KQL_T_STRING) return val_make(t, false, "", 0);
  return val_make(t, true, NULL, 0);
}
static inline kql_value val_bool(bool b) {
  kql_value v = val_make(KQL_T_BOOL, false, NULL, 0);
  v.u.b = b;
  return v;
}
static inline kql_value val_num64(kql_type t, int64_t i) {
  kql_value v = val_make(t, false, NULL, 0);
  v.u.i = i;
  return v;
}
static inline kql_value val_long(int64_t i) { return val_num64(KQL_T_LONG, i); }
static inline kql_value val_int(int64_t i) { return val_num64(KQL_T_INT, i); }
static inline kql_value val_real(double r) {
  kql_value v = val_make(KQL_T_REAL, false, NULL, 0);
  v.u.r = r;
  return v;
}
static inline kql_value val_datetime(int64_t t) { return val_num64(KQL_T_DATETIME, t); }
static inline kql_value val_timespan(int64_t t) { return val_num64(KQL_T_TIMESPAN, t); }
static inline kql_value val_str(const char *p, size_t n) { return val_make(KQL_T_STRING, false, p, n); }
static inline kql_value val_strtype(kql_type t, const char *p, size_t n) { return val_make(t, false, p, n); }

/* True for int, long, real, decimal. */
static inline bool val_is_numeric(kql_type t) {
  return t == KQL_T_INT || t == KQL_T_LONG || t == KQL_T_REAL || t == KQL_T_DECIMAL;
}
static inline bool val_is_str(kql_type t) {
  return t == KQL_T_STRING || t == KQL_T_GUID || t == KQL_T_DYNAMIC;
}

/* Three-way compare of two values for sorting and min/max: nulls first, then by value.
** Values of unlike types compare by type.  Returns <0, 0, >0. */
KQL_INTERNAL int val_compare(const kql_value *a, const kql_value *b);
/* Equality as used for grouping and make_set: like types and equal payload, nulls equal. */
KQL_INTERNAL bool val_equal(const kql_value *a, const kql_value *b);
KQL_INTERNAL uint64_t val_hash(const kql_value *v);
/* Copy the payload of 'v' into 'a' so it outlives its batch. */
KQL_INTERNAL kql_value val_copy(arena *a, kql_value v);
/* The value as Kusto's tostring() writes it, allocated in 'a'. */
KQL_INTERNAL kql_value val_tostring(arena *a, kql_value v);

/* Convert text 's' ('n' bytes) to type 't' (parse captures, CSV fields): strings as they
** are, numbers, bool (true/false), datetime and timespan in Kusto's forms, dynamic as JSON
** (or a string).  False when the text does not fit the type. */
KQL_INTERNAL bool val_from_text(arena *a, const char *s, size_t n, kql_type t, kql_value *out);

#endif /* KQL_VALUE_H */
