/* state.c: one abstract path state: operations, bindings and int facts. */
#include <stdlib.h>
#include <string.h>

#include "state.h"

state *st_new(void)
{
	return xcalloc(1, sizeof(state));
}

#define COPY_VEC(dst, src)                                                     \
	do {                                                                   \
		(dst).len = (dst).cap = (src).len;                             \
		(dst).data = (src).len ? xmalloc((src).len * sizeof *(src).data) : NULL; \
		if ((src).len)                                                 \
			memcpy((dst).data, (src).data, (src).len * sizeof *(src).data); \
	} while (0)

state *st_copy(const state *s)
{
	state *c = st_new();

	COPY_VEC(c->ops, s->ops);
	COPY_VEC(c->binds, s->binds);
	COPY_VEC(c->facts, s->facts);
	return c;
}

void st_free(state *s)
{
	if (!s)
		return;
	free(s->ops.data);
	free(s->binds.data);
	free(s->facts.data);
	free(s);
}

/* ---- operations and bindings (kept sorted, so states compare element-wise) ---- */

op *st_op(state *s, int site, int gen)
{
	for (size_t i = 0; i < s->ops.len; i++)
		if (s->ops.data[i].site == site && s->ops.data[i].gen == gen)
			return &s->ops.data[i];
	return NULL;
}

bind *st_bind_of(state *s, int var)
{
	for (size_t i = 0; i < s->binds.len; i++)
		if (s->binds.data[i].var == var)
			return &s->binds.data[i];
	return NULL;
}

op *st_var_op(state *s, int var)
{
	bind *b = st_bind_of(s, var);

	return b ? st_op(s, b->site, b->gen) : NULL;
}

static int op_before(const op *a, const op *b)
{
	return a->site != b->site ? a->site < b->site : a->gen < b->gen;
}

op *st_add_op(state *s, op o)
{
	size_t i = 0;

	vec_reserve(&s->ops, 1);
	while (i < s->ops.len && op_before(&s->ops.data[i], &o))
		i++;
	memmove(&s->ops.data[i + 1], &s->ops.data[i], (s->ops.len - i) * sizeof o);
	s->ops.data[i] = o;
	s->ops.len++;
	return &s->ops.data[i];
}

void st_remove_op(state *s, int site, int gen)
{
	op *o = st_op(s, site, gen);
	size_t i, j = 0;

	if (o) {
		i = (size_t)(o - s->ops.data);
		memmove(o, o + 1, (s->ops.len - i - 1) * sizeof *o);
		s->ops.len--;
	}
	for (i = 0; i < s->binds.len; i++)
		if (!(s->binds.data[i].site == site && s->binds.data[i].gen == gen))
			s->binds.data[j++] = s->binds.data[i];
	s->binds.len = j;
}

void st_unbind(state *s, int var)
{
	bind *b = st_bind_of(s, var);

	if (b) {
		size_t i = (size_t)(b - s->binds.data);

		memmove(b, b + 1, (s->binds.len - i - 1) * sizeof *b);
		s->binds.len--;
	}
}

void st_bind(state *s, int var, const op *o)
{
	bind nb = { .var = var, .site = o->site, .gen = o->gen };
	size_t i = 0;

	st_unbind(s, var);
	vec_reserve(&s->binds, 1);
	while (i < s->binds.len && s->binds.data[i].var < var)
		i++;
	memmove(&s->binds.data[i + 1], &s->binds.data[i], (s->binds.len - i) * sizeof nb);
	s->binds.data[i] = nb;
	s->binds.len++;
}

bool st_referenced(const state *s, int site, int gen)
{
	for (size_t i = 0; i < s->binds.len; i++)
		if (s->binds.data[i].site == site && s->binds.data[i].gen == gen)
			return true;
	return false;
}

/* ---- facts about int locals ------------------------------------------------------ */

static fact *find_fact(state *s, int var)
{
	for (size_t i = 0; i < s->facts.len; i++)
		if (s->facts.data[i].var == var)
			return &s->facts.data[i];
	return NULL;
}

