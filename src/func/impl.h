/*
** impl.h: the implementations registry.c lists: return-type rules, scalar functions
** (scalar.c) and aggregates (agg.c).  Private to src/func/.
*/
#ifndef KQL_FUNC_IMPL_H
#define KQL_FUNC_IMPL_H

#include "func.h"

/* Return-type rules. */
#define FN_TYPE(name) KQL_INTERNAL kql_type name(ast **args, int n, const char **err)
FN_TYPE(ty_bool);
FN_TYPE(ty_long);
FN_TYPE(ty_int);
FN_TYPE(ty_real);
FN_TYPE(ty_string);
FN_TYPE(ty_datetime);
FN_TYPE(ty_timespan);
FN_TYPE(ty_dynamic);
FN_TYPE(ty_arg0);
FN_TYPE(ty_now);
FN_TYPE(ty_ago);
FN_TYPE(ty_iff);
FN_TYPE(ty_bin);
FN_TYPE(ty_sum);
FN_TYPE(ty_minmax);
FN_TYPE(ty_count);
FN_TYPE(ty_avg);

/* Scalars. */
#define FN_SCALAR(name) KQL_INTERNAL void name(fn_ctx *c, const kql_value *args, int n, kql_value *out)
FN_SCALAR(f_now);
FN_SCALAR(f_extract_json);
FN_TYPE(ty_extract_json);
FN_SCALAR(f_sin);
FN_SCALAR(f_cos);
FN_SCALAR(f_tan);
FN_SCALAR(f_asin);
FN_SCALAR(f_acos);
FN_SCALAR(f_atan);
FN_SCALAR(f_atan2);
FN_SCALAR(f_cot);
FN_SCALAR(f_degrees);
FN_SCALAR(f_radians);
FN_SCALAR(f_pi);
FN_SCALAR(f_range_array);
FN_TYPE(ty_range_array);
FN_SCALAR(f_ago);
FN_SCALAR(f_tostring);
FN_SCALAR(f_tolower);
FN_SCALAR(f_toupper);
FN_SCALAR(f_strlen);
FN_SCALAR(f_isempty);
FN_SCALAR(f_isnotempty);
FN_SCALAR(f_isnull);
FN_SCALAR(f_isnotnull);
FN_SCALAR(f_iff);
FN_SCALAR(f_bin);
FN_SCALAR(f_not);
FN_SCALAR(f_strcat);
FN_SCALAR(f_tolong);
FN_SCALAR(f_toint);
FN_SCALAR(f_toreal);
FN_SCALAR(f_todatetime);
FN_SCALAR(f_totimespan);
FN_SCALAR(f_tobool);
FN_SCALAR(f_todynamic);

/* Aggregates. */
#define FN_STEP(name) KQL_INTERNAL void name(fn_ctx *c, void *st, const kql_value *args, int n)
#define FN_FINAL(name) KQL_INTERNAL void name(fn_ctx *c, void *st, kql_type t, kql_value *out)
FN_STEP(a_count_step);
FN_STEP(a_countif_step);
FN_FINAL(a_count_final);
FN_STEP(a_min_step);
FN_STEP(a_max_step);
FN_FINAL(a_minmax_final);
FN_STEP(a_sum_step);
FN_FINAL(a_sum_final);
FN_STEP(a_avg_step);
FN_FINAL(a_avg_final);
FN_STEP(a_dcount_step);
FN_FINAL(a_dcount_final);
FN_STEP(a_make_set_step);
FN_STEP(a_make_list_step);
FN_STEP(a_makeset_step);
FN_STEP(a_makelist_step);
FN_FINAL(a_make_final);

/* Aggregate states. */
typedef struct { int64_t n; } count_state;
typedef struct {
  bool has;        /* a value was seen */
  kql_value v;     /* the best so far, copied into the group arena */
} minmax_state;
typedef struct {
  int64_t i;       /* integer or timespan total */
  double r;        /* real total */
  int64_t n;       /* values added */
  bool real;       /* a real was added */
} sum_state;
typedef struct {
  kql_value *items; /* values in first-seen order */
  size_t n;         /* how many */
  size_t cap;       /* room in items */
  uint32_t *slots;  /* open addressing: index+1 into items, 0 empty */
  size_t nslots;    /* power of two */
  bool full;        /* reached the cap: ignore further values */
} set_state;

