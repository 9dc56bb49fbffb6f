/*
** functions.h: saved functions loaded from folders (--functions DIR): Sentinel saved-function
** and ASIM parser YAML files (FunctionName/FunctionAlias, FunctionParams, FunctionQuery; or
** ParserName/EquivalentBuiltInParser, ParserParams, ParserQuery) and plain .kql files named
** after a parameterless function.  Each becomes the text of a KQL let function; the binder
** asks for a name no let defines (bind.c find_let), and gets it parsed into the query's
** arena, so a saved function binds exactly as a let function does.
**
** INTERFACE ROUTINES
**   flib_add_dir()  - read a folder of function files (at engine set-up)
**   flib_begin()    - a query of 'len' bytes is being compiled
**   flib_get()      - the AST_FUNC of a function the query names (during bind)
**   flib_end()      - after bind: locate an error inside a function in its file, or give the
**                     query text with the used functions' texts after it (for explain)
** The functions' nodes have spans past the query's end, one region per function used, so
** an error inside one is told apart from an error in the query and located in its file.
*/
#ifndef KQL_FUNCTIONS_H
#define KQL_FUNCTIONS_H

#include "ast.h"

typedef struct flib flib;

KQL_INTERNAL flib *flib_new(void);
KQL_INTERNAL void flib_free(flib *l);
/* Read the function files under folder 'dir' (recursively: *.yaml, *.yml, *.kql).  A YAML
** file without FunctionQuery/ParserQuery is skipped; a file that cannot be read or is not
** YAML is an error (d located in it).  An error in a function's query is kept and reported
** when a query calls the function. */
KQL_INTERNAL kql_status flib_add_dir(flib *l, const char *dir, kql_diag *d);
/* 'dir' may also be one function file: then an error in its query is returned at once. */
/* Number of functions loaded. */
KQL_INTERNAL int flib_count(const flib *l);
/* A query of 'len' bytes is about to be bound; what flib_get parses goes to arena 'a'. */
KQL_INTERNAL void flib_begin(flib *l, arena *a, size_t len);
/* The AST_FUNC of function (or alias) 'name', or NULL when there is none or it has an
** error (flib_end then reports that error). */
KQL_INTERNAL ast *flib_get(flib *l, const char *name);
/* After binding the query 'src' ('len' bytes).  On failure ('d' set), an error inside a
** function is moved to its file (d->file, line, col; has_span 0); a call of a broken
** function reports the function's own error.  On success, returns the query text followed by
** the texts of the functions used (their spans point there), or 'src' when none was used. */
KQL_INTERNAL const char *flib_end(flib *l, const char *src, size_t len, bool failed, kql_diag *d);

#endif /* KQL_FUNCTIONS_H */
