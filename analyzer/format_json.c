/* format_json.c: the JSON report of cli.md, written with cJSON. */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "vtlint.h"

/* "file": relative to the source root when the file is inside it, else absolute. */
static void add_file(cJSON *o, const char *file, const char *root)
{
	char *rel = root && file[0] != '<' ? vt_relative_path(root, file) : xstrdup(file);

	cJSON_AddStringToObject(o, "file", rel);
	free(rel);
}

static cJSON *place(const char *file, unsigned line, unsigned col, const char *msg,
		    const char *root)
{
	cJSON *o = cJSON_CreateObject();

	add_file(o, file, root);
	cJSON_AddNumberToObject(o, "line", line);
	cJSON_AddNumberToObject(o, "column", col);
	cJSON_AddStringToObject(o, "message", msg);
	return o;
}

static cJSON *finding(const vt_finding *f, const char *root)
{
	cJSON *o = place(f->loc.file, f->loc.line, f->loc.col, f->message, root);
	cJSON *notes = cJSON_AddArrayToObject(o, "notes");

	cJSON_AddStringToObject(o, "rule", vt_rules[f->rule]->id);
	cJSON_AddStringToObject(o, "name", vt_rules[f->rule]->name);
	cJSON_AddStringToObject(o, "severity", vt_level_name(f->level));
	cJSON_AddStringToObject(o, "fingerprint", f->fingerprint ? f->fingerprint : "");
	if (f->suppressed)
		cJSON_AddTrueToObject(o, "suppressed");
	for (size_t j = 0; j < f->notes.len; j++) {
		const vt_note *n = &f->notes.data[j];

		cJSON_AddItemToArray(notes, place(n->loc.file, n->loc.line, n->loc.col, n->message,
						  root));
	}
	return o;
}

int vt_format_json(FILE *out, const vt_findings *fs, const vt_report_opts *o)
{
	int r;
	cJSON *root = cJSON_CreateObject(), *tool, *diags, *errors, *limits;
	char *text;

	cJSON_AddNumberToObject(root, "version", 1);
	tool = cJSON_AddObjectToObject(root, "tool");
	cJSON_AddStringToObject(tool, "name", "vtlint");
	cJSON_AddStringToObject(tool, "version", VTLINT_VERSION);
	if (o->srcroot)
		cJSON_AddStringToObject(root, "srcroot", o->srcroot);
	diags = cJSON_AddArrayToObject(root, "diagnostics");
	for (size_t i = 0; i < fs->items.len; i++)
		cJSON_AddItemToArray(diags, finding(&fs->items.data[i], o->srcroot));
	errors = cJSON_AddArrayToObject(root, "errors");
	for (size_t i = 0; i < fs->errors.len; i++) {
		const vt_error *e = &fs->errors.data[i];
		cJSON *j = cJSON_CreateObject();

		add_file(j, e->file, o->srcroot);
		if (e->line)
			cJSON_AddNumberToObject(j, "line", e->line);
		if (e->col)
			cJSON_AddNumberToObject(j, "column", e->col);
		cJSON_AddStringToObject(j, "message", e->message);
		cJSON_AddItemToArray(errors, j);
	}
	limits = cJSON_AddArrayToObject(root, "limits"); /* functions analysed with less precision */
	for (size_t i = 0; i < fs->limits.len; i++) {
		const vt_error *e = &fs->limits.data[i];

		cJSON_AddItemToArray(limits, place(e->file, e->line, e->col, e->message, o->srcroot));
	}
	text = cJSON_Print(root);
	cJSON_Delete(root);
	r = vt_write_report(out, text);
	cJSON_free(text);
	return r;
}
