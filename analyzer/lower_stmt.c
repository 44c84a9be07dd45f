/*
 * lower_stmt.c: statements.  Each function lowers one statement into the
 * current block and leaves the current block where control continues (DEAD
 * after a jump).  Loops and switches push a break/continue target; gotos
 * are resolved once every label has been seen.
 */
#include "lower.h"

static void stmt(L *l, CXCursor c);

/* ---- statements ---------------------------------------------------------------------- */

static int full_expr(L *l, CXCursor c)
{
	size_t mark = l->temps_live.len;
	int r = lw_expr(l, c);

	if (l->temps_live.len > mark) /* the place is asked only when it is used */
		lw_drop_temps(l, mark, lw_loc_of(l, c));
	return r;
}

/* A vt_task * local's value as a fact: NULL or not, from its initializer. */
static void task_fact(L *l, CXCursor d, CXCursor init)
{
	if (!vt_is_task_ptr_type(clang_getCursorType(d)))
		return;
	lw_add_task_fact(l, d);
	lw_set_task_fact(l, l->vars.data[l->vars.len - 1].fact, init, lw_loc_of(l, d));
}

static void local_vtask(L *l, CXCursor d, CXCursor init)
{
	int v, x;

	if (vt_cursor_null(init)) {
		v = lw_add_var(l, d, VAR_VTASK);
		task_fact(l, d, init);
		lw_note_cleanup(l, d, v);
		lw_emit(l, EV_CLEAR, lw_loc_of(l, d))->dst = v;
		return;
	}
	x = lw_kind(lw_strip(init)) == CXCursor_InitListExpr ? -1 : lw_expr(l, init);
	v = lw_add_var(l, d, VAR_VTASK);
	task_fact(l, d, init);
	lw_note_cleanup(l, d, v);
	if (x >= 0) {
		vt_event *e = lw_emit(l, EV_COPY, lw_loc_of(l, d));

		e->dst = v;
		e->src = x;
	} else {
		lw_emit(l, EV_CLEAR, lw_loc_of(l, d))->dst = v;
	}
}

/* A type whose array sizes run when it is declared: `char b[n()]`, `char (*p)[n()]`. */
static bool variably_modified(CXType t)
{
	for (;;) {
		t = clang_getCanonicalType(t);
		if (t.kind == CXType_VariableArray)
			return true;
		if (t.kind == CXType_Pointer)
			t = clang_getPointeeType(t);
		else if (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray)
			t = clang_getArrayElementType(t);
		else
			return false;
	}
}

/* A variable length array's sizes, evaluated when its declaration is reached. */
static void vla_sizes(L *l, CXCursor d, CXCursor init)
{
	cursors k = lw_children(d);

	for (size_t i = 0; i < k.len; i++)
		if (clang_isExpression(lw_kind(k.data[i])) &&
		    (vt_cursor_null(init) || !clang_equalCursors(k.data[i], init)))
			lw_expr(l, k.data[i]);
}

static void var_decl(L *l, CXCursor d)
{
	CXCursor init = clang_Cursor_getVarDeclInitializer(d);
	CXType t = clang_getCursorType(d);
	size_t mark = l->temps_live.len;

	if (clang_Cursor_hasVarDeclGlobalStorage(d) || clang_Cursor_hasVarDeclExternalStorage(d))
		return; /* static initializers are constant: nothing runs */
	if (variably_modified(t))
		vla_sizes(l, d, init);
	if (vt_is_source_type(t)) { /* a vt_source, or a local naming one (VT006) */
		int v;

		if (!vt_cursor_null(init))
			lw_expr(l, init);
		v = lw_add_var(l, d, VAR_SOURCE);
		if (!vt_cursor_null(init))
			lw_source_pointed(l, v, d, init, lw_loc_of(l, d));
	} else if (vt_is_vtask_type(t) || vt_is_task_ptr_type(t)) {
		local_vtask(l, d, init);
	} else if (vt_is_vtask_ptr_type(t)) {
		int target = vt_cursor_null(init) ? -1 : lw_addr_value(l, init);

		if (target < 0 && !vt_cursor_null(init))
			lw_expr(l, init);
		lw_point(l, lw_add_ptr(l, d), target, lw_loc_of(l, d));
	} else if (vt_is_scalar_type(t)) {
		int v = lw_add_var(l, d, VAR_INT);

		if (vt_cursor_null(init))
			lw_forget(l, v, lw_loc_of(l, d));
		else
			lw_assign_int(l, v, init, lw_loc_of(l, d));
	} else if (!vt_cursor_null(init)) {
		if (lw_kind(lw_strip(init)) == CXCursor_InitListExpr)
			lw_init_list(l, lw_strip(init));
		else
			lw_expr(l, init);
	}
	lw_drop_temps(l, mark, lw_loc_of(l, d));
}

