/*
 * VT004 stored-vtask: a vtask put where it outlives the expression (member,
 * array element, global or static, memory behind a pointer other than a
 * vtask * parameter) invites a second consumer.  vtask_as_task() is the way
 * to keep one.
 */
#include "../analyzer/vtlint.h"

static void store(vt_rule_ctx *cx, const vt_op_view *op, const vt_event *ev)
{
	char who[160];

	if (op->name || op->maker)
		vt_subject(op, who, sizeof who);
	else
		snprintf(who, sizeof who, "a vtask");
	vt_report(cx, ev->loc, NULL, NULL,
		  "%s is stored in %s; keep the vt_task from vtask_as_task() instead", who,
		  ev->what ? ev->what : "a container");
}

const vt_rule vt004 = {
	.id = "VT004",
	.name = "stored-vtask",
	.summary = "A vtask is stored in a struct or union member, an array element, a global or static "
		   "variable, or memory behind a pointer that is not a vtask * parameter.",
	.tags = { "correctness", "maintainability" },
	.level = LEVEL_WARNING,
	.hooks = { .store = store },
};
