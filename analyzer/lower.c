/*
 * lower.c: one function's statements and expressions -> a CFG whose blocks
 * hold only what matters to vtasks (vtlint.h, enum vt_ev_kind).
 *
 * Grammar-shaped, in three files: lower_stmt.c recognises statements,
 * lower_expr.c expressions in value context, lower_cond.c expressions in
 * branch context (where &&, ||, !, ?: and the tests of locals become edges
 * with facts).  This file holds what they share: cursors, places, the
 * variables vtlint follows, scopes (so that a variable leaving its block, or
 * a jump out of it, drops its operation at the right place), constants and
 * addresses, and vt_lower() itself.
 */
#include <ctype.h>

#include "lower.h"

/* ---- the function's tree: one walk, children found again without libclang ---------- */

/*
 * Lowering asks for a cursor's children again and again (each test strips
 * parentheses, each operator looks at its operands), and each
 * clang_visitChildren() builds a visitor of its own.  So vt_lower() walks the
 * function once, recording every cursor in preorder with its children, and
 * lw_children() answers from that record; a cursor it does not hold (none in a
 * body, normally) is asked of libclang.  Whatever children a cursor has,
 * the recursive walk visits them as clang_visitChildren() on that cursor
 * would: libclang recurses by the same routine.
 */
typedef struct lw_tree {
	VEC(CXCursor) node;     /* preorder; node 0 is the function */
	VEC(int) parent;
	int *kid0, *nkids, *end; /* node i's children: kids[kid0[i]...]; its subtree: i + 1 .. end[i] */
	CXCursor *kids;
	int *kidx;              /* the node each of kids is */
	int *slot;              /* open addressing over node, index + 1 (0: empty) */
	size_t cap;
	int *fill;              /* scratch for tree_index */
	size_t room;            /* nodes the arrays above hold */
	VEC(CXCursor *) spill;  /* children of cursors outside the tree, asked of libclang */
	bool bad;
} lw_tree;

static __thread lw_tree *tree; /* the function being lowered (vt_lower nests for callees) */

/*
 * Trees done with, kept for the next function: a unit's functions are
 * lowered one after another, and growing a tree's arrays from nothing for
 * each cost more than indexing it.  One per nesting level of vt_lower.
 */
enum { SPARE_TREES = 4 };
static __thread lw_tree *spare[SPARE_TREES];
static __thread int nspare;

/*
 * clang_isExpression() || clang_isStatement(), and clang_isDeclaration(),
 * by the ranges Index.h gives them: asked at every node of every tree, the
 * calls cost more than the tests.
 */
static bool stmt_kind(enum CXCursorKind k)
{
	return (k >= CXCursor_FirstExpr && k <= CXCursor_LastExpr) ||
	       (k >= CXCursor_FirstStmt && k <= CXCursor_LastStmt);
}

static bool decl_kind(enum CXCursorKind k)
{
	return (k >= CXCursor_FirstDecl && k <= CXCursor_LastDecl) ||
	       (k >= CXCursor_FirstExtraDecl && k <= CXCursor_LastExtraDecl);
}

/* Statements by their Stmt (the enclosing declaration they carry varies by route). */
static size_t cursor_hash(CXCursor c)
{
	uintptr_t a = (uintptr_t)c.data[0], b = (uintptr_t)c.data[1];

	if (stmt_kind(c.kind))
		a = 0;
	else if (decl_kind(c.kind))
		b = 0;
	return (size_t)((a >> 4) * 31 + (b >> 4) * 17 + (unsigned)c.kind) * 0x9E3779B97F4A7C15ULL >> 20;
}

static bool cursor_same(CXCursor a, CXCursor b)
{
	if (a.kind != b.kind)
		return false;
	if (stmt_kind(a.kind))
		return a.data[1] == b.data[1] && a.data[2] == b.data[2];
	return clang_equalCursors(a, b);
}

/* The cursor libclang handed us as it is handed back as a parent: no call needed. */
static bool same_bits(CXCursor a, CXCursor b)
{
	return a.kind == b.kind && a.data[0] == b.data[0] && a.data[1] == b.data[1] &&
	       a.data[2] == b.data[2];
}

static enum CXChildVisitResult tree_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	lw_tree *t = d;
	int p = (int)t->node.len - 1;

	/*
	 * libclang hands a ConstantExpr (a case label, an array size) as the
	 * cursor of the expression inside, then that expression again as its
	 * child: one node, or `case (4):` would be its own child for ever.
	 */
	if (same_bits(c, parent))
		return CXChildVisit_Recurse;
	while (p > 0 && !cursor_same(t->node.data[p], parent))
		p = t->parent.data[p];
	if (p == 0 && !cursor_same(t->node.data[0], parent)) {
		t->bad = true; /* a parent not on the path: trust libclang alone */
		return CXChildVisit_Break;
	}
	vec_push(&t->node, c);
	vec_push(&t->parent, p);
	return CXChildVisit_Recurse;
}

/* Room for n nodes in every per-node array. */
static void tree_room(lw_tree *t, size_t n)
{
	if (n <= t->room)
		return;
	t->room = n * 2;
	t->kid0 = xrealloc(t->kid0, t->room * sizeof *t->kid0);
	t->nkids = xrealloc(t->nkids, t->room * sizeof *t->nkids);
	t->end = xrealloc(t->end, t->room * sizeof *t->end);
	t->kids = xrealloc(t->kids, t->room * sizeof *t->kids);
	t->kidx = xrealloc(t->kidx, t->room * sizeof *t->kidx);
	t->fill = xrealloc(t->fill, t->room * sizeof *t->fill);
}

/* The open-addressed index from cursor to node. */
static void tree_hash(lw_tree *t)
{
	size_t n = t->node.len, cap;

	for (cap = 16; cap < 2 * n; cap *= 2)
		;
	if (cap > t->cap)
		t->slot = xrealloc(t->slot, cap * sizeof *t->slot);
	t->cap = cap;
	memset(t->slot, 0, cap * sizeof *t->slot);
	for (size_t i = 0; i < n; i++) {
		size_t h = cursor_hash(t->node.data[i]) & (cap - 1);

		while (t->slot[h] && !cursor_same(t->node.data[t->slot[h] - 1], t->node.data[i]))
			h = (h + 1) & (cap - 1);
		if (!t->slot[h]) /* the same Stmt twice (an OpaqueValueExpr): one record serves */
			t->slot[h] = (int)i + 1;
	}
}

