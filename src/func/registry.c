/*
** registry.c: the one static table of kql's functions, sorted by name and looked up with
** bsearch (like Lua's luaL_Reg lists or SQLite's aBuiltinFunc[]).  A unit test checks that
** it stays sorted and free of duplicates.  Also the names of Kusto functions that kql
** does not have yet, so a query using one is told so by name.
*/
#include <stdlib.h>
#include <string.h>

#include "impl.h"

/* A scalar whose unnamed column is ColumnN, one named after its argument, one prefixed. */
#define SCALAR(name, lo, hi, ty, fn, doc) {name, lo, hi, 0, ty, fn, 0, NULL, NULL, FN_NAME_NONE, NULL, doc}
#define SCALAR_ARG(name, lo, hi, ty, fn, doc) {name, lo, hi, 0, ty, fn, 0, NULL, NULL, FN_NAME_ARG, NULL, doc}
#define SCALAR_PFX(name, lo, hi, ty, fn, doc) {name, lo, hi, 0, ty, fn, 0, NULL, NULL, FN_NAME_PREFIX, name, doc}
/* An aggregate: its unnamed column is prefix_X (count() -> count_, make_set(X) -> set_X). */
#define AGG(name, prefix, lo, hi, ty, state, step, final, doc) \
  {name, lo, hi, FN_AGG, ty, NULL, sizeof(state), step, final, FN_NAME_PREFIX, prefix, doc}

static const fn_def builtins[] = {
    /* keep sorted by name: looked up with bsearch */
    SCALAR("ago", 1, 1, ty_ago, f_ago, "now() minus a timespan"),
    AGG("avg", "avg", 1, 1, ty_avg, sum_state, a_avg_step, a_avg_final, "average of the non-null values"),
    SCALAR_ARG("bin", 2, 2, ty_bin, f_bin, "round down to a multiple of a bin size"),
    AGG("count", "count", 0, 1, ty_count, count_state, a_count_step, a_count_final, "number of rows"),
    AGG("countif", "countif", 1, 1, ty_long, count_state, a_countif_step, a_count_final, "rows where the predicate is true"),
    AGG("dcount", "dcount", 1, 2, ty_long, set_state, a_dcount_step, a_dcount_final, "number of distinct values (exact)"),
    SCALAR("iff", 3, 3, ty_iff, f_iff, "the second argument if the first is true, else the third"),
    SCALAR("iif", 3, 3, ty_iff, f_iff, "same as iff()"),
    SCALAR("isempty", 1, 1, ty_bool, f_isempty, "true for null or an empty string"),
    SCALAR("isnotempty", 1, 1, ty_bool, f_isnotempty, "true unless null or an empty string"),
    SCALAR("isnotnull", 1, 1, ty_bool, f_isnotnull, "true unless null"),
    SCALAR("isnull", 1, 1, ty_bool, f_isnull, "true for null"),
    AGG("make_list", "list", 1, 2, ty_dynamic, set_state, a_make_list_step, a_make_final, "array of the values"),
    AGG("make_set", "set", 1, 2, ty_dynamic, set_state, a_make_set_step, a_make_final, "array of the distinct values"),
    AGG("makelist", "list", 1, 2, ty_dynamic, set_state, a_makelist_step, a_make_final, "legacy name of make_list()"),
    AGG("makeset", "set", 1, 2, ty_dynamic, set_state, a_makeset_step, a_make_final, "legacy name of make_set()"),
    AGG("max", "max", 1, 1, ty_minmax, minmax_state, a_max_step, a_minmax_final, "largest value"),
    AGG("min", "min", 1, 1, ty_minmax, minmax_state, a_min_step, a_minmax_final, "smallest value"),
    SCALAR("not", 1, 1, ty_bool, f_not, "logical negation"),
    SCALAR("now", 0, 1, ty_now, f_now, "the query's current instant, plus an optional offset"),
    SCALAR_ARG("parse_json", 1, 1, ty_dynamic, f_todynamic, "parse a JSON string into a dynamic value"),
    SCALAR_ARG("parsejson", 1, 1, ty_dynamic, f_todynamic, "legacy name of parse_json()"),
    SCALAR("strcat", 1, 64, ty_string, f_strcat, "concatenate values as strings"),
    SCALAR_PFX("strlen", 1, 1, ty_long, f_strlen, "length of a string in characters"),
    AGG("sum", "sum", 1, 1, ty_sum, sum_state, a_sum_step, a_sum_final, "sum of the non-null values"),
    SCALAR_ARG("tobool", 1, 1, ty_bool, f_tobool, "convert to bool"),
    SCALAR_ARG("toboolean", 1, 1, ty_bool, f_tobool, "convert to bool"),
    SCALAR_ARG("todatetime", 1, 1, ty_datetime, f_todatetime, "convert to datetime"),
    SCALAR_ARG("todouble", 1, 1, ty_real, f_toreal, "convert to real"),
    SCALAR_ARG("todynamic", 1, 1, ty_dynamic, f_todynamic, "same as parse_json()"),
    SCALAR_ARG("toint", 1, 1, ty_int, f_toint, "convert to int"),
    SCALAR_ARG("tolong", 1, 1, ty_long, f_tolong, "convert to long"),
    SCALAR("tolower", 1, 1, ty_string, f_tolower, "lower-case a string"),
    SCALAR_ARG("toreal", 1, 1, ty_real, f_toreal, "convert to real"),
    SCALAR_ARG("tostring", 1, 1, ty_string, f_tostring, "convert to string"),
    SCALAR_ARG("totimespan", 1, 1, ty_timespan, f_totimespan, "convert to timespan"),
    SCALAR("toupper", 1, 1, ty_string, f_toupper, "upper-case a string"),
};

