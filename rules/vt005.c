/*
 * VT005 unconsumed-vtask: the last link to a live operation is lost (scope
 * end, jump, overwrite, discarded value): its pooled source never goes back
 * to the pool.  Parameters are settled after the walk (see flow.c).
 */
#include "../analyzer/vtlint.h"

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

static void lost(vt_rule_ctx *cx, const vt_op_view *op, const vt_event *ev)
{
	char who[160];

	if (op->param >= 0) {
		vt_report_param_loss(cx, op, ev);
		return;
	}
	vt_report(cx, VT005, op->born, &ev->loc, where_lost(ev),
		  "%s is never consumed on some path", vt_subject(op, who, sizeof who));
}

const vt_rule_hooks vt005_hooks = { .lost = lost };
