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
/* An aggregate whose unnamed column keeps its argument's name (take_any(X) -> X). */
#define AGG_ARG(name, lo, hi, ty, state, step, final, doc) \
  {name, lo, hi, FN_AGG, ty, NULL, sizeof(state), step, final, FN_NAME_ARG, NULL, doc}

/* Window functions over serialized rows: evaluated by expr.c with the rows at hand. */
#define WINDOW(name, lo, hi, ty, doc) \
  {name, lo, hi, FN_WINDOW, ty, NULL, 0, NULL, NULL, FN_NAME_NONE, NULL, doc}

/* arg_max and arg_min: step and final are run by the summarize operator itself. */
#define ARGEXT(name, prefix, flags, doc) \
  {name, 2, 64, FN_AGG | FN_ARGMAX | (flags), ty_arg0, NULL, 0, NULL, NULL, FN_NAME_PREFIX, prefix, doc}

static const fn_def builtins[] = {
    /* keep sorted by name: looked up with bsearch */
    SCALAR("abs", 1, 1, ty_num_same, f_abs, "absolute value"),
    SCALAR("acos", 1, 1, ty_real_of_num, f_acos, "arc cosine, in radians"),
    SCALAR("ago", 1, 1, ty_ago, f_ago, "now() minus a timespan"),
    AGG("any", "any", 1, 1, ty_minmax, minmax_state, a_take_any_step, a_take_any_final, "legacy name of take_any()"),
    AGG("anyif", "anyif", 2, 2, ty_minmax_if, minmax_state, a_take_anyif_step, a_take_any_final, "legacy name of take_anyif()"),
    ARGEXT("arg_max", "max", 0, "the row where an expression is largest: arg_max(e, *) or arg_max(e, cols)"),
    ARGEXT("arg_min", "min", FN_ARGMIN, "the row where an expression is smallest"),
    ARGEXT("argmax", "max", 0, "legacy name of arg_max()"),
    ARGEXT("argmin", "min", FN_ARGMIN, "legacy name of arg_min()"),
    SCALAR("array_concat", 1, 16, ty_dyn_arrays, f_array_concat, "concatenate dynamic arrays"),
    SCALAR("array_iff", 3, 3, ty_array_iff, f_array_iff, "element-wise iff over arrays"),
    SCALAR("array_index_of", 2, 5, ty_array_index_of, f_array_index_of, "position of a value in an array, or -1"),
    SCALAR("array_length", 1, 1, ty_array_length, f_array_length, "number of elements of an array"),
    SCALAR("array_reverse", 1, 1, ty_dyn1, f_array_reverse, "an array in reverse order"),
    SCALAR("array_slice", 3, 3, ty_array_slice, f_array_slice, "elements start..end of an array"),
    SCALAR("array_sort_asc", 1, 16, ty_array_sort, f_array_sort_asc, "an array sorted ascending"),
    SCALAR("array_sort_desc", 1, 16, ty_array_sort, f_array_sort_desc, "an array sorted descending"),
    SCALAR("array_split", 2, 2, ty_array_split, f_array_split, "an array split at indexes"),
    SCALAR("array_sum", 1, 1, ty_array_sum, f_array_sum, "sum of the elements of an array"),
    SCALAR("arraylength", 1, 1, ty_array_length, f_array_length, "legacy name of array_length()"),
    SCALAR("asin", 1, 1, ty_real_of_num, f_asin, "arc sine, in radians"),
    SCALAR("atan", 1, 1, ty_real_of_num, f_atan, "arc tangent, in radians"),
    SCALAR("atan2", 2, 2, ty_real, f_atan2, "angle of the point (x, y): atan2(y, x)"),
    AGG("avg", "avg", 1, 1, ty_avg, sum_state, a_avg_step, a_avg_final, "average of the non-null values"),
    AGG("avgif", "avgif", 2, 2, ty_avg_if, sum_state, a_avgif_step, a_avg_final, "average of the values where the predicate is true"),
    SCALAR("bag_has_key", 2, 2, ty_bag_has_key, f_bag_has_key, "true when a bag has a key or JSON path"),
    SCALAR("bag_keys", 1, 1, ty_dyn1, f_bag_keys, "the keys of a property bag"),
    SCALAR("bag_merge", 2, 16, ty_dyn_arrays, f_bag_merge, "merge property bags"),
    SCALAR("bag_pack", 2, 1024, ty_pack, f_pack, "a property bag from keys and values"),
    SCALAR("bag_remove_keys", 2, 2, ty_bag_remove_keys, f_bag_remove_keys, "a bag without some keys or JSON paths"),
    SCALAR("bag_set_key", 3, 3, ty_bag_set_key, f_bag_set_key, "a bag with a key or JSON path set"),
    SCALAR("base64_decode_toarray", 1, 1, ty_dyn_of_str, f_base64_decode_toarray, "decode base64 to an array of bytes"),
    SCALAR("base64_decode_tostring", 1, 1, ty_str1, f_base64_decode_tostring, "decode base64 to a UTF-8 string"),
    SCALAR("base64_decodestring", 1, 1, ty_str1, f_base64_decode_tostring, "legacy name of base64_decode_tostring()"),
    SCALAR("base64_encode_fromarray", 1, 1, ty_b64_fromarray, f_base64_encode_fromarray, "encode an array of bytes as base64"),
    SCALAR("base64_encode_tostring", 1, 1, ty_str1, f_base64_encode_tostring, "encode a string as base64"),
    SCALAR_ARG("bin", 2, 2, ty_bin, f_bin, "round down to a multiple of a bin size"),
    SCALAR_ARG("bin_at", 3, 3, ty_bin_at, f_bin_at, "round down to a bin size aligned to a fixed point"),
    SCALAR("case", 3, 63, ty_case, f_case, "the value of the first true predicate, else the last argument"),
    SCALAR("ceiling", 1, 1, ty_num_same, f_ceiling, "smallest whole number not below the argument"),
    SCALAR("coalesce", 2, 16, ty_coalesce, f_coalesce, "the first argument that is not null or empty"),
    SCALAR("cos", 1, 1, ty_real_of_num, f_cos, "cosine of radians"),
    SCALAR("cot", 1, 1, ty_real_of_num, f_cot, "cotangent of radians"),
    AGG("count", "count", 0, 1, ty_count, count_state, a_count_step, a_count_final, "number of rows"),
    AGG("count_distinct", "count_distinct", 1, 1, ty_long, set_state, a_dcount_step, a_dcount_final, "number of distinct values"),
    AGG("countif", "countif", 1, 1, ty_long, count_state, a_countif_step, a_count_final, "rows where the predicate is true"),
    SCALAR("countof", 2, 3, ty_countof, f_countof, "occurrences of a substring or regex"),
    SCALAR("datetime_add", 3, 3, ty_datetime_add, f_datetime_add, "a datetime plus an amount of a calendar part"),
    SCALAR("datetime_diff", 3, 3, ty_datetime_diff, f_datetime_diff, "calendar periods between two datetimes"),
    SCALAR("datetime_part", 2, 2, ty_datetime_part, f_datetime_part, "a part of a datetime as an integer"),
    SCALAR("dayofmonth", 1, 1, ty_dt_int, f_dayofmonth, "day of the month"),
    SCALAR("dayofweek", 1, 1, ty_dayofweek, f_dayofweek, "days since the preceding Sunday, as a timespan"),
    SCALAR("dayofyear", 1, 1, ty_dt_int, f_dayofyear, "day of the year"),
    AGG("dcount", "dcount", 1, 2, ty_long, set_state, a_dcount_step, a_dcount_final, "number of distinct values (exact)"),
    AGG("dcountif", "dcountif", 2, 3, ty_agg_if, set_state, a_dcountif_step, a_dcount_final, "distinct values where the predicate is true (exact)"),
    SCALAR("degrees", 1, 1, ty_real_of_num, f_degrees, "radians to degrees"),
    SCALAR("endofday", 1, 2, ty_startof, f_endofday, "end of the day"),
    SCALAR("endofmonth", 1, 2, ty_startof, f_endofmonth, "end of the month"),
    SCALAR("endofweek", 1, 2, ty_startof, f_endofweek, "end of the week (Saturday)"),
    SCALAR("endofyear", 1, 2, ty_startof, f_endofyear, "end of the year"),
    SCALAR("exp", 1, 1, ty_real_of_num, f_exp, "e to the power x"),
    SCALAR("exp10", 1, 1, ty_real_of_num, f_exp10, "10 to the power x"),
    SCALAR("exp2", 1, 1, ty_real_of_num, f_exp2, "2 to the power x"),
    SCALAR("extract", 3, 4, ty_extract, f_extract, "a capture group of a regex match"),
    SCALAR("extract_all", 2, 3, ty_extract_all, f_extract_all, "capture groups of all regex matches"),
    SCALAR("extract_json", 2, 3, ty_extract_json, f_extract_json, "the value at a JSONPath of JSON text"),
    SCALAR("extractall", 2, 3, ty_extract_all, f_extract_all, "legacy name of extract_all()"),
    SCALAR("extractjson", 2, 3, ty_extract_json, f_extract_json, "legacy name of extract_json()"),
    SCALAR_ARG("floor", 2, 2, ty_bin, f_bin, "same as bin()"),
    SCALAR("format_datetime", 2, 2, ty_format_datetime, f_format_datetime, "a datetime as text in a format"),
    SCALAR("format_ipv4", 1, 2, ty_format_ipv4, f_format_ipv4, "an IPv4 address as text, masked"),
    SCALAR("format_ipv4_mask", 1, 2, ty_format_ipv4, f_format_ipv4_mask, "an IPv4 address and prefix as text, masked"),
    SCALAR("format_timespan", 2, 2, ty_format_timespan, f_format_timespan, "a timespan as text in a format"),
    SCALAR("getmonth", 1, 1, ty_dt_int, f_getmonth, "month of a datetime"),
    SCALAR("gettype", 1, 1, ty_gettype, f_gettype, "the runtime type of a value"),
    SCALAR("getyear", 1, 1, ty_dt_int, f_getyear, "year of a datetime"),
    SCALAR("has_any_ipv4", 2, 16, ty_ip_any, f_has_any_ipv4, "true when any of the IPv4 addresses appears in text"),
    SCALAR("has_any_ipv4_prefix", 2, 16, ty_ip_any, f_has_any_ipv4_prefix, "true when an IPv4 address with any of the prefixes appears in text"),
    SCALAR("has_ipv4", 2, 2, ty_ip2_bool, f_has_ipv4, "true when an IPv4 address appears in text"),
    SCALAR("has_ipv4_prefix", 2, 2, ty_ip2_bool, f_has_ipv4_prefix, "true when an IPv4 address with a prefix appears in text"),
    SCALAR("hash", 1, 2, ty_hash, f_hash, "a 64-bit hash (XXH64) of a value"),
    SCALAR("hash_md5", 1, 1, ty_str1, f_hash_md5, "MD5 of a value's text, in hex"),
    SCALAR("hash_sha1", 1, 1, ty_str1, f_hash_sha1, "SHA-1 of a value's text, in hex"),
    SCALAR("hash_sha256", 1, 1, ty_str1, f_hash_sha256, "SHA-256 of a value's text, in hex"),
    SCALAR("hourofday", 1, 1, ty_dt_int, f_hourofday, "hour of the day"),
    SCALAR("iff", 3, 3, ty_iff, f_iff, "the second argument if the first is true, else the third"),
    SCALAR("iif", 3, 3, ty_iff, f_iff, "same as iff()"),
    SCALAR("indexof", 2, 5, ty_indexof, f_indexof, "position of a substring, or -1"),
    SCALAR("indexof_regex", 2, 5, ty_indexof_regex, f_indexof_regex, "position of a regex match, or -1"),
    SCALAR("ipv4_compare", 2, 3, ty_ip_compare, f_ipv4_compare, "compare two IPv4 addresses"),
    SCALAR("ipv4_is_in_any_range", 2, 16, ty_ip_any, f_ipv4_is_in_any_range, "true when an IPv4 address is in any of the ranges"),
    SCALAR("ipv4_is_in_range", 2, 2, ty_ip2_bool, f_ipv4_is_in_range, "true when an IPv4 address is in a range"),
    SCALAR("ipv4_is_match", 2, 3, ty_ip_match, f_ipv4_is_match, "true when two IPv4 addresses match under a prefix"),
    SCALAR("ipv4_is_private", 1, 1, ty_ip1_bool, f_ipv4_is_private, "true for an RFC 1918 private IPv4 address"),
    SCALAR("ipv6_compare", 2, 3, ty_ip_compare, f_ipv6_compare, "compare two IPv6 or IPv4 addresses"),
    SCALAR("ipv6_is_match", 2, 3, ty_ip_match, f_ipv6_is_match, "true when two IPv6 or IPv4 addresses match"),
    SCALAR("isempty", 1, 1, ty_bool, f_isempty, "true for null or an empty string"),
    SCALAR("isfinite", 1, 1, ty_real_test, f_isfinite, "true for a finite number"),
    SCALAR("isinf", 1, 1, ty_real_test, f_isinf, "true for an infinite number"),
    SCALAR("isnan", 1, 1, ty_real_test, f_isnan, "true for NaN"),
    SCALAR("isnotempty", 1, 1, ty_bool, f_isnotempty, "true unless null or an empty string"),
    SCALAR("isnotnull", 1, 1, ty_bool, f_isnotnull, "true unless null"),
    SCALAR("isnull", 1, 1, ty_bool, f_isnull, "true for null"),
    SCALAR("log", 1, 1, ty_real_of_num, f_log, "natural logarithm"),
    SCALAR("log10", 1, 1, ty_real_of_num, f_log10, "base-10 logarithm"),
    SCALAR("log2", 1, 1, ty_real_of_num, f_log2, "base-2 logarithm"),
    AGG("make_bag", "bag", 1, 2, ty_make_bag, bag_state, a_make_bag_step, a_make_bag_final, "property bag of all the bags' members"),
    AGG("make_bag_if", "bag", 2, 3, ty_make_bag_if, bag_state, a_make_bag_if_step, a_make_bag_final, "make_bag() of the rows where the predicate is true"),
    SCALAR("make_datetime", 3, 6, ty_make_datetime, f_make_datetime, "a datetime from its parts"),
    AGG("make_list", "list", 1, 2, ty_dynamic, set_state, a_make_list_step, a_make_final, "array of the values"),
    AGG("make_list_if", "list", 2, 3, ty_make_if, set_state, a_make_list_if_step, a_make_final, "array of the values where the predicate is true"),
    AGG("make_list_with_nulls", "list", 1, 2, ty_dynamic, set_state, a_make_list_nulls_step, a_make_final, "array of the values, nulls included"),
    AGG("make_set", "set", 1, 2, ty_dynamic, set_state, a_make_set_step, a_make_final, "array of the distinct values"),
    AGG("make_set_if", "set", 2, 3, ty_make_if, set_state, a_make_set_if_step, a_make_final, "distinct values where the predicate is true"),
    SCALAR("make_timespan", 2, 4, ty_make_timespan, f_make_timespan, "a timespan from its parts"),
    AGG("makelist", "list", 1, 2, ty_dynamic, set_state, a_makelist_step, a_make_final, "legacy name of make_list()"),
    AGG("makeset", "set", 1, 2, ty_dynamic, set_state, a_makeset_step, a_make_final, "legacy name of make_set()"),
    AGG("max", "max", 1, 1, ty_minmax, minmax_state, a_max_step, a_minmax_final, "largest value"),
    SCALAR("max_of", 1, 16, ty_minmax_of, f_max_of, "largest argument, nulls ignored"),
    AGG("maxif", "maxif", 2, 2, ty_minmax_if, minmax_state, a_maxif_step, a_minmax_final, "largest value where the predicate is true"),
    AGG("min", "min", 1, 1, ty_minmax, minmax_state, a_min_step, a_minmax_final, "smallest value"),
    SCALAR("min_of", 1, 16, ty_minmax_of, f_min_of, "smallest argument, nulls ignored"),
    AGG("minif", "minif", 2, 2, ty_minmax_if, minmax_state, a_minif_step, a_minmax_final, "smallest value where the predicate is true"),
    SCALAR("monthofyear", 1, 1, ty_dt_int, f_getmonth, "month of a datetime"),
    SCALAR("new_guid", 0, 0, ty_guid0, f_new_guid, "a random guid, a new one per call"),
    WINDOW("next", 1, 3, ty_arg0, "a value from a later row of serialized input: next(col[, offset[, default]])"),
    SCALAR("not", 1, 1, ty_bool, f_not, "logical negation"),
    SCALAR("now", 0, 1, ty_now, f_now, "the query's current instant, plus an optional offset"),
    SCALAR("pack", 2, 1024, ty_pack, f_pack, "legacy name of bag_pack()"),
    SCALAR("pack_array", 1, 16, ty_pack_array, f_pack_array, "a dynamic array of the arguments"),
    SCALAR("parse_command_line", 2, 2, ty_parse_command_line, f_parse_command_line, "command-line arguments as Windows splits them"),
    SCALAR("parse_csv", 1, 1, ty_dyn_of_str, f_parse_csv, "fields of a CSV record"),
    SCALAR("parse_ipv4", 1, 1, ty_parse_ipv4, f_parse_ipv4, "an IPv4 address as a long"),
    SCALAR("parse_ipv4_mask", 2, 2, ty_parse_ipv4_mask, f_parse_ipv4_mask, "an IPv4 address masked, as a long"),
    SCALAR_ARG("parse_json", 1, 1, ty_dynamic, f_todynamic, "parse a JSON string into a dynamic value"),
    SCALAR("parse_path", 1, 1, ty_dyn_of_str, f_parse_path, "the parts of a file path"),
    SCALAR("parse_url", 1, 1, ty_dyn_of_str, f_parse_url, "the parts of a URL"),
    SCALAR("parse_urlquery", 1, 1, ty_dyn_of_str, f_parse_urlquery, "the parameters of a URL query"),
    SCALAR_ARG("parsejson", 1, 1, ty_dynamic, f_todynamic, "legacy name of parse_json()"),
    AGG("percentile", "percentile", 2, 2, ty_percentile, pct_state, a_percentile_step, a_percentile_final, "nearest-rank percentile (exact)"),
    SCALAR("pi", 0, 0, ty_real, f_pi, "the constant pi"),
    SCALAR("pow", 2, 2, ty_pow, f_pow, "x to the power y"),
    WINDOW("prev", 1, 3, ty_arg0, "a value from an earlier row of serialized input: prev(col[, offset[, default]])"),
    SCALAR("radians", 1, 1, ty_real_of_num, f_radians, "degrees to radians"),
    SCALAR("rand", 0, 1, ty_rand, f_rand, "a random real in [0, 1), or long in [0, N)"),
    SCALAR("range", 2, 3, ty_range_array, f_range_array, "a dynamic array of values from start to stop by step"),
    SCALAR("regex_quote", 1, 1, ty_str1, f_regex_quote, "a string with regex metacharacters escaped"),
    SCALAR("replace", 3, 3, ty_replace, f_replace, "legacy replace(regex, rewrite, text)"),
    SCALAR("replace_regex", 3, 3, ty_replace_regex, f_replace_regex, "replace all regex matches"),
    SCALAR("replace_string", 3, 3, ty_replace_string, f_replace_string, "replace all occurrences of a string"),
    SCALAR("replace_strings", 3, 3, ty_replace_strings, f_replace_strings, "replace several strings at once"),
    SCALAR("reverse", 1, 1, ty_reverse, f_reverse, "a string reversed"),
    SCALAR("round", 1, 2, ty_round, f_round, "round to a number of digits"),
    WINDOW("row_cumsum", 1, 2, ty_row_cumsum, "running sum over serialized rows: row_cumsum(term[, restart])"),
    WINDOW("row_number", 0, 2, ty_long, "the row's position in serialized input: row_number([start[, restart]])"),
    WINDOW("row_window_session", 3, 4, ty_row_window_session, "start of the row's session: row_window_session(t, maxFromFirst, maxBetween[, restart])"),
    SCALAR("set_difference", 2, 16, ty_dyn_arrays, f_set_difference, "distinct elements of the first array not in the others"),
    SCALAR("set_has_element", 2, 2, ty_set_has_element, f_set_has_element, "true when an array holds a value"),
    SCALAR("set_intersect", 2, 16, ty_dyn_arrays, f_set_intersect, "distinct elements in all arrays"),
    SCALAR("set_union", 2, 16, ty_dyn_arrays, f_set_union, "distinct elements of all arrays"),
    SCALAR("sign", 1, 1, ty_sign, f_sign, "-1, 0 or 1"),
    SCALAR("sin", 1, 1, ty_real_of_num, f_sin, "sine of radians"),
    SCALAR("split", 2, 3, ty_split, f_split, "split a string by a delimiter"),
    SCALAR("sqrt", 1, 1, ty_real_of_num, f_sqrt, "square root"),
    SCALAR("startofday", 1, 2, ty_startof, f_startofday, "start of the day"),
    SCALAR("startofmonth", 1, 2, ty_startof, f_startofmonth, "start of the month"),
    SCALAR("startofweek", 1, 2, ty_startof, f_startofweek, "start of the week (Sunday)"),
    SCALAR("startofyear", 1, 2, ty_startof, f_startofyear, "start of the year"),
    AGG("stdev", "stdev", 1, 1, ty_stat, stat_state, a_stat_step, a_stdev_final, "sample standard deviation"),
    SCALAR("strcat", 1, 64, ty_string, f_strcat, "concatenate values as strings"),
    SCALAR("strcat_array", 2, 2, ty_strcat_array, f_strcat_array, "join array elements with a delimiter"),
    SCALAR("strcat_delim", 3, 16, ty_strcat_delim, f_strcat_delim, "join values with a delimiter"),
    SCALAR("strcmp", 2, 2, ty_strcmp, f_strcmp, "-1, 0 or 1 comparing two strings"),
    SCALAR("string_size", 1, 1, ty_string_size, f_string_size, "length of a string in bytes"),
    SCALAR_PFX("strlen", 1, 1, ty_long, f_strlen, "length of a string in characters"),
    SCALAR("strrep", 2, 3, ty_strrep, f_strrep, "a string repeated"),
    SCALAR("substring", 2, 3, ty_substring, f_substring, "part of a string"),
    AGG("sum", "sum", 1, 1, ty_sum, sum_state, a_sum_step, a_sum_final, "sum of the non-null values"),
    AGG("sumif", "sumif", 2, 2, ty_sum_if, sum_state, a_sumif_step, a_sumif_final, "sum of the values where the predicate is true"),
    AGG_ARG("take_any", 1, 1, ty_minmax, minmax_state, a_take_any_step, a_take_any_final, "an arbitrary non-empty value"),
    AGG_ARG("take_anyif", 2, 2, ty_minmax_if, minmax_state, a_take_anyif_step, a_take_any_final, "an arbitrary value where the predicate is true"),
    SCALAR("tan", 1, 1, ty_real_of_num, f_tan, "tangent of radians"),
    SCALAR_ARG("tobool", 1, 1, ty_bool, f_tobool, "convert to bool"),
    SCALAR_ARG("toboolean", 1, 1, ty_bool, f_tobool, "convert to bool"),
    SCALAR_ARG("todatetime", 1, 1, ty_datetime, f_todatetime, "convert to datetime"),
    SCALAR_ARG("todecimal", 1, 1, ty_todecimal, f_todecimal, "convert to decimal"),
    SCALAR_ARG("todouble", 1, 1, ty_real, f_toreal, "convert to real"),
    SCALAR_ARG("todynamic", 1, 1, ty_dynamic, f_todynamic, "same as parse_json()"),
    SCALAR_ARG("toguid", 1, 1, ty_toguid, f_toguid, "convert to guid"),
    SCALAR("tohex", 1, 2, ty_tohex, f_tohex, "a number in hexadecimal"),
    SCALAR_ARG("toint", 1, 1, ty_int, f_toint, "convert to int"),
    SCALAR_ARG("tolong", 1, 1, ty_long, f_tolong, "convert to long"),
    SCALAR("tolower", 1, 1, ty_string, f_tolower, "lower-case a string"),
    SCALAR_ARG("toreal", 1, 1, ty_real, f_toreal, "convert to real"),
    SCALAR_ARG("tostring", 1, 1, ty_string, f_tostring, "convert to string"),
    SCALAR_ARG("totimespan", 1, 1, ty_timespan, f_totimespan, "convert to timespan"),
    SCALAR("toupper", 1, 1, ty_string, f_toupper, "upper-case a string"),
    SCALAR("translate", 3, 3, ty_translate, f_translate, "replace characters one for one"),
    SCALAR("treepath", 1, 1, ty_dyn1, f_treepath, "the paths of a dynamic value's members"),
    SCALAR("trim", 2, 2, ty_trim, f_trim, "remove leading and trailing regex matches"),
    SCALAR("trim_end", 2, 2, ty_trim, f_trim_end, "remove trailing regex matches"),
    SCALAR("trim_start", 2, 2, ty_trim, f_trim_start, "remove leading regex matches"),
    SCALAR("unixtime_microseconds_todatetime", 1, 1, ty_unixtime, f_unixtime_microseconds, "Unix microseconds to datetime"),
    SCALAR("unixtime_milliseconds_todatetime", 1, 1, ty_unixtime, f_unixtime_milliseconds, "Unix milliseconds to datetime"),
    SCALAR("unixtime_nanoseconds_todatetime", 1, 1, ty_unixtime, f_unixtime_nanoseconds, "Unix nanoseconds to datetime"),
    SCALAR("unixtime_seconds_todatetime", 1, 1, ty_unixtime, f_unixtime_seconds, "Unix seconds to datetime"),
    SCALAR("url_decode", 1, 1, ty_str1, f_url_decode, "decode a URL-encoded string"),
    SCALAR("url_encode", 1, 1, ty_str1, f_url_encode, "URL-encode a string"),
    SCALAR("url_encode_component", 1, 1, ty_str1, f_url_encode_component, "URL-encode a string, space as %20"),
    AGG("variance", "variance", 1, 1, ty_stat, stat_state, a_stat_step, a_variance_final, "sample variance"),
    SCALAR("week_of_year", 1, 1, ty_dt_int, f_week_of_year, "ISO 8601 week number"),
    SCALAR("zip", 2, 16, ty_dyn_arrays, f_zip, "arrays zipped element by element"),
};

/* Kusto functions kql does not have yet. */
static const char *const unsupported[] = {
    "buildschema",
    "cursor_after", "datetime_local_to_utc", "datetime_utc_to_local",
    "format_bytes", "geo_info_from_ip_address", "has_any_index", "isascii",
    "isutf8", "materialize", "pack_all", "pack_dictionary", "parse_user_agent", "parse_xml",
    "percentiles", "repeat", "table", "toscalar", "typeof",
    "hash_combine", "current_cluster_endpoint", "current_database",
    "estimate_data_size", "dcount_hll", "hll", "hll_merge", "tdigest", "tdigest_merge",
    "binary_and", "binary_or", "binary_xor", "binary_not", "bitset_count_ones", "welch_test",
    "series_stats", "series_decompose", "series_fir", "series_iir", "extent_id",
    "_GetWatchlist", "geo_distance_2points", "unicode_codepoints_from_string",
    "ipv6_is_in_range", "ipv4_netmask_suffix", "dynamic_to_json", "bag_unpack", "pivot",
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
