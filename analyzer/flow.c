/*
 * flow.c: the data-flow engine.  Runs one function's CFG to a fixed point
 * over sets of path states, so that every path counts.  It runs once per
 * operation site (ESP's property simulation: each run follows the
 * operations one birth event makes, and the others are not there), so that
 * independent operations do not multiply the states.  Within a run, a
 * block's states are kept apart while their operations differ, and united
 * only when one fact set can say exactly what both did (state.c): facts are
 * never approximated, except past the state budget, where a joined state is
 * marked approx and nothing found on it is reported (vt_report), and the
 * function is named in the findings' limits.  A block's visit runs only its
 * states that changed since it last sent them on.  Rules see each event on
 * each state through vt_rule_hooks; the engine then applies the event.
 */
#include <stdlib.h>
#include <string.h>

#include "state.h"

typedef VEC(state *) stateset;
typedef VEC(uint64_t) hashes;
typedef VEC(size_t) indexes;

struct vt_rule_ctx {
	const vt_func *fn;
	const vt_flow_opts *opts;
	vt_findings *out;
	size_t first_finding;       /* this function's findings start here */
	VEC(vt_loc) finding_notes;  /* the note place of each finding, for "earliest" */
	uint8_t *param_use;         /* per parameter: VT_USE_* bits, any path */
	int rule;                   /* the rule whose hook runs */
	void *rule_data[VT_MAX_RULES];
	int track;                  /* the site this run follows; TRACK_NONE: none */
	bool approx;                /* the state the hooks see may be a path that is not */
	bool budget_hit;            /* some state was joined past the budget */
	const vt_event *ev;         /* the CFG's event being applied (stable) */
};

enum { TRACK_NONE = -2 };

/* ---- reporting ------------------------------------------------------------------- */

