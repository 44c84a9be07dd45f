/* inputs.h: the command line's inputs and the run's summary (inputs.c). */
#ifndef VTLINT_INPUTS_H
#define VTLINT_INPUTS_H

#include "vtlint.h"

/* argv with @FILE arguments (before `--`) replaced by FILE's lines; exits 2 on an unreadable one. */
void vt_expand_argv(int argc, char **argv, vt_strings *out);
/* The files named: `-` reads names from stdin, a folder gives every *.c under it. */
void vt_expand_files(const char *const *in, size_t n, vt_strings *out, vt_findings *errs);
/* --remove-arg: drops each argument equal to a pattern or starting with a `PREFIX*`'s prefix. */
void vt_remove_args(vt_cmd *c, char *const *patterns, size_t n);
/* Compiler errors a command caused name the file and the command's origin. */
void vt_explain_errors(vt_findings *unit, const vt_cmd *c, bool no_flags);
/* Drops the findings already reported at the same place (headers, files listed twice). */
size_t vt_findings_unique(vt_findings *fs);
void vt_print_summary(FILE *out, const vt_findings *fs, size_t files, size_t failed, size_t hidden);

#endif /* VTLINT_INPUTS_H */
