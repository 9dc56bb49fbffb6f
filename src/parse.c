/*
** parse.c: drives the Flex scanner and the Bison parser over one query (kql_parse), and
** holds the helpers the grammar actions call: word classification for the scanner,
** literal decoding (through lit.c and json.c) and AST construction with error reporting.
*/
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "lit.h"
#include "parse.h"
#include "kql.tab.h"

struct yy_buffer_state;
int kql_yylex_init_extra(kql_lexer *extra, yyscan_t *scanner);
struct yy_buffer_state *kql_yy_scan_bytes(const char *bytes, int len, yyscan_t scanner);
int kql_yylex_destroy(yyscan_t scanner);
KQL_INTERNAL int lex_word(kql_lexer *lx, const char *s, size_t n, int *op);
KQL_INTERNAL int lex_note(kql_lexer *lx, int tok);

/* Words that are operators between expressions. */
static const struct {
  const char *word;
  int tok;
  int op;
} word_ops[] = {
    {"has", TOK_STROP, OP_HAS},
    {"!has", TOK_STROP, OP_NHAS},
    {"has_cs", TOK_STROP, OP_HAS_CS},
    {"!has_cs", TOK_STROP, OP_NHAS_CS},
    {"contains", TOK_STROP, OP_CONTAINS},
    {"!contains", TOK_STROP, OP_NCONTAINS},
    {"contains_cs", TOK_STROP, OP_CONTAINS_CS},
    {"!contains_cs", TOK_STROP, OP_NCONTAINS_CS},
    {"startswith", TOK_STROP, OP_STARTSWITH},
    {"!startswith", TOK_STROP, OP_NSTARTSWITH},
    {"startswith_cs", TOK_STROP, OP_STARTSWITH_CS},
    {"!startswith_cs", TOK_STROP, OP_NSTARTSWITH_CS},
    {"endswith", TOK_STROP, OP_ENDSWITH},
    {"!endswith", TOK_STROP, OP_NENDSWITH},
    {"endswith_cs", TOK_STROP, OP_ENDSWITH_CS},
    {"!endswith_cs", TOK_STROP, OP_NENDSWITH_CS},
    {"hasprefix", TOK_STROP, OP_HASPREFIX},
    {"!hasprefix", TOK_STROP, OP_NHASPREFIX},
    {"hasprefix_cs", TOK_STROP, OP_HASPREFIX_CS},
    {"!hasprefix_cs", TOK_STROP, OP_NHASPREFIX_CS},
    {"hassuffix", TOK_STROP, OP_HASSUFFIX},
    {"!hassuffix", TOK_STROP, OP_NHASSUFFIX},
    {"hassuffix_cs", TOK_STROP, OP_HASSUFFIX_CS},
    {"!hassuffix_cs", TOK_STROP, OP_NHASSUFFIX_CS},
    {"in", TOK_INOP, OP_IN},
    {"!in", TOK_INOP, OP_NIN},
    {"in~", TOK_INOP, OP_IN_CI},
    {"!in~", TOK_INOP, OP_NIN_CI},
    {"has_any", TOK_INOP, OP_HAS_ANY},
    {"has_all", TOK_INOP, OP_HAS_ALL},
    {"between", TOK_BETWEEN, OP_BETWEEN},
    {"!between", TOK_BETWEEN, OP_NBETWEEN},
    {"and", TOK_AND, OP_AND},
    {"or", TOK_OR, OP_OR},
    {"let", TOK_LET, 0},
    {"by", TOK_BY, 0},
    {"true", TOK_TRUE, 0},
    {"false", TOK_FALSE, 0},
    {"asc", TOK_ASC, 0},
    {"desc", TOK_DESC, 0},
    {"granny-asc", TOK_ASC, 1},
    {"granny-desc", TOK_DESC, 1},
    {"nulls", TOK_NULLS, 0},
    {"first", TOK_FIRST, 0},
    {"last", TOK_LAST, 0},
};

/* Tabular operators kql runs, as they follow a '|'. */
static const struct {
  const char *word;
  int tok;
} pipe_ops[] = {
    {"where", TOK_WHERE},     {"filter", TOK_WHERE},  {"summarize", TOK_SUMMARIZE},
    {"project", TOK_PROJECT}, {"extend", TOK_EXTEND}, {"take", TOK_TAKE},
    {"limit", TOK_TAKE},      {"sort", TOK_SORT},     {"order", TOK_SORT},
    {"top", TOK_TOP},         {"count", TOK_COUNT},   {"distinct", TOK_DISTINCT},
    {"join", TOK_JOIN},       {"lookup", TOK_LOOKUP}, {"union", TOK_UNION},
    {"project-away", TOK_PROJECT_AWAY},       {"project-keep", TOK_PROJECT_KEEP},
    {"project-rename", TOK_PROJECT_RENAME},   {"project-reorder", TOK_PROJECT_REORDER},
    {"mv-expand", TOK_MVEXPAND}, {"mvexpand", TOK_MVEXPAND}, {"parse", TOK_PARSE},
    {"parse-where", TOK_PARSE}, {"render", TOK_RENDER}, {"serialize", TOK_SERIALIZE},
    {"as", TOK_AS},           {"getschema", TOK_GETSCHEMA}, {"sample", TOK_SAMPLE},
    {"invoke", TOK_INVOKE},   {"evaluate", TOK_EVALUATE}, {"mv-apply", TOK_MVAPPLY},
    {"mvapply", TOK_MVAPPLY}, {"make-series", TOK_MAKESERIES},
    {"parse-kv", TOK_PARSEKV}, {"top-nested", TOK_TOPNESTED}, {"search", TOK_SEARCH},
    {"partition", TOK_PARTITION},
};

/* Tabular sources that start a statement. */
static const struct {
  const char *word;
  int tok;
} source_ops[] = {
    {"print", TOK_PRINT}, {"datatable", TOK_DATATABLE}, {"range", TOK_RANGE},
    {"union", TOK_UNION}, {"externaldata", TOK_EXTERNALDATA}, {"evaluate", TOK_EVALUATE},
    {"search", TOK_SEARCH}, {"find", TOK_FIND}, {"alias", TOK_ALIAS},
};

/* Operator option names (kind=inner, withsource=T, hint.strategy=shuffle, ...). */
static const char *const option_names[] = {
    "kind", "withsource", "isfuzzy", "bagexpand", "bagexpansion", "with_itemindex", "flags", "decodeblocks",
    "bin_legacy", "hint", "withSource",
};

