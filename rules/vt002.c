/*
 * VT002 concurrent-await: an operation handed to another fiber or thread is
 * used again here while that fiber may still be waiting on it.  A source has
 * one waiter slot per version: the second waiter is misuse.
 */
#include "../analyzer/vtlint.h"

static bool handed_only(const vt_op_view *op)
{
	return (op->status & ST_HANDED) && !(op->status & ST_CONSUMED);
}

static void report(vt_rule_ctx *cx, const vt_op_view *op, const vt_event *ev, const char *what)
{
	char who[160];

	vt_report(cx, ev->loc, op->first ? &op->first->loc : NULL,
		  "handed to another fiber here", "%s is %s while another fiber may still be "
		  "waiting on it", vt_subject(op, who, sizeof who), what);
}

static void consume(vt_rule_ctx *cx, const vt_op_view *op, const vt_event *ev)
{
	if (handed_only(op))
		report(cx, op, ev, "consumed here");
}

static void inspect(vt_rule_ctx *cx, const vt_op_view *op, const vt_event *ev)
{
	if (handed_only(op))
		report(cx, op, ev, "inspected here");
}

static void handoff(vt_rule_ctx *cx, const vt_op_view *op, const vt_event *ev)
{
	if (handed_only(op))
		report(cx, op, ev, "handed to a second fiber");
}

const vt_rule vt002 = {
	.id = "VT002",
	.name = "concurrent-await",
	.summary = "A vtask handed to another fiber or thread is also consumed or handed off elsewhere "
		   "while it may still be pending.",
	.tags = { "correctness", "concurrency" },
	.level = LEVEL_WARNING,
	.hooks = { .consume = consume, .inspect = inspect, .handoff = handoff },
};
