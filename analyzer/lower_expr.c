/*
 * lower_expr.c: expressions in value context.  Each function returns the
 * CFG variable holding the vtask the expression yields (a temporary for a
 * call's result), or -1 when it yields none vtlint tracks, and emits the
 * events of its operands in C's evaluation order.
 */
#include "lower.h"

/*
 * What the unit's callees are, asked once per unit rather than once per
 * calling function (the noreturn test pretty-prints declarations): an
 * open-addressed table keyed by the declaration a call names.
 */
struct vt_callee_memo {
	size_t cap, len;
	struct callee_fact { CXCursor decl; unsigned hash; bool used, noreturn; } *slot;
};

static struct callee_fact *memo_slot(struct vt_callee_memo *m, CXCursor canon, unsigned h)
{
	size_t i = h & (m->cap - 1);

	while (m->slot[i].used && !(m->slot[i].hash == h && clang_equalCursors(m->slot[i].decl, canon)))
		i = (i + 1) & (m->cap - 1);
	return &m->slot[i];
}

static void memo_grow(struct vt_callee_memo *m)
{
	struct vt_callee_memo n = { .cap = m->cap ? m->cap * 2 : 64, .len = m->len };

	n.slot = xcalloc(n.cap, sizeof *n.slot);
	for (size_t i = 0; i < m->cap; i++)
		if (m->slot[i].used)
			*memo_slot(&n, m->slot[i].decl, m->slot[i].hash) = m->slot[i];
	free(m->slot);
	*m = n;
}

void vt_lower_env_free(vt_lower_env *env)
{
	if (env->callees)
		free(env->callees->slot);
	free(env->callees);
	env->callees = NULL;
}

/* abort(), exit(), _Noreturn and __attribute__((noreturn)) functions end a path. */
static bool lw_is_noreturn(L *l, CXCursor fn)
{
	unsigned h = clang_hashCursor(fn); /* the declaration the call sees: attributes add up */
	struct vt_callee_memo *m;
	struct callee_fact *f;

	if (!l->env->callees)
		l->env->callees = xcalloc(1, sizeof *l->env->callees);
	m = l->env->callees;
	if (2 * (m->len + 1) > m->cap)
		memo_grow(m);
	f = memo_slot(m, fn, h);
	if (!f->used) {
		*f = (struct callee_fact){ .decl = fn, .hash = h, .used = true,
					   .noreturn = vt_callee_noreturn(fn) };
		m->len++;
	}
	return f->noreturn;
}

/* A wrapper's operand: its first vtask argument, or for a hand-off its first &x. */
static int wrapper_arg(L *l, CXCursor c, enum vt_rt what, int nargs)
{
	for (int i = 0; i < nargs; i++) {
		CXCursor a = clang_Cursor_getArgument(c, i);

		if (what == RT_HANDOFF ? lw_addr_value_like(l, a) : lw_cursor_is_vtask(a))
			return i;
	}
	return -1;
}

/* ---- expressions -------------------------------------------------------------------- */

static void exprs(L *l, CXCursor c)
{
	cursors v = lw_children(c);

	for (size_t i = 0; i < v.len; i++)
		if (clang_isExpression(lw_kind(v.data[i])) || clang_isStatement(lw_kind(v.data[i])))
			lw_expr(l, v.data[i]);
}

void lw_consume(L *l, int v, enum vt_how how, vt_loc at)
{
	if (v >= 0) {
		vt_event *e = lw_emit(l, EV_CONSUME, at);

		e->src = v;
		e->how = how;
	}
}

static int birth(L *l, CXCursor call, const char *what, unsigned flags)
{
	vt_loc at = lw_loc_of(l, call);
	int t = lw_temp(l, at);
	vt_event *e = lw_emit(l, EV_BIRTH, at);

	e->dst = t;
	e->flags = flags;
	e->what = what;
	return t;
}

/* One argument of a call to a function that is not the runtime's. */
static void argument(L *l, CXCursor a, vt_summary *sum, int i, int *ret, const char *name)
{
	int x;

	if (lw_source_argument(l, a, sum, i, name, ret))
		return;
	if (lw_cursor_is_vtask(a)) {
		int v = lw_expr(l, a);
		bool borrowed = sum && i < sum->nparams && sum->param[i].inspect_only;

		/* libvtask's own task functions only read a reference, but release */
		if (lw_cursor_is_task(a) && name && vt_callee_task_use(name))
			borrowed = vt_callee_task_use(name) == 'i';

		if (v >= 0 && borrowed)
			lw_emit(l, EV_INSPECT, lw_loc_of(l, a))->src = v;
		else
			lw_consume(l, v, HOW_PASS, lw_loc_of(l, a));
		return;
	}
	x = lw_addr_value(l, a);
	if (x >= 0 && name && vt_callee_reads_tasks(name) &&
	    l->fn->vars.data[x].kind != VAR_INT)
		return; /* vt_task_when_all(&t, 1): a one-reference array, only read */
	if (x < 0) {
		/* a task reference converted (to void *, say) still moves to the callee */
		lw_consume(l, lw_expr(l, a), HOW_PASS, lw_loc_of(l, a));
		return;
	}
	if (sum && i < sum->nparams && sum->param[i].is_out) {
		vt_event *e = lw_emit(l, EV_CALLREF, lw_loc_of(l, a));

		e->src = x;
		e->sum = sum;
		e->arg = i;
		e->ret = *ret; /* the call's result: the outcome's return values */
		if (*ret >= 0)
			l->ret_used = true;
		*ret = -1;
	} else {
		lw_emit(l, EV_ESCAPE, lw_loc_of(l, a))->src = x;
	}
}

