/*
** kql.y: the Bison grammar of KQL statements, tabular operators and scalar expressions.
** Pure and reentrant, with byte-span locations.  Every action is one call to a helper in
** parse.c that builds AST nodes (ast.h); the grammar itself decides nothing else.
*/
%require "3.6"
%define api.pure full
%define api.prefix {kql_yy}
%define api.token.prefix {TOK_}
%define api.location.type {kql_span}
%define parse.error custom
%define parse.lac full
%locations
%param {yyscan_t scanner}
%parse-param {kql_parser *p}
%expect 0

%code requires {
#include "parse.h"
#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif
#define YYLLOC_DEFAULT(Cur, Rhs, N)                      \
  do {                                                   \
    if (N) {                                             \
      (Cur).start = YYRHSLOC(Rhs, 1).start;              \
      (Cur).end = YYRHSLOC(Rhs, N).end;                  \
    } else {                                             \
      (Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end;    \
    }                                                    \
  } while (0)
}

%code provides {
KQL_INTERNAL int kql_yylex(KQL_YYSTYPE *yylval, kql_span *yylloc, yyscan_t scanner);
KQL_INTERNAL void kql_yyerror(kql_span *loc, yyscan_t scanner, kql_parser *p, const char *msg);
}

%union {
  ast *node;       /* a node */
  ast_list list;   /* a list of nodes */
  const char *str; /* an identifier */
  int op;          /* an operator (ast_op) or flags */
}

%token <op> IDENT "identifier"
%token <op> BRACKETNAME "bracketed name"
%token <op> STRING "string literal"
%token <op> BADSTRING "unterminated string literal"
%token <op> BADDYNAMIC "unterminated dynamic literal"
%token <op> LONG "number"
%token <op> REAL "real number"
%token <op> TIMESPAN "timespan literal"
%token <op> DATETIME "datetime literal"
%token <op> TIMESPANLIT "time literal"
%token <op> TYPEDLIT "typed literal"
%token <op> DYNAMIC "dynamic literal"
%token <op> TRUE "true"
%token <op> FALSE "false"
%token <op> LET "let"
%token <op> BY "by"
%token <op> AND "and"
%token <op> OR "or"
%token <op> BETWEEN "between"
%token <op> STROP "string operator"
%token <op> INOP "in"
%token <op> ASC "asc"
%token <op> DESC "desc"
%token <op> NULLS "nulls"
%token <op> FIRST "first"
%token <op> LAST "last"
%token <op> WHERE "where"
%token <op> SUMMARIZE "summarize"
%token <op> PROJECT "project"
%token <op> EXTEND "extend"
%token <op> TAKE "take"
%token <op> SORT "sort"
%token <op> TOP "top"
%token <op> COUNT "count"
%token <op> DISTINCT "distinct"
%token <op> JOIN "join"
%token <op> LOOKUP "lookup"
%token <op> UNION "union"
%token <op> PROJECT_AWAY "project-away"
%token <op> PROJECT_KEEP "project-keep"
%token <op> PROJECT_RENAME "project-rename"
%token <op> PROJECT_REORDER "project-reorder"
%token <op> MVEXPAND "mv-expand"
%token <op> PARSE "parse"
%token <op> RENDER "render"
%token <op> SERIALIZE "serialize"
%token <op> AS "as"
%token <op> GETSCHEMA "getschema"
%token <op> SAMPLE "sample"
%token <op> INVOKE "invoke"
%token <op> EVALUATE "evaluate"
%token <op> PRINT "print"
%token <op> DATATABLE "datatable"
%token <op> RANGE "range"
%token <op> EXTERNALDATA "externaldata"
%token <op> VIEW "view"
%token <op> PARSEKV "parse-kv"
%token <op> TOPNESTED "top-nested"
%token <op> OF "of"
%token <op> FIND "find"
%token <op> SEARCH "search"
%token <op> ALIAS "alias"
%token <op> PROJECT_SMART "project-smart"
%token <op> MVAPPLY "mv-apply"
%token <op> PARTITION "partition"
%token <op> MAKESERIES "make-series"
%token <op> OPTNAME "option name"
%token <op> PATTERN "column pattern"
%token <op> WITH "with"
%token <op> ON "on"
%token <op> TO "to"
%token <op> UNSUPPORTED "unsupported operator"
%token <op> BADOP "unknown operator"
%token PIPE "|"
%token SEMI ";"
%token COMMA ","
%token LPAREN "("
%token RPAREN ")"
%token LBRACK "["
%token RBRACK "]"
%token LBRACE "{"
%token RBRACE "}"
%token DOTDOT ".."
%token DOT "."
%token COLON ":"
%token EQ "=="
%token ASSIGN "="
%token NE "!="
%token EQCI "=~"
%token NECI "!~"
%token LT "<"
%token LE "<="
%token GT ">"
%token GE ">="
%token PLUS "+"
%token MINUS "-"
%token STAR "*"
%token SLASH "/"
%token PERCENT "%"
%token INVALID "invalid character"

%type <node> query stmt pipe operator expr postfix primary literal item sortkey source
%type <node> arg funcdef param option optvalue joinkey mvitem parseelem unionsrc reorderkey subops
%type <list> stmts items sortkeys args arglist exprs opts params paramlist joinkeys mvitems
%type <list> parseelems unionsrcs names reorderkeys coldecls fnbody tuple evalschema
%type <list> msaggs msbounds
%type <node> msagg msaxis
%type <list> tnlevels findsrcs findcols
%type <node> tnlevel findproj findcol searchpred
%type <str> name
%type <op> order nulls

%left OR
%left AND
%nonassoc EQ NE LT LE GT GE EQCI NECI STROP INOP BETWEEN
%left PLUS MINUS
%left STAR SLASH PERCENT
%precedence UMINUS

%%

query:
    stmts                         { $$ = p->result = parse_list_node(p, @$, AST_QUERY, $1); }
  ;

stmts:
    stmt                          { $$ = parse_list1(p, $1); }
  | stmts SEMI stmt               { $$ = parse_list_add(p, $1, $3); }
  | stmts SEMI                    { $$ = $1; }
  ;

stmt:
    LET name ASSIGN pipe          { $$ = parse_let(p, @$, $2, $4); }
  | LET BRACKETNAME ASSIGN pipe   { $$ = parse_let(p, @$, parse_bracket_name(p, @2), $4); }
  | LET name ASSIGN funcdef       { $$ = parse_let(p, @$, $2, $4); }
  | ALIAS name name ASSIGN expr   { $$ = parse_alias(p, @$, $2, @2, $3, $5); }
  | pipe                          { $$ = $1; }
  ;

funcdef:
    LPAREN params RPAREN LBRACE fnbody RBRACE
                                  { $$ = parse_func(p, @$, $2, $5, false); }
  | VIEW LPAREN params RPAREN LBRACE fnbody RBRACE
                                  { $$ = parse_func(p, @$, $3, $6, true); }
  ;

fnbody:
    stmts                         { $$ = $1; }
  ;

params:
    %empty                        { $$ = (ast_list){0}; }
  | paramlist                     { $$ = $1; }
  ;

paramlist:
    param                         { $$ = parse_list1(p, $1); }
  | paramlist COMMA param         { $$ = parse_list_add(p, $1, $3); }
  ;

param:
    name COLON name               { $$ = parse_param(p, @$, $1, @3, NULL); }
  | name COLON name ASSIGN expr   { $$ = parse_param(p, @$, $1, @3, $5); }
  | name COLON LPAREN STAR RPAREN { $$ = parse_tabparam(p, @$, $1, (ast_list){0}); }
  | name COLON LPAREN coldecls RPAREN
                                  { $$ = parse_tabparam(p, @$, $1, $4); }
  ;

/* the output schema of evaluate plugin(...) : (*, Name:type, ...) */
evalschema:
    STAR                          { $$ = parse_list1(p, parse_wildcard(p, @1)); }
  | coldecls                      { $$ = $1; }
  | STAR COMMA coldecls           { $$ = parse_list_add(p, $3, parse_wildcard(p, @1)); }
  ;

coldecls:
    name COLON name               { $$ = parse_list1(p, parse_param(p, @$, $1, @3, NULL)); }
  | coldecls COMMA name COLON name
                                  { $$ = parse_list_add(p, $1, parse_param(p, @3, $3, @5, NULL)); }
  ;

pipe:
    expr                          { $$ = $1; }
  | source                        { $$ = $1; }
  | pipe PIPE operator            { $$ = parse_pipe(p, $1, $3); }
  ;

source:
    PRINT items                   { $$ = parse_list_node(p, @$, AST_PRINT, $2); }
  | DATATABLE LPAREN coldecls RPAREN LBRACK RBRACK
                                  { $$ = parse_datatable(p, @$, $3, (ast_list){0}); }
  | DATATABLE LPAREN coldecls RPAREN LBRACK exprs RBRACK
                                  { $$ = parse_datatable(p, @$, $3, $6); }
  | DATATABLE LPAREN coldecls RPAREN LBRACK exprs COMMA RBRACK
                                  { $$ = parse_datatable(p, @$, $3, $6); }
  | DATATABLE LPAREN coldecls RPAREN BRACKETNAME
                                  { $$ = parse_datatable(p, @$, $3, parse_list1(p, parse_string(p, parse_bracket_inner(p, @5)))); }
  | RANGE name name expr TO expr name expr
                                  { $$ = parse_range(p, @$, $2, @3, $4, $6, @7, $8); }
  | UNION opts unionsrcs          { $$ = parse_union(p, @$, $2, $3); }
  | SEARCH opts findsrcs searchpred
                                  { $$ = parse_search(p, @$, NULL, $2, $3, $4); }
  | FIND opts findsrcs WHERE expr findproj
                                  { $$ = parse_find(p, @$, $2, $3, $5, $6); }
  | FIND opts findsrcs expr findproj
                                  { $$ = parse_find(p, @$, $2, $3, $4, $5); }
  | EXTERNALDATA LPAREN coldecls RPAREN LBRACK exprs RBRACK
                                  { $$ = parse_externaldata(p, @$, $3, $6, (ast_list){0}); }
  | EXTERNALDATA LPAREN coldecls RPAREN LBRACK exprs RBRACK WITH LPAREN items RPAREN
                                  { $$ = parse_externaldata(p, @$, $3, $6, $10); }
  | EXTERNALDATA LPAREN coldecls RPAREN BRACKETNAME
                                  { $$ = parse_externaldata(p, @$, $3, parse_list1(p, parse_string(p, parse_bracket_inner(p, @5))), (ast_list){0}); }
  | EXTERNALDATA LPAREN coldecls RPAREN BRACKETNAME WITH LPAREN items RPAREN
                                  { $$ = parse_externaldata(p, @$, $3, parse_list1(p, parse_string(p, parse_bracket_inner(p, @5))), $8); }
  | EVALUATE name LPAREN RPAREN   { $$ = parse_op(p, @$, AST_EVALUATE, parse_call(p, @$, $2, @2, (ast_list){0})); }
  | EVALUATE name LPAREN args RPAREN
                                  { $$ = parse_op(p, @$, AST_EVALUATE, parse_call(p, @$, $2, @2, $4)); }
  ;

operator:
    WHERE expr                    { $$ = parse_op(p, @$, AST_WHERE, $2); }
    /* where Name = Pred: Kusto's parser reads a named expression, and the predicate is its
    ** value (Name is ignored: where IsAdmin = true keeps every row, where x = 1 is a type
    ** error, not a comparison), as Kusto.Language's syntax tree for it shows */
  | WHERE name ASSIGN expr        { $$ = parse_op(p, @$, AST_WHERE, $4); }
  | WHERE STAR STROP expr         { $$ = parse_op(p, @$, AST_WHERE, parse_binary(p, (kql_span){@2.start, @4.end}, $3, parse_wildcard(p, @2), $4)); }
  | SUMMARIZE opts items          { $$ = parse_summarize(p, @$, $2, $3, NULL); }
  | SUMMARIZE opts items BY items { $$ = parse_summarize(p, @$, $2, $3, &$5); }
  | SUMMARIZE opts BY items       { $$ = parse_summarize(p, @$, $2, (ast_list){0}, &$4); }
  | JOIN opts primary ON joinkeys { $$ = parse_join(p, @$, AST_JOIN, $2, $3, $5); }
  | LOOKUP opts primary ON joinkeys
                                  { $$ = parse_join(p, @$, AST_LOOKUP, $2, $3, $5); }
  | UNION opts unionsrcs          { $$ = parse_union(p, @$, $2, $3); }
  | PROJECT_AWAY names            { $$ = parse_list_node(p, @$, AST_PROJECT_AWAY, $2); }
  | PROJECT_KEEP names            { $$ = parse_list_node(p, @$, AST_PROJECT_KEEP, $2); }
  | PROJECT_RENAME items          { $$ = parse_list_node(p, @$, AST_PROJECT_RENAME, $2); }
  | PROJECT_REORDER reorderkeys   { $$ = parse_list_node(p, @$, AST_PROJECT_REORDER, $2); }
  | MVAPPLY opts mvitems ON LPAREN subops RPAREN
                                  { $$ = parse_mvapply(p, @$, $2, $3, NULL, $6); }
  | MVAPPLY opts mvitems name expr ON LPAREN subops RPAREN
                                  { $$ = parse_mvapply(p, @$, $2, $3, $5, $8); }
  | MAKESERIES opts msaggs ON expr msaxis
                                  { $$ = parse_makeseries(p, @$, $2, $3, $5, $6, NULL); }
  | MAKESERIES opts msaggs ON expr msaxis BY items
                                  { $$ = parse_makeseries(p, @$, $2, $3, $5, $6, &$8); }
  | MVEXPAND opts mvitems         { $$ = parse_mvexpand(p, @$, $2, $3, NULL); }
  | MVEXPAND opts mvitems name expr
                                  { $$ = parse_mvexpand_limit(p, @$, $2, $3, $4, @4, $5); }
  | PARSE opts expr WITH parseelems
                                  { $$ = parse_parse(p, @$, $1, $2, $3, $5); }
  | PARSEKV expr name LPAREN findcols RPAREN
                                  { $$ = parse_parsekv(p, @$, $2, $3, @3, $5, (ast_list){0}); }
  | PARSEKV expr name LPAREN findcols RPAREN WITH LPAREN items RPAREN
                                  { $$ = parse_parsekv(p, @$, $2, $3, @3, $5, $9); }
  | TOPNESTED tnlevels            { $$ = parse_list_node(p, @$, AST_TOPNESTED, $2); }
  | PARTITION opts BY name LPAREN subops RPAREN
                                  { $$ = parse_partition(p, @$, $2, $4, @4, $6); }
  | PARTITION opts BY name LBRACE { parse_unsupported_what(p, @5, "partition by Col { subquery with its own source }"); YYABORT; }
  | SEARCH opts searchpred        { $$ = parse_search(p, @$, NULL, $2, (ast_list){0}, $3); }
  | RENDER name                   { $$ = parse_render(p, @$, $2, (ast_list){0}); }
  | RENDER name WITH LPAREN items RPAREN
                                  { $$ = parse_render(p, @$, $2, $5); }
  | SERIALIZE                     { $$ = parse_list_node(p, @$, AST_SERIALIZE, (ast_list){0}); }
  | SERIALIZE items               { $$ = parse_list_node(p, @$, AST_SERIALIZE, $2); }
  | AS opts name                  { $$ = parse_as(p, @$, $3); }
  | GETSCHEMA                     { $$ = parse_op(p, @$, AST_GETSCHEMA, NULL); }
  | SAMPLE expr                   { $$ = parse_op(p, @$, AST_SAMPLE, $2); }
  | INVOKE name LPAREN RPAREN     { $$ = parse_op(p, @$, AST_INVOKE, parse_call(p, @$, $2, @2, (ast_list){0})); }
  | INVOKE name LPAREN args RPAREN
                                  { $$ = parse_op(p, @$, AST_INVOKE, parse_call(p, @$, $2, @2, $4)); }
  | EVALUATE opts name LPAREN RPAREN
                                  { $$ = parse_op(p, @$, AST_EVALUATE, parse_call(p, @$, $3, @3, (ast_list){0})); }
  | EVALUATE opts name LPAREN args RPAREN
                                  { $$ = parse_op(p, @$, AST_EVALUATE, parse_call(p, @$, $3, @3, $5)); }
  | EVALUATE opts name LPAREN args RPAREN COLON LPAREN evalschema RPAREN
                                  { $$ = parse_evaluate_schema(p, @$, parse_call(p, @$, $3, @3, $5), $9); }
  | PROJECT items                 { $$ = parse_list_node(p, @$, AST_PROJECT, $2); }
  | EXTEND items                  { $$ = parse_list_node(p, @$, AST_EXTEND, $2); }
  | TAKE opts expr                { $$ = parse_op(p, @$, AST_TAKE, $3); }
  | SORT BY sortkeys              { $$ = parse_list_node(p, @$, AST_SORT, $3); }
  | TOP expr BY sortkey           { $$ = parse_top(p, @$, $2, $4); }
  | COUNT                         { $$ = parse_op(p, @$, AST_COUNT, NULL); }
  | DISTINCT opts items           { $$ = parse_list_node(p, @$, AST_DISTINCT, $3); }
  | DISTINCT opts STAR            { $$ = parse_distinct_star(p, @$); }
  | UNSUPPORTED                   { parse_unsupported(p, @1); YYABORT; }
  | BADOP                         { parse_bad_operator(p, @1); YYABORT; }
  ;

/* make-series: Agg [default = v], ...; the axis: from/to/step words, or in range(a, b, c) */
msaggs:
    msagg                         { $$ = parse_list1(p, $1); }
  | msaggs COMMA msagg            { $$ = parse_list_add(p, $1, $3); }
  ;

msagg:
    item                          { $$ = parse_msagg(p, @$, $1, NULL, @1, NULL); }
  | item name ASSIGN expr         { $$ = parse_msagg(p, @$, $1, $2, @2, $4); }
  ;

msaxis:
    msbounds                      { $$ = parse_msaxis(p, @$, $1); }
  | INOP name LPAREN args RPAREN  { $$ = parse_msrange(p, @$, $1, @1, $2, @2, $4); }
  ;

msbounds:
    name expr                     { $$ = parse_list1(p, parse_option(p, @$, @1, $2)); }
  | TO expr                       { $$ = parse_list1(p, parse_option(p, @$, @1, $2)); }
  | msbounds name expr            { $$ = parse_list_add(p, $1, parse_option(p, (kql_span){@2.start, @3.end}, @2, $3)); }
  | msbounds TO expr              { $$ = parse_list_add(p, $1, parse_option(p, (kql_span){@2.start, @3.end}, @2, $3)); }
  ;

/* top-nested [N] of Expr [with others = v] by Agg [asc|desc], top-nested ... */
tnlevels:
    tnlevel                       { $$ = parse_list1(p, $1); }
  | tnlevels COMMA TOPNESTED tnlevel
                                  { $$ = parse_list_add(p, $1, $4); }
  ;

tnlevel:
    OF item BY item order         { $$ = parse_tnlevel(p, @$, NULL, $2, NULL, NULL, @$, $4, $5); }
  | expr OF item BY item order    { $$ = parse_tnlevel(p, @$, $1, $3, NULL, NULL, @$, $5, $6); }
  | OF item WITH name ASSIGN expr BY item order
                                  { $$ = parse_tnlevel(p, @$, NULL, $2, $4, $6, @4, $8, $9); }
  | expr OF item WITH name ASSIGN expr BY item order
                                  { $$ = parse_tnlevel(p, @$, $1, $3, $5, $7, @5, $9, $10); }
  ;

/* find/search: in (T, ...); find's project-smart | project Col[:type], ... */
findsrcs:
    %empty                        { $$ = (ast_list){0}; }
  | INOP LPAREN unionsrcs RPAREN  { $$ = $3; }
  ;

/* a search predicate; Col:"term" looks for the term in that column only */
searchpred:
    expr                          { $$ = $1; }
  | STAR STROP expr               { $$ = parse_binary(p, @$, $2, parse_wildcard(p, @1), $3); }
  | STAR                          { $$ = parse_bool(p, @1, true); }
  | name COLON literal            { $$ = parse_search_term(p, @$, parse_name(p, @1, $1), $3); }
  | name COLON literal AND expr   { $$ = parse_binary(p, @$, OP_AND, parse_search_term(p, (kql_span){@1.start, @3.end}, parse_name(p, @1, $1), $3), $5); }
  | name COLON literal OR expr    { $$ = parse_binary(p, @$, OP_OR, parse_search_term(p, (kql_span){@1.start, @3.end}, parse_name(p, @1, $1), $3), $5); }
  ;

findproj:
    %empty                        { $$ = NULL; }
  | PROJECT_SMART                 { $$ = NULL; }
  | PROJECT findcols              { $$ = parse_list_node(p, @$, AST_PROJECT, $2); }
  ;

findcols:
    findcol                       { $$ = parse_list1(p, $1); }
  | findcols COMMA findcol        { $$ = parse_list_add(p, $1, $3); }
  ;

findcol:
    name                          { $$ = parse_kvcol(p, @$, $1, @1, false); }
  | BRACKETNAME                   { $$ = parse_kvcol(p, @$, parse_bracket_name(p, @1), @1, false); }
  | name COLON name               { $$ = parse_kvcol(p, @$, $1, @3, true); }
  | BRACKETNAME COLON name        { $$ = parse_kvcol(p, @$, parse_bracket_name(p, @1), @3, true); }
  | name LPAREN RPAREN            { $$ = parse_findcall(p, @$); }
  ;

subops:
    operator                      { $$ = $1; }
  | subops PIPE operator          { $$ = parse_pipe(p, $1, $3); }
  ;

opts:
    %empty                        { $$ = (ast_list){0}; }
  | opts option                   { $$ = parse_list_add(p, $1, $2); }
  ;

option:
    OPTNAME ASSIGN optvalue       { $$ = parse_option(p, @$, @1, $3); }
  ;

optvalue:
    name                          { $$ = parse_name(p, @$, $1); }
  | STRING                        { $$ = parse_string(p, @1); }
  | LONG                          { $$ = parse_number(p, @1, false); }
  | TRUE                          { $$ = parse_bool(p, @1, true); }
  | FALSE                         { $$ = parse_bool(p, @1, false); }
  ;

joinkeys:
    joinkey                       { $$ = parse_list1(p, $1); }
  | joinkeys COMMA joinkey        { $$ = parse_list_add(p, $1, $3); }
  ;

joinkey:
    expr                          { $$ = $1; }
  ;

unionsrcs:
    unionsrc                      { $$ = parse_list1(p, $1); }
  | unionsrcs COMMA unionsrc      { $$ = parse_list_add(p, $1, $3); }
  ;

unionsrc:
    primary                       { $$ = $1; }
  | primary DOT name              { $$ = parse_member(p, @$, $1, $3, @3); }
  | name STAR                     { $$ = parse_wildcard(p, @$); }
  | STAR                          { $$ = parse_wildcard(p, @$); }
  ;

names:
    name                          { $$ = parse_list1(p, parse_name(p, @1, $1)); }
  | BRACKETNAME                   { $$ = parse_list1(p, parse_name(p, @1, parse_bracket_name(p, @1))); }
  | PATTERN                       { $$ = parse_list1(p, parse_wildcard(p, @1)); }
  | STAR                          { $$ = parse_list1(p, parse_wildcard(p, @$)); }
  | names COMMA name              { $$ = parse_list_add(p, $1, parse_name(p, @3, $3)); }
  | names COMMA BRACKETNAME       { $$ = parse_list_add(p, $1, parse_name(p, @3, parse_bracket_name(p, @3))); }
  | names COMMA PATTERN           { $$ = parse_list_add(p, $1, parse_wildcard(p, @3)); }
  | names COMMA STAR              { $$ = parse_list_add(p, $1, parse_wildcard(p, @3)); }
  ;

reorderkeys:
    reorderkey                    { $$ = parse_list1(p, $1); }
  | reorderkeys COMMA reorderkey  { $$ = parse_list_add(p, $1, $3); }
  ;

reorderkey:
    name order                    { $$ = parse_sortkey(p, @$, parse_name(p, @1, $1), $2); }
  | BRACKETNAME order             { $$ = parse_sortkey(p, @$, parse_name(p, @1, parse_bracket_name(p, @1)), $2); }
  | PATTERN order                 { $$ = parse_sortkey(p, @$, parse_wildcard(p, @1), $2); }
  | STAR order                    { $$ = parse_sortkey(p, @$, parse_wildcard(p, @1), $2); }
  ;

mvitems:
    mvitem                        { $$ = parse_list1(p, $1); }
  | mvitems COMMA mvitem          { $$ = parse_list_add(p, $1, $3); }
  ;

mvitem:
    item                          { $$ = $1; }
  | item TO name LPAREN name RPAREN
                                  { $$ = parse_mvitem_type(p, @$, $1, $3, @3, @5); }
  ;

parseelems:
    parseelem                     { $$ = parse_list1(p, $1); }
  | parseelems parseelem          { $$ = parse_list_add(p, $1, $2); }
  ;

parseelem:
    STRING                        { $$ = parse_string(p, @1); }
  | STAR                          { $$ = parse_wildcard(p, @1); }
  | name                          { $$ = parse_param(p, @$, $1, @1, NULL); }
  | BRACKETNAME                   { $$ = parse_param(p, @$, parse_bracket_name(p, @1), @1, NULL); }
  | name COLON name               { $$ = parse_param(p, @$, $1, @3, NULL); }
  ;

items:
    item                          { $$ = parse_list1(p, $1); }
  | items COMMA item              { $$ = parse_list_add(p, $1, $3); }
  ;

item:
    expr                          { $$ = $1; }
  | name ASSIGN expr              { $$ = parse_assign(p, @$, $1, @1, $3); }
  | BRACKETNAME ASSIGN expr       { $$ = parse_assign(p, @$, parse_bracket_name(p, @1), @1, $3); }
  | LPAREN tuple RPAREN ASSIGN expr
                                  { $$ = parse_tuple_assign(p, @$, $2, $5); }
  ;

tuple:
    name COMMA name               { $$ = parse_list_add(p, parse_list1(p, parse_name(p, @1, $1)), parse_name(p, @3, $3)); }
  | tuple COMMA name              { $$ = parse_list_add(p, $1, parse_name(p, @3, $3)); }
  ;

sortkeys:
    sortkey                       { $$ = parse_list1(p, $1); }
  | sortkeys COMMA sortkey        { $$ = parse_list_add(p, $1, $3); }
  ;

sortkey:
    expr order nulls              { $$ = parse_sortkey(p, @$, $1, $2 | $3); }
  ;

order:
    %empty                        { $$ = 0; }
  | ASC                           { $$ = AST_SORT_ASC | AST_SORT_SET | ($1 ? AST_SORT_GRANNY : 0); }
  | DESC                          { $$ = AST_SORT_SET | ($1 ? AST_SORT_GRANNY : 0); }
  ;

nulls:
    %empty                        { $$ = 0; }
  | NULLS FIRST                   { $$ = AST_SORT_NULLS_SET | AST_SORT_NULLS_FIRST; }
  | NULLS LAST                    { $$ = AST_SORT_NULLS_SET; }
  ;

expr:
    expr OR expr                  { $$ = parse_binary(p, @$, OP_OR, $1, $3); }
  | expr AND expr                 { $$ = parse_binary(p, @$, OP_AND, $1, $3); }
  | expr EQ expr                  { $$ = parse_binary(p, @$, OP_EQ, $1, $3); }
  | expr NE expr                  { $$ = parse_binary(p, @$, OP_NE, $1, $3); }
  | expr LT expr                  { $$ = parse_binary(p, @$, OP_LT, $1, $3); }
  | expr LE expr                  { $$ = parse_binary(p, @$, OP_LE, $1, $3); }
  | expr GT expr                  { $$ = parse_binary(p, @$, OP_GT, $1, $3); }
  | expr GE expr                  { $$ = parse_binary(p, @$, OP_GE, $1, $3); }
  | expr EQCI expr                { $$ = parse_binary(p, @$, OP_EQ_CI, $1, $3); }
  | expr NECI expr                { $$ = parse_binary(p, @$, OP_NE_CI, $1, $3); }
  | expr STROP expr               { $$ = parse_binary(p, @$, $2, $1, $3); }
  | expr INOP LPAREN args RPAREN  { $$ = parse_inlist(p, @$, $2, $1, $4); }
  | expr BETWEEN LPAREN expr DOTDOT expr RPAREN
                                  { $$ = parse_between(p, @$, $2, $1, $4, $6); }
  | expr PLUS expr                { $$ = parse_binary(p, @$, OP_ADD, $1, $3); }
  | expr MINUS expr               { $$ = parse_binary(p, @$, OP_SUB, $1, $3); }
  | expr STAR expr                { $$ = parse_binary(p, @$, OP_MUL, $1, $3); }
  | expr SLASH expr               { $$ = parse_binary(p, @$, OP_DIV, $1, $3); }
  | expr PERCENT expr             { $$ = parse_binary(p, @$, OP_MOD, $1, $3); }
  | MINUS expr %prec UMINUS       { $$ = parse_unary(p, @$, OP_NEG, $2); }
  | PLUS expr %prec UMINUS        { $$ = parse_unary(p, @$, OP_POS, $2); }
  | postfix                       { $$ = $1; }
  ;

postfix:
    primary                       { $$ = $1; }
  | postfix DOT name              { $$ = parse_member(p, @$, $1, $3, @3); }
  | postfix BRACKETNAME           { $$ = parse_member(p, @$, $1, parse_bracket_name(p, @2), @2); }
  | postfix LBRACK expr RBRACK    { $$ = parse_index(p, @$, $1, $3); }
  | postfix DOT LBRACK expr RBRACK
                                  { $$ = parse_index(p, @$, $1, $4); }
  | postfix DOT BRACKETNAME       { $$ = parse_member(p, @$, $1, parse_bracket_name(p, @3), @3); }
  | postfix DOT name LPAREN args RPAREN
                                  { $$ = parse_dbref(p, @$, $1, $3, @3, $5); }
  ;

primary:
    literal                       { $$ = $1; }
  | name                          { $$ = parse_name(p, @$, $1); }
  | BRACKETNAME                   { $$ = parse_name(p, @$, parse_bracket_name(p, @1)); }
  | name LPAREN RPAREN            { $$ = parse_call(p, @$, $1, @1, (ast_list){0}); }
  | name LPAREN args RPAREN       { $$ = parse_call(p, @$, $1, @1, $3); }
  | LPAREN pipe RPAREN            { $$ = parse_paren(p, @$, $2); }
  | UNSUPPORTED                   { parse_unsupported(p, @1); YYABORT; }
  ;

args:
    arglist                       { $$ = $1; }
  | STAR                          { $$ = parse_list1(p, parse_wildcard(p, @1)); }
  | arglist COMMA STAR            { $$ = parse_list_add(p, $1, parse_wildcard(p, @3)); }
  | pipe PIPE operator            { $$ = parse_list1(p, parse_pipe(p, $1, $3)); }
  | source                        { $$ = parse_list1(p, $1); } /* toscalar(print x=1) */
  ;

/* call arguments: values, and named ones (f(b=2, a=1), plugin options) anywhere */
arglist:
    arg                           { $$ = parse_list1(p, $1); }
  | arglist COMMA arg             { $$ = parse_list_add(p, $1, $3); }
  ;

arg:
    expr                          { $$ = $1; }
  | name ASSIGN expr              { $$ = parse_assign(p, @$, $1, @1, $3); }
  ;

exprs:
    expr                          { $$ = parse_list1(p, $1); }
  | exprs COMMA expr              { $$ = parse_list_add(p, $1, $3); }
  ;

literal:
    STRING                        { $$ = parse_string(p, @1); }
  | literal STRING                { $$ = parse_concat(p, @$, $1, parse_string(p, @2)); }
  | LONG                          { $$ = parse_number(p, @1, false); }
  | REAL                          { $$ = parse_number(p, @1, true); }
  | TIMESPAN                      { $$ = parse_timespan(p, @1); }
  | DATETIME                      { $$ = parse_typed_lit(p, @1); }
  | TIMESPANLIT                   { $$ = parse_typed_lit(p, @1); }
  | TYPEDLIT                      { $$ = parse_typed_lit(p, @1); }
  | DYNAMIC                       { $$ = parse_dynamic(p, @1); }
  | TRUE                          { $$ = parse_bool(p, @1, true); }
  | FALSE                         { $$ = parse_bool(p, @1, false); }
  ;

name:
    IDENT                         { $$ = parse_ident(p, @1); }
  | ASC                           { $$ = parse_ident(p, @1); }
  | DESC                          { $$ = parse_ident(p, @1); }
  | NULLS                         { $$ = parse_ident(p, @1); }
  | FIRST                         { $$ = parse_ident(p, @1); }
  | LAST                          { $$ = parse_ident(p, @1); }
  ;

%%

/* Report a syntax error as "unexpected X, expected Y or Z" with the token's span. */
static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner, kql_parser *p) {
  (void)scanner;
  yysymbol_kind_t expected[6];
  int n = yypcontext_expected_tokens(ctx, expected, 6);
  yysymbol_kind_t got = yypcontext_token(ctx);
  const char *names[6];
  if (n < 0) n = 0;
  for (int i = 0; i < n; i++) names[i] = yysymbol_name(expected[i]);
  parse_syntax_error(p, *yypcontext_location(ctx), got == YYSYMBOL_YYEOF ? NULL : yysymbol_name(got),
                     (int)got, names, n);
  return 0;
}

void yyerror(kql_span *loc, yyscan_t scanner, kql_parser *p, const char *msg) {
  (void)scanner;
  parse_error_msg(p, *loc, msg);
}