/* ---- the function library (util.c, hash.c, string.c, math.c, datetime.c, dynamic.c,
** net.c and the aggregates added to agg.c) ---- */

/* util.c.  fn_sig() checks bound argument types against 'sig', one letter per argument
** (the last repeats): 'a' any, 's' any scalar (converted with tostring), 'S' string or guid,
** 'n'/'i' a number, 't' datetime, 'T' timespan, 'b' bool, 'd' dynamic; null and dynamic
** arguments fit every letter.  Returns 'result', or KQL_T_COUNT_ with '*err' = 'msg'. */
KQL_INTERNAL kql_type fn_sig(ast **a, int n, const char *sig, kql_type result, const char *msg,
                             const char **err);
/* A type rule made from a signature. */
#define FN_TYPE_SIG(name, sig, result, msg) \
  kql_type name(ast **a, int n, const char **e) { return fn_sig(a, n, sig, result, msg, e); }
/* The text of 'v' as Kusto writes it (a datetime with all seven fraction digits), in 'c->tmp'. */
KQL_INTERNAL kql_value fn_text(fn_ctx *c, kql_value v);
/* Read a number argument (a dynamic number too); false when null or not a number. */
KQL_INTERNAL bool fn_long(fn_ctx *c, const kql_value *v, int64_t *out);
KQL_INTERNAL bool fn_real(fn_ctx *c, const kql_value *v, double *out);
/* True for a bool true (or dynamic true). */
KQL_INTERNAL bool fn_true(const kql_value *v);
/* True for null, "" and dynamic null: what coalesce() and the *if aggregates skip. */
KQL_INTERNAL bool fn_is_nullish(const kql_value *v);
/* UTF-8: the byte after the character at 'i'; the number of characters; the byte offset of
** character 'chars' (clamped to 'n'). */
KQL_INTERNAL size_t fn_utf8_next(const char *s, size_t n, size_t i);
KQL_INTERNAL size_t fn_utf8_count(const char *s, size_t n);
KQL_INTERNAL size_t fn_utf8_offset(const char *s, size_t n, size_t chars);
/* A dynamic array of the 'n' strings 'items'. */
KQL_INTERNAL kql_value fn_dyn_strings(fn_ctx *c, const kql_value *items, size_t n);
/* True when tostring('v') equals lower-case 'word', ignoring ASCII case. */
KQL_INTERNAL bool fn_kind_is(fn_ctx *c, const kql_value *v, const char *word);

/* hash.c */
KQL_INTERNAL void fn_md5(const void *data, size_t n, unsigned char out[16]);
KQL_INTERNAL void fn_sha256(const void *data, size_t n, unsigned char out[32]);
KQL_INTERNAL void fn_sha1(const void *data, size_t n, unsigned char out[20]);
KQL_INTERNAL uint64_t fn_xxh64(const void *data, size_t n, uint64_t seed);

/* string.c: a compiled regular expression with its match data, all in 'c->tmp'. */
typedef struct fn_re {
  void *code;    /* pcre2_code */
  void *md;      /* pcre2_match_data */
  void *mc;      /* pcre2_match_context (limits) */
  int groups;    /* capture groups in the pattern */
} fn_re;
/* Compile tostring('pattern'); false when it is not a valid regular expression. */
KQL_INTERNAL bool fn_re_compile(fn_ctx *c, kql_value pattern, fn_re *re);
/* Match in 's' from byte 'start': > 0 on a match, <= 0 otherwise (no match, limit hit). */
KQL_INTERNAL int fn_re_match(fn_re *re, const char *s, size_t n, size_t start);
/* Byte offsets of the last match: [2g], [2g+1] for group g (PCRE2_UNSET when unset). */
KQL_INTERNAL const size_t *fn_re_ovector(const fn_re *re);

