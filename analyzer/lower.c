/*
 * lower.c: one function's statements and expressions -> a CFG whose blocks
 * hold only what matters to vtasks (vtlint.h, enum vt_ev_kind).
 *
 * Grammar-shaped: stmt() recognises statements, expr() expressions in value
 * context, cond() expressions in branch context (where &&, ||, !, ?: and the
 * tests of locals become edges with facts).  Scopes are tracked so that a
 * variable leaving its block, or a jump out of it, drops its operation at the
 * right place; gotos are resolved once every label has been seen.
 */
#include <stdlib.h>
#include <string.h>

#include "front.h"

enum { DEAD = -1 };

/* One C variable vtlint follows: a vtask, an int-like local, a vtask * local. */
typedef struct var_ent {
	CXCursor decl;
	int var;       /* CFG variable, or -1 for pointer locals */
	int ptr;       /* pointer locals: the vtask variable it holds &x of, or -1 */
	bool is_ptr;
} var_ent;

typedef struct scope {
	int parent;
	VEC(int) vars; /* CFG vtask variables declared here, in order */
} scope;

typedef struct label {
	CXCursor stmt;
	int block, scope;
	bool addr_taken;
} label;

typedef struct jump {
	int block, scope;
	CXCursor target; /* the LabelStmt; null cursor for a computed goto */
	vt_loc loc;
} jump;

/* The innermost loop or switch: where break and continue go. */
typedef struct target {
	int brk, cont;    /* cont: -1 for a switch */
	int scope;
	bool is_switch;
	int sw_block, sw_var;
	VEC(int64_t) cases;
	int dflt;
} target;

typedef struct L {
	vt_lower_env *env;
	vt_func *fn;
	int cur;
	int scope;
	VEC(scope) scopes;
	VEC(var_ent) vars;
	VEC(label) labels;
	VEC(jump) gotos;
	VEC(target *) targets;
	VEC(int) temps_live;   /* temporaries of the full expressions being lowered */
	VEC(int) temps_free;
	int cond_mark;         /* >= 0: a statement's condition; drop temps at its branch */
	VEC(struct callee_fact { unsigned hash; CXCursor decl; bool noreturn; }) callees;
} L;

static void stmt(L *l, CXCursor c);
static int expr(L *l, CXCursor c);
static void cond(L *l, CXCursor c, int t, int f);
static int addr_target(L *l, CXCursor c);

/* ---- cursors and types ---------------------------------------------------------- */

typedef VEC(CXCursor) cursors;

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent, CXClientData d)
{
	vec_push((cursors *)d, c);
	return CXChildVisit_Continue;
}

static cursors kids(CXCursor c)
{
	cursors v = { 0 };

	clang_visitChildren(c, collect, &v);
	return v;
}

static enum CXCursorKind kind(CXCursor c)
{
	return clang_getCursorKind(c);
}

/* Statement cursors reached by different routes differ in context: compare places. */
static bool same_label(CXCursor a, CXCursor b)
{
	return clang_equalLocations(clang_getCursorLocation(a), clang_getCursorLocation(b));
}

/* struct NAME whatever the qualifiers and typedefs around it. */
static bool is_struct_named(CXType t, const char *name)
{
	CXCursor d;
	CXString s;
	bool r;

	t = clang_getCanonicalType(t);
	if (t.kind != CXType_Record)
		return false;
	d = clang_getTypeDeclaration(t);
	s = clang_getCursorSpelling(d);
	r = clang_getCursorKind(d) == CXCursor_StructDecl && strcmp(clang_getCString(s), name) == 0;
	clang_disposeString(s);
	return r;
}

bool vt_is_vtask_type(CXType t)
{
	return is_struct_named(t, "vtask");
}

bool vt_is_vtask_ptr_type(CXType t)
{
	t = clang_getCanonicalType(t);
	return (t.kind == CXType_Pointer && vt_is_vtask_type(clang_getPointeeType(t))) ||
	       (t.kind == CXType_IncompleteArray && vt_is_vtask_type(clang_getArrayElementType(t)));
}

/* Scalars whose tested values can rule paths out (rules.md: "two tests of the same local"). */
static bool is_scalar_type(CXType t)
{
	t = clang_getCanonicalType(t);
	return (t.kind >= CXType_Bool && t.kind <= CXType_Int128) || t.kind == CXType_Enum ||
	       t.kind == CXType_Pointer;
}

static bool cursor_is_vtask(CXCursor c)
{
	return vt_is_vtask_type(clang_getCursorType(c));
}

/* Looks through parentheses and implicit conversions (one-child UnexposedExpr). */
static CXCursor strip(CXCursor c)
{
	for (;;) {
		enum CXCursorKind k = kind(c);
		cursors v;

		if (k != CXCursor_ParenExpr && k != CXCursor_UnexposedExpr)
			return c;
		v = kids(c);
		if (v.len != 1 || !clang_isExpression(kind(v.data[0]))) {
			free(v.data);
			return c;
		}
		c = v.data[0];
		free(v.data);
	}
}

static char *spelling(CXCursor c)
{
	CXString s = clang_getCursorSpelling(c);
	char *r = xstrdup(clang_getCString(s));

	clang_disposeString(s);
	return r;
}

static bool name_is(CXCursor c, const char *const *names)
{
	CXString s = clang_getCursorSpelling(c);
	const char *n = clang_getCString(s);
	bool r = false;

	for (; *names && !r; names++)
		r = strcmp(n, *names) == 0;
	clang_disposeString(s);
	return r;
}

/* ---- places, blocks, events -------------------------------------------------------- */

static vt_loc loc_at(L *l, CXSourceLocation sl)
{
	return l->env->loc(l->env, sl);
}

static vt_loc loc_of(L *l, CXCursor c)
{
	return loc_at(l, clang_getCursorLocation(c));
}

/* The closing brace of a compound statement. */
static vt_loc loc_end(L *l, CXCursor c)
{
	vt_loc at = loc_at(l, clang_getRangeEnd(clang_getCursorExtent(c)));

	if (at.col > 1)
		at.col--;
	return at;
}

static int cur(L *l)
{
	if (l->cur == DEAD)
		l->cur = cfg_block(l->fn); /* unreachable code still gets lowered */
	return l->cur;
}

static vt_event *emit(L *l, enum vt_ev_kind k, vt_loc at)
{
	return cfg_emit(l->fn, cur(l), k, at);
}

static vt_edge *edge_to(L *l, int to)
{
	return cfg_edge(l->fn, cur(l), to);
}

static void jump_to(L *l, int to)
{
	if (l->cur != DEAD)
		cfg_edge(l->fn, l->cur, to);
	l->cur = DEAD;
}

static int block(L *l)
{
	return cfg_block(l->fn);
}

/* ---- variables ------------------------------------------------------------------ */

static var_ent *lookup(L *l, CXCursor decl)
{
	for (size_t i = l->vars.len; i-- > 0;)
		if (clang_equalCursors(l->vars.data[i].decl, decl))
			return &l->vars.data[i];
	return NULL;
}

/* The entry for what a DeclRefExpr (under parens and casts) names, or NULL. */
static var_ent *ref(L *l, CXCursor c)
{
	c = strip(c);
	if (kind(c) != CXCursor_DeclRefExpr)
		return NULL;
	return lookup(l, clang_getCursorReferenced(c));
}

