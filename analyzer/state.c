/* state.c: one abstract path state: operations, bindings, pointer targets and int facts. */
#include <stdlib.h>
#include <string.h>

#include "state.h"

/*
 * Freed states wait here, their arrays kept, for the next st_new or st_copy:
 * the engine makes and frees a state per block and edge it sends one over,
 * and the allocator was a quarter of its time.  One list per thread (-j);
 * st_pool_drain gives it back.
 */
enum { POOL_MAX = 16384 }; /* past it, freed states are freed */
static _Thread_local state *pool;
static _Thread_local size_t pooled;

static void free_arrays(state *s)
{
	free(s->ops.data);
	free(s->binds.data);
	free(s->ptrs.data);
	free(s->srcs.data);
	free(s->toks.data);
	free(s->facts.data);
}

void st_pool_drain(void)
{
	while (pool) {
		state *s = pool;

		pool = s->next_free;
		free_arrays(s);
		free(s);
	}
	pooled = 0;
}

state *st_new(void)
{
	state *s = pool;

	if (!s)
		return xcalloc(1, sizeof(state));
	pool = s->next_free;
	pooled--;
	s->next_free = NULL;
	return s; /* st_free emptied it */
}

/* dst = src, in dst's array when it is large enough. */
#define COPY_VEC(dst, src)                                                       \
	do {                                                                     \
		if ((dst).cap < (src).len) {                                     \
			free((dst).data);                                        \
			(dst).data = xmalloc((src).len * sizeof *(src).data);    \
			(dst).cap = (src).len;                                   \
		}                                                                \
		(dst).len = (src).len;                                           \
		if ((src).len)                                                   \
			memcpy((dst).data, (src).data, (src).len * sizeof *(src).data); \
	} while (0)

static int64_t *copy_ex(const fact *f)
{
	int64_t *ex;

	if (!f->nex)
		return NULL;
	ex = xmalloc(f->nex * sizeof *ex);
	memcpy(ex, f->ex, f->nex * sizeof *ex);
	return ex;
}

/* c's facts (none, or freed) become s's. */
static void copy_facts(state *c, const state *s)
{
	COPY_VEC(c->facts, s->facts);
	for (size_t i = 0; i < c->facts.len; i++)
		c->facts.data[i].ex = copy_ex(&s->facts.data[i]);
}

static void free_facts(state *s)
{
	for (size_t i = 0; i < s->facts.len; i++)
		free(s->facts.data[i].ex);
	s->facts.len = 0;
}

state *st_copy(const state *s)
{
	state *c = st_new();

	COPY_VEC(c->ops, s->ops);
	COPY_VEC(c->binds, s->binds);
	COPY_VEC(c->ptrs, s->ptrs);
	COPY_VEC(c->srcs, s->srcs);
	COPY_VEC(c->toks, s->toks);
	copy_facts(c, s);
	c->approx = s->approx;
	return c;
}

void st_free(state *s)
{
	if (!s)
		return;
	free_facts(s);
	if (pooled >= POOL_MAX) {
		free_arrays(s);
		free(s);
		return;
	}
	s->ops.len = s->binds.len = s->ptrs.len = s->srcs.len = s->toks.len = 0;
	s->approx = s->sent = false;
	s->next_free = pool;
	pool = s;
	pooled++;
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
	bind *b = var >= 0 ? st_bind_of(s, var) : NULL;

	return b ? st_op(s, b->site, b->gen) : NULL;
}

static int op_before(const op *a, const op *b)
{
	return a->site != b->site ? a->site < b->site : a->gen < b->gen;
}

op *st_add_op(state *s, op o)
{
	size_t i = 0;

	while (i < s->ops.len && op_before(&s->ops.data[i], &o))
		i++;
	vec_insert(&s->ops, i, o);
	return &s->ops.data[i];
}

void st_remove_op(state *s, int site, int gen)
{
	op *o = st_op(s, site, gen);
	size_t i, j = 0;

	if (o)
		vec_remove(&s->ops, (size_t)(o - s->ops.data));
	for (i = 0; i < s->binds.len; i++)
		if (!(s->binds.data[i].site == site && s->binds.data[i].gen == gen))
			s->binds.data[j++] = s->binds.data[i];
	s->binds.len = j;
}

void st_unbind(state *s, int var)
{
	bind *b = st_bind_of(s, var);

	if (b)
		vec_remove(&s->binds, (size_t)(b - s->binds.data));
}

