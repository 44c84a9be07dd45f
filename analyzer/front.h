/*
 * front.h: the libclang-facing stages (frontend.c, lower.c).  Nothing after
 * lowering sees a CXCursor: the CFG, the engine and the formatters work on
 * vtlint.h's own types.
 */
#ifndef VTLINT_FRONT_H
#define VTLINT_FRONT_H

#include <clang-c/Index.h>

#include "vtlint.h"

/*
 * clang_Cursor_isNull() without a call into libclang: its null cursor is
 * CXCursor_InvalidFile with no data (clang_getNullCursor()), and lowering
 * asks at every turn.
 */
static inline bool vt_cursor_null(CXCursor c)
{
	return c.kind == CXCursor_InvalidFile && !c.data[0] && !c.data[1] && !c.data[2];
}

/* What lowering needs from the unit around the function it lowers. */
typedef struct vt_lower_env vt_lower_env;
struct vt_lower_env {
	CXTranslationUnit tu;
	const vt_config *config;  /* the project's wrappers, or NULL */
	/* Lower every body, even one with nothing of the runtime's (a CFG dump shows them all). */
	bool lower_all;
	/* lower.c's facts about callees, kept for the unit; vt_lower_env_free() frees them. */
	struct vt_callee_memo *callees;
	/* The user's place for a libclang location (outermost macro expansion). */
	vt_loc (*loc)(vt_lower_env *env, CXSourceLocation sl);
	/* The callee's summary when its body is in this unit or another file of the project, else NULL. */
	vt_summary *(*summary)(vt_lower_env *env, CXCursor callee);
};

/*
 * frontend.c: diagnostics, then every function of the unit's main file.  With
 * a memo (session.c: the same file analysed again after an edit), functions
 * whose text, surroundings and callees' summaries did not change keep their
 * findings instead of being analysed again.
 */
typedef struct vt_memo vt_memo;
vt_memo *vt_memo_new(void);
void vt_memo_free(vt_memo *m);
int vt_analyze_tu(CXTranslationUnit tu, const char *path, const char *name,
		  const vt_unit_opts *o, vt_findings *out, vt_memo *m, const char *text, size_t len);

/* lower*.c: one function definition into its CFG of vtask events. */
vt_func *vt_lower(vt_lower_env *env, CXCursor fn);
void vt_lower_release(void); /* the unit is done: what vt_lower kept for the next function */
/* Anything in fn (its type, declarations, expressions) of one of the runtime's types. */
bool vt_touches_runtime(CXCursor fn);
void vt_lower_env_free(vt_lower_env *env);

/* ---- callees.c: what a called function is to vtlint ---- */

enum vt_rt {
	RT_NONE,       /* not the runtime's: its body or its prototype decides */
	RT_AWAIT, RT_GET, RT_AS_TASK, /* consume their vtask argument */
	RT_INSPECT,    /* inspects its vtask argument */
	RT_INSPECT_PTR, /* inspects the vtask its pointer argument names (vtask_cancel) */
	RT_DONE_MAKER, /* returns a vtask already completed */
	RT_HANDOFF,    /* hands &x to another fiber or thread */
};

/* The runtime function or configured wrapper name is; *arg: its operand, -1 to find at the call. */
enum vt_rt vt_callee_runtime(const vt_config *c, const char *name, int *arg);
/* What the user wrote for a function <vtask.h> routes elsewhere (vt__read_at: vt_read). */
const char *vt_callee_public_name(const char *name);
/* The declaration says the function never returns. */
bool vt_callee_noreturn(CXCursor fn);

/* types.c: types the lowering and the summaries agree on, each asked once per unit. */
void vt_types_forget(void); /* a new unit: its types are not the last one's */
/* struct NAME whatever the qualifiers and typedefs around it (not remembered). */
bool vt_struct_named(CXType t, const char *name);
bool vt_is_vtask_type(CXType t);
bool vt_is_vtask_ptr_type(CXType t);
bool vt_is_task_ptr_type(CXType t);
/* A vt_source or a pointer to one (VT006). */
bool vt_is_source_type(CXType t);
/* A pointer through which a vt_source is reached, member after member. */
bool vt_reaches_source(CXType t);
/* A vtask, a vtask *, a vt_task * or a way to a vt_source among fn's parameters. */
bool vt_takes_vtasks(CXCursor fn);
/* Scalars whose tested values can rule paths out (rules.md: "two tests of the same local"). */
bool vt_is_scalar_type(CXType t);
/* One of libvtask's vt_source functions, whose effect the lowering knows (VT006). */
bool vt_callee_is_producer(const char *name);
/* A function that makes a new vt_task reference (VT007). */
bool vt_callee_makes_task(const char *name);
/* What passing a vt_task * to the runtime's function name does: 'r'elease, 'i'nspect, 0: neither. */
int vt_callee_task_use(const char *name);
/* vt_task_when_all/when_any: the array of references given only read (VT007). */
bool vt_callee_reads_tasks(const char *name);

#endif /* VTLINT_FRONT_H */