static int vtask_var_of(L *l, CXCursor c)
{
	var_ent *e = ref(l, c);

	if (!e || e->is_ptr || e->var < 0)
		return -1;
	return l->fn->vars.data[e->var].kind == VAR_INT ? -1 : e->var;
}

static int int_var_of(L *l, CXCursor c)
{
	var_ent *e = ref(l, c);

	if (!e || e->is_ptr || e->var < 0)
		return -1;
	return l->fn->vars.data[e->var].kind == VAR_INT ? e->var : -1;
}

static int add_var(L *l, CXCursor decl, enum vt_var_kind k)
{
	char *name = spelling(decl);
	int v = cfg_var(l->fn, name, k, loc_of(l, decl));
	var_ent e = { .decl = decl, .var = v, .ptr = -1 };

	free(name);
	vec_push(&l->vars, e);
	if (k == VAR_VTASK || k == VAR_PARAM)
		vec_push(&l->scopes.data[l->scope].vars, v);
	return v;
}

static void add_ptr(L *l, CXCursor decl, int target)
{
	var_ent e = { .decl = decl, .var = -1, .ptr = target, .is_ptr = true };

	vec_push(&l->vars, e);
}

static int temp(L *l, vt_loc at)
{
	int t;

	if (l->temps_free.len)
		t = l->temps_free.data[--l->temps_free.len];
	else
		t = cfg_var(l->fn, "(temporary)", VAR_TEMP, at);
	vec_push(&l->temps_live, t);
	return t;
}

/* Ends the temporaries made since mark: the end of their full expression. */
static void drop_temps(L *l, size_t mark, vt_loc at)
{
	while (l->temps_live.len > mark) {
		int t = l->temps_live.data[--l->temps_live.len];

		emit(l, EV_DROP, at)->src = t;
		vec_push(&l->temps_free, t);
	}
}

/* ---- scopes and jumps ------------------------------------------------------------- */

static void push_scope(L *l)
{
	scope s = { .parent = l->scope };

	vec_push(&l->scopes, s);
	l->scope = (int)l->scopes.len - 1;
}

static void drop_scope_vars(L *l, int block, int sc, vt_loc at)
{
	scope *s = &l->scopes.data[sc];

	for (size_t i = s->vars.len; i-- > 0;)
		cfg_emit(l->fn, block, EV_DROP, at)->src = s->vars.data[i];
}

static void pop_scope(L *l, vt_loc at)
{
	if (l->cur != DEAD)
		drop_scope_vars(l, l->cur, l->scope, at);
	l->scope = l->scopes.data[l->scope].parent;
}

static bool scope_within(L *l, int inner, int outer)
{
	for (; inner >= 0; inner = l->scopes.data[inner].parent)
		if (inner == outer)
			return true;
	return false;
}

/* Drops, in block, every variable of the scopes from sc out to (not into) keep. */
static void leave_scopes(L *l, int block, int sc, int keep, vt_loc at)
{
	for (; sc >= 0 && !scope_within(l, keep, sc); sc = l->scopes.data[sc].parent)
		drop_scope_vars(l, block, sc, at);
}

/* ---- constants -------------------------------------------------------------------- */

static enum CXChildVisitResult ice_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	bool *ok = d;
	enum CXCursorKind k = kind(c);

	switch (k) {
	case CXCursor_IntegerLiteral: case CXCursor_CharacterLiteral:
	case CXCursor_TypeRef: case CXCursor_UnaryExpr:
		return CXChildVisit_Continue;
	case CXCursor_DeclRefExpr:
		if (kind(clang_getCursorReferenced(c)) != CXCursor_EnumConstantDecl)
			*ok = false;
		return CXChildVisit_Continue;
	case CXCursor_ParenExpr: case CXCursor_UnexposedExpr: case CXCursor_CStyleCastExpr:
	case CXCursor_ConditionalOperator: case CXCursor_UnaryOperator:
	case CXCursor_BinaryOperator:
		return CXChildVisit_Recurse;
	default:
		*ok = false;
		return CXChildVisit_Break;
	}
}

/* An integer constant expression after macro expansion (rules.md): literals, enumerators, sizeof. */
static bool constant(CXCursor c, int64_t *out)
{
	bool ok = true;
	CXEvalResult r;

	c = strip(c);
	if (kind(c) == CXCursor_UnaryOperator) {
		enum CXUnaryOperatorKind u = clang_getCursorUnaryOperatorKind(c);

		if (u != CXUnaryOperator_Minus && u != CXUnaryOperator_Plus &&
		    u != CXUnaryOperator_Not && u != CXUnaryOperator_LNot)
			return false;
	}
	if (kind(c) != CXCursor_UnaryExpr)
		ice_visit(c, c, &ok) == CXChildVisit_Recurse ? clang_visitChildren(c, ice_visit, &ok)
							      : 0;
	if (!ok)
		return false;
	r = clang_Cursor_Evaluate(c);
	if (!r)
		return false;
	ok = clang_EvalResult_getKind(r) == CXEval_Int;
	if (ok)
		*out = clang_EvalResult_isUnsignedInt(r) ? (int64_t)clang_EvalResult_getAsUnsigned(r)
							 : clang_EvalResult_getAsLongLong(r);
	clang_EvalResult_dispose(r);
	return ok;
}

/* ---- the runtime's functions ------------------------------------------------------ */

enum rt { RT_NONE, RT_AWAIT, RT_GET, RT_AS_TASK, RT_INSPECT, RT_DONE_MAKER, RT_HANDOFF };