/* Children lists, subtree ends and the index, from the preorder walk. */
static void tree_index(lw_tree *t)
{
	size_t n = t->node.len;

	tree_room(t, n + 1);
	memset(t->nkids, 0, (n + 1) * sizeof *t->nkids);
	memset(t->fill, 0, (n + 1) * sizeof *t->fill);
	t->kid0[0] = 0;
	for (size_t i = 1; i < n; i++)
		t->nkids[t->parent.data[i]]++;
	for (size_t i = 1; i < n; i++)
		t->kid0[i] = t->kid0[i - 1] + t->nkids[i - 1];
	for (size_t i = 1; i < n; i++) {
		int p = t->parent.data[i], at = t->kid0[p] + t->fill[p]++;

		t->kids[at] = t->node.data[i];
		t->kidx[at] = (int)i;
	}
	for (size_t i = n; i-- > 0;) { /* a subtree ends where its last child's does */
		t->end[i] = t->nkids[i] ? t->end[t->kidx[t->kid0[i] + t->nkids[i] - 1]] : (int)i + 1;
	}
	tree_hash(t);
}

static lw_tree *tree_new(CXCursor fn)
{
	lw_tree *t = nspare ? spare[--nspare] : xcalloc(1, sizeof *t);

	t->node.len = t->parent.len = 0;
	t->bad = false;
	vec_push(&t->node, fn);
	vec_push(&t->parent, -1);
	clang_visitChildren(fn, tree_visit, t);
	if (t->bad)
		t->node.len = 0;
	tree_index(t);
	return t;
}

static void tree_destroy(lw_tree *t)
{
	free(t->node.data);
	free(t->parent.data);
	free(t->kid0);
	free(t->nkids);
	free(t->end);
	free(t->kids);
	free(t->kidx);
	free(t->fill);
	free(t->slot);
	free(t);
}

static void tree_free(lw_tree *t)
{
	for (size_t i = 0; i < t->spill.len; i++)
		free(t->spill.data[i]);
	t->spill.len = 0;
	if (nspare < SPARE_TREES) {
		spare[nspare++] = t;
		return;
	}
	free(t->spill.data);
	tree_destroy(t);
}

void vt_lower_release(void)
{
	while (nspare > 0) {
		lw_tree *t = spare[--nspare];

		free(t->spill.data);
		tree_destroy(t);
	}
}

/* c's node, or -1. */
static int tree_find(const lw_tree *t, CXCursor c)
{
	size_t h;

	if (!t || !t->node.len)
		return -1;
	for (h = cursor_hash(c) & (t->cap - 1); t->slot[h]; h = (h + 1) & (t->cap - 1))
		if (cursor_same(t->node.data[t->slot[h] - 1], c))
			return t->slot[h] - 1;
	return -1;
}

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent, CXClientData d)
{
	vec_push((cursors *)d, c);
	return CXChildVisit_Continue;
}

/* c's children, borrowed: they live as long as the function's lowering. */
cursors lw_children(CXCursor c)
{
	int i = tree_find(tree, c);
	cursors v = { 0 };

	if (i >= 0)
		return (cursors){ tree->kids + tree->kid0[i], (size_t)tree->nkids[i], 0 };
	clang_visitChildren(c, collect, &v);
	if (tree && v.data)
		vec_push(&tree->spill, v.data);
	return v;
}

/*
 * The function a call names, even as `(f)(x)`, `(*f)(x)` or `(&f)(x)`: a
 * function designator, however dereferenced, is no function pointer
 * variable.  Otherwise what libclang says the call refers to.
 */
CXCursor lw_callee(CXCursor c)
{
	CXCursor r = clang_getCursorReferenced(c), e;
	cursors k;

	if (lw_kind(r) == CXCursor_FunctionDecl || !(k = lw_children(c)).len)
		return r;
	for (e = lw_strip(k.data[0]); lw_kind(e) == CXCursor_UnaryOperator; e = lw_strip(k.data[0])) {
		enum CXUnaryOperatorKind u = clang_getCursorUnaryOperatorKind(e);

		if ((u != CXUnaryOperator_Deref && u != CXUnaryOperator_AddrOf) ||
		    !(k = lw_children(e)).len)
			return r;
	}
	if (lw_kind(e) == CXCursor_DeclRefExpr &&
	    lw_kind(clang_getCursorReferenced(e)) == CXCursor_FunctionDecl)
		return clang_getCursorReferenced(e);
	return r;
}

/* The expression c is an operand of, or a null cursor when the tree does not hold c. */
CXCursor lw_parent(CXCursor c)
{
	int i = tree_find(tree, c);

	return i > 0 ? tree->node.data[tree->parent.data[i]] : clang_getNullCursor();
}

/* c's children in a vector of the caller's own, to free. */
cursors lw_kids(CXCursor c)
{
	cursors b = lw_children(c), v = { 0 };

	v.data = xmalloc((b.len + 1) * sizeof *v.data);
	if (b.len)
		memcpy(v.data, b.data, b.len * sizeof *v.data);
	v.len = v.cap = b.len;
	return v;
}

static bool walk_node(int i, CXCursorVisitor visit, CXClientData d)
{
	for (int k = tree->kid0[i], e = k + tree->nkids[i]; k < e; k++)
		switch (visit(tree->kids[k], tree->node.data[i], d)) {
		case CXChildVisit_Break:
			return true;
		case CXChildVisit_Recurse:
			if (walk_node(tree->kidx[k], visit, d))
				return true;
			break;
		default:
			break;
		}
	return false;
}

/* clang_visitChildren(c, visit, d), from the tree when it holds c. */
void lw_walk(CXCursor c, CXCursorVisitor visit, CXClientData d)
{
	int i = tree_find(tree, c);

	if (i < 0)
		clang_visitChildren(c, visit, d);
	else
		walk_node(i, visit, d);
}

enum CXCursorKind lw_kind(CXCursor c)
{
	return c.kind; /* what clang_getCursorKind() returns, without the call */
}

