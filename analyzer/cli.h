/* cli.h: vtlint's command line (cli.c), as the driver (main.c) sees it. */
#ifndef VTLINT_CLI_H
#define VTLINT_CLI_H

#include "vtlint.h"

typedef struct vt_options {
	VEC(const char *) files;
	VEC(char *) args;            /* after `--` */
	VEC(char *) extra;           /* --extra-arg: appended to every command */
	VEC(char *) extra_before;    /* --extra-arg-before: prepended */
	const vt_format *format;     /* --format: text unless said */
	const char *output;
	const char *build_path;      /* -p */
	const char *config;          /* --config */
	const char *baseline;        /* --baseline */
	const char *srcroot;         /* --srcroot: SARIF URIs relative to it */
	bool all, quiet, lsp;
	int jobs;
	vt_run_opts run;             /* what every file is checked with */
} vt_options;

void vt_parse_args(vt_options *o, int argc, char **argv);
void vt_options_free(vt_options *o);

#endif /* VTLINT_CLI_H */