void st_bind(state *s, int var, const op *o)
{
	bind nb = { .var = var, .site = o->site, .gen = o->gen };
	size_t i = 0;

	st_unbind(s, var);
	while (i < s->binds.len && s->binds.data[i].var < var)
		i++;
	vec_insert(&s->binds, i, nb);
}

bool st_referenced(const state *s, int site, int gen)
{
	for (size_t i = 0; i < s->binds.len; i++)
		if (s->binds.data[i].site == site && s->binds.data[i].gen == gen)
			return true;
	return false;
}

/* ---- vtask * locals: the vtask each names on this path ---------------------------- */

int st_target(const state *s, int var)
{
	for (size_t i = 0; i < s->ptrs.len; i++)
		if (s->ptrs.data[i].var == var)
			return s->ptrs.data[i].target;
	return -1;
}

void st_point(state *s, int var, int target)
{
	size_t i = 0;
	ptr p = { .var = var, .target = target };

	while (i < s->ptrs.len && s->ptrs.data[i].var < var)
		i++;
	if (i < s->ptrs.len && s->ptrs.data[i].var == var) {
		if (target >= 0)
			s->ptrs.data[i].target = target;
		else
			vec_remove(&s->ptrs, i);
		return;
	}
	if (target >= 0)
		vec_insert(&s->ptrs, i, p);
}

/* ---- vt_sources and their tokens (VT006) -------------------------------------------- */

/* var's state on this path, made (version 0, not completed) when first named. */
srcst *st_source(state *s, int var)
{
	srcst n = { .var = var };
	size_t i = 0;

	while (i < s->srcs.len && s->srcs.data[i].var < var)
		i++;
	if (i < s->srcs.len && s->srcs.data[i].var == var)
		return &s->srcs.data[i];
	vec_insert(&s->srcs, i, n);
	return &s->srcs.data[i];
}

tok *st_token(state *s, int var)
{
	for (size_t i = 0; i < s->toks.len; i++)
		if (s->toks.data[i].var == var)
			return &s->toks.data[i];
	return NULL;
}

void st_drop_token(state *s, int var)
{
	tok *t = st_token(s, var);

	if (t)
		vec_remove(&s->toks, (size_t)(t - s->toks.data));
}

static bool same_sources(const state *a, const state *b)
{
	if (a->srcs.len != b->srcs.len || a->toks.len != b->toks.len)
		return false;
	for (size_t i = 0; i < a->srcs.len; i++)
		if (a->srcs.data[i].var != b->srcs.data[i].var ||
		    a->srcs.data[i].done != b->srcs.data[i].done ||
		    a->srcs.data[i].epoch != b->srcs.data[i].epoch ||
		    a->srcs.data[i].inited != b->srcs.data[i].inited)
			return false;
	for (size_t i = 0; i < a->toks.len; i++)
		if (a->toks.data[i].var != b->toks.data[i].var ||
		    a->toks.data[i].source != b->toks.data[i].source ||
		    a->toks.data[i].epoch != b->toks.data[i].epoch ||
		    a->toks.data[i].unsure != b->toks.data[i].unsure)
			return false;
	return true;
}

/* ---- facts about int locals: a range less a sorted set of excluded values ----------- */

static const fact full = { .lo = INT64_MIN, .hi = INT64_MAX, .link_site = -1 };

static fact *find_fact(state *s, int var)
{
	for (size_t i = 0; i < s->facts.len; i++)
		if (s->facts.data[i].var == var)
			return &s->facts.data[i];
	return NULL;
}

static const fact *fact_or_full(const state *s, int var)
{
	const fact *f = find_fact((state *)s, var);

	return f ? f : &full;
}

static fact *get_fact(state *s, int var)
{
	fact f = full;
	size_t i = 0;
	fact *have = find_fact(s, var);

	if (have)
		return have;
	f.var = var;
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

		free(f->ex);
		memmove(f, f + 1, (s->facts.len - i - 1) * sizeof *f);
		s->facts.len--;
	}
}

/*
 * Only two things are read of a source's version: whether it was reset at all
 * (the summary), and whether a token is of the current version.  So version
 * 1 stands for every reset count and 0 for every stale token: a loop that
 * resets each pass then ends in one state, not one per pass.
 */