static void decl_stmt(L *l, CXCursor c)
{
	cursors k = lw_children(c);

	for (size_t i = 0; i < k.len; i++)
		if (lw_kind(k.data[i]) == CXCursor_VarDecl)
			var_decl(l, k.data[i]);
		else if (lw_kind(k.data[i]) == CXCursor_TypedefDecl &&
			 variably_modified(clang_getTypedefDeclUnderlyingType(k.data[i])))
			vla_sizes(l, k.data[i], clang_getNullCursor()); /* typedef char T[n()]; */
}

/* Lowers a block; for a statement expression, returns the variable holding its value. */
/* A statement expression's last expression, as a value: the vtask it holds, or -1. */
static int last_value(L *l, CXCursor s, int var, vt_loc at)
{
	int v;

	(void)var;
	(void)at;
	v = lw_expr(l, s);
	if (v >= 0 && lw_cursor_is_vtask(s)) {
		int r = lw_temp(l, lw_loc_of(l, s));
		vt_event *e = lw_emit(l, EV_COPY, lw_loc_of(l, s));

		e->dst = r;
		e->src = v;
		return r;
	}
	return -1;
}

/* ... assigned to int local var: its facts on each path (`x = ({ ...; c ? 0 : 1; })`). */
static int last_assigned(L *l, CXCursor s, int var, vt_loc at)
{
	lw_assign_int(l, var, s, at);
	return -1;
}

/* A block's statements; the last, an expression, goes to last (a statement expression). */
static int compound(L *l, CXCursor c, int (*last)(L *, CXCursor, int, vt_loc), int var,
		    vt_loc at)
{
	cursors k = lw_children(c);
	int r = -1;

	lw_push_scope(l);
	for (size_t i = 0; i < k.len; i++) {
		CXCursor s = k.data[i];

		if (last && i + 1 == k.len && clang_isExpression(lw_kind(s)))
			r = last(l, s, var, at);
		else
			stmt(l, s);
	}
	lw_pop_scope(l, lw_loc_end(l, c));
	return r;
}

int lw_compound(L *l, CXCursor c, bool value)
{
	return compound(l, c, value ? last_value : NULL, -1, (vt_loc){ 0 });
}

/* `x = ({ ... E; })`: the block, then E assigned to int local var. */
void lw_compound_assign(L *l, CXCursor c, int var, vt_loc at)
{
	compound(l, c, last_assigned, var, at);
}

/*
 * `if (C) A else B`:  cond(C) -true-> [A] -> join;  -false-> [B] -> join
 * (without else the false edge goes straight to join).
 */
