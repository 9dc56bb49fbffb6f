/*
** help.c: 'kql help' and the shell's '.help': a static table of topics (operators, the
** string and comparison operators of expressions, the most used functions), each with its
** syntax, a paragraph and an example.  The example runs on the shipped sample data when
** the help is shown, so the output printed under it is always what kql really returns; the
** tests (tests/tutorial/help_test.py) run every example and require rows.  Functions
** without a topic of their own get one made from the function registry's summary line.
** Uses only kql.h.
*/
#define _GNU_SOURCE
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "help.h"
#include "shell.h"

/* One help topic. */
typedef struct help_topic {
  const char *name;     /* what 'kql help NAME' takes */
  const char *aliases;  /* other names for it, blank-separated, or "" */
  const char *kind;     /* "tabular operator", "string operator", "aggregate function", ... */
  const char *brief;    /* one line for the lists */
  const char *syntax;   /* the forms, one a line */
  const char *text;     /* a paragraph, wrapped when printed */
  const char *example;  /* a query over the shipped data (data/), or NULL */
  const char *see;      /* related topics, or "" */
} help_topic;

#define OPERATOR "tabular operator"
#define EXPR "expression operator"
#define SCALAR "scalar function"
#define AGG "aggregate function (summarize)"

/* The topics: tabular operators first (in the order a learner meets them), then
** expression operators, then functions.  Names are unique; 'kql help' lists them. */
static const help_topic topics[] = {
    /* ---- tabular operators ---- */
    {"where", "filter", OPERATOR, "keep the rows for which a predicate is true",
     "T | where Predicate",
     "Keeps the rows of its input for which Predicate is true and drops all the others. A "
     "row whose predicate is false or null (an empty value compared, a missing column) is "
     "dropped too, so 'where x != 1' does not keep rows where x is null. Put the cheapest "
     "and most selective conditions first: 'where' is where a hunting query spends its "
     "time. When a query returns nothing, 'kql explain --why' shows which 'where' dropped "
     "a row and which condition failed.",
     "DeviceProcessEvents\n| where FileName == \"powershell.exe\"\n| project Timestamp, DeviceName, AccountName",
     "has, between, and, explain"},
    {"project", "", OPERATOR, "choose, rename and compute the columns of the result",
     "T | project Column, NewName = Expression, ...",
     "Makes the result have exactly the columns listed, in that order. A column can be "
     "renamed with NewName = Column, or computed from an expression. Columns not listed are "
     "gone for the rest of the query. Use 'extend' to add columns while keeping the others, "
     "and 'project-away' to drop a few.",
     "DeviceProcessEvents\n| project Timestamp, Device = DeviceName, FileName\n| take 3",
     "extend, project-away, project-rename"},
    {"extend", "", OPERATOR, "add computed columns, keeping the others",
     "T | extend NewName = Expression, ...",
     "Adds a column per expression to every row and keeps all the input columns. A new "
     "column with the name of an existing one replaces it. Later steps can use the new "
     "columns like any other.",
     "DeviceProcessEvents\n| extend Day = bin(Timestamp, 1d), Exe = tolower(FileName)\n| project Day, Exe, DeviceName\n| take 3",
     "project, iff, bin"},
    {"summarize", "", OPERATOR, "group rows and aggregate each group",
     "T | summarize [Name =] Aggregate(...), ... [by [Name =] Expression, ...]",
     "Puts the rows that have the same values of the 'by' expressions into one group and "
     "makes one row per group: the 'by' columns first, then one column per aggregate "
     "(count(), min(), make_set(), ...). Without 'by' the whole input is one group, and "
     "there is one row even when the input is empty. kql emits groups in the order it first "
     "saw them. Unnamed aggregates get names like count_ or set_FileName.",
     "DeviceProcessEvents\n| summarize Processes = count(), Files = dcount(FileName) by DeviceName\n| sort by Processes desc",
     "count, make_set, dcount, arg_max, bin"},
    {"make-series", "", OPERATOR, "aggregate into series along an axis (time series)",
     "T | make-series [Name =] Aggregate(...) [default = Value], ... on Axis from Start to End step Step [by Expression, ...]\n"
     "T | make-series ... on Axis in range(Start, Stop, Step) [by ...]",
     "Like summarize, but each group gets one row holding a dynamic array per aggregate, one "
     "element per step of the axis, and the axis itself as an array (the last column). Steps "
     "without rows hold the default, 0 unless given. Without 'from' and 'to' the series run "
     "from the first to the last step with data. The series_* functions work on the arrays: "
     "(Flag, Score, Baseline) = series_decompose_anomalies(Series) flags anomalies, and "
     "mv-expand turns the arrays back into rows.",
     "DeviceProcessEvents\n| make-series Processes = count() on Timestamp step 1d by DeviceName\n| project DeviceName, Processes\n| take 3",
     "summarize, mv-expand, bin"},
    {"take", "limit", OPERATOR, "keep the first N rows",
     "T | take N",
     "Returns at most N rows of its input and stops reading once it has them. Kusto does "
     "not promise which rows; kql returns the first ones in file order. Use it to look at a "
     "table before writing a filter, and 'sort' or 'top' when the choice of rows matters.",
     "DeviceLogonEvents\n| take 3\n| project Timestamp, DeviceName, AccountName, ActionType",
     "top, sort, sample"},
    {"sort", "order", OPERATOR, "order the rows",
     "T | sort by Expression [asc | desc] [nulls first | nulls last], ...",
     "Orders the rows by one or more expressions. The default is descending (newest or "
     "largest first), the opposite of SQL, so write 'asc' when you want ascending. Nulls "
     "come last when descending and first when ascending unless you say otherwise. 'order "
     "by' is the same operator.",
     "DeviceNetworkEvents\n| sort by Timestamp desc\n| project Timestamp, DeviceName, RemoteUrl\n| take 3",
     "top, take"},
    {"top", "", OPERATOR, "the first N rows by an expression",
     "T | top N by Expression [asc | desc]",
     "Keeps the N rows that sort first by the expression: the same as 'sort by ... | take N' "
     "but it only ever holds N rows. Descending by default.",
     "DeviceLogonEvents\n| top 3 by Timestamp desc\n| project Timestamp, DeviceName, ActionType",
     "sort, take, arg_max"},
    {"count", "", OPERATOR, "the number of rows",
     "T | count",
     "Returns one row with one column, Count: the number of rows of its input. (The "
     "aggregate count() counts rows per group inside 'summarize'.)",
     "DeviceLogonEvents\n| where ActionType == \"LogonFailed\"\n| count",
     "summarize, count()"},
    {"distinct", "", OPERATOR, "one row per distinct combination of values",
     "T | distinct Column, ...    |    T | distinct *",
     "Returns each distinct combination of the listed columns once, in the order first seen. "
     "It is 'summarize by Column, ...' without aggregates: a quick way to see which values "
     "a column takes.",
     "DeviceLogonEvents\n| distinct ActionType, LogonType",
     "summarize, dcount"},
    {"join", "", OPERATOR, "combine rows of two tables that share a key",
     "T | join [kind = inner | leftouter | leftanti | leftsemi | ...] (Right) on Key, ...",
     "Pairs each row of the left input with the rows of the right input (in parentheses) "
     "that have the same key values, and makes one row from each pair. Mind the default "
     "kind: Kusto's is innerunique, which keeps one left row per key; say kind=inner to keep "
     "them all. 'leftanti' keeps left rows with no match, a common way to say \"not seen "
     "before\". The right side is read whole into memory, so put the smaller table there.",
     "DeviceLogonEvents\n| where ActionType == \"LogonFailed\"\n| join kind=inner (DeviceProcessEvents | project DeviceId, FileName) on DeviceId\n| summarize Files = dcount(FileName) by DeviceName",
     "lookup, union"},
    {"lookup", "", OPERATOR, "add the columns of a small table by key",
     "T | lookup [kind = leftouter | inner] (Right) on Key, ...",
     "Extends each row with the columns of the matching row of a (usually small) table, "
     "such as a list of known devices. Unlike 'join' it keeps left rows that have no match "
     "(their new columns are empty) unless kind=inner.",
     "DeviceLogonEvents\n| where ActionType == \"LogonFailed\"\n| lookup (datatable(DeviceName:string, Owner:string) [\"ws-fin-014.contoso.local\", \"finance\"]) on DeviceName\n| project Timestamp, DeviceName, Owner, AccountName\n| take 3",
     "join, datatable"},
    {"union", "", OPERATOR, "the rows of several tables together",
     "union [withsource = Column] T1, T2, ...    |    T | union T2, ...",
     "Returns the rows of all the tables one after the other. Columns with the same name "
     "and type are merged; others are kept, empty in the rows of tables that lack them. "
     "withsource=Column adds a column that names the table each row came from.",
     "union withsource = Table DeviceLogonEvents, DeviceNetworkEvents\n| summarize Rows = count() by Table",
     "join"},
    {"mv-expand", "mvexpand", OPERATOR, "one row per element of an array",
     "T | mv-expand Column [to typeof(Type)] [limit N]",
     "Turns a row whose column holds a dynamic array into one row per element, the other "
     "columns repeated. It undoes make_set and make_list, and is the way into JSON arrays "
     "in the data.",
     "DeviceProcessEvents\n| where FileName == \"tvnserver.exe\"\n| summarize Reports = make_set(ReportId) by DeviceName\n| mv-expand Reports\n| take 4",
     "make_set, parse_json"},
    {"parse", "parse-where", OPERATOR, "cut columns out of a text",
     "T | parse Expression with [*] \"text\" Name [: type] \"text\" ...",
     "Matches a string against a pattern of constant texts and names, and adds a column for "
     "each name holding what stood there. '*' skips any text. A row that does not match "
     "gets empty columns; 'parse-where' drops it instead.",
     "DeviceProcessEvents\n| where ProcessCommandLine has \"build_report\"\n| parse ProcessCommandLine with * \"--month \" Month\n| project DeviceName, Month",
     "extract, split"},
    {"parse-kv", "", OPERATOR, "columns from the key/value pairs of a text",
     "T | parse-kv Expression as (Key:type, ...) [with (pair_delimiter=\",\", kv_delimiter=\":\", quote=\"'\", escape=\"\\\\\", greedy=true)]\n"
     "T | parse-kv Expression as (Key:type, ...) with (regex=@'(key)=(value)')",
     "Adds one column per key listed, holding that key's value in the text. With the "
     "delimiters given the text is split into pairs and each pair into key and value; "
     "without them a key is a word followed by ':' or '='. A key the text lacks, or a value "
     "that does not convert to the type, is empty.",
     "print Line = \"user=alice port=22 tls=yes\"\n| parse-kv Line as (user:string, port:long) with (pair_delimiter=\" \", kv_delimiter=\"=\")",
     "parse, extract"},
    {"top-nested", "", OPERATOR, "the top values of a column, then the top values within each",
     "T | top-nested [N] of Column [with others = Value] by Aggregate [asc|desc], top-nested ...",
     "Groups the rows by Column and keeps the N groups with the highest Aggregate (count(), "
     "sum(x), dcount(x), ...); each further level does the same within each group of the one "
     "before. The columns are Column and aggregated_Column (or the name given with "
     "Name = Aggregate). 'with others' adds one group for the rest.",
     "DeviceLogonEvents\n| top-nested 2 of DeviceName by Logons = count(), top-nested 1 of ActionType by count()",
     "top, summarize"},
    {"search", "", OPERATOR, "rows holding a term in any column of any table",
     "search [kind=case_sensitive] [in (T1, T2, ...)] \"term\"    |    T | search Predicate",
     "Looks for a term in every column of the tables named, of every table when none is, or "
     "of its input, and adds $table with the name of the table each row came from. \"term\" "
     "means has, \"term*\" hasprefix, \"*term\" hassuffix, \"*term*\" contains; Column:\"term\" "
     "looks in one column. Slower than 'where' on a known column.",
     "DeviceLogonEvents\n| search \"LogonFailed\"\n| project Timestamp, DeviceName, AccountName\n| take 3",
     "find, has, union"},
    {"find", "", OPERATOR, "rows matching a predicate in several tables",
     "find [withsource = Column] [in (T1, T2, ...)] where Predicate [project-smart | project Column[:type], ...]",
     "Runs the predicate over each table that has one of its columns (every table when no "
     "'in' is given) and returns source_ (the table), the columns every table has, the "
     "predicate's columns and a pack_ bag of the rest, or source_ and the columns of "
     "'project'.",
     "find in (DeviceLogonEvents, DeviceNetworkEvents) where RemoteIP startswith \"10.\"\nproject DeviceName, RemoteIP\n| take 3",
     "search, union"},
    {"project-away", "", OPERATOR, "drop some columns",
     "T | project-away Column, ...    (names may hold * wildcards)",
     "Removes the listed columns and keeps the rest in order. Handy after a 'join', which "
     "doubles the key columns (DeviceId1, ...).",
     "DeviceLogonEvents\n| project Timestamp, DeviceName, AccountName, LogonType\n| project-away Timestamp\n| take 3",
     "project, project-rename"},
    {"project-rename", "", OPERATOR, "rename columns",
     "T | project-rename NewName = Column, ...",
     "Renames columns and keeps all of them, in the same order.",
     "DeviceLogonEvents\n| project DeviceName, AccountName\n| project-rename User = AccountName\n| take 3",
     "project"},
    {"let", "", "statement", "name a value, a table or a function",
     "let Name = Expression;    let Name = TabularExpression;    let F = (x:type) { ... };",
     "Gives a name to a scalar (a time window, a list of names), to a tabular expression, "
     "or to a function, for the statements after it. Each let ends with ';' and the last "
     "statement is the query. Detection rules start with lets so the thresholds sit at "
     "the top.",
     "let Window = 5d;\nlet RemoteTools = dynamic([\"TightVNC\", \"AnyDesk\", \"TeamViewer\"]);\nDeviceProcessEvents\n| where Timestamp > ago(Window)\n| where ProcessVersionInfoProductName has_any (RemoteTools)\n| summarize count() by ProcessVersionInfoProductName",
     "ago, has_any"},
    {"datatable", "", OPERATOR, "a small table written in the query",
     "datatable(Column:type, ...) [value, value, ...]",
     "Makes a table from literal values, row after row. Use it for allow-lists and for "
     "trying an operator on data you control.",
     "datatable(Name:string, Port:long) [\"ssh\", 22, \"rdp\", 3389, \"vnc\", 5900]\n| where Port > 100",
     "print, lookup"},
    {"print", "", OPERATOR, "one row of computed values",
     "print [Name =] Expression, ...",
     "Evaluates the expressions once and returns them as a one-row table: the way to try a "
     "function or see what now() is.",
     "print Now = now(), WeekAgo = ago(7d), Day = bin(now(), 1d)",
     "now, ago"},
    {"range", "", OPERATOR, "a table of a series of values",
     "range Column from Start to Stop step Step",
     "Makes one row per value from Start to Stop (inclusive), Step apart. With datetimes "
     "it makes a calendar to join counts against, so that days with no events still show.",
     "range Day from datetime(2026-05-25) to datetime(2026-05-31) step 1d\n| take 3",
     "bin"},
    {"render", "", OPERATOR, "a chart hint (accepted and ignored)",
     "T | render Kind [with (...)]",
     "Tells Sentinel or Data Explorer how to draw the result (timechart, barchart, ...). "
     "kql accepts it so such queries run, and returns the rows unchanged.",
     "DeviceLogonEvents\n| summarize Logons = count() by ActionType\n| render barchart",
     "summarize"},
    {"getschema", "", OPERATOR, "the columns of a table and their types",
     "T | getschema",
     "Returns one row per column of its input: name, position and type. In the shell, "
     "'.schema Table' prints the same for a table.",
     "DeviceLogonEvents\n| getschema\n| take 5",
     ""},
    {"serialize", "", OPERATOR, "fix the row order so row_number() and prev() work",
     "T | serialize [Name = Expression, ...]",
     "Marks the rows as ordered, which the window functions row_number(), prev() and next() "
     "need. 'sort' serializes too.",
     "DeviceLogonEvents\n| sort by Timestamp asc\n| serialize N = row_number()\n| project N, Timestamp, AccountName\n| take 3",
     "sort"},
    /* ---- expression operators ---- */
    {"has", "!has has_cs !has_cs", EXPR, "the text holds a whole term",
     "Text has \"term\"    Text !has \"term\"    Text has_cs \"Term\" (case-sensitive)",
     "True when Text holds 'term' as a whole term: a run of letters and digits with no "
     "letter or digit right before or after it. Case is ignored (has_cs respects it). So "
     "\"TightVNC Viewer\" has \"TightVNC\", but \"TightVNCServer\" does not: for any "
     "substring use 'contains'. Sentinel indexes terms, so 'has' is the fast operator and "
     "the one rules use; a 'has' that misses because the word is glued to another is a "
     "classic cause of a rule that never fires.",
     "DeviceProcessEvents\n| where ProcessVersionInfoCompanyName has \"GlavSoft\"\n| distinct ProcessVersionInfoProductName\n| extend Has = ProcessVersionInfoProductName has \"TightVNC\", Contains = ProcessVersionInfoProductName contains \"TightVNC\"",
     "contains, has_any, startswith, where"},
    {"contains", "!contains contains_cs !contains_cs", EXPR, "the text holds a substring",
     "Text contains \"part\"    Text !contains \"part\"    Text contains_cs \"Part\"",
     "True when 'part' occurs anywhere in Text, case ignored (contains_cs respects case). "
     "It finds what 'has' misses inside longer words, at the price of reading every "
     "character: prefer 'has' when the text is a whole term.",
     "DeviceProcessEvents\n| where FolderPath contains \"\\\\downloads\\\\\"\n| project DeviceName, FolderPath",
     "has, startswith, endswith"},
    {"startswith", "!startswith startswith_cs", EXPR, "the text begins with a prefix",
     "Text startswith \"prefix\"    Text startswith_cs \"Prefix\"",
     "True when Text begins with 'prefix', case ignored (the _cs form respects case). "
     "'hasprefix' is the term-based cousin: a term of the text starts with it.",
     "DeviceNetworkEvents\n| where RemoteUrl startswith \"relay\"\n| project Timestamp, DeviceName, RemoteUrl, RemotePort",
     "endswith, has, contains"},
    {"endswith", "!endswith endswith_cs", EXPR, "the text ends with a suffix",
     "Text endswith \"suffix\"    Text endswith_cs \"Suffix\"",
     "True when Text ends with 'suffix', case ignored (the _cs form respects case). Useful "
     "for file extensions and domain names.",
     "DeviceNetworkEvents\n| where RemoteUrl endswith \".microsoft.com\"\n| distinct RemoteUrl",
     "startswith, has"},
    {"in", "!in in~ !in~", EXPR, "the value is one of a list",
     "Expression in (Value, ...)    in~ (case ignored)    !in    !in~    in (Subquery)",
     "True when the value equals one of the list; 'in' compares strings exactly, 'in~' "
     "ignoring case, and the ! forms negate. The list can be a dynamic array from a let, or "
     "a subquery whose first column is used.",
     "DeviceProcessEvents\n| where FileName in~ (\"POWERSHELL.EXE\", \"cmd.exe\")\n| summarize Runs = count() by FileName",
     "has_any, ==, let"},
    {"has_any", "has_all", EXPR, "the text has one (or all) of several terms",
     "Text has_any (\"a\", \"b\", ...)    Text has_all (\"a\", \"b\", ...)",
     "has_any is true when Text has at least one of the terms, has_all when it has every "
     "one; both match whole terms as 'has' does. The list can come from a let holding a "
     "dynamic array, which keeps long indicator lists at the top of a rule.",
     "DeviceProcessEvents\n| where ProcessCommandLine has_any (\"-enc\", \"bypass\", \"-nop\")\n| project DeviceName, AccountName, FileName",
     "has, in, let"},
    {"between", "!between", EXPR, "the value lies in a range (both ends included)",
     "Expression between (Low .. High)    Expression !between (Low .. High)",
     "True when Low <= value <= High, both ends included. For datetimes High may be a "
     "timespan, meaning Low plus that much. Detection rules use it for their time window: "
     "'Timestamp between (ago(5d) .. now())'.",
     "DeviceProcessEvents\n| where Timestamp between (datetime(2026-05-30) .. 1d)\n| project Timestamp, DeviceName, FileName",
     "ago, now, where"},
    {"==", "!= =~ !~ < <= > >=", EXPR, "compare two values",
     "a == b    a != b    a =~ b (strings, case ignored)    a !~ b    a < b ...",
     "== compares exactly: for strings that includes case, so \"Cmd.exe\" == \"cmd.exe\" is "
     "false; =~ and !~ ignore case. A comparison with null is null, which 'where' treats "
     "as false. Numbers of different types compare by value; datetimes compare with "
     "datetimes.",
     "DeviceProcessEvents\n| where FileName =~ \"CMD.EXE\"\n| project Timestamp, DeviceName, FileName",
     "in, has, isnull"},
    {"and", "or not", EXPR, "combine conditions",
     "a and b    a or b    not(a)",
     "'and' is true when both sides are, 'or' when either is; 'and' binds tighter, so use "
     "parentheses when mixing them. With nulls they follow three-valued logic: false and "
     "null is false, true or null is true, anything else with null is null. not() is a "
     "function, not a keyword.",
     "DeviceLogonEvents\n| where ActionType == \"LogonFailed\" and (LogonType == \"Network\" or AccountName startswith \"a\")\n| project Timestamp, DeviceName, AccountName, LogonType",
     "where"},
    {"matches regex", "regex", EXPR, "the text matches a regular expression",
     "Text matches regex \"pattern\"",
     "True when the regular expression matches somewhere in Text. Kusto uses RE2 syntax; "
     "kql uses PCRE2, which reads the common patterns the same way. Write patterns as verbatim strings, @\"...\", so that "
     "backslashes stay backslashes. Regular expressions are slower than has: filter with "
     "has first.",
     "DeviceProcessEvents\n| where FileName matches regex @\"^tvn.*\\.exe$\"\n| distinct FileName",
     "extract, has"},
    /* ---- aggregate functions ---- */
    {"count()", "countif", AGG, "number of rows in each group",
     "count()    countif(Predicate)",
     "count() is the number of rows of each group; countif() the number for which the "
     "predicate is true, so one summarize can count several things at once.",
     "DeviceLogonEvents\n| summarize Logons = count(), Failed = countif(ActionType == \"LogonFailed\") by DeviceName\n| sort by Failed desc\n| take 3",
     "summarize, dcount"},
    {"make_set", "makeset make_set_if", AGG, "the distinct values of a group, as an array",
     "make_set(Expression [, MaxSize])    make_set_if(Expression, Predicate [, MaxSize])",
     "Collects the distinct non-null values of the expression in each group into a dynamic "
     "array, in the order first seen (Kusto leaves the order open). MaxSize caps its length "
     "(default 1048576). It is how a rule lists the report ids or command lines behind each "
     "alert; 'mv-expand' turns the array back into rows. make_list keeps duplicates.",
     "DeviceProcessEvents\n| where ProcessVersionInfoProductName has \"TightVNC\"\n| summarize Files = make_set(FileName), Reports = make_set(ReportId, 2) by DeviceName",
     "make_list, mv-expand, summarize, dcount"},
    {"make_list", "makelist make_list_if", AGG, "all the values of a group, as an array",
     "make_list(Expression [, MaxSize])",
     "Like make_set but keeps every value, duplicates included, in the order seen.",
     "DeviceLogonEvents\n| where ActionType == \"LogonFailed\"\n| summarize Accounts = make_list(AccountName) by DeviceName",
     "make_set"},
    {"dcount", "dcountif count_distinct", AGG, "number of distinct values",
     "dcount(Expression [, Accuracy])    dcountif(Expression, Predicate)",
     "The number of distinct values of the expression in each group. Kusto estimates it "
     "(within about 1%); kql counts exactly, so small numbers can differ from Kusto's.",
     "DeviceNetworkEvents\n| summarize Urls = dcount(RemoteUrl), Ports = dcount(RemotePort) by DeviceName",
     "make_set, count()"},
    {"min", "max minif maxif", AGG, "the smallest or largest value",
     "min(Expression)    max(Expression)    minif(Expression, Predicate)",
     "The smallest or largest non-null value in each group; with datetimes, the first and "
     "last time something was seen, which is what FirstSeen and LastSeen columns of "
     "Sentinel rules are.",
     "DeviceProcessEvents\n| summarize FirstSeen = min(Timestamp), LastSeen = max(Timestamp) by FileName\n| take 3",
     "arg_max, summarize"},
    {"sum", "sumif avg avgif", AGG, "sum and average",
     "sum(Expression)    avg(Expression)    sumif(Expression, Predicate)",
     "The sum or the average of the non-null numbers in each group.",
     "DeviceNetworkEvents\n| summarize Connections = count(), AvgPort = avg(RemotePort) by Protocol",
     "count()"},
    {"arg_max", "arg_min", AGG, "the whole row where a value is largest",
     "arg_max(Expression, *)    arg_max(Expression, Column, ...)",
     "Returns, for each group, the row where the expression is largest (arg_min: smallest): "
     "with * all its columns, otherwise the ones listed. The usual way to get the latest "
     "event per device or per user.",
     "DeviceLogonEvents\n| summarize arg_max(Timestamp, ActionType, AccountName) by DeviceName\n| take 3",
     "max, top"},
    /* ---- scalar functions ---- */
    {"ago", "", SCALAR, "now minus a timespan",
     "ago(Timespan)",
     "The instant that lies Timespan before now(): ago(1h), ago(7d). kql takes now() once per "
     "query; a query over the shipped data sees it pinned by data/now.txt "
     "(2026-06-01T00:00:00Z), and '--now' pins it for any query.",
     "DeviceLogonEvents\n| where Timestamp > ago(2d)\n| project Timestamp, DeviceName, ActionType",
     "now, between, bin"},
    {"now", "", SCALAR, "the current instant (the same for the whole query)",
     "now([Offset])",
     "The instant the query runs at, plus Offset if given: now(-5d) is ago(5d). Every now() "
     "of a query sees the same instant. kql takes it from --now, else, when the query reads "
     "a table of a data folder, from that folder's now.txt, else from the clock; in the shell "
     "'.now' shows or pins it.",
     "print Now = now(), FiveDaysAgo = now(-5d)",
     "ago"},
    {"bin", "floor", SCALAR, "round down to a multiple (time buckets)",
     "bin(Value, Size)",
     "Rounds Value down to a multiple of Size: bin(Timestamp, 1h) is the start of the hour, "
     "bin(Bytes, 1024) a kilobyte bucket. With summarize ... by bin(Timestamp, 1d) it makes a "
     "count per day.",
     "DeviceLogonEvents\n| summarize Logons = count() by Day = bin(Timestamp, 1d)\n| sort by Day asc\n| take 4",
     "summarize, startofday"},
    {"tolower", "toupper", SCALAR, "a string in lower (or upper) case",
     "tolower(Text)    toupper(Text)",
     "The text with its letters in lower case (toupper: upper case). Useful before 'in' or "
     "'==', which respect case, though =~ and in~ are simpler.",
     "DeviceProcessEvents\n| extend Exe = tolower(FileName)\n| distinct Exe\n| take 4",
     "==, in"},
    {"strcat", "strcat_delim", SCALAR, "join strings",
     "strcat(a, b, ...)    strcat_delim(Delimiter, a, b, ...)",
     "Concatenates its arguments, each converted to a string.",
     "DeviceLogonEvents\n| extend Who = strcat(AccountDomain, \"\\\\\", AccountName)\n| distinct Who\n| take 3",
     "tostring"},
    {"strlen", "", SCALAR, "length of a string",
     "strlen(Text)",
     "The number of characters of the text. Long command lines are a classic hunting "
     "signal.",
     "DeviceProcessEvents\n| extend Len = strlen(ProcessCommandLine)\n| top 3 by Len desc\n| project Len, FileName, DeviceName",
     "substring"},
    {"substring", "", SCALAR, "part of a string",
     "substring(Text, Start [, Length])",
     "The characters of Text from Start (0 is the first) on, Length of them if given.",
     "DeviceProcessEvents\n| extend Short = substring(SHA256, 0, 12)\n| project FileName, Short\n| take 3",
     "strlen, split, extract"},
    {"split", "", SCALAR, "cut a string into an array",
     "split(Text, Delimiter [, Index])",
     "The pieces of Text between the delimiters, as a dynamic array; with Index only that "
     "piece (as a one-element array).",
     "DeviceLogonEvents\n| extend Parts = split(DeviceName, \".\")\n| project DeviceName, Host = tostring(Parts[0])\n| distinct Host, DeviceName\n| take 3",
     "parse, extract"},
    {"extract", "extract_all", SCALAR, "the text a regular expression captures",
     "extract(Pattern, CaptureGroup, Text [, typeof(Type)])",
     "Matches the regular expression against Text and returns the given capture group (0 is "
     "the whole match), or an empty string when it does not match.",
     "DeviceProcessEvents\n| where ProcessCommandLine has \"--month\"\n| extend Month = extract(@\"--month (\\d{4}-\\d{2})\", 1, ProcessCommandLine)\n| project DeviceName, Month",
     "parse, matches regex"},
    {"iff", "iif case", SCALAR, "choose a value by a condition",
     "iff(Condition, IfTrue, IfFalse)    case(Cond1, Value1, Cond2, Value2, ..., Else)",
     "iff returns IfTrue when the condition is true and IfFalse otherwise (also when it is "
     "null). case() tests several conditions in turn.",
     "DeviceLogonEvents\n| extend Result = iff(ActionType == \"LogonFailed\", \"fail\", \"ok\")\n| summarize count() by Result",
     "case, coalesce"},
    {"isempty", "isnotempty", SCALAR, "is the value empty or null",
     "isempty(Value)    isnotempty(Value)",
     "isempty is true for null and for the empty string; isnotempty is its opposite. In "
     "Kusto a missing string is \"\", not null, so this is the test to use on strings "
     "(isnull is for numbers and datetimes).",
     "DeviceNetworkEvents\n| summarize WithUrl = countif(isnotempty(RemoteUrl)), WithoutUrl = countif(isempty(RemoteUrl))",
     "isnull, coalesce"},
    {"isnull", "isnotnull", SCALAR, "is the value null",
     "isnull(Value)    isnotnull(Value)",
     "True when the value is null: a number, datetime, bool or dynamic that is missing. "
     "Strings are never null in Kusto (they are empty): use isempty for them.",
     "DeviceProcessEvents\n| summarize NoSize = countif(isnull(FileSize)), Total = count()",
     "isempty"},
    {"coalesce", "", SCALAR, "the first value that is not null or empty",
     "coalesce(a, b, ...)",
     "Returns the first argument that is not null (for strings: not empty), to fill gaps "
     "from other columns.",
     "DeviceNetworkEvents\n| extend Target = coalesce(RemoteUrl, RemoteIP)\n| project Target, RemotePort\n| take 3",
     "iff, isempty"},
    {"tostring", "tolong toint toreal todouble tobool", SCALAR, "convert a value",
     "tostring(Value)    tolong(Value)    toint(Value)    toreal(Value)    tobool(Value)",
     "Converts a value to the type, or null when it cannot. Values taken out of dynamic "
     "(JSON) columns need it before they can be compared or grouped as their real type.",
     "print AsText = tostring(42), AsNumber = tolong(\"42\"), Bad = tolong(\"forty-two\")",
     "todatetime, parse_json"},
    {"todatetime", "totimespan", SCALAR, "convert to a datetime",
     "todatetime(Value)    totimespan(Value)",
     "Parses a string (ISO 8601 and the other formats Kusto accepts) into a datetime, or "
     "null when it is not one.",
     "print When = todatetime(\"2026-05-30 12:00:00\"), Later = todatetime(\"2026-05-30\") + 36h",
     "format_datetime, datetime_diff"},
    {"format_datetime", "", SCALAR, "write a datetime in a format",
     "format_datetime(Datetime, \"yyyy-MM-dd HH:mm:ss\")",
     "Formats a datetime with .NET-style parts: yyyy, MM, dd, HH, mm, ss, fff.",
     "DeviceLogonEvents\n| extend When = format_datetime(Timestamp, \"yyyy-MM-dd HH:mm\")\n| project When, DeviceName\n| take 3",
     "todatetime, bin"},
    {"datetime_diff", "", SCALAR, "calendar periods between two datetimes",
     "datetime_diff(Period, Datetime1, Datetime2)",
     "The number of Period boundaries ('day', 'hour', 'minute', ...) between Datetime2 and "
     "Datetime1 (positive when the first is later).",
     "DeviceLogonEvents\n| extend DaysAgo = datetime_diff(\"day\", now(), Timestamp)\n| project Timestamp, DaysAgo\n| take 3",
     "ago, bin"},
    {"parse_json", "todynamic parsejson", SCALAR, "read JSON text into a dynamic value",
     "parse_json(Text)",
     "Turns a JSON string into a dynamic value whose fields and elements can be read with "
     "x.field, x[\"field\"] and x[0]. Columns like AdditionalFields hold such text.",
     "print J = parse_json('{\"user\":\"a.novak\",\"ports\":[443,8443]}')\n| project User = tostring(J.user), FirstPort = toint(J.ports[0])",
     "mv-expand, tostring"},
    {"replace_string", "replace_regex", SCALAR, "replace text",
     "replace_string(Text, Lookup, Replacement)    replace_regex(Text, Pattern, Replacement)",
     "Replaces every occurrence of Lookup in Text (replace_regex: every match of the "
     "pattern, with \\1 for capture groups).",
     "DeviceProcessEvents\n| extend Folder = replace_string(FolderPath, FileName, \"\")\n| distinct Folder\n| take 3",
     "extract, trim"},
    {"startofday", "startofweek startofmonth endofday", SCALAR, "the start of the day of a datetime",
     "startofday(Datetime [, Offset])",
     "Midnight at the start of the datetime's day (startofweek: Sunday, startofmonth: the "
     "1st); endofday and friends give the last tick of the period.",
     "DeviceLogonEvents\n| summarize Logons = count() by Day = startofday(Timestamp)\n| take 3",
     "bin"},
};

