/* cfg.c: blocks of vtask events joined by edges that carry branch facts. */
#include <stdlib.h>
#include <string.h>

#include "vtlint.h"

vt_func *cfg_new(const char *name, vt_loc loc)
{
	vt_func *fn = xcalloc(1, sizeof *fn);

	fn->name = xstrdup(name);
	fn->loc = loc;
	fn->entry = cfg_block(fn);
	fn->exit = cfg_block(fn);
	fn->ret = -1;
	return fn;
}

void cfg_free(vt_func *fn)
{
	if (!fn)
		return;
	for (size_t i = 0; i < fn->blocks.len; i++) {
		vt_block *b = &fn->blocks.data[i];

		for (size_t j = 0; j < b->succ.len; j++)
			free(b->succ.data[j].cond.set);
		free(b->ev.data);
		free(b->succ.data);
	}
	for (size_t i = 0; i < fn->vars.len; i++)
		free(fn->vars.data[i].name);
	for (size_t i = 0; i < fn->strs.len; i++)
		free(fn->strs.data[i]);
	free(fn->strs.data);
	free(fn->blocks.data);
	free(fn->vars.data);
	free(fn->name);
	free(fn);
}

int cfg_block(vt_func *fn)
{
	vt_block b = { 0 };

	vec_push(&fn->blocks, b);
	return (int)fn->blocks.len - 1;
}

int cfg_var(vt_func *fn, const char *name, enum vt_var_kind kind, vt_loc loc)
{
	vt_var v = { .name = xstrdup(name), .kind = kind, .loc = loc, .param = -1, .root = -1,
		     .birth = -1, .lo = INT64_MIN, .hi = INT64_MAX };

	vec_push(&fn->vars, v);
	return (int)fn->vars.len - 1;
}

/* Keeps a copy of s as long as the function lives. */
const char *cfg_str(vt_func *fn, const char *s)
{
	char *c = xstrdup(s);

	vec_push(&fn->strs, c);
	return c;
}

vt_event *cfg_emit(vt_func *fn, int block, enum vt_ev_kind kind, vt_loc loc)
{
	vt_block *b = &fn->blocks.data[block];
	vt_event e = { .kind = kind, .dst = -1, .src = -1, .id = fn->nevents++,
		       .loc = loc, .arg = -1, .ret = -1 };

	if (kind != EV_FORGET && kind != EV_SETK && kind != EV_CALLRET && kind != EV_SRC_TOKEN)
		fn->uses_vtask = true;
	vec_push(&b->ev, e);
	return &b->ev.data[b->ev.len - 1];
}

vt_edge *cfg_edge(vt_func *fn, int from, int to)
{
	vt_block *b = &fn->blocks.data[from];
	vt_edge e = { .to = to };

	vec_push(&b->succ, e);
	return &b->succ.data[b->succ.len - 1];
}

const char *cfg_ev_name(enum vt_ev_kind k)
{
	static const char *const names[] = {
		"birth", "copy", "clear", "consume", "inspect", "handoff",
		"store", "escape", "callref", "drop", "forget", "setk", "callret", "point",
		"source-set", "source-reset", "source-token", "source-make",
	};
	return k < sizeof names / sizeof *names ? names[k] : "?";
}

static const char *var_name(const vt_func *fn, int v)
{
	return v >= 0 ? fn->vars.data[v].name : "-";
}

static void dump_cond(const vt_func *fn, const vt_cond *c, FILE *out)
{
	static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=" };

	switch (c->kind) {
	case COND_CMP:
		fprintf(out, " [%s %s %lld]", var_name(fn, c->var), ops[c->op],
			(long long)c->lo);
		break;
	case COND_RANGE:
		fprintf(out, " [%s in %lld..%lld]", var_name(fn, c->var),
			(long long)c->lo, (long long)c->hi);
		break;
	case COND_NOTIN:
		fprintf(out, " [%s not in %zu cases]", var_name(fn, c->var), c->nset);
		break;
	case COND_DONE:
		fprintf(out, " [%s %s]", var_name(fn, c->var),
			c->op == CMP_EQ ? "completed" : "not known completed");
		break;
	}
}

/* A stable text form: the CFG unit tests compare against it. */
void cfg_dump(const vt_func *fn, FILE *out)
{
	fprintf(out, "function %s\n", fn->name);
	for (size_t i = 0; i < fn->blocks.len; i++) {
		const vt_block *b = &fn->blocks.data[i];

		fprintf(out, "B%zu%s%s:\n", i, (int)i == fn->entry ? " (entry)" : "",
			(int)i == fn->exit ? " (exit)" : "");
		for (size_t j = 0; j < b->ev.len; j++) {
			const vt_event *e = &b->ev.data[j];

			fprintf(out, "  %u: %s", e->loc.line, cfg_ev_name(e->kind));
			if (e->dst >= 0)
				fprintf(out, " %s", var_name(fn, e->dst));
			if (e->src >= 0)
				fprintf(out, " <- %s", var_name(fn, e->src));
			if (e->what)
				fprintf(out, " (%s)", e->what);
			if (e->kind == EV_SETK)
				fprintf(out, " = %lld", (long long)e->k);
			fputc('\n', out);
		}
		for (size_t j = 0; j < b->succ.len; j++) {
			fprintf(out, "  -> B%d", b->succ.data[j].to);
			dump_cond(fn, &b->succ.data[j].cond, out);
			fputc('\n', out);
		}
	}
}