/* Kusto's other tabular operators: recognised, and rejected as not supported yet. */
static const char *const unsupported_ops[] = {
    "consume", "extend-columns", "externaldata", "facet", "find", "fork",
    "print", "project-smart", "range",
    "reduce", "sample-distinct", "scan", "top-hitters",
    "macro-expand", "graph-match", "make-graph",
};

/* Words that begin a tabular source kql does not have yet. */
static const char *const unsupported_sources[] = {
    "declare", "set", "pattern", "restrict",
};

/* The next non-blank byte after offset 'off' of the query, and the one after it. */
static void peek(const kql_lexer *lx, uint32_t off, char *c1, char *c2) {
  const kql_parser *p = lx->p;
  while (off < p->len && (p->src[off] == ' ' || p->src[off] == '\t' || p->src[off] == '\r' ||
                          p->src[off] == '\n'))
    off++;
  *c1 = off < p->len ? p->src[off] : 0;
  *c2 = off + 1 < p->len ? p->src[off + 1] : 0;
}

/* True when the next word after offset 'off' is 'w'. */
static bool next_word_is(const kql_lexer *lx, uint32_t off, const char *w) {
  const kql_parser *p = lx->p;
  while (off < p->len && (p->src[off] == ' ' || p->src[off] == '\t' || p->src[off] == '\r' ||
                          p->src[off] == '\n'))
    off++;
  size_t n = strlen(w);
  return off + n <= p->len && memcmp(p->src + off, w, n) == 0 &&
         (off + n == p->len || !(isalnum((unsigned char)p->src[off + n]) || p->src[off + n] == '_'));
}

int parse_word_op(const char *w, size_t n) {
  for (size_t i = 0; i < KQL_ARRAY_LEN(word_ops); i++) {
    size_t k = strlen(word_ops[i].word);
    if (k != n) continue;
    /* true and false in any case (True, FALSE); everything else as written */
    bool ci = word_ops[i].tok == TOK_TRUE || word_ops[i].tok == TOK_FALSE;
    if (ci ? strncasecmp(word_ops[i].word, w, n) == 0 : memcmp(word_ops[i].word, w, n) == 0)
      return (int)i;
  }
  return -1;
}

static bool in_list(const char *const *list, size_t n, const char *w, size_t len) {
  for (size_t i = 0; i < n; i++)
    if (strlen(list[i]) == len && memcmp(list[i], w, len) == 0) return true;
  return false;
}

/* Classify the word 's' of 'n' bytes at the scanner's position; sets '*op' for operators. */
int lex_word(kql_lexer *lx, const char *s, size_t n, int *op) {
  *op = 0;
  int i = parse_word_op(s, n);
  if (i >= 0) {
    *op = word_ops[i].op;
    return word_ops[i].tok;
  }
  if (s[0] == '!') return TOK_INVALID;
  /* after '|', and at the start of a mv-apply subquery: "on (summarize ...)" */
  bool part = lx->partition && lx->prev == TOK_LPAREN;
  if (part) lx->partition = false; /* partition by Col (top 1 by X) */
  if (lx->prev == TOK_PIPE || (lx->prev == TOK_LPAREN && lx->prev2 == TOK_ON) || part) {
    for (size_t k = 0; k < KQL_ARRAY_LEN(pipe_ops); k++)
      if (strlen(pipe_ops[k].word) == n && memcmp(pipe_ops[k].word, s, n) == 0) {
        if (n == 11 && memcmp(s, "parse-where", 11) == 0) *op = 1;
        return pipe_ops[k].tok;
      }
    if (in_list(unsupported_ops, KQL_ARRAY_LEN(unsupported_ops), s, n)) return TOK_UNSUPPORTED;
    return TOK_BADOP;
  }
  bool stmt_start = lx->prev == 0 || lx->prev == TOK_SEMI || lx->prev == TOK_ASSIGN ||
                    lx->prev == TOK_LPAREN || lx->prev == TOK_LBRACE;
  if (stmt_start) {
    char c1, c2;
    peek(lx, lx->off, &c1, &c2);
    for (size_t k = 0; k < KQL_ARRAY_LEN(source_ops); k++)
      if (strlen(source_ops[k].word) == n && memcmp(source_ops[k].word, s, n) == 0 &&
          !(source_ops[k].tok == TOK_RANGE && c1 == '(') &&
          /* 'alias <word>' starting a statement only; find/search followed by what follows a name are
          ** names: strcat(alias, "@"), extend search = 1 */
          !(source_ops[k].tok == TOK_ALIAS &&
            !((lx->prev == 0 || lx->prev == TOK_SEMI) && isalpha((unsigned char)c1))) &&
          !((source_ops[k].tok == TOK_FIND || source_ops[k].tok == TOK_SEARCH) && c1 && strchr(",);.=[]", c1))) {
        if (source_ops[k].tok == TOK_RANGE) lx->range = true;
        return source_ops[k].tok;
      }
    if (in_list(unsupported_sources, KQL_ARRAY_LEN(unsupported_sources), s, n))
      return TOK_UNSUPPORTED;
  }
  if (n == 10 && memcmp(s, "top-nested", 10) == 0 && lx->prev == TOK_COMMA) return TOK_TOPNESTED;
  if (lx->topnested && n == 2 && memcmp(s, "of", 2) == 0) {
    lx->topnested = false;
    return TOK_OF;
  }
  if (lx->find && lx->prev != TOK_ASSIGN && lx->prev != TOK_DOT) {
    if (n == 5 && memcmp(s, "where", 5) == 0) return TOK_WHERE;
    if (n == 7 && memcmp(s, "project", 7) == 0) return TOK_PROJECT;
    if (n == 13 && memcmp(s, "project-smart", 13) == 0) return TOK_PROJECT_SMART;
  }
  if (n == 4 && memcmp(s, "view", 4) == 0 && lx->prev == TOK_ASSIGN) return TOK_VIEW;
  if (n == 4 && memcmp(s, "with", 4) == 0) return TOK_WITH;
  if (n == 2 && memcmp(s, "on", 2) == 0) return TOK_ON;
  if (n == 2 && memcmp(s, "to", 2) == 0 && (lx->range || next_word_is(lx, lx->off, "typeof"))) {
    lx->range = false;
    return TOK_TO;
  }
  if (lx->opts) {
    char c1, c2;
    peek(lx, lx->off, &c1, &c2);
    bool hint = n > 5 && memcmp(s, "hint.", 5) == 0;
    if (c1 == '=' && c2 != '=' && (hint || in_list(option_names, KQL_ARRAY_LEN(option_names), s, n)))
      return TOK_OPTNAME;
  }
  if (memchr(s, '-', n) || s[n - 1] == '~') return TOK_IDENT; /* the scanner splits it */
  return TOK_IDENT;
}