#define NTOPICS ((int)(sizeof topics / sizeof topics[0]))

/* Topics that explain kql rather than KQL. */
static const char *const guide_names[] = {"operators", "functions", "shell", "explain", "tutorial"};

static bool word_in(const char *word, const char *list) {
  size_t n = strlen(word);
  for (const char *p = list; *p;) {
    while (*p == ' ') p++;
    const char *e = p;
    while (*e && *e != ' ') e++;
    if ((size_t)(e - p) == n && strncasecmp(p, word, n) == 0) return true;
    p = e;
  }
  return false;
}

/* The topic named 'name' (or one of its aliases, or "count()" as "count" when asked as a
** function); NULL when there is none. */
static const help_topic *find_topic(const char *name) {
  char buf[64];
  snprintf(buf, sizeof buf, "%s", name);
  size_t n = strlen(buf);
  if (n > 2 && strcmp(buf + n - 2, "()") == 0 && strcasecmp(buf, "count()") != 0) buf[n - 2] = 0;
  for (int i = 0; i < NTOPICS; i++)
    if (strcasecmp(topics[i].name, buf) == 0) return &topics[i];
  for (int i = 0; i < NTOPICS; i++)
    if (word_in(buf, topics[i].aliases)) return &topics[i];
  if (strcasecmp(buf, "matches") == 0) return find_topic("matches regex");
  return NULL;
}

