/*
 * flow.c: the data-flow engine.  Runs one function's CFG to a fixed point
 * over sets of path states, so that every path counts: a block's states are
 * kept apart while their vtask operations differ (ESP-style), and merged
 * while only their facts about int locals differ (those facts are met).
 * Rules see each event on each state through vt_rule_hooks; the engine then
 * applies the event.
 */
#include <stdlib.h>
#include <string.h>

#include "state.h"

typedef VEC(state *) stateset;

struct vt_rule_ctx {
	const vt_func *fn;
	const vt_flow_opts *opts;
	vt_findings *out;
	size_t first_finding;       /* this function's findings start here */
	VEC(vt_loc) finding_notes;  /* the note place of each finding, for "earliest" */
	uint8_t *param_use;         /* per parameter: VT_USE_* bits, any path */
	int rule;                   /* the rule whose hook runs */
	void *rule_data[VT_MAX_RULES];
};

/* ---- reporting ------------------------------------------------------------------- */

void vt_report(vt_rule_ctx *cx, vt_loc at, const vt_loc *note_at, const char *note,
	       const char *fmt, ...)
{
	int rule = cx->rule;
	vt_findings *fs = cx->out;
	va_list ap;
	char *msg;
	vt_finding *f;

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

static vt_op_view view(vt_rule_ctx *cx, const op *o, const vt_event *ev)
{
	const vt_func *fn = cx->fn;
	int var = ev && ev->src >= 0 && fn->vars.data[ev->src].kind != VAR_TEMP ? ev->src
										 : o->name_var;
	vt_op_view v = { .born = o->born->loc, .status = o->status, .flags = o->flags,
			 .first = o->first, .maker = o->born->what, .param = -1,
			 .name = var >= 0 ? fn->vars.data[var].name : NULL };

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
static void call_hooks(vt_rule_ctx *cx, enum hook h, const vt_op_view *v, const vt_event *ev)
{
	for (cx->rule = 0; cx->rule < vt_nrules; cx->rule++) {
		vt_hook *fn = hook_of(&vt_rules[cx->rule]->hooks, h);

		if (!cx->opts->disabled[cx->rule] && fn)
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
static void release(vt_rule_ctx *cx, state *s, int var, const vt_event *ev)
{
	bind *b = st_bind_of(s, var);
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
		vt_op_view v = view(cx, o, NULL);

		call_hooks(cx, HOOK_LOST, &v, ev);
	}
	st_remove_op(s, site, gen);
}

/* A new operation made at ev; one made here before and still held becomes "older". */
static void make(vt_rule_ctx *cx, state *s, int dst, const vt_event *ev, uint8_t flags)
{
	op n = { .site = ev->id, .status = ST_LIVE, .flags = flags, .born = ev, .name_var = -1 };
	op *old;

	release(cx, s, dst, ev);
	old = st_op(s, ev->id, 0);
	if (old) {
		op aged = *old;

		st_remove_op(s, ev->id, 1);
		for (size_t i = 0; i < s->binds.len; i++)
			if (s->binds.data[i].site == ev->id && s->binds.data[i].gen == 0)
				s->binds.data[i].gen = 1;
		st_remove_op(s, ev->id, 0);
		aged.gen = 1;
		st_add_op(s, aged);
	}
	if (cx->fn->vars.data[dst].kind != VAR_TEMP)
		n.name_var = dst;
	st_bind(s, dst, st_add_op(s, n));
}

static void copy(vt_rule_ctx *cx, state *s, const vt_event *ev)
{
	op *o = ev->src >= 0 ? st_var_op(s, ev->src) : NULL;
	bind *cur = st_bind_of(s, ev->dst);
	op keep;

	if (o && cur && cur->site == o->site && cur->gen == o->gen)
		return;
	if (o)
		keep = *o;
	release(cx, s, ev->dst, ev);
	if (!o)
		return;
	o = st_op(s, keep.site, keep.gen);
	if (o->name_var < 0 && cx->fn->vars.data[ev->dst].kind != VAR_TEMP)
		o->name_var = ev->dst;
	st_bind(s, ev->dst, o);
}

static void consumed(vt_rule_ctx *cx, state *s, op *o, const vt_event *ev, uint8_t bit)
{
	param_used(cx, o, VT_USE_CONSUMED);
	if (o->flags & OP_CALLER)
		o->out |= (uint8_t)(bit | OUT_TOUCHED);
	if (!o->first)
		o->first = ev;
	o->status = (uint8_t)((o->status & ~ST_LIVE) |
			      (bit == OUT_HANDED ? ST_HANDED : ST_CONSUMED));
}

/* The rules see ev on src's operation (if any) before the engine applies it. */
static op *observe(vt_rule_ctx *cx, state *s, const vt_event *ev, enum hook h)
{
	op *o = st_var_op(s, ev->src);
	vt_op_view v;

	if (o) {
		v = view(cx, o, ev);
		call_hooks(cx, h, &v, ev);
	}
	return o;
}

static void consume(vt_rule_ctx *cx, state *s, const vt_event *ev)
{
	op *o = observe(cx, s, ev, HOOK_CONSUME);

	if (o)
		consumed(cx, s, o, ev, OUT_CONSUMED);
}

static void inspect(vt_rule_ctx *cx, state *s, const vt_event *ev)
{
	op *o = observe(cx, s, ev, HOOK_INSPECT);

	if (!o)
		return;
	param_used(cx, o, VT_USE_INSPECTED);
	if (o->flags & OP_CALLER)
		o->out |= OUT_TOUCHED;
	if (ev->dst >= 0)
		st_link(s, ev->dst, o);
}

static void handoff(vt_rule_ctx *cx, state *s, const vt_event *ev)
{
	op *o = observe(cx, s, ev, HOOK_HANDOFF);

	if (o)
		consumed(cx, s, o, ev, OUT_HANDED);
}

static void store(vt_rule_ctx *cx, state *s, const vt_event *ev)
{
	op *o = ev->src >= 0 ? st_var_op(s, ev->src) : NULL;
	op none = { .site = -1, .born = ev, .name_var = -1 };
	vt_op_view v = view(cx, o ? o : &none, ev);

	call_hooks(cx, HOOK_STORE, &v, ev);
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
	v = view(cx, o, NULL);
	call_hooks(cx, HOOK_ESCAPE, &v, NULL);
	param_used(cx, o, VT_USE_CONSUMED);
	if (o->flags & OP_CALLER) {
		o->out |= OUT_ESCAPED;
		st_unbind(s, var);
		return;
	}
	st_remove_op(s, o->site, o->gen);
}

/* ---- calls that take &x: one state per way the callee can return -------------------- */

static void callee_effect(vt_rule_ctx *cx, state *s, const vt_event *ev, unsigned bits,
			  bool always_stores)
{
	op *o = st_var_op(s, ev->src);

	if (bits & (OUT_CONSUMED | OUT_TOUCHED))
		observe(cx, s, ev, (bits & OUT_CONSUMED) ? HOOK_CONSUME : HOOK_INSPECT);
	if (o && (bits & OUT_CONSUMED))
		consumed(cx, s, o, ev, OUT_CONSUMED);
	else if (o && (bits & OUT_HANDED))
		consumed(cx, s, o, ev, OUT_HANDED);
	if (bits & OUT_ESCAPED)
		escape(cx, s, ev->src);
	if (bits & OUT_STORED)
		make(cx, s, ev->src, ev, always_stores ? 0 : OP_MAYBE);
}

static void callref(vt_rule_ctx *cx, stateset *work, size_t i, const vt_event *ev)
{
	uint32_t outs = ev->sum->param[ev->arg].outcomes;
	bool always = outs != 0;
	state *base = work->data[i];
	bool first = true;

	for (unsigned b = 0; b < 32; b++)
		if ((outs & (1u << b)) && !(b & OUT_STORED))
			always = false;
	for (unsigned b = 0; b < 32; b++) {
		state *s;

		if (!(outs & (1u << b)))
			continue;
		s = first ? base : st_copy(base);
		if (!first)
			vec_push(work, s);
		first = false;
		callee_effect(cx, s, ev, b, always);
	}
	if (first) { /* the callee never returns */
		st_free(base);
		work->data[i] = NULL;
	}
}

static void apply(vt_rule_ctx *cx, stateset *work, size_t i, const vt_event *ev)
{
	state *s = work->data[i];

	switch (ev->kind) {
	case EV_BIRTH: make(cx, s, ev->dst, ev, ev->flags); break;
	case EV_COPY: copy(cx, s, ev); break;
	case EV_CLEAR: release(cx, s, ev->dst, ev); break;
	case EV_CONSUME: consume(cx, s, ev); break;
	case EV_INSPECT: inspect(cx, s, ev); break;
	case EV_HANDOFF: handoff(cx, s, ev); break;
	case EV_STORE: store(cx, s, ev); break;
	case EV_ESCAPE: escape(cx, s, ev->src); break;
	case EV_CALLREF: callref(cx, work, i, ev); break;
	case EV_DROP: release(cx, s, ev->src, ev); break;
	case EV_FORGET: st_forget(s, ev->dst); break;
	}
}

/* ---- the fixed point ---------------------------------------------------------------- */

/* Adds s to a block's states; true when the block must be looked at again. */
static bool merge_into(stateset *in, state *s, int max_states)
{
	for (size_t i = 0; i < in->len; i++)
		if (st_same_shape(in->data[i], s)) {
			bool changed = st_meet_facts(in->data[i], s) |
				       st_keep_earliest(in->data[i], s);

			st_free(s);
			return changed;
		}
	if ((int)in->len >= max_states)
		for (size_t i = 0; i < in->len; i++)
			if (st_same_binds(in->data[i], s)) {
				bool changed = st_join_ops(in->data[i], s);

				st_free(s);
				return changed;
			}
	vec_push(in, s);
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

typedef struct engine {
	vt_rule_ctx cx;
	int max_states;
	stateset *in;
	VEC(int) queue;
	bool *queued;
} engine;

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
			state *s = st_copy(work->data[i]);

			if (!st_apply_cond(s, &e->cond))
				st_free(s);
			else if (merge_into(&en->in[e->to], s, en->max_states))
				enqueue(en, e->to);
		}
		st_free(work->data[i]);
	}
}

static void fixed_point(engine *en)
{
	const vt_func *fn = en->cx.fn;

	for (size_t head = 0; head < en->queue.len; head++) {
		int b = en->queue.data[head];
		stateset work = { 0 };

		en->queued[b] = false;
		for (size_t i = 0; i < en->in[b].len; i++)
			vec_push(&work, st_copy(en->in[b].data[i]));
		run_block(&en->cx, &fn->blocks.data[b], &work);
		propagate(en, &fn->blocks.data[b], &work);
		free(work.data);
		if (head > 4096 && head * 2 > en->queue.len) { /* keep the queue short */
			memmove(en->queue.data, en->queue.data + head + 1,
				(en->queue.len - head - 1) * sizeof(int));
			en->queue.len -= head + 1;
			head = (size_t)-1;
		}
	}
}

/* ---- summaries and parameters after the walk ------------------------------------------- */

static void summarize(engine *en, vt_summary *sum)
{
	const vt_func *fn = en->cx.fn;
	stateset *exit = &en->in[fn->exit];

	sum->nparams = 0;
	for (size_t v = 0; v < fn->vars.len; v++)
		if (fn->vars.data[v].param >= sum->nparams)
			sum->nparams = fn->vars.data[v].param + 1;
	sum->param = xcalloc((size_t)sum->nparams + 1, sizeof *sum->param);
	for (size_t v = 0; v < fn->vars.len; v++) {
		const vt_var *var = &fn->vars.data[v];
		vt_param_sum *p;

		if (var->param < 0 || (var->kind != VAR_PARAM && var->kind != VAR_OUT))
			continue;
		p = &sum->param[var->param];
		p->is_vtask = var->kind == VAR_PARAM;
		p->is_out = var->kind == VAR_OUT;
		if (p->is_vtask)
			p->inspect_only = en->cx.param_use[var->param] ==
					  (VT_USE_USED | VT_USE_INSPECTED);
		for (size_t i = 0; p->is_out && i < exit->len; i++) {
			state *s = exit->data[i];
			bind *b = st_bind_of(s, (int)v);
			op *caller = NULL;
			unsigned bits;

			for (size_t k = 0; k < s->ops.len && !caller; k++)
				if ((s->ops.data[k].flags & OP_CALLER) &&
				    s->ops.data[k].born->dst == (int)v)
					caller = &s->ops.data[k];
			bits = caller ? caller->out : 0;
			if (!b || !caller || b->site != caller->site)
				bits |= OUT_STORED;
			p->outcomes |= 1u << bits;
		}
	}
}

void vt_flow_run(const vt_func *fn, const vt_flow_opts *o, vt_findings *out, vt_summary *sum)
{
	engine en = { .cx = { .fn = fn, .opts = o, .out = out,
			      .first_finding = out->items.len },
		      .max_states = o->max_states > 0 ? o->max_states : VT_MAX_STATES };
	size_t nb = fn->blocks.len;
	int nparams = 0;

	for (size_t v = 0; v < fn->vars.len; v++)
		if (fn->vars.data[v].param >= nparams)
			nparams = fn->vars.data[v].param + 1;
	en.cx.param_use = xcalloc((size_t)nparams + 1, 1);
	en.in = xcalloc(nb, sizeof *en.in);
	en.queued = xcalloc(nb, sizeof *en.queued);
	vec_push(&en.in[fn->entry], st_new());
	enqueue(&en, fn->entry);
	frame_hooks(&en.cx, false);
	fixed_point(&en);
	frame_hooks(&en.cx, true);
	if (sum)
		summarize(&en, sum);
	for (size_t b = 0; b < nb; b++) {
		for (size_t i = 0; i < en.in[b].len; i++)
			st_free(en.in[b].data[i]);
		free(en.in[b].data);
	}
	free(en.in);
	free(en.queued);
	free(en.queue.data);
	free(en.cx.param_use);
	free(en.cx.finding_notes.data);
}

void vt_summary_free(vt_summary *s)
{
	if (s)
		free(s->param);
}
