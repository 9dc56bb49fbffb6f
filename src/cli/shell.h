/*
** shell.h: the interactive shell of the kql command line ('kql shell', or 'kql' alone on a
** terminal), and the progress line on stderr that 'kql run' shares with it.
*/
#ifndef KQL_CLI_SHELL_H
#define KQL_CLI_SHELL_H

#include "kql.h"

/* Run the shell over engine 'e' until .quit or end of input; returns the exit status. */
int shell_main(kql_engine *e, const char *format);

/* The shell's commands, for '.help' and 'kql help shell'. */
const char *help_shell_text(void);

/* Show progress of 'q' on stderr when stderr is a terminal and a run takes longer than
** about a second; shell_progress_end() clears the line after the run. */
void shell_progress_start(kql_query *q);
void shell_progress_end(void);

#endif /* KQL_CLI_SHELL_H */