/* Write 'text' wrapped at 'width' columns, each line starting with 'indent' blanks. */
static void wrap(FILE *out, const char *text, int indent, int width) {
  const char *p = text;
  while (*p) {
    int col = indent;
    fprintf(out, "%*s", indent, "");
    bool first = true;
    while (*p) {
      while (*p == ' ') p++;
      const char *e = p;
      while (*e && *e != ' ') e++;
      int len = (int)(e - p);
      if (!first && col + 1 + len > width) break;
      if (!first) fputc(' ', out), col++;
      fwrite(p, 1, (size_t)len, out);
      col += len;
      first = false;
      p = e;
    }
    fputc('\n', out);
  }
}

/* Write the lines of 'text' each after 'indent' blanks. */
static void indent_lines(FILE *out, const char *text, size_t len, int indent) {
  const char *p = text, *end = text + len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl ? nl : end;
    if (e > p) fprintf(out, "%*s%.*s\n", indent, "", (int)(e - p), p);
    else fputc('\n', out);
    p = nl ? nl + 1 : end;
  }
}

/* Run 'query' on 'e' and write its result as a table, indented; false when it fails. */
static bool run_example(kql_engine *e, const char *query, FILE *out) {
  kql_diag d;
  kql_query *q = kql_query_compile(e, query, strlen(query), &d);
  kql_result *r = NULL;
  if (q && kql_query_run(q, &r, &d) == KQL_OK) {
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (m) {
      kql_result_write(r, m, KQL_FMT_TABLE);
      fclose(m);
      indent_lines(out, buf, len, 4);
      free(buf);
    }
    kql_result_free(r);
    kql_query_free(q);
    return true;
  }
  fprintf(out, "    (the example did not run here: %s)\n", d.msg);
  kql_query_free(q);
  return false;
}

