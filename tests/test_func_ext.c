/*
** test_func_ext.c: Check suite for the functions that need a library or a data file:
** parse_xml() (src/func/xml.c, expat), datetime_utc_to_local() and datetime_local_to_utc()
** (src/func/tz.c, the system's tz database), and geo_info_from_ip_address()'s error without
** a database (its lookups run in tests/geo/run.sh, over a database made at test time).
** Expected values are worked out by hand from the reference pages (parse_xml's mapping
** table, the Brussels DST example of datetime_local_to_utc) and from the zones' published
** rules (e.g. the EU's last Sundays of March and October at 01:00 UTC).
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kql.h"
#include "func_check.h"
#include "suites.h"

/* ---- parse_xml ---- */

static const xcase xmls[] = {
    /* the reference's mapping table, row by row */
    {"parse_xml('<e/>')", "{\"e\":null}"},
    {"parse_xml('<e>text</e>')", "{\"e\":\"text\"}"},
    {"parse_xml('<e name=\"value\" />')", "{\"e\":{\"@name\":\"value\"}}"},
    {"parse_xml('<e name=\"value\">text</e>')", "{\"e\":{\"@name\":\"value\",\"#text\":\"text\"}}"},
    {"parse_xml('<e> <a>text</a> <b>text</b> </e>')", "{\"e\":{\"a\":\"text\",\"b\":\"text\"}}"},
    {"parse_xml('<e> <a>text</a> <a>text</a> </e>')", "{\"e\":{\"a\":[\"text\",\"text\"]}}"},
    {"parse_xml('<e>text<a>text</a></e>')", "{\"e\":{\"#text\":\"text\",\"a\":\"text\"}}"},
    /* and its accessors */
    {"parse_xml('<e> <a>x</a> <a>y</a> </e>').e.a[1]", "\"y\""},
    {"parse_xml('<e name=\"value\">text</e>').e['@name']", "\"value\""},
    /* an element written open and closed holds an empty string, <e/> null */
    {"parse_xml('<e></e>')", "{\"e\":\"\"}"},
    {"parse_xml('<e>  \\n </e>')", "{\"e\":\"\"}"},
    {"parse_xml('<r><e/><f></f></r>')", "{\"r\":{\"e\":null,\"f\":\"\"}}"},
    /* attributes first, then children grouped by name in order of first appearance */
    {"parse_xml('<a x=\"1\"><b>1</b><c/><b>2</b></a>')", "{\"a\":{\"@x\":\"1\",\"b\":[\"1\",\"2\"],\"c\":null}}"},
    {"parse_xml('<a>one<b/>two</a>')", "{\"a\":{\"#text\":[\"one\",\"two\"],\"b\":null}}"},
    {"parse_xml('<a><b><c>deep</c></b></a>').a.b.c", "\"deep\""},
    /* values stay strings: XML has no numbers */
    {"parse_xml('<d><value>118.0</value><count>5</count></d>')", "{\"d\":{\"value\":\"118.0\",\"count\":\"5\"}}"},
    /* text keeps its spaces when it is not all blank */
    {"parse_xml('<e> a b </e>')", "{\"e\":\" a b \"}"},
    /* entities, character references, CDATA (as text); comments, the declaration and
    ** processing instructions are skipped */
    {"parse_xml('<?xml version=\"1.0\" encoding=\"UTF-8\"?><!-- c --><r a=\"1&amp;2\">&lt;&#65;<?pi x?><![CDATA[<y>]]></r>')",
     "{\"r\":{\"@a\":\"1&2\",\"#text\":\"<A<y>\"}}"},
    {"parse_xml('<r a=\"&quot;q&quot;\">l1&#10;l2\\\\</r>')", "{\"r\":{\"@a\":\"\\\"q\\\"\",\"#text\":\"l1\\nl2\\\\\"}}"},
    /* names keep their prefixes; namespace declarations are attributes */
    {"parse_xml('<r xmlns=\"urn:x\" xmlns:p=\"urn:p\"><p:q>1</p:q></r>')",
     "{\"r\":{\"@xmlns\":\"urn:x\",\"@xmlns:p\":\"urn:p\",\"p:q\":\"1\"}}"},
    {"parse_xml('<r>M\u00fcnchen</r>')", "{\"r\":\"M\u00fcnchen\"}"},
    /* a Windows event's EventData, as the Sentinel rules read it */
    {"parse_xml('<DataItem type=\"System.XmlData\"><EventData xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">"
     "<Data Name=\"RuleName\">-</Data><Data Name=\"Image\">C:\\\\x.exe</Data></EventData></DataItem>').DataItem.EventData.Data[1]",
     "{\"@Name\":\"Image\",\"#text\":\"C:\\\\x.exe\"}"},
    /* invalid XML, or none, is null */
    {"parse_xml('not xml')", "null"},
    {"parse_xml('')", "null"},
    {"parse_xml('<a><b></a>')", "null"},
    {"parse_xml('<a/><b/>')", "null"},
    {"parse_xml('<a>')", "null"},
    {"parse_xml('<a b=\"1\" b=\"2\"/>')", "null"},
    {"parse_xml('<a>&undefined;</a>')", "null"},
    {"parse_xml(tostring(dynamic(null)))", "null"},
    {"isnull(parse_xml('<a>'))", "true"},
    /* a DTD's internal entities expand; external ones are never read; an entity expansion
    ** bomb ("billion laughs") is stopped by expat's amplification limit and gives null */
    {"parse_xml('<!DOCTYPE r [<!ENTITY e \"hi\">]><r>&e;</r>')", "{\"r\":\"hi\"}"},
    {"parse_xml('<!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><r>&e;</r>')", "{\"r\":\"\"}"},
    {"parse_xml('<!DOCTYPE l [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\"><!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\"><!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\"><!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\"><!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\"><!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\"><!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]><l>&lol9;</l>')", "null"},
    /* a dynamic string is read as its text */
    {"parse_xml(dynamic('<a>1</a>'))", "{\"a\":\"1\"}"},
    /* nesting: 200 levels parse; more than 256 is null (kql's limit) */
    {"isnull(parse_xml(strcat(strrep('<a>', 200), strrep('</a>', 200))))", "false"},
    {"isnull(parse_xml(strcat(strrep('<a>', 300), strrep('</a>', 300))))", "true"},
};

