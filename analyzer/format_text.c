/* format_text.c: findings as gcc and clang print diagnostics. */
#include <stdlib.h>
#include <string.h>

#include "vtlint.h"

#define BOLD "\033[1m"
#define MAGENTA "\033[1;35m"
#define CYAN "\033[1;36m"
#define GREEN "\033[1;32m"
#define RESET "\033[0m"

/* The source line at loc and a caret under its column, as clang shows them. */
static void show_source(FILE *out, vt_loc loc, bool color)
{
	FILE *f = fopen(loc.file, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = 0;

	if (!f)
		return;
	for (unsigned i = 0; i < loc.line && (n = getline(&line, &cap, f)) >= 0; i++)
		;
	fclose(f);
	if (n > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = 0;
		fprintf(out, "%s\n", line);
		for (unsigned i = 1; i < loc.col && line[i - 1]; i++)
			fputc(line[i - 1] == '\t' ? '\t' : ' ', out);
		fprintf(out, "%s^%s\n", color ? GREEN : "", color ? RESET : "");
	}
	free(line);
}

static void line_head(FILE *out, vt_loc loc, const char *kind, const char *kcolor, bool color)
{
	fprintf(out, "%s%s:%u:%u:%s %s%s:%s ", color ? BOLD : "", loc.file, loc.line, loc.col,
		color ? RESET : "", color ? kcolor : "", kind, color ? RESET : "");
}

int vt_format_text(FILE *out, const vt_findings *fs, const vt_report_opts *o)
{
	for (size_t i = 0; i < fs->items.len; i++) {
		const vt_finding *f = &fs->items.data[i];

		line_head(out, f->loc, vt_level_name(f->level),
			  f->level == LEVEL_ERROR ? "\033[1;31m" : MAGENTA, o->color);
		fprintf(out, "%s%s [%s%s]%s\n", o->color ? BOLD : "", f->message,
			vt_rules[f->rule]->id, f->suppressed ? ", suppressed" : "",
			o->color ? RESET : "");
		if (o->show_source)
			show_source(out, f->loc, o->color);
		for (size_t j = 0; j < f->notes.len; j++) {
			line_head(out, f->notes.data[j].loc, "note", CYAN, o->color);
			fprintf(out, "%s\n", f->notes.data[j].message);
			if (o->show_source)
				show_source(out, f->notes.data[j].loc, o->color);
		}
	}
	return ferror(out) ? -1 : 0;
}