static void write_topic(kql_engine *e, const help_topic *t, FILE *out) {
  fprintf(out, "%s", t->name);
  if (*t->aliases) fprintf(out, "  (also: %s)", t->aliases);
  fprintf(out, "  -  %s: %s\n\n", t->kind, t->brief);
  indent_lines(out, t->syntax, strlen(t->syntax), 4);
  fputc('\n', out);
  wrap(out, t->text, 2, 90);
  if (t->example) {
    fputs("\nExample, on the shipped sample data:\n\n", out);
    indent_lines(out, t->example, strlen(t->example), 4);
    fputc('\n', out);
    if (e) run_example(e, t->example, out);
  }
  if (*t->see) fprintf(out, "\nSee also: %s\n", t->see);
}

/* A function without a topic of its own: what the registry says about it. */
static bool write_function(const char *name, FILE *out) {
  kql_function_info f;
  char buf[64];
  snprintf(buf, sizeof buf, "%s", name);
  size_t n = strlen(buf);
  if (n > 2 && strcmp(buf + n - 2, "()") == 0) buf[n - 2] = 0;
  for (int i = 0; kql_function(i, &f); i++) {
    if (strcasecmp(f.name, buf) != 0) continue;
    fprintf(out, "%s()  -  %s: %s\n\n", f.name, f.aggregate ? AGG : SCALAR, f.summary);
    if (f.min_args == f.max_args)
      fprintf(out, "    takes %d argument%s\n", f.min_args, f.min_args == 1 ? "" : "s");
    else
      fprintf(out, "    takes %d to %d arguments\n", f.min_args, f.max_args);
    fprintf(out, "\nThere is no worked example for it yet; 'kql help functions' lists the others.\n");
    return true;
  }
  return false;
}