/* ---- time zones ---- */

static const xcase zones[] = {
    /* the reference's example: 2022-07-11 22:18:48.4678620 UTC */
    {"datetime_utc_to_local(datetime(2022-07-11 22:18:48.4678620), 'US/Pacific')", "\"2022-07-11T15:18:48.467862Z\""},
    {"datetime_utc_to_local(datetime(2022-07-11 22:18:48.4678620), 'Australia/Canberra')", "\"2022-07-12T08:18:48.467862Z\""},
    {"datetime_local_to_utc(datetime(2020-02-02 20:02:20), 'Europe/Paris')", "\"2020-02-02T19:02:20Z\""},
    {"datetime_local_to_utc(datetime(2020-02-02 20:02:20), 'America/Chicago')", "\"2020-02-03T02:02:20Z\""},
    /* Brussels, 2022-03-27: clocks go from 02:00 to 03:00 local (01:00 UTC).  The skipped
    ** hour takes the new offset, as the reference's table shows (02:00 -> 00:00 UTC) */
    {"datetime_local_to_utc(datetime(2022-03-27 01:00), 'Europe/Brussels')", "\"2022-03-27T00:00:00Z\""},
    {"datetime_local_to_utc(datetime(2022-03-27 01:59:59), 'Europe/Brussels')", "\"2022-03-27T00:59:59Z\""},
    {"datetime_local_to_utc(datetime(2022-03-27 02:00), 'Europe/Brussels')", "\"2022-03-27T00:00:00Z\""},
    {"datetime_local_to_utc(datetime(2022-03-27 02:30), 'Europe/Brussels')", "\"2022-03-27T00:30:00Z\""},
    {"datetime_local_to_utc(datetime(2022-03-27 03:00), 'Europe/Brussels')", "\"2022-03-27T01:00:00Z\""},
    {"datetime_utc_to_local(datetime(2022-03-27 00:59:59), 'Europe/Brussels')", "\"2022-03-27T01:59:59Z\""},
    {"datetime_utc_to_local(datetime(2022-03-27 01:00), 'Europe/Brussels')", "\"2022-03-27T03:00:00Z\""},
    /* 2022-10-30: 03:00 local goes back to 02:00 (01:00 UTC).  Both 00:30 and 01:30 UTC
    ** read 02:30 locally; back to UTC, the repeated hour is taken as its first occurrence */
    {"datetime_utc_to_local(datetime(2022-10-30 00:30), 'Europe/Brussels')", "\"2022-10-30T02:30:00Z\""},
    {"datetime_utc_to_local(datetime(2022-10-30 01:30), 'Europe/Brussels')", "\"2022-10-30T02:30:00Z\""},
    {"datetime_local_to_utc(datetime(2022-10-30 02:30), 'Europe/Brussels')", "\"2022-10-30T00:30:00Z\""},
    {"datetime_local_to_utc(datetime(2022-10-30 03:00), 'Europe/Brussels')", "\"2022-10-30T02:00:00Z\""},
    /* the southern hemisphere: Sydney is +11 in January, +10 in July */
    {"datetime_utc_to_local(datetime(2022-01-15), 'Australia/Sydney')", "\"2022-01-15T11:00:00Z\""},
    {"datetime_utc_to_local(datetime(2022-07-15), 'Australia/Sydney')", "\"2022-07-15T10:00:00Z\""},
    {"datetime_local_to_utc(datetime(2022-01-15 11:00), 'Australia/Sydney')", "\"2022-01-15T00:00:00Z\""},
    /* beyond the file's table (2037): the footer's rule (EU: last Sundays of March and
    ** October; 2090-03-26 and 2090-10-29 are Sundays) */
    {"datetime_utc_to_local(datetime(2090-07-01 12:00), 'Europe/Paris')", "\"2090-07-01T14:00:00Z\""},
    {"datetime_utc_to_local(datetime(2090-01-01 12:00), 'Europe/Paris')", "\"2090-01-01T13:00:00Z\""},
    {"datetime_utc_to_local(datetime(2090-03-26 00:59), 'Europe/Paris')", "\"2090-03-26T01:59:00Z\""},
    {"datetime_utc_to_local(datetime(2090-03-26 01:00), 'Europe/Paris')", "\"2090-03-26T03:00:00Z\""},
    {"datetime_utc_to_local(datetime(2090-10-29 00:59), 'Europe/Paris')", "\"2090-10-29T02:59:00Z\""},
    {"datetime_utc_to_local(datetime(2090-10-29 01:00), 'Europe/Paris')", "\"2090-10-29T02:00:00Z\""},
    {"datetime_local_to_utc(datetime(2090-03-26 02:30), 'Europe/Paris')", "\"2090-03-26T00:30:00Z\""},
    /* US rule: second Sunday of March to first Sunday of November; 2095-07-04 is EDT */
    {"datetime_utc_to_local(datetime(2095-07-04 12:00), 'America/New_York')", "\"2095-07-04T08:00:00Z\""},
    {"datetime_utc_to_local(datetime(2095-12-25 12:00), 'America/New_York')", "\"2095-12-25T07:00:00Z\""},
    /* zones without DST; Etc/GMT+5 is five hours west (POSIX signs) */
    {"datetime_utc_to_local(datetime(2022-01-01), 'Asia/Kolkata')", "\"2022-01-01T05:30:00Z\""},
    {"datetime_utc_to_local(datetime(2022-01-01), 'UTC')", "\"2022-01-01T00:00:00Z\""},
    {"datetime_utc_to_local(datetime(2022-01-01), 'Etc/GMT+5')", "\"2021-12-31T19:00:00Z\""},
    {"datetime_local_to_utc(datetime(2022-01-01 05:30), 'Asia/Kolkata')", "\"2022-01-01T00:00:00Z\""},
    /* names match without regard to case */
    {"datetime_utc_to_local(datetime(2022-07-01), 'europe/PARIS')", "\"2022-07-01T02:00:00Z\""},
    /* a dynamic zone name */
    {"datetime_utc_to_local(datetime(2022-07-01), dynamic('Europe/Paris'))", "\"2022-07-01T02:00:00Z\""},
    /* unknown zones, odd names and nulls give null */
    {"datetime_utc_to_local(datetime(2022-07-01), 'Nowhere/Special')", "null"},
    {"datetime_utc_to_local(datetime(2022-07-01), '')", "null"},
    {"datetime_utc_to_local(datetime(2022-07-01), '../../etc/passwd')", "null"},
    {"datetime_utc_to_local(datetime(2022-07-01), '/usr/share/zoneinfo/UTC')", "null"},
    {"datetime_utc_to_local(datetime(2022-07-01), 'Europe')", "null"},
    {"datetime_local_to_utc(datetime(2022-07-01), 'Nowhere/Special')", "null"},
    {"datetime_utc_to_local(datetime(null), 'UTC')", "null"},
    {"datetime_utc_to_local(datetime(2022-07-01), tostring(dynamic(null)))", "null"},
    /* a result outside 0001..9999 is null */
    {"datetime_utc_to_local(datetime(0001-01-01), 'America/New_York')", "null"},
    {"datetime_local_to_utc(datetime(9999-12-31 23:00), 'America/New_York')", "null"},
    /* a round trip outside the repeated hour gives the instant back */
    {"datetime_local_to_utc(datetime_utc_to_local(datetime(2023-05-06 07:08:09.1234567), 'Asia/Tokyo'), 'Asia/Tokyo')",
     "\"2023-05-06T07:08:09.1234567Z\""},
};