FN_TYPE(ty_strcat_delim);
FN_TYPE(ty_strcat_array);
FN_TYPE(ty_substring);
FN_TYPE(ty_split);
FN_TYPE(ty_indexof);
FN_TYPE(ty_countof);
FN_TYPE(ty_reverse);
FN_TYPE(ty_trim);
FN_TYPE(ty_replace_string);
FN_TYPE(ty_replace_regex);
FN_TYPE(ty_replace);
FN_TYPE(ty_extract);
FN_TYPE(ty_extract_all);
FN_TYPE(ty_translate);
FN_TYPE(ty_strrep);
FN_TYPE(ty_str1);
FN_TYPE(ty_dyn_of_str);
FN_TYPE(ty_parse_command_line);
FN_TYPE(ty_hash);
FN_TYPE(ty_strcmp);
FN_TYPE(ty_tohex);
FN_TYPE(ty_toguid);
FN_TYPE(ty_todecimal);
FN_SCALAR(f_strcat_delim);
FN_SCALAR(f_strcat_array);
FN_SCALAR(f_substring);
FN_SCALAR(f_split);
FN_SCALAR(f_indexof);
FN_SCALAR(f_countof);
FN_SCALAR(f_reverse);
FN_SCALAR(f_strcmp);
FN_SCALAR(f_trim);
FN_SCALAR(f_trim_start);
FN_SCALAR(f_trim_end);
FN_SCALAR(f_replace_string);
FN_SCALAR(f_replace_regex);
FN_SCALAR(f_replace);
FN_SCALAR(f_extract);
FN_SCALAR(f_extract_all);
FN_SCALAR(f_translate);
FN_SCALAR(f_strrep);
FN_SCALAR(f_url_encode);
FN_SCALAR(f_url_decode);
FN_SCALAR(f_base64_encode_tostring);
FN_SCALAR(f_unicode_codepoints_to_string);
FN_TYPE(ty_codepoints);
FN_SCALAR(f_base64_decode_tostring);
FN_SCALAR(f_base64_decode_toarray);
FN_SCALAR(f_base64_encode_fromarray);
FN_SCALAR(f_new_guid);
FN_SCALAR(f_pack_all);
FN_TYPE(ty_pack_all);
FN_TYPE(ty_b64_fromarray);
FN_TYPE(ty_guid0);
FN_TYPE(ty_row_cumsum);
FN_TYPE(ty_row_window_session);
FN_TYPE(ty_row_rank);
FN_SCALAR(f_parse_url);
FN_SCALAR(f_parse_path);
FN_SCALAR(f_parse_command_line);
FN_SCALAR(f_parse_csv);
FN_SCALAR(f_hash_sha256);
FN_SCALAR(f_hash_md5);
FN_SCALAR(f_hash);
FN_SCALAR(f_tohex);
FN_SCALAR(f_toguid);
FN_SCALAR(f_todecimal);
FN_TYPE(ty_indexof_regex);
FN_TYPE(ty_replace_strings);
FN_TYPE(ty_string_size);
FN_SCALAR(f_url_encode_component);
FN_SCALAR(f_parse_urlquery);
FN_SCALAR(f_hash_sha1);
FN_SCALAR(f_indexof_regex);
FN_SCALAR(f_replace_strings);
FN_SCALAR(f_string_size);
FN_SCALAR(f_regex_quote);

/* math.c: conditionals and numbers. */
FN_TYPE(ty_case);
FN_TYPE(ty_coalesce);
FN_TYPE(ty_real_test);
FN_TYPE(ty_num_same);
FN_TYPE(ty_round);
FN_TYPE(ty_bin_at);
FN_TYPE(ty_real_of_num);
FN_TYPE(ty_pow);
FN_TYPE(ty_sign);
FN_TYPE(ty_rand);
FN_TYPE(ty_minmax_of);
FN_SCALAR(f_case);
FN_SCALAR(f_coalesce);
FN_SCALAR(f_isnan);
FN_SCALAR(f_isinf);
FN_SCALAR(f_isfinite);
FN_SCALAR(f_abs);
FN_SCALAR(f_round);
FN_SCALAR(f_floor);
FN_SCALAR(f_ceiling);
FN_SCALAR(f_bin_at);
FN_SCALAR(f_log);
FN_SCALAR(f_log10);
FN_SCALAR(f_log2);
FN_SCALAR(f_exp);
FN_SCALAR(f_exp2);
FN_SCALAR(f_exp10);
FN_SCALAR(f_sqrt);
FN_SCALAR(f_pow);
FN_SCALAR(f_sign);
FN_SCALAR(f_rand);
FN_SCALAR(f_min_of);
FN_SCALAR(f_max_of);

