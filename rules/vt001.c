/*
 * VT001 double-consume: a consumption, inspection or hand-off of an operation
 * that this path already consumed.  A pooled source goes back to its pool on
 * the first consumption, so the second may read someone else's result.
 */
#include "../analyzer/vtlint.h"

static void after_consumed(vt_rule_ctx *cx, const vt_op_view *op, const vt_event *ev,
			   const char *what)
{
	char who[160];

	if (!(op->status & ST_CONSUMED))
		return;
	vt_report(cx, ev->loc, op->first ? &op->first->loc : NULL, "first consumed here",
		  "%s is %s after it was consumed", vt_subject(op, who, sizeof who), what);
}

static void consume(vt_rule_ctx *cx, const vt_op_view *op, const vt_event *ev)
{
	char who[160];

	if (!(op->status & ST_CONSUMED))
		return;
	vt_report(cx, ev->loc, op->first ? &op->first->loc : NULL, "first consumed here",
		  "%s is consumed a second time", vt_subject(op, who, sizeof who));
}

static void inspect(vt_rule_ctx *cx, const vt_op_view *op, const vt_event *ev)
{
	after_consumed(cx, op, ev, "inspected");
}

static void handoff(vt_rule_ctx *cx, const vt_op_view *op, const vt_event *ev)
{
	after_consumed(cx, op, ev, "handed to another fiber");
}

const vt_rule vt001 = {
	.id = "VT001",
	.name = "double-consume",
	.summary = "A vtask is consumed twice, or inspected or handed on after it was consumed.",
	.tags = { "correctness", "reliability" },
	.level = LEVEL_WARNING,
	.hooks = { .consume = consume, .inspect = inspect, .handoff = handoff },
};