int lex_note(kql_lexer *lx, int tok) {
  lx->prev2 = lx->prev;
  lx->prev = tok;
  /* options may follow these operators: kind=..., hint.x=..., withsource=... */
  switch (tok) {
  case TOK_JOIN: case TOK_LOOKUP: case TOK_UNION: case TOK_SUMMARIZE: case TOK_MVEXPAND:
  case TOK_PARSE: case TOK_TAKE: case TOK_DISTINCT: case TOK_EVALUATE: case TOK_MVAPPLY:
  case TOK_AS: case TOK_MAKESERIES: case TOK_SEARCH: case TOK_FIND: case TOK_PARTITION:
    lx->opts = 1;
    break;
  case TOK_OPTNAME: lx->opts = lx->opts ? 2 : 0; break;
  case TOK_ASSIGN: lx->opts = lx->opts == 2 ? 3 : 0; break;
  default: lx->opts = lx->opts == 3 ? 1 : 0; break;
  }
  /* column patterns (Acc*, *Id) follow these operators until the next '|' */
  if (tok == TOK_PROJECT_AWAY || tok == TOK_PROJECT_KEEP || tok == TOK_PROJECT_REORDER) lx->names = true;
  else if (tok == TOK_PIPE || tok == TOK_SEMI) lx->names = false;
  if (tok == TOK_TOPNESTED) lx->topnested = true;
  if (tok == TOK_PARTITION) lx->partition = true;
  if (tok == TOK_FIND) lx->find = true;
  else if (tok == TOK_PIPE || tok == TOK_SEMI) lx->find = lx->topnested = false;
  return tok;
}

/* ---- errors ---- */

static bool first_error(kql_parser *p) {
  if (p->failed) return false;
  p->failed = true;
  return true;
}

static const char *span_text(kql_parser *p, kql_span sp) {
  if (sp.end > p->len) sp.end = (uint32_t)p->len;
  if (sp.start > sp.end) sp.start = sp.end;
  return arena_strndup(p->a, p->src + sp.start, sp.end - sp.start);
}

void parse_unsupported(kql_parser *p, kql_span sp) {
  if (!first_error(p)) return;
  diag_set(p->diag, KQL_ERR_UNSUPPORTED, sp, "operator '%s' is not supported yet",
           span_text(p, sp));
}

void parse_unsupported_what(kql_parser *p, kql_span sp, const char *what) {
  if (!first_error(p)) return;
  diag_set(p->diag, KQL_ERR_UNSUPPORTED, sp, "%s is not supported yet", what);
}

static const char *const all_op_names[] = {"where", "filter", "summarize", "project", "extend",
                                           "take", "limit", "sort", "order", "top", "count",
                                           "distinct", "join", "union", "parse", "mv-expand",
                                           "project-away", "lookup", "render", "evaluate"};

void parse_bad_operator(kql_parser *p, kql_span sp) {
  if (!first_error(p)) return;
  const char *w = span_text(p, sp);
  diag_set(p->diag, KQL_ERR_SYNTAX, sp, "unknown operator '%s'", w);
  const char *s = diag_suggest(w, all_op_names, (int)KQL_ARRAY_LEN(all_op_names));
  if (s) diag_hint(p->diag, "did you mean '%s'?", s);
}

static const char *unquote(kql_parser *p, const char *name) {
  size_t n = strlen(name);
  if (n >= 2 && name[0] == '"' && name[n - 1] == '"') return arena_strndup(p->a, name + 1, n - 2);
  return name;
}

void parse_syntax_error(kql_parser *p, kql_span sp, const char *got, int gotkind,
                        const char *const *expected, int n) {
  (void)gotkind;
  if (!first_error(p)) return;
  if (got && strncmp(unquote(p, got), "unterminated ", 13) == 0) {
    diag_set(p->diag, KQL_ERR_SYNTAX, sp, "%s", unquote(p, got));
    return;
  }
  char exp[200] = "";
  size_t used = 0;
  for (int i = 0; i < n && i < 5; i++) {
    int w = snprintf(exp + used, sizeof exp - used, "%s%s", i == 0 ? "" : (i == n - 1 ? " or " : ", "),
                     unquote(p, expected[i]));
    if (w < 0 || (size_t)w >= sizeof exp - used) break;
    used += (size_t)w;
  }
  const char *text = got ? span_text(p, sp) : NULL;
  if (!got) sp.start = sp.end = (uint32_t)p->len; /* the end of the query, not its last token */
  if (!got)
    diag_set(p->diag, KQL_ERR_SYNTAX, sp, "unexpected end of query%s%s", n ? ", expected " : "",
             exp);
  else if (strcmp(unquote(p, got), "invalid character") == 0)
    diag_set(p->diag, KQL_ERR_SYNTAX, sp, "unexpected character '%s'", text);
  else
    diag_set(p->diag, KQL_ERR_SYNTAX, sp, "unexpected '%s'%s%s", text, n ? ", expected " : "", exp);
  if (text) {
    for (size_t k = 0; k < KQL_ARRAY_LEN(pipe_ops); k++)
      if (strcmp(text, pipe_ops[k].word) == 0) {
        diag_hint(p->diag, "did you mean '| %s'? a tabular operator follows a '|'", text);
        break;
      }
  }
}

void parse_error_msg(kql_parser *p, kql_span sp, const char *msg) {
  if (!first_error(p)) return;
  if (strstr(msg, "memory exhausted"))
    diag_set(p->diag, KQL_ERR_SYNTAX, sp, "query is nested too deeply");
  else
    diag_set(p->diag, KQL_ERR_SYNTAX, sp, "%s", msg);
}

static ast *lit_error(kql_parser *p, kql_span sp, const char *what) {
  if (first_error(p)) diag_set(p->diag, KQL_ERR_SYNTAX, sp, "invalid %s '%s'", what, span_text(p, sp));
  ast *n = ast_new(p->a, AST_LIT, sp);
  n->lit = val_null(KQL_T_NULL);
  return n;
}

/* ---- literals ---- */

static ast *lit_node(kql_parser *p, kql_span sp, kql_value v) {
  ast *n = ast_new(p->a, AST_LIT, sp);
  n->lit = v;
  n->type = v.type;
  return n;
}