/* Statement cursors reached by different routes differ in context: compare places. */
bool lw_same_label(CXCursor a, CXCursor b)
{
	return clang_equalLocations(clang_getCursorLocation(a), clang_getCursorLocation(b));
}

/* A value vtlint tracks: a vtask, or a vt_task * reference (VT007). */
bool lw_cursor_is_vtask(CXCursor c)
{
	CXType t = clang_getCursorType(c);

	return vt_is_vtask_type(t) || vt_is_task_ptr_type(t);
}

bool lw_cursor_is_task(CXCursor c)
{
	return vt_is_task_ptr_type(clang_getCursorType(c));
}

/* Looks through parentheses and implicit conversions (one-child UnexposedExpr). */
CXCursor lw_strip(CXCursor c)
{
	for (;;) {
		enum CXCursorKind k = lw_kind(c);
		cursors v;

		if (k != CXCursor_ParenExpr && k != CXCursor_UnexposedExpr)
			return c;
		v = lw_children(c);
		if (v.len != 1 || !clang_isExpression(lw_kind(v.data[0]))) {
			return c;
		}
		c = v.data[0];
	}
}

char *lw_spelling(CXCursor c)
{
	CXString s = clang_getCursorSpelling(c);
	char *r = xstrdup(clang_getCString(s));

	clang_disposeString(s);
	return r;
}

bool lw_name_is(CXCursor c, const char *const *names)
{
	CXString s = clang_getCursorSpelling(c);
	const char *n = clang_getCString(s);
	bool r = false;

	for (; *names && !r; names++)
		r = strcmp(n, *names) == 0;
	clang_disposeString(s);
	return r;
}

/* A call of the function called name (a builtin such as __builtin_expect). */
bool lw_is_call_to(CXCursor c, const char *name)
{
	const char *const names[] = { name, NULL };

	c = lw_strip(c);
	return lw_kind(c) == CXCursor_CallExpr && lw_name_is(lw_callee(c), names);
}

/* ---- places, blocks, events -------------------------------------------------------- */

static vt_loc loc_at(L *l, CXSourceLocation sl)
{
	return l->env->loc(l->env, sl);
}

vt_loc lw_loc_of(L *l, CXCursor c)
{
	return loc_at(l, clang_getCursorLocation(c));
}

/* The closing brace of a compound statement. */
vt_loc lw_loc_end(L *l, CXCursor c)
{
	vt_loc at = loc_at(l, clang_getRangeEnd(clang_getCursorExtent(c)));

	if (at.col > 1)
		at.col--;
	return at;
}

int lw_cur(L *l)
{
	if (l->cur == DEAD)
		l->cur = cfg_block(l->fn); /* unreachable code still gets lowered */
	return l->cur;
}

vt_event *lw_emit(L *l, enum vt_ev_kind k, vt_loc at)
{
	return cfg_emit(l->fn, lw_cur(l), k, at);
}

vt_edge *lw_edge_to(L *l, int to)
{
	return cfg_edge(l->fn, lw_cur(l), to);
}

void lw_jump_to(L *l, int to)
{
	if (l->cur != DEAD)
		cfg_edge(l->fn, l->cur, to);
	l->cur = DEAD;
}

int lw_block(L *l)
{
	return cfg_block(l->fn);
}

/* ---- variables ------------------------------------------------------------------ */

/* clang_equalCursors() of two declarations, without the call. */
static bool same_decl(CXCursor a, CXCursor b)
{
	return a.kind == b.kind && a.data[0] == b.data[0] && a.data[2] == b.data[2];
}

static size_t decl_slot(const L *l, CXCursor decl)
{
	size_t h = (size_t)(((uintptr_t)decl.data[0] >> 4) * 0x9E3779B97F4A7C15ULL >> 20);

	for (h &= l->var_cap - 1; l->var_slot[h]; h = (h + 1) & (l->var_cap - 1))
		if (same_decl(l->vars.data[l->var_slot[h] - 1].decl, decl))
			break;
	return h;
}

/*
 * The newest entry is the one lookups find: a big function (an interpreter's
 * loop) has hundreds of locals and names one at every turn, so they are
 * indexed rather than searched.
 */
static void add_entry(L *l, var_ent e)
{
	vec_push(&l->vars, e);
	if (2 * l->vars.len > l->var_cap) {
		free(l->var_slot);
		l->var_cap = l->var_cap ? 2 * l->var_cap : 64;
		l->var_slot = xcalloc(l->var_cap, sizeof *l->var_slot);
		for (size_t i = 0; i + 1 < l->vars.len; i++)
			l->var_slot[decl_slot(l, l->vars.data[i].decl)] = (int)i + 1;
	}
	l->var_slot[decl_slot(l, e.decl)] = (int)l->vars.len;
}

var_ent *lw_lookup(L *l, CXCursor decl)
{
	size_t h;

	if (!l->var_cap || !clang_isDeclaration(decl.kind))
		return NULL;
	h = decl_slot(l, decl);
	return l->var_slot[h] ? &l->vars.data[l->var_slot[h] - 1] : NULL;
}

/* The entry for what a DeclRefExpr (under parens and casts) names, or NULL. */
var_ent *lw_ref(L *l, CXCursor c)
{
	c = lw_strip(c);
	if (lw_kind(c) != CXCursor_DeclRefExpr)
		return NULL;
	return lw_lookup(l, clang_getCursorReferenced(c));
}

int lw_vtask_var_of(L *l, CXCursor c)
{
	var_ent *e = lw_ref(l, c);
	enum vt_var_kind k;

	if (!e || e->is_ptr || e->var < 0)
		return -1;
	k = l->fn->vars.data[e->var].kind;
	return k == VAR_INT || k == VAR_SOURCE ? -1 : e->var;
}

int lw_int_var_of(L *l, CXCursor c)
{
	var_ent *e = lw_ref(l, c);

	if (!e || e->is_ptr || e->var < 0)
		return -1;
	return l->fn->vars.data[e->var].kind == VAR_INT ? e->var : -1;
}

static bool is_signed_kind(enum CXTypeKind k);
static CXType int_type(CXType t);