static void list_operators(FILE *out, const char *kind, const char *title) {
  fprintf(out, "%s:\n", title);
  for (int i = 0; i < NTOPICS; i++)
    if (strcmp(topics[i].kind, kind) == 0 || (strcmp(kind, OPERATOR) == 0 && strcmp(topics[i].kind, "statement") == 0))
      fprintf(out, "  %-16s %s\n", topics[i].name, topics[i].brief);
}

/* The names of the functions, 'agg' the aggregates or the others, in columns. */
static void list_function_names(FILE *out, int agg) {
  kql_function_info f;
  int col = 0;
  for (int i = 0; kql_function(i, &f); i++) {
    if (f.aggregate != agg) continue;
    int w = (int)strlen(f.name) + 2;
    if (col + w > 90) fputc('\n', out), col = 0;
    fprintf(out, "%s%s", col ? "  " : "  ", f.name);
    col += w;
  }
  fputc('\n', out);
}

static void list_functions(FILE *out, bool full) {
  kql_function_info f;
  if (!full) {
    fputs("Aggregate functions (in summarize):\n", out);
    list_function_names(out, 1);
    fputs("Scalar functions:\n", out);
    list_function_names(out, 0);
    return;
  }
  for (int agg = 1; agg >= 0; agg--) {
    fputs(agg ? "Aggregate functions (in summarize):\n" : "\nScalar functions:\n", out);
    for (int i = 0; kql_function(i, &f); i++)
      if (f.aggregate == agg) fprintf(out, "  %-34s %s\n", f.name, f.summary);
  }
  fputs("\nTopics with an explanation and an example:", out);
  int col = 90;
  for (int i = 0; i < NTOPICS; i++)
    if (strstr(topics[i].kind, "function")) {
      if (col + strlen(topics[i].name) + 1 > 90) fputs("\n ", out), col = 1;
      fprintf(out, " %s", topics[i].name);
      col += (int)strlen(topics[i].name) + 1;
    }
  fputc('\n', out);
}