ast *parse_string(kql_parser *p, kql_span sp) {
  const char *s = p->src + sp.start;
  size_t n = sp.end - sp.start;
  if (n && (s[0] == 'h' || s[0] == 'H')) s++, n--; /* obfuscated string: same value */
  if (n >= 6 && memcmp(s, "```", 3) == 0)
    return lit_node(p, sp, val_str(arena_strndup(p->a, s + 3, n - 6), n - 6));
  bool verbatim = s[0] == '@';
  if (verbatim) s++, n--;
  char quote = s[0];
  char *out = arena_alloc(p->a, n + 1);
  size_t bad = 0;
  long len = lit_unescape(s + 1, n - 2, quote, verbatim, out, &bad);
  if (len < 0) {
    kql_span esp = {sp.start + (uint32_t)(s + 1 - (p->src + sp.start)) + (uint32_t)bad, 0};
    esp.end = esp.start + 2;
    if (esp.end > sp.end) esp.end = sp.end;
    if (first_error(p)) diag_set(p->diag, KQL_ERR_SYNTAX, esp, "invalid escape sequence in string");
    len = 0;
  }
  return lit_node(p, sp, val_str(out, (size_t)len));
}

ast *parse_concat(kql_parser *p, kql_span sp, ast *a, ast *b) {
  if (a->lit.type != KQL_T_STRING) {
    if (first_error(p)) diag_set(p->diag, KQL_ERR_SYNTAX, b->span, "unexpected string literal");
    return a;
  }
  size_t n = a->lit.u.s.n + b->lit.u.s.n;
  char *t = arena_alloc(p->a, n + 1);
  memcpy(t, a->lit.u.s.p, a->lit.u.s.n);
  memcpy(t + a->lit.u.s.n, b->lit.u.s.p, b->lit.u.s.n);
  return lit_node(p, sp, val_str(t, n));
}

ast *parse_number(kql_parser *p, kql_span sp, bool real) {
  const char *t = span_text(p, sp);
  errno = 0;
  if (real) {
    double r = strtod(t, NULL);
    return lit_node(p, sp, val_real(r));
  }
  long long v;
  if (t[0] == '0' && (t[1] == 'x' || t[1] == 'X'))
    v = (long long)strtoull(t + 2, NULL, 16);
  else
    v = strtoll(t, NULL, 10);
  if (errno == ERANGE) return lit_node(p, sp, val_real(strtod(t, NULL)));
  return lit_node(p, sp, val_long(v));
}