/* The values an integer type holds, when narrower than the facts' 64 bits. */
static void type_domain(CXType t, vt_var *v)
{
	long long size;

	t = int_type(t);
	size = clang_Type_getSizeOf(t);
	if (t.kind == CXType_Bool) {
		v->lo = 0;
		v->hi = 1;
	} else if (t.kind > CXType_Bool && t.kind <= CXType_Int128 && size > 0 && size < 8) {
		v->lo = is_signed_kind(t.kind) ? -((int64_t)1 << (8 * size - 1)) : 0;
		v->hi = is_signed_kind(t.kind) ? ((int64_t)1 << (8 * size - 1)) - 1
					       : ((int64_t)1 << (8 * size)) - 1;
	}
}

int lw_add_var(L *l, CXCursor decl, enum vt_var_kind k)
{
	char *name = lw_spelling(decl);
	int v = cfg_var(l->fn, name, k, lw_loc_of(l, decl));
	var_ent e = { .decl = decl, .var = v, .fact = -1 };

	free(name);
	if (k == VAR_INT)
		type_domain(clang_getCursorType(decl), &l->fn->vars.data[v]);
	add_entry(l, e);
	if (k == VAR_VTASK || k == VAR_PARAM)
		vec_push(&l->scopes.data[l->scope].vars, v);
	return v;
}

/* A vtask * local: which vtask it names is a per-path fact (EV_POINT). */
int lw_add_ptr(L *l, CXCursor decl)
{
	char *name = lw_spelling(decl);
	int v = cfg_var(l->fn, name, VAR_PTR, lw_loc_of(l, decl));
	var_ent e = { .decl = decl, .var = v, .fact = -1, .is_ptr = true };

	free(name);
	add_entry(l, e);
	return v;
}

/* ptr now names what target names (-1: nothing vtlint follows). */
void lw_point(L *l, int ptr, int target, vt_loc at)
{
	vt_event *e = lw_emit(l, EV_POINT, at);

	e->dst = ptr;
	e->src = target;
}

int lw_temp(L *l, vt_loc at)
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
void lw_drop_temps(L *l, size_t mark, vt_loc at)
{
	while (l->temps_live.len > mark) {
		int t = l->temps_live.data[--l->temps_live.len];

		lw_emit(l, EV_DROP, at)->src = t;
		vec_push(&l->temps_free, t);
	}
}

/* ---- __attribute__((cleanup(f))): f(&x) where x leaves its scope ------------------- */

struct fn_find { const char *name; CXCursor found; };

static enum CXChildVisitResult find_fn_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	struct fn_find *f = d;
	const char *const names[] = { f->name, NULL };

	if (lw_kind(c) == CXCursor_FunctionDecl && lw_name_is(c, names)) {
		CXCursor def = clang_getCursorDefinition(c);

		f->found = vt_cursor_null(def) ? c : def;
		if (!vt_cursor_null(def))
			return CXChildVisit_Break;
	}
	return CXChildVisit_Continue;
}

/*
 * The function a local's cleanup attribute names: libclang exposes the
 * attribute without its argument, so read it from the declaration as the
 * AST prints it (macros expanded), then find that function in the unit.
 */
static CXCursor cleanup_fn(L *l, CXCursor decl)
{
	CXPrintingPolicy pol = clang_getCursorPrintingPolicy(decl);
	CXString pp;
	const char *s;
	char name[256];
	struct fn_find f = { name, clang_getNullCursor() };
	size_t n = 0;

	clang_PrintingPolicy_setProperty(pol, CXPrintingPolicy_TerseOutput, 1);
	pp = clang_getCursorPrettyPrinted(decl, pol);
	s = strstr(clang_getCString(pp), "cleanup(");
	if (s)
		for (s += 8; n + 1 < sizeof name && (isalnum((unsigned char)*s) || *s == '_'); s++)
			name[n++] = *s;
	name[n] = 0;
	clang_disposeString(pp);
	clang_PrintingPolicy_dispose(pol);
	if (n)
		clang_visitChildren(clang_getTranslationUnitCursor(l->env->tu), find_fn_visit, &f);
	return f.found;
}

/* Remembers the cleanup function of vtask local v (declared by decl), if it has one. */
void lw_note_cleanup(L *l, CXCursor decl, int v)
{
	cursors k = lw_children(decl);
	bool attr = false;

	for (size_t i = 0; i < k.len; i++)
		attr |= clang_isAttribute(lw_kind(k.data[i]));
	if (attr) {
		struct cleanup c = { .var = v, .fn = cleanup_fn(l, decl) };

		if (!vt_cursor_null(c.fn))
			vec_push(&l->cleanups, c);
	}
}

/* In block, where v leaves its scope: its cleanup function is called with &v. */
static void run_cleanup(L *l, int block, int v, vt_loc at)
{
	for (size_t i = 0; i < l->cleanups.len; i++) {
		vt_summary *sum;
		vt_event *e;

		if (l->cleanups.data[i].var != v)
			continue;
		sum = l->env->summary(l->env, l->cleanups.data[i].fn);
		if (sum && sum->nparams > 0 && sum->param[0].is_out) {
			e = cfg_emit(l->fn, block, EV_CALLREF, at);
			e->sum = sum;
			e->arg = 0;
		} else {
			e = cfg_emit(l->fn, block, EV_ESCAPE, at); /* unseen: handed over */
		}
		e->src = v;
	}
}

/* ---- scopes and jumps ------------------------------------------------------------- */

void lw_push_scope(L *l)
{
	scope s = { .parent = l->scope };

	vec_push(&l->scopes, s);
	l->scope = (int)l->scopes.len - 1;
}

static void drop_scope_vars(L *l, int block, int sc, vt_loc at)
{
	scope *s = &l->scopes.data[sc];

	for (size_t i = s->vars.len; i-- > 0;) {
		run_cleanup(l, block, s->vars.data[i], at);
		cfg_emit(l->fn, block, EV_DROP, at)->src = s->vars.data[i];
	}
}

void lw_pop_scope(L *l, vt_loc at)
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
void lw_leave_scopes(L *l, int block, int sc, int keep, vt_loc at)
{
	for (; sc >= 0 && !scope_within(l, keep, sc); sc = l->scopes.data[sc].parent)
		drop_scope_vars(l, block, sc, at);
}