static const char *const guide_explain =
    "kql explain  -  what a query does, step by step\n\n"
    "  kql explain FILE|-e QUERY              the operator pipeline: each step, the columns a\n"
    "                                         scan reads, which steps block\n"
    "  kql explain --analyze FILE|-e QUERY    run it and show per step rows in, rows out and\n"
    "                                         time: where the rows are filtered away\n"
    "  kql explain --why N FILE|-e QUERY      follow row N (from 1, in file order) of the\n"
    "                                         query's first table: the step that drops it and\n"
    "                                         the condition that fails, with its values\n"
    "  kql explain --why 'PREDICATE' ...      the same for the first row where PREDICATE holds\n\n"
    "  Example:  kql explain --why 'FileName == \"tvnserver.exe\"' queries/rmm_TightVNC_createproc.kql\n";

static const char *const guide_tutorial =
    "The tutorial, docs/tutorial.md, has ten short lessons on the shipped data, from\n"
    "'take 10' to the TightVNC detection rule in queries/, each with its real output.\n";

static int write_guide(const char *name, FILE *out) {
  if (strcmp(name, "operators") == 0) {
    list_operators(out, OPERATOR, "Tabular operators (T | operator ...)");
    fputc('\n', out);
    list_operators(out, EXPR, "Operators in expressions");
  } else if (strcmp(name, "functions") == 0) {
    list_functions(out, true);
  } else if (strcmp(name, "shell") == 0) {
    fputs("kql shell  -  an interactive prompt over the data folders (also 'kql' alone on a\n"
          "terminal).  Results taller than the screen go through $PAGER or a built-in pager.\n\n", out);
    fputs(help_shell_text(), out);
  } else if (strcmp(name, "explain") == 0 || strcmp(name, "--why") == 0 ||
             strcmp(name, "--analyze") == 0) {
    fputs(guide_explain, out);
  } else if (strcmp(name, "tutorial") == 0) {
    fputs(guide_tutorial, out);
  } else {
    return 0;
  }
  return 1;
}