static const struct {
	const char *name;
	enum rt what;
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
static enum rt runtime_fn(const L *l, const char *name, int *arg)
{
	const vt_config *c = l->env->config;

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

/* A wrapper's operand: its first vtask argument, or for a hand-off its first &x. */
static int wrapper_arg(L *l, CXCursor c, enum rt what, int nargs)
{
	for (int i = 0; i < nargs; i++) {
		CXCursor a = clang_Cursor_getArgument(c, i);

		if (what == RT_HANDOFF ? addr_target(l, a) >= 0 : cursor_is_vtask(a))
			return i;
	}
	return -1;
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

static bool noreturn_uncached(CXCursor fn)
{
	CXCursor def = clang_getCursorDefinition(fn);

	return name_is(fn, noreturn_names) || declared_noreturn(fn) ||
	       declared_noreturn(clang_getCanonicalCursor(fn)) ||
	       (!clang_Cursor_isNull(def) && declared_noreturn(def));
}

/* abort(), exit(), _Noreturn and __attribute__((noreturn)) functions end a path. */
static bool is_noreturn(L *l, CXCursor fn)
{
	CXCursor canon = clang_getCanonicalCursor(fn);
	unsigned h = clang_hashCursor(canon);
	struct callee_fact f;

	for (size_t i = 0; i < l->callees.len; i++)
		if (l->callees.data[i].hash == h && clang_equalCursors(l->callees.data[i].decl, canon))
			return l->callees.data[i].noreturn;
	f = (struct callee_fact){ .hash = h, .decl = canon, .noreturn = noreturn_uncached(fn) };
	vec_push(&l->callees, f);
	return f.noreturn;
}

/* ---- addresses ------------------------------------------------------------------- */

/* x when c is &x, or a vtask * local holding &x, or a vtask * parameter (its *p). */
static int addr_target(L *l, CXCursor c)
{
	var_ent *e;

	c = strip(c);
	while (kind(c) == CXCursor_CStyleCastExpr) {
		cursors v = kids(c);

		c = strip(v.data[v.len - 1]);
		free(v.data);
	}
	if (kind(c) == CXCursor_UnaryOperator &&
	    clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_AddrOf) {
		cursors v = kids(c);
		int x = v.len ? vtask_var_of(l, v.data[0]) : -1;

		free(v.data);
		return x;
	}
	e = ref(l, c);
	if (e && e->is_ptr)
		return e->ptr;
	if (e && e->var >= 0 && l->fn->vars.data[e->var].kind == VAR_OUT)
		return e->var;
	return -1;
}

/* ---- expressions -------------------------------------------------------------------- */

static void exprs(L *l, CXCursor c)
{
	cursors v = kids(c);

	for (size_t i = 0; i < v.len; i++)
		if (clang_isExpression(kind(v.data[i])) || clang_isStatement(kind(v.data[i])))
			expr(l, v.data[i]);
	free(v.data);
}

static void consume(L *l, int v, enum vt_how how, vt_loc at)
{
	if (v >= 0) {
		vt_event *e = emit(l, EV_CONSUME, at);

		e->src = v;
		e->how = how;
	}
}

static int birth(L *l, CXCursor call, const char *what, unsigned flags)
{
	vt_loc at = loc_of(l, call);
	int t = temp(l, at);
	vt_event *e = emit(l, EV_BIRTH, at);

	e->dst = t;
	e->flags = flags;
	e->what = what;
	return t;
}

/* One argument of a call to a function that is not the runtime's. */
static void argument(L *l, CXCursor a, vt_summary *sum, int i)
{
	int x;

	if (cursor_is_vtask(a)) {
		int v = expr(l, a);
		bool borrowed = sum && i < sum->nparams && sum->param[i].inspect_only;

		if (v >= 0 && borrowed)
			emit(l, EV_INSPECT, loc_of(l, a))->src = v;
		else
			consume(l, v, HOW_PASS, loc_of(l, a));
		return;
	}
	x = addr_target(l, a);
	if (x < 0) {
		expr(l, a);
		return;
	}
	if (sum && i < sum->nparams && sum->param[i].is_out) {
		vt_event *e = emit(l, EV_CALLREF, loc_of(l, a));

		e->src = x;
		e->sum = sum;
		e->arg = i;
	} else {
		emit(l, EV_ESCAPE, loc_of(l, a))->src = x;
	}
}

static const char *intern(L *l, CXCursor c)
{
	char *s = spelling(c);
	const char *r = cfg_str(l->fn, s);

	free(s);
	return r;
}

static int runtime_call(L *l, CXCursor c, enum rt what, int which, int nargs)
{
	vt_loc at = loc_of(l, c);

	for (int i = 0; i < nargs; i++) {
		CXCursor a = clang_Cursor_getArgument(c, i);

		if (i == which && what == RT_HANDOFF) {
			int x = addr_target(l, a);

			if (x >= 0)
				emit(l, EV_HANDOFF, at)->src = x;
			else
				expr(l, a);
		} else if (i == which) {
			int v = expr(l, a);

			if (what == RT_INSPECT && v >= 0)
				emit(l, EV_INSPECT, at)->src = v;
			else if (what != RT_INSPECT)
				consume(l, v, what == RT_AWAIT ? HOW_AWAIT :
					      what == RT_GET ? HOW_GET_RESULT : HOW_AS_TASK, at);
		} else {
			expr(l, a);
		}
	}
	return -1;
}

static int call(L *l, CXCursor c)
{
	CXCursor callee = clang_getCursorReferenced(c);
	bool direct = kind(callee) == CXCursor_FunctionDecl;
	int nargs = clang_Cursor_getNumArguments(c), which = -1, r = -1;
	enum rt what = RT_NONE;
	vt_summary *sum = NULL;
	char *name = direct ? spelling(callee) : NULL;

	if (direct)
		what = runtime_fn(l, name, &which);
	if (what != RT_NONE && which < 0 && what != RT_DONE_MAKER)
		which = wrapper_arg(l, c, what, nargs);
	if (!direct) {
		cursors v = kids(c);

		if (v.len)
			expr(l, v.data[0]);
		free(v.data);
	}
	if (what != RT_NONE && what != RT_DONE_MAKER) {
		runtime_call(l, c, what, which, nargs);
	} else {
		if (direct)
			sum = l->env->summary(l->env, callee);
		for (int i = 0; i < nargs; i++)
			argument(l, clang_Cursor_getArgument(c, i), sum, i);
	}
	if (cursor_is_vtask(c))
		r = birth(l, c, direct ? intern(l, callee) : "a call through a pointer",
			  what == RT_DONE_MAKER ? BIRTH_DONE : 0);
	if (direct && is_noreturn(l, callee))
		l->cur = DEAD;
	free(name);
	return r;
}

/* What an assignment's left side is, for a vtask value. */
static const char *container(L *l, CXCursor lhs, int *var, bool *out)
{
	CXCursor s = strip(lhs);
	var_ent *e;

	*var = -1;
	*out = false;
	switch (kind(s)) {
	case CXCursor_DeclRefExpr:
		e = ref(l, s);
		if (e && e->var >= 0) {
			*var = e->var;
			return NULL;
		}
		return clang_Cursor_hasVarDeclGlobalStorage(clang_getCursorReferenced(s)) ?
			       "a global or static variable" : "a variable vtlint does not follow";
	case CXCursor_MemberRefExpr:
		return "a struct or union member";
	case CXCursor_ArraySubscriptExpr:
		return "an array element";
	case CXCursor_UnaryOperator:
		if (clang_getCursorUnaryOperatorKind(s) == CXUnaryOperator_Deref) {
			cursors v = kids(s);
			var_ent *p = v.len ? ref(l, v.data[0]) : NULL;

			free(v.data);
			if (p && p->var >= 0 && l->fn->vars.data[p->var].kind == VAR_OUT) {
				*var = p->var;
				*out = true;
				return NULL;
			}
		}
		return "memory reached through a pointer";
	default:
		return "memory reached through a pointer";
	}
}

static void store(L *l, int v, const char *where, vt_loc at)
{
	vt_event *e = emit(l, EV_STORE, at);

	e->src = v;
	e->what = where;
}

static int inspection_into(L *l, CXCursor rhs, int dst);

/* The side effects inside a container's lvalue: `a[i++] = v`, `f()->vt = v`. */
static void lvalue_parts(L *l, CXCursor lhs)
{
	cursors k = kids(strip(lhs));

	for (size_t i = 0; i < k.len; i++)
		if (clang_isExpression(kind(k.data[i])) && !cursor_is_vtask(k.data[i]))
			expr(l, k.data[i]);
	free(k.data);
}

static int assign_vtask(L *l, CXCursor c, CXCursor lhs, CXCursor rhs)
{
	int var, v;
	bool out;
	const char *where = container(l, lhs, &var, &out);
	vt_loc at = loc_of(l, c);

	if (where)
		lvalue_parts(l, lhs);
	v = expr(l, rhs);
	if (where) {
		store(l, v, where, at);
		return -1;
	}
	if (out)
		consume(l, v, HOW_OUT, at);
	if (v >= 0) {
		vt_event *e = emit(l, EV_COPY, at);

		e->dst = var;
		e->src = v;
	} else {
		emit(l, EV_CLEAR, at)->dst = var;
	}
	return out ? -1 : var;
}

static void forget(L *l, int var, vt_loc at)
{
	if (var >= 0)
		emit(l, EV_FORGET, at)->dst = var;
}

static int assign(L *l, CXCursor c)
{
	cursors k = kids(c);
	CXCursor lhs = k.data[0], rhs = k.data[k.len - 1];
	var_ent *e = ref(l, lhs);

	free(k.data);
	if (cursor_is_vtask(lhs))
		return assign_vtask(l, c, lhs, rhs);
	if (e && e->is_ptr) {
		e->ptr = addr_target(l, rhs);
		if (e->ptr < 0)
			expr(l, rhs);
		return -1;
	}
	if (int_var_of(l, lhs) >= 0) {
		if (!inspection_into(l, rhs, int_var_of(l, lhs))) {
			expr(l, rhs);
			forget(l, int_var_of(l, lhs), loc_of(l, c));
		}
		return -1;
	}
	expr(l, lhs);
	expr(l, rhs);
	return -1;
}

/* `a && b`, `a || b` in value context: the right side runs on some paths only. */
static int logical_value(L *l, CXCursor c)
{
	int t = block(l), f = block(l), j = block(l);
	int saved = l->cond_mark;

	l->cond_mark = -1;
	cond(l, c, t, f);
	l->cond_mark = saved;
	l->cur = t;
	jump_to(l, j);
	l->cur = f;
	jump_to(l, j);
	l->cur = j;
	return -1;
}

static int conditional_value(L *l, CXCursor c)
{
	cursors k = kids(c);
	int t = block(l), f = block(l), j = block(l), r = -1, saved = l->cond_mark;
	bool vt = cursor_is_vtask(c);

	l->cond_mark = -1;
	cond(l, k.data[0], t, f);
	l->cond_mark = saved;
	for (int side = 1; side <= 2; side++) {
		int v;

		l->cur = side == 1 ? t : f;
		v = expr(l, k.data[side]);
		if (vt) {
			vt_event *e;

			if (r < 0)
				r = temp(l, loc_of(l, c));
			e = emit(l, v >= 0 ? EV_COPY : EV_CLEAR, loc_of(l, c));
			e->dst = r;
			e->src = v;
		}
		jump_to(l, j);
	}
	l->cur = j;
	free(k.data);
	return r;
}

/* GNU `x ?: y`: children are x, two opaque copies of x, and y. */
static bool is_gnu_conditional(CXCursor c, cursors *k)
{
	CXSourceRange r0;

	if (kind(c) != CXCursor_UnexposedExpr || k->len != 4)
		return false;
	r0 = clang_getCursorExtent(k->data[0]);
	return clang_equalRanges(r0, clang_getCursorExtent(k->data[1])) &&
	       clang_equalRanges(r0, clang_getCursorExtent(k->data[2]));
}

static int gnu_conditional(L *l, CXCursor c, cursors *k)
{
	int f = block(l), j = block(l);
	int x = int_var_of(l, k->data[0]);

	expr(l, k->data[0]);
	edge_to(l, j);
	edge_to(l, f);
	if (x >= 0) {
		vt_edge *b = &l->fn->blocks.data[cur(l)].succ.data[1];
		vt_edge *a = &l->fn->blocks.data[cur(l)].succ.data[0];

		*a = (vt_edge){ .to = j, .cond = { .kind = COND_CMP, .op = CMP_NE, .var = x } };
		*b = (vt_edge){ .to = f, .cond = { .kind = COND_CMP, .op = CMP_EQ, .var = x } };
	}
	l->cur = f;
	expr(l, k->data[3]);
	jump_to(l, j);
	l->cur = j;
	return -1;
}

static int compound(L *l, CXCursor c, bool value);

/* Elements of a brace initializer of a struct, union or array: each vtask among them is stored. */
static void init_list(L *l, CXCursor c)
{
	cursors k = kids(c);

	for (size_t i = 0; i < k.len; i++) {
		CXCursor e = k.data[i];

		if (kind(e) == CXCursor_MemberRef || !clang_isExpression(kind(e)))
			continue;
		if (kind(e) == CXCursor_UnexposedExpr && !cursor_is_vtask(e)) {
			init_list(l, e); /* a designator: [i] = or .m = */
			continue;
		}
		if (kind(strip(e)) == CXCursor_InitListExpr) {
			if (!cursor_is_vtask(e))
				init_list(l, strip(e));
			continue; /* a vtask member's own braces: { 0 } stores nothing */
		}
		if (cursor_is_vtask(e)) {
			cursors ek = kids(e);
			bool implicit = kind(e) == CXCursor_UnexposedExpr && ek.len == 0;

			free(ek.data);
			if (!implicit)
				store(l, expr(l, e), kind(c) == CXCursor_InitListExpr &&
				      clang_getCanonicalType(clang_getCursorType(c)).kind ==
					      CXType_ConstantArray ? "an array element"
								   : "a struct or union member",
				      loc_of(l, e));
			continue;
		}
		expr(l, e);
	}
	free(k.data);
}

static int unary(L *l, CXCursor c)
{
	enum CXUnaryOperatorKind u = clang_getCursorUnaryOperatorKind(c);
	cursors k = kids(c);
	CXCursor sub = k.len ? k.data[0] : clang_getNullCursor();
	int r = -1, x;

	free(k.data);
	if (clang_Cursor_isNull(sub))
		return -1;
	switch (u) {
	case CXUnaryOperator_AddrOf:
		x = vtask_var_of(l, sub);
		if (x >= 0)
			emit(l, EV_ESCAPE, loc_of(l, c))->src = x;
		else if (int_var_of(l, sub) >= 0)
			forget(l, int_var_of(l, sub), loc_of(l, c));
		else
			expr(l, sub);
		break;
	case CXUnaryOperator_Deref:
		x = addr_target(l, sub);
		if (x >= 0 && l->fn->vars.data[x].kind == VAR_OUT && cursor_is_vtask(c))
			r = x;
		else
			expr(l, sub);
		break;
	case CXUnaryOperator_PostInc: case CXUnaryOperator_PostDec:
	case CXUnaryOperator_PreInc: case CXUnaryOperator_PreDec:
		expr(l, sub);
		forget(l, int_var_of(l, sub), loc_of(l, c));
		break;
	default:
		expr(l, sub);
	}
	return r;
}

static int binary(L *l, CXCursor c)
{
	enum CXBinaryOperatorKind b = clang_getCursorBinaryOperatorKind(c);
	cursors k;
	int r;

	if (b == CXBinaryOperator_Assign)
		return assign(l, c);
	if (b == CXBinaryOperator_LAnd || b == CXBinaryOperator_LOr)
		return logical_value(l, c);
	k = kids(c);
	expr(l, k.data[0]);
	r = expr(l, k.data[k.len - 1]);
	if (b >= CXBinaryOperator_MulAssign && b <= CXBinaryOperator_OrAssign)
		forget(l, int_var_of(l, k.data[0]), loc_of(l, c));
	free(k.data);
	return b == CXBinaryOperator_Comma ? r : -1;
}

static int unexposed(L *l, CXCursor c)
{
	cursors k = kids(c);
	int r = -1;

	if (is_gnu_conditional(c, &k))
		r = gnu_conditional(l, c, &k);
	else if (k.len == 1 && clang_isExpression(kind(k.data[0])))
		r = expr(l, k.data[0]);
	else
		for (size_t i = 0; i < k.len; i++)
			if (clang_isExpression(kind(k.data[i])))
				expr(l, k.data[i]);
	free(k.data);
	return r;
}

static int cast(L *l, CXCursor c)
{
	cursors k = kids(c);
	int r = k.len ? expr(l, k.data[k.len - 1]) : -1;

	free(k.data);
	return cursor_is_vtask(c) ? r : -1;
}

/* GNU `({ ...; v; })`: its value is a copy of the last expression's. */
static int stmt_expr(L *l, CXCursor c)
{
	cursors k = kids(c);
	int r = k.len ? compound(l, k.data[0], true) : -1;

	free(k.data);
	return r;
}

/* &&label: a computed goto may reach the label; its LabelRef child names it. */
static void addr_label(L *l, CXCursor c)
{
	cursors k = kids(c);
	CXCursor lab = k.len ? clang_getCursorReferenced(k.data[0]) : clang_getNullCursor();
	label pending = { .stmt = lab, .block = -1, .scope = -1, .addr_taken = true };

	free(k.data);
	for (size_t i = 0; i < l->labels.len; i++)
		if (same_label(l->labels.data[i].stmt, lab))
			l->labels.data[i].addr_taken = true;
	vec_push(&l->labels, pending);
}

/* An expression in value context; returns the variable holding its vtask, or -1. */
static int expr(L *l, CXCursor c)
{
	if (clang_Cursor_isNull(c))
		return -1;
	switch (kind(c)) {
	case CXCursor_DeclRefExpr:
		return vtask_var_of(l, c);
	case CXCursor_ParenExpr:
		return unexposed(l, c);
	case CXCursor_UnexposedExpr:
		return unexposed(l, c);
	case CXCursor_CStyleCastExpr:
		return cast(l, c);
	case CXCursor_CallExpr:
		return call(l, c);
	case CXCursor_UnaryOperator:
		return unary(l, c);
	case CXCursor_BinaryOperator:
		return binary(l, c);
	case CXCursor_CompoundAssignOperator:
		return binary(l, c);
	case CXCursor_ConditionalOperator:
		return conditional_value(l, c);
	case CXCursor_StmtExpr:
		return stmt_expr(l, c);
	case CXCursor_InitListExpr:
		if (!cursor_is_vtask(c))
			init_list(l, c);
		return -1;
	case CXCursor_CompoundLiteralExpr:
		exprs(l, c);
		return -1;
	case CXCursor_UnaryExpr:       /* sizeof, _Alignof: operands never evaluated */
	case CXCursor_IntegerLiteral: case CXCursor_FloatingLiteral:
	case CXCursor_StringLiteral: case CXCursor_CharacterLiteral:
		return -1;
	case CXCursor_AddrLabelExpr:
		addr_label(l, c);
		return -1;
	default:
		exprs(l, c);
		return -1;
	}
}

/*
 * When c is a call of an inspector (vtask_is_completed*, or a wrapper the
 * configuration names), lowers it and sets *v to the inspected variable
 * (-1: not one vtlint follows).  False, and nothing lowered, otherwise.
 */
static bool inspection(L *l, CXCursor c, int *v)
{
	CXCursor callee;
	char *name;
	int which;
	enum rt what;

	if (kind(c) != CXCursor_CallExpr)
		return false;
	callee = clang_getCursorReferenced(c);
	if (kind(callee) != CXCursor_FunctionDecl)
		return false;
	name = spelling(callee);
	what = runtime_fn(l, name, &which);
	free(name);
	if (what != RT_INSPECT)
		return false;
	if (which < 0)
		which = wrapper_arg(l, c, what, clang_Cursor_getNumArguments(c));
	*v = which < 0 ? -1 : expr(l, clang_Cursor_getArgument(c, which));
	return true;
}

/* `bool done = vtask_is_completed(v);`: the local stands for the answer. */
static int inspection_into(L *l, CXCursor rhs, int dst)
{
	CXCursor s = strip(rhs);
	int v;

	if (!inspection(l, s, &v))
		return 0;
	forget(l, dst, loc_of(l, rhs));
	if (v >= 0) {
		vt_event *e = emit(l, EV_INSPECT, loc_of(l, s));

		e->src = v;
		e->dst = dst;
	}
	return 1;
}

/* ---- conditions ----------------------------------------------------------------------- */

static void branch(L *l, int t, int f, vt_cond ct, vt_cond cf, vt_loc at)
{
	if (l->cond_mark >= 0)
		drop_temps(l, (size_t)l->cond_mark, at);
	edge_to(l, t)->cond = ct;
	edge_to(l, f)->cond = cf;
	l->cur = DEAD;
}

static const enum vt_cmp negate[] = { CMP_NE, CMP_EQ, CMP_GE, CMP_GT, CMP_LE, CMP_LT };
static const enum vt_cmp mirror[] = { CMP_EQ, CMP_NE, CMP_GT, CMP_GE, CMP_LT, CMP_LE };

static bool cmp_of(enum CXBinaryOperatorKind b, enum vt_cmp *op)
{
	switch (b) {
	case CXBinaryOperator_EQ: *op = CMP_EQ; return true;
	case CXBinaryOperator_NE: *op = CMP_NE; return true;
	case CXBinaryOperator_LT: *op = CMP_LT; return true;
	case CXBinaryOperator_LE: *op = CMP_LE; return true;
	case CXBinaryOperator_GT: *op = CMP_GT; return true;
	case CXBinaryOperator_GE: *op = CMP_GE; return true;
	default: return false;
	}
}

/* `x OP K` or `K OP x` with x a followed local and K a constant. */
static bool comparison(L *l, CXCursor c, int *var, enum vt_cmp *op, int64_t *k)
{
	cursors v;
	bool ok = false;

	if (kind(c) != CXCursor_BinaryOperator || !cmp_of(clang_getCursorBinaryOperatorKind(c), op))
		return false;
	v = kids(c);
	if (v.len == 2) {
		if ((*var = int_var_of(l, v.data[0])) >= 0 && constant(v.data[1], k)) {
			ok = true;
		} else if ((*var = int_var_of(l, v.data[1])) >= 0 && constant(v.data[0], k)) {
			*op = mirror[*op];
			ok = true;
		}
	}
	free(v.data);
	return ok;
}

static bool inspection_test(L *l, CXCursor c, int t, int f)
{
	int v;

	if (!inspection(l, c, &v))
		return false;
	if (v >= 0)
		emit(l, EV_INSPECT, loc_of(l, c))->src = v;
	branch(l, t, f, (vt_cond){ .kind = v >= 0 ? COND_DONE : COND_NONE, .op = CMP_EQ, .var = v },
	       (vt_cond){ .kind = COND_NONE }, loc_of(l, c));
	return true;
}

static void cond_binary(L *l, CXCursor c, int t, int f)
{
	enum CXBinaryOperatorKind b = clang_getCursorBinaryOperatorKind(c);
	cursors k = kids(c);
	int m, var;
	enum vt_cmp op;
	int64_t K;

	if (b == CXBinaryOperator_LAnd || b == CXBinaryOperator_LOr) {
		m = block(l);
		cond(l, k.data[0], b == CXBinaryOperator_LAnd ? m : t,
		     b == CXBinaryOperator_LAnd ? f : m);
		l->cur = m;
		cond(l, k.data[1], t, f);
	} else if (b == CXBinaryOperator_Comma) {
		expr(l, k.data[0]);
		cond(l, k.data[1], t, f);
	} else if (comparison(l, c, &var, &op, &K)) {
		branch(l, t, f, (vt_cond){ .kind = COND_CMP, .op = op, .var = var, .lo = K },
		       (vt_cond){ .kind = COND_CMP, .op = negate[op], .var = var, .lo = K },
		       loc_of(l, c));
	} else {
		expr(l, c);
		branch(l, t, f, (vt_cond){ 0 }, (vt_cond){ 0 }, loc_of(l, c));
	}
	free(k.data);
}

/* An expression in branch context: control goes to t when it is non-zero, else to f. */
static void cond(L *l, CXCursor c, int t, int f)
{
	int64_t k;
	int x;

	c = strip(c);
	if (constant(c, &k)) {
		jump_to(l, k ? t : f);
		return;
	}
	if (kind(c) == CXCursor_UnaryOperator &&
	    clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_LNot) {
		cursors v = kids(c);

		cond(l, v.data[0], f, t);
		free(v.data);
	} else if (kind(c) == CXCursor_BinaryOperator) {
		cond_binary(l, c, t, f);
	} else if (kind(c) == CXCursor_ConditionalOperator) {
		cursors v = kids(c);
		int a = block(l), b = block(l);

		cond(l, v.data[0], a, b);
		l->cur = a;
		cond(l, v.data[1], t, f);
		l->cur = b;
		cond(l, v.data[2], t, f);
		free(v.data);
	} else if (inspection_test(l, c, t, f)) {
		/* done */
	} else if ((x = int_var_of(l, c)) >= 0) {
		branch(l, t, f, (vt_cond){ .kind = COND_CMP, .op = CMP_NE, .var = x },
		       (vt_cond){ .kind = COND_CMP, .op = CMP_EQ, .var = x }, loc_of(l, c));
	} else {
		expr(l, c);
		branch(l, t, f, (vt_cond){ 0 }, (vt_cond){ 0 }, loc_of(l, c));
	}
}

/* A statement's controlling expression: its temporaries end at the branch. */
static void stmt_cond(L *l, CXCursor c, int t, int f)
{
	int saved = l->cond_mark;

	l->cond_mark = (int)l->temps_live.len;
	cond(l, c, t, f);
	l->cond_mark = saved;
}

/* ---- statements ---------------------------------------------------------------------- */

static int full_expr(L *l, CXCursor c)
{
	size_t mark = l->temps_live.len;
	int r = expr(l, c);

	drop_temps(l, mark, loc_of(l, c));
	return r;
}

static void local_vtask(L *l, CXCursor d, CXCursor init)
{
	int v, x;

	if (clang_Cursor_isNull(init)) {
		v = add_var(l, d, VAR_VTASK);
		emit(l, EV_CLEAR, loc_of(l, d))->dst = v;
		return;
	}
	x = kind(strip(init)) == CXCursor_InitListExpr ? -1 : expr(l, init);
	v = add_var(l, d, VAR_VTASK);
	if (x >= 0) {
		vt_event *e = emit(l, EV_COPY, loc_of(l, d));

		e->dst = v;
		e->src = x;
	} else {
		emit(l, EV_CLEAR, loc_of(l, d))->dst = v;
	}
}

static void var_decl(L *l, CXCursor d)
{
	CXCursor init = clang_Cursor_getVarDeclInitializer(d);
	CXType t = clang_getCursorType(d);
	size_t mark = l->temps_live.len;

	if (clang_Cursor_hasVarDeclGlobalStorage(d) || clang_Cursor_hasVarDeclExternalStorage(d))
		return; /* static initializers are constant: nothing runs */
	if (vt_is_vtask_type(t)) {
		local_vtask(l, d, init);
	} else if (vt_is_vtask_ptr_type(t)) {
		int target = clang_Cursor_isNull(init) ? -1 : addr_target(l, init);

		if (target < 0 && !clang_Cursor_isNull(init))
			expr(l, init);
		add_ptr(l, d, target);
	} else if (is_scalar_type(t)) {
		int v = add_var(l, d, VAR_INT);

		if (clang_Cursor_isNull(init) || !inspection_into(l, init, v)) {
			expr(l, init);
			forget(l, v, loc_of(l, d));
		}
	} else if (!clang_Cursor_isNull(init)) {
		if (kind(strip(init)) == CXCursor_InitListExpr)
			init_list(l, strip(init));
		else
			expr(l, init);
	}
	drop_temps(l, mark, loc_of(l, d));
}

static void decl_stmt(L *l, CXCursor c)
{
	cursors k = kids(c);

	for (size_t i = 0; i < k.len; i++)
		if (kind(k.data[i]) == CXCursor_VarDecl)
			var_decl(l, k.data[i]);
	free(k.data);
}

/* Lowers a block; for a statement expression, returns the variable holding its value. */
static int compound(L *l, CXCursor c, bool value)
{
	cursors k = kids(c);
	int r = -1;

	push_scope(l);
	for (size_t i = 0; i < k.len; i++) {
		CXCursor s = k.data[i];

		if (value && i + 1 == k.len && clang_isExpression(kind(s))) {
			int v = expr(l, s);

			if (v >= 0 && cursor_is_vtask(s)) {
				vt_event *e;

				r = temp(l, loc_of(l, s));
				e = emit(l, EV_COPY, loc_of(l, s));
				e->dst = r;
				e->src = v;
			}
		} else {
			stmt(l, s);
		}
	}
	pop_scope(l, loc_end(l, c));
	free(k.data);
	return r;
}

static void if_stmt(L *l, CXCursor c)
{
	cursors k = kids(c);
	int t = block(l), j = block(l), f = k.len > 2 ? block(l) : j;

	stmt_cond(l, k.data[0], t, f);
	l->cur = t;
	stmt(l, k.data[1]);
	jump_to(l, j);
	if (k.len > 2) {
		l->cur = f;
		stmt(l, k.data[2]);
		jump_to(l, j);
	}
	l->cur = j;
	free(k.data);
}

static target *push_target(L *l, int brk, int cont)
{
	target *t = xcalloc(1, sizeof *t);

	t->brk = brk;
	t->cont = cont;
	t->scope = l->scope;
	t->sw_var = -1;
	t->dflt = -1;
	vec_push(&l->targets, t);
	return t;
}

static void pop_target(L *l)
{
	target *t = l->targets.data[--l->targets.len];

	free(t->cases.data);
	free(t);
}

static void while_stmt(L *l, CXCursor c)
{
	cursors k = kids(c);
	int head = block(l), body = block(l), out = block(l);

	jump_to(l, head);
	l->cur = head;
	stmt_cond(l, k.data[0], body, out);
	push_target(l, out, head);
	l->cur = body;
	stmt(l, k.data[1]);
	jump_to(l, head);
	pop_target(l);
	l->cur = out;
	free(k.data);
}

static void do_stmt(L *l, CXCursor c)
{
	cursors k = kids(c);
	int body = block(l), test = block(l), out = block(l);

	jump_to(l, body);
	push_target(l, out, test);
	l->cur = body;
	stmt(l, k.data[0]);
	jump_to(l, test);
	pop_target(l);
	l->cur = test;
	stmt_cond(l, k.data[1], body, out);
	l->cur = out;
	free(k.data);
}

/* for's children skip the missing parts: tell them apart by the header's semicolons. */
static void for_parts(L *l, CXCursor c, CXCursor part[3], CXCursor *body)
{
	cursors k = kids(c);
	CXTranslationUnit tu = l->env->tu;
	CXToken *toks;
	unsigned n, semi[2] = { 0, 0 }, nsemi = 0, depth = 0;

	*body = k.data[k.len - 1];
	for (int i = 0; i < 3; i++)
		part[i] = clang_getNullCursor();
	clang_tokenize(tu, clang_getCursorExtent(c), &toks, &n);
	for (unsigned i = 0; i < n && nsemi < 2; i++) {
		CXString s = clang_getTokenSpelling(tu, toks[i]);
		const char *t = clang_getCString(s);
		unsigned off;

		if (strchr("([{", t[0]) && t[1] == 0)
			depth++;
		else if (strchr(")]}", t[0]) && t[1] == 0)
			depth--;
		else if (depth == 1 && strcmp(t, ";") == 0) {
			clang_getSpellingLocation(clang_getTokenLocation(tu, toks[i]), NULL, NULL, NULL, &off);
			semi[nsemi++] = off;
		}
		clang_disposeString(s);
	}
	clang_disposeTokens(tu, toks, n);
	for (size_t i = 0; i + 1 < k.len; i++) {
		unsigned off;
		int slot;

		clang_getSpellingLocation(clang_getCursorLocation(k.data[i]), NULL, NULL, NULL, &off);
		if (nsemi == 2)
			slot = off < semi[0] ? 0 : off < semi[1] ? 1 : 2;
		else /* header from a macro we cannot read: assume the parts in order */
			slot = (int)(i + 3 - (k.len - 1));
		part[slot] = k.data[i];
	}
	free(k.data);
}

/* rules.md: `for (T i = C1; i OP C2; ...)` with C1 OP C2 true runs its body at least once. */
static bool counted_loop(L *l, CXCursor init, CXCursor test)
{
	CXCursor var = clang_getNullCursor(), value = clang_getNullCursor();
	int64_t c1, c2;
	enum vt_cmp op;
	int tv;

	if (clang_Cursor_isNull(init) || clang_Cursor_isNull(test))
		return false;
	if (kind(init) == CXCursor_DeclStmt) {
		cursors k = kids(init);

		if (k.len == 1 && kind(k.data[0]) == CXCursor_VarDecl) {
			var = k.data[0];
			value = clang_Cursor_getVarDeclInitializer(var);
		}
		free(k.data);
	} else if (kind(strip(init)) == CXCursor_BinaryOperator &&
		   clang_getCursorBinaryOperatorKind(strip(init)) == CXBinaryOperator_Assign) {
		cursors k = kids(strip(init));

		if (kind(strip(k.data[0])) == CXCursor_DeclRefExpr)
			var = clang_getCursorReferenced(strip(k.data[0]));
		value = k.data[1];
		free(k.data);
	}
	if (clang_Cursor_isNull(var) || clang_Cursor_isNull(value) || !constant(value, &c1))
		return false;
	if (!comparison(l, strip(test), &tv, &op, &c2) || !lookup(l, var) ||
	    lookup(l, var)->var != tv)
		return false;
	switch (op) {
	case CMP_EQ: return c1 == c2;
	case CMP_NE: return c1 != c2;
	case CMP_LT: return c1 < c2;
	case CMP_LE: return c1 <= c2;
	case CMP_GT: return c1 > c2;
	case CMP_GE: return c1 >= c2;
	}
	return false;
}

static void for_stmt(L *l, CXCursor c)
{
	CXCursor part[3], body;
	int head = block(l), inner = block(l), step = block(l), out = block(l);

	for_parts(l, c, part, &body);
	push_scope(l);
	if (!clang_Cursor_isNull(part[0]))
		stmt(l, part[0]);
	jump_to(l, counted_loop(l, part[0], part[1]) ? inner : head);
	l->cur = head;
	if (clang_Cursor_isNull(part[1]))
		jump_to(l, inner);
	else
		stmt_cond(l, part[1], inner, out);
	push_target(l, out, step);
	l->cur = inner;
	stmt(l, body);
	jump_to(l, step);
	pop_target(l);
	l->cur = step;
	if (!clang_Cursor_isNull(part[2]))
		full_expr(l, part[2]);
	jump_to(l, head);
	l->cur = out;
	pop_scope(l, loc_end(l, c));
}

/* The edge taken when no case matches: to default, or past the switch. */
static void switch_default(L *l, target *t, int out)
{
	vt_edge *e = cfg_edge(l->fn, t->sw_block, t->dflt >= 0 ? t->dflt : out);

	if (t->sw_var < 0)
		return;
	e->cond.kind = COND_NOTIN;
	e->cond.var = t->sw_var;
	e->cond.nset = t->cases.len;
	e->cond.set = xmalloc((t->cases.len + 1) * sizeof(int64_t));
	memcpy(e->cond.set, t->cases.data, t->cases.len * sizeof(int64_t));
}

static void switch_stmt(L *l, CXCursor c)
{
	cursors k = kids(c);
	int out = block(l);
	target *t;

	full_expr(l, k.data[0]);
	t = push_target(l, out, -1);
	t->is_switch = true;
	t->sw_block = cur(l);
	t->sw_var = int_var_of(l, k.data[0]);
	l->cur = DEAD;
	stmt(l, k.data[k.len - 1]);
	jump_to(l, out);
	switch_default(l, t, out);
	pop_target(l);
	l->cur = out;
	free(k.data);
}

static target *innermost(L *l, bool want_switch)
{
	for (size_t i = l->targets.len; i-- > 0;)
		if (!want_switch || l->targets.data[i]->is_switch)
			if (want_switch || l->targets.data[i]->cont >= 0)
				return l->targets.data[i];
	return NULL;
}

static void case_stmt(L *l, CXCursor c, bool is_default)
{
	cursors k = kids(c);
	target *t = innermost(l, true);
	int b = block(l);
	int64_t lo, hi;

	jump_to(l, b); /* fall-through from the case above */
	if (t && is_default) {
		t->dflt = b;
	} else if (t) {
		vt_edge *e = cfg_edge(l->fn, t->sw_block, b);
		bool ok = constant(k.data[0], &lo);

		hi = lo;
		for (size_t i = 1; ok && i + 1 < k.len; i++)
			if (!clang_equalRanges(clang_getCursorExtent(k.data[i]),
					       clang_getCursorExtent(k.data[0])))
				ok = constant(k.data[i], &hi);
		if (ok && t->sw_var >= 0) {
			e->cond = (vt_cond){ .kind = lo == hi ? COND_CMP : COND_RANGE, .op = CMP_EQ,
					     .var = t->sw_var, .lo = lo, .hi = hi };
			if (lo == hi)
				vec_push(&t->cases, lo);
		}
	}
	l->cur = b;
	stmt(l, k.data[k.len - 1]);
	free(k.data);
}

static void break_continue(L *l, CXCursor c, bool is_break)
{
	target *t = NULL;

	for (size_t i = l->targets.len; i-- > 0 && !t;)
		if (is_break || l->targets.data[i]->cont >= 0)
			t = l->targets.data[i];
	if (!t)
		return;
	leave_scopes(l, cur(l), l->scope, t->scope, loc_of(l, c));
	jump_to(l, is_break ? t->brk : t->cont);
}

static void return_stmt(L *l, CXCursor c)
{
	cursors k = kids(c);
	size_t mark = l->temps_live.len;
	vt_loc at = loc_of(l, c);

	if (k.len) {
		int v = expr(l, k.data[0]);

		if (cursor_is_vtask(k.data[0]))
			consume(l, v, HOW_RETURN, at);
	}
	drop_temps(l, mark, at);
	leave_scopes(l, cur(l), l->scope, -1, at);
	jump_to(l, l->fn->exit);
	free(k.data);
}

static label *find_label(L *l, CXCursor s)
{
	for (size_t i = 0; i < l->labels.len; i++)
		if (same_label(l->labels.data[i].stmt, s) && l->labels.data[i].block >= 0)
			return &l->labels.data[i];
	return NULL;
}

static void label_stmt(L *l, CXCursor c)
{
	cursors k = kids(c);
	int b = block(l);
	label lab = { .stmt = c, .block = b, .scope = l->scope };

	for (size_t i = 0; i < l->labels.len; i++)
		if (same_label(l->labels.data[i].stmt, c) && l->labels.data[i].addr_taken)
			lab.addr_taken = true;
	vec_push(&l->labels, lab);
	jump_to(l, b);
	l->cur = b;
	if (k.len)
		stmt(l, k.data[k.len - 1]);
	free(k.data);
}

static void goto_stmt(L *l, CXCursor c, bool computed)
{
	cursors k = kids(c);
	jump j = { .block = cur(l), .scope = l->scope, .loc = loc_of(l, c),
		   .target = clang_getNullCursor() };

	if (computed && k.len)
		full_expr(l, k.data[0]);
	else if (k.len)
		j.target = clang_getCursorReferenced(k.data[0]);
	j.block = cur(l);
	vec_push(&l->gotos, j);
	l->cur = DEAD;
	free(k.data);
}

/* A goto leaves every scope that does not enclose its label. */
static void goto_edge(L *l, jump *j, label *lab)
{
	int via = j->block;

	if (clang_Cursor_isNull(j->target)) { /* computed: a block per target for its drops */
		via = cfg_block(l->fn);
		cfg_edge(l->fn, j->block, via);
	}
	leave_scopes(l, via, j->scope, lab->scope, j->loc);
	cfg_edge(l->fn, via, lab->block);
}

static void resolve_gotos(L *l)
{
	for (size_t i = 0; i < l->gotos.len; i++) {
		jump *j = &l->gotos.data[i];

		if (!clang_Cursor_isNull(j->target)) {
			label *lab = find_label(l, j->target);

			if (lab)
				goto_edge(l, j, lab);
			continue;
		}
		for (size_t n = 0; n < l->labels.len; n++)
			if (l->labels.data[n].addr_taken && l->labels.data[n].block >= 0)
				goto_edge(l, j, &l->labels.data[n]);
	}
}

static void stmt(L *l, CXCursor c)
{
	switch (kind(c)) {
	case CXCursor_CompoundStmt: compound(l, c, false); break;
	case CXCursor_DeclStmt: decl_stmt(l, c); break;
	case CXCursor_IfStmt: if_stmt(l, c); break;
	case CXCursor_WhileStmt: while_stmt(l, c); break;
	case CXCursor_DoStmt: do_stmt(l, c); break;
	case CXCursor_ForStmt: for_stmt(l, c); break;
	case CXCursor_SwitchStmt: switch_stmt(l, c); break;
	case CXCursor_CaseStmt: case_stmt(l, c, false); break;
	case CXCursor_DefaultStmt: case_stmt(l, c, true); break;
	case CXCursor_BreakStmt: break_continue(l, c, true); break;
	case CXCursor_ContinueStmt: break_continue(l, c, false); break;
	case CXCursor_ReturnStmt: return_stmt(l, c); break;
	case CXCursor_LabelStmt: label_stmt(l, c); break;
	case CXCursor_GotoStmt: goto_stmt(l, c, false); break;
	case CXCursor_IndirectGotoStmt: goto_stmt(l, c, true); break;
	case CXCursor_NullStmt: case CXCursor_GCCAsmStmt: case CXCursor_MSAsmStmt: break;
	case CXCursor_UnexposedStmt: { /* attributed statements: [[fallthrough]], ... */
		cursors k = kids(c);

		for (size_t i = 0; i < k.len; i++)
			if (clang_isStatement(kind(k.data[i])) || clang_isExpression(kind(k.data[i])))
				stmt(l, k.data[i]);
		free(k.data);
		break;
	}
	default:
		if (clang_isExpression(kind(c)))
			full_expr(l, c);
	}
}

/* ---- the function -------------------------------------------------------------------- */

static void params(L *l, CXCursor fn)
{
	int n = clang_Cursor_getNumArguments(fn);

	for (int i = 0; i < n; i++) {
		CXCursor p = clang_Cursor_getArgument(fn, i);
		CXType t = clang_getCursorType(p);
		enum vt_var_kind k;
		int v;
		vt_event *e;

		if (vt_is_vtask_type(t))
			k = VAR_PARAM;
		else if (vt_is_vtask_ptr_type(t))
			k = VAR_OUT;
		else if (is_scalar_type(t))
			k = VAR_INT;
		else
			continue;
		v = add_var(l, p, k);
		l->fn->vars.data[v].param = i;
		if (k == VAR_INT)
			continue;
		e = emit(l, EV_BIRTH, loc_of(l, p));
		e->dst = v;
		e->flags = k == VAR_PARAM ? BIRTH_PARAM : BIRTH_CALLER;
		e->arg = i;
	}
}

static void lower_free(L *l)
{
	for (size_t i = 0; i < l->scopes.len; i++)
		free(l->scopes.data[i].vars.data);
	free(l->scopes.data);
	free(l->vars.data);
	free(l->labels.data);
	free(l->gotos.data);
	free(l->targets.data);
	free(l->temps_live.data);
	free(l->temps_free.data);
	free(l->callees.data);
}

vt_func *vt_lower(vt_lower_env *env, CXCursor fn)
{
	L l = { .env = env, .scope = -1, .cond_mark = -1 };
	char *name = spelling(fn);
	cursors k = kids(fn);
	CXCursor body = k.len ? k.data[k.len - 1] : clang_getNullCursor();

	l.fn = cfg_new(name, loc_of(&l, fn));
	free(name);
	l.cur = l.fn->entry;
	push_scope(&l);
	params(&l, fn);
	if (kind(body) == CXCursor_CompoundStmt) {
		l.fn->end = loc_end(&l, body);
		compound(&l, body, false);
	}
	pop_scope(&l, l.fn->end);
	jump_to(&l, l.fn->exit);
	resolve_gotos(&l);
	free(k.data);
	lower_free(&l);
	return l.fn;
}