static const ecase errors[] = {
    {"print parse_xml(123)", "parse_xml() expects a string"},
    {"print parse_xml()", "function 'parse_xml' expects 1 argument, got 0"},
    {"print datetime_utc_to_local('2022-01-01', 'UTC')", "expects a datetime and a time zone name"},
    {"print datetime_local_to_utc(datetime(2022-01-01), 5)", "expects a datetime and a time zone name"},
    {"print datetime_utc_to_local(datetime(2022-01-01))", "expects 2 arguments, got 1"},
    {"print geo_info_from_ip_address(1)", "geo_info_from_ip_address() expects a string"},
    /* no --geoip and no GeoLite2-City.mmdb in a data folder */
    {"print geo_info_from_ip_address('20.53.203.50')", "needs a MaxMind GeoLite2-City database"},
};

START_TEST(parse_xml_follows_the_reference_mapping) { check_expr(&xmls[_i]); }
END_TEST
START_TEST(time_zone_conversions_follow_the_tz_database) { check_expr(&zones[_i]); }
END_TEST
START_TEST(wrong_arguments_and_missing_data_are_errors) { check_error(&errors[_i]); }
END_TEST

/* Inputs over 1 MB are null (the reference's limit); 1 MB itself parses.  The query text is
** built here: strrep() cannot make a string that long. */
START_TEST(parse_xml_reads_at_most_one_megabyte) {
  for (int over = 0; over <= 1; over++) {
    size_t body = 1048576 - 7 + (size_t)over; /* <a> + body + </a> */
    const char *pre = "print r = isnull(parse_xml('<a>", *post = "</a>'))";
    char *q = malloc(strlen(pre) + body + strlen(post) + 1);
    ck_assert_ptr_nonnull(q);
    strcpy(q, pre);
    memset(q + strlen(pre), 'x', body);
    strcpy(q + strlen(pre) + body, post);
    kql_diag d;
    char *out = run(q, &d);
    free(q);
    ck_assert_msg(out != NULL, "query failed: %s", d.msg);
    ck_assert_str_eq(out, over ? "{\"r\":true}\n" : "{\"r\":false}\n");
    free(out);
  }
}
END_TEST