/* datetime.c */
FN_TYPE(ty_datetime_add);
FN_TYPE(ty_datetime_diff);
FN_TYPE(ty_datetime_part);
FN_TYPE(ty_startof);
FN_TYPE(ty_dt_int);
FN_TYPE(ty_dayofweek);
FN_TYPE(ty_make_datetime);
FN_TYPE(ty_make_timespan);
FN_TYPE(ty_unixtime);
FN_TYPE(ty_format_datetime);
FN_TYPE(ty_format_timespan);
FN_SCALAR(f_datetime_add);
FN_SCALAR(f_datetime_diff);
FN_SCALAR(f_datetime_part);
FN_SCALAR(f_startofday);
FN_SCALAR(f_startofweek);
FN_SCALAR(f_startofmonth);
FN_SCALAR(f_startofyear);
FN_SCALAR(f_endofday);
FN_SCALAR(f_endofweek);
FN_SCALAR(f_endofmonth);
FN_SCALAR(f_endofyear);
FN_SCALAR(f_dayofweek);
FN_SCALAR(f_dayofmonth);
FN_SCALAR(f_dayofyear);
FN_SCALAR(f_getmonth);
FN_SCALAR(f_getyear);
FN_SCALAR(f_hourofday);
FN_SCALAR(f_week_of_year);
FN_SCALAR(f_make_datetime);
FN_SCALAR(f_make_timespan);
FN_SCALAR(f_unixtime_seconds);
FN_SCALAR(f_unixtime_milliseconds);
FN_SCALAR(f_unixtime_microseconds);
FN_SCALAR(f_unixtime_nanoseconds);
FN_SCALAR(f_format_datetime);
FN_SCALAR(f_format_timespan);

/* dynamic.c */
FN_TYPE(ty_pack);
FN_TYPE(ty_pack_array);
FN_TYPE(ty_array_length);
FN_TYPE(ty_dyn_arrays);
FN_TYPE(ty_array_slice);
FN_TYPE(ty_array_index_of);
FN_TYPE(ty_array_sort);
FN_TYPE(ty_dyn1);
FN_TYPE(ty_array_sum);
FN_TYPE(ty_set_has_element);
FN_TYPE(ty_bag_remove_keys);
FN_TYPE(ty_bag_has_key);
FN_TYPE(ty_gettype);
FN_SCALAR(f_pack);
FN_SCALAR(f_pack_array);
FN_SCALAR(f_array_length);
FN_SCALAR(f_array_concat);
FN_SCALAR(f_array_slice);
FN_SCALAR(f_array_index_of);
FN_SCALAR(f_array_sort_asc);
FN_SCALAR(f_array_sort_desc);
FN_SCALAR(f_array_reverse);
FN_SCALAR(f_array_sum);
FN_SCALAR(f_set_has_element);
FN_SCALAR(f_set_union);
FN_SCALAR(f_set_intersect);
FN_SCALAR(f_set_difference);
FN_SCALAR(f_bag_keys);
FN_SCALAR(f_bag_merge);
FN_SCALAR(f_bag_remove_keys);
FN_SCALAR(f_bag_has_key);
FN_SCALAR(f_zip);
FN_SCALAR(f_treepath);
FN_SCALAR(f_gettype);
FN_TYPE(ty_array_split);
FN_TYPE(ty_array_iff);
FN_TYPE(ty_bag_set_key);
FN_SCALAR(f_array_split);
FN_SCALAR(f_array_iff);
FN_SCALAR(f_bag_set_key);
FN_TYPE(ty_array_rotate_left);
FN_TYPE(ty_array_rotate_right);
FN_TYPE(ty_array_shift_left);
FN_TYPE(ty_array_shift_right);
FN_TYPE(ty_jaccard_index);
FN_TYPE(ty_bag_zip);
FN_SCALAR(f_array_rotate_left);
FN_SCALAR(f_array_rotate_right);
FN_SCALAR(f_array_shift_left);
FN_SCALAR(f_array_shift_right);
FN_SCALAR(f_jaccard_index);
FN_SCALAR(f_bag_zip);