/* Edit distance of 'a' and 'b' (short names), for "did you mean". */
static int distance(const char *a, const char *b) {
  int la = (int)strlen(a), lb = (int)strlen(b);
  if (la > 40 || lb > 40) return 99;
  int d[41][41];
  for (int i = 0; i <= la; i++) d[i][0] = i;
  for (int j = 0; j <= lb; j++) d[0][j] = j;
  for (int i = 1; i <= la; i++)
    for (int j = 1; j <= lb; j++) {
      int c = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
      int m = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < m) m = d[i][j - 1] + 1;
      if (d[i - 1][j - 1] + c < m) m = d[i - 1][j - 1] + c;
      d[i][j] = m;
    }
  return d[la][lb];
}

static const char *suggest(const char *name) {
  const char *best = NULL;
  int bd = (int)strlen(name) / 3 + 1;
  for (int i = 0; i < NTOPICS; i++) {
    int k = distance(name, topics[i].name);
    if (k < bd) bd = k, best = topics[i].name;
  }
  kql_function_info f;
  for (int i = 0; kql_function(i, &f); i++) {
    int k = distance(name, f.name);
    if (k < bd) bd = k, best = f.name;
  }
  return best;
}

int help_write(kql_engine *e, const char *topic, FILE *out) {
  if (!topic) {
    list_operators(out, OPERATOR, "Tabular operators (T | operator ...)");
    fputc('\n', out);
    list_operators(out, EXPR, "Operators in expressions");
    fputc('\n', out);
    list_functions(out, false);
    fputs("\nkql help TOPIC explains an operator or function with an example that runs on the\n"
          "shipped data: kql help where, kql help has, kql help make_set.  Also: kql help\n"
          "functions (with summaries), kql help shell, kql help explain, kql help tutorial.\n",
          out);
    return 0;
  }
  const help_topic *t = find_topic(topic);
  if (t) {
    write_topic(e, t, out);
    return 0;
  }
  if (write_guide(topic, out) || write_function(topic, out)) return 0;
  const char *s = suggest(topic); /* an error: to stderr, as every error of the CLI */
  fflush(out);
  fprintf(stderr, "kql: no help on '%s'", topic);
  if (s) fprintf(stderr, "; did you mean '%s'?", s);
  fputs("  ('kql help' lists the topics)\n", stderr);
  return 1;
}

