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
	{ "vtask_cancel", RT_INSPECT_PTR, 0 }, { "vt__cancel_at", RT_INSPECT_PTR, 0 },
	{ "vt_spawn", RT_HANDOFF, 2 }, { "pthread_create", RT_HANDOFF, 3 },
	{ "thrd_create", RT_HANDOFF, 2 },
};

/* <vtask.h>'s vt__NAME_at capture file and line for vtask_NAME or vt_NAME. */
static const char *const vtask_words[] = {
	"from_result", "from_error", "from_task", "from_source", "is_completed",
	"is_completed_successfully", "await", "get_result", "as_task", "cancel", NULL,
};

const char *vt_callee_public_name(const char *name)
{
	static __thread char buf[128];
	size_t n = strlen(name);
	const char *prefix = "vt_";

	if (strncmp(name, "vt__", 4) != 0 || n < 8 || n > 100 || strcmp(name + n - 3, "_at") != 0)
		return name;
	n -= 7; /* the word between vt__ and _at; asked at every call: no snprintf */
	for (size_t i = 0; vtask_words[i]; i++)
		if (strlen(vtask_words[i]) == n && !memcmp(name + 4, vtask_words[i], n))
			prefix = "vtask_";
	memcpy(buf, prefix, strlen(prefix));
	memcpy(buf + strlen(prefix), name + 4, n);
	buf[strlen(prefix) + n] = 0;
	return buf;
}

bool vt_callee_is_producer(const char *name)
{
	static const char *const fns[] = {
		"vt_source_set_result", "vt_source_set_error", "vt_source_reset", "vt_source_init",
		"vt_source_token", "vtask_from_source", NULL,
	};

	name = vt_callee_public_name(name);
	for (size_t i = 0; fns[i]; i++)
		if (!strcmp(name, fns[i]))
			return true;
	return false;
}

/* rules.md VT007: the functions that make a new vt_task reference. */
static const char *const task_makers[] = {
	"vtask_as_task", "vt__as_task_at", "vt_task_new", "vt_task_from_result",
	"vt_task_from_error", "vt_task_retain", "vt_task_when_all", "vt_task_when_any", NULL,
};

bool vt_callee_makes_task(const char *name)
{
	name = vt_callee_public_name(name);
	for (size_t i = 0; task_makers[i]; i++)
		if (!strcmp(name, task_makers[i]))
			return true;
	return false;
}

bool vt_callee_reads_tasks(const char *name)
{
	name = vt_callee_public_name(name);
	return !strcmp(name, "vt_task_when_all") || !strcmp(name, "vt_task_when_any");
}

/* A reference given to these is released ('r': released, wrapped) or only read ('i'). */
int vt_callee_task_use(const char *name)
{
	static const char *const reads[] = {
		"vt_task_await", "vt_task_is_completed", "vt_task_complete", "vt_task_fail",
		"vt_task_retain", NULL,
	};

	name = vt_callee_public_name(name);
	if (!strcmp(name, "vt_task_release") || !strcmp(name, "vtask_from_task") ||
	    !strcmp(name, "vt__from_task_at"))
		return 'r';
	for (size_t i = 0; reads[i]; i++)
		if (!strcmp(name, reads[i]))
			return 'i';
	return 0;
}

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
 * The AST's word on noreturn, never the source text (a comment that says
 * "noreturn" must not count, a macro that expands to the attribute must):
 * __attribute__((noreturn)), wherever it is written and through whatever
 * macro, makes the function's type noreturn, which the type's spelling
 * shows; _Noreturn and [[noreturn]] are declaration attributes, which the
 * declaration's pretty-printed form shows.
 */
static bool declared_noreturn(CXCursor decl)
{
	CXString t = clang_getTypeSpelling(clang_getCursorType(decl));
	CXPrintingPolicy pol = clang_getCursorPrintingPolicy(decl);
	CXString pp;
	const char *s;
	bool r = strstr(clang_getCString(t), "__attribute__((noreturn))") != NULL;

	clang_disposeString(t);
	if (!r) {
		clang_PrintingPolicy_setProperty(pol, CXPrintingPolicy_TerseOutput, 1);
		pp = clang_getCursorPrettyPrinted(decl, pol);
		s = clang_getCString(pp);
		r = strncmp(s, "_Noreturn ", 10) == 0 || strstr(s, "[[noreturn]]") ||
		    strstr(s, "[[_Noreturn]]") || strstr(s, "__attribute__((noreturn") ||
		    strstr(s, "[[gnu::noreturn]]");
		clang_disposeString(pp);
	}
	clang_PrintingPolicy_dispose(pol);
	return r;
}

bool vt_callee_noreturn(CXCursor fn)
{
	CXCursor def = clang_getCursorDefinition(fn);

	return listed_name(fn, noreturn_names) || declared_noreturn(fn) ||
	       declared_noreturn(clang_getCanonicalCursor(fn)) ||
	       (!vt_cursor_null(def) && declared_noreturn(def));
}