/* net.c */
FN_TYPE(ty_ip1_bool);
FN_TYPE(ty_ip2_bool);
FN_TYPE(ty_ip_match);
FN_TYPE(ty_ip_compare);
FN_TYPE(ty_parse_ipv4);
FN_TYPE(ty_parse_ipv4_mask);
FN_TYPE(ty_format_ipv4);
FN_SCALAR(f_ipv4_is_private);
FN_SCALAR(f_ipv4_is_in_range);
FN_SCALAR(f_ipv4_is_match);
FN_SCALAR(f_ipv4_compare);
FN_SCALAR(f_parse_ipv4);
FN_SCALAR(f_parse_ipv4_mask);
FN_SCALAR(f_format_ipv4);
FN_SCALAR(f_ipv6_compare);
FN_SCALAR(f_ipv6_is_match);
FN_SCALAR(f_has_ipv4);
FN_SCALAR(f_has_ipv4_prefix);
FN_TYPE(ty_ip_any);
FN_SCALAR(f_format_ipv4_mask);
FN_SCALAR(f_has_any_ipv4);
FN_SCALAR(f_has_any_ipv4_prefix);
FN_SCALAR(f_ipv4_is_in_any_range);
FN_TYPE(ty_parse_ipv6);
FN_TYPE(ty_parse_ipv6_mask);
FN_TYPE(ty_ipv6_is_in_range);
FN_TYPE(ty_ipv6_any);
FN_TYPE(ty_ipv4_netmask_suffix);
FN_TYPE(ty_ipv4_range_to_cidr);
FN_SCALAR(f_parse_ipv6);
FN_SCALAR(f_parse_ipv6_mask);
FN_SCALAR(f_ipv6_is_in_range);
FN_SCALAR(f_ipv6_is_in_any_range);
FN_SCALAR(f_ipv4_netmask_suffix);
FN_SCALAR(f_ipv4_range_to_cidr_list);

/* agg.c: the conditional and statistical aggregates. */
FN_TYPE(ty_agg_if);
FN_TYPE(ty_sum_if);
FN_TYPE(ty_avg_if);
FN_TYPE(ty_minmax_if);
FN_TYPE(ty_stat);
FN_TYPE(ty_percentile);
FN_TYPE(ty_make_bag);
FN_TYPE(ty_make_bag_if);
FN_TYPE(ty_make_if);
FN_STEP(a_dcountif_step);
FN_STEP(a_sumif_step);
FN_FINAL(a_sumif_final);
FN_STEP(a_avgif_step);
FN_STEP(a_minif_step);
FN_STEP(a_maxif_step);
FN_STEP(a_make_set_if_step);
FN_STEP(a_make_list_if_step);
FN_STEP(a_make_list_nulls_step);
/* buildschema(): a schema tree in the group's arena (agg.c). */
typedef struct bs_node bs_node;
typedef struct buildschema_state {
  bs_node *root; /* NULL until a value is seen */
} buildschema_state;
FN_TYPE(ty_buildschema);
FN_STEP(a_buildschema_step);
FN_FINAL(a_buildschema_final);
FN_STEP(a_make_bag_step);
FN_STEP(a_make_bag_if_step);
FN_FINAL(a_make_bag_final);
FN_STEP(a_take_any_step);
FN_STEP(a_take_anyif_step);
FN_FINAL(a_take_any_final);
FN_STEP(a_stat_step);
FN_FINAL(a_stdev_final);
FN_FINAL(a_variance_final);
FN_STEP(a_percentile_step);
FN_FINAL(a_percentile_final);

