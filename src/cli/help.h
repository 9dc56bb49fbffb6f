/*
** help.h: 'kql help' and '.help' in the shell: the operators and functions, and a topic
** per operator or function with its syntax, an explanation and an example that runs on
** the shipped sample data.
*/
#ifndef KQL_CLI_HELP_H
#define KQL_CLI_HELP_H

#include <stdio.h>

#include "kql.h"

/* Write help on 'topic' (NULL: the list of topics) to 'out'; 'e' (may be NULL) runs the
** examples.  Returns 0, or 1 when there is no such topic (said on stderr, with a guess). */
int help_write(kql_engine *e, const char *topic, FILE *out);
/* The help topic that would help with diagnostic 'd' about query 'src', or NULL. */
const char *help_topic_for(const kql_diag *d, const char *src, size_t len);
/* The operators of the language (for completion): the 'i'th, or NULL past the end. */
const char *help_operator(int i);
/* The names of the topics (for completion of '.help'): the 'i'th, or NULL past the end. */
const char *help_topic_name(int i);
/* Every example of every topic, one per line as "topic<TAB>query", for the tests. */
void help_list_examples(FILE *out);

#endif /* KQL_CLI_HELP_H */