/* Kusto functions kql does not have yet. */
static const char *const unsupported[] = {
    "acos", "any", "anyif", "arg_max", "arg_min", "argmax", "argmin", "array_concat",
    "array_index_of", "array_length", "array_reverse", "array_slice", "array_sort_asc",
    "array_sort_desc", "array_split", "array_sum", "arraylength", "asin", "atan", "atan2",
    "avgif", "bag_has_key", "bag_keys", "bag_merge", "bag_pack", "bag_remove_keys",
    "base64_decode_tostring", "base64_decodestring", "base64_encode_tostring", "bin_at",
    "buildschema", "case", "ceiling", "coalesce", "column_ifexists", "columnifexists",
    "cos", "count_distinct", "countof", "cursor_after", "datetime_add", "datetime_diff",
    "datetime_local_to_utc", "datetime_part", "datetime_utc_to_local", "dayofmonth",
    "dayofweek", "dayofyear", "dcountif", "endofday", "endofmonth", "endofweek", "endofyear",
    "exp", "exp10", "exp2", "extract", "extract_all", "extractall", "extract_json",
    "floor", "format_bytes", "format_datetime", "format_ipv4", "format_timespan",
    "geo_info_from_ip_address", "getmonth", "getyear", "gettype", "has_any_index",
    "has_ipv4", "has_ipv4_prefix", "hash", "hash_md5", "hash_sha1", "hash_sha256",
    "hourofday", "indexof", "indexof_regex", "ingestion_time", "ipv4_compare",
    "ipv4_is_in_range", "ipv4_is_match", "ipv4_is_private", "ipv6_compare", "ipv6_is_match",
    "isascii", "isfinite", "isinf", "isnan", "isutf8", "log", "log10", "log2",
    "make_bag", "make_bag_if", "make_datetime", "make_list_if", "make_list_with_nulls",
    "make_set_if", "make_timespan", "materialize", "max_of", "maxif", "min_of", "minif",
    "monthofyear", "pack", "pack_all", "pack_array", "pack_dictionary", "parse_command_line",
    "parse_csv", "parse_ipv4", "parse_ipv4_mask", "parse_path", "parse_url",
    "parse_urlquery", "parse_user_agent", "parse_xml", "percentile", "percentiles", "pow",
    "rand", "range", "repeat", "replace", "replace_regex", "replace_string", "reverse",
    "round", "row_number", "set_difference", "set_has_element", "set_intersect",
    "set_union", "sign", "sin", "split", "sqrt", "startofday", "startofmonth",
    "startofweek", "startofyear", "stdev", "strcat_array", "strcat_delim", "strcmp",
    "string_size", "strrep", "substring", "sumif", "table", "take_any", "take_anyif",
    "tan", "tohex", "toscalar", "translate", "treepath", "trim", "trim_end",
    "trim_start", "typeof", "unixtime_microseconds_todatetime",
    "unixtime_milliseconds_todatetime", "unixtime_nanoseconds_todatetime",
    "unixtime_seconds_todatetime", "url_decode", "url_encode", "variance", "week_of_year",
    "zip", "abs", "toguid", "todecimal", "prev", "next", "row_cumsum", "hash_combine",
    "new_guid", "current_cluster_endpoint", "current_database", "estimate_data_size",
    "dcount_hll", "hll", "hll_merge", "tdigest", "tdigest_merge", "binary_and",
    "binary_or", "binary_xor", "binary_not", "bitset_count_ones", "welch_test",
    "series_stats", "series_decompose", "series_fir", "series_iir", "extent_id",
    "_GetWatchlist", "geo_distance_2points", "regex_quote", "unicode_codepoints_from_string",
    "format_ipv4_mask", "ipv6_is_in_range",
    "ipv4_netmask_suffix", "dynamic_to_json", "bag_unpack", "pivot",
};

static int cmp_name(const void *key, const void *elem) {
  return strcmp((const char *)key, ((const fn_def *)elem)->name);
}

const fn_def *fn_lookup(const char *name) {
  return bsearch(name, builtins, KQL_ARRAY_LEN(builtins), sizeof builtins[0], cmp_name);
}

bool fn_known_unsupported(const char *name) {
  for (size_t i = 0; i < KQL_ARRAY_LEN(unsupported); i++)
    if (strcmp(unsupported[i], name) == 0) return true;
  return false;
}

const fn_def *fn_table(size_t *n) {
  *n = KQL_ARRAY_LEN(builtins);
  return builtins;
}
