/*
 * lower_cond.c: expressions in branch context.  cond(c, t, f) ends the
 * current block with edges to t and f; &&, ||, !, ?: become blocks of their
 * own, and tests of int locals and inspections put facts on the edges.
 */
#include "lower.h"

/* ---- conditions ----------------------------------------------------------------------- */

/* at: the test, whose place the temporaries' drops take (asked only when there are some). */
static void branch(L *l, int t, int f, vt_cond ct, vt_cond cf, CXCursor at)
{
	if (l->cond_mark >= 0 && l->temps_live.len > (size_t)l->cond_mark)
		lw_drop_temps(l, (size_t)l->cond_mark, lw_loc_of(l, at));
	lw_edge_to(l, t)->cond = ct;
	lw_edge_to(l, f)->cond = cf;
	l->cur = DEAD;
}

static const enum vt_cmp negate[] = { CMP_NE, CMP_EQ, CMP_GE, CMP_GT, CMP_LE, CMP_LT };
static const enum vt_cmp mirror[] = { CMP_EQ, CMP_NE, CMP_GT, CMP_GE, CMP_LT, CMP_LE };

static bool cmp_of(enum CXBinaryOperatorKind b, enum vt_cmp *op);

/*
 * A value whose paths say what it is: a call of a function defined in this
 * unit or the project (its summary's return values), or a statement
 * expression (its last expression's value on each path).
 */
static bool visible_call(L *l, CXCursor c)
{
	CXCursor fn;

	c = lw_strip_value(c);
	if (!vt_is_scalar_type(clang_getCursorType(c)))
		return false;
	if (lw_kind(c) == CXCursor_StmtExpr)
		return true;
	if (lw_kind(c) != CXCursor_CallExpr)
		return false;
	fn = lw_callee(c);
	return !vt_cursor_null(clang_getCursorDefinition(fn)) ||
	       (lw_kind(fn) == CXCursor_FunctionDecl && l->env->summary(l->env, fn));
}

/* `f(&v) OP K`: a test of f's result, held in a local of its own. */
static bool call_comparison(L *l, CXCursor c, int t, int f)
{
	cursors v = lw_children(c);
	enum vt_cmp op;
	int64_t K;
	int side = -1, var;

	if (v.len == 2 && cmp_of(clang_getCursorBinaryOperatorKind(c), &op)) {
		if (visible_call(l, v.data[0]) && lw_constant(v.data[1], &K))
			side = 0;
		else if (visible_call(l, v.data[1]) && lw_constant(v.data[0], &K))
			side = 1;
	}
	if (side >= 0) {
		var = lw_call_value(l, v.data[side]);
		if (side == 1)
			op = mirror[op];
		branch(l, t, f, (vt_cond){ .kind = COND_CMP, .op = op, .var = var, .lo = K },
		       (vt_cond){ .kind = COND_CMP, .op = negate[op], .var = var, .lo = K },
		       c);
	}
	return side >= 0;
}

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
bool lw_comparison(L *l, CXCursor c, int *var, enum vt_cmp *op, int64_t *k)
{
	cursors v;
	bool ok = false;

	if (lw_kind(c) != CXCursor_BinaryOperator || !cmp_of(clang_getCursorBinaryOperatorKind(c), op))
		return false;
	v = lw_children(c);
	if (v.len == 2) {
		if ((*var = lw_test_var(l, v.data[0])) >= 0 && lw_constant(v.data[1], k)) {
			ok = true;
		} else if ((*var = lw_test_var(l, v.data[1])) >= 0 && lw_constant(v.data[0], k)) {
			*op = mirror[*op];
			ok = true;
		}
	}
	return ok;
}

static bool inspection_test(L *l, CXCursor c, int t, int f)
{
	int v;

	int answer;
	vt_event *e;

	if (!lw_inspection(l, c, &v))
		return false;
	if (v < 0) {
		branch(l, t, f, (vt_cond){ 0 }, (vt_cond){ 0 }, c);
		return true;
	}
	/* the answer in a local of its own: temporaries may be dropped before the branch */
	answer = cfg_var(l->fn, "(inspection)", VAR_INT, lw_loc_of(l, c));
	e = lw_emit(l, EV_INSPECT, lw_loc_of(l, c));
	e->src = v;
	e->dst = answer;
	branch(l, t, f, (vt_cond){ .kind = COND_CMP, .op = CMP_NE, .var = answer },
	       (vt_cond){ .kind = COND_CMP, .op = CMP_EQ, .var = answer }, c);
	return true;
}

/* `E == 0`, `E != false`, `E == true` of a truth value E: a test of E itself. */
static bool truth_test(L *l, enum CXBinaryOperatorKind b, cursors k, int t, int f)
{
	int64_t K;
	int side;
	CXCursor e;

	if ((b != CXBinaryOperator_EQ && b != CXBinaryOperator_NE) || k.len != 2)
		return false;
	side = lw_constant(k.data[1], &K) ? 0 : lw_constant(k.data[0], &K) ? 1 : -1;
	if (side < 0)
		return false;
	e = k.data[side];
	if (K != 0 && !(K == 1 && lw_is_truth_value(e)))
		return false;
	if ((K == 0) == (b == CXBinaryOperator_EQ))
		lw_cond(l, e, f, t);
	else
		lw_cond(l, e, t, f);
	return true;
}

static bool task_test(L *l, CXCursor c, int t, int f);

