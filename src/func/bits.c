/*
** bits.c: the bitwise scalars over 64-bit integers: binary_and(), binary_or(),
** binary_xor(), binary_not(), binary_shift_left(), binary_shift_right() and
** bitset_count_ones().  An int argument is widened to long first, as Kusto's binder types
** them all as long; a null or a value that is not an integer gives null.
*/
#include <math.h>

#include "impl.h"

/* binary_*(): every argument an int or a long (a dynamic or null fits too: read at run time);
** Kusto refuses reals, strings and bools ("The expression value must be an integer"). */
static kql_type bits_sig(ast **a, int n, const char *msg, const char **err) {
  for (int i = 0; i < n; i++) {
    kql_type t = a[i]->type;
    if (t != KQL_T_INT && t != KQL_T_LONG && t != KQL_T_NULL && t != KQL_T_DYNAMIC) {
      *err = msg;
      return KQL_T_COUNT_;
    }
  }
  return KQL_T_LONG;
}

#define BITS_TYPE(name, msg) \
  kql_type name(ast **a, int n, const char **e) { return bits_sig(a, n, msg, e); }
BITS_TYPE(ty_binary_and, "binary_and() expects two integers (int or long)")
BITS_TYPE(ty_binary_or, "binary_or() expects two integers (int or long)")
BITS_TYPE(ty_binary_xor, "binary_xor() expects two integers (int or long)")
BITS_TYPE(ty_binary_not, "binary_not() expects an integer (int or long)")
BITS_TYPE(ty_binary_shift_left, "binary_shift_left() expects two integers (int or long)")
BITS_TYPE(ty_binary_shift_right, "binary_shift_right() expects two integers (int or long)")
BITS_TYPE(ty_bitset_count_ones, "bitset_count_ones() expects an integer (int or long)")

/* Read an integer argument: an int or long, or a dynamic whole number; false for anything
** else (null, a fraction, a string). */
static bool int_arg(fn_ctx *c, const kql_value *v, int64_t *out) {
  if (v->isnull) return false;
  if (v->type == KQL_T_INT || v->type == KQL_T_LONG) {
    *out = v->u.i;
    return true;
  }
  if (v->type != KQL_T_DYNAMIC) return false;
  double r;
  if (!fn_real(c, v, &r) || r != floor(r)) return false;
  return fn_long(c, v, out);
}

/* Read 'n' integer arguments into 'x'; false (with 'out' a null long) when one is missing. */
static bool ints(fn_ctx *c, const kql_value *a, int n, int64_t *x, kql_value *out) {
  for (int i = 0; i < n; i++)
    if (!int_arg(c, &a[i], &x[i])) {
      *out = val_null(KQL_T_LONG);
      return false;
    }
  return true;
}

void f_binary_and(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  int64_t x[2];
  (void)n;
  if (ints(c, a, 2, x, out)) *out = val_long(x[0] & x[1]);
}

void f_binary_or(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  int64_t x[2];
  (void)n;
  if (ints(c, a, 2, x, out)) *out = val_long(x[0] | x[1]);
}

void f_binary_xor(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  int64_t x[2];
  (void)n;
  if (ints(c, a, 2, x, out)) *out = val_long(x[0] ^ x[1]);
}

void f_binary_not(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  int64_t x[1];
  (void)n;
  if (ints(c, a, 1, x, out)) *out = val_long(~x[0]);
}

/* binary_shift_left(value, shift): value << (shift % 64), null for a negative shift (the
** reference's rule).  Done on the unsigned bits: bits shifted out are lost, and the sign
** bit is whatever lands in it. */
void f_binary_shift_left(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  int64_t x[2];
  (void)n;
  if (!ints(c, a, 2, x, out)) return;
  if (x[1] < 0) {
    *out = val_null(KQL_T_LONG);
    return;
  }
  *out = val_long((int64_t)((uint64_t)x[0] << (x[1] % 64)));
}

/* binary_shift_right(value, shift): value >> (shift % 64), arithmetic (the sign bit is
** copied in, as .NET's >> on a long does); null for a negative shift. */
void f_binary_shift_right(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  int64_t x[2];
  (void)n;
  if (!ints(c, a, 2, x, out)) return;
  if (x[1] < 0) {
    *out = val_null(KQL_T_LONG);
    return;
  }
  int s = (int)(x[1] % 64);
  uint64_t u = (uint64_t)x[0] >> s;
  if (x[0] < 0 && s > 0) u |= ~(UINT64_MAX >> s); /* sign fill, without relying on >> of a negative */
  *out = val_long((int64_t)u);
}

/* bitset_count_ones(value): the number of 1 bits in the 64-bit two's complement of 'value'. */
void f_bitset_count_ones(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  int64_t x[1];
  (void)n;
  if (!ints(c, a, 1, x, out)) return;
  uint64_t u = (uint64_t)x[0];
  int k = 0;
  for (; u; u &= u - 1) k++;
  *out = val_long(k);
}