void vt_report(vt_rule_ctx *cx, vt_loc at, const vt_loc *note_at, const char *note,
	       const char *fmt, ...)
{
	int rule = cx->rule;
	vt_findings *fs = cx->out;
	va_list ap;
	char *msg;
	vt_finding *f;

	if (cx->approx)
		return; /* may rest on a path the facts rule out: the budget note says so */
	for (size_t i = cx->first_finding; i < fs->items.len; i++) {
		f = &fs->items.data[i];
		if (f->rule != rule || vt_loc_cmp(f->loc, at) != 0)
			continue;
		/* one finding per place and rule; its note on the earliest event */
		if (note_at && f->notes.len &&
		    vt_loc_cmp(*note_at, cx->finding_notes.data[i - cx->first_finding]) < 0) {
			vt_note *n = &f->notes.data[0];

			free((char *)n->loc.file);
			n->loc = *note_at;
			n->loc.file = xstrdup(note_at->file);
			cx->finding_notes.data[i - cx->first_finding] = *note_at;
		}
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		fatal("out of memory");
	va_end(ap);
	f = vt_add_finding(fs, rule, at, msg);
	free(msg);
	if (note_at)
		vt_add_note(f, *note_at, note);
	vec_push(&cx->finding_notes, note_at ? *note_at : at);
}

void **vt_rule_data(vt_rule_ctx *cx)
{
	return &cx->rule_data[cx->rule];
}

unsigned vt_param_use(const vt_rule_ctx *cx, int param)
{
	return cx->param_use[param];
}

/* ---- hooks ----------------------------------------------------------------------- */

/* What the rules see of o; var: the variable the event names it by, or -1. */
static vt_op_view view(vt_rule_ctx *cx, const op *o, int var)
{
	const vt_func *fn = cx->fn;
	vt_op_view v = { .born = o->born->loc, .status = o->status, .flags = o->flags,
			 .first = o->first, .maker = o->born->what, .param = -1,
			 .approx = cx->approx };

	if (var < 0 || fn->vars.data[var].kind == VAR_TEMP)
		var = o->name_var;
	v.name = var >= 0 ? fn->vars.data[var].name : NULL;
	if (o->flags & OP_PARAM) {
		v.name = fn->vars.data[o->born->dst].name;
		v.param = o->born->arg;
	}
	return v;
}

enum hook { HOOK_CONSUME, HOOK_INSPECT, HOOK_HANDOFF, HOOK_STORE, HOOK_ESCAPE, HOOK_LOST };

static vt_hook *hook_of(const vt_rule_hooks *k, enum hook h)
{
	vt_hook *const fns[] = { k->consume, k->inspect, k->handoff, k->store, k->escape,
				 k->lost };

	return fns[h];
}

/* Every enabled rule's hook h, in rule order. */
/*
 * Every enabled rule's hook h, in rule order: a rule sees either vtasks or
 * vt_task * references (vt_rule.tasks), never both.
 */
static void call_hooks(vt_rule_ctx *cx, enum hook h, const vt_op_view *v, const vt_event *ev)
{
	bool task = (v->flags & OP_TASK) != 0;

	for (cx->rule = 0; cx->rule < vt_nrules; cx->rule++) {
		vt_hook *fn = hook_of(&vt_rules[cx->rule]->hooks, h);

		if (!cx->opts->disabled[cx->rule] && fn && vt_rules[cx->rule]->tasks == task)
			fn(cx, v, ev);
	}
}

/* begin (at_end false) or end of the walk, for every enabled rule. */
static void frame_hooks(vt_rule_ctx *cx, bool at_end)
{
	for (cx->rule = 0; cx->rule < vt_nrules; cx->rule++) {
		const vt_rule_hooks *k = &vt_rules[cx->rule]->hooks;
		void (*fn)(vt_rule_ctx *) = at_end ? k->end : k->begin;

		if (!cx->opts->disabled[cx->rule] && fn)
			fn(cx);
	}
}

static void param_used(vt_rule_ctx *cx, const op *o, uint8_t what)
{
	if (o->flags & OP_PARAM)
		cx->param_use[o->born->arg] |= what | VT_USE_USED;
}

/* ---- applying events --------------------------------------------------------------- */

/* var lets go of its operation; if nothing holds it any more it may be lost. */
static void release(vt_rule_ctx *cx, state *s, int var)
{
	bind *b = var >= 0 ? st_bind_of(s, var) : NULL;
	int site, gen;
	op *o;

	if (!b)
		return;
	site = b->site;
	gen = b->gen;
	st_unbind(s, var);
	o = st_op(s, site, gen);
	if (!o || st_referenced(s, site, gen) || (o->flags & OP_CALLER))
		return;
	if ((o->status & ST_LIVE) && !(o->flags & OP_MAYBE)) {
		vt_op_view v = view(cx, o, -1);

		call_hooks(cx, HOOK_LOST, &v, cx->ev);
	}
	st_remove_op(s, site, gen);
}

/* The operations made at site become one generation older: a new one is made there. */
static void age(state *s, int site)
{
	for (size_t i = 0; i < s->ops.len; i++)
		if (s->ops.data[i].site == site && s->ops.data[i].gen < UINT8_MAX)
			s->ops.data[i].gen++;
	for (size_t i = 0; i < s->binds.len; i++)
		if (s->binds.data[i].site == site && s->binds.data[i].gen < UINT8_MAX)
			s->binds.data[i].gen++;
}

/* A new operation made here; only the site this run follows is tracked. */
static void make(vt_rule_ctx *cx, state *s, int dst, uint8_t flags)
{
	const vt_event *ev = cx->ev;
	op n = { .site = ev->id, .status = ST_LIVE, .flags = flags, .born = ev, .name_var = -1,
		 .source = -1 };

	release(cx, s, dst);
	if (ev->id != cx->track)
		return;
	if (st_op(s, ev->id, UINT8_MAX - 1))
		s->approx = true; /* generations run out: only in absurd code */
	age(s, ev->id);
	if (cx->fn->vars.data[dst].kind != VAR_TEMP)
		n.name_var = dst;
	st_bind(s, dst, st_add_op(s, n));
}

static void copy(vt_rule_ctx *cx, state *s, int dst, int src)
{
	op *o = src >= 0 ? st_var_op(s, src) : NULL;
	bind *cur = st_bind_of(s, dst);
	op keep;

	if (o && cur && cur->site == o->site && cur->gen == o->gen)
		return;
	if (o)
		keep = *o;
	release(cx, s, dst);
	if (!o)
		return;
	o = st_op(s, keep.site, keep.gen);
	if (o->name_var < 0 && cx->fn->vars.data[dst].kind != VAR_TEMP)
		o->name_var = dst;
	st_bind(s, dst, o);
}

static void consumed(vt_rule_ctx *cx, op *o, uint8_t bit)
{
	param_used(cx, o, VT_USE_CONSUMED);
	if (o->flags & OP_CALLER)
		o->out |= (uint8_t)(bit | OUT_TOUCHED);
	if (!o->first)
		o->first = cx->ev;
	o->status = (uint8_t)((o->status & ~ST_LIVE) |
			      (bit == OUT_HANDED ? ST_HANDED : ST_CONSUMED));
}

/* The rules see the event on var's operation (if any) before the engine applies it. */
static op *observe(vt_rule_ctx *cx, state *s, int var, enum hook h)
{
	op *o = st_var_op(s, var);
	vt_op_view v;

	if (o) {
		v = view(cx, o, var);
		call_hooks(cx, h, &v, cx->ev);
	}
	return o;
}

static void consume(vt_rule_ctx *cx, state *s, int src)
{
	op *o = observe(cx, s, src, HOOK_CONSUME);

	if (o)
		consumed(cx, o, OUT_CONSUMED);
}

static void inspect(vt_rule_ctx *cx, state *s, int src, int dst)
{
	op *o = observe(cx, s, src, HOOK_INSPECT);

	if (!o)
		return;
	param_used(cx, o, VT_USE_INSPECTED);
	if (o->flags & OP_CALLER)
		o->out |= OUT_TOUCHED;
	if (dst >= 0) {
		const vt_var *d = &cx->fn->vars.data[dst];
		vt_cond c = { .kind = COND_RANGE, .var = dst, .lo = d->lo, .hi = d->hi };

		st_link(s, dst, o, cx->ev->flags != 0);
		st_apply_cond(s, &c);
	}
}

static void handoff(vt_rule_ctx *cx, state *s, int src)
{
	op *o = observe(cx, s, src, HOOK_HANDOFF);

	if (o)
		consumed(cx, o, OUT_HANDED);
}

/*
 * A store names its vtask in the run that follows it; one of nothing vtlint
 * follows is reported by the run that follows nothing.
 */
static void store(vt_rule_ctx *cx, state *s, int src)
{
	op *o = src >= 0 ? st_var_op(s, src) : NULL;
	op none = { .site = -1, .born = cx->ev, .name_var = -1,
		    .flags = (uint8_t)(cx->ev->flags & OP_TASK) }; /* what was stored */
	vt_op_view v;

	if (!o && cx->track != TRACK_NONE)
		return;
	v = view(cx, o ? o : &none, src);
	if (!o)
		v.maker = NULL;
	call_hooks(cx, HOOK_STORE, &v, cx->ev);
	if (!o)
		return;
	param_used(cx, o, VT_USE_CONSUMED);
	if (o->flags & OP_CALLER)
		o->out |= OUT_ESCAPED;
	o->status = (uint8_t)((o->status & ~ST_LIVE) | ST_STORED);
}

/* Out of sight: whatever happens to it now is not ours to judge. */
static void escape(vt_rule_ctx *cx, state *s, int var)
{
	op *o = st_var_op(s, var);
	vt_op_view v;

	if (!o)
		return;
	v = view(cx, o, var);
	call_hooks(cx, HOOK_ESCAPE, &v, NULL);
	param_used(cx, o, VT_USE_CONSUMED);
	if (o->flags & OP_CALLER) {
		o->out |= OUT_ESCAPED;
		st_unbind(s, var);
		return;
	}
	st_remove_op(s, o->site, o->gen);
}

/* ---- vt_sources (VT006): completions, resets, tokens ------------------------------- */

/* srcst.done: what this function knows of the current version's completion. */
enum { SRC_OPEN, SRC_DONE, SRC_LOST };

static void source_hooks(vt_rule_ctx *cx, int var, enum vt_source_fault f, const vt_event *earlier)
{
	vt_source_view v = { .name = cx->fn->vars.data[var].name, .fault = f, .earlier = earlier };

	if (cx->approx)
		return;
	for (cx->rule = 0; cx->rule < vt_nrules; cx->rule++) {
		const vt_rule_hooks *k = &vt_rules[cx->rule]->hooks;

		if (!cx->opts->disabled[cx->rule] && k->source)
			k->source(cx, &v, cx->ev);
	}
}

static void source_set(vt_rule_ctx *cx, state *s, int var)
{
	srcst *src = st_source(s, var);

	if (src->done == SRC_DONE) {
		source_hooks(cx, var, SRC_TWICE, src->completed);
		return;
	}
	src->done = SRC_DONE;
	src->completed = cx->ev;
}

/*
 * Its completion is no longer known, nor whether its current tokens still
 * are: it went to code we do not follow.  Versions only grow, so a stale
 * token stays stale; a current one read before is stale again after a
 * reset this function makes (source_reset).
 */
static void source_unknown(state *s, int var)
{
	srcst *src = st_source(s, var);

	src->done = SRC_LOST;
	for (size_t i = 0; i < s->toks.len; i++)
		if (s->toks.data[i].source == var && s->toks.data[i].epoch == src->epoch)
			s->toks.data[i].unsure = true;
}

/*
 * A reset while a vtask made here from this version is live; then the next
 * version.  how: 0 vt_source_reset, 1 vt_source_init (or the local now names
 * another source), 2 given to a function vtlint does not follow, 3 every
 * source reached through a parameter so given, 4 reset by a followed callee
 * (a finding there is the callee's).  After 1 the tokens read before say
 * nothing: init starts the versions again, and another source has versions
 * of its own.
 */
static void source_reset(vt_rule_ctx *cx, state *s, int var, uint8_t how)
{
	srcst *src;

	if (how == 2) {
		source_unknown(s, var);
		return;
	}
	if (how == 3) { /* every source reached through parameter ev->arg */
		for (size_t v = 0; v < cx->fn->vars.len; v++)
			if (cx->fn->vars.data[v].kind == VAR_SOURCE &&
			    (cx->fn->vars.data[v].param == cx->ev->arg ||
			     cx->fn->vars.data[v].root == cx->ev->arg))
				source_unknown(s, (int)v);
		return;
	}
	for (size_t i = 0; how == 0 && i < s->ops.len; i++)
		if (s->ops.data[i].source == var && (s->ops.data[i].status & ST_LIVE))
			source_hooks(cx, var, SRC_OUTSTANDING, s->ops.data[i].born);
	src = st_source(s, var);
	for (size_t i = s->toks.len; how == 1 && i-- > 0;)
		if (s->toks.data[i].source == var)
			vec_remove(&s->toks, i);
	src->inited |= how == 1;
	for (size_t i = 0; i < s->toks.len; i++)
		if (s->toks.data[i].source == var && s->toks.data[i].unsure) {
			s->toks.data[i].unsure = false;
			s->toks.data[i].epoch = src->epoch; /* stale from the increment below */
		}
	src->done = SRC_OPEN;
	src->completed = NULL;
	if (src->epoch < UINT8_MAX)
		src->epoch++;
	else
		s->approx = true;
}

static void source_token(vt_rule_ctx *cx, state *s, int dst, int var)
{
	tok t = { .var = dst, .source = var, .epoch = st_source(s, var)->epoch, .read = cx->ev };

	st_drop_token(s, dst);
	vec_push(&s->toks, t);
}

/* vtask_from_source(S, t): the vtask is S's; t must be S's current token. */
static void source_make(vt_rule_ctx *cx, state *s, const vt_event *ev)
{
	op *o = st_var_op(s, ev->dst);
	tok *t = ev->arg >= 0 ? st_token(s, ev->arg) : NULL;

	if (o)
		o->source = ev->src;
	if (t && t->source == ev->src && !t->unsure && t->epoch != st_source(s, ev->src)->epoch)
		source_hooks(cx, ev->src, SRC_STALE, t->read);
}

/* ---- calls that take &x: one state per way the callee can return -------------------- */

static void callee_effect(vt_rule_ctx *cx, state *s, int src, unsigned bits, bool always_stores)
{
	op *o = st_var_op(s, src);

	if (bits & (OUT_CONSUMED | OUT_TOUCHED))
		observe(cx, s, src, (bits & OUT_CONSUMED) ? HOOK_CONSUME : HOOK_INSPECT);
	if (o && (bits & OUT_CONSUMED))
		consumed(cx, o, OUT_CONSUMED);
	else if (o && (bits & OUT_HANDED))
		consumed(cx, o, OUT_HANDED);
	if (bits & OUT_ESCAPED)
		escape(cx, s, src);
	if ((bits & OUT_STORED) && src >= 0)
		make(cx, s, src, always_stores ? 0 : OP_MAYBE);
}

/* What the callee returned on that way out: a fact on the call's result. */
static void returned(state *s, const vt_event *ev, const vt_sum_path *p)
{
	vt_cond r = { .kind = COND_RANGE, .var = ev->ret, .lo = p->lo, .hi = p->hi };
	vt_cond x = { .kind = COND_NOTIN, .var = ev->ret, .set = p->ex, .nset = p->nex };

	if (ev->ret < 0)
		return;
	st_forget(s, ev->ret);
	st_drop_token(s, ev->ret); /* it holds the callee's value now, not a token */
	st_apply_cond(s, &r);
	st_apply_cond(s, &x);
}

static void callref(vt_rule_ctx *cx, stateset *work, size_t i, int src)
{
	const vt_event *ev = cx->ev;
	const vt_summary *sum = ev->sum;
	uint32_t outs = sum->param[ev->arg].outcomes;
	bool always = outs != 0;
	state *base = work->data[i];
	size_t n = work->len;

	for (unsigned b = 0; b < 32; b++)
		if ((outs & (1u << b)) && !(b & OUT_STORED))
			always = false;
	for (size_t k = 0; k < sum->paths.len; k++)
		if (sum->paths.data[k].param == ev->arg)
			vec_push(work, st_copy(base)); /* each from the state before the call */
	for (size_t k = 0, j = n; k < sum->paths.len; k++) {
		const vt_sum_path *p = &sum->paths.data[k];

		if (p->param != ev->arg)
			continue;
		callee_effect(cx, work->data[j], src, p->bits, always);
		returned(work->data[j++], ev, p);
	}
	st_free(base); /* no way out at all: the callee never returns */
	work->data[i] = NULL;
}

/* What a seen callee returned, given no &x: one state per way out it has. */
static void callret(stateset *work, size_t i, const vt_event *ev)
{
	const vt_summary *sum = ev->sum;
	state *base = work->data[i];

	for (size_t k = 0; k < sum->paths.len; k++)
		if (sum->paths.data[k].param == VT_RET_PATHS) {
			state *s = st_copy(base);

			returned(s, ev, &sum->paths.data[k]);
			vec_push(work, s);
		}
	st_free(base); /* no way out at all: the callee never returns */
	work->data[i] = NULL;
}

/* A source given to a seen callee: one state per way out of its slot, the slot's effect there. */
static void srccall(vt_rule_ctx *cx, stateset *work, size_t i, const vt_event *ev)
{
	const vt_summary *sum = ev->sum;
	state *base = work->data[i];

	for (size_t k = 0; k < sum->paths.len; k++) {
		const vt_sum_path *p = &sum->paths.data[k];
		state *s;

		if (p->param != VT_SRC_PATHS - ev->arg)
			continue;
		s = st_copy(base);
		if (p->bits & SRC_FX_LOST)
			source_unknown(s, ev->src);
		else if (p->bits & (SRC_FX_RESET | SRC_FX_INIT)) /* a finding there is the callee's */
			source_reset(cx, s, ev->src, p->bits & SRC_FX_INIT ? 1 : 4);
		returned(s, ev, p);
		vec_push(work, s);
	}
	st_free(base); /* no way out at all: the callee never returns */
	work->data[i] = NULL;
}

/* The vtask variable an event's operand names on this path: through a vtask * local. */
static int resolve(const vt_rule_ctx *cx, const state *s, int var)
{
	if (var >= 0 && cx->fn->vars.data[var].kind == VAR_PTR)
		return st_target(s, var);
	return var;
}

/* An int local changed: it may now hold any value of its type. */
static void forget(vt_rule_ctx *cx, state *s, int var)
{
	const vt_var *v = &cx->fn->vars.data[var];
	vt_cond c = { .kind = COND_RANGE, .var = var, .lo = v->lo, .hi = v->hi };

	st_forget(s, var);
	st_drop_token(s, var);
	if (v->lo != INT64_MIN || v->hi != INT64_MAX)
		st_apply_cond(s, &c);
}

/* `x = K;` or `x = y;` (ev->src): x is what K or y is, within x's type. */
static void set_int(vt_rule_ctx *cx, state *s, const vt_event *ev)
{
	st_drop_token(s, ev->dst);
	if (ev->src < 0) {
		st_set_const(s, ev->dst, ev->k);
		return;
	}
	st_copy_fact(s, ev->dst, ev->src);
	if (!st_has_fact(s, ev->dst))
		forget(cx, s, ev->dst);
}

static void apply(vt_rule_ctx *cx, stateset *work, size_t i, const vt_event *ev)
{
	state *s = work->data[i];
	int src = resolve(cx, s, ev->src);

	cx->ev = ev;
	cx->approx = s->approx;
	if (ev->kind >= EV_SRC_SET)
		src = ev->src; /* a source, not a vtask: nothing to resolve */
	switch (ev->kind) {
	case EV_BIRTH: make(cx, s, ev->dst, ev->flags); break;
	case EV_COPY: copy(cx, s, ev->dst, src); break;
	case EV_CLEAR: release(cx, s, ev->dst); break;
	case EV_CONSUME: consume(cx, s, src); break;
	case EV_INSPECT: inspect(cx, s, src, ev->dst); break;
	case EV_HANDOFF: handoff(cx, s, src); break;
	case EV_STORE: store(cx, s, src); break;
	case EV_ESCAPE: escape(cx, s, src); break;
	case EV_CALLREF: callref(cx, work, i, src); break;
	case EV_CALLRET: callret(work, i, ev); break;
	case EV_DROP: release(cx, s, src); break;
	case EV_FORGET: forget(cx, s, ev->dst); break;
	case EV_SETK: set_int(cx, s, ev); break;
	case EV_POINT: st_point(s, ev->dst, src); break;
	case EV_SRC_SET: source_set(cx, s, ev->src); break;
	case EV_SRC_RESET: source_reset(cx, s, ev->src, ev->flags); break;
	case EV_SRC_TOKEN: source_token(cx, s, ev->dst, ev->src); break;
	case EV_SRC_MAKE: source_make(cx, s, ev); break;
	case EV_SRC_CALL: srccall(cx, work, i, ev); break;
	}
	cx->approx = false;
}

/* ---- which int locals a later test may read, and which sources a later event names:
 * what is known of the others is dead ---------------------------------------------- */

typedef struct liveness {
	size_t words;        /* per block */
	uint64_t *in;        /* blocks x words: live at the block's entry */
} liveness;

static void set_bit(uint64_t *set, int v, bool on)
{
	if (on)
		set[v / 64] |= (uint64_t)1 << (v % 64);
	else
		set[v / 64] &= ~((uint64_t)1 << (v % 64));
}

/* Backwards through block b: what is live at its entry given what is live at its end. */
static void live_through(const vt_func *fn, int b, uint64_t *set)
{
	const vt_block *blk = &fn->blocks.data[b];

	for (size_t k = 0; k < blk->succ.len; k++)
		if (blk->succ.data[k].cond.kind != COND_NONE && blk->succ.data[k].cond.kind != COND_DONE)
			set_bit(set, blk->succ.data[k].cond.var, true);
	for (size_t e = blk->ev.len; e-- > 0;) {
		const vt_event *ev = &blk->ev.data[e];

		if (ev->kind == EV_SETK || ev->kind == EV_FORGET ||
		    (ev->kind == EV_INSPECT && ev->dst >= 0))
			set_bit(set, ev->dst, false);
		if ((ev->kind == EV_CALLREF || ev->kind == EV_CALLRET || ev->kind == EV_SRC_CALL) &&
		    ev->ret >= 0)
			set_bit(set, ev->ret, false);
		if (ev->kind == EV_SETK && ev->src >= 0)
			set_bit(set, ev->src, true);
		if (ev->kind == EV_SRC_TOKEN)
			set_bit(set, ev->dst, false);
		if (ev->kind == EV_SRC_MAKE && ev->arg >= 0)
			set_bit(set, ev->arg, true);
		/* a source no later event names: its version and completion split states for nothing */
		if (ev->kind >= EV_SRC_SET && ev->src >= 0)
			set_bit(set, ev->src, true);
	}
}

/* A parameter's sources are read at the exit, by the summary: live everywhere. */
static void live_at_exit(const vt_func *fn, uint64_t *set)
{
	for (size_t v = 0; v < fn->vars.len; v++)
		if (fn->vars.data[v].kind == VAR_SOURCE &&
		    (fn->vars.data[v].param >= 0 || fn->vars.data[v].root >= 0))
			set_bit(set, (int)v, true);
}

/* Live int locals at each block's entry, to a fixed point (the return local at the exit). */
static liveness live_vars(const vt_func *fn)
{
	size_t nb = fn->blocks.len;
	liveness lv = { .words = (fn->vars.len + 63) / 64 + 1 };
	uint64_t *tmp = xcalloc(lv.words, sizeof *tmp), *always = xcalloc(lv.words, sizeof *always);
	bool changed = true;

	lv.in = xcalloc(nb * lv.words, sizeof *lv.in);
	live_at_exit(fn, always); /* once, not per block and pass */
	while (changed) {
		changed = false;
		for (size_t b = nb; b-- > 0;) {
			const vt_block *blk = &fn->blocks.data[b];

			memcpy(tmp, always, lv.words * sizeof *tmp);
			if ((int)b == fn->exit && fn->ret >= 0)
				set_bit(tmp, fn->ret, true);
			for (size_t k = 0; k < blk->succ.len; k++)
				for (size_t w = 0; w < lv.words; w++)
					tmp[w] |= lv.in[(size_t)blk->succ.data[k].to * lv.words + w];
			live_through(fn, (int)b, tmp);
			if (memcmp(tmp, &lv.in[b * lv.words], lv.words * sizeof *tmp)) {
				memcpy(&lv.in[b * lv.words], tmp, lv.words * sizeof *tmp);
				changed = true;
			}
		}
	}
	free(tmp);
	free(always);
	return lv;
}

/* ---- the fixed point ---------------------------------------------------------------- */

typedef struct engine {
	vt_rule_ctx cx;
	liveness live;
	int max_states;
	stateset *in;
	hashes *shapes;         /* per block: its states' st_shape_hash, in order */
	indexes *unsent;        /* per block: its states not sent on since they changed */
	VEC(int) queue;
	bool *queued;
	int nparams;
	bool *lost;             /* lost_params */
} engine;

/* The state at i of block b changed: the block's next visit sends it on. */
static void mark_unsent(engine *en, int b, size_t i)
{
	state *s = en->in[b].data[i];

	if (s->sent) { /* else it waits already */
		s->sent = false;
		vec_push(&en->unsent[b], i);
	}
}

/* Adds s to block b's states; true when the block must be looked at again. */
static bool merge_into(engine *en, int b, state *s)
{
	stateset *in = &en->in[b];
	uint64_t shape = st_shape_hash(s), *shapes = en->shapes[b].data;

	for (size_t i = 0; i < in->len; i++) {
		bool changed;

		if (shapes[i] == shape && st_same_shape(in->data[i], s) &&
		    st_unite_facts(in->data[i], s, &changed)) {
			if ((changed |= st_keep_earliest(in->data[i], s)))
				mark_unsent(en, b, i);
			st_free(s);
			return changed;
		}
	}
	if ((int)in->len >= en->max_states)
		for (size_t i = 0; i < in->len; i++)
			if (st_same_binds(in->data[i], s)) {
				bool changed = st_join(in->data[i], s);

				shapes[i] = st_shape_hash(in->data[i]);
				if (changed)
					mark_unsent(en, b, i);
				en->cx.budget_hit = true;
				st_free(s);
				return changed;
			}
	s->sent = true; /* not waiting yet */
	vec_push(in, s);
	vec_push(&en->shapes[b], shape);
	mark_unsent(en, b, in->len - 1);
	return true;
}

static void run_block(vt_rule_ctx *cx, const vt_block *b, stateset *work)
{
	for (size_t e = 0; e < b->ev.len; e++) {
		size_t n = work->len;

		for (size_t i = 0; i < n; i++)
			if (work->data[i])
				apply(cx, work, i, &b->ev.data[e]);
	}
}

static void enqueue(engine *en, int b)
{
	if (!en->queued[b]) {
		en->queued[b] = true;
		vec_push(&en->queue, b);
	}
}

static void propagate(engine *en, const vt_block *b, stateset *work)
{
	for (size_t i = 0; i < work->len; i++) {
		if (!work->data[i])
			continue;
		for (size_t k = 0; k < b->succ.len; k++) {
			const vt_edge *e = &b->succ.data[k];
			/* the last edge takes the state itself: one copy fewer per state and block */
			state *s = k + 1 < b->succ.len ? st_copy(work->data[i]) : work->data[i];

			if (k + 1 == b->succ.len)
				work->data[i] = NULL;
			if (!st_apply_cond(s, &e->cond)) {
				st_free(s);
				continue;
			}
			/* what no later test or event reads cannot rule a path out: it only splits states */
			st_keep_live(s, &en->live.in[(size_t)e->to * en->live.words]);
			if (merge_into(en, e->to, s))
				enqueue(en, e->to);
		}
		st_free(work->data[i]);
	}
}

/* Block b's states to send on, in the order they sit in the block. */
static void take_unsent(engine *en, int b, stateset *work)
{
	size_t *u = en->unsent[b].data, n = en->unsent[b].len;

	for (size_t i = 1; i < n; i++) /* few, and mostly in order already */
		for (size_t j = i; j > 0 && u[j - 1] > u[j]; j--) {
			size_t t = u[j];

			u[j] = u[j - 1];
			u[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		vec_push(work, st_copy(en->in[b].data[u[i]]));
		en->in[b].data[u[i]]->sent = true;
	}
	en->unsent[b].len = 0;
}

static void fixed_point(engine *en)
{
	const vt_func *fn = en->cx.fn;
	stateset work = { 0 };

	for (size_t head = 0; head < en->queue.len; head++) {
		int b = en->queue.data[head];

		en->queued[b] = false;
		/*
		 * Only the states that changed since the block last sent them on:
		 * the others would make what they made then, which the successors
		 * hold already (exactly, or past the budget in a join).
		 */
		work.len = 0;
		take_unsent(en, b, &work);
		run_block(&en->cx, &fn->blocks.data[b], &work);
		propagate(en, &fn->blocks.data[b], &work);
		if (head > 4096 && head * 2 > en->queue.len) { /* keep the queue short */
			memmove(en->queue.data, en->queue.data + head + 1,
				(en->queue.len - head - 1) * sizeof(int));
			en->queue.len -= head + 1;
			head = (size_t)-1;
		}
	}
	free(work.data);
}

/* ---- summaries and parameters after the walk ------------------------------------------- */

static int nparams_of(const vt_func *fn)
{
	int n = 0;

	for (size_t v = 0; v < fn->vars.len; v++) {
		if (fn->vars.data[v].param >= n)
			n = fn->vars.data[v].param + 1;
		if (fn->vars.data[v].root >= n) /* `p->src`: p is a slot's parameter */
			n = fn->vars.data[v].root + 1;
	}
	for (size_t b = 0; b < fn->blocks.len; b++)
		for (size_t e = 0; e < fn->blocks.data[b].ev.len; e++)
			if (fn->blocks.data[b].ev.data[e].kind == EV_SRC_RESET &&
			    fn->blocks.data[b].ev.data[e].flags == 3 &&
			    fn->blocks.data[b].ev.data[e].arg >= n)
				n = fn->blocks.data[b].ev.data[e].arg + 1;
	return n;
}

/* Another variable than v, a parameter's *p, holds o: `*dst = *src;`. */
static bool held_elsewhere(const vt_func *fn, const state *s, int v, const op *o)
{
	for (size_t i = 0; i < s->binds.len; i++) {
		const bind *b = &s->binds.data[i];

		if (b->var != v && b->site == o->site && b->gen == o->gen &&
		    fn->vars.data[b->var].param >= 0)
			return true;
	}
	return false;
}

/* *v is given *q anywhere, q another out-parameter: `*dst = *src;`. */
static bool copies_other_out(const vt_func *fn, int v)
{
	for (size_t b = 0; b < fn->blocks.len; b++)
		for (size_t e = 0; e < fn->blocks.data[b].ev.len; e++) {
			const vt_event *ev = &fn->blocks.data[b].ev.data[e];

			if (ev->kind == EV_COPY && ev->dst == v && ev->src >= 0 && ev->src != v &&
			    fn->vars.data[ev->src].kind == VAR_OUT && fn->vars.data[ev->src].param >= 0)
				return true;
		}
	return false;
}

/* The caller's operation behind *p of out-parameter v, in one exit state. */
static unsigned exit_outcome(const vt_func *fn, state *s, int v)
{
	bind *b = st_bind_of(s, v);
	op *caller = NULL, *held = b ? st_op(s, b->site, b->gen) : NULL;
	unsigned bits;

	for (size_t k = 0; k < s->ops.len && !caller; k++)
		if ((s->ops.data[k].flags & OP_CALLER) && s->ops.data[k].born->dst == v)
			caller = &s->ops.data[k];
	bits = caller ? caller->out : 0;
	/*
	 * *p now holds the caller's own *q, or *q is held by *p too: a copy
	 * between the caller's variables, which a summary cannot say.  Both
	 * leave the caller's sight (no finding may rest on them).
	 */
	if ((held && held != caller && (held->flags & OP_CALLER)) ||
	    (caller && held_elsewhere(fn, s, v, caller)))
		return bits | OUT_ESCAPED;
	/* *p let go of because p escaped (stored in a global) is no new vtask stored */
	if (!b && caller && (caller->out & OUT_ESCAPED))
		return bits;
	if (!b || !caller || b->site != caller->site)
		bits |= OUT_STORED;
	return bits;
}

static bool same_path(const vt_sum_path *a, const vt_sum_path *b)
{
	return a->param == b->param && a->bits == b->bits && a->lo == b->lo && a->hi == b->hi &&
	       a->nex == b->nex && (!a->nex || !memcmp(a->ex, b->ex, a->nex * sizeof *a->ex));
}

/* One exit state's way out: the out-parameter's effect and what was returned there. */
static void exit_path(const vt_func *fn, state *s, vt_summary *sum, int param, unsigned bits)
{
	vt_sum_path p = { .param = param, .bits = (uint8_t)bits, .lo = INT64_MIN, .hi = INT64_MAX };

	for (size_t k = 0; fn->ret >= 0 && k < s->facts.len; k++)
		if (s->facts.data[k].var == fn->ret) {
			const fact *f = &s->facts.data[k];

			p.lo = f->lo;
			p.hi = f->hi;
			p.nex = f->nex;
			p.ex = f->nex ? memcpy(xmalloc(f->nex * sizeof *f->ex), f->ex,
					      f->nex * sizeof *f->ex) : NULL;
		}
	if (param >= 0)
		sum->param[param].outcomes |= 1u << bits;
	for (size_t k = 0; k < sum->paths.len; k++)
		if (same_path(&sum->paths.data[k], &p)) {
			free(p.ex);
			return;
		}
	vec_push(&sum->paths, p);
}

/* After the run that follows out-parameter v's operation: how each exit path left it. */
static void summarize_out(engine *en, vt_summary *sum, int v)
{
	const vt_func *fn = en->cx.fn;
	stateset *exit = &en->in[fn->exit];
	bool copied = copies_other_out(fn, v);

	for (size_t i = 0; i < exit->len; i++) {
		unsigned bits = exit_outcome(fn, exit->data[i], v);

		/* what the run following *v's own operation sees stored there may be *q's */
		if (copied && (bits & OUT_STORED))
			bits = (bits & ~OUT_STORED) | OUT_ESCAPED;
		exit_path(fn, exit->data[i], sum, fn->vars.data[v].param, bits);
	}
}

/* After a run that follows no operation: what each way out returns. */
static void summarize_ret(engine *en, vt_summary *sum)
{
	const vt_func *fn = en->cx.fn;
	stateset *exit = &en->in[fn->exit];

	for (size_t i = 0; i < exit->len; i++)
		exit_path(fn, exit->data[i], sum, VT_RET_PATHS, 0);
}

/* ---- what a function does to the sources its callers give it (VT006) ----------------- */

/* The slot a source variable is to callers: its parameter and member, or false. */
static bool slot_of(const vt_var *v, vt_src_slot *slot)
{
	const char *m;

	if (v->kind != VAR_SOURCE || (v->param < 0 && v->root < 0))
		return false;
	if (v->param >= 0) {
		*slot = (vt_src_slot){ .param = v->param, .member = "", .escapes = v->escapes };
		return true;
	}
	m = strpbrk(v->name, "-.");
	*slot = (vt_src_slot){ .param = v->root, .member = (char *)(m ? m : "*"),
			       .escapes = v->escapes };
	return true;
}

/* How one exit state leaves source var: SRC_FX_* bits. */
static unsigned slot_effect(const state *s, int var)
{
	if (s->approx)
		return SRC_FX_LOST;
	for (size_t i = 0; i < s->srcs.len; i++)
		if (s->srcs.data[i].var == var)
			return s->srcs.data[i].done == SRC_LOST ? SRC_FX_LOST
			       : (s->srcs.data[i].epoch ? SRC_FX_RESET : 0) |
				 (s->srcs.data[i].inited ? SRC_FX_INIT : 0);
	return 0;
}

/*
 * The parameters every source of which went to code not followed (EV_SRC_RESET
 * flags 3), by index: one scan of the events, not one per parameter.
 */
static bool *lost_params(const vt_func *fn, int nparams)
{
	bool *lost = xcalloc((size_t)nparams + 1, sizeof *lost);

	for (size_t b = 0; b < fn->blocks.len; b++)
		for (size_t e = 0; e < fn->blocks.data[b].ev.len; e++) {
			const vt_event *ev = &fn->blocks.data[b].ev.data[e];

			if (ev->kind == EV_SRC_RESET && ev->flags == 3 && ev->arg >= 0 &&
			    ev->arg < nparams)
				lost[ev->arg] = true;
		}
	return lost;
}

static void add_slot(const vt_func *fn, vt_summary *sum, vt_src_slot slot, int var,
		     const stateset *exit)
{
	int param = VT_SRC_PATHS - (int)sum->slots.len;
	bool any = false;

	for (size_t i = 0; i < exit->len && !any; i++)
		any = var < 0 || slot_effect(exit->data[i], var);
	if (!any)
		return; /* the function leaves it alone on every way out */
	slot.member = xstrdup(slot.member);
	vec_push(&sum->slots, slot);
	for (size_t i = 0; i < exit->len; i++)
		exit_path(fn, exit->data[i], sum, param,
			  var < 0 ? SRC_FX_LOST : slot_effect(exit->data[i], var));
}

/* After the run that follows no operation: what each way out did to each source slot. */
static void summarize_sources(engine *en, vt_summary *sum)
{
	const vt_func *fn = en->cx.fn;
	vt_src_slot slot;

	for (size_t v = 0; v < fn->vars.len; v++)
		if (slot_of(&fn->vars.data[v], &slot))
			add_slot(fn, sum, slot, (int)v, &en->in[fn->exit]);
	for (int k = 0; k < sum->nparams; k++)
		if (en->lost[k])
			add_slot(fn, sum, (vt_src_slot){ .param = k, .member = "*" }, -1,
				 &en->in[fn->exit]);
}

/* Callers can name a source this function may change: a slot to summarize. */
static bool has_slots(const engine *en)
{
	const vt_func *fn = en->cx.fn;
	vt_src_slot slot;

	for (size_t v = 0; v < fn->vars.len; v++)
		if (slot_of(&fn->vars.data[v], &slot))
			return true;
	for (int k = 0; k < en->nparams; k++)
		if (en->lost[k])
			return true;
	return false;
}

/* The int local an event gives a value its callee or a constant knows, or -1. */
static int known_dst(const vt_event *ev)
{
	if (ev->kind == EV_SETK)
		return ev->dst;
	return ev->kind == EV_CALLREF || ev->kind == EV_CALLRET || ev->kind == EV_SRC_CALL ?
		       ev->ret : -1;
}

/* The function returns, on some path, a value its callers' tests may select. */
static bool returns_known(const vt_func *fn)
{
	for (size_t b = 0; fn->ret >= 0 && b < fn->blocks.len; b++)
		for (size_t e = 0; e < fn->blocks.data[b].ev.len; e++)
			if (known_dst(&fn->blocks.data[b].ev.data[e]) == fn->ret)
				return true;
	return false;
}

static void summarize_params(engine *en, vt_summary *sum)
{
	const vt_func *fn = en->cx.fn;

	for (size_t v = 0; v < fn->vars.len; v++) {
		const vt_var *var = &fn->vars.data[v];
		vt_param_sum *p;

		if (var->param < 0 || (var->kind != VAR_PARAM && var->kind != VAR_OUT))
			continue;
		p = &sum->param[var->param];
		p->is_vtask = var->kind == VAR_PARAM;
		p->is_out = var->kind == VAR_OUT;
		/*
		 * A vtask given to a callee is the callee's to consume (VT005
		 * there, if it does not); a vt_task * the callee never lets go
		 * of, only reads or ignores, is still the caller's to release.
		 */
		if (p->is_vtask && var->task)
			p->inspect_only = !(en->cx.param_use[var->param] & VT_USE_CONSUMED);
		else if (p->is_vtask)
			p->inspect_only = en->cx.param_use[var->param] ==
					  (VT_USE_USED | VT_USE_INSPECTED);
	}
}

/* ---- one run per operation site --------------------------------------------------------- */

static void run_once(engine *en, int track, vt_summary *sum)
{
	const vt_func *fn = en->cx.fn;
	size_t nb = fn->blocks.len;

	en->cx.track = track;
	if (!en->live.in)
		en->live = live_vars(fn); /* only for functions with something to follow */
	memset(en->queued, 0, nb * sizeof *en->queued);
	en->queue.len = 0;
	merge_into(en, fn->entry, st_new());
	enqueue(en, fn->entry);
	fixed_point(en);
	for (size_t v = 0; sum && v < fn->vars.len; v++)
		if (fn->vars.data[v].kind == VAR_OUT && fn->vars.data[v].param >= 0 &&
		    fn->vars.data[v].birth == track)
			summarize_out(en, sum, (int)v);
	if (sum && track == TRACK_NONE && fn->ret >= 0 && returns_known(fn))
		summarize_ret(en, sum);
	if (sum && track == TRACK_NONE)
		summarize_sources(en, sum);
	for (size_t b = 0; b < nb; b++) {
		for (size_t i = 0; i < en->in[b].len; i++)
			st_free(en->in[b].data[i]);
		en->in[b].len = en->shapes[b].len = en->unsent[b].len = 0;
	}
}

/* Every event that may make an operation names a run; stores get one that follows none. */
static void run_all(engine *en, vt_summary *sum)
{
	const vt_func *fn = en->cx.fn;
	bool stores = false;

	for (size_t b = 0; b < fn->blocks.len; b++)
		for (size_t e = 0; e < fn->blocks.data[b].ev.len; e++) {
			const vt_event *ev = &fn->blocks.data[b].ev.data[e];

			if (ev->kind == EV_BIRTH || (ev->kind == EV_CALLREF && ev->arg >= 0 &&
						     (ev->sum->param[ev->arg].outcomes &
						      ~((1u << OUT_STORED) - 1))))
				run_once(en, ev->id, sum);
			stores |= ev->kind == EV_STORE || ev->kind >= EV_SRC_SET;
		}
	if (sum && !returns_known(fn) && !has_slots(en))
		sum = NULL; /* the run that follows nothing has nothing to summarize */
	if (stores || sum)
		run_once(en, TRACK_NONE, sum);
}

static void note_budget(engine *en)
{
	const vt_func *fn = en->cx.fn;

	vt_add_limit(en->cx.out, fn->loc,
		     "'%s' has more paths than vtlint keeps apart (%d states per block): "
		     "findings that would rest on merged paths are not reported",
		     fn->name, en->max_states);
}

/*
 * The per-block arrays, kept from one function to the next of a unit (their
 * vectors emptied, not freed): a unit's functions are analysed one after
 * another on a thread, and growing them afresh for each was a tenth of the
 * engine's time.  vt_flow_release() frees them.
 */
static __thread struct blocks {
	stateset *in;
	hashes *shapes;
	indexes *unsent;
	bool *queued;
	size_t cap;
	bool busy;
} kept;

static void blocks_take(engine *en, size_t nb)
{
	if (kept.busy) { /* not expected: a run inside a run gets its own */
		en->in = xcalloc(nb, sizeof *en->in);
		en->shapes = xcalloc(nb, sizeof *en->shapes);
		en->unsent = xcalloc(nb, sizeof *en->unsent);
		en->queued = xcalloc(nb, sizeof *en->queued);
		return;
	}
	if (nb > kept.cap) {
		size_t old = kept.cap;

		kept.cap = nb * 2;
		kept.in = xrealloc(kept.in, kept.cap * sizeof *kept.in);
		kept.shapes = xrealloc(kept.shapes, kept.cap * sizeof *kept.shapes);
		kept.unsent = xrealloc(kept.unsent, kept.cap * sizeof *kept.unsent);
		kept.queued = xrealloc(kept.queued, kept.cap * sizeof *kept.queued);
		memset(kept.in + old, 0, (kept.cap - old) * sizeof *kept.in);
		memset(kept.shapes + old, 0, (kept.cap - old) * sizeof *kept.shapes);
		memset(kept.unsent + old, 0, (kept.cap - old) * sizeof *kept.unsent);
	}
	kept.busy = true;
	en->in = kept.in;
	en->shapes = kept.shapes;
	en->unsent = kept.unsent;
	en->queued = kept.queued;
}

static void blocks_free(stateset *in, hashes *shapes, indexes *unsent, bool *queued, size_t nb)
{
	for (size_t b = 0; b < nb; b++) {
		free(in[b].data);
		free(shapes[b].data);
		free(unsent[b].data);
	}
	free(in);
	free(shapes);
	free(unsent);
	free(queued);
}

static void blocks_give(engine *en, size_t nb)
{
	if (en->in != kept.in) {
		blocks_free(en->in, en->shapes, en->unsent, en->queued, nb);
		return;
	}
	for (size_t b = 0; b < nb; b++) /* run_once emptied the states */
		en->in[b].len = en->shapes[b].len = en->unsent[b].len = 0;
	kept.busy = false;
}

void vt_flow_run(const vt_func *fn, const vt_flow_opts *o, vt_findings *out, vt_summary *sum)
{
	engine en = { .cx = { .fn = fn, .opts = o, .out = out,
			      .first_finding = out->items.len },
		      .max_states = o->max_states > 0 ? o->max_states : VT_MAX_STATES };
	size_t nb = fn->blocks.len;
	int nparams = en.nparams = nparams_of(fn);

	en.lost = lost_params(fn, nparams);
	en.cx.param_use = xcalloc((size_t)nparams + 1, 1);
	blocks_take(&en, nb);
	if (sum) {
		sum->nparams = nparams;
		sum->param = xcalloc((size_t)nparams + 1, sizeof *sum->param);
	}
	frame_hooks(&en.cx, false);
	run_all(&en, sum);
	frame_hooks(&en.cx, true);
	if (sum)
		summarize_params(&en, sum);
	if (en.cx.budget_hit)
		note_budget(&en);
	blocks_give(&en, nb);
	free(en.live.in);
	free(en.queue.data);
	free(en.cx.param_use);
	free(en.lost);
	free(en.cx.finding_notes.data);
}

/* The kept block arrays and pooled states outlive a function: a unit's next one reuses them. */
void vt_flow_release(void)
{
	blocks_free(kept.in, kept.shapes, kept.unsent, kept.queued, kept.cap);
	memset(&kept, 0, sizeof kept);
	st_pool_drain();
}

void vt_summary_free(vt_summary *s)
{
	if (!s)
		return;
	free(s->param);
	for (size_t i = 0; i < s->paths.len; i++)
		free(s->paths.data[i].ex);
	free(s->paths.data);
	for (size_t i = 0; i < s->slots.len; i++)
		free(s->slots.data[i].member);
	free(s->slots.data);
	memset(s, 0, sizeof *s);
}

vt_summary vt_summary_copy(const vt_summary *s)
{
	vt_summary c = { .nparams = s->nparams };

	c.param = xcalloc((size_t)s->nparams + 1, sizeof *c.param);
	if (s->nparams)
		memcpy(c.param, s->param, (size_t)s->nparams * sizeof *c.param);
	for (size_t i = 0; i < s->paths.len; i++) {
		vt_sum_path p = s->paths.data[i];

		p.ex = p.nex ? memcpy(xmalloc(p.nex * sizeof *p.ex), p.ex, p.nex * sizeof *p.ex)
			     : NULL;
		vec_push(&c.paths, p);
	}
	for (size_t i = 0; i < s->slots.len; i++) {
		vt_src_slot k = { .param = s->slots.data[i].param,
				  .member = xstrdup(s->slots.data[i].member),
				  .escapes = s->slots.data[i].escapes };

		vec_push(&c.slots, k);
	}
	return c;
}

bool vt_summary_same(const vt_summary *a, const vt_summary *b)
{
	if (a->nparams != b->nparams || a->paths.len != b->paths.len ||
	    a->slots.len != b->slots.len)
		return false;
	for (size_t i = 0; i < a->slots.len; i++)
		if (a->slots.data[i].param != b->slots.data[i].param ||
		    a->slots.data[i].escapes != b->slots.data[i].escapes ||
		    strcmp(a->slots.data[i].member, b->slots.data[i].member))
			return false;
	for (int i = 0; i < a->nparams; i++) {
		const vt_param_sum *x = &a->param[i], *y = &b->param[i];

		if (x->is_vtask != y->is_vtask || x->is_out != y->is_out ||
		    x->inspect_only != y->inspect_only || x->outcomes != y->outcomes)
			return false;
	}
	for (size_t i = 0; i < a->paths.len; i++)
		if (!same_path(&a->paths.data[i], &b->paths.data[i]))
			return false;
	return true;
}