/* A seen callee given no &x: what it returns on each way out is what ret may hold. */
static void returned_value(L *l, CXCursor c, vt_summary *sum, int ret)
{
	vt_event *e;

	for (size_t k = 0; k < sum->paths.len; k++)
		if (sum->paths.data[k].param == VT_RET_PATHS) {
			e = lw_emit(l, EV_CALLRET, lw_loc_of(l, c));
			e->sum = sum;
			e->ret = ret;
			l->ret_used = true;
			return;
		}
}

static const char *intern(L *l, CXCursor c)
{
	char *s = lw_spelling(c);
	const char *r = cfg_str(l->fn, vt_callee_public_name(s));

	free(s);
	return r;
}

/*
 * A consumption runs the consumed source's on_consumed callback, which may
 * reset it (the pool's usual place): every source not initialized here
 * without a callback is no longer known to be completed.
 */
static void sources_after_consume(L *l, vt_loc at)
{
	for (size_t v = 0; v < l->fn->vars.len; v++) {
		bool plain = false;

		if (l->fn->vars.data[v].kind != VAR_SOURCE)
			continue;
		for (size_t i = 0; i < l->plain_sources.len; i++)
			plain |= l->plain_sources.data[i] == (int)v;
		if (!plain) {
			vt_event *e = lw_emit(l, EV_SRC_RESET, at);

			e->src = (int)v;
			e->flags = 2;
		}
	}
}

static int runtime_call(L *l, CXCursor c, enum vt_rt what, int which, int nargs)
{
	vt_loc at = lw_loc_of(l, c);

	for (int i = 0; i < nargs; i++) {
		CXCursor a = clang_Cursor_getArgument(c, i);

		if (i == which && what == RT_INSPECT_PTR) {
			int x = lw_addr_value(l, a);

			if (x >= 0)
				lw_emit(l, EV_INSPECT, at)->src = x;
			else
				lw_expr(l, a);
		} else if (i == which && what == RT_HANDOFF) {
			int x = lw_addr_value(l, a);

			if (x >= 0)
				lw_emit(l, EV_HANDOFF, at)->src = x;
			else /* vt_spawn(loop, fn, vt_task_retain(t)): the fiber owns it */
				lw_consume(l, lw_expr(l, a), HOW_PASS, lw_loc_of(l, a));
		} else if (i == which) {
			int v = lw_expr(l, a);

			if (what == RT_INSPECT && v >= 0)
				lw_emit(l, EV_INSPECT, at)->src = v;
			else if (what != RT_INSPECT)
				lw_consume(l, v, what == RT_AWAIT ? HOW_AWAIT :
					      what == RT_GET ? HOW_GET_RESULT : HOW_AS_TASK, at);
			if (what == RT_AWAIT || what == RT_GET || what == RT_AS_TASK)
				sources_after_consume(l, at);
		} else {
			lw_expr(l, a);
		}
	}
	return -1;
}

/* A source event at call c: what the producer-side functions do to their source. */
static void source_event(L *l, CXCursor c, enum vt_ev_kind k, uint8_t flags)
{
	int s = clang_Cursor_getNumArguments(c) > 0 ?
			lw_source_of(l, clang_Cursor_getArgument(c, 0)) : -1;
	vt_event *e;

	if (s < 0)
		return;
	e = lw_emit(l, k, lw_loc_of(l, c));
	e->src = s;
	e->flags = flags;
}

/*
 * vt_source_set_result/set_error complete the version, vt_source_reset and
 * vt_source_init start one; vtask_from_source(s, t) (after its birth in r)
 * ties the new vtask to s and checks t.
 */
static void source_call(L *l, CXCursor c, const char *name, int r)
{
	name = vt_callee_public_name(name);
	if (!strcmp(name, "vt_source_set_result") || !strcmp(name, "vt_source_set_error")) {
		source_event(l, c, EV_SRC_SET, 0);
	} else if (!strcmp(name, "vt_source_reset") || !strcmp(name, "vt_source_init")) {
		source_event(l, c, EV_SRC_RESET, name[10] == 'i');
		if (name[10] == 'i' && clang_Cursor_getNumArguments(c) >= 2 &&
		    lw_constant(clang_Cursor_getArgument(c, 1), &(int64_t){ 0 }) &&
		    lw_source_of(l, clang_Cursor_getArgument(c, 0)) >= 0) /* no on_consumed */
			vec_push(&l->plain_sources, lw_source_of(l, clang_Cursor_getArgument(c, 0)));
	} else if (!strcmp(name, "vtask_from_source") && r >= 0 &&
		   clang_Cursor_getNumArguments(c) >= 2) {
		source_event(l, c, EV_SRC_MAKE, 0);
		if (l->cur != DEAD && l->fn->blocks.data[l->cur].ev.len) {
			vt_event *e = &l->fn->blocks.data[l->cur].ev.data[
				l->fn->blocks.data[l->cur].ev.len - 1];

			if (e->kind == EV_SRC_MAKE) {
				e->dst = r;
				e->arg = lw_test_var(l, clang_Cursor_getArgument(c, 1));
			}
		}
	}
}