static void renumber_versions(state *s)
{
	for (size_t i = 0; i < s->srcs.len; i++) {
		srcst *src = &s->srcs.data[i];

		if (src->epoch <= 1)
			continue;
		for (size_t k = 0; k < s->toks.len; k++)
			if (s->toks.data[k].source == src->var)
				s->toks.data[k].epoch = s->toks.data[k].epoch == src->epoch;
		src->epoch = 1;
	}
}

static bool is_live(const uint64_t *live, int v)
{
	return (live[v / 64] >> (v % 64)) & 1;
}

/*
 * Drops what is known of variables not in live (a bit set by variable): facts
 * about int locals, tokens they hold, and sources' versions and completions.
 */
void st_keep_live(state *s, const uint64_t *live)
{
	for (size_t i = s->facts.len; i-- > 0;)
		if (!is_live(live, s->facts.data[i].var))
			st_forget(s, s->facts.data[i].var);
	for (size_t i = s->toks.len; i-- > 0;)
		if (!is_live(live, s->toks.data[i].var))
			vec_remove(&s->toks, i);
	for (size_t i = s->srcs.len; i-- > 0;)
		if (!is_live(live, s->srcs.data[i].var))
			vec_remove(&s->srcs, i);
	renumber_versions(s);
}

/* `x = K;`: x is K until it changes. */
void st_set_const(state *s, int var, int64_t k)
{
	fact *f;

	st_forget(s, var);
	f = get_fact(s, var);
	f->lo = f->hi = k;
}

bool st_has_fact(state *s, int var)
{
	return find_fact(s, var) != NULL;
}

/* `x = y;`: x is what y is. */
void st_copy_fact(state *s, int dst, int src)
{
	const fact *f;
	fact c;

	if (dst == src)
		return;
	st_forget(s, dst);
	f = find_fact(s, src);
	if (!f)
		return;
	c = *f;
	c.var = dst;
	c.ex = copy_ex(f);
	*get_fact(s, dst) = c;
}

bool st_link(state *s, int var, const op *o, bool neg)
{
	fact *f;

	st_forget(s, var);
	f = get_fact(s, var);
	f->link_site = o->site;
	f->link_gen = o->gen;
	f->link_neg = neg;
	return true;
}

