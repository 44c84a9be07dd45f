/*
 * VT007 leaked-task: a vt_task * reference held by a local, made by
 * vtask_as_task, vt_task_new, vt_task_from_*, vt_task_retain or
 * vt_task_when_all/when_any, that is neither released, returned, stored
 * outside the function, handed to another function nor wrapped by
 * vtask_from_task on some path: the task (and whatever it holds) is never
 * freed.  The engine follows references exactly as it follows vtasks.
 */
#include "../analyzer/vtlint.h"

static const char *where_lost(const vt_event *ev)
{
	switch (ev->kind) {
	case EV_COPY: case EV_CLEAR: case EV_BIRTH:
		return "overwritten here";
	default:
		return "lost here without being released";
	}
}

static void lost(vt_rule_ctx *cx, const vt_op_view *op, const vt_event *ev)
{
	char who[160];

	if (op->approx || op->param >= 0)
		return; /* a parameter is the caller's reference */
	if (op->name)
		snprintf(who, sizeof who, "the vt_task reference in '%s'", op->name);
	else
		snprintf(who, sizeof who, "the vt_task reference returned by '%s'", op->maker);
	vt_report(cx, op->born, &ev->loc, where_lost(ev), "%s is never released on some path",
		  who);
}

const vt_rule vt007 = {
	.id = "VT007",
	.name = "leaked-task",
	.summary = "A vt_task reference made in this function is neither released, returned, stored "
		   "nor handed on on some path.",
	.tags = { "correctness", "resource-leak" },
	.level = LEVEL_WARNING,
	.tasks = true,
	.hooks = { .lost = lost },
};
