/*
 * VT006 source-misuse: the producer's side of a vt_source, within one
 * function: a version completed twice with no reset between, a reset while a
 * vtask made here from the source is still unconsumed (from this version, or
 * from an older one when a reset came between), or a vtask made with a token
 * read before a reset.  Each hands some consumer another operation's result,
 * or none.
 */
#include "../analyzer/vtlint.h"

static void source(vt_rule_ctx *cx, const vt_source_view *v, const vt_event *ev)
{
	const vt_loc *at = v->earlier ? &v->earlier->loc : NULL;

	switch (v->fault) {
	case SRC_TWICE:
		vt_report(cx, ev->loc, at, "first completed here",
			  "source '%s' is completed a second time with no vt_source_reset between",
			  v->name);
		break;
	case SRC_OUTSTANDING:
		vt_report(cx, ev->loc, at, "the vtask was made here",
			  "source '%s' is reset while a vtask this function made from it is still "
			  "unconsumed", v->name);
		break;
	case SRC_STALE:
		vt_report(cx, ev->loc, at, "token read here",
			  "vtask_from_source() on source '%s' with a token read before its last reset",
			  v->name);
		break;
	}
}

const vt_rule vt006 = {
	.id = "VT006",
	.name = "source-misuse",
	.summary = "A vt_source version completed twice, reset while its vtask is outstanding, or "
		   "given a stale token.",
	.tags = { "correctness", "concurrency" },
	.level = LEVEL_WARNING,
	.hooks = { .source = source },
};