ast *parse_timespan(kql_parser *p, kql_span sp) {
  int64_t ticks;
  if (lit_parse_timespan(p->src + sp.start, sp.end - sp.start, &ticks) != 0)
    return lit_error(p, sp, "timespan literal");
  return lit_node(p, sp, val_timespan(ticks));
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Split "word ( inner )" into the word and the trimmed inner text. */
static void split_call(const char *s, size_t n, size_t *wlen, const char **in, size_t *inlen) {
  size_t i = 0;
  while (i < n && s[i] != '(' && !is_blank(s[i])) i++;
  *wlen = i;
  while (i < n && s[i] != '(') i++;
  size_t b = i + 1, e = n;
  if (e > b && s[e - 1] == ')') e--;
  while (b < e && is_blank(s[b])) b++;
  while (e > b && is_blank(s[e - 1])) e--;
  *in = s + b;
  *inlen = e - b;
}

ast *parse_typed_lit(kql_parser *p, kql_span sp) {
  const char *s = p->src + sp.start, *in;
  size_t wlen, n;
  split_call(s, sp.end - sp.start, &wlen, &in, &n);
  int t = val_type_from_name(s, wlen);
  if (t < 0) return lit_error(p, sp, "literal");
  if (n == 4 && memcmp(in, "null", 4) == 0) return lit_node(p, sp, val_null((kql_type)t));
  if (n >= 2 && (in[0] == '"' || in[0] == '\'') && in[n - 1] == in[0] &&
      (t == KQL_T_DATETIME || t == KQL_T_TIMESPAN || t == KQL_T_GUID)) {
    in++; /* datetime("2026-05-30") */
    n -= 2;
  }
  char *text = arena_strndup(p->a, in, n);
  char *end = NULL;
  switch ((kql_type)t) {
  case KQL_T_DATETIME: {
    int64_t ticks;
    if (lit_parse_datetime_literal(in, n, &ticks) != 0) {
      if (lit_parse_time_of_day(in, n, &ticks) != 0) return lit_error(p, sp, "datetime literal");
      /* datetime("8:00:00 AM"): that time today, startofday(now()) + 8h */
      ast_list none = {0}, day = {0};
      ast_push(p->a, &day, parse_call(p, sp, "now", sp, none));
      ast *start = parse_call(p, sp, "startofday", sp, day);
      return parse_binary(p, sp, OP_ADD, start, lit_node(p, sp, val_timespan(ticks)));
    }
    return lit_node(p, sp, val_datetime(ticks));
  }
  case KQL_T_TIMESPAN: {
    int64_t ticks;
    if (lit_parse_timespan(in, n, &ticks) != 0) return lit_error(p, sp, "timespan literal");
    return lit_node(p, sp, val_timespan(ticks));
  }
  case KQL_T_BOOL:
    if (strcasecmp(text, "true") == 0) return lit_node(p, sp, val_bool(true));
    if (strcasecmp(text, "false") == 0) return lit_node(p, sp, val_bool(false));
    return lit_error(p, sp, "bool literal");
  case KQL_T_INT:
  case KQL_T_LONG: {
    errno = 0;
    long long v = strtoll(text, &end, 0);
    if (errno || *end || !n) return lit_error(p, sp, "number literal");
    if (t == KQL_T_INT && (v > INT32_MAX || v < INT32_MIN)) return lit_error(p, sp, "int literal");
    return lit_node(p, sp, t == KQL_T_INT ? val_int(v) : val_long(v));
  }
  case KQL_T_REAL:
  case KQL_T_DECIMAL: {
    double r;
    if (lit_parse_real(text, &r) != 0) return lit_error(p, sp, "real literal");
    kql_value v = val_real(r);
    v.type = (kql_type)t;
    return lit_node(p, sp, v);
  }
  case KQL_T_GUID:
  case KQL_T_STRING: return lit_node(p, sp, val_strtype((kql_type)t, text, n));
  default: return lit_error(p, sp, "literal");
  }
}

ast *parse_dynamic(kql_parser *p, kql_span sp) {
  const char *s = p->src + sp.start, *in;
  size_t wlen, n, outlen = 0, bad = 0;
  split_call(s, sp.end - sp.start, &wlen, &in, &n);
  if (n == 4 && memcmp(in, "null", 4) == 0) return lit_node(p, sp, val_null(KQL_T_DYNAMIC));
  const char *json = json_dynamic_literal(p->a, in, n, &outlen, &bad);
  if (!json) {
    kql_span esp = {(uint32_t)(in - p->src) + (uint32_t)bad, (uint32_t)(in - p->src) + (uint32_t)bad + 1};
    if (first_error(p)) diag_set(p->diag, KQL_ERR_SYNTAX, esp, "invalid dynamic literal");
    return lit_node(p, sp, val_null(KQL_T_DYNAMIC));
  }
  return lit_node(p, sp, val_strtype(KQL_T_DYNAMIC, json, outlen));
}

ast *parse_bool(kql_parser *p, kql_span sp, bool b) { return lit_node(p, sp, val_bool(b)); }

const char *parse_ident(kql_parser *p, kql_span sp) { return span_text(p, sp); }

const char *parse_bracket_name(kql_parser *p, kql_span sp) {
  const char *s = p->src + sp.start;
  size_t n = sp.end - sp.start;
  size_t b = 1, e = n - 1;
  while (b < e && is_blank(s[b])) b++;
  while (e > b && is_blank(s[e - 1])) e--;
  kql_span inner = {sp.start + (uint32_t)b, sp.start + (uint32_t)e};
  ast *str = parse_string(p, inner);
  return arena_strndup(p->a, str->lit.u.s.p, str->lit.u.s.n);
}

/* ---- nodes ---- */

ast_list parse_list1(kql_parser *p, ast *n) {
  ast_list l = {0};
  ast_push(p->a, &l, n);
  return l;
}

ast_list parse_list_add(kql_parser *p, ast_list l, ast *n) {
  ast_push(p->a, &l, n);
  return l;
}

ast *parse_list_node(kql_parser *p, kql_span sp, ast_kind k, ast_list l) {
  ast *n = ast_new(p->a, k, sp);
  n->list = l;
  return n;
}

ast *parse_op(kql_parser *p, kql_span sp, ast_kind k, ast *a) {
  ast *n = ast_new(p->a, k, sp);
  n->a = a;
  return n;
}

ast *parse_evaluate_schema(kql_parser *p, kql_span sp, ast *call, ast_list schema) {
  ast *n = parse_op(p, sp, AST_EVALUATE, call);
  n->by = schema;
  n->flags = 1; /* 'by' holds a declared schema */
  return n;
}

ast *parse_pipe(kql_parser *p, ast *in, ast *op) {
  (void)p;
  op->in = in;
  return op;
}

ast *parse_let(kql_parser *p, kql_span sp, const char *name, ast *value) {
  ast *n = ast_new(p->a, AST_LET, sp);
  n->name = name;
  n->a = value;
  return n;
}

ast *parse_summarize(kql_parser *p, kql_span sp, ast_list opts, ast_list aggs, ast_list *by) {
  ast *n = ast_new(p->a, AST_SUMMARIZE, sp);
  n->opts = opts;
  n->list = aggs;
  if (by) n->by = *by;
  return n;
}

ast *parse_top(kql_parser *p, kql_span sp, ast *count, ast *key) {
  ast *n = ast_new(p->a, AST_TOP, sp);
  n->a = count;
  ast_push(p->a, &n->list, key);
  return n;
}

ast *parse_distinct_star(kql_parser *p, kql_span sp) {
  ast *n = ast_new(p->a, AST_DISTINCT, sp);
  ast_push(p->a, &n->list, ast_new(p->a, AST_STAR, sp));
  return n;
}

ast *parse_assign(kql_parser *p, kql_span sp, const char *name, kql_span namesp, ast *value) {
  (void)namesp;
  ast *n = ast_new(p->a, AST_ASSIGN, sp);
  n->name = name;
  n->a = value;
  return n;
}

ast *parse_tuple_assign(kql_parser *p, kql_span sp, ast_list names, ast *value) {
  ast *n = ast_new(p->a, AST_ASSIGN, sp);
  n->name = names.v[0]->name;
  n->by = names; /* (a, b, ...) = f(...): every name, the first also in 'name' */
  n->a = value;
  return n;
}

ast *parse_sortkey(kql_parser *p, kql_span sp, ast *e, int flags) {
  ast *n = ast_new(p->a, AST_SORTKEY, sp);
  n->a = e;
  n->flags = flags;
  return n;
}

ast *parse_binary(kql_parser *p, kql_span sp, int op, ast *a, ast *b) {
  ast *n = ast_new(p->a, AST_BINARY, sp);
  n->op = op;
  n->a = a;
  n->b = b;
  return n;
}

ast *parse_unary(kql_parser *p, kql_span sp, int op, ast *a) {
  ast *n = ast_new(p->a, AST_UNARY, sp);
  n->op = op;
  n->a = a;
  return n;
}

ast *parse_inlist(kql_parser *p, kql_span sp, int op, ast *e, ast_list l) {
  ast *n = ast_new(p->a, AST_INLIST, sp);
  n->op = op;
  n->a = e;
  n->list = l;
  return n;
}

ast *parse_between(kql_parser *p, kql_span sp, int op, ast *e, ast *lo, ast *hi) {
  ast *n = ast_new(p->a, AST_BETWEEN, sp);
  n->op = op;
  n->a = e;
  n->b = lo;
  n->c = hi;
  return n;
}

ast *parse_member(kql_parser *p, kql_span sp, ast *e, const char *name, kql_span namesp) {
  (void)namesp;
  ast *n = ast_new(p->a, AST_MEMBER, sp);
  n->a = e;
  n->name = name;
  return n;
}

ast *parse_index(kql_parser *p, kql_span sp, ast *e, ast *i) {
  ast *n = ast_new(p->a, AST_INDEX, sp);
  n->a = e;
  n->b = i;
  return n;
}

ast *parse_name(kql_parser *p, kql_span sp, const char *name) {
  ast *n = ast_new(p->a, AST_NAME, sp);
  n->name = name;
  return n;
}

ast *parse_call(kql_parser *p, kql_span sp, const char *name, kql_span namesp, ast_list args) {
  (void)namesp;
  ast *n = ast_new(p->a, AST_CALL, sp);
  n->name = name;
  n->list = args;
  return n;
}

ast *parse_paren(kql_parser *p, kql_span sp, ast *e) {
  (void)p;
  (void)sp;
  return e;
}

ast *parse_wildcard(kql_parser *p, kql_span sp) {
  ast *n = ast_new(p->a, AST_STAR, sp);
  n->name = span_text(p, sp);
  return n;
}

ast *parse_option(kql_parser *p, kql_span sp, kql_span namesp, ast *value) {
  ast *n = ast_new(p->a, AST_OPTION, sp);
  n->name = span_text(p, namesp);
  n->a = value;
  return n;
}

ast *parse_func(kql_parser *p, kql_span sp, ast_list params, ast_list body, bool view) {
  ast *n = ast_new(p->a, AST_FUNC, sp);
  n->by = params;
  n->list = body;
  n->flags = view;
  return n;
}

ast *parse_param(kql_parser *p, kql_span sp, const char *name, kql_span typesp, ast *def) {
  ast *n = ast_new(p->a, AST_PARAM, sp);
  n->name = name;
  n->a = def;
  if (typesp.end > typesp.start && !(typesp.start == sp.start)) {
    int t = val_type_from_name(p->src + typesp.start, typesp.end - typesp.start);
    if (t < 0 && first_error(p))
      diag_set(p->diag, KQL_ERR_SYNTAX, typesp, "unknown type '%s'", span_text(p, typesp));
    n->op = t < 0 ? KQL_T_NULL : t;
  } else {
    n->op = KQL_T_STRING; /* parse: a capture without a type is a string */
  }
  return n;
}

ast *parse_tabparam(kql_parser *p, kql_span sp, const char *name, ast_list cols) {
  ast *n = ast_new(p->a, AST_PARAM, sp);
  n->name = name;
  n->flags = 1;
  n->by = cols;
  return n;
}

kql_span parse_bracket_inner(kql_parser *p, kql_span sp) {
  const char *s = p->src + sp.start;
  size_t n = sp.end - sp.start, b = 1, e = n - 1;
  while (b < e && is_blank(s[b])) b++;
  while (e > b && is_blank(s[e - 1])) e--;
  return (kql_span){sp.start + (uint32_t)b, sp.start + (uint32_t)e};
}

ast *parse_datatable(kql_parser *p, kql_span sp, ast_list cols, ast_list values) {
  ast *n = ast_new(p->a, AST_DATATABLE, sp);
  n->by = cols;
  n->list = values;
  return n;
}

static bool word_is(kql_parser *p, kql_span sp, const char *w) {
  return sp.end - sp.start == strlen(w) && memcmp(p->src + sp.start, w, strlen(w)) == 0;
}

ast *parse_range(kql_parser *p, kql_span sp, const char *col, kql_span fromsp, ast *from,
                 ast *to, kql_span stepsp, ast *step) {
  if (!word_is(p, fromsp, "from") && first_error(p))
    diag_set(p->diag, KQL_ERR_SYNTAX, fromsp, "expected 'from' in range");
  if (!word_is(p, stepsp, "step") && first_error(p))
    diag_set(p->diag, KQL_ERR_SYNTAX, stepsp, "expected 'step' in range");
  ast *n = ast_new(p->a, AST_RANGE, sp);
  n->name = col;
  n->a = from;
  n->b = to;
  n->c = step;
  return n;
}

ast *parse_union(kql_parser *p, kql_span sp, ast_list opts, ast_list srcs) {
  ast *n = ast_new(p->a, AST_UNION, sp);
  n->opts = opts;
  n->list = srcs;
  return n;
}

ast *parse_externaldata(kql_parser *p, kql_span sp, ast_list cols, ast_list urls, ast_list props) {
  ast *n = ast_new(p->a, AST_EXTERNALDATA, sp);
  n->by = cols;
  n->list = urls;
  n->opts = props;
  return n;
}

ast *parse_join(kql_parser *p, kql_span sp, ast_kind k, ast_list opts, ast *right, ast_list keys) {
  ast *n = ast_new(p->a, k, sp);
  n->opts = opts;
  n->b = right;
  n->list = keys;
  return n;
}

ast *parse_mvexpand(kql_parser *p, kql_span sp, ast_list opts, ast_list items, ast *limit) {
  ast *n = ast_new(p->a, AST_MVEXPAND, sp);
  n->opts = opts;
  n->list = items;
  n->a = limit;
  return n;
}

ast *parse_msagg(kql_parser *p, kql_span sp, ast *item, const char *word, kql_span wordsp,
                 ast *def) {
  (void)word;
  if (def && !word_is(p, wordsp, "default") && first_error(p))
    diag_set(p->diag, KQL_ERR_SYNTAX, wordsp, "unexpected '%s' after a make-series aggregate, expected 'default'",
             span_text(p, wordsp));
  ast *n = ast_new(p->a, AST_OPTION, sp);
  n->name = "default";
  n->a = item;
  n->b = def;
  return n;
}

/* The bounds node of make-series: an AST_RANGE with a: from, b: to, c: step (NULL when not
** given).  'bounds' holds AST_OPTION nodes named by their word. */
ast *parse_msaxis(kql_parser *p, kql_span sp, ast_list bounds) {
  ast *n = ast_new(p->a, AST_RANGE, sp);
  for (int i = 0; i < bounds.n; i++) {
    ast *o = bounds.v[i];
    ast **slot = strcmp(o->name, "from") == 0 ? &n->a
                 : strcmp(o->name, "to") == 0 ? &n->b
                 : strcmp(o->name, "step") == 0 ? &n->c : NULL;
    kql_span wsp = {o->span.start, o->span.start + (uint32_t)strlen(o->name)};
    if (!slot) {
      if (first_error(p))
        diag_set(p->diag, KQL_ERR_SYNTAX, wsp, "unexpected '%s' in make-series, expected 'from', 'to', 'step' or 'by'", o->name);
      return n;
    }
    if (*slot) {
      if (first_error(p)) diag_set(p->diag, KQL_ERR_SYNTAX, wsp, "'%s' is given twice in make-series", o->name);
      return n;
    }
    *slot = o->a;
  }
  if (!n->c && first_error(p))
    diag_set(p->diag, KQL_ERR_SYNTAX, sp, "%s", "make-series needs 'step' after the axis column");
  return n;
}

ast *parse_msrange(kql_parser *p, kql_span sp, int op, kql_span opsp, const char *fn, kql_span fnsp,
                   ast_list args) {
  (void)fn;
  ast *n = ast_new(p->a, AST_RANGE, sp);
  if (op != OP_IN) {
    if (first_error(p)) diag_set(p->diag, KQL_ERR_SYNTAX, opsp, "unexpected '%s' in make-series, expected 'in range(...)'", span_text(p, opsp));
    return n;
  }
  if (!word_is(p, fnsp, "range")) {
    if (first_error(p)) diag_set(p->diag, KQL_ERR_SYNTAX, fnsp, "expected 'range' after 'in' in make-series, got '%s'", span_text(p, fnsp));
    return n;
  }
  if (args.n != 3) {
    if (first_error(p)) diag_set(p->diag, KQL_ERR_SYNTAX, sp, "%s", "make-series expects 'in range(start, stop, step)'");
    return n;
  }
  n->a = args.v[0];
  n->b = args.v[1];
  n->c = args.v[2];
  n->flags = 1; /* the stop is inclusive and bins are aligned as bin() aligns them */
  return n;
}

ast *parse_makeseries(kql_parser *p, kql_span sp, ast_list opts, ast_list aggs, ast *axis,
                      ast *bounds, ast_list *by) {
  ast *n = ast_new(p->a, AST_MAKESERIES, sp);
  n->opts = opts;
  n->a = axis;
  n->b = bounds;
  n->c = ast_new(p->a, AST_QUERY, sp); /* the defaults, one per aggregate (NULL: none) */
  for (int i = 0; i < aggs.n; i++) {
    ast_push(p->a, &n->list, aggs.v[i]->a);
    ast_push(p->a, &n->c->list, aggs.v[i]->b);
  }
  if (by) n->by = *by;
  return n;
}

ast *parse_mvapply(kql_parser *p, kql_span sp, ast_list opts, ast_list items, ast *limit, ast *sub) {
  ast *n = ast_new(p->a, AST_MVAPPLY, sp);
  n->opts = opts;
  n->list = items;
  n->a = limit;
  n->b = sub;
  return n;
}

ast *parse_partition(kql_parser *p, kql_span sp, ast_list opts, const char *key, kql_span keysp,
                      ast *sub) {
  ast *n = ast_new(p->a, AST_PARTITION, sp);
  n->opts = opts;
  n->a = parse_name(p, keysp, key);
  n->b = sub;
  return n;
}

ast *parse_mvexpand_limit(kql_parser *p, kql_span sp, ast_list opts, ast_list items,
                          const char *word, kql_span wordsp, ast *limit) {
  (void)word;
  if (!word_is(p, wordsp, "limit") && first_error(p))
    diag_set(p->diag, KQL_ERR_SYNTAX, wordsp, "unexpected '%s' after mv-expand columns", span_text(p, wordsp));
  return parse_mvexpand(p, sp, opts, items, limit);
}

ast *parse_mvitem_type(kql_parser *p, kql_span sp, ast *item, const char *fn, kql_span fnsp,
                       kql_span typesp) {
  (void)fn;
  if (!word_is(p, fnsp, "typeof") && first_error(p))
    diag_set(p->diag, KQL_ERR_SYNTAX, fnsp, "expected typeof(type) after 'to'");
  int t = val_type_from_name(p->src + typesp.start, typesp.end - typesp.start);
  if (t < 0 && first_error(p))
    diag_set(p->diag, KQL_ERR_SYNTAX, typesp, "unknown type '%s'", span_text(p, typesp));
  ast *n = ast_new(p->a, AST_PARAM, sp);
  n->a = item;
  n->op = t < 0 ? KQL_T_DYNAMIC : t;
  n->flags = 2; /* an mv-expand column with a target type */
  return n;
}

ast *parse_parse(kql_parser *p, kql_span sp, int where, ast_list opts, ast *src, ast_list elems) {
  ast *n = ast_new(p->a, AST_PARSE, sp);
  n->flags = where;
  n->opts = opts;
  n->a = src;
  n->list = elems;
  return n;
}

ast *parse_render(kql_parser *p, kql_span sp, const char *kind, ast_list props) {
  ast *n = ast_new(p->a, AST_RENDER, sp);
  n->name = kind;
  /* the chart kind's own span, for errors about it */
  const char *at = strstr(p->src + sp.start, kind);
  if (at && (uint32_t)(at - p->src) < sp.end) {
    n->a = ast_new(p->a, AST_NAME, (kql_span){(uint32_t)(at - p->src), (uint32_t)(at - p->src + strlen(kind))});
    n->a->name = kind;
  }
  n->list = props;
  return n;
}

ast *parse_as(kql_parser *p, kql_span sp, const char *name) {
  ast *n = ast_new(p->a, AST_AS, sp);
  n->name = name;
  return n;
}

/* ---- parse-kv, top-nested, find, search, alias ---- */

ast *parse_parsekv(kql_parser *p, kql_span sp, ast *src, const char *as, kql_span assp,
                   ast_list cols, ast_list props) {
  (void)as;
  if (!word_is(p, assp, "as") && first_error(p))
    diag_set(p->diag, KQL_ERR_SYNTAX, assp, "unexpected '%s' in parse-kv, expected 'as'", span_text(p, assp));
  ast *n = ast_new(p->a, AST_PARSEKV, sp);
  n->a = src;
  n->list = cols;
  n->opts = props;
  return n;
}

/* A column of parse-kv or of find's project: name, and a type when 'typed' (else string,
** with flags 4 so that find can tell). */
ast *parse_kvcol(kql_parser *p, kql_span sp, const char *name, kql_span typesp, bool typed) {
  ast *n = parse_param(p, sp, name, typed ? typesp : sp, NULL);
  if (!typed) n->flags = 4;
  return n;
}

/* One level of top-nested: an AST_OPTION with a: the key (AST_ASSIGN or expr), b: the
** aggregate (AST_ASSIGN or expr), c: the others value or NULL, flags: AST_SORT_ASC, and
** the count, when given, as the one node of 'by'. */
ast *parse_tnlevel(kql_parser *p, kql_span sp, ast *count, ast *key, const char *others,
                   ast *otherval, kql_span otherssp, ast *agg, int order) {
  if (others && !word_is(p, otherssp, "others") && first_error(p))
    diag_set(p->diag, KQL_ERR_SYNTAX, otherssp, "unexpected '%s' in top-nested, expected 'others'",
             span_text(p, otherssp));
  if ((order & AST_SORT_GRANNY) && first_error(p))
    diag_set(p->diag, KQL_ERR_SYNTAX, sp, "%s", "top-nested sorts asc or desc");
  ast *n = ast_new(p->a, AST_OPTION, sp);
  n->name = "top-nested";
  n->a = key;
  n->b = agg;
  n->c = otherval;
  n->flags = order & AST_SORT_ASC;
  if (count) ast_push(p->a, &n->by, count);
  return n;
}

/* search [kind=case_sensitive|case_insensitive|default] [in (T, ...)] Predicate, and
** T | search ...: a union with withsource=$table (of the piped input, the tables named, or
** every table), then a where (b: that union) whose flags say it is a search predicate (2) and, with
** kind=case_sensitive, that its bare terms match case-sensitively (1). */
ast *parse_search(kql_parser *p, kql_span sp, ast *in, ast_list opts, ast_list srcs, ast *pred) {
  (void)in;
  ast *u = ast_new(p->a, AST_UNION, sp);
  ast *w = ast_new(p->a, AST_WHERE, sp);
  w->flags = 2;
  for (int i = 0; i < opts.n; i++) {
    ast *o = opts.v[i];
    const char *v = o->a && o->a->kind == AST_NAME ? o->a->name : "";
    if (strcmp(o->name, "kind") == 0 && strcmp(v, "case_sensitive") == 0) w->flags |= 1;
    else if (strcmp(o->name, "kind") == 0 && (strcmp(v, "case_insensitive") == 0 || strcmp(v, "default") == 0)) {
    } else if (strcmp(o->name, "kind") == 0) {
      if (first_error(p))
        diag_set(p->diag, KQL_ERR_SYNTAX, o->a ? o->a->span : o->span, "%s",
                 "search kind must be default, case_insensitive or case_sensitive");
    } else if (first_error(p)) {
      diag_set(p->diag, KQL_ERR_UNSUPPORTED, o->span, "search option '%s' is not supported yet", span_text(p, o->span));
    }
  }
  ast *src = ast_new(p->a, AST_OPTION, sp);
  src->name = "withsource";
  src->a = parse_name(p, sp, "$table");
  ast_push(p->a, &u->opts, src);
  u->list = srcs;
  if (srcs.n == 0) { /* every table; the binder puts a piped input in their place */
    ast *all = parse_wildcard(p, (kql_span){sp.start, sp.start + 6});
    all->name = "*";
    ast_push(p->a, &u->list, all);
  }
  w->b = u; /* the binder makes it the where's input (after parse_pipe set a piped one) */
  w->a = pred;
  return w;
}

/* Col:"term" of a search predicate: a has (flags 8: the binder applies the term's
** wildcards as for a bare term). */
ast *parse_search_term(kql_parser *p, kql_span sp, ast *col, ast *term) {
  ast *n = parse_binary(p, sp, OP_HAS, col, term);
  n->flags = 8;
  return n;
}

/* find [withsource=C] [in (T, ...)] where Predicate [project-smart | project Col[:type], ...]:
** an AST_UNION with flags 0x100, a: the predicate, by: the project columns (NULL list for
** project-smart); the binder turns it into a union of one branch per table. */
ast *parse_find(kql_parser *p, kql_span sp, ast_list opts, ast_list srcs, ast *pred, ast *proj) {
  ast *u = ast_new(p->a, AST_UNION, sp);
  u->flags = 0x100;
  u->opts = opts;
  u->list = srcs;
  u->a = pred;
  if (proj) {
    u->by = proj->list;
    u->flags |= 0x400; /* project, not project-smart */
  }
  return u;
}

ast *parse_findcall(kql_parser *p, kql_span sp) {
  if (first_error(p))
    diag_set(p->diag, KQL_ERR_UNSUPPORTED, sp, "find's '%s' is not supported yet", span_text(p, sp));
  return ast_new(p->a, AST_PARAM, sp);
}

/* cluster(...).database(...): there are no remote clusters offline, so the database
** reference stands for the local tables: a call database(...) that 'database(...).T'
** and the alias statement accept. */
ast *parse_dbref(kql_parser *p, kql_span sp, ast *left, const char *name, kql_span namesp,
                 ast_list args) {
  if (!(left->kind == AST_CALL && strcmp(left->name, "cluster") == 0 && strcmp(name, "database") == 0)) {
    if (first_error(p))
      diag_set(p->diag, KQL_ERR_SYNTAX, namesp, "unexpected '(' after '.%s'", name);
    return left;
  }
  return parse_call(p, sp, "database", namesp, args);
}

/* alias database X = cluster(...).database(...): accepted and without effect (its tables
** are the local ones).  It becomes a let of a function no query can name. */
ast *parse_alias(kql_parser *p, kql_span sp, const char *kind, kql_span kindsp, const char *name,
                 ast *value) {
  (void)kind;
  if (!word_is(p, kindsp, "database") && first_error(p))
    diag_set(p->diag, KQL_ERR_SYNTAX, kindsp, "unexpected '%s' after alias, expected 'database'",
             span_text(p, kindsp));
  else if (!(value->kind == AST_CALL && strcmp(value->name, "database") == 0) && first_error(p))
    diag_set(p->diag, KQL_ERR_SYNTAX, value->span, "%s", "alias database expects cluster(...).database(...)");
  return parse_let(p, sp, arena_printf(p->a, "alias database %s", name),
                   parse_func(p, sp, (ast_list){0}, (ast_list){0}, false));
}

/* ---- driver ---- */

ast *kql_parse(arena *a, const char *src, size_t len, kql_diag *d) {
  kql_parser p = {a, src, len, d, false, NULL};
  kql_lexer lx = {.p = &p};
  yyscan_t scanner;
  if (len > INT32_MAX) {
    diag_nospan(d, KQL_ERR_USAGE, "query is too long");
    return NULL;
  }
  if (kql_yylex_init_extra(&lx, &scanner) != 0) {
    diag_nospan(d, KQL_ERR_NOMEM, "cannot start the scanner");
    return NULL;
  }
  /* The scanner reads the text with a newline after it, so that a token at the very end
  ** (such as '1.') sees a following character; spans never reach it. */
  char *text = arena_alloc(a, len + 2);
  memcpy(text, src, len);
  text[len] = '\n';
  kql_yy_scan_bytes(text, (int)len + 1, scanner);
  int rc = kql_yyparse(scanner, &p);
  kql_yylex_destroy(scanner);
  if (rc != 0 || p.failed) {
    if (!p.failed) diag_nospan(d, KQL_ERR_SYNTAX, "query does not parse");
    return NULL;
  }
  return p.result;
}