static int call(L *l, CXCursor c)
{
	CXCursor callee = lw_callee(c);
	bool direct = lw_kind(callee) == CXCursor_FunctionDecl;
	int nargs = clang_Cursor_getNumArguments(c), which = -1, r = -1;
	enum vt_rt what = RT_NONE;
	vt_summary *sum = NULL;
	char *name = direct ? lw_spelling(callee) : NULL;
	int ret = l->ret_to;

	l->ret_to = -1; /* the arguments' calls return elsewhere */
	if (direct)
		what = vt_callee_runtime(l->env->config, name, &which);
	if (what != RT_NONE && which < 0 && what != RT_DONE_MAKER)
		which = wrapper_arg(l, c, what, nargs);
	if (!direct) {
		cursors v = lw_children(c);

		if (v.len)
			lw_expr(l, v.data[0]);
	}
	for (int i = 0; i < nargs; i++)
		lw_note_escapes(l, clang_Cursor_getArgument(c, i));
	if (what != RT_NONE && what != RT_DONE_MAKER) {
		runtime_call(l, c, what, which, nargs);
	} else {
		if (direct)
			sum = l->env->summary(l->env, callee);
		for (int i = 0; i < nargs; i++)
			argument(l, clang_Cursor_getArgument(c, i), sum, i, &ret, name);
		if (ret >= 0 && sum)
			returned_value(l, c, sum, ret);
	}
	if (lw_cursor_is_task(c) && direct && vt_callee_makes_task(name))
		r = birth(l, c, intern(l, callee), OP_TASK);
	else if (lw_cursor_is_vtask(c) && !lw_cursor_is_task(c))
		r = birth(l, c, direct ? intern(l, callee) : "a call through a function pointer",
			  what == RT_DONE_MAKER ? OP_DONE : 0);
	if (direct)
		source_call(l, c, name, r);
	lw_forget_escaped(l, lw_loc_of(l, c));
	if (what == RT_NONE && !(name && vt_callee_is_producer(name)))
		lw_forget_escaped_sources(l, lw_loc_of(l, c));
	if (direct && lw_is_noreturn(l, callee))
		l->cur = DEAD;
	free(name);
	return r;
}