static bool excluded(const fact *f, int64_t k)
{
	size_t lo = 0, hi = f->nex;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (f->ex[mid] == k)
			return true;
		if (f->ex[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool allows(const fact *f, int64_t k)
{
	return k >= f->lo && k <= f->hi && !excluded(f, k);
}

/* Keeps lo and hi allowed values and every excluded value strictly between them. */
static void normalize(fact *f)
{
	size_t a = 0, b = f->nex;

	while (a < b && f->ex[a] <= f->lo) {
		if (f->ex[a] == f->lo && f->lo < INT64_MAX)
			f->lo++;
		a++;
	}
	while (b > a && f->ex[b - 1] >= f->hi) {
		if (f->ex[b - 1] == f->hi && f->hi > INT64_MIN)
			f->hi--;
		b--;
	}
	if (b > a && a > 0)
		memmove(f->ex, f->ex + a, (b - a) * sizeof *f->ex);
	f->nex = b - a;
}

static void exclude(fact *f, int64_t k)
{
	size_t i = 0;

	if (!allows(f, k))
		return;
	if (k == f->lo || k == f->hi) {
		k == f->lo ? f->lo++ : f->hi--;
		normalize(f);
		return;
	}
	while (i < f->nex && f->ex[i] < k)
		i++;
	f->ex = xrealloc(f->ex, (f->nex + 1) * sizeof *f->ex);
	memmove(&f->ex[i + 1], &f->ex[i], (f->nex - i) * sizeof *f->ex);
	f->ex[i] = k;
	f->nex++;
}

static void narrow(fact *f, enum vt_cmp op, int64_t k)
{
	switch (op) {
	case CMP_EQ:
		if (!allows(f, k))
			f->lo = 1, f->hi = 0; /* empty */
		else
			f->lo = f->hi = k;
		break;
	case CMP_NE: exclude(f, k); return;
	case CMP_LT: if (k == INT64_MIN) f->lo = 1, f->hi = 0; else if (k - 1 < f->hi) f->hi = k - 1; break;
	case CMP_LE: if (k < f->hi) f->hi = k; break;
	case CMP_GT: if (k == INT64_MAX) f->lo = 1, f->hi = 0; else if (k + 1 > f->lo) f->lo = k + 1; break;
	case CMP_GE: if (k > f->lo) f->lo = k; break;
	}
	normalize(f);
}

/* An inspection's answer known: its operation has completed when the answer says so. */
static void settle_link(state *s, fact *f)
{
	bool done = f->link_neg ? (f->lo == 0 && f->hi == 0) : !allows(f, 0);
	op *o;

	if (f->link_site < 0 || !done)
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
	if (f->lo > f->hi)
		return false;
	settle_link(s, f);
	return true;
}

/* ---- comparing, uniting and joining states ------------------------------------------ */

static bool same_op(const op *a, const op *b)
{
	return a->site == b->site && a->gen == b->gen && a->status == b->status &&
	       a->flags == b->flags && a->out == b->out && a->source == b->source;
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
	if (a->ops.len != b->ops.len || a->ptrs.len != b->ptrs.len || a->approx != b->approx ||
	    !st_same_binds(a, b) || !same_sources(a, b))
		return false;
	for (size_t i = 0; i < a->ptrs.len; i++)
		if (a->ptrs.data[i].var != b->ptrs.data[i].var ||
		    a->ptrs.data[i].target != b->ptrs.data[i].target)
			return false;
	for (size_t i = 0; i < a->ops.len; i++)
		if (!same_op(&a->ops.data[i], &b->ops.data[i]))
			return false;
	return true;
}

static uint64_t mix(uint64_t h, int64_t v)
{
	return (h ^ (uint64_t)v) * 0x100000001b3ULL;
}

uint64_t st_shape_hash(const state *s)
{
	uint64_t h = mix(0xcbf29ce484222325ULL, s->approx);

	for (size_t i = 0; i < s->ops.len; i++) {
		const op *o = &s->ops.data[i];

		h = mix(mix(mix(h, o->site), o->gen | o->status << 8 | o->flags << 16 | o->out << 24),
			o->source);
	}
	for (size_t i = 0; i < s->binds.len; i++)
		h = mix(mix(mix(h, s->binds.data[i].var), s->binds.data[i].site), s->binds.data[i].gen);
	for (size_t i = 0; i < s->ptrs.len; i++)
		h = mix(mix(h, s->ptrs.data[i].var), s->ptrs.data[i].target);
	for (size_t i = 0; i < s->srcs.len; i++)
		h = mix(mix(mix(h, s->srcs.data[i].var), s->srcs.data[i].done),
			s->srcs.data[i].epoch | s->srcs.data[i].inited << 8);
	for (size_t i = 0; i < s->toks.len; i++)
		h = mix(mix(mix(h, s->toks.data[i].var), s->toks.data[i].source),
			s->toks.data[i].epoch | s->toks.data[i].unsure << 8);
	return mix(mix(mix(mix(h, (int64_t)s->ops.len), (int64_t)s->binds.len), (int64_t)s->ptrs.len),
		   (int64_t)(s->srcs.len << 20 | s->toks.len));
}

static bool same_link(const fact *a, const fact *b)
{
	return a->link_site == b->link_site &&
	       (a->link_site < 0 || (a->link_gen == b->link_gen && a->link_neg == b->link_neg));
}

static bool fact_eq(const fact *a, const fact *b)
{
	return a->lo == b->lo && a->hi == b->hi && a->nex == b->nex && same_link(a, b) &&
	       (!a->nex || !memcmp(a->ex, b->ex, a->nex * sizeof *a->ex));
}

bool st_same_facts(const state *a, const state *b)
{
	if (a->facts.len != b->facts.len)
		return false;
	for (size_t i = 0; i < a->facts.len; i++)
		if (a->facts.data[i].var != b->facts.data[i].var ||
		    !fact_eq(&a->facts.data[i], &b->facts.data[i]))
			return false;
	return true;
}

/* Every value f allows, g allows (and g's link, if any, is f's). */
static bool subset(const fact *f, const fact *g)
{
	if (f->lo < g->lo || f->hi > g->hi || (g->link_site >= 0 && !same_link(f, g)))
		return false;
	for (size_t i = 0; i < g->nex; i++)
		if (allows(f, g->ex[i]))
			return false;
	return true;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

enum { MAX_GAP = 64 }; /* a wider gap keeps the two states apart: exact, never lossy */

/* The values f or g allows, into *u, when one fact can say exactly that. */
static bool union_of(const fact *f, const fact *g, fact *u)
{
	const fact *a = f->lo <= g->lo ? f : g, *b = a == f ? g : f;
	size_t n = 0, gap = 0;
	int64_t *ex;

	if (!same_link(f, g))
		return false;
	if (a->hi < b->lo && (uint64_t)b->lo - (uint64_t)a->hi - 1 > MAX_GAP)
		return false;
	if (a->hi < b->lo)
		gap = (size_t)((uint64_t)b->lo - (uint64_t)a->hi - 1);
	ex = xmalloc((gap + f->nex + g->nex + 1) * sizeof *ex);
	for (size_t i = 0; i < gap; i++)
		ex[n++] = a->hi + 1 + (int64_t)i;
	for (size_t i = 0; i < f->nex; i++)
		if (!allows(g, f->ex[i]))
			ex[n++] = f->ex[i];
	for (size_t i = 0; i < g->nex; i++)
		if (!allows(f, g->ex[i]) && !excluded(f, g->ex[i]))
			ex[n++] = g->ex[i];
	qsort(ex, n, sizeof *ex, cmp_i64);
	*u = *f;
	u->lo = a->lo;
	u->hi = a->hi > b->hi ? a->hi : b->hi;
	u->ex = ex;
	u->nex = n;
	return true;
}

static void replace_facts(state *into, const state *from)
{
	free_facts(into);
	copy_facts(into, from);
}

/* Puts u in place of var's fact in s (none when u says nothing). */
static void put_fact(state *s, int var, fact u)
{
	fact *f;

	st_forget(s, var);
	if (u.lo == INT64_MIN && u.hi == INT64_MAX && !u.nex && u.link_site < 0) {
		free(u.ex);
		return;
	}
	f = get_fact(s, var);
	u.var = var;
	*f = u;
}

/*
 * into and from have the same shape; when one fact set can stand exactly for
 * the paths of both (one includes the other, or they differ on one local
 * whose values unite), into becomes it and the result is true (*changed when
 * into grew).  Otherwise the states stay apart: uniting them would invent
 * paths.
 */
bool st_unite_facts(state *into, const state *from, bool *changed)
{
	size_t i = 0, j = 0;
	bool into_in_from = true, from_in_into = true;
	int ndiff = 0, var = -1;
	fact u;

	*changed = false;
	while (i < into->facts.len || j < from->facts.len) {
		int vi = i < into->facts.len ? into->facts.data[i].var : INT32_MAX;
		int vj = j < from->facts.len ? from->facts.data[j].var : INT32_MAX;
		int v = vi < vj ? vi : vj;
		const fact *f = vi == v ? &into->facts.data[i++] : &full;
		const fact *g = vj == v ? &from->facts.data[j++] : &full;

		if (fact_eq(f, g))
			continue;
		ndiff++;
		var = v;
		into_in_from &= subset(f, g);
		from_in_into &= subset(g, f);
	}
	if (from_in_into)
		return true;
	if (into_in_from) {
		replace_facts(into, from);
		return *changed = true;
	}
	if (ndiff != 1 || !union_of(fact_or_full(into, var), fact_or_full(from, var), &u))
		return false;
	put_fact(into, var, u);
	return *changed = true;
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

/* The values either fact allows, or more (a join may only lose facts). */
static void loose_union(const fact *f, const fact *g, fact *u)
{
	size_t n = 0;

	*u = *f;
	u->lo = f->lo < g->lo ? f->lo : g->lo;
	u->hi = f->hi > g->hi ? f->hi : g->hi;
	u->ex = f->nex ? xmalloc(f->nex * sizeof *u->ex) : NULL;
	for (size_t i = 0; i < f->nex; i++)
		if (!allows(g, f->ex[i]))
			u->ex[n++] = f->ex[i];
	u->nex = n;
	if (!same_link(f, g))
		u->link_site = -1;
}

static void join_facts(state *into, const state *from)
{
	for (size_t i = into->facts.len; i-- > 0;) {
		fact *f = &into->facts.data[i];
		fact u;

		loose_union(f, fact_or_full(from, f->var), &u);
		put_fact(into, f->var, u);
	}
}

/*
 * Past the state budget: one state for both, each operation in either's
 * status, facts loosened.  It stands for paths neither had, so it is approx
 * from now on: the engine reports nothing found on it.
 */
bool st_join(state *into, const state *from)
{
	state before = { .approx = into->approx };
	bool changed;

	copy_facts(&before, into);
	changed = !before.approx;

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
	join_facts(into, from);
	into->approx = true;
	changed |= !st_same_facts(&before, into);
	free_facts(&before);
	free(before.facts.data);
	return st_keep_earliest(into, from) | changed;
}
