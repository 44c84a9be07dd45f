/*
 * VT005 unconsumed-vtask: the last link to a live operation is lost (scope
 * end, jump, overwrite, discarded value): its pooled source never goes back
 * to the pool.  A parameter's loss is only known after the walk: it counts
 * when the function consumes the parameter on some path, or never uses it
 * (one that is only inspected is borrowed, and stays the caller's).
 */
#include <stdlib.h>

#include "../analyzer/vtlint.h"

typedef struct param_loss {
	vt_op_view op;
	const vt_event *ev;
} param_loss;

typedef VEC(param_loss) param_losses;

static const char *where_lost(const vt_event *ev)
{
	switch (ev->kind) {
	case EV_COPY: case EV_CLEAR: case EV_BIRTH:
		return "overwritten here";
	case EV_CALLREF:
		return "overwritten by this call";
	default:
		return "lost here without being consumed";
	}
}

static void begin(vt_rule_ctx *cx)
{
	*vt_rule_data(cx) = xcalloc(1, sizeof(param_losses));
}

static void lost(vt_rule_ctx *cx, const vt_op_view *op, const vt_event *ev)
{
	char who[160];

	if (op->approx)
		return; /* may be a path the facts rule out */
	if (op->param >= 0) {
		param_loss p = { .op = *op, .ev = ev };

		vec_push((param_losses *)*vt_rule_data(cx), p);
		return;
	}
	vt_report(cx, op->born, &ev->loc, where_lost(ev),
		  "%s is never consumed on some path", vt_subject(op, who, sizeof who));
}

static void end(vt_rule_ctx *cx)
{
	param_losses *ls = *vt_rule_data(cx);

	for (size_t i = 0; i < ls->len; i++) {
		const param_loss *p = &ls->data[i];
		unsigned use = vt_param_use(cx, p->op.param);
		char who[256];

		if ((use & VT_USE_CONSUMED) || !(use & VT_USE_USED))
			vt_report(cx, p->op.born, &p->ev->loc, "not consumed on this path",
				  "%s is not consumed on every path, and the caller "
				  "handed it over", vt_subject(&p->op, who, sizeof who));
	}
	free(ls->data);
	free(ls);
}

const vt_rule vt005 = {
	.id = "VT005",
	.name = "unconsumed-vtask",
	.summary = "A vtask is neither consumed, handed off nor stored on some path.",
	.tags = { "correctness", "resource-leak" },
	.level = LEVEL_WARNING,
	.hooks = { .begin = begin, .lost = lost, .end = end },
};
