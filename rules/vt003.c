/*
 * VT003 blocking-get-result: vtask_get_result() never waits; on an operation
 * that may still be pending it fails (VT_EMISUSE), and code that used it as a
 * blocking call reads garbage.  Known completed means: made by
 * vtask_from_result/_from_error in this function, or reached only through
 * the true side of an inspection.
 */
#include "../analyzer/vtlint.h"

static void consume(vt_rule_ctx *cx, const vt_op_view *op, const vt_event *ev)
{
	char who[160];

	if (ev->how != HOW_GET_RESULT || (op->flags & OP_DONE) ||
	    (op->status & (ST_CONSUMED | ST_HANDED)))
		return; /* a consumed or handed-off one is VT001's or VT002's */
	vt_report(cx, ev->loc, &op->born, "made here",
		  "vtask_get_result() on %s, which is not known to have completed: it does "
		  "not wait", vt_subject(op, who, sizeof who));
}

const vt_rule vt003 = {
	.id = "VT003",
	.name = "blocking-get-result",
	.summary = "vtask_get_result() on a vtask that is not known to have completed on every path.",
	.tags = { "correctness", "concurrency" },
	.level = LEVEL_WARNING,
	.hooks = { .consume = consume },
};
