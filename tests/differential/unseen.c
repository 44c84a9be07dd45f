/*
 * Code that vtlint does not see: difftest.py links it into every generated
 * program but lints only the program, so a call of dt_take is a call to
 * another file (rules.md: `x`'s operation is handed over, and `x` is
 * tracked again from its next assignment; no finding may rest on a guess).
 *
 * It consumes `*p` exactly once, then leaves the zero vtask there: the
 * generator passes `&x` only just after giving `x` a fresh operation, and
 * whatever the unit does with `x` afterwards (consume it again, lose it,
 * get_result it) is no misuse of the zero vtask, as it is no finding for
 * vtlint, which no longer tracks that operation.
 */
#include <vtask.h>

void dt_take(vtask *p);

void dt_take(vtask *p)
{
	if (vtask_is_completed(*p))
		(void)vtask_get_result(*p, NULL);
	else
		vt_task_release(vtask_as_task(*p));
	*p = VTASK_COMPLETED;
}
