/*
 * worker.c: handing a vtask to another fiber and awaiting it here too: two
 * waiters on one operation (VT002).  The fix is vtask_as_task(), which may be
 * awaited by any number of fibers.
 */
#include <vtask.h>

static void waiter(void *arg)
{
	vtask *vt = arg;

	vtask_await(*vt, NULL);
}

int start_and_wait(vt_loop *loop)
{
	vtask t = vt_sleep(10);

	vt_spawn(loop, waiter, &t);
	return vtask_await(t, NULL);
}

int start_and_share(vt_loop *loop)
{
	vt_task *shared = vtask_as_task(vt_sleep(10));
	int err = vt_task_await(shared, NULL);

	vt_task_release(shared);
	return err;
}