/* ---- constants -------------------------------------------------------------------- */

static enum CXChildVisitResult ice_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	bool *ok = d;
	enum CXCursorKind k = lw_kind(c);

	switch (k) {
	case CXCursor_IntegerLiteral: case CXCursor_CharacterLiteral:
	case CXCursor_TypeRef: case CXCursor_UnaryExpr:
		return CXChildVisit_Continue;
	case CXCursor_DeclRefExpr:
		if (lw_kind(clang_getCursorReferenced(c)) != CXCursor_EnumConstantDecl)
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

/* NULL, `(void *)0`, `0` as a pointer: a null pointer constant. */
static bool null_pointer_constant(CXCursor c)
{
	CXType t = clang_getCanonicalType(clang_getCursorType(c));
	CXCursor in;

	if (t.kind != CXType_Pointer)
		return false;
	while (!vt_cursor_null(in = lw_cast_operand(c)))
		c = in;
	if (lw_kind(c) == CXCursor_GNUNullExpr)
		return true;
	if (lw_kind(c) != CXCursor_IntegerLiteral)
		return false;
	{
		CXEvalResult r = clang_Cursor_Evaluate(c);
		bool zero = r && clang_EvalResult_getAsLongLong(r) == 0;

		if (r)
			clang_EvalResult_dispose(r);
		return zero;
	}
}

/* An integer constant expression after macro expansion (rules.md): literals, enumerators, sizeof. */
bool lw_constant(CXCursor c, int64_t *out)
{
	bool ok = true;
	CXEvalResult r;

	c = lw_strip(c);
	if (null_pointer_constant(c)) {
		*out = 0;
		return true;
	}
	if (lw_kind(c) == CXCursor_UnaryOperator) {
		enum CXUnaryOperatorKind u = clang_getCursorUnaryOperatorKind(c);

		if (u != CXUnaryOperator_Minus && u != CXUnaryOperator_Plus &&
		    u != CXUnaryOperator_Not && u != CXUnaryOperator_LNot)
			return false;
	}
	if (lw_kind(c) != CXCursor_UnaryExpr)
		ice_visit(c, c, &ok) == CXChildVisit_Recurse ? (lw_walk(c, ice_visit, &ok), 0)
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


/* ---- casts that keep every value ------------------------------------------------- */

static bool is_signed_kind(enum CXTypeKind k)
{
	return k == CXType_Char_S || k == CXType_SChar || k == CXType_Short || k == CXType_Int ||
	       k == CXType_Long || k == CXType_LongLong || k == CXType_Int128;
}

/* The integer type behind an enum; pointers and integers as they are. */
static CXType int_type(CXType t)
{
	t = clang_getCanonicalType(t);
	if (t.kind == CXType_Enum)
		t = clang_getCanonicalType(clang_getEnumDeclIntegerType(clang_getTypeDeclaration(t)));
	return t;
}

/* A conversion from `from` to `to` keeps every value (rules.md: a test seen through it). */
bool lw_keeps_values(CXType from, CXType to)
{
	long long sf, st;

	from = int_type(from);
	to = int_type(to);
	if (from.kind == CXType_Pointer || to.kind == CXType_Pointer)
		return from.kind == to.kind;
	if (to.kind == CXType_Bool)
		return from.kind == CXType_Bool;
	if (from.kind < CXType_Bool || from.kind > CXType_Int128 || to.kind < CXType_Bool ||
	    to.kind > CXType_Int128)
		return false;
	sf = clang_Type_getSizeOf(from);
	st = clang_Type_getSizeOf(to);
	if (sf <= 0 || st <= 0)
		return false;
	if (from.kind == CXType_Bool)
		return true;
	if (is_signed_kind(to.kind))
		return is_signed_kind(from.kind) ? st >= sf : st > sf;
	return !is_signed_kind(from.kind) && st >= sf;
}

/* The operand of an explicit cast (c stripped), or a null cursor. */
CXCursor lw_cast_operand(CXCursor c)
{
	cursors v;
	CXCursor r = clang_getNullCursor();

	if (lw_kind(c) != CXCursor_CStyleCastExpr)
		return r;
	v = lw_children(c);
	if (v.len)
		r = lw_strip(v.data[v.len - 1]);
	return r;
}

/* Looks through parentheses, implicit conversions and casts that keep every value. */
CXCursor lw_strip_value(CXCursor c)
{
	for (;;) {
		CXCursor in;

		c = lw_strip(c);
		in = lw_cast_operand(c);
		if (vt_cursor_null(in) ||
		    !lw_keeps_values(clang_getCursorType(in), clang_getCursorType(c)))
			return c;
		c = in;
	}
}

/* A truth value: a bool, a comparison, `!`, `&&` or `||` (compared with true as itself). */
bool lw_is_truth_value(CXCursor c)
{
	c = lw_strip_value(c);
	if (clang_getCanonicalType(clang_getCursorType(c)).kind == CXType_Bool)
		return true;
	if (lw_kind(c) == CXCursor_UnaryOperator)
		return clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_LNot;
	if (lw_kind(c) == CXCursor_BinaryOperator) {
		enum CXBinaryOperatorKind b = clang_getCursorBinaryOperatorKind(c);

		return (b >= CXBinaryOperator_LT && b <= CXBinaryOperator_NE) ||
		       b == CXBinaryOperator_LAnd || b == CXBinaryOperator_LOr;
	}
	return false;
}

/* The int local a test reads, seen through value-keeping casts, or -1. */
int lw_test_var(L *l, CXCursor c)
{
	int v = lw_int_var_of(l, lw_strip_value(c));

	return v >= 0 ? v : lw_task_fact_of(l, c);
}

/*
 * A vt_task * local is a pointer local too: its tests against NULL and the
 * constants assigned to it are facts (rules.md), kept on a companion int
 * variable beside the reference VT007 tracks.
 */
int lw_task_fact_of(L *l, CXCursor c)
{
	var_ent *e = lw_ref(l, lw_strip_value(c));

	return e && !e->is_ptr ? e->fact : -1;
}

void lw_add_task_fact(L *l, CXCursor decl)
{
	var_ent *e = &l->vars.data[l->vars.len - 1];
	char *name = lw_spelling(decl);

	e->fact = cfg_var(l->fn, name, VAR_INT, lw_loc_of(l, decl));
	free(name);
}

/* After `t = rhs` (rhs already lowered): t == K when rhs is the constant K, else unknown. */
void lw_set_task_fact(L *l, int fact, CXCursor rhs, vt_loc at)
{
	int64_t k;
	vt_event *e;

	if (fact < 0)
		return;
	if (vt_cursor_null(rhs) || !lw_constant(lw_strip(rhs), &k)) {
		lw_forget(l, fact, at);
		return;
	}
	e = lw_emit(l, EV_SETK, at);
	e->dst = fact;
	e->k = k;
	e->src = -1;
}

/*
 * What c tests the truth of, when that is another expression: the operand of
 * a cast to bool or of a cast that keeps every value, the first argument of
 * __builtin_expect (likely(), unlikely()).  A null cursor otherwise.
 */
CXCursor lw_truth_operand(CXCursor c)
{
	CXCursor in = lw_cast_operand(c);

	if (!vt_cursor_null(in)) {
		CXType to = clang_getCanonicalType(clang_getCursorType(c));

		if (to.kind == CXType_Bool || lw_keeps_values(clang_getCursorType(in), to))
			return in;
		return clang_getNullCursor();
	}
	if (lw_is_call_to(c, "__builtin_expect") && clang_Cursor_getNumArguments(c) == 2)
		return lw_strip(clang_Cursor_getArgument(c, 0));
	return clang_getNullCursor();
}

/*
 * The call under a truth value built from it: parentheses, truth casts,
 * __builtin_expect, `!` and comparisons with 0, false or true; *neg tells
 * whether the value is the call's negation.
 */
CXCursor lw_peel_truth(CXCursor c, bool *neg)
{
	for (;;) {
		CXCursor in;
		cursors k;
		int64_t K;
		int side;

		c = lw_strip(c);
		in = lw_truth_operand(c);
		if (!vt_cursor_null(in)) {
			c = in;
			continue;
		}
		if (lw_kind(c) == CXCursor_UnaryOperator &&
		    clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_LNot) {
			k = lw_children(c);
			*neg = !*neg;
			c = k.data[0];
			continue;
		}
		if (lw_kind(c) != CXCursor_BinaryOperator ||
		    (clang_getCursorBinaryOperatorKind(c) != CXBinaryOperator_EQ &&
		     clang_getCursorBinaryOperatorKind(c) != CXBinaryOperator_NE))
			return c;
		k = lw_children(c);
		side = k.len != 2 ? -1 : lw_constant(k.data[1], &K) ? 0 :
			lw_constant(k.data[0], &K) ? 1 : -1;
		if (side < 0 || (K != 0 && !(K == 1 && lw_is_truth_value(k.data[side])))) {
			return c;
		}
		if ((K == 0) == (clang_getCursorBinaryOperatorKind(c) == CXBinaryOperator_EQ))
			*neg = !*neg;
		in = k.data[side];
		c = in;
	}
}

/* ---- addresses ------------------------------------------------------------------- */

/* x when c is &x, or a vtask * local (naming a vtask per path), or a vtask * parameter (its *p). */
int lw_addr_target(L *l, CXCursor c)
{
	var_ent *e;

	c = lw_strip(c);
	while (lw_kind(c) == CXCursor_CStyleCastExpr) {
		cursors v = lw_children(c);

		c = lw_strip(v.data[v.len - 1]);
	}
	if (lw_kind(c) == CXCursor_UnaryOperator &&
	    clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_AddrOf) {
		cursors v = lw_children(c);
		int x = v.len ? lw_vtask_var_of(l, v.data[0]) : -1;

		return x;
	}
	e = lw_ref(l, c);
	if (e && e->is_ptr)
		return e->var; /* the engine knows, per path, which vtask it names */
	if (e && e->var >= 0 && l->fn->vars.data[e->var].kind == VAR_OUT)
		return e->var;
	return -1;
}


/* `c ? &a : &b` (also nested, or mixed with pointer locals): addresses per arm. */
static bool addr_conditional(L *l, CXCursor c, cursors *k)
{
	c = lw_strip(c);
	if (lw_kind(c) != CXCursor_ConditionalOperator)
		return false;
	*k = lw_children(c);
	if (k->len == 3 && lw_addr_value_like(l, k->data[1]) && lw_addr_value_like(l, k->data[2]))
		return true;
	return false;
}

/* c is an address lw_addr_value can follow (no lowering done). */
bool lw_addr_value_like(L *l, CXCursor c)
{
	cursors k;

	if (lw_addr_target(l, c) >= 0)
		return true;
	if (!addr_conditional(l, c, &k))
		return false;
	return true;
}

/*
 * An address as a value: lowers c and returns the variable naming its
 * vtask, or -1.  For `c ? &a : &b` the CFG branches: a pointer temporary
 * names a on one arm and b on the other, then the arms join.
 */
int lw_addr_value(L *l, CXCursor c)
{
	cursors k;
	int t, f, j, p;

	if (!addr_conditional(l, c, &k))
		return lw_addr_target(l, c);
	t = lw_block(l);
	f = lw_block(l);
	j = lw_block(l);
	p = cfg_var(l->fn, "(pointer)", VAR_PTR, lw_loc_of(l, c));
	lw_cond(l, k.data[0], t, f);
	for (int side = 1; side <= 2; side++) {
		l->cur = side == 1 ? t : f;
		lw_point(l, p, lw_addr_value(l, k.data[side]), lw_loc_of(l, k.data[side]));
		lw_jump_to(l, j);
	}
	l->cur = j;
	return p;
}

/* ---- vt_sources (VT006): the names a function gives them ---------------------------- */

/* "p->pool.src" for a member chain rooted at a parameter; false when it is not. */
bool lw_member_name(CXCursor c, char *buf, size_t n)
{
	cursors k;
	bool ok;
	char *m;

	c = lw_strip(c);
	if (lw_kind(c) == CXCursor_DeclRefExpr) {
		if (lw_kind(clang_getCursorReferenced(c)) != CXCursor_ParmDecl)
			return false; /* rules.md: a member reached through a parameter */
		m = lw_spelling(c);
		snprintf(buf, n, "%s", m);
		free(m);
		return true;
	}
	if (lw_kind(c) != CXCursor_MemberRefExpr)
		return false;
	k = lw_children(c);
	ok = k.len == 1 && lw_member_name(k.data[0], buf, n);
	if (ok) {
		size_t len = strlen(buf);
		bool arrow = clang_getCanonicalType(clang_getCursorType(k.data[0])).kind == CXType_Pointer;

		m = lw_spelling(c);
		snprintf(buf + len, n - len, "%s%s", arrow ? "->" : ".", m);
		free(m);
	}
	return ok;
}

/* The source variable for `&p->m` (made the first time the function names it). */
static int member_source(L *l, CXCursor member)
{
	char name[256];

	if (!lw_member_name(member, name, sizeof name))
		return -1;
	return lw_named_source(l, name, lw_chain_param(member), lw_loc_of(l, member));
}

/* The source an argument names: s (a vt_source * local or parameter), &src, &p->m; or -1. */
int lw_source_of(L *l, CXCursor a)
{
	var_ent *e;
	cursors k;
	int r = -1;

	a = lw_strip(a);
	if (lw_kind(a) == CXCursor_UnaryOperator &&
	    clang_getCursorUnaryOperatorKind(a) == CXUnaryOperator_AddrOf) {
		k = lw_children(a);
		if (k.len && lw_kind(lw_strip(k.data[0])) == CXCursor_MemberRefExpr) {
			/* only a member that is a source: `&p->count` names no source */
			if (vt_is_source_type(clang_getCursorType(k.data[0])))
				r = member_source(l, k.data[0]);
		} else if (k.len) {
			r = lw_source_of(l, k.data[0]);
		}
		return r;
	}
	e = lw_ref(l, a);
	if (e && !e->is_ptr && e->var >= 0 && l->fn->vars.data[e->var].kind == VAR_SOURCE)
		return e->var;
	return -1;
}

/* ---- locals whose address is taken: what may change them ---------------------------- */

static enum CXChildVisitResult addr_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	cursors *out = d;

	if (lw_kind(c) == CXCursor_UnaryOperator &&
	    clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_AddrOf) {
		cursors k = lw_children(c);
		CXCursor s = k.len ? lw_strip(k.data[0]) : clang_getNullCursor();

		if (!vt_cursor_null(s) && lw_kind(s) == CXCursor_DeclRefExpr)
			vec_push(out, clang_getCursorReferenced(s));
	}
	return CXChildVisit_Recurse;
}

/* Every variable whose address c takes (&x anywhere inside it). */
cursors lw_addresses_in(CXCursor c)
{
	cursors v = { 0 };

	addr_visit(c, c, &v);
	lw_walk(c, addr_visit, &v);
	return v;
}

/* A write through a pointer may change any int local whose address was taken. */
void lw_forget_aliased(L *l, vt_loc at)
{
	for (size_t i = 0; i < l->aliased.len; i++) {
		var_ent *e = lw_lookup(l, l->aliased.data[i]);

		if (e && !e->is_ptr && e->var >= 0 && l->fn->vars.data[e->var].kind == VAR_INT)
			lw_forget(l, e->var, at);
	}
}

/* The int locals in c whose address leaves the function here (a call's argument, a store). */
void lw_note_escapes(L *l, CXCursor c)
{
	cursors v = lw_addresses_in(c);

	for (size_t i = 0; i < v.len; i++) {
		var_ent *e = lw_lookup(l, v.data[i]);
		bool have = false;

		if (!e || e->is_ptr || e->var < 0 || l->fn->vars.data[e->var].kind != VAR_INT)
			continue;
		for (size_t j = 0; j < l->escaped.len; j++)
			have |= l->escaped.data[j] == e->var;
		if (!have)
			vec_push(&l->escaped, e->var);
	}
	free(v.data);
}

/* Any call may run code (another fiber, a hook) that writes an escaped local. */
void lw_forget_escaped(L *l, vt_loc at)
{
	for (size_t i = 0; i < l->escaped.len; i++)
		lw_forget(l, l->escaped.data[i], at);
}

/* ---- functions that cannot touch a vtask ------------------------------------------------ */

/* The runtime's struct types every event is made of (a vtask, VT007's vt_task, VT006's vt_source). */
static const char *const runtime_structs[] = { "vtask", "vt_task", "vt_source", NULL };

enum { RT_MEMO = 64 }; /* a direct-mapped memo of the types met: a function has few */

typedef struct rt_scan {
	VEC(struct rt_record { unsigned hash; CXCursor decl; bool runtime; }) seen;
	struct { CXType t; bool set, runtime; } memo[RT_MEMO];
	bool found;
} rt_scan;

/* A record type is the runtime's by its name, as vt_struct_named() decides; each asked once. */
static bool record_is_runtime(rt_scan *s, CXType t)
{
	CXCursor d = clang_getTypeDeclaration(t);
	unsigned h = clang_hashCursor(d);
	struct rt_record r = { .hash = h, .decl = d };

	for (size_t i = 0; i < s->seen.len; i++)
		if (s->seen.data[i].hash == h && clang_equalCursors(s->seen.data[i].decl, d))
			return s->seen.data[i].runtime;
	for (size_t i = 0; runtime_structs[i] && !r.runtime; i++)
		r.runtime = vt_struct_named(t, runtime_structs[i]);
	vec_push(&s->seen, r);
	return r.runtime;
}

static bool type_is_runtime(rt_scan *s, CXType t);

/* A function type returns or takes one (a call through it may make one out of a void *). */
static bool fn_type_is_runtime(rt_scan *s, CXType t)
{
	int n = clang_getNumArgTypes(t);

	if (type_is_runtime(s, clang_getResultType(t)))
		return true;
	for (int i = 0; i < n; i++)
		if (type_is_runtime(s, clang_getArgType(t, (unsigned)i)))
			return true;
	return false;
}

/* t is or holds (by pointer or array) one of the runtime's types, or is a function type that does. */
static bool type_decides(rt_scan *s, CXType t)
{
	for (;;) {
		t = clang_getCanonicalType(t);
		switch (t.kind) {
		case CXType_Pointer:
			t = clang_getPointeeType(t);
			break;
		case CXType_ConstantArray:
		case CXType_IncompleteArray:
		case CXType_VariableArray:
		case CXType_DependentSizedArray:
			t = clang_getArrayElementType(t);
			break;
		case CXType_Atomic:
			t = clang_Type_getValueType(t);
			break;
		case CXType_FunctionProto:
		case CXType_FunctionNoProto:
			return fn_type_is_runtime(s, t);
		case CXType_Record:
			return record_is_runtime(s, t);
		default:
			return false;
		}
	}
}

static bool type_is_runtime(rt_scan *s, CXType t)
{
	size_t h;

	if (t.kind == CXType_Invalid || (t.kind >= CXType_FirstBuiltin && t.kind <= CXType_LastBuiltin))
		return false;
	h = (((uintptr_t)t.data[0] >> 4) ^ ((uintptr_t)t.data[1] >> 4) ^ (uintptr_t)t.kind) % RT_MEMO;
	if (s->memo[h].set && s->memo[h].t.kind == t.kind && s->memo[h].t.data[0] == t.data[0] &&
	    s->memo[h].t.data[1] == t.data[1])
		return s->memo[h].runtime;
	s->memo[h].runtime = type_decides(s, t);
	s->memo[h].t = t;
	s->memo[h].set = true;
	return s->memo[h].runtime;
}

static enum CXChildVisitResult rt_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	rt_scan *s = d;

	enum CXCursorKind k = lw_kind(c);

	(void)parent;
	if ((clang_isExpression(k) || clang_isDeclaration(k)) &&
	    type_is_runtime(s, clang_getCursorType(c))) {
		s->found = true;
		return CXChildVisit_Break;
	}
	return CXChildVisit_Recurse;
}

