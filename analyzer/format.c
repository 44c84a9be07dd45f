/*
 * format.c: the report formats by name.  Adding a format: its file (one
 * vt_formatter), one line below, and the file in analyzer/CMakeLists.txt.
 */
#include <string.h>

#include "vtlint.h"

const vt_format vt_formats[] = {
	{ "text", vt_format_text },
	{ "json", vt_format_json },
	{ "sarif", vt_format_sarif },
	{ NULL, NULL },
};

const vt_format *vt_format_lookup(const char *name)
{
	for (const vt_format *f = vt_formats; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

/* Writes text and a newline; -1 when it could not be written. */
int vt_write_report(FILE *out, const char *text)
{
	if (!text)
		return -1;
	fprintf(out, "%s\n", text);
	return ferror(out) ? -1 : 0;
}