/* What an assignment's left side is, for a vtask value. */
static const char *container(L *l, CXCursor lhs, int *var, bool *out)
{
	CXCursor s = lw_strip(lhs);
	var_ent *e;

	*var = -1;
	*out = false;
	switch (lw_kind(s)) {
	case CXCursor_DeclRefExpr:
		e = lw_ref(l, s);
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
			cursors v = lw_children(s);
			var_ent *p = v.len ? lw_ref(l, v.data[0]) : NULL;

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

static void store(L *l, int v, const char *where, vt_loc at, bool task)
{
	vt_event *e = lw_emit(l, EV_STORE, at);

	e->src = v;
	e->what = where;
	e->flags = task ? OP_TASK : 0; /* storing a task reference is no VT004 */
}


/* The side effects inside a container's lvalue: `a[i++] = v`, `f()->vt = v`. */
static void lvalue_parts(L *l, CXCursor lhs)
{
	cursors k = lw_children(lw_strip(lhs));

	for (size_t i = 0; i < k.len; i++)
		if (clang_isExpression(lw_kind(k.data[i])) && !lw_cursor_is_vtask(k.data[i]))
			lw_expr(l, k.data[i]);
}

static int assign_vtask(L *l, CXCursor c, CXCursor lhs, CXCursor rhs)
{
	int var, v;
	bool out;
	const char *where = container(l, lhs, &var, &out);
	vt_loc at = lw_loc_of(l, c);

	if (where)
		lvalue_parts(l, lhs);
	v = lw_expr(l, rhs);
	if (where) {
		store(l, v, where, at, lw_cursor_is_task(lhs));
		return -1;
	}
	/*
	 * `*out = x` hands x to the caller only if no later store replaces it
	 * (rules.md): *out holds it until the function returns, and a second
	 * store drops it like an overwritten local.
	 */
	if (v >= 0) {
		vt_event *e = lw_emit(l, EV_COPY, at);

		e->dst = var;
		e->src = v;
	} else {
		lw_emit(l, EV_CLEAR, at)->dst = var;
	}
	lw_set_task_fact(l, lw_task_fact_of(l, lhs), rhs, at);
	return out ? -1 : var;
}

void lw_forget(L *l, int var, vt_loc at)
{
	if (var >= 0)
		lw_emit(l, EV_FORGET, at)->dst = var;
}

/* `*p`, `p[i]`, `s->m`, `s.m`: an lvalue that a pointer may reach. */
static bool through_pointer(CXCursor lhs)
{
	CXCursor s = lw_strip(lhs);

	switch (lw_kind(s)) {
	case CXCursor_UnaryOperator:
		return clang_getCursorUnaryOperatorKind(s) == CXUnaryOperator_Deref;
	case CXCursor_ArraySubscriptExpr: case CXCursor_MemberRefExpr:
		return true;
	default:
		return false;
	}
}

/* A write into lhs that is not a followed local: what may it change? */
static void wrote(L *l, CXCursor lhs, CXCursor rhs, vt_loc at)
{
	if (!through_pointer(lhs))
		return;
	lw_forget_aliased(l, at);
	if (!vt_cursor_null(rhs))
		lw_note_escapes(l, rhs); /* `s->out = &x`: x's address leaves */
}

static int assign(L *l, CXCursor c)
{
	cursors k = lw_children(c);
	CXCursor lhs = k.data[0], rhs = k.data[k.len - 1];
	var_ent *e = lw_ref(l, lhs);

	if (lw_cursor_is_vtask(lhs))
		return assign_vtask(l, c, lhs, rhs);
	if (e && e->is_ptr) {
		int target = lw_addr_value(l, rhs);

		if (target < 0)
			lw_expr(l, rhs);
		lw_point(l, e->var, target, lw_loc_of(l, c));
		return -1;
	}
	if (!lw_ref(l, lhs) && lw_addr_target(l, rhs) >= 0 && lw_ref(l, rhs)) {
		/* `g = p`, `s->p = p`: the vtask p names escapes (&x is handled as an operand) */
		lw_expr(l, lhs);
		lw_emit(l, EV_ESCAPE, lw_loc_of(l, c))->src = lw_addr_target(l, rhs);
		return -1;
	}
	if (lw_int_var_of(l, lhs) >= 0) {
		lw_assign_int(l, lw_int_var_of(l, lhs), rhs, lw_loc_of(l, c));
		return -1;
	}
	if (e && !e->is_ptr && e->var >= 0 && l->fn->vars.data[e->var].kind == VAR_SOURCE) {
		lw_expr(l, rhs);
		lw_source_pointed(l, e->var, clang_getCursorReferenced(lw_strip(lhs)), rhs,
				  lw_loc_of(l, c));
		return -1;
	}
	lw_expr(l, lhs);
	lw_expr(l, rhs);
	wrote(l, lhs, rhs, lw_loc_of(l, c));
	return -1;
}

/*
 * `a && b`, `a || b` in value context: the right side runs on some paths
 * only.  CFG: cond(c) -true-> [t] -> join;  -false-> [f] -> join.
 */
static int logical_value(L *l, CXCursor c)
{
	int t = lw_block(l), f = lw_block(l), j = lw_block(l);
	int saved = l->cond_mark;

	l->cond_mark = -1;
	lw_cond(l, c, t, f);
	l->cond_mark = saved;
	l->cur = t;
	lw_jump_to(l, j);
	l->cur = f;
	lw_jump_to(l, j);
	l->cur = j;
	return -1;
}

/*
 * `c ? a : b` in value context: cond(c) -true-> [a] -> join;  -false-> [b]
 * -> join; a vtask result is one temporary each arm copies its operand into.
 */
static int conditional_value(L *l, CXCursor c)
{
	cursors k = lw_children(c);
	int t = lw_block(l), f = lw_block(l), j = lw_block(l), r = -1, saved = l->cond_mark;
	bool vt = lw_cursor_is_vtask(c);

	l->cond_mark = -1;
	lw_cond(l, k.data[0], t, f);
	l->cond_mark = saved;
	for (int side = 1; side <= 2; side++) {
		int v;

		l->cur = side == 1 ? t : f;
		v = lw_expr(l, k.data[side]);
		if (vt) {
			vt_event *e;

			if (r < 0)
				r = lw_temp(l, lw_loc_of(l, c));
			e = lw_emit(l, v >= 0 ? EV_COPY : EV_CLEAR, lw_loc_of(l, c));
			e->dst = r;
			e->src = v;
		}
		lw_jump_to(l, j);
	}
	l->cur = j;
	return r;
}

/* GNU `x ?: y`: children are x, two opaque copies of x, and y. */
static bool is_gnu_conditional(CXCursor c, cursors *k)
{
	CXSourceRange r0;

	if (lw_kind(c) != CXCursor_UnexposedExpr || k->len != 4)
		return false;
	r0 = clang_getCursorExtent(k->data[0]);
	return clang_equalRanges(r0, clang_getCursorExtent(k->data[1])) &&
	       clang_equalRanges(r0, clang_getCursorExtent(k->data[2]));
}

static int gnu_conditional(L *l, CXCursor c, cursors *k)
{
	int f = lw_block(l), j = lw_block(l);
	int x = lw_int_var_of(l, k->data[0]);

	lw_expr(l, k->data[0]);
	lw_edge_to(l, j);
	lw_edge_to(l, f);
	if (x >= 0) {
		vt_edge *b = &l->fn->blocks.data[lw_cur(l)].succ.data[1];
		vt_edge *a = &l->fn->blocks.data[lw_cur(l)].succ.data[0];

		*a = (vt_edge){ .to = j, .cond = { .kind = COND_CMP, .op = CMP_NE, .var = x } };
		*b = (vt_edge){ .to = f, .cond = { .kind = COND_CMP, .op = CMP_EQ, .var = x } };
	}
	l->cur = f;
	lw_expr(l, k->data[3]);
	lw_jump_to(l, j);
	l->cur = j;
	return -1;
}


/* Elements of a brace initializer of a struct, union or array: each vtask among them is stored. */
void lw_init_list(L *l, CXCursor c)
{
	cursors k = lw_children(c);

	for (size_t i = 0; i < k.len; i++) {
		CXCursor e = k.data[i];

		if (lw_kind(e) == CXCursor_MemberRef || !clang_isExpression(lw_kind(e)))
			continue;
		if (lw_kind(e) == CXCursor_UnexposedExpr && !lw_cursor_is_vtask(e)) {
			lw_init_list(l, e); /* a designator: [i] = or .m = */
			continue;
		}
		if (lw_kind(lw_strip(e)) == CXCursor_InitListExpr) {
			if (!lw_cursor_is_vtask(e))
				lw_init_list(l, lw_strip(e));
			continue; /* a vtask member's own braces: { 0 } stores nothing */
		}
		if (lw_cursor_is_vtask(e)) {
			cursors ek = lw_children(e);
			bool implicit = lw_kind(e) == CXCursor_UnexposedExpr && ek.len == 0;

			if (!implicit)
				store(l, lw_expr(l, e), lw_kind(c) == CXCursor_InitListExpr &&
				      clang_getCanonicalType(clang_getCursorType(c)).kind ==
					      CXType_ConstantArray ? "an array element"
								   : "a struct or union member",
				      lw_loc_of(l, e), lw_cursor_is_task(e));
			continue;
		}
		lw_expr(l, e);
	}
}

static int unary(L *l, CXCursor c)
{
	enum CXUnaryOperatorKind u = clang_getCursorUnaryOperatorKind(c);
	cursors k = lw_children(c);
	CXCursor sub = k.len ? k.data[0] : clang_getNullCursor();
	int r = -1, x;

	if (vt_cursor_null(sub))
		return -1;
	switch (u) {
	case CXUnaryOperator_AddrOf:
		x = lw_vtask_var_of(l, sub);
		if (x >= 0)
			lw_emit(l, EV_ESCAPE, lw_loc_of(l, c))->src = x;
		else if (lw_source_of(l, c) >= 0) /* `g = &p->src`: it goes elsewhere */
			lw_source_escapes(l, lw_source_of(l, c), lw_loc_of(l, c));
		else if (lw_int_var_of(l, sub) >= 0)
			lw_forget(l, lw_int_var_of(l, sub), lw_loc_of(l, c));
		else
			lw_expr(l, sub);
		break;
	case CXUnaryOperator_Deref:
		x = lw_addr_target(l, sub);
		if (x >= 0 && (l->fn->vars.data[x].kind == VAR_OUT ||
			       l->fn->vars.data[x].kind == VAR_PTR) && lw_cursor_is_vtask(c))
			r = x;
		else
			lw_expr(l, sub);
		break;
	case CXUnaryOperator_PostInc: case CXUnaryOperator_PostDec:
	case CXUnaryOperator_PreInc: case CXUnaryOperator_PreDec:
		lw_expr(l, sub);
		lw_forget(l, lw_int_var_of(l, sub), lw_loc_of(l, c));
		wrote(l, sub, clang_getNullCursor(), lw_loc_of(l, c));
		break;
	default:
		lw_expr(l, sub);
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
	k = lw_children(c);
	lw_expr(l, k.data[0]);
	r = lw_expr(l, k.data[k.len - 1]);
	if (b >= CXBinaryOperator_MulAssign && b <= CXBinaryOperator_OrAssign) {
		lw_forget(l, lw_int_var_of(l, k.data[0]), lw_loc_of(l, c));
		wrote(l, k.data[0], k.data[k.len - 1], lw_loc_of(l, c));
	}
	return b == CXBinaryOperator_Comma ? r : -1;
}

/* An operand compared, not kept: `t == p` converts t to void * only to compare. */
static bool compared(CXCursor c)
{
	CXCursor p = lw_parent(c);
	enum CXBinaryOperatorKind b;

	if (lw_kind(p) != CXCursor_BinaryOperator)
		return false;
	b = clang_getCursorBinaryOperatorKind(p);
	return b >= CXBinaryOperator_LT && b <= CXBinaryOperator_NE;
}

/*
 * A followed value converted to a type vtlint does not follow (a vt_task *
 * to void * or to an integer) goes where vtlint cannot see: what happens to
 * it there is not vtlint's to judge, as for unseen code (rules.md: stored,
 * handed on or released through the copy, it is not lost).
 */
static int converted(L *l, CXCursor c, int v)
{
	CXType t = clang_getCursorType(c);

	if (vt_is_vtask_type(t) || vt_is_task_ptr_type(t) || vt_is_vtask_ptr_type(t))
		return v; /* still one of vtlint's own: `const vt_task *`, say */
	if (v >= 0)
		lw_emit(l, EV_ESCAPE, lw_loc_of(l, c))->src = v;
	return -1;
}

static int unexposed(L *l, CXCursor c)
{
	cursors k = lw_children(c);
	int r = -1;

	if (is_gnu_conditional(c, &k))
		r = gnu_conditional(l, c, &k);
	else if (k.len == 1 && clang_isExpression(lw_kind(k.data[0]))) {
		r = lw_expr(l, k.data[0]);
		if (r >= 0 && clang_getCursorType(c).kind == CXType_Pointer && !compared(c))
			r = converted(l, c, r); /* implicitly: to void *, say */
	} else /* a builtin vtlint has no model of (atomic_store(&slot, t)): operands leave */
		for (size_t i = 0; i < k.len; i++)
			if (clang_isExpression(lw_kind(k.data[i])))
				converted(l, c, lw_expr(l, k.data[i]));
	return r;
}

static int cast(L *l, CXCursor c)
{
	cursors k = lw_children(c);
	int r = k.len ? lw_expr(l, k.data[k.len - 1]) : -1;
	enum CXTypeKind to = clang_getCanonicalType(clang_getCursorType(c)).kind;

	if (to != CXType_Void && to != CXType_Bool) /* (void)t drops it; (bool)t reads it */
		r = converted(l, c, r);
	return lw_cursor_is_vtask(c) ? r : -1;
}

/* GNU `({ ...; v; })`: its value is a copy of the last expression's. */
static int stmt_expr(L *l, CXCursor c)
{
	cursors k = lw_children(c);
	int r = k.len ? lw_compound(l, k.data[0], true) : -1;

	return r;
}

/* &&label: a computed goto may reach the label; its LabelRef child names it. */
static void addr_label(L *l, CXCursor c)
{
	cursors k = lw_children(c);
	CXCursor lab = k.len ? clang_getCursorReferenced(k.data[0]) : clang_getNullCursor();
	label pending = { .stmt = lab, .block = -1, .scope = -1, .addr_taken = true };

	for (size_t i = 0; i < l->labels.len; i++)
		if (lw_same_label(l->labels.data[i].stmt, lab))
			l->labels.data[i].addr_taken = true;
	vec_push(&l->labels, pending);
}


struct refs_ctx { L *l; void *vs; };

static enum CXChildVisitResult refs_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	struct refs_ctx *x = d;
	int v = lw_vtask_var_of(x->l, c);

	if (v < 0 && lw_kind(c) == CXCursor_DeclRefExpr)
		v = lw_addr_target(x->l, c);
	if (v >= 0)
		{ struct { int *data; size_t len, cap; } *p = x->vs; vec_push(p, v); }
	return CXChildVisit_Recurse;
}

/* Every vtask variable (or vtask * local) c names. */
static void vtask_refs(L *l, CXCursor c, void *vs)
{
	struct refs_ctx x = { l, vs };

	refs_visit(c, c, &x);
	lw_walk(c, refs_visit, &x);
}

/* ---- _Generic: only the selected association is evaluated ------------------------- */

/* The value an expression folds to, as text ("" when it does not fold). */
static char *folded(CXCursor c)
{
	CXEvalResult r = clang_Cursor_Evaluate(c);
	char *s = NULL;

	if (!r)
		return xstrdup("");
	switch (clang_EvalResult_getKind(r)) {
	case CXEval_Int:
		s = xasprintf("i%lld", clang_EvalResult_getAsLongLong(r));
		break;
	case CXEval_Float:
		s = xasprintf("f%a", clang_EvalResult_getAsDouble(r));
		break;
	case CXEval_StrLiteral: case CXEval_CFStr: case CXEval_ObjCStrLiteral:
		s = xasprintf("s%s", clang_EvalResult_getAsStr(r));
		break;
	default:
		s = xstrdup("");
	}
	clang_EvalResult_dispose(r);
	return s;
}

static bool same_type(CXCursor a, CXCursor b)
{
	return clang_equalTypes(clang_getCanonicalType(clang_getCursorType(a)),
				clang_getCanonicalType(clang_getCursorType(b)));
}

/* The spellings the controlling expression's type goes by: each typedef name on the way down. */
static bool type_is_spelled(CXType t, const char *spelled)
{
	for (int i = 0; i < 16; i++) {
		CXString n = clang_getTypeSpelling(clang_getUnqualifiedType(t));
		bool same = !strcmp(clang_getCString(n), spelled);

		clang_disposeString(n);
		if (same)
			return true;
		if (t.kind == CXType_Elaborated)
			t = clang_Type_getNamedType(t);
		else if (t.kind == CXType_Typedef)
			t = clang_getTypedefDeclUnderlyingType(clang_getTypeDeclaration(t));
		else
			break;
	}
	return false;
}

/* The type name written before token i's association (`size_t: x`), space-separated. */
static bool association_type(CXTranslationUnit tu, CXToken *tok, unsigned i, char *buf, size_t n)
{
	unsigned j = i;
	int depth = 0;

	if (i < 2 || clang_getTokenKind(tok[i - 1]) != CXToken_Punctuation)
		return false;
	for (j = i - 1; j-- > 0;) {
		CXString sp = clang_getTokenSpelling(tu, tok[j]);
		const char *t = clang_getCString(sp);
		bool stop = depth == 0 && (!strcmp(t, ",") || !strcmp(t, "("));

		depth += !strcmp(t, ")") - !strcmp(t, "(");
		clang_disposeString(sp);
		if (stop)
			break;
	}
	buf[0] = 0;
	for (unsigned m = j + 1; m + 1 < i; m++) {
		CXString sp = clang_getTokenSpelling(tu, tok[m]);
		size_t len = strlen(buf);

		snprintf(buf + len, n - len, "%s%s", len ? " " : "", clang_getCString(sp));
		clang_disposeString(sp);
	}
	return buf[0] && strlen(buf) + 1 < n;
}

/* Where a token or an expression starts as written (a macro's name, for its expansion). */
static unsigned offset_of(CXSourceLocation l)
{
	unsigned off;

	clang_getExpansionLocation(l, NULL, NULL, NULL, &off);
	return off;
}

/*
 * The association whose written type is the controlling expression's (by
 * one of its names: `size_t: f(x)` for a size_t), read from the tokens
 * since libclang does not give the association types.  C allows no two
 * compatible association types, so one that matches is the selected one;
 * -1 when none or several do, or the tokens are not plain source.
 */
static int spelled_association(CXCursor c, cursors *k)
{
	CXTranslationUnit tu = clang_Cursor_getTranslationUnit(c);
	CXType want = clang_getCursorType(k->data[0]);
	CXToken *tok = NULL;
	unsigned ntok = 0;
	int pick = -1, n = 0;
	char name[256];

	clang_tokenize(tu, clang_getCursorExtent(c), &tok, &ntok);
	for (size_t a = 1; a < k->len; a++) {
		unsigned at = offset_of(clang_getRangeStart(clang_getCursorExtent(k->data[a])));

		for (unsigned i = 0; i < ntok; i++)
			if (offset_of(clang_getTokenLocation(tu, tok[i])) == at) {
				if (association_type(tu, tok, i, name, sizeof name) &&
				    type_is_spelled(want, name))
					pick = (int)a, n++;
				break;
			}
	}
	clang_disposeTokens(tu, tok, ntok);
	return n == 1 ? pick : -1;
}

/*
 * Which association (index into k, from 1) _Generic selects: libclang does
 * not say, so the one whose folded value (or that alone does not fold,
 * when the selection does not), or failing that whose type, or whose
 * written type name, is the selection's and no other's.  -1 when that does
 * not decide.
 */
static int selected_association(CXCursor c, cursors *k)
{
	char *want = folded(c);
	int pick = -1, n = 0;

	for (size_t i = 1; i < k->len; i++) { /* what does not fold is not what folds */
		char *v = folded(k->data[i]);

		if (!strcmp(v, want))
			pick = (int)i, n++;
		free(v);
	}
	free(want);
	if (n == 1)
		return pick;
	pick = -1;
	n = 0;
	for (size_t i = 1; i < k->len; i++)
		if (same_type(c, k->data[i]))
			pick = (int)i, n++;
	return n == 1 ? pick : spelled_association(c, k);
}

/*
 * _Generic: the controlling expression and the other associations are never
 * evaluated (rules.md); the selected one is, like any expression.  When the
 * selection cannot be told, the vtasks the associations name leave vtlint's
 * sight: no finding may rest on a guess.
 */
static int generic(L *l, CXCursor c)
{
	cursors k = lw_children(c);
	int pick = selected_association(c, &k), r = -1;

	if (pick > 0) {
		r = lw_expr(l, k.data[pick]);
	} else {
		for (size_t i = 1; i < k.len; i++) {
			struct { int *data; size_t len, cap; } vs = { 0 };

			vtask_refs(l, k.data[i], &vs);
			for (size_t j = 0; j < vs.len; j++)
				lw_emit(l, EV_ESCAPE, lw_loc_of(l, c))->src = vs.data[j];
			free(vs.data);
		}
	}
	return r;
}

/* An expression in value context; returns the variable holding its vtask, or -1. */
int lw_expr(L *l, CXCursor c)
{
	if (vt_cursor_null(c))
		return -1;
	switch (lw_kind(c)) {
	case CXCursor_DeclRefExpr:
		if (lw_source_of(l, c) >= 0) /* not a producer's operand: it goes elsewhere */
			lw_source_escapes(l, lw_source_of(l, c), lw_loc_of(l, c));
		return lw_vtask_var_of(l, c);
	case CXCursor_ParenExpr:
	case CXCursor_UnexposedExpr:
		return unexposed(l, c);
	case CXCursor_CStyleCastExpr:
		return cast(l, c);
	case CXCursor_CallExpr:
		return call(l, c);
	case CXCursor_UnaryOperator:
		return unary(l, c);
	case CXCursor_BinaryOperator:
	case CXCursor_CompoundAssignOperator:
		return binary(l, c);
	case CXCursor_ConditionalOperator:
		return conditional_value(l, c);
	case CXCursor_StmtExpr:
		return stmt_expr(l, c);
	case CXCursor_InitListExpr:
		if (!lw_cursor_is_vtask(c))
			lw_init_list(l, c);
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
	case CXCursor_GenericSelectionExpr:
		return generic(l, c);
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
bool lw_inspection(L *l, CXCursor c, int *v)
{
	CXCursor callee;
	char *name;
	int which;
	enum vt_rt what;

	if (lw_kind(c) != CXCursor_CallExpr)
		return false;
	callee = lw_callee(c);
	if (lw_kind(callee) != CXCursor_FunctionDecl)
		return false;
	name = lw_spelling(callee);
	what = vt_callee_runtime(l->env->config, name, &which);
	free(name);
	if (what != RT_INSPECT)
		return false;
	if (which < 0)
		which = wrapper_arg(l, c, what, clang_Cursor_getNumArguments(c));
	*v = which < 0 ? -1 : lw_expr(l, clang_Cursor_getArgument(c, which));
	return true;
}

/*
 * `bool done = vtask_is_completed(v);` (or its negation, through casts,
 * `!!`, __builtin_expect, comparisons with 0 or true): the local stands for
 * the answer.
 */
int lw_inspection_into(L *l, CXCursor rhs, int dst)
{
	bool neg = false;
	CXCursor s = lw_peel_truth(rhs, &neg);
	int v;

	if (!lw_inspection(l, s, &v))
		return 0;
	lw_forget(l, dst, lw_loc_of(l, rhs));
	if (v >= 0) {
		vt_event *e = lw_emit(l, EV_INSPECT, lw_loc_of(l, s));

		e->src = v;
		e->dst = dst;
		e->flags = neg;
	}
	return 1;
}

/* `x = c ? A : B`: A assigned on c's true side, B on its false side. */
static void assign_conditional(L *l, int var, CXCursor c, vt_loc at)
{
	cursors k = lw_children(c);
	int t = lw_block(l), f = lw_block(l), j = lw_block(l), saved = l->cond_mark;

	l->cond_mark = -1;
	lw_cond(l, k.data[0], t, f);
	l->cond_mark = saved;
	for (int side = 1; side <= 2; side++) {
		l->cur = side == 1 ? t : f;
		lw_assign_int(l, var, k.data[side], at);
		lw_jump_to(l, j);
	}
	l->cur = j;
}

/* `x = c ? A : B` or `x = ({ ...; E; })`: the value is known per path; false for others. */
static bool assign_per_path(L *l, int var, CXCursor rhs, vt_loc at)
{
	CXCursor v = lw_strip_value(rhs);
	cursors k;

	if (lw_kind(v) == CXCursor_ConditionalOperator) {
		assign_conditional(l, var, v, at);
		return true;
	}
	if (lw_kind(v) != CXCursor_StmtExpr)
		return false;
	k = lw_children(v);
	if (k.len)
		lw_compound_assign(l, k.data[0], var, at);
	return k.len > 0;
}

/*
 * An int local given a value: an inspection's answer, a constant (a fact),
 * another local's value (what facts say of it), what a visible callee
 * returns (its summary's return values, per outcome), or anything.
 */
void lw_assign_int(L *l, int var, CXCursor rhs, vt_loc at)
{
	int64_t k = 0;
	int src = lw_test_var(l, rhs);
	vt_event *e;

	if (lw_inspection_into(l, rhs, var))
		return;
	if (lw_constant(rhs, &k) || src >= 0) {
		e = lw_emit(l, EV_SETK, at);
		e->dst = var;
		e->k = k;
		e->src = src;
		if (src >= 0 && clang_getCursorType(rhs).kind == CXType_Pointer)
			lw_expr(l, rhs); /* `void *p = t;`, `char *c = (char *)t;`: converted */
		return;
	}
	if (lw_is_call_to(rhs, "vt_source_token") || lw_is_call_to(rhs, "vt__source_token_at")) {
		CXCursor call = lw_strip(rhs);
		int s = clang_Cursor_getNumArguments(call) ?
				lw_source_of(l, clang_Cursor_getArgument(call, 0)) : -1;

		lw_expr(l, rhs);
		lw_forget(l, var, at);
		if (s >= 0) {
			e = lw_emit(l, EV_SRC_TOKEN, at);
			e->dst = var;
			e->src = s;
		}
		return;
	}
	if (assign_per_path(l, var, rhs, at))
		return;
	if (lw_kind(lw_strip_value(rhs)) == CXCursor_CallExpr) {
		l->ret_to = var;
		l->ret_used = false;
		lw_expr(l, lw_strip_value(rhs));
		l->ret_to = -1;
		if (!l->ret_used)
			lw_forget(l, var, at);
		return;
	}
	lw_expr(l, rhs);
	lw_forget(l, var, at);
}

/* A call whose result a condition tests: into an int temporary the callee's summary informs. */
int lw_call_value(L *l, CXCursor c)
{
	int t = cfg_var(l->fn, "(result)", VAR_INT, lw_loc_of(l, c));

	l->fn->vars.data[t].lo = INT64_MIN;
	lw_assign_int(l, t, c, lw_loc_of(l, c));
	return t;
}