typedef struct {
  int64_t n;       /* values added */
  double mean;     /* running mean (Welford) */
  double m2;       /* running sum of squared deviations */
} stat_state;
typedef struct {
  set_state keys;  /* member names seen, first-seen order */
  kql_value *vals; /* the value of each name (its first one) */
  size_t cap;      /* room in vals */
} bag_state;
typedef struct {
  set_state vals;  /* the values (a list: no de-duplication) */
  double p;        /* the percentile asked for */
} pct_state;
typedef struct {
  set_state vals;  /* the values (a list: no de-duplication) */
  set_state wts;   /* each value's weight (longs; 1 when unweighted) */
  int64_t total;   /* the sum of the weights */
  double *ps;      /* the percentiles asked for (from the first row) */
  size_t nps;      /* how many */
} wpct_state;
FN_TYPE(ty_percentilew);
FN_TYPE(ty_percentiles_array);
FN_TYPE(ty_percentilesw_array);
FN_STEP(a_percentilew_step);
FN_STEP(a_percentiles_array_step);
FN_STEP(a_percentilesw_array_step);
FN_FINAL(a_percentilew_final);
FN_FINAL(a_percentiles_array_final);
FN_TYPE(ty_tdigest);
FN_TYPE(ty_percentile_tdigest);
FN_TYPE(ty_percentiles_array_tdigest);
FN_STEP(a_tdigest_step);
FN_STEP(a_tdigest_merge_step);
FN_FINAL(a_tdigest_final);
FN_SCALAR(f_merge_tdigest);
FN_SCALAR(f_percentile_tdigest);
FN_SCALAR(f_percentiles_array_tdigest);
FN_SCALAR(f_rank_tdigest);
/* stdevp, variancep, the *if forms, covariance(p)(if), binary_all_* (agg.c) */
typedef struct {
  int64_t n;       /* pairs added */
  double mx, my;   /* running means of x and y */
  double cxy;      /* running co-moment: sum of (x - mean x)(y - mean y) */
} cov_state;
typedef struct {
  bool has;        /* a value was seen */
  uint64_t bits;   /* the values folded so far */
} bits_state;
FN_TYPE(ty_statp);
FN_TYPE(ty_stat_if);
FN_TYPE(ty_covariance);
FN_TYPE(ty_binary_all);
FN_STEP(a_statif_step);
FN_FINAL(a_variancep_final);
FN_FINAL(a_stdevp_final);
FN_STEP(a_cov_step);
FN_STEP(a_covif_step);
FN_FINAL(a_cov_final);
FN_FINAL(a_covp_final);
FN_STEP(a_binary_all_and_step);
FN_STEP(a_binary_all_or_step);
FN_STEP(a_binary_all_xor_step);
FN_FINAL(a_binary_all_final);
FN_STEP(a_hll_step);
FN_STEP(a_hll_merge_step);
FN_FINAL(a_hll_final);
FN_SCALAR(f_dcount_hll);
FN_TYPE(ty_hll_merge);
FN_SCALAR(f_hll_merge);

/* series.c */
FN_TYPE(ty_series);
FN_TYPE(ty_series2);
FN_SCALAR(f_series_fir);
FN_SCALAR(f_series_iir);
FN_SCALAR(f_series_acos);
FN_SCALAR(f_series_asin);
FN_SCALAR(f_series_atan);
FN_SCALAR(f_series_cos);
FN_SCALAR(f_series_cosine_similarity);
FN_SCALAR(f_series_dot_product);
FN_SCALAR(f_series_magnitude);
FN_SCALAR(f_series_pearson_correlation);
FN_SCALAR(f_series_product);
FN_SCALAR(f_series_sin);
FN_SCALAR(f_series_sum);
FN_SCALAR(f_series_tan);
FN_SCALAR(f_series_abs);
FN_SCALAR(f_series_add);
FN_SCALAR(f_series_ceiling);
FN_SCALAR(f_series_decompose);
FN_SCALAR(f_series_decompose_anomalies);
FN_SCALAR(f_series_divide);
FN_SCALAR(f_series_equals);
FN_SCALAR(f_series_exp);
FN_SCALAR(f_series_fill_backward);
FN_SCALAR(f_series_fill_const);
FN_SCALAR(f_series_fill_forward);
FN_SCALAR(f_series_fill_linear);
FN_SCALAR(f_series_fit_2lines);
FN_SCALAR(f_series_fit_2lines_dynamic);
FN_SCALAR(f_series_fit_line);
FN_SCALAR(f_series_fit_line_dynamic);
FN_SCALAR(f_series_floor);
FN_SCALAR(f_series_greater);
FN_SCALAR(f_series_greater_equals);
FN_SCALAR(f_series_less);
FN_SCALAR(f_series_less_equals);
FN_SCALAR(f_series_log);
FN_SCALAR(f_series_multiply);
FN_SCALAR(f_series_not_equals);
FN_SCALAR(f_series_outliers);
FN_SCALAR(f_series_pow);
FN_SCALAR(f_series_seasonal);
FN_SCALAR(f_series_sign);
FN_SCALAR(f_series_stats);
FN_SCALAR(f_series_stats_dynamic);
FN_SCALAR(f_series_subtract);

