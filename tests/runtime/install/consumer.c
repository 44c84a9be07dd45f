/* consumer.c: a tiny program built against an installed libvtask. */
#include <stdio.h>
#include <vtask.h>

static void hello(void *arg)
{
	void *r = NULL;

	if (vtask_await(vt_sleep(1), NULL) == 0 &&
	    vtask_await(vtask_from_result(arg), &r) == 0)
		printf("%s\n", (const char *)r);
}

int main(void)
{
	vt_loop *loop = vt_loop_new();

	vt_spawn(loop, hello, "vtask consumer ok");
	vt_loop_run(loop);
	vt_loop_free(loop);
	return 0;
}
