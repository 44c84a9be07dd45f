/*
 * session.c: an editor's session.  Each open file's translation unit is kept
 * and reparsed from the unsaved text, reusing its precompiled preamble (the
 * #includes), and analysed with a memo so that the functions an edit left
 * unchanged are not analysed again (frontend.c).  Not thread-safe: one
 * session per thread.
 */
#include <stdlib.h>
#include <string.h>

#include "front.h"

typedef struct open_unit {
	char *path;
	CXTranslationUnit tu;
	vt_strings args;
	vt_memo *memo;
} open_unit;

struct vt_session {
	CXIndex index;
	VEC(open_unit) units;
};

vt_session *vt_session_new(void)
{
	vt_session *s = xcalloc(1, sizeof *s);

	s->index = clang_createIndex(0, 0);
	return s;
}

static void close_unit(open_unit *u)
{
	vt_memo_free(u->memo);
	clang_disposeTranslationUnit(u->tu);
	for (size_t i = 0; i < u->args.len; i++)
		free(u->args.data[i]);
	free(u->args.data);
	free(u->path);
}

static bool same_args(const open_unit *u, const vt_unit_opts *o)
{
	if (u->args.len != (size_t)o->nargs)
		return false;
	for (int i = 0; i < o->nargs; i++)
		if (strcmp(u->args.data[i], o->args[i]))
			return false;
	return true;
}

/* The kept unit for path, parsed anew when its arguments changed; NULL on failure. */
static open_unit *unit_for(vt_session *s, const char *path, const vt_unit_opts *o,
			   struct CXUnsavedFile *buf, bool *fresh)
{
	open_unit u = { 0 };
	enum CXErrorCode err;

	*fresh = false;
	for (size_t i = 0; i < s->units.len; i++)
		if (!strcmp(s->units.data[i].path, path)) {
			if (same_args(&s->units.data[i], o))
				return &s->units.data[i];
			vt_session_close(s, path);
			break;
		}
	/* the preamble (the #includes) is compiled once and reused by every reparse */
	err = clang_parseTranslationUnit2(s->index, path, o->args, o->nargs, buf, 1,
					  CXTranslationUnit_KeepGoing |
						  CXTranslationUnit_PrecompiledPreamble |
						  CXTranslationUnit_CreatePreambleOnFirstParse |
						  CXTranslationUnit_IgnoreNonErrorsFromIncludedFiles,
					  &u.tu);
	if (err != CXError_Success)
		return NULL;
	u.path = xstrdup(path);
	u.memo = vt_memo_new();
	for (int i = 0; i < o->nargs; i++)
		vec_push(&u.args, xstrdup(o->args[i]));
	vec_push(&s->units, u);
	*fresh = true;
	return &s->units.data[s->units.len - 1];
}

int vt_session_analyze(vt_session *s, const char *path, const char *name, const char *text,
		       size_t len, const vt_unit_opts *o, vt_findings *out)
{
	struct CXUnsavedFile buf = { .Filename = path, .Contents = text,
				     .Length = (unsigned long)len };
	bool fresh;
	open_unit *u = unit_for(s, path, o, &buf, &fresh);

	if (u && !fresh && clang_reparseTranslationUnit(u->tu, 1, &buf,
							 clang_defaultReparseOptions(u->tu))) {
		vt_session_close(s, path); /* a failed reparse leaves the unit unusable */
		u = unit_for(s, path, o, &buf, &fresh);
	}
	if (!u) {
		vt_add_error(out, name, 0, 0, "libclang could not parse this file");
		return 2;
	}
	return vt_analyze_tu(u->tu, path, name, o, out, u->memo, text, len);
}

void vt_session_close(vt_session *s, const char *path)
{
	for (size_t i = 0; i < s->units.len; i++)
		if (!strcmp(s->units.data[i].path, path)) {
			close_unit(&s->units.data[i]);
			s->units.data[i] = s->units.data[--s->units.len];
			return;
		}
}

void vt_session_free(vt_session *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->units.len; i++)
		close_unit(&s->units.data[i]);
	free(s->units.data);
	clang_disposeIndex(s->index);
	free(s);
}