static fact *get_fact(state *s, int var)
{
	fact f = { .var = var, .lo = INT64_MIN, .hi = INT64_MAX, .link_site = -1 };
	size_t i = 0;
	fact *have = find_fact(s, var);

	if (have)
		return have;
	vec_reserve(&s->facts, 1);
	while (i < s->facts.len && s->facts.data[i].var < var)
		i++;
	memmove(&s->facts.data[i + 1], &s->facts.data[i], (s->facts.len - i) * sizeof f);
	s->facts.data[i] = f;
	s->facts.len++;
	return &s->facts.data[i];
}

void st_forget(state *s, int var)
{
	fact *f = find_fact(s, var);

	if (f) {
		size_t i = (size_t)(f - s->facts.data);

		memmove(f, f + 1, (s->facts.len - i - 1) * sizeof *f);
		s->facts.len--;
	}
}

bool st_link(state *s, int var, const op *o)
{
	fact *f;

	st_forget(s, var);
	f = get_fact(s, var);
	f->link_site = o->site;
	f->link_gen = o->gen;
	return true;
}

static bool excluded(const fact *f, int64_t k)
{
	for (int i = 0; i < f->nex; i++)
		if (f->ex[i] == k)
			return true;
	return false;
}

static void exclude(fact *f, int64_t k)
{
	if (k < f->lo || k > f->hi || excluded(f, k))
		return;
	if (k == f->lo)
		f->lo++;
	else if (k == f->hi)
		f->hi--;
	else if (f->nex < MAX_EXCLUDED)
		f->ex[f->nex++] = k; /* past the limit we just know less */
}

static void narrow(fact *f, enum vt_cmp op, int64_t k)
{
	switch (op) {
	case CMP_EQ:
		if (k < f->lo || k > f->hi || excluded(f, k))
			f->lo = 1, f->hi = 0; /* empty */
		else
			f->lo = f->hi = k;
		break;
	case CMP_NE: exclude(f, k); break;
	case CMP_LT: if (k == INT64_MIN) f->lo = 1, f->hi = 0; else if (k - 1 < f->hi) f->hi = k - 1; break;
	case CMP_LE: if (k < f->hi) f->hi = k; break;
	case CMP_GT: if (k == INT64_MAX) f->lo = 1, f->hi = 0; else if (k + 1 > f->lo) f->lo = k + 1; break;
	case CMP_GE: if (k > f->lo) f->lo = k; break;
	}
}

static bool feasible(const fact *f)
{
	return f->lo <= f->hi && !(f->lo == f->hi && excluded(f, f->lo));
}

/* An inspection's answer known to be non-zero: its operation has completed. */
static void settle_link(state *s, fact *f)
{
	op *o;

	if (f->link_site < 0 || (f->lo <= 0 && f->hi >= 0 && !excluded(f, 0)))
		return;
	o = st_op(s, f->link_site, f->link_gen);
	if (o)
		o->flags |= OP_DONE;
}

/* Narrows s by what taking an edge says; false when no value allows the edge. */
bool st_apply_cond(state *s, const vt_cond *c)
{
	fact *f;
	op *o;

	switch (c->kind) {
	case COND_NONE:
		return true;
	case COND_DONE:
		o = st_var_op(s, c->var);
		if (o && c->op == CMP_EQ)
			o->flags |= OP_DONE;
		return true;
	default:
		break;
	}
	f = get_fact(s, c->var);
	if (c->kind == COND_CMP) {
		narrow(f, c->op, c->lo);
	} else if (c->kind == COND_RANGE) {
		narrow(f, CMP_GE, c->lo);
		narrow(f, CMP_LE, c->hi);
	} else {
		for (size_t i = 0; i < c->nset; i++)
			exclude(f, c->set[i]);
	}
	if (!feasible(f))
		return false;
	settle_link(s, f);
	return true;
}

/* ---- comparing and merging states ------------------------------------------------ */

static bool same_op(const op *a, const op *b)
{
	return a->site == b->site && a->gen == b->gen && a->status == b->status &&
	       a->flags == b->flags && a->out == b->out;
}

bool st_same_binds(const state *a, const state *b)
{
	if (a->binds.len != b->binds.len)
		return false;
	for (size_t i = 0; i < a->binds.len; i++) {
		const bind *x = &a->binds.data[i], *y = &b->binds.data[i];

		if (x->var != y->var || x->site != y->site || x->gen != y->gen)
			return false;
	}
	return true;
}

