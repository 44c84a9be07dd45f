/*
 * callees.c: what vtlint knows about the functions code calls, apart from
 * their bodies: which are the runtime's consumers, inspectors, makers and
 * hand-offs (and the project's wrappers that .vtlint.json names), and which
 * never return.  This is the file that changes when <vtask.h> does.
 */
#include <string.h>

#include "front.h"

static bool listed_name(CXCursor c, const char *const *names)
{
	CXString s = clang_getCursorSpelling(c);
	const char *n = clang_getCString(s);
	bool r = false;

	for (size_t i = 0; names[i] && !r; i++)
		r = !strcmp(n, names[i]);
	clang_disposeString(s);
	return r;
}

static const struct {
	const char *name;
	enum vt_rt what;
	int arg;
} runtime_fns[] = {
	{ "vtask_await", RT_AWAIT, 0 }, { "vt__await_at", RT_AWAIT, 0 },
	{ "vtask_get_result", RT_GET, 0 }, { "vt__get_result_at", RT_GET, 0 },
	{ "vtask_as_task", RT_AS_TASK, 0 }, { "vt__as_task_at", RT_AS_TASK, 0 },
	{ "vtask_is_completed", RT_INSPECT, 0 }, { "vt__is_completed_at", RT_INSPECT, 0 },
	{ "vtask_is_completed_successfully", RT_INSPECT, 0 },
	{ "vt__is_completed_successfully_at", RT_INSPECT, 0 },
	{ "vtask_from_result", RT_DONE_MAKER, -1 }, { "vt__from_result_at", RT_DONE_MAKER, -1 },
	{ "vtask_from_error", RT_DONE_MAKER, -1 }, { "vt__from_error_at", RT_DONE_MAKER, -1 },
	{ "vt_spawn", RT_HANDOFF, 2 }, { "pthread_create", RT_HANDOFF, 3 },
	{ "thrd_create", RT_HANDOFF, 2 },
};

static bool listed(const vt_strings *names, const char *name)
{
	for (size_t i = 0; names && i < names->len; i++)
		if (!strcmp(names->data[i], name))
			return true;
	return false;
}

/*
 * What a callee is to vtlint: one of the runtime's functions, or one of the
 * project's wrappers named in .vtlint.json (arg -1: found at the call).
 */
enum vt_rt vt_callee_runtime(const vt_config *c, const char *name, int *arg)
{

	for (size_t i = 0; i < sizeof runtime_fns / sizeof *runtime_fns; i++)
		if (strcmp(runtime_fns[i].name, name) == 0) {
			*arg = runtime_fns[i].arg;
			return runtime_fns[i].what;
		}
	*arg = -1;
	if (c && listed(&c->consume, name))
		return RT_AWAIT;
	if (c && listed(&c->inspect, name))
		return RT_INSPECT;
	if (c && listed(&c->handoff, name))
		return RT_HANDOFF;
	return RT_NONE;
}


static const char *const noreturn_names[] = {
	"abort", "exit", "_Exit", "quick_exit", "longjmp", "siglongjmp", "_longjmp",
	"__longjmp_chk", "__assert_fail", "__assert_perror_fail", "__assert",
	"__builtin_unreachable", "__builtin_trap", "pthread_exit", "thrd_exit",
	"err", "errx", "verr", "verrx", "__stack_chk_fail", NULL,
};

/*
 * libclang shows neither a trailing __attribute__((noreturn)) nor the
 * _Noreturn behind <stdnoreturn.h>'s macro: read the declaration's own
 * tokens, up to its body, for _Noreturn, noreturn, __noreturn__ or a
 * project's NORETURN macro.
 */
static bool declared_noreturn(CXCursor decl)
{
	CXTranslationUnit tu = clang_Cursor_getTranslationUnit(decl);
	CXString name = clang_getCursorSpelling(decl);
	CXToken *toks;
	unsigned n;
	bool r = false;

	clang_tokenize(tu, clang_getCursorExtent(decl), &toks, &n);
	for (unsigned i = 0; i < n && !r; i++) {
		CXString s = clang_getTokenSpelling(tu, toks[i]);
		const char *t = clang_getCString(s);
		bool body = !strcmp(t, "{");

		r = strcasestr(t, "noreturn") && strcmp(t, clang_getCString(name)) != 0;
		clang_disposeString(s);
		if (body)
			break;
	}
	clang_disposeTokens(tu, toks, n);
	clang_disposeString(name);
	return r;
}

bool vt_callee_noreturn(CXCursor fn)
{
	CXCursor def = clang_getCursorDefinition(fn);

	return listed_name(fn, noreturn_names) || declared_noreturn(fn) ||
	       declared_noreturn(clang_getCanonicalCursor(fn)) ||
	       (!clang_Cursor_isNull(def) && declared_noreturn(def));
}