/*
 * Whether anything in the function (parameters, declarations, expressions)
 * has one of the runtime's types, or a parameter reaches a vt_source (the
 * function may hand it to one that resets it, which its summary must say).
 * Every event but an int local's facts names a value of such a type, so a
 * function with none makes no finding and its summary says nothing of any
 * parameter; when it returns no scalar
 * either (callers' tests select nothing by its result), its body need not
 * be lowered.  One walk, stopped at the first such cursor.
 */
bool vt_touches_runtime(CXCursor fn)
{
	rt_scan s = { 0 };

	if (type_is_runtime(&s, clang_getCursorType(fn)) || vt_takes_vtasks(fn))
		s.found = true;
	else
		lw_walk(fn, rt_visit, &s);
	free(s.seen.data);
	return s.found;
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

		if (vt_is_vtask_type(t) || vt_is_task_ptr_type(t))
			k = VAR_PARAM;
		else if (vt_is_source_type(t))
			k = VAR_SOURCE;
		else if (vt_is_vtask_ptr_type(t))
			k = VAR_OUT;
		else if (vt_is_scalar_type(t))
			k = VAR_INT;
		else
			continue;
		v = lw_add_var(l, p, k);
		l->fn->vars.data[v].param = i;
		if (k == VAR_INT) {
			lw_forget(l, v, lw_loc_of(l, p)); /* any value of its type */
			continue;
		}
		if (k == VAR_SOURCE)
			continue;
		e = lw_emit(l, EV_BIRTH, lw_loc_of(l, p));
		e->dst = v;
		e->flags = k == VAR_PARAM ? OP_PARAM : OP_CALLER;
		if (vt_is_task_ptr_type(t)) {
			e->flags |= OP_TASK;
			l->fn->vars.data[v].task = true;
		}
		e->arg = i;
		l->fn->vars.data[v].birth = e->id;
	}
}