/* Same operations in the same states held by the same variables: facts aside. */
bool st_same_shape(const state *a, const state *b)
{
	if (a->ops.len != b->ops.len || !st_same_binds(a, b))
		return false;
	for (size_t i = 0; i < a->ops.len; i++)
		if (!same_op(&a->ops.data[i], &b->ops.data[i]))
			return false;
	return true;
}

static bool allows(const fact *f, int64_t k)
{
	return k >= f->lo && k <= f->hi && !excluded(f, k);
}

static bool fact_eq(const fact *a, const fact *b)
{
	if (a->lo != b->lo || a->hi != b->hi || a->nex != b->nex ||
	    a->link_site != b->link_site || (a->link_site >= 0 && a->link_gen != b->link_gen))
		return false;
	for (int i = 0; i < a->nex; i++)
		if (a->ex[i] != b->ex[i])
			return false;
	return true;
}

/* The values either fact allows: a range, less what neither allows. */
static bool meet_fact(fact *f, const fact *g)
{
	fact old = *f, m = *f;
	int64_t cand[2 * MAX_EXCLUDED + 4];
	int n = 0;

	m.lo = f->lo < g->lo ? f->lo : g->lo;
	m.hi = f->hi > g->hi ? f->hi : g->hi;
	m.nex = 0;
	for (int i = 0; i < f->nex; i++)
		cand[n++] = f->ex[i];
	for (int i = 0; i < g->nex; i++)
		cand[n++] = g->ex[i];
	if (f->hi < INT64_MAX) cand[n++] = f->hi + 1;
	if (g->hi < INT64_MAX) cand[n++] = g->hi + 1;
	if (f->lo > INT64_MIN) cand[n++] = f->lo - 1;
	if (g->lo > INT64_MIN) cand[n++] = g->lo - 1;
	for (int i = 0; i < n; i++)
		if (!allows(f, cand[i]) && !allows(g, cand[i]))
			exclude(&m, cand[i]);
	if (f->link_site != g->link_site || f->link_gen != g->link_gen)
		m.link_site = -1;
	*f = m;
	return !fact_eq(&old, f);
}

/* into keeps only what both states know: a merge point forgets the rest. */
bool st_meet_facts(state *into, const state *from)
{
	bool changed = false;
	size_t j = 0;

	for (size_t i = 0; i < into->facts.len; i++) {
		fact *f = &into->facts.data[i];
		const fact *g = NULL;

		for (size_t k = 0; k < from->facts.len && !g; k++)
			if (from->facts.data[k].var == f->var)
				g = &from->facts.data[k];
		if (!g) {
			changed = true;
			continue;
		}
		changed |= meet_fact(f, g);
		if (f->lo != INT64_MIN || f->hi != INT64_MAX || f->nex || f->link_site >= 0)
			into->facts.data[j++] = *f;
		else
			changed = true;
	}
	into->facts.len = j;
	return changed;
}

static bool earlier(const vt_event *a, const vt_event *b)
{
	int c;

	if (!b)
		return a != NULL;
	if (!a)
		return false;
	c = vt_loc_cmp(a->loc, b->loc);
	return c < 0 || (c == 0 && a->id < b->id);
}

/* Notes name the earliest first consumption in source order (rules.md). */
bool st_keep_earliest(state *into, const state *from)
{
	bool changed = false;

	for (size_t i = 0; i < into->ops.len; i++) {
		op *o = &into->ops.data[i];
		const op *p = st_op((state *)from, o->site, o->gen);

		if (p && earlier(p->first, o->first)) {
			o->first = p->first;
			changed = true;
		}
	}
	return changed;
}

/* Past the state limit: one state for both, each operation in either's status. */
bool st_join_ops(state *into, const state *from)
{
	bool changed = false;

	for (size_t i = 0; i < into->ops.len; i++) {
		op *o = &into->ops.data[i];
		const op *p = st_op((state *)from, o->site, o->gen);
		uint8_t st, fl;

		if (!p)
			continue;
		st = o->status | p->status;
		fl = (uint8_t)((o->flags | p->flags) & ~OP_DONE) | (o->flags & p->flags & OP_DONE);
		changed |= st != o->status || fl != o->flags || (o->out | p->out) != o->out;
		o->status = st;
		o->flags = fl;
		o->out |= p->out;
	}
	return st_meet_facts(into, from) | st_keep_earliest(into, from) | changed;
}
