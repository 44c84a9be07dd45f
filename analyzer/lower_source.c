/*
 * lower_source.c: what a call does to the vt_sources of the caller (VT006).
 *
 * VT006 is judged within one function, but a source the function names may
 * be completed or reset by code it calls.  A call given the source (`&src`,
 * `s`, `&p->m.src`) or a pointer it is reached through (`p`, for a member
 * source rooted at parameter p) makes what the function knew about it void,
 * unless the callee is followed and its summary says it keeps the source
 * (only reads its token or makes a vtask from it): no finding may rest on
 * what unseen code did, and none may be lost to a visible helper that did
 * nothing to it.  A source whose address goes anywhere else (a global, a
 * struct, another local) is forgotten there and at every later call.
 */
#include "lower.h"

/*
 * Whether e names one source whenever it runs: a parameter, or the address
 * of a named object or its member (`one`, `&src`, `&c->rd`), with no
 * index, arithmetic, call or local pointer in it, which may name another
 * source on the next pass.
 */
static bool same_source_each_time(CXCursor e)
{
	cursors k;

	e = lw_strip(e);
	switch (lw_kind(e)) {
	case CXCursor_DeclRefExpr: {
		CXCursor r = clang_getCursorReferenced(e);

		return lw_kind(r) == CXCursor_ParmDecl ||
		       clang_getCursorType(r).kind != CXType_Pointer;
	}
	case CXCursor_MemberRefExpr:
		k = lw_children(e);
		return k.len == 1 && same_source_each_time(k.data[0]);
	case CXCursor_UnaryOperator:
		k = lw_children(e);
		return clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf && k.len == 1 &&
		       same_source_each_time(k.data[0]);
	default:
		return false;
	}
}

typedef struct writes {
	CXCursor var;
	int n;
} writes;

static bool names_var(CXCursor e, CXCursor var)
{
	e = lw_strip(e);
	return lw_kind(e) == CXCursor_DeclRefExpr &&
	       clang_equalCursors(clang_getCursorReferenced(e), var);
}

static enum CXChildVisitResult count_write(CXCursor c, CXCursor parent, CXClientData d)
{
	writes *w = d;
	enum CXCursorKind kind = lw_kind(c);
	cursors k;

	(void)parent;
	if (kind == CXCursor_BinaryOperator || kind == CXCursor_CompoundAssignOperator) {
		enum CXBinaryOperatorKind b = clang_getCursorBinaryOperatorKind(c);

		k = lw_children(c);
		w->n += b >= CXBinaryOperator_Assign && b <= CXBinaryOperator_OrAssign && k.len == 2 &&
			names_var(k.data[0], w->var);
	} else if (kind == CXCursor_UnaryOperator) {
		enum CXUnaryOperatorKind u = clang_getCursorUnaryOperatorKind(c);

		k = lw_children(c);
		w->n += (u == CXUnaryOperator_AddrOf || (u >= CXUnaryOperator_PostInc &&
							 u <= CXUnaryOperator_PreDec)) &&
			k.len == 1 && names_var(k.data[0], w->var);
	}
	return CXChildVisit_Recurse;
}

/* Whether local var is given only one value in the function: its
 * initializer or one assignment, no ++, --, compound assignment or &var. */
static bool written_once(L *l, CXCursor var)
{
	writes w = { var, vt_cursor_null(clang_Cursor_getVarDeclInitializer(var)) ? 0 : 1 };

	if (!vt_cursor_null(l->body))
		lw_walk(l->body, count_write, &w);
	return w.n == 1;
}

/*
 * `vt_source *` local var (declared by decl) given value at at: from there
 * it names another source (`&pool[i]` in a loop), unless value is its only
 * one and names the same source each time it runs (`s = src;`).
 */
void lw_source_pointed(L *l, int var, CXCursor decl, CXCursor value, vt_loc at)
{
	vt_event *r;

	if (same_source_each_time(value) && written_once(l, decl))
		return;
	r = lw_emit(l, EV_SRC_RESET, at);
	r->src = var;
	r->flags = 1;
}

/* The index of the function parameter parm (a ParmDecl), or -1. */
static int param_index(CXCursor parm)
{
	CXCursor fn = clang_getCursorSemanticParent(parm);
	int n = clang_Cursor_getNumArguments(fn);

	for (int i = 0; i < n; i++)
		if (clang_equalCursors(clang_Cursor_getArgument(fn, i), parm))
			return i;
	return -1;
}

/* The parameter whose index a DeclRefExpr names, or -1. */
static int ref_param(CXCursor c)
{
	CXCursor d;

	if (lw_kind(c) != CXCursor_DeclRefExpr)
		return -1;
	d = clang_getCursorReferenced(c);
	return lw_kind(d) == CXCursor_ParmDecl ? param_index(d) : -1;
}

/* The expression a member access, subscript, `&`, `*` or cast is made of, or a null cursor. */
static CXCursor base_of(CXCursor c)
{
	cursors k;
	CXCursor b = clang_getNullCursor();
	enum CXCursorKind kind = lw_kind(c);

	if (kind != CXCursor_MemberRefExpr && kind != CXCursor_ArraySubscriptExpr &&
	    kind != CXCursor_UnaryOperator)
		return b;
	k = lw_kids(c);
	if (k.len)
		b = k.data[0];
	free(k.data);
	return b;
}

/* The parameter an access chain (`p`, `&p->a.b`, `p->q[1]`) starts from, or -1. */
int lw_chain_param(CXCursor c)
{
	for (int depth = 0; depth < 64 && !vt_cursor_null(c); depth++) {
		c = lw_strip(c);
		if (lw_kind(c) == CXCursor_DeclRefExpr)
			return ref_param(c);
		c = base_of(c);
	}
	return -1;
}