/* special.c: erf, erfc, gamma, loggamma, beta_cdf, beta_pdf, beta_inv. */
FN_TYPE(ty_real_of_num3);
FN_SCALAR(f_erf);
FN_SCALAR(f_erfc);
FN_SCALAR(f_gamma);
FN_SCALAR(f_loggamma);
FN_SCALAR(f_beta_cdf);
FN_SCALAR(f_beta_pdf);
FN_SCALAR(f_beta_inv);

/* units.c: convert_angle ... convert_volume. */
FN_TYPE(ty_convert);
FN_SCALAR(f_convert_angle);
FN_SCALAR(f_convert_energy);
FN_SCALAR(f_convert_force);
FN_SCALAR(f_convert_length);
FN_SCALAR(f_convert_mass);
FN_SCALAR(f_convert_speed);
FN_SCALAR(f_convert_temperature);
FN_SCALAR(f_convert_volume);

/* tz.c: IANA time zones from the system's tz database. */
FN_TYPE(ty_tz_convert);
FN_SCALAR(f_datetime_utc_to_local);
FN_SCALAR(f_datetime_local_to_utc);

/* geo.c: geo_info_from_ip_address() with libmaxminddb. */
FN_TYPE(ty_geo_info);
FN_SCALAR(f_geo_info);

/* xml.c: parse_xml() with expat. */
FN_TYPE(ty_parse_xml);
FN_SCALAR(f_parse_xml);

/* bits.c: bitwise scalars over longs. */
FN_TYPE(ty_binary_and);
FN_TYPE(ty_binary_or);
FN_TYPE(ty_binary_xor);
FN_TYPE(ty_binary_not);
FN_TYPE(ty_binary_shift_left);
FN_TYPE(ty_binary_shift_right);
FN_TYPE(ty_bitset_count_ones);
FN_SCALAR(f_binary_and);
FN_SCALAR(f_binary_or);
FN_SCALAR(f_binary_xor);
FN_SCALAR(f_binary_not);
FN_SCALAR(f_binary_shift_left);
FN_SCALAR(f_binary_shift_right);
FN_SCALAR(f_bitset_count_ones);

/* encode.c: text and encoding scalars. */
FN_TYPE(ty_isascii);
FN_TYPE(ty_isutf8);
FN_TYPE(ty_codepoints_from);
FN_TYPE(ty_dynamic_to_json);
FN_TYPE(ty_format_bytes);
FN_SCALAR(f_isascii);
FN_SCALAR(f_isutf8);
FN_SCALAR(f_unicode_codepoints_from_string);
FN_SCALAR(f_dynamic_to_json);
FN_SCALAR(f_format_bytes);
FN_TYPE(ty_b64_fromguid);
FN_TYPE(ty_b64_toguid);
FN_SCALAR(f_base64_encode_fromguid);
FN_SCALAR(f_base64_decode_toguid);

/* zip.c: gzip and zlib with base64, over zlib. */
FN_TYPE(ty_gzip_compress);
FN_TYPE(ty_gzip_decompress);
FN_TYPE(ty_zlib_compress);
FN_TYPE(ty_zlib_decompress);
FN_SCALAR(f_gzip_compress_to_base64_string);
FN_SCALAR(f_gzip_decompress_from_base64_string);
FN_SCALAR(f_zlib_compress_to_base64_string);
FN_SCALAR(f_zlib_decompress_from_base64_string);

/* punycode.c: RFC 3492 Punycode and IDNA-style domains. */
FN_TYPE(ty_punycode_from);
FN_TYPE(ty_punycode_to);
FN_TYPE(ty_punycode_domain_from);
FN_TYPE(ty_punycode_domain_to);
FN_SCALAR(f_punycode_from_string);
FN_SCALAR(f_punycode_to_string);
FN_SCALAR(f_punycode_domain_from_string);
FN_SCALAR(f_punycode_domain_to_string);

#endif /* KQL_FUNC_IMPL_H */