/* `t == NULL` and `t != NULL` of a vt_task * local: as `!t` and `t`. */
static bool task_null_cmp(L *l, enum CXBinaryOperatorKind b, cursors k, int t, int f)
{
	bool eq = b == CXBinaryOperator_EQ;
	int64_t z;

	if ((!eq && b != CXBinaryOperator_NE) || k.len != 2)
		return false;
	for (int i = 0; i < 2; i++)
		if (lw_constant(lw_strip(k.data[1 - i]), &z) && z == 0 &&
		    task_test(l, k.data[i], eq ? f : t, eq ? t : f))
			return true;
	return false;
}

static void cond_binary(L *l, CXCursor c, int t, int f)
{
	enum CXBinaryOperatorKind b = clang_getCursorBinaryOperatorKind(c);
	cursors k = lw_children(c);
	int m, var;
	enum vt_cmp op;
	int64_t K;

	if (b == CXBinaryOperator_LAnd || b == CXBinaryOperator_LOr) {
		m = lw_block(l);
		lw_cond(l, k.data[0], b == CXBinaryOperator_LAnd ? m : t,
		     b == CXBinaryOperator_LAnd ? f : m);
		l->cur = m;
		lw_cond(l, k.data[1], t, f);
	} else if (b == CXBinaryOperator_Comma) {
		lw_expr(l, k.data[0]);
		lw_cond(l, k.data[1], t, f);
	} else if (task_null_cmp(l, b, k, t, f)) {
		/* done */
	} else if (lw_comparison(l, c, &var, &op, &K)) {
		branch(l, t, f, (vt_cond){ .kind = COND_CMP, .op = op, .var = var, .lo = K },
		       (vt_cond){ .kind = COND_CMP, .op = negate[op], .var = var, .lo = K },
		       c);
	} else if (b == CXBinaryOperator_Assign && lw_test_var(l, k.data[0]) >= 0) {
		var = lw_test_var(l, k.data[0]);
		lw_expr(l, c); /* `if ((ready = vtask_is_completed(v)))`: then a test of ready */
		branch(l, t, f, (vt_cond){ .kind = COND_CMP, .op = CMP_NE, .var = var },
		       (vt_cond){ .kind = COND_CMP, .op = CMP_EQ, .var = var }, c);
	} else if (call_comparison(l, c, t, f)) {
		/* done */
	} else if (truth_test(l, b, k, t, f)) {
		/* done */
	} else {
		lw_expr(l, c);
		branch(l, t, f, (vt_cond){ 0 }, (vt_cond){ 0 }, c);
	}
}

/*
 * `if (t)` of a vt_task * local: on the null side there is no reference to
 * release.  CFG: cond -> [t] ; cond -> N: t leaves our sight -> [f]
 */
static bool task_test(L *l, CXCursor c, int t, int f)
{
	int v = lw_vtask_var_of(l, c), n, x = lw_task_fact_of(l, c);

	if (v < 0 || !lw_cursor_is_task(lw_strip(c)))
		return false;
	n = lw_block(l);
	branch(l, t, n, (vt_cond){ .kind = x >= 0 ? COND_CMP : COND_NONE, .op = CMP_NE, .var = x },
	       (vt_cond){ .kind = x >= 0 ? COND_CMP : COND_NONE, .op = CMP_EQ, .var = x },
	       c);
	l->cur = n;
	lw_emit(l, EV_ESCAPE, lw_loc_of(l, c))->src = v;
	lw_jump_to(l, f);
	return true;
}

/* An expression in branch context: control goes to t when it is non-zero, else to f. */
void lw_cond(L *l, CXCursor c, int t, int f)
{
	int64_t k;
	int x;

	c = lw_strip(c);
	if (lw_constant(c, &k)) {
		lw_jump_to(l, k ? t : f);
		return;
	}
	if (!vt_cursor_null(lw_truth_operand(c))) {
		lw_cond(l, lw_truth_operand(c), t, f);
		return;
	}
	if (lw_kind(c) == CXCursor_UnaryOperator &&
	    clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_LNot) {
		cursors v = lw_children(c);

		lw_cond(l, v.data[0], f, t);
	} else if (lw_kind(c) == CXCursor_BinaryOperator) {
		cond_binary(l, c, t, f);
	} else if (lw_kind(c) == CXCursor_ConditionalOperator) {
		cursors v = lw_children(c);
		int a = lw_block(l), b = lw_block(l);

		lw_cond(l, v.data[0], a, b);
		l->cur = a;
		lw_cond(l, v.data[1], t, f);
		l->cur = b;
		lw_cond(l, v.data[2], t, f);
	} else if (task_test(l, c, t, f)) {
		/* done */
	} else if (inspection_test(l, c, t, f)) {
		/* done */
	} else if ((x = lw_test_var(l, c)) >= 0 ||
		   (visible_call(l, c) && (x = lw_call_value(l, c)) >= 0)) {
		branch(l, t, f, (vt_cond){ .kind = COND_CMP, .op = CMP_NE, .var = x },
		       (vt_cond){ .kind = COND_CMP, .op = CMP_EQ, .var = x }, c);
	} else {
		lw_expr(l, c);
		branch(l, t, f, (vt_cond){ 0 }, (vt_cond){ 0 }, c);
	}
}

/* A statement's controlling expression: its temporaries end at the branch. */
void lw_stmt_cond(L *l, CXCursor c, int t, int f)
{
	int saved = l->cond_mark;

	l->cond_mark = (int)l->temps_live.len;
	lw_cond(l, c, t, f);
	l->cond_mark = saved;
}
