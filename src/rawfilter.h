/*
** rawfilter.h: plans the raw-text filter of a table scan from the chain of wheres over it
** (rawfilter.c says which predicates count).  The filter lives in the query arena.
*/
#ifndef KQL_RAWFILTER_H
#define KQL_RAWFILTER_H

#include "exec.h"

/* Called when building 'where' (an AST_WHERE), before its input: when a chain of wheres
** ends at a table scan and needs literals in the rows it keeps, sets x->rawf_table to that
** AST_TABLE node and x->rawf to the filter, which op_scan_new() then uses.  The outermost
** where of a chain plans for all of it; the wheres under it add nothing. */
KQL_INTERNAL void rawf_plan(exec_ctx *x, const ast *where);

#endif /* KQL_RAWFILTER_H */