static void lower_free(L *l)
{
	for (size_t i = 0; i < l->scopes.len; i++)
		free(l->scopes.data[i].vars.data);
	free(l->scopes.data);
	free(l->vars.data);
	free(l->var_slot);
	free(l->labels.data);
	free(l->gotos.data);
	free(l->targets.data);
	free(l->temps_live.data);
	free(l->temps_free.data);
	free(l->aliased.data);
	free(l->cleanups.data);
	free(l->sources.data);
	free(l->plain_sources.data);
	free(l->escaped_sources.data);
	free(l->escaped.data);
}

vt_func *vt_lower(vt_lower_env *env, CXCursor fn)
{
	L l = { .env = env, .scope = -1, .cond_mark = -1, .ret_to = -1 };
	char *name = lw_spelling(fn);
	lw_tree *outer = tree; /* a callee lowered on demand, in the middle of its caller */
	cursors k;
	CXCursor body;

	tree = tree_new(fn);
	k = lw_children(fn);
	body = k.len ? k.data[k.len - 1] : clang_getNullCursor();
	l.body = body;

	l.fn = cfg_new(name, lw_loc_of(&l, fn));
	free(name);
	l.cur = l.fn->entry;
	lw_push_scope(&l);
	params(&l, fn);
	if (vt_is_scalar_type(clang_getCursorResultType(fn)) &&
	    !vt_is_task_ptr_type(clang_getCursorResultType(fn))) {
		l.fn->ret = cfg_var(l.fn, "(return)", VAR_INT, l.fn->loc);
		type_domain(clang_getCursorResultType(fn), &l.fn->vars.data[l.fn->ret]);
	}
	if (lw_kind(body) == CXCursor_CompoundStmt)
		l.fn->end = lw_loc_end(&l, body);
	if (lw_kind(body) == CXCursor_CompoundStmt &&
	    (env->lower_all || l.fn->ret >= 0 || vt_touches_runtime(fn))) {
		cursors a = lw_addresses_in(body);

		l.aliased.data = a.data; /* same element type: the locals a pointer may reach */
		l.aliased.len = a.len;
		l.aliased.cap = a.cap;
		lw_compound(&l, body, false);
	}
	lw_pop_scope(&l, l.fn->end);
	lw_jump_to(&l, l.fn->exit);
	lw_resolve_gotos(&l);
	lower_free(&l);
	tree_free(tree);
	tree = outer;
	return l.fn;
}