static void if_stmt(L *l, CXCursor c)
{
	cursors k = lw_children(c);
	int t = lw_block(l), j = lw_block(l), f = k.len > 2 ? lw_block(l) : j;

	lw_stmt_cond(l, k.data[0], t, f);
	l->cur = t;
	stmt(l, k.data[1]);
	lw_jump_to(l, j);
	if (k.len > 2) {
		l->cur = f;
		stmt(l, k.data[2]);
		lw_jump_to(l, j);
	}
	l->cur = j;
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

/*
 * `while (T) S` and `do S while (T);`, one shape with the test at the top or
 * at the bottom; continue goes to the test, break to out:
 *   while:  -> [T] -true-> [S] -> back to [T];  [T] -false-> out
 *   do:     -> [S] -> [T] -true-> back to [S];  [T] -false-> out
 */
static void loop_stmt(L *l, CXCursor c, bool test_first)
{
	cursors k = lw_children(c);
	CXCursor cond = k.data[test_first ? 0 : 1], body_stmt = k.data[test_first ? 1 : 0];
	int first = lw_block(l), second = lw_block(l), out = lw_block(l);
	int test = test_first ? first : second, body = test_first ? second : first;

	lw_jump_to(l, first);
	if (test_first) {
		l->cur = test;
		lw_stmt_cond(l, cond, body, out);
	}
	push_target(l, out, test);
	l->cur = body;
	stmt(l, body_stmt);
	lw_jump_to(l, test);
	pop_target(l);
	if (!test_first) {
		l->cur = test;
		lw_stmt_cond(l, cond, body, out);
	}
	l->cur = out;
}

/*
 * Which of a for's init, condition and increment are written: libclang
 * visits only those present, and the AST it exposes does not say which.
 * The header as written, found at the spelling location of the `for`
 * keyword (inside a #define when the loop comes from a macro, where its
 * parts are written too), says which parts are empty.  False when that
 * text is not a for header.
 */
static bool for_present(CXTranslationUnit tu, CXCursor c, bool present[3])
{
	CXFile file;
	unsigned off;
	size_t size;
	const char *text, *s, *end;
	int depth = 0, part = 0;

	clang_getSpellingLocation(clang_getCursorLocation(c), &file, NULL, NULL, &off);
	text = file ? clang_getFileContents(tu, file, &size) : NULL;
	if (!text || off + 3 > size || strncmp(text + off, "for", 3) != 0)
		return false;
	end = text + size;
	for (int i = 0; i < 3; i++)
		present[i] = false;
	for (s = text + off + 3; s < end && part < 3; s++) {
		if (s + 1 < end && s[0] == '/' && s[1] == '*') {
			const char *e = strstr(s + 2, "*/");

			s = e ? e + 1 : end;
		} else if (*s == '"' || *s == '\'') {
			char q = *s;

			present[part] = true;
			for (s++; s < end && *s != q; s++)
				s += *s == '\\';
		} else if (strchr("([{", *s)) {
			present[part] |= depth++ > 0;
		} else if (strchr(")]}", *s)) {
			if (--depth == 0)
				break;
		} else if (depth == 1 && *s == ';') {
			part++;
		} else if (depth >= 1 && !strchr(" \t\r\n\\", *s)) {
			present[part] = true;
		}
	}
	return part == 2;
}

/* for's children skip the missing parts: place each in its slot. */
static void for_parts(L *l, CXCursor c, CXCursor part[3], CXCursor *body)
{
	cursors k = lw_children(c);
	bool present[3] = { true, true, true };
	size_t n = k.len - 1, next = 0;

	if (!for_present(l->env->tu, c, present) ||
	    (size_t)(present[0] + present[1] + present[2]) != n)
		for (int i = 0; i < 3; i++) /* unreadable: the parts there are, last ones first */
			present[i] = i >= 3 - (int)n;
	*body = k.data[n];
	for (int i = 0; i < 3; i++) {
		part[i] = clang_getNullCursor();
		if (present[i] && next < n)
			part[i] = k.data[next++];
	}
}

/* rules.md: `for (T i = C1; i OP C2; ...)` with C1 OP C2 true runs its body at least once. */
static bool counted_loop(L *l, CXCursor init, CXCursor test)
{
	CXCursor var = clang_getNullCursor(), value = clang_getNullCursor();
	int64_t c1, c2;
	enum vt_cmp op;
	int tv;

	if (vt_cursor_null(init) || vt_cursor_null(test))
		return false;
	if (lw_kind(init) == CXCursor_DeclStmt) {
		cursors k = lw_children(init);

		if (k.len == 1 && lw_kind(k.data[0]) == CXCursor_VarDecl) {
			var = k.data[0];
			value = clang_Cursor_getVarDeclInitializer(var);
		}
	} else if (lw_kind(lw_strip(init)) == CXCursor_BinaryOperator &&
		   clang_getCursorBinaryOperatorKind(lw_strip(init)) == CXBinaryOperator_Assign) {
		cursors k = lw_children(lw_strip(init));

		if (lw_kind(lw_strip(k.data[0])) == CXCursor_DeclRefExpr)
			var = clang_getCursorReferenced(lw_strip(k.data[0]));
		value = k.data[1];
	}
	if (vt_cursor_null(var) || vt_cursor_null(value) || !lw_constant(value, &c1))
		return false;
	if (!lw_comparison(l, lw_strip(test), &tv, &op, &c2) || !lw_lookup(l, var) ||
	    lw_lookup(l, var)->var != tv)
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

/*
 * `for (I; C; S) B`:  I -> [head: cond(C)] -true-> [B] -> [step: S] -> head;
 * head -false-> out.  A counted loop (rules.md) enters at [B]: the first test
 * holds.  continue goes to step, break to out; I's declarations scope the loop.
 */
static void for_stmt(L *l, CXCursor c)
{
	CXCursor part[3], body;
	int head = lw_block(l), inner = lw_block(l), step = lw_block(l), out = lw_block(l);

	for_parts(l, c, part, &body);
	lw_push_scope(l);
	if (!vt_cursor_null(part[0]))
		stmt(l, part[0]);
	lw_jump_to(l, counted_loop(l, part[0], part[1]) ? inner : head);
	l->cur = head;
	if (vt_cursor_null(part[1]))
		lw_jump_to(l, inner);
	else
		lw_stmt_cond(l, part[1], inner, out);
	push_target(l, out, step);
	l->cur = inner;
	stmt(l, body);
	lw_jump_to(l, step);
	pop_target(l);
	l->cur = step;
	if (!vt_cursor_null(part[2]))
		full_expr(l, part[2]);
	lw_jump_to(l, head);
	l->cur = out;
	lw_pop_scope(l, lw_loc_end(l, c));
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

/*
 * `switch (E) B`: the block that evaluates E gets one edge per case label
 * (with the fact E == K, or lo <= E <= hi) and one to default or past the
 * switch (E is none of the labels); B's own flow is fall-through.
 */
/* The local the labels test: E's, or for `switch (f(&v))` one holding what f returned. */
static int switch_value(L *l, CXCursor e)
{
	size_t mark = l->temps_live.len;
	int v;

	if (lw_kind(lw_strip_value(e)) != CXCursor_CallExpr) {
		full_expr(l, e);
		return lw_test_var(l, e);
	}
	v = lw_call_value(l, e);
	lw_drop_temps(l, mark, lw_loc_of(l, e));
	return v;
}

static void switch_stmt(L *l, CXCursor c)
{
	cursors k = lw_children(c);
	int out = lw_block(l);
	int var = switch_value(l, k.data[0]);
	target *t;

	t = push_target(l, out, -1);
	t->is_switch = true;
	t->sw_block = lw_cur(l);
	t->sw_var = var;
	l->cur = DEAD;
	stmt(l, k.data[k.len - 1]);
	lw_jump_to(l, out);
	switch_default(l, t, out);
	pop_target(l);
	l->cur = out;
}

static target *innermost(L *l, bool want_switch)
{
	for (size_t i = l->targets.len; i-- > 0;)
		if (!want_switch || l->targets.data[i]->is_switch)
			if (want_switch || l->targets.data[i]->cont >= 0)
				return l->targets.data[i];
	return NULL;
}

/*
 * `case K: S` / `default: S`: a new block reached by fall-through from the
 * statement above and by the switch's edge for K (or its default edge).
 */
static void case_stmt(L *l, CXCursor c, bool is_default)
{
	cursors k = lw_children(c);
	target *t = innermost(l, true);
	int b = lw_block(l);
	int64_t lo, hi;

	lw_jump_to(l, b); /* fall-through from the case above */
	if (t && is_default) {
		t->dflt = b;
	} else if (t) {
		vt_edge *e = cfg_edge(l->fn, t->sw_block, b);
		bool ok = lw_constant(k.data[0], &lo);

		hi = lo;
		for (size_t i = 1; ok && i + 1 < k.len; i++)
			if (!clang_equalRanges(clang_getCursorExtent(k.data[i]),
					       clang_getCursorExtent(k.data[0])))
				ok = lw_constant(k.data[i], &hi);
		if (ok && t->sw_var >= 0) {
			e->cond = (vt_cond){ .kind = lo == hi ? COND_CMP : COND_RANGE, .op = CMP_EQ,
					     .var = t->sw_var, .lo = lo, .hi = hi };
			if (lo == hi)
				vec_push(&t->cases, lo);
		}
	}
	l->cur = b;
	stmt(l, k.data[k.len - 1]);
}

/*
 * `break` / `continue`: drops what the scopes being left hold, then an edge
 * to the innermost target (a switch takes break only); the block goes DEAD.
 */
static void break_continue(L *l, CXCursor c, bool is_break)
{
	target *t = NULL;

	for (size_t i = l->targets.len; i-- > 0 && !t;)
		if (is_break || l->targets.data[i]->cont >= 0)
			t = l->targets.data[i];
	if (!t)
		return;
	lw_leave_scopes(l, lw_cur(l), l->scope, t->scope, lw_loc_of(l, c));
	lw_jump_to(l, is_break ? t->brk : t->cont);
}

/*
 * `return E;` of a scalar: what E is on each path goes into the function's
 * (return) local, for its callers' summaries.  `c ? K1 : K2` is two paths:
 *   cond(c) -> [T: ret = K1] [F: ret = K2] -> join
 */
static void return_value(L *l, CXCursor e, vt_loc at)
{
	CXCursor s = lw_strip(e);
	int t, f, j;
	cursors k;

	if (lw_kind(s) != CXCursor_ConditionalOperator) {
		lw_assign_int(l, l->fn->ret, e, at);
		return;
	}
	k = lw_children(s);
	t = lw_block(l);
	f = lw_block(l);
	j = lw_block(l);
	lw_cond(l, k.data[0], t, f);
	for (int side = 1; side <= 2; side++) {
		l->cur = side == 1 ? t : f;
		return_value(l, k.data[side], at);
		lw_jump_to(l, j);
	}
	l->cur = j;
}

/*
 * `return E;`: E's events (a returned vtask is consumed by the caller, a
 * returned int feeds the callee-return facts), every scope's variables
 * dropped, then an edge to the function's exit block.
 */
static void return_stmt(L *l, CXCursor c)
{
	cursors k = lw_children(c);
	size_t mark = l->temps_live.len;
	vt_loc at = lw_loc_of(l, c);

	if (k.len && l->fn->ret >= 0) {
		return_value(l, k.data[0], at);
	} else if (k.len) {
		int v = lw_expr(l, k.data[0]);

		if (lw_cursor_is_vtask(k.data[0]))
			lw_consume(l, v, HOW_RETURN, at);
	}
	lw_drop_temps(l, mark, at);
	lw_leave_scopes(l, lw_cur(l), l->scope, -1, at);
	lw_jump_to(l, l->fn->exit);
}

static label *find_label(L *l, CXCursor s)
{
	for (size_t i = 0; i < l->labels.len; i++)
		if (lw_same_label(l->labels.data[i].stmt, s) && l->labels.data[i].block >= 0)
			return &l->labels.data[i];
	return NULL;
}

/*
 * `L: S`: a new block, entered by fall-through and, once resolved, by every
 * goto naming L (and every computed goto if &&L is taken).
 */
static void label_stmt(L *l, CXCursor c)
{
	cursors k = lw_children(c);
	int b = lw_block(l);
	label lab = { .stmt = c, .block = b, .scope = l->scope };

	for (size_t i = 0; i < l->labels.len; i++)
		if (lw_same_label(l->labels.data[i].stmt, c) && l->labels.data[i].addr_taken)
			lab.addr_taken = true;
	vec_push(&l->labels, lab);
	lw_jump_to(l, b);
	l->cur = b;
	if (k.len)
		stmt(l, k.data[k.len - 1]);
}

/*
 * `goto L` / `goto *p`: the current block is remembered and resolved to
 * edges when every label has been seen (lw_resolve_gotos); the block goes DEAD.
 */
static void goto_stmt(L *l, CXCursor c, bool computed)
{
	cursors k = lw_children(c);
	jump j = { .block = lw_cur(l), .scope = l->scope, .loc = lw_loc_of(l, c),
		   .target = clang_getNullCursor() };

	if (computed && k.len)
		full_expr(l, k.data[0]);
	else if (k.len)
		j.target = clang_getCursorReferenced(k.data[0]);
	j.block = lw_cur(l);
	vec_push(&l->gotos, j);
	l->cur = DEAD;
}

/* A goto leaves every scope that does not enclose its label. */
static void goto_edge(L *l, jump *j, label *lab)
{
	int via = j->block;

	if (vt_cursor_null(j->target)) { /* computed: a block per target for its drops */
		via = cfg_block(l->fn);
		cfg_edge(l->fn, j->block, via);
	}
	lw_leave_scopes(l, via, j->scope, lab->scope, j->loc);
	cfg_edge(l->fn, via, lab->block);
}

void lw_resolve_gotos(L *l)
{
	for (size_t i = 0; i < l->gotos.len; i++) {
		jump *j = &l->gotos.data[i];

		if (!vt_cursor_null(j->target)) {
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
	switch (lw_kind(c)) {
	case CXCursor_CompoundStmt: lw_compound(l, c, false); break;
	case CXCursor_DeclStmt: decl_stmt(l, c); break;
	case CXCursor_IfStmt: if_stmt(l, c); break;
	case CXCursor_WhileStmt: loop_stmt(l, c, true); break;
	case CXCursor_DoStmt: loop_stmt(l, c, false); break;
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
		cursors k = lw_children(c);

		for (size_t i = 0; i < k.len; i++)
			if (clang_isStatement(lw_kind(k.data[i])) || clang_isExpression(lw_kind(k.data[i])))
				stmt(l, k.data[i]);
		break;
	}
	default:
		if (clang_isExpression(lw_kind(c)))
			full_expr(l, c);
	}
}
