/* More paths than vtlint keeps apart in one function: eight vtask
 * pointers, each aimed at one of two vtasks by a call vtlint cannot see,
 * make 256 ways to reach the end.  vtlint merges some of them, says so
 * (a note in text, `limits` in JSON, a notification in SARIF), and still
 * reports what rests on no merged path. */
#include <vtask.h>

int pick(void);

void many(void)
{
	vtask a0 = vtask_from_task(vt_task_new()), b0 = vtask_from_task(vt_task_new());
	vtask a1 = vtask_from_task(vt_task_new()), b1 = vtask_from_task(vt_task_new());
	vtask a2 = vtask_from_task(vt_task_new()), b2 = vtask_from_task(vt_task_new());
	vtask a3 = vtask_from_task(vt_task_new()), b3 = vtask_from_task(vt_task_new());
	vtask a4 = vtask_from_task(vt_task_new()), b4 = vtask_from_task(vt_task_new());
	vtask a5 = vtask_from_task(vt_task_new()), b5 = vtask_from_task(vt_task_new());
	vtask a6 = vtask_from_task(vt_task_new()), b6 = vtask_from_task(vt_task_new());
	vtask a7 = vtask_from_task(vt_task_new()), b7 = vtask_from_task(vt_task_new());
	vtask *p0 = pick() ? &a0 : &b0, *p1 = pick() ? &a1 : &b1;
	vtask *p2 = pick() ? &a2 : &b2, *p3 = pick() ? &a3 : &b3;
	vtask *p4 = pick() ? &a4 : &b4, *p5 = pick() ? &a5 : &b5;
	vtask *p6 = pick() ? &a6 : &b6, *p7 = pick() ? &a7 : &b7;

	(void)vtask_await(*p0, NULL);
	(void)vtask_await(*p1, NULL);
	(void)vtask_await(*p2, NULL);
	(void)vtask_await(*p3, NULL);
	(void)vtask_await(*p4, NULL);
	(void)vtask_await(*p5, NULL);
	(void)vtask_await(*p6, NULL);
	(void)vtask_await(*p7, NULL);
	if (pick()) {
		(void)vtask_await(a0, NULL);
		(void)vtask_await(b0, NULL);
	}
}