const char *help_operator(int i) {
  int k = 0;
  for (int j = 0; j < NTOPICS; j++) {
    if (strcmp(topics[j].kind, OPERATOR) != 0) continue;
    if (k++ == i) return topics[j].name;
  }
  /* operators without a topic of their own */
  static const char *const more[] = {"filter", "limit", "order", "project-keep", "project-reorder",
                                     "parse-where", "sample", "as", "invoke", "evaluate"};
  int m = i - k;
  return m >= 0 && m < (int)(sizeof more / sizeof more[0]) ? more[m] : NULL;
}

void help_list_examples(FILE *out) {
  for (int i = 0; i < NTOPICS; i++) {
    if (!topics[i].example) continue;
    fprintf(out, "%s\t", topics[i].name);
    for (const char *p = topics[i].example; *p; p++) fputc(*p == '\n' ? ' ' : *p, out);
    fputc('\n', out);
  }
}

/* The first word of 'p' (letters, digits, '_' and '-') into 'buf'. */
static void first_word(const char *p, const char *end, char *buf, size_t cap) {
  size_t n = 0;
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
  while (p < end && n + 1 < cap && (isalnum((unsigned char)*p) || *p == '_' || *p == '-'))
    buf[n++] = *p++;
  buf[n] = 0;
}

/* The quoted name in 'msg' after 'lead' ("function 'x' ..."), into 'buf'. */
static bool quoted_after(const char *msg, const char *lead, char *buf, size_t cap) {
  size_t n = strlen(lead);
  if (strncmp(msg, lead, n) != 0) return false;
  const char *e = strchr(msg + n, '\'');
  if (!e || (size_t)(e - (msg + n)) >= cap) return false;
  memcpy(buf, msg + n, (size_t)(e - (msg + n)));
  buf[e - (msg + n)] = 0;
  return true;
}

const char *help_topic_for(const kql_diag *d, const char *src, size_t len) {
  static char name[64]; /* the CLI is single-threaded; the answer is used at once */
  const help_topic *t = NULL;
  if (d->code != KQL_ERR_SYNTAX && d->code != KQL_ERR_BIND && d->code != KQL_ERR_TYPE) return NULL;
  if (quoted_after(d->msg, "function '", name, sizeof name)) {
    t = find_topic(name);
    if (!t) {
      kql_function_info f;
      for (int i = 0; kql_function(i, &f); i++)
        if (strcmp(f.name, name) == 0) return name;
      return NULL;
    }
  } else if (quoted_after(d->msg, "operator '", name, sizeof name) ||
             quoted_after(d->msg, "'", name, sizeof name)) {
    t = find_topic(name);
  } else if (strncmp(d->msg, "where expects", 13) == 0) {
    t = find_topic("where");
  } else if (strstr(d->msg, " expects a constant whole number")) {
    first_word(d->msg, d->msg + strlen(d->msg), name, sizeof name);
    t = find_topic(name);
  } else if (d->code == KQL_ERR_SYNTAX && d->has_span && src && d->start <= len) {
    /* a syntax error inside an operator: the word after the '|' before it */
    const char *p = src + d->start;
    while (p > src && p[-1] != '|') p--;
    if (p > src) {
      first_word(p, src + len, name, sizeof name);
      t = find_topic(name);
      if (t && strcmp(t->kind, OPERATOR) != 0) t = NULL;
    }
  }
  return t ? t->name : NULL;
}

const char *help_topic_name(int i) {
  if (i >= 0 && i < NTOPICS) return topics[i].name;
  i -= NTOPICS;
  return i >= 0 && i < (int)(sizeof guide_names / sizeof guide_names[0]) ? guide_names[i] : NULL;
}