static bool reaches_source(CXCursor a)
{
	return vt_reaches_source(clang_getCursorType(a));
}

static void forget_source(L *l, int var, int root, vt_loc at)
{
	vt_event *e = lw_emit(l, EV_SRC_RESET, at);

	e->src = var;
	e->arg = root;
	e->flags = var >= 0 ? 2 : 3;
}

/* Source var given as slot k of the callee: the call splits by the slot's ways out. */
static void slot_call(L *l, int var, const vt_summary *sum, size_t k, int *ret, vt_loc at)
{
	vt_event *e;

	if (sum->slots.data[k].escapes)
		lw_source_escapes(l, var, at);
	e = lw_emit(l, EV_SRC_CALL, at);

	e->src = var;
	e->sum = (vt_summary *)sum;
	e->arg = (int)k;
	e->ret = *ret; /* the call's result: the slot's return values */
	if (*ret >= 0)
		l->ret_used = true;
	*ret = -1;
}

/* Source x given as argument i (`&src`, `s`): what the callee does to it, or forgotten. */
static void give_source(L *l, int x, const vt_summary *sum, int i, int *ret, vt_loc at)
{
	if (!sum) {
		forget_source(l, x, -1, at);
		return;
	}
	for (size_t k = 0; k < sum->slots.len; k++)
		if (sum->slots.data[k].param == i) {
			if (*sum->slots.data[k].member)
				forget_source(l, x, -1, at); /* a vt_source * has no members */
			else
				slot_call(l, x, sum, k, ret, at);
		}
}

/*
 * The name the caller gives what callee member m of the argument names:
 * `c` with "->rx" is "c->rx", `&c->q` with "->rx" is "c->q.rx".  False
 * when the argument is no parameter's access chain.
 */
static bool caller_name(CXCursor a, const char *m, char *buf, size_t n)
{
	bool addr = false;
	size_t len;
	cursors k;

	a = lw_strip(a);
	if (lw_kind(a) == CXCursor_UnaryOperator &&
	    clang_getCursorUnaryOperatorKind(a) == CXUnaryOperator_AddrOf) {
		k = lw_kids(a);
		if (k.len)
			a = k.data[0];
		free(k.data);
		addr = true;
	}
	if (!lw_member_name(a, buf, n))
		return false;
	len = strlen(buf);
	if (addr && !strncmp(m, "->", 2))
		snprintf(buf + len, n - len, ".%s", m + 2);
	else
		snprintf(buf + len, n - len, "%s", m);
	return strlen(buf) + 1 < n;
}

/* A pointer argument rooted at a parameter, through which sources are reached. */
static void give_chain(L *l, CXCursor a, const vt_summary *sum, int i, int *ret, vt_loc at)
{
	int root = lw_chain_param(a);
	char name[256];

	if (!sum) {
		forget_source(l, -1, root, at);
		return;
	}
	for (size_t k = 0; k < sum->slots.len; k++) {
		const vt_src_slot *slot = &sum->slots.data[k];

		if (slot->param != i)
			continue;
		if (!strcmp(slot->member, "*") || !*slot->member ||
		    !caller_name(a, slot->member, name, sizeof name))
			forget_source(l, -1, root, at);
		else
			slot_call(l, lw_named_source(l, name, root, at), sum, k, ret, at);
	}
}

/*
 * Argument i of a call to a function that is not libvtask's: a source the
 * callee may complete or reset, or a pointer it reaches sources through.
 * The callee's summary speaks only of parameters of such types: one given
 * the source as a `void *` converts it back out of sight, as unseen code
 * would.  True when a is a source (there is nothing else to lower in it).
 */
bool lw_source_argument(L *l, CXCursor a, const vt_summary *sum, int i, const char *name,
			int *ret)
{
	int x = lw_source_of(l, a);

	/* a parameter that cannot name a source (`void *`, `...`) is followed no further */
	if (sum && (i >= sum->nparams || !reaches_source(a)))
		sum = NULL;
	if (x >= 0) {
		if (!(name && vt_callee_is_producer(name)))
			give_source(l, x, sum, i, ret, lw_loc_of(l, a));
		return true;
	}
	if (lw_chain_param(a) >= 0 && reaches_source(lw_strip(a)))
		give_chain(l, a, sum, i, ret, lw_loc_of(l, a));
	return false;
}

/* The source variable named name (`p->q.src`, rooted at parameter root), made the first time. */
int lw_named_source(L *l, const char *name, int root, vt_loc at)
{
	int v;

	for (size_t i = 0; i < l->sources.len; i++)
		if (!strcmp(l->fn->vars.data[l->sources.data[i]].name, name))
			return l->sources.data[i];
	v = cfg_var(l->fn, name, VAR_SOURCE, at);
	l->fn->vars.data[v].root = root;
	vec_push(&l->sources, v);
	return v;
}

/* A source named where the lowering does not follow it (`g = &src;`, `t = s;`): it escapes. */
void lw_source_escapes(L *l, int var, vt_loc at)
{
	if (!l->fn->vars.data[var].escapes) /* the flag is the fact; the list, where to find it */
		vec_push(&l->escaped_sources, var);
	l->fn->vars.data[var].escapes = true;
	forget_source(l, var, -1, at);
}

/* A call that may run the user's code: an escaped source may be completed or reset there. */
void lw_forget_escaped_sources(L *l, vt_loc at)
{
	for (size_t i = 0; i < l->escaped_sources.len; i++)
		forget_source(l, l->escaped_sources.data[i], -1, at);
}
