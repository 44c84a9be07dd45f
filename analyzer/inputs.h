/* inputs.h: the command line's inputs and the run's summary (inputs.c). */
#ifndef VTLINT_INPUTS_H
#define VTLINT_INPUTS_H

#include <regex.h>

#include "vtlint.h"

/* How every file's command is made: what the command line says of flags. */
typedef struct vt_cmd_opts {
	bool dashdash;                   /* `--` given: no database, args for every file */
	char *const *args;               /* after `--` */
	char *const *extra, *const *before, *const *remove;
	size_t nargs, nextra, nbefore, nremove;
} vt_cmd_opts;

/*
 * file's command: the arguments after `--`, or its database's (compdb.c),
 * then --extra-arg-before, --extra-arg and --remove-arg.  False (errors
 * added) when its database could not be read.
 */
bool vt_command_for(vt_compdb *db, const vt_cmd_opts *co, const char *file, vt_cmd *out,
		    vt_findings *errs);
/* The command line's flags on a command (--all's, or vt_command_for's). */
void vt_finish_command(const vt_cmd_opts *co, vt_cmd *c);
/* No flags at all: no database listed the file, nothing after `--`, no --extra-arg. */
bool vt_no_flags(const vt_cmd_opts *co, const vt_cmd *c);

/*
 * argv with @FILE arguments (before `--`) replaced by FILE's lines, each
 * expanded in turn; what comes after `--` is the compiler's, left as it is.
 * Every string is owned by out.  NULL, or why not (allocated; out then
 * holds what came before): a file that cannot be read, or nests too deep.
 */
char *vt_expand_args(int argc, char **argv, vt_strings *out);
/* vt_expand_args, exiting 2 with its message when it fails. */
void vt_expand_argv(int argc, char **argv, vt_strings *out);
/* The files named: `-` reads names from stdin, a folder gives every *.c under it. */
void vt_expand_files(const char *const *in, size_t n, vt_strings *out, vt_findings *errs);
/* --remove-arg: drops each argument equal to a pattern or starting with a `PREFIX*`'s prefix. */
void vt_remove_args(vt_cmd *c, char *const *patterns, size_t n);
/* Compiler errors a command caused name the file and the command's origin. */
void vt_explain_errors(vt_findings *unit, const vt_cmd *c, bool no_flags);
/*
 * Keeps, of the findings in headers (files other than main_path), those
 * whose header matches re, or with re NULL lies inside srcroot.
 */
void vt_filter_headers(vt_findings *fs, const char *main_path, const char *srcroot,
		       const regex_t *re);
/* NOLINT comments of the headers findings are in (the main file's are the pipeline's). */
bool vt_suppress_headers(vt_findings *fs, const char *main_name, bool keep);
/* Headers' absolute paths inside the current folder made relative to it (the main file stays as named). */
void vt_display_paths(vt_findings *fs, const char *main_name);
/* Drops the findings already reported at the same place (headers, files listed twice). */
size_t vt_findings_unique(vt_findings *fs);
/*
 * The report's order, whatever order the files were named in: findings by
 * file relative to root (as JSON names it), line, column and rule; errors
 * and limits by file and place; ties keep their order.  merge.c's order.
 */
void vt_report_order(vt_findings *fs, const char *root);
void vt_print_summary(FILE *out, const vt_findings *fs, size_t files, size_t failed, size_t hidden);

#endif /* VTLINT_INPUTS_H */