/* A bad --geoip file is refused when it is set, with the reason. */
START_TEST(a_file_that_is_not_a_maxmind_database_is_refused) {
  kql_engine *e = kql_engine_new();
  kql_diag d;
  const char *src = getenv("KQL_TEST_SRC");
  char path[4096];
  snprintf(path, sizeof path, "%s/tests/geo/make_mmdb.py", src ? src : ".");
  ck_assert_int_eq(kql_engine_set_geoip(e, path, &d), KQL_ERR_IO);
  ck_assert_msg(strstr(d.msg, "cannot read MaxMind database") != NULL, "%s", d.msg);
  ck_assert_int_eq(kql_engine_set_geoip(e, "/nonexistent/GeoLite2-City.mmdb", &d), KQL_ERR_IO);
  kql_engine_free(e);
}
END_TEST

#define LOOP(tc, fn, arr) tcase_add_loop_test(tc, fn, 0, (int)(sizeof(arr) / sizeof(arr[0])))

Suite *funcext_suite(void) {
  Suite *s = suite_create("funcext");
  TCase *tc = tcase_create("xml");
  LOOP(tc, parse_xml_follows_the_reference_mapping, xmls);
  tcase_add_test(tc, parse_xml_reads_at_most_one_megabyte);
  suite_add_tcase(s, tc);
  tc = tcase_create("tz");
  LOOP(tc, time_zone_conversions_follow_the_tz_database, zones);
  suite_add_tcase(s, tc);
  tc = tcase_create("errors");
  LOOP(tc, wrong_arguments_and_missing_data_are_errors, errors);
  tcase_add_test(tc, a_file_that_is_not_a_maxmind_database_is_refused);
  suite_add_tcase(s, tc);
  return s;
}
